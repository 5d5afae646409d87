/* pdf_font.c - the PDF device's embedded fonts (see pdf_int.h): each
 * font slot used becomes a Type0 font whose program is a subset of the
 * glyphs drawn, with its codes, widths and maps. */
#include "pdf_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_list.h>

/* ---------------------------------------------------
 *
 * Each font slot used is embedded once as a Type0 font over one CIDFont:
 * CIDFontType2 with /FontFile2 for TrueType outlines, CIDFontType0 with
 * /FontFile3 /Subtype /CIDFontType0C (the bare CFF table) for CFF ones,
 * the font program a subset made by hb-subset (src/font/subset.c) once
 * every page is drawn.  Content streams use codes given out in the order
 * glyphs are first drawn (the first 127 one byte long, the others two), one per (glyph, text it stands for), so
 * the ToUnicode map gives back every character exactly (even when a font
 * draws two characters with one glyph); the font's /Encoding is an
 * embedded CMap from those codes to the subset's CIDs (known only after
 * subsetting).  Shaped runs whose glyphs do not map one to one onto their
 * characters in order (right-to-left text, ligatures, reordered or split
 * clusters) are marked content with /ActualText holding their logical
 * text, which pdftotext and copy-paste return instead of the glyphs'.
 */

/* codes 1..0x7F are one byte (written as code_byte[k]), the rest two
 * bytes 0x8000 + (k - 0x80) */
#define MAX_CODES (0x80 + 0x8000)

/* Records a font problem once, naming the file. */
static void font_error(pdf_ctx *c, const char *path, const char *why)
{
    if (c->reported)
        return;
    c->reported = 1;
    sp_diag_add(c->d, SP_D_FONT, path, 0, 0,
                "cannot embed this font in the PDF: %s", why);
}


void pdf_font_free(pfont *f)
{
    free(f->code_gid);
    free(f->code_toff);
    free(f->code_tlen);
    free(f->code_adv);
    free(f->next_code);
    free(f->gid_code);
    free(f->texts);
    free(f->widths);
    memset(f, 0, sizeof *f);
}

/* The embedded font of SLOT, created on first use; NULL on failure. */
pfont *pdf_font_get(pdf_ctx *c, int slot)
{
    if (!c->fonts) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_FONT, c->name, 0, 0,
                        "cannot write the PDF: it has text but no fonts "
                        "were given");
        c->reported = 1;
        return NULL;
    }
    if (slot < 0 || slot >= sp_fonts_count(c->fonts))
        slot = sp_fonts_slot(c->fonts, SP_FACE_REGULAR);
    if (c->pf[slot])
        return c->pf[slot];
    pfont *f = &c->pfonts[c->n_pfonts];
    memset(f, 0, sizeof *f);
    f->slot = slot;
    /* glyph ids are below 65536 in any sfnt */
    f->n_glyphs = sp_fonts_slot_glyph_count(c->fonts, slot);
    if (f->n_glyphs == 0)
        f->n_glyphs = 1;
    f->gid_code = calloc(f->n_glyphs, sizeof *f->gid_code);
    f->cap = 256;
    f->code_gid = malloc(f->cap * sizeof *f->code_gid);
    f->code_toff = malloc(f->cap * sizeof *f->code_toff);
    f->code_tlen = malloc(f->cap * sizeof *f->code_tlen);
    f->code_adv = malloc(f->cap * sizeof *f->code_adv);
    f->next_code = malloc(f->cap * sizeof *f->next_code);
    HPDF_Dict d = HPDF_Dict_New(c->pdf->mmgr);
    if (!f->gid_code || !f->code_gid || !f->code_toff || !f->code_tlen
        || !f->code_adv || !f->next_code || !d) {
        pdf_font_free(f);
        pdf_oom(c, "embedding a font");
        return NULL;
    }
    if (HPDF_Xref_Add(c->pdf->xref, d) != HPDF_OK) {
        pdf_font_free(f);
        pdf_fail(c, "embedding a font");
        return NULL;
    }
    f->font = d;
    f->n_codes = 1;                 /* code 0 is .notdef */
    f->code_gid[0] = 0;
    f->code_tlen[0] = 0;
    f->code_toff[0] = 0;
    f->code_adv[0] = 0;
    c->n_pfonts++;
    return c->pf[slot] = f;
}

/* The byte of a new 1-byte code for a glyph standing for character CH
 * (0: not one ASCII character).  A printable ASCII character gets its
 * own byte, so page content reads as its text and needs no escapes for
 * it; other glyphs take the control bytes first (line ends last: they
 * are written escaped), then the printable bytes still free. */
static unsigned char pick_byte(pfont *f, unsigned char ch)
{
    if (ch >= 0x20 && ch < 0x7F && !f->byte_used[ch]) {
        f->byte_used[ch] = 1;
        return ch;
    }
    static const unsigned char order[] = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0C,
        0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F, 0x0A, 0x0D};
    for (size_t i = 0; i < sizeof order; i++)
        if (!f->byte_used[order[i]]) {
            f->byte_used[order[i]] = 1;
            return order[i];
        }
    for (unsigned b = 0x20; b < 0x7F; b++)
        if (!f->byte_used[b]) {
            f->byte_used[b] = 1;
            return (unsigned char)b;
        }
    return 0;   /* not reached: 127 codes, 127 bytes */
}

/* The code drawing glyph GID for text T[0..tlen) with F (RTL: T is
 * logical order in a right-to-left run); 0 on failure (reported). */
unsigned pdf_font_code(pdf_ctx *c, pfont *f, uint32_t gid, const char *t,
                         size_t tlen, int rtl)
{
    char rev[64];
    if (rtl && tlen > 1 && tlen <= sizeof rev) {
        /* several characters in visual order: reversed by code point */
        size_t i = 0, o = tlen;
        while (i < tlen) {
            uint32_t cp;
            size_t k = sp_utf8_next(t + i, tlen - i, &cp);
            o -= k;
            memcpy(rev + o, t + i, k);
            i += k;
        }
        t = rev;
    }
    if (gid >= f->n_glyphs)
        gid = 0;                    /* not in the font: .notdef */
    if (tlen == 1 && (unsigned char)t[0] < 0x80) {
        unsigned k = f->ascii_code[(unsigned char)t[0]];
        if (k && f->code_gid[k] == gid)
            return k;
    }
    if (tlen > 64)
        tlen = 64;   /* a ToUnicode entry holds a few characters at most */
    for (uint32_t k = f->gid_code[gid]; k; k = f->next_code[k])
        if (f->code_tlen[k] == tlen
            && memcmp(f->texts + f->code_toff[k], t, tlen) == 0)
            return k;
    if (f->n_codes >= MAX_CODES) {
        font_error(c, sp_fonts_slot_path(c->fonts, f->slot),
                   "more than 32,894 different glyphs drawn with one font");
        return 0;
    }
    if (f->n_codes == f->cap) {
        size_t cap = 2 * f->cap;
        uint32_t *a = realloc(f->code_gid, cap * sizeof *a);
        if (a)
            f->code_gid = a;
        uint32_t *b = a ? realloc(f->code_toff, cap * sizeof *b) : NULL;
        if (b)
            f->code_toff = b;
        uint16_t *l = b ? realloc(f->code_tlen, cap * sizeof *l) : NULL;
        if (l)
            f->code_tlen = l;
        float *ad = l ? realloc(f->code_adv, cap * sizeof *ad) : NULL;
        if (ad)
            f->code_adv = ad;
        uint32_t *n = ad ? realloc(f->next_code, cap * sizeof *n) : NULL;
        if (n)
            f->next_code = n;
        if (!n) {
            pdf_oom(c, "embedding a font");
            return 0;
        }
        f->cap = cap;
    }
    if (f->n_texts + tlen > f->cap_texts) {
        size_t cap = f->cap_texts ? f->cap_texts : 1024;
        while (cap < f->n_texts + tlen)
            cap *= 2;
        char *p = realloc(f->texts, cap);
        if (!p) {
            pdf_oom(c, "embedding a font");
            return 0;
        }
        f->texts = p;
        f->cap_texts = cap;
    }
    unsigned k = (unsigned)f->n_codes++;
    if (k < 0x80)
        f->code_byte[k] = pick_byte(f, tlen == 1 ? (unsigned char)t[0] : 0);
    memcpy(f->texts + f->n_texts, t, tlen);
    f->code_toff[k] = (uint32_t)f->n_texts;
    f->code_tlen[k] = (uint16_t)tlen;
    f->n_texts += tlen;
    f->code_gid[k] = gid;
    f->code_adv[k] = (float)sp_fonts_glyph_advance(c->fonts, f->slot, gid);
    f->next_code[k] = f->gid_code[gid];
    f->gid_code[gid] = (uint16_t)k;
    if (tlen == 1 && (unsigned char)t[0] < 0x80
        && !f->ascii_code[(unsigned char)t[0]])
        f->ascii_code[(unsigned char)t[0]] = (uint16_t)k;
    return k;
}

/* Writes the /W array kept in the CIDFont dictionary's attr. */
static HPDF_STATUS write_widths(HPDF_Dict dict, HPDF_Stream stream)
{
    return HPDF_Stream_WriteStr(stream, (const char *)dict->attr);
}

static int add_name(pdf_ctx *c, HPDF_Dict d, const char *key,
                    const char *value)
{
    TRY(c, HPDF_Dict_AddName(d, key, value), "embedding a font");
    return 0;
}

static int add_int(pdf_ctx *c, HPDF_Dict d, const char *key, double v)
{
    TRY(c, HPDF_Dict_AddNumber(d, key, (HPDF_INT32)lround(v)),
        "embedding a font");
    return 0;
}

/* Six capital letters naming the subset, from what it holds. */
static void subset_tag(const pfont *f, char tag[7])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 1; k < f->n_codes; k++) {
        h = (h ^ f->code_gid[k]) * 0x100000001b3ULL;
        for (size_t i = 0; i < f->code_tlen[k]; i++)
            h = (h ^ (unsigned char)f->texts[f->code_toff[k] + i])
                * 0x100000001b3ULL;
    }
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
}

/* UTF-8 text as UTF-16BE hex digits into B. */
void pdf_utf16_hex(cbuf *b, const char *s, size_t len)
{
    char hex[16];
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += sp_utf8_next(s + i, len - i, &cp);
        int m;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            m = snprintf(hex, sizeof hex, "%04X%04X",
                         (unsigned)(0xD800 + (cp >> 10)),
                         (unsigned)(0xDC00 + (cp & 0x3FF)));
        } else {
            m = snprintf(hex, sizeof hex, "%04X", (unsigned)cp);
        }
        pdf_cb_put(b, hex, (size_t)m);
    }
}

/* Code K of F as hex digits in the content's byte form ("XX" or
 * "XXXX"). */
static int code_hex(const pfont *f, char *out, size_t k)
{
    if (k < 0x80)
        return snprintf(out, 8, "%02X", (unsigned)f->code_byte[k]);
    return snprintf(out, 8, "%04X", (unsigned)(0x8000 + (k - 0x80)));
}

static const char codespace[] =
    "2 begincodespacerange\n<00> <7F>\n<8000> <FFFF>\nendcodespacerange\n";

static const char cmap_tail[] =
    "endcmap\n"
    "CMapName currentdict /CMap defineresource pop\n"
    "end\nend\n";

/* The ToUnicode CMap: each code to the text its glyph stands for. */
static void make_tounicode(const pfont *f, cbuf *b)
{
    CB_LIT(b, "/CIDInit /ProcSet findresource begin\n"
              "12 dict begin\n"
              "begincmap\n"
              "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
              "/Supplement 0 >> def\n"
              "/CMapName /Adobe-Identity-UCS def\n"
              "/CMapType 2 def\n");
    pdf_cb_put(b, codespace, sizeof codespace - 1);
    size_t k = 1;
    char line[32];
    while (k < f->n_codes) {
        size_t n = 0, j = k;
        for (; j < f->n_codes && n < 100; j++)
            if (f->code_tlen[j] > 0)
                n++;
        if (n > 0) {
            int m = snprintf(line, sizeof line, "%zu beginbfchar\n", n);
            pdf_cb_put(b, line, (size_t)m);
            for (size_t q = k; q < j; q++) {
                if (f->code_tlen[q] == 0)
                    continue;
                char hx[8];
                code_hex(f, hx, q);
                m = snprintf(line, sizeof line, "<%s> <", hx);
                pdf_cb_put(b, line, (size_t)m);
                pdf_utf16_hex(b, f->texts + f->code_toff[q], f->code_tlen[q]);
                CB_LIT(b, ">\n");
            }
            CB_LIT(b, "endbfchar\n");
        }
        k = j;
    }
    pdf_cb_put(b, cmap_tail, sizeof cmap_tail - 1);
}

/* The encoding CMap: 2-byte codes to the subset's CIDs. */
static void make_encoding(const pfont *f, const uint32_t *cid, cbuf *b)
{
    CB_LIT(b, "/CIDInit /ProcSet findresource begin\n"
              "12 dict begin\n"
              "begincmap\n"
              "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
              "/Supplement 0 >> def\n"
              "/CMapName /Studypack-Codes def\n"
              "/CMapType 1 def\n");
    pdf_cb_put(b, codespace, sizeof codespace - 1);
    char line[48];
    for (size_t k = 1; k < f->n_codes; k += 100) {
        size_t n = f->n_codes - k < 100 ? f->n_codes - k : 100;
        int m = snprintf(line, sizeof line, "%zu begincidchar\n", n);
        pdf_cb_put(b, line, (size_t)m);
        for (size_t q = k; q < k + n; q++) {
            char hx[8];
            code_hex(f, hx, q);
            m = snprintf(line, sizeof line, "<%s> %u\n", hx,
                         (unsigned)cid[q - 1]);
            pdf_cb_put(b, line, (size_t)m);
        }
        CB_LIT(b, "endcidchar\n");
    }
    pdf_cb_put(b, cmap_tail, sizeof cmap_tail - 1);
}

/* A stream object (deflated when saved) holding B, added to DICT as KEY. */
static HPDF_Dict add_stream(pdf_ctx *c, HPDF_Dict dict, const char *key,
                            const cbuf *b)
{
    HPDF_Dict st = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    if (!st || HPDF_Dict_Add(dict, key, st) != HPDF_OK
        || HPDF_Stream_Write(st->stream, (const HPDF_BYTE *)b->p,
                             (HPDF_UINT)b->n) != HPDF_OK) {
        pdf_fail(c, "embedding a font");
        return NULL;
    }
    st->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    return st;
}

/* The CIDSystemInfo Adobe-Identity-0, added to DICT. */
static int add_system_info(pdf_ctx *c, HPDF_Dict dict)
{
    HPDF_MMgr mm = c->pdf->mmgr;
    HPDF_Dict info = HPDF_Dict_New(mm);
    if (!info || HPDF_Dict_Add(dict, "CIDSystemInfo", info) != HPDF_OK
        || HPDF_Dict_Add(info, "Registry", HPDF_String_New(mm, "Adobe", NULL))
               != HPDF_OK
        || HPDF_Dict_Add(info, "Ordering",
                         HPDF_String_New(mm, "Identity", NULL)) != HPDF_OK
        || HPDF_Dict_AddNumber(info, "Supplement", 0) != HPDF_OK)
        return pdf_fail(c, "embedding a font");
    return 0;
}

typedef struct {
    uint32_t cid;
    double w;
} cid_w;

static int cmp_cid(const void *a, const void *b)
{
    uint32_t x = ((const cid_w *)a)->cid, y = ((const cid_w *)b)->cid;
    return x < y ? -1 : x > y;
}

/* Completes F: subsets its glyphs and writes the Type0 font with its
 * encoding and ToUnicode CMaps, over one CIDFont with its widths, font
 * descriptor and font program. */
static int embed_font(pdf_ctx *c, pfont *f)
{
    HPDF_MMgr mm = c->pdf->mmgr;
    HPDF_Xref xref = c->pdf->xref;
    const char *path = sp_fonts_slot_path(c->fonts, f->slot);
    size_t n = f->n_codes - 1;
    cbuf w, text;
    memset(&w, 0, sizeof w);
    memset(&text, 0, sizeof text);
    sp_font_subset sub;
    memset(&sub, 0, sizeof sub);
    cid_w *ws = NULL;
    int rc = -1;
    const char *why = NULL;
    if (sp_fonts_subset(c->fonts, f->slot, f->code_gid + 1, n, &sub, &why)) {
        if (why)
            font_error(c, path, why);
        else
            pdf_oom(c, "embedding a font");
        return -1;
    }
    /* widths by CID, as the device drew them */
    ws = malloc((n ? n : 1) * sizeof *ws);
    if (!ws) {
        pdf_oom(c, "embedding a font");
        goto out;
    }
    for (size_t k = 0; k < n; k++) {
        ws[k].cid = sub.cid[k];
        ws[k].w = sp_fonts_glyph_advance(c->fonts, f->slot, f->code_gid[k + 1]);
    }
    qsort(ws, n, sizeof *ws, cmp_cid);
    CB_LIT(&w, "/W [");
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && ws[k].cid == ws[k - 1].cid)
            continue;
        char num[16];
        int m = snprintf(num, sizeof num, "%u [", (unsigned)ws[k].cid);
        pdf_cb_put(&w, num, (size_t)m);
        pdf_cb_num(&w, ws[k].w);
        CB_LIT(&w, "] ");
    }
    CB_LIT(&w, "]\012");
    pdf_cb_put(&w, "", 1);
    if (w.oom) {
        pdf_oom(c, "embedding a font");
        goto out;
    }
    free(f->widths);
    f->widths = w.p;
    w.p = NULL;

    sp_font_info info;
    sp_fonts_info(c->fonts, f->slot, &info);
    char tag[7], base[80];
    subset_tag(f, tag);
    snprintf(base, sizeof base, "%s+%s", tag,
             info.ps_name[0] ? info.ps_name : "Font");

    /* the CIDFont and its descriptor */
    HPDF_Dict cid = HPDF_Dict_New(mm), fd;
    if (!cid || HPDF_Xref_Add(xref, cid) != HPDF_OK)
        goto hpdf;
    if (add_name(c, cid, "Type", "Font")
        || add_name(c, cid, "Subtype", sub.cff ? "CIDFontType0"
                                               : "CIDFontType2")
        || add_name(c, cid, "BaseFont", base) || add_system_info(c, cid))
        goto out;
    if (!(fd = HPDF_Dict_New(mm)) || HPDF_Xref_Add(xref, fd) != HPDF_OK
        || HPDF_Dict_Add(cid, "FontDescriptor", fd) != HPDF_OK)
        goto hpdf;
    if (!sub.cff && add_name(c, cid, "CIDToGIDMap", "Identity"))
        goto out;
    cid->attr = f->widths;
    cid->write_fn = write_widths;
    if (add_name(c, fd, "Type", "FontDescriptor")
        || add_name(c, fd, "FontName", base)
        || add_int(c, fd, "Flags", 4 | (info.fixed_pitch ? 1 : 0)
                                       | (info.italic_angle ? 64 : 0)))
        goto out;
    HPDF_Array bbox = HPDF_Array_New(mm);
    if (!bbox || HPDF_Dict_Add(fd, "FontBBox", bbox) != HPDF_OK)
        goto hpdf;
    for (int k = 0; k < 4; k++)
        if (HPDF_Array_AddNumber(bbox, (HPDF_INT32)lround(info.bbox[k]))
            != HPDF_OK)
            goto hpdf;
    if (HPDF_Dict_AddReal(fd, "ItalicAngle", (HPDF_REAL)info.italic_angle)
        != HPDF_OK)
        goto hpdf;
    if (add_int(c, fd, "Ascent", info.ascent)
        || add_int(c, fd, "Descent", info.descent)
        || add_int(c, fd, "CapHeight", info.cap_height)
        || add_int(c, fd, "StemV", info.weight >= 600 ? 120 : 80))
        goto out;
    cbuf fb = {(char *)sub.data, sub.len, sub.len, 0};
    HPDF_Dict file = add_stream(c, fd, sub.cff ? "FontFile3" : "FontFile2",
                                &fb);
    if (!file)
        goto out;
    if (sub.cff ? add_name(c, file, "Subtype", "CIDFontType0C")
                : HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)sub.len)
                      != HPDF_OK)
        goto hpdf;

    /* the Type0 font */
    HPDF_Dict t0 = f->font;
    if (add_name(c, t0, "Type", "Font") || add_name(c, t0, "Subtype", "Type0")
        || add_name(c, t0, "BaseFont", base))
        goto out;
    make_encoding(f, sub.cid, &text);
    if (text.oom) {
        pdf_oom(c, "embedding a font");
        goto out;
    }
    HPDF_Dict cmap = add_stream(c, t0, "Encoding", &text);
    if (!cmap)
        goto out;
    if (add_name(c, cmap, "Type", "CMap")
        || add_name(c, cmap, "CMapName", "Studypack-Codes")
        || add_system_info(c, cmap))
        goto out;
    HPDF_Array desc = HPDF_Array_New(mm);
    if (!desc || HPDF_Dict_Add(t0, "DescendantFonts", desc) != HPDF_OK
        || HPDF_Array_Add(desc, cid) != HPDF_OK)
        goto hpdf;
    text.n = 0;
    make_tounicode(f, &text);
    if (text.oom) {
        pdf_oom(c, "embedding a font");
        goto out;
    }
    if (!add_stream(c, t0, "ToUnicode", &text))
        goto out;
    rc = 0;
    goto out;
hpdf:
    pdf_fail(c, "embedding a font");
out:
    sp_font_subset_release(&sub);
    free(ws);
    free(w.p);
    free(text.p);
    return rc;
}

/* Completes every font used: once all pages are drawn. */
int pdf_fonts_embed(pdf_ctx *c)
{
    for (int i = 0; i < c->n_pfonts; i++)
        if (embed_font(c, &c->pfonts[i]) != 0)
            return -1;
    return 0;
}

