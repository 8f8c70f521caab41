/*
 * redirect.c - finds records whose offset hint is stale through the container's
 * redirection table (FORMAT.md §3): the Rrtl header at 0x3000 (one previewed read of
 * 0x20 bytes), then its {sequence, offset} entries from 0x3020, ascending by sequence,
 * streamed through the read window (max_read bytes, all windows announced in one
 * preview) and searched window by window for the wanted sequences (sorted first).
 * The whole table is never held in memory. A part of the record reader (reader.h): the
 * records it cannot find are queued as failures for the reader to hand out.
 */

#include "ddp/container.h"
#include "ddp/le.h"
#include "reader_parts.h"
#include "sort.h"
#include "store_read.h"

typedef struct lookup {
    rs_phase *ph;
    rs_fail_list *fails;
    uint32_t *recs;     /* sorted by sequence */
    uint32_t n, next;   /* next record to look up */
    uint32_t found;     /* found ones are compacted to recs[0..found) */
} lookup;

/* One window of entries: looks up every pending sequence up to the window's last one. */
static int lookup_window(void *ctx, const uint8_t *data, uint32_t len)
{
    lookup *lk = ctx;
    uint32_t entries = len / DDP_RRTL_ENTRY_SIZE;
    if (entries == 0)
        return 1;
    uint32_t first = ddp_le32(data), last = ddp_le32(data + (size_t)(entries - 1) * DDP_RRTL_ENTRY_SIZE);
    while (lk->next < lk->n) {
        uint32_t rec = lk->recs[lk->next];
        rs_record *r = &lk->ph->records[rec];
        if (r->sequence > last)
            break;
        uint32_t off = 0;
        if (r->sequence >= first &&
            ddp_rrtl_lookup(data, (size_t)entries * DDP_RRTL_ENTRY_SIZE, entries, r->sequence, &off) == DDP_OK) {
            r->offset = off;
            r->flags = (r->flags & ~RS_REC_MOVED) | RS_REC_REDIRECTED;
            lk->recs[lk->found++] = rec;
        } else {
            rs_fail_push(lk->ph, lk->fails, rec, RS_FAIL_NOT_IN_RRTL, DDP_ERR_NO_RECORD, 0);
        }
        lk->next++;
    }
    return lk->next == lk->n;   /* stop once everything was looked up */
}

static void fail_rest(lookup *lk, rs_fail_kind kind, ddp_status st)
{
    for (; lk->next < lk->n; lk->next++)
        rs_fail_push(lk->ph, lk->fails, lk->recs[lk->next], kind, st, 0);
}

ddp_status rs_redirect(rs_phase *ph, uint32_t container, uint32_t *recs, uint32_t n, rs_fail_list *fails,
                       uint32_t *found)
{
    rs_container *c = &ph->containers[container];
    lookup lk = {ph, fails, recs, n, 0, 0};
    *found = 0;
    if (c->dead != DDP_OK) {
        fail_rest(&lk, RS_FAIL_DEAD, c->dead);
        return DDP_OK;
    }
    uint8_t hdr[DDP_RRTL_HEADER_SIZE];
    uint32_t got = 0;
    int32_t code = rs_read_range(ph->job, c, DDP_RRTL_OFFSET, DDP_RRTL_HEADER_SIZE, hdr, &got);
    if (code < 0) {
        ddp_status st = rs_store_failure(code);
        if (st == DDP_ERR_NOT_FOUND) {
            c->dead = st;
            c->dead_code = code;
        }
        fail_rest(&lk, RS_FAIL_RRTL_UNREADABLE, st);
        return DDP_OK;
    }
    ddp_rrtl rrtl;
    ddp_diag diag = {0, NULL};
    ddp_status st = got < DDP_RRTL_HEADER_SIZE ? DDP_ERR_TRUNCATED : ddp_rrtl_parse(hdr, got, &rrtl, &diag);
    if (st != DDP_OK) {
        fail_rest(&lk, RS_FAIL_RRTL_INVALID, st);
        return DDP_OK;
    }
    rs_sort_records(ph->records, recs, n, RS_KEY_SEQUENCE);
    uint32_t window = ph->job->opt.max_read - ph->job->opt.max_read % DDP_RRTL_ENTRY_SIZE;
    st = rs_read_windows(ph->job, c, DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE, (uint64_t)rrtl.count * DDP_RRTL_ENTRY_SIZE,
                         window, lookup_window, &lk);
    if (st == DDP_ERR_NO_MEMORY)
        return st;
    if (st != DDP_OK)
        fail_rest(&lk, RS_FAIL_RRTL_UNREADABLE, st);
    else
        fail_rest(&lk, RS_FAIL_NOT_IN_RRTL, DDP_ERR_NO_RECORD);
    *found = lk.found;
    return DDP_OK;
}
