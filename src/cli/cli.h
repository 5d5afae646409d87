/* cli.h - what the command line's files share: the exit statuses, the
 * one option parser with its build and plan options, the usage texts'
 * common parts, and the helpers every command uses.
 * Who may include: main.c and the files of src/cli/.
 * Ownership: a common_opts' build options may point into the command
 * line, a printer profile and the --skip ranges, which live until
 * cli_release. */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <getopt.h>

#include "build.h"
#include "diag.h"
#include "fonts.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

#define PLAN_OPTIONS_HELP                                                   \
    "      --start D           YYYY-MM-DD: the first day of preparation;\n" \
    "                          the plan is fitted to the days until the\n" \
    "                          interview\n"                                 \
    "      --study-days DAYS   weekdays to study (mon-fri, mon,wed,sat);\n" \
    "                          the others are free days\n"                  \
    "      --skip DATES        free dates: D, D..D, separated by commas\n"

#define BUILD_OPTIONS_HELP                                                  \
    "  -o, --output DIR        output folder (default: out)\n"                \
    "      --only KIND         flashcards, timeline, mock or pocket\n"      \
    "                          (default: all)\n"                          \
    "      --paper NAME        a4 (default), letter, a3, legal\n"            \
    "      --card SIZE         3x5in (default), 4x6in, a7, a6, business,\n" \
    "                          or WxH in mm, cm, in or pt, e.g. 90x60mm\n"  \
    "      --margin LEN        printer-safe margin, 0-50 mm (default: 5mm);\n"\
    "                          lengths: mm (default), cm, in or pt\n"      \
    "      --min-size PT       smallest answer text on a card, 6-14\n"    \
    "                          (default: 8); longer answers continue on\n" \
    "                          follow-on cards\n"                          \
    "      --line-breaking M   total-fit (default: even lines) or\n"      \
    "                          first-fit (faster) for card text\n"       \
    "      --gap LEN           gap between cards, 0-50 mm (default: 4mm)\n"  \
    "      --duplex MODE       long (default), short or fold\n"              \
    "      --back-offset X,Y   shift the backs by X,Y mm (see calibrate)\n"  \
    "      --back-scale X,Y    scale the backs by X,Y percent about the\n" \
    "                          sheet's centre, 90-110 (see calibrate)\n"  \
    "      --printer NAME      settings of a printer profile in\n"         \
    "                          ~/.config/studypack/printers.conf\n"        \
    "      --no-crop-marks     leave out the crop marks\n"                   \
    "      --cut-lines         draw dashed cut lines along the cards\n"      \
    "      --interview-date D  YYYY-MM-DD: print calendar dates\n"           \
    PLAN_OPTIONS_HELP                                                       \
    "      --student NAME      the student's name on the booklet's cover\n" \
    "      --booklet-flip E    short (default) or long: how the printer\n"  \
    "                          turns the sheet in duplex\n"                 \
    "      --creep LEN         shift inner booklet pages toward the spine\n"\
    "      --fonts DIR         fonts folder with a fonts.txt manifest\n"     \
    "      --lang TAG          the tool's own words, dates, hyphenation in\n"\
    "                          this language (default: the pack's xml:lang)\n"\
    "      --no-system-fonts   use only the fonts of fonts.txt (no "           \
    "fontconfig)\n"                                                          \
    "      --dump              write display-list text (.dump), not PDF\n"   \
    "      --strict            treat warnings as errors\n"

enum {
    OPT_ONLY = 256, OPT_PAPER, OPT_CARD, OPT_MARGIN, OPT_GAP, OPT_DUPLEX,
    OPT_BACK, OPT_NOCROP, OPT_CUT, OPT_DATE, OPT_FLIP, OPT_CREEP, OPT_FONTS,
    OPT_DUMP, OPT_STRICT, OPT_FORCE, OPT_BACK_SCALE, OPT_PRINTER,
    OPT_MIN_SIZE, OPT_BREAKING, OPT_NO_SYSTEM_FONTS,
    OPT_START, OPT_STUDY_DAYS, OPT_SKIP, OPT_STUDENT, OPT_ROSTER,
    OPT_LANG, OPT_EXPORT,
    OPT_LAST
};

#define PLAN_LONG_OPTIONS                                                   \
    {"start", required_argument, NULL, OPT_START},                          \
    {"study-days", required_argument, NULL, OPT_STUDY_DAYS},                \
    {"skip", required_argument, NULL, OPT_SKIP}

#define BUILD_LONG_OPTIONS                                                  \
    {"output", required_argument, NULL, 'o'},                               \
    {"only", required_argument, NULL, OPT_ONLY},                            \
    {"paper", required_argument, NULL, OPT_PAPER},                          \
    {"card", required_argument, NULL, OPT_CARD},                            \
    {"margin", required_argument, NULL, OPT_MARGIN},                        \
    {"gap", required_argument, NULL, OPT_GAP},                              \
    {"duplex", required_argument, NULL, OPT_DUPLEX},                        \
    {"back-offset", required_argument, NULL, OPT_BACK},                     \
    {"back-scale", required_argument, NULL, OPT_BACK_SCALE},                \
    {"printer", required_argument, NULL, OPT_PRINTER},                      \
    {"min-size", required_argument, NULL, OPT_MIN_SIZE},                    \
    {"line-breaking", required_argument, NULL, OPT_BREAKING},               \
    {"no-crop-marks", no_argument, NULL, OPT_NOCROP},                       \
    {"cut-lines", no_argument, NULL, OPT_CUT},                              \
    {"interview-date", required_argument, NULL, OPT_DATE},                  \
    {"booklet-flip", required_argument, NULL, OPT_FLIP},                    \
    {"creep", required_argument, NULL, OPT_CREEP},                          \
    {"fonts", required_argument, NULL, OPT_FONTS},                          \
    {"lang", required_argument, NULL, OPT_LANG},                            \
    {"no-system-fonts", no_argument, NULL, OPT_NO_SYSTEM_FONTS},            \
    {"dump", no_argument, NULL, OPT_DUMP},                                  \
    {"strict", no_argument, NULL, OPT_STRICT},                              \
    PLAN_LONG_OPTIONS,                                                      \
    {"student", required_argument, NULL, OPT_STUDENT},                      \
    {"help", no_argument, NULL, 'h'}

typedef struct {
    sp_build_opts build;
    const char *fonts_dir;
    int no_system_fonts;
    int strict;
    const char *printer;            /* --printer NAME, or NULL */
    unsigned char given[OPT_LAST - 256];  /* long options on the command
                                             line (they beat a profile) */
} common_opts;

/* The usage texts of build and batch (their commands and others name
 * them). */
extern const char usage_build[], usage_batch[], usage_validate[];

/* Whether diagnostics on stderr are coloured (a terminal, no NO_COLOR). */
int cli_use_color(void);
/* A diagnostics list, or NULL after saying that there is no memory. */
sp_diags *cli_new_diags(void);
/* Prints "studypack: error: MESSAGE" and USAGE; returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* getopt over the build options plus EXTRA (its handler returns 1 if it
 * took C, 0 if not, -1 after a message); then the --printer profile.
 * The index of the first operand, or -1 after a usage error, -2 after
 * --help. */
int cli_parse_common(int argc, char **argv, common_opts *co,
                     const char *usage, const char *shortopts,
                     const struct option *opts,
                     int (*extra)(int c, const char *arg, void *ctx),
                     void *ctx);
/* CO with the build options' defaults. */
void cli_opts_init(common_opts *co);
/* Warnings into D for the options given that have no effect. */
void cli_no_effect(const common_opts *co, sp_diags *d);
/* The same; then with --strict and a warning, prints D (saying nothing
 * was written), frees it and returns the exit status; else -1. */
int cli_no_effect_strict(const common_opts *co, sp_diags *d);
/* The fonts of --fonts or the default folder, or NULL (said in D). */
sp_fonts *cli_open_fonts(const common_opts *co, const char *argv0,
                         sp_diags *d);
/* Prints D's diagnostics; the exit status they mean. */
int cli_finish(sp_diags *d, int strict);
/* 1 after saying in D that PATH is a CSV or Anki file to import. */
int cli_not_a_source(const char *path, sp_diags *d);
/* 0 if the plan options fit together, else a usage error (-1). */
int cli_plan_check(const common_opts *co, const char *usage);
/* *EPOCH from $SOURCE_DATE_EPOCH when it is set: 0, or -1 after a usage
 * error. */
int cli_source_date_epoch(long long *epoch, const char *usage);
/* The option being parsed as the user wrote it ("--jobs", "-j"), for
 * an EXTRA handler's messages. */
const char *cli_opt_seen(void);
/* Frees what the options kept (the profile, the --skip ranges). */
void cli_release(void);

/* The commands: each returns its exit status. */
int cmd_validate(int argc, char **argv, const char *argv0);
int cmd_plan(int argc, char **argv);
int cmd_calibrate(int argc, char **argv, const char *argv0);
int cmd_build(int argc, char **argv, const char *argv0);
int cmd_batch(int argc, char **argv, const char *argv0);
int cmd_import(int argc, char **argv, const char *argv0);
int cmd_export(int argc, char **argv);

#endif
