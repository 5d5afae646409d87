/* batch_int.h - what the batch's three files share: batch.c (the
 * parent: discovery, handing out packs, index.json), stamp.c (the stamps
 * beside each pack's output) and batch_worker.c (the worker processes).
 * Who may include: those three.
 * Ownership: a job's strings, reply and diagnostics are the parent's jobs
 * array's (a worker has its own copy of them, from the fork).
 */
#ifndef SP_BATCH_INT_H
#define SP_BATCH_INT_H

#include <stddef.h>

#include <sha2.h>

#include "batch.h"

enum {
    JOB_PENDING, JOB_RUNNING, JOB_BUILT, JOB_UP_TO_DATE, JOB_FAILED,
    JOB_SKIPPED
};

/* A stamp larger than this is not one of ours: rebuild. */
enum { MAX_STAMP_BYTES = 1 << 20 };

typedef struct {
    char *path;
    char *id;              /* from the root element; NULL if unknown */
    int status;
    int warnings, errors;  /* counted before the diagnostics move on */
    int extra_errors;      /* reported on another source (duplicate ids) */
    char *stamp;           /* the stamp text: read (up to date) or sent by
                              the worker (built); NULL otherwise */
    sp_diags *diags;       /* this pack's diagnostics, in order */
    char *buf;             /* what its worker sent so far */
    size_t len, cap;
} job;

/* The names a build may write in a pack's folder (a temporary file is
 * ".NAME.XXXXXX"). */
enum { SP_BATCH_N_OUTPUTS = 15 };
extern const char *const sp_batch_outputs[SP_BATCH_N_OUTPUTS];

/* 1 if ID can name a pack's folder: a-z, 0-9 and inner '-', 1-64. */
int sp_batch_id_ok(const char *id);
/* Turns newlines and tabs in S into spaces, for one-line fields. */
void sp_batch_one_line(char *s);

/* ---- stamp.c ---- */

/* HEX: the hash of everything but the inputs that changes output (the
 * options, the version, the fonts). */
void sp_stamp_key(const sp_batch_opts *o, const sp_fonts *fonts,
                  char hex[SHA256_DIGEST_STRING_LENGTH]);
/* 1 when the stamp in OUT_FD/ID says the pack built from SOURCE with KEY
 * is up to date (its text then in *TEXT_OUT, malloc'd), else 0. */
int sp_stamp_up_to_date(int out_fd, const char *id, const char *source,
                        const char *key, char **text_out);
/* The value of the field NAME in stamp TEXT (*LEN bytes, not
 * terminated), or NULL. */
const char *sp_stamp_field(const char *text, const char *name,
                           size_t *len);
/* The context of sp_stamp_make. */
typedef struct {
    const char *source, *key;
    char *text;                 /* a copy of the stamp, for the parent */
    const sp_fonts *fonts;      /* its system fonts are inputs too */
} sp_stamp_ctx;
/* The build's stamp callback (build.h); CTX is an sp_stamp_ctx, whose
 * text becomes a malloc'd copy of the stamp. */
char *sp_stamp_make(const sp_pack *pack, const sp_build_result *r,
                    void *ctx, sp_diags *d, size_t *len, int *failed);

/* ---- batch_worker.c ---- */

/* Writes LEN bytes of P to FD (a pipe) whole: 0, or -1 when it cannot. */
int sp_batch_write_all(int fd, const void *p, size_t len);

/* A worker process's life (never returns): builds the jobs of JOBS[0..N)
 * whose numbers arrive on CMD and answers each on FD (see there). */
_Noreturn void sp_batch_worker(job *jobs, size_t n, const sp_batch_opts *o,
                               sp_fonts *fonts, const char *key, int cmd,
                               int fd);

#endif
