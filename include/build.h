/* build.h - building one pack: layout, imposition and devices in order.
 *
 * sp_build_pack turns a loaded pack into OUT/<pack-id>/flashcards.pdf,
 * timeline.pdf and timeline-booklet.pdf (or .dump text files for golden
 * tests).  Every file is written atomically: a failed build leaves the
 * previous output untouched.
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

enum { SP_OUT_FLASHCARDS = 1, SP_OUT_TIMELINE = 2, SP_OUT_ALL = 3 };

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
    int crop_marks, cut_lines;
    int has_interview_date;
    int interview_y, interview_m, interview_d;
    int booklet_flip_long;
    double creep_pt;
    int dump;                       /* write .dump text, not PDF */
    int strict;                     /* warnings stop the build before any
                                       file is written */
    const char *lang;               /* --lang: the tool's own words, dates
                                       and hyphenation; NULL: xml:lang */
    const char *locale_dir;         /* message catalogues (msg.h); NULL:
                                       sp_msgs_default_dir */
} sp_build_opts;

/* Defaults: A4, 3x5in cards, 5 mm margin, 4 mm gap, long-edge duplex,
 * crop marks, no cut lines, short-edge booklet flip, no creep, out/. */
void sp_build_opts_default(sp_build_opts *o);

/* Option values.  Each returns 0, or -1 if VALUE is malformed. */
int sp_parse_paper(const char *value, double *w_pt, double *h_pt);
/* a7, a6, 3x5in, 4x6in, business, or WxH with unit mm or in
 * ("90x60mm", "3.5x2in"). */
int sp_parse_card(const char *value, double *w_pt, double *h_pt);
/* A length in mm ("5", "5mm", "0.2in"). */
int sp_parse_length(const char *value, double *pt);
/* "X,Y" in mm. */
int sp_parse_offset(const char *value, double *dx_pt, double *dy_pt);
/* "X,Y" in percent, each 90-110 ("99.6,100.3"), or one number for both;
 * stored as factors (0.996, 1.003). */
int sp_parse_scale(const char *value, double *sx, double *sy);

/* A canonical text of the options that change output (for incremental
 * builds); malloc'd. */
char *sp_build_opts_key(const sp_build_opts *o);

typedef struct {
    int n_questions;
    int n_cards;                 /* including follow-on cards */
    int n_flashcard_pages;
    int n_timeline_pages;
    int n_booklet_pages;
    int n_days;
    size_t bytes_written;
} sp_build_result;

/* Builds PACK into o->out_dir/<pack-id>/.  Returns 0, or -1 on failure
 * (diagnostics in D; nothing half-written is left behind). */
int sp_build_pack(const sp_pack *pack, const sp_fonts *fonts,
                  const sp_build_opts *o, sp_build_result *res, sp_diags *d);

#endif
