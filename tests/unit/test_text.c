/* test_text.c - UTF-8, line breaking, lists, code blocks, fitting, and
 * golden dumps of laid-out text (tests/golden/text, UPDATE_GOLDEN=1 to
 * rewrite). */
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

#include "dump.h"
#include "fonts.h"
#include "text.h"

#define EPS 1e-6

static char root[4096];
static sp_fonts *fonts;
static sp_diags *diags;

#define palloc sp_test_alloc
#define pstrndup sp_test_strndup

static int teardown(void **state)
{
    (void)state;
    sp_test_pool_free();
    return 0;
}

#define mk sp_test_markup

static sp_para_opts opts(void)
{
    sp_para_opts o;
    memset(&o, 0, sizeof o);
    o.block_gap = 0.5;
    o.item_gap = 0.15;
    return o;
}

/* Line I as text: runs joined, with a '|' between runs when BARS. */
static char *line_text(const sp_lines *l, size_t i, int bars)
{
    static char buf[4096];
    size_t n = 0;
    const sp_line *ln = &l->lines[i];
    for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
        if (bars && r > ln->first_run)
            buf[n++] = '|';
        memcpy(buf + n, l->runs[r].text, l->runs[r].len);
        n += l->runs[r].len;
    }
    buf[n] = '\0';
    return buf;
}

/* Every run of every line ends inside WIDTH. */
static void assert_inside(const sp_lines *l, double width)
{
    for (size_t i = 0; i < l->n_runs; i++) {
        const sp_run *r = &l->runs[i];
        double w = 0;
        for (size_t g = 0; g < r->n_glyphs; g++)
            w += l->glyphs[r->first_glyph + g].adv;
        w *= r->size_pt / 1000;
        if (r->x_pt < -EPS || r->x_pt + w > width + EPS) {
            print_error("run '%.*s' spans %.3f..%.3f, box 0..%.3f\n",
                        (int)r->len, r->text, r->x_pt, r->x_pt + w, width);
            fail();
        }
        assert_true(fabs(w - r->width_pt) < 1e-6);
    }
}

static void break_text(const char *markup, double size, double width,
                       sp_flow **f, sp_lines *l)
{
    *f = sp_flow_new(fonts);
    assert_non_null(*f);
    sp_text t = mk(markup);
    sp_para_opts o = opts();
    assert_int_equal(sp_flow_text(*f, &t, &o), 0);
    sp_lines_init(l);
    assert_int_equal(sp_flow_break(*f, size, width, l), 0);
}

/* ---- golden files ---- */
#define check_golden(name, actual) sp_test_check_golden(root, name, actual)

/* ---- tests ---- */

static void utf8(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(sp_utf8_next("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(sp_utf8_next("\xc3\xa9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(sp_utf8_next("\xe2\x82\xac", 3, &cp), 3);
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(sp_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    /* invalid: one byte, U+FFFD */
    static const char *bad[] = {"\x80", "\xc0\x80", "\xed\xa0\x80",
                                "\xf4\x90\x80\x80", "\xe2\x82", "\xff",
                                "\xe2\x28\xa1", "\xf0\x80\x80\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sp_utf8_next(bad[i], strlen(bad[i]), &cp), 1);
        assert_int_equal(cp, 0xFFFD);
    }
    /* the length limit is respected */
    assert_int_equal(sp_utf8_next("\xe2\x82\xac", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
}

static void faces(void **state)
{
    (void)state;
    assert_int_equal(sp_style_face(0), SP_FACE_REGULAR);
    assert_int_equal(sp_style_face(SP_STYLE_BOLD), SP_FACE_BOLD);
    assert_int_equal(sp_style_face(SP_STYLE_ITALIC), SP_FACE_ITALIC);
    assert_int_equal(sp_style_face(SP_STYLE_BOLD | SP_STYLE_ITALIC),
                     SP_FACE_BOLD);
    assert_int_equal(sp_style_face(SP_STYLE_MONO | SP_STYLE_BOLD),
                     SP_FACE_MONO);
    /* U+2312 is only in DejaVu Sans Mono, U+01C4 not in it */
    assert_int_equal(sp_glyph_face(fonts, SP_FACE_REGULAR, 0x2312),
                     SP_FACE_MONO);
    assert_int_equal(sp_glyph_face(fonts, SP_FACE_MONO, 0x01C4),
                     SP_FACE_REGULAR);
    assert_int_equal(sp_glyph_face(fonts, SP_FACE_BOLD, 'a'), SP_FACE_BOLD);
    assert_int_equal(sp_glyph_face(fonts, SP_FACE_ITALIC, 0x1F600),
                     SP_FACE_ITALIC);
}

/* Greedy breaking at spaces: every line fits, no line could have taken
 * the next word, and the words come back in order. */
static void break_spaces(void **state)
{
    (void)state;
    const char *text = "The quick brown fox jumps over the lazy dog while "
                       "the five boxing wizards jump quickly and a wizard's "
                       "job is to vex chumps quickly in fog.";
    const double size = 10, width = 120;
    sp_flow *f;
    sp_lines l;
    break_text(text, size, width, &f, &l);
    assert_true(l.n_lines >= 4);
    assert_inside(&l, width);
    char joined[1024] = "";
    for (size_t i = 0; i < l.n_lines; i++) {
        char *s = line_text(&l, i, 0);
        assert_int_equal(l.lines[i].n_runs, 1);   /* one style: one run */
        assert_true(s[0] != ' ' && s[strlen(s) - 1] != ' ');
        if (i)
            strcat(joined, " ");
        strcat(joined, s);
        if (i + 1 < l.n_lines) {
            /* the next line's first word would not have fitted */
            char next[256];
            snprintf(next, sizeof next, "%s", line_text(&l, i + 1, 0));
            next[strcspn(next, " ")] = '\0';
            char cand[2048];
            snprintf(cand, sizeof cand, "%s %s", line_text(&l, i, 0), next);
            assert_true(sp_text_width_pt(fonts, SP_FACE_REGULAR, size, cand,
                                          strlen(cand)) > width);
        }
    }
    assert_string_equal(joined, text);
    /* lines are stacked: top < baseline < bottom, one after another */
    for (size_t i = 0; i < l.n_lines; i++) {
        const sp_line *ln = &l.lines[i];
        assert_true(ln->top_pt < ln->baseline_pt);
        assert_true(ln->baseline_pt < ln->bottom_pt);
        assert_true(fabs(ln->bottom_pt - ln->top_pt - 12.0) < EPS);
        if (i)
            assert_true(fabs(ln->top_pt - l.lines[i - 1].bottom_pt) < EPS);
    }
    assert_true(fabs(l.height_pt - 12.0 * (double)l.n_lines) < EPS);
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* A bold phrase broken across lines stays bold on both; runs split only
 * where the style changes. */
static void styled_runs(void **state)
{
    (void)state;
    sp_flow *f;
    sp_lines l;
    break_text("plain words then *a bold phrase that wraps over the line* "
               "and _italic_ with `code()` end", 9, 110, &f, &l);
    assert_inside(&l, 110);
    /* rebuild: plain text, and each run's face matches its markup */
    const char *plain = "plain words then a bold phrase that wraps over the "
                        "line and italic with code() end";
    size_t pos = 0;
    int saw_bold_lines = 0;
    for (size_t i = 0; i < l.n_lines; i++) {
        const sp_line *ln = &l.lines[i];
        int bold_here = 0;
        for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
            const sp_run *run = &l.runs[r];
            if (plain[pos] == ' ' && run->text[0] != ' ')
                pos++;   /* the space dropped at a line break */
            assert_memory_equal(plain + pos, run->text, run->len);
            size_t a = pos + (run->text[0] == ' '), b = pos + run->len;
            /* character ranges of each style in PLAIN */
            size_t bold_a = 17, bold_b = 55;
            size_t it_a = 60, it_b = 66, mono_a = 72, mono_b = 78;
            sp_face want = SP_FACE_REGULAR;
            if (a >= bold_a && a < bold_b)
                want = SP_FACE_BOLD;
            else if (a >= it_a && a < it_b)
                want = SP_FACE_ITALIC;
            else if (a >= mono_a && a < mono_b)
                want = SP_FACE_MONO;
            assert_int_equal(run->face, want);
            if (want == SP_FACE_BOLD) {
                bold_here = 1;
                /* a bold run never leaks into plain text (a trailing space
                 * may belong to it) */
                assert_true(b <= bold_b + 1);
            }
            pos = b;
        }
        saw_bold_lines += bold_here;
    }
    assert_int_equal(pos, strlen(plain));
    assert_true(saw_bold_lines >= 2);
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* A word wider than the line is broken between characters. */
static void long_word(void **state)
{
    (void)state;
    const char *w = "Pneumonoultramicroscopicsilicovolcanoconiosis";
    sp_flow *f;
    sp_lines l;
    break_text(w, 10, 50, &f, &l);
    assert_true(l.n_lines >= 4);
    assert_inside(&l, 50);
    char joined[256] = "";
    for (size_t i = 0; i < l.n_lines; i++) {
        assert_true(l.lines[i].n_runs >= 1);
        strcat(joined, line_text(&l, i, 0));
        /* each line is full: one more character would not fit */
        if (i + 1 < l.n_lines) {
            char cand[256];
            snprintf(cand, sizeof cand, "%s%c", line_text(&l, i, 0),
                     line_text(&l, i + 1, 0)[0]);
            assert_true(sp_text_width_pt(fonts, SP_FACE_REGULAR, 10, cand,
                                          strlen(cand)) > 50);
        }
    }
    assert_string_equal(joined, w);
    assert_false(l.overflow);
    sp_lines_release(&l);
    sp_flow_free(f);

    /* on a line with other words, the long word starts a new line */
    break_text("see Pneumonoultramicroscopicsilicovolcanoconiosis", 10, 80,
               &f, &l);
    assert_string_equal(line_text(&l, 0, 0), "see");
    assert_inside(&l, 80);
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* Multi-byte characters are never split, in words or in code. */
static void utf8_never_split(void **state)
{
    (void)state;
    const char *w = "\xc3\xa9\xc3\xa8\xe2\x82\xac\xc3\xa7\xc3\xa0\xe2\x80\x94"
                    "\xc3\xa9\xc3\xa8\xe2\x82\xac\xc3\xa7\xc3\xa0\xe2\x80\x94"
                    "\xc3\xa9\xc3\xa8\xe2\x82\xac\xc3\xa7\xc3\xa0\xe2\x80\x94";
    /* an em dash is 10 pt wide: narrower boxes cannot hold it */
    for (double width = 10.5; width <= 40; width += 3) {
        sp_flow *f;
        sp_lines l;
        break_text(w, 10, width, &f, &l);
        assert_inside(&l, width);
        char joined[256] = "";
        for (size_t r = 0; r < l.n_runs; r++) {
            const sp_run *run = &l.runs[r];
            size_t i = 0;
            while (i < run->len) {
                uint32_t cp;
                size_t n = sp_utf8_next(run->text + i, run->len - i, &cp);
                assert_int_not_equal(cp, 0xFFFD);
                i += n;
            }
            strncat(joined, run->text, run->len);
        }
        assert_string_equal(joined, w);
        assert_false(l.overflow);
        sp_lines_release(&l);
        sp_flow_free(f);
    }
    /* narrower than a glyph: each character alone on a line, flagged */
    sp_flow *f;
    sp_lines l;
    break_text(w, 10, 8, &f, &l);
    assert_true(l.overflow);
    assert_int_equal(l.n_lines, 18);
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* Breaks after an inner hyphen or slash, never after a leading one. */
static void hyphen_breaks(void **state)
{
    (void)state;
    sp_flow *f;
    sp_lines l;
    double w = sp_text_width_pt(fonts, SP_FACE_REGULAR, 10, "state-of-", 9);
    break_text("state-of-the-art", 10, w + 0.5, &f, &l);
    assert_string_equal(line_text(&l, 0, 0), "state-of-");
    assert_string_equal(line_text(&l, 1, 0), "the-art");
    /* the runs stay one text item per line */
    assert_int_equal(l.lines[0].n_runs, 1);
    sp_lines_release(&l);
    sp_flow_free(f);

    w = sp_text_width_pt(fonts, SP_FACE_REGULAR, 10, "--", 2);
    break_text("--verbose", 10, w + 0.5, &f, &l);
    /* no break after the leading dashes: split by characters instead */
    assert_string_equal(line_text(&l, 0, 0), "--");
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* Bullet and numbered lists: label left of the text, wrapped lines
 * aligned with the text (hanging indent), numbers right-aligned. */
static void lists(void **state)
{
    (void)state;
    sp_text items[12];
    for (int i = 0; i < 12; i++)
        items[i] = mk(i % 3 == 0 ? "an item long enough to wrap onto a "
                                   "second line of the box"
                                 : "short");
    for (int numbered = 0; numbered <= 1; numbered++) {
        sp_flow *f = sp_flow_new(fonts);
        sp_para_opts o = opts();
        assert_int_equal(sp_flow_list(f, items, 12, numbered, &o), 0);
        sp_lines l;
        sp_lines_init(&l);
        assert_int_equal(sp_flow_break(f, 10, 150, &l), 0);
        assert_inside(&l, 150);
        double text_x = -1, label_right = -1;
        int item = 0;
        for (size_t i = 0; i < l.n_lines; i++) {
            const sp_line *ln = &l.lines[i];
            const sp_run *first = &l.runs[ln->first_run];
            if (ln->split == SP_SPLIT_BLOCK) {
                /* an item's first line: label, then text */
                char want[16];
                snprintf(want, sizeof want, "%d.", item + 1);
                assert_true(ln->n_runs >= 2);
                if (numbered) {
                    assert_int_equal(first->len, strlen(want));
                    assert_memory_equal(first->text, want, first->len);
                    double right = first->x_pt + first->width_pt;
                    if (label_right < 0)
                        label_right = right;
                    assert_true(fabs(right - label_right) < EPS);
                } else {
                    assert_int_equal(first->len, 3);
                    assert_memory_equal(first->text, "\xe2\x80\xa2", 3);
                }
                const sp_run *t = &l.runs[ln->first_run + 1];
                assert_true(t->x_pt > first->x_pt + first->width_pt);
                if (text_x < 0)
                    text_x = t->x_pt;
                assert_true(fabs(t->x_pt - text_x) < EPS);
                item++;
            } else {
                /* hanging indent */
                assert_int_equal(ln->split, SP_SPLIT_LINE);
                assert_true(fabs(first->x_pt - text_x) < EPS);
            }
        }
        assert_int_equal(item, 12);
        assert_true(l.n_lines > 12);
        sp_lines_release(&l);
        sp_flow_free(f);
    }
}

/* Code keeps its white space (tabs to 4 columns); long lines wrap by
 * characters behind a continuation marker. */
static void pre_blocks(void **state)
{
    (void)state;
    sp_span sp = {SP_STYLE_MONO, "\n\tif (x)  {\n\t\treturn   1;\n\n\t}\n"};
    sp_block b = {SP_BLOCK_PRE, {&sp, 1}, NULL, 0, {"t.xml", 1}, NULL};
    sp_blocks bl = {&b, 1};
    sp_flow *f = sp_flow_new(fonts);
    sp_para_opts o = opts();
    assert_int_equal(sp_flow_blocks(f, &bl, &o), 0);
    sp_lines l;
    sp_lines_init(&l);
    assert_int_equal(sp_flow_break(f, 10, 300, &l), 0);
    assert_int_equal(l.n_lines, 4);
    assert_string_equal(line_text(&l, 0, 0), "    if (x)  {");
    assert_string_equal(line_text(&l, 1, 0), "        return   1;");
    assert_int_equal(l.lines[2].n_runs, 0);      /* the blank line stays */
    assert_string_equal(line_text(&l, 3, 0), "    }");
    for (size_t r = 0; r < l.n_runs; r++)
        assert_int_equal(l.runs[r].face, SP_FACE_MONO);
    sp_lines_release(&l);
    sp_flow_free(f);

    /* wrapping: 10 pt mono is 6.02 pt a column; 60 pt holds 9 */
    const char *code = "result = compute(alpha, beta, gamma) + 1";
    sp_span sp2 = {SP_STYLE_MONO, (char *)code};
    sp_block b2 = {SP_BLOCK_PRE, {&sp2, 1}, NULL, 0, {"t.xml", 1}, NULL};
    sp_blocks bl2 = {&b2, 1};
    f = sp_flow_new(fonts);
    assert_int_equal(sp_flow_blocks(f, &bl2, &o), 0);
    sp_lines_init(&l);
    assert_int_equal(sp_flow_break(f, 10, 60, &l), 0);
    assert_inside(&l, 60);
    assert_true(l.n_lines >= 5);
    assert_string_equal(line_text(&l, 0, 0), "result = ");
    char joined[256];
    snprintf(joined, sizeof joined, "%s", line_text(&l, 0, 0));
    for (size_t i = 1; i < l.n_lines; i++) {
        const sp_line *ln = &l.lines[i];
        const sp_run *m = &l.runs[ln->first_run];
        assert_int_equal(m->len, 3);
        assert_memory_equal(m->text, "\xe2\x86\xaa", 3);
        assert_true(ln->n_runs == 2);
        const sp_run *t = &l.runs[ln->first_run + 1];
        assert_true(t->x_pt >= m->x_pt + m->width_pt - EPS);
        strncat(joined, t->text, t->len);
    }
    assert_string_equal(joined, code);
    sp_lines_release(&l);
    sp_flow_free(f);
}

static sp_blocks sample_blocks(void)
{
    sp_block *b = palloc(4 * sizeof *b);
    b[0].kind = SP_BLOCK_P;
    b[0].text = mk("Use a *token bucket* per client; refill at the `rate` "
                   "and reject with _429_ when empty.");
    b[1].kind = SP_BLOCK_UL;
    b[1].items = palloc(3 * sizeof(sp_text));
    b[1].items[0] = mk("Redis with an atomic script");
    b[1].items[1] = mk("local buckets with periodic sync, which trades "
                       "accuracy for latency");
    b[1].items[2] = mk("`Retry-After` header");
    b[1].n_items = 3;
    b[2].kind = SP_BLOCK_OL;
    b[2].items = palloc(2 * sizeof(sp_text));
    b[2].items[0] = mk("measure");
    b[2].items[1] = mk("then decide");
    b[2].n_items = 2;
    b[3].kind = SP_BLOCK_PRE;
    b[3].text = mk("`if tokens > 0:\n\ttokens -= 1\nelse:\n\treject()`");
    sp_blocks bl = {b, 4};
    return bl;
}

/* The height measured without drawing equals the drawn height, and what
 * is drawn stays inside the box (font ascent and descent included). */
static void measure_equals_emit(void **state)
{
    (void)state;
    sp_blocks bl = sample_blocks();
    for (double size = 6.5; size <= 12; size += 0.5) {
        double h = sp_blocks_height_pt(fonts, &bl, size, 180);
        assert_true(h > 0);
        sp_dlist dl;
        sp_dlist_init(&dl, 300, 400);
        double h2 = sp_blocks_emit(fonts, &bl, size, 180, &dl, 10, 20);
        assert_true(fabs(h - h2) < EPS);
        double lo = 1e9, hi = -1e9;
        for (size_t i = 0; i < dl.n_items; i++) {
            const sp_dl_item *it = &dl.items[i];
            assert_int_equal(it->kind, SP_DL_TEXT);
            double a = sp_fonts_ascent(fonts, it->face) * it->size_pt / 1000;
            double d = sp_fonts_descent(fonts, it->face) * it->size_pt / 1000;
            double w = sp_test_item_width(fonts, it);
            assert_true(it->x_pt >= 10 - EPS);
            assert_true(it->x_pt + w <= 190 + EPS);
            lo = fmin(lo, it->y_pt - a);
            hi = fmax(hi, it->y_pt + d);
        }
        assert_true(lo >= 20 - EPS);
        assert_true(hi <= 20 + h + EPS);
        /* the last line's descent reaches the bottom within the leading */
        assert_true(hi > 20 + h - 0.2 * size);
        sp_dlist_release(&dl);
    }
}

/* Fitting finds the largest size that fits, heights never grow as sizes
 * shrink, and "none fits" leaves the smallest layout. */
static void fitting(void **state)
{
    (void)state;
    sp_blocks bl = sample_blocks();
    sp_flow *f = sp_flow_new(fonts);
    sp_para_opts o = opts();
    assert_int_equal(sp_flow_blocks(f, &bl, &o), 0);
    double sizes[15];
    for (int i = 0; i < 15; i++)
        sizes[i] = 16 - 0.5 * i;
    sp_lines l;
    sp_lines_init(&l);
    double prev = 1e9;
    double heights[15];
    for (int i = 0; i < 15; i++) {
        assert_int_equal(sp_flow_break(f, sizes[i], 200, &l), 0);
        heights[i] = l.height_pt;
        assert_true(l.height_pt <= prev + EPS);
        prev = l.height_pt;
    }
    for (double box = 50; box <= 500; box += 17) {
        int k = sp_flow_fit(f, sizes, 15, 200, box, &l);
        int want = 15;
        for (int i = 0; i < 15 && want == 15; i++)
            if (heights[i] <= box)
                want = i;
        assert_int_equal(k, want);
        assert_true(fabs(l.base_pt - sizes[want < 15 ? want : 14]) < EPS);
        assert_true(fabs(l.height_pt - heights[want < 15 ? want : 14])
                    < EPS);
    }
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* Split hints: block starts, line continuations, keep-with-next. */
static void split_hints(void **state)
{
    (void)state;
    sp_flow *f = sp_flow_new(fonts);
    sp_para_opts o = opts();
    sp_text a = mk("first paragraph that is long enough to wrap at least "
                   "once in the box");
    sp_text h = mk("Heading");
    sp_text b = mk("second paragraph");
    assert_int_equal(sp_flow_text(f, &a, &o), 0);
    o.keep_with_next = 1;
    assert_int_equal(sp_flow_text(f, &h, &o), 0);
    o.keep_with_next = 0;
    o.gap_before = 1;
    assert_int_equal(sp_flow_text(f, &b, &o), 0);
    sp_lines l;
    sp_lines_init(&l);
    assert_int_equal(sp_flow_break(f, 10, 120, &l), 0);
    size_t n = l.n_lines;
    assert_true(n >= 4);
    assert_int_equal(l.lines[0].split, SP_SPLIT_BLOCK);
    assert_int_equal(l.lines[1].split, SP_SPLIT_LINE);
    assert_int_equal(l.lines[n - 2].split, SP_SPLIT_BLOCK);   /* Heading */
    assert_int_equal(l.lines[n - 1].split, SP_SPLIT_NEVER);
    /* the gap above the last paragraph: 1 x 10 pt */
    assert_true(fabs(l.lines[n - 1].top_pt - l.lines[n - 2].bottom_pt - 10)
                < EPS);
    /* a range set alone drops the gap above its first line */
    assert_true(fabs(sp_lines_range_height_pt(&l, n - 1, n) - 12) < EPS);
    assert_true(fabs(sp_lines_range_height_pt(&l, 0, n) - l.height_pt)
                < EPS);
    sp_lines_release(&l);
    sp_flow_free(f);
}

static void centred(void **state)
{
    (void)state;
    sp_flow *f = sp_flow_new(fonts);
    sp_para_opts o = opts();
    o.align = SP_ALIGN_CENTER;
    sp_text t = mk("centred");
    assert_int_equal(sp_flow_text(f, &t, &o), 0);
    sp_lines l;
    sp_lines_init(&l);
    assert_int_equal(sp_flow_break(f, 10, 100, &l), 0);
    double w = sp_text_width_pt(fonts, SP_FACE_REGULAR, 10, "centred", 7);
    assert_true(fabs(l.runs[0].x_pt - (100 - w) / 2) < EPS);
    o.align = SP_ALIGN_RIGHT;
    sp_flow_clear(f);
    assert_true(sp_flow_empty(f));
    assert_int_equal(sp_flow_text(f, &t, &o), 0);
    assert_int_equal(sp_flow_break(f, 10, 100, &l), 0);
    assert_true(fabs(l.runs[0].x_pt + w - 100) < EPS);
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* A character the asked face lacks is drawn in a face that has it. */
static void fallback(void **state)
{
    (void)state;
    sp_flow *f;
    sp_lines l;
    break_text("arc \xe2\x8c\x92 here", 10, 200, &f, &l);   /* U+2312 */
    assert_int_equal(l.n_lines, 1);
    assert_string_equal(line_text(&l, 0, 1), "arc |\xe2\x8c\x92| here");
    assert_int_equal(l.runs[1].face, SP_FACE_MONO);
    sp_lines_release(&l);
    sp_flow_free(f);
}

/* Golden dumps: a paragraph, lists and code at two widths. */
/* Shaping, bidi and East Asian breaking through the fallback chain of
 * tests/fonts-scripts (no system fonts, so the result depends only on
 * Debian's font packages). */
static sp_fonts *script_fonts(void)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/tests/fonts-scripts", root);
    sp_diags *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(dir, d);
    if (!f)
        sp_diags_print(d, stderr, 0);
    sp_diags_free(d);
    assert_non_null(f);
    sp_fonts_allow_system(f, 0);
    return f;
}

/* Lays TEXT out WIDTH wide at 10 pt (ALIGN) and appends its items with
 * every glyph to OUT. */
static void shaped_dump(sp_fonts *f, const char *title, const char *text,
                        double width, sp_align align, FILE *out)
{
    sp_flow *fl = sp_flow_new(f);
    sp_para_opts o = opts();
    o.align = align;
    assert_int_equal(sp_flow_plain(fl, text, &o), 0);
    sp_lines l;
    sp_lines_init(&l);
    assert_int_equal(sp_flow_break(fl, 10, width, &l), 0);
    sp_dlist dl;
    sp_dlist_init(&dl, width, 400);
    assert_int_equal(sp_lines_emit(&l, 0, l.n_lines, &dl, 0, 0), 0);
    fprintf(out, "== %s (width %.0f)\n", title, width);
    sp_dump_dlist_glyphs(&dl, out);
    sp_dlist_release(&dl);
    sp_lines_release(&l);
    sp_flow_free(fl);
}

/* The glyph of CP in slot S when no shaping applies. */
static uint32_t nominal_gid(sp_fonts *f, int s, uint32_t cp)
{
    size_t n;
    double w;
    char u[8];
    int k = 0;
    if (cp < 0x80) {
        u[k++] = (char)cp;
    } else if (cp < 0x800) {
        u[k++] = (char)(0xC0 | cp >> 6);
        u[k++] = (char)(0x80 | (cp & 0x3F));
    } else {
        u[k++] = (char)(0xE0 | cp >> 12);
        u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[k++] = (char)(0x80 | (cp & 0x3F));
    }
    const sp_glyph *g = sp_fonts_shape(f, s, u, (size_t)k, 0, &n, &w);
    return g && n == 1 ? g->gid : 0;
}

static void shaping(void **state)
{
    (void)state;
    sp_fonts *f = script_fonts();
    int reg = sp_fonts_slot(f, SP_FACE_REGULAR);
    size_t n;
    double w;
    /* kerning: "AV" and "To" are narrower shaped than their advances */
    const sp_glyph *g = sp_fonts_shape(f, reg, "AV", 2, 0, &n, &w);
    assert_int_equal(n, 2);
    assert_true(w < sp_fonts_advance(f, SP_FACE_REGULAR, 'A')
                        + sp_fonts_advance(f, SP_FACE_REGULAR, 'V') - 20);
    g = sp_fonts_shape(f, reg, "To", 2, 0, &n, &w);
    assert_true(w < sp_fonts_advance(f, SP_FACE_REGULAR, 'T')
                        + sp_fonts_advance(f, SP_FACE_REGULAR, 'o') - 20);
    /* Arabic joining: the three letters of "بيت" take their initial,
     * medial and final forms, not the isolated ones */
    g = sp_fonts_shape(f, reg, "\xd8\xa8\xd9\x8a\xd8\xaa", 6, 1, &n, &w);
    assert_int_equal(n, 3);
    assert_true(g[2].gid != nominal_gid(f, reg, 0x0628));   /* visual: */
    assert_true(g[1].gid != nominal_gid(f, reg, 0x064A));   /* right */
    assert_true(g[0].gid != nominal_gid(f, reg, 0x062A));   /* to left */
    /* Devanagari: in "कि" the vowel sign I is drawn before KA */
    int dev = sp_fonts_pick(f, SP_FACE_REGULAR, 0x0915);
    assert_true(dev >= 0 && dev != reg);
    g = sp_fonts_shape(f, dev, "\xe0\xa4\x95\xe0\xa4\xbf", 6, 0, &n, &w);
    assert_int_equal(n, 2);
    assert_int_equal(g[1].gid, nominal_gid(f, dev, 0x0915));

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    shaped_dump(f, "kerning", "AVAST To Wave", 300, SP_ALIGN_LEFT, out);
    shaped_dump(f, "arabic joining",
                "\xd9\x85\xd8\xa7 \xd9\x87\xd9\x88 \xd9\x85\xd9\x88\xd8\xa7"
                "\xd8\xb2\xd9\x86 \xd8\xa7\xd9\x84\xd8\xa3\xd8\xad\xd9\x85"
                "\xd8\xa7\xd9\x84\xd8\x9f", 300, SP_ALIGN_LEFT, out);
    shaped_dump(f, "devanagari",
                "\xe0\xa4\xb8\xe0\xa4\x82\xe0\xa4\xb0\xe0\xa4\x9a\xe0\xa4\xbf"
                "\xe0\xa4\xa4 \xe0\xa4\x9c\xe0\xa4\xbe\xe0\xa4\xa8\xe0\xa4\x95"
                "\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa5\x80", 300, SP_ALIGN_LEFT, out);
    shaped_dump(f, "bidi: Hebrew inside English",
                "see \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa2\xd7\x95\xd7\x9c"
                "\xd7\x9d here", 300, SP_ALIGN_LEFT, out);
    shaped_dump(f, "bidi: English inside Hebrew, right aligned",
                "\xd7\xa9\xd7\x9b\xd7\x91\xd7\xaa HTTP 2 \xd7\x91\xd7\xaa"
                "\xd7\x95\xd7\x9b\xd7\x94", 300, SP_ALIGN_LEFT, out);
    shaped_dump(f, "cjk breaks",
                "\xe3\x83\x88\xe3\x83\xbc\xe3\x82\xaf\xe3\x83\xb3\xe3\x83\x90"
                "\xe3\x82\xb1\xe3\x83\x83\xe3\x83\x88\xe3\x81\xa7\xe3\x80\x81"
                "\xe4\xb8\x80\xe5\xae\x9a\xe3\x81\xae\xe9\x80\x9f\xe5\xba\xa6"
                "\xe3\x82\x92\xe8\xb6\x85\xe3\x81\x88\xe3\x82\x8b\xe3\x80\x82"
                "\xe6\x8b\x92\xe5\x90\xa6\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x99"
                "\xe3\x80\x82", 62, SP_ALIGN_LEFT, out);
    fclose(out);
    check_golden("text/shaping.dump", buf);
    /* no line of the CJK paragraph starts with U+3001 or U+3002 */
    const char *cjk = strstr(buf, "== cjk breaks");
    assert_non_null(cjk);
    assert_null(strstr(cjk, "\"\xe3\x80\x81"));
    assert_null(strstr(cjk, "\"\xe3\x80\x82"));
    free(buf);
    sp_fonts_free(f);
}

static void golden(void **state)
{
    (void)state;
    sp_blocks bl = sample_blocks();
    static const double widths[] = {180, 110};
    static const char *names[] = {"text/blocks-180.dump",
                                  "text/blocks-110.dump"};
    for (int i = 0; i < 2; i++) {
        sp_doc doc;
        sp_doc_init(&doc);
        sp_dlist *pg = sp_doc_add_page(&doc, widths[i] + 20, 400);
        assert_non_null(pg);
        assert_true(sp_blocks_emit(fonts, &bl, 9, widths[i], pg, 10, 10)
                    > 0);
        char *s = sp_dump_string(&doc, NULL);
        assert_non_null(s);
        check_golden(names[i], s);
        free(s);
        sp_doc_release(&doc);
    }
}

static int setup_all(void **state)
{
    (void)state;
    const char *r = getenv("SP_ROOT");
    snprintf(root, sizeof root, "%s", r ? r : ".");
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/fonts", root);
    diags = sp_diags_new();
    fonts = sp_fonts_open(dir, diags);
    if (!fonts)
        sp_diags_print(diags, stderr, 0);
    return fonts ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    sp_fonts_free(fonts);
    sp_diags_free(diags);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(utf8, teardown),
        cmocka_unit_test_teardown(faces, teardown),
        cmocka_unit_test_teardown(break_spaces, teardown),
        cmocka_unit_test_teardown(styled_runs, teardown),
        cmocka_unit_test_teardown(long_word, teardown),
        cmocka_unit_test_teardown(utf8_never_split, teardown),
        cmocka_unit_test_teardown(hyphen_breaks, teardown),
        cmocka_unit_test_teardown(lists, teardown),
        cmocka_unit_test_teardown(pre_blocks, teardown),
        cmocka_unit_test_teardown(measure_equals_emit, teardown),
        cmocka_unit_test_teardown(fitting, teardown),
        cmocka_unit_test_teardown(split_hints, teardown),
        cmocka_unit_test_teardown(centred, teardown),
        cmocka_unit_test_teardown(fallback, teardown),
        cmocka_unit_test_teardown(golden, teardown),
        cmocka_unit_test_teardown(shaping, teardown),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
