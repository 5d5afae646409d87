/* options.c - the command line's one option parser (the build and plan
 * options, printer profiles) and the helpers every command uses (see
 * cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "booklet.h"
#include "calibrate.h"
#include "export.h"
#include "fsutil.h"
#include "import.h"
#include "load.h"
#include "model.h"
#include "msg.h"
#include "pdf.h"
#include "printers.h"
#include "roster.h"
#include "schedule.h"
#include "text.h"

int cli_use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(2) && !(nc && *nc);
}

/* A diagnostics list, or NULL after saying that there is no memory for
 * one (the one message that cannot be data). */
sp_diags *cli_new_diags(void)
{
    sp_diags *d = sp_diags_new();
    if (!d)
        fputs("studypack: error: out of memory\n", stderr);
    return d;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cli_usage_error(const char *usage, const char *fmt, ...)
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

/* The option being parsed as the user wrote it ("--margin", "-o"), for
 * messages. */
static char opt_seen[64];

const char *cli_opt_seen(void)
{
    return opt_seen;
}
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
        cli_usage_error(usage, "%s: '%s' %s", opt_seen, value, why);
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

/* A date option's value ARG into *HAS, *Y, *M, *D: 1, or -1 after the
 * message. */
static int date_option(const char *usage, const char *arg, int *has, int *y,
                       int *m, int *d)
{
    sp_date date;
    const char *why = NULL;
    if (sp_date_parse(arg, &date, &why) != 0)
        return bad_value(usage, arg, "is not a date: %s; give YYYY-MM-DD",
                         why ? why : "not in the form YYYY-MM-DD");
    *has = 1;
    *y = date.year;
    *m = date.month;
    *d = date.day;
    return 1;
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
    case OPT_DATE:
        return date_option(usage, arg, &o->has_interview_date,
                           &o->interview_y, &o->interview_m, &o->interview_d);
    case OPT_FLIP:
        if ((k = choice(usage, arg, flips)) < 0)
            return -1;
        o->booklet_flip_long = k;
        return 1;
    case OPT_START:
        return date_option(usage, arg, &o->has_start, &o->start_y,
                           &o->start_m, &o->start_d);
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
            cli_usage_error(usage, "%s", "out of memory");
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
void cli_no_effect(const common_opts *co, sp_diags *d)
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

void cli_opts_init(common_opts *co)
{
    memset(co, 0, sizeof *co);
    sp_build_opts_default(&co->build);
}

int cli_no_effect_strict(const common_opts *co, sp_diags *d)
{
    cli_no_effect(co, d);
    if (!co->strict || !sp_diags_warnings(d))
        return -1;
    sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "--strict: warnings are errors; "
                "nothing was written");
    int rc = cli_finish(d, 1);
    sp_diags_free(d);
    return rc;
}

/* Opens the fonts (printing diagnostics on failure). */
sp_fonts *cli_open_fonts(const common_opts *co, const char *argv0,
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
int cli_finish(sp_diags *d, int strict)
{
    sp_diags_fold_includes(d);  /* a bank's problem once, naming each pack */
    sp_diags_print(d, stderr, cli_use_color());
    int status = EXIT_OK;
    if (sp_diags_system_error(d))
        status = EXIT_SYSTEM;
    else if (sp_diags_errors(d) || (strict && sp_diags_warnings(d)))
        status = EXIT_INVALID;
    return status;
}

/* A CSV, Anki text or Anki package given where a source is expected:
 * says to import it (1), else 0. */
int cli_not_a_source(const char *path, sp_diags *d)
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
    sp_diags *d = cli_new_diags();
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
        sp_diags_print(d, stderr, cli_use_color());
    sp_diags_free(d);
    free(file);
    return rc;
}

/* getopt over the build options plus EXTRA; returns the index of the first
 * operand, or -1 after a usage error, -2 after --help. */
int cli_parse_common(int argc, char **argv, common_opts *co,
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
            cli_usage_error(usage, "unknown option '-%c' in '%s' (to name a "
                            "file that starts with '-', write ./%s or put -- "
                            "before it)", optopt, cl, cl);
            return -1;
        }
        if (c == ':') {
            if (optopt > 0 && optopt < 256 && argv[optind - 1][1] != '-')
                cli_usage_error(usage, "option '-%c' needs a value", optopt);
            else
                cli_usage_error(usage, "option '%s' needs a value",
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
                cli_usage_error(usage, "unknown option '%s'; did you mean "
                                "'--%s'?", arg, best);
            else
                cli_usage_error(usage, "unknown option '%s'", arg);
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
            cli_usage_error(usage, "%s: invalid value '%s'", opt_seen, optarg);
            return -1;
        }
        if (r < 0)
            return -1;
    }
    if (co->printer && apply_profile(co, usage) != 0)
        return -1;
    const char *why = sp_build_opts_problem(&co->build);
    if (why) {
        cli_usage_error(usage, "%s", why);
        return -1;
    }
    return optind;
}

int cli_plan_check(const common_opts *co, const char *usage)
{
    char why[256];
    if (sp_build_plan_check(&co->build, why, sizeof why) == 0)
        return 0;
    cli_usage_error(usage, "%s", why);
    return -1;
}
/* Export time stamps: $SOURCE_DATE_EPOCH if set (-1 if not); -1 after a
 * usage error. */
int cli_source_date_epoch(long long *epoch, const char *usage)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return 0;
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (*end || v < 0 || v > 253402300799LL || sde[0] < '0' || sde[0] > '9') {
        cli_usage_error(usage, "SOURCE_DATE_EPOCH '%s' is not a time in "
                        "seconds since 1970", sde);
        return -1;
    }
    *epoch = v;
    return 0;
}

void cli_release(void)
{
    sp_profile_release(&loaded_profile);
    free(skip_ranges);
    skip_ranges = NULL;
}
