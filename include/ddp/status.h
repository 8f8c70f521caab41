/*
 * status.h - result codes of the portable engine.
 *
 * Every engine function that can fail returns a ddp_status. Parsers of untrusted
 * bytes also fill an optional ddp_diag naming the offset and field that failed,
 * so tools can print "offset 0x1c: stream-map size 0x7 is not 8 + 64 x N".
 */
#ifndef DDP_STATUS_H
#define DDP_STATUS_H

#include <stdint.h>

typedef enum ddp_status {
    DDP_OK = 0,
    DDP_ERR_NOT_DEDUP,       /* reparse tag is not IO_REPARSE_TAG_DEDUP */
    DDP_ERR_UNKNOWN_LAYOUT,  /* reparse layout word not 0x0201/0x0102/0x0103 */
    DDP_ERR_BAD_LENGTH,      /* a length field disagrees with the buffer or another length */
    DDP_ERR_CRC,             /* a CRC that must match does not */
    DDP_ERR_RANGE,           /* a field's value is out of its allowed range */
    DDP_ERR_BAD_MAGIC,       /* a structure's magic bytes are wrong */
    DDP_ERR_TRUNCATED,       /* the buffer ends before the structure does */
    DDP_ERR_CORRUPT_DATA,    /* a compressed stream is malformed or has the wrong length */
    DDP_ERR_HASH_MISMATCH,   /* a chunk's hash is not the expected one */
    DDP_ERR_NO_MEMORY,
    DDP_ERR_IO,              /* a read or write failed */
    DDP_ERR_NOT_FOUND,       /* a container, record or file is not there */
    DDP_ERR_UNSUPPORTED,     /* valid but not handled (e.g. unknown compression) */
    DDP_ERR_INVALID_ARG,     /* a caller passed something impossible */
    DDP_ERR_NOT_REPARSE,     /* the file has no reparse point at all */
    DDP_ERR_ACCESS_DENIED,   /* the file could not be opened: permission denied */
    DDP_ERR_IS_DIRECTORY,    /* a target names a directory, not a file */
    DDP_ERR_HARD_LINK,       /* a target file has other hard links */
    /* The file's chunks could not be checked: no record of the store matched either
     * candidate hash algorithm (FORMAT.md §5: the store's algorithm stays unknown). Not
     * an error when the restore allowed it (S_OK, restored unverified); else the file
     * failed (DDP_E_FILE_CORRUPT) and kept its reparse point (restore.h allow_unverified). */
    DDP_WARN_UNVERIFIED,
    DDP_ERR_NO_RECORD,       /* a record is neither at its offset nor in its container's redirection table */
    DDP_ERR_PROTOCOL,        /* a callback broke its contract (more bytes than asked, a file left unreported) */
    DDP_ERR_INTERNAL         /* the engine left a file unfinished that it should have settled (a bug) */
} ddp_status;

/* A short English name of a status ("CRC mismatch"). Never NULL. */
const char *ddp_status_str(ddp_status s);

/* Where a parser found a problem: byte offset within the structure it was given
 * (callers add their base offset), and a static description of the field. */
typedef struct ddp_diag {
    uint64_t offset;
    const char *what;
} ddp_diag;

/* Helper for parsers: fills diag (if non-NULL) and returns s. */
static inline ddp_status ddp_fail(ddp_diag *diag, ddp_status s, uint64_t offset, const char *what)
{
    if (diag) {
        diag->offset = offset;
        diag->what = what;
    }
    return s;
}

#endif
