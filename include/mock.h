/* mock.h - the mock-interview kit: a pack -> the interviewer's pages.
 *
 * Printed for the person who runs a mock interview (a friend, a mentor, a
 * coach), in reading order, one question per page:
 *   - An opening page: how to run a mock, how to score, and the sessions:
 *     each mock task of the timeline (its day or date and the questions it
 *     names), then the other questions by round, in round order (and the
 *     questions of no round last).
 *   - For every question of a session: a running head (the kit and the
 *     session), the round, the difficulty and a suggested time box, the
 *     card's number and id; the prompt to read out, in a box; "A strong
 *     answer covers": the answer's key points (each paragraph and list
 *     item) with tick boxes, code blocks in small mono; "Probe with": the
 *     follow-ups; the rubric, 1-4 per criterion (problem understanding,
 *     correctness, trade-offs, communication; for behavioural rounds the
 *     STAR parts and the company's values from the pack's <values>); lines
 *     for notes.  Key points are set at the largest size from 10 pt down
 *     to 8 pt at which the page holds them; a longer one continues on the
 *     next page (the rubric and the notes then come last).
 *   - After each session, its score page: every card of the session with
 *     score boxes and a "review again" box, and the cards to review next
 *     by number and id.
 * Time boxes (minutes): technical easy 10, medium 20, hard 30 (no
 * difficulty: 15); behavioural 5, 8, 10 (none: 8).
 *
 * Who may include: build (the orchestration), tests.
 * Ownership: pages and outline entries added to DOC belong to DOC; PACK,
 * SCHED and FONTS are only read.
 */
#ifndef SP_MOCK_H
#define SP_MOCK_H

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "model.h"
#include "schedule.h"

typedef struct {
    double page_w_pt, page_h_pt;   /* 0: A4 portrait */
    double margin_pt;              /* 0: 18 mm */
    const struct sp_msgs *msgs;    /* the page's words (msg.h); NULL:
                                      English */
} sp_mock_opts;

/* Suggested minutes for a question of this difficulty in a round of this
 * kind (see above). */
int sp_mock_minutes(sp_difficulty d, int behavioral);

/* Appends the kit's pages to DOC.  SCHED (made from PACK) gives the mock
 * tasks' days; NULL: sessions by round only.  Returns the number of pages
 * added, or -1 when out of memory (reported in D). */
long sp_mock_build(const sp_pack *pack, const sp_schedule *sched,
                   const sp_fonts *fonts, const sp_mock_opts *o,
                   sp_doc *doc, sp_diags *d);

#endif
