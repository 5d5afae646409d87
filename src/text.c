/* text.c - the text engine: flows and line breaking (see text.h).
 *
 * A flow is a list of paragraphs over a list of tokens; a token is a piece
 * of one word in one font slot and one bidi level (T_TEXT), a run of
 * spaces (T_SPACE) or a hard line break inside a code block (T_NEWLINE).
 * Tokens are shaped when their paragraph ends (once its bidi levels are
 * known); their glyphs are kept in logical order in the flow's glyph pool
 * and their widths in 1/1000 em, so one flow can be broken at any size.
 * Breaking is greedy over "units": maximal sequences of glued T_TEXT
 * tokens (a break is allowed only before a token whose glue is 0, or at a
 * space).  The characters of the text engine (UTF-8, fonts per character,
 * bidi, break opportunities, one-line shaping) are in textshape.c.
 */
#include "text.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define BULLET "\xe2\x80\xa2"        /* U+2022 */
#define CONT_MARK "\xe2\x86\xaa"     /* U+21AA, starts a wrapped code line */
#define TAB_COLS 4
#define DEFAULT_LEADING 1.2
#define LABEL_GAP_EM 350.0f          /* 1/1000 em between label and text */
#define BULLET_X_EM 150.0f
#define LB_ALLOW 1                   /* sp_text_breaks: may break */

enum { T_TEXT, T_SPACE, T_NEWLINE };

typedef struct {
    uint32_t off, len;   /* bytes in flow->buf */
    uint32_t g_first, g_n;  /* glyphs in flow->glyphs, logical order */
    float w;             /* advance, 1/1000 em */
    uint8_t face;        /* the face asked for */
    uint8_t slot;        /* the font drawing it */
    uint8_t kind;
    uint8_t glue;        /* T_TEXT: 1 = no break before this token */
    uint8_t level;       /* bidi level */
} tok;

typedef struct {
    size_t first, n;           /* tokens */
    double scale, size_pt;     /* size rule: fixed size_pt, else base*scale */
    double leading, gap;       /* gap above, in multiples of the size */
    float indent;              /* text left edge, 1/1000 em */
    float label_x, label_w;    /* label position and width, 1/1000 em */
    uint32_t label_off, label_len;
    uint32_t label_g_first, label_g_n;
    uint8_t has_label, label_face, label_slot;
    uint8_t face;              /* metrics of an empty line */
    uint8_t align, pre, keep_next;
    uint8_t bidi;              /* some token has an odd level */
    uint8_t rtl;               /* the paragraph's direction */
} para;

struct sp_flow {
    const sp_fonts *fonts;
    char *buf;
    size_t n_buf, cap_buf;
    tok *toks;
    size_t n_toks, cap_toks;
    para *paras;
    size_t n_paras, cap_paras;
    sp_glyph *glyphs;            /* clusters: offsets into buf */
    size_t n_glyphs, cap_glyphs;
    const char *mark, *bullet;   /* CONT_MARK and BULLET, or ASCII stand-ins
                                    when no face has them */
    float mark_w;                /* 1/1000 em */
    uint8_t mark_face, bullet_face, mark_slot;
    size_t mark_n;               /* the mark's glyphs: glyphs[0..mark_n),
                                    clusters relative to mark */
    /* ASCII fast path: drawing slot per asked face (-1: none) */
    int16_t ascii_slot[SP_FACE_COUNT][128];
    sp_glyph space_g[SP_FONTS_MAX];  /* each slot's space glyph ... */
    uint8_t space_ok[SP_FONTS_MAX];  /* ... once shaped */
    char *brks;                  /* scratch for UAX #14 */
    size_t cap_brks;
    uint32_t *cps;               /* scratch for bidi */
    uint8_t *levels;
    size_t cap_bidi;
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

/* The face to report for a run of SLOT asked as FACE: FACE if SLOT is
 * its font, else the first primary face whose font SLOT is, else FACE. */
static sp_face face_of_slot(const sp_fonts *fonts, sp_face face, int slot)
{
    if (sp_fonts_slot(fonts, face) == slot)
        return face;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (sp_fonts_slot(fonts, (sp_face)i) == slot)
            return (sp_face)i;
    return face;
}

sp_flow *sp_flow_new(const sp_fonts *fonts)
{
    sp_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fonts = fonts;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        for (uint32_t c = 0; c < 128; c++)
            f->ascii_slot[i][c] = (int16_t)sp_fonts_pick(fonts, (sp_face)i,
                                                         c);
    sp_face g = sp_glyph_face(fonts, SP_FACE_MONO, 0x21AA);
    int has = sp_fonts_has(fonts, SP_FACE_MONO, 0x21AA);
    f->mark = has ? CONT_MARK : ">";
    f->mark_slot = (uint8_t)sp_text_pick(fonts, SP_FACE_MONO,
                                         has ? 0x21AA : '>', -1);
    f->mark_face = (uint8_t)face_of_slot(fonts, has ? g : SP_FACE_MONO,
                                         f->mark_slot);
    size_t n;
    double w;
    const sp_glyph *mg = sp_fonts_shape(fonts, f->mark_slot, f->mark,
                                        strlen(f->mark), 0, &n, &w);
    if (!mg) {
        free(f);
        return NULL;
    }
    f->mark_n = n;
    f->mark_w = (float)w;
    if (grow((void **)&f->glyphs, &f->cap_glyphs, 0, n, sizeof(sp_glyph))) {
        free(f);
        return NULL;
    }
    memcpy(f->glyphs, mg, n * sizeof *mg);
    f->n_glyphs = n;
    g = sp_glyph_face(fonts, SP_FACE_REGULAR, 0x2022);
    has = sp_fonts_has(fonts, SP_FACE_REGULAR, 0x2022);
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
    free(f->glyphs);
    free(f->brks);
    free(f->cps);
    free(f->levels);
    free(f);
}

void sp_flow_clear(sp_flow *f)
{
    f->n_buf = f->n_toks = f->n_paras = 0;
    f->n_glyphs = f->mark_n;        /* the mark's glyphs stay first */
}

int sp_flow_empty(const sp_flow *f)
{
    return f->n_paras == 0;
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

static tok *new_tok(sp_flow *f, int kind, sp_face face, int slot,
                    uint32_t off, int glue)
{
    if (grow((void **)&f->toks, &f->cap_toks, f->n_toks, 1, sizeof(tok)))
        return NULL;
    tok *t = &f->toks[f->n_toks++];
    memset(t, 0, sizeof *t);
    t->off = off;
    t->face = (uint8_t)face;
    t->slot = (uint8_t)slot;
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
    return p;
}

/* Shapes text [off, off+len) of the flow in SLOT into the glyph pool in
 * logical order (clusters made offsets into buf); sets *first, *n, *w. */
static int shape_into(sp_flow *f, int slot, uint32_t off, uint32_t len,
                      int rtl, uint32_t *first, uint32_t *n, float *w)
{
    size_t k;
    double width;
    const sp_glyph *g = sp_fonts_shape(f->fonts, slot, f->buf + off, len, rtl,
                                       &k, &width);
    if (!g || f->n_glyphs + k > UINT32_MAX
        || grow((void **)&f->glyphs, &f->cap_glyphs, f->n_glyphs, k,
                sizeof(sp_glyph)))
        return -1;
    sp_glyph *o = f->glyphs + f->n_glyphs;
    if (rtl) {
        for (size_t i = 0; i < k; i++)
            o[i] = g[k - 1 - i];
    } else {
        memcpy(o, g, k * sizeof *g);
    }
    for (size_t i = 0; i < k; i++)
        o[i].cluster += off;
    *first = (uint32_t)f->n_glyphs;
    *n = (uint32_t)k;
    *w = (float)width;
    f->n_glyphs += k;
    return 0;
}

/* A run of spaces: the slot's space glyph once per space (shaped once
 * per flow and slot).  0 or -1. */
static int space_into(sp_flow *f, tok *tk)
{
    if (!f->space_ok[tk->slot]) {
        size_t k;
        double w;
        const sp_glyph *g = sp_fonts_shape(f->fonts, tk->slot, " ", 1, 0, &k,
                                           &w);
        if (!g)
            return -1;
        if (k != 1) {
            uint32_t a, b;
            float fw;
            return shape_into(f, tk->slot, tk->off, tk->len, tk->level & 1,
                              &a, &b, &fw) == 0
                       ? (tk->g_first = a, tk->g_n = b, tk->w = fw, 0)
                       : -1;
        }
        f->space_g[tk->slot] = g[0];
        f->space_ok[tk->slot] = 1;
    }
    if (grow((void **)&f->glyphs, &f->cap_glyphs, f->n_glyphs, tk->len,
             sizeof(sp_glyph)))
        return -1;
    sp_glyph sg = f->space_g[tk->slot];
    sp_glyph *o = f->glyphs + f->n_glyphs;
    for (uint32_t i = 0; i < tk->len; i++) {
        o[i] = sg;
        o[i].cluster = tk->off + i;
    }
    tk->g_first = (uint32_t)f->n_glyphs;
    tk->g_n = tk->len;
    tk->w = sg.adv * (float)tk->len;
    f->n_glyphs += tk->len;
    return 0;
}

/* Splits the paragraph's tokens where the bidi level changes and sets
 * each token's level (FriBiDi over the paragraph's text).  0 or -1. */
static int para_bidi(sp_flow *f, para *p)
{
    size_t n_cp = 0;
    for (size_t t = p->first; t < f->n_toks; t++)
        n_cp += f->toks[t].len;       /* bytes: at least the characters */
    if (grow((void **)&f->cps, &f->cap_bidi, 0, n_cp + 1, sizeof(uint32_t)))
        return -1;
    uint8_t *lv = realloc(f->levels, f->cap_bidi);
    if (!lv)
        return -1;
    f->levels = lv;
    size_t k = 0;
    for (size_t t = p->first; t < f->n_toks; t++) {
        const tok *tk = &f->toks[t];
        for (uint32_t i = tk->off; i < tk->off + tk->len;)
            i += (uint32_t)sp_utf8_next(f->buf + i, tk->off + tk->len - i,
                                        &f->cps[k++]);
    }
    int base = sp_bidi_levels(f->cps, k, f->levels);
    if (base < 0)
        return -1;
    p->rtl = (uint8_t)base;
    /* rebuild the paragraph's tokens, split at level changes */
    size_t n_old = f->n_toks - p->first;
    tok *old = malloc((n_old ? n_old : 1) * sizeof *old);
    if (!old)
        return -1;
    memcpy(old, f->toks + p->first, n_old * sizeof *old);
    f->n_toks = p->first;
    k = 0;
    int rc = 0;
    for (size_t t = 0; t < n_old && rc == 0; t++) {
        tok tk = old[t];
        uint32_t end = tk.off + tk.len, i = tk.off, start = tk.off;
        int lev = -1, glue = tk.glue;
        while (i < end) {
            uint32_t cp;
            uint32_t step = (uint32_t)sp_utf8_next(f->buf + i, end - i, &cp);
            int l = f->levels[k++];
            if (lev >= 0 && l != lev) {
                tok *nt = new_tok(f, tk.kind, (sp_face)tk.face, tk.slot, start,
                                  glue);
                if (!nt) {
                    rc = -1;
                    break;
                }
                nt->len = i - start;
                nt->level = (uint8_t)lev;
                glue = 1;
                start = i;
            }
            lev = l;
            i += step;
        }
        if (rc == 0 && (start < end || tk.kind == T_NEWLINE)) {
            tok *nt = new_tok(f, tk.kind, (sp_face)tk.face, tk.slot, start,
                              glue);
            if (!nt) {
                rc = -1;
                break;
            }
            nt->len = end - start;
            nt->level = (uint8_t)(lev < 0 ? base : lev);
        }
    }
    free(old);
    for (size_t t = p->first; t < f->n_toks; t++)
        if (f->toks[t].level & 1)
            p->bidi = 1;
    if (p->rtl)
        p->bidi = 1;
    return rc;
}

/* Ends paragraph P: bidi levels if it has right-to-left text, then every
 * token shaped.  0 or -1. */
static int end_para(sp_flow *f, para *p)
{
    int rtl = 0;
    for (size_t t = p->first; t < f->n_toks && !rtl; t++)
        if (f->toks[t].kind == T_TEXT
            && sp_text_has_rtl(f->buf + f->toks[t].off, f->toks[t].len))
            rtl = 1;
    if (rtl && para_bidi(f, p))
        return -1;
    for (size_t t = p->first; t < f->n_toks; t++) {
        tok *tk = &f->toks[t];
        if (tk->kind == T_NEWLINE)
            continue;
        if (tk->kind == T_SPACE && space_into(f, tk))
            return -1;
        if (tk->kind == T_TEXT
            && shape_into(f, tk->slot, tk->off, tk->len, tk->level & 1,
                          &tk->g_first, &tk->g_n, &tk->w))
            return -1;
    }
    p->n = f->n_toks - p->first;
    return 0;
}

/* Decodes the character at S[0..len) as drawn when FACE is asked for
 * after a character in slot CUR: sets *cp and *slot; returns its length.
 * ASCII goes through the flow's table. */
static size_t next_char(const sp_flow *f, const char *s, size_t len,
                        sp_face face, int cur, uint32_t *cp, int *slot)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        *cp = c;
        int a = f->ascii_slot[face][c];
        *slot = a >= 0 ? a : sp_fonts_slot(f->fonts, face);
        return 1;
    }
    size_t n = sp_utf8_next(s, len, cp);
    *slot = sp_text_pick(f->fonts, face, *cp, cur);
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

/* UAX #14 break opportunities of S (only computed when S holds East Asian
 * text, else NULL): BRKS[i] tells whether a line may break after the
 * character ending at byte i. */
static const char *east_asian_breaks(sp_flow *f, const char *s, size_t len)
{
    int any = 0;
    for (size_t i = 0; i < len && !any; i++)
        if ((unsigned char)s[i] >= 0xE2) {
            uint32_t cp;
            sp_utf8_next(s + i, len - i, &cp);
            any = sp_text_east_asian(cp);
        }
    if (!any || grow((void **)&f->brks, &f->cap_brks, 0, len, 1))
        return NULL;
    sp_text_breaks(s, len, f->brks);
    return f->brks;
}

/* Tokenises ordinary inline text in FACE: spaces become T_SPACE tokens,
 * words T_TEXT tokens split where the drawing font changes (glued), after
 * '-' or '/' inside a word and where UAX #14 allows a break next to an
 * East Asian character (breakable).  The first token is glued to whatever
 * came before (spans meet without a space).  0 or -1. */
static int add_inline(sp_flow *f, const char *s, size_t len, sp_face face)
{
    if (len > ((size_t)-1) / 3 || reserve(f, 3 * len))
        return -1;
    const char *brks = east_asian_breaks(f, s, len);
    tok *t = NULL;              /* current token */
    int force_new = 1;          /* the next character starts a token */
    int glue = 1;               /* glue of the next T_TEXT token */
    size_t word_chars = 0;      /* characters so far in the current word */
    uint32_t prev = 0;          /* the character before, in the word */
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int slot;
        size_t n = next_char(f, s + i, len - i, face, t ? t->slot : -1, &cp,
                             &slot);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            if (!t || t->kind != T_SPACE) {
                int ss = f->ascii_slot[face][' '];
                if (!(t = new_tok(f, T_SPACE, face,
                                  ss >= 0 ? ss : sp_fonts_slot(f->fonts, face),
                                  (uint32_t)f->n_buf, 0)))
                    return -1;
            }
            f->buf[f->n_buf++] = ' ';
            t->len++;
            force_new = 1;
            glue = 0;
            word_chars = 0;
            i += n;
            continue;
        }
        if (brks && word_chars > 0 && i > 0 && brks[i - 1] == LB_ALLOW
            && (sp_text_east_asian(cp) || sp_text_east_asian(prev))) {
            force_new = 1;
            glue = 0;
        }
        if (force_new || t->slot != slot)
            if (!(t = new_tok(f, T_TEXT, face, slot, (uint32_t)f->n_buf,
                              glue)))
                return -1;
        force_new = 0;
        glue = 1;
        uint32_t before = (uint32_t)f->n_buf;
        copy_char(f, s + i, n, cp);
        t->len += (uint32_t)f->n_buf - before;
        word_chars++;
        prev = cp;
        i += n;
        /* a break is allowed after an inner '-' or '/' */
        if ((cp == '-' || cp == '/') && word_chars > 1 && i < len
            && s[i] != ' ' && s[i] != '-' && s[i] != '/') {
            force_new = 1;
            glue = 0;
            continue;
        }
        /* fast path: the rest of an ASCII word in the same slot (what the
         * loop above would do one character at a time; stops before white
         * space, '-', '/' and anything else) */
        const int16_t *as = f->ascii_slot[face];
        char *out = f->buf + f->n_buf;
        size_t start = i;
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r'
                || c == '-' || c == '/' || as[c] != t->slot)
                break;
            *out++ = (char)c;
            i++;
        }
        if (i > start)
            prev = (unsigned char)s[i - 1];
        f->n_buf += i - start;
        t->len += (uint32_t)(i - start);
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
        int slot;
        size_t n = next_char(f, s + i, len - i, face, t ? t->slot : -1, &cp,
                             &slot);
        i += n;
        if (cp == '\r')
            continue;
        if (cp == '\n') {
            if (!new_tok(f, T_NEWLINE, face, sp_fonts_slot(f->fonts, face),
                         (uint32_t)f->n_buf, 0))
                return -1;
            t = NULL;
            col = 0;
            continue;
        }
        size_t reps = 1;
        if (cp == '\t') {
            cp = ' ';
            int a = f->ascii_slot[face][' '];
            slot = a >= 0 ? a : sp_fonts_slot(f->fonts, face);
            reps = TAB_COLS - col % TAB_COLS;
        }
        if (!t || t->slot != slot)
            if (!(t = new_tok(f, T_TEXT, face, slot, (uint32_t)f->n_buf, 1)))
                return -1;
        uint32_t before = (uint32_t)f->n_buf;
        if (reps > 1 || cp == ' ')
            for (size_t r = 0; r < reps; r++)
                f->buf[f->n_buf++] = ' ';
        else
            copy_char(f, s + i - n, n, cp);
        t->len += (uint32_t)f->n_buf - before;
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
    if (end_para(f, p))
        return -1;
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
    uint32_t cp;
    sp_utf8_next(label, strlen(label), &cp);
    p->label_slot = (uint8_t)sp_text_pick(f->fonts, face, cp, -1);
    if (shape_into(f, p->label_slot, p->label_off, p->label_len, 0,
                   &p->label_g_first, &p->label_g_n, &p->label_w))
        return -1;
    p = &f->paras[pi];
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
            float w = (float)sp_text_width_pt(f->fonts, lface, 1000.0,
                                               label, strlen(label));
            if (w > col_w)
                col_w = w;
        }
    } else {
        col_w = BULLET_X_EM
                + (float)sp_text_width_pt(f->fonts, lface, 1000.0, f->bullet,
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
            lx = col_w - (float)sp_text_width_pt(f->fonts, lface, 1000.0,
                                                  label, strlen(label));
        } else {
            snprintf(label, sizeof label, "%s", f->bullet);
            lx = BULLET_X_EM;
        }
        if (set_label(f, pi, label, lface, lx, indent)
            || add_text(f, &items[i], o->style))
            return -1;
        if (end_para(f, &f->paras[pi]))
            return -1;
    }
    return 0;
}

int sp_flow_list(sp_flow *f, const sp_text *items, size_t n_items,
                 int numbered, const sp_para_opts *o)
{
    return add_list(f, items, n_items, numbered, o, o->gap_before);
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
            if (end_para(f, &f->paras[f->n_paras - 1]))
                return -1;
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
            if (end_para(f, &f->paras[pi]))
            return -1;
            break;
        }
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
    b->x0 = indent;
    b->avail = b->out->width_pt - indent;
    if (b->first_line && p->has_label) {
        if (push_run(b, (sp_face)p->label_face, p->label_slot, 0,
                     p->label_x * b->k, p->label_w * b->k,
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
        double a = sp_fonts_slot_ascent(fonts, s);
        double d = sp_fonts_slot_descent(fonts, s);
        if (a > asc)
            asc = a;
        if (d > desc)
            desc = d;
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
    ln->split = o->n_lines == 0 ? SP_SPLIT_BLOCK : b->split_next;
    o->n_lines++;
    b->cursor = ln->bottom_pt;
    b->first_line = 0;
    b->split_next = SP_SPLIT_LINE;
    return 0;
}

/* Places tokens [i, j) cluster by cluster, wrapping lines as they fill
 * (a word or code line wider than the box). */
static int place_chars(brk *b, size_t i, size_t j)
{
    const sp_flow *f = b->f;
    for (size_t t = i; t < j; t++) {
        const tok *tk = &f->toks[t];
        const sp_glyph *g = f->glyphs;
        uint32_t ge = tk->g_first + tk->g_n, gp = tk->g_first, seg_g = gp;
        uint32_t seg = tk->off;
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
        if (b->has_text && b->line_w + b->pend + w > b->avail) {
            if (finish_line(b) || start_line(b, 0))
                return -1;
        }
        if (w <= b->avail - b->line_w - b->pend) {
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
    for (size_t i = 0; i < f->n_paras; i++) {
        b.p = &f->paras[i];
        if (i > 0)
            b.split_next = f->paras[i - 1].keep_next ? SP_SPLIT_NEVER
                                                     : SP_SPLIT_BLOCK;
        if (break_para(&b))
            return -1;
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
        for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
            const sp_run *run = &l->runs[r];
            /* visual order; clusters relative to the run's text */
            uint32_t base = run->text == l->mark
                ? 0 : (uint32_t)(run->text - l->base);
            if (sp_dl_glyphs_from(dl, run->face, run->slot, run->size_pt,
                                  x_pt + run->x_pt, dy + ln->baseline_pt,
                                  run->text, run->len,
                                  l->glyphs + run->first_glyph,
                                  run->n_glyphs, run->level & 1, base))
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
