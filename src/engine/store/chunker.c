/*
 * chunker.c - content-defined chunking with a gear rolling hash.
 *
 * For every byte b the hash becomes (hash << 1) + gear[b]; a byte's contribution has
 * shifted out after 64 more bytes, so the hash is a function of the last 64 bytes only,
 * and identical content gives identical boundaries wherever it sits in a file. A chunk
 * ends after byte i when the chunk holds at least min_size bytes and the top k bits of
 * the hash are zero (k = floor(log2(avg - min)), so the expected length past min_size is
 * about avg - min), or when it reaches max_size. With the defaults (32 / 64 / 128 KiB)
 * chunks average about 63 KiB.
 *
 * Boundaries depend only on the bytes, never on how the caller splits its input: the
 * hash restarts at every chunk start, and the first min_size - 64 bytes of a chunk are
 * skipped because they cannot influence the hash at any position a boundary may take.
 * The gear table is filled from a fixed splitmix64 sequence, so every build agrees.
 * Memory: one buffer of max_size bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "chunker.h"
#include "ddp/container.h"

#define GEAR_WINDOW 64u

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t boundary_mask(uint32_t min_size, uint32_t avg_size)
{
    uint32_t span = avg_size - min_size;
    unsigned bits = 0;   /* floor(log2(span)); 0 cuts every chunk at min_size */
    while (bits < 31 && (2u << bits) <= span)
        bits++;
    return bits == 0 ? 0 : (~0ull << (64 - bits));
}

ddp_status ddp_chunker_init(ddp_chunker *c, uint32_t min_size, uint32_t avg_size, uint32_t max_size)
{
    if (!c || min_size == 0 || min_size > avg_size || avg_size > max_size || max_size > DDP_MAX_CHUNK_SIZE)
        return DDP_ERR_INVALID_ARG;
    memset(c, 0, sizeof *c);
    c->buf = malloc(max_size);
    if (!c->buf)
        return DDP_ERR_NO_MEMORY;
    c->min_size = min_size;
    c->max_size = max_size;
    c->mask = boundary_mask(min_size, avg_size);
    uint64_t seed = 0x6464702D63686E6Bull;   /* "ddp-chnk" */
    for (int i = 0; i < 256; i++)
        c->gear[i] = splitmix64(&seed);
    return DDP_OK;
}

void ddp_chunker_free(ddp_chunker *c)
{
    if (!c)
        return;
    free(c->buf);
    c->buf = NULL;
}

/* Rolls the hash over the unscanned bytes; returns the chunk length when a boundary is
 * found, 0 otherwise. */
static size_t find_boundary(ddp_chunker *c)
{
    size_t skip = c->min_size > GEAR_WINDOW ? c->min_size - GEAR_WINDOW : 0;
    size_t i = c->scanned < skip ? skip : c->scanned;
    uint64_t h = c->hash;
    for (; i < c->len; i++) {
        h = (h << 1) + c->gear[c->buf[i]];
        if (i + 1 >= c->min_size && (h & c->mask) == 0) {
            c->hash = h;
            return i + 1;
        }
    }
    c->hash = h;
    c->scanned = i;
    return c->len >= c->max_size ? c->max_size : 0;
}

static ddp_status emit_front(ddp_chunker *c, size_t cut, ddp_chunk_emit emit, void *ctx)
{
    ddp_status st = emit(ctx, c->buf, cut);
    memmove(c->buf, c->buf + cut, c->len - cut);
    c->len -= cut;
    c->scanned = 0;
    c->hash = 0;
    return st;
}

ddp_status ddp_chunker_push(ddp_chunker *c, const uint8_t *data, size_t len, ddp_chunk_emit emit, void *ctx)
{
    if (!c || !emit || (!data && len))
        return DDP_ERR_INVALID_ARG;
    while (len) {
        size_t take = c->max_size - c->len;
        if (take > len)
            take = len;
        memcpy(c->buf + c->len, data, take);
        c->len += take;
        data += take;
        len -= take;
        size_t cut;
        while ((cut = find_boundary(c)) != 0) {
            ddp_status st = emit_front(c, cut, emit, ctx);
            if (st != DDP_OK)
                return st;
        }
    }
    return DDP_OK;
}

ddp_status ddp_chunker_flush(ddp_chunker *c, ddp_chunk_emit emit, void *ctx)
{
    if (!c || !emit)
        return DDP_ERR_INVALID_ARG;
    if (c->len == 0)
        return DDP_OK;
    return emit_front(c, c->len, emit, ctx);
}
