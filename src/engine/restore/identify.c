/*
 * identify.c - identifies the store's hash algorithm from records the restore does not
 * need, when none of its own chunks did (data_phase.c calls it before it settles the
 * chunks it held as unverified, options.require_verified).
 *
 * Records are packed in a container (FORMAT.md §3), so the records after a known one can
 * be walked. Two sources, each read in windows of max_read bytes, at most
 * DDP_IDENTIFY_READS_PER_CONTAINER per container: one right after a known record and,
 * when that gives nothing, one from DDP_FIRST_RECORD_OFFSET (where the first record lies
 * in the stores seen) if that lies before it.
 *  1. The data containers holding a held chunk (at most DDP_IDENTIFY_CONTAINERS): a data
 *     record stored uncompressed is hashed with both candidates. A compressed one cannot
 *     be: the decoders need its logical size, which only the stream maps naming it give.
 *  2. The stream containers the restore read stream maps from (the first
 *     DDP_IDENTIFY_CONTAINERS, noted by stream_map_phase.c): the stream maps after the
 *     restore's own give chunks with their logical size (an entry's end less the previous
 *     one's; the first entry's range is taken to start at 0, which only a hash match can
 *     confirm); at most DDP_IDENTIFY_CHUNK_READS of them are read, checked like any chunk
 *     (Ckhr, sizes, the record's hash equal to the stream map's), decompressed and hashed.
 * The first record whose content gives its hash under a candidate fixes the algorithm: a
 * wrong guess (a damaged or misread record) can only fail to match, never identify. Every
 * read is previewed (rs_read_range) and counted in stats.identify_reads, read_calls and
 * bytes_read. A read that fails identifies nothing (the held files are then settled as
 * unverified); running out of memory ends the restore (DDP_ERR_NO_MEMORY, returned) like
 * anywhere else, so that no file is settled as unverified for want of memory. Memory: the read window and one
 * DDP_MAX_CHUNK_SIZE buffer for a decompressed chunk while it runs.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/stream_map.h"
#include "restore_internal.h"

typedef struct candidate {
    ddp_chunk_ref ref;
    uint32_t logical;
    uint32_t store;
} candidate;

typedef struct walk {
    uint32_t store;                        /* the stream container's chunk store */
    candidate *found;                      /* DDP_IDENTIFY_CHUNK_READS */
    uint32_t n_found;
} walk;

static uint64_t align_record(uint64_t end)
{
    return (end + DDP_RECORD_ALIGN - 1) & ~(uint64_t)(DDP_RECORD_ALIGN - 1);
}

/* The chunks of one Smap payload whose sizes are plausible, added to w. */
static void collect_chunks(walk *w, const uint8_t *payload, uint32_t len)
{
    uint32_t count = 0;
    if (ddp_stream_map_count(payload, len, &count, NULL) != DDP_OK)
        return;
    uint64_t prev = 0;
    for (uint32_t i = 0; i < count && w->n_found < DDP_IDENTIFY_CHUNK_READS; i++) {
        candidate c;
        ddp_stream_map_entry(payload, i, &c.ref);
        uint64_t logical = c.ref.end > prev ? c.ref.end - prev : 0;
        prev = c.ref.end;
        if (logical == 0 || logical > DDP_MAX_CHUNK_SIZE || c.ref.stored_size == 0 ||
            c.ref.stored_size > DDP_MAX_CHUNK_SIZE)
            continue;
        c.logical = (uint32_t)logical;
        c.store = w->store;
        w->found[w->n_found++] = c;
    }
}

/* Walks the records in buf. Data records stored uncompressed are hashed: returns the
 * algorithm of the first that matches. With w, stream maps add their chunks to w. */
static ddp_hash_alg walk_records(const uint8_t *buf, uint32_t len, walk *w)
{
    uint32_t p = 0;
    while (len - p >= DDP_CKHR_COMMON_SIZE) {
        ddp_record r;
        if (ddp_record_parse(buf + p, len - p, &r, NULL) != DDP_OK)
            break;
        uint64_t span = ddp_record_span(&r);
        if (span > len - p)
            break;
        ddp_hash_alg a = DDP_HASH_UNKNOWN;
        if (r.kind == DDP_RECORD_KIND_DATA && r.compression == DDP_COMPRESSION_NONE &&
            ddp_chunk_hash_detect(buf + p + r.header_size, r.payload_size, r.hash, &a) == DDP_OK &&
            a != DDP_HASH_UNKNOWN)
            return a;
        if (w && r.kind == DDP_RECORD_KIND_STREAM_MAP)
            collect_chunks(w, buf + p + r.header_size, r.payload_size);
        p += (uint32_t)span;
    }
    return DDP_HASH_UNKNOWN;
}

/* One read of up to max_read bytes at offset of container c, walked. *st: DDP_ERR_NO_MEMORY
 * when the window could not be had. */
static ddp_hash_alg probe(rs_job *job, rs_container *c, uint64_t offset, walk *w, ddp_status *st)
{
    uint8_t *buf = rs_window(job, job->opt.max_read);
    uint32_t got = 0;
    if (!buf) {
        *st = DDP_ERR_NO_MEMORY;
        return DDP_HASH_UNKNOWN;
    }
    job->stats.identify_reads++;
    if (rs_read_range(job, c, offset, job->opt.max_read, buf, &got) < 0)
        return DDP_HASH_UNKNOWN;
    return walk_records(buf, got, w);
}

/* Probes after a known record ending at after, then from the container's first record. */
static ddp_hash_alg probe_container(rs_job *job, rs_container *c, uint64_t start, uint64_t after, walk *w,
                                    ddp_status *st)
{
    uint32_t before = w ? w->n_found : 0;
    ddp_hash_alg a = probe(job, c, align_record(after), w, st);
    if (a == DDP_HASH_UNKNOWN && *st == DDP_OK && (!w || w->n_found == before) && start > DDP_FIRST_RECORD_OFFSET)
        a = probe(job, c, DDP_FIRST_RECORD_OFFSET, w, st);
    return a;
}

static int listed(const uint32_t *list, uint32_t n, uint32_t k)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == k)
            return 1;
    return 0;
}

/* Source 1: the data containers of the held chunks. */
static ddp_hash_alg from_data_containers(rs_phase *ph, ddp_status *st)
{
    uint32_t probed[DDP_IDENTIFY_CONTAINERS], n_probed = 0;
    for (uint32_t rec = 0; rec < ph->n_records && n_probed < DDP_IDENTIFY_CONTAINERS && *st == DDP_OK; rec++) {
        const rs_record *r = &ph->records[rec];
        rs_container *c = &ph->containers[r->container];
        if (!(r->flags & RS_REC_UNVERIFIED) || c->dead != DDP_OK || listed(probed, n_probed, r->container))
            continue;
        probed[n_probed++] = r->container;
        ddp_hash_alg a = probe_container(ph->job, c, r->offset, (uint64_t)r->offset + r->span, NULL, st);
        if (a != DDP_HASH_UNKNOWN)
            return a;
    }
    return DDP_HASH_UNKNOWN;
}

/* Reads the chunk c names and hashes its content (into content, DDP_MAX_CHUNK_SIZE bytes). */
static ddp_hash_alg try_chunk(rs_job *job, const candidate *c, uint8_t *content, ddp_decoder *dec, ddp_status *st)
{
    rs_container dc;
    memset(&dc, 0, sizeof dc);
    dc.path = rs_container_path(&job->stores[c->store], "Data", c->ref.container_id, c->ref.generation);
    uint32_t span = DDP_DATA_HEADER_SIZE + c->ref.stored_size, got = 0;
    uint8_t *buf = rs_window(job, span);
    ddp_hash_alg a = DDP_HASH_UNKNOWN;
    ddp_record r;
    uint64_t at;
    char what[128];
    if (!dc.path || !buf) {
        *st = DDP_ERR_NO_MEMORY;
        goto out;
    }
    job->stats.identify_reads++;
    if (rs_read_range(job, &dc, c->ref.offset_hint, span, buf, &got) < 0 ||
        !rs_record_is(buf, got, c->ref.sequence, DDP_RECORD_KIND_DATA) ||
        rs_record_check(buf, got, c->ref.stored_size, c->ref.hash, DDP_HASH_SIZE, "stream map", &r, &at, what,
                        sizeof what) != DDP_OK ||
        ddp_chunk_decompress(dec, r.compression, buf + r.header_size, r.payload_size, content, c->logical) != DDP_OK ||
        ddp_chunk_hash_detect(content, c->logical, c->ref.hash, &a) != DDP_OK)
        a = DDP_HASH_UNKNOWN;
out:
    free(dc.path);
    return a;
}

/* Source 2: chunks named by the stream maps beside the restore's own. */
static ddp_hash_alg from_stream_maps(rs_job *job, ddp_decoder *dec, ddp_status *st)
{
    candidate found[DDP_IDENTIFY_CHUNK_READS];
    walk w = {0, found, 0};
    for (uint32_t i = 0; i < job->n_sites && w.n_found < DDP_IDENTIFY_CHUNK_READS && *st == DDP_OK; i++) {
        rs_container sc;
        memset(&sc, 0, sizeof sc);
        sc.path = job->sites[i].path;
        w.store = job->sites[i].store;
        (void)probe_container(job, &sc, job->sites[i].start, job->sites[i].after, &w, st);
    }
    uint8_t *content = w.n_found && *st == DDP_OK ? malloc(DDP_MAX_CHUNK_SIZE) : NULL;
    if (w.n_found && !content)
        *st = DDP_ERR_NO_MEMORY;
    ddp_hash_alg a = DDP_HASH_UNKNOWN;
    for (uint32_t i = 0; content && i < w.n_found && a == DDP_HASH_UNKNOWN && *st == DDP_OK; i++)
        a = try_chunk(job, &found[i], content, dec, st);
    free(content);
    return a;
}

ddp_status rs_identify_alg(rs_phase *ph, ddp_decoder *dec)
{
    ddp_status st = DDP_OK;
    ddp_hash_alg a = from_data_containers(ph, &st);
    if (a == DDP_HASH_UNKNOWN && st == DDP_OK)
        a = from_stream_maps(ph->job, dec, &st);
    if (st != DDP_OK)
        return st;
    if (a != DDP_HASH_UNKNOWN)
        ph->job->alg = a;
    return DDP_OK;
}

ddp_status rs_identify_note(rs_job *job, uint32_t store, const char *path, uint64_t start, uint64_t after)
{
    if (job->n_sites == DDP_IDENTIFY_CONTAINERS)
        return DDP_OK;
    for (uint32_t i = 0; i < job->n_sites; i++)
        if (strcmp(job->sites[i].path, path) == 0)
            return DDP_OK;
    char *copy = malloc(strlen(path) + 1);
    if (!copy)
        return DDP_ERR_NO_MEMORY;
    strcpy(copy, path);
    job->sites[job->n_sites++] = (struct rs_identify_site){copy, store, start, after};
    return DDP_OK;
}

void rs_identify_free(rs_job *job)
{
    for (uint32_t i = 0; i < job->n_sites; i++)
        free(job->sites[i].path);
    job->n_sites = 0;
}
