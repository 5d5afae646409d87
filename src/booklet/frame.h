/* frame.h - what the booklet's sections share (private to src/booklet/):
 * the layout context, blocks (small display lists placed on pages with
 * page breaks at their break points), the page frame (running head, page
 * number, margins and gutter), section starts and the contents, and small
 * text and date helpers.  Each section is built by one file:
 *   cover.c    the cover and the contents' page numbers
 *   process.c  the interview process (the rounds)
 *   chart.c    the timeline overview: the chart and the phases' tasks
 *   plan.c     the day-by-day plan
 *   index.c    the question index
 *   tips.c     the tips
 *   notes.c    the lined notes pages that pad to a multiple of 4
 * frame.c holds the shared code and booklet.c the set-up and the entry
 * point sp_booklet_build (booklet.h).
 * Who may include: the files of src/booklet only.
 * Ownership: a ctx and its blocks belong to sp_booklet_build.
 */
#ifndef SP_BOOKLET_FRAME_H
#define SP_BOOKLET_FRAME_H

#include <stddef.h>

#include "booklet.h"
#include "datefmt.h"
#include "msg.h"
#include "text.h"

#define DEF_MARGIN_MM 12.0
#define DEF_GUTTER_MM SP_BOOKLET_GUTTER_MM
#define EPS 1e-6
#define MIN_BOX_PT 144.0       /* smallest content width and body height */
#define RULE_PT 0.4
#define RULE_GRAY 0.7
#define HAIR_PT 0.3
#define HAIR_GRAY 0.8
#define BOX_LINE_PT 0.5
#define HEAD_GAP_PT 3.0        /* running head text to its rule */
#define HEAD_BODY_PT 10.0      /* running head rule to the body */
#define FOOT_BODY_PT 8.0       /* body to the page number */
#define MAX_RUN_LINES 2        /* running head lines drawn at most */
#define ENDASH "\xe2\x80\x93"
#define MIDDOT " \xc2\xb7 "

typedef struct {
    sp_dlist dl;               /* x from the content box, y from the top */
    double h;
    double *brk;               /* allowed page breaks, ascending */
    size_t n_brk, cap_brk;
} block;

typedef struct {
    const char *title;
    size_t page;               /* where the section starts */
    size_t at_page;            /* where the contents line is drawn */
    double baseline, end_x;    /* of the line's title (content box x) */
} toc_entry;

enum { MAX_TOC = 8 };

typedef struct {
    const sp_pack *pack;
    const sp_schedule *s;
    const sp_fonts *fonts;
    sp_diags *d;
    sp_doc *doc;
    sp_booklet_layout o;
    double pw, ph, margin, gutter, iw;
    double top, bottom, body_h;    /* body box of pages with a frame */
    double cover_bottom;
    double body, small, tiny, head, sub, dayhead, task;
    size_t base, cur;
    int have_page;
    double y, page_bottom;         /* cursor, bottom of the current page */
    int fresh;                     /* only headings on this page so far */
    const char *section;           /* running head, inner edge */
    int index_heads;               /* repeat the index column heads */
    const char *cont;              /* heads the rest of a split block */
    char cont_buf[SP_DATEFMT_BUF + 64];
    size_t placed_page;            /* where the last block's top went */
    double placed_y;
    sp_flow *f, *f2, *hf, *tf;
    sp_lines l, l2, hl, tl;
    double run_h, run_w, foot_h;   /* running head; page number line */
    block b, chunk, idx_head;
    sp_span *spans;
    size_t cap_spans;
    toc_entry toc[MAX_TOC];
    size_t n_toc;
    double card_label_w;           /* "Review:" column */
    const sp_msgs *m;              /* the booklet's own words */
    sp_datefmt *df;                /* dates in the same language */
} ctx;

/* ---- frame.c: helpers, blocks, pages, sections ---- */

/* Paragraph options: a fixed SIZE_PT, STYLE bits, ALIGN. */
sp_para_opts bk_popts(double size_pt, unsigned style, sp_align align);

/* Makes room for N spans in c->spans; 0 or -1. */
int bk_need_spans(ctx *c, size_t n);

/* Lays out one paragraph of plain TEXT into FLOW/L; 0 or -1. */
int bk_lay_plain(sp_flow *f, sp_lines *l, const char *text, double size,
                 unsigned style, sp_align align, double width);

/* TEXT, or a prefix of it ended by an ellipsis, that fits WIDTH on one
 * line in the regular face at SIZE: malloc'd in *OUT; 1 if shortened, 0
 * if not, -1 when out of memory.  Running heads are never wrapped. */
int bk_one_line_text(const sp_fonts *fonts, const char *text,
                     double size, double width, char **out);

/* Lays out one paragraph of the N spans SP into FLOW/L; 0 or -1. */
int bk_lay_spans(sp_flow *f, sp_lines *l, const sp_span *sp, size_t n,
                 double size, sp_align align, double width);

/* Width of a one-line layout (its first line), from its left edge. */
double bk_line_w(const sp_lines *l);

/* Writes V in decimal into B (24 bytes); returns B. */
char *bk_num(char *b, long v);

/* "Days 3–9" or "Day 3" (LOWER: "days 3–9", "day 3") into B (64
 * bytes). */
char *bk_day_range(const ctx *c, char *b, int first, int last,
                   int lower);

/* D in STYLE, in the booklet's language, into B (SP_DATEFMT_BUF). */
char *bk_fmt_date(const ctx *c, char *b, sp_date d, sp_date_style st);

/* The dates of days FIRST..LAST, "Nov 26 – Dec 2" (WEEKDAY: "Thu, Nov 26
 * – Wed, Dec 2"), into B (DATE_RANGE_BUF bytes); "" without dates. */
#define DATE_RANGE_BUF (2 * SP_DATEFMT_BUF + 8)
char *bk_date_range(const ctx *c, char *b, int first, int last, int weekday);

/* "Study from Thu, Nov 26, 2026 to Wed, Dec 23, 2026" (or "Study on ..."
 * for one day) into B (STUDY_BUF bytes). */
#define STUDY_BUF (2 * SP_DATEFMT_BUF + 96)
char *bk_study_dates(const ctx *c, char *b);

/* "20 days in 3 phases · 12 cards" into B (240 bytes). */
char *bk_pack_counts(const ctx *c, char *b, long days, long phases,
                     long cards);

/* A block's life: init (empty), reset (empty, as wide as the content
 * box, keeping its buffers), free. */
void bk_blk_init(block *b);
void bk_blk_free(block *b);
void bk_blk_reset(ctx *c, block *b);

/* Allows a page break at Y (ignored unless below the last one). */
int bk_blk_break(block *b, double y);

/* Makes B at least BOTTOM tall. */
void bk_blk_grow(block *b, double bottom);

/* Draws lines L at (X, Y); with BRK, a page may break before each line
 * that allows it.  Returns the height, or -1. */
double bk_blk_lines(block *b, const sp_lines *l, double x, double y,
                    int brk);

/* A horizontal rule from X to X2 at Y, W thick, in GRAY. */
int bk_blk_rule(block *b, double x, double y, double x2, double w,
                double gray);

/* Draws c->l at the left and c->l2 at the right edge of one line at Y
 * (baselines aligned) when both fit side by side, else c->l2 below c->l.
 * Returns the height, or -1. */
double bk_blk_pair(ctx *c, block *b, double y);

/* A tick box of SIZE whose bottom sits just below BASELINE. */
int bk_blk_box(block *b, double x, double baseline, double size);

/* The printed page number of doc page PAGE (1 = the cover). */
size_t bk_phys(const ctx *c, size_t page);

/* Left edge of the content box on PAGE: the gutter is on the left of odd
 * (recto) pages. */
double bk_x0_of(const ctx *c, size_t page);

/* The current page's display list. */
sp_dlist *bk_page(ctx *c);

/* Starts a new page (with its frame unless it is the cover). */
int bk_new_page(ctx *c);

/* Places block B at the cursor.  LEAD: the top of B (a gap, a separator)
 * that is left out when B starts a page.  KEEP: move B to the next page
 * rather than split it, unless it is taller than a page.  HEADING: the
 * page stays "fresh" (a following kept block does not leave it alone).
 * The rest of a split block is headed by c->cont when set. */
int bk_place(ctx *c, const block *b, double lead, int keep, int heading);

/* Starts TITLE on a new page: outline entry, contents entry, heading. */
int bk_start_section(ctx *c, const char *title);

/* A paragraph of small italic TEXT (an explanation under a heading). */
int bk_intro_note(ctx *c, const char *text, double gap_after);

/* ---- one function per section (each in its file): each starts its
 * section on a new page and places its content; 0, or -1 when out of
 * memory ---- */

int bk_build_cover(ctx *c);

/* Draws the contents' page numbers and dotted leaders. */
int bk_finish_toc(ctx *c);

int bk_build_process(ctx *c);

int bk_build_overview(ctx *c);

int bk_build_plan(ctx *c);

int bk_build_index(ctx *c);

int bk_build_tips(ctx *c);

int bk_build_notes(ctx *c);

#endif
