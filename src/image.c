/* image.c - PNG and JPEG reading for figures (see image.h).
 *
 * Both decoders run from memory: the file is read whole first (it is at
 * most SP_MAX_IMAGE_BYTES), so a file's size limit is checked before any
 * decoding and a truncated file is seen as such by the decoder.  libpng
 * and libjpeg report errors by longjmp; every buffer that must be freed
 * after one is reachable from the state struct, never a local variable
 * changed after setjmp.
 */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <png.h>
#include <jpeglib.h>
#include <jerror.h>

static void say(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t cap, const char *fmt, ...)
{
    if (!why || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
}

void sp_image_release(sp_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    free(img->alpha);
    free(img->data);
    memset(img, 0, sizeof *img);
}

/* The pixel limit, checked from the header alone. */
static sp_image_status check_pixels(const char *what, unsigned long w,
                                    unsigned long h, char *why, size_t cap)
{
    if (w == 0 || h == 0) {
        say(why, cap, "the %s declares %lu x %lu pixels", what, w, h);
        return SP_IMAGE_EFORMAT;
    }
    unsigned long long px = (unsigned long long)w * h;
    if (px > SP_MAX_IMAGE_PIXELS || w > 0x7FFFFFFF || h > 0x7FFFFFFF) {
        say(why, cap, "the %s declares %lu x %lu pixels (%.1f megapixels); "
            "the limit is %llu megapixels", what, w, h, (double)px / 1e6,
            SP_MAX_IMAGE_PIXELS / 1000000ull);
        return SP_IMAGE_ELIMIT;
    }
    return SP_IMAGE_OK;
}

/* ---- PNG --------------------------------------------------------------- */

typedef struct {
    const unsigned char *data;
    size_t len, pos;
    jmp_buf jmp;
    char msg[200];
    sp_image_status status;
    unsigned char *rows;     /* the decoded image, or one scratch row */
    unsigned char **ptrs;    /* row pointers into rows (keep) */
} png_state;

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_state *s = png_get_error_ptr(png);
    if (s->status == SP_IMAGE_OK) {
        s->status = SP_IMAGE_EFORMAT;
        snprintf(s->msg, sizeof s->msg, "damaged PNG (%s)",
                 msg ? msg : "libpng error");
    }
    longjmp(s->jmp, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_read_mem(png_structp png, png_bytep out, png_size_t n)
{
    png_state *s = png_get_io_ptr(png);
    if (n > s->len - s->pos) {
        s->status = SP_IMAGE_EFORMAT;
        snprintf(s->msg, sizeof s->msg,
                 "the PNG ends early (the file is truncated)");
        png_error(png, "truncated");
    }
    memcpy(out, s->data + s->pos, n);
    s->pos += n;
}

static sp_image_status read_png(const unsigned char *data, size_t len,
                                int keep, sp_image *img, char *why,
                                size_t cap)
{
    /* the size from IHDR (always the first chunk) before libpng reads
     * anything more: a bomb is refused even without image data */
    if (len >= 24 && memcmp(data + 12, "IHDR", 4) == 0) {
        unsigned long w = (unsigned long)data[16] << 24 | data[17] << 16 |
                          data[18] << 8 | data[19];
        unsigned long h = (unsigned long)data[20] << 24 | data[21] << 16 |
                          data[22] << 8 | data[23];
        sp_image_status ps = check_pixels("PNG", w, h, why, cap);
        if (ps == SP_IMAGE_ELIMIT)
            return ps;
    }
    /* on the heap: an automatic object changed after setjmp would be
     * indeterminate after the longjmp */
    png_state *s = calloc(1, sizeof *s);
    if (!s) {
        say(why, cap, "out of memory");
        return SP_IMAGE_ENOMEM;
    }
    s->data = data;
    s->len = len;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s,
                                             png_on_error, png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
        free(s);
        say(why, cap, "out of memory");
        return SP_IMAGE_ENOMEM;
    }
    if (setjmp(s->jmp)) {
        png_destroy_read_struct(&png, &info, NULL);
        free(s->rows);
        free(s->ptrs);
        say(why, cap, "%s", s->msg);
        sp_image_status st = s->status;
        free(s);
        return st;
    }
    png_set_read_fn(png, s, png_read_mem);
    /* ancillary chunks may be as large as the file; the image is bounded
     * by the pixel limit checked below */
    png_set_chunk_malloc_max(png, SP_MAX_IMAGE_BYTES);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    int type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    int interlace = png_get_interlace_type(png, info);
    sp_image_status ps = check_pixels("PNG", w, h, s->msg, sizeof s->msg);
    if (ps != SP_IMAGE_OK) {
        s->status = ps;
        longjmp(s->jmp, 1);
    }
    img->info.format = SP_IMAGE_PNG;
    img->info.width_px = (int)w;
    img->info.height_px = (int)h;
    img->info.bit_depth = depth;
    img->info.interlaced = interlace != PNG_INTERLACE_NONE;

    if (depth == 16)
        png_set_strip_16(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int ch = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if (ch < 1 || ch > 4 || rowbytes != (size_t)w * (size_t)ch) {
        snprintf(s->msg, sizeof s->msg, "unsupported PNG layout");
        s->status = SP_IMAGE_EFORMAT;
        longjmp(s->jmp, 1);
    }
    int alpha = ch == 2 || ch == 4;
    img->info.components = alpha ? ch - 1 : ch;
    img->info.has_alpha = alpha;

    if (keep) {
        s->rows = malloc(rowbytes * h);
        s->ptrs = malloc(sizeof *s->ptrs * h);
        if (!s->rows || !s->ptrs) {
            snprintf(s->msg, sizeof s->msg, "out of memory");
            s->status = SP_IMAGE_ENOMEM;
            longjmp(s->jmp, 1);
        }
        for (png_uint_32 y = 0; y < h; y++)
            s->ptrs[y] = s->rows + (size_t)y * rowbytes;
        png_read_image(png, s->ptrs);
    } else {
        /* every pass into one scratch row: each row decoded, none kept */
        if (!(s->rows = malloc(rowbytes))) {
            snprintf(s->msg, sizeof s->msg, "out of memory");
            s->status = SP_IMAGE_ENOMEM;
            longjmp(s->jmp, 1);
        }
        for (int p = 0; p < passes; p++)
            for (png_uint_32 y = 0; y < h; y++)
                png_read_row(png, s->rows, NULL);
    }
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    unsigned char *px = s->rows;
    free(s->ptrs);
    free(s);
    if (!keep) {
        free(px);
        return SP_IMAGE_OK;
    }
    /* split the alpha channel off the colour samples, in place */
    if (alpha) {
        size_t n = (size_t)w * h, cc = (size_t)ch - 1;
        unsigned char *a = malloc(n);
        if (!a) {
            free(px);
            say(why, cap, "out of memory");
            return SP_IMAGE_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            const unsigned char *in = px + i * (size_t)ch;
            unsigned char *o = px + i * cc;
            a[i] = in[cc];
            memmove(o, in, cc);
        }
        img->alpha = a;
    }
    img->pixels = px;
    return SP_IMAGE_OK;
}

/* ---- JPEG -------------------------------------------------------------- */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jmp;
    char msg[JMSG_LENGTH_MAX + 64];
    sp_image_status status;
} jpeg_err;

static void jpeg_fail(j_common_ptr ci)
{
    jpeg_err *e = (jpeg_err *)ci->err;
    if (e->status == SP_IMAGE_OK) {
        char m[JMSG_LENGTH_MAX];
        e->pub.format_message(ci, m);
        e->status = SP_IMAGE_EFORMAT;
        if (e->pub.msg_code == JWRN_JPEG_EOF)
            snprintf(e->msg, sizeof e->msg,
                     "the JPEG ends early (the file is truncated)");
        else
            snprintf(e->msg, sizeof e->msg, "damaged JPEG (%s)", m);
    }
    longjmp(e->jmp, 1);
}

/* libjpeg goes on after a warning (corrupt data, a file that ends early:
 * it fills the rest with grey); such a file is damaged, so warnings fail
 * too.  Trace messages (level > 0) are ignored. */
static void jpeg_message(j_common_ptr ci, int level)
{
    if (level < 0)
        jpeg_fail(ci);
}

static void jpeg_quiet(j_common_ptr ci)
{
    (void)ci;
}

/* on the heap, like png_state (changed after setjmp) */
typedef struct {
    struct jpeg_decompress_struct ci;
    jpeg_err err;
    unsigned char *row;
} jpeg_state;

/* Fails the decoding with STATUS and a message. */
static void jpeg_refuse(jpeg_state *s, sp_image_status status,
                        const char *msg)
{
    snprintf(s->err.msg, sizeof s->err.msg, "%s", msg);
    s->err.status = status;
    longjmp(s->err.jmp, 1);
}

static sp_image_status read_jpeg(const unsigned char *data, size_t len,
                                 int keep, sp_image *img, char *why,
                                 size_t cap)
{
    jpeg_state *s = calloc(1, sizeof *s);
    if (!s) {
        say(why, cap, "out of memory");
        return SP_IMAGE_ENOMEM;
    }
    struct jpeg_decompress_struct *ci = &s->ci;
    ci->err = jpeg_std_error(&s->err.pub);
    s->err.pub.error_exit = jpeg_fail;
    s->err.pub.emit_message = jpeg_message;
    s->err.pub.output_message = jpeg_quiet;
    if (setjmp(s->err.jmp)) {
        jpeg_destroy_decompress(ci);
        free(s->row);
        say(why, cap, "%s", s->err.msg);
        sp_image_status st = s->err.status;
        free(s);
        return st;
    }
    jpeg_create_decompress(ci);
    /* the decoder's working memory is bounded by the pixel limit */
    jpeg_mem_src(ci, data, (unsigned long)len);
    jpeg_read_header(ci, TRUE);
    sp_image_status ps = check_pixels("JPEG", ci->image_width,
                                      ci->image_height, s->err.msg,
                                      sizeof s->err.msg);
    if (ps != SP_IMAGE_OK) {
        s->err.status = ps;
        longjmp(s->err.jmp, 1);
    }
    int nc = ci->num_components;
    J_COLOR_SPACE cs = ci->jpeg_color_space;
    int ok = (nc == 1 && cs == JCS_GRAYSCALE) ||
             (nc == 3 && (cs == JCS_YCbCr || cs == JCS_RGB)) ||
             (nc == 4 && (cs == JCS_CMYK || cs == JCS_YCCK));
    if (ci->arith_code)
        jpeg_refuse(s, SP_IMAGE_EFORMAT, "unsupported JPEG (arithmetic "
                    "coding, which PDF readers need not show); save it "
                    "with Huffman coding");
    if (!ok || ci->data_precision != 8) {
        char m[160];
        snprintf(m, sizeof m, "unsupported JPEG (%d components, %d bits "
                 "per sample); figures take 8-bit gray, RGB or CMYK JPEGs",
                 nc, ci->data_precision);
        jpeg_refuse(s, SP_IMAGE_EFORMAT, m);
    }
    img->info.format = SP_IMAGE_JPEG;
    img->info.width_px = (int)ci->image_width;
    img->info.height_px = (int)ci->image_height;
    img->info.components = nc;
    img->info.bit_depth = 8;
    img->info.progressive = ci->progressive_mode != 0;
    img->info.adobe = ci->saw_Adobe_marker != 0;
    img->info.adobe_transform = ci->saw_Adobe_marker ? ci->Adobe_transform
                                                     : 0;
    /* decode every row once, so a damaged file is found now */
    ci->out_color_space = nc == 1 ? JCS_GRAYSCALE
                          : nc == 3 ? JCS_RGB : JCS_CMYK;
    ci->dct_method = JDCT_ISLOW;
    jpeg_start_decompress(ci);
    size_t stride = (size_t)ci->output_width * ci->output_components;
    if (!(s->row = malloc(stride)))
        jpeg_refuse(s, SP_IMAGE_ENOMEM, "out of memory");
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW r = s->row;
        if (jpeg_read_scanlines(ci, &r, 1) != 1)
            jpeg_refuse(s, SP_IMAGE_EFORMAT,
                        "the JPEG ends early (the file is truncated)");
    }
    jpeg_finish_decompress(ci);
    jpeg_destroy_decompress(ci);
    free(s->row);
    free(s);
    if (keep) {
        if (!(img->data = malloc(len))) {
            say(why, cap, "out of memory");
            return SP_IMAGE_ENOMEM;
        }
        memcpy(img->data, data, len);
        img->data_len = len;
    }
    return SP_IMAGE_OK;
}

/* ---- entry points ------------------------------------------------------ */

sp_image_status sp_image_read_mem(const unsigned char *data, size_t len,
                                  int keep, sp_image *img, char *why,
                                  size_t why_cap)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G',
                                             '\r', '\n', 0x1A, '\n'};
    memset(img, 0, sizeof *img);
    sp_image_status r;
    if (len > SP_MAX_IMAGE_BYTES) {
        say(why, why_cap, "the file is %zu bytes; the limit is %u bytes "
            "(8 MiB)", len, SP_MAX_IMAGE_BYTES);
        return SP_IMAGE_ELIMIT;
    }
    if (len >= 8 && memcmp(data, png_sig, 8) == 0) {
        r = read_png(data, len, keep, img, why, why_cap);
    } else if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 &&
               data[2] == 0xFF) {
        r = read_jpeg(data, len, keep, img, why, why_cap);
    } else {
        say(why, why_cap, "not a PNG or JPEG image (%s)",
            len == 0 ? "the file is empty"
                     : "its first bytes are neither PNG's nor JPEG's");
        return SP_IMAGE_EFORMAT;
    }
    if (r != SP_IMAGE_OK)
        sp_image_release(img);
    return r;
}

sp_image_status sp_image_read_file(const char *path, int keep, sp_image *img,
                                   char *why, size_t why_cap)
{
    memset(img, 0, sizeof *img);
    /* O_NONBLOCK: a FIFO named like an image must not hang the build */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        say(why, why_cap, "cannot open: %s", strerror(errno));
        return SP_IMAGE_EIO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        say(why, why_cap, "cannot read: %s", strerror(errno));
        close(fd);
        return SP_IMAGE_EIO;
    }
    if (!S_ISREG(sb.st_mode)) {
        say(why, why_cap, "not a regular file");
        close(fd);
        return SP_IMAGE_EFORMAT;
    }
    if (sb.st_size > (off_t)SP_MAX_IMAGE_BYTES) {
        say(why, why_cap, "the file is %lld bytes; the limit is %u bytes "
            "(8 MiB)", (long long)sb.st_size, SP_MAX_IMAGE_BYTES);
        close(fd);
        return SP_IMAGE_ELIMIT;
    }
    size_t cap = (size_t)sb.st_size + 1, len = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        say(why, why_cap, "out of memory");
        close(fd);
        return SP_IMAGE_ENOMEM;
    }
    /* read to the end (one byte more than the size, to see a file that
     * grew past the limit while being read) */
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            say(why, why_cap, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return SP_IMAGE_EIO;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) {
            if (len > SP_MAX_IMAGE_BYTES) {
                say(why, why_cap, "the file is larger than the limit of "
                    "%u bytes (8 MiB)", SP_MAX_IMAGE_BYTES);
                free(buf);
                close(fd);
                return SP_IMAGE_ELIMIT;
            }
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                say(why, why_cap, "out of memory");
                free(buf);
                close(fd);
                return SP_IMAGE_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
    }
    close(fd);
    sp_image_status r = sp_image_read_mem(buf, len, keep, img, why, why_cap);
    free(buf);
    return r;
}
