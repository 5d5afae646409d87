/* load_int.h - what the loader's three files share: its state while a
 * source is read, the functions of loaddiag.c (positions of nodes in the
 * bytes, diagnostics in our words and in source order) and of
 * loadmodel.c (parts of the source into the model).
 * Who may include: load.c, loaddiag.c, loadmodel.c (the only files that
 * include libxml2).
 */
#ifndef SP_LOAD_INT_H
#define SP_LOAD_INT_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "diag.h"
#include "load.h"
#include "model.h"
#include "srcpos.h"

/* diagnostic classes (see the top of load.c) */
enum { C_PARSE, C_TEXT, C_TREE, C_SCHEMA, C_MODEL, C_COUNT };

/* A file read for the pack, and the chain of includes that brought it in:
 * chain[0] is the include in the top-level source. */
typedef struct {
    const char *name;
    int depth;
    sp_loc chain[SP_MAX_INCLUDE_DEPTH + 1];
} file_info;

typedef struct {
    sp_diags *diags;         /* the caller's */
    sp_diags *cls[C_COUNT];  /* collected here first (owned) */
    const char *cur;         /* the file being read, as named */
    const char *cur_a;       /* the same, in the pack's arena */
    const char *cur_up;      /* the file that included it */
    char *root_dir;          /* realpath of the source's folder */
    int n_includes;
    int bank_level;          /* 0 while reading the top-level source */
    int depth_reported;      /* the nesting limit is reported once */
    sp_pack *pack;
    sp_question *qs;         /* the questions so far (malloc, owned) */
    size_t n_qs, cap_qs;
    size_t seen;             /* questions met, built or not */
    char **names;            /* display names of included files (owned) */
    size_t n_names;
    file_info *files;        /* every file read (owned) */
    size_t n_files;
    size_t cur_file;         /* the one being read */
    int amps_nomem;          /* no memory for a blanked copy */
    int wf_line, wf_col;     /* the last well-formedness error's place */
    const char *wf_file;
    /* the start tag the last schema error was about */
    xmlTextReaderPtr se_reader;
    long se_off, se_tag, se_par, se_attr;
    char se_elem[64], se_parent[64];
    /* the file being read: its bytes, its reader, the element the stream
     * loop stands on and where its start tag is, and the elements seen on
     * the current line (to tell apart equal tags on one line) */
    sp_srcpos pos;
    xmlTextReaderPtr reader;
    xmlNodePtr root;
    size_t root_off;
    int tr_line, n_tr;
    struct { char name[32]; int n; size_t off; } tr[8];
} load_state;

/* The top-level source is not well-formed: only that is reported. */
static inline size_t blocking_errors(const load_state *st)
{
    return sp_diags_errors(st->cls[C_PARSE]);
}

/* Well-formedness problems of the top-level source come first; those of a
 * bank count with the include that brought it in. */
static inline sp_diags *parse_class(const load_state *st)
{
    return st->cls[st->bank_level ? C_TREE : C_PARSE];
}


/* libxml2's structured errors (parser and schema validator), in our words
 * where theirs are obscure, into the right class; CTX is the state. */
void sp_ld_on_error(void *ctx, xmlErrorPtr e);

/* Registers file NAME, included from the file being read at LINE:COL
 * (the top-level source when there are no files yet); its index, or -1. */
long sp_ld_add_file(load_state *st, const char *name, int line, int col);

/* Reports the entity references and bare '&'s of a file and returns a
 * copy of DATA with them blanked out (NULL when there are none, or no
 * memory: then amps_nomem is set). */
char *sp_ld_check_amps(load_state *st, const char *name, const char *data,
                       size_t len);

/* Notes element N, just reached by the stream loop, and finds its start
 * tag; then the line and column of any element of the file being read. */
void sp_ld_visit(load_state *st, xmlNodePtr n);
void sp_ld_node_pos(load_state *st, xmlNodePtr n, int *line, int *col);

/* Moves the collected diagnostics into the caller's list in source order
 * (see load.c). */
void sp_ld_report(load_state *st);


/* ---- loadmodel.c: parts of the source into the model ---- */

/* What the model's builders share while a source is read. */
typedef struct {
    load_state *st;
    sp_arena *a;
    sp_span *spans;          /* scratch for inline content */
    size_t n, cap;
    size_t bytes;
    int nomem;
    char *tmp;               /* scratch for its collapsed text */
    size_t tmp_cap;
} builder;

/* N is element NAME (not an xi:include). */
int sp_ld_is_el(xmlNodePtr n, const char *name);
/* Attribute NAME of N in the pack's arena, or NULL (out of memory: noted
 * in B). */
const char *sp_ld_attr(builder *b, xmlNodePtr n, const char *name);
/* Question element N into Q (of FILE). */
void sp_ld_build_question(builder *b, xmlNodePtr n, sp_question *q,
                          const char *file);
/* <meta>, <process>, <tips> and <timeline> into the pack (a second of
 * any is left for the schema to report). */
void sp_ld_build_meta(builder *b, xmlNodePtr n);
void sp_ld_build_process(builder *b, xmlNodePtr n);
void sp_ld_build_tips(builder *b, xmlNodePtr n);
void sp_ld_build_timeline(builder *b, xmlNodePtr n);

/* ---- load.c ---- */

/* N is an xi:include (either namespace). */
int sp_ld_is_xi(xmlNodePtr n);
/* S has a URI scheme ("http:", "file:") before any slash. */
int sp_ld_has_scheme(const char *s);
/* Relative path S climbs above its starting folder. */
int sp_ld_escapes(const char *s);

#endif
