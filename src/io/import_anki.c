/* import_anki.c - Anki packages (.apkg: a zip holding collection.anki2 or
 * collection.anki21 and the media map) and bare collections into notes
 * (see importer.h).  The zip is read with libzip from memory, every
 * entry's size bounded while it is inflated; the collection is opened
 * read-only from memory with SQLite (sqlite3_deserialize), defensive,
 * with a step budget; JSON inside it is read with SQLite's json_each. */
#include "importer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>
#include <zip.h>

#include "text.h"

typedef struct {
    sqlite3_int64 id;
    int type;             /* 1 = cloze */
    int q, a, extra;      /* field indexes; -1 none */
} model;

typedef struct {
    sqlite3_int64 id;
    char *name;
} deck_name;

typedef struct {
    const char *name;     /* the input, for diagnostics */
    sp_diags *d;
    zip_t *za;
    sqlite3 *db;
    model *models;
    size_t n_models;
    deck_name *decks;
    size_t n_decks;
    long steps;
} reader;

static int unsafe_name(const char *n)
{
    if (!*n || n[0] == '/' || strchr(n, '\\'))
        return 1;
    for (const char *p = n; *p; p++)
        if ((unsigned char)*p < 0x20)
            return 1;
    for (const char *p = n; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == n || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            return 1;
    return 0;
}

/* Reads entry IDX whole (at most CAP bytes) into sqlite3_malloc'd
 * memory.  0, or -1 after an error naming WHAT. */
static int read_entry(reader *r, zip_uint64_t idx, const char *what,
                      size_t cap, unsigned char **out, size_t *len)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(r->za, idx, 0, &st) != 0) {
        sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "cannot read %s in the "
                    "package: %s", what, zip_strerror(r->za));
        return -1;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
        sp_diag_add(r->d, SP_D_LIMIT, r->name, 0, 0, "%s expands to %llu "
                    "bytes, more than the %zu MiB allowed: refused (a zip "
                    "bomb?)", what, (unsigned long long)st.size, cap >> 20);
        return -1;
    }
    zip_file_t *zf = zip_fopen_index(r->za, idx, 0);
    if (!zf) {
        sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "cannot read %s in the "
                    "package: %s", what, zip_strerror(r->za));
        return -1;
    }
    size_t alloc = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size + 1 : 65536;
    unsigned char *buf = sqlite3_malloc64(alloc);
    size_t n = 0;
    int rc = buf ? 0 : -2;
    while (rc == 0) {
        if (n == alloc) {
            if (alloc > cap) {
                sp_diag_add(r->d, SP_D_LIMIT, r->name, 0, 0, "%s expands to "
                            "more than the %zu MiB allowed: refused (a zip "
                            "bomb?)", what, cap >> 20);
                rc = -1;
                break;
            }
            size_t na = alloc * 2 > cap + 1 ? cap + 1 : alloc * 2;
            unsigned char *nb = sqlite3_realloc64(buf, na);
            if (!nb) {
                rc = -2;
                break;
            }
            buf = nb;
            alloc = na;
        }
        zip_int64_t got = zip_fread(zf, buf + n, alloc - n);
        if (got < 0) {
            sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "cannot read %s in "
                        "the package: %s", what, zip_file_strerror(zf));
            rc = -1;
        } else if (got == 0) {
            break;
        } else {
            n += (size_t)got;
            if (n > cap) {
                sp_diag_add(r->d, SP_D_LIMIT, r->name, 0, 0, "%s expands to "
                            "more than the %zu MiB allowed: refused (a zip "
                            "bomb?)", what, cap >> 20);
                rc = -1;
            }
        }
    }
    zip_fclose(zf);
    if (rc == -2)
        sp_diag_add(r->d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    if (rc != 0) {
        sqlite3_free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

static int progress(void *ctx)
{
    reader *r = ctx;
    return ++r->steps > 20000;   /* 20000 x 10000 VM steps: give up */
}

static void db_error(reader *r, const char *what)
{
    sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "%s: %s", what,
                r->steps > 20000 ? "it takes too long to read: refused"
                                 : sqlite3_errmsg(r->db));
}

/* Opens the collection bytes (sqlite3_malloc'd; taken over). */
static int open_db(reader *r, unsigned char *data, size_t len)
{
    if (len < 100 || memcmp(data, "SQLite format 3", 16) != 0) {
        sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "the collection is not "
                    "a SQLite database: not an Anki package");
        sqlite3_free(data);
        return -1;
    }
    if (sqlite3_open_v2(":memory:", &r->db, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK) {
        sqlite3_free(data);
        sp_diag_add(r->d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(r->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_limit(r->db, SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024);
    sqlite3_progress_handler(r->db, 10000, progress, r);
    if (sqlite3_deserialize(r->db, "main", data, (sqlite3_int64)len,
                            (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_FREEONCLOSE |
                                SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
        db_error(r, "cannot open the collection");
        return -1;
    }
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT count(*) FROM sqlite_master WHERE type = "
                           "'table' AND name IN ('col', 'notes', 'cards')",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = sqlite3_column_int(st, 0) == 3;
    else {
        sqlite3_finalize(st);
        db_error(r, "the collection is not a readable SQLite database");
        return -1;
    }
    sqlite3_finalize(st);
    if (!ok) {
        sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "a SQLite database, but "
                    "not an Anki collection (it has no tables col, notes "
                    "and cards)");
        return -1;
    }
    return 0;
}

static int field_index(const char *names, const char *const *want, int dflt)
{
    int i = 0;
    for (const char *p = names; p && *p; i++) {
        const char *e = strchr(p, '\x1f');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (int k = 0; want[k]; k++)
            if (strlen(want[k]) == n && strncasecmp(p, want[k], n) == 0)
                return i;
        p = e ? e + 1 : NULL;
    }
    return dflt;
}

static int read_models(reader *r)
{
    static const char q11[] =
        "SELECT m.key, json_extract(m.value, '$.type'), (SELECT "
        "group_concat(json_extract(f.value, '$.name'), char(31)) FROM "
        "json_each(m.value, '$.flds') f) FROM col, json_each(col.models) m "
        "WHERE json_valid(col.models)";
    static const char q18[] =
        "SELECT n.id, 0, (SELECT group_concat(name, char(31)) FROM (SELECT "
        "name FROM fields WHERE ntid = n.id ORDER BY ord)) FROM notetypes n";
    static const char d11[] =
        "SELECT d.key, json_extract(d.value, '$.name') FROM col, "
        "json_each(col.decks) d WHERE json_valid(col.decks)";
    static const char d18[] =
        "SELECT id, replace(name, char(31), '::') FROM decks";
    for (int pass = 0; pass < 2; pass++) {
        for (int schema = 0; schema < 2; schema++) {
            const char *sql = pass == 0 ? (schema ? q18 : q11)
                                        : (schema ? d18 : d11);
            sqlite3_stmt *st;
            if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
                if (schema == 0) {
                    db_error(r, "not an Anki collection");
                    return -1;
                }
                continue;   /* no schema-18 tables: fine */
            }
            size_t before = pass == 0 ? r->n_models : r->n_decks;
            int s;
            while ((s = sqlite3_step(st)) == SQLITE_ROW) {
                if (pass == 0) {
                    model *m = realloc(r->models,
                                       (r->n_models + 1) * sizeof *m);
                    if (!m)
                        break;
                    r->models = m;
                    m = &r->models[r->n_models++];
                    m->id = sqlite3_column_int64(st, 0);
                    m->type = sqlite3_column_int(st, 1);
                    const char *f = (const char *)sqlite3_column_text(st, 2);
                    static const char *const qn[] = {"front", "question",
                                                     "text", NULL};
                    static const char *const an[] = {"back", "answer", NULL};
                    static const char *const xn[] = {"back extra", "extra",
                                                     NULL};
                    m->q = field_index(f, qn, 0);
                    m->a = field_index(f, an, 1);
                    m->extra = field_index(f, xn, 1);
                } else {
                    deck_name *dn = realloc(r->decks,
                                            (r->n_decks + 1) * sizeof *dn);
                    if (!dn)
                        break;
                    r->decks = dn;
                    const char *nm = (const char *)sqlite3_column_text(st, 1);
                    dn[r->n_decks].id = sqlite3_column_int64(st, 0);
                    dn[r->n_decks].name = strdup(nm ? nm : "");
                    if (!dn[r->n_decks].name)
                        break;
                    r->n_decks++;
                }
            }
            if (s != SQLITE_DONE) {
                sqlite3_finalize(st);
                if (s == SQLITE_ROW)
                    sp_diag_add(r->d, SP_D_NOMEM, NULL, 0, 0,
                                "out of memory");
                else
                    db_error(r, "not an Anki collection");
                return -1;
            }
            sqlite3_finalize(st);
            if ((pass == 0 ? r->n_models : r->n_decks) > before)
                break;   /* schema 11 had them */
        }
    }
    return 0;
}

static const model *find_model(const reader *r, sqlite3_int64 id)
{
    for (size_t i = 0; i < r->n_models; i++)
        if (r->models[i].id == id)
            return &r->models[i];
    return NULL;
}

static const char *find_deck(const reader *r, sqlite3_int64 id)
{
    for (size_t i = 0; i < r->n_decks; i++)
        if (r->decks[i].id == id)
            return r->decks[i].name;
    return NULL;
}

static int valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = sp_utf8_next(s + i, n - i, &cp);
        if (cp == 0xfffd && !(n - i >= 3 && memcmp(s + i, "\xef\xbf\xbd", 3) == 0))
            return 0;
        i += k;
    }
    return 1;
}

/* Field I of the 0x1f-separated FLDS (malloc'd), or NULL. */
static char *field_at(const char *flds, int i)
{
    if (i < 0)
        return NULL;
    const char *p = flds;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '\x1f');
        if (!p)
            return NULL;
        p++;
    }
    const char *e = strchr(p, '\x1f');
    return strndup(p, e ? (size_t)(e - p) : strlen(p));
}

static int read_notes(reader *r, sp_ideck *deck, const char *file)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT count(*) FROM notes", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        db_error(r, "not an Anki collection");
        return -1;
    }
    sqlite3_int64 count = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (count > 20000) {
        sp_diag_add(r->d, SP_D_LIMIT, r->name, 0, 0, "%lld notes: a source "
                    "holds at most 20000 questions", (long long)count);
        return -1;
    }
    if (sqlite3_prepare_v2(
            r->db,
            "SELECT n.guid, n.mid, n.tags, n.flds, (SELECT c.did FROM cards "
            "c WHERE c.nid = n.id ORDER BY c.ord LIMIT 1) FROM notes n "
            "ORDER BY n.id",
            -1, &st, NULL) != SQLITE_OK) {
        db_error(r, "not an Anki collection");
        return -1;
    }
    int s, rc = 0, bad_utf8 = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *guid = (const char *)sqlite3_column_text(st, 0);
        sqlite3_int64 mid = sqlite3_column_int64(st, 1);
        const char *tags = (const char *)sqlite3_column_text(st, 2);
        const char *flds = (const char *)sqlite3_column_text(st, 3);
        int nf = sqlite3_column_bytes(st, 3);
        sqlite3_int64 did = sqlite3_column_int64(st, 4);
        if (!guid || !flds)
            continue;
        if (!valid_utf8(flds, (size_t)nf) ||
            !valid_utf8(guid, strlen(guid)) ||
            (tags && !valid_utf8(tags, strlen(tags)))) {
            bad_utf8++;
            continue;
        }
        const model *m = find_model(r, mid);
        sp_inote *n = sp_ideck_note(deck);
        if (!n) {
            rc = -2;
            break;
        }
        n->file = file;
        n->html = 1;
        n->cloze = m && m->type == 1;
        n->guid = strdup(guid);
        n->front = field_at(flds, m ? m->q : 0);
        n->back = field_at(flds, n->cloze ? -1 : m ? m->a : 1);
        n->extra = n->cloze ? field_at(flds, m->extra) : NULL;
        n->tags = tags ? strdup(tags) : NULL;
        const char *dk = find_deck(r, did);
        n->deck = dk ? strdup(dk) : NULL;
        if (!n->guid || !n->front)
            rc = -2;
        if (!n->cloze && n->front && strstr(n->front, "{{c") &&
            strstr(n->front, "::")) {
            n->cloze = 1;
            n->extra = n->back;
            n->back = NULL;
        }
    }
    if (rc == 0 && s != SQLITE_DONE) {
        db_error(r, "not an Anki collection");
        rc = -1;
    }
    sqlite3_finalize(st);
    if (rc == -2)
        sp_diag_add(r->d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    if (bad_utf8)
        sp_diag_add_sev(r->d, SP_D_XML, SP_WARNING, r->name, 0, 0,
                        "%d note%s with text that is not valid UTF-8: "
                        "skipped", bad_utf8, bad_utf8 == 1 ? "" : "s");
    return rc ? -1 : 0;
}

/* The <img src> values of every note, sorted (for bsearch). */
typedef struct {
    char **v;
    size_t n, cap;
} names;

static int add_src(names *ns, const char *p, size_t n)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 64;
        char **v = realloc(ns->v, cap * sizeof *v);
        if (!v)
            return -1;
        ns->v = v;
        ns->cap = cap;
    }
    if (!(ns->v[ns->n] = strndup(p, n)))
        return -1;
    ns->n++;
    return 0;
}

static int scan_srcs(names *ns, const char *f)
{
    for (const char *p = f; p && (p = strchr(p, '<')) != NULL; p++) {
        if (strncasecmp(p, "<img", 4) != 0)
            continue;
        const char *end = strchr(p, '>');
        for (const char *q = p + 4; q && (!end || q < end); q++) {
            if (strncasecmp(q, "src=", 4) != 0 ||
                !(q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n'))
                continue;
            q += 4;
            char quote = (*q == '"' || *q == '\'') ? *q++ : 0;
            size_t n = quote ? strcspn(q, quote == '"' ? "\"" : "'")
                             : strcspn(q, " \t\n>");
            if (add_src(ns, q, n) != 0)
                return -1;
            break;
        }
    }
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_srcs(const sp_ideck *deck, names *ns)
{
    for (size_t i = 0; i < deck->n_notes; i++) {
        const sp_inote *n = &deck->notes[i];
        if (scan_srcs(ns, n->front) || scan_srcs(ns, n->back) ||
            scan_srcs(ns, n->extra))
            return -1;
    }
    if (ns->n)
        qsort(ns->v, ns->n, sizeof *ns->v, cmp_name);
    return 0;
}

static void names_free(names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
}

static int read_media(reader *r, sp_ideck *deck, zip_int64_t idx)
{
    unsigned char *map;
    size_t len;
    if (read_entry(r, (zip_uint64_t)idx, "the media list", 16u << 20, &map,
                   &len) != 0)
        return -1;
    size_t i = 0;
    while (i < len && (map[i] == ' ' || map[i] == '\n'))
        i++;
    if (i == len || map[i] != '{') {
        if (len)
            sp_diag_add_sev(r->d, SP_D_WARNING, SP_WARNING, r->name, 0, 0,
                            "the package's media list is in a format "
                            "studypack cannot read: its images are not "
                            "imported");
        sqlite3_free(map);
        return 0;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT key, value FROM json_each(?1) "
                           "WHERE json_valid(?1)", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_free(map);
        db_error(r, "cannot read the media list");
        return -1;
    }
    sqlite3_bind_text(st, 1, (const char *)map, (int)len, SQLITE_STATIC);
    int s = SQLITE_DONE, rc = 0;
    names ns = {NULL, 0, 0};
    if (collect_srcs(deck, &ns) != 0) {
        sp_diag_add(r->d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = -1;
    }
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const char *val = (const char *)sqlite3_column_text(st, 1);
        if (!key || !val)
            continue;
        if (unsafe_name(val) || strchr(val, '/')) {
            sp_diag_add(r->d, SP_D_XML, r->name, 0, 0, "unsafe media file "
                        "name '%s' in the package: refused", val);
            rc = -1;
            break;
        }
        if (!ns.n || !bsearch(&val, ns.v, ns.n, sizeof *ns.v, cmp_name))
            continue;   /* no note shows it */
        zip_int64_t e = zip_name_locate(r->za, key, 0);
        if (e < 0) {
            sp_diag_add_sev(r->d, SP_D_WARNING, SP_WARNING, r->name, 0, 0,
                            "media file '%s' is missing from the package",
                            val);
            continue;
        }
        char what[300];
        snprintf(what, sizeof what, "media file '%.200s'", val);
        unsigned char *data;
        size_t n;
        if (deck->media_bytes > SP_IMPORT_MAX_MEDIA_ALL) {
            sp_diag_add(r->d, SP_D_LIMIT, r->name, 0, 0, "the images add up "
                        "to more than 256 MiB: refused");
            rc = -1;
        } else if (read_entry(r, (zip_uint64_t)e, what, SP_IMPORT_MAX_MEDIA,
                              &data, &n) != 0) {
            rc = -1;
        } else {
            unsigned char *copy = malloc(n ? n : 1);
            if (copy)
                memcpy(copy, data, n);
            sqlite3_free(data);
            if (!copy || sp_ideck_add_media(deck, val, copy, n) != 0) {
                free(copy);
                sp_diag_add(r->d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
                rc = -1;
            }
        }
    }
    if (rc == 0 && s != SQLITE_DONE) {
        db_error(r, "cannot read the media list");
        rc = -1;
    }
    names_free(&ns);
    sqlite3_finalize(st);
    sqlite3_free(map);
    return rc;
}

static void reader_free(reader *r)
{
    if (r->db)
        sqlite3_close(r->db);
    if (r->za)
        zip_discard(r->za);
    free(r->models);
    for (size_t i = 0; i < r->n_decks; i++)
        free(r->decks[i].name);
    free(r->decks);
}

int sp_import_anki(sp_ideck *deck, const char *name,
                   const unsigned char *data, size_t len, int is_zip,
                   sp_diags *d)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.d = d;
    const char *file = sp_ideck_file(deck, name);
    if (!file) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    int rc = -1;
    zip_int64_t media = -1;
    if (!is_zip) {
        unsigned char *copy = sqlite3_malloc64(len ? len : 1);
        if (!copy) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            return -1;
        }
        memcpy(copy, data, len);
        if (open_db(&r, copy, len) != 0)
            goto out;
    } else {
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
        r.za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
        if (!r.za) {
            sp_diag_add(d, SP_D_XML, name, 0, 0, "not a readable zip file "
                        "(an Anki package is one): %s",
                        zip_error_strerror(&ze));
            if (src)
                zip_source_free(src);
            zip_error_fini(&ze);
            goto out;
        }
        zip_error_fini(&ze);
        zip_int64_t n = zip_get_num_entries(r.za, 0);
        if (n > SP_IMPORT_MAX_ENTRIES) {
            sp_diag_add(d, SP_D_LIMIT, name, 0, 0, "the package holds %lld "
                        "files, more than %d: refused", (long long)n,
                        SP_IMPORT_MAX_ENTRIES);
            goto out;
        }
        zip_int64_t a2 = -1, a21 = -1, a21b = -1;
        for (zip_int64_t i = 0; i < n; i++) {
            const char *en = zip_get_name(r.za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
            if (!en)
                continue;
            if (unsafe_name(en)) {
                sp_diag_add(d, SP_D_XML, name, 0, 0, "unsafe file name '%s' "
                            "in the package (absolute, or with '..'): "
                            "refused", en);
                goto out;
            }
            if (strcmp(en, "collection.anki2") == 0)
                a2 = i;
            else if (strcmp(en, "collection.anki21") == 0)
                a21 = i;
            else if (strcmp(en, "collection.anki21b") == 0)
                a21b = i;
            else if (strcmp(en, "media") == 0)
                media = i;
        }
        if (a21b >= 0 && a21 < 0) {
            sp_diag_add(d, SP_D_XML, name, 0, 0, "this package was exported "
                        "by a newer Anki in its compressed format "
                        "(collection.anki21b), which studypack cannot read: "
                        "in Anki, export the deck again as an Anki Deck "
                        "Package with \"Support older Anki versions\" "
                        "checked");
            goto out;
        }
        zip_int64_t coll = a21 >= 0 ? a21 : a2;
        if (coll < 0) {
            sp_diag_add(d, SP_D_XML, name, 0, 0, "a zip file, but not an Anki "
                        "package: it holds no collection.anki2");
            goto out;
        }
        unsigned char *db;
        size_t dl;
        if (read_entry(&r, (zip_uint64_t)coll,
                       a21 >= 0 ? "collection.anki21" : "collection.anki2",
                       SP_IMPORT_MAX_COLLECTION, &db, &dl) != 0 ||
            open_db(&r, db, dl) != 0)
            goto out;
    }
    if (read_models(&r) != 0 || read_notes(&r, deck, file) != 0)
        goto out;
    if (media >= 0 && read_media(&r, deck, media) != 0)
        goto out;
    rc = 0;
out:
    reader_free(&r);
    return rc;
}
