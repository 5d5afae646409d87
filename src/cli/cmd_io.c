/* cmd_io.c - the commands import and export. */
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

int cmd_import(int argc, char **argv, const char *argv0)
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
            return cli_usage_error(usage_import, "%s '%s'",
                                   c == ':' ? "missing value for"
                                        : "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(usage_import, "%s", "no FILE given");
    if (!out)
        return cli_usage_error(usage_import, "%s", "no -o SOURCE.xml given");
    sp_diags *d = cli_new_diags(), *fd = cli_new_diags();
    if (!d || !fd) {
        sp_diags_free(d);
        sp_diags_free(fd);
        return EXIT_SYSTEM;
    }
    sp_fsutil_install_signal_cleanup();
    /* without fonts the characters are not checked (build will say) */
    sp_fonts *fonts = cli_open_fonts(&co, argv0, fd);
    if (co.fonts_dir && !fonts)
        sp_diags_move(d, fd);
    io.fonts = fonts;
    sp_import_files(argv + optind, (size_t)(argc - optind), out, &io, d);
    int status = cli_finish(d, 0);
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
int cmd_export(int argc, char **argv)
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
    cli_opts_init(&co);
    co.build.out_dir = NULL;
    const char *format = NULL;
    int first = cli_parse_common(argc, argv, &co, usage_export, "ho:", opts,
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
        return cli_usage_error(usage_export, "%s", "no FILE given");
    if (first < argc - 1)
        return cli_usage_error(usage_export, "%s", "export takes one FILE");
    if (!out)
        return cli_usage_error(usage_export, "%s", "no -o FILE given");
    sp_export_format f = format ? sp_export_format_named(format)
                                : sp_export_format_for_path(out);
    if (f == SP_EXPORT_NONE)
        return cli_usage_error(usage_export, format ? "unknown --format '%s'"
                               : "cannot tell the format from '%s': give "
                             "--format", format ? format : out);
    if (cli_source_date_epoch(&eo.epoch, usage_export) != 0)
        return EXIT_USAGE;
    sp_diags *d = cli_new_diags();
    if (!d)
        return EXIT_SYSTEM;
    sp_fsutil_install_signal_cleanup();
    const char *path = argv[first];
    sp_pack *pack = cli_not_a_source(path, d) ? NULL : sp_load_file(path, d);
    sp_schedule *sched = NULL;
    int personal = pack && !pack->is_bank
                   && (f == SP_EXPORT_ICS || f == SP_EXPORT_JSON)
                   && (co.build.has_start || co.build.study_days
                       || co.build.n_skip);
    if (personal) {
        /* the personal plan the booklet shows */
        if (cli_plan_check(&co, usage_export) != 0) {
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
    int status = cli_finish(d, 0);
    sp_diags_free(d);
    return status;
}

