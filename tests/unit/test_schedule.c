/* test_schedule.c - dates, the study schedule and the plan text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "schedule.h"

/* ---- dates ---------------------------------------------------------- */

static sp_date D(int y, int m, int d)
{
    sp_date x = {y, m, d};
    return x;
}

static void assert_date(sp_date got, int y, int m, int d)
{
    if (got.year != y || got.month != m || got.day != d) {
        print_error("got %04d-%02d-%02d, want %04d-%02d-%02d\n", got.year,
                    got.month, got.day, y, m, d);
        fail();
    }
}

static void date_parse(void **state)
{
    (void)state;
    sp_date d;
    const char *why = NULL;
    assert_int_equal(sp_date_parse("2026-11-29", &d, &why), 0);
    assert_date(d, 2026, 11, 29);
    assert_int_equal(sp_date_parse("2028-02-29", &d, NULL), 0);
    assert_int_equal(sp_date_parse("2000-02-29", &d, NULL), 0);
    assert_int_equal(sp_date_parse("0001-01-01", &d, NULL), 0);
    assert_int_equal(sp_date_parse("9999-12-31", &d, NULL), 0);

    static const struct {
        const char *s, *why;
    } bad[] = {
        {"2026-02-29", "no such day in that month"},
        {"2100-02-29", "no such day in that month"},
        {"2026-04-31", "no such day in that month"},
        {"2026-01-00", "no such day in that month"},
        {"2026-13-01", "month out of range"},
        {"2026-00-10", "month out of range"},
        {"0000-01-01", "year out of range"},
        {"2026-1-5", "expected YYYY-MM-DD"},
        {"2026-01-5", "expected YYYY-MM-DD"},
        {"26-01-05", "expected YYYY-MM-DD"},
        {"2026/01/05", "expected YYYY-MM-DD"},
        {"2026-01-05 ", "expected YYYY-MM-DD"},
        {" 2026-01-05", "expected YYYY-MM-DD"},
        {"+026-01-05", "expected YYYY-MM-DD"},
        {"2026-0a-05", "expected YYYY-MM-DD"},
        {"", "expected YYYY-MM-DD"},
        {"20261105", "expected YYYY-MM-DD"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        if (sp_date_parse(bad[i].s, &d, &why) != -1) {
            print_error("accepted \"%s\"\n", bad[i].s);
            fail();
        }
        assert_non_null(why);
        assert_string_equal(why, bad[i].why);
    }
    assert_int_equal(sp_date_parse(NULL, &d, NULL), -1);
    assert_true(sp_date_valid(2024, 2, 29));
    assert_false(sp_date_valid(2023, 2, 29));
    assert_false(sp_date_valid(1900, 2, 29));
}

static void date_arith(void **state)
{
    (void)state;
    assert_date(sp_date_add_days(D(2026, 12, 31), 1), 2027, 1, 1);
    assert_date(sp_date_add_days(D(2027, 1, 1), -1), 2026, 12, 31);
    assert_date(sp_date_add_days(D(2028, 2, 28), 1), 2028, 2, 29);
    assert_date(sp_date_add_days(D(2028, 2, 29), 1), 2028, 3, 1);
    assert_date(sp_date_add_days(D(2026, 2, 28), 1), 2026, 3, 1);
    assert_date(sp_date_add_days(D(2100, 2, 28), 1), 2100, 3, 1);
    assert_date(sp_date_add_days(D(2026, 1, 31), 1), 2026, 2, 1);
    assert_date(sp_date_add_days(D(2026, 4, 30), 1), 2026, 5, 1);
    assert_date(sp_date_add_days(D(2026, 11, 29), 365), 2027, 11, 29);
    assert_date(sp_date_add_days(D(2027, 11, 29), 366), 2028, 11, 29);
    assert_date(sp_date_add_days(D(2026, 12, 24), -16), 2026, 12, 8);
    assert_int_equal(sp_date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(sp_date_to_days(D(2000, 3, 1)), 11017);
    assert_int_equal(sp_date_to_days(D(1969, 12, 31)), -1);
    /* every day from 1600 to 2400 round-trips and follows the last */
    long start = sp_date_to_days(D(1600, 1, 1));
    long end = sp_date_to_days(D(2400, 12, 31));
    sp_date prev = sp_date_from_days(start - 1);
    for (long z = start; z <= end; z++) {
        sp_date d = sp_date_from_days(z);
        assert_true(sp_date_valid(d.year, d.month, d.day));
        assert_int_equal(sp_date_to_days(d), z);
        int next_day = d.day == prev.day + 1 && d.month == prev.month
                       && d.year == prev.year;
        int next_month = d.day == 1 && (d.month == prev.month + 1
                                        || (d.month == 1 && prev.month == 12
                                            && d.year == prev.year + 1));
        assert_true(next_day || next_month);
        prev = d;
    }
}

static void date_weekday(void **state)
{
    (void)state;
    assert_int_equal(sp_date_weekday(D(2026, 11, 29)), 0);   /* Sunday */
    assert_int_equal(sp_date_weekday(D(1970, 1, 1)), 4);     /* Thursday */
    assert_int_equal(sp_date_weekday(D(2000, 1, 1)), 6);     /* Saturday */
    assert_int_equal(sp_date_weekday(D(2024, 2, 29)), 4);    /* Thursday */
    assert_int_equal(sp_date_weekday(D(2026, 12, 24)), 4);   /* Thursday */
    assert_int_equal(sp_date_weekday(D(1969, 12, 31)), 3);   /* Wednesday */
    assert_int_equal(sp_date_weekday(D(1, 1, 1)), 1);        /* Monday */
    char buf[SP_DATE_BUF];
    assert_string_equal(sp_date_iso(D(2028, 2, 29), buf, sizeof buf),
                        "2028-02-29");
}

/* ---- a hand-built pack ---------------------------------------------- */

#define SPAN(name, str) static sp_span name = {0, str}
#define TEXT(span) {&(span), 1}

SPAN(s_basics, "Distributed-systems basics");
SPAN(s_coding, "Five medium coding problems");
SPAN(s_drills, "Design drills");
SPAN(s_rest, "Rest");
SPAN(s_more, "More drills");
SPAN(s_mock, "Two timed mock interviews");
SPAN(s_calm, "Rest before the interview");

static int q_basics[] = {3, 1};
static int q_drills[] = {0};
static int q_more[] = {6, 3};

static sp_task t_found[] = {
    {SP_TASK_STUDY, TEXT(s_basics), NULL, q_basics, 2, {NULL, 0}, 0},
    {SP_TASK_PRACTICE, TEXT(s_coding), NULL, NULL, 0, {NULL, 0}, 0},
};
static sp_task t_design[] = {
    {SP_TASK_STUDY, TEXT(s_drills), NULL, q_drills, 1, {NULL, 0}, 0},
    {SP_TASK_REST, TEXT(s_rest), NULL, NULL, 0, {NULL, 0}, 0},
    {SP_TASK_STUDY, TEXT(s_more), NULL, q_more, 2, {NULL, 0}, 0},
};
static sp_task t_mock[] = {
    {SP_TASK_MOCK, TEXT(s_mock), NULL, NULL, 0, {NULL, 0}, 0},
    {SP_TASK_REST, TEXT(s_calm), NULL, NULL, 0, {NULL, 0}, 0},
};
static sp_phase phases[] = {
    {"foundations", "Foundations", 7, t_found, 2, {NULL, 0}},
    {"design", "System design", 5, t_design, 3, {NULL, 0}},
    {"mock", "Mock interviews", 4, t_mock, 2, {NULL, 0}},
};

#define Q(i, name, diff) \
    {.id = name, .number = (i) + 1, .round = -1, .difficulty = diff}
static sp_question questions[] = {
    Q(0, "rate-limiting", SP_DIFF_HARD),
    Q(1, "rest-vs-graphql", SP_DIFF_MEDIUM),
    Q(2, "db-migrations", SP_DIFF_HARD),
    Q(3, "cap-theorem", SP_DIFF_MEDIUM),
    Q(4, "authn-authz", SP_DIFF_EASY),
    Q(5, "scaling", SP_DIFF_NONE),
    Q(6, "message-queues", SP_DIFF_MEDIUM),
    Q(7, "caching-strategies", SP_DIFF_EASY),
};

static sp_pack make_pack(void)
{
    sp_pack p;
    memset(&p, 0, sizeof p);
    p.id = "test-pack";
    p.meta.role = "Backend Developer";
    p.meta.title = "Test Backend Interview Prep";
    p.questions = questions;
    p.n_questions = 8;
    p.phases = phases;
    p.n_phases = 3;
    return p;
}

static void check_list(const size_t *got, size_t n_got, const size_t *want,
                       size_t n_want, int day, const char *what)
{
    int ok = n_got == n_want;
    for (size_t i = 0; ok && i < n_got; i++)
        ok = got[i] == want[i];
    if (!ok) {
        print_error("day %d %s: got", day, what);
        for (size_t i = 0; i < n_got; i++)
            print_error(" %zu", got[i]);
        print_error(", want");
        for (size_t i = 0; i < n_want; i++)
            print_error(" %zu", want[i]);
        print_error("\n");
        fail();
    }
}

static void schedule_days(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    sp_schedule *s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    assert_int_equal(s->n_days, 16);
    assert_false(s->has_dates);
    /* phase spans and task day ranges */
    assert_int_equal(s->phases[0].first_day, 1);
    assert_int_equal(s->phases[1].first_day, 8);
    assert_int_equal(s->phases[2].first_day, 13);
    /* a rest task is one day; the other tasks share the rest evenly */
    static const int first[][3] = {{1, 4, 0}, {8, 10, 11}, {13, 16, 0}};
    static const int last[][3] = {{3, 7, 0}, {9, 10, 12}, {15, 16, 0}};
    for (size_t p = 0; p < 3; p++) {
        for (size_t t = 0; t < phases[p].n_tasks; t++) {
            assert_int_equal(s->phases[p].task_first[t], first[p][t]);
            assert_int_equal(s->phases[p].task_last[t], last[p][t]);
        }
    }
    /* every day has exactly one task here; phases and numbers */
    for (int k = 1; k <= 16; k++) {
        const sp_day *d = &s->days[k - 1];
        assert_int_equal(d->number, k);
        assert_int_equal(d->n_tasks, 1);
        assert_int_equal(d->phase, k <= 7 ? 0 : k <= 12 ? 1 : 2);
        int rest = k == 10 || k == 16;
        int study = (k >= 1 && k <= 3) || k == 8 || k == 9 || k == 11 ||
                    k == 12;
        assert_int_equal(d->is_rest, rest);
        assert_int_equal(d->is_study, study);
    }
    assert_int_equal(s->days[9].tasks[0].phase, 1);
    assert_int_equal(s->days[9].tasks[0].task, 1);
    sp_schedule_free(s);
}

static void schedule_cards(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    sp_schedule *s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    /* named: q3, q1 on day 1 (task order), q0 on day 8, q6 on day 11;
     * the rest (q2, q4, q5, q7) spread over study days 1 2 3 8 9 11 12
     * at j * 7 / 4 = 0, 1, 3, 5 -> days 1, 2, 8, 11 */
    static const int intro[8] = {8, 1, 1, 1, 2, 8, 11, 11};
    for (size_t q = 0; q < 8; q++)
        assert_int_equal(s->intro_day[q], intro[q]);
    static const size_t d1[] = {3, 1, 2}, d2[] = {4}, d8[] = {0, 5},
                        d11[] = {6, 7};
    check_list(s->days[0].intro, s->days[0].n_intro, d1, 3, 1, "intro");
    check_list(s->days[1].intro, s->days[1].n_intro, d2, 1, 2, "intro");
    check_list(s->days[7].intro, s->days[7].n_intro, d8, 2, 8, "intro");
    check_list(s->days[10].intro, s->days[10].n_intro, d11, 2, 11, "intro");

    /* reviews: +1 +3 +7 +14, rest days 10 and 16 push forward, past
     * the interview dropped (q4's day-16 review, q0 and q5's day 22, q6
     * and q7's day 18); the final review (day 15, since 16 is a rest day)
     * adds the hard cards q0 and q2 */
    static const size_t r2[] = {1, 2, 3}, r3[] = {4}, r4[] = {1, 2, 3},
                        r5[] = {4}, r8[] = {1, 2, 3}, r9[] = {0, 4, 5},
                        r11[] = {0, 5}, r12[] = {6, 7}, r14[] = {6, 7},
                        r15[] = {0, 1, 2, 3, 5};
    static const struct {
        int day;
        const size_t *q;
        size_t n;
    } rev[] = {
        {2, r2, 3},   {3, r3, 1},   {4, r4, 3},   {5, r5, 1},
        {8, r8, 3},   {9, r9, 3},   {11, r11, 2}, {12, r12, 2},
        {14, r14, 2}, {15, r15, 5},
    };
    for (int k = 1; k <= 16; k++) {
        const sp_day *d = &s->days[k - 1];
        size_t i = 0;
        while (i < sizeof rev / sizeof rev[0] && rev[i].day != k)
            i++;
        if (i < sizeof rev / sizeof rev[0])
            check_list(d->review, d->n_review, rev[i].q, rev[i].n, k,
                       "review");
        else
            check_list(d->review, d->n_review, NULL, 0, k, "review");
    }
    assert_int_equal(s->final_day, 15);
    assert_int_equal(s->final_level, SP_DIFF_HARD);
    assert_true(s->days[14].is_final);
    sp_schedule_free(s);
}

/* Properties that hold for any pack: checked on variations. */
static void check_properties(const sp_pack *pack, const sp_schedule *s)
{
    int *seen = calloc(pack->n_questions + 1, sizeof *seen);
    assert_non_null(seen);
    for (int k = 1; k <= s->n_days; k++) {
        const sp_day *d = &s->days[k - 1];
        if (d->is_rest) {
            assert_int_equal(d->n_intro, 0);
            if (!d->is_final)
                assert_int_equal(d->n_review, 0);
        }
        for (size_t i = 0; i < d->n_intro; i++) {
            assert_int_equal(s->intro_day[d->intro[i]], k);
            seen[d->intro[i]]++;
        }
        for (size_t i = 0; i < d->n_review; i++) {
            size_t q = d->review[i];
            int intro = s->intro_day[q];
            assert_true(intro > 0 && intro < k);
            if (i > 0)
                assert_true(d->review[i - 1] < q);
            /* a spaced review: k is the first working day at or after
             * intro + offset, or the final review */
            int ok = d->is_final;
            for (int o = 0; o < 4 && !ok; o++) {
                int t = intro + sp_review_offsets[o];
                while (t <= s->n_days && s->days[t - 1].is_rest)
                    t++;
                ok = t == k;
            }
            assert_true(ok);
        }
    }
    for (size_t q = 0; q < pack->n_questions; q++) {
        assert_int_equal(seen[q], s->intro_day[q] ? 1 : 0);
        /* every review that falls before the interview is there */
        int intro = s->intro_day[q];
        for (int o = 0; intro && o < 4; o++) {
            int t = intro + sp_review_offsets[o];
            while (t <= s->n_days && s->days[t - 1].is_rest)
                t++;
            if (t > s->n_days)
                continue;
            const sp_day *d = &s->days[t - 1];
            int found = 0;
            for (size_t i = 0; i < d->n_review; i++)
                found |= d->review[i] == q;
            assert_true(found);
        }
    }
    if (s->final_day) {
        const sp_day *d = &s->days[s->final_day - 1];
        for (size_t q = 0; q < pack->n_questions; q++) {
            int want = s->intro_day[q] > 0 && s->intro_day[q] < s->final_day
                       && (s->final_level == SP_DIFF_NONE
                           || pack->questions[q].difficulty
                                  == s->final_level);
            int found = 0;
            for (size_t i = 0; i < d->n_review; i++)
                found |= d->review[i] == q;
            if (want)
                assert_true(found);
        }
        for (int k = s->final_day + 1; k <= s->n_days; k++)
            assert_true(s->days[k - 1].is_rest);
    }
    free(seen);
}

static void schedule_properties(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    /* vary the phase lengths: short phases (more tasks than days), long
     * ones, and the difficulty mix (no hard, no medium either) */
    static const int lens[][3] = {
        {7, 5, 4}, {1, 1, 1}, {2, 2, 2}, {30, 20, 10}, {3, 40, 1}, {90, 1, 2},
    };
    sp_difficulty saved[8];
    for (size_t q = 0; q < 8; q++)
        saved[q] = questions[q].difficulty;
    for (int mix = 0; mix < 3; mix++) {
        for (size_t q = 0; q < 8; q++) {
            if (mix >= 1 && questions[q].difficulty == SP_DIFF_HARD)
                questions[q].difficulty = SP_DIFF_EASY;
            if (mix >= 2 && questions[q].difficulty == SP_DIFF_MEDIUM)
                questions[q].difficulty = SP_DIFF_NONE;
        }
        for (size_t v = 0; v < sizeof lens / sizeof lens[0]; v++) {
            for (size_t p = 0; p < 3; p++)
                phases[p].days = lens[v][p];
            sp_schedule *s = sp_schedule_new(&pack, NULL);
            assert_non_null(s);
            assert_int_equal(s->n_days, lens[v][0] + lens[v][1] + lens[v][2]);
            assert_int_equal(s->final_level,
                             mix == 0 ? SP_DIFF_HARD
                             : mix == 1 ? SP_DIFF_MEDIUM : SP_DIFF_NONE);
            /* every task has at least its first day, in its phase */
            for (size_t p = 0; p < 3; p++) {
                const sp_phase_span *sp = &s->phases[p];
                for (size_t t = 0; t < phases[p].n_tasks; t++) {
                    assert_true(sp->task_first[t] >= sp->first_day);
                    assert_true(sp->task_last[t] >= sp->task_first[t]);
                    assert_true(sp->task_last[t]
                                < sp->first_day + sp->n_days);
                }
            }
            check_properties(&pack, s);
            sp_schedule_free(s);
        }
    }
    for (size_t q = 0; q < 8; q++)
        questions[q].difficulty = saved[q];
    phases[0].days = 7;
    phases[1].days = 5;
    phases[2].days = 4;
}

/* Five tasks in two days: tasks share days, each has its first day. */
static void schedule_crowded(void **state)
{
    (void)state;
    static sp_task five[5];
    for (int i = 0; i < 5; i++) {
        five[i].kind = i == 4 ? SP_TASK_REST : SP_TASK_STUDY;
        five[i].text.spans = &s_more;
        five[i].text.n_spans = 1;
    }
    sp_phase one = {"p", "Crowded", 2, five, 5, {NULL, 0}};
    sp_pack pack = make_pack();
    pack.phases = &one;
    pack.n_phases = 1;
    sp_schedule *s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    static const int first[5] = {1, 1, 1, 2, 2};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s->phases[0].task_first[i], first[i]);
        assert_int_equal(s->phases[0].task_last[i], first[i]);
    }
    assert_int_equal(s->days[0].n_tasks, 3);
    assert_int_equal(s->days[1].n_tasks, 2);
    assert_false(s->days[1].is_rest);   /* a study task too */
    check_properties(&pack, s);
    sp_schedule_free(s);

    /* all rest: the cards are still introduced (on the rest days; the
     * rules warn), but there is no final review */
    for (int i = 0; i < 5; i++)
        five[i].kind = SP_TASK_REST;
    s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    for (size_t q = 0; q < 8; q++)
        assert_true(s->intro_day[q] >= 1 && s->intro_day[q] <= 2);
    assert_int_equal(s->days[0].n_intro + s->days[1].n_intro, 8);
    assert_int_equal(s->final_day, 0);
    sp_schedule_free(s);

    /* no timeline at all */
    pack.n_phases = 0;
    s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    assert_int_equal(s->n_days, 0);
    char *text = sp_plan_text(&pack, s);
    assert_non_null(text);
    assert_non_null(strstr(text, "no timeline"));
    free(text);
    sp_schedule_free(s);
}

/* A rest task is one day off wherever it stands; the other tasks share
 * the remaining days evenly, in order.  Only rest tasks: they share. */
static void schedule_rest_one_day(void **state)
{
    (void)state;
    static sp_task three[3];
    static const sp_task_kind kinds[3] = {SP_TASK_STUDY, SP_TASK_PRACTICE,
                                          SP_TASK_REST};
    for (int i = 0; i < 3; i++) {
        three[i].kind = kinds[i];
        three[i].text.spans = &s_more;
        three[i].text.n_spans = 1;
    }
    sp_phase one = {"p", "Week", 7, three, 3, {NULL, 0}};
    sp_pack pack = make_pack();
    pack.phases = &one;
    pack.n_phases = 1;
    sp_schedule *s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    static const int first[3] = {1, 4, 7}, last[3] = {3, 6, 7};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s->phases[0].task_first[i], first[i]);
        assert_int_equal(s->phases[0].task_last[i], last[i]);
    }
    for (int k = 1; k <= 7; k++)
        assert_int_equal(s->days[k - 1].is_rest, k == 7);
    check_properties(&pack, s);
    sp_schedule_free(s);

    /* the rest day first, in a 4-day phase: 1 | 2 | 3-4 (as in an even
     * split, the later task gets the day left over) */
    three[0].kind = SP_TASK_REST;
    three[2].kind = SP_TASK_STUDY;
    one.days = 4;
    s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    static const int first2[3] = {1, 2, 3}, last2[3] = {1, 2, 4};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s->phases[0].task_first[i], first2[i]);
        assert_int_equal(s->phases[0].task_last[i], last2[i]);
    }
    sp_schedule_free(s);

    /* only rest tasks: they share the phase (a rest week) */
    for (int i = 0; i < 3; i++)
        three[i].kind = SP_TASK_REST;
    one.days = 6;
    s = sp_schedule_new(&pack, NULL);
    assert_non_null(s);
    static const int first3[3] = {1, 3, 5}, last3[3] = {2, 4, 6};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s->phases[0].task_first[i], first3[i]);
        assert_int_equal(s->phases[0].task_last[i], last3[i]);
    }
    sp_schedule_free(s);
}

static void schedule_dates(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    sp_date iv = D(2026, 12, 24);
    sp_schedule *s = sp_schedule_new(&pack, &iv);
    assert_non_null(s);
    assert_true(s->has_dates);
    assert_date(s->first_day, 2026, 12, 8);
    assert_date(s->days[0].date, 2026, 12, 8);
    assert_date(s->days[15].date, 2026, 12, 23);   /* the day before */
    /* across a year boundary */
    iv = D(2027, 1, 3);
    sp_schedule_free(s);
    s = sp_schedule_new(&pack, &iv);
    assert_date(s->days[0].date, 2026, 12, 18);
    assert_date(s->days[14].date, 2027, 1, 1);
    sp_schedule_free(s);
}

static const char golden_dated[] =
    "Test Backend Interview Prep\n"
    "16 days in 3 phases, 8 cards\n"
    "Interview: Thu 2026-12-24\n"
    "\n"
    "Day 1  Tue 2026-12-08  Foundations\n"
    "  [ ] study: Distributed-systems basics\n"
    "  new:    #4 cap-theorem, #2 rest-vs-graphql, #3 db-migrations\n"
    "\n"
    "Day 2  Wed 2026-12-09  Foundations\n"
    "  [ ] study: Distributed-systems basics\n"
    "  new:    #5 authn-authz\n"
    "  review: #2 rest-vs-graphql, #3 db-migrations, #4 cap-theorem\n"
    "\n"
    "Day 3  Thu 2026-12-10  Foundations\n"
    "  [ ] study: Distributed-systems basics\n"
    "  review: #5 authn-authz\n"
    "\n"
    "Day 4  Fri 2026-12-11  Foundations\n"
    "  [ ] practice: Five medium coding problems\n"
    "  review: #2 rest-vs-graphql, #3 db-migrations, #4 cap-theorem\n"
    "\n"
    "Day 5  Sat 2026-12-12  Foundations\n"
    "  [ ] practice: Five medium coding problems\n"
    "  review: #5 authn-authz\n"
    "\n"
    "Day 6  Sun 2026-12-13  Foundations\n"
    "  [ ] practice: Five medium coding problems\n"
    "\n"
    "Day 7  Mon 2026-12-14  Foundations\n"
    "  [ ] practice: Five medium coding problems\n"
    "\n"
    "Day 8  Tue 2026-12-15  System design\n"
    "  [ ] study: Design drills\n"
    "  new:    #1 rate-limiting, #6 scaling\n"
    "  review: #2 rest-vs-graphql, #3 db-migrations, #4 cap-theorem\n"
    "\n"
    "Day 9  Wed 2026-12-16  System design\n"
    "  [ ] study: Design drills\n"
    "  review: #1 rate-limiting, #5 authn-authz, #6 scaling\n"
    "\n"
    "Day 10  Thu 2026-12-17  System design\n"
    "  [ ] rest: Rest\n"
    "\n"
    "Day 11  Fri 2026-12-18  System design\n"
    "  [ ] study: More drills\n"
    "  new:    #7 message-queues, #8 caching-strategies\n"
    "  review: #1 rate-limiting, #6 scaling\n"
    "\n"
    "Day 12  Sat 2026-12-19  System design\n"
    "  [ ] study: More drills\n"
    "  review: #7 message-queues, #8 caching-strategies\n"
    "\n"
    "Day 13  Sun 2026-12-20  Mock interviews\n"
    "  [ ] mock: Two timed mock interviews\n"
    "\n"
    "Day 14  Mon 2026-12-21  Mock interviews\n"
    "  [ ] mock: Two timed mock interviews\n"
    "  review: #7 message-queues, #8 caching-strategies\n"
    "\n"
    "Day 15  Tue 2026-12-22  Mock interviews\n"
    "  [ ] mock: Two timed mock interviews\n"
    "  review: #1 rate-limiting, #2 rest-vs-graphql, #3 db-migrations,\n"
    "          #4 cap-theorem, #6 scaling\n"
    "  final review: every hard card\n"
    "\n"
    "Day 16  Wed 2026-12-23  Mock interviews\n"
    "  [ ] rest: Rest before the interview\n";

static void plan_golden(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    sp_date iv = D(2026, 12, 24);
    sp_schedule *s = sp_schedule_new(&pack, &iv);
    assert_non_null(s);
    char *text = sp_plan_text(&pack, s);
    assert_non_null(text);
    assert_string_equal(text, golden_dated);
    /* no line longer than 78 columns */
    for (const char *l = text; *l;) {
        const char *e = strchr(l, '\n');
        assert_non_null(e);
        assert_true(e - l <= 78);
        l = e + 1;
    }
    free(text);
    sp_schedule_free(s);

    /* relative days: the same plan without dates */
    s = sp_schedule_new(&pack, NULL);
    text = sp_plan_text(&pack, s);
    assert_non_null(text);
    assert_non_null(strstr(text, "16 days in 3 phases, 8 cards\n"
                                 "Interview: the day after Day 16\n\n"
                                 "Day 1  Foundations\n"
                                 "  [ ] study: Distributed-systems basics\n"));
    assert_non_null(strstr(text, "\nDay 14  Mock interviews\n"));
    assert_null(strstr(text, "2026"));
    free(text);
    sp_schedule_free(s);
}

/* ---- constraints: a personal plan ----------------------------------- */

static void weekdays_and_skips(void **state)
{
    (void)state;
    unsigned m = 0;
    const char *why = NULL;
    assert_int_equal(sp_weekdays_parse("mon-fri", &m, &why), 0);
    assert_int_equal(m, 0x3E);
    assert_int_equal(sp_weekdays_parse("Mon,WED,sat", &m, NULL), 0);
    assert_int_equal(m, (1u << 1) | (1u << 3) | (1u << 6));
    assert_int_equal(sp_weekdays_parse("sat-mon", &m, NULL), 0);   /* wraps */
    assert_int_equal(m, (1u << 6) | 1u | (1u << 1));
    assert_int_equal(sp_weekdays_parse("sun-sat", &m, NULL), 0);
    assert_int_equal(m, SP_WEEK_ALL);
    static const char *bad[] = {"", "mon-", "monday", "mon,,tue", "mo",
                                "mon-fri,", "xyz", "mon fri"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        assert_int_equal(sp_weekdays_parse(bad[i], &m, &why), -1);
        assert_string_equal(why, "expected weekdays such as mon-fri or "
                                 "mon,wed,sat");
    }
    sp_day_range *r = NULL;
    size_t n = 0;
    assert_int_equal(sp_skip_parse("2026-12-24..2026-12-26,2027-01-01", &r,
                                   &n, &why), 0);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].first, sp_date_to_days(D(2026, 12, 24)));
    assert_int_equal(r[0].last, sp_date_to_days(D(2026, 12, 26)));
    assert_int_equal(r[1].first, r[1].last);
    assert_true(sp_skip_has(r, n, sp_date_to_days(D(2026, 12, 25))));
    assert_false(sp_skip_has(r, n, sp_date_to_days(D(2026, 12, 27))));
    free(r);
    static const struct {
        const char *s, *why;
    } badskip[] = {
        {"2026-12-26..2026-12-24", "a range ends before it starts"},
        {"2026-02-30", "no such day in that month"},
        {"2026-12-24.2026-12-26", "expected YYYY-MM-DD or YYYY-MM-DD.."
                                  "YYYY-MM-DD, separated by commas"},
        {"2026-12-24,", "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, "
                        "separated by commas"},
        {"2000-01-01..2020-01-01", "a range is longer than ten years"},
    };
    for (size_t i = 0; i < sizeof badskip / sizeof badskip[0]; i++) {
        r = NULL;
        assert_int_equal(sp_skip_parse(badskip[i].s, &r, &n, &why), -1);
        assert_null(r);
        assert_string_equal(why, badskip[i].why);
    }
}

static long day_of(sp_date d)
{
    return sp_date_to_days(d);
}

/* Slots (days with tasks) of phase P. */
static int phase_slots(const sp_schedule *s, size_t p)
{
    int n = 0;
    for (int k = 0; k < s->n_days; k++) {
        int has = 0;
        for (size_t i = 0; i < s->days[k].n_tasks; i++)
            has |= s->days[k].tasks[i].phase == p;
        n += has;
    }
    return n;
}

static int has_warning(const sp_schedule *s, const char *part)
{
    for (size_t i = 0; i < s->n_warnings; i++)
        if (strstr(s->warnings[i], part))
            return 1;
    return 0;
}

/* Phases take the slots in proportion to their days (7, 5, 4). */
static void fit_proportional(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    /* Mon-Sat only: no run of seven, so the weekly rule adds nothing.
     * 32 slots from Mon 2026-11-30: 5 weeks (30) + Mon, Tue = 37 days */
    sp_date st = D(2026, 11, 30), iv = D(2027, 1, 6);
    sp_constraints c = {&iv, &st, 0x7E, NULL, 0};
    sp_schedule *s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_true(s->fitted);
    assert_int_equal(s->n_days, 37);
    assert_int_equal(s->n_free, 5);
    assert_int_equal(s->n_slots, 32);
    assert_date(s->first_day, 2026, 11, 30);
    assert_date(s->days[36].date, 2027, 1, 5);
    /* 7*32/16 = 14, 12*32/16 - 14 = 10, 32 - 24 = 8 */
    assert_int_equal(phase_slots(s, 0), 14);
    assert_int_equal(phase_slots(s, 1), 10);
    assert_int_equal(phase_slots(s, 2), 8);
    assert_int_equal(s->n_warnings, 0);
    for (int k = 0; k < s->n_days; k++)
        assert_int_equal(s->days[k].is_free,
                         sp_date_weekday(s->days[k].date) == 0);
    sp_schedule_free(s);

    /* four slots: 1, 2, 1 (cumulative floors); three: one each */
    iv = D(2026, 12, 4);
    c.study_days = 0;
    s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_int_equal(s->n_days, 4);
    assert_int_equal(phase_slots(s, 0), 1);
    assert_int_equal(phase_slots(s, 1), 2);
    /* the last phase's day is the eve: its mock moves to day 3 */
    assert_int_equal(phase_slots(s, 2), 2);
    assert_int_equal(s->phases[2].first_day, 4);
    assert_int_equal(s->phases[2].task_first[0], 3);
    sp_schedule_free(s);
    iv = D(2026, 12, 3);
    s = sp_schedule_fit(&pack, &c);
    assert_int_equal(phase_slots(s, 0), 1);
    assert_int_equal(phase_slots(s, 1), 1);
    /* (the last one is the eve: its mock moves to day 2) */
    assert_int_equal(phase_slots(s, 2), 2);
    sp_schedule_free(s);

    /* two slots for three phases: the first two share the first day */
    iv = D(2026, 12, 2);
    s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_int_equal(s->n_days, 2);
    assert_int_equal(s->phases[0].first_day, 1);
    assert_int_equal(s->phases[1].first_day, 1);
    assert_int_equal(s->phases[2].first_day, 2);
    assert_true(has_warning(s, "phases 'foundations' and 'design' share 1 "
                               "day (Mon 2026-11-30): 2 days for 3 phases"));
    /* every question is still introduced, on the first day (the second is
     * the eve) */
    for (size_t q = 0; q < 8; q++)
        assert_int_equal(s->intro_day[q], 1);
    sp_schedule_free(s);

    /* without a start: the source's 16 days that are not free, ending the
     * day before the interview */
    iv = D(2026, 12, 24);
    c.start = NULL;
    c.study_days = 0x3E;           /* Mon-Fri */
    s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_int_equal(s->n_slots + s->n_free, s->n_days);
    assert_int_equal(s->n_days - s->n_free, 16);
    assert_date(s->days[s->n_days - 1].date, 2026, 12, 23);
    assert_false(s->days[0].is_free);
    sp_schedule_free(s);

    /* a start only: the source's length from the start */
    c.interview = NULL;
    c.start = &st;
    c.study_days = 0;
    s = sp_schedule_fit(&pack, &c);
    assert_int_equal(s->n_days, 16);
    assert_date(s->first_day, 2026, 11, 30);
    assert_date(s->interview, 2026, 12, 16);
    sp_schedule_free(s);
}

/* Skipped dates and weekday masks: free days have no tasks. */
static void fit_free_days(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    sp_date st = D(2026, 12, 1), iv = D(2026, 12, 21);
    sp_day_range skip[2] = {
        {day_of(D(2026, 12, 8)), day_of(D(2026, 12, 10))},
        {day_of(D(2026, 12, 15)), day_of(D(2026, 12, 15))},
    };
    sp_constraints c = {&iv, &st, 0x3E, skip, 2};
    sp_schedule *s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_int_equal(s->n_days, 20);
    /* Dec 2026: weekends 5-6, 12-13, 19-20; skipped 8-10, 15 */
    assert_int_equal(s->n_free, 10);
    for (int k = 0; k < s->n_days; k++) {
        const sp_day *d = &s->days[k];
        int dom = d->date.day, wd = sp_date_weekday(d->date);
        int skipped = (dom >= 8 && dom <= 10) || dom == 15;
        assert_int_equal(d->is_skipped, skipped);
        assert_int_equal(d->is_free, skipped || wd == 0 || wd == 6);
        if (d->is_free) {
            assert_int_equal(d->n_tasks, 0);
            assert_int_equal(d->n_intro, 0);
            assert_int_equal(d->n_review, 0);
        }
    }
    char *text = sp_plan_text(&pack, s);
    assert_non_null(text);
    assert_non_null(strstr(text, "Start: Tue 2026-12-01\nFree days: 10\n"));
    assert_non_null(strstr(text, "\nDay 5  Sat 2026-12-05  free day\n"));
    assert_non_null(strstr(text, "\nDay 8  Tue 2026-12-08  free day "
                                 "(skipped)\n"));
    free(text);
    sp_schedule_free(s);
}

/* The eve: no practice or mock, no new cards. */
static void fit_eve(void **state)
{
    (void)state;
    static sp_task two[2];
    two[0].kind = SP_TASK_STUDY;
    two[0].text.spans = &s_basics;
    two[0].text.n_spans = 1;
    two[1].kind = SP_TASK_MOCK;
    two[1].text.spans = &s_mock;
    two[1].text.n_spans = 1;
    sp_phase one = {"last", "Last", 4, two, 2, {NULL, 0}};
    sp_pack pack = make_pack();
    pack.phases = &one;
    pack.n_phases = 1;
    sp_date st = D(2026, 12, 1), iv = D(2026, 12, 5);
    sp_constraints c = {&iv, &st, 0, NULL, 0};
    /* four days: study 1-2, mock 3-4, the eve (4) keeps no mock */
    sp_schedule *s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_true(s->days[3].is_eve);
    assert_int_equal(s->days[3].n_tasks, 0);
    assert_int_equal(s->days[3].n_intro, 0);
    assert_int_equal(s->phases[0].task_first[1], 3);
    assert_int_equal(s->phases[0].task_last[1], 3);
    assert_int_equal(s->n_warnings, 0);
    char *text = sp_plan_text(&pack, s);
    assert_non_null(strstr(text, "\nDay 4  Fri 2026-12-04  Last\n  light "
                                 "day: no new cards, no practice or mock\n"));
    free(text);
    sp_schedule_free(s);
    /* two days: the mock's only day would be the eve: it moves */
    iv = D(2026, 12, 3);
    s = sp_schedule_fit(&pack, &c);
    assert_int_equal(s->days[0].n_tasks, 2);
    assert_int_equal(s->days[1].n_tasks, 0);
    assert_int_equal(s->phases[0].task_first[1], 1);
    assert_true(has_warning(s, "the eve of the interview is light: mock "
                               "'Two timed mock interviews' moves to the day "
                               "before (Tue 2026-12-01)"));
    for (size_t q = 0; q < 8; q++)
        assert_int_equal(s->intro_day[q], 1);
    sp_schedule_free(s);
    /* one day: nowhere to go */
    iv = D(2026, 12, 2);
    s = sp_schedule_fit(&pack, &c);
    assert_int_equal(s->n_days, 1);
    assert_true(has_warning(s, "mock 'Two timed mock interviews' is dropped "
                               "(there is no other day)"));
    /* the only day: cards go on the eve rather than nowhere */
    for (size_t q = 0; q < 8; q++)
        assert_int_equal(s->intro_day[q], 1);
    sp_schedule_free(s);
}

/* At least one rest or free day in every seven. */
static void fit_weekly_rest(void **state)
{
    (void)state;
    static sp_task study[1];
    study[0].kind = SP_TASK_STUDY;
    study[0].text.spans = &s_more;
    study[0].text.n_spans = 1;
    sp_phase one = {"all", "All study", 20, study, 1, {NULL, 0}};
    sp_pack pack = make_pack();
    pack.phases = &one;
    pack.n_phases = 1;
    sp_date st = D(2026, 12, 1), iv = D(2026, 12, 31);
    sp_constraints c = {&iv, &st, 0, NULL, 0};
    sp_schedule *s = sp_schedule_fit(&pack, &c);
    assert_non_null(s);
    assert_int_equal(s->n_days, 30);
    /* days 7, 14, 21, 28 become rest days */
    for (int k = 1; k <= 30; k++) {
        assert_int_equal(s->days[k - 1].is_added_rest, k % 7 == 0);
        assert_int_equal(s->days[k - 1].is_rest, k % 7 == 0);
        if (k % 7 == 0)
            assert_int_equal(s->days[k - 1].n_tasks, 0);
    }
    assert_int_equal(s->n_slots, 26);
    char *text = sp_plan_text(&pack, s);
    assert_non_null(strstr(text, "\nDay 7  Mon 2026-12-07  All study\n  rest "
                                 "day (at least one in seven)\n"));
    free(text);
    sp_schedule_free(s);
    /* a source rest beside an added one takes its day: no two rest days
     * in a row.  [study, rest, study] over 14 days: days 7 and 14 rest
     * on the calendar, the source's rest would land on day 6 */
    static sp_task three[3];
    for (int i = 0; i < 3; i++) {
        three[i].kind = i == 1 ? SP_TASK_REST : SP_TASK_STUDY;
        three[i].text.spans = &s_more;
        three[i].text.n_spans = 1;
    }
    sp_phase two_weeks = {"two", "Two weeks", 14, three, 3, {NULL, 0}};
    pack.phases = &two_weeks;
    sp_date iv2 = D(2026, 12, 15);
    sp_constraints c2 = {&iv2, &st, 0, NULL, 0};
    sp_schedule *s2 = sp_schedule_fit(&pack, &c2);
    assert_non_null(s2);
    assert_int_equal(s2->n_days, 14);
    static const int first3[3] = {1, 7, 8}, last3[3] = {6, 7, 13};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s2->phases[0].task_first[i], first3[i]);
        assert_int_equal(s2->phases[0].task_last[i], last3[i]);
    }
    for (int k = 1; k <= 14; k++) {
        assert_int_equal(s2->days[k - 1].is_rest, k == 7 || k == 14);
        assert_int_equal(s2->days[k - 1].is_added_rest, k == 14);
    }
    sp_schedule_free(s2);
    pack.phases = &one;
    /* with weekends free the rule adds nothing */
    c.study_days = 0x3E;
    s = sp_schedule_fit(&pack, &c);
    for (int k = 0; k < s->n_days; k++)
        assert_false(s->days[k].is_added_rest);
    sp_schedule_free(s);
}

/* Task lengths: days="N", scaled with the phase. */
static void task_days(void **state)
{
    (void)state;
    static sp_task three[3];
    static const sp_task_kind kinds[3] = {SP_TASK_STUDY, SP_TASK_PRACTICE,
                                          SP_TASK_REST};
    for (int i = 0; i < 3; i++) {
        three[i].kind = kinds[i];
        three[i].text.spans = &s_more;
        three[i].text.n_spans = 1;
        three[i].days = 0;
    }
    three[0].days = 2;
    sp_phase one = {"p", "Week", 7, three, 3, {NULL, 0}};
    sp_pack pack = make_pack();
    pack.phases = &one;
    pack.n_phases = 1;
    sp_schedule *s = sp_schedule_new(&pack, NULL);
    static const int first[3] = {1, 3, 7}, last[3] = {2, 6, 7};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s->phases[0].task_first[i], first[i]);
        assert_int_equal(s->phases[0].task_last[i], last[i]);
    }
    sp_schedule_free(s);
    /* twice the days (Mon-Sat, so no rest is added): 4 | 9 | 1 */
    sp_date st = D(2026, 11, 30), iv = D(2026, 12, 16);
    sp_constraints c = {&iv, &st, 0x7E, NULL, 0};
    s = sp_schedule_fit(&pack, &c);
    assert_int_equal(s->n_slots, 14);
    int n_study = 0, n_practice = 0, n_rest = 0;
    for (int k = 0; k < s->n_days; k++)
        for (size_t i = 0; i < s->days[k].n_tasks; i++) {
            size_t t = s->days[k].tasks[i].task;
            n_study += t == 0;
            n_practice += t == 1;
            n_rest += t == 2;
        }
    assert_int_equal(n_study, 4);
    assert_int_equal(n_practice, 9);
    assert_int_equal(n_rest, 1);
    sp_schedule_free(s);
    /* every task given: the lengths fill the phase in proportion */
    three[1].days = 2;
    three[2].days = 1;
    one.days = 10;
    s = sp_schedule_new(&pack, NULL);
    static const int first2[3] = {1, 5, 9}, last2[3] = {4, 8, 10};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s->phases[0].task_first[i], first2[i]);
        assert_int_equal(s->phases[0].task_last[i], last2[i]);
    }
    sp_schedule_free(s);
}

/* Properties over many windows, masks and skips. */
static void fit_properties(void **state)
{
    (void)state;
    sp_pack pack = make_pack();
    /* every day, Mon-Fri, Mon+Wed+Sat, Sat+Sun, Mon-Sat */
    static const unsigned masks[] = {0, 0x3E, 0x4A, 0x41, 0x7E};
    int runs = 0;
    /* seven interview dates (every weekday), windows of 1 to 75 days */
    for (int iw = 0; iw < 7; iw++) {
        sp_date iv = D(2027, 3, 1 + iw);
        long ivd = day_of(iv);
        sp_day_range skips[2] = {{ivd - 9, ivd - 7}, {ivd - 30, ivd - 30}};
        for (int len = 1; len <= 75; len++) {
            for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++) {
                for (size_t ns = 0; ns <= 2; ns++) {
                    sp_date st = sp_date_from_days(ivd - len);
                    sp_constraints c = {&iv, &st, masks[m], skips, ns};
                    sp_schedule *s = sp_schedule_fit(&pack, &c);
                    assert_non_null(s);
                    runs++;
                    assert_true(s->fitted);
                    assert_int_equal(s->n_days, len);
                    assert_int_equal(day_of(s->first_day), ivd - len);
                    int work = 0, run = 0, intro_days = 0;
                    for (int k = 0; k < s->n_days; k++) {
                        const sp_day *d = &s->days[k];
                        /* every day in range, in order */
                        assert_int_equal(day_of(d->date), ivd - len + k);
                        assert_int_equal(d->number, k + 1);
                        int wd = sp_date_weekday(d->date);
                        int skipped = sp_skip_has(skips, ns, day_of(d->date));
                        int free_day = skipped || (masks[m] &&
                                                   !(masks[m] & (1u << wd)));
                        assert_int_equal(d->is_free, free_day);
                        if (d->is_free || d->is_rest) {
                            assert_int_equal(d->n_intro, 0);
                            if (!d->is_final)
                                assert_int_equal(d->n_review, 0);
                        }
                        if (d->is_free)
                            assert_int_equal(d->n_tasks, 0);
                        else if (!d->is_added_rest)
                            work++;
                        /* never seven days in a row without rest */
                        run = (d->is_free || d->is_rest) ? 0 : run + 1;
                        assert_true(run < 7);
                        intro_days += !d->is_free && !d->is_rest && !d->is_eve;
                        for (size_t i = 0; i < d->n_review; i++)
                            assert_true(s->intro_day[d->review[i]] < k + 1);
                    }
                    assert_int_equal(work, s->n_slots);
                    /* the eve is light */
                    const sp_day *eve = &s->days[len - 1];
                    if (!eve->is_free && !eve->is_rest) {
                        assert_true(eve->is_eve);
                        if (intro_days > 0)
                            assert_int_equal(eve->n_intro, 0);
                        for (size_t i = 0; i < eve->n_tasks; i++) {
                            const sp_task_ref *tr = &eve->tasks[i];
                            sp_task_kind k = pack.phases[tr->phase]
                                                 .tasks[tr->task].kind;
                            assert_true(k != SP_TASK_PRACTICE
                                        && k != SP_TASK_MOCK);
                        }
                    }
                    /* every question introduced exactly once when a day is
                     * left, on a day that takes cards */
                    for (size_t q = 0; q < 8; q++) {
                        int day = s->intro_day[q];
                        if (s->n_slots == 0) {
                            assert_int_equal(day, 0);
                            continue;
                        }
                        assert_true(day >= 1 && day <= len);
                        int seen = 0;
                        for (int k = 0; k < len; k++)
                            for (size_t i = 0; i < s->days[k].n_intro; i++)
                                seen += s->days[k].intro[i] == q;
                        assert_int_equal(seen, 1);
                        assert_false(s->days[day - 1].is_free);
                    }
                    /* each phase keeps its order and a day when there is
                     * room for one each */
                    if (s->n_slots >= 3)
                        for (size_t p = 0; p < 3; p++) {
                            assert_true(phase_slots(s, p) >= 1);
                            if (p > 0)
                                assert_true(s->phases[p].first_day
                                            > s->phases[p - 1].first_day);
                        }
                    sp_schedule_free(s);
                }
            }
        }
    }
    assert_int_equal(runs, 7 * 75 * 5 * 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(date_parse),
        cmocka_unit_test(date_arith),
        cmocka_unit_test(date_weekday),
        cmocka_unit_test(schedule_days),
        cmocka_unit_test(schedule_cards),
        cmocka_unit_test(schedule_properties),
        cmocka_unit_test(schedule_crowded),
        cmocka_unit_test(schedule_rest_one_day),
        cmocka_unit_test(schedule_dates),
        cmocka_unit_test(plan_golden),
        cmocka_unit_test(weekdays_and_skips),
        cmocka_unit_test(fit_proportional),
        cmocka_unit_test(fit_free_days),
        cmocka_unit_test(fit_eve),
        cmocka_unit_test(fit_weekly_rest),
        cmocka_unit_test(task_days),
        cmocka_unit_test(fit_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
