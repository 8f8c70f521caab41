/*
 * hash_select.c - which chunk-hash back end this process uses (hash_backend.h): the
 * build's default (the first of its list, the platform's library) until the program
 * names another with ddp_hash_backend_use. The engine itself never chooses: the DLL and
 * the tools decide (the environment, Wine) and pass their choice in. Streams remember
 * the back end they were opened with, so a change never reaches a stream in flight.
 */
#include <stdatomic.h>
#include <string.h>

#include "hash_backend.h"

static const ddp_hash_backend *const backends[] = {
#if defined(DDP_HASH_HAVE_OPENSSL)
    &ddp_hash_backend_openssl,
#endif
#if defined(DDP_HASH_HAVE_BCRYPT)
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

/* NULL until the program names one: the default, backends[0]. */
static _Atomic(const ddp_hash_backend *) chosen;

ddp_status ddp_hash_backend_use(const char *name)
{
    const ddp_hash_backend *b = name ? ddp_hash_backend_named(name) : backends[0];
    if (!b)
        return DDP_ERR_UNSUPPORTED;
    atomic_store_explicit(&chosen, b, memory_order_release);
    return DDP_OK;
}

const ddp_hash_backend *ddp_hash_backend_active(void)
{
    const ddp_hash_backend *b = atomic_load_explicit(&chosen, memory_order_acquire);
    return b ? b : backends[0];
}
