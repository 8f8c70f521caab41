/*
 * hash_builtin.c - the chunk-hash back end on the engine's own SHA-256 / SHA-512
 * (sha256.c, sha256_shani.c, sha512.c), built everywhere (hash_backend.h). SHA-256 runs on the SHA extensions when the
 * CPU has them. A one-shot digest keeps its context on the stack; a stream owns one
 * heap context, reset after every final.
 */
#include <stdlib.h>
#include <string.h>

#include "hash_backend.h"
#include "sha2.h"

typedef struct builtin_stream {
    ddp_hash_alg alg;
    union {
        ddp_sha256_ctx sha256;
        ddp_sha512_ctx sha512;
    } u;
} builtin_stream;

static void stream_reset(builtin_stream *s)
{
    if (s->alg == DDP_HASH_SHA256)
        ddp_sha256_init(&s->u.sha256, ddp_sha256_best_blocks());
    else
        ddp_sha512_init(&s->u.sha512);
}

static ddp_status stream_new(ddp_hash_alg alg, void **out)
{
    builtin_stream *s = malloc(sizeof *s);
    if (!s)
        return DDP_ERR_NO_MEMORY;
    s->alg = alg;
    stream_reset(s);
    *out = s;
    return DDP_OK;
}

static ddp_status stream_update(void *stream, const void *data, size_t len)
{
    builtin_stream *s = stream;
    if (s->alg == DDP_HASH_SHA256)
        ddp_sha256_update(&s->u.sha256, data, len);
    else
        ddp_sha512_update(&s->u.sha512, data, len);
    return DDP_OK;
}

static ddp_status stream_final(void *stream, uint8_t out[DDP_HASH_SIZE])
{
    builtin_stream *s = stream;
    if (s->alg == DDP_HASH_SHA256) {
        ddp_sha256_final(&s->u.sha256, out);
    } else {
        uint8_t full[DDP_SHA512_DIGEST];
        ddp_sha512_final(&s->u.sha512, full);
        memcpy(out, full, DDP_HASH_SIZE);
    }
    stream_reset(s);   /* ready for the next message */
    return DDP_OK;
}

static void stream_free(void *s)
{
    free(s);
}

static ddp_status digest(ddp_hash_alg alg, const void *data, size_t len, uint8_t out[DDP_HASH_SIZE])
{
    if (alg == DDP_HASH_SHA256) {
        ddp_sha256_ctx c;
        ddp_sha256_init(&c, ddp_sha256_best_blocks());
        if (len)
            ddp_sha256_update(&c, data, len);
        ddp_sha256_final(&c, out);
        return DDP_OK;
    }
    if (alg == DDP_HASH_SHA512_TRUNC) {
        ddp_sha512_ctx c;
        uint8_t full[DDP_SHA512_DIGEST];
        ddp_sha512_init(&c);
        if (len)
            ddp_sha512_update(&c, data, len);
        ddp_sha512_final(&c, full);
        memcpy(out, full, DDP_HASH_SIZE);
        return DDP_OK;
    }
    return DDP_ERR_INVALID_ARG;
}

const ddp_hash_backend ddp_hash_backend_builtin = {
    "builtin", digest, stream_new, stream_update, stream_final, stream_free,
};
