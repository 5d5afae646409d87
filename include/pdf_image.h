/* pdf_image.h - the PDF device's images: figures embedded in a libharu
 * document, each image file once per document.
 *
 * PNG: decoded with libpng (image.h) and handed to libharu as raw 8-bit
 * gray or RGB samples (HPDF_LoadRawImageFromMem, deflated), with an alpha
 * channel as a soft mask (HPDF_Image_AddSMask).  libharu's own PNG loader
 * is not used: in 2.3.0 it fails on interlaced files (and then
 * double-frees), garbles 16-bit ones and can crash on a tRNS colour key.
 * JPEG: checked with libjpeg, then its bytes are embedded unchanged as
 * a /DCTDecode image XObject built here: /DeviceGray, /DeviceRGB or
 * /DeviceCMYK by the component count, and /Decode [1 0 1 0 1 0 1 0] for
 * CMYK only when an Adobe APP14 marker is present (Adobe's applications
 * write inverted CMYK; libharu's loader inverts every CMYK JPEG); with
 * the marker, /DecodeParms [<< /ColorTransform T >>] repeats its transform.
 * pdf.c draws each figure inside marked content /Span << /Alt (its alt
 * text) >> for readers who cannot see it.
 *
 * Who may include: pdf.c, pdf_int.h (they include hpdf.h), tests.
 * Ownership: an sp_pdf_images cache belongs to the document's device and
 * is freed with sp_pdf_images_free before or after HPDF_Free (the images
 * themselves belong to the libharu document).
 */
#ifndef SP_PDF_IMAGE_H
#define SP_PDF_IMAGE_H

#include <stddef.h>

#include <hpdf.h>

typedef struct sp_pdf_images sp_pdf_images;

typedef enum {
    SP_PDF_IMAGE_OK,
    SP_PDF_IMAGE_BAD,      /* the file cannot be used: WHY says why */
    SP_PDF_IMAGE_NOMEM,
    SP_PDF_IMAGE_HPDF      /* libharu failed (its error state says how) */
} sp_pdf_image_status;

/* The image XObject of file PATH in document PDF, embedded at its first
 * use (*CACHE is created when NULL; another path to the same file, by
 * device and inode, shares the image).  Sets *OUT; returns a status. */
sp_pdf_image_status sp_pdf_image_get(sp_pdf_images **cache, HPDF_Doc pdf,
                                     const char *path, HPDF_Image *out,
                                     char *why, size_t why_cap);

void sp_pdf_images_free(sp_pdf_images *cache);

/* UTF-8 text as a PDF text string in hex, UTF-16BE with a byte order mark
 * ("<FEFF0041...>"; invalid bytes as U+FFFD), for the /Alt of a figure's
 * marked content.  Malloc'd; NULL when out of memory. */
char *sp_pdf_text_string(const char *utf8);

#endif
