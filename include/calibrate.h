/* calibrate.h - the duplex calibration sheet.
 *
 * Two logical pages (front, back) of the paper's size.  The front carries
 * a horizontal and a vertical millimetre scale; the back carries one line
 * across each scale, drawn exactly behind the scale's zero for the chosen
 * duplex mode.  Printed double-sided and held against the light, each
 * back line crosses its scale at the number to give to --back-offset
 * (the labels already take the mirroring of the duplex mode into account).
 * Who may include: main, tests.
 */
#ifndef SP_CALIBRATE_H
#define SP_CALIBRATE_H

#include "dlist.h"
#include "fonts.h"
#include "impose.h"

/* Appends the two pages to DOC.  DUPLEX is long or short (fold needs no
 * calibration).  Returns 0, or -1 when out of memory. */
int sp_calibrate_build(sp_doc *doc, const sp_fonts *fonts,
                       double paper_w_pt, double paper_h_pt, sp_duplex duplex);

/* Where the back's vertical and horizontal lines are drawn (on the back
 * page) for a scale zero at (x0_pt, y0_pt) on the front page. */
void sp_calibrate_mirror(double paper_w_pt, double paper_h_pt,
                         sp_duplex duplex, double x0_pt, double y0_pt,
                         double *bx_pt, double *by_pt);

#endif
