/*
 * sha256.c - SHA-256 (FIPS 180-4 §6.2) in portable C: the round constants, the
 * streaming context (padding and length, §5.1.1) shared by both block functions, and
 * the portable block function.
 *
 * The portable rounds keep a 16-word rolling message schedule and unroll eight rounds
 * per loop step, renaming the working variables instead of shifting them.
 */
#include <string.h>

#include "sha2.h"

const uint32_t ddp_sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static const uint32_t initial_state[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

static uint32_t rotr32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* FIPS 180-4 §4.1.2 functions. */
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (rotr32((x), 2) ^ rotr32((x), 13) ^ rotr32((x), 22))
#define BSIG1(x) (rotr32((x), 6) ^ rotr32((x), 11) ^ rotr32((x), 25))
#define SSIG0(x) (rotr32((x), 7) ^ rotr32((x), 18) ^ ((x) >> 3))
#define SSIG1(x) (rotr32((x), 17) ^ rotr32((x), 19) ^ ((x) >> 10))

/* Message word t (t >= 16) into the rolling 16-word window, §6.2.2 step 1. */
#define SCHEDULE(w, t) \
    ((w)[(t) & 15] += SSIG1((w)[((t) - 2) & 15]) + (w)[((t) - 7) & 15] + SSIG0((w)[((t) - 15) & 15]))

/* One round with the working variables named in their current roles. */
#define ROUND(a, b, c, d, e, f, g, h, wt, kt)                  \
    do {                                                       \
        uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + (kt) + (wt); \
        uint32_t t2_ = BSIG0(a) + MAJ(a, b, c);                \
        (d) += t1_;                                            \
        (h) = t1_ + t2_;                                       \
    } while (0)

static void compress_block(uint32_t state[8], const uint8_t *p)
{
    uint32_t w[16];
    for (unsigned t = 0; t < 16; t++)
        w[t] = load_be32(p + 4 * t);
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (unsigned t = 0; t < 64; t += 8) {
        if (t >= 16) {
            for (unsigned i = t; i < t + 8; i++)
                SCHEDULE(w, i);
        }
        ROUND(a, b, c, d, e, f, g, h, w[(t + 0) & 15], ddp_sha256_k[t + 0]);
        ROUND(h, a, b, c, d, e, f, g, w[(t + 1) & 15], ddp_sha256_k[t + 1]);
        ROUND(g, h, a, b, c, d, e, f, w[(t + 2) & 15], ddp_sha256_k[t + 2]);
        ROUND(f, g, h, a, b, c, d, e, w[(t + 3) & 15], ddp_sha256_k[t + 3]);
        ROUND(e, f, g, h, a, b, c, d, w[(t + 4) & 15], ddp_sha256_k[t + 4]);
        ROUND(d, e, f, g, h, a, b, c, w[(t + 5) & 15], ddp_sha256_k[t + 5]);
        ROUND(c, d, e, f, g, h, a, b, w[(t + 6) & 15], ddp_sha256_k[t + 6]);
        ROUND(b, c, d, e, f, g, h, a, w[(t + 7) & 15], ddp_sha256_k[t + 7]);
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

void ddp_sha256_blocks_portable(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    for (size_t i = 0; i < nblocks; i++)
        compress_block(state, p + i * DDP_SHA256_BLOCK);
}

void ddp_sha256_init(ddp_sha256_ctx *c, ddp_sha256_blocks_fn blocks)
{
    memcpy(c->state, initial_state, sizeof c->state);
    c->total = 0;
    c->used = 0;
    c->blocks = blocks ? blocks : ddp_sha256_blocks_portable;
}

void ddp_sha256_update(ddp_sha256_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->total += len;
    if (c->used) {   /* complete the partial block first */
        size_t take = DDP_SHA256_BLOCK - c->used;
        if (take > len)
            take = len;
        memcpy(c->buf + c->used, p, take);
        c->used += take;
        p += take;
        len -= take;
        if (c->used < DDP_SHA256_BLOCK)
            return;
        c->blocks(c->state, c->buf, 1);
        c->used = 0;
    }
    size_t whole = len / DDP_SHA256_BLOCK;
    if (whole) {
        c->blocks(c->state, p, whole);
        p += whole * DDP_SHA256_BLOCK;
        len -= whole * DDP_SHA256_BLOCK;
    }
    if (len) {
        memcpy(c->buf, p, len);
        c->used = len;
    }
}

void ddp_sha256_final(ddp_sha256_ctx *c, uint8_t out[DDP_SHA256_DIGEST])
{
    uint64_t bits = c->total * 8u;
    uint8_t pad[2 * DDP_SHA256_BLOCK];
    size_t n = c->used;
    memcpy(pad, c->buf, n);
    pad[n++] = 0x80;   /* §5.1.1: a 1 bit, zeros, then the 64-bit length */
    size_t padded = n + 8 <= DDP_SHA256_BLOCK ? DDP_SHA256_BLOCK : 2 * DDP_SHA256_BLOCK;
    memset(pad + n, 0, padded - 8 - n);
    store_be32(pad + padded - 8, (uint32_t)(bits >> 32));
    store_be32(pad + padded - 4, (uint32_t)bits);
    c->blocks(c->state, pad, padded / DDP_SHA256_BLOCK);
    for (unsigned i = 0; i < 8; i++)
        store_be32(out + 4 * i, c->state[i]);
}
