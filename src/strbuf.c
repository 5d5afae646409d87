/* strbuf.c - a growing text buffer (see strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for MORE bytes plus the NUL; 0 or -1 (oom set). */
static int reserve(sp_buf *b, size_t more)
{
    if (b->oom)
        return -1;
    if (b->n + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + more + 1) {
        if (cap > (size_t)-1 / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void sp_buf_put(sp_buf *b, const char *s, size_t len)
{
    if (reserve(b, len) != 0)
        return;
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

void sp_buf_str(sp_buf *b, const char *s)
{
    sp_buf_put(b, s, strlen(s));
}

void sp_buf_printf(sp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

size_t sp_buf_line_len(const sp_buf *b)
{
    size_t i = b->n;
    while (i > 0 && b->p[i - 1] != '\n')
        i--;
    return b->n - i;
}

char *sp_buf_take(sp_buf *b, size_t *len)
{
    if (b->oom) {
        sp_buf_release(b);
        return NULL;
    }
    char *p = b->p ? b->p : calloc(1, 1);
    if (len)
        *len = b->n;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

void sp_buf_release(sp_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->oom = 0;
}

void sp_buf_json(sp_buf *b, const char *s)
{
    sp_buf_str(b, "\"");
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sp_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            sp_buf_printf(b, "\\u%04x", c);
        else
            sp_buf_put(b, s, 1);
    }
    sp_buf_str(b, "\"");
}
