/* export_apkg.c - an Anki package in the schema-11 layout every Anki
 * version imports: a zip of collection.anki2 (SQLite), the media map and
 * the media files.  One deck named after the pack with a sub-deck per
 * round, one note type ("studypack card": Front/Back, styled like our
 * cards), tags from topics, round and difficulty.
 *
 * Deterministic: every id is derived from the pack (the note type's from
 * a constant), every time from EPOCH; the database is built in memory and
 * serialised (same SQLite, same pages), the zip is built in memory with
 * fixed entry times (see exporter.h). */
#include "exporter.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sha1.h>
#include <sha2.h>
#include <sqlite3.h>
#include <zip.h>

/* Every pack exports the same note type, so packs share it in Anki. */
#define MODEL_ID 1733000000001LL
#define MODEL_NAME "studypack card"

static const char css[] =
    ".card { font-family: \"DejaVu Sans\", Verdana, sans-serif; "
    "font-size: 20px; color: #000; background: #fff; text-align: left; "
    "max-width: 36em; margin: 0 auto; padding: 0.6em 1em; }\n"
    ".sp-head { display: flex; justify-content: space-between; "
    "font-size: 0.6em; color: #555; border-bottom: 0.5px solid #999; "
    "padding-bottom: 0.3em; margin-bottom: 1em; }\n"
    ".sp-front { text-align: center; }\n"
    ".sp-cue { font-style: italic; font-size: 0.7em; color: #333; "
    "margin-bottom: 0.4em; }\n"
    ".sp-prompt { font-size: 1.15em; line-height: 1.35; }\n"
    ".sp-back ul, .sp-back ol { padding-left: 1.2em; }\n"
    ".sp-back pre, .sp-back code { font-family: \"DejaVu Sans Mono\", "
    "monospace; font-size: 0.85em; }\n"
    ".sp-back pre { white-space: pre-wrap; }\n"
    ".sp-back img { max-width: 100%; }\n"
    ".sp-followup { font-size: 0.8em; font-style: italic; margin-top: "
    "0.8em; }\n"
    ".sp-followup::before { content: \"Follow-up: \"; font-weight: bold; "
    "font-style: normal; }\n";

static const char qfmt[] =
    "<div class=\"sp-head\"><span>{{Deck}}</span><span>{{Tags}}</span>"
    "</div>\n<div class=\"sp-front\">{{Front}}</div>";
static const char afmt[] =
    "{{FrontSide}}\n<hr id=\"answer\">\n<div class=\"sp-back\">{{Back}}"
    "</div>";

static const char schema[] =
    "CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod "
    "integer NOT NULL, scm integer NOT NULL, ver integer NOT NULL, dty "
    "integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text "
    "NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT "
    "NULL, tags text NOT NULL);\n"
    "CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid "
    "integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, tags text "
    "NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT "
    "NULL, flags integer NOT NULL, data text NOT NULL);\n"
    "CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did "
    "integer NOT NULL, ord integer NOT NULL, mod integer NOT NULL, usn "
    "integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due "
    "integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps "
    "integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue "
    "integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data "
    "text NOT NULL);\n"
    "CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn "
    "integer NOT NULL, ease integer NOT NULL, ivl integer NOT NULL, lastIvl "
    "integer NOT NULL, factor integer NOT NULL, time integer NOT NULL, type "
    "integer NOT NULL);\n"
    "CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type "
    "integer NOT NULL);\n"
    "CREATE INDEX ix_notes_usn ON notes (usn);\n"
    "CREATE INDEX ix_cards_usn ON cards (usn);\n"
    "CREATE INDEX ix_revlog_usn ON revlog (usn);\n"
    "CREATE INDEX ix_cards_nid ON cards (nid);\n"
    "CREATE INDEX ix_cards_sched ON cards (did, queue, due);\n"
    "CREATE INDEX ix_revlog_cid ON revlog (cid);\n"
    "CREATE INDEX ix_notes_csum ON notes (csum);\n";

/* A positive id below 2^53 from text (SHA-256), in the range Anki's
 * millisecond ids use. */
static long long derived_id(const char *a, const char *b)
{
    SHA2_CTX c;
    uint8_t h[SHA256_DIGEST_LENGTH];
    SHA256Init(&c);
    SHA256Update(&c, (const uint8_t *)a, strlen(a));
    SHA256Update(&c, (const uint8_t *)"\n", 1);
    SHA256Update(&c, (const uint8_t *)b, strlen(b));
    SHA256Final(h, &c);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | h[i];
    return 1000000000000LL + (long long)(v % 1000000000000ULL);
}

/* Anki's checksum of the sort field: the first 8 hex digits of its
 * SHA-1 as a number. */
static long long csum(const char *s)
{
    uint8_t h[SHA1_DIGEST_LENGTH];
    SHA1_CTX c;
    SHA1Init(&c);
    SHA1Update(&c, (const uint8_t *)s, strlen(s));
    SHA1Final(h, &c);
    return (long long)((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
                       (uint32_t)h[2] << 8 | h[3]);
}

/* The sort field as Anki computes it: the first field's HTML without
 * its tags, entities decoded (our HTML uses only these four). */
static void strip_html(sp_buf *b, const char *h, size_t n)
{
    static const struct {
        const char *e;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'},
                {"&quot;", '"'}};
    for (size_t i = 0; i < n;) {
        if (h[i] == '<') {
            while (i < n && h[i] != '>')
                i++;
            i++;
            continue;
        }
        int done = 0;
        for (size_t k = 0; k < 4 && h[i] == '&'; k++) {
            size_t l = strlen(ents[k].e);
            if (i + l <= n && strncmp(h + i, ents[k].e, l) == 0) {
                sp_buf_put(b, &ents[k].c, 1);
                i += l;
                done = 1;
                break;
            }
        }
        if (!done)
            sp_buf_put(b, h + i++, 1);
    }
}

typedef struct {
    long long id;
    char *name;
} deck;

static void deck_json(sp_buf *b, long long id, const char *name,
                      long long mod, int first)
{
    sp_buf_printf(b, "%s\"%lld\": {\"id\": %lld, \"name\": ", first ? "" : ", ",
                  id, id);
    sp_json_str(b, name);
    sp_buf_printf(b, ", \"mod\": %lld, \"usn\": -1, \"desc\": \"\", "
                  "\"dyn\": 0, \"conf\": 1, \"collapsed\": false, "
                  "\"browserCollapsed\": false, \"extendNew\": 10, "
                  "\"extendRev\": 50, \"newToday\": [0, 0], \"revToday\": "
                  "[0, 0], \"lrnToday\": [0, 0], \"timeToday\": [0, 0]}",
                  mod);
}

static void model_json(sp_buf *b, long long did, long long mod)
{
    sp_buf_printf(b, "{\"%lld\": {\"id\": %lld, \"name\": \"" MODEL_NAME
                  "\", \"type\": 0, \"mod\": %lld, \"usn\": -1, \"sortf\": 0, "
                  "\"did\": %lld, \"tmpls\": [{\"name\": \"Card 1\", \"ord\": "
                  "0, \"qfmt\": ", MODEL_ID, MODEL_ID, mod, did);
    sp_json_str(b, qfmt);
    sp_buf_str(b, ", \"afmt\": ");
    sp_json_str(b, afmt);
    sp_buf_str(b, ", \"bqfmt\": \"\", \"bafmt\": \"\", \"did\": null, "
               "\"bfont\": \"\", \"bsize\": 0}], \"flds\": [");
    static const char *const names[] = {"Front", "Back"};
    for (int i = 0; i < 2; i++)
        sp_buf_printf(b, "%s{\"name\": \"%s\", \"ord\": %d, \"sticky\": "
                      "false, \"rtl\": false, \"font\": \"DejaVu Sans\", "
                      "\"size\": 20, \"media\": []}", i ? ", " : "",
                      names[i], i);
    sp_buf_str(b, "], \"css\": ");
    sp_json_str(b, css);
    sp_buf_str(b, ", \"latexPre\": \"\\\\documentclass[12pt]{article}\\n"
               "\\\\special{papersize=3in,5in}\\n\\\\usepackage[utf8]{inputenc}"
               "\\n\\\\usepackage{amssymb,amsmath}\\n\\\\pagestyle{empty}\\n"
               "\\\\setlength{\\\\parindent}{0in}\\n\\\\begin{document}\\n\", "
               "\"latexPost\": \"\\\\end{document}\", \"latexsvg\": false, "
               "\"req\": [[0, \"any\", [0]]], \"tags\": [], \"vers\": []}}");
}

static const char dconf[] =
    "{\"1\": {\"id\": 1, \"name\": \"Default\", \"mod\": 0, \"usn\": 0, "
    "\"maxTaken\": 60, \"autoplay\": true, \"timer\": 0, \"replayq\": true, "
    "\"dyn\": false, \"new\": {\"delays\": [1, 10], \"ints\": [1, 4, 7], "
    "\"initialFactor\": 2500, \"order\": 1, \"perDay\": 20, \"bury\": "
    "false, \"separate\": true}, \"rev\": {\"perDay\": 200, \"ease4\": 1.3, "
    "\"fuzz\": 0.05, \"ivlFct\": 1, \"maxIvl\": 36500, \"minSpace\": 1, "
    "\"bury\": false}, \"lapse\": {\"delays\": [10], \"mult\": 0, "
    "\"minInt\": 1, \"leechFails\": 8, \"leechAction\": 1}}}";

static int exec(sqlite3 *db, const char *sql, sp_diags *d)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
        return 0;
    sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot build the Anki collection: "
                "%s", err ? err : "?");
    sqlite3_free(err);
    return -1;
}

/* The collection as SQLite file bytes (sqlite3_malloc'd). */
static unsigned char *collection(const sp_pack *p, const sp_media *media,
                                 long long epoch, sqlite3_int64 *len,
                                 sp_diags *d)
{
    sqlite3 *db = NULL;
    unsigned char *bytes = NULL;
    sqlite3_stmt *ins_note = NULL, *ins_card = NULL, *ins_col = NULL;
    sp_buf decks = {0}, models = {0}, conf = {0}, tmp = {0};
    char idbuf[SP_EXPORT_NAME];
    const char *pid = sp_export_pack_id(p, idbuf);
    long long top = derived_id("deck", pid);
    deck *rd = calloc(p->n_rounds ? p->n_rounds : 1, sizeof *rd);
    if (!rd || sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
                                                    SQLITE_OPEN_CREATE,
                               NULL) != SQLITE_OK)
        goto nomem;
    if (exec(db, "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; "
                 "BEGIN;", d) != 0 ||
        exec(db, schema, d) != 0)
        goto out;
    /* decks: Default (Anki expects it), the pack, one per round */
    sp_buf_str(&decks, "{");
    deck_json(&decks, 1, "Default", 0, 1);
    sp_buf title = {0};
    sp_question none;
    memset(&none, 0, sizeof none);
    none.round = -1;
    sp_export_deck(p, &none, &title);
    deck_json(&decks, top, title.p ? title.p : "", epoch, 0);
    sp_buf_release(&title);
    for (size_t i = 0; i < p->n_rounds; i++) {
        sp_question q = none;
        q.round = (int)i;
        sp_buf name = {0};
        sp_export_deck(p, &q, &name);
        rd[i].id = derived_id(pid, p->rounds[i].id);
        deck_json(&decks, rd[i].id, name.p ? name.p : "", epoch, 0);
        sp_buf_release(&name);
    }
    sp_buf_str(&decks, "}");
    model_json(&models, top, epoch);
    sp_buf_printf(&conf, "{\"nextPos\": %zu, \"estTimes\": true, "
                  "\"activeDecks\": [%lld], \"sortType\": \"noteFld\", "
                  "\"timeLim\": 0, \"sortBackwards\": false, \"addToCur\": "
                  "true, \"curDeck\": %lld, \"newBury\": true, \"newSpread\": "
                  "0, \"dueCounts\": true, \"curModel\": \"%lld\", "
                  "\"collapseTime\": 1200}", p->n_questions + 1, top, top,
                  MODEL_ID);
    if (decks.oom || models.oom || conf.oom)
        goto nomem;
    if (sqlite3_prepare_v2(db, "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, "
                           "0, 0, ?, ?, ?, ?, '{}')", -1, &ins_col, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, "
                           "?, ?, ?, 0, '')", -1, &ins_note, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO cards VALUES (?, ?, ?, 0, ?, -1, "
                           "0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')", -1,
                           &ins_card, NULL))
        goto sqlerr;
    sqlite3_bind_int64(ins_col, 1, epoch - epoch % 86400);
    sqlite3_bind_int64(ins_col, 2, epoch * 1000);
    sqlite3_bind_int64(ins_col, 3, epoch * 1000);
    sqlite3_bind_text(ins_col, 4, conf.p, (int)conf.n, SQLITE_STATIC);
    sqlite3_bind_text(ins_col, 5, models.p, (int)models.n, SQLITE_STATIC);
    sqlite3_bind_text(ins_col, 6, decks.p, (int)decks.n, SQLITE_STATIC);
    sqlite3_bind_text(ins_col, 7, dconf, -1, SQLITE_STATIC);
    if (sqlite3_step(ins_col) != SQLITE_DONE)
        goto sqlerr;
    /* note and card ids: consecutive from a base derived from the pack, so
     * the notes keep the pack's order */
    long long base = derived_id("notes", pid) / 100000 * 100000;
    for (size_t i = 0; i < p->n_questions; i++) {
        const sp_question *q = &p->questions[i];
        tmp.n = 0;
        sp_export_guid(p, q, &tmp);
        size_t guid_end = tmp.n;
        sp_buf_put(&tmp, "", 0);
        sp_buf flds = {0}, sfld = {0}, tags = {0};
        sp_html_front(&flds, q);
        strip_html(&sfld, flds.p ? flds.p : "", flds.n);
        sp_buf_put(&flds, "\x1f", 1);
        sp_html_back(&flds, q, media);
        sp_buf_put(&tags, " ", 1);
        sp_export_tags(q, &tags);
        sp_buf_put(&tags, " ", 1);
        int bad = flds.oom || sfld.oom || tags.oom || tmp.oom;
        if (!bad) {
            sqlite3_reset(ins_note);
            sqlite3_bind_int64(ins_note, 1, base + (long long)i);
            sqlite3_bind_text(ins_note, 2, tmp.p, (int)guid_end,
                              SQLITE_STATIC);
            sqlite3_bind_int64(ins_note, 3, MODEL_ID);
            sqlite3_bind_int64(ins_note, 4, epoch);
            sqlite3_bind_text(ins_note, 5, tags.n > 2 ? tags.p : "",
                              tags.n > 2 ? (int)tags.n : 0, SQLITE_STATIC);
            sqlite3_bind_text(ins_note, 6, flds.p, (int)flds.n,
                              SQLITE_STATIC);
            sqlite3_bind_text(ins_note, 7, sfld.p ? sfld.p : "", -1,
                              SQLITE_STATIC);
            sqlite3_bind_int64(ins_note, 8, csum(sfld.p ? sfld.p : ""));
            bad = sqlite3_step(ins_note) != SQLITE_DONE;
        }
        if (!bad) {
            sqlite3_reset(ins_card);
            sqlite3_bind_int64(ins_card, 1, base + 50000 + (long long)i);
            sqlite3_bind_int64(ins_card, 2, base + (long long)i);
            sqlite3_bind_int64(ins_card, 3,
                               q->round >= 0 ? rd[q->round].id : top);
            sqlite3_bind_int64(ins_card, 4, epoch);
            sqlite3_bind_int64(ins_card, 5, (long long)i + 1);
            bad = sqlite3_step(ins_card) != SQLITE_DONE;
        }
        sp_buf_release(&flds);
        sp_buf_release(&sfld);
        sp_buf_release(&tags);
        if (bad)
            goto sqlerr;
    }
    if (exec(db, "COMMIT;", d) != 0)
        goto out;
    bytes = sqlite3_serialize(db, "main", len, 0);
    if (!bytes)
        goto nomem;
    goto out;
sqlerr:
    sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot build the Anki collection: "
                "%s", sqlite3_errmsg(db));
    goto out;
nomem:
    sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
out:
    sqlite3_finalize(ins_col);
    sqlite3_finalize(ins_note);
    sqlite3_finalize(ins_card);
    if (db)
        sqlite3_close(db);
    sp_buf_release(&decks);
    sp_buf_release(&models);
    sp_buf_release(&conf);
    sp_buf_release(&tmp);
    free(rd);
    return bytes;
}

/* The time_t whose local time reads as EPOCH's UTC time: zip entry times
 * are local DOS times, so this makes them the same in every time zone. */
static time_t zip_time(long long epoch)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_isdst = -1;
    time_t local = mktime(&tm);
    return local == (time_t)-1 ? t : local;
}

static int add_entry(zip_t *za, const char *name, const void *data,
                     size_t len, time_t mtime, sp_diags *d)
{
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    zip_int64_t idx = src ? zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8)
                          : -1;
    if (idx < 0) {
        if (src)
            zip_source_free(src);
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot build the package: %s",
                    zip_strerror(za));
        return -1;
    }
    zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0);
    zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6);
    return 0;
}

/* Reads a figure's file whole (it was checked while loading). */
static unsigned char *read_media(const char *path, size_t *len, sp_diags *d)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        n <= 64L * 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0 &&
        (p = malloc((size_t)n + 1)) != NULL &&
        fread(p, 1, (size_t)n, f) == (size_t)n) {
        fclose(f);
        *len = (size_t)n;
        return p;
    }
    sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot read: %s", strerror(errno));
    free(p);
    if (f)
        fclose(f);
    return NULL;
}

unsigned char *sp_export_apkg(const sp_pack *pack, long long epoch,
                              size_t *len, sp_diags *d)
{
    sp_media media;
    if (sp_media_collect(pack, &media) != 0) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    sqlite3_int64 db_len = 0;
    unsigned char *db = collection(pack, &media, epoch, &db_len, d);
    unsigned char **files = calloc(media.n ? media.n : 1, sizeof *files);
    size_t *file_lens = calloc(media.n ? media.n : 1, sizeof *file_lens);
    sp_buf map = {0};
    unsigned char *out = NULL;
    if (!db || !files || !file_lens) {
        if (db)
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* the media map: {"0": "name.png", ...}, entry i holds file i */
    sp_buf_put(&map, "{", 1);
    for (size_t i = 0; i < media.n; i++) {
        files[i] = read_media(media.figs[i]->path, &file_lens[i], d);
        if (!files[i])
            goto done;
        sp_buf_printf(&map, "%s\"%zu\": ", i ? ", " : "", i);
        sp_json_str(&map, media.names[i]);
    }
    sp_buf_put(&map, "}", 1);
    if (map.oom) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = mem ? zip_open_from_source(mem, ZIP_TRUNCATE, &ze) : NULL;
    if (!za) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        if (mem)
            zip_source_free(mem);
        goto out;
    }
    zip_source_keep(mem);
    time_t mt = zip_time(epoch);
    int bad = add_entry(za, "collection.anki2", db, (size_t)db_len, mt, d) ||
              add_entry(za, "media", map.p, map.n, mt, d);
    for (size_t i = 0; !bad && i < media.n; i++) {
        char name[32];
        snprintf(name, sizeof name, "%zu", i);
        bad = add_entry(za, name, files[i], file_lens[i], mt, d);
    }
    if (bad) {
        zip_discard(za);
        zip_source_free(mem);
        goto out;
    }
    if (zip_close(za) != 0) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot build the package: %s",
                    zip_strerror(za));
        zip_discard(za);
        zip_source_free(mem);
        goto out;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(mem, &st) == 0 && zip_source_open(mem) == 0) {
        out = malloc(st.size ? st.size : 1);
        if (out && zip_source_read(mem, out, st.size) == (zip_int64_t)st.size)
            *len = st.size;
        else {
            free(out);
            out = NULL;
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        }
        zip_source_close(mem);
    }
    zip_source_free(mem);
out:
    zip_error_fini(&ze);
done:
    for (size_t i = 0; files && i < media.n; i++)
        free(files[i]);
    free(files);
    free(file_lens);
    sp_buf_release(&map);
    sp_media_release(&media);
    sqlite3_free(db);
    return out;
}
