/* plan.c - the day-by-day plan: week headings, a block per day with its
 * tasks, the cards to introduce and review, rest and final-review notes. */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CARD_STOPS 12          /* tab stops across a card list */

/* ---- the day-by-day plan ---- */

/* Lays out card QI's label "#N id" into c->l, at most WIDTH wide;
 * returns the item's width with its tick box, or -1. */
static double card_item(ctx *c, size_t qi, double width)
{
    const sp_question *q = &c->pack->questions[qi];
    char nb[24];
    snprintf(nb, sizeof nb, "#%d ", q->number);
    sp_span sp[2] = {{SP_STYLE_BOLD, nb}, {0, q->id ? q->id : ""}};
    if (bk_lay_spans(c->f, &c->l, sp, 2, c->small, SP_ALIGN_LEFT, width))
        return -1;
    double w = 0;
    for (size_t k = 0; k < c->l.n_lines; k++)
        w = fmax(w, c->l.lines[k].width_pt);
    return w;
}

/* Draws a list of cards, "LABEL [ ] #N id [ ] #N id ...", from Y.  Items
 * start on a grid of CARD_STOPS tab stops across the box, so that lists
 * line up in columns yet stay compact; an item wider than the box wraps
 * on rows of its own.  Returns the new y or -1. */
static double card_list(ctx *c, block *b, const char *label,
                        const size_t *qs, size_t n, double y)
{
    double box = c->small - 2.5, gap = 2.5, sep = 6;
    double x1 = c->card_label_w, avail = c->iw - x1, tw = avail - box - gap;
    double cell = (avail + sep) / CARD_STOPS;
    if (bk_blk_break(b, y)
        || bk_lay_plain(c->f, &c->l, label, c->small, SP_STYLE_BOLD,
                     SP_ALIGN_LEFT, x1)
        || bk_blk_lines(b, &c->l, 0, y, 0) < 0)
        return -1;
    int col = 0;
    double row_top = y, row_h = 0;
    for (size_t i = 0; i < n; i++) {
        double w = card_item(c, qs[i], tw);
        if (w < 0)
            return -1;
        int multi = c->l.n_lines > 1;
        int cells = (int)ceil((box + gap + w + sep) / cell - 1e-9);
        if (col > 0 && (multi || col + cells > CARD_STOPS)) {
            row_top += row_h;
            row_h = 0;
            col = 0;
            if (bk_blk_break(b, row_top))
                return -1;
        }
        double x = x1 + col * cell;
        if (bk_blk_box(b, x, row_top + c->l.lines[0].baseline_pt, box)
            || bk_blk_lines(b, &c->l, x + box + gap, row_top, 1) < 0)
            return -1;
        row_h = fmax(row_h, c->l.height_pt);
        col += cells;
        if (multi || col >= CARD_STOPS) {
            row_top += row_h;
            row_h = 0;
            col = 0;
            if (i + 1 < n && bk_blk_break(b, row_top))
                return -1;
        }
    }
    return fmax(row_top + row_h, b->h);
}

/* Builds day K's block into c->b; *lead receives the part to drop at the
 * top of a page. */
static int day_block(ctx *c, const sp_day *day, double *lead)
{
    const sp_schedule *s = c->s;
    const sp_pack *p = c->pack;
    block *b = &c->b;
    bk_blk_reset(c, b);
    double y = 0, h;
    int week = (day->number - 1) / 7 + 1;
    *lead = 0;
    if ((day->number - 1) % 7 == 0) {
        char wk[64], rg[64], dr[DATE_RANGE_BUF], wn[24];
        int last = day->number + 6 > s->n_days ? s->n_days : day->number + 6;
        sp_fill(wk, sizeof wk, sp_tr(c->m, "Week {1}"), bk_num(wn, week), NULL,
                NULL);
        bk_day_range(c, rg, day->number, last, 0);
        bk_date_range(c, dr, day->number, last, 0);
        sp_span sp[3] = {{SP_STYLE_BOLD, wk}, {0, "   "},
                         {0, *dr ? dr : rg}};
        if (day->number > 1)
            y = *lead = 14;
        if (bk_lay_spans(c->f, &c->l, sp, 3, c->sub, SP_ALIGN_LEFT, c->iw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h + 2;
        if (bk_blk_rule(b, 0, y, c->iw, 0.7, 0.35))
            return -1;
        y += 5;
    } else {
        if (bk_blk_rule(b, 0, 3, c->iw, HAIR_PT, HAIR_GRAY))
            return -1;
        y = *lead = 7;
    }

    /* date (or day) at the left, day and phase at the right */
    char left[SP_DATEFMT_BUF], right[96];
    if (s->has_dates)
        bk_fmt_date(c, left, day->date, SP_DATE_DAY);
    else
        bk_day_range(c, left, day->number, day->number, 0);
    /* TRANSLATORS: heads the rest of a day that runs over to the next page */
    sp_fill(c->cont_buf, sizeof c->cont_buf, sp_tr(c->m, "{1}, continued"),
            left, NULL, NULL);
    const sp_phase *ph = day->phase < p->n_phases ? &p->phases[day->phase]
                                                  : NULL;
    const char *ptitle = ph && ph->title ? ph->title : "";
    right[0] = '\0';
    if (s->has_dates) {
        bk_day_range(c, right, day->number, day->number, 0);
        strcat(right, MIDDOT);
    }
    char tail[96] = "", restw[64] = "";
    if (!s->has_dates && ph) {
        char x[24], z[24], t2[80];
        sp_fill(t2, sizeof t2, sp_tr(c->m, "day {1} of {2}"),
                bk_num(x, day->day_in_phase + 1), bk_num(z, ph->days), NULL);
        snprintf(tail, sizeof tail, MIDDOT "%s", t2);
    }
    if (day->is_free) {
        ptitle = "";
        snprintf(restw, sizeof restw, "%s",
                 day->is_skipped ? sp_tr(c->m, "free day (skipped)")
                                 : sp_tr(c->m, "free day"));
    } else if (day->is_rest) {
        snprintf(restw, sizeof restw, MIDDOT "%s", sp_tr(c->m, "rest day"));
    }
    sp_span rs[4] = {{SP_STYLE_ITALIC, right}, {SP_STYLE_ITALIC, ptitle},
                     {SP_STYLE_ITALIC, tail}, {SP_STYLE_BOLD, restw}};
    if (bk_lay_plain(c->f, &c->l, left, c->dayhead, SP_STYLE_BOLD,
                  SP_ALIGN_LEFT, c->iw)
        || bk_lay_spans(c->f2, &c->l2, rs, 4, c->small, SP_ALIGN_LEFT, c->iw))
        return -1;
    if ((h = bk_blk_pair(c, b, y)) < 0)
        return -1;
    y += h + 1.5;

    /* tasks */
    double box = c->task - 2.5, tx = box + 4;
    for (size_t t = 0; t < day->n_tasks; t++) {
        const sp_task_ref *tr = &day->tasks[t];
        if (tr->phase >= p->n_phases
            || tr->task >= p->phases[tr->phase].n_tasks)
            continue;
        const sp_task *tk = &p->phases[tr->phase].tasks[tr->task];
        char lab[96];
        /* TRANSLATORS: a task's kind before its text: "study: " */
        sp_fill(lab, sizeof lab, sp_tr(c->m, "{1}: "),
                sp_msgs_task_kind(c->m, tk->kind), NULL, NULL);
        if (bk_need_spans(c, tk->text.n_spans + 1))
            return -1;
        c->spans[0] = (sp_span){SP_STYLE_ITALIC, lab};
        memcpy(c->spans + 1, tk->text.spans,
               tk->text.n_spans * sizeof(sp_span));
        if (bk_blk_break(b, y)
            || bk_lay_spans(c->f, &c->l, c->spans, tk->text.n_spans + 1, c->task,
                         SP_ALIGN_LEFT, c->iw - tx)
            || bk_blk_box(b, BOX_LINE_PT / 2, y + c->l.lines[0].baseline_pt,
                       box)
            || (h = bk_blk_lines(b, &c->l, tx, y, 1)) < 0)
            return -1;
        y += h + 0.5;
    }

    /* notes */
    const char *note = NULL;
    if (day->is_free)
        note = NULL;
    else if (day->is_added_rest)
        note = sp_tr(c->m, "Rest day: at least one day off in every seven; "
                           "no new cards and no reviews.");
    else if (day->is_rest)
        note = sp_tr(c->m, "Rest day: no new cards and no reviews.");
    else if (day->is_final)
        note = s->final_level == SP_DIFF_HARD
                   ? sp_tr(c->m, "Final review: go over the hardest cards "
                                 "again (every hard card so far).")
               : s->final_level == SP_DIFF_MEDIUM
                   ? sp_tr(c->m, "Final review: go over the hardest cards "
                                 "again (every medium card so far).")
                   : sp_tr(c->m, "Final review: go over every card so far.");
    const char *notes[2] = {NULL, note};
    if (day->is_eve && !day->is_rest)
        notes[0] = sp_tr(c->m, "Light day before the interview: no new "
                               "cards, no practice or mock.");
    for (int i = 0; i < 2; i++) {
        if (!notes[i])
            continue;
        if (bk_blk_break(b, y)
            || bk_lay_plain(c->f, &c->l, notes[i], c->small, SP_STYLE_ITALIC,
                            SP_ALIGN_LEFT, c->iw)
            || (h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h + 0.5;
    }

    /* cards */
    if (day->n_intro) {
        y = card_list(c, b, sp_tr(c->m, "New:"), day->intro, day->n_intro,
                      y + 0.5);
        if (y < 0)
            return -1;
    }
    if (day->n_review) {
        y = card_list(c, b, sp_tr(c->m, "Review:"), day->review,
                      day->n_review, y + 0.5);
        if (y < 0)
            return -1;
    }
    b->h = y + 2;
    return 0;
}

int bk_build_plan(ctx *c)
{
    const sp_schedule *s = c->s;
    if (bk_start_section(c, sp_tr(c->m, "Day-by-day plan")))
        return -1;
    /* the review offsets as a list, "1, 3, 7 and 14" */
    char offs[96] = "", note[512];
    size_t no = sizeof sp_review_offsets / sizeof sp_review_offsets[0];
    size_t len = 0;
    for (size_t i = 0; i < no && len < sizeof offs; i++)
        len += (size_t)snprintf(offs + len, sizeof offs - len, "%s%d",
                                i == 0 ? ""
                                : i + 1 < no ? sp_trc(c->m, "list", ", ")
                                             : sp_trc(c->m, "list", " and "),
                                sp_review_offsets[i]);
    /* TRANSLATORS: {1} is a list of numbers of days, "1, 3, 7 and 14";
     * "New:" and "Review:" are the labels of the plan's card lists */
    sp_fill(note, sizeof note,
            sp_tr(c->m, "Tick each task and card when done. New: cards to "
                        "learn that day; Review: cards to go over again, {1} "
                        "days after you learned them."),
            offs, NULL, NULL);
    if (bk_intro_note(c, note, 6))
        return -1;
    for (int k = 0; k < s->n_days; k++) {
        const sp_day *day = &s->days[k];
        double lead;
        if (day_block(c, day, &lead))
            return -1;
        c->cont = c->cont_buf;
        int rc = bk_place(c, &c->b, lead, 1, 0);
        c->cont = NULL;
        if (rc)
            return -1;
        if ((day->number - 1) % 7 == 0) {
            char t[DATE_RANGE_BUF + 96], rg[64], dr[DATE_RANGE_BUF], wn[24];
            int last = day->number + 6 > s->n_days ? s->n_days
                                                   : day->number + 6;
            bk_day_range(c, rg, day->number, last, 0);
            bk_date_range(c, dr, day->number, last, 0);
            /* TRANSLATORS: an outline entry: "Week 2 (Dec 3 – Dec 9)" */
            sp_fill(t, sizeof t, sp_tr(c->m, "Week {1} ({2})"),
                    bk_num(wn, (day->number - 1) / 7 + 1), *dr ? dr : rg, NULL);
            /* the heading's top: the lead is above it, placed or not */
            if (sp_doc_outline(c->doc, t, c->placed_page, 1,
                               c->placed_y + lead))
                return -1;
        }
    }
    return 0;
}
