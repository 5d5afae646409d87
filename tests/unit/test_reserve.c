/* test_reserve.c - the memory reserve for libraries that do not survive a
 * failed allocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reserve.h"

static void *fake_old;
static size_t asked;

static void *again_ok(void *old, size_t n)
{
    fake_old = old;
    asked = n;
    return malloc(n);
}

static void *again_fails(void *old, size_t n)
{
    (void)old;
    (void)n;
    return NULL;
}

/* a failure is noted, the reserve released and the allocation retried */
static void retry_succeeds(void **state)
{
    (void)state;
    static sp_reserve r;
    assert_int_equal(sp_reserve_fill(&r), 0);
    assert_non_null(atomic_load(&r.mem));
    assert_int_equal(sp_reserve_failed(&r), 0);
    int old;
    void *p = sp_reserve_retry(&r, again_ok, &old, 100, "testing");
    assert_non_null(p);
    assert_ptr_equal(fake_old, &old);
    assert_int_equal(asked, 100);
    assert_int_equal(sp_reserve_failed(&r), 1);
    assert_null(atomic_load(&r.mem));
    free(p);
    /* the next fill clears the note and holds memory again */
    assert_int_equal(sp_reserve_fill(&r), 0);
    assert_int_equal(sp_reserve_failed(&r), 0);
    assert_non_null(atomic_load(&r.mem));
    sp_reserve_drop(&r);
    assert_null(atomic_load(&r.mem));
}

/* with no reserve left the process says so and exits with 3 */
static void retry_fails_exits(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static sp_reserve r;
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        sp_reserve_fill(&r);
        sp_reserve_retry(&r, again_fails, NULL, 100, "testing");
        _exit(0);   /* not reached */
    }
    close(fds[1]);
    char buf[256] = {0};
    ssize_t n = 0, k;
    while ((k = read(fds[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += k;
    close(fds[0]);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    assert_string_equal(buf, "studypack: error: out of memory while testing\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(retry_succeeds),
        cmocka_unit_test(retry_fails_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
