/* batch_worker.c - a batch's worker process: builds the packs the parent
 * hands it, one after another, and answers each over a pipe in a line
 * format (see batch_int.h, and batch.c for the parent's side). */
#include "batch_int.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "load.h"

/* ---- the worker ------------------------------------------------------------ */

int sp_batch_write_all(int fd, const void *p, size_t len)
{
    const char *s = p;
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

static void send_all(int fd, const char *s, size_t len)
{
    sp_batch_write_all(fd, s, len);     /* a parent gone: nothing to do */
}

/* One diagnostic per line: SEV CODE LINE COL \t FILE \t MESSAGE, with
 * tabs and newlines inside FILE and MESSAGE turned into spaces. */
static void send_diags(int fd, const sp_diags *d, size_t from)
{
    for (size_t i = from; i < sp_diags_count(d); i++) {
        const sp_diag *it = sp_diags_at(d, i);
        char *file = strdup(it->file ? it->file : "");
        char *msg = strdup(it->message);
        size_t len = strlen(it->message) + (it->file ? strlen(it->file) : 0)
                     + 64;
        char *line = malloc(len);
        if (file && msg && line) {
            sp_batch_one_line(file);
            sp_batch_one_line(msg);
            int n = snprintf(line, len, "D %d %d %d %d\t%s\t%s\n",
                             (int)it->severity, (int)it->code, it->line,
                             it->col, file, msg);
            if (n > 0)
                send_all(fd, line, (size_t)n);
        }
        free(file);
        free(msg);
        free(line);
    }
}

/* The end of a pack, done by a worker's second thread while its first
 * builds the next pack: the commit of its files (their fsyncs wait for the
 * disk), then the rest of its reply.  The first thread blocks SIGINT,
 * SIGTERM and SIGHUP, so that they reach this thread, which blocks them
 * itself while it renames (sp_afile_commit_all): an interrupt removes the
 * temporary files of both packs and can never leave a pack's files part
 * new, part old.  Without the thread, the first does it all itself. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int threaded;
    int has;               /* a pack's end handed over, not yet done */
    int fd;                /* to the parent */
    /* the pack's end, owned from the hand-over on */
    sp_afile *files[SP_MAX_OUTPUTS + 1];
    size_t n;
    sp_diags *d;
    size_t first;          /* D's diagnostics from here on not yet sent */
    char *stamp;           /* the stamp's text, sent when committed */
    int rc;                /* the build's; then the pack's */
    int last;
} committer;

/* A build's files, written and not yet committed. */
typedef struct {
    sp_afile *files[SP_MAX_OUTPUTS + 1];
    size_t n;
} staged;

/* The build's commit callback (build.h): the files wait for the end. */
static int stage(sp_afile **files, size_t n, void *ctx)
{
    staged *c = ctx;
    for (size_t i = 0; i < n; i++)
        c->files[i] = files[i];
    c->n = n;
    return 0;
}

/* Commits what C was handed and sends the rest of the reply. */
static void finish_pack(committer *c)
{
    if (c->rc == 0 && sp_afile_commit_all(c->files, c->n) != 0)
        c->rc = 1;
    else if (c->rc != 0)
        for (size_t i = 0; i < c->n; i++)
            sp_afile_abort(c->files[i]);
    c->n = 0;
    if (c->rc && sp_diags_system_error(c->d))
        c->rc = 3;
    send_diags(c->fd, c->d, c->first);
    /* the stamp's lines, for index.json (none contains a newline) */
    for (const char *p = c->rc == 0 ? c->stamp : NULL; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        send_all(c->fd, "S ", 2);
        send_all(c->fd, p, l);
        send_all(c->fd, "\n", 1);
        p += l + (e ? 1 : 0);
    }
    const char *r = c->rc == 0 ? (c->last ? "R ok last\n" : "R ok\n")
                               : (c->last ? "R failed last\n" : "R failed\n");
    send_all(c->fd, r, strlen(r));
    free(c->stamp);
    c->stamp = NULL;
    sp_diags_free(c->d);
    c->d = NULL;
}

static void interrupt_signals(sigset_t *s)
{
    sigemptyset(s);
    sigaddset(s, SIGINT);
    sigaddset(s, SIGTERM);
    sigaddset(s, SIGHUP);
}

static void *commit_loop(void *p)
{
    committer *c = p;
    sigset_t s;
    interrupt_signals(&s);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->has)
            pthread_cond_wait(&c->cv, &c->mu);
        pthread_mutex_unlock(&c->mu);
        finish_pack(c);
        pthread_mutex_lock(&c->mu);
        c->has = 0;
        pthread_cond_broadcast(&c->cv);
    }
    return NULL;
}

/* Waits until the pack handed to C is done; that pack's result. */
static int wait_done(committer *c)
{
    if (!c->threaded)
        return c->rc;
    pthread_mutex_lock(&c->mu);
    while (c->has)
        pthread_cond_wait(&c->cv, &c->mu);
    int rc = c->rc;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* Builds the pack of job J, sends its diagnostics, and hands the rest to
 * C.  Its LAST: whether the worker ends after this pack. */
static void build_one(job *j, const sp_batch_opts *o, sp_fonts *fonts,
                      const char *key, committer *c, int slots)
{
    sp_diags *d = sp_diags_new();
    sp_pack *pack = d ? sp_load_file(j->path, d) : NULL;
    int rc = pack ? 0 : d ? 1 : 3;
    if (pack && (!j->id || strcmp(pack->id, j->id) != 0)) {
        sp_diag_add(d, SP_D_XML, j->path, 0, 0, "the file changed while the "
                    "batch was running");
        rc = 1;
    }
    sp_stamp_ctx sc = {j->path, key, NULL, fonts};
    staged next = {.n = 0};
    if (rc == 0) {
        sp_build_opts bo = *o->build;
        bo.stamp = sp_stamp_make;
        bo.stamp_ctx = &sc;
        bo.commit = stage;
        bo.commit_ctx = &next;
        sp_build_result r;
        rc = sp_build_pack(pack, fonts, &bo, &r, d) == 0 ? 0 : 1;
    }
    if (rc && d && sp_diags_system_error(d))
        rc = 3;
    sp_pack_free(pack);
    /* the previous pack's reply is whole before this one's starts */
    wait_done(c);
    int last = rc != 0 || sp_fonts_count(fonts) != slots;
    if (d)
        send_diags(c->fd, d, 0);
    if (!last)
        send_all(c->fd, "B\n", 2);      /* ready for the next pack */
    for (size_t i = 0; i < next.n; i++)
        c->files[i] = next.files[i];
    c->n = next.n;
    c->d = d ? d : sp_diags_new();
    c->first = d ? sp_diags_count(d) : 0;
    c->stamp = sc.text;
    c->rc = c->d ? rc : 3;
    c->last = last;
    if (!c->d) {                        /* out of memory: nothing to say */
        for (size_t i = 0; i < c->n; i++)
            sp_afile_abort(c->files[i]);
        free(c->stamp);
        send_all(c->fd, "R failed last\n", 14);
        _exit(3);
    }
    if (!c->threaded) {
        finish_pack(c);
        return;
    }
    pthread_mutex_lock(&c->mu);
    c->has = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Reads exactly LEN bytes; 0, or -1 at end of file or on an error. */
static int read_all(int fd, void *p, size_t len)
{
    char *b = p;
    while (len) {
        ssize_t n = read(fd, b, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        b += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A worker: builds the jobs whose numbers arrive on CMD, one at a time,
 * each answered on FD by its diagnostics, "B" once the next may come
 * (while this one's files are committed), its stamp, and a last line
 * "R ok" or "R failed".  It ends when CMD closes, or after a pack that
 * failed or that loaded a font (then "last" ends the R line, and no "B"
 * came): so every pack starts from the fonts the parent had, and each
 * stamp lists exactly the system fonts its own pack needs, whichever
 * worker built it.  What a worker keeps between packs is what no output
 * depends on: the shaped words, the compiled schema, date formatters,
 * dictionaries. */
void sp_batch_worker(job *jobs, size_t n, const sp_batch_opts *o,
                     sp_fonts *fonts, const char *key, int cmd, int fd)
{
    static committer c;     /* static: reachable from the thread at _exit */
    c.fd = fd;
    int slots = sp_fonts_count(fonts);
    sigset_t s, old;
    interrupt_signals(&s);
    pthread_t th;
    if (pthread_mutex_init(&c.mu, NULL) == 0
        && pthread_cond_init(&c.cv, NULL) == 0
        && pthread_sigmask(SIG_BLOCK, &s, &old) == 0) {
        c.threaded = pthread_create(&th, NULL, commit_loop, &c) == 0;
        if (!c.threaded)
            pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    for (;;) {
        uint32_t i;
        if (read_all(cmd, &i, sizeof i) != 0 || i >= n)
            break;                      /* the batch is done */
        build_one(&jobs[i], o, fonts, key, &c, slots);
        if (c.last)
            _exit(wait_done(&c));
    }
    wait_done(&c);
    close(fd);
    _exit(0);
}

void sp_batch_send_diags(int fd, const sp_diags *d)
{
    send_diags(fd, d, 0);
}

