/* pdf.h - the PDF device: display-list documents to PDF through libharu.
 *
 * src/pdf.c is the only file in studypack that includes hpdf.h.
 *
 * What it writes, for an sp_doc:
 *   - If doc->n_sheets == 0, every logical page (doc->pages) becomes one
 *     output page of its own size.  Otherwise every sheet becomes one output
 *     page of the sheet's size (sheet->marks.width_pt/height_pt): first the
 *     sheet's marks, then each placement's logical page, translated to the
 *     slot and, for rotate_deg == 180, turned about the page's centre.
 *     Logical pages are not clipped to their slot.
 *   - Text is embedded as Unicode with the TrueType faces of FONTS (each
 *     face loaded once per document, only if some text uses it), with an
 *     identity ToUnicode map, so pdftotext and copy-paste return it.
 *     libharu drops characters outside the BMP: callers check coverage
 *     (glyphs) before layout.
 *   - Metadata (title, subject, keywords, author, creator; NULL fields are
 *     left out), outline entries (nested by level; a deeper level than the
 *     previous entry's + 1 hangs under the deepest open entry), page labels
 *     (style 'D', 'r', 'R', 'a', 'A', or 0 for prefix only; the prefix
 *     should be ASCII), and, if doc->print_actual_size, the viewer
 *     preference /PrintScaling /None (which makes the file PDF 1.6).
 *   - Every stream compressed; no dates and no /ID, so the same document
 *     gives the same bytes on every run.
 *
 * Errors: libharu's errors (and failures it does not report itself, such
 * as a NULL font) become diagnostics: SP_D_FONT when embedding a face
 * failed, SP_D_NOMEM for out of memory, SP_D_PDF otherwise; file writing
 * problems are SP_D_IO (see fsutil.h).  Nothing is printed; nothing exits.
 *
 * Who may include: build (the orchestration), calibrate, tests, benchmarks.
 * Ownership: the device reads DOC and FONTS and keeps nothing; buffers it
 * returns belong to the caller.  Thread safety: one call per thread at a
 * time is safe (each call has its own libharu document).
 */
#ifndef SP_PDF_H
#define SP_PDF_H

#include <stddef.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"

/* Renders DOC and writes it to PATH atomically (temporary file, fsync,
 * rename; on failure any previous PATH stays untouched).  FONTS may be
 * NULL only if DOC has no text.  If BYTES_WRITTEN is not NULL it receives
 * the file's size (0 on failure).  Returns 0, or -1 with diagnostics in
 * DIAGS. */
int sp_pdf_write(const sp_doc *doc, const sp_fonts *fonts, const char *path,
                 size_t *bytes_written, sp_diags *diags);

/* Renders DOC into a malloc'd buffer (*OUT, *LEN), for tests and
 * benchmarks; the caller frees *OUT.  Returns 0, or -1 with diagnostics
 * (and *OUT = NULL, *LEN = 0).  NAME is used in messages (may be NULL). */
int sp_pdf_render(const sp_doc *doc, const sp_fonts *fonts, const char *name,
                  unsigned char **out, size_t *len, sp_diags *diags);

#endif
