/* reserve.c - memory held back for libraries that do not survive a failed
 * allocation (see reserve.h). */
#include "reserve.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"

int sp_reserve_fill(sp_reserve *r)
{
    atomic_store(&r->failed, 0);
    if (atomic_load(&r->mem))
        return 0;
    void *m = malloc(SP_RESERVE_BYTES);
    if (!m)
        return -1;
    void *old = atomic_exchange(&r->mem, m);
    free(old);
    return 0;
}

int sp_reserve_failed(sp_reserve *r)
{
    return atomic_load(&r->failed);
}

static void say(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

void *sp_reserve_retry(sp_reserve *r, void *(*again)(void *, size_t),
                       void *old, size_t n, const char *what)
{
    atomic_store(&r->failed, 1);
    void *m = atomic_exchange(&r->mem, NULL);
    if (m) {
        free(m);
        void *p = again(old, n);
        if (p)
            return p;
    }
    say("studypack: error: out of memory while ");
    say(what);
    say("\n");
    sp_fsutil_cleanup_tempfiles();
    _exit(3);
}

void sp_reserve_drop(sp_reserve *r)
{
    free(atomic_exchange(&r->mem, NULL));
}
