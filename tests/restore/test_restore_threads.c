/*
 * test_restore_threads.c - with worker threads (options.threads = 0, 2, 4) every store
 * callback (read, order, preview, find_container, free_plan) and every target callback
 * (read_reparse, begin, write, finish, abandon, commit) is made on the thread that
 * called ddp_restore() (restore.h, API.md §8). The fake backup and the fake target
 * are wrapped by a probe that records, per callback, how often it came and how often
 * from another thread. The restore is big enough for the pipeline to work (several MB
 * in several data containers), and the probe checks that the workers really existed:
 * during the data phase's reads the process has at least that many more threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#endif

#include "ddp/container.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "ddp_thread.h"
#include "fixture.h"
#include "process_threads.h"

#ifdef _WIN32
typedef DWORD thread_id;
static thread_id this_thread(void) { return GetCurrentThreadId(); }
static int same_thread(thread_id a, thread_id b) { return a == b; }
#else
typedef pthread_t thread_id;
static thread_id this_thread(void) { return pthread_self(); }
static int same_thread(thread_id a, thread_id b) { return pthread_equal(a, b); }
#endif

typedef enum callback_kind {
    CB_READ,
    CB_ORDER,
    CB_PREVIEW,
    CB_FIND,
    CB_FREE_PLAN,
    CB_READ_REPARSE,
    CB_BEGIN,
    CB_WRITE,
    CB_FINISH,
    CB_ABANDON,
    CB_COMMIT,
    CB_KINDS
} callback_kind;

static const char *const kind_names[CB_KINDS] = {
    "read", "order", "preview", "find_container", "free_plan", "read_reparse",
    "begin", "write", "finish", "abandon", "commit",
};

typedef struct probe {
    ddp_backup inner_store;
    ddp_target inner_target;
    thread_id caller;
    uint64_t calls[CB_KINDS];
    uint64_t foreign[CB_KINDS];   /* calls from another thread than the caller's */
    uint32_t most_threads;        /* threads of the process seen during data reads */
} probe;

static void note(probe *p, callback_kind k)
{
    p->calls[k]++;
    if (!same_thread(this_thread(), p->caller))
        p->foreign[k]++;
}

static int32_t p_read(void *ctx, const char *path, uint64_t offset, uint32_t size, uint8_t *buf, uint32_t *got)
{
    probe *p = ctx;
    note(p, CB_READ);
    if (fake_is_data_path(path)) {
        uint32_t n = process_threads();
        if (n > p->most_threads)
            p->most_threads = n;
    }
    return p->inner_store.read(p->inner_store.ctx, path, offset, size, buf, got);
}

static int32_t p_order(void *ctx, uint32_t n, const char *const *paths, ddp_plan_extent **plan, uint32_t *entries)
{
    probe *p = ctx;
    note(p, CB_ORDER);
    return p->inner_store.order(p->inner_store.ctx, n, paths, plan, entries);
}

static void p_free_plan(void *ctx, ddp_plan_extent *plan)
{
    probe *p = ctx;
    note(p, CB_FREE_PLAN);
    p->inner_store.free_plan(p->inner_store.ctx, plan);
}

static int32_t p_preview(void *ctx, const char *path, uint32_t n, const ddp_read_extent *reads)
{
    probe *p = ctx;
    note(p, CB_PREVIEW);
    return p->inner_store.preview(p->inner_store.ctx, path, n, reads);
}

static int32_t p_find(void *ctx, const char *dir, uint32_t id, char **path)
{
    probe *p = ctx;
    note(p, CB_FIND);
    return p->inner_store.find_container(p->inner_store.ctx, dir, id, path);
}

static ddp_status p_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    probe *p = ctx;
    note(p, CB_READ_REPARSE);
    return p->inner_target.read_reparse(p->inner_target.ctx, file, buf, cap, len);
}

static ddp_status p_begin(void *ctx, uint32_t file, uint64_t size)
{
    probe *p = ctx;
    note(p, CB_BEGIN);
    return p->inner_target.begin(p->inner_target.ctx, file, size);
}

static ddp_status p_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    probe *p = ctx;
    note(p, CB_WRITE);
    return p->inner_target.write(p->inner_target.ctx, file, offset, data, len);
}

static ddp_status p_finish(void *ctx, uint32_t file)
{
    probe *p = ctx;
    note(p, CB_FINISH);
    return p->inner_target.finish(p->inner_target.ctx, file);
}

static void p_abandon(void *ctx, uint32_t file)
{
    probe *p = ctx;
    note(p, CB_ABANDON);
    p->inner_target.abandon(p->inner_target.ctx, file);
}

static ddp_status p_commit(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg)
{
    probe *p = ctx;
    note(p, CB_COMMIT);
    return p->inner_target.commit(p->inner_target.ctx, done, arg);
}

/* The probe's store and target, forwarding to the fake backup and the fake target. */
static void probe_wrap(probe *p, fake_backup *m, fake_target *t, ddp_backup *store, ddp_target *target)
{
    memset(p, 0, sizeof *p);
    fake_backup_api(m, &p->inner_store);
    fake_target_api(t, &p->inner_target);
    assert_non_null(p->inner_store.order);
    assert_non_null(p->inner_store.preview);
    assert_non_null(p->inner_store.find_container);
    assert_non_null(p->inner_target.commit);
    *store = (ddp_backup){p, p_read, p_order, p_free_plan, p_preview, p_find};
    *target = (ddp_target){p, p_read_reparse, p_begin, p_write, p_finish, p_abandon, p_commit, NULL};
}

/* The application's plan: every container whole, in reverse path order. */
static int32_t plan_reverse(fake_backup *m, uint32_t call, uint32_t n, const char *const *paths,
                            ddp_plan_extent **plan, uint32_t *entries)
{
    (void)call;
    ddp_plan_extent *x = fake_plan_alloc(m, n);
    for (uint32_t i = 0; i < n; i++)
        x[i] = (ddp_plan_extent){n - 1 - i, 0, (int64_t)fake_backup_size(m, paths[n - 1 - i])};
    *plan = x;
    *entries = n;
    return 0;
}

#define N_FILES 8
#define FAILING 5   /* this file's chunk 3 is corrupt: it begins, then is abandoned */

/* Workers the data phase starts for a thread count (data_phase.c, restore.h). */
static uint32_t workers_for(uint32_t threads)
{
    uint32_t n = threads ? threads : ddp_cpu_count();
    if (n > DDP_MAX_THREADS)
        n = DDP_MAX_THREADS;
    return n > 1 ? n : 0;
}

static void restore_on_calling_thread(uint32_t threads)
{
    size_t sizes[N_FILES];
    ddp_store_builder_options opt;
    fixture f;
    fake_backup m;
    fake_target t;
    ddp_file_result res[N_FILES];
    ddp_restore_stats st;
    ddp_restore_options ro;
    ddp_backup store;
    ddp_target target;
    probe p;
    char path[200];
    uint64_t off;

    for (uint32_t i = 0; i < N_FILES; i++)
        sizes[i] = 700000 + 53000 * i;   /* about 7 MB in all */
    fixture_options(&opt, DDP_LAYOUT_0103);
    opt.container_limit = 512 * 1024;
    opt.stream_generation = 2;
    assert_int_equal(fixture_build(&f, &opt, N_FILES, sizes, NULL), 0);
    assert_true(fixture_count_containers(&f, "Data") >= 5);
    fixture_backup(&m, f.mem);
    m.with_find = 1;
    m.plan_mode = FAKE_PLAN_HOOK;
    m.plan_hook = plan_reverse;
    assert_int_equal(fixture_chunk_location(&f, &opt, FAILING, 3, path, sizeof path, &off), 0);
    fake_backup_xor(&m, path, off + DDP_DATA_HEADER_SIZE + 200, 0x21);
    fixture_target(&f, &t);
    t.commit_mode = 1;
    probe_wrap(&p, &m, &t, &store, &target);
    ddp_restore_options_default(&ro);
    ro.threads = threads;

    p.caller = this_thread();
    uint32_t baseline = process_threads();
    int32_t hr = ddp_restore(&store, &target, N_FILES, NULL, &ro, res, &st);

    assert_int_equal(hr, DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS);
    for (uint32_t i = 0; i < N_FILES; i++) {
        if (i == FAILING) {
            assert_int_equal(res[i].hr, DDP_HR_FILE_CORRUPT);
            assert_false(t.files[i].reparse_removed);
        } else {
            if (res[i].hr != DDP_S_OK)
                fail_msg("file %u: 0x%08x %s", i, (unsigned)res[i].hr, res[i].message);
            assert_true(fixture_restored(&f, &t, i));
        }
    }
    assert_int_equal(t.violations, 0);
    /* the pipeline was really used: its workers were alive during the data reads */
    uint32_t workers = workers_for(threads);
    assert_true(baseline > 0);
    if (p.most_threads < baseline + workers)
        fail_msg("threads %u: %u threads seen during data reads, %u before the restore, %u workers expected",
                 threads, p.most_threads, baseline, workers);
    for (int k = 0; k < CB_KINDS; k++) {
        if (p.calls[k] == 0)
            fail_msg("threads %u: no %s callback", threads, kind_names[k]);
        if (p.foreign[k] != 0)
            fail_msg("threads %u: %llu of %llu %s callbacks on another thread", threads,
                     (unsigned long long)p.foreign[k], (unsigned long long)p.calls[k], kind_names[k]);
    }
    assert_int_equal(p.calls[CB_READ], st.read_calls);
    assert_int_equal(p.calls[CB_PREVIEW], st.preview_calls);
    assert_int_equal(p.calls[CB_COMMIT], st.commit_calls);
    assert_int_equal(m.plans_live, 0);
    fake_backup_free(&m);
    fake_target_free(&t);
    fixture_free(&f);
}

static void test_threads_per_cpu(void **state)
{
    (void)state;
    restore_on_calling_thread(0);
}

static void test_two_threads(void **state)
{
    (void)state;
    restore_on_calling_thread(2);
}

static void test_four_threads(void **state)
{
    (void)state;
    restore_on_calling_thread(4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_per_cpu),
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_four_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
