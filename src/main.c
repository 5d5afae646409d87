/* main.c - the command line: parses options, calls the stages in order,
 * prints the diagnostics they collected and chooses the exit status:
 * 0 success, 1 invalid input, 2 usage error, 3 system error. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "booklet.h"
#include "build.h"
#include "calibrate.h"
#include "msg.h"
#include "diag.h"
#include "fonts.h"
#include "export.h"
#include "fsutil.h"
#include "import.h"
#include "load.h"
#include "model.h"
#include "pdf.h"
#include "printers.h"
#include "roster.h"
#include "schedule.h"
#include "text.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

static int use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(2) && !(nc && *nc);
}

static const char usage_main[] =
    "usage: studypack COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Turns XML question sources into printable study packs.\n"
    "\n"
    "commands:\n"
    "  validate FILE...     check sources and report every problem\n"
    "  build FILE...        build each pack's PDFs into OUT/<pack-id>/\n"
    "  batch [DIR|FILE...]  build many packs in parallel, skipping those up "
    "to date\n"
    "  plan FILE            print the day-by-day study plan as text\n"
    "  calibrate            write a duplex test sheet to measure "
    "--back-offset\n"
    "  import FILE...       turn CSV, TSV, Anki text or .apkg into a source\n"
    "  export FILE          write a pack as .apkg, Anki text, .ics or JSON\n"
    "\n"
    "options:\n"
    "  -h, --help           show this help (studypack COMMAND --help for a "
    "command)\n"
    "  -V, --version        show the version\n"
    "\n"
    "Exit status: 0 success, 1 invalid input, 2 usage error, 3 system "
    "error.\n";

static const char usage_validate[] =
    "usage: studypack validate [OPTIONS] FILE...\n"
    "\n"
    "Validates each source (a pack, or a bank whose root is <questions>)\n"
    "against the schema and the rules of the format, and makes the checks\n"
    "build makes (font coverage, card and booklet layout) with the same\n"
    "options, writing nothing.  Prints nothing but diagnostics\n"
    "(FILE:LINE:COL: error: ...), every problem found, in source order.\n"
    "\n"
    "  --strict     treat warnings as errors (as build --strict does)\n"
    "  build's layout and font options (see studypack build --help)\n"
    "  -h, --help   show this help\n";

/* A diagnostics list, or NULL after saying that there is no memory for
 * one (the one message that cannot be data). */
static sp_diags *new_diags(void)
{
    sp_diags *d = sp_diags_new();
    if (!d)
        fputs("studypack: error: out of memory\n", stderr);
    return d;
}

static int usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("studypack: error: ", stderr);
    sp_diag_fputs(msg, stderr);    /* arguments may hold control chars */
    fputc('\n', stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

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

static const char usage_build[] =
    "usage: studypack build [OPTIONS] FILE...\n"
    "\n"
    "Builds each pack into OUT/<pack-id>/: flashcards.pdf (double-sided\n"
    "cards), timeline.pdf (the prep booklet in reading order),\n"
    "timeline-booklet.pdf (imposed for saddle stitching),\n"
    "mock-interview.pdf (the interviewer's kit) and pocket.pdf (a day-of\n"
    "sheet per round, four to a page).\n"
    "\n" BUILD_OPTIONS_HELP
    "  -h, --help              show this help\n";

static const char usage_batch[] =
    "usage: studypack batch [OPTIONS] [DIR|FILE...]\n"
    "\n"
    "Builds every pack found (default: the folder sources/) into\n"
    "OUT/<pack-id>/ with N parallel workers, skipping packs whose inputs,\n"
    "fonts and options have not changed, and writes OUT/index.json.\n"
    "Files whose root is <questions> are banks, not packs.\n"
    "\n"
    "  -j, --jobs N            workers, 1-256 (default: the number of\n"
    "                          processors)\n"
    "      --force             rebuild packs that are up to date\n"
    "  -q, --quiet             no progress output\n"
    "      --roster FILE       a CSV of students (name,pack,interview_date\n"
    "                          and start, study_days, skip): cards once per\n"
    "                          pack, a booklet per student in\n"
    "                          OUT/<pack-id>/students/<name>/\n"
    "      --export LIST       also write apkg, anki-text, ics, json\n"
    "                          (comma-separated) beside the PDFs\n"
    BUILD_OPTIONS_HELP
    "  -h, --help              show this help\n";

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

/* The option being parsed as the user wrote it ("--margin", "-o"), for
 * messages. */
static char opt_seen[64];
/* Set while a printer profile's values go through build_option: its own
 * message names the profile's line, so bad_value stays quiet. */
static int quiet_values;

/* The option's value VALUE is wrong: "--margin: '-5mm' is negative; give
 * 0-50 mm".  Returns -1 (the message is printed). */
static int bad_value(const char *usage, const char *value, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
static int bad_value(const char *usage, const char *value, const char *fmt,
                     ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (!quiet_values)
        usage_error(usage, "%s: '%s' %s", opt_seen, value, why);
    return -1;
}

/* "; did you mean 'x'?" for VALUE among N choices, or "". */
static const char *dym(const char *value, const char *const *choices,
                       size_t n)
{
    static char buf[96];
    const char *best = sp_did_you_mean(value, choices, n);
    buf[0] = '\0';
    if (best)
        snprintf(buf, sizeof buf, "; did you mean '%s'?", best);
    return buf;
}

/* A choice among CHOICES (NULL-terminated): its index, or -1 after saying
 * what the choices are. */
static int choice(const char *usage, const char *arg,
                  const char *const *choices)
{
    size_t n = 0;
    char list[256] = "";
    for (; choices[n]; n++) {
        if (strcmp(arg, choices[n]) == 0)
            return (int)n;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 n ? ", " : "", choices[n]);
    }
    return bad_value(usage, arg, "is not one of %s%s", list,
                     dym(arg, choices, n));
}

/* A length option between 0 and MAX_MM. */
static int length_option(const char *usage, const char *arg, double max_mm,
                         double *pt)
{
    const char *why;
    if (sp_parse_length_max(arg, max_mm, pt, &why) == 0)
        return 1;
    return bad_value(usage, arg, "%s; give 0-%g mm", why, max_mm);
}

/* The same for --creep: a length of at most 100 mm here, and the
 * booklet's own check (sp_build_opts_problem) says why more than its
 * gutter cannot be. */
static int creep_option(const char *usage, const char *arg, double *pt)
{
    const char *why;
    if (sp_parse_length_max(arg, 100, pt, &why) == 0)
        return 1;
    return bad_value(usage, arg, "%s; give 0-%g mm", why,
                     SP_BOOKLET_GUTTER_MM);
}

/* The ranges of every --skip (o->skip points here); freed when main
 * returns. */
static sp_day_range *skip_ranges;

/* Handles one build option; 1 if C was one, 0 if not, -1 on a bad value
 * (message printed). */
static int build_option(common_opts *co, int c, const char *arg,
                        const char *usage)
{
    sp_build_opts *o = &co->build;
    static const char *const only[] = {"flashcards", "timeline", "mock",
                                       "pocket", NULL};
    static const char *const papers[] = {"a4", "letter", "a3", "legal",
                                         NULL};
    static const char *const duplex[] = {"long", "short", "fold", NULL};
    static const char *const flips[] = {"short", "long", NULL};
    static const char *const breaking[] = {"total-fit", "first-fit", NULL};
    static const char *const cards[] = {"3x5in", "4x6in", "a7", "a6",
                                        "business"};
    int k;
    switch (c) {
    case 'o': o->out_dir = arg; return 1;
    case OPT_ONLY:
        if ((k = choice(usage, arg, only)) < 0)
            return -1;
        o->outputs = k == 0 ? SP_OUT_FLASHCARDS
                     : k == 1 ? SP_OUT_TIMELINE
                     : k == 2 ? SP_OUT_MOCK : SP_OUT_POCKET;
        return 1;
    case OPT_PAPER:
        if (sp_parse_paper(arg, &o->paper_w_pt, &o->paper_h_pt) != 0)
            return choice(usage, arg, papers);
        o->paper = arg;
        return 1;
    case OPT_CARD:
        if (sp_parse_card(arg, &o->card_w_pt, &o->card_h_pt) != 0)
            return bad_value(usage, arg, "is not a card size; give 3x5in, "
                             "4x6in, a7, a6, business, or WxH with mm, cm, "
                             "in or pt, each side 20-1000 mm (90x60mm)%s",
                             dym(arg, cards, 5));
        o->card = arg;
        return 1;
    case OPT_MARGIN:
        return length_option(usage, arg, 50, &o->margin_pt);
    case OPT_GAP:
        return length_option(usage, arg, 50, &o->gap_pt);
    case OPT_CREEP:
        return creep_option(usage, arg, &o->creep_pt);
    case OPT_DUPLEX:
        if ((k = choice(usage, arg, duplex)) < 0)
            return -1;
        o->duplex = k == 0 ? SP_DUPLEX_LONG
                    : k == 1 ? SP_DUPLEX_SHORT : SP_DUPLEX_FOLD;
        return 1;
    case OPT_BACK:
        if (sp_parse_offset(arg, &o->back_dx_pt, &o->back_dy_pt) != 0)
            return bad_value(usage, arg, "is not X,Y within -20 to 20 mm; "
                             "give two lengths separated by a comma "
                             "(0.5,-1)");
        return 1;
    case OPT_BACK_SCALE:
        if (sp_parse_scale(arg, &o->back_sx, &o->back_sy) != 0)
            return bad_value(usage, arg, "is not a scale; give one or two "
                             "percentages of 90-110 (99.6,100.3)");
        return 1;
    case OPT_PRINTER: co->printer = arg; return 1;
    case OPT_MIN_SIZE:
        if (sp_parse_min_size(arg, &o->min_size_pt) != 0)
            return bad_value(usage, arg, "is not a reading size; give 6-14 "
                             "pt (8, 8pt)");
        return 1;
    case OPT_BREAKING:
        if ((k = choice(usage, arg, breaking)) < 0)
            return -1;
        o->first_fit = k == 1;
        return 1;
    case OPT_NOCROP: o->crop_marks = 0; return 1;
    case OPT_CUT: o->cut_lines = 1; return 1;
    case OPT_DATE: {
        sp_date date;
        const char *why = NULL;
        if (sp_date_parse(arg, &date, &why) != 0) {
            return bad_value(usage, arg, "is not a date: %s; give "
                             "YYYY-MM-DD", why ? why : "not in the form "
                             "YYYY-MM-DD");
        }
        o->has_interview_date = 1;
        o->interview_y = date.year;
        o->interview_m = date.month;
        o->interview_d = date.day;
        return 1;
    }
    case OPT_FLIP:
        if ((k = choice(usage, arg, flips)) < 0)
            return -1;
        o->booklet_flip_long = k;
        return 1;
    case OPT_START: {
        sp_date date;
        const char *why = NULL;
        if (sp_date_parse(arg, &date, &why) != 0) {
            return bad_value(usage, arg, "is not a date: %s; give "
                             "YYYY-MM-DD", why ? why : "not in the form "
                             "YYYY-MM-DD");
        }
        o->has_start = 1;
        o->start_y = date.year;
        o->start_m = date.month;
        o->start_d = date.day;
        return 1;
    }
    case OPT_STUDY_DAYS: {
        const char *why = NULL;
        if (sp_weekdays_parse(arg, &o->study_days, &why) != 0) {
            return bad_value(usage, arg, "is not a set of weekdays: %s",
                             why ? why : "give mon-fri or mon,wed,sat");
        }
        return 1;
    }
    case OPT_SKIP: {
        const char *why = NULL;
        sp_day_range *r = NULL;
        size_t n = 0;
        if (sp_skip_parse(arg, &r, &n, &why) != 0) {
            return bad_value(usage, arg, "is not a list of dates: %s; give "
                             "D or D..D, separated by commas",
                             why ? why : "not in the form YYYY-MM-DD");
        }
        /* several --skip options add up */
        sp_day_range *all = realloc(skip_ranges,
                                    (o->n_skip + n) * sizeof *all);
        if (!all) {
            free(r);
            usage_error(usage, "%s", "out of memory");
            return -1;
        }
        memcpy(all + o->n_skip, r, n * sizeof *r);
        free(r);
        skip_ranges = all;
        o->skip = all;
        o->n_skip += n;
        return 1;
    }
    case OPT_STUDENT: o->student = arg; return 1;
    case OPT_FONTS: co->fonts_dir = arg; return 1;
    case OPT_LANG: o->lang = arg; return 1;
    case OPT_NO_SYSTEM_FONTS: co->no_system_fonts = 1; return 1;
    case OPT_DUMP: o->dump = 1; return 1;
    case OPT_STRICT: co->strict = o->strict = 1; return 1;
    default:
        return 0;
    }
    return -2;
}

/* Warnings for options that have no effect with the others given: for
 * the build options, before anything is built. */
static void no_effect(const common_opts *co, sp_diags *d)
{
    static const struct {
        int opt;
        const char *name;
    } cards[] = {{OPT_CARD, "--card"}, {OPT_GAP, "--gap"},
                 {OPT_DUPLEX, "--duplex"}, {OPT_BACK, "--back-offset"},
                 {OPT_NOCROP, "--no-crop-marks"}, {OPT_CUT, "--cut-lines"}},
      booklet[] = {{OPT_FLIP, "--booklet-flip"}, {OPT_CREEP, "--creep"}};
    const sp_build_opts *o = &co->build;
    if (co->given[OPT_BACK - 256] && o->duplex == SP_DUPLEX_FOLD &&
        (o->outputs & SP_OUT_FLASHCARDS))
        sp_diag_add(d, SP_D_WARNING, NULL, 0, 0, "--back-offset has no "
                    "effect with --duplex fold (fronts and backs print side "
                    "by side on one side of the sheet)");
    for (size_t i = 0; o->outputs == SP_OUT_TIMELINE &&
                       i < sizeof cards / sizeof *cards; i++)
        if (co->given[cards[i].opt - 256])
            sp_diag_add(d, SP_D_WARNING, NULL, 0, 0, "%s has no effect with "
                        "--only timeline", cards[i].name);
    for (size_t i = 0; o->outputs == SP_OUT_FLASHCARDS &&
                       i < sizeof booklet / sizeof *booklet; i++)
        if (co->given[booklet[i].opt - 256])
            sp_diag_add(d, SP_D_WARNING, NULL, 0, 0, "%s has no effect with "
                        "--only flashcards", booklet[i].name);
}

/* Opens the fonts (printing diagnostics on failure). */
static sp_fonts *open_fonts(const common_opts *co, const char *argv0,
                            sp_diags *d)
{
    char *dir = co->fonts_dir ? strdup(co->fonts_dir)
                              : sp_fonts_default_dir(argv0);
    if (!dir) {
        sp_diag_add(d, SP_D_FONT, NULL, 0, 0,
                    "cannot find the fonts folder; give one with --fonts "
                    "DIR or STUDYPACK_FONTS");
        return NULL;
    }
    sp_fonts *f = sp_fonts_open(dir, d);
    free(dir);
    if (f && co->no_system_fonts)
        sp_fonts_allow_system(f, 0);
    return f;
}

/* Prints diagnostics and maps them to an exit status. */
static int finish(sp_diags *d, int strict)
{
    sp_diags_fold_includes(d);  /* a bank's problem once, naming each pack */
    sp_diags_print(d, stderr, use_color());
    int status = EXIT_OK;
    if (sp_diags_system_error(d))
        status = EXIT_SYSTEM;
    else if (sp_diags_errors(d) || (strict && sp_diags_warnings(d)))
        status = EXIT_INVALID;
    return status;
}

/* A CSV, Anki text or Anki package given where a source is expected:
 * says to import it (1), else 0. */
static int not_a_source(const char *path, sp_diags *d)
{
    sp_import_format f = sp_import_sniff_file(path);
    if (f == SP_IMPORT_XML || f == SP_IMPORT_UNKNOWN)
        return 0;
    sp_diag_add(d, SP_D_XML, path, 0, 0, "this is a%s %s, not a studypack "
                "source: turn it into one with 'studypack import %s -o "
                "SOURCE.xml'", (f == SP_IMPORT_ANKI_TEXT || f == SP_IMPORT_APKG ||
                              f == SP_IMPORT_ANKI_DB) ? "n" : "",
                sp_import_format_name(f), path);
    return 1;
}

/* Applies the settings of printer profile co->printer that the command
 * line did not give, through build_option (so a profile means exactly
 * what the same options typed by hand mean).  0, or -1 after printing
 * the problems. */
/* The profile read by apply_profile: build options point into its
 * strings, so it lives until main returns. */
static sp_profile loaded_profile;

static int apply_profile(common_opts *co, const char *usage)
{
    static const struct {
        const char *key;
        int opt;
    } keys[] = {{"back-offset", OPT_BACK}, {"back-scale", OPT_BACK_SCALE},
                {"duplex", OPT_DUPLEX},     {"paper", OPT_PAPER},
                {"booklet-flip", OPT_FLIP}};
    const char *env = getenv("STUDYPACK_PRINTERS");
    char *file = env && *env ? strdup(env) : sp_printers_default_path();
    sp_diags *d = new_diags();
    if (!d) {
        free(file);
        return -1;
    }
    sp_profile *prof = &loaded_profile;
    int rc = -1;
    if (!file)
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "--printer: cannot find the "
                    "profile file: set HOME or XDG_CONFIG_HOME");
    else if (sp_profile_load(file, co->printer, prof, d) == 0) {
        rc = 0;
        for (size_t i = 0; i < prof->n_settings; i++) {
            const sp_profile_setting *st = &prof->settings[i];
            int opt = 0;
            for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
                if (strcmp(keys[k].key, st->key) == 0)
                    opt = keys[k].opt;
            if (co->given[opt - 256])
                continue;
            snprintf(opt_seen, sizeof opt_seen, "--%s", st->key);
            quiet_values = 1;
            int r = build_option(co, opt, st->value, usage);
            quiet_values = 0;
            if (r != 1) {
                sp_diag_add(d, SP_D_USAGE, prof->file, st->line, st->col,
                            "invalid value '%s' for %s (see studypack "
                            "build --help)", st->value, st->key);
                rc = -1;
            }
        }
    }
    if (rc != 0)
        sp_diags_print(d, stderr, use_color());
    sp_diags_free(d);
    free(file);
    return rc;
}

/* getopt over the build options plus EXTRA; returns the index of the first
 * operand, or -1 after a usage error, -2 after --help. */
static int parse_common(int argc, char **argv, common_opts *co,
                        const char *usage, const char *shortopts,
                        const struct option *opts,
                        int (*extra)(int c, const char *arg, void *ctx),
                        void *ctx)
{
    int c, li;
    char so[64];
    snprintf(so, sizeof so, ":%s", shortopts);   /* ':' for a missing value */
    optind = 1;
    opterr = 0;
    while ((li = -1, c = getopt_long(argc, argv, so, opts, &li)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return -2;
        }
        const char *cl = optind < argc ? argv[optind] : NULL;
        if (c == '?' && optopt > 0 && optopt != ':' && cl && cl[0] == '-'
            && cl[1] != '-' && strlen(cl) > 2 && strchr(cl + 1, optopt)) {
            /* inside a group of short options: '-dash.xml' */
            usage_error(usage, "unknown option '-%c' in '%s' (to name a "
                        "file that starts with '-', write ./%s or put -- "
                        "before it)", optopt, cl, cl);
            return -1;
        }
        if (c == ':') {
            if (optopt > 0 && optopt < 256 && argv[optind - 1][1] != '-')
                usage_error(usage, "option '-%c' needs a value", optopt);
            else
                usage_error(usage, "option '%s' needs a value",
                            argv[optind - 1]);
            return -1;
        }
        if (c == '?') {
            const char *arg = argv[optind - 1];
            char buf[8];
            if (optopt > 0 && optopt < 256) {
                snprintf(buf, sizeof buf, "-%c", optopt);
                arg = buf;
            }
            const char *names[128];
            size_t n = 0;
            char eq[64];
            snprintf(eq, sizeof eq, "%s", arg + strspn(arg, "-"));
            eq[strcspn(eq, "=")] = '\0';
            for (; opts[n].name && n < 128; n++)
                names[n] = opts[n].name;
            const char *best = arg[0] == '-' && arg[1] == '-'
                                   ? sp_did_you_mean(eq, names, n) : NULL;
            if (best)
                usage_error(usage, "unknown option '%s'; did you mean "
                            "'--%s'?", arg, best);
            else
                usage_error(usage, "unknown option '%s'", arg);
            return -1;
        }
        if (li >= 0)
            snprintf(opt_seen, sizeof opt_seen, "--%s", opts[li].name);
        else
            snprintf(opt_seen, sizeof opt_seen, "-%c", c);
        int r = build_option(co, c, optarg, usage);
        if (r == 0 && extra)
            r = extra(c, optarg, ctx);
        if (r == 1 && c >= 256 && c < OPT_LAST)
            co->given[c - 256] = 1;
        if (r == -2) {
            usage_error(usage, "%s: invalid value '%s'", opt_seen, optarg);
            return -1;
        }
        if (r < 0)
            return -1;
    }
    if (co->printer && apply_profile(co, usage) != 0)
        return -1;
    const char *why = sp_build_opts_problem(&co->build);
    if (why) {
        usage_error(usage, "%s", why);
        return -1;
    }
    return optind;
}

static int plan_check(const common_opts *co, const char *usage);

static int cmd_validate(int argc, char **argv, const char *argv0)
{
    static const struct option opts[] = {BUILD_LONG_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    common_opts co;
    memset(&co, 0, sizeof co);
    sp_build_opts_default(&co.build);
    int first = parse_common(argc, argv, &co, usage_validate, "ho:", opts,
                             NULL, NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0)
        return EXIT_USAGE;
    if (first >= argc)
        return usage_error(usage_validate, "%s", "no FILE given");
    if (plan_check(&co, usage_validate) != 0)
        return EXIT_USAGE;
    sp_diags *d = new_diags();
    if (!d)
        return EXIT_SYSTEM;
    /* the checks build makes (fonts, layout), writing nothing */
    co.build.dry_run = 1;
    no_effect(&co, d);
    if (co.build.dump || strcmp(co.build.out_dir, "out") != 0)
        sp_diag_add(d, SP_D_WARNING, NULL, 0, 0, "%s has no effect with "
                    "validate (nothing is written)",
                    co.build.dump ? "--dump" : "--output");
    /* the fonts are opened for the first pack that loads (a source that
     * does not load needs none) */
    sp_fonts *fonts = NULL;
    int fonts_tried = 0;
    for (int i = first; i < argc; i++) {
        if (not_a_source(argv[i], d))
            continue;
        sp_pack *pack = sp_load_file(argv[i], d);
        if (pack && !pack->is_bank && !fonts_tried) {
            fonts = open_fonts(&co, argv0, d);
            fonts_tried = 1;
        }
        sp_build_result r;
        if (pack && !pack->is_bank && fonts)
            sp_build_pack(pack, fonts, &co.build, &r, d);
        sp_pack_free(pack);
    }
    int status = finish(d, co.strict);
    if (fonts_tried && !fonts && status == EXIT_OK)
        status = EXIT_SYSTEM;
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

/* The plan options checked together (a roster's rows bring their own
 * dates, so batch --roster checks each row instead); 0, or -1 after a
 * usage error. */
static int plan_check(const common_opts *co, const char *usage)
{
    char why[256];
    if (sp_build_plan_check(&co->build, why, sizeof why) == 0)
        return 0;
    usage_error(usage, "%s", why);
    return -1;
}

static const char usage_plan[] =
    "usage: studypack plan [--interview-date YYYY-MM-DD] [--start D]\n"
    "                      [--study-days DAYS] [--skip DATES] FILE\n"
    "\n"
    "Prints the pack's schedule day by day: the date (or relative day), the\n"
    "phase, the tasks, the cards introduced and the cards to review: the\n"
    "plan the booklet shows, free days included.\n"
    "\n"
    "      --interview-date D  print calendar dates ending the day before D\n"
    PLAN_OPTIONS_HELP
    "  -h, --help              show this help\n";

static int cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"interview-date", required_argument, NULL, OPT_DATE},
        PLAN_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    common_opts co;
    memset(&co, 0, sizeof co);
    sp_build_opts_default(&co.build);
    int first = parse_common(argc, argv, &co, usage_plan, "h", opts, NULL,
                             NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0 || plan_check(&co, usage_plan) != 0)
        return EXIT_USAGE;
    if (first != argc - 1)
        return usage_error(usage_plan, "%s", first >= argc
                                                 ? "no FILE given"
                                                 : "plan takes one FILE");
    sp_diags *d = new_diags();
    if (!d)
        return EXIT_SYSTEM;
    sp_pack *pack = sp_load_file(argv[first], d);
    if (pack && pack->is_bank)
        sp_diag_add(d, SP_D_USAGE, pack->file, 0, 0, "this is a bank (root "
                    "<questions>), not a pack: it has no timeline");
    else if (pack) {
        sp_schedule *sched = sp_build_schedule(pack, &co.build, d);
        char *text = sched ? sp_plan_text(pack, sched) : NULL;
        errno = 0;
        if (!sched)
            ;                   /* said by sp_build_schedule */
        else if (!text)
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        else if (fputs(text, stdout) == EOF || fflush(stdout) != 0)
            sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot write the plan to "
                        "standard output: %s",
                        strerror(errno ? errno : EIO));
        free(text);
        sp_schedule_free(sched);
    }
    sp_pack_free(pack);
    int status = finish(d, 0);
    sp_diags_free(d);
    return status;
}

static const char usage_calibrate[] =
    "usage: studypack calibrate [OPTIONS]\n"
    "\n"
    "Writes a two-page duplex test sheet (default out/calibration.pdf).\n"
    "Print it double-sided at actual size, hold it against a light and\n"
    "read on the front's six scales where the lines on the back cross\n"
    "them: the centre scales give --back-offset X,Y, the edge scales\n"
    "--back-scale SX,SY (the sheet prints the formulas).  Give the same\n"
    "--paper, --card and --duplex as for the cards, so the test sheet has\n"
    "the same orientation.  Prints the lines to add to printers.conf.\n"
    "\n"
    "  -o, --output FILE       where to write (default: out/calibration.pdf)\n"
    "      --paper NAME        a4 (default), letter, a3, legal\n"
    "      --card SIZE         the card size you print (default: 3x5in)\n"
    "      --margin LEN        printer-safe margin (default: 5mm)\n"
    "      --gap LEN           gap between cards (default: 4mm)\n"
    "      --duplex MODE       long (default) or short\n"
    "      --printer NAME      paper and duplex of a printer profile, and\n"
    "                          its name in the printed profile lines\n"
    "      --fonts DIR         fonts folder with a fonts.txt manifest\n"
    "  -h, --help              show this help\n";

/* After writing the sheet: what to do with it, and the lines to add to
 * the printer profiles (on stdout, so they can be appended to the file). */
static void print_profile_lines(const sp_calibrate_opts *cal,
                                const char *path)
{
    char *lines = sp_calibrate_profile_text(cal);
    char *file = sp_printers_default_path();
    fprintf(stderr, "wrote %s: print it double-sided at actual size and "
            "read its scales; then put these lines, with your readings, "
            "into %s and build with --printer %s\n", path,
            file ? file : "~/.config/studypack/printers.conf",
            cal->printer ? cal->printer : "my-printer");
    /* not into the PDF when the PDF itself went to standard output */
    struct stat so, po;
    int same = fstat(1, &so) == 0 && stat(path, &po) == 0
               && so.st_dev == po.st_dev && so.st_ino == po.st_ino;
    if (lines)
        fputs(lines, same ? stderr : stdout);
    free(lines);
    free(file);
}

static int cmd_calibrate(int argc, char **argv, const char *argv0)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"paper", required_argument, NULL, OPT_PAPER},
        {"card", required_argument, NULL, OPT_CARD},
        {"margin", required_argument, NULL, OPT_MARGIN},
        {"gap", required_argument, NULL, OPT_GAP},
        {"duplex", required_argument, NULL, OPT_DUPLEX},
        {"printer", required_argument, NULL, OPT_PRINTER},
        {"fonts", required_argument, NULL, OPT_FONTS},
        {"lang", required_argument, NULL, OPT_LANG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    common_opts co;
    memset(&co, 0, sizeof co);
    sp_build_opts_default(&co.build);
    co.build.out_dir = NULL;
    int first = parse_common(argc, argv, &co, usage_calibrate, "ho:", opts,
                             NULL, NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0)
        return EXIT_USAGE;
    if (first < argc)
        return usage_error(usage_calibrate, "unexpected argument '%s'",
                           argv[first]);
    const sp_build_opts *o = &co.build;
    if (o->duplex == SP_DUPLEX_FOLD)
        return usage_error(usage_calibrate, "%s", "fold mode prints on one "
                           "side: it needs no calibration");
    sp_grid_opts go = {o->paper_w_pt, o->paper_h_pt, o->card_w_pt,
                       o->card_h_pt,  o->margin_pt,  o->gap_pt,
                       o->duplex,     0,             0,
                       0,             0,             1,
                       1};
    sp_grid grid;
    if (sp_grid_compute(&go, &grid) != 0)
        return usage_error(usage_calibrate, "%s", "the card does not fit on "
                           "the paper");
    sp_calibrate_opts cal = {grid.sheet_w_pt, grid.sheet_h_pt, o->duplex,
                             o->paper, co.printer, NULL};
    sp_diags *d = new_diags();
    if (!d)
        return EXIT_SYSTEM;
    sp_fsutil_install_signal_cleanup();
    sp_fonts *fonts = open_fonts(&co, argv0, d);
    const char *path = o->out_dir ? o->out_dir : "out/calibration.pdf";
    char *locdir = sp_msgs_default_dir(argv0);
    sp_msgs *msgs = sp_msgs_open(o->lang, locdir, d);
    free(locdir);
    cal.msgs = msgs;
    if (fonts && msgs) {
        sp_doc doc;
        sp_doc_init(&doc);
        sp_doc_set(&doc.title, "studypack duplex calibration");
        sp_doc_set(&doc.creator, "studypack " SP_VERSION);
        doc.print_actual_size = 1;
        char *dir = strdup(path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash)
            *slash = '\0';
        if (!dir)
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        else if (sp_calibrate_build(&doc, fonts, &cal) != 0)
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        else if (!slash || slash == dir || sp_mkdir_p(dir, d) == 0) {
            size_t len;
            if (sp_pdf_write(&doc, fonts, path, &len, d) == 0)
                print_profile_lines(&cal, path);
        }
        free(dir);
        sp_doc_release(&doc);
    }
    int status = finish(d, 0);
    if ((!fonts || !msgs) && status == EXIT_OK)
        status = EXIT_SYSTEM;
    sp_msgs_free(msgs);
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

static int cmd_build(int argc, char **argv, const char *argv0)
{
    static const struct option opts[] = {BUILD_LONG_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    common_opts co;
    memset(&co, 0, sizeof co);
    sp_build_opts_default(&co.build);
    int first = parse_common(argc, argv, &co, usage_build, "ho:", opts,
                             NULL, NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0 || plan_check(&co, usage_build) != 0)
        return EXIT_USAGE;
    if (first >= argc)
        return usage_error(usage_build, "%s", "no FILE given");
    sp_diags *d = new_diags();
    if (!d)
        return EXIT_SYSTEM;
    no_effect(&co, d);
    if (co.strict && sp_diags_warnings(d)) {
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "--strict: warnings are "
                    "errors; nothing was written");
        int rc = finish(d, 1);
        sp_diags_free(d);
        return rc;
    }
    /* Ctrl-C while a PDF is being written removes its temporary file */
    sp_fsutil_install_signal_cleanup();
    sp_fonts *fonts = open_fonts(&co, argv0, d);
    char *locdir = sp_msgs_default_dir(argv0);
    co.build.locale_dir = locdir;
    int status = EXIT_OK;
    /* two sources with one id would overwrite each other: like batch,
     * neither is built (ids peeked from regular files; a pipe is read
     * once, so its id is checked when it is loaded) */
    size_t nf = (size_t)(argc - first);
    char **ids = calloc(nf, sizeof *ids);
    unsigned char *dup = calloc(nf, 1);
    if (!ids || !dup)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; fonts && ids && dup && i < nf; i++) {
        struct stat st;
        int bank;
        if (stat(argv[first + (int)i], &st) == 0 && S_ISREG(st.st_mode))
            ids[i] = sp_load_peek_root(argv[first + (int)i], &bank);
    }
    if (fonts && ids && dup
        && sp_report_duplicate_ids(argv + first, ids, nf, dup, d) < 0)
        fonts = (sp_fonts_free(fonts), NULL);
    for (int i = first; fonts && ids && dup && i < argc; i++) {
        sp_diags *pd = new_diags();
        if (!pd) {
            status = EXIT_SYSTEM;
            break;
        }
        sp_pack *pack = dup[i - first] || not_a_source(argv[i], pd)
                            ? NULL : sp_load_file(argv[i], pd);
        for (int k = first; pack && k < i; k++)
            if (ids[k - first] && strcmp(ids[k - first], pack->id) == 0) {
                sp_diag_add(pd, SP_D_DUPLICATE, argv[i], 0, 0, "pack id "
                            "'%s' is also the id of %s, given before it; "
                            "this one is not built: give each pack its own "
                            "id", pack->id, argv[k]);
                sp_pack_free(pack);
                pack = NULL;
            }
        if (pack && !ids[i - first])
            ids[i - first] = strdup(pack->id);
        sp_build_result r;
        if (pack && !(co.strict && sp_diags_warnings(pd)))
            sp_build_pack(pack, fonts, &co.build, &r, pd);
        sp_pack_free(pack);
        sp_diags_move(d, pd);
        sp_diags_free(pd);
    }
    for (size_t i = 0; ids && i < nf; i++)
        free(ids[i]);
    free(ids);
    free(dup);
    status = finish(d, co.strict);
    if (!fonts && status == EXIT_OK)
        status = EXIT_SYSTEM;
    free(locdir);
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

/* Export time stamps: $SOURCE_DATE_EPOCH if set (-1 if not); -1 after a
 * usage error. */
static int source_date_epoch(long long *epoch, const char *usage)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return 0;
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (*end || v < 0 || v > 253402300799LL || sde[0] < '0' || sde[0] > '9') {
        usage_error(usage, "SOURCE_DATE_EPOCH '%s' is not a time in seconds "
                    "since 1970", sde);
        return -1;
    }
    *epoch = v;
    return 0;
}

typedef struct {
    int jobs, force, quiet;
    const char *roster;
    unsigned exports;
} batch_extra;

/* batch --roster FILE: a booklet per student (see roster.h); with
 * --export ics a calendar per student too. */
/* A student's calendar (batch --roster --export ics): their own plan, with
 * their name in the events' ids, as DIR/plan.ics. */
static int export_student_ics(void *ctx, const sp_pack *pack,
                              const sp_schedule *sched,
                              const sp_student *student, const char *dir,
                              sp_diags *d)
{
    const long long *epoch = ctx;
    sp_export_opts eo = {1, student->interview, student->name, *epoch,
                         sched};
    const char *name = sp_export_file_name(SP_EXPORT_ICS);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    snprintf(path, n, "%s/%s", dir, name);
    int rc = sp_export_pack(pack, SP_EXPORT_ICS, path, &eo, d);
    free(path);
    return rc;
}

static int run_roster(const batch_extra *be, char *const *paths, int n_paths,
                      const sp_batch_opts *bo, const sp_fonts *fonts,
                      sp_batch_result *r, sp_diags *d)
{
    long long epoch = bo->build->export_epoch;
    sp_student_exporter ex = {NULL, NULL, NULL};
    if (be->exports & SP_EXPORT_ICS)
        ex = (sp_student_exporter){"ics", export_student_ics, &epoch};
    /* students are built in this process: Ctrl-C while a PDF is being
     * written removes its temporary file */
    sp_fsutil_install_signal_cleanup();
    sp_roster *roster = sp_roster_load(be->roster, d);
    memset(r, 0, sizeof *r);
    if (!roster)
        return sp_diags_system_error(d) ? 3 : 1;
    int rc = sp_roster_run(roster, paths, n_paths, bo, &ex, fonts, r, d);
    for (size_t i = 0; i < roster->n_students; i++)
        if (!roster->students[i].ok)
            rc = rc == 0 ? 1 : rc;
    sp_roster_free(roster);
    return rc;
}

static int batch_option(int c, const char *arg, void *ctx)
{
    batch_extra *b = ctx;
    switch (c) {
    case 'j': {
        size_t digits = strspn(arg, "0123456789");
        /* checked as text first: no sign, no hexadecimal, no overflow */
        if (!digits || arg[digits]) {
            usage_error(usage_batch, "%s: '%s' is not a decimal number; give "
                        "1-256", opt_seen, arg);
            return -1;
        }
        const char *v = arg;
        while (v[0] == '0' && v[1])
            v++, digits--;
        if (digits > 3 || atoi(v) < 1 || atoi(v) > 256) {
            usage_error(usage_batch, "%s: '%s' is out of range; give 1-256",
                        opt_seen, arg);
            return -1;
        }
        b->jobs = atoi(v);
        return 1;
    }
    case OPT_FORCE: b->force = 1; return 1;
    case 'q': b->quiet = 1; return 1;
    case OPT_ROSTER: b->roster = arg; return 1;
    case OPT_EXPORT: {
        const char *bad = NULL;
        if (sp_export_parse_list(arg, &b->exports, &bad) != 0) {
            usage_error(usage_batch, "--export: unknown format '%s' (give "
                        "apkg, anki-text, ics, json, separated by commas)",
                        bad);
            return -1;
        }
        return 1;
    }
    }
    return 0;
}

static int cmd_batch(int argc, char **argv, const char *argv0)
{
    static const struct option opts[] = {
        BUILD_LONG_OPTIONS,
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"quiet", no_argument, NULL, 'q'},
        {"roster", required_argument, NULL, OPT_ROSTER},
        {"export", required_argument, NULL, OPT_EXPORT},
        {NULL, 0, NULL, 0}};
    common_opts co;
    memset(&co, 0, sizeof co);
    sp_build_opts_default(&co.build);
    batch_extra be = {0, 0, 0, NULL, 0};
    int first = parse_common(argc, argv, &co, usage_batch, "ho:j:q", opts,
                             batch_option, &be);
    if (first == -2)
        return EXIT_OK;
    if (first < 0 || (!be.roster && plan_check(&co, usage_batch) != 0))
        return EXIT_USAGE;
    /* a roster's rows bring their own interview dates */
    if ((be.exports & SP_EXPORT_ICS) && !co.build.has_interview_date
        && !be.roster)
        return usage_error(usage_batch, "%s", "--export ics needs "
                           "--interview-date (a calendar needs dates)");
    long long epoch = -1;
    if (source_date_epoch(&epoch, usage_batch) != 0)
        return EXIT_USAGE;
    sp_diags *d = new_diags();
    if (!d)
        return EXIT_SYSTEM;
    no_effect(&co, d);
    if (co.strict && sp_diags_warnings(d)) {
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "--strict: warnings are "
                    "errors; nothing was written");
        int rc = finish(d, 1);
        sp_diags_free(d);
        return rc;
    }
    sp_fonts *fonts = open_fonts(&co, argv0, d);
    int status;
    if (!fonts) {
        status = finish(d, 0);
        sp_diags_free(d);
        return status == EXIT_OK ? EXIT_SYSTEM : status;
    }
    char *locdir = sp_msgs_default_dir(argv0);
    co.build.locale_dir = locdir;
    static char sources[] = "sources";
    char *def[] = {sources};
    /* with a roster the dates are each student's: calendars come per
     * student (run_roster's hook), the other formats once per pack */
    co.build.exports = be.roster ? be.exports & ~(unsigned)SP_EXPORT_ICS
                                 : be.exports;
    co.build.export_epoch = epoch;
    sp_batch_opts bo = {&co.build, be.jobs, be.force, be.quiet, isatty(2),
                        stderr};
    sp_batch_result r;
    int rc = be.roster
        ? run_roster(&be, first < argc ? argv + first : def,
                     first < argc ? argc - first : 1, &bo, fonts, &r, d)
        : sp_batch_run(first < argc ? argv + first : def,
                       first < argc ? argc - first : 1, &bo, fonts, &r, d);
    status = finish(d, co.strict);
    if (!be.quiet || rc != 0)
        fprintf(stderr, "%d built, %d up to date, %d failed%s\n", r.built,
                r.up_to_date, r.failed, r.interrupted ? " (interrupted)" : "");
    if (r.interrupted)
        status = 130;
    else if (rc == 3)
        status = EXIT_SYSTEM;
    else if (rc != 0 && status == EXIT_OK)
        status = EXIT_INVALID;
    free(locdir);
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

static const char usage_import[] =
    "usage: studypack import FILE... -o SOURCE.xml [--id ID] [--company C]\n"
    "                        [--role R] [--title T]\n"
    "\n"
    "Turns questions kept elsewhere into one studypack source: CSV (a header\n"
    "row naming question,answer[,tags,round,difficulty,followup,id,cue]),\n"
    "TSV, Anki's text export and Anki packages (.apkg), each recognised from\n"
    "its content.  Images the notes show are written beside SOURCE.xml.\n"
    "\n"
    "  -o, --output FILE  the source to write (atomically)\n"
    "      --id ID        the pack id (default: from the title)\n"
    "      --company C    the company\n"
    "      --role R       the role (default: the deck's or file's name)\n"
    "      --title T      the title (default: the deck's name)\n"
    "      --fonts DIR    fonts whose coverage is checked\n"
    "  -h, --help         show this help\n";

static int cmd_import(int argc, char **argv, const char *argv0)
{
    enum { I_ID = 300, I_COMPANY, I_ROLE, I_TITLE, I_FONTS };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"id", required_argument, NULL, I_ID},
        {"company", required_argument, NULL, I_COMPANY},
        {"role", required_argument, NULL, I_ROLE},
        {"title", required_argument, NULL, I_TITLE},
        {"fonts", required_argument, NULL, I_FONTS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    sp_import_opts io;
    memset(&io, 0, sizeof io);
    common_opts co;
    memset(&co, 0, sizeof co);
    const char *out = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case I_ID: io.id = optarg; break;
        case I_COMPANY: io.company = optarg; break;
        case I_ROLE: io.role = optarg; break;
        case I_TITLE: io.title = optarg; break;
        case I_FONTS: co.fonts_dir = optarg; break;
        case 'h': fputs(usage_import, stdout); return EXIT_OK;
        default:
            return usage_error(usage_import, "%s '%s'",
                               c == ':' ? "missing value for"
                                        : "unknown option",
                               argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error(usage_import, "%s", "no FILE given");
    if (!out)
        return usage_error(usage_import, "%s", "no -o SOURCE.xml given");
    sp_diags *d = new_diags(), *fd = new_diags();
    if (!d || !fd) {
        sp_diags_free(d);
        sp_diags_free(fd);
        return EXIT_SYSTEM;
    }
    sp_fsutil_install_signal_cleanup();
    /* without fonts the characters are not checked (build will say) */
    sp_fonts *fonts = open_fonts(&co, argv0, fd);
    if (co.fonts_dir && !fonts)
        sp_diags_move(d, fd);
    io.fonts = fonts;
    sp_import_files(argv + optind, (size_t)(argc - optind), out, &io, d);
    int status = finish(d, 0);
    sp_fonts_free(fonts);
    sp_diags_free(fd);
    sp_diags_free(d);
    return status;
}

static const char usage_export[] =
    "usage: studypack export FILE -o OUT [--format FORMAT]\n"
    "                        [--interview-date YYYY-MM-DD] [--start D]\n"
    "                        [--study-days DAYS] [--skip DATES]\n"
    "                        [--student NAME]\n"
    "\n"
    "Writes the pack (or bank) FILE in another format, byte-identical for\n"
    "the same input:\n"
    "  apkg       an Anki package: one deck, a sub-deck per round\n"
    "  anki-text  Anki's plain-text notes (tab separated, HTML)\n"
    "  ics        the plan as a calendar: an all-day event per day\n"
    "             (needs --interview-date)\n"
    "  json       the pack and its plan, for other tools\n"
    "\n"
    "  -o, --output FILE       the file to write (atomically)\n"
    "      --format FORMAT     apkg, anki-text, ics or json (default: from\n"
    "                          the extension: .apkg .txt .ics .json)\n"
    "      --interview-date D  the interview's date: the plan gets dates\n"
    "      --start D, --study-days DAYS, --skip DATES\n"
    "                          the personal plan, as for build (ics, json)\n"
    "      --student NAME      the student (calendar event ids)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Time stamps (Anki's modification times, the calendar's DTSTAMP) are\n"
    "the newest modification time of the pack's files, or\n"
    "$SOURCE_DATE_EPOCH when it is set.\n";

enum { E_FORMAT = 320 };

static int export_option(int c, const char *arg, void *ctx)
{
    if (c != E_FORMAT)
        return 0;
    *(const char **)ctx = arg;
    return 1;
}

/* export: the build options' parser reads -o (the file) and the plan's
 * options, so export takes them as build and plan do */
static int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, E_FORMAT},
        {"interview-date", required_argument, NULL, OPT_DATE},
        {"start", required_argument, NULL, OPT_START},
        {"study-days", required_argument, NULL, OPT_STUDY_DAYS},
        {"skip", required_argument, NULL, OPT_SKIP},
        {"student", required_argument, NULL, OPT_STUDENT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    common_opts co;
    memset(&co, 0, sizeof co);
    sp_build_opts_default(&co.build);
    co.build.out_dir = NULL;
    const char *format = NULL;
    int first = parse_common(argc, argv, &co, usage_export, "ho:", opts,
                             export_option, &format);
    if (first == -2)
        return EXIT_OK;
    if (first < 0)
        return EXIT_USAGE;
    const char *out = co.build.out_dir;
    sp_export_opts eo = {co.build.has_interview_date,
                         {co.build.interview_y, co.build.interview_m,
                          co.build.interview_d},
                         co.build.student, -1, NULL};
    if (first >= argc)
        return usage_error(usage_export, "%s", "no FILE given");
    if (first < argc - 1)
        return usage_error(usage_export, "%s", "export takes one FILE");
    if (!out)
        return usage_error(usage_export, "%s", "no -o FILE given");
    sp_export_format f = format ? sp_export_format_named(format)
                                : sp_export_format_for_path(out);
    if (f == SP_EXPORT_NONE)
        return usage_error(usage_export, format ? "unknown --format '%s'"
                           : "cannot tell the format from '%s': give "
                             "--format", format ? format : out);
    if (source_date_epoch(&eo.epoch, usage_export) != 0)
        return EXIT_USAGE;
    sp_diags *d = new_diags();
    if (!d)
        return EXIT_SYSTEM;
    sp_fsutil_install_signal_cleanup();
    const char *path = argv[first];
    sp_pack *pack = not_a_source(path, d) ? NULL : sp_load_file(path, d);
    sp_schedule *sched = NULL;
    int personal = pack && !pack->is_bank
                   && (f == SP_EXPORT_ICS || f == SP_EXPORT_JSON)
                   && (co.build.has_start || co.build.study_days
                       || co.build.n_skip);
    if (personal) {
        /* the personal plan the booklet shows */
        if (plan_check(&co, usage_export) != 0) {
            sp_pack_free(pack);
            sp_diags_free(d);
            return EXIT_USAGE;
        }
        sched = sp_build_schedule(pack, &co.build, d);
        eo.schedule = sched;
    }
    if (pack && (!personal || sched))
        sp_export_pack(pack, f, out, &eo, d);
    sp_schedule_free(sched);
    sp_pack_free(pack);
    int status = finish(d, 0);
    sp_diags_free(d);
    return status;
}

/* Every output stream is checked: output lost (a full disk, a closed
 * pipe, /dev/full) is a system error, never exit 0.  STATUS is kept if it
 * already says worse. */
static int close_streams(int status)
{
    int err = 0, reported = ferror(stdout);
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        err = errno ? errno : EIO;
    errno = 0;
    if (fclose(stdout) != 0 && !err)
        err = errno ? errno : EIO;
    if (err && !(reported && status == EXIT_SYSTEM)) {
        fprintf(stderr, "studypack: error: cannot write to standard "
                "output: %s\n", strerror(err));
        if (status == EXIT_OK || status == EXIT_INVALID)
            status = EXIT_SYSTEM;
    }
    if ((ferror(stderr) || fflush(stderr) != 0) && status == EXIT_OK)
        status = EXIT_SYSTEM;
    return status;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    return close_streams(run(argc, argv));
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    int status;
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("studypack %s\n", SP_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "validate") == 0)
        status = cmd_validate(argc - 1, argv + 1, argv[0]);
    else if (strcmp(cmd, "build") == 0)
        status = cmd_build(argc - 1, argv + 1, argv[0]);
    else if (strcmp(cmd, "calibrate") == 0)
        status = cmd_calibrate(argc - 1, argv + 1, argv[0]);
    else if (strcmp(cmd, "plan") == 0)
        status = cmd_plan(argc - 1, argv + 1);
    else if (strcmp(cmd, "batch") == 0)
        status = cmd_batch(argc - 1, argv + 1, argv[0]);
    else if (strcmp(cmd, "import") == 0)
        status = cmd_import(argc - 1, argv + 1, argv[0]);
    else if (strcmp(cmd, "export") == 0)
        status = cmd_export(argc - 1, argv + 1);
    else
        return usage_error(usage_main, "unknown command '%s'", cmd);
    sp_load_cleanup();
    sp_profile_release(&loaded_profile);
    free(skip_ranges);
    return status;
}
