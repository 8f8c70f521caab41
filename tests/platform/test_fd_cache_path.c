/*
 * test_fd_cache_path.c - the two helpers under the store and the target: the LRU fd
 * cache (hits, eviction of the least recently used, failing opens, drop) and the
 * volume-path resolver (case-insensitive components, separators, "." and "..").
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fd_cache.h"
#include "path_resolve.h"
#include "platform_test_util.h"

typedef struct opener_log {
    char *dir;
    int opens;
    char last[64];
} opener_log;

static int counting_open(void *ctx, const char *key)
{
    opener_log *log = ctx;
    char *p = join(log->dir, key);
    int fd = open(p, O_RDONLY);
    free(p);
    log->opens++;
    strncpy(log->last, key, sizeof log->last - 1);
    return fd;
}

static void test_fd_cache_lru(void **state)
{
    opener_log log = {scratch_dir(), 0, ""};
    ddp_fd_cache c;
    int a, b;

    (void)state;
    for (int i = 0; i < 3; i++) {
        char name[2] = {(char)('a' + i), 0};
        char *p = join(log.dir, name);
        assert_int_equal(put_file(p, name, 1), 0);
        free(p);
    }
    assert_int_equal(ddp_fd_cache_init(&c, 2, counting_open, &log), 0);
    a = ddp_fd_cache_get(&c, "a");
    b = ddp_fd_cache_get(&c, "b");
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(ddp_fd_cache_get(&c, "a"), a);         /* hit: no open */
    assert_int_equal(log.opens, 2);
    assert_true(ddp_fd_cache_get(&c, "c") >= 0);            /* evicts b, the least recent */
    assert_int_equal(log.opens, 3);
    assert_int_equal(ddp_fd_cache_get(&c, "a"), a);
    assert_int_equal(log.opens, 3);
    assert_true(ddp_fd_cache_get(&c, "b") >= 0);            /* b again: reopened */
    assert_int_equal(log.opens, 4);
    assert_string_equal(log.last, "b");
    errno = 0;
    assert_int_equal(ddp_fd_cache_get(&c, "missing"), -1);  /* a failing open keeps errno */
    assert_int_equal(errno, ENOENT);
    assert_int_equal(ddp_fd_cache_drop(&c, "b"), 0);
    assert_int_equal(ddp_fd_cache_drop(&c, "never-opened"), 0);
    assert_true(ddp_fd_cache_get(&c, "b") >= 0);
    assert_int_equal(log.opens, 6);
    /* an fd the caller opened is served without the opener, and evicts like the others */
    char *pc = join(log.dir, "c");
    int fd = open(pc, O_RDONLY);
    free(pc);
    assert_true(fd >= 0);
    assert_int_equal(ddp_fd_cache_put(&c, "put", fd), 0);
    assert_int_equal(ddp_fd_cache_get(&c, "put"), fd);
    assert_int_equal(log.opens, 6);
    assert_int_equal(ddp_fd_cache_drop(&c, "put"), 0);
    assert_true(ddp_fd_cache_get(&c, "c") >= 0);             /* "put" is gone: c opened again */
    assert_int_equal(log.opens, 7);
    ddp_fd_cache_cleanup(&c);
    scratch_remove(log.dir);
    free(log.dir);
}

static void test_path_resolve(void **state)
{
    char *root = scratch_dir(), *file = join(root, "Alpha/Beta Gamma/File.CCC"), *out = NULL, *want;

    (void)state;
    assert_int_equal(put_file(file, "x", 1), 0);
    assert_int_equal(ddp_path_resolve(root, "\\alpha\\beta gamma\\file.ccc", &out), 0);
    assert_string_equal(out, file);
    free(out);
    assert_int_equal(ddp_path_resolve(root, "\\\\ALPHA/Beta Gamma\\\\FILE.ccc", &out), 0);  /* repeated separators */
    assert_string_equal(out, file);
    free(out);
    /* Names that do not exist yet resolve only up to a missing component. */
    assert_int_equal(ddp_path_resolve(root, "\\alpha\\nothing\\file.ccc", &out), -1);
    assert_int_equal(errno, ENOENT);
    assert_null(out);
    assert_int_equal(ddp_path_resolve(root, "\\alpha\\..\\..\\etc", &out), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(ddp_path_resolve(root, "\\.\\alpha", &out), -1);
    assert_int_equal(ddp_path_resolve(root, "", &out), 0);                  /* the root itself */
    assert_string_equal(out, root);
    free(out);
    want = join(root, "Alpha");
    {
        char *slashed = join(root, "");                                       /* "ROOT/" */
        assert_int_equal(ddp_path_resolve(slashed, "\\ALPHA\\", &out), 0);
        assert_string_equal(out, want);
        free(out);
        free(slashed);
    }
    free(want);
    scratch_remove(root);
    free(root);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_cache_lru),
        cmocka_unit_test(test_path_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
