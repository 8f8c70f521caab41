/*
 * test_file_faults.c - the fault sweeps on real files: the shared scenario of rel_env.h
 * (7 files, several containers) restored in place by the Linux file target
 * (src/platform/file_target.c) over a scratch folder of raw stub files. For every k, the
 * k-th target write fails, or the k-th store read; after each run every failed file still
 * holds its stub byte for byte, every restored file its original content, the files that
 * are not deduplicated are unchanged, and no temporary file is left. Every k is run (a
 * small store keeps that to a few hundred restores). Then the target paths of SECURITY.md
 * §2 through the whole engine: a directory, a hard-linked stub and an unreadable stub
 * (read as the user nobody when root) fail with their own code and message, untouched,
 * beside files that restore.
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
#include <unistd.h>
#include <cmocka.h>

#include "file_target.h"
#include "rel_env.h"

#define MAX_K 100000u
#define NOBODY 65534

/* What the k-th call of a sweep fails. */
typedef enum sweep_kind { SWEEP_TARGET_WRITE, SWEEP_STORE_READ } sweep_kind;

/* The file target, with its k-th write made to fail (DDP_ERR_IO). */
typedef struct faulty_target {
    ddp_target inner;
    uint32_t fail_write_at, writes;
    int64_t injected_file;
} faulty_target;

typedef struct file_env {
    rel_env e;                 /* the sample store and a fake_backup over it */
    char dir[256];
    char *paths[REL_FILES];
    const uint8_t *initial[REL_FILES];   /* what each file holds before a restore */
    size_t initial_len[REL_FILES];
    ddp_file_result results[REL_FILES];
    int32_t overall;
} file_env;

static ddp_status fw_read_reparse(void *ctx, uint32_t i, uint8_t *buf, size_t cap, size_t *len)
{
    faulty_target *w = ctx;
    return w->inner.read_reparse(w->inner.ctx, i, buf, cap, len);
}

static ddp_status fw_begin(void *ctx, uint32_t i, uint64_t size)
{
    faulty_target *w = ctx;
    return w->inner.begin(w->inner.ctx, i, size);
}

static ddp_status fw_write(void *ctx, uint32_t i, uint64_t offset, const uint8_t *data, size_t len)
{
    faulty_target *w = ctx;
    if (++w->writes == w->fail_write_at) {
        w->injected_file = i;
        return DDP_ERR_IO;
    }
    return w->inner.write(w->inner.ctx, i, offset, data, len);
}

static ddp_status fw_finish(void *ctx, uint32_t i)
{
    faulty_target *w = ctx;
    return w->inner.finish(w->inner.ctx, i);
}

static void fw_abandon(void *ctx, uint32_t i)
{
    faulty_target *w = ctx;
    w->inner.abandon(w->inner.ctx, i);
}

static ddp_status fw_commit(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg)
{
    faulty_target *w = ctx;
    return w->inner.commit(w->inner.ctx, done, arg);
}

static void bind_faulty(faulty_target *w, ddp_target *out)
{
    *out = (ddp_target){w, fw_read_reparse, fw_begin, fw_write, fw_finish, fw_abandon, fw_commit, NULL};
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    size_t n;
    if (!f)
        return -1;
    n = len ? fwrite(data, 1, len, f) : 0;
    return fclose(f) == 0 && n == len ? 0 : -1;
}

static int file_is(const char *path, const uint8_t *want, size_t len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *got = malloc(len + 1);
    size_t n = 0;
    int same = 0;
    if (f && got) {
        n = fread(got, 1, len + 1, f);
        same = n == len && (len == 0 || memcmp(got, want, len) == 0);
    }
    if (f)
        fclose(f);
    free(got);
    return same;
}

static int temp_files_left(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d)) != NULL)
        n += strstr(de->d_name, ".ddprestore-") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* Files 0..6 as the engine gets them: raw stubs for the deduplicated ones, the empty
 * file and file 6 (no reparse point) as their plain content. */
static void env_setup(file_env *fe, uint16_t layout, int stale)
{
    memset(fe, 0, sizeof *fe);
    assert_int_equal(rel_env_build(&fe->e, layout, stale), 0);
    snprintf(fe->dir, sizeof fe->dir, "%s/ddp-file-faults-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(fe->dir));
    for (uint32_t i = 0; i < REL_FILES; i++) {
        const store_fixture_file *f = &fe->e.ss.files[i];
        int stub = f->reparse_len > 0 && i != 6;
        fe->paths[i] = malloc(strlen(fe->dir) + 16);
        assert_non_null(fe->paths[i]);
        sprintf(fe->paths[i], "%s/file%u", fe->dir, i);
        fe->initial[i] = stub ? f->reparse : f->data;
        fe->initial_len[i] = stub ? f->reparse_len : f->size;
    }
}

static void env_reset_files(const file_env *fe)
{
    for (uint32_t i = 0; i < REL_FILES; i++)
        assert_int_equal(write_file(fe->paths[i], fe->initial[i], fe->initial_len[i]), 0);
}

static void env_free(file_env *fe)
{
    for (uint32_t i = 0; i < REL_FILES; i++) {
        unlink(fe->paths[i]);
        free(fe->paths[i]);
    }
    rmdir(fe->dir);
    rel_env_free(&fe->e);
}

/* One restore of the seven files in place; w->fail_write_at and the store's fault settings
 * come from the caller. */
static void env_run(file_env *fe, faulty_target *w, const ddp_restore_options *opt)
{
    ddp_target_spec files[REL_FILES];
    ddp_file_target *ft;
    ddp_target target;

    for (uint32_t i = 0; i < REL_FILES; i++)
        files[i] = (ddp_target_spec){fe->paths[i], DDP_STUB_RAW, NULL};
    assert_int_equal(ddp_file_target_new(DDP_TARGET_IN_PLACE, REL_FILES, files, 0, &ft), DDP_OK);
    ddp_file_target_bind(ft, &w->inner);
    w->injected_file = -1;
    w->writes = 0;
    bind_faulty(w, &target);
    fake_backup_api(&fe->e.fs, &fe->e.store);
    fe->overall = ddp_restore(&fe->e.store, &target, REL_FILES, NULL, opt, fe->results, NULL);
    ddp_file_target_free(ft);
}

/* Nothing lost on disk: failed files hold their stub, restored ones their content, the
 * others are unchanged, no temporary file is left. Returns the number of failed files. */
static uint32_t check_disk(const file_env *fe, const char *what, uint32_t k)
{
    uint32_t failed = 0;
    for (uint32_t i = 0; i < REL_FILES; i++) {
        const store_fixture_file *f = &fe->e.ss.files[i];
        int32_t hr = fe->results[i].hr;
        if (hr == DDP_S_OK) {
            if (!file_is(fe->paths[i], f->data, f->size))
                fail_msg("%s, k = %u: file %u is S_OK but its content differs", what, k, i);
            continue;
        }
        if (hr >= 0 && hr != DDP_S_FALSE)
            fail_msg("%s, k = %u: file %u: unexpected result 0x%08x", what, k, i, (unsigned)hr);
        if (!file_is(fe->paths[i], fe->initial[i], fe->initial_len[i]))
            fail_msg("%s, k = %u: file %u (0x%08x: %s) lost its stub bytes", what, k, i, (unsigned)hr,
                     fe->results[i].message);
        failed += hr < 0;
    }
    if (temp_files_left(fe->dir))
        fail_msg("%s, k = %u: temporary files left", what, k);
    return failed;
}

/* Store reads fail with E_FAIL: failed files carry it (or DDP_E_PATH_NOT_FOUND for a
 * container no longer found); a failing target write fails its file alone with E_FAIL. */
static void check_causes(const file_env *fe, sweep_kind kind, int64_t bad, const char *what, uint32_t k)
{
    for (uint32_t i = 0; i < REL_FILES; i++) {
        int32_t hr = fe->results[i].hr;
        int ok = kind == SWEEP_STORE_READ ? (hr >= 0 || hr == FAKE_E_FAIL || hr == DDP_HR_PATH_NOT_FOUND)
                                          : ((int64_t)i == bad ? hr == DDP_HR_E_FAIL : hr >= 0);
        if (!ok)
            fail_msg("%s, k = %u: file %u got 0x%08x (%s)", what, k, i, (unsigned)hr, fe->results[i].message);
    }
}

static void sweep(uint16_t layout, int stale, uint32_t max_read, fake_plan_mode plan, sweep_kind kind)
{
    file_env fe;
    faulty_target w;
    ddp_restore_options opt;
    char what[80];
    uint32_t k, runs_with_failures = 0;
    int ended = 0;

    snprintf(what, sizeof what, "layout %04x, failing %s", layout,
             kind == SWEEP_TARGET_WRITE ? "target write" : "store read");
    env_setup(&fe, layout, stale);
    for (k = 1; k < MAX_K && !ended; k++) {
        assert_int_equal(rel_env_prepare(&fe.e), 0);
        env_reset_files(&fe);
        ddp_restore_options_default(&opt);
        if (max_read) {
            opt.max_read = max_read;
            opt.coalesce_gap = 0;
        }
        fe.e.fs.plan_mode = plan;
        memset(&w, 0, sizeof w);
        if (kind == SWEEP_TARGET_WRITE)
            w.fail_write_at = k;
        else
            fe.e.fs.fail_at[FAKE_READ] = k;
        env_run(&fe, &w, &opt);
        runs_with_failures += check_disk(&fe, what, k) > 0;
        check_causes(&fe, kind, w.injected_file, what, k);
        ended = kind == SWEEP_TARGET_WRITE ? w.injected_file < 0 : fe.e.fs.failures_injected == 0;
        rel_env_release(&fe.e);
    }
    if (!ended)
        fail_msg("%s: still reaching a call at k = %u (MAX_K): the sweep never ended", what, MAX_K - 1);
    print_message("%s: k = 1..%u on real files, %u runs failed files, every stub intact\n", what, k - 2,
                  runs_with_failures);
    /* a write per chunk: at least one per file; reads are coalesced (4 at the default size) */
    assert_true(k - 2 >= (kind == SWEEP_TARGET_WRITE ? 5u : 2u));
    if (kind == SWEEP_TARGET_WRITE)
        assert_int_equal(runs_with_failures, k - 2);   /* every failed write fails its file */
    else
        assert_true(runs_with_failures > 0);
    env_free(&fe);
}

static void test_target_write_fails_on_files(void **state)
{
    (void)state;
    sweep(DDP_LAYOUT_0102, 0, 0, FAKE_PLAN_NONE, SWEEP_TARGET_WRITE);
    sweep(DDP_LAYOUT_0103, 1, 4096, FAKE_PLAN_SAMPLE, SWEEP_TARGET_WRITE);
}

static void test_store_read_fails_on_files(void **state)
{
    (void)state;
    sweep(DDP_LAYOUT_0102, 0, 0, FAKE_PLAN_NONE, SWEEP_STORE_READ);
    sweep(DDP_LAYOUT_0103, 1, 4096, FAKE_PLAN_SAMPLE, SWEEP_STORE_READ);
    sweep(DDP_LAYOUT_0201, 0, 4096, FAKE_PLAN_REVERSE, SWEEP_STORE_READ);
}

/* As root, the effective ids become nobody's for the restore, so that a mode of 0 denies. */
static void drop_to_nobody(int drop)
{
    if (!drop || geteuid() != 0)
        return;
    assert_int_equal(setegid(NOBODY), 0);
    assert_int_equal(seteuid(NOBODY), 0);
}

static void back_to_root(int was_root)
{
    if (was_root && (seteuid(0) != 0 || setegid(0) != 0))
        abort();
}

static void expect_refused(const file_env *fe, uint32_t i, int32_t hr, ddp_status st, const char *cause)
{
    const ddp_file_result *r = &fe->results[i];
    if (r->hr != hr || r->status != st || !strstr(r->message, cause))
        fail_msg("file %u: 0x%08x / %s (%s), expected 0x%08x and \"%s\"", i, (unsigned)r->hr,
                 ddp_status_str(r->status), r->message, (unsigned)hr, cause);
}

static void test_target_paths_through_engine(void **state)
{
    file_env fe;
    faulty_target w;
    ddp_restore_options opt;
    char *other, *inside;
    int was_root = geteuid() == 0;
    (void)state;

    env_setup(&fe, DDP_LAYOUT_0103, 0);
    assert_int_equal(rel_env_prepare(&fe.e), 0);
    env_reset_files(&fe);
    assert_int_equal(chmod(fe.dir, 0777), 0);        /* nobody writes the temporary files */
    /* file 0: a directory; file 2: a second name; file 3: unreadable */
    assert_int_equal(unlink(fe.paths[0]), 0);
    assert_int_equal(mkdir(fe.paths[0], 0755), 0);
    inside = malloc(strlen(fe.paths[0]) + 8);
    sprintf(inside, "%s/kept", fe.paths[0]);
    assert_int_equal(write_file(inside, (const uint8_t *)"k", 1), 0);
    other = malloc(strlen(fe.dir) + 16);
    sprintf(other, "%s/other-name", fe.dir);
    assert_int_equal(link(fe.paths[2], other), 0);
    assert_int_equal(chmod(fe.paths[3], 0), 0);
    ddp_restore_options_default(&opt);
    memset(&w, 0, sizeof w);
    drop_to_nobody(1);
    env_run(&fe, &w, &opt);
    back_to_root(was_root);
    expect_refused(&fe, 0, DDP_HR_DIRECTORY_NOT_SUPPORTED, DDP_ERR_IS_DIRECTORY, "is a directory");
    expect_refused(&fe, 2, DDP_HR_NOT_SUPPORTED, DDP_ERR_HARD_LINK, "other hard links");
    expect_refused(&fe, 3, DDP_HR_E_ACCESSDENIED, DDP_ERR_ACCESS_DENIED, "access denied");
    assert_true(file_is(inside, (const uint8_t *)"k", 1));
    assert_true(file_is(fe.paths[2], fe.initial[2], fe.initial_len[2]));
    assert_true(file_is(other, fe.initial[2], fe.initial_len[2]));
    assert_int_equal(chmod(fe.paths[3], 0644), 0);
    assert_true(file_is(fe.paths[3], fe.initial[3], fe.initial_len[3]));
    /* file 4 shares file 2's chunks, file 5 is alone: both restored */
    assert_int_equal(fe.results[4].hr, DDP_S_OK);
    assert_true(file_is(fe.paths[4], fe.e.ss.files[4].data, fe.e.ss.files[4].size));
    assert_int_equal(fe.results[5].hr, DDP_S_OK);
    assert_int_equal(fe.overall, DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_int_equal(temp_files_left(fe.dir), 0);
    rel_env_release(&fe.e);
    unlink(inside);
    rmdir(fe.paths[0]);
    unlink(other);
    free(inside);
    free(other);
    env_free(&fe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_write_fails_on_files),
        cmocka_unit_test(test_store_read_fails_on_files),
        cmocka_unit_test(test_target_paths_through_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
