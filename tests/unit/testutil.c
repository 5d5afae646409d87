/* testutil.c - helpers shared by the cmocka unit tests (testutil.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

void sp_test_check_golden(const char *root, const char *name,
                          const char *actual)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/tests/golden/%s", root, name);
    const char *up = getenv("UPDATE_GOLDEN");
    if (up && strcmp(up, "1") == 0) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(actual, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        print_error("missing golden file %s (run with UPDATE_GOLDEN=1)\n",
                    path);
        fail();
    }
    char *exp = NULL;
    size_t cap = 0, n = 0, k;
    char buf[4096];
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = (n + k + 1) * 2;
            exp = realloc(exp, cap);
            assert_non_null(exp);
        }
        memcpy(exp + n, buf, k);
        n += k;
    }
    fclose(f);
    if (!exp)
        exp = calloc(1, 1);
    exp[n] = '\0';
    if (strcmp(exp, actual) != 0) {
        const char *a = exp, *b = actual;
        int line = 1;
        while (*a && *a == *b) {
            if (*a == '\n')
                line++;
            a++;
            b++;
        }
        while (a > exp && a[-1] != '\n') {
            a--;
            b--;
        }
        print_error("%s differs at line %d:\n- %.*s\n+ %.*s\n"
                    "(UPDATE_GOLDEN=1 rewrites it)\n", path, line,
                    (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
        free(exp);
        fail();
    }
    free(exp);
}
