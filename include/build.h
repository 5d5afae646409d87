/* build.h - building one pack: layout, imposition and devices in order.
 *
 * sp_build_pack turns a loaded pack into OUT/<pack-id>/flashcards.pdf,
 * timeline.pdf, timeline-booklet.pdf, mock-interview.pdf and pocket.pdf
 * (or .dump text files for golden tests).  The pack's folder is opened
 * once (never through a symbolic link) and every file is first written to
 * a temporary file in it; only when all of them are written are they
 * renamed into place, the stamp (if any) last, after any old stamp was
 * removed.  So a failed build leaves the previous output untouched, and a
 * crash between two renames leaves some files new, some old and no stamp
 * (a batch then rebuilds the pack).
 * Who may include: main, batch, tests, the fuzzer.
 */
#ifndef SP_BUILD_H
#define SP_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "fonts.h"
#include "impose.h"
#include "model.h"
#include "schedule.h"

enum {
    SP_OUT_FLASHCARDS = 1, SP_OUT_TIMELINE = 2, SP_OUT_MOCK = 4,
    SP_OUT_POCKET = 8, SP_OUT_ALL = 15
};
enum { SP_MAX_OUTPUTS = 9 };

/* The stamp file kept beside a pack's output (see batch.h). */
#define SP_STAMP_NAME ".studypack-stamp"

struct sp_build_result_s;
struct sp_afile;                 /* fsutil.h */

typedef struct {
    const char *out_dir;            /* default "out" */
    unsigned outputs;               /* SP_OUT_* bits */
    const char *paper;              /* a4, letter, a3, legal */
    double paper_w_pt, paper_h_pt;  /* portrait */
    const char *card;               /* as given, for the options key */
    double card_w_pt, card_h_pt;
    double margin_pt, gap_pt;
    sp_duplex duplex;
    double back_dx_pt, back_dy_pt;
    double back_sx, back_sy;        /* --back-scale as factors (1 = none) */
    double min_size_pt;             /* --min-size: card reading size */
    int first_fit;                  /* --line-breaking first-fit */
    int crop_marks, cut_lines;
    int has_interview_date;
    int interview_y, interview_m, interview_d;
    int booklet_flip_long;
    double creep_pt;
    int dump;                       /* write .dump text, not PDF */
    int strict;                     /* warnings stop the build before any
                                       file is written (the pack is laid
                                       out once without writing first) */
    int dry_run;                    /* lay out and check everything, write
                                       nothing (validate) */
    const char *lang;               /* --lang: the tool's own words, dates
                                       and hyphenation; NULL: xml:lang */
    const char *locale_dir;         /* message catalogues (msg.h); NULL:
                                       sp_msgs_default_dir */
    /* a personal plan (schedule.h, sp_schedule_fit); zero: the source's */
    int has_start;
    int start_y, start_m, start_d;
    unsigned study_days;            /* SP_WEEKDAY_BIT mask; 0: every day */
    const sp_day_range *skip;       /* not owned */
    size_t n_skip;
    const char *student;            /* the name on the cover; NULL: a line
                                       to write it on */
    const char *student_dir;        /* a roster's student: write into
                                       out_dir/<pack-id>/students/<this>
                                       (a folder name), not the pack's
                                       folder; NULL: the pack's */
    /* Optional (batch): called once every output is written to its
     * temporary file and before any is renamed; returns the malloc'd text
     * (*LEN bytes) of SP_STAMP_NAME, renamed into place last, or NULL for
     * no stamp; sets *FAILED after reporting an error into D (the build
     * then fails and nothing is renamed). */
    char *(*stamp)(const sp_pack *pack,
                   const struct sp_build_result_s *res, void *ctx,
                   sp_diags *d, size_t *len, int *failed);
    void *stamp_ctx;
    /* Optional (batch): called instead of committing when every file,
     * the stamp last, is written to its temporary file.  It takes the N
     * FILES (the array is the build's; the files become its own) and
     * commits them with sp_afile_commit_all, now or later and perhaps on
     * another thread, reporting into the diagnostics the build was given;
     * returns 0, or -1 after aborting them (the build then fails). */
    int (*commit)(struct sp_afile **files, size_t n, void *ctx);
    void *commit_ctx;
    /* also written, staged with the PDFs (batch --export): SP_EXPORT_*
     * bits (export.h) as anki.apkg, anki.txt, plan.ics, pack.json; the
     * others of these names are removed.  EXPORT_EPOCH: their time
     * stamps (< 0: the inputs' modification times). */
    unsigned exports;
    long long export_epoch;
} sp_build_opts;

/* Defaults: A4, 3x5in cards, 5 mm margin, 4 mm gap, long-edge duplex,
 * crop marks, no cut lines, short-edge booklet flip, no creep, out/. */
void sp_build_opts_default(sp_build_opts *o);

/* Option values.  Each returns 0, or -1 if VALUE is malformed.  Numbers
 * are decimal: digits with at most one '.', no exponent, no hexadecimal;
 * units are mm (the default for a bare number), cm, in and pt. */
int sp_parse_paper(const char *value, double *w_pt, double *h_pt);
/* a7, a6, 3x5in, 4x6in, business, or WxH with a unit ("90x60mm",
 * "3.5x2in", "9x6cm"); each side 20-1000 mm. */
int sp_parse_card(const char *value, double *w_pt, double *h_pt);
/* The card reading size, 6-14 pt ("8", "8pt"). */
int sp_parse_min_size(const char *value, double *pt);
/* A length of 0-100 mm ("5", "5mm", "0.5cm", "0.2in", "14pt"). */
int sp_parse_length(const char *value, double *pt);
/* The same between 0 and MAX_MM; on failure *WHY (if WHY is not NULL)
 * says what is wrong, as words to follow the quoted value: "is negative",
 * "is not a decimal number", "is more than 50 mm", ... */
int sp_parse_length_max(const char *value, double max_mm, double *pt,
                        const char **why);
/* "X,Y": two lengths of at most 20 mm either way (sign allowed). */
int sp_parse_offset(const char *value, double *dx_pt, double *dy_pt);
/* "X,Y" in percent, each 90-110 ("99.6,100.3"), or one number for both;
 * stored as factors (0.996, 1.003). */
int sp_parse_scale(const char *value, double *sx, double *sy);

/* Why options O cannot build anything, or NULL if they can: --creep more
 * than the booklet's gutter would print the inner pages over the spine. */
const char *sp_build_opts_problem(const sp_build_opts *o);

/* A canonical text of the options that change output (for incremental
 * builds); malloc'd. */
char *sp_build_opts_key(const sp_build_opts *o);

/* Checks the personal-plan options of O together (study days and skips
 * need a date; the start comes before the interview, at most
 * SP_MAX_WINDOW_DAYS before).  0, or -1 with a sentence in WHY. */
int sp_build_plan_check(const sp_build_opts *o, char *why, size_t cap);

/* The schedule the booklet of PACK shows under O (dates, start, study
 * days, skips); its fitting warnings are added to D, naming the pack's
 * file.  NULL when out of memory (said in D).  Free it with
 * sp_schedule_free. */
sp_schedule *sp_build_schedule(const sp_pack *pack, const sp_build_opts *o,
                               sp_diags *d);

typedef struct sp_build_result_s {
    int n_questions;
    int n_cards;                 /* including follow-on cards */
    int n_flashcard_pages;
    int n_timeline_pages;
    int n_booklet_pages;
    int n_mock_pages;
    int n_pocket_pages;          /* sheets of four */
    int n_days;
    size_t bytes_written;
    const char *files[SP_MAX_OUTPUTS];  /* the names this build wrote in
                                           the pack's folder (static) */
    int n_files;
} sp_build_result;

/* Builds PACK into o->out_dir/<pack-id>/.  Returns 0, or -1 on failure
 * (diagnostics in D; nothing half-written is left behind, and a pack
 * folder this build created is removed again if it stays empty).  With
 * o->dry_run, the same checks and layout, and nothing is written. */
int sp_build_pack(const sp_pack *pack, const sp_fonts *fonts,
                  const sp_build_opts *o, sp_build_result *res, sp_diags *d);

#endif
