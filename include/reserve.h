/* reserve.h - a reserve of memory for allocators whose callers do not
 * survive a failed allocation.
 *
 * libxml2 2.9.14 (its push parser) and libharu 2.3.0 (HPDF_Page_New, for
 * one) dereference some allocation results unchecked.  Their allocations go
 * through wrappers that call sp_reserve_retry when malloc fails: the
 * reserve is released, the failure noted and the allocation retried, so
 * the library gets its memory and returns normally; the caller checks
 * sp_reserve_failed after each step and stops with "out of memory".  When
 * even the retry fails there is no safe way back into the library: the
 * process says so on stderr, removes its temporary files (so every
 * previous output stays whole) and exits with status 3.
 *
 * Who may include: load (libxml2), pdf (libharu).
 * Ownership: an sp_reserve is a static of its user; the memory it holds is
 * released by sp_reserve_retry or sp_reserve_drop.
 * Thread safety: every operation is atomic (libharu allocates from the
 * deflate thread too).
 */
#ifndef SP_RESERVE_H
#define SP_RESERVE_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct {
    _Atomic(void *) mem;     /* the reserve, or NULL */
    atomic_int failed;       /* an allocation failed since sp_reserve_fill */
} sp_reserve;

#define SP_RESERVE_BYTES (4u * 1024 * 1024)

/* Clears the failure note and makes sure SP_RESERVE_BYTES are held;
 * 0, or -1 when they cannot be had (then report out of memory). */
int sp_reserve_fill(sp_reserve *r);

/* Has an allocation failed since the last sp_reserve_fill? */
int sp_reserve_failed(sp_reserve *r);

/* After malloc/realloc failed for N bytes: notes it, releases the reserve
 * and returns AGAIN(OLD, N) if that succeeds; otherwise does not return
 * (see above; WHAT ends "out of memory while ..."). */
void *sp_reserve_retry(sp_reserve *r, void *(*again)(void *, size_t),
                       void *old, size_t n, const char *what);

/* Releases the reserve (at the end of a document, or at exit). */
void sp_reserve_drop(sp_reserve *r);

#endif
