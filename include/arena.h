/* arena.h - a bump allocator: many small allocations, one free.
 * Who may include: model.c, load.c, figure.c (the modules that build an
 * sp_pack).
 * Ownership: the arena owns every block it hands out; sp_arena_free
 * releases them all at once.
 */
#ifndef SP_ARENA_H
#define SP_ARENA_H

#include <stddef.h>

typedef struct sp_arena sp_arena;

sp_arena *sp_arena_new(void);
void sp_arena_free(sp_arena *a);
/* Zeroed, max-aligned memory, or NULL when out of memory. */
void *sp_arena_alloc(sp_arena *a, size_t size);
/* Zeroed bytes without alignment (for text), or NULL. */
char *sp_arena_chars(sp_arena *a, size_t size);
/* Zeroed array of n elements of size sz (overflow-checked). */
void *sp_arena_array(sp_arena *a, size_t n, size_t sz);
char *sp_arena_strndup(sp_arena *a, const char *s, size_t n);
char *sp_arena_strdup(sp_arena *a, const char *s);
/* Bytes handed out so far (for limits and benchmarks). */
size_t sp_arena_used(const sp_arena *a);

#endif
