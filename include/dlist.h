/* dlist.h - display lists: what layout produces and devices consume.
 *
 * A display list is one logical page (a card side, a booklet page) or one
 * sheet's marks.  Coordinates are points (1/72 in) with the origin at the
 * TOP-LEFT of the page and y growing DOWN; a text item's y is its baseline.
 * Devices convert to their own coordinates.
 * Who may include: layout modules (cards, booklet, text), impose, devices.
 * Ownership: an sp_dlist owns its items and a copy of every string added
 * to it; sp_doc owns its pages, sheets, outline and metadata strings.
 */
#ifndef SP_DLIST_H
#define SP_DLIST_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SP_FACE_REGULAR, SP_FACE_BOLD, SP_FACE_ITALIC, SP_FACE_MONO,
    SP_FACE_COUNT
} sp_face;

/* One shaped glyph: GID of the item's font slot, CLUSTER the byte offset
 * in the item's text of the characters it draws, and its advance and
 * offsets in 1/1000 em (dy up). */
typedef struct {
    uint32_t gid, cluster;
    float adv, dx, dy;
} sp_glyph;

typedef enum {
    SP_DL_TEXT,      /* face, size_pt, x_pt, y_pt (baseline), text */
    SP_DL_LINE,      /* x_pt, y_pt -> x2_pt, y2_pt, line_pt, gray, dash_pt */
    SP_DL_RECT,      /* x_pt, y_pt (top-left), w_pt, h_pt, line_pt, gray,
                        fill_gray (<0: no fill), line_pt 0: no stroke */
    SP_DL_CHECKBOX,  /* x_pt, y_pt (top-left), w_pt (square), line_pt */
    SP_DL_IMAGE      /* x_pt, y_pt (top-left), w_pt, h_pt: the image file
                        text (its path) of px_w x px_h pixels, stretched
                        to fill the box; alt its text (may be NULL) */
} sp_dl_kind;

typedef struct {
    sp_dl_kind kind;
    sp_face face;
    double size_pt;
    double x_pt, y_pt;
    double x2_pt, y2_pt;
    double w_pt, h_pt;
    double line_pt;
    double gray;        /* 0 black .. 1 white */
    double fill_gray;   /* < 0: none */
    double dash_pt;     /* 0: solid */
    int px_w, px_h;     /* SP_DL_IMAGE: the image's size in pixels */
    char *alt;          /* SP_DL_IMAGE: its alt text (UTF-8), or NULL */
    char *text;         /* UTF-8, SP_DL_TEXT; the file, SP_DL_IMAGE */
    size_t text_len;
    /* SP_DL_TEXT, shaped: the glyphs in visual order (left to right),
     * drawn with font slot SLOT (see fonts.h); RTL if their order is the
     * reverse of the text's.  NULL if unshaped: the device shapes the
     * text itself (face, plain left-to-right fallback per character). */
    sp_glyph *glyphs;
    size_t n_glyphs;
    int slot, rtl;
    const char *actual; /* NULL, or what a reader extracts instead of the
                           text (PDF /ActualText: "" drops it), UTF-8; in
                           text's allocation, or a static "" */
    size_t actual_len;
} sp_dl_item;

typedef struct {
    double width_pt, height_pt;
    sp_dl_item *items;
    size_t n_items, cap_items;
} sp_dlist;

void sp_dlist_init(sp_dlist *dl, double width_pt, double height_pt);
void sp_dlist_release(sp_dlist *dl);   /* frees items; dl itself not */
/* Each returns 0, or -1 when out of memory. */
int sp_dl_text(sp_dlist *dl, sp_face face, double size_pt, double x_pt,
               double y_pt, const char *utf8, size_t len);
/* A shaped run: TEXT (logical order) drawn as glyphs G[0..n) of font
 * SLOT (copied); FACE is the style it was set in. */
int sp_dl_glyphs(sp_dlist *dl, sp_face face, int slot, double size_pt,
                 double x_pt, double y_pt, const char *utf8, size_t len,
                 const sp_glyph *g, size_t n, int rtl);
/* The same from glyphs in logical order, G reversed if RTL, CLUSTER_BASE
 * subtracted from every cluster. */
int sp_dl_glyphs_from(sp_dlist *dl, sp_face face, int slot, double size_pt,
                      double x_pt, double y_pt, const char *utf8, size_t len,
                      const sp_glyph *g, size_t n, int rtl,
                      uint32_t cluster_base);
/* Unshaped text with ACTUAL (ALEN bytes) as the text to extract instead:
 * a hyphen added by line breaking carries the rest of its word (and the
 * rest, on the next line, is marked with actual "" by its emitter). */
int sp_dl_text_actual(sp_dlist *dl, sp_face face, double size_pt,
                      double x_pt, double y_pt, const char *utf8, size_t len,
                      const char *actual, size_t alen);
/* A copy of text item IT moved by (dx_pt, dy_pt). */
int sp_dl_copy_text(sp_dlist *dl, const sp_dl_item *it, double dx_pt,
                    double dy_pt);
int sp_dl_line(sp_dlist *dl, double x_pt, double y_pt, double x2_pt,
               double y2_pt, double line_pt, double gray, double dash_pt);
int sp_dl_rect(sp_dlist *dl, double x_pt, double y_pt, double w_pt,
               double h_pt, double line_pt, double gray, double fill_gray);
int sp_dl_checkbox(sp_dlist *dl, double x_pt, double y_pt, double size_pt,
                   double line_pt);
int sp_dl_image(sp_dlist *dl, const char *path, const char *alt, int px_w,
                int px_h, double x_pt, double y_pt, double w_pt,
                double h_pt);

/* A logical page placed on a sheet side: rotate by rotate_deg (0 or 180)
 * about the logical page's centre, scale by (scale_x, scale_y) about its
 * top-left corner, then translate that corner to (x_pt, y_pt) on the sheet
 * (top-left origin). */
typedef struct {
    size_t page;        /* index into sp_doc.pages */
    double x_pt, y_pt;
    int rotate_deg;
    double scale_x, scale_y;  /* 1 = true size (sp_sheet_place sets 1) */
} sp_placement;

/* One physical page of output: its own marks (crop marks, fold lines) plus
 * the logical pages placed on it. */
typedef struct {
    sp_dlist marks;     /* width/height = the sheet side's size */
    sp_placement *placements;
    size_t n_placements;
} sp_sheet;

typedef struct {
    char *title;
    size_t sheet;       /* output page index */
    int level;          /* 0 = top */
    double y_pt;        /* where on the page (top-left origin) */
} sp_outline_entry;

typedef struct {
    size_t first_sheet; /* output page index where the range starts */
    int style;          /* 'D' decimal, 'r' roman lower, 0 none */
    char *prefix;       /* may be NULL */
    int first_number;
} sp_page_label;

/* How the document asks to be printed (the PDF's /ViewerPreferences
 * /Duplex): not said, one-sided, or duplex flipped on the long or short
 * edge of the sheet. */
typedef enum {
    SP_PRINT_ANY, SP_PRINT_SIMPLEX, SP_PRINT_FLIP_LONG, SP_PRINT_FLIP_SHORT
} sp_print_duplex;

typedef struct {
    char *title, *subject, *keywords, *author, *creator;
    /* logical pages (cards, booklet pages), owned */
    sp_dlist *pages;
    size_t n_pages;
    /* output pages, owned; if n_sheets == 0 a device renders the logical
     * pages one per output page */
    sp_sheet *sheets;
    size_t n_sheets;
    sp_outline_entry *outline;
    size_t n_outline;
    sp_page_label *labels;
    size_t n_labels;
    int print_actual_size;   /* ask viewers not to scale when printing */
    sp_print_duplex print_duplex;   /* the print dialog's duplex preset */
} sp_doc;

void sp_doc_init(sp_doc *doc);
void sp_doc_release(sp_doc *doc);
/* Appends a logical page; returns it, or NULL when out of memory. */
sp_dlist *sp_doc_add_page(sp_doc *doc, double width_pt, double height_pt);
/* Appends an output sheet; returns it, or NULL when out of memory. */
sp_sheet *sp_doc_add_sheet(sp_doc *doc, double width_pt, double height_pt);
int sp_sheet_place(sp_sheet *sheet, size_t page, double x_pt, double y_pt,
                   int rotate_deg);
/* Same, drawn at (scale_x, scale_y) of its size (the card backs'
 * printer correction, --back-scale). */
int sp_sheet_place_scaled(sp_sheet *sheet, size_t page, double x_pt,
                          double y_pt, int rotate_deg, double scale_x,
                          double scale_y);
int sp_doc_outline(sp_doc *doc, const char *title, size_t sheet, int level,
                   double y_pt);
int sp_doc_label(sp_doc *doc, size_t first_sheet, int style,
                 const char *prefix, int first_number);
/* Sets one metadata string (copied); field is one of the char* fields. */
int sp_doc_set(char **field, const char *value);

#define SP_MM_TO_PT(mm) ((mm) * 72.0 / 25.4)
#define SP_IN_TO_PT(in) ((in) * 72.0)

#endif
