/* batch.c - many packs, one worker process per pack (see batch.h).
 *
 * The parent finds the sources, peeks at each root element and id,
 * rejects duplicate ids, skips packs whose stamp says they are up to date,
 * and forks up to N workers.  A worker loads and builds one pack, writes
 * its stamp, and sends its diagnostics back over a pipe in a line format.
 * A worker that dies (killed, crashed) fails only its own pack; its
 * temporary files are removed and its previous output stays as it was.
 */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sha2.h>

#include "fsutil.h"
#include "load.h"
#include "strbuf.h"

enum { JOB_PENDING, JOB_RUNNING, JOB_BUILT, JOB_UP_TO_DATE, JOB_FAILED };

typedef struct {
    char *path;
    char *id;              /* from the root element; NULL if unknown */
    int status;
    int warnings, errors;
    sp_diags *diags;       /* this pack's diagnostics, in order */
    pid_t pid;
    int fd;
    char *buf;             /* what the worker sent so far */
    size_t len, cap;
} job;

static const char *const outputs[] = {
    "flashcards.pdf", "timeline.pdf", "timeline-booklet.pdf",
    "mock-interview.pdf", "pocket.pdf",
    "flashcards.dump", "timeline.dump", "timeline-booklet.dump",
    "mock-interview.dump", "pocket.dump",
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

static int add_path(char ***list, size_t *n, const char *path)
{
    char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    *list = l;
    if (!(l[*n] = strdup(path)))
        return -1;
    (*n)++;
    return 0;
}

/* Appends every *.xml below DIR (sorted, hidden entries skipped). */
static int scan_dir(const char *dir, char ***list, size_t *n, sp_diags *d,
                    int depth)
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
        if (add_path(&names, &nn, e->d_name)) {
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
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth < 8)
            rc = scan_dir(p, list, n, d, depth + 1);
        else if (strlen(names[i]) > 4 &&
                 strcmp(names[i] + strlen(names[i]) - 4, ".xml") == 0)
            rc = add_path(list, n, p);
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

/* ---- stamps -------------------------------------------------------------- */

static char *pack_dir(const char *out, const char *id)
{
    size_t len = strlen(out) + strlen(id) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", out, id);
    return p;
}

static char *join(const char *dir, const char *name)
{
    return pack_dir(dir, name);
}

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

/* Reads a whole small file; NULL if it cannot. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
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

static int field_is(const char *text, const char *name, const char *value)
{
    size_t len;
    const char *v = stamp_field(text, name, &len);
    return v && len == strlen(value) && strncmp(v, value, len) == 0;
}

/* Up to date: the stamp names this source and these options, every input
 * still hashes the same, and every output it lists exists. */
static int up_to_date(const char *dir, const char *source, const char *key)
{
    char *sp = join(dir, SP_STAMP_NAME);
    char *text = sp ? slurp(sp) : NULL;
    free(sp);
    if (!text)
        return 0;
    int ok = strncmp(text, "studypack-stamp 1\n", 18) == 0 &&
             field_is(text, "key", key) && field_is(text, "source", source);
    for (const char *p = text; ok && (p = strstr(p, "\ninput ")) != NULL;) {
        p += 7;
        char want[SHA256_DIGEST_STRING_LENGTH], got[SHA256_DIGEST_STRING_LENGTH];
        const char *sp2 = strchr(p, ' ');
        const char *e = strchr(p, '\n');
        if (!sp2 || !e || sp2 - p != SHA256_DIGEST_STRING_LENGTH - 1) {
            ok = 0;
            break;
        }
        memcpy(want, p, SHA256_DIGEST_STRING_LENGTH - 1);
        want[SHA256_DIGEST_STRING_LENGTH - 1] = '\0';
        char *path = strndup(sp2 + 1, (size_t)(e - sp2 - 1));
        ok = path && SHA256File(path, got) && strcmp(want, got) == 0;
        free(path);
    }
    for (const char *p = text; ok && (p = strstr(p, "\noutput ")) != NULL;) {
        p += 8;
        const char *e = strchr(p, '\n');
        char *name = e ? strndup(p, (size_t)(e - p)) : NULL;
        char *path = name ? join(dir, name) : NULL;
        ok = path && access(path, F_OK) == 0;
        free(name);
        free(path);
    }
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

static int write_stamp(const char *dir, const char *source, const char *key,
                       const sp_pack *pack, const sp_build_result *r,
                       size_t warnings, sp_diags *d)
{
    sp_buf b = {0};
    sp_buf_printf(&b, "studypack-stamp 1\nkey %s\nsource %s\n", key, source);
    for (size_t i = 0; i < pack->n_inputs; i++) {
        char hex[SHA256_DIGEST_STRING_LENGTH];
        if (!SHA256File(pack->inputs[i], hex)) {
            sp_diag_add(d, SP_D_IO, pack->inputs[i], 0, 0,
                        "cannot read: %s", strerror(errno));
            sp_buf_release(&b);
            return -1;
        }
        sp_buf_printf(&b, "input %s %s\n", hex, pack->inputs[i]);
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
                  r->n_pocket_pages, r->n_days, warnings);
    for (size_t i = 0; i < sizeof outputs / sizeof *outputs - 1; i++) {
        char *p = join(dir, outputs[i]);
        if (p && access(p, F_OK) == 0)
            sp_buf_printf(&b, "output %s\n", outputs[i]);
        free(p);
    }
    size_t len = 0;
    char *text = sp_buf_take(&b, &len);
    char *path = join(dir, SP_STAMP_NAME);
    int rc = -1;
    if (!text || !path)
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
    else
        rc = sp_write_file_atomic(path, text, len, d);
    free(path);
    free(text);
    return rc;
}

/* Removes what a worker that died may have left: temporary files named
 * .OUTPUT.XXXXXX in its pack's folder. */
static void clean_temp(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *n = e->d_name;
        if (n[0] != '.')
            continue;
        for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
            size_t l = strlen(outputs[i]);
            if (strncmp(n + 1, outputs[i], l) == 0 && n[1 + l] == '.') {
                char *p = join(dir, n);
                if (p)
                    unlink(p);
                free(p);
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
static void send_diags(int fd, const sp_diags *d)
{
    for (size_t i = 0; i < sp_diags_count(d); i++) {
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

static void worker(job *j, const sp_batch_opts *o, const sp_fonts *fonts,
                   const char *key, int fd)
{
    sp_diags *d = sp_diags_new();
    if (!d)
        _exit(3);
    sp_pack *pack = sp_load_file(j->path, d);
    int rc = pack ? 0 : 1;
    if (pack && (!j->id || strcmp(pack->id, j->id) != 0)) {
        sp_diag_add(d, SP_D_XML, j->path, 0, 0, "the file changed while the "
                    "batch was running");
        rc = 1;
    }
    if (rc == 0) {
        sp_build_result r;
        rc = sp_build_pack(pack, fonts, o->build, &r, d) == 0 ? 0 : 1;
        if (rc == 0) {
            char *dir = pack_dir(o->build->out_dir, pack->id);
            if (!dir || write_stamp(dir, j->path, key, pack, &r,
                                    sp_diags_warnings(d), d) != 0)
                rc = 1;
            free(dir);
        }
    }
    if (rc && sp_diags_system_error(d))
        rc = 3;
    send_diags(fd, d);
    send_all(fd, rc == 0 ? "R ok\n" : "R failed\n", rc == 0 ? 5 : 9);
    sp_pack_free(pack);
    sp_diags_free(d);
    close(fd);
    _exit(rc);
}

/* ---- the parent ------------------------------------------------------------ */

static void parse_reply(job *j)
{
    char *p = j->buf;
    if (!p)
        return;
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
        }
        p = e + 1;
    }
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
        fprintf(o->progress, "] %zu/%zu %s", done, total,
                j ? (j->id ? j->id : j->path) : "");
        if (done == total)
            fputc('\n', o->progress);
    } else if (j) {
        fprintf(o->progress, "%s %s\n", what, j->id ? j->id : j->path);
    }
    fflush(o->progress);
}

static int spawn(job *j, const sp_batch_opts *o, const sp_fonts *fonts,
                 const char *key, sp_diags *d)
{
    int p[2];
    if (pipe(p) != 0) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot create a pipe: %s",
                    strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "cannot start a worker: %s",
                    strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        /* a worker stopped by SIGINT/SIGTERM removes its temporary files
         * (and the parent cleans up after any worker that dies) */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sp_fsutil_install_signal_cleanup();
        worker(j, o, fonts, key, p[1]);
    }
    close(p[1]);
    j->pid = pid;
    j->fd = p[0];
    j->status = JOB_RUNNING;
    return 0;
}

/* Reads what a worker sent; on end of file reaps it and settles the job. */
static int drain(job *j, const sp_batch_opts *o)
{
    if (j->len + 4096 > j->cap) {
        size_t nc = j->cap ? j->cap * 2 : 8192;
        char *nb = realloc(j->buf, nc);
        if (!nb)
            return -1;
        j->buf = nb;
        j->cap = nc;
    }
    ssize_t n = read(j->fd, j->buf + j->len, j->cap - j->len - 1);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n > 0) {
        j->len += (size_t)n;
        return 0;
    }
    close(j->fd);
    j->fd = -1;
    int status = 0;
    while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
        ;
    parse_reply(j);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        j->status = JOB_BUILT;
    } else {
        j->status = JOB_FAILED;
        if (WIFSIGNALED(status))
            sp_diag_add(j->diags, SP_D_IO, j->path, 0, 0,
                        "the worker building this pack was killed by signal "
                        "%d; the previous output is left as it was",
                        WTERMSIG(status));
        if (j->id && id_ok(j->id)) {
            char *dir = pack_dir(o->build->out_dir, j->id);
            if (dir)
                clean_temp(dir);
            free(dir);
        }
    }
    return 1;
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

static int write_index(job *jobs, size_t n, const sp_batch_opts *o,
                       const char *key, sp_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    fprintf(f, "{\n  \"generator\": \"studypack %s\",\n  \"options_hash\": "
            "\"%s\",\n  \"packs\": [", SP_VERSION, key);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        if (!j->id || !id_ok(j->id))
            continue;
        char *dir = pack_dir(o->build->out_dir, j->id);
        char *sp = dir ? join(dir, SP_STAMP_NAME) : NULL;
        char *stamp = (sp && j->status != JOB_FAILED) ? slurp(sp) : NULL;
        fprintf(f, "%s\n    {\n      \"id\": ", first ? "" : ",");
        first = 0;
        json_str(f, j->id, strlen(j->id));
        fprintf(f, ",\n      \"source\": ");
        json_str(f, j->path, strlen(j->path));
        fprintf(f, ",\n      \"status\": \"%s\"",
                j->status == JOB_BUILT        ? "built"
                : j->status == JOB_UP_TO_DATE ? "up-to-date"
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
        if (stamp) {
            json_field(f, stamp, "warnings", "warnings", 1, 0);
        } else {
            fprintf(f, ",\n      \"warnings\": %d,\n      \"errors\": %d",
                    (int)sp_diags_warnings(j->diags),
                    (int)sp_diags_errors(j->diags));
        }
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
        free(stamp);
        free(sp);
        free(dir);
    }
    fprintf(f, "\n  ]\n}\n");
    if (fclose(f) != 0) {
        free(buf);
        return -1;
    }
    char *path = join(o->build->out_dir, "index.json");
    int rc = path ? sp_write_file_atomic(path, buf, len, d) : -1;
    free(path);
    free(buf);
    return rc;
}

int sp_batch_run(char *const *paths, int n_paths, const sp_batch_opts *o,
                 const sp_fonts *fonts, sp_batch_result *res, sp_diags *d)
{
    memset(res, 0, sizeof *res);
    char **files = NULL;
    size_t n_files = 0;
    int rc = 0;
    for (int i = 0; i < n_paths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            sp_diag_add(d, SP_D_IO, paths[i], 0, 0, "cannot open: %s",
                        strerror(errno));
            rc = 3;
        } else if (S_ISDIR(st.st_mode)) {
            if (scan_dir(paths[i], &files, &n_files, d, 0) != 0)
                rc = 3;
        } else if (add_path(&files, &n_files, paths[i]) != 0) {
            rc = 3;
        }
    }
    job *jobs = calloc(n_files ? n_files : 1, sizeof *jobs);
    if (!jobs || rc) {
        if (!jobs)
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
        goto out_files;
    }
    size_t n = 0;
    for (size_t i = 0; i < n_files; i++) {
        int bank;
        char *id = sp_load_peek_root(files[i], &bank);
        if (bank) {
            free(id);
            continue;
        }
        job *j = &jobs[n++];
        j->path = files[i];
        files[i] = NULL;
        j->id = id;
        j->fd = -1;
        j->diags = sp_diags_new();
        if (!j->diags) {
            rc = 3;
            goto out;
        }
    }
    /* two sources with one id: neither is built */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = i + 1; k < n; k++) {
            if (!jobs[i].id || !jobs[k].id ||
                strcmp(jobs[i].id, jobs[k].id) != 0)
                continue;
            for (int s = 0; s < 2; s++) {
                job *a = s ? &jobs[k] : &jobs[i];
                job *b = s ? &jobs[i] : &jobs[k];
                sp_diag_add(a->diags, SP_D_DUPLICATE, a->path, 0, 0,
                            "pack id '%s' is also the id of %s; rename one "
                            "of them", a->id, b->path);
                a->status = JOB_FAILED;
            }
        }
    }
    const char *out = o->build->out_dir;
    if (sp_mkdir_p(out, d) != 0) {
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
        if (!o->force && j->id && id_ok(j->id)) {
            char *dir = pack_dir(out, j->id);
            if (dir && up_to_date(dir, j->path, key))
                j->status = JOB_UP_TO_DATE;
            free(dir);
        }
        todo += j->status == JOB_PENDING;
    }

    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int jobs_max = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs_max < 1)
        jobs_max = 1;
    size_t next = 0, done = 0;
    int running = 0;
    struct pollfd *pfd = calloc((size_t)jobs_max, sizeof *pfd);
    job **slot = calloc((size_t)jobs_max, sizeof *slot);
    if (!pfd || !slot) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        rc = 3;
    }
    progress(o, 0, todo, NULL, "");
    while (rc == 0 && (running > 0 || (next < n && !interrupted))) {
        while (running < jobs_max && next < n && !interrupted) {
            job *j = &jobs[next++];
            if (j->status != JOB_PENDING)
                continue;
            if (spawn(j, o, fonts, key, d) != 0) {
                rc = 3;
                break;
            }
            running++;
        }
        int k = 0;
        for (size_t i = 0; i < n; i++)
            if (jobs[i].status == JOB_RUNNING && jobs[i].fd >= 0) {
                pfd[k].fd = jobs[i].fd;
                pfd[k].events = POLLIN;
                slot[k++] = &jobs[i];
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
            int r = drain(slot[i], o);
            if (r < 0) {
                rc = 3;
            } else if (r == 1) {
                running--;
                done++;
                progress(o, done, todo, slot[i],
                         slot[i]->status == JOB_BUILT ? "built" : "failed");
            }
        }
    }
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
        sp_diags_move(d, j->diags);
    }
    sp_diags_fold_includes(d);  /* a bank's problem once, naming each pack */
    if (!res->interrupted && write_index(jobs, n, o, key, d) != 0)
        rc = 3;
    if (rc == 0 && (res->failed || res->interrupted))
        rc = 1;
out:
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].path);
        free(jobs[i].id);
        free(jobs[i].buf);
        sp_diags_free(jobs[i].diags);
    }
    free(jobs);
out_files:
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    free(files);
    return rc;
}
