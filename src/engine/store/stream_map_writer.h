/*
 * stream_map_writer.h - writes one file's stream-map record as its chunks arrive
 * (see stream_map_writer.c).
 */
#ifndef DDP_STORE_STREAM_MAP_WRITER_H
#define DDP_STORE_STREAM_MAP_WRITER_H

#include <stdint.h>

#include "container_writer.h"
#include "ddp/chunk_hash.h"
#include "ddp/stream_map.h"

#define DDP_SMAP_BATCH 64u

typedef struct ddp_stream_map_writer {
    ddp_container_writer *containers;   /* the Stream containers */
    ddp_hash_stream *hash;
    int open;                           /* a record is being written */
    ddp_record_slot slot;
    uint32_t entries;                   /* written so far (batched ones included) */
    ddp_chunk_ref batch[DDP_SMAP_BATCH];
    uint32_t batch_len;
} ddp_stream_map_writer;

/* What the reparse point needs to find the record. */
typedef struct ddp_stream_map_done {
    ddp_record_slot slot;
    uint32_t payload_size;              /* 8 + 64 x N */
    uint8_t hash[DDP_HASH_SIZE];
} ddp_stream_map_done;

ddp_status ddp_stream_map_writer_init(ddp_stream_map_writer *sw, ddp_container_writer *containers,
                                      ddp_hash_alg alg);
void ddp_stream_map_writer_free(ddp_stream_map_writer *sw);
/* Adds the next chunk of the file (the record starts with the first one). */
ddp_status ddp_stream_map_writer_add(ddp_stream_map_writer *sw, const ddp_chunk_ref *ref);
/* Completes the record; DDP_ERR_INVALID_ARG when no chunk was added. */
ddp_status ddp_stream_map_writer_end(ddp_stream_map_writer *sw, ddp_stream_map_done *done);

#endif
