/*
 * chunk_hash.h - the 32-byte chunk hash (FORMAT.md §5). Two candidates: SHA-256 and
 * the first 32 bytes of SHA-512. Uses the platform's crypto: OpenSSL's libcrypto
 * natively, BCrypt on Windows.
 */
#ifndef DDP_CHUNK_HASH_H
#define DDP_CHUNK_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/status.h"

#define DDP_HASH_SIZE 32u

typedef enum ddp_hash_alg {
    DDP_HASH_UNKNOWN = 0,
    DDP_HASH_SHA256 = 1,
    DDP_HASH_SHA512_TRUNC = 2
} ddp_hash_alg;

const char *ddp_hash_alg_name(ddp_hash_alg alg);   /* "sha256", "sha512-trunc", "unknown" */
/* Parses "sha256" / "sha512-trunc"; DDP_HASH_UNKNOWN otherwise. */
ddp_hash_alg ddp_hash_alg_parse(const char *name);

ddp_status ddp_chunk_hash(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE]);
/* Which algorithm gives expected for data: SHA-256 tried first; DDP_HASH_UNKNOWN if neither. */
ddp_hash_alg ddp_chunk_hash_identify(const void *data, size_t len, const uint8_t expected[DDP_HASH_SIZE]);

#endif
