/* dlist.c - display lists and documents (see dlist.h). */
#include "dlist.h"

#include <stdlib.h>
#include <string.h>

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Grows *items to hold one more element of size sz; 0 or -1. */
static int grow(void **items, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, ncap * sz);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

void sp_dlist_init(sp_dlist *dl, double width_pt, double height_pt)
{
    memset(dl, 0, sizeof *dl);
    dl->width_pt = width_pt;
    dl->height_pt = height_pt;
}

void sp_dlist_release(sp_dlist *dl)
{
    for (size_t i = 0; i < dl->n_items; i++) {
        free(dl->items[i].glyphs ? (void *)dl->items[i].glyphs
                                 : dl->items[i].text);
        free(dl->items[i].alt);
    }
    free(dl->items);
    dl->items = NULL;
    dl->n_items = dl->cap_items = 0;
}

static sp_dl_item *push(sp_dlist *dl, sp_dl_kind kind)
{
    if (grow((void **)&dl->items, &dl->cap_items, dl->n_items,
             sizeof *dl->items))
        return NULL;
    sp_dl_item *it = &dl->items[dl->n_items++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->fill_gray = -1;
    return it;
}

int sp_dl_text(sp_dlist *dl, sp_face face, double size_pt, double x_pt,
               double y_pt, const char *utf8, size_t len)
{
    char *copy = dup_n(utf8, len);
    if (!copy)
        return -1;
    sp_dl_item *it = push(dl, SP_DL_TEXT);
    if (!it) {
        free(copy);
        return -1;
    }
    it->face = face;
    it->size_pt = size_pt;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    it->text = copy;
    it->text_len = len;
    return 0;
}

int sp_dl_glyphs(sp_dlist *dl, sp_face face, int slot, double size_pt,
                 double x_pt, double y_pt, const char *utf8, size_t len,
                 const sp_glyph *g, size_t n, int rtl)
{
    return sp_dl_glyphs_from(dl, face, slot, size_pt, x_pt, y_pt, utf8, len,
                             g, n, -1 - (rtl != 0), 0);
}

int sp_dl_glyphs_from(sp_dlist *dl, sp_face face, int slot, double size_pt,
                      double x_pt, double y_pt, const char *utf8, size_t len,
                      const sp_glyph *g, size_t n, int rtl,
                      uint32_t cluster_base)
{
    /* rtl < 0: G is in visual order already, -1 - rtl the flag */
    if (n == 0)
        return sp_dl_text(dl, face, size_pt, x_pt, y_pt, utf8, len);
    if (n > ((size_t)-1 - len - 1) / sizeof *g)
        return -1;
    /* one block: the glyphs, then the text */
    sp_glyph *block = malloc(n * sizeof *g + len + 1);
    if (!block)
        return -1;
    int visual = rtl < 0;
    if (visual)
        rtl = -1 - rtl;
    if (visual || !rtl)
        memcpy(block, g, n * sizeof *g);
    else
        for (size_t i = 0; i < n; i++)
            block[i] = g[n - 1 - i];
    if (cluster_base)
        for (size_t i = 0; i < n; i++)
            block[i].cluster -= cluster_base;
    char *text = (char *)(block + n);
    memcpy(text, utf8, len);
    text[len] = '\0';
    sp_dl_item *it = push(dl, SP_DL_TEXT);
    if (!it) {
        free(block);
        return -1;
    }
    it->face = face;
    it->size_pt = size_pt;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    it->text = text;
    it->text_len = len;
    it->glyphs = block;
    it->n_glyphs = n;
    it->slot = slot;
    it->rtl = rtl;
    return 0;
}

static int copy_text_plain(sp_dlist *dl, const sp_dl_item *it,
                           double dx_pt, double dy_pt);

int sp_dl_text_actual(sp_dlist *dl, sp_face face, double size_pt,
                      double x_pt, double y_pt, const char *utf8, size_t len,
                      const char *actual, size_t alen)
{
    if (len > ((size_t)-1) / 2 - alen - 2)
        return -1;
    if (sp_dl_text(dl, face, size_pt, x_pt, y_pt, "", 0))
        return -1;
    sp_dl_item *it = &dl->items[dl->n_items - 1];
    char *copy = malloc(len + alen + 2);
    if (!copy)
        return -1;          /* the item stays, with its empty text */
    memcpy(copy, utf8, len);
    copy[len] = '\0';
    memcpy(copy + len + 1, actual, alen);
    copy[len + 1 + alen] = '\0';
    free(it->text);
    it->text = copy;
    it->text_len = len;
    it->actual = copy + len + 1;
    it->actual_len = alen;
    return 0;
}

int sp_dl_copy_text(sp_dlist *dl, const sp_dl_item *it, double dx_pt,
                    double dy_pt)
{
    if (it->actual && it->actual_len > 0 && !it->glyphs)
        return sp_dl_text_actual(dl, it->face, it->size_pt, it->x_pt + dx_pt,
                                 it->y_pt + dy_pt, it->text, it->text_len,
                                 it->actual, it->actual_len);
    int rc = copy_text_plain(dl, it, dx_pt, dy_pt);
    if (rc == 0 && it->actual)
        dl->items[dl->n_items - 1].actual = "";
    return rc;
}

static int copy_text_plain(sp_dlist *dl, const sp_dl_item *it, double dx_pt,
                           double dy_pt)
{
    if (it->glyphs)
        return sp_dl_glyphs(dl, it->face, it->slot, it->size_pt,
                            it->x_pt + dx_pt, it->y_pt + dy_pt, it->text,
                            it->text_len, it->glyphs, it->n_glyphs, it->rtl);
    return sp_dl_text(dl, it->face, it->size_pt, it->x_pt + dx_pt,
                      it->y_pt + dy_pt, it->text, it->text_len);
}

int sp_dl_line(sp_dlist *dl, double x_pt, double y_pt, double x2_pt,
               double y2_pt, double line_pt, double gray, double dash_pt)
{
    sp_dl_item *it = push(dl, SP_DL_LINE);
    if (!it)
        return -1;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    it->x2_pt = x2_pt;
    it->y2_pt = y2_pt;
    it->line_pt = line_pt;
    it->gray = gray;
    it->dash_pt = dash_pt;
    return 0;
}

int sp_dl_rect(sp_dlist *dl, double x_pt, double y_pt, double w_pt,
               double h_pt, double line_pt, double gray, double fill_gray)
{
    sp_dl_item *it = push(dl, SP_DL_RECT);
    if (!it)
        return -1;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    it->w_pt = w_pt;
    it->h_pt = h_pt;
    it->line_pt = line_pt;
    it->gray = gray;
    it->fill_gray = fill_gray;
    return 0;
}

int sp_dl_checkbox(sp_dlist *dl, double x_pt, double y_pt, double size_pt,
                   double line_pt)
{
    sp_dl_item *it = push(dl, SP_DL_CHECKBOX);
    if (!it)
        return -1;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    it->w_pt = it->h_pt = size_pt;
    it->line_pt = line_pt;
    return 0;
}

int sp_dl_image(sp_dlist *dl, const char *path, const char *alt, int px_w,
                int px_h, double x_pt, double y_pt, double w_pt,
                double h_pt)
{
    const char *p = path ? path : "";
    char *copy = dup_n(p, strlen(p));
    char *alt_copy = alt ? dup_n(alt, strlen(alt)) : NULL;
    sp_dl_item *it = copy && (alt_copy || !alt) ? push(dl, SP_DL_IMAGE)
                                                 : NULL;
    if (!it) {
        free(copy);
        free(alt_copy);
        return -1;
    }
    it->alt = alt_copy;
    it->x_pt = x_pt;
    it->y_pt = y_pt;
    it->w_pt = w_pt;
    it->h_pt = h_pt;
    it->text = copy;
    it->text_len = strlen(p);
    it->px_w = px_w;
    it->px_h = px_h;
    return 0;
}

void sp_doc_init(sp_doc *doc)
{
    memset(doc, 0, sizeof *doc);
}

void sp_doc_release(sp_doc *doc)
{
    for (size_t i = 0; i < doc->n_pages; i++)
        sp_dlist_release(&doc->pages[i]);
    free(doc->pages);
    for (size_t i = 0; i < doc->n_sheets; i++) {
        sp_dlist_release(&doc->sheets[i].marks);
        free(doc->sheets[i].placements);
    }
    free(doc->sheets);
    for (size_t i = 0; i < doc->n_outline; i++)
        free(doc->outline[i].title);
    free(doc->outline);
    for (size_t i = 0; i < doc->n_labels; i++)
        free(doc->labels[i].prefix);
    free(doc->labels);
    free(doc->title);
    free(doc->subject);
    free(doc->keywords);
    free(doc->author);
    free(doc->creator);
    memset(doc, 0, sizeof *doc);
}

/* Capacities are not stored for these arrays: they grow in powers of two,
 * so the capacity is derived from the count. */
static int grow_pow2(void **items, size_t n, size_t sz)
{
    if (n && (n & (n - 1)) == 0) {
        void *p = realloc(*items, n * 2 * sz);
        if (!p)
            return -1;
        *items = p;
    } else if (n == 0) {
        void *p = malloc(sz);
        if (!p)
            return -1;
        *items = p;
    }
    return 0;
}

sp_dlist *sp_doc_add_page(sp_doc *doc, double width_pt, double height_pt)
{
    if (grow_pow2((void **)&doc->pages, doc->n_pages, sizeof *doc->pages))
        return NULL;
    sp_dlist *dl = &doc->pages[doc->n_pages++];
    sp_dlist_init(dl, width_pt, height_pt);
    return dl;
}

sp_sheet *sp_doc_add_sheet(sp_doc *doc, double width_pt, double height_pt)
{
    if (grow_pow2((void **)&doc->sheets, doc->n_sheets, sizeof *doc->sheets))
        return NULL;
    sp_sheet *s = &doc->sheets[doc->n_sheets++];
    memset(s, 0, sizeof *s);
    sp_dlist_init(&s->marks, width_pt, height_pt);
    return s;
}

int sp_sheet_place(sp_sheet *sheet, size_t page, double x_pt, double y_pt,
                   int rotate_deg)
{
    return sp_sheet_place_scaled(sheet, page, x_pt, y_pt, rotate_deg, 1, 1);
}

int sp_sheet_place_scaled(sp_sheet *sheet, size_t page, double x_pt,
                          double y_pt, int rotate_deg, double scale_x,
                          double scale_y)
{
    if (grow_pow2((void **)&sheet->placements, sheet->n_placements,
                  sizeof *sheet->placements))
        return -1;
    sp_placement *p = &sheet->placements[sheet->n_placements++];
    p->page = page;
    p->x_pt = x_pt;
    p->y_pt = y_pt;
    p->rotate_deg = rotate_deg;
    p->scale_x = scale_x;
    p->scale_y = scale_y;
    return 0;
}

int sp_doc_outline(sp_doc *doc, const char *title, size_t sheet, int level,
                   double y_pt)
{
    char *t = dup_n(title, strlen(title));
    if (!t || grow_pow2((void **)&doc->outline, doc->n_outline,
                        sizeof *doc->outline)) {
        free(t);
        return -1;
    }
    sp_outline_entry *e = &doc->outline[doc->n_outline++];
    e->title = t;
    e->sheet = sheet;
    e->level = level;
    e->y_pt = y_pt;
    return 0;
}

int sp_doc_label(sp_doc *doc, size_t first_sheet, int style,
                 const char *prefix, int first_number)
{
    char *p = NULL;
    if (prefix && !(p = dup_n(prefix, strlen(prefix))))
        return -1;
    if (grow_pow2((void **)&doc->labels, doc->n_labels, sizeof *doc->labels)) {
        free(p);
        return -1;
    }
    sp_page_label *l = &doc->labels[doc->n_labels++];
    l->first_sheet = first_sheet;
    l->style = style;
    l->prefix = p;
    l->first_number = first_number;
    return 0;
}

int sp_doc_set(char **field, const char *value)
{
    char *v = value ? dup_n(value, strlen(value)) : NULL;
    if (value && !v)
        return -1;
    free(*field);
    *field = v;
    return 0;
}
