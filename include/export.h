/* export.h - `studypack export`: a pack as an Anki package (.apkg, schema
 * 11), Anki's text format, an iCalendar plan (.ics, RFC 5545) or JSON.
 *
 * Exporters read the model (model.h) and the schedule (schedule.h) only.
 * Output depends on nothing but the pack, the options and a time stamp
 * (opts.epoch: Anki's "modified" times and the calendar's DTSTAMP), so the
 * same input gives byte-identical files.  Every file is written
 * atomically (fsutil.h).
 *
 * Who may include: main, build (batch --export), tests, the fuzzer.
 * Ownership: nothing returned needs freeing unless said.
 */
#ifndef SP_EXPORT_H
#define SP_EXPORT_H

#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "schedule.h"

typedef enum {
    SP_EXPORT_NONE = 0,
    SP_EXPORT_APKG = 1,
    SP_EXPORT_ANKI_TEXT = 2,
    SP_EXPORT_ICS = 4,
    SP_EXPORT_JSON = 8
} sp_export_format;

/* "apkg", "anki-text", "ics", "json" -> the format; NONE if unknown. */
sp_export_format sp_export_format_named(const char *name);
/* By extension: .apkg, .txt, .ics, .json; NONE otherwise. */
sp_export_format sp_export_format_for_path(const char *path);
const char *sp_export_format_name(sp_export_format f);
/* The file a batch writes beside a pack's PDFs: anki.apkg, anki.txt,
 * plan.ics, pack.json. */
const char *sp_export_file_name(sp_export_format f);
/* "apkg,ics" -> SP_EXPORT_* bits; 0, or -1 naming the bad item in *BAD
 * (a static copy). */
int sp_export_parse_list(const char *list, unsigned *formats,
                         const char **bad);

typedef struct {
    int has_interview_date;
    sp_date interview;
    const char *student;     /* for calendar UIDs; NULL if none */
    long long epoch;         /* seconds since 1970 (UTC) for time stamps;
                                < 0: the newest modification time of the
                                pack's input files */
    const sp_schedule *schedule;  /* the plan to export (a personal plan,
                                     sp_build_schedule); NULL: the
                                     source's own, ending the day before
                                     the interview */
} sp_export_opts;

/* Renders PACK in format F into memory (malloc'd, *LEN bytes; the
 * caller frees it), or NULL with diagnostics in D. */
void *sp_export_render(const sp_pack *pack, sp_export_format f,
                       const sp_export_opts *o, size_t *len, sp_diags *d);

/* Writes PACK in format F to PATH.  Returns 0, or -1 with diagnostics in
 * D (nothing written).  A calendar needs dates (has_interview_date) and a
 * pack with a timeline. */
int sp_export_pack(const sp_pack *pack, sp_export_format f, const char *path,
                   const sp_export_opts *o, sp_diags *d);

#endif
