/* dump.c - the dump device (see dump.h). */
#include "dump.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char *const face_names[SP_FACE_COUNT] = {
    "regular", "bold", "italic", "mono"
};

/* Writes V with two decimals, never as "-0.00". */
static void num(FILE *out, double v)
{
    char b[64];
    snprintf(b, sizeof b, "%.2f", v);
    fputs(strcmp(b, "-0.00") == 0 ? "0.00" : b, out);
}

/* Writes S[0..len) quoted and escaped; NULL as "-". */
static void quote(FILE *out, const char *s, size_t len)
{
    if (!s) {
        fputc('-', out);
        return;
    }
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '"') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c == '\n') {
            fputs("\\n", out);
            i++;
        } else if (c == '\t') {
            fputs("\\t", out);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\x%02X", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, out);
            i++;
        } else {
            uint32_t cp;
            size_t n = sp_utf8_next(s + i, len - i, &cp);
            if (cp == 0xFFFD && n == 1) {
                fprintf(out, "\\x%02X", c);
            } else {
                fwrite(s + i, 1, n, out);
            }
            i += n;
        }
    }
    fputc('"', out);
}

static void quote_str(FILE *out, const char *s)
{
    quote(out, s, s ? strlen(s) : 0);
}

static void pair(FILE *out, double a, const char *sep, double b)
{
    num(out, a);
    fputs(sep, out);
    num(out, b);
}

/* 1 if IT's glyphs are not its characters one to one in order with no
 * offsets: right-to-left, ligatures, split or reordered clusters, marks
 * placed by GPOS. */
static int complex_glyphs(const sp_dl_item *it)
{
    if (it->rtl)
        return 1;
    for (size_t i = 0; i < it->n_glyphs; i++) {
        const sp_glyph *g = &it->glyphs[i];
        if (g->dx != 0 || g->dy != 0)
            return 1;
        if (i > 0 && g->cluster <= it->glyphs[i - 1].cluster)
            return 1;
        size_t end = i + 1 < it->n_glyphs ? it->glyphs[i + 1].cluster
                                          : it->text_len;
        if (end < g->cluster || end > it->text_len)
            return 1;
        uint32_t cp;
        if (end > g->cluster
            && sp_utf8_next(it->text + g->cluster, end - g->cluster, &cp)
                   != end - g->cluster)
            return 1;       /* one glyph for several characters */
    }
    return 0;
}

static void glyph_line(FILE *out, const sp_dl_item *it)
{
    fprintf(out, "\n    glyphs slot=%d rtl=%d", it->slot, it->rtl);
    for (size_t i = 0; i < it->n_glyphs; i++) {
        const sp_glyph *g = &it->glyphs[i];
        fprintf(out, " %u:", (unsigned)g->gid);
        num(out, g->adv);
        if (g->dx != 0 || g->dy != 0) {
            fputc('+', out);
            pair(out, g->dx, ",", g->dy);
        }
        fprintf(out, "@%u", (unsigned)g->cluster);
    }
}

static int all_glyphs;   /* set by sp_dump_dlist_glyphs for one call */

static void item(FILE *out, const sp_dl_item *it)
{
    fputs("  ", out);
    switch (it->kind) {
    case SP_DL_TEXT:
        fprintf(out, "text %s ", (unsigned)it->face < SP_FACE_COUNT
                                     ? face_names[it->face] : "?");
        num(out, it->size_pt);
        fputs(" at ", out);
        pair(out, it->x_pt, ",", it->y_pt);
        fputc(' ', out);
        quote(out, it->text, it->text_len);
        if (it->actual) {
            fputs(" actual ", out);
            quote(out, it->actual, it->actual_len);
        }
        if (it->glyphs && (all_glyphs || complex_glyphs(it)))
            glyph_line(out, it);
        break;
    case SP_DL_LINE:
        fputs("line ", out);
        pair(out, it->x_pt, ",", it->y_pt);
        fputs(" to ", out);
        pair(out, it->x2_pt, ",", it->y2_pt);
        fputs(" width=", out);
        num(out, it->line_pt);
        fputs(" gray=", out);
        num(out, it->gray);
        fputs(" dash=", out);
        num(out, it->dash_pt);
        break;
    case SP_DL_RECT:
        fputs("rect ", out);
        pair(out, it->x_pt, ",", it->y_pt);
        fputs(" size=", out);
        pair(out, it->w_pt, "x", it->h_pt);
        fputs(" width=", out);
        num(out, it->line_pt);
        fputs(" gray=", out);
        num(out, it->gray);
        fputs(" fill=", out);
        if (it->fill_gray < 0)
            fputs("none", out);
        else
            num(out, it->fill_gray);
        break;
    case SP_DL_CHECKBOX:
        fputs("checkbox ", out);
        pair(out, it->x_pt, ",", it->y_pt);
        fputs(" size=", out);
        num(out, it->w_pt);
        fputs(" width=", out);
        num(out, it->line_pt);
        break;
    case SP_DL_IMAGE:
        fputs("figure ", out);
        quote(out, it->text, it->text_len);
        fprintf(out, " %dx%dpx at ", it->px_w, it->px_h);
        pair(out, it->x_pt, ",", it->y_pt);
        fputs(" size=", out);
        pair(out, it->w_pt, "x", it->h_pt);
        break;
    default:
        fprintf(out, "unknown kind=%d", (int)it->kind);
        break;
    }
    fputc('\n', out);
}

int sp_dump_dlist(const sp_dlist *dl, FILE *out)
{
    for (size_t i = 0; i < dl->n_items; i++)
        item(out, &dl->items[i]);
    return ferror(out) ? -1 : 0;
}

int sp_dump_dlist_glyphs(const sp_dlist *dl, FILE *out)
{
    all_glyphs = 1;
    int rc = sp_dump_dlist(dl, out);
    all_glyphs = 0;
    return rc;
}

int sp_dump_doc(const sp_doc *doc, FILE *out)
{
    fputs("studypack-dump 1\nmeta title=", out);
    quote_str(out, doc->title);
    fputs(" subject=", out);
    quote_str(out, doc->subject);
    fputs(" keywords=", out);
    quote_str(out, doc->keywords);
    fputs(" author=", out);
    quote_str(out, doc->author);
    fputs(" creator=", out);
    quote_str(out, doc->creator);
    static const char *const duplex[] = {"", " duplex=simplex",
                                         " duplex=flip-long",
                                         " duplex=flip-short"};
    fprintf(out, "\ndoc pages=%zu sheets=%zu print_actual_size=%d%s\n",
            doc->n_pages, doc->n_sheets, doc->print_actual_size ? 1 : 0,
            duplex[doc->print_duplex]);
    for (size_t i = 0; i < doc->n_pages; i++) {
        const sp_dlist *pg = &doc->pages[i];
        fprintf(out, "page %zu size=", i);
        pair(out, pg->width_pt, "x", pg->height_pt);
        fprintf(out, " items=%zu\n", pg->n_items);
        sp_dump_dlist(pg, out);
    }
    for (size_t i = 0; i < doc->n_sheets; i++) {
        const sp_sheet *sh = &doc->sheets[i];
        fprintf(out, "sheet %zu size=", i);
        pair(out, sh->marks.width_pt, "x", sh->marks.height_pt);
        fprintf(out, " marks=%zu placements=%zu\n", sh->marks.n_items,
                sh->n_placements);
        sp_dump_dlist(&sh->marks, out);
        for (size_t k = 0; k < sh->n_placements; k++) {
            const sp_placement *pl = &sh->placements[k];
            fprintf(out, "  place page=%zu at ", pl->page);
            pair(out, pl->x_pt, ",", pl->y_pt);
            fprintf(out, " rotate=%d", pl->rotate_deg);
            if (pl->scale_x != 1 || pl->scale_y != 1)
                fprintf(out, " scale=%.4f,%.4f", pl->scale_x, pl->scale_y);
            fputc('\n', out);
        }
    }
    for (size_t i = 0; i < doc->n_outline; i++) {
        const sp_outline_entry *e = &doc->outline[i];
        fprintf(out, "outline sheet=%zu level=%d y=", e->sheet, e->level);
        num(out, e->y_pt);
        fputc(' ', out);
        quote_str(out, e->title);
        fputc('\n', out);
    }
    for (size_t i = 0; i < doc->n_labels; i++) {
        const sp_page_label *l = &doc->labels[i];
        fprintf(out, "label sheet=%zu style=", l->first_sheet);
        if (l->style == 'D' || l->style == 'r')
            fputc(l->style, out);
        else
            fputs("none", out);
        fputs(" prefix=", out);
        quote_str(out, l->prefix);
        fprintf(out, " first=%d\n", l->first_number);
    }
    return ferror(out) ? -1 : 0;
}

char *sp_dump_string(const sp_doc *doc, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (!out)
        return NULL;
    int rc = sp_dump_doc(doc, out);
    if (fclose(out) != 0 || rc != 0) {
        free(buf);
        return NULL;
    }
    if (len)
        *len = n;
    return buf;
}
