/* cards.c - the card page builder (see cards.h).
 *
 * A card side is: a header line at the top of the inner box (round line at
 * the left on fronts, corner "#N id" at the right), a footer at the bottom
 * (thin rule, pack title), and a body between them.  Bodies are flows
 * (text.h) fitted by sp_flow_fit; the footer is laid out once per build.
 */
#include "cards.h"
#include "msg.h"
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_PAD_MM 5.0
#define HEADER_GAP_PT 4.0      /* header to body */
#define FOOTER_GAP_PT 3.0      /* body to footer rule */
#define RULE_GAP_PT 2.0        /* footer rule to footer text */
#define RULE_PT 0.4
#define RULE_GRAY 0.6
#define SIDE_GAP_PT 6.0        /* between round line and corner */
#define MAX_SIZES 64
#define CONT_MAX_PT 11.0       /* prompt repeated on a follow-on front */
#define MIN_PART_FILL 0.5      /* block splits must fill this much */
#define DEF_MIN_PT 8.0         /* reading size: answers, headings, prompts */
#define DEF_BACK_MAX_PT 14.0   /* the largest answer text */
#define DEF_FRONT_MAX_PT 22.0  /* the largest prompt */
#define CUE_SCALE 0.8          /* the cue above the prompt */
/* Balancing the parts of a split answer: cutting inside a paragraph or
 * list item costs as much as parts this much (of the mean) apart, and a
 * part of one or two lines is avoided whenever the answer has more. */
#define LINE_CUT_COST 0.3
#define SHORT_PART_LINES 2
#define MAX_EVEN_PARTS 8       /* longer answers are split greedily */

typedef struct {
    int side_by_side;          /* round line and corner on one line */
    double corner_h, h;        /* corner height, header height */
} header_geom;

typedef struct {
    const sp_pack *pack;
    const sp_fonts *fonts;
    sp_diags *d;
    sp_doc *doc;
    sp_card_opts o;
    double x0, y0, iw, ih;     /* inner box */
    double rule_y, body_bottom;
    double front_sizes[MAX_SIZES], back_sizes[MAX_SIZES];
    double cont_sizes[MAX_SIZES];
    size_t n_front, n_back, n_cont;
    sp_flow *front, *back, *cont, *corner, *meta, *footer, *note;
    sp_lines l_front, l_back, l_cont, l_corner, l_meta, l_footer, l_note;
    sp_lines l_try;            /* a layout being tried by fit_side */
    double *dp_cost;           /* balanced_cuts' tables */
    size_t *dp_from, *dp_bounds, cap_dp, cap_bounds;
    size_t *cuts_front, *cuts_back;   /* part ends, as line indexes */
    size_t n_cuts_front, n_cuts_back, cap_cuts_front, cap_cuts_back;
    const char *sep;           /* between round and difficulty */
    const char *ellipsis;      /* ends a shortened label */
    char *corner_buf, *meta_buf, *meta2_buf, *id_buf;
    size_t cap_corner, cap_meta, cap_meta2, cap_id;
} ctx;

/* Fills SIZES with max, max - step, ..., min (min always last); count. */
static size_t make_sizes(double *sizes, double max, double min, double step)
{
    if (max < min)
        max = min;
    size_t n = 0;
    if (step <= 0)
        step = 0.5;
    while ((max - min) / step + 1 > MAX_SIZES)
        step *= 2;
    for (double s = max; s > min + 1e-9 && n < MAX_SIZES - 1; s -= step)
        sizes[n++] = s;
    sizes[n++] = min;
    return n;
}

/* Sets *buf to the concatenation of the NULL-terminated strings that
 * follow (growing it as needed); returns it, or NULL. */
static char *concat(char **buf, size_t *cap, ...)
{
    va_list ap;
    size_t n = 1;
    va_start(ap, cap);
    for (const char *x; (x = va_arg(ap, const char *));)
        n += strlen(x);
    va_end(ap);
    if (n > *cap) {
        char *p = realloc(*buf, n + 32);
        if (!p)
            return NULL;
        *buf = p;
        *cap = n + 32;
    }
    char *o = *buf;
    va_start(ap, cap);
    for (const char *x; (x = va_arg(ap, const char *));) {
        size_t k = strlen(x);
        memcpy(o, x, k);
        o += k;
    }
    va_end(ap);
    *o = '\0';
    return *buf;
}

/* Writes V in decimal into B (at least 24 bytes); returns B. */
static char *itoa_buf(char *b, long v)
{
    char tmp[24];
    size_t n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t k = 0;
    if (v < 0)
        b[k++] = '-';
    while (n)
        b[k++] = tmp[--n];
    b[k] = '\0';
    return b;
}

static sp_para_opts popts(const ctx *c, double scale, double size_pt,
                          unsigned style, sp_align align, double gap)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.scale = scale;
    o.size_pt = size_pt;
    o.style = style;
    o.align = align;
    o.gap_before = gap;
    o.total_fit = !c->o.first_fit;   /* card text: even lines */
    return o;
}

/* Lays out one small fixed-size line of TEXT (may wrap) into FLOW/L. */
static int small_text(ctx *c, sp_flow *flow, sp_lines *l, const char *text,
                      double size_pt, unsigned style, sp_align align)
{
    sp_flow_clear(flow);
    if (text && *text) {
        sp_para_opts o = popts(c, 1, size_pt, style, align, 0);
        if (sp_flow_plain(flow, text, &o))
            return -1;
    }
    return sp_flow_break(flow, size_pt, c->iw, l);
}

/* Geometry of a header from the corner and round lines laid out last
 * (WITH_META 0: the corner alone, as on backs). */
static void header_geometry(const ctx *c, int with_meta, header_geom *g)
{
    const sp_lines *lc = &c->l_corner, *lm = &c->l_meta;
    g->corner_h = lc->height_pt;
    g->side_by_side = !with_meta || lm->n_lines == 0;
    if (!g->side_by_side && lm->n_lines == 1 && lc->n_lines == 1
        && lc->n_runs > 0) {
        double corner_w = c->iw - lc->runs[0].x_pt;
        g->side_by_side = lm->lines[0].width_pt + SIDE_GAP_PT + corner_w
                          <= c->iw;
    }
    if (!with_meta)
        g->h = lc->height_pt;
    else
        g->h = g->side_by_side ? fmax(lc->height_pt, lm->height_pt)
                               : lc->height_pt + lm->height_pt;
}

/* Draws the corner (and the round line if WITH_META), arranged as G. */
static int header_draw(ctx *c, const header_geom *g, int with_meta,
                       sp_dlist *dl)
{
    if (sp_lines_emit(&c->l_corner, 0, c->l_corner.n_lines, dl, c->x0,
                      c->y0))
        return -1;
    if (!with_meta)
        return 0;
    double my = g->side_by_side ? c->y0 : c->y0 + g->corner_h;
    return sp_lines_emit(&c->l_meta, 0, c->l_meta.n_lines, dl, c->x0, my);
}

static int footer_draw(ctx *c, sp_dlist *dl)
{
    if (sp_dl_line(dl, c->x0, c->rule_y, c->x0 + c->iw, c->rule_y, RULE_PT,
                   RULE_GRAY, 0))
        return -1;
    return sp_lines_emit(&c->l_footer, 0, c->l_footer.n_lines, dl, c->x0,
                         c->rule_y + RULE_GAP_PT);
}

/* Appends END to a cut list. */
static int push_cut(size_t **cuts, size_t *n, size_t *cap, size_t end)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        size_t *p = realloc(*cuts, ncap * sizeof *p);
        if (!p)
            return -1;
        *cuts = p;
        *cap = ncap;
    }
    (*cuts)[(*n)++] = end;
    return 0;
}

/* Splits lines L into parts: the last part may use AVAIL_LAST, the others
 * AVAIL_MORE (room is kept for the continuation note).  Prefers a cut
 * before a paragraph or list item that fills at least half a part, then
 * any allowed line boundary.  Part ends go to *cuts. */
static int split_parts(const sp_lines *l, double avail_last,
                       double avail_more, size_t **cuts, size_t *n_cuts,
                       size_t *cap)
{
    *n_cuts = 0;
    size_t s = 0, n = l->n_lines;
    while (s < n) {
        if (sp_lines_range_height_pt(l, s, n) <= avail_last)
            return push_cut(cuts, n_cuts, cap, n);
        size_t e = s + 1;
        while (e < n && sp_lines_range_height_pt(l, s, e + 1) <= avail_more)
            e++;
        size_t best = 0;
        if (e < n) {
            for (size_t k = e; k > s && !best; k--)
                if (l->lines[k].split == SP_SPLIT_BLOCK
                    && sp_lines_range_height_pt(l, s, k)
                           >= MIN_PART_FILL * avail_more)
                    best = k;
            for (size_t k = e; k > s && !best; k--)
                if (l->lines[k].split != SP_SPLIT_NEVER)
                    best = k;
        }
        if (!best)
            best = e;
        if (push_cut(cuts, n_cuts, cap, best))
            return -1;
        s = best;
    }
    return 0;
}

/* Builds the front body flow: cue above prompt, centred. */
static int front_flow(ctx *c, const sp_question *q)
{
    sp_flow_clear(c->front);
    if (q->cue.n_spans > 0) {
        sp_para_opts o = popts(c, CUE_SCALE, 0, SP_STYLE_ITALIC,
                               SP_ALIGN_CENTER, 0);
        if (sp_flow_text(c->front, &q->cue, &o))
            return -1;
    }
    sp_para_opts o = popts(c, 1, 0, 0, SP_ALIGN_CENTER, 0.35);
    return sp_flow_text(c->front, &q->prompt, &o);
}

/* Builds the back body flow: answer, then the follow-ups. */
static int back_flow(ctx *c, const sp_question *q)
{
    sp_flow_clear(c->back);
    sp_para_opts o = popts(c, 1, 0, 0, SP_ALIGN_LEFT, 0);
    o.block_gap = 0.5;
    o.item_gap = 0.2;
    if (sp_flow_blocks(c->back, &q->answer, &o))
        return -1;
    if (q->n_followups == 0)
        return 0;
    /* the heading at the body's size (bold), so it never drops below the
     * reading size and keeps its proportion at every size */
    sp_para_opts h = popts(c, 1, 0, SP_STYLE_BOLD, SP_ALIGN_LEFT,
                           q->answer.n_blocks ? 0.8 : 0);
    h.keep_with_next = 1;
    /* TRANSLATORS: the heading over a card's follow-up questions */
    if (sp_flow_plain(c->back, sp_tr(c->o.msgs, "Follow-ups"), &h))
        return -1;
    o.gap_before = 0.25;
    return sp_flow_list(c->back, q->followups, q->n_followups, 0, &o);
}

/* Builds the front of a follow-on card: which question it continues and
 * the prompt repeated small (only the note if the prompt cannot fit). */
static int cont_flow(ctx *c, const sp_question *q, int number, double h)
{
    char note[128], nb[24];
    snprintf(nb, sizeof nb, "%d", number);
    /* TRANSLATORS: heads a follow-on card; {1} is the card number */
    sp_fill(note, sizeof note, sp_tr(c->o.msgs, "Question #{1}, continued"),
            nb, NULL, NULL);
    for (int with_prompt = 1; with_prompt >= 0; with_prompt--) {
        sp_flow_clear(c->cont);
        sp_para_opts o = popts(c, 1, 0, SP_STYLE_ITALIC, SP_ALIGN_CENTER, 0);
        if (sp_flow_plain(c->cont, note, &o))
            return -1;
        if (with_prompt) {
            o = popts(c, 1, 0, 0, SP_ALIGN_CENTER, 0.6);
            if (sp_flow_text(c->cont, &q->prompt, &o))
                return -1;
        }
        int k = sp_flow_fit(c->cont, c->cont_sizes, c->n_cont, c->iw, h,
                            &c->l_cont);
        if (k < 0)
            return -1;
        if ((size_t)k < c->n_cont || !with_prompt)
            return 0;
    }
    return 0;
}

/* Cuts lines L into exactly N parts at boundaries where a card may
 * start (lines[k].split != SP_SPLIT_NEVER; with BLOCKS_ONLY only before
 * a paragraph or list item, SP_SPLIT_BLOCK): every part but the last at
 * most AVAIL_MORE high, the last at most AVAIL_LAST.  Among the ways to
 * do it, takes the most even one: it minimises the sum over the parts of
 * (height - mean)^2, plus LINE_CUT_COST^2 * mean^2 for each cut inside a
 * paragraph or list item, plus a prohibitive cost for a part of at most
 * SHORT_PART_LINES lines when the answer has enough lines to avoid one.
 * Returns 0 with the part ends in *cuts, 1 if there is no way, -1 when
 * out of memory. */
static int balanced_cuts(ctx *c, const sp_lines *l, size_t n_parts,
                         int blocks_only, double avail_last,
                         double avail_more, size_t **cuts, size_t *n_cuts,
                         size_t *cap)
{
    size_t n = l->n_lines;
    if (n_parts == 0 || n == 0 || n_parts > n)
        return 1;
    /* candidate boundaries: 0, the allowed cuts, n */
    if (n + 1 > c->cap_bounds) {
        size_t *p = realloc(c->dp_bounds, (n + 1) * sizeof *p);
        if (!p)
            return -1;
        c->dp_bounds = p;
        c->cap_bounds = n + 1;
    }
    size_t nb = 0;
    c->dp_bounds[nb++] = 0;
    for (size_t k = 1; k < n; k++)
        if (l->lines[k].split == SP_SPLIT_BLOCK
            || (!blocks_only && l->lines[k].split == SP_SPLIT_LINE))
            c->dp_bounds[nb++] = k;
    c->dp_bounds[nb++] = n;
    size_t cells = (n_parts + 1) * nb;
    if (cells > c->cap_dp) {
        double *pc = realloc(c->dp_cost, cells * sizeof *pc);
        if (!pc)
            return -1;
        c->dp_cost = pc;
        size_t *pf = realloc(c->dp_from, cells * sizeof *pf);
        if (!pf)
            return -1;
        c->dp_from = pf;
        c->cap_dp = cells;
    }
    const size_t *b = c->dp_bounds;
    double mean = l->height_pt / (double)n_parts;
    double line_cut = LINE_CUT_COST * LINE_CUT_COST * mean * mean;
    double short_part = 1e6 * (mean * mean + 1);
    int avoid_short = n >= (SHORT_PART_LINES + 1) * n_parts;
    const double inf = INFINITY;
    for (size_t i = 0; i < cells; i++)
        c->dp_cost[i] = inf;
    c->dp_cost[0] = 0;   /* 0 parts cover lines [0, 0) */
    for (size_t j = 1; j <= n_parts; j++) {
        for (size_t e = 1; e < nb; e++) {
            int last = j == n_parts;
            if (last != (e == nb - 1))
                continue;
            double avail = last ? avail_last : avail_more;
            double best = inf;
            size_t from = 0;
            for (size_t a = e; a-- > 0;) {
                double prev = c->dp_cost[(j - 1) * nb + a];
                double h = sp_lines_range_height_pt(l, b[a], b[e]);
                if (h > avail)
                    break;   /* earlier starts only make it taller */
                if (prev == inf)
                    continue;
                double cost = prev + (h - mean) * (h - mean);
                if (!last && l->lines[b[e]].split != SP_SPLIT_BLOCK)
                    cost += line_cut;
                if (avoid_short && b[e] - b[a] <= SHORT_PART_LINES)
                    cost += short_part;
                if (cost < best) {
                    best = cost;
                    from = a;
                }
            }
            c->dp_cost[j * nb + e] = best;
            c->dp_from[j * nb + e] = from;
        }
    }
    if (c->dp_cost[n_parts * nb + nb - 1] == inf)
        return 1;
    /* walk back from the end, then reverse into *cuts */
    *n_cuts = 0;
    for (size_t j = n_parts, e = nb - 1; j > 0; j--) {
        if (push_cut(cuts, n_cuts, cap, b[e]))
            return -1;
        e = c->dp_from[j * nb + e];
    }
    for (size_t i = 0, k = *n_cuts - 1; i < k; i++, k--) {
        size_t t = (*cuts)[i];
        (*cuts)[i] = (*cuts)[k];
        (*cuts)[k] = t;
    }
    return 0;
}

/* Fits FLOW into height H with SIZES (largest first).  If it fits at
 * some size, one part at the largest such size.  Else it needs N parts at
 * the smallest size (the fewest a greedy split finds); the parts are then
 * set at the largest size that still gives N even parts (balanced_cuts),
 * so a long answer is not shrunk to the minimum only to leave its last
 * card nearly empty.  *SIZE_PT is the size used.  Returns the number of
 * parts, or -1 when out of memory. */
static long fit_side(ctx *c, sp_flow *flow, const double *sizes, size_t n,
                     double h, double note_h, sp_lines *l, size_t **cuts,
                     size_t *n_cuts, size_t *cap, double *size_pt)
{
    int k = sp_flow_fit(flow, sizes, n, c->iw, h, l);
    if (k < 0)
        return -1;
    if ((size_t)k < n) {
        *size_pt = sizes[k];
        *n_cuts = 0;
        if (push_cut(cuts, n_cuts, cap, l->n_lines))
            return -1;
        return 1;
    }
    *size_pt = sizes[n - 1];
    if (split_parts(l, h, h - note_h, cuts, n_cuts, cap))
        return -1;
    size_t parts = *n_cuts;
    /* an answer of many cards is split greedily: evening out dozens of
     * parts buys nothing and costs a quadratic search */
    if (parts > MAX_EVEN_PARTS)
        return (long)parts;
    /* the fewest even parts at the smallest size, cut between paragraphs
     * or list items if that can be done, else anywhere allowed (a code
     * block or a heading kept with its text may need one more part than
     * the greedy split) */
    size_t even = 0;
    int blocks_only = 1;
    for (size_t np = parts; np <= parts + 1 && !even; np++) {
        for (blocks_only = 1; blocks_only >= 0 && !even; blocks_only--) {
            int r = balanced_cuts(c, l, np, blocks_only, h, h - note_h, cuts,
                                  n_cuts, cap);
            if (r < 0)
                return -1;
            if (r == 0)
                even = np;
        }
    }
    blocks_only++;   /* the loop stepped past the mode that worked */
    if (!even) {
        /* no even split: the greedy one (it may cut anywhere) */
        if (split_parts(l, h, h - note_h, cuts, n_cuts, cap))
            return -1;
        return (long)*n_cuts;
    }
    /* the largest size at which EVEN parts still work: sizes[hi] works */
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sp_flow_break(flow, sizes[mid], c->iw, &c->l_try))
            return -1;
        int r = balanced_cuts(c, &c->l_try, even, blocks_only, h, h - note_h,
                              cuts, n_cuts, cap);
        if (r < 0)
            return -1;
        if (r == 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (hi < n - 1 && sp_flow_break(flow, sizes[hi], c->iw, l))
        return -1;
    if (balanced_cuts(c, l, even, blocks_only, h, h - note_h, cuts, n_cuts,
                      cap) != 0)
        return -1;
    *size_pt = sizes[hi];
    return (long)*n_cuts;
}

/* Draws part PART of lines L (ends in CUTS) at the body top; adds the
 * continuation note if more parts follow. */
static int draw_part(ctx *c, sp_dlist *dl, const sp_lines *l,
                     const size_t *cuts, size_t n_parts, size_t part,
                     double top)
{
    size_t first = part ? cuts[part - 1] : 0;
    if (sp_lines_emit(l, first, cuts[part], dl, c->x0, top))
        return -1;
    if (part + 1 < n_parts)
        return sp_lines_emit(&c->l_note, 0, c->l_note.n_lines, dl, c->x0,
                             c->body_bottom - c->l_note.height_pt);
    return 0;
}

/* Sets *out to TEXT, or to a prefix of it with an ellipsis, so that it
 * fits MAX_PT at SIZE (one line: chrome is never wrapped).  Returns 1 if shortened, 0 if not, -1
 * when out of memory. */
static int shorten(ctx *c, const char *text, double size, double max_pt,
                   char **buf, size_t *cap, const char **out)
{
    size_t len = strlen(text);
    max_pt -= 0.05;   /* the flow sums widths in float */
    *out = text;
    if (sp_text_width_pt(c->fonts, SP_FACE_REGULAR, size, text, len)
        <= max_pt)
        return 0;
    double ew = sp_text_width_pt(c->fonts, SP_FACE_REGULAR, size,
                                 c->ellipsis, strlen(c->ellipsis));
    size_t k = sp_text_fit_prefix(c->fonts, SP_FACE_REGULAR, size, text, len,
                                  max_pt - ew);
    char *pre = malloc(k + 1);
    if (!pre)
        return -1;
    memcpy(pre, text, k);
    pre[k] = '\0';
    *out = concat(buf, cap, pre, c->ellipsis, (const char *)NULL);
    free(pre);
    return *out ? 1 : -1;
}

/* Lays out the corner "#N id[ SUFFIX]" into l_corner, on one line: the id
 * is shortened if need be (*shortened set). */
static int corner_layout(ctx *c, const char *num, const char *id,
                         const char *suffix, int *shortened)
{
    const char *sfx = suffix ? suffix : "";
    const char *sp = suffix ? " " : "";
    double fixed = sp_text_width_pt(c->fonts, SP_FACE_REGULAR,
                                    c->o.small_pt, "# ", 2)
                   + sp_text_width_pt(c->fonts, SP_FACE_REGULAR,
                                      c->o.small_pt, num, strlen(num))
                   + sp_text_width_pt(c->fonts, SP_FACE_REGULAR,
                                      c->o.small_pt, sp, strlen(sp))
                   + sp_text_width_pt(c->fonts, SP_FACE_REGULAR,
                                      c->o.small_pt, sfx, strlen(sfx));
    const char *shown;
    int r = shorten(c, id, c->o.small_pt, c->iw - fixed, &c->id_buf,
                    &c->cap_id, &shown);
    if (r < 0)
        return -1;
    if (r > 0)
        *shortened = 1;
    const char *t = concat(&c->corner_buf, &c->cap_corner, "#", num, " ",
                           shown, sp, sfx, (const char *)NULL);
    if (!t)
        return -1;
    return small_text(c, c->corner, &c->l_corner, t, c->o.small_pt, 0,
                      SP_ALIGN_RIGHT);
}

/* Lays out and appends all cards of question Q; returns how many. */
static long build_question(ctx *c, const sp_question *q, size_t qi)
{
    char num[24];
    int number = q->number > 0 ? q->number : (int)qi + 1;
    itoa_buf(num, number);
    const char *id = q->id ? q->id : "";
    const char *round = q->round >= 0 && (size_t)q->round < c->pack->n_rounds
                            ? c->pack->rounds[q->round].name : NULL;
    const char *diff = sp_msgs_difficulty(c->o.msgs, q->difficulty);
    if (!round)
        round = "";
    if (!diff)
        diff = "";
    const char *meta = concat(&c->meta_buf, &c->cap_meta, round,
                              *round && *diff ? c->sep : "", diff,
                              (const char *)NULL);
    int short_meta = meta ? shorten(c, meta, c->o.small_pt, c->iw,
                                    &c->meta2_buf, &c->cap_meta2, &meta)
                          : -1;
    if (short_meta < 0
        || small_text(c, c->meta, &c->l_meta, meta, c->o.small_pt, 0,
                      SP_ALIGN_LEFT))
        return -1;
    int short_id = 0;
    if (front_flow(c, q) || back_flow(c, q))
        return -1;
    double note_h = c->l_note.height_pt + 2.0;

    /* header geometry: first for a single card; if the question needs
     * more, again with room for a "K/M" suffix in the corner */
    header_geom fg, bg;
    long nf = 0, nb = 0;
    double front_pt = 0, back_pt = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (corner_layout(c, num, id, pass ? "999/999" : NULL, &short_id))
            return -1;
        header_geometry(c, 1, &fg);
        header_geometry(c, 0, &bg);
        double fh = c->body_bottom - (c->y0 + fg.h + HEADER_GAP_PT);
        double bh = c->body_bottom - (c->y0 + bg.h + HEADER_GAP_PT);
        /* a figure fits a follow-on card whole, with its note */
        sp_flow_figure_limit(c->back, bh - note_h);
        nf = fit_side(c, c->front, c->front_sizes, c->n_front, fh, note_h,
                      &c->l_front, &c->cuts_front, &c->n_cuts_front,
                      &c->cap_cuts_front, &front_pt);
        nb = fit_side(c, c->back, c->back_sizes, c->n_back, bh, note_h,
                      &c->l_back, &c->cuts_back, &c->n_cuts_back,
                      &c->cap_cuts_back, &back_pt);
        if (nf < 0 || nb < 0)
            return -1;
        if (nf == 1 && nb == 1)
            break;
    }
    long n = nf > nb ? nf : nb;
    if (short_id)
        sp_diag_add(c->d, SP_D_LAYOUT, q->loc.file, q->loc.line, q->loc.col,
                    "question '%s': the id is too long for the card corner "
                    "and is shortened", id);
    if (short_meta)
        sp_diag_add(c->d, SP_D_LAYOUT, q->loc.file, q->loc.line, q->loc.col,
                    "question '%s': the round name is too long for the card "
                    "and is shortened", id);
    if (nf > 1)
        sp_diag_add(c->d, SP_D_LAYOUT, q->loc.file, q->loc.line, q->loc.col,
                    "question '%s': the prompt does not fit on one card "
                    "front at %gpt; continued on %ld cards at %gpt", id,
                    c->front_sizes[c->n_front - 1], n, front_pt);
    if (nb > 1)
        sp_diag_add(c->d, SP_D_LAYOUT, q->loc.file, q->loc.line, q->loc.col,
                    "question '%s' does not fit on one card at %gpt; "
                    "continued on %ld cards at %gpt", id,
                    c->back_sizes[c->n_back - 1], n, back_pt);

    for (long k = 0; k < n; k++) {
        if (n > 1) {
            /* "K/M"; a single card keeps the corner laid out above */
            char part[64], a[24], b[24];
            snprintf(part, sizeof part, "%s/%s", itoa_buf(a, k + 1),
                     itoa_buf(b, n));
            if (corner_layout(c, num, id, part, &short_id))
                return -1;
        }
        /* front */
        sp_dlist *dl = sp_doc_add_page(c->doc, c->o.card_w_pt,
                                       c->o.card_h_pt);
        if (!dl || header_draw(c, &fg, 1, dl) || footer_draw(c, dl))
            return -1;
        double top = c->y0 + fg.h + HEADER_GAP_PT;
        double h = c->body_bottom - top;
        if (k < nf) {
            if (nf == 1) {
                double y = top + (h - c->l_front.height_pt) / 2;
                if (sp_lines_emit(&c->l_front, 0, c->l_front.n_lines, dl,
                                  c->x0, y))
                    return -1;
            } else if (draw_part(c, dl, &c->l_front, c->cuts_front,
                                 (size_t)nf, (size_t)k, top)) {
                return -1;
            }
        } else {
            if (cont_flow(c, q, number, h))
                return -1;
            double y = top + (h - c->l_cont.height_pt) / 2;
            if (y < top)
                y = top;
            if (sp_lines_emit(&c->l_cont, 0, c->l_cont.n_lines, dl, c->x0,
                              y))
                return -1;
        }
        /* back */
        dl = sp_doc_add_page(c->doc, c->o.card_w_pt, c->o.card_h_pt);
        if (!dl || header_draw(c, &bg, 0, dl) || footer_draw(c, dl))
            return -1;
        top = c->y0 + bg.h + HEADER_GAP_PT;
        if (k < nb && draw_part(c, dl, &c->l_back, c->cuts_back, (size_t)nb,
                                (size_t)k, top))
            return -1;
    }
    return n;
}

static void ctx_free(ctx *c)
{
    sp_flow_free(c->front);
    sp_flow_free(c->back);
    sp_flow_free(c->cont);
    sp_flow_free(c->corner);
    sp_flow_free(c->meta);
    sp_flow_free(c->footer);
    sp_flow_free(c->note);
    sp_lines_release(&c->l_front);
    sp_lines_release(&c->l_back);
    sp_lines_release(&c->l_cont);
    sp_lines_release(&c->l_corner);
    sp_lines_release(&c->l_meta);
    sp_lines_release(&c->l_footer);
    sp_lines_release(&c->l_note);
    sp_lines_release(&c->l_try);
    free(c->dp_cost);
    free(c->dp_from);
    free(c->dp_bounds);
    free(c->cuts_front);
    free(c->cuts_back);
    free(c->corner_buf);
    free(c->meta_buf);
    free(c->meta2_buf);
    free(c->id_buf);
}

/* Sets defaults, the inner box and the footer; 0, or -1 with a diagnostic
 * (out of memory, card too small). */
static int ctx_init(ctx *c, const sp_pack *pack, const sp_fonts *fonts,
                    const sp_card_opts *opts, sp_diags *d)
{
    c->pack = pack;
    c->fonts = fonts;
    c->d = d;
    c->o = *opts;
    sp_card_opts *o = &c->o;
    if (o->padding_pt <= 0)
        o->padding_pt = SP_MM_TO_PT(DEF_PAD_MM);
    if (o->min_pt <= 0)
        o->min_pt = DEF_MIN_PT;
    /* the prompt's smallest size keeps the cue (CUE_SCALE of it) at the
     * reading size */
    if (o->front_min_pt <= 0)
        o->front_min_pt = fmax(10, o->min_pt / CUE_SCALE);
    if (o->front_max_pt <= 0)
        o->front_max_pt = fmax(DEF_FRONT_MAX_PT, o->front_min_pt);
    if (o->back_min_pt <= 0)
        o->back_min_pt = o->min_pt;
    if (o->back_max_pt <= 0)
        o->back_max_pt = fmax(DEF_BACK_MAX_PT, o->back_min_pt);
    if (o->step_pt <= 0)
        o->step_pt = 0.5;
    if (o->small_pt <= 0)
        o->small_pt = 7;
    if (o->footer_pt <= 0)
        o->footer_pt = 6;
    if (!o->title)
        o->title = pack->meta.title ? pack->meta.title : "";
    c->n_front = make_sizes(c->front_sizes, o->front_max_pt, o->front_min_pt,
                            o->step_pt);
    c->n_back = make_sizes(c->back_sizes, o->back_max_pt, o->back_min_pt,
                           o->step_pt);
    double cmax = CONT_MAX_PT > o->back_min_pt ? CONT_MAX_PT : o->back_min_pt;
    c->n_cont = make_sizes(c->cont_sizes, cmax, o->back_min_pt, o->step_pt);
    c->sep = sp_fonts_has(fonts, sp_glyph_face(fonts, SP_FACE_REGULAR, 0xB7),
                          0xB7) ? " \xc2\xb7 " : " - ";
    c->ellipsis = sp_fonts_has(fonts,
                               sp_glyph_face(fonts, SP_FACE_REGULAR, 0x2026),
                               0x2026) ? "\xe2\x80\xa6" : "...";
    c->x0 = c->y0 = o->padding_pt;
    c->iw = o->card_w_pt - 2 * o->padding_pt;
    c->ih = o->card_h_pt - 2 * o->padding_pt;
    sp_lines *ls[] = {&c->l_front, &c->l_back, &c->l_cont, &c->l_corner,
                      &c->l_meta, &c->l_footer, &c->l_note, &c->l_try};
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++)
        sp_lines_init(ls[i]);

    /* the smallest card that can hold a header, a footer and three lines
     * of the back at its smallest size, at least ten characters wide */
    double min_size = fmin(o->back_min_pt, o->front_min_pt);
    double need_h = 1.5 * (o->small_pt + o->footer_pt + 3 * min_size)
                    + HEADER_GAP_PT + FOOTER_GAP_PT + RULE_GAP_PT;
    if (c->iw < 10 * fmax(o->front_min_pt, o->small_pt) || c->ih < need_h) {
        sp_diag_add_sev(d, SP_D_LAYOUT, SP_ERROR, NULL, 0, 0,
                        "a card of %.1f x %.1f mm is too small for its text "
                        "(padding %.1f mm)", o->card_w_pt * 25.4 / 72,
                        o->card_h_pt * 25.4 / 72, o->padding_pt * 25.4 / 72);
        return -1;
    }
    /* the footer: one line, the title shortened if need be */
    char *fbuf = NULL;
    size_t fcap = 0;
    const char *ftitle = o->title;
    int short_title = shorten(c, o->title, o->footer_pt, c->iw, &fbuf, &fcap,
                              &ftitle);
    if (short_title > 0)
        sp_diag_add(d, SP_D_LAYOUT, pack->meta.loc.file, pack->meta.loc.line,
                    0, "the pack's title is too long for the card footer "
                    "and is shortened there");
    int rc_footer = short_title < 0;
    if (rc_footer || !(c->front = sp_flow_new(fonts))
        || !(c->back = sp_flow_new(fonts))
        || !(c->cont = sp_flow_new(fonts))
        || !(c->corner = sp_flow_new(fonts))
        || !(c->meta = sp_flow_new(fonts))
        || !(c->footer = sp_flow_new(fonts))
        || !(c->note = sp_flow_new(fonts))
        || small_text(c, c->footer, &c->l_footer, ftitle, o->footer_pt, 0,
                      SP_ALIGN_LEFT)
        || small_text(c, c->note, &c->l_note,
                      sp_tr(c->o.msgs, "(continued on the next card)"),
                      o->small_pt, SP_STYLE_ITALIC, SP_ALIGN_RIGHT)) {
        free(fbuf);
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    free(fbuf);
    /* long words on the narrow card break with a hyphen (hyphenate.h) */
    sp_flow_hyphenate(c->front, o->hyphen);
    sp_flow_hyphenate(c->back, o->hyphen);
    sp_flow_hyphenate(c->cont, o->hyphen);
    c->rule_y = c->y0 + c->ih - c->l_footer.height_pt - RULE_GAP_PT;
    c->body_bottom = c->rule_y - FOOTER_GAP_PT;
    return 0;
}

struct sp_cards {
    ctx c;
};

sp_cards *sp_cards_new(const sp_pack *pack, const sp_fonts *fonts,
                       const sp_card_opts *opts, sp_diags *d)
{
    sp_cards *cs = calloc(1, sizeof *cs);
    if (!cs) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (ctx_init(&cs->c, pack, fonts, opts, d)) {
        sp_cards_free(cs);
        return NULL;
    }
    return cs;
}

void sp_cards_free(sp_cards *cs)
{
    if (!cs)
        return;
    ctx_free(&cs->c);
    free(cs);
}

long sp_cards_add(sp_cards *cs, size_t qi, sp_doc *doc)
{
    ctx *c = &cs->c;
    if (qi >= c->pack->n_questions)
        return 0;
    c->doc = doc;
    long n = build_question(c, &c->pack->questions[qi], qi);
    if (n < 0)
        sp_diag_add(c->d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    return n;
}

long sp_cards_build(const sp_pack *pack, const sp_fonts *fonts,
                    const sp_card_opts *opts, sp_doc *doc, sp_diags *d)
{
    sp_cards *cs = sp_cards_new(pack, fonts, opts, d);
    if (!cs)
        return -1;
    long total = 0;
    for (size_t i = 0; i < pack->n_questions; i++) {
        long n = sp_cards_add(cs, i, doc);
        if (n < 0) {
            total = -1;
            break;
        }
        total += n;
    }
    sp_cards_free(cs);
    return total;
}
