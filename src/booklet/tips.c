/* tips.c - the tips: each section's title and its tips as a bullet list. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tips ---- */

int bk_build_tips(ctx *c)
{
    const sp_pack *p = c->pack;
    if (bk_start_section(c, sp_tr(c->m, "Tips")))
        return -1;
    block *b = &c->b;
    for (size_t i = 0; i < p->n_tips; i++) {
        const sp_tip_section *t = &p->tips[i];
        double lead = i ? 12 : 0;
        bk_blk_reset(c, b);
        sp_flow_clear(c->f);
        sp_para_opts h = bk_popts(c->sub, SP_STYLE_BOLD, SP_ALIGN_LEFT);
        h.keep_with_next = 1;
        sp_para_opts o = bk_popts(0, 0, SP_ALIGN_LEFT);
        o.item_gap = 0.35;
        o.gap_before = 0.5;
        if (sp_flow_plain(c->f, t->title ? t->title : "", &h)
            || (t->n_tips && sp_flow_list(c->f, t->tips, t->n_tips, 0, &o))
            || sp_flow_break(c->f, c->body, c->iw, &c->l)
            || bk_blk_lines(b, &c->l, 0, lead, 1) < 0
            || bk_place(c, b, lead, 1, 0))
            return -1;
    }
    return 0;
}
