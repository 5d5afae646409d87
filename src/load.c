/* load.c - hardened loading of a source into the model (see load.h).
 *
 * Order of work: read the bytes and check them (size, NUL, UTF-8, DOCTYPE);
 * then stream the document through libxml2's xmlTextReader (no entities, no
 * network, big line numbers) with the embedded XSD validating as it parses.
 * Each part of the pack (meta, process, tips, timeline) and each question
 * is expanded into a small tree when its end tag is read, turned into the
 * model and freed again, so memory does not grow with the size of the
 * document tree.  An xi:include is checked and, when allowed, its bank is
 * streamed the same way right there (confined to the source's folder).
 * The semantic rules run on the finished model.
 *
 * Diagnostics are collected in classes that mirror the checks:
 * well-formedness of the source, entity references and bare '&'s (found
 * in the bytes, reported and blanked out so that parsing goes on), then
 * includes and limits, the schema and the model.  A source that is not
 * well-formed reports its well-formedness errors only (the rest would be
 * the breakage's echoes); otherwise every class is reported, in source
 * order (a bank's problems where it is included, each introduced by the
 * include chain), and the model rules run on the parts that were read.
 */
#include "load_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "arena.h"
#include "explain.h"
#include "reserve.h"
#include "rules.h"
#include "srcpos.h"

/* the schema, embedded by the build (xxd -i sources/studypack.xsd) */
extern unsigned char studypack_xsd[];
extern unsigned int studypack_xsd_len;

#define XI_NS "http://www.w3.org/2001/XInclude"
#define XI_NS_OLD "http://www.w3.org/2003/XInclude"

enum {
    PARSE_OPTIONS = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA |
                    XML_PARSE_COMPACT
};

static _Thread_local load_state *current;
static xmlSchemaPtr schema;
static xmlExternalEntityLoader default_loader;

/* ---- bytes ------------------------------------------------------------ */

static int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    int n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)n > len)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Checks what libxml2 would report poorly: emptiness, size, binary data,
 * UTF-8 validity (with the exact line and column) and a DOCTYPE. */
static int check_bytes(sp_diags *d, const char *name, const char *data,
                       size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    if (len == 0) {
        sp_diag_add(d, SP_D_XML, name, 0, 0, "file is empty");
        return -1;
    }
    if (len > SP_MAX_FILE_BYTES) {
        sp_diag_add(d, SP_D_LIMIT, name, 0, 0,
                    "file is %zu bytes; the limit is %u bytes", len,
                    SP_MAX_FILE_BYTES);
        return -1;
    }
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
                     (s[0] == 0xFE && s[1] == 0xFF))) {
        sp_diag_add(d, SP_D_XML, name, 1, 1,
                    "file is UTF-16; sources must be UTF-8");
        return -1;
    }
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        /* fast path: ASCII other than NUL and newline, 8 bytes at a time,
         * then one by one */
        size_t j = i;
        while (len - j >= 8) {
            uint64_t v, nl;
            memcpy(&v, s + j, 8);
            nl = v ^ 0x0A0A0A0A0A0A0A0AULL;
            if ((v | ((v - 0x0101010101010101ULL) & ~v)
                 | ((nl - 0x0101010101010101ULL) & ~nl))
                & 0x8080808080808080ULL)
                break;
            j += 8;
        }
        while (j < len && s[j] - 1u < 0x7Fu && s[j] != '\n')
            j++;
        if (j > i) {
            col += (int)(j - i);
            i = j;
            continue;
        }
        if (s[i] == '\n') {
            line++;
            col = 1;
            i++;
            continue;
        }
        if (s[i] == 0) {
            sp_diag_add(d, SP_D_XML, name, line, col,
                        "NUL byte: this is a binary file, not an XML "
                        "source");
            return -1;
        }
        int n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            sp_diag_add(d, SP_D_XML, name, line, col,
                        "invalid UTF-8 (byte 0x%02X); sources must be "
                        "UTF-8", s[i]);
            return -1;
        }
        if (cp == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += (size_t)n;
    }
    /* the prolog: BOM, XML declaration, comments, PIs, white space */
    size_t i = (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
                   ? 3 : 0;
    line = 1;
    size_t line_start = i;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
                           s[i] == '\n')) {
            if (s[i] == '\n') {
                line++;
                line_start = i + 1;
            }
            i++;
        }
        const char *end = NULL;
        if (i + 1 < len && s[i] == '<' && s[i + 1] == '?')
            end = "?>";
        else if (i + 3 < len && memcmp(s + i, "<!--", 4) == 0)
            end = "-->";
        if (!end)
            break;
        size_t el = strlen(end);
        size_t j = i + 2;
        while (j + el <= len && memcmp(s + j, end, el) != 0) {
            if (s[j] == '\n') {
                line++;
                line_start = j + 1;
            }
            j++;
        }
        if (j + el > len)
            break;   /* unterminated: the parser reports it */
        i = j + el;
    }
    if (i + 9 <= len && memcmp(s + i, "<!DOCTYPE", 9) == 0) {
        sp_diag_add(d, SP_D_DOCTYPE, name, line, (int)(i - line_start) + 1,
                    "DOCTYPE is not allowed in a studypack source (no DTDs, "
                    "no entities): delete the `<!DOCTYPE ...>` declaration "
                    "and write special characters themselves or as "
                    "`&#NNN;`");
        return -1;
    }
    return 0;
}

static int is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *read_file(sp_diags *d, const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot open: %s",
                    strerror(errno));
        return NULL;
    }
    /* a regular file is read into a buffer of its size (plus one byte to
     * see the end); other files grow the buffer as they go */
    struct stat st;
    size_t cap = 65536, len = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size >= 0 && (unsigned long long)st.st_size < SP_MAX_FILE_BYTES)
        cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            sp_diag_add(d, SP_D_NOMEM, path, 0, 0, "out of memory");
            fclose(f);
            return NULL;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
        if (len > SP_MAX_FILE_BYTES) {
            sp_diag_add(d, SP_D_LIMIT, path, 0, 0,
                        "file is larger than the limit of %u bytes",
                        SP_MAX_FILE_BYTES);
            free(buf);
            fclose(f);
            return NULL;
        }
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot read: %s",
                    strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len_out = len;
    return buf;
}


/* ---- libxml2's memory ---------------------------------------------------
 *
 * libxml2 2.9.14 does not survive every failed allocation (its push parser,
 * which the reader uses, dereferences some results unchecked), so its
 * allocations go through these wrappers and a reserve (reserve.h); the
 * loader checks for a failure after every step of the reader.  Loading
 * happens before any output is opened.
 */
static sp_reserve xml_reserve;

static void *malloc_again(void *old, size_t n)
{
    (void)old;
    return malloc(n);
}

static void *xml_malloc(size_t n)
{
    void *r = malloc(n);
    return r || !n ? r
                   : sp_reserve_retry(&xml_reserve, malloc_again, NULL, n,
                                      "reading a source");
}

static void *xml_realloc(void *p, size_t n)
{
    void *r = realloc(p, n);
    return r || !n ? r
                   : sp_reserve_retry(&xml_reserve, realloc, p, n,
                                      "reading a source");
}

static char *xml_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *r = xml_malloc(n);
    memcpy(r, s, n);
    return r;
}

/* Installs the wrappers (once, before libxml2's first use) and fills the
 * reserve for this load; -1 when not even the reserve can be had. */
static int xml_memory_setup(void)
{
    static int done;
    if (!done) {
        xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup);
        done = 1;
    }
    return sp_reserve_fill(&xml_reserve);
}

/* Has a URI scheme ("http:", "file:") before any slash. */
int sp_ld_has_scheme(const char *s)
{
    const char *p = s;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
        p++;
    return p > s && *p == ':';
}

/* True when a relative path climbs above its starting folder. */
int sp_ld_escapes(const char *s)
{
    int depth = 0;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 1;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        p += n + (e ? 1 : 0);
    }
    return 0;
}

/* libxml2 must never load anything by itself: includes are read by the
 * loader, and DTDs and entities are refused before parsing. */
static xmlParserInputPtr refusing_loader(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt)
{
    (void)id;
    (void)ctxt;
    load_state *st = current;
    if (st)
        sp_diag_add(parse_class(st), SP_D_INCLUDE, st->cur, 0, 0,
                    "loading '%s' refused: studypack reads no external "
                    "resources", url ? url : "?");
    return NULL;
}

int sp_ld_is_xi(xmlNodePtr n)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           (xmlStrEqual(n->ns->href, (const xmlChar *)XI_NS) ||
            xmlStrEqual(n->ns->href, (const xmlChar *)XI_NS_OLD));
}

/* An include or limit problem at node N of the file being read. */
static void report_node(load_state *st, sp_diag_code code, xmlNodePtr n,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report_node(load_state *st, sp_diag_code code, xmlNodePtr n,
                        const char *fmt, ...)
{
    int line, col;
    sp_ld_node_pos(st, n, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    sp_diag_addv(st->cls[C_TREE], code, SP_ERROR, st->cur, line, col, fmt,
                 ap);
    va_end(ap);
}

static xmlSchemaPtr get_schema(load_state *st)
{
    if (schema)
        return schema;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(
        (const char *)studypack_xsd, (int)studypack_xsd_len);
    if (!pc)
        return NULL;
    xmlSchemaSetParserStructuredErrors(pc, sp_ld_on_error, st);
    schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    return schema;
}

/* ---- streaming --------------------------------------------------------- */

/* what an element the reader descends into is */
enum { K_OTHER, K_PACK, K_QUESTIONS };

typedef struct frame {
    const char *real;        /* realpath of a file being read */
    const struct frame *up;
} frame;

static void stream(load_state *st, builder *b, const char *data, size_t len,
                   int base, const frame *up, xmlNodePtr via);

/* Reports the first element of the tree N (at nesting DEPTH) that is
 * nested too deeply; the limit is reported once per load. */
static void check_depth(load_state *st, xmlNodePtr n, int depth)
{
    for (; n && !st->depth_reported; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (depth > SP_MAX_DEPTH) {
            report_node(st, SP_D_LIMIT, n,
                        "elements nested deeper than %d levels",
                        SP_MAX_DEPTH);
            st->depth_reported = 1;
            return;
        }
        check_depth(st, n->children, depth + 1);
    }
}

static const char *keep_name(load_state *st, const char *name)
{
    char **n = realloc(st->names, (st->n_names + 1) * sizeof *n);
    if (!n)
        return NULL;
    st->names = n;
    if (!(n[st->n_names] = strdup(name)))
        return NULL;
    return n[st->n_names++];
}

/* Remembers every file read, for incremental builds. */
static void add_input(builder *b, const char *name)
{
    sp_pack *p = b->st->pack;
    const char **in = sp_arena_array(b->a, p->n_inputs + 1, sizeof *in);
    sp_loc *at = sp_arena_array(b->a, p->n_inputs + 1, sizeof *at);
    if (!in || !at) {
        b->nomem = 1;
        return;
    }
    if (p->n_inputs) {
        memcpy(in, p->inputs, p->n_inputs * sizeof *in);
        memcpy(at, p->included_at, p->n_inputs * sizeof *at);
    }
    memset(&at[p->n_inputs], 0, sizeof *at);
    in[p->n_inputs++] = name;
    p->inputs = in;
    p->included_at = at;
}

/* The checks of an xi:include's attributes; 0 when it may be followed. */
static int check_include(load_state *st, xmlNodePtr n)
{
    size_t before = sp_diags_errors(st->cls[C_TREE]);
    xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
    xmlChar *parse = xmlGetProp(n, (const xmlChar *)"parse");
    xmlChar *xp = xmlGetProp(n, (const xmlChar *)"xpointer");
    const char *h = href ? (const char *)href : "";
    if (!href || !*h)
        report_node(st, SP_D_INCLUDE, n, "xi:include needs an href");
    else if (sp_ld_has_scheme(h))
        report_node(st, SP_D_INCLUDE, n,
                    "include of '%s' refused: only files inside the "
                    "source's folder can be included (no URLs)", h);
    else if (h[0] == '/')
        report_node(st, SP_D_INCLUDE, n,
                    "include of '%s' refused: absolute paths are not "
                    "allowed", h);
    else if (sp_ld_escapes(h))
        report_node(st, SP_D_INCLUDE, n,
                    "include of '%s' refused: '..' may not leave the "
                    "source's folder", h);
    else if (parse && !xmlStrEqual(parse, (const xmlChar *)"xml"))
        report_node(st, SP_D_INCLUDE, n,
                    "xi:include parse=\"%s\" is not supported; only XML "
                    "banks can be included", (const char *)parse);
    else if (xp)
        report_node(st, SP_D_INCLUDE, n,
                    "xi:include xpointer is not supported");
    xmlFree(href);
    xmlFree(parse);
    xmlFree(xp);
    return sp_diags_errors(st->cls[C_TREE]) > before ? -1 : 0;
}

/* Follows the checked xi:include XI (at nesting DEPTH) of the file being
 * read: its bank is streamed in its place, or the reason it cannot be is
 * reported. */
static void include_here(load_state *st, builder *b, xmlNodePtr xi,
                         int depth, const frame *up)
{
    xmlChar *href = xmlGetProp(xi, (const xmlChar *)"href");
    if (!href)
        return;
    const char *file = st->cur;
    const char *slash = strrchr(file, '/');
    size_t dl = slash ? (size_t)(slash - file) + 1 : 0;
    size_t hl = strlen((const char *)href);
    char *path = malloc(dl + hl + 1);
    if (!path) {
        xmlFree(href);
        b->nomem = 1;
        return;
    }
    memcpy(path, file, dl);
    memcpy(path + dl, href, hl + 1);
    xmlFree(href);
    char *real = realpath(path, NULL);
    size_t rl = strlen(st->root_dir);
    int cycle = 0;
    for (const frame *f = up; real && f; f = f->up)
        cycle |= strcmp(f->real, real) == 0;
    if (!real) {
        report_node(st, SP_D_INCLUDE, xi, "cannot include '%s': %s", path,
                    strerror(errno));
    } else if (strncmp(real, st->root_dir, rl) != 0 || real[rl] != '/') {
        report_node(st, SP_D_INCLUDE, xi, "include of '%s' refused: it "
                    "leads outside the source's folder (through a symbolic "
                    "link?)", path);
    } else if (st->bank_level >= SP_MAX_INCLUDE_DEPTH) {
        report_node(st, SP_D_LIMIT, xi, "include of '%s' refused: includes "
                    "nested deeper than %d levels", path,
                    SP_MAX_INCLUDE_DEPTH);
    } else if (++st->n_includes > SP_MAX_INCLUDES) {
        report_node(st, SP_D_LIMIT, xi, "include of '%s' refused: more than "
                    "%d included files", path, SP_MAX_INCLUDES);
    } else if (cycle) {
        report_node(st, SP_D_INCLUDE, xi, "include of '%s' refused: include "
                    "cycle (the file includes itself through this include)",
                    path);
    } else if (!is_regular(real)) {
        /* a FIFO would hang the build; a bank is always a plain file */
        report_node(st, SP_D_INCLUDE, xi, "include of '%s' refused: not a "
                    "regular file", path);
    } else {
        size_t len = 0;
        const char *name = keep_name(st, path);
        int line, col;
        sp_ld_node_pos(st, xi, &line, &col);
        long fi = name ? sp_ld_add_file(st, name, line, col) : -1;
        char *data = fi >= 0 ? read_file(st->cls[C_TREE], name, &len) : NULL;
        if (fi < 0)
            b->nomem = 1;
        if (data && check_bytes(st->cls[C_TREE], name, data, len) == 0) {
            const char *name_a = sp_arena_strdup(b->a, name);
            char *fixed = sp_ld_check_amps(st, name, data, len);
            if (name_a && !st->amps_nomem) {
                add_input(b, name_a);
                if (!b->nomem) {
                    sp_loc *at = &st->pack->included_at[st->pack->n_inputs - 1];
                    at->file = st->cur_a;
                    at->line = line;
                    at->col = col;
                }
                const char *saved = st->cur, *saved_a = st->cur_a;
                const char *saved_up = st->cur_up;
                size_t saved_file = st->cur_file;
                st->cur_up = st->cur;
                st->cur = name;
                st->cur_a = name_a;
                st->cur_file = (size_t)fi;
                st->bank_level++;
                frame me = {real, up};
                stream(st, b, fixed ? fixed : data, len, depth, &me, xi);
                st->bank_level--;
                st->cur = saved;
                st->cur_a = saved_a;
                st->cur_up = saved_up;
                st->cur_file = saved_file;
            } else {
                b->nomem = 1;
            }
            free(fixed);
        }
        free(data);
    }
    free(real);
    free(path);
}

/* One question, complete in the tree N. */
static void add_question(load_state *st, builder *b, xmlNodePtr n)
{
    if (st->n_qs == st->cap_qs) {
        size_t nc = st->cap_qs ? st->cap_qs * 2 : 64;
        sp_question *q = realloc(st->qs, nc * sizeof *q);
        if (!q) {
            b->nomem = 1;
            return;
        }
        st->qs = q;
        st->cap_qs = nc;
    }
    sp_question *q = &st->qs[st->n_qs++];
    memset(q, 0, sizeof *q);
    q->number = (int)st->n_qs;
    sp_ld_build_question(b, n, q, st->cur_a);
}

/* The root element N of a file: a pack or a bank.  Returns its kind, or
 * -1 when a bank's root is something else (reported at VIA). */
static int on_root(load_state *st, builder *b, xmlNodePtr n, xmlNodePtr via)
{
    int kind = sp_ld_is_el(n, "studypack")   ? K_PACK
               : sp_ld_is_el(n, "questions") ? K_QUESTIONS
                                       : K_OTHER;
    if (st->bank_level) {
        if (kind == K_QUESTIONS)
            return kind;
        (void)via;
        const file_info *f = &st->files[st->cur_file];
        const sp_loc *at = &f->chain[f->depth - 1];
        sp_diag_add(st->cls[C_TREE], SP_D_INCLUDE, at->file, at->line,
                    at->col, "'%s' is not a question bank: its root element "
                    "is <%s>, not <questions>", st->cur,
                    (const char *)n->name);
        return -1;
    }
    sp_pack *p = st->pack;
    if (kind == K_QUESTIONS) {
        p->is_bank = 1;
    } else if (kind == K_PACK) {
        p->id = sp_ld_attr(b, n, "id");
        xmlChar *lang = xmlGetNsProp(n, (const xmlChar *)"lang",
                                     XML_XML_NAMESPACE);
        if (lang) {
            p->lang = sp_arena_strdup(b->a, (const char *)lang);
            xmlFree(lang);
        }
    }
    return kind;
}

/* Streams one file (DATA, LEN; named st->cur) whose root element stands
 * at nesting BASE.  VIA is the xi:include that brought a bank in. */
static void stream(load_state *st, builder *b, const char *data, size_t len,
                   int base, const frame *up, xmlNodePtr via)
{
    /* this file's bytes and reader, for positions; a bank's stream
     * restores the including file's when it ends */
    sp_srcpos saved_pos = st->pos;
    xmlTextReaderPtr saved_reader = st->reader;
    xmlNodePtr saved_root = st->root;
    size_t saved_root_off = st->root_off;
    int saved_tr_line = st->tr_line, saved_n_tr = st->n_tr;
    sp_srcpos_init(&st->pos, data, len);
    st->se_off = -1;
    st->root = NULL;
    st->tr_line = 0;
    st->n_tr = 0;
    xmlTextReaderPtr r = xmlReaderForMemory(data, (int)len, st->cur, NULL,
                                            PARSE_OPTIONS);
    st->reader = r;
    xmlSchemaPtr s = get_schema(st);
    xmlSchemaValidCtxtPtr vc = s ? xmlSchemaNewValidCtxt(s) : NULL;
    if (!s) {
        sp_diag_add(st->cls[C_SCHEMA], SP_D_SCHEMA, st->cur, 0, 0,
                    "internal error: the embedded schema does not load");
        goto done;
    }
    if (!r || !vc) {
        b->nomem = 1;
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vc, sp_ld_on_error, st);
    if (xmlTextReaderSchemaValidateCtxt(r, vc, 0) != 0) {
        sp_diag_add(st->cls[C_SCHEMA], SP_D_SCHEMA, st->cur, 0, 0,
                    "internal error: cannot validate while reading");
        goto done;
    }
    int kinds[SP_MAX_DEPTH + 2];
    int first = 1, ret;
    for (ret = xmlTextReaderRead(r); ret == 1;) {
        int skip = 0;
        if (first) {
            first = 0;
            const xmlChar *enc = xmlTextReaderConstEncoding(r);
            if (enc && xmlStrcasecmp(enc, (const xmlChar *)"UTF-8") != 0) {
                /* at the declaration's encoding="...", near the start */
                int line = 1, col = 0;
                for (size_t k = 0; k + 8 <= len && k < 200; k++)
                    if (memcmp(data + k, "encoding", 8) == 0) {
                        sp_srcpos_at(&st->pos, k, &line, &col);
                        break;
                    }
                sp_diag_add(parse_class(st), SP_D_XML, st->cur, line, col,
                            "the file declares encoding '%s'; sources must "
                            "be UTF-8: save it as UTF-8 and write "
                            "encoding=\"UTF-8\"", (const char *)enc);
                break;
            }
        }
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            sp_diag_add(parse_class(st), SP_D_DOCTYPE, st->cur, 1, 0,
                        "DOCTYPE is not allowed in a studypack source");
            break;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            goto next;
        xmlNodePtr n = xmlTextReaderCurrentNode(r);
        int d = xmlTextReaderDepth(r);
        int depth = base + d;
        if (!n || d < 0) {
            b->nomem = 1;
            break;
        }
        sp_ld_visit(st, n);
        /* elements deeper than the limit are skipped, never entered, so
         * below it d - 1 indexes kinds[] */
        int parent = d > 0 && depth <= SP_MAX_DEPTH ? kinds[d - 1] : K_OTHER;
        int build = !blocking_errors(st) && !b->nomem;
        if (depth > SP_MAX_DEPTH) {
            if (!st->depth_reported)
                report_node(st, SP_D_LIMIT, n,
                            "elements nested deeper than %d levels",
                            SP_MAX_DEPTH);
            st->depth_reported = 1;
            skip = 1;
        } else if (d == 0) {
            kinds[0] = on_root(st, b, n, via);
            if (kinds[0] < 0)
                break;
            skip = kinds[0] == K_OTHER;
        } else if (sp_ld_is_xi(n)) {
            skip = 1;
            if (!xmlStrEqual(n->name, (const xmlChar *)"include"))
                report_node(st, SP_D_INCLUDE, n, "<xi:%s> is not supported; "
                            "only xi:include is", (const char *)n->name);
            else if (check_include(st, n) == 0 &&
                     (parent == K_PACK || parent == K_QUESTIONS))
                include_here(st, b, n, depth, up);
        } else if ((parent == K_PACK || parent == K_QUESTIONS) &&
                   sp_ld_is_el(n, "questions")) {
            kinds[d] = K_QUESTIONS;     /* read on into it */
        } else if (parent == K_QUESTIONS && sp_ld_is_el(n, "question")) {
            skip = 1;
            if (++st->seen > SP_MAX_QUESTIONS)
                build = 0;
            xmlNodePtr t = build ? xmlTextReaderExpand(r) : NULL;
            if (t) {
                check_depth(st, t->children, depth + 1);
                if (!blocking_errors(st))
                    add_question(st, b, t);
            }
        } else if (parent == K_PACK &&
                   (sp_ld_is_el(n, "meta") || sp_ld_is_el(n, "process") ||
                    sp_ld_is_el(n, "tips") || sp_ld_is_el(n, "timeline"))) {
            skip = 1;
            xmlNodePtr t = build ? xmlTextReaderExpand(r) : NULL;
            if (t) {
                check_depth(st, t->children, depth + 1);
                if (blocking_errors(st))
                    ;
                else if (sp_ld_is_el(t, "meta"))
                    sp_ld_build_meta(b, t);
                else if (sp_ld_is_el(t, "process"))
                    sp_ld_build_process(b, t);
                else if (sp_ld_is_el(t, "tips"))
                    sp_ld_build_tips(b, t);
                else
                    sp_ld_build_timeline(b, t);
            }
        } else {
            skip = 1;   /* not ours: the schema says what is wrong */
        }
    next:
        ret = skip ? xmlTextReaderNext(r) : xmlTextReaderRead(r);
        if (sp_reserve_failed(&xml_reserve)) {
            b->nomem = 1;
            break;
        }
    }
    if (ret < 0 && !sp_reserve_failed(&xml_reserve) && sp_diags_errors(parse_class(st)) == 0)
        sp_diag_add(parse_class(st), SP_D_XML, st->cur, 0, 0,
                    "cannot parse");
done:
    xmlFreeTextReader(r);
    xmlSchemaFreeValidCtxt(vc);
    sp_srcpos_free(&st->pos);
    st->pos = saved_pos;
    st->reader = saved_reader;
    st->root = saved_root;
    st->root_off = saved_root_off;
    st->tr_line = saved_tr_line;
    st->n_tr = saved_n_tr;
}


/* ---- the entry points -------------------------------------------------- */

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path))
                      : strdup(".");
    if (!dir)
        return NULL;
    char *real = realpath(dir, NULL);
    free(dir);
    return real;
}

static sp_pack *load(const char *name, const char *data, size_t len,
                     sp_diags *diags)
{
    if (check_bytes(diags, name, data, len) != 0)
        return NULL;
    size_t errors_before = sp_diags_errors(diags);
    if (xml_memory_setup() != 0) {
        sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
        return NULL;
    }
    xmlInitParser();
    load_state st;
    memset(&st, 0, sizeof st);
    st.diags = diags;
    st.cur = name;
    for (int c = 0; c < C_COUNT; c++)
        if (!(st.cls[c] = sp_diags_new())) {
            sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
            goto cleanup;
        }
    st.root_dir = dir_of(name);
    if (!st.root_dir) {
        sp_diag_add(diags, SP_D_IO, name, 0, 0,
                    "cannot resolve the source's folder: %s",
                    strerror(errno));
        goto cleanup;
    }
    sp_arena *a = sp_arena_new();
    sp_pack *pack = a ? sp_arena_alloc(a, sizeof *pack) : NULL;
    if (!pack) {
        sp_arena_free(a);
        sp_diag_add(diags, SP_D_NOMEM, name, 0, 0, "out of memory");
        goto cleanup;
    }
    pack->arena = a;
    pack->file = st.cur_a = sp_arena_strdup(a, name);
    st.pack = pack;
    builder b = {&st, a, NULL, 0, 0, 0, 0, NULL, 0};
    if (pack->file)
        add_input(&b, pack->file);
    else
        b.nomem = 1;

    load_state *saved = current;
    current = &st;
    if (!default_loader)
        default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
    xmlSetStructuredErrorFunc(&st, sp_ld_on_error);
    char *real = realpath(name, NULL);
    frame top = {real ? real : name, NULL};
    if (sp_ld_add_file(&st, name, 0, 0) < 0)
        b.nomem = 1;
    char *fixed = b.nomem ? NULL : sp_ld_check_amps(&st, name, data, len);
    if (st.amps_nomem)
        b.nomem = 1;
    if (!b.nomem)
        stream(&st, &b, fixed ? fixed : data, len, 1, &top, NULL);
    free(fixed);
    free(real);
    if (sp_reserve_failed(&xml_reserve))
        b.nomem = 1;
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetExternalEntityLoader(default_loader);
    current = saved;

    if (!blocking_errors(&st) && st.seen > SP_MAX_QUESTIONS)
        sp_diag_add(st.cls[C_MODEL], SP_D_LIMIT, name, 0, 0,
                    "%zu questions; the limit is %d per pack", st.seen,
                    SP_MAX_QUESTIONS);
    if (!blocking_errors(&st) && !b.nomem) {
        pack->questions = sp_arena_array(a, st.n_qs ? st.n_qs : 1,
                                         sizeof *pack->questions);
        if (pack->questions) {
            if (st.n_qs)
                memcpy(pack->questions, st.qs, st.n_qs * sizeof *st.qs);
            pack->n_questions = st.n_qs;
        } else {
            b.nomem = 1;
        }
    }
    free(b.spans);
    free(b.tmp);
    if (b.nomem)
        sp_diag_add(st.cls[C_PARSE], SP_D_NOMEM, name, 0, 0,
                    "out of memory");
    if (!b.nomem && !blocking_errors(&st)) {
        pack->partial = sp_diags_errors(st.cls[C_TREE]) > 0;
        sp_rules_check(pack, st.cls[C_MODEL]);
    }
    sp_ld_report(&st);
    if (b.nomem || sp_diags_errors(diags) > errors_before) {
        sp_pack_free(pack);
        pack = NULL;
    }
    st.pack = pack;
cleanup:
    for (int c = 0; c < C_COUNT; c++)
        sp_diags_free(st.cls[c]);
    free(st.root_dir);
    free(st.qs);
    for (size_t i = 0; i < st.n_names; i++)
        free(st.names[i]);
    free(st.names);
    free(st.files);
    return st.pack;
}

sp_pack *sp_load_memory(const char *name, const char *data, size_t len,
                        sp_diags *diags)
{
    return load(name, data, len, diags);
}

sp_pack *sp_load_file(const char *path, sp_diags *diags)
{
    size_t len = 0;
    char *data = read_file(diags, path, &len);
    if (!data)
        return NULL;
    sp_pack *p = load(path, data, len, diags);
    free(data);
    return p;
}

static void quiet_errors(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

char *sp_load_peek_root(const char *path, int *is_bank)
{
    *is_bank = 0;
    if (xml_memory_setup() != 0)
        return NULL;
    if (!default_loader)
        default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
    xmlTextReaderPtr r = xmlReaderForFile(path, NULL, PARSE_OPTIONS);
    char *id = NULL;
    if (r) {
        xmlTextReaderSetStructuredErrorHandler(r, quiet_errors, NULL);
        while (xmlTextReaderRead(r) == 1) {
            if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
                continue;
            const xmlChar *name = xmlTextReaderConstLocalName(r);
            if (name && xmlStrEqual(name, (const xmlChar *)"questions")) {
                *is_bank = 1;
            } else {
                xmlChar *v = xmlTextReaderGetAttribute(
                    r, (const xmlChar *)"id");
                if (v) {
                    id = strdup((const char *)v);
                    xmlFree(v);
                }
            }
            break;
        }
        xmlFreeTextReader(r);
    }
    xmlSetExternalEntityLoader(default_loader);
    if (sp_reserve_failed(&xml_reserve)) {
        free(id);
        id = NULL;
        *is_bank = 0;
    }
    return id;
}

void sp_load_prepare(void)
{
    if (schema || xml_memory_setup() != 0)
        return;
    /* the schema is built in and known to be sound: no messages */
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(
        (const char *)studypack_xsd, (int)studypack_xsd_len);
    if (!pc)
        return;
    schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
}

void sp_load_cleanup(void)
{
    if (schema) {
        xmlSchemaFree(schema);
        schema = NULL;
    }
    xmlCleanupParser();
    sp_reserve_drop(&xml_reserve);
}
