/*
 * redirect.c - finds records whose offset hint is stale through the container's
 * redirection table (FORMAT.md §3): the Rrtl header at 0x3000 (one previewed read of
 * 0x20 bytes), then its {sequence, offset} entries from 0x3020, ascending by sequence,
 * streamed through the read window (max_read bytes, all windows announced in one
 * preview) and searched window by window for the wanted sequences (sorted first).
 * The whole table is never held in memory.
 */
#include <stdio.h>
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "restore_internal.h"
#include "sort.h"

typedef struct lookup {
    rs_phase *ph;
    uint32_t *recs;     /* sorted by sequence */
    uint32_t n, next;   /* next record to look up */
    uint32_t found;     /* found ones are compacted to recs[0..found) */
} lookup;

static void fail_one(rs_phase *ph, uint32_t rec, ddp_status st, const char *why)
{
    rs_record *r = &ph->records[rec];
    if (r->flags & (RS_REC_DONE | RS_REC_FAILED))
        return;
    r->flags |= RS_REC_FAILED;
    const char *path = ph->containers[r->container].path;
    const char *p = strstr(path, ".ddp\\");
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %s %u not at its hint 0x%x and %s", p ? p + 5 : path, ph->what,
             r->sequence, r->offset, why);
    ph->fail(ph, rec, st, msg);
}

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
            fail_one(lk->ph, rec, DDP_ERR_NO_RECORD, "not in the redirection table");
        }
        lk->next++;
    }
    return lk->next == lk->n;   /* stop once everything was looked up */
}

static void fail_rest(lookup *lk, ddp_status st, const char *why)
{
    for (; lk->next < lk->n; lk->next++)
        fail_one(lk->ph, lk->recs[lk->next], st, why);
}

ddp_status rs_redirect(rs_phase *ph, uint32_t container, uint32_t *recs, uint32_t n, uint32_t *found)
{
    rs_container *c = &ph->containers[container];
    lookup lk = {ph, recs, n, 0, 0};
    *found = 0;
    if (c->dead != DDP_OK) {
        fail_rest(&lk, c->dead, "the container cannot be read");
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
        fail_rest(&lk, st, "its redirection table could not be read");
        return DDP_OK;
    }
    ddp_rrtl rrtl;
    ddp_diag diag = {0, NULL};
    ddp_status st = got < DDP_RRTL_HEADER_SIZE ? DDP_ERR_TRUNCATED : ddp_rrtl_parse(hdr, got, &rrtl, &diag);
    if (st != DDP_OK) {
        char why[96];
        snprintf(why, sizeof why, "no valid redirection table at 0x3000 (%s)", ddp_status_str(st));
        fail_rest(&lk, st, why);
        return DDP_OK;
    }
    rs_sort_records(ph->records, recs, n, RS_KEY_SEQUENCE);
    uint32_t window = ph->job->opt.max_read - ph->job->opt.max_read % DDP_RRTL_ENTRY_SIZE;
    st = rs_read_windows(ph->job, c, DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE, (uint64_t)rrtl.count * DDP_RRTL_ENTRY_SIZE,
                         window, lookup_window, &lk);
    if (st == DDP_ERR_NO_MEMORY)
        return st;
    if (st != DDP_OK)
        fail_rest(&lk, st, "its redirection table could not be read");
    else
        fail_rest(&lk, DDP_ERR_NO_RECORD, "not in the redirection table");
    *found = lk.found;
    return DDP_OK;
}
