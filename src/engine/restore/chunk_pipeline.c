/*
 * chunk_pipeline.c - the worker stage of phase 3: overlaps its CPU work (checking,
 * decompressing and hashing each data record) with the reads, on worker threads,
 * without changing what the calling thread does or in which order.
 *
 * The data phase submits each record it pulled from the reader: its bytes are copied
 * into the batch being filled, with room reserved for its decompressed content. A batch
 * is handed over when the next record would not fit (at most RS_PIPE_RECORD_BYTES of
 * records, RS_PIPE_CONTENT_BYTES of content, RS_PIPE_ITEMS records; less for a small
 * phase, see batch_cap) or when the phase flushes. Workers take handed-over batches in
 * order and examine every record of one (examine: the record check, decompression and
 * hashes, the phase's own checks without their messages, on the chunk set's sealed
 * table). The phase pulls the records back strictly in hand-over order, each batch in
 * submission order (rs_pipe_next), and applies them itself; when every batch is in use,
 * submitting reports RS_PIPE_FULL and the phase pulls (waiting) until the oldest batch
 * is free. So the queue holds at most workers + RS_PIPE_EXTRA_BATCHES batches.
 *
 * Batches live in a ring; three counters (handed over, taken by a worker, pulled) say
 * where each batch is, all under one mutex, and a cursor says how much of the oldest
 * batch was pulled. A worker publishes its batch as examined under the mutex, so the
 * pulling thread sees everything the worker wrote once it sees the flag. A fully pulled
 * batch is given back at the next call, so that what rs_pipe_next handed out stays valid
 * until then.
 */
#include <stdlib.h>
#include <string.h>

#include "chunk_pipeline.h"
#include "ddp/codec.h"
#include "ddp_thread.h"

/* One queued record: 24 bytes. */
typedef struct rs_pipe_item {
    uint32_t rec;                /* the record (and chunk) index */
    uint32_t record_off, record_len;   /* its bytes, in the batch */
    uint32_t content_off, content_len; /* its decompressed content, in the batch */
    uint8_t examined;            /* worker: 1 when the record checks and decompresses cleanly */
    uint8_t matches;             /* worker: RS_HASH_BIT of every algorithm examined whose hash matched */
} rs_pipe_item;

typedef struct rs_batch {
    uint8_t *records;            /* record_cap bytes */
    uint8_t *content;            /* content_cap bytes */
    rs_pipe_item *items;         /* RS_PIPE_ITEMS */
    uint32_t n_items, records_used, content_used;
    ddp_hash_alg alg;            /* the algorithm known when handed over */
    int examined;                /* under the mutex */
} rs_batch;

/* A worker thread's own state: its decoder, reused for every chunk it examines. */
typedef struct rs_worker {
    struct rs_pipe *pipe;
    ddp_decoder *dec;
} rs_worker;

struct rs_pipe {
    const rs_chunk *chunks;      /* the sealed chunk set's table: read only */
    rs_batch *batches;
    uint32_t n_batches;
    uint32_t record_cap, content_cap;   /* bytes per batch */
    ddp_mutex *mutex;
    ddp_cond *work_ready;        /* a batch was handed over, or stop */
    ddp_cond *batch_examined;
    ddp_thread **threads;
    rs_worker *workers;          /* n_workers, one per thread */
    uint32_t n_workers, n_threads;
    uint64_t handed, taken, pulled;    /* batch counters; ring slot = counter % n_batches */
    uint32_t cursor;             /* items of batch pulled % n_batches handed out (> 0: it is examined) */
    int filling;                 /* batch slot handed % n_batches is being filled */
    int stop;
};

/* 1 when content's alg hash is the chunk's. */
static int hash_is(ddp_hash_alg alg, const uint8_t *content, size_t len, const uint8_t hash[32])
{
    uint8_t h[DDP_HASH_SIZE];
    return ddp_chunk_hash(alg, content, len, h) == DDP_OK && memcmp(h, hash, DDP_HASH_SIZE) == 0;
}

/* On a worker: the data phase's checks of a record without their messages (the record
 * check, decompression to exactly the logical size), and which of the algorithms (alg,
 * or both while it is unknown) give the chunk's hash. */
static void examine(const rs_chunk *ch, rs_pipe_item *it, const uint8_t *record, uint8_t *content, ddp_hash_alg alg,
                    ddp_decoder *dec)
{
    ddp_record r;
    uint64_t at = 0;
    char what[128];
    it->examined = 0;
    it->matches = 0;
    if (rs_record_check(record, it->record_len, ch->stored, ch->hash, DDP_HASH_SIZE, "stream map", &r, &at, what,
                        sizeof what) != DDP_OK ||
        ddp_chunk_decompress(dec, r.compression, record + r.header_size, r.payload_size, content, ch->logical) !=
            DDP_OK)
        return;
    it->examined = 1;
    if (alg == DDP_HASH_SHA256 || alg == DDP_HASH_UNKNOWN)
        it->matches |= hash_is(DDP_HASH_SHA256, content, ch->logical, ch->hash) ? RS_HASH_BIT(DDP_HASH_SHA256) : 0;
    if (alg == DDP_HASH_SHA512_TRUNC || alg == DDP_HASH_UNKNOWN)
        it->matches |= hash_is(DDP_HASH_SHA512_TRUNC, content, ch->logical, ch->hash)
                           ? RS_HASH_BIT(DDP_HASH_SHA512_TRUNC)
                           : 0;
}

static void examine_batch(rs_pipe *p, rs_batch *b, ddp_decoder *dec)
{
    for (uint32_t i = 0; i < b->n_items; i++) {
        rs_pipe_item *it = &b->items[i];
        examine(&p->chunks[it->rec], it, b->records + it->record_off, b->content + it->content_off, b->alg, dec);
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

/* Gives the oldest batch back to the ring once every item of it was handed out. */
static void give_back_pulled(rs_pipe *p)
{
    if (p->pulled != p->handed && p->cursor > 0 && p->cursor == p->batches[p->pulled % p->n_batches].n_items) {
        p->pulled++;
        p->cursor = 0;
    }
}

int rs_pipe_next(rs_pipe *p, int wait, rs_pipe_done *done)
{
    give_back_pulled(p);
    if (p->pulled == p->handed)
        return 0;
    rs_batch *b = &p->batches[p->pulled % p->n_batches];
    if (p->cursor == 0) {
        ddp_mutex_lock(p->mutex);
        while (wait && !b->examined)
            ddp_cond_wait(p->batch_examined, p->mutex);
        int ready = b->examined;
        b->examined = 0;
        ddp_mutex_unlock(p->mutex);
        if (!ready)
            return 0;
    }
    const rs_pipe_item *it = &b->items[p->cursor++];
    done->rec = it->rec;
    done->record = b->records + it->record_off;
    done->record_len = it->record_len;
    done->content = b->content + it->content_off;
    done->content_len = it->content_len;
    done->examined = it->examined;
    done->matches = it->matches;
    return 1;
}

static void hand_over(rs_pipe *p, ddp_hash_alg alg)
{
    if (!p->filling)
        return;
    p->filling = 0;
    rs_batch *b = &p->batches[p->handed % p->n_batches];
    b->alg = alg;
    ddp_mutex_lock(p->mutex);
    p->handed++;
    ddp_cond_signal(p->work_ready);
    ddp_mutex_unlock(p->mutex);
}

/* The batch being filled, a free one started when none is; NULL when every batch is
 * in use (handed over and not yet pulled). */
static rs_batch *batch_to_fill(rs_pipe *p)
{
    rs_batch *b = &p->batches[p->handed % p->n_batches];
    if (!p->filling) {
        if (p->handed - p->pulled == p->n_batches)
            return NULL;
        b->n_items = b->records_used = b->content_used = 0;
        p->filling = 1;
    }
    return b;
}

static int fits(const rs_pipe *p, const rs_batch *b, uint32_t len, uint32_t content_len)
{
    return b->n_items < RS_PIPE_ITEMS && len <= p->record_cap - b->records_used &&
           content_len <= p->content_cap - b->content_used;
}

rs_pipe_put rs_pipe_submit(rs_pipe *p, uint32_t rec, const uint8_t *record, uint32_t len, ddp_hash_alg alg)
{
    uint32_t content_len = p->chunks[rec].logical;
    give_back_pulled(p);
    if (len > p->record_cap || content_len > p->content_cap)
        return RS_PIPE_TOO_LARGE;
    rs_batch *b = batch_to_fill(p);
    if (b && !fits(p, b, len, content_len)) {
        hand_over(p, alg);
        b = batch_to_fill(p);
    }
    if (!b)
        return RS_PIPE_FULL;
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
        hand_over(p, alg);
    return RS_PIPE_QUEUED;
}

void rs_pipe_flush(rs_pipe *p, ddp_hash_alg alg)
{
    give_back_pulled(p);
    if (p->filling && p->batches[p->handed % p->n_batches].n_items == 0)
        p->filling = 0;   /* nothing queued in it: give it back unused */
    hand_over(p, alg);
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

rs_pipe *rs_pipe_new(uint32_t workers, const rs_chunk *chunks, const rs_pipe_load *load)
{
    if (workers == 0)
        return NULL;
    rs_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->chunks = chunks;
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
    stop_workers(p);
    release(p);
}
