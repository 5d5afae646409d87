/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef SP_TESTUTIL_H
#define SP_TESTUTIL_H

/* Compares ACTUAL with ROOT/tests/golden/NAME and fails the test on a
 * difference, naming the first differing line; with UPDATE_GOLDEN=1 it
 * rewrites the golden file instead. */
void sp_test_check_golden(const char *root, const char *name,
                          const char *actual);

#endif
