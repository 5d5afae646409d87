/* batch.c - many packs, built by up to N worker processes (see batch.h).
 *
 * The parent finds the sources, peeks at each root element and id,
 * rejects duplicate ids, skips packs whose stamp says they are up to date,
 * and forks up to N workers.  A worker loads and builds one pack at a time,
 * as the parent hands them out, writes each pack's stamp, and sends its
 * diagnostics back over a pipe in a line format.  A worker lives on from
 * pack to pack (forking one per pack cost a fifth of a batch's time in
 * page faults) except after a pack that failed or loaded a font.  A worker
 * that dies (killed, crashed) fails only its own pack; its temporary files
 * are removed, its previous output stays as it was, and a new worker
 * takes the next pack.  The worker's side is batch_worker.c; the stamps
 * are stamp.c.
 */
#include "batch_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sha2.h>

#include "datefmt.h"
#include "fsutil.h"
#include "load.h"
#include "strbuf.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- discovery ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sources found: paths, and whether each is skipped (not a regular
 * file, reported). */
typedef struct {
    char **v;
    unsigned char *skip;
    size_t n;
} pathlist;

static int add_path(pathlist *l, const char *path, int skip)
{
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v)
        return -1;
    l->v = v;
    unsigned char *k = realloc(l->skip, l->n + 1);
    if (!k)
        return -1;
    l->skip = k;
    if (!(v[l->n] = strdup(path)))
        return -1;
    k[l->n++] = (unsigned char)skip;
    return 0;
}

static int add_name(char ***list, size_t *n, const char *name)
{
    char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    *list = l;
    if (!(l[*n] = strdup(name)))
        return -1;
    (*n)++;
    return 0;
}

/* Appends every *.xml below DIR (sorted, hidden entries skipped).  A
 * *.xml that is not a regular file (a FIFO would hang the batch; a
 * device, a socket) is reported and skipped. */
static int scan_dir(const char *dir, pathlist *list, sp_diags *d, int depth)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        sp_diag_add(d, SP_D_IO, dir, 0, 0, "cannot read folder: %s",
                    strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (add_name(&names, &nn, e->d_name)) {
            closedir(dp);
            return -1;
        }
    }
    closedir(dp);
    qsort(names, nn, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < nn && rc == 0; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, len, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        struct stat st;
        int have = lstat(p, &st) == 0;
        if (have && S_ISDIR(st.st_mode) && depth < 8) {
            rc = scan_dir(p, list, d, depth + 1);
        } else if (strlen(names[i]) > 4 &&
                   strcmp(names[i] + strlen(names[i]) - 4, ".xml") == 0) {
            /* a link is followed (to see what it leads to) */
            int reg = have && (S_ISREG(st.st_mode)
                               || (S_ISLNK(st.st_mode) && stat(p, &st) == 0
                                   && S_ISREG(st.st_mode)));
            if (!reg)
                sp_diag_add(d, SP_D_WARNING, p, 0, 0, "not a regular file "
                            "(%s); skipped", !have ? "cannot be read"
                            : S_ISFIFO(st.st_mode) ? "a FIFO"
                            : S_ISDIR(st.st_mode) ? "a folder"
                            : S_ISLNK(st.st_mode) ? "a link leading nowhere"
                                                  : "a device or socket");
            rc = add_path(list, p, !reg);
        }
        free(p);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Ids become folder names only when they match the checked pattern. */
int sp_batch_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && !(i > 0 && c == '-'))
            return 0;
    }
    return 1;
}

/* Removes what a worker that died may have left: temporary files named
 * .OUTPUT.XXXXXX in its pack's folder (opened without following links). */
static void clean_temp(int out_fd, const char *id)
{
    int dfd = openat(out_fd, id,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *dp = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!dp) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *n = e->d_name;
        if (n[0] != '.')
            continue;
        for (size_t i = 0; i < SP_BATCH_N_OUTPUTS; i++) {
            size_t l = strlen(sp_batch_outputs[i]);
            if (strncmp(n + 1, sp_batch_outputs[i], l) == 0 && n[1 + l] == '.') {
                unlinkat(dfd, n, 0);
                break;
            }
        }
    }
    closedir(dp);
}

/* ---- the parent ------------------------------------------------------------ */

/* The batch's jobs, reachable from here as well: a worker never returns
 * (it ends in _exit), so the compiler need not keep the parent's pointers
 * to them anywhere, and a worker's leak check (valgrind follows forks)
 * would report them lost.  Written, never read: volatile keeps the store. */
static job *volatile all_jobs;
static void *volatile all_workers;      /* the same, for the workers */

/* Lays out the first pack to build, writing nothing (a dry run), so that
 * what every worker would otherwise load and compute again is there when
 * they fork: the shaped words of the packs' common text (headings, the
 * kit's and booklet's words), the message catalogue, hyphenation
 * dictionaries.  Its diagnostics are dropped: the worker building that
 * pack reports them.  System fonts are not asked for: a stamp lists the
 * system fonts its worker has, which must be those its pack needs. */
static void warm_up(job *jobs, size_t n, const sp_batch_opts *o,
                    sp_fonts *fonts)
{
    int system = sp_fonts_system_allowed(fonts);
    sp_fonts_allow_system(fonts, 0);
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].status != JOB_PENDING)
            continue;
        sp_diags *d = sp_diags_new();
        sp_pack *pack = d ? sp_load_file(jobs[i].path, d) : NULL;
        if (pack && !sp_diags_errors(d)) {
            sp_build_opts bo = *o->build;
            bo.dry_run = 1;
            bo.stamp = NULL;
            bo.exports = 0;
            sp_build_result r;
            sp_build_pack(pack, fonts, &bo, &r, d);
        }
        sp_pack_free(pack);
        sp_diags_free(d);
        break;
    }
    sp_fonts_allow_system(fonts, system);
}

static void parse_reply(job *j)
{
    char *p = j->buf;
    if (!p)
        return;
    sp_buf stamp = {0};
    while (p < j->buf + j->len) {
        char *e = memchr(p, '\n', (size_t)(j->buf + j->len - p));
        if (!e)
            break;
        *e = '\0';
        int sev, code, line, col;
        if (sscanf(p, "D %d %d %d %d", &sev, &code, &line, &col) == 4) {
            char *f = strchr(p, '\t');
            char *m = f ? strchr(f + 1, '\t') : NULL;
            if (f && m && sev >= 0 && sev <= SP_ERROR && code >= 0 &&
                code < SP_D_COUNT) {
                *m = '\0';
                sp_diag_add_sev(j->diags, (sp_diag_code)code,
                                (sp_severity)sev, f[1] ? f + 1 : NULL, line,
                                col, "%s", m + 1);
            }
        } else if (p[0] == 'S' && p[1] == ' ') {
            sp_buf_str(&stamp, p + 2);
            sp_buf_str(&stamp, "\n");
        }
        p = e + 1;
    }
    free(j->stamp);
    j->stamp = stamp.n ? sp_buf_take(&stamp, NULL) : NULL;
    sp_buf_release(&stamp);
}

static void progress(const sp_batch_opts *o, size_t done, size_t total,
                     const job *j, const char *what)
{
    if (o->quiet || !o->progress || total == 0)
        return;
    if (o->progress_tty) {
        int width = 30;
        int filled = total ? (int)(done * (size_t)width / total) : width;
        fprintf(o->progress, "\r\033[K[");
        for (int i = 0; i < width; i++)
            fputc(i < filled ? '#' : '.', o->progress);
        fprintf(o->progress, "] %zu/%zu ", done, total);
        sp_diag_fputs(j ? (j->id ? j->id : j->path) : "", o->progress);
        if (done == total)
            fputc('\n', o->progress);
    } else if (j) {
        fprintf(o->progress, "%s ", what);     /* names escaped */
        sp_diag_fputs(j->id ? j->id : j->path, o->progress);
        fputc('\n', o->progress);
    }
    fflush(o->progress);
}

/* A worker process as the parent sees it. */
typedef struct {
    pid_t pid;             /* 0: none */
    int cmd;               /* job numbers go to it here */
    int fd;                /* what it sends comes here */
    job *j;                /* the job it builds; NULL: it may take one */
    job *c;                /* the job whose files it commits, or NULL */
    char *in;              /* what it sent, up to a whole line */
    size_t n_in, cap_in;
} worker_proc;

/* Starts worker W (of the N_W in WS).  0, or -1 said in D. */
static int spawn(worker_proc *ws, int n_w, worker_proc *w, job *jobs,
                 size_t n, const sp_batch_opts *o, sp_fonts *fonts,
                 const char *key, sp_diags *d)
{
    int c[2], p[2];
    if (pipe(c) != 0) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot create a pipe: %s",
                    strerror(errno));
        return -1;
    }
    if (pipe(p) != 0) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot create a pipe: %s",
                    strerror(errno));
        close(c[0]);
        close(c[1]);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot start a worker: %s",
                    strerror(errno));
        close(c[0]);
        close(c[1]);
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(c[1]);
        close(p[0]);
        /* the other workers' pipes: held open here, they would never see
         * the end of their job numbers */
        for (int k = 0; k < n_w; k++)
            if (ws[k].pid > 0) {
                close(ws[k].cmd);
                close(ws[k].fd);
            }
        /* a worker stopped by SIGINT/SIGTERM removes its temporary files
         * (and the parent cleans up after any worker that dies) */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sp_fsutil_install_signal_cleanup();
        sp_batch_worker(jobs, n, o, fonts, key, c[0], p[1]);
    }
    close(c[0]);
    close(p[1]);
    w->pid = pid;
    w->cmd = c[1];
    w->fd = p[0];
    w->j = w->c = NULL;
    w->n_in = 0;
    return 0;
}

/* Closes W's pipes and waits for it to end; its exit status. */
static int reap(worker_proc *w)
{
    if (w->cmd >= 0)
        close(w->cmd);
    if (w->fd >= 0)
        close(w->fd);
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
    w->cmd = w->fd = -1;
    w->j = w->c = NULL;
    w->n_in = 0;
    return status;
}

/* Gives job J (of JOBS) to worker W, starting one if W has none (or the
 * one it had has ended).  0; 1 when W ended while it committed a job (J
 * waits); -1 said in D. */
static int assign(worker_proc *ws, int n_w, worker_proc *w, job *j,
                  job *jobs, size_t n, const sp_batch_opts *o,
                  sp_fonts *fonts, const char *key, sp_diags *d)
{
    uint32_t i = (uint32_t)(j - jobs);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (w->pid == 0 && spawn(ws, n_w, w, jobs, n, o, fonts, key, d) != 0)
            return -1;
        if (sp_batch_write_all(w->cmd, &i, sizeof i) == 0) {
            w->j = j;
            j->status = JOB_RUNNING;
            return 0;
        }
        if (w->c)
            return 1;   /* it ended while committing: drain says so */
        reap(w);                        /* it had ended while idle */
    }
    sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot start a worker: %s",
                strerror(errno));
    return -1;
}

/* Appends LINE (LEN bytes, its newline included) to J's reply. */
static int add_line(job *j, const char *line, size_t len)
{
    if (j->len + len + 1 > j->cap) {
        size_t nc = j->cap ? j->cap : 8192;
        while (nc < j->len + len + 1)
            nc *= 2;
        char *nb = realloc(j->buf, nc);
        if (!nb)
            return -1;
        j->buf = nb;
        j->cap = nc;
    }
    memcpy(j->buf + j->len, line, len);
    j->len += len;
    return 0;
}

/* The job J failed because its worker ended with STATUS mid-job. */
static void worker_died(job *j, int status, int out_fd)
{
    parse_reply(j);
    j->status = JOB_FAILED;
    if (WIFSIGNALED(status))
        sp_diag_add(j->diags, SP_D_IO, j->path, 0, 0,
                    "the worker building this pack was killed by signal "
                    "%d; the previous output is left as it was",
                    WTERMSIG(status));
    if (j->id && sp_batch_id_ok(j->id))
        clean_temp(out_fd, j->id);
}

/* Reads what worker W sent.  Its lines go to the job it commits, else to
 * the one it builds; "B" moves the built job to the committed one, so the
 * worker may take another; an R line settles the job (a worker that said
 * "last" is reaped).  When W ended mid-job, its jobs fail.  The jobs
 * settled are put in DONE (at most two); their number, or -1 out of
 * memory. */
static int drain(worker_proc *w, int out_fd, job *done[2])
{
    if (w->n_in + 4096 > w->cap_in) {
        size_t nc = w->cap_in ? w->cap_in * 2 : 8192;
        char *nb = realloc(w->in, nc);
        if (!nb)
            return -1;
        w->in = nb;
        w->cap_in = nc;
    }
    ssize_t n = read(w->fd, w->in + w->n_in, w->cap_in - w->n_in);
    if (n < 0 && errno == EINTR)
        return 0;
    int k = 0;
    if (n <= 0) {
        /* it ended before its replies were whole: killed, or crashed */
        job *c = w->c, *j = w->j;
        int status = reap(w);
        if (c)
            worker_died(done[k++] = c, status, out_fd);
        if (j)
            worker_died(done[k++] = j, status, out_fd);
        return k;
    }
    w->n_in += (size_t)n;
    size_t at = 0;
    char *e;
    while (w->pid && (e = memchr(w->in + at, '\n', w->n_in - at)) != NULL) {
        char *line = w->in + at;
        size_t len = (size_t)(e - line) + 1;
        at += len;
        job *j = w->c ? w->c : w->j;
        if (!j)
            continue;                   /* nothing is due: ignored */
        if (len == 2 && line[0] == 'B') {
            if (!w->c) {
                w->c = w->j;
                w->j = NULL;
            }
            continue;
        }
        if (add_line(j, line, len) != 0)
            return -1;
        if (len < 3 || line[0] != 'R' || line[1] != ' ')
            continue;
        int ok = strncmp(line, "R ok", 4) == 0;
        int last = len >= 6 && memcmp(e - 5, " last", 5) == 0;
        parse_reply(j);
        j->status = ok ? JOB_BUILT : JOB_FAILED;
        done[k++] = j;
        if (j == w->c)
            w->c = NULL;
        else
            w->j = NULL;
        if (last) {
            reap(w);                    /* it ends now */
            return k;
        }
    }
    memmove(w->in, w->in + at, w->n_in - at);
    w->n_in -= at;
    return k;
}

/* ---- index.json ------------------------------------------------------------ */

static void json_str(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_field(FILE *f, const char *stamp, const char *name,
                       const char *key, int number, int first)
{
    size_t len = 0;
    const char *v = stamp ? sp_stamp_field(stamp, name, &len) : NULL;
    fprintf(f, "%s\n      \"%s\": ", first ? "" : ",", key);
    if (number)
        fprintf(f, "%d", v ? atoi(v) : 0);
    else if (v)
        json_str(f, v, len);
    else
        fputs("null", f);
}

static int write_index(job *jobs, size_t n, int out_fd, const char *out,
                       const char *key, sp_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    fprintf(f, "{\n  \"generator\": \"studypack %s\",\n  \"options_hash\": "
            "\"%s\",\n  \"packs\": [", SP_VERSION, key);
    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        /* the stamp of this run's build (or the up-to-date one) */
        const char *stamp = j->status == JOB_BUILT || j->status
                            == JOB_UP_TO_DATE ? j->stamp : NULL;
        fprintf(f, "%s\n    {\n      \"id\": ", i ? "," : "");
        if (j->id && sp_batch_id_ok(j->id))
            json_str(f, j->id, strlen(j->id));
        else
            fputs("null", f);
        fprintf(f, ",\n      \"source\": ");
        json_str(f, j->path, strlen(j->path));
        fprintf(f, ",\n      \"status\": \"%s\"",
                j->status == JOB_BUILT        ? "built"
                : j->status == JOB_UP_TO_DATE ? "up-to-date"
                : j->status == JOB_SKIPPED    ? "skipped"
                                              : "failed");
        json_field(f, stamp, "title", "title", 0, 0);
        json_field(f, stamp, "role", "role", 0, 0);
        json_field(f, stamp, "company", "company", 0, 0);
        json_field(f, stamp, "questions", "questions", 1, 0);
        json_field(f, stamp, "cards", "cards", 1, 0);
        fprintf(f, ",\n      \"pages\": {");
        json_field(f, stamp, "flashcard_pages", "flashcards", 1, 1);
        json_field(f, stamp, "timeline_pages", "timeline", 1, 0);
        json_field(f, stamp, "booklet_pages", "booklet", 1, 0);
        json_field(f, stamp, "mock_pages", "mock_interview", 1, 0);
        json_field(f, stamp, "pocket_pages", "pocket", 1, 0);
        fprintf(f, "\n      }");
        json_field(f, stamp, "days", "days", 1, 0);
        if (stamp)
            json_field(f, stamp, "warnings", "warnings", 1, 0);
        else
            fprintf(f, ",\n      \"warnings\": %d", j->warnings);
        fprintf(f, ",\n      \"errors\": %d", stamp ? 0 : j->errors);
        fprintf(f, ",\n      \"files\": [");
        int ff = 1;
        for (const char *p = stamp; p && (p = strstr(p, "\noutput ")) != NULL;) {
            p += 8;
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            fprintf(f, "%s", ff ? "" : ", ");
            ff = 0;
            char *rel = malloc(strlen(j->id) + l + 2);
            if (rel) {
                snprintf(rel, strlen(j->id) + l + 2, "%s/%.*s", j->id, (int)l,
                         p);
                json_str(f, rel, strlen(rel));
            }
            free(rel);
        }
        fprintf(f, "]");
        /* the input hash: of the stamp's key and input lines */
        char hex[SHA256_DIGEST_STRING_LENGTH] = "";
        if (stamp) {
            SHA2_CTX c;
            SHA256Init(&c);
            for (const char *p = stamp; (p = strstr(p, "\n")) != NULL;) {
                p++;
                if (strncmp(p, "key ", 4) == 0 || strncmp(p, "input ", 6) == 0) {
                    const char *e = strchr(p, '\n');
                    size_t l = e ? (size_t)(e - p + 1) : strlen(p);
                    SHA256Update(&c, (const uint8_t *)p, l);
                }
            }
            SHA256End(&c, hex);
        }
        fprintf(f, ",\n      \"input_hash\": ");
        if (stamp)
            json_str(f, hex, strlen(hex));
        else
            fputs("null", f);
        fprintf(f, "\n    }");
    }
    fprintf(f, "\n  ]\n}\n");
    if (fclose(f) != 0) {
        free(buf);
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    int rc = sp_write_file_atomicat(out_fd, out, "index.json", buf, len, d);
    free(buf);
    return rc;
}

/* The sources named by PATHS (folders searched) into FILES: 0, or 3
 * after reporting a path that cannot be read (STOP: at the first). */
static int gather(char *const *paths, int n_paths, pathlist *files, int stop,
                  sp_diags *d)
{
    int rc = 0;
    for (int i = 0; i < n_paths && !(stop && rc); i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            sp_diag_add(d, SP_D_IO, paths[i], 0, 0, "cannot open: %s",
                        strerror(errno));
            rc = 3;
        } else if (S_ISDIR(st.st_mode)) {
            if (scan_dir(paths[i], files, d, 0) != 0)
                rc = 3;
        } else if (add_path(files, paths[i], 0) != 0) {
            /* named on the command line: may be a pipe, as asked */
            rc = 3;
        }
    }
    return rc;
}

/* ---- duplicate ids ------------------------------------------------------- */

typedef struct {
    const char *id;
    size_t i;
} id_ref;

static int cmp_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

int sp_report_duplicate_ids(char *const *paths, char *const *ids, size_t n,
                            unsigned char *dup, sp_diags *d)
{
    id_ref *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        dup[i] = 0;
        if (ids[i])
            r[m++] = (id_ref){ids[i], i};
    }
    qsort(r, m, sizeof *r, cmp_ref);
    int groups = 0;
    for (size_t a = 0, b; a < m; a = b) {
        for (b = a + 1; b < m && strcmp(r[b].id, r[a].id) == 0; b++)
            dup[r[b].i] = 1;
        if (b - a < 2)
            continue;
        dup[r[a].i] = 1;
        groups++;
        /* once per id, at its first source: the next few by name, the rest
         * counted */
        enum { NAMED = 3 };
        size_t others = b - a - 1, named = others < NAMED ? others : NAMED;
        sp_buf msg = {0};
        sp_buf_printf(&msg, "pack id '%s' is also the id of ", r[a].id);
        for (size_t k = 0; k < named; k++) {
            sp_buf_str(&msg, paths[r[a + 1 + k].i]);
            if (k + 1 < named)
                sp_buf_str(&msg, k + 2 == named && others == named ? " and "
                                                                   : ", ");
        }
        if (others > named)
            sp_buf_printf(&msg, " and %zu more source%s", others - named,
                          others - named == 1 ? "" : "s");
        sp_buf_printf(&msg, "; %s is built: give each pack its own id",
                      others == 1 ? "neither" : "none of them");
        char *text = sp_buf_take(&msg, NULL);
        if (!text) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            free(r);
            return -1;
        }
        sp_diag_add(d, SP_D_DUPLICATE, paths[r[a].i], 0, 0, "%s", text);
        free(text);
    }
    free(r);
    return groups;
}

int sp_batch_run(char *const *paths, int n_paths, const sp_batch_opts *o,
                 sp_fonts *fonts, sp_batch_result *res, sp_diags *d)
{
    memset(res, 0, sizeof *res);
    pathlist files = {0};
    int rc = 0;
    rc = gather(paths, n_paths, &files, 0, d);
    size_t n_files = files.n;
    job *jobs = calloc(n_files ? n_files : 1, sizeof *jobs);
    all_jobs = jobs;
    char **ids = calloc(n_files ? n_files : 1, sizeof *ids);
    char **jpaths = calloc(n_files ? n_files : 1, sizeof *jpaths);
    unsigned char *dup = calloc(n_files ? n_files : 1, 1);
    int out_fd = -1;
    size_t n = 0;
    if (!jobs || !ids || !jpaths || !dup || rc) {
        if (!rc)
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
        goto out;
    }
    for (size_t i = 0; i < n_files; i++) {
        int bank = 0;
        char *id = files.skip[i] ? NULL
                                 : sp_load_peek_root(files.v[i], &bank);
        if (bank) {
            free(id);
            continue;
        }
        job *j = &jobs[n++];
        j->path = files.v[i];
        files.v[i] = NULL;
        j->id = id;
        j->status = files.skip[i] ? JOB_SKIPPED : JOB_PENDING;
        j->warnings = files.skip[i];
        j->diags = sp_diags_new();
        if (!j->diags) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            rc = 3;
            goto out;
        }
    }
    /* sources with one id: reported once per id; none of them is built */
    for (size_t i = 0; i < n; i++) {
        ids[i] = jobs[i].id;
        jpaths[i] = jobs[i].path;
    }
    if (sp_report_duplicate_ids(jpaths, ids, n, dup, d) < 0) {
        rc = 3;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (dup[i]) {
            jobs[i].status = JOB_FAILED;
            jobs[i].extra_errors = 1;
        }
    const char *out = o->build->out_dir;
    out_fd = sp_dir_open(out, d);
    if (out_fd < 0) {
        rc = 3;
        goto out;
    }
    char key[SHA256_DIGEST_STRING_LENGTH];
    sp_stamp_key(o, fonts, key);
    size_t todo = 0;
    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        if (j->status != JOB_PENDING)
            continue;
        if (!o->force && j->id && sp_batch_id_ok(j->id)
            && sp_stamp_up_to_date(out_fd, j->id, j->path, key, &j->stamp))
            j->status = JOB_UP_TO_DATE;
        todo += j->status == JOB_PENDING;
    }

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    /* what every worker would make again, made once here and inherited
     * by the workers it forks: the compiled schema, and the date
     * formatters of the batch's language (its own and English, the
     * packs' default) */
    if (todo > 1) {
        sp_load_prepare();
        sp_datefmt_free(sp_datefmt_new("en"));
        if (o->build && o->build->lang)
            sp_datefmt_free(sp_datefmt_new(o->build->lang));
        warm_up(jobs, n, o, fonts);
    }

    int jobs_max = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs_max < 1)
        jobs_max = 1;
    size_t next = 0, done = 0;
    int running = 0;
    struct pollfd *pfd = calloc((size_t)jobs_max, sizeof *pfd);
    worker_proc **slot = calloc((size_t)jobs_max, sizeof *slot);
    worker_proc *ws = calloc((size_t)jobs_max, sizeof *ws);
    if (!pfd || !slot || !ws) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
    }
    all_workers = ws;
    for (int w = 0; ws && w < jobs_max; w++)
        ws[w].cmd = ws[w].fd = -1;
    /* a worker that ended while idle is found by writing to it */
    struct sigaction ign, old_pipe;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
    progress(o, 0, todo, NULL, "");
    while (rc == 0 && (running > 0 || (next < n && !interrupted))) {
        for (int w = 0; w < jobs_max && next < n && !interrupted; w++) {
            if (ws[w].j)
                continue;
            while (next < n && jobs[next].status != JOB_PENDING)
                next++;
            if (next == n)
                break;
            int a = assign(ws, jobs_max, &ws[w], &jobs[next], jobs, n, o,
                           fonts, key, d);
            if (a < 0) {
                rc = 3;
                break;
            }
            if (a > 0)
                continue;
            next++;
            running++;
        }
        int k = 0;
        for (int w = 0; w < jobs_max; w++)
            if (ws[w].j || ws[w].c) {
                pfd[k].fd = ws[w].fd;
                pfd[k].events = POLLIN;
                slot[k++] = &ws[w];
            }
        if (k == 0)
            continue;
        if (poll(pfd, (nfds_t)k, 200) < 0 && errno != EINTR)
            break;
        if (interrupted) {
            for (int i = 0; i < k; i++)
                kill(slot[i]->pid, SIGTERM);
        }
        for (int i = 0; i < k; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            job *settled[2];
            int r = drain(slot[i], out_fd, settled);
            if (r < 0)
                rc = 3;
            for (int s = 0; s < r; s++) {
                running--;
                done++;
                progress(o, done, todo, settled[s],
                         settled[s]->status == JOB_BUILT ? "built"
                                                         : "failed");
            }
        }
    }
    /* idle workers end when their job numbers do; one still building (the
     * batch itself failed) is stopped, and its pack fails */
    for (int w = 0; ws && w < jobs_max; w++) {
        if (ws[w].pid == 0)
            continue;
        job *busy[2] = {ws[w].c, ws[w].j};
        if (busy[0] || busy[1])
            kill(ws[w].pid, SIGTERM);
        reap(&ws[w]);
        for (int b = 0; b < 2; b++)
            if (busy[b]) {
                busy[b]->status = JOB_FAILED;
                if (busy[b]->id && sp_batch_id_ok(busy[b]->id))
                    clean_temp(out_fd, busy[b]->id);
            }
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    for (int w = 0; ws && w < jobs_max; w++)
        free(ws[w].in);
    free(ws);
    all_workers = NULL;
    free(pfd);
    free(slot);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    res->interrupted = interrupted;

    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        res->built += j->status == JOB_BUILT;
        res->up_to_date += j->status == JOB_UP_TO_DATE;
        res->failed += j->status == JOB_FAILED;
        /* counted now: the diagnostics move to D */
        j->warnings += (int)sp_diags_warnings(j->diags);
        j->errors = (int)sp_diags_errors(j->diags) + j->extra_errors;
        if (j->status == JOB_FAILED && j->errors == 0)
            j->errors = 1;              /* a worker killed, say */
        sp_diags_move(d, j->diags);
    }
    sp_diags_fold_includes(d);  /* a bank's problem once, naming each pack */
    if (!res->interrupted && write_index(jobs, n, out_fd, out, key, d) != 0)
        rc = 3;
    if (rc == 0 && (res->failed || res->interrupted))
        rc = 1;
out:
    if (out_fd >= 0)
        close(out_fd);
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].path);
        free(jobs[i].id);
        free(jobs[i].buf);
        free(jobs[i].stamp);
        sp_diags_free(jobs[i].diags);
    }
    free(jobs);
    all_jobs = NULL;
    free(ids);
    free(jpaths);
    free(dup);
    for (size_t i = 0; i < n_files; i++)
        free(files.v[i]);
    free(files.v);
    free(files.skip);
    return rc;
}

/* ---- discovery for other drivers (rosters) ---------------------------- */

int sp_batch_find_packs(char *const *paths, int n_paths, sp_pack_ref **out,
                        size_t *n_out, sp_diags *d)
{
    pathlist files = {0};
    size_t n = 0;
    int rc = 0;
    *out = NULL;
    *n_out = 0;
    rc = gather(paths, n_paths, &files, 1, d);
    sp_pack_ref *refs = rc ? NULL : calloc(files.n ? files.n : 1,
                                           sizeof *refs);
    if (!refs && rc == 0) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
    }
    for (size_t i = 0; i < files.n; i++) {
        int bank = 0;
        char *id = refs && !files.skip[i]
                       ? sp_load_peek_root(files.v[i], &bank) : NULL;
        if (!refs || bank || !id || !sp_batch_id_ok(id)) {
            free(id);
            free(files.v[i]);
            continue;
        }
        refs[n].path = files.v[i];
        refs[n].id = id;
        n++;
    }
    free(files.v);
    free(files.skip);
    *out = refs;
    *n_out = n;
    return rc;
}

void sp_pack_refs_free(sp_pack_ref *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++) {
        free(refs[i].path);
        free(refs[i].id);
    }
    free(refs);
}

/* ---- the worker protocol for other drivers (rosters) -------------------- */

void sp_batch_read_diags(char *buf, size_t len, sp_diags *d)
{
    job j;
    memset(&j, 0, sizeof j);
    j.buf = buf;
    j.len = len;
    j.diags = d;
    parse_reply(&j);
}
