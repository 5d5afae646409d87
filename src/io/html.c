/* html.c - one imported field (Anki HTML or plain text) to our markup
 * (see importer.h).  HTML goes through libxml2's HTML parser; the tree is
 * walked once, writing block XML (p, ul/ol of li, pre, figure) and an
 * inline-only copy for prompts. */
#include "importer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "fonts.h"
#include "text.h"

enum { MAX_STYLES = 16 };

typedef struct {
    sp_field *f;
    const sp_field_opts *o;
    sp_drops *drops;
    const char *file;
    int line;
    sp_diags *d;
    sp_buf para;          /* inline XML of the paragraph or item being made */
    int para_text;        /* it holds text other than spaces */
    char styles[MAX_STYLES];   /* open inline elements: 's', 'e', 'c' */
    int n_styles;
    int overflow;         /* style elements nested deeper than MAX_STYLES */
    int list;             /* 0, 'u' or 'o': a list is open */
    sp_buf items;         /* its <li> elements */
    int in_item;
    int depth;            /* elements open around the one visited */
    size_t fig_end;       /* blocks.n right after the last figure, or 0 */
} walk;

/* ---- output --------------------------------------------------------- */

static void escape(sp_buf *b, const char *s, size_t len, int lines)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_next(s + i, len - i, &cp);
        if (cp == '&')
            sp_buf_str(b, "&amp;");
        else if (cp == '<')
            sp_buf_str(b, "&lt;");
        else if (cp == '>')
            sp_buf_str(b, "&gt;");
        else if (cp == '"')
            sp_buf_str(b, "&quot;");
        else if (lines && (cp == '\t' || cp == '\n'))
            sp_buf_put(b, s + i, 1);
        else if (cp == '\t' || cp == '\n' || cp == '\r')
            sp_buf_put(b, " ", 1);
        else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xfffe ||
                 cp == 0xffff || cp == 0xfffd)
            ; /* nothing XML 1.0 (or a reader) wants */
        else
            sp_buf_put(b, s + i, n);
        i += n;
    }
}

void sp_xml_escape(sp_buf *b, const char *s, size_t len)
{
    escape(b, s, len, 0);
}

void sp_xml_escape_lines(sp_buf *b, const char *s, size_t len)
{
    escape(b, s, len, 1);
}

int sp_import_visible(const char *s, size_t len, const sp_fonts *fonts)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = sp_utf8_next(s + i, len - i, &cp);
        i += n;
        if (cp <= 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xfffd ||
            cp == 0xfffe || cp == 0xffff)
            continue;
        if (cp < 0x80 || !fonts)
            return 1;
        for (int f = 0; f < SP_FACE_COUNT; f++)
            if (sp_fonts_has(fonts, (sp_face)f, cp))
                return 1;
    }
    return 0;
}

static const char *style_tag(char c)
{
    return c == 's' ? "strong" : c == 'e' ? "em" : "code";
}

static int mono(const walk *w)
{
    for (int i = 0; i < w->n_styles; i++)
        if (w->styles[i] == 'c')
            return 1;
    return 0;
}

static void open_styles(walk *w)
{
    for (int i = 0; i < w->n_styles; i++)
        if (w->styles[i])
            sp_buf_printf(&w->para, "<%s>", style_tag(w->styles[i]));
}

static void close_styles(walk *w)
{
    for (int i = w->n_styles; i-- > 0;)
        if (w->styles[i])
            sp_buf_printf(&w->para, "</%s>", style_tag(w->styles[i]));
}

static void reset_para(walk *w)
{
    w->para.n = 0;
    if (w->para.p)
        w->para.p[0] = '\0';
    w->para_text = 0;
    open_styles(w);
}

/* Collapses runs of spaces in B and trims one at each end of its text
 * (past the opening and closing style tags there). */
static void squeeze(sp_buf *b)
{
    if (!b->p)
        return;
    size_t o = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->p[i] == ' ' && o > 0 && b->p[o - 1] == ' ')
            continue;
        b->p[o++] = b->p[i];
    }
    b->n = o;
    b->p[o] = '\0';
    size_t i = 0;
    while (i < b->n && b->p[i] == '<') {
        char *gt = strchr(b->p + i, '>');
        if (!gt)
            break;
        i = (size_t)(gt - b->p) + 1;
    }
    if (i < b->n && b->p[i] == ' ') {
        memmove(b->p + i, b->p + i + 1, b->n - i);
        b->n--;
    }
    size_t j = b->n;
    while (j > 0 && b->p[j - 1] == '>') {
        size_t k = j - 1;
        while (k > 0 && b->p[k] != '<')
            k--;
        if (b->p[k] != '<')
            break;
        j = k;
    }
    if (j > 0 && b->p[j - 1] == ' ') {
        memmove(b->p + j - 1, b->p + j, b->n - j + 1);
        b->n--;
    }
}

/* Ends the paragraph or list item being made (if it has text). */
static void end_para(walk *w)
{
    close_styles(w);
    squeeze(&w->para);
    if (w->para_text && w->para.p) {
        const char *tag = w->list ? "li" : "p";
        sp_buf *dst = w->list ? &w->items : &w->f->blocks;
        sp_buf_printf(dst, "<%s>%s</%s>", tag, w->para.p, tag);
        if (w->f->inl.n)
            sp_buf_put(&w->f->inl, " ", 1);
        sp_buf_str(&w->f->inl, w->para.p);
        w->f->n_paras++;
    }
    reset_para(w);
}

static void end_list(walk *w)
{
    if (!w->list)
        return;
    end_para(w);
    if (w->items.n)
        sp_buf_printf(&w->f->blocks, "<%cl>%s</%cl>", w->list, w->items.p,
                      w->list);
    w->items.n = 0;
    if (w->items.p)
        w->items.p[0] = '\0';
    w->list = 0;
    w->in_item = 0;
    reset_para(w);
}

static void text(walk *w, const char *s, size_t len)
{
    if (!w->para_text && sp_import_visible(s, len, w->o->fonts))
        w->para_text = 1;
    sp_xml_escape(&w->para, s, len);
}

static void push_style(walk *w, char c)
{
    if (w->n_styles == MAX_STYLES) {
        w->overflow++;
    } else if (!mono(w)) {
        w->styles[w->n_styles++] = c;
        sp_buf_printf(&w->para, "<%s>", style_tag(c));
    } else {
        w->styles[w->n_styles++] = 0;   /* inside code: nothing written */
    }
}

static void pop_style(walk *w)
{
    if (w->overflow) {
        w->overflow--;
        return;
    }
    if (w->n_styles <= 0)
        return;
    char c = w->styles[--w->n_styles];
    if (c)
        sp_buf_printf(&w->para, "</%s>", style_tag(c));
}

static void drop_once(walk *w, unsigned bit, const char *fmt)
{
    if (w->drops->seen & bit)
        return;
    w->drops->seen |= bit;
    sp_diag_add_sev(w->d, SP_D_WARNING, SP_WARNING, w->file, w->line, 0,
                    "%s", fmt);
}

static void drop_tag_once(walk *w, const char *tag, const char *what)
{
    for (size_t i = 0; i < w->drops->n_tags; i++)
        if (strcmp(w->drops->tags[i], tag) == 0)
            return;
    if (w->drops->n_tags < sizeof w->drops->tags / sizeof *w->drops->tags &&
        strlen(tag) < sizeof w->drops->tags[0])
        strcpy(w->drops->tags[w->drops->n_tags++], tag);
    sp_diag_add_sev(w->d, SP_D_WARNING, SP_WARNING, w->file, w->line, 0,
                    "<%s> has no equivalent in a source: %s (said once)",
                    tag, what);
}

/* The percentage of "width: N%" in a style attribute, or 0. */
static double style_width(const char *style)
{
    const char *p = style ? strstr(style, "width:") : NULL;
    if (!p || (p > style && (p[-1] == '-' || (p[-1] >= 'a' && p[-1] <= 'z'))))
        return 0;
    char *end;
    double v = strtod(p + 6, &end);
    while (*end == ' ')
        end++;
    return *end == '%' && v > 0 && v <= 100 ? v : 0;
}

static void figure(walk *w, const char *src, const char *alt,
                   const char *style)
{
    const char *why = NULL;
    double width = style_width(style);
    const char *name = w->o->image ? w->o->image(w->o->ctx, src, &width, &why)
                                   : NULL;
    if (!name) {
        sp_diag_add_sev(w->d, SP_D_WARNING, SP_WARNING, w->file, w->line, 0,
                        "image '%s' dropped: %s", src,
                        why ? why : "images are not imported here");
        return;
    }
    end_list(w);
    end_para(w);
    const char *a = alt && sp_import_visible(alt, strlen(alt), w->o->fonts)
                        ? alt : name;
    sp_buf fig = {0};
    sp_buf_str(&fig, "<figure src=\"");
    sp_xml_escape(&fig, name, strlen(name));
    sp_buf_str(&fig, "\" alt=\"");
    sp_xml_escape(&fig, a, strlen(a));
    if (width > 0 && width < 100)
        sp_buf_printf(&fig, "\" width=\"%.0f", width < 1 ? 1 : width);
    sp_buf_str(&fig, "\"/>");
    if (fig.p) {
        sp_buf_str(&w->f->blocks, fig.p);
        sp_buf_str(&w->f->figures, fig.p);
        w->fig_end = w->f->blocks.n;
    }
    w->f->blocks.oom |= fig.oom;
    sp_buf_release(&fig);
    w->f->n_figures++;
}

/* ---- HTML --------------------------------------------------------------- */

static int is(const xmlNode *n, const char *name)
{
    return strcmp((const char *)n->name, name) == 0;
}

static int any_of(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (is(n, *names))
            return 1;
    return 0;
}

static const char *const blocks_[] = {
    "p", "div", "blockquote", "section", "article", "header", "footer",
    "center", "dl", "dt", "dd", "figure", "figcaption", "address", "hr",
    "main", "aside", "nav", "details", "summary", NULL};
static const char *const headings[] = {"h1", "h2", "h3", "h4", "h5", "h6",
                                       NULL};
static const char *const transparent[] = {
    "html", "body", "head", "span", "font", "a", "sub", "sup", "small",
    "big", "mark", "abbr", "cite", "q", "s", "strike", "del", "ins", "label",
    "nobr", "wbr", "acronym", "dfn", "var", "bdi", "bdo", "time", "data",
    "ruby", "rb", "rt", "rp", NULL};
static const char *const dropped[] = {
    "script", "style", "title", "object", "embed", "iframe", "audio",
    "video", "svg", "math", "noscript", "template", "canvas", "input",
    "button", "select", "textarea", "form", "map", "area", "link", "meta",
    "base", "source", "track", "frame", "frameset", "applet", NULL};

static char *class_of(const xmlNode *n)
{
    xmlChar *c = xmlGetProp((xmlNode *)n, (const xmlChar *)"class");
    char *r = c ? strdup((const char *)c) : NULL;
    xmlFree(c);
    return r;
}

/* The text of N and its descendants, spaces collapsed later by the
 * loader. */
static void plain_text(const xmlNode *n, sp_buf *b, int lines)
{
    static _Thread_local int depth;
    if (depth >= 200)
        return;
    depth++;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                escape(b, (const char *)c->content,
                       strlen((const char *)c->content), lines);
        } else if (c->type == XML_ELEMENT_NODE) {
            if (is(c, "br"))
                sp_buf_put(b, lines ? "\n" : " ", 1);
            else if (!any_of(c, dropped))
                plain_text(c, b, lines);
        }
    }
    depth--;
}

static void visit(walk *w, const xmlNode *n);

enum { MAX_DEPTH = 200 };

static void children(walk *w, const xmlNode *n)
{
    if (w->depth >= MAX_DEPTH) {
        drop_once(w, SP_DROP_DEEP, "elements nested more than 200 deep "
                  "are dropped (said once)");
        return;
    }
    w->depth++;
    for (const xmlNode *c = n->children; c; c = c->next)
        visit(w, c);
    w->depth--;
}

static void visit_pre(walk *w, const xmlNode *n)
{
    end_list(w);
    end_para(w);
    sp_buf t = {0};
    plain_text(n, &t, 1);
    if (t.p && !t.oom && sp_import_visible(t.p, t.n, w->o->fonts)) {
        sp_buf_str(&w->f->blocks, "<pre>");
        sp_buf_str(&w->f->blocks, t.p);
        sp_buf_str(&w->f->blocks, "</pre>");
        if (w->f->inl.n)
            sp_buf_put(&w->f->inl, " ", 1);
        sp_buf_str(&w->f->inl, "<code>");
        for (char *q = t.p; *q; q++)
            if (*q == '\n' || *q == '\t')
                *q = ' ';
        sp_buf_str(&w->f->inl, t.p);
        sp_buf_str(&w->f->inl, "</code>");
        w->f->n_paras++;
    }
    sp_buf_release(&t);
}

static void visit_special_class(const xmlNode *n, sp_buf *dst)
{
    sp_buf t = {0};
    plain_text(n, &t, 0);
    if (t.p && !t.oom) {
        if (dst->n)
            sp_buf_put(dst, "\n", 1);
        sp_buf_str(dst, t.p);
    }
    sp_buf_release(&t);
}

/* The text of N as the caption of the figure just written (what our
 * apkg export writes: <div class="sp-caption"> after the <img>). */
static void caption(walk *w, const xmlNode *n)
{
    sp_buf t = {0};
    plain_text(n, &t, 0);
    if (t.p && !t.oom && sp_import_visible(t.p, t.n, w->o->fonts)) {
        sp_buf *bufs[2] = {&w->f->blocks, &w->f->figures};
        for (int i = 0; i < 2; i++) {
            sp_buf *b = bufs[i];
            if (b->n >= 2 && strcmp(b->p + b->n - 2, "/>") == 0) {
                b->n -= 2;
                b->p[b->n] = '\0';
                sp_buf_str(b, "><caption>");
                sp_buf_str(b, t.p);
                sp_buf_str(b, "</caption></figure>");
            }
        }
        w->fig_end = w->f->blocks.n;
    }
    sp_buf_release(&t);
}

static void visit(walk *w, const xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content) {
            if (w->list && !w->in_item) {
                const char *s = (const char *)n->content;
                if (strspn(s, " \t\r\n") == strlen(s))
                    return;
                w->in_item = 1;
            }
            text(w, (const char *)n->content,
                 strlen((const char *)n->content));
        }
        return;
    }
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return;
    char *cls = class_of(n);
    if (cls && strstr(cls, "sp-caption") && w->fig_end &&
        w->fig_end == w->f->blocks.n && !w->para_text) {
        free(cls);
        caption(w, n);
        return;
    }
    if (cls && (strstr(cls, "sp-cue") || strstr(cls, "sp-followup"))) {
        int cue = strstr(cls, "sp-cue") != NULL;
        free(cls);
        visit_special_class(n, cue ? &w->f->cue : &w->f->followup);
        return;
    }
    free(cls);
    if (is(n, "b") || is(n, "strong") || any_of(n, headings)) {
        int block = any_of(n, headings);
        if (block)
            end_para(w);
        push_style(w, 's');
        children(w, n);
        pop_style(w);
        if (block)
            end_para(w);
    } else if (is(n, "i") || is(n, "em") || is(n, "u")) {
        push_style(w, 'e');
        children(w, n);
        pop_style(w);
    } else if (is(n, "code") || is(n, "tt") || is(n, "kbd") ||
               is(n, "samp")) {
        push_style(w, 'c');
        children(w, n);
        pop_style(w);
    } else if (is(n, "br")) {
        if (w->list)
            text(w, " ", 1);
        else
            end_para(w);
    } else if (is(n, "pre")) {
        visit_pre(w, n);
    } else if (is(n, "ul") || is(n, "ol")) {
        if (w->list) {
            drop_once(w, SP_DROP_NESTED_LIST, "a list inside a list has no "
                      "equivalent in a source: its items join the outer "
                      "list (said once)");
            end_para(w);
            w->in_item = 0;
            children(w, n);
            end_para(w);
            w->in_item = 0;
        } else {
            end_para(w);
            w->list = is(n, "ul") ? 'u' : 'o';
            w->in_item = 0;
            children(w, n);
            end_list(w);
        }
    } else if (is(n, "li")) {
        int opened = 0;
        if (!w->list) {
            end_para(w);
            w->list = 'u';
            opened = 1;
        }
        end_para(w);
        w->in_item = 1;
        children(w, n);
        end_para(w);
        w->in_item = 0;
        if (opened)
            end_list(w);
    } else if (is(n, "img")) {
        xmlChar *src = xmlGetProp((xmlNode *)n, (const xmlChar *)"src");
        xmlChar *alt = xmlGetProp((xmlNode *)n, (const xmlChar *)"alt");
        xmlChar *st = xmlGetProp((xmlNode *)n, (const xmlChar *)"style");
        if (src && *src)
            figure(w, (const char *)src, (const char *)alt,
                   (const char *)st);
        xmlFree(src);
        xmlFree(alt);
        xmlFree(st);
    } else if (any_of(n, blocks_)) {
        if (w->list)
            text(w, " ", 1);
        else
            end_para(w);
        children(w, n);
        if (w->list)
            text(w, " ", 1);
        else
            end_para(w);
    } else if (is(n, "table") || is(n, "tr") || is(n, "thead") ||
               is(n, "tbody") || is(n, "tfoot") || is(n, "caption")) {
        if (is(n, "table"))
            drop_tag_once(w, "table", "each row is kept as a paragraph");
        if (!w->list)
            end_para(w);
        children(w, n);
        if (!w->list)
            end_para(w);
    } else if (is(n, "td") || is(n, "th")) {
        text(w, " ", 1);
        children(w, n);
        text(w, " ", 1);
    } else if (any_of(n, transparent)) {
        children(w, n);
    } else if (any_of(n, dropped)) {
        drop_tag_once(w, (const char *)n->name, "dropped with its content");
    } else {
        drop_tag_once(w, (const char *)n->name, "only its text is kept");
        children(w, n);
    }
}

/* ---- plain text ------------------------------------------------------- */

/* Paragraphs at blank lines; lines starting "- ", "* " or "• " are bullet
 * items, "1. " or "1) " numbered items. */
static void plain(walk *w, const char *s, size_t len)
{
    size_t i = 0;
    while (i <= len) {
        size_t e = i;
        while (e < len && s[e] != '\n')
            e++;
        const char *l = s + i;
        size_t n = e - i;
        if (n && l[n - 1] == '\r')
            n--;
        size_t lead = 0;
        while (lead < n && (l[lead] == ' ' || l[lead] == '\t'))
            lead++;
        int kind = 0;
        size_t skip = 0;
        if (n - lead >= 2 && (l[lead] == '-' || l[lead] == '*') &&
            l[lead + 1] == ' ') {
            kind = 'u';
            skip = 2;
        } else if (n - lead >= 4 && memcmp(l + lead, "\xe2\x80\xa2 ", 4) == 0) {
            kind = 'u';
            skip = 4;
        } else {
            size_t k = lead;
            while (k < n && k - lead < 3 && l[k] >= '0' && l[k] <= '9')
                k++;
            if (k > lead && k + 1 < n && (l[k] == '.' || l[k] == ')') &&
                l[k + 1] == ' ') {
                kind = 'o';
                skip = k + 2 - lead;
            }
        }
        if (lead == n) {
            end_list(w);
            end_para(w);
        } else if (kind) {
            if (w->list && w->list != kind)
                end_list(w);
            if (!w->list) {
                end_para(w);
                w->list = kind;
            }
            end_para(w);
            w->in_item = 1;
            text(w, l + lead + skip, n - lead - skip);
        } else {
            if (w->list)
                end_list(w);
            if (w->para_text)
                text(w, " ", 1);
            text(w, l + lead, n - lead);
        }
        i = e + 1;
    }
    end_list(w);
    end_para(w);
}

/* ---- entry ------------------------------------------------------------- */

void sp_field_release(sp_field *f)
{
    sp_buf_release(&f->blocks);
    sp_buf_release(&f->inl);
    sp_buf_release(&f->cue);
    sp_buf_release(&f->followup);
    sp_buf_release(&f->figures);
    memset(f, 0, sizeof *f);
}

int sp_field_convert(const char *src, int html, const sp_field_opts *o,
                     sp_field *f, sp_drops *drops, const char *file,
                     int line, sp_diags *d)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.f = f;
    w.o = o;
    w.drops = drops;
    w.file = file;
    w.line = line;
    w.d = d;
    size_t len = strlen(src);
    if (!html) {
        plain(&w, src, len);
    } else if (len) {
        htmlDocPtr doc = htmlReadMemory(
            src, (int)len, NULL, "UTF-8",
            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                HTML_PARSE_NODEFDTD);
        if (!doc) {
            sp_buf_release(&w.para);
            sp_buf_release(&w.items);
            return -1;
        }
        for (const xmlNode *c = doc->children; c; c = c->next)
            visit(&w, c);
        end_list(&w);
        end_para(&w);
        xmlFreeDoc(doc);
    }
    int oom = w.para.oom || w.items.oom || f->blocks.oom || f->inl.oom ||
              f->cue.oom || f->followup.oom || f->figures.oom;
    sp_buf_release(&w.para);
    sp_buf_release(&w.items);
    return oom ? -1 : 0;
}
