/* booklet.c - the booklet page builder (see booklet.h).
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
#include "booklet.h"
#include "datefmt.h"
#include "msg.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_MARGIN_MM 12.0
#define DEF_GUTTER_MM SP_BOOKLET_GUTTER_MM
#define EPS 1e-6
#define MIN_BOX_PT 144.0       /* smallest content width and body height */
#define RULE_PT 0.4
#define RULE_GRAY 0.7
#define HAIR_PT 0.3
#define HAIR_GRAY 0.8
#define BOX_LINE_PT 0.5
#define HEAD_GAP_PT 3.0        /* running head text to its rule */
#define HEAD_BODY_PT 10.0      /* running head rule to the body */
#define FOOT_BODY_PT 8.0       /* body to the page number */
#define MAX_RUN_LINES 2        /* running head lines drawn at most */
#define NOTE_LINE_PT 20.0      /* ruling of the notes pages (7 mm) */
#define CARD_STOPS 12          /* tab stops across a card list */
#define ENDASH "\xe2\x80\x93"
#define MIDDOT " \xc2\xb7 "

typedef struct {
    sp_dlist dl;               /* x from the content box, y from the top */
    double h;
    double *brk;               /* allowed page breaks, ascending */
    size_t n_brk, cap_brk;
} block;

typedef struct {
    const char *title;
    size_t page;               /* where the section starts */
    size_t at_page;            /* where the contents line is drawn */
    double baseline, end_x;    /* of the line's title (content box x) */
} toc_entry;

enum { MAX_TOC = 8 };

typedef struct {
    const sp_pack *pack;
    const sp_schedule *s;
    const sp_fonts *fonts;
    sp_diags *d;
    sp_doc *doc;
    sp_booklet_layout o;
    double pw, ph, margin, gutter, iw;
    double top, bottom, body_h;    /* body box of pages with a frame */
    double cover_bottom;
    double body, small, tiny, head, sub, dayhead, task;
    size_t base, cur;
    int have_page;
    double y, page_bottom;         /* cursor, bottom of the current page */
    int fresh;                     /* only headings on this page so far */
    const char *section;           /* running head, inner edge */
    int index_heads;               /* repeat the index column heads */
    const char *cont;              /* heads the rest of a split block */
    char cont_buf[SP_DATEFMT_BUF + 64];
    size_t placed_page;            /* where the last block's top went */
    double placed_y;
    sp_flow *f, *f2, *hf, *tf;
    sp_lines l, l2, hl, tl;
    double run_h, run_w, foot_h;   /* running head; page number line */
    block b, chunk, idx_head;
    sp_span *spans;
    size_t cap_spans;
    toc_entry toc[MAX_TOC];
    size_t n_toc;
    double card_label_w;           /* "Review:" column */
    const sp_msgs *m;              /* the booklet's own words */
    sp_datefmt *df;                /* dates in the same language */
} ctx;

/* ---- small helpers ---- */

static sp_para_opts popts(double size_pt, unsigned style, sp_align align)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.size_pt = size_pt;
    o.style = style;
    o.align = align;
    return o;
}

/* Makes room for N spans in c->spans; 0 or -1. */
static int need_spans(ctx *c, size_t n)
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
static int lay_plain(sp_flow *f, sp_lines *l, const char *text, double size,
                     unsigned style, sp_align align, double width)
{
    sp_flow_clear(f);
    sp_para_opts o = popts(size, style, align);
    if (sp_flow_plain(f, text ? text : "", &o))
        return -1;
    return sp_flow_break(f, size, width, l);
}

/* TEXT, or a prefix of it ended by an ellipsis, that fits WIDTH on one
 * line in the regular face at SIZE: malloc'd in *OUT; 1 if shortened, 0
 * if not, -1 when out of memory.  Running heads are never wrapped. */
static int one_line_text(const sp_fonts *fonts, const char *text,
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
static int lay_spans(sp_flow *f, sp_lines *l, const sp_span *sp, size_t n,
                     double size, sp_align align, double width)
{
    sp_flow_clear(f);
    sp_text t = {(sp_span *)sp, n};
    sp_para_opts o = popts(size, 0, align);
    if (sp_flow_text(f, &t, &o))
        return -1;
    return sp_flow_break(f, size, width, l);
}

/* Width of a one-line layout (its first line), from its left edge. */
static double line_w(const sp_lines *l)
{
    return l->n_lines ? l->lines[0].width_pt : 0;
}

/* Writes V in decimal into B (24 bytes); returns B. */
static char *num(char *b, long v)
{
    snprintf(b, 24, "%ld", v);
    return b;
}

/* "Days 3–9" or "Day 3" (LOWER: "days 3–9", "day 3") into B (64
 * bytes). */
static char *day_range(const ctx *c, char *b, int first, int last,
                       int lower)
{
    char x[64];
    if (last > first) {
        /* TRANSLATORS: {1} is a range of day numbers, "3–9" */
        snprintf(x, sizeof x, "%d" ENDASH "%d", first, last);
        sp_fill(b, 64, lower ? sp_tr(c->m, "days {1}") : sp_tr(c->m, "Days {1}"),
                x, NULL, NULL);
    } else {
        num(x, first);
        sp_fill(b, 64, lower ? sp_tr(c->m, "day {1}") : sp_tr(c->m, "Day {1}"),
                x, NULL, NULL);
    }
    return b;
}

/* D in STYLE, in the booklet's language, into B (SP_DATEFMT_BUF). */
static char *fmt_date(const ctx *c, char *b, sp_date d, sp_date_style st)
{
    return sp_datefmt_format(c->df, st, d, b, SP_DATEFMT_BUF);
}

/* The dates of days FIRST..LAST, "Nov 26 – Dec 2" (WEEKDAY: "Thu, Nov 26
 * – Wed, Dec 2"), into B (DATE_RANGE_BUF bytes); "" without dates. */
#define DATE_RANGE_BUF (2 * SP_DATEFMT_BUF + 8)
static char *date_range(const ctx *c, char *b, int first, int last,
                        int weekday)
{
    b[0] = '\0';
    if (!c->s || !c->s->has_dates)
        return b;
    char d1[SP_DATEFMT_BUF], d2[SP_DATEFMT_BUF];
    sp_date a = sp_date_add_days(c->s->first_day, first - 1);
    sp_date z = sp_date_add_days(c->s->first_day, last - 1);
    sp_date_style st = weekday ? SP_DATE_DAY : SP_DATE_SHORT;
    fmt_date(c, d1, a, st);
    fmt_date(c, d2, z, st);
    if (last > first)
        snprintf(b, DATE_RANGE_BUF, "%s " ENDASH " %s", d1, d2);
    else
        snprintf(b, DATE_RANGE_BUF, "%s", d1);
    return b;
}

/* "Study from Thu, Nov 26, 2026 to Wed, Dec 23, 2026" (or "Study on ..."
 * for one day) into B (STUDY_BUF bytes). */
#define STUDY_BUF (2 * SP_DATEFMT_BUF + 96)
static char *study_dates(const ctx *c, char *b)
{
    char d1[SP_DATEFMT_BUF], d2[SP_DATEFMT_BUF];
    const sp_schedule *s = c->s;
    fmt_date(c, d1, s->first_day, SP_DATE_MEDIUM);
    fmt_date(c, d2, sp_date_add_days(s->first_day, s->n_days - 1),
             SP_DATE_MEDIUM);
    if (s->n_days > 1)
        sp_fill(b, STUDY_BUF, sp_tr(c->m, "Study from {1} to {2}"), d1, d2,
                NULL);
    else
        sp_fill(b, STUDY_BUF, sp_tr(c->m, "Study on {1}"), d1, NULL, NULL);
    return b;
}

/* "20 days in 3 phases · 12 cards" into B (240 bytes). */
static char *pack_counts(const ctx *c, char *b, long days, long phases,
                         long cards)
{
    char x[24], y[24], z[24], dd[64], pp[64], cc[64], dp[160];
    sp_fill(dd, sizeof dd, sp_trn(c->m, "{1} day", "{1} days",
                                  (unsigned long)days),
            num(x, days), NULL, NULL);
    sp_fill(pp, sizeof pp, sp_trn(c->m, "{1} phase", "{1} phases",
                                  (unsigned long)phases),
            num(y, phases), NULL, NULL);
    sp_fill(cc, sizeof cc, sp_trn(c->m, "{1} card", "{1} cards",
                                  (unsigned long)cards),
            num(z, cards), NULL, NULL);
    /* TRANSLATORS: {1} is "20 days", {2} is "3 phases" */
    sp_fill(dp, sizeof dp, sp_tr(c->m, "{1} in {2}"), dd, pp, NULL);
    snprintf(b, 240, "%s" MIDDOT "%s", dp, cc);
    return b;
}

/* ---- blocks ---- */

static void blk_init(block *b)
{
    memset(b, 0, sizeof *b);
}

static void blk_free(block *b)
{
    sp_dlist_release(&b->dl);
    free(b->brk);
}

static void blk_reset(ctx *c, block *b)
{
    sp_dlist_release(&b->dl);
    sp_dlist_init(&b->dl, c->iw, 0);
    b->h = 0;
    b->n_brk = 0;
}

/* Allows a page break at Y (ignored unless below the last one). */
static int blk_break(block *b, double y)
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

static void blk_grow(block *b, double bottom)
{
    if (bottom > b->h)
        b->h = bottom;
}

/* Draws lines L at (X, Y); with BRK, a page may break before each line
 * that allows it.  Returns the height, or -1. */
static double blk_lines(block *b, const sp_lines *l, double x, double y,
                        int brk)
{
    if (sp_lines_emit(l, 0, l->n_lines, &b->dl, x, y))
        return -1;
    if (brk)
        for (size_t i = 1; i < l->n_lines; i++)
            if (l->lines[i].split != SP_SPLIT_NEVER
                && blk_break(b, y + l->lines[i].top_pt))
                return -1;
    blk_grow(b, y + l->height_pt);
    return l->height_pt;
}

static int blk_rule(block *b, double x, double y, double x2, double w,
                    double gray)
{
    blk_grow(b, y + w / 2);
    return sp_dl_line(&b->dl, x, y, x2, y, w, gray, 0);
}

/* Draws c->l at the left and c->l2 at the right edge of one line at Y
 * (baselines aligned) when both fit side by side, else c->l2 below c->l.
 * Returns the height, or -1. */
static double blk_pair(ctx *c, block *b, double y)
{
    double lw = line_w(&c->l), rw = line_w(&c->l2), h;
    if ((h = blk_lines(b, &c->l, 0, y, 1)) < 0)
        return -1;
    if (c->l.n_lines == 1 && c->l2.n_lines == 1 && lw + 12 + rw <= c->iw) {
        double dy = c->l.lines[0].baseline_pt - c->l2.lines[0].baseline_pt;
        if (blk_lines(b, &c->l2, c->iw - rw, y + dy, 0) < 0)
            return -1;
        return fmax(h, dy + c->l2.height_pt);
    }
    double h2 = blk_lines(b, &c->l2, 0, y + h, 1);
    return h2 < 0 ? -1 : h + h2;
}

/* A tick box of SIZE whose bottom sits just below BASELINE. */
static int blk_box(block *b, double x, double baseline, double size)
{
    double top = baseline - size + 0.6;
    blk_grow(b, top + size);
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
        return sp_dl_text(dl, it->face, it->size_pt, it->x_pt + dx,
                          it->y_pt + dy, it->text, it->text_len);
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

static size_t phys(const ctx *c, size_t page)
{
    return page - c->base + 1;
}

/* Left edge of the content box on PAGE: the gutter is on the left of odd
 * (recto) pages. */
static double x0_of(const ctx *c, size_t page)
{
    return phys(c, page) % 2 ? c->margin + c->gutter : c->margin;
}

static sp_dlist *page(ctx *c)
{
    return &c->doc->pages[c->cur];
}

/* Running head (title at the outer edge, section at the inner edge, a
 * rule) and the page number at the outer bottom corner. */
static int frame(ctx *c)
{
    sp_dlist *pg = page(c);
    size_t k = phys(c, c->cur);
    int recto = k % 2 == 1;
    double x0 = x0_of(c, c->cur);
    size_t n = c->tl.n_lines < MAX_RUN_LINES ? c->tl.n_lines : MAX_RUN_LINES;
    int one = c->tl.n_lines == 1;
    double tx = one && recto ? x0 + c->iw - c->run_w : x0;
    if (sp_lines_emit(&c->tl, 0, n, pg, tx, c->margin))
        return -1;
    if (c->section && one) {
        if (lay_plain(c->hf, &c->hl, c->section, c->tiny, SP_STYLE_ITALIC,
                      SP_ALIGN_LEFT, c->iw))
            return -1;
        double w = line_w(&c->hl);
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
    if (lay_plain(c->hf, &c->hl, num(b, (long)k), c->tiny, 0, SP_ALIGN_LEFT,
                  c->iw))
        return -1;
    double w = line_w(&c->hl);
    return sp_lines_emit(&c->hl, 0, c->hl.n_lines, pg,
                         recto ? x0 + c->iw - w : x0,
                         c->ph - c->margin - c->foot_h);
}

/* Copies block B whole onto the current page at the cursor. */
static int put_whole(ctx *c, const block *b)
{
    sp_dlist *pg = page(c);
    double x0 = x0_of(c, c->cur);
    for (size_t i = 0; i < b->dl.n_items; i++)
        if (copy_item(pg, &b->dl.items[i], x0, c->y))
            return -1;
    c->y += b->h;
    return 0;
}

/* Starts a new page (with its frame unless it is the cover). */
static int new_page(ctx *c)
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
    if (lay_plain(c->hf, &c->hl, c->cont, c->small, SP_STYLE_ITALIC,
                  SP_ALIGN_LEFT, c->iw)
        || sp_lines_emit(&c->hl, 0, c->hl.n_lines, page(c),
                         x0_of(c, c->cur), c->y))
        return -1;
    c->y += c->hl.height_pt + 2;
    return 0;
}

/* Places block B at the cursor.  LEAD: the top of B (a gap, a separator)
 * that is left out when B starts a page.  KEEP: move B to the next page
 * rather than split it, unless it is taller than a page.  HEADING: the
 * page stays "fresh" (a following kept block does not leave it alone).
 * The rest of a split block is headed by c->cont when set. */
static int place(ctx *c, const block *b, double lead, int keep, int heading)
{
    double off = 0;
    int placed = 0;
    for (;;) {
        if (!c->have_page && new_page(c))
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
            if (new_page(c))
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
                if (new_page(c))
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
        sp_dlist *pg = page(c);
        double dx = x0_of(c, c->cur), dy = c->y - off;
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
        if (new_page(c) || cont_line(c))
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
static int start_section(ctx *c, const char *title)
{
    c->index_heads = 0;
    c->section = title;
    if (new_page(c))
        return -1;
    if (sp_doc_outline(c->doc, title, c->cur, 0, c->y))
        return -1;
    toc_mark(c, title);
    block *b = &c->b;
    blk_reset(c, b);
    if (lay_plain(c->f, &c->l, title, c->head, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  c->iw))
        return -1;
    double y = blk_lines(b, &c->l, 0, 0, 1);
    if (y < 0)
        return -1;
    y += 3;
    if (blk_rule(b, 0, y, c->iw, 0.8, 0.25))
        return -1;
    b->h = y + 10;
    return place(c, b, 0, 1, 1);
}

/* A paragraph of small italic TEXT (an explanation under a heading). */
static int intro_note(ctx *c, const char *text, double gap_after)
{
    block *b = &c->b;
    blk_reset(c, b);
    if (lay_plain(c->f, &c->l, text, c->small, SP_STYLE_ITALIC,
                  SP_ALIGN_LEFT, c->iw)
        || blk_lines(b, &c->l, 0, 0, 1) < 0)
        return -1;
    b->h += gap_after;
    return place(c, b, 0, 0, 1);
}

/* ---- cover ---- */

/* "LABEL" at Y, then a line to write on, to the right edge (below the
 * label if the label leaves too little room). */
static int fill_line(ctx *c, block *b, const char *label, double y)
{
    if (lay_plain(c->f, &c->l, label, c->sub, 0, SP_ALIGN_LEFT, c->iw))
        return -1;
    double h = blk_lines(b, &c->l, 0, y, 0);
    if (h < 0)
        return -1;
    const sp_line *ln = &c->l.lines[c->l.n_lines - 1];
    double x = ln->width_pt + 6;
    if (x <= c->iw - 60)
        return blk_rule(b, x, y + ln->baseline_pt + 2, c->iw, 0.6, 0.3);
    y += h + c->sub;
    if (blk_rule(b, 0, y, c->iw, 0.6, 0.3))
        return -1;
    blk_grow(b, y + 2);
    return 0;
}

static int build_cover(ctx *c)
{
    const sp_meta *m = &c->pack->meta;
    const sp_schedule *s = c->s;
    if (new_page(c))
        return -1;
    if (sp_doc_outline(c->doc, sp_tr(c->m, "Cover"), c->cur, 0, c->y))
        return -1;
    block *b = &c->b;
    blk_reset(c, b);
    double y = 0.12 * (c->cover_bottom - c->margin);
    double h;
    if (m->company && *m->company) {
        if (lay_plain(c->f, &c->l, m->company, c->sub * 1.1, 0, SP_ALIGN_LEFT,
                      c->iw) || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h + 4;
    }
    /* the title: as large as fits in half the page, 26 pt at most */
    static const double tsizes[] = {26, 24, 22, 20, 18, 16, 14, 12};
    sp_flow_clear(c->f);
    sp_para_opts o = popts(0, SP_STYLE_BOLD, SP_ALIGN_LEFT);
    o.leading = 1.15;
    if (sp_flow_plain(c->f, m->title ? m->title : "", &o)
        || sp_flow_fit(c->f, tsizes, sizeof tsizes / sizeof tsizes[0], c->iw,
                       (c->cover_bottom - c->margin) / 2, &c->l) < 0
        || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
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
        if (lay_spans(c->f, &c->l, sp, n, c->sub * 1.1, SP_ALIGN_LEFT, c->iw)
            || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h;
    }
    y += 12;
    if (blk_rule(b, 0, y, fmin(72, c->iw), 1.5, 0))
        return -1;
    y += 10;
    if (lay_plain(c->f, &c->l, sp_tr(c->m, "Interview prep timeline"),
                  c->body + 1,
                  SP_STYLE_ITALIC, SP_ALIGN_LEFT, c->iw)
        || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
        return -1;
    y += h + 30;
    if (blk_break(b, y))
        return -1;
    if (s && s->has_dates) {
        char d[SP_DATEFMT_BUF];
        fmt_date(c, d, s->interview, SP_DATE_LONG);
        /* TRANSLATORS: the cover's label before the interview date */
        sp_span is[2] = {{0, sp_tr(c->m, "Interview: ")}, {SP_STYLE_BOLD, d}};
        if (lay_spans(c->f, &c->l, is, 2, c->sub * 1.1, SP_ALIGN_LEFT, c->iw)
            || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h;
    } else {
        if (fill_line(c, b, sp_tr(c->m, "Interview date:"), y))
            return -1;
        y = b->h;
    }
    y += 16;
    if (blk_break(b, y) || fill_line(c, b, sp_tr(c->m, "Name:"), y))
        return -1;
    y = b->h + 16;
    if (blk_break(b, y))
        return -1;
    if (s) {
        char line[240];
        pack_counts(c, line, s->n_days, (long)c->pack->n_phases,
                    (long)c->pack->n_questions);
        if (lay_plain(c->f, &c->l, line, c->body, 0, SP_ALIGN_LEFT, c->iw)
            || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h;
        if (s->has_dates && s->n_days > 0) {
            char t[STUDY_BUF];
            if (lay_plain(c->f, &c->l, study_dates(c, t), c->body, 0,
                          SP_ALIGN_LEFT, c->iw)
                || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
                return -1;
        }
    }
    if (place(c, b, 0, 0, 0))
        return -1;
    if (c->n_toc == 0)
        return 0;

    /* contents, at the bottom of the page; numbers are drawn at the end */
    blk_reset(c, b);
    if (lay_plain(c->f, &c->l, sp_tr(c->m, "Contents"), c->body + 1,
                  SP_STYLE_BOLD,
                  SP_ALIGN_LEFT, c->iw)
        || (h = blk_lines(b, &c->l, 0, 0, 0)) < 0)
        return -1;
    y = h + 4;
    double numw = 28;
    for (size_t i = 0; i < c->n_toc; i++) {
        if (lay_plain(c->f, &c->l, c->toc[i].title, c->body, 0,
                      SP_ALIGN_LEFT, c->iw - numw)
            || (h = blk_lines(b, &c->l, 0, y, 0)) < 0)
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
    if (place(c, b, 0, 1, 0))
        return -1;
    for (size_t i = 0; i < c->n_toc; i++) {
        c->toc[i].at_page = c->placed_page;
        c->toc[i].baseline += c->placed_y;
    }
    return 0;
}

/* Draws the contents' page numbers and dotted leaders. */
static int finish_toc(ctx *c)
{
    for (size_t i = 0; i < c->n_toc; i++) {
        const toc_entry *t = &c->toc[i];
        if (t->page == (size_t)-1)
            continue;
        char b[24];
        if (lay_plain(c->f, &c->l, num(b, (long)phys(c, t->page)), c->body,
                      0, SP_ALIGN_LEFT, c->iw))
            return -1;
        sp_dlist *pg = &c->doc->pages[t->at_page];
        double x0 = x0_of(c, t->at_page);
        double w = line_w(&c->l);
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

/* ---- the interview process ---- */

static int build_process(ctx *c)
{
    const sp_pack *p = c->pack;
    if (start_section(c, sp_tr(c->m, "The interview process")))
        return -1;
    block *b = &c->b;
    sp_para_opts o = popts(0, 0, SP_ALIGN_LEFT);
    o.block_gap = 0.6;
    o.item_gap = 0.2;
    if (p->meta.summary.n_blocks) {
        blk_reset(c, b);
        sp_flow_clear(c->f);
        if (sp_flow_blocks(c->f, &p->meta.summary, &o)
            || sp_flow_break(c->f, c->body, c->iw, &c->l)
            || blk_lines(b, &c->l, 0, 0, 1) < 0
            || place(c, b, 0, 0, 0))
            return -1;
    }
    for (size_t r = 0; r < p->n_rounds; r++) {
        const sp_round *rd = &p->rounds[r];
        size_t cards = 0;
        for (size_t q = 0; q < p->n_questions; q++)
            cards += p->questions[q].round == (int)r;
        char meta[192], rr[96], cc[64], a[24], z[24], k[24];
        sp_fill(rr, sizeof rr, sp_tr(c->m, "Round {1} of {2}"),
                num(a, (long)r + 1), num(z, (long)p->n_rounds), NULL);
        sp_fill(cc, sizeof cc, sp_trn(c->m, "{1} card", "{1} cards",
                                      (unsigned long)cards),
                num(k, (long)cards), NULL, NULL);
        snprintf(meta, sizeof meta, "%s" MIDDOT "%s", rr, cc);
        blk_reset(c, b);
        double lead = (r > 0 || p->meta.summary.n_blocks) ? 12 : 0;
        sp_flow_clear(c->f);
        sp_para_opts h = popts(c->sub, SP_STYLE_BOLD, SP_ALIGN_LEFT);
        h.keep_with_next = 1;
        sp_para_opts mo = popts(c->small, SP_STYLE_ITALIC, SP_ALIGN_LEFT);
        mo.keep_with_next = 1;
        mo.gap_before = 0.2;
        sp_para_opts bo = o;
        bo.gap_before = 0.5;
        if (sp_flow_plain(c->f, rd->name ? rd->name : rd->id, &h)
            || sp_flow_plain(c->f, meta, &mo)
            || (rd->desc.n_blocks && sp_flow_blocks(c->f, &rd->desc, &bo))
            || sp_flow_break(c->f, c->body, c->iw, &c->l)
            || blk_lines(b, &c->l, 0, lead, 1) < 0
            || place(c, b, lead, 1, 0))
            return -1;
    }
    return 0;
}

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
    day_range(c, r, ps->first_day, last, 0);
    date_range(c, d, ps->first_day, last, 0);
    const char *title = p < c->pack->n_phases ? c->pack->phases[p].title
                                              : NULL;
    sp_span sp[5] = {{SP_STYLE_BOLD, title ? title : ""}, {0, "   "},
                     {0, r}, {0, MIDDOT}, {0, d}};
    return lay_spans(c->f, &c->l, sp, *d ? 5 : 3, c->small, SP_ALIGN_LEFT,
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
    return sp_fill(b, cap, sp_tr(c->m, "W{1}"), num(n, wk), NULL, NULL);
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
                fmt_date(c, d, s->interview, SP_DATE_DAY), NULL, NULL);
    } else {
        snprintf(t, sizeof t, "%s", sp_tr(c->m, "Interview"));
    }
    if (lay_plain(c->f, &c->l, t, c->tiny, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  c->iw))
        return -1;
    double w = line_w(&c->l);
    double x = fmin(fmax(xm - w / 2, 0), c->iw - w);
    if (blk_lines(b, &c->l, x, 0, 0) < 0)
        return -1;
    /* week labels: "W1" (and the week's first date) */
    int weeks = (g->n + 6) / 7;
    for (int wk = 1; wk <= weeks; wk += g->step) {
        double wx = 7.0 * (wk - 1) * g->unit;
        week_tick(c, t, sizeof t, wk);
        if (lay_plain(c->f, &c->l, t, lab, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                      c->iw))
            return -1;
        double lw = line_w(&c->l), lh = c->l.height_pt;
        if (wx + 1.5 + lw > c->iw)
            break;
        if (blk_lines(b, &c->l, wx + 1.5, g->inter_h, 0) < 0)
            return -1;
        if (s->has_dates) {
            sp_date d = sp_date_add_days(s->first_day, 7L * (wk - 1));
            fmt_date(c, t, d, SP_DATE_SHORT);
            if (lay_plain(c->f, &c->l, t, lab, 0, SP_ALIGN_LEFT, c->iw))
                return -1;
            if (wx + 1.5 + line_w(&c->l) <= c->iw
                && blk_lines(b, &c->l, wx + 1.5, g->inter_h + lh, 0) < 0)
                return -1;
        }
    }
    return blk_rule(b, 0, g->axis_y, c->iw, 0.6, 0.3);
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
    double lx = 0, lw = line_w(&c->l);
    if (c->l.n_lines == 1)
        lx = fmax(0, fmin(bx, fmin(c->iw, g->n * g->unit - 2) - lw));
    double h = blk_lines(b, &c->l, lx, y, 0);
    if (h < 0)
        return -1;
    double by = y + h + 1.5;
    if (sp_dl_rect(&b->dl, bx, by, bw, BAR_H, 0.5, 0, 0.72))
        return -1;
    if (g->unit >= 2.5)
        for (int d = ps->first_day; d < ps->first_day + ps->n_days; d++)
            if (d >= 1 && d <= c->s->n_days && c->s->days[d - 1].is_rest
                && sp_dl_rect(&b->dl, (d - 1) * g->unit + 0.8, by + 0.8,
                              g->unit - 1.6, BAR_H - 1.6, 0, 0, 1))
                return -1;
    blk_grow(b, by + BAR_H + ROW_GAP);
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
    if (lay_plain(c->f, &c->l, t, lab, SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw))
        return -1;
    double maxw = line_w(&c->l), lh = c->l.height_pt;
    /* the widest week date decides how many weeks a label spans */
    for (int wk = 1; s->has_dates && wk <= weeks; wk++) {
        fmt_date(c, t, sp_date_add_days(s->first_day, 7L * (wk - 1)),
                 SP_DATE_SHORT);
        if (lay_plain(c->f, &c->l, t, lab, 0, SP_ALIGN_LEFT, c->iw))
            return -1;
        maxw = fmax(maxw, line_w(&c->l));
    }
    g.step = 1;
    while (g.step * 7 * g.unit < maxw + 4 && g.step < weeks)
        g.step++;
    if (lay_plain(c->f, &c->l, sp_tr(c->m, "Interview"), c->tiny,
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
            if (new_page(c))
                return -1;
            continue;
        }
        /* the grid first, so bars and labels are drawn over it */
        block *b = &c->chunk;
        blk_reset(c, b);
        if (chart_axis(c, b, &g) || chart_grid(c, b, &g, h - ROW_GAP + 3))
            return -1;
        double y = g.rows_y;
        for (size_t p = i; p < j; p++) {
            if (chart_row(c, b, &g, p, y))
                return -1;
            y = b->h;
        }
        b->h = y + 4;
        if (place(c, b, 0, 1, 0))
            return -1;
        i = j;
    }
    return 0;
}

static int build_overview(ctx *c)
{
    const sp_schedule *s = c->s;
    const sp_pack *p = c->pack;
    if (start_section(c, sp_tr(c->m, "Timeline overview")))
        return -1;
    int rest = 0;
    for (int k = 0; k < s->n_days; k++)
        rest += s->days[k].is_rest != 0;
    char line[STUDY_BUF + 96], counts[240], rd[64], r[24];
    pack_counts(c, counts, s->n_days, (long)s->n_phases,
                (long)p->n_questions);
    sp_fill(rd, sizeof rd, sp_trn(c->m, "{1} rest day", "{1} rest days",
                                  (unsigned long)rest),
            num(r, rest), NULL, NULL);
    snprintf(line, sizeof line, "%s%s%s", counts, rest ? MIDDOT : "",
             rest ? rd : "");
    block *b = &c->b;
    blk_reset(c, b);
    sp_flow_clear(c->f);
    sp_para_opts lo = popts(c->body, 0, SP_ALIGN_LEFT);
    if (sp_flow_plain(c->f, line, &lo))
        return -1;
    if (s->has_dates) {
        char d3[SP_DATEFMT_BUF];
        if (sp_flow_plain(c->f, study_dates(c, line), &lo))
            return -1;
        sp_fill(line, sizeof line, sp_tr(c->m, "Interview on {1}"),
                fmt_date(c, d3, s->interview, SP_DATE_LONG), NULL, NULL);
        if (sp_flow_plain(c->f, line, &lo))
            return -1;
    }
    if (sp_flow_break(c->f, c->body, c->iw, &c->l)
        || blk_lines(b, &c->l, 0, 0, 1) < 0)
        return -1;
    b->h += 10;
    if (place(c, b, 0, 0, 1) || build_chart(c))
        return -1;
    if (intro_note(c, sp_tr(c->m, "Each bar is a phase of the plan; gaps in "
                               "a bar are rest days. W1, W2, ... mark the "
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
        day_range(c, rg, ps->first_day, last, 0);
        date_range(c, dr, ps->first_day, last, 1);
        sp_span sp[2] = {{SP_STYLE_BOLD, head},
                         {SP_STYLE_BOLD, pp->title ? pp->title : ""}};
        sp_span sd[3] = {{0, rg}, {0, *dr ? MIDDOT : ""}, {0, dr}};
        blk_reset(c, b);
        double lead = 8, h;
        if (lay_spans(c->f, &c->l, sp, 2, c->body + 0.5, SP_ALIGN_LEFT,
                      c->iw)
            || lay_spans(c->f2, &c->l2, sd, 3, c->small, SP_ALIGN_LEFT,
                         c->iw)
            || (h = blk_pair(c, b, lead)) < 0)
            return -1;
        double y = lead + h + 1;
        for (size_t t = 0; t < pp->n_tasks; t++) {
            const sp_task *tk = &pp->tasks[t];
            char lab[160], tr[64];
            day_range(c, tr, ps->task_first[t], ps->task_last[t], 1);
            /* TRANSLATORS: a task's kind and days: "study, days 1–2: " */
            sp_fill(lab, sizeof lab, sp_tr(c->m, "{1}, {2}: "),
                    sp_msgs_task_kind(c->m, tk->kind), tr, NULL);
            if (need_spans(c, tk->text.n_spans + 1))
                return -1;
            c->spans[0] = (sp_span){SP_STYLE_ITALIC, lab};
            memcpy(c->spans + 1, tk->text.spans,
                   tk->text.n_spans * sizeof(sp_span));
            if (blk_break(b, y)
                || lay_spans(c->f, &c->l, c->spans, tk->text.n_spans + 1,
                             c->task, SP_ALIGN_LEFT, c->iw - 10)
                || (h = blk_lines(b, &c->l, 10, y, 1)) < 0)
                return -1;
            y += h + 1;
        }
        b->h = y;
        if (place(c, b, lead, 1, 0))
            return -1;
    }
    return 0;
}

/* ---- the day-by-day plan ---- */

/* Lays out card QI's label "#N id" into c->l, at most WIDTH wide;
 * returns the item's width with its tick box, or -1. */
static double card_item(ctx *c, size_t qi, double width)
{
    const sp_question *q = &c->pack->questions[qi];
    char nb[24];
    snprintf(nb, sizeof nb, "#%d ", q->number);
    sp_span sp[2] = {{SP_STYLE_BOLD, nb}, {0, q->id ? q->id : ""}};
    if (lay_spans(c->f, &c->l, sp, 2, c->small, SP_ALIGN_LEFT, width))
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
    if (blk_break(b, y)
        || lay_plain(c->f, &c->l, label, c->small, SP_STYLE_BOLD,
                     SP_ALIGN_LEFT, x1)
        || blk_lines(b, &c->l, 0, y, 0) < 0)
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
            if (blk_break(b, row_top))
                return -1;
        }
        double x = x1 + col * cell;
        if (blk_box(b, x, row_top + c->l.lines[0].baseline_pt, box)
            || blk_lines(b, &c->l, x + box + gap, row_top, 1) < 0)
            return -1;
        row_h = fmax(row_h, c->l.height_pt);
        col += cells;
        if (multi || col >= CARD_STOPS) {
            row_top += row_h;
            row_h = 0;
            col = 0;
            if (i + 1 < n && blk_break(b, row_top))
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
    blk_reset(c, b);
    double y = 0, h;
    int week = (day->number - 1) / 7 + 1;
    *lead = 0;
    if ((day->number - 1) % 7 == 0) {
        char wk[64], rg[64], dr[DATE_RANGE_BUF], wn[24];
        int last = day->number + 6 > s->n_days ? s->n_days : day->number + 6;
        sp_fill(wk, sizeof wk, sp_tr(c->m, "Week {1}"), num(wn, week), NULL,
                NULL);
        day_range(c, rg, day->number, last, 0);
        date_range(c, dr, day->number, last, 0);
        sp_span sp[3] = {{SP_STYLE_BOLD, wk}, {0, "   "},
                         {0, *dr ? dr : rg}};
        if (day->number > 1)
            y = *lead = 14;
        if (lay_spans(c->f, &c->l, sp, 3, c->sub, SP_ALIGN_LEFT, c->iw)
            || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
            return -1;
        y += h + 2;
        if (blk_rule(b, 0, y, c->iw, 0.7, 0.35))
            return -1;
        y += 5;
    } else {
        if (blk_rule(b, 0, 3, c->iw, HAIR_PT, HAIR_GRAY))
            return -1;
        y = *lead = 7;
    }

    /* date (or day) at the left, day and phase at the right */
    char left[SP_DATEFMT_BUF], right[96];
    if (s->has_dates)
        fmt_date(c, left, day->date, SP_DATE_DAY);
    else
        day_range(c, left, day->number, day->number, 0);
    /* TRANSLATORS: heads the rest of a day that runs over to the next page */
    sp_fill(c->cont_buf, sizeof c->cont_buf, sp_tr(c->m, "{1}, continued"),
            left, NULL, NULL);
    const sp_phase *ph = day->phase < p->n_phases ? &p->phases[day->phase]
                                                  : NULL;
    const char *ptitle = ph && ph->title ? ph->title : "";
    right[0] = '\0';
    if (s->has_dates) {
        day_range(c, right, day->number, day->number, 0);
        strcat(right, MIDDOT);
    }
    char tail[96] = "", restw[64] = "";
    if (!s->has_dates && ph) {
        char x[24], z[24], t2[80];
        sp_fill(t2, sizeof t2, sp_tr(c->m, "day {1} of {2}"),
                num(x, day->day_in_phase + 1), num(z, ph->days), NULL);
        snprintf(tail, sizeof tail, MIDDOT "%s", t2);
    }
    if (day->is_rest)
        snprintf(restw, sizeof restw, MIDDOT "%s", sp_tr(c->m, "rest day"));
    sp_span rs[4] = {{SP_STYLE_ITALIC, right}, {SP_STYLE_ITALIC, ptitle},
                     {SP_STYLE_ITALIC, tail}, {SP_STYLE_BOLD, restw}};
    if (lay_plain(c->f, &c->l, left, c->dayhead, SP_STYLE_BOLD,
                  SP_ALIGN_LEFT, c->iw)
        || lay_spans(c->f2, &c->l2, rs, 4, c->small, SP_ALIGN_LEFT, c->iw))
        return -1;
    if ((h = blk_pair(c, b, y)) < 0)
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
        if (need_spans(c, tk->text.n_spans + 1))
            return -1;
        c->spans[0] = (sp_span){SP_STYLE_ITALIC, lab};
        memcpy(c->spans + 1, tk->text.spans,
               tk->text.n_spans * sizeof(sp_span));
        if (blk_break(b, y)
            || lay_spans(c->f, &c->l, c->spans, tk->text.n_spans + 1, c->task,
                         SP_ALIGN_LEFT, c->iw - tx)
            || blk_box(b, BOX_LINE_PT / 2, y + c->l.lines[0].baseline_pt,
                       box)
            || (h = blk_lines(b, &c->l, tx, y, 1)) < 0)
            return -1;
        y += h + 0.5;
    }

    /* notes */
    const char *note = NULL;
    if (day->is_rest)
        note = sp_tr(c->m, "Rest day: no new cards and no reviews.");
    else if (day->is_final)
        note = s->final_level == SP_DIFF_HARD
                   ? sp_tr(c->m, "Final review: go over the hardest cards "
                                 "again (every hard card so far).")
               : s->final_level == SP_DIFF_MEDIUM
                   ? sp_tr(c->m, "Final review: go over the hardest cards "
                                 "again (every medium card so far).")
                   : sp_tr(c->m, "Final review: go over every card so far.");
    if (note) {
        if (blk_break(b, y)
            || lay_plain(c->f, &c->l, note, c->small, SP_STYLE_ITALIC,
                         SP_ALIGN_LEFT, c->iw)
            || (h = blk_lines(b, &c->l, 0, y, 1)) < 0)
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

static int build_plan(ctx *c)
{
    const sp_schedule *s = c->s;
    if (start_section(c, sp_tr(c->m, "Day-by-day plan")))
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
    if (intro_note(c, note, 6))
        return -1;
    for (int k = 0; k < s->n_days; k++) {
        const sp_day *day = &s->days[k];
        double lead;
        if (day_block(c, day, &lead))
            return -1;
        c->cont = c->cont_buf;
        int rc = place(c, &c->b, lead, 1, 0);
        c->cont = NULL;
        if (rc)
            return -1;
        if ((day->number - 1) % 7 == 0) {
            char t[DATE_RANGE_BUF + 96], rg[64], dr[DATE_RANGE_BUF], wn[24];
            int last = day->number + 6 > s->n_days ? s->n_days
                                                   : day->number + 6;
            day_range(c, rg, day->number, last, 0);
            date_range(c, dr, day->number, last, 0);
            /* TRANSLATORS: an outline entry: "Week 2 (Dec 3 – Dec 9)" */
            sp_fill(t, sizeof t, sp_tr(c->m, "Week {1} ({2})"),
                    num(wn, (day->number - 1) / 7 + 1), *dr ? dr : rg, NULL);
            /* the heading's top: the lead is above it, placed or not */
            if (sp_doc_outline(c->doc, t, c->placed_page, 1,
                               c->placed_y + lead))
                return -1;
        }
    }
    return 0;
}

/* ---- the question index ---- */

typedef struct {
    double nw, qx, qw, cbox, cgap, cx;
} index_geom;

static void index_geometry(ctx *c, index_geom *g)
{
    char t[32];
    snprintf(t, sizeof t, "#%zu", c->pack->n_questions);
    g->nw = 16;
    if (lay_plain(c->f, &c->l, t, c->small, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  c->iw) == 0)
        g->nw = fmax(g->nw, line_w(&c->l));
    g->cbox = c->small;
    g->cgap = 4.5;
    g->cx = c->iw - (3 * g->cbox + 2 * g->cgap) - BOX_LINE_PT / 2;
    g->qx = g->nw + 6;
    g->qw = g->cx - 8 - g->qx;
}

static int index_heads(ctx *c, const index_geom *g)
{
    block *b = &c->idx_head;
    blk_reset(c, b);
    double lab = c->tiny;
    if (lay_plain(c->f, &c->l, "#", lab, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  g->nw)
        || blk_lines(b, &c->l, g->nw - line_w(&c->l), 0, 0) < 0)
        return -1;
    char rest[128];
    snprintf(rest, sizeof rest, MIDDOT "%s" MIDDOT "%s",
             sp_tr(c->m, "round"), sp_tr(c->m, "difficulty"));
    /* TRANSLATORS: the question index's column head */
    sp_span sp[2] = {{SP_STYLE_BOLD, sp_tr(c->m, "Question")}, {0, rest}};
    if (lay_spans(c->f, &c->l, sp, 2, lab, SP_ALIGN_LEFT, g->qw)
        || blk_lines(b, &c->l, g->qx, 0, 0) < 0)
        return -1;
    static const char *const nums[3] = {"1", "2", "3"};
    for (int k = 0; k < 3; k++) {
        if (lay_plain(c->f, &c->l, nums[k], lab, SP_STYLE_BOLD,
                      SP_ALIGN_LEFT, c->iw))
            return -1;
        double bx = g->cx + k * (g->cbox + g->cgap);
        if (blk_lines(b, &c->l, bx + (g->cbox - line_w(&c->l)) / 2, 0, 0)
            < 0)
            return -1;
    }
    double y = b->h + 2;
    if (blk_rule(b, 0, y, c->iw, 0.6, 0.35))
        return -1;
    b->h = y + 3;
    return 0;
}

static int index_row(ctx *c, const index_geom *g, const sp_question *q)
{
    block *b = &c->b;
    blk_reset(c, b);
    double pad = 2.5, h;
    char nb[24];
    snprintf(nb, sizeof nb, "#%d", q->number);
    if (lay_plain(c->f, &c->l, nb, c->small, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                  g->nw + 6))
        return -1;
    double base0 = c->l.lines[0].baseline_pt;
    if (blk_lines(b, &c->l, fmax(0, g->nw - line_w(&c->l)), pad, 0) < 0)
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
    sp_para_opts mo = popts(c->small, 0, SP_ALIGN_LEFT);
    sp_para_opts po = popts(c->task, 0, SP_ALIGN_LEFT);
    po.gap_before = 0.15;
    /* the prompt column is narrow: long words are hyphenated */
    sp_flow_hyphenate(c->f, c->o.hyphen);
    int bad = sp_flow_text(c->f, &mt, &mo)
              || (q->prompt.n_spans && sp_flow_text(c->f, &q->prompt, &po))
              || sp_flow_break(c->f, c->small, g->qw, &c->l);
    sp_flow_hyphenate(c->f, NULL);
    if (bad || (h = blk_lines(b, &c->l, g->qx, pad, 1)) < 0)
        return -1;
    double first_base = c->l.n_lines ? c->l.lines[0].baseline_pt : base0;
    for (int k = 0; k < 3; k++)
        if (blk_box(b, g->cx + k * (g->cbox + g->cgap), pad + first_base,
                    g->cbox))
            return -1;
    double y = b->h + pad;
    if (blk_rule(b, 0, y, c->iw, HAIR_PT, HAIR_GRAY))
        return -1;
    b->h = y + HAIR_PT;
    return 0;
}

static int build_index(ctx *c)
{
    if (start_section(c, sp_tr(c->m, "Question index")))
        return -1;
    if (intro_note(c, sp_tr(c->m, "Tick a box after each review: 1 = shaky, "
                                  "2 = getting there, 3 = solid."), 6))
        return -1;
    index_geom g;
    index_geometry(c, &g);
    if (index_heads(c, &g))
        return -1;
    if (place(c, &c->idx_head, 0, 1, 1))
        return -1;
    c->index_heads = 1;
    for (size_t i = 0; i < c->pack->n_questions; i++)
        if (index_row(c, &g, &c->pack->questions[i])
            || place(c, &c->b, 0, 1, 0))
            return -1;
    c->index_heads = 0;
    return 0;
}

/* ---- tips ---- */

static int build_tips(ctx *c)
{
    const sp_pack *p = c->pack;
    if (start_section(c, sp_tr(c->m, "Tips")))
        return -1;
    block *b = &c->b;
    for (size_t i = 0; i < p->n_tips; i++) {
        const sp_tip_section *t = &p->tips[i];
        double lead = i ? 12 : 0;
        blk_reset(c, b);
        sp_flow_clear(c->f);
        sp_para_opts h = popts(c->sub, SP_STYLE_BOLD, SP_ALIGN_LEFT);
        h.keep_with_next = 1;
        sp_para_opts o = popts(0, 0, SP_ALIGN_LEFT);
        o.item_gap = 0.35;
        o.gap_before = 0.5;
        if (sp_flow_plain(c->f, t->title ? t->title : "", &h)
            || (t->n_tips && sp_flow_list(c->f, t->tips, t->n_tips, 0, &o))
            || sp_flow_break(c->f, c->body, c->iw, &c->l)
            || blk_lines(b, &c->l, 0, lead, 1) < 0
            || place(c, b, lead, 1, 0))
            return -1;
    }
    return 0;
}

/* ---- notes ---- */

static int notes_lines(ctx *c)
{
    sp_dlist *pg = page(c);
    double x0 = x0_of(c, c->cur);
    for (double y = c->y + NOTE_LINE_PT; y <= c->page_bottom + EPS;
         y += NOTE_LINE_PT)
        if (sp_dl_line(pg, x0, y, x0 + c->iw, y, HAIR_PT, 0.7, 0))
            return -1;
    c->y = c->page_bottom;
    return 0;
}

static int build_notes(ctx *c)
{
    size_t n = c->doc->n_pages - c->base;
    size_t pad = (4 - n % 4) % 4;
    for (size_t k = 0; k < pad; k++) {
        if (k == 0) {
            if (start_section(c, sp_tr(c->m, "Notes")))
                return -1;
        } else if (new_page(c)) {
            return -1;
        }
        if (notes_lines(c))
            return -1;
    }
    return 0;
}

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
    blk_free(&c->b);
    blk_free(&c->chunk);
    blk_free(&c->idx_head);
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
    blk_init(&c->b);
    blk_init(&c->chunk);
    blk_init(&c->idx_head);
    sp_lines *ls[] = {&c->l, &c->l2, &c->hl, &c->tl};
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        sp_lines_init(ls[i]);
    /* the running head's title: one line, shortened if need be */
    char *run_title = NULL;
    int short_title = one_line_text(fonts, o->title, c->tiny,
                                    c->iw > 0 ? c->iw : 1, &run_title);
    int rc_title = short_title < 0
                   || !(c->df = sp_datefmt_new(sp_msgs_lang(c->m)))
                   || !(c->f = sp_flow_new(fonts))
                   || !(c->f2 = sp_flow_new(fonts))
                   || !(c->hf = sp_flow_new(fonts))
                   || !(c->tf = sp_flow_new(fonts))
                   || lay_plain(c->tf, &c->tl, run_title, c->tiny, 0,
                                SP_ALIGN_LEFT, c->iw > 0 ? c->iw : 1);
    free(run_title);
    if (rc_title
        || lay_plain(c->hf, &c->hl, "0", c->tiny, 0, SP_ALIGN_LEFT,
                     c->iw > 0 ? c->iw : 1)) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    size_t nl = c->tl.n_lines < MAX_RUN_LINES ? c->tl.n_lines
                                              : MAX_RUN_LINES;
    c->run_h = nl ? c->tl.lines[nl - 1].bottom_pt : c->hl.height_pt;
    c->run_w = line_w(&c->tl);
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
    if (lay_plain(c->f, &c->l, sp_tr(c->m, "Review:"), c->small,
                  SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw)
        || (w1 = line_w(&c->l), lay_plain(c->f, &c->l, sp_tr(c->m, "New:"),
                                           c->small,
                                           SP_STYLE_BOLD, SP_ALIGN_LEFT,
                                           c->iw))) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    c->card_label_w = fmax(w1, line_w(&c->l)) + 5;
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
    int rc = build_cover(&c);
    if (!rc && has_process)
        rc = build_process(&c);
    if (!rc && has_plan)
        rc = build_overview(&c) || build_plan(&c);
    if (!rc && has_index)
        rc = build_index(&c);
    if (!rc && has_tips)
        rc = build_tips(&c);
    if (!rc)
        rc = build_notes(&c) || finish_toc(&c)
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
