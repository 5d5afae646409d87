/* export_ics.c - the plan as an iCalendar file, written by hand to RFC
 * 5545: CRLF line ends, content lines folded at 75 octets (never inside
 * a UTF-8 sequence), TEXT values escaped, one all-day VEVENT per plan day
 * (DTSTART;VALUE=DATE with the exclusive DTEND of the next day), a
 * stable UID per pack, date and student, one DTSTAMP in UTC taken from
 * the input's time stamp (see exporter.h). */
#include "exporter.h"

#include <stdio.h>
#include <string.h>

/* Appends one content line LINE (without its end) folded: at most 75
 * octets per physical line, continuation lines starting with a space. */
static void fold(sp_buf *out, const char *line, size_t len)
{
    size_t max = 75;
    while (len > max) {
        size_t cut = max;
        /* back to the start of a UTF-8 sequence */
        while (cut > 0 && ((unsigned char)line[cut] & 0xc0) == 0x80)
            cut--;
        sp_buf_put(out, line, cut);
        sp_buf_str(out, "\r\n ");
        line += cut;
        len -= cut;
        max = 74;
    }
    sp_buf_put(out, line, len);
    sp_buf_str(out, "\r\n");
}

/* NAME:VALUE with VALUE escaped as TEXT (\\ \; \, \n). */
static void text_prop(sp_buf *out, const char *name, const char *value)
{
    sp_buf l = {0};
    sp_buf_str(&l, name);
    sp_buf_put(&l, ":", 1);
    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '\\': sp_buf_str(&l, "\\\\"); break;
        case ';': sp_buf_str(&l, "\\;"); break;
        case ',': sp_buf_str(&l, "\\,"); break;
        case '\n': sp_buf_str(&l, "\\n"); break;
        case '\r': break;
        default:
            if ((unsigned char)*p >= 0x20 || *p == '\t')
                sp_buf_put(&l, p, 1);
        }
    }
    if (l.p && !l.oom)
        fold(out, l.p, l.n);
    out->oom |= l.oom;
    sp_buf_release(&l);
}

static void raw_prop(sp_buf *out, const char *line)
{
    fold(out, line, strlen(line));
}

static void plain(sp_buf *b, const sp_text *t)
{
    for (size_t i = 0; i < t->n_spans; i++)
        sp_buf_str(b, t->spans[i].text);
}

/* UID-safe: letters, digits, '-' and '.' kept, others as '-'. */
static void uid_part(sp_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '-' || c == '.';
        sp_buf_put(b, ok ? s : "-", 1);
    }
}

static void card_list(sp_buf *b, const sp_pack *p, const size_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sp_question *q = &p->questions[v[i]];
        sp_buf_printf(b, "%s#%d %s", i ? ", " : "", q->number, q->id);
    }
}

char *sp_export_ics(const sp_pack *p, const sp_schedule *s,
                    const sp_export_opts *o, long long epoch, size_t *len,
                    sp_diags *d)
{
    if (!s->has_dates) {
        sp_diag_add(d, SP_D_USAGE, p->file, 0, 0, "a calendar needs dates: "
                    "give --interview-date YYYY-MM-DD");
        return NULL;
    }
    sp_buf b = {0};
    raw_prop(&b, "BEGIN:VCALENDAR");
    raw_prop(&b, "VERSION:2.0");
    raw_prop(&b, "PRODID:-//studypack//studypack " SP_VERSION "//EN");
    raw_prop(&b, "CALSCALE:GREGORIAN");
    raw_prop(&b, "METHOD:PUBLISH");
    text_prop(&b, "X-WR-CALNAME", p->meta.title);
    sp_date sd = sp_date_from_days(epoch / 86400);
    long secs = (long)(epoch % 86400);
    char stamp[64];
    snprintf(stamp, sizeof stamp, "DTSTAMP:%04d%02d%02dT%02ld%02ld%02ldZ",
             sd.year, sd.month, sd.day, secs / 3600, secs / 60 % 60,
             secs % 60);
    char iso[SP_DATE_BUF];
    for (int k = 0; k < s->n_days; k++) {
        const sp_day *day = &s->days[k];
        if (day->is_free)
            continue;   /* not a study day of a personal plan: no event */
        sp_date next = sp_date_add_days(day->date, 1);
        raw_prop(&b, "BEGIN:VEVENT");
        sp_buf l = {0};
        sp_buf_printf(&l, "UID:%04d%02d%02d-", day->date.year,
                      day->date.month, day->date.day);
        uid_part(&l, p->id);
        if (o->student && *o->student) {
            sp_buf_put(&l, "-", 1);
            uid_part(&l, o->student);
        }
        sp_buf_str(&l, "@studypack");
        if (l.p)
            raw_prop(&b, l.p);
        sp_buf_release(&l);
        raw_prop(&b, stamp);
        char line[64];
        snprintf(line, sizeof line, "DTSTART;VALUE=DATE:%04d%02d%02d",
                 day->date.year, day->date.month, day->date.day);
        raw_prop(&b, line);
        snprintf(line, sizeof line, "DTEND;VALUE=DATE:%04d%02d%02d",
                 next.year, next.month, next.day);
        raw_prop(&b, line);
        /* the summary: the day's tasks */
        sp_buf sum = {0}, desc = {0};
        const sp_phase *ph = &p->phases[day->phase];
        sp_buf_printf(&desc, "Day %d of %d (%s), interview %s.\n",
                      day->number, s->n_days, ph->title,
                      sp_date_iso(s->interview, iso, sizeof iso));
        for (size_t t = 0; t < day->n_tasks; t++) {
            const sp_task *task =
                &p->phases[day->tasks[t].phase].tasks[day->tasks[t].task];
            sp_buf_str(&sum, t ? "; " : "");
            plain(&sum, &task->text);
            sp_buf_printf(&desc, "%s: ", sp_task_kind_name(task->kind));
            plain(&desc, &task->text);
            sp_buf_put(&desc, "\n", 1);
        }
        if (!sum.n)
            sp_buf_str(&sum, day->is_rest ? "Rest" : "Study");
        if (day->n_intro) {
            sp_buf_str(&desc, "Learn: ");
            card_list(&desc, p, day->intro, day->n_intro);
            sp_buf_put(&desc, "\n", 1);
        }
        if (day->n_review) {
            sp_buf_str(&desc, "Review: ");
            card_list(&desc, p, day->review, day->n_review);
            sp_buf_put(&desc, "\n", 1);
        }
        if (day->is_final)
            sp_buf_printf(&desc, "Final review: %s cards.\n",
                          s->final_level == SP_DIFF_HARD     ? "the hard"
                          : s->final_level == SP_DIFF_MEDIUM ? "the medium"
                                                             : "all");
        if (desc.n && desc.p[desc.n - 1] == '\n')
            desc.p[--desc.n] = '\0';
        text_prop(&b, "SUMMARY", sum.p ? sum.p : "");
        text_prop(&b, "DESCRIPTION", desc.p ? desc.p : "");
        b.oom |= sum.oom | desc.oom;
        sp_buf_release(&sum);
        sp_buf_release(&desc);
        raw_prop(&b, "TRANSP:TRANSPARENT");
        raw_prop(&b, "END:VEVENT");
    }
    raw_prop(&b, "END:VCALENDAR");
    return sp_buf_take(&b, len);
}
