/* schedule.h - calendar dates and the day-by-day study schedule.
 *
 * Pure code: nothing here reads the clock, the environment or files, so a
 * schedule depends only on the pack and the interview date given.
 *
 * Dates are proleptic Gregorian, years 1 to 9999.
 *
 * The schedule of a pack (see model.h and the source format's "Dates"):
 *   - Phases run back to back.  Day 1 is the first day of the first phase;
 *     n_days is the sum of the phases' days; the interview is the day after
 *     the last day.  With an interview date D, day k falls on
 *     D - n_days + (k - 1); without one, days are only numbered.
 *   - A phase's tasks cover its days in order.  A rest task is one day
 *     off: in a phase of D days with R rest tasks among T (0 < R < T and
 *     D >= T), each rest task gets one day and the other tasks, numbered
 *     j = 0..T-R-1 among themselves, get floor((j+1)*W/N) - floor(j*W/N)
 *     days each (W = D - R, N = T - R).  Otherwise (only rest tasks, or
 *     fewer days than tasks) task k (0-based) covers days
 *     [floor(k*D/T), floor((k+1)*D/T)) of the phase, and at least its first
 *     day (when T > D several tasks share a day).
 *   - A rest day is a day all of whose tasks are of kind rest; a study day
 *     one with at least one task of kind study.
 *   - Each question is introduced on the first day of the first task
 *     naming it (or, if that is a rest day, the next day that is not; if
 *     there is none, the last one before it).  Questions no task names are
 *     spread evenly, in document order, over the study days (if there are
 *     none, over the days that are not rest days): the j-th of m goes to
 *     study day floor(j * N / m) of N.  Rest days get no new cards,
 *     unless every day is a rest day: then the named questions are
 *     introduced on their task's first day and the others spread over all
 *     days (the rules warn about such a timeline).
 *   - Every question comes back for review 1, 3, 7 and 14 days after its
 *     introduction while that is before the interview; a review falling on
 *     a rest day moves to the next day that is not one, or is dropped if
 *     the interview comes first.
 *   - The final review: the last day that is not a rest day (normally the
 *     day before the interview) also reviews every hard card introduced
 *     before it; if the pack has no hard cards, every medium card; if it
 *     has neither, every card.
 *   Within a day, introductions are listed in task order (each task's
 *   questions as the task names them), then the spread ones in document
 *   order; reviews in document order (question index), without repeats.
 *   A task with days="N" takes N days of its phase (a rest task without
 *   days takes one); the tasks without a length share the rest as above.
 *
 * A personal plan (sp_schedule_fit with a start date, study weekdays or
 * skipped dates; "fitted" below):
 *   - The window: from the start to the day before the interview.  With
 *     a start only, the window starts there and holds as many days that
 *     are not free as the source has days; with an interview only, it
 *     ends the day before the interview and holds that many.  Days are
 *     numbered from 1 over the whole window, free days included.
 *   - A free day (its weekday is not a study day, or it is skipped) has
 *     no tasks, no cards and no reviews.  The other days are the slots.
 *   - Phases keep their order and take the slots in proportion to their
 *     days: with W slots and phase days d_p (sum D), phase p gets
 *     floor(C_{p+1} W / D) - floor(C_p W / D) slots (C_p = d_0 + ... +
 *     d_{p-1}), and at least one when W >= the number of phases (taken
 *     from the phase with the most, the earliest on a tie).  With fewer
 *     slots than phases, phase p shares slot floor(p W / P) with the
 *     others there (a warning names them).  With W == D the phases keep
 *     their own lengths.  Within a phase the task rules above apply over
 *     its slots; a task's days="N" scales with its phase
 *     (round(N d'/d), at least 1).
 *   - The eve (the day before the interview) is light: no new cards and
 *     no practice or mock task.  A practice or mock task whose only day
 *     would be the eve moves to the slot before it (a warning says so).
 *   - Rest: no run of seven days without a rest or free day.  On the
 *     calendar, the seventh day of every run of days that are not free
 *     becomes a rest day with no tasks (is_added_rest) before the tasks
 *     are laid out over the other days.  Where a rest task of the source
 *     then lands right beside an added rest day, the two merge: the rest
 *     task takes the added day and its own day goes to the neighbouring
 *     task (which starts a day earlier or ends a day later), so the plan
 *     does not rest twice in a row (unless the rule needs both, or the
 *     source rests on the eve).
 *   - Reviews follow the same spaced rule over calendar days, moving off
 *     rest and free days.  New cards never go on the eve while another
 *     day is left.
 *   - Every problem of fitting is a warning string in the schedule
 *     (warnings[]): phases sharing days, a phase with fewer days than
 *     tasks, a task moved off the eve or dropped, a window with no day
 *     left.
 *
 * Who may include: build/booklet pages, main (the plan command), tests.
 * Files: src/calendar.c (dates, weekday masks, skip lists) and
 * src/schedule.c (the schedule, fitting, the plan text).
 * Ownership: sp_schedule_new returns a schedule that owns all its arrays
 * (warnings included);
 * free it with sp_schedule_free.  It keeps no pointer into the pack (all
 * questions, phases and tasks are indexes), but it is only meaningful
 * with the pack it was made from.  Read-only after creation.
 */
#ifndef SP_SCHEDULE_H
#define SP_SCHEDULE_H

#include <stddef.h>

#include "model.h"

/* ---- dates ---------------------------------------------------------- */

typedef struct {
    int year, month, day;       /* 2026, 1..12, 1..31 */
} sp_date;

/* 1 if Y-M-D is a real day (years 1..9999). */
int sp_date_valid(int year, int month, int day);

/* Parses strict YYYY-MM-DD (exactly ten characters, zero-padded, a real
 * day).  Returns 0, or -1 and, if WHY is not NULL, a static English
 * reason ("expected YYYY-MM-DD", "month out of range", "no such day in
 * that month"). */
int sp_date_parse(const char *s, sp_date *out, const char **why);

/* Days since 1970-01-01 (negative before), and back. */
long sp_date_to_days(sp_date d);
sp_date sp_date_from_days(long days);
sp_date sp_date_add_days(sp_date d, long n);

/* 0 = Sunday .. 6 = Saturday. */
int sp_date_weekday(sp_date d);

/* "Sun", "Mon", ...; "?" for a value outside 0..6. */
const char *sp_weekday_abbr(int weekday);

enum { SP_DATE_BUF = 16 };
/* "Sun 2026-11-29" and "2026-11-29" into BUF (SP_DATE_BUF bytes suffice);
 * return BUF.  These are for the terminal (the plan command, diagnostics);
 * every date on a page comes from datefmt.h, in the pack's language. */
char *sp_date_format(sp_date d, char *buf, size_t cap);
char *sp_date_iso(sp_date d, char *buf, size_t cap);

/* ---- the schedule --------------------------------------------------- */

typedef struct {
    size_t phase, task;         /* indexes into pack->phases[].tasks[] */
} sp_task_ref;

typedef struct {
    int number;                 /* 1-based */
    sp_date date;               /* only if the schedule has_dates */
    size_t phase;               /* index into pack->phases */
    int day_in_phase;           /* 0-based */
    sp_task_ref *tasks;         /* the tasks active this day, in order */
    size_t n_tasks;
    size_t *intro;              /* questions introduced (pack indexes) */
    size_t n_intro;
    size_t *review;             /* questions to review, ascending */
    size_t n_review;
    int is_rest, is_study;
    int is_final;               /* holds the final review */
    int is_free;                /* fitted: not a study weekday or skipped;
                                   no tasks, cards or reviews */
    int is_skipped;             /* free because of --skip */
    int is_added_rest;          /* a rest day the weekly rule added */
    int is_eve;                 /* fitted: the light day before the
                                   interview */
} sp_day;

typedef struct {
    int first_day;              /* 1-based */
    int n_days;
    int *task_first, *task_last;  /* per task: 1-based days, inclusive */
} sp_phase_span;

typedef struct {
    int n_days;
    sp_day *days;               /* days[k - 1] is day k */
    size_t n_phases;
    sp_phase_span *phases;
    int has_dates;
    sp_date first_day;          /* date of day 1 (if has_dates) */
    sp_date interview;          /* (if has_dates) */
    size_t n_questions;
    int *intro_day;             /* per question: its day, 0 = never */
    int final_day;              /* the final review's day, 0 = none */
    sp_difficulty final_level;  /* HARD, MEDIUM, or NONE = every card */
    int fitted;                 /* made by sp_schedule_fit with
                                   constraints (see above) */
    int n_free;                 /* free days in the window */
    int n_slots;                /* days that take tasks (neither free nor
                                   added rest) */
    char **warnings;            /* fitting problems, English sentences */
    size_t n_warnings;
} sp_schedule;

/* Review offsets, in days after the introduction. */
extern const int sp_review_offsets[4];

/* Builds the schedule of PACK.  INTERVIEW may be NULL (relative days).
 * Returns NULL only when out of memory (or a timeline over 100,000 days). */
sp_schedule *sp_schedule_new(const sp_pack *pack, const sp_date *interview);

/* ---- constraints: a personal plan ------------------------------------ */

/* Weekday masks: bit w is weekday w (0 = Sunday, as sp_date_weekday). */
#define SP_WEEKDAY_BIT(w) (1u << (w))
enum { SP_WEEK_ALL = 0x7F };

/* Days since 1970-01-01 (sp_date_to_days), both ends included. */
typedef struct {
    long first, last;
} sp_day_range;

/* The longest window a fitted plan may have, in days (ten years). */
enum { SP_MAX_WINDOW_DAYS = 3660 };

typedef struct {
    const sp_date *interview;   /* NULL: none */
    const sp_date *start;       /* NULL: none (the source's length) */
    unsigned study_days;        /* SP_WEEKDAY_BIT mask; 0: every day */
    const sp_day_range *skip;   /* dates with no tasks */
    size_t n_skip;
} sp_constraints;

/* "mon-fri", "mon,wed,sat", "sat-mon" (a range may wrap), names of three
 * letters in any case.  0, or -1 and a static reason in WHY. */
int sp_weekdays_parse(const char *s, unsigned *mask, const char **why);
/* "YYYY-MM-DD[..YYYY-MM-DD][,...]": at most 1000 ranges, each in order
 * and at most SP_MAX_WINDOW_DAYS long.  On success *OUT is a malloc'd
 * array (the caller frees it).  0, or -1 and a static reason in WHY. */
int sp_skip_parse(const char *s, sp_day_range **out, size_t *n,
                  const char **why);
/* 1 if the day is in one of the ranges. */
int sp_skip_has(const sp_day_range *r, size_t n, long day);

/* Builds the schedule of PACK under C (NULL or no start, no study-day
 * mask and no skips: the same as sp_schedule_new(pack, c->interview)).
 * Study days and skips need dates: without an interview date or a start
 * they are ignored.  With both dates, the start must come before the
 * interview (else the window is empty: a schedule of no days and a
 * warning).  Returns NULL only when out of memory. */
sp_schedule *sp_schedule_fit(const sp_pack *pack, const sp_constraints *c);
void sp_schedule_free(sp_schedule *s);

/* The plan as text, day by day (what `studypack plan` prints):
 *
 *   Spotify Backend Developer Interview Questions
 *   19 days in 3 phases, 20 cards
 *   Interview: Thu 2026-12-24          (or: the day after Day 19)
 *
 *   Day 3  Tue 2026-12-01  Foundations
 *     [ ] study: Distributed-systems basics
 *     new:    #4 cap-theorem, #2 rest-vs-graphql
 *     review: #1 rate-limiting
 *
 * A fitted plan adds "Start: Mon 2026-11-30" after the interview line and
 * "Free days: N" when it has some; a free day is one line "Day 6  Sat
 * 2026-12-05  free day" (or "free day (skipped)"), an added rest day says
 * "  rest day (at least one in seven)" and the eve "  light day: no new
 * cards, no practice or mock".
 * Card lists wrap at 78 columns.  Returns a malloc'd NUL-terminated
 * string, or NULL when out of memory. */
char *sp_plan_text(const sp_pack *pack, const sp_schedule *s);

#endif
