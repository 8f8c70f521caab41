/*
 * sha512.c - SHA-512 (FIPS 180-4 §6.4) in portable C, of which the chunk hash keeps
 * the first 32 bytes (the SHA-512 initial values of §5.3.5, not SHA-512/256's).
 *
 * Same shape as sha256.c: a 16-word rolling schedule, eight rounds unrolled per loop
 * step with the working variables renamed, a streaming context that pads with a
 * 128-bit length (§5.1.2; the high 64 bits are those of the byte count times 8).
 */
#include <string.h>

#include "sha2.h"

static const uint64_t round_constants[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static const uint64_t initial_state[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static uint64_t rotr64(uint64_t x, unsigned n)
{
    return (x >> n) | (x << (64u - n));
}

static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* FIPS 180-4 §4.1.3 functions. */
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (rotr64((x), 28) ^ rotr64((x), 34) ^ rotr64((x), 39))
#define BSIG1(x) (rotr64((x), 14) ^ rotr64((x), 18) ^ rotr64((x), 41))
#define SSIG0(x) (rotr64((x), 1) ^ rotr64((x), 8) ^ ((x) >> 7))
#define SSIG1(x) (rotr64((x), 19) ^ rotr64((x), 61) ^ ((x) >> 6))

#define SCHEDULE(w, t) \
    ((w)[(t) & 15] += SSIG1((w)[((t) - 2) & 15]) + (w)[((t) - 7) & 15] + SSIG0((w)[((t) - 15) & 15]))

#define ROUND(a, b, c, d, e, f, g, h, wt, kt)                      \
    do {                                                           \
        uint64_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + (kt) + (wt); \
        uint64_t t2_ = BSIG0(a) + MAJ(a, b, c);                    \
        (d) += t1_;                                                \
        (h) = t1_ + t2_;                                           \
    } while (0)

static void compress_block(uint64_t state[8], const uint8_t *p)
{
    uint64_t w[16];
    for (unsigned t = 0; t < 16; t++)
        w[t] = load_be64(p + 8 * t);
    uint64_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint64_t e = state[4], f = state[5], g = state[6], h = state[7];
    const uint64_t *k = round_constants;
    for (unsigned t = 0; t < 80; t += 8) {
        if (t >= 16) {
            for (unsigned i = t; i < t + 8; i++)
                SCHEDULE(w, i);
        }
        ROUND(a, b, c, d, e, f, g, h, w[(t + 0) & 15], k[t + 0]);
        ROUND(h, a, b, c, d, e, f, g, w[(t + 1) & 15], k[t + 1]);
        ROUND(g, h, a, b, c, d, e, f, w[(t + 2) & 15], k[t + 2]);
        ROUND(f, g, h, a, b, c, d, e, w[(t + 3) & 15], k[t + 3]);
        ROUND(e, f, g, h, a, b, c, d, w[(t + 4) & 15], k[t + 4]);
        ROUND(d, e, f, g, h, a, b, c, w[(t + 5) & 15], k[t + 5]);
        ROUND(c, d, e, f, g, h, a, b, w[(t + 6) & 15], k[t + 6]);
        ROUND(b, c, d, e, f, g, h, a, w[(t + 7) & 15], k[t + 7]);
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

void ddp_sha512_blocks_portable(uint64_t state[8], const uint8_t *p, size_t nblocks)
{
    for (size_t i = 0; i < nblocks; i++)
        compress_block(state, p + i * DDP_SHA512_BLOCK);
}

void ddp_sha512_init(ddp_sha512_ctx *c)
{
    memcpy(c->state, initial_state, sizeof c->state);
    c->total = 0;
    c->used = 0;
}

void ddp_sha512_update(ddp_sha512_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->total += len;
    if (c->used) {   /* complete the partial block first */
        size_t take = DDP_SHA512_BLOCK - c->used;
        if (take > len)
            take = len;
        memcpy(c->buf + c->used, p, take);
        c->used += take;
        p += take;
        len -= take;
        if (c->used < DDP_SHA512_BLOCK)
            return;
        ddp_sha512_blocks_portable(c->state, c->buf, 1);
        c->used = 0;
    }
    size_t whole = len / DDP_SHA512_BLOCK;
    if (whole) {
        ddp_sha512_blocks_portable(c->state, p, whole);
        p += whole * DDP_SHA512_BLOCK;
        len -= whole * DDP_SHA512_BLOCK;
    }
    if (len) {
        memcpy(c->buf, p, len);
        c->used = len;
    }
}

void ddp_sha512_final(ddp_sha512_ctx *c, uint8_t out[DDP_SHA512_DIGEST])
{
    uint8_t pad[2 * DDP_SHA512_BLOCK];
    size_t n = c->used;
    memcpy(pad, c->buf, n);
    pad[n++] = 0x80;   /* §5.1.2: a 1 bit, zeros, then the 128-bit length */
    size_t padded = n + 16 <= DDP_SHA512_BLOCK ? DDP_SHA512_BLOCK : 2 * DDP_SHA512_BLOCK;
    memset(pad + n, 0, padded - 16 - n);
    store_be64(pad + padded - 16, c->total >> 61);
    store_be64(pad + padded - 8, c->total << 3);
    ddp_sha512_blocks_portable(c->state, pad, padded / DDP_SHA512_BLOCK);
    for (unsigned i = 0; i < 8; i++)
        store_be64(out + 8 * i, c->state[i]);
}
