/* test_fsutil.c - reading input files whole: mapped or read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"

static char dir[] = "/tmp/sp-fsutil-XXXXXX";

static const char *path_in(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(path_in(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* a regular file is mapped, with every byte as written */
static void map_regular(void **state)
{
    (void)state;
    char data[5000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 7);
    write_bytes("r.bin", data, sizeof data);
    size_t size = 1;
    int mapped = 0;
    const unsigned char *p = sp_map_file(path_in("r.bin"), 1 << 20, &size,
                                         &mapped);
    assert_non_null(p);
    assert_int_equal(size, sizeof data);
    assert_int_equal(mapped, 1);
    assert_memory_equal(p, data, sizeof data);
    sp_unmap_file(p, size, mapped);
}

/* an empty file cannot be mapped: it is read, zero bytes */
static void read_empty(void **state)
{
    (void)state;
    write_bytes("e.bin", "", 0);
    size_t size = 1;
    int mapped = 1;
    const unsigned char *p = sp_map_file(path_in("e.bin"), 1 << 20, &size,
                                         &mapped);
    assert_non_null(p);
    assert_int_equal(size, 0);
    assert_int_equal(mapped, 0);
    sp_unmap_file(p, size, mapped);
}

/* a FIFO is read to its end, across several reads */
static void read_fifo(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(path_in("fifo"), 0600), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = fopen(path_in("fifo"), "wb");
        for (int i = 0; f && i < 20000; i++)
            fprintf(f, "%04d\n", i % 10000);
        _exit(f && fclose(f) == 0 ? 0 : 1);
    }
    size_t size = 0;
    int mapped = 1;
    const unsigned char *p = sp_map_file(path_in("fifo"), 1 << 20, &size,
                                         &mapped);
    assert_non_null(p);
    assert_int_equal(mapped, 0);
    assert_int_equal(size, 20000 * 5);
    assert_memory_equal(p + 5 * 12345, "2345\n", 5);
    sp_unmap_file(p, size, mapped);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* over the limit: EFBIG; missing: ENOENT */
static void refusals(void **state)
{
    (void)state;
    write_bytes("big.bin", "0123456789", 10);
    size_t size = 7;
    int mapped = 7;
    errno = 0;
    assert_null(sp_map_file(path_in("big.bin"), 9, &size, &mapped));
    assert_int_equal(errno, EFBIG);
    assert_int_equal(size, 0);
    assert_int_equal(mapped, 0);
    const unsigned char *p = sp_map_file(path_in("big.bin"), 10, &size,
                                         &mapped);
    assert_non_null(p);
    sp_unmap_file(p, size, mapped);
    errno = 0;
    assert_null(sp_map_file(path_in("none.bin"), 10, &size, &mapped));
    assert_int_equal(errno, ENOENT);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"r.bin", "e.bin", "fifo", "big.bin"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(path_in(names[i]));
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(map_regular),
        cmocka_unit_test(read_empty),
        cmocka_unit_test(read_fifo),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
