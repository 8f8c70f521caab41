/*
 * chunk_set.c - collects the distinct chunks and their uses while stream maps are
 * read: data containers are looked up by (store, id, generation), chunks by
 * (container, sequence), both through open-addressing indexes of entry numbers
 * (linear probing, grown at load 1/2).
 *
 * A chunk is shared only by stream-map entries that agree on everything they say about
 * it: container, sequence, offset hint, stored and logical size and hash. Entries that
 * disagree (one stream map is damaged, or hints differ) become separate records, each
 * read and checked on its own, so a damaged stream map fails only its own file and
 * never the files whose stream maps are right.
 */
#include <stdlib.h>
#include <string.h>

#include "chunk_set.h"
#include "ddp/container.h"

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

static uint64_t container_hash(uint32_t store, uint32_t id, uint32_t gen)
{
    return mix(((uint64_t)id << 32 | gen) ^ mix(store));
}

static uint64_t chunk_hash(uint32_t container, uint32_t sequence)
{
    return mix((uint64_t)container << 32 | sequence);
}

static uint64_t hash_of_container(const rs_chunk_set *cs, uint32_t i)
{
    const rs_container *c = &cs->containers[i];
    return container_hash(c->store, c->id, c->generation);
}

static uint64_t hash_of_chunk(const rs_chunk_set *cs, uint32_t i)
{
    return chunk_hash(cs->records[i].container, cs->records[i].sequence);
}

/* Doubles the index and re-inserts the count entries. */
static int index_grow(rs_chunk_set *cs, rs_index *ix, uint32_t count,
                      uint64_t (*hash_of)(const rs_chunk_set *, uint32_t))
{
    uint32_t cap = ix->cap ? ix->cap * 2 : 64;
    if (cap < ix->cap)
        return -1;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = (uint32_t)hash_of(cs, i) & (cap - 1);
        while (slots[s])
            s = (s + 1) & (cap - 1);
        slots[s] = i + 1;
    }
    free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    return 0;
}

static int grow_array(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    if (need == RS_NONE)
        return -1;
    uint32_t n = *cap ? *cap : 64;
    while (n < need)
        n = (n > RS_NONE / 2) ? RS_NONE - 1 : n * 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

rs_chunk_set *rs_chunk_set_new(rs_job *job)
{
    rs_chunk_set *cs = calloc(1, sizeof *cs);
    if (cs)
        cs->job = job;
    return cs;
}

static int find_container(rs_chunk_set *cs, uint32_t store, uint32_t id, uint32_t gen, uint32_t *out)
{
    if ((uint64_t)(cs->n_containers + 1) * 2 > cs->container_index.cap &&
        index_grow(cs, &cs->container_index, cs->n_containers, hash_of_container))
        return -1;
    uint32_t mask = cs->container_index.cap - 1;
    uint32_t s = (uint32_t)container_hash(store, id, gen) & mask;
    for (; cs->container_index.slots[s]; s = (s + 1) & mask) {
        const rs_container *c = &cs->containers[cs->container_index.slots[s] - 1];
        if (c->store == store && c->id == id && c->generation == gen) {
            *out = cs->container_index.slots[s] - 1;
            return 0;
        }
    }
    if (grow_array((void **)&cs->containers, &cs->cap_containers, cs->n_containers + 1, sizeof *cs->containers))
        return -1;
    rs_container *c = &cs->containers[cs->n_containers];
    memset(c, 0, sizeof *c);
    c->path = rs_container_path(&cs->job->stores[store], "Data", id, gen);
    if (!c->path)
        return -1;
    c->store = store;
    c->id = id;
    c->generation = gen;
    cs->container_index.slots[s] = cs->n_containers + 1;
    *out = cs->n_containers++;
    return 0;
}

/* Finds or adds the chunk; *out its number. */
static rs_add_result find_chunk(rs_chunk_set *cs, uint32_t container, const ddp_chunk_ref *e, uint32_t logical,
                                uint32_t *out)
{
    if ((uint64_t)(cs->n_chunks + 1) * 2 > cs->chunk_index.cap &&
        index_grow(cs, &cs->chunk_index, cs->n_chunks, hash_of_chunk))
        return RS_ADD_NO_MEMORY;
    uint32_t mask = cs->chunk_index.cap - 1;
    uint32_t s = (uint32_t)chunk_hash(container, e->sequence) & mask;
    for (; cs->chunk_index.slots[s]; s = (s + 1) & mask) {
        uint32_t i = cs->chunk_index.slots[s] - 1;
        const rs_record *r = &cs->records[i];
        const rs_chunk *ch = &cs->chunks[i];
        if (r->container == container && r->sequence == e->sequence && !(r->flags & RS_REC_REDIRECTED) &&
            r->offset == e->offset_hint && ch->stored == e->stored_size && ch->logical == logical &&
            memcmp(ch->hash, e->hash, 32) == 0) {
            *out = i;
            return RS_ADD_OK;
        }
    }
    if (grow_array((void **)&cs->chunks, &cs->cap_chunks, cs->n_chunks + 1, sizeof *cs->chunks) ||
        grow_array((void **)&cs->records, &cs->cap_records, cs->n_chunks + 1, sizeof *cs->records))
        return RS_ADD_NO_MEMORY;
    rs_chunk *ch = &cs->chunks[cs->n_chunks];
    memcpy(ch->hash, e->hash, 32);
    ch->stored = e->stored_size;
    ch->logical = logical;
    ch->first_use = RS_NONE;
    rs_record *r = &cs->records[cs->n_chunks];
    memset(r, 0, sizeof *r);
    r->container = container;
    r->sequence = e->sequence;
    r->offset = e->offset_hint;
    r->span = DDP_DATA_HEADER_SIZE + e->stored_size;
    r->extent = RS_NONE;
    cs->chunk_index.slots[s] = cs->n_chunks + 1;
    *out = cs->n_chunks++;
    return RS_ADD_OK;
}

rs_add_result rs_chunk_set_add(rs_chunk_set *cs, uint32_t file, uint32_t store, const ddp_chunk_ref *e,
                               uint32_t logical, uint64_t file_offset)
{
    uint32_t container, chunk;
    if (find_container(cs, store, e->container_id, e->generation, &container))
        return RS_ADD_NO_MEMORY;
    rs_add_result r = find_chunk(cs, container, e, logical, &chunk);
    if (r != RS_ADD_OK)
        return r;
    if (grow_array((void **)&cs->uses, &cs->cap_uses, cs->n_uses + 1, sizeof *cs->uses))
        return RS_ADD_NO_MEMORY;
    rs_use *u = &cs->uses[cs->n_uses];
    u->offset = file_offset;
    u->file = file;
    u->next = cs->chunks[chunk].first_use;
    cs->chunks[chunk].first_use = cs->n_uses++;
    return RS_ADD_OK;
}

void rs_chunk_set_seal(rs_chunk_set *cs)
{
    free(cs->container_index.slots);
    free(cs->chunk_index.slots);
    memset(&cs->container_index, 0, sizeof cs->container_index);
    memset(&cs->chunk_index, 0, sizeof cs->chunk_index);
}

void rs_chunk_set_free(rs_chunk_set *cs)
{
    if (!cs)
        return;
    rs_chunk_set_seal(cs);
    for (uint32_t i = 0; i < cs->n_containers; i++)
        free(cs->containers[i].path);
    free(cs->containers);
    free(cs->records);
    free(cs->chunks);
    free(cs->uses);
    free(cs);
}
