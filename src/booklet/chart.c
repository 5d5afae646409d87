/* chart.c - the timeline overview: the drawn chart (a bar per phase on a day
 * axis, week ticks, rest days as gaps, the interview marked), then each
 * phase's tasks with their days. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the timeline overview ---- */

typedef struct {
    int n;                 /* days */
    double unit;           /* width of one day */
    int step;              /* label every STEP-th week */
    double inter_h, wk_h, axis_y, rows_y;
} chart_geom;

/* Lays out the label of phase P's bar into c->l (at the chart width). */
static int phase_label(ctx *c, size_t p)
{
    const sp_phase_span *ps = &c->s->phases[p];
    int last = ps->first_day + ps->n_days - 1;
    char r[64], d[DATE_RANGE_BUF];
    bk_day_range(c, r, ps->first_day, last, 0);
    bk_date_range(c, d, ps->first_day, last, 0);
    const char *title = p < c->pack->n_phases ? c->pack->phases[p].title
                                              : NULL;
    sp_span sp[5] = {{SP_STYLE_BOLD, title ? title : ""}, {0, "   "},
                     {0, r}, {0, MIDDOT}, {0, d}};
    return bk_lay_spans(c->f, &c->l, sp, *d ? 5 : 3, c->small, SP_ALIGN_LEFT,
                     c->iw);
}

#define BAR_H 9.0
#define ROW_GAP 6.0

static double row_height(ctx *c, size_t p)
{
    if (phase_label(c, p))
        return -1;
    return c->l.height_pt + 1.5 + BAR_H + ROW_GAP;
}

/* The chart's label of week WK, "W1", into B (CAP bytes). */
static char *week_tick(const ctx *c, char *b, size_t cap, int wk)
{
    char n[24];
    /* TRANSLATORS: a week on the chart's axis (W1 = week 1), keep it short */
    return sp_fill(b, cap, sp_tr(c->m, "W{1}"), bk_num(n, wk), NULL, NULL);
}

/* Draws the axis (interview label, week labels, axis line) into B. */
static int chart_axis(ctx *c, block *b, const chart_geom *g)
{
    const sp_schedule *s = c->s;
    char t[SP_DATEFMT_BUF + 64];
    double lab = c->tiny - 0.5;
    /* interview label, centred on its marker, kept inside the box */
    double xm = (g->n + 0.5) * g->unit;
    if (s->has_dates) {
        char d[SP_DATEFMT_BUF];
        /* TRANSLATORS: the chart's label of the interview day */
        sp_fill(t, sizeof t, sp_tr(c->m, "Interview {1}"),
                bk_fmt_date(c, d, s->interview, SP_DATE_DAY), NULL, NULL);
    } else {
        snprintf(t, sizeof t, "%s", sp_tr(c->m, "Interview"));
    }
    if (bk_lay_plain(c->f, &c->l, t, c->tiny, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  c->iw))
        return -1;
    double w = bk_line_w(&c->l);
    double x = fmin(fmax(xm - w / 2, 0), c->iw - w);
    if (bk_blk_lines(b, &c->l, x, 0, 0) < 0)
        return -1;
    /* week labels: "W1" (and the week's first date) */
    int weeks = (g->n + 6) / 7;
    for (int wk = 1; wk <= weeks; wk += g->step) {
        double wx = 7.0 * (wk - 1) * g->unit;
        week_tick(c, t, sizeof t, wk);
        if (bk_lay_plain(c->f, &c->l, t, lab, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                      c->iw))
            return -1;
        double lw = bk_line_w(&c->l), lh = c->l.height_pt;
        if (wx + 1.5 + lw > c->iw)
            break;
        if (bk_blk_lines(b, &c->l, wx + 1.5, g->inter_h, 0) < 0)
            return -1;
        if (s->has_dates) {
            sp_date d = sp_date_add_days(s->first_day, 7L * (wk - 1));
            bk_fmt_date(c, t, d, SP_DATE_SHORT);
            if (bk_lay_plain(c->f, &c->l, t, lab, 0, SP_ALIGN_LEFT, c->iw))
                return -1;
            if (wx + 1.5 + bk_line_w(&c->l) <= c->iw
                && bk_blk_lines(b, &c->l, wx + 1.5, g->inter_h + lh, 0) < 0)
                return -1;
        }
    }
    return bk_blk_rule(b, 0, g->axis_y, c->iw, 0.6, 0.3);
}

/* Draws the grid (week ticks and lines, day ticks) and the interview
 * marker from the axis down to BOTTOM. */
static int chart_grid(ctx *c, block *b, const chart_geom *g, double bottom)
{
    int weeks = (g->n + 6) / 7;
    double ay = g->axis_y;
    if (g->unit >= 4)
        for (int d = 1; d < g->n + 1; d++)
            if (sp_dl_line(&b->dl, d * g->unit, ay, d * g->unit, ay + 2,
                           HAIR_PT, 0.5, 0))
                return -1;
    for (int wk = 1; wk <= weeks; wk++) {
        double wx = 7.0 * (wk - 1) * g->unit;
        int labelled = (wk - 1) % g->step == 0;
        if (!labelled && 7 * g->unit < 2)
            continue;
        if (sp_dl_line(&b->dl, fmax(wx, 0.25), ay - 3, fmax(wx, 0.25),
                       ay + 3, 0.5, 0.3, 0))
            return -1;
        if (labelled && wk > 1
            && sp_dl_line(&b->dl, wx, ay + 3, wx, bottom, HAIR_PT, 0.7, 1.5))
            return -1;
    }
    double xm = fmin((g->n + 0.5) * g->unit, c->iw - 0.6);
    if (sp_dl_line(&b->dl, xm, ay - 3, xm, bottom, 1.2, 0, 0))
        return -1;
    return sp_dl_rect(&b->dl, fmin(xm - 2, c->iw - 4), ay - 2, 4, 4, 0, 0,
                      0);
}

/* Draws phase P's row at Y: its label, then its bar (rest days as gaps). */
static int chart_row(ctx *c, block *b, const chart_geom *g, size_t p,
                     double y)
{
    const sp_phase_span *ps = &c->s->phases[p];
    if (phase_label(c, p))
        return -1;
    /* the bar's stroke stays inside the box */
    double bx = fmax((ps->first_day - 1) * g->unit, 0.25);
    double bw = fmax((ps->first_day - 1 + ps->n_days) * g->unit - bx, 1.0);
    if (bx + bw > c->iw - 0.25)
        bx = c->iw - 0.25 - bw;
    /* left-aligned with the bar, ending before the interview marker if
     * it can */
    double lx = 0, lw = bk_line_w(&c->l);
    if (c->l.n_lines == 1)
        lx = fmax(0, fmin(bx, fmin(c->iw, g->n * g->unit - 2) - lw));
    double h = bk_blk_lines(b, &c->l, lx, y, 0);
    if (h < 0)
        return -1;
    double by = y + h + 1.5;
    if (sp_dl_rect(&b->dl, bx, by, bw, BAR_H, 0.5, 0, 0.72))
        return -1;
    if (g->unit >= 2.5)
        for (int d = ps->first_day; d < ps->first_day + ps->n_days; d++)
            if (d >= 1 && d <= c->s->n_days
                && (c->s->days[d - 1].is_rest || c->s->days[d - 1].is_free)
                && sp_dl_rect(&b->dl, (d - 1) * g->unit + 0.8, by + 0.8,
                              g->unit - 1.6, BAR_H - 1.6, 0, 0, 1))
                return -1;
    bk_blk_grow(b, by + BAR_H + ROW_GAP);
    return 0;
}

static int build_chart(ctx *c)
{
    const sp_schedule *s = c->s;
    chart_geom g;
    memset(&g, 0, sizeof g);
    g.n = s->n_days;
    g.unit = c->iw / (g.n + 1);
    double lab = c->tiny - 0.5;
    int weeks = (g.n + 6) / 7;
    char t[SP_DATEFMT_BUF];
    week_tick(c, t, sizeof t, weeks);
    if (bk_lay_plain(c->f, &c->l, t, lab, SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw))
        return -1;
    double maxw = bk_line_w(&c->l), lh = c->l.height_pt;
    /* the widest week date decides how many weeks a label spans */
    for (int wk = 1; s->has_dates && wk <= weeks; wk++) {
        bk_fmt_date(c, t, sp_date_add_days(s->first_day, 7L * (wk - 1)),
                 SP_DATE_SHORT);
        if (bk_lay_plain(c->f, &c->l, t, lab, 0, SP_ALIGN_LEFT, c->iw))
            return -1;
        maxw = fmax(maxw, bk_line_w(&c->l));
    }
    g.step = 1;
    while (g.step * 7 * g.unit < maxw + 4 && g.step < weeks)
        g.step++;
    if (bk_lay_plain(c->f, &c->l, sp_tr(c->m, "Interview"), c->tiny,
                  SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw))
        return -1;
    g.inter_h = c->l.height_pt + 2;
    g.wk_h = lh * (s->has_dates ? 2 : 1);
    g.axis_y = g.inter_h + g.wk_h + 4;
    g.rows_y = g.axis_y + 8;

    size_t np = s->n_phases, i = 0;
    while (i < np) {
        double avail = c->page_bottom - c->y, h = g.rows_y;
        size_t j = i;
        while (j < np) {
            double rh = row_height(c, j);
            if (rh < 0)
                return -1;
            if (h + rh > avail + EPS && j > i)
                break;
            if (h + rh > avail + EPS && !c->fresh)
                break;
            h += rh;
            j++;
        }
        if (j == i) {
            if (bk_new_page(c))
                return -1;
            continue;
        }
        /* the grid first, so bars and labels are drawn over it */
        block *b = &c->chunk;
        bk_blk_reset(c, b);
        if (chart_axis(c, b, &g) || chart_grid(c, b, &g, h - ROW_GAP + 3))
            return -1;
        double y = g.rows_y;
        for (size_t p = i; p < j; p++) {
            if (chart_row(c, b, &g, p, y))
                return -1;
            y = b->h;
        }
        b->h = y + 4;
        if (bk_place(c, b, 0, 1, 0))
            return -1;
        i = j;
    }
    return 0;
}

int bk_build_overview(ctx *c)
{
    const sp_schedule *s = c->s;
    const sp_pack *p = c->pack;
    if (bk_start_section(c, sp_tr(c->m, "Timeline overview")))
        return -1;
    int rest = 0;
    for (int k = 0; k < s->n_days; k++)
        rest += s->days[k].is_rest != 0;
    char line[STUDY_BUF + 160], counts[240], rd[64], r[24], fd[64], fr[24];
    bk_pack_counts(c, counts, s->n_days, (long)s->n_phases,
                   (long)p->n_questions);
    sp_fill(rd, sizeof rd, sp_trn(c->m, "{1} rest day", "{1} rest days",
                                  (unsigned long)rest),
            bk_num(r, rest), NULL, NULL);
    sp_fill(fd, sizeof fd, sp_trn(c->m, "{1} free day", "{1} free days",
                                  (unsigned long)s->n_free),
            bk_num(fr, (long)s->n_free), NULL, NULL);
    snprintf(line, sizeof line, "%s%s%s%s%s", counts, rest ? MIDDOT : "",
             rest ? rd : "", s->n_free ? MIDDOT : "", s->n_free ? fd : "");
    block *b = &c->b;
    bk_blk_reset(c, b);
    sp_flow_clear(c->f);
    sp_para_opts lo = bk_popts(c->body, 0, SP_ALIGN_LEFT);
    if (sp_flow_plain(c->f, line, &lo))
        return -1;
    if (s->has_dates) {
        char d3[SP_DATEFMT_BUF];
        if (sp_flow_plain(c->f, bk_study_dates(c, line), &lo))
            return -1;
        sp_fill(line, sizeof line, sp_tr(c->m, "Interview on {1}"),
                bk_fmt_date(c, d3, s->interview, SP_DATE_LONG), NULL, NULL);
        if (sp_flow_plain(c->f, line, &lo))
            return -1;
    }
    if (sp_flow_break(c->f, c->body, c->iw, &c->l)
        || bk_blk_lines(b, &c->l, 0, 0, 1) < 0)
        return -1;
    b->h += 10;
    if (bk_place(c, b, 0, 0, 1) || build_chart(c))
        return -1;
    if (bk_intro_note(c, s->n_free
                   ? sp_tr(c->m, "Each bar is a phase of the plan; gaps in a "
                                 "bar are rest days and free days. W1, W2, "
                                 "... mark the weeks; the black line is the "
                                 "interview day.")
                   : sp_tr(c->m, "Each bar is a phase of the plan; gaps in a "
                                 "bar are rest days. W1, W2, ... mark the "
                                 "weeks; the black line is the interview "
                                 "day."), 0))
        return -1;

    /* each phase with its tasks and their days */
    for (size_t ph = 0; ph < s->n_phases && ph < p->n_phases; ph++) {
        const sp_phase *pp = &p->phases[ph];
        const sp_phase_span *ps = &s->phases[ph];
        int last = ps->first_day + ps->n_days - 1;
        char rg[64], dr[DATE_RANGE_BUF], head[32];
        snprintf(head, sizeof head, "%zu. ", ph + 1);
        bk_day_range(c, rg, ps->first_day, last, 0);
        bk_date_range(c, dr, ps->first_day, last, 1);
        sp_span sp[2] = {{SP_STYLE_BOLD, head},
                         {SP_STYLE_BOLD, pp->title ? pp->title : ""}};
        sp_span sd[3] = {{0, rg}, {0, *dr ? MIDDOT : ""}, {0, dr}};
        bk_blk_reset(c, b);
        double lead = 8, h;
        if (bk_lay_spans(c->f, &c->l, sp, 2, c->body + 0.5, SP_ALIGN_LEFT,
                      c->iw)
            || bk_lay_spans(c->f2, &c->l2, sd, 3, c->small, SP_ALIGN_LEFT,
                         c->iw)
            || (h = bk_blk_pair(c, b, lead)) < 0)
            return -1;
        double y = lead + h + 1;
        for (size_t t = 0; t < pp->n_tasks; t++) {
            const sp_task *tk = &pp->tasks[t];
            char lab[160], tr[64];
            bk_day_range(c, tr, ps->task_first[t], ps->task_last[t], 1);
            /* TRANSLATORS: a task's kind and days: "study, days 1–2: " */
            sp_fill(lab, sizeof lab, sp_tr(c->m, "{1}, {2}: "),
                    sp_msgs_task_kind(c->m, tk->kind), tr, NULL);
            if (bk_need_spans(c, tk->text.n_spans + 1))
                return -1;
            c->spans[0] = (sp_span){SP_STYLE_ITALIC, lab};
            memcpy(c->spans + 1, tk->text.spans,
                   tk->text.n_spans * sizeof(sp_span));
            if (bk_blk_break(b, y)
                || bk_lay_spans(c->f, &c->l, c->spans, tk->text.n_spans + 1,
                             c->task, SP_ALIGN_LEFT, c->iw - 10)
                || (h = bk_blk_lines(b, &c->l, 10, y, 1)) < 0)
                return -1;
            y += h + 1;
        }
        b->h = y;
        if (bk_place(c, b, lead, 1, 0))
            return -1;
    }
    return 0;
}
