/*
 * file_reader.c - ddp_file_reader (file_reader.h): open, read, close.
 *
 * A read finds the first chunk it needs by binary search over the chunk table (ends
 * ascending), then walks the chunks it covers: each piece is copied from the cache when
 * the chunk is there, otherwise the chunk is fetched (chunk_fetch.c) and decoded into a
 * slot the cache lends (so it is kept without a copy), and the piece copied from it. The
 * first chunk that fails ends the read: what came before it is returned
 * with the failure. A read that starts where the previous one ended is sequential: the
 * chunks after it are handed to the prefetcher (prefetch.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"

/* How many reads ahead of a sequential reader chunks are prefetched (within
 * prefetch_chunks): one read ahead left the workers too little slack on a loaded machine
 * (BENCHMARKS.md, issue 16). */
#define RD_PREFETCH_READS 4u

void rd_log(ddp_file_reader *r, uint64_t offset, const char *fmt, ...)
{
    const ddp_reader_options *opt = rd_cache_options(r->cache);
    if (!opt->log)
        return;
    char what[256], line[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s offset 0x%llx: %s", r->name ? r->name : "(file)", (unsigned long long)offset,
             what);
    opt->log(opt->log_ctx, line);
}

static void reader_free(ddp_file_reader *r)
{
    if (r->lock)
        ddp_mutex_free(r->lock);
    free(r->name);
    free(r->job.window);
    free(r->chunks);
    free(r->record);
    free(r->content);
    ddp_decoder_free(r->dec);
    free(r->data_path);
    free(r);
}

ddp_status ddp_file_reader_open(const ddp_backup *store, ddp_reader_cache *cache, const uint8_t *reparse,
                                size_t len, const char *name, ddp_file_reader **out)
{
    *out = NULL;
    if (!store || !store->read || !cache || !reparse)
        return DDP_ERR_INVALID_ARG;
    ddp_file_reader *r = calloc(1, sizeof *r);
    if (!r)
        return DDP_ERR_NO_MEMORY;
    r->cache = cache;
    r->lock = ddp_mutex_new();
    if (name) {
        size_t n = strlen(name) + 1;
        r->name = malloc(n);
        if (r->name)
            memcpy(r->name, name, n);
    }
    if (!r->lock || (name && !r->name)) {
        reader_free(r);
        return DDP_ERR_NO_MEMORY;
    }
    const ddp_reader_options *opt = rd_cache_options(cache);
    r->store = *store;
    r->job.store = &r->store;
    ddp_restore_options_default(&r->job.opt);
    r->job.opt.probe_generations = opt->probe_generations;
    r->job.stores = &r->dir;
    r->job.n_stores = 1;
    ddp_status st = rd_load_stream_maps(r, reparse, len);
    r->stats.generations_from_list = r->job.stats.generations_from_list;
    if (st != DDP_OK) {
        r->stats.store_reads = r->job.stats.read_calls;
        rd_cache_add_stats(cache, &r->stats);
        reader_free(r);
        return st;
    }
    *out = r;
    return DDP_OK;
}

uint64_t ddp_file_reader_size(const ddp_file_reader *r)
{
    return r->size;
}

/* The first chunk whose end is above offset (offset < size). */
static uint32_t chunk_at(const ddp_file_reader *r, uint64_t offset)
{
    uint32_t lo = 0, hi = r->n_chunks;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->chunks[mid].end > offset)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void key_of(const ddp_file_reader *r, const rd_chunk *ch, rd_key *k)
{
    memset(k, 0, sizeof *k);
    memcpy(k->guid, r->dir.guid, sizeof k->guid);
    k->container_id = ch->container_id;
    k->generation = ch->generation;
    k->sequence = ch->sequence;
    k->logical = ch->logical;
    memcpy(k->hash, ch->hash, sizeof k->hash);
}

/* Decodes chunk i (key k) into a cache slot, or r->content when no slot is free: from
 * record when it was read already (NULL: read now, a failure logged), copies [from,
 * from + n) of it to dst and leaves it in the cache once verified. */
static ddp_status decode_piece(ddp_file_reader *r, uint32_t i, const rd_key *k, const uint8_t *record,
                               uint32_t from, uint8_t *dst, uint32_t n)
{
    const rd_chunk *ch = &r->chunks[i];
    uint8_t *content = NULL;
    int slot = rd_cache_fill_begin(r->cache, ch->logical, &content);
    if (slot < 0) {
        if (!r->content)
            r->content = malloc(DDP_MAX_CHUNK_SIZE);
        content = r->content;
    }
    ddp_status st = DDP_ERR_NO_MEMORY;
    if (record) {
        char why[128];
        uint64_t at = 0;
        if (!r->dec)
            r->dec = ddp_decoder_new();
        if (content && r->dec)
            st = rd_decode_chunk(r->cache, r->dir.guid, ch, record, content, r->dec, &at, why, sizeof why);
    } else if (content) {
        st = rd_fetch_chunk(r, i, content);
    } else {
        rd_log(r, i ? r->chunks[i - 1].end : 0, "out of memory reading chunk %u", ch->sequence);
    }
    if (st == DDP_OK && record)
        r->stats.chunk_decodes++;   /* rd_fetch_chunk counts its own */
    if (st == DDP_OK)
        memcpy(dst, content + from, n);
    if (slot >= 0)
        rd_cache_fill_end(r->cache, slot, k, ch->logical, st == DDP_OK);
    return st;
}

/* Copies [from, from + n) of chunk i to dst, from the cache or the store. */
static ddp_status copy_piece(ddp_file_reader *r, uint32_t i, uint32_t from, uint8_t *dst, uint32_t n)
{
    rd_key k;
    key_of(r, &r->chunks[i], &k);
    if (rd_cache_copy(r->cache, &k, from, dst, n)) {
        r->stats.cache_hits++;
        return DDP_OK;
    }
    rd_prefetcher *p = rd_cache_prefetcher(r->cache);
    uint8_t *queued = rd_prefetcher_take(p, &k);
    if (queued) {   /* its record was read already: decode it here */
        ddp_status st = decode_piece(r, i, &k, queued, from, dst, n);
        free(queued);
        if (st == DDP_OK)
            return DDP_OK;   /* else fetched again below, which logs why */
    } else if (p) {
        /* A worker decoding it is waited for; one may also have finished it since the
         * first look (the cache is looked at again, else the record would be read twice). */
        (void)rd_prefetcher_wait(p, &k);
        if (rd_cache_copy(r->cache, &k, from, dst, n)) {
            r->stats.cache_hits++;
            return DDP_OK;
        }
    }
    return decode_piece(r, i, &k, NULL, from, dst, n);
}

/* After a sequential read of len bytes that ended in chunk last: the records of the chunks
 * covering the next RD_PREFETCH_READS x len bytes (the reads likely to follow), neither
 * cached nor queued, go to the prefetcher while it has room. A record that cannot be read
 * is left for the read that needs it (which reports why). */
static void prefetch_after(ddp_file_reader *r, uint32_t last, size_t len)
{
    rd_prefetcher *p = rd_cache_prefetcher(r->cache);
    uint32_t depth = rd_prefetcher_depth(p);
    uint64_t until = r->chunks[last].end + RD_PREFETCH_READS * (uint64_t)len;
    for (uint32_t i = last + 1; i < r->n_chunks && i <= last + depth; i++) {
        if (i > last + 1 && r->chunks[i - 1].end >= until)
            break;
        rd_key k;
        key_of(r, &r->chunks[i], &k);
        if (rd_cache_has(r->cache, &k) || !rd_prefetcher_wanted(p, &k))
            continue;
        uint8_t *rec = malloc(DDP_DATA_HEADER_SIZE + r->chunks[i].stored);
        char why[128];
        if (!rec || rd_read_chunk_record(r, i, rec, why, sizeof why) != DDP_OK) {
            free(rec);
            return;
        }
        if (!rd_prefetcher_submit(p, &k, &r->chunks[i], rec)) {
            free(rec);
            return;
        }
        r->stats.prefetches++;
    }
}

ddp_status ddp_file_reader_read(ddp_file_reader *r, uint64_t offset, void *buf, size_t len, size_t *got)
{
    *got = 0;
    if (offset >= r->size || len == 0)
        return DDP_OK;
    if (len > r->size - offset)
        len = (size_t)(r->size - offset);
    ddp_mutex_lock(r->lock);
    ddp_status st = DDP_OK;
    uint8_t *dst = buf;
    uint64_t pos = offset, end = offset + len;
    uint32_t i = chunk_at(r, pos);
    for (; pos < end && i < r->n_chunks; i++) {
        uint64_t start = i ? r->chunks[i - 1].end : 0;
        uint64_t stop = r->chunks[i].end < end ? r->chunks[i].end : end;
        st = copy_piece(r, i, (uint32_t)(pos - start), dst + (pos - offset), (uint32_t)(stop - pos));
        if (st != DDP_OK) {
            r->stats.failures++;
            break;
        }
        pos = stop;
    }
    *got = (size_t)(pos - offset);
    if (st == DDP_OK && offset == r->next_offset && i > 0)
        prefetch_after(r, i - 1, len);
    r->next_offset = pos;
    ddp_mutex_unlock(r->lock);
    return st;
}

void ddp_file_reader_stats(ddp_file_reader *r, ddp_reader_stats *out)
{
    ddp_mutex_lock(r->lock);
    *out = r->stats;
    out->store_reads = r->job.stats.read_calls;
    ddp_mutex_unlock(r->lock);
}

void ddp_file_reader_close(ddp_file_reader *r)
{
    if (!r)
        return;
    ddp_reader_stats s;
    ddp_file_reader_stats(r, &s);
    rd_cache_add_stats(r->cache, &s);
    reader_free(r);
}
