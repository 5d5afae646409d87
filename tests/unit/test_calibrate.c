/* test_calibrate.c - the calibration sheet, read as a person would.
 *
 * A simulated printer prints the backs scaled by S about the sheet's
 * centre and shifted by E (in the back page's own frame).  The test finds
 * each scale on the front page by its name, reads where the matching back
 * line crosses it from the scale's own numbers, turns the readings into
 * --back-offset and --back-scale with the formulas the sheet prints, and
 * checks that the corrected backs then land within 0.05 mm of where they
 * belong, for portrait and landscape sheets and both flip edges. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calibrate.h"
#include "testutil.h"

static sp_fonts *fonts;
static char root[4096];

static int setup(void **state)
{
    (void)state;
    fonts = sp_test_open_fonts(root, sizeof root);
    return fonts ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sp_fonts_free(fonts);
    return 0;
}

static const double MM = 72.0 / 25.4;

static const sp_dl_item *find_text(const sp_dlist *dl, const char *s)
{
    for (size_t i = 0; i < dl->n_items; i++)
        if (dl->items[i].kind == SP_DL_TEXT
            && dl->items[i].text_len == strlen(s)
            && memcmp(dl->items[i].text, s, strlen(s)) == 0)
            return &dl->items[i];
    return NULL;
}

typedef struct {
    int horizontal;
    double x0, y0;   /* the zero */
    int sign;        /* +1: the numbers grow toward +x (+y) */
} scale_t;

/* Finds the scale named NAME and, from the positions of its "5" and
 * "-5" labels, which way its numbers grow. */
static scale_t find_scale(const sp_dlist *front, const char *name,
                          int horizontal)
{
    const sp_dl_item *n = find_text(front, name);
    assert_non_null(n);
    scale_t s = {horizontal, 0, 0, 0};
    double nw = sp_fonts_width_pt(fonts, n->face, n->size_pt, n->text,
                                  n->text_len);
    if (horizontal) {
        s.x0 = n->x_pt + nw / 2;
        s.y0 = n->y_pt - 4 * MM;
    } else {
        s.x0 = n->x_pt - 2.5 * MM;
        s.y0 = n->y_pt - n->size_pt * 0.36;
    }
    /* the label "5" nearest the zero, within 8 mm: which side is it on? */
    for (size_t i = 0; i < front->n_items; i++) {
        const sp_dl_item *it = &front->items[i];
        if (it->kind != SP_DL_TEXT || it->text_len != 1 || it->text[0] != '5')
            continue;
        double w = sp_fonts_width_pt(fonts, it->face, it->size_pt, "5", 1);
        double cx = it->x_pt + w / 2, cy = it->y_pt - it->size_pt * 0.36;
        if (horizontal && fabs(cy - s.y0) < 8 * MM
            && fabs(fabs(cx - s.x0) - 5 * MM) < 0.5)
            s.sign = cx > s.x0 ? 1 : -1;
        if (!horizontal && fabs(it->x_pt + w - s.x0) < 8 * MM
            && fabs(fabs(cy - s.y0) - 5 * MM) < 0.5)
            s.sign = cy > s.y0 ? 1 : -1;
    }
    assert_int_not_equal(s.sign, 0);
    return s;
}

typedef struct {
    double w, h;           /* the sheet */
    sp_duplex duplex;
    int mirror_x;          /* the duplex mode mirrors x (else y) */
    double s_x, s_y;       /* the printer's scale of the backs */
    double e_x, e_y;       /* and shift, in the back's frame (points) */
} printer;

/* Where back-page point (bx, by), printed by P with the corrections
 * (k, d) applied, is seen from the front. */
static void seen_from_front(const printer *p, double kx, double ky,
                            double dx, double dy, double bx, double by,
                            double *fx, double *fy)
{
    double cx = p->w / 2, cy = p->h / 2;
    double tx = cx + (bx - cx) * kx + dx, ty = cy + (by - cy) * ky + dy;
    double px = cx + (tx - cx) * p->s_x + p->e_x;
    double py = cy + (ty - cy) * p->s_y + p->e_y;
    *fx = p->mirror_x ? p->w - px : px;
    *fy = p->mirror_x ? py : p->h - py;
}

/* The reading of scale S: where the back line behind its zero is seen. */
static double reading(const printer *p, const scale_t *s)
{
    double bx, by, fx, fy;
    sp_calibrate_mirror(p->w, p->h, p->duplex, s->x0, s->y0, &bx, &by);
    seen_from_front(p, 1, 1, 0, 0, bx, by, &fx, &fy);
    double along = s->horizontal ? fx - s->x0 : fy - s->y0;
    return s->sign * along / MM;
}

static void check_sheet(double w, double h, sp_duplex duplex)
{
    sp_calibrate_opts o = {w, h, duplex, "a4", NULL, NULL};
    sp_doc doc;
    sp_doc_init(&doc);
    assert_int_equal(sp_calibrate_build(&doc, fonts, &o), 0);
    assert_int_equal(doc.n_pages, 2);
    const sp_dlist *front = &doc.pages[0];
    scale_t xl = find_scale(front, "X left", 1);
    scale_t xc = find_scale(front, "X centre", 1);
    scale_t xr = find_scale(front, "X right", 1);
    scale_t yt = find_scale(front, "Y top", 0);
    scale_t yc = find_scale(front, "Y centre", 0);
    scale_t yb = find_scale(front, "Y bottom", 0);
    int long_vertical = h >= w;
    int mx = duplex == SP_DUPLEX_LONG ? long_vertical : !long_vertical;
    static const double cases[][4] = {
        {1.0, 1.0, 0, 0},        {1.0, 1.0, 1.5, -0.8},
        {0.992, 1.006, 0, 0},    {1.01, 0.995, -2.0, 1.2},
        {0.985, 0.985, 0.7, 0.7},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        printer p = {w, h, duplex, mx, cases[c][0], cases[c][1], cases[c][2] * MM,
                     cases[c][3] * MM};
        double dx = reading(&p, &xc), dy = reading(&p, &yc);
        double xh, yh;
        int left_pos, top_pos;
        sp_calibrate_edges(&o, &xh, &yh, &left_pos, &top_pos);
        double rl = reading(&p, &xl), rr = reading(&p, &xr);
        double rt = reading(&p, &yt), rb = reading(&p, &yb);
        double kx = left_pos ? sp_calibrate_scale(rr, rl, xh)
                             : sp_calibrate_scale(rl, rr, xh);
        double ky = top_pos ? sp_calibrate_scale(rb, rt, yh)
                            : sp_calibrate_scale(rt, rb, yh);
        /* the corrected backs: every scale's line now behind its zero */
        const scale_t *all[] = {&xl, &xc, &xr, &yt, &yc, &yb};
        for (size_t i = 0; i < 6; i++) {
            double bx, by, fx, fy;
            sp_calibrate_mirror(w, h, duplex, all[i]->x0, all[i]->y0, &bx,
                                &by);
            seen_from_front(&p, kx, ky, dx * MM, dy * MM, bx, by, &fx, &fy);
            double miss = all[i]->horizontal ? fx - all[i]->x0
                                             : fy - all[i]->y0;
            if (fabs(miss) > 0.05 * MM)
                fail_msg("%gx%g %s, printer case %zu: scale %zu misses by "
                         "%.3f mm", w, h,
                         duplex == SP_DUPLEX_LONG ? "long" : "short", c, i,
                         miss / MM);
        }
        /* and a perfect printer reads 0 everywhere, scale 100 % */
        if (c == 0) {
            assert_true(fabs(dx) < 1e-9 && fabs(dy) < 1e-9);
            assert_true(fabs(kx - 1) < 1e-9 && fabs(ky - 1) < 1e-9);
        }
    }
    sp_doc_release(&doc);
}

static void test_portrait_long(void **state)
{
    (void)state;
    check_sheet(595.276, 841.89, SP_DUPLEX_LONG);
}

static void test_portrait_short(void **state)
{
    (void)state;
    check_sheet(595.276, 841.89, SP_DUPLEX_SHORT);
}

static void test_landscape_long(void **state)
{
    (void)state;
    check_sheet(841.89, 595.276, SP_DUPLEX_LONG);
}

static void test_landscape_short(void **state)
{
    (void)state;
    check_sheet(792, 612, SP_DUPLEX_SHORT);
}

static void test_profile_lines(void **state)
{
    (void)state;
    sp_calibrate_opts o = {595.276, 841.89, SP_DUPLEX_SHORT, "letter",
                           "office", NULL};
    char *t = sp_calibrate_profile_text(&o);
    assert_string_equal(t, "[office]\npaper = letter\nduplex = short\n"
                           "back-offset = X,Y\nback-scale = SX,SY\n");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_portrait_long),
        cmocka_unit_test(test_portrait_short),
        cmocka_unit_test(test_landscape_long),
        cmocka_unit_test(test_landscape_short),
        cmocka_unit_test(test_profile_lines),
    };
    return cmocka_run_group_tests_name("calibrate", tests, setup, teardown);
}
