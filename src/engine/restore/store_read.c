/*
 * store_read.c - the engine's calls of store->read and store->preview: counted in the
 * statistics, short reads asked again for the rest, answers longer than asked refused
 * (DDP_HR_UNEXPECTED), and every read preceded by a preview naming it (a queue of
 * announced reads, announced again whenever it changes: a short read's remainder, pieces
 * dropped after a failure). The record reader (reader.c), the Rrtl lookup, the container
 * locator, the DedupFileList and the hash identification read through it.
 */
#include <stdlib.h>

#include "restore_internal.h"
#include "store_read.h"

/* ---- counted store calls ---- */

int32_t rs_read_counted(rs_job *job, rs_container *c, uint64_t offset, uint32_t size, uint8_t *buf,
                        uint32_t *got)
{
    *got = 0;
    job->stats.read_calls++;
    if (c->has_last && offset < c->last_end)
        job->stats.backward_seeks++;
    int32_t hr = job->store->read(job->store->ctx, c->path, offset, size, buf, got);
    if (hr < 0) {
        *got = 0;
        return hr;
    }
    if (*got > size) {
        /* A store claiming more than it was asked for: what it wrote cannot be trusted
         * (nor could the bytes past the buffer be ours): the read failed. */
        *got = 0;
        return DDP_HR_UNEXPECTED;
    }
    job->stats.bytes_read += *got;
    c->has_last = 1;
    c->last_end = offset + *got;
    return 0;
}

void rs_preview_counted(rs_job *job, const rs_container *c, uint32_t n, const ddp_read_extent *reads)
{
    if (!job->store->preview || n == 0)
        return;
    job->stats.preview_calls++;
    /* The preview is advice to the application: its result changes nothing here. */
    (void)job->store->preview(job->store->ctx, c->path, n, reads);
}

static void queue_announce(rs_queue *r)
{
    if (!r->announced && r->next < r->n)
        rs_preview_counted(r->job, r->c, r->n - r->next, r->q + r->next);
    r->announced = 1;
}

int32_t rs_queue_take(rs_queue *r, uint8_t *buf, uint32_t *got)
{
    ddp_read_extent *e = &r->q[r->next];
    uint32_t want = (uint32_t)e->length, total = 0;
    int32_t hr = 0;
    while (total < want) {
        queue_announce(r);
        uint32_t n = 0;
        hr = rs_read_counted(r->job, r->c, (uint64_t)e->offset, (uint32_t)e->length, buf + total, &n);
        if (hr < 0 || n == 0)
            break;
        total += n;
        if (total < want) {
            e->offset += n;
            e->length -= n;
            r->announced = 0;
        }
    }
    r->next++;
    *got = total;
    return hr;
}

void rs_queue_skip(rs_queue *r, uint32_t count)
{
    if (count == 0)
        return;
    r->next = (r->n - r->next < count) ? r->n : r->next + count;
    r->announced = 0;
}

int32_t rs_read_range(rs_job *job, rs_container *c, uint64_t offset, uint32_t size, uint8_t *buf,
                      uint32_t *got)
{
    ddp_read_extent one = {(int64_t)size, (int64_t)offset};
    rs_queue r = {job, c, &one, 1, 0, 0};
    return rs_queue_take(&r, buf, got);
}

ddp_status rs_read_windows(rs_job *job, rs_container *c, uint64_t offset, uint64_t total, uint32_t window,
                           int (*each)(void *ctx, const uint8_t *data, uint32_t len), void *ctx)
{
    uint64_t n64 = (total + window - 1) / window;
    if (n64 == 0)
        return DDP_OK;
    if (n64 > 0xFFFFu)
        return DDP_ERR_RANGE;
    uint32_t n = (uint32_t)n64;
    ddp_read_extent *q = malloc(n * sizeof *q);
    uint8_t *buf = rs_window(job, window);
    if (!q || !buf) {
        free(q);
        return DDP_ERR_NO_MEMORY;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t start = (uint64_t)i * window;
        q[i].offset = (int64_t)(offset + start);
        q[i].length = (int64_t)((total - start < window) ? total - start : window);
    }
    rs_queue r = {job, c, q, n, 0, 0};
    int32_t hr = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t want = (uint32_t)q[i].length, got = 0;
        hr = rs_queue_take(&r, buf, &got);
        if (hr < 0)
            break;
        /* Every announced window is read (the preview promised them), even when the
         * consumer already has what it needs; a short table ends the loop. */
        (void)each(ctx, buf, got);
        if (got < want)
            break;
    }
    free(q);
    return hr < 0 ? rs_store_failure(hr) : DDP_OK;
}

uint8_t *rs_window(rs_job *job, size_t size)
{
    if (size <= job->window_cap)
        return job->window;
    uint8_t *w = realloc(job->window, size);
    if (!w)
        return NULL;
    job->window = w;
    job->window_cap = size;
    return w;
}
