/* msg.c - message catalogues read from gettext .mo files (see msg.h). */
#include "msg.h"
#include "fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MO_MAGIC 0x950412deu
#define MO_MAX_BYTES (4u << 20)
#define DOMAIN "studypack"
#define PLURAL_DEPTH 64

struct sp_msgs {
    char lang[16];
    unsigned char *data;       /* the .mo image (owned), NULL: English */
    size_t size;
    uint32_t n;                /* strings */
    uint32_t orig, trans;      /* table offsets */
    int swap;                  /* the file's byte order is not ours */
    char *plural;              /* Plural-Forms expression, NULL: n != 1 */
    unsigned long nplurals;
};

static const char *const langs[] = {"en", "de", "fr", "es", "sv", "ja",
                                    "zh_CN"};

const char *sp_msgs_resolve(const char *tag)
{
    if (!tag || !*tag)
        return "en";
    char prim[9];
    size_t i = 0;
    while (tag[i] && tag[i] != '-' && tag[i] != '_' && i < sizeof prim - 1) {
        prim[i] = (char)tolower((unsigned char)tag[i]);
        i++;
    }
    prim[i] = '\0';
    if (tag[i] && tag[i] != '-' && tag[i] != '_')
        return NULL;
    if (strcmp(prim, "zh") == 0) {
        /* the rest of the tag, lower-cased, between separators */
        const char *r = tag + i;
        while (*r) {
            r++;
            char sub[9];
            size_t k = 0;
            while (r[k] && r[k] != '-' && r[k] != '_' && k < sizeof sub - 1) {
                sub[k] = (char)tolower((unsigned char)r[k]);
                k++;
            }
            sub[k] = '\0';
            if (strcmp(sub, "hant") == 0 || strcmp(sub, "tw") == 0
                || strcmp(sub, "hk") == 0 || strcmp(sub, "mo") == 0)
                return NULL;
            r += k;
        }
        return "zh_CN";
    }
    for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++)
        if (strcmp(prim, langs[k]) == 0)
            return langs[k];
    return NULL;
}

/* ---- the .mo image ---- */

static uint32_t rd32(const sp_msgs *m, uint32_t off)
{
    const unsigned char *p = m->data + off;
    if (m->swap)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16
               | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8
           | p[0];
}

/* String I of table TAB: its bytes and length (checked at load). */
static const char *str_at(const sp_msgs *m, uint32_t tab, uint32_t i,
                          uint32_t *len)
{
    *len = rd32(m, tab + 8 * i);
    return (const char *)m->data + rd32(m, tab + 8 * i + 4);
}

/* Checks every table entry lies in the image and ends with a NUL. */
static int check_table(const sp_msgs *m, uint32_t tab)
{
    if (tab > m->size || (m->size - tab) / 8 < m->n)
        return -1;
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t len = rd32(m, tab + 8 * i), off = rd32(m, tab + 8 * i + 4);
        if (off >= m->size || len >= m->size - off || m->data[off + len])
            return -1;
    }
    return 0;
}

/* The translation of the NUL-free key KEY (KLEN bytes), or NULL; *TLEN is
 * the translation's length (its plural forms separated by NULs). */
static const char *lookup(const sp_msgs *m, const char *key, size_t klen,
                          uint32_t *tlen)
{
    if (!m || !m->data)
        return NULL;
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, olen;
        const char *o = str_at(m, m->orig, mid, &olen);
        /* an original "sing\0plur" compares by its first string */
        size_t first = strlen(o);
        size_t k = first < klen ? first : klen;
        int c = memcmp(key, o, k);
        if (c == 0)
            c = klen < first ? -1 : klen > first ? 1 : 0;
        if (c == 0) {
            const char *t = str_at(m, m->trans, mid, tlen);
            return *tlen ? t : NULL;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Reads "Plural-Forms: nplurals=N; plural=EXPR;" from the header. */
static int read_header(sp_msgs *m)
{
    uint32_t len;
    const char *h = lookup(m, "", 0, &len);
    if (!h)
        return 0;
    const char *pf = strstr(h, "Plural-Forms:");
    if (!pf)
        return 0;
    const char *np = strstr(pf, "nplurals=");
    const char *ex = strstr(pf, "plural=");
    while (ex && ex > pf && ex[-1] == 'n')   /* "nplurals=" contains it */
        ex = strstr(ex + 1, "plural=");
    if (!np || !ex)
        return -1;
    char *end;
    unsigned long n = strtoul(np + 9, &end, 10);
    if (end == np + 9 || n < 1 || n > 6)
        return -1;
    ex += 7;
    size_t el = strcspn(ex, ";\n");
    if (!(m->plural = malloc(el + 1)))
        return -1;
    memcpy(m->plural, ex, el);
    m->plural[el] = '\0';
    m->nplurals = n;
    return sp_plural_eval(m->plural, 1) < 0 ? -1 : 0;
}

sp_msgs *sp_msgs_from_mo(const void *data, size_t size, const char *lang)
{
    sp_msgs *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    snprintf(m->lang, sizeof m->lang, "%s", lang ? lang : "en");
    if (size < 28 || size > MO_MAX_BYTES || !(m->data = malloc(size))) {
        free(m);
        return NULL;
    }
    memcpy(m->data, data, size);
    m->size = size;
    m->swap = 0;
    if (rd32(m, 0) != MO_MAGIC) {
        m->swap = 1;
        if (rd32(m, 0) != MO_MAGIC)
            goto bad;
    }
    if (rd32(m, 4) >> 16 > 1)      /* major revision 0 or 1 */
        goto bad;
    m->n = rd32(m, 8);
    m->orig = rd32(m, 12);
    m->trans = rd32(m, 16);
    if (check_table(m, m->orig) || check_table(m, m->trans))
        goto bad;
    /* the originals must be sorted for the binary search */
    for (uint32_t i = 1; i < m->n; i++) {
        uint32_t la, lb;
        const char *a = str_at(m, m->orig, i - 1, &la);
        const char *b = str_at(m, m->orig, i, &lb);
        if (strcmp(a, b) >= 0)
            goto bad;
    }
    if (read_header(m))
        goto bad;
    return m;
bad:
    sp_msgs_free(m);
    return NULL;
}

void sp_msgs_free(sp_msgs *m)
{
    if (!m)
        return;
    free(m->data);
    free(m->plural);
    free(m);
}

const char *sp_msgs_lang(const sp_msgs *m)
{
    return m ? m->lang : "en";
}

/* 1 if DIR holds at least one studypack catalogue. */
static int has_catalogues(const char *dir)
{
    char p[4096];
    struct stat st;
    for (size_t k = 1; k < sizeof langs / sizeof langs[0]; k++) {
        snprintf(p, sizeof p, "%s/%s/LC_MESSAGES/" DOMAIN ".mo", dir,
                 langs[k]);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            return 1;
    }
    return 0;
}

char *sp_msgs_default_dir(const char *argv0)
{
    static const char *const rel[] = {"/locale", "/../locale",
                                      "/../share/locale"};
#ifdef SP_LOCALEDIR
    const char *installed = SP_LOCALEDIR;
#else
    const char *installed = NULL;
#endif
    return sp_find_data_dir("STUDYPACK_LOCALEDIR", argv0, rel,
                            sizeof rel / sizeof rel[0], has_catalogues,
                            installed);
}

sp_msgs *sp_msgs_open(const char *tag, const char *dir, sp_diags *d)
{
    const char *name = sp_msgs_resolve(tag);
    if (!name) {
        sp_diag_add(d, SP_D_WARNING, NULL, 0, 0,
                    "no catalogue for language '%s': the tool's own words "
                    "are in English", tag);
        name = "en";
    }
    if (strcmp(name, "en") == 0) {
        sp_msgs *m = calloc(1, sizeof *m);
        if (m)
            snprintf(m->lang, sizeof m->lang, "en");
        return m;
    }
    char *own = NULL;
    if (!dir)
        dir = own = sp_msgs_default_dir(NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/" DOMAIN ".mo",
             dir ? dir : ".", name);
    free(own);
    size_t size = 0;
    int mapped = 0;
    const unsigned char *bytes = sp_map_file(path, MO_MAX_BYTES, &size,
                                             &mapped);
    sp_msgs *m = NULL;
    if (bytes) {
        m = sp_msgs_from_mo(bytes, size, name);
        int err = errno;
        sp_unmap_file(bytes, size, mapped);
        if (!m && err == ENOMEM)
            return NULL;
        if (!m)
            sp_diag_add(d, SP_D_WARNING, path, 0, 0,
                        "not a valid message catalogue: the tool's own "
                        "words are in English");
    } else if (errno == ENOMEM) {
        return NULL;
    } else {
        sp_diag_add(d, SP_D_WARNING, path, 0, 0,
                    "cannot read the '%s' catalogue (%s): the tool's own "
                    "words are in English", name, strerror(errno));
    }
    if (!m && (m = calloc(1, sizeof *m)))
        snprintf(m->lang, sizeof m->lang, "en");
    return m;
}

const char *sp_msgs_string(const sp_msgs *m, size_t i, size_t *len)
{
    if (!m || !m->data || i >= m->n)
        return NULL;
    uint32_t l;
    const char *t = str_at(m, m->trans, (uint32_t)i, &l);
    *len = l;
    return t;
}

/* ---- lookups ---- */

const char *sp_tr(const sp_msgs *m, const char *msgid)
{
    uint32_t len;
    const char *t = lookup(m, msgid, strlen(msgid), &len);
    return t ? t : msgid;
}

const char *sp_trc(const sp_msgs *m, const char *ctx, const char *msgid)
{
    char key[512];
    size_t cl = strlen(ctx), ml = strlen(msgid);
    if (m && m->data && cl + ml + 1 < sizeof key) {
        memcpy(key, ctx, cl);
        key[cl] = '\004';
        memcpy(key + cl + 1, msgid, ml);
        uint32_t len;
        const char *t = lookup(m, key, cl + 1 + ml, &len);
        if (t)
            return t;
    }
    return msgid;
}

const char *sp_trn(const sp_msgs *m, const char *singular,
                   const char *plural, unsigned long n)
{
    uint32_t len;
    const char *t = lookup(m, singular, strlen(singular), &len);
    if (!t)
        return n == 1 ? singular : plural;
    long form = m->plural ? sp_plural_eval(m->plural, n) : n != 1;
    if (form < 0 || (unsigned long)form >= m->nplurals)
        form = 0;
    /* the FORM-th of the NUL-separated forms, if the entry has it */
    const char *p = t, *end = t + len;
    for (long k = 0; k < form; k++) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        if (!z || z + 1 > end)
            return p;
        p = z + 1;
    }
    return p < end || form == 0 ? p : t;
}

char *sp_fill(char *buf, size_t cap, const char *tmpl, const char *a1,
              const char *a2, const char *a3)
{
    const char *args[3] = {a1, a2, a3};
    size_t n = 0;
    if (cap == 0)
        return buf;
    for (const char *p = tmpl; *p;) {
        const char *piece = p;
        size_t len = 1;
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
            piece = args[p[1] - '1'] ? args[p[1] - '1'] : "";
            len = strlen(piece);
            p += 3;
        } else {
            p++;
        }
        if (n + len >= cap) {
            /* keep whole characters only */
            size_t room = cap - 1 - n;
            while (room > 0 && ((unsigned char)piece[room] & 0xC0) == 0x80)
                room--;
            memcpy(buf + n, piece, room);
            n += room;
            break;
        }
        memcpy(buf + n, piece, len);
        n += len;
    }
    buf[n] = '\0';
    return buf;
}

const char *sp_msgs_difficulty(const sp_msgs *m, sp_difficulty d)
{
    switch (d) {
    case SP_DIFF_EASY: return sp_trc(m, "difficulty", "easy");
    case SP_DIFF_MEDIUM: return sp_trc(m, "difficulty", "medium");
    case SP_DIFF_HARD: return sp_trc(m, "difficulty", "hard");
    default: return "";
    }
}

const char *sp_msgs_task_kind(const sp_msgs *m, sp_task_kind k)
{
    switch (k) {
    case SP_TASK_STUDY: return sp_trc(m, "task kind", "study");
    case SP_TASK_PRACTICE: return sp_trc(m, "task kind", "practice");
    case SP_TASK_MOCK: return sp_trc(m, "task kind", "mock");
    case SP_TASK_REVIEW: return sp_trc(m, "task kind", "review");
    case SP_TASK_REST: return sp_trc(m, "task kind", "rest");
    default: return "";
    }
}

/* ---- plural expressions (the C subset gettext allows) ---- */

typedef struct {
    const char *s;
    unsigned long n;
    int err, depth;
} pex;

static unsigned long p_cond(pex *p);

static void p_ws(pex *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n')
        p->s++;
}

static int p_eat(pex *p, const char *tok)
{
    p_ws(p);
    size_t n = strlen(tok);
    if (strncmp(p->s, tok, n) != 0)
        return 0;
    /* "=" must not match "==", "<" not "<=" and so on */
    if (n == 1 && (tok[0] == '<' || tok[0] == '>' || tok[0] == '!')
        && p->s[1] == '=')
        return 0;
    p->s += n;
    return 1;
}

static unsigned long p_primary(pex *p)
{
    p_ws(p);
    if (++p->depth > PLURAL_DEPTH) {
        p->err = 1;
        return 0;
    }
    unsigned long v = 0;
    if (p_eat(p, "!")) {
        v = !p_primary(p);
    } else if (p_eat(p, "(")) {
        v = p_cond(p);
        if (!p_eat(p, ")"))
            p->err = 1;
    } else if (*p->s == 'n') {
        p->s++;
        v = p->n;
    } else if (*p->s >= '0' && *p->s <= '9') {
        char *end;
        v = strtoul(p->s, &end, 10);
        p->s = end;
    } else {
        p->err = 1;
    }
    p->depth--;
    return v;
}

static unsigned long p_mul(pex *p)
{
    unsigned long v = p_primary(p);
    for (;;) {
        if (p_eat(p, "*")) {
            v *= p_primary(p);
        } else if (p_eat(p, "/")) {
            unsigned long r = p_primary(p);
            v = r ? v / r : 0;
        } else if (p_eat(p, "%")) {
            unsigned long r = p_primary(p);
            v = r ? v % r : 0;
        } else {
            return v;
        }
    }
}

static unsigned long p_add(pex *p)
{
    unsigned long v = p_mul(p);
    for (;;) {
        if (p_eat(p, "+"))
            v += p_mul(p);
        else if (p_eat(p, "-"))
            v -= p_mul(p);
        else
            return v;
    }
}

static unsigned long p_rel(pex *p)
{
    unsigned long v = p_add(p);
    for (;;) {
        if (p_eat(p, "<="))
            v = v <= p_add(p);
        else if (p_eat(p, ">="))
            v = v >= p_add(p);
        else if (p_eat(p, "<"))
            v = v < p_add(p);
        else if (p_eat(p, ">"))
            v = v > p_add(p);
        else
            return v;
    }
}

static unsigned long p_eq(pex *p)
{
    unsigned long v = p_rel(p);
    for (;;) {
        if (p_eat(p, "=="))
            v = v == p_rel(p);
        else if (p_eat(p, "!="))
            v = v != p_rel(p);
        else
            return v;
    }
}

static unsigned long p_and(pex *p)
{
    unsigned long v = p_eq(p);
    while (p_eat(p, "&&")) {
        unsigned long r = p_eq(p);
        v = v && r;
    }
    return v;
}

static unsigned long p_or(pex *p)
{
    unsigned long v = p_and(p);
    while (p_eat(p, "||")) {
        unsigned long r = p_and(p);
        v = v || r;
    }
    return v;
}

static unsigned long p_cond(pex *p)
{
    if (++p->depth > PLURAL_DEPTH) {
        p->err = 1;
        return 0;
    }
    unsigned long c = p_or(p);
    if (p_eat(p, "?")) {
        unsigned long a = p_cond(p);
        if (!p_eat(p, ":"))
            p->err = 1;
        unsigned long b = p_cond(p);
        c = c ? a : b;
    }
    p->depth--;
    return c;
}

long sp_plural_eval(const char *expr, unsigned long n)
{
    pex p = {expr, n, 0, 0};
    unsigned long v = p_cond(&p);
    p_ws(&p);
    if (p.err || *p.s || v > 1000)
        return -1;
    return (long)v;
}
