/* index.c - the question index: a row per card with its number, id, round,
 * difficulty, prompt and three confidence boxes; the heads repeat on every
 * page. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the question index ---- */

typedef struct {
    double nw, qx, qw, cbox, cgap, cx;
} index_geom;

static void index_geometry(ctx *c, index_geom *g)
{
    char t[32];
    snprintf(t, sizeof t, "#%zu", c->pack->n_questions);
    g->nw = 16;
    if (bk_lay_plain(c->f, &c->l, t, c->small, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  c->iw) == 0)
        g->nw = fmax(g->nw, bk_line_w(&c->l));
    g->cbox = c->small;
    g->cgap = 4.5;
    g->cx = c->iw - (3 * g->cbox + 2 * g->cgap) - BOX_LINE_PT / 2;
    g->qx = g->nw + 6;
    g->qw = g->cx - 8 - g->qx;
}

static int index_heads(ctx *c, const index_geom *g)
{
    block *b = &c->idx_head;
    bk_blk_reset(c, b);
    double lab = c->tiny;
    if (bk_lay_plain(c->f, &c->l, "#", lab, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  g->nw)
        || bk_blk_lines(b, &c->l, g->nw - bk_line_w(&c->l), 0, 0) < 0)
        return -1;
    char rest[128];
    snprintf(rest, sizeof rest, MIDDOT "%s" MIDDOT "%s",
             sp_tr(c->m, "round"), sp_tr(c->m, "difficulty"));
    /* TRANSLATORS: the question index's column head */
    sp_span sp[2] = {{SP_STYLE_BOLD, sp_tr(c->m, "Question")}, {0, rest}};
    if (bk_lay_spans(c->f, &c->l, sp, 2, lab, SP_ALIGN_LEFT, g->qw)
        || bk_blk_lines(b, &c->l, g->qx, 0, 0) < 0)
        return -1;
    static const char *const nums[3] = {"1", "2", "3"};
    for (int k = 0; k < 3; k++) {
        if (bk_lay_plain(c->f, &c->l, nums[k], lab, SP_STYLE_BOLD,
                      SP_ALIGN_LEFT, c->iw))
            return -1;
        double bx = g->cx + k * (g->cbox + g->cgap);
        if (bk_blk_lines(b, &c->l, bx + (g->cbox - bk_line_w(&c->l)) / 2, 0, 0)
            < 0)
            return -1;
    }
    double y = b->h + 2;
    if (bk_blk_rule(b, 0, y, c->iw, 0.6, 0.35))
        return -1;
    b->h = y + 3;
    return 0;
}

static int index_row(ctx *c, const index_geom *g, const sp_question *q)
{
    block *b = &c->b;
    bk_blk_reset(c, b);
    double pad = 2.5, h;
    char nb[24];
    snprintf(nb, sizeof nb, "#%d", q->number);
    if (bk_lay_plain(c->f, &c->l, nb, c->small, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  g->nw + 6))
        return -1;
    double base0 = c->l.lines[0].baseline_pt;
    if (bk_blk_lines(b, &c->l, fmax(0, g->nw - bk_line_w(&c->l)), pad, 0) < 0)
        return -1;
    const char *round = q->round >= 0 && (size_t)q->round < c->pack->n_rounds
                            ? c->pack->rounds[q->round].name : NULL;
    const char *diff = sp_msgs_difficulty(c->m, q->difficulty);
    sp_span sp[5];
    size_t n = 0;
    sp[n++] = (sp_span){SP_STYLE_BOLD, q->id ? q->id : ""};
    if (round && *round) {
        sp[n++] = (sp_span){0, MIDDOT};
        sp[n++] = (sp_span){0, round};
    }
    if (diff && *diff) {
        sp[n++] = (sp_span){0, MIDDOT};
        sp[n++] = (sp_span){0, diff};
    }
    sp_flow_clear(c->f);
    sp_text mt = {sp, n};
    sp_para_opts mo = bk_popts(c->small, 0, SP_ALIGN_LEFT);
    sp_para_opts po = bk_popts(c->task, 0, SP_ALIGN_LEFT);
    po.gap_before = 0.15;
    /* the prompt column is narrow: long words are hyphenated */
    sp_flow_hyphenate(c->f, c->o.hyphen);
    int bad = sp_flow_text(c->f, &mt, &mo)
              || (q->prompt.n_spans && sp_flow_text(c->f, &q->prompt, &po))
              || sp_flow_break(c->f, c->small, g->qw, &c->l);
    sp_flow_hyphenate(c->f, NULL);
    if (bad || (h = bk_blk_lines(b, &c->l, g->qx, pad, 1)) < 0)
        return -1;
    double first_base = c->l.n_lines ? c->l.lines[0].baseline_pt : base0;
    for (int k = 0; k < 3; k++)
        if (bk_blk_box(b, g->cx + k * (g->cbox + g->cgap), pad + first_base,
                    g->cbox))
            return -1;
    double y = b->h + pad;
    if (bk_blk_rule(b, 0, y, c->iw, HAIR_PT, HAIR_GRAY))
        return -1;
    b->h = y + HAIR_PT;
    return 0;
}

int bk_build_index(ctx *c)
{
    if (bk_start_section(c, sp_tr(c->m, "Question index")))
        return -1;
    if (bk_intro_note(c, sp_tr(c->m, "Tick a box after each review: 1 = shaky, "
                                  "2 = getting there, 3 = solid."), 6))
        return -1;
    index_geom g;
    index_geometry(c, &g);
    if (index_heads(c, &g))
        return -1;
    if (bk_place(c, &c->idx_head, 0, 1, 1))
        return -1;
    c->index_heads = 1;
    for (size_t i = 0; i < c->pack->n_questions; i++)
        if (index_row(c, &g, &c->pack->questions[i])
            || bk_place(c, &c->b, 0, 1, 0))
            return -1;
    c->index_heads = 0;
    return 0;
}
