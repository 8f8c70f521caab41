/*
 * chunk_hash.h - the 32-byte chunk hash (FORMAT.md §5). Two candidates: SHA-256 and
 * the first 32 bytes of SHA-512. Digests come from a back end: the platform's crypto
 * library by default (OpenSSL's libcrypto natively, BCrypt on Windows), or the engine's
 * own SHA code ("builtin") when the program says so with ddp_hash_backend_use. The
 * engine never chooses by itself: the DLL and the tools do (DDPBACKUP_HASH_BACKEND,
 * builtin under Wine) and pass their choice in (src/engine/hash/hash_backend.h).
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
/* Which algorithm gives expected for data: SHA-256 tried first; DDP_HASH_UNKNOWN if neither
 * (or if a digest could not be computed: ddp_chunk_hash_detect tells the two apart). */
ddp_hash_alg ddp_chunk_hash_identify(const void *data, size_t len, const uint8_t expected[DDP_HASH_SIZE]);
/* The same, with the reason: DDP_OK and *alg (DDP_HASH_UNKNOWN when neither candidate gives
 * expected), or the failure of a digest that could not be computed (DDP_ERR_NO_MEMORY...),
 * in which case nothing is known about the data. */
ddp_status ddp_chunk_hash_detect(const void *data, size_t len, const uint8_t expected[DDP_HASH_SIZE],
                                 ddp_hash_alg *alg);

/* The back end in use: "openssl", "bcrypt" or "builtin". */
const char *ddp_hash_backend_name(void);
/* Makes the back end called name ("openssl", "bcrypt", "builtin") the one every later
 * digest of this process uses; NULL names the build's default (the platform's library).
 * DDP_ERR_UNSUPPORTED, with the choice unchanged, when this build has no back end of that
 * name. Meant for a program's start: streams already open keep their back end. */
ddp_status ddp_hash_backend_use(const char *name);

/* Streaming digest of one of the two algorithms, for messages that arrive in pieces
 * (a stream map written entry by entry). final() writes the 32-byte hash and makes the
 * stream ready for the next message. DDP_ERR_INVALID_ARG for DDP_HASH_UNKNOWN. */
typedef struct ddp_hash_stream ddp_hash_stream;
ddp_status ddp_hash_stream_new(ddp_hash_alg alg, ddp_hash_stream **out);
ddp_status ddp_hash_stream_update(ddp_hash_stream *s, const void *data, size_t len);
ddp_status ddp_hash_stream_final(ddp_hash_stream *s, uint8_t out[DDP_HASH_SIZE]);
void ddp_hash_stream_free(ddp_hash_stream *s);

#endif
