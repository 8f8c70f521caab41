/*
 * hash_openssl.c - the chunk-hash back end on OpenSSL's libcrypto (the native default,
 * hash_backend.h). SHA-256 gives 32 bytes; SHA-512 gives 64, of which the
 * first 32 are kept. libcrypto's SHA-512 is faster than our portable one, and its
 * SHA-256 uses the SHA extensions as ours does (BENCHMARKS.md, chunk hash).
 *
 * The two digests are fetched once (pthread_once) instead of on every initialisation.
 * A one-shot digest reuses one EVP_MD_CTX per thread (a pthread key whose destructor
 * frees it when the thread ends), so hashing a chunk costs no heap allocation after a
 * thread's first. Streams own their context.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash_backend.h"

typedef struct openssl_stream {
    EVP_MD_CTX *md;
    ddp_hash_alg alg;
} openssl_stream;

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static EVP_MD *fetched_sha256, *fetched_sha512;   /* NULL: use the implicit ones */
static pthread_key_t oneshot_key;
static int oneshot_key_ok;

static void free_thread_ctx(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void setup(void)
{
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    fetched_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
    oneshot_key_ok = pthread_key_create(&oneshot_key, free_thread_ctx) == 0;
}

static const EVP_MD *digest_of(ddp_hash_alg alg)
{
    pthread_once(&setup_once, setup);
    switch (alg) {
    case DDP_HASH_SHA256:
        return fetched_sha256 ? fetched_sha256 : EVP_sha256();
    case DDP_HASH_SHA512_TRUNC:
        return fetched_sha512 ? fetched_sha512 : EVP_sha512();
    default:
        return NULL;
    }
}

/* Runs one message through ctx (already allocated) into out. */
static ddp_status digest_with(EVP_MD_CTX *ctx, const EVP_MD *md, const void *data, size_t len,
                              uint8_t out[DDP_HASH_SIZE])
{
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
        return DDP_ERR_NO_MEMORY;   /* what makes an initialisation of a fetched digest fail */
    if ((len && EVP_DigestUpdate(ctx, data, len) != 1) || EVP_DigestFinal_ex(ctx, full, &n) != 1 ||
        n < DDP_HASH_SIZE)
        return DDP_ERR_IO;
    memcpy(out, full, DDP_HASH_SIZE);
    return DDP_OK;
}

static void stream_free(void *stream)
{
    openssl_stream *s = stream;
    if (!s)
        return;
    EVP_MD_CTX_free(s->md);
    free(s);
}

static ddp_status stream_new(ddp_hash_alg alg, void **out)
{
    const EVP_MD *md = digest_of(alg);
    if (!md)
        return DDP_ERR_INVALID_ARG;
    openssl_stream *s = calloc(1, sizeof *s);
    if (!s)
        return DDP_ERR_NO_MEMORY;
    s->alg = alg;
    s->md = EVP_MD_CTX_new();
    if (!s->md || EVP_DigestInit_ex2(s->md, md, NULL) != 1) {
        stream_free(s);
        return DDP_ERR_NO_MEMORY;
    }
    *out = s;
    return DDP_OK;
}

static ddp_status stream_update(void *stream, const void *data, size_t len)
{
    openssl_stream *s = stream;
    return EVP_DigestUpdate(s->md, data, len) == 1 ? DDP_OK : DDP_ERR_IO;
}

static ddp_status stream_final(void *stream, uint8_t out[DDP_HASH_SIZE])
{
    openssl_stream *s = stream;
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(s->md, full, &n) != 1 || n < DDP_HASH_SIZE)
        return DDP_ERR_IO;
    memcpy(out, full, DDP_HASH_SIZE);
    /* Ready for the next message. */
    if (EVP_DigestInit_ex2(s->md, digest_of(s->alg), NULL) != 1)
        return DDP_ERR_IO;
    return DDP_OK;
}

/* This thread's one-shot context, created on its first use; NULL without memory. */
static EVP_MD_CTX *thread_ctx(void)
{
    EVP_MD_CTX *ctx = pthread_getspecific(oneshot_key);
    if (ctx)
        return ctx;
    ctx = EVP_MD_CTX_new();
    if (ctx && pthread_setspecific(oneshot_key, ctx) != 0) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static ddp_status digest(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE])
{
    const EVP_MD *md = digest_of(alg);
    if (!md)
        return DDP_ERR_INVALID_ARG;
    if (oneshot_key_ok) {
        EVP_MD_CTX *ctx = thread_ctx();
        return ctx ? digest_with(ctx, md, data, len, out) : DDP_ERR_NO_MEMORY;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();   /* no thread key: a context per call */
    if (!ctx)
        return DDP_ERR_NO_MEMORY;
    ddp_status st = digest_with(ctx, md, data, len, out);
    EVP_MD_CTX_free(ctx);
    return st;
}

const ddp_hash_backend ddp_hash_backend_openssl = {
    "openssl", digest, stream_new, stream_update, stream_final, stream_free,
};
