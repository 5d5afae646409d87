/* text.c - the text engine (see text.h).
 *
 * A flow is a list of paragraphs over a list of tokens; a token is a piece
 * of one word in one face (T_TEXT), a run of spaces (T_SPACE) or a hard
 * line break inside a code block (T_NEWLINE).  Widths are kept in 1/1000
 * em so one flow can be broken at any size.  Breaking is greedy over
 * "units": maximal sequences of glued T_TEXT tokens (a break is allowed
 * only before a token whose glue is 0, or at a space).
 */
#include "text.h"
#include "hyphenate.h"
#include "linebreak.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define BULLET "\xe2\x80\xa2"        /* U+2022 */
#define CONT_MARK "\xe2\x86\xaa"     /* U+21AA, starts a wrapped code line */
#define TAB_COLS 4
#define DEFAULT_LEADING 1.2
#define LABEL_GAP_EM 350.0f          /* 1/1000 em between label and text */
#define BULLET_X_EM 150.0f

size_t sp_utf8_next(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len < n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

sp_face sp_style_face(unsigned style)
{
    if (style & SP_STYLE_MONO)
        return SP_FACE_MONO;
    if (style & SP_STYLE_BOLD)
        return SP_FACE_BOLD;
    if (style & SP_STYLE_ITALIC)
        return SP_FACE_ITALIC;
    return SP_FACE_REGULAR;
}

sp_face sp_glyph_face(const sp_fonts *fonts, sp_face face, uint32_t cp)
{
    if (sp_fonts_has(fonts, face, cp))
        return face;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (sp_fonts_has(fonts, (sp_face)i, cp))
            return (sp_face)i;
    return face;
}

double sp_text_width_pt(const sp_fonts *fonts, sp_face face, double size_pt,
                        const char *utf8, size_t len)
{
    double w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += sp_utf8_next(utf8 + i, len - i, &cp);
        w += sp_fonts_advance(fonts, sp_glyph_face(fonts, face, cp), cp);
    }
    return w * size_pt / 1000.0;
}

size_t sp_text_fit_prefix(const sp_fonts *fonts, sp_face face,
                          double size_pt, const char *utf8, size_t len,
                          double max_pt)
{
    double w = 0, max = max_pt * 1000.0 / size_pt;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_next(utf8 + i, len - i, &cp);
        w += sp_fonts_advance(fonts, sp_glyph_face(fonts, face, cp), cp);
        if (w > max + 1e-9)
            break;
        i += n;
    }
    return i;
}

/* ---------------------------------------------------------------- flow */

enum { T_TEXT, T_SPACE, T_NEWLINE };

/* Code blocks of at most this many lines are kept on one card. */
#define PRE_KEEP_LINES 10

typedef struct {
    uint32_t off, len;   /* bytes in flow->buf */
    float w;             /* advance, 1/1000 em */
    uint8_t face;
    uint8_t kind;
    uint8_t glue;        /* T_TEXT: 1 = no break before this token */
} tok;

typedef struct {
    const sp_figure *figure;   /* a figure paragraph (no tokens) */
    uint8_t caption;           /* the caption of the figure before it */
    size_t first, n;           /* tokens */
    double scale, size_pt;     /* size rule: fixed size_pt, else base*scale */
    double leading, gap;       /* gap above, in multiples of the size */
    float indent;              /* text left edge, 1/1000 em */
    float label_x, label_w;    /* label position and width, 1/1000 em */
    uint32_t label_off, label_len;
    uint8_t has_label, label_face;
    uint8_t face;              /* metrics of an empty line */
    uint8_t align, pre, keep_next;
    uint8_t total_fit;         /* break by sp_linebreak_total_fit */
} para;

struct sp_flow {
    double figure_max_h;         /* sp_flow_figure_limit; 0: none */
    const sp_fonts *fonts;
    char *buf;
    size_t n_buf, cap_buf;
    tok *toks;
    size_t n_toks, cap_toks;
    para *paras;
    size_t n_paras, cap_paras;
    float asc[SP_FACE_COUNT], desc[SP_FACE_COUNT];  /* 1/1000 em */
    const char *mark, *bullet;   /* CONT_MARK and BULLET, or ASCII stand-ins
                                    when no face has them */
    float mark_w;                /* 1/1000 em */
    uint8_t mark_face, bullet_face;
    /* ASCII fast path: drawing face and its advance, per asked face */
    uint8_t ascii_face[SP_FACE_COUNT][128];
    float ascii_adv[SP_FACE_COUNT][128];
    const sp_hyphen *hyph;       /* NULL: no hyphenation */
};

/* Makes room for one more element in *items (cap doubling); 0 or -1. */
static int grow(void **items, size_t *cap, size_t n, size_t need, size_t sz)
{
    if (n + need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < n + need) {
        if (ncap > ((size_t)-1 / 2) / sz)
            return -1;
        ncap *= 2;
    }
    void *p = realloc(*items, ncap * sz);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

sp_flow *sp_flow_new(const sp_fonts *fonts)
{
    sp_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fonts = fonts;
    for (int i = 0; i < SP_FACE_COUNT; i++) {
        f->asc[i] = (float)sp_fonts_ascent(fonts, (sp_face)i);
        f->desc[i] = (float)sp_fonts_descent(fonts, (sp_face)i);
    }
    for (int i = 0; i < SP_FACE_COUNT; i++)
        for (uint32_t c = 0; c < 128; c++) {
            sp_face g = sp_glyph_face(fonts, (sp_face)i, c);
            f->ascii_face[i][c] = (uint8_t)g;
            f->ascii_adv[i][c] = (float)sp_fonts_advance(fonts, g, c);
        }
    sp_face g = sp_glyph_face(fonts, SP_FACE_MONO, 0x21AA);
    int has = sp_fonts_has(fonts, g, 0x21AA);
    f->mark = has ? CONT_MARK : ">";
    f->mark_face = (uint8_t)(has ? g : SP_FACE_MONO);
    f->mark_w = (float)sp_fonts_width_pt(fonts, (sp_face)f->mark_face, 1000.0,
                                         f->mark, strlen(f->mark));
    g = sp_glyph_face(fonts, SP_FACE_REGULAR, 0x2022);
    has = sp_fonts_has(fonts, g, 0x2022);
    f->bullet = has ? BULLET : "-";
    f->bullet_face = (uint8_t)(has ? g : SP_FACE_REGULAR);
    return f;
}

void sp_flow_free(sp_flow *f)
{
    if (!f)
        return;
    free(f->buf);
    free(f->toks);
    free(f->paras);
    free(f);
}

void sp_flow_clear(sp_flow *f)
{
    f->n_buf = f->n_toks = f->n_paras = 0;
}

int sp_flow_empty(const sp_flow *f)
{
    return f->n_paras == 0;
}

void sp_flow_hyphenate(sp_flow *f, const sp_hyphen *h)
{
    f->hyph = h;
}

/* Reserves room for N more bytes of text; 0 or -1. */
static int reserve(sp_flow *f, size_t n)
{
    if (f->n_buf + n > UINT32_MAX)
        return -1;
    return grow((void **)&f->buf, &f->cap_buf, f->n_buf, n, 1);
}

/* Appends bytes to the flow's text; returns their offset or -1. */
static long put_bytes(sp_flow *f, const char *s, size_t n)
{
    if (reserve(f, n))
        return -1;
    memcpy(f->buf + f->n_buf, s, n);
    long off = (long)f->n_buf;
    f->n_buf += n;
    return off;
}

static tok *new_tok(sp_flow *f, int kind, sp_face face, uint32_t off,
                    int glue)
{
    if (grow((void **)&f->toks, &f->cap_toks, f->n_toks, 1, sizeof(tok)))
        return NULL;
    tok *t = &f->toks[f->n_toks++];
    t->off = off;
    t->len = 0;
    t->w = 0;
    t->face = (uint8_t)face;
    t->kind = (uint8_t)kind;
    t->glue = (uint8_t)glue;
    return t;
}

/* Starts a paragraph set by O; returns it or NULL. */
static para *new_para(sp_flow *f, const sp_para_opts *o, double gap)
{
    if (grow((void **)&f->paras, &f->cap_paras, f->n_paras, 1, sizeof(para)))
        return NULL;
    para *p = &f->paras[f->n_paras++];
    memset(p, 0, sizeof *p);
    p->first = f->n_toks;
    p->scale = o->scale > 0 ? o->scale : 1.0;
    p->size_pt = o->size_pt > 0 ? o->size_pt : 0.0;
    p->leading = o->leading > 0 ? o->leading : DEFAULT_LEADING;
    p->gap = gap;
    p->face = (uint8_t)sp_style_face(o->style);
    p->align = (uint8_t)o->align;
    p->total_fit = o->total_fit ? 1 : 0;
    return p;
}

static void end_para(sp_flow *f, para *p)
{
    p->n = f->n_toks - p->first;
}

/* Decodes the character at S[0..len) as drawn when FACE is asked for:
 * sets *cp, *g (the drawing face) and *adv (1/1000 em); returns its
 * length.  ASCII goes through the flow's tables. */
static size_t next_char(const sp_flow *f, const char *s, size_t len,
                        sp_face face, uint32_t *cp, sp_face *g, float *adv)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *cp = c;
        *g = (sp_face)f->ascii_face[face][c];
        *adv = f->ascii_adv[face][c];
        return 1;
    }
    size_t n = sp_utf8_next(s, len, cp);
    *g = sp_glyph_face(f->fonts, face, *cp);
    *adv = (float)sp_fonts_advance(f->fonts, *g, *cp);
    return n;
}

/* Copies one character to the text: its bytes, or U+FFFD's for an
 * invalid byte (so the text is always valid UTF-8).  Room is reserved. */
static void copy_char(sp_flow *f, const char *s, size_t n, uint32_t cp)
{
    if (n == 1 && cp == 0xFFFD) {
        memcpy(f->buf + f->n_buf, "\xef\xbf\xbd", 3);
        f->n_buf += 3;
        return;
    }
    memcpy(f->buf + f->n_buf, s, n);
    f->n_buf += n;
}

/* Tokenises ordinary inline text in FACE: spaces become T_SPACE tokens,
 * words T_TEXT tokens split where the drawing face changes (glued) and
 * after '-' or '/' inside a word (breakable).  The first token is glued to
 * whatever came before (spans meet without a space).  0 or -1. */
static int add_inline(sp_flow *f, const char *s, size_t len, sp_face face)
{
    if (len > ((size_t)-1) / 3 || reserve(f, 3 * len))
        return -1;
    tok *t = NULL;              /* current token */
    int force_new = 1;          /* the next character starts a token */
    int glue = 1;               /* glue of the next T_TEXT token */
    size_t word_chars = 0;      /* characters so far in the current word */
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        sp_face g;
        float adv;
        size_t n = next_char(f, s + i, len - i, face, &cp, &g, &adv);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            if (!t || t->kind != T_SPACE)
                if (!(t = new_tok(f, T_SPACE, face, (uint32_t)f->n_buf, 0)))
                    return -1;
            f->buf[f->n_buf++] = ' ';
            t->len++;
            t->w += f->ascii_adv[face][' '];
            force_new = 1;
            glue = 0;
            word_chars = 0;
            i += n;
            continue;
        }
        if (force_new || t->face != g)
            if (!(t = new_tok(f, T_TEXT, g, (uint32_t)f->n_buf, glue)))
                return -1;
        force_new = 0;
        glue = 1;
        uint32_t before = (uint32_t)f->n_buf;
        copy_char(f, s + i, n, cp);
        t->len += (uint32_t)f->n_buf - before;
        t->w += adv;
        word_chars++;
        i += n;
        /* a break is allowed after an inner '-' or '/' */
        if ((cp == '-' || cp == '/') && word_chars > 1 && i < len
            && s[i] != ' ' && s[i] != '-' && s[i] != '/') {
            force_new = 1;
            glue = 0;
            continue;
        }
        /* fast path: the rest of an ASCII word in the same drawing face
         * (what the loop above would do one character at a time; stops
         * before white space, '-', '/' and anything else) */
        const uint8_t *af = f->ascii_face[face];
        const float *aa = f->ascii_adv[face];
        char *out = f->buf + f->n_buf;
        float w = t->w;
        size_t start = i;
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r'
                || c == '-' || c == '/' || af[c] != t->face)
                break;
            *out++ = (char)c;
            w += aa[c];
            i++;
        }
        f->n_buf += i - start;
        t->len += (uint32_t)(i - start);
        t->w = w;
        word_chars += i - start;
    }
    return 0;
}

/* Tokenises code: every character kept, tabs expanded, '\n' a hard break;
 * all tokens glued (a code line breaks only between characters). */
static int add_pre(sp_flow *f, const char *s, size_t len, sp_face face)
{
    /* drop one leading newline and trailing white space */
    if (len > 0 && s[0] == '\n') {
        s++;
        len--;
    } else if (len > 1 && s[0] == '\r' && s[1] == '\n') {
        s += 2;
        len -= 2;
    }
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'
                       || s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len > ((size_t)-1) / TAB_COLS || reserve(f, TAB_COLS * len))
        return -1;
    tok *t = NULL;
    size_t col = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        sp_face g;
        float adv;
        size_t n = next_char(f, s + i, len - i, face, &cp, &g, &adv);
        i += n;
        if (cp == '\r')
            continue;
        if (cp == '\n') {
            if (!new_tok(f, T_NEWLINE, face, (uint32_t)f->n_buf, 0))
                return -1;
            t = NULL;
            col = 0;
            continue;
        }
        size_t reps = 1;
        if (cp == '\t') {
            cp = ' ';
            g = (sp_face)f->ascii_face[face][' '];
            adv = f->ascii_adv[face][' '];
            reps = TAB_COLS - col % TAB_COLS;
        }
        if (!t || t->face != g)
            if (!(t = new_tok(f, T_TEXT, g, (uint32_t)f->n_buf, 1)))
                return -1;
        uint32_t before = (uint32_t)f->n_buf;
        if (reps > 1 || cp == ' ')
            for (size_t r = 0; r < reps; r++)
                f->buf[f->n_buf++] = ' ';
        else
            copy_char(f, s + i - n, n, cp);
        t->len += (uint32_t)f->n_buf - before;
        t->w += adv * (float)reps;
        col += reps;
    }
    return 0;
}

/* Adds inline content T with extra style bits to the current paragraph. */
static int add_text(sp_flow *f, const sp_text *t, unsigned style)
{
    for (size_t i = 0; i < t->n_spans; i++) {
        const sp_span *sp = &t->spans[i];
        if (!sp->text)
            continue;
        if (add_inline(f, sp->text, strlen(sp->text),
                       sp_style_face(sp->style | style)))
            return -1;
    }
    return 0;
}

int sp_flow_text(sp_flow *f, const sp_text *t, const sp_para_opts *o)
{
    para *p = new_para(f, o, o->gap_before);
    if (!p)
        return -1;
    size_t pi = f->n_paras - 1;
    int rc = add_text(f, t, o->style);
    p = &f->paras[pi];
    p->keep_next = (uint8_t)(o->keep_with_next != 0);
    end_para(f, p);
    return rc;
}

int sp_flow_plain(sp_flow *f, const char *utf8, const sp_para_opts *o)
{
    sp_span span = {0, utf8};
    sp_text t = {&span, 1};
    return sp_flow_text(f, &t, o);
}

/* Sets paragraph P's label (bullet or number) and hanging indent. */
static int set_label(sp_flow *f, size_t pi, const char *label,
                     sp_face face, float label_x, float indent)
{
    long off = put_bytes(f, label, strlen(label));
    if (off < 0)
        return -1;
    para *p = &f->paras[pi];
    p->has_label = 1;
    p->label_off = (uint32_t)off;
    p->label_len = (uint32_t)strlen(label);
    p->label_face = (uint8_t)face;
    p->label_w = (float)sp_fonts_width_pt(f->fonts, face, 1000.0, label,
                                          strlen(label));
    p->label_x = label_x;
    p->indent = indent;
    return 0;
}

/* Adds a list; GAP is the space above the first item. */
static int add_list(sp_flow *f, const sp_text *items, size_t n,
                    int numbered, const sp_para_opts *o, double gap)
{
    sp_face lface = numbered ? sp_style_face(o->style)
                             : (sp_face)f->bullet_face;
    float col_w = 0;
    char label[32];
    if (numbered) {
        for (size_t i = 0; i < n; i++) {
            snprintf(label, sizeof label, "%zu.", i + 1);
            float w = (float)sp_fonts_width_pt(f->fonts, lface, 1000.0,
                                               label, strlen(label));
            if (w > col_w)
                col_w = w;
        }
    } else {
        col_w = BULLET_X_EM
                + (float)sp_fonts_width_pt(f->fonts, lface, 1000.0, f->bullet,
                                           strlen(f->bullet));
    }
    float indent = col_w + LABEL_GAP_EM;
    for (size_t i = 0; i < n; i++) {
        if (!new_para(f, o, i == 0 ? gap : o->item_gap))
            return -1;
        size_t pi = f->n_paras - 1;
        float lx;
        if (numbered) {
            snprintf(label, sizeof label, "%zu.", i + 1);
            lx = col_w - (float)sp_fonts_width_pt(f->fonts, lface, 1000.0,
                                                  label, strlen(label));
        } else {
            snprintf(label, sizeof label, "%s", f->bullet);
            lx = BULLET_X_EM;
        }
        if (set_label(f, pi, label, lface, lx, indent)
            || add_text(f, &items[i], o->style))
            return -1;
        end_para(f, &f->paras[pi]);
    }
    return 0;
}

int sp_flow_list(sp_flow *f, const sp_text *items, size_t n_items,
                 int numbered, const sp_para_opts *o)
{
    return add_list(f, items, n_items, numbered, o, o->gap_before);
}

void sp_flow_figure_limit(sp_flow *f, double max_h_pt)
{
    f->figure_max_h = max_h_pt > 0 ? max_h_pt : 0;
}

/* A figure paragraph and, if it has one, its caption paragraph. */
static int add_figure(sp_flow *f, const sp_figure *fig, const sp_para_opts *o,
                      double gap)
{
    para *p = new_para(f, o, gap);
    if (!p)
        return -1;
    p->figure = fig;
    p->align = SP_ALIGN_CENTER;
    p->keep_next = fig->caption.n_spans > 0;
    end_para(f, p);
    if (fig->caption.n_spans == 0)
        return 0;
    sp_para_opts co = *o;
    co.align = SP_ALIGN_CENTER;
    co.style |= SP_STYLE_ITALIC;
    if (!(p = new_para(f, &co, 0.3)))
        return -1;
    size_t pi = f->n_paras - 1;
    p->caption = 1;
    if (add_text(f, &fig->caption, co.style))
        return -1;
    end_para(f, &f->paras[pi]);
    return 0;
}

int sp_flow_blocks(sp_flow *f, const sp_blocks *b, const sp_para_opts *o)
{
    for (size_t i = 0; i < b->n_blocks; i++) {
        const sp_block *bl = &b->blocks[i];
        double gap = i == 0 ? o->gap_before : o->block_gap;
        switch (bl->kind) {
        case SP_BLOCK_P:
            if (!new_para(f, o, gap) || add_text(f, &bl->text, o->style))
                return -1;
            end_para(f, &f->paras[f->n_paras - 1]);
            break;
        case SP_BLOCK_UL:
        case SP_BLOCK_OL:
            if (add_list(f, bl->items, bl->n_items, bl->kind == SP_BLOCK_OL,
                         o, gap))
                return -1;
            break;
        case SP_BLOCK_PRE: {
            para *p = new_para(f, o, gap);
            if (!p)
                return -1;
            size_t pi = f->n_paras - 1;
            p->pre = 1;
            p->face = SP_FACE_MONO;
            p->align = SP_ALIGN_LEFT;
            for (size_t s = 0; s < bl->text.n_spans; s++) {
                const char *txt = bl->text.spans[s].text;
                if (txt && add_pre(f, txt, strlen(txt), SP_FACE_MONO))
                    return -1;
            }
            end_para(f, &f->paras[pi]);
            break;
        }
        case SP_BLOCK_FIGURE:
            if (bl->figure && add_figure(f, bl->figure, o, gap))
                return -1;
            break;
        default:
            assert(!"unknown block kind");
        }
    }
    return 0;
}

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
    int pend_face;          /* face of those spaces, -1 if mixed */
    uint32_t pend_off;      /* offset of the first waiting space */
    uint32_t pend_end;      /* offset after the last waiting space */
    size_t first_run;       /* the line's first run */
    size_t merge_run;       /* run that text may extend, or SIZE_MAX */
    int has_text;
    int first_line;         /* the paragraph's first line */
    double cursor;          /* bottom of the previous line */
    int split_next;         /* split value of the next line */
    size_t hyph1, hyph2;    /* 1 + the last two lines ended by an added
                               hyphen (0: none) */
} brk;

/* Appends a run; -1 when out of memory. */
static int push_run(brk *b, sp_face face, double x, double w,
                    const char *text, size_t len)
{
    sp_lines *o = b->out;
    if (grow((void **)&o->runs, &o->cap_runs, o->n_runs, 1, sizeof(sp_run)))
        return -1;
    sp_run *r = &o->runs[o->n_runs++];
    r->face = face;
    r->size_pt = b->size;
    r->x_pt = x;
    r->width_pt = w;
    r->text = text;
    r->len = len;
    r->actual = NULL;
    r->actual_len = 0;
    return 0;
}

/* Places bytes [off, off+len) of face FACE, W pt wide, after the waiting
 * spaces; extends the previous run when contiguous in the same face. */
static int place(brk *b, sp_face face, uint32_t off, uint32_t len, double w)
{
    sp_lines *o = b->out;
    const char *buf = b->f->buf;
    double x = b->x0 + b->line_w + b->pend;
    if (b->merge_run != (size_t)-1) {
        sp_run *r = &o->runs[b->merge_run];
        uint32_t r_end = (uint32_t)(r->text + r->len - buf);
        if (b->pend > 0 && b->pend_face == (int)r->face
            && r_end == b->pend_off) {
            /* the spaces join the previous run (copy-paste keeps them) */
            r->len = (size_t)(buf + b->pend_end - r->text);
            r->width_pt = x - r->x_pt;
            r_end = b->pend_end;
            if (r->face == face && r_end == off) {
                r->len = (size_t)(buf + off + len - r->text);
                r->width_pt = x + w - r->x_pt;
                goto done;
            }
        } else if (b->pend == 0 && r->face == face && r_end == off) {
            r->len = (size_t)(buf + off + len - r->text);
            r->width_pt = x + w - r->x_pt;
            goto done;
        }
    }
    if (b->pend > 0 && b->pend_face == (int)face && b->pend_end == off
        && (b->merge_run == (size_t)-1
            || o->runs[b->merge_run].text + o->runs[b->merge_run].len
                   != buf + b->pend_end)) {
        /* the spaces open the new run instead */
        if (push_run(b, face, x - b->pend, w + b->pend, buf + b->pend_off,
                     off + len - b->pend_off))
            return -1;
    } else if (push_run(b, face, x, w, buf + off, len)) {
        return -1;
    }
    b->merge_run = o->n_runs - 1;
done:
    b->line_w += b->pend + w;
    b->pend = 0;
    b->pend_face = -1;
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
    b->pend_face = -1;
    b->has_text = 0;
    b->x0 = indent;
    b->avail = b->out->width_pt - indent;
    if (b->first_line && p->has_label) {
        if (push_run(b, (sp_face)p->label_face, p->label_x * b->k,
                     p->label_w * b->k, b->f->buf + p->label_off,
                     p->label_len))
            return -1;
    }
    if (cont) {
        double mw = b->f->mark_w * b->k;
        if (push_run(b, (sp_face)b->f->mark_face, indent, mw, b->f->mark,
                     strlen(b->f->mark)))
            return -1;
        b->x0 += mw;
        b->avail -= mw;
    }
    return 0;
}

/* Closes the current line: alignment, vertical metrics, split value. */
static int finish_line(brk *b)
{
    sp_lines *o = b->out;
    const para *p = b->p;
    if (grow((void **)&o->lines, &o->cap_lines, o->n_lines, 1,
             sizeof(sp_line)))
        return -1;
    double asc = 0, desc = 0;
    size_t nr = o->n_runs - b->first_run;
    if (nr == 0) {
        asc = b->f->asc[p->face];
        desc = b->f->desc[p->face];
    }
    for (size_t i = b->first_run; i < o->n_runs; i++) {
        sp_face fc = o->runs[i].face;
        if (b->f->asc[fc] > asc)
            asc = b->f->asc[fc];
        if (b->f->desc[fc] > desc)
            desc = b->f->desc[fc];
    }
    asc *= b->k;
    desc *= b->k;
    double lh = p->leading * b->size;
    if (lh < asc + desc)
        lh = asc + desc;
    double shift = 0;
    if (p->align == SP_ALIGN_CENTER && b->line_w < b->avail)
        shift = (b->avail - b->line_w) / 2;
    else if (p->align == SP_ALIGN_RIGHT && b->line_w < b->avail)
        shift = b->avail - b->line_w;
    if (shift > 0)
        for (size_t i = b->first_run; i < o->n_runs; i++)
            o->runs[i].x_pt += shift;
    sp_line *ln = &o->lines[o->n_lines];
    double top = b->cursor;
    if (b->first_line && o->n_lines > 0)
        top += p->gap * b->size;
    ln->top_pt = top;
    ln->baseline_pt = top + (lh - asc - desc) / 2 + asc;
    ln->bottom_pt = top + lh;
    ln->width_pt = nr ? o->runs[o->n_runs - 1].x_pt
                        + o->runs[o->n_runs - 1].width_pt
                      : 0;
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

/* Places tokens [i, j) from byte FROM on character by character,
 * wrapping lines as they fill (a word or code line wider than the box). */
static int place_chars_from(brk *b, size_t i, size_t j, uint32_t from)
{
    const sp_flow *f = b->f;
    for (size_t t = i; t < j; t++) {
        const tok *tk = &f->toks[t];
        const char *s = f->buf;
        if (tk->off + tk->len <= from)
            continue;
        uint32_t p = tk->off > from ? tk->off : from;
        uint32_t end = tk->off + tk->len, seg = p;
        double seg_w = 0;
        while (p < end) {
            uint32_t cp;
            size_t n = sp_utf8_next(s + p, end - p, &cp);
            double cw = sp_fonts_advance(f->fonts, (sp_face)tk->face, cp)
                        * b->k;
            if (b->line_w + b->pend + seg_w + cw > b->avail
                && (b->has_text || seg_w > 0)) {
                if (p > seg && place(b, (sp_face)tk->face, seg, p - seg,
                                     seg_w))
                    return -1;
                if (finish_line(b) || start_line(b, b->p->pre))
                    return -1;
                seg = p;
                seg_w = 0;
            }
            if (!b->has_text && seg_w == 0 && cw > b->avail)
                b->out->overflow = 1;
            seg_w += cw;
            p += (uint32_t)n;
        }
        if (p > seg && place(b, (sp_face)tk->face, seg, p - seg, seg_w))
            return -1;
    }
    return 0;
}

static int place_chars(brk *b, size_t i, size_t j)
{
    return place_chars_from(b, i, j, b->f->toks[i].off);
}

/* ---- hyphenation (hyphenate.h): only where a word does not fit ---- */

#define HYPHEN_POINTS 64
#define LOOSE_LINE 0.67     /* hyphenate at a line end only if the line
                               would otherwise be less full than this */
#define MAX_HYPHEN_LINES 2  /* ... and not after two hyphenated lines */
static const char hyphen_text[] = "-";

/* Width in pt of bytes [from, to) of tokens [i, j). */
static double unit_w(const brk *b, size_t i, size_t j, uint32_t from,
                     uint32_t to)
{
    const sp_flow *f = b->f;
    double w = 0;
    for (size_t t = i; t < j; t++) {
        const tok *tk = &f->toks[t];
        uint32_t a = tk->off > from ? tk->off : from;
        uint32_t z = tk->off + tk->len < to ? tk->off + tk->len : to;
        if (a == tk->off && z == tk->off + tk->len) {
            w += tk->w;
            continue;
        }
        while (a < z) {
            uint32_t cp;
            a += (uint32_t)sp_utf8_next(f->buf + a, z - a, &cp);
            w += sp_fonts_advance(f->fonts, (sp_face)tk->face, cp);
        }
    }
    return w * b->k;
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

/* Places bytes [from, to) of tokens [i, j); 0 or -1. */
static int place_part(brk *b, size_t i, size_t j, uint32_t from,
                      uint32_t to)
{
    for (size_t t = i; t < j; t++) {
        const tok *tk = &b->f->toks[t];
        uint32_t a = tk->off > from ? tk->off : from;
        uint32_t z = tk->off + tk->len < to ? tk->off + tk->len : to;
        if (a < z && place(b, (sp_face)tk->face, a, z - a,
                           unit_w(b, t, t + 1, a, z)))
            return -1;
    }
    return 0;
}

/* Sets the unit of tokens [i, j), which does not fit in the rest of the
 * line, with hyphens: each line takes the longest part ending at a
 * hyphenation point that fits with its hyphen (drawn as a run of its own,
 * outside the flow's text).  A line that already holds text is ended
 * first unless it is loose.  Returns 1 when the unit is set, 0 when it
 * cannot be hyphenated (the caller sets it as before), -1 when out of
 * memory. */
static int hyphenate_unit(brk *b, size_t i, size_t j)
{
    const sp_flow *f = b->f;
    for (size_t t = i; t < j; t++)
        if (f->toks[t].face == SP_FACE_MONO
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
            double hw = sp_fonts_advance(f->fonts, (sp_face)f->toks[t].face,
                                         '-') * b->k;
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
        sp_face hf = (sp_face)f->toks[t].face;
        if (place_part(b, i, j, at, p))
            return -1;
        if (placed)
            continued(b, r0);
        double hw = sp_fonts_advance(f->fonts, hf, '-') * b->k;
        if (push_run(b, hf, b->x0 + b->line_w, hw, hyphen_text, 1))
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
    if (p->total_fit && !p->pre && (fit = total_fit_breaks(b)) < 0)
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
                    b->pend_face = t->face;
                } else if (b->pend_face != t->face) {
                    b->pend_face = -1;
                }
                b->pend += t->w * b->k;
                b->pend_end = t->off + t->len;
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
        if (!fit && f->hyph && !p->pre
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
                if (place(b, (sp_face)tk->face, tk->off, tk->len,
                          tk->w * b->k))
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
            if (run->actual
                    ? sp_dl_text_actual(dl, run->face, run->size_pt,
                                        x_pt + run->x_pt, dy + ln->baseline_pt,
                                        run->text, run->len, run->actual,
                                        run->actual_len)
                    : sp_dl_text(dl, run->face, run->size_pt,
                                 x_pt + run->x_pt, dy + ln->baseline_pt,
                                 run->text, run->len))
                return -1;
        }
    }
    return 0;
}

/* Lays BLOCKS out into LINES with the default block spacing; the caller
 * frees *flow.  0 or -1. */
static int layout_blocks(const sp_fonts *fonts, const sp_blocks *b,
                         double size_pt, double width_pt, sp_flow **flow,
                         sp_lines *lines)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.block_gap = 0.5;
    o.item_gap = 0.15;
    *flow = sp_flow_new(fonts);
    if (!*flow || sp_flow_blocks(*flow, b, &o)
        || sp_flow_break(*flow, size_pt, width_pt, lines))
        return -1;
    return 0;
}

double sp_blocks_height_pt(const sp_fonts *fonts, const sp_blocks *b,
                           double size_pt, double width_pt)
{
    sp_flow *flow = NULL;
    sp_lines lines;
    sp_lines_init(&lines);
    double h = -1;
    if (layout_blocks(fonts, b, size_pt, width_pt, &flow, &lines) == 0)
        h = lines.height_pt;
    sp_lines_release(&lines);
    sp_flow_free(flow);
    return h;
}

double sp_blocks_emit(const sp_fonts *fonts, const sp_blocks *b,
                      double size_pt, double width_pt, sp_dlist *dl,
                      double x_pt, double y_pt)
{
    sp_flow *flow = NULL;
    sp_lines lines;
    sp_lines_init(&lines);
    double h = -1;
    if (layout_blocks(fonts, b, size_pt, width_pt, &flow, &lines) == 0
        && sp_lines_emit(&lines, 0, lines.n_lines, dl, x_pt, y_pt) == 0)
        h = lines.height_pt;
    sp_lines_release(&lines);
    sp_flow_free(flow);
    return h;
}
