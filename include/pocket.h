/* pocket.h - the day-of pocket sheets: one small sheet per round.
 *
 * One logical page per round of the pack's process, in round order, each
 * about A6 (a quarter of the paper less margins and gaps, so four go on
 * an A4 or Letter page, imposed by sp_impose_simplex with cut marks):
 *   - the round's name, and its format (the first paragraph of its
 *     description);
 *   - "On the day": three to five reminders: the rest of the round's
 *     description (its list items and further paragraphs), then the tips
 *     that name the round (<tip rounds="...">), up to five, then tips
 *     that name no round, in the pack's order, while there are fewer than
 *     three;
 *   - the round's questions by number and short title (the prompt on one
 *     line, shortened with an ellipsis); when not all fit, the last line
 *     says how many more there are and that the cards have them;
 *   - the pack's title at the foot.
 * Text is set at the largest size from 9.5 pt down to 7 pt at which the
 * sheet holds it.
 *
 * Who may include: build (the orchestration), tests.
 * Ownership: pages added to DOC belong to DOC; PACK and FONTS are only
 * read.
 */
#ifndef SP_POCKET_H
#define SP_POCKET_H

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "model.h"

/* Appends one page of PAGE_W_PT x PAGE_H_PT per round to DOC, its labels
 * in the language of MSGS (msg.h; NULL: English).  Returns the number of
 * pages, or -1 when out of memory (reported in D). */
struct sp_msgs;
long sp_pocket_build(const sp_pack *pack, const sp_fonts *fonts,
                     double page_w_pt, double page_h_pt, sp_doc *doc,
                     sp_diags *d, const struct sp_msgs *msgs);

#endif
