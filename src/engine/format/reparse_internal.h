/*
 * reparse_internal.h - what the reparse parser's files share: the callback through which
 * the 0x0102 and 0x0103 table walkers report each property, the walkers themselves, the
 * per-layout field readers, and the decoding of one stream reference entry.
 */
#ifndef DDP_FORMAT_REPARSE_INTERNAL_H
#define DDP_FORMAT_REPARSE_INTERNAL_H

#include "ddp/reparse.h"

/* Offsets within the reparse buffer (FORMAT.md §1.1). */
#define RP_TAG 0x00u
#define RP_DATA_LENGTH 0x04u
#define RP_RESERVED 0x06u
#define RD 0x08u                      /* RD+0 = RP+8 */
#define RD_LAYOUT (RD + 0x00u)
#define RD_LENGTH (RD + 0x02u)

/* Called for every property a walker finds; a non-OK status stops the walk. */
typedef ddp_status (*ddp_prop_visit)(void *ctx, const uint8_t *buf, const ddp_reparse_prop *prop,
                                     ddp_diag *diag);

/* Walkers of the property tables of a buffer whose common header and CRC-32 are checked;
 * dl is its ReparseDataLength. */
ddp_status ddp_walk_slots_0102(const uint8_t *buf, uint32_t dl, ddp_prop_visit visit, void *ctx,
                               ddp_diag *diag);
ddp_status ddp_walk_blocks_0103(const uint8_t *buf, uint32_t dl, ddp_prop_visit visit, void *ctx,
                                ddp_diag *diag);

/* Per-layout field readers, filling store GUID, sizes, time and references of out. */
ddp_status ddp_reparse_parse_0201(const uint8_t *buf, uint32_t dl, ddp_reparse *out, ddp_diag *diag);
ddp_status ddp_reparse_parse_0102(const uint8_t *buf, uint32_t dl, ddp_reparse *out, ddp_diag *diag);
ddp_status ddp_reparse_parse_0103(const uint8_t *buf, uint32_t dl, ddp_reparse *out, ddp_diag *diag);

/* Decodes the 64-byte stream reference entry at buf + off into out->refs[out->n_refs]
 * (hash_len 32 for layout 0x0201, which has no range fields; 16 otherwise) and counts it.
 * Checks the stream-map size (8 + 64 x N, N >= 1, within DDP_MAX_SMAP_PAYLOAD) and the
 * number of references (DDP_ERR_UNSUPPORTED beyond DDP_REPARSE_MAX_REFS). */
ddp_status ddp_stream_ref_decode(const uint8_t *buf, uint32_t off, uint32_t hash_len, ddp_reparse *out,
                                 ddp_diag *diag);

#endif
