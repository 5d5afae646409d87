/* notes.c - the notes pages: lined pages padding the booklet to a multiple of
 * 4 pages. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_LINE_PT 20.0      /* ruling of the notes pages (7 mm) */

/* ---- notes ---- */

static int notes_lines(ctx *c)
{
    sp_dlist *pg = bk_page(c);
    double x0 = bk_x0_of(c, c->cur);
    for (double y = c->y + NOTE_LINE_PT; y <= c->page_bottom + EPS;
         y += NOTE_LINE_PT)
        if (sp_dl_line(pg, x0, y, x0 + c->iw, y, HAIR_PT, 0.7, 0))
            return -1;
    c->y = c->page_bottom;
    return 0;
}

int bk_build_notes(ctx *c)
{
    size_t n = c->doc->n_pages - c->base;
    size_t pad = (4 - n % 4) % 4;
    for (size_t k = 0; k < pad; k++) {
        if (k == 0) {
            if (bk_start_section(c, sp_tr(c->m, "Notes")))
                return -1;
        } else if (bk_new_page(c)) {
            return -1;
        }
        if (notes_lines(c))
            return -1;
    }
    return 0;
}
