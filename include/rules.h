/* rules.h - the rules a schema cannot say, checked on the model: unique
 * ids across included banks, references that resolve, limits.
 * Who may include: load.c, tests.
 */
#ifndef SP_RULES_H
#define SP_RULES_H

#include "diag.h"
#include "model.h"

/* Adds an error per broken rule; returns the number of errors added.
 * Also resolves question->round and task->questions indexes, and checks
 * the figures' files (figure.h). */
int sp_rules_check(sp_pack *pack, sp_diags *diags);

#endif
