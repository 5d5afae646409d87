/* figure.c - the files of figures, checked while loading (see figure.h). */
#include "figure.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "image.h"

typedef struct {
    sp_figure *fig;
    sp_loc loc;
    size_t order;            /* document order */
    size_t group;            /* index of the first entry with this path */
} entry;

typedef struct {
    entry *e;
    size_t n, cap;
    int nomem;
} list;

static void collect(list *l, const sp_blocks *b)
{
    for (size_t i = 0; i < b->n_blocks; i++) {
        const sp_block *bl = &b->blocks[i];
        if (bl->kind != SP_BLOCK_FIGURE || !bl->figure || !bl->figure->path)
            continue;
        if (l->n == l->cap) {
            size_t nc = l->cap ? l->cap * 2 : 16;
            entry *p = realloc(l->e, nc * sizeof *p);
            if (!p) {
                l->nomem = 1;
                return;
            }
            l->e = p;
            l->cap = nc;
        }
        entry *e = &l->e[l->n];
        e->fig = bl->figure;
        e->loc = bl->loc;
        e->order = l->n;
        e->group = l->n;
        l->n++;
    }
}

static int by_path(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->fig->path, y->fig->path);
    if (c)
        return c;
    /* the same src in files of different folders is a different file;
     * equal paths are equal files */
    return x->order < y->order ? -1 : x->order > y->order;
}

static int by_order(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* realpath of the folder of FILE (malloc'd), or NULL. */
static char *folder_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    char *dir = slash ? strndup(file, (size_t)(slash - file) + (slash == file))
                      : strdup(".");
    if (!dir)
        return NULL;
    char *real = realpath(dir, NULL);
    free(dir);
    return real;
}

typedef struct {
    sp_diag_code code;       /* SP_D_COUNT: fine */
    char why[512];
    sp_image_info info;
} result;

/* Checks the file of figure F, which stands in LOC.file. */
static void check_one(const sp_figure *f, sp_loc loc, result *r)
{
    r->code = SP_D_COUNT;
    r->why[0] = '\0';
    char *dir = folder_of(loc.file ? loc.file : ".");
    char *real = realpath(f->path, NULL);
    if (!dir) {
        r->code = SP_D_IO;
        snprintf(r->why, sizeof r->why, "cannot resolve the source's "
                 "folder: %s", strerror(errno));
    } else if (!real) {
        r->code = SP_D_IMAGE;
        snprintf(r->why, sizeof r->why, "cannot open '%s': %s", f->path,
                 strerror(errno));
    } else if (strncmp(real, dir, strlen(dir)) != 0 ||
               (real[strlen(dir)] != '/' && strcmp(dir, "/") != 0)) {
        r->code = SP_D_IMAGE;
        snprintf(r->why, sizeof r->why, "refused: '%s' leads outside the "
                 "source's folder (through a symbolic link?)", f->path);
    } else {
        sp_image img;
        sp_image_status st = sp_image_read_file(real, 0, &img, r->why,
                                                sizeof r->why);
        if (st == SP_IMAGE_OK) {
            r->info = img.info;
            sp_image_release(&img);
        } else {
            r->code = st == SP_IMAGE_ELIMIT   ? SP_D_LIMIT
                      : st == SP_IMAGE_ENOMEM ? SP_D_NOMEM
                                              : SP_D_IMAGE;
        }
    }
    free(real);
    free(dir);
}

/* Adds the N good files (the first of each group of L, sorted by path)
 * to the files the pack was made from (batch hashes them to tell whether
 * a pack is up to date); 0 or -1. */
static int add_inputs(sp_pack *pack, const list *l, const result *res,
                      size_t n)
{
    if (n == 0)
        return 0;
    const char **in = sp_arena_array(pack->arena, pack->n_inputs + n,
                                     sizeof *in);
    if (!in)
        return -1;
    if (pack->n_inputs)
        memcpy(in, pack->inputs, pack->n_inputs * sizeof *in);
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].group == l->e[i].order &&
            res[l->e[i].order].code == SP_D_COUNT)
            in[pack->n_inputs++] = l->e[i].fig->path;
    pack->inputs = in;
    return 0;
}

int sp_figures_check(sp_pack *pack, sp_diags *d)
{
    list l = {NULL, 0, 0, 0};
    collect(&l, &pack->meta.summary);
    for (size_t i = 0; i < pack->n_rounds; i++)
        collect(&l, &pack->rounds[i].desc);
    for (size_t i = 0; i < pack->n_questions; i++)
        collect(&l, &pack->questions[i].answer);
    int errors = 0;
    if (l.n == 0 && !l.nomem)
        return 0;
    result *res = l.n ? calloc(l.n, sizeof *res) : NULL;
    if (l.nomem || (l.n && !res)) {
        sp_diag_add(d, SP_D_NOMEM, pack->file, 0, 0, "out of memory");
        free(l.e);
        free(res);
        return 1;
    }
    /* each distinct file once: group equal paths, check the first */
    size_t n_files = 0;
    qsort(l.e, l.n, sizeof *l.e, by_path);
    for (size_t i = 0; i < l.n; i++) {
        if (i > 0 && strcmp(l.e[i].fig->path, l.e[i - 1].fig->path) == 0) {
            l.e[i].group = l.e[i - 1].group;
            continue;
        }
        l.e[i].group = l.e[i].order;
        check_one(l.e[i].fig, l.e[i].loc, &res[l.e[i].order]);
        n_files += res[l.e[i].order].code == SP_D_COUNT;
    }
    if (add_inputs(pack, &l, res, n_files) != 0) {
        sp_diag_add(d, SP_D_NOMEM, pack->file, 0, 0, "out of memory");
        errors++;
    }
    qsort(l.e, l.n, sizeof *l.e, by_order);
    for (size_t i = 0; i < l.n; i++) {
        const result *r = &res[l.e[i].group];
        sp_figure *f = l.e[i].fig;
        if (r->code == SP_D_COUNT) {
            f->format = r->info.format;
            f->width_px = r->info.width_px;
            f->height_px = r->info.height_px;
            continue;
        }
        sp_diag_add(d, r->code, l.e[i].loc.file, l.e[i].loc.line, 0,
                    "figure '%s': %s", f->src, r->why);
        errors++;
    }
    free(res);
    free(l.e);
    return errors;
}
