/* test_fsutil.c - reading input files whole: mapped or read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
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

static char *slurp_text(const char *name)
{
    FILE *f = fopen(path_in(name), "rb");
    if (!f)
        return NULL;
    static char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Several files committed together: all renamed, or (one failed) none. */
static void commit_all(void **state)
{
    (void)state;
    sp_diags *d = sp_diags_new();
    assert_int_equal(mkdir(path_in("pack"), 0777), 0);
    int fd = sp_dir_open(path_in(""), d);
    assert_true(fd >= 0);
    int pfd = sp_dir_open_sub(fd, dir, "pack", d);
    assert_true(pfd >= 0);
    const char *names[] = {"a.txt", "b.txt", "c.txt"};
    sp_afile *f[3];
    for (int i = 0; i < 3; i++) {
        f[i] = sp_afile_openat(pfd, "pack", names[i], d);
        assert_non_null(f[i]);
        assert_int_equal(sp_afile_write(f[i], "new", 3), 0);
    }
    assert_int_equal(sp_afile_commit_all(f, 3), 0);
    assert_string_equal(slurp_text("pack/b.txt"), "new");
    assert_int_equal(sp_diags_count(d), 0);

    for (int i = 0; i < 3; i++) {
        f[i] = sp_afile_openat(pfd, "pack", names[i], d);
        assert_non_null(f[i]);
        assert_int_equal(sp_afile_write(f[i], "newer", 5), 0);
    }
    /* a FIFO put in place of c.txt meanwhile: refused before any rename,
     * so nothing is renamed */
    assert_int_equal(unlink(path_in("pack/c.txt")), 0);
    assert_int_equal(mkfifo(path_in("pack/c.txt"), 0600), 0);
    assert_int_equal(sp_afile_commit_all(f, 3), -1);
    assert_string_equal(slurp_text("pack/a.txt"), "new");
    assert_string_equal(slurp_text("pack/b.txt"), "new");
    assert_true(sp_diags_errors(d) == 1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message, "a FIFO"));
    struct stat st;
    assert_int_equal(lstat(path_in("pack/c.txt"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    /* a link in place of an output: refused when opened, not followed */
    sp_diags_clear(d);
    assert_int_equal(symlink("a.txt", path_in("pack/l.txt")), 0);
    assert_null(sp_afile_openat(pfd, "pack", "l.txt", d));
    assert_non_null(strstr(sp_diags_at(d, 0)->message, "a symbolic link"));
    assert_string_equal(slurp_text("pack/a.txt"), "new");

    /* a link in place of the pack's folder: refused */
    sp_diags_clear(d);
    assert_int_equal(symlink("pack", path_in("alias")), 0);
    assert_int_equal(sp_dir_open_sub(fd, dir, "alias", d), -1);
    assert_non_null(strstr(sp_diags_at(d, 0)->message,
                           "refusing to write through a symbolic link"));
    /* no temporary file left */
    DIR *dp = opendir(path_in("pack"));
    assert_non_null(dp);
    struct dirent *e;
    int temps = 0;
    while ((e = readdir(dp)) != NULL)
        temps += e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0
                 && strcmp(e->d_name, "..") != 0;
    closedir(dp);
    assert_int_equal(temps, 0);
    close(pfd);
    close(fd);
    sp_diags_free(d);
    const char *rm[] = {"pack/a.txt", "pack/b.txt", "pack/c.txt",
                        "pack/l.txt", "alias"};
    for (size_t i = 0; i < sizeof rm / sizeof *rm; i++)
        unlink(path_in(rm[i]));
    rmdir(path_in("pack"));
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
        cmocka_unit_test(commit_all),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
