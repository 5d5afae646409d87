/* cover.c - the cover: company, title, role, interview date or a line for it,
 * the name line, the counts, and the contents with page numbers. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cover ---- */

/* "LABEL" at Y, then a line to write on, to the right edge (below the
 * label if the label leaves too little room). */
static int fill_line(ctx *c, block *b, const char *label, double y)
{
    if (bk_lay_plain(c->f, &c->l, label, c->sub, 0, SP_ALIGN_LEFT, c->iw))
        return -1;
    double h = bk_blk_lines(b, &c->l, 0, y, 0);
    if (h < 0)
        return -1;
    const sp_line *ln = &c->l.lines[c->l.n_lines - 1];
    double x = ln->width_pt + 6;
    if (x <= c->iw - 60)
        return bk_blk_rule(b, x, y + ln->baseline_pt + 2, c->iw, 0.6, 0.3);
    y += h + c->sub;
    if (bk_blk_rule(b, 0, y, c->iw, 0.6, 0.3))
        return -1;
    bk_blk_grow(b, y + 2);
    return 0;
}

int bk_build_cover(ctx *c)
{
    const sp_meta *m = &c->pack->meta;
    const sp_schedule *s = c->s;
    if (bk_new_page(c))
        return -1;
    if (sp_doc_outline(c->doc, sp_tr(c->m, "Cover"), c->cur, 0, c->y))
        return -1;
    block *b = &c->b;
    bk_blk_reset(c, b);
    double y = 0.12 * (c->cover_bottom - c->margin);
    double h;
    if (m->company && *m->company) {
        if (bk_lay_plain(c->f, &c->l, m->company, c->sub * 1.1, 0, SP_ALIGN_LEFT,
                      c->iw) || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h + 4;
    }
    /* the title: as large as fits in half the page, 26 pt at most */
    static const double tsizes[] = {26, 24, 22, 20, 18, 16, 14, 12};
    sp_flow_clear(c->f);
    sp_para_opts o = bk_popts(0, SP_STYLE_BOLD, SP_ALIGN_LEFT);
    o.leading = 1.15;
    if (sp_flow_plain(c->f, m->title ? m->title : "", &o)
        || sp_flow_fit(c->f, tsizes, sizeof tsizes / sizeof tsizes[0], c->iw,
                       (c->cover_bottom - c->margin) / 2, &c->l) < 0
        || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
        return -1;
    y += h + 6;
    sp_span sp[3];
    size_t n = 0;
    if (m->role && *m->role)
        sp[n++] = (sp_span){0, m->role};
    if (m->edition && *m->edition) {
        if (n)
            sp[n++] = (sp_span){0, MIDDOT};
        sp[n++] = (sp_span){0, m->edition};
    }
    if (n) {
        if (bk_lay_spans(c->f, &c->l, sp, n, c->sub * 1.1, SP_ALIGN_LEFT, c->iw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h;
    }
    y += 12;
    if (bk_blk_rule(b, 0, y, fmin(72, c->iw), 1.5, 0))
        return -1;
    y += 10;
    if (bk_lay_plain(c->f, &c->l, sp_tr(c->m, "Interview prep timeline"),
                  c->body + 1,
                  SP_STYLE_ITALIC, SP_ALIGN_LEFT, c->iw)
        || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
        return -1;
    y += h + 30;
    if (bk_blk_break(b, y))
        return -1;
    if (s && s->has_dates) {
        char d[SP_DATEFMT_BUF];
        bk_fmt_date(c, d, s->interview, SP_DATE_LONG);
        /* TRANSLATORS: the cover's label before the interview date */
        sp_span is[2] = {{0, sp_tr(c->m, "Interview: ")}, {SP_STYLE_BOLD, d}};
        if (bk_lay_spans(c->f, &c->l, is, 2, c->sub * 1.1, SP_ALIGN_LEFT, c->iw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h;
    } else {
        if (fill_line(c, b, sp_tr(c->m, "Interview date:"), y))
            return -1;
        y = b->h;
    }
    y += 16;
    if (bk_blk_break(b, y))
        return -1;
    if (c->o.student && *c->o.student) {
        /* TRANSLATORS: the cover's label before the student's name */
        sp_span ns[2] = {{0, sp_tr(c->m, "Name: ")},
                         {SP_STYLE_BOLD, c->o.student}};
        if (bk_lay_spans(c->f, &c->l, ns, 2, c->sub * 1.1, SP_ALIGN_LEFT,
                         c->iw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
    } else if (fill_line(c, b, sp_tr(c->m, "Name:"), y)) {
        return -1;
    }
    y = b->h + 16;
    if (bk_blk_break(b, y))
        return -1;
    if (s) {
        char line[320], counts[240], fd[64], fr[24];
        bk_pack_counts(c, counts, s->n_days, (long)c->pack->n_phases,
                       (long)c->pack->n_questions);
        sp_fill(fd, sizeof fd, sp_trn(c->m, "{1} free day", "{1} free days",
                                      (unsigned long)s->n_free),
                bk_num(fr, (long)s->n_free), NULL, NULL);
        snprintf(line, sizeof line, "%s%s%s", counts,
                 s->n_free ? MIDDOT : "", s->n_free ? fd : "");
        if (bk_lay_plain(c->f, &c->l, line, c->body, 0, SP_ALIGN_LEFT, c->iw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h;
        if (s->has_dates && s->n_days > 0) {
            char t[STUDY_BUF];
            if (bk_lay_plain(c->f, &c->l, bk_study_dates(c, t), c->body, 0,
                          SP_ALIGN_LEFT, c->iw)
                || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
                return -1;
        }
    }
    if (bk_place(c, b, 0, 0, 0))
        return -1;
    if (c->n_toc == 0)
        return 0;

    /* contents, at the bottom of the page; numbers are drawn at the end */
    bk_blk_reset(c, b);
    if (bk_lay_plain(c->f, &c->l, sp_tr(c->m, "Contents"), c->body + 1,
                  SP_STYLE_BOLD,
                  SP_ALIGN_LEFT, c->iw)
        || (h = bk_blk_lines(b, &c->l, 0, 0, 0)) < 0)
        return -1;
    y = h + 4;
    double numw = 28;
    for (size_t i = 0; i < c->n_toc; i++) {
        if (bk_lay_plain(c->f, &c->l, c->toc[i].title, c->body, 0,
                      SP_ALIGN_LEFT, c->iw - numw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 0)) < 0)
            return -1;
        const sp_line *ln = &c->l.lines[c->l.n_lines - 1];
        c->toc[i].baseline = y + ln->baseline_pt;
        c->toc[i].end_x = ln->width_pt;
        y += h + 3;
    }
    b->h = y;
    double want = c->page_bottom - b->h;
    if (c->y + 24 < want)
        c->y = want;
    else
        c->y += 24;
    if (bk_place(c, b, 0, 1, 0))
        return -1;
    for (size_t i = 0; i < c->n_toc; i++) {
        c->toc[i].at_page = c->placed_page;
        c->toc[i].baseline += c->placed_y;
    }
    return 0;
}

/* Draws the contents' page numbers and dotted leaders. */
int bk_finish_toc(ctx *c)
{
    for (size_t i = 0; i < c->n_toc; i++) {
        const toc_entry *t = &c->toc[i];
        if (t->page == (size_t)-1)
            continue;
        char b[24];
        if (bk_lay_plain(c->f, &c->l, bk_num(b, (long)bk_phys(c, t->page)), c->body,
                      0, SP_ALIGN_LEFT, c->iw))
            return -1;
        sp_dlist *pg = &c->doc->pages[t->at_page];
        double x0 = bk_x0_of(c, t->at_page);
        double w = bk_line_w(&c->l);
        double nx = x0 + c->iw - w;
        const sp_line *ln = &c->l.lines[0];
        if (sp_lines_emit(&c->l, 0, 1, pg, nx, t->baseline - ln->baseline_pt))
            return -1;
        double a = x0 + t->end_x + 4, z = nx - 4;
        if (z - a > 4
            && sp_dl_line(pg, a, t->baseline, z, t->baseline, 0.6, 0.5, 1.5))
            return -1;
    }
    return 0;
}
