/* test_booklet.c - the booklet's pages: page count, outline and labels,
 * the margin box (with the gutter on the inner edge), running heads and
 * page numbers, dates on the right pages, nothing dropped from the plan or
 * the index, the timeline chart, golden dumps (tests/golden/booklet,
 * UPDATE_GOLDEN=1 to rewrite) and the 90-day / 1,000-question benchmark. */
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

#include "booklet.h"
#include "datefmt.h"
#include "dump.h"
#include "fonts.h"
#include "text.h"
#include "load.h"
#include "schedule.h"

#define EPS 1e-6
#define MARGIN SP_MM_TO_PT(12)
#define GUTTER SP_MM_TO_PT(5)

static char root[4096];
static sp_fonts *fonts;

#define palloc sp_test_alloc

static char *pstr(const char *s)
{
    return sp_test_strndup(s, strlen(s));
}

static int teardown(void **state)
{
    (void)state;
    sp_test_pool_free();
    return 0;
}

static sp_text txt(const char *s)
{
    sp_text t = {palloc(sizeof(sp_span)), 1};
    t.spans[0].text = pstr(s);
    return t;
}

static sp_blocks paras(const char *a, const char *b)
{
    sp_blocks bl = {palloc(2 * sizeof(sp_block)), b ? 2 : 1};
    bl.blocks[0].kind = SP_BLOCK_P;
    bl.blocks[0].text = txt(a);
    if (b) {
        bl.blocks[1].kind = SP_BLOCK_P;
        bl.blocks[1].text = txt(b);
    }
    return bl;
}

/* ---- hand-built packs ---- */

static uint32_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (rng_state >> 8) % n;
}

static const char *const vocab[] = {
    "cache", "latency", "throughput", "partition", "replica", "leader",
    "queue", "idempotent", "retries", "backoff", "shard", "index",
    "transaction", "isolation", "observability", "deploy", "rollback",
    "canary", "memory", "network", "consistency", "the", "a", "of", "and"};

static char *words(int n)
{
    char *s = palloc((size_t)n * 16 + 2);
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, vocab[rnd(sizeof vocab / sizeof vocab[0])]);
    }
    strcat(s, "?");
    return s;
}

/* A pack of NQ questions over phases of the given lengths (each with a
 * study task naming up to PER questions, a practice task and, in every
 * third phase, a rest task), three rounds and two tip sections. */
static sp_pack *gen_pack(size_t nq, const int *days, size_t np, size_t per,
                         uint32_t seed)
{
    rng_state = seed;
    sp_pack *p = palloc(sizeof *p);
    p->id = "gen";
    p->file = "gen.xml";
    p->meta.company = "Acme";
    p->meta.role = "Backend Engineer";
    p->meta.edition = "2027";
    p->meta.title = "Acme Backend Engineer Interview Prep";
    p->meta.summary = paras("Acme hires through a phone screen, two coding "
                            "rounds and a design round.",
                            "Expect questions about services at scale.");
    static const char *const rn[3] = {"Coding", "System design",
                                      "Behavioral"};
    p->rounds = palloc(3 * sizeof(sp_round));
    for (int r = 0; r < 3; r++) {
        p->rounds[r].id = rn[r];
        p->rounds[r].name = rn[r];
        p->rounds[r].desc = paras(words(30), NULL);
    }
    p->n_rounds = 3;
    p->questions = palloc((nq ? nq : 1) * sizeof(sp_question));
    for (size_t i = 0; i < nq; i++) {
        sp_question *q = &p->questions[i];
        char id[32];
        snprintf(id, sizeof id, "q-%zu", i);
        q->id = pstr(id);
        q->number = (int)i + 1;
        q->round = (int)rnd(4) - 1;
        q->round_id = q->round >= 0 ? rn[q->round] : NULL;
        q->difficulty = (sp_difficulty)rnd(4);
        q->prompt = txt(words(5 + (int)rnd(20)));
    }
    p->n_questions = nq;
    p->phases = palloc(np * sizeof(sp_phase));
    size_t next = 0;
    for (size_t k = 0; k < np; k++) {
        sp_phase *ph = &p->phases[k];
        char t[48];
        snprintf(t, sizeof t, "Phase %zu", k + 1);
        ph->id = pstr(t);
        ph->title = pstr(t);
        ph->days = days[k];
        ph->tasks = palloc(3 * sizeof(sp_task));
        ph->tasks[0].kind = SP_TASK_STUDY;
        ph->tasks[0].text = txt("Study the basics of this phase");
        size_t n = next + per <= nq ? per : nq - next;
        ph->tasks[0].questions = palloc((n ? n : 1) * sizeof(int));
        for (size_t j = 0; j < n; j++)
            ph->tasks[0].questions[j] = (int)(next + j);
        ph->tasks[0].n_questions = n;
        next += n;
        ph->tasks[1].kind = SP_TASK_PRACTICE;
        ph->tasks[1].text = txt("Practice timed problems out loud");
        ph->n_tasks = 2;
        if (k % 3 == 2) {
            ph->tasks[2].kind = SP_TASK_REST;
            ph->tasks[2].text = txt("A day off");
            ph->n_tasks = 3;
        }
    }
    p->n_phases = np;
    p->tips = palloc(2 * sizeof(sp_tip_section));
    for (int s = 0; s < 2; s++) {
        p->tips[s].title = s ? "General tips" : "Acme tips";
        p->tips[s].tips = palloc(3 * sizeof(sp_text));
        for (int k = 0; k < 3; k++)
            p->tips[s].tips[k] = txt(words(12));
        p->tips[s].n_tips = 3;
    }
    p->n_tips = 2;
    return p;
}

static sp_schedule *schedule(const sp_pack *p, const char *date)
{
    sp_date d;
    if (date)
        assert_int_equal(sp_date_parse(date, &d, NULL), 0);
    sp_schedule *s = sp_schedule_new(p, date ? &d : NULL);
    assert_non_null(s);
    return s;
}

/* Builds the booklet expecting WARN (or no) diagnostic, whose message
 * must contain WARN. */
static long build_warn(const sp_pack *p, const sp_schedule *s,
                       const sp_booklet_layout *lay, sp_doc *doc,
                       const char *warn)
{
    sp_diags *d = sp_diags_new();
    sp_doc_init(doc);
    long n = sp_booklet_build(p, s, fonts, lay, doc, d);
    if (n < 0 || sp_diags_count(d) != (warn ? 1u : 0u))
        sp_diags_print(d, stderr, 0);
    assert_true(n > 0);
    assert_int_equal(sp_diags_count(d), warn ? 1 : 0);
    if (warn) {
        assert_int_equal(sp_diags_warnings(d), 1);
        assert_non_null(strstr(sp_diags_at(d, 0)->message, warn));
    }
    assert_int_equal((size_t)n, doc->n_pages);
    sp_diags_free(d);
    return n;
}

static long build(const sp_pack *p, const sp_schedule *s,
                  const sp_booklet_layout *lay, sp_doc *doc)
{
    return build_warn(p, s, lay, doc, NULL);
}

/* ---- checks ---- */

/* Every item of every page lies inside the page minus the margins, with
 * the gutter on the left of odd pages (index 0, 2, ...) and the right of
 * even ones: text by its measured width, ascent and descent; strokes by
 * half their width. */
static void check_inside(const sp_doc *doc, double pw, double ph,
                         double margin, double gutter)
{
    for (size_t p = 0; p < doc->n_pages; p++) {
        const sp_dlist *pg = &doc->pages[p];
        assert_true(fabs(pg->width_pt - pw) < EPS);
        assert_true(fabs(pg->height_pt - ph) < EPS);
        int recto = p % 2 == 0;
        double x0 = (recto ? margin + gutter : margin) - EPS;
        double x1 = (recto ? pw - margin : pw - margin - gutter) + EPS;
        double y0 = margin - EPS, y1 = ph - margin + EPS;
        for (size_t i = 0; i < pg->n_items; i++) {
            const sp_dl_item *it = &pg->items[i];
            double l, t, r, b, hw = it->line_pt / 2;
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
                t = fmin(it->y_pt, it->y2_pt);
                b = fmax(it->y_pt, it->y2_pt);
                if (it->y_pt != it->y2_pt) {
                    l -= hw;
                    r += hw;
                }
                if (it->x_pt != it->x2_pt) {
                    t -= hw;
                    b += hw;
                }
                break;
            case SP_DL_CHECKBOX:
                l = it->x_pt - hw;
                t = it->y_pt - hw;
                r = it->x_pt + it->w_pt + hw;
                b = it->y_pt + it->w_pt + hw;
                break;
            default:
                l = it->x_pt - hw;
                t = it->y_pt - hw;
                r = it->x_pt + it->w_pt + hw;
                b = it->y_pt + it->h_pt + hw;
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

static int is_text(const sp_dl_item *it, const char *s)
{
    return it->kind == SP_DL_TEXT && it->text_len == strlen(s)
           && memcmp(it->text, s, it->text_len) == 0;
}

/* The first text item on PG equal to S (or containing it, if SUB). */
static const sp_dl_item *find(const sp_dlist *pg, const char *s, int sub)
{
    for (size_t i = 0; i < pg->n_items; i++) {
        const sp_dl_item *it = &pg->items[i];
        if (it->kind != SP_DL_TEXT)
            continue;
        if (sub ? strstr(it->text, s) != NULL : is_text(it, s))
            return it;
    }
    return NULL;
}

/* The first page index >= FROM with an item equal to S, or n_pages. */
static size_t page_of(const sp_doc *doc, size_t from, const char *s)
{
    for (size_t p = from; p < doc->n_pages; p++)
        if (find(&doc->pages[p], s, 0))
            return p;
    return doc->n_pages;
}

/* True if S contains DDDD-DD-DD or an English weekday as the dates
 * print it ("Thu, "). */
static int has_iso_date(const char *s)
{
    static const char *const wd[] = {"Mon, ", "Tue, ", "Wed, ", "Thu, ",
                                     "Fri, ", "Sat, ", "Sun, "};
    for (size_t i = 0; i < sizeof wd / sizeof wd[0]; i++)
        if (strstr(s, wd[i]))
            return 1;
    static const char pat[] = "9999-99-99";
    for (; *s; s++) {
        size_t k = 0;
        while (pat[k] && s[k]
               && (pat[k] == '-' ? s[k] == '-'
                                 : s[k] >= '0' && s[k] <= '9'))
            k++;
        if (!pat[k])
            return 1;
    }
    return 0;
}

static const sp_outline_entry *outline(const sp_doc *doc, const char *t)
{
    for (size_t i = 0; i < doc->n_outline; i++)
        if (doc->outline[i].level == 0
            && strcmp(doc->outline[i].title, t) == 0)
            return &doc->outline[i];
    return NULL;
}

/* Running heads and page numbers: every page but the cover has the title
 * at the outer edge at the top and its number at the outer bottom
 * corner; the cover has neither. */
static void check_frame(const sp_doc *doc, const char *title, double pw,
                        double ph, double margin, double gutter)
{
    assert_null(find(&doc->pages[0], "1", 0));
    for (size_t p = 1; p < doc->n_pages; p++) {
        const sp_dlist *pg = &doc->pages[p];
        int recto = p % 2 == 0;
        double x0 = recto ? margin + gutter : margin;
        double x1 = recto ? pw - margin : pw - margin - gutter;
        char num[24];
        snprintf(num, sizeof num, "%zu", p + 1);
        const sp_dl_item *n = NULL, *t = NULL;
        for (size_t i = 0; i < pg->n_items; i++) {
            const sp_dl_item *it = &pg->items[i];
            if (is_text(it, num) && it->y_pt > ph - margin - 20)
                n = it;
            if (is_text(it, title) && it->y_pt < margin + 20)
                t = it;
        }
        if (!n || !t) {
            print_error("page %zu: no %s\n", p + 1,
                        !n ? "page number" : "running head");
            fail();
        }
        double nw = sp_test_item_width(fonts, n);
        double tw = sp_test_item_width(fonts, t);
        if (recto) {
            assert_true(fabs(n->x_pt + nw - x1) < 0.01);
            assert_true(fabs(t->x_pt + tw - x1) < 0.01);
        } else {
            assert_true(fabs(n->x_pt - x0) < 0.01);
            assert_true(fabs(t->x_pt - x0) < 0.01);
        }
        assert_true(n->size_pt <= 8 && t->size_pt <= 8);
    }
}

/* The outline: Cover and the sections at level 0 in order, one level-1
 * entry per week right after "Day-by-day plan", each pointing at the
 * page with its "Week N" heading; labels "Cover", then 2, 3, ... */
static void check_outline(const sp_doc *doc, const sp_schedule *s,
                          int has_tips)
{
    static const char *const secs[] = {"Cover", "The interview process",
                                       "Timeline overview",
                                       "Day-by-day plan", "Question index",
                                       "Tips", "Notes"};
    size_t i = 0, prev = 0;
    int weeks = (s->n_days + 6) / 7;
    for (size_t k = 0; k < sizeof secs / sizeof secs[0]; k++) {
        if (k == 5 && !has_tips)
            continue;
        if (k == 6 && i == doc->n_outline)
            break;   /* no notes pages */
        assert_true(i < doc->n_outline);
        const sp_outline_entry *e = &doc->outline[i++];
        assert_string_equal(e->title, secs[k]);
        assert_int_equal(e->level, 0);
        assert_true(e->sheet >= prev);
        prev = e->sheet;
        const sp_dlist *pg = &doc->pages[e->sheet];
        if (k > 0)
            assert_non_null(find(pg, secs[k], 0));
        if (k == 3) {
            for (int w = 1; w <= weeks; w++) {
                assert_true(i < doc->n_outline);
                const sp_outline_entry *we = &doc->outline[i++];
                char t[32];
                snprintf(t, sizeof t, "Week %d", w);
                assert_int_equal(we->level, 1);
                assert_memory_equal(we->title, t, strlen(t));
                assert_true(we->title[strlen(t)] == ' ');
                const sp_dl_item *h = find(&doc->pages[we->sheet], t, 0);
                if (!h) {
                    print_error("%s: not on page %zu\n", t, we->sheet + 1);
                    fail();
                }
                assert_true(h->y_pt > we->y_pt && h->y_pt < we->y_pt + 20);
                assert_true(we->sheet >= prev);
                prev = we->sheet;
            }
        }
    }
    assert_int_equal(i, doc->n_outline);
    /* notes pad to a multiple of 4, so there are at most 3 */
    const sp_outline_entry *notes = outline(doc, "Notes");
    if (notes)
        assert_true(doc->n_pages - notes->sheet <= 3);
    assert_int_equal(doc->n_labels, 2);
    assert_int_equal(doc->labels[0].first_sheet, 0);
    assert_int_equal(doc->labels[0].style, 0);
    assert_string_equal(doc->labels[0].prefix, "Cover");
    assert_int_equal(doc->labels[1].first_sheet, 1);
    assert_int_equal(doc->labels[1].style, 'D');
    assert_null(doc->labels[1].prefix);
    assert_int_equal(doc->labels[1].first_number, 2);
}

/* Text items of pages [first, end) in order, as one stream. */
typedef struct {
    const sp_doc *doc;
    size_t page, item, end;
} cursor;

static const sp_dl_item *next_text(cursor *c)
{
    while (c->page < c->end) {
        const sp_dlist *pg = &c->doc->pages[c->page];
        while (c->item < pg->n_items) {
            const sp_dl_item *it = &pg->items[c->item++];
            if (it->kind == SP_DL_TEXT)
                return it;
        }
        c->page++;
        c->item = 0;
    }
    return NULL;
}

/* Advances C past the card "#N id" (runs: bold "#N ", then the id, in
 * pieces if it wraps); fails if it is not found before an item equal to
 * STOP. */
static void expect_card(cursor *c, const sp_question *q, const char *stop,
                        const char *what)
{
    char nb[32];
    snprintf(nb, sizeof nb, "#%d ", q->number);
    const sp_dl_item *it;
    size_t idl = strlen(q->id), got = 0;
    int in = 0;
    while ((it = next_text(c))) {
        if (stop && is_text(it, stop))
            break;
        if (in && got + it->text_len <= idl
            && memcmp(q->id + got, it->text, it->text_len) == 0) {
            got += it->text_len;
            if (got == idl)
                return;
            continue;
        }
        /* "#N " (or "#N" at the end of a line, when the id wraps) */
        in = it->face == SP_FACE_BOLD
             && (is_text(it, nb)
                 || (it->text_len + 1 == strlen(nb)
                     && memcmp(it->text, nb, it->text_len) == 0));
        got = 0;
    }
    print_error("%s: card #%d %s not found\n", what, q->number, q->id);
    fail();
}

/* Every day's date (or "Day N") in order on the plan's pages, each with
 * its tasks' tick boxes, its new and review cards in order before the
 * next day starts; the day's header and its last card on one page unless
 * SPLIT_OK. */
static void check_plan(const sp_doc *doc, const sp_pack *p,
                       const sp_schedule *s, int split_ok)
{
    const sp_outline_entry *plan = outline(doc, "Day-by-day plan");
    const sp_outline_entry *index = outline(doc, "Question index");
    assert_non_null(plan);
    assert_non_null(index);
    cursor c = {doc, plan->sheet, 0, index->sheet};
    char label[SP_DATEFMT_BUF], next[SP_DATEFMT_BUF];
    sp_datefmt *df = sp_datefmt_new("en");
    assert_non_null(df);
    for (int k = 0; k < s->n_days; k++) {
        const sp_day *day = &s->days[k];
        if (s->has_dates)
            sp_datefmt_format(df, SP_DATE_DAY, day->date, label,
                              sizeof label);
        else
            snprintf(label, sizeof label, "Day %d", day->number);
        next[0] = '\0';
        if (k + 1 < s->n_days) {
            if (s->has_dates)
                sp_datefmt_format(df, SP_DATE_DAY, s->days[k + 1].date, next,
                                  sizeof next);
            else
                snprintf(next, sizeof next, "Day %d", day->number + 1);
        }
        const sp_dl_item *it;
        while ((it = next_text(&c)))
            if (is_text(it, label) && it->face == SP_FACE_BOLD)
                break;
        if (!it) {
            print_error("%s not in the plan\n", label);
            fail();
        }
        size_t head_page = c.page;
        for (size_t i = 0; i < day->n_intro; i++)
            expect_card(&c, &p->questions[day->intro[i]], next, label);
        for (size_t i = 0; i < day->n_review; i++)
            expect_card(&c, &p->questions[day->review[i]], next, label);
        if (!split_ok)
            assert_int_equal(c.page, head_page);
        /* tick boxes: one per task and card on the day's pages */
        size_t boxes = 0;
        int found = 0;
        for (size_t pg = head_page; pg <= c.page && pg < doc->n_pages;
             pg++) {
            const sp_dlist *d = &doc->pages[pg];
            for (size_t i = 0; i < d->n_items; i++) {
                if (d->items[i].kind == SP_DL_TEXT
                    && is_text(&d->items[i], label))
                    found = 1;
                else if (d->items[i].kind == SP_DL_TEXT && *next
                         && is_text(&d->items[i], next))
                    found = 0;
                else if (found && d->items[i].kind == SP_DL_CHECKBOX)
                    boxes++;
            }
        }
        if (!split_ok)
            assert_int_equal(boxes,
                             day->n_tasks + day->n_intro + day->n_review);
    }
    sp_datefmt_free(df);
}

/* Every question in the index, in order: "#N", its id, three boxes. */
static void check_index(const sp_doc *doc, const sp_pack *p)
{
    const sp_outline_entry *index = outline(doc, "Question index");
    assert_non_null(index);
    size_t pg = index->sheet;
    for (size_t i = 0; i < p->n_questions; i++) {
        char nb[32];
        snprintf(nb, sizeof nb, "#%d", p->questions[i].number);
        size_t at = page_of(doc, pg, nb);
        if (at == doc->n_pages) {
            print_error("index: %s missing\n", nb);
            fail();
        }
        char head[24];   /* a long id wraps: its beginning */
        snprintf(head, sizeof head, "%s", p->questions[i].id);
        assert_non_null(find(&doc->pages[at], head, 1));
        pg = at;
    }
}

/* ---- golden files ---- */
#define check_golden(name, actual) sp_test_check_golden(root, name, actual)

static sp_pack *load(const char *rel)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    sp_diags *d = sp_diags_new();
    sp_pack *p = sp_load_file(path, d);
    if (!p)
        sp_diags_print(d, stderr, 0);
    sp_diags_free(d);
    assert_non_null(p);
    return p;
}

/* ---- tests ---- */

/* A real source with an interview date: pages, outline, labels, frame,
 * margins, the plan and the index; the dates on the right pages. */
static void real_pack_dated(void **state)
{
    (void)state;
    sp_pack *p = load("sources/spotify-backend-developer.xml");
    sp_schedule *s = schedule(p, "2026-12-24");
    sp_doc doc;
    long n = build(p, s, NULL, &doc);
    assert_int_equal(n % 4, 0);
    check_inside(&doc, SP_BOOKLET_A5_W_PT, SP_BOOKLET_A5_H_PT, MARGIN,
                 GUTTER);
    check_frame(&doc, p->meta.title, SP_BOOKLET_A5_W_PT, SP_BOOKLET_A5_H_PT,
                MARGIN, GUTTER);
    check_outline(&doc, s, 1);
    check_plan(&doc, p, s, 0);
    check_index(&doc, p);
    /* the cover: title, company, interview date, name line, counts */
    const sp_dlist *cover = &doc.pages[0];
    assert_non_null(find(cover, "Spotify", 0));
    assert_non_null(find(cover, "Interview: ", 0));
    const sp_dl_item *id = find(cover, "Thursday, December 24, 2026", 0);
    assert_non_null(id);
    assert_int_equal(id->face, SP_FACE_BOLD);
    assert_non_null(find(cover, "Name:", 0));
    assert_null(find(cover, "Interview date:", 0));
    assert_non_null(find(cover, "28 days in 4 phases", 1));
    /* the contents list the sections' page numbers */
    const sp_outline_entry *ix = outline(&doc, "Question index");
    char num[24];
    snprintf(num, sizeof num, "%zu", ix->sheet + 1);
    assert_non_null(find(cover, num, 0));
    /* the first and last study days' dates on the plan's pages, not
     * before; the interview on the overview */
    size_t plan = outline(&doc, "Day-by-day plan")->sheet;
    assert_int_equal(page_of(&doc, 1, "Thu, Nov 26"), plan);
    assert_true(page_of(&doc, plan, "Wed, Dec 23") < ix->sheet);
    size_t ov = outline(&doc, "Timeline overview")->sheet;
    assert_non_null(find(&doc.pages[ov], "Interview Thu, Dec 24", 0));
    assert_non_null(find(&doc.pages[ov],
                         "Interview on Thursday, December 24, 2026", 0));
    /* tips on the tips pages */
    size_t tips = outline(&doc, "Tips")->sheet;
    for (size_t i = 0; i < p->n_tips; i++) {
        size_t at = page_of(&doc, tips, p->tips[i].title);
        assert_true(at < doc.n_pages);
        assert_true(!outline(&doc, "Notes")
                    || at < outline(&doc, "Notes")->sheet);
    }
    sp_doc_release(&doc);
    sp_schedule_free(s);
    sp_pack_free(p);
}

/* Without a date: "Day N", a line for the interview date, and no ISO
 * date anywhere. */
static void real_pack_undated(void **state)
{
    (void)state;
    sp_pack *p = load("sources/spotify-data-engineer.xml");
    sp_schedule *s = schedule(p, NULL);
    sp_booklet_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.page_w_pt = SP_BOOKLET_HALF_LETTER_W_PT;
    lay.page_h_pt = SP_BOOKLET_HALF_LETTER_H_PT;
    sp_doc doc;
    long n = build(p, s, &lay, &doc);
    assert_int_equal(n % 4, 0);
    check_inside(&doc, 396, 612, MARGIN, GUTTER);
    check_frame(&doc, p->meta.title, 396, 612, MARGIN, GUTTER);
    check_outline(&doc, s, p->n_tips > 0);
    check_plan(&doc, p, s, 0);
    check_index(&doc, p);
    const sp_dlist *cover = &doc.pages[0];
    const sp_dl_item *it = find(cover, "Interview date:", 0);
    assert_non_null(it);
    /* a line to write on, to the right of the label */
    int line = 0;
    for (size_t i = 0; i < cover->n_items; i++)
        if (cover->items[i].kind == SP_DL_LINE
            && cover->items[i].x_pt > it->x_pt
            && fabs(cover->items[i].y_pt - it->y_pt) < 4)
            line = 1;
    assert_true(line);
    assert_true(page_of(&doc, 0, "Day 3") < doc.n_pages);
    for (size_t pg = 0; pg < doc.n_pages; pg++)
        for (size_t i = 0; i < doc.pages[pg].n_items; i++) {
            const sp_dl_item *t = &doc.pages[pg].items[i];
            if (t->kind == SP_DL_TEXT && has_iso_date(t->text)) {
                print_error("a date on page %zu: %s\n", pg + 1, t->text);
                fail();
            }
        }
    sp_doc_release(&doc);
    sp_schedule_free(s);
    sp_pack_free(p);
}

/* Generated packs from 1 to 730 days on A5 and half-letter, with and
 * without dates and gutter: always a multiple of 4, inside the margins,
 * nothing dropped from the plan or the index. */
static void property(void **state)
{
    (void)state;
    static const int d1[] = {1}, d2[] = {3, 4}, d3[] = {10, 11, 12, 9},
                     d4[] = {200, 300, 230}, d5[] = {5, 2, 7, 1, 6, 4, 3};
    struct {
        const int *days;
        size_t np, nq, per;
        const char *date;
        int letter;
        double gutter;
    } cases[] = {
        {d1, 1, 3, 3, "2030-01-01", 0, 0},
        {d2, 2, 15, 4, NULL, 1, 0},
        {d3, 4, 120, 20, "2028-03-01", 0, -1},
        {d4, 3, 300, 50, "2027-01-01", 1, 30},
        {d5, 7, 60, 5, NULL, 0, 0},
        {d3, 4, 0, 0, "2026-12-24", 1, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sp_pack *p = gen_pack(cases[k].nq, cases[k].days, cases[k].np,
                              cases[k].per, 99 + (uint32_t)k);
        sp_schedule *s = schedule(p, cases[k].date);
        sp_booklet_layout lay;
        memset(&lay, 0, sizeof lay);
        double pw = SP_BOOKLET_A5_W_PT, ph = SP_BOOKLET_A5_H_PT;
        if (cases[k].letter) {
            pw = lay.page_w_pt = 396;
            ph = lay.page_h_pt = 612;
        }
        lay.gutter_pt = cases[k].gutter;
        double gutter = cases[k].gutter < 0 ? 0
                        : cases[k].gutter > 0 ? cases[k].gutter : GUTTER;
        sp_doc doc;
        long n = build(p, s, &lay, &doc);
        assert_int_equal(n % 4, 0);
        check_inside(&doc, pw, ph, MARGIN, gutter);
        check_frame(&doc, p->meta.title, pw, ph, MARGIN, gutter);
        if (p->n_questions) {
            check_outline(&doc, s, 1);
            check_plan(&doc, p, s, 1);
            check_index(&doc, p);
        } else {
            assert_null(outline(&doc, "Question index"));
        }
        /* the chart: one bar per phase, the interview marker */
        size_t ov = outline(&doc, "Timeline overview")->sheet;
        size_t bars = 0, marker = 0;
        for (size_t pg = ov; pg < outline(&doc, "Day-by-day plan")->sheet;
             pg++)
            for (size_t i = 0; i < doc.pages[pg].n_items; i++) {
                const sp_dl_item *it = &doc.pages[pg].items[i];
                bars += it->kind == SP_DL_RECT && it->h_pt > 8
                        && it->fill_gray > 0.5 && it->fill_gray < 0.9;
                marker += it->kind == SP_DL_LINE && it->line_pt > 1
                          && it->x_pt == it->x2_pt;
            }
        assert_int_equal(bars, cases[k].np);
        assert_true(marker >= 1);
        sp_doc_release(&doc);
        sp_schedule_free(s);
        teardown(NULL);
    }
}

/* A day with hundreds of cards is taller than a page: it continues on the
 * next pages (headed "..., continued"), its cards wrap inside the box. */
/* A personal plan: the student's name on the cover, free days, the light
 * eve and added rest days in the plan, every day's block in place. */
static void personal(void **state)
{
    (void)state;
    sp_pack *p = load("sources/spotify-backend-developer.xml");
    sp_date st = {2026, 11, 30}, iv = {2026, 12, 31};
    sp_day_range skip = {sp_date_to_days((sp_date){2026, 12, 24}),
                         sp_date_to_days((sp_date){2026, 12, 26})};
    sp_constraints c = {&iv, &st, 0, &skip, 1};     /* every day */
    sp_schedule *s = sp_schedule_fit(p, &c);
    assert_non_null(s);
    sp_booklet_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.student = "Ada Lovelace";
    sp_doc doc;
    long n = build(p, s, &lay, &doc);
    assert_int_equal(n % 4, 0);
    check_inside(&doc, SP_BOOKLET_A5_W_PT, SP_BOOKLET_A5_H_PT, MARGIN,
                 GUTTER);
    check_outline(&doc, s, 1);
    check_plan(&doc, p, s, 0);
    const sp_dlist *cover = &doc.pages[0];
    assert_non_null(find(cover, "Name: ", 0));
    const sp_dl_item *name = find(cover, "Ada Lovelace", 0);
    assert_non_null(name);
    assert_int_equal(name->face, SP_FACE_BOLD);
    char want[64];
    snprintf(want, sizeof want, "%d free days", s->n_free);
    assert_non_null(find(cover, want, 1));
    /* one "free day" label per free day, "(skipped)" for the three
     * skipped ones */
    int free_labels = 0, skipped = 0, light = 0, added = 0;
    for (size_t pg = 0; pg < doc.n_pages; pg++) {
        const sp_dlist *d = &doc.pages[pg];
        for (size_t i = 0; i < d->n_items; i++) {
            free_labels += is_text(&d->items[i], "free day")
                           || is_text(&d->items[i], "free day (skipped)");
            skipped += is_text(&d->items[i], "free day (skipped)");
            light += d->items[i].kind == SP_DL_TEXT
                     && d->items[i].text_len >= 9
                     && memcmp(d->items[i].text, "Light day", 9) == 0;
            added += d->items[i].kind == SP_DL_TEXT
                     && d->items[i].text_len >= 30
                     && memcmp(d->items[i].text, "Rest day: at least one day "
                               "off", 30) == 0;
        }
    }
    assert_int_equal(free_labels, s->n_free);
    assert_int_equal(skipped, 3);
    assert_int_equal(light, s->days[s->n_days - 1].is_eve
                                && !s->days[s->n_days - 1].is_rest);
    int want_added = 0;
    for (int k = 0; k < s->n_days; k++)
        want_added += s->days[k].is_added_rest;
    /* the real pack now rests every week, so the fit may add no rest
     * day; the booklet must show exactly the ones it added */
    assert_int_equal(added, want_added);
    sp_doc_release(&doc);
    sp_schedule_free(s);
    sp_pack_free(p);
}

static void long_day(void **state)
{
    (void)state;
    static const int days[] = {2};
    sp_pack *p = gen_pack(700, days, 1, 700, 5);
    sp_schedule *s = schedule(p, "2026-06-02");
    sp_doc doc;
    build(p, s, NULL, &doc);
    check_inside(&doc, SP_BOOKLET_A5_W_PT, SP_BOOKLET_A5_H_PT, MARGIN,
                 GUTTER);
    check_plan(&doc, p, s, 1);
    size_t plan = outline(&doc, "Day-by-day plan")->sheet;
    assert_non_null(find(&doc.pages[plan + 1], "Sun, May 31, continued",
                         0));
    sp_doc_release(&doc);
    sp_schedule_free(s);
}

/* Doc pages already present: the booklet's pages, outline and labels
 * start after them. */
static void appends(void **state)
{
    (void)state;
    static const int days[] = {3};
    sp_pack *p = gen_pack(4, days, 1, 4, 1);
    sp_schedule *s = schedule(p, NULL);
    sp_doc doc;
    sp_doc_init(&doc);
    assert_non_null(sp_doc_add_page(&doc, 100, 100));
    sp_diags *d = sp_diags_new();
    long n = sp_booklet_build(p, s, fonts, NULL, &doc, d);
    assert_true(n > 0 && n % 4 == 0);
    assert_int_equal(doc.n_pages, (size_t)n + 1);
    assert_int_equal(doc.outline[0].sheet, 1);
    assert_int_equal(doc.labels[0].first_sheet, 1);
    assert_non_null(find(&doc.pages[2], "2", 0));
    sp_doc_release(&doc);
    sp_diags_free(d);
    sp_schedule_free(s);
}

/* Hostile sizes: a title of thousands of words, an id with no break
 * opportunity, long phase and task texts: everything stays inside. */
static void hostile(void **state)
{
    (void)state;
    static const int days[] = {6, 1};
    sp_pack *p = gen_pack(30, days, 2, 10, 7);
    char *title = palloc(40000);
    for (int i = 0; i < 2500; i++)
        strcat(title, i ? " interview" : "Interview");
    p->meta.title = title;
    char *company = palloc(600);
    memset(company, 'W', 500);
    p->meta.company = company;
    char *id = palloc(400);
    memset(id, 'x', 300);
    p->questions[3].id = id;
    p->phases[0].title = words(60);
    p->phases[0].tasks[0].text = txt(words(200));
    p->rounds[0].name = words(40);
    p->tips[0].title = words(50);
    sp_schedule *s = schedule(p, "2026-12-24");
    sp_doc doc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* a 25 KB title: the running head is one line, shortened, warned */
    long n = build_warn(p, s, NULL, &doc, "too long for the booklet's "
                        "running head and is shortened");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec)
                 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_int_equal(n % 4, 0);
    assert_true(sec < 5);
    check_inside(&doc, SP_BOOKLET_A5_W_PT, SP_BOOKLET_A5_H_PT, MARGIN,
                 GUTTER);
    check_plan(&doc, p, s, 1);
    check_index(&doc, p);
    sp_doc_release(&doc);
    sp_schedule_free(s);
}

static void too_small(void **state)
{
    (void)state;
    static const int days[] = {3};
    sp_pack *p = gen_pack(4, days, 1, 4, 1);
    sp_schedule *s = schedule(p, NULL);
    sp_booklet_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.page_w_pt = 150;
    lay.page_h_pt = 200;
    sp_doc doc;
    sp_doc_init(&doc);
    sp_diags *d = sp_diags_new();
    assert_int_equal(sp_booklet_build(p, s, fonts, &lay, &doc, d), -1);
    assert_int_equal(sp_diags_errors(d), 1);
    assert_int_equal(sp_diags_at(d, 0)->code, SP_D_LAYOUT);
    assert_non_null(strstr(sp_diags_at(d, 0)->message, "too small"));
    assert_int_equal(doc.n_pages, 0);
    sp_doc_release(&doc);
    sp_diags_free(d);
    sp_schedule_free(s);
}

static void golden(void **state)
{
    (void)state;
    static const int days[] = {4, 3};
    sp_pack *p = gen_pack(6, days, 2, 3, 3);
    p->phases[1].tasks[2].kind = SP_TASK_REST;
    p->phases[1].tasks[2].text = txt("Rest");
    p->phases[1].n_tasks = 3;
    p->questions[4].difficulty = SP_DIFF_HARD;
    sp_schedule *s = schedule(p, "2026-12-24");
    sp_doc doc;
    long n = build(p, s, NULL, &doc);
    assert_int_equal(n % 4, 0);
    char *dump = sp_dump_string(&doc, NULL);
    assert_non_null(dump);
    check_golden("booklet/small-dated.dump", dump);
    free(dump);
    sp_doc_release(&doc);
    sp_schedule_free(s);

    s = schedule(p, NULL);
    sp_booklet_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.page_w_pt = SP_BOOKLET_HALF_LETTER_W_PT;
    lay.page_h_pt = SP_BOOKLET_HALF_LETTER_H_PT;
    build(p, s, &lay, &doc);
    dump = sp_dump_string(&doc, NULL);
    assert_non_null(dump);
    check_golden("booklet/small-undated-letter.dump", dump);
    free(dump);
    sp_doc_release(&doc);
    sp_schedule_free(s);
}

/* The benchmark's booklet: 90 days, 1,000 questions, in well under a
 * second (not checked under valgrind). */
static void bench(void **state)
{
    (void)state;
    static const int days[] = {15, 15, 15, 15, 15, 15};
    sp_pack *p = gen_pack(1000, days, 6, 40, 42);
    sp_schedule *s = schedule(p, "2027-03-01");
    sp_doc doc;
    sp_doc_init(&doc);
    sp_diags *d = sp_diags_new();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = sp_booklet_build(p, s, fonts, NULL, &doc, d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec)
                 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(n > 0 && n % 4 == 0);
    size_t items = 0;
    for (size_t i = 0; i < doc.n_pages; i++)
        items += doc.pages[i].n_items;
    print_message("# booklet: 90 days, 1000 questions: %ld pages, %zu items "
                  "in %.3f s\n", n, items, sec);
    const char *wrap = getenv("SP_WRAP");
    if (!wrap || !strstr(wrap, "valgrind"))
        assert_true(sec < 1.0);
    check_inside(&doc, SP_BOOKLET_A5_W_PT, SP_BOOKLET_A5_H_PT, MARGIN,
                 GUTTER);
    check_plan(&doc, p, s, 1);
    sp_doc_release(&doc);
    sp_diags_free(d);
    sp_schedule_free(s);
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
    sp_load_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(real_pack_dated, teardown),
        cmocka_unit_test_teardown(real_pack_undated, teardown),
        cmocka_unit_test_teardown(property, teardown),
        cmocka_unit_test_teardown(personal, teardown),
        cmocka_unit_test_teardown(long_day, teardown),
        cmocka_unit_test_teardown(appends, teardown),
        cmocka_unit_test_teardown(hostile, teardown),
        cmocka_unit_test_teardown(too_small, teardown),
        cmocka_unit_test_teardown(golden, teardown),
        cmocka_unit_test_teardown(bench, teardown),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
