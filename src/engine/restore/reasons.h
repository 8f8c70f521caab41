/*
 * reasons.h - the one mapping of a failure's reason (a ddp_status) to a file's HRESULT,
 * and of a store callback's failure code to a reason (reasons.c).
 */
#ifndef DDP_RESTORE_REASONS_H
#define DDP_RESTORE_REASONS_H

#include <stdint.h>

#include "ddp/status.h"

/* Where a failure was met; with its status it decides the HRESULT. */
typedef enum rs_origin {
    RS_IN_BACKUP = 0,       /* the backup, the store, the target, the engine */
    RS_IN_STUB              /* the reparse point of the file being restored (its own data) */
} rs_origin;

/* The HRESULT of reason st (API.md §2-§3): DDP_OK S_OK, not deduplicated S_FALSE, the
 * parsers' statuses DDP_E_FILE_CORRUPT (RS_IN_STUB: DDP_E_INVALID_DATA), ... */
int32_t rs_hr_of(ddp_status st, rs_origin origin);
/* The reason of a store callback's failure code: not-found kinds DDP_ERR_NOT_FOUND;
 * E_OUTOFMEMORY, E_ACCESSDENIED, E_INVALIDARG their status; DDP_E_UNEXPECTED (also what
 * rs_read_counted gives an answer longer than asked) DDP_ERR_PROTOCOL; any other failure
 * code DDP_ERR_IO, and a code that is not a failure at all DDP_ERR_PROTOCOL. */
ddp_status rs_store_failure(int32_t code);

#endif
