/* test_linebreak.c - total-fit line breaking, in numbers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "linebreak.h"

/* First fit, as the greedy breaker sets lines: breaks before box i when it
 * does not fit after the boxes already on the line. */
static long greedy(const double *w, const double *g, size_t n, double avail,
                   unsigned char *bb)
{
    long lines = 0;
    double x = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || x + g[i] + w[i] > avail) {
            bb[i] = 1;
            lines++;
            x = w[i];
        } else {
            bb[i] = 0;
            x += g[i] + w[i];
        }
    }
    return lines;
}

/* Checks every line fits; returns the sum of squared slack over every
 * line but the last. */
static double badness(const double *w, const double *g, size_t n,
                      double avail, const unsigned char *bb)
{
    double sum = 0, x = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (i > 0 && bb[i])) {
            assert_true(x <= avail + 1e-9);
            if (i < n)
                sum += (avail - x) * (avail - x);
            else if (x < SP_LINEBREAK_STUB * avail)
                sum += (SP_LINEBREAK_STUB * avail - x)
                       * (SP_LINEBREAK_STUB * avail - x);
            x = i < n ? w[i] : 0;
        } else {
            x += (i > 0 ? g[i] : 0) + w[i];
        }
    }
    return sum;
}

static void even_lines(void **state)
{
    (void)state;
    /* "aaa bb cc ddddd" on 6: greedy "aaa bb|cc|ddddd", total fit
     * "aaa|bb cc|ddddd" (slack 3 and 1 instead of 0 and 4) */
    const double w[] = {3, 2, 2, 5}, g[] = {0, 1, 1, 1};
    unsigned char bb[4];
    sp_linebreak ws = {0};
    assert_int_equal(sp_linebreak_total_fit(w, g, 4, 6, bb, &ws), 3);
    const unsigned char want[] = {1, 1, 0, 1};
    assert_memory_equal(bb, want, 4);
    assert_true(fabs(badness(w, g, 4, 6, bb) - 10) < 1e-9);
    /* a box wider than the line: the caller breaks inside it */
    const double w2[] = {3, 7};
    assert_int_equal(sp_linebreak_total_fit(w2, g, 2, 6, bb, &ws), 0);
    sp_linebreak_release(&ws);
}

static uint32_t seed = 12345;
static double rnd(double lo, double hi)
{
    seed = seed * 1664525u + 1013904223u;
    return lo + (hi - lo) * (double)(seed >> 8) / (double)(1u << 24);
}

/* Over many random paragraphs: as few lines as greedy, every line fits,
 * never more raggedness than greedy. */
static void property(void **state)
{
    (void)state;
    enum { MAXN = 120 };
    double w[MAXN], g[MAXN];
    unsigned char bb[MAXN], gb[MAXN];
    sp_linebreak ws = {0};
    long better = 0;
    for (int round = 0; round < 3000; round++) {
        size_t n = 1 + (size_t)rnd(0, MAXN - 1);
        double avail = rnd(40, 300);
        for (size_t i = 0; i < n; i++) {
            w[i] = rnd(3, fmin(60, avail));
            g[i] = rnd(2, 4);
        }
        long lines = sp_linebreak_total_fit(w, g, n, avail, bb, &ws);
        long glines = greedy(w, g, n, avail, gb);
        assert_int_equal(lines, glines);
        assert_int_equal(bb[0], 1);
        double b = badness(w, g, n, avail, bb);
        double gbad = badness(w, g, n, avail, gb);
        assert_true(b <= gbad + 1e-6);
        better += b < gbad - 1e-6;
    }
    /* and it does make a difference */
    assert_true(better > 1000);
    sp_linebreak_release(&ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(even_lines),
        cmocka_unit_test(property),
    };
    return cmocka_run_group_tests_name("linebreak", tests, NULL, NULL);
}
