/* linebreak.h - total-fit line breaking (Knuth-Plass style, ragged right).
 *
 * Greedy breaking (first fit) gives the fewest lines but can leave one
 * line long and the next short.  Total fit looks at the whole paragraph:
 * among the ways to break it into the fewest lines, it takes the one with
 * the least sum of squared slack (unused width) over every line but the
 * last, so lines come out even; the last line may be short, but one
 * shorter than SP_LINEBREAK_STUB of the line costs its shortfall squared
 * (no lone word on the last line when a word can join it).  Pure arithmetic over widths: the text
 * engine measures, this module only chooses.
 * Who may include: text (the line breaker), tests.
 * Ownership: an sp_linebreak workspace is caller-owned
 * (sp_linebreak_release frees its buffers); it may be reused.
 */
#ifndef SP_LINEBREAK_H
#define SP_LINEBREAK_H

#include <stddef.h>

#define SP_LINEBREAK_STUB 0.25

typedef struct {
    double *cost;
    size_t *from;
    size_t cap;
} sp_linebreak;

void sp_linebreak_release(sp_linebreak *ws);

/* Breaks N boxes (words) of widths W_PT[i] with glue (space) widths
 * G_PT[i] before box i (G_PT[0] is not used; glue at a line break is
 * dropped) into lines at most AVAIL_PT wide.  Sets BREAK_BEFORE[i] to 1
 * where a line starts at box i (BREAK_BEFORE[0] is 1), else 0.  Returns
 * the number of lines; 0 if some box alone is wider than AVAIL_PT (the
 * caller breaks inside it instead); -1 when out of memory. */
long sp_linebreak_total_fit(const double *w_pt, const double *g_pt, size_t n,
                            double avail_pt, unsigned char *break_before,
                            sp_linebreak *ws);

#endif
