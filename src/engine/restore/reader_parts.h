/*
 * reader_parts.h - what the parts of the record reader (reader.h) share: reader.c drives
 * them, read_plan.c orders the records, redirect.c looks moved records up in the Rrtl.
 * Only these three files include it.
 */
#ifndef DDP_RESTORE_READER_PARTS_H
#define DDP_RESTORE_READER_PARTS_H

#include <stdint.h>

#include "restore_internal.h"

/* read_plan.c: the live records of ph in the order they are read: extent by extent (the
 * application's plan first, then one engine extent per container for what it left out),
 * ascending offset within each; the records of one extent are adjacent and share
 * rs_record.extent. *order is malloc'd (*n entries). DDP_OK or DDP_ERR_NO_MEMORY. */
ddp_status rs_plan(rs_phase *ph, uint32_t **order, uint32_t *n);

/* Why the reader fails a record (its message is made when it is handed out). */
typedef enum rs_fail_kind {
    RS_FAIL_READ,            /* its run's read failed (code: the store's) */
    RS_FAIL_PAST_END,        /* redirected offset past the container's end */
    RS_FAIL_NOT_AT,          /* not at the offset the Rrtl gives */
    RS_FAIL_DEAD,            /* moved, and its container cannot be read */
    RS_FAIL_RRTL_UNREADABLE, /* moved, and the Rrtl could not be read */
    RS_FAIL_RRTL_INVALID,    /* moved, and there is no valid Rrtl (st: why) */
    RS_FAIL_NOT_IN_RRTL      /* moved, and not in the Rrtl */
} rs_fail_kind;

typedef struct rs_fail {
    uint32_t rec;
    uint8_t kind;            /* rs_fail_kind */
    ddp_status st;
    int32_t code;            /* RS_FAIL_READ: the store's failure code */
} rs_fail;

/* Failures waiting to be handed out; room for every record of the group being read. */
typedef struct rs_fail_list {
    rs_fail *items;
    uint32_t n, next, cap;
} rs_fail_list;

/* Marks a live record failed and queues its failure. */
static inline void rs_fail_push(rs_phase *ph, rs_fail_list *l, uint32_t rec, rs_fail_kind kind, ddp_status st,
                                int32_t code)
{
    rs_record *r = &ph->records[rec];
    if (r->flags & (RS_REC_DONE | RS_REC_FAILED))
        return;
    r->flags |= RS_REC_FAILED;
    l->items[l->n++] = (rs_fail){rec, (uint8_t)kind, st, code};
}

/* redirect.c: looks the moved records recs[0..n) of container up in its Rrtl; found ones
 * get their offset from it and RS_REC_REDIRECTED and are compacted to recs[0..*found),
 * the others are queued in fails. DDP_OK, or DDP_ERR_NO_MEMORY. */
ddp_status rs_redirect(rs_phase *ph, uint32_t container, uint32_t *recs, uint32_t n, rs_fail_list *fails,
                       uint32_t *found);

#endif
