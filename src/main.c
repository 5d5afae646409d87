/* main.c - the program: picks the command, whose file in src/cli/ parses
 * its options (cli.h: the one option parser), calls the stages in order,
 * prints the diagnostics they collected and chooses the exit status:
 * 0 success, 1 invalid input, 2 usage error, 3 system error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "load.h"

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
        return cli_usage_error(usage_main, "unknown command '%s'", cmd);
    sp_load_cleanup();
    cli_release();
    return status;
}
