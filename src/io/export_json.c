/* export_json.c - the pack model and its plan as JSON, for other tools.
 * The format is documented in README.md ("JSON export"); keys are
 * always present (null when absent) and in a fixed order. */
#include "exporter.h"

#include <stdio.h>

/* Inline content: [{"text": "...", "bold": true, ...}, ...] */
static void inl(sp_buf *b, const sp_text *t)
{
    sp_buf_put(b, "[", 1);
    for (size_t i = 0; i < t->n_spans; i++) {
        sp_buf_str(b, i ? ", {\"text\": " : "{\"text\": ");
        sp_json_str(b, t->spans[i].text);
        unsigned st = t->spans[i].style;
        if (st & SP_STYLE_BOLD)
            sp_buf_str(b, ", \"bold\": true");
        if (st & SP_STYLE_ITALIC)
            sp_buf_str(b, ", \"italic\": true");
        if (st & SP_STYLE_MONO)
            sp_buf_str(b, ", \"code\": true");
        sp_buf_put(b, "}", 1);
    }
    sp_buf_put(b, "]", 1);
}

static void blocks(sp_buf *b, const sp_blocks *bl)
{
    sp_buf_put(b, "[", 1);
    for (size_t i = 0; i < bl->n_blocks; i++) {
        const sp_block *k = &bl->blocks[i];
        sp_buf_str(b, i ? ", " : "");
        switch (k->kind) {
        case SP_BLOCK_P:
            sp_buf_str(b, "{\"type\": \"p\", \"text\": ");
            inl(b, &k->text);
            sp_buf_put(b, "}", 1);
            break;
        case SP_BLOCK_UL:
        case SP_BLOCK_OL:
            sp_buf_printf(b, "{\"type\": \"%s\", \"items\": [",
                          k->kind == SP_BLOCK_UL ? "ul" : "ol");
            for (size_t j = 0; j < k->n_items; j++) {
                sp_buf_str(b, j ? ", " : "");
                inl(b, &k->items[j]);
            }
            sp_buf_str(b, "]}");
            break;
        case SP_BLOCK_PRE:
            sp_buf_str(b, "{\"type\": \"pre\", \"text\": ");
            sp_json_str(b, k->text.n_spans ? k->text.spans[0].text : "");
            sp_buf_put(b, "}", 1);
            break;
        case SP_BLOCK_FIGURE:
            sp_buf_str(b, "{\"type\": \"figure\", \"src\": ");
            sp_json_str(b, k->figure ? k->figure->src : NULL);
            sp_buf_str(b, ", \"alt\": ");
            sp_json_str(b, k->figure ? k->figure->alt : NULL);
            sp_buf_str(b, ", \"caption\": ");
            if (k->figure && k->figure->caption.n_spans)
                inl(b, &k->figure->caption);
            else
                sp_buf_str(b, "null");
            sp_buf_printf(b, ", \"width\": %g}",
                          k->figure ? k->figure->width_pct : 100.0);
            break;
        }
    }
    sp_buf_put(b, "]", 1);
}

static void date(sp_buf *b, const sp_schedule *s, sp_date d)
{
    char buf[SP_DATE_BUF];
    if (s && s->has_dates)
        sp_buf_printf(b, "\"%s\"", sp_date_iso(d, buf, sizeof buf));
    else
        sp_buf_str(b, "null");
}

static void ids(sp_buf *b, const sp_pack *p, const size_t *v, size_t n)
{
    sp_buf_put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        sp_buf_str(b, i ? ", " : "");
        sp_json_str(b, p->questions[v[i]].id);
    }
    sp_buf_put(b, "]", 1);
}

static void plan(sp_buf *b, const sp_pack *p, const sp_schedule *s)
{
    if (!s) {
        sp_buf_str(b, "null");
        return;
    }
    sp_buf_str(b, "{\n    \"interview\": ");
    date(b, s, s->interview);
    sp_buf_str(b, ",\n    \"first_day\": ");
    date(b, s, s->first_day);
    sp_buf_printf(b, ",\n    \"n_days\": %d,\n    \"days\": [", s->n_days);
    for (int k = 0; k < s->n_days; k++) {
        const sp_day *d = &s->days[k];
        sp_buf_printf(b, "%s\n      {\"day\": %d, \"date\": ", k ? "," : "",
                      d->number);
        date(b, s, d->date);
        sp_buf_str(b, ", \"phase\": ");
        sp_json_str(b, d->phase < p->n_phases ? p->phases[d->phase].id : NULL);
        sp_buf_str(b, ", \"tasks\": [");
        for (size_t t = 0; t < d->n_tasks; t++) {
            const sp_task *task =
                &p->phases[d->tasks[t].phase].tasks[d->tasks[t].task];
            sp_buf_printf(b, "%s{\"kind\": \"%s\", \"text\": ", t ? ", " : "",
                          sp_task_kind_name(task->kind));
            inl(b, &task->text);
            sp_buf_put(b, "}", 1);
        }
        sp_buf_printf(b, "], \"rest\": %s, \"study\": %s, \"final\": %s, "
                      "\"new\": ", d->is_rest ? "true" : "false",
                      d->is_study ? "true" : "false",
                      d->is_final ? "true" : "false");
        ids(b, p, d->intro, d->n_intro);
        sp_buf_str(b, ", \"review\": ");
        ids(b, p, d->review, d->n_review);
        sp_buf_put(b, "}", 1);
    }
    sp_buf_str(b, "\n    ]\n  }");
}

char *sp_export_json(const sp_pack *p, const sp_schedule *s, size_t *len)
{
    sp_buf b = {0};
    sp_buf_str(&b, "{\n  \"format\": \"studypack-pack\",\n  \"version\": 1,\n"
               "  \"generator\": \"studypack " SP_VERSION "\",\n  \"id\": ");
    sp_json_str(&b, p->id);
    sp_buf_str(&b, ",\n  \"lang\": ");
    sp_json_str(&b, p->lang);
    sp_buf_str(&b, ",\n  \"bank\": ");
    sp_buf_str(&b, p->is_bank ? "true" : "false");
    sp_buf_str(&b, ",\n  \"meta\": {\"company\": ");
    sp_json_str(&b, p->meta.company);
    sp_buf_str(&b, ", \"role\": ");
    sp_json_str(&b, p->meta.role);
    sp_buf_str(&b, ", \"edition\": ");
    sp_json_str(&b, p->meta.edition);
    sp_buf_str(&b, ", \"title\": ");
    sp_json_str(&b, p->meta.title);
    sp_buf_str(&b, ", \"summary\": ");
    blocks(&b, &p->meta.summary);
    sp_buf_str(&b, ", \"values\": [");
    for (size_t i = 0; i < p->meta.n_values; i++) {
        sp_buf_str(&b, i ? ", " : "");
        sp_json_str(&b, p->meta.values[i]);
    }
    sp_buf_str(&b, "]");
    sp_buf_str(&b, "},\n  \"rounds\": [");
    for (size_t i = 0; i < p->n_rounds; i++) {
        sp_buf_str(&b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
        sp_json_str(&b, p->rounds[i].id);
        sp_buf_str(&b, ", \"name\": ");
        sp_json_str(&b, p->rounds[i].name);
        sp_buf_str(&b, p->rounds[i].behavioral ? ", \"kind\": \"behavioral\""
                                               : ", \"kind\": \"technical\"");
        sp_buf_str(&b, ", \"description\": ");
        blocks(&b, &p->rounds[i].desc);
        sp_buf_put(&b, "}", 1);
    }
    sp_buf_str(&b, p->n_rounds ? "\n  ],\n  \"questions\": ["
                               : "],\n  \"questions\": [");
    for (size_t i = 0; i < p->n_questions; i++) {
        const sp_question *q = &p->questions[i];
        sp_buf_str(&b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
        sp_json_str(&b, q->id);
        sp_buf_printf(&b, ", \"number\": %d, \"round\": ", q->number);
        sp_json_str(&b, q->round_id);
        sp_buf_str(&b, ", \"difficulty\": ");
        sp_json_str(&b, q->difficulty ? sp_difficulty_name(q->difficulty) : NULL);
        sp_buf_str(&b, ", \"topics\": [");
        for (size_t t = 0; t < q->n_topics; t++) {
            sp_buf_str(&b, t ? ", " : "");
            sp_json_str(&b, q->topics[t]);
        }
        sp_buf_str(&b, "],\n     \"cue\": ");
        if (q->cue.n_spans)
            inl(&b, &q->cue);
        else
            sp_buf_str(&b, "null");
        sp_buf_str(&b, ",\n     \"prompt\": ");
        inl(&b, &q->prompt);
        sp_buf_str(&b, ",\n     \"answer\": ");
        blocks(&b, &q->answer);
        sp_buf_str(&b, ",\n     \"followups\": [");
        for (size_t f = 0; f < q->n_followups; f++) {
            sp_buf_str(&b, f ? ", " : "");
            inl(&b, &q->followups[f]);
        }
        sp_buf_str(&b, "]}");
    }
    sp_buf_str(&b, p->n_questions ? "\n  ],\n  \"tips\": ["
                                  : "],\n  \"tips\": [");
    for (size_t i = 0; i < p->n_tips; i++) {
        sp_buf_str(&b, i ? ",\n    {\"title\": " : "\n    {\"title\": ");
        sp_json_str(&b, p->tips[i].title);
        sp_buf_str(&b, ", \"tips\": [");
        for (size_t t = 0; t < p->tips[i].n_tips; t++) {
            sp_buf_str(&b, t ? ", {\"text\": " : "{\"text\": ");
            inl(&b, &p->tips[i].tips[t]);
            sp_buf_str(&b, ", \"rounds\": ");
            sp_json_str(&b, p->tips[i].tip_rounds ? p->tips[i].tip_rounds[t]
                                                  : NULL);
            sp_buf_str(&b, "}");
        }
        sp_buf_str(&b, "]}");
    }
    sp_buf_str(&b, p->n_tips ? "\n  ],\n  \"phases\": ["
                             : "],\n  \"phases\": [");
    for (size_t i = 0; i < p->n_phases; i++) {
        const sp_phase *ph = &p->phases[i];
        sp_buf_str(&b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
        sp_json_str(&b, ph->id);
        sp_buf_str(&b, ", \"title\": ");
        sp_json_str(&b, ph->title);
        sp_buf_printf(&b, ", \"days\": %d, \"tasks\": [", ph->days);
        for (size_t t = 0; t < ph->n_tasks; t++) {
            const sp_task *task = &ph->tasks[t];
            sp_buf_printf(&b, "%s{\"kind\": \"%s\", \"text\": ", t ? ", " : "",
                          sp_task_kind_name(task->kind));
            inl(&b, &task->text);
            sp_buf_str(&b, ", \"questions\": [");
            for (size_t k = 0; k < task->n_questions; k++) {
                sp_buf_str(&b, k ? ", " : "");
                sp_json_str(&b, task->question_ids[k]);
            }
            sp_buf_str(&b, "]}");
        }
        sp_buf_str(&b, "]}");
    }
    sp_buf_str(&b, p->n_phases ? "\n  ],\n  \"plan\": " : "],\n  \"plan\": ");
    plan(&b, p, s);
    sp_buf_str(&b, "\n}\n");
    return sp_buf_take(&b, len);
}
