/*
 * chunk_cache.c - the decoded chunks recently read by the readers of one store, shared
 * by them: a fixed number of slots (options.cache_chunks), each holding one verified
 * chunk's content under its key (store GUID, container id and generation, sequence,
 * logical size, hash), the least recently used slot reused first. A lookup is a linear
 * scan of the slots under the cache's lock (a few dozen key compares, small next to the
 * copy it saves); content is copied out under the lock, so a slot is never read while it
 * is being replaced. A chunk is decoded straight into a slot (rd_cache_fill_begin/end):
 * the slot is taken out of the cache (neither found nor reused) until its decoder hands
 * it back with the key, or empty when the chunk failed, so a decoded chunk is never
 * copied into the cache (BENCHMARKS.md, issue 16). When every slot is being filled (more
 * decoding threads than slots), the decoder uses its own buffer and rd_cache_put.
 * Memory: a slot's buffer grows to the largest chunk it has held, at most
 * DDP_MAX_CHUNK_SIZE, so cache_chunks x 256 KiB at most.
 *
 * The cache also owns what its readers share: the options, the hash algorithm of each
 * chunk store (by GUID; a volume may hold stores of both algorithms) once a chunk
 * identified it, what each store's DedupFileList says about its stream containers (read
 * by the first reader that opens a file of the store, through the restore engine's
 * file_list_read.c, then lent to the later ones: 8 bytes per Stream container entry,
 * at most 8 MiB per store, kept until the cache is freed; the mount is read-only, so
 * the list does not change under it), and the totals of the readers' counts.
 * RD_MAX_STORES stores are remembered; the chunks of any further store are identified
 * one by one, and its list is read again by each reader.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"

#define RD_MAX_STORES 64u

typedef struct rd_slot {
    rd_key key;
    uint8_t *data;
    uint32_t len, cap;
    uint64_t used;           /* tick of the last use; 0: empty */
    int filling;             /* lent to a decoder: not found, not reused */
} rd_slot;

struct ddp_reader_cache {
    ddp_reader_options opt;
    ddp_mutex *lock;
    rd_slot *slots;
    uint32_t n_slots;
    uint64_t tick;
    struct {
        uint8_t guid[16];
        ddp_hash_alg alg;
    } algs[RD_MAX_STORES];
    uint32_t n_algs;
    struct {
        uint8_t guid[16];
        rs_file_list list;   /* never UNREAD; immutable once kept */
    } lists[RD_MAX_STORES];
    uint32_t n_lists;
    ddp_reader_stats totals;
    rd_prefetcher *prefetch;
};

void ddp_reader_options_default(ddp_reader_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->cache_chunks = DDP_READER_DEFAULT_CACHE_CHUNKS;
    opt->hash_alg = DDP_HASH_UNKNOWN;
    opt->probe_generations = RS_DEFAULT_PROBE_GENERATIONS;
    opt->prefetch_chunks = DDP_READER_DEFAULT_PREFETCH;
}

ddp_status ddp_reader_cache_new(const ddp_reader_options *opt, ddp_reader_cache **out)
{
    *out = NULL;
    ddp_reader_cache *c = calloc(1, sizeof *c);
    if (!c)
        return DDP_ERR_NO_MEMORY;
    ddp_reader_options_default(&c->opt);
    if (opt) {
        c->opt = *opt;
        if (!c->opt.cache_chunks)
            c->opt.cache_chunks = DDP_READER_DEFAULT_CACHE_CHUNKS;
        if (c->opt.cache_chunks > DDP_READER_MAX_CACHE_CHUNKS)
            c->opt.cache_chunks = DDP_READER_MAX_CACHE_CHUNKS;
        if (!c->opt.probe_generations)
            c->opt.probe_generations = RS_DEFAULT_PROBE_GENERATIONS;
        if (c->opt.probe_generations > RS_MAX_PROBE_GENERATIONS)
            c->opt.probe_generations = RS_MAX_PROBE_GENERATIONS;
        if (c->opt.hash_alg != DDP_HASH_SHA256 && c->opt.hash_alg != DDP_HASH_SHA512_TRUNC)
            c->opt.hash_alg = DDP_HASH_UNKNOWN;
        if (c->opt.prefetch_chunks > DDP_READER_MAX_PREFETCH)
            c->opt.prefetch_chunks = DDP_READER_MAX_PREFETCH;
    }
    c->n_slots = c->opt.cache_chunks;
    c->slots = calloc(c->n_slots, sizeof *c->slots);
    c->lock = ddp_mutex_new();
    if (!c->slots || !c->lock) {
        ddp_reader_cache_free(c);
        return DDP_ERR_NO_MEMORY;
    }
    c->prefetch = rd_prefetcher_new(c, c->opt.prefetch_chunks);   /* NULL: reads decode alone */
    *out = c;
    return DDP_OK;
}

void ddp_reader_cache_free(ddp_reader_cache *c)
{
    if (!c)
        return;
    rd_prefetcher_free(c->prefetch);   /* its worker puts into the cache until it stops */
    for (uint32_t i = 0; c->slots && i < c->n_slots; i++)
        free(c->slots[i].data);
    free(c->slots);
    for (uint32_t i = 0; i < c->n_lists; i++)
        rs_file_list_free(&c->lists[i].list);
    if (c->lock)
        ddp_mutex_free(c->lock);
    free(c);
}

const ddp_reader_options *rd_cache_options(const ddp_reader_cache *c)
{
    return &c->opt;
}

static rd_slot *find(ddp_reader_cache *c, const rd_key *k)
{
    for (uint32_t i = 0; i < c->n_slots; i++)
        if (c->slots[i].used && memcmp(&c->slots[i].key, k, sizeof *k) == 0)
            return &c->slots[i];
    return NULL;
}

rd_prefetcher *rd_cache_prefetcher(ddp_reader_cache *c)
{
    return c->prefetch;
}

int rd_cache_has(ddp_reader_cache *c, const rd_key *k)
{
    ddp_mutex_lock(c->lock);
    int has = find(c, k) != NULL;
    ddp_mutex_unlock(c->lock);
    return has;
}

int rd_cache_copy(ddp_reader_cache *c, const rd_key *k, uint32_t from, uint8_t *dst, uint32_t n)
{
    ddp_mutex_lock(c->lock);
    rd_slot *s = find(c, k);
    int hit = s && from <= s->len && n <= s->len - from;
    if (hit) {
        memcpy(dst, s->data + from, n);
        s->used = ++c->tick;
    }
    ddp_mutex_unlock(c->lock);
    return hit;
}

/* Under the lock: the slot to reuse (an empty one, else the least recently used), never
 * one being filled; NULL when every slot is. */
static rd_slot *victim(ddp_reader_cache *c)
{
    rd_slot *s = NULL;
    for (uint32_t i = 0; i < c->n_slots; i++) {
        rd_slot *t = &c->slots[i];
        if (!t->filling && (!s || t->used < s->used))
            s = t;
        if (s && !s->used)
            break;
    }
    return s;
}

int rd_cache_fill_begin(ddp_reader_cache *c, uint32_t len, uint8_t **buf)
{
    *buf = NULL;
    if (len > DDP_MAX_CHUNK_SIZE)
        return -1;
    ddp_mutex_lock(c->lock);
    rd_slot *s = victim(c);
    if (s && s->cap < len) {
        uint8_t *d = realloc(s->data, len);
        if (d) {
            s->data = d;
            s->cap = len;
        } else {
            s = NULL;   /* no room: the caller decodes into its own buffer */
        }
    }
    if (s) {
        s->filling = 1;
        s->used = 0;
        s->len = 0;
        *buf = s->data;
    }
    ddp_mutex_unlock(c->lock);
    return s ? (int)(s - c->slots) : -1;
}

void rd_cache_fill_end(ddp_reader_cache *c, int slot, const rd_key *k, uint32_t len, int ok)
{
    ddp_mutex_lock(c->lock);
    rd_slot *s = &c->slots[slot];
    s->filling = 0;
    if (ok && !find(c, k)) {   /* another thread may have kept the same chunk meanwhile */
        s->key = *k;
        s->len = len;
        s->used = ++c->tick;
    }
    ddp_mutex_unlock(c->lock);
}

void rd_cache_put(ddp_reader_cache *c, const rd_key *k, const uint8_t *content, uint32_t len)
{
    if (rd_cache_has(c, k))
        return;   /* kept already: no other chunk is given up for it */
    uint8_t *buf = NULL;
    int slot = rd_cache_fill_begin(c, len, &buf);
    if (slot < 0)
        return;   /* the chunk is simply not kept */
    memcpy(buf, content, len);
    rd_cache_fill_end(c, slot, k, len, 1);
}

ddp_hash_alg rd_cache_alg(ddp_reader_cache *c, const uint8_t guid[16])
{
    if (c->opt.hash_alg != DDP_HASH_UNKNOWN)
        return c->opt.hash_alg;
    ddp_hash_alg a = DDP_HASH_UNKNOWN;
    ddp_mutex_lock(c->lock);
    for (uint32_t i = 0; i < c->n_algs; i++)
        if (memcmp(c->algs[i].guid, guid, 16) == 0)
            a = c->algs[i].alg;
    ddp_mutex_unlock(c->lock);
    return a;
}

void rd_cache_set_alg(ddp_reader_cache *c, const uint8_t guid[16], ddp_hash_alg alg)
{
    ddp_mutex_lock(c->lock);
    uint32_t i = 0;
    while (i < c->n_algs && memcmp(c->algs[i].guid, guid, 16) != 0)
        i++;
    if (i == c->n_algs && c->n_algs < RD_MAX_STORES) {
        memcpy(c->algs[i].guid, guid, 16);
        c->algs[c->n_algs++].alg = alg;
    }
    ddp_mutex_unlock(c->lock);
}

int rd_cache_list(ddp_reader_cache *c, const uint8_t guid[16], rs_file_list *out)
{
    int known = 0;
    ddp_mutex_lock(c->lock);
    for (uint32_t i = 0; !known && i < c->n_lists; i++)
        if (memcmp(c->lists[i].guid, guid, 16) == 0) {
            *out = c->lists[i].list;
            known = 1;
        }
    ddp_mutex_unlock(c->lock);
    return known;
}

void rd_cache_keep_list(ddp_reader_cache *c, const uint8_t guid[16], rs_file_list *list)
{
    int kept = 0;
    ddp_mutex_lock(c->lock);
    uint32_t i = 0;
    while (i < c->n_lists && memcmp(c->lists[i].guid, guid, 16) != 0)
        i++;
    if (i == c->n_lists && c->n_lists < RD_MAX_STORES && list->state != RS_LIST_UNREAD) {
        memcpy(c->lists[i].guid, guid, 16);
        c->lists[c->n_lists++].list = *list;
        kept = 1;
    }
    ddp_mutex_unlock(c->lock);
    if (!kept)
        rs_file_list_free(list);   /* another reader kept one first, or no room */
    memset(list, 0, sizeof *list);
}

void rd_cache_add_stats(ddp_reader_cache *c, const ddp_reader_stats *d)
{
    ddp_mutex_lock(c->lock);
    c->totals.stream_map_loads += d->stream_map_loads;
    c->totals.chunk_decodes += d->chunk_decodes;
    c->totals.cache_hits += d->cache_hits;
    c->totals.store_reads += d->store_reads;
    c->totals.redirects += d->redirects;
    c->totals.failures += d->failures;
    c->totals.prefetches += d->prefetches;
    c->totals.generations_from_list += d->generations_from_list;
    ddp_mutex_unlock(c->lock);
}

void ddp_reader_cache_stats(ddp_reader_cache *c, ddp_reader_stats *out)
{
    ddp_mutex_lock(c->lock);
    *out = c->totals;
    ddp_mutex_unlock(c->lock);
}
