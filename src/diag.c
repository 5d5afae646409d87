/* diag.c - diagnostics as data (see diag.h). */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

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

void sp_diags_print(const sp_diags *d, FILE *out, int color)
{
    static const char *sev_name[] = {"note", "warning", "error"};
    static const char *sev_color[] = {"\033[1;36m", "\033[1;35m",
                                      "\033[1;31m"};
    for (size_t i = 0; i < d->n; i++) {
        const sp_diag *it = &d->items[i];
        if (color)
            fputs("\033[1m", out);
        if (it->file) {
            fputs(it->file, out);
            if (it->line > 0) {
                fprintf(out, ":%d", it->line);
                if (it->col > 0)
                    fprintf(out, ":%d", it->col);
            }
            fputs(": ", out);
        } else {
            fputs("studypack: ", out);
        }
        if (color)
            fprintf(out, "\033[0m%s%s:\033[0m %s\n", sev_color[it->severity],
                    sev_name[it->severity], it->message);
        else
            fprintf(out, "%s: %s\n", sev_name[it->severity], it->message);
    }
    if (d->nomem)
        fputs("studypack: error: out of memory (some diagnostics were lost)\n", out);
}
