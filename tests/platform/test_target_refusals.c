/*
 * test_target_refusals.c - what the Linux file target refuses, leaving the file as it is
 * (SECURITY.md §2, "target paths"): a directory in a file's place (every mode, both
 * stub kinds), in place a stub with other hard links (when its reparse point is read, at
 * begin, and a link made after finish at commit; --out and verify accept it), a file we
 * may not read and a folder we may not write (EACCES: E_ACCESSDENIED, as the user nobody
 * when run as root), and a FIFO in a file's place (not a stub, and no hang).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ddp/reparse.h"
#include "file_target.h"
#include "platform_test_util.h"
#include "stub_source.h"

/* A buffer with the dedup tag and a consistent ReparseDataLength: a raw stub to detect. */
static const uint8_t STUB[24] = {0x13, 0x00, 0x00, 0x80, 16, 0, 0, 0, 's', 't', 'u', 'b', '-', 'b', 'y', 't',
                                 'e', 's', '-', 'k', 'e', 'p', 't', '!'};

typedef struct fixture {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = scratch_dir();
    *state = f;
    /* searchable by the unprivileged user, so that EACCES comes from the file itself */
    return f->dir && chmod(f->dir, 0755) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unprivileged_end();
    scratch_remove(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *make_stub(const char *dir, const char *name)
{
    char *p = join(dir, name);
    assert_int_equal(put_file(p, STUB, sizeof STUB), 0);
    return p;
}

static void assert_stub(const char *path)
{
    size_t len;
    uint8_t *got = get_file(path, &len);
    assert_non_null(got);
    assert_int_equal(len, sizeof STUB);
    assert_memory_equal(got, STUB, sizeof STUB);
    free(got);
}

/* read_reparse and begin of file 0 of a one-file target over spec. */
static void expect_refused(ddp_target_mode mode, ddp_target_spec spec, ddp_status want)
{
    ddp_file_target *t;
    ddp_target tg;
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len = 99;

    assert_int_equal(ddp_file_target_new(mode, 1, &spec, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), want);
    assert_int_equal(len, 0);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof STUB), want);
    ddp_file_target_free(t);
}

static void test_directory_is_refused(void **state)
{
    fixture *f = *state;
    char *d = join(f->dir, "looks-like-a-file"), *inside = join(d, "kept"), *out = join(f->dir, "out/x");
    uint8_t buf[64];
    size_t len;

    assert_int_equal(put_file(inside, "k", 1), 0);
    for (ddp_stub_kind kind = DDP_STUB_RAW; kind <= DDP_STUB_XATTR; kind++) {
        assert_int_equal(ddp_stub_read(d, kind, buf, sizeof buf, &len), DDP_ERR_IS_DIRECTORY);
        expect_refused(DDP_TARGET_IN_PLACE, (ddp_target_spec){d, kind, NULL}, DDP_ERR_IS_DIRECTORY);
        expect_refused(DDP_TARGET_OUT, (ddp_target_spec){d, kind, out}, DDP_ERR_IS_DIRECTORY);
        expect_refused(DDP_TARGET_VERIFY, (ddp_target_spec){d, kind, NULL}, DDP_ERR_IS_DIRECTORY);
    }
    assert_int_equal(count_names(d, ""), 3);           /* ".", ".." and "kept" */
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    assert_null(get_file(out, &len));
    free(d);
    free(inside);
    free(out);
}

static void test_hard_link_refused_in_place(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a"), *other = join(f->dir, "other-name"), *out = join(f->dir, "out/a");
    ddp_target_spec spec = {a, DDP_STUB_RAW, out};
    ddp_file_target *t;
    ddp_target tg;
    uint8_t buf[64], c[100];
    size_t len;
    struct stat st;

    assert_int_equal(link(a, other), 0);
    expect_refused(DDP_TARGET_IN_PLACE, spec, DDP_ERR_HARD_LINK);
    assert_stub(a);
    assert_stub(other);
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_nlink, 2);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    /* --out only reads the stub: its links do not matter */
    fill_pattern(c, sizeof c, 5);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_OUT, 1, &spec, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, sizeof c), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    ddp_status done;
    int reports;
    assert_int_equal(commit_and_record(&tg, 1, &done, &reports), DDP_OK);
    assert_int_equal(done, DDP_OK);
    ddp_file_target_free(t);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_VERIFY, 1, &spec, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
    ddp_file_target_free(t);
    assert_stub(a);
    assert_stub(other);
    free(a);
    free(other);
    free(out);
}

/* A link made while the file was being restored: the commit refuses to replace the stub. */
static void test_link_made_before_commit(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a"), *b = make_stub(f->dir, "b"), *other = join(f->dir, "late-link");
    ddp_target_spec files[2] = {{a, DDP_STUB_RAW, NULL}, {b, DDP_STUB_RAW, NULL}};
    ddp_file_target *t;
    ddp_target tg;
    uint8_t c[3000];
    ddp_status done[2];
    int reports[2];

    fill_pattern(c, sizeof c, 9);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 2, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(tg.begin(tg.ctx, i, sizeof c), DDP_OK);
        assert_int_equal(tg.write(tg.ctx, i, 0, c, sizeof c), DDP_OK);
        assert_int_equal(tg.finish(tg.ctx, i), DDP_OK);
    }
    assert_int_equal(link(a, other), 0);
    assert_int_equal(commit_and_record(&tg, 2, done, reports), DDP_OK);
    assert_int_equal(reports[0], 1);
    assert_int_equal(done[0], DDP_ERR_HARD_LINK);
    assert_int_equal(done[1], DDP_OK);
    assert_stub(a);
    assert_stub(other);
    size_t len;
    uint8_t *got = get_file(b, &len);
    assert_non_null(got);
    assert_int_equal(len, sizeof c);
    assert_memory_equal(got, c, sizeof c);
    free(got);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(a);
    free(b);
    free(other);
}

static void test_unreadable_is_access_denied(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "secret");
    ddp_file_target *t;
    ddp_target tg;
    ddp_target_spec spec = {a, DDP_STUB_RAW, NULL};
    ddp_stub_kind kind = DDP_STUB_NONE;
    uint8_t buf[64];
    size_t len = 7;

    assert_int_equal(chmod(a, 0), 0);
    assert_int_equal(unprivileged_begin(), 0);
    assert_int_equal(ddp_stub_read(a, DDP_STUB_RAW, buf, sizeof buf, &len), DDP_ERR_ACCESS_DENIED);
    assert_int_equal(ddp_stub_probe(a, DDP_STUB_MODE_AUTO, &kind), DDP_ERR_ACCESS_DENIED);
    assert_int_equal(kind, DDP_STUB_RAW);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_VERIFY, 1, &spec, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_ERR_ACCESS_DENIED);
    ddp_file_target_free(t);
    unprivileged_end();
    assert_int_equal(chmod(a, 0644), 0);
    assert_stub(a);
    /* readable, it is a stub again */
    assert_int_equal(ddp_stub_probe(a, DDP_STUB_MODE_AUTO, &kind), DDP_OK);
    assert_int_equal(kind, DDP_STUB_RAW);
    free(a);
}

/* Readable, but its folder takes no temporary file: begin fails with access denied. */
static void test_unwritable_folder_is_access_denied(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a");
    ddp_target_spec spec = {a, DDP_STUB_RAW, NULL};
    ddp_file_target *t;
    ddp_target tg;
    uint8_t buf[64];
    size_t len;

    assert_int_equal(chmod(f->dir, 0555), 0);
    assert_int_equal(unprivileged_begin(), 0);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, &spec, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
    assert_int_equal(tg.begin(tg.ctx, 0, 10), DDP_ERR_ACCESS_DENIED);
    ddp_file_target_free(t);
    unprivileged_end();
    assert_int_equal(chmod(f->dir, 0755), 0);
    assert_stub(a);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    free(a);
}

static void test_fifo_is_not_a_stub(void **state)
{
    fixture *f = *state;
    char *p = join(f->dir, "fifo");
    uint8_t buf[64];
    size_t len;

    assert_int_equal(mkfifo(p, 0644), 0);
    /* opened without blocking (no writer will ever come) */
    assert_int_equal(ddp_stub_read(p, DDP_STUB_RAW, buf, sizeof buf, &len), DDP_ERR_NOT_REPARSE);
    assert_int_equal(ddp_stub_detect(p, DDP_STUB_MODE_AUTO), DDP_STUB_NONE);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_directory_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hard_link_refused_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_made_before_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_is_access_denied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder_is_access_denied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_is_not_a_stub, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
