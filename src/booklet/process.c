/* process.c - the interview process: the summary, then each round. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the interview process ---- */

int bk_build_process(ctx *c)
{
    const sp_pack *p = c->pack;
    if (bk_start_section(c, sp_tr(c->m, "The interview process")))
        return -1;
    block *b = &c->b;
    sp_para_opts o = bk_popts(0, 0, SP_ALIGN_LEFT);
    o.block_gap = 0.6;
    o.item_gap = 0.2;
    if (p->meta.summary.n_blocks) {
        bk_blk_reset(c, b);
        sp_flow_clear(c->f);
        if (sp_flow_blocks(c->f, &p->meta.summary, &o)
            || sp_flow_break(c->f, c->body, c->iw, &c->l)
            || bk_blk_lines(b, &c->l, 0, 0, 1) < 0
            || bk_place(c, b, 0, 0, 0))
            return -1;
    }
    for (size_t r = 0; r < p->n_rounds; r++) {
        const sp_round *rd = &p->rounds[r];
        size_t cards = 0;
        for (size_t q = 0; q < p->n_questions; q++)
            cards += p->questions[q].round == (int)r;
        char meta[192], rr[96], cc[64], a[24], z[24], k[24];
        sp_fill(rr, sizeof rr, sp_tr(c->m, "Round {1} of {2}"),
                bk_num(a, (long)r + 1), bk_num(z, (long)p->n_rounds), NULL);
        sp_fill(cc, sizeof cc, sp_trn(c->m, "{1} card", "{1} cards",
                                      (unsigned long)cards),
                bk_num(k, (long)cards), NULL, NULL);
        snprintf(meta, sizeof meta, "%s" MIDDOT "%s", rr, cc);
        bk_blk_reset(c, b);
        double lead = (r > 0 || p->meta.summary.n_blocks) ? 12 : 0;
        sp_flow_clear(c->f);
        sp_para_opts h = bk_popts(c->sub, SP_STYLE_BOLD, SP_ALIGN_LEFT);
        h.keep_with_next = 1;
        sp_para_opts mo = bk_popts(c->small, SP_STYLE_ITALIC, SP_ALIGN_LEFT);
        mo.keep_with_next = 1;
        mo.gap_before = 0.2;
        sp_para_opts bo = o;
        bo.gap_before = 0.5;
        if (sp_flow_plain(c->f, rd->name ? rd->name : rd->id, &h)
            || sp_flow_plain(c->f, meta, &mo)
            || (rd->desc.n_blocks && sp_flow_blocks(c->f, &rd->desc, &bo))
            || sp_flow_break(c->f, c->body, c->iw, &c->l)
            || bk_blk_lines(b, &c->l, 0, lead, 1) < 0
            || bk_place(c, b, lead, 1, 0))
            return -1;
    }
    return 0;
}
