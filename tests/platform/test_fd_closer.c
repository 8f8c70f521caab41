/*
 * test_fd_closer.c - the closer of held stubs (fd_closer.h): its capacity follows the
 * open-file limit, every descriptor handed to it is closed by the time it is freed
 * (queued or, when full or absent, at once), and a stub held open across the rename
 * that replaces it stays a live, unlinked inode until its descriptor is closed.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fd_closer.h"
#include "platform_test_util.h"

#define N_FDS 100

static int is_closed(int fd)
{
    return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

static void open_many(int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(fds[i] >= 0);
    }
}

static void test_capacity_follows_limit(void **state)
{
    struct rlimit saved, lim;
    (void)state;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
    lim = saved;
    lim.rlim_cur = 2 * DDP_FD_CLOSER_RESERVE - 1;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
    assert_int_equal(ddp_fd_closer_capacity(), 0);
    assert_null(ddp_fd_closer_new(0));
    lim.rlim_cur = 1024;
    if (lim.rlim_cur <= saved.rlim_max) {
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
        assert_int_equal(ddp_fd_closer_capacity(), 1024 - DDP_FD_CLOSER_RESERVE);
    }
    lim.rlim_cur = DDP_FD_CLOSER_MAX + DDP_FD_CLOSER_RESERVE + 1;
    if (lim.rlim_cur <= saved.rlim_max) {
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
        assert_int_equal(ddp_fd_closer_capacity(), DDP_FD_CLOSER_MAX);
    }
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

/* More descriptors than the closer holds: the overflow is closed at once, the rest on
 * its thread; after free none is open. */
static void test_everything_closed(void **state)
{
    int fds[N_FDS];
    ddp_fd_closer *c = ddp_fd_closer_new(8);
    (void)state;
    assert_non_null(c);
    open_many(fds, N_FDS);
    for (int i = 0; i < N_FDS; i++)
        ddp_fd_closer_put(c, fds[i]);
    ddp_fd_closer_put(c, -1);                         /* nothing held: ignored */
    assert_true(ddp_fd_closer_closed(c) <= N_FDS);
    ddp_fd_closer_free(c);
    for (int i = 0; i < N_FDS; i++)
        assert_true(is_closed(fds[i]));
}

/* The thread closes what it is given without waiting for free. */
static void test_thread_closes(void **state)
{
    int fd;
    ddp_fd_closer *c = ddp_fd_closer_new(4);
    (void)state;
    assert_non_null(c);
    open_many(&fd, 1);
    ddp_fd_closer_put(c, fd);
    for (int i = 0; i < 5000 && ddp_fd_closer_closed(c) == 0; i++)
        usleep(1000);
    assert_int_equal(ddp_fd_closer_closed(c), 1);
    assert_true(is_closed(fd));
    ddp_fd_closer_free(c);
}

static void test_no_closer_closes_at_once(void **state)
{
    int fd;
    (void)state;
    open_many(&fd, 1);
    ddp_fd_closer_put(NULL, fd);
    assert_true(is_closed(fd));
    ddp_fd_closer_free(NULL);
}

/* What the in-place commit relies on: a stub held (O_PATH) across the rename over it is
 * an unlinked inode that lives until the closer closes it. */
static void test_held_stub_outlives_rename(void **state)
{
    char *dir = scratch_dir(), *stub = join(dir, "stub"), *temp = join(dir, "temp");
    struct stat st;
    ddp_fd_closer *c = ddp_fd_closer_new(4);
    (void)state;
    assert_non_null(c);
    assert_int_equal(put_file(stub, "stub", 4), 0);
    assert_int_equal(put_file(temp, "content", 7), 0);
    int held = open(stub, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    assert_true(held >= 0);
    assert_int_equal(rename(temp, stub), 0);
    assert_int_equal(fstat(held, &st), 0);
    assert_int_equal(st.st_nlink, 0);
    assert_int_equal(st.st_size, 4);
    ddp_fd_closer_put(c, held);
    ddp_fd_closer_free(c);
    assert_true(is_closed(held));
    scratch_remove(dir);
    free(stub);
    free(temp);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_follows_limit),
        cmocka_unit_test(test_everything_closed),
        cmocka_unit_test(test_thread_closes),
        cmocka_unit_test(test_no_closer_closes_at_once),
        cmocka_unit_test(test_held_stub_outlives_rename),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
