/*
 * reader.c - the record reader (reader.h): reads the records of one phase group by group
 * (a group: the records of one plan extent, all of one container, ascending offset) and
 * hands them out one at a time.
 *
 * The records of a group are coalesced into runs: a record joins the current run when the
 * gap before it is below coalesce_gap and the run stays within max_read bytes, so a
 * container is streamed rather than seeked. A run longer than max_read (one record larger
 * than the window) is read in max_read pieces. Before the first read the whole list of
 * pieces is announced with one preview() call; the reads that follow are exactly that
 * list (store_read.c announces the rest again whenever it changes: a short read's
 * remainder, the pieces a truncated or failed run drops).
 *
 * A run's bytes are read into the read window and its records handed out in order. A
 * read returning S_OK with fewer bytes is asked again for the rest; zero bytes means the
 * container ends there (truncated); claiming more bytes than asked is a failed read
 * (DDP_ERR_PROTOCOL). A failing read fails the records of its run with the reason
 * rs_store_failure gives its code; a "not found" kind marks the whole container dead
 * (everything still needing it fails, with no further reads of it). A record the
 * consumer says is not there (stale hint), or that lies past the end of what could be
 * read, is collected and, after the group's runs, looked up in the container's Rrtl
 * (redirect.c); the ones found form a new group, read again at their real offsets. A
 * redirected record that is again not there fails (DDP_ERR_BAD_MAGIC, or
 * DDP_ERR_TRUNCATED past the end). Failures are queued (rs_fail_list, at most one per
 * record of the group) and handed out before anything else is read, so they come in the
 * order they happened.
 *
 * stats.coalesced_runs counts the runs planned: every run a group forms, in both record
 * phases, including the runs of records read again after a redirection and runs left
 * unread because their container turned out unreadable. Reads of redirection tables are
 * not runs. A run needs ceil(length / max_read) reads, plus one per re-ask after a short
 * read. Memory: per group, 32 bytes per run, 16 per read and 16 per record (failures);
 * the read window is the job's (restore.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "reader_parts.h"
#include "sort.h"
#include "store_read.h"

typedef struct rs_run {
    uint64_t start, end;
    uint32_t first, count;     /* slice of the group's record list */
    uint32_t first_piece, pieces;
} rs_run;

struct rs_reader {
    rs_phase *ph;
    uint32_t *order;           /* the planned records, grouped by extent (read_plan.c) */
    uint32_t n_order, at;      /* the next group starts at order[at] */
    /* the group being read */
    uint32_t container;
    uint32_t *recs, n;         /* its records (in order[], or the redirected prefix of it) */
    int redirected;            /* 1: the group of records found through the Rrtl */
    rs_run *runs;
    uint32_t nr, k;            /* runs, and the next run to read */
    ddp_read_extent *q;
    rs_queue queue;
    const uint8_t *buf;        /* the run being handed out, its bytes read */
    uint64_t avail;
    uint32_t i, i_end;         /* its records still to hand out: recs[i..i_end) */
    uint32_t n_moved;          /* records for the Rrtl, gathered in recs[0..n_moved) */
    uint32_t last;             /* the record last handed out with bytes */
    rs_fail_list fails;
    ddp_status st;             /* DDP_ERR_NO_MEMORY: stopped */
    char message[160];
};

static int record_live(const rs_record *r)
{
    return !(r->flags & (RS_REC_DONE | RS_REC_FAILED));
}

ddp_status rs_reader_open(rs_phase *ph, rs_reader **out)
{
    *out = NULL;
    rs_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return DDP_ERR_NO_MEMORY;
    rd->ph = ph;
    rd->last = RS_NONE;
    ddp_status st = rs_plan(ph, &rd->order, &rd->n_order);
    if (st != DDP_OK) {
        free(rd->order);
        free(rd);
        return st;
    }
    *out = rd;
    return DDP_OK;
}

/* Groups the records of the group (ascending) into runs; returns the run count. */
static uint32_t build_runs(const rs_phase *ph, const uint32_t *recs, uint32_t n, rs_run *runs, uint32_t *n_pieces)
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

/* The store's read failed with code (or the container is dead: its dead_code): the
 * records recs[from..to) fail with its reason; a "not found" kind marks it dead. */
static void fail_read(rs_reader *rd, uint32_t from, uint32_t to, int32_t code)
{
    rs_container *c = &rd->ph->containers[rd->container];
    ddp_status st = rs_store_failure(code);
    if (st == DDP_ERR_NOT_FOUND && c->dead == DDP_OK) {
        c->dead = st;
        c->dead_code = code;
    }
    for (uint32_t i = from; i < to; i++)
        rs_fail_push(rd->ph, &rd->fails, rd->recs[i], RS_FAIL_READ, st, code);
}

static void end_group(rs_reader *rd)
{
    free(rd->runs);
    free(rd->q);
    rd->runs = NULL;
    rd->q = NULL;
    rd->nr = rd->k = 0;
    rd->i = rd->i_end = 0;
}

/* Starts reading recs[0..n) of container (ascending offset). */
static ddp_status start_group(rs_reader *rd, uint32_t container, uint32_t *recs, uint32_t n, int redirected)
{
    rs_phase *ph = rd->ph;
    rs_container *c = &ph->containers[container];
    end_group(rd);
    rd->container = container;
    rd->redirected = redirected;
    rd->n_moved = 0;
    uint32_t live = 0;
    for (uint32_t i = 0; i < n; i++)
        if (record_live(&ph->records[recs[i]]))
            recs[live++] = recs[i];
    rd->recs = recs;
    rd->n = live;
    if (live > rd->fails.cap) {
        rs_fail *f = realloc(rd->fails.items, (size_t)live * sizeof *f);
        if (!f)
            return DDP_ERR_NO_MEMORY;
        rd->fails.items = f;
        rd->fails.cap = live;
    }
    if (live == 0)
        return DDP_OK;
    if (c->dead != DDP_OK) {
        fail_read(rd, 0, live, c->dead_code);
        return DDP_OK;
    }
    rd->runs = malloc(live * sizeof *rd->runs);
    if (!rd->runs)
        return DDP_ERR_NO_MEMORY;
    uint32_t nq = 0;
    rd->nr = build_runs(ph, recs, live, rd->runs, &nq);
    ph->job->stats.coalesced_runs += rd->nr;
    rd->q = malloc(nq * sizeof *rd->q);
    if (!rd->q)
        return DDP_ERR_NO_MEMORY;
    fill_pieces(ph->job, rd->runs, rd->nr, rd->q);
    rd->queue = (rs_queue){ph->job, c, rd->q, nq, 0, 0};
    return DDP_OK;
}

/* Reads run k into the window; its records become the ones handed out next. */
static ddp_status read_run(rs_reader *rd)
{
    rs_phase *ph = rd->ph;
    rs_container *c = &ph->containers[rd->container];
    rs_run *run = &rd->runs[rd->k++];
    if (c->dead != DDP_OK) {
        fail_read(rd, run->first, rd->n, c->dead_code);
        rd->k = rd->nr;
        return DDP_OK;
    }
    uint8_t *buf = rs_window(ph->job, (size_t)(run->end - run->start));
    if (!buf)
        return DDP_ERR_NO_MEMORY;
    uint64_t avail = 0;
    int32_t code = 0;
    uint32_t p;
    for (p = 0; p < run->pieces; p++) {
        uint32_t want = (uint32_t)rd->q[run->first_piece + p].length, got = 0;
        code = rs_queue_take(&rd->queue, buf + avail, &got);
        avail += got;
        if (code < 0 || got < want)
            break;
    }
    if (p + 1 < run->pieces)
        rs_queue_skip(&rd->queue, run->pieces - p - 1);
    if (code < 0) {
        fail_read(rd, run->first, run->first + run->count, code);
        return DDP_OK;
    }
    rd->buf = buf;
    rd->avail = avail;
    rd->i = run->first;
    rd->i_end = run->first + run->count;
    return DDP_OK;
}

/* A record that is not where it was looked for: kept for the Rrtl, or failed when the
 * Rrtl already sent the reader there. */
static void not_found_here(rs_reader *rd, uint32_t rec, int truncated)
{
    rs_record *r = &rd->ph->records[rec];
    if (r->flags & RS_REC_REDIRECTED) {
        r->flags &= ~RS_REC_DONE;
        rs_fail_push(rd->ph, &rd->fails, rec, truncated ? RS_FAIL_PAST_END : RS_FAIL_NOT_AT,
                     truncated ? DDP_ERR_TRUNCATED : DDP_ERR_BAD_MAGIC, 0);
        return;
    }
    r->flags = (r->flags & ~RS_REC_DONE) | RS_REC_MOVED;
    rd->recs[rd->n_moved++] = rec;
}

/* After the group's runs: its moved records looked up in the Rrtl (the ones it cannot
 * find queued as failures), the found ones read as a group of their own. 0: nothing was
 * moved, the group is over. */
static int redirect_moved(rs_reader *rd)
{
    if (rd->redirected || rd->n_moved == 0)
        return 0;
    uint32_t found = 0, *recs = rd->recs, n = rd->n_moved;
    end_group(rd);
    rd->n_moved = 0;
    rd->st = rs_redirect(rd->ph, rd->container, recs, n, &rd->fails, &found);
    if (rd->st == DDP_OK && found > 0) {
        rs_sort_records(rd->ph->records, recs, found, RS_KEY_OFFSET);
        rd->st = start_group(rd, rd->container, recs, found, 1);
    }
    return 1;
}

/* The next planned group: the records of one extent. 0: none left. */
static int next_group(rs_reader *rd)
{
    if (rd->at >= rd->n_order)
        return 0;
    const rs_record *records = rd->ph->records;
    uint32_t i = rd->at, j = i + 1, ext = records[rd->order[i]].extent;
    while (j < rd->n_order && records[rd->order[j]].extent == ext)
        j++;
    rd->at = j;
    rd->st = start_group(rd, records[rd->order[i]].container, rd->order + i, j - i, 0);
    return 1;
}

static void fail_message(rs_reader *rd, const rs_fail *f)
{
    static const char *const what[] = {
        [RS_FAIL_PAST_END] = "lies past the end of the container (redirected offset)",
        [RS_FAIL_NOT_AT] = "is not at the offset its redirection table gives",
        [RS_FAIL_DEAD] = "the container cannot be read",
        [RS_FAIL_RRTL_UNREADABLE] = "its redirection table could not be read",
        [RS_FAIL_NOT_IN_RRTL] = "not in the redirection table",
    };
    const rs_phase *ph = rd->ph;
    const rs_record *r = &ph->records[f->rec];
    const char *path = ddp_container_short_path(ph->containers[r->container].path);
    char why[96];
    switch ((rs_fail_kind)f->kind) {
    case RS_FAIL_READ:
        snprintf(why, sizeof why, "could not be read (error 0x%08x)", (unsigned)f->code);
        break;
    case RS_FAIL_RRTL_INVALID:
        snprintf(why, sizeof why, "no valid redirection table at 0x3000 (%s)", ddp_status_str(f->st));
        break;
    default:
        snprintf(why, sizeof why, "%s", what[f->kind]);
        break;
    }
    if (f->kind <= RS_FAIL_NOT_AT)
        snprintf(rd->message, sizeof rd->message, "%s offset 0x%x: %s %u %s", path, r->offset, ph->what, r->sequence,
                 why);
    else
        snprintf(rd->message, sizeof rd->message, "%s: %s %u not at its hint 0x%x and %s", path, ph->what,
                 r->sequence, r->offset, why);
}

int rs_reader_next(rs_reader *rd, uint32_t *rec, const uint8_t **bytes, size_t *len, ddp_status *why)
{
    *bytes = NULL;
    *len = 0;
    *why = DDP_OK;
    rd->last = RS_NONE;
    for (;;) {
        if (rd->st != DDP_OK)
            return 0;
        if (rd->fails.next < rd->fails.n) {
            const rs_fail *f = &rd->fails.items[rd->fails.next++];
            fail_message(rd, f);
            *rec = f->rec;
            *why = f->st;
            return 1;
        }
        rd->fails.n = rd->fails.next = 0;
        while (rd->i < rd->i_end) {
            uint32_t r = rd->recs[rd->i++];
            rs_record *record = &rd->ph->records[r];
            if (!record_live(record))
                continue;
            uint64_t rel = record->offset - rd->runs[rd->k - 1].start;
            if (rel + record->span > rd->avail) {
                not_found_here(rd, r, 1);
                break;   /* a failure to hand out first, perhaps */
            }
            record->flags |= RS_REC_DONE;
            rd->last = r;
            *rec = r;
            *bytes = rd->buf + rel;
            *len = record->span;
            return 1;
        }
        if (rd->i < rd->i_end || rd->fails.n > 0)
            continue;
        if (rd->k < rd->nr)
            rd->st = read_run(rd);
        else if (!redirect_moved(rd) && !next_group(rd))
            return 0;
    }
}

void rs_reader_not_here(rs_reader *rd)
{
    if (rd->last != RS_NONE)
        not_found_here(rd, rd->last, 0);
    rd->last = RS_NONE;
}

const char *rs_reader_message(const rs_reader *rd)
{
    return rd->message;
}

ddp_status rs_reader_close(rs_reader *rd)
{
    if (!rd)
        return DDP_OK;
    ddp_status st = rd->st;
    end_group(rd);
    free(rd->fails.items);
    free(rd->order);
    free(rd);
    return st;
}
