/* libFuzzer target over `studypack import`: bytes -> format detection ->
 * the CSV/TSV/Anki-text parser or the Anki package reader (libzip,
 * SQLite) -> field HTML conversion -> source text, which must then load
 * and validate without a single error (the importer's promise).  Run
 * from the repository root (make fuzz). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "fonts.h"
#include "import.h"
#include "load.h"
#include "model.h"

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
    sp_import_opts o = {NULL, NULL, NULL, NULL, fonts};
    size_t len = 0;
    char *xml = sp_import_memory("tests/fuzz/input", data, size, &o, &len, d);
    if (xml) {
        sp_diags *ld = sp_diags_new();
        sp_pack *pack = sp_load_memory("tests/fuzz/imported.xml", xml, len,
                                       ld);
        if (!pack || sp_diags_errors(ld)) {
            sp_diags_print(ld, stderr, 0);
            fwrite(xml, 1, len, stderr);
            abort();   /* an imported source must validate */
        }
        sp_pack_free(pack);
        sp_diags_free(ld);
        free(xml);
    }
    sp_diags_free(d);
    return 0;
}
