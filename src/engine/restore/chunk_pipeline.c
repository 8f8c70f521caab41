/*
 * chunk_pipeline.c - overlaps the CPU work of phase 3 (decompression and hashing) with
 * the reads, on worker threads, without changing what the calling thread does or in
 * which order.
 *
 * The calling thread copies each record it would have consumed into the batch being
 * filled (its bytes, and room reserved for its decompressed content). A batch is handed
 * over when the next record would not fit (at most RS_PIPE_RECORD_BYTES of records,
 * RS_PIPE_CONTENT_BYTES of content, RS_PIPE_ITEMS records; less for a small phase, see
 * batch_cap) or when the pipeline is drained. Workers take handed-over batches in order and examine every record of one
 * (ops->examine). The calling thread applies batches strictly in hand-over order, each
 * record in queue order (ops->apply): opportunistically after each hand-over (batches
 * already examined), and waiting for them when it needs a free batch or drains.
 *
 * Batches live in a ring of workers + RS_PIPE_EXTRA_BATCHES; three counters (handed
 * over, taken by a worker, applied) say where each batch is, all under one mutex. A
 * worker publishes its batch as examined under the mutex, so the calling thread sees
 * everything the worker wrote once it sees the flag.
 */
#include <stdlib.h>
#include <string.h>

#include "chunk_pipeline.h"
#include "ddp/codec.h"
#include "ddp_thread.h"

typedef struct rs_batch {
    uint8_t *records;            /* record_cap bytes */
    uint8_t *content;            /* content_cap bytes */
    rs_pipe_item *items;         /* RS_PIPE_ITEMS */
    uint32_t n_items, records_used, content_used;
    ddp_hash_alg alg;            /* the job's algorithm when handed over */
    int examined;                /* under the mutex */
} rs_batch;

/* A worker thread's own state: its decoder, reused for every chunk it examines. */
typedef struct rs_worker {
    struct rs_pipe *pipe;
    ddp_decoder *dec;
} rs_worker;

struct rs_pipe {
    rs_pipe_ops ops;
    rs_batch *batches;
    uint32_t n_batches;
    uint32_t record_cap, content_cap;   /* bytes per batch */
    ddp_mutex *mutex;
    ddp_cond *work_ready;        /* a batch was handed over, or stop */
    ddp_cond *batch_examined;
    ddp_thread **threads;
    rs_worker *workers;          /* n_workers, one per thread */
    uint32_t n_workers, n_threads;
    uint64_t handed, taken, applied;   /* batch counters; ring slot = counter % n_batches */
    int filling;                 /* batch slot handed % n_batches is being filled */
    int stop;
};

static void examine_batch(rs_pipe *p, rs_batch *b, ddp_decoder *dec)
{
    for (uint32_t i = 0; i < b->n_items; i++) {
        rs_pipe_item *it = &b->items[i];
        p->ops.examine(p->ops.ctx, it, b->records + it->record_off, b->content + it->content_off, b->alg, dec);
    }
}

static void worker_main(void *arg)
{
    rs_worker *w = arg;
    rs_pipe *p = w->pipe;
    ddp_mutex_lock(p->mutex);
    for (;;) {
        while (!p->stop && p->taken == p->handed)
            ddp_cond_wait(p->work_ready, p->mutex);
        if (p->taken == p->handed)
            break;   /* stopping, nothing left */
        rs_batch *b = &p->batches[p->taken % p->n_batches];
        p->taken++;
        ddp_mutex_unlock(p->mutex);
        examine_batch(p, b, w->dec);
        ddp_mutex_lock(p->mutex);
        b->examined = 1;
        ddp_cond_signal(p->batch_examined);
    }
    ddp_mutex_unlock(p->mutex);
}

static void apply_batch(rs_pipe *p, rs_batch *b)
{
    for (uint32_t i = 0; i < b->n_items; i++) {
        const rs_pipe_item *it = &b->items[i];
        p->ops.apply(p->ops.ctx, it, b->records + it->record_off, b->content + it->content_off);
    }
}

/* Applies the oldest handed-over batch; wait: block until it is examined, else only
 * when it already is. Returns 1 when one was applied. */
static int apply_oldest(rs_pipe *p, int wait)
{
    if (p->applied == p->handed)
        return 0;
    rs_batch *b = &p->batches[p->applied % p->n_batches];
    ddp_mutex_lock(p->mutex);
    while (wait && !b->examined)
        ddp_cond_wait(p->batch_examined, p->mutex);
    int ready = b->examined;
    b->examined = 0;
    ddp_mutex_unlock(p->mutex);
    if (!ready)
        return 0;
    apply_batch(p, b);
    p->applied++;
    return 1;
}

static void hand_over(rs_pipe *p)
{
    if (!p->filling)
        return;
    p->filling = 0;
    rs_batch *b = &p->batches[p->handed % p->n_batches];
    b->alg = *p->ops.alg;
    ddp_mutex_lock(p->mutex);
    p->handed++;
    ddp_cond_signal(p->work_ready);
    ddp_mutex_unlock(p->mutex);
    while (apply_oldest(p, 0))
        ;
}

static rs_batch *batch_to_fill(rs_pipe *p)
{
    if (!p->filling) {
        if (p->handed - p->applied == p->n_batches)
            apply_oldest(p, 1);   /* every batch is in use: the oldest frees one */
        rs_batch *b = &p->batches[p->handed % p->n_batches];
        b->n_items = b->records_used = b->content_used = 0;
        p->filling = 1;
    }
    return &p->batches[p->handed % p->n_batches];
}

static int fits(const rs_pipe *p, const rs_batch *b, uint32_t len, uint32_t content_len)
{
    return b->n_items < RS_PIPE_ITEMS && len <= p->record_cap - b->records_used &&
           content_len <= p->content_cap - b->content_used;
}

int rs_pipe_add(rs_pipe *p, uint32_t rec, const uint8_t *record, uint32_t len, uint32_t content_len)
{
    if (len > p->record_cap || content_len > p->content_cap)
        return -1;
    rs_batch *b = batch_to_fill(p);
    if (!fits(p, b, len, content_len)) {
        hand_over(p);
        b = batch_to_fill(p);
    }
    rs_pipe_item *it = &b->items[b->n_items++];
    memset(it, 0, sizeof *it);
    it->rec = rec;
    it->record_off = b->records_used;
    it->record_len = len;
    it->content_off = b->content_used;
    it->content_len = content_len;
    memcpy(b->records + b->records_used, record, len);
    b->records_used += len;
    b->content_used += content_len;
    if (b->n_items == RS_PIPE_ITEMS)
        hand_over(p);
    return 0;
}

void rs_pipe_drain(rs_pipe *p)
{
    if (p->filling && p->batches[p->handed % p->n_batches].n_items == 0)
        p->filling = 0;   /* nothing queued in it: give it back unused */
    hand_over(p);
    while (apply_oldest(p, 1))
        ;
}

static void stop_workers(rs_pipe *p)
{
    ddp_mutex_lock(p->mutex);
    p->stop = 1;
    ddp_cond_broadcast(p->work_ready);
    ddp_mutex_unlock(p->mutex);
    for (uint32_t i = 0; i < p->n_threads; i++)
        ddp_thread_join(p->threads[i]);
    p->n_threads = 0;
}

static void release(rs_pipe *p)
{
    for (uint32_t i = 0; p->batches && i < p->n_batches; i++) {
        free(p->batches[i].records);
        free(p->batches[i].content);
        free(p->batches[i].items);
    }
    free(p->batches);
    for (uint32_t i = 0; p->workers && i < p->n_workers; i++)
        ddp_decoder_free(p->workers[i].dec);
    free(p->workers);
    free(p->threads);
    ddp_cond_free(p->batch_examined);
    ddp_cond_free(p->work_ready);
    ddp_mutex_free(p->mutex);
    free(p);
}

/* Bytes per batch: the phase's total spread over the batches, within [RS_PIPE_MIN_BYTES,
 * most], and room for the largest single one when that is within most. */
static uint32_t batch_cap(uint64_t total, uint32_t largest, uint32_t batches, uint32_t most)
{
    uint64_t cap = total / batches;
    if (cap < RS_PIPE_MIN_BYTES)
        cap = RS_PIPE_MIN_BYTES;
    if (cap < largest)
        cap = largest;
    return cap > most ? most : (uint32_t)cap;
}

static int allocate(rs_pipe *p, uint32_t workers, const rs_pipe_load *load)
{
    p->n_batches = workers + RS_PIPE_EXTRA_BATCHES;
    p->record_cap = batch_cap(load->record_bytes, load->largest_record, p->n_batches, RS_PIPE_RECORD_BYTES);
    p->content_cap = batch_cap(load->content_bytes, load->largest_content, p->n_batches, RS_PIPE_CONTENT_BYTES);
    p->batches = calloc(p->n_batches, sizeof *p->batches);
    p->threads = calloc(workers, sizeof *p->threads);
    p->workers = calloc(workers, sizeof *p->workers);
    p->n_workers = p->workers ? workers : 0;
    p->mutex = ddp_mutex_new();
    p->work_ready = ddp_cond_new();
    p->batch_examined = ddp_cond_new();
    if (!p->batches || !p->threads || !p->workers || !p->mutex || !p->work_ready || !p->batch_examined)
        return -1;
    for (uint32_t i = 0; i < workers; i++) {
        p->workers[i].pipe = p;
        p->workers[i].dec = ddp_decoder_new();
        if (!p->workers[i].dec)
            return -1;
    }
    for (uint32_t i = 0; i < p->n_batches; i++) {
        rs_batch *b = &p->batches[i];
        b->records = malloc(p->record_cap);
        b->content = malloc(p->content_cap);
        b->items = malloc(RS_PIPE_ITEMS * sizeof *b->items);
        if (!b->records || !b->content || !b->items)
            return -1;
    }
    return 0;
}

rs_pipe *rs_pipe_new(uint32_t workers, const rs_pipe_ops *ops, const rs_pipe_load *load)
{
    if (workers == 0)
        return NULL;
    rs_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ops = *ops;
    if (allocate(p, workers, load) != 0) {
        release(p);
        return NULL;
    }
    for (uint32_t i = 0; i < workers; i++) {
        if (ddp_thread_start(&p->threads[i], worker_main, &p->workers[i]) != 0) {
            stop_workers(p);   /* all or nothing: the caller works alone */
            release(p);
            return NULL;
        }
        p->n_threads++;
    }
    return p;
}

void rs_pipe_free(rs_pipe *p)
{
    if (!p)
        return;
    rs_pipe_drain(p);
    stop_workers(p);
    release(p);
}
