/* text.h - the text engine: UTF-8, styled runs, line breaking, blocks.
 *
 * Layout is two pure steps, so "how tall is this?" never needs a drawing:
 *
 *   1. prepare: content (sp_text, sp_blocks, plain strings) is added to an
 *      sp_flow, which splits it into words measured in 1/1000 em.  A flow
 *      does not depend on the font size or the box width.
 *   2. break:   sp_flow_break lays a flow out at a base size and a width
 *      into sp_lines (lines of styled runs with their positions).  The
 *      height of the result answers "does it fit?"; sp_lines_emit then
 *      appends the lines (or a range of them, for splitting content over
 *      several cards) to an sp_dlist as one text item per styled run per
 *      line.
 *
 * Because every size in a flow is either a multiple of the base size or
 * fixed, breaking the same flow at several sizes costs no re-measuring:
 * fitting (sp_flow_fit) is a search over sizes.
 *
 * Words are shaped with HarfBuzz (fonts.h: kerning, ligatures, Arabic
 * joining, Indic reordering), each piece of a word in the font that draws
 * it; a paragraph holding right-to-left text gets its bidi levels from
 * FriBiDi (UAX #9), its words are shaped in their direction, and each line
 * is reordered visually (rule L2); a right-to-left paragraph set left
 * aligned is set against the right edge, and its list label and hanging
 * indent are mirrored (bullet on the right).
 *
 * Line breaking is greedy (first fit): lines break at spaces and after '-'
 * or '/' inside a word, and, next to East Asian characters, wherever UAX
 * #14 allows (libunibreak: between ideographs, never before closing
 * punctuation such as U+3002 or after opening brackets); a word wider than
 * the line is broken between clusters.  Code blocks (SP_BLOCK_PRE)
 * keep their white space (tabs expand to multiples of 4 columns) and a line
 * wider than the box wraps by characters, each continuation line starting
 * with the marker U+21AA; a code block of up to ten lines is never split
 * across pages (its lines after the first are SP_SPLIT_NEVER).  Characters
 * a face lacks are drawn in the font the fallback chain picks
 * (sp_text_pick); characters no font has are reported by
 * sp_glyphs_check.
 *
 * Coordinates are points, top-left origin, y down (as in dlist.h); a line's
 * baseline lies between its top and bottom so that the font's ascent and
 * descent stay inside the line box.
 *
 * Who may include: layout modules (cards, booklet), the glyph check, main,
 * tests.
 * Ownership: sp_flow owns a copy of all text added to it (free with
 * sp_flow_free).  sp_lines is a caller-owned struct (sp_lines_init /
 * sp_lines_release); its runs point into the flow's text, so sp_lines are
 * valid only while their flow lives unchanged.
 */
#ifndef SP_TEXT_H
#define SP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "linebreak.h"
#include "model.h"

/* Decodes one UTF-8 character of s[0..len) (len > 0) into *cp and returns
 * its length in bytes (1..4).  Invalid or truncated sequences, overlong
 * forms and surrogates decode as U+FFFD and consume exactly one byte. */
size_t sp_utf8_next(const char *s, size_t len, uint32_t *cp);

/* The face a span of these style bits is drawn in (bold wins over italic,
 * mono over both). */
sp_face sp_style_face(unsigned style);

/* The face a character is actually drawn in when its text asks for FACE:
 * FACE if it has a glyph, else the first face that has one, else FACE. */
sp_face sp_glyph_face(const sp_fonts *fonts, sp_face face, uint32_t cp);

/* Words longer than this many bytes are shaped in pieces of about this
 * size (cut before a character that does not join the one before), so
 * every piece is cached and a pathological word costs linear time. */
#define SP_TEXT_CHUNK 128

/* 1 if CP is drawn with the character before it (combining marks,
 * joiners, variation selectors, emoji modifiers). */
int sp_text_joins(uint32_t cp);
/* The slot drawing CP when FACE is asked for, CUR the slot of the
 * character before (-1 at the start): sp_fonts_pick, except that a
 * joining character stays in CUR; FACE's own slot when no font has CP. */
int sp_text_pick(const sp_fonts *fonts, sp_face face, uint32_t cp, int cur);
/* 1 if the text holds a right-to-left character (Hebrew, Arabic, ...). */
int sp_text_has_rtl(const char *s, size_t len);
/* 1 for CJK ideographs, kana, Hangul and their punctuation. */
int sp_text_east_asian(uint32_t cp);
/* UAX #9 (FriBiDi): the embedding level of each of CPS[0..n), paragraph
 * direction from the first strong character.  Returns the paragraph's
 * level (0 or 1), or -1 when out of memory. */
int sp_bidi_levels(const uint32_t *cps, size_t n, uint8_t *levels);
/* UAX #9 rule L2: ORDER[i] = the logical index shown i-th from the left. */
void sp_bidi_order(const uint8_t *levels, size_t n, size_t *order);
/* UAX #14 (libunibreak): BRKS[i] for the byte S[i] is 0 (must break),
 * 1 (may break) or 2 (no break) after the character ending there, 3
 * inside a character. */
int sp_text_breaks(const char *s, size_t len, char *brks);

/* One line of plain text, shaped: pieces of one font slot and one bidi
 * level each, in visual order. */
typedef struct {
    int slot, level;
    size_t off, len;             /* its text in the input */
    size_t first_glyph, n_glyphs;
    double x, width;             /* 1/1000 em from the line's start */
} sp_piece;

typedef struct {
    sp_piece *pieces;
    size_t n_pieces, cap_pieces;
    sp_glyph *glyphs;            /* visual order within each piece;
                                    clusters relative to the piece */
    size_t n_glyphs, cap_glyphs;
    double width;                /* 1/1000 em */
} sp_shaped;

void sp_shaped_init(sp_shaped *s);
void sp_shaped_release(sp_shaped *s);
/* Shapes UTF-8 text as one line set in FACE (fonts per character as
 * sp_text_pick, bidi reordering); replaces OUT's contents.  0 or -1. */
int sp_text_shape_plain(const sp_fonts *fonts, sp_face face, const char *s,
                        size_t len, sp_shaped *out);

/* Width in points of UTF-8 text set in FACE as one shaped line. */
double sp_text_width_pt(const sp_fonts *fonts, sp_face face, double size_pt,
                        const char *utf8, size_t len);

/* The longest prefix of UTF-8 text (ending on a character boundary) whose
 * shaped width in FACE at SIZE_PT is at most MAX_PT; its length in
 * bytes. */
size_t sp_text_fit_prefix(const sp_fonts *fonts, sp_face face,
                          double size_pt, const char *utf8, size_t len,
                          double max_pt);

typedef enum { SP_ALIGN_LEFT, SP_ALIGN_CENTER, SP_ALIGN_RIGHT } sp_align;

/* How content added to a flow is set.  A zeroed struct is valid: size =
 * the base size, leading 1.2, no gaps, left aligned. */
typedef struct {
    double scale;        /* size = base size * scale (0 means 1) */
    double size_pt;      /* > 0: this fixed size, whatever the base size */
    double leading;      /* line height in multiples of the size (0: 1.2) */
    double gap_before;   /* space above, in multiples of the size; dropped
                            at the top of a flow and of a split part */
    double block_gap;    /* sp_flow_blocks: space between blocks (x size) */
    double item_gap;     /* space between list items (x size) */
    unsigned style;      /* SP_STYLE_* bits added to every span */
    sp_align align;
    int keep_with_next;  /* never split a page right after this text */
    int total_fit;       /* break lines for even lengths (linebreak.h)
                            instead of first fit; same line count */
} sp_para_opts;

typedef struct sp_flow sp_flow;

/* A new empty flow measuring with FONTS (which must outlive it); NULL when
 * out of memory. */
sp_flow *sp_flow_new(const sp_fonts *fonts);
void sp_flow_free(sp_flow *f);
/* Empties the flow, keeping its buffers for reuse. */
void sp_flow_clear(sp_flow *f);
/* True if nothing has been added since creation or sp_flow_clear. */
int sp_flow_empty(const sp_flow *f);
/* Hyphenation for narrow measures (hyphenate.h; NULL, the default: none).
 * When a word does not fit in the rest of a line that is empty or less
 * than two thirds full (and greedy breaking is in use), it is broken at
 * the longest hyphenation point that fits and a hyphen is drawn at the
 * line's end as a run of its own (a static "-", unshaped), instead of
 * moving the word down or breaking it between characters; never more
 * than two hyphenated lines in a row, never in code or right-to-left
 * text.  Kept by sp_flow_clear. */
struct sp_hyphen;
void sp_flow_hyphenate(sp_flow *f, const struct sp_hyphen *h);

/* Each adds content as new paragraph(s) and returns 0, or -1 when out of
 * memory. */
int sp_flow_text(sp_flow *f, const sp_text *t, const sp_para_opts *o);
int sp_flow_plain(sp_flow *f, const char *utf8, const sp_para_opts *o);
/* Paragraphs, bullet lists (U+2022), numbered lists ("1.") with hanging
 * indents, code blocks in the mono face, and figures (see below). */
int sp_flow_blocks(sp_flow *f, const sp_blocks *b, const sp_para_opts *o);

/* Figures.  A figure block becomes one line of its own, centred, as wide
 * as its width_pct of the line width, as tall as its aspect ratio asks
 * (independent of the font size), with its caption under it (italic at
 * the text's size, centred; a page never splits between the two).  No figure
 * line is taller than MAX_H_PT: a taller figure is scaled down, aspect
 * kept, and one with a caption so that figure and caption together fit
 * (as long as the caption leaves the figure a quarter of it).  0 (the
 * default) means no limit.  The limit belongs to the flow (sp_flow_clear
 * keeps it) and counts when the flow is broken. */
void sp_flow_figure_limit(sp_flow *f, double max_h_pt);
/* A bullet list (numbered if NUMBERED) of inline items. */
int sp_flow_list(sp_flow *f, const sp_text *items, size_t n_items,
                 int numbered, const sp_para_opts *o);

/* Where a page (card) may be split before a line. */
enum { SP_SPLIT_NEVER, SP_SPLIT_LINE, SP_SPLIT_BLOCK };

/* One styled run on a line: drawn as one text item. */
typedef struct {
    sp_face face;        /* the face asked for (or the primary face whose
                            font draws it) */
    int slot;            /* the font slot drawing it (fonts.h) */
    int level;           /* bidi level: odd is right to left */
    double size_pt;
    double x_pt;         /* from the flow's left edge */
    double width_pt;
    const char *text;    /* into the flow's text; not NUL-terminated */
    size_t len;
    size_t first_glyph, n_glyphs;  /* in sp_lines.glyphs, logical order
                                      (sp_lines_emit reverses odd levels);
                                      clusters are offsets in the flow's
                                      text sp_lines.base, except for the
                                      code continuation mark's run */
    const char *actual;  /* NULL, or the text to extract instead (a hyphen
                            added by breaking: the rest of its word; that
                            rest on the next line: ""), see dlist.h */
    size_t actual_len;
} sp_run;

typedef struct {
    double top_pt, baseline_pt, bottom_pt;   /* from the flow's top */
    double width_pt;     /* from the left edge to the end of the last run */
    size_t first_run, n_runs;
    int split;           /* SP_SPLIT_*: may a page start with this line? */
    const sp_figure *figure;  /* a figure line (no runs): the image fills
                                 [fig_x_pt, + fig_w_pt] x [top, bottom] */
    double fig_x_pt, fig_w_pt;
} sp_line;

typedef struct {
    sp_line *lines;
    size_t n_lines, cap_lines;
    sp_run *runs;
    size_t n_runs, cap_runs;
    const sp_glyph *glyphs;    /* the flow's glyphs (not owned) */
    const char *base;          /* the flow's text the clusters count in */
    const char *mark;          /* the continuation mark's text */
    double base_pt, width_pt;  /* what the flow was broken at */
    double height_pt;          /* bottom of the last line; 0 if none */
    int overflow;              /* some character alone was wider than the
                                  line (the box is narrower than a glyph) */
    /* scratch for total-fit breaking, kept for reuse */
    double *fit_w, *fit_g;
    unsigned char *fit_break;
    size_t cap_fit, cap_fit_g;
    sp_linebreak fit_ws;
} sp_lines;

void sp_lines_init(sp_lines *l);
void sp_lines_release(sp_lines *l);

/* Breaks FLOW at base size BASE_PT into lines WIDTH_PT wide, replacing
 * the contents of OUT.  Pure: the same input gives the same lines.
 * Returns 0, or -1 when out of memory. */
int sp_flow_break(const sp_flow *f, double base_pt, double width_pt,
                  sp_lines *out);

/* Height of lines [first, end) set on their own (gap above FIRST dropped). */
double sp_lines_range_height_pt(const sp_lines *l, size_t first, size_t end);

/* Fitting: SIZES_PT[0..n) in decreasing order.  Finds the first (largest)
 * size at which the flow's height is at most HEIGHT_PT, leaves that layout
 * in OUT and returns its index; if none fits, leaves the layout at the
 * smallest size in OUT and returns n.  Tries the largest size first, then
 * binary-searches the rest (height never grows as the size shrinks).
 * Returns -1 when out of memory. */
int sp_flow_fit(const sp_flow *f, const double *sizes_pt, size_t n,
                double width_pt, double height_pt, sp_lines *out);

/* Appends lines [first, end) to DL with the first line's top at (x_pt,
 * y_pt): one sp_dl_text per run, one sp_dl_image per figure line.
 * Returns 0, or -1 when out of memory. */
int sp_lines_emit(const sp_lines *l, size_t first, size_t end, sp_dlist *dl,
                  double x_pt, double y_pt);

/* Convenience: the height of BLOCKS set at SIZE_PT in WIDTH_PT (block gap
 * 0.5, item gap 0.15 of the size), or -1 when out of memory. */
double sp_blocks_height_pt(const sp_fonts *fonts, const sp_blocks *b,
                           double size_pt, double width_pt);
/* Convenience: lays BLOCKS out the same way and draws them at (x_pt, y_pt);
 * returns the height used, or -1 when out of memory. */
double sp_blocks_emit(const sp_fonts *fonts, const sp_blocks *b,
                      double size_pt, double width_pt, sp_dlist *dl,
                      double x_pt, double y_pt);

/* The glyph check (validate and build both run it): walks every text of
 * PACK (meta, rounds, questions: cue, prompt, answer, follow-ups; tips;
 * tasks; phase and section titles).  A character no font in the chain has
 * is looked up with fontconfig (sp_fonts_resolve, unless system fonts are
 * off); each system font so added gets a note naming its file.  A
 * character still without a font is an SP_D_GLYPH error at the node's
 * file and line, once per (node, code point), with a hint naming --fonts
 * and the Debian package that usually has the script.  Returns the number
 * of errors added. */
int sp_glyphs_check(const sp_pack *pack, const sp_fonts *fonts, sp_diags *d);

#endif
