/*
 * test_restore_failures.c - what goes wrong and what it gives (API.md §2-§4): short
 * reads, missing data and stream containers (DDP_E_PATH_NOT_FOUND), a corrupt chunk in
 * one of three files (that one DDP_E_FILE_CORRUPT and abandoned, the others restored,
 * DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS) and its retry, a corrupt record header,
 * truncated containers, failing reads, previews and writes, files that are not
 * deduplicated (S_FALSE), malformed reparse points (DDP_E_INVALID_DATA), and the
 * argument checks. A failed file is never finished and keeps its reparse point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/container.h"
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
    ddp_file_result res[N + 2];
    ddp_restore_stats st;
} env;

static void setup_env(env *e, uint64_t container_limit)
{
    memset(e, 0, sizeof *e);
    fixture_options(&e->opt, DDP_LAYOUT_0102);
    e->opt.container_limit = container_limit;
    assert_int_equal(fixture_build(&e->f, &e->opt, N, sizes, NULL), 0);
    fixture_backup(&e->m, e->f.mem);
    fixture_target(&e->f, &e->t);
}

static int32_t run(env *e, const ddp_restore_options *ro)
{
    return fixture_restore(&e->m, &e->t, ro, e->res, &e->st);
}

static void teardown_env(env *e)
{
    assert_int_equal(e->t.violations, 0);
    assert_int_equal(e->m.plans_live, 0);
    fake_backup_free(&e->m);
    fake_target_free(&e->t);
    fixture_free(&e->f);
}

/* File i failed with hr: never finished, reparse point kept, abandoned if begun. */
static void assert_failed(const env *e, uint32_t i, int32_t hr)
{
    if (e->res[i].hr != hr)
        fail_msg("file %u: 0x%08x, expected 0x%08x (%s)", i, (unsigned)e->res[i].hr, (unsigned)hr, e->res[i].message);
    assert_true(e->res[i].message[0] != '\0');
    assert_int_equal(e->t.files[i].finishes, 0);
    assert_false(e->t.files[i].reparse_removed);
    assert_int_equal(e->t.files[i].abandons, e->t.files[i].begins);
}

static void assert_ok(const env *e, uint32_t i)
{
    if (e->res[i].hr != DDP_S_OK)
        fail_msg("file %u: 0x%08x %s", i, (unsigned)e->res[i].hr, e->res[i].message);
    assert_true(fixture_restored(&e->f, &e->t, i));
}

static void assert_protocol(const fake_backup *m)
{
    char why[256] = "";
    if (check_previews(m, why, sizeof why) != 0)
        fail_msg("previews: %s", why);
}

static void test_short_reads(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    e.m.short_read = 1000;
    assert_int_equal(run(&e, NULL), DDP_S_OK);
    for (uint32_t i = 0; i < N; i++)
        assert_ok(&e, i);
    assert_protocol(&e.m);
    /* every read returned at most 1000 bytes and the rest was asked for */
    uint32_t short_ones = 0;
    for (size_t i = 0; i < e.m.n_log; i++)
        if (e.m.log[i].kind == FAKE_READ && e.m.log[i].got < e.m.log[i].size)
            short_ones++;
    assert_true(short_ones > 10);
    teardown_env(&e);
}

static void test_missing_data_container(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 96 * 1024);
    const char *victim = fixture_container(&e.f, "Data", 1);
    assert_non_null(victim);
    fake_backup_drop(&e.m, victim);
    int32_t hr = run(&e, NULL);
    uint32_t ok = 0, missing = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (e.res[i].hr == DDP_S_OK) {
            assert_ok(&e, i);
            ok++;
        } else {
            assert_failed(&e, i, DDP_HR_PATH_NOT_FOUND);
            assert_non_null(strstr(e.res[i].message, "Data\\00000002"));
            missing++;
        }
    }
    assert_true(missing >= 1);
    assert_int_equal(hr, ok ? DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS : DDP_HR_PATH_NOT_FOUND);
    /* the missing container is asked for once, then no more */
    uint32_t asked = 0;
    for (size_t i = 0; i < e.m.n_log; i++)
        if (e.m.log[i].kind == FAKE_READ && strcmp(e.m.log[i].path, victim) == 0)
            asked++;
    assert_int_equal(asked, 1);
    assert_protocol(&e.m);
    teardown_env(&e);
}

static void test_missing_stream_container(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    fake_backup_drop(&e.m, fixture_container(&e.f, "Stream", 0));
    assert_int_equal(run(&e, NULL), DDP_HR_PATH_NOT_FOUND);
    for (uint32_t i = 0; i < N; i++) {
        assert_failed(&e, i, DDP_HR_PATH_NOT_FOUND);
        assert_int_equal(e.t.files[i].begins, 0);
    }
    assert_int_equal(e.m.count[FAKE_ORDER], 0);
    teardown_env(&e);
}

/* One payload byte of a chunk of file 1 flipped: file 1 corrupt, 0 and 2 restored;
 * then the same stub restored again once the backup is good. */
static void test_corrupt_chunk_one_of_three(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < 3; k++) {   /* first, second and third chunk of the file */
        env e;
        setup_env(&e, 1u << 30);
        char path[200];
        uint64_t off;
        assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 1, k, path, sizeof path, &off), 0);
        assert_int_equal(fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 100, 0x5A), 0);
        int32_t hr = run(&e, NULL);
        assert_int_equal(hr, DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
        assert_ok(&e, 0);
        assert_ok(&e, 2);
        assert_failed(&e, 1, DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.st.order_calls, 2);
        assert_protocol(&e.m);
        /* retry the failed stub with a good backup */
        assert_int_equal(fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 100, 0x5A), 0);   /* undone */
        fake_backup_reset_counts(&e.m);
        fake_target_reset(&e.t);
        assert_int_equal(run(&e, NULL), DDP_S_OK);
        for (uint32_t i = 0; i < N; i++)
            assert_ok(&e, i);
        teardown_env(&e);
    }
}

/* The very first chunk read is corrupt while the hash algorithm is still unknown: it is
 * held, and once the other chunks identify the algorithm, its file fails. */
static void test_corrupt_first_chunk_before_detection(void **state)
{
    (void)state;
    env e;
    memset(&e, 0, sizeof e);
    fixture_options(&e.opt, DDP_LAYOUT_0201);
    e.opt.compress = 0;    /* raw chunks: the flipped byte still "decompresses" */
    assert_int_equal(fixture_build(&e.f, &e.opt, N, sizes, NULL), 0);
    fixture_backup(&e.m, e.f.mem);
    fixture_target(&e.f, &e.t);
    char path[200];
    uint64_t off;
    assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 0, 0, path, sizeof path, &off), 0);
    fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 7, 0x80);
    assert_int_equal(run(&e, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
    assert_int_equal(e.res[0].status, DDP_ERR_HASH_MISMATCH);
    assert_ok(&e, 1);
    assert_ok(&e, 2);
    teardown_env(&e);
}

/* A store of one file whose only chunk is damaged (raw, so it still "decompresses"). */
static void setup_only_chunk_corrupt(env *e)
{
    static const size_t one[1] = {3000};
    memset(e, 0, sizeof *e);
    fixture_options(&e->opt, DDP_LAYOUT_0103);
    e->opt.compress = 0;
    assert_int_equal(fixture_build(&e->f, &e->opt, 1, one, NULL), 0);
    fixture_backup(&e->m, e->f.mem);
    fixture_target(&e->f, &e->t);
    char path[200];
    uint64_t off;
    assert_int_not_equal(fixture_chunk_location(&e->f, &e->opt, 0, 1, path, sizeof path, &off), 0);
    assert_int_equal(fixture_chunk_location(&e->f, &e->opt, 0, 0, path, sizeof path, &off), 0);
    fake_backup_xor(&e->m, path, off + DDP_DATA_HEADER_SIZE + 1000, 0x01);
}

/* No record of the store identifies the algorithm (FORMAT.md §5: neither candidate is
 * confirmed on real volumes; the one extra read after the chunk finds nothing): by default
 * the file is not restored (DDP_E_FILE_CORRUPT, status unverified, reparse point kept);
 * with allow_unverified it is restored, and its result says it was not verified. */
static void test_only_chunk_corrupt_unverified(void **state)
{
    (void)state;
    for (int allow = 0; allow < 2; allow++) {
        env e;
        setup_only_chunk_corrupt(&e);
        ddp_restore_options ro;
        ddp_restore_options_default(&ro);
        ro.allow_unverified = (uint32_t)allow;
        assert_int_equal(run(&e, &ro), allow ? DDP_S_OK : DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.res[0].status, DDP_WARN_UNVERIFIED);
        assert_int_equal(e.st.unverified_chunks, 1);
        assert_int_equal(e.st.identify_reads, 2);   /* its data and its stream container */
        assert_protocol(&e.m);
        if (!allow) {
            assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
            assert_non_null(strstr(e.res[0].message, "unverified restores were not allowed"));
            teardown_env(&e);
            continue;
        }
        assert_int_equal(e.res[0].hr, DDP_S_OK);
        assert_non_null(strstr(e.res[0].message, "without hash verification"));
        assert_int_equal(e.t.files[0].finishes, 1);
        assert_true(e.t.files[0].reparse_removed);
        /* the content is what the store holds: the damaged byte included */
        assert_false(fixture_restored(&e.f, &e.t, 0));
        teardown_env(&e);
    }
}

/* A file whose only chunk is damaged, restored on its own from a store whose other
 * chunks are intact: its chunk identifies nothing, but the records around it in its
 * container do (extra reads, previewed and counted), so it is corrupt, never unverified:
 * DDP_E_FILE_CORRUPT, reparse point kept. The damaged chunk first in its container (the
 * read after it finds the others) and last (the read from the first record does). */
static void test_lone_damaged_chunk_identified_by_neighbours(void **state)
{
    (void)state;
    static const size_t small[N] = {3000, 3000, 3000};
    for (uint32_t victim = 0; victim < N; victim += N - 1) {
        env e;
        memset(&e, 0, sizeof e);
        fixture_options(&e.opt, DDP_LAYOUT_0103);
        e.opt.compress = 0;
        assert_int_equal(fixture_build(&e.f, &e.opt, N, small, NULL), 0);
        assert_int_equal(fixture_count_containers(&e.f, "Data"), 1);
        fixture_backup(&e.m, e.f.mem);
        fake_target_init(&e.t, 1);
        fake_target_set_reparse(&e.t, 0, e.f.files[victim].reparse, e.f.files[victim].reparse_len);
        char path[200];
        uint64_t off;
        assert_int_equal(fixture_chunk_location(&e.f, &e.opt, victim, 0, path, sizeof path, &off), 0);
        assert_int_not_equal(fixture_chunk_location(&e.f, &e.opt, victim, 1, path, sizeof path, &off), 0);
        assert_int_equal(fixture_chunk_location(&e.f, &e.opt, victim, 0, path, sizeof path, &off), 0);
        fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 100, 0x01);
        assert_int_equal(run(&e, NULL), DDP_HR_FILE_CORRUPT);
        assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.res[0].status, DDP_ERR_HASH_MISMATCH);
        assert_non_null(strstr(e.res[0].message, "hash"));
        assert_int_equal(e.st.unverified_chunks, 1);
        assert_int_equal(e.st.identify_reads, victim == 0 ? 1 : 2);
        assert_protocol(&e.m);
        teardown_env(&e);
    }
}

/* The same when every other chunk of the store is compressed, so no data record can be
 * hashed without its logical size: the stream maps after the file's own in its stream
 * container name those chunks with their sizes, and one of them identifies the algorithm
 * (a data-container probe, a stream-container probe, a chunk read). */
static void test_lone_damaged_chunk_identified_by_stream_maps(void **state)
{
    (void)state;
    static const size_t sizes3[N] = {3000, 6000, 6000};   /* file 0 one raw chunk, the others Xpress */
    for (uint32_t threads = 1; threads <= 2; threads++) {
        env e;
        memset(&e, 0, sizeof e);
        fixture_options(&e.opt, DDP_LAYOUT_0102);
        assert_int_equal(fixture_build(&e.f, &e.opt, N, sizes3, NULL), 0);
        fixture_backup(&e.m, e.f.mem);
        fake_target_init(&e.t, 1);
        fake_target_set_reparse(&e.t, 0, e.f.files[0].reparse, e.f.files[0].reparse_len);
        char path[200];
        uint64_t off;
        assert_int_not_equal(fixture_chunk_location(&e.f, &e.opt, 0, 1, path, sizeof path, &off), 0);
        assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 0, 0, path, sizeof path, &off), 0);
        fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 7, 0x40);
        ddp_restore_options ro;
        ddp_restore_options_default(&ro);
        ro.threads = threads;
        ro.allow_unverified = 1;   /* even so: identified, so corrupt */
        assert_int_equal(run(&e, &ro), DDP_HR_FILE_CORRUPT);
        assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.res[0].status, DDP_ERR_HASH_MISMATCH);
        assert_int_equal(e.st.identify_reads, 3);
        assert_protocol(&e.m);
        teardown_env(&e);
    }
}

/* The same with require_verified, or with the algorithm fixed: the file fails at once
 * and keeps its reparse point. */
static void test_only_chunk_corrupt_required_verified(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        env e;
        setup_only_chunk_corrupt(&e);
        ddp_restore_options ro;
        ddp_restore_options_default(&ro);
        if (mode == 0)
            ro.require_verified = 1;
        else
            ro.hash_alg = DDP_HASH_SHA256;
        assert_int_equal(run(&e, &ro), DDP_HR_FILE_CORRUPT);
        assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.res[0].status, DDP_ERR_HASH_MISMATCH);
        assert_non_null(strstr(e.res[0].message, mode == 0 ? "neither" : "sha256"));
        assert_int_equal(e.st.unverified_chunks, 0);
        teardown_env(&e);
    }
}

/* A damaged chunk read first is held unverified; the good chunks read after it identify
 * the algorithm, so at the end the held one is corrupt: its file fails, with the same
 * result for every thread count; the others restore. */
static void test_held_chunk_fails_once_identified(void **state)
{
    (void)state;
    static const uint32_t threads[] = {1, 2, 4};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        env e;
        memset(&e, 0, sizeof e);
        fixture_options(&e.opt, DDP_LAYOUT_0102);
        e.opt.compress = 0;
        assert_int_equal(fixture_build(&e.f, &e.opt, N, sizes, NULL), 0);
        fixture_backup(&e.m, e.f.mem);
        fixture_target(&e.f, &e.t);
        char path[200];
        uint64_t off;
        assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 0, 0, path, sizeof path, &off), 0);
        fake_backup_xor(&e.m, path, off + DDP_DATA_HEADER_SIZE + 11, 0x20);
        ddp_restore_options ro;
        ddp_restore_options_default(&ro);
        ro.threads = threads[t];
        assert_int_equal(run(&e, &ro), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
        assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
        assert_int_equal(e.res[0].status, DDP_ERR_HASH_MISMATCH);
        assert_non_null(strstr(e.res[0].message, "the algorithm the other chunks use"));
        assert_int_equal(e.st.unverified_chunks, 1);
        for (uint32_t i = 1; i < N; i++) {
            assert_ok(&e, i);
            assert_int_equal(e.res[i].status, DDP_OK);
        }
        teardown_env(&e);
    }
}

/* A flipped byte in a chunk's Ckhr hash: the record disagrees with the stream map. */
static void test_corrupt_record_hash(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    char path[200];
    uint64_t off;
    assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 2, 0, path, sizeof path, &off), 0);
    fake_backup_xor(&e.m, path, off + 0x28 + 3, 0x01);
    assert_int_equal(run(&e, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_failed(&e, 2, DDP_HR_FILE_CORRUPT);
    assert_int_equal(e.res[2].status, DDP_ERR_HASH_MISMATCH);
    assert_ok(&e, 0);
    assert_ok(&e, 1);
    teardown_env(&e);
}

/* A stream map record corrupted: its file fails, the others restore. */
static void test_corrupt_stream_map(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    ddp_reparse rp;
    assert_int_equal(ddp_reparse_parse(e.f.files[0].reparse, e.f.files[0].reparse_len, &rp, NULL), DDP_OK);
    /* an entry's end field inside the Smap payload */
    fake_backup_xor(&e.m, fixture_container(&e.f, "Stream", 0),
                       rp.refs[0].smap_offset_hint + DDP_SMAP_HEADER_SIZE + 8 + 0x10 + 2, 0x40);
    assert_int_equal(run(&e, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_failed(&e, 0, DDP_HR_FILE_CORRUPT);
    assert_int_equal(e.t.files[0].begins, 0);
    assert_ok(&e, 1);
    assert_ok(&e, 2);
    teardown_env(&e);
}

/* The data container ends early: the chunks past the end are corrupt. */
static void test_truncated_container(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    char path[200];
    uint64_t off;
    assert_int_equal(fixture_chunk_location(&e.f, &e.opt, 2, 0, path, sizeof path, &off), 0);
    assert_int_equal(fake_backup_truncate(&e.m, path, (size_t)off + 10), 0);
    assert_int_equal(run(&e, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_ok(&e, 0);
    assert_ok(&e, 1);
    assert_failed(&e, 2, DDP_HR_FILE_CORRUPT);
    assert_protocol(&e.m);
    teardown_env(&e);
}

/* A read failing with E_FAIL: the files needing that read get E_FAIL. */
static void test_failing_read(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    ddp_restore_options ro;
    ddp_restore_options_default(&ro);
    ro.coalesce_gap = 0;
    e.m.fail_hr = (int32_t)0x80004005u;
    e.m.fail_at[FAKE_READ] = 6;   /* a data read: the probe and 3 stream maps come first */
    int32_t hr = run(&e, &ro);
    assert_int_equal(hr, DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    uint32_t failed = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (e.res[i].hr == DDP_S_OK) {
            assert_ok(&e, i);
        } else {
            assert_failed(&e, i, (int32_t)0x80004005u);
            failed++;
        }
    }
    assert_int_equal(failed, 1);
    teardown_env(&e);
}

/* Failing previews change nothing. */
static void test_failing_preview_ignored(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    e.m.fail_hr = (int32_t)0x80004005u;
    e.m.fail_at[FAKE_PREVIEW] = 3;
    assert_int_equal(run(&e, NULL), DDP_S_OK);
    for (uint32_t i = 0; i < N; i++)
        assert_ok(&e, i);
    teardown_env(&e);
}

static void test_failing_write(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    e.t.fail_write_file = 1;
    assert_int_equal(run(&e, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_failed(&e, 1, DDP_HR_E_FAIL);
    assert_int_equal(e.t.files[1].abandons, 1);
    assert_ok(&e, 0);
    assert_ok(&e, 2);
    teardown_env(&e);
}

/* A file without reparse point and one with another tag: S_FALSE, the rest restored. */
static void test_not_deduplicated(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    fake_target_set_reparse(&e.t, 0, NULL, 0);
    static const uint8_t symlink[20] = {0x0C, 0x00, 0x00, 0xA0, 0x0C, 0x00};
    fake_target_set_reparse(&e.t, 2, symlink, sizeof symlink);
    assert_int_equal(run(&e, NULL), DDP_S_OK);
    assert_int_equal(e.res[0].hr, DDP_S_FALSE);
    assert_int_equal(e.res[2].hr, DDP_S_FALSE);
    assert_int_equal(e.t.files[0].begins + e.t.files[2].begins, 0);
    assert_ok(&e, 1);
    /* none deduplicated: S_FALSE overall, no order call */
    fake_backup_reset_counts(&e.m);
    fake_target_set_reparse(&e.t, 1, NULL, 0);
    fake_target_reset(&e.t);
    assert_int_equal(run(&e, NULL), DDP_S_FALSE);
    assert_int_equal(e.m.n_log, 0);
    teardown_env(&e);
}

/* A flipped byte (CRC fails) and a cut buffer: DDP_E_INVALID_DATA naming the offset. */
static void test_malformed_reparse(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    memcpy(buf, e.f.files[1].reparse, e.f.files[1].reparse_len);
    buf[0x20] ^= 0xFF;
    fake_target_set_reparse(&e.t, 1, buf, e.f.files[1].reparse_len);
    fake_target_set_reparse(&e.t, 2, e.f.files[2].reparse, 12);
    assert_int_equal(run(&e, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_failed(&e, 1, DDP_HR_INVALID_DATA);
    assert_failed(&e, 2, DDP_HR_INVALID_DATA);
    assert_int_equal(e.res[1].status, DDP_ERR_CRC);
    assert_non_null(strstr(e.res[1].message, "offset 0x"));
    assert_ok(&e, 0);
    /* all malformed: the first error */
    fake_target_set_reparse(&e.t, 0, buf, 4);
    fake_backup_reset_counts(&e.m);
    fake_target_reset(&e.t);
    assert_int_equal(run(&e, NULL), DDP_HR_INVALID_DATA);
    teardown_env(&e);
}

/* Buffers shorter than the reparse header (a stub file cut short): one carrying the dedup
 * tag is a malformed dedup file (DDP_E_INVALID_DATA); one too short for a tag, or with
 * another tag, is not deduplicated (S_FALSE). */
static void test_short_reparse_buffers(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    static const uint8_t other_tag[6] = {0x0C, 0x00, 0x00, 0xA0, 0, 0};
    fake_target_set_reparse(&e.t, 0, e.f.files[0].reparse, 6);
    fake_target_set_reparse(&e.t, 1, e.f.files[1].reparse, 3);
    fake_target_set_reparse(&e.t, 2, other_tag, sizeof other_tag);
    assert_int_equal(run(&e, NULL), DDP_HR_INVALID_DATA);
    assert_failed(&e, 0, DDP_HR_INVALID_DATA);
    assert_int_equal(e.res[0].status, DDP_ERR_TRUNCATED);
    assert_int_equal(e.res[1].hr, DDP_S_FALSE);
    assert_int_equal(e.res[2].hr, DDP_S_FALSE);
    teardown_env(&e);
}

/* Messages name the file when names are given. */
static void test_names_in_messages(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    fake_target_set_reparse(&e.t, 1, e.f.files[1].reparse, 12);
    ddp_backup store;
    ddp_target target;
    fake_backup_api(&e.m, &store);
    fake_target_api(&e.t, &target);
    const char *names[N] = {"\\a.bin", "\\dir\\b.bin", "\\c.bin"};
    assert_int_equal(ddp_restore(&store, &target, N, names, NULL, e.res, NULL), DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_non_null(strstr(e.res[1].message, "\\dir\\b.bin"));
    teardown_env(&e);
}

static void test_arguments(void **state)
{
    (void)state;
    env e;
    setup_env(&e, 1u << 30);
    ddp_backup store;
    ddp_target target;
    fake_backup_api(&e.m, &store);
    fake_target_api(&e.t, &target);
    assert_int_equal(ddp_restore(&store, &target, DDP_MAX_RESTORE_FILES + 1, NULL, NULL, NULL, NULL),
                     DDP_HR_E_INVALIDARG);
    assert_int_equal(ddp_restore(NULL, &target, N, NULL, NULL, e.res, NULL), DDP_HR_E_INVALIDARG);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(e.res[i].hr, DDP_HR_E_INVALIDARG);
    assert_int_equal(ddp_restore(&store, NULL, N, NULL, NULL, e.res, NULL), DDP_HR_E_INVALIDARG);
    ddp_backup no_read = store;
    no_read.read = NULL;
    assert_int_equal(ddp_restore(&no_read, &target, N, NULL, NULL, e.res, NULL), DDP_HR_E_INVALIDARG);
    assert_int_equal(e.m.n_log, 0);
    assert_int_equal(ddp_restore(&store, &target, 0, NULL, NULL, NULL, NULL), DDP_S_OK);
    assert_int_equal(e.m.n_log, 0);
    teardown_env(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_reads),
        cmocka_unit_test(test_missing_data_container),
        cmocka_unit_test(test_missing_stream_container),
        cmocka_unit_test(test_corrupt_chunk_one_of_three),
        cmocka_unit_test(test_corrupt_first_chunk_before_detection),
        cmocka_unit_test(test_only_chunk_corrupt_unverified),
        cmocka_unit_test(test_lone_damaged_chunk_identified_by_neighbours),
        cmocka_unit_test(test_lone_damaged_chunk_identified_by_stream_maps),
        cmocka_unit_test(test_only_chunk_corrupt_required_verified),
        cmocka_unit_test(test_held_chunk_fails_once_identified),
        cmocka_unit_test(test_corrupt_record_hash),
        cmocka_unit_test(test_corrupt_stream_map),
        cmocka_unit_test(test_truncated_container),
        cmocka_unit_test(test_failing_read),
        cmocka_unit_test(test_failing_preview_ignored),
        cmocka_unit_test(test_failing_write),
        cmocka_unit_test(test_not_deduplicated),
        cmocka_unit_test(test_malformed_reparse),
        cmocka_unit_test(test_short_reparse_buffers),
        cmocka_unit_test(test_names_in_messages),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
