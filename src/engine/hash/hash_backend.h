/*
 * hash_backend.h - the chunk-hash back ends behind ddp/chunk_hash.h. Each computes the
 * two candidate digests (FORMAT.md §5) with one library:
 *   - builtin (hash_builtin.c): the engine's own SHA-256 (SHA-NI when the CPU has it)
 *     and SHA-512, always built;
 *   - openssl (hash_openssl.c): OpenSSL's libcrypto, native builds;
 *   - bcrypt (hash_bcrypt.c): Windows' BCrypt (CNG), MinGW builds.
 * hash_select.c holds the one in use: the platform's library (OpenSSL natively, BCrypt
 * on Windows) unless the program named another with ddp_hash_backend_use (the DLL and
 * the tools pick builtin under Wine, whose BCrypt is slower: BENCHMARKS.md).
 *
 * A one-shot digest must not cost a heap allocation where the library can avoid one:
 * ddp_chunk_hash runs once or twice per chunk.
 */
#ifndef DDP_HASH_BACKEND_H
#define DDP_HASH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/chunk_hash.h"

typedef struct ddp_hash_backend {
    const char *name;                /* "builtin", "openssl", "bcrypt" */
    /* The 32-byte chunk hash of data; alg is SHA256 or SHA512_TRUNC (checked by the
     * caller), data is non-NULL or len is 0. */
    ddp_status (*digest)(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE]);
    /* A streaming context of alg (checked by the caller); final() makes it ready for the
     * next message. */
    ddp_status (*stream_new)(ddp_hash_alg alg, void **out);
    ddp_status (*stream_update)(void *s, const void *data, size_t len);
    ddp_status (*stream_final)(void *s, uint8_t out[DDP_HASH_SIZE]);
    void (*stream_free)(void *s);
} ddp_hash_backend;

extern const ddp_hash_backend ddp_hash_backend_builtin;
#if defined(DDP_HASH_HAVE_OPENSSL)
extern const ddp_hash_backend ddp_hash_backend_openssl;
#endif
#if defined(DDP_HASH_HAVE_BCRYPT)
extern const ddp_hash_backend ddp_hash_backend_bcrypt;
#endif

/* Every back end of this build, the platform's library first, builtin last. */
size_t ddp_hash_backend_list(const ddp_hash_backend *const **list);
/* The back end named name, or NULL when this build has none of that name. */
const ddp_hash_backend *ddp_hash_backend_named(const char *name);
/* The back end in use (never NULL; ddp_hash_backend_use changes it). */
const ddp_hash_backend *ddp_hash_backend_active(void);

#endif
