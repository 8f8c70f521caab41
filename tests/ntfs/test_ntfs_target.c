/*
 * test_ntfs_target.c - the file target on a real ntfs-3g mount (the folder is argv[1],
 * prepared by run_ntfs_target.sh): a file carrying a dedup reparse point in
 * system.ntfs_reparse_data is read through lgetxattr; abandon leaves the reparse point and
 * no temporary file; finish leaves the stub as it is and the commit puts the content in
 * the file's own $DATA and removes the reparse point, keeping the mtime; --out mode
 * never touches the stub; a separate DOS name (which ntfs-3g counts in st_nlink) is not
 * taken for a hard link, a real second name is refused in place.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "file_target.h"
#include "platform_test_util.h"
#include "stub_source.h"

static const char *mount_dir;

/* A reparse buffer with the dedup tag; the target does not parse it further. */
static size_t fake_reparse(uint8_t *buf, uint32_t seed)
{
    static const uint8_t head[8] = {0x13, 0x00, 0x00, 0x80, 120, 0, 0, 0};
    memcpy(buf, head, 8);
    fill_pattern(buf + 8, 120, seed);
    return 128;
}

/* A stub as ddp-mkstore --stubs xattr makes it: sparse $DATA of the logical size, then
 * the reparse attribute. */
static char *make_ntfs_stub(const char *name, uint64_t size, uint8_t *rp, size_t *rp_len)
{
    char *p = join(mount_dir, name);
    struct timespec ts[2] = {{1500000000, 0}, {1600000000, 0}};
    assert_int_equal(put_file(p, "", 0), 0);
    assert_int_equal(truncate(p, (off_t)size), 0);
    assert_int_equal(utimensat(0, p, ts, 0), 0);
    *rp_len = fake_reparse(rp, (uint32_t)size);
    assert_int_equal(setxattr(p, DDP_NTFS_REPARSE_XATTR, rp, *rp_len, 0), 0);
    return p;
}

static int has_reparse(const char *path, const uint8_t *rp, size_t len)
{
    uint8_t buf[512];
    ssize_t n = -1;
    for (int i = 0; i < 3 && n < 0; i++)
        n = lgetxattr(path, DDP_NTFS_REPARSE_XATTR, buf, sizeof buf);
    return n == (ssize_t)len && memcmp(buf, rp, len) == 0;
}

static void assert_content(const char *path, const uint8_t *want, size_t len)
{
    size_t got_len = 0;
    uint8_t *got = NULL;
    for (int i = 0; i < 3 && !got; i++)
        got = get_file(path, &got_len);    /* FUSE may answer EIO once after a type change */
    assert_non_null(got);
    assert_int_equal(got_len, len);
    assert_memory_equal(got, want, len);
    free(got);
}

/* Commits and expects file 0 of 1 reported final. */
static void commit_one(const ddp_target *tg)
{
    ddp_status status;
    int reports;
    assert_int_equal(commit_and_record(tg, 1, &status, &reports), DDP_OK);
    assert_int_equal(reports, 1);
    assert_int_equal(status, DDP_OK);
}

static void test_abandon_keeps_reparse_point(void **state)
{
    uint8_t rp[512], c[100000], buf[512];
    size_t rp_len, len;
    char *stub = make_ntfs_stub("abandon.bin", sizeof c, rp, &rp_len);
    ddp_target_spec files[1] = {{stub, DDP_STUB_XATTR, NULL}};
    ddp_file_target *t;
    ddp_target tg;

    (void)state;
    fill_pattern(c, sizeof c, 1);
    assert_int_equal(ddp_stub_detect(stub, DDP_STUB_MODE_AUTO), DDP_STUB_XATTR);
    assert_int_equal(ddp_stub_detect(stub, DDP_STUB_MODE_RAW), DDP_STUB_NONE);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
    assert_int_equal(len, rp_len);
    assert_memory_equal(buf, rp, len);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, 50000), DDP_OK);
    tg.abandon(tg.ctx, 0);
    assert_true(has_reparse(stub, rp, rp_len));
    assert_int_equal(count_names(mount_dir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(stub);
}

static void test_finish_in_place(void **state)
{
    uint8_t rp[512], c[300000];
    size_t rp_len;
    char *stub = make_ntfs_stub("finish.bin", sizeof c, rp, &rp_len);
    ddp_target_spec files[1] = {{stub, DDP_STUB_XATTR, NULL}};
    ddp_file_target *t;
    ddp_target tg;
    struct stat st;

    (void)state;
    fill_pattern(c, sizeof c, 2);
    memset(c + 100000, 0, 120000);     /* zeros stay sparse, never written */
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 220000, c + 220000, sizeof c - 220000), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, 220000), DDP_OK);
    assert_true(has_reparse(stub, rp, rp_len));     /* nothing final before finish */
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    assert_true(has_reparse(stub, rp, rp_len));     /* nor before the commit */
    commit_one(&tg);
    assert_content(stub, c, sizeof c);
    errno = 0;
    assert_int_equal(lgetxattr(stub, DDP_NTFS_REPARSE_XATTR, NULL, 0), -1);
    assert_int_equal(errno, ENODATA);
    assert_int_equal(lstat(stub, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mtim.tv_sec, 1600000000);
    assert_int_equal(count_names(mount_dir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(stub);
}

static void test_out_leaves_stub(void **state)
{
    uint8_t rp[512], c[70000];
    size_t rp_len;
    char *stub = make_ntfs_stub("source.bin", sizeof c, rp, &rp_len);
    char *out = join(mount_dir, "copies/source.bin");
    ddp_target_spec files[1] = {{stub, DDP_STUB_XATTR, out}};
    ddp_file_target *t;
    ddp_target tg;

    (void)state;
    fill_pattern(c, sizeof c, 3);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_OUT, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, sizeof c), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    commit_one(&tg);
    assert_content(out, c, sizeof c);
    assert_true(has_reparse(stub, rp, rp_len));
    ddp_file_target_free(t);
    free(stub);
    free(out);
}

/* Restores file 0 of a one-file in-place target over stub completely; returns the status
 * commit reported, or the first failing call's. */
static ddp_status restore_in_place(const char *stub, const uint8_t *c, size_t len)
{
    ddp_target_spec files[1] = {{stub, DDP_STUB_XATTR, NULL}};
    ddp_file_target *t;
    ddp_target tg;
    uint8_t buf[512];
    size_t got;
    ddp_status st;
    int reports;

    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    st = tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &got);
    if (st == DDP_OK)
        st = tg.begin(tg.ctx, 0, len);
    if (st == DDP_OK)
        st = tg.write(tg.ctx, 0, 0, c, len);
    if (st == DDP_OK)
        st = tg.finish(tg.ctx, 0);
    if (st == DDP_OK)
        assert_int_equal(commit_and_record(&tg, 1, &st, &reports), DDP_OK);
    ddp_file_target_free(t);
    return st;
}

/* ntfs-3g counts a separate DOS name as a link (st_nlink 2 for a single-named file): that
 * is not a hard link, and the file is restored. A real second name is refused. */
static void test_dos_name_is_not_a_link(void **state)
{
    uint8_t rp[512], c[20000];
    size_t rp_len;
    char *stub = join(mount_dir, "A Long File Name.bin");
    struct stat st;

    (void)state;
    fill_pattern(c, sizeof c, 4);
    assert_int_equal(put_file(stub, "", 0), 0);
    assert_int_equal(setxattr(stub, DDP_NTFS_DOS_NAME_XATTR, "ALONGF~1.BIN", 12, 0), 0);
    assert_int_equal(truncate(stub, (off_t)sizeof c), 0);
    rp_len = fake_reparse(rp, 4);
    assert_int_equal(setxattr(stub, DDP_NTFS_REPARSE_XATTR, rp, rp_len, 0), 0);
    assert_int_equal(ddp_stub_lstat(stub, &st), 0);
    assert_int_equal(st.st_nlink, 2);                       /* the long name and the DOS name */
    assert_int_equal(ddp_stub_links(stub, DDP_STUB_XATTR, &st), 1);
    assert_int_equal(restore_in_place(stub, c, sizeof c), DDP_OK);
    assert_content(stub, c, sizeof c);
    free(stub);
}

static void test_hard_link_refused(void **state)
{
    uint8_t rp[512], c[20000];
    size_t rp_len;
    char *stub = make_ntfs_stub("linked.bin", sizeof c, rp, &rp_len), *other = join(mount_dir, "linked-too.bin");

    (void)state;
    fill_pattern(c, sizeof c, 6);
    struct stat st;
    /* the lookup refreshes the kernel's inode, stale since the type change (or link says EIO) */
    assert_int_equal(ddp_stub_lstat(stub, &st), 0);
    assert_int_equal(link(stub, other), 0);
    assert_int_equal(restore_in_place(stub, c, sizeof c), DDP_ERR_HARD_LINK);
    assert_true(has_reparse(stub, rp, rp_len));
    assert_true(has_reparse(other, rp, rp_len));
    assert_int_equal(count_names(mount_dir, ".ddprestore-"), 0);
    free(stub);
    free(other);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abandon_keeps_reparse_point),
        cmocka_unit_test(test_finish_in_place),
        cmocka_unit_test(test_out_leaves_stub),
        cmocka_unit_test(test_dos_name_is_not_a_link),
        cmocka_unit_test(test_hard_link_refused),
    };
    if (argc != 2) {
        fprintf(stderr, "usage: test_ntfs_target NTFS-3G-MOUNTED-FOLDER\n");
        return 2;
    }
    mount_dir = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
