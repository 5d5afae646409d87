/* hyphenate.c - hyphenation points from libhyphen (see hyphenate.h).
 *
 * libhyphen builds its pattern automaton from the whole dictionary when
 * it loads one: 3 s of CPU for Debian's German dictionary (1 MB, 78,000
 * patterns; measured with hnj_hyphen_load on this machine), too slow for
 * a tool that builds one pack in 50 ms.  Liang's algorithm only ever uses
 * the patterns whose letters occur in the word, so each word is
 * hyphenated by libhyphen with a dictionary of just those patterns (the
 * file's header and directives, LEFTHYPHENMIN, NEXTLEVEL and so on, kept
 * as they are), loaded from memory: the same points, about a millisecond
 * a word, and only for the words that do not fit a line. */
#include "hyphenate.h"
#include "text.h"

#include <hyphen.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#define HYPHEN_DIR "/usr/share/hyphen"
#define MIN_LETTERS 5
#define MAX_WORD 128            /* longer runs are not hyphenated */
#define LEFT_MIN 2
#define RIGHT_MIN 3
#define MAX_DICTS 16

#define MAX_DIC_BYTES (16u << 20)

struct sp_hyphen {
    char name[32];              /* "de_DE" */
    char *dic;                  /* the dictionary file, NUL-terminated */
    size_t len;
    int utf8;                   /* its first line says UTF-8 */
};

static const struct {
    const char *lang, *file;    /* primary subtag, default dictionary */
} defaults[] = {
    {"en", "en_US"}, {"de", "de_DE"}, {"fr", "fr"},
    {"es", "es_ES"}, {"sv", "sv_SE"},
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sp_hyphen dicts[MAX_DICTS];
static size_t n_dicts;
static int missing_n;
static char missing[MAX_DICTS][32];   /* names looked for and not found */

static void free_all(void)
{
    for (size_t i = 0; i < n_dicts; i++)
        free(dicts[i].dic);
    n_dicts = 0;
}

/* Reads PATH whole; NULL if it cannot (or it is not a dictionary). */
static char *read_dic(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct stat st;
    char *b = NULL;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
        && (size_t)st.st_size < MAX_DIC_BYTES
        && (b = malloc((size_t)st.st_size + 1))) {
        *len = fread(b, 1, (size_t)st.st_size, fp);
        b[*len] = '\0';
        if (*len == 0 || memchr(b, '\0', *len)) {
            free(b);
            b = NULL;
        }
    }
    fclose(fp);
    return b;
}

/* The loaded dictionary NAME, loading it if needed; NULL if absent.
 * Called with LOCK held. */
static const sp_hyphen *load(const char *name)
{
    for (size_t i = 0; i < n_dicts; i++)
        if (strcmp(dicts[i].name, name) == 0)
            return &dicts[i];
    for (int i = 0; i < missing_n; i++)
        if (strcmp(missing[i], name) == 0)
            return NULL;
    const char *dir = getenv("STUDYPACK_HYPHENDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/hyph_%s.dic",
             dir && *dir ? dir : HYPHEN_DIR, name);
    size_t len = 0;
    char *dic = n_dicts < MAX_DICTS ? read_dic(path, &len) : NULL;
    if (!dic) {
        if (missing_n < MAX_DICTS)
            snprintf(missing[missing_n++], sizeof missing[0], "%s", name);
        return NULL;
    }
    if (n_dicts == 0)
        atexit(free_all);
    sp_hyphen *h = &dicts[n_dicts++];
    snprintf(h->name, sizeof h->name, "%s", name);
    h->dic = dic;
    h->len = len;
    h->utf8 = strncmp(dic, "UTF-8", 5) == 0;
    return h;
}

const sp_hyphen *sp_hyphen_get(const char *lang)
{
    if (!lang || !*lang)
        return NULL;
    char prim[9] = "", region[9] = "";
    size_t i = 0;
    while (lang[i] && lang[i] != '-' && lang[i] != '_' && i < 8) {
        prim[i] = (char)(lang[i] | 0x20);
        i++;
    }
    prim[i] = '\0';
    if (lang[i] == '-' || lang[i] == '_') {
        const char *r = lang + i + 1;
        size_t k = 0;
        while (r[k] && r[k] != '-' && r[k] != '_' && k < 8)
            k++;
        if (k == 2) {   /* a region, not a script */
            region[0] = (char)(r[0] & ~0x20);
            region[1] = (char)(r[1] & ~0x20);
            region[2] = '\0';
        }
    }
    const char *def = NULL;
    for (size_t k = 0; k < sizeof defaults / sizeof defaults[0]; k++)
        if (strcmp(prim, defaults[k].lang) == 0)
            def = defaults[k].file;
    if (!def)
        return NULL;
    const sp_hyphen *h = NULL;
    pthread_mutex_lock(&lock);
    if (region[0]) {
        char name[32];
        snprintf(name, sizeof name, "%s_%s", prim, region);
        h = load(name);
    }
    if (!h)
        h = load(def);
    pthread_mutex_unlock(&lock);
    return h;
}

/* A dictionary of H's header, directives and the patterns whose letters
 * (digits, dots and a non-standard pattern's "/..." left out) occur in
 * WORD (lower-cased, in the dictionary's encoding); NULL when out of
 * memory or libhyphen refuses it. */
static HyphenDict *word_dict(const sp_hyphen *h, const char *word)
{
    typedef struct {
        const char *p;
        size_t len;
        char letters[64], key[64];   /* without digits; KEY keeps dots */
        int level, pattern;
    } entry;
    entry *ent = NULL;
    size_t n_ent = 0, cap_ent = 0;
    const char *p = h->dic, *end = h->dic + h->len;
    int first = 1, level = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        int directive = first || (*p >= 'A' && *p <= 'Z');
        entry x = {p, (size_t)(e - p), "", "", level, 0};
        int keep = directive;
        if (directive && e - p >= 9 && strncmp(p, "NEXTLEVEL", 9) == 0)
            level++;
        if (!directive && *p != '%' && *p != '#' && e > p) {
            size_t n = 0, nk = 0;
            for (const char *q = p; q < e && *q != '/' && *q != '\r'; q++) {
                if ((*q >= '0' && *q <= '9') || *q == ' ' || *q == '\t')
                    continue;
                if (nk < sizeof x.key - 1)
                    x.key[nk++] = *q;
                if (*q != '.' && n < sizeof x.letters - 1)
                    x.letters[n++] = *q;
            }
            x.letters[n] = '\0';
            x.key[nk] = '\0';
            keep = n > 0 && strstr(word, x.letters) != NULL;
            x.pattern = 1;
        }
        if (keep) {
            if (n_ent == cap_ent) {
                size_t nc = cap_ent ? 2 * cap_ent : 64;
                entry *ne = realloc(ent, nc * sizeof *ne);
                if (!ne) {
                    free(ent);
                    return NULL;
                }
                ent = ne;
                cap_ent = nc;
            }
            ent[n_ent++] = x;
        }
        first = 0;
        p = e + 1;
    }
    char *buf = NULL;
    size_t cap = 0;
    FILE *out = open_memstream(&buf, &cap);
    if (!out) {
        free(ent);
        return NULL;
    }
    for (size_t i = 0; i < n_ent; i++) {
        /* of two patterns with the same key in one level libhyphen
         * uses the later one (and leaks the other): write only that */
        int later = 0;
        for (size_t k = i + 1; ent[i].pattern && k < n_ent && !later; k++)
            later = ent[k].pattern && ent[k].level == ent[i].level
                    && strcmp(ent[k].key, ent[i].key) == 0;
        if (later)
            continue;
        fwrite(ent[i].p, 1, ent[i].len, out);
        fputc('\n', out);
    }
    free(ent);
    if (fclose(out) != 0 || !buf) {
        free(buf);
        return NULL;
    }
    HyphenDict *d = NULL;
    FILE *in = fmemopen(buf, cap, "r");
    if (in) {
        d = hnj_hyphen_load_file(in);
        fclose(in);
    }
    free(buf);
    return d;
}

/* Hyphenates one run of NC letters, CPS[0..NC), starting at byte offsets
 * OFFS[0..NC]; appends the points to POS.  Returns the new count. */
static size_t run_points(const sp_hyphen *h, const uint32_t *cps,
                         const size_t *offs, size_t nc, size_t *pos,
                         size_t n, size_t max)
{
    if (nc < MIN_LETTERS || nc > MAX_WORD)
        return n;
    char word[MAX_WORD * 4 + 1];
    size_t wl = 0;
    for (size_t k = 0; k < nc; k++) {
        uint32_t c = (uint32_t)u_tolower((UChar32)cps[k]);
        if (k > 0 && u_isupper((UChar32)cps[k]))
            return n;
        if (u_isdigit((UChar32)cps[k]))
            return n;
        if (!h->utf8) {
            if (c > 0xFF)
                return n;
            word[wl++] = (char)c;
        } else if (c < 0x80) {
            word[wl++] = (char)c;
        } else if (c < 0x800) {
            word[wl++] = (char)(0xC0 | c >> 6);
            word[wl++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            word[wl++] = (char)(0xE0 | c >> 12);
            word[wl++] = (char)(0x80 | (c >> 6 & 0x3F));
            word[wl++] = (char)(0x80 | (c & 0x3F));
        } else {
            return n;
        }
    }
    word[wl] = '\0';
    HyphenDict *dict = word_dict(h, word);
    if (!dict)
        return n;
    char hy[MAX_WORD * 4 + 5];
    memset(hy, '0', sizeof hy);
    char **rep = NULL;
    int *rpos = NULL, *cut = NULL;
    int lmin = dict->lhmin > LEFT_MIN ? dict->lhmin : LEFT_MIN;
    int rmin = dict->rhmin > RIGHT_MIN ? dict->rhmin : RIGHT_MIN;
    if (hnj_hyphen_hyphenate3(dict, word, (int)wl, hy, NULL, &rep, &rpos,
                              &cut, lmin, rmin, lmin, rmin) == 0) {
        /* hy[k] odd: a break after letter k (character index) */
        for (size_t k = (size_t)lmin - 1; k + (size_t)rmin < nc; k++) {
            if (!(hy[k] & 1) || (rep && rep[k]))
                continue;
            if (n < max)
                pos[n++] = offs[k + 1];
        }
    }
    if (rep) {
        for (size_t k = 0; k < wl; k++)
            free(rep[k]);
        free(rep);
    }
    free(rpos);
    free(cut);
    hnj_hyphen_free(dict);
    return n;
}

size_t sp_hyphen_points(const sp_hyphen *h, const char *word, size_t len,
                        size_t *pos, size_t max)
{
    if (!h || !h->dic)
        return 0;
    uint32_t cps[MAX_WORD + 1];
    size_t offs[MAX_WORD + 2];
    size_t n = 0, nc = 0, i = 0;
    int too_long = 0;
    while (i <= len) {
        uint32_t cp = 0;
        size_t step = 0;
        if (i < len)
            step = sp_utf8_next(word + i, len - i, &cp);
        int letter = i < len && (u_isalpha((UChar32)cp)
                                 || u_charType((UChar32)cp) == U_NON_SPACING_MARK);
        if (letter) {
            if (nc <= MAX_WORD) {
                cps[nc] = cp;
                offs[nc] = i;
                nc++;
            } else {
                too_long = 1;
            }
        } else {
            if (nc > 0 && !too_long) {
                offs[nc] = i;
                n = run_points(h, cps, offs, nc, pos, n, max);
            }
            nc = 0;
            too_long = 0;
            if (i == len)
                break;
        }
        i += step;
    }
    return n;
}
