/* rules.c - rules a schema cannot say (see rules.h). */
#include "rules.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "figure.h"
#include "load.h"

typedef struct {
    const char *id;
    size_t index;
} id_entry;

static int cmp_entry(const void *a, const void *b)
{
    const id_entry *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int find_id(const id_entry *e, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(e[mid].id, id);
        if (c == 0) {
            while (mid > 0 && strcmp(e[mid - 1].id, id) == 0)
                mid--;
            return (int)e[mid].index;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Sorted (id, index) pairs of n items with ids at a stride; NULL on OOM. */
static id_entry *index_ids(const void *base, size_t n, size_t stride,
                           size_t id_offset)
{
    id_entry *e = malloc((n ? n : 1) * sizeof *e);
    if (!e)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *item = (const char *)base + i * stride;
        memcpy(&e[i].id, item + id_offset, sizeof(const char *));
        e[i].index = i;
    }
    qsort(e, n, sizeof *e, cmp_entry);
    return e;
}

/* Reports each id defined twice, naming both places. */
static int duplicates(sp_diags *d, const id_entry *e, size_t n,
                      const char *what, const sp_loc *(*loc)(const void *,
                                                             size_t),
                      const void *items)
{
    int errors = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(e[i].id, e[i - 1].id) != 0)
            continue;
        size_t first = e[i - 1].index;
        while (i < n && strcmp(e[i].id, e[i - 1].id) == 0) {
            const sp_loc *l2 = loc(items, e[i].index);
            const sp_loc *l1 = loc(items, first);
            sp_diag_add(d, SP_D_DUPLICATE, l2->file, l2->line, 0,
                        "duplicate %s id '%s'", what, e[i].id);
            sp_diag_add(d, SP_D_NOTE, l1->file, l1->line, 0,
                        "'%s' is first defined here", e[i].id);
            errors++;
            i++;
        }
    }
    return errors;
}

static const sp_loc *q_loc(const void *items, size_t i)
{
    return &((const sp_question *)items)[i].loc;
}
static const sp_loc *r_loc(const void *items, size_t i)
{
    return &((const sp_round *)items)[i].loc;
}
static const sp_loc *p_loc(const void *items, size_t i)
{
    return &((const sp_phase *)items)[i].loc;
}

int sp_rules_check(sp_pack *pack, sp_diags *d)
{
    int errors = 0;
    id_entry *qe = index_ids(pack->questions, pack->n_questions,
                             sizeof(sp_question),
                             offsetof(sp_question, id));
    id_entry *re = index_ids(pack->rounds, pack->n_rounds, sizeof(sp_round),
                             offsetof(sp_round, id));
    id_entry *pe = index_ids(pack->phases, pack->n_phases, sizeof(sp_phase),
                             offsetof(sp_phase, id));
    if (!qe || !re || !pe) {
        sp_diag_add(d, SP_D_NOMEM, pack->file, 0, 0, "out of memory");
        errors++;
        goto out;
    }
    errors += duplicates(d, qe, pack->n_questions, "question", q_loc,
                         pack->questions);
    errors += duplicates(d, re, pack->n_rounds, "round", r_loc, pack->rounds);
    errors += duplicates(d, pe, pack->n_phases, "phase", p_loc, pack->phases);

    /* a bank on its own has no rounds to check against */
    for (size_t i = 0; i < pack->n_questions && !pack->is_bank; i++) {
        sp_question *q = &pack->questions[i];
        if (!q->round_id)
            continue;
        q->round = find_id(re, pack->n_rounds, q->round_id);
        if (q->round < 0) {
            sp_diag_add(d, SP_D_REFERENCE, q->loc.file, q->loc.line, 0,
                        "question '%s' names round '%s', which the pack "
                        "does not define%s", q->id, q->round_id,
                        pack->n_rounds ? "" : " (it has no <process>)");
            errors++;
        }
    }
    /* tips name rounds for the pocket sheets */
    for (size_t s = 0; s < pack->n_tips; s++) {
        const sp_tip_section *sec = &pack->tips[s];
        for (size_t t = 0; t < sec->n_tips; t++) {
            const char *r = sec->tip_rounds ? sec->tip_rounds[t] : NULL;
            while (r && *r) {
                while (*r == ' ' || *r == '\t' || *r == '\n')
                    r++;
                size_t n = strcspn(r, " \t\n");
                if (n == 0)
                    break;
                char id[72];
                snprintf(id, sizeof id, "%.*s", (int)(n < 71 ? n : 71), r);
                if (find_id(re, pack->n_rounds, id) < 0) {
                    sp_diag_add(d, SP_D_REFERENCE, sec->tip_locs[t].file,
                                sec->tip_locs[t].line, 0,
                                "tip names round '%s', which the pack does "
                                "not define%s", id,
                                pack->n_rounds ? "" : " (it has no <process>)");
                    errors++;
                }
                r += n;
            }
        }
    }
    long total_days = 0;
    for (size_t p = 0; p < pack->n_phases; p++) {
        sp_phase *ph = &pack->phases[p];
        total_days += ph->days;
        long need = 0, given = 0;
        for (size_t t = 0; t < ph->n_tasks; t++) {
            need += ph->tasks[t].days > 0 ? ph->tasks[t].days : 1;
            given += ph->tasks[t].days > 0;
        }
        if (given && need > ph->days) {
            sp_diag_add(d, SP_D_LIMIT, ph->loc.file, ph->loc.line, 0,
                        "phase '%s' has %d day%s, but its tasks need %ld "
                        "(their days=\"N\", and one for each other task)",
                        ph->id ? ph->id : "", ph->days,
                        ph->days == 1 ? "" : "s", need);
            errors++;
        }
        for (size_t t = 0; t < ph->n_tasks; t++) {
            sp_task *task = &ph->tasks[t];
            task->questions = task->n_questions
                ? sp_arena_array(pack->arena, task->n_questions, sizeof(int)) : NULL;
            if (task->n_questions && !task->questions) {
                sp_diag_add(d, SP_D_NOMEM, pack->file, 0, 0, "out of memory");
                errors++;
                goto out;
            }
            for (size_t k = 0; k < task->n_questions; k++) {
                int qi = find_id(qe, pack->n_questions,
                                 task->question_ids[k]);
                task->questions[k] = qi;
                if (qi < 0) {
                    sp_diag_add(d, SP_D_REFERENCE, task->loc.file,
                                task->loc.line, 0,
                                "task names question '%s', which the pack "
                                "does not contain", task->question_ids[k]);
                    errors++;
                }
            }
        }
    }
    /* every day a rest day: the schedule then introduces the cards on
     * rest days after all (schedule.h), which deserves a word */
    int only_rest = total_days > 0 && pack->n_questions > 0;
    for (size_t p = 0; p < pack->n_phases && only_rest; p++) {
        const sp_phase *ph = &pack->phases[p];
        only_rest = ph->days <= 0 || ph->n_tasks > 0;
        for (size_t t = 0; t < ph->n_tasks && only_rest; t++)
            only_rest = ph->tasks[t].kind == SP_TASK_REST;
    }
    if (only_rest)
        sp_diag_add(d, SP_D_WARNING, pack->phases[0].loc.file,
                    pack->phases[0].loc.line, 0, "every day of the timeline "
                    "is a rest day: the cards are introduced on rest days "
                    "anyway (give a phase a study task)");
    if (total_days > SP_MAX_TOTAL_DAYS) {
        sp_diag_add(d, SP_D_LIMIT, pack->file,
                    pack->n_phases ? pack->phases[0].loc.line : 0, 0,
                    "the timeline has %ld days; the limit is %d", total_days,
                    SP_MAX_TOTAL_DAYS);
        errors++;
    }
    errors += sp_figures_check(pack, d);
out:
    free(qe);
    free(re);
    free(pe);
    return errors;
}
