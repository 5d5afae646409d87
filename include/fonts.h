/* fonts.h - the OpenType faces studypack lays out, shapes and embeds.
 *
 * The font module (src/font/): loading and checking font files (font.c,
 * check.c), the fallback chain and fontconfig (font.c), shaping with
 * HarfBuzz (shape.c) and subsetting with hb-subset (subset.c).
 *
 * A font folder holds a manifest "fonts.txt" with one line per face:
 *
 *     FACE FILE [INDEX]
 *
 * where FACE is regular, bold, italic, mono, or fallback (any number of
 * them, tried in order), or fallback-bold / fallback-italic (the bold or
 * italic face of the fallback line just before); FILE is a TrueType or
 * CFF OpenType font (.ttf, .otf) or a collection (.ttc, .otc), relative to
 * the folder or absolute, and INDEX the face in a collection (default 0).
 * Lines starting with # are comments; a UTF-8 byte order mark is allowed.
 *
 * Fonts are numbered by "slot" (0 .. sp_fonts_count - 1).  Slots 0..3 are
 * the regular, bold, italic and mono faces (a face the manifest leaves out
 * is the regular face's slot again: sp_fonts_slot tells), then the
 * fallbacks, then the fonts fontconfig found (sp_fonts_resolve).
 *
 * Which font draws a character (sp_fonts_pick): the face its style asks
 * for, else the first of regular, bold, italic, mono that has it, else the
 * first fallback that has it (for bold and italic text, that fallback's
 * own bold or italic face if it has one and that covers it), else a font
 * fontconfig found earlier (sp_fonts_resolve).
 *
 * Who may include: layout (text, cards, booklet), the glyph check, the pdf
 * and dump devices, main, batch.
 * Ownership: sp_fonts owns its files, HarfBuzz objects and caches; free it
 * with sp_fonts_free (on the thread that made it).  After sp_fonts_open
 * only sp_fonts_resolve changes it (before layout), so one sp_fonts may
 * be shared by threads that measure and shape: each thread has its own
 * cache of shaped words.
 */
#ifndef SP_FONTS_H
#define SP_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "dlist.h"

typedef struct sp_fonts sp_fonts;

#define SP_FONTS_MAX 64      /* slots, system fonts included */

/* Opens the faces listed in DIR/fonts.txt and checks each (the sfnt
 * tables inside the file, a Unicode cmap, metrics, the licence bits of
 * OS/2 fsType, composite-glyph cycles and damaged glyph data in glyf, a
 * CFF that hb-subset can read).  On failure returns NULL and reports
 * SP_D_FONT diagnostics naming the file. */
sp_fonts *sp_fonts_open(const char *dir, sp_diags *diags);
void sp_fonts_free(sp_fonts *f);

/* Whether sp_fonts_resolve may ask fontconfig (default: yes). */
void sp_fonts_allow_system(sp_fonts *f, int allow);
int sp_fonts_system_allowed(const sp_fonts *f);
/* The language (a BCP 47 tag: the pack's) of the text sp_fonts_resolve
 * is asked about next, or NULL.  Han characters then get a system font
 * with that language's forms: Japanese (ja), Korean (ko), Traditional
 * Chinese (zh-TW, zh-Hant, zh-HK) or else Simplified Chinese.  Like
 * sp_fonts_resolve, it changes the lazily grown chain (before layout). */
void sp_fonts_prefer_lang(const sp_fonts *f, const char *lang);

/* Finds the default font folder: $STUDYPACK_FONTS, then <exe>/../fonts,
 * then <exe>/../share/studypack/fonts, then the compiled-in SP_FONTDIR.
 * Returns a malloc'd path or NULL. */
char *sp_fonts_default_dir(const char *argv0);

/* Slots. */
int sp_fonts_count(const sp_fonts *f);
int sp_fonts_slot(const sp_fonts *f, sp_face face);
const char *sp_fonts_slot_path(const sp_fonts *f, int slot);
int sp_fonts_slot_index(const sp_fonts *f, int slot);
int sp_fonts_slot_is_cff(const sp_fonts *f, int slot);
/* 1 if SLOT was found through fontconfig (a batch stamp hashes it). */
int sp_fonts_slot_is_system(const sp_fonts *f, int slot);
int sp_fonts_slot_has(const sp_fonts *f, int slot, uint32_t cp);
/* The number of glyphs of SLOT's font (glyph ids are below it). */
unsigned sp_fonts_slot_glyph_count(const sp_fonts *f, int slot);
/* Ascender and descender (positive, below the baseline) in 1/1000 em. */
double sp_fonts_slot_ascent(const sp_fonts *f, int slot);
double sp_fonts_slot_descent(const sp_fonts *f, int slot);
/* Advance of glyph GID in 1/1000 em (unhinted, as in the PDF /W). */
double sp_fonts_glyph_advance(const sp_fonts *f, int slot, uint32_t gid);

/* The path and collection index of FACE's own font. */
const char *sp_fonts_path(const sp_fonts *f, sp_face face);
int sp_fonts_index(const sp_fonts *f, sp_face face);

/* The slot drawing CP when FACE is asked for (see above); -1 if none. */
int sp_fonts_pick(const sp_fonts *f, sp_face face, uint32_t cp);
/* Like sp_fonts_pick, but when no slot has CP and system fonts are
 * allowed, asks fontconfig for an installed outline font (TrueType or
 * CFF, not a colour font) that has it, opens it as a new slot and returns
 * it, with *ADDED = 1 (else 0).  Fonts are chosen per script (a font
 * found for one kana, Hangul or Han character is tried first for the
 * others, and fontconfig is asked with a language for them).  A font that
 * cannot be opened is skipped.  Returns -1 if nothing has CP.  Not to be
 * called while other threads use F: the glyph check calls it before
 * layout. */
int sp_fonts_resolve(const sp_fonts *f, sp_face face, uint32_t cp,
                     int *added);

/* 1 if FACE's own font (or, failing that, any face in the chain) has a
 * glyph for CP: sp_fonts_pick(...) >= 0. */
int sp_fonts_has(const sp_fonts *f, sp_face face, uint32_t cp);
/* Nominal advance of CP in 1/1000 em in the font sp_fonts_pick chooses
 * (0 if none); no shaping. */
double sp_fonts_advance(const sp_fonts *f, sp_face face, uint32_t cp);
/* Width in points of UTF-8 text, each character's nominal advance
 * (invalid bytes count as U+FFFD); no shaping. */
double sp_fonts_width_pt(const sp_fonts *f, sp_face face, double size_pt,
                         const char *utf8, size_t len);
/* FACE's own font's ascender and descender in 1/1000 em. */
double sp_fonts_ascent(const sp_fonts *f, sp_face face);
double sp_fonts_descent(const sp_fonts *f, sp_face face);
/* A hash of the font files' contents, paths and indexes, the system
 * fonts found so far included (for incremental builds). */
uint64_t sp_fonts_hash(const sp_fonts *f);

/* Shaping: the UTF-8 text S[0..len) set in SLOT with HarfBuzz, left to
 * right or (RTL) right to left, default features, script guessed from
 * the text, no language (so output does not depend on the locale).
 * Returns the glyphs in visual order (clusters are byte offsets into S)
 * and sets *N and *WIDTH (the sum of the advances, 1/1000 em).  The array
 * belongs to this thread's cache of shaped words and stays valid until
 * the thread's next sp_fonts_shape call.  NULL when out of memory. */
const sp_glyph *sp_fonts_shape(const sp_fonts *f, int slot, const char *s,
                               size_t len, int rtl, size_t *n,
                               double *width);

/* A subset for embedding: the glyphs GIDS[0..n) (and what they need:
 * .notdef, components) of SLOT, through hb-subset without retained gids
 * and without layout tables or hinting.  DATA is a whole TrueType font
 * (CFF = 0: embed as /FontFile2 under a CIDFontType2 with CIDToGIDMap
 * /Identity) or the bare 'CFF ' table (CFF = 1: /FontFile3 /Subtype
 * /CIDFontType0C under a CIDFontType0).  CID[i] is the CID that draws
 * GIDS[i] in that CIDFont (the subset's glyph index, or for a CID-keyed
 * CFF the CID its charset gives that glyph). */
typedef struct {
    unsigned char *data;
    size_t len;
    int cff;
    uint32_t *cid;
} sp_font_subset;

/* Fills OUT; returns 0, or -1 with *WHY (a static message; NULL for out
 * of memory). */
int sp_fonts_subset(const sp_fonts *f, int slot, const uint32_t *gids,
                    size_t n, sp_font_subset *out, const char **why);
void sp_font_subset_release(sp_font_subset *s);

/* What a PDF font descriptor needs, in 1/1000 em. */
typedef struct {
    char ps_name[64];        /* PostScript name (PDF-safe), or "" */
    double ascent, descent, cap_height;
    double bbox[4];
    double italic_angle;
    int weight;              /* OS/2 usWeightClass, 400 if none */
    int fixed_pitch;
} sp_font_info;
void sp_fonts_info(const sp_fonts *f, int slot, sp_font_info *out);

#endif
