/* booklet.c - the booklet page builder (see booklet.h): set-up and the
 * entry point; the sections are built by the other files of src/booklet/
 * (see frame.h).
 *
 * Content is built into blocks: small display lists whose x is measured
 * from the content box's left edge and y from the block's top, with a
 * height and the y positions where a page may break inside them.  place()
 * copies a block onto the current page at the cursor, moving it to the
 * next page (keep) or splitting it at its break points when it does not
 * fit.  The content box is as wide on every page (margin + gutter on the
 * inner edge, margin on the outer one), so layout never depends on the
 * page a block lands on; only its x offset does.
 */

#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- set-up ---- */

static void ctx_free(ctx *c)
{
    sp_flow_free(c->f);
    sp_flow_free(c->f2);
    sp_flow_free(c->hf);
    sp_flow_free(c->tf);
    sp_datefmt_free(c->df);
    sp_lines_release(&c->l);
    sp_lines_release(&c->l2);
    sp_lines_release(&c->hl);
    sp_lines_release(&c->tl);
    bk_blk_free(&c->b);
    bk_blk_free(&c->chunk);
    bk_blk_free(&c->idx_head);
    free(c->spans);
}

/* Defaults, geometry, the running head; 0, or -1 with a diagnostic. */
static int ctx_init(ctx *c, const sp_pack *pack, const sp_schedule *sched,
                    const sp_fonts *fonts, const sp_booklet_layout *lay,
                    sp_doc *doc, sp_diags *d)
{
    c->pack = pack;
    c->s = sched;
    c->fonts = fonts;
    c->d = d;
    c->doc = doc;
    if (lay)
        c->o = *lay;
    sp_booklet_layout *o = &c->o;
    c->m = o->msgs;
    if (o->page_w_pt <= 0 || o->page_h_pt <= 0) {
        o->page_w_pt = SP_BOOKLET_A5_W_PT;
        o->page_h_pt = SP_BOOKLET_A5_H_PT;
    }
    if (o->margin_pt <= 0)
        o->margin_pt = SP_MM_TO_PT(DEF_MARGIN_MM);
    if (o->gutter_pt == 0)
        o->gutter_pt = SP_MM_TO_PT(DEF_GUTTER_MM);
    if (o->body_pt <= 0)
        o->body_pt = 9;
    if (o->small_pt <= 0)
        o->small_pt = 7.5;
    if (o->heading_pt <= 0)
        o->heading_pt = 15;
    if (!o->title)
        o->title = pack->meta.title ? pack->meta.title : "";
    c->pw = o->page_w_pt;
    c->ph = o->page_h_pt;
    c->margin = o->margin_pt;
    c->gutter = o->gutter_pt > 0 ? o->gutter_pt : 0;
    c->iw = c->pw - 2 * c->margin - c->gutter;
    c->body = o->body_pt;
    c->small = o->small_pt;
    c->tiny = o->small_pt - 0.5;
    c->head = o->heading_pt;
    c->sub = o->body_pt * 1.2;
    c->dayhead = o->body_pt + 0.5;
    c->task = o->body_pt - 0.5;
    c->base = doc->n_pages;
    for (size_t i = 0; i < MAX_TOC; i++)
        c->toc[i].page = (size_t)-1;
    bk_blk_init(&c->b);
    bk_blk_init(&c->chunk);
    bk_blk_init(&c->idx_head);
    sp_lines *ls[] = {&c->l, &c->l2, &c->hl, &c->tl};
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        sp_lines_init(ls[i]);
    /* the running head's title: one line, shortened if need be */
    char *run_title = NULL;
    int short_title = bk_one_line_text(fonts, o->title, c->tiny,
                                    c->iw > 0 ? c->iw : 1, &run_title);
    int rc_title = short_title < 0
                   || !(c->df = sp_datefmt_new(sp_msgs_lang(c->m)))
                   || !(c->f = sp_flow_new(fonts))
                   || !(c->f2 = sp_flow_new(fonts))
                   || !(c->hf = sp_flow_new(fonts))
                   || !(c->tf = sp_flow_new(fonts))
                   || bk_lay_plain(c->tf, &c->tl, run_title, c->tiny, 0,
                                SP_ALIGN_LEFT, c->iw > 0 ? c->iw : 1);
    free(run_title);
    if (rc_title
        || bk_lay_plain(c->hf, &c->hl, "0", c->tiny, 0, SP_ALIGN_LEFT,
                     c->iw > 0 ? c->iw : 1)) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    size_t nl = c->tl.n_lines < MAX_RUN_LINES ? c->tl.n_lines
                                              : MAX_RUN_LINES;
    c->run_h = nl ? c->tl.lines[nl - 1].bottom_pt : c->hl.height_pt;
    c->run_w = bk_line_w(&c->tl);
    c->foot_h = c->hl.height_pt;
    c->top = c->margin + c->run_h + HEAD_GAP_PT + HEAD_BODY_PT;
    c->bottom = c->ph - c->margin - c->foot_h - FOOT_BODY_PT;
    c->body_h = c->bottom - c->top;
    c->cover_bottom = c->ph - c->margin;
    if (c->iw < MIN_BOX_PT || c->body_h < MIN_BOX_PT) {
        sp_diag_add_sev(d, SP_D_LAYOUT, SP_ERROR, NULL, 0, 0,
                        "a booklet page of %.1f x %.1f mm is too small for "
                        "its margins (%.1f mm, gutter %.1f mm) and text",
                        c->pw * 25.4 / 72, c->ph * 25.4 / 72,
                        c->margin * 25.4 / 72, c->gutter * 25.4 / 72);
        return -1;
    }
    if (short_title > 0)
        sp_diag_add(d, SP_D_LAYOUT, pack->meta.loc.file, pack->meta.loc.line,
                    0, "the pack's title is too long for the booklet's "
                    "running head and is shortened there");
    /* a figure fits a page under a continuation line */
    sp_flow_figure_limit(c->f, c->body_h - 2 * c->small - 2);
    double w1 = 0;
    if (bk_lay_plain(c->f, &c->l, sp_tr(c->m, "Review:"), c->small,
                  SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw)
        || (w1 = bk_line_w(&c->l), bk_lay_plain(c->f, &c->l, sp_tr(c->m, "New:"),
                                           c->small,
                                           SP_STYLE_BOLD, SP_ALIGN_LEFT,
                                           c->iw))) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    c->card_label_w = fmax(w1, bk_line_w(&c->l)) + 5;
    return 0;
}

long sp_booklet_build(const sp_pack *pack, const sp_schedule *sched,
                      const sp_fonts *fonts, const sp_booklet_layout *lay,
                      sp_doc *doc, sp_diags *d)
{
    ctx c;
    memset(&c, 0, sizeof c);
    if (ctx_init(&c, pack, sched, fonts, lay, doc, d)) {
        ctx_free(&c);
        return -1;
    }
    int has_process = pack->meta.summary.n_blocks > 0 || pack->n_rounds > 0;
    int has_plan = sched && sched->n_days > 0;
    int has_index = pack->n_questions > 0;
    int has_tips = pack->n_tips > 0;
    const sp_msgs *m = c.m;
    const char *secs[] = {
        has_process ? sp_tr(m, "The interview process") : NULL,
        has_plan ? sp_tr(m, "Timeline overview") : NULL,
        has_plan ? sp_tr(m, "Day-by-day plan") : NULL,
        has_index ? sp_tr(m, "Question index") : NULL,
        has_tips ? sp_tr(m, "Tips") : NULL};
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
        if (secs[i])
            c.toc[c.n_toc++].title = secs[i];
    int rc = bk_build_cover(&c);
    if (!rc && has_process)
        rc = bk_build_process(&c);
    if (!rc && has_plan)
        rc = bk_build_overview(&c) || bk_build_plan(&c);
    if (!rc && has_index)
        rc = bk_build_index(&c);
    if (!rc && has_tips)
        rc = bk_build_tips(&c);
    if (!rc)
        rc = bk_build_notes(&c) || bk_finish_toc(&c)
             || sp_doc_label(doc, c.base, 0, sp_tr(m, "Cover"), 1)
             || (doc->n_pages > c.base + 1
                 && sp_doc_label(doc, c.base + 1, 'D', NULL, 2));
    long n = (long)(doc->n_pages - c.base);
    if (rc) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        n = -1;
    }
    ctx_free(&c);
    return n;
}
