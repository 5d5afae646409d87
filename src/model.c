/* model.c - the pack model's arena and helpers (see model.h, arena.h). */
#include "model.h"
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block;

struct sp_arena {
    block *head;
    size_t total;
};

enum { BLOCK_SIZE = 64 * 1024 };

sp_arena *sp_arena_new(void)
{
    return calloc(1, sizeof(sp_arena));
}

void sp_arena_free(sp_arena *a)
{
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

/* SIZE bytes aligned to ALIGN (a power of two up to max_align_t's). */
static void *arena_get(sp_arena *a, size_t size, size_t align)
{
    if (size > SIZE_MAX - sizeof(max_align_t))
        return NULL;
    if (size == 0)
        size = 1;
    block *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->size || b->size - at < size) {
        size_t bsize = size > BLOCK_SIZE / 4 ? size : BLOCK_SIZE;
        block *nb = malloc(sizeof(block) + bsize);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = bsize;
        if (b && bsize != BLOCK_SIZE) {
            /* a large one-off block: keep the current block for small
             * allocations by linking the new one behind it */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
        at = 0;
    }
    void *p = (char *)b->data + at;
    a->total += at - b->used + size;
    b->used = at + size;
    memset(p, 0, size);
    return p;
}

void *sp_arena_alloc(sp_arena *a, size_t size)
{
    return arena_get(a, size, sizeof(max_align_t));
}

char *sp_arena_chars(sp_arena *a, size_t size)
{
    return arena_get(a, size, 1);
}

void *sp_arena_array(sp_arena *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        return NULL;
    return sp_arena_alloc(a, n * sz);
}

char *sp_arena_strndup(sp_arena *a, const char *s, size_t n)
{
    char *p = sp_arena_chars(a, n + 1);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *sp_arena_strdup(sp_arena *a, const char *s)
{
    return sp_arena_strndup(a, s, strlen(s));
}

size_t sp_arena_used(const sp_arena *a)
{
    return a->total;
}

void sp_pack_free(sp_pack *pack)
{
    if (!pack)
        return;
    sp_arena *a = pack->arena;
    sp_arena_free(a);   /* the pack itself lives in its arena */
}

const char *sp_difficulty_name(sp_difficulty d)
{
    switch (d) {
    case SP_DIFF_EASY: return "easy";
    case SP_DIFF_MEDIUM: return "medium";
    case SP_DIFF_HARD: return "hard";
    case SP_DIFF_NONE: return "";
    }
    return "";
}

const char *sp_task_kind_name(sp_task_kind k)
{
    switch (k) {
    case SP_TASK_STUDY: return "study";
    case SP_TASK_PRACTICE: return "practice";
    case SP_TASK_MOCK: return "mock";
    case SP_TASK_REVIEW: return "review";
    case SP_TASK_REST: return "rest";
    }
    return "study";
}

const char *sp_text_plain(sp_pack *pack, const sp_text *t)
{
    size_t len = 0;
    for (size_t i = 0; i < t->n_spans; i++)
        len += strlen(t->spans[i].text);
    char *p = sp_arena_alloc(pack->arena, len + 1);
    if (!p)
        return "";
    char *q = p;
    for (size_t i = 0; i < t->n_spans; i++) {
        size_t n = strlen(t->spans[i].text);
        memcpy(q, t->spans[i].text, n);
        q += n;
    }
    *q = '\0';
    return p;
}
