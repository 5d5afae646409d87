/* test_fonts.c - font manifest, metrics, coverage, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "fonts.h"

static char fontdir[4096];

static void assert_near(double a, double b, double tol)
{
    if (fabs(a - b) > tol) {
        print_error("%.6f != %.6f\n", a, b);
        fail();
    }
}

/* A fresh temporary folder for a manifest; removed by rm_tmp. */
static char *mk_tmp(void)
{
    char *t = strdup("/tmp/sp-fonts-XXXXXX");
    assert_non_null(t);
    assert_non_null(mkdtemp(t));
    return t;
}

static void rm_tmp(char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Copies the first N bytes (all if N < 0) of a real font into DIR/NAME. */
static void copy_font(const char *dir, const char *name, const char *src,
                      long n)
{
    char in[4200], out[4200];
    snprintf(in, sizeof in, "%s/%s", fontdir, src);
    snprintf(out, sizeof out, "%s/%s", dir, name);
    FILE *a = fopen(in, "rb"), *b = fopen(out, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[8192];
    size_t k;
    long done = 0;
    while ((k = fread(buf, 1, sizeof buf, a)) > 0) {
        if (n >= 0 && done + (long)k > n)
            k = (size_t)(n - done);
        fwrite(buf, 1, k, b);
        done += (long)k;
        if (n >= 0 && done >= n)
            break;
    }
    fclose(a);
    fclose(b);
}

/* Opens DIR expecting failure with one SP_D_FONT error whose file ends in
 * FILE_SUFFIX and whose message contains MSG. */
static void expect_fail(const char *dir, const char *file_suffix,
                        const char *msg)
{
    sp_diags *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(dir, d);
    assert_null(f);
    assert_true(sp_diags_errors(d) >= 1);
    const sp_diag *g = sp_diags_at(d, 0);
    assert_int_equal(g->code, SP_D_FONT);
    assert_non_null(g->file);
    size_t a = strlen(g->file), b = strlen(file_suffix);
    if (a < b || strcmp(g->file + a - b, file_suffix) != 0) {
        print_error("file %s does not end in %s\n", g->file, file_suffix);
        fail();
    }
    if (!strstr(g->message, msg)) {
        print_error("message '%s' lacks '%s'\n", g->message, msg);
        fail();
    }
    sp_diags_free(d);
}

static sp_fonts *open_default(sp_diags **d)
{
    *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(fontdir, *d);
    if (!f)
        sp_diags_print(*d, stderr, 0);
    assert_non_null(f);
    return f;
}

/* DejaVu Sans: 2048 units per em, A = 1401, space = 651, asc 1901,
 * desc 483; every DejaVu Sans Mono glyph is 1233 wide. */
static void metrics(void **state)
{
    (void)state;
    sp_diags *d;
    sp_fonts *f = open_default(&d);
    assert_near(sp_fonts_advance(f, SP_FACE_REGULAR, 'A'),
                1401 * 1000.0 / 2048, 1e-3);
    assert_near(sp_fonts_advance(f, SP_FACE_REGULAR, ' '),
                651 * 1000.0 / 2048, 1e-3);
    assert_near(sp_fonts_advance(f, SP_FACE_BOLD, 'A'), 1585 * 1000.0 / 2048,
                1e-3);
    assert_near(sp_fonts_advance(f, SP_FACE_MONO, 'i'), 1233 * 1000.0 / 2048,
                1e-3);
    assert_near(sp_fonts_ascent(f, SP_FACE_REGULAR), 1901 * 1000.0 / 2048,
                1e-3);
    assert_near(sp_fonts_descent(f, SP_FACE_REGULAR), 483 * 1000.0 / 2048,
                1e-3);
    /* 10 pt "AAA" = 3 * 684.08 / 100 */
    assert_near(sp_fonts_width_pt(f, SP_FACE_REGULAR, 10, "AAA", 3),
                3 * 1401 * 10.0 / 2048, 1e-6);
    /* only LEN bytes count */
    assert_near(sp_fonts_width_pt(f, SP_FACE_REGULAR, 10, "AAA", 1),
                1401 * 10.0 / 2048, 1e-6);
    /* mono: 11 columns at 10 pt; a tab has no glyph and measures 0 */
    assert_near(sp_fonts_width_pt(f, SP_FACE_MONO, 10, "int x = 42;\t", 12),
                11 * 1233 * 10.0 / 2048, 1e-6);
    assert_string_equal(strrchr(sp_fonts_path(f, SP_FACE_MONO), '/'),
                        "/DejaVuSansMono.ttf");
    assert_int_equal(sp_fonts_index(f, SP_FACE_BOLD), 0);
    sp_fonts_free(f);
    sp_diags_free(d);
}

static void coverage(void **state)
{
    (void)state;
    sp_diags *d;
    sp_fonts *f = open_default(&d);
    assert_true(sp_fonts_has(f, SP_FACE_REGULAR, 'A'));
    assert_true(sp_fonts_has(f, SP_FACE_REGULAR, 0x2022));   /* bullet */
    assert_true(sp_fonts_has(f, SP_FACE_REGULAR, 0x00E9));   /* e acute */
    assert_true(sp_fonts_has(f, SP_FACE_MONO, 0x21AA));      /* marker */
    /* CJK is not in DejaVu */
    assert_false(sp_fonts_has(f, SP_FACE_REGULAR, 0x4E2D));
    assert_near(sp_fonts_advance(f, SP_FACE_REGULAR, 0x4E2D), 0, 0);
    /* DejaVu Sans has a glyph for U+1F600: characters above U+FFFF work
     * wherever a font has them */
    assert_true(sp_fonts_has(f, SP_FACE_REGULAR, 0x1F600));
    assert_true(sp_fonts_advance(f, SP_FACE_REGULAR, 0x1F600) > 0);
    assert_false(sp_fonts_has(f, SP_FACE_REGULAR, 0x110000));
    assert_near(sp_fonts_width_pt(f, SP_FACE_REGULAR, 10,
                                  "\xf0\x9f\x98\x80", 4),
                sp_fonts_advance(f, SP_FACE_REGULAR, 0x1F600) / 100, 1e-9);
    /* a stray byte measures as U+FFFD */
    assert_near(sp_fonts_width_pt(f, SP_FACE_REGULAR, 10, "\xff", 1),
                sp_fonts_advance(f, SP_FACE_REGULAR, 0xFFFD) / 100, 1e-9);
    /* a truncated sequence is one U+FFFD per byte, never a read past LEN */
    assert_near(sp_fonts_width_pt(f, SP_FACE_REGULAR, 10, "\xe2\x82", 2),
                2 * sp_fonts_advance(f, SP_FACE_REGULAR, 0xFFFD) / 100,
                1e-9);
    sp_fonts_free(f);
    sp_diags_free(d);
}

static void hash_stable(void **state)
{
    (void)state;
    sp_diags *d;
    sp_fonts *a = open_default(&d), *b = sp_fonts_open(fontdir, d);
    assert_non_null(b);
    assert_true(sp_fonts_hash(a) != 0);
    assert_true(sp_fonts_hash(a) == sp_fonts_hash(b));
    /* a different file for one face changes the hash */
    char *t = mk_tmp();
    char m[20000];
    snprintf(m, sizeof m,
             "# test\nregular %s/DejaVuSans.ttf\nbold %s/DejaVuSans.ttf\n"
             "italic %s/DejaVuSans-Oblique.ttf\nmono %s/DejaVuSansMono.ttf\n",
             fontdir, fontdir, fontdir, fontdir);
    write_file(t, "fonts.txt", m);
    sp_fonts *c = sp_fonts_open(t, d);
    assert_non_null(c);
    assert_true(sp_fonts_hash(c) != sp_fonts_hash(a));
    /* absolute paths are kept */
    assert_string_equal(sp_fonts_path(c, SP_FACE_BOLD),
                        sp_fonts_path(a, SP_FACE_REGULAR));
    sp_fonts_free(a);
    sp_fonts_free(b);
    sp_fonts_free(c);
    sp_diags_free(d);
    rm_tmp(t);
}

/* The fallback chain: a character the face lacks comes from the first
 * fallback that has it, bold text from that fallback's own bold. */
static void fallback_chain(void **state)
{
    (void)state;
    char *t = mk_tmp();
    char m[20000];
    snprintf(m, sizeof m,
             "\xef\xbb\xbfregular %s/DejaVuSans.ttf\nbold %s/DejaVuSans-Bold.ttf\n"
             "fallback /usr/share/fonts/truetype/noto/NotoSansDevanagari-"
             "Regular.ttf\n"
             "fallback /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc 2\n"
             "fallback-bold /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
             " 2\n", fontdir, fontdir);
    write_file(t, "fonts.txt", m);
    sp_diags *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(t, d);
    if (!f)
        sp_diags_print(d, stderr, 0);
    assert_non_null(f);
    sp_fonts_allow_system(f, 0);
    assert_int_equal(sp_fonts_count(f), 5);
    int reg = sp_fonts_slot(f, SP_FACE_REGULAR);
    assert_int_equal(sp_fonts_pick(f, SP_FACE_REGULAR, 'A'), reg);
    int dev = sp_fonts_pick(f, SP_FACE_REGULAR, 0x0915);
    assert_true(strstr(sp_fonts_slot_path(f, dev), "Devanagari") != NULL);
    int cjk = sp_fonts_pick(f, SP_FACE_REGULAR, 0x4E2D);
    int cjkb = sp_fonts_pick(f, SP_FACE_BOLD, 0x4E2D);
    assert_true(strstr(sp_fonts_slot_path(f, cjk), "CJK-Regular") != NULL);
    assert_true(strstr(sp_fonts_slot_path(f, cjkb), "CJK-Bold") != NULL);
    assert_int_equal(sp_fonts_slot_index(f, cjk), 2);
    assert_true(sp_fonts_slot_is_cff(f, cjk));
    assert_false(sp_fonts_slot_is_cff(f, reg));
    /* italic text without a fallback italic takes the regular fallback */
    assert_int_equal(sp_fonts_pick(f, SP_FACE_ITALIC, 0x4E2D), cjk);
    /* above U+FFFF, and nothing for an unassigned code point */
    assert_int_equal(sp_fonts_pick(f, SP_FACE_REGULAR, 0x1F600), reg);
    assert_int_equal(sp_fonts_pick(f, SP_FACE_REGULAR, 0x10FFFD), -1);
    int added = 1;
    assert_int_equal(sp_fonts_resolve(f, SP_FACE_REGULAR, 0x10FFFD, &added),
                     -1);
    assert_int_equal(added, 0);
    sp_fonts_free(f);
    sp_diags_free(d);
    rm_tmp(t);
}

/* Faces the manifest leaves out fall back to the regular face. */
static void regular_only(void **state)
{
    (void)state;
    char *t = mk_tmp();
    copy_font(t, "Only.ttf", "DejaVuSans.ttf", -1);
    write_file(t, "fonts.txt", "regular   Only.ttf  0\n");
    sp_diags *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(t, d);
    assert_non_null(f);
    assert_int_equal(sp_diags_count(d), 0);
    assert_string_equal(sp_fonts_path(f, SP_FACE_MONO),
                        sp_fonts_path(f, SP_FACE_REGULAR));
    assert_near(sp_fonts_advance(f, SP_FACE_MONO, 'A'),
                1401 * 1000.0 / 2048, 1e-3);
    sp_fonts_free(f);
    sp_diags_free(d);
    rm_tmp(t);
}

static void errors(void **state)
{
    (void)state;
    char *t = mk_tmp();
    expect_fail(t, "/fonts.txt", "cannot open the font manifest");

    write_file(t, "fonts.txt", "regular Missing.ttf\n");
    expect_fail(t, "/Missing.ttf", "cannot open font");

    write_file(t, "Text.ttf", "this is not a font at all, just some text\n");
    write_file(t, "fonts.txt", "regular Text.ttf\n");
    expect_fail(t, "/Text.ttf", "not an OpenType font");

    copy_font(t, "Cut.ttf", "DejaVuSans.ttf", 100000);
    write_file(t, "fonts.txt", "regular Cut.ttf\n");
    expect_fail(t, "/Cut.ttf", "truncated");

    copy_font(t, "Ok.ttf", "DejaVuSans.ttf", -1);
    write_file(t, "fonts.txt", "regular Ok.ttf 3\n");
    expect_fail(t, "/Ok.ttf", "not");

    write_file(t, "fonts.txt", "regular Ok.ttf\nfancy Ok.ttf\n");
    expect_fail(t, "/fonts.txt", "unknown face 'fancy'");

    write_file(t, "fonts.txt", "regular Ok.ttf\nregular Ok.ttf\n");
    expect_fail(t, "/fonts.txt", "listed twice");

    write_file(t, "fonts.txt", "bold Ok.ttf\n");
    expect_fail(t, "/fonts.txt", "no 'regular' face");

    write_file(t, "fonts.txt", "regular\n");
    expect_fail(t, "/fonts.txt", "expected 'FACE FILE [INDEX]'");

    write_file(t, "fonts.txt", "regular Ok.ttf\nfallback-bold Ok.ttf\n");
    expect_fail(t, "/fonts.txt", "'fallback-bold' must follow a 'fallback' line");

    /* a byte order mark in the middle of the file is not invisible */
    write_file(t, "fonts.txt", "regular Ok.ttf\n\xef\xbb\xbf" "bold Ok.ttf\n");
    expect_fail(t, "/fonts.txt", "not printable ASCII");
    rm_tmp(t);
}

static void default_dir(void **state)
{
    (void)state;
    setenv("STUDYPACK_FONTS", "/some/where", 1);
    char *p = sp_fonts_default_dir("studypack");
    assert_string_equal(p, "/some/where");
    free(p);
    unsetenv("STUDYPACK_FONTS");
    p = sp_fonts_default_dir("studypack");
#ifdef SP_FONTDIR
    assert_non_null(p);   /* a folder with a manifest, or the compiled-in */
#endif
    free(p);
}

int main(void)
{
    const char *root = getenv("SP_ROOT");
    char rel[4096];
    snprintf(rel, sizeof rel, "%s/fonts", root ? root : ".");
    if (!realpath(rel, fontdir))
        snprintf(fontdir, sizeof fontdir, "%s", rel);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metrics),
        cmocka_unit_test(coverage),
        cmocka_unit_test(hash_stable),
        cmocka_unit_test(regular_only),
        cmocka_unit_test(fallback_chain),
        cmocka_unit_test(errors),
        cmocka_unit_test(default_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
