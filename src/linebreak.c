/* linebreak.c - total-fit line breaking (see linebreak.h). */
#include "linebreak.h"

#include <math.h>
#include <stdlib.h>

void sp_linebreak_release(sp_linebreak *ws)
{
    free(ws->cost);
    free(ws->from);
    ws->cost = NULL;
    ws->from = NULL;
    ws->cap = 0;
}

long sp_linebreak_total_fit(const double *w_pt, const double *g_pt, size_t n,
                            double avail_pt, unsigned char *break_before,
                            sp_linebreak *ws)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (w_pt[i] > avail_pt)
            return 0;
    if (n + 1 > ws->cap) {
        double *c = realloc(ws->cost, (n + 1) * sizeof *c);
        if (!c)
            return -1;
        ws->cost = c;
        size_t *f = realloc(ws->from, (n + 1) * sizeof *f);
        if (!f)
            return -1;
        ws->from = f;
        ws->cap = n + 1;
    }
    /* cost[j]: the best way to set boxes [0, j) with a line ending before
     * box j; each line adds LINE (so fewer lines always win: LINE exceeds
     * any sum of squared slack, at most n * avail^2) plus its slack^2 */
    const double line = (double)(n + 1) * avail_pt * avail_pt + 1;
    double *cost = ws->cost;
    size_t *from = ws->from;
    cost[0] = 0;
    for (size_t j = 1; j <= n; j++) {
        double best = INFINITY, width = 0;
        size_t arg = j - 1;
        for (size_t i = j; i-- > 0;) {
            width += w_pt[i];
            if (i + 1 < j)
                width += g_pt[i + 1];
            if (width > avail_pt)
                break;
            double slack = avail_pt - width;
            /* the last line may be short, but not a lone stub: below a
             * quarter of the line it costs like slack */
            double stub = SP_LINEBREAK_STUB * avail_pt - width;
            double c = cost[i] + line
                       + (j < n ? slack * slack : stub > 0 ? stub * stub : 0);
            if (c < best) {
                best = c;
                arg = i;
            }
        }
        cost[j] = best;
        from[j] = arg;
    }
    for (size_t i = 0; i < n; i++)
        break_before[i] = 0;
    long lines = 0;
    for (size_t j = n; j > 0; j = from[j]) {
        break_before[from[j]] = 1;
        lines++;
    }
    return lines;
}
