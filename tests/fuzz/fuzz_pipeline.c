/* libFuzzer target over the whole pipeline: bytes -> parse -> validate ->
 * rules -> glyph check -> schedule -> card layout -> imposition -> dump
 * device, and the booklet -> saddle-stitch imposition (with creep, either
 * flip) -> dump; every fourth input also goes through the in-memory PDF
 * writer (cards and imposed booklet).  Run from the repository root (make
 * fuzz) so that includes and figures resolve under tests/good/ and the
 * fonts folder is found.  Inputs that start like a PNG or a JPEG go to the
 * image reader instead (both modes: check only, and decode to keep), as a
 * figure's file would.  The mock-interview kit and the pocket sheets are
 * laid out and dumped too; the schedule is also fitted to a window, study
 * weekdays and skipped dates chosen from the input's size; and the bytes
 * are parsed as a CSV roster too.  Other inputs are also checked as a
 * batch stamp.  Inputs that start like an OpenType font (0x00010000,
 * 'OTTO', 'true', 'ttcf') go to font loading: opened from a fonts.txt as
 * the regular face, then a mixed line shaped, laid out and written to an
 * in-memory PDF (subsetting).  Inputs that start with the .mo magic
 * go to the message catalogue parser (msg.h), and "plural=" inputs to
 * the plural expression evaluator; cards are laid out in the pack's
 * language (catalogues from build/locale). */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "booklet.h"
#include "build.h"
#include "cards.h"
#include "diag.h"
#include "dlist.h"
#include "dump.h"
#include "fonts.h"
#include "image.h"
#include "impose.h"
#include "hyphenate.h"
#include "load.h"
#include "mock.h"
#include "msg.h"
#include "pocket.h"
#include "pdf.h"
#include "roster.h"
#include "schedule.h"
#include "text.h"

#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sp_fonts *fonts;

/* DATA as the regular face of a font folder of its own. */
static void fuzz_font(const uint8_t *data, size_t size)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/sp-fuzz-font-%ld", (long)getpid());
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0)
            abort();
        char m[128];
        snprintf(m, sizeof m, "%s/fonts.txt", dir);
        FILE *f = fopen(m, "w");
        if (!f)
            abort();
        fputs("regular font.bin\n", f);
        fclose(f);
    }
    char path[128];
    snprintf(path, sizeof path, "%s/font.bin", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    sp_diags *d = sp_diags_new();
    sp_fonts *ff = sp_fonts_open(dir, d);
    if (ff) {
        sp_fonts_allow_system(ff, 0);
        sp_doc doc;
        sp_doc_init(&doc);
        sp_dlist *pg = sp_doc_add_page(&doc, 300, 200);
        sp_flow *fl = sp_flow_new(ff);
        sp_para_opts o;
        memset(&o, 0, sizeof o);
        sp_lines l;
        sp_lines_init(&l);
        if (pg && fl
            && sp_flow_plain(fl, "AV To fi \xd7\xa9\xd7\x9c \xd8\xa8\xd9\x8a"
                             "\xd8\xaa \xe0\xa4\x95\xe0\xa4\xbf \xe4\xb8\xad"
                             "\xe6\x96\x87 \xf0\x9f\x9a\x80", &o) == 0
            && sp_flow_break(fl, 10, 120, &l) == 0
            && sp_lines_emit(&l, 0, l.n_lines, pg, 10, 10) == 0
            && sp_dl_text(pg, SP_FACE_BOLD, 8, 10, 150, "plain \xc3\xa9", 8) == 0) {
            unsigned char *out = NULL;
            size_t len = 0;
            if (sp_pdf_render(&doc, ff, "fuzz", &out, &len, d) == 0)
                free(out);
        }
        sp_lines_release(&l);
        sp_flow_free(fl);
        sp_doc_release(&doc);
        sp_fonts_free(ff);
    }
    sp_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && (memcmp(data, "\0\1\0\0", 4) == 0
                      || memcmp(data, "OTTO", 4) == 0
                      || memcmp(data, "true", 4) == 0
                      || memcmp(data, "ttcf", 4) == 0)) {
        fuzz_font(data, size);
        return 0;
    }
    if (!fonts) {
        sp_diags *fd = sp_diags_new();
        fonts = sp_fonts_open("fonts", fd);
        sp_diags_free(fd);
        if (!fonts)
            abort();
        sp_fonts_allow_system(fonts, 0);   /* deterministic, and fast */
    }
    if (size >= 4 && (!memcmp(data, "\xde\x12\x04\x95", 4)
                      || !memcmp(data, "\x95\x04\x12\xde", 4))) {
        sp_msgs *m = sp_msgs_from_mo(data, size, "xx");
        if (m) {
            sp_tr(m, "Notes");
            sp_trc(m, "difficulty", "medium");
            for (unsigned long n = 0; n < 4; n++)
                sp_trn(m, "{1} day", "{1} days", n);
        }
        sp_msgs_free(m);
        return 0;
    }
    if (size >= 7 && size < 4096 && !memcmp(data, "plural=", 7)) {
        char *e = malloc(size - 6);
        if (!e)
            return 0;
        memcpy(e, data + 7, size - 7);
        e[size - 7] = '\0';
        for (unsigned long n = 0; n < 30; n += 7)
            sp_plural_eval(e, n);
        free(e);
        return 0;
    }
    if ((size >= 4 && memcmp(data, "\x89PNG", 4) == 0) ||
        (size >= 2 && data[0] == 0xFF && data[1] == 0xD8)) {
        char why[512];
        sp_image img;
        for (int keep = 0; keep <= 1; keep++)
            if (sp_image_read_mem(data, size, keep, &img, why, sizeof why) ==
                SP_IMAGE_OK)
                sp_image_release(&img);
        return 0;
    }
    /* the same bytes as a stamp (batch's one parser of its own files),
     * checked against the folder tests/good */
    char *stamp = malloc(size + 1);
    if (stamp) {
        memcpy(stamp, data, size);
        stamp[size] = '\0';
        int dfd = open("tests/good", O_RDONLY | O_DIRECTORY);
        sp_batch_stamp_ok(stamp, dfd, "tests/good/nested-include.xml", "k");
        if (dfd >= 0)
            close(dfd);
        free(stamp);
    }
    sp_diags *d = sp_diags_new();
    sp_roster_free(sp_roster_parse("fuzz.csv", (const char *)data, size, d));
    sp_diags_clear(d);
    sp_pack *pack = sp_load_memory("tests/good/fuzz-input.xml",
                                   (const char *)data, size, d);
    if (pack && !pack->is_bank && sp_glyphs_check(pack, fonts, d) == 0) {
        sp_date date = {2027, 2, 28};
        sp_schedule *s = sp_schedule_new(pack, size % 2 ? &date : NULL);
        char *plan = s ? sp_plan_text(pack, s) : NULL;
        free(plan);
        int to_pdf = size % 4 == 0;
        if (s) {
            /* the booklet, imposed for saddle stitching */
            sp_doc bk;
            sp_doc_init(&bk);
            sp_booklet_layout lay;
            memset(&lay, 0, sizeof lay);
            if (size % 5 == 0) {        /* half-letter pages */
                lay.page_w_pt = SP_BOOKLET_HALF_LETTER_W_PT;
                lay.page_h_pt = SP_BOOKLET_HALF_LETTER_H_PT;
            } else {
                lay.page_w_pt = SP_BOOKLET_A5_W_PT;
                lay.page_h_pt = SP_BOOKLET_A5_H_PT;
            }
            if (sp_booklet_build(pack, s, fonts, &lay, &bk, d) >= 0) {
                size_t len;
                free(sp_dump_string(&bk, &len));
                /* a sheet holds two pages side by side; creep 0-5 mm */
                sp_booklet_opts bo = {2 * lay.page_w_pt, lay.page_h_pt,
                                      lay.page_w_pt, lay.page_h_pt,
                                      (int)(size % 2),
                                      SP_MM_TO_PT((double)(size % 6))};
                if (sp_impose_booklet(&bk, &bo) == 0) {
                    free(sp_dump_string(&bk, &len));
                    if (to_pdf) {
                        unsigned char *out = NULL;
                        size_t n_out = 0;
                        sp_pdf_render(&bk, fonts, "booklet", &out, &n_out,
                                      d);
                        free(out);
                    }
                }
            }
            sp_doc_release(&bk);
            /* the mock-interview kit, and the pocket sheets 4-up */
            sp_doc mk;
            sp_doc_init(&mk);
            if (sp_mock_build(pack, s, fonts, NULL, &mk, d) >= 0) {
                size_t len;
                free(sp_dump_string(&mk, &len));
            }
            sp_doc_release(&mk);
            sp_doc_init(&mk);
            long np = sp_pocket_build(pack, fonts, SP_MM_TO_PT(99),
                                      SP_MM_TO_PT(141.5), &mk, d, NULL);
            sp_grid_opts po = {SP_MM_TO_PT(210), SP_MM_TO_PT(297),
                               SP_MM_TO_PT(99), SP_MM_TO_PT(141.5),
                               SP_MM_TO_PT(5), SP_MM_TO_PT(4),
                               SP_DUPLEX_LONG, 0, 0, 1, 0, 1, 1};
            sp_grid pg;
            if (np >= 0 && sp_grid_compute(&po, &pg) == 0
                && sp_impose_simplex(&mk, &pg, (size_t)np) == 0) {
                size_t len;
                free(sp_dump_string(&mk, &len));
            }
            sp_doc_release(&mk);
        }
        sp_schedule_free(s);

        /* a personal plan: a window of 1..120 days, a weekday mask, a skip */
        sp_date start = sp_date_add_days(date, -(long)(size % 120) - 1);
        long z = sp_date_to_days(date);
        sp_day_range skip = {z - (long)(size % 17) - 3, z - (long)(size % 17)};
        sp_constraints c = {size % 5 ? &date : NULL, size % 3 ? &start : NULL,
                            (unsigned)((size / 3) % 128), &skip, size % 2};
        s = sp_schedule_fit(pack, &c);
        plan = s ? sp_plan_text(pack, s) : NULL;
        free(plan);
        sp_schedule_free(s);

        sp_doc doc;
        sp_doc_init(&doc);
        sp_card_opts co;
        memset(&co, 0, sizeof co);
        co.card_w_pt = SP_MM_TO_PT(size % 3 ? 127 : 85);
        co.card_h_pt = SP_MM_TO_PT(size % 3 ? 76.2 : 55);
        sp_msgs *msgs = sp_msgs_open(pack->lang, "build/locale", d);
        co.msgs = msgs;
        co.hyphen = sp_hyphen_get(pack->lang);
        long n = sp_cards_build(pack, fonts, &co, &doc, d);
        if (n >= 0) {
            sp_grid_opts go = {SP_MM_TO_PT(210), SP_MM_TO_PT(297),
                               co.card_w_pt, co.card_h_pt, SP_MM_TO_PT(5),
                               SP_MM_TO_PT(4), (sp_duplex)(size % 3), 0, 0,
                               1, (int)(size % 2)};
            sp_grid g;
            if (sp_grid_compute(&go, &g) == 0 &&
                sp_impose_cards(&doc, &g, (size_t)n) == 0) {
                size_t len;
                free(sp_dump_string(&doc, &len));
                if (to_pdf) {
                    unsigned char *out = NULL;
                    size_t n_out = 0;
                    sp_pdf_render(&doc, fonts, "cards", &out, &n_out, d);
                    free(out);
                }
            }
        }
        sp_doc_release(&doc);
        sp_msgs_free(msgs);
    }
    sp_pack_free(pack);
    /* the diagnostics as main prints them (folding, escaping) */
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    sp_diags_fold_includes(d);
    if (null)
        sp_diags_print(d, null, (int)(size % 2));
    sp_diags_free(d);
    return 0;
}
