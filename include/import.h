/* import.h - `studypack import`: questions from elsewhere become a source.
 *
 * Reads CSV (RFC 4180), TSV, Anki's text export (the "#separator:" ...
 * header lines) and Anki packages (.apkg, or a bare collection.anki2),
 * each recognised from its first bytes, not from its name.  The notes of
 * every input become one pack source (XML, valid against the embedded
 * schema without edits), written atomically; images the notes show are
 * written beside it.  Conversions (see README "Importing"):
 *   - field HTML -> p, ul/ol, pre, em/strong/code (and figure where the
 *     schema has it); what has no equivalent is dropped with one warning
 *     per kind;
 *   - cloze notes -> a prompt with a gap, the answer with the text;
 *   - ids from the Anki guid (or an id column), else a slug of the
 *     question, unique and valid; tags -> topics; decks or a round
 *     column -> rounds.
 *
 * Who may include: main, tests, the fuzzer.
 * Ownership: nothing returned outlives a call except what the caller is
 * told to free.  Nothing is printed: problems go to the sp_diags given.
 */
#ifndef SP_IMPORT_H
#define SP_IMPORT_H

#include <stddef.h>

#include "diag.h"
#include "fonts.h"

typedef enum {
    SP_IMPORT_UNKNOWN = 0,
    SP_IMPORT_CSV,          /* comma (or semicolon) separated */
    SP_IMPORT_TSV,          /* tab separated */
    SP_IMPORT_ANKI_TEXT,    /* Anki's "Notes in Plain Text" */
    SP_IMPORT_APKG,         /* a zip (Anki package) */
    SP_IMPORT_ANKI_DB,      /* a bare SQLite collection */
    SP_IMPORT_XML           /* already XML (a source?) */
} sp_import_format;

/* The format of a file from its first bytes (LEN may be short: 64 bytes
 * decide).  Text that is none of the others is CSV or TSV by which
 * separator its first line holds; binary or empty data is UNKNOWN. */
sp_import_format sp_import_detect(const unsigned char *data, size_t len);
/* "CSV", "TSV", "Anki text export", "Anki package", ... */
const char *sp_import_format_name(sp_import_format f);
/* sp_import_detect on the first bytes of PATH; UNKNOWN if unreadable or
 * not a regular file (a pipe is not read). */
sp_import_format sp_import_sniff_file(const char *path);

typedef struct {
    const char *id;          /* pack id; default: a slug of the title */
    const char *company;     /* NULL: none */
    const char *role;        /* default: the deck's or the file's name */
    const char *title;       /* default: the deck's name, if one */
    const sp_fonts *fonts;   /* characters no face has are dropped (with
                                a warning); NULL: not checked */
} sp_import_opts;

/* Imports PATHS into one source written atomically at OUT, with images
 * beside it.  Returns 0, or -1 with the reasons in D (nothing written
 * when any input had an error). */
int sp_import_files(char *const *paths, size_t n, const char *out,
                    const sp_import_opts *o, sp_diags *d);

/* One input from memory to source text (the fuzzer and tests): NAME is
 * used in diagnostics and to find images (beside NAME).  Returns the
 * malloc'd XML (caller frees) and its length, or NULL.  Images are
 * checked but not written, so they are left out (with a warning). */
char *sp_import_memory(const char *name, const unsigned char *data,
                       size_t len, const sp_import_opts *o, size_t *out_len,
                       sp_diags *d);

#endif
