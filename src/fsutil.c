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
static char slot_path[N_SLOTS][SLOT_PATH];

/* Claims a slot for PATH; returns its index or -1 (registry full or the
 * path too long: the file is then simply not cleaned up on a signal). */
static int slot_register(const char *path)
{
    size_t len = strlen(path);
    if (len >= SLOT_PATH)
        return -1;
    for (int i = 0; i < N_SLOTS; i++) {
        int expect = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slot_state[i], &expect,
                                           SLOT_BUSY)) {
            memcpy(slot_path[i], path, len + 1);
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
            unlink(slot_path[i]);
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

/* ---- atomic files --------------------------------------------------- */

struct sp_afile {
    int fd;
    int slot;
    int failed;             /* a write failed and was reported */
    char *path, *tmp;
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

sp_afile *sp_afile_open(const char *path, sp_diags *d)
{
    sp_afile *f = calloc(1, sizeof *f);
    size_t len = strlen(path);
    if (f)
        f->path = strdup(path);
    if (f && f->path)
        f->tmp = malloc(len + 16);
    if (!f || !f->path || !f->tmp) {
        if (d)
            sp_diag_add(d, SP_D_NOMEM, path, 0, 0, "out of memory");
        if (f) {
            free(f->path);
            free(f);
        }
        return NULL;
    }
    f->d = d;
    f->slot = -1;
    /* DIR/NAME -> DIR/.NAME.XXXXXX */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    if (*base == '\0') {
        report(d, path, "cannot write", EISDIR);
        goto fail;
    }
    int err = EEXIST;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        char sfx[7];
        tmp_suffix(sfx, attempt);
        memcpy(f->tmp, path, dir_len);
        snprintf(f->tmp + dir_len, len - dir_len + 15, ".%s.%s", base, sfx);
        f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (f->fd >= 0)
            break;
        err = errno;
        if (err != EEXIST && err != EINTR)
            break;
    }
    if (f->fd < 0) {
        report(d, path, "cannot create a temporary file next to it", err);
        goto fail;
    }
    f->slot = slot_register(f->tmp);
    return f;
fail:
    free(f->tmp);
    free(f->path);
    free(f);
    return NULL;
}

int sp_afile_write(sp_afile *f, const void *data, size_t len)
{
    if (f->failed)
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

static void afile_free(sp_afile *f)
{
    free(f->tmp);
    free(f->path);
    free(f);
}

void sp_afile_abort(sp_afile *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    slot_release(f->slot);
    unlink(f->tmp);
    afile_free(f);
}

/* fsyncs the folder holding PATH so the rename itself is durable; best
 * effort: some file systems refuse to fsync folders. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1)
                      : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int sp_afile_commit(sp_afile *f)
{
    if (f->failed) {
        sp_afile_abort(f);
        return -1;
    }
    if (fsync(f->fd) != 0 && errno != EINVAL && errno != EROFS) {
        report(f->d, f->path, "cannot write (fsync)", errno);
        sp_afile_abort(f);
        return -1;
    }
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && errno != EINTR) {
        report(f->d, f->path, "cannot write (close)", errno);
        sp_afile_abort(f);
        return -1;
    }
    if (rename(f->tmp, f->path) != 0) {
        report(f->d, f->path, "cannot rename the temporary file into place",
               errno);
        sp_afile_abort(f);
        return -1;
    }
    slot_release(f->slot);
    sync_dir(f->path);
    afile_free(f);
    return 0;
}

int sp_write_file_atomic(const char *path, const void *data, size_t len,
                         sp_diags *d)
{
    sp_afile *f = sp_afile_open(path, d);
    if (!f)
        return -1;
    if (sp_afile_write(f, data, len) != 0) {
        sp_afile_abort(f);
        return -1;
    }
    return sp_afile_commit(f);
}

/* ---- folders -------------------------------------------------------- */

/* mkdir one folder; an existing folder is fine.  0 or an errno value. */
static int mkdir_one(const char *p)
{
    if (mkdir(p, 0777) == 0)
        return 0;
    int err = errno;
    struct stat st;
    if (stat(p, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
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
        if (d)
            sp_diag_add(d, SP_D_NOMEM, path, 0, 0, "out of memory");
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
        err = mkdir_one(p);
        *s = '/';
    }
    if (!err)
        err = mkdir_one(p);
    if (err)
        report(d, path, "cannot create folder", err);
    free(p);
    return err ? -1 : 0;
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

