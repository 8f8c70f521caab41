/*
 * hash_backend.h - what each chunk-hash back end provides besides the ddp_hash_stream_*
 * functions of ddp/chunk_hash.h: a one-shot digest of a whole message, which
 * ddp_chunk_hash and ddp_chunk_hash_identify use for every chunk (so it must not cost
 * a heap allocation where the back end can avoid one). Exactly one back end file
 * (hash_builtin.c, hash_openssl.c or hash_bcrypt.c) is built, chosen by CMake.
 */
#ifndef DDP_HASH_BACKEND_H
#define DDP_HASH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"

/* The 32-byte chunk hash of data; alg is SHA256 or SHA512_TRUNC (checked by the caller),
 * data is non-NULL or len is 0. */
ddp_status ddp_hash_backend_digest(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE]);

#endif
