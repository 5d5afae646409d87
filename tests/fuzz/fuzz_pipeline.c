/* libFuzzer target over the whole pipeline: bytes -> parse -> validate ->
 * rules -> glyph check -> schedule -> card layout -> imposition -> dump
 * device (and the booklet when it exists); the schedule is also fitted to
 * a window, study weekdays and skipped dates chosen from the input's size;
 * and the bytes are parsed as a CSV roster too.  Run from the repository root
 * (make fuzz) so that includes resolve under tests/good/ and the fonts
 * folder is found. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "cards.h"
#include "diag.h"
#include "dlist.h"
#include "dump.h"
#include "fonts.h"
#include "impose.h"
#include "load.h"
#include "roster.h"
#include "schedule.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sp_fonts *fonts;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fonts) {
        sp_diags *fd = sp_diags_new();
        fonts = sp_fonts_open("fonts", fd);
        sp_diags_free(fd);
        if (!fonts)
            abort();
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
            }
        }
        sp_doc_release(&doc);
    }
    sp_pack_free(pack);
    sp_diags_free(d);
    return 0;
}
