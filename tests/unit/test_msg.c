/* test_msg.c - the message catalogues: .mo parsing, plural forms,
 * language tags, templates, and every built catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "msg.h"

/* ---- plural expressions ---- */

static void plural_forms(void **state)
{
    (void)state;
    const char *en = "(n != 1)", *fr = "(n > 1)";
    assert_int_equal(sp_plural_eval(en, 0), 1);
    assert_int_equal(sp_plural_eval(en, 1), 0);
    assert_int_equal(sp_plural_eval(en, 2), 1);
    assert_int_equal(sp_plural_eval(fr, 0), 0);
    assert_int_equal(sp_plural_eval(fr, 1), 0);
    assert_int_equal(sp_plural_eval(fr, 2), 1);
    assert_int_equal(sp_plural_eval("0", 5), 0);
    /* Russian, Polish, Arabic: the hardest forms gettext documents */
    const char *ru = "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                     "(n%100<10 || n%100>=20) ? 1 : 2)";
    static const unsigned long rn[] = {1, 2, 5, 11, 12, 21, 22, 25, 111, 104};
    static const long rf[] = {0, 1, 2, 2, 2, 0, 1, 2, 2, 1};
    for (size_t i = 0; i < sizeof rn / sizeof rn[0]; i++)
        assert_int_equal(sp_plural_eval(ru, rn[i]), rf[i]);
    const char *ar = "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && "
                     "n%100<=10 ? 3 : n%100>=11 ? 4 : 5)";
    static const unsigned long an[] = {0, 1, 2, 3, 10, 11, 99, 100, 102};
    static const long af[] = {0, 1, 2, 3, 3, 4, 4, 5, 5};
    for (size_t i = 0; i < sizeof an / sizeof an[0]; i++)
        assert_int_equal(sp_plural_eval(ar, an[i]), af[i]);
    assert_int_equal(sp_plural_eval("!(n <= 1) + 0 * 7 - 0 / 0", 3), 1);
    /* malformed: -1, never a crash */
    static const char *const bad[] = {"", "n !=", "(n", "n ? 1", "n == 1)",
                                      "x", "n = 1", "n ? 1 : 2 : 3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sp_plural_eval(bad[i], 1), -1);
    char deep[400];
    memset(deep, '(', 200);
    deep[200] = 'n';
    memset(deep + 201, ')', 198);
    deep[399] = '\0';
    assert_int_equal(sp_plural_eval(deep, 1), -1);
}

/* ---- templates and tags ---- */

static void fill_and_tags(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(sp_fill(b, sizeof b, "{2}、{1}", "a", "b", NULL),
                        "b、a");
    assert_string_equal(sp_fill(b, sizeof b, "{1} {4} {3}}", "x", NULL, NULL),
                        "x {4} }");
    /* truncated on a character boundary: "ää" is 4 bytes */
    assert_string_equal(sp_fill(b, 4, "{1}", "ää", NULL, NULL), "ä");
    assert_string_equal(sp_fill(b, 1, "{1}", "x", NULL, NULL), "");
    assert_string_equal(sp_msgs_resolve(NULL), "en");
    assert_string_equal(sp_msgs_resolve("de"), "de");
    assert_string_equal(sp_msgs_resolve("de-AT"), "de");
    assert_string_equal(sp_msgs_resolve("FR_ca"), "fr");
    assert_string_equal(sp_msgs_resolve("en-GB"), "en");
    assert_string_equal(sp_msgs_resolve("zh"), "zh_CN");
    assert_string_equal(sp_msgs_resolve("zh-Hans-CN"), "zh_CN");
    assert_null(sp_msgs_resolve("zh-Hant"));
    assert_null(sp_msgs_resolve("zh-TW"));
    assert_null(sp_msgs_resolve("pt-BR"));
    assert_null(sp_msgs_resolve("deutsch"));
    assert_string_equal(sp_msgs_resolve("ja-JP"), "ja");
    assert_string_equal(sp_msgs_resolve("sv"), "sv");
    assert_string_equal(sp_msgs_resolve("es-419"), "es");
}

/* ---- .mo images ---- */

typedef struct {
    unsigned char b[1024];
    size_t n;
} image;

static void put32(image *im, size_t at, uint32_t v)
{
    im->b[at] = (unsigned char)v;
    im->b[at + 1] = (unsigned char)(v >> 8);
    im->b[at + 2] = (unsigned char)(v >> 16);
    im->b[at + 3] = (unsigned char)(v >> 24);
}

/* A little-endian .mo of N (original, translation) pairs (lengths given,
 * so they may hold NULs). */
static void make_mo(image *im, const char *const *o, const size_t *ol,
                    const char *const *t, const size_t *tl, uint32_t n)
{
    memset(im, 0, sizeof *im);
    put32(im, 0, 0x950412de);
    put32(im, 8, n);
    put32(im, 12, 28);
    put32(im, 16, 28 + 8 * n);
    size_t at = 28 + 16 * n;
    for (uint32_t i = 0; i < n; i++) {
        put32(im, 28 + 8 * i, (uint32_t)ol[i]);
        put32(im, 28 + 8 * i + 4, (uint32_t)at);
        memcpy(im->b + at, o[i], ol[i]);
        at += ol[i] + 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        put32(im, 28 + 8 * (n + i), (uint32_t)tl[i]);
        put32(im, 28 + 8 * (n + i) + 4, (uint32_t)at);
        memcpy(im->b + at, t[i], tl[i]);
        at += tl[i] + 1;
    }
    im->n = at;
}

static void mo_images(void **state)
{
    (void)state;
    static const char hdr[] = "Plural-Forms: nplurals=3; plural=(n==1 ? 0 "
                              ": n==2 ? 1 : 2);\n";
    const char *o[] = {"", "apple\0apples", "ctx\004word", "zebra"};
    size_t ol[] = {0, 12, 8, 5};
    const char *t[] = {hdr, "A\0B\0C", "W", ""};
    size_t tl[] = {sizeof hdr - 1, 5, 1, 0};
    image im;
    make_mo(&im, o, ol, t, tl, 4);
    sp_msgs *m = sp_msgs_from_mo(im.b, im.n, "xx");
    assert_non_null(m);
    assert_string_equal(sp_msgs_lang(m), "xx");
    assert_string_equal(sp_trn(m, "apple", "apples", 1), "A");
    assert_string_equal(sp_trn(m, "apple", "apples", 2), "B");
    assert_string_equal(sp_trn(m, "apple", "apples", 7), "C");
    assert_string_equal(sp_trc(m, "ctx", "word"), "W");
    assert_string_equal(sp_tr(m, "word"), "word");          /* no context */
    assert_string_equal(sp_tr(m, "zebra"), "zebra");       /* empty: none */
    assert_string_equal(sp_tr(m, "missing"), "missing");
    assert_string_equal(sp_trn(m, "pear", "pears", 1), "pear");
    assert_string_equal(sp_trn(m, "pear", "pears", 3), "pears");
    assert_string_equal(sp_tr(NULL, "x"), "x");
    sp_msgs_free(m);

    /* byte-swapped images are read too */
    image sw = im;
    for (size_t at = 0; at < 28 + 16 * 4; at += 4) {
        unsigned char *p = sw.b + at, x = p[0], y = p[1];
        p[0] = p[3];
        p[1] = p[2];
        p[2] = y;
        p[3] = x;
    }
    m = sp_msgs_from_mo(sw.b, sw.n, "xx");
    assert_non_null(m);
    assert_string_equal(sp_trc(m, "ctx", "word"), "W");
    sp_msgs_free(m);

    /* malformed images are refused */
    image bad = im;
    bad.b[0] ^= 1;                                   /* magic */
    assert_null(sp_msgs_from_mo(bad.b, bad.n, NULL));
    assert_null(sp_msgs_from_mo(im.b, 20, NULL));     /* truncated header */
    assert_null(sp_msgs_from_mo(im.b, im.n - 3, NULL));  /* strings cut */
    bad = im;
    put32(&bad, 8, 1000000);                         /* count */
    assert_null(sp_msgs_from_mo(bad.b, bad.n, NULL));
    bad = im;
    put32(&bad, 28 + 8 + 4, 5000);                   /* offset */
    assert_null(sp_msgs_from_mo(bad.b, bad.n, NULL));
    bad = im;
    put32(&bad, 28 + 8, 0xFFFFFFF0u);                 /* length */
    assert_null(sp_msgs_from_mo(bad.b, bad.n, NULL));
    const char *uo[] = {"", "zebra", "apple"};       /* not sorted */
    size_t uol[] = {0, 5, 5};
    const char *ut[] = {"", "Z", "A"};
    size_t utl[] = {0, 1, 1};
    make_mo(&bad, uo, uol, ut, utl, 3);
    assert_null(sp_msgs_from_mo(bad.b, bad.n, NULL));
    static const char badpf[] = "Plural-Forms: nplurals=2; plural=n ? ;\n";
    const char *po[] = {""};
    size_t pol[] = {0};
    const char *pt[] = {badpf};
    size_t ptl[] = {sizeof badpf - 1};
    make_mo(&bad, po, pol, pt, ptl, 1);
    assert_null(sp_msgs_from_mo(bad.b, bad.n, NULL));
}

/* ---- the built catalogues (BUILD/locale, found beside the test) ---- */

static sp_msgs *open_lang(const char *tag, sp_diags *d)
{
    sp_msgs *m = sp_msgs_open(tag, NULL, d);
    assert_non_null(m);
    return m;
}

static void catalogues(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    assert_non_null(d);
    static const struct {
        const char *tag, *lang, *notes, *days1, *days2, *medium;
    } want[] = {
        {"de-DE", "de", "Notizen", "{1} Tag", "{1} Tage", "mittel"},
        {"fr", "fr", "Notes", "{1} jour", "{1} jours", "moyen"},
        {"es", "es", "Notas", "{1} día", "{1} días", "media"},
        {"sv", "sv", "Anteckningar", "{1} dag", "{1} dagar", "medel"},
        {"ja", "ja", "メモ", "{1}日間", "{1}日間", "中級"},
        {"zh-CN", "zh_CN", "笔记", "{1}天", "{1}天", "中等"},
        {"en", "en", "Notes", "{1} day", "{1} days", "medium"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sp_msgs *m = open_lang(want[i].tag, d);
        assert_string_equal(sp_msgs_lang(m), want[i].lang);
        assert_string_equal(sp_tr(m, "Notes"), want[i].notes);
        assert_string_equal(sp_trn(m, "{1} day", "{1} days", 1),
                            want[i].days1);
        assert_string_equal(sp_trn(m, "{1} day", "{1} days", 2),
                            want[i].days2);
        assert_string_equal(sp_msgs_difficulty(m, SP_DIFF_MEDIUM),
                            want[i].medium);
        sp_msgs_free(m);
    }
    /* French: 0 is singular */
    sp_msgs *fr = open_lang("fr", d);
    assert_string_equal(sp_trn(fr, "{1} day", "{1} days", 0), "{1} jour");
    sp_msgs_free(fr);
    assert_int_equal(sp_diags_count(d), 0);

    /* an unknown language: English and one warning naming it */
    sp_msgs *pt = open_lang("pt-BR", d);
    assert_string_equal(sp_msgs_lang(pt), "en");
    assert_string_equal(sp_tr(pt, "Notes"), "Notes");
    sp_msgs_free(pt);
    assert_int_equal(sp_diags_count(d), 1);
    assert_int_equal(sp_diags_at(d, 0)->severity, SP_WARNING);
    assert_string_equal(sp_diags_at(d, 0)->message,
                        "no catalogue for language 'pt-BR': the tool's own "
                        "words are in English");
    /* a missing catalogue folder: English and one warning */
    sp_diags_clear(d);
    sp_msgs *m = sp_msgs_open("de", "/nonexistent", d);
    assert_non_null(m);
    assert_string_equal(sp_msgs_lang(m), "en");
    sp_msgs_free(m);
    assert_int_equal(sp_diags_count(d), 1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message, "cannot read"));
    sp_diags_free(d);
}

/* Threads each open and use catalogues of several languages at once
 * (batch builds packs on several threads). */
static void *worker(void *arg)
{
    static const char *const tags[] = {"de", "ja", "fr", "zh", "sv", "es"};
    size_t k = (size_t)(uintptr_t)arg, bad = 0;
    for (int round = 0; round < 50; round++) {
        sp_diags *d = sp_diags_new();
        sp_msgs *m = d ? sp_msgs_open(tags[(k + round) % 6], NULL, d) : NULL;
        if (!m || !strcmp(sp_tr(m, "Question index"), "Question index")
            || sp_diags_count(d))
            bad++;
        sp_msgs_free(m);
        sp_diags_free(d);
    }
    return (void *)(uintptr_t)bad;
}

static void threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker,
                                        (void *)(uintptr_t)i), 0);
    for (size_t i = 0; i < 4; i++) {
        void *r;
        assert_int_equal(pthread_join(t[i], &r), 0);
        assert_int_equal((uintptr_t)r, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plural_forms),
        cmocka_unit_test(fill_and_tags),
        cmocka_unit_test(mo_images),
        cmocka_unit_test(catalogues),
        cmocka_unit_test(threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
