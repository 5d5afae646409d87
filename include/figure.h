/* figure.h - the files of figures, checked while loading.
 *
 * Each figure's path (its src resolved by load against the folder of the
 * file it stands in, with URLs, absolute paths and '..' out of the folder
 * already refused there) must lead, after symbolic links, to a regular
 * file inside that same folder, and be a PNG or JPEG that decodes within
 * the limits of image.h.  Each distinct file is read once per pack.  The
 * pixel size and format are stored in the figure.  Every figure that
 * fails gets its own error at its own line, naming its src:
 *
 *   FILE:LINE: error: figure 'SRC': the PNG declares 50000 x 50000 ...
 *
 * Who may include: rules.c (which runs the check with the other rules on
 * a loaded model), tests.
 */
#ifndef SP_FIGURE_H
#define SP_FIGURE_H

#include "diag.h"
#include "model.h"

/* Checks every figure of PACK (summary, rounds, answers); returns the
 * number of errors added to D. */
int sp_figures_check(sp_pack *pack, sp_diags *d);

#endif
