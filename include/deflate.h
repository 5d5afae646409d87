/* deflate.h - data in the zlib format (what PDF's /FlateDecode reads),
 * compressed with libdeflate.
 *
 * libdeflate's compressors are kept in a small pool for the process and
 * shared by its threads: allocating one (0.7 MB at level 9, touched
 * afresh) cost more than deflating a small PDF's streams, five PDFs a
 * pack.  Thread-safe.
 *
 * Who may include: any module.
 * Ownership: *OUT is a malloc'd buffer of the caller's, grown here.
 */
#ifndef SP_DEFLATE_H
#define SP_DEFLATE_H

#include <stddef.h>

/* Deflates IN[0..N) at LEVEL (1..12) into *OUT (of capacity *CAP bytes,
 * reallocated as needed); *LEN is the result's length.  0, or -1 when
 * out of memory. */
int sp_deflate(int level, const void *in, size_t n, char **out, size_t *cap,
               size_t *len);

#endif
