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
 * takes the next pack.
 */
#include "batch.h"

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

static const char *const outputs[] = {
    "flashcards.pdf", "timeline.pdf", "timeline-booklet.pdf",
    "mock-interview.pdf", "pocket.pdf",
    "flashcards.dump", "timeline.dump", "timeline-booklet.dump",
    "mock-interview.dump", "pocket.dump",
    "anki.apkg", "anki.txt", "plan.ics", "pack.json",   /* --export */
    SP_STAMP_NAME,
};

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
static int id_ok(const char *id)
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

/* ---- stamps --------------------------------------------------------------
 *
 * A stamp is a small text file beside a pack's output:
 *
 *   studypack-stamp 2
 *   key OPTIONS-HASH
 *   source PATH
 *   input SHA256 PATH          (the source first, then every bank read)
 *   id, title, role, company, questions, cards, ... (for index.json)
 *   output NAME                (each file this build wrote)
 *
 * PATHs escape '%', control characters and DEL as %XX, so a newline in a
 * file name cannot break a line.  A stamp is trusted for nothing: it is
 * opened without following links and without blocking, and anything but
 * a small regular file in our format means "rebuild". */

/* The hash of everything but the inputs that changes output. */
static void options_hash(const sp_batch_opts *o, const sp_fonts *fonts,
                         char hex[SHA256_DIGEST_STRING_LENGTH])
{
    char *key = sp_build_opts_key(o->build);
    char buf[1024];
    snprintf(buf, sizeof buf, "studypack %s\n%s\nfonts %016llx\n",
             SP_VERSION, key ? key : "?",
             (unsigned long long)sp_fonts_hash(fonts));
    free(key);
    SHA256Data((const uint8_t *)buf, strlen(buf), hex);
}

/* Reads NAME in the folder DIRFD when it is a regular file of at most MAX
 * bytes, without following a link and without blocking (a FIFO);
 * NUL-terminated, or NULL. */
static char *read_small(int dirfd, const char *name, size_t max)
{
    int fd = openat(dirfd, name,
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0
        && (unsigned long long)st.st_size <= max)
        buf = malloc((size_t)st.st_size + 1);
    size_t len = 0;
    while (buf) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            buf = NULL;
        } else if (n == 0 || (len += (size_t)n) == (size_t)st.st_size) {
            break;
        }
    }
    close(fd);
    if (buf)
        buf[len] = '\0';
    if (buf && strlen(buf) != len) {      /* a NUL inside: not ours */
        free(buf);
        buf = NULL;
    }
    return buf;
}

/* The SHA-256 of the regular file PATH (a link is followed; a FIFO or a
 * device is refused, never read); 0, or -1 with errno set. */
static int hash_file(const char *path, char hex[SHA256_DIGEST_STRING_LENGTH])
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    SHA2_CTX c;
    SHA256Init(&c);
    unsigned char buf[65536];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (total += (unsigned long long)(n > 0 ? n : 0))
                         > SP_MAX_FILE_BYTES) {
            int e = n < 0 ? errno : EFBIG;
            close(fd);
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        SHA256Update(&c, buf, (size_t)n);
    }
    close(fd);
    SHA256End(&c, hex);
    return 0;
}

/* Appends PATH with '%', control characters and DEL escaped as %XX. */
static void put_escaped(sp_buf *b, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '%')
            sp_buf_printf(b, "%%%02X", *p);
        else
            sp_buf_put(b, (const char *)p, 1);
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* The path escaped in S[0..LEN), decoded (malloc'd), or NULL if malformed
 * (a bad escape, or an escaped NUL). */
static char *unescape(const char *s, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        int h = i + 2 < len ? hexval(s[i + 1]) : -1;
        int l = i + 2 < len ? hexval(s[i + 2]) : -1;
        if (h < 0 || l < 0 || (h == 0 && l == 0)) {
            free(out);
            return NULL;
        }
        *o++ = (char)(h * 16 + l);
        i += 2;
    }
    *o = '\0';
    return out;
}

/* The value of "NAME value" in a stamp; a pointer into the text (up to the
 * end of the line), or NULL. */
static const char *stamp_field(const char *text, const char *name,
                               size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            const char *v = p + nl + 1;
            const char *e = strchr(v, '\n');
            *len = e ? (size_t)(e - v) : strlen(v);
            return v;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* Is the escaped path at V (LEN bytes) exactly PATH? */
static int path_is(const char *v, size_t len, const char *path)
{
    char *u = unescape(v, len);
    int same = u && strcmp(u, path) == 0;
    free(u);
    return same;
}

static int is_output_name(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof outputs / sizeof *outputs - 1; i++)
        if (strlen(outputs[i]) == len && strncmp(outputs[i], name, len) == 0)
            return 1;
    return 0;
}

int sp_batch_stamp_ok(const char *text, int dfd, const char *source,
                      const char *key)
{
    size_t len;
    const char *v;
    int ok = text && strncmp(text, "studypack-stamp 2\n", 18) == 0
             && (v = stamp_field(text, "key", &len)) != NULL
             && len == strlen(key) && strncmp(v, key, len) == 0
             && (v = stamp_field(text, "source", &len)) != NULL
             && path_is(v, len, source);
    int n_inputs = 0, n_outputs = 0;
    for (const char *p = text; ok && p && *p;) {
        const char *e = strchr(p, '\n');
        if (!e) {
            ok = 0;                         /* every line ends */
            break;
        }
        if (strncmp(p, "input ", 6) == 0) {
            const char *h = p + 6;
            const char *sp2 = memchr(h, ' ', (size_t)(e - h));
            char got[SHA256_DIGEST_STRING_LENGTH];
            char *path = NULL;
            ok = sp2 && sp2 - h == SHA256_DIGEST_STRING_LENGTH - 1
                 && (path = unescape(sp2 + 1, (size_t)(e - sp2 - 1)))
                 && *path && (n_inputs > 0 || strcmp(path, source) == 0)
                 && hash_file(path, got) == 0
                 && memcmp(got, h, SHA256_DIGEST_STRING_LENGTH - 1) == 0;
            free(path);
            n_inputs++;
        } else if (strncmp(p, "output ", 7) == 0) {
            const char *name = p + 7;
            size_t nl = (size_t)(e - name);
            char buf[64];
            struct stat st;
            ok = is_output_name(name, nl) && nl < sizeof buf;
            if (ok) {
                memcpy(buf, name, nl);
                buf[nl] = '\0';
                ok = fstatat(dfd, buf, &st, AT_SYMLINK_NOFOLLOW) == 0
                     && S_ISREG(st.st_mode);
            }
            n_outputs++;
        }
        p = e + 1;
    }
    return ok && n_inputs > 0 && n_outputs > 0;
}

/* Up to date: the pack's folder (never a link) holds a stamp that
 * sp_batch_stamp_ok accepts.  On success *TEXT gets the stamp (the caller
 * frees it). */
static int up_to_date(int out_fd, const char *id, const char *source,
                      const char *key, char **text_out)
{
    *text_out = NULL;
    int dfd = openat(out_fd, id,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return 0;
    char *text = read_small(dfd, SP_STAMP_NAME, MAX_STAMP_BYTES);
    int ok = sp_batch_stamp_ok(text, dfd, source, key);
    close(dfd);
    if (ok)
        *text_out = text;
    else
        free(text);
    return ok;
}

/* Text with newlines and tabs turned into spaces, for one-line fields. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\t' || *s == '\r')
            *s = ' ';
}

typedef struct {
    const char *source, *key;
    char *text;                 /* a copy of the stamp, for the parent */
    const sp_fonts *fonts;      /* its system fonts are inputs too */
} stamp_ctx;

/* The build's stamp callback (build.h): the stamp of PACK as just built.
 * An input that cannot be hashed (a source given as a pipe) gets "-" for
 * its hash: such a stamp is never up to date. */
static char *make_stamp(const sp_pack *pack, const sp_build_result *r,
                        void *ctx, sp_diags *d, size_t *len, int *failed)
{
    stamp_ctx *sc = ctx;
    sp_buf b = {0};
    sp_buf_printf(&b, "studypack-stamp 2\nkey %s\nsource ", sc->key);
    put_escaped(&b, sc->source);
    sp_buf_str(&b, "\n");
    for (size_t i = 0; i < pack->n_inputs; i++) {
        char hex[SHA256_DIGEST_STRING_LENGTH];
        if (hash_file(pack->inputs[i], hex) != 0)
            strcpy(hex, "-");
        sp_buf_printf(&b, "input %s ", hex);
        put_escaped(&b, pack->inputs[i]);
        sp_buf_str(&b, "\n");
    }
    /* the system fonts fontconfig chose for this pack are inputs too */
    for (int s = 0; sc->fonts && s < sp_fonts_count(sc->fonts); s++) {
        const char *fp = sp_fonts_slot_path(sc->fonts, s);
        char hex[SHA256_DIGEST_STRING_LENGTH];
        if (!sp_fonts_slot_is_system(sc->fonts, s) || hash_file(fp, hex) != 0)
            continue;
        sp_buf_printf(&b, "input %s ", hex);
        put_escaped(&b, fp);
        sp_buf_str(&b, "\n");
    }
    char *title = strdup(pack->meta.title ? pack->meta.title : "");
    char *role = strdup(pack->meta.role ? pack->meta.role : "");
    char *company = strdup(pack->meta.company ? pack->meta.company : "");
    if (title && role && company) {
        one_line(title);
        one_line(role);
        one_line(company);
        sp_buf_printf(&b, "id %s\ntitle %s\nrole %s\ncompany %s\n", pack->id,
                      title, role, company);
    } else {
        b.oom = 1;
    }
    free(title);
    free(role);
    free(company);
    sp_buf_printf(&b, "questions %d\ncards %d\nflashcard_pages %d\n"
                  "timeline_pages %d\nbooklet_pages %d\nmock_pages %d\n"
                  "pocket_pages %d\ndays %d\nwarnings %zu\n",
                  r->n_questions, r->n_cards, r->n_flashcard_pages,
                  r->n_timeline_pages, r->n_booklet_pages, r->n_mock_pages,
                  r->n_pocket_pages, r->n_days, sp_diags_warnings(d));
    for (int i = 0; i < r->n_files; i++)
        sp_buf_printf(&b, "output %s\n", r->files[i]);
    char *text = sp_buf_take(&b, len);
    if (text)
        sc->text = strdup(text);
    if (!text || !sc->text) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        free(text);
        free(sc->text);
        sc->text = NULL;
        *failed = 1;
        return NULL;
    }
    return text;
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
        for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
            size_t l = strlen(outputs[i]);
            if (strncmp(n + 1, outputs[i], l) == 0 && n[1 + l] == '.') {
                unlinkat(dfd, n, 0);
                break;
            }
        }
    }
    closedir(dp);
}

/* ---- the worker ------------------------------------------------------------ */

static void send_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
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
            one_line(file);
            one_line(msg);
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
    stamp_ctx sc = {j->path, key, NULL, fonts};
    staged next = {.n = 0};
    if (rc == 0) {
        sp_build_opts bo = *o->build;
        bo.stamp = make_stamp;
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
static void worker(job *jobs, size_t n, const sp_batch_opts *o,
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
        worker(jobs, n, o, fonts, key, c[0], p[1]);
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
        const char *p = (const char *)&i;
        size_t left = sizeof i;
        while (left) {
            ssize_t k = write(w->cmd, p, left);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            p += k;
            left -= (size_t)k;
        }
        if (left == 0) {
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
    if (j->id && id_ok(j->id))
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
    const char *v = stamp ? stamp_field(stamp, name, &len) : NULL;
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
        if (j->id && id_ok(j->id))
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
    options_hash(o, fonts, key);
    size_t todo = 0;
    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        if (j->status != JOB_PENDING)
            continue;
        if (!o->force && j->id && id_ok(j->id)
            && up_to_date(out_fd, j->id, j->path, key, &j->stamp))
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
                if (busy[b]->id && id_ok(busy[b]->id))
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
        if (!refs || bank || !id || !id_ok(id)) {
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

void sp_batch_send_diags(int fd, const sp_diags *d)
{
    send_diags(fd, d, 0);
}

void sp_batch_read_diags(char *buf, size_t len, sp_diags *d)
{
    job j;
    memset(&j, 0, sizeof j);
    j.buf = buf;
    j.len = len;
    j.diags = d;
    parse_reply(&j);
}
