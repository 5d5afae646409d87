/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef SP_TESTUTIL_H
#define SP_TESTUTIL_H

/* Compares ACTUAL with ROOT/tests/golden/NAME and fails the test on a
 * difference, naming the first differing line; with UPDATE_GOLDEN=1 it
 * rewrites the golden file instead. */
void sp_test_check_golden(const char *root, const char *name,
                          const char *actual);

#include <stddef.h>

#include "fonts.h"
#include "model.h"

/* Zeroed memory that lives until sp_test_pool_free (call it in each
 * test's teardown); fails the test when out of memory. */
void *sp_test_alloc(size_t n);
char *sp_test_strndup(const char *s, size_t n);
void sp_test_pool_free(void);

/* Inline content from markup: *bold*, _italic_, `mono` toggle a style;
 * the spans live in the test pool (sp_test_alloc). */
sp_text sp_test_markup(const char *m);

/* Sets ROOT to $SP_ROOT (or ".") and opens ROOT/fonts, printing the
 * reasons when it cannot (run `make fonts` first). */
sp_fonts *sp_test_open_fonts(char *root, size_t root_size);

/* Width in points of text item IT as drawn: its glyphs' advances if it
 * is shaped, else its text shaped as one line. */
double sp_test_item_width(const sp_fonts *fonts, const sp_dl_item *it);

#endif
