/* textshape.c - the text engine's character level: UTF-8, which font
 * draws a character, bidi levels (FriBiDi), line-break opportunities
 * (libunibreak) and one-line shaping (see text.h). */
#include "text.h"

#include <fribidi.h>
#include <hb.h>
/* libunibreak's <linebreak.h> is shadowed by include/linebreak.h (the
 * total-fit breaker), so its two functions are declared here as Debian
 * 12's libunibreak 5.1 defines them (utf8_t is unsigned char). */
void init_linebreak(void);
void set_linebreaks_utf8(const unsigned char *s, size_t len,
                         const char *lang, char *brks);
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

size_t sp_utf8_next(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len < n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

sp_face sp_style_face(unsigned style)
{
    if (style & SP_STYLE_MONO)
        return SP_FACE_MONO;
    if (style & SP_STYLE_BOLD)
        return SP_FACE_BOLD;
    if (style & SP_STYLE_ITALIC)
        return SP_FACE_ITALIC;
    return SP_FACE_REGULAR;
}

sp_face sp_glyph_face(const sp_fonts *fonts, sp_face face, uint32_t cp)
{
    if (sp_fonts_slot_has(fonts, sp_fonts_slot(fonts, face), cp))
        return face;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (sp_fonts_slot_has(fonts, sp_fonts_slot(fonts, (sp_face)i), cp))
            return (sp_face)i;
    return face;
}

int sp_text_joins(uint32_t cp)
{
    /* combining marks, joiners, variation selectors, emoji modifiers and
     * tags: drawn with the character before them */
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489)
           || (cp >= 0x0591 && cp <= 0x05BD) || (cp >= 0x0610 && cp <= 0x061A)
           || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670
           || (cp >= 0x06D6 && cp <= 0x06ED)
           || (cp >= 0x0900 && cp <= 0x0903) || (cp >= 0x093A && cp <= 0x094F)
           || (cp >= 0x0951 && cp <= 0x0957) || (cp >= 0x0962 && cp <= 0x0963)
           || (cp >= 0x0981 && cp <= 0x0983) || (cp >= 0x09BC && cp <= 0x09D7)
           || (cp >= 0x0E31 && cp <= 0x0E3A && cp != 0x0E32 && cp != 0x0E33)
           || (cp >= 0x0E47 && cp <= 0x0E4E)
           || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF)
           || (cp >= 0x200C && cp <= 0x200D) || (cp >= 0x20D0 && cp <= 0x20FF)
           || (cp >= 0x3099 && cp <= 0x309A) || (cp >= 0xFE00 && cp <= 0xFE0F)
           || (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x1F3FB && cp <= 0x1F3FF)
           || (cp >= 0xE0020 && cp <= 0xE007F)
           || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* 1 for punctuation and symbols every script uses (Unicode script Common
 * or Inherited), beyond ASCII. */
static int shared_punct(uint32_t cp)
{
    if (cp < 0x80)
        return 0;
    hb_script_t sc = hb_unicode_script(hb_unicode_funcs_get_default(), cp);
    return sc == HB_SCRIPT_COMMON || sc == HB_SCRIPT_INHERITED;
}

int sp_text_pick(const sp_fonts *fonts, sp_face face, uint32_t cp, int cur)
{
    if (cur >= 0 && sp_text_joins(cp))
        return cur;     /* a mark stays with its base (even if it lacks it) */
    /* shared punctuation (U+0964 DEVANAGARI DANDA, U+3001, U+2013 ...)
     * stays in the font of the text before it when that has it */
    if (cur >= 0 && cur != sp_fonts_slot(fonts, face) && shared_punct(cp)
        && sp_fonts_slot_has(fonts, cur, cp))
        return cur;
    int s = sp_fonts_pick(fonts, face, cp);
    return s >= 0 ? s : sp_fonts_slot(fonts, face);
}

static int is_rtl_cp(uint32_t cp)
{
    return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF)
           || (cp >= 0xFE70 && cp <= 0xFEFF) || (cp >= 0x10800 && cp <= 0x10FFF)
           || (cp >= 0x1E800 && cp <= 0x1EFFF) || cp == 0x200F
           || cp == 0x202B || cp == 0x202E || cp == 0x2067;
}

int sp_text_has_rtl(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        i += sp_utf8_next(s + i, len - i, &cp);
        if (is_rtl_cp(cp))
            return 1;
    }
    return 0;
}

int sp_bidi_levels(const uint32_t *cps, size_t n, uint8_t *levels)
{
    if (n == 0)
        return 0;
    FriBidiCharType *types = malloc(n * sizeof *types);
    FriBidiBracketType *br = malloc(n * sizeof *br);
    FriBidiLevel *lv = malloc(n * sizeof *lv);
    int rc = -1;
    if (!types || !br || !lv)
        goto out;
    fribidi_get_bidi_types(cps, (FriBidiStrIndex)n, types);
    fribidi_get_bracket_types(cps, (FriBidiStrIndex)n, types, br);
    FriBidiParType dir = FRIBIDI_PAR_ON;
    if (!fribidi_get_par_embedding_levels_ex(types, br, (FriBidiStrIndex)n,
                                             &dir, lv))
        goto out;
    for (size_t i = 0; i < n; i++)
        levels[i] = (uint8_t)(lv[i] > 61 ? 61 : lv[i]);
    rc = FRIBIDI_IS_RTL(dir) ? 1 : 0;
out:
    free(types);
    free(br);
    free(lv);
    return rc;
}

void sp_bidi_order(const uint8_t *levels, size_t n, size_t *order)
{
    uint8_t hi = 0, lo_odd = 255;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        if (levels[i] > hi)
            hi = levels[i];
        if ((levels[i] & 1) && levels[i] < lo_odd)
            lo_odd = levels[i];
    }
    for (int lev = hi; lev >= (int)lo_odd && lev > 0; lev--) {
        size_t i = 0;
        while (i < n) {
            if (levels[order[i]] < lev) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && levels[order[j]] >= lev)
                j++;
            for (size_t a = i, b = j - 1; a < b; a++, b--) {
                size_t t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
            i = j;
        }
    }
}

static pthread_once_t lb_once = PTHREAD_ONCE_INIT;

static void lb_init(void)
{
    init_linebreak();
}

int sp_text_breaks(const char *s, size_t len, char *brks)
{
    pthread_once(&lb_once, lb_init);
    set_linebreaks_utf8((const unsigned char *)s, len, NULL, brks);
    return 0;
}

int sp_text_east_asian(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF)
           || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F)
           || (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* ---- one line of plain text ------------------------------------------ */

void sp_shaped_init(sp_shaped *s)
{
    memset(s, 0, sizeof *s);
}

void sp_shaped_release(sp_shaped *s)
{
    free(s->pieces);
    free(s->glyphs);
    memset(s, 0, sizeof *s);
}

static int grow(void **items, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*items, ncap * sz);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

/* Appends piece [off, off+len) of S in SLOT at LEVEL, shaped. */
static int add_piece(sp_shaped *o, const sp_fonts *fonts, const char *s,
                     size_t off, size_t len, int slot, int level)
{
    size_t n;
    double w;
    const sp_glyph *g = sp_fonts_shape(fonts, slot, s + off, len, level & 1,
                                       &n, &w);
    if (!g || grow((void **)&o->pieces, &o->cap_pieces, o->n_pieces + 1,
                   sizeof *o->pieces)
        || grow((void **)&o->glyphs, &o->cap_glyphs, o->n_glyphs + n,
                sizeof *o->glyphs))
        return -1;
    sp_piece *p = &o->pieces[o->n_pieces++];
    p->slot = slot;
    p->level = level;
    p->off = off;
    p->len = len;
    p->first_glyph = o->n_glyphs;
    p->n_glyphs = n;
    p->width = w;
    memcpy(o->glyphs + o->n_glyphs, g, n * sizeof *g);
    o->n_glyphs += n;
    return 0;
}

int sp_text_shape_plain(const sp_fonts *fonts, sp_face face, const char *s,
                        size_t len, sp_shaped *o)
{
    o->n_pieces = o->n_glyphs = 0;
    o->width = 0;
    if (len == 0)
        return 0;
    int rtl = sp_text_has_rtl(s, len);
    uint32_t *cps = NULL;
    uint8_t *lev = NULL;
    size_t *at = NULL, n = 0;
    int rc = -1;
    if (rtl) {
        cps = malloc(len * sizeof *cps);
        lev = malloc(len + 1);
        at = malloc((len + 1) * sizeof *at);
        if (!cps || !lev || !at)
            goto out;
        for (size_t i = 0; i < len;) {
            at[n] = i;
            i += sp_utf8_next(s + i, len - i, &cps[n]);
            n++;
        }
        at[n] = len;
        if (sp_bidi_levels(cps, n, lev) < 0)
            goto out;
    }
    /* pieces: same slot, same level */
    size_t i = 0, k = 0, start = 0;
    int cur = -1, cur_lev = 0;
    while (i < len) {
        uint32_t cp;
        size_t step = sp_utf8_next(s + i, len - i, &cp);
        int slot = sp_text_pick(fonts, face, cp, cur);
        int l = rtl ? lev[k] : 0;
        if (cur >= 0 && (slot != cur || l != cur_lev)) {
            if (add_piece(o, fonts, s, start, i - start, cur, cur_lev))
                goto out;
            start = i;
        }
        cur = slot;
        cur_lev = l;
        i += step;
        k++;
    }
    if (add_piece(o, fonts, s, start, len - start, cur, cur_lev))
        goto out;
    /* visual order, then positions */
    if (rtl && o->n_pieces > 1) {
        uint8_t *pl = malloc(o->n_pieces);
        size_t *ord = malloc(o->n_pieces * sizeof *ord);
        sp_piece *tmp = malloc(o->n_pieces * sizeof *tmp);
        if (!pl || !ord || !tmp) {
            free(pl);
            free(ord);
            free(tmp);
            goto out;
        }
        for (size_t p = 0; p < o->n_pieces; p++)
            pl[p] = (uint8_t)o->pieces[p].level;
        sp_bidi_order(pl, o->n_pieces, ord);
        for (size_t p = 0; p < o->n_pieces; p++)
            tmp[p] = o->pieces[ord[p]];
        memcpy(o->pieces, tmp, o->n_pieces * sizeof *tmp);
        free(pl);
        free(ord);
        free(tmp);
    }
    double x = 0;
    for (size_t p = 0; p < o->n_pieces; p++) {
        o->pieces[p].x = x;
        x += o->pieces[p].width;
    }
    o->width = x;
    rc = 0;
out:
    free(cps);
    free(lev);
    free(at);
    return rc;
}

/* Left-to-right text as the pieces the flow would shape it in (one slot
 * each, at most about SP_TEXT_CHUNK bytes): calls FN for each piece in
 * order with its offset, length and shaped glyphs.  Returns 0, or -1 when
 * out of memory or FN says stop (its return value). */
typedef int (*piece_fn)(void *ctx, size_t off, size_t len, const sp_glyph *g,
                        size_t n, double w);

static int ltr_pieces(const sp_fonts *fonts, sp_face face, const char *s,
                      size_t len, piece_fn fn, void *ctx)
{
    size_t i = 0, start = 0;
    int cur = -1;
    while (i <= len) {
        uint32_t cp = 0;
        size_t step = 1;
        int slot = cur;
        if (i < len) {
            step = sp_utf8_next(s + i, len - i, &cp);
            slot = sp_text_pick(fonts, face, cp, cur);
        }
        if (cur >= 0 && (slot != cur || i == len
                         || (i - start >= SP_TEXT_CHUNK
                             && !sp_text_joins(cp)))) {
            size_t n;
            double pw;
            const sp_glyph *g = sp_fonts_shape(fonts, cur, s + start,
                                               i - start, 0, &n, &pw);
            if (!g)
                return -1;
            int r = fn(ctx, start, i - start, g, n, pw);
            if (r)
                return r;
            start = i;
        }
        cur = slot;
        i += step;
    }
    return 0;
}

static int add_width(void *ctx, size_t off, size_t len, const sp_glyph *g,
                     size_t n, double w)
{
    (void)off;
    (void)len;
    (void)g;
    (void)n;
    *(double *)ctx += w;
    return 0;
}

double sp_text_width_pt(const sp_fonts *fonts, sp_face face, double size_pt,
                        const char *utf8, size_t len)
{
    if (!sp_text_has_rtl(utf8, len)) {
        double w = 0;
        if (ltr_pieces(fonts, face, utf8, len, add_width, &w) < 0)
            return 0;
        return w * size_pt / 1000.0;
    }
    sp_shaped sh;
    sp_shaped_init(&sh);
    double w = 0;
    if (sp_text_shape_plain(fonts, face, utf8, len, &sh) == 0)
        w = sh.width;
    sp_shaped_release(&sh);
    return w * size_pt / 1000.0;
}

typedef struct {
    double max, w;      /* 1/1000 em */
    size_t fit;         /* bytes that fit so far */
} fit_ctx;

/* Adds a piece's clusters while they fit; 1 (stop) at the first that
 * does not. */
static int fit_piece(void *ctx, size_t off, size_t len, const sp_glyph *g,
                     size_t n, double w)
{
    fit_ctx *c = ctx;
    if (c->w + w <= c->max) {
        c->w += w;
        c->fit = off + len;
        return 0;
    }
    size_t k = 0;
    while (k < n) {
        uint32_t cl = g[k].cluster;
        double cw = 0;
        size_t j = k;
        while (j < n && g[j].cluster == cl)
            cw += g[j++].adv;
        if (c->w + cw > c->max)
            return 1;
        c->w += cw;
        c->fit = off + (j < n ? g[j].cluster : len);
        k = j;
    }
    return 0;
}

size_t sp_text_fit_prefix(const sp_fonts *fonts, sp_face face,
                          double size_pt, const char *utf8, size_t len,
                          double max_pt)
{
    if (!sp_text_has_rtl(utf8, len)) {
        /* left to right: clusters of the shaped pieces while they fit */
        fit_ctx c = {max_pt * 1000.0 / size_pt + 1e-6, 0, 0};
        ltr_pieces(fonts, face, utf8, len, fit_piece, &c);
        return c.fit;
    }
    /* the longest prefix ending on a character boundary that fits, by
     * bisection over boundaries (the width grows with the prefix) */
    size_t lo = 0, hi = len;
    if (sp_text_width_pt(fonts, face, size_pt, utf8, len) <= max_pt + 1e-9)
        return len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        while (mid > lo && mid < len
               && ((unsigned char)utf8[mid] & 0xC0) == 0x80)
            mid--;
        if (mid == lo) {
            size_t nx = lo + 1;
            while (nx < len && ((unsigned char)utf8[nx] & 0xC0) == 0x80)
                nx++;
            if (nx > hi || sp_text_width_pt(fonts, face, size_pt, utf8, nx)
                               > max_pt + 1e-9)
                break;
            lo = nx;
            continue;
        }
        if (sp_text_width_pt(fonts, face, size_pt, utf8, mid)
            <= max_pt + 1e-9)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
