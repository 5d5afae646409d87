/* test_roster.c - the CSV roster: RFC 4180 quoting, line numbers, bad
 * rows, header errors, folder names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "diag.h"
#include "roster.h"
#include "testutil.h"

static sp_roster *parse(const char *csv, sp_diags *d)
{
    return sp_roster_parse("s.csv", csv, strlen(csv), d);
}

/* "LINE: severity: message" of diagnostic I. */
static void assert_diag(const sp_diags *d, size_t i, int line,
                        const char *msg)
{
    assert_true(i < sp_diags_count(d));
    const sp_diag *it = sp_diags_at(d, i);
    if (it->line != line || strcmp(it->message, msg) != 0) {
        print_error("diag %zu: got %d '%s', want %d '%s'\n", i, it->line,
                    it->message, line, msg);
        fail();
    }
}

static void quoting(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    /* CRLF, a BOM, quoted commas, doubled quotes, a line break inside a
     * field, spaces trimmed around unquoted fields, an empty line,
     * columns in another order and case */
    const char *csv =
        "\xEF\xBB\xBFPack,Name,Interview_Date,Skip\r\n"
        "p1, \"Hopper, Grace\" ,2027-01-15,\r\n"
        "p1,\"Ada \"\"The Countess\"\" Lovelace\",2026-12-24,"
        "\"2026-12-08,2026-12-10..2026-12-11\"\r\n"
        "\r\n"
        "p2,\"Two\nLines\",2026-12-24,\n"
        "p2,  Zoë Ågren  ,2026-12-24,\n";
    sp_roster *r = parse(csv, d);
    assert_non_null(r);
    assert_int_equal(sp_diags_count(d), 0);
    assert_int_equal(r->n_students, 4);
    const sp_student *s = r->students;
    assert_string_equal(s[0].name, "Hopper, Grace");
    assert_string_equal(s[0].pack, "p1");
    assert_string_equal(s[0].slug, "hopper-grace");
    assert_int_equal(s[0].line, 2);
    assert_int_equal(s[0].interview.year, 2027);
    assert_int_equal(s[0].n_skip, 0);
    assert_string_equal(s[1].name, "Ada \"The Countess\" Lovelace");
    assert_string_equal(s[1].slug, "ada-the-countess-lovelace");
    assert_int_equal(s[1].n_skip, 2);
    assert_int_equal(s[1].skip[1].last - s[1].skip[1].first, 1);
    assert_string_equal(s[2].name, "Two\nLines");
    assert_int_equal(s[2].line, 5);
    assert_int_equal(s[3].line, 7);     /* the quoted line break counts */
    assert_string_equal(s[3].name, "Zoë Ågren");
    assert_string_equal(s[3].slug, "zoe-agren");
    for (size_t i = 0; i < 4; i++)
        assert_true(s[i].ok);
    sp_roster_free(r);
    sp_diags_free(d);
}

static void bad_rows(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    const char *csv =
        "name,pack,interview_date,start,study_days,skip,email\n"
        "Ada,p,2026-12-24,2026-12-01,mon-fri,,a@example.com\n"
        "Bad Date,p,2026-13-01,,,,\n"
        "Short,p,2026-12-24\n"
        "Quote \"in\" it,p,2026-12-24,,,,\n"
        "\"Closed\"x,p,2026-12-24,,,,\n"
        "Days,p,2026-12-24,,weekends,,\n"
        ",p,2026-12-24,,,,\n"
        "ADA,p,2026-12-24,,,,\n"
        "Ada,q,2026-12-24,,,,\n"
        "Skip,p,2026-12-24,,,2026-12-10..2026-12-01,\n"
        "Last,p,2026-12-24,2026-12-31,,,\n";
    sp_roster *r = parse(csv, d);
    assert_non_null(r);
    assert_int_equal(r->n_students, 11);
    static const int ok[11] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
    for (size_t i = 0; i < 11; i++)
        assert_int_equal(r->students[i].ok, ok[i]);
    assert_int_equal(sp_diags_count(d), 9);
    assert_diag(d, 0, 1, "column 'email' is not used (the columns are name, "
                         "pack, interview_date, start, study_days, skip)");
    assert_int_equal(sp_diags_at(d, 0)->severity, SP_WARNING);
    assert_diag(d, 1, 3, "student 'Bad Date': interview_date '2026-13-01': "
                         "month out of range");
    assert_diag(d, 2, 4, "the row has 3 fields; the header has 7");
    assert_diag(d, 3, 5, "a quote inside a field that does not start with "
                         "one (quote the whole field)");
    assert_diag(d, 4, 6, "text after the closing quote of a field (a quote "
                         "inside a quoted field is written \"\")");
    assert_diag(d, 5, 7, "student 'Days': study_days 'weekends': expected "
                         "weekdays such as mon-fri or mon,wed,sat");
    assert_diag(d, 6, 8, "the name is empty");
    assert_diag(d, 7, 9, "student 'ADA' has the folder name 'ada' of the "
                         "student on line 2 ('Ada') in the same pack; make "
                         "the names differ");
    assert_diag(d, 8, 11, "student 'Skip': skip '2026-12-10..2026-12-01': a "
                          "range ends before it starts");
    /* the start after the interview is found when the row is built */
    assert_string_equal(sp_diags_at(d, 8)->file, "s.csv");
    sp_roster_free(r);
    sp_diags_free(d);
}

static void whole_roster_errors(void **state)
{
    (void)state;
    static const struct {
        const char *csv;
        int line;
        const char *msg;
    } cases[] = {
        {"", 1, "the roster is empty (the first row names the columns: "
                "name,pack,interview_date)"},
        {"name,interview_date\nAda,2026-12-24\n", 1,
         "the header has no column 'pack' (the first row names the columns: "
         "name,pack,interview_date and optionally start, study_days, skip)"},
        {"name,pack,pack,interview_date\n", 1, "column 'pack' is given twice"},
        {"name,pack,interview_date\n\"Ada,p,2026-12-24\n", 2,
         "a quoted field is not closed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_diags *d = sp_diags_new();
        sp_roster *r = parse(cases[i].csv, d);
        if (i < 3)
            assert_null(r);
        else
            assert_int_equal(r->n_students, 0);  /* the rows before stay */
        assert_true(sp_diags_errors(d) >= 1);
        assert_diag(d, sp_diags_count(d) - 1, cases[i].line, cases[i].msg);
        sp_roster_free(r);
        sp_diags_free(d);
    }
}

static void slugs(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"Ada Lovelace", "ada-lovelace"},
        {"  --Ada--  ", "ada"},
        {"Ærøskøbing Þór", "aeroskobing-thor"},
        {"Straße", "strasse"},
        {"李小龍", ""},
        {"R2-D2", "r2-d2"},
        {"O'Brien, Jr.", "o-brien-jr"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = sp_slug(cases[i][0]);
        assert_non_null(s);
        assert_string_equal(s, cases[i][1]);
        free(s);
    }
    /* at most 64 bytes */
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    char *s = sp_slug(longname);
    assert_int_equal(strlen(s), 64);
    free(s);
    /* a name of no letters is a bad row */
    sp_diags *d = sp_diags_new();
    sp_roster *r = parse("name,pack,interview_date\n李小龍,p,2026-12-24\n", d);
    assert_non_null(r);
    assert_false(r->students[0].ok);
    assert_diag(d, 0, 2, "name '李小龍' gives no folder name (it needs a "
                         "letter or digit a-z, 0-9)");
    sp_roster_free(r);
    sp_diags_free(d);
}

/* The exporter hook: called once per student built, in the student's
 * folder, with the student's own schedule; its files are listed. */
typedef struct {
    int calls;
    int fail_for_line;
    char dirs[4][512];
} hook_log;

static int hook(void *ctx, const sp_pack *pack, const sp_schedule *sched,
                const sp_student *st, const char *dir, sp_diags *d)
{
    hook_log *h = ctx;
    if (h->calls < 4)
        snprintf(h->dirs[h->calls], sizeof h->dirs[0], "%s", dir);
    h->calls++;
    if (st->line == h->fail_for_line) {
        sp_diag_add(d, SP_D_IO, NULL, 0, 0, "the hook failed");
        return -1;
    }
    char path[600], date[SP_DATE_BUF];
    snprintf(path, sizeof path, "%s/plan.hook", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "%s %s %d %s\n", pack->id, st->name, sched->n_days,
            sp_date_iso(sched->first_day, date, sizeof date));
    fclose(f);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void exporter_hook(void **state)
{
    (void)state;
    char root[4096];
    sp_fonts *fonts = sp_test_open_fonts(root, sizeof root);
    assert_non_null(fonts);
    char out[] = "/tmp/sp-roster-XXXXXX";
    assert_non_null(mkdtemp(out));
    char sources[4200];
    snprintf(sources, sizeof sources, "%s/sources", root);
    char *paths[1] = {sources};
    sp_build_opts b;
    sp_build_opts_default(&b);
    b.out_dir = out;
    b.dump = 1;                       /* text output: fast */
    sp_batch_opts o = {&b, 1, 0, 1, 0, NULL};
    const char *csv = "name,pack,interview_date,start\n"
                      "Ada,spotify-backend-developer,2026-12-24,2026-12-10\n"
                      "Bo,spotify-backend-developer,2026-12-24,\n";
    sp_diags *d = sp_diags_new();
    sp_roster *r = sp_roster_parse("r.csv", csv, strlen(csv), d);
    assert_non_null(r);
    hook_log h;
    memset(&h, 0, sizeof h);
    sp_student_exporter ex = {"test", hook, &h};
    sp_batch_result res;
    assert_int_equal(sp_roster_run(r, paths, 1, &o, &ex, fonts, &res, d), 0);
    assert_int_equal(h.calls, 2);
    assert_int_equal(res.built, 3);   /* the cards once, two booklets */
    char want[600], path[700];
    snprintf(want, sizeof want, "%s/spotify-backend-developer/students/ada",
             out);
    assert_string_equal(h.dirs[0], want);
    snprintf(path, sizeof path, "%s/plan.hook", want);
    assert_string_equal(slurp(path),
                        "spotify-backend-developer Ada 14 2026-12-10\n");
    snprintf(path, sizeof path, "%s/spotify-backend-developer/students/bo/"
             "plan.hook", out);
    assert_string_equal(slurp(path),
                        "spotify-backend-developer Bo 28 2026-11-26\n");
    snprintf(path, sizeof path, "%s/index.json", out);
    assert_non_null(strstr(slurp(path), "\"spotify-backend-developer/"
                                        "students/ada/plan.hook\""));
    /* again: up to date, the hook is not called */
    assert_int_equal(sp_roster_run(r, paths, 1, &o, &ex, fonts, &res, d), 0);
    assert_int_equal(h.calls, 2);
    assert_int_equal(res.up_to_date, 3);
    /* another format is another output: rebuilt; a failing hook fails
     * its student only */
    ex.format = "test2";
    h.fail_for_line = 3;
    assert_int_equal(sp_roster_run(r, paths, 1, &o, &ex, fonts, &res, d), 1);
    assert_int_equal(h.calls, 4);
    assert_int_equal(res.built, 1);
    assert_int_equal(res.up_to_date, 1);
    assert_int_equal(res.failed, 1);
    const sp_diag *last = sp_diags_at(d, sp_diags_count(d) - 1);
    assert_string_equal(last->message, "while building the booklet of "
                                       "student 'Bo'");
    assert_int_equal(last->line, 3);
    sp_roster_free(r);
    sp_diags_free(d);
    sp_fonts_free(fonts);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting),
        cmocka_unit_test(bad_rows),
        cmocka_unit_test(whole_roster_errors),
        cmocka_unit_test(slugs),
        cmocka_unit_test(exporter_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
