/* diag.h - diagnostics as data.
 *
 * Every stage reports problems into an sp_diags list; no stage prints or
 * exits.  main decides what to print (sp_diags_print) and the exit status.
 * Who may include: every module.
 * Ownership: an sp_diags owns copies of all strings added to it; free it with
 * sp_diags_free.
 */
#ifndef SP_DIAG_H
#define SP_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { SP_NOTE, SP_WARNING, SP_ERROR } sp_severity;

/* One code per kind of problem; the table in diag.c gives each a severity
 * and a short name (used by tests and --help text). */
typedef enum {
    SP_D_IO,            /* cannot read or write a file (system error) */
    SP_D_NOMEM,         /* out of memory (system error) */
    SP_D_XML,           /* not well-formed XML, encoding problems */
    SP_D_DOCTYPE,       /* DOCTYPE / entities refused */
    SP_D_LIMIT,         /* a size, depth or count limit was exceeded */
    SP_D_INCLUDE,       /* xi:include refused or failed */
    SP_D_SCHEMA,        /* XSD validation error */
    SP_D_DUPLICATE,     /* duplicate id */
    SP_D_REFERENCE,     /* dangling reference */
    SP_D_GLYPH,         /* a character the fonts cannot draw */
    SP_D_LAYOUT,        /* layout warning: shrunk, continued */
    SP_D_FONT,          /* font missing or unusable */
    SP_D_PDF,           /* PDF writer failure */
    SP_D_USAGE,         /* command-line usage */
    SP_D_NOTE,          /* a note attached to a previous diagnostic */
    SP_D_WARNING,       /* a generic warning */
    SP_D_IMAGE,         /* a figure's image refused, missing or unusable */
    SP_D_COUNT
} sp_diag_code;

typedef struct {
    sp_diag_code code;
    sp_severity severity;
    char *file;      /* may be NULL */
    int line;        /* 0 if unknown */
    int col;         /* 0 if unknown */
    char *message;
} sp_diag;

typedef struct sp_diags sp_diags;

sp_diags *sp_diags_new(void);
void sp_diags_free(sp_diags *d);

/* Adds a diagnostic with the code's default severity. */
void sp_diag_add(sp_diags *d, sp_diag_code code, const char *file, int line,
                 int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* Same with an explicit severity. */
void sp_diag_addv(sp_diags *d, sp_diag_code code, sp_severity sev,
                  const char *file, int line, int col, const char *fmt,
                  va_list ap);
void sp_diag_add_sev(sp_diags *d, sp_diag_code code, sp_severity sev,
                     const char *file, int line, int col, const char *fmt,
                     ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

size_t sp_diags_count(const sp_diags *d);
const sp_diag *sp_diags_at(const sp_diags *d, size_t i);
size_t sp_diags_errors(const sp_diags *d);
size_t sp_diags_warnings(const sp_diags *d);
/* True if any diagnostic is a system error (SP_D_IO, SP_D_NOMEM). */
int sp_diags_system_error(const sp_diags *d);
/* Moves all diagnostics of src to the end of dst. */
void sp_diags_move(sp_diags *dst, sp_diags *src);
void sp_diags_clear(sp_diags *d);

/* Prints every diagnostic as FILE:LINE:COL: severity: message, with colour
 * if color is non-zero. */
void sp_diags_print(const sp_diags *d, FILE *out, int color);
const char *sp_diag_code_name(sp_diag_code code);

#endif
