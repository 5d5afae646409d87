/* impose.c - imposition: logical pages onto sheets (see impose.h).
 *
 * Everything here is arithmetic in points, top-left origin, y down.
 *
 * Duplex mirroring is physical.  When a sheet is turned over its LONG
 * edge, a point (x, y) on the front lies behind the point mirrored across
 * the axis parallel to that edge; turned over its SHORT edge, across the
 * other axis.  On a portrait sheet (the usual case) the long edge is
 * vertical, so long-edge duplex mirrors columns (x' = W - x - w) and
 * short-edge duplex mirrors rows (y' = H - y - h), as impose.h says.  When
 * the grid turns the paper to landscape (sheet_w > sheet_h) the long edge
 * is horizontal and the roles swap: long-edge mirrors rows, short-edge
 * mirrors columns.  This holds whichever way a viewer rotates a landscape
 * page onto portrait paper, as long as it rotates both sides alike, and it
 * is what makes a landscape grid line up on a long-edge printer.
 */
#include "impose.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Slack for floating-point comparisons of lengths in points. */
#define EPS_PT 1e-6

/* Crop marks: thin black lines, MARK_OFF_PT away from the card corner,
 * at most MARK_LEN_PT long, left out when less than MARK_MIN_PT fits. */
#define MARK_LINE_PT 0.25
#define MARK_OFF_PT 2.0
#define MARK_LEN_PT 9.0
#define MARK_MIN_PT 2.0
/* Cut lines: dashed light gray along the card edges. */
#define CUT_LINE_PT 0.25
#define CUT_GRAY 0.7
#define CUT_DASH_PT 3.0
/* Fold line (fold mode) and booklet spine ticks. */
#define FOLD_LINE_PT 0.4
#define FOLD_GRAY 0.5
#define FOLD_DASH_PT 4.0
#define FOLD_LABEL_PT 6.0
#define SPINE_TICK_PT 6.0

/* Slots that fit along one axis: n * card + (n - 1) * gap <= usable. */
static int fit_count(double usable_pt, double card_pt, double gap_pt)
{
    if (usable_pt + EPS_PT < card_pt)
        return 0;
    double n = floor((usable_pt + gap_pt + EPS_PT) / (card_pt + gap_pt));
    if (n > 100000.0)
        n = 100000.0;
    return (int)n;
}

/* Fills *g for one paper orientation (w x h); returns the slot count. */
static int try_orientation(const sp_grid_opts *o, double w, double h,
                           sp_grid *g)
{
    memset(g, 0, sizeof *g);
    g->sheet_w_pt = w;
    g->sheet_h_pt = h;
    g->card_w_pt = o->card_w_pt;
    g->card_h_pt = o->card_h_pt;
    g->gap_pt = o->gap_pt;
    g->duplex = o->duplex;
    g->back_dx_pt = o->back_dx_pt;
    g->back_dy_pt = o->back_dy_pt;
    g->back_sx = o->back_sx > 0 ? o->back_sx : 1;
    g->back_sy = o->back_sy > 0 ? o->back_sy : 1;
    g->crop_marks = o->crop_marks;
    g->cut_lines = o->cut_lines;

    double usable_h = h - 2 * o->margin_pt;
    double usable_w;
    if (o->duplex == SP_DUPLEX_FOLD)
        /* one half: from the margin to gap/2 before the fold */
        usable_w = w / 2 - o->gap_pt / 2 - o->margin_pt;
    else
        usable_w = w - 2 * o->margin_pt;
    g->cols = fit_count(usable_w, o->card_w_pt, o->gap_pt);
    g->rows = fit_count(usable_h, o->card_h_pt, o->gap_pt);
    if (g->cols <= 0 || g->rows <= 0) {
        g->cols = g->rows = 0;
        return 0;
    }
    if ((long)g->cols * g->rows > 1000000L)
        return 0;
    g->per_sheet = g->cols * g->rows;

    double grid_w = g->cols * o->card_w_pt + (g->cols - 1) * o->gap_pt;
    double grid_h = g->rows * o->card_h_pt + (g->rows - 1) * o->gap_pt;
    g->y0_pt = (h - grid_h) / 2;
    if (o->duplex == SP_DUPLEX_FOLD)
        /* Fronts sit against the fold, gap/2 clear of it, so fronts and
         * backs together form one grid of 2 * cols columns centred on the
         * sheet; with a gap of 0 each card's two sides share the fold. */
        g->x0_pt = w / 2 - o->gap_pt / 2 - grid_w;
    else
        g->x0_pt = (w - grid_w) / 2;
    return g->per_sheet;
}

int sp_grid_compute(const sp_grid_opts *opts, sp_grid *grid)
{
    const sp_grid_opts *o = opts;
    if (!(o->paper_w_pt > 0) || !(o->paper_h_pt > 0) || !(o->card_w_pt > 0)
        || !(o->card_h_pt > 0) || !(o->margin_pt >= 0) || !(o->gap_pt >= 0)
        || !isfinite(o->paper_w_pt) || !isfinite(o->paper_h_pt)
        || !isfinite(o->card_w_pt) || !isfinite(o->card_h_pt)
        || !isfinite(o->margin_pt) || !isfinite(o->gap_pt)) {
        memset(grid, 0, sizeof *grid);
        return -1;
    }
    double pw = fmin(o->paper_w_pt, o->paper_h_pt);
    double ph = fmax(o->paper_w_pt, o->paper_h_pt);
    sp_grid portrait, landscape;
    int np = try_orientation(o, pw, ph, &portrait);
    int nl = try_orientation(o, ph, pw, &landscape);
    if (np == 0 && nl == 0) {
        *grid = portrait;
        return -1;
    }
    *grid = nl > np ? landscape : portrait;
    return 0;
}

/* 1 if the sheet's long edge is vertical (portrait or square). */
static int long_edge_vertical(const sp_grid *g)
{
    return g->sheet_h_pt >= g->sheet_w_pt;
}

void sp_grid_slot(const sp_grid *grid, int slot, int back, double *x_pt,
                  double *y_pt)
{
    const sp_grid *g = grid;
    assert(g->cols > 0 && slot >= 0 && slot < g->per_sheet);
    int r = slot / g->cols, c = slot % g->cols;
    double x = g->x0_pt + c * (g->card_w_pt + g->gap_pt);
    double y = g->y0_pt + r * (g->card_h_pt + g->gap_pt);
    if (back) {
        int mirror_x;
        switch (g->duplex) {
        case SP_DUPLEX_LONG: mirror_x = long_edge_vertical(g); break;
        case SP_DUPLEX_SHORT: mirror_x = !long_edge_vertical(g); break;
        case SP_DUPLEX_FOLD: mirror_x = 1; break;
        default: assert(0); mirror_x = 1; break;
        }
        if (mirror_x)
            x = g->sheet_w_pt - x - g->card_w_pt;
        else
            y = g->sheet_h_pt - y - g->card_h_pt;
        if (g->duplex != SP_DUPLEX_FOLD) {
            x = g->sheet_w_pt / 2 + (x - g->sheet_w_pt / 2) * g->back_sx;
            y = g->sheet_h_pt / 2 + (y - g->sheet_h_pt / 2) * g->back_sy;
        }
        x += g->back_dx_pt;
        y += g->back_dy_pt;
    }
    *x_pt = x;
    *y_pt = y;
}

/* ---- marks ---------------------------------------------------------- */

typedef struct {
    double x, y, w, h;
} rect;

/* A candidate line, collected so duplicates (shared corners and edges of
 * touching cards) are drawn once. */
enum { SEG_CUT = 0, SEG_CROP = 1 };   /* drawing order: cut lines first */

typedef struct {
    int kind;           /* SEG_CUT or SEG_CROP */
    double x1, y1, x2, y2;
} seg;

typedef struct {
    seg *v;
    size_t n, cap;
} segs;

static int segs_push(segs *s, int kind, double x1, double y1, double x2,
                     double y2)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        seg *p = realloc(s->v, ncap * sizeof *p);
        if (!p)
            return -1;
        s->v = p;
        s->cap = ncap;
    }
    s->v[s->n++] = (seg){kind, x1, y1, x2, y2};
    return 0;
}

static int cmp_d(double a, double b)
{
    if (a < b - 1e-4)
        return -1;
    if (a > b + 1e-4)
        return 1;
    return 0;
}

/* 1 for a vertical segment (x1 == x2), 0 for a horizontal one. */
static int seg_vertical(const seg *g)
{
    return cmp_d(g->x1, g->x2) == 0 && cmp_d(g->y1, g->y2) != 0;
}

/* Orders segments by kind, orientation, the line they lie on, start and
 * end, so collinear pieces follow each other. */
static int seg_cmp(const void *pa, const void *pb)
{
    const seg *a = pa, *b = pb;
    int c;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int va = seg_vertical(a), vb = seg_vertical(b);
    if (va != vb)
        return va < vb ? -1 : 1;
    if ((c = cmp_d(va ? a->x1 : a->y1, vb ? b->x1 : b->y1))
        || (c = cmp_d(va ? a->y1 : a->x1, vb ? b->y1 : b->x1))
        || (c = cmp_d(va ? a->y2 : a->x2, vb ? b->y2 : b->x2)))
        return c;
    return 0;
}

/* Room along a ray from (px, py) in direction (dx, dy) (one of them +-1,
 * the other 0) before it meets one of the obstacles (halved: the
 * neighbour's marks share the space) or the sheet edge (whole). */
static double ray_room(const rect *obst, size_t n_obst, double sw, double sh,
                       double px, double py, int dx, int dy)
{
    const double touch = MARK_LINE_PT / 2 + EPS_PT;
    double room;
    if (dx < 0)
        room = px;
    else if (dx > 0)
        room = sw - px;
    else if (dy < 0)
        room = py;
    else
        room = sh - py;
    for (size_t i = 0; i < n_obst; i++) {
        const rect *r = &obst[i];
        double d;
        if (dx != 0) {
            if (py < r->y - touch || py > r->y + r->h + touch)
                continue;
            if (dx < 0) {
                if (!(r->x < px - EPS_PT))
                    continue;
                d = px - (r->x + r->w);
            } else {
                if (!(r->x + r->w > px + EPS_PT))
                    continue;
                d = r->x - px;
            }
        } else {
            if (px < r->x - touch || px > r->x + r->w + touch)
                continue;
            if (dy < 0) {
                if (!(r->y < py - EPS_PT))
                    continue;
                d = py - (r->y + r->h);
            } else {
                if (!(r->y + r->h > py + EPS_PT))
                    continue;
                d = r->y - py;
            }
        }
        if (d < 0)
            d = 0;
        if (d / 2 < room)
            room = d / 2;
    }
    return room;
}

/* Adds the crop marks and/or cut lines of the cards in cards[] (those with
 * present[i] set) to s.  obst[] is every slot on the side, present or not,
 * so a partly filled sheet gets a subset of a full sheet's marks. */
static int collect_marks(segs *s, const rect *obst, size_t n_obst,
                         const rect *cards, size_t n_cards, double sw,
                         double sh, int crop, int cut)
{
    for (size_t i = 0; i < n_cards; i++) {
        const rect *c = &cards[i];
        double xs[2] = {c->x, c->x + c->w}, ys[2] = {c->y, c->y + c->h};
        if (cut) {
            if (segs_push(s, SEG_CUT, xs[0], ys[0], xs[1], ys[0])
                || segs_push(s, SEG_CUT, xs[0], ys[1], xs[1], ys[1])
                || segs_push(s, SEG_CUT, xs[0], ys[0], xs[0], ys[1])
                || segs_push(s, SEG_CUT, xs[1], ys[0], xs[1], ys[1]))
                return -1;
        }
        if (!crop)
            continue;
        for (int cx = 0; cx < 2; cx++) {
            for (int cy = 0; cy < 2; cy++) {
                double px = xs[cx], py = ys[cy];
                int hx = cx ? 1 : -1, vy = cy ? 1 : -1;
                /* horizontal mark, outward from the card's side */
                double room = ray_room(obst, n_obst, sw, sh, px, py, hx, 0);
                double len = fmin(MARK_LEN_PT, room - MARK_OFF_PT);
                if (len >= MARK_MIN_PT) {
                    double a = px + hx * MARK_OFF_PT;
                    double b = a + hx * len;
                    if (segs_push(s, SEG_CROP, fmin(a, b), py, fmax(a, b), py))
                        return -1;
                }
                /* vertical mark, outward from the card's top/bottom */
                room = ray_room(obst, n_obst, sw, sh, px, py, 0, vy);
                len = fmin(MARK_LEN_PT, room - MARK_OFF_PT);
                if (len >= MARK_MIN_PT) {
                    double a = py + vy * MARK_OFF_PT;
                    double b = a + vy * len;
                    if (segs_push(s, SEG_CROP, px, fmin(a, b), px, fmax(a, b)))
                        return -1;
                }
            }
        }
    }
    return 0;
}

static int emit_seg(sp_dlist *dl, const seg *g)
{
    return g->kind == SEG_CUT
        ? sp_dl_line(dl, g->x1, g->y1, g->x2, g->y2, CUT_LINE_PT, CUT_GRAY,
                     CUT_DASH_PT)
        : sp_dl_line(dl, g->x1, g->y1, g->x2, g->y2, MARK_LINE_PT, 0.0, 0.0);
}

/* Sorts the segments and appends them to dl, cut lines first, then crop
 * marks on top.  Duplicates (touching cards share edges and corners) are
 * drawn once, and collinear pieces that touch or overlap are joined: the
 * two half-marks in a gap between cards become one line across it. */
static int emit_segs(segs *s, sp_dlist *dl)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, seg_cmp);
    seg cur = s->v[0];
    for (size_t i = 1; i < s->n; i++) {
        const seg *g = &s->v[i];
        int v = seg_vertical(g);
        if (g->kind == cur.kind && v == seg_vertical(&cur)
            && cmp_d(v ? g->x1 : g->y1, v ? cur.x1 : cur.y1) == 0
            && (v ? g->y1 <= cur.y2 + 1e-4 : g->x1 <= cur.x2 + 1e-4)) {
            if (v)
                cur.y2 = fmax(cur.y2, g->y2);
            else
                cur.x2 = fmax(cur.x2, g->x2);
            continue;
        }
        if (emit_seg(dl, &cur))
            return -1;
        cur = *g;
    }
    return emit_seg(dl, &cur);
}

/* Gives back the spare capacity of a finished marks list: a big document
 * has thousands of them. */
static void shrink(sp_dlist *dl)
{
    if (dl->cap_items > dl->n_items && dl->n_items > 0) {
        sp_dl_item *p = realloc(dl->items, dl->n_items * sizeof *p);
        if (p) {
            dl->items = p;
            dl->cap_items = dl->n_items;
        }
    }
}

/* Marks of one output page: the fronts (and in fold mode the backs) of
 * the n cards on it. */
static int sheet_marks(sp_dlist *dl, const sp_grid *g, int n)
{
    if (!g->crop_marks && !g->cut_lines)
        return 0;
    int sides = g->duplex == SP_DUPLEX_FOLD ? 2 : 1;
    size_t n_slots = (size_t)g->per_sheet * (size_t)sides;
    rect *obst = malloc(n_slots * sizeof *obst);
    rect *cards = malloc(n_slots * sizeof *cards);
    segs s = {0};
    int rc = -1;
    if (!obst || !cards)
        goto out;
    size_t n_cards = 0;
    for (int side = 0; side < sides; side++) {
        for (int i = 0; i < g->per_sheet; i++) {
            rect r = {0, 0, g->card_w_pt, g->card_h_pt};
            sp_grid_slot(g, i, side, &r.x, &r.y);
            obst[(size_t)side * (size_t)g->per_sheet + (size_t)i] = r;
            if (i < n)
                cards[n_cards++] = r;
        }
    }
    if (collect_marks(&s, obst, n_slots, cards, n_cards, g->sheet_w_pt,
                      g->sheet_h_pt, g->crop_marks, g->cut_lines))
        goto out;
    rc = emit_segs(&s, dl);
out:
    free(s.v);
    free(obst);
    free(cards);
    return rc;
}

/* Fold mode: a dashed line down the middle and a small label above the
 * grid when there is room for it. */
static int fold_marks(sp_dlist *dl, const sp_grid *g)
{
    double x = g->sheet_w_pt / 2;
    if (sp_dl_line(dl, x, 0, x, g->sheet_h_pt, FOLD_LINE_PT, FOLD_GRAY,
                   FOLD_DASH_PT))
        return -1;
    /* above the crop marks' reach (a mark may stand right next to the
     * fold when there is a gap), or no label when there is no room */
    double base = g->y0_pt - MARK_OFF_PT - MARK_LEN_PT - 2;
    if (base - FOLD_LABEL_PT < 1)
        return 0;
    static const char label[] = "fold";
    return sp_dl_text(dl, SP_FACE_REGULAR, FOLD_LABEL_PT, x + 2.5, base,
                      label, sizeof label - 1);
}

int sp_impose_simplex(sp_doc *doc, const sp_grid *grid, size_t n_pages)
{
    const sp_grid *g = grid;
    if (g->per_sheet <= 0 || g->duplex == SP_DUPLEX_FOLD
        || n_pages > doc->n_pages)
        return -1;
    size_t per = (size_t)g->per_sheet;
    for (size_t first = 0; first < n_pages; first += per) {
        int n = (int)(n_pages - first < per ? n_pages - first : per);
        sp_sheet *sh = sp_doc_add_sheet(doc, g->sheet_w_pt, g->sheet_h_pt);
        if (!sh || sheet_marks(&sh->marks, g, n))
            return -1;
        shrink(&sh->marks);
        for (int i = 0; i < n; i++) {
            double x, y;
            sp_grid_slot(g, i, 0, &x, &y);
            if (sp_sheet_place(sh, first + (size_t)i, x, y, 0))
                return -1;
        }
    }
    return 0;
}

int sp_impose_cards(sp_doc *doc, const sp_grid *grid, size_t n_cards)
{
    const sp_grid *g = grid;
    if (g->per_sheet <= 0 || n_cards > doc->n_pages / 2)
        return -1;
    size_t per = (size_t)g->per_sheet;
    for (size_t first = 0; first < n_cards; first += per) {
        int n = (int)(n_cards - first < per ? n_cards - first : per);
        sp_sheet *front = sp_doc_add_sheet(doc, g->sheet_w_pt, g->sheet_h_pt);
        if (!front || sheet_marks(&front->marks, g, n))
            return -1;
        if (g->duplex == SP_DUPLEX_FOLD && fold_marks(&front->marks, g))
            return -1;
        shrink(&front->marks);
        for (int i = 0; i < n; i++) {
            double x, y;
            sp_grid_slot(g, i, 0, &x, &y);
            if (sp_sheet_place(front, 2 * (first + (size_t)i), x, y, 0))
                return -1;
        }
        sp_sheet *back = front;
        if (g->duplex != SP_DUPLEX_FOLD) {
            /* no marks on backs: misregistration would put them on cards */
            back = sp_doc_add_sheet(doc, g->sheet_w_pt, g->sheet_h_pt);
            if (!back)
                return -1;
        }
        int fold = g->duplex == SP_DUPLEX_FOLD;
        for (int i = 0; i < n; i++) {
            double x, y;
            sp_grid_slot(g, i, 1, &x, &y);
            if (sp_sheet_place_scaled(back, 2 * (first + (size_t)i) + 1, x,
                                      y, 0, fold ? 1 : g->back_sx,
                                      fold ? 1 : g->back_sy))
                return -1;
        }
    }
    return 0;
}

/* ---- saddle stitch -------------------------------------------------- */

size_t sp_saddle_order(size_t n_pages, size_t *order, size_t order_cap)
{
    size_t n = (n_pages + 3) / 4 * 4;
    if (n < n_pages)        /* overflow */
        return 0;
    if (!order || order_cap < n)
        return n;
    const size_t blank = (size_t)-1;
    /* 1-based booklet pages: sheet s front = [n-2s, 2s+1],
     * back = [2s+2, n-2s-1]; stored 0-based, blanks beyond n_pages. */
    for (size_t s = 0; s < n / 4; s++) {
        size_t p[4] = {n - 2 * s, 2 * s + 1, 2 * s + 2, n - 2 * s - 1};
        for (int k = 0; k < 4; k++)
            order[4 * s + (size_t)k] = p[k] <= n_pages ? p[k] - 1 : blank;
    }
    return n;
}

int sp_impose_booklet(sp_doc *doc, const sp_booklet_opts *opts)
{
    const sp_booklet_opts *o = opts;
    size_t n = sp_saddle_order(doc->n_pages, NULL, 0);
    if (n == 0)
        return doc->n_pages == 0 ? 0 : -1;
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return -1;
    sp_saddle_order(doc->n_pages, order, n);
    size_t sheets = n / 4;
    double sw = o->sheet_w_pt, sh = o->sheet_h_pt;
    double pw = o->page_w_pt, ph = o->page_h_pt;
    double spine = sw / 2, top = (sh - ph) / 2;
    int rc = -1;
    for (size_t s = 0; s < sheets; s++) {
        /* Creep.  Folded together, the inner sheets stick out further at
         * the fore-edge than the outer ones (each sheet wraps around the
         * ones inside it), and trimming the fore-edge then cuts their
         * content closer to the edge.  So the pages of sheet k (k = 0
         * outermost) move TOWARD THE SPINE by creep * k / (S - 1): the
         * outermost sheet stays put and the innermost moves by the full
         * creep.  The page's gutter margin absorbs the shift. */
        double shift = sheets > 1 ? o->creep_pt * (double)s
                                        / (double)(sheets - 1) : 0;
        for (int side = 0; side < 2; side++) {
            sp_sheet *sheet = sp_doc_add_sheet(doc, sw, sh);
            if (!sheet)
                goto out;
            int turn = side == 1 && o->flip_long;
            if (side == 0) {
                /* a small tick at the spine, top and bottom, to fold on */
                if (sp_dl_line(&sheet->marks, spine, 0, spine, SPINE_TICK_PT,
                               MARK_LINE_PT, FOLD_GRAY, 0)
                    || sp_dl_line(&sheet->marks, spine, sh - SPINE_TICK_PT,
                                  spine, sh, MARK_LINE_PT, FOLD_GRAY, 0))
                    goto out;
            }
            for (int lr = 0; lr < 2; lr++) {
                size_t page = order[4 * s + 2 * (size_t)side + (size_t)lr];
                if (page == (size_t)-1)
                    continue;
                double x = lr == 0 ? spine - pw + shift : spine - shift;
                double y = top;
                if (turn) {
                    /* long-edge duplex turns the back upside down: rotate
                     * the whole side 180 degrees about the sheet centre */
                    x = sw - x - pw;
                    y = sh - y - ph;
                }
                if (sp_sheet_place(sheet, page, x, y, turn ? 180 : 0))
                    goto out;
            }
        }
    }
    rc = 0;
out:
    free(order);
    return rc;
}
