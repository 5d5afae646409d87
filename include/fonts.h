/* fonts.h - the TrueType faces studypack lays out and embeds.
 *
 * Metrics and coverage come from FreeType; the PDF device embeds subsets
 * of the same files (the glyphs drawn; see pdf.c).  A font folder holds a
 * manifest "fonts.txt" with one line per face:   FACE FILE [INDEX]
 * where FACE is regular, bold, italic or mono, FILE a .ttf/.ttc path
 * relative to the folder (or absolute) and INDEX the face index in a .ttc
 * (default 0).  Lines starting with # are comments.
 * Who may include: layout (text, cards, booklet), pdf device, main.
 * Ownership: sp_fonts owns its FreeType handles and width caches; free with
 * sp_fonts_free.  Read-only after sp_fonts_open, so one sp_fonts may be
 * shared by threads that only measure.
 */
#ifndef SP_FONTS_H
#define SP_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "dlist.h"

typedef struct sp_fonts sp_fonts;

/* Opens the faces listed in DIR/fonts.txt.  On failure returns NULL and
 * reports SP_D_FONT diagnostics (missing file, not a TrueType font, no
 * Unicode cmap, truncated file). */
sp_fonts *sp_fonts_open(const char *dir, sp_diags *diags);
void sp_fonts_free(sp_fonts *f);

/* Finds the default font folder: $STUDYPACK_FONTS, then <exe>/../fonts,
 * then <exe>/../share/studypack/fonts, then the compiled-in SP_FONTDIR.
 * Returns a malloc'd path or NULL. */
char *sp_fonts_default_dir(const char *argv0);

const char *sp_fonts_path(const sp_fonts *f, sp_face face);
int sp_fonts_index(const sp_fonts *f, sp_face face);

/* 1 if FACE has a glyph for code point CP, else 0. */
int sp_fonts_has(const sp_fonts *f, sp_face face, uint32_t cp);
/* Advance width of CP in 1/1000 em (0 for a missing glyph). */
double sp_fonts_advance(const sp_fonts *f, sp_face face, uint32_t cp);
/* Width in points of UTF-8 text (invalid bytes count as U+FFFD). */
double sp_fonts_width_pt(const sp_fonts *f, sp_face face, double size_pt,
                         const char *utf8, size_t len);
/* Ascender and descender (positive, below the baseline) in 1/1000 em. */
double sp_fonts_ascent(const sp_fonts *f, sp_face face);
double sp_fonts_descent(const sp_fonts *f, sp_face face);
/* A hash of the font files' contents (for incremental builds). */
uint64_t sp_fonts_hash(const sp_fonts *f);

#endif
