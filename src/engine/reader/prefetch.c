/*
 * prefetch.c - decoding ahead of sequential reads on one worker thread.
 *
 * When a reader is read sequentially, the caller's thread reads the records of the next
 * few chunks (store calls stay on the thread that reads, as a single-threaded store such
 * as the ntfs-3g plugin's needs) and queues them here; the worker checks, decompresses
 * and verifies each one (rd_decode_chunk: no reader state) and puts the good ones in the
 * cache. A record that fails is dropped: the reader then fetches that chunk itself when
 * it is needed and reports the failure with the file's name and offset. A reader needing
 * a chunk the worker has not started takes its record back and decodes it itself (on a
 * loaded machine, waiting for the worker to be scheduled cost more than the decode); one
 * the worker is decoding, it waits for.
 *
 * Memory: at most depth queued records (each 0x58 + stored size, at most 0x58 + 256 KiB)
 * plus the worker's 256 KiB chunk buffer; depth <= DDP_READER_MAX_PREFETCH.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"

typedef struct rd_job {
    rd_key key;
    rd_chunk ch;
    uint8_t *record;
} rd_job;

struct rd_prefetcher {
    ddp_reader_cache *cache;
    ddp_mutex *lock;
    ddp_cond *work, *done;
    ddp_thread *thread;
    rd_job *queue;           /* ring of depth jobs */
    uint32_t depth, head, count;
    rd_key current;          /* being decoded when busy */
    int busy, stop;
    uint8_t *content;
};

static int same(const rd_key *a, const rd_key *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void worker(void *arg)
{
    rd_prefetcher *p = arg;
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
        p->current = job.key;
        p->busy = 1;
        ddp_mutex_unlock(p->lock);
        char why[128];
        uint64_t at = 0;
        if (rd_decode_chunk(p->cache, job.key.guid, &job.ch, job.record, p->content, &at, why, sizeof why) == DDP_OK)
            rd_cache_put(p->cache, &job.key, p->content, job.ch.logical);
        free(job.record);
        ddp_mutex_lock(p->lock);
        p->busy = 0;
        ddp_cond_broadcast(p->done);
    }
    ddp_mutex_unlock(p->lock);
}

void rd_prefetcher_free(rd_prefetcher *p)
{
    if (!p)
        return;
    if (p->thread) {
        ddp_mutex_lock(p->lock);
        p->stop = 1;
        ddp_cond_broadcast(p->work);
        ddp_mutex_unlock(p->lock);
        ddp_thread_join(p->thread);   /* it empties the queue first */
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
    free(p->content);
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
    p->content = malloc(DDP_MAX_CHUNK_SIZE);
    p->lock = ddp_mutex_new();
    p->work = ddp_cond_new();
    p->done = ddp_cond_new();
    if (!p->queue || !p->content || !p->lock || !p->work || !p->done || ddp_thread_start(&p->thread, worker, p)) {
        p->thread = NULL;
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
    return (p->busy && same(&p->current, k)) || queued(p, k);
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
