/* faults.c - an LD_PRELOAD shim for fault tests: write() to a file whose
 * path contains $SP_FAULT_ENOSPC fails with ENOSPC ("disk full"), as it
 * would on a full file system, without needing one.  (And see renameat
 * below.) */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    if (!real_write)
        real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *pat = getenv("SP_FAULT_ENOSPC");
    if (pat && *pat && fd >= 0) {
        char link[64], path[PATH_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n > 0) {
            path[n] = '\0';
            if (strstr(path, pat)) {
                errno = ENOSPC;
                return -1;
            }
        }
    }
    return real_write(fd, buf, count);
}

/* With $SP_FAULT_SIGINT_RENAME set, the first renameat() that succeeds
 * (onto a name containing $SP_FAULT_SIGINT_MATCH, when that is set) is
 * followed by a SIGINT to the process (to whichever of its threads does
 * not block it): an interrupt landing between the renames of a pack's
 * files. */
#include <signal.h>
int renameat(int olddirfd, const char *oldpath, int newdirfd,
             const char *newpath)
{
    static int (*real_renameat)(int, const char *, int, const char *);
    static int fired;
    if (!real_renameat)
        real_renameat = (int (*)(int, const char *, int, const char *))
            dlsym(RTLD_NEXT, "renameat");
    int rc = real_renameat(olddirfd, oldpath, newdirfd, newpath);
    const char *match = getenv("SP_FAULT_SIGINT_MATCH");
    if (rc == 0 && !fired && getenv("SP_FAULT_SIGINT_RENAME")
        && (!match || strstr(newpath, match))) {
        fired = 1;
        kill(getpid(), SIGINT);
    }
    return rc;
}
