/* mock.c - the mock-interview kit (see mock.h).
 *
 * Pages are filled top to bottom: each piece (a line of text, a key point,
 * the rubric) is laid out with the text engine, measured, moved to a new
 * page when it does not fit below what is there, and drawn.
 */
#include "mock.h"
#include "datefmt.h"
#include "text.h"
#include "msg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_MARGIN_MM 18.0
#define HEAD_PT 7.5            /* running head, page number */
#define HEAD_GAP_PT 12.0       /* running head rule to the body */
#define LABEL_PT 7.5           /* "READ OUT", "PROBE WITH" */
#define META_PT 9.0
#define PROMPT_PT 13.0
#define BOX_PAD_PT 6.0
#define POINT_INDENT_MM 7.0
#define BOX_PT 7.0             /* tick boxes */
#define BOX_LINE_PT 0.6
#define NOTE_GAP_MM 8.0        /* ruled note lines */
#define MIN_NOTE_LINES 3
#define CODE_SCALE 0.82        /* code blocks, compact */
#define RULE_GRAY 0.55

/* Key points: the largest size at which the page holds them. */
static const double point_sizes[] = {10, 9.5, 9, 8.5, 8};
#define N_POINT_SIZES (sizeof point_sizes / sizeof *point_sizes)

static const char *const technical_rubric[] = {
    N_("Problem understanding: clarifies, states assumptions"),
    N_("Correctness: the design or code works, edge cases handled"),
    N_("Trade-offs: names alternatives and why this one"),
    N_("Communication: thinks aloud, structured, listens"),
};
static const char *const behavioral_rubric[] = {
    N_("STAR: situation and task clear and specific"),
    N_("STAR: actions are the candidate's own"),
    N_("STAR: result measured, lesson learned"),
    N_("Communication: concise, honest, reflective"),
};

int sp_mock_minutes(sp_difficulty d, int behavioral)
{
    switch (d) {
    case SP_DIFF_EASY: return behavioral ? 5 : 10;
    case SP_DIFF_MEDIUM: return behavioral ? 8 : 20;
    case SP_DIFF_HARD: return behavioral ? 10 : 30;
    default: return behavioral ? 8 : 15;
    }
}

typedef struct {
    char *label;            /* "Mock 1" or the round's name */
    char *when;             /* "Day 24, Thu 2026-12-17", or NULL */
    const sp_text *task;    /* the mock task's text, or NULL */
    size_t *qs;             /* question indexes */
    size_t n_qs;
} session;

typedef struct {
    const sp_pack *pack;
    const sp_schedule *s;
    const sp_fonts *fonts;
    const sp_msgs *m;       /* the page's words (msg.h) */
    sp_doc *doc;
    double pw, ph, x0, iw, top, bottom;
    sp_dlist *pg;
    double y;
    long pages;
    char head_left[256], head_right[256];
    sp_flow *f;
    sp_lines l;
    char *tmp;              /* plain text of inline content */
    size_t cap_tmp;
    int nomem;
} mk;

/* ---- text helpers ---- */

/* The plain text of T (spans concatenated) in c->tmp. */
static const char *plain(mk *c, const sp_text *t)
{
    size_t n = 1;
    for (size_t i = 0; i < t->n_spans; i++)
        n += strlen(t->spans[i].text);
    if (n > c->cap_tmp) {
        char *p = realloc(c->tmp, n);
        if (!p) {
            c->nomem = 1;
            return "";
        }
        c->tmp = p;
        c->cap_tmp = n;
    }
    char *o = c->tmp;
    for (size_t i = 0; i < t->n_spans; i++) {
        size_t k = strlen(t->spans[i].text);
        memcpy(o, t->spans[i].text, k);
        o += k;
    }
    *o = '\0';
    return c->tmp;
}

static sp_para_opts popts(double size_pt, unsigned style, sp_align align)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.size_pt = size_pt;
    o.style = style;
    o.align = align;
    o.total_fit = 1;
    return o;
}

/* Lays TEXT out into c->l, WIDTH wide. */
static int lay_plain(mk *c, const char *text, double size, unsigned style,
                     sp_align align, double width)
{
    sp_flow_clear(c->f);
    sp_para_opts o = popts(size, style, align);
    if (sp_flow_plain(c->f, text, &o) || sp_flow_break(c->f, size, width,
                                                        &c->l)) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

static int lay_text(mk *c, const sp_text *t, double size, unsigned style,
                    double width)
{
    sp_flow_clear(c->f);
    sp_para_opts o = popts(size, style, SP_ALIGN_LEFT);
    if (sp_flow_text(c->f, t, &o) || sp_flow_break(c->f, size, width,
                                                   &c->l)) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

/* TEXT shortened with "..." to fit MAX_PT at SIZE, into BUF (CAP). */
static const char *fit_one_line(mk *c, const char *text, sp_face face,
                                double size, double max_pt, char *buf,
                                size_t cap)
{
    size_t len = strlen(text);
    if (sp_text_width_pt(c->fonts, face, size, text, len) <= max_pt)
        return text;
    double ew = sp_text_width_pt(c->fonts, face, size, "...", 3);
    size_t k = sp_text_fit_prefix(c->fonts, face, size, text, len,
                                  max_pt - ew);
    while (k > 0 && text[k - 1] == ' ')
        k--;
    snprintf(buf, cap, "%.*s...", (int)k, text);
    return buf;
}

/* ---- pages ---- */

static int text_at(mk *c, sp_face face, double size, double x, double y,
                   const char *s)
{
    if (sp_dl_text(c->pg, face, size, x, y, s, strlen(s))) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

/* Starts a page: the running head (kit and pack at the left, the session
 * at the right) over a rule, the page number at the bottom. */
static int new_page(mk *c)
{
    c->pg = sp_doc_add_page(c->doc, c->pw, c->ph);
    if (!c->pg) {
        c->nomem = 1;
        return -1;
    }
    c->pages++;
    double base = c->top + HEAD_PT;
    char b1[256], b2[256];
    double rw = c->head_right[0]
        ? sp_text_width_pt(c->fonts, SP_FACE_ITALIC, HEAD_PT, c->head_right,
                           strlen(c->head_right))
        : 0;
    if (rw > c->iw / 2) {
        fit_one_line(c, c->head_right, SP_FACE_ITALIC, HEAD_PT, c->iw / 2, b2,
                     sizeof b2);
        rw = sp_text_width_pt(c->fonts, SP_FACE_ITALIC, HEAD_PT, b2,
                              strlen(b2));
    } else {
        snprintf(b2, sizeof b2, "%s", c->head_right);
    }
    const char *left = fit_one_line(c, c->head_left, SP_FACE_REGULAR, HEAD_PT,
                                    c->iw - rw - 12, b1, sizeof b1);
    if (text_at(c, SP_FACE_REGULAR, HEAD_PT, c->x0, base, left)
        || (rw > 0 && text_at(c, SP_FACE_ITALIC, HEAD_PT, c->x0 + c->iw - rw,
                              base, b2))
        || sp_dl_line(c->pg, c->x0, base + 3, c->x0 + c->iw, base + 3, 0.4,
                      RULE_GRAY, 0)) {
        c->nomem = 1;
        return -1;
    }
    char num[24];
    snprintf(num, sizeof num, "%ld", c->pages);
    double nw = sp_text_width_pt(c->fonts, SP_FACE_REGULAR, HEAD_PT, num,
                                 strlen(num));
    if (text_at(c, SP_FACE_REGULAR, HEAD_PT, c->x0 + (c->iw - nw) / 2,
                c->bottom + HEAD_PT + 6, num))
        return -1;
    c->y = base + 3 + HEAD_GAP_PT;
    return 0;
}

/* Makes room for H more points below c->y (a new page if need be). */
static int ensure(mk *c, double h)
{
    if (c->y + h <= c->bottom + 1e-6)
        return 0;
    return new_page(c);
}

/* Draws c->l at (X, c->y) and moves below it. */
static int put(mk *c, double x)
{
    if (sp_lines_emit(&c->l, 0, c->l.n_lines, c->pg, x, c->y)) {
        c->nomem = 1;
        return -1;
    }
    c->y += c->l.height_pt;
    return 0;
}

/* One paragraph of plain text, on as many pages as it needs. */
static int para(mk *c, const char *text, double size, unsigned style,
                double gap_after)
{
    if (lay_plain(c, text, size, style, SP_ALIGN_LEFT, c->iw)
        || ensure(c, c->l.height_pt) || put(c, c->x0))
        return -1;
    c->y += gap_after;
    return 0;
}

/* A small bold label ("READ OUT") with room for at least MIN_AFTER below
 * it on the same page. */
static int label(mk *c, const char *text, double min_after)
{
    if (lay_plain(c, text, LABEL_PT, SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw)
        || ensure(c, c->l.height_pt + min_after) || put(c, c->x0))
        return -1;
    c->y += 2;
    return 0;
}

static int box(mk *c, double x, double top)
{
    if (sp_dl_checkbox(c->pg, x, top, BOX_PT, BOX_LINE_PT)) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

/* ---- a question's page ---- */

typedef enum { IT_POINT, IT_CODE, IT_FOLLOWUP } item_kind;

typedef struct {
    item_kind kind;
    const sp_text *text;     /* POINT (paragraph, list item), FOLLOWUP */
    const sp_block *code;    /* CODE: a code block or a figure */
} item;

/* Lays item IT out at base size SIZE into c->l (width: the box minus the
 * tick-box column for points and code). */
static int lay_item(mk *c, const item *it, double size)
{
    double indent = SP_MM_TO_PT(POINT_INDENT_MM);
    sp_flow_clear(c->f);
    sp_para_opts o = popts(0, 0, SP_ALIGN_LEFT);
    int rc;
    if (it->kind == IT_CODE) {
        o.scale = it->code->kind == SP_BLOCK_PRE ? CODE_SCALE : 0;
        sp_blocks b = {(sp_block *)it->code, 1};
        rc = sp_flow_blocks(c->f, &b, &o);
    } else if (it->kind == IT_FOLLOWUP) {
        rc = sp_flow_list(c->f, it->text, 1, 0, &o);
    } else {
        rc = sp_flow_text(c->f, it->text, &o);
    }
    if (rc || sp_flow_break(c->f, size, c->iw - indent, &c->l)) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

/* The items of question Q: key points, code, follow-ups. */
static item *question_items(const sp_question *q, size_t *n_out,
                            size_t *n_points)
{
    size_t n = q->n_followups;
    for (size_t i = 0; i < q->answer.n_blocks; i++) {
        const sp_block *b = &q->answer.blocks[i];
        n += (b->kind == SP_BLOCK_UL || b->kind == SP_BLOCK_OL) ? b->n_items
                                                                 : 1;
    }
    item *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < q->answer.n_blocks; i++) {
        const sp_block *b = &q->answer.blocks[i];
        switch (b->kind) {
        case SP_BLOCK_UL:
        case SP_BLOCK_OL:
            for (size_t j = 0; j < b->n_items; j++)
                v[k++] = (item){IT_POINT, &b->items[j], NULL};
            break;
        case SP_BLOCK_PRE:
        case SP_BLOCK_FIGURE:     /* drawn as they are, no tick box */
            v[k++] = (item){IT_CODE, NULL, b};
            break;
        default:
            v[k++] = (item){IT_POINT, &b->text, NULL};
            break;
        }
    }
    *n_points = k;
    for (size_t j = 0; j < q->n_followups; j++)
        v[k++] = (item){IT_FOLLOWUP, &q->followups[j], NULL};
    *n_out = k;
    return v;
}

#define RUBRIC_ROW_PT 15.0
#define VALUES_ROW_PT 14.0

/* The company's values with a tick box each, as many to a row as fit,
 * from c->y; drawn only if DRAW.  Returns the number of rows, or -1. */
static int values_rows(mk *c, int draw)
{
    const sp_meta *m = &c->pack->meta;
    const char *lead = sp_tr(c->m, "Values shown:");
    double x0 = c->x0 + sp_text_width_pt(c->fonts, SP_FACE_REGULAR, META_PT,
                                         lead, strlen(lead)) + 8;
    double x = x0, y = c->y;
    int rows = 1;
    if (draw && text_at(c, SP_FACE_REGULAR, META_PT, c->x0, y + META_PT,
                        lead))
        return -1;
    for (size_t i = 0; i < m->n_values; i++) {
        const char *v = m->values[i];
        double w = BOX_PT + 3 + sp_text_width_pt(c->fonts, SP_FACE_REGULAR,
                                                 META_PT, v, strlen(v));
        if (x + w > c->x0 + c->iw && x > x0) {
            x = x0;
            y += VALUES_ROW_PT;
            rows++;
        }
        if (draw && (box(c, x, y + 1.5)
                     || text_at(c, SP_FACE_REGULAR, META_PT, x + BOX_PT + 3,
                                y + META_PT, v)))
            return -1;
        x += w + 10;
    }
    return rows;
}

/* Height of the rubric: its heading, a row per criterion, the values. */
static double rubric_height(mk *c, int behavioral)
{
    double h = LABEL_PT * 1.2 + 4 + 4 * RUBRIC_ROW_PT;
    if (behavioral && c->pack->meta.n_values)
        h += values_rows(c, 0) * VALUES_ROW_PT + 4;
    return h;
}

static int rubric(mk *c, int behavioral)
{
    const char *const *rows = behavioral ? behavioral_rubric
                                         : technical_rubric;
    if (ensure(c, rubric_height(c, behavioral)))
        return -1;
    double cols_x = c->x0 + c->iw - 4 * 22.0;
    if (lay_plain(c, sp_tr(c->m, "SCORE  (1 not yet, 2 partly, 3 solid, 4 strong)"),
                  LABEL_PT, SP_STYLE_BOLD, SP_ALIGN_LEFT, c->iw)
        || put(c, c->x0))
        return -1;
    double head_y = c->y - c->l.height_pt;
    for (int k = 0; k < 4; k++) {
        char n[2] = {(char)('1' + k), 0};
        if (text_at(c, SP_FACE_BOLD, LABEL_PT, cols_x + k * 22.0 + 2,
                    head_y + LABEL_PT, n))
            return -1;
    }
    c->y += 4;
    for (int r = 0; r < 4; r++) {
        char buf[128];
        const char *t = fit_one_line(c, sp_tr(c->m, rows[r]), SP_FACE_REGULAR,
                                     META_PT,
                                     cols_x - c->x0 - 8, buf, sizeof buf);
        if (text_at(c, SP_FACE_REGULAR, META_PT, c->x0, c->y + META_PT, t))
            return -1;
        for (int k = 0; k < 4; k++)
            if (box(c, cols_x + k * 22.0, c->y + 1.5))
                return -1;
        c->y += RUBRIC_ROW_PT;
    }
    if (behavioral && c->pack->meta.n_values) {
        int n_rows = values_rows(c, 1);
        if (n_rows < 0)
            return -1;
        c->y += n_rows * VALUES_ROW_PT + 4;
    }
    return 0;
}

/* Ruled lines for notes down to the bottom of the page (at least
 * MIN_NOTE_LINES: on a new page if need be). */
static int notes(mk *c)
{
    double gap = SP_MM_TO_PT(NOTE_GAP_MM);
    if (label(c, sp_tr(c->m, "NOTES"), MIN_NOTE_LINES * gap))
        return -1;
    for (double y = c->y + gap; y <= c->bottom + 1e-6; y += gap)
        if (sp_dl_line(c->pg, c->x0, y, c->x0 + c->iw, y, 0.3, 0.6, 0)) {
            c->nomem = 1;
            return -1;
        }
    c->y = c->bottom;
    return 0;
}

static const char *round_name(const mk *c, const sp_question *q)
{
    if (q->round >= 0 && (size_t)q->round < c->pack->n_rounds)
        return c->pack->rounds[q->round].name;
    return NULL;
}

static int is_behavioral(const mk *c, const sp_question *q)
{
    return q->round >= 0 && (size_t)q->round < c->pack->n_rounds
           && c->pack->rounds[q->round].behavioral;
}

static int question_page(mk *c, const session *ss, size_t k)
{
    const sp_question *q = &c->pack->questions[ss->qs[k]];
    int beh = is_behavioral(c, q);
    char a2[24], a3[24];
    snprintf(a2, sizeof a2, "%zu", k + 1);
    snprintf(a3, sizeof a3, "%zu", ss->n_qs);
    sp_fill(c->head_right, sizeof c->head_right,
            sp_tr(c->m, "{1}, question {2} of {3}"), ss->label, a2, a3);
    if (new_page(c))
        return -1;
    /* round, difficulty, time box; the card at the right */
    char meta[256], card[128], box_s[96], mins[16], num[24];
    const char *rn = round_name(c, q);
    const char *dn = sp_msgs_difficulty(c->m, q->difficulty);
    snprintf(mins, sizeof mins, "%d", sp_mock_minutes(q->difficulty, beh));
    sp_fill(box_s, sizeof box_s, sp_tr(c->m, "time box {1} min"), mins, NULL,
            NULL);
    snprintf(meta, sizeof meta, "%s%s%s%s%s", rn ? rn : "",
             rn ? " \xc2\xb7 " : "", dn && *dn ? dn : "",
             dn && *dn ? " \xc2\xb7 " : "", box_s);
    snprintf(num, sizeof num, "%d", q->number);
    sp_fill(card, sizeof card, sp_tr(c->m, "Card #{1} {2}"), num, q->id, NULL);
    double cw = sp_text_width_pt(c->fonts, SP_FACE_REGULAR, META_PT, card,
                                 strlen(card));
    char b1[256], b2[160];
    const char *cs = fit_one_line(c, card, SP_FACE_REGULAR, META_PT,
                                  c->iw / 2, b2, sizeof b2);
    cw = fmin(cw, c->iw / 2);
    const char *ms = fit_one_line(c, meta, SP_FACE_BOLD, META_PT,
                                  c->iw - cw - 12, b1, sizeof b1);
    cw = sp_text_width_pt(c->fonts, SP_FACE_REGULAR, META_PT, cs, strlen(cs));
    if (text_at(c, SP_FACE_BOLD, META_PT, c->x0, c->y + META_PT, ms)
        || text_at(c, SP_FACE_REGULAR, META_PT, c->x0 + c->iw - cw,
                   c->y + META_PT, cs))
        return -1;
    c->y += META_PT * 1.2 + 8;
    /* the prompt to read out, in a light box */
    if (label(c, sp_tr(c->m, "READ OUT"), PROMPT_PT * 2))
        return -1;
    if (lay_text(c, &q->prompt, PROMPT_PT, 0, c->iw - 2 * BOX_PAD_PT))
        return -1;
    double bh = c->l.height_pt + 2 * BOX_PAD_PT;
    if (ensure(c, bh))
        return -1;
    if (sp_dl_rect(c->pg, c->x0, c->y, c->iw, bh, 0.5, 0.6, 0.94)) {
        c->nomem = 1;
        return -1;
    }
    c->y += BOX_PAD_PT;
    if (put(c, c->x0 + BOX_PAD_PT))
        return -1;
    c->y += BOX_PAD_PT + 10;

    /* key points and follow-ups: the largest size at which they, the
     * rubric and a few note lines fit on this page */
    size_t n_items, n_points;
    item *items = question_items(q, &n_items, &n_points);
    if (!items) {
        c->nomem = 1;
        return -1;
    }
    double fixed = 2 * (LABEL_PT * 1.2 + 2) + 10
                   + rubric_height(c, beh) + 8
                   + LABEL_PT * 1.2 + 2
                   + MIN_NOTE_LINES * SP_MM_TO_PT(NOTE_GAP_MM);
    double size = point_sizes[N_POINT_SIZES - 1];
    for (size_t s = 0; s < N_POINT_SIZES; s++) {
        double h = 0;
        for (size_t i = 0; i < n_items; i++) {
            if (lay_item(c, &items[i], point_sizes[s])) {
                free(items);
                return -1;
            }
            h += c->l.height_pt + 0.35 * point_sizes[s];
        }
        if (c->y + h + fixed <= c->bottom) {
            size = point_sizes[s];
            break;
        }
    }
    int rc = 0;
    double indent = SP_MM_TO_PT(POINT_INDENT_MM);
    for (size_t i = 0; i < n_items && rc == 0; i++) {
        if (i == 0 && n_points > 0)
            rc = label(c, sp_tr(c->m, "A STRONG ANSWER COVERS"), size * 1.3);
        if (i == n_points)
            rc = rc ? rc
                    : (c->y += 6,
                       label(c, sp_tr(c->m, "PROBE WITH"), size * 1.3));
        if (rc || lay_item(c, &items[i], size)) {
            rc = -1;
            break;
        }
        if (c->l.height_pt > c->bottom - c->top - 40) {
            /* taller than a page: line by line */
            for (size_t ln = 0; ln < c->l.n_lines && rc == 0; ln++) {
                const sp_line *L = &c->l.lines[ln];
                double lh = L->bottom_pt - L->top_pt;
                if (ensure(c, lh)
                    || sp_lines_emit(&c->l, ln, ln + 1, c->pg,
                                     c->x0 + indent, c->y - L->top_pt))
                    rc = -1;
                c->y += lh;
            }
        } else {
            double x = items[i].kind == IT_FOLLOWUP ? c->x0 : c->x0 + indent;
            if (ensure(c, c->l.height_pt))
                rc = -1;
            else if (items[i].kind == IT_POINT
                     && box(c, c->x0, c->y + c->l.lines[0].baseline_pt
                                          - BOX_PT + 0.8))
                rc = -1;
            else if (put(c, x))
                rc = -1;
        }
        c->y += 0.35 * size;
    }
    free(items);
    if (rc)
        return -1;
    c->y += 8;
    if (rubric(c, beh))
        return -1;
    c->y += 8;
    return notes(c);
}

/* ---- sessions ---- */

static int score_page(mk *c, const session *ss)
{
    sp_fill(c->head_right, sizeof c->head_right, sp_tr(c->m, "{1}, scores"),
            ss->label, NULL, NULL);
    if (new_page(c))
        return -1;
    char title[300];
    sp_fill(title, sizeof title, sp_tr(c->m, "{1}: scores"), ss->label, NULL,
            NULL);
    if (para(c, title, 14, SP_STYLE_BOLD, 4))
        return -1;
    if (ss->when || ss->task) {
        char sub[600];
        snprintf(sub, sizeof sub, "%s%s%s", ss->when ? ss->when : "",
                 ss->when && ss->task ? ": " : "",
                 ss->task ? plain(c, ss->task) : "");
        if (para(c, sub, META_PT, SP_STYLE_ITALIC, 8))
            return -1;
    }
    /* the table: card, question, score 1-4, again */
    double x_q = c->x0 + 0.26 * c->iw, x_s = c->x0 + c->iw - 4 * 18.0 - 40,
           x_a = c->x0 + c->iw - 18;
    for (size_t k = 0; k <= ss->n_qs; k++) {
        if (k == 0 || c->y + 16 > c->bottom) {
            if (k && new_page(c))
                return -1;
            if (text_at(c, SP_FACE_BOLD, LABEL_PT, c->x0, c->y + LABEL_PT,
                        sp_tr(c->m, "CARD"))
                || text_at(c, SP_FACE_BOLD, LABEL_PT, x_q, c->y + LABEL_PT,
                           sp_tr(c->m, "QUESTION"))
                || text_at(c, SP_FACE_BOLD, LABEL_PT, x_s, c->y + LABEL_PT,
                           "1     2     3     4")
                || text_at(c, SP_FACE_BOLD, LABEL_PT, x_a - 12,
                           c->y + LABEL_PT, sp_tr(c->m, "AGAIN")))
                return -1;
            c->y += LABEL_PT * 1.2 + 4;
        }
        if (k == ss->n_qs)
            break;
        const sp_question *q = &c->pack->questions[ss->qs[k]];
        char card[128], b1[128], b2[512];
        snprintf(card, sizeof card, "#%d %s", q->number, q->id);
        const char *cs = fit_one_line(c, card, SP_FACE_REGULAR, META_PT,
                                      x_q - c->x0 - 6, b1, sizeof b1);
        const char *ps = fit_one_line(c, plain(c, &q->prompt),
                                      SP_FACE_REGULAR, META_PT,
                                      x_s - x_q - 8, b2, sizeof b2);
        if (text_at(c, SP_FACE_REGULAR, META_PT, c->x0, c->y + META_PT, cs)
            || text_at(c, SP_FACE_REGULAR, META_PT, x_q, c->y + META_PT, ps))
            return -1;
        for (int s = 0; s < 4; s++)
            if (box(c, x_s + s * 18.0 - 1, c->y + 1.5))
                return -1;
        if (box(c, x_a, c->y + 1.5)
            || sp_dl_line(c->pg, c->x0, c->y + 15.5, c->x0 + c->iw,
                          c->y + 15.5, 0.25, 0.75, 0)) {
            c->nomem = 1;
            return -1;
        }
        c->y += 16;
    }
    c->y += 12;
    if (para(c, sp_tr(c->m, "What to review next"), 11, SP_STYLE_BOLD, 2)
        || para(c, sp_tr(c->m, "Tick AGAIN for every card scored 1 or 2 on "
                               "any criterion, and review those cards (by "
                               "number and id) before the next mock:"),
                META_PT, 0, 6))
        return -1;
    /* the session's cards, three columns of tick boxes */
    double colw = c->iw / 3;
    for (size_t k = 0; k < ss->n_qs; k++) {
        const sp_question *q = &c->pack->questions[ss->qs[k]];
        if (k % 3 == 0 && ensure(c, 14))
            return -1;
        char card[128], b1[128];
        snprintf(card, sizeof card, "#%d %s", q->number, q->id);
        double x = c->x0 + (double)(k % 3) * colw;
        const char *cs = fit_one_line(c, card, SP_FACE_REGULAR, META_PT,
                                      colw - BOX_PT - 8, b1, sizeof b1);
        if (box(c, x, c->y + 1.5)
            || text_at(c, SP_FACE_REGULAR, META_PT, x + BOX_PT + 4,
                       c->y + META_PT, cs))
            return -1;
        if (k % 3 == 2 || k + 1 == ss->n_qs)
            c->y += 14;
    }
    c->y += 10;
    return notes(c);
}

/* The opening page: how to run a mock, and the sessions. */
static int opening(mk *c, const session *ss, size_t n)
{
    c->head_right[0] = '\0';
    if (new_page(c))
        return -1;
    static const char *const steps[] = {
        N_("Sit the candidate down with paper and a pen; no notes, no cards."),
        N_("Read the prompt aloud as written and start the clock: each page "
           "suggests a time box."),
        N_("While they answer, tick each point a strong answer covers. Do not "
           "prompt; note what they miss."),
        N_("In the last minutes, probe with the follow-ups."),
        N_("Score each criterion from 1 (not yet) to 4 (strong) and write down "
           "what you saw, then give the feedback: what went well, one thing to "
           "change."),
        N_("After the session, fill in its score page together and tick the "
           "cards to review again."),
    };
    if (para(c, sp_tr(c->m, "Mock-interview kit"), 20, SP_STYLE_BOLD, 2)
        || para(c, c->pack->meta.title, 12, 0, 14)
        || para(c, sp_tr(c->m, "How to run a mock"), 11, SP_STYLE_BOLD, 3))
        return -1;
    sp_span spans[sizeof steps / sizeof *steps];
    sp_text texts[sizeof steps / sizeof *steps];
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        spans[i] = (sp_span){0, sp_tr(c->m, steps[i])};
        texts[i] = (sp_text){&spans[i], 1};
    }
    sp_flow_clear(c->f);
    sp_para_opts o = popts(0, 0, SP_ALIGN_LEFT);
    o.item_gap = 0.3;
    if (sp_flow_list(c->f, texts, sizeof steps / sizeof *steps, 1, &o)
        || sp_flow_break(c->f, META_PT + 0.5, c->iw, &c->l)) {
        c->nomem = 1;
        return -1;
    }
    if (ensure(c, c->l.height_pt) || put(c, c->x0))
        return -1;
    c->y += 10;
    if (para(c, sp_tr(c->m, "Behavioural rounds are scored on the STAR "
                            "parts of the story (situation and task, "
                            "actions, result) and on the company's values."),
             META_PT, SP_STYLE_ITALIC, 12))
        return -1;
    if (para(c, sp_tr(c->m, "Sessions"), 11, SP_STYLE_BOLD, 3))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char line[700];
        snprintf(line, sizeof line, "%s%s%s%s%s", ss[i].label,
                 ss[i].when ? " (" : "", ss[i].when ? ss[i].when : "",
                 ss[i].when ? ")" : "", ss[i].task ? ": " : "");
        size_t len = strlen(line);
        if (ss[i].task)
            snprintf(line + len, sizeof line - len, "%s",
                     plain(c, ss[i].task));
        if (para(c, line, META_PT, SP_STYLE_BOLD, 1))
            return -1;
        /* its cards by number and id */
        size_t cap = 64 + ss[i].n_qs * 72, k = 0;
        char *cards = malloc(cap);
        if (!cards) {
            c->nomem = 1;
            return -1;
        }
        cards[0] = '\0';
        for (size_t j = 0; j < ss[i].n_qs; j++) {
            const sp_question *q = &c->pack->questions[ss[i].qs[j]];
            k += (size_t)snprintf(cards + k, cap - k, "%s#%d %.64s",
                                  j ? ", " : "", q->number, q->id);
        }
        int rc = para(c, ss[i].n_qs ? cards
                                    : sp_tr(c->m, "(the task names no "
                                                  "questions: pick from the "
                                                  "rounds below)"),
                      LABEL_PT + 0.5, 0, 6);
        free(cards);
        if (rc)
            return -1;
    }
    return 0;
}

static void sessions_free(session *ss, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ss[i].label);
        free(ss[i].when);
        free(ss[i].qs);
    }
    free(ss);
}

/* The mock tasks of the timeline, then each round's other questions, then
 * the questions of no round; empty round sessions are left out. */
static session *make_sessions(const mk *c, size_t *n_out)
{
    const sp_pack *p = c->pack;
    size_t n_mock = 0;
    for (size_t ph = 0; ph < p->n_phases; ph++)
        for (size_t t = 0; t < p->phases[ph].n_tasks; t++)
            n_mock += p->phases[ph].tasks[t].kind == SP_TASK_MOCK;
    size_t cap = n_mock + p->n_rounds + 1, n = 0;
    session *ss = calloc(cap, sizeof *ss);
    unsigned char *named = calloc(p->n_questions + 1, 1);
    if (!ss || !named)
        goto nomem;
    for (size_t ph = 0; ph < p->n_phases; ph++) {
        for (size_t t = 0; t < p->phases[ph].n_tasks; t++) {
            const sp_task *task = &p->phases[ph].tasks[t];
            if (task->kind != SP_TASK_MOCK)
                continue;
            session *s = &ss[n++];
            char nb[24], lb[96];
            snprintf(nb, sizeof nb, "%zu", n);
            s->label = strdup(sp_fill(lb, sizeof lb, sp_tr(c->m, "Mock {1}"),
                                      nb, NULL, NULL));
            s->task = &task->text;
            if (c->s && ph < c->s->n_phases && c->s->phases[ph].task_first) {
                int day = c->s->phases[ph].task_first[t];
                char when[SP_DATEFMT_BUF + 64], d[SP_DATEFMT_BUF], dn[24];
                snprintf(dn, sizeof dn, "%d", day);
                sp_datefmt *df = c->s->has_dates && day >= 1
                                     ? sp_datefmt_new(sp_msgs_lang(c->m))
                                     : NULL;
                if (df)
                    sp_fill(when, sizeof when, sp_tr(c->m, "Day {1}, {2}"),
                            dn, sp_datefmt_format(df, SP_DATE_MEDIUM,
                                                  sp_date_add_days(
                                                      c->s->first_day,
                                                      day - 1),
                                                  d, sizeof d), NULL);
                else
                    sp_fill(when, sizeof when, sp_tr(c->m, "Day {1}"), dn,
                            NULL, NULL);
                sp_datefmt_free(df);
                s->when = strdup(when);
                if (!s->when)
                    goto nomem;
            }
            s->qs = malloc((task->n_questions + 1) * sizeof *s->qs);
            if (!s->label || !s->qs)
                goto nomem;
            for (size_t k = 0; k < task->n_questions; k++) {
                int qi = task->questions ? task->questions[k] : -1;
                if (qi < 0 || (size_t)qi >= p->n_questions)
                    continue;
                s->qs[s->n_qs++] = (size_t)qi;
                named[qi] = 1;
            }
        }
    }
    for (long r = 0; r <= (long)p->n_rounds; r++) {
        int none = r == (long)p->n_rounds;   /* the questions of no round */
        size_t m = 0;
        for (size_t q = 0; q < p->n_questions; q++)
            m += !named[q] && (none ? p->questions[q].round < 0
                                    : p->questions[q].round == r);
        if (m == 0)
            continue;
        session *s = &ss[n++];
        s->label = strdup(none ? sp_tr(c->m, "Other questions")
                               : p->rounds[r].name);
        s->qs = malloc(m * sizeof *s->qs);
        if (!s->label || !s->qs)
            goto nomem;
        for (size_t q = 0; q < p->n_questions; q++)
            if (!named[q] && (none ? p->questions[q].round < 0
                                   : p->questions[q].round == r))
                s->qs[s->n_qs++] = q;
    }
    free(named);
    *n_out = n;
    return ss;
nomem:
    free(named);
    if (ss)
        sessions_free(ss, n);
    return NULL;
}

long sp_mock_build(const sp_pack *pack, const sp_schedule *sched,
                   const sp_fonts *fonts, const sp_mock_opts *o,
                   sp_doc *doc, sp_diags *d)
{
    mk c;
    memset(&c, 0, sizeof c);
    c.pack = pack;
    c.s = sched;
    c.fonts = fonts;
    c.doc = doc;
    c.pw = o && o->page_w_pt > 0 ? o->page_w_pt : SP_MM_TO_PT(210);
    c.ph = o && o->page_h_pt > 0 ? o->page_h_pt : SP_MM_TO_PT(297);
    double m = o && o->margin_pt > 0 ? o->margin_pt
                                     : SP_MM_TO_PT(DEF_MARGIN_MM);
    c.x0 = m;
    c.iw = c.pw - 2 * m;
    c.top = m;
    c.bottom = c.ph - m - HEAD_PT - 8;
    c.m = o ? o->msgs : NULL;
    sp_fill(c.head_left, sizeof c.head_left,
            sp_tr(c.m, "Mock-interview kit \xc2\xb7 {1}"), pack->meta.title,
            NULL, NULL);
    sp_lines_init(&c.l);
    c.f = sp_flow_new(fonts);
    /* a figure fits a page whole (taller items go line by line) */
    if (c.f)
        sp_flow_figure_limit(c.f, c.bottom - c.top - 60);
    size_t n = 0;
    session *ss = c.f ? make_sessions(&c, &n) : NULL;
    long rc = -1;
    if (!ss)
        goto out;
    if (opening(&c, ss, n))
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t first = doc->n_pages;
        for (size_t k = 0; k < ss[i].n_qs; k++)
            if (question_page(&c, &ss[i], k))
                goto out;
        if (ss[i].n_qs && score_page(&c, &ss[i]))
            goto out;
        if (doc->n_pages > first
            && sp_doc_outline(doc, ss[i].label, first, 0, 0)) {
            c.nomem = 1;
            goto out;
        }
    }
    rc = c.nomem ? -1 : c.pages;
out:
    if (rc < 0)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    if (ss)
        sessions_free(ss, n);
    sp_flow_free(c.f);
    sp_lines_release(&c.l);
    free(c.tmp);
    return rc;
}
