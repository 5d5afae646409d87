/* testutil.c - helpers shared by the cmocka unit tests (testutil.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "testutil.h"
#include "text.h"

static void **pool;
static size_t n_pool, cap_pool;

void *sp_test_alloc(size_t n)
{
    if (n_pool == cap_pool) {
        cap_pool = cap_pool ? cap_pool * 2 : 1024;
        pool = realloc(pool, cap_pool * sizeof *pool);
        assert_non_null(pool);
    }
    void *p = calloc(1, n ? n : 1);
    assert_non_null(p);
    return pool[n_pool++] = p;
}

char *sp_test_strndup(const char *s, size_t n)
{
    char *p = sp_test_alloc(n + 1);
    memcpy(p, s, n);
    return p;
}

void sp_test_pool_free(void)
{
    for (size_t i = 0; i < n_pool; i++)
        free(pool[i]);
    free(pool);
    pool = NULL;
    n_pool = cap_pool = 0;
}

sp_fonts *sp_test_open_fonts(char *root, size_t root_size)
{
    const char *r = getenv("SP_ROOT");
    snprintf(root, root_size, "%s", r ? r : ".");
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/fonts", root);
    sp_diags *d = sp_diags_new();
    sp_fonts *f = sp_fonts_open(dir, d);
    if (!f)
        sp_diags_print(d, stderr, 0);
    sp_diags_free(d);
    return f;
}

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

sp_text sp_test_markup(const char *m)
{
    size_t cap = 2;
    for (const char *p = m; *p; p++)
        cap += *p == '*' || *p == '_' || *p == '`';
    sp_text t = {sp_test_alloc(cap * sizeof(sp_span)), 0};
    unsigned style = 0;
    const char *start = m;
    for (const char *p = m;; p++) {
        unsigned bit = *p == '*' ? SP_STYLE_BOLD : *p == '_' ? SP_STYLE_ITALIC
                     : *p == '`' ? SP_STYLE_MONO : 0;
        if (!bit && *p)
            continue;
        if (p > start) {
            t.spans[t.n_spans].style = style;
            t.spans[t.n_spans++].text =
                sp_test_strndup(start, (size_t)(p - start));
        }
        if (!*p)
            break;
        style ^= bit;
        start = p + 1;
    }
    return t;
}

double sp_test_item_width(const sp_fonts *fonts, const sp_dl_item *it)
{
    if (!it->glyphs)
        return sp_text_width_pt(fonts, it->face, it->size_pt, it->text,
                                it->text_len);
    double w = 0;
    for (size_t i = 0; i < it->n_glyphs; i++)
        w += it->glyphs[i].adv;
    return w * it->size_pt / 1000.0;
}
