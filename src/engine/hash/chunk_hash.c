/*
 * chunk_hash.c - the portable side of the chunk hash (FORMAT.md §5): algorithm names,
 * one-shot hashing through a back end's digest, and detection of which of
 * the two candidate algorithms produced a stored hash.
 *
 * The two candidates are SHA-256 and SHA-512 truncated to its first 32 bytes (which is
 * not SHA-512/256: that one starts from other initial values). The back ends
 * (hash_builtin.c, hash_openssl.c, hash_bcrypt.c; hash_backend.h) only compute digests;
 * hash_select.c says which one is in use.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/chunk_hash.h"
#include "hash_backend.h"

const char *ddp_hash_alg_name(ddp_hash_alg alg)
{
    switch (alg) {
    case DDP_HASH_SHA256:
        return "sha256";
    case DDP_HASH_SHA512_TRUNC:
        return "sha512-trunc";
    default:
        return "unknown";
    }
}

ddp_hash_alg ddp_hash_alg_parse(const char *name)
{
    if (!name)
        return DDP_HASH_UNKNOWN;
    if (strcmp(name, "sha256") == 0)
        return DDP_HASH_SHA256;
    if (strcmp(name, "sha512-trunc") == 0)
        return DDP_HASH_SHA512_TRUNC;
    return DDP_HASH_UNKNOWN;
}

ddp_status ddp_chunk_hash(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE])
{
    if ((alg != DDP_HASH_SHA256 && alg != DDP_HASH_SHA512_TRUNC) || !out || (!data && len))
        return DDP_ERR_INVALID_ARG;
    return ddp_hash_backend_active()->digest(alg, data, len, out);
}

/* Two digests at most, each without a heap allocation (hash_backend.h). */
ddp_status ddp_chunk_hash_detect(const void *data, size_t len, const uint8_t expected[DDP_HASH_SIZE],
                                 ddp_hash_alg *alg)
{
    static const ddp_hash_alg candidates[2] = {DDP_HASH_SHA256, DDP_HASH_SHA512_TRUNC};
    if (!alg)
        return DDP_ERR_INVALID_ARG;
    *alg = DDP_HASH_UNKNOWN;
    if (!expected)
        return DDP_ERR_INVALID_ARG;
    for (int i = 0; i < 2; i++) {
        uint8_t got[DDP_HASH_SIZE];
        ddp_status st = ddp_chunk_hash(candidates[i], data, len, got);
        if (st != DDP_OK)
            return st;
        if (memcmp(got, expected, DDP_HASH_SIZE) == 0) {
            *alg = candidates[i];
            return DDP_OK;
        }
    }
    return DDP_OK;
}

ddp_hash_alg ddp_chunk_hash_identify(const void *data, size_t len, const uint8_t expected[DDP_HASH_SIZE])
{
    ddp_hash_alg alg = DDP_HASH_UNKNOWN;
    return ddp_chunk_hash_detect(data, len, expected, &alg) == DDP_OK ? alg : DDP_HASH_UNKNOWN;
}

const char *ddp_hash_backend_name(void)
{
    return ddp_hash_backend_active()->name;
}

/* A stream remembers its back end: the choice is made once, but a stream must never
 * be handed to another back end's functions. */
struct ddp_hash_stream {
    const ddp_hash_backend *backend;
    void *impl;
};

ddp_status ddp_hash_stream_new(ddp_hash_alg alg, ddp_hash_stream **out)
{
    if (!out)
        return DDP_ERR_INVALID_ARG;
    *out = NULL;
    if (alg != DDP_HASH_SHA256 && alg != DDP_HASH_SHA512_TRUNC)
        return DDP_ERR_INVALID_ARG;
    ddp_hash_stream *s = malloc(sizeof *s);
    if (!s)
        return DDP_ERR_NO_MEMORY;
    s->backend = ddp_hash_backend_active();
    ddp_status st = s->backend->stream_new(alg, &s->impl);
    if (st != DDP_OK) {
        free(s);
        return st;
    }
    *out = s;
    return DDP_OK;
}

ddp_status ddp_hash_stream_update(ddp_hash_stream *s, const void *data, size_t len)
{
    if (!s || (!data && len))
        return DDP_ERR_INVALID_ARG;
    return len ? s->backend->stream_update(s->impl, data, len) : DDP_OK;
}

ddp_status ddp_hash_stream_final(ddp_hash_stream *s, uint8_t out[DDP_HASH_SIZE])
{
    if (!s || !out)
        return DDP_ERR_INVALID_ARG;
    return s->backend->stream_final(s->impl, out);
}

void ddp_hash_stream_free(ddp_hash_stream *s)
{
    if (!s)
        return;
    s->backend->stream_free(s->impl);
    free(s);
}
