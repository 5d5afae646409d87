/* dump.h - the dump device: a display-list document as stable text.
 *
 * The same sp_doc the PDF device renders, written as plain text for golden
 * tests of line breaking, fitting, continuation and imposition.  The output
 * depends only on the document: one line per item, every number with two
 * decimals ("-0.00" never appears), strings quoted with C-like escapes
 * (\\ \" \n \t, \xNN for other control bytes and invalid UTF-8; valid
 * UTF-8 is written as is).  Layout:
 *
 *   studypack-dump 1
 *   meta title="..." subject="..." keywords="..." author=- creator="..."
 *   doc pages=N sheets=M print_actual_size=0|1[ duplex=simplex|flip-long|flip-short]
 *   page I size=WxH items=K
 *     text FACE SIZE at X,Y "..."
 *       glyphs slot=N rtl=0|1 GID:ADV[+DX,DY]@CLUSTER ...
 *       (the glyph line only for shaped text whose glyphs are not its
 *       characters one to one in order without offsets: right to left,
 *       ligatures, Indic reordering, mark positioning; ADV, DX, DY in
 *       1/1000 em, CLUSTER a byte offset into the text)
 *     line X,Y to X2,Y2 width=W gray=G dash=D
 *     rect X,Y size=WxH width=W gray=G fill=F|none
 *     checkbox X,Y size=S width=W
 *     figure "FILE" WxHpx at X,Y size=WxH   (pixel size, placed box)
 *   sheet I size=WxH marks=K placements=P
 *     (mark items as above)
 *     place page=I at X,Y rotate=R[ scale=SX,SY]   (scale only when not 1)
 *   outline sheet=S level=L y=Y "title"
 *   label sheet=S style=D|r|none prefix="..."|- first=N
 *
 * (- stands for a NULL string.)
 * Who may include: tests, main (a debugging option).
 * Ownership: sp_dump_string returns a malloc'd buffer the caller frees.
 */
#ifndef SP_DUMP_H
#define SP_DUMP_H

#include <stddef.h>
#include <stdio.h>

#include "dlist.h"

/* Writes DOC to OUT; returns 0, or -1 on a write error. */
int sp_dump_doc(const sp_doc *doc, FILE *out);
/* Writes one display list's items (each line indented by two spaces). */
int sp_dump_dlist(const sp_dlist *dl, FILE *out);
/* The same with a glyph line for every shaped text item (kerning shows
 * as advances), for golden tests of shaping.  Not thread-safe. */
int sp_dump_dlist_glyphs(const sp_dlist *dl, FILE *out);
/* DOC as a NUL-terminated malloc'd string (length in *len if len is not
 * NULL), or NULL when out of memory. */
char *sp_dump_string(const sp_doc *doc, size_t *len);

#endif
