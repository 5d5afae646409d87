/* batch.h - building many packs: discovery, up-to-date checks, parallel
 * worker processes, isolation of failures, index.json.
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
} sp_batch_opts;

typedef struct {
    int built, up_to_date, failed;
    int interrupted;
} sp_batch_result;

/* Builds every pack found in PATHS (folders are searched recursively for
 * *.xml; files whose root is <questions> are banks, not packs).  Each
 * pack's diagnostics are added to D as its worker reports them.  Returns
 * 0 if every pack built or was up to date, 1 if any failed, 3 on a system
 * error of the batch itself (cannot create the output folder, fork).
 * Before forking it lays out one pack without writing it, to fill the
 * caches in FONTS that every worker inherits (system fonts are not asked
 * for meanwhile: each worker asks for the ones its pack needs). */
int sp_batch_run(char *const *paths, int n_paths, const sp_batch_opts *o,
                 sp_fonts *fonts, sp_batch_result *res, sp_diags *d);

/* A pack found by discovery: its source file and its root's id. */
typedef struct {
    char *path;
    char *id;
} sp_pack_ref;

/* Finds the packs in PATHS as sp_batch_run does (folders searched for
 * *.xml, banks and files without a usable id left out), in order.  *OUT
 * is a malloc'd array of *N_OUT refs (free with sp_pack_refs_free).
 * Returns 0, or 3 on a system error (said in D; *OUT may hold some). */
int sp_batch_find_packs(char *const *paths, int n_paths, sp_pack_ref **out,
                        size_t *n_out, sp_diags *d);
void sp_pack_refs_free(sp_pack_ref *refs, size_t n);

/* The workers' line format for diagnostics, for other drivers that fork
 * workers: a worker writes D to FD; the parent adds what BUF[0..LEN) holds
 * (whole lines; BUF is changed) to D. */
void sp_batch_send_diags(int fd, const sp_diags *d);
void sp_batch_read_diags(char *buf, size_t len, sp_diags *d);

/* The stamp file kept beside a pack's output. */
#define SP_STAMP_NAME ".studypack-stamp"

/* Checks the text of a stamp (NUL-terminated; NULL is "no stamp") for
 * the pack folder DIRFD: 1 if it is well-formed ("studypack-stamp 2", KEY,
 * SOURCE as its first input), every input it lists is a regular file with
 * the hash it gives, and every output it lists is a regular file in
 * DIRFD; else 0 (rebuild).  Reads only regular files, never blocks.  The
 * format is described in batch.c.  Exposed for the fuzzer. */
int sp_batch_stamp_ok(const char *text, int dirfd, const char *source,
                      const char *key);

/* Finds the pack ids that more than one of the N sources use (IDS[i] may
 * be NULL: unknown) and reports each such id once, as an SP_D_DUPLICATE
 * error at its first source (in PATHS order) naming the next three
 * sources and counting the rest; sets DUP[i] for every source involved.
 * O(n log n).  Returns the number of such ids, or -1 when out of memory
 * (reported).  Used by batch and by build (which must refuse them too). */
int sp_report_duplicate_ids(char *const *paths, char *const *ids, size_t n,
                            unsigned char *dup, sp_diags *d);

#endif
