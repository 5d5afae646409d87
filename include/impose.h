/* impose.h - imposition: logical pages onto sheets.
 *
 * Pure arithmetic over points.  One mechanism, three plans: the card grid
 * with mirrored backs (long- or short-edge duplex), the fold layout (front
 * and back side by side on one page) and the saddle-stitched booklet.
 * Each plan appends sp_sheet entries (placements plus marks) to an sp_doc
 * whose logical pages the caller already added.
 * Who may include: build (the orchestration), tests.
 */
#ifndef SP_IMPOSE_H
#define SP_IMPOSE_H

#include <stddef.h>

#include "dlist.h"

typedef enum { SP_DUPLEX_LONG, SP_DUPLEX_SHORT, SP_DUPLEX_FOLD } sp_duplex;

typedef struct {
    double paper_w_pt, paper_h_pt;  /* portrait paper size */
    double card_w_pt, card_h_pt;    /* card size as the user gave it */
    double margin_pt;               /* printer-safe margin on each edge */
    double gap_pt;                  /* between cards */
    sp_duplex duplex;
    double back_dx_pt, back_dy_pt;  /* shift of back sides (+x right,
                                       +y down, as seen on the back page) */
    int crop_marks;
    int cut_lines;
    double back_sx, back_sy;        /* scale of back sides about the
                                       sheet's centre (1 = none; 0 is taken
                                       as 1); applied before the shift */
} sp_grid_opts;

/* The grid chosen for a paper and card size. */
typedef struct {
    double sheet_w_pt, sheet_h_pt;  /* the output page (paper may be turned
                                       to landscape when that fits more) */
    int cols, rows;                 /* slots per side (fold: per half) */
    int per_sheet;                  /* cards per sheet = cols * rows */
    double x0_pt, y0_pt;            /* top-left of slot 0 on a front page */
    double card_w_pt, card_h_pt, gap_pt;
    sp_duplex duplex;
    double back_dx_pt, back_dy_pt;
    double back_sx, back_sy;        /* 1 = none */
    int crop_marks, cut_lines;
} sp_grid;

/* Chooses the paper orientation and grid holding the most cards, centred.
 * Returns 0, or -1 if not even one card fits. */
int sp_grid_compute(const sp_grid_opts *opts, sp_grid *grid);

/* Top-left corner of slot SLOT (row-major, 0..per_sheet-1) on the front
 * (back = 0) or back (back = 1) side.  Backs are mirrored: long-edge duplex
 * mirrors columns, short-edge mirrors rows, fold mirrors across the fold
 * line onto the other half of the same page.  On a duplex back the back
 * scale is applied about the sheet's centre, then the back offset (fold
 * mode prints both sides in one pass: no scale applies). */
void sp_grid_slot(const sp_grid *grid, int slot, int back, double *x_pt,
                  double *y_pt);

/* Imposes n_cards cards whose logical pages are doc->pages[2*i] (front)
 * and doc->pages[2*i+1] (back).  Duplex: each sheet is a front page then
 * a back page; fold: one page per sheet.  Adds crop marks/cut lines/fold
 * lines to the sheets' marks.  Returns 0, or -1 when out of memory. */
int sp_impose_cards(sp_doc *doc, const sp_grid *grid, size_t n_cards);

/* Imposes doc->pages[0..n_pages) one-sided, GRID->per_sheet to a sheet in
 * the grid's slots (fronts only), with its crop marks or cut lines (the
 * pocket sheets).  Returns 0, or -1 when out of memory. */
int sp_impose_simplex(sp_doc *doc, const sp_grid *grid, size_t n_pages);

typedef struct {
    double sheet_w_pt, sheet_h_pt;  /* landscape sheet, e.g. A4 landscape */
    double page_w_pt, page_h_pt;    /* one booklet page, e.g. A5 portrait */
    int flip_long;                  /* backs turned 180 deg for long-edge */
    double creep_pt;                /* total creep of the innermost sheet */
} sp_booklet_opts;

/* Saddle-stitch order.  For n_pages logical pages (padded up to a multiple
 * of 4 with blanks, shown as (size_t)-1), fills order[] with 2 * n_padded
 * entries: for sheet s, side f (0 front, 1 back): order[4s+2f] is the left
 * page and order[4s+2f+1] the right page.  Returns n_padded. */
size_t sp_saddle_order(size_t n_pages, size_t *order, size_t order_cap);

/* Imposes doc->pages (in reading order) 2-up for saddle stitching.
 * Returns 0, or -1 when out of memory. */
int sp_impose_booklet(sp_doc *doc, const sp_booklet_opts *opts);

#endif
