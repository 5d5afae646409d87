/* textbreak.c - breaking flows into lines, bidi reordering of lines, and
 * emitting lines as shaped text items (see text.h).  Flows are built in
 * text.c; their data is in text_internal.h. */
#include "text_internal.h"
#include "hyphenate.h"
#include "linebreak.h"

/* Code blocks of at most this many lines are kept on one card. */
#define PRE_KEEP_LINES 10

/* --------------------------------------------------------------- lines */

void sp_lines_init(sp_lines *l)
{
    memset(l, 0, sizeof *l);
}

void sp_lines_release(sp_lines *l)
{
    free(l->lines);
    free(l->runs);
    free(l->fit_w);
    free(l->fit_g);
    free(l->fit_break);
    sp_linebreak_release(&l->fit_ws);
    memset(l, 0, sizeof *l);
}

/* State of the line being filled by break_para. */
typedef struct {
    const sp_flow *f;
    const para *p;
    sp_lines *out;
    double size, k;         /* size in pt; pt per 1/1000 em */
    double x0, avail;       /* text left edge and width of this line */
    double line_w;          /* end of placed text, from x0 */
    double pend;            /* width of spaces waiting before the next word */
    int pend_slot;          /* slot of those spaces, -1 if mixed */
    int pend_level;         /* level of the first of them */
    uint32_t pend_off;      /* offset of the first waiting space */
    uint32_t pend_end;      /* offset after the last waiting space */
    uint32_t pend_g0, pend_g1;  /* their glyphs */
    size_t first_run;       /* the line's first run */
    size_t text_run;        /* its first run after label and mark */
    size_t merge_run;       /* run that text may extend, or SIZE_MAX */
    int has_text;
    int first_line;         /* the paragraph's first line */
    double cursor;          /* bottom of the previous line */
    int split_next;         /* split value of the next line */
    size_t hyph1, hyph2;    /* 1 + the last two lines ended by an added
                               hyphen (0: none) */
} brk;

/* Appends a run; -1 when out of memory. */
static int push_run(brk *b, sp_face face, int slot, int level, double x,
                    double w, const char *text, size_t len, size_t g0,
                    size_t gn)
{
    sp_lines *o = b->out;
    if (grow((void **)&o->runs, &o->cap_runs, o->n_runs, 1, sizeof(sp_run)))
        return -1;
    sp_run *r = &o->runs[o->n_runs++];
    r->face = face_of_slot(b->f->fonts, face, slot);
    r->slot = slot;
    r->level = level;
    r->size_pt = b->size;
    r->x_pt = x;
    r->width_pt = w;
    r->text = text;
    r->len = len;
    r->first_glyph = g0;
    r->n_glyphs = gn;
    r->actual = NULL;
    r->actual_len = 0;
    return 0;
}

/* Places bytes [off, off+len) of token TK (glyphs [g0, g1)), W pt wide,
 * after the waiting spaces; extends the previous run when contiguous in
 * the same slot and level. */
static int place(brk *b, const tok *tk, uint32_t off, uint32_t len,
                 uint32_t g0, uint32_t g1, double w)
{
    sp_lines *o = b->out;
    const char *buf = b->f->buf;
    int slot = tk->slot, level = tk->level;
    double x = b->x0 + b->line_w + b->pend;
    if (b->merge_run != (size_t)-1) {
        sp_run *r = &o->runs[b->merge_run];
        uint32_t r_end = (uint32_t)(r->text + r->len - buf);
        if (b->pend > 0 && b->pend_slot == r->slot
            && b->pend_level == r->level && r_end == b->pend_off) {
            /* the spaces join the previous run (copy-paste keeps them) */
            r->len = (size_t)(buf + b->pend_end - r->text);
            r->width_pt = x - r->x_pt;
            r->n_glyphs = b->pend_g1 - r->first_glyph;
            r_end = b->pend_end;
            if (r->slot == slot && r->level == level && r_end == off) {
                r->len = (size_t)(buf + off + len - r->text);
                r->width_pt = x + w - r->x_pt;
                r->n_glyphs = g1 - r->first_glyph;
                goto done;
            }
            b->pend = 0;    /* placed */
        } else if (b->pend == 0 && r->slot == slot && r->level == level
                   && r_end == off) {
            r->len = (size_t)(buf + off + len - r->text);
            r->width_pt = x + w - r->x_pt;
            r->n_glyphs = g1 - r->first_glyph;
            goto done;
        }
    }
    if (b->pend > 0 && b->pend_slot == slot && b->pend_level == level
        && b->pend_end == off
        && (b->merge_run == (size_t)-1
            || o->runs[b->merge_run].text + o->runs[b->merge_run].len
                   != buf + b->pend_end)) {
        /* the spaces open the new run instead */
        if (push_run(b, (sp_face)tk->face, slot, level, x - b->pend,
                     w + b->pend, buf + b->pend_off, off + len - b->pend_off,
                     b->pend_g0, g1 - b->pend_g0))
            return -1;
    } else {
        if (b->pend > 0 && b->p->bidi && b->pend_slot >= 0
            && (b->merge_run == (size_t)-1
                || o->runs[b->merge_run].text + o->runs[b->merge_run].len
                       != buf + b->pend_end)) {
            /* reordered lines keep their spaces as runs of their own */
            if (push_run(b, (sp_face)tk->face, b->pend_slot, b->pend_level,
                         x - b->pend, b->pend, buf + b->pend_off,
                         b->pend_end - b->pend_off, b->pend_g0,
                         b->pend_g1 - b->pend_g0))
                return -1;
        }
        if (push_run(b, (sp_face)tk->face, slot, level, x, w, buf + off, len,
                     g0, g1 - g0))
            return -1;
    }
    b->merge_run = o->n_runs - 1;
done:
    b->line_w = x + w - b->x0;
    b->pend = 0;
    b->pend_slot = -1;
    b->has_text = 1;
    return 0;
}

/* Starts a line: label on the paragraph's first line, continuation mark
 * on wrapped code lines. */
static int start_line(brk *b, int cont)
{
    const para *p = b->p;
    double indent = p->indent * b->k;
    b->first_run = b->out->n_runs;
    b->merge_run = (size_t)-1;
    b->line_w = 0;
    b->pend = 0;
    b->pend_slot = -1;
    b->has_text = 0;
    /* a right-to-left paragraph hangs from the right edge: its indent
     * and its label (bullet, number) are mirrored */
    int mirror = p->rtl && !p->pre;
    b->x0 = mirror ? 0 : indent;
    b->avail = b->out->width_pt - indent;
    if (b->first_line && p->has_label) {
        double lx = p->label_x * b->k, lw = p->label_w * b->k;
        if (push_run(b, (sp_face)p->label_face, p->label_slot, 0,
                     mirror ? b->out->width_pt - lx - lw : lx, lw,
                     b->f->buf + p->label_off, p->label_len,
                     p->label_g_first, p->label_g_n))
            return -1;
    }
    if (cont) {
        double mw = b->f->mark_w * b->k;
        if (push_run(b, (sp_face)b->f->mark_face, b->f->mark_slot, 0, indent,
                     mw, b->f->mark, strlen(b->f->mark), 0, b->f->mark_n))
            return -1;
        b->x0 += mw;
        b->avail -= mw;
    }
    b->text_run = b->out->n_runs;
    return 0;
}

/* Puts the text runs of a line holding right-to-left text in visual
 * order (UAX #9 L2 over the runs' levels), left to right from x0. */
static int reorder_line(brk *b)
{
    sp_lines *o = b->out;
    size_t n = o->n_runs - b->text_run;
    if (n == 0)
        return 0;
    sp_run *runs = o->runs + b->text_run;
    uint8_t lv[64];
    size_t ord_s[64];
    uint8_t *levels = n <= 64 ? lv : malloc(n);
    size_t *order = n <= 64 ? ord_s : malloc(n * sizeof *order);
    if (!levels || !order) {
        if (levels != lv)
            free(levels);
        if (order != ord_s)
            free(order);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        levels[i] = (uint8_t)runs[i].level;
    sp_bidi_order(levels, n, order);
    double x = b->x0;
    for (size_t i = 0; i < n; i++) {
        sp_run *r = &runs[order[i]];
        r->x_pt = x;
        x += r->width_pt;
    }
    b->line_w = x - b->x0;
    if (levels != lv)
        free(levels);
    if (order != ord_s)
        free(order);
    return 0;
}

/* Closes the current line: bidi order, alignment, vertical metrics,
 * split value. */
static int finish_line(brk *b)
{
    sp_lines *o = b->out;
    const para *p = b->p;
    const sp_fonts *fonts = b->f->fonts;
    if (grow((void **)&o->lines, &o->cap_lines, o->n_lines, 1,
             sizeof(sp_line)))
        return -1;
    if (p->bidi && reorder_line(b))
        return -1;
    double asc = 0, desc = 0;
    size_t nr = o->n_runs - b->first_run;
    sp_flow *fl = (sp_flow *)b->f;     /* the metrics cache only */
    if (nr == 0) {
        int s = sp_fonts_slot(fonts, (sp_face)p->face);
        asc = sp_fonts_slot_ascent(fonts, s);
        desc = sp_fonts_slot_descent(fonts, s);
    }
    int last_slot = -1;
    for (size_t i = b->first_run; i < o->n_runs; i++) {
        int s = o->runs[i].slot;
        if (s == last_slot)
            continue;
        last_slot = s;
        if (fl->asc[s] < 0) {
            fl->asc[s] = (float)sp_fonts_slot_ascent(fonts, s);
            fl->desc[s] = (float)sp_fonts_slot_descent(fonts, s);
        }
        if (fl->asc[s] > asc)
            asc = fl->asc[s];
        if (fl->desc[s] > desc)
            desc = fl->desc[s];
    }
    asc *= b->k;
    desc *= b->k;
    double lh = p->leading * b->size;
    if (lh < asc + desc)
        lh = asc + desc;
    double shift = 0;
    int align = p->align;
    if (p->rtl && align == SP_ALIGN_LEFT)
        align = SP_ALIGN_RIGHT;     /* the start of a right-to-left line */
    if (align == SP_ALIGN_CENTER && b->line_w < b->avail)
        shift = (b->avail - b->line_w) / 2;
    else if (align == SP_ALIGN_RIGHT && b->line_w < b->avail)
        shift = b->avail - b->line_w;
    if (shift > 0)
        for (size_t i = p->rtl ? b->text_run : b->first_run; i < o->n_runs;
             i++)
            o->runs[i].x_pt += shift;
    sp_line *ln = &o->lines[o->n_lines];
    double top = b->cursor;
    if (b->first_line && o->n_lines > 0)
        top += p->gap * b->size;
    ln->top_pt = top;
    ln->baseline_pt = top + (lh - asc - desc) / 2 + asc;
    ln->bottom_pt = top + lh;
    double right = 0;
    for (size_t i = b->first_run; i < o->n_runs; i++)
        if (o->runs[i].x_pt + o->runs[i].width_pt > right)
            right = o->runs[i].x_pt + o->runs[i].width_pt;
    ln->width_pt = nr ? right : 0;
    ln->first_run = b->first_run;
    ln->n_runs = nr;
    ln->figure = NULL;
    ln->fig_x_pt = ln->fig_w_pt = 0;
    ln->split = o->n_lines == 0 ? SP_SPLIT_BLOCK : b->split_next;
    o->n_lines++;
    b->cursor = ln->bottom_pt;
    b->first_line = 0;
    b->split_next = SP_SPLIT_LINE;
    return 0;
}

/* Places tokens [i, j) cluster by cluster, wrapping lines as they fill
 * (a word or code line wider than the box). */
static int place_chars_from(brk *b, size_t i, size_t j, uint32_t from)
{
    const sp_flow *f = b->f;
    for (size_t t = i; t < j; t++) {
        const tok *tk = &f->toks[t];
        const sp_glyph *g = f->glyphs;
        if (tk->off + tk->len <= from)
            continue;
        uint32_t ge = tk->g_first + tk->g_n, gp = tk->g_first;
        while (gp < ge && g[gp].cluster < from)
            gp++;
        uint32_t seg_g = gp;
        uint32_t seg = tk->off > from ? tk->off : from;
        double seg_w = 0;
        while (gp < ge) {
            /* one cluster: the glyphs sharing a cluster value */
            uint32_t c = g[gp].cluster, gq = gp;
            double cw = 0;
            while (gq < ge && g[gq].cluster == c) {
                cw += g[gq].adv;
                gq++;
            }
            cw *= b->k;
            uint32_t at = c < seg ? seg : c;
            if (b->line_w + b->pend + seg_w + cw > b->avail
                && (b->has_text || seg_w > 0)) {
                if (at > seg && place(b, tk, seg, at - seg, seg_g, gp, seg_w))
                    return -1;
                if (finish_line(b) || start_line(b, b->p->pre))
                    return -1;
                seg = at;
                seg_g = gp;
                seg_w = 0;
            }
            if (!b->has_text && seg_w == 0 && cw > b->avail)
                b->out->overflow = 1;
            seg_w += cw;
            gp = gq;
        }
        uint32_t end = tk->off + tk->len;
        if (end > seg && place(b, tk, seg, end - seg, seg_g, ge, seg_w))
            return -1;
    }
    return 0;
}

static int place_chars(brk *b, size_t i, size_t j)
{
    return place_chars_from(b, i, j, 0);
}

/* ---- hyphenation (hyphenate.h): only where a word does not fit ---- */

#define HYPHEN_POINTS 64
#define LOOSE_LINE 0.67     /* hyphenate at a line end only if the line
                               would otherwise be less full than this */
#define MAX_HYPHEN_LINES 2  /* ... and not after two hyphenated lines */
static const char hyphen_text[] = "-";

/* Glyphs [*g0, *g1) of token TK whose clusters lie in [from, to), and
 * their width in pt. */
static double tok_part(const brk *b, const tok *tk, uint32_t from,
                       uint32_t to, uint32_t *g0, uint32_t *g1)
{
    const sp_glyph *g = b->f->glyphs;
    uint32_t a = tk->g_first, e = tk->g_first + tk->g_n;
    while (a < e && g[a].cluster < from)
        a++;
    uint32_t z = a;
    double w = 0;
    while (z < e && g[z].cluster < to) {
        w += g[z].adv;
        z++;
    }
    *g0 = a;
    *g1 = z;
    return w * b->k;
}

/* Width in pt of bytes [from, to) of tokens [i, j). */
static double unit_w(const brk *b, size_t i, size_t j, uint32_t from,
                     uint32_t to)
{
    double w = 0;
    for (size_t t = i; t < j; t++) {
        uint32_t g0, g1;
        w += tok_part(b, &b->f->toks[t], from, to, &g0, &g1);
    }
    return w;
}

/* Places bytes [from, to) of tokens [i, j); 0 or -1. */
static int place_part(brk *b, size_t i, size_t j, uint32_t from,
                      uint32_t to)
{
    for (size_t t = i; t < j; t++) {
        const tok *tk = &b->f->toks[t];
        uint32_t a = tk->off > from ? tk->off : from;
        uint32_t z = tk->off + tk->len < to ? tk->off + tk->len : to;
        if (a >= z)
            continue;
        uint32_t g0, g1;
        double w = tok_part(b, tk, a, z, &g0, &g1);
        if (place(b, tk, a, z - a, g0, g1, w))
            return -1;
    }
    return 0;
}

/* Marks runs from R0 on as the rest of a hyphenated word, extracted as
 * nothing (the hyphen before them extracts it), and keeps later text out
 * of them. */
static void continued(brk *b, size_t r0)
{
    for (size_t r = r0; r < b->out->n_runs; r++) {
        b->out->runs[r].actual = "";
        b->out->runs[r].actual_len = 0;
    }
    b->merge_run = (size_t)-1;
}

/* Sets the unit of tokens [i, j), which does not fit in the rest of the
 * line, with hyphens: each line takes the longest part ending at a
 * hyphenation point that fits with its hyphen.  A line that already
 * holds text is ended first unless it is loose.  Returns 1 when the unit
 * is set, 0 when it cannot be hyphenated (the caller sets it as before),
 * -1 when out of memory. */
static int hyphenate_unit(brk *b, size_t i, size_t j)
{
    const sp_flow *f = b->f;
    for (size_t t = i; t < j; t++)
        if (f->toks[t].face == SP_FACE_MONO || (f->toks[t].level & 1)
            || (t > i && f->toks[t].off != f->toks[t - 1].off
                                               + f->toks[t - 1].len))
            return 0;
    uint32_t start = f->toks[i].off;
    uint32_t end = f->toks[j - 1].off + f->toks[j - 1].len;
    size_t pts[HYPHEN_POINTS];
    size_t n = sp_hyphen_points(f->hyph, f->buf + start, end - start, pts,
                                HYPHEN_POINTS);
    if (n == 0)
        return 0;
    uint32_t at = start;
    size_t next = 0;       /* first point after AT */
    int placed = 0;
    for (;;) {
        double room = b->avail - b->line_w - b->pend;
        double rest = unit_w(b, i, j, at, end);
        size_t r0 = b->out->n_runs;
        if (rest <= room) {
            if (place_part(b, i, j, at, end))
                return -1;
            if (placed)
                continued(b, r0);
            return 1;
        }
        /* the longest part that fits with its hyphen */
        size_t best = n;
        for (size_t k = next; k < n; k++) {
            uint32_t p = start + (uint32_t)pts[k];
            size_t t = i;
            while (t + 1 < j && f->toks[t + 1].off < p)
                t++;
            double hw = sp_text_width_pt(f->fonts, (sp_face)f->toks[t].face,
                                         b->size, hyphen_text, 1);
            if (unit_w(b, i, j, at, p) + hw <= room)
                best = k;
            else
                break;
        }
        size_t ln = b->out->n_lines;
        int ladder = ln >= MAX_HYPHEN_LINES && b->hyph1 == ln
                     && b->hyph2 == ln - 1;
        int loose = b->line_w + b->pend < LOOSE_LINE * b->avail && !ladder;
        if (best == n || (b->has_text && !placed && !loose)) {
            if (!b->has_text) {
                /* not even the first part fits an empty line */
                if (!placed)
                    return 0;
                if (place_chars_from(b, i, j, at))
                    return -1;
                continued(b, r0);
                return 1;
            }
            if (finish_line(b) || start_line(b, 0))
                return -1;
            continue;
        }
        uint32_t p = start + (uint32_t)pts[best];
        size_t t = i;
        while (t + 1 < j && f->toks[t + 1].off < p)
            t++;
        const tok *ht = &f->toks[t];
        if (place_part(b, i, j, at, p))
            return -1;
        if (placed)
            continued(b, r0);
        double hw = sp_text_width_pt(f->fonts, (sp_face)ht->face, b->size,
                                     hyphen_text, 1);
        if (push_run(b, (sp_face)ht->face, ht->slot, ht->level,
                     b->x0 + b->line_w, hw, hyphen_text, 1, 0, 0))
            return -1;
        /* readers extract the rest of the word instead of the hyphen
         * (the first one; later parts and hyphens extract nothing) */
        sp_run *hr = &b->out->runs[b->out->n_runs - 1];
        hr->actual = placed ? "" : f->buf + p;
        hr->actual_len = placed ? 0 : end - p;
        b->hyph2 = b->hyph1;
        b->hyph1 = b->out->n_lines + 1;
        b->line_w += hw;
        b->merge_run = (size_t)-1;
        if (finish_line(b) || start_line(b, 0))
            return -1;
        at = p;
        next = best + 1;
        placed = 1;
    }
}

/* Total fit for paragraph P at B's size: collects its units (glued text
 * tokens) and the spaces before them, as break_para measures them, and
 * chooses the breaks (out->fit_break[u]: a line starts at unit u).
 * Returns 1 when the breaks are set, 0 to break greedily instead (one
 * line is enough, a forced line break, a unit wider than the line), -1
 * when out of memory. */
static int total_fit_breaks(brk *b)
{
    const sp_flow *f = b->f;
    const para *p = b->p;
    sp_lines *o = b->out;
    size_t end = p->first + p->n, n = 0;
    double total = 0, glue = 0;
    for (size_t i = p->first; i < end;) {
        const tok *t = &f->toks[i];
        if (t->kind == T_NEWLINE)
            return 0;
        if (t->kind == T_SPACE) {
            if (n > 0)
                glue += t->w * b->k;
            i++;
            continue;
        }
        size_t j = i + 1;
        double w = t->w;
        while (j < end && f->toks[j].kind == T_TEXT && f->toks[j].glue) {
            w += f->toks[j].w;
            j++;
        }
        if (grow((void **)&o->fit_w, &o->cap_fit, n, 1, sizeof(double)))
            return -1;
        if (o->cap_fit > o->cap_fit_g) {
            double *g = realloc(o->fit_g, o->cap_fit * sizeof *g);
            unsigned char *bb = g ? realloc(o->fit_break, o->cap_fit) : NULL;
            if (g)
                o->fit_g = g;
            if (!bb)
                return -1;
            o->fit_break = bb;
            o->cap_fit_g = o->cap_fit;
        }
        o->fit_w[n] = w * b->k;
        o->fit_g[n] = glue;
        total += glue + w * b->k;
        glue = 0;
        n++;
        i = j;
    }
    if (total <= b->avail)
        return 0;
    long lines = sp_linebreak_total_fit(o->fit_w, o->fit_g, n, b->avail,
                                        o->fit_break, &o->fit_ws);
    if (lines < 0)
        return -1;
    return lines > 0;
}

/* Breaks one paragraph into lines. */
static int break_para(brk *b)
{
    const sp_flow *f = b->f;
    const para *p = b->p;
    if (p->n == 0 && !p->has_label)
        return 0;   /* an empty paragraph takes no room */
    b->size = p->size_pt > 0 ? p->size_pt : b->out->base_pt * p->scale;
    b->k = b->size / 1000.0;
    b->first_line = 1;
    if (start_line(b, 0))
        return -1;
    int fit = 0;
    size_t unit = 0;
    if (p->total_fit && !p->pre && !p->bidi
        && (fit = total_fit_breaks(b)) < 0)
        return -1;
    size_t i = p->first, end = p->first + p->n;
    while (i < end) {
        const tok *t = &f->toks[i];
        if (t->kind == T_NEWLINE) {
            if (finish_line(b) || start_line(b, 0))
                return -1;
            i++;
            continue;
        }
        if (t->kind == T_SPACE) {
            if (b->has_text) {
                if (b->pend == 0) {
                    b->pend_off = t->off;
                    b->pend_slot = t->slot;
                    b->pend_level = t->level;
                    b->pend_g0 = t->g_first;
                } else if (b->pend_slot != t->slot
                           || b->pend_level != t->level) {
                    b->pend_slot = -1;
                }
                b->pend += t->w * b->k;
                b->pend_end = t->off + t->len;
                b->pend_g1 = t->g_first + t->g_n;
            }
            i++;
            continue;
        }
        /* a unit: T_TEXT tokens glued together */
        size_t j = i + 1;
        double w = t->w;
        while (j < end && f->toks[j].kind == T_TEXT && f->toks[j].glue) {
            w += f->toks[j].w;
            j++;
        }
        w *= b->k;
        if (!fit && f->hyph && !p->pre && !p->bidi
            && w > b->avail - b->line_w - b->pend) {
            int r = hyphenate_unit(b, i, j);
            if (r < 0)
                return -1;
            if (r > 0) {
                i = j;
                continue;
            }
        }
        if (fit ? unit > 0 && b->out->fit_break[unit]
                : b->has_text && b->line_w + b->pend + w > b->avail) {
            if (finish_line(b) || start_line(b, 0))
                return -1;
        }
        unit++;
        if (fit || w <= b->avail - b->line_w - b->pend) {
            for (size_t t2 = i; t2 < j; t2++) {
                const tok *tk = &f->toks[t2];
                if (place(b, tk, tk->off, tk->len, tk->g_first,
                          tk->g_first + tk->g_n, tk->w * b->k))
                    return -1;
            }
        } else if (place_chars(b, i, j)) {
            return -1;
        }
        i = j;
    }
    return finish_line(b);
}

/* The figure paragraph's one line: the figure's share of the width,
 * its aspect ratio, at most the flow's figure limit tall, centred. */
static int break_figure(brk *b)
{
    const para *p = b->p;
    const sp_figure *fig = p->figure;
    sp_lines *o = b->out;
    if (grow((void **)&o->lines, &o->cap_lines, o->n_lines, 1,
             sizeof(sp_line)))
        return -1;
    double size = p->size_pt > 0 ? p->size_pt : o->base_pt * p->scale;
    double pct = fig->width_pct > 0 && fig->width_pct <= 100
                     ? fig->width_pct : 100;
    double w = o->width_pt * pct / 100.0;
    double aspect = fig->width_px > 0 && fig->height_px > 0
                        ? (double)fig->height_px / fig->width_px : 0.75;
    double h = w * aspect;
    double max = b->f->figure_max_h;
    if (max > 0 && h > max) {
        h = max;
        w = h / aspect;
    }
    sp_line *ln = &o->lines[o->n_lines];
    memset(ln, 0, sizeof *ln);
    double top = b->cursor;
    if (o->n_lines > 0)
        top += p->gap * size;
    ln->top_pt = top;
    ln->bottom_pt = ln->baseline_pt = top + h;
    ln->first_run = o->n_runs;
    ln->split = o->n_lines == 0 ? SP_SPLIT_BLOCK : b->split_next;
    ln->figure = fig;
    ln->fig_w_pt = w;
    ln->fig_x_pt = (o->width_pt - w) / 2;
    ln->width_pt = ln->fig_x_pt + w;
    o->n_lines++;
    b->cursor = ln->bottom_pt;
    b->split_next = SP_SPLIT_LINE;
    return 0;
}

/* After a caption is broken: if the figure line FIG and its caption are
 * taller than the figure limit, the figure shrinks (to no less than a
 * quarter of the limit) and the caption moves up. */
static void fit_caption(brk *b, size_t fig)
{
    sp_lines *o = b->out;
    double max = b->f->figure_max_h;
    if (max <= 0 || fig >= o->n_lines)
        return;
    sp_line *fl = &o->lines[fig];
    double fh = fl->bottom_pt - fl->top_pt;
    double total = o->lines[o->n_lines - 1].bottom_pt - fl->top_pt;
    if (total <= max || fh <= 0)
        return;
    double delta = total - max;
    if (fh - delta < max / 4)
        delta = fh - max / 4;
    if (delta <= 0)
        return;
    double k = (fh - delta) / fh;
    fl->fig_w_pt *= k;
    fl->fig_x_pt = (o->width_pt - fl->fig_w_pt) / 2;
    fl->width_pt = fl->fig_x_pt + fl->fig_w_pt;
    fl->bottom_pt -= delta;
    fl->baseline_pt -= delta;
    for (size_t i = fig + 1; i < o->n_lines; i++) {
        o->lines[i].top_pt -= delta;
        o->lines[i].baseline_pt -= delta;
        o->lines[i].bottom_pt -= delta;
    }
    b->cursor -= delta;
}

int sp_flow_break(const sp_flow *f, double base_pt, double width_pt,
                  sp_lines *out)
{
    out->n_lines = out->n_runs = 0;
    out->base_pt = base_pt;
    out->width_pt = width_pt;
    out->height_pt = 0;
    out->overflow = 0;
    out->glyphs = f->glyphs;
    out->base = f->buf;
    out->mark = f->mark;
    brk b;
    memset(&b, 0, sizeof b);
    b.f = f;
    b.out = out;
    b.split_next = SP_SPLIT_BLOCK;
    size_t fig_line = (size_t)-1;   /* the last figure's line */
    for (size_t i = 0; i < f->n_paras; i++) {
        b.p = &f->paras[i];
        if (i > 0)
            b.split_next = f->paras[i - 1].keep_next ? SP_SPLIT_NEVER
                                                     : SP_SPLIT_BLOCK;
        if (b.p->figure) {
            fig_line = out->n_lines;
            if (break_figure(&b))
                return -1;
            continue;
        }
        size_t before = out->n_lines;
        if (break_para(&b))
            return -1;
        /* a code block of up to PRE_KEEP_LINES lines is never split */
        if (b.p->pre && out->n_lines - before <= PRE_KEEP_LINES)
            for (size_t k = before + 1; k < out->n_lines; k++)
                out->lines[k].split = SP_SPLIT_NEVER;
        if (b.p->caption && i > 0 && f->paras[i - 1].figure)
            fit_caption(&b, fig_line);
    }
    out->height_pt = out->n_lines ? out->lines[out->n_lines - 1].bottom_pt
                                  : 0;
    return 0;
}

double sp_lines_range_height_pt(const sp_lines *l, size_t first, size_t end)
{
    if (end <= first || end > l->n_lines)
        return 0;
    return l->lines[end - 1].bottom_pt - l->lines[first].top_pt;
}

int sp_flow_fit(const sp_flow *f, const double *sizes_pt, size_t n,
                double width_pt, double height_pt, sp_lines *out)
{
    if (n == 0)
        return 0;
    if (sp_flow_break(f, sizes_pt[0], width_pt, out))
        return -1;
    if (out->height_pt <= height_pt)
        return 0;
    /* first fitting index in [lo, hi); n if none */
    size_t lo = 1, hi = n, last = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp_flow_break(f, sizes_pt[mid], width_pt, out))
            return -1;
        last = mid;
        if (out->height_pt <= height_pt)
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t want = lo < n ? lo : n - 1;
    if (last != want && sp_flow_break(f, sizes_pt[want], width_pt, out))
        return -1;
    return (int)lo;
}

int sp_lines_emit(const sp_lines *l, size_t first, size_t end, sp_dlist *dl,
                  double x_pt, double y_pt)
{
    if (end > l->n_lines)
        end = l->n_lines;
    if (first >= end)
        return 0;
    double dy = y_pt - l->lines[first].top_pt;
    for (size_t i = first; i < end; i++) {
        const sp_line *ln = &l->lines[i];
        if (ln->figure) {
            const sp_figure *fg = ln->figure;
            if (sp_dl_image(dl, fg->path, fg->alt, fg->width_px,
                            fg->height_px, x_pt + ln->fig_x_pt,
                            dy + ln->top_pt, ln->fig_w_pt,
                            ln->bottom_pt - ln->top_pt))
                return -1;
            continue;
        }
        for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
            const sp_run *run = &l->runs[r];
            /* visual order; clusters relative to the run's text */
            uint32_t base = run->text == l->mark
                ? 0 : (uint32_t)(run->text - l->base);
            if (run->actual && run->actual_len > 0) {
                /* an added hyphen, unshaped, extracting as its word's rest */
                if (sp_dl_text_actual(dl, run->face, run->size_pt,
                                      x_pt + run->x_pt, dy + ln->baseline_pt,
                                      run->text, run->len, run->actual,
                                      run->actual_len))
                    return -1;
                continue;
            }
            if (sp_dl_glyphs_from(dl, run->face, run->slot, run->size_pt,
                                  x_pt + run->x_pt, dy + ln->baseline_pt,
                                  run->text, run->len,
                                  l->glyphs + run->first_glyph,
                                  run->n_glyphs, run->level & 1, base))
                return -1;
            if (run->actual)
                dl->items[dl->n_items - 1].actual = "";
        }
    }
    return 0;
}

