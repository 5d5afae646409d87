/* text.c - the text engine: building flows (see text.h).
 *
 * A flow is a list of paragraphs over a list of tokens; a token is a piece
 * of one word in one font slot and one bidi level (T_TEXT), a run of
 * spaces (T_SPACE) or a hard line break inside a code block (T_NEWLINE).
 * Tokens are shaped when their paragraph ends (once its bidi levels are
 * known); their glyphs are kept in logical order in the flow's glyph pool
 * and their widths in 1/1000 em, so one flow can be broken at any size.
 * Breaking is greedy over "units": maximal sequences of glued T_TEXT
 * tokens (a break is allowed only before a token whose glue is 0, or at a
 * space); breaking is in textbreak.c.  The characters of the text engine
 * (UTF-8, fonts per character, bidi, break opportunities, one-line
 * shaping) are in textshape.c.
 */
#include "text_internal.h"

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

sp_flow *sp_flow_new(const sp_fonts *fonts)
{
    sp_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fonts = fonts;
    for (int i = 0; i < SP_FONTS_MAX; i++)
        f->asc[i] = -1;
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

void sp_flow_hyphenate(sp_flow *f, const struct sp_hyphen *h)
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
    p->total_fit = o->total_fit ? 1 : 0;
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
    if (f->maybe_rtl) {
        for (size_t t = p->first; t < f->n_toks && !rtl; t++)
            if (f->toks[t].kind == T_TEXT
                && sp_text_has_rtl(f->buf + f->toks[t].off, f->toks[t].len))
                rtl = 1;
        f->maybe_rtl = 0;
    }
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
    if (*cp >= 0x0590)
        ((sp_flow *)f)->maybe_rtl = 1;  /* end_para looks closer */
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
        if (force_new || t->slot != slot
            || (t->len >= SP_TEXT_CHUNK && !sp_text_joins(cp)))
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
        while (i < len && t->len + (i - start) < SP_TEXT_CHUNK) {
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
        if (!t || t->slot != slot
            || (t->len >= SP_TEXT_CHUNK && !sp_text_joins(cp)))
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
    if (end_para(f, p))
        return -1;
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
    return end_para(f, &f->paras[pi]);
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
