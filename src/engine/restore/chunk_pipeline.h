/*
 * chunk_pipeline.h - the worker stage of phase 3 (see chunk_pipeline.c), between the
 * record reader and the data phase. The phase submits each data record it pulled from
 * the reader (copied into bounded batches); worker threads check, decompress and hash
 * it; the phase pulls the finished chunks back, in the order it submitted them, and
 * applies them itself. Nothing here calls back into the phase.
 */
#ifndef DDP_RESTORE_CHUNK_PIPELINE_H
#define DDP_RESTORE_CHUNK_PIPELINE_H

#include <stdint.h>

#include "chunk_set.h"
#include "ddp/chunk_hash.h"

/* One batch holds at most this many record bytes, content bytes and records. A phase
 * with less data gets smaller batches: its total spread over the batches, but at least
 * RS_PIPE_MIN_BYTES (and its largest record or content). */
#define RS_PIPE_RECORD_BYTES (1024u * 1024u)
#define RS_PIPE_CONTENT_BYTES (2u * 1024u * 1024u)
#define RS_PIPE_MIN_BYTES (64u * 1024u)
#define RS_PIPE_ITEMS 1024u
/* Batches per worker thread, plus two (one being filled, one being pulled). */
#define RS_PIPE_EXTRA_BATCHES 2u

/* A hash algorithm's bit in rs_pipe_done.matches. */
#define RS_HASH_BIT(alg) (1u << (unsigned)(alg))

/* A finished chunk, as rs_pipe_next hands it out. */
typedef struct rs_pipe_done {
    uint32_t rec;                /* the record (and chunk) index it was submitted as */
    const uint8_t *record;       /* its bytes as submitted, record_len of them */
    uint32_t record_len;
    const uint8_t *content;      /* its decompressed content (when examined), content_len bytes */
    uint32_t content_len;
    int examined;                /* 1 when the record checks and decompresses cleanly */
    unsigned matches;            /* RS_HASH_BIT of every algorithm examined whose hash matched */
} rs_pipe_done;

/* What the phase will submit at most: totals and largest single record / content. */
typedef struct rs_pipe_load {
    uint64_t record_bytes, content_bytes;
    uint32_t largest_record, largest_content;
} rs_pipe_load;

typedef enum rs_pipe_put {
    RS_PIPE_QUEUED = 0,          /* copied; it comes back from rs_pipe_next */
    RS_PIPE_FULL,                /* every batch is in use: pull finished chunks, then submit again */
    RS_PIPE_TOO_LARGE            /* larger than a batch: never queued, the phase does it itself */
} rs_pipe_put;

typedef struct rs_pipe rs_pipe;

/* A pipeline with workers threads (>= 1) examining the chunks of chunks (the sealed
 * chunk set's, read but never written by the workers), its batches sized for load.
 * NULL when memory or a thread could not be had: the caller then does the work itself. */
rs_pipe *rs_pipe_new(uint32_t workers, const rs_chunk *chunks, const rs_pipe_load *load);
/* Queues record rec (len bytes, copied; its content has chunks[rec].logical bytes).
 * alg: the algorithm known now (DDP_HASH_UNKNOWN: the workers hash with both candidates),
 * used for the batch when this call hands it over. Never waits. */
rs_pipe_put rs_pipe_submit(rs_pipe *p, uint32_t rec, const uint8_t *record, uint32_t len, ddp_hash_alg alg);
/* Hands the batch being filled over to the workers (alg as for rs_pipe_submit), so that
 * every queued chunk comes back from rs_pipe_next. */
void rs_pipe_flush(rs_pipe *p, ddp_hash_alg alg);
/* The oldest queued chunk not yet handed out, once a worker finished it: 1 with *done
 * (its pointers valid until the next rs_pipe_submit, rs_pipe_flush or rs_pipe_next).
 * 0 when there is none handed over, or (wait 0) when it is not finished yet. */
int rs_pipe_next(rs_pipe *p, int wait, rs_pipe_done *done);
/* Stops and joins the workers, frees everything (chunks not pulled are dropped). */
void rs_pipe_free(rs_pipe *p);

#endif
