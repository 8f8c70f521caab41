/*
 * hash_bcrypt.c - the chunk-hash digest on Windows' BCrypt (MinGW builds, where it is
 * the default: hash_backend.h).
 * SHA-256 gives 32 bytes; SHA-512 gives 64, of which the first 32 are kept. With
 * thread_win32.c, one of the two engine files that include <windows.h> (BCrypt's types
 * need it): platform back ends the build picks, listed as such by the layer check.
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

typedef struct bcrypt_stream {
    BCRYPT_ALG_HANDLE alg;                          /* shared: never closed */
    BCRYPT_HASH_HANDLE hash;
    ULONG digest_len;
} bcrypt_stream;

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

static ddp_status open_hash(bcrypt_stream *s)
{
    if (!BCRYPT_SUCCESS(BCryptCreateHash(s->alg, &s->hash, NULL, 0, NULL, 0, 0)))
        return DDP_ERR_IO;
    return DDP_OK;
}

static void stream_free(void *stream)
{
    bcrypt_stream *s = stream;
    if (!s)
        return;
    if (s->hash)
        BCryptDestroyHash(s->hash);
    free(s);
}

static ddp_status stream_new(ddp_hash_alg alg, void **out)
{
    if (!algorithm_id(alg))
        return DDP_ERR_INVALID_ARG;
    bcrypt_stream *s = calloc(1, sizeof *s);
    if (!s)
        return DDP_ERR_NO_MEMORY;
    ULONG got = 0;
    s->alg = provider(alg);
    if (!s->alg ||
        !BCRYPT_SUCCESS(BCryptGetProperty(s->alg, BCRYPT_HASH_LENGTH, (PUCHAR)&s->digest_len,
                                          sizeof s->digest_len, &got, 0)) ||
        s->digest_len < DDP_HASH_SIZE || s->digest_len > 64 || open_hash(s) != DDP_OK) {
        stream_free(s);
        return DDP_ERR_IO;
    }
    *out = s;
    return DDP_OK;
}

static ddp_status stream_update(void *stream, const void *data, size_t len)
{
    bcrypt_stream *s = stream;
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

static ddp_status stream_final(void *stream, uint8_t out[DDP_HASH_SIZE])
{
    bcrypt_stream *s = stream;
    UCHAR full[64];
    NTSTATUS r = BCryptFinishHash(s->hash, full, s->digest_len, 0);
    BCryptDestroyHash(s->hash);
    s->hash = NULL;
    if (!BCRYPT_SUCCESS(r))
        return DDP_ERR_IO;
    memcpy(out, full, DDP_HASH_SIZE);
    return open_hash(s);   /* ready for the next message */
}

static ddp_status digest(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE])
{
    void *s = NULL;
    ddp_status st = stream_new(alg, &s);
    if (st != DDP_OK)
        return st;
    st = len ? stream_update(s, data, len) : DDP_OK;
    if (st == DDP_OK)
        st = stream_final(s, out);
    stream_free(s);
    return st;
}

const ddp_hash_backend ddp_hash_backend_bcrypt = {
    "bcrypt", digest, stream_new, stream_update, stream_final, stream_free,
};
