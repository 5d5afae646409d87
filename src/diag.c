/* diag.c - diagnostics as data (see diag.h). */
#include "diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct sp_diags {
    sp_diag *items;
    size_t n, cap;
    int nomem;          /* an allocation failed while reporting */
};

static const struct {
    const char *name;
    sp_severity severity;
} code_table[SP_D_COUNT] = {
    [SP_D_IO]        = {"io", SP_ERROR},
    [SP_D_NOMEM]     = {"nomem", SP_ERROR},
    [SP_D_XML]       = {"xml", SP_ERROR},
    [SP_D_DOCTYPE]   = {"doctype", SP_ERROR},
    [SP_D_LIMIT]     = {"limit", SP_ERROR},
    [SP_D_INCLUDE]   = {"include", SP_ERROR},
    [SP_D_SCHEMA]    = {"schema", SP_ERROR},
    [SP_D_DUPLICATE] = {"duplicate", SP_ERROR},
    [SP_D_REFERENCE] = {"reference", SP_ERROR},
    [SP_D_GLYPH]     = {"glyph", SP_ERROR},
    [SP_D_LAYOUT]    = {"layout", SP_WARNING},
    [SP_D_FONT]      = {"font", SP_ERROR},
    [SP_D_PDF]       = {"pdf", SP_ERROR},
    [SP_D_USAGE]     = {"usage", SP_ERROR},
    [SP_D_NOTE]      = {"note", SP_NOTE},
    [SP_D_WARNING]   = {"warning", SP_WARNING},
    [SP_D_INCLUDED]  = {"included", SP_NOTE},
    [SP_D_IMAGE]     = {"image", SP_ERROR},
};

sp_diags *sp_diags_new(void)
{
    return calloc(1, sizeof(sp_diags));
}

void sp_diags_clear(sp_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    d->n = 0;
    d->nomem = 0;
}

void sp_diags_truncate(sp_diags *d, size_t n)
{
    for (size_t i = n; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    if (n < d->n)
        d->n = n;
}

void sp_diags_free(sp_diags *d)
{
    if (!d)
        return;
    sp_diags_clear(d);
    free(d->items);
    free(d);
}

const char *sp_diag_code_name(sp_diag_code code)
{
    return code < SP_D_COUNT ? code_table[code].name : "?";
}

void sp_diag_addv(sp_diags *d, sp_diag_code code, sp_severity sev,
                  const char *file, int line, int col, const char *fmt,
                  va_list ap)
{
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        sp_diag *p = realloc(d->items, ncap * sizeof *p);
        if (!p) {
            d->nomem = 1;
            return;
        }
        d->items = p;
        d->cap = ncap;
    }
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    char *f = file ? strdup(file) : NULL;
    if (!msg || (file && !f)) {
        free(msg);
        free(f);
        d->nomem = 1;
        return;
    }
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    sp_diag *it = &d->items[d->n++];
    it->code = code;
    it->severity = sev;
    it->file = f;
    it->line = line;
    it->col = col;
    it->message = msg;
}

void sp_diag_add(sp_diags *d, sp_diag_code code, const char *file, int line,
                 int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sp_diag_addv(d, code, code < SP_D_COUNT ? code_table[code].severity
                                            : SP_ERROR,
                 file, line, col, fmt, ap);
    va_end(ap);
}

void sp_diag_add_sev(sp_diags *d, sp_diag_code code, sp_severity sev,
                     const char *file, int line, int col, const char *fmt,
                     ...)
{
    va_list ap;
    va_start(ap, fmt);
    sp_diag_addv(d, code, sev, file, line, col, fmt, ap);
    va_end(ap);
}

size_t sp_diags_count(const sp_diags *d)
{
    return d->n;
}

const sp_diag *sp_diags_at(const sp_diags *d, size_t i)
{
    return i < d->n ? &d->items[i] : NULL;
}

static size_t count_sev(const sp_diags *d, sp_severity sev)
{
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++)
        k += d->items[i].severity == sev;
    return k;
}

size_t sp_diags_errors(const sp_diags *d)
{
    return count_sev(d, SP_ERROR) + (d->nomem ? 1 : 0);
}

size_t sp_diags_warnings(const sp_diags *d)
{
    return count_sev(d, SP_WARNING);
}

int sp_diags_system_error(const sp_diags *d)
{
    if (d->nomem)
        return 1;
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].code == SP_D_IO || d->items[i].code == SP_D_NOMEM)
            return 1;
    return 0;
}

void sp_diags_move(sp_diags *dst, sp_diags *src)
{
    for (size_t i = 0; i < src->n; i++) {
        sp_diag *it = &src->items[i];
        sp_diag_add_sev(dst, it->code, it->severity, it->file, it->line,
                        it->col, "%s", it->message);
    }
    dst->nomem |= src->nomem;
    sp_diags_clear(src);
}

void sp_diag_fputs(const char *s, FILE *out)
{
    size_t len = strlen(s);
    while (len) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7F) {
            fputc(c, out);
            s++;
            len--;
            continue;
        }
        if (c < 0x80) {
            if (c == '\n')
                fputs("\\n", out);
            else if (c == '\t')
                fputs("\\t", out);
            else if (c == '\r')
                fputs("\\r", out);
            else
                fprintf(out, "\\x%02X", c);
            s++;
            len--;
            continue;
        }
        uint32_t cp;
        size_t n = sp_utf8_next(s, len, &cp);
        int invalid = cp == 0xFFFD && !(n == 3 && memcmp(s, "\xEF\xBF\xBD", 3) == 0);
        if (invalid || (cp >= 0x80 && cp < 0xA0)) {
            /* a stray byte, or a C1 control (U+0080-U+009F) */
            for (size_t k = 0; k < n; k++)
                fprintf(out, "\\x%02X", (unsigned char)s[k]);
        } else {
            fwrite(s, 1, n, out);
        }
        s += n;
        len -= n;
    }
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_item(const sp_diag *a, const sp_diag *b)
{
    return a->code == b->code && a->severity == b->severity &&
           a->line == b->line && a->col == b->col &&
           same_str(a->file, b->file) && same_str(a->message, b->message);
}

/* The include-context block starting at I: its length (0 if none). */
static size_t context_len(const sp_diags *d, size_t i)
{
    size_t k = i;
    while (k < d->n && d->items[k].code == SP_D_INCLUDED)
        k++;
    return k - i;
}

static void print_location(const sp_diag *it, FILE *out)
{
    sp_diag_fputs(it->file ? it->file : "?", out);
    if (it->line > 0) {
        fprintf(out, ":%d", it->line);
        if (it->col > 0)
            fprintf(out, ":%d", it->col);
    }
}

void sp_diags_print(const sp_diags *d, FILE *out, int color)
{
    static const char *sev_name[] = {"note", "warning", "error"};
    static const char *sev_color[] = {"\033[1;36m", "\033[1;35m",
                                      "\033[1;31m"};
    size_t last_ctx = 0, last_ctx_n = 0;   /* the block printed last */
    for (size_t i = 0; i < d->n; i++) {
        const sp_diag *it = &d->items[i];
        if (it->code == SP_D_INCLUDED) {
            size_t n = context_len(d, i);
            int same = n == last_ctx_n;
            for (size_t k = 0; same && k < n; k++)
                same = same_item(&d->items[last_ctx + k], &d->items[i + k]);
            for (size_t k = 0; !same && k < n; k++) {
                const sp_diag *c = &d->items[i + k];
                const char *how = c->message ? c->message : "";
                fputs(k == 0 ? "In file included from "
                      : strcmp(how, "and") == 0 ? "             and from "
                                                : "                 from ",
                      out);
                /* as gcc prints it: FILE:LINE */
                sp_diag_fputs(c->file ? c->file : "?", out);
                if (c->line > 0)
                    fprintf(out, ":%d", c->line);
                fputs(k + 1 < n ? ",\n" : ":\n", out);
            }
            last_ctx = i;
            last_ctx_n = n;
            i += n - 1;
            continue;
        }
        if (it->severity != SP_NOTE && (i == 0 ||
                                        d->items[i - 1].code != SP_D_INCLUDED))
            last_ctx_n = 0;     /* a diagnostic outside any bank */
        if (color)
            fputs("\033[1m", out);
        if (it->file) {
            print_location(it, out);
            fputs(": ", out);
        } else {
            fputs("studypack: ", out);
        }
        if (color)
            fprintf(out, "\033[0m%s%s:\033[0m ", sev_color[it->severity],
                    sev_name[it->severity]);
        else
            fprintf(out, "%s: ", sev_name[it->severity]);
        sp_diag_fputs(it->message, out);
        fputc('\n', out);
    }
    if (d->nomem)
        fputs("studypack: error: out of memory (some diagnostics were lost)\n", out);
}

/* One diagnostic with its context before it and its notes after it. */
typedef struct {
    size_t start, n_ctx, len;   /* items [start, start + len) */
    size_t into;                /* the group it folds into, or itself */
} group;

void sp_diags_fold_includes(sp_diags *d)
{
    if (d->n == 0)
        return;
    group *g = malloc(d->n * sizeof *g);
    sp_diag *out = malloc(d->n * sizeof *out);
    if (!g || !out) {
        free(g);
        free(out);
        return;     /* nothing lost: the list stays as it was */
    }
    size_t ng = 0;
    for (size_t i = 0; i < d->n;) {
        group *gr = &g[ng];
        gr->start = i;
        gr->n_ctx = context_len(d, i);
        size_t k = i + gr->n_ctx;
        if (k < d->n)
            k++;            /* the diagnostic */
        while (k < d->n && d->items[k].severity == SP_NOTE &&
               d->items[k].code != SP_D_INCLUDED)
            k++;            /* its notes */
        gr->len = k - i;
        gr->into = ng;
        for (size_t h = 0; gr->n_ctx && h < ng; h++) {
            const group *o = &g[h];
            if (o->into != h || !o->n_ctx || o->len - o->n_ctx != gr->len - gr->n_ctx)
                continue;
            int same = 1;
            for (size_t m = 0; same && m < gr->len - gr->n_ctx; m++)
                same = same_item(&d->items[o->start + o->n_ctx + m],
                                 &d->items[gr->start + gr->n_ctx + m]);
            if (same) {
                gr->into = h;
                break;
            }
        }
        ng++;
        i = k;
    }
    size_t n = 0;
    for (size_t h = 0; h < ng; h++) {
        const group *gr = &g[h];
        if (gr->into != h)
            continue;
        for (size_t m = 0; m < gr->n_ctx; m++)
            out[n++] = d->items[gr->start + m];
        for (size_t o = h + 1; o < ng; o++) {
            if (g[o].into != h)
                continue;
            for (size_t m = 0; m < g[o].n_ctx; m++) {
                sp_diag *c = &d->items[g[o].start + m];
                if (m == 0) {
                    char *and = strdup("and");
                    if (and) {
                        free(c->message);
                        c->message = and;
                    }
                }
                out[n++] = *c;
            }
        }
        for (size_t m = gr->n_ctx; m < gr->len; m++)
            out[n++] = d->items[gr->start + m];
    }
    for (size_t h = 0; h < ng; h++) {
        if (g[h].into == h)
            continue;
        for (size_t m = g[h].n_ctx; m < g[h].len; m++) {
            free(d->items[g[h].start + m].file);
            free(d->items[g[h].start + m].message);
        }
    }
    memcpy(d->items, out, n * sizeof *out);
    d->n = n;
    free(out);
    free(g);
}

/* Optimal string alignment distance, case-insensitive, capped: returns
 * CAP + 1 when the distance is larger than CAP. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t dp[3][65];
    size_t *p2 = dp[0], *p1 = dp[1], *cur = dp[2];
    for (size_t j = 0; j <= lb; j++)
        p1[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t best = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca = (char)(ca - 'A' + 'a');
            if (cb >= 'A' && cb <= 'Z')
                cb = (char)(cb - 'A' + 'a');
            size_t v = p1[j - 1] + (ca != cb);
            if (p1[j] + 1 < v)
                v = p1[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1) {
                char pa = a[i - 2], pb = b[j - 2];
                if (pa >= 'A' && pa <= 'Z')
                    pa = (char)(pa - 'A' + 'a');
                if (pb >= 'A' && pb <= 'Z')
                    pb = (char)(pb - 'A' + 'a');
                if (ca == pb && pa == cb && p2[j - 2] + 1 < v)
                    v = p2[j - 2] + 1;
            }
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
        size_t *t = p2;
        p2 = p1;
        p1 = cur;
        cur = t;
    }
    return p1[lb];
}

const char *sp_did_you_mean(const char *word, const char *const *cands,
                            size_t n)
{
    if (!word)
        return NULL;
    size_t len = strlen(word);
    size_t cap = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        if (strcmp(cands[i], word) == 0)
            return NULL;
        size_t dist = edit_distance(word, cands[i], cap);
        if (dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    return best;
}
