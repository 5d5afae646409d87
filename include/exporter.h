/* exporter.h - the pieces of `studypack export` (see export.h): each
 * exporter renders into memory; export.c writes the file.
 * Who may include: src/io/export*.c, tests.
 * Ownership: returned buffers are malloc'd and belong to the caller.
 */
#ifndef SP_EXPORTER_H
#define SP_EXPORTER_H

#include <stddef.h>

#include "diag.h"
#include "export.h"
#include "model.h"
#include "schedule.h"
#include "strbuf.h"

/* The pack's id and title; a bank's (which has neither) are its file's
 * name without the extension, written into BUF. */
enum { SP_EXPORT_NAME = 256 };
const char *sp_export_pack_id(const sp_pack *pack, char buf[SP_EXPORT_NAME]);
const char *sp_export_pack_title(const sp_pack *pack,
                                 char buf[SP_EXPORT_NAME]);

/* The note guid of question Q: "studypack:PACK-ID/QUESTION-ID" (the
 * importer reads the question id back out of it). */
void sp_export_guid(const sp_pack *pack, const sp_question *q, sp_buf *b);

/* The images the questions' answers show, each distinct file once, with
 * the flat file name it has in Anki's media folder: the base name of its
 * src made of letters, digits, '.', '-' and '_', with "-2", "-3" ... when
 * another file already has that name. */
typedef struct {
    const sp_figure **figs;   /* the first figure showing each file */
    char **names;
    size_t n;
} sp_media;

/* 0, or -1 when out of memory. */
int sp_media_collect(const sp_pack *pack, sp_media *m);
/* The media name of F's file (NULL if F is not in M). */
const char *sp_media_name(const sp_media *m, const sp_figure *f);
void sp_media_release(sp_media *m);

/* Our markup as HTML (what Anki shows): em/strong/code, p, ul/ol, pre
 * (line ends as <br>), figures as <img> named as in MEDIA with the
 * caption under it (class sp-caption); < > & " escaped; no tab or line
 * end is written. */
void sp_html_text(sp_buf *b, const sp_text *t);
void sp_html_blocks(sp_buf *b, const sp_blocks *bl, const sp_media *media);
void sp_html_escape(sp_buf *b, const char *s);
/* The card's two sides as HTML: front = cue (class sp-cue) and prompt,
 * back = answer and follow-ups (class sp-followup). */
void sp_html_front(sp_buf *b, const sp_question *q);
void sp_html_back(sp_buf *b, const sp_question *q, const sp_media *media);
/* The deck a question goes to: "TITLE" or "TITLE::ROUND NAME". */
void sp_export_deck(const sp_pack *pack, const sp_question *q, sp_buf *b);
/* Anki tags: topics, round:ID, difficulty:LEVEL (space-separated). */
void sp_export_tags(const sp_question *q, sp_buf *b);

/* S as a JSON string ("null" for NULL). */
void sp_json_str(sp_buf *b, const char *s);

char *sp_export_ankitext(const sp_pack *pack, size_t *len);
char *sp_export_json(const sp_pack *pack, const sp_schedule *s,
                     size_t *len);
/* NULL with a diagnostic when there are no dates. */
char *sp_export_ics(const sp_pack *pack, const sp_schedule *s,
                    const sp_export_opts *o, long long epoch, size_t *len,
                    sp_diags *d);
/* The .apkg bytes (zip of collection.anki2, media and the figures). */
unsigned char *sp_export_apkg(const sp_pack *pack, long long epoch,
                              size_t *len, sp_diags *d);

#endif
