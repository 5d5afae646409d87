/* libFuzzer target over the whole pipeline: bytes -> parse -> validate ->
 * rules -> glyph check -> schedule -> card layout (in the pack's language,
 * hyphenated) -> imposition -> dump device (and the booklet when it
 * exists).  Inputs that start with the .mo magic go to the message
 * catalogue parser (msg.h) instead, and "plural=" inputs to the plural
 * expression evaluator.  Run from the repository root (make fuzz) so that
 * includes resolve under tests/good/ and the fonts and build/locale
 * folders are found. */
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
#include "hyphenate.h"
#include "load.h"
#include "msg.h"
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
            }
        }
        sp_doc_release(&doc);
        sp_msgs_free(msgs);
    }
    sp_pack_free(pack);
    sp_diags_free(d);
    return 0;
}
