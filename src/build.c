/* build.c - one pack from model to files (see build.h). */
#include "build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "booklet.h"
#include "datefmt.h"
#include "cards.h"
#include "dlist.h"
#include "dump.h"
#include "fsutil.h"
#include "hyphenate.h"
#include "mock.h"
#include "msg.h"
#include "pdf.h"
#include "export.h"
#include "pocket.h"
#include "schedule.h"
#include "strbuf.h"
#include "text.h"

void sp_build_opts_default(sp_build_opts *o)
{
    memset(o, 0, sizeof *o);
    o->out_dir = "out";
    o->outputs = SP_OUT_ALL;
    o->paper = "a4";
    sp_parse_paper("a4", &o->paper_w_pt, &o->paper_h_pt);
    o->card = "3x5in";
    sp_parse_card("3x5in", &o->card_w_pt, &o->card_h_pt);
    o->margin_pt = SP_MM_TO_PT(5);
    o->gap_pt = SP_MM_TO_PT(4);
    o->duplex = SP_DUPLEX_LONG;
    o->back_sx = o->back_sy = 1;
    o->min_size_pt = 8;
    o->crop_marks = 1;
}

int sp_parse_paper(const char *v, double *w_pt, double *h_pt)
{
    static const struct {
        const char *name;
        double w_mm, h_mm;
    } papers[] = {
        {"a4", 210, 297},
        {"a3", 297, 420},
        {"letter", 215.9, 279.4},
        {"legal", 215.9, 355.6},
    };
    for (size_t i = 0; i < sizeof papers / sizeof *papers; i++) {
        if (strcasecmp(v, papers[i].name) == 0) {
            *w_pt = SP_MM_TO_PT(papers[i].w_mm);
            *h_pt = SP_MM_TO_PT(papers[i].h_mm);
            return 0;
        }
    }
    return -1;
}

/* A decimal number at S (digits, at most one '.', at least one digit;
 * no exponent, no hexadecimal); END gets the rest.  -1 if there is none. */
static int decimal(const char *s, double *out, const char **end)
{
    const char *p = s;
    int digits = 0, dots = 0;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.')
            dots++;
        else
            digits++;
    }
    if (!digits || dots > 1 || (*p == 'x' && p - s == 1 && *s == '0') ||
        *p == 'e' || *p == 'E')
        return -1;
    char buf[64];
    if ((size_t)(p - s) >= sizeof buf)
        return -1;
    memcpy(buf, s, (size_t)(p - s));
    buf[p - s] = '\0';
    *out = strtod(buf, NULL);
    *end = p;
    return isfinite(*out) ? 0 : -1;
}

/* Points per UNIT (mm, cm, in, pt; "" is mm), or 0 if it is none. */
static double unit_pt(const char *u)
{
    return !*u || strcmp(u, "mm") == 0 ? 72.0 / 25.4
           : strcmp(u, "cm") == 0      ? 720.0 / 25.4
           : strcmp(u, "in") == 0      ? 72.0
           : strcmp(u, "pt") == 0      ? 1.0
                                       : 0;
}

/* A positive decimal number followed by more text in END. */
static int number(const char *s, double *out, const char **end)
{
    return decimal(s, out, end) == 0 && *out > 0 ? 0 : -1;
}

int sp_parse_card(const char *v, double *w_pt, double *h_pt)
{
    static const struct {
        const char *name;
        double w_mm, h_mm;
    } cards[] = {
        {"a7", 105, 74},
        {"a6", 148, 105},
        {"3x5in", 127, 76.2},
        {"4x6in", 152.4, 101.6},
        {"business", 85, 55},
    };
    for (size_t i = 0; i < sizeof cards / sizeof *cards; i++) {
        if (strcasecmp(v, cards[i].name) == 0) {
            *w_pt = SP_MM_TO_PT(cards[i].w_mm);
            *h_pt = SP_MM_TO_PT(cards[i].h_mm);
            return 0;
        }
    }
    double w, h;
    const char *e;
    if (number(v, &w, &e) || (*e != 'x' && *e != 'X') ||
        number(e + 1, &h, &e) || !*e)
        return -1;
    double k = unit_pt(e);
    if (k == 0)
        return -1;
    w *= k;
    h *= k;
    /* at least 20 mm, at most 1 m on a side */
    if (w < SP_MM_TO_PT(20) || h < SP_MM_TO_PT(20) ||
        w > SP_MM_TO_PT(1000) || h > SP_MM_TO_PT(1000))
        return -1;
    *w_pt = w;
    *h_pt = h;
    return 0;
}

/* A length with an optional sign and unit; WHY says what is wrong. */
static int signed_length(const char *v, double *pt, const char **why)
{
    int neg = *v == '-';
    const char *s = v + (neg || *v == '+');
    const char *e;
    double x;
    if (decimal(s, &x, &e) != 0) {
        *why = (*s == '0' && (s[1] == 'x' || s[1] == 'X'))
                   ? "is not a decimal number (no hexadecimal)"
               : (*s >= '0' && *s <= '9') || *s == '.'
                   ? "is not a decimal number"
                   : "is not a number";
        return -1;
    }
    double k = unit_pt(e);
    if (k == 0) {
        *why = "has an unknown unit (use mm, cm, in or pt)";
        return -1;
    }
    *pt = (neg ? -x : x) * k;
    return 0;
}

int sp_parse_length_max(const char *v, double max_mm, double *pt,
                        const char **why)
{
    const char *w = NULL;
    double x;
    static char more[48];
    if (!why)
        why = &w;
    if (signed_length(v, &x, why) != 0)
        return -1;
    if (x < 0) {
        *why = "is negative";
        return -1;
    }
    if (x > SP_MM_TO_PT(max_mm) + 1e-9) {
        snprintf(more, sizeof more, "is more than %g mm", max_mm);
        *why = more;
        return -1;
    }
    *pt = x;
    return 0;
}

int sp_parse_length(const char *v, double *pt)
{
    return sp_parse_length_max(v, 100, pt, NULL);
}

int sp_parse_offset(const char *v, double *dx_pt, double *dy_pt)
{
    const char *comma = strchr(v, ',');
    const char *why;
    char x[64];
    if (!comma || (size_t)(comma - v) >= sizeof x)
        return -1;
    memcpy(x, v, (size_t)(comma - v));
    x[comma - v] = '\0';
    double dx, dy;
    if (signed_length(x, &dx, &why) != 0 ||
        signed_length(comma + 1, &dy, &why) != 0)
        return -1;
    if (fabs(dx) > SP_MM_TO_PT(20) + 1e-9 || fabs(dy) > SP_MM_TO_PT(20) + 1e-9)
        return -1;
    *dx_pt = dx;
    *dy_pt = dy;
    return 0;
}

int sp_parse_min_size(const char *v, double *pt)
{
    char *e;
    double x = strtod(v, &e);
    if (e == v || !isfinite(x) || (*e && strcmp(e, "pt") != 0))
        return -1;
    if (!(x >= 6 && x <= 14))
        return -1;
    *pt = x;
    return 0;
}

const char *sp_build_opts_problem(const sp_build_opts *o)
{
    /* creep moves the innermost sheet's pages toward the spine by the full
     * amount; the gutter is the room the booklet keeps there for it */
    if (o->creep_pt > SP_MM_TO_PT(SP_BOOKLET_GUTTER_MM) + 1e-9)
        return "--creep is more than the booklet's gutter of 5 mm: the "
               "innermost pages would print over the spine (paper creep is "
               "usually 0.1 to 1 mm)";
    return NULL;
}

int sp_parse_scale(const char *v, double *sx, double *sy)
{
    char *e;
    double x = strtod(v, &e), y;
    if (e == v || !isfinite(x))
        return -1;
    if (*e == ',') {
        const char *s = e + 1;
        y = strtod(s, &e);
        if (e == s || !isfinite(y))
            return -1;
    } else {
        y = x;
    }
    if (*e != '\0' || !(x >= 90 && x <= 110) || !(y >= 90 && y <= 110))
        return -1;
    *sx = x / 100;
    *sy = y / 100;
    return 0;
}

char *sp_build_opts_key(const sp_build_opts *o)
{
    static const char *duplex[] = {"long", "short", "fold"};
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "outputs=%u paper=%.3fx%.3f card=%.3fx%.3f margin=%.3f "
                     "gap=%.3f duplex=%s back=%.3f,%.3f scale=%.5f,%.5f min=%.3f ff=%d "
                     "crop=%d cut=%d "
                     "date=%d:%04d-%02d-%02d flip=%d creep=%.3f dump=%d "
                     "lang=%s",
                     o->outputs, o->paper_w_pt, o->paper_h_pt, o->card_w_pt,
                     o->card_h_pt, o->margin_pt, o->gap_pt,
                     duplex[o->duplex], o->back_dx_pt, o->back_dy_pt,
                     o->back_sx, o->back_sy, o->min_size_pt, o->first_fit,
                     o->crop_marks,
                     o->cut_lines,
                     o->has_interview_date,
                     o->interview_y, o->interview_m, o->interview_d,
                     o->booklet_flip_long, o->creep_pt, o->dump,
                     o->lang ? o->lang : "-");
    if (n < 0 || (size_t)n >= sizeof buf)
        return NULL;
    /* the personal plan, only when given (so other keys stay the same) */
    sp_buf b = {0};
    sp_buf_str(&b, buf);
    if (o->has_start)
        sp_buf_printf(&b, " start=%04d-%02d-%02d", o->start_y, o->start_m,
                      o->start_d);
    if (o->study_days)
        sp_buf_printf(&b, " study-days=%u", o->study_days);
    for (size_t i = 0; i < o->n_skip; i++)
        sp_buf_printf(&b, "%s%ld..%ld", i ? "," : " skip=", o->skip[i].first,
                      o->skip[i].last);
    if (o->student) {
        sp_buf_str(&b, " student=");
        sp_buf_str(&b, o->student);
    }
    if (o->exports)   /* batch --export, and the time stamp it uses */
        sp_buf_printf(&b, " exports=%u:%lld", o->exports, o->export_epoch);
    return sp_buf_take(&b, NULL);
}

int sp_build_plan_check(const sp_build_opts *o, char *why, size_t cap)
{
    if ((o->study_days || o->n_skip) && !o->has_interview_date
        && !o->has_start) {
        snprintf(why, cap, "--study-days and --skip need --interview-date "
                 "or --start (they name days of the calendar)");
        return -1;
    }
    if (o->has_start && o->has_interview_date) {
        sp_date a = {o->start_y, o->start_m, o->start_d};
        sp_date z = {o->interview_y, o->interview_m, o->interview_d};
        char da[SP_DATE_BUF], dz[SP_DATE_BUF];
        long n = sp_date_to_days(z) - sp_date_to_days(a);
        if (n < 1) {
            snprintf(why, cap, "the start (%s) must come before the "
                     "interview (%s)", sp_date_iso(a, da, sizeof da),
                     sp_date_iso(z, dz, sizeof dz));
            return -1;
        }
        if (n > SP_MAX_WINDOW_DAYS) {
            snprintf(why, cap, "from the start (%s) to the interview (%s) "
                     "is %ld days; the limit is %d",
                     sp_date_iso(a, da, sizeof da),
                     sp_date_iso(z, dz, sizeof dz), n, SP_MAX_WINDOW_DAYS);
            return -1;
        }
    }
    return 0;
}

sp_schedule *sp_build_schedule(const sp_pack *pack, const sp_build_opts *o,
                               sp_diags *d)
{
    sp_date iv = {o->interview_y, o->interview_m, o->interview_d};
    sp_date st = {o->start_y, o->start_m, o->start_d};
    sp_constraints c;
    memset(&c, 0, sizeof c);
    c.interview = o->has_interview_date ? &iv : NULL;
    c.start = o->has_start ? &st : NULL;
    c.study_days = o->study_days;
    c.skip = o->skip;
    c.n_skip = o->n_skip;
    sp_schedule *s = sp_schedule_fit(pack, &c);
    if (!s) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < s->n_warnings; i++)
        sp_diag_add(d, SP_D_WARNING, pack->file, 0, 0, "%s", s->warnings[i]);
    return s;
}

/* ---- building ------------------------------------------------------------ */

/* The files of one build, written to temporaries in the pack's folder and
 * renamed together at the end (see sp_build_pack). */
typedef struct {
    int dirfd;                      /* OUT/ID, opened once */
    char *dir_path;                 /* OUT/ID, for messages */
    sp_afile *files[SP_MAX_OUTPUTS + 1];
    size_t n;
} stage;

/* The name of output BASE ("flashcards"...) in this mode. */
static const char *out_name(const sp_build_opts *o, const char *base)
{
    static const char *const names[][2] = {
        {"flashcards.pdf", "flashcards.dump"},
        {"timeline.pdf", "timeline.dump"},
        {"timeline-booklet.pdf", "timeline-booklet.dump"},
        {"mock-interview.pdf", "mock-interview.dump"},
        {"pocket.pdf", "pocket.dump"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strncmp(names[i][0], base, strlen(base)) == 0
            && names[i][0][strlen(base)] == '.')
            return names[i][o->dump ? 1 : 0];
    return NULL;
}

/* Opens the temporary file of NAME in the pack's folder; NULL after
 * reporting. */
static sp_afile *stage_open(stage *st, const char *name, sp_diags *d)
{
    if (st->n >= sizeof st->files / sizeof *st->files) {
        sp_diag_add(d, SP_D_IO, st->dir_path, 0, 0, "too many outputs");
        return NULL;
    }
    return sp_afile_openat(st->dirfd, st->dir_path, name, d);
}

/* OUT/ID/NAME for messages, malloc'd (NULL when out of memory). */
static char *stage_path(const stage *st, const char *name)
{
    size_t len = strlen(st->dir_path) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", st->dir_path, name);
    return p;
}

/* Keeps F (written, still open: its fsync waits for the commit, which a
 * batch worker does while it builds the next pack) for the renames at the
 * end and notes NAME in RES. */
static void stage_keep(stage *st, sp_afile *f, const char *name,
                       sp_build_result *res)
{
    st->files[st->n++] = f;
    if (name && res->n_files < SP_MAX_OUTPUTS)
        res->files[res->n_files++] = name;
}

/* With --strict, a warning so far stops the build before it writes. */
static int strict_stop(const sp_build_opts *o, sp_diags *d)
{
    if (!o->strict || o->dry_run || sp_diags_warnings(d) == 0)
        return 0;
    sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "--strict: warnings are errors; "
                "nothing was written");
    return -1;
}

/* Writes DOC as BASE.pdf, or BASE.dump in dump mode, to its temporary
 * file in the pack's folder. */
static int write_doc(const sp_doc *doc, const sp_fonts *fonts,
                     const sp_build_opts *o, stage *st, const char *base,
                     sp_build_result *res, sp_diags *d)
{
    if (strict_stop(o, d) != 0)
        return -1;
    if (o->dry_run)
        return 0;
    const char *name = out_name(o, base);
    size_t len = 0;
    if (o->dump) {
        char *text = sp_dump_string(doc, &len);
        if (!text) {
            sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
            return -1;
        }
        sp_afile *f = stage_open(st, name, d);
        int rc = f ? sp_afile_write(f, text, len) : -1;
        free(text);
        if (rc != 0) {
            sp_afile_abort(f);
            return -1;
        }
        res->bytes_written += len;
        stage_keep(st, f, name, res);
        return 0;
    }
    char *path = stage_path(st, name);
    sp_pdf *pdf = sp_pdf_begin(fonts, doc, path ? path : name, d);
    free(path);
    if (!pdf)
        return -1;
    if (sp_pdf_add(pdf, doc) != 0) {
        sp_pdf_abort(pdf);
        return -1;
    }
    sp_afile *f = stage_open(st, name, d);
    if (sp_pdf_finish_to(pdf, f, &len) != 0) {
        sp_afile_abort(f);
        return -1;
    }
    res->bytes_written += len;
    stage_keep(st, f, name, res);
    return 0;
}
/* After a truncating snprintf into BUF (SIZE bytes): drops a UTF-8
 * sequence cut in half at the end. */
static void trim_utf8(char *buf, size_t size)
{
    size_t n = strlen(buf);
    if (n + 1 < size)
        return;
    size_t k = n;
    while (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80)
        k--;
    if (k > 0 && (unsigned char)buf[k - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)buf[k - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (n - (k - 1) < need)
            buf[k - 1] = '\0';
    }
}

/* The document's metadata, in the pack's language MSGS; WHAT is
 * translated ("Flashcards"). */
static void set_meta(sp_doc *doc, const sp_pack *pack, const sp_msgs *msgs,
                     const char *what)
{
    const sp_meta *m = &pack->meta;
    char buf[1024], who[512];
    what = sp_tr(msgs, what);
    /* TRANSLATORS: PDF title: "Spotify Backend Developer: Flashcards" */
    sp_fill(buf, sizeof buf, sp_tr(msgs, "{1}: {2}"), m->title, what, NULL);
    sp_doc_set(&doc->title, buf);
    snprintf(who, sizeof who, "%s%s%s%s%s", m->company ? m->company : "",
             m->company ? " " : "", m->role, m->edition ? " " : "",
             m->edition ? m->edition : "");
    trim_utf8(who, sizeof who);
    /* TRANSLATORS: PDF subject: "Flashcards for Spotify Backend Developer
     * 2026" */
    sp_fill(buf, sizeof buf, sp_tr(msgs, "{1} for {2}"), what, who, NULL);
    sp_doc_set(&doc->subject, buf);
    snprintf(buf, sizeof buf, "%s, %s, %s%s%s",
             sp_tr(msgs, "interview preparation"), what, m->role,
             m->company ? ", " : "", m->company ? m->company : "");
    trim_utf8(buf, sizeof buf);
    sp_doc_set(&doc->keywords, buf);
    if (m->company)
        sp_doc_set(&doc->author, m->company);
    sp_doc_set(&doc->creator, "studypack " SP_VERSION);
    doc->print_actual_size = 1;
}

/* Moves the logical pages of FROM from index FIRST on to the end of TO;
 * FROM keeps empty pages in their place.  0, or -1 when out of memory. */
static int move_pages(sp_doc *from, size_t first, sp_doc *to)
{
    for (size_t i = first; i < from->n_pages; i++) {
        sp_dlist *pg = sp_doc_add_page(to, 0, 0);
        if (!pg)
            return -1;
        *pg = from->pages[i];
        sp_dlist_init(&from->pages[i], 0, 0);
    }
    return 0;
}

/* Imposes the first N cards of *PART on one sheet, renders the sheet and
 * releases those cards: *PART keeps only the cards after them. */
static int flush_sheet(sp_doc *part, const sp_grid *grid, size_t n,
                       sp_pdf *pdf, sp_build_result *res, sp_diags *d)
{
    sp_doc rest;
    sp_doc_init(&rest);
    if (sp_impose_cards(part, grid, n) != 0
        || move_pages(part, 2 * n, &rest) != 0) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        sp_doc_release(&rest);
        return -1;
    }
    res->n_flashcard_pages += (int)part->n_sheets;
    int rc = pdf ? sp_pdf_add(pdf, part) : 0;     /* none in a dry run */
    sp_doc_release(part);
    *part = rest;
    return rc;
}

/* The print dialog's duplex preset that matches the cards' imposition. */
static sp_print_duplex cards_duplex(const sp_build_opts *o)
{
    switch (o->duplex) {
    case SP_DUPLEX_FOLD: return SP_PRINT_SIMPLEX;
    case SP_DUPLEX_SHORT: return SP_PRINT_FLIP_SHORT;
    default: return SP_PRINT_FLIP_LONG;
    }
}

/* The flashcards PDF, streamed: the cards of one sheet at a time are laid
 * out, imposed, rendered and released (a question's follow-on cards may
 * run over to the next sheet).  The bytes are those of imposing and
 * rendering all cards at once. */
static int stream_flashcards(const sp_pack *pack, const sp_fonts *fonts,
                             const sp_card_opts *co, const sp_grid *grid,
                             const sp_build_opts *o, stage *st,
                             sp_build_result *res, sp_diags *d)
{
    const char *name = out_name(o, "flashcards");
    sp_doc meta, part;
    sp_doc_init(&meta);
    sp_doc_init(&part);
    set_meta(&meta, pack, co->msgs, N_("Flashcards"));
    meta.print_duplex = cards_duplex(o);
    sp_cards *cards = sp_cards_new(pack, fonts, co, d);
    sp_pdf *pdf = NULL;
    sp_afile *f = NULL;
    if (cards && !o->dry_run) {     /* a dry run lays out, writes nothing */
        char *path = stage_path(st, name);
        pdf = sp_pdf_begin(fonts, &meta, path ? path : name, d);
        free(path);
        /* the sheets go into the file as they are drawn */
        f = pdf ? stage_open(st, name, d) : NULL;
        if (f && sp_pdf_write_to(pdf, f) != 0) {
            sp_afile_abort(f);
            f = NULL;
        }
        if (!f) {
            sp_pdf_abort(pdf);
            pdf = NULL;
        }
    }
    size_t per = (size_t)grid->per_sheet;
    long total = 0;
    int rc = -1;
    if (!pdf && (!cards || !o->dry_run))
        goto out;
    for (size_t qi = 0; qi < pack->n_questions; qi++) {
        long n = sp_cards_add(cards, qi, &part);
        if (n < 0)
            goto out;
        total += n;
        while (part.n_pages / 2 >= per)
            if (flush_sheet(&part, grid, per, pdf, res, d) != 0)
                goto out;
    }
    if (part.n_pages > 0
        && flush_sheet(&part, grid, part.n_pages / 2, pdf, res, d) != 0)
        goto out;
    res->n_cards = (int)total;
    size_t len = 0;
    if (o->dry_run) {
        rc = 0;
        goto out;
    }
    if (strict_stop(o, d) != 0)
        goto out;
    rc = sp_pdf_finish_to(pdf, f, &len);
    pdf = NULL;
    if (rc != 0)
        sp_afile_abort(f);
    else
        stage_keep(st, f, name, res);
    f = NULL;
    res->bytes_written += len;
out:
    sp_pdf_abort(pdf);
    sp_afile_abort(f);
    sp_cards_free(cards);
    sp_doc_release(&part);
    sp_doc_release(&meta);
    return rc;
}

static int build_flashcards(const sp_pack *pack, const sp_fonts *fonts,
                            const sp_build_opts *o, stage *st,
                            const sp_msgs *msgs, const char *lang,
                            sp_build_result *res, sp_diags *d)
{
    sp_grid_opts go = {
        o->paper_w_pt, o->paper_h_pt, o->card_w_pt, o->card_h_pt,
        o->margin_pt,  o->gap_pt,     o->duplex,    o->back_dx_pt,
        o->back_dy_pt, o->crop_marks, o->cut_lines,  o->back_sx,
        o->back_sy,
    };
    sp_grid grid;
    if (sp_grid_compute(&go, &grid) != 0) {
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0,
                    "a %.0fx%.0f mm card does not fit on %s paper with a "
                    "%.0f mm margin%s",
                    o->card_w_pt * 25.4 / 72, o->card_h_pt * 25.4 / 72,
                    o->paper, o->margin_pt * 25.4 / 72,
                    o->duplex == SP_DUPLEX_FOLD ? " in fold mode" : "");
        return -1;
    }
    sp_card_opts co;
    memset(&co, 0, sizeof co);
    co.card_w_pt = o->card_w_pt;
    co.card_h_pt = o->card_h_pt;
    co.min_pt = o->min_size_pt;
    co.first_fit = o->first_fit;
    co.msgs = msgs;
    co.hyphen = sp_hyphen_get(lang);
    if (!o->dump)       /* a dry run lays out and imposes, writes nothing */
        return stream_flashcards(pack, fonts, &co, &grid, o, st, res, d);
    /* the dump device writes the whole document at once */
    sp_doc doc;
    sp_doc_init(&doc);
    long n = sp_cards_build(pack, fonts, &co, &doc, d);
    int rc = -1;
    if (n < 0)
        goto out;
    if (sp_impose_cards(&doc, &grid, (size_t)n) != 0) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    set_meta(&doc, pack, msgs, N_("Flashcards"));
    doc.print_duplex = cards_duplex(o);
    res->n_cards = (int)n;
    res->n_flashcard_pages = (int)doc.n_sheets;
    rc = write_doc(&doc, fonts, o, st, "flashcards", res, d);
out:
    sp_doc_release(&doc);
    return rc;
}

/* Points the imposed booklet's outline entries at the sheet sides that
 * carry their pages (the reading-order entries name logical pages), and
 * drops the page labels, which number reading-order pages. */
static void map_outline_to_sheets(sp_doc *doc)
{
    for (size_t i = 0; i < doc->n_outline; i++) {
        sp_outline_entry *e = &doc->outline[i];
        for (size_t s = 0; s < doc->n_sheets; s++) {
            const sp_sheet *sh = &doc->sheets[s];
            for (size_t k = 0; k < sh->n_placements; k++) {
                const sp_placement *pl = &sh->placements[k];
                if (pl->page != e->sheet)
                    continue;
                double h = doc->pages[pl->page].height_pt;
                e->y_pt = pl->y_pt +
                          (pl->rotate_deg == 180 ? h - e->y_pt : e->y_pt);
                e->sheet = s;
                goto next;
            }
        }
    next:;
    }
    for (size_t i = 0; i < doc->n_labels; i++)
        free(doc->labels[i].prefix);
    free(doc->labels);
    doc->labels = NULL;
    doc->n_labels = 0;
}

static int build_timeline(const sp_pack *pack, const sp_fonts *fonts,
                          const sp_build_opts *o, stage *st,
                          const sp_msgs *msgs, const char *lang,
                          sp_build_result *res, sp_diags *d)
{
    sp_schedule *sched = sp_build_schedule(pack, o, d);
    if (!sched)
        return -1;
    /* a booklet page is half a sheet: A5 on A4, half-letter on Letter */
    sp_booklet_layout lay;
    memset(&lay, 0, sizeof lay);
    lay.page_w_pt = o->paper_h_pt / 2;
    lay.page_h_pt = o->paper_w_pt;
    lay.msgs = msgs;
    lay.hyphen = sp_hyphen_get(lang);
    lay.student = o->student;
    sp_doc doc;
    sp_doc_init(&doc);
    int rc = -1;
    long n = sp_booklet_build(pack, sched, fonts, &lay, &doc, d);
    if (n < 0)
        goto out;
    set_meta(&doc, pack, msgs, N_("Prep timeline"));
    res->n_timeline_pages = (int)n;
    res->n_days = sched->n_days;
    if (write_doc(&doc, fonts, o, st, "timeline", res, d) != 0)
        goto out;
    sp_booklet_opts bo = {o->paper_h_pt, o->paper_w_pt, lay.page_w_pt,
                          lay.page_h_pt, o->booklet_flip_long, o->creep_pt};
    if (sp_impose_booklet(&doc, &bo) != 0) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    map_outline_to_sheets(&doc);
    set_meta(&doc, pack, msgs,
             N_("Prep timeline, imposed for saddle stitching"));
    doc.print_duplex = o->booklet_flip_long ? SP_PRINT_FLIP_LONG
                                            : SP_PRINT_FLIP_SHORT;
    res->n_booklet_pages = (int)doc.n_sheets;
    rc = write_doc(&doc, fonts, o, st, "timeline-booklet", res, d);
out:
    sp_doc_release(&doc);
    sp_schedule_free(sched);
    return rc;
}

/* The interviewer's kit: full pages of the paper, in reading order. */
static int build_mock(const sp_pack *pack, const sp_fonts *fonts,
                      const sp_build_opts *o, stage *st, const sp_msgs *msgs,
                      sp_build_result *res, sp_diags *d)
{
    /* the booklet's schedule (a personal one too); its fitting warnings
     * are said once, by the booklet or here when there is none */
    sp_diags *quiet = (o->outputs & SP_OUT_TIMELINE) ? sp_diags_new() : NULL;
    sp_schedule *sched = sp_build_schedule(pack, o, quiet ? quiet : d);
    sp_diags_free(quiet);
    if (!sched) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    sp_mock_opts mo = {o->paper_w_pt, o->paper_h_pt, 0, msgs};
    sp_doc doc;
    sp_doc_init(&doc);
    int rc = -1;
    long n = sp_mock_build(pack, sched, fonts, &mo, &doc, d);
    if (n >= 0) {
        set_meta(&doc, pack, msgs, N_("Mock-interview kit"));
        doc.print_duplex = SP_PRINT_SIMPLEX;
        res->n_mock_pages = (int)n;
        rc = write_doc(&doc, fonts, o, st, "mock-interview", res, d);
    }
    sp_doc_release(&doc);
    sp_schedule_free(sched);
    return rc;
}

/* The --export formats (export.h), staged with the PDFs; the ones not
 * asked for are removed, so the folder holds what this build made. */
static int build_exports(const sp_pack *pack, const sp_build_opts *o,
                         stage *st, sp_build_result *res, sp_diags *d)
{
    static const sp_export_format all[] = {SP_EXPORT_APKG,
                                           SP_EXPORT_ANKI_TEXT,
                                           SP_EXPORT_ICS, SP_EXPORT_JSON};
    sp_export_opts eo = {o->has_interview_date,
                         {o->interview_y, o->interview_m, o->interview_d},
                         o->student, o->export_epoch, NULL};
    if (o->student_dir)
        return 0;   /* a roster's student: its calendar comes by the hook */
    /* the plan the booklet shows (its fitting warnings were said there) */
    sp_diags *quiet = sp_diags_new();
    sp_schedule *sched = NULL;
    if ((o->exports & (SP_EXPORT_ICS | SP_EXPORT_JSON)) && !pack->is_bank) {
        sched = sp_build_schedule(pack, o, quiet ? quiet : d);
        if (!sched) {
            sp_diags_free(quiet);
            return -1;
        }
        eo.schedule = sched;
    }
    sp_diags_free(quiet);
    int rc = 0;
    for (size_t i = 0; i < sizeof all / sizeof *all && rc == 0; i++) {
        const char *name = sp_export_file_name(all[i]);
        if (!(o->exports & (unsigned)all[i])) {
            unlinkat(st->dirfd, name, 0);
            continue;
        }
        size_t len = 0;
        void *data = sp_export_render(pack, all[i], &eo, &len, d);
        sp_afile *f = data ? stage_open(st, name, d) : NULL;
        rc = f ? sp_afile_write(f, data, len) : -1;
        free(data);
        if (rc != 0)
            sp_afile_abort(f);
        else
            stage_keep(st, f, name, res);
    }
    sp_schedule_free(sched);
    return rc;
}

/* The day-of sheets: a quarter of the paper each, four to a page. */
static int build_pocket(const sp_pack *pack, const sp_fonts *fonts,
                        const sp_build_opts *o, stage *st,
                        const sp_msgs *msgs, sp_build_result *res,
                        sp_diags *d)
{
    double gap = SP_MM_TO_PT(4);
    double w = (o->paper_w_pt - 2 * o->margin_pt - gap) / 2;
    double h = (o->paper_h_pt - 2 * o->margin_pt - gap) / 2;
    sp_grid_opts go = {o->paper_w_pt, o->paper_h_pt, w, h, o->margin_pt,
                       gap, SP_DUPLEX_LONG, 0, 0, o->crop_marks,
                       o->cut_lines, 1, 1};
    sp_grid grid;
    if (!(w > SP_MM_TO_PT(40)) || !(h > SP_MM_TO_PT(40))
        || sp_grid_compute(&go, &grid) != 0) {
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "the pocket sheets do not "
                    "fit on %s paper with a %.0f mm margin", o->paper,
                    o->margin_pt * 25.4 / 72);
        return -1;
    }
    sp_doc doc;
    sp_doc_init(&doc);
    int rc = -1;
    long n = sp_pocket_build(pack, fonts, w, h, &doc, d, msgs);
    if (n >= 0 && sp_impose_simplex(&doc, &grid, (size_t)n) != 0) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        n = -1;
    }
    if (n >= 0) {
        set_meta(&doc, pack, msgs, N_("Pocket sheets"));
        doc.print_duplex = SP_PRINT_SIMPLEX;
        res->n_pocket_pages = (int)doc.n_sheets;
        rc = write_doc(&doc, fonts, o, st, "pocket", res, d);
    }
    sp_doc_release(&doc);
    return rc;
}

/* The student's name must be drawable: 0, or -1 with an error. */
static int student_glyphs(const char *name, const sp_fonts *fonts,
                          sp_diags *d)
{
    size_t len = name ? strlen(name) : 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += sp_utf8_next(name + i, len - i, &cp);
        sp_face f = sp_glyph_face(fonts, SP_FACE_BOLD, cp);
        if (cp < 0x20 || !sp_fonts_has(fonts, f, cp)) {
            sp_diag_add(d, SP_D_GLYPH, NULL, 0, 0, "the student's name '%s': "
                        "character U+%04X cannot be drawn by the fonts",
                        name, (unsigned)cp);
            return -1;
        }
    }
    return 0;
}

/* Introduces each diagnostic about a bank of PACK, from index FIRST on,
 * by the includes that brought the bank in, as load does. */
static void bank_context(const sp_pack *pack, sp_diags *d, size_t first)
{
    size_t n = sp_diags_count(d);
    if (n == first || pack->n_inputs < 2 || !pack->included_at)
        return;
    sp_diags *t = sp_diags_new();
    if (!t)
        return;
    for (size_t i = first; i < n; i++) {
        const sp_diag *it = sp_diags_at(d, i);
        int lead = it->severity != SP_NOTE &&
                   !(i > first && sp_diags_at(d, i - 1)->code == SP_D_INCLUDED);
        const char *f = lead ? it->file : NULL;
        for (int depth = 0; f && depth < 16; depth++) {
            size_t k = 1;
            while (k < pack->n_inputs && strcmp(pack->inputs[k], f) != 0)
                k++;
            const sp_loc *at = k < pack->n_inputs ? &pack->included_at[k]
                                                  : NULL;
            if (!at || !at->file)
                break;
            sp_diag_add_sev(t, SP_D_INCLUDED, SP_NOTE, at->file, at->line,
                            at->col, "%s", depth ? "from" : "");
            f = at->file;
        }
        sp_diag_add_sev(t, it->code, it->severity, it->file, it->line,
                        it->col, "%s", it->message);
    }
    sp_diags_truncate(d, first);
    sp_diags_move(d, t);
    sp_diags_free(t);
}

static int build_pack(const sp_pack *pack, const sp_fonts *fonts,
                      const sp_build_opts *o, sp_build_result *res,
                      sp_diags *d);

/* Completes the fonts for the characters of S[0..LEN) in the regular,
 * bold and italic faces (system fonts, as the glyph check does); the
 * first character no font has is reported once through *MISSING. */
static void resolve_chars(const sp_fonts *fonts, const char *s, size_t len,
                          uint32_t *missing)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += sp_utf8_next(s + i, len - i, &cp);
        if (cp < 0x20)
            continue;
        for (int face = 0; face < 3; face++) {
            int added;
            if (sp_fonts_pick(fonts, (sp_face)face, cp) < 0
                && sp_fonts_resolve(fonts, (sp_face)face, cp, &added) < 0
                && !*missing)
                *missing = cp;
        }
    }
}

/* The tool's own words in the pack's language (the catalogue MSGS and
 * the dates of LANG: every month and weekday name) get fonts before
 * layout, as the pack's text does; a character no font has is one
 * warning (it would be drawn as nothing). */
static void words_glyphs(const sp_msgs *msgs, const sp_fonts *fonts,
                         sp_diags *d)
{
    uint32_t missing = 0;
    size_t len;
    const char *s;
    for (size_t i = 0; (s = sp_msgs_string(msgs, i, &len)); i++)
        resolve_chars(fonts, s, len, &missing);
    sp_datefmt *df = sp_datefmt_new(sp_msgs_lang(msgs));
    for (int k = 0; df && k < 19; k++) {
        /* a week, then the 15th of every month of 2026 */
        sp_date day = k < 7 ? (sp_date){2026, 1, 5 + k}
                            : (sp_date){2026, k - 6, 15};
        for (int st = 0; st < SP_DATE_STYLES; st++) {
            char b[SP_DATEFMT_BUF];
            sp_datefmt_format(df, (sp_date_style)st, day, b, sizeof b);
            resolve_chars(fonts, b, strlen(b), &missing);
        }
    }
    sp_datefmt_free(df);
    if (missing)
        sp_diag_add(d, SP_D_WARNING, NULL, 0, 0,
                    "the tool's own words in '%s': character U+%04X cannot "
                    "be drawn by the fonts", sp_msgs_lang(msgs),
                    (unsigned)missing);
}

int sp_build_pack(const sp_pack *pack, const sp_fonts *fonts,
                  const sp_build_opts *o, sp_build_result *res, sp_diags *d)
{
    size_t first = sp_diags_count(d);
    int rc = build_pack(pack, fonts, o, res, d);
    bank_context(pack, d, first);
    return rc;
}

static int build_pack(const sp_pack *pack, const sp_fonts *fonts,
                      const sp_build_opts *o, sp_build_result *res,
                      sp_diags *d)
{
    memset(res, 0, sizeof *res);
    res->n_questions = (int)pack->n_questions;
    if (pack->is_bank) {
        sp_diag_add(d, SP_D_USAGE, pack->file, 0, 0,
                    "this is a bank (root <questions>), not a pack; build "
                    "the pack that includes it");
        return -1;
    }
    const char *why = sp_build_opts_problem(o);
    if (why) {
        sp_diag_add(d, SP_D_USAGE, NULL, 0, 0, "%s", why);
        return -1;
    }
    /* Han characters drawn in the forms of the pack's language */
    sp_fonts_prefer_lang(fonts, o->lang ? o->lang : pack->lang);
    if (sp_glyphs_check(pack, fonts, d) != 0
        || student_glyphs(o->student, fonts, d) != 0)
        return -1;
    /* the pack's own language: --lang, else xml:lang (msg.h) */
    const char *lang = o->lang ? o->lang : pack->lang;
    sp_msgs *msgs = sp_msgs_open(lang, o->locale_dir, d);
    if (!msgs) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        return -1;
    }
    words_glyphs(msgs, fonts, d);
    if (o->dry_run || o->strict) {
        /* --strict: lay everything out first, so that a warning stops
         * the build before a folder or a file is made */
        sp_build_opts dry = *o;
        dry.dry_run = 1;
        stage none;
        memset(&none, 0, sizeof none);
        none.dirfd = -1;
        size_t warnings = sp_diags_warnings(d), errors = sp_diags_errors(d);
        int drc = 0;
        if ((o->outputs & SP_OUT_FLASHCARDS) &&
            build_flashcards(pack, fonts, &dry, &none, msgs, lang, res, d)
                != 0)
            drc = -1;
        if (drc == 0 && (o->outputs & SP_OUT_TIMELINE) &&
            build_timeline(pack, fonts, &dry, &none, msgs, lang, res, d)
                != 0)
            drc = -1;
        if (drc == 0 && (o->outputs & SP_OUT_MOCK) &&
            build_mock(pack, fonts, &dry, &none, msgs, res, d) != 0)
            drc = -1;
        if (drc == 0 && (o->outputs & SP_OUT_POCKET) && pack->n_rounds > 0
            && build_pocket(pack, fonts, &dry, &none, msgs, res, d) != 0)
            drc = -1;
        if (o->dry_run || drc != 0 || sp_diags_errors(d) > errors) {
            sp_msgs_free(msgs);
            return drc != 0 || sp_diags_errors(d) > errors ? -1 : 0;
        }
        if (sp_diags_warnings(d) > warnings) {
            strict_stop(o, d);
            sp_msgs_free(msgs);
            return -1;
        }
        int n_questions = res->n_questions;
        memset(res, 0, sizeof *res);
        res->n_questions = n_questions;
    }
    /* the pack's folder: opened once, never through a symbolic link, and
     * every file created, written and renamed relative to it, so output
     * goes only under the output folder even if the folder is swapped.
     * A folder made here is removed again if the build fails (when it is
     * still empty: nothing is left behind). */
    stage st;
    memset(&st, 0, sizeof st);
    struct stat sb;
    int out_existed = stat(o->out_dir, &sb) == 0;
    int out_fd = sp_dir_open(o->out_dir, d);
    int existed = out_fd >= 0 &&
                  fstatat(out_fd, pack->id, &sb, AT_SYMLINK_NOFOLLOW) == 0;
    st.dirfd = out_fd < 0 ? -1
                          : sp_dir_open_sub(out_fd, o->out_dir, pack->id, d);
    if (st.dirfd < 0) {
        if (out_fd >= 0)
            close(out_fd);
        if (!out_existed)
            rmdir(o->out_dir);
        sp_msgs_free(msgs);
        return -1;
    }
    size_t dl = strlen(o->out_dir) + strlen(pack->id) + 2
                + (o->student_dir ? strlen(o->student_dir) + 10 : 0);
    st.dir_path = malloc(dl);
    int rc = -1;
    if (!st.dir_path) {
        sp_diag_add(d, SP_D_NOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    snprintf(st.dir_path, dl, "%s/%s", o->out_dir, pack->id);
    /* a roster's student: OUT/ID/students/NAME, opened the same way */
    for (int level = 0; o->student_dir && level < 2; level++) {
        const char *name = level ? o->student_dir : "students";
        int sub_fd = sp_dir_open_sub(st.dirfd, st.dir_path, name, d);
        close(st.dirfd);
        st.dirfd = sub_fd;
        if (sub_fd < 0)
            goto out;
        size_t l = strlen(st.dir_path);
        snprintf(st.dir_path + l, dl - l, "/%s", name);
    }
    if ((o->outputs & SP_OUT_FLASHCARDS) &&
        build_flashcards(pack, fonts, o, &st, msgs, lang, res, d) != 0)
        goto out;
    if ((o->outputs & SP_OUT_TIMELINE) &&
        build_timeline(pack, fonts, o, &st, msgs, lang, res, d) != 0)
        goto out;
    if ((o->outputs & SP_OUT_MOCK)
        && build_mock(pack, fonts, o, &st, msgs, res, d) != 0)
        goto out;
    if ((o->outputs & SP_OUT_POCKET) && pack->n_rounds > 0
        && build_pocket(pack, fonts, o, &st, msgs, res, d) != 0)
        goto out;
    if (build_exports(pack, o, &st, res, d) != 0)
        goto out;
    /* every file written.  An old stamp goes first (whatever it is: a
     * link or a FIFO there is removed, never followed): it must never
     * describe a mixture of old and new files.  The new one comes last. */
    if (unlinkat(st.dirfd, SP_STAMP_NAME, 0) != 0 && errno != ENOENT) {
        sp_diag_add(d, SP_D_IO, st.dir_path, 0, 0, "cannot remove the old "
                    "%s: %s", SP_STAMP_NAME, strerror(errno));
        goto out;
    }
    if (o->stamp) {
        size_t len = 0;
        int failed = 0;
        char *text = o->stamp(pack, res, o->stamp_ctx, d, &len, &failed);
        sp_afile *f = text ? stage_open(&st, SP_STAMP_NAME, d) : NULL;
        int wrc = f ? sp_afile_write(f, text, len) : -1;
        free(text);
        if (failed || (text && wrc != 0)) {
            sp_afile_abort(f);
            goto out;
        }
        if (f)
            stage_keep(&st, f, NULL, res);
    }
    rc = o->commit ? o->commit(st.files, st.n, o->commit_ctx)
                   : sp_afile_commit_all(st.files, st.n);
    st.n = 0;
out:
    for (size_t i = 0; i < st.n; i++)
        sp_afile_abort(st.files[i]);
    free(st.dir_path);
    close(st.dirfd);
    if (rc != 0 && !existed && unlinkat(out_fd, pack->id, AT_REMOVEDIR) == 0
        && !out_existed)
        rmdir(o->out_dir);
    close(out_fd);
    sp_msgs_free(msgs);
    return rc;
}
