/* test_datefmt.c - dates in seven languages through ICU (CLDR): every day
 * of a year per language, the examples the booklet prints, and a golden
 * file of the year 2026 in the booklet's styles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datefmt.h"
#include "schedule.h"
#include "testutil.h"

static const char *const langs[] = {"en", "de", "fr", "es", "sv", "ja",
                                    "zh_CN"};
#define N_LANGS (sizeof langs / sizeof langs[0])
static char root[4096] = ".";

static sp_date D(int y, int m, int d)
{
    sp_date x = {y, m, d};
    return x;
}

/* The exact wording the booklet prints for Thursday 2026-12-17. */
static void examples(void **state)
{
    (void)state;
    static const struct {
        const char *lang;
        sp_date_style st;
        const char *want;
    } ex[] = {
        {"en", SP_DATE_LONG, "Thursday, December 17, 2026"},
        {"en", SP_DATE_MEDIUM, "Thu, Dec 17, 2026"},
        {"en", SP_DATE_DAY, "Thu, Dec 17"},
        {"en", SP_DATE_SHORT, "Dec 17"},
        {"en", SP_DATE_ISO_WEEKDAY, "Thu 2026-12-17"},
        {"de", SP_DATE_LONG, "Donnerstag, 17. Dezember 2026"},
        {"de", SP_DATE_MEDIUM, "Do., 17. Dez. 2026"},
        {"de", SP_DATE_SHORT, "17. Dez."},
        {"fr", SP_DATE_LONG, "jeudi 17 décembre 2026"},
        {"fr", SP_DATE_DAY, "jeu. 17 déc."},
        {"es", SP_DATE_LONG, "jueves, 17 de diciembre de 2026"},
        {"sv", SP_DATE_LONG, "torsdag 17 december 2026"},
        {"ja", SP_DATE_MEDIUM, "2026年12月17日(木)"},
        {"ja", SP_DATE_LONG, "2026年12月17日木曜日"},
        {"zh_CN", SP_DATE_MEDIUM, "2026年12月17日周四"},
        {"zh-CN", SP_DATE_LONG, "2026年12月17日星期四"},
        {"de-AT", SP_DATE_LONG, "Donnerstag, 17. Dezember 2026"},
        /* proleptic Gregorian: no Julian calendar before 1582 */
        {"en", SP_DATE_ISO_WEEKDAY, NULL},
    };
    char b[SP_DATEFMT_BUF];
    for (size_t i = 0; ex[i].want; i++) {
        sp_datefmt *f = sp_datefmt_new(ex[i].lang);
        assert_non_null(f);
        assert_string_equal(sp_datefmt_format(f, ex[i].st, D(2026, 12, 17), b,
                                              sizeof b),
                            ex[i].want);
        sp_datefmt_free(f);
    }
    sp_datefmt *f = sp_datefmt_new("en");
    assert_non_null(f);
    assert_string_equal(sp_datefmt_format(f, SP_DATE_ISO_WEEKDAY,
                                          D(1, 1, 1), b, sizeof b),
                        "Mon 0001-01-01");
    assert_string_equal(sp_datefmt_format(f, SP_DATE_ISO_WEEKDAY,
                                          D(1582, 10, 4), b, sizeof b),
                        "Mon 1582-10-04");
    assert_string_equal(sp_datefmt_format(f, SP_DATE_ISO_WEEKDAY,
                                          D(9999, 12, 31), b, sizeof b),
                        "Fri 9999-12-31");
    /* a buffer too small for the date: the ISO date, cut */
    char tiny[8];
    assert_string_equal(sp_datefmt_format(f, SP_DATE_LONG, D(2026, 12, 17),
                                          tiny, sizeof tiny), "2026-12");
    sp_datefmt_free(f);
}

/* Every day of 2026 and 2028 (a leap year) in every language: the
 * weekday-and-ISO style carries exactly our calendar date (so the day
 * count to ICU's calendar is right every day), the weekday names repeat
 * every 7 days and are 7 distinct ones, the long form holds the day
 * number, and there are 12 distinct month names in the short form. */
static void whole_years(void **state)
{
    (void)state;
    for (size_t li = 0; li < N_LANGS; li++) {
        sp_datefmt *f = sp_datefmt_new(langs[li]);
        assert_non_null(f);
        for (int year = 2026; year <= 2028; year += 2) {
            sp_date d0 = D(year, 1, 1);
            int days = year == 2028 ? 366 : 365;
            char wd[7][SP_DATEFMT_BUF];
            char months[12][SP_DATEFMT_BUF];
            int n_months = 0, last_month = 0;
            for (int k = 0; k < days; k++) {
                sp_date d = sp_date_add_days(d0, k);
                char b[SP_DATEFMT_BUF], iso[SP_DATE_BUF];
                sp_date_iso(d, iso, sizeof iso);
                sp_datefmt_format(f, SP_DATE_ISO_WEEKDAY, d, b, sizeof b);
                size_t bl = strlen(b);
                assert_true(bl > 11);
                assert_string_equal(b + bl - 10, iso);
                assert_true(b[bl - 11] == ' ');
                b[bl - 11] = '\0';
                int w = sp_date_weekday(d);
                if (k < 7) {
                    snprintf(wd[w], sizeof wd[w], "%s", b);
                    for (int j = 0; j < k; j++)
                        assert_string_not_equal(wd[sp_date_weekday(
                                                    sp_date_add_days(d0, j))],
                                                b);
                } else {
                    assert_string_equal(wd[w], b);
                }
                /* the long form: the day number and the year appear */
                char lf[SP_DATEFMT_BUF], num[16];
                sp_datefmt_format(f, SP_DATE_LONG, d, lf, sizeof lf);
                snprintf(num, sizeof num, "%d", d.day);
                assert_non_null(strstr(lf, num));
                snprintf(num, sizeof num, "%d", d.year);
                assert_non_null(strstr(lf, num));
                /* the short form changes its month name with the month */
                char sf[SP_DATEFMT_BUF];
                sp_datefmt_format(f, SP_DATE_SHORT, d, sf, sizeof sf);
                assert_true(strcmp(sf, iso) != 0);    /* not the fallback */
                if (d.month != last_month && d.day == 15) {
                    snprintf(months[n_months++], sizeof months[0], "%s", sf);
                    last_month = d.month;
                }
            }
            assert_int_equal(n_months, 12);
            for (int a = 0; a < 12; a++)
                for (int z = a + 1; z < 12; z++)
                    assert_string_not_equal(months[a], months[z]);
        }
        sp_datefmt_free(f);
    }
}

/* tests/golden/dates/LANG.txt: the year 2026 in the booklet's styles. */
static void golden_year(void **state)
{
    (void)state;
    const char *env = getenv("SP_ROOT");
    if (env)
        snprintf(root, sizeof root, "%s", env);
    for (size_t li = 0; li < N_LANGS; li++) {
        sp_datefmt *f = sp_datefmt_new(langs[li]);
        assert_non_null(f);
        size_t cap = 366 * 4 * SP_DATEFMT_BUF, n = 0;
        char *out = malloc(cap);
        assert_non_null(out);
        out[0] = '\0';
        for (int k = 0; k < 365; k++) {
            sp_date d = sp_date_add_days(D(2026, 1, 1), k);
            char a[SP_DATEFMT_BUF], b[SP_DATEFMT_BUF], c[SP_DATEFMT_BUF],
                iso[SP_DATE_BUF];
            n += (size_t)snprintf(out + n, cap - n, "%s | %s | %s | %s\n",
                                  sp_date_iso(d, iso, sizeof iso),
                                  sp_datefmt_format(f, SP_DATE_LONG, d, a,
                                                    sizeof a),
                                  sp_datefmt_format(f, SP_DATE_DAY, d, b,
                                                    sizeof b),
                                  sp_datefmt_format(f, SP_DATE_SHORT, d, c,
                                                    sizeof c));
        }
        char name[64];
        snprintf(name, sizeof name, "dates/%s.txt", langs[li]);
        sp_test_check_golden(root, name, out);
        free(out);
        sp_datefmt_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(examples),
        cmocka_unit_test(whole_years),
        cmocka_unit_test(golden_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
