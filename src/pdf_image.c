/* pdf_image.c - figures' images in a PDF (see pdf_image.h). */
#include "pdf_image.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include "image.h"
#include "text.h"

typedef struct {
    char *path;
    dev_t dev;               /* the file, so that two spellings of one */
    ino_t ino;               /* path share its image */
    int has_id;              /* dev and ino are known */
    HPDF_Image image;
} slot;

struct sp_pdf_images {
    slot *s;
    size_t n, cap;
    size_t last;             /* the slot found last (cards repeat one) */
};

void sp_pdf_images_free(sp_pdf_images *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->n; i++)
        free(cache->s[i].path);
    free(cache->s);
    free(cache);
}

/* Decoded PNG samples as a raw image, the alpha as its soft mask. */
static sp_pdf_image_status embed_png(HPDF_Doc pdf, const sp_image *img,
                                     HPDF_Image *out)
{
    const sp_image_info *in = &img->info;
    HPDF_ColorSpace cs = in->components == 1 ? HPDF_CS_DEVICE_GRAY
                                             : HPDF_CS_DEVICE_RGB;
    HPDF_Image im = HPDF_LoadRawImageFromMem(pdf, img->pixels,
                                             (HPDF_UINT)in->width_px,
                                             (HPDF_UINT)in->height_px, cs, 8);
    if (!im)
        return SP_PDF_IMAGE_HPDF;
    if (img->alpha) {
        HPDF_Image mask = HPDF_LoadRawImageFromMem(
            pdf, img->alpha, (HPDF_UINT)in->width_px,
            (HPDF_UINT)in->height_px, HPDF_CS_DEVICE_GRAY, 8);
        if (!mask || HPDF_Image_AddSMask(im, mask) != HPDF_OK)
            return SP_PDF_IMAGE_HPDF;
    }
    *out = im;
    return SP_PDF_IMAGE_OK;
}

/* The JPEG's bytes as a DCT image XObject (as libharu's own loader makes
 * one, with the header facts from libjpeg instead of its parser). */
static sp_pdf_image_status embed_jpeg(HPDF_Doc pdf, const sp_image *img,
                                      HPDF_Image *out)
{
    const sp_image_info *in = &img->info;
    HPDF_Dict im = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!im)
        return SP_PDF_IMAGE_HPDF;
    im->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    im->filter = HPDF_STREAM_FILTER_DCT_DECODE;
    const char *cs = in->components == 1   ? "DeviceGray"
                     : in->components == 3 ? "DeviceRGB"
                                           : "DeviceCMYK";
    HPDF_STATUS r = HPDF_Dict_AddName(im, "Type", "XObject");
    r |= HPDF_Dict_AddName(im, "Subtype", "Image");
    r |= HPDF_Dict_AddNumber(im, "Width", (HPDF_INT32)in->width_px);
    r |= HPDF_Dict_AddNumber(im, "Height", (HPDF_INT32)in->height_px);
    r |= HPDF_Dict_AddName(im, "ColorSpace", cs);
    r |= HPDF_Dict_AddNumber(im, "BitsPerComponent", 8);
    if (r != HPDF_OK)
        return SP_PDF_IMAGE_HPDF;
    if (in->components == 4 && in->adobe) {
        HPDF_Array dec = HPDF_Array_New(pdf->mmgr);
        if (!dec || HPDF_Dict_Add(im, "Decode", dec) != HPDF_OK)
            return SP_PDF_IMAGE_HPDF;
        for (int i = 0; i < 4; i++)
            if (HPDF_Array_AddNumber(dec, 1) != HPDF_OK ||
                HPDF_Array_AddNumber(dec, 0) != HPDF_OK)
                return SP_PDF_IMAGE_HPDF;
    }
    /* the APP14 transform, said again for readers that do not look for
     * the marker (without it, 3 components default to YCbCr and 4 to
     * none): 0 keeps RGB or CMYK samples, 1 and 2 (YCCK) transform */
    if (in->adobe && in->components >= 3) {
        HPDF_Dict parms = HPDF_Dict_New(pdf->mmgr);
        HPDF_Array arr = parms ? HPDF_Array_New(pdf->mmgr) : NULL;
        if (!arr ||
            HPDF_Dict_AddNumber(parms, "ColorTransform",
                                in->adobe_transform ? 1 : 0) != HPDF_OK ||
            HPDF_Array_Add(arr, parms) != HPDF_OK ||
            HPDF_Dict_Add(im, "DecodeParms", arr) != HPDF_OK)
            return SP_PDF_IMAGE_HPDF;
    }
    if (HPDF_Stream_Write(im->stream, img->data, (HPDF_UINT)img->data_len)
        != HPDF_OK)
        return SP_PDF_IMAGE_HPDF;
    *out = im;
    return SP_PDF_IMAGE_OK;
}

sp_pdf_image_status sp_pdf_image_get(sp_pdf_images **cache, HPDF_Doc pdf,
                                     const char *path, HPDF_Image *out,
                                     char *why, size_t why_cap)
{
    *out = NULL;
    if (!*cache && !(*cache = calloc(1, sizeof **cache)))
        return SP_PDF_IMAGE_NOMEM;
    sp_pdf_images *c = *cache;
    if (c->last < c->n && strcmp(c->s[c->last].path, path) == 0) {
        *out = c->s[c->last].image;
        return SP_PDF_IMAGE_OK;
    }
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->s[i].path, path) == 0) {
            c->last = i;
            *out = c->s[i].image;
            return SP_PDF_IMAGE_OK;
        }
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        slot *p = realloc(c->s, nc * sizeof *p);
        if (!p)
            return SP_PDF_IMAGE_NOMEM;
        c->s = p;
        c->cap = nc;
    }
    char *copy = strdup(path);
    if (!copy)
        return SP_PDF_IMAGE_NOMEM;
    struct stat sb;
    int known = stat(path, &sb) == 0;
    for (size_t i = 0; known && i < c->n; i++)
        if (c->s[i].has_id && c->s[i].dev == sb.st_dev &&
            c->s[i].ino == sb.st_ino) {
            /* the same file by another name ("./a.png", a link) */
            c->s[c->n] = c->s[i];
            c->s[c->n].path = copy;
            c->last = c->n++;
            *out = c->s[c->last].image;
            return SP_PDF_IMAGE_OK;
        }
    sp_image img;
    sp_image_status st = sp_image_read_file(path, 1, &img, why, why_cap);
    if (st != SP_IMAGE_OK) {
        free(copy);
        return st == SP_IMAGE_ENOMEM ? SP_PDF_IMAGE_NOMEM : SP_PDF_IMAGE_BAD;
    }
    HPDF_Image im = NULL;
    sp_pdf_image_status r = img.info.format == SP_IMAGE_PNG
                                ? embed_png(pdf, &img, &im)
                                : embed_jpeg(pdf, &img, &im);
    sp_image_release(&img);
    if (r != SP_PDF_IMAGE_OK) {
        free(copy);
        return r;
    }
    c->s[c->n].path = copy;
    c->s[c->n].has_id = known;
    c->s[c->n].dev = known ? sb.st_dev : 0;
    c->s[c->n].ino = known ? sb.st_ino : 0;
    c->s[c->n].image = im;
    c->last = c->n++;
    *out = im;
    return SP_PDF_IMAGE_OK;
}

char *sp_pdf_text_string(const char *utf8)
{
    size_t len = strlen(utf8);
    /* at most 2 UTF-16 units (8 hex digits) per byte of UTF-8 */
    if (len > ((size_t)-1 - 8) / 8)
        return NULL;
    char *out = malloc(8 * len + 8);
    if (!out)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    char *o = out;
    *o++ = '<';
    memcpy(o, "FEFF", 4);
    o += 4;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += sp_utf8_next(utf8 + i, len - i, &cp);
        unsigned units[2], n = 1;
        if (cp > 0xFFFF) {
            cp -= 0x10000;
            units[0] = 0xD800 | (cp >> 10);
            units[1] = 0xDC00 | (cp & 0x3FF);
            n = 2;
        } else {
            units[0] = cp;
        }
        for (unsigned k = 0; k < n; k++)
            for (int sh = 12; sh >= 0; sh -= 4)
                *o++ = hex[(units[k] >> sh) & 0xF];
    }
    *o++ = '>';
    *o = '\0';
    return out;
}
