/* booklet.h - the booklet page builder: a pack and its schedule -> the
 * logical pages of the prep-timeline booklet, in reading order.
 *
 * Pages (page 1 is the cover; every section starts on a new page):
 *   - Cover: company, title, role and edition, the interview date (or a
 *     line to fill it in), a name line, the number of days and cards, and
 *     a contents list with page numbers.
 *   - The interview process: the summary, then each round (name, how many
 *     cards it has, description); their figures in colour, each no taller
 *     than a page's body minus a continuation line, never split.
 *   - Timeline overview: a drawn chart (one bar per phase on a day axis,
 *     week ticks "W1", "W2", ... with dates when known, rest days as gaps
 *     in the bars, the interview day marked), then each phase's tasks with
 *     their day ranges.
 *   - Day-by-day plan: a "Week N" heading where each week starts, then one
 *     block per day: date ("Sun 2026-11-29") or "Day 3", the phase, each
 *     task with a tick box, the cards to introduce ("New:") and review
 *     ("Review:") as "#N id" each with a small tick box, a note on rest
 *     days and on the final review.  A day block moves to the next page
 *     rather than split, unless it is taller than a page on its own.
 *   - Question index: per card its number, id, round, difficulty and
 *     prompt, with three confidence boxes "1 2 3"; the column heads repeat
 *     on every page.
 *   - Tips: each section's title and its tips as a bullet list.
 *   - Notes: lined pages that pad the booklet to a multiple of 4 pages
 *     (none if it already is one).
 * Every page but the cover has a running head (the pack title at the outer
 * edge, the section at the inner edge, a light rule) and its page number
 * at the outer bottom corner.  Page k (1-based, the physical position in
 * the booklet) is a recto when k is odd: its inner edge is the left one,
 * so the gutter is added to the left margin of odd pages and to the right
 * margin of even pages.  Every item lies inside the page minus the
 * margins (and gutter); text that does not fit continues on the next page,
 * nothing is clipped or dropped.
 *
 * Document items added: outline entries (sheet = index into doc->pages)
 * at level 0 for the cover and each section and level 1 for each week of
 * the plan, under "Day-by-day plan"; page labels "Cover" (prefix only) for
 * the cover, then decimal numbers equal to the printed page numbers.
 *
 * Who may include: build (the orchestration), tests.
 * Ownership: pages, outline entries and labels added to DOC belong to DOC;
 * the builder keeps nothing after it returns.  PACK, SCHED and FONTS are
 * only read.
 */
#ifndef SP_BOOKLET_H
#define SP_BOOKLET_H

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "model.h"
#include "schedule.h"

/* A5 portrait (for A4 paper) and half-letter portrait (for Letter). */
/* The default gutter (added to the inner margin), which also bounds
 * --creep (see impose.h). */
#define SP_BOOKLET_GUTTER_MM 5.0
#define SP_BOOKLET_A5_W_PT SP_MM_TO_PT(148.0)
#define SP_BOOKLET_A5_H_PT SP_MM_TO_PT(210.0)
#define SP_BOOKLET_HALF_LETTER_W_PT SP_IN_TO_PT(5.5)
#define SP_BOOKLET_HALF_LETTER_H_PT SP_IN_TO_PT(8.5)

/* Page geometry and type sizes; a zeroed struct gives the defaults. */
typedef struct {
    double page_w_pt, page_h_pt;  /* 0: A5 portrait */
    double margin_pt;             /* every edge; 0: 12 mm */
    double gutter_pt;             /* added on the inner edge; 0: 5 mm,
                                     < 0: none */
    double body_pt;               /* body text; 0: 9 */
    double small_pt;              /* card lists, index details; 0: 7.5 */
    double heading_pt;            /* section headings; 0: 15 */
    const char *title;            /* running head; NULL: pack->meta.title */
    const struct sp_msgs *msgs;   /* headings, labels, dates in this
                                     language (msg.h); NULL: English */
    const struct sp_hyphen *hyphen;  /* hyphenates the index; NULL: no */
    const char *student;          /* the name on the cover; NULL: a line */
} sp_booklet_layout;

/* Appends the booklet's pages to DOC (after any pages it already has),
 * with outline entries and page labels as described above.  SCHED must
 * have been made from PACK (NULL: no overview and no plan).  LAY may be
 * NULL (all defaults).  Returns the number of pages added (a multiple of
 * 4), or -1: out of memory (SP_D_NOMEM), or a page too small for the
 * margins and text (SP_D_LAYOUT error); on failure DOC may hold some of
 * the pages. */
long sp_booklet_build(const sp_pack *pack, const sp_schedule *sched,
                      const sp_fonts *fonts, const sp_booklet_layout *lay,
                      sp_doc *doc, sp_diags *d);

#endif
