/*
 * record_check.c - the checks every record consumer makes on the bytes read at a
 * record's place, shared by the stream-map and data phases: is the expected Ckhr there
 * (magic, sequence, kind), does its header parse, does its payload have the size its
 * referrer gives and lie inside the bytes read, does its hash agree with the referrer's;
 * and how a damaged record is named in messages.
 */
#include <stdio.h>
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "restore_internal.h"

void rs_record_fault(const rs_phase *ph, uint32_t rec, uint64_t at, const char *kind, const char *what,
                     char *msg, size_t cap)
{
    const rs_record *r = &ph->records[rec];
    snprintf(msg, cap, "%s offset 0x%llx: %s %u: %s", ddp_container_short_path(ph->containers[r->container].path),
             (unsigned long long)(r->offset + at), kind, r->sequence, what);
}

int rs_record_is(const uint8_t *bytes, size_t len, uint32_t sequence, uint16_t kind)
{
    return len >= DDP_CKHR_COMMON_SIZE && memcmp(bytes, "Ckhr", 4) == 0 && ddp_le32(bytes + 8) == sequence &&
           ddp_le16(bytes + 0x10) == kind;
}

ddp_status rs_record_check(const uint8_t *bytes, size_t len, uint32_t payload_size, const uint8_t *hash,
                           size_t hash_len, const char *referrer, ddp_record *r, uint64_t *at, char *what,
                           size_t cap)
{
    ddp_diag diag = {0, "record header"};
    ddp_status st = ddp_record_parse(bytes, len, r, &diag);
    if (st != DDP_OK) {
        snprintf(what, cap, "%s: %s", diag.what ? diag.what : "header", ddp_status_str(st));
        *at = diag.offset;
        return st;
    }
    if (r->payload_size != payload_size || r->header_size + (size_t)r->payload_size > len) {
        snprintf(what, cap, "payload size %u, the %s says %u", r->payload_size, referrer, payload_size);
        *at = 0x0C;
        return DDP_ERR_BAD_LENGTH;
    }
    if (memcmp(r->hash, hash, hash_len) != 0) {
        snprintf(what, cap, "record hash differs from the %s's", referrer);
        *at = r->hash_offset;
        return DDP_ERR_HASH_MISMATCH;
    }
    return DDP_OK;
}
