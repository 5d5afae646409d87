/* pdf_int.h - what the PDF device's files share (pdf.c makes the pages
 * and the document, pdf_draw.c writes the pages' content, pdf_font.c
 * embeds the fonts); nobody else includes it.
 * Ownership: a pdf_ctx belongs to its sp_pdf (pdf.c); its pfonts and
 * their arrays to it, freed with pdf_font_free.
 */
#ifndef SP_PDF_INT_H
#define SP_PDF_INT_H

#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "pdf_file.h"
#include "pdf_image.h"
#include "text.h"

/* The bytes of one page's content stream. */
typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} cbuf;

/* A font slot embedded in the document, and the glyphs drawn with it so
 * far: code k (1 .. n_codes - 1) draws glyph code_gid[k] standing for
 * the text texts[code_toff[k] ..][0 .. code_tlen[k]). */
typedef struct {
    int slot;
    size_t n_glyphs;
    HPDF_Dict font;                 /* the Type0 font pages refer to */
    char name[16];                  /* its resource name, "" until used */
    uint32_t *code_gid, *code_toff, *next_code;
    uint16_t *code_tlen;
    float *code_adv;                /* the glyph's /W width, 1/1000 em */
    unsigned char code_byte[128];   /* the byte of each 1-byte code */
    unsigned char byte_used[128];
    uint16_t ascii_code[128];       /* code of a glyph standing for one
                                       ASCII character, 0 if none yet */
    size_t n_codes, cap;
    uint16_t *gid_code;             /* [n_glyphs] first code of a glyph */
    char *texts;
    size_t n_texts, cap_texts;
    char *widths;                   /* "/W [...]" of the CIDFont */
} pfont;

typedef struct {
    HPDF_Doc pdf;
    sp_diags *d;
    const char *name;               /* the output, for messages */
    char *name_copy;                /* owned copy behind name, or NULL */
    const sp_fonts *fonts;
    pfont pfonts[SP_FONTS_MAX];     /* in order of first use */
    int n_pfonts;
    pfont *pf[SP_FONTS_MAX];        /* each slot's, once used */
    sp_shaped shaped;               /* scratch for unshaped text */
    unsigned long page_no;          /* pages begun so far */
    int reported;                   /* a failure has been reported */
    sp_pdf_images *images;          /* figures embedded so far */
    /* the resources every page shares, in the page tree's root (only the
     * fonts and images of the document: a page names what it uses) */
    HPDF_Dict res_font, res_xobject;
    int n_xobjects;
    /* sheets' marks drawn once as form XObjects (pdf.c): each one's
     * content, owned, and its resource name */
    struct pdf_form { char *bytes; size_t n; const char *name; } *forms;
    size_t n_forms;
    HPDF_REAL box_w, box_h;         /* the root's MediaBox, 0 if none */
    sp_pdf_file *file;              /* the file, when written as pages
                                       end (sp_pdf_write_to) */
} pdf_ctx;

/* ---- pdf.c ---- */

/* Reports the first failure of the document (ERR: libharu's code). */
void pdf_report(pdf_ctx *c, HPDF_STATUS err, HPDF_STATUS detail,
                const char *what);
/* Reports libharu's failure at WHAT; returns -1. */
int pdf_fail(pdf_ctx *c, const char *what);
/* Reports running out of memory at WHAT. */
void pdf_oom(pdf_ctx *c, const char *what);
/* 1 once libharu's memory reserve was needed (reserve.h). */
int pdf_hpdf_failed(void);

/* Checks a libharu call: on failure reports WHAT and returns -1. */
#define TRY(c, call, what)                                                    \
    do {                                                                      \
        if ((call) != HPDF_OK || pdf_hpdf_failed())                           \
            return pdf_fail((c), (what));                                     \
    } while (0)

void pdf_cb_grow(cbuf *b, size_t more);
void pdf_cb_put(cbuf *b, const char *s, size_t len);
#define CB_LIT(b, s) pdf_cb_put((b), (s), sizeof(s) - 1)
/* V with at most three decimals and a space. */
void pdf_cb_num(cbuf *b, double v);

/* ---- pdf_font.c ---- */

/* The embedded font of SLOT, created on first use; NULL on failure. */
pfont *pdf_font_get(pdf_ctx *c, int slot);
/* The code drawing glyph GID for text T[0..tlen) with F (RTL: T is
 * logical order in a right-to-left run); 0 on failure (reported). */
unsigned pdf_font_code(pdf_ctx *c, pfont *f, uint32_t gid, const char *t,
                       size_t tlen, int rtl);
void pdf_font_free(pfont *f);
/* Completes every font used (subsets, maps, widths): once all pages are
 * drawn.  0 or -1 (reported). */
int pdf_fonts_embed(pdf_ctx *c);
/* UTF-8 S[0..len) as UTF-16BE hex digits (a text string's body). */
void pdf_utf16_hex(cbuf *b, const char *s, size_t len);


/* ---- drawing (pdf_draw.c): page content as PDF operators ---- */

/* The graphics state as last set on the page, so we skip redundant
 * operators. */
typedef struct {
    double line_w, stroke, fill, dash;
    const HPDF_Dict_Rec *font;      /* slice font set, or NULL */
    double size;
} gcache;

/* The page being drawn: its content so far and graphics state. */
typedef struct {
    HPDF_Page page;
    cbuf cb;
    int in_text;
    long long tx, ty;               /* text line origin, in thousandths */
    gcache gs;
} page_ctx;

/* Starts a page of W x H points (its content empty). 0, or -1 reported. */
int pdf_begin_page(pdf_ctx *c, page_ctx *pc, double w, double h);
/* Draws display list DL in its own coordinates (y flipped within its
 * height). 0, or -1 reported. */
int pdf_draw_items(pdf_ctx *c, page_ctx *pc, const sp_dlist *dl);
/* Draws a sheet's marks DL, as a form XObject shared by every sheet with
 * the same marks when they are lines only. 0, or -1 reported. */
int pdf_draw_marks(pdf_ctx *c, page_ctx *pc, const sp_dlist *dl);
/* Draws logical page PL of DOC on the current sheet of height SHEET_H.
 * 0, or -1 reported. */
int pdf_draw_placement(pdf_ctx *c, page_ctx *pc, const sp_doc *doc,
                       const sp_placement *pl, double sheet_h);
/* Ends the text object the page is in, if any. */
void pdf_end_text(page_ctx *pc);

#endif
