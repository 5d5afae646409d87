/* schedule.c - the study schedule and its plan text (see schedule.h);
 * dates and their parsing are in calendar.c. */
#include "schedule.h"
#include "datefmt.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    for (size_t i = 0; i < s->n_warnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    free(s);
}

/* A day that takes no cards and no reviews. */
static int is_off(const sp_day *d)
{
    return d->is_rest || d->is_free;
}

/* The first day >= FROM that is neither a rest day nor free, or 0. */
static int next_workday(const sp_schedule *s, int from)
{
    for (int k = from < 1 ? 1 : from; k <= s->n_days; k++)
        if (!is_off(&s->days[k - 1]))
            return k;
    return 0;
}

static int prev_workday(const sp_schedule *s, int from)
{
    for (int k = from > s->n_days ? s->n_days : from; k >= 1; k--)
        if (!is_off(&s->days[k - 1]))
            return k;
    return 0;
}

/* New cards may go on a working day that is not the eve. */
static int intro_ok(const sp_day *d)
{
    return !is_off(d) && !d->is_eve;
}

static int next_intro_day(const sp_schedule *s, int from)
{
    for (int k = from < 1 ? 1 : from; k <= s->n_days; k++)
        if (intro_ok(&s->days[k - 1]))
            return k;
    return 0;
}

static int prev_intro_day(const sp_schedule *s, int from)
{
    for (int k = from > s->n_days ? s->n_days : from; k >= 1; k--)
        if (intro_ok(&s->days[k - 1]))
            return k;
    return 0;
}

/* Adds a warning sentence; 0 or -1. */
static int warn(sp_schedule *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int warn(sp_schedule *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(s->warnings, (s->n_warnings + 1) * sizeof *w);
    if (!w)
        return -1;
    s->warnings = w;
    if (!(w[s->n_warnings] = strdup(buf)))
        return -1;
    s->n_warnings++;
    return 0;
}

/* Splits TOTAL into N parts in proportion to W: part i ends at
 * floor(C_{i+1} * TOTAL / S) (C_i the sum of the weights before i, S of
 * all).  A part of weight <= 0 gets nothing; the others get at least one
 * when TOTAL is at least their number (taken from the largest part, the
 * earliest on a tie).  With TOTAL == S each part is its weight. */
static void apportion(const long *w, size_t n, long total, long *out)
{
    long long sum = 0, cum = 0, prev = 0;
    size_t positive = 0;
    for (size_t i = 0; i < n; i++) {
        sum += w[i] > 0 ? w[i] : 0;
        positive += w[i] > 0;
    }
    for (size_t i = 0; i < n; i++) {
        cum += w[i] > 0 ? w[i] : 0;
        long long b = sum ? cum * total / sum : 0;
        out[i] = (long)(b - prev);
        prev = b;
    }
    if ((long long)positive > total)
        return;
    for (size_t i = 0; i < n; i++) {
        while (w[i] > 0 && out[i] < 1) {
            size_t big = 0;
            for (size_t j = 1; j < n; j++)
                if (out[j] > out[big])
                    big = j;
            if (out[big] <= 1)
                return;
            out[big]--;
            out[i]++;
        }
    }
}

/* Puts task T of phase P on the days of SLOT[a..b). */
static int put_task(sp_schedule *s, size_t p, size_t t, const int *slot,
                    long a, long b)
{
    s->phases[p].task_first[t] = slot[a];
    s->phases[p].task_last[t] = slot[b - 1];
    for (long k = a; k < b; k++) {
        sp_day *dd = &s->days[slot[k] - 1];
        if (push_task(&dd->tasks, &dd->n_tasks, p, t))
            return -1;
    }
    return 0;
}

/* Lays the tasks of phase P over its N slots (day numbers SLOT[0..N)):
 * a task with days="N" takes N (scaled with the phase), a rest task
 * without days one, and the others share the rest evenly; with no task
 * to share, the lengths are scaled to fill the phase; with fewer slots
 * than tasks, task t covers [floor(t N / T), floor((t+1) N / T)) and at
 * least its first slot.  W and LEN are scratch arrays of n_tasks. */
static int lay_out_tasks(sp_schedule *s, const sp_pack *pack, size_t p,
                         const int *slot, long n, long *w, long *len)
{
    const sp_phase *ph = &pack->phases[p];
    size_t T = ph->n_tasks;
    long D = ph->days > 0 ? ph->days : 0;
    if (n <= 0 || T == 0)
        return 0;
    if ((size_t)n < T) {
        for (size_t t = 0; t < T; t++) {
            long a = (long)((long long)t * n / (long long)T);
            long b = (long)((long long)(t + 1) * n / (long long)T);
            if (b <= a)
                b = a + 1;
            if (put_task(s, p, t, slot, a, b))
                return -1;
        }
        return 0;
    }
    long fixed = 0;
    size_t n_share = 0, n_fixed = 0;
    for (size_t t = 0; t < T; t++) {
        const sp_task *tk = &ph->tasks[t];
        if (tk->days > 0) {
            long long v = n == D || D == 0
                              ? tk->days
                              : ((long long)tk->days * n + D / 2) / D;
            w[t] = v < 1 ? 1 : (long)v;
        } else {
            w[t] = tk->kind == SP_TASK_REST ? 1 : 0;
        }
        fixed += w[t];
        n_fixed += w[t] > 0;
        n_share += w[t] == 0;
    }
    if (n_share == 0) {
        apportion(w, T, n, len);
    } else {
        if (fixed + (long)n_share > n) {
            apportion(w, T, n - (long)n_share, len);
            fixed = n - (long)n_share;
        } else {
            for (size_t t = 0; t < T; t++)
                len[t] = w[t];
        }
        long long R = n - fixed, N = (long long)n_share, j = 0;
        for (size_t t = 0; t < T; t++) {
            if (w[t] > 0)
                continue;
            len[t] = (long)((j + 1) * R / N - j * R / N);
            j++;
        }
    }
    (void)n_fixed;
    long a = 0;
    for (size_t t = 0; t < T; t++) {
        long b = a + (len[t] > 0 ? len[t] : 1);
        if (b > n) {            /* cannot happen: the lengths sum to n */
            b = n;
            a = b - 1;
        }
        if (put_task(s, p, t, slot, a, b))
            return -1;
        a = b;
    }
    return 0;
}

/* Empties every day's tasks and flags but the free ones. */
static void reset_days(sp_schedule *s)
{
    for (int k = 0; k < s->n_days; k++) {
        sp_day *dd = &s->days[k];
        dd->n_tasks = 0;
        dd->is_rest = dd->is_study = dd->is_added_rest = dd->is_eve = 0;
        dd->phase = (size_t)-1;
    }
}

/* A day's rest and study flags from its tasks. */
static void day_kinds(sp_day *dd, const sp_pack *pack)
{
    int rest = dd->n_tasks > 0, study = 0;
    for (size_t i = 0; i < dd->n_tasks; i++) {
        sp_task_kind kind =
            pack->phases[dd->tasks[i].phase].tasks[dd->tasks[i].task].kind;
        rest &= kind == SP_TASK_REST;
        study |= kind == SP_TASK_STUDY;
    }
    dd->is_rest = rest || dd->is_added_rest;
    dd->is_study = study;
}

/* Lays out phases and tasks over the W slots SLOT[] (ascending day
 * numbers); the other days get no tasks.  FORCED marks the added rest
 * days.  0 or -1. */
static int lay_out_days(sp_schedule *s, const sp_pack *pack, const int *slot,
                        long W, const unsigned char *forced)
{
    size_t P = pack->n_phases, maxT = 1;
    for (size_t p = 0; p < P; p++)
        if (pack->phases[p].n_tasks > maxT)
            maxT = pack->phases[p].n_tasks;
    size_t nw = P > maxT ? P : maxT;
    long *w = malloc(nw * sizeof *w), *len = malloc(nw * sizeof *len);
    long *plen = malloc((P ? P : 1) * sizeof *plen);
    long *pfirst = malloc((P ? P : 1) * sizeof *pfirst);
    int rc = -1;
    if (!w || !len || !plen || !pfirst)
        goto out;
    reset_days(s);
    size_t positive = 0;
    for (size_t p = 0; p < P; p++) {
        w[p] = pack->phases[p].days > 0 ? pack->phases[p].days : 0;
        positive += w[p] > 0;
    }
    if (W >= (long)positive) {
        apportion(w, P, W, plen);
        long a = 0;
        for (size_t p = 0; p < P; p++) {
            pfirst[p] = a;
            a += plen[p];
        }
    } else {
        /* fewer slots than phases: phases share a slot each */
        for (size_t p = 0; p < P; p++) {
            pfirst[p] = (long)((long long)p * W / (long long)P);
            plen[p] = W > 0 ? 1 : 0;
        }
    }
    for (size_t p = 0; p < P; p++) {
        sp_phase_span *span = &s->phases[p];
        size_t T = pack->phases[p].n_tasks;
        if (!span->task_first) {
            span->task_first = calloc(T ? T : 1, sizeof(int));
            span->task_last = calloc(T ? T : 1, sizeof(int));
            if (!span->task_first || !span->task_last)
                goto out;
        }
        memset(span->task_first, 0, (T ? T : 1) * sizeof(int));
        memset(span->task_last, 0, (T ? T : 1) * sizeof(int));
        const int *ps = slot + pfirst[p];
        if (plen[p] > 0) {
            span->first_day = ps[0];
            span->n_days = ps[plen[p] - 1] - ps[0] + 1;
        } else {
            span->first_day = pfirst[p] < W ? slot[pfirst[p]]
                              : s->n_days > 0 ? s->n_days : 1;
            span->n_days = 0;
        }
        for (long k = 0; k < plen[p]; k++)
            if (s->days[ps[k] - 1].phase == (size_t)-1)
                s->days[ps[k] - 1].phase = p;
        if (lay_out_tasks(s, pack, p, ps, plen[p], w, len))
            goto out;
    }
    /* days without a phase of their own (free, added rest) take the next
     * one's, else the previous one's */
    size_t carry = (size_t)-1;
    for (int k = s->n_days - 1; k >= 0; k--) {
        if (s->days[k].phase != (size_t)-1)
            carry = s->days[k].phase;
        else
            s->days[k].phase = carry;
    }
    size_t prevp = 0;
    for (int k = 0; k < s->n_days; k++) {
        sp_day *dd = &s->days[k];
        if (dd->phase == (size_t)-1)
            dd->phase = prevp;
        prevp = dd->phase;
        dd->number = k + 1;
        int d0 = P ? s->phases[dd->phase].first_day : 1;
        dd->day_in_phase = k + 1 - d0 > 0 ? k + 1 - d0 : 0;
        dd->is_added_rest = forced && forced[k];
        day_kinds(dd, pack);
    }
    rc = 0;
out:
    free(w);
    free(len);
    free(plen);
    free(pfirst);
    return rc;
}

/* "study 'Design drills'" for warnings, into BUF. */
static const char *task_name(const sp_task *t, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "%s '", sp_task_kind_name(t->kind));
    for (size_t i = 0; i < t->text.n_spans && n + 1 < cap; i++) {
        const char *x = t->text.spans[i].text;
        for (; x && *x && n + 1 < cap; x++)
            buf[n++] = *x;
    }
    if (n > cap - 8) {       /* long text: cut at a character boundary */
        n = cap - 8;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
            n--;
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    snprintf(buf + n, cap - n, "'");
    return buf;
}

/* The eve is light: its practice and mock tasks end the slot before; one
 * that has no other day moves there (or is dropped with no slot before).
 * SLOT[W-1] is the eve when the eve is a slot. */
static int light_eve(sp_schedule *s, const sp_pack *pack, const int *slot,
                     long W)
{
    int eve = s->n_days;
    if (eve < 1 || W < 1 || slot[W - 1] != eve)
        return 0;
    sp_day *e = &s->days[eve - 1];
    e->is_eve = 1;
    int prev = W >= 2 ? slot[W - 2] : 0;
    size_t keep = 0;
    for (size_t i = 0; i < e->n_tasks; i++) {
        sp_task_ref r = e->tasks[i];
        const sp_task *tk = &pack->phases[r.phase].tasks[r.task];
        if (tk->kind != SP_TASK_PRACTICE && tk->kind != SP_TASK_MOCK) {
            e->tasks[keep++] = r;
            continue;
        }
        sp_phase_span *span = &s->phases[r.phase];
        char name[96], date[SP_DATE_BUF];
        if (span->task_first[r.task] < eve) {
            span->task_last[r.task] = prev;
        } else if (prev) {
            sp_day *pd = &s->days[prev - 1];
            if (push_task(&pd->tasks, &pd->n_tasks, r.phase, r.task))
                return -1;
            span->task_first[r.task] = span->task_last[r.task] = prev;
            day_kinds(pd, pack);
            if (warn(s, "the eve of the interview is light: %s moves to "
                     "the day before (%s)", task_name(tk, name, sizeof name),
                     sp_date_format(pd->date, date, sizeof date)))
                return -1;
        } else {
            span->task_first[r.task] = span->task_last[r.task] = 0;
            if (warn(s, "the eve of the interview is light: %s is dropped "
                     "(there is no other day)",
                     task_name(tk, name, sizeof name)))
                return -1;
        }
    }
    e->n_tasks = keep;
    day_kinds(e, pack);
    return 0;
}

/* The weekly rule, on the calendar: the seventh day of every run of days
 * that are not free becomes an added rest day. */
static void weekly_rests(const sp_schedule *s, unsigned char *forced)
{
    int run = 0;
    for (int k = 0; k < s->n_days; k++) {
        if (s->days[k].is_free) {
            run = 0;
        } else if (++run == 7) {
            forced[k] = 1;
            run = 0;
        }
    }
}

/* Phase P's span from its tasks' days (when any is placed). */
static void phase_span_from_tasks(sp_schedule *s, const sp_pack *pack,
                                  size_t p)
{
    int first = 0, last = 0;
    for (size_t t = 0; t < pack->phases[p].n_tasks; t++) {
        int a = s->phases[p].task_first[t], z = s->phases[p].task_last[t];
        if (a > 0 && (first == 0 || a < first))
            first = a;
        if (z > last)
            last = z;
    }
    if (first > 0) {
        s->phases[p].first_day = first;
        s->phases[p].n_days = last - first + 1;
    }
}

/* Day K's day_in_phase from its phase's span. */
static void day_place(sp_schedule *s, int k)
{
    sp_day *dd = &s->days[k - 1];
    int d0 = s->phases[dd->phase].first_day;
    dd->day_in_phase = k - d0 > 0 ? k - d0 : 0;
}

/* 1 if every task on day K starts there (FIRST) or ends there (!FIRST). */
static int tasks_edge(const sp_schedule *s, int k, int first)
{
    const sp_day *d = &s->days[k - 1];
    for (size_t i = 0; i < d->n_tasks; i++) {
        const sp_phase_span *sp = &s->phases[d->tasks[i].phase];
        int at = first ? sp->task_first[d->tasks[i].task]
                       : sp->task_last[d->tasks[i].task];
        if (at != k)
            return 0;
    }
    return d->n_tasks > 0;
}

/* Working days in a row from day K going by STEP (+1 or -1). */
static int run_from(const sp_schedule *s, int k, int step)
{
    int n = 0;
    for (; k >= 1 && k <= s->n_days && !is_off(&s->days[k - 1]); k += step)
        n++;
    return n;
}

/* An added rest day F next to a rest day R of the source's: the source's
 * rest moves onto F and R works, taking the tasks of the working day on
 * its other side W (which start or end a day earlier or later), so that
 * the plan does not rest twice in a row.  0 or -1. */
static int merge_rest(sp_schedule *s, const sp_pack *pack, int f, int r,
                      int w)
{
    sp_day *fd = &s->days[f - 1], *rd = &s->days[r - 1];
    sp_day *wd = &s->days[w - 1];
    sp_task_ref *buf = fd->tasks;
    fd->tasks = rd->tasks;
    fd->n_tasks = rd->n_tasks;
    rd->tasks = buf;
    rd->n_tasks = 0;
    for (size_t i = 0; i < fd->n_tasks; i++) {
        sp_phase_span *sp = &s->phases[fd->tasks[i].phase];
        sp->task_first[fd->tasks[i].task] = f;
        sp->task_last[fd->tasks[i].task] = f;
    }
    for (size_t i = 0; i < wd->n_tasks; i++) {
        sp_task_ref t = wd->tasks[i];
        if (push_task(&rd->tasks, &rd->n_tasks, t.phase, t.task))
            return -1;
        if (w > r)
            s->phases[t.phase].task_first[t.task] = r;
        else
            s->phases[t.phase].task_last[t.task] = r;
    }
    fd->is_added_rest = 0;
    day_kinds(fd, pack);
    day_kinds(rd, pack);
    fd->phase = fd->tasks[0].phase;
    rd->phase = wd->phase;
    phase_span_from_tasks(s, pack, fd->phase);
    phase_span_from_tasks(s, pack, rd->phase);
    day_place(s, f);
    day_place(s, r);
    return 0;
}

/* Merges each added rest day with a source rest day beside it, when the
 * weekly rule still holds (it does with rests on the calendar's every
 * seventh day) and the eve stays light.  0 or -1. */
static int merge_rests(sp_schedule *s, const sp_pack *pack)
{
    int n = s->n_days;
    for (int f = 1; f <= n; f++) {
        if (!s->days[f - 1].is_added_rest)
            continue;
        for (int side = -1; side <= 1; side += 2) {
            int r = f + side, w = f + 2 * side;
            if (w < 1 || w > n)
                continue;
            const sp_day *rd = &s->days[r - 1], *wd = &s->days[w - 1];
            if (!rd->is_rest || rd->is_added_rest || rd->is_free
                || is_off(wd) || !tasks_edge(s, r, 1)
                || !tasks_edge(s, r, 0) || !tasks_edge(s, w, side > 0))
                continue;
            /* R works: the run through it stays under seven days */
            if (1 + run_from(s, w, side) > 6)
                continue;
            if (merge_rest(s, pack, f, r, w))
                return -1;
            break;
        }
    }
    return 0;
}

/* Warnings about what fitting merged: phases sharing days, phases with
 * fewer days than tasks.  SLOT_OF[k] is day k+1's slot index or -1. */
static int fit_warnings(sp_schedule *s, const sp_pack *pack, long W)
{
    size_t P = pack->n_phases;
    char date[SP_DATE_BUF];
    if (s->n_days == 0)
        return warn(s, "the plan has no days: the start is not before the "
                    "interview");
    if (W == 0)
        return warn(s, "no day is left for tasks: every day from %s to the "
                    "interview is free", sp_date_format(s->first_day, date,
                                                        sizeof date));
    size_t positive = 0;
    for (size_t p = 0; p < P; p++)
        positive += pack->phases[p].days > 0;
    if (W < (long)positive) {
        for (size_t p = 0; p < P;) {
            size_t q = p + 1;
            while (q < P && s->phases[q].first_day == s->phases[p].first_day)
                q++;
            if (q - p > 1) {
                char names[400];
                size_t n = 0;
                for (size_t i = p; i < q && n < sizeof names; i++)
                    n += (size_t)snprintf(names + n, sizeof names - n,
                                          "%s'%s'",
                                          i == p ? ""
                                          : i + 1 == q ? " and " : ", ",
                                          pack->phases[i].id
                                              ? pack->phases[i].id : "");
                if (warn(s, "phases %s share 1 day (%s): %ld day%s for %zu "
                         "phases", names,
                         sp_date_format(s->days[s->phases[p].first_day - 1]
                                            .date, date, sizeof date),
                         W, W == 1 ? "" : "s", P))
                    return -1;
            }
            p = q;
        }
        return 0;
    }
    for (size_t p = 0; p < P; p++) {
        const sp_phase *ph = &pack->phases[p];
        long n = 0;
        for (int k = 0; k < s->n_days; k++)
            for (size_t i = 0; i < s->days[k].n_tasks; i++)
                if (s->days[k].tasks[i].phase == p) {
                    n++;
                    break;
                }
        if ((size_t)n >= ph->n_tasks || (size_t)ph->days < ph->n_tasks)
            continue;
        /* name the tasks of the first day that several of them share */
        char names[400] = "", one[96], when[SP_DATE_BUF] = "";
        for (int k = 0; k < s->n_days && !*names; k++) {
            const sp_day *dd = &s->days[k];
            size_t mine = 0;
            for (size_t i = 0; i < dd->n_tasks; i++)
                mine += dd->tasks[i].phase == p;
            if (mine < 2)
                continue;
            size_t len = 0, j = 0;
            for (size_t i = 0; i < dd->n_tasks && len < sizeof names; i++) {
                if (dd->tasks[i].phase != p)
                    continue;
                task_name(&ph->tasks[dd->tasks[i].task], one, 64);
                len += (size_t)snprintf(names + len, sizeof names - len,
                                        "%s%s", j == 0 ? ""
                                                : j + 1 == mine ? " and "
                                                                : ", ", one);
                j++;
            }
            sp_date_format(dd->date, when, sizeof when);
        }
        if (warn(s, "phase '%s' has %ld day%s for its %zu tasks: %s share %s",
                 ph->id ? ph->id : "", n, n == 1 ? "" : "s", ph->n_tasks,
                 *names ? names : "tasks", *when ? when : "days"))
            return -1;
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
                int day = next_intro_day(s, first);
                if (!day)
                    day = prev_intro_day(s, first);
                if (!day)
                    day = next_workday(s, first);
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
        if (s->days[k - 1].is_study && intro_ok(&s->days[k - 1]))
            spread_days[n_spread++] = k;
    if (n_spread == 0)
        for (int k = 1; k <= s->n_days; k++)
            if (intro_ok(&s->days[k - 1]))
                spread_days[n_spread++] = k;
    if (n_spread == 0)
        for (int k = 1; k <= s->n_days; k++)
            if (!is_off(&s->days[k - 1]))
                spread_days[n_spread++] = k;
    if (n_spread == 0)                  /* only rest days: all of them */
        for (int k = 1; k <= s->n_days; k++)
            if (!s->days[k - 1].is_free)    /* free days never have cards */
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

/* ---- fitting ------------------------------------------------------- */

/* A day that is free under C: not a study weekday, or skipped (2). */
static int free_kind(const sp_constraints *c, long day)
{
    if (sp_skip_has(c->skip, c->n_skip, day))
        return 2;
    unsigned mask = c->study_days & SP_WEEK_ALL;
    int w = sp_date_weekday(sp_date_from_days(day));
    return mask && !(mask & SP_WEEKDAY_BIT(w));
}

/* The window of a fitted plan: its first day (days since 1970) and
 * length, from the dates given and the source's TOTAL days. */
static void fit_window(const sp_constraints *c, long total, long *first,
                       long *len)
{
    if (c->start && c->interview) {
        long a = sp_date_to_days(*c->start);
        long z = sp_date_to_days(*c->interview);
        *len = z - a < 0 ? 0 : z - a;
        if (*len > SP_MAX_WINDOW_DAYS)
            *len = SP_MAX_WINDOW_DAYS;
        *first = z - *len;
        return;
    }
    long n = 0, count = 0;
    if (c->start) {
        long a = sp_date_to_days(*c->start);
        while (count < total && n < SP_MAX_WINDOW_DAYS)
            count += !free_kind(c, a + n++);
        *first = a;
    } else {
        long z = sp_date_to_days(*c->interview);
        while (count < total && n < SP_MAX_WINDOW_DAYS)
            count += !free_kind(c, z - ++n);
        *first = z - n;
    }
    *len = n;
}

static int fit(sp_schedule *s, const sp_pack *pack, const sp_constraints *c,
               long total)
{
    long first, L, W = 0;
    fit_window(c, total, &first, &L);
    s->fitted = 1;
    s->has_dates = 1;
    s->n_days = (int)L;
    s->first_day = sp_date_from_days(first);
    s->interview = sp_date_from_days(first + L);
    s->days = calloc(L ? (size_t)L : 1, sizeof *s->days);
    int *slot = calloc(L ? (size_t)L : 1, sizeof *slot);
    unsigned char *forced = calloc(L ? (size_t)L : 1, 1);
    int rc = -1;
    if (!s->days || !slot || !forced)
        goto out;
    for (long k = 0; k < L; k++) {
        sp_day *dd = &s->days[k];
        int f = free_kind(c, first + k);
        dd->date = sp_date_from_days(first + k);
        dd->is_free = f != 0;
        dd->is_skipped = f == 2;
        s->n_free += f != 0;
    }
    weekly_rests(s, forced);
    for (long k = 0; k < L; k++)
        if (!s->days[k].is_free && !forced[k])
            slot[W++] = (int)k + 1;
    if (lay_out_days(s, pack, slot, W, forced)
        || light_eve(s, pack, slot, W) || merge_rests(s, pack))
        goto out;
    W = 0;
    for (long k = 0; k < L; k++)
        W += !s->days[k].is_free && !s->days[k].is_added_rest;
    s->n_slots = (int)W;
    rc = fit_warnings(s, pack, W);
out:
    free(slot);
    free(forced);
    return rc;
}

sp_schedule *sp_schedule_fit(const sp_pack *pack, const sp_constraints *c)
{
    long total = 0;
    for (size_t p = 0; p < pack->n_phases; p++) {
        total += pack->phases[p].days > 0 ? pack->phases[p].days : 0;
        if (total > MAX_DAYS)
            return NULL;
    }
    const sp_date *interview = c ? c->interview : NULL;
    int fitted = c && (c->interview || c->start) && total > 0
                 && (c->start || c->n_skip
                     || ((c->study_days & SP_WEEK_ALL) != 0
                         && (c->study_days & SP_WEEK_ALL) != SP_WEEK_ALL));
    sp_schedule *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->n_phases = pack->n_phases;
    s->n_questions = pack->n_questions;
    s->phases = calloc(pack->n_phases ? pack->n_phases : 1, sizeof *s->phases);
    s->intro_day = calloc(pack->n_questions ? pack->n_questions : 1,
                          sizeof *s->intro_day);
    if (!s->phases || !s->intro_day)
        goto fail;
    if (fitted) {
        if (fit(s, pack, c, total))
            goto fail;
    } else {
        s->n_days = (int)total;
        s->n_slots = (int)total;
        s->days = calloc(total ? (size_t)total : 1, sizeof *s->days);
        int *slot = malloc((total ? (size_t)total : 1) * sizeof *slot);
        if (!s->days || !slot) {
            free(slot);
            goto fail;
        }
        if (interview) {
            s->has_dates = 1;
            s->interview = *interview;
            s->first_day = sp_date_add_days(*interview, -total);
            for (long k = 0; k < total; k++)
                s->days[k].date = sp_date_add_days(s->first_day, k);
        }
        for (long k = 0; k < total; k++)
            slot[k] = (int)k + 1;
        int rc = lay_out_days(s, pack, slot, total, NULL);
        free(slot);
        if (rc)
            goto fail;
    }
    if (plan_intros(s, pack) || plan_reviews(s, pack))
        goto fail;
    if (s->fitted && s->n_days > 0) {
        size_t missing = 0;
        for (size_t q = 0; q < pack->n_questions; q++)
            missing += s->intro_day[q] == 0;
        if (missing && warn(s, "%zu question%s not introduced: no day is "
                            "left for %s", missing,
                            missing == 1 ? " is" : "s are",
                            missing == 1 ? "it" : "them"))
            goto fail;
    }
    return s;
fail:
    sp_schedule_free(s);
    return NULL;
}

sp_schedule *sp_schedule_new(const sp_pack *pack, const sp_date *interview)
{
    sp_constraints c;
    memset(&c, 0, sizeof c);
    c.interview = interview;
    return sp_schedule_fit(pack, &c);
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
    if (s->fitted)
        sp_buf_printf(&b, "Start: %s\n",
                      sp_date_format(s->first_day, date, sizeof date));
    if (s->n_free > 0)
        sp_buf_printf(&b, "Free days: %d\n", s->n_free);

    for (int k = 0; k < s->n_days; k++) {
        const sp_day *d = &s->days[k];
        const sp_phase *ph = &pack->phases[d->phase];
        sp_buf_printf(&b, "\nDay %d  ", d->number);
        if (s->has_dates)
            sp_buf_printf(&b, "%s  ", sp_date_format(d->date, date, sizeof date));
        if (d->is_free) {
            sp_buf_printf(&b, "free day%s\n",
                          d->is_skipped ? " (skipped)" : "");
            continue;
        }
        sp_buf_printf(&b, "%s\n", ph->title ? ph->title : "");
        if (d->is_added_rest)
            sp_buf_str(&b, "  rest day (at least one in seven)\n");
        if (d->is_eve && !d->is_rest)
            sp_buf_str(&b, "  light day: no new cards, no practice or mock\n");
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
