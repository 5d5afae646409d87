/* pocket.c - the day-of pocket sheets (see pocket.h). */
#include "pocket.h"
#include "msg.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAD_MM 6.0
#define NAME_PT 13.0
#define LABEL_PT 6.5
#define FOOT_PT 6.0
#define MAX_REMINDERS 5
#define MIN_REMINDERS 3

static const double sizes[] = {9.5, 9, 8.5, 8, 7.5, 7};
#define N_SIZES (sizeof sizes / sizeof *sizes)

typedef struct {
    const sp_pack *pack;
    const sp_fonts *fonts;
    sp_flow *f;
    sp_lines l;
    sp_dlist *pg;
    double x0, iw, y, bottom;
    const sp_text *rem[MAX_REMINDERS];
    size_t n_rem;
    int nomem;
    const sp_msgs *m;        /* the labels' language */
} pk;

static sp_para_opts popts(double size_pt, unsigned style)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.size_pt = size_pt;
    o.style = style;
    o.total_fit = 1;
    return o;
}

/* 1 if the space-separated ID list LIST names ID. */
static int names(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " \t\n");
        size_t k = strcspn(p, " \t\n");
        if (k == n && memcmp(p, id, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

static void add_rem(pk *c, const sp_text *t)
{
    if (c->n_rem < MAX_REMINDERS && t->n_spans > 0)
        c->rem[c->n_rem++] = t;
}

/* The reminders of round R (see pocket.h). */
static void reminders(pk *c, const sp_round *r)
{
    c->n_rem = 0;
    for (size_t i = 1; i < r->desc.n_blocks; i++) {
        const sp_block *b = &r->desc.blocks[i];
        if (b->kind == SP_BLOCK_UL || b->kind == SP_BLOCK_OL)
            for (size_t j = 0; j < b->n_items; j++)
                add_rem(c, &b->items[j]);
        else if (b->kind == SP_BLOCK_P)
            add_rem(c, &b->text);
    }
    if (r->desc.n_blocks > 0 && r->desc.blocks[0].kind != SP_BLOCK_P) {
        const sp_block *b = &r->desc.blocks[0];
        for (size_t j = 0; b->kind != SP_BLOCK_PRE && j < b->n_items; j++)
            add_rem(c, &b->items[j]);
    }
    /* the tips that name the round; general ones only to make three */
    for (int pass = 0; pass < 2; pass++)
        for (size_t s = 0; s < c->pack->n_tips; s++) {
            const sp_tip_section *sec = &c->pack->tips[s];
            for (size_t t = 0; t < sec->n_tips; t++) {
                const char *rs = sec->tip_rounds ? sec->tip_rounds[t] : NULL;
                if (pass == 0 ? names(rs, r->id)
                              : rs == NULL && c->n_rem < MIN_REMINDERS)
                    add_rem(c, &sec->tips[t]);
            }
        }
}

/* Draws the lines of c->l that fit above c->bottom (all of them if they
 * do) and moves below them; 1 if all fitted, 0 if not, -1 out of memory. */
static int put_fitting(pk *c)
{
    size_t k = 0;
    while (k < c->l.n_lines && c->y + c->l.lines[k].bottom_pt <= c->bottom)
        k++;
    if (k && sp_lines_emit(&c->l, 0, k, c->pg, c->x0, c->y)) {
        c->nomem = 1;
        return -1;
    }
    c->y += k ? c->l.lines[k - 1].bottom_pt : 0;
    return k == c->l.n_lines;
}

static int put(pk *c, double x)
{
    if (sp_lines_emit(&c->l, 0, c->l.n_lines, c->pg, x, c->y)) {
        c->nomem = 1;
        return -1;
    }
    c->y += c->l.height_pt;
    return 0;
}

/* Places the section laid out in c->l below c->y and the gap after it:
 * drawn (as many lines as fit) when DRAW, else only measured.  1 if it
 * fitted, 0 if not, -1 when out of memory. */
static int place_section(pk *c, int draw, double size)
{
    if (draw) {
        int r = put_fitting(c);
        if (r <= 0)
            return r;
    } else if (c->y + c->l.height_pt > c->bottom) {
        return 0;
    } else {
        c->y += c->l.height_pt;
    }
    c->y += size * 0.5;
    return 1;
}

/* Lays out the body of round R's sheet at SIZE from c->y; draws it when
 * DRAW.  Returns 1 if it all fits, 0 if not (with DRAW: as many questions
 * as fit, then "+ K more"), -1 when out of memory. */
static int body(pk *c, const sp_round *r, long ri, double size, int draw)
{
    double y0 = c->y;
    sp_para_opts o = popts(0, 0);
    /* format */
    if (r->desc.n_blocks > 0 && r->desc.blocks[0].kind == SP_BLOCK_P) {
        sp_para_opts lo = popts(LABEL_PT, SP_STYLE_BOLD);
        sp_flow_clear(c->f);
        /* TRANSLATORS: the pocket sheet's labels are set in capitals */
        if (sp_flow_plain(c->f, sp_tr(c->m, "FORMAT"), &lo)
            || sp_flow_text(c->f, &r->desc.blocks[0].text, &o)
            || sp_flow_break(c->f, size, c->iw, &c->l))
            return -1;
        int placed = place_section(c, draw, size);
        if (placed <= 0) {
            if (placed == 0 && !draw)
                c->y = y0;
            return placed;
        }
    }
    /* on the day */
    reminders(c, r);
    if (c->n_rem) {
        sp_para_opts lo = popts(LABEL_PT, SP_STYLE_BOLD);
        sp_flow_clear(c->f);
        o.item_gap = 0.15;
        if (sp_flow_plain(c->f, sp_tr(c->m, "ON THE DAY"), &lo))
            return -1;
        sp_text items[MAX_REMINDERS];
        for (size_t i = 0; i < c->n_rem; i++)
            items[i] = *c->rem[i];
        if (sp_flow_list(c->f, items, c->n_rem, 0, &o)
            || sp_flow_break(c->f, size, c->iw, &c->l))
            return -1;
        int placed = place_section(c, draw, size);
        if (placed <= 0) {
            if (placed == 0 && !draw)
                c->y = y0;
            return placed;
        }
    }
    /* the round's questions, one line each */
    size_t n_q = 0;
    for (size_t q = 0; q < c->pack->n_questions; q++)
        n_q += c->pack->questions[q].round == ri;
    if (n_q == 0) {
        c->y = y0;
        return 1;
    }
    double lh = size * 1.25, label_h = LABEL_PT * 1.3;
    double room = c->bottom - c->y - label_h;
    size_t fit = room > 0 ? (size_t)(room / lh + 1e-6) : 0;
    int all = fit >= n_q;
    if (!draw) {
        c->y = y0;
        return all;
    }
    if (fit == 0)
        return 0;
    const char *ql = sp_tr(c->m, "QUESTIONS");
    if (sp_dl_text(c->pg, SP_FACE_BOLD, LABEL_PT, c->x0, c->y + LABEL_PT,
                   ql, strlen(ql)))
        return -1;
    c->y += label_h;
    size_t shown = 0, limit = all ? n_q : fit - 1;
    for (size_t q = 0; q < c->pack->n_questions && shown < limit; q++) {
        const sp_question *qq = &c->pack->questions[q];
        if (qq->round != ri)
            continue;
        char num[32];
        snprintf(num, sizeof num, "#%d ", qq->number);
        double nw = sp_text_width_pt(c->fonts, SP_FACE_BOLD, size, num,
                                     strlen(num));
        /* the prompt's plain text, on one line */
        char buf[400];
        size_t k = 0;
        for (size_t s = 0; s < qq->prompt.n_spans && k + 1 < sizeof buf; s++)
            k += (size_t)snprintf(buf + k, sizeof buf - k, "%s",
                                  qq->prompt.spans[s].text);
        if (k >= sizeof buf)
            k = sizeof buf - 1;
        double ew = sp_text_width_pt(c->fonts, SP_FACE_REGULAR, size,
                                     "\xe2\x80\xa6", 3);
        size_t len = strlen(buf);
        if (sp_text_width_pt(c->fonts, SP_FACE_REGULAR, size, buf, len)
            > c->iw - nw) {
            len = sp_text_fit_prefix(c->fonts, SP_FACE_REGULAR, size, buf,
                                     len, c->iw - nw - ew);
            while (len > 0 && buf[len - 1] == ' ')
                len--;
            memcpy(buf + len, "\xe2\x80\xa6", 4);
            len += 3;
        }
        if (sp_dl_text(c->pg, SP_FACE_BOLD, size, c->x0, c->y + size, num,
                       strlen(num))
            || sp_dl_text(c->pg, SP_FACE_REGULAR, size, c->x0 + nw,
                          c->y + size, buf, len))
            return -1;
        c->y += lh;
        shown++;
    }
    if (!all) {
        char more[160], k[24];
        snprintf(k, sizeof k, "%zu", n_q - shown);
        sp_fill(more, sizeof more,
                sp_trn(c->m, "+ {1} more: see the cards",
                       "+ {1} more: see the cards", n_q - shown),
                k, NULL, NULL);
        if (sp_dl_text(c->pg, SP_FACE_ITALIC, size, c->x0, c->y + size,
                       more, strlen(more)))
            return -1;
        c->y += lh;
    }
    return all;
}

long sp_pocket_build(const sp_pack *pack, const sp_fonts *fonts,
                     double page_w_pt, double page_h_pt, sp_doc *doc,
                     sp_diags *d, const sp_msgs *msgs)
{
    pk c;
    memset(&c, 0, sizeof c);
    c.m = msgs;
    c.pack = pack;
    c.fonts = fonts;
    double pad = SP_MM_TO_PT(PAD_MM);
    c.x0 = pad;
    c.iw = page_w_pt - 2 * pad;
    sp_lines_init(&c.l);
    c.f = sp_flow_new(fonts);
    long n = 0;
    for (size_t r = 0; c.f && r < pack->n_rounds; r++) {
        const sp_round *rd = &pack->rounds[r];
        c.pg = sp_doc_add_page(doc, page_w_pt, page_h_pt);
        if (!c.pg)
            goto nomem;
        n++;
        c.y = pad;
        /* the footer: the pack's title, one line */
        double foot_y = page_h_pt - pad;
        const char *t = pack->meta.title;
        size_t tl = sp_text_fit_prefix(fonts, SP_FACE_ITALIC, FOOT_PT, t,
                                       strlen(t), c.iw);
        if (sp_dl_text(c.pg, SP_FACE_ITALIC, FOOT_PT, c.x0, foot_y, t, tl)
            || sp_dl_line(c.pg, c.x0, foot_y - FOOT_PT - 2, c.x0 + c.iw,
                          foot_y - FOOT_PT - 2, 0.3, 0.6, 0))
            goto nomem;
        c.bottom = foot_y - FOOT_PT - 5;
        /* the round's name */
        sp_para_opts no = popts(NAME_PT, SP_STYLE_BOLD);
        sp_flow_clear(c.f);
        if (sp_flow_plain(c.f, rd->name, &no)
            || sp_flow_break(c.f, NAME_PT, c.iw, &c.l) || put(&c, c.x0))
            goto nomem;
        c.y += 5;
        size_t k = 0;
        int r_fit = 0;
        for (; k < N_SIZES; k++) {
            r_fit = body(&c, rd, (long)r, sizes[k], 0);
            if (r_fit < 0)
                goto nomem;
            if (r_fit)
                break;
        }
        if (body(&c, rd, (long)r, sizes[k < N_SIZES ? k : N_SIZES - 1], 1)
            < 0)
            goto nomem;
    }
    if (!c.f)
        goto nomem;
    sp_flow_free(c.f);
    sp_lines_release(&c.l);
    return n;
nomem:
    sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    sp_flow_free(c.f);
    sp_lines_release(&c.l);
    return -1;
}
