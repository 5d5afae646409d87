/* text_internal.h - the flow's data, shared by text.c (building flows)
 * and textbreak.c (breaking them into lines); nobody else includes it. */
#ifndef SP_TEXT_INTERNAL_H
#define SP_TEXT_INTERNAL_H

#include "text.h"

#include <stdlib.h>
#include <string.h>

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
    const sp_figure *figure;   /* a figure paragraph (no tokens) */
    uint8_t caption;           /* the caption of the figure before it */
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
    uint8_t total_fit;         /* break by sp_linebreak_total_fit */
    uint8_t bidi;              /* some token has an odd level */
    uint8_t rtl;               /* the paragraph's direction */
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
    int maybe_rtl;               /* the open paragraph has a character at
                                    or above U+0590 */
    float asc[SP_FONTS_MAX], desc[SP_FONTS_MAX];  /* per slot, 1/1000 em;
                                    asc < 0: not looked up yet */
    char *brks;                  /* scratch for UAX #14 */
    size_t cap_brks;
    uint32_t *cps;               /* scratch for bidi */
    uint8_t *levels;
    size_t cap_bidi;
    const struct sp_hyphen *hyph;  /* NULL: no hyphenation */
};

/* Makes room for one more element in *items (cap doubling); 0 or -1. */
static inline int grow(void **items, size_t *cap, size_t n, size_t need, size_t sz)
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
static inline sp_face face_of_slot(const sp_fonts *fonts, sp_face face, int slot)
{
    if (sp_fonts_slot(fonts, face) == slot)
        return face;
    for (int i = 0; i < SP_FACE_COUNT; i++)
        if (sp_fonts_slot(fonts, (sp_face)i) == slot)
            return (sp_face)i;
    return face;
}

#endif
