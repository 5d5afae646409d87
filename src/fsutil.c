/* fsutil.c - atomic file writing and folder creation (see fsutil.h). */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the registry of temporary files, for signal handlers ----------- */

enum { N_SLOTS = 32, SLOT_PATH = 4096 };
enum { SLOT_FREE = 0, SLOT_BUSY = 1, SLOT_ARMED = 2 };

static atomic_int slot_state[N_SLOTS];
static int slot_dirfd[N_SLOTS];
static char slot_path[N_SLOTS][SLOT_PATH];

/* Claims a slot for NAME inside the folder DIRFD; returns its index or -1
 * (registry full or the name too long: the file is then simply not
 * cleaned up on a signal).  DIRFD must stay open until slot_release. */
static int slot_register(int dirfd, const char *name)
{
    size_t len = strlen(name);
    if (len >= SLOT_PATH)
        return -1;
    for (int i = 0; i < N_SLOTS; i++) {
        int expect = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slot_state[i], &expect,
                                           SLOT_BUSY)) {
            memcpy(slot_path[i], name, len + 1);
            slot_dirfd[i] = dirfd;
            atomic_store(&slot_state[i], SLOT_ARMED);
            return i;
        }
    }
    return -1;
}

static void slot_release(int i)
{
    if (i >= 0)
        atomic_store(&slot_state[i], SLOT_FREE);
}

void sp_fsutil_cleanup_tempfiles(void)
{
    for (int i = 0; i < N_SLOTS; i++) {
        int expect = SLOT_ARMED;
        if (atomic_compare_exchange_strong(&slot_state[i], &expect,
                                           SLOT_BUSY))
            unlinkat(slot_dirfd[i], slot_path[i], 0);
    }
}

static void on_signal(int sig)
{
    int saved = errno;
    sp_fsutil_cleanup_tempfiles();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    raise(sig);
    errno = saved;
}

int sp_fsutil_install_signal_cleanup(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0)
            return -1;
    return 0;
}

/* ---- helpers -------------------------------------------------------- */

static void report(sp_diags *d, const char *path, const char *what, int err)
{
    char buf[256];
    if (strerror_r(err, buf, sizeof buf) != 0)
        buf[0] = '\0';
    if (d)
        sp_diag_add(d, SP_D_IO, path, 0, 0, "%s: %s", what,
                    buf[0] ? buf : "unknown error");
}

static void nomem(sp_diags *d, const char *path)
{
    if (d)
        sp_diag_add(d, SP_D_NOMEM, path, 0, 0, "out of memory");
}

/* What kind of file MODE is, for messages. */
static const char *kind_name(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

char *sp_join_path(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir)
        return strdup(name);
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    size_t k = dl;
    if (dir[dl - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, name, nl + 1);
    return p;
}

/* A name for one file inside a folder: no slash, not "." or "..". */
static int plain_name(const char *name)
{
    return *name && !strchr(name, '/') && strcmp(name, ".") != 0
           && strcmp(name, "..") != 0;
}

/* ---- atomic files --------------------------------------------------- */

struct sp_afile {
    int fd;
    int dirfd;              /* the folder (our own descriptor); -1 when
                               written in place */
    int slot;
    int failed;             /* a write failed and was reported */
    int closed;             /* fsynced and closed; the temporary remains */
    char *path;             /* for messages */
    char *name, *tmp;       /* inside dirfd */
    sp_diags *d;
};

static atomic_uint tmp_counter;

/* Six characters that make a temporary name unlikely to exist. */
static void tmp_suffix(char out[7], unsigned attempt)
{
    static const char abc[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u
                 ^ (uint64_t)atomic_fetch_add(&tmp_counter, 1u) << 20
                 ^ (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32
                 ^ (uint64_t)attempt * 0xBF58476D1CE4E5B9u;
    for (int i = 0; i < 6; i++) {
        x ^= x >> 31;
        x *= 0x94D049BB133111EBu;
        x ^= x >> 29;
        out[i] = abc[x % (sizeof abc - 1)];
    }
    out[6] = '\0';
}

static void afile_free(sp_afile *f)
{
    if (f->dirfd >= 0)
        close(f->dirfd);
    free(f->tmp);
    free(f->name);
    free(f->path);
    free(f);
}

static sp_afile *afile_new(const char *path, sp_diags *d)
{
    sp_afile *f = calloc(1, sizeof *f);
    if (f && !(f->path = strdup(path))) {
        free(f);
        f = NULL;
    }
    if (!f) {
        nomem(d, path);
        return NULL;
    }
    f->fd = f->dirfd = f->slot = -1;
    f->d = d;
    return f;
}

/* May NAME inside DIRFD be replaced?  Nothing there, or a regular file:
 * 0; anything else (a symbolic link, a FIFO, a device, a folder): -1
 * after reporting.  Renaming over it would replace the special file. */
static int replaceable(int dirfd, const char *name, const char *path,
                       sp_diags *d)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    if (S_ISREG(st.st_mode))
        return 0;
    if (d)
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot write: it exists and "
                    "is %s, not a regular file; studypack replaces only "
                    "regular files (remove it, or choose another output)",
                    kind_name(st.st_mode));
    return -1;
}

/* Creates the temporary file for F->name in F->dirfd. */
static int afile_create(sp_afile *f)
{
    size_t len = strlen(f->name);
    f->tmp = malloc(len + 16);
    if (!f->tmp) {
        nomem(f->d, f->path);
        return -1;
    }
    int err = EEXIST;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        char sfx[7];
        tmp_suffix(sfx, attempt);
        snprintf(f->tmp, len + 16, ".%s.%s", f->name, sfx);
        f->fd = openat(f->dirfd, f->tmp,
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       0666);
        if (f->fd >= 0)
            break;
        err = errno;
        if (err != EEXIST && err != EINTR)
            break;
    }
    if (f->fd < 0) {
        report(f->d, f->path, "cannot create a temporary file next to it",
               err);
        return -1;
    }
    f->slot = slot_register(f->dirfd, f->tmp);
    return 0;
}

sp_afile *sp_afile_openat(int dirfd, const char *dir_path, const char *name,
                          sp_diags *d)
{
    char *path = sp_join_path(dir_path, name);
    if (!path) {
        nomem(d, name);
        return NULL;
    }
    sp_afile *f = afile_new(path, d);
    free(path);
    if (!f)
        return NULL;
    if (!plain_name(name)) {
        report(d, f->path, "cannot write", EINVAL);
        goto fail;
    }
    if (!(f->name = strdup(name))) {
        nomem(d, f->path);
        goto fail;
    }
    f->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (f->dirfd < 0) {
        report(d, f->path, "cannot write", errno);
        goto fail;
    }
    if (replaceable(f->dirfd, name, f->path, d) != 0 || afile_create(f) != 0)
        goto fail;
    return f;
fail:
    afile_free(f);
    return NULL;
}

/* Opens an existing special file (a FIFO, a character device, or what a
 * symbolic link leads to) to write into it in place, as a shell's '>'
 * would; never blocks on a FIFO nobody reads. */
static int open_in_place(sp_afile *f)
{
    int fd = open(f->path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO)
            sp_diag_add(f->d, SP_D_IO, f->path, 0, 0, "cannot write: it is "
                        "a FIFO that no process is reading");
        else
            report(f->d, f->path, "cannot write", errno);
        return -1;
    }
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0)
        err = errno;
    else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)
             && !S_ISCHR(st.st_mode)) {
        sp_diag_add(f->d, SP_D_IO, f->path, 0, 0, "cannot write: it is %s",
                    kind_name(st.st_mode));
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (!err && (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0))
        err = errno;
    if (err) {
        report(f->d, f->path, "cannot write", err);
        close(fd);
        return -1;
    }
    f->fd = fd;
    return 0;
}

sp_afile *sp_afile_open(const char *path, sp_diags *d)
{
    sp_afile *f = afile_new(path, d);
    if (!f)
        return NULL;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    struct stat st, target;
    int have = lstat(path, &st) == 0;
    if (*base == '\0' || (have && S_ISDIR(st.st_mode))
        || (have && S_ISLNK(st.st_mode) && stat(path, &target) == 0
            && S_ISDIR(target.st_mode))) {
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot write: it is a folder; "
                    "give the name of a file");
        goto fail;
    }
    if (have && S_ISLNK(st.st_mode) && stat(path, &target) != 0) {
        char to[512];
        ssize_t n = readlink(path, to, sizeof to - 1);
        to[n > 0 ? n : 0] = '\0';
        sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot write: it is a symbolic "
                    "link to '%s', which does not exist", to);
        goto fail;
    }
    if (have && !S_ISREG(st.st_mode)) {
        /* a special file the user named: written into, never replaced */
        if (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
            sp_diag_add(d, SP_D_IO, path, 0, 0, "cannot write: it is %s",
                        kind_name(st.st_mode));
            goto fail;
        }
        if (open_in_place(f) != 0)
            goto fail;
        return f;
    }
    /* nothing there or a regular file: a temporary file beside it */
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1)
                      : strdup(".");
    if (!dir || !(f->name = strdup(base))) {
        free(dir);
        nomem(d, path);
        goto fail;
    }
    f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (f->dirfd < 0) {
        report(d, path, "cannot create a temporary file next to it", errno);
        goto fail;
    }
    if (replaceable(f->dirfd, f->name, path, d) != 0 || afile_create(f) != 0)
        goto fail;
    return f;
fail:
    afile_free(f);
    return NULL;
}

int sp_afile_write(sp_afile *f, const void *data, size_t len)
{
    if (f->failed || f->closed)
        return -1;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            report(f->d, f->path, "cannot write", errno);
            f->failed = 1;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void sp_afile_abort(sp_afile *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp && f->dirfd >= 0)
        unlinkat(f->dirfd, f->tmp, 0);
    slot_release(f->slot);
    afile_free(f);
}

int sp_afile_close(sp_afile *f)
{
    if (f->failed)
        return -1;
    if (f->closed)
        return 0;
    if (f->dirfd >= 0 && fsync(f->fd) != 0 && errno != EINVAL
        && errno != EROFS) {
        report(f->d, f->path, "cannot write (fsync)", errno);
        f->failed = 1;
        return -1;
    }
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && errno != EINTR) {
        report(f->d, f->path, "cannot write (close)", errno);
        f->failed = 1;
        return -1;
    }
    f->closed = 1;
    return 0;
}

/* Renames F's temporary file over its name (F closed).  0, or -1 after
 * reporting (F's temporary file removed). */
static int afile_rename(sp_afile *f)
{
    if (f->dirfd < 0)
        return 0;                       /* written in place */
    if (replaceable(f->dirfd, f->name, f->path, f->d) != 0)
        return -1;
    if (renameat(f->dirfd, f->tmp, f->dirfd, f->name) != 0) {
        report(f->d, f->path, "cannot rename the temporary file into place",
               errno);
        return -1;
    }
    free(f->tmp);
    f->tmp = NULL;
    return 0;
}

/* 1 if folders A and B (descriptors) are the same one. */
static int same_dir(int a, int b)
{
    struct stat sa, sb;
    return a == b || (fstat(a, &sa) == 0 && fstat(b, &sb) == 0
                      && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

int sp_afile_commit_all(sp_afile **files, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (files[i] && sp_afile_close(files[i]) != 0)
            rc = -1;
    /* an interrupt (SIGINT, SIGTERM, SIGHUP) waits until every rename is
     * done, so that it cannot leave some files new and others old; only
     * a crash or SIGKILL can land between two renames */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    int masked = rc == 0 && sigprocmask(SIG_BLOCK, &block, &old) == 0;
    /* every target checked first, so that a refusal renames nothing */
    for (size_t i = 0; i < n && rc == 0; i++)
        if (files[i] && files[i]->dirfd >= 0
            && replaceable(files[i]->dirfd, files[i]->name, files[i]->path,
                           files[i]->d) != 0)
            rc = -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (files[i] && afile_rename(files[i]) != 0)
            rc = -1;
    /* the renames themselves made durable; best effort: some file
     * systems refuse to fsync folders */
    for (size_t i = 0; i < n && rc == 0; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = files[k] && files[k]->dirfd >= 0 && files[i]->dirfd >= 0
                   && same_dir(files[k]->dirfd, files[i]->dirfd);
        if (files[i] && files[i]->dirfd >= 0 && !seen)
            fsync(files[i]->dirfd);
    }
    for (size_t i = 0; i < n; i++) {
        sp_afile_abort(files[i]);       /* removes what was not renamed */
        files[i] = NULL;
    }
    if (masked)
        sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

int sp_afile_commit(sp_afile *f)
{
    return sp_afile_commit_all(&f, 1);
}

static int write_all(sp_afile *f, const void *data, size_t len)
{
    if (!f)
        return -1;
    if (sp_afile_write(f, data, len) != 0) {
        sp_afile_abort(f);
        return -1;
    }
    return sp_afile_commit(f);
}

int sp_write_file_atomic(const char *path, const void *data, size_t len,
                         sp_diags *d)
{
    return write_all(sp_afile_open(path, d), data, len);
}

int sp_write_file_atomicat(int dirfd, const char *dir_path, const char *name,
                           const void *data, size_t len, sp_diags *d)
{
    return write_all(sp_afile_openat(dirfd, dir_path, name, d), data, len);
}

/* ---- folders -------------------------------------------------------- */

/* mkdir one folder; an existing folder is fine.  0, an errno value, or
 * -1 for a symbolic link to nothing (reported). */
static int mkdir_one(const char *p, sp_diags *d)
{
    if (mkdir(p, 0777) == 0)
        return 0;
    int err = errno;
    struct stat st;
    if (stat(p, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (err == EEXIST && lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
        char to[512];
        ssize_t n = readlink(p, to, sizeof to - 1);
        to[n > 0 ? n : 0] = '\0';
        if (d)
            sp_diag_add(d, SP_D_IO, p, 0, 0, "cannot create folder: it is a "
                        "symbolic link to '%s', which does not exist", to);
        return -1;
    }
    return err;
}

int sp_mkdir_p(const char *path, sp_diags *d)
{
    if (!path || !*path) {
        report(d, path ? path : "", "cannot create folder", ENOENT);
        return -1;
    }
    char *p = strdup(path);
    if (!p) {
        nomem(d, path);
        return -1;
    }
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    int err = 0;
    for (char *s = p + 1; *s && !err; s++) {
        if (*s != '/' || s[-1] == '/')
            continue;
        *s = '\0';
        err = mkdir_one(p, d);
        *s = '/';
    }
    if (!err)
        err = mkdir_one(p, d);
    if (err > 0)
        report(d, path, "cannot create folder", err);
    free(p);
    return err ? -1 : 0;
}

int sp_dir_open(const char *path, sp_diags *d)
{
    if (sp_mkdir_p(path, d) != 0)
        return -1;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        report(d, path, "cannot open folder", errno);
    return fd;
}

int sp_dir_open_sub(int dirfd, const char *dir_path, const char *name,
                    sp_diags *d)
{
    char *path = sp_join_path(dir_path, name);
    if (!path) {
        nomem(d, name);
        return -1;
    }
    int fd = -1;
    if (!plain_name(name)) {
        report(d, path, "cannot create folder", EINVAL);
    } else if (mkdirat(dirfd, name, 0777) != 0 && errno != EEXIST) {
        report(d, path, "cannot create folder", errno);
    } else {
        fd = openat(dirfd, name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISLNK(st.st_mode))
            sp_diag_add(d, SP_D_USAGE, path, 0, 0, "refusing to write "
                        "through a symbolic link: the pack's output folder "
                        "must be a real folder inside the output folder");
        else if (fd < 0)
            report(d, path, "cannot open folder", errno);
    }
    free(path);
    return fd;
}

/* ---- input files -------------------------------------------------------- */

const unsigned char *sp_map_file(const char *path, size_t max, size_t *size,
                                 int *mapped)
{
    *size = 0;
    *mapped = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((unsigned long long)st.st_size > max) {
            close(fd);
            errno = EFBIG;
            return NULL;
        }
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
                       0);
        if (p != MAP_FAILED) {
            close(fd);
            *size = (size_t)st.st_size;
            *mapped = 1;
            return p;
        }
    }
    /* not mappable (a pipe, an empty file...): read it */
    size_t cap = 65536, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            errno = ENOMEM;
            return NULL;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            free(buf);
            close(fd);
            errno = EFBIG;
            return NULL;
        }
        if (len == cap) {
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    close(fd);
    *size = len;
    return buf;
}

void sp_unmap_file(const unsigned char *data, size_t size, int mapped)
{
    if (!data)
        return;
    if (mapped)
        munmap((void *)data, size);
    else
        free((void *)data);
}

char *sp_exe_dir(const char *argv0)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    char *path = NULL;
    if (n > 0) {
        buf[n] = '\0';
        path = strdup(buf);
    } else if (argv0 && strchr(argv0, '/')) {
        path = realpath(argv0, NULL);
    }
    if (!path)
        return NULL;
    char *slash = strrchr(path, '/');
    if (slash)
        *slash = '\0';
    return path;
}

char *sp_find_data_dir(const char *env_name, const char *argv0,
                       const char *const *rel, size_t n_rel,
                       int (*ok)(const char *dir), const char *fallback)
{
    const char *env = getenv(env_name);
    if (env && *env)
        return strdup(env);
    char *exe = sp_exe_dir(argv0);
    for (size_t i = 0; exe && i < n_rel; i++) {
        size_t n = strlen(exe) + strlen(rel[i]) + 1;
        char *p = malloc(n);
        if (!p)
            break;
        snprintf(p, n, "%s%s", exe, rel[i]);
        if (ok(p)) {
            free(exe);
            return p;
        }
        free(p);
    }
    free(exe);
    return fallback ? strdup(fallback) : NULL;
}
