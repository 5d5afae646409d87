/* cmd_batch.c - the command batch (and its --roster). */
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

const char usage_batch[] =
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
            cli_usage_error(usage_batch, "%s: '%s' is not a decimal "
                            "number; give 1-256", cli_opt_seen(), arg);
            return -1;
        }
        const char *v = arg;
        while (v[0] == '0' && v[1])
            v++, digits--;
        if (digits > 3 || atoi(v) < 1 || atoi(v) > 256) {
            cli_usage_error(usage_batch,
                            "%s: '%s' is out of range; give 1-256",
                            cli_opt_seen(), arg);
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
            cli_usage_error(usage_batch, "--export: unknown format '%s' (give "
                            "apkg, anki-text, ics, json, separated by commas)",
                            bad);
            return -1;
        }
        return 1;
    }
    }
    return 0;
}

int cmd_batch(int argc, char **argv, const char *argv0)
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
    cli_opts_init(&co);
    batch_extra be = {0, 0, 0, NULL, 0};
    int first = cli_parse_common(argc, argv, &co, usage_batch, "ho:j:q", opts,
                                 batch_option, &be);
    if (first == -2)
        return EXIT_OK;
    if (first < 0 || (!be.roster && cli_plan_check(&co, usage_batch) != 0))
        return EXIT_USAGE;
    /* a roster's rows bring their own interview dates */
    if ((be.exports & SP_EXPORT_ICS) && !co.build.has_interview_date
        && !be.roster)
        return cli_usage_error(usage_batch, "%s", "--export ics needs "
                               "--interview-date (a calendar needs dates)");
    long long epoch = -1;
    if (cli_source_date_epoch(&epoch, usage_batch) != 0)
        return EXIT_USAGE;
    sp_diags *d = cli_new_diags();
    if (!d)
        return EXIT_SYSTEM;
    int stop = cli_no_effect_strict(&co, d);
    if (stop >= 0)
        return stop;
    sp_fonts *fonts = cli_open_fonts(&co, argv0, d);
    int status;
    if (!fonts) {
        status = cli_finish(d, 0);
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
    status = cli_finish(d, co.strict);
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

