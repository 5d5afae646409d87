/* loadmodel.c - the loader's model builder: one expanded part of a
 * source (a question, meta, process, tips, the timeline) turned into the
 * model, in the pack's arena (see load_int.h; load.c streams the source
 * and calls these as each part's end tag is read). */
#include "load_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "arena.h"


int sp_ld_is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !sp_ld_is_xi(n) &&
           xmlStrEqual(n->name, (const xmlChar *)name);
}

const char *sp_ld_attr(builder *b, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *r = sp_arena_strdup(b->a, (const char *)v);
    xmlFree(v);
    if (!r)
        b->nomem = 1;
    return r;
}

/* White space collapsed, trimmed: for names, titles, company, role. */
static const char *plain(builder *b, xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return "";
    char *r = sp_arena_chars(b->a, strlen((const char *)v) + 1);
    if (!r) {
        b->nomem = 1;
        xmlFree(v);
        return "";
    }
    char *q = r;
    int space = 1;
    for (const char *p = (const char *)v; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!space)
                *q++ = ' ';
            space = 1;
        } else {
            *q++ = *p;
            space = 0;
        }
    }
    if (q > r && q[-1] == ' ')
        q--;
    *q = '\0';
    xmlFree(v);
    return r;
}

static void push_span(builder *b, unsigned style, const char *text)
{
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 16;
        sp_span *p = realloc(b->spans, nc * sizeof *p);
        if (!p) {
            b->nomem = 1;
            return;
        }
        b->spans = p;
        b->cap = nc;
    }
    b->spans[b->n].style = style;
    b->spans[b->n].text = text;
    b->n++;
}

static void gather_inline(builder *b, xmlNodePtr n, unsigned style)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            b->bytes += (size_t)xmlStrlen(n->content);
            push_span(b, style, (const char *)n->content);
        } else if (sp_ld_is_el(n, "em")) {
            gather_inline(b, n->children, style | SP_STYLE_ITALIC);
        } else if (sp_ld_is_el(n, "strong")) {
            gather_inline(b, n->children, style | SP_STYLE_BOLD);
        } else if (sp_ld_is_el(n, "code")) {
            gather_inline(b, n->children, style | SP_STYLE_MONO);
        }
    }
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void too_long(builder *b, xmlNodePtr n, const char *what)
{
    int line, col;
    sp_ld_node_pos(b->st, n, &line, &col);
    sp_diag_add(b->st->cls[C_MODEL], SP_D_LIMIT, b->st->cur, line, col,
                "text of <%s> is longer than %d bytes", what,
                SP_MAX_TEXT_BYTES);
}

/* Inline content of N as styled spans with white space collapsed across
 * span boundaries and trimmed at both ends, adjacent spans of one style
 * merged.  The text is collapsed in scratch first and then takes one
 * arena allocation of its exact size (the model of 10,000 questions took
 * 14 MB when each piece was allocated at its size as written). */
static sp_text build_text(builder *b, xmlNodePtr n)
{
    sp_text t = {NULL, 0};
    b->n = 0;
    b->bytes = 0;
    gather_inline(b, n->children, 0);
    if (b->bytes > SP_MAX_TEXT_BYTES) {
        too_long(b, n, (const char *)n->name);
        return t;
    }
    /* each piece collapses to at most its length, plus a NUL each */
    size_t need = b->bytes + b->n + 1;
    if (need > b->tmp_cap) {
        char *p = realloc(b->tmp, need);
        if (!p) {
            b->nomem = 1;
            return t;
        }
        b->tmp = p;
        b->tmp_cap = need;
    }
    /* the output spans overwrite the input ones (k <= i) and point into
     * tmp, each NUL-terminated once the next one starts */
    int space = 1;   /* at the start: drop leading white space */
    size_t k = 0;
    char *q = b->tmp;
    for (size_t i = 0; i < b->n; i++) {
        const char *s = b->spans[i].text;
        unsigned style = b->spans[i].style;
        int merge = k > 0 && b->spans[k - 1].style == style;
        char *r = merge || k == 0 ? q : q + 1, *w = r;
        int sp = space;
        for (; *s; s++) {
            if (is_ws(*s)) {
                if (!sp)
                    *w++ = ' ';
                sp = 1;
            } else {
                *w++ = *s;
                sp = 0;
            }
        }
        if (w == r)
            continue;
        space = sp;
        if (!merge) {
            if (k > 0)
                *q = '\0';
            b->spans[k].style = style;
            b->spans[k].text = r;
            k++;
        }
        q = w;
    }
    *q = '\0';
    /* trailing white space */
    while (k > 0) {
        char *s = (char *)b->spans[k - 1].text;
        size_t l = strlen(s);
        if (l && s[l - 1] == ' ')
            s[--l] = '\0';
        if (l)
            break;
        k--;
    }
    size_t total = k ? (size_t)(q - b->tmp) + 1 : 1;
    sp_span *out = sp_arena_array(b->a, k ? k : 1, sizeof *out);
    char *all = out ? sp_arena_chars(b->a, total) : NULL;
    if (!all) {
        b->nomem = 1;
        return t;
    }
    memcpy(all, b->tmp, k ? total : 1);
    for (size_t j = 0; j < k; j++) {
        out[j].style = b->spans[j].style;
        out[j].text = all + (b->spans[j].text - b->tmp);
    }
    t.spans = out;
    t.n_spans = k;
    return t;
}

/* pre: kept as written, minus the first line if blank, trailing blank
 * lines and the indentation common to all lines; tabs become spaces. */
static sp_text build_pre(builder *b, xmlNodePtr n)
{
    sp_text t = {NULL, 0};
    xmlChar *raw = xmlNodeGetContent(n);
    if (!raw)
        return t;
    const char *s = (const char *)raw;
    size_t len = strlen(s);
    if (len > SP_MAX_TEXT_BYTES) {
        too_long(b, n, "pre");
        xmlFree(raw);
        return t;
    }
    /* expand tabs to 4 columns */
    size_t tabs = 0;
    for (size_t i = 0; i < len; i++)
        tabs += s[i] == '\t';
    char *buf = malloc(len + tabs * 3 + 1);
    if (!buf) {
        b->nomem = 1;
        xmlFree(raw);
        return t;
    }
    size_t o = 0, colno = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\t') {
            do
                buf[o++] = ' ';
            while (++colno % 4);
        } else if (s[i] == '\r') {
            continue;
        } else {
            buf[o++] = s[i];
            colno = s[i] == '\n' ? 0 : colno + 1;
        }
    }
    buf[o] = '\0';
    xmlFree(raw);
    char *start = buf;
    /* drop a blank first line */
    char *nl = strchr(start, '\n');
    if (nl) {
        char *p = start;
        while (p < nl && *p == ' ')
            p++;
        if (p == nl)
            start = nl + 1;
    }
    /* drop trailing blank lines and trailing spaces */
    char *end = start + strlen(start);
    while (end > start && (end[-1] == ' ' || end[-1] == '\n'))
        end--;
    *end = '\0';
    /* common indentation of non-blank lines */
    size_t common = SIZE_MAX;
    for (char *line = start; line && *line;) {
        size_t ind = 0;
        while (line[ind] == ' ')
            ind++;
        if (line[ind] != '\n' && line[ind] != '\0' && ind < common)
            common = ind;
        nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    if (common == SIZE_MAX)
        common = 0;
    char *r = sp_arena_alloc(b->a, strlen(start) + 1);
    sp_span *sp = sp_arena_alloc(b->a, sizeof *sp);
    if (!r || !sp) {
        b->nomem = 1;
        free(buf);
        return t;
    }
    char *q = r;
    for (char *line = start; line && *line;) {
        nl = strchr(line, '\n');
        size_t l = nl ? (size_t)(nl - line) : strlen(line);
        size_t skip = l < common ? l : common;
        memcpy(q, line + skip, l - skip);
        q += l - skip;
        if (nl)
            *q++ = '\n';
        line = nl ? nl + 1 : NULL;
    }
    *q = '\0';
    free(buf);
    sp->style = SP_STYLE_MONO;
    sp->text = r;
    t.spans = sp;
    t.n_spans = r[0] ? 1 : 0;
    return t;
}

static size_t count_el(xmlNodePtr n, const char *name)
{
    size_t k = 0;
    for (; n; n = n->next)
        k += sp_ld_is_el(n, name);
    return k;
}

/* A <figure> N standing in FILE: its attributes and caption, and its src
 * resolved against FILE's folder like an include (no URL, no absolute
 * path, no '..' out of the folder; figure.h checks the file itself). */
static sp_figure *build_figure(builder *b, xmlNodePtr n, const char *file)
{
    sp_figure *f = sp_arena_alloc(b->a, sizeof *f);
    if (!f) {
        b->nomem = 1;
        return NULL;
    }
    f->src = sp_ld_attr(b, n, "src");
    f->alt = sp_ld_attr(b, n, "alt");
    if (!f->src)
        f->src = "";
    if (!f->alt)
        f->alt = "";
    const char *w = sp_ld_attr(b, n, "width");
    f->width_pct = w ? strtod(w, NULL) : 100;
    if (!(f->width_pct > 0 && f->width_pct <= 100))
        f->width_pct = 100;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (sp_ld_is_el(c, "caption"))
            f->caption = build_text(b, c);
    const char *why = NULL;
    if (!*f->src)
        why = "src is empty";
    else if (sp_ld_has_scheme(f->src))
        why = "refused: only files inside the source's folder can be used "
              "(no URLs)";
    else if (f->src[0] == '/')
        why = "refused: absolute paths are not allowed";
    else if (sp_ld_escapes(f->src))
        why = "refused: '..' may not leave the source's folder";
    if (why) {
        int line, col;
        sp_ld_node_pos(b->st, n, &line, &col);
        sp_diag_add(b->st->cls[C_MODEL], SP_D_IMAGE, b->st->cur, line, col,
                    "figure '%s': %s", f->src, why);
        return f;
    }
    const char *slash = file ? strrchr(file, '/') : NULL;
    size_t dl = slash ? (size_t)(slash - file) + 1 : 0;
    size_t sl = strlen(f->src);
    char *path = sp_arena_alloc(b->a, dl + sl + 1);
    if (!path) {
        b->nomem = 1;
        return f;
    }
    if (dl)
        memcpy(path, file, dl);
    memcpy(path + dl, f->src, sl + 1);
    f->path = path;
    return f;
}

static sp_blocks build_blocks(builder *b, xmlNodePtr parent, const char *file)
{
    sp_blocks bl = {NULL, 0};
    size_t n = 0;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        n += sp_ld_is_el(c, "p") || sp_ld_is_el(c, "ul")
             || sp_ld_is_el(c, "ol") || sp_ld_is_el(c, "pre")
             || sp_ld_is_el(c, "figure");
    if (!n)
        return bl;
    bl.blocks = sp_arena_array(b->a, n, sizeof *bl.blocks);
    if (!bl.blocks) {
        b->nomem = 1;
        return bl;
    }
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        sp_block *blk = &bl.blocks[bl.n_blocks];
        if (sp_ld_is_el(c, "p")) {
            blk->kind = SP_BLOCK_P;
            blk->text = build_text(b, c);
        } else if (sp_ld_is_el(c, "pre")) {
            blk->kind = SP_BLOCK_PRE;
            blk->text = build_pre(b, c);
        } else if (sp_ld_is_el(c, "figure")) {
            blk->kind = SP_BLOCK_FIGURE;
            blk->figure = build_figure(b, c, file);
        } else if (sp_ld_is_el(c, "ul") || sp_ld_is_el(c, "ol")) {
            blk->kind = sp_ld_is_el(c, "ul") ? SP_BLOCK_UL : SP_BLOCK_OL;
            size_t k = count_el(c->children, "li");
            blk->items = sp_arena_array(b->a, k ? k : 1, sizeof *blk->items);
            if (!blk->items) {
                b->nomem = 1;
                return bl;
            }
            for (xmlNodePtr li = c->children; li; li = li->next)
                if (sp_ld_is_el(li, "li"))
                    blk->items[blk->n_items++] = build_text(b, li);
        } else {
            continue;
        }
        blk->loc.file = file;
        sp_ld_node_pos(b->st, c, &blk->loc.line, &blk->loc.col);
        bl.n_blocks++;
    }
    return bl;
}

/* Splits a space-separated attribute into an arena array of ids. */
static const char **split_ids(builder *b, const char *v, size_t *n_out)
{
    *n_out = 0;
    if (!v)
        return NULL;
    size_t n = 0;
    for (const char *p = v; *p;) {
        while (*p && is_ws(*p))
            p++;
        if (!*p)
            break;
        n++;
        while (*p && !is_ws(*p))
            p++;
    }
    const char **ids = sp_arena_array(b->a, n ? n : 1, sizeof *ids);
    if (!ids) {
        b->nomem = 1;
        return NULL;
    }
    for (const char *p = v; *p;) {
        while (*p && is_ws(*p))
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && !is_ws(*p))
            p++;
        ids[(*n_out)++] = sp_arena_strndup(b->a, s, (size_t)(p - s));
    }
    return ids;
}

void sp_ld_build_question(builder *b, xmlNodePtr n, sp_question *q,
                          const char *file)
{
    q->id = sp_ld_attr(b, n, "id");
    q->round_id = sp_ld_attr(b, n, "round");
    q->round = -1;
    const char *d = sp_ld_attr(b, n, "difficulty");
    q->difficulty = !d ? SP_DIFF_NONE
                    : strcmp(d, "easy") == 0   ? SP_DIFF_EASY
                    : strcmp(d, "medium") == 0 ? SP_DIFF_MEDIUM
                                               : SP_DIFF_HARD;
    q->topics = split_ids(b, sp_ld_attr(b, n, "topics"), &q->n_topics);
    q->loc.file = file;
    sp_ld_node_pos(b->st, n, &q->loc.line, &q->loc.col);
    size_t nf = count_el(n->children, "followup");
    if (nf) {
        q->followups = sp_arena_array(b->a, nf, sizeof *q->followups);
        if (!q->followups) {
            b->nomem = 1;
            return;
        }
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (sp_ld_is_el(c, "cue"))
            q->cue = build_text(b, c);
        else if (sp_ld_is_el(c, "prompt"))
            q->prompt = build_text(b, c);
        else if (sp_ld_is_el(c, "answer"))
            q->answer = build_blocks(b, c, file);
        else if (sp_ld_is_el(c, "followup"))
            q->followups[q->n_followups++] = build_text(b, c);
    }
}

/* <values><value>...</value>...</values> into M. */
static void build_values(builder *b, xmlNodePtr n, sp_meta *m)
{
    if (m->values)
        return;     /* a second <values>: the schema reports it */
    size_t k = count_el(n->children, "value");
    m->values = sp_arena_array(b->a, k ? k : 1, sizeof *m->values);
    if (!m->values) {
        b->nomem = 1;
        return;
    }
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (sp_ld_is_el(c, "value"))
            m->values[m->n_values++] = plain(b, c);
}

void sp_ld_build_meta(builder *b, xmlNodePtr n)
{
    sp_meta *m = &b->st->pack->meta;
    m->loc.file = b->st->pack->file;
    sp_ld_node_pos(b->st, n, &m->loc.line, &m->loc.col);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (sp_ld_is_el(c, "company"))
            m->company = plain(b, c);
        else if (sp_ld_is_el(c, "role"))
            m->role = plain(b, c);
        else if (sp_ld_is_el(c, "edition"))
            m->edition = plain(b, c);
        else if (sp_ld_is_el(c, "title"))
            m->title = plain(b, c);
        else if (sp_ld_is_el(c, "summary"))
            m->summary = build_blocks(b, c, b->st->pack->file);
        else if (sp_ld_is_el(c, "values"))
            build_values(b, c, m);
    }
    if (!m->title) {
        const char *role = m->role ? m->role : "";
        size_t len = strlen(role) + (m->company ? strlen(m->company) : 0) +
                     32;
        char *t = sp_arena_alloc(b->a, len);
        if (!t) {
            b->nomem = 1;
            return;
        }
        snprintf(t, len, "%s%s%s Interview Prep", m->company ? m->company : "",
                 m->company ? " " : "", role);
        m->title = t;
    }
}

void sp_ld_build_process(builder *b, xmlNodePtr n)
{
    sp_pack *p = b->st->pack;
    if (p->rounds)
        return;     /* a second <process>: the schema reports it (its
                       rounds would run past the first one's array) */
    size_t k = count_el(n->children, "round");
    p->rounds = sp_arena_array(b->a, k ? k : 1, sizeof *p->rounds);
    if (!p->rounds) {
        b->nomem = 1;
        return;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!sp_ld_is_el(c, "round"))
            continue;
        sp_round *r = &p->rounds[p->n_rounds++];
        r->id = sp_ld_attr(b, c, "id");
        r->name = sp_ld_attr(b, c, "name");
        r->desc = build_blocks(b, c, p->file);
        const char *kind = sp_ld_attr(b, c, "kind");
        r->behavioral = kind && strcmp(kind, "behavioral") == 0;
        r->loc.file = p->file;
        sp_ld_node_pos(b->st, c, &r->loc.line, &r->loc.col);
    }
}

void sp_ld_build_tips(builder *b, xmlNodePtr n)
{
    sp_pack *p = b->st->pack;
    if (p->tips)
        return;     /* a second <tips>: the schema reports it */
    size_t k = count_el(n->children, "section");
    p->tips = sp_arena_array(b->a, k ? k : 1, sizeof *p->tips);
    if (!p->tips) {
        b->nomem = 1;
        return;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!sp_ld_is_el(c, "section"))
            continue;
        sp_tip_section *s = &p->tips[p->n_tips++];
        s->title = sp_ld_attr(b, c, "title");
        s->loc.file = p->file;
        sp_ld_node_pos(b->st, c, &s->loc.line, &s->loc.col);
        size_t nt = count_el(c->children, "tip");
        s->tips = sp_arena_array(b->a, nt ? nt : 1, sizeof *s->tips);
        s->tip_locs = sp_arena_array(b->a, nt ? nt : 1, sizeof *s->tip_locs);
        s->tip_rounds = sp_arena_array(b->a, nt ? nt : 1,
                                       sizeof *s->tip_rounds);
        if (!s->tips || !s->tip_locs || !s->tip_rounds) {
            b->nomem = 1;
            return;
        }
        for (xmlNodePtr t = c->children; t; t = t->next) {
            if (!sp_ld_is_el(t, "tip"))
                continue;
            s->tip_locs[s->n_tips].file = p->file;
            sp_ld_node_pos(b->st, t, &s->tip_locs[s->n_tips].line,
                     &s->tip_locs[s->n_tips].col);
            s->tip_rounds[s->n_tips] = sp_ld_attr(b, t, "rounds");
            s->tips[s->n_tips++] = build_text(b, t);
        }
    }
}

void sp_ld_build_timeline(builder *b, xmlNodePtr n)
{
    sp_pack *p = b->st->pack;
    if (p->phases)
        return;     /* a second <timeline>: the schema reports it */
    size_t k = count_el(n->children, "phase");
    p->phases = sp_arena_array(b->a, k ? k : 1, sizeof *p->phases);
    if (!p->phases) {
        b->nomem = 1;
        return;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!sp_ld_is_el(c, "phase"))
            continue;
        sp_phase *ph = &p->phases[p->n_phases++];
        ph->id = sp_ld_attr(b, c, "id");
        ph->title = sp_ld_attr(b, c, "title");
        const char *days = sp_ld_attr(b, c, "days");
        ph->days = days ? atoi(days) : 1;
        ph->loc.file = p->file;
        sp_ld_node_pos(b->st, c, &ph->loc.line, &ph->loc.col);
        size_t nt = count_el(c->children, "task");
        ph->tasks = sp_arena_array(b->a, nt ? nt : 1, sizeof *ph->tasks);
        if (!ph->tasks) {
            b->nomem = 1;
            return;
        }
        for (xmlNodePtr t = c->children; t; t = t->next) {
            if (!sp_ld_is_el(t, "task"))
                continue;
            sp_task *task = &ph->tasks[ph->n_tasks++];
            const char *kind = sp_ld_attr(b, t, "kind");
            static const char *kinds[] = {"study", "practice", "mock",
                                          "review", "rest"};
            task->kind = SP_TASK_STUDY;
            for (int i = 0; kind && i < 5; i++)
                if (strcmp(kind, kinds[i]) == 0)
                    task->kind = (sp_task_kind)i;
            task->text = build_text(b, t);
            task->question_ids = split_ids(b, sp_ld_attr(b, t, "questions"),
                                           &task->n_questions);
            task->loc.file = p->file;
            sp_ld_node_pos(b->st, t, &task->loc.line, &task->loc.col);
            const char *tdays = sp_ld_attr(b, t, "days");
            task->days = tdays ? atoi(tdays) : 0;
        }
    }
}


