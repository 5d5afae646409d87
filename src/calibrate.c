/* calibrate.c - the duplex calibration sheet (see calibrate.h). */
#include "calibrate.h"
#include "msg.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The long edge runs up and down the page when the page is portrait; a
 * long-edge flip then mirrors x, a short-edge flip mirrors y (as impose.c
 * does for the card grid). */
static int mirrors_x(double w_pt, double h_pt, sp_duplex duplex)
{
    int long_vertical = h_pt >= w_pt;
    return duplex == SP_DUPLEX_SHORT ? !long_vertical : long_vertical;
}

void sp_calibrate_mirror(double w_pt, double h_pt, sp_duplex duplex,
                         double x0_pt, double y0_pt, double *bx_pt,
                         double *by_pt)
{
    int mx = mirrors_x(w_pt, h_pt, duplex);
    *bx_pt = mx ? w_pt - x0_pt : x0_pt;
    *by_pt = mx ? y0_pt : h_pt - y0_pt;
}

static int text(sp_dlist *dl, sp_face face, double size_pt, double x_pt,
                double y_pt, const char *s)
{
    return sp_dl_text(dl, face, size_pt, x_pt, y_pt, s, strlen(s));
}

static int centered(sp_dlist *dl, const sp_fonts *f, sp_face face,
                    double size_pt, double cx_pt, double y_pt,
                    const char *s)
{
    double w = sp_text_width_pt(f, face, size_pt, s, strlen(s));
    return text(dl, face, size_pt, cx_pt - w / 2, y_pt, s);
}

/* Scale numbers: large enough to read, every 5 mm, clear of the ticks. */
#define LABEL_PT 7.0
#define NAME_PT 8.0
#define TICK_LONG_MM 4.0
#define TICK_SHORT_MM 2.0
#define LABEL_CLEAR_MM 1.2
/* Half the length of each line on the back. */
#define BACK_LINE_MM 12.0

/* A millimetre scale from -10 to +10 around (x0, y0) named NAME;
 * HORIZONTAL runs along x (ticks and numbers above it, the name below),
 * a vertical one has its ticks and numbers on the left, the name on the
 * right.  SIGN is +1 when the numbers grow in the positive direction. */
static int scale(sp_dlist *dl, const sp_fonts *f, double x0, double y0,
                 int horizontal, int sign, const char *name)
{
    const double mm = SP_MM_TO_PT(1);
    int rc = 0;
    if (horizontal)
        rc |= sp_dl_line(dl, x0 - 10 * mm, y0, x0 + 10 * mm, y0, 0.3, 0, 0);
    else
        rc |= sp_dl_line(dl, x0, y0 - 10 * mm, x0, y0 + 10 * mm, 0.3, 0, 0);
    for (int k = -10; k <= 10; k++) {
        double len = (k % 5 == 0 ? TICK_LONG_MM : TICK_SHORT_MM) * mm;
        double p = k * mm;
        if (horizontal)
            rc |= sp_dl_line(dl, x0 + p, y0, x0 + p, y0 - len, 0.25, 0, 0);
        else
            rc |= sp_dl_line(dl, x0, y0 + p, x0 - len, y0 + p, 0.25, 0, 0);
        if (k % 5 != 0)
            continue;
        char label[8];
        snprintf(label, sizeof label, "%d", sign * k);
        if (horizontal) {
            rc |= centered(dl, f, SP_FACE_REGULAR, LABEL_PT, x0 + p,
                           y0 - len - LABEL_CLEAR_MM * mm, label);
        } else {
            double w = sp_text_width_pt(f, SP_FACE_REGULAR, LABEL_PT, label,
                                         strlen(label));
            rc |= text(dl, SP_FACE_REGULAR, LABEL_PT,
                       x0 - len - LABEL_CLEAR_MM * mm - w,
                       y0 + p + LABEL_PT * 0.36, label);
        }
    }
    if (horizontal)
        rc |= centered(dl, f, SP_FACE_BOLD, NAME_PT, x0, y0 + 4 * mm, name);
    else
        rc |= text(dl, SP_FACE_BOLD, NAME_PT, x0 + 2.5 * mm,
                   y0 + NAME_PT * 0.36, name);
    return rc ? -1 : 0;
}

/* Where the scales' zeros are on the front (points). */
typedef struct {
    double x_row_y;                  /* the X scales' row */
    double x_left, x_centre, x_right;
    double y_col_x;                  /* the Y scales' column */
    double y_top, y_centre, y_bottom;
} layout;

static void compute_layout(double w, double h, layout *l)
{
    const double mm = SP_MM_TO_PT(1);
    l->x_row_y = h / 2 + 30 * mm;
    l->x_left = 28 * mm;
    l->x_centre = w / 2;
    l->x_right = w - 28 * mm;
    l->y_col_x = w - 30 * mm;
    l->y_top = 30 * mm;
    l->y_centre = h / 2;
    l->y_bottom = h - 30 * mm;
}

void sp_calibrate_edges(const sp_calibrate_opts *o, double *x_half_mm,
                        double *y_half_mm, int *left_is_pos, int *top_is_pos)
{
    layout l;
    compute_layout(o->paper_w_pt, o->paper_h_pt, &l);
    int mx = mirrors_x(o->paper_w_pt, o->paper_h_pt, o->duplex);
    *x_half_mm = (l.x_centre - l.x_left) * 25.4 / 72;
    *y_half_mm = (l.y_centre - l.y_top) * 25.4 / 72;
    /* a mirrored axis turns the front's left (top) into the back's
     * right (bottom), the positive side */
    *left_is_pos = mx;
    *top_is_pos = !mx;
}

double sp_calibrate_scale(double r_neg_mm, double r_pos_mm,
                          double half_span_mm)
{
    /* the backs move by (k - 1) * d + offset at a distance d from the
     * centre; each reading is the move needed there */
    return 1 + (r_pos_mm - r_neg_mm) / (2 * half_span_mm);
}

char *sp_calibrate_profile_text(const sp_calibrate_opts *o)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "[%s]\npaper = %s\nduplex = %s\nback-offset = X,Y\n"
             "back-scale = SX,SY\n",
             o->printer ? o->printer : "my-printer", o->paper ? o->paper : "a4",
             o->duplex == SP_DUPLEX_SHORT ? "short" : "long");
    return strdup(buf);
}

int sp_calibrate_build(sp_doc *doc, const sp_fonts *fonts,
                       const sp_calibrate_opts *o)
{
    const double mm = SP_MM_TO_PT(1);
    double w_pt = o->paper_w_pt, h_pt = o->paper_h_pt;
    sp_duplex duplex = o->duplex;
    int mx = mirrors_x(w_pt, h_pt, duplex);
    layout l;
    compute_layout(w_pt, h_pt, &l);
    double xh, yh;
    int left_pos, top_pos;
    sp_calibrate_edges(o, &xh, &yh, &left_pos, &top_pos);

    const sp_msgs *m = o->msgs;
    const char *xl = sp_tr(m, "X left"), *xr = sp_tr(m, "X right");
    const char *yt = sp_tr(m, "Y top"), *yb = sp_tr(m, "Y bottom");
    char sx_line[256], sy_line[256], example[256], k[32], ex[32];
    snprintf(k, sizeof k, "%.3f", 50 / xh);
    snprintf(sx_line, sizeof sx_line, "   SX = 100 + %s x (%s - %s)", k,
             left_pos ? xl : xr, left_pos ? xr : xl);
    snprintf(k, sizeof k, "%.3f", 50 / yh);
    snprintf(sy_line, sizeof sy_line, "   SY = 100 + %s x (%s - %s)", k,
             top_pos ? yt : yb, top_pos ? yb : yt);
    snprintf(ex, sizeof ex, "%.2f", 100 * sp_calibrate_scale(-0.5, 0.5, xh));
    /* TRANSLATORS: {1} and {2} are scale names ("X left"), {3} a number */
    sp_fill(example, sizeof example,
            sp_tr(m, "   For example {1} 0.5 and {2} -0.5 give SX = {3}."),
            left_pos ? xl : xr, left_pos ? xr : xl, ex);
    /* TRANSLATORS: the calibration sheet's lines: keep each about as long
     * as the English one (the sheet does not wrap them) */
    const char *const front_text[] = {
        sp_tr(m, "1. Print both pages double-sided at actual size (no \"fit "
                 "to page\"),"),
        sp_tr(m, "   with the duplex setting you will use for the cards."),
        sp_tr(m, "2. Hold the sheet against a light. Behind the 0 of each "
                 "scale the"),
        sp_tr(m, "   back has a line: read the number where it crosses the "
                 "scale (mm)."),
        sp_tr(m, "3. --back-offset X,Y: X = the reading on X centre, Y = on "
                 "Y centre."),
        sp_tr(m, "4. --back-scale SX,SY (percent), from the edge scales:"),
        sx_line,
        sy_line,
        example,
        sp_tr(m, "5. All readings 0: your printer already lines the backs "
                 "up."),
        sp_tr(m, "   A line far from its scale, or none behind it: the "
                 "printer turns"),
        sp_tr(m, "   the sheet over the other edge. Print again with "
                 "--duplex short"),
        sp_tr(m, "   (or long) and build the cards with the same setting."),
    };
    sp_dlist *front = sp_doc_add_page(doc, w_pt, h_pt);
    if (!front)
        return -1;
    int rc = text(front, SP_FACE_BOLD, 12, 15 * mm, 20 * mm,
                  sp_tr(m, "studypack duplex calibration: FRONT"));
    for (size_t i = 0; i < sizeof front_text / sizeof *front_text; i++)
        rc |= text(front, SP_FACE_REGULAR, 8.5, 15 * mm,
                   20 * mm + 18 + (double)i * 11, front_text[i]);
    int xs = mx ? 1 : -1, ys = mx ? -1 : 1;
    rc |= scale(front, fonts, l.x_left, l.x_row_y, 1, xs, xl);
    rc |= scale(front, fonts, l.x_centre, l.x_row_y, 1, xs,
                sp_tr(m, "X centre"));
    rc |= scale(front, fonts, l.x_right, l.x_row_y, 1, xs, xr);
    rc |= scale(front, fonts, l.y_col_x, l.y_top, 0, ys, yt);
    rc |= scale(front, fonts, l.y_col_x, l.y_centre, 0, ys,
                sp_tr(m, "Y centre"));
    rc |= scale(front, fonts, l.y_col_x, l.y_bottom, 0, ys, yb);

    /* the lines to add to printers.conf */
    double ty = l.x_row_y + 20 * mm;
    rc |= text(front, SP_FACE_BOLD, 8.5, 15 * mm, ty,
               sp_tr(m, "Then add to ~/.config/studypack/printers.conf, "
                        "with your numbers,"));
    rc |= text(front, SP_FACE_BOLD, 8.5, 15 * mm, ty + 11,
               sp_tr(m, "and build with --printer NAME:"));
    char *prof = sp_calibrate_profile_text(o);
    if (!prof)
        return -1;
    double py = ty + 11 + 14;
    for (char *ln = prof, *nl; *ln; ln = nl + 1) {
        nl = strchr(ln, '\n');
        rc |= sp_dl_text(front, SP_FACE_MONO, 8.5, 20 * mm, py, ln,
                         (size_t)(nl - ln));
        py += 11;
    }
    free(prof);
    char info[256], pw[24], ph[24];
    snprintf(pw, sizeof pw, "%.0f", w_pt / mm);
    snprintf(ph, sizeof ph, "%.0f", h_pt / mm);
    sp_fill(info, sizeof info,
            duplex == SP_DUPLEX_SHORT
                ? sp_tr(m, "Page {1} x {2} mm, short-edge duplex.")
                : sp_tr(m, "Page {1} x {2} mm, long-edge duplex."),
            pw, ph, NULL);
    rc |= text(front, SP_FACE_ITALIC, 8, 15 * mm, h_pt - 12 * mm, info);
    if (rc)
        return -1;

    sp_dlist *back = sp_doc_add_page(doc, w_pt, h_pt);
    if (!back)
        return -1;
    const double bl = BACK_LINE_MM * mm;
    const double xz[3] = {l.x_left, l.x_centre, l.x_right};
    const double yz[3] = {l.y_top, l.y_centre, l.y_bottom};
    for (int i = 0; i < 3; i++) {
        double bx, by;
        /* vertical lines behind the X scales' zeros */
        sp_calibrate_mirror(w_pt, h_pt, duplex, xz[i], l.x_row_y, &bx, &by);
        rc |= sp_dl_line(back, bx, by - bl, bx, by + bl, 0.5, 0, 0);
        /* horizontal lines behind the Y scales' zeros */
        sp_calibrate_mirror(w_pt, h_pt, duplex, l.y_col_x, yz[i], &bx, &by);
        rc |= sp_dl_line(back, bx - bl, by, bx + bl, by, 0.5, 0, 0);
    }
    const char *const back_text[] = {
        sp_tr(m, "studypack duplex calibration: BACK"),
        sp_tr(m, "The six lines on this side are drawn exactly behind the "
                 "zeros of"),
        sp_tr(m, "the scales on the front. Read them from the front side."),
    };
    for (size_t i = 0; i < sizeof back_text / sizeof *back_text; i++)
        rc |= text(back, i ? SP_FACE_REGULAR : SP_FACE_BOLD, i ? 9 : 12,
                   20 * mm, h_pt - 45 * mm + (double)i * 14 + (i ? 6 : 0),
                   back_text[i]);
    return rc ? -1 : 0;
}
