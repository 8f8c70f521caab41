/*
 * reader.h - the record reader: hands out the records of one phase (the stream maps, or
 * the data chunks) one at a time, in the order the application's plan and the engine's
 * coalescing make cheapest. It owns everything between a record list and its bytes:
 * the OrderContainersRestore call and the plan built from it (read_plan.c), previews,
 * coalescing records into runs and runs into reads of at most max_read bytes, the read
 * window, short reads (store_read.c), and looking records up in their container's Rrtl
 * when they are not at their offset (redirect.c). A phase is a plain loop:
 *
 *     rs_reader *rd;
 *     ddp_status st = rs_reader_open(ph, &rd);
 *     while (st == DDP_OK && rs_reader_next(rd, &rec, &bytes, &len, &why)) {
 *         if (why != DDP_OK)          the record cannot be had: fail its files with why
 *         else if (not its record)   rs_reader_not_here(rd): the reader asks the Rrtl
 *         else                       consume bytes[0..len)
 *     }
 *     st = rs_reader_close(rd);        DDP_OK, or DDP_ERR_NO_MEMORY: the restore ends
 *
 * Every record is handed out once with its bytes or once with a failure; a record sent
 * to the Rrtl comes back once more, at its redirected offset, or with a failure.
 */
#ifndef DDP_RESTORE_READER_H
#define DDP_RESTORE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "restore_internal.h"

typedef struct rs_reader rs_reader;

/* Plans the reads of ph's records (one order() call). DDP_OK with *rd, or
 * DDP_ERR_NO_MEMORY (*rd NULL). */
ddp_status rs_reader_open(rs_phase *ph, rs_reader **rd);
/* 1: record *rec, with its bytes read at its current offset (*bytes, *len == its span,
 * valid until the next call; *why DDP_OK), or the reason it cannot be had (*why, *bytes
 * NULL; rs_reader_message says where and why). 0: no record left, or out of memory. */
int rs_reader_next(rs_reader *rd, uint32_t *rec, const uint8_t **bytes, size_t *len, ddp_status *why);
/* The record last handed out with bytes is not there (no matching Ckhr): it is looked up
 * in its container's Rrtl and handed out again (or failed: a redirected one is not
 * looked up twice). */
void rs_reader_not_here(rs_reader *rd);
/* The message of the failure last handed out: "<container> offset 0x..: <what> N ...". */
const char *rs_reader_message(const rs_reader *rd);
/* Frees the reader. DDP_OK, or DDP_ERR_NO_MEMORY when it stopped for want of memory. */
ddp_status rs_reader_close(rs_reader *rd);

#endif
