/* cards.h - the card page builder: one question -> card fronts and backs.
 *
 * Each card is two logical pages appended to an sp_doc: front then back
 * (doc->pages[2i] and doc->pages[2i+1], as sp_impose_cards expects), card
 * size, top-left origin.  Front: the cue (italic, small) above the prompt
 * (large, centred), the round and difficulty on a small line at the top
 * left, the card's number and id at the top right, a thin footer with the
 * pack title.  Back: the answer, then the follow-ups under a small
 * "Follow-ups" heading; the same corner and footer.
 *
 * Fitting: the front is set at the largest of front_max_pt, front_max_pt -
 * step_pt, ... front_min_pt at which it fits, the back likewise with the
 * back range, so text fills larger cards.  Every text on a card body is at
 * least min_pt (the "Follow-ups" heading is set at the body's size, bold).
 * A back that does not fit at back_min_pt continues on follow-on cards: as
 * few as a split at back_min_pt needs, cut where the parts come out most
 * even (between paragraphs or list items where it can, never leaving a
 * part of one or two lines when the answer has more, never inside a code
 * block of up to ten lines), at the largest size at which that many parts
 * still suffice (an answer of more than eight cards is split greedily at
 * back_min_pt).  Their fronts say which question they continue, every
 * corner shows "#N id K/M", and an SP_D_LAYOUT warning names the
 * question's file and line, the card count and the size chosen.  A figure
 * in the answer is one unsplittable line no taller than a back's body
 * minus the continuation note (text.h, sp_flow_figure_limit), so it
 * always fits a card whole, with its caption.  A front
 * that does not fit at front_min_pt is split the same way.  Nothing is clipped or dropped,
 * and every item stays inside the card minus padding_pt on each side.
 * The corner and the round line are one-line labels: an id or round name
 * wider than the card is shortened there with an ellipsis (with a
 * warning).
 *
 * Who may include: build (the orchestration), tests.
 * Ownership: pages added to DOC belong to DOC; an sp_cards builder owns
 * its scratch buffers (sp_cards_free).
 */
#ifndef SP_CARDS_H
#define SP_CARDS_H

#include <stddef.h>

#include "diag.h"
#include "dlist.h"
#include "fonts.h"
#include "model.h"

typedef struct {
    double card_w_pt, card_h_pt;   /* required */
    double padding_pt;             /* 0: 5 mm */
    const char *title;             /* footer; NULL: pack->meta.title */
    double min_pt;                       /* reading size (--min-size):
                                            0: 8 */
    double front_max_pt, front_min_pt;   /* 0: 22 and max(10, min_pt /
                                            0.8) (the cue is 0.8 of it) */
    double back_max_pt, back_min_pt;     /* 0: 14 and min_pt */
    double step_pt;                      /* 0: 0.5 */
    int first_fit;                 /* break lines first fit, not total
                                      fit (faster, less even) */
    double small_pt;               /* corner, round line: 0: 7 */
    double footer_pt;              /* footer: 0: 6 */
    const struct sp_msgs *msgs;    /* the card's own words; NULL: English */
    const struct sp_hyphen *hyphen;  /* NULL: no hyphenation */
} sp_card_opts;

/* Appends the cards of every question of PACK, in order, to DOC.  Returns
 * the number of cards (at least pack->n_questions), or -1 on failure: out
 * of memory, or a card too small to hold any text (both reported in D). */
long sp_cards_build(const sp_pack *pack, const sp_fonts *fonts,
                    const sp_card_opts *opts, sp_doc *doc, sp_diags *d);

/* The same one question at a time, so a caller can lay out, impose and
 * write a sheet's worth of cards and release them before the next (the
 * display lists of 10,000 cards take tens of MiB).  sp_cards_new returns
 * NULL on failure (reported in D, which must outlive the builder, as must
 * PACK and FONTS); sp_cards_add appends the cards of question QI to DOC
 * and returns how many, or -1 when out of memory (reported). */
typedef struct sp_cards sp_cards;
sp_cards *sp_cards_new(const sp_pack *pack, const sp_fonts *fonts,
                       const sp_card_opts *opts, sp_diags *d);
long sp_cards_add(sp_cards *c, size_t qi, sp_doc *doc);
void sp_cards_free(sp_cards *c);

#endif
