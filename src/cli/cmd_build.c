/* cmd_build.c - the commands validate, plan, calibrate and build. */
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

const char usage_validate[] =
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

const char usage_build[] =
    "usage: studypack build [OPTIONS] FILE...\n"
    "\n"
    "Builds each pack into OUT/<pack-id>/: flashcards.pdf (double-sided\n"
    "cards), timeline.pdf (the prep booklet in reading order),\n"
    "timeline-booklet.pdf (imposed for saddle stitching),\n"
    "mock-interview.pdf (the interviewer's kit) and pocket.pdf (a day-of\n"
    "sheet per round, four to a page).\n"
    "\n" BUILD_OPTIONS_HELP
    "  -h, --help              show this help\n";


int cmd_validate(int argc, char **argv, const char *argv0)
{
    static const struct option opts[] = {BUILD_LONG_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    common_opts co;
    cli_opts_init(&co);
    int first = cli_parse_common(argc, argv, &co, usage_validate, "ho:", opts,
                                 NULL, NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0)
        return EXIT_USAGE;
    if (first >= argc)
        return cli_usage_error(usage_validate, "%s", "no FILE given");
    if (cli_plan_check(&co, usage_validate) != 0)
        return EXIT_USAGE;
    sp_diags *d = cli_new_diags();
    if (!d)
        return EXIT_SYSTEM;
    /* the checks build makes (fonts, layout), writing nothing */
    co.build.dry_run = 1;
    cli_no_effect(&co, d);
    if (co.build.dump || strcmp(co.build.out_dir, "out") != 0)
        sp_diag_add(d, SP_D_WARNING, NULL, 0, 0, "%s has no effect with "
                    "validate (nothing is written)",
                    co.build.dump ? "--dump" : "--output");
    /* the fonts are opened for the first pack that loads (a source that
     * does not load needs none) */
    sp_fonts *fonts = NULL;
    int fonts_tried = 0;
    for (int i = first; i < argc; i++) {
        if (cli_not_a_source(argv[i], d))
            continue;
        sp_pack *pack = sp_load_file(argv[i], d);
        if (pack && !pack->is_bank && !fonts_tried) {
            fonts = cli_open_fonts(&co, argv0, d);
            fonts_tried = 1;
        }
        sp_build_result r;
        if (pack && !pack->is_bank && fonts)
            sp_build_pack(pack, fonts, &co.build, &r, d);
        sp_pack_free(pack);
    }
    int status = cli_finish(d, co.strict);
    if (fonts_tried && !fonts && status == EXIT_OK)
        status = EXIT_SYSTEM;
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

/* The plan options checked together (a roster's rows bring their own
 * dates, so batch --roster checks each row instead); 0, or -1 after a
 * usage error. */

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

int cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"interview-date", required_argument, NULL, OPT_DATE},
        PLAN_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    common_opts co;
    cli_opts_init(&co);
    int first = cli_parse_common(argc, argv, &co, usage_plan, "h", opts, NULL,
                                 NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0 || cli_plan_check(&co, usage_plan) != 0)
        return EXIT_USAGE;
    if (first != argc - 1)
        return cli_usage_error(usage_plan, "%s", first >= argc
                                                 ? "no FILE given"
                                                 : "plan takes one FILE");
    sp_diags *d = cli_new_diags();
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
    int status = cli_finish(d, 0);
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

int cmd_calibrate(int argc, char **argv, const char *argv0)
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
    cli_opts_init(&co);
    co.build.out_dir = NULL;
    int first = cli_parse_common(argc, argv, &co, usage_calibrate, "ho:", opts,
                                 NULL, NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0)
        return EXIT_USAGE;
    if (first < argc)
        return cli_usage_error(usage_calibrate, "unexpected argument '%s'",
                               argv[first]);
    const sp_build_opts *o = &co.build;
    if (o->duplex == SP_DUPLEX_FOLD)
        return cli_usage_error(usage_calibrate, "%s", "fold mode prints on "
                               "one side: it needs no calibration");
    sp_grid_opts go = {o->paper_w_pt, o->paper_h_pt, o->card_w_pt,
                       o->card_h_pt,  o->margin_pt,  o->gap_pt,
                       o->duplex,     0,             0,
                       0,             0,             1,
                       1};
    sp_grid grid;
    if (sp_grid_compute(&go, &grid) != 0)
        return cli_usage_error(usage_calibrate, "%s", "the card does not "
                               "fit on the paper");
    sp_calibrate_opts cal = {grid.sheet_w_pt, grid.sheet_h_pt, o->duplex,
                             o->paper, co.printer, NULL};
    sp_diags *d = cli_new_diags();
    if (!d)
        return EXIT_SYSTEM;
    sp_fsutil_install_signal_cleanup();
    sp_fonts *fonts = cli_open_fonts(&co, argv0, d);
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
    int status = cli_finish(d, 0);
    if ((!fonts || !msgs) && status == EXIT_OK)
        status = EXIT_SYSTEM;
    sp_msgs_free(msgs);
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

int cmd_build(int argc, char **argv, const char *argv0)
{
    static const struct option opts[] = {BUILD_LONG_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    common_opts co;
    cli_opts_init(&co);
    int first = cli_parse_common(argc, argv, &co, usage_build, "ho:", opts,
                                 NULL, NULL);
    if (first == -2)
        return EXIT_OK;
    if (first < 0 || cli_plan_check(&co, usage_build) != 0)
        return EXIT_USAGE;
    if (first >= argc)
        return cli_usage_error(usage_build, "%s", "no FILE given");
    sp_diags *d = cli_new_diags();
    if (!d)
        return EXIT_SYSTEM;
    int stop = cli_no_effect_strict(&co, d);
    if (stop >= 0)
        return stop;
    /* Ctrl-C while a PDF is being written removes its temporary file */
    sp_fsutil_install_signal_cleanup();
    sp_fonts *fonts = cli_open_fonts(&co, argv0, d);
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
        sp_diags *pd = cli_new_diags();
        if (!pd) {
            status = EXIT_SYSTEM;
            break;
        }
        sp_pack *pack = dup[i - first] || cli_not_a_source(argv[i], pd)
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
    status = cli_finish(d, co.strict);
    if (!fonts && status == EXIT_OK)
        status = EXIT_SYSTEM;
    free(locdir);
    sp_fonts_free(fonts);
    sp_diags_free(d);
    return status;
}

