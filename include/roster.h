/* roster.h - a class of students: a CSV roster, a booklet for each.
 *
 * A roster is CSV as RFC 4180 has it: records of fields separated by
 * commas and ended by CRLF or LF; a field in double quotes may hold
 * commas, line breaks and doubled quotes ("").  Spaces around a field
 * (outside its quotes) are trimmed, empty lines skipped, a UTF-8
 * byte-order mark ignored.  The first record is the header: it names the
 * columns, in any order and any case: name, pack and interview_date are
 * required; start, study_days and skip are optional (the values of
 * --start, --study-days and --skip; empty: none).  Other columns are
 * ignored with a warning.
 *
 * A row that cannot be used (a bad date, no name, a wrong number of
 * fields, a folder name another row has) is an error naming the roster's
 * file and the row's first line; the row is marked bad and the others are
 * still built.  An unknown pack is found when the roster runs.
 *
 * sp_roster_run builds, for each pack the good rows name, the flashcards
 * and pocket sheets once into OUT/<pack-id>/ (they do not depend on the
 * student), and for each student the booklet (timeline.pdf and
 * timeline-booklet.pdf, with the student's name on the cover and the
 * student's dates) and the mock-interview kit (its sessions dated) into
 * OUT/<pack-id>/students/<slug>/ (O->jobs worker processes, one student
 * each; diagnostics come back in the roster's order), then calls the
 * exporter hook (for calendars) there.  A row's empty start and
 * study_days take O's (the command line's); O's skips add to the row's.
 * OUT/index.json lists the packs and every student's files.  A student
 * (or a pack's cards) whose inputs, fonts, options and dates have not
 * changed is skipped, unless forced.
 *
 * Who may include: main, tests, the fuzzer.
 * Ownership: a roster owns its file name and every student's strings and
 * skip ranges; free it with sp_roster_free.  sp_slug returns a malloc'd
 * string.
 */
#ifndef SP_ROSTER_H
#define SP_ROSTER_H

#include <stddef.h>

#include "batch.h"
#include "diag.h"
#include "fonts.h"
#include "model.h"
#include "schedule.h"

typedef struct {
    int line;                   /* the row's first line in the file */
    char *name, *pack;          /* as given (pack: a pack id) */
    char *slug;                 /* the folder name, from the name */
    sp_date interview;
    int has_start;
    sp_date start;
    unsigned study_days;        /* SP_WEEKDAY_BIT mask; 0: every day */
    sp_day_range *skip;
    size_t n_skip;
    int ok;                     /* 0: a bad row (an error was reported) */
} sp_student;

typedef struct {
    char *file;                 /* the roster's path, for diagnostics */
    sp_student *students;       /* in file order, bad rows included */
    size_t n_students;
} sp_roster;

enum { SP_ROSTER_MAX_BYTES = 4 << 20, SP_ROSTER_MAX_ROWS = 10000 };

/* Parses TEXT[0..LEN) as the roster FILE, reporting into D.  NULL when the
 * roster as a whole is unusable (no header, a required column missing, a
 * quote never closed: errors in D) or out of memory. */
sp_roster *sp_roster_parse(const char *file, const char *text, size_t len,
                           sp_diags *d);
/* Reads and parses PATH (at most SP_ROSTER_MAX_BYTES). */
sp_roster *sp_roster_load(const char *path, sp_diags *d);
void sp_roster_free(sp_roster *r);

/* The folder name of a student: lower-case ASCII letters and digits, the
 * Latin-1 letters with accents as their base letters, every other run of
 * characters one '-', none at the ends, at most 64 bytes; "" when nothing
 * is left.  NULL when out of memory. */
char *sp_slug(const char *name);

/* The exporter hook: called once per student after the booklet, with the
 * student's folder DIR (which exists); writes its files there (any file
 * not starting with '.' is listed in index.json).  0, or -1 with
 * diagnostics in D (the student fails). */
typedef int (*sp_student_export_fn)(void *ctx, const sp_pack *pack,
                                    const sp_schedule *sched,
                                    const sp_student *student,
                                    const char *dir, sp_diags *d);

typedef struct {
    const char *format;         /* --export FORMAT ("ics"); NULL: none */
    sp_student_export_fn fn;    /* must be set when format is */
    void *ctx;
} sp_student_exporter;

/* Builds the roster R against the packs found in PATHS (as batch finds
 * them), with O's build options (out_dir, paper, ...; its dates and
 * student are replaced by each row's), O->force and progress.  EX may be
 * NULL.  RES counts students and packs' cards: built, up to date,
 * failed (bad rows included).  Returns 0 if everything built or was up
 * to date, 1 if a row or a pack failed, 3 on a system error. */
int sp_roster_run(const sp_roster *r, char *const *paths, int n_paths,
                  const sp_batch_opts *o, const sp_student_exporter *ex,
                  const sp_fonts *fonts, sp_batch_result *res, sp_diags *d);

#endif
