/*
 * stub_source.h - where a stub keeps its dedup reparse buffer on Linux:
 *  - raw: the file's content is the whole reparse buffer (tag first), as `ddp-mkstore
 *    --stubs raw` writes it and as a forensic $REPARSE_POINT dump holds it;
 *  - xattr: an ntfs-3g mount exposes the reparse point as the extended attribute
 *    "system.ntfs_reparse_data". ntfs-3g (2022.10, no reparse plugin) shows such a file
 *    as a symbolic link to "unsupported reparse tag 0x80000013" that cannot be opened,
 *    so the attribute is always read with lgetxattr (never following the "link").
 */
#ifndef DDP_PLATFORM_STUB_SOURCE_H
#define DDP_PLATFORM_STUB_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ddp/status.h"

#define DDP_NTFS_REPARSE_XATTR "system.ntfs_reparse_data"
#define DDP_NTFS_DOS_NAME_XATTR "system.ntfs_dos_name"

typedef enum ddp_stub_kind {
    DDP_STUB_NONE = 0,      /* not a dedup stub */
    DDP_STUB_RAW,
    DDP_STUB_XATTR
} ddp_stub_kind;

/* What to look for: --stubs raw|xattr|auto (auto: xattr when the attribute exists, else raw). */
typedef enum ddp_stub_mode {
    DDP_STUB_MODE_AUTO = 0,
    DDP_STUB_MODE_RAW,
    DDP_STUB_MODE_XATTR
} ddp_stub_mode;

/* Reads path's reparse buffer of the given kind into buf. DDP_ERR_NOT_REPARSE when the
 * file has none (no attribute; an empty raw file; not a regular file, e.g. a FIFO),
 * DDP_ERR_IS_DIRECTORY for a directory, DDP_ERR_ACCESS_DENIED when the system refuses
 * to read it (EACCES, EPERM), DDP_ERR_NOT_FOUND when the file is missing,
 * DDP_ERR_BAD_LENGTH when it does not fit in cap, DDP_ERR_IO otherwise. */
ddp_status ddp_stub_read(const char *path, ddp_stub_kind kind, uint8_t *buf, size_t cap, size_t *len);

/* ddp_stub_read of a raw stub that also gives the file's status, taken through the
 * descriptor it reads (no lstat of its own; the descriptor does not follow a symbolic
 * link): *stated 1 when st was set, whatever the status. */
ddp_status ddp_stub_read_raw_stat(const char *path, uint8_t *buf, size_t cap, size_t *len, struct stat *st,
                                  int *stated);

/* Which kind of dedup stub path is under mode (DDP_STUB_NONE: not one). A raw stub is a
 * regular file of at most DDP_REPARSE_MAX_BUFFER bytes starting with the dedup tag; an
 * xattr stub carries an attribute starting with the dedup tag. Whether the rest of the
 * buffer is well-formed is the restore's to check (a malformed stub is a dedup file whose
 * restore fails with DDP_E_INVALID_DATA, never "not a stub"). */
ddp_stub_kind ddp_stub_detect(const char *path, ddp_stub_mode mode);
/* ddp_stub_detect, telling an unreadable file apart: DDP_ERR_ACCESS_DENIED when the
 * system refused to read path (whether it is a stub is then unknown; *kind is the kind
 * that could not be read), else DDP_OK with *kind (DDP_STUB_NONE: not a stub). */
ddp_status ddp_stub_probe(const char *path, ddp_stub_mode mode, ddp_stub_kind *kind);
/* ddp_stub_probe that also hands back the reparse buffer it read (buf, at most cap bytes;
 * DDP_REPARSE_MAX_BUFFER holds any), so that a caller needing the buffer does not open
 * the stub again. *len: the buffer's length when *kind is a stub, else 0. st (may be
 * NULL): a raw stub's status, taken through the descriptor that read it; *stated 1 when
 * it was set (a raw stub found), else 0. */
ddp_status ddp_stub_probe_buffer(const char *path, ddp_stub_mode mode, ddp_stub_kind *kind, uint8_t *buf,
                                 size_t cap, size_t *len, struct stat *st, int *stated);

/* What reading a raw stub saw: its status (through the descriptor that read it) and its
 * reparse buffer, kept so that the restore need not open the stub again. */
typedef struct ddp_stub_seen {
    struct stat st;
    size_t len;
    uint8_t buf[];
} ddp_stub_seen;

/* The names the file of path (st: its lstat) has: st_nlink, less an ntfs-3g stub's
 * separate DOS name (which ntfs-3g counts as a link). */
unsigned long ddp_stub_links(const char *path, ddp_stub_kind kind, const struct stat *st);

/* lstat, asked again when FUSE answers EIO for a name whose type just changed (a reparse
 * point set or removed on ntfs-3g: the kernel drops its stale inode on the first lookup). */
int ddp_stub_lstat(const char *path, struct stat *st);

#endif
