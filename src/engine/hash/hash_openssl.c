/*
 * hash_openssl.c - the streaming chunk-hash digest on OpenSSL's libcrypto (native
 * builds, when chosen: DDP_HASH_BACKEND=openssl). SHA-256 gives 32 bytes; SHA-512 gives
 * 64, of which the first 32 are kept. A one-shot digest goes through EVP_Digest, which
 * allocates a context per call.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash_backend.h"

struct ddp_hash_stream {
    EVP_MD_CTX *md;
    ddp_hash_alg alg;
};

static const EVP_MD *digest_of(ddp_hash_alg alg)
{
    switch (alg) {
    case DDP_HASH_SHA256:
        return EVP_sha256();
    case DDP_HASH_SHA512_TRUNC:
        return EVP_sha512();
    default:
        return NULL;
    }
}

ddp_status ddp_hash_stream_new(ddp_hash_alg alg, ddp_hash_stream **out)
{
    if (!out)
        return DDP_ERR_INVALID_ARG;
    *out = NULL;
    const EVP_MD *md = digest_of(alg);
    if (!md)
        return DDP_ERR_INVALID_ARG;
    ddp_hash_stream *s = calloc(1, sizeof *s);
    if (!s)
        return DDP_ERR_NO_MEMORY;
    s->alg = alg;
    s->md = EVP_MD_CTX_new();
    if (!s->md || EVP_DigestInit_ex(s->md, md, NULL) != 1) {
        ddp_hash_stream_free(s);
        return DDP_ERR_NO_MEMORY;
    }
    *out = s;
    return DDP_OK;
}

ddp_status ddp_hash_stream_update(ddp_hash_stream *s, const void *data, size_t len)
{
    if (!s || (!data && len))
        return DDP_ERR_INVALID_ARG;
    if (len && EVP_DigestUpdate(s->md, data, len) != 1)
        return DDP_ERR_IO;
    return DDP_OK;
}

ddp_status ddp_hash_stream_final(ddp_hash_stream *s, uint8_t out[DDP_HASH_SIZE])
{
    if (!s || !out)
        return DDP_ERR_INVALID_ARG;
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(s->md, full, &n) != 1 || n < DDP_HASH_SIZE)
        return DDP_ERR_IO;
    memcpy(out, full, DDP_HASH_SIZE);
    /* Ready for the next message. */
    if (EVP_DigestInit_ex(s->md, digest_of(s->alg), NULL) != 1)
        return DDP_ERR_IO;
    return DDP_OK;
}

void ddp_hash_stream_free(ddp_hash_stream *s)
{
    if (!s)
        return;
    EVP_MD_CTX_free(s->md);
    free(s);
}

ddp_status ddp_hash_backend_digest(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE])
{
    const EVP_MD *md = digest_of(alg);
    if (!md)
        return DDP_ERR_INVALID_ARG;
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(len ? data : "", len, full, &n, md, NULL) != 1 || n < DDP_HASH_SIZE)
        return DDP_ERR_IO;
    memcpy(out, full, DDP_HASH_SIZE);
    return DDP_OK;
}
