/* calibrate.c - the duplex calibration sheet (see calibrate.h). */
#include "calibrate.h"

#include <stdio.h>
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

static int centered(sp_dlist *dl, const sp_fonts *f, sp_face face,
                    double size_pt, double cx_pt, double y_pt,
                    const char *s)
{
    double w = sp_fonts_width_pt(f, face, size_pt, s, strlen(s));
    return sp_dl_text(dl, face, size_pt, cx_pt - w / 2, y_pt, s, strlen(s));
}

static int lines(sp_dlist *dl, const sp_fonts *f, double x_pt, double y_pt,
                 const char *const *text, size_t n)
{
    (void)f;
    for (size_t i = 0; i < n; i++)
        if (sp_dl_text(dl, i ? SP_FACE_REGULAR : SP_FACE_BOLD, i ? 9 : 13,
                       x_pt, y_pt + (double)i * 14 + (i ? 6 : 0), text[i],
                       strlen(text[i])))
            return -1;
    return 0;
}

/* A millimetre scale from -10 to +10 around (x0, y0); HORIZONTAL runs
 * along x.  SIGN is +1 when labels grow in the positive direction. */
static int scale(sp_dlist *dl, const sp_fonts *f, double x0, double y0,
                 int horizontal, int sign)
{
    const double mm = SP_MM_TO_PT(1);
    int rc = 0;
    if (horizontal)
        rc |= sp_dl_line(dl, x0 - 10 * mm, y0, x0 + 10 * mm, y0, 0.3, 0, 0);
    else
        rc |= sp_dl_line(dl, x0, y0 - 10 * mm, x0, y0 + 10 * mm, 0.3, 0, 0);
    for (int k = -10; k <= 10; k++) {
        double len = k % 5 == 0 ? 4 * mm : 2 * mm;
        double p = k * mm;
        if (horizontal)
            rc |= sp_dl_line(dl, x0 + p, y0, x0 + p, y0 - len, 0.25, 0, 0);
        else
            rc |= sp_dl_line(dl, x0, y0 + p, x0 - len, y0 + p, 0.25, 0, 0);
        if (k % 2 == 0) {
            char label[8];
            snprintf(label, sizeof label, "%d", sign * k);
            if (horizontal) {
                rc |= centered(dl, f, SP_FACE_REGULAR, 5, x0 + p,
                               y0 - len - 1.5, label);
            } else {
                double w = sp_fonts_width_pt(f, SP_FACE_REGULAR, 5, label,
                                             strlen(label));
                rc |= sp_dl_text(dl, SP_FACE_REGULAR, 5, x0 - len - 2 - w,
                                 y0 + p + 1.8, label, strlen(label));
            }
        }
    }
    return rc ? -1 : 0;
}

int sp_calibrate_build(sp_doc *doc, const sp_fonts *fonts, double w_pt,
                       double h_pt, sp_duplex duplex)
{
    const double mm = SP_MM_TO_PT(1);
    int mx = mirrors_x(w_pt, h_pt, duplex);
    /* scale zeros: X scale centred, Y scale left of centre */
    double xs_x = w_pt / 2, xs_y = h_pt / 2 - 25 * mm;
    double ys_x = w_pt / 2 - 40 * mm, ys_y = h_pt / 2 + 25 * mm;
    static const char *const front_text[] = {
        "studypack duplex calibration: FRONT",
        "1. Print both pages double-sided at actual size (no scaling), with",
        "   the same duplex setting you will use for the cards.",
        "2. Hold the sheet against a light. On each scale, read the number",
        "   where the line printed on the back crosses it.",
        "3. Build with --back-offset X,Y using those two numbers (mm).",
        "   0,0 means your printer already lines the backs up.",
    };
    sp_dlist *front = sp_doc_add_page(doc, w_pt, h_pt);
    if (!front)
        return -1;
    int rc = lines(front, fonts, 20 * mm, 25 * mm, front_text,
                   sizeof front_text / sizeof *front_text);
    rc |= scale(front, fonts, xs_x, xs_y, 1, mx ? 1 : -1);
    rc |= sp_dl_text(front, SP_FACE_BOLD, 10, xs_x - 3.5, xs_y + 6 * mm,
                     "X", 1);
    rc |= scale(front, fonts, ys_x, ys_y, 0, mx ? -1 : 1);
    rc |= sp_dl_text(front, SP_FACE_BOLD, 10, ys_x + 4 * mm, ys_y + 3.5,
                     "Y", 1);
    char info[128];
    snprintf(info, sizeof info, "Page %.0f x %.0f mm, %s-edge duplex.",
             w_pt / mm, h_pt / mm, duplex == SP_DUPLEX_SHORT ? "short"
                                                            : "long");
    rc |= sp_dl_text(front, SP_FACE_ITALIC, 8, 20 * mm, h_pt - 20 * mm, info,
                     strlen(info));
    if (rc)
        return -1;

    sp_dlist *back = sp_doc_add_page(doc, w_pt, h_pt);
    if (!back)
        return -1;
    double bx, by;
    /* the X line: vertical, behind the X scale's zero */
    sp_calibrate_mirror(w_pt, h_pt, duplex, xs_x, xs_y, &bx, &by);
    rc |= sp_dl_line(back, bx, by - 15 * mm, bx, by + 15 * mm, 0.5, 0, 0);
    /* the Y line: horizontal, behind the Y scale's zero */
    sp_calibrate_mirror(w_pt, h_pt, duplex, ys_x, ys_y, &bx, &by);
    rc |= sp_dl_line(back, bx - 15 * mm, by, bx + 15 * mm, by, 0.5, 0, 0);
    static const char *const back_text[] = {
        "studypack duplex calibration: BACK",
        "The two lines on this side are drawn exactly behind the zeros of",
        "the scales on the front. Read them from the front side.",
    };
    rc |= lines(back, fonts, 20 * mm, h_pt - 45 * mm, back_text,
                sizeof back_text / sizeof *back_text);
    return rc ? -1 : 0;
}
