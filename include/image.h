/* image.h - reading the images of figures: PNG with libpng, JPEG with
 * libjpeg.
 *
 * Both formats are checked the same way whether a caller only validates
 * (keep 0: every row is decoded once into a scratch row and dropped) or
 * wants the image for the PDF device (keep 1):
 *   - the file is a regular file of at most SP_MAX_IMAGE_BYTES;
 *   - it is a PNG or a JPEG by its first bytes (not by its name);
 *   - its declared size is at most SP_MAX_IMAGE_PIXELS, checked from the
 *     header before any pixel is decoded (a decompression bomb is refused
 *     in microseconds);
 *   - the whole image decodes: a damaged or truncated file is refused,
 *     including what libjpeg only warns about (a JPEG that ends early
 *     would otherwise decode as grey).
 *
 * PNG: every colour type, 1-16 bits, interlaced or not; 16-bit samples are
 * stripped to 8, palettes and low bit depths expanded, a tRNS colour key
 * or palette transparency becomes an alpha channel, and an alpha channel
 * is split off the colour samples (alpha is NULL when the image has none).
 * JPEG: baseline or progressive, 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK or
 * YCCK) components, 8-bit; its bytes are kept as they are (the PDF device
 * embeds them as DCT data) together with what the header says about the
 * Adobe APP14 marker, which decides whether CMYK samples are inverted.
 *
 * Who may include: figure.c (the checks while loading), the PDF device's
 * image part (pdf_image.c), the importer (import.c, images it copies),
 * tests, the fuzzer.
 * Ownership: an sp_image owns its buffers; sp_image_release frees them.
 * Nothing here prints or exits; failures come back as a kind and a
 * message.
 */
#ifndef SP_IMAGE_H
#define SP_IMAGE_H

#include <stddef.h>

#include "model.h"

#define SP_MAX_IMAGE_BYTES  (8u * 1024 * 1024)   /* one image file */
#define SP_MAX_IMAGE_PIXELS 40000000ull          /* width x height */

typedef enum {
    SP_IMAGE_OK = 0,
    SP_IMAGE_EIO,       /* cannot open or read (message has strerror) */
    SP_IMAGE_ELIMIT,    /* too many bytes or pixels */
    SP_IMAGE_EFORMAT,   /* not PNG or JPEG, damaged, truncated, unsupported */
    SP_IMAGE_ENOMEM
} sp_image_status;

typedef struct {
    sp_image_kind format;
    int width_px, height_px;
    int components;     /* of the colour samples: 1 gray, 3 RGB, 4 CMYK */
    int has_alpha;      /* PNG: an alpha channel or tRNS transparency */
    int bit_depth;      /* as stored in the file */
    int interlaced;     /* PNG: Adam7 */
    int progressive;    /* JPEG */
    int adobe;          /* JPEG: an Adobe APP14 marker is present */
    int adobe_transform; /* its transform: 0 none, 1 YCbCr, 2 YCCK */
} sp_image_info;

typedef struct {
    sp_image_info info;
    unsigned char *pixels;  /* PNG, keep: width*height*components bytes */
    unsigned char *alpha;   /* PNG, keep: width*height bytes, or NULL */
    unsigned char *data;    /* JPEG, keep: the file's bytes */
    size_t data_len;
} sp_image;

/* Reads and checks the image file PATH (see above); with KEEP, IMG holds
 * the decoded PNG or the JPEG's bytes.  Returns SP_IMAGE_OK, or another
 * status with a one-line reason in WHY (at most WHY_CAP bytes; it does
 * not repeat the path).  IMG is released on failure. */
sp_image_status sp_image_read_file(const char *path, int keep, sp_image *img,
                                   char *why, size_t why_cap);

/* The same over bytes in memory (which must stay valid during the call). */
sp_image_status sp_image_read_mem(const unsigned char *data, size_t len,
                                  int keep, sp_image *img, char *why,
                                  size_t why_cap);

void sp_image_release(sp_image *img);

#endif
