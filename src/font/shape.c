/* shape.c - shaping with HarfBuzz and the per-thread cache of shaped
 * words (see fonts.h).
 *
 * Layout shapes word by word and the same words come back on every card,
 * so results are kept in a hash table keyed by (slot, direction, bytes)
 * per thread (no locking on the hot path).  Texts longer than
 * CACHE_MAX_LEN are shaped every time.  The table is emptied when it grows
 * past its limits.
 */
#include "font_internal.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_MAX_LEN 256
#define CACHE_MAX_ENTRIES (1u << 12)
#define CACHE_MAX_GLYPHS (1u << 15)

typedef struct {
    uint64_t hash;
    uint32_t key_off, key_len;
    uint32_t g_off, g_n;
    double width;
    uint16_t slot;
    uint8_t rtl, used;
} entry;

typedef struct {
    uint64_t gen;
    hb_buffer_t *buf;
    hb_language_t lang;
    entry *tab;
    size_t cap, n;              /* cap: a power of two */
    char *keys;
    size_t n_keys, cap_keys;
    sp_glyph *glyphs;
    size_t n_glyphs, cap_glyphs;
} shape_cache;

static _Thread_local shape_cache *tl_cache;

static void cache_free(shape_cache *c)
{
    if (!c)
        return;
    if (c->buf)
        hb_buffer_destroy(c->buf);
    free(c->tab);
    free(c->keys);
    free(c->glyphs);
    free(c);
}

void sp_font_cache_drop(sp_fonts *f)
{
    if (tl_cache && tl_cache->gen == f->gen) {
        cache_free(tl_cache);
        tl_cache = NULL;
    }
}

static shape_cache *get_cache(const sp_fonts *f)
{
    shape_cache *c = tl_cache;
    if (c && c->gen == f->gen)
        return c;
    cache_free(c);
    tl_cache = NULL;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->gen = f->gen;
    c->buf = hb_buffer_create();
    c->cap = 1024;
    c->tab = calloc(c->cap, sizeof *c->tab);
    if (!hb_buffer_allocation_successful(c->buf) || !c->tab) {
        cache_free(c);
        return NULL;
    }
    c->lang = hb_language_from_string("und", -1);
    tl_cache = c;
    return c;
}

static void cache_clear(shape_cache *c)
{
    memset(c->tab, 0, c->cap * sizeof *c->tab);
    c->n = c->n_keys = c->n_glyphs = 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * sz);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static uint64_t hash_key(int slot, int rtl, const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)slot << 1 | (unsigned)rtl)
                 ^ ((uint64_t)len << 40);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
    }
    uint64_t v = 0;
    memcpy(&v, s + i, len - i);
    h = (h ^ v) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 29;
    return h;
}

/* Doubles the table; 0 or -1. */
static int rehash(shape_cache *c)
{
    size_t ncap = c->cap * 2;
    entry *t = calloc(ncap, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->tab[i].used)
            continue;
        size_t j = c->tab[i].hash & (ncap - 1);
        while (t[j].used)
            j = (j + 1) & (ncap - 1);
        t[j] = c->tab[i];
    }
    free(c->tab);
    c->tab = t;
    c->cap = ncap;
    return 0;
}

/* Shapes S into the glyph pool (from c->n_glyphs on); returns the number
 * of glyphs and sets *width, or -1 when out of memory. */
static long run_hb(shape_cache *c, const font_slot *fs, const char *s,
                   size_t len, int rtl, double *width)
{
    hb_buffer_t *b = c->buf;
    hb_buffer_clear_contents(b);
    hb_buffer_add_utf8(b, s, (int)len, 0, (int)len);
    hb_buffer_set_direction(b, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_language(b, c->lang);
    hb_buffer_guess_segment_properties(b);
    hb_shape(fs->font, b, NULL, 0);
    if (!hb_buffer_allocation_successful(b))
        return -1;
    unsigned n = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, NULL);
    if (grow((void **)&c->glyphs, &c->cap_glyphs, c->n_glyphs + n + 1,
             sizeof(sp_glyph)))
        return -1;
    sp_glyph *g = c->glyphs + c->n_glyphs;
    double w = 0, k = fs->k;
    for (unsigned i = 0; i < n; i++) {
        g[i].gid = info[i].codepoint;
        g[i].cluster = info[i].cluster;
        g[i].adv = (float)(pos[i].x_advance * k);
        g[i].dx = (float)(pos[i].x_offset * k);
        g[i].dy = (float)(pos[i].y_offset * k);
        w += g[i].adv;
    }
    *width = w;
    return (long)n;
}

const sp_glyph *sp_fonts_shape(const sp_fonts *f, int slot, const char *s,
                               size_t len, int rtl, size_t *n, double *width)
{
    shape_cache *c = get_cache(f);
    *n = 0;
    *width = 0;
    if (!c)
        return NULL;
    const font_slot *fs = &f->slot[slot];
    rtl = rtl != 0;
    if (len > CACHE_MAX_LEN) {
        if (c->n_glyphs + len + 16 > CACHE_MAX_GLYPHS)
            cache_clear(c);
        size_t at = c->n_glyphs;
        long k = run_hb(c, fs, s, len, rtl, width);
        if (k < 0)
            return NULL;
        *n = (size_t)k;
        return c->glyphs + at;   /* past n_glyphs: overwritten next time */
    }
    uint64_t h = hash_key(slot, rtl, s, len);
    size_t j = h & (c->cap - 1);
    while (c->tab[j].used) {
        entry *e = &c->tab[j];
        if (e->hash == h && e->slot == slot && e->rtl == rtl
            && e->key_len == len && memcmp(c->keys + e->key_off, s, len) == 0) {
            *n = e->g_n;
            *width = e->width;
            return c->glyphs + e->g_off;
        }
        j = (j + 1) & (c->cap - 1);
    }
    if (c->n >= CACHE_MAX_ENTRIES || c->n_glyphs + 4 * len + 16
                                         > CACHE_MAX_GLYPHS) {
        cache_clear(c);
        j = h & (c->cap - 1);
    }
    size_t at = c->n_glyphs;
    long k = run_hb(c, fs, s, len, rtl, width);
    if (k < 0
        || grow((void **)&c->keys, &c->cap_keys, c->n_keys + len + 1, 1))
        return NULL;
    memcpy(c->keys + c->n_keys, s, len);
    entry *e = &c->tab[j];
    e->hash = h;
    e->key_off = (uint32_t)c->n_keys;
    e->key_len = (uint32_t)len;
    e->g_off = (uint32_t)at;
    e->g_n = (uint32_t)k;
    e->width = *width;
    e->slot = (uint16_t)slot;
    e->rtl = (uint8_t)rtl;
    e->used = 1;
    c->n_keys += len;
    c->n_glyphs += (size_t)k;
    c->n++;
    const sp_glyph *out = c->glyphs + at;
    *n = (size_t)k;
    if (c->n * 2 > c->cap && rehash(c) != 0)
        cache_clear(c);
    return out;
}
