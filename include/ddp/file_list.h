/*
 * file_list.h - "DedupFileList.1" / "DedupFileList.2" in a chunk store's .ddp folder
 * (FORMAT.md §2.1): the list of live container files with their generations, kept twice.
 *
 *   header, 0x40 bytes: +0x00 8 bytes (01 01 00 00 00 00 00 00 seen), +0x08 u64 entry
 *   count, +0x10 u64 CRC-64 of +0x00..+0x0F, zeros to +0x40;
 *   entries of 0x100 bytes from +0x40: +0x00 u64 CRC-64 of the entry's +0x08..+0xFF,
 *   +0x08 8 bytes (0 seen), +0x10 UTF-16LE path relative to the .ddp folder, NUL-padded
 *   ("Data\00000001.00000001.ccc", "Stream\00010000.00000001.ccc").
 *
 * The CRC-64s are CRC-64/NVME (register starting at all ones) on the real list; the
 * parsers also accept the zero-start variant and say which one matched. Fields of
 * unknown meaning are reported, never checked.
 */
#ifndef DDP_FILE_LIST_H
#define DDP_FILE_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/crc.h"
#include "ddp/status.h"

#define DDP_FILE_LIST_NAME_1 "DedupFileList.1"
#define DDP_FILE_LIST_NAME_2 "DedupFileList.2"
#define DDP_FILE_LIST_HEADER_SIZE 0x40u
#define DDP_FILE_LIST_ENTRY_SIZE 0x100u
#define DDP_FILE_LIST_PATH_OFFSET 0x10u
#define DDP_FILE_LIST_PATH_UNITS ((DDP_FILE_LIST_ENTRY_SIZE - DDP_FILE_LIST_PATH_OFFSET) / 2u)   /* 120 */
#define DDP_FILE_LIST_PATH_MAX (DDP_FILE_LIST_PATH_UNITS * 3u + 1u)   /* UTF-8 bytes with NUL */
/* A bound on the entry count accepted: 2^20 entries is a 256 MiB list, i.e. a store of
 * a million ~1 GB containers (a petabyte). */
#define DDP_FILE_LIST_MAX_ENTRIES (1u << 20)

typedef struct ddp_file_list_header {
    uint8_t version[8];          /* +0x00, [U] */
    uint64_t count;              /* +0x08 */
    uint64_t crc64;              /* +0x10 */
    ddp_crc64_match crc_match;   /* over +0x00..+0x0F */
} ddp_file_list_header;

/* Which folder an entry's path names. */
typedef enum ddp_file_list_kind {
    DDP_FILE_LIST_OTHER = 0,
    DDP_FILE_LIST_DATA = 1,      /* "Data\..." */
    DDP_FILE_LIST_STREAM = 2     /* "Stream\..." */
} ddp_file_list_kind;

typedef struct ddp_file_list_entry {
    uint64_t crc64;              /* +0x00 */
    ddp_crc64_match crc_match;   /* over +0x08..+0xFF */
    uint8_t reserved[8];         /* +0x08, [U] */
    char path[DDP_FILE_LIST_PATH_MAX];   /* +0x10 as UTF-8 ("" when it does not decode) */
    ddp_file_list_kind kind;
    int is_container;            /* the name after the folder is "%08x.%08x.ccc" */
    uint32_t container_id, generation;
} ddp_file_list_entry;

/* Byte offset of entry i in the file. */
static inline uint64_t ddp_file_list_entry_offset(uint64_t i)
{
    return DDP_FILE_LIST_HEADER_SIZE + i * DDP_FILE_LIST_ENTRY_SIZE;
}

/*
 * The header: DDP_ERR_TRUNCATED when len < 0x40; DDP_ERR_CRC when its CRC-64 matches
 * neither variant; DDP_ERR_RANGE when count > DDP_FILE_LIST_MAX_ENTRIES. *out is filled
 * in every case but the first.
 */
ddp_status ddp_file_list_header_parse(const uint8_t *buf, size_t len, ddp_file_list_header *out,
                                      ddp_diag *diag);

/*
 * One entry (buf at its start): DDP_ERR_TRUNCATED when len < 0x100; DDP_ERR_CRC when its
 * CRC-64 matches neither variant; DDP_ERR_RANGE when the path is not well-formed UTF-16
 * ending in NUL padding. *out is filled in every case but the first (path "" when it
 * does not decode); diag offsets are from the entry's start.
 */
ddp_status ddp_file_list_entry_parse(const uint8_t *buf, size_t len, ddp_file_list_entry *out,
                                     ddp_diag *diag);

/* What a list says about one container. */
typedef enum ddp_file_list_answer {
    DDP_FILE_LIST_FOUND = 0,     /* exactly one generation listed for the id */
    DDP_FILE_LIST_SILENT,        /* no valid entry names the id */
    DDP_FILE_LIST_AMBIGUOUS,     /* valid entries name several generations */
    DDP_FILE_LIST_DAMAGED        /* the header is truncated, out of range or fails its CRC */
} ddp_file_list_answer;

/*
 * Looks up the generation of container id of kind in a whole list (buf, len bytes).
 * Entries failing their CRC or past the end of buf are skipped (counted in *skipped
 * when non-NULL).
 */
ddp_file_list_answer ddp_file_list_find(const uint8_t *buf, size_t len, ddp_file_list_kind kind, uint32_t id,
                                        uint32_t *generation, uint32_t *skipped);

/*
 * Writes a list of n paths (ASCII, backslash-separated, relative to the .ddp folder, at
 * most 119 characters) as Windows does: version 01 01, CRC-64/NVME everywhere.
 * *len gets 0x40 + n x 0x100; DDP_ERR_TRUNCATED when cap is smaller, DDP_ERR_RANGE
 * for a path that does not fit or is not ASCII.
 */
ddp_status ddp_file_list_build(const char *const *paths, size_t n, uint8_t *out, size_t cap, size_t *len);

#endif
