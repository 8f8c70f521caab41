/*
 * hash_select.c - which chunk-hash back end this process uses (hash_backend.h): the
 * one DDPBACKUP_HASH_BACKEND names, else the first of the list whose is_default()
 * says so, else builtin. Chosen once: threads racing on the first call each compute
 * the same answer and store it (an idempotent atomic write, not a data race).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hash_backend.h"

static const ddp_hash_backend *const backends[] = {
#if defined(DDP_HASH_HAVE_OPENSSL)
    &ddp_hash_backend_openssl,
#endif
#if defined(_WIN32)
    &ddp_hash_backend_bcrypt,
#endif
    &ddp_hash_backend_builtin,
};

size_t ddp_hash_backend_list(const ddp_hash_backend *const **list)
{
    *list = backends;
    return sizeof backends / sizeof backends[0];
}

const ddp_hash_backend *ddp_hash_backend_named(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

static const ddp_hash_backend *choose(void)
{
    const ddp_hash_backend *b = ddp_hash_backend_named(getenv("DDPBACKUP_HASH_BACKEND"));
    if (b)
        return b;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (backends[i]->is_default())
            return backends[i];
    return &ddp_hash_backend_builtin;
}

static _Atomic(const ddp_hash_backend *) active;

const ddp_hash_backend *ddp_hash_backend_active(void)
{
    const ddp_hash_backend *b = atomic_load_explicit(&active, memory_order_acquire);
    if (!b) {
        b = choose();
        atomic_store_explicit(&active, b, memory_order_release);
    }
    return b;
}
