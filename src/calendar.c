/* calendar.c - dates, weekday masks and skipped dates (see schedule.h):
 * the calendar arithmetic the schedule is built on. */
#include "schedule.h"

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

const char *sp_weekday_abbr(int weekday)
{
    static const char *const names[7] = {"Sun", "Mon", "Tue", "Wed",
                                         "Thu", "Fri", "Sat"};
    return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

char *sp_date_iso(sp_date d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

char *sp_date_format(sp_date d, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s %04d-%02d-%02d", sp_weekday_abbr(sp_date_weekday(d)),
             d.year, d.month, d.day);
    return buf;
}

/* ---- constraints ------------------------------------------------------ */

static const char *const weekday_names[7] = {"sun", "mon", "tue", "wed",
                                             "thu", "fri", "sat"};

/* The weekday named by the three letters at S, or -1. */
static int weekday_at(const char *s)
{
    for (int w = 0; w < 7; w++) {
        int ok = 1;
        for (int i = 0; i < 3 && ok; i++) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            ok = c == weekday_names[w][i];
        }
        if (ok)
            return w;
    }
    return -1;
}

int sp_weekdays_parse(const char *s, unsigned *mask, const char **why)
{
    unsigned m = 0;
    const char *p = s;
    if (!s || !*s)
        goto bad;
    for (;;) {
        int a = strlen(p) >= 3 ? weekday_at(p) : -1;
        if (a < 0)
            goto bad;
        p += 3;
        int b = a;
        if (*p == '-') {
            b = strlen(p + 1) >= 3 ? weekday_at(p + 1) : -1;
            if (b < 0)
                goto bad;
            p += 4;
        }
        for (int w = a;; w = (w + 1) % 7) {
            m |= SP_WEEKDAY_BIT(w);
            if (w == b)
                break;
        }
        if (*p == '\0')
            break;
        if (*p != ',')
            goto bad;
        p++;
    }
    *mask = m;
    return 0;
bad:
    if (why)
        *why = "expected weekdays such as mon-fri or mon,wed,sat";
    return -1;
}

int sp_skip_parse(const char *s, sp_day_range **out, size_t *n,
                  const char **why)
{
    enum { MAX_RANGES = 1000 };
    const char *reason = "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, "
                         "separated by commas";
    sp_day_range *r = NULL;
    size_t k = 0;
    const char *p = s;
    if (!s || !*s)
        goto bad;
    for (;;) {
        char a[11], b[11];
        size_t la = strcspn(p, ".,");
        if (la != 10)
            goto bad;
        memcpy(a, p, 10);
        a[10] = '\0';
        p += 10;
        memcpy(b, a, 11);
        if (p[0] == '.' && p[1] == '.') {
            p += 2;
            if (strcspn(p, ".,") != 10)
                goto bad;
            memcpy(b, p, 10);
            b[10] = '\0';
            p += 10;
        } else if (*p == '.') {
            goto bad;
        }
        sp_date da, db;
        const char *w = NULL;
        if (sp_date_parse(a, &da, &w) || sp_date_parse(b, &db, &w)) {
            reason = w ? w : reason;
            goto bad;
        }
        long x = sp_date_to_days(da), y = sp_date_to_days(db);
        if (y < x) {
            reason = "a range ends before it starts";
            goto bad;
        }
        if (y - x >= SP_MAX_WINDOW_DAYS) {
            reason = "a range is longer than ten years";
            goto bad;
        }
        if (k == MAX_RANGES) {
            reason = "more than 1000 dates or ranges";
            goto bad;
        }
        sp_day_range *nr = realloc(r, (k + 1) * sizeof *nr);
        if (!nr) {
            reason = "out of memory";
            goto bad;
        }
        r = nr;
        r[k].first = x;
        r[k].last = y;
        k++;
        if (*p == '\0')
            break;
        if (*p != ',')
            goto bad;
        p++;
    }
    *out = r;
    *n = k;
    return 0;
bad:
    free(r);
    if (why)
        *why = reason;
    return -1;
}

int sp_skip_has(const sp_day_range *r, size_t n, long day)
{
    for (size_t i = 0; i < n; i++)
        if (day >= r[i].first && day <= r[i].last)
            return 1;
    return 0;
}
