/* importer.h - the pieces of `studypack import` (see import.h).
 *
 * Readers (import_csv.c, import_anki.c) turn one input into notes: raw
 * fields as found (HTML or plain text), tags, deck, the note's guid.  The
 * HTML converter (html.c) turns a field into our markup, and import.c
 * gives the notes ids, topics and rounds and writes the source.
 *
 * Who may include: src/io/import*.c, src/io/html.c, tests, the fuzzer.
 * Ownership: an sp_ideck owns every note, string and media file added to
 * it (all malloc'd); sp_ideck_free releases them.
 */
#ifndef SP_IMPORTER_H
#define SP_IMPORTER_H

#include <stddef.h>

#include "diag.h"
#include "strbuf.h"

/* Limits of the readers (each refused with a clear error). */
#define SP_IMPORT_MAX_INPUT     (256u * 1024 * 1024) /* one .apkg file */
#define SP_IMPORT_MAX_TEXT      (32u * 1024 * 1024)  /* a CSV, a text export */
#define SP_IMPORT_MAX_COLLECTION (128u * 1024 * 1024) /* collection.anki2 */
#define SP_IMPORT_MAX_MEDIA     (8u * 1024 * 1024)   /* one image */
#define SP_IMPORT_MAX_MEDIA_ALL (256u * 1024 * 1024) /* all images */
#define SP_IMPORT_MAX_ENTRIES   100000               /* files in a zip */
#define SP_IMPORT_MAX_FIELD     16384                /* one field's bytes */
#define SP_IMPORT_MAX_COLUMNS   64

typedef struct {
    const char *file;     /* the input (owned by the deck) */
    int line;             /* its first line (CSV), 0 for Anki packages */
    char *guid;           /* Anki note guid, or NULL */
    char *id;             /* an id column, or NULL */
    char *front, *back;   /* question and answer fields */
    char *extra;          /* a cloze note's "Back Extra", or NULL */
    char *tags;           /* space- or comma-separated, or NULL */
    char *deck;           /* Anki deck ("A::B"), or NULL */
    char *round;          /* a round column, or NULL */
    char *difficulty, *followup, *cue;   /* columns, or NULL */
    int html;             /* fields are HTML (else plain text) */
    int cloze;            /* the note type is Cloze */
} sp_inote;

typedef struct {
    char *name;           /* as the notes name it (<img src>) */
    unsigned char *data;
    size_t len;
} sp_imedia;

typedef struct {
    sp_inote *notes;
    size_t n_notes, cap_notes;
    sp_imedia *media;
    size_t n_media, cap_media;
    size_t media_bytes;
    char **files;         /* input names, owned */
    size_t n_files;
    char *title;          /* the common deck's name, or NULL */
} sp_ideck;

void sp_ideck_free(sp_ideck *deck);
/* A copy of NAME kept by the deck (for sp_inote.file); NULL if no memory. */
const char *sp_ideck_file(sp_ideck *deck, const char *name);
/* A new zeroed note at the end; NULL if no memory. */
sp_inote *sp_ideck_note(sp_ideck *deck);
/* Takes ownership of DATA (malloc'd) as media NAME; -1 if no memory. */
int sp_ideck_add_media(sp_ideck *deck, const char *name, unsigned char *data,
                       size_t len);
const sp_imedia *sp_ideck_find_media(const sp_ideck *deck, const char *name);

/* ---- readers ------------------------------------------------------------ */

/* CSV/TSV/Anki text from memory into DECK.  FORMAT is what
 * sp_import_detect said.  Returns 0, or -1 after an error in D. */
int sp_import_text(sp_ideck *deck, const char *name, const char *data,
                   size_t len, int format, sp_diags *d);

/* An Anki package (zip) or a bare collection (SQLite) from memory. */
int sp_import_anki(sp_ideck *deck, const char *name,
                   const unsigned char *data, size_t len, int is_zip,
                   sp_diags *d);

/* RFC 4180 records.  Fields of the current record are NUL-terminated
 * copies in an internal buffer, valid until the next call. */
typedef struct {
    const char *p, *end;
    char sep;
    int line;             /* the line the next record starts on */
    char *buf;
    size_t buf_len, buf_cap;
    size_t starts[SP_IMPORT_MAX_COLUMNS];
    const char *fields[SP_IMPORT_MAX_COLUMNS];
    size_t n_fields;
} sp_csv;

void sp_csv_init(sp_csv *c, const char *data, size_t len, char sep);
/* 1 = a record is in c->fields (its first line in *LINE), 0 = end of
 * input, -1 = malformed (WHY is a static reason, *LINE and *COL where). */
int sp_csv_next(sp_csv *c, int *line, int *col, const char **why);
void sp_csv_release(sp_csv *c);

/* ---- field conversion ------------------------------------------------- */

/* Which kinds of dropped construct were already warned about, so that
 * each kind is said once per import. */
enum { SP_DROP_NESTED_LIST = 1, SP_DROP_IMAGE_IN_PROMPT = 2,
       SP_DROP_SOUND = 4, SP_DROP_DEEP = 8 };
typedef struct {
    unsigned long seen;   /* bits: SP_DROP_* */
    char tags[16][12];    /* element names warned about */
    size_t n_tags;
} sp_drops;

/* One converted field: block XML for <answer>, an inline-only copy for
 * <prompt>, and the text of elements of class sp-cue and sp-followup
 * (what the apkg exporter writes), one per line. */
typedef struct {
    sp_buf blocks;        /* "<p>..</p><ul><li>..</li></ul><figure/>" */
    sp_buf inl;           /* inline only: paragraphs joined by spaces */
    sp_buf cue;
    sp_buf followup;
    sp_buf figures;       /* the <figure/> elements alone */
    size_t n_paras;       /* p, li and pre elements written */
    size_t n_figures;
} sp_field;

/* How images are handled: IMAGE returns the file name a figure should
 * use for <img src=SRC> (a string that lives as long as CTX), or NULL and
 * a reason to drop it.  *WIDTH_PCT comes in as the img's style width (0:
 * none) and may be set from the image's size. */
typedef struct {
    const char *(*image)(void *ctx, const char *src, double *width_pct,
                         const char **why);
    void *ctx;
    const struct sp_fonts *fonts;   /* for sp_import_visible; may be NULL */
} sp_field_opts;

/* 1 if S (LEN bytes of UTF-8) has a character that stays in the source
 * and shows: not white space, not one sp_xml_escape drops, and (with
 * FONTS) one some face can draw. */
int sp_import_visible(const char *s, size_t len,
                      const struct sp_fonts *fonts);

void sp_field_release(sp_field *f);

/* Converts HTML (libxml2's HTML parser) or plain text (paragraphs at
 * blank lines, "- " and "1. " items) into F (zeroed by the caller).
 * Warnings for dropped constructs go to D (once per kind, tracked in
 * DROPS) at FILE:LINE.  Returns 0, or -1 when out of memory. */
int sp_field_convert(const char *text, int html, const sp_field_opts *o,
                     sp_field *f, sp_drops *drops, const char *file,
                     int line, sp_diags *d);

/* Appends S (LEN bytes of UTF-8) to B escaped for XML text (quotes too),
 * tabs and line ends as spaces, dropping what XML 1.0 cannot hold
 * (control characters, U+FFFE/U+FFFF) and U+FFFD (invalid bytes). */
void sp_xml_escape(sp_buf *b, const char *s, size_t len);
/* The same keeping line ends and tabs (for pre). */
void sp_xml_escape_lines(sp_buf *b, const char *s, size_t len);

/* ---- ids and cloze notes (import_ids.c) ------------------------------- */

/* 1 if S matches [a-z0-9][a-z0-9-]{0,63}. */
int sp_id_valid(const char *s);
/* A slug of plain text into OUT (at most MAX bytes, cut at a '-'):
 * lowercase ASCII letters and digits (Latin-1 letters without their
 * accents), other runs as one '-'; "" if the text has none. */
void sp_id_slug(const char *s, char *out, size_t max);

/* A set of the ids given so far (open addressing); zero-initialise. */
typedef struct {
    char **slots;
    size_t cap, n;
} sp_idset;
int sp_idset_has(const sp_idset *s, const char *id);
int sp_idset_add(sp_idset *s, const char *id);   /* -1 if no memory */
void sp_idset_free(sp_idset *s);
/* Makes BASE (a valid id of at most 60 bytes) unique in S: BASE, BASE-2,
 * BASE-3, ...; writes it to OUT and adds it.  -1 if no memory. */
int sp_unique_id(sp_idset *s, const char *base, char out[65]);
/* The id a note's guid gives: the question id of one we exported
 * ("studypack:PACK/QID"), else "anki-" and 10 hex digits of its SHA-256. */
void sp_guid_id(const char *guid, char out[65]);
/* Plain text of inline XML (tags removed, the five entities decoded);
 * malloc'd. */
char *sp_xml_plain(const char *x);

/* The cloze numbers used in S ({{cN::...}}), ascending, into NUMS (at
 * most MAX); returns how many. */
size_t sp_cloze_numbers(const char *s, int *nums, size_t max);
/* S with every cloze replaced: number K as a gap ("[hint]" or "[...]")
 * when GAP, else in <b>; the others by their text.  Malloc'd HTML. */
char *sp_cloze_render(const char *s, int k, int gap);
/* Plain text as HTML (escaped, line ends as <br>); malloc'd. */
char *sp_plain_as_html(const char *s);
/* Removes Anki's "[sound:...]" references in place; 1 if there were. */
int sp_strip_sound(char *s);

#endif
