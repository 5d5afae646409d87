/* mkimages - writes the figure test images with libpng and libjpeg.
 *
 *   mkimages fixtures DIR   one image of each kind studypack reads, each
 *                           in its own solid colour (see the table below;
 *                           tests/t_figures.sh checks the rendered colours)
 *   mkimages hostile DIR    bomb.png (50,000 x 50,000 pixels declared in a
 *                           file of a few hundred bytes), bomb.jpg (the
 *                           same as a JPEG header), truncated.png,
 *                           truncated.jpg, text.png (a text file)
 *
 * Images are 40 x 30 pixels.  "half" images are opaque on their left half
 * and fully transparent on their right half.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <jpeglib.h>
#include <zlib.h>

#define W 40
#define H 30

static char dir[4096];

static const char *at(const char *name)
{
    static char p[8192];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void die(const char *what)
{
    fprintf(stderr, "mkimages: %s\n", what);
    exit(1);
}

/* A PNG of colour TYPE and DEPTH whose pixel (x, y) is px(x, y, out). */
typedef void (*pixel_fn)(int x, int y, unsigned *v);

static void png(const char *name, int type, int depth, int interlace,
                pixel_fn px, const png_color *pal, int npal,
                const png_byte *trns, int ntrns)
{
    FILE *f = fopen(at(name), "wb");
    if (!f)
        die("cannot write");
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                            NULL, NULL);
    png_infop info = png_create_info_struct(p);
    if (setjmp(png_jmpbuf(p)))
        die("libpng failed");
    png_init_io(p, f);
    png_set_IHDR(p, info, W, H, depth, type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (pal)
        png_set_PLTE(p, info, pal, npal);
    if (trns)
        png_set_tRNS(p, info, trns, ntrns, NULL);
    png_write_info(p, info);
    if (depth < 8)
        png_set_packing(p);   /* one sample per byte in, packed out */
    int ch = type == PNG_COLOR_TYPE_GRAY ? 1
             : type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
             : type == PNG_COLOR_TYPE_RGB ? 3
             : type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
    int bps = depth == 16 ? 2 : 1;
    static png_byte rows[H][W * 4 * 2];
    png_bytep ptrs[H];
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            unsigned v[4];
            px(x, y, v);
            for (int c = 0; c < ch; c++) {
                png_byte *o = &rows[y][(x * ch + c) * bps];
                if (bps == 2) {
                    o[0] = (png_byte)(v[c] >> 8);
                    o[1] = (png_byte)v[c];
                } else {
                    o[0] = (png_byte)v[c];
                }
            }
        }
        ptrs[y] = rows[y];
    }
    png_write_image(p, ptrs);
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    fclose(f);
}

static int left(int x) { return x < W / 2; }

/* An 8-bit RGB PNG with a tRNS colour key. */
static void png_key(const char *name, pixel_fn px, png_color_16 *key)
{
    FILE *f = fopen(at(name), "wb");
    if (!f)
        die("cannot write");
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                            NULL, NULL);
    png_infop info = png_create_info_struct(p);
    if (setjmp(png_jmpbuf(p)))
        die("libpng failed");
    png_init_io(p, f);
    png_set_IHDR(p, info, W, H, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_tRNS(p, info, NULL, 0, key);
    png_write_info(p, info);
    png_byte row[W * 3];
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            unsigned v[4];
            px(x, y, v);
            for (int c = 0; c < 3; c++)
                row[x * 3 + c] = (png_byte)v[c];
        }
        png_write_row(p, row);
    }
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    fclose(f);
}

static void px_gray(int x, int y, unsigned *v) { (void)x; (void)y; v[0] = 96; }
static void px_gray_alpha(int x, int y, unsigned *v)
{
    (void)y;
    v[0] = 40;
    v[1] = left(x) ? 255 : 0;
}
static void px_rgb(int x, int y, unsigned *v)
{
    (void)x; (void)y;
    v[0] = 220; v[1] = 30; v[2] = 30;
}
static void px_rgba(int x, int y, unsigned *v)
{
    (void)y;
    v[0] = 30; v[1] = 160; v[2] = 60; v[3] = left(x) ? 255 : 0;
}
static void px_pal(int x, int y, unsigned *v) { (void)x; (void)y; v[0] = 0; }
static void px_black(int x, int y, unsigned *v) { (void)x; (void)y; v[0] = 0; }
static void px_pal3(int x, int y, unsigned *v) { (void)x; (void)y; v[0] = 3; }
static void px_pal_half(int x, int y, unsigned *v) { (void)y; v[0] = left(x) ? 0 : 1; }
static void px_rgb_key(int x, int y, unsigned *v)
{
    (void)y;
    if (left(x)) {
        v[0] = 250; v[1] = 150; v[2] = 200;
    } else {
        v[0] = v[1] = v[2] = 7;   /* the tRNS colour key */
    }
}
static void px_rgb16(int x, int y, unsigned *v)
{
    (void)x; (void)y;
    v[0] = 128 * 257; v[1] = 40 * 257; v[2] = 160 * 257;
}
static void px_teal(int x, int y, unsigned *v)
{
    (void)x; (void)y;
    v[0] = 20; v[1] = 160; v[2] = 170;
}

/* A JPEG of solid colour V (NC components in colour space IN) stored as
 * colour space OUT; ADOBE: keep the APP14 marker libjpeg writes. */
static void jpeg(const char *name, int nc, J_COLOR_SPACE in, J_COLOR_SPACE out,
                 const unsigned *v, int progressive, int adobe)
{
    FILE *f = fopen(at(name), "wb");
    if (!f)
        die("cannot write");
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = W;
    c.image_height = H;
    c.input_components = nc;
    c.in_color_space = in;
    jpeg_set_defaults(&c);
    jpeg_set_colorspace(&c, out);
    jpeg_set_quality(&c, 95, TRUE);
    c.write_Adobe_marker = adobe ? TRUE : FALSE;
    if (progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    JSAMPLE row[W * 4];
    for (int x = 0; x < W; x++)
        for (int k = 0; k < nc; k++)
            row[x * nc + k] = (JSAMPLE)v[k];
    while (c.next_scanline < H) {
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
}

static void fixtures(void)
{
    png("gray.png", PNG_COLOR_TYPE_GRAY, 8, 0, px_gray, NULL, 0, NULL, 0);
    png("gray-alpha.png", PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0, px_gray_alpha,
        NULL, 0, NULL, 0);
    png("rgb.png", PNG_COLOR_TYPE_RGB, 8, 0, px_rgb, NULL, 0, NULL, 0);
    png("rgba.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, px_rgba, NULL, 0, NULL,
        0);
    png_color blue[1] = {{30, 60, 200}};
    png("palette.png", PNG_COLOR_TYPE_PALETTE, 8, 0, px_pal, blue, 1, NULL,
        0);
    png_color orange[2] = {{240, 140, 20}, {0, 0, 0}};
    png_byte trns[2] = {255, 0};
    png("palette-trns.png", PNG_COLOR_TYPE_PALETTE, 8, 0, px_pal_half,
        orange, 2, trns, 2);
    png("rgb16.png", PNG_COLOR_TYPE_RGB, 16, 0, px_rgb16, NULL, 0, NULL, 0);
    png("gray1.png", PNG_COLOR_TYPE_GRAY, 1, 0, px_black, NULL, 0, NULL, 0);
    png_color pal4[4] = {{0, 0, 0}, {255, 255, 255}, {9, 9, 9},
                         {200, 200, 120}};
    png("palette4.png", PNG_COLOR_TYPE_PALETTE, 4, 0, px_pal3, pal4, 4, NULL,
        0);
    png_color_16 key;
    memset(&key, 0, sizeof key);
    key.red = key.green = key.blue = 7;
    png_key("rgb-key.png", px_rgb_key, &key);
    png("interlaced.png", PNG_COLOR_TYPE_RGB, 8, 1, px_teal, NULL, 0, NULL,
        0);
    unsigned yellow[3] = {230, 200, 30}, navy[3] = {30, 30, 110};
    unsigned light[1] = {180}, brown[3] = {140, 90, 40};
    unsigned cyan[4] = {255, 0, 0, 0};
    unsigned magenta_inv[4] = {255, 0, 255, 255};   /* M = 255, inverted */
    jpeg("baseline.jpg", 3, JCS_RGB, JCS_YCbCr, yellow, 0, 0);
    jpeg("progressive.jpg", 3, JCS_RGB, JCS_YCbCr, navy, 1, 0);
    jpeg("gray.jpg", 1, JCS_GRAYSCALE, JCS_GRAYSCALE, light, 0, 0);
    jpeg("rgb.jpg", 3, JCS_RGB, JCS_RGB, brown, 0, 1);
    jpeg("cmyk.jpg", 4, JCS_CMYK, JCS_CMYK, cyan, 0, 0);
    jpeg("cmyk-adobe.jpg", 4, JCS_CMYK, JCS_CMYK, magenta_inv, 0, 1);
}

static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One PNG chunk to F. */
static void chunk(FILE *f, const char *type, const unsigned char *d,
                  unsigned long n)
{
    unsigned char b[8];
    put32(b, n);
    memcpy(b + 4, type, 4);
    fwrite(b, 1, 8, f);
    if (n)
        fwrite(d, 1, n, f);
    unsigned long crc = crc32(0, (const unsigned char *)type, 4);
    crc = crc32(crc, d, (uInt)n);
    put32(b, crc);
    fwrite(b, 1, 4, f);
}

/* Copies the first half of file FROM to TO. */
static void truncate_copy(const char *from, const char *to)
{
    static unsigned char buf[1 << 16];
    char src[8192];
    snprintf(src, sizeof src, "%s", at(from));
    FILE *f = fopen(src, "rb");
    if (!f)
        die("cannot read");
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    FILE *o = fopen(at(to), "wb");
    if (!o)
        die("cannot write");
    fwrite(buf, 1, n / 2, o);
    fclose(o);
    remove(src);
}

static void hostile(void)
{
    /* bomb.png: a valid IHDR of 50000 x 50000 RGB and a little zlib data
     * (a decoder that trusted it would inflate 7.5 GB) */
    FILE *f = fopen(at("bomb.png"), "wb");
    if (!f)
        die("cannot write");
    fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
    unsigned char ihdr[13];
    put32(ihdr, 50000);
    put32(ihdr + 4, 50000);
    ihdr[8] = 8;
    ihdr[9] = 2;
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    chunk(f, "IHDR", ihdr, 13);
    static unsigned char zeros[150001];
    unsigned char z[4096];
    uLongf zn = sizeof z;
    compress2(z, &zn, zeros, sizeof zeros, 9);
    chunk(f, "IDAT", z, zn);
    chunk(f, "IEND", NULL, 0);
    fclose(f);
    /* bomb.jpg: a baseline JPEG header declaring 50000 x 50000 */
    unsigned v[3] = {10, 20, 30};
    jpeg("small.jpg", 3, JCS_RGB, JCS_YCbCr, v, 0, 0);
    static unsigned char buf[1 << 16];
    char src[8192];
    snprintf(src, sizeof src, "%s", at("small.jpg"));
    FILE *in = fopen(src, "rb");
    size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;
    if (in)
        fclose(in);
    remove(src);
    for (size_t i = 0; i + 9 < n; i++)
        if (buf[i] == 0xFF && buf[i + 1] == 0xC0) {
            buf[i + 5] = 50000 >> 8;
            buf[i + 6] = 50000 & 0xFF;
            buf[i + 7] = 50000 >> 8;
            buf[i + 8] = 50000 & 0xFF;
            break;
        }
    FILE *o = fopen(at("bomb.jpg"), "wb");
    if (!o)
        die("cannot write");
    fwrite(buf, 1, n, o);
    fclose(o);
    png("whole.png", PNG_COLOR_TYPE_RGB, 8, 0, px_rgb, NULL, 0, NULL, 0);
    truncate_copy("whole.png", "truncated.png");
    jpeg("whole.jpg", 3, JCS_RGB, JCS_YCbCr, v, 0, 0);
    truncate_copy("whole.jpg", "truncated.jpg");
    FILE *t = fopen(at("text.png"), "w");
    if (!t)
        die("cannot write");
    fputs("This is a text file named like a PNG.\n", t);
    fclose(t);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        die("usage: mkimages fixtures|hostile DIR");
    snprintf(dir, sizeof dir, "%s", argv[2]);
    if (strcmp(argv[1], "fixtures") == 0)
        fixtures();
    else if (strcmp(argv[1], "hostile") == 0)
        hostile();
    else
        die("usage: mkimages fixtures|hostile DIR");
    return 0;
}
