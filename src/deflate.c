/* deflate.c - zlib-format compression with a pool of libdeflate
 * compressors (see deflate.h). */
#include "deflate.h"

#include <pthread.h>
#include <stdlib.h>

#include <libdeflate.h>

enum { LEVELS = 13, KEEP = 4 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct libdeflate_compressor *pool[LEVELS][KEEP];
static int n_pool[LEVELS];

static void free_pool(void)
{
    pthread_mutex_lock(&lock);
    for (int l = 0; l < LEVELS; l++) {
        while (n_pool[l] > 0)
            libdeflate_free_compressor(pool[l][--n_pool[l]]);
    }
    pthread_mutex_unlock(&lock);
}

static void at_exit(void)
{
    atexit(free_pool);
}

static struct libdeflate_compressor *take(int level)
{
    pthread_once(&once, at_exit);
    struct libdeflate_compressor *c = NULL;
    pthread_mutex_lock(&lock);
    if (n_pool[level] > 0)
        c = pool[level][--n_pool[level]];
    pthread_mutex_unlock(&lock);
    return c ? c : libdeflate_alloc_compressor(level);
}

static void give(int level, struct libdeflate_compressor *c)
{
    pthread_mutex_lock(&lock);
    if (n_pool[level] < KEEP) {
        pool[level][n_pool[level]++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&lock);
    libdeflate_free_compressor(c);
}

int sp_deflate(int level, const void *in, size_t n, char **out, size_t *cap,
               size_t *len)
{
    *len = 0;
    if (level < 1 || level >= LEVELS)
        level = 6;
    struct libdeflate_compressor *c = take(level);
    if (!c)
        return -1;
    size_t bound = libdeflate_zlib_compress_bound(c, n);
    if (*cap < bound + 1) {
        char *p = realloc(*out, bound + 1);
        if (!p) {
            give(level, c);
            return -1;
        }
        *out = p;
        *cap = bound + 1;
    }
    size_t k = libdeflate_zlib_compress(c, in, n, *out, bound);
    give(level, c);
    if (k == 0)
        return -1;      /* not for a bound-sized buffer */
    *len = k;
    return 0;
}
