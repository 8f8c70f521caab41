/*
 * sha2.h - the engine's own SHA-256 and SHA-512 (FIPS 180-4), internal to the hash area.
 *
 * SHA-256 has two block functions: a portable one and one on the x86 SHA extensions
 * (SHA-NI). A SHA-256 context is bound to one block function when it is initialised,
 * so tests and benchmarks can force either path; ddp_sha256_best_blocks() picks the
 * fastest one this CPU runs. SHA-512 is portable C only.
 *
 * Contexts live wherever the caller puts them (the stack for a one-shot digest): no
 * heap, no global mutable state except the once-computed CPU feature flag of
 * cpu_features.c.
 */
#ifndef DDP_HASH_SHA2_H
#define DDP_HASH_SHA2_H

#include <stddef.h>
#include <stdint.h>

#define DDP_SHA256_BLOCK 64u
#define DDP_SHA256_DIGEST 32u
#define DDP_SHA512_BLOCK 128u
#define DDP_SHA512_DIGEST 64u

/* The 64 round constants of §4.2.2, shared by both block functions. */
extern const uint32_t ddp_sha256_k[64];

/* Processes nblocks whole 64-byte blocks at p into state (FIPS 180-4 §6.2.2). */
typedef void (*ddp_sha256_blocks_fn)(uint32_t state[8], const uint8_t *p, size_t nblocks);

void ddp_sha256_blocks_portable(uint32_t state[8], const uint8_t *p, size_t nblocks);
/* The SHA-NI block function, or NULL when this build or this CPU has none. */
ddp_sha256_blocks_fn ddp_sha256_shani_blocks(void);
/* The SHA-NI block function when available, the portable one otherwise. */
ddp_sha256_blocks_fn ddp_sha256_best_blocks(void);

/* 1 when the CPU runs the SHA extensions and SSE4.1 (computed once, thread-safe). */
int ddp_cpu_has_sha_ni(void);

typedef struct ddp_sha256_ctx {
    uint32_t state[8];
    uint64_t total;                 /* message bytes so far */
    uint8_t buf[DDP_SHA256_BLOCK];  /* a partial block */
    size_t used;                    /* bytes in buf */
    ddp_sha256_blocks_fn blocks;
} ddp_sha256_ctx;

void ddp_sha256_init(ddp_sha256_ctx *c, ddp_sha256_blocks_fn blocks);
void ddp_sha256_update(ddp_sha256_ctx *c, const void *data, size_t len);
/* Writes the digest; the context must be initialised again before reuse. */
void ddp_sha256_final(ddp_sha256_ctx *c, uint8_t out[DDP_SHA256_DIGEST]);

typedef struct ddp_sha512_ctx {
    uint64_t state[8];
    uint64_t total;                 /* message bytes so far (the 128-bit length's low part x 8) */
    uint8_t buf[DDP_SHA512_BLOCK];
    size_t used;
} ddp_sha512_ctx;

void ddp_sha512_blocks_portable(uint64_t state[8], const uint8_t *p, size_t nblocks);
void ddp_sha512_init(ddp_sha512_ctx *c);
void ddp_sha512_update(ddp_sha512_ctx *c, const void *data, size_t len);
void ddp_sha512_final(ddp_sha512_ctx *c, uint8_t out[DDP_SHA512_DIGEST]);

#endif
