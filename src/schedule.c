/* schedule.c - dates and the study schedule (see schedule.h). */
#include "schedule.h"
#include "datefmt.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates ---------------------------------------------------------- */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int sp_date_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12
           && day >= 1 && day <= month_days(year, month);
}

int sp_date_parse(const char *s, sp_date *out, const char **why)
{
    const char *reason = "expected YYYY-MM-DD";
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        goto bad;
    int v[3] = {0, 0, 0};
    static const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < len[f]; i++) {
            char c = s[start[f] + i];
            if (c < '0' || c > '9')
                goto bad;
            v[f] = v[f] * 10 + (c - '0');
        }
    }
    if (v[0] < 1) {
        reason = "year out of range";
        goto bad;
    }
    if (v[1] < 1 || v[1] > 12) {
        reason = "month out of range";
        goto bad;
    }
    if (v[2] < 1 || v[2] > month_days(v[0], v[1])) {
        reason = "no such day in that month";
        goto bad;
    }
    out->year = v[0];
    out->month = v[1];
    out->day = v[2];
    return 0;
bad:
    if (why)
        *why = reason;
    return -1;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long sp_date_to_days(sp_date d)
{
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

sp_date sp_date_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    sp_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(y + (d.month <= 2));
    return d;
}

sp_date sp_date_add_days(sp_date d, long n)
{
    return sp_date_from_days(sp_date_to_days(d) + n);
}

int sp_date_weekday(sp_date d)
{
    long z = sp_date_to_days(d);      /* 1970-01-01 was a Thursday */
    return (int)(((z % 7) + 7 + 4) % 7);
}

char *sp_date_iso(sp_date d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}


/* ---- the schedule --------------------------------------------------- */

const int sp_review_offsets[4] = {1, 3, 7, 14};

enum { MAX_DAYS = 100000 };

/* Appends V to a growable array of size_t; 0 or -1. */
static int push_size(size_t **a, size_t *n, size_t v)
{
    if ((*n & (*n - 1)) == 0) {     /* 0, 1, 2, 4, ...: grow to 2n */
        size_t cap = *n ? *n * 2 : 4;
        size_t *p = realloc(*a, cap * sizeof *p);
        if (!p)
            return -1;
        *a = p;
    }
    (*a)[(*n)++] = v;
    return 0;
}

static int push_task(sp_task_ref **a, size_t *n, size_t phase, size_t task)
{
    if ((*n & (*n - 1)) == 0) {
        size_t cap = *n ? *n * 2 : 4;
        sp_task_ref *p = realloc(*a, cap * sizeof *p);
        if (!p)
            return -1;
        *a = p;
    }
    (*a)[*n].phase = phase;
    (*a)[*n].task = task;
    (*n)++;
    return 0;
}

void sp_schedule_free(sp_schedule *s)
{
    if (!s)
        return;
    for (int i = 0; s->days && i < s->n_days; i++) {
        free(s->days[i].tasks);
        free(s->days[i].intro);
        free(s->days[i].review);
    }
    free(s->days);
    for (size_t p = 0; s->phases && p < s->n_phases; p++) {
        free(s->phases[p].task_first);
        free(s->phases[p].task_last);
    }
    free(s->phases);
    free(s->intro_day);
    free(s);
}

/* The first day >= FROM that is not a rest day, or 0. */
static int next_workday(const sp_schedule *s, int from)
{
    for (int k = from < 1 ? 1 : from; k <= s->n_days; k++)
        if (!s->days[k - 1].is_rest)
            return k;
    return 0;
}

static int prev_workday(const sp_schedule *s, int from)
{
    for (int k = from > s->n_days ? s->n_days : from; k >= 1; k--)
        if (!s->days[k - 1].is_rest)
            return k;
    return 0;
}

/* Lays out days, phases and tasks; 0 or -1. */
static int lay_out_days(sp_schedule *s, const sp_pack *pack)
{
    int day = 1;
    for (size_t p = 0; p < pack->n_phases; p++) {
        const sp_phase *ph = &pack->phases[p];
        sp_phase_span *span = &s->phases[p];
        int D = ph->days > 0 ? ph->days : 0;
        size_t T = ph->n_tasks;
        span->first_day = day;
        span->n_days = D;
        span->task_first = calloc(T ? T : 1, sizeof(int));
        span->task_last = calloc(T ? T : 1, sizeof(int));
        if (!span->task_first || !span->task_last)
            return -1;
        for (int k = 0; k < D; k++) {
            sp_day *dd = &s->days[day - 1 + k];
            dd->number = day + k;
            dd->phase = p;
            dd->day_in_phase = k;
        }
        /* A rest task is one day off and the other tasks share the rest
         * of the phase evenly, in order.  A phase of rest tasks only, or
         * too short for that, shares its days evenly among all tasks. */
        size_t R = 0;
        for (size_t t = 0; t < T; t++)
            R += ph->tasks[t].kind == SP_TASK_REST;
        int one_day_rest = R > 0 && R < T && (size_t)D >= T;
        long long W = D - (long long)R, N = (long long)(T - R);
        long long next = 0, i = 0;
        for (size_t t = 0; t < T && D > 0; t++) {
            long long a, b;
            if (!one_day_rest) {
                a = (long long)t * D / (long long)T;
                b = (long long)(t + 1) * D / (long long)T;
                if (b <= a)
                    b = a + 1;
            } else if (ph->tasks[t].kind == SP_TASK_REST) {
                a = next;
                b = a + 1;
            } else {
                a = next;
                b = a + (i + 1) * W / N - i * W / N;
                i++;
            }
            next = b;
            span->task_first[t] = day + (int)a;
            span->task_last[t] = day + (int)b - 1;
            for (long long k = a; k < b; k++) {
                sp_day *dd = &s->days[day - 1 + k];
                if (push_task(&dd->tasks, &dd->n_tasks, p, t))
                    return -1;
            }
        }
        day += D;
    }
    for (int k = 0; k < s->n_days; k++) {
        sp_day *dd = &s->days[k];
        int rest = dd->n_tasks > 0, study = 0;
        for (size_t i = 0; i < dd->n_tasks; i++) {
            sp_task_kind kind =
                pack->phases[dd->tasks[i].phase].tasks[dd->tasks[i].task].kind;
            rest &= kind == SP_TASK_REST;
            study |= kind == SP_TASK_STUDY;
        }
        dd->is_rest = rest;
        dd->is_study = study;
    }
    return 0;
}

static int introduce(sp_schedule *s, size_t q, int day)
{
    s->intro_day[q] = day;
    sp_day *dd = &s->days[day - 1];
    return push_size(&dd->intro, &dd->n_intro, q);
}

/* Introductions: named questions first, then the others spread. */
static int plan_intros(sp_schedule *s, const sp_pack *pack)
{
    size_t nq = pack->n_questions;
    unsigned char *named = calloc(nq ? nq : 1, 1);
    int *spread_days = malloc((size_t)(s->n_days ? s->n_days : 1)
                              * sizeof *spread_days);
    int rc = -1;
    if (!named || !spread_days)
        goto out;
    for (size_t p = 0; p < pack->n_phases; p++) {
        const sp_phase *ph = &pack->phases[p];
        for (size_t t = 0; t < ph->n_tasks; t++) {
            const sp_task *task = &ph->tasks[t];
            int first = s->phases[p].task_first[t];
            for (size_t j = 0; j < task->n_questions; j++) {
                int qi = task->questions[j];
                if (qi < 0 || (size_t)qi >= nq || named[qi] || first == 0)
                    continue;
                named[qi] = 1;
                int day = next_workday(s, first);
                if (!day)
                    day = prev_workday(s, first);
                if (!day)
                    day = first;        /* only rest days */
                if (day && introduce(s, (size_t)qi, day))
                    goto out;
            }
        }
    }
    int n_spread = 0;
    for (int k = 1; k <= s->n_days; k++)
        if (s->days[k - 1].is_study && !s->days[k - 1].is_rest)
            spread_days[n_spread++] = k;
    if (n_spread == 0)
        for (int k = 1; k <= s->n_days; k++)
            if (!s->days[k - 1].is_rest)
                spread_days[n_spread++] = k;
    if (n_spread == 0)                  /* only rest days: all of them */
        for (int k = 1; k <= s->n_days; k++)
            spread_days[n_spread++] = k;
    size_t m = 0;
    for (size_t q = 0; q < nq; q++)
        m += !named[q];
    size_t j = 0;
    for (size_t q = 0; q < nq && n_spread > 0; q++) {
        if (named[q])
            continue;
        size_t slot = (size_t)((unsigned long long)j * (size_t)n_spread / m);
        if (introduce(s, q, spread_days[slot]))
            goto out;
        j++;
    }
    rc = 0;
out:
    free(named);
    free(spread_days);
    return rc;
}

static int plan_reviews(sp_schedule *s, const sp_pack *pack)
{
    size_t nq = pack->n_questions;
    for (size_t q = 0; q < nq; q++) {
        int intro = s->intro_day[q], last = 0;
        if (!intro)
            continue;
        for (size_t o = 0; o < 4; o++) {
            int t = intro + sp_review_offsets[o];
            if (t > s->n_days)
                break;
            t = next_workday(s, t);     /* moves off rest days */
            if (!t || t == last)
                continue;
            last = t;
            sp_day *dd = &s->days[t - 1];
            if (push_size(&dd->review, &dd->n_review, q))
                return -1;
        }
    }
    /* the final review */
    s->final_day = prev_workday(s, s->n_days);
    if (!s->final_day)
        return 0;
    int hard = 0, medium = 0;
    for (size_t q = 0; q < nq; q++) {
        hard |= pack->questions[q].difficulty == SP_DIFF_HARD;
        medium |= pack->questions[q].difficulty == SP_DIFF_MEDIUM;
    }
    s->final_level = hard ? SP_DIFF_HARD : medium ? SP_DIFF_MEDIUM
                                                  : SP_DIFF_NONE;
    sp_day *fd = &s->days[s->final_day - 1];
    fd->is_final = 1;
    size_t *merged = NULL, n_merged = 0, i = 0;
    for (size_t q = 0; q < nq; q++) {
        int want = s->intro_day[q] > 0 && s->intro_day[q] < s->final_day
                   && (s->final_level == SP_DIFF_NONE
                       || pack->questions[q].difficulty == s->final_level);
        while (i < fd->n_review && fd->review[i] < q)
            if (push_size(&merged, &n_merged, fd->review[i++]))
                goto oom;
        int present = i < fd->n_review && fd->review[i] == q;
        if (present)
            i++;
        if ((want || present) && push_size(&merged, &n_merged, q))
            goto oom;
    }
    while (i < fd->n_review)
        if (push_size(&merged, &n_merged, fd->review[i++]))
            goto oom;
    free(fd->review);
    fd->review = merged;
    fd->n_review = n_merged;
    return 0;
oom:
    free(merged);
    return -1;
}

sp_schedule *sp_schedule_new(const sp_pack *pack, const sp_date *interview)
{
    long total = 0;
    for (size_t p = 0; p < pack->n_phases; p++) {
        total += pack->phases[p].days > 0 ? pack->phases[p].days : 0;
        if (total > MAX_DAYS)
            return NULL;
    }
    sp_schedule *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->n_days = (int)total;
    s->n_phases = pack->n_phases;
    s->n_questions = pack->n_questions;
    s->days = calloc(total ? (size_t)total : 1, sizeof *s->days);
    s->phases = calloc(pack->n_phases ? pack->n_phases : 1, sizeof *s->phases);
    s->intro_day = calloc(pack->n_questions ? pack->n_questions : 1,
                          sizeof *s->intro_day);
    if (!s->days || !s->phases || !s->intro_day)
        goto fail;
    if (interview) {
        s->has_dates = 1;
        s->interview = *interview;
        s->first_day = sp_date_add_days(*interview, -total);
        for (long k = 0; k < total; k++)
            s->days[k].date = sp_date_add_days(s->first_day, k);
    }
    if (lay_out_days(s, pack) || plan_intros(s, pack)
        || plan_reviews(s, pack))
        goto fail;
    return s;
fail:
    sp_schedule_free(s);
    return NULL;
}

/* ---- the plan as text ----------------------------------------------- */

/* Columns taken by UTF-8 text (one per code point). */
static size_t columns(const char *s, size_t len)
{
    size_t c = 0;
    for (size_t i = 0; i < len; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static void sb_text(sp_buf *b, const sp_text *t)
{
    for (size_t i = 0; i < t->n_spans; i++)
        if (t->spans[i].text)
            sp_buf_str(b, t->spans[i].text);
}

enum { WRAP_COLS = 78, LIST_INDENT = 10 };

/* "  LABEL   #4 id, #2 id" wrapped at WRAP_COLS. */
static void card_list(sp_buf *b, const sp_pack *pack, const char *label,
                      const size_t *qs, size_t n)
{
    if (n == 0)
        return;
    sp_buf_printf(b, "  %-*s", LIST_INDENT - 2, label);
    for (size_t i = 0; i < n; i++) {
        const sp_question *q = &pack->questions[qs[i]];
        char item[160];
        int len = snprintf(item, sizeof item, "#%d %s%s", q->number,
                           q->id ? q->id : "", i + 1 < n ? "," : "");
        if (len < 0)
            continue;
        size_t ilen = (size_t)len < sizeof item ? (size_t)len
                                                : sizeof item - 1;
        size_t line = b->oom ? 0 : sp_buf_line_len(b);
        size_t col = b->oom ? 0 : columns(b->p + b->n - line, line);
        if (i > 0) {
            if (col + 1 + columns(item, ilen) > WRAP_COLS)
                sp_buf_printf(b, "\n%*s", LIST_INDENT, "");
            else
                sp_buf_str(b, " ");
        }
        sp_buf_put(b, item, ilen);
    }
    sp_buf_str(b, "\n");
}

char *sp_plan_text(const sp_pack *pack, const sp_schedule *s)
{
    sp_buf b = {0};
    char date[SP_DATEFMT_BUF];
    /* the plan is English text: "Thu 2026-12-24" (datefmt.h) */
    sp_datefmt *df = sp_datefmt_new("en");
    if (!df)
        return NULL;
    sp_buf_printf(&b, "%s\n", pack->meta.title ? pack->meta.title : "");
    sp_buf_printf(&b, "%d day%s in %zu phase%s, %zu card%s\n", s->n_days,
              s->n_days == 1 ? "" : "s", s->n_phases,
              s->n_phases == 1 ? "" : "s", s->n_questions,
              s->n_questions == 1 ? "" : "s");
    if (s->has_dates)
        sp_buf_printf(&b, "Interview: %s\n",
                  sp_datefmt_format(df, SP_DATE_ISO_WEEKDAY, s->interview,
                                    date, sizeof date));
    else if (s->n_days > 0)
        sp_buf_printf(&b, "Interview: the day after Day %d\n", s->n_days);
    else
        sp_buf_str(&b, "Interview: not scheduled (the pack has no timeline)\n");

    for (int k = 0; k < s->n_days; k++) {
        const sp_day *d = &s->days[k];
        const sp_phase *ph = &pack->phases[d->phase];
        sp_buf_printf(&b, "\nDay %d  ", d->number);
        if (s->has_dates)
            sp_buf_printf(&b, "%s  ", sp_datefmt_format(df, SP_DATE_ISO_WEEKDAY,
                                                        d->date, date,
                                                        sizeof date));
        sp_buf_printf(&b, "%s\n", ph->title ? ph->title : "");
        for (size_t i = 0; i < d->n_tasks; i++) {
            const sp_task *t =
                &pack->phases[d->tasks[i].phase].tasks[d->tasks[i].task];
            sp_buf_printf(&b, "  [ ] %s", sp_task_kind_name(t->kind));
            if (t->text.n_spans > 0) {
                sp_buf_str(&b, ": ");
                sb_text(&b, &t->text);
            }
            sp_buf_str(&b, "\n");
        }
        card_list(&b, pack, "new:", d->intro, d->n_intro);
        card_list(&b, pack, "review:", d->review, d->n_review);
        if (d->is_final)
            sp_buf_printf(&b, "  final review: every %scard\n",
                      s->final_level == SP_DIFF_HARD     ? "hard "
                      : s->final_level == SP_DIFF_MEDIUM ? "medium "
                                                         : "");
    }
    sp_datefmt_free(df);
    return sp_buf_take(&b, NULL);
}
