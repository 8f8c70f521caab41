/*
 * test_restore_commit.c - durability in batches: with a target offering commit(), the
 * engine commits every DDP_COMMIT_BATCH finished files and once at the end, a file is
 * S_OK only when commit() reported it final, and every way a commit can go wrong (the
 * whole call failing, one file reported failed, one never reported, one reported twice)
 * gives each file the right result and the right overall code, stubs kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fixture.h"

#define SMALL_SET 12u
#define LARGE_SET 2500u   /* three batches: 1024 + 1024 + 452 */

typedef struct commit_case {
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_file_result *res;
    ddp_restore_stats st;
} commit_case;

static void build_case(commit_case *c, uint32_t n)
{
    size_t *sizes = malloc(n * sizeof *sizes);
    assert_non_null(sizes);
    for (uint32_t i = 0; i < n; i++)
        sizes[i] = 300 + (i % 53) * 17;
    ddp_store_builder_options opt;
    fixture_options(&opt, DDP_LAYOUT_0103);
    assert_int_equal(fixture_build(&c->f, &opt, n, sizes, NULL), 0);
    free(sizes);
    fixture_backup(&c->m, c->f.mem);
    fixture_target(&c->f, &c->t);
    c->t.commit_mode = 1;
    c->res = calloc(n, sizeof *c->res);
    assert_non_null(c->res);
}

static int32_t run_case(commit_case *c)
{
    return fixture_restore(&c->m, &c->t, NULL, c->res, &c->st);
}

static void free_case(commit_case *c)
{
    free(c->res);
    fake_backup_free(&c->m);
    fake_target_free(&c->t);
    fixture_free(&c->f);
}

static void assert_final(commit_case *c, uint32_t i)
{
    if (c->res[i].hr != DDP_S_OK)
        fail_msg("file %u: 0x%08x %s", i, (unsigned)c->res[i].hr, c->res[i].message);
    assert_true(fixture_restored(&c->f, &c->t, i));
    assert_true(c->t.files[i].reparse_removed);
}

/* The file failed in the commit: its stub stays, it was never abandoned after finish. */
static void assert_stub_kept(commit_case *c, uint32_t i, int32_t hr, const char *why)
{
    if (c->res[i].hr != hr)
        fail_msg("file %u: 0x%08x instead of 0x%08x (%s)", i, (unsigned)c->res[i].hr, (unsigned)hr,
                 c->res[i].message);
    if (!strstr(c->res[i].message, why))
        fail_msg("file %u: message \"%s\" lacks \"%s\"", i, c->res[i].message, why);
    assert_false(c->t.files[i].reparse_removed);
    assert_int_equal(c->t.files[i].abandons, 0);
}

static void test_one_commit_at_the_end(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    assert_int_equal(run_case(&c), DDP_S_OK);
    for (uint32_t i = 0; i < SMALL_SET; i++)
        assert_final(&c, i);
    assert_int_equal(c.st.commit_calls, 1);
    assert_int_equal(c.t.commits, 1);
    assert_int_equal(c.t.largest_batch, SMALL_SET);
    assert_int_equal(fake_target_uncommitted(&c.t), 0);
    assert_int_equal(c.t.violations, 0);
    free_case(&c);
}

static void test_batches_of_commit_batch_files(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, LARGE_SET);
    assert_int_equal(run_case(&c), DDP_S_OK);
    for (uint32_t i = 0; i < LARGE_SET; i++)
        assert_final(&c, i);
    assert_int_equal(c.st.commit_calls, (LARGE_SET + DDP_COMMIT_BATCH - 1) / DDP_COMMIT_BATCH);
    assert_int_equal(c.t.commits, c.st.commit_calls);
    assert_int_equal(c.t.largest_batch, DDP_COMMIT_BATCH);
    assert_int_equal(fake_target_uncommitted(&c.t), 0);
    if (c.t.violations)
        fail_msg("%s", c.t.violation);
    free_case(&c);
}

static void test_without_commit_each_finish_is_final(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    c.t.commit_mode = 0;
    assert_int_equal(run_case(&c), DDP_S_OK);
    for (uint32_t i = 0; i < SMALL_SET; i++)
        assert_final(&c, i);
    assert_int_equal(c.st.commit_calls, 0);
    assert_int_equal(c.t.commits, 0);
    free_case(&c);
}

static void test_done_failing_one_file(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    c.t.fail_done_file = 5;
    assert_int_equal(run_case(&c), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    for (uint32_t i = 0; i < SMALL_SET; i++) {
        if (i == 5)
            assert_stub_kept(&c, i, DDP_HR_E_FAIL, "making the file final failed");
        else
            assert_final(&c, i);
    }
    assert_int_equal(c.res[5].status, DDP_ERR_IO);
    assert_int_equal(c.t.violations, 0);
    free_case(&c);
}

static void test_commit_failing_whole(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    c.t.fail_commit = 1;
    assert_int_equal(run_case(&c), DDP_HR_E_FAIL);
    for (uint32_t i = 0; i < SMALL_SET; i++)
        assert_stub_kept(&c, i, DDP_HR_E_FAIL, "making the file final failed");
    assert_int_equal(c.st.commit_calls, 1);
    free_case(&c);
}

/* Only the second batch's files fail; the first and last batches are final. */
static void test_commit_failing_one_batch(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, LARGE_SET);
    c.t.fail_commit = 2;
    assert_int_equal(run_case(&c), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    uint32_t failed = 0, final = 0;
    for (uint32_t i = 0; i < LARGE_SET; i++) {
        if (c.t.files[i].commit_failed) {
            assert_stub_kept(&c, i, DDP_HR_E_FAIL, "making the file final failed");
            failed++;
        } else {
            assert_final(&c, i);
            final++;
        }
    }
    assert_int_equal(failed, DDP_COMMIT_BATCH);
    assert_int_equal(final, LARGE_SET - DDP_COMMIT_BATCH);
    assert_int_equal(c.st.commit_calls, 3);
    free_case(&c);
}

static void test_file_never_reported(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    c.t.silent_file = 3;
    assert_int_equal(run_case(&c), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    for (uint32_t i = 0; i < SMALL_SET; i++) {
        if (i == 3)
            assert_stub_kept(&c, i, DDP_HR_UNEXPECTED, "did not report");
        else
            assert_final(&c, i);
    }
    free_case(&c);
}

/* A second report of a file already final changes nothing. */
static void test_file_reported_twice(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    c.t.double_done_file = 7;
    assert_int_equal(run_case(&c), DDP_S_OK);
    for (uint32_t i = 0; i < SMALL_SET; i++)
        assert_final(&c, i);
    free_case(&c);
}

/* A file failing before its finish is abandoned and never committed. */
static void test_write_failure_is_not_committed(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, SMALL_SET);
    c.t.fail_write_file = 2;
    assert_int_equal(run_case(&c), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_int_equal(c.res[2].hr, DDP_HR_E_FAIL);
    assert_int_equal(c.t.files[2].abandons, 1);
    assert_int_equal(c.t.files[2].finishes, 0);
    for (uint32_t i = 0; i < SMALL_SET; i++) {
        if (i != 2)
            assert_final(&c, i);
    }
    assert_int_equal(c.t.largest_batch, SMALL_SET - 1);
    assert_int_equal(c.t.violations, 0);
    free_case(&c);
}

/* Every file failing before finish: nothing to commit, commit() never called. */
static void test_nothing_finished_no_commit(void **state)
{
    (void)state;
    commit_case c;
    build_case(&c, 1);
    c.t.fail_write_file = 0;
    assert_int_equal(run_case(&c), DDP_HR_E_FAIL);
    assert_int_equal(c.st.commit_calls, 0);
    assert_int_equal(c.t.commits, 0);
    free_case(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_commit_at_the_end),
        cmocka_unit_test(test_batches_of_commit_batch_files),
        cmocka_unit_test(test_without_commit_each_finish_is_final),
        cmocka_unit_test(test_done_failing_one_file),
        cmocka_unit_test(test_commit_failing_whole),
        cmocka_unit_test(test_commit_failing_one_batch),
        cmocka_unit_test(test_file_never_reported),
        cmocka_unit_test(test_file_reported_twice),
        cmocka_unit_test(test_write_failure_is_not_committed),
        cmocka_unit_test(test_nothing_finished_no_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
