/*
 * test_file_target.c - the Linux file target: content exact after finish and commit,
 * nothing visible at the destination before the commit, the stub untouched and no
 * temporary file left after abandon, --out never touching the source, verify writing
 * nothing, many files interleaved through a small fd cache and committed with O(1)
 * syncs (a few files: one fsync each), a failing rename failing only its file, stub
 * detection, the stub's mode and times kept whatever the umask, a stub read by the
 * listing not read again, a stub changed since it was read kept, the stub's owner kept
 * in place.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ddp/reparse.h"
#include "file_target.h"
#include "platform_test_util.h"
#include "stub_source.h"

#define STUB_TEXT "not really a reparse buffer: the target does not parse it"

typedef struct fixture {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = scratch_dir();
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    scratch_remove(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *make_stub(const char *dir, const char *name)
{
    char *p = join(dir, name);
    assert_int_equal(put_file(p, STUB_TEXT, strlen(STUB_TEXT)), 0);
    return p;
}

static void assert_file(const char *path, const uint8_t *want, size_t len)
{
    size_t got_len;
    uint8_t *got = get_file(path, &got_len);
    assert_non_null(got);
    assert_int_equal(got_len, len);
    if (len)
        assert_memory_equal(got, want, len);
    free(got);
}

/* Commits and checks each file's report: want[i] is 'o' (final), 'f' (failed) or '-'
 * (not reported); strlen(want) files. */
static void commit_expect(const ddp_target *tg, const char *want)
{
    uint32_t n = (uint32_t)strlen(want);
    ddp_status *status = calloc(n, sizeof *status);
    int *reports = calloc(n, sizeof *reports);
    assert_int_equal(commit_and_record(tg, n, status, reports), DDP_OK);
    for (uint32_t i = 0; i < n; i++) {
        if (reports[i] != (want[i] == '-' ? 0 : 1))
            fail_msg("file %u reported %d times", i, reports[i]);
        if (want[i] == 'o' && status[i] != DDP_OK)
            fail_msg("file %u: %s", i, ddp_status_str(status[i]));
        if (want[i] == 'f' && status[i] == DDP_OK)
            fail_msg("file %u reported final", i);
    }
    free(status);
    free(reports);
}

/* Every one of the n files reported once, final. */
static void commit_all_ok(const ddp_target *tg, uint32_t n)
{
    char *want = malloc(n + 1);
    memset(want, 'o', n);
    want[n] = '\0';
    commit_expect(tg, want);
    free(want);
}

static void test_read_reparse_raw(void **state)
{
    fixture *f = *state;
    char *stub = make_stub(f->dir, "a"), *empty = join(f->dir, "empty"), *missing = join(f->dir, "missing");
    ddp_target_spec files[3] = {{stub, DDP_STUB_RAW, NULL}, {empty, DDP_STUB_RAW, NULL}, {missing, DDP_STUB_RAW, NULL}};
    ddp_file_target *t;
    ddp_target tg;
    uint8_t buf[256];
    size_t len;

    assert_int_equal(put_file(empty, "", 0), 0);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 3, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
    assert_int_equal(len, strlen(STUB_TEXT));
    assert_memory_equal(buf, STUB_TEXT, len);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, 8, &len), DDP_ERR_BAD_LENGTH);
    assert_int_equal(tg.read_reparse(tg.ctx, 1, buf, sizeof buf, &len), DDP_ERR_NOT_REPARSE);
    assert_int_equal(tg.read_reparse(tg.ctx, 2, buf, sizeof buf, &len), DDP_ERR_NOT_FOUND);
    assert_int_equal(tg.read_reparse(tg.ctx, 3, buf, sizeof buf, &len), DDP_ERR_INVALID_ARG);
    ddp_file_target_free(t);
    free(stub);
    free(empty);
    free(missing);
}

/* Two files written in interleaved pieces, out of order; both exact after finish, the
 * stubs' mode and mtime kept, no temporary file left. */
static void test_in_place_finish(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a.doc"), *b = make_stub(f->dir, "b.bin");
    ddp_target_spec files[2] = {{a, DDP_STUB_RAW, NULL}, {b, DDP_STUB_RAW, NULL}};
    uint8_t ca[30000], cb[5000];
    struct stat st_before, st_after;
    struct timespec ts[2] = {{1000000000, 0}, {1234567890, 0}};
    ddp_file_target *t;
    ddp_target tg;

    fill_pattern(ca, sizeof ca, 7);
    fill_pattern(cb, sizeof cb, 8);
    memset(ca + 10000, 0, 10000);     /* a run of zeros that is never written */
    assert_int_equal(chmod(a, 0640), 0);
    assert_int_equal(utimensat(0, a, ts, 0), 0);
    assert_int_equal(stat(a, &st_before), 0);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 2, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof ca), DDP_OK);
    assert_int_equal(tg.begin(tg.ctx, 1, sizeof cb), DDP_OK);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 2);
    assert_int_equal(tg.write(tg.ctx, 0, 20000, ca + 20000, 10000), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 1, 2500, cb + 2500, 2500), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, ca, 10000), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 10000, ca + 10000, 10000), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 1, 0, cb, 2500), DDP_OK);
    /* Writes past the announced size are refused. */
    assert_int_equal(tg.write(tg.ctx, 1, 4999, cb, 2), DDP_ERR_INVALID_ARG);
    assert_file(a, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));     /* not yet */
    assert_int_equal(tg.finish(tg.ctx, 1), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    /* finished, not yet committed: the stubs are still there */
    assert_file(a, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_file(b, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 2);
    commit_all_ok(&tg, 2);
    assert_file(a, ca, sizeof ca);
    assert_file(b, cb, sizeof cb);
    assert_int_equal(stat(a, &st_after), 0);
    assert_int_equal(st_after.st_mode & 07777, 0640);
    assert_int_equal(st_after.st_mtim.tv_sec, 1234567890);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    /* abandon after finish changes nothing */
    tg.abandon(tg.ctx, 0);
    assert_file(a, ca, sizeof ca);
    ddp_file_target_free(t);
    free(a);
    free(b);
}

/* The mode of the one temporary file in dir (-1 when there is not exactly one). */
static int temp_mode(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int mode = -1, seen = 0;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, ".ddprestore-", 12) != 0)
            continue;
        struct stat st;
        char *p = join(dir, de->d_name);
        mode = stat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
        seen++;
        free(p);
    }
    if (d)
        closedir(d);
    return seen == 1 ? mode : -1;
}

/* Each stub's mode and times on its restored file, whether the umask lets the temporary
 * file be created with that mode (0640 under 022: no chmod later) or not (0666 under 022,
 * setuid 04755: created 0600, set at finish); read_reparse's status is the one kept. */
static void test_modes_under_umask(void **state)
{
    fixture *f = *state;
    static const mode_t modes[3] = {0640, 0666, 04755};
    static const int created[3] = {0640, 0600, 0600};
    struct timespec ts[2] = {{1000000000, 0}, {1234567890, 5}};
    mode_t saved = umask(022);
    uint8_t buf[256], content[100];
    size_t len;

    fill_pattern(content, sizeof content, 3);
    for (int i = 0; i < 3; i++) {
        char *stub = make_stub(f->dir, "m");
        ddp_target_spec file = {stub, DDP_STUB_RAW, NULL};
        ddp_file_target *t;
        ddp_target tg;
        struct stat st;
        assert_int_equal(chmod(stub, modes[i]), 0);
        assert_int_equal(utimensat(0, stub, ts, 0), 0);
        assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, &file, 0, &t), DDP_OK);
        ddp_file_target_bind(t, &tg);
        assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
        assert_int_equal(tg.begin(tg.ctx, 0, sizeof content), DDP_OK);
        assert_int_equal(temp_mode(f->dir), created[i]);
        assert_int_equal(tg.write(tg.ctx, 0, 0, content, sizeof content), DDP_OK);
        assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
        commit_all_ok(&tg, 1);
        assert_file(stub, content, sizeof content);
        assert_int_equal(stat(stub, &st), 0);
        assert_int_equal(st.st_mode & 07777, modes[i]);
        assert_int_equal(st.st_mtim.tv_sec, 1234567890);
        assert_int_equal(st.st_mtim.tv_nsec, 5);
        ddp_file_target_free(t);
        assert_int_equal(unlink(stub), 0);
        free(stub);
    }
    umask(saved);
}

/* In place, the restored file keeps the stub's owner and group, also when root restores
 * another user's file; --out's copy belongs to whoever restores (as cp's does). Needs
 * root to give a file away: skipped otherwise. */
static void test_owner_kept_in_place(void **state)
{
    fixture *f = *state;
    uint8_t content[100];
    struct stat st;

    if (geteuid() != 0) {
        print_message("not root: cannot give a stub to another owner, skipped\n");
        skip();
    }
    fill_pattern(content, sizeof content, 5);
    for (int out = 0; out < 2; out++) {
        char *stub = make_stub(f->dir, "owned"), *dest = join(f->dir, "copy");
        ddp_target_spec file = {stub, DDP_STUB_RAW, out ? dest : NULL};
        ddp_file_target *t;
        ddp_target tg;
        assert_int_equal(chown(stub, 12345, 23456), 0);
        assert_int_equal(chmod(stub, 04750), 0);
        assert_int_equal(ddp_file_target_new(out ? DDP_TARGET_OUT : DDP_TARGET_IN_PLACE, 1, &file, 0, &t),
                         DDP_OK);
        ddp_file_target_bind(t, &tg);
        assert_int_equal(tg.begin(tg.ctx, 0, sizeof content), DDP_OK);
        assert_int_equal(tg.write(tg.ctx, 0, 0, content, sizeof content), DDP_OK);
        assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
        commit_all_ok(&tg, 1);
        assert_file(out ? dest : stub, content, sizeof content);
        assert_int_equal(stat(out ? dest : stub, &st), 0);
        assert_int_equal(st.st_uid, out ? 0 : 12345);
        assert_int_equal(st.st_gid, out ? getegid() : 23456);
        assert_int_equal(st.st_mode & 07777, 04750);   /* set after the owner: kept */
        ddp_file_target_free(t);
        (void)unlink(dest);
        assert_int_equal(unlink(stub), 0);
        free(stub);
        free(dest);
    }
}

/* A stub the listing read already (ddp_file_target_seen): its reparse point comes from
 * what was seen (here deliberately not the file's content, to show it is not read again),
 * and the status seen is the one kept (mode, times). */
static void test_seen_stub_not_read_again(void **state)
{
    fixture *f = *state;
    char *stub = make_stub(f->dir, "s");
    ddp_target_spec file = {stub, DDP_STUB_RAW, NULL};
    static const char seen_text[] = "what the listing saw";
    ddp_stub_seen *seen = malloc(sizeof *seen + sizeof seen_text);
    struct timespec ts[2] = {{1000000000, 0}, {1111111111, 0}};
    uint8_t buf[256], content[10];
    ddp_file_target *t;
    ddp_target tg;
    struct stat st;
    size_t len;

    assert_int_equal(utimensat(0, stub, ts, 0), 0);
    assert_int_equal(lstat(stub, &seen->st), 0);
    seen->len = sizeof seen_text;
    memcpy(seen->buf, seen_text, sizeof seen_text);
    fill_pattern(content, sizeof content, 4);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, &file, 0, &t), DDP_OK);
    ddp_file_target_seen(t, 0, seen);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, 4, &len), DDP_ERR_BAD_LENGTH);
    assert_int_equal(tg.read_reparse(tg.ctx, 0, buf, sizeof buf, &len), DDP_OK);
    assert_int_equal(len, sizeof seen_text);
    assert_memory_equal(buf, seen_text, len);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof content), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, content, sizeof content), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    commit_all_ok(&tg, 1);
    assert_file(stub, content, sizeof content);
    assert_int_equal(stat(stub, &st), 0);
    assert_int_equal(st.st_mtim.tv_sec, 1111111111);
    ddp_file_target_free(t);
    free(seen);
    free(stub);
}

/* In place, a stub changed after its reparse point was read (new content written into
 * it) is not replaced: its file fails with ESTALE, its new content stays, no temporary
 * file is left; the other stub of the batch is restored. */
static void test_changed_stub_kept(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a"), *b = make_stub(f->dir, "b");
    ddp_target_spec files[2] = {{a, DDP_STUB_RAW, NULL}, {b, DDP_STUB_RAW, NULL}};
    static const char user_text[] = "the user wrote this after the restore read the stub";
    uint8_t buf[256], content[10];
    ddp_file_target *t;
    ddp_target tg;
    size_t len;

    fill_pattern(content, sizeof content, 5);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 2, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(tg.read_reparse(tg.ctx, i, buf, sizeof buf, &len), DDP_OK);
        assert_int_equal(tg.begin(tg.ctx, i, sizeof content), DDP_OK);
        assert_int_equal(tg.write(tg.ctx, i, 0, content, sizeof content), DDP_OK);
        assert_int_equal(tg.finish(tg.ctx, i), DDP_OK);
    }
    struct timespec pause = {0, 10000000};
    nanosleep(&pause, NULL);      /* a change time the file system can tell apart */
    assert_int_equal(put_file(a, user_text, sizeof user_text), 0);
    commit_expect(&tg, "fo");
    assert_non_null(strstr(tg.explain(tg.ctx, 0), "ESTALE"));
    assert_file(a, (const uint8_t *)user_text, sizeof user_text);
    assert_file(b, content, sizeof content);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(a);
    free(b);
}

/* A file ending in zeros (never written: a hole) and a file of zeros only still get
 * their full size: the temporary file is sized at finish, not at begin. */
static void test_tail_zeros_sized(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "tail.bin"), *b = make_stub(f->dir, "zeros.bin");
    ddp_target_spec files[2] = {{a, DDP_STUB_RAW, NULL}, {b, DDP_STUB_RAW, NULL}};
    uint8_t ca[20000], cb[4096];
    struct stat st;
    ddp_file_target *t;
    ddp_target tg;

    fill_pattern(ca, sizeof ca, 9);
    memset(ca + 12000, 0, sizeof ca - 12000);
    memset(cb, 0, sizeof cb);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 2, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof ca), DDP_OK);
    assert_int_equal(tg.begin(tg.ctx, 1, sizeof cb), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, ca, 12000), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 12000, ca + 12000, sizeof ca - 12000), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 1, 0, cb, sizeof cb), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 1), DDP_OK);
    commit_all_ok(&tg, 2);
    assert_file(a, ca, sizeof ca);
    assert_file(b, cb, sizeof cb);
    assert_int_equal(stat(b, &st), 0);
    assert_int_equal(st.st_size, (off_t)sizeof cb);
    ddp_file_target_free(t);
    free(a);
    free(b);
}

static void test_in_place_abandon(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a"), *b = make_stub(f->dir, "b");
    ddp_target_spec files[2] = {{a, DDP_STUB_RAW, NULL}, {b, DDP_STUB_RAW, NULL}};
    uint8_t c[4096];
    ddp_file_target *t;
    ddp_target tg;

    fill_pattern(c, sizeof c, 3);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 2, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, 4096), DDP_OK);
    tg.abandon(tg.ctx, 0);
    assert_file(a, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    /* A file whose bytes did not all arrive cannot finish; its stub stays. */
    assert_int_equal(tg.begin(tg.ctx, 1, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 1, 0, c, 4000), DDP_OK);
    assert_int_not_equal(tg.finish(tg.ctx, 1), DDP_OK);
    tg.abandon(tg.ctx, 1);
    assert_file(b, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    /* Restoring again after a failure works. */
    assert_int_equal(tg.begin(tg.ctx, 1, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 1, 0, c, 4096), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 1), DDP_OK);
    commit_expect(&tg, "-o");
    assert_file(b, c, sizeof c);
    ddp_file_target_free(t);
    free(a);
    free(b);
}

/* Freeing a target abandons what is still begun. */
static void test_free_abandons(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a");
    ddp_target_spec files[1] = {{a, DDP_STUB_RAW, NULL}};
    ddp_file_target *t;
    ddp_target tg;

    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, 100), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, (const uint8_t *)"xyz", 3), DDP_OK);
    ddp_file_target_free(t);
    assert_file(a, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    free(a);
}

static void test_out_mode(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "src/a"), *out = join(f->dir, "out/deep/er/a"), *outdir = join(f->dir, "out/deep/er");
    ddp_target_spec files[1] = {{a, DDP_STUB_RAW, out}};
    uint8_t c[777];
    ddp_file_target *t;
    ddp_target tg;

    fill_pattern(c, sizeof c, 11);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_OUT, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, sizeof c), DDP_OK);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, sizeof c), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    assert_null(get_file(out, &(size_t){0}));        /* not before the commit */
    commit_all_ok(&tg, 1);
    assert_file(out, c, sizeof c);
    assert_file(a, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_int_equal(count_names(outdir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(a);
    free(out);
    free(outdir);
}

static void test_verify_writes_nothing(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "a");
    ddp_target_spec files[1] = {{a, DDP_STUB_RAW, NULL}};
    uint8_t c[100] = {1};
    ddp_file_target *t;
    ddp_target tg;

    assert_int_equal(ddp_file_target_new(DDP_TARGET_VERIFY, 1, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    assert_int_equal(tg.begin(tg.ctx, 0, 100), DDP_OK);
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    assert_int_equal(tg.write(tg.ctx, 0, 0, c, 60), DDP_OK);
    assert_int_not_equal(tg.finish(tg.ctx, 0), DDP_OK);       /* 40 bytes missing */
    assert_int_equal(tg.write(tg.ctx, 0, 60, c, 40), DDP_OK);
    assert_int_equal(tg.finish(tg.ctx, 0), DDP_OK);
    commit_all_ok(&tg, 1);
    assert_int_equal(ddp_file_target_written(t, 0), 100);
    assert_file(a, (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(a);
}

/* 100 files through 4 open fds, written round-robin in small pieces. */
static void test_many_files_interleaved(void **state)
{
    enum { N = 100, SIZE = 4096, PIECE = 512 };
    fixture *f = *state;
    ddp_target_spec files[N];
    char *paths[N];
    uint8_t *content = malloc((size_t)N * SIZE);
    ddp_file_target *t;
    ddp_target tg;

    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%03d", i);
        paths[i] = make_stub(f->dir, name);
        files[i] = (ddp_target_spec){paths[i], DDP_STUB_RAW, NULL};
        fill_pattern(content + (size_t)i * SIZE, SIZE, 500 + (uint32_t)i);
    }
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, N, files, 4, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    for (int i = 0; i < N; i++)
        assert_int_equal(tg.begin(tg.ctx, (uint32_t)i, SIZE), DDP_OK);
    for (int off = SIZE - PIECE; off >= 0; off -= PIECE)
        for (int i = 0; i < N; i++)
            assert_int_equal(tg.write(tg.ctx, (uint32_t)i, (uint64_t)off, content + (size_t)i * SIZE + off, PIECE),
                             DDP_OK);
    for (int i = 0; i < N; i++)
        assert_int_equal(tg.finish(tg.ctx, (uint32_t)i), DDP_OK);
    commit_all_ok(&tg, N);
    /* one batch, one folder: O(1) syncs, not one per file */
    ddp_sync_counts syncs;
    ddp_file_target_syncs(t, &syncs);
    assert_int_equal(syncs.folder_syncs, 1);
    if (ddp_syncfs_trusted_path(f->dir)) {
        assert_int_equal(syncs.fs_syncs, 1);
        assert_int_equal(syncs.file_syncs, 0);
    } else {
        assert_int_equal(syncs.file_syncs, N);
    }
    for (int i = 0; i < N; i++) {
        assert_file(paths[i], content + (size_t)i * SIZE, SIZE);
        free(paths[i]);
    }
    assert_int_equal(count_names(f->dir, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(content);
}

/* --out: the destination of file 1 became a folder with a file in it after finish; its
 * rename fails, only file 1 fails, its temporary file goes, the others are final. */
static void test_failing_rename_fails_only_its_file(void **state)
{
    fixture *f = *state;
    char *src[3], *out[3], *outdir = join(f->dir, "out");
    ddp_target_spec files[3];
    uint8_t c[3][2000];
    ddp_file_target *t;
    ddp_target tg;

    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "src/s%d", i);
        src[i] = make_stub(f->dir, name);
        snprintf(name, sizeof name, "out/s%d", i);
        out[i] = join(f->dir, name);
        files[i] = (ddp_target_spec){src[i], DDP_STUB_RAW, out[i]};
        fill_pattern(c[i], sizeof c[i], 40 + (uint32_t)i);
    }
    assert_int_equal(ddp_file_target_new(DDP_TARGET_OUT, 3, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(tg.begin(tg.ctx, i, sizeof c[i]), DDP_OK);
        assert_int_equal(tg.write(tg.ctx, i, 0, c[i], sizeof c[i]), DDP_OK);
        assert_int_equal(tg.finish(tg.ctx, i), DDP_OK);
    }
    char *blocker = join(out[1], "occupied");
    assert_int_equal(put_file(blocker, "x", 1), 0);
    commit_expect(&tg, "ofo");
    assert_file(out[0], c[0], sizeof c[0]);
    assert_file(out[2], c[2], sizeof c[2]);
    assert_file(blocker, (const uint8_t *)"x", 1);
    assert_int_equal(count_names(outdir, ".ddprestore-"), 0);
    for (int i = 0; i < 3; i++) {
        assert_file(src[i], (const uint8_t *)STUB_TEXT, strlen(STUB_TEXT));
        free(src[i]);
        free(out[i]);
    }
    /* a second commit has nothing left to report */
    commit_expect(&tg, "---");
    ddp_file_target_free(t);
    free(blocker);
    free(outdir);
}

/* In place: the stub of file 0 is replaced by a folder before the commit; file 0 fails
 * and keeps what is there, file 1 is final. Files in three folders: three folder syncs. */
static void test_in_place_rename_failure_and_folders(void **state)
{
    fixture *f = *state;
    char *a = make_stub(f->dir, "d1/a"), *b = make_stub(f->dir, "d2/b"), *c3 = make_stub(f->dir, "d3/c");
    ddp_target_spec files[3] = {{a, DDP_STUB_RAW, NULL}, {b, DDP_STUB_RAW, NULL}, {c3, DDP_STUB_RAW, NULL}};
    uint8_t c[512];
    ddp_file_target *t;
    ddp_target tg;
    ddp_sync_counts syncs;

    fill_pattern(c, sizeof c, 77);
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, 3, files, 0, &t), DDP_OK);
    ddp_file_target_bind(t, &tg);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(tg.begin(tg.ctx, i, sizeof c), DDP_OK);
        assert_int_equal(tg.write(tg.ctx, i, 0, c, sizeof c), DDP_OK);
        assert_int_equal(tg.finish(tg.ctx, i), DDP_OK);
    }
    assert_int_equal(unlink(a), 0);
    char *inside = join(a, "inside");
    assert_int_equal(put_file(inside, "y", 1), 0);
    commit_expect(&tg, "foo");
    assert_file(inside, (const uint8_t *)"y", 1);
    assert_file(b, c, sizeof c);
    assert_file(c3, c, sizeof c);
    ddp_file_target_syncs(t, &syncs);
    assert_int_equal(syncs.folder_syncs, 2);     /* d2 and d3; d1 had no rename */
    assert_int_equal(syncs.fs_syncs, 0);         /* three files: an fsync each, no syncfs */
    assert_int_equal(syncs.file_syncs, 3);
    char *d1 = join(f->dir, "d1");
    assert_int_equal(count_names(d1, ".ddprestore-"), 0);
    ddp_file_target_free(t);
    free(d1);
    free(inside);
    free(a);
    free(b);
    free(c3);
}

static void test_detect_raw(void **state)
{
    fixture *f = *state;
    uint8_t rp[64] = {0x13, 0x00, 0x00, 0x80, 56, 0, 0, 0};
    char *stub = join(f->dir, "stub"), *plain = make_stub(f->dir, "plain"), *shortrp = join(f->dir, "short");
    char *tiny = join(f->dir, "tiny");

    assert_int_equal(put_file(stub, rp, sizeof rp), 0);
    assert_int_equal(put_file(shortrp, rp, 40), 0);       /* ReparseDataLength says 56 */
    assert_int_equal(put_file(tiny, rp, 3), 0);           /* too short to hold the tag */
    assert_int_equal(ddp_stub_detect(stub, DDP_STUB_MODE_RAW), DDP_STUB_RAW);
    assert_int_equal(ddp_stub_detect(stub, DDP_STUB_MODE_AUTO), DDP_STUB_RAW);
    assert_int_equal(ddp_stub_detect(stub, DDP_STUB_MODE_XATTR), DDP_STUB_NONE);
    assert_int_equal(ddp_stub_detect(plain, DDP_STUB_MODE_AUTO), DDP_STUB_NONE);
    /* cut short but carrying the dedup tag: a (malformed) stub, never "not a stub" */
    assert_int_equal(ddp_stub_detect(shortrp, DDP_STUB_MODE_AUTO), DDP_STUB_RAW);
    assert_int_equal(ddp_stub_detect(tiny, DDP_STUB_MODE_AUTO), DDP_STUB_NONE);
    assert_int_equal(ddp_stub_detect(f->dir, DDP_STUB_MODE_AUTO), DDP_STUB_NONE);
    free(tiny);
    free(stub);
    free(plain);
    free(shortrp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_reparse_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_place_finish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes_under_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owner_kept_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seen_stub_not_read_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_stub_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tail_zeros_sized, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_place_abandon, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_abandons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_files_interleaved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_rename_fails_only_its_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_in_place_rename_failure_and_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detect_raw, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
