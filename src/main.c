/* main.c - the command line: parses options, calls the stages in order,
 * prints the diagnostics they collected and chooses the exit status:
 * 0 success, 1 invalid input, 2 usage error, 3 system error. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "load.h"
#include "model.h"

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
    "\n"
    "options:\n"
    "  -h, --help           show this help (studypack COMMAND --help for a "
    "command)\n"
    "  -V, --version        show the version\n"
    "\n"
    "Exit status: 0 success, 1 invalid input, 2 usage error, 3 system "
    "error.\n";

static const char usage_validate[] =
    "usage: studypack validate [--strict] FILE...\n"
    "\n"
    "Validates each source (a pack, or a bank whose root is <questions>)\n"
    "against the schema and the rules of the format, and prints nothing but\n"
    "diagnostics (FILE:LINE:COL: error: ...).\n"
    "\n"
    "  --strict     treat warnings as errors\n"
    "  -h, --help   show this help\n";

/* Prints diagnostics and maps them to an exit status. */
static int finish(sp_diags *d, int strict)
{
    sp_diags_print(d, stderr, use_color());
    int status = EXIT_OK;
    if (sp_diags_system_error(d))
        status = EXIT_SYSTEM;
    else if (sp_diags_errors(d) || (strict && sp_diags_warnings(d)))
        status = EXIT_INVALID;
    return status;
}

static int usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("studypack: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

static int cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"strict", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int strict = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 's': strict = 1; break;
        case 'h': fputs(usage_validate, stdout); return EXIT_OK;
        default:
            return usage_error(usage_validate, "unknown option '%s'",
                               argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error(usage_validate, "%s", "no FILE given");
    sp_diags *d = sp_diags_new();
    if (!d) {
        fputs("studypack: error: out of memory\n", stderr);
        return EXIT_SYSTEM;
    }
    for (int i = optind; i < argc; i++)
        sp_pack_free(sp_load_file(argv[i], d));
    int status = finish(d, strict);
    sp_diags_free(d);
    return status;
}

int main(int argc, char **argv)
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
        status = cmd_validate(argc - 1, argv + 1);
    else
        return usage_error(usage_main, "unknown command '%s'", cmd);
    sp_load_cleanup();
    return status;
}
