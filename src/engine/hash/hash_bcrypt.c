/*
 * hash_bcrypt.c - the chunk-hash digest on Windows' BCrypt (MinGW builds, when chosen:
 * DDP_HASH_BACKEND=bcrypt; the default there is hash_builtin.c, faster under Wine).
 * SHA-256 gives 32 bytes; SHA-512 gives 64, of which the first 32 are kept. This is the
 * one engine file that includes <windows.h>: BCrypt's types need it.
 *
 * Opening an algorithm provider is costly, so each algorithm's provider is opened once,
 * on first use, and kept for the life of the process (threads racing to open it keep
 * the first one published and close theirs). A stream owns one hash object; after every
 * final the object is destroyed and a new one created (BCRYPT_HASH_REUSABLE_FLAG needs
 * Windows 8).
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <bcrypt.h>

#include "hash_backend.h"

#ifndef BCRYPT_SUCCESS
#define BCRYPT_SUCCESS(s) (((NTSTATUS)(s)) >= 0)
#endif

static BCRYPT_ALG_HANDLE volatile providers[3];   /* by ddp_hash_alg */

struct ddp_hash_stream {
    BCRYPT_ALG_HANDLE alg;                          /* shared: never closed */
    BCRYPT_HASH_HANDLE hash;
    ULONG digest_len;
};

static LPCWSTR algorithm_id(ddp_hash_alg alg)
{
    switch (alg) {
    case DDP_HASH_SHA256:
        return BCRYPT_SHA256_ALGORITHM;
    case DDP_HASH_SHA512_TRUNC:
        return BCRYPT_SHA512_ALGORITHM;
    default:
        return NULL;
    }
}

/* The process-wide provider of alg, opened on first use; NULL on failure. */
static BCRYPT_ALG_HANDLE provider(ddp_hash_alg alg)
{
    LPCWSTR id = algorithm_id(alg);
    if (!id)
        return NULL;
    BCRYPT_ALG_HANDLE h = providers[alg];
    if (h)
        return h;
    if (!BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&h, id, NULL, 0)))
        return NULL;
    BCRYPT_ALG_HANDLE prev = InterlockedCompareExchangePointer((PVOID volatile *)&providers[alg], h, NULL);
    if (prev) {   /* another thread published one first */
        BCryptCloseAlgorithmProvider(h, 0);
        return prev;
    }
    return h;
}

static ddp_status open_hash(ddp_hash_stream *s)
{
    if (!BCRYPT_SUCCESS(BCryptCreateHash(s->alg, &s->hash, NULL, 0, NULL, 0, 0)))
        return DDP_ERR_IO;
    return DDP_OK;
}

ddp_status ddp_hash_stream_new(ddp_hash_alg alg, ddp_hash_stream **out)
{
    if (!out)
        return DDP_ERR_INVALID_ARG;
    *out = NULL;
    if (!algorithm_id(alg))
        return DDP_ERR_INVALID_ARG;
    ddp_hash_stream *s = calloc(1, sizeof *s);
    if (!s)
        return DDP_ERR_NO_MEMORY;
    ULONG got = 0;
    s->alg = provider(alg);
    if (!s->alg ||
        !BCRYPT_SUCCESS(BCryptGetProperty(s->alg, BCRYPT_HASH_LENGTH, (PUCHAR)&s->digest_len,
                                          sizeof s->digest_len, &got, 0)) ||
        s->digest_len < DDP_HASH_SIZE || s->digest_len > 64 || open_hash(s) != DDP_OK) {
        ddp_hash_stream_free(s);
        return DDP_ERR_IO;
    }
    *out = s;
    return DDP_OK;
}

ddp_status ddp_hash_stream_update(ddp_hash_stream *s, const void *data, size_t len)
{
    if (!s || (!data && len))
        return DDP_ERR_INVALID_ARG;
    const UCHAR *p = data;
    while (len) {   /* BCryptHashData takes a ULONG length */
        ULONG part = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptHashData(s->hash, (PUCHAR)p, part, 0)))
            return DDP_ERR_IO;
        p += part;
        len -= part;
    }
    return DDP_OK;
}

ddp_status ddp_hash_stream_final(ddp_hash_stream *s, uint8_t out[DDP_HASH_SIZE])
{
    if (!s || !out)
        return DDP_ERR_INVALID_ARG;
    UCHAR full[64];
    NTSTATUS r = BCryptFinishHash(s->hash, full, s->digest_len, 0);
    BCryptDestroyHash(s->hash);
    s->hash = NULL;
    if (!BCRYPT_SUCCESS(r))
        return DDP_ERR_IO;
    memcpy(out, full, DDP_HASH_SIZE);
    return open_hash(s);   /* ready for the next message */
}

void ddp_hash_stream_free(ddp_hash_stream *s)
{
    if (!s)
        return;
    if (s->hash)
        BCryptDestroyHash(s->hash);
    free(s);
}

ddp_status ddp_hash_backend_digest(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE])
{
    ddp_hash_stream *s = NULL;
    ddp_status st = ddp_hash_stream_new(alg, &s);
    if (st != DDP_OK)
        return st;
    st = ddp_hash_stream_update(s, data, len);
    if (st == DDP_OK)
        st = ddp_hash_stream_final(s, out);
    ddp_hash_stream_free(s);
    return st;
}
