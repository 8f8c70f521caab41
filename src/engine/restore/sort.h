/*
 * sort.h - in-place ordering of record index lists (heap sort: no extra memory, no
 * comparison context needed, O(n log n) on any input).
 */
#ifndef DDP_RESTORE_SORT_H
#define DDP_RESTORE_SORT_H

#include <stdint.h>

#include "restore_internal.h"

typedef enum rs_sort_key {
    RS_KEY_OFFSET,          /* record offset */
    RS_KEY_SEQUENCE,        /* record sequence number */
    RS_KEY_EXTENT_OFFSET    /* extent, then offset */
} rs_sort_key;

void rs_sort_records(const rs_record *records, uint32_t *idx, uint32_t n, rs_sort_key key);

#endif
