/* batch.h - building many packs: discovery, up-to-date checks, parallel
 * workers (one process per pack), isolation of failures, index.json.
 * Who may include: main, tests.
 */
#ifndef SP_BATCH_H
#define SP_BATCH_H

#include <stdio.h>

#include "build.h"
#include "diag.h"
#include "fonts.h"

typedef struct {
    const sp_build_opts *build;   /* out_dir is the batch's output folder */
    int jobs;                     /* workers; <= 0: number of processors */
    int force;                    /* rebuild even if up to date */
    int quiet;                    /* no progress output */
    int progress_tty;             /* a progress bar (else plain lines) */
    FILE *progress;               /* where progress goes (stderr) */
    unsigned exports;             /* SP_EXPORT_* bits (export.h): written
                                     beside the PDFs, listed in index.json */
    long long export_epoch;       /* export time stamps; < 0: the inputs' */
} sp_batch_opts;

typedef struct {
    int built, up_to_date, failed;
    int interrupted;
} sp_batch_result;

/* Builds every pack found in PATHS (folders are searched recursively for
 * *.xml; files whose root is <questions> are banks, not packs).  Each
 * pack's diagnostics are added to D as its worker reports them.  Returns
 * 0 if every pack built or was up to date, 1 if any failed, 3 on a system
 * error of the batch itself (cannot create the output folder, fork). */
int sp_batch_run(char *const *paths, int n_paths, const sp_batch_opts *o,
                 const sp_fonts *fonts, sp_batch_result *res, sp_diags *d);

/* The stamp file kept beside a pack's output. */
#define SP_STAMP_NAME ".studypack-stamp"

#endif
