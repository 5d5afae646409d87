/* srcpos.h - positions in a source's bytes, for diagnostics.
 *
 * libxml2 gives a node only the line where its start tag ends and a
 * schema error only the parser's byte offset, so the loader finds columns
 * (and the start tags, attributes and parents that errors name) in the
 * bytes themselves.  Also the check for entity references and bare '&'
 * that the loader reports in its own words and blanks out, so that the
 * rest of the document can still be checked.
 * Works on UTF-8 bytes; columns count characters from 1.  No libxml2.
 * Who may include: load, tests.
 * Ownership: an sp_srcpos borrows DATA, which must outlive it, and owns
 * an index of line starts made on first use (sp_srcpos_free).
 */
#ifndef SP_SRCPOS_H
#define SP_SRCPOS_H

#include <stddef.h>

typedef struct {
    const char *data;
    size_t len;
    size_t c_ls;    /* cache: the start of line c_line */
    int c_line;
    size_t c_off;   /* and an offset on it, at column c_col */
    int c_col;
    unsigned *lines;    /* offsets of line starts (NULL: not made, or no
                           memory: then lines are counted as needed) */
    size_t n_lines;
    int no_index;
} sp_srcpos;

void sp_srcpos_init(sp_srcpos *p, const char *data, size_t len);
void sp_srcpos_free(sp_srcpos *p);

/* Line and column (characters, from 1) of byte OFF (clamped to len). */
void sp_srcpos_at(sp_srcpos *p, size_t off, int *line, int *col);

/* The offset where LINE (from 1) starts, or len if there is no such line. */
size_t sp_srcpos_line_start(sp_srcpos *p, int line);

/* The start tag ('<' offset) of the element LOCAL (a local name; any
 * prefix matches) that is open or was just closed at offset BEFORE: the
 * nearest one before BEFORE, skipping elements of that name that are
 * complete in between.  -1 if none. */
long sp_srcpos_open_tag(const sp_srcpos *p, size_t before, const char *local);

/* The K-th (from 0) start tag of LOCAL at or after FROM; -1 if none. */
long sp_srcpos_nth_tag(const sp_srcpos *p, size_t from, const char *local,
                       int k);

/* The offset of attribute LOCAL's name in the start tag at TAG, or -1. */
long sp_srcpos_attr(const sp_srcpos *p, size_t tag, const char *local);
/* The same searching from FROM, the offset of an earlier attribute's name
 * in the tag (or of the end of the tag's name). */
long sp_srcpos_attr_from(const sp_srcpos *p, size_t from, const char *local);

/* The start tag of the element enclosing the tag at TAG, or -1; its local
 * name is copied into NAME (CAP bytes). */
long sp_srcpos_parent(const sp_srcpos *p, size_t tag, char *name,
                      size_t cap);

/* Local names of the child elements of the element whose start tag is at
 * PARENT that start before offset BEFORE, in order: up to MAX names of up
 * to 31 bytes each into NAMES.  Returns how many. */
size_t sp_srcpos_children(const sp_srcpos *p, size_t parent, size_t before,
                          char (*names)[32], size_t max);

/* An entity reference or a bare '&' outside comments, CDATA and
 * processing instructions: its offset, length and name ("" for a bare
 * '&'). */
typedef struct {
    size_t off, len;
    char name[32];
} sp_amp;

/* Finds the references to entities other than the five XML defines
 * (&lt; &gt; &amp; &apos; &quot;) and the bare '&'s of DATA; calls FOUND
 * for each.  Returns how many there were. */
size_t sp_srcpos_amps(const char *data, size_t len,
                      void (*found)(void *ctx, const sp_amp *a), void *ctx);

/* The code point of an HTML entity name (nbsp, mdash, eacute, ...), or 0
 * if it is not one this table knows. */
unsigned sp_html_entity(const char *name);

#endif
