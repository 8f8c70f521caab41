/*
 * test_restore_reasons.c - one vocabulary for failure: every failed file's HRESULT is the
 * one its reason (ddp_status) maps to (API.md §2-§3), whoever found the failure. A store
 * read failing with a code the engine knows keeps its meaning (not found, access denied),
 * any other code is an I/O error (E_FAIL) whose message keeps the store's code; a record
 * missing from its container's redirection table is DDP_E_FILE_CORRUPT with
 * DDP_ERR_NO_RECORD, never "not found" (which means a missing container path).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fixture.h"

#define N 3
static const size_t sizes[N] = {150000, 110000, 90000};

typedef struct env {
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_file_result res[N];
} env;

static void setup_env(env *e, int stale)
{
    memset(e, 0, sizeof *e);
    fixture_options(&e->opt, DDP_LAYOUT_0103);
    e->opt.container_limit = 96 * 1024;
    e->opt.stale_hints = stale;
    assert_int_equal(fixture_build(&e->f, &e->opt, N, sizes, NULL), 0);
    fixture_backup(&e->m, e->f.mem);
    fixture_target(&e->f, &e->t);
}

static void teardown_env(env *e)
{
    assert_int_equal(e->t.violations, 0);
    fake_backup_free(&e->m);
    fake_target_free(&e->t);
    fixture_free(&e->f);
}

/* The HRESULT each reason a failed file may carry here maps to. */
static int32_t hr_of(ddp_status st)
{
    switch (st) {
    case DDP_ERR_NOT_FOUND: return DDP_HR_PATH_NOT_FOUND;
    case DDP_ERR_IO: return DDP_HR_E_FAIL;
    case DDP_ERR_ACCESS_DENIED: return DDP_HR_E_ACCESSDENIED;
    case DDP_ERR_NO_MEMORY: return DDP_HR_E_OUTOFMEMORY;
    case DDP_ERR_PROTOCOL: return DDP_HR_UNEXPECTED;
    default: return DDP_HR_FILE_CORRUPT;
    }
}

/* Every failed file: its HRESULT is its reason's. Returns how many failed. */
static uint32_t check_pairs(const env *e)
{
    uint32_t failed = 0;
    for (uint32_t i = 0; i < N; i++) {
        const ddp_file_result *r = &e->res[i];
        if (r->hr >= 0)
            continue;
        failed++;
        if (r->hr != hr_of(r->status))
            fail_msg("file %u: 0x%08x with reason %s (%s)", i, (unsigned)r->hr, ddp_status_str(r->status),
                     r->message);
    }
    return failed;
}

/* One data read fails with code: the file needing it fails with want / want_st. */
static void one_failing_read(int32_t code, int32_t want, ddp_status want_st, const char *in_message)
{
    env e;
    setup_env(&e, 0);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.coalesce_gap = 0;
    e.m.fail_hr = code;
    e.m.fail_at[FAKE_READ] = 8;   /* past the file lists, the probe and the stream maps: a data read */
    (void)fixture_restore(&e.m, &e.t, &ro, e.res, NULL);
    assert_true(check_pairs(&e) >= 1);
    int seen = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (e.res[i].hr >= 0)
            continue;
        assert_int_equal(e.res[i].hr, want);
        assert_int_equal(e.res[i].status, want_st);
        if (in_message && !strstr(e.res[i].message, in_message))
            fail_msg("file %u: \"%s\" without \"%s\"", i, e.res[i].message, in_message);
        seen = 1;
    }
    assert_true(seen);
    teardown_env(&e);
}

static void test_store_codes(void **state)
{
    (void)state;
    one_failing_read((int32_t)0x80004005u, DDP_HR_E_FAIL, DDP_ERR_IO, "error 0x80004005");
    one_failing_read((int32_t)0x80070015u, DDP_HR_E_FAIL, DDP_ERR_IO, "error 0x80070015");
    one_failing_read((int32_t)0x80070005u, DDP_HR_E_ACCESSDENIED, DDP_ERR_ACCESS_DENIED, "error 0x80070005");
    one_failing_read((int32_t)0x80070002u, DDP_HR_PATH_NOT_FOUND, DDP_ERR_NOT_FOUND, "error 0x80070002");
}

/* Stale hints and a redirection table of no entries: the records are not there and not
 * in the table: DDP_E_FILE_CORRUPT, DDP_ERR_NO_RECORD. */
static void test_record_not_in_rrtl(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1);
    const char *path = fixture_container(&e.f, "Data", 0);
    size_t len = 0;
    const uint8_t *b = ddp_sink_mem_get(e.f.mem, path, &len);
    assert_true(b && len >= DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE);
    uint32_t count = ddp_le32(b + DDP_RRTL_OFFSET + 8);
    assert_true(count > 0 && count < 0x10000u);
    assert_int_equal(fake_backup_xor(&e.m, path, DDP_RRTL_OFFSET + 8, (uint8_t)(count & 0xFF)), 0);
    assert_int_equal(fake_backup_xor(&e.m, path, DDP_RRTL_OFFSET + 9, (uint8_t)(count >> 8)), 0);
    int32_t hr = fixture_restore(&e.m, &e.t, NULL, e.res, NULL);
    assert_true(hr < 0);
    assert_true(check_pairs(&e) >= 1);
    uint32_t missing = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (e.res[i].hr >= 0)
            continue;
        assert_int_equal(e.res[i].hr, DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.res[i].status, DDP_ERR_NO_RECORD);
        assert_non_null(strstr(e.res[i].message, "not in the redirection table"));
        missing++;
    }
    assert_true(missing >= 1);
    teardown_env(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_codes),
        cmocka_unit_test(test_record_not_in_rrtl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
