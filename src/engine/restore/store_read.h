/*
 * store_read.h - counted, previewed store reads with short reads completed (store_read.c).
 * Store reads return the store's own code (negative: failed; rs_store_failure gives its
 * reason); DDP_HR_UNEXPECTED when the store claimed more bytes than asked.
 */
#ifndef DDP_RESTORE_STORE_READ_H
#define DDP_RESTORE_STORE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"

typedef struct rs_job rs_job;
typedef struct rs_container rs_container;

/* The job's read window, grown on demand to size bytes (NULL: out of memory); one per
 * restore, freed by ddp_restore. */
uint8_t *rs_window(rs_job *job, size_t size);
/* One store->read, counted (read_calls, bytes_read, backward_seeks). */
int32_t rs_read_counted(rs_job *job, rs_container *c, uint64_t offset, uint32_t size, uint8_t *buf,
                        uint32_t *got);
/* One store->preview of n reads, counted; its result changes nothing. */
void rs_preview_counted(rs_job *job, const rs_container *c, uint32_t n, const ddp_read_extent *reads);

/* A list of reads of one container, announced (previewed) before the first is made and
 * again whenever the rest of the list changed. */
typedef struct rs_queue {
    rs_job *job;
    rs_container *c;
    ddp_read_extent *q;
    uint32_t n, next;
    int announced;
} rs_queue;
/* Performs the next queued read into buf, asking again after short reads. *got < the
 * length queued means the container ended. Returns 0 or the store's failure code. */
int32_t rs_queue_take(rs_queue *r, uint8_t *buf, uint32_t *got);
/* Drops the next count reads (they are announced no more). */
void rs_queue_skip(rs_queue *r, uint32_t count);

/* Reads one range (previewed as one read; short reads completed). *got < size: truncated. */
int32_t rs_read_range(rs_job *job, rs_container *c, uint64_t offset, uint32_t size, uint8_t *buf,
                      uint32_t *got);
/* Reads [offset, offset + total) in windows of window bytes (all announced in one
 * preview) and hands each window to each(); stops after a short window. DDP_OK, or why
 * not (DDP_ERR_NO_MEMORY, DDP_ERR_RANGE: too many windows, a failed read's reason). */
ddp_status rs_read_windows(rs_job *job, rs_container *c, uint64_t offset, uint64_t total, uint32_t window,
                           int (*each)(void *ctx, const uint8_t *data, uint32_t len), void *ctx);

#endif
