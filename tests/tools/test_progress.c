/*
 * test_progress.c - ddp-restore's progress counter moves file by file: a file counts
 * when the target finished its content, also when the target makes files final only in
 * batch commits (every DDP_COMMIT_BATCH files); bytes count as they are written, and a
 * file whose finish fails does not count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "progress.h"

typedef struct fake { int commits; ddp_status finish_status; } fake;

static ddp_status fake_begin(void *ctx, uint32_t file, uint64_t size)
{
    (void)ctx, (void)file, (void)size;
    return DDP_OK;
}

static ddp_status fake_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    (void)ctx, (void)file, (void)offset, (void)data, (void)len;
    return DDP_OK;
}

static ddp_status fake_finish(void *ctx, uint32_t file)
{
    (void)file;
    return ((fake *)ctx)->finish_status;
}

static ddp_status fake_commit(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg)
{
    ((fake *)ctx)->commits++;
    done(arg, 0, DDP_OK);
    return DDP_OK;
}

static void fake_abandon(void *ctx, uint32_t file)
{
    (void)ctx, (void)file;
}

static int done_calls;
static void on_done(void *arg, uint32_t file, ddp_status st)
{
    (void)arg, (void)file;
    assert_int_equal(st, DDP_OK);
    done_calls++;
}

static void counts_each_file_before_the_batch_commit(void **state)
{
    (void)state;
    fake f = {0, DDP_OK};
    ddp_target inner = {0}, wrapped;
    progress p;
    uint8_t data[100] = {1};
    inner.ctx = &f;
    inner.begin = fake_begin;
    inner.write = fake_write;
    inner.finish = fake_finish;
    inner.commit = fake_commit;
    inner.abandon = fake_abandon;
    progress_init(&p, NULL, 3, 300);
    progress_wrap(&p, &inner, &wrapped);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(wrapped.begin(wrapped.ctx, i, 100), DDP_OK);
        assert_int_equal(wrapped.write(wrapped.ctx, i, 0, data, sizeof data), DDP_OK);
        assert_int_equal(wrapped.finish(wrapped.ctx, i), DDP_OK);
        assert_int_equal(p.done_files, i + 1);       /* no commit yet: it still moved */
        assert_int_equal(p.done_bytes, 100 * (i + 1));
    }
    assert_int_equal(wrapped.commit(wrapped.ctx, on_done, NULL), DDP_OK);
    assert_int_equal(f.commits, 1);
    assert_int_equal(done_calls, 1);                 /* the engine's done() still gets the results */
    assert_int_equal(p.done_files, 3);               /* and the commit does not count twice */
    f.finish_status = DDP_ERR_IO;
    assert_int_equal(wrapped.finish(wrapped.ctx, 3), DDP_ERR_IO);
    assert_int_equal(p.done_files, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_each_file_before_the_batch_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
