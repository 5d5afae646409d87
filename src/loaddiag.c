/* loaddiag.c - the loader's diagnostics (see load_int.h): positions of
 * nodes in the source's bytes, libxml2's errors in our words, and the
 * report of every class in source order with include chains. */
#include "load_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "explain.h"

static void trim_message(char *m)
{
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = '\0';
}

/* The local name quoted after KEY ("Element '", "attribute '") in a
 * libxml2 message, into OUT; 0 if there is none. */
static int quoted_name(const char *msg, const char *key, char *out,
                       size_t cap)
{
    const char *p = strstr(msg, key);
    if (!p)
        return 0;
    p += strlen(key);
    const char *e = strchr(p, '\'');
    if (!e)
        return 0;
    const char *close = memchr(p, '}', (size_t)(e - p));
    if (close)
        p = close + 1;
    size_t n = (size_t)(e - p) < cap - 1 ? (size_t)(e - p) : cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

/* libxml2's list after "Expected is " ("( a, b )"), or NULL. */
static const char *expected_list(const char *msg)
{
    const char *p = strstr(msg, "Expected is ");
    if (!p)
        return NULL;
    p = strchr(p, '(');
    return p ? p + 1 : NULL;
}

/* Well-formedness errors in our words, where libxml2's are obscure. */
static void parse_words(xmlErrorPtr e, char *msg, size_t cap)
{
    const char *s1 = e->str1 ? e->str1 : "?";
    switch (e->code) {
    case XML_ERR_NAME_REQUIRED:
        if (strstr(msg, "StartTag"))
            snprintf(msg, cap, "a `<` in text must be written `&lt;`");
        break;
    case XML_ERR_TAG_NAME_MISMATCH:
        snprintf(msg, cap, "`</%s>` does not close `<%s>` (opened on line "
                 "%d): close `%s` first", e->str2 ? e->str2 : "?", s1,
                 e->int1, s1);
        break;
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
        snprintf(msg, cap, "attribute values must be in quotes: "
                 "name=\"value\"");
        break;
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        snprintf(msg, cap, "attribute '%s' has no value: write %s=\"...\"",
                 s1, s1);
        break;
    case XML_ERR_ATTRIBUTE_REDEFINED:
        snprintf(msg, cap, "attribute '%s' is given twice", s1);
        break;
    case XML_ERR_DOCUMENT_END:
        if (strstr(msg, "Extra content"))
            snprintf(msg, cap, "more after the end of the root element: a "
                     "source has one root element (`studypack`, or "
                     "`questions` for a bank)");
        break;
    default:
        break;
    }
}

/* A schema error in our words, at the start tag or attribute it is about
 * (found in the bytes from where the parser stood); 0 to drop it. */
static int schema_error(load_state *st, xmlErrorPtr e, char *msg, size_t cap,
                        int *line, int *col)
{
    char elem[64], attr[64], parent[64];
    if (!quoted_name(msg, "Element '", elem, sizeof elem))
        return 1;
    int has_attr = quoted_name(msg, "attribute '", attr, sizeof attr);
    long tag = -1, at = -1, par = -1;
    parent[0] = '\0';
    if (st->reader && st->pos.data) {
        long off = xmlTextReaderByteConsumed(st->reader);
        /* several errors about one start tag (its attributes, in order)
         * come with the parser at one place: find the tag once */
        if (off >= 0 && off == st->se_off && st->se_reader == st->reader &&
            strcmp(elem, st->se_elem) == 0) {
            tag = st->se_tag;
            par = st->se_par;
            snprintf(parent, sizeof parent, "%s", st->se_parent);
        } else if (off >= 0) {
            tag = sp_srcpos_open_tag(&st->pos, (size_t)off, elem);
            if (tag >= 0)
                par = sp_srcpos_parent(&st->pos, (size_t)tag, parent,
                                       sizeof parent);
            st->se_off = off;
            st->se_reader = st->reader;
            st->se_tag = tag;
            st->se_par = par;
            st->se_attr = -1;
            snprintf(st->se_elem, sizeof st->se_elem, "%s", elem);
            snprintf(st->se_parent, sizeof st->se_parent, "%s", parent);
        }
        if (tag >= 0 && has_attr) {
            if (st->se_attr > tag)
                at = sp_srcpos_attr_from(&st->pos, (size_t)st->se_attr, attr);
            if (at < 0)
                at = sp_srcpos_attr(&st->pos, (size_t)tag, attr);
            if (at >= 0)
                st->se_attr = at;
        }
        if (at >= 0 || tag >= 0)
            sp_srcpos_at(&st->pos, (size_t)(at >= 0 ? at : tag), line, col);
    }
    char before[16][32], all[16][32];
    sp_xproblem x = {SP_X_UNEXPECTED, elem, has_attr ? attr : NULL,
                     parent[0] ? parent : NULL, e->str1, NULL, before, 0,
                     NULL, 0};
    switch (e->code) {
    case XML_SCHEMAV_CVC_PATTERN_VALID: x.kind = SP_X_PATTERN; break;
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2: x.kind = SP_X_LIST; break;
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        x.kind = SP_X_ENUM;
        x.expected = e->str2;
        break;
    case XML_SCHEMAV_CVC_MINLENGTH_VALID: x.kind = SP_X_BLANK; break;
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID: x.kind = SP_X_RANGE; break;
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1: x.kind = SP_X_TYPE; break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        x.kind = SP_X_ATTR_UNKNOWN;
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        x.kind = SP_X_ATTR_MISSING;
        x.attr = e->str1;
        break;
    default:
        if (strstr(msg, "Missing child element")) {
            x.kind = SP_X_MISSING_CHILD;
        } else if (strstr(msg, "This element is not expected")) {
            x.kind = SP_X_UNEXPECTED;
            if (par >= 0 && tag >= 0) {
                x.n_before = sp_srcpos_children(&st->pos, (size_t)par,
                                                (size_t)tag, before, 16);
                x.n_all = sp_srcpos_children(&st->pos, (size_t)par,
                                             st->pos.len, all, 16);
                x.all = all;
            }
        } else if (strstr(msg, "Character content other than whitespace")) {
            x.kind = SP_X_TEXT;
        } else {
            return 1;
        }
        x.expected = expected_list(msg);
        break;
    }
    char words[1024];
    int r = sp_explain(&x, words, sizeof words);
    if (r < 0)
        return 0;
    if (r > 0)
        snprintf(msg, cap, "%s", words);
    return 1;
}

void sp_ld_on_error(void *ctx, xmlErrorPtr e)
{
    load_state *st = ctx;
    if (!st || !e || e->level == XML_ERR_NONE)
        return;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    trim_message(msg);
    sp_diag_code code = SP_D_XML;
    sp_diags *to = parse_class(st);
    if (e->domain == XML_FROM_SCHEMASV || e->domain == XML_FROM_SCHEMASP) {
        code = SP_D_SCHEMA;
        to = st->cls[C_SCHEMA];
    }
    int line = e->line;
    int col = e->int2;
    if (strstr(msg, "Excessive depth")) {
        code = SP_D_LIMIT;
        snprintf(msg, sizeof msg, "elements nested deeper than %d levels",
                 SP_MAX_DEPTH);
    } else if (e->code == XML_ERR_DOCUMENT_END && e->ctxt &&
               ((xmlParserCtxtPtr)e->ctxt)->nameNr > 0) {
        /* the reader's push parser says "Extra content" when the data
         * ends inside an element; say what the pull parser says */
        xmlParserCtxtPtr pc = e->ctxt;
        xmlNodePtr open = pc->node;
        if (open && open->name)
            snprintf(msg, sizeof msg, "the file ends inside `%s` (opened on "
                     "line %ld): close it with `</%s>`",
                     (const char *)open->name, xmlGetLineNo(open),
                     (const char *)open->name);
        else
            snprintf(msg, sizeof msg, "the file ends inside an element");
    } else if (strstr(msg, "No matching global declaration available for "
                           "the validation root")) {
        snprintf(msg, sizeof msg, "the root element must be <studypack> (a "
                 "pack) or <questions> (a bank)");
        col = 0;
    } else if (code == SP_D_SCHEMA) {
        /* the validator streams: its position is where the parser stood */
        col = 0;
        if (!schema_error(st, e, msg, sizeof msg, &line, &col))
            return;
    } else if (e->domain == XML_FROM_PARSER) {
        /* one slip, one message: libxml2 follows some with more at the
         * same place */
        if (line == st->wf_line && col == st->wf_col && st->wf_file &&
            strcmp(st->wf_file, st->cur) == 0)
            return;
        st->wf_line = line;
        st->wf_col = col;
        st->wf_file = st->cur;
        parse_words(e, msg, sizeof msg);
    }
    const char *file = e->file ? e->file : st->cur;
    sp_severity sev = e->level == XML_ERR_WARNING ? SP_WARNING : SP_ERROR;
    sp_diag_add_sev(to, code, sev, file, line > 0 ? line : 0,
                    col > 0 ? col : 0, "%s", msg);
}

/* Registers file NAME, included from the file being read at LINE:COL
 * (the top-level source when there are no files yet).  Returns its index,
 * or -1 when out of memory. */
long sp_ld_add_file(load_state *st, const char *name, int line, int col)
{
    file_info *f = realloc(st->files, (st->n_files + 1) * sizeof *f);
    if (!f)
        return -1;
    st->files = f;
    file_info *nf = &f[st->n_files];
    memset(nf, 0, sizeof *nf);
    nf->name = name;
    if (st->n_files > 0) {
        const file_info *up = &f[st->cur_file];
        nf->depth = up->depth;
        memcpy(nf->chain, up->chain, sizeof nf->chain);
        if (nf->depth < SP_MAX_INCLUDE_DEPTH + 1) {
            nf->chain[nf->depth].file = st->cur;
            nf->chain[nf->depth].line = line;
            nf->chain[nf->depth].col = col;
            nf->depth++;
        }
    }
    return (long)st->n_files++;
}

typedef struct {
    load_state *st;
    const char *name;
    const char *data;
    sp_srcpos pos;
    char *copy;
    size_t n;
} amp_walk;

enum { MAX_AMPS_REPORTED = 20 };

static void on_amp(void *ctx, const sp_amp *a)
{
    amp_walk *w = ctx;
    sp_diags *to = w->st->cls[C_TEXT];
    if (++w->n <= MAX_AMPS_REPORTED) {
        int line, col;
        sp_srcpos_at(&w->pos, a->off, &line, &col);
        unsigned cp = a->name[0] ? sp_html_entity(a->name) : 0;
        if (!a->name[0])
            sp_diag_add(to, SP_D_XML, w->name, line, col,
                        "a bare `&` must be written `&amp;`");
        else if (cp)
            sp_diag_add(to, SP_D_XML, w->name, line, col,
                        "`&%s;`: entities are not supported; write the "
                        "character itself or `&#%u;` (U+%04X)", a->name, cp,
                        cp);
        else
            sp_diag_add(to, SP_D_XML, w->name, line, col,
                        "`&%s;`: entities are not supported; write the "
                        "character itself or a character reference such as "
                        "`&#233;`", a->name);
    }
    if (!w->copy && !w->st->amps_nomem) {
        w->copy = malloc(w->pos.len ? w->pos.len : 1);
        if (!w->copy)
            w->st->amps_nomem = 1;
        else
            memcpy(w->copy, w->data, w->pos.len);
    }
    if (w->copy)
        memset(w->copy + a->off, ' ', a->len);
}

/* Reports the entity references and bare '&'s of a file (libxml2 would
 * stop at the first) and returns a copy of DATA with them blanked out,
 * so that parsing and checking go on; NULL when there are none (or no
 * memory: then amps_nomem is set). */
char *sp_ld_check_amps(load_state *st, const char *name, const char *data,
                        size_t len)
{
    amp_walk w = {st, name, data, {0}, NULL, 0};
    sp_srcpos_init(&w.pos, data, len);
    sp_srcpos_amps(data, len, on_amp, &w);
    sp_srcpos_free(&w.pos);
    if (w.n > MAX_AMPS_REPORTED)
        sp_diag_add(st->cls[C_TEXT], SP_D_XML, name, 0, 0,
                    "%zu more entity references or bare `&`s", w.n -
                    MAX_AMPS_REPORTED);
    return w.copy;
}

/* ---- positions ----------------------------------------------------------
 *
 * A node knows only the line where its start tag ends; the column comes
 * from the bytes.  The stream loop notes each element it reaches (VISIT)
 * and finds its start tag; an element inside a subtree expanded from
 * there is the K-th tag of its name after the subtree's own. */

void sp_ld_visit(load_state *st, xmlNodePtr n)
{
    int line = (int)xmlGetLineNo(n);
    const char *name = (const char *)n->name;
    if (line != st->tr_line) {
        st->tr_line = line;
        st->n_tr = 0;
    }
    int i;
    size_t from = sp_srcpos_line_start(&st->pos, line), ls = from;
    for (i = 0; i < st->n_tr; i++)
        if (strcmp(st->tr[i].name, name) == 0) {
            if (st->tr[i].off != SIZE_MAX)
                from = st->tr[i].off + 1;   /* after the last one */
            break;
        }
    if (i == st->n_tr && st->n_tr < 8) {
        snprintf(st->tr[i].name, sizeof st->tr[i].name, "%s", name);
        st->tr[i].off = SIZE_MAX;
        st->n_tr++;
    }
    st->root = n;
    long off = sp_srcpos_nth_tag(&st->pos, from, name, 0);
    if (off >= 0 && (size_t)off >= sp_srcpos_line_start(&st->pos, line + 1))
        off = -1;
    if (off < 0)    /* a start tag over several lines */
        off = sp_srcpos_open_tag(&st->pos, ls, name);
    st->root_off = off >= 0 ? (size_t)off : SIZE_MAX;
    if (i < st->n_tr)
        st->tr[i].off = st->root_off;
}

/* Line and column of the start tag of element N of the file being read:
 * the K-th tag of its name on its line, K counting the elements of that
 * name before it on the line (from the subtree's own tag when that is on
 * the same line). */
void sp_ld_node_pos(load_state *st, xmlNodePtr n, int *line, int *col)
{
    int l = (int)xmlGetLineNo(n);
    *line = l;
    *col = 0;
    if (!st->root || st->root_off == SIZE_MAX || !st->pos.data)
        return;
    long off = -1;
    if (n == st->root) {
        off = (long)st->root_off;
    } else {
        int k = 0;
        size_t from = SIZE_MAX;
        for (xmlNodePtr c = n;;) {
            if (c->prev) {
                c = c->prev;
                while (c->last)
                    c = c->last;
            } else {
                c = c->parent;
            }
            if (!c || c->type == XML_DOCUMENT_NODE)
                return;             /* not inside the subtree */
            if (c->type != XML_ELEMENT_NODE)
                continue;
            int cl = (int)xmlGetLineNo(c);
            if (cl < l && c != st->root)
                break;
            if (cl == l && xmlStrEqual(c->name, n->name))
                k++;
            if (c == st->root) {
                if (cl == l)
                    from = st->root_off;
                break;
            }
        }
        size_t ls = sp_srcpos_line_start(&st->pos, l);
        size_t next = sp_srcpos_line_start(&st->pos, l + 1);
        if (from == SIZE_MAX)
            from = ls;
        off = sp_srcpos_nth_tag(&st->pos, from, (const char *)n->name, k);
        /* not on the line: a start tag over several lines (or, past line
         * 65535, a line libxml2 took from the element's first child) */
        if (off < 0 || (size_t)off >= next)
            off = sp_srcpos_open_tag(&st->pos, ls, (const char *)n->name);
    }
    if (off >= 0)
        sp_srcpos_at(&st->pos, (size_t)off, line, col);
}

/* One collected diagnostic and where it sorts: the include positions
 * that lead to its file, then its own line and column. */
typedef struct {
    const sp_diag *d;
    const file_info *f;
    int key[2 * (SP_MAX_INCLUDE_DEPTH + 2)];
    int n_key;
    size_t seq;
} entry;

static int cmp_entries(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    for (int i = 0; i < a->n_key && i < b->n_key; i++)
        if (a->key[i] != b->key[i])
            return a->key[i] < b->key[i] ? -1 : 1;
    if (a->n_key != b->n_key)
        return a->n_key < b->n_key ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const file_info *file_of(const load_state *st, const char *name)
{
    for (size_t i = 0; name && i < st->n_files; i++)
        if (strcmp(st->files[i].name, name) == 0)
            return &st->files[i];
    return NULL;
}

/* Moves the collected diagnostics into the caller's list in source order:
 * only the well-formedness errors (and entity slips) of a source that is
 * not well-formed, else everything.  A diagnostic in a bank is introduced
 * by its include chain; notes stay after the diagnostic they belong to. */
void sp_ld_report(load_state *st)
{
    int broken = sp_diags_errors(st->cls[C_PARSE]) > 0;
    size_t n = 0;
    for (int c = 0; c < C_COUNT; c++)
        n += sp_diags_count(st->cls[c]);
    entry *e = malloc((n ? n : 1) * sizeof *e);
    if (!e) {
        for (int c = 0; c < C_COUNT; c++)
            sp_diags_move(st->diags, st->cls[c]);
        return;
    }
    size_t k = 0;
    for (int c = 0; c < C_COUNT; c++) {
        if (broken && c != C_PARSE && c != C_TEXT)
            continue;
        const entry *lead = NULL;
        for (size_t i = 0; i < sp_diags_count(st->cls[c]); i++) {
            entry *it = &e[k];
            it->d = sp_diags_at(st->cls[c], i);
            it->seq = k++;
            if (it->d->severity == SP_NOTE && lead) {
                memcpy(it->key, lead->key, sizeof it->key);
                it->n_key = lead->n_key;
                it->f = NULL;
                continue;
            }
            it->f = file_of(st, it->d->file);
            it->n_key = 0;
            if (!it->f && it->d->file) {
                it->key[it->n_key++] = INT_MAX;
            } else if (it->f) {
                for (int l = 0; l < it->f->depth; l++) {
                    it->key[it->n_key++] = it->f->chain[l].line;
                    it->key[it->n_key++] = it->f->chain[l].col;
                }
            }
            it->key[it->n_key++] = it->d->line;
            it->key[it->n_key++] = it->d->col;
            lead = it;
        }
    }
    qsort(e, k, sizeof *e, cmp_entries);
    for (size_t i = 0; i < k; i++) {
        const sp_diag *d = e[i].d;
        const file_info *f = e[i].f;
        for (int l = f ? f->depth - 1 : -1; l >= 0; l--)
            sp_diag_add_sev(st->diags, SP_D_INCLUDED, SP_NOTE,
                            f->chain[l].file, f->chain[l].line,
                            f->chain[l].col, "%s",
                            l == f->depth - 1 ? "" : "from");
        sp_diag_add_sev(st->diags, d->code, d->severity, d->file, d->line,
                        d->col, "%s", d->message);
    }
    free(e);
    for (int c = 0; c < C_COUNT; c++)
        sp_diags_clear(st->cls[c]);
}

