/* test_diag.c - positions in bytes, our words for schema problems, "did
 * you mean", the include folding of a batch, escaping, option values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "diag.h"
#include "explain.h"
#include "srcpos.h"

static void positions(void **state)
{
    (void)state;
    const char *s = "<a>\n  <b x='1'\n     y=\"2\">caf\xC3\xA9 <c/></b>\n</a>\n";
    sp_srcpos p;
    sp_srcpos_init(&p, s, strlen(s));
    int line, col;
    sp_srcpos_at(&p, 6, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 3);
    /* columns count characters, not bytes */
    const char *c = strstr(s, "<c/>");
    sp_srcpos_at(&p, (size_t)(c - s), &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 17);
    /* backwards, then forwards again */
    sp_srcpos_at(&p, 0, &line, &col);
    assert_int_equal(line * 100 + col, 101);
    assert_int_equal(sp_srcpos_line_start(&p, 3), (size_t)(strstr(s, "     y") - s));
    assert_int_equal(sp_srcpos_line_start(&p, 99), strlen(s));
    /* the start tag of b, seen from inside it and from after its end */
    long b = sp_srcpos_open_tag(&p, (size_t)(c - s), "b");
    assert_int_equal(b, 6);
    assert_int_equal(sp_srcpos_open_tag(&p, (size_t)(strstr(s, "</a>") - s), "b"), 6);
    assert_int_equal(sp_srcpos_attr(&p, 6, "y"), (long)(strstr(s, "y=") - s));
    assert_int_equal(sp_srcpos_attr(&p, 6, "z"), -1);
    char name[32];
    assert_int_equal(sp_srcpos_parent(&p, (size_t)(c - s), name, sizeof name), 6);
    assert_string_equal(name, "b");
    char kids[4][32];
    assert_int_equal(sp_srcpos_children(&p, 0, strlen(s), kids, 4), 1);
    assert_string_equal(kids[0], "b");
    assert_int_equal(sp_srcpos_nth_tag(&p, 0, "c", 0), (long)(c - s));
    assert_int_equal(sp_srcpos_nth_tag(&p, 0, "c", 1), -1);
    sp_srcpos_free(&p);
}

static size_t n_found;
static sp_amp found[8];
static void on_amp(void *ctx, const sp_amp *a)
{
    (void)ctx;
    if (n_found < 8)
        found[n_found] = *a;
    n_found++;
}

static void amps(void **state)
{
    (void)state;
    const char *s = "<p a='x&amp;y'>Q&A &nbsp; &#160; &lt;"
                    "<!-- &ignored; --><![CDATA[ & ]]> &foo;</p>";
    n_found = 0;
    assert_int_equal(sp_srcpos_amps(s, strlen(s), on_amp, NULL), 3);
    assert_string_equal(found[0].name, "");
    assert_int_equal(found[0].len, 1);
    assert_string_equal(found[1].name, "nbsp");
    assert_int_equal(found[1].len, 6);
    assert_string_equal(found[2].name, "foo");
    assert_int_equal(sp_html_entity("nbsp"), 0xA0);
    assert_int_equal(sp_html_entity("mdash"), 0x2014);
    assert_int_equal(sp_html_entity("nope"), 0);
}

static void did_you_mean(void **state)
{
    (void)state;
    const char *diff[] = {"easy", "medium", "hard"};
    assert_string_equal(sp_did_you_mean("meduim", diff, 3), "medium");
    assert_string_equal(sp_did_you_mean("Medium", diff, 3), "medium");
    assert_string_equal(sp_did_you_mean("hrad", diff, 3), "hard");
    assert_null(sp_did_you_mean("extreme", diff, 3));
    assert_null(sp_did_you_mean("medium", diff, 3));
    const char *ids[] = {"cap-theorem", "rate-limiting", NULL};
    assert_string_equal(sp_did_you_mean("cap-theorm", ids, 3), "cap-theorem");
    assert_null(sp_did_you_mean("consistent-hashing", ids, 3));
}

static void words(void **state)
{
    (void)state;
    char out[512], id[65];
    sp_explain_id("Rate_Limiting  v2!", id);
    assert_string_equal(id, "rate-limiting-v2");
    sp_explain_id("--", id);
    assert_string_equal(id, "");

    char before[2][32] = {"prompt"};
    sp_xproblem x = {SP_X_UNEXPECTED, "followup", NULL, "question", NULL,
                     "answer )", before, 1, NULL, 0};
    assert_int_equal(sp_explain(&x, out, sizeof out), 1);
    assert_string_equal(out, "`followup` must come after `answer`");

    sp_xproblem e = {SP_X_ENUM, "question", "difficulty", NULL, "meduim",
                     "'easy', 'medium', 'hard'", NULL, 0, NULL, 0};
    assert_int_equal(sp_explain(&e, out, sizeof out), 1);
    assert_string_equal(out, "difficulty 'meduim' is not one of easy, "
                             "medium, hard; did you mean 'medium'?");

    sp_xproblem l = {SP_X_LIST, "question", "topics", NULL,
                     "payments, ledgers", NULL, NULL, 0, NULL, 0};
    assert_int_equal(sp_explain(&l, out, sizeof out), 1);
    assert_non_null(strstr(out, "like `payments ledgers`"));
    /* the item errors of a list are covered by the list's message */
    sp_xproblem it = {SP_X_PATTERN, "question", "topics", NULL, "payments,",
                      NULL, NULL, 0, NULL, 0};
    assert_int_equal(sp_explain(&it, out, sizeof out), -1);

    sp_xproblem u = {SP_X_UNEXPECTED, "promt", NULL, "question", NULL,
                     "cue, prompt )", before, 0, NULL, 0};
    assert_int_equal(sp_explain(&u, out, sizeof out), 1);
    assert_string_equal(out, "unknown element `promt`; did you mean `prompt`?");
}

static void fold(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    for (int k = 0; k < 2; k++) {
        sp_diag_add_sev(d, SP_D_INCLUDED, SP_NOTE, k ? "b.xml" : "a.xml", 4,
                        3, "%s", "");
        sp_diag_add(d, SP_D_SCHEMA, "banks/x.xml", 5, 7, "bad");
    }
    sp_diag_add(d, SP_D_SCHEMA, "b.xml", 9, 1, "own");
    sp_diags_fold_includes(d);
    assert_int_equal(sp_diags_count(d), 4);
    assert_string_equal(sp_diags_at(d, 1)->file, "b.xml");
    assert_string_equal(sp_diags_at(d, 1)->message, "and");
    assert_string_equal(sp_diags_at(d, 2)->message, "bad");
    assert_string_equal(sp_diags_at(d, 3)->message, "own");
    FILE *f = tmpfile();
    sp_diags_print(d, f, 0);
    rewind(f);
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, "In file included from a.xml:4,\n"
                             "             and from b.xml:4:\n"
                             "banks/x.xml:5:7: error: bad\n"
                             "b.xml:9:1: error: own\n");
    sp_diags_free(d);
}

static void escaping(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    sp_diag_fputs("a\nb\033[1m\xC2\x9B\xFF\xC3\xA9", f);
    rewind(f);
    char buf[128];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, "a\\nb\\x1B[1m\\xC2\\x9B\\xFF\xC3\xA9");
}

static void option_values(void **state)
{
    (void)state;
    double pt;
    const char *why;
    assert_int_equal(sp_parse_length_max("5mm", 50, &pt, &why), 0);
    assert_true(pt > 14.17 && pt < 14.18);
    assert_int_equal(sp_parse_length_max("0.5cm", 50, &pt, &why), 0);
    assert_true(pt > 14.17 && pt < 14.18);
    assert_int_equal(sp_parse_length_max("12pt", 50, &pt, &why), 0);
    assert_true(pt == 12);
    assert_int_equal(sp_parse_length_max("-5mm", 50, &pt, &why), -1);
    assert_string_equal(why, "is negative");
    assert_int_equal(sp_parse_length_max("0x10", 50, &pt, &why), -1);
    assert_int_equal(sp_parse_length_max("1e1", 50, &pt, &why), -1);
    assert_int_equal(sp_parse_length_max("60", 50, &pt, &why), -1);
    assert_string_equal(why, "is more than 50 mm");
    double w, h;
    assert_int_equal(sp_parse_card("9x6cm", &w, &h), 0);
    assert_int_equal(sp_parse_card("0x10mm", &w, &h), -1);
    double dx, dy;
    assert_int_equal(sp_parse_offset("-0.5,1mm", &dx, &dy), 0);
    assert_true(dx < 0 && dy > 0);
    assert_int_equal(sp_parse_offset("21,0", &dx, &dy), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(positions),
        cmocka_unit_test(amps),
        cmocka_unit_test(did_you_mean),
        cmocka_unit_test(words),
        cmocka_unit_test(fold),
        cmocka_unit_test(escaping),
        cmocka_unit_test(option_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
