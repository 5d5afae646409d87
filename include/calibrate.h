/* calibrate.h - the duplex calibration sheet.
 *
 * Two logical pages (front, back) of the paper's size.  The front carries
 * six millimetre scales: a horizontal (X) and a vertical (Y) one near the
 * centre, two more X scales near the left and right edges and two more Y
 * scales near the top and bottom; the back carries one line across each
 * scale, drawn exactly behind the scale's zero for the chosen duplex mode.
 * Printed double-sided and held against the light, each back line crosses
 * its scale at the correction the backs need there (the labels already
 * take the mirroring of the duplex mode into account): the centre scales
 * give --back-offset X,Y; the difference between the two edge scales of
 * an axis, over their distance, gives --back-scale.  The front prints the
 * formulas with this sheet's numbers, what a line missing its scale means
 * (the wrong flip edge), and the lines to add to printers.conf.
 * Who may include: main, tests.
 */
#ifndef SP_CALIBRATE_H
#define SP_CALIBRATE_H

#include "dlist.h"
#include "fonts.h"
#include "impose.h"

typedef struct {
    double paper_w_pt, paper_h_pt;  /* the sheet as printed */
    sp_duplex duplex;               /* long or short (fold needs no
                                       calibration) */
    const char *paper;              /* its name, for the profile lines */
    const char *printer;            /* the profile's name, or NULL */
    const struct sp_msgs *msgs;     /* the sheet's words (msg.h); NULL:
                                       English */
} sp_calibrate_opts;

/* Appends the two pages to DOC.  Returns 0, or -1 when out of memory. */
int sp_calibrate_build(sp_doc *doc, const sp_fonts *fonts,
                       const sp_calibrate_opts *o);

/* The printers.conf lines for this sheet's printer, with X,Y and SX,SY
 * standing for the readings (NUL-terminated, malloc'd; NULL when out of
 * memory). */
char *sp_calibrate_profile_text(const sp_calibrate_opts *o);

/* The back-scale factor (1 = none) from the readings R_NEG and R_POS (mm)
 * of the two edge scales of one axis, HALF_SPAN_MM from the centre on
 * either side, where R_POS is the one at the positive side in the back
 * page's coordinates (sp_calibrate_edges says which one that is). */
double sp_calibrate_scale(double r_neg_mm, double r_pos_mm,
                          double half_span_mm);

/* For this sheet: the distance in mm from the centre to the X edge scales
 * and to the Y edge scales, and whether the LEFT (x) and TOP (y) edge
 * scales are the positive side on the back. */
void sp_calibrate_edges(const sp_calibrate_opts *o, double *x_half_mm,
                        double *y_half_mm, int *left_is_pos,
                        int *top_is_pos);

/* Where the back's vertical and horizontal lines are drawn (on the back
 * page) for a scale zero at (x0_pt, y0_pt) on the front page. */
void sp_calibrate_mirror(double paper_w_pt, double paper_h_pt,
                         sp_duplex duplex, double x0_pt, double y0_pt,
                         double *bx_pt, double *by_pt);

#endif
