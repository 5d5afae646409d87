/* test_cards.c - card pages: content, fitting, follow-on cards, the inner
 * box, the glyph check, golden dumps (tests/golden/cards, UPDATE_GOLDEN=1
 * to rewrite) and a layout benchmark (SP_BENCH=1 for 10,000 cards). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cards.h"
#include "dump.h"
#include "fonts.h"
#include "text.h"

#define EPS 1e-6
#define MM(x) SP_MM_TO_PT(x)
#define PAD MM(5)

static char root[4096];
static sp_fonts *fonts;

#define palloc sp_test_alloc
#define pstrndup sp_test_strndup

static int teardown(void **state)
{
    (void)state;
    sp_test_pool_free();
    return 0;
}

#define mk sp_test_markup

static sp_block para(const char *m)
{
    sp_block b;
    memset(&b, 0, sizeof b);
    b.kind = SP_BLOCK_P;
    b.text = mk(m);
    return b;
}

static sp_block list(sp_block_kind kind, const char **items, size_t n)
{
    sp_block b;
    memset(&b, 0, sizeof b);
    b.kind = kind;
    b.items = palloc(n * sizeof(sp_text));
    for (size_t i = 0; i < n; i++)
        b.items[i] = mk(items[i]);
    b.n_items = n;
    return b;
}

static sp_block pre(const char *code)
{
    sp_block b;
    memset(&b, 0, sizeof b);
    b.kind = SP_BLOCK_PRE;
    b.text.spans = palloc(sizeof(sp_span));
    b.text.spans[0].style = SP_STYLE_MONO;
    b.text.spans[0].text = pstrndup(code, strlen(code));
    b.text.n_spans = 1;
    return b;
}

static sp_pack *new_pack(size_t cap)
{
    sp_pack *p = palloc(sizeof *p);
    p->id = "test-pack";
    p->file = "pack.xml";
    p->meta.title = "Acme Backend Interview Prep";
    p->rounds = palloc(2 * sizeof(sp_round));
    p->rounds[0].id = "sd";
    p->rounds[0].name = "System design";
    p->rounds[1].id = "code";
    p->rounds[1].name = "Coding";
    p->n_rounds = 2;
    p->questions = palloc(cap * sizeof(sp_question));
    return p;
}

static sp_question *add_q(sp_pack *p, const char *id, const char *cue,
                          const char *prompt)
{
    sp_question *q = &p->questions[p->n_questions++];
    q->id = id;
    q->number = (int)p->n_questions;
    q->round = 0;
    q->round_id = "sd";
    q->difficulty = SP_DIFF_MEDIUM;
    if (cue)
        q->cue = mk(cue);
    q->prompt = mk(prompt);
    q->loc.file = "bank.xml";
    q->loc.line = 10 * (int)p->n_questions;
    return q;
}

static void set_answer(sp_question *q, const sp_block *b, size_t n)
{
    q->answer.blocks = palloc(n * sizeof(sp_block));
    memcpy(q->answer.blocks, b, n * sizeof(sp_block));
    q->answer.n_blocks = n;
}

static void set_followups(sp_question *q, const char **f, size_t n)
{
    q->followups = palloc(n * sizeof(sp_text));
    for (size_t i = 0; i < n; i++)
        q->followups[i] = mk(f[i]);
    q->n_followups = n;
}

static sp_card_opts card(double w_mm, double h_mm)
{
    sp_card_opts o;
    memset(&o, 0, sizeof o);
    o.card_w_pt = MM(w_mm);
    o.card_h_pt = MM(h_mm);
    return o;
}

/* Builds PACK's cards into DOC expecting success. */
static long build(const sp_pack *pack, const sp_card_opts *o, sp_doc *doc,
                  sp_diags *d)
{
    sp_doc_init(doc);
    long n = sp_cards_build(pack, fonts, o, doc, d);
    if (n < 0)
        sp_diags_print(d, stderr, 0);
    assert_true(n >= (long)pack->n_questions);
    assert_int_equal(doc->n_pages, 2 * (size_t)n);
    return n;
}

/* Every item of every page lies inside the page minus the padding: text
 * by its measured width and the font's ascent and descent, lines with
 * half their width. */
static void check_inside(const sp_doc *doc, double pad)
{
    for (size_t p = 0; p < doc->n_pages; p++) {
        const sp_dlist *pg = &doc->pages[p];
        double x0 = pad - EPS, y0 = pad - EPS;
        double x1 = pg->width_pt - pad + EPS, y1 = pg->height_pt - pad + EPS;
        for (size_t i = 0; i < pg->n_items; i++) {
            const sp_dl_item *it = &pg->items[i];
            double l, t, r, b;
            switch (it->kind) {
            case SP_DL_TEXT: {
                double k = it->size_pt / 1000;
                l = it->x_pt;
                r = l + sp_test_item_width(fonts, it);
                t = it->y_pt - sp_fonts_ascent(fonts, it->face) * k;
                b = it->y_pt + sp_fonts_descent(fonts, it->face) * k;
                break;
            }
            case SP_DL_LINE:
                l = fmin(it->x_pt, it->x2_pt);
                r = fmax(it->x_pt, it->x2_pt);
                t = fmin(it->y_pt, it->y2_pt) - it->line_pt / 2;
                b = fmax(it->y_pt, it->y2_pt) + it->line_pt / 2;
                break;
            default:
                l = it->x_pt;
                t = it->y_pt;
                r = l + it->w_pt;
                b = t + it->h_pt;
                break;
            }
            if (l < x0 || t < y0 || r > x1 || b > y1) {
                print_error("page %zu item %zu '%.*s' at %.2f,%.2f..%.2f,"
                            "%.2f outside %.2f,%.2f..%.2f,%.2f\n", p, i,
                            it->text ? (int)it->text_len : 0,
                            it->text ? it->text : "", l, t, r, b, x0, y0,
                            x1, y1);
                fail();
            }
        }
    }
}

/* The first text item on PAGE containing NEEDLE, or NULL. */
static const sp_dl_item *find_text(const sp_dlist *pg, const char *needle)
{
    for (size_t i = 0; i < pg->n_items; i++)
        if (pg->items[i].kind == SP_DL_TEXT
            && strstr(pg->items[i].text, needle))
            return &pg->items[i];
    return NULL;
}

/* Checks that the words of WANT appear in order among the words of the
 * text items of pages FIRST, FIRST+STEP, ... (other words may come in
 * between). */
static void check_words(const sp_doc *doc, size_t first, size_t step,
                        const char *want)
{
    char *w = strdup(want), *save = NULL;
    char *tok = strtok_r(w, " ", &save);
    for (size_t p = first; p < doc->n_pages && tok; p += step) {
        const sp_dlist *pg = &doc->pages[p];
        for (size_t i = 0; i < pg->n_items && tok; i++) {
            if (pg->items[i].kind != SP_DL_TEXT)
                continue;
            char *t = strdup(pg->items[i].text), *s2 = NULL;
            for (char *x = strtok_r(t, " ", &s2); x && tok;
                 x = strtok_r(NULL, " ", &s2))
                if (strcmp(x, tok) == 0)
                    tok = strtok_r(NULL, " ", &save);
            free(t);
        }
    }
    if (tok) {
        print_error("word '%s' was not drawn\n", tok);
        free(w);
        fail();
    }
    free(w);
}

/* ---- golden files ---- */
#define check_golden(name, actual) sp_test_check_golden(root, name, actual)

/* ---- content ---- */

static sp_pack *sample_pack(void)
{
    sp_pack *p = new_pack(8);
    add_q(p, "warm-up", NULL, "What is a hash map?");
    add_q(p, "caching", NULL, "Where would you put a cache?");
    sp_question *q = add_q(p, "rate-limiting", "Think about the write path.",
                           "How would you design a *rate limiter* for a "
                           "public API serving millions of users?");
    static const char *bullets[] = {
        "Token bucket per API key, stored in Redis with atomic scripts.",
        "Sliding window log for precise limits; fixed windows are cheaper.",
        "Return `429 Too Many Requests` with a `Retry-After` header."};
    sp_block b[3] = {para("Start from the _requirements_: limits per key, "
                          "burst size, and what happens when Redis is "
                          "down."),
                     list(SP_BLOCK_UL, bullets, 3),
                     pre("if bucket.take():\n\tforward(req)\nelse:\n\t"
                         "reject(429)")};
    set_answer(q, b, 3);
    static const char *fu[] = {"How do you handle bursts?",
                               "What changes with several regions?"};
    set_followups(q, fu, 2);
    return p;
}

/* ---- tests ---- */

static void front_and_back(void **state)
{
    (void)state;
    sp_pack *p = sample_pack();
    sp_card_opts o = card(127, 76.2);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    assert_int_equal(build(p, &o, &doc, d), 3);
    assert_int_equal(sp_diags_count(d), 0);
    check_inside(&doc, PAD);
    const sp_dlist *front = &doc.pages[4], *back = &doc.pages[5];
    assert_true(fabs(front->width_pt - MM(127)) < EPS);
    assert_true(fabs(front->height_pt - MM(76.2)) < EPS);
    /* corner: top right, same place on both sides */
    const sp_dl_item *c1 = find_text(front, "#3 rate-limiting");
    const sp_dl_item *c2 = find_text(back, "#3 rate-limiting");
    assert_non_null(c1);
    assert_non_null(c2);
    assert_true(fabs(c1->x_pt - c2->x_pt) < EPS);
    assert_true(fabs(c1->y_pt - c2->y_pt) < EPS);
    double cw = sp_test_item_width(fonts, c1);
    assert_true(fabs(c1->x_pt + cw - (MM(127) - PAD)) < EPS);
    /* round and difficulty, cue (italic), prompt (large), footer */
    const sp_dl_item *m = find_text(front, "System design \xc2\xb7 medium");
    assert_non_null(m);
    assert_true(fabs(m->y_pt - c1->y_pt) < EPS);
    const sp_dl_item *cue = find_text(front, "Think about");
    assert_non_null(cue);
    assert_int_equal(cue->face, SP_FACE_ITALIC);
    const sp_dl_item *pr = find_text(front, "limiter");
    assert_non_null(pr);
    assert_int_equal(pr->face, SP_FACE_BOLD);
    assert_true(pr->size_pt >= 14);
    assert_true(cue->y_pt < pr->y_pt);
    assert_non_null(find_text(front, "Acme Backend Interview Prep"));
    assert_non_null(find_text(back, "Acme Backend Interview Prep"));
    /* back: answer, then the follow-ups under their heading */
    const sp_dl_item *a = find_text(back, "Start from the ");
    const sp_dl_item *h = find_text(back, "Follow-ups");
    const sp_dl_item *f = find_text(back, "How do you handle bursts?");
    const sp_dl_item *code = find_text(back, "forward(req)");
    assert_non_null(a);
    assert_non_null(h);
    assert_non_null(f);
    assert_non_null(code);
    assert_int_equal(h->face, SP_FACE_BOLD);
    assert_int_equal(code->face, SP_FACE_MONO);
    assert_memory_equal(code->text, "    forward(req)", 16);
    assert_true(a->y_pt < code->y_pt && code->y_pt < h->y_pt
                && h->y_pt < f->y_pt);
    assert_null(find_text(back, "System design"));
    /* a thin footer rule on both sides */
    int rules = 0;
    for (size_t i = 0; i < back->n_items; i++)
        rules += back->items[i].kind == SP_DL_LINE;
    assert_int_equal(rules, 1);
    sp_doc_release(&doc);
    sp_diags_free(d);
}

/* Sizes: a short back is set at the largest size, 14 pt, a longer one
 * shrinks within the bounds; a short prompt is 22 pt, a long one smaller
 * but >= 10 pt. */
static void fitting(void **state)
{
    (void)state;
    sp_pack *p = new_pack(4);
    sp_question *q1 = add_q(p, "short", NULL, "Short prompt?");
    sp_block b1 = para("alpha beta gamma.");
    set_answer(q1, &b1, 1);
    sp_question *q2 = add_q(p, "medium", NULL,
                            "A much longer prompt that goes on and on about "
                            "the many details of the problem, so that it "
                            "needs several lines at the largest size, and "
                            "then some more words to be sure of it?");
    static const char *items[] = {
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve",
        "one two three four five six seven eight nine ten eleven twelve"};
    sp_block b2 = list(SP_BLOCK_UL, items, 7);
    set_answer(q2, &b2, 1);
    sp_card_opts o = card(127, 76.2);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    assert_int_equal(build(p, &o, &doc, d), 2);
    assert_int_equal(sp_diags_count(d), 0);
    check_inside(&doc, PAD);
    assert_true(fabs(find_text(&doc.pages[0], "Short")->size_pt - 22) < EPS);
    assert_true(fabs(find_text(&doc.pages[1], "alpha")->size_pt - 14)
                < EPS);
    double fs = find_text(&doc.pages[2], "prompt")->size_pt;
    double bs = find_text(&doc.pages[3], "one")->size_pt;
    assert_true(fs < 22 && fs >= 10);
    assert_true(bs < 14 && bs >= 8);
    /* the sizes are the largest that fit: half a point more would not */
    sp_card_opts o2 = o;
    o2.back_min_pt = bs + 0.5;
    o2.back_max_pt = bs + 0.5;
    sp_doc doc2;
    sp_doc_init(&doc2);
    sp_diags *d2 = sp_diags_new();
    long n = sp_cards_build(p, fonts, &o2, &doc2, d2);
    assert_int_equal(n, 3);   /* the medium question now needs 2 cards */
    assert_int_equal(sp_diags_warnings(d2), 1);
    sp_doc_release(&doc2);
    sp_diags_free(d2);
    sp_doc_release(&doc);
    sp_diags_free(d);
}

/* An answer too long for one card continues on follow-on cards, split
 * between paragraphs, with a warning naming the file and line. */
static void continuation(void **state)
{
    (void)state;
    sp_pack *p = new_pack(4);
    add_q(p, "first", NULL, "First?");
    sp_question *q = add_q(p, "long-one", "A cue.", "Explain everything?");
    sp_block b[14];
    char all[8192] = "";
    for (int i = 0; i < 14; i++) {
        char t[512];
        snprintf(t, sizeof t, "p%da lorem ipsum dolor sit amet p%db "
                 "consectetur adipiscing elit sed do eiusmod tempor p%dc "
                 "incididunt ut labore et dolore magna aliqua p%dd.",
                 i, i, i, i);
        b[i] = para(t);
        strcat(all, t);
        strcat(all, " ");
    }
    set_answer(q, b, 14);
    static const char *fu[] = {"fu1 and more?", "fu2 and more?"};
    set_followups(q, fu, 2);
    sp_card_opts o = card(90, 60);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    long n = build(p, &o, &doc, d);
    assert_true(n >= 3);   /* the first question, then 2+ cards */
    long parts = n - 1;
    check_inside(&doc, PAD);
    assert_int_equal(sp_diags_count(d), 1);
    const sp_diag *g = sp_diags_at(d, 0);
    assert_int_equal(g->code, SP_D_LAYOUT);
    assert_int_equal(g->severity, SP_WARNING);
    assert_string_equal(g->file, "bank.xml");
    assert_int_equal(g->line, 20);
    /* the parts are set at one size, at least the reading size */
    double size = 0;
    for (size_t i = 0; i < doc.pages[3].n_items && !size; i++)
        if (doc.pages[3].items[i].kind == SP_DL_TEXT
            && strstr(doc.pages[3].items[i].text, "lorem"))
            size = doc.pages[3].items[i].size_pt;
    assert_true(size >= 8);
    char msg[256];
    snprintf(msg, sizeof msg, "question 'long-one' does not fit on one card "
             "at 8pt; continued on %ld cards at %gpt", parts, size);
    assert_string_equal(g->message, msg);
    for (long k = 0; k < parts; k++) {
        const sp_dlist *front = &doc.pages[2 + 2 * k];
        const sp_dlist *back = &doc.pages[3 + 2 * k];
        char corner[64];
        snprintf(corner, sizeof corner, "#2 long-one %ld/%ld", k + 1, parts);
        assert_non_null(find_text(front, corner));
        assert_non_null(find_text(back, corner));
        if (k == 0) {
            assert_non_null(find_text(front, "Explain everything?"));
        } else {
            assert_non_null(find_text(front, "Question #2, continued"));
            assert_non_null(find_text(front, "Explain everything?"));
        }
        const sp_dl_item *note = find_text(back, "continued on the next");
        if (k + 1 < parts) {
            assert_non_null(note);
            /* the part ends at a paragraph end ("p<i>d.") */
            const sp_dl_item *last = NULL;
            for (size_t i = 0; i < back->n_items; i++)
                if (back->items[i].kind == SP_DL_TEXT
                    && back->items[i].size_pt == size)
                    last = &back->items[i];
            assert_non_null(last);
            assert_true(last->text[last->text_len - 1] == '.');
        } else {
            assert_null(note);
            assert_non_null(find_text(back, "Follow-ups"));
        }
        for (size_t i = 0; i < back->n_items; i++)
            if (back->items[i].kind == SP_DL_TEXT
                && strstr(back->items[i].text, "lorem"))
                assert_true(fabs(back->items[i].size_pt - size) < EPS);
    }
    /* nothing dropped: every word of the answer, in order */
    check_words(&doc, 3, 2, all);
    check_words(&doc, 3, 2, "fu1 and more? fu2 and more?");
    sp_doc_release(&doc);
    sp_diags_free(d);
}

/* A prompt too long for a front at 10 pt continues too. */
static void front_overflow(void **state)
{
    (void)state;
    sp_pack *p = new_pack(2);
    char prompt[8192] = "";
    for (int i = 0; i < 120; i++) {
        char w[32];
        snprintf(w, sizeof w, "%sword%d", i ? " " : "", i);
        strcat(prompt, w);
    }
    sp_question *q = add_q(p, "huge", NULL, prompt);
    sp_block b = para("short answer.");
    set_answer(q, &b, 1);
    sp_card_opts o = card(74, 52);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    long n = build(p, &o, &doc, d);
    assert_true(n >= 2);
    check_inside(&doc, PAD);
    assert_int_equal(sp_diags_count(d), 1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message,
                           "the prompt does not fit on one card front at "
                           "10pt"));
    check_words(&doc, 0, 2, prompt);
    check_words(&doc, 1, 2, "short answer.");
    sp_doc_release(&doc);
    sp_diags_free(d);
}

static uint32_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (rng_state >> 8) % n;
}

static const char *const vocab[] = {
    "the", "cache", "request", "latency", "throughput", "a", "of", "to",
    "consistency", "partition", "replica", "leader", "queue", "idempotent",
    "retries", "backoff", "shard", "index", "transaction", "isolation",
    "and", "with", "is", "for", "observability", "p99", "SLO", "deploy",
    "rollback", "canary", "Kubernetes", "memory", "CPU", "disk", "network",
    "naïve", "façade", "Zürich", "→", "—", "e.g.", "read-through",
    "write-behind", "CQRS/ES", "at-least-once", "exactly-once"};

/* Random inline markup of N words, with word tags "wQxK" so words can be
 * traced (unique per question). */
static char *rand_words(int n, int q, int *k, int tagged)
{
    char *s = palloc((size_t)n * 40 + 8);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *w = vocab[rnd(sizeof vocab / sizeof vocab[0])];
        char tag[32] = "";
        if (tagged)
            snprintf(tag, sizeof tag, "w%dx%d", q, (*k)++);
        unsigned st = rnd(12);
        const char *mark = st == 0 ? "*" : st == 1 ? "_" : st == 2 ? "`" : "";
        len += (size_t)sprintf(s + len, "%s%s%s%s%s", i ? " " : "", mark,
                               tagged ? tag : w, mark, "");
        if (tagged && rnd(3) == 0)
            len += (size_t)sprintf(s + len, " %s", w);
    }
    return s;
}

/* A pack of N generated questions: a prompt, 3-5 bullets, sometimes a
 * paragraph, code or follow-ups. */
static sp_pack *gen_pack(int n, uint32_t seed, int heavy)
{
    rng_state = seed;
    sp_pack *p = new_pack((size_t)n);
    for (int i = 0; i < n; i++) {
        char *id = palloc(32);
        snprintf(id, 32, "q-%d", i);
        int k = 0;
        sp_question *q = add_q(p, id, rnd(4) == 0 ? "a cue" : NULL,
                               rand_words(6 + (int)rnd(heavy ? 40 : 14), i,
                                          &k, 0));
        q->round = (int)rnd(3) - 1;
        q->difficulty = (sp_difficulty)rnd(4);
        int nb = 3 + (int)rnd(3);
        const char **items = palloc((size_t)nb * sizeof(char *));
        for (int j = 0; j < nb; j++)
            items[j] = rand_words(5 + (int)rnd(heavy ? 40 : 12), i, &k,
                                  heavy);
        sp_block b[3];
        size_t nbl = 0;
        if (heavy && rnd(2))
            b[nbl++] = para(rand_words(10 + (int)rnd(60), i, &k, 1));
        b[nbl++] = list(rnd(4) ? SP_BLOCK_UL : SP_BLOCK_OL, items,
                        (size_t)nb);
        if (heavy && rnd(3) == 0)
            b[nbl++] = pre("for (int i = 0; i < n; i++)\n\tsum += "
                           "compute_something_long(values[i], weights[i]);");
        set_answer(q, b, nbl);
        if (rnd(3) == 0) {
            static const char *fu[] = {"And then?", "Why not the other way "
                                       "round, given the constraints?"};
            set_followups(q, fu, 1 + rnd(2));
        }
    }
    return p;
}

/* Random content on many card sizes: everything inside, nothing dropped,
 * every card a front and a back. */
static void property(void **state)
{
    (void)state;
    static const double sizes[][2] = {{74, 105}, {105, 74}, {85, 55},
                                      {127, 76.2}, {90, 60}, {152.4, 101.6},
                                      {52, 74}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        sp_pack *p = gen_pack(60, 1234u + (uint32_t)s, 1);
        sp_card_opts o = card(sizes[s][0], sizes[s][1]);
        sp_doc doc;
        sp_diags *d = sp_diags_new();
        long n = build(p, &o, &doc, d);
        check_inside(&doc, PAD);
        /* the tagged words of each question appear in order on backs */
        size_t page = 0;
        for (size_t qi = 0; qi < p->n_questions; qi++) {
            const sp_question *q = &p->questions[qi];
            /* this question's cards: corners "#N q-i" */
            char corner[64];
            snprintf(corner, sizeof corner, "#%d %s", q->number, q->id);
            size_t first = page;
            while (page < doc.n_pages
                   && find_text(&doc.pages[page], corner))
                page += 2;
            assert_true(page > first);
            char *want = palloc(65536);
            size_t wl = 0;
            for (size_t b = 0; b < q->answer.n_blocks; b++) {
                const sp_block *bl = &q->answer.blocks[b];
                const sp_text *ts = bl->kind == SP_BLOCK_P ? &bl->text
                                                           : bl->items;
                size_t nt = bl->kind == SP_BLOCK_P ? 1 : bl->n_items;
                if (bl->kind == SP_BLOCK_PRE)
                    nt = 0;
                for (size_t t = 0; t < nt; t++)
                    for (size_t sp = 0; sp < ts[t].n_spans; sp++) {
                        const char *x = ts[t].spans[sp].text;
                        for (const char *c = x; (c = strchr(c, 'w'));) {
                            if ((c == x || c[-1] == ' ') && c[1] >= '0'
                                && c[1] <= '9') {
                                size_t l = strcspn(c, " ");
                                wl += (size_t)snprintf(want + wl, 65536 - wl,
                                                       "%.*s ", (int)l, c);
                                c += l;
                            } else {
                                c++;
                            }
                        }
                    }
            }
            check_words(&doc, first + 1, 2, want);
        }
        assert_int_equal((size_t)n * 2, doc.n_pages);
        assert_int_equal(page, doc.n_pages);
        sp_doc_release(&doc);
        sp_diags_free(d);
        teardown(NULL);
    }
}

static void glyph_check(void **state)
{
    (void)state;
    sp_pack *p = sample_pack();
    sp_diags *d = sp_diags_new();
    sp_fonts_allow_system(fonts, 0);
    assert_int_equal(sp_glyphs_check(p, fonts, d), 0);
    assert_int_equal(sp_diags_count(d), 0);
    /* U+2312 is only in the mono face: drawable through fallback */
    sp_question *q = add_q(p, "emoji", NULL,
                           "Smile \xf0\x9f\x9a\x80 and arc \xe2\x8c\x92 and "
                           "again \xf0\x9f\x9a\x80?");
    sp_block b = para("Answer with \xe4\xb8\xad in it.");
    b.loc.file = "bank.xml";
    b.loc.line = 77;
    set_answer(q, &b, 1);
    assert_int_equal(sp_glyphs_check(p, fonts, d), 2);
    assert_int_equal(sp_diags_count(d), 2);
    const sp_diag *g = sp_diags_at(d, 0);
    assert_int_equal(g->code, SP_D_GLYPH);
    assert_int_equal(g->severity, SP_ERROR);
    assert_string_equal(g->file, "bank.xml");
    assert_int_equal(g->line, q->loc.line);
    assert_string_equal(g->message,
                        "question 'emoji': character U+1F680 cannot be drawn "
                        "by the fonts (DejaVuSans.ttf, system fonts off); add "
                        "a font that has it (--fonts DIR, a 'fallback' line "
                        "in fonts.txt) or install one (Debian: "
                        "fonts-symbola)");
    g = sp_diags_at(d, 1);
    assert_int_equal(g->line, 77);
    assert_string_equal(g->message,
                        "question 'emoji': character U+4E2D cannot be drawn "
                        "by the fonts (DejaVuSans.ttf, system fonts off); add "
                        "a font that has it (--fonts DIR, a 'fallback' line "
                        "in fonts.txt) or install one (Debian: "
                        "fonts-noto-cjk)");
    /* the cue is checked in the italic face */
    sp_diags_clear(d);
    q->cue = mk("\xe4\xb8\xad");
    q->answer.n_blocks = 0;
    q->prompt = mk("plain");
    assert_int_equal(sp_glyphs_check(p, fonts, d), 1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message,
                           "(DejaVuSans-Oblique.ttf, system"));
    sp_fonts_allow_system(fonts, 1);
    sp_diags_free(d);
}

/* Every kind of node is walked and named in the message. */
static void glyph_nodes(void **state)
{
    (void)state;
    sp_pack *p = sample_pack();
    const char *bad = "x\xe4\xb8\xad";   /* U+4E2D */
    p->meta.title = bad;
    p->rounds[1].name = bad;
    p->rounds[1].loc.file = "pack.xml";
    p->rounds[1].loc.line = 7;
    sp_tip_section tip;
    memset(&tip, 0, sizeof tip);
    tip.title = "Day of";
    tip.tips = palloc(2 * sizeof(sp_text));
    tip.tips[0] = mk("fine");
    tip.tips[1] = mk("*bold \xe4\xb8\xad*");
    tip.tip_locs = palloc(2 * sizeof(sp_loc));
    tip.tip_locs[1].file = "pack.xml";
    tip.tip_locs[1].line = 90;
    tip.n_tips = 2;
    p->tips = &tip;
    p->n_tips = 1;
    sp_task task;
    memset(&task, 0, sizeof task);
    task.text = mk("`\xe4\xb8\xad`");
    task.loc.file = "pack.xml";
    task.loc.line = 120;
    sp_phase ph;
    memset(&ph, 0, sizeof ph);
    ph.id = "week-1";
    ph.title = "Week 1";
    ph.tasks = &task;
    ph.n_tasks = 1;
    p->phases = &ph;
    p->n_phases = 1;
    sp_diags *d = sp_diags_new();
    sp_fonts_allow_system(fonts, 0);
    assert_int_equal(sp_glyphs_check(p, fonts, d), 4);
    sp_fonts_allow_system(fonts, 1);
    static const char *want[][3] = {
        {"pack.xml", "0", "pack 'test-pack': character U+4E2D cannot be "
                          "drawn by the fonts (DejaVuSans-Bold.ttf"},
        {"pack.xml", "7", "round 'code': character U+4E2D cannot be drawn "
                          "by the fonts (DejaVuSans-Bold.ttf"},
        {"pack.xml", "90", "tips 'Day of': character U+4E2D cannot be "
                           "drawn by the fonts (DejaVuSans-Bold.ttf"},
        {"pack.xml", "120", "phase 'week-1': character U+4E2D cannot be "
                            "drawn by the fonts (DejaVuSansMono.ttf"}};
    for (size_t i = 0; i < 4; i++) {
        const sp_diag *g = sp_diags_at(d, i);
        assert_string_equal(g->file, want[i][0]);
        assert_int_equal(g->line, atoi(want[i][1]));
        if (strncmp(g->message, want[i][2], strlen(want[i][2])) != 0
            || strcmp(g->message + strlen(want[i][2]),
                      ", system fonts off); add a font that has it (--fonts "
                      "DIR, a 'fallback' line in fonts.txt) or install one "
                      "(Debian: fonts-noto-cjk)") != 0) {
            print_error("unexpected message: %s\n", g->message);
            fail();
        }
    }
    sp_diags_free(d);
}

static void too_small(void **state)
{
    (void)state;
    sp_pack *p = sample_pack();
    sp_card_opts o = card(30, 20);
    sp_doc doc;
    sp_doc_init(&doc);
    sp_diags *d = sp_diags_new();
    assert_int_equal(sp_cards_build(p, fonts, &o, &doc, d), -1);
    assert_int_equal(sp_diags_errors(d), 1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message, "too small"));
    assert_int_equal(doc.n_pages, 0);
    sp_doc_release(&doc);
    sp_diags_free(d);
}

static void golden(void **state)
{
    (void)state;
    /* a representative card, a business card, a continued answer */
    sp_pack *p = sample_pack();
    sp_card_opts o = card(90, 60);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    build(p, &o, &doc, d);
    char *s = sp_dump_string(&doc, NULL);
    check_golden("cards/sample-90x60.dump", s);
    free(s);
    sp_doc_release(&doc);

    o = card(85, 55);
    build(p, &o, &doc, d);
    s = sp_dump_string(&doc, NULL);
    check_golden("cards/sample-business.dump", s);
    free(s);
    sp_doc_release(&doc);

    sp_pack *p2 = new_pack(1);
    sp_question *q = add_q(p2, "long", NULL, "Walk through a deploy?");
    static const char *steps[] = {
        "Build the artifact once and tag it with the commit.",
        "Run the unit and integration suites against it.",
        "Push to a canary with 1% of traffic; watch error rate and p99.",
        "Widen to 10%, then 50%, checking the SLO burn rate each time.",
        "Roll out fully; keep the previous version warm for rollback.",
        "Announce the deploy and link the dashboards.",
        "If anything regresses, roll back first and debug second.",
        "Write down what surprised you for the next deploy."};
    sp_block b[2] = {list(SP_BLOCK_OL, steps, 8),
                     pre("kubectl rollout status deploy/api --timeout=120s "
                         "&& kubectl rollout history deploy/api")};
    set_answer(q, b, 2);
    o = card(74, 52);
    sp_diags_clear(d);
    assert_true(build(p2, &o, &doc, d) >= 2);
    assert_int_equal(sp_diags_warnings(d), 1);
    s = sp_dump_string(&doc, NULL);
    check_golden("cards/continued-74x52.dump", s);
    free(s);
    sp_doc_release(&doc);
    sp_diags_free(d);
}

/* Hostile content finishes fast and stays inside: a 16 KB word, a 16 KB
 * code line, 2,000 one-letter list items, a 16 KB id. */
static void hostile(void **state)
{
    (void)state;
    enum { N = 16384 };
    char *word = palloc(N + 1), *code = palloc(N + 1), *id = palloc(N + 1);
    for (int i = 0; i < N; i++) {
        word[i] = (char)('a' + i % 26);
        code[i] = i % 7 ? 'x' : '\t';
        id[i] = (char)('a' + i % 26);
    }
    sp_pack *p = new_pack(4);
    sp_question *q = add_q(p, "word", NULL, word);
    sp_block b[2] = {para(word), pre(code)};
    set_answer(q, b, 2);
    q = add_q(p, "items", NULL, "Many?");
    const char **items = palloc(2000 * sizeof(char *));
    for (int i = 0; i < 2000; i++)
        items[i] = "x";
    sp_block ol = list(SP_BLOCK_OL, items, 2000);
    set_answer(q, &ol, 1);
    q = add_q(p, id, NULL, "Long id?");
    sp_card_opts o = card(85, 55);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = build(p, &o, &doc, d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec)
               + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("# hostile: %ld cards in %.3f s\n", n, s);
    assert_true(s < 2.0);
    assert_true(n > 10);
    check_inside(&doc, PAD);
    /* the long id is shortened in the corner, with a warning */
    const sp_dlist *last = &doc.pages[doc.n_pages - 2];
    const sp_dl_item *c1 = find_text(last, "#3 abcdef");
    assert_non_null(c1);
    assert_memory_equal(c1->text + c1->text_len - 3, "\xe2\x80\xa6", 3);
    int warned = 0;
    for (size_t i = 0; i < sp_diags_count(d); i++)
        warned += strstr(sp_diags_at(d, i)->message,
                         "the id is too long for the card corner") != NULL;
    assert_int_equal(warned, 1);
    sp_doc_release(&doc);
    sp_diags_free(d);
}

/* The dump device: every kind of item, sheets, outline, labels, NULL
 * strings, escapes and invalid UTF-8, no "-0.00". */
static void dump_format(void **state)
{
    (void)state;
    sp_doc doc;
    sp_doc_init(&doc);
    assert_int_equal(sp_doc_set(&doc.title, "A \"quoted\" \\ title"), 0);
    assert_int_equal(sp_doc_set(&doc.creator, "studypack"), 0);
    doc.print_actual_size = 1;
    sp_dlist *pg = sp_doc_add_page(&doc, 100, 50.005);
    assert_int_equal(sp_dl_text(pg, SP_FACE_ITALIC, 9.5, 1.234, -0.001,
                                "caf\xc3\xa9\t\x01\xff\n", 9), 0);
    assert_int_equal(sp_dl_line(pg, 0, 1, 2, 3, 0.4, 0.6, 1.5), 0);
    assert_int_equal(sp_dl_rect(pg, 1, 2, 3, 4, 0, 0, -1), 0);
    assert_int_equal(sp_dl_rect(pg, 1, 2, 3, 4, 0.5, 0.25, 0.9), 0);
    assert_int_equal(sp_dl_checkbox(pg, 5, 6, 7, 0.3), 0);
    sp_sheet *sh = sp_doc_add_sheet(&doc, 595.276, 841.89);
    assert_non_null(sh);
    assert_int_equal(sp_dl_line(&sh->marks, 10, 0, 10, 5, 0.25, 0, 0), 0);
    assert_int_equal(sp_sheet_place(sh, 0, 20, 30, 180), 0);
    assert_int_equal(sp_doc_outline(&doc, "Round \xc2\xb7 1", 0, 1, 12.345),
                     0);
    assert_int_equal(sp_doc_label(&doc, 0, 'r', NULL, 3), 0);
    assert_int_equal(sp_doc_label(&doc, 2, 0, "A-", 1), 0);
    char *s = sp_dump_string(&doc, NULL);
    assert_non_null(s);
    assert_string_equal(s,
        "studypack-dump 1\n"
        "meta title=\"A \\\"quoted\\\" \\\\ title\" subject=- keywords=- "
        "author=- creator=\"studypack\"\n"
        "doc pages=1 sheets=1 print_actual_size=1\n"
        "page 0 size=100.00x50.01 items=5\n"
        "  text italic 9.50 at 1.23,0.00 \"caf\xc3\xa9\\t\\x01\\xFF\\n\"\n"
        "  line 0.00,1.00 to 2.00,3.00 width=0.40 gray=0.60 dash=1.50\n"
        "  rect 1.00,2.00 size=3.00x4.00 width=0.00 gray=0.00 fill=none\n"
        "  rect 1.00,2.00 size=3.00x4.00 width=0.50 gray=0.25 fill=0.90\n"
        "  checkbox 5.00,6.00 size=7.00 width=0.30\n"
        "sheet 0 size=595.28x841.89 marks=1 placements=1\n"
        "  line 10.00,0.00 to 10.00,5.00 width=0.25 gray=0.00 dash=0.00\n"
        "  place page=0 at 20.00,30.00 rotate=180\n"
        "outline sheet=0 level=1 y=12.35 \"Round \xc2\xb7 1\"\n"
        "label sheet=0 style=r prefix=- first=3\n"
        "label sheet=2 style=none prefix=\"A-\" first=1\n");
    free(s);
    sp_doc_release(&doc);
}

/* Lays out generated cards like the benchmark's (90x60 mm, prompt front,
 * 3-5 bullets back) and reports the time; 10,000 with SP_BENCH=1. */
static void bench(void **state)
{
    (void)state;
    const char *b = getenv("SP_BENCH");
    int n = b && strcmp(b, "1") == 0 ? 10000 : 1000;
    sp_pack *p = gen_pack(n, 42, 0);
    sp_card_opts o = card(90, 60);
    sp_doc doc;
    sp_doc_init(&doc);
    sp_diags *d = sp_diags_new();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long cards = sp_cards_build(p, fonts, &o, &doc, d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec)
               + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(cards >= n);
    size_t items = 0;
    for (size_t i = 0; i < doc.n_pages; i++)
        items += doc.pages[i].n_items;
    print_message("# laid out %d cards (%zu items) in %.3f s (%.1f us/card)"
                  "\n", n, items, s, s * 1e6 / n);
    sp_doc_release(&doc);

    /* streaming, as a writer would: a sheet's worth at a time */
    sp_cards *cs = sp_cards_new(p, fonts, &o, d);
    assert_non_null(cs);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long total = 0;
    sp_doc_init(&doc);
    for (size_t i = 0; i < p->n_questions; i++) {
        long k = sp_cards_add(cs, i, &doc);
        assert_true(k >= 1);
        total += k;
        if (doc.n_pages >= 16) {
            sp_doc_release(&doc);
            sp_doc_init(&doc);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sp_doc_release(&doc);
    sp_cards_free(cs);
    assert_int_equal(total, cards);
    s = (double)(t1.tv_sec - t0.tv_sec)
        + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("# streamed %d cards in %.3f s (%.1f us/card)\n", n, s,
                  s * 1e6 / n);
    sp_diags_free(d);
}

static int setup_all(void **state)
{
    (void)state;
    fonts = sp_test_open_fonts(root, sizeof root);
    return fonts ? 0 : -1;
}

static int teardown_all(void **state)
{
    (void)state;
    sp_fonts_free(fonts);
    return 0;
}

/* A 5.4 KB title: the footer stays one line inside the card (shortened
 * with an ellipsis, a warning once), never wrapped over the card. */
static void long_title(void **state)
{
    (void)state;
    char *title = palloc(5500);
    while (strlen(title) < 5400)
        strcat(title, "Very Long Title ");
    sp_pack *p = new_pack(2);
    p->meta.title = title;
    add_q(p, "one", NULL, "First?");
    add_q(p, "two", NULL, "Second?");
    sp_card_opts o = card(85, 55);
    sp_doc doc;
    sp_diags *d = sp_diags_new();
    long n = build(p, &o, &doc, d);
    assert_int_equal(n, 2);
    check_inside(&doc, PAD);
    for (size_t pg = 0; pg < doc.n_pages; pg++) {
        size_t pieces = 0;
        const sp_dl_item *foot = NULL;
        for (size_t i = 0; i < doc.pages[pg].n_items; i++) {
            const sp_dl_item *it = &doc.pages[pg].items[i];
            if (it->kind == SP_DL_TEXT && strncmp(it->text, "Very", 4) == 0) {
                pieces++;
                foot = it;
            }
        }
        assert_int_equal(pieces, 1);
        assert_memory_equal(foot->text + foot->text_len - 3, "\xe2\x80\xa6",
                            3);
    }
    assert_int_equal(sp_diags_count(d), 1);
    assert_int_equal(sp_diags_warnings(d), 1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message,
                           "title is too long for the card footer"));
    sp_doc_release(&doc);
    sp_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(front_and_back, teardown),
        cmocka_unit_test_teardown(fitting, teardown),
        cmocka_unit_test_teardown(continuation, teardown),
        cmocka_unit_test_teardown(front_overflow, teardown),
        cmocka_unit_test_teardown(property, teardown),
        cmocka_unit_test_teardown(glyph_check, teardown),
        cmocka_unit_test_teardown(glyph_nodes, teardown),
        cmocka_unit_test_teardown(too_small, teardown),
        cmocka_unit_test_teardown(golden, teardown),
        cmocka_unit_test_teardown(hostile, teardown),
        cmocka_unit_test_teardown(long_title, teardown),
        cmocka_unit_test_teardown(dump_format, teardown),
        cmocka_unit_test_teardown(bench, teardown),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
