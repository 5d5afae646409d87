/* model.h - the study pack as plain C structs.
 *
 * Produced by load (sp_load), read by every later stage; never modified
 * after loading.  Every node keeps the file and line it came from.
 * Who may include: every module.
 * Ownership: an sp_pack owns everything reachable from it (one arena);
 * sp_pack_free releases it all.  Strings are UTF-8, NUL-terminated, with
 * white space already normalised (runs collapsed to one space, trimmed at
 * the ends of a paragraph) except inside pre and code blocks.
 */
#ifndef SP_MODEL_H
#define SP_MODEL_H

#include <stddef.h>

typedef struct {
    const char *file;   /* the file the node was read from (bank or pack) */
    int line;
} sp_loc;

/* Style bits of an inline span. */
enum { SP_STYLE_BOLD = 1, SP_STYLE_ITALIC = 2, SP_STYLE_MONO = 4 };

/* A run of text with one style. */
typedef struct {
    unsigned style;
    const char *text;
} sp_span;

/* Inline content: styled spans, in order. */
typedef struct {
    sp_span *spans;
    size_t n_spans;
} sp_text;

typedef enum { SP_BLOCK_P, SP_BLOCK_UL, SP_BLOCK_OL, SP_BLOCK_PRE,
               SP_BLOCK_FIGURE } sp_block_kind;

/* Image formats a figure may be in. */
typedef enum { SP_IMAGE_NONE = 0, SP_IMAGE_PNG, SP_IMAGE_JPEG } sp_image_kind;

/* A <figure>: an image file scaled to a share of the text width, with an
 * optional caption under it.  src is as written; path is what is opened
 * (src resolved against the folder of loc.file, which must stay inside
 * that folder).  The image facts are filled in when the file is checked
 * while loading (figure.h): a figure of a loaded pack always names a
 * readable image within the limits. */
typedef struct {
    const char *src;
    const char *path;
    const char *alt;         /* never NULL: the text for readers who
                                cannot see the image, and for exports */
    sp_text caption;         /* n_spans == 0 if absent */
    double width_pct;        /* share of the text width, (0, 100] */
    sp_image_kind format;
    int width_px, height_px;
} sp_figure;

typedef struct {
    sp_block_kind kind;
    sp_text text;       /* P: the paragraph; PRE: one mono span, raw text */
    sp_text *items;     /* UL, OL: one sp_text per li */
    size_t n_items;
    sp_loc loc;
    sp_figure *figure;  /* FIGURE only */
} sp_block;

typedef struct {
    sp_block *blocks;
    size_t n_blocks;
} sp_blocks;

typedef enum {
    SP_DIFF_NONE = 0, SP_DIFF_EASY, SP_DIFF_MEDIUM, SP_DIFF_HARD
} sp_difficulty;

typedef struct {
    const char *id;
    const char *name;
    sp_blocks desc;
    int behavioral;          /* kind="behavioral" (else technical) */
    sp_loc loc;
} sp_round;

typedef struct {
    const char *id;
    int number;              /* 1-based card number, in document order */
    const char *round_id;    /* NULL if none */
    int round;               /* index into pack->rounds, -1 if none */
    sp_difficulty difficulty;
    const char **topics;
    size_t n_topics;
    sp_text cue;             /* n_spans == 0 if absent */
    sp_text prompt;
    sp_blocks answer;
    sp_text *followups;
    size_t n_followups;
    sp_loc loc;
} sp_question;

typedef struct {
    const char *title;
    sp_text *tips;
    sp_loc *tip_locs;
    const char **tip_rounds; /* per tip: its rounds="..." ids as written
                                (space separated), NULL if none */
    size_t n_tips;
    sp_loc loc;
} sp_tip_section;

typedef enum {
    SP_TASK_STUDY, SP_TASK_PRACTICE, SP_TASK_MOCK, SP_TASK_REVIEW, SP_TASK_REST
} sp_task_kind;

typedef struct {
    sp_task_kind kind;
    sp_text text;
    const char **question_ids;
    int *questions;          /* indexes into pack->questions */
    size_t n_questions;
    sp_loc loc;
    int days;                /* days="N" (1-365), 0 when not given */
} sp_task;

typedef struct {
    const char *id;
    const char *title;
    int days;
    sp_task *tasks;
    size_t n_tasks;
    sp_loc loc;
} sp_phase;

typedef struct {
    const char *company;     /* NULL if absent */
    const char *role;
    const char *edition;     /* NULL if absent */
    const char *title;       /* never NULL: defaulted to
                                "<company> <role> Interview Prep" */
    sp_blocks summary;
    const char **values;     /* the company's values (<values>) */
    size_t n_values;
    sp_loc loc;              /* the <meta> element */
} sp_meta;

typedef struct sp_arena sp_arena;

typedef struct {
    const char *id;
    const char *lang;        /* xml:lang, NULL if absent */
    const char *file;        /* the source file */
    sp_meta meta;
    sp_round *rounds;
    size_t n_rounds;
    sp_question *questions;
    size_t n_questions;
    sp_tip_section *tips;
    size_t n_tips;
    sp_phase *phases;
    size_t n_phases;
    const char **inputs;     /* every file read: the source, then banks,
                                then the figures' images */
    size_t n_inputs;
    int is_bank;             /* root was <questions>: only questions set */
    sp_arena *arena;
} sp_pack;

void sp_pack_free(sp_pack *pack);

const char *sp_difficulty_name(sp_difficulty d);   /* "" for NONE */
const char *sp_task_kind_name(sp_task_kind k);
/* Concatenated plain text of inline content; allocated in the pack's arena. */
const char *sp_text_plain(sp_pack *pack, const sp_text *t);

#endif
