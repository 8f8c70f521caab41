/*
 * chunk_pipeline.h - the worker pipeline of phase 3 (see chunk_pipeline.c): records are
 * copied into bounded batches on the calling thread, worker threads examine each batch
 * (check, decompress, hash), and the calling thread applies the examined records in the
 * order it queued them.
 */
#ifndef DDP_RESTORE_CHUNK_PIPELINE_H
#define DDP_RESTORE_CHUNK_PIPELINE_H

#include <stdint.h>

#include "ddp/chunk_hash.h"
#include "ddp/codec.h"

/* One batch holds at most this many record bytes, content bytes and records. A phase
 * with less data gets smaller batches: its total spread over the batches, but at least
 * RS_PIPE_MIN_BYTES (and its largest record or content). */
#define RS_PIPE_RECORD_BYTES (1024u * 1024u)
#define RS_PIPE_CONTENT_BYTES (2u * 1024u * 1024u)
#define RS_PIPE_MIN_BYTES (64u * 1024u)
#define RS_PIPE_ITEMS 1024u
/* Batches per worker thread, plus two (one being filled, one being applied). */
#define RS_PIPE_EXTRA_BATCHES 2u

/* A hash algorithm's bit in rs_pipe_item.matches. */
#define RS_HASH_BIT(alg) (1u << (unsigned)(alg))

typedef struct rs_pipe_item {
    uint32_t rec;                /* the record (and chunk) index */
    uint32_t record_off, record_len;   /* its bytes, in the batch */
    uint32_t content_off, content_len; /* its decompressed content, in the batch */
    uint8_t examined;            /* worker: 1 when the record checks and decompresses cleanly */
    uint8_t matches;             /* worker: RS_HASH_BIT of every algorithm examined whose hash matched */
} rs_pipe_item;

typedef struct rs_pipe_ops {
    void *ctx;
    /* On a worker: fills it->examined and it->matches from the record's bytes, decompressing
     * into content (it->content_len bytes) with dec, the worker's own decoder. alg: the
     * algorithm known when the batch was handed over (DDP_HASH_UNKNOWN: examine both
     * candidates). Reads only state that does not change during the phase. */
    void (*examine)(void *ctx, rs_pipe_item *it, const uint8_t *record, uint8_t *content, ddp_hash_alg alg,
                    ddp_decoder *dec);
    /* On the calling thread, in queue order. */
    void (*apply)(void *ctx, const rs_pipe_item *it, const uint8_t *record, const uint8_t *content);
    const ddp_hash_alg *alg;     /* the job's algorithm, read when a batch is handed over */
} rs_pipe_ops;

/* What the phase will queue at most: totals and largest single record / content. */
typedef struct rs_pipe_load {
    uint64_t record_bytes, content_bytes;
    uint32_t largest_record, largest_content;
} rs_pipe_load;

typedef struct rs_pipe rs_pipe;

/* A pipeline with workers threads (>= 1), its batches sized for load. NULL when memory
 * or a thread could not be had: the caller then does the work itself. */
rs_pipe *rs_pipe_new(uint32_t workers, const rs_pipe_ops *ops, const rs_pipe_load *load);
/* Queues record rec (len bytes, copied) whose content has content_len bytes; may apply
 * earlier records first. -1 when the record is larger than a batch (nothing queued). */
int rs_pipe_add(rs_pipe *p, uint32_t rec, const uint8_t *record, uint32_t len, uint32_t content_len);
/* Hands over the batch being filled and applies every queued record. */
void rs_pipe_drain(rs_pipe *p);
/* Drains, stops and joins the workers, frees everything. */
void rs_pipe_free(rs_pipe *p);

#endif
