/* pdf_draw.c - the PDF device's page content: display lists written as
 * PDF operators (text as glyph codes of the embedded fonts, lines,
 * rectangles, images, the sheets' marks as form XObjects), see
 * pdf_int.h.  pdf.c makes the pages and the document around them. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_list.h>

#include "pdf_image.h"
#include "text.h"

#include "pdf_int.h"

/* ---- drawing --------------------------------------------------------
 *
 * Page content is written directly as PDF operators into a buffer, one
 * piece per page.  Going through libharu's HPDF_Page_* calls instead
 * costs about 3x as much time (each call validates, measures text,
 * formats numbers and writes to its stream in small pieces).
 */


void pdf_cb_grow(cbuf *b, size_t more)
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

void pdf_cb_put(cbuf *b, const char *s, size_t len)
{
    pdf_cb_grow(b, len);
    if (b->oom)
        return;
    memcpy(b->p + b->n, s, len);
    b->n += len;
}


/* V in thousandths, rounded (0 if V is out of range). */
static long long milli(double v)
{
    if (!(v > -1e9 && v < 1e9))
        return 0;
    return (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
}

/* Writes M thousandths at O (at most 24 bytes) as a number with at most
 * three decimals, no exponent, no "-0"; returns the end. */
static char *put_milli(char *o, long long m)
{
    char tmp[32], *e = tmp + sizeof tmp, *q = e;
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
    memcpy(o, q, (size_t)(e - q));
    return o + (e - q);
}

/* M thousandths as put_milli writes it, followed by a space. */
static void cb_milli(cbuf *b, long long m)
{
    pdf_cb_grow(b, 32);
    if (b->oom)
        return;
    char *o = put_milli(b->p + b->n, m);
    *o++ = ' ';
    b->n = (size_t)(o - b->p);
}

/* A number with at most three decimals (see cb_milli). */
void pdf_cb_num(cbuf *b, double v)
{
    cb_milli(b, milli(v));
}

/* V points as a position on the page: in whole hundredths (0.0035 mm,
 * finer than any printer places a dot; three decimals cost 3% more
 * compressed page content), as thousandths. */
static long long pos_milli(double v)
{
    if (!(v > -1e9 && v < 1e9))
        return 0;
    return (long long)(v * 100.0 + (v < 0 ? -0.5 : 0.5)) * 10;
}

/* A position (see pos_milli) and a space. */
static void cb_pos(cbuf *b, double v)
{
    cb_milli(b, pos_milli(v));
}


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


void pdf_end_text(page_ctx *pc)
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
        pdf_cb_num(&pc->cb, gray);
        CB_LIT(&pc->cb, "g\n");
        pc->gs.fill = gray;
    }
}

static void set_stroke(page_ctx *pc, double width, double gray, double dash)
{
    gray = gray_level(gray);
    if (width != pc->gs.line_w) {
        pdf_cb_num(&pc->cb, width);
        CB_LIT(&pc->cb, "w\n");
        pc->gs.line_w = width;
    }
    if (gray != pc->gs.stroke) {
        pdf_cb_num(&pc->cb, gray);
        CB_LIT(&pc->cb, "G\n");
        pc->gs.stroke = gray;
    }
    dash = dash > 0 ? dash : 0;
    if (dash != pc->gs.dash) {
        if (dash > 0) {
            CB_LIT(&pc->cb, "[");
            pdf_cb_num(&pc->cb, dash);
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

/* Sets font F at SIZE, unless it is set already.  0 or -1. */
static int set_font(pdf_ctx *c, page_ctx *pc, pfont *f, double size)
{
    if (f->font == pc->gs.font && size == pc->gs.size)
        return 0;
    if (!f->name[0]) {
        snprintf(f->name, sizeof f->name, "F%d", (int)(f - c->pfonts) + 1);
        TRY(c, HPDF_Dict_Add(c->res_font, f->name, f->font),
            "adding a font to the pages");
    }
    CB_LIT(&pc->cb, "/");
    pdf_cb_put(&pc->cb, f->name, strlen(f->name));
    CB_LIT(&pc->cb, " ");
    pdf_cb_num(&pc->cb, size);
    CB_LIT(&pc->cb, "Tf\n");
    pc->gs.font = f->font;
    pc->gs.size = size;
    return 0;
}

/* 1 if glyph i of G is the first (in logical order) of its cluster. */
static int cluster_start(const sp_glyph *g, size_t n, size_t i, int rtl)
{
    if (rtl)
        return i + 1 == n || g[i + 1].cluster != g[i].cluster;
    return i == 0 || g[i - 1].cluster != g[i].cluster;
}

/* The end of the text of G[i]'s cluster: the next larger cluster value
 * of the run, or LEN. */
static size_t cluster_end(const sp_glyph *g, size_t n, size_t i, size_t len)
{
    size_t end = len;
    for (size_t k = 0; k < n; k++)
        if (g[k].cluster > g[i].cluster && g[k].cluster < end)
            end = g[k].cluster;
    return end;
}

/* Glyphs G[0..n) of font F at SIZE, their text T (logical order), drawn
 * from the current text position: "(...)Tj", or "[(...) adj (...)]TJ"
 * where positions differ from the fonts' widths (kerning, marks), with
 * 1- or 2-byte codes and Ts for vertical offsets; wrapped in /ActualText
 * when the glyphs are not the characters one to one in order.  0, or -1
 * on failure. */
static int put_glyphs(pdf_ctx *c, page_ctx *pc, pfont *f, double size,
                      const sp_glyph *g, size_t n, const char *t, size_t len,
                      int rtl, const char *actual_text, size_t actual_len)
{
    cbuf *b = &pc->cb;
    int simple = !rtl && (n == 0 || g[0].cluster == 0);
    int any_dy = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && g[i].cluster <= g[i - 1].cluster)
            simple = 0;
        if (g[i].dy != 0)
            any_dy = 1;
    }
    if (simple && n > 0 && g[n - 1].cluster >= len)
        simple = 0;
    /* right-to-left runs go without /ActualText: readers (poppler) take
     * glyphs as visual order and reverse right-to-left text themselves,
     * and would reverse the logical /ActualText too; a glyph standing
     * for several characters maps to them in visual order for the same
     * reason (see get_code) */
    int actual = (!simple && !rtl) || actual_text;
    if (actual) {
        /* (or the item's own: a hyphen added by breaking extracts as the
         * rest of its word, and that rest as nothing) */
        CB_LIT(b, "/Span <</ActualText <FEFF");
        if (actual_text)
            pdf_utf16_hex(b, actual_text, actual_len);
        else
            pdf_utf16_hex(b, t, len);
        CB_LIT(b, ">>> BDC\n");
    }
    float pen = 0, cur = 0;
    double rise = 0;
    size_t i = 0;
    while (i < n) {
        /* one show operator: up to the next change of vertical offset */
        double dy = g[i].dy * size / 1000.0;
        if (fabs(dy - rise) > 0.0005) {
            pdf_cb_num(b, dy);
            CB_LIT(b, "Ts\n");
            rise = dy;
        }
        size_t j = i + 1;
        if (!any_dy)
            j = n;
        while (j < n && fabs(g[j].dy * size / 1000.0 - rise) <= 0.0005)
            j++;
        /* each glyph: at most 4 bytes of code, 2 brackets and a number */
        pdf_cb_grow(b, 32 * (j - i) + 16);
        if (b->oom)
            return 0;               /* reported when the page ends */
        char *o = b->p + b->n, *start = o;
        *o++ = '(';
        int array = 0;
        for (size_t k = i; k < j; k++) {
            const sp_glyph *gk = &g[k];
            size_t ts, te;
            if (simple) {
                /* clusters increase from 0 and stay below len */
                ts = gk->cluster;
                te = k + 1 < n ? g[k + 1].cluster : len;
            } else {
                ts = gk->cluster < len ? gk->cluster : len;
                te = cluster_start(g, n, k, rtl) ? cluster_end(g, n, k, len)
                                                 : ts;
                if (te < ts || te > len)
                    te = ts;
            }
            unsigned code;
            unsigned char c0 = ts < len ? (unsigned char)t[ts] : 0;
            if (te - ts == 1 && c0 < 0x80 && f->ascii_code[c0]
                && f->code_gid[f->ascii_code[c0]] == gk->gid) {
                code = f->ascii_code[c0];
            } else {
                b->n = (size_t)(o - b->p);   /* get_code may report */
                code = pdf_font_code(c, f, gk->gid, t + ts, te - ts, rtl);
                if (!code && c->reported)
                    return -1;
            }
            /* the move to this glyph, in whole 1/1000 em (finer is
             * invisible; the rounding does not add up: cur is where the
             * text position really is) */
            float want = pen + gk->dx - cur;
            long adj = want >= 0 ? (long)(want + 0.5f) : -(long)(0.5f - want);
            if (adj != 0) {
                if (!array) {
                    memmove(start + 1, start, (size_t)(o - start));
                    *start = '[';
                    o++;
                    array = 1;
                }
                if (o - 1 == start + 1)
                    o--;            /* nothing shown yet: no "()" */
                else
                    *o++ = ')';
                o = put_milli(o, -1000LL * adj);
                *o++ = '(';
                cur += (float)adj;
            }
            if (code >= 0x80) {
                unsigned v = 0x8000 + (code - 0x80);
                o = put_byte(o, v >> 8);
                o = put_byte(o, v & 0xFF);
            } else {
                o = put_byte(o, f->code_byte[code]);
            }
            cur += f->code_adv[code];
            pen += gk->adv;
        }
        if (array) {
            memcpy(o, ")]TJ\n", 5);
            o += 5;
        } else {
            memcpy(o, ")Tj\n", 4);
            o += 4;
        }
        b->n = (size_t)(o - b->p);
        i = j;
    }
    if (rise != 0)
        CB_LIT(b, "0 Ts\n");
    if (actual)
        CB_LIT(b, "EMC\n");
    return 0;
}

/* Moves the text position to (x, y) (device coordinates, points), in
 * exact hundredths relative to the previous position (see pos_milli). */
static void text_move(page_ctx *pc, double x_pt, double y_pt)
{
    if (!pc->in_text) {
        CB_LIT(&pc->cb, "BT\n");
        pc->in_text = 1;
        pc->tx = pc->ty = 0;
    }
    long long x = pos_milli(x_pt), y = pos_milli(y_pt);
    cb_milli(&pc->cb, x - pc->tx);
    cb_milli(&pc->cb, y - pc->ty);
    CB_LIT(&pc->cb, "Td\n");
    pc->tx = x;
    pc->ty = y;
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
    if (!c->fonts)
        return pdf_font_get(c, 0) ? 0 : -1;
    set_fill(pc, it->gray);
    if (it->glyphs) {
        pfont *f = pdf_font_get(c, it->slot);
        if (!f)
            return -1;
        text_move(pc, it->x_pt, h - it->y_pt);
        if (set_font(c, pc, f, it->size_pt))
            return -1;
        return put_glyphs(c, pc, f, it->size_pt, it->glyphs, it->n_glyphs,
                          it->text, it->text_len, it->rtl, it->actual,
                          it->actual_len);
    }
    /* unshaped text: shaped here as one line */
    sp_face face = (unsigned)it->face < SP_FACE_COUNT ? it->face
                                                      : SP_FACE_REGULAR;
    if (sp_text_shape_plain(c->fonts, face, it->text, it->text_len,
                            &c->shaped)) {
        pdf_oom(c, "shaping text");
        return -1;
    }
    double k = it->size_pt / 1000.0;
    for (size_t i = 0; i < c->shaped.n_pieces; i++) {
        const sp_piece *p = &c->shaped.pieces[i];
        pfont *f = pdf_font_get(c, p->slot);
        if (!f)
            return -1;
        text_move(pc, it->x_pt + p->x * k, h - it->y_pt);
        if (set_font(c, pc, f, it->size_pt)
            || put_glyphs(c, pc, f, it->size_pt,
                          c->shaped.glyphs + p->first_glyph, p->n_glyphs,
                          it->text + p->off, p->len, p->level & 1,
                          i == 0 ? it->actual : it->actual ? "" : NULL,
                          i == 0 ? it->actual_len : 0))
            return -1;
    }
    return 0;
}

static void draw_line(page_ctx *pc, const sp_dl_item *it, double h)
{
    if (!(it->line_pt > 0))
        return;
    pdf_end_text(pc);
    set_stroke(pc, it->line_pt, it->gray, it->dash_pt);
    cb_pos(&pc->cb, it->x_pt);
    cb_pos(&pc->cb, h - it->y_pt);
    CB_LIT(&pc->cb, "m\n");
    cb_pos(&pc->cb, it->x2_pt);
    cb_pos(&pc->cb, h - it->y2_pt);
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
    pdf_end_text(pc);
    if (stroke)
        set_stroke(pc, line, gray, 0);
    if (filled)
        set_fill(pc, fill);
    cb_pos(&pc->cb, x);
    cb_pos(&pc->cb, h - y - hh);
    cb_pos(&pc->cb, w);
    cb_pos(&pc->cb, hh);
    if (stroke && filled)
        CB_LIT(&pc->cb, "re\nB\n");
    else if (stroke)
        CB_LIT(&pc->cb, "re\nS\n");
    else
        CB_LIT(&pc->cb, "re\nf\n");
}

/* ---- images (the embedding is in pdf_image.c) ---- */

/* A figure's image stretched over its box: "q w 0 0 h x y cm /Im Do Q". */
/* The resource name of XObject IM (an image or a form) in the pages'
 * shared resources, added on its first use; NULL on failure (reported). */
static const char *xobject_name(pdf_ctx *c, HPDF_Dict im)
{
    if (!c->res_xobject) {
        HPDF_Dict res = HPDF_Dict_GetItem(c->pdf->root_pages, "Resources",
                                          HPDF_OCLASS_DICT);
        c->res_xobject = res ? HPDF_Dict_New(c->pdf->mmgr) : NULL;
        if (!c->res_xobject
            || HPDF_Dict_Add(res, "XObject", c->res_xobject) != HPDF_OK) {
            pdf_fail(c, "adding an image to the pages");
            return NULL;
        }
    }
    HPDF_List l = c->res_xobject->list;
    for (HPDF_UINT i = 0; i < l->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(l, i);
        HPDF_Obj_Header *h = e->value;
        if ((h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_PROXY
            && ((HPDF_Proxy)e->value)->obj == (void *)im)
            return e->key;
    }
    char name[16];
    snprintf(name, sizeof name, "X%d", ++c->n_xobjects);
    if (HPDF_Dict_Add(c->res_xobject, name, im) != HPDF_OK
        || pdf_hpdf_failed()) {
        pdf_fail(c, "adding an image to the pages");
        return NULL;
    }
    HPDF_DictElement e = HPDF_List_ItemAt(l, l->count - 1);
    return e->key;
}

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
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "embedding an image");
        return -1;
    }
    if (st != SP_PDF_IMAGE_OK || pdf_hpdf_failed())
        return pdf_fail(c, "embedding an image");
    const char *name = xobject_name(c, im);
    if (!name)
        return -1;
    pdf_end_text(pc);
    if (it->alt && it->alt[0]) {
        /* the figure's text for readers who cannot see it */
        char *alt = sp_pdf_text_string(it->alt);
        if (!alt) {
            pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "embedding an image");
            return -1;
        }
        CB_LIT(&pc->cb, "/Span <</Alt ");
        pdf_cb_put(&pc->cb, alt, strlen(alt));
        CB_LIT(&pc->cb, " >> BDC\n");
        free(alt);
    }
    CB_LIT(&pc->cb, "q\n");
    cb_pos(&pc->cb, it->w_pt);
    CB_LIT(&pc->cb, " 0 0 ");
    cb_pos(&pc->cb, it->h_pt);
    cb_pos(&pc->cb, it->x_pt);
    cb_pos(&pc->cb, h - it->y_pt - it->h_pt);
    CB_LIT(&pc->cb, "cm\n/");
    pdf_cb_put(&pc->cb, name, strlen(name));
    CB_LIT(&pc->cb, " Do\nQ\n");
    if (it->alt && it->alt[0])
        CB_LIT(&pc->cb, "EMC\n");
    return 0;
}

/* ---- sheet marks as form XObjects ----
 *
 * The crop marks of a sheet of cards are some fifty lines, the same on
 * every full sheet.  Deflate cannot share them between pages (each page
 * is deflated on its own), so on every page they cost about 185 bytes,
 * 40 bytes a card.  A sheet's marks of lines only are drawn instead into
 * a form XObject, one for each different set of marks in the document (a
 * full sheet's, the last sheet's), and each page paints it with "Do". */
enum { FORM_MIN_LINES = 8, FORM_MAX = 64 };

static int marks_as_form(const sp_dlist *dl)
{
    if (dl->n_items < FORM_MIN_LINES)
        return 0;
    for (size_t i = 0; i < dl->n_items; i++)
        if (dl->items[i].kind != SP_DL_LINE)
            return 0;
    return 1;
}

/* The form XObject with content BYTES[0..N) for a page of W x H points,
 * made on its first use; its resource name, or NULL (reported). */
static const char *form_name(pdf_ctx *c, const char *bytes, size_t n,
                             double w, double h)
{
    for (size_t i = 0; i < c->n_forms; i++)
        if (c->forms[i].n == n && memcmp(c->forms[i].bytes, bytes, n) == 0)
            return c->forms[i].name;
    struct pdf_form *f = realloc(c->forms, (c->n_forms + 1) * sizeof *f);
    char *copy = malloc(n ? n : 1);
    if (f)
        c->forms = f;
    if (!f || !copy) {
        free(copy);
        pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding crop marks");
        return NULL;
    }
    memcpy(copy, bytes, n);
    HPDF_Dict xo = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    HPDF_Box b = {0, 0, (HPDF_REAL)w, (HPDF_REAL)h};
    HPDF_Array box = xo ? HPDF_Box_Array_New(c->pdf->mmgr, b) : NULL;
    if (!box || HPDF_Dict_AddName(xo, "Type", "XObject") != HPDF_OK
        || HPDF_Dict_AddName(xo, "Subtype", "Form") != HPDF_OK
        || HPDF_Dict_Add(xo, "BBox", box) != HPDF_OK
        || HPDF_Stream_Write(xo->stream, (const HPDF_BYTE *)copy,
                             (HPDF_UINT)n) != HPDF_OK
        || pdf_hpdf_failed()) {
        free(copy);
        pdf_fail(c, "adding crop marks");
        return NULL;
    }
    const char *name = xobject_name(c, xo);
    if (!name) {
        free(copy);
        return NULL;
    }
    c->forms[c->n_forms++] = (struct pdf_form){copy, n, name};
    return name;
}

/* Draws a sheet's marks DL, as a form XObject when marks_as_form. */
int pdf_draw_marks(pdf_ctx *c, page_ctx *pc, const sp_dlist *dl)
{
    if (!marks_as_form(dl) || c->n_forms >= FORM_MAX)
        return pdf_draw_items(c, pc, dl);
    /* its own content: from the state a page starts in, set first (a
     * form starts in the state of the page that paints it) */
    page_ctx f;
    memset(&f, 0, sizeof f);
    gcache_reset(&f.gs);
    CB_LIT(&f.cb, "1 w\n0 G\n[] 0 d\n");
    const char *name = NULL;
    if (pdf_draw_items(c, &f, dl) == 0) {
        if (f.cb.oom)
            pdf_report(c, HPDF_FAILD_TO_ALLOC_MEM, 0, "adding crop marks");
        else
            name = form_name(c, f.cb.p, f.cb.n, dl->width_pt, dl->height_pt);
    }
    free(f.cb.p);
    if (!name)
        return -1;
    pdf_end_text(pc);
    CB_LIT(&pc->cb, "/");
    pdf_cb_put(&pc->cb, name, strlen(name));
    CB_LIT(&pc->cb, " Do\n");
    return 0;
}

/* Draws a display list in its own coordinates (y flipped within its
 * height). */
int pdf_draw_items(pdf_ctx *c, page_ctx *pc, const sp_dlist *dl)
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
    pdf_end_text(pc);
    return 0;
}

int pdf_begin_page(pdf_ctx *c, page_ctx *pc, double w, double h)
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
    if (!pc->page || pdf_hpdf_failed())
        return pdf_fail(c, "adding a page");
    TRY(c, HPDF_Page_SetWidth(pc->page, (HPDF_REAL)w), "sizing a page");
    TRY(c, HPDF_Page_SetHeight(pc->page, (HPDF_REAL)h), "sizing a page");
    /* the resources are the root's; so is the size of the first page,
     * which pages of that size inherit */
    TRY(c, HPDF_Dict_RemoveElement(pc->page, "Resources"), "adding a page");
    if (c->box_w == 0) {
        HPDF_Box b = {0, 0, (HPDF_REAL)w, (HPDF_REAL)h};
        HPDF_Array box = HPDF_Box_Array_New(c->pdf->mmgr, b);
        if (!box || HPDF_Dict_Add(c->pdf->root_pages, "MediaBox", box)
                        != HPDF_OK)
            return pdf_fail(c, "adding a page");
        c->box_w = (HPDF_REAL)w;
        c->box_h = (HPDF_REAL)h;
    }
    if ((HPDF_REAL)w == c->box_w && (HPDF_REAL)h == c->box_h)
        TRY(c, HPDF_Dict_RemoveElement(pc->page, "MediaBox"),
            "adding a page");
    pc->cb.n = 0;
    pc->in_text = 0;
    gcache_reset(&pc->gs);
    c->page_no++;
    return 0;
}

/* One logical page placed on the current sheet (of height sheet_h). */
int pdf_draw_placement(pdf_ctx *c, page_ctx *pc, const sp_doc *doc,
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
        return pdf_fail(c, "placing a page");
    double pw = pg->width_pt, ph = pg->height_pt;
    /* the logical page's PDF space (origin bottom-left, y up, within its
     * own height) -> the sheet's PDF space */
    pdf_end_text(pc);
    double sx = pl->scale_x, sy = pl->scale_y;
    if (!isfinite(sx) || !isfinite(sy) || !(sx > 0) || !(sy > 0))
        return pdf_fail(c, "placing a page");
    if (sx != 1 || sy != 1) {
        /* the back correction: [±sx 0 0 ±sy tx ty] */
        int r = pl->rotate_deg == 180;
        CB_LIT(&pc->cb, "q\n");
        char f[64];
        int n = snprintf(f, sizeof f, "%.5f 0 0 %.5f ", r ? -sx : sx,
                         r ? -sy : sy);
        pdf_cb_put(&pc->cb, f, (size_t)n);
        cb_pos(&pc->cb, r ? pl->x_pt + pw * sx : pl->x_pt);
        cb_pos(&pc->cb, r ? sheet_h - pl->y_pt : sheet_h - pl->y_pt - ph * sy);
    } else if (pl->rotate_deg == 180) {
        CB_LIT(&pc->cb, "q\n-1 0 0 -1 ");
        cb_pos(&pc->cb, pl->x_pt + pw);
        cb_pos(&pc->cb, sheet_h - pl->y_pt);
    } else {
        CB_LIT(&pc->cb, "q\n1 0 0 1 ");
        cb_pos(&pc->cb, pl->x_pt);
        cb_pos(&pc->cb, sheet_h - pl->y_pt - ph);
    }
    CB_LIT(&pc->cb, "cm\n");
    gcache saved = pc->gs;
    if (pdf_draw_items(c, pc, pg) != 0)
        return -1;
    CB_LIT(&pc->cb, "Q\n");
    pc->gs = saved;
    return 0;
}
