/* pdf.h - the PDF device: display-list documents to PDF (with libharu;
 * the font module makes the font programs).
 *
 * src/pdf.c (with its image part src/pdf_image.c, see pdf_image.h) is the
 * only code in studypack that includes hpdf.h.
 *
 * What it writes, for an sp_doc:
 *   - If doc->n_sheets == 0, every logical page (doc->pages) becomes one
 *     output page of its own size.  Otherwise every sheet becomes one output
 *     page of the sheet's size (sheet->marks.width_pt/height_pt): first the
 *     sheet's marks, then each placement's logical page, translated to the
 *     slot and, for rotate_deg == 180, turned about the page's centre.
 *     Logical pages are not clipped to their slot.
 *   - Text is drawn with the fonts of FONTS (fonts.h): a shaped item
 *     (glyphs set) with its own glyphs and positions, an unshaped one
 *     shaped here as one line (sp_text_shape_plain).  Each font slot used
 *     is embedded once per document as a subset made by hb-subset (a
 *     CIDFontType2 for TrueType outlines, a CIDFontType0 with the bare CFF
 *     as /FontFile3 /CIDFontType0C for CFF ones) under a Type0 font whose
 *     codes are given out as glyphs are first drawn, with a ToUnicode map,
 *     so pdftotext and copy-paste return the text; runs whose glyphs are
 *     not their characters one to one (ligatures, Indic clusters) carry
 *     /ActualText, and right-to-left runs map their glyphs in visual order
 *     (as readers expect).  Callers check coverage (sp_glyphs_check) before
 *     layout: a glyph the font lacks draws as .notdef.
 *   - Figures (SP_DL_IMAGE items) are drawn from their image files, each
 *     file embedded once per document at its first use (pdf_image.h),
 *     each use in marked content carrying the figure's alt text; a file
 *     that cannot be read or decoded by then is an SP_D_IMAGE error.
 *   - Metadata (title, subject, keywords, author, creator; NULL fields are
 *     left out), outline entries (nested by level; a deeper level than the
 *     previous entry's + 1 hangs under the deepest open entry), page labels
 *     (style 'D', 'r', 'R', 'a', 'A', or 0 for prefix only; the prefix
 *     should be ASCII), and, if doc->print_actual_size, the viewer
 *     preference /PrintScaling /None (which makes the file PDF 1.6).
 *   - Every stream compressed; no dates and no /ID, so the same document
 *     gives the same bytes on every run.
 *
 * Errors become diagnostics: SP_D_FONT naming the font file when
 * hb-subset cannot subset it (fonts are checked when opened, so this is
 * rare) or a font draws more than 32,894 different glyphs, SP_D_NOMEM for out of
 * memory, SP_D_PDF for libharu's errors (and failures it does not report
 * itself); file writing problems are SP_D_IO (see fsutil.h).  The first
 * failure is reported, and ends the document.  Nothing is printed;
 * nothing exits.
 *
 * Who may include: build (the orchestration), calibrate, tests, benchmarks.
 * Ownership: the device reads DOC and FONTS and keeps nothing of DOC;
 * buffers it returns belong to the caller; an sp_pdf belongs to its
 * caller until sp_pdf_finish, sp_pdf_finish_mem or sp_pdf_abort.  Thread
 * safety: one document per thread at a time is safe (each has its own
 * libharu document).
 */
#ifndef SP_PDF_H
#define SP_PDF_H

#include <stddef.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"

/* Streaming: a document written part by part, so a caller can lay out,
 * impose and render a sheet's worth of pages at a time and release them
 * before the next (libharu keeps only the deflated page contents).
 *
 * sp_pdf_begin starts a document with META's metadata and viewer
 * preference (title ... creator, print_actual_size; META's pages, sheets,
 * outline and labels are not used; META may be NULL).  NAME names the
 * output in messages (copied; may be NULL).  FONTS may be NULL only if no
 * part has text.  Returns NULL on failure (reported in DIAGS, which must
 * outlive the sp_pdf, as must FONTS).
 *
 * sp_pdf_add renders PART: its sheets, or its logical pages one per output
 * page if it has no sheets, appended after the pages of earlier parts;
 * then its outline entries and page labels, whose sheet numbers count
 * from the part's first output page (outline nesting continues across
 * parts).  PART is not kept: the caller may release it on return.
 * Returns 0, or -1 (reported; every later call fails too).
 *
 * sp_pdf_finish writes the document to PATH atomically (temporary file,
 * fsync, rename; on failure any previous PATH stays untouched);
 * sp_pdf_finish_mem returns it in a malloc'd buffer (*OUT, *LEN; the
 * caller frees *OUT).  Both free P whatever happens, set *BYTES_WRITTEN
 * (if not NULL) to the size (0 on failure) and return 0 or -1.  A
 * document without pages gets one empty A4 page.  sp_pdf_abort frees P
 * without writing anything (P may be NULL).
 *
 * Parts rendered one by one give the same bytes as one part holding all
 * their pages and sheets. */
typedef struct sp_pdf sp_pdf;
sp_pdf *sp_pdf_begin(const sp_fonts *fonts, const sp_doc *meta,
                     const char *name, sp_diags *diags);
int sp_pdf_add(sp_pdf *p, const sp_doc *part);
int sp_pdf_finish(sp_pdf *p, const char *path, size_t *bytes_written);
/* The same into F, an sp_afile the caller opened (fsutil.h) and commits
 * or aborts afterwards (F may be NULL: the document is only freed). */
typedef struct sp_afile sp_afile;
int sp_pdf_finish_to(sp_pdf *p, sp_afile *f, size_t *bytes_written);
/* Before the first part: P's pages go into F as they end instead of
 * staying in memory until the document is finished (10,000 cards hold
 * 3 MB less); sp_pdf_finish_to must then be given the same F.  0, or -1
 * (reported; P fails from then on). */
int sp_pdf_write_to(sp_pdf *p, sp_afile *f);
int sp_pdf_finish_mem(sp_pdf *p, unsigned char **out, size_t *len);
void sp_pdf_abort(sp_pdf *p);

/* The whole of DOC at once (begin, add, finish): writes it to PATH
 * atomically.  Returns 0, or -1 with diagnostics in DIAGS. */
int sp_pdf_write(const sp_doc *doc, const sp_fonts *fonts, const char *path,
                 size_t *bytes_written, sp_diags *diags);

/* Renders DOC into a malloc'd buffer (*OUT, *LEN), for tests and
 * benchmarks; the caller frees *OUT.  Returns 0, or -1 with diagnostics
 * (and *OUT = NULL, *LEN = 0).  NAME is used in messages (may be NULL). */
int sp_pdf_render(const sp_doc *doc, const sp_fonts *fonts, const char *name,
                  unsigned char **out, size_t *len, sp_diags *diags);

#endif
