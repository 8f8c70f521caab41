/*
 * reparse.h - the dedup reparse point (FORMAT.md §1).
 *
 * A reparse buffer is what FSCTL_GET_REPARSE_POINT returns, what ntfs-3g exposes as
 * the system.ntfs_reparse_data xattr, and what a raw $REPARSE_POINT dump holds:
 * u32 tag, u16 ReparseDataLength, u16 reserved, then ReparseDataLength bytes.
 */
#ifndef DDP_REPARSE_H
#define DDP_REPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/status.h"

#define DDP_REPARSE_TAG_DEDUP 0x80000013u
#define DDP_REPARSE_HEADER_SIZE 8u                 /* tag + length + reserved */
#define DDP_REPARSE_MAX_BUFFER 16384u              /* MAXIMUM_REPARSE_DATA_BUFFER_SIZE */
#define DDP_STREAM_REF_SIZE 64u                    /* FORMAT.md §1.2 */
#define DDP_REPARSE_MAX_REFS 8u                    /* more stream references than this: DDP_ERR_UNSUPPORTED */

#define DDP_LAYOUT_0201 0x0201u
#define DDP_LAYOUT_0102 0x0102u
#define DDP_LAYOUT_0103 0x0103u

/* One stream reference entry (FORMAT.md §1.2): names the file's stream-map record. */
typedef struct ddp_stream_ref {
    uint32_t smap_sequence;        /* +0x00 sequence number of the Smap record */
    uint32_t stream_container_id;  /* +0x04 */
    uint32_t smap_offset_hint;     /* +0x08 byte offset of the record (hint) */
    uint32_t unknown_0c[3];        /* +0x0C [U] may carry the generation */
    uint32_t smap_size;            /* +0x18 Smap payload size, 8 + 64 x N */
    uint32_t unknown_1c;           /* +0x1C */
    uint8_t hash[32];              /* +0x20 hash prefix of the Smap record */
    uint32_t hash_len;             /* 32 in layout 0x0201, 16 otherwise */
    uint64_t range_start;          /* +0x38 (0x0201: 0) */
    uint64_t range_end;            /* +0x30 exclusive (0x0201: logical size) */
    uint32_t entry_offset;         /* where the entry starts, from RP+0 (for tools) */
} ddp_stream_ref;

/* A parsed dedup reparse point. Offsets are from RP+0 (the tag), 0 when absent. */
typedef struct ddp_reparse {
    uint32_t tag;
    uint16_t data_length;          /* ReparseDataLength */
    uint16_t layout;               /* 0x0201, 0x0102, 0x0103 */
    uint8_t store_guid[16];        /* chunk store GUID, Windows byte order as stored */
    uint32_t store_guid_offset;
    uint64_t logical_size;
    uint32_t logical_size_offset;
    int has_filetime;
    uint64_t filetime;             /* 100 ns since 1601-01-01 UTC */
    uint32_t filetime_offset;
    uint32_t crc32;                /* stored CRC-32 (verified by the parser) */
    uint32_t crc32_offset;
    uint32_t n_refs;
    ddp_stream_ref refs[DDP_REPARSE_MAX_REFS];
} ddp_reparse;

/*
 * Parses a whole reparse buffer (from the tag). Checks, in order, with distinct codes:
 * length >= 8 (DDP_ERR_TRUNCATED), tag (DDP_ERR_NOT_DEDUP), ReparseDataLength against the
 * buffer (DDP_ERR_BAD_LENGTH), layout word (DDP_ERR_UNKNOWN_LAYOUT), CRC-32 (DDP_ERR_CRC),
 * then every offset, size and count (DDP_ERR_RANGE / DDP_ERR_BAD_LENGTH / DDP_ERR_BAD_MAGIC).
 * Also checks: at least one stream reference; references ordered and contiguous,
 * the first starting at 0 and the last ending at the logical size.
 * Extra bytes after the reparse data in buf are ignored (a dump may be padded).
 */
ddp_status ddp_reparse_parse(const uint8_t *buf, size_t len, ddp_reparse *out, ddp_diag *diag);

/*
 * The properties of a reparse buffer, for tools that print every field: the slots of
 * layout 0x0102 (FORMAT.md §1.4), and the blocks and descriptors of layout 0x0103
 * (§1.5). Offsets are from RP+0. Layout 0x0201 has none (its fields are fixed).
 */
typedef enum ddp_prop_kind {
    DDP_PROP_SLOT = 1,        /* a used slot of the 0x0102 table */
    DDP_PROP_BLOCK = 2,       /* a FeRp / DdRp / RbRp block header */
    DDP_PROP_DESCRIPTOR = 3   /* a descriptor of a block */
} ddp_prop_kind;

typedef struct ddp_reparse_prop {
    ddp_prop_kind kind;
    uint32_t depth;           /* 0: slot or FeRp level; 1: inside a nested block */
    char block[5];            /* magic of the block (holding the descriptor); "" for slots */
    uint32_t entry_offset;    /* where the slot, descriptor or block header is */
    uint32_t type;            /* slot / descriptor type; for a block: its descriptor count */
    uint32_t size;            /* size of the value; for a block: its Size field */
    uint32_t offset;          /* where the value is; for a block: its magic */
    uint32_t crc32;           /* block only: the stored CRC-32 (verified) */
} ddp_reparse_prop;

/*
 * Lists the properties of a buffer in table order (blocks before their descriptors,
 * a nested block right after the descriptor that points at it). Runs every check
 * ddp_reparse_parse runs first, so a buffer it rejects gives the same error here.
 * *n gets the number of properties; only the first cap are stored (*n may exceed cap).
 */
ddp_status ddp_reparse_props(const uint8_t *buf, size_t len, ddp_reparse_prop *props, size_t cap,
                             size_t *n, ddp_diag *diag);

/* The FILETIME bounds used to pick a 0x0102 type-6 slot as the file time ([U]: the slot
 * types of that layout are not documented): 2000-01-01 .. 2100-01-01 UTC. */
#define DDP_FILETIME_PLAUSIBLE_MIN 125911584000000000ull
#define DDP_FILETIME_PLAUSIBLE_MAX 157469184000000000ull

/* Formats the store GUID as "{00C5EBCB-976A-4D63-979C-130C418EED8B}" (39 bytes with NUL). */
void ddp_guid_format(const uint8_t guid[16], char out[39]);
/* Parses "{...}" or the bare form, any case. Returns 0 on success, -1 otherwise. */
int ddp_guid_parse(const char *text, uint8_t guid[16]);

/*
 * Builds a reparse buffer of the given layout from r (layout, store_guid, logical_size,
 * filetime, n_refs and refs are used; offsets and crc32 are ignored and computed).
 * Layout 0x0201 takes exactly one reference and uses its 32-byte hash.
 * Writes at most cap bytes; *len gets the buffer's size (8 + ReparseDataLength).
 */
ddp_status ddp_reparse_build(const ddp_reparse *r, uint8_t *buf, size_t cap, size_t *len);

#endif
