/* pdf.c - the PDF device (see pdf.h).  With its image part, pdf_image.c,
 * the only file that includes hpdf.h.
 *
 * How pages are made: each output page's content stream is written here
 * as PDF operators into a buffer, deflated on a worker thread through
 * libharu's own deflate (HPDF_Stream_WriteToStream with FLATE) and put
 * into the page's content stream, marked as already compressed.  Driving
 * libharu's HPDF_Page_* drawing calls instead took about 3x the time and
 * held every page's content uncompressed until the end.  Text positions
 * are Td moves between exact thousandths of a point, so no rounding adds
 * up along a page.
 *
 * Fonts are written here too (see "embedded fonts" below): a subset of
 * each TrueType file with only the glyphs drawn, 1-byte codes, a
 * ToUnicode map.  libharu's own Type0 fonts cost ~70 ms per document and
 * lost the components of composite glyphs (accented letters, many CJK
 * characters printed as nothing).
 *
 * libharu still makes everything else: page objects and their font
 * resources (HPDF_Page_GetLocalFontName), outline, labels, metadata,
 * objects, cross-reference table, and the compression of the other
 * streams.  A document is rendered part by part (sp_pdf_add), so a caller
 * never needs all its display lists at once; the saved file goes through
 * a callback stream straight to the atomic file (libharu's memory stream
 * copies byte by byte and would hold the whole file).
 *
 * libharu 2.3.0 notes (measured on Debian 12):
 *   - After any error a document stays in an error state and every later
 *     call fails, and some failures return an error or NULL without
 *     calling the handler: every return value is checked and the first
 *     failure ends the rendering.
 *   - HPDF_Destination_SetXYZ refuses a zoom of 0 (it raises
 *     INVALID_PARAMETER), so outline destinations are built by hand as
 *     [page /XYZ left top null] ("keep the reader's zoom").
 *   - A page label without a numbering style (prefix only) needs the
 *     label dictionary without /S, which HPDF_AddPageLabel cannot make.
 *   - A stream dictionary whose filter is NONE loses any /Filter key when
 *     written; the pre-compressed content streams write theirs through
 *     the dictionary's write_fn hook (which also writes a CIDFont's /W).
 *   - HPDF_PRINT_SCALING_NONE exists in 2.3.0 and writes
 *     /ViewerPreferences << /PrintScaling /None >> (and %PDF-1.6).
 *   - HPDF_SaveToStream saves into the document's stream if it has one:
 *     a callback writer set there receives the file.
 *   The work-arounds use libharu's exported object API and the structures
 *   in its installed headers (hpdf_doc.h, hpdf_objects.h, hpdf_pages.h,
 *   hpdf_streams.h, hpdf_page_label.h): tied to 2.3.0, checked by
 *   tests/unit/test_pdf.c (qpdf --check, pdftotext, no poppler warnings,
 *   Ghostscript's text extraction, the subset fonts loaded by FreeType).
 */
#include "pdf.h"

#include <math.h>
#include <pthread.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <libdeflate.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_page_label.h>
#include <hpdf_mmgr.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "fsutil.h"
#include "pdf_image.h"
#include "reserve.h"

#define MAX_CIDS 0xFFFF           /* CIDs and subset glyphs are 16-bit */

/* One table of the file. */
typedef struct {
    const unsigned char *p;
    uint32_t len;
} sfnt_tab;

/* A font file embedded in the document, and the characters drawn with
 * it so far. */
typedef struct {
    const char *path;               /* sp_fonts' string */
    int index;                      /* face in a collection */
    const unsigned char *data;      /* the file (see sp_map_file) */
    size_t size;
    int mapped;
    int borrowed;                   /* data belongs to another efont */
    FT_Face ft;
    sfnt_tab head, hhea, maxp, loca, glyf, hmtx, cvt, fpgm, prep, os2, post,
        name;
    unsigned upem, n_glyphs, n_hmetrics;
    int long_loca;
    uint16_t *cid_of;               /* [0x10000] code point -> CID, 0: none */
    uint32_t *cid_cp;               /* CID -> code point */
    uint16_t *cid_gid;              /* CID -> glyph of the file */
    size_t n_cids, cap_cids;        /* CID 0 is .notdef */
    /* the fonts pages refer to: slice k draws CIDs 256k .. 256k + 255
     * with 1-byte codes (a Type0 font whose CMap adds 256k) */
    struct {
        HPDF_Dict font;
        const char *name;           /* its resource name on page ... */
        unsigned long page;         /* ... number page (1 = first) */
    } slice[MAX_CIDS / 256 + 1];
    int n_slices;
    char *widths;                   /* "/W [...]" of the CIDFont */
} efont;

typedef struct {
    HPDF_Doc pdf;
    sp_diags *d;
    const char *name;               /* the output, for messages */
    char *name_copy;                /* owned copy behind name, or NULL */
    const sp_fonts *fonts;
    FT_Library ft;                  /* for the fonts' cmaps, or NULL */
    efont efonts[SP_FACE_COUNT];    /* font files, in order of first use */
    int n_efonts;
    efont *font[SP_FACE_COUNT];     /* each face's, once used */
    unsigned long page_no;          /* pages begun so far */
    int reported;                   /* a failure has been reported */
    sp_pdf_images *images;          /* figures embedded so far */
} pdf_ctx;

/* A short text for the libharu errors we can run into. */
static const char *hpdf_error_text(HPDF_STATUS e)
{
    switch (e) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "file error";
    case HPDF_FILE_OPEN_ERROR: return "cannot open the file";
    case HPDF_INVALID_ENCODER: return "no UTF-8 encoder";
    case HPDF_INVALID_PARAMETER: return "invalid parameter";
    case HPDF_PAGE_INVALID_SIZE: return "page size out of range";
    case HPDF_PAGE_INVALID_FONT_SIZE: return "font size out of range";
    case HPDF_REAL_OUT_OF_RANGE: return "number out of range";
    case HPDF_STRING_OUT_OF_RANGE: return "text run too long";
    case HPDF_EXCEED_GSTATE_LIMIT: return "graphics states nested too deep";
    case HPDF_ZLIB_ERROR: return "compression failed";
    case HPDF_INVALID_DOCUMENT: return "document in error state";
    default: return "libharu error";
    }
}

/* libharu's allocations.  libharu 2.3.0 does not survive every failed
 * allocation (HPDF_Page_New adds a NULL MediaBox unchecked, for one), so
 * they go through a reserve (reserve.h), and every libharu call we make
 * (TRY, begin_page) checks for a failure and stops with "out of memory".
 * The reserve is filled when a document starts and dropped at its end. */
static sp_reserve hpdf_reserve;

static void *malloc_again(void *old, size_t n)
{
    (void)old;
    return malloc(n);
}

static void *HPDF_STDCALL hpdf_alloc(HPDF_UINT size)
{
    void *p = malloc(size);
    return p ? p
             : sp_reserve_retry(&hpdf_reserve, malloc_again, NULL, size,
                                "writing a PDF");
}

static void HPDF_STDCALL hpdf_free(void *p)
{
    free(p);
}

/* Records a failure once: the first error explains the rest. */
static void report(pdf_ctx *c, HPDF_STATUS err, HPDF_STATUS detail,
                   const char *what)
{
    if (c->reported)
        return;
    c->reported = 1;
    if (sp_reserve_failed(&hpdf_reserve)) {
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0,
                    "out of memory (while %s)", what);
    } else if (err == HPDF_FAILD_TO_ALLOC_MEM) {
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0, "out of memory");
    } else if (err == HPDF_ZLIB_ERROR) {
        /* zlib fails on our well-formed streams only when it cannot get
         * memory (Z_MEM_ERROR); libharu does not always pass the code on */
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0,
                    "out of memory (compression failed while %s)", what);
    } else if (err) {
        sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                    "cannot write the PDF: %s while %s (libharu error "
                    "0x%04X, detail %u)",
                    hpdf_error_text(err), what, (unsigned)err,
                    (unsigned)detail);
    } else {
        sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                    "cannot write the PDF: libharu failed while %s", what);
    }
}

static void HPDF_STDCALL on_error(HPDF_STATUS err, HPDF_STATUS detail,
                                  void *user)
{
    report(user, err, detail, "rendering");
}

/* A failure libharu may or may not have reported through the handler. */
static int fail(pdf_ctx *c, const char *what)
{
    HPDF_STATUS err = c->pdf ? HPDF_GetError(c->pdf) : 0;
    report(c, err, c->pdf ? HPDF_GetErrorDetail(c->pdf) : 0, what);
    return -1;
}

#define TRY(c, call, what)                                                    \
    do {                                                                      \
        if ((call) != HPDF_OK || sp_reserve_failed(&hpdf_reserve))             \
            return fail((c), (what));                                         \
    } while (0)

/* ---- drawing --------------------------------------------------------
 *
 * Page content is written directly as PDF operators into a buffer and
 * handed to libharu in one piece per page.  Going through libharu's
 * HPDF_Page_* calls instead costs about 3x as much time (each call
 * validates, measures text, formats numbers and writes to its stream in
 * small pieces).  libharu still owns everything else: the page objects,
 * their font resources (HPDF_Page_GetLocalFontName), the fonts' glyph
 * subsets (HPDF_Font_TextWidth marks the glyphs a text uses), compression
 * and the file structure.
 */

/* The bytes of one page's content stream. */
typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} cbuf;

static void cb_grow(cbuf *b, size_t more)
{
    if (b->oom || b->n + more <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 8192;
    while (cap < b->n + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void cb_put(cbuf *b, const char *s, size_t len)
{
    cb_grow(b, len);
    if (b->oom)
        return;
    memcpy(b->p + b->n, s, len);
    b->n += len;
}

#define CB_LIT(b, s) cb_put((b), (s), sizeof(s) - 1)

/* V in thousandths, rounded (0 if V is out of range). */
static long long milli(double v)
{
    if (!(v > -1e9 && v < 1e9))
        return 0;
    return (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
}

/* M thousandths as a number with at most three decimals, no exponent,
 * no "-0", followed by a space. */
static void cb_milli(cbuf *b, long long m)
{
    char tmp[32], *e = tmp + sizeof tmp, *q = e;
    *--q = ' ';
    int neg = m < 0;
    unsigned long long u = (unsigned long long)(neg ? -m : m);
    unsigned frac = (unsigned)(u % 1000);
    u /= 1000;
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            *--q = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--q = '.';
    }
    do {
        *--q = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        *--q = '-';
    cb_put(b, q, (size_t)(e - q));
}

/* A number with at most three decimals (see cb_milli). */
static void cb_num(cbuf *b, double v)
{
    cb_milli(b, milli(v));
}

/* ---- embedded fonts ---------------------------------------------------
 *
 * Each face is embedded as a Type0 font (Identity-H) over a CIDFontType2
 * whose FontFile2 is a TrueType subset written here.  CIDs are given out
 * in the order characters are first drawn, one per code point, so the
 * ToUnicode map returns every character exactly (even two characters a
 * font draws with one glyph).  Glyph i of the subset is CID i's glyph
 * (CIDToGIDMap /Identity); the components of composite glyphs follow,
 * their references renumbered.  The subset has the tables a PDF TrueType
 * font needs (head, hhea, maxp, loca, glyf, hmtx and cvt, fpgm, prep if
 * the file has them) plus a small cmap (CID glyphs by code point), a
 * post table without names and the file's OS/2.
 *
 * libharu's own Type0 fonts cost ~70 ms per document (code tables over
 * the whole BMP per face, and a 128 KB CIDToGIDMap found by linear
 * search while saving) and embedded an empty slot for every glyph of
 * the file.  The file is read again here (sp_fonts keeps its copy to
 * itself), every table is checked against its size, and FreeType maps
 * code points to glyphs with the Unicode cmap the layout measured with.
 */

#define MAX_FONT_FILE (256L * 1024 * 1024)

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

static int sbe16(const unsigned char *p)
{
    unsigned v = be16(p);
    return v & 0x8000 ? (int)v - 0x10000 : (int)v;
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Maps (or reads) PATH whole; NULL with *WHY set (NULL: out of memory). */
static const unsigned char *read_font_file(const char *path, size_t *size,
                                           int *mapped, const char **why)
{
    const unsigned char *buf = sp_map_file(path, MAX_FONT_FILE, size, mapped);
    if (!buf)
        *why = errno == EFBIG    ? "the file is larger than 256 MiB"
               : errno == ENOMEM ? NULL
               : errno == ENOENT || errno == EACCES
                   ? "cannot open the file"
                   : "cannot read the file";
    return buf;
}

static void efont_free(efont *f)
{
    if (f->ft)
        FT_Done_Face(f->ft);
    if (!f->borrowed)
        sp_unmap_file(f->data, f->size, f->mapped);
    free(f->cid_of);
    free(f->cid_cp);
    free(f->cid_gid);
    free(f->widths);
    memset(f, 0, sizeof *f);
}

/* Finds the tables of face F->index; NULL if sound, else what is wrong. */
static const char *parse_sfnt(efont *f)
{
    const unsigned char *d = f->data;
    size_t size = f->size, off = 0;
    if (size < 12)
        return "not a TrueType font (too short)";
    if (memcmp(d, "ttcf", 4) == 0) {
        uint32_t n = be32(d + 8);
        if (f->index < 0 || (uint32_t)f->index >= n
            || 12 + 4 * ((size_t)f->index + 1) > size)
            return "no such face in the collection";
        off = be32(d + 12 + 4 * (size_t)f->index);
    } else if (f->index != 0) {
        return "no such face in the collection";
    }
    if (off > size - 12)
        return "truncated or damaged file";
    uint32_t version = be32(d + off);
    if (version == 0x4F54544FUL)    /* 'OTTO' */
        return "a CFF-based OpenType font (only TrueType outlines can be "
               "embedded)";
    if (version != 0x00010000UL && version != 0x74727565UL)  /* 'true' */
        return "not a TrueType font";
    size_t n = be16(d + off + 4);
    if (off + 12 + 16 * n > size)
        return "truncated or damaged file";
    static const char tags[][5] = {"head", "hhea", "maxp", "loca", "glyf",
                                   "hmtx", "cvt ", "fpgm", "prep", "OS/2",
                                   "post", "name"};
    sfnt_tab *slot[] = {&f->head, &f->hhea, &f->maxp, &f->loca, &f->glyf,
                        &f->hmtx, &f->cvt,  &f->fpgm, &f->prep, &f->os2,
                        &f->post, &f->name};
    for (size_t i = 0; i < n; i++) {
        const unsigned char *rec = d + off + 12 + 16 * i;
        uint64_t t_off = be32(rec + 8), t_len = be32(rec + 12);
        if (t_off + t_len > size)
            return "truncated or damaged file (a table lies outside it)";
        for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
            if (memcmp(rec, tags[k], 4) == 0) {
                slot[k]->p = d + t_off;
                slot[k]->len = (uint32_t)t_len;
            }
        }
    }
    if (!f->glyf.p || !f->loca.p)
        return "not a TrueType font with glyf outlines";
    if (!f->head.p || !f->hhea.p || !f->maxp.p || !f->hmtx.p)
        return "the font misses a required table";
    if (f->head.len < 54 || be32(f->head.p + 12) != 0x5F0F3CF5UL
        || f->hhea.len < 36 || f->maxp.len < 6)
        return "damaged head, hhea or maxp table";
    f->upem = be16(f->head.p + 18);
    unsigned loc_format = be16(f->head.p + 50);
    f->n_glyphs = be16(f->maxp.p + 4);
    f->n_hmetrics = be16(f->hhea.p + 34);
    if (f->upem < 16 || f->upem > 16384 || loc_format > 1
        || f->n_glyphs == 0 || f->n_hmetrics == 0
        || f->n_hmetrics > f->n_glyphs
        || f->hmtx.len < 4 * (uint32_t)f->n_hmetrics
        || f->loca.len < ((uint32_t)f->n_glyphs + 1) * (loc_format ? 4 : 2))
        return "damaged head, maxp, hmtx or loca table";
    f->long_loca = (int)loc_format;
    /* OS/2 fsType: "restricted licence embedding" (and no preview/print
     * or editable permission), or "bitmap embedding only" */
    if (f->os2.p && f->os2.len >= 10) {
        unsigned fs = be16(f->os2.p + 8);
        if ((fs & 0x000F) == 0x0002 || (fs & 0x0200))
            return "the font's licence forbids embedding";
    }
    return NULL;
}

/* Where glyph G's data lies in the glyf table; 0, or -1 if damaged. */
static int glyph_range(const efont *f, unsigned g, uint32_t *at,
                       uint32_t *len)
{
    uint32_t a, b;
    if (f->long_loca) {
        a = be32(f->loca.p + 4 * (size_t)g);
        b = be32(f->loca.p + 4 * (size_t)g + 4);
    } else {
        a = 2 * (uint32_t)be16(f->loca.p + 2 * (size_t)g);
        b = 2 * (uint32_t)be16(f->loca.p + 2 * (size_t)g + 2);
    }
    if (b < a || b > f->glyf.len)
        return -1;
    *at = a;
    *len = b - a;
    return 0;
}

/* Steps through the components of composite glyph data G (LEN bytes,
 * *POS = 10 and *MORE = 1 at the start): sets *FIELD to the offset of
 * the next component's glyph index and returns 1, or returns 0 after the
 * last component, -1 if the data is damaged. */
static int next_component(const unsigned char *g, uint32_t len,
                          uint32_t *pos, int *more, uint32_t *field)
{
    if (!*more)
        return 0;
    uint32_t p = *pos;
    if (len < 4 || p > len - 4)
        return -1;
    unsigned flags = be16(g + p);
    *field = p + 2;
    p += 4 + ((flags & 0x0001) ? 4 : 2);        /* ARG_1_AND_2_ARE_WORDS */
    if (flags & 0x0008)                         /* WE_HAVE_A_SCALE */
        p += 2;
    else if (flags & 0x0040)                    /* AN_X_AND_Y_SCALE */
        p += 4;
    else if (flags & 0x0080)                    /* A_TWO_BY_TWO */
        p += 8;
    if (p > len)
        return -1;
    *pos = p;
    *more = (flags & 0x0020) != 0;              /* MORE_COMPONENTS */
    return 1;
}

static int is_composite(const unsigned char *g, uint32_t len)
{
    return len >= 10 && (be16(g) & 0x8000);
}

/* Records a font problem once, naming the file. */
static void font_error(pdf_ctx *c, const char *path, const char *why)
{
    if (c->reported)
        return;
    c->reported = 1;
    sp_diag_add(c->d, SP_D_FONT, path, 0, 0,
                "cannot embed this font in the PDF: %s", why);
}

static void out_of_memory(pdf_ctx *c, const char *what)
{
    report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, what);
}

/* Creates the font dictionary of F's next slice (completed in
 * embed_font). */
static int new_slice(pdf_ctx *c, efont *f)
{
    HPDF_Dict d = HPDF_Dict_New(c->pdf->mmgr);
    if (!d)
        return fail(c, "embedding a font");
    if (HPDF_Xref_Add(c->pdf->xref, d) != HPDF_OK)
        return fail(c, "embedding a font");     /* D freed by libharu */
    f->slice[f->n_slices++].font = d;
    return 0;
}

/* Reads (or borrows from OTHER, the same file's other face, if not
 * NULL), checks and opens F's file and creates its first slice. */
static int load_efont(pdf_ctx *c, efont *f, const efont *other)
{
    const char *why = "cannot read the file";
    if (other) {
        f->data = other->data;
        f->size = other->size;
        f->borrowed = 1;
    } else {
        f->data = read_font_file(f->path, &f->size, &f->mapped, &why);
    }
    if (!f->data) {
        if (why)
            font_error(c, f->path, why);
        else
            out_of_memory(c, "reading a font");
        return -1;
    }
    if ((why = parse_sfnt(f))) {
        font_error(c, f->path, why);
        return -1;
    }
    if (!c->ft && FT_Init_FreeType(&c->ft)) {
        c->ft = NULL;
        font_error(c, f->path, "cannot start FreeType");
        return -1;
    }
    if (FT_New_Memory_Face(c->ft, f->data, (FT_Long)f->size, f->index,
                           &f->ft)) {
        f->ft = NULL;
        font_error(c, f->path, "not a usable TrueType font");
        return -1;
    }
    if (FT_Select_Charmap(f->ft, FT_ENCODING_UNICODE)) {
        font_error(c, f->path, "the font has no Unicode cmap");
        return -1;
    }
    f->cap_cids = 256;
    f->cid_of = calloc(0x10000, sizeof *f->cid_of);
    f->cid_cp = malloc(f->cap_cids * sizeof *f->cid_cp);
    f->cid_gid = malloc(f->cap_cids * sizeof *f->cid_gid);
    if (!f->cid_of || !f->cid_cp || !f->cid_gid) {
        out_of_memory(c, "embedding a font");
        return -1;
    }
    f->cid_cp[0] = 0;
    f->cid_gid[0] = 0;
    f->n_cids = 1;
    return new_slice(c, f);
}

/* The face's embedded font, loaded on first use; NULL on failure. */
static efont *get_font(pdf_ctx *c, sp_face face)
{
    if ((unsigned)face >= SP_FACE_COUNT)
        face = SP_FACE_REGULAR;
    if (c->font[face])
        return c->font[face];
    if (!c->fonts) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_FONT, c->name, 0, 0,
                        "cannot write the PDF: it has text but no fonts "
                        "were given");
        c->reported = 1;
        return NULL;
    }
    const char *path = sp_fonts_path(c->fonts, face);
    int index = sp_fonts_index(c->fonts, face);
    if (!path) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_FONT, c->name, 0, 0,
                        "cannot write the PDF: no font file for face %d",
                        (int)face);
        c->reported = 1;
        return NULL;
    }
    /* the same file and index for two faces: embed it once; another face
     * of the same collection: read the file once */
    const efont *same_file = NULL;
    for (int i = 0; i < c->n_efonts; i++) {
        if (strcmp(c->efonts[i].path, path) != 0)
            continue;
        if (c->efonts[i].index == index)
            return c->font[face] = &c->efonts[i];
        if (c->efonts[i].data && !same_file)
            same_file = &c->efonts[i];
    }
    efont *f = &c->efonts[c->n_efonts++];
    f->path = path;
    f->index = index;
    if (load_efont(c, f, same_file) != 0)
        return NULL;
    return c->font[face] = f;
}

/* Gives code point CP (not yet drawn with F) the next CID; returns it,
 * or 0 on failure (reported). */
static unsigned new_cid(pdf_ctx *c, efont *f, unsigned cp)
{
    if (f->n_cids >= MAX_CIDS) {
        font_error(c, f->path, "more than 65,534 different characters "
                               "drawn with one font");
        return 0;
    }
    if (f->n_cids == f->cap_cids) {
        size_t cap = 2 * f->cap_cids;
        uint32_t *cps = realloc(f->cid_cp, cap * sizeof *cps);
        if (cps)
            f->cid_cp = cps;
        uint16_t *gids = cps ? realloc(f->cid_gid, cap * sizeof *gids) : NULL;
        if (gids)
            f->cid_gid = gids;
        if (!cps || !gids) {
            out_of_memory(c, "embedding a font");
            return 0;
        }
        f->cap_cids = cap;
    }
    if (f->n_cids % 256 == 0 && new_slice(c, f) != 0)
        return 0;
    FT_UInt g = FT_Get_Char_Index(f->ft, cp);
    if (g >= f->n_glyphs)
        g = 0;
    unsigned cid = (unsigned)f->n_cids++;
    f->cid_cp[cid] = cp;
    f->cid_gid[cid] = (uint16_t)g;
    f->cid_of[cp] = (uint16_t)cid;
    return cid;
}

/* The subset's cmap: a format 4 table mapping the code points drawn to
 * their CIDs' glyphs.  Leaves OUT empty when there are too many ranges
 * for one format 4 table (the cmap is optional in a CIDFontType2). */
typedef struct {
    uint32_t cp;
    unsigned cid;
} cp_cid;

static int cmp_cp(const void *a, const void *b)
{
    uint32_t x = ((const cp_cid *)a)->cp, y = ((const cp_cid *)b)->cp;
    return x < y ? -1 : x > y;
}

static int make_cmap(const efont *f, cbuf *out)
{
    cp_cid *m = malloc(f->n_cids * sizeof *m);
    if (!m)
        return -1;
    size_t n = 0;
    for (size_t cid = 1; cid < f->n_cids; cid++)
        if (f->cid_cp[cid] < 0xFFFF && f->cid_gid[cid] != 0)
            m[n++] = (cp_cid){f->cid_cp[cid], (unsigned)cid};
    qsort(m, n, sizeof *m, cmp_cp);
    /* segments: runs of consecutive code points with consecutive CIDs */
    size_t segs = 1;                            /* the final 0xFFFF one */
    for (size_t i = 0; i < n; i++)
        if (i == 0 || m[i].cp != m[i - 1].cp + 1
            || m[i].cid != m[i - 1].cid + 1)
            segs++;
    size_t sub_len = 16 + 8 * segs;
    if (sub_len > 0xFFFF) {
        free(m);
        return 0;
    }
    cb_grow(out, 12 + sub_len);
    if (out->oom) {
        free(m);
        return -1;
    }
    unsigned char *p = (unsigned char *)out->p;
    memset(p, 0, 12 + sub_len);
    put16(p + 2, 1);                            /* one subtable */
    put16(p + 4, 3);                            /* Windows */
    put16(p + 6, 1);                            /* Unicode BMP */
    put32(p + 8, 12);
    unsigned char *s = p + 12;
    unsigned sr = 1, es = 0;
    while (2 * sr <= segs) {
        sr *= 2;
        es++;
    }
    put16(s, 4);
    put16(s + 2, (unsigned)sub_len);
    put16(s + 6, (unsigned)(2 * segs));
    put16(s + 8, 2 * sr);
    put16(s + 10, es);
    put16(s + 12, (unsigned)(2 * segs - 2 * sr));
    unsigned char *end_code = s + 14, *start_code = end_code + 2 * segs + 2;
    unsigned char *delta = start_code + 2 * segs;
    /* idRangeOffset (after delta) stays 0 */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && m[i].cp == m[i - 1].cp + 1
            && m[i].cid == m[i - 1].cid + 1) {
            put16(end_code + 2 * (k - 1), m[i].cp);
            continue;
        }
        put16(start_code + 2 * k, m[i].cp);
        put16(end_code + 2 * k, m[i].cp);
        put16(delta + 2 * k, (m[i].cid - m[i].cp) & 0xFFFF);
        k++;
    }
    put16(start_code + 2 * k, 0xFFFF);
    put16(end_code + 2 * k, 0xFFFF);
    put16(delta + 2 * k, 1);
    out->n = 12 + sub_len;
    free(m);
    return 0;
}

static uint32_t table_sum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += be32(p + i);
    if (i < len) {
        unsigned char last[4] = {0, 0, 0, 0};
        memcpy(last, p + i, len - i);
        sum += be32(last);
    }
    return sum;
}

/* The PostScript name of the font (name ID 6) as a PDF-safe string in
 * OUT (at most 63 characters), or "" if it has none. */
static void ps_name(const efont *f, char *out, size_t cap)
{
    out[0] = '\0';
    const unsigned char *t = f->name.p;
    uint32_t len = f->name.len;
    if (!t || len < 6)
        return;
    unsigned count = be16(t + 2), strings = be16(t + 4);
    int best = -1;
    for (unsigned i = 0; i < count && 6 + 12 * (size_t)(i + 1) <= len; i++) {
        const unsigned char *r = t + 6 + 12 * i;
        unsigned plat = be16(r), id = be16(r + 6);
        if (id != 6 || (plat != 1 && plat != 3))
            continue;
        size_t at = (size_t)strings + be16(r + 10), n = be16(r + 8);
        if (at + n > len)
            continue;
        char tmp[64];
        size_t k = 0, step = plat == 3 ? 2 : 1;
        for (size_t j = plat == 3 ? 1 : 0; j < n && k + 1 < sizeof tmp;
             j += step) {
            unsigned ch = t[at + j];
            if (plat == 3 && t[at + j - 1] != 0)
                continue;
            if (ch > 32 && ch < 127 && !strchr("[](){}<>/%#", (int)ch))
                tmp[k++] = (char)ch;
        }
        tmp[k] = '\0';
        if (k > 0 && k < cap && (best < 0 || plat == 3)) {
            memcpy(out, tmp, k + 1);
            best = (int)plat;
        }
        if (best == 3)
            break;
    }
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

/* The subset TrueType file of F's CIDs and their components, in a
 * malloc'd buffer (*LEN bytes); NULL on failure (reported). */
static unsigned char *make_subset(pdf_ctx *c, efont *f, size_t *len)
{
    unsigned char *font = NULL;
    uint32_t *new_of = calloc(f->n_glyphs, sizeof *new_of); /* +1 */
    uint16_t *orig = malloc(MAX_CIDS * sizeof *orig);
    cbuf glyf = {0}, cmap = {0};
    unsigned char *loca = NULL, *hmtx = NULL;
    if (!new_of || !orig)
        goto nomem;
    size_t n = 0;
    for (size_t cid = 0; cid < f->n_cids; cid++) {
        unsigned g = f->cid_gid[cid];
        orig[n++] = (uint16_t)g;
        if (!new_of[g])
            new_of[g] = (uint32_t)cid + 1;
    }
    /* the components of composite glyphs, then theirs */
    uint64_t glyf_len = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t at, gl;
        if (glyph_range(f, orig[i], &at, &gl) != 0)
            goto damaged;
        glyf_len += (gl + 3) & ~(uint32_t)3;
        const unsigned char *g = f->glyf.p + at;
        if (!is_composite(g, gl))
            continue;
        uint32_t pos = 10, field;
        int more = 1, r;
        while ((r = next_component(g, gl, &pos, &more, &field)) == 1) {
            unsigned cg = be16(g + field);
            if (cg >= f->n_glyphs)
                goto damaged;
            if (new_of[cg])
                continue;
            if (n >= MAX_CIDS) {
                font_error(c, f->path, "too many glyphs for one subset");
                goto out;
            }
            new_of[cg] = (uint32_t)n + 1;
            orig[n++] = (uint16_t)cg;
        }
        if (r < 0)
            goto damaged;
    }
    if (glyf_len > 0x40000000)
        goto damaged;
    /* glyf and loca (long offsets) */
    cb_grow(&glyf, (size_t)glyf_len + 1);
    loca = malloc(4 * (n + 1));
    hmtx = malloc(4 * n);
    if (glyf.oom || !loca || !hmtx)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        uint32_t at, gl;
        glyph_range(f, orig[i], &at, &gl);
        put32(loca + 4 * i, (uint32_t)glyf.n);
        unsigned char *dst = (unsigned char *)glyf.p + glyf.n;
        memcpy(dst, f->glyf.p + at, gl);
        uint32_t padded = (gl + 3) & ~(uint32_t)3;
        memset(dst + gl, 0, padded - gl);
        if (is_composite(dst, gl)) {
            uint32_t pos = 10, field;
            int more = 1;
            while (next_component(dst, gl, &pos, &more, &field) == 1)
                put16(dst + field, new_of[be16(dst + field)] - 1);
        }
        glyf.n += padded;
        /* horizontal metrics */
        unsigned g = orig[i], nh = f->n_hmetrics;
        const unsigned char *h = f->hmtx.p;
        unsigned adv = be16(h + 4 * (size_t)(g < nh ? g : nh - 1));
        unsigned lsb = 0;
        if (g < nh)
            lsb = be16(h + 4 * (size_t)g + 2);
        else if (4 * (size_t)nh + 2 * (size_t)(g - nh) + 2 <= f->hmtx.len)
            lsb = be16(h + 4 * (size_t)nh + 2 * (size_t)(g - nh));
        put16(hmtx + 4 * i, adv);
        put16(hmtx + 4 * i + 2, lsb);
    }
    put32(loca + 4 * n, (uint32_t)glyf.n);
    if (make_cmap(f, &cmap) != 0)
        goto nomem;
    unsigned char head[54], hhea[36], maxp[32], post[32];
    memcpy(head, f->head.p, sizeof head);
    put32(head + 8, 0);                         /* checkSumAdjustment */
    put16(head + 50, 1);                        /* long loca */
    memcpy(hhea, f->hhea.p, sizeof hhea);
    put16(hhea + 34, (unsigned)n);
    size_t maxp_len = f->maxp.len < sizeof maxp ? f->maxp.len : sizeof maxp;
    memcpy(maxp, f->maxp.p, maxp_len);
    put16(maxp + 4, (unsigned)n);
    memset(post, 0, sizeof post);
    if (f->post.p && f->post.len >= sizeof post)
        memcpy(post, f->post.p, sizeof post);
    put32(post, 0x00030000UL);                  /* no glyph names */
    /* in tag order */
    struct {
        const char *tag;
        const unsigned char *p;
        size_t len;
    } t[] = {
        {"OS/2", f->os2.p, f->os2.len >= 78 ? f->os2.len : 0},
        {"cmap", (unsigned char *)cmap.p, cmap.n},
        {"cvt ", f->cvt.p, f->cvt.len},
        {"fpgm", f->fpgm.p, f->fpgm.len},
        {"glyf", (unsigned char *)glyf.p, glyf.n},
        {"head", head, sizeof head},
        {"hhea", hhea, sizeof hhea},
        {"hmtx", hmtx, 4 * n},
        {"loca", loca, 4 * (n + 1)},
        {"maxp", maxp, maxp_len},
        {"post", post, sizeof post},
        {"prep", f->prep.p, f->prep.len},
    };
    size_t nt = 0, total = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].p && t[i].len > 0) {
            t[nt++] = t[i];
            total += (t[i].len + 3) & ~(size_t)3;
        }
    size_t dir = 12 + 16 * nt;
    total += dir;
    font = malloc(total);
    if (!font)
        goto nomem;
    memset(font, 0, total);
    unsigned sr = 1, es = 0;
    while (2 * sr <= nt) {
        sr *= 2;
        es++;
    }
    put32(font, 0x00010000UL);
    put16(font + 4, (unsigned)nt);
    put16(font + 6, 16 * sr);
    put16(font + 8, es);
    put16(font + 10, (unsigned)(16 * nt - 16 * sr));
    size_t at = dir, head_at = 0;
    for (size_t i = 0; i < nt; i++) {
        unsigned char *rec = font + 12 + 16 * i;
        memcpy(rec, t[i].tag, 4);
        memcpy(font + at, t[i].p, t[i].len);
        put32(rec + 4, table_sum(font + at, t[i].len));
        put32(rec + 8, (uint32_t)at);
        put32(rec + 12, (uint32_t)t[i].len);
        if (memcmp(t[i].tag, "head", 4) == 0)
            head_at = at;
        at += (t[i].len + 3) & ~(size_t)3;
    }
    put32(font + head_at + 8, 0xB1B0AFBAUL - table_sum(font, total));
    *len = total;
    goto out;
damaged:
    font_error(c, f->path, "damaged glyph data (loca or glyf table)");
    goto out;
nomem:
    out_of_memory(c, "embedding a font");
out:
    free(new_of);
    free(orig);
    free(glyf.p);
    free(cmap.p);
    free(loca);
    free(hmtx);
    return font;
}

/* Six capital letters naming the subset, from what it holds. */
static void subset_tag(const efont *f, char tag[7])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t cid = 1; cid < f->n_cids; cid++) {
        h = (h ^ f->cid_cp[cid]) * 0x100000001b3ULL;
        h = (h ^ f->cid_gid[cid]) * 0x100000001b3ULL;
    }
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
}

/* The ToUnicode CMap of slice K: each 1-byte code to its code point. */
static void make_tounicode(const efont *f, int k, cbuf *b)
{
    static const char head[] =
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0"
        " >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n";
    static const char tail[] =
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\nend\n";
    CB_LIT(b, head);
    size_t lo = 256 * (size_t)k, hi = lo + 256;
    if (lo == 0)
        lo = 1;                     /* CID 0 is .notdef */
    if (hi > f->n_cids)
        hi = f->n_cids;
    char line[32];
    for (size_t first = lo; first < hi; first += 100) {
        size_t n = hi - first < 100 ? hi - first : 100;
        int m = snprintf(line, sizeof line, "%zu beginbfchar\n", n);
        cb_put(b, line, (size_t)m);
        for (size_t cid = first; cid < first + n; cid++) {
            m = snprintf(line, sizeof line, "<%02X> <%04X>\n",
                         (unsigned)(cid & 0xFF), (unsigned)f->cid_cp[cid]);
            cb_put(b, line, (size_t)m);
        }
        CB_LIT(b, "endbfchar\n");
    }
    CB_LIT(b, tail);
}

/* The encoding CMap of slice K: 1-byte codes, code c is CID 256k + c. */
static void make_slice_cmap(int k, cbuf *b)
{
    char text[512];
    int m = snprintf(text, sizeof text,
                     "/CIDInit /ProcSet findresource begin\n"
                     "12 dict begin\n"
                     "begincmap\n"
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering "
                     "(Identity) /Supplement 0 >> def\n"
                     "/CMapName /Studypack-Slice-%d def\n"
                     "/CMapType 1 def\n"
                     "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
                     "1 begincidrange\n<00> <FF> %d\nendcidrange\n"
                     "endcmap\n"
                     "CMapName currentdict /CMap defineresource pop\n"
                     "end\nend\n", k, 256 * k);
    cb_put(b, text, (size_t)m);
}

/* A stream object (deflated when saved) holding B, added to DICT as KEY. */
static HPDF_Dict add_stream(pdf_ctx *c, HPDF_Dict dict, const char *key,
                            const cbuf *b)
{
    HPDF_Dict st = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    if (!st || HPDF_Dict_Add(dict, key, st) != HPDF_OK
        || HPDF_Stream_Write(st->stream, (const HPDF_BYTE *)b->p,
                             (HPDF_UINT)b->n) != HPDF_OK) {
        fail(c, "embedding a font");
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
        return fail(c, "embedding a font");
    return 0;
}

/* Completes F's slices: the Type0 fonts with their CMaps and ToUnicode
 * maps, over one CIDFont with its widths, font descriptor and subset. */
static int embed_font(pdf_ctx *c, efont *f)
{
    HPDF_MMgr mm = c->pdf->mmgr;
    HPDF_Xref xref = c->pdf->xref;
    size_t font_len = 0;
    cbuf w, text;
    memset(&w, 0, sizeof w);
    memset(&text, 0, sizeof text);
    int rc = -1;
    unsigned char *font = make_subset(c, f, &font_len);
    if (!font)
        return -1;
    /* widths as the layout measured them: missing glyphs are 0 wide */
    CB_LIT(&w, "/W [1 [");
    double scale = 1000.0 / f->upem;
    for (size_t cid = 1; cid < f->n_cids; cid++) {
        unsigned g = f->cid_gid[cid], nh = f->n_hmetrics;
        double adv = g ? be16(f->hmtx.p + 4 * (size_t)(g < nh ? g : nh - 1))
                         * scale : 0;
        cb_num(&w, adv);
    }
    CB_LIT(&w, "]]\012");
    cb_put(&w, "", 1);
    if (w.oom) {
        out_of_memory(c, "embedding a font");
        goto out;
    }
    free(f->widths);
    f->widths = w.p;
    w.p = NULL;

    char tag[7], ps[64], base[80];
    subset_tag(f, tag);
    ps_name(f, ps, sizeof ps);
    snprintf(base, sizeof base, "%s+%s", tag, ps[0] ? ps : "Font");

    const unsigned char *hd = f->head.p, *hh = f->hhea.p;
    double ascent = sbe16(hh + 4) * scale, descent = sbe16(hh + 6) * scale;
    double cap = ascent;
    if (f->os2.p && f->os2.len >= 90 && be16(f->os2.p) >= 2)
        cap = sbe16(f->os2.p + 88) * scale;
    double italic = f->post.p && f->post.len >= 8
        ? (int32_t)be32(f->post.p + 4) / 65536.0 : 0;
    int fixed = f->post.p && f->post.len >= 16 && be32(f->post.p + 12) != 0;
    unsigned weight = f->os2.p && f->os2.len >= 6 ? be16(f->os2.p + 4) : 400;

    /* the CIDFont and its descriptor */
    HPDF_Dict cid = HPDF_Dict_New(mm), fd;
    if (!cid || HPDF_Xref_Add(xref, cid) != HPDF_OK)
        goto hpdf;
    if (add_name(c, cid, "Type", "Font")
        || add_name(c, cid, "Subtype", "CIDFontType2")
        || add_name(c, cid, "BaseFont", base) || add_system_info(c, cid))
        goto out;
    if (!(fd = HPDF_Dict_New(mm)) || HPDF_Xref_Add(xref, fd) != HPDF_OK
        || HPDF_Dict_Add(cid, "FontDescriptor", fd) != HPDF_OK)
        goto hpdf;
    if (add_name(c, cid, "CIDToGIDMap", "Identity"))
        goto out;
    cid->attr = f->widths;
    cid->write_fn = write_widths;
    if (add_name(c, fd, "Type", "FontDescriptor")
        || add_name(c, fd, "FontName", base)
        || add_int(c, fd, "Flags", 4 | (fixed ? 1 : 0) | (italic ? 64 : 0)))
        goto out;
    HPDF_Array bbox = HPDF_Array_New(mm);
    if (!bbox || HPDF_Dict_Add(fd, "FontBBox", bbox) != HPDF_OK)
        goto hpdf;
    for (int k = 0; k < 4; k++)
        if (HPDF_Array_AddNumber(bbox, (HPDF_INT32)lround(
                                            sbe16(hd + 36 + 2 * k) * scale))
            != HPDF_OK)
            goto hpdf;
    if (HPDF_Dict_AddReal(fd, "ItalicAngle", (HPDF_REAL)italic) != HPDF_OK)
        goto hpdf;
    if (add_int(c, fd, "Ascent", ascent) || add_int(c, fd, "Descent", descent)
        || add_int(c, fd, "CapHeight", cap)
        || add_int(c, fd, "StemV", weight >= 600 ? 120 : 80))
        goto out;
    cbuf fb = {(char *)font, font_len, font_len, 0};
    HPDF_Dict file = add_stream(c, fd, "FontFile2", &fb);
    if (!file)
        goto out;
    if (HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)font_len)
        != HPDF_OK)
        goto hpdf;

    /* the slices */
    for (int k = 0; k < f->n_slices; k++) {
        HPDF_Dict t0 = f->slice[k].font;
        if (add_name(c, t0, "Type", "Font")
            || add_name(c, t0, "Subtype", "Type0")
            || add_name(c, t0, "BaseFont", base))
            goto out;
        text.n = 0;
        make_slice_cmap(k, &text);
        if (text.oom) {
            out_of_memory(c, "embedding a font");
            goto out;
        }
        HPDF_Dict cmap = add_stream(c, t0, "Encoding", &text);
        if (!cmap)
            goto out;
        char name[32];
        snprintf(name, sizeof name, "Studypack-Slice-%d", k);
        if (add_name(c, cmap, "Type", "CMap")
            || add_name(c, cmap, "CMapName", name)
            || add_system_info(c, cmap))
            goto out;
        HPDF_Array desc = HPDF_Array_New(mm);
        if (!desc || HPDF_Dict_Add(t0, "DescendantFonts", desc) != HPDF_OK
            || HPDF_Array_Add(desc, cid) != HPDF_OK)
            goto hpdf;
        text.n = 0;
        make_tounicode(f, k, &text);
        if (text.oom) {
            out_of_memory(c, "embedding a font");
            goto out;
        }
        if (!add_stream(c, t0, "ToUnicode", &text))
            goto out;
    }
    rc = 0;
    goto out;
hpdf:
    fail(c, "embedding a font");
out:
    free(font);
    free(w.p);
    free(text.p);
    return rc;
}

/* Completes every font used: once all pages are drawn. */
static int embed_fonts(pdf_ctx *c)
{
    for (int i = 0; i < c->n_efonts; i++)
        if (embed_font(c, &c->efonts[i]) != 0)
            return -1;
    return 0;
}

/* Next code point of UTF-8 text (U+FFFD for a malformed sequence). */
static unsigned utf8_next(const unsigned char **sp, const unsigned char *end)
{
    const unsigned char *s = *sp;
    unsigned c = *s++, cp;
    int extra;
    if (c < 0x80) {
        *sp = s;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        cp = c & 0x1F;
        extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        cp = c & 0x0F;
        extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
        cp = c & 0x07;
        extra = 3;
    } else {
        *sp = s;
        return 0xFFFD;
    }
    for (int i = 0; i < extra; i++) {
        if (s >= end || (*s & 0xC0) != 0x80) {
            *sp = s;
            return 0xFFFD;
        }
        cp = cp << 6 | (*s++ & 0x3F);
    }
    *sp = s;
    static const unsigned min[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

/* The graphics state as last set on the page, so we skip redundant
 * operators. */
typedef struct {
    double line_w, stroke, fill, dash;
    const HPDF_Dict_Rec *font;      /* slice font set, or NULL */
    double size;
} gcache;

static void gcache_reset(gcache *g)
{
    /* the PDF defaults on a fresh page */
    g->line_w = 1;
    g->stroke = 0;
    g->fill = 0;
    g->dash = 0;
    g->font = NULL;
    g->size = 0;
}

typedef struct {
    HPDF_Page page;
    cbuf cb;
    int in_text;
    long long tx, ty;               /* text line origin, in thousandths */
    gcache gs;
} page_ctx;

static void end_text(page_ctx *pc)
{
    if (pc->in_text) {
        pc->in_text = 0;
        CB_LIT(&pc->cb, "ET\n");
    }
}

static int item_finite(const sp_dl_item *it)
{
    return isfinite(it->x_pt) && isfinite(it->y_pt) && isfinite(it->x2_pt)
           && isfinite(it->y2_pt) && isfinite(it->w_pt) && isfinite(it->h_pt)
           && isfinite(it->size_pt) && isfinite(it->line_pt)
           && isfinite(it->gray) && isfinite(it->fill_gray)
           && isfinite(it->dash_pt);
}

/* Gray levels to 1/1000, so equal-looking values compare equal. */
static double gray_level(double v)
{
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    return floor(v * 1000 + 0.5) / 1000;
}

static void set_fill(page_ctx *pc, double gray)
{
    gray = gray_level(gray);
    if (gray != pc->gs.fill) {
        cb_num(&pc->cb, gray);
        CB_LIT(&pc->cb, "g\n");
        pc->gs.fill = gray;
    }
}

static void set_stroke(page_ctx *pc, double width, double gray, double dash)
{
    gray = gray_level(gray);
    if (width != pc->gs.line_w) {
        cb_num(&pc->cb, width);
        CB_LIT(&pc->cb, "w\n");
        pc->gs.line_w = width;
    }
    if (gray != pc->gs.stroke) {
        cb_num(&pc->cb, gray);
        CB_LIT(&pc->cb, "G\n");
        pc->gs.stroke = gray;
    }
    dash = dash > 0 ? dash : 0;
    if (dash != pc->gs.dash) {
        if (dash > 0) {
            CB_LIT(&pc->cb, "[");
            cb_num(&pc->cb, dash);
            CB_LIT(&pc->cb, "] 0 d\n");
        } else {
            CB_LIT(&pc->cb, "[] 0 d\n");
        }
        pc->gs.dash = dash;
    }
}

/* One byte of a literal string, escaped as needed.  Line ends are
 * escaped too: a reader turns a bare CR into LF, and Ghostscript 10.0
 * drops one of two bare LFs in a row. */
static char *put_byte(char *o, unsigned x)
{
    if (x == '(' || x == ')' || x == '\\') {
        *o++ = '\\';
        *o++ = (char)x;
    } else if (x == '\r') {
        *o++ = '\\';
        *o++ = 'r';
    } else if (x == '\n') {
        *o++ = '\\';
        *o++ = 'n';
    } else {
        *o++ = (char)x;
    }
    return o;
}

/* Sets slice K of font F at SIZE, unless it is set already.  0 or -1. */
static int set_font(pdf_ctx *c, page_ctx *pc, efont *f, unsigned k,
                    double size)
{
    HPDF_Dict font = f->slice[k].font;
    if (font == pc->gs.font && size == pc->gs.size)
        return 0;
    if (f->slice[k].page != c->page_no) {
        f->slice[k].name = HPDF_Page_GetLocalFontName(pc->page, font);
        if (!f->slice[k].name)
            return fail(c, "adding a font to a page");
        f->slice[k].page = c->page_no;
    }
    CB_LIT(&pc->cb, "/");
    cb_put(&pc->cb, f->slice[k].name, strlen(f->slice[k].name));
    CB_LIT(&pc->cb, " ");
    cb_num(&pc->cb, size);
    CB_LIT(&pc->cb, "Tf\n");
    pc->gs.font = font;
    pc->gs.size = size;
    return 0;
}

/* UTF-8 text drawn with font F at SIZE: "(...)Tj" with the 1-byte codes
 * of F's slices, switching slices (Tf) where the text needs another one.
 * Code points beyond the BMP (which layout never draws) become U+FFFD;
 * code points new to F get the next CID.  0, or -1 on failure. */
static int put_text(pdf_ctx *c, page_ctx *pc, efont *f, double size,
                    const unsigned char *s, const unsigned char *end)
{
    cbuf *b = &pc->cb;
    const uint16_t *cid_of = f->cid_of;
    HPDF_Dict cur = NULL;           /* the slice of the open string */
    char *o = NULL;
    while (s < end) {
        unsigned cp = *s < 0x80 ? *s++ : utf8_next(&s, end);
        if (cp > 0xFFFF)
            cp = 0xFFFD;
        unsigned cid = cid_of[cp];
        if (!cid && !(cid = new_cid(c, f, cp)))
            return -1;
        if (f->slice[cid >> 8].font != cur) {
            if (cur) {
                b->n = (size_t)(o - b->p);
                CB_LIT(b, ")Tj\n");
            }
            if (set_font(c, pc, f, cid >> 8, size) != 0)
                return -1;
            cur = f->slice[cid >> 8].font;
            /* at most 2 bytes per code point, which takes at least one
             * byte of UTF-8 */
            cb_grow(b, 2 * (size_t)(end - s) + 8);
            if (b->oom)
                return 0;           /* reported when the page ends */
            o = b->p + b->n;
            *o++ = '(';
        }
        o = put_byte(o, cid & 0xFF);
    }
    if (cur) {
        b->n = (size_t)(o - b->p);
        CB_LIT(b, ")Tj\n");
    }
    return 0;
}

static int draw_text(pdf_ctx *c, page_ctx *pc, const sp_dl_item *it,
                     double h)
{
    if (!it->text || !it->text[0])
        return 0;
    if (!(it->size_pt > 0 && it->size_pt <= HPDF_MAX_FONTSIZE)) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                        "cannot write the PDF: text size %g pt is out of "
                        "range", it->size_pt);
        c->reported = 1;
        return -1;
    }
    sp_face face = (unsigned)it->face < SP_FACE_COUNT ? it->face
                                                      : SP_FACE_REGULAR;
    efont *font = get_font(c, face);
    if (!font)
        return -1;
    const unsigned char *s = (const unsigned char *)it->text;
    const unsigned char *end = s + strlen(it->text);
    if (!pc->in_text) {
        CB_LIT(&pc->cb, "BT\n");
        pc->in_text = 1;
        pc->tx = pc->ty = 0;
    }
    set_fill(pc, it->gray);
    /* moves relative to the previous line's start, in exact thousandths
     * (so no rounding error adds up) */
    long long x = milli(it->x_pt), y = milli(h - it->y_pt);
    cb_milli(&pc->cb, x - pc->tx);
    cb_milli(&pc->cb, y - pc->ty);
    CB_LIT(&pc->cb, "Td\n");
    pc->tx = x;
    pc->ty = y;
    if (!it->actual)
        return put_text(c, pc, font, it->size_pt, s, end);
    /* marked content whose /ActualText (UTF-16BE) readers extract
     * instead of the glyphs: hyphens added by line breaking */
    CB_LIT(&pc->cb, "/Span <</ActualText <FEFF");
    const unsigned char *a = (const unsigned char *)it->actual;
    const unsigned char *ae = a + it->actual_len;
    while (a < ae) {
        unsigned cp = *a < 0x80 ? *a++ : utf8_next(&a, ae);
        unsigned u[2] = {cp, 0};
        int n = 1;
        if (cp > 0xFFFF) {
            u[0] = 0xD800 + ((cp - 0x10000) >> 10);
            u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            n = 2;
        }
        for (int k = 0; k < n; k++) {
            char hx[8];
            snprintf(hx, sizeof hx, "%04X", u[k] & 0xFFFF);
            cb_put(&pc->cb, hx, 4);
        }
    }
    CB_LIT(&pc->cb, ">>> BDC\n");
    if (put_text(c, pc, font, it->size_pt, s, end))
        return -1;
    CB_LIT(&pc->cb, "EMC\n");
    return 0;
}

static void draw_line(page_ctx *pc, const sp_dl_item *it, double h)
{
    if (!(it->line_pt > 0))
        return;
    end_text(pc);
    set_stroke(pc, it->line_pt, it->gray, it->dash_pt);
    cb_num(&pc->cb, it->x_pt);
    cb_num(&pc->cb, h - it->y_pt);
    CB_LIT(&pc->cb, "m\n");
    cb_num(&pc->cb, it->x2_pt);
    cb_num(&pc->cb, h - it->y2_pt);
    CB_LIT(&pc->cb, "l\nS\n");
}

/* Rectangles and check boxes: top-left (x, y), size w x hh in points,
 * on a page of height h. */
static void draw_rect(page_ctx *pc, double x, double y, double w, double hh,
                      double line, double gray, double fill, double h)
{
    int stroke = line > 0, filled = fill >= 0;
    if (!stroke && !filled)
        return;
    end_text(pc);
    if (stroke)
        set_stroke(pc, line, gray, 0);
    if (filled)
        set_fill(pc, fill);
    cb_num(&pc->cb, x);
    cb_num(&pc->cb, h - y - hh);
    cb_num(&pc->cb, w);
    cb_num(&pc->cb, hh);
    if (stroke && filled)
        CB_LIT(&pc->cb, "re\nB\n");
    else if (stroke)
        CB_LIT(&pc->cb, "re\nS\n");
    else
        CB_LIT(&pc->cb, "re\nf\n");
}

/* ---- images (the embedding is in pdf_image.c) ---- */

/* A figure's image stretched over its box: "q w 0 0 h x y cm /Im Do Q". */
static int draw_image(pdf_ctx *c, page_ctx *pc, const sp_dl_item *it,
                      double h)
{
    if (!(it->w_pt > 0 && it->h_pt > 0))
        return 0;
    char why[512] = "";
    HPDF_Image im = NULL;
    sp_pdf_image_status st = sp_pdf_image_get(&c->images, c->pdf,
                                              it->text ? it->text : "", &im,
                                              why, sizeof why);
    if (st == SP_PDF_IMAGE_BAD) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_IMAGE, c->name, 0, 0,
                        "cannot write the PDF: figure '%s': %s",
                        it->text ? it->text : "", why);
        c->reported = 1;
        return -1;
    }
    if (st == SP_PDF_IMAGE_NOMEM) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "embedding an image");
        return -1;
    }
    if (st != SP_PDF_IMAGE_OK || sp_reserve_failed(&hpdf_reserve))
        return fail(c, "embedding an image");
    const char *name = HPDF_Page_GetXObjectName(pc->page, im);
    if (!name || sp_reserve_failed(&hpdf_reserve))
        return fail(c, "adding an image to a page");
    end_text(pc);
    if (it->alt && it->alt[0]) {
        /* the figure's text for readers who cannot see it */
        char *alt = sp_pdf_text_string(it->alt);
        if (!alt) {
            report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "embedding an image");
            return -1;
        }
        CB_LIT(&pc->cb, "/Span <</Alt ");
        cb_put(&pc->cb, alt, strlen(alt));
        CB_LIT(&pc->cb, " >> BDC\n");
        free(alt);
    }
    CB_LIT(&pc->cb, "q\n");
    cb_num(&pc->cb, it->w_pt);
    CB_LIT(&pc->cb, " 0 0 ");
    cb_num(&pc->cb, it->h_pt);
    cb_num(&pc->cb, it->x_pt);
    cb_num(&pc->cb, h - it->y_pt - it->h_pt);
    CB_LIT(&pc->cb, "cm\n/");
    cb_put(&pc->cb, name, strlen(name));
    CB_LIT(&pc->cb, " Do\nQ\n");
    if (it->alt && it->alt[0])
        CB_LIT(&pc->cb, "EMC\n");
    return 0;
}

/* Draws a display list in its own coordinates (y flipped within its
 * height). */
static int draw_items(pdf_ctx *c, page_ctx *pc, const sp_dlist *dl)
{
    double h = dl->height_pt;
    for (size_t i = 0; i < dl->n_items; i++) {
        const sp_dl_item *it = &dl->items[i];
        if (!item_finite(it)) {
            if (!c->reported)
                sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                            "cannot write the PDF: a drawing item has a "
                            "coordinate that is not a number");
            c->reported = 1;
            return -1;
        }
        switch (it->kind) {
        case SP_DL_TEXT:
            if (draw_text(c, pc, it, h))
                return -1;
            break;
        case SP_DL_LINE: draw_line(pc, it, h); break;
        case SP_DL_RECT:
            draw_rect(pc, it->x_pt, it->y_pt, it->w_pt, it->h_pt,
                      it->line_pt, it->gray, it->fill_gray, h);
            break;
        case SP_DL_CHECKBOX:
            draw_rect(pc, it->x_pt, it->y_pt, it->w_pt, it->w_pt,
                      it->line_pt, it->gray, -1, h);
            break;
        case SP_DL_IMAGE:
            if (draw_image(c, pc, it, h))
                return -1;
            break;
        default: break;
        }
    }
    end_text(pc);
    return 0;
}

static int begin_page(pdf_ctx *c, page_ctx *pc, double w, double h)
{
    if (!(w >= 3 && w <= 14400 && h >= 3 && h <= 14400)) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                        "cannot write the PDF: page size %gx%g pt is out of "
                        "range", w, h);
        c->reported = 1;
        return -1;
    }
    pc->page = HPDF_AddPage(c->pdf);
    if (!pc->page || sp_reserve_failed(&hpdf_reserve))
        return fail(c, "adding a page");
    TRY(c, HPDF_Page_SetWidth(pc->page, (HPDF_REAL)w), "sizing a page");
    TRY(c, HPDF_Page_SetHeight(pc->page, (HPDF_REAL)h), "sizing a page");
    pc->cb.n = 0;
    pc->in_text = 0;
    gcache_reset(&pc->gs);
    c->page_no++;
    return 0;
}

/* A read-only libharu stream over a page's content buffer, so libharu's
 * deflate reads it without copying it into one of its memory streams
 * (whose copying is byte by byte).  Reaching the end returns
 * HPDF_STREAM_EOF without setting the document's error. */
typedef struct {
    const unsigned char *p;
    size_t n, pos;
} rbuf;

static HPDF_STATUS rb_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    rbuf *r = s->attr;
    size_t left = r->n - r->pos, want = *siz;
    size_t k = want < left ? want : left;
    memcpy(ptr, r->p + r->pos, k);
    r->pos += k;
    *siz = (HPDF_UINT)k;
    return k < want ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS rb_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    rbuf *r = s->attr;
    long base = mode == HPDF_SEEK_CUR ? (long)r->pos
                : mode == HPDF_SEEK_END ? (long)r->n : 0;
    long to = base + pos;
    if (to < 0 || (size_t)to > r->n)
        return HPDF_STREAM_EOF;
    r->pos = (size_t)to;
    return HPDF_OK;
}

static HPDF_INT32 rb_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((rbuf *)s->attr)->pos;
}

static HPDF_UINT32 rb_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((rbuf *)s->attr)->n;
}

/* ---- the compression pipeline -----------------------------------------
 *
 * Deflating the content streams is the largest single cost of a big
 * document.  A worker thread deflates page k while the main thread draws
 * page k + 1.  Only the main thread touches the libharu document: the
 * worker runs libdeflate from one buffer into another with a compressor
 * of its own, kept for the whole document (allocating one per page would
 * cost more than the deflating of a small page).  Each page's bytes depend
 * only on its own content, so the output is the same whatever the timing.
 * If pthread_create fails the same work is done synchronously.
 */

enum { RING = 8 };

/* libdeflate's level for page content, chosen by measurement (make bench,
 * 10,000 cards): see the README's table. */
#ifndef SP_DEFLATE_LEVEL
#define SP_DEFLATE_LEVEL 6
#endif
enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE };

typedef struct {
    int state;              /* SLOT_*, guarded by the mutex when threaded */
    HPDF_Page page;
    cbuf raw, out;
    int failed;
} zslot;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    zslot ring[RING];
    size_t queued, done;    /* jobs queued so far, deflated so far */
    int stop;
    int threaded;
    int started;            /* zstart was called */
    pthread_t thread;
    /* each thread's compressor (libdeflate's are not shared) */
    struct libdeflate_compressor *ldc_worker, *ldc_main;
} zpipe;

/* Deflates IN into OUT (replacing its contents) in the zlib format
 * FlateDecode reads, with libdeflate: about 2.5x faster than zlib at the
 * same level and slightly smaller.  *LDC is the calling thread's
 * compressor, allocated on first use.  Thread-safe: touches nothing but
 * its arguments.  0, or -1 when out of memory. */
static int deflate_buf(struct libdeflate_compressor **ldc, const cbuf *in,
                       cbuf *out)
{
    out->n = 0;
    if (!*ldc && !(*ldc = libdeflate_alloc_compressor(SP_DEFLATE_LEVEL)))
        return -1;
    size_t bound = libdeflate_zlib_compress_bound(*ldc, in->n);
    cb_grow(out, bound);
    if (out->oom)
        return -1;
    size_t n = libdeflate_zlib_compress(*ldc, in->p, in->n, out->p, bound);
    if (n == 0)
        return -1;
    out->n = n;
    return 0;
}

static void *zworker(void *arg)
{
    zpipe *z = arg;
    pthread_mutex_lock(&z->mu);
    for (;;) {
        while (z->done == z->queued && !z->stop)
            pthread_cond_wait(&z->cv, &z->mu);
        if (z->done == z->queued)
            break;              /* stopped, and nothing left to do */
        zslot *s = &z->ring[z->done % RING];
        pthread_mutex_unlock(&z->mu);
        s->failed = deflate_buf(&z->ldc_worker, &s->raw, &s->out);
        pthread_mutex_lock(&z->mu);
        s->state = SLOT_DONE;
        z->done++;
        pthread_cond_broadcast(&z->cv);
    }
    pthread_mutex_unlock(&z->mu);
    return NULL;
}

/* Starts the worker (on the first page, so a document without pages
 * starts no thread); without it the work is done synchronously. */
static void zstart(zpipe *z)
{
    z->started = 1;
    if (pthread_mutex_init(&z->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&z->cv, NULL) != 0) {
        pthread_mutex_destroy(&z->mu);
        return;
    }
    if (pthread_create(&z->thread, NULL, zworker, z) != 0) {
        pthread_cond_destroy(&z->cv);
        pthread_mutex_destroy(&z->mu);
        return;
    }
    z->threaded = 1;
}

/* Writes the /Filter entry of a content stream we compressed ourselves
 * (libharu drops a /Filter key when the dictionary's own filter is
 * NONE, so it is written by this hook instead). */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* A page's deflated content as the stream of its contents dictionary:
 * libharu reads it when it saves the page and frees it with the page.
 * (Its own memory stream would take the bytes in 4 KB blocks, copied
 * byte by byte, and copy them again when saving.) */
typedef struct {
    HPDF_Stream_Rec s;
    rbuf r;
} content_stream;

static void content_free(HPDF_Stream s)
{
    free((void *)((rbuf *)s->attr)->p);
}

/* Gives a deflated slot's bytes to its page.  Main thread only. */
static int zconsume(pdf_ctx *c, zslot *s)
{
    s->state = SLOT_FREE;
    if (s->failed) {
        report(c, s->out.oom ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_ZLIB_ERROR, 0,
               "compressing a page");
        return -1;
    }
    HPDF_PageAttr attr = (HPDF_PageAttr)s->page->attr;
    HPDF_Stream old = attr->contents->stream;
    unsigned char *bytes = malloc(s->out.n ? s->out.n : 1);
    content_stream *cs = bytes ? HPDF_GetMem(c->pdf->mmgr, sizeof *cs) : NULL;
    if (!cs) {
        free(bytes);
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "writing a page");
        return -1;
    }
    memcpy(bytes, s->out.p, s->out.n);
    memset(cs, 0, sizeof *cs);
    cs->r.p = bytes;
    cs->r.n = s->out.n;
    cs->s.sig_bytes = HPDF_STREAM_SIG_BYTES;
    cs->s.type = HPDF_STREAM_CALLBACK;
    cs->s.mmgr = c->pdf->mmgr;
    cs->s.error = c->pdf->mmgr->error;
    cs->s.size = (HPDF_UINT)s->out.n;
    cs->s.read_fn = rb_read;
    cs->s.seek_fn = rb_seek;
    cs->s.tell_fn = rb_tell;
    cs->s.size_fn = rb_size;
    cs->s.free_fn = content_free;
    cs->s.attr = &cs->r;
    attr->contents->stream = &cs->s;
    attr->stream = &cs->s;
    HPDF_Stream_Free(old);
    attr->contents->filter = HPDF_STREAM_FILTER_NONE;
    attr->contents->write_fn = write_flate_filter;
    return 0;
}

/* Queues PAGE's content CB for deflating; CB gets a spare buffer back. */
static int zsubmit(pdf_ctx *c, zpipe *z, HPDF_Page page, cbuf *cb)
{
    if (!z->started)
        zstart(z);
    zslot *s = &z->ring[z->queued % RING];
    if (z->threaded) {
        pthread_mutex_lock(&z->mu);
        while (s->state == SLOT_QUEUED)
            pthread_cond_wait(&z->cv, &z->mu);
        pthread_mutex_unlock(&z->mu);
    }
    if (s->state == SLOT_DONE && zconsume(c, s) != 0)
        return -1;
    cbuf spare = s->raw;
    s->raw = *cb;
    *cb = spare;
    cb->n = 0;
    s->page = page;
    if (!z->threaded) {
        s->failed = deflate_buf(&z->ldc_main, &s->raw, &s->out);
        z->queued++;
        z->done++;
        return zconsume(c, s);
    }
    pthread_mutex_lock(&z->mu);
    s->state = SLOT_QUEUED;
    z->queued++;
    pthread_cond_broadcast(&z->cv);
    pthread_mutex_unlock(&z->mu);
    return 0;
}

/* Stops the worker after the queued pages, hands them to their pages if
 * OK, and frees the buffers.  Returns 0 or -1. */
static int zfinish(pdf_ctx *c, zpipe *z, int ok)
{
    if (z->threaded) {
        pthread_mutex_lock(&z->mu);
        z->stop = 1;
        pthread_cond_broadcast(&z->cv);
        pthread_mutex_unlock(&z->mu);
        pthread_join(z->thread, NULL);
        pthread_cond_destroy(&z->cv);
        pthread_mutex_destroy(&z->mu);
        z->threaded = 0;
    }
    int rc = ok ? 0 : -1;
    for (int k = 0; k < RING; k++) {
        zslot *s = &z->ring[k];
        if (rc == 0 && s->state == SLOT_DONE && zconsume(c, s) != 0)
            rc = -1;
        free(s->raw.p);
        free(s->out.p);
    }
    libdeflate_free_compressor(z->ldc_worker);
    libdeflate_free_compressor(z->ldc_main);
    memset(z, 0, sizeof *z);
    return rc;
}

/* Ends the page: its content goes to the compression pipeline. */
static int end_page(pdf_ctx *c, page_ctx *pc, zpipe *z)
{
    end_text(pc);
    if (pc->cb.oom) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "drawing");
        return -1;
    }
    if (pc->cb.n == 0)
        return 0;
    HPDF_PageAttr attr = (HPDF_PageAttr)pc->page->attr;
    if (attr->contents->write_fn || pc->cb.n > 0x7FFFFFFF) {
        /* not the layout we know: let libharu compress it at save time */
        TRY(c, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)pc->cb.p,
                                 (HPDF_UINT)pc->cb.n),
            "writing a page");
        return 0;
    }
    return zsubmit(c, z, pc->page, &pc->cb);
}

/* One logical page placed on the current sheet (of height sheet_h). */
static int draw_placement(pdf_ctx *c, page_ctx *pc, const sp_doc *doc,
                          const sp_placement *pl, double sheet_h)
{
    if (pl->page >= doc->n_pages) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                        "cannot write the PDF: a sheet places page %zu of "
                        "%zu", pl->page + 1, doc->n_pages);
        c->reported = 1;
        return -1;
    }
    const sp_dlist *pg = &doc->pages[pl->page];
    if (pg->n_items == 0)
        return 0;
    if (!isfinite(pl->x_pt) || !isfinite(pl->y_pt))
        return fail(c, "placing a page");
    double pw = pg->width_pt, ph = pg->height_pt;
    /* the logical page's PDF space (origin bottom-left, y up, within its
     * own height) -> the sheet's PDF space */
    end_text(pc);
    double sx = pl->scale_x, sy = pl->scale_y;
    if (!isfinite(sx) || !isfinite(sy) || !(sx > 0) || !(sy > 0))
        return fail(c, "placing a page");
    if (sx != 1 || sy != 1) {
        /* the back correction: [±sx 0 0 ±sy tx ty] */
        int r = pl->rotate_deg == 180;
        CB_LIT(&pc->cb, "q\n");
        char f[64];
        int n = snprintf(f, sizeof f, "%.5f 0 0 %.5f ", r ? -sx : sx,
                         r ? -sy : sy);
        cb_put(&pc->cb, f, (size_t)n);
        cb_num(&pc->cb, r ? pl->x_pt + pw * sx : pl->x_pt);
        cb_num(&pc->cb, r ? sheet_h - pl->y_pt : sheet_h - pl->y_pt - ph * sy);
    } else if (pl->rotate_deg == 180) {
        CB_LIT(&pc->cb, "q\n-1 0 0 -1 ");
        cb_num(&pc->cb, pl->x_pt + pw);
        cb_num(&pc->cb, sheet_h - pl->y_pt);
    } else {
        CB_LIT(&pc->cb, "q\n1 0 0 1 ");
        cb_num(&pc->cb, pl->x_pt);
        cb_num(&pc->cb, sheet_h - pl->y_pt - ph);
    }
    CB_LIT(&pc->cb, "cm\n");
    gcache saved = pc->gs;
    if (draw_items(c, pc, pg) != 0)
        return -1;
    CB_LIT(&pc->cb, "Q\n");
    pc->gs = saved;
    return 0;
}

/* ---- document level ------------------------------------------------- */

/* /ViewerPreferences /Duplex, so the print dialog starts with the
 * imposition's own duplex setting (a PDF 1.7 key; older viewers ignore
 * it). */
static int set_duplex(pdf_ctx *c, sp_print_duplex duplex)
{
    static const char *const names[] = {NULL, "Simplex",
                                        "DuplexFlipLongEdge",
                                        "DuplexFlipShortEdge"};
    HPDF_Dict cat = c->pdf->catalog;
    HPDF_Dict vp = HPDF_Dict_GetItem(cat, "ViewerPreferences",
                                     HPDF_OCLASS_DICT);
    if (!vp) {
        vp = HPDF_Dict_New(c->pdf->mmgr);
        if (!vp || HPDF_Dict_Add(cat, "ViewerPreferences", vp) != HPDF_OK)
            return fail(c, "setting the duplex preset");
    }
    TRY(c, HPDF_Dict_AddName(vp, "Duplex", names[duplex]),
        "setting the duplex preset");
    return 0;
}

static int set_info(pdf_ctx *c, HPDF_InfoType type, const char *value)
{
    if (!value)
        return 0;
    TRY(c, HPDF_SetInfoAttr(c->pdf, type, value), "setting metadata");
    return 0;
}

/* [page /XYZ 0 top null]: jump to TOP, keep the reader's zoom. */
static int outline_dest(pdf_ctx *c, HPDF_Outline o, HPDF_Page page,
                        double top)
{
    HPDF_Destination dst = HPDF_Page_CreateDestination(page);
    if (!dst)
        return fail(c, "adding a bookmark");
    HPDF_Null null = HPDF_Null_New(c->pdf->mmgr);
    if (!null)
        return fail(c, "adding a bookmark");
    HPDF_Array_Clear(dst);
    TRY(c, HPDF_Array_Add(dst, page), "adding a bookmark");
    TRY(c, HPDF_Array_AddName(dst, "XYZ"), "adding a bookmark");
    TRY(c, HPDF_Array_AddReal(dst, 0), "adding a bookmark");
    TRY(c, HPDF_Array_AddReal(dst, (HPDF_REAL)top), "adding a bookmark");
    TRY(c, HPDF_Array_Add(dst, null), "adding a bookmark");
    TRY(c, HPDF_Outline_SetDestination(o, dst), "adding a bookmark");
    return 0;
}

enum { MAX_OUTLINE_DEPTH = 16 };

/* A document being written (see sp_pdf_begin). */
struct sp_pdf {
    pdf_ctx c;
    page_ctx pc;
    zpipe z;
    HPDF_Page *pages;               /* output pages so far */
    double *heights;
    size_t n_out, cap_out;
    sp_doc marks;                   /* outline entries and page labels
                                       of the parts so far, by output
                                       page: made when the pages are */
    int failed;
};

/* Adds the outline entries of DOC (sheets are output pages). */
static int add_outline(sp_pdf *p, const sp_doc *doc)
{
    pdf_ctx *c = &p->c;
    if (doc->n_outline == 0)
        return 0;
    HPDF_Encoder utf8 = HPDF_GetEncoder(c->pdf, "UTF-8");
    if (!utf8)
        return fail(c, "adding bookmarks");
    HPDF_Outline stack[MAX_OUTLINE_DEPTH];
    int depth = 0;
    for (size_t i = 0; i < doc->n_outline; i++) {
        const sp_outline_entry *e = &doc->outline[i];
        int level = e->level < 0 ? 0 : e->level;
        if (level > depth)
            level = depth;
        if (level >= MAX_OUTLINE_DEPTH)
            level = MAX_OUTLINE_DEPTH - 1;
        HPDF_Outline parent = level > 0 ? stack[level - 1] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(c->pdf, parent,
                                            e->title ? e->title : "", utf8);
        if (!o)
            return fail(c, "adding a bookmark");
        TRY(c, HPDF_Outline_SetOpened(o, level == 0 ? HPDF_TRUE : HPDF_FALSE),
            "adding a bookmark");
        double top = p->heights[e->sheet] - e->y_pt;
        if (top < 0)
            top = 0;
        if (outline_dest(c, o, p->pages[e->sheet], top) != 0)
            return -1;
        stack[level] = o;
        depth = level + 1;
    }
    return 0;
}

/* Adds the page labels of DOC (sheets are output pages). */
static int add_labels(sp_pdf *p, const sp_doc *doc)
{
    pdf_ctx *c = &p->c;
    for (size_t i = 0; i < doc->n_labels; i++) {
        const sp_page_label *l = &doc->labels[i];
        HPDF_UINT at = (HPDF_UINT)l->first_sheet;
        HPDF_PageNumStyle style;
        switch (l->style) {
        case 'D': style = HPDF_PAGE_NUM_STYLE_DECIMAL; break;
        case 'r': style = HPDF_PAGE_NUM_STYLE_LOWER_ROMAN; break;
        case 'R': style = HPDF_PAGE_NUM_STYLE_UPPER_ROMAN; break;
        case 'a': style = HPDF_PAGE_NUM_STYLE_LOWER_LETTERS; break;
        case 'A': style = HPDF_PAGE_NUM_STYLE_UPPER_LETTERS; break;
        default: style = HPDF_PAGE_NUM_STYLE_DECIMAL; break;
        }
        HPDF_UINT first = l->first_number > 0 ? (HPDF_UINT)l->first_number : 1;
        if (l->style != 0) {
            TRY(c, HPDF_AddPageLabel(c->pdf, at, style, first, l->prefix),
                "adding a page label");
            continue;
        }
        /* prefix only: the same dictionary without /S */
        HPDF_Dict label = HPDF_PageLabel_New(c->pdf, style, (HPDF_INT)first,
                                             l->prefix);
        if (!label)
            return fail(c, "adding a page label");
        TRY(c, HPDF_Dict_RemoveElement(label, "S"), "adding a page label");
        TRY(c, HPDF_Catalog_AddPageLabel(c->pdf->catalog, at, label),
            "adding a page label");
    }
    return 0;
}

/* Keeps PART's outline entries and labels (whose sheets count from
 * output page BASE) for the end of the document, by output page. */
static int keep_marks(sp_pdf *p, const sp_doc *part, size_t base)
{
    pdf_ctx *c = &p->c;
    size_t n = p->n_out - base;
    for (size_t i = 0; i < part->n_outline; i++) {
        const sp_outline_entry *e = &part->outline[i];
        if (e->sheet >= n) {
            if (!c->reported)
                sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                            "cannot write the PDF: bookmark \"%s\" points to "
                            "page %zu of %zu", e->title ? e->title : "",
                            e->sheet + 1, n);
            c->reported = 1;
            return -1;
        }
        if (sp_doc_outline(&p->marks, e->title ? e->title : "",
                           base + e->sheet, e->level, e->y_pt) != 0) {
            report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding a bookmark");
            return -1;
        }
    }
    for (size_t i = 0; i < part->n_labels; i++) {
        const sp_page_label *l = &part->labels[i];
        if (l->first_sheet >= n)
            continue;
        if (sp_doc_label(&p->marks, base + l->first_sheet, l->style,
                         l->prefix, l->first_number) != 0) {
            report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding a page label");
            return -1;
        }
    }
    return 0;
}

/* Records the page just ended as the next output page. */
static int push_page(sp_pdf *p, double height)
{
    if (p->n_out == p->cap_out) {
        size_t cap = p->cap_out ? 2 * p->cap_out : 64;
        HPDF_Page *pg = realloc(p->pages, cap * sizeof *pg);
        if (pg)
            p->pages = pg;
        double *h = pg ? realloc(p->heights, cap * sizeof *h) : NULL;
        if (h)
            p->heights = h;
        if (!pg || !h) {
            report(&p->c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding a page");
            return -1;
        }
        p->cap_out = cap;
    }
    p->pages[p->n_out] = p->pc.page;
    p->heights[p->n_out] = height;
    p->n_out++;
    return 0;
}

/* Renders PART's sheets (or its pages if it has none) and keeps its
 * outline entries and labels. */
static int render_part(sp_pdf *p, const sp_doc *doc)
{
    pdf_ctx *c = &p->c;
    page_ctx *pc = &p->pc;
    size_t base = p->n_out;
    size_t n = doc->n_sheets ? doc->n_sheets : doc->n_pages;
    for (size_t i = 0; i < n; i++) {
        double h;
        if (doc->n_sheets) {
            const sp_sheet *s = &doc->sheets[i];
            h = s->marks.height_pt;
            if (begin_page(c, pc, s->marks.width_pt, h)
                || draw_items(c, pc, &s->marks))
                return -1;
            for (size_t k = 0; k < s->n_placements; k++)
                if (draw_placement(c, pc, doc, &s->placements[k], h))
                    return -1;
        } else {
            const sp_dlist *pg = &doc->pages[i];
            h = pg->height_pt;
            if (begin_page(c, pc, pg->width_pt, h) || draw_items(c, pc, pg))
                return -1;
        }
        if (end_page(c, pc, &p->z) || push_page(p, h))
            return -1;
    }
    return keep_marks(p, doc, base);
}

/* Frees everything P holds (P itself too). */
static void pdf_free(sp_pdf *p)
{
    zfinish(&p->c, &p->z, 0);
    free(p->pc.cb.p);
    free(p->pages);
    free(p->heights);
    sp_doc_release(&p->marks);
    sp_pdf_images_free(p->c.images);   /* its images are the document's */
    if (p->c.pdf)
        HPDF_Free(p->c.pdf);
    for (int i = p->c.n_efonts - 1; i >= 0; i--)   /* borrowers first */
        efont_free(&p->c.efonts[i]);
    if (p->c.ft)
        FT_Done_FreeType(p->c.ft);
    free(p->c.name_copy);
    free(p);
    sp_reserve_drop(&hpdf_reserve);   /* until the next document */
}

sp_pdf *sp_pdf_begin(const sp_fonts *fonts, const sp_doc *meta,
                     const char *name, sp_diags *diags)
{
    sp_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    pdf_ctx *c = &p->c;
    c->d = diags;
    c->fonts = fonts;
    if (name && !(c->name = c->name_copy = strdup(name))) {
        sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
        free(p);
        return NULL;
    }
    if (sp_reserve_fill(&hpdf_reserve) != 0) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        goto fail;
    }
    c->pdf = HPDF_NewEx(on_error, hpdf_alloc, hpdf_free, 0, c);
    if (!c->pdf) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        goto fail;
    }
    if (HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL) != HPDF_OK) {
        fail(c, "turning on compression");
        goto fail;
    }
    if (HPDF_UseUTFEncodings(c->pdf) != HPDF_OK
        || HPDF_SetCurrentEncoder(c->pdf, "UTF-8") != HPDF_OK) {
        fail(c, "turning on UTF-8");
        goto fail;
    }
    if (meta && meta->print_actual_size
        && HPDF_SetViewerPreference(c->pdf, HPDF_PRINT_SCALING_NONE)
               != HPDF_OK) {
        fail(c, "setting the print scaling");
        goto fail;
    }
    if (meta && meta->print_duplex != SP_PRINT_ANY
        && set_duplex(c, meta->print_duplex) != 0)
        goto fail;
    if (meta
        && (set_info(c, HPDF_INFO_TITLE, meta->title)
            || set_info(c, HPDF_INFO_SUBJECT, meta->subject)
            || set_info(c, HPDF_INFO_KEYWORDS, meta->keywords)
            || set_info(c, HPDF_INFO_AUTHOR, meta->author)
            || set_info(c, HPDF_INFO_CREATOR, meta->creator)))
        goto fail;
    return p;
fail:
    pdf_free(p);
    return NULL;
}

int sp_pdf_add(sp_pdf *p, const sp_doc *part)
{
    if (p->failed)
        return -1;
    if (render_part(p, part) != 0) {
        p->failed = 1;
        return -1;
    }
    return 0;
}

void sp_pdf_abort(sp_pdf *p)
{
    if (p)
        pdf_free(p);
}

/* Where the saved document goes: a file (written in chunks of SINK_CHUNK
 * bytes) or, without one, a memory buffer.  libharu writes many small
 * pieces; its own memory stream would copy each byte twice more. */
enum { SINK_CHUNK = 1 << 16 };

typedef struct {
    pdf_ctx *c;
    sp_afile *file;
    cbuf buf;
    size_t size;                    /* bytes written so far */
} sink;

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    sink *k = s->attr;
    if (k->file && k->buf.n + n > SINK_CHUNK && k->buf.n > 0) {
        if (sp_afile_write(k->file, k->buf.p, k->buf.n) != 0) {
            k->c->reported = 1;     /* the I/O error explains it */
            return HPDF_FILE_IO_ERROR;
        }
        k->buf.n = 0;
    }
    cb_put(&k->buf, (const char *)p, n);
    if (k->buf.oom)
        return HPDF_FAILD_TO_ALLOC_MEM;
    k->size += n;
    return HPDF_OK;
}

/* Ends the document and saves it into K.  0, or -1 (reported). */
static int finish_doc(sp_pdf *p, sink *k)
{
    pdf_ctx *c = &p->c;
    if (p->failed)
        return -1;
    if (p->n_out == 0) {
        /* a PDF needs a page: an empty A4 one */
        if (begin_page(c, &p->pc, 595.2756, 841.8898)
            || end_page(c, &p->pc, &p->z))
            return -1;
    }
    if (zfinish(c, &p->z, 1) != 0 || add_outline(p, &p->marks) != 0
        || add_labels(p, &p->marks) != 0 || embed_fonts(c) != 0)
        return -1;
    /* HPDF_SaveToStream writes to the document's stream, making a memory
     * stream only if there is none yet */
    if (c->pdf->stream) {
        report(c, 0, 0, "saving");
        return -1;
    }
    c->pdf->stream = HPDF_CallbackWriter_New(c->pdf->mmgr, sink_write, k);
    if (!c->pdf->stream)
        return fail(c, "saving");
    if (HPDF_SaveToStream(c->pdf) != HPDF_OK)
        return fail(c, "saving");
    if (k->file && k->buf.n > 0
        && sp_afile_write(k->file, k->buf.p, k->buf.n) != 0)
        return -1;
    return 0;
}

int sp_pdf_finish_to(sp_pdf *p, sp_afile *f, size_t *bytes_written)
{
    if (bytes_written)
        *bytes_written = 0;
    sink k;
    memset(&k, 0, sizeof k);
    k.c = &p->c;
    k.file = f;
    int rc = -1;
    if (f && finish_doc(p, &k) == 0) {
        rc = 0;
        if (bytes_written)
            *bytes_written = k.size;
    }
    free(k.buf.p);
    pdf_free(p);
    return rc;
}

int sp_pdf_finish(sp_pdf *p, const char *path, size_t *bytes_written)
{
    if (bytes_written)
        *bytes_written = 0;
    sp_afile *f = p->failed ? NULL : sp_afile_open(path, p->c.d);
    size_t len = 0;
    int rc = sp_pdf_finish_to(p, f, &len);
    if (rc == 0)
        rc = sp_afile_commit(f);
    else
        sp_afile_abort(f);
    if (rc == 0 && bytes_written)
        *bytes_written = len;
    return rc;
}

int sp_pdf_finish_mem(sp_pdf *p, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    sink k;
    memset(&k, 0, sizeof k);
    k.c = &p->c;
    int rc = finish_doc(p, &k);
    if (rc == 0) {
        *out = (unsigned char *)k.buf.p;
        *len = k.size;
    } else {
        free(k.buf.p);
    }
    pdf_free(p);
    return rc;
}

int sp_pdf_render(const sp_doc *doc, const sp_fonts *fonts, const char *name,
                  unsigned char **out, size_t *len, sp_diags *diags)
{
    *out = NULL;
    *len = 0;
    sp_pdf *p = sp_pdf_begin(fonts, doc, name, diags);
    if (!p)
        return -1;
    if (sp_pdf_add(p, doc) != 0) {
        sp_pdf_abort(p);
        return -1;
    }
    return sp_pdf_finish_mem(p, out, len);
}

int sp_pdf_write(const sp_doc *doc, const sp_fonts *fonts, const char *path,
                 size_t *bytes_written, sp_diags *diags)
{
    if (bytes_written)
        *bytes_written = 0;
    sp_pdf *p = sp_pdf_begin(fonts, doc, path, diags);
    if (!p)
        return -1;
    if (sp_pdf_add(p, doc) != 0) {
        sp_pdf_abort(p);
        return -1;
    }
    return sp_pdf_finish(p, path, bytes_written);
}
