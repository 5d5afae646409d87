/* Unit tests of the loader, the model and the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "load.h"
#include "model.h"

static sp_pack *load_str(const char *xml, sp_diags *d)
{
    return sp_load_memory("tests/good/mem.xml", xml, strlen(xml), d);
}

static void test_nested_include_model(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    sp_pack *p = sp_load_file("tests/good/nested-include.xml", d);
    assert_non_null(p);
    assert_int_equal(sp_diags_count(d), 0);
    assert_string_equal(p->id, "nested-include");
    assert_string_equal(p->lang, "en");
    assert_string_equal(p->meta.title, "Acme Tester Interview Prep");
    assert_int_equal(p->n_questions, 2);
    assert_int_equal(p->n_inputs, 3);
    assert_string_equal(p->inputs[1], "tests/good/banks/level1.xml");
    assert_string_equal(p->inputs[2], "tests/good/banks/level2.xml");
    sp_question *q1 = &p->questions[0], *q2 = &p->questions[1];
    assert_string_equal(q1->id, "l1");
    assert_int_equal(q1->number, 1);
    assert_string_equal(q1->loc.file, "tests/good/banks/level1.xml");
    assert_int_equal(q1->loc.line, 3);
    assert_int_equal(q1->round, 0);
    assert_string_equal(q2->loc.file, "tests/good/banks/level2.xml");
    assert_int_equal(q2->loc.line, 3);
    assert_int_equal(q2->difficulty, SP_DIFF_HARD);
    /* inline styles: "Level " + em "two" + "?" */
    assert_int_equal(q2->prompt.n_spans, 3);
    assert_string_equal(q2->prompt.spans[0].text, "Level ");
    assert_int_equal(q2->prompt.spans[1].style, SP_STYLE_ITALIC);
    assert_string_equal(q2->prompt.spans[1].text, "two");
    /* list item with inline code, pre dedented */
    assert_int_equal(q2->answer.n_blocks, 2);
    assert_int_equal(q2->answer.blocks[0].kind, SP_BLOCK_UL);
    assert_int_equal(q2->answer.blocks[0].items[0].n_spans, 3);
    assert_int_equal(q2->answer.blocks[0].items[0].spans[1].style,
                     SP_STYLE_MONO);
    assert_int_equal(q2->answer.blocks[1].kind, SP_BLOCK_PRE);
    assert_string_equal(q2->answer.blocks[1].text.spans[0].text,
                        "if x:\n    y()");
    /* the task's references resolve to indexes */
    assert_int_equal(p->n_phases, 1);
    assert_int_equal(p->phases[0].tasks[0].n_questions, 2);
    assert_int_equal(p->phases[0].tasks[0].questions[1], 1);
    sp_pack_free(p);
    sp_diags_free(d);
}

static void test_whitespace_normalised(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    sp_pack *p = load_str(
        "<studypack version='1' id='w'><meta><company> Big\n  Co </company>"
        "<role>R</role></meta><questions><question id='q'><prompt>\n"
        "   Why  <strong> bold </strong>\n and   <em>it</em>  </prompt>"
        "<answer><p>a</p></answer></question></questions></studypack>", d);
    assert_non_null(p);
    assert_string_equal(p->meta.company, "Big Co");
    const sp_text *t = &p->questions[0].prompt;
    assert_int_equal(t->n_spans, 4);
    assert_string_equal(t->spans[0].text, "Why ");
    assert_string_equal(t->spans[1].text, "bold ");
    assert_string_equal(t->spans[2].text, "and ");
    assert_string_equal(t->spans[3].text, "it");
    assert_string_equal(sp_text_plain(p, t), "Why bold and it");
    sp_pack_free(p);
    sp_diags_free(d);
}

static void test_duplicate_names_both_places(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    sp_pack *p = load_str(
        "<studypack version='1' id='w'><meta><role>R</role></meta>\n"
        "<questions><question id='q'><prompt>P</prompt><answer><p>a</p>"
        "</answer></question>\n<question id='q'><prompt>P</prompt><answer>"
        "<p>a</p></answer></question></questions></studypack>", d);
    assert_null(p);
    assert_int_equal(sp_diags_count(d), 2);
    assert_int_equal(sp_diags_at(d, 0)->severity, SP_ERROR);
    assert_int_equal(sp_diags_at(d, 0)->line, 3);
    assert_string_equal(sp_diags_at(d, 0)->message, "duplicate question id 'q'");
    assert_int_equal(sp_diags_at(d, 1)->severity, SP_NOTE);
    assert_int_equal(sp_diags_at(d, 1)->line, 2);
    sp_diags_free(d);
}

static void test_bank_alone(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    sp_pack *p = sp_load_file("tests/good/banks/level2.xml", d);
    assert_non_null(p);
    assert_true(p->is_bank);
    assert_int_equal(p->n_questions, 1);
    sp_pack_free(p);
    sp_diags_free(d);
}

static void test_default_title_without_company(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    sp_pack *p = load_str(
        "<studypack version='1' id='w'><meta><role>Data Engineer</role>"
        "</meta><questions><question id='q'><prompt>P</prompt><answer><p>a"
        "</p></answer></question></questions></studypack>", d);
    assert_non_null(p);
    assert_string_equal(p->meta.title, "Data Engineer Interview Prep");
    sp_pack_free(p);
    sp_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_include_model),
        cmocka_unit_test(test_whitespace_normalised),
        cmocka_unit_test(test_duplicate_names_both_places),
        cmocka_unit_test(test_bank_alone),
        cmocka_unit_test(test_default_title_without_company),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sp_load_cleanup();
    return rc;
}
