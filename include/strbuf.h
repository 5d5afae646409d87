/* strbuf.h - a growing, NUL-terminated text buffer for writers of text
 * (the plan, the dump device, stamps, index.json).
 * Who may include: any module.
 * Ownership: the buffer owns p; take it with sp_buf_take or free it with
 * sp_buf_release.  After an allocation failure oom is set, later writes
 * are ignored and sp_buf_take returns NULL.
 */
#ifndef SP_STRBUF_H
#define SP_STRBUF_H

#include <stddef.h>

typedef struct {
    char *p;         /* NUL-terminated once anything was written */
    size_t n, cap;
    int oom;
} sp_buf;            /* zero-initialise before use */

void sp_buf_put(sp_buf *b, const char *s, size_t len);
void sp_buf_str(sp_buf *b, const char *s);
void sp_buf_printf(sp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* S as a JSON string, quoted, with '"', '\\' and control characters
 * escaped (S is UTF-8 and is copied as it is otherwise). */
void sp_buf_json(sp_buf *b, const char *s);
/* Bytes since the last newline (the current line's length). */
size_t sp_buf_line_len(const sp_buf *b);
/* The text (malloc'd, "" if empty), leaving B empty; NULL after oom. */
char *sp_buf_take(sp_buf *b, size_t *len);
void sp_buf_release(sp_buf *b);

#endif
