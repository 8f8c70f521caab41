/*
 * hash_choice.c - which chunk-hash back end a program uses (hash_choice.h): the
 * environment variable first, then the platform (Wine or not). Kept out of the engine,
 * which takes the answer through ddp_hash_backend_use.
 */
#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#endif

#include "ddp/chunk_hash.h"
#include "hash_choice.h"

/* Wine's ntdll exports wine_get_version; Windows' does not. */
static int running_under_wine(void)
{
#if defined(_WIN32)
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
    return 0;
#endif
}

const char *ddp_choose_hash_backend(void)
{
    const char *named = getenv("DDPBACKUP_HASH_BACKEND");
    if (!named || ddp_hash_backend_use(named) != DDP_OK)
        ddp_hash_backend_use(running_under_wine() ? "builtin" : NULL);
    return ddp_hash_backend_name();
}
