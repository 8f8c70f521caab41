/*
 * fuse_abi.h - the part of FUSE 2's struct fuse_file_info that a reparse plugin uses.
 * ntfs-3g passes its own FUSE 2 structure (Debian builds it with its internal
 * "fuse-lite", so no libfuse header describes the process the plugin runs in). Its
 * layout is FUSE 2's: int flags at +0, unsigned long fh_old at +8, int writepage at +16,
 * a 32-bit word of bit flags at +20, uint64_t fh at +24 and lock_owner at +32 on LP64.
 * Only flags (the open mode) and fh (our handle) are used; the asserts pin the offsets.
 */
#ifndef DDP_NTFS3G_FUSE_ABI_H
#define DDP_NTFS3G_FUSE_ABI_H

#include <stddef.h>
#include <stdint.h>

struct fuse_file_info {
    int flags;
    unsigned long fh_old;
    int writepage;
    unsigned int bits;       /* direct_io, keep_cache, flush...: untouched */
    uint64_t fh;
    uint64_t lock_owner;
};

_Static_assert(offsetof(struct fuse_file_info, fh) == 24 || sizeof(long) != 8, "FUSE 2 ABI: fh at +24 on LP64");
_Static_assert(sizeof(struct fuse_file_info) == 40 || sizeof(long) != 8, "FUSE 2 ABI: 40 bytes on LP64");

#endif
