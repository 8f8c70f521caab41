/*
 * container.h - chunk store container files (*.ccc, FORMAT.md §3): the Cthr file
 * header, the Rrtl redirection table and the Ckhr record headers.
 */
#ifndef DDP_CONTAINER_H
#define DDP_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/crc.h"
#include "ddp/status.h"

#define DDP_CTHR_SIZE 0x40u
#define DDP_RRTL_OFFSET 0x3000u
#define DDP_RRTL_HEADER_SIZE 0x20u
#define DDP_RRTL_ENTRY_SIZE 8u
#define DDP_RRTL_MAX_ENTRIES (1u << 20)    /* a bound on the entry count we accept */
#define DDP_FIRST_RECORD_OFFSET 0x5260u     /* where records start in stores we write */
#define DDP_CKHR_COMMON_SIZE 0x20u
#define DDP_DATA_HEADER_SIZE 0x58u
#define DDP_SMAP_HEADER_SIZE 0x68u
#define DDP_RECORD_ALIGN 8u
#define DDP_MAX_CHUNK_SIZE (256u * 1024u)   /* logical and stored chunk size bound (2 x the 128 KiB seen) */
#define DDP_MAX_SMAP_PAYLOAD (64u * 1024u * 1024u) /* bound on one stream map: about 1M chunks */

#define DDP_RECORD_KIND_DATA 1u
#define DDP_RECORD_KIND_STREAM_MAP 2u

#define DDP_COMPRESSION_NONE 0u
#define DDP_COMPRESSION_LZNT1 1u
#define DDP_COMPRESSION_XPRESS 2u
#define DDP_COMPRESSION_XPRESS_HUFF 3u

/* Cthr file header. All fields [U]: parse softly, report, never fail a restore on them. */
typedef struct ddp_cthr {
    int magic_ok;
    uint32_t version;
    uint64_t sequence;
    uint32_t container_id;
    uint32_t generation;
    uint64_t valid_data_length;
    uint32_t unknown_30;
    uint64_t crc64;
    ddp_crc64_match crc_match;   /* CRC-64 over +0..+0x37 */
} ddp_cthr;

/* DDP_ERR_TRUNCATED when len < DDP_CTHR_SIZE; DDP_ERR_BAD_MAGIC when not "Cthr". */
ddp_status ddp_cthr_parse(const uint8_t *buf, size_t len, ddp_cthr *out, ddp_diag *diag);
/* The build functions compute the CRC-64 in the variant h->crc_match names: DDP_CRC64_NVME,
 * else (DDP_CRC64_NONE or ZERO_INIT) the zero-init variant. */
void ddp_cthr_build(const ddp_cthr *h, uint8_t out[DDP_CTHR_SIZE]);

/* Rrtl header at file offset 0x3000; entries of {u32 sequence, u32 offset} from 0x3020. */
typedef struct ddp_rrtl {
    uint32_t version;
    uint32_t count;
    uint32_t entry_size;
    uint64_t crc64;
    ddp_crc64_match crc_match;   /* CRC-64 over +0..+0x17 */
} ddp_rrtl;

/* Checks magic, entry_size == 8 and count <= DDP_RRTL_MAX_ENTRIES. */
ddp_status ddp_rrtl_parse(const uint8_t *buf, size_t len, ddp_rrtl *out, ddp_diag *diag);
/* Binary search of entries (count entries, entries_len bytes available) for sequence.
 * DDP_ERR_NOT_FOUND when absent; DDP_ERR_TRUNCATED when entries_len < count * 8. */
ddp_status ddp_rrtl_lookup(const uint8_t *entries, size_t entries_len, uint32_t count,
                           uint32_t sequence, uint32_t *offset);
void ddp_rrtl_build(const ddp_rrtl *h, uint8_t out[DDP_RRTL_HEADER_SIZE]);  /* crc64 computed */

/* A Ckhr record header (data or stream map). */
typedef struct ddp_record {
    uint8_t version[4];
    uint32_t sequence;
    uint32_t payload_size;
    uint16_t kind;               /* DDP_RECORD_KIND_* */
    uint16_t hash_offset;        /* 0x28 data, 0x38 stream map */
    uint32_t compression;        /* data records only */
    uint8_t hash[32];
    uint32_t header_size;        /* DDP_DATA_HEADER_SIZE or DDP_SMAP_HEADER_SIZE */
    uint64_t crc64;
    ddp_crc64_match crc_match;   /* CRC-64 over the header before the CRC; reported only */
} ddp_record;

/* Parses a record header at buf (len bytes available). Checks magic "Ckhr", kind 1 or 2,
 * hash offset for the kind, header fully inside len, payload_size <= bound for the kind
 * (DDP_MAX_CHUNK_SIZE for data, DDP_MAX_SMAP_PAYLOAD for stream maps). */
ddp_status ddp_record_parse(const uint8_t *buf, size_t len, ddp_record *out, ddp_diag *diag);
/* Header plus payload, rounded up to DDP_RECORD_ALIGN. */
uint64_t ddp_record_span(const ddp_record *r);
/* Writes a header of r->kind (header_size bytes) with the CRC-64 computed (variant: r->crc_match). */
void ddp_record_build(const ddp_record *r, uint8_t *out);

/* The chunk-store folder, relative to the volume's root, as container paths given to a
 * backup's callbacks spell it (API.md §3): each store is "{GUID}.ddp" below it. The one
 * place this path is spelled. */
#define DDP_CHUNK_STORE_ROOT "\\System Volume Information\\Dedup\\ChunkStore\\"

/* The part of a container path that messages show: what follows "{GUID}.ddp\"
 * ("Stream\00010000.00000001.ccc"), or the whole path when it has no such part. */
const char *ddp_container_short_path(const char *path);

/* Container file name "%08x.%08x.ccc" (22 bytes with NUL). */
void ddp_container_name(uint32_t id, uint32_t generation, char out[22]);
/* Parses such a name (case-insensitive). Returns 0 on success; names holding "delete": -1. */
int ddp_container_name_parse(const char *name, uint32_t *id, uint32_t *generation);

#endif
