/* export.c - `studypack export` (see export.h): formats, the time stamp,
 * the HTML every Anki export shares, and the atomic write. */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exporter.h"
#include "fsutil.h"

static const struct {
    sp_export_format f;
    const char *name, *ext, *file;
} formats[] = {
    {SP_EXPORT_APKG, "apkg", ".apkg", "anki.apkg"},
    {SP_EXPORT_ANKI_TEXT, "anki-text", ".txt", "anki.txt"},
    {SP_EXPORT_ICS, "ics", ".ics", "plan.ics"},
    {SP_EXPORT_JSON, "json", ".json", "pack.json"},
};
enum { N_FORMATS = sizeof formats / sizeof *formats };

sp_export_format sp_export_format_named(const char *name)
{
    for (int i = 0; i < N_FORMATS; i++)
        if (strcmp(name, formats[i].name) == 0)
            return formats[i].f;
    return SP_EXPORT_NONE;
}

sp_export_format sp_export_format_for_path(const char *path)
{
    size_t n = strlen(path);
    for (int i = 0; i < N_FORMATS; i++) {
        size_t e = strlen(formats[i].ext);
        if (n > e && strcmp(path + n - e, formats[i].ext) == 0)
            return formats[i].f;
    }
    return SP_EXPORT_NONE;
}

const char *sp_export_format_name(sp_export_format f)
{
    for (int i = 0; i < N_FORMATS; i++)
        if (formats[i].f == f)
            return formats[i].name;
    return "none";
}

const char *sp_export_file_name(sp_export_format f)
{
    for (int i = 0; i < N_FORMATS; i++)
        if (formats[i].f == f)
            return formats[i].file;
    return NULL;
}

int sp_export_parse_list(const char *list, unsigned *out, const char **bad)
{
    static char item[64];
    *out = 0;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(item, sizeof item, "%.*s", (int)(n < 63 ? n : 63), p);
        sp_export_format f = sp_export_format_named(item);
        if (f == SP_EXPORT_NONE) {
            *bad = item;
            return -1;
        }
        *out |= (unsigned)f;
        p = e ? e + 1 : p + n;
    }
    if (!*out) {
        *bad = "";
        return -1;
    }
    return 0;
}

void sp_json_str(sp_buf *b, const char *s)
{
    if (!s) {
        sp_buf_str(b, "null");
        return;
    }
    sp_buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sp_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            sp_buf_str(b, "\\n");
        else if (c == '\t')
            sp_buf_str(b, "\\t");
        else if (c < 0x20)
            sp_buf_printf(b, "\\u%04x", c);
        else
            sp_buf_put(b, s, 1);
    }
    sp_buf_put(b, "\"", 1);
}

/* ---- HTML ------------------------------------------------------------- */

void sp_html_escape(sp_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sp_buf_str(b, "&amp;"); break;
        case '<': sp_buf_str(b, "&lt;"); break;
        case '>': sp_buf_str(b, "&gt;"); break;
        case '"': sp_buf_str(b, "&quot;"); break;
        case '\t': sp_buf_str(b, " "); break;
        case '\r': break;
        case '\n': sp_buf_str(b, "<br>"); break;
        default: sp_buf_put(b, s, 1);
        }
    }
}

void sp_html_text(sp_buf *b, const sp_text *t)
{
    for (size_t i = 0; i < t->n_spans; i++) {
        unsigned st = t->spans[i].style;
        if (st & SP_STYLE_BOLD)
            sp_buf_str(b, "<b>");
        if (st & SP_STYLE_ITALIC)
            sp_buf_str(b, "<i>");
        if (st & SP_STYLE_MONO)
            sp_buf_str(b, "<code>");
        sp_html_escape(b, t->spans[i].text);
        if (st & SP_STYLE_MONO)
            sp_buf_str(b, "</code>");
        if (st & SP_STYLE_ITALIC)
            sp_buf_str(b, "</i>");
        if (st & SP_STYLE_BOLD)
            sp_buf_str(b, "</b>");
    }
}

/* ---- media ------------------------------------------------------------ */

static int add_media(sp_media *m, const sp_figure *f)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->figs[i]->path, f->path) == 0)
            return 0;
    const char *base = strrchr(f->src, '/');
    base = base ? base + 1 : f->src;
    char name[200];
    size_t n = 0;
    for (const char *p = base; *p && n < sizeof name - 1; p++) {
        unsigned char c = (unsigned char)*p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        if (n == 0 && c == '.')
            ok = 0;
        name[n++] = ok ? (char)c : '_';
    }
    name[n] = '\0';
    char try[256];
    snprintf(try, sizeof try, "%s", name);
    for (int k = 2;; k++) {
        int taken = 0;
        for (size_t i = 0; i < m->n && !taken; i++)
            taken = strcmp(m->names[i], try) == 0;
        if (!taken)
            break;
        const char *dot = strrchr(name, '.');
        int stem = dot ? (int)(dot - name) : (int)strlen(name);
        snprintf(try, sizeof try, "%.*s-%d%s", stem, name, k, dot ? dot : "");
    }
    const sp_figure **figs = realloc(m->figs, (m->n + 1) * sizeof *figs);
    if (!figs)
        return -1;
    m->figs = figs;
    char **names = realloc(m->names, (m->n + 1) * sizeof *names);
    if (!names)
        return -1;
    m->names = names;
    if (!(names[m->n] = strdup(try)))
        return -1;
    figs[m->n++] = f;
    return 0;
}

int sp_media_collect(const sp_pack *pack, sp_media *m)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < pack->n_questions; i++) {
        const sp_blocks *a = &pack->questions[i].answer;
        for (size_t k = 0; k < a->n_blocks; k++)
            if (a->blocks[k].kind == SP_BLOCK_FIGURE && a->blocks[k].figure &&
                add_media(m, a->blocks[k].figure) != 0) {
                sp_media_release(m);
                return -1;
            }
    }
    return 0;
}

const char *sp_media_name(const sp_media *m, const sp_figure *f)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcmp(m->figs[i]->path, f->path) == 0)
            return m->names[i];
    return NULL;
}

void sp_media_release(sp_media *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    free(m->figs);
    memset(m, 0, sizeof *m);
}

void sp_html_blocks(sp_buf *b, const sp_blocks *bl, const sp_media *media)
{
    for (size_t i = 0; i < bl->n_blocks; i++) {
        const sp_block *k = &bl->blocks[i];
        switch (k->kind) {
        case SP_BLOCK_P:
            sp_buf_str(b, "<p>");
            sp_html_text(b, &k->text);
            sp_buf_str(b, "</p>");
            break;
        case SP_BLOCK_UL:
        case SP_BLOCK_OL:
            sp_buf_str(b, k->kind == SP_BLOCK_UL ? "<ul>" : "<ol>");
            for (size_t j = 0; j < k->n_items; j++) {
                sp_buf_str(b, "<li>");
                sp_html_text(b, &k->items[j]);
                sp_buf_str(b, "</li>");
            }
            sp_buf_str(b, k->kind == SP_BLOCK_UL ? "</ul>" : "</ol>");
            break;
        case SP_BLOCK_PRE:
            sp_buf_str(b, "<pre>");
            for (size_t j = 0; j < k->text.n_spans; j++)
                sp_html_escape(b, k->text.spans[j].text);
            sp_buf_str(b, "</pre>");
            break;
        case SP_BLOCK_FIGURE: {
            const sp_figure *f = k->figure;
            const char *name = f ? sp_media_name(media, f) : NULL;
            if (!name)
                break;
            sp_buf_str(b, "<div class=\"sp-figure\"><img src=\"");
            sp_html_escape(b, name);
            sp_buf_str(b, "\" alt=\"");
            sp_html_escape(b, f->alt);
            sp_buf_printf(b, "\" style=\"width: %g%%\">", f->width_pct);
            if (f->caption.n_spans) {
                sp_buf_str(b, "<div class=\"sp-caption\">");
                sp_html_text(b, &f->caption);
                sp_buf_str(b, "</div>");
            }
            sp_buf_str(b, "</div>");
            break;
        }
        }
    }
}

void sp_html_front(sp_buf *b, const sp_question *q)
{
    if (q->cue.n_spans) {
        sp_buf_str(b, "<div class=\"sp-cue\">");
        sp_html_text(b, &q->cue);
        sp_buf_str(b, "</div>");
    }
    sp_buf_str(b, "<div class=\"sp-prompt\">");
    sp_html_text(b, &q->prompt);
    sp_buf_str(b, "</div>");
}

void sp_html_back(sp_buf *b, const sp_question *q, const sp_media *media)
{
    sp_html_blocks(b, &q->answer, media);
    for (size_t i = 0; i < q->n_followups; i++) {
        sp_buf_str(b, "<div class=\"sp-followup\">");
        sp_html_text(b, &q->followups[i]);
        sp_buf_str(b, "</div>");
    }
}

/* A bank has no id or title: its file's name stands in ("backend-core"
 * for banks/backend-core.xml). */
static const char *file_stem(const sp_pack *pack, char *buf, size_t cap)
{
    const char *f = pack->file ? pack->file : "bank";
    const char *slash = strrchr(f, '/');
    f = slash ? slash + 1 : f;
    const char *dot = strrchr(f, '.');
    int n = dot && dot > f ? (int)(dot - f) : (int)strlen(f);
    snprintf(buf, cap, "%.*s", n, f);
    return buf;
}

const char *sp_export_pack_id(const sp_pack *pack, char buf[SP_EXPORT_NAME])
{
    return pack->id ? pack->id : file_stem(pack, buf, SP_EXPORT_NAME);
}

const char *sp_export_pack_title(const sp_pack *pack,
                                 char buf[SP_EXPORT_NAME])
{
    return pack->meta.title ? pack->meta.title
                            : file_stem(pack, buf, SP_EXPORT_NAME);
}

void sp_export_guid(const sp_pack *pack, const sp_question *q, sp_buf *b)
{
    char buf[SP_EXPORT_NAME];
    sp_buf_printf(b, "studypack:%s/%s", sp_export_pack_id(pack, buf), q->id);
}

/* A deck name part: "::" would nest, so colon pairs are broken. */
static void deck_part(sp_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == ':' && s[1] == ':') {
            sp_buf_str(b, ": ");
            continue;
        }
        if (*s == '\t' || *s == '\n' || *s == '\r')
            sp_buf_put(b, " ", 1);
        else if (*s == '"')   /* a text field never starts with a quote */
            sp_buf_put(b, "'", 1);
        else
            sp_buf_put(b, s, 1);
    }
}

void sp_export_deck(const sp_pack *pack, const sp_question *q, sp_buf *b)
{
    char buf[SP_EXPORT_NAME];
    deck_part(b, sp_export_pack_title(pack, buf));
    if (q->round >= 0 && (size_t)q->round < pack->n_rounds) {
        sp_buf_str(b, "::");
        deck_part(b, pack->rounds[q->round].name);
    }
}

void sp_export_tags(const sp_question *q, sp_buf *b)
{
    size_t start = b->n;
    for (size_t i = 0; i < q->n_topics; i++)
        sp_buf_printf(b, "%s%s", b->n > start ? " " : "", q->topics[i]);
    if (q->round_id)
        sp_buf_printf(b, "%sround:%s", b->n > start ? " " : "", q->round_id);
    if (q->difficulty != SP_DIFF_NONE)
        sp_buf_printf(b, "%sdifficulty:%s", b->n > start ? " " : "",
                      sp_difficulty_name(q->difficulty));
}

/* ---- writing ------------------------------------------------------------ */

/* The newest modification time of the pack's inputs. */
static long long inputs_epoch(const sp_pack *pack)
{
    long long t = 0;
    for (size_t i = 0; i < pack->n_inputs; i++) {
        struct stat st;
        if (stat(pack->inputs[i], &st) == 0 && (long long)st.st_mtime > t)
            t = (long long)st.st_mtime;
    }
    return t;
}

void *sp_export_render(const sp_pack *pack, sp_export_format f,
                       const sp_export_opts *o, size_t *len, sp_diags *d)
{
    long long epoch = o->epoch >= 0 ? o->epoch : inputs_epoch(pack);
    if (f == SP_EXPORT_ICS && (pack->is_bank || pack->n_phases == 0)) {
        sp_diag_add(d, SP_D_USAGE, pack->file, 0, 0, "a calendar needs a "
                    "plan: this %s has no timeline",
                    pack->is_bank ? "bank" : "pack");
        return NULL;
    }
    if (f == SP_EXPORT_ICS && !o->has_interview_date
        && !(o->schedule && o->schedule->has_dates)) {
        sp_diag_add(d, SP_D_USAGE, pack->file, 0, 0, "a calendar needs "
                    "dates: give --interview-date YYYY-MM-DD");
        return NULL;
    }
    sp_schedule *s = NULL;
    const sp_schedule *plan = o->schedule;
    if (!plan && !pack->is_bank
        && (f == SP_EXPORT_ICS || f == SP_EXPORT_JSON)) {
        s = sp_schedule_new(pack, o->has_interview_date ? &o->interview
                                                        : NULL);
        if (!s) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            return NULL;
        }
        plan = s;
    }
    void *data = NULL;
    size_t errors = sp_diags_errors(d);
    switch (f) {
    case SP_EXPORT_APKG: data = sp_export_apkg(pack, epoch, len, d); break;
    case SP_EXPORT_ANKI_TEXT: data = sp_export_ankitext(pack, len); break;
    case SP_EXPORT_ICS:
        data = sp_export_ics(pack, plan, o, epoch, len, d);
        break;
    case SP_EXPORT_JSON: data = sp_export_json(pack, plan, len); break;
    case SP_EXPORT_NONE: break;
    }
    sp_schedule_free(s);
    if (!data && sp_diags_errors(d) == errors)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    return data;
}

int sp_export_pack(const sp_pack *pack, sp_export_format f, const char *path,
                   const sp_export_opts *o, sp_diags *d)
{
    size_t len = 0;
    void *data = sp_export_render(pack, f, o, &len, d);
    if (!data)
        return -1;
    int rc = sp_write_file_atomic(path, data, len, d);
    free(data);
    return rc;
}
