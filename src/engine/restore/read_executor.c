/*
 * read_executor.c - reads the records of one container extent through the store.
 *
 * The records (ascending offset) are grouped into runs: a record joins the current run
 * when the gap before it is below coalesce_gap and the run stays within max_read bytes,
 * so a container is streamed rather than seeked. A run longer than max_read (one record
 * larger than the window) is read in max_read pieces. Before the first read the whole
 * list of pieces is announced with one preview() call; the reads that follow are exactly
 * that list. When the list changes (a short read leaves a remainder to ask for, a
 * truncated or failed run drops its other pieces) the rest of the list is announced
 * again before the next read, so every read is always preceded by a preview naming it.
 *
 * A read returning S_OK with fewer bytes is asked again for the rest; zero bytes means
 * the container ends there (truncated); claiming more bytes than asked is a failed read
 * (DDP_E_UNEXPECTED, DDP_ERR_PROTOCOL). A failing read fails the records of its run with
 * the reason rs_store_failure gives its code; a "not found" kind marks the whole container
 * unreadable (DDP_E_PATH_NOT_FOUND for everything still needing it, with no further reads
 * of it). Running out of memory ends the phase (DDP_ERR_NO_MEMORY, returned).
 *
 * Records whose bytes are not a matching Ckhr (stale hint) are collected and, after the
 * extent's pass, looked up in the container's Rrtl (redirect.c) and read again at their
 * real offset, again previewed and coalesced.
 *
 * stats.coalesced_runs counts the runs planned: every run build_runs() forms, in both
 * record phases, including the runs of records read again after a redirection and runs
 * left unread because their container turned out unreadable or the window could not be
 * had. Reads of redirection tables (rs_read_range, rs_read_windows) are not runs. A run
 * needs ceil(length / max_read) reads, plus one per re-ask after a short read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restore_internal.h"
#include "sort.h"
#include "store_read.h"

/* ---- runs of records ---- */

typedef struct rs_run {
    uint64_t start, end;
    uint32_t first, count;     /* slice of the record list */
    uint32_t first_piece, pieces;
} rs_run;

static const char *short_path(const char *path)
{
    const char *p = strstr(path, ".ddp\\");
    return p ? p + 5 : path;
}

static void fail_record(rs_phase *ph, uint32_t rec, ddp_status st, const char *fmt_what)
{
    rs_record *r = &ph->records[rec];
    if (r->flags & (RS_REC_DONE | RS_REC_FAILED))
        return;
    r->flags |= RS_REC_FAILED;
    char msg[160];
    snprintf(msg, sizeof msg, "%s offset 0x%x: %s %u %s", short_path(ph->containers[r->container].path),
             r->offset, ph->what, r->sequence, fmt_what);
    ph->fail(ph, rec, st, msg);
}

static int record_live(const rs_record *r)
{
    return !(r->flags & (RS_REC_DONE | RS_REC_FAILED));
}

/* Groups the live records of recs (ascending) into runs; returns the run count. */
static uint32_t build_runs(const rs_phase *ph, const uint32_t *recs, uint32_t n, rs_run *runs,
                           uint32_t *n_pieces)
{
    const ddp_restore_options *o = &ph->job->opt;
    uint32_t nr = 0, pieces = 0;
    for (uint32_t i = 0; i < n; i++) {
        const rs_record *r = &ph->records[recs[i]];
        uint64_t s = r->offset, e = s + r->span;
        rs_run *cur = nr ? &runs[nr - 1] : NULL;
        if (cur && s < cur->end + o->coalesce_gap && (e > cur->end ? e : cur->end) - cur->start <= o->max_read) {
            if (e > cur->end)
                cur->end = e;
            cur->count++;
            continue;
        }
        runs[nr].start = s;
        runs[nr].end = e;
        runs[nr].first = i;
        runs[nr].count = 1;
        nr++;
    }
    for (uint32_t k = 0; k < nr; k++) {
        uint64_t len = runs[k].end - runs[k].start;
        runs[k].first_piece = pieces;
        runs[k].pieces = (uint32_t)((len + o->max_read - 1) / o->max_read);
        pieces += runs[k].pieces;
    }
    *n_pieces = pieces;
    return nr;
}

static void fill_pieces(const rs_job *job, const rs_run *runs, uint32_t nr, ddp_read_extent *q)
{
    for (uint32_t k = 0; k < nr; k++) {
        for (uint32_t p = 0; p < runs[k].pieces; p++) {
            uint64_t off = runs[k].start + (uint64_t)p * job->opt.max_read;
            uint64_t left = runs[k].end - off;
            q[runs[k].first_piece + p].offset = (int64_t)off;
            q[runs[k].first_piece + p].length = (int64_t)(left < job->opt.max_read ? left : job->opt.max_read);
        }
    }
}

/* A record that is not where it was looked for: queue it for the Rrtl, or fail it when
 * the Rrtl already sent us there. */
static void not_found_here(rs_phase *ph, uint32_t rec, int truncated, uint32_t *moved, uint32_t *n_moved)
{
    rs_record *r = &ph->records[rec];
    if (r->flags & RS_REC_REDIRECTED) {
        fail_record(ph, rec, truncated ? DDP_ERR_TRUNCATED : DDP_ERR_BAD_MAGIC,
                    truncated ? "lies past the end of the container (redirected offset)"
                              : "is not at the offset its redirection table gives");
        return;
    }
    r->flags |= RS_REC_MOVED;
    moved[(*n_moved)++] = rec;
}

/* DDP_OK, or DDP_ERR_NO_MEMORY when a consumer ran out of memory. */
static ddp_status dispatch_run(rs_phase *ph, const rs_run *run, const uint32_t *recs, const uint8_t *buf,
                               uint64_t avail, uint32_t *moved, uint32_t *n_moved)
{
    for (uint32_t i = run->first; i < run->first + run->count; i++) {
        rs_record *r = &ph->records[recs[i]];
        if (!record_live(r))
            continue;
        uint64_t rel = r->offset - run->start;
        if (rel + r->span > avail) {
            not_found_here(ph, recs[i], 1, moved, n_moved);
            continue;
        }
        rs_verdict v = ph->consume(ph, recs[i], buf + rel, r->span);
        if (v == RS_NO_MEMORY)
            return DDP_ERR_NO_MEMORY;
        if (v == RS_NOT_HERE)
            not_found_here(ph, recs[i], 0, moved, n_moved);
        else
            r->flags |= RS_REC_DONE;
    }
    return DDP_OK;
}

/* The store's read failed with code (or c is dead: its dead_code): the records fail with
 * its reason; a "not found" kind marks the container dead. */
static void fail_read(rs_phase *ph, rs_container *c, const uint32_t *recs, uint32_t from, uint32_t to,
                      int32_t code)
{
    ddp_status st = rs_store_failure(code);
    if (st == DDP_ERR_NOT_FOUND && c->dead == DDP_OK) {
        c->dead = st;
        c->dead_code = code;
    }
    char what[64];
    snprintf(what, sizeof what, "could not be read (error 0x%08x)", (unsigned)code);
    for (uint32_t i = from; i < to; i++)
        fail_record(ph, recs[i], st, what);
}

/* Reads the runs; *n_moved records were queued in moved (a prefix of recs). DDP_OK, or
 * DDP_ERR_NO_MEMORY. */
static ddp_status read_runs(rs_phase *ph, rs_container *c, uint32_t *recs, uint32_t n, rs_run *runs,
                            uint32_t nr, ddp_read_extent *q, uint32_t nq, uint32_t *n_moved)
{
    rs_queue rd = {ph->job, c, q, nq, 0, 0};
    *n_moved = 0;
    for (uint32_t k = 0; k < nr; k++) {
        rs_run *run = &runs[k];
        if (c->dead != DDP_OK) {
            fail_read(ph, c, recs, run->first, n, c->dead_code);
            break;
        }
        uint8_t *buf = rs_window(ph->job, (size_t)(run->end - run->start));
        if (!buf)
            return DDP_ERR_NO_MEMORY;
        uint64_t avail = 0;
        int32_t hr = 0;
        uint32_t p;
        for (p = 0; p < run->pieces; p++) {
            uint32_t want = (uint32_t)q[run->first_piece + p].length, got = 0;
            hr = rs_queue_take(&rd, buf + avail, &got);
            avail += got;
            if (hr < 0 || got < want)
                break;
        }
        if (p + 1 < run->pieces)
            rs_queue_skip(&rd, run->pieces - p - 1);
        if (hr < 0) {
            fail_read(ph, c, recs, run->first, run->first + run->count, hr);
            continue;
        }
        if (dispatch_run(ph, run, recs, buf, avail, recs, n_moved) != DDP_OK)
            return DDP_ERR_NO_MEMORY;
    }
    return DDP_OK;
}

ddp_status rs_exec_records(rs_phase *ph, uint32_t container, uint32_t *recs, uint32_t n)
{
    rs_container *c = &ph->containers[container];
    uint32_t live = 0;
    for (uint32_t i = 0; i < n; i++)
        if (record_live(&ph->records[recs[i]]))
            recs[live++] = recs[i];
    if (live == 0)
        return DDP_OK;
    if (c->dead != DDP_OK) {
        fail_read(ph, c, recs, 0, live, c->dead_code);
        return DDP_OK;
    }
    rs_run *runs = malloc(live * sizeof *runs);
    if (!runs)
        return DDP_ERR_NO_MEMORY;
    uint32_t nq = 0;
    uint32_t nr = build_runs(ph, recs, live, runs, &nq);
    ph->job->stats.coalesced_runs += nr;
    ddp_read_extent *q = malloc(nq * sizeof *q);
    if (!q) {
        free(runs);
        return DDP_ERR_NO_MEMORY;
    }
    fill_pieces(ph->job, runs, nr, q);
    uint32_t n_moved = 0, found = 0;
    ddp_status st = read_runs(ph, c, recs, live, runs, nr, q, nq, &n_moved);
    free(q);
    free(runs);
    if (st != DDP_OK || n_moved == 0)
        return st;
    st = rs_redirect(ph, container, recs, n_moved, &found);
    if (st != DDP_OK || found == 0)
        return st;
    rs_sort_records(ph->records, recs, found, RS_KEY_OFFSET);
    return rs_exec_records(ph, container, recs, found);
}
