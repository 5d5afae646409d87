/* pdf.c - the PDF device (see pdf.h).  The only file that includes hpdf.h.
 *
 * How pages are made: each output page's content stream is written here
 * as PDF operators into a buffer, deflated through libharu's own deflate
 * (HPDF_Stream_WriteToStream with FLATE) straight into the page's content
 * stream, and the stream marked as already compressed.  Driving libharu's
 * HPDF_Page_* drawing calls instead took about 3x the time and held every
 * page's content uncompressed until the end (110 MB for 10,000 cards).
 * libharu still makes everything else: page objects and their font
 * resources (HPDF_Page_GetLocalFontName), the embedded font subsets
 * (HPDF_Font_TextWidth marks the glyphs a text uses), outline, labels,
 * metadata, cross-reference table.
 *
 * libharu 2.3.0 notes (measured on Debian 12):
 *   - After any error a document stays in an error state and every later
 *     call fails, and some failures (a truncated font) return an error or
 *     NULL without calling the handler: every return value is checked and
 *     the first failure ends the rendering.
 *   - HPDF_Destination_SetXYZ refuses a zoom of 0 (it raises
 *     INVALID_PARAMETER), so outline destinations are built by hand as
 *     [page /XYZ left top null] ("keep the reader's zoom").
 *   - The ToUnicode CMap libharu writes for the UTF-8 encoder is invalid
 *     (a cidrange in a ToUnicode map; poppler warns on every run).  With
 *     the UTF-8 encoder a text's codes are its UCS-2 code points, so we
 *     replace it with an identity map (bfranges, 256 codes each).
 *   - A page label without a numbering style (prefix only) needs the
 *     label dictionary without /S, which HPDF_AddPageLabel cannot make.
 *   - A stream dictionary whose filter is NONE loses any /Filter key when
 *     written; the pre-compressed content streams write theirs through
 *     the dictionary's write_fn hook.
 *   - HPDF_PRINT_SCALING_NONE exists in 2.3.0 and writes
 *     /ViewerPreferences << /PrintScaling /None >> (and %PDF-1.6).
 *   The work-arounds use libharu's exported object API and the structures
 *   in its installed headers (hpdf_doc.h, hpdf_objects.h, hpdf_pages.h,
 *   hpdf_streams.h, hpdf_page_label.h): tied to 2.3.0, checked by
 *   tests/unit/test_pdf.c (qpdf --check, pdftotext, no poppler warnings).
 */
#include "pdf.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_page_label.h>
#include <hpdf_pages.h>

#include "fsutil.h"

typedef struct {
    HPDF_Doc pdf;
    sp_diags *d;
    const char *name;               /* the output, for messages */
    const sp_fonts *fonts;
    HPDF_Font font[SP_FACE_COUNT];
    unsigned char used[SP_FACE_COUNT][65536 / 8];  /* BMP code points
                                                      marked in the font */
    const char *loading;            /* font file being embedded, or NULL */
    int reported;                   /* a failure has been reported */
} pdf_ctx;

/* A short text for the libharu errors we can run into. */
static const char *hpdf_error_text(HPDF_STATUS e)
{
    switch (e) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "file read error";
    case HPDF_FILE_OPEN_ERROR: return "cannot open the file";
    case HPDF_FONT_EXISTS: return "font loaded twice";
    case HPDF_INVALID_FONTDEF_DATA: return "invalid font data";
    case HPDF_INVALID_TTC_FILE: return "not a TrueType collection";
    case HPDF_INVALID_TTC_INDEX: return "no such face in the collection";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT:
        return "the font's licence forbids embedding";
    case HPDF_TTF_INVALID_CMAP: return "the font has no usable Unicode cmap";
    case HPDF_TTF_INVALID_FOMAT: return "not a TrueType font";
    case HPDF_TTF_MISSING_TABLE: return "the font misses a required table";
    case HPDF_UNSUPPORTED_FONT_TYPE: return "unsupported font type";
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

/* Records a failure once: the first error explains the rest. */
static void report(pdf_ctx *c, HPDF_STATUS err, HPDF_STATUS detail,
                   const char *what)
{
    if (c->reported)
        return;
    c->reported = 1;
    if (err == HPDF_FAILD_TO_ALLOC_MEM) {
        sp_diag_add(c->d, SP_D_NOMEM, c->name, 0, 0, "out of memory");
    } else if (c->loading) {
        if (err)
            sp_diag_add(c->d, SP_D_FONT, c->loading, 0, 0,
                        "cannot embed this font in the PDF: %s (libharu "
                        "error 0x%04X, detail %u)",
                        hpdf_error_text(err), (unsigned)err, (unsigned)detail);
        else
            sp_diag_add(c->d, SP_D_FONT, c->loading, 0, 0,
                        "cannot embed this font in the PDF (truncated or "
                        "damaged file?)");
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
        if ((call) != HPDF_OK)                                                \
            return fail((c), (what));                                         \
    } while (0)

/* ---- fonts ---------------------------------------------------------- */

/* An identity ToUnicode CMap for 2-byte UCS-2 codes (see the top). */
static int write_tounicode(HPDF_Stream s)
{
    static const char head[] =
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0"
        " >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    static const char tail[] =
        "endbfrange\n"
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\nend\n";
    if (HPDF_Stream_WriteStr(s, head) != HPDF_OK)
        return -1;
    const int total = 256 - 8;      /* high bytes D8..DF are surrogates */
    int k = 0;
    char buf[64];
    for (int hi = 0; hi < 256; hi++) {
        if (hi >= 0xD8 && hi <= 0xDF)
            continue;
        if (k % 100 == 0) {
            int left = total - k;
            snprintf(buf, sizeof buf, "%s%d beginbfrange\n",
                     k ? "endbfrange\n" : "", left > 100 ? 100 : left);
            if (HPDF_Stream_WriteStr(s, buf) != HPDF_OK)
                return -1;
        }
        snprintf(buf, sizeof buf, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        if (HPDF_Stream_WriteStr(s, buf) != HPDF_OK)
            return -1;
        k++;
    }
    return HPDF_Stream_WriteStr(s, tail) == HPDF_OK ? 0 : -1;
}

static int fix_tounicode(pdf_ctx *c, HPDF_Font font)
{
    HPDF_Dict s = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    if (!s)
        return fail(c, "adding a ToUnicode map");
    s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    if (write_tounicode(s->stream) != 0)
        return fail(c, "adding a ToUnicode map");
    TRY(c, HPDF_Dict_Add(font, "ToUnicode", s), "adding a ToUnicode map");
    return 0;
}

static int is_collection(const char *path, int index)
{
    size_t n = strlen(path);
    if (index > 0)
        return 1;
    if (n < 4 || path[n - 4] != '.')
        return 0;
    return tolower((unsigned char)path[n - 3]) == 't'
           || tolower((unsigned char)path[n - 3]) == 'o'
        ? tolower((unsigned char)path[n - 2]) == 't'
              && tolower((unsigned char)path[n - 1]) == 'c'
        : 0;
}

/* The face's libharu font, embedding it on first use; NULL on failure. */
static HPDF_Font get_font(pdf_ctx *c, sp_face face)
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
    /* the same file and index for two faces: embed it once */
    for (int f = 0; f < SP_FACE_COUNT; f++) {
        const char *p = c->font[f] ? sp_fonts_path(c->fonts, (sp_face)f)
                                   : NULL;
        if (p && strcmp(p, path) == 0
            && sp_fonts_index(c->fonts, (sp_face)f) == index)
            return c->font[face] = c->font[f];
    }
    c->loading = path;
    const char *name = is_collection(path, index)
        ? HPDF_LoadTTFontFromFile2(c->pdf, path, (HPDF_UINT)index, HPDF_TRUE)
        : HPDF_LoadTTFontFromFile(c->pdf, path, HPDF_TRUE);
    HPDF_Font font = name ? HPDF_GetFont(c->pdf, name, "UTF-8") : NULL;
    if (!font) {
        fail(c, "embedding a font");
        c->loading = NULL;
        return NULL;
    }
    c->loading = NULL;
    if (fix_tounicode(c, font) != 0)
        return NULL;
    return c->font[face] = font;
}

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

/* A number with at most three decimals, no exponent, no "-0", followed
 * by a space. */
static void cb_num(cbuf *b, double v)
{
    char tmp[32], *e = tmp + sizeof tmp, *q = e;
    *--q = ' ';
    if (!(v > -1e9 && v < 1e9))
        v = 0;
    long long m = (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
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
    int face;                       /* -1: no font set */
    double size;
} gcache;

static void gcache_reset(gcache *g)
{
    /* the PDF defaults on a fresh page */
    g->line_w = 1;
    g->stroke = 0;
    g->fill = 0;
    g->dash = 0;
    g->face = -1;
    g->size = 0;
}

typedef struct {
    HPDF_Page page;
    cbuf cb;
    int in_text;
    gcache gs;
    const char *font_name[SP_FACE_COUNT];   /* page resource names */
} page_ctx;

/* Marks code point CP as used in FACE's font, so its glyph goes into the
 * embedded subset (libharu flags glyphs as text is measured). */
static int mark_cp(pdf_ctx *c, sp_face face, HPDF_Font font, unsigned cp)
{
    c->used[face][cp >> 3] |= (unsigned char)(1u << (cp & 7));
    unsigned char u[3];
    HPDF_UINT n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    HPDF_Font_TextWidth(font, u, n);
    if (HPDF_GetError(c->pdf) != HPDF_OK)
        return fail(c, "measuring text");
    return 0;
}

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

/* One byte of a literal string, escaped as needed. */
static char *put_byte(char *o, unsigned x)
{
    if (x == '(' || x == ')' || x == '\\') {
        *o++ = '\\';
        *o++ = (char)x;
    } else if (x == '\r') {
        *o++ = '\\';
        *o++ = 'r';
    } else {
        *o++ = (char)x;
    }
    return o;
}

/* "(...)": UTF-8 text as big-endian UCS-2 codes in a literal string (code
 * points beyond the BMP, which libharu's fonts cannot hold, become
 * U+FFFD); code points new to FACE are marked in its font.  0 or -1. */
static int put_text(pdf_ctx *c, cbuf *b, sp_face face, HPDF_Font font,
                    const unsigned char *s, const unsigned char *end)
{
    const unsigned char *used = c->used[face];
    /* at most 2 x 2 bytes per code point, and a code point takes at
     * least one byte of UTF-8 */
    cb_grow(b, (size_t)(end - s) * 4 + 2);
    if (b->oom)
        return 0;       /* reported when the page ends */
    char *o = b->p + b->n;
    *o++ = '(';
    while (s < end) {
        unsigned cp = *s < 0x80 ? *s++ : utf8_next(&s, end);
        if (cp > 0xFFFF)
            cp = 0xFFFD;
        if (!(used[cp >> 3] & (1u << (cp & 7)))
            && mark_cp(c, face, font, cp) != 0)
            return -1;
        o = put_byte(o, cp >> 8);
        o = put_byte(o, cp & 0xFF);
    }
    *o++ = ')';
    b->n = (size_t)(o - b->p);
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
    HPDF_Font font = get_font(c, face);
    if (!font)
        return -1;
    const unsigned char *s = (const unsigned char *)it->text;
    const unsigned char *end = s + strlen(it->text);
    if (!pc->font_name[face]) {
        pc->font_name[face] = HPDF_Page_GetLocalFontName(pc->page, font);
        if (!pc->font_name[face])
            return fail(c, "adding a font to a page");
    }
    if (!pc->in_text) {
        CB_LIT(&pc->cb, "BT\n");
        pc->in_text = 1;
    }
    if ((int)face != pc->gs.face || it->size_pt != pc->gs.size) {
        CB_LIT(&pc->cb, "/");
        cb_put(&pc->cb, pc->font_name[face], strlen(pc->font_name[face]));
        CB_LIT(&pc->cb, " ");
        cb_num(&pc->cb, it->size_pt);
        CB_LIT(&pc->cb, "Tf\n");
        pc->gs.face = (int)face;
        pc->gs.size = it->size_pt;
    }
    set_fill(pc, it->gray);
    CB_LIT(&pc->cb, "1 0 0 1 ");
    cb_num(&pc->cb, it->x_pt);
    cb_num(&pc->cb, h - it->y_pt);
    CB_LIT(&pc->cb, "Tm\n");
    if (put_text(c, &pc->cb, face, font, s, end) != 0)
        return -1;
    CB_LIT(&pc->cb, "Tj\n");
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
    if (!pc->page)
        return fail(c, "adding a page");
    TRY(c, HPDF_Page_SetWidth(pc->page, (HPDF_REAL)w), "sizing a page");
    TRY(c, HPDF_Page_SetHeight(pc->page, (HPDF_REAL)h), "sizing a page");
    pc->cb.n = 0;
    pc->in_text = 0;
    gcache_reset(&pc->gs);
    for (int f = 0; f < SP_FACE_COUNT; f++)
        pc->font_name[f] = NULL;
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
 * worker runs libharu's deflate between two streams of our own (a reader
 * over the raw buffer, a writer into another buffer) with an error record
 * of its own.  Each page's bytes depend only on its own content, so the
 * output is the same whatever the timing.  If pthread_create fails the
 * same work is done synchronously (slower than one would think: zlib's
 * 256 KB of state is malloc'd and freed per page, and in the main arena
 * glibc then trims and re-faults it every page, 5x slower in total on
 * this VM; the worker's arena does not show this).
 */

enum { RING = 8 };
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
    pthread_t thread;
} zpipe;

static HPDF_STATUS wb_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    cbuf *b = s->attr;
    cb_put(b, (const char *)p, n);
    return b->oom ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_OK;
}

/* Deflates IN into OUT (replacing its contents).  Thread-safe: touches
 * nothing but its arguments.  0, or -1 on failure. */
static int deflate_buf(const cbuf *in, cbuf *out)
{
    out->n = 0;
    rbuf rb = {(const unsigned char *)in->p, in->n, 0};
    HPDF_Error_Rec err;
    HPDF_Stream_Rec src, dst;
    memset(&err, 0, sizeof err);
    memset(&src, 0, sizeof src);
    memset(&dst, 0, sizeof dst);
    src.sig_bytes = dst.sig_bytes = HPDF_STREAM_SIG_BYTES;
    src.type = dst.type = HPDF_STREAM_MEMORY;
    src.error = dst.error = &err;
    src.size = (HPDF_UINT)in->n;
    src.read_fn = rb_read;
    src.seek_fn = rb_seek;
    src.tell_fn = rb_tell;
    src.size_fn = rb_size;
    src.attr = &rb;
    dst.write_fn = wb_write;
    dst.attr = out;
    HPDF_STATUS rc = HPDF_Stream_WriteToStream(
        &src, &dst, HPDF_STREAM_FILTER_FLATE_DECODE, NULL);
    return rc == HPDF_OK && !out->oom ? 0 : -1;
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
        s->failed = deflate_buf(&s->raw, &s->out);
        pthread_mutex_lock(&z->mu);
        s->state = SLOT_DONE;
        z->done++;
        pthread_cond_broadcast(&z->cv);
    }
    pthread_mutex_unlock(&z->mu);
    return NULL;
}

static void zstart(zpipe *z, size_t n_pages)
{
    memset(z, 0, sizeof *z);
    if (n_pages == 0)
        return;
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
    TRY(c, HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)s->out.p,
                             (HPDF_UINT)s->out.n),
        "writing a page");
    attr->contents->filter = HPDF_STREAM_FILTER_NONE;
    attr->contents->write_fn = write_flate_filter;
    return 0;
}

/* Queues PAGE's content CB for deflating; CB gets a spare buffer back. */
static int zsubmit(pdf_ctx *c, zpipe *z, HPDF_Page page, cbuf *cb)
{
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
        s->failed = deflate_buf(&s->raw, &s->out);
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
    memset(z->ring, 0, sizeof z->ring);
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
    if (pl->rotate_deg == 180) {
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

static int add_outline(pdf_ctx *c, const sp_doc *doc, HPDF_Page *pages,
                       const double *heights, size_t n_out)
{
    if (doc->n_outline == 0)
        return 0;
    HPDF_Encoder utf8 = HPDF_GetEncoder(c->pdf, "UTF-8");
    if (!utf8)
        return fail(c, "adding bookmarks");
    HPDF_Outline stack[MAX_OUTLINE_DEPTH];
    int depth = 0;
    for (size_t i = 0; i < doc->n_outline; i++) {
        const sp_outline_entry *e = &doc->outline[i];
        if (e->sheet >= n_out) {
            if (!c->reported)
                sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                            "cannot write the PDF: bookmark \"%s\" points to "
                            "page %zu of %zu", e->title, e->sheet + 1, n_out);
            c->reported = 1;
            return -1;
        }
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
        double top = heights[e->sheet] - e->y_pt;
        if (top < 0)
            top = 0;
        if (outline_dest(c, o, pages[e->sheet], top) != 0)
            return -1;
        stack[level] = o;
        depth = level + 1;
    }
    return 0;
}

static int add_labels(pdf_ctx *c, const sp_doc *doc, size_t n_out)
{
    for (size_t i = 0; i < doc->n_labels; i++) {
        const sp_page_label *l = &doc->labels[i];
        if (l->first_sheet >= n_out)
            continue;
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
            TRY(c, HPDF_AddPageLabel(c->pdf, (HPDF_UINT)l->first_sheet, style,
                                     first, l->prefix),
                "adding a page label");
            continue;
        }
        /* prefix only: the same dictionary without /S */
        HPDF_Dict label = HPDF_PageLabel_New(c->pdf, style, (HPDF_INT)first,
                                             l->prefix);
        if (!label)
            return fail(c, "adding a page label");
        TRY(c, HPDF_Dict_RemoveElement(label, "S"), "adding a page label");
        TRY(c, HPDF_Catalog_AddPageLabel(c->pdf->catalog,
                                         (HPDF_UINT)l->first_sheet, label),
            "adding a page label");
    }
    return 0;
}

/* Builds the whole libharu document in c->pdf. */
static int build(pdf_ctx *c, const sp_doc *doc)
{
    HPDF_Page *pages = NULL;
    double *heights = NULL;
    page_ctx pc;
    memset(&pc, 0, sizeof pc);
    zpipe z;
    int rc = -1;
    c->pdf = HPDF_New(on_error, c);
    if (!c->pdf) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        return -1;
    }
    TRY(c, HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL),
        "turning on compression");
    TRY(c, HPDF_UseUTFEncodings(c->pdf), "turning on UTF-8");
    TRY(c, HPDF_SetCurrentEncoder(c->pdf, "UTF-8"), "turning on UTF-8");
    if (doc->print_actual_size)
        TRY(c, HPDF_SetViewerPreference(c->pdf, HPDF_PRINT_SCALING_NONE),
            "setting the print scaling");
    if (set_info(c, HPDF_INFO_TITLE, doc->title)
        || set_info(c, HPDF_INFO_SUBJECT, doc->subject)
        || set_info(c, HPDF_INFO_KEYWORDS, doc->keywords)
        || set_info(c, HPDF_INFO_AUTHOR, doc->author)
        || set_info(c, HPDF_INFO_CREATOR, doc->creator))
        return -1;

    size_t n_out = doc->n_sheets ? doc->n_sheets : doc->n_pages;
    pages = malloc((n_out ? n_out : 1) * sizeof *pages);
    heights = malloc((n_out ? n_out : 1) * sizeof *heights);
    zstart(&z, n_out);
    if (!pages || !heights) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        goto out;
    }
    for (size_t i = 0; i < n_out; i++) {
        if (doc->n_sheets) {
            const sp_sheet *s = &doc->sheets[i];
            double h = s->marks.height_pt;
            if (begin_page(c, &pc, s->marks.width_pt, h)
                || draw_items(c, &pc, &s->marks))
                goto out;
            for (size_t k = 0; k < s->n_placements; k++)
                if (draw_placement(c, &pc, doc, &s->placements[k], h))
                    goto out;
            heights[i] = h;
        } else {
            const sp_dlist *pg = &doc->pages[i];
            if (begin_page(c, &pc, pg->width_pt, pg->height_pt)
                || draw_items(c, &pc, pg))
                goto out;
            heights[i] = pg->height_pt;
        }
        if (end_page(c, &pc, &z))
            goto out;
        pages[i] = pc.page;
    }
    if (n_out == 0) {
        /* a PDF needs a page: an empty A4 one */
        if (begin_page(c, &pc, 595.2756, 841.8898) || end_page(c, &pc, &z))
            goto out;
    }
    if (zfinish(c, &z, 1) != 0 || add_outline(c, doc, pages, heights, n_out)
        || add_labels(c, doc, n_out))
        goto out;
    rc = 0;
out:
    zfinish(c, &z, 0);
    free(pc.cb.p);
    free(pages);
    free(heights);
    return rc;
}

/* Saves c->pdf to its memory stream; returns its size or 0 on failure. */
static HPDF_UINT32 save(pdf_ctx *c)
{
    if (HPDF_SaveToStream(c->pdf) != HPDF_OK) {
        fail(c, "saving");
        return 0;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(c->pdf);
    if (size == 0 || HPDF_ResetStream(c->pdf) != HPDF_OK) {
        fail(c, "saving");
        return 0;
    }
    return size;
}

int sp_pdf_render(const sp_doc *doc, const sp_fonts *fonts, const char *name,
                  unsigned char **out, size_t *len, sp_diags *diags)
{
    pdf_ctx c;
    memset(&c, 0, sizeof c);
    c.d = diags;
    c.name = name;
    c.fonts = fonts;
    *out = NULL;
    *len = 0;
    int rc = -1;
    unsigned char *buf = NULL;
    if (build(&c, doc) != 0)
        goto out;
    HPDF_UINT32 size = save(&c);
    if (size == 0)
        goto out;
    buf = malloc(size);
    if (!buf) {
        report(&c, HPDF_FAILD_TO_ALLOC_MEM, 0, "saving");
        goto out;
    }
    HPDF_UINT32 got = size;
    if (HPDF_ReadFromStream(c.pdf, buf, &got) != HPDF_OK || got != size) {
        fail(&c, "saving");
        goto out;
    }
    *out = buf;
    *len = size;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    if (c.pdf)
        HPDF_Free(c.pdf);
    return rc;
}

int sp_pdf_write(const sp_doc *doc, const sp_fonts *fonts, const char *path,
                 size_t *bytes_written, sp_diags *diags)
{
    pdf_ctx c;
    memset(&c, 0, sizeof c);
    c.d = diags;
    c.name = path;
    c.fonts = fonts;
    if (bytes_written)
        *bytes_written = 0;
    int rc = -1;
    sp_afile *f = NULL;
    unsigned char *buf = NULL;
    if (build(&c, doc) != 0)
        goto out;
    HPDF_UINT32 size = save(&c);
    if (size == 0)
        goto out;
    /* copy libharu's memory stream to the file in pieces, so the output
     * is never held twice in memory */
    enum { CHUNK = 1 << 16 };
    buf = malloc(CHUNK);
    if (!buf) {
        report(&c, HPDF_FAILD_TO_ALLOC_MEM, 0, "saving");
        goto out;
    }
    f = sp_afile_open(path, diags);
    if (!f)
        goto out;
    for (HPDF_UINT32 done = 0; done < size;) {
        HPDF_UINT32 n = size - done < CHUNK ? size - done : CHUNK;
        HPDF_UINT32 got = n;
        if (HPDF_ReadFromStream(c.pdf, buf, &got) != HPDF_OK || got != n) {
            fail(&c, "saving");
            goto out;
        }
        if (sp_afile_write(f, buf, n) != 0)
            goto out;
        done += n;
    }
    HPDF_Free(c.pdf);
    c.pdf = NULL;
    sp_afile *g = f;
    f = NULL;
    if (sp_afile_commit(g) != 0)
        goto out;
    if (bytes_written)
        *bytes_written = size;
    rc = 0;
out:
    if (f)
        sp_afile_abort(f);
    free(buf);
    if (c.pdf)
        HPDF_Free(c.pdf);
    return rc;
}
