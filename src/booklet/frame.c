/* frame.c - what the sections share: small helpers, blocks, the page frame,
 * section starts (see frame.h). */
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

sp_para_opts bk_popts(double size_pt, unsigned style, sp_align align)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.size_pt = size_pt;
    o.style = style;
    o.align = align;
    return o;
}

/* Makes room for N spans in c->spans; 0 or -1. */
int bk_need_spans(ctx *c, size_t n)
{
    if (n <= c->cap_spans)
        return 0;
    size_t cap = c->cap_spans ? c->cap_spans : 16;
    while (cap < n)
        cap *= 2;
    sp_span *p = realloc(c->spans, cap * sizeof *p);
    if (!p)
        return -1;
    c->spans = p;
    c->cap_spans = cap;
    return 0;
}

/* Lays out one paragraph of plain TEXT into FLOW/L; 0 or -1. */
int bk_lay_plain(sp_flow *f, sp_lines *l, const char *text, double size,
                 unsigned style, sp_align align, double width)
{
    sp_flow_clear(f);
    sp_para_opts o = bk_popts(size, style, align);
    if (sp_flow_plain(f, text ? text : "", &o))
        return -1;
    return sp_flow_break(f, size, width, l);
}

/* TEXT, or a prefix of it ended by an ellipsis, that fits WIDTH on one
 * line in the regular face at SIZE: malloc'd in *OUT; 1 if shortened, 0
 * if not, -1 when out of memory.  Running heads are never wrapped. */
int bk_one_line_text(const sp_fonts *fonts, const char *text,
                     double size, double width, char **out)
{
    size_t len = strlen(text);
    width -= 0.05;   /* the flow sums widths in float */
    if (sp_text_width_pt(fonts, SP_FACE_REGULAR, size, text, len) <= width) {
        *out = strdup(text);
        return *out ? 0 : -1;
    }
    const char *ell = sp_fonts_has(fonts, sp_glyph_face(fonts,
                                   SP_FACE_REGULAR, 0x2026), 0x2026)
                          ? "\xe2\x80\xa6" : "...";
    double ew = sp_text_width_pt(fonts, SP_FACE_REGULAR, size, ell,
                                 strlen(ell));
    size_t k = sp_text_fit_prefix(fonts, SP_FACE_REGULAR, size, text, len,
                                  width - ew);
    while (k > 0 && text[k - 1] == ' ')
        k--;
    *out = malloc(k + strlen(ell) + 1);
    if (!*out)
        return -1;
    memcpy(*out, text, k);
    strcpy(*out + k, ell);
    return 1;
}

/* Lays out one paragraph of the N spans SP into FLOW/L; 0 or -1. */
int bk_lay_spans(sp_flow *f, sp_lines *l, const sp_span *sp, size_t n,
                 double size, sp_align align, double width)
{
    sp_flow_clear(f);
    sp_text t = {(sp_span *)sp, n};
    sp_para_opts o = bk_popts(size, 0, align);
    if (sp_flow_text(f, &t, &o))
        return -1;
    return sp_flow_break(f, size, width, l);
}

/* Width of a one-line layout (its first line), from its left edge. */
double bk_line_w(const sp_lines *l)
{
    return l->n_lines ? l->lines[0].width_pt : 0;
}

/* Writes V in decimal into B (24 bytes); returns B. */
char *bk_num(char *b, long v)
{
    snprintf(b, 24, "%ld", v);
    return b;
}

/* "Days 3–9" or "Day 3" (LOWER: "days 3–9", "day 3") into B (64
 * bytes). */
char *bk_day_range(const ctx *c, char *b, int first, int last,
                   int lower)
{
    char x[64];
    if (last > first) {
        /* TRANSLATORS: {1} is a range of day numbers, "3–9" */
        snprintf(x, sizeof x, "%d" ENDASH "%d", first, last);
        sp_fill(b, 64, lower ? sp_tr(c->m, "days {1}") : sp_tr(c->m, "Days {1}"),
                x, NULL, NULL);
    } else {
        bk_num(x, first);
        sp_fill(b, 64, lower ? sp_tr(c->m, "day {1}") : sp_tr(c->m, "Day {1}"),
                x, NULL, NULL);
    }
    return b;
}

/* D in STYLE, in the booklet's language, into B (SP_DATEFMT_BUF). */
char *bk_fmt_date(const ctx *c, char *b, sp_date d, sp_date_style st)
{
    return sp_datefmt_format(c->df, st, d, b, SP_DATEFMT_BUF);
}

char *bk_date_range(const ctx *c, char *b, int first, int last,
                    int weekday)
{
    b[0] = '\0';
    if (!c->s || !c->s->has_dates)
        return b;
    char d1[SP_DATEFMT_BUF], d2[SP_DATEFMT_BUF];
    sp_date a = sp_date_add_days(c->s->first_day, first - 1);
    sp_date z = sp_date_add_days(c->s->first_day, last - 1);
    sp_date_style st = weekday ? SP_DATE_DAY : SP_DATE_SHORT;
    bk_fmt_date(c, d1, a, st);
    bk_fmt_date(c, d2, z, st);
    if (last > first)
        snprintf(b, DATE_RANGE_BUF, "%s " ENDASH " %s", d1, d2);
    else
        snprintf(b, DATE_RANGE_BUF, "%s", d1);
    return b;
}

char *bk_study_dates(const ctx *c, char *b)
{
    char d1[SP_DATEFMT_BUF], d2[SP_DATEFMT_BUF];
    const sp_schedule *s = c->s;
    bk_fmt_date(c, d1, s->first_day, SP_DATE_MEDIUM);
    bk_fmt_date(c, d2, sp_date_add_days(s->first_day, s->n_days - 1),
             SP_DATE_MEDIUM);
    if (s->n_days > 1)
        sp_fill(b, STUDY_BUF, sp_tr(c->m, "Study from {1} to {2}"), d1, d2,
                NULL);
    else
        sp_fill(b, STUDY_BUF, sp_tr(c->m, "Study on {1}"), d1, NULL, NULL);
    return b;
}

/* "20 days in 3 phases · 12 cards" into B (240 bytes). */
char *bk_pack_counts(const ctx *c, char *b, long days, long phases,
                     long cards)
{
    char x[24], y[24], z[24], dd[64], pp[64], cc[64], dp[160];
    sp_fill(dd, sizeof dd, sp_trn(c->m, "{1} day", "{1} days",
                                  (unsigned long)days),
            bk_num(x, days), NULL, NULL);
    sp_fill(pp, sizeof pp, sp_trn(c->m, "{1} phase", "{1} phases",
                                  (unsigned long)phases),
            bk_num(y, phases), NULL, NULL);
    sp_fill(cc, sizeof cc, sp_trn(c->m, "{1} card", "{1} cards",
                                  (unsigned long)cards),
            bk_num(z, cards), NULL, NULL);
    /* TRANSLATORS: {1} is "20 days", {2} is "3 phases" */
    sp_fill(dp, sizeof dp, sp_tr(c->m, "{1} in {2}"), dd, pp, NULL);
    snprintf(b, 240, "%s" MIDDOT "%s", dp, cc);
    return b;
}

/* ---- blocks ---- */

void bk_blk_init(block *b)
{
    memset(b, 0, sizeof *b);
}

void bk_blk_free(block *b)
{
    sp_dlist_release(&b->dl);
    free(b->brk);
}

void bk_blk_reset(ctx *c, block *b)
{
    sp_dlist_release(&b->dl);
    sp_dlist_init(&b->dl, c->iw, 0);
    b->h = 0;
    b->n_brk = 0;
}

/* Allows a page break at Y (ignored unless below the last one). */
int bk_blk_break(block *b, double y)
{
    if (y <= EPS || (b->n_brk && y <= b->brk[b->n_brk - 1] + EPS))
        return 0;
    if (b->n_brk == b->cap_brk) {
        size_t cap = b->cap_brk ? b->cap_brk * 2 : 16;
        double *p = realloc(b->brk, cap * sizeof *p);
        if (!p)
            return -1;
        b->brk = p;
        b->cap_brk = cap;
    }
    b->brk[b->n_brk++] = y;
    return 0;
}

void bk_blk_grow(block *b, double bottom)
{
    if (bottom > b->h)
        b->h = bottom;
}

/* Draws lines L at (X, Y); with BRK, a page may break before each line
 * that allows it.  Returns the height, or -1. */
double bk_blk_lines(block *b, const sp_lines *l, double x, double y,
                    int brk)
{
    if (sp_lines_emit(l, 0, l->n_lines, &b->dl, x, y))
        return -1;
    if (brk)
        for (size_t i = 1; i < l->n_lines; i++)
            if (l->lines[i].split != SP_SPLIT_NEVER
                && bk_blk_break(b, y + l->lines[i].top_pt))
                return -1;
    bk_blk_grow(b, y + l->height_pt);
    return l->height_pt;
}

int bk_blk_rule(block *b, double x, double y, double x2, double w,
                double gray)
{
    bk_blk_grow(b, y + w / 2);
    return sp_dl_line(&b->dl, x, y, x2, y, w, gray, 0);
}

/* Draws c->l at the left and c->l2 at the right edge of one line at Y
 * (baselines aligned) when both fit side by side, else c->l2 below c->l.
 * Returns the height, or -1. */
double bk_blk_pair(ctx *c, block *b, double y)
{
    double lw = bk_line_w(&c->l), rw = bk_line_w(&c->l2), h;
    if ((h = bk_blk_lines(b, &c->l, 0, y, 1)) < 0)
        return -1;
    if (c->l.n_lines == 1 && c->l2.n_lines == 1 && lw + 12 + rw <= c->iw) {
        double dy = c->l.lines[0].baseline_pt - c->l2.lines[0].baseline_pt;
        if (bk_blk_lines(b, &c->l2, c->iw - rw, y + dy, 0) < 0)
            return -1;
        return fmax(h, dy + c->l2.height_pt);
    }
    double h2 = bk_blk_lines(b, &c->l2, 0, y + h, 1);
    return h2 < 0 ? -1 : h + h2;
}

/* A tick box of SIZE whose bottom sits just below BASELINE. */
int bk_blk_box(block *b, double x, double baseline, double size)
{
    double top = baseline - size + 0.6;
    bk_blk_grow(b, top + size);
    return sp_dl_checkbox(&b->dl, x, top, size, BOX_LINE_PT);
}

/* The y that decides which part of a split block an item goes to. */
static double anchor(const sp_dl_item *it)
{
    if (it->kind == SP_DL_LINE)
        return fmin(it->y_pt, it->y2_pt);
    return it->y_pt;
}

static int copy_item(sp_dlist *dl, const sp_dl_item *it, double dx,
                     double dy)
{
    switch (it->kind) {
    case SP_DL_TEXT:
        return sp_dl_copy_text(dl, it, dx, dy);
    case SP_DL_LINE:
        return sp_dl_line(dl, it->x_pt + dx, it->y_pt + dy, it->x2_pt + dx,
                          it->y2_pt + dy, it->line_pt, it->gray, it->dash_pt);
    case SP_DL_RECT:
        return sp_dl_rect(dl, it->x_pt + dx, it->y_pt + dy, it->w_pt,
                          it->h_pt, it->line_pt, it->gray, it->fill_gray);
    case SP_DL_CHECKBOX:
        return sp_dl_checkbox(dl, it->x_pt + dx, it->y_pt + dy, it->w_pt,
                              it->line_pt);
    case SP_DL_IMAGE:
        return sp_dl_image(dl, it->text, it->alt, it->px_w, it->px_h,
                           it->x_pt + dx, it->y_pt + dy, it->w_pt, it->h_pt);
    }
    return -1;
}

/* ---- pages ---- */

size_t bk_phys(const ctx *c, size_t page)
{
    return page - c->base + 1;
}

/* Left edge of the content box on PAGE: the gutter is on the left of odd
 * (recto) pages. */
double bk_x0_of(const ctx *c, size_t page)
{
    return bk_phys(c, page) % 2 ? c->margin + c->gutter : c->margin;
}

sp_dlist *bk_page(ctx *c)
{
    return &c->doc->pages[c->cur];
}

/* Running head (title at the outer edge, section at the inner edge, a
 * rule) and the page number at the outer bottom corner. */
static int frame(ctx *c)
{
    sp_dlist *pg = bk_page(c);
    size_t k = bk_phys(c, c->cur);
    int recto = k % 2 == 1;
    double x0 = bk_x0_of(c, c->cur);
    size_t n = c->tl.n_lines < MAX_RUN_LINES ? c->tl.n_lines : MAX_RUN_LINES;
    int one = c->tl.n_lines == 1;
    double tx = one && recto ? x0 + c->iw - c->run_w : x0;
    if (sp_lines_emit(&c->tl, 0, n, pg, tx, c->margin))
        return -1;
    if (c->section && one) {
        if (bk_lay_plain(c->hf, &c->hl, c->section, c->tiny, SP_STYLE_ITALIC,
                      SP_ALIGN_LEFT, c->iw))
            return -1;
        double w = bk_line_w(&c->hl);
        if (c->hl.n_lines == 1 && c->run_w + 12 + w <= c->iw) {
            double sx = recto ? x0 : x0 + c->iw - w;
            double dy = c->tl.lines[0].baseline_pt
                        - c->hl.lines[0].baseline_pt;
            if (sp_lines_emit(&c->hl, 0, 1, pg, sx, c->margin + dy))
                return -1;
        }
    }
    double ry = c->margin + c->run_h + HEAD_GAP_PT;
    if (sp_dl_line(pg, x0, ry, x0 + c->iw, ry, RULE_PT, RULE_GRAY, 0))
        return -1;
    char b[24];
    if (bk_lay_plain(c->hf, &c->hl, bk_num(b, (long)k), c->tiny, 0, SP_ALIGN_LEFT,
                  c->iw))
        return -1;
    double w = bk_line_w(&c->hl);
    return sp_lines_emit(&c->hl, 0, c->hl.n_lines, pg,
                         recto ? x0 + c->iw - w : x0,
                         c->ph - c->margin - c->foot_h);
}

/* Copies block B whole onto the current page at the cursor. */
static int put_whole(ctx *c, const block *b)
{
    sp_dlist *pg = bk_page(c);
    double x0 = bk_x0_of(c, c->cur);
    for (size_t i = 0; i < b->dl.n_items; i++)
        if (copy_item(pg, &b->dl.items[i], x0, c->y))
            return -1;
    c->y += b->h;
    return 0;
}

/* Starts a new page (with its frame unless it is the cover). */
int bk_new_page(ctx *c)
{
    if (!sp_doc_add_page(c->doc, c->pw, c->ph))
        return -1;
    c->cur = c->doc->n_pages - 1;
    c->have_page = 1;
    c->fresh = 1;
    if (c->cur == c->base) {
        c->y = c->margin;
        c->page_bottom = c->cover_bottom;
        return 0;
    }
    c->y = c->top;
    c->page_bottom = c->bottom;
    if (frame(c))
        return -1;
    if (c->index_heads)
        return put_whole(c, &c->idx_head);
    return 0;
}

/* Draws c->cont (if any) at the top of a page that continues a block. */
static int cont_line(ctx *c)
{
    if (!c->cont)
        return 0;
    if (bk_lay_plain(c->hf, &c->hl, c->cont, c->small, SP_STYLE_ITALIC,
                  SP_ALIGN_LEFT, c->iw)
        || sp_lines_emit(&c->hl, 0, c->hl.n_lines, bk_page(c),
                         bk_x0_of(c, c->cur), c->y))
        return -1;
    c->y += c->hl.height_pt + 2;
    return 0;
}

/* Places block B at the cursor.  LEAD: the top of B (a gap, a separator)
 * that is left out when B starts a page.  KEEP: move B to the next page
 * rather than split it, unless it is taller than a page.  HEADING: the
 * page stays "fresh" (a following kept block does not leave it alone).
 * The rest of a split block is headed by c->cont when set. */
int bk_place(ctx *c, const block *b, double lead, int keep, int heading)
{
    double off = 0;
    int placed = 0;
    for (;;) {
        if (!c->have_page && bk_new_page(c))
            return -1;
        if (!placed)
            off = c->fresh && lead < b->h ? lead : 0;
        double avail = c->page_bottom - c->y;
        double rest = b->h - off;
        double end;
        if (rest <= avail + EPS) {
            end = b->h;
        } else if (keep && !placed && !c->fresh
                   && rest - (lead - off) <= c->body_h + EPS) {
            if (bk_new_page(c))
                return -1;
            continue;
        } else {
            end = -1;
            for (size_t i = b->n_brk; i-- > 0;)
                if (b->brk[i] > off + EPS && b->brk[i] <= off + avail + EPS) {
                    end = b->brk[i];
                    break;
                }
            if (end < 0 && !c->fresh) {
                if (bk_new_page(c))
                    return -1;
                continue;
            }
            if (end < 0) {
                /* nothing fits even on an empty page: the smallest part */
                end = b->h;
                for (size_t i = 0; i < b->n_brk; i++)
                    if (b->brk[i] > off + EPS) {
                        end = b->brk[i];
                        break;
                    }
            }
        }
        if (!placed) {
            c->placed_page = c->cur;
            c->placed_y = c->y - off;
            placed = 1;
        }
        sp_dlist *pg = bk_page(c);
        double dx = bk_x0_of(c, c->cur), dy = c->y - off;
        int last = end >= b->h - EPS;
        for (size_t i = 0; i < b->dl.n_items; i++) {
            double a = anchor(&b->dl.items[i]);
            if (a >= off - EPS && (last || a < end - EPS)
                && copy_item(pg, &b->dl.items[i], dx, dy))
                return -1;
        }
        c->y += end - off;
        if (!heading)
            c->fresh = 0;
        if (last)
            return 0;
        off = end;
        if (bk_new_page(c) || cont_line(c))
            return -1;
    }
}

/* ---- sections ---- */

/* Notes that section TITLE starts on the current page (for contents). */
static void toc_mark(ctx *c, const char *title)
{
    for (size_t i = 0; i < c->n_toc; i++)
        if (strcmp(c->toc[i].title, title) == 0)
            c->toc[i].page = c->cur;
}

/* Starts TITLE on a new page: outline entry, contents entry, heading. */
int bk_start_section(ctx *c, const char *title)
{
    c->index_heads = 0;
    c->section = title;
    if (bk_new_page(c))
        return -1;
    if (sp_doc_outline(c->doc, title, c->cur, 0, c->y))
        return -1;
    toc_mark(c, title);
    block *b = &c->b;
    bk_blk_reset(c, b);
    if (bk_lay_plain(c->f, &c->l, title, c->head, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  c->iw))
        return -1;
    double y = bk_blk_lines(b, &c->l, 0, 0, 1);
    if (y < 0)
        return -1;
    y += 3;
    if (bk_blk_rule(b, 0, y, c->iw, 0.8, 0.25))
        return -1;
    b->h = y + 10;
    return bk_place(c, b, 0, 1, 1);
}

/* A paragraph of small italic TEXT (an explanation under a heading). */
int bk_intro_note(ctx *c, const char *text, double gap_after)
{
    block *b = &c->b;
    bk_blk_reset(c, b);
    if (bk_lay_plain(c->f, &c->l, text, c->small, SP_STYLE_ITALIC,
                  SP_ALIGN_LEFT, c->iw)
        || bk_blk_lines(b, &c->l, 0, 0, 1) < 0)
        return -1;
    b->h += gap_after;
    return bk_place(c, b, 0, 0, 1);
}
