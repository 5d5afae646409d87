/* test_io.c - the importers' pieces: RFC 4180 records, format detection,
 * field HTML to our markup; and the exporters' HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "importer.h"

/* Parses DATA and returns the records as "a|b|c\n" lines (or "ERR L:C
 * why"). */
static char *records(const char *data, char sep)
{
    static char out[4096];
    out[0] = '\0';
    sp_csv c;
    sp_csv_init(&c, data, strlen(data), sep);
    int line, col, r;
    const char *why;
    while ((r = sp_csv_next(&c, &line, &col, &why)) == 1) {
        char l[512];
        size_t n = 0;
        n += (size_t)snprintf(l + n, sizeof l - n, "%d:", line);
        for (size_t i = 0; i < c.n_fields; i++)
            n += (size_t)snprintf(l + n, sizeof l - n, "%s%s", i ? "|" : "",
                                  c.fields[i]);
        strcat(out, l);
        strcat(out, "\n");
    }
    if (r < 0) {
        char l[256];
        snprintf(l, sizeof l, "ERR %d:%d %s\n", line, col, why);
        strcat(out, l);
    }
    sp_csv_release(&c);
    return out;
}

static void csv_quoting(void **state)
{
    (void)state;
    assert_string_equal(records("a,b,c\n", ','), "1:a|b|c\n");
    assert_string_equal(records("\"a,b\",\"say \"\"hi\"\"\",\n", ','),
                        "1:a,b|say \"hi\"|\n");
    /* a line end inside quotes; the next record's line number follows */
    assert_string_equal(records("\"x\ny\",z\nq,r", ','), "1:x\ny|z\n3:q|r\n");
    /* CRLF ends records; a CR inside a field stays */
    assert_string_equal(records("a,b\r\nc,d\r\n", ','), "1:a|b\n2:c|d\n");
    assert_string_equal(records("a\rb,c\n", ','), "1:a\rb|c\n");
    /* empty fields, an empty line, a bare quote inside an unquoted field */
    assert_string_equal(records(",,\n\nx\"y,1\n", ','), "1:||\n2:\n3:x\"y|1\n");
    assert_string_equal(records("a\tb,c\n", '\t'), "1:a|b,c\n");
}

static void csv_errors(void **state)
{
    (void)state;
    assert_string_equal(records("a,b\nc,\"open\n", ','),
                        "1:a|b\nERR 2:3 a quoted field is not closed\n");
    assert_string_equal(records("\"ab\"c,d\n", ','),
                        "ERR 1:5 text after a closing quote (a quote inside "
                        "a quoted field is written twice: \"\")\n");
}

static sp_import_format detect(const char *s)
{
    return sp_import_detect((const unsigned char *)s, strlen(s));
}

static void detection(void **state)
{
    (void)state;
    assert_int_equal(detect("question,answer\n"), SP_IMPORT_CSV);
    assert_int_equal(detect("\xef\xbb\xbfq;a;b\n"), SP_IMPORT_CSV);
    assert_int_equal(detect("q\ta\n"), SP_IMPORT_TSV);
    assert_int_equal(detect("\"a,b\"\tc\n"), SP_IMPORT_TSV);
    assert_int_equal(detect("#separator:tab\n"), SP_IMPORT_ANKI_TEXT);
    assert_int_equal(detect("  <?xml version='1.0'?>"), SP_IMPORT_XML);
    assert_int_equal(detect("PK\x03\x04rest"), SP_IMPORT_APKG);
    assert_int_equal(sp_import_detect((const unsigned char *)
                                          "SQLite format 3\0xx", 18),
                     SP_IMPORT_ANKI_DB);
    assert_int_equal(detect("just one line of words\n"), SP_IMPORT_UNKNOWN);
    assert_int_equal(detect(""), SP_IMPORT_UNKNOWN);
    assert_int_equal(sp_import_detect((const unsigned char *)"a,b\0c", 5),
                     SP_IMPORT_UNKNOWN);
}

/* Converts HTML; returns blocks "||" inline "||" cue "||" followup. */
static char *convert(const char *html, int is_html, sp_diags *d)
{
    static char out[4096];
    sp_field f;
    memset(&f, 0, sizeof f);
    sp_drops drops;
    memset(&drops, 0, sizeof drops);
    sp_field_opts o = {NULL, NULL, NULL};
    assert_int_equal(sp_field_convert(html, is_html, &o, &f, &drops, "t", 1,
                                      d), 0);
    snprintf(out, sizeof out, "%s||%s||%s||%s", f.blocks.p ? f.blocks.p : "",
             f.inl.p ? f.inl.p : "", f.cue.p ? f.cue.p : "",
             f.followup.p ? f.followup.p : "");
    sp_field_release(&f);
    return out;
}

static void html_markup(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    assert_string_equal(convert("<b>bold</b> and <i>it</i>&nbsp;<u>u</u>", 1, d),
                        "<p><strong>bold</strong> and <em>it</em>\xc2\xa0<em>u</em></p>"
                        "||<strong>bold</strong> and <em>it</em>\xc2\xa0<em>u</em>||||");
    assert_string_equal(convert("<div>one</div><div>two<br>three</div>", 1, d),
                        "<p>one</p><p>two</p><p>three</p>||one two three||||");
    assert_string_equal(convert("x<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", 1, d),
                        "<p>x</p><ul><li>a</li><li>b</li><li>c</li></ul>||x a b c||||");
    /* code holds plain text only; a block inside bold keeps the style */
    assert_string_equal(convert("<code>a<b>b</b></code>", 1, d),
                        "<p><code>ab</code></p>||<code>ab</code>||||");
    assert_string_equal(convert("<b>x<div>y</div></b>", 1, d),
                        "<p><strong>x</strong></p><p><strong>y</strong></p>||"
                        "<strong>x</strong> <strong>y</strong>||||");
    assert_string_equal(convert("<pre>a &lt; b\n  c</pre>", 1, d),
                        "<pre>a &lt; b\n  c</pre>||<code>a &lt; b   c</code>||||");
    assert_string_equal(convert("<div class=\"sp-cue\">Asked</div>Q<div class=\"sp-followup\">F1</div>"
                                "<div class=\"sp-followup\">F2</div>", 1, d),
                        "<p>Q</p>||Q||Asked||F1\nF2");
    assert_string_equal(convert("<script>x()</script><table><tr><td>a</td><td>b</td></tr></table>", 1, d),
                        "<p>a b</p>||a b||||");
    /* the nested list, the script and the table: one warning each */
    assert_int_equal(sp_diags_warnings(d), 3);
    assert_string_equal(convert("<blink>x</blink><blink>y</blink>", 1, d),
                        "<p>xy</p>||xy||||");
    assert_int_equal(sp_diags_warnings(d), 4);
    sp_diags_free(d);
}

static void plain_text(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    assert_string_equal(convert("First line\nsame paragraph\n\n- a\n- b\n1. c\n2. d\nafter <x> & y", 0, d),
                        "<p>First line same paragraph</p><ul><li>a</li><li>b</li></ul>"
                        "<ol><li>c</li><li>d</li></ol><p>after &lt;x&gt; &amp; y</p>||"
                        "First line same paragraph a b c d after &lt;x&gt; &amp; y||||");
    assert_int_equal(sp_diags_count(d), 0);
    sp_diags_free(d);
}

static void escaping(void **state)
{
    (void)state;
    sp_buf b = {0};
    sp_xml_escape(&b, "a<b>&\"\x01\t\xff\xef\xbf\xbe", 13);
    assert_string_equal(b.p, "a&lt;b&gt;&amp;&quot; ");
    sp_buf_release(&b);
    assert_int_equal(sp_import_visible(" \t\x01", 3, NULL), 0);
    assert_int_equal(sp_import_visible(" x", 2, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_quoting), cmocka_unit_test(csv_errors),
        cmocka_unit_test(detection),   cmocka_unit_test(html_markup),
        cmocka_unit_test(plain_text),  cmocka_unit_test(escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
