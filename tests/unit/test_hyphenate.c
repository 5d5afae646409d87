/* test_hyphenate.c - hyphenation points (libhyphen with Debian's
 * dictionaries) and the line breaker's use of them: golden files of the
 * points of a word list per language and of narrow layouts, the rules
 * (minimums, identifiers, loose lines), the extracted text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "hyphenate.h"
#include "testutil.h"
#include "text.h"

static char root[4096];
static sp_fonts *fonts;

/* WORD with a '-' at each hyphenation point, into B (CAP bytes). */
static char *marked(const sp_hyphen *h, const char *word, char *b,
                    size_t cap)
{
    size_t pos[64];
    size_t n = sp_hyphen_points(h, word, strlen(word), pos, 64);
    size_t o = 0, k = 0;
    for (size_t i = 0; word[i] && o + 2 < cap; i++) {
        if (k < n && pos[k] == i) {
            b[o++] = '-';
            k++;
        }
        b[o++] = word[i];
    }
    b[o] = '\0';
    return b;
}

static const struct {
    const char *lang;
    const char *words[12];
} lists[] = {
    {"en", {"hyphenation", "internationalization", "configuration",
            "interview", "responsibilities", "microservices", "Kubernetes",
            "rateLimiter", "HTTP2", "cat", "(availability),", NULL}},
    {"de", {"Schemaänderungen", "Datenbankschemaänderungen",
            "Vorstellungsgespräch", "Wiederholung", "Nachrichtenwarteschlange",
            "Ausfallzeit", "Straße", "Zucker", "API", NULL}},
    {"fr", {"internationalisation", "désinformation", "entretien",
            "développeuse", "recrutement", "base", NULL}},
    {"es", {"internacionalización", "responsabilidades", "entrevista",
            "ingeniería", "desarrolladora", NULL}},
    {"sv", {"arbetsintervju", "databasschemaändringar",
            "förberedelser", "utvecklare", "meddelandekö", NULL}},
};

/* tests/golden/hyphen/points.txt: each word with its points. */
static void points_golden(void **state)
{
    (void)state;
    char out[8192];
    size_t n = 0;
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        const sp_hyphen *h = sp_hyphen_get(lists[l].lang);
        assert_non_null(h);
        n += (size_t)snprintf(out + n, sizeof out - n, "[%s]\n",
                              lists[l].lang);
        for (size_t w = 0; lists[l].words[w]; w++) {
            char b[256];
            n += (size_t)snprintf(out + n, sizeof out - n, "%s\n",
                                  marked(h, lists[l].words[w], b, sizeof b));
        }
    }
    sp_test_check_golden(root, "hyphen/points.txt", out);
}

static void rules(void **state)
{
    (void)state;
    char b[256];
    const sp_hyphen *de = sp_hyphen_get("de");
    assert_non_null(de);
    assert_ptr_equal(sp_hyphen_get("de-DE"), de);    /* loaded once */
    assert_non_null(sp_hyphen_get("de-CH"));          /* hyph_de_CH */
    assert_ptr_not_equal(sp_hyphen_get("de-CH"), de);
    assert_ptr_equal(sp_hyphen_get("en-GB"), sp_hyphen_get("en"));
    assert_null(sp_hyphen_get("ja"));
    assert_null(sp_hyphen_get("zh-CN"));
    assert_null(sp_hyphen_get(NULL));
    assert_null(sp_hyphen_get(""));
    /* 2 letters before a hyphen, 3 after */
    size_t pos[8];
    size_t n = sp_hyphen_points(de, "Schemaänderungen", 17, pos, 8);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        assert_true(pos[i] >= 2);
        assert_true(pos[i] <= 17 - 3);
    }
    /* a capital inside, digits, short words: none */
    assert_string_equal(marked(sp_hyphen_get("en"), "rateLimiterConfig", b,
                               sizeof b), "rateLimiterConfig");
    assert_string_equal(marked(de, "IPv6Adresse", b, sizeof b), "IPv6Adresse");
    assert_string_equal(marked(de, "Tag", b, sizeof b), "Tag");
    /* MAX points at most */
    assert_int_equal(sp_hyphen_points(de, "Datenbankschemaänderungen", 26,
                                      pos, 2), 2);
    assert_int_equal(sp_hyphen_points(NULL, "Wiederholung", 12, pos, 8), 0);
    /* invalid UTF-8 never crashes */
    sp_hyphen_points(de, "\xff\xfe\xc3", 3, pos, 8);
}

/* The text of line I of L, its runs' texts joined. */
static char *line_text(const sp_lines *l, size_t i, char *b, size_t cap)
{
    size_t o = 0;
    const sp_line *ln = &l->lines[i];
    for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
        size_t len = l->runs[r].len;
        if (o + len + 1 >= cap)
            break;
        memcpy(b + o, l->runs[r].text, len);
        o += len;
    }
    b[o] = '\0';
    return b;
}

/* The text a reader extracts from L: each run's actual text if it has
 * one, else its text, lines joined by newlines. */
static char *extracted(const sp_lines *l, char *b, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < l->n_lines; i++) {
        const sp_line *ln = &l->lines[i];
        for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
            const sp_run *run = &l->runs[r];
            const char *t = run->actual ? run->actual : run->text;
            size_t len = run->actual ? run->actual_len : run->len;
            if (o + len + 2 >= cap)
                break;
            memcpy(b + o, t, len);
            o += len;
        }
        b[o++] = '\n';
    }
    b[o] = '\0';
    return b;
}

static void layout(const char *lang, const char *text, double size,
                   double width, sp_flow **f, sp_lines *l)
{
    *f = sp_flow_new(fonts);
    assert_non_null(*f);
    sp_flow_hyphenate(*f, sp_hyphen_get(lang));
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    assert_int_equal(sp_flow_plain(*f, text, &o), 0);
    sp_lines_init(l);
    assert_int_equal(sp_flow_break(*f, size, width, l), 0);
}

static void breaker(void **state)
{
    (void)state;
    sp_flow *f;
    sp_lines l;
    char b[512];
    /* a word wider than the line: hyphens at correct points, never
     * between letters elsewhere, nothing wider than the line */
    layout("de", "Datenbankschemaänderungen", 10, 60, &f, &l);
    assert_true(l.n_lines >= 2);
    assert_false(l.overflow);
    for (size_t i = 0; i < l.n_lines; i++)
        assert_true(l.lines[i].width_pt <= 60 + 1e-6);
    /* the first line extracts the whole word, the others nothing */
    extracted(&l, b, sizeof b);
    assert_memory_equal(b, "Datenbankschemaänderungen\n", 27);
    for (size_t i = 27; b[i]; i++)
        assert_int_equal(b[i], '\n');
    /* each line but the last ends with the added hyphen */
    for (size_t i = 0; i + 1 < l.n_lines; i++) {
        line_text(&l, i, b, sizeof b);
        assert_int_equal(b[strlen(b) - 1], '-');
    }
    sp_lines_release(&l);
    sp_flow_free(f);
    /* without a hyphenator: broken between characters, as before */
    f = sp_flow_new(fonts);
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    assert_int_equal(sp_flow_plain(f, "Datenbankschemaänderungen", &o), 0);
    sp_lines_init(&l);
    assert_int_equal(sp_flow_break(f, 10, 60, &l), 0);
    for (size_t r = 0; r < l.n_runs; r++)
        assert_null(l.runs[r].actual);
    sp_lines_release(&l);
    sp_flow_free(f);
    /* a full line is not hyphenated: the word moves down whole */
    layout("en", "aaaa bbbb cccc dddd hyphenation", 10, 100, &f, &l);
    assert_int_equal(l.n_lines, 2);
    assert_true(l.lines[0].width_pt > 0.67 * 100);
    assert_string_equal(line_text(&l, 1, b, sizeof b), "dddd hyphenation");
    for (size_t r = 0; r < l.n_runs; r++)
        assert_null(l.runs[r].actual);
    sp_lines_release(&l);
    sp_flow_free(f);
    /* a loose line is: "a" alone would leave most of the line empty */
    layout("en", "a internationalization", 10, 90, &f, &l);
    assert_int_equal(l.n_lines, 2);
    assert_string_equal(line_text(&l, 0, b, sizeof b), "a international-");
    assert_string_equal(line_text(&l, 1, b, sizeof b), "ization");
    assert_string_equal(extracted(&l, b, sizeof b),
                        "a internationalization\n\n");
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* tests/golden/hyphen/narrow-LANG.dump: a paragraph in each language set
 * in a narrow column, as the cards and the index set them. */
static void narrow_golden(void **state)
{
    (void)state;
    static const struct {
        const char *lang, *text;
    } paras[] = {
        {"en", "Explain how internationalization, configuration management "
               "and responsibilities are divided between microservices."},
        {"de", "Wie spielen Sie Datenbankschemaänderungen ohne Ausfallzeit "
               "ein, und was gehört ins Vorstellungsgespräch?"},
        {"fr", "Comment déployer l’internationalisation sans interruption "
               "pendant un entretien de recrutement\u00a0?"},
        {"es", "¿Cómo repartirías las responsabilidades de "
               "internacionalización en la entrevista?"},
        {"sv", "Hur rullar du ut databasschemaändringar inför en "
               "arbetsintervju?"},
    };
    for (size_t i = 0; i < sizeof paras / sizeof paras[0]; i++) {
        sp_flow *f;
        sp_lines l;
        layout(paras[i].lang, paras[i].text, 9, 95, &f, &l);
        sp_doc doc;
        sp_doc_init(&doc);
        sp_dlist *pg = sp_doc_add_page(&doc, 115, 200);
        assert_non_null(pg);
        assert_int_equal(sp_lines_emit(&l, 0, l.n_lines, pg, 10, 10), 0);
        char *s = sp_dump_string(&doc, NULL);
        assert_non_null(s);
        char name[64];
        snprintf(name, sizeof name, "hyphen/narrow-%s.dump", paras[i].lang);
        sp_test_check_golden(root, name, s);
        free(s);
        sp_doc_release(&doc);
        sp_lines_release(&l);
        sp_flow_free(f);
    }
}

static int setup_all(void **state)
{
    (void)state;
    fonts = sp_test_open_fonts(root, sizeof root);
    return fonts ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    sp_fonts_free(fonts);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(points_golden),
        cmocka_unit_test(rules),
        cmocka_unit_test(breaker),
        cmocka_unit_test(narrow_golden),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
