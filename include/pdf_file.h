/* pdf_file.h - the PDF device's file writer: a libharu document saved as
 * a PDF 1.5 file, with object streams and a cross-reference stream.
 *
 * libharu 2.3.0 writes only the classic file structure: each object on
 * its own, a 20-byte cross-reference line for each, and every stream
 * length as an object of its own.  On a 10,000-card pack those took 64
 * bytes a card of 444.  This writer walks libharu's objects (its
 * cross-reference entries) and writes them itself:
 *   - streams as objects of their own with direct lengths, deflated with
 *     libdeflate (content streams come deflated already, see
 *     sp_pdf_file_set_deflated); a stream with filters of libharu's own
 *     (none of ours today) is written by libharu's HPDF_Dict_Write;
 *   - every other object, in its order, in object streams of up to
 *     SP_PDF_OBJSTM_MAX objects, deflated;
 *   - a cross-reference stream, and a trailer naming the catalog and the
 *     document information.
 * Objects keep libharu's numbers; the length objects no longer needed
 * are free entries.  Page content can be written as each page ends
 * (sp_pdf_file_open, sp_pdf_file_put_deflated), so a document never
 * holds it all.  The same document gives the same bytes.
 *
 * Who may include: pdf.c, pdf_int.h (they include hpdf.h), tests.
 * Ownership: sp_pdf_file_set_deflated takes its bytes; the document owns
 * them from then on (freed with it).  An sp_pdf_file belongs to its
 * caller until sp_pdf_file_close or sp_pdf_file_abort, and must end
 * before its document; OUT stays the caller's.
 */
#ifndef SP_PDF_FILE_H
#define SP_PDF_FILE_H

#include <stddef.h>

#include <hpdf.h>

enum { SP_PDF_OBJSTM_MAX = 200 };

/* Makes stream dictionary DICT of PDF hold BYTES[0..N), data already in
 * the zlib format /FlateDecode reads.  BYTES is taken (freed here when
 * this fails).  0, or -1 when out of memory. */
int sp_pdf_file_set_deflated(HPDF_Doc pdf, HPDF_Dict dict,
                             unsigned char *bytes, size_t n);

typedef struct sp_pdf_file sp_pdf_file;

/* Starts writing PDF into OUT (the header now), deflating at libdeflate's
 * LEVEL.  NULL when out of memory. */
sp_pdf_file *sp_pdf_file_open(HPDF_Doc pdf, HPDF_Stream out, int level);

/* Writes stream dictionary DICT (of the document being written) now,
 * with BYTES[0..N) (deflated already, still the caller's) as its data;
 * the document's DICT must not change after.  0, or -1 with *WHY as for
 * sp_pdf_file_save. */
int sp_pdf_file_put_deflated(sp_pdf_file *f, HPDF_Dict dict,
                             const unsigned char *bytes, size_t n,
                             const char **why);

/* Writes the rest of the document and the end of the file, and frees F.
 * 0, or -1 with *WHY as for sp_pdf_file_save. */
int sp_pdf_file_close(sp_pdf_file *f, const char **why);

/* Frees F, the file left unfinished. */
void sp_pdf_file_abort(sp_pdf_file *f);

/* Saves PDF into OUT, deflating at libdeflate's LEVEL.  0, or
 * -1 with *WHY saying what failed ("out of memory", or libharu's error
 * state holds the reason when *WHY is NULL). */
int sp_pdf_file_save(HPDF_Doc pdf, HPDF_Stream out, int level,
                     const char **why);

#endif
