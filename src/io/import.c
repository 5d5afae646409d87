/* import.c - `studypack import` (see import.h): topics and rounds, images,
 * each note to a question (cloze notes to one per number), and the source
 * written atomically with its images.  Detection and the deck are in
 * import_detect.c, ids and cloze text in import_ids.c. */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "image.h"
#include "importer.h"
#include "strbuf.h"
#include "text.h"

extern unsigned char studypack_xsd[];
extern unsigned int studypack_xsd_len;

/* ---- topics and rounds ---------------------------------------------- */

typedef struct {
    char *key;            /* the deck or round name as given */
    char *name;           /* shown name, NULL: no round */
    char id[65];
} round_ent;

typedef struct {
    const sp_import_opts *o;
    sp_ideck *deck;
    sp_diags *d;
    sp_drops drops;
    sp_idset ids, round_ids;
    round_ent *rounds;
    size_t n_rounds;
    int figures;          /* the schema has <figure> */
    const sp_inote *note; /* the note being converted */
    char *names[512];     /* media written: file names (owned) */
    const sp_imedia *media[512];
    size_t n_out_media;
    char image_name[256];
    char why[256];        /* why an image is dropped */
    int write_images;     /* sp_import_files: images go beside the source
                             (sp_import_memory checks them, writes none) */
} imp;

static round_ent *find_round(imp *m, const char *key)
{
    for (size_t i = 0; i < m->n_rounds; i++)
        if (strcmp(m->rounds[i].key, key) == 0)
            return &m->rounds[i];
    return NULL;
}

/* The id a "round:ID" tag gives (what our exports write), into OUT. */
static int round_tag(const char *tags, char out[65])
{
    for (const char *p = tags; p && (p = strstr(p, "round:")) != NULL; p += 6) {
        if (p != tags && p[-1] != ' ')
            continue;
        size_t n = strcspn(p + 6, " ,\t");
        if (n >= 1 && n <= 60) {
            snprintf(out, 65, "%.*s", (int)n, p + 6);
            if (sp_id_valid(out))
                return 1;
        }
    }
    return 0;
}

static int add_round(imp *m, const char *key, const char *name,
                     const char *tags)
{
    if (find_round(m, key))
        return 0;
    if (name && !sp_import_visible(name, strlen(name), m->o->fonts))
        name = NULL;   /* nothing that shows: no round */
    round_ent *r = realloc(m->rounds, (m->n_rounds + 1) * sizeof *r);
    if (!r)
        return -1;
    m->rounds = r;
    r = &m->rounds[m->n_rounds];
    memset(r, 0, sizeof *r);
    r->key = strdup(key);
    r->name = name ? strdup(name) : NULL;
    if (!r->key || (name && !r->name))
        return -1;
    m->n_rounds++;
    if (name) {
        char base[65];
        if (!round_tag(tags, base))
            sp_id_slug(name, base, 48);
        if (!*base)
            snprintf(base, sizeof base, "round");
        if (sp_unique_id(&m->round_ids, base, r->id) != 0)
            return -1;
    }
    return 0;
}

/* "A::B" -> "A / B" (malloc'd). */
static char *deck_display(const char *s)
{
    sp_buf b = {0};
    for (const char *p = s; *p;) {
        const char *e = strstr(p, "::");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sp_buf_put(&b, p, n);
        if (!e)
            break;
        sp_buf_str(&b, " / ");
        p = e + 2;
    }
    return sp_buf_take(&b, NULL);
}

/* Anki decks: when every deck used is one root deck or under it, the root
 * names the pack and the sub-decks are the rounds; otherwise every deck is
 * a round.  Round columns are rounds as written. */
static int plan_rounds(imp *m)
{
    sp_ideck *deck = m->deck;
    const char *root = NULL;
    size_t root_len = 0;
    int common = 1, any = 0;
    for (size_t i = 0; i < deck->n_notes; i++) {
        const char *dk = deck->notes[i].deck;
        if (!dk)
            continue;
        const char *e = strstr(dk, "::");
        size_t n = e ? (size_t)(e - dk) : strlen(dk);
        if (!any) {
            root = dk;
            root_len = n;
            any = 1;
        } else if (n != root_len || strncmp(dk, root, n) != 0) {
            common = 0;
        }
    }
    if (any && common && !(root_len == 7 && strncmp(root, "Default", 7) == 0)) {
        deck->title = strndup(root, root_len);
        if (!deck->title)
            return -1;
    }
    for (size_t i = 0; i < deck->n_notes; i++) {
        const sp_inote *n = &deck->notes[i];
        if (n->round) {
            if (add_round(m, n->round, n->round, n->tags) != 0)
                return -1;
            continue;
        }
        if (!n->deck)
            continue;
        const char *name = n->deck;
        if (any && common) {
            name = n->deck + root_len;
            if (*name == ':')
                name += 2;
            if (!*name) {
                if (add_round(m, n->deck, NULL, NULL) != 0)
                    return -1;
                continue;
            }
        }
        char *disp = deck_display(name);
        if (!disp || add_round(m, n->deck, disp, n->tags) != 0) {
            free(disp);
            return -1;
        }
        free(disp);
    }
    return 0;
}

/* Tags to topic ids (cleaned, unique); "difficulty:X" tags set *DIFF,
 * "round:X" tags are left to the decks. */
static void topics(const char *tags, sp_buf *out, const char **diff)
{
    if (!tags)
        return;
    char seen[64][65];
    size_t n_seen = 0;
    const char *p = tags;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *e = p;
        while (*e && *e != ' ' && *e != ',' && *e != '\t')
            e++;
        size_t n = (size_t)(e - p);
        if (!n)
            break;
        char tag[256];
        snprintf(tag, sizeof tag, "%.*s", (int)(n < 255 ? n : 255), p);
        p = e;
        if (strncasecmp(tag, "difficulty:", 11) == 0) {
            static const char *const lv[] = {"easy", "medium", "hard"};
            for (int i = 0; i < 3; i++)
                if (strcasecmp(tag + 11, lv[i]) == 0)
                    *diff = lv[i];
            continue;
        }
        if (strncasecmp(tag, "round:", 6) == 0)
            continue;
        char id[65];
        sp_id_slug(tag, id, 64);
        if (!*id)
            continue;
        int dup = 0;
        for (size_t i = 0; i < n_seen; i++)
            dup |= strcmp(seen[i], id) == 0;
        if (dup || n_seen == 64)
            continue;
        strcpy(seen[n_seen++], id);
        if (out->n)
            sp_buf_put(out, " ", 1);
        sp_buf_str(out, id);
    }
}

/* ---- images ---------------------------------------------------------- */

/* Reads an image named by a text input from beside it. */
static const sp_imedia *image_beside(imp *m, const char *src)
{
    const sp_imedia *have = sp_ideck_find_media(m->deck, src);
    if (have)
        return have;
    const char *file = m->note->file;
    const char *slash = strrchr(file, '/');
    size_t dl = slash ? (size_t)(slash - file) + 1 : 0;
    char *path = malloc(dl + strlen(src) + 1);
    if (!path)
        return NULL;
    memcpy(path, file, dl);
    strcpy(path + dl, src);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *data = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size <= (off_t)SP_IMPORT_MAX_MEDIA && st.st_size > 0 &&
        (data = malloc((size_t)st.st_size)) != NULL &&
        read(fd, data, (size_t)st.st_size) == st.st_size) {
        close(fd);
        if (sp_ideck_add_media(m->deck, src, data, (size_t)st.st_size) == 0)
            return &m->deck->media[m->deck->n_media - 1];
        free(data);
        return NULL;
    }
    free(data);
    close(fd);
    return NULL;
}

/* sp_field_opts.image: the figure's file name for <img src=SRC>. */
static const char *image_name(void *ctx, const char *src, double *width_pct,
                              const char **why)
{
    imp *m = ctx;
    if (!m->figures) {
        *why = "this version of the source format has no <figure>";
        return NULL;
    }
    if (strstr(src, "://") || strncmp(src, "data:", 5) == 0) {
        *why = "only images inside the package or beside the file are "
               "imported";
        return NULL;
    }
    if (strchr(src, '/') || strchr(src, '\\') || src[0] == '.' ||
        strlen(src) > 200) {
        *why = "not a plain file name";
        return NULL;
    }
    const sp_imedia *md = image_beside(m, src);
    if (!md) {
        *why = m->note->line ? "no such file beside the input"
                             : "not in the package";
        return NULL;
    }
    sp_image img;
    if (sp_image_read_mem(md->data, md->len, 0, &img, m->why,
                          sizeof m->why) != SP_IMAGE_OK) {
        *why = m->why;   /* the figure would not validate */
        return NULL;
    }
    int width_px = img.info.width_px;
    sp_image_release(&img);
    if (!m->write_images) {
        *why = "images are checked but not written here";
        return NULL;
    }
    /* Anki shows an image at its own size on a card some 600 pixels
     * wide; a figure fills the text width unless told */
    if (*width_pct <= 0)
        *width_pct = width_px >= 600 ? 100
                     : width_px < 60 ? 10
                                     : width_px / 6.0;
    /* the name it gets: letters, digits, '.', '-', '_' */
    char name[256];
    size_t n = 0;
    for (const char *p = src; *p && n < sizeof name - 1; p++) {
        unsigned char c = (unsigned char)*p;
        name[n++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                     c == '_')
                        ? (char)c
                        : '_';
    }
    name[n] = '\0';
    for (size_t i = 0; i < m->n_out_media; i++)
        if (m->media[i] == md) {
            snprintf(m->image_name, sizeof m->image_name, "%s", m->names[i]);
            return m->image_name;
        }
    /* another image already has that name: NAME-2.png ... */
    char try[256];
    snprintf(try, sizeof try, "%s", name);
    for (int k = 2;; k++) {
        int taken = 0;
        for (size_t i = 0; i < m->n_out_media; i++)
            taken |= strcmp(m->names[i], try) == 0;
        if (!taken)
            break;
        const char *dot = strrchr(name, '.');
        int stem = dot ? (int)(dot - name) : (int)strlen(name);
        snprintf(try, sizeof try, "%.*s-%d%s", stem > 200 ? 200 : stem, name,
                 k, dot ? dot : "");
    }
    if (m->n_out_media == sizeof m->names / sizeof *m->names) {
        *why = "more than 512 images";
        return NULL;
    }
    char *keep = strdup(try);
    if (!keep) {
        *why = "out of memory";
        return NULL;
    }
    m->names[m->n_out_media] = keep;
    m->media[m->n_out_media++] = md;
    snprintf(m->image_name, sizeof m->image_name, "%s", keep);
    return m->image_name;
}

/* ---- writing the source ----------------------------------------------- */

static void attr(sp_buf *b, const char *name, const char *v)
{
    sp_buf_printf(b, " %s=\"", name);
    sp_xml_escape(b, v, strlen(v));
    sp_buf_put(b, "\"", 1);
}

static int convert(imp *m, const char *text, int html, sp_field *f)
{
    sp_field_opts fo = {image_name, m, m->o->fonts};
    memset(f, 0, sizeof *f);
    if (!text)
        return 0;
    return sp_field_convert(text, html, &fo, f, &m->drops, m->note->file,
                            m->note->line, m->d);
}

static void where(const sp_inote *n, char *buf, size_t cap)
{
    if (n->line)
        snprintf(buf, cap, "this row");
    else
        snprintf(buf, cap, "note %s", n->guid ? n->guid : "?");
}

/* One question (or, for a cloze note, one per cloze number). */
static int write_note(imp *m, sp_inote *n, sp_buf *out)
{
    m->note = n;
    char at[128];
    where(n, at, sizeof at);
    const char *fields[] = {n->front, n->back, n->extra, n->cue, n->followup};
    for (size_t i = 0; i < 5; i++)
        if (fields[i] && strlen(fields[i]) > SP_IMPORT_MAX_FIELD) {
            sp_diag_add_sev(m->d, SP_D_LIMIT, SP_WARNING, n->file, n->line, 0,
                            "%s has a field of %zu bytes; a source holds at "
                            "most %d bytes of text in one element: skipped",
                            at, strlen(fields[i]), SP_IMPORT_MAX_FIELD);
            return 0;
        }
    int sound = sp_strip_sound(n->front) | sp_strip_sound(n->back) |
                sp_strip_sound(n->extra);
    if (sound && !(m->drops.seen & SP_DROP_SOUND)) {
        m->drops.seen |= SP_DROP_SOUND;
        sp_diag_add_sev(m->d, SP_D_WARNING, SP_WARNING, n->file, n->line, 0,
                        "sounds ([sound:...]) have no equivalent in a "
                        "source: dropped (said once)");
    }
    int nums[64];
    size_t n_cards = 1;
    if (!n->front)
        n->cloze = 0;
    if (n->cloze) {
        n_cards = sp_cloze_numbers(n->front, nums, 64);
        if (!n_cards) {
            n->cloze = 0;
            n_cards = 1;
        }
    }
    const char *diff = NULL;
    if (n->difficulty) {
        static const char *const lv[] = {"easy", "medium", "hard"};
        for (int i = 0; i < 3; i++)
            if (strcasecmp(n->difficulty, lv[i]) == 0)
                diff = lv[i];
        if (!diff)
            sp_diag_add_sev(m->d, SP_D_WARNING, SP_WARNING, n->file, n->line,
                            0, "difficulty '%s' is not easy, medium or "
                            "hard: left out", n->difficulty);
    }
    sp_buf tops = {0};
    topics(n->tags, &tops, &diff);
    const char *round = NULL;
    round_ent *re = n->round ? find_round(m, n->round)
                  : n->deck  ? find_round(m, n->deck)
                             : NULL;
    if (re && re->name)
        round = re->id;

    int rc = 0;
    for (size_t c = 0; c < n_cards && rc == 0; c++) {
        sp_field q, a, x, cue, fu;
        char *qh = NULL, *ah = NULL;
        int html = n->html;
        if (n->cloze) {
            char *src = html ? strdup(n->front) : sp_plain_as_html(n->front);
            qh = src ? sp_cloze_render(src, nums[c], 1) : NULL;
            ah = src ? sp_cloze_render(src, nums[c], 0) : NULL;
            free(src);
            if (!qh || !ah) {
                free(qh);
                free(ah);
                rc = -1;
                break;
            }
            html = 1;
        }
        int bad = convert(m, qh ? qh : n->front, html, &q) |
                  convert(m, ah ? ah : n->back, html, &a) |
                  convert(m, n->cloze ? n->extra : NULL, n->html, &x) |
                  convert(m, n->cue, n->html, &cue) |
                  convert(m, n->followup, n->html, &fu);
        free(qh);
        free(ah);
        if (bad) {
            rc = -1;
        } else if (!q.inl.n) {
            sp_diag_add_sev(m->d, SP_D_WARNING, SP_WARNING, n->file, n->line,
                            0, "%s has no question: skipped", at);
        } else if (!a.blocks.n && !x.blocks.n && !q.figures.n) {
            sp_diag_add_sev(m->d, SP_D_WARNING, SP_WARNING, n->file, n->line,
                            0, "%s has no answer: skipped", at);
        } else {
            char base[65], id[65];
            int given = n->id && strlen(n->id) <= 60 && sp_id_valid(n->id);
            if (n->id && !given && c == 0)
                sp_diag_add_sev(m->d, SP_D_WARNING, SP_WARNING, n->file,
                                n->line, 0, "id '%.64s' is not an id "
                                "([a-z0-9][a-z0-9-]{0,59} here): one is made "
                                "from the question", n->id);
            if (given)
                snprintf(base, sizeof base, "%s", n->id);
            else if (n->guid)
                sp_guid_id(n->guid, base);
            else {
                char *plain = sp_xml_plain(q.inl.p);
                if (!plain) {
                    rc = -1;
                    goto next;
                }
                sp_id_slug(plain, base, 48);
                free(plain);
                if (!*base)
                    snprintf(base, sizeof base, "q");
            }
            if (n->cloze && n_cards > 1) {
                char with[65];
                snprintf(with, sizeof with, "%.52s-c%d", base, nums[c]);
                snprintf(base, sizeof base, "%s", with);
            }
            if (sp_unique_id(&m->ids, base, id) != 0) {
                rc = -1;
                goto next;
            }
            if (q.figures.n && !(m->drops.seen & SP_DROP_IMAGE_IN_PROMPT)) {
                m->drops.seen |= SP_DROP_IMAGE_IN_PROMPT;
                sp_diag_add_sev(m->d, SP_D_WARNING, SP_WARNING, n->file,
                                n->line, 0, "an image on the question side "
                                "is shown at the top of the answer (a "
                                "prompt holds text only; said once)");
            }
            sp_buf_str(out, "    <question");
            attr(out, "id", id);
            if (round)
                attr(out, "round", round);
            if (diff)
                attr(out, "difficulty", diff);
            if (tops.n)
                attr(out, "topics", tops.p);
            sp_buf_str(out, ">\n");
            const char *cue_x = cue.inl.n ? cue.inl.p
                                : q.cue.n ? q.cue.p : NULL;
            if (cue_x)
                sp_buf_printf(out, "      <cue>%s</cue>\n", cue_x);
            sp_buf_printf(out, "      <prompt>%s</prompt>\n      <answer>",
                          q.inl.p);
            if (q.figures.n)
                sp_buf_str(out, q.figures.p);
            if (a.blocks.n)
                sp_buf_str(out, a.blocks.p);
            if (x.blocks.n)
                sp_buf_str(out, x.blocks.p);
            sp_buf_str(out, "</answer>\n");
            if (fu.inl.n)
                sp_buf_printf(out, "      <followup>%s</followup>\n",
                              fu.inl.p);
            const char *fl = a.followup.n ? a.followup.p : NULL;
            while (fl && *fl) {
                const char *e = strchr(fl, '\n');
                size_t len = e ? (size_t)(e - fl) : strlen(fl);
                if (strspn(fl, " ") < len)
                    sp_buf_printf(out, "      <followup>%.*s</followup>\n",
                                  (int)len, fl);
                fl = e ? e + 1 : NULL;
            }
            sp_buf_str(out, "    </question>\n");
        }
    next:
        sp_field_release(&q);
        sp_field_release(&a);
        sp_field_release(&x);
        sp_field_release(&cue);
        sp_field_release(&fu);
    }
    sp_buf_release(&tops);
    return rc;
}

/* Drops characters no font face can draw (one warning per character,
 * for the first few). */
static void drop_undrawable(imp *m, sp_buf *b)
{
    if (!m->o->fonts || !b->p)
        return;
    uint32_t warned[8];
    size_t n_warned = 0, w = 0;
    for (size_t r = 0; r < b->n;) {
        uint32_t cp;
        size_t len = sp_utf8_next(b->p + r, b->n - r, &cp);
        int keep = cp < 0x80;
        for (int f = 0; !keep && f < SP_FACE_COUNT; f++)
            keep = sp_fonts_has(m->o->fonts, (sp_face)f, cp);
        if (keep) {
            memmove(b->p + w, b->p + r, len);
            w += len;
        } else {
            int said = 0;
            for (size_t i = 0; i < n_warned; i++)
                said |= warned[i] == cp;
            if (!said && n_warned < 8) {
                warned[n_warned++] = cp;
                sp_diag_add_sev(m->d, SP_D_GLYPH, SP_WARNING,
                                m->deck->n_files ? m->deck->files[0] : NULL,
                                0, 0, "U+%04X '%.*s' cannot be drawn by the "
                                "fonts: dropped", (unsigned)cp, (int)len,
                                b->p + r);
            }
        }
        r += len;
    }
    b->n = w;
    b->p[w] = '\0';
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The stem of a file name: "decks/sd.apkg" -> "sd". */
static char *stem(const char *p)
{
    const char *b = base_name(p);
    const char *dot = strrchr(b, '.');
    return strndup(b, dot && dot > b ? (size_t)(dot - b) : strlen(b));
}

/* The pack id when every note has a guid we wrote
 * ("studypack:PACK/QID") with the same PACK. */
static int guid_pack(const sp_ideck *deck, char out[65])
{
    size_t n = 0;
    for (size_t i = 0; i < deck->n_notes; i++) {
        const char *g = deck->notes[i].guid;
        const char *slash = g ? strrchr(g, '/') : NULL;
        if (!g || strncmp(g, "studypack:", 10) != 0 || !slash)
            return 0;
        size_t l = (size_t)(slash - g - 10);
        if (l < 1 || l > 64)
            return 0;
        if (n && (strlen(out) != l || strncmp(out, g + 10, l) != 0))
            return 0;
        snprintf(out, 65, "%.*s", (int)l, g + 10);
        n++;
    }
    return n > 0 && sp_id_valid(out);
}

static int visible(const imp *m, const char *s)
{
    return s && sp_import_visible(s, strlen(s), m->o->fonts);
}

static char *write_source(imp *m, sp_diags *d, size_t *len)
{
    const sp_import_opts *o = m->o;
    sp_ideck *deck = m->deck;
    if (plan_rounds(m) != 0)
        return NULL;
    char *fstem = deck->n_files ? stem(deck->files[0]) : strdup("deck");
    if (!fstem)
        return NULL;
    const char *title = visible(m, o->title) ? o->title
                        : visible(m, deck->title) ? deck->title : NULL;
    const char *role = visible(m, o->role) ? o->role
                       : title ? title
                       : visible(m, fstem) ? fstem : "Imported questions";
    char pid[65];
    if (o->id) {
        snprintf(pid, sizeof pid, "%s", o->id);
    } else if (guid_pack(deck, pid)) {
        /* notes we exported: the pack they came from */
    } else {
        sp_id_slug(title ? title : role, pid, 48);
        if (!*pid)
            snprintf(pid, sizeof pid, "imported");
    }
    sp_buf b = {0};
    sp_buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- imported "
               "by studypack from");
    for (size_t i = 0; i < deck->n_files; i++) {
        sp_buf_str(&b, " ");
        for (const char *p = base_name(deck->files[i]); *p; p++)
            if (!(p[0] == '-' && (p[1] == '-' || p[1] == '\0')) &&
                (unsigned char)*p >= 0x20)
                sp_buf_put(&b, p, 1);
    }
    sp_buf_str(&b, " -->\n<studypack version=\"1\"");
    attr(&b, "id", pid);
    sp_buf_str(&b, ">\n  <meta>\n");
    if (visible(m, o->company)) {
        sp_buf_str(&b, "    <company>");
        sp_xml_escape(&b, o->company, strlen(o->company));
        sp_buf_str(&b, "</company>\n");
    }
    sp_buf_str(&b, "    <role>");
    sp_xml_escape(&b, role, strlen(role));
    sp_buf_str(&b, "</role>\n");
    if (title) {
        sp_buf_str(&b, "    <title>");
        sp_xml_escape(&b, title, strlen(title));
        sp_buf_str(&b, "</title>\n");
    }
    sp_buf_str(&b, "  </meta>\n");
    size_t named = 0;
    for (size_t i = 0; i < m->n_rounds; i++)
        named += m->rounds[i].name != NULL;
    if (named) {
        sp_buf_str(&b, "  <process>\n");
        for (size_t i = 0; i < m->n_rounds; i++) {
            if (!m->rounds[i].name)
                continue;
            sp_buf_str(&b, "    <round");
            attr(&b, "id", m->rounds[i].id);
            attr(&b, "name", m->rounds[i].name);
            sp_buf_str(&b, "/>\n");
        }
        sp_buf_str(&b, "  </process>\n");
    }
    sp_buf_str(&b, "  <questions>\n");
    size_t before = b.n;
    int rc = 0;
    for (size_t i = 0; i < deck->n_notes && rc == 0; i++)
        rc = write_note(m, &deck->notes[i], &b);
    if (rc == 0 && b.n == before) {
        sp_diag_add(d, SP_D_XML, deck->n_files ? deck->files[0] : NULL, 0, 0,
                    "no questions to import");
        rc = -1;
    }
    if (rc == 0 && m->ids.n > 20000) {
        sp_diag_add(d, SP_D_LIMIT, deck->n_files ? deck->files[0] : NULL, 0,
                    0, "%zu questions: a source holds at most 20000",
                    m->ids.n);
        rc = -1;
    }
    sp_buf_str(&b, "  </questions>\n</studypack>\n");
    free(fstem);
    if (rc != 0 || b.oom) {
        if (b.oom || (rc != 0 && !sp_diags_errors(d)))
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        sp_buf_release(&b);
        return NULL;
    }
    drop_undrawable(m, &b);
    return sp_buf_take(&b, len);
}

/* ---- entry points --------------------------------------------------- */

static int read_input(sp_ideck *deck, const char *name,
                      const unsigned char *data, size_t len, sp_diags *d)
{
    sp_import_format f = sp_import_detect(data, len);
    switch (f) {
    case SP_IMPORT_CSV:
    case SP_IMPORT_TSV:
    case SP_IMPORT_ANKI_TEXT:
        return sp_import_text(deck, name, (const char *)data, len, (int)f, d);
    case SP_IMPORT_APKG:
    case SP_IMPORT_ANKI_DB:
        return sp_import_anki(deck, name, data, len, f == SP_IMPORT_APKG, d);
    case SP_IMPORT_XML:
        sp_diag_add(d, SP_D_XML, name, 0, 0, "this is XML, not something to "
                    "import: a studypack source is used as it is "
                    "(studypack validate, build)");
        return -1;
    case SP_IMPORT_UNKNOWN:
        break;
    }
    sp_diag_add(d, SP_D_XML, name, 0, 0, "%s", len == 0
                    ? "the file is empty"
                    : "not a CSV, TSV, Anki text export or Anki package "
                      "(.apkg): nothing to import");
    return -1;
}

static void imp_init(imp *m, const sp_import_opts *o, sp_ideck *deck,
                     sp_diags *d)
{
    memset(m, 0, sizeof *m);
    m->o = o;
    m->deck = deck;
    m->d = d;
    static const char fig[] = "name=\"figure\"";
    size_t fl = sizeof fig - 1;
    for (size_t i = 0; i + fl <= studypack_xsd_len && !m->figures; i++)
        m->figures = memcmp(studypack_xsd + i, fig, fl) == 0;
}

static void imp_free(imp *m)
{
    sp_idset_free(&m->ids);
    sp_idset_free(&m->round_ids);
    for (size_t i = 0; i < m->n_rounds; i++) {
        free(m->rounds[i].key);
        free(m->rounds[i].name);
    }
    free(m->rounds);
    for (size_t i = 0; i < m->n_out_media; i++)
        free(m->names[i]);
}

char *sp_import_memory(const char *name, const unsigned char *data,
                       size_t len, const sp_import_opts *o, size_t *out_len,
                       sp_diags *d)
{
    sp_ideck deck;
    memset(&deck, 0, sizeof deck);
    char *xml = NULL;
    size_t errors = sp_diags_errors(d);
    if (read_input(&deck, name, data, len, d) == 0 &&
        sp_diags_errors(d) == errors) {
        imp m;
        imp_init(&m, o, &deck, d);
        xml = write_source(&m, d, out_len);
        imp_free(&m);
    }
    sp_ideck_free(&deck);
    return xml;
}

/* Reads a whole input file (at most MAX bytes). */
static unsigned char *slurp(const char *path, size_t max, size_t *len,
                            sp_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot open: %s",
                    strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        sp_diag_add(d, SP_D_IO, path, 0, 0, "not a regular file");
        fclose(f);
        return NULL;
    }
    if ((unsigned long long)st.st_size > max) {
        sp_diag_add(d, SP_D_LIMIT, path, 0, 0, "the file is larger than %zu "
                    "MiB", max >> 20);
        fclose(f);
        return NULL;
    }
    unsigned char *p = malloc((size_t)st.st_size + 1);
    size_t n = p ? fread(p, 1, (size_t)st.st_size, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (!p || err || n != (size_t)st.st_size) {
        if (p)
            sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot read: %s",
                        strerror(errno));
        else
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        free(p);
        return NULL;
    }
    p[n] = '\0';
    *len = n;
    return p;
}

int sp_import_files(char *const *paths, size_t n, const char *out,
                    const sp_import_opts *o, sp_diags *d)
{
    if (o->id && !sp_id_valid(o->id)) {
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "--id '%s' is not an id: "
                    "give [a-z0-9][a-z0-9-]{0,63}", o->id);
        return -1;
    }
    sp_ideck deck;
    memset(&deck, 0, sizeof deck);
    size_t errors = sp_diags_errors(d);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        unsigned char *data = slurp(paths[i], SP_IMPORT_MAX_INPUT, &len, d);
        if (!data || read_input(&deck, paths[i], data, len, d) != 0)
            rc = -1;
        free(data);
    }
    if (rc != 0 || sp_diags_errors(d) != errors) {
        sp_ideck_free(&deck);
        return -1;
    }
    imp m;
    imp_init(&m, o, &deck, d);
    m.write_images = 1;
    size_t len = 0;
    char *xml = write_source(&m, d, &len);
    if (!xml)
        rc = -1;
    /* the images first, so that the source never names a missing one */
    const char *slash = strrchr(out, '/');
    size_t dl = slash ? (size_t)(slash - out) + 1 : 0;
    if (rc == 0 && slash && slash != out) {
        char *dir = strndup(out, (size_t)(slash - out));
        if (!dir || sp_mkdir_p(dir, d) != 0)
            rc = -1;
        free(dir);
    }
    for (size_t i = 0; rc == 0 && i < m.n_out_media; i++) {
        size_t pl = dl + strlen(m.names[i]) + 1;
        char *p = malloc(pl);
        if (!p) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            rc = -1;
            break;
        }
        snprintf(p, pl, "%.*s%s", (int)dl, out, m.names[i]);
        rc = sp_write_file_atomic(p, m.media[i]->data, m.media[i]->len, d);
        free(p);
    }
    if (rc == 0)
        rc = sp_write_file_atomic(out, xml, len, d);
    free(xml);
    imp_free(&m);
    sp_ideck_free(&deck);
    return rc;
}
