/*
 * prefetch.c - decoding ahead of sequential reads on worker threads.
 *
 * When a reader is read sequentially, the caller's thread reads the records of the next
 * few chunks (store calls stay on the thread that reads, as a single-threaded store such
 * as the ntfs-3g plugin's needs) and queues them here; a worker checks, decompresses
 * and verifies each one (rd_decode_chunk: no reader state) straight into a cache slot,
 * which holds it once verified (its own buffer only when no slot is free). A record that
 * fails is dropped: the reader then fetches that chunk itself when it is needed and
 * reports the failure with the file's name and offset. A reader needing
 * a chunk no worker has started takes its record back and decodes it itself (on a
 * loaded machine, waiting for a worker to be scheduled cost more than the decode); one
 * a worker is decoding, it waits for.
 *
 * Memory: at most depth queued records (each 0x58 + stored size, at most 0x58 + 256 KiB)
 * plus one 256 KiB chunk buffer (for when no cache slot is free) and one 32 KiB decoder
 * per worker; depth <=
 * DDP_READER_MAX_PREFETCH.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"

/* Worker threads: with the reading thread, enough to keep two cores busy (ddp-restore's
 * default pipeline there is two workers plus the calling thread). */
#define RD_PREFETCH_WORKERS 2u

typedef struct rd_job {
    rd_key key;
    rd_chunk ch;
    uint8_t *record;
} rd_job;

typedef struct rd_worker {
    struct rd_prefetcher *p;
    ddp_thread *thread;
    rd_key current;          /* being decoded when busy */
    int busy;
    uint8_t *content;        /* DDP_MAX_CHUNK_SIZE */
    ddp_decoder *dec;        /* the worker's own decoder */
} rd_worker;

struct rd_prefetcher {
    ddp_reader_cache *cache;
    ddp_mutex *lock;
    ddp_cond *work, *done;
    rd_worker workers[RD_PREFETCH_WORKERS];
    rd_job *queue;           /* ring of depth jobs */
    uint32_t depth, head, count;
    int stop;
};

static int same(const rd_key *a, const rd_key *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void worker(void *arg)
{
    rd_worker *w = arg;
    rd_prefetcher *p = w->p;
    ddp_mutex_lock(p->lock);
    for (;;) {
        while (!p->stop && p->count == 0)
            ddp_cond_wait(p->work, p->lock);
        if (p->count == 0)
            break;
        rd_job job = p->queue[p->head];
        p->head = (p->head + 1) % p->depth;
        p->count--;
        if (!job.record)
            continue;   /* taken back by its reader */
        w->current = job.key;
        w->busy = 1;
        ddp_mutex_unlock(p->lock);
        char why[128];
        uint64_t at = 0;
        uint8_t *slot_buf = NULL;
        int slot = rd_cache_fill_begin(p->cache, job.ch.logical, &slot_buf);
        int ok = rd_decode_chunk(p->cache, job.key.guid, &job.ch, job.record, slot >= 0 ? slot_buf : w->content,
                                 w->dec, &at, why, sizeof why) == DDP_OK;
        if (slot >= 0)
            rd_cache_fill_end(p->cache, slot, &job.key, job.ch.logical, ok);
        else if (ok)
            rd_cache_put(p->cache, &job.key, w->content, job.ch.logical);
        free(job.record);
        ddp_mutex_lock(p->lock);
        w->busy = 0;
        ddp_cond_broadcast(p->done);
    }
    ddp_mutex_unlock(p->lock);
}

void rd_prefetcher_free(rd_prefetcher *p)
{
    if (!p)
        return;
    if (p->lock && p->work) {
        ddp_mutex_lock(p->lock);
        p->stop = 1;
        ddp_cond_broadcast(p->work);
        ddp_mutex_unlock(p->lock);
    }
    for (uint32_t i = 0; i < RD_PREFETCH_WORKERS; i++) {
        if (p->workers[i].thread)
            ddp_thread_join(p->workers[i].thread);   /* they empty the queue first */
        free(p->workers[i].content);
        ddp_decoder_free(p->workers[i].dec);
    }
    for (uint32_t i = 0; i < p->count; i++)
        free(p->queue[(p->head + i) % p->depth].record);
    if (p->lock)
        ddp_mutex_free(p->lock);
    if (p->work)
        ddp_cond_free(p->work);
    if (p->done)
        ddp_cond_free(p->done);
    free(p->queue);
    free(p);
}

rd_prefetcher *rd_prefetcher_new(ddp_reader_cache *cache, uint32_t depth)
{
    if (depth == 0)
        return NULL;
    rd_prefetcher *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cache = cache;
    p->depth = depth;
    p->queue = calloc(depth, sizeof *p->queue);
    p->lock = ddp_mutex_new();
    p->work = ddp_cond_new();
    p->done = ddp_cond_new();
    int ok = p->queue && p->lock && p->work && p->done;
    for (uint32_t i = 0; ok && i < RD_PREFETCH_WORKERS; i++) {
        rd_worker *w = &p->workers[i];
        w->p = p;
        w->content = malloc(DDP_MAX_CHUNK_SIZE);
        w->dec = ddp_decoder_new();
        ok = w->content && w->dec && ddp_thread_start(&w->thread, worker, w) == 0;
        if (!ok)
            w->thread = NULL;
    }
    if (!ok) {
        rd_prefetcher_free(p);
        return NULL;
    }
    return p;
}

uint32_t rd_prefetcher_depth(const rd_prefetcher *p)
{
    return p ? p->depth : 0;
}

/* Under the lock: the queued job of k, or NULL. */
static rd_job *queued(rd_prefetcher *p, const rd_key *k)
{
    for (uint32_t i = 0; i < p->count; i++) {
        rd_job *j = &p->queue[(p->head + i) % p->depth];
        if (j->record && same(&j->key, k))
            return j;
    }
    return NULL;
}

/* Under the lock: k is queued or being decoded. */
static int pending(rd_prefetcher *p, const rd_key *k)
{
    for (uint32_t i = 0; i < RD_PREFETCH_WORKERS; i++)
        if (p->workers[i].busy && same(&p->workers[i].current, k))
            return 1;
    return queued(p, k) != NULL;
}

uint8_t *rd_prefetcher_take(rd_prefetcher *p, const rd_key *k)
{
    if (!p)
        return NULL;
    ddp_mutex_lock(p->lock);
    rd_job *j = queued(p, k);
    uint8_t *record = j ? j->record : NULL;
    if (j)
        j->record = NULL;   /* the worker skips it */
    ddp_mutex_unlock(p->lock);
    return record;
}

int rd_prefetcher_wait(rd_prefetcher *p, const rd_key *k)
{
    if (!p)
        return 0;
    int waited = 0;
    ddp_mutex_lock(p->lock);
    while (pending(p, k)) {
        waited = 1;
        ddp_cond_wait(p->done, p->lock);
    }
    ddp_mutex_unlock(p->lock);
    return waited;
}

int rd_prefetcher_wanted(rd_prefetcher *p, const rd_key *k)
{
    if (!p)
        return 0;
    ddp_mutex_lock(p->lock);
    int want = p->count < p->depth && !pending(p, k);
    ddp_mutex_unlock(p->lock);
    return want;
}

int rd_prefetcher_submit(rd_prefetcher *p, const rd_key *k, const rd_chunk *ch, uint8_t *record)
{
    ddp_mutex_lock(p->lock);
    int ok = p->count < p->depth && !pending(p, k);
    if (ok) {
        rd_job *j = &p->queue[(p->head + p->count) % p->depth];
        j->key = *k;
        j->ch = *ch;
        j->record = record;
        p->count++;
        ddp_cond_signal(p->work);
    }
    ddp_mutex_unlock(p->lock);
    return ok;
}
