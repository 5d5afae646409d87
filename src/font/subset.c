/* subset.c - subsets for embedding, through hb-subset (see fonts.h).
 *
 * Glyph indexes are not retained (a retained-gid subset of a CJK font is
 * over a hundred times larger); hb-subset's plan gives the new index of
 * every glyph kept.  For CFF the PDF selects glyphs by CID: in a
 * CID-keyed CFF the subset's charset maps each glyph to its CID (hb-subset
 * keeps the original CIDs), which is read here; in a name-keyed CFF the
 * CID is the glyph index.
 */
#include "font_internal.h"

#include <hb-subset.h>

#include <stdlib.h>
#include <string.h>

/* A CFF INDEX at *POS: sets *COUNT, *OFFS (where its offset array
 * starts), *OSZ and moves *POS past it.  0, or -1 if damaged. */
static int cff_index(const unsigned char *d, size_t len, size_t *pos,
                     unsigned *count, size_t *offs, unsigned *osz)
{
    size_t p = *pos;
    if (p + 2 > len)
        return -1;
    *count = (unsigned)d[p] << 8 | d[p + 1];
    if (*count == 0) {
        *pos = p + 2;
        *osz = 0;
        *offs = p + 2;
        return 0;
    }
    if (p + 3 > len)
        return -1;
    *osz = d[p + 2];
    if (*osz < 1 || *osz > 4)
        return -1;
    *offs = p + 3;
    size_t data = *offs + ((size_t)*count + 1) * *osz;
    if (data > len)
        return -1;
    uint32_t last = 0;
    for (unsigned i = 0; i < *osz; i++)
        last = last << 8 | d[*offs + (size_t)*count * *osz + i];
    if (last < 1 || data - 1 + last > len)
        return -1;
    *pos = data - 1 + last;
    return 0;
}

static uint32_t cff_off(const unsigned char *d, size_t offs, unsigned osz,
                        unsigned i)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < osz; k++)
        v = v << 8 | d[offs + (size_t)i * osz + k];
    return v;
}

/* Reads the first Top DICT: charset offset and whether it has ROS
 * (CID-keyed).  0, or -1 if damaged. */
static int cff_top(const unsigned char *d, size_t len, long *charset,
                   int *cid_keyed, long *charstrings)
{
    if (len < 4)
        return -1;
    size_t pos = d[2], offs;
    unsigned count, osz;
    if (cff_index(d, len, &pos, &count, &offs, &osz))   /* Name */
        return -1;
    size_t top_at = pos;
    if (cff_index(d, len, &pos, &count, &offs, &osz) || count < 1)
        return -1;
    size_t data = offs + ((size_t)count + 1) * osz - 1;
    size_t p = data + cff_off(d, offs, osz, 0);
    size_t end = data + cff_off(d, offs, osz, 1);
    (void)top_at;
    if (end > len || p > end)
        return -1;
    long operand = 0;
    *charset = 0;
    *charstrings = -1;
    *cid_keyed = 0;
    while (p < end) {
        unsigned b = d[p];
        if (b == 28 && p + 3 <= end) {
            operand = (int16_t)(d[p + 1] << 8 | d[p + 2]);
            p += 3;
        } else if (b == 29 && p + 5 <= end) {
            operand = (int32_t)((uint32_t)d[p + 1] << 24
                                | (uint32_t)d[p + 2] << 16
                                | (uint32_t)d[p + 3] << 8 | d[p + 4]);
            p += 5;
        } else if (b == 30) {
            p++;
            while (p < end && (d[p] & 0x0F) != 0x0F && (d[p] >> 4) != 0x0F)
                p++;
            p++;
            operand = 0;
        } else if (b >= 32 && b <= 246) {
            operand = (long)b - 139;
            p++;
        } else if (b >= 247 && b <= 250 && p + 2 <= end) {
            operand = ((long)b - 247) * 256 + d[p + 1] + 108;
            p += 2;
        } else if (b >= 251 && b <= 254 && p + 2 <= end) {
            operand = -((long)b - 251) * 256 - d[p + 1] - 108;
            p += 2;
        } else if (b == 12 && p + 2 <= end) {
            if (d[p + 1] == 30)
                *cid_keyed = 1;
            p += 2;
        } else if (b <= 21) {
            if (b == 15)
                *charset = operand;
            else if (b == 17)
                *charstrings = operand;
            p++;
        } else {
            return -1;
        }
    }
    return 0;
}

/* CIDs of the glyphs of a CID-keyed CFF (CID[g] for g < N).  0 or -1. */
static int cff_charset(const unsigned char *d, size_t len, long at,
                       uint32_t *cid, unsigned n)
{
    if (n == 0)
        return 0;
    cid[0] = 0;
    if (at <= 2 || (size_t)at >= len)
        return -1;
    size_t p = (size_t)at;
    unsigned fmt = d[p++];
    unsigned g = 1;
    if (fmt == 0) {
        for (; g < n; g++, p += 2) {
            if (p + 2 > len)
                return -1;
            cid[g] = (uint32_t)d[p] << 8 | d[p + 1];
        }
        return 0;
    }
    if (fmt != 1 && fmt != 2)
        return -1;
    while (g < n) {
        size_t rec = fmt == 1 ? 3 : 4;
        if (p + rec > len)
            return -1;
        uint32_t first = (uint32_t)d[p] << 8 | d[p + 1];
        uint32_t left = fmt == 1 ? d[p + 2]
                                 : ((uint32_t)d[p + 2] << 8 | d[p + 3]);
        p += rec;
        for (uint32_t k = 0; k <= left && g < n; k++)
            cid[g++] = first + k;
    }
    return 0;
}

/* Tables the embedded font programs go without: layout (the PDF holds
 * positioned glyphs), hinting extras, vertical metrics, and cmap, name,
 * post and OS/2 (a CIDFont reaches glyphs through CIDs; PDF readers
 * take names and metrics from the font dictionaries). */
static const hb_tag_t dropped[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
    HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
    HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('m', 'o', 'r', 'x'),
    HB_TAG('m', 'o', 'r', 't'), HB_TAG('f', 'e', 'a', 't'),
    HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
    HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
    HB_TAG('V', 'D', 'M', 'X'), HB_TAG('g', 'a', 's', 'p'),
    HB_TAG('c', 'm', 'a', 'p'), HB_TAG('n', 'a', 'm', 'e'),
    HB_TAG('p', 'o', 's', 't'), HB_TAG('O', 'S', '/', '2'),
};

static hb_blob_t *kept_table(hb_face_t *face, hb_tag_t tag, void *user)
{
    (void)face;
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
        if (dropped[i] == tag)
            return hb_blob_get_empty();
    return hb_face_reference_table((hb_face_t *)user, tag);
}

static void face_unref(void *user)
{
    hb_face_destroy((hb_face_t *)user);
}

hb_face_t *sp_font_subset_face(const font_slot *s)
{
    hb_face_t *src = hb_face_reference(s->face);
    hb_face_t *f = hb_face_create_for_tables(kept_table, src, face_unref);
    if (f == hb_face_get_empty()) {
        hb_face_destroy(src);
        return NULL;
    }
    hb_face_set_upem(f, s->upem);
    hb_face_set_glyph_count(f, s->n_glyphs);
    hb_face_make_immutable(f);
    return f;
}

int sp_fonts_subset(const sp_fonts *f, int slot, const uint32_t *gids,
                    size_t n, sp_font_subset *out, const char **why)
{
    const font_slot *s = &f->slot[slot];
    memset(out, 0, sizeof *out);
    *why = NULL;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return -1;
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (size_t i = 0; i < n; i++)
        if (gids[i] < s->n_glyphs)
            hb_set_add(gs, gids[i]);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
        hb_set_add(drop, dropped[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(s->subset_face, in);
    hb_subset_input_destroy(in);
    if (!plan) {
        *why = "hb-subset cannot plan a subset of the font";
        return -1;
    }
    const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    out->cid = malloc((n ? n : 1) * sizeof *out->cid);
    hb_face_t *sub = out->cid ? hb_subset_plan_execute_or_fail(plan) : NULL;
    if (!out->cid) {
        hb_subset_plan_destroy(plan);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t g = hb_map_get(map, gids[i]);
        out->cid[i] = g == HB_MAP_VALUE_INVALID ? 0 : g;
    }
    hb_subset_plan_destroy(plan);
    if (!sub) {
        *why = "hb-subset cannot subset the font (damaged glyph data)";
        free(out->cid);
        out->cid = NULL;
        return -1;
    }
    int rc = -1;
    hb_blob_t *blob = s->cff
        ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '))
        : hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    if (!data || len < 12) {
        *why = "hb-subset made an empty subset (damaged font)";
        goto out;
    }
    out->data = malloc(len);
    if (!out->data)
        goto out;
    memcpy(out->data, data, len);
    out->len = len;
    out->cff = s->cff;
    if (s->cff) {
        long charset, charstrings;
        int cid_keyed;
        const unsigned char *d = out->data;
        if (cff_top(d, len, &charset, &cid_keyed, &charstrings)) {
            *why = "the subset's CFF cannot be read";
            goto out;
        }
        if (cid_keyed) {
            unsigned ng = hb_face_get_glyph_count(sub);
            uint32_t *map_cid = calloc(ng ? ng : 1, sizeof *map_cid);
            if (!map_cid)
                goto out;
            if (cff_charset(d, len, charset, map_cid, ng)) {
                free(map_cid);
                *why = "the subset's CFF charset cannot be read";
                goto out;
            }
            for (size_t i = 0; i < n; i++)
                out->cid[i] = out->cid[i] < ng ? map_cid[out->cid[i]] : 0;
            free(map_cid);
        }
    }
    rc = 0;
out:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    if (rc)
        sp_font_subset_release(out);
    return rc;
}

void sp_font_subset_release(sp_font_subset *s)
{
    free(s->data);
    free(s->cid);
    memset(s, 0, sizeof *s);
}
