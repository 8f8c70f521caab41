/*
 * reparse_shim_client.h - the test programs' side of reparse_shim.c: its functions, taken
 * from DdpBackupReparse.dll (loaded once, kept loaded, so COM uses the same module and the
 * same reparse points), and stubs made and checked as the dedup filter leaves them.
 */
#ifndef DDP_REPARSE_SHIM_CLIENT_H
#define DDP_REPARSE_SHIM_CLIENT_H

#include <windows.h>
#include <stddef.h>
#include <stdint.h>

#include "reparse_shim.h"

typedef struct reparse_shim_api {
    reparse_shim_create_fn create_file;
    reparse_shim_ioctl_fn ioctl;
    reparse_shim_info_fn information;
    reparse_shim_close_fn close;
    reparse_shim_reset_fn reset;
    reparse_shim_fail_fn fail_call;
    reparse_shim_opens_fn opens;
} reparse_shim_api;

/* The shim of the test DLL; NULL (message printed) when it cannot be loaded. */
const reparse_shim_api *reparse_shim(void);

/* Turns the existing file at path into a dedup stub: sparse, size bytes of zeros, reparse
 * buffer buf. Returns 0 on success. */
int reparse_shim_make_stub(const WCHAR *path, uint64_t size, const uint8_t *buf, size_t len);
/* The file's attributes as the shim reports them (INVALID_FILE_ATTRIBUTES on failure). */
DWORD reparse_shim_attributes(const WCHAR *path);
/* The file's reparse buffer into out (FSCTL_GET_REPARSE_POINT); its length, 0 without one. */
size_t reparse_shim_get(const WCHAR *path, uint8_t *out, size_t cap);

#endif
