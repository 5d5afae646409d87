/* srcpos.c - positions in a source's bytes (see srcpos.h). */
#include "srcpos.h"

#include <stdlib.h>
#include <string.h>

void sp_srcpos_free(sp_srcpos *p)
{
    free(p->lines);
    p->lines = NULL;
    p->n_lines = 0;
}

/* The index of line starts; 0 when there is one. */
static int index_lines(sp_srcpos *p)
{
    if (p->lines)
        return 0;
    if (p->no_index || p->len > 0xFFFFFFFFu)
        return -1;
    size_t n = 1;
    for (const char *s = p->data, *e = p->data + p->len;
         (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        n++;
    p->lines = malloc(n * sizeof *p->lines);
    if (!p->lines) {
        p->no_index = 1;
        return -1;
    }
    p->lines[0] = 0;
    p->n_lines = 1;
    for (const char *s = p->data, *e = p->data + p->len;
         (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        p->lines[p->n_lines++] = (unsigned)(s + 1 - p->data);
    return 0;
}

void sp_srcpos_init(sp_srcpos *p, const char *data, size_t len)
{
    p->lines = NULL;
    p->n_lines = 0;
    p->no_index = 0;
    p->data = data;
    p->len = len;
    p->c_ls = 0;
    p->c_line = 1;
    p->c_off = 0;
    p->c_col = 1;
}

/* Moves the cache to the line holding OFF. */
static void move_to(sp_srcpos *p, size_t off)
{
    if (off > p->len)
        off = p->len;
    if (off >= p->c_ls && !memchr(p->data + p->c_ls, '\n', off - p->c_ls))
        return;     /* on the cached line */
    if (index_lines(p) == 0) {
        size_t lo = 0, hi = p->n_lines;     /* last start <= off */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (p->lines[mid] <= off)
                lo = mid;
            else
                hi = mid;
        }
        p->c_ls = p->lines[lo];
        p->c_line = (int)lo + 1;
        return;
    }
    while (off < p->c_ls) {
        size_t i = p->c_ls - 1;     /* the '\n' ending the previous line */
        while (i > 0 && p->data[i - 1] != '\n')
            i--;
        p->c_ls = i;
        p->c_line--;
    }
    for (;;) {
        const char *nl = memchr(p->data + p->c_ls, '\n', p->len - p->c_ls);
        if (!nl || (size_t)(nl - p->data) >= off)
            break;
        p->c_ls = (size_t)(nl - p->data) + 1;
        p->c_line++;
    }
}

void sp_srcpos_at(sp_srcpos *p, size_t off, int *line, int *col)
{
    if (off > p->len)
        off = p->len;
    move_to(p, off);
    if (p->c_off < p->c_ls || p->c_off > off) {
        p->c_off = p->c_ls;
        p->c_col = 1;
    }
    for (size_t i = p->c_off; i < off; i++)
        p->c_col += ((unsigned char)p->data[i] & 0xC0) != 0x80;
    p->c_off = off;
    *line = p->c_line;
    *col = p->c_col;
}

size_t sp_srcpos_line_start(sp_srcpos *p, int line)
{
    if (line < 1)
        return 0;
    if (index_lines(p) == 0)
        return (size_t)line <= p->n_lines ? p->lines[line - 1] : p->len;
    while (p->c_line > line && p->c_ls > 0)
        move_to(p, p->c_ls - 1);
    while (p->c_line < line) {
        const char *nl = memchr(p->data + p->c_ls, '\n', p->len - p->c_ls);
        if (!nl)
            return p->len;
        p->c_ls = (size_t)(nl - p->data) + 1;
        p->c_line++;
    }
    return p->c_ls;
}

static int name_end(const sp_srcpos *p, size_t i)
{
    if (i >= p->len)
        return 1;
    char c = p->data[i];
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' ||
           c == '>' || c == '=';
}

/* The end of the name starting at I. */
static size_t skip_name(const sp_srcpos *p, size_t i)
{
    while (!name_end(p, i))
        i++;
    return i;
}

/* 1 if the (qualified) name at I has the local part LOCAL. */
static int match(const sp_srcpos *p, size_t i, const char *local)
{
    size_t e = skip_name(p, i), s = i;
    for (size_t k = i; k < e; k++)
        if (p->data[k] == ':')
            s = k + 1;
    size_t n = strlen(local);
    return e - s == n && memcmp(p->data + s, local, n) == 0;
}

/* The '>' closing the tag at I (quotes respected), or len. */
static size_t tag_close(const sp_srcpos *p, size_t i)
{
    char q = 0;
    for (i++; i < p->len; i++) {
        char c = p->data[i];
        if (q) {
            if (c == q)
                q = 0;
        } else if (c == '"' || c == '\'') {
            q = c;
        } else if (c == '>') {
            return i;
        }
    }
    return p->len;
}

static int self_closing(const sp_srcpos *p, size_t i)
{
    size_t e = tag_close(p, i);
    return e < p->len && p->data[e - 1] == '/';
}

/* A start tag at I: '<' then a name (not '/', '!', '?'). */
static int start_tag(const sp_srcpos *p, size_t i)
{
    return p->data[i] == '<' && i + 1 < p->len && p->data[i + 1] != '/' &&
           p->data[i + 1] != '!' && p->data[i + 1] != '?';
}

long sp_srcpos_open_tag(const sp_srcpos *p, size_t before, const char *local)
{
    int depth = 0;
    size_t i = before < p->len ? before : p->len;
    while (i > 0) {
        i--;
        if (p->data[i] != '<' || i + 1 >= p->len)
            continue;
        if (p->data[i + 1] == '/') {
            if (match(p, i + 2, local))
                depth++;
            continue;
        }
        if (!start_tag(p, i) || !match(p, i + 1, local))
            continue;
        if (depth == 0)
            return (long)i;
        if (!self_closing(p, i) && --depth == 0)
            return (long)i;
    }
    return -1;
}

/* Past a comment, CDATA section or processing instruction at I, or I. */
static size_t skip_special(const sp_srcpos *p, size_t i)
{
    static const struct { const char *open, *close; } sp[] = {
        {"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}};
    for (size_t k = 0; k < 3; k++) {
        size_t ol = strlen(sp[k].open), cl = strlen(sp[k].close);
        if (p->len - i < ol || memcmp(p->data + i, sp[k].open, ol) != 0)
            continue;
        for (size_t j = i + ol; j + cl <= p->len; j++)
            if (memcmp(p->data + j, sp[k].close, cl) == 0)
                return j + cl;
        return p->len;
    }
    return i;
}

long sp_srcpos_nth_tag(const sp_srcpos *p, size_t from, const char *local,
                       int k)
{
    for (size_t i = from; i < p->len; i++) {
        if (p->data[i] != '<')
            continue;
        size_t j = skip_special(p, i);
        if (j != i) {
            i = j - 1;
            continue;
        }
        if (start_tag(p, i) && match(p, i + 1, local) && k-- == 0)
            return (long)i;
    }
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

long sp_srcpos_attr(const sp_srcpos *p, size_t tag, const char *local)
{
    return sp_srcpos_attr_from(p, skip_name(p, tag + 1), local);
}

long sp_srcpos_attr_from(const sp_srcpos *p, size_t from, const char *local)
{
    size_t i = from;
    while (i < p->len) {
        while (i < p->len && is_space(p->data[i]))
            i++;
        if (i >= p->len || p->data[i] == '>' || p->data[i] == '/')
            return -1;
        size_t s = i;
        i = skip_name(p, i);
        if (i == s)
            return -1;
        if (match(p, s, local))
            return (long)s;
        while (i < p->len && is_space(p->data[i]))
            i++;
        if (i < p->len && p->data[i] == '=') {
            i++;
            while (i < p->len && is_space(p->data[i]))
                i++;
            if (i < p->len && (p->data[i] == '"' || p->data[i] == '\'')) {
                char q = p->data[i++];
                while (i < p->len && p->data[i] != q)
                    i++;
                i++;
            }
        }
    }
    return -1;
}

static void copy_local(const sp_srcpos *p, size_t i, char *name, size_t cap)
{
    size_t e = skip_name(p, i), s = i;
    for (size_t k = i; k < e; k++)
        if (p->data[k] == ':')
            s = k + 1;
    size_t n = e - s < cap - 1 ? e - s : cap - 1;
    memcpy(name, p->data + s, n);
    name[n] = '\0';
}

long sp_srcpos_parent(const sp_srcpos *p, size_t tag, char *name,
                      size_t cap)
{
    int depth = 0;
    size_t i = tag;
    while (i > 0) {
        i--;
        if (p->data[i] != '<' || i + 1 >= p->len)
            continue;
        if (p->data[i + 1] == '/') {
            depth++;
            continue;
        }
        if (!start_tag(p, i) || self_closing(p, i))
            continue;
        if (depth == 0) {
            if (cap)
                copy_local(p, i + 1, name, cap);
            return (long)i;
        }
        depth--;
    }
    return -1;
}

size_t sp_srcpos_children(const sp_srcpos *p, size_t parent, size_t before,
                          char (*names)[32], size_t max)
{
    size_t n = 0;
    int depth = 0;
    size_t end = before < p->len ? before : p->len;
    for (size_t i = tag_close(p, parent) + 1; i < end; i++) {
        if (p->data[i] != '<')
            continue;
        size_t j = skip_special(p, i);
        if (j != i) {
            i = j - 1;
            continue;
        }
        if (i + 1 < p->len && p->data[i + 1] == '/') {
            if (--depth < 0)
                break;
            continue;
        }
        if (depth == 0 && n < max)
            copy_local(p, i + 1, names[n++], 32);
        if (!self_closing(p, i))
            depth++;
        i = tag_close(p, i);
    }
    return n;
}

static int name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
           c == ':' || c >= 0x80;
}

size_t sp_srcpos_amps(const char *data, size_t len,
                      void (*found)(void *ctx, const sp_amp *a), void *ctx)
{
    static const char *const xml[] = {"lt", "gt", "amp", "apos", "quot"};
    sp_srcpos p;
    sp_srcpos_init(&p, data, len);
    size_t count = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '<') {
            size_t j = skip_special(&p, i);
            if (j != i)
                i = j - 1;
            continue;
        }
        if (data[i] != '&')
            continue;
        if (i + 1 < len && data[i + 1] == '#')
            continue;       /* a character reference: libxml2 checks it */
        size_t j = i + 1;
        while (j < len && name_char((unsigned char)data[j]))
            j++;
        sp_amp a;
        a.off = i;
        a.name[0] = '\0';
        if (j > i + 1 && j < len && data[j] == ';') {
            size_t n = j - i - 1;
            int predefined = 0;
            for (size_t k = 0; k < 5; k++)
                predefined |= strlen(xml[k]) == n &&
                              memcmp(data + i + 1, xml[k], n) == 0;
            if (predefined)
                continue;
            a.len = n + 2;
            if (n > sizeof a.name - 1)
                n = sizeof a.name - 1;
            memcpy(a.name, data + i + 1, n);
            a.name[n] = '\0';
        } else {
            a.len = 1;
        }
        count++;
        if (found)
            found(ctx, &a);
    }
    return count;
}

unsigned sp_html_entity(const char *name)
{
    static const struct { const char *name; unsigned cp; } t[] = {
        {"nbsp", 0xA0},   {"iexcl", 0xA1},  {"cent", 0xA2},
        {"pound", 0xA3},  {"yen", 0xA5},    {"sect", 0xA7},
        {"copy", 0xA9},   {"laquo", 0xAB},  {"not", 0xAC},
        {"shy", 0xAD},    {"reg", 0xAE},    {"deg", 0xB0},
        {"plusmn", 0xB1}, {"sup2", 0xB2},   {"sup3", 0xB3},
        {"micro", 0xB5},  {"para", 0xB6},   {"middot", 0xB7},
        {"raquo", 0xBB},  {"frac14", 0xBC}, {"frac12", 0xBD},
        {"frac34", 0xBE}, {"iquest", 0xBF}, {"Agrave", 0xC0},
        {"Aacute", 0xC1}, {"Auml", 0xC4},   {"Aring", 0xC5},
        {"AElig", 0xC6},  {"Ccedil", 0xC7}, {"Eacute", 0xC9},
        {"Ntilde", 0xD1}, {"Ouml", 0xD6},   {"times", 0xD7},
        {"Oslash", 0xD8}, {"Uuml", 0xDC},   {"szlig", 0xDF},
        {"agrave", 0xE0}, {"aacute", 0xE1}, {"acirc", 0xE2},
        {"auml", 0xE4},   {"aring", 0xE5},  {"aelig", 0xE6},
        {"ccedil", 0xE7}, {"egrave", 0xE8}, {"eacute", 0xE9},
        {"ecirc", 0xEA},  {"euml", 0xEB},   {"iacute", 0xED},
        {"iuml", 0xEF},   {"ntilde", 0xF1}, {"oacute", 0xF3},
        {"ocirc", 0xF4},  {"ouml", 0xF6},   {"divide", 0xF7},
        {"oslash", 0xF8}, {"uacute", 0xFA}, {"uuml", 0xFC},
        {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},
        {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"ldquo", 0x201C},
        {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"dagger", 0x2020},
        {"bull", 0x2022},  {"hellip", 0x2026}, {"prime", 0x2032},
        {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"euro", 0x20AC},
        {"trade", 0x2122}, {"larr", 0x2190}, {"uarr", 0x2191},
        {"rarr", 0x2192},  {"darr", 0x2193}, {"harr", 0x2194},
        {"rArr", 0x21D2},  {"hArr", 0x21D4}, {"forall", 0x2200},
        {"exist", 0x2203}, {"empty", 0x2205}, {"isin", 0x2208},
        {"minus", 0x2212}, {"radic", 0x221A}, {"infin", 0x221E},
        {"and", 0x2227},   {"or", 0x2228},   {"cap", 0x2229},
        {"cup", 0x222A},   {"asymp", 0x2248}, {"ne", 0x2260},
        {"equiv", 0x2261}, {"le", 0x2264},   {"ge", 0x2265},
        {"sub", 0x2282},   {"sup", 0x2283},  {"lambda", 0x3BB},
        {"alpha", 0x3B1},  {"beta", 0x3B2},  {"gamma", 0x3B3},
        {"delta", 0x3B4},  {"epsilon", 0x3B5}, {"theta", 0x3B8},
        {"mu", 0x3BC},     {"pi", 0x3C0},    {"sigma", 0x3C3},
        {"omega", 0x3C9},  {"Delta", 0x394}, {"Sigma", 0x3A3},
        {"Omega", 0x3A9},  {"zwj", 0x200D},  {"zwnj", 0x200C},
        {"thinsp", 0x2009}, {"ensp", 0x2002}, {"emsp", 0x2003},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].cp;
    return 0;
}
