/* libFuzzer target over the whole pipeline: bytes -> parse -> validate ->
 * rules -> glyph check -> schedule -> card layout -> imposition -> dump
 * device (and the booklet when it exists).  Run from the repository root
 * (make fuzz) so that includes resolve under tests/good/ and the fonts
 * folder is found. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
    sp_pack *pack = sp_load_memory("tests/good/fuzz-input.xml",
                                   (const char *)data, size, d);
    if (pack && !pack->is_bank && sp_glyphs_check(pack, fonts, d) == 0) {
        sp_date date = {2027, 2, 28};
        sp_schedule *s = sp_schedule_new(pack, size % 2 ? &date : NULL);
        char *plan = s ? sp_plan_text(pack, s) : NULL;
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
