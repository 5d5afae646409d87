/* import_csv.c - CSV (RFC 4180), TSV and Anki's text export into notes
 * (see importer.h). */
#include "importer.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "text.h"

/* ---- RFC 4180 records ------------------------------------------------ */

void sp_csv_init(sp_csv *c, const char *data, size_t len, char sep)
{
    memset(c, 0, sizeof *c);
    c->p = data;
    c->end = data + len;
    c->sep = sep;
    c->line = 1;
}

void sp_csv_release(sp_csv *c)
{
    free(c->buf);
    c->buf = NULL;
}

static int put(sp_csv *c, char ch)
{
    if (c->buf_len + 1 >= c->buf_cap) {
        size_t cap = c->buf_cap ? c->buf_cap * 2 : 256;
        char *b = realloc(c->buf, cap);
        if (!b)
            return -1;
        c->buf = b;
        c->buf_cap = cap;
    }
    c->buf[c->buf_len++] = ch;
    return 0;
}

int sp_csv_next(sp_csv *c, int *line, int *col, const char **why)
{
    c->n_fields = 0;
    c->buf_len = 0;
    if (c->p >= c->end)
        return 0;
    *line = c->line;
    const char *bol = c->p;   /* start of the current line, for columns */
    for (;;) {
        if (c->n_fields == SP_IMPORT_MAX_COLUMNS) {
            *why = "more than 64 columns";
            *col = (int)(c->p - bol) + 1;
            *line = c->line;
            return -1;
        }
        c->starts[c->n_fields] = c->buf_len;
        if (c->p < c->end && *c->p == '"') {
            const char *q = c->p;
            int qline = c->line;
            const char *qbol = bol;
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    *why = "a quoted field is not closed";
                    *line = qline;
                    *col = (int)(q - qbol) + 1;
                    return -1;
                }
                char ch = *c->p;
                if (ch == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        if (put(c, '"'))
                            goto nomem;
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (ch == '\n') {
                    c->line++;
                    bol = c->p + 1;
                }
                if (put(c, ch))
                    goto nomem;
                c->p++;
            }
            if (c->p < c->end && *c->p != c->sep && *c->p != '\n' &&
                !(*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'))) {
                *why = "text after a closing quote (a quote inside a quoted "
                       "field is written twice: \"\")";
                *line = c->line;
                *col = (int)(c->p - bol) + 1;
                return -1;
            }
        } else {
            while (c->p < c->end && *c->p != c->sep && *c->p != '\n') {
                if (*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'))
                    break;
                if (put(c, *c->p))
                    goto nomem;
                c->p++;
            }
        }
        if (put(c, '\0'))
            goto nomem;
        c->n_fields++;
        if (c->p < c->end && *c->p == c->sep) {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n') {
            c->p++;
            c->line++;
        }
        break;
    }
    for (size_t i = 0; i < c->n_fields; i++)
        c->fields[i] = c->buf + c->starts[i];
    return 1;
nomem:
    *why = "out of memory";
    *col = 0;
    return -1;
}

/* ---- columns -------------------------------------------------------- */

enum {
    COL_NONE, COL_ID, COL_QUESTION, COL_ANSWER, COL_TAGS, COL_ROUND,
    COL_DIFFICULTY, COL_FOLLOWUP, COL_CUE, COL_GUID, COL_NOTETYPE,
    COL_EXTRA, COL_DECK, COL_IGNORE
};

static const struct {
    const char *name;
    int col;
} names[] = {
    {"id", COL_ID},           {"question", COL_QUESTION},
    {"front", COL_QUESTION},  {"prompt", COL_QUESTION},
    {"text", COL_QUESTION},   {"q", COL_QUESTION},
    {"answer", COL_ANSWER},   {"back", COL_ANSWER},
    {"a", COL_ANSWER},        {"tags", COL_TAGS},
    {"topics", COL_TAGS},     {"round", COL_ROUND},
    {"deck", COL_DECK},      {"difficulty", COL_DIFFICULTY},
    {"level", COL_DIFFICULTY}, {"followup", COL_FOLLOWUP},
    {"follow-up", COL_FOLLOWUP}, {"follow_up", COL_FOLLOWUP},
    {"cue", COL_CUE},         {"guid", COL_GUID},
    {"notetype", COL_NOTETYPE}, {"back extra", COL_EXTRA},
    {"extra", COL_EXTRA},
};

static int column_named(const char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].name) == n && strncasecmp(s, names[i].name, n) == 0)
            return names[i].col;
    return COL_NONE;
}

/* Does S look like HTML (a tag we know or an entity)? */
static int looks_html(const char *s)
{
    static const char *const tags[] = {
        "b", "i", "u", "br", "div", "p", "ul", "ol", "li", "img", "code",
        "pre", "span", "strong", "em", "font", "a", "sub", "sup", "table",
        "hr", "h1", "h2", "h3", NULL};
    for (const char *p = s; (p = strchr(p, '<')) != NULL; p++) {
        const char *t = p + 1;
        if (*t == '/')
            t++;
        for (int i = 0; tags[i]; i++) {
            size_t n = strlen(tags[i]);
            if (strncasecmp(t, tags[i], n) == 0 &&
                (t[n] == '>' || t[n] == ' ' || t[n] == '/'))
                return 1;
        }
    }
    static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&nbsp;",
                                       "&quot;", "&#", NULL};
    for (int i = 0; ents[i]; i++)
        if (strstr(s, ents[i]))
            return 1;
    return 0;
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    const char *b = s;
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
        b++;
    if (!*b)
        return NULL;
    return strdup(s);
}

/* ---- Anki text headers ------------------------------------------------ */

typedef struct {
    char sep;
    int html;            /* -1 unknown */
    int col_tags, col_deck, col_guid, col_notetype;   /* 1-based, 0 none */
    char *deck, *notetype, *tags;
} anki_hdr;

static char sep_named(const char *v)
{
    static const struct {
        const char *n;
        char c;
    } seps[] = {{"tab", '\t'},  {"comma", ','}, {"semicolon", ';'},
                {"space", ' '}, {"pipe", '|'},  {"colon", ':'}};
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
        if (strcasecmp(v, seps[i].n) == 0)
            return seps[i].c;
    if (strlen(v) == 1)
        return v[0];
    return 0;
}

/* Reads the "#key:value" lines at the top; advances *P past them. */
static int anki_headers(const char **p, const char *end, int *line,
                        anki_hdr *h, const char *name, sp_diags *d)
{
    while (*p < end && **p == '#') {
        const char *e = memchr(*p, '\n', (size_t)(end - *p));
        if (!e)
            e = end;
        size_t n = (size_t)(e - *p);
        char *l = malloc(n + 1);
        if (!l)
            return -1;
        memcpy(l, *p + 1, n - 1);
        l[n - 1] = '\0';
        size_t ln = strlen(l);
        if (ln && l[ln - 1] == '\r')
            l[ln - 1] = '\0';
        char *colon = strchr(l, ':');
        if (colon) {
            *colon = '\0';
            const char *k = l, *v = colon + 1;
            if (strcasecmp(k, "separator") == 0) {
                h->sep = sep_named(v);
                if (!h->sep) {
                    sp_diag_add(d, SP_D_XML, name, *line, 1,
                                "unknown separator '%s' (give tab, comma, "
                                "semicolon, space, pipe, colon or one "
                                "character)", v);
                    free(l);
                    return -1;
                }
            } else if (strcasecmp(k, "html") == 0) {
                h->html = strcasecmp(v, "true") == 0;
            } else if (strcasecmp(k, "tags column") == 0) {
                h->col_tags = atoi(v);
            } else if (strcasecmp(k, "deck column") == 0) {
                h->col_deck = atoi(v);
            } else if (strcasecmp(k, "guid column") == 0) {
                h->col_guid = atoi(v);
            } else if (strcasecmp(k, "notetype column") == 0) {
                h->col_notetype = atoi(v);
            } else if (strcasecmp(k, "deck") == 0) {
                free(h->deck);
                h->deck = strdup(v);
            } else if (strcasecmp(k, "notetype") == 0) {
                free(h->notetype);
                h->notetype = strdup(v);
            } else if (strcasecmp(k, "tags") == 0) {
                free(h->tags);
                h->tags = strdup(v);
            }
        }
        free(l);
        *p = e < end ? e + 1 : end;
        (*line)++;
    }
    return 0;
}

/* ---- the reader ----------------------------------------------------- */

/* Checks that DATA is UTF-8; reports the first bad byte's line and
 * column. */
static int check_utf8(const char *name, const char *data, size_t len,
                      sp_diags *d)
{
    int line = 1;
    size_t bol = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)data[i];
        if (c < 0x80) {
            if (c == '\n') {
                line++;
                bol = i + 1;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = sp_utf8_next(data + i, len - i, &cp);
        if (cp == 0xfffd && !(len - i >= 3 &&
                              memcmp(data + i, "\xef\xbf\xbd", 3) == 0)) {
            sp_diag_add(d, SP_D_XML, name, line, (int)(i - bol) + 1,
                        "invalid UTF-8 (byte 0x%02X): save the file as "
                        "UTF-8", c);
            return -1;
        }
        i += n;
    }
    return 0;
}

int sp_import_text(sp_ideck *deck, const char *name, const char *data,
                   size_t len, int format, sp_diags *d)
{
    const char *file = sp_ideck_file(deck, name);
    if (!file)
        return -1;
    if (len > SP_IMPORT_MAX_TEXT) {
        sp_diag_add(d, SP_D_LIMIT, name, 0, 0, "the file is larger than "
                    "32 MiB");
        return -1;
    }
    if (check_utf8(name, data, len, d) != 0)
        return -1;
    const char *p = data, *end = data + len;
    int line = 1;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    anki_hdr h = {format == SP_IMPORT_TSV ? '\t' : ',', -1, 0, 0, 0, 0,
                  NULL, NULL, NULL};
    if (format == SP_IMPORT_ANKI_TEXT) {
        h.sep = '\t';
        if (anki_headers(&p, end, &line, &h, name, d) != 0)
            goto fail_hdr;
    } else if (format == SP_IMPORT_CSV) {
        /* a semicolon-separated file: more ';' than ',' on line 1 */
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t commas = 0, semis = 0;
        for (const char *q = p; q < (e ? e : end); q++) {
            commas += *q == ',';
            semis += *q == ';';
        }
        if (semis > commas)
            h.sep = ';';
    }
    sp_csv c;
    sp_csv_init(&c, p, (size_t)(end - p), h.sep);
    c.line = line;
    int map[SP_IMPORT_MAX_COLUMNS];
    size_t n_map = 0;
    int rline = 0, rcol = 0, first = 1, rc = 0, warned = 0, positional = 0;
    const char *why = NULL;
    int r;
    while ((r = sp_csv_next(&c, &rline, &rcol, &why)) == 1) {
        if (c.n_fields == 1 && !c.fields[0][0])
            continue;   /* an empty line */
        if (first && format != SP_IMPORT_ANKI_TEXT) {
            first = 0;
            int q = 0, a = 0;
            for (size_t i = 0; i < c.n_fields; i++) {
                int k = column_named(c.fields[i]);
                q |= k == COL_QUESTION;
                a |= k == COL_ANSWER;
            }
            if (q && a) {   /* a header row */
                for (size_t i = 0; i < c.n_fields; i++) {
                    map[i] = column_named(c.fields[i]);
                    if (map[i] == COL_NONE) {
                        sp_diag_add_sev(d, SP_D_WARNING, SP_WARNING, name,
                                        rline, 0, "column '%s' is not "
                                        "imported (known: id, question, "
                                        "answer, tags, round, difficulty, "
                                        "followup, cue)", c.fields[i]);
                        map[i] = COL_IGNORE;
                    }
                }
                n_map = c.n_fields;
                continue;
            }
            static const int by_place[] = {COL_QUESTION, COL_ANSWER,
                                             COL_TAGS,     COL_ROUND,
                                             COL_DIFFICULTY, COL_FOLLOWUP};
            for (size_t i = 0; i < SP_IMPORT_MAX_COLUMNS; i++)
                map[i] = i < 6 ? by_place[i] : COL_IGNORE;
            positional = 1;
            n_map = SP_IMPORT_MAX_COLUMNS;
        } else if (first) {
            first = 0;
            int field = 0;
            for (size_t i = 0; i < SP_IMPORT_MAX_COLUMNS; i++) {
                int col = (int)i + 1;
                if (col == h.col_tags)
                    map[i] = COL_TAGS;
                else if (col == h.col_deck)
                    map[i] = COL_DECK;
                else if (col == h.col_guid)
                    map[i] = COL_GUID;
                else if (col == h.col_notetype)
                    map[i] = COL_NOTETYPE;
                else {
                    map[i] = field == 0   ? COL_QUESTION
                             : field == 1 ? COL_ANSWER
                                          : COL_IGNORE;
                    field++;
                }
            }
            n_map = SP_IMPORT_MAX_COLUMNS;
        }
        sp_inote *n = sp_ideck_note(deck);
        if (!n)
            goto nomem;
        n->file = file;
        n->line = rline;
        int dropped = 0;
        for (size_t i = 0; i < c.n_fields && i < n_map; i++) {
            const char *v = c.fields[i];
            char **dst = NULL;
            switch (map[i]) {
            case COL_ID: dst = &n->id; break;
            case COL_QUESTION: dst = &n->front; break;
            case COL_ANSWER: dst = &n->back; break;
            case COL_TAGS: dst = &n->tags; break;
            case COL_ROUND: dst = &n->round; break;
            case COL_DECK: dst = &n->deck; break;
            case COL_DIFFICULTY: dst = &n->difficulty; break;
            case COL_FOLLOWUP: dst = &n->followup; break;
            case COL_CUE: dst = &n->cue; break;
            case COL_GUID: dst = &n->guid; break;
            case COL_EXTRA: dst = &n->extra; break;
            case COL_NOTETYPE:
                n->cloze = strncasecmp(v, "cloze", 5) == 0;
                break;
            case COL_IGNORE:
                dropped |= *v != '\0';
                break;
            }
            if (dst && !*dst) {
                *dst = dup_or_null(v);
                if (!*dst && *v && strspn(v, " \t\r\n") != strlen(v))
                    goto nomem;
            }
        }
        if (dropped && !warned && (positional || format == SP_IMPORT_ANKI_TEXT)) {
            warned = 1;
            sp_diag_add_sev(d, SP_D_WARNING, SP_WARNING, name, rline, 0,
                            "%s", format == SP_IMPORT_ANKI_TEXT
                                      ? "fields after the second are not "
                                        "imported (said once)"
                                      : "columns after the sixth are not "
                                        "imported (said once)");
        }
        if (!n->deck && h.deck && (n->deck = strdup(h.deck)) == NULL)
            goto nomem;
        if (h.tags && *h.tags) {
            size_t tl = (n->tags ? strlen(n->tags) : 0) + strlen(h.tags) + 2;
            char *t = malloc(tl);
            if (!t)
                goto nomem;
            snprintf(t, tl, "%s%s%s", n->tags ? n->tags : "",
                     n->tags ? " " : "", h.tags);
            free(n->tags);
            n->tags = t;
        }
        if (h.notetype && strncasecmp(h.notetype, "cloze", 5) == 0)
            n->cloze = 1;
        if (n->cloze && n->back && !n->extra) {
            n->extra = n->back;
            n->back = NULL;
        }
        if (format == SP_IMPORT_ANKI_TEXT && h.html >= 0)
            n->html = h.html;
        else
            n->html = (n->front && looks_html(n->front)) ||
                      (n->back && looks_html(n->back));
        if (n->front && strstr(n->front, "{{c") && strstr(n->front, "::"))
            n->cloze = 1;
    }
    if (r < 0) {
        if (strcmp(why, "out of memory") == 0)
            goto nomem;
        sp_diag_add(d, SP_D_XML, name, rline, rcol, "%s", why);
        rc = -1;
    }
    sp_csv_release(&c);
    free(h.deck);
    free(h.notetype);
    free(h.tags);
    return rc;
nomem:
    sp_csv_release(&c);
    sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
fail_hdr:
    free(h.deck);
    free(h.notetype);
    free(h.tags);
    return -1;
}
