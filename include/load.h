/* load.h - reading a source: a streaming parse (libxml2's xmlTextReader,
 * hardened) validated against the embedded XSD as it is read, xi:include
 * of banks (confined to the source's folder) followed where they stand,
 * the model built one part and one question at a time (no whole-document
 * tree is kept), then the semantic rules (rules.h), which include the
 * figures' files (figure.h: each image read whole, within image.h's
 * limits).  A figure's src is refused here when it is a URL, an absolute
 * path or climbs out of its file's folder with '..'.
 * Who may include: main, build, batch, tests, the fuzzer.
 * Ownership: the returned sp_pack belongs to the caller (sp_pack_free).
 *
 * Limits (each reported as an SP_D_LIMIT error naming the file):
 */
#ifndef SP_LOAD_H
#define SP_LOAD_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

#define SP_MAX_FILE_BYTES   (32u * 1024 * 1024)  /* one source or bank */
#define SP_MAX_INCLUDES     64                  /* files included per pack */
#define SP_MAX_INCLUDE_DEPTH 8                  /* include of an include */
#define SP_MAX_DEPTH        32                  /* element nesting */
#define SP_MAX_QUESTIONS    20000               /* per pack */
#define SP_MAX_TEXT_BYTES   16384               /* one element's text */
#define SP_MAX_TOTAL_DAYS   730                 /* the whole timeline */

/* Loads and validates FILE.  Returns the pack, or NULL when anything is
 * wrong; every problem found is added to diags (all of them, not just the
 * first), in source order, with line and column: a source that is not
 * well-formed gives its well-formedness errors (and entity slips) only,
 * any other gives its include, schema and model problems together (the
 * rules run on what could be read).  A problem in an included bank is
 * preceded by SP_D_INCLUDED items naming the includes that led to it.
 * A bank (root <questions>) loads as a pack with is_bank set. */
sp_pack *sp_load_file(const char *path, sp_diags *diags);

/* The same from memory; NAME is used in diagnostics and includes resolve
 * against NAME's folder. */
sp_pack *sp_load_memory(const char *name, const char *data, size_t len,
                        sp_diags *diags);

/* Reads PATH only up to its root element, without validating or
 * reporting anything: sets *IS_BANK for <questions> and returns the root's
 * id attribute (malloc'd; the caller frees it), or NULL (no id, or a file
 * that cannot be read or parsed that far, or no memory: loading the file
 * then says what is wrong).  Batch uses it to tell packs from banks. */
char *sp_load_peek_root(const char *path, int *is_bank);

/* Frees the cached schema and libxml2's global state (at exit). */
void sp_load_cleanup(void);
/* Compiles the source schema now (1.75 million instructions), as every
 * load would on its first use: a batch does it before its workers fork,
 * so that each inherits it. */
void sp_load_prepare(void);

#endif
