/* pdf.c - the PDF device (see pdf.h).  The only file that includes hpdf.h.
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
 *     (a cidrange in a ToUnicode map; poppler warns on every run).  The
 *     codes libharu writes for UTF-8 text are the UCS-2 code points, so we
 *     replace it with an identity map (bfranges, 256 codes each).
 *   - A page label without a numbering style (prefix only) needs the
 *     label dictionary without /S, which HPDF_AddPageLabel cannot make.
 *   The three work-arounds use libharu's exported object API (hpdf_doc.h,
 *   hpdf_objects.h, hpdf_page_label.h), which 2.3.0 installs.
 *   - HPDF_PRINT_SCALING_NONE exists in 2.3.0 and writes
 *     /ViewerPreferences << /PrintScaling /None >> (and %PDF-1.6).
 */
#include "pdf.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_page_label.h>

#include "fsutil.h"

/* The graphics state as last set on the page, so we skip redundant
 * operators. */
typedef struct {
    double line_w, stroke, fill, dash;
    HPDF_Font font;
    double size;
} gcache;

typedef struct {
    HPDF_Doc pdf;
    sp_diags *d;
    const char *name;               /* the output, for messages */
    const sp_fonts *fonts;
    HPDF_Font font[SP_FACE_COUNT];
    const char *loading;            /* font file being embedded, or NULL */
    int reported;                   /* a failure has been reported */
    HPDF_Page page;
    int in_text;
    gcache gs;
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

/* ---- drawing -------------------------------------------------------- */

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

static int end_text(pdf_ctx *c)
{
    if (c->in_text) {
        c->in_text = 0;
        TRY(c, HPDF_Page_EndText(c->page), "ending a text object");
    }
    return 0;
}

static int item_finite(const sp_dl_item *it)
{
    return isfinite(it->x_pt) && isfinite(it->y_pt) && isfinite(it->x2_pt)
           && isfinite(it->y2_pt) && isfinite(it->w_pt) && isfinite(it->h_pt)
           && isfinite(it->size_pt) && isfinite(it->line_pt)
           && isfinite(it->gray) && isfinite(it->fill_gray)
           && isfinite(it->dash_pt);
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static int set_fill(pdf_ctx *c, double gray)
{
    gray = clamp01(gray);
    if (gray != c->gs.fill) {
        TRY(c, HPDF_Page_SetGrayFill(c->page, (HPDF_REAL)gray),
            "setting a fill colour");
        c->gs.fill = gray;
    }
    return 0;
}

static int set_stroke(pdf_ctx *c, double width, double gray, double dash)
{
    gray = clamp01(gray);
    if (width > HPDF_MAX_LINEWIDTH)
        width = HPDF_MAX_LINEWIDTH;
    if (width != c->gs.line_w) {
        TRY(c, HPDF_Page_SetLineWidth(c->page, (HPDF_REAL)width),
            "setting a line width");
        c->gs.line_w = width;
    }
    if (gray != c->gs.stroke) {
        TRY(c, HPDF_Page_SetGrayStroke(c->page, (HPDF_REAL)gray),
            "setting a line colour");
        c->gs.stroke = gray;
    }
    /* libharu takes whole-point dash lengths */
    if (dash > 0) {
        dash = floor(dash + 0.5);
        dash = dash < 1 ? 1 : dash > HPDF_MAX_DASH_PATTERN
                                  ? HPDF_MAX_DASH_PATTERN : dash;
    } else {
        dash = 0;
    }
    if (dash != c->gs.dash) {
        HPDF_UINT16 pattern[1] = {(HPDF_UINT16)dash};
        TRY(c, dash > 0 ? HPDF_Page_SetDash(c->page, pattern, 1, 0)
                        : HPDF_Page_SetDash(c->page, NULL, 0, 0),
            "setting a dash pattern");
        c->gs.dash = dash;
    }
    return 0;
}

static int draw_text(pdf_ctx *c, const sp_dl_item *it, double h)
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
    HPDF_Font font = get_font(c, it->face);
    if (!font)
        return -1;
    if (!c->in_text) {
        TRY(c, HPDF_Page_BeginText(c->page), "starting a text object");
        c->in_text = 1;
    }
    if (font != c->gs.font || it->size_pt != c->gs.size) {
        TRY(c, HPDF_Page_SetFontAndSize(c->page, font,
                                        (HPDF_REAL)it->size_pt),
            "choosing a font");
        c->gs.font = font;
        c->gs.size = it->size_pt;
    }
    if (set_fill(c, it->gray) != 0)
        return -1;
    TRY(c, HPDF_Page_SetTextMatrix(c->page, 1, 0, 0, 1, (HPDF_REAL)it->x_pt,
                                   (HPDF_REAL)(h - it->y_pt)),
        "placing text");
    TRY(c, HPDF_Page_ShowText(c->page, it->text), "showing text");
    return 0;
}

static int draw_line(pdf_ctx *c, const sp_dl_item *it, double h)
{
    if (!(it->line_pt > 0))
        return 0;
    if (end_text(c) || set_stroke(c, it->line_pt, it->gray, it->dash_pt))
        return -1;
    TRY(c, HPDF_Page_MoveTo(c->page, (HPDF_REAL)it->x_pt,
                            (HPDF_REAL)(h - it->y_pt)), "drawing a line");
    TRY(c, HPDF_Page_LineTo(c->page, (HPDF_REAL)it->x2_pt,
                            (HPDF_REAL)(h - it->y2_pt)), "drawing a line");
    TRY(c, HPDF_Page_Stroke(c->page), "drawing a line");
    return 0;
}

/* Rectangles and check boxes: top-left (x, y), size w x h_ in points. */
static int draw_rect(pdf_ctx *c, double x, double y, double w, double hh,
                     double line, double gray, double fill, double h)
{
    int stroke = line > 0, filled = fill >= 0;
    if (!stroke && !filled)
        return 0;
    if (end_text(c))
        return -1;
    if (stroke && set_stroke(c, line, gray, 0))
        return -1;
    if (filled && set_fill(c, fill))
        return -1;
    TRY(c, HPDF_Page_Rectangle(c->page, (HPDF_REAL)x, (HPDF_REAL)(h - y - hh),
                               (HPDF_REAL)w, (HPDF_REAL)hh),
        "drawing a rectangle");
    HPDF_STATUS rc = stroke && filled ? HPDF_Page_FillStroke(c->page)
                     : stroke         ? HPDF_Page_Stroke(c->page)
                                      : HPDF_Page_Fill(c->page);
    TRY(c, rc, "drawing a rectangle");
    return 0;
}

/* Draws a display list whose own height is H (its y axis is flipped
 * within that height). */
static int draw_items(pdf_ctx *c, const sp_dlist *dl)
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
        int rc;
        switch (it->kind) {
        case SP_DL_TEXT: rc = draw_text(c, it, h); break;
        case SP_DL_LINE: rc = draw_line(c, it, h); break;
        case SP_DL_RECT:
            rc = draw_rect(c, it->x_pt, it->y_pt, it->w_pt, it->h_pt,
                           it->line_pt, it->gray, it->fill_gray, h);
            break;
        case SP_DL_CHECKBOX:
            rc = draw_rect(c, it->x_pt, it->y_pt, it->w_pt, it->w_pt,
                           it->line_pt, it->gray, -1, h);
            break;
        default: rc = 0; break;
        }
        if (rc)
            return -1;
    }
    return end_text(c);
}

static int new_page(pdf_ctx *c, double w, double h)
{
    if (!(w >= 3 && w <= 14400 && h >= 3 && h <= 14400)) {
        if (!c->reported)
            sp_diag_add(c->d, SP_D_PDF, c->name, 0, 0,
                        "cannot write the PDF: page size %gx%g pt is out of "
                        "range", w, h);
        c->reported = 1;
        return -1;
    }
    c->page = HPDF_AddPage(c->pdf);
    if (!c->page)
        return fail(c, "adding a page");
    TRY(c, HPDF_Page_SetWidth(c->page, (HPDF_REAL)w), "sizing a page");
    TRY(c, HPDF_Page_SetHeight(c->page, (HPDF_REAL)h), "sizing a page");
    c->in_text = 0;
    gcache_reset(&c->gs);
    return 0;
}

/* One logical page placed on the current sheet (of height sheet_h). */
static int draw_placement(pdf_ctx *c, const sp_doc *doc,
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
    double a = 1, d = 1, e = pl->x_pt, f = sheet_h - pl->y_pt - ph;
    if (pl->rotate_deg == 180) {
        a = d = -1;
        e = pl->x_pt + pw;
        f = sheet_h - pl->y_pt;
    }
    gcache saved = c->gs;
    if (end_text(c))
        return -1;
    TRY(c, HPDF_Page_GSave(c->page), "saving the graphics state");
    TRY(c, HPDF_Page_Concat(c->page, (HPDF_REAL)a, 0, 0, (HPDF_REAL)d,
                            (HPDF_REAL)e, (HPDF_REAL)f),
        "placing a page");
    if (draw_items(c, pg) != 0)
        return -1;
    TRY(c, HPDF_Page_GRestore(c->page), "restoring the graphics state");
    c->gs = saved;
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
    if (!pages || !heights) {
        report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "starting");
        goto out;
    }
    for (size_t i = 0; i < n_out; i++) {
        if (doc->n_sheets) {
            const sp_sheet *s = &doc->sheets[i];
            double h = s->marks.height_pt;
            if (new_page(c, s->marks.width_pt, h) || draw_items(c, &s->marks))
                goto out;
            for (size_t k = 0; k < s->n_placements; k++)
                if (draw_placement(c, doc, &s->placements[k], h))
                    goto out;
            heights[i] = h;
        } else {
            const sp_dlist *pg = &doc->pages[i];
            if (new_page(c, pg->width_pt, pg->height_pt)
                || draw_items(c, pg))
                goto out;
            heights[i] = pg->height_pt;
        }
        pages[i] = c->page;
    }
    if (n_out == 0) {
        /* a PDF needs a page: an empty A4 one */
        if (new_page(c, 595.2756, 841.8898))
            goto out;
    }
    if (add_outline(c, doc, pages, heights, n_out)
        || add_labels(c, doc, n_out))
        goto out;
    rc = 0;
out:
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
