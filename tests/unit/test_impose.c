/* test_impose.c - grid, mirroring, marks and saddle-stitch arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dlist.h"
#include "impose.h"

#define MM(x) SP_MM_TO_PT(x)
#define A4_W MM(210.0)
#define A4_H MM(297.0)
#define TOL 1e-6

static sp_grid_opts opts_mm(double cw_mm, double ch_mm, double margin_mm,
                            double gap_mm, sp_duplex duplex)
{
    sp_grid_opts o;
    memset(&o, 0, sizeof o);
    o.paper_w_pt = A4_W;
    o.paper_h_pt = A4_H;
    o.card_w_pt = MM(cw_mm);
    o.card_h_pt = MM(ch_mm);
    o.margin_pt = MM(margin_mm);
    o.gap_pt = MM(gap_mm);
    o.duplex = duplex;
    o.crop_marks = 1;
    return o;
}

static void assert_near(double a, double b)
{
    if (fabs(a - b) > 1e-6) {
        print_error("%.9f != %.9f\n", a, b);
        fail();
    }
}

/* A4 portrait, 90x60 mm: 2 x 4 = 8; landscape: 3 x 3 = 9, which wins. */
static void grid_90x60(void **state)
{
    (void)state;
    sp_grid_opts o = opts_mm(90, 60, 5, 0, SP_DUPLEX_LONG);
    sp_grid g;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.cols, 3);
    assert_int_equal(g.rows, 3);
    assert_int_equal(g.per_sheet, 9);
    assert_near(g.sheet_w_pt, A4_H);
    assert_near(g.sheet_h_pt, A4_W);
    assert_near(g.x0_pt, MM((297.0 - 270.0) / 2));
    assert_near(g.y0_pt, MM((210.0 - 180.0) / 2));

    /* A margin that leaves the portrait grid alone but kills landscape's
     * third column: 297 - 2*14 = 269 < 270. */
    o = opts_mm(90, 60, 14, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.cols, 2);
    assert_int_equal(g.rows, 4);
    assert_int_equal(g.per_sheet, 8);
    assert_near(g.sheet_w_pt, A4_W);
    assert_near(g.x0_pt, MM(15));
    assert_near(g.y0_pt, MM((297.0 - 240.0) / 2));
    double x, y;
    sp_grid_slot(&g, 5, 0, &x, &y);  /* row 2, col 1 */
    assert_near(x, MM(15 + 90));
    assert_near(y, MM(28.5 + 120));
}

/* 5x3in index cards: portrait 1 x 3, landscape 2 x 2 = 4. */
static void grid_index_card(void **state)
{
    (void)state;
    sp_grid_opts o = opts_mm(127.0, 76.2, 5, 0, SP_DUPLEX_LONG);
    sp_grid g;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 4);
    assert_int_equal(g.cols, 2);
    assert_int_equal(g.rows, 2);
    assert_true(g.sheet_w_pt > g.sheet_h_pt);
    /* 3x5in upright: portrait 2 x 2 = 4 beats landscape 3 x 1 */
    o = opts_mm(76.2, 127.0, 5, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 4);
    assert_true(g.sheet_w_pt < g.sheet_h_pt);
}

/* Business cards 85x55 mm: portrait 2 x 5 = 10 beats landscape 3 x 3. */
static void grid_business(void **state)
{
    (void)state;
    sp_grid_opts o = opts_mm(85, 55, 5, 0, SP_DUPLEX_LONG);
    sp_grid g;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.cols, 2);
    assert_int_equal(g.rows, 5);
    assert_near(g.x0_pt, MM(20));
    assert_near(g.y0_pt, MM(11));
    /* with a 4 mm gap: portrait cols (200+4)/89 = 2, rows (287+4)/59 = 4;
     * landscape cols (287+4)/89 = 3, rows (200+4)/59 = 3 -> 9 */
    o = opts_mm(85, 55, 5, 4, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 9);
    assert_near(g.x0_pt, MM((297.0 - (3 * 85 + 2 * 4)) / 2));
    double x, y;
    sp_grid_slot(&g, 4, 0, &x, &y);
    assert_near(x, g.x0_pt + MM(89));
    assert_near(y, g.y0_pt + MM(59));
}

/* Ties keep portrait; exact fits count. */
static void grid_tie_and_exact(void **state)
{
    (void)state;
    /* 100x100 mm: portrait 2 x 2, landscape 2 x 2 -> portrait */
    sp_grid_opts o = opts_mm(100, 100, 5, 0, SP_DUPLEX_LONG);
    sp_grid g;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 4);
    assert_true(g.sheet_w_pt < g.sheet_h_pt);
    /* exactly 200 mm usable: two 100 mm columns fit */
    o = opts_mm(100, 287, 5, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 2);
    assert_near(g.x0_pt, MM(5));
}

static void grid_too_big(void **state)
{
    (void)state;
    sp_grid g;
    sp_grid_opts o = opts_mm(300, 300, 5, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), -1);
    o = opts_mm(201, 150, 5, 0, SP_DUPLEX_LONG);   /* fits landscape */
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 1);
    /* fold: a half is 105 - 5 = 100 mm (portrait), 148.5 - 5 (landscape) */
    o = opts_mm(120, 100, 5, 0, SP_DUPLEX_FOLD);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_true(g.sheet_w_pt > g.sheet_h_pt);
    o = opts_mm(150, 150, 5, 0, SP_DUPLEX_FOLD);
    assert_int_equal(sp_grid_compute(&o, &g), -1);
    o = opts_mm(0, 50, 5, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), -1);
    o = opts_mm(50, 50, -1, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), -1);
}

/* Where the back's rectangle lands when the back page is turned over
 * (over the sheet's long or short edge, or folded at the centre) and laid
 * on the front. */
static void turn_over(const sp_grid *g, int over_long, double xb, double yb,
                      double *xf, double *yf)
{
    int long_vertical = g->sheet_h_pt >= g->sheet_w_pt;
    int about_vertical = over_long ? long_vertical : !long_vertical;
    *xf = about_vertical ? g->sheet_w_pt - xb - g->card_w_pt : xb;
    *yf = about_vertical ? yb : g->sheet_h_pt - yb - g->card_h_pt;
}

static void check_coincide(const sp_grid *g, int over_long)
{
    for (int i = 0; i < g->per_sheet; i++) {
        double xf, yf, xb, yb, tx, ty;
        sp_grid_slot(g, i, 0, &xf, &yf);
        sp_grid_slot(g, i, 1, &xb, &yb);
        turn_over(g, over_long, xb, yb, &tx, &ty);
        assert_near(tx, xf);
        assert_near(ty, yf);
        /* backs stay on the sheet and within the margin's grid area */
        assert_true(xb >= -TOL && xb + g->card_w_pt <= g->sheet_w_pt + TOL);
        assert_true(yb >= -TOL && yb + g->card_h_pt <= g->sheet_h_pt + TOL);
    }
}

static void mirror_long_short(void **state)
{
    (void)state;
    static const double sizes[][2] = {
        {90, 60}, {85, 55}, {127, 76.2}, {76.2, 127}, {105, 74}, {148, 105},
    };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (int gap = 0; gap <= 3; gap += 3) {
            sp_grid g;
            sp_grid_opts o = opts_mm(sizes[k][0], sizes[k][1], 5, gap,
                                     SP_DUPLEX_LONG);
            assert_int_equal(sp_grid_compute(&o, &g), 0);
            check_coincide(&g, 1);
            o.duplex = SP_DUPLEX_SHORT;
            assert_int_equal(sp_grid_compute(&o, &g), 0);
            check_coincide(&g, 0);
        }
    }
}

/* On a portrait sheet: long mirrors columns, short mirrors rows (slot
 * terms); on a landscape sheet the other way round. */
static void mirror_slots(void **state)
{
    (void)state;
    sp_grid g;
    sp_grid_opts o = opts_mm(85, 55, 5, 0, SP_DUPLEX_LONG);   /* 2 x 5 */
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_true(g.sheet_h_pt > g.sheet_w_pt);
    for (int r = 0; r < g.rows; r++) {
        for (int c = 0; c < g.cols; c++) {
            double xb, yb, xm, ym;
            sp_grid_slot(&g, r * g.cols + c, 1, &xb, &yb);
            sp_grid_slot(&g, r * g.cols + (g.cols - 1 - c), 0, &xm, &ym);
            assert_near(xb, xm);
            assert_near(yb, ym);
        }
    }
    o.duplex = SP_DUPLEX_SHORT;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    for (int r = 0; r < g.rows; r++) {
        for (int c = 0; c < g.cols; c++) {
            double xb, yb, xm, ym;
            sp_grid_slot(&g, r * g.cols + c, 1, &xb, &yb);
            sp_grid_slot(&g, (g.rows - 1 - r) * g.cols + c, 0, &xm, &ym);
            assert_near(xb, xm);
            assert_near(yb, ym);
        }
    }
    /* landscape 5x3in (2 x 2): long-edge now mirrors rows */
    o = opts_mm(127, 76.2, 5, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_true(g.sheet_w_pt > g.sheet_h_pt);
    double xb, yb, xm, ym;
    sp_grid_slot(&g, 1, 1, &xb, &yb);      /* (0,1) -> (1,1) */
    sp_grid_slot(&g, 3, 0, &xm, &ym);
    assert_near(xb, xm);
    assert_near(yb, ym);
}

static void mirror_fold(void **state)
{
    (void)state;
    for (int gap = 0; gap <= 4; gap += 4) {
        sp_grid g;
        sp_grid_opts o = opts_mm(85, 55, 5, gap, SP_DUPLEX_FOLD);
        assert_int_equal(sp_grid_compute(&o, &g), 0);
        /* portrait half: (105 - gap/2 - 5 + gap) / (85 + gap) = 1 column,
         * rows (287 + gap) / (55 + gap) = 5 (gap 0) or 4 (gap 4);
         * landscape: 1 column, (200 + gap) / (55 + gap) = 3 rows */
        assert_int_equal(g.cols, 1);
        assert_int_equal(g.rows, gap == 0 ? 5 : 4);
        assert_true(g.sheet_h_pt > g.sheet_w_pt);
        double half = g.sheet_w_pt / 2;
        for (int i = 0; i < g.per_sheet; i++) {
            double xf, yf, xb, yb;
            sp_grid_slot(&g, i, 0, &xf, &yf);
            sp_grid_slot(&g, i, 1, &xb, &yb);
            assert_near(g.sheet_w_pt - xb - g.card_w_pt, xf);
            assert_near(yb, yf);
            assert_true(xf >= MM(5) - TOL);
            assert_true(xf + g.card_w_pt <= half - MM(gap) / 2 + TOL);
            assert_true(xb >= half + MM(gap) / 2 - TOL);
            assert_true(xb + g.card_w_pt <= g.sheet_w_pt - MM(5) + TOL);
        }
        /* fronts and backs together are centred */
        assert_near(g.x0_pt, half - MM(gap) / 2 - MM(85));
    }
}

static void back_offset(void **state)
{
    (void)state;
    sp_grid g, g0;
    sp_grid_opts o = opts_mm(85, 55, 5, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g0), 0);
    o.back_dx_pt = MM(1.5);
    o.back_dy_pt = MM(-0.5);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    for (int i = 0; i < g.per_sheet; i++) {
        double x0, y0, x1, y1;
        sp_grid_slot(&g0, i, 0, &x0, &y0);
        sp_grid_slot(&g, i, 0, &x1, &y1);
        assert_near(x0, x1);        /* fronts do not move */
        assert_near(y0, y1);
        sp_grid_slot(&g0, i, 1, &x0, &y0);
        sp_grid_slot(&g, i, 1, &x1, &y1);
        assert_near(x1 - x0, MM(1.5));
        assert_near(y1 - y0, MM(-0.5));
    }
}

static void make_cards(sp_doc *doc, size_t n, const sp_grid *g)
{
    sp_doc_init(doc);
    for (size_t i = 0; i < 2 * n; i++)
        assert_non_null(sp_doc_add_page(doc, g->card_w_pt, g->card_h_pt));
}

/* 10 cards, 8 per sheet: front, back, front (2 cards), back (2 cards). */
static void partial_sheet(void **state)
{
    (void)state;
    sp_grid g;
    sp_grid_opts o = opts_mm(90, 60, 14, 0, SP_DUPLEX_LONG);   /* 2 x 4 */
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 8);
    sp_doc doc;
    make_cards(&doc, 10, &g);
    assert_int_equal(sp_impose_cards(&doc, &g, 10), 0);
    assert_int_equal(doc.n_sheets, 4);
    assert_int_equal(doc.sheets[0].n_placements, 8);
    assert_int_equal(doc.sheets[1].n_placements, 8);
    assert_int_equal(doc.sheets[2].n_placements, 2);
    assert_int_equal(doc.sheets[3].n_placements, 2);
    for (size_t s = 0; s < 4; s += 2) {
        const sp_sheet *f = &doc.sheets[s], *b = &doc.sheets[s + 1];
        assert_true(f->marks.n_items > 0);
        assert_int_equal(b->marks.n_items, 0);
        for (size_t i = 0; i < f->n_placements; i++) {
            size_t card = s / 2 * 8 + i;
            assert_int_equal(f->placements[i].page, 2 * card);
            assert_int_equal(b->placements[i].page, 2 * card + 1);
            double x, y;
            sp_grid_slot(&g, (int)i, 1, &x, &y);
            assert_near(b->placements[i].x_pt, x);
            assert_near(b->placements[i].y_pt, y);
            /* the back of slot (r, c) sits at (r, cols-1-c) */
            sp_grid_slot(&g, (int)(i / 2 * 2 + (1 - i % 2)), 0, &x, &y);
            assert_near(b->placements[i].x_pt, x);
            assert_near(b->placements[i].y_pt, y);
            assert_near(b->placements[i].rotate_deg, 0);
            assert_near(f->placements[i].x_pt,
                        g.x0_pt + (double)(i % 2) * g.card_w_pt);
        }
    }
    sp_doc_release(&doc);

    /* fold: one page per sheet with fronts and backs */
    o.duplex = SP_DUPLEX_FOLD;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    make_cards(&doc, 7, &g);
    assert_int_equal(sp_impose_cards(&doc, &g, 7), 0);
    size_t sheets = (7 + (size_t)g.per_sheet - 1) / (size_t)g.per_sheet;
    assert_int_equal(doc.n_sheets, sheets);
    assert_int_equal(doc.sheets[sheets - 1].n_placements,
                     2 * (7 - (sheets - 1) * (size_t)g.per_sheet));
    sp_doc_release(&doc);

    /* more cards than pages is refused */
    make_cards(&doc, 2, &g);
    assert_int_equal(sp_impose_cards(&doc, &g, 3), -1);
    sp_doc_release(&doc);
}

/* Marks stay on the sheet and never touch a card. */
static void check_marks(const sp_doc *doc)
{
    for (size_t s = 0; s < doc->n_sheets; s++) {
        const sp_sheet *sh = &doc->sheets[s];
        for (size_t m = 0; m < sh->marks.n_items; m++) {
            const sp_dl_item *it = &sh->marks.items[m];
            if (it->kind != SP_DL_LINE || it->dash_pt != 0)
                continue;   /* cut and fold lines may run along edges */
            assert_true(it->x_pt >= 0 && it->x2_pt <= sh->marks.width_pt);
            assert_true(it->y_pt >= 0 && it->y2_pt <= sh->marks.height_pt);
            double hw = it->line_pt / 2;
            for (size_t p = 0; p < sh->n_placements; p++) {
                const sp_placement *pl = &sh->placements[p];
                const sp_dlist *pg = &doc->pages[pl->page];
                double l = pl->x_pt, r = l + pg->width_pt;
                double t = pl->y_pt, b = t + pg->height_pt;
                double ml = fmin(it->x_pt, it->x2_pt) - hw;
                double mr = fmax(it->x_pt, it->x2_pt) + hw;
                double mt = fmin(it->y_pt, it->y2_pt) - hw;
                double mb = fmax(it->y_pt, it->y2_pt) + hw;
                int overlap = ml < r - 1e-9 && mr > l + 1e-9
                              && mt < b - 1e-9 && mb > t + 1e-9;
                if (overlap) {
                    print_error("mark %.2f,%.2f-%.2f,%.2f on card %zu\n",
                                it->x_pt, it->y_pt, it->x2_pt, it->y2_pt,
                                pl->page);
                    fail();
                }
            }
        }
    }
}

static size_t count_lines(const sp_dlist *dl, int dashed)
{
    size_t n = 0;
    for (size_t i = 0; i < dl->n_items; i++)
        if (dl->items[i].kind == SP_DL_LINE
            && (dl->items[i].dash_pt != 0) == dashed)
            n++;
    return n;
}

static void crop_marks(void **state)
{
    (void)state;
    sp_grid g;
    sp_doc doc;
    /* gap 0, 2 x 4: marks only round the outside of the grid: 3 column
     * edges x (top + bottom) + 5 row edges x (left + right) = 16 */
    sp_grid_opts o = opts_mm(90, 60, 14, 0, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    make_cards(&doc, 8, &g);
    assert_int_equal(sp_impose_cards(&doc, &g, 8), 0);
    assert_int_equal(count_lines(&doc.sheets[0].marks, 0), 16);
    check_marks(&doc);
    sp_doc_release(&doc);

    /* a gap: every card corner gets its two marks (8 per card) */
    for (int d = 0; d < 3; d++) {
        o = opts_mm(85, 55, 5, 8, (sp_duplex)d);
        o.cut_lines = 1;
        assert_int_equal(sp_grid_compute(&o, &g), 0);
        make_cards(&doc, 13, &g);
        assert_int_equal(sp_impose_cards(&doc, &g, 13), 0);
        check_marks(&doc);
        size_t per_page = (size_t)g.per_sheet * (d == SP_DUPLEX_FOLD ? 2 : 1);
        assert_int_equal(count_lines(&doc.sheets[0].marks, 0), 8 * per_page);
        /* cut lines: 4 per card; fold adds a dashed fold line */
        assert_int_equal(count_lines(&doc.sheets[0].marks, 1),
                         4 * per_page + (d == SP_DUPLEX_FOLD));
        sp_doc_release(&doc);
    }

    /* a 4 mm gap: the two half-marks in each gap meet and become one
     * line across it; 3 x 3 grid: per column edge (6) 2 outer + 2 inner
     * vertical marks, per row edge (6) 2 outer + 2 inner horizontal ones */
    o = opts_mm(85, 55, 5, 4, SP_DUPLEX_LONG);
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    assert_int_equal(g.per_sheet, 9);
    make_cards(&doc, 9, &g);
    assert_int_equal(sp_impose_cards(&doc, &g, 9), 0);
    assert_int_equal(count_lines(&doc.sheets[0].marks, 0), 48);
    check_marks(&doc);
    sp_doc_release(&doc);

    /* no marks asked for: none */
    o = opts_mm(85, 55, 5, 0, SP_DUPLEX_LONG);
    o.crop_marks = 0;
    assert_int_equal(sp_grid_compute(&o, &g), 0);
    make_cards(&doc, 3, &g);
    assert_int_equal(sp_impose_cards(&doc, &g, 3), 0);
    assert_int_equal(doc.sheets[0].marks.n_items, 0);
    sp_doc_release(&doc);

    /* partial sheets and fold with gap 0 stay clean too */
    for (int d = 0; d < 3; d++) {
        o = opts_mm(63, 88, 5, 0, (sp_duplex)d);
        assert_int_equal(sp_grid_compute(&o, &g), 0);
        make_cards(&doc, 5, &g);
        assert_int_equal(sp_impose_cards(&doc, &g, 5), 0);
        check_marks(&doc);
        assert_true(doc.sheets[0].marks.n_items > 0);
        sp_doc_release(&doc);
    }
}

/* ---- saddle stitch -------------------------------------------------- */

#define B SIZE_MAX

static void check_order(size_t n, const size_t *want, size_t n_want)
{
    size_t order[64];
    assert_int_equal(sp_saddle_order(n, order, 64), n_want);
    for (size_t i = 0; i < n_want; i++) {
        if (order[i] != want[i]) {
            print_error("n=%zu order[%zu] = %zu, want %zu\n", n, i, order[i],
                        want[i]);
            fail();
        }
    }
}

static void saddle_small(void **state)
{
    (void)state;
    /* 1-based: front [4,1] back [2,3] */
    static const size_t o4[] = {3, 0, 1, 2};
    check_order(4, o4, 4);
    /* [8,1][2,7] [6,3][4,5] */
    static const size_t o8[] = {7, 0, 1, 6, 5, 2, 3, 4};
    check_order(8, o8, 8);
    /* [12,1][2,11] [10,3][4,9] [8,5][6,7] */
    static const size_t o12[] = {11, 0, 1, 10, 9, 2, 3, 8, 7, 4, 5, 6};
    check_order(12, o12, 12);
    static const size_t o16[] = {15, 0, 1, 14, 13, 2, 3, 12,
                                 11, 4, 5, 10, 9, 6, 7, 8};
    check_order(16, o16, 16);
    /* 5 pages pad to 8: pages 6, 7, 8 blank */
    static const size_t o5[] = {B, 0, 1, B, B, 2, 3, 4};
    check_order(5, o5, 8);
    static const size_t o1[] = {B, 0, B, B};
    check_order(1, o1, 4);
    assert_int_equal(sp_saddle_order(0, NULL, 0), 0);
    /* too small a buffer: only the count */
    size_t small[4] = {42, 42, 42, 42};
    assert_int_equal(sp_saddle_order(6, small, 4), 8);
    assert_int_equal(small[0], 42);
}

static void saddle_40(void **state)
{
    (void)state;
    size_t order[40];
    assert_int_equal(sp_saddle_order(40, order, 40), 40);
    int seen[40] = {0};
    for (size_t s = 0; s < 10; s++) {
        size_t fl = order[4 * s] + 1, fr = order[4 * s + 1] + 1;
        size_t bl = order[4 * s + 2] + 1, br = order[4 * s + 3] + 1;
        assert_int_equal(fl, 40 - 2 * s);
        assert_int_equal(fr, 2 * s + 1);
        assert_int_equal(bl, 2 * s + 2);
        assert_int_equal(br, 40 - 2 * s - 1);
        /* a spread and its back: pages opposite each other sum to n+1,
         * the back of an odd (recto) page is the next page */
        assert_int_equal(fl + fr, 41);
        assert_int_equal(bl + br, 41);
        assert_int_equal(bl, fr + 1);
        assert_int_equal(fl, br + 1);
        seen[fl - 1]++;
        seen[fr - 1]++;
        seen[bl - 1]++;
        seen[br - 1]++;
    }
    for (int i = 0; i < 40; i++)
        assert_int_equal(seen[i], 1);
    /* the middle spread (innermost sheet's back) is 20 | 21 */
    assert_int_equal(order[38], 19);
    assert_int_equal(order[39], 20);
}

static const double A5_W = 419.52755905511816;   /* 148 mm */
static const double A5_H = 595.2755905511812;    /* 210 mm */

static void booklet_doc(sp_doc *doc, size_t n)
{
    sp_doc_init(doc);
    for (size_t i = 0; i < n; i++)
        assert_non_null(sp_doc_add_page(doc, A5_W, A5_H));
}

static void booklet_place(void **state)
{
    (void)state;
    sp_doc doc;
    booklet_doc(&doc, 5);
    sp_booklet_opts o = {A4_H, A4_W, A5_W, A5_H, 0, 0};
    assert_int_equal(sp_impose_booklet(&doc, &o), 0);
    assert_int_equal(doc.n_sheets, 4);   /* 8 pages: 2 sheets x 2 sides */
    /* sheet 0 front: blank | page 1 */
    assert_int_equal(doc.sheets[0].n_placements, 1);
    assert_int_equal(doc.sheets[0].placements[0].page, 0);
    assert_near(doc.sheets[0].placements[0].x_pt, A4_H / 2);
    assert_near(doc.sheets[0].placements[0].y_pt, (A4_W - A5_H) / 2);
    /* sheet 0 back: 2 | blank */
    assert_int_equal(doc.sheets[1].n_placements, 1);
    assert_int_equal(doc.sheets[1].placements[0].page, 1);
    assert_near(doc.sheets[1].placements[0].x_pt, A4_H / 2 - A5_W);
    /* sheet 1 front: blank(6) | 3, back: 4 | 5 */
    assert_int_equal(doc.sheets[2].n_placements, 1);
    assert_int_equal(doc.sheets[2].placements[0].page, 2);
    assert_int_equal(doc.sheets[3].n_placements, 2);
    assert_int_equal(doc.sheets[3].placements[0].page, 3);
    assert_int_equal(doc.sheets[3].placements[1].page, 4);
    assert_int_equal(doc.sheets[3].placements[1].rotate_deg, 0);
    sp_doc_release(&doc);

    booklet_doc(&doc, 0);
    assert_int_equal(sp_impose_booklet(&doc, &o), 0);
    assert_int_equal(doc.n_sheets, 0);
    sp_doc_release(&doc);
}

static void booklet_creep(void **state)
{
    (void)state;
    sp_doc doc;
    booklet_doc(&doc, 16);               /* 4 sheets */
    sp_booklet_opts o = {A4_H, A4_W, A5_W, A5_H, 0, 3.0};
    assert_int_equal(sp_impose_booklet(&doc, &o), 0);
    assert_int_equal(doc.n_sheets, 8);
    double spine = A4_H / 2;
    for (size_t k = 0; k < 4; k++) {
        double shift = 3.0 * (double)k / 3.0;   /* 0, 1, 2, 3 pt */
        for (size_t side = 0; side < 2; side++) {
            const sp_sheet *s = &doc.sheets[2 * k + side];
            assert_int_equal(s->n_placements, 2);
            /* both pages move toward the spine by the same amount */
            assert_near(s->placements[0].x_pt, spine - A5_W + shift);
            assert_near(s->placements[1].x_pt, spine - shift);
        }
    }
    sp_doc_release(&doc);

    /* one sheet: no creep at all */
    booklet_doc(&doc, 4);
    o.creep_pt = 5;
    assert_int_equal(sp_impose_booklet(&doc, &o), 0);
    assert_near(doc.sheets[0].placements[0].x_pt, spine - A5_W);
    sp_doc_release(&doc);
}

static void booklet_flip_long(void **state)
{
    (void)state;
    sp_doc doc, ref;
    booklet_doc(&doc, 8);
    booklet_doc(&ref, 8);
    sp_booklet_opts o = {A4_H, A4_W, A5_W, A5_H, 1, 2.0};
    sp_booklet_opts r = o;
    r.flip_long = 0;
    assert_int_equal(sp_impose_booklet(&doc, &o), 0);
    assert_int_equal(sp_impose_booklet(&ref, &r), 0);
    for (size_t s = 0; s < doc.n_sheets; s++) {
        const sp_sheet *a = &doc.sheets[s], *b = &ref.sheets[s];
        assert_int_equal(a->n_placements, b->n_placements);
        for (size_t i = 0; i < a->n_placements; i++) {
            const sp_placement *pa = &a->placements[i], *pb = &b->placements[i];
            assert_int_equal(pa->page, pb->page);
            if (s % 2 == 0) {          /* fronts unchanged */
                assert_int_equal(pa->rotate_deg, 0);
                assert_near(pa->x_pt, pb->x_pt);
                assert_near(pa->y_pt, pb->y_pt);
            } else {                   /* backs turned about the centre */
                assert_int_equal(pa->rotate_deg, 180);
                assert_near(pa->x_pt, A4_H - pb->x_pt - A5_W);
                assert_near(pa->y_pt, A4_W - pb->y_pt - A5_H);
            }
        }
    }
    /* sheet 0 back with flip: page 2 now on the right, page 7 left */
    assert_int_equal(doc.sheets[1].placements[0].page, 1);
    assert_near(doc.sheets[1].placements[0].x_pt, A4_H / 2);
    sp_doc_release(&doc);
    sp_doc_release(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grid_90x60),
        cmocka_unit_test(grid_index_card),
        cmocka_unit_test(grid_business),
        cmocka_unit_test(grid_tie_and_exact),
        cmocka_unit_test(grid_too_big),
        cmocka_unit_test(mirror_long_short),
        cmocka_unit_test(mirror_slots),
        cmocka_unit_test(mirror_fold),
        cmocka_unit_test(back_offset),
        cmocka_unit_test(partial_sheet),
        cmocka_unit_test(crop_marks),
        cmocka_unit_test(saddle_small),
        cmocka_unit_test(saddle_40),
        cmocka_unit_test(booklet_place),
        cmocka_unit_test(booklet_creep),
        cmocka_unit_test(booklet_flip_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
