/* check.c - a font is checked when it is opened, so a damaged or
 * unembeddable file is an error before layout, not when the PDF is
 * written (see fonts.h). */
#include "font_internal.h"

#include <hb-subset.h>

#include <stdlib.h>
#include <string.h>

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

const char *sp_font_check_file(const unsigned char *d, size_t size,
                               int index, int *cff)
{
    size_t off = 0;
    *cff = 0;
    if (size < 12)
        return "not an OpenType font (too short)";
    if (memcmp(d, "ttcf", 4) == 0) {
        uint32_t n = be32(d + 8);
        if (index < 0 || (uint32_t)index >= n
            || 12 + 4 * ((size_t)index + 1) > size)
            return "no such face in the collection";
        off = be32(d + 12 + 4 * (size_t)index);
    } else if (index != 0) {
        return "no such face in the collection (the file is not a .ttc or "
               ".otc collection)";
    }
    if (off > size - 12)
        return "truncated or damaged file";
    uint32_t version = be32(d + off);
    if (version != 0x4F54544FUL && version != 0x00010000UL
        && version != 0x74727565UL)      /* 'OTTO', 1.0, 'true' */
        return "not an OpenType font (TrueType or CFF outlines)";
    size_t n = be16(d + off + 4);
    if (off + 12 + 16 * n > size)
        return "truncated or damaged file";
    int has_glyf = 0, has_loca = 0, has_cff = 0, has_cff2 = 0, head = 0,
        hhea = 0, hmtx = 0, maxp = 0;
    unsigned fs = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *rec = d + off + 12 + 16 * i;
        uint64_t t_off = be32(rec + 8), t_len = be32(rec + 12);
        if (t_off + t_len > size)
            return "truncated or damaged file (a table lies outside it)";
        if (!memcmp(rec, "glyf", 4))
            has_glyf = t_len > 0;
        else if (!memcmp(rec, "loca", 4))
            has_loca = t_len > 0;
        else if (!memcmp(rec, "CFF ", 4))
            has_cff = t_len > 0;
        else if (!memcmp(rec, "CFF2", 4))
            has_cff2 = 1;
        else if (!memcmp(rec, "head", 4))
            head = t_len >= 54 && be32(d + t_off + 12) == 0x5F0F3CF5UL;
        else if (!memcmp(rec, "hhea", 4))
            hhea = t_len >= 36;
        else if (!memcmp(rec, "hmtx", 4))
            hmtx = 1;
        else if (!memcmp(rec, "maxp", 4))
            maxp = t_len >= 6;
        else if (!memcmp(rec, "OS/2", 4) && t_len >= 10)
            fs = be16(d + t_off + 8);
    }
    if (!has_glyf && !has_cff)
        return has_cff2 ? "a variable CFF2 font (only TrueType and CFF "
                          "outlines can be embedded)"
                        : "no outlines (neither a glyf nor a CFF table; "
                          "bitmap and colour fonts cannot be embedded)";
    if (has_glyf && !has_loca)
        return "damaged font: a glyf table without loca";
    if (!head || !hhea || !hmtx || !maxp)
        return "damaged font: a head, hhea, hmtx or maxp table is missing "
               "or too short";
    /* OS/2 fsType: "restricted licence embedding", or "bitmap embedding
     * only" */
    if ((fs & 0x000F) == 0x0002 || (fs & 0x0200))
        return "the font's licence forbids embedding (OS/2 fsType "
               "restricted or bitmap-only)";
    *cff = !has_glyf;
    return NULL;
}

/* Where glyph G's data lies in glyf; 0, or -1 if damaged. */
static int glyph_range(const unsigned char *loca, size_t loca_len,
                       int long_loca, size_t glyf_len, unsigned g,
                       uint32_t *at, uint32_t *len)
{
    uint32_t a, b;
    if (long_loca) {
        if (4 * ((size_t)g + 2) > loca_len)
            return -1;
        a = be32(loca + 4 * (size_t)g);
        b = be32(loca + 4 * (size_t)g + 4);
    } else {
        if (2 * ((size_t)g + 2) > loca_len)
            return -1;
        a = 2 * (uint32_t)be16(loca + 2 * (size_t)g);
        b = 2 * (uint32_t)be16(loca + 2 * (size_t)g + 2);
    }
    if (b < a || b > glyf_len)
        return -1;
    *at = a;
    *len = b - a;
    return 0;
}

/* The glyph indexes of the components of composite glyph data G (LEN
 * bytes) into OUT (at most MAX); their number, or -1 if damaged. */
static int components(const unsigned char *g, uint32_t len, unsigned *out,
                      int max)
{
    uint32_t p = 10;
    int n = 0, more = 1;
    while (more) {
        if (len < 4 || p > len - 4 || n >= max)
            return -1;
        unsigned flags = be16(g + p);
        out[n++] = be16(g + p + 2);
        p += 4 + ((flags & 0x0001) ? 4 : 2);
        if (flags & 0x0008)
            p += 2;
        else if (flags & 0x0040)
            p += 4;
        else if (flags & 0x0080)
            p += 8;
        if (p > len)
            return -1;
        more = (flags & 0x0020) != 0;
    }
    return n;
}

#define MAX_COMPONENTS 256

/* Every glyph of glyf lies inside it, every component exists, and no
 * composite glyph refers to itself through its components. */
static const char *check_glyf(const font_slot *s)
{
    hb_blob_t *hb = hb_face_reference_table(s->face,
                                            HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *lb = hb_face_reference_table(s->face,
                                            HB_TAG('l', 'o', 'c', 'a'));
    hb_blob_t *gb = hb_face_reference_table(s->face,
                                            HB_TAG('g', 'l', 'y', 'f'));
    unsigned hl, ll, gl;
    const unsigned char *head = (const void *)hb_blob_get_data(hb, &hl);
    const unsigned char *loca = (const void *)hb_blob_get_data(lb, &ll);
    const unsigned char *glyf = (const void *)hb_blob_get_data(gb, &gl);
    const char *why = NULL;
    unsigned char *state = NULL;
    unsigned *stack = NULL;
    unsigned n = s->n_glyphs;
    if (!head || hl < 54 || !loca) {
        why = "damaged font: head or loca table";
        goto out;
    }
    int long_loca = be16(head + 50) != 0;
    if ((size_t)ll < ((size_t)n + 1) * (long_loca ? 4 : 2)) {
        why = "damaged font: the loca table is shorter than the glyph count";
        goto out;
    }
    /* depth-first over the component graph: 0 new, 1 on the path, 2 done */
    state = calloc(n, 1);
    stack = malloc(((size_t)n + 1) * sizeof *stack);
    if (!state || !stack) {
        why = "out of memory checking the font";
        goto out;
    }
    for (unsigned root = 0; root < n && !why; root++) {
        if (state[root])
            continue;
        size_t top = 0;
        stack[top++] = root;
        state[root] = 1;
        while (top > 0 && !why) {
            unsigned g = stack[top - 1];
            uint32_t at, len;
            if (glyph_range(loca, ll, long_loca, gl, g, &at, &len)) {
                why = "damaged font: a glyph lies outside the glyf table";
                break;
            }
            unsigned comp[MAX_COMPONENTS];
            int nc = 0;
            if (len >= 10 && (be16(glyf + at) & 0x8000)) {
                nc = components(glyf + at, len, comp, MAX_COMPONENTS);
                if (nc < 0) {
                    why = "damaged font: a composite glyph is truncated";
                    break;
                }
            } else if (len > 0 && len < 10) {
                why = "damaged font: a glyph is shorter than its header";
                break;
            }
            int pushed = 0;
            for (int i = 0; i < nc; i++) {
                unsigned c = comp[i];
                if (c >= n) {
                    why = "damaged font: a composite glyph names a glyph "
                          "the font does not have";
                    break;
                }
                if (state[c] == 1) {
                    why = "damaged font: a composite glyph contains itself "
                          "(a cycle of components)";
                    break;
                }
                if (state[c] == 0) {
                    state[c] = 1;
                    stack[top++] = c;
                    pushed = 1;
                    break;
                }
            }
            if (!pushed && !why) {
                state[g] = 2;
                top--;
            }
        }
    }
out:
    free(state);
    free(stack);
    hb_blob_destroy(hb);
    hb_blob_destroy(lb);
    hb_blob_destroy(gb);
    return why;
}

/* hb-subset can read the CFF: a subset of .notdef and the glyphs of the
 * ASCII letters has a non-empty CFF table. */
static const char *check_cff(const font_slot *s)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return "out of memory checking the font";
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (uint32_t c = 'A'; c <= 'z'; c++) {
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(s->font, c, &g))
            hb_set_add(gs, g);
    }
    hb_face_t *sub = hb_subset_or_fail(s->face, in);
    hb_subset_input_destroy(in);
    const char *why = NULL;
    if (!sub) {
        why = "damaged font: its CFF outlines cannot be read";
    } else {
        hb_blob_t *b = hb_face_reference_table(sub,
                                               HB_TAG('C', 'F', 'F', ' '));
        if (hb_blob_get_length(b) < 4)
            why = "damaged font: its CFF outlines cannot be read";
        hb_blob_destroy(b);
        hb_face_destroy(sub);
    }
    return why;
}

const char *sp_font_check_glyphs(const font_slot *s)
{
    return s->cff ? check_cff(s) : check_glyf(s);
}
