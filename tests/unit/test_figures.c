/* test_figures.c - figures in the text engine (size, aspect, the limit,
 * captions, splitting before a figure) and the image reader: refusals of
 * bytes that are not images, and the decoded samples of the committed
 * fixtures (tests/fuzz/corpus/figure_*, made by tests/tools/mkimages.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlist.h"
#include "fonts.h"
#include "image.h"
#include "pdf_image.h"
#include "text.h"

#define EPS 1e-6

static char root[4096];
static sp_fonts *fonts;

static int teardown(void **state)
{
    (void)state;
    sp_test_pool_free();
    return 0;
}

static sp_figure *figure(int w_px, int h_px, double pct, const char *cap)
{
    sp_figure *f = sp_test_alloc(sizeof *f);
    f->src = f->path = "x.png";
    f->alt = "x";
    f->width_px = w_px;
    f->height_px = h_px;
    f->width_pct = pct;
    if (cap)
        f->caption = sp_test_markup(cap);
    return f;
}

/* Blocks: a paragraph of TEXT (if not NULL), then the figure F. */
static sp_blocks blocks(const char *text, sp_figure *f)
{
    sp_block *b = sp_test_alloc(2 * sizeof *b);
    size_t n = 0;
    if (text) {
        b[n].kind = SP_BLOCK_P;
        b[n].text = sp_test_markup(text);
        n++;
    }
    b[n].kind = SP_BLOCK_FIGURE;
    b[n].figure = f;
    n++;
    sp_blocks bl = {b, n};
    return bl;
}

static void lay(const sp_blocks *b, double limit, double width,
                sp_lines *l)
{
    sp_flow *f = sp_flow_new(fonts);
    assert_non_null(f);
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.block_gap = 0.5;
    sp_flow_figure_limit(f, limit);
    assert_int_equal(sp_flow_blocks(f, b, &o), 0);
    sp_lines_init(l);
    assert_int_equal(sp_flow_break(f, 10, width, l), 0);
    sp_flow_free(f);   /* figure lines point to the model, not the flow */
}

static void test_width_and_aspect(void **state)
{
    (void)state;
    sp_blocks b = blocks(NULL, figure(400, 300, 50, NULL));
    sp_lines l;
    lay(&b, 0, 200, &l);
    assert_int_equal(l.n_lines, 1);
    const sp_line *ln = &l.lines[0];
    assert_ptr_equal(ln->figure, b.blocks[0].figure);
    assert_true(fabs(ln->fig_w_pt - 100) < EPS);
    assert_true(fabs(ln->bottom_pt - ln->top_pt - 75) < EPS);
    assert_true(fabs(ln->fig_x_pt - 50) < EPS);    /* centred */
    assert_int_equal(ln->n_runs, 0);
    sp_lines_release(&l);
}

static void test_limit_keeps_aspect(void **state)
{
    (void)state;
    sp_blocks b = blocks(NULL, figure(100, 200, 100, NULL));
    sp_lines l;
    lay(&b, 120, 300, &l);
    const sp_line *ln = &l.lines[0];
    assert_true(fabs(ln->bottom_pt - ln->top_pt - 120) < EPS);
    assert_true(fabs(ln->fig_w_pt - 60) < EPS);
    assert_true(ln->fig_x_pt + ln->fig_w_pt <= 300 + EPS);
    sp_lines_release(&l);
}

static void test_caption_under_and_kept(void **state)
{
    (void)state;
    sp_blocks b = blocks(NULL, figure(400, 300, 100, "A _caption_"));
    sp_lines l;
    lay(&b, 0, 200, &l);
    assert_int_equal(l.n_lines, 2);
    assert_true(l.lines[1].top_pt >= l.lines[0].bottom_pt - EPS);
    assert_int_equal(l.lines[1].split, SP_SPLIT_NEVER);
    assert_null(l.lines[1].figure);
    /* the caption is centred and italic */
    const sp_run *r = &l.runs[l.lines[1].first_run];
    assert_int_equal(r->face, SP_FACE_ITALIC);
    assert_true(fabs(r->x_pt + r->width_pt / 2 - 100) < 0.5);
    sp_lines_release(&l);
}

static void test_caption_and_figure_within_limit(void **state)
{
    (void)state;
    sp_blocks b = blocks(NULL, figure(400, 300, 100, "A caption"));
    sp_lines l;
    lay(&b, 100, 200, &l);   /* 150 tall at full width: capped, shrunk */
    assert_true(l.height_pt <= 100 + EPS);
    assert_true(fabs(l.height_pt - 100) < 1e-3);
    const sp_line *ln = &l.lines[0];
    double h = ln->bottom_pt - ln->top_pt;
    assert_true(fabs(ln->fig_w_pt / h - 4.0 / 3) < 1e-6);
    sp_lines_release(&l);
}

static void test_split_before_figure(void **state)
{
    (void)state;
    sp_blocks b = blocks("Some words before the figure.",
                         figure(400, 300, 100, NULL));
    sp_lines l;
    lay(&b, 0, 200, &l);
    assert_int_equal(l.n_lines, 2);
    assert_int_equal(l.lines[1].split, SP_SPLIT_BLOCK);
    assert_non_null(l.lines[1].figure);
    /* a page starting with the figure drops the gap above it */
    double alone = sp_lines_range_height_pt(&l, 1, 2);
    assert_true(fabs(alone - 150) < EPS);
    sp_lines_release(&l);
}

static void test_emit_image_item(void **state)
{
    (void)state;
    sp_blocks b = blocks(NULL, figure(40, 30, 100, NULL));
    sp_lines l;
    lay(&b, 0, 80, &l);
    sp_dlist dl;
    sp_dlist_init(&dl, 100, 100);
    assert_int_equal(sp_lines_emit(&l, 0, l.n_lines, &dl, 10, 20), 0);
    assert_int_equal(dl.n_items, 1);
    const sp_dl_item *it = &dl.items[0];
    assert_int_equal(it->kind, SP_DL_IMAGE);
    assert_string_equal(it->text, "x.png");
    assert_string_equal(it->alt, "x");
    assert_int_equal(it->px_w, 40);
    assert_int_equal(it->px_h, 30);
    assert_true(fabs(it->x_pt - 10) < EPS && fabs(it->y_pt - 20) < EPS);
    assert_true(fabs(it->w_pt - 80) < EPS && fabs(it->h_pt - 60) < EPS);
    sp_dlist_release(&dl);
    sp_lines_release(&l);
}

/* ---- the reader, from memory ---- */

static sp_image_status read_bytes(const void *data, size_t len, char *why)
{
    sp_image img;
    sp_image_status st = sp_image_read_mem(data, len, 1, &img, why, 256);
    if (st == SP_IMAGE_OK)
        sp_image_release(&img);
    else
        assert_null(img.pixels);
    return st;
}

static void test_not_images(void **state)
{
    (void)state;
    char why[256];
    assert_int_equal(read_bytes("", 0, why), SP_IMAGE_EFORMAT);
    assert_non_null(strstr(why, "empty"));
    assert_int_equal(read_bytes("hello", 5, why), SP_IMAGE_EFORMAT);
    assert_non_null(strstr(why, "not a PNG or JPEG"));
    /* a PNG signature and nothing else */
    assert_int_equal(read_bytes("\x89PNG\r\n\x1a\n", 8, why), SP_IMAGE_EFORMAT);
    assert_non_null(strstr(why, "truncated"));
    /* a JPEG start of image and nothing else */
    assert_int_equal(read_bytes("\xff\xd8\xff", 3, why), SP_IMAGE_EFORMAT);
}

static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void test_bomb_header(void **state)
{
    (void)state;
    /* signature + IHDR (with a wrong CRC: libpng checks the pixel count
     * only after the CRC, so write the CRC right) */
    unsigned char png[8 + 25];
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    put32(png + 8, 13);
    memcpy(png + 12, "IHDR", 4);
    put32(png + 16, 50000);
    put32(png + 20, 50000);
    png[24] = 8;
    png[25] = 2;
    png[26] = png[27] = png[28] = 0;
    /* CRC-32 of "IHDR" + data, computed bitwise */
    unsigned long crc = 0xFFFFFFFFul;
    for (int i = 12; i < 29; i++) {
        crc ^= png[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320ul & (0ul - (crc & 1)));
    }
    put32(png + 29, crc ^ 0xFFFFFFFFul);
    char why[256];
    assert_int_equal(read_bytes(png, sizeof png, why), SP_IMAGE_ELIMIT);
    assert_non_null(strstr(why, "50000 x 50000"));
}

static void test_too_many_bytes(void **state)
{
    (void)state;
    size_t n = SP_MAX_IMAGE_BYTES + 1;
    unsigned char *big = calloc(1, n);
    assert_non_null(big);
    memcpy(big, "\x89PNG\r\n\x1a\n", 8);
    char why[256];
    assert_int_equal(read_bytes(big, n, why), SP_IMAGE_ELIMIT);
    free(big);
}

/* ---- the reader, on the committed fixtures (tests/fuzz/corpus) ---- */

static sp_image load(const char *name, int keep)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/%s", root, name);
    sp_image img;
    char why[256];
    sp_image_status st = sp_image_read_file(path, keep, &img, why,
                                            sizeof why);
    if (st != SP_IMAGE_OK)
        fail_msg("%s: %s", name, why);
    assert_int_equal(img.info.width_px, 40);
    assert_int_equal(img.info.height_px, 30);
    return img;
}

/* Every pixel of IMG's colour samples is V (N components). */
static void assert_solid(const sp_image *img, const unsigned *v, int n,
                         size_t first, size_t count)
{
    const unsigned char *px = img->pixels;
    for (size_t i = first; i < first + count; i++)
        for (int c = 0; c < n; c++)
            assert_int_equal(px[i * (size_t)n + (size_t)c], v[c]);
}

static void test_png_kinds(void **state)
{
    (void)state;
    sp_image img = load("figure_interlaced.png", 1);
    assert_int_equal(img.info.format, SP_IMAGE_PNG);
    assert_true(img.info.interlaced);
    assert_int_equal(img.info.components, 3);
    assert_null(img.alpha);
    unsigned teal[3] = {20, 160, 170};
    assert_solid(&img, teal, 3, 0, 40 * 30);
    sp_image_release(&img);

    img = load("figure_rgb16.png", 1);
    assert_int_equal(img.info.bit_depth, 16);
    unsigned purple[3] = {128, 40, 160};   /* 16 bits stripped to 8 */
    assert_solid(&img, purple, 3, 0, 40 * 30);
    sp_image_release(&img);

    /* a palette with tRNS: expanded to RGB, transparency as alpha */
    img = load("figure_palette-trns.png", 1);
    assert_int_equal(img.info.components, 3);
    assert_true(img.info.has_alpha);
    assert_non_null(img.alpha);
    unsigned orange[3] = {240, 140, 20};
    assert_solid(&img, orange, 3, 0, 20);          /* row 0, left half */
    assert_int_equal(img.alpha[0], 255);
    assert_int_equal(img.alpha[39], 0);
    sp_image_release(&img);

    /* gray + alpha: one colour sample, the alpha split off */
    img = load("figure_gray-alpha.png", 1);
    assert_int_equal(img.info.components, 1);
    assert_non_null(img.alpha);
    assert_int_equal(img.pixels[0], 40);
    assert_int_equal(img.pixels[39], 40);
    assert_int_equal(img.alpha[0], 255);
    assert_int_equal(img.alpha[39], 0);
    sp_image_release(&img);

    /* checking only keeps nothing */
    img = load("figure_interlaced.png", 0);
    assert_null(img.pixels);
    assert_null(img.data);
    sp_image_release(&img);
}

static void test_jpeg_kinds(void **state)
{
    (void)state;
    sp_image img = load("figure_progressive.jpg", 1);
    assert_int_equal(img.info.format, SP_IMAGE_JPEG);
    assert_true(img.info.progressive);
    assert_int_equal(img.info.components, 3);
    assert_false(img.info.adobe);
    assert_non_null(img.data);            /* the bytes, for DCT */
    assert_int_equal(img.data[0], 0xFF);
    assert_int_equal(img.data[1], 0xD8);
    sp_image_release(&img);

    img = load("figure_cmyk-adobe.jpg", 1);
    assert_int_equal(img.info.components, 4);
    assert_true(img.info.adobe);
    assert_int_equal(img.info.adobe_transform, 0);
    sp_image_release(&img);

    img = load("figure_gray.jpg", 0);
    assert_int_equal(img.info.components, 1);
    assert_null(img.data);
    sp_image_release(&img);

    char path[8192], why[256];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/figure_truncated.jpg",
             root);
    assert_int_equal(sp_image_read_file(path, 0, &img, why, sizeof why),
                     SP_IMAGE_EFORMAT);
    assert_non_null(strstr(why, "truncated"));
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus", root);
    assert_int_equal(sp_image_read_file(path, 0, &img, why, sizeof why),
                     SP_IMAGE_EFORMAT);
    assert_string_equal(why, "not a regular file");
}

static void test_alt_text_string(void **state)
{
    (void)state;
    char *s = sp_pdf_text_string("A\xc3\xa9\xf0\x9f\x98\x80");
    assert_non_null(s);
    assert_string_equal(s, "<FEFF004100E9D83DDE00>");
    free(s);
    s = sp_pdf_text_string("\xff");   /* invalid UTF-8 */
    assert_string_equal(s, "<FEFFFFFD>");
    free(s);
}

int main(void)
{
    fonts = sp_test_open_fonts(root, sizeof root);
    if (!fonts)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_width_and_aspect, teardown),
        cmocka_unit_test_teardown(test_limit_keeps_aspect, teardown),
        cmocka_unit_test_teardown(test_caption_under_and_kept, teardown),
        cmocka_unit_test_teardown(test_caption_and_figure_within_limit,
                                  teardown),
        cmocka_unit_test_teardown(test_split_before_figure, teardown),
        cmocka_unit_test_teardown(test_emit_image_item, teardown),
        cmocka_unit_test(test_not_images),
        cmocka_unit_test(test_bomb_header),
        cmocka_unit_test(test_too_many_bytes),
        cmocka_unit_test(test_png_kinds),
        cmocka_unit_test(test_jpeg_kinds),
        cmocka_unit_test(test_alt_text_string),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sp_fonts_free(fonts);
    return rc;
}
