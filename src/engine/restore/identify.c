/*
 * identify.c - identifies the store's hash algorithm from records the restore does not
 * need, when none of its own chunks did (data_phase.c calls it before it settles the
 * chunks it held as unverified, options.require_verified).
 *
 * Records are packed in a container (FORMAT.md §3), so the records after a known one can
 * be walked. For each data container holding a held chunk (at most
 * DDP_IDENTIFY_CONTAINERS), one read of max_read bytes starts right after its first held
 * record and, when that identifies nothing, one starts at DDP_FIRST_RECORD_OFFSET (where
 * the first record lies in the stores seen) if that lies before it: at most
 * DDP_IDENTIFY_READS_PER_CONTAINER reads per container, each previewed (rs_read_range) and
 * counted in stats.identify_reads, read_calls and bytes_read. In what was read, records
 * are walked while their headers parse and fit; a data record stored uncompressed is
 * hashed with both candidates, and the first one giving its Ckhr hash fixes the
 * algorithm. A compressed record cannot be used: the decoders need its logical size,
 * which only the stream maps naming it give. A read that fails identifies nothing (the
 * held files are then settled as unverified).
 */
#include <string.h>

#include "ddp/container.h"
#include "restore_internal.h"

/* Walks the records in buf; returns the algorithm of the first uncompressed data record
 * whose payload has its hash under a candidate, DDP_HASH_UNKNOWN when none has. */
static ddp_hash_alg walk_records(const uint8_t *buf, uint32_t len)
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
        p += (uint32_t)span;
    }
    return DDP_HASH_UNKNOWN;
}

/* One read of up to max_read bytes at offset of container c, walked. */
static ddp_hash_alg probe(rs_job *job, rs_container *c, uint64_t offset)
{
    uint8_t *buf = rs_window(job, job->opt.max_read);
    uint32_t got = 0;
    if (!buf)
        return DDP_HASH_UNKNOWN;
    job->stats.identify_reads++;
    if (rs_read_range(job, c, offset, job->opt.max_read, buf, &got) < 0)
        return DDP_HASH_UNKNOWN;
    return walk_records(buf, got);
}

static int listed(const uint32_t *list, uint32_t n, uint32_t k)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == k)
            return 1;
    return 0;
}

/* Probes after record rec, then from the container's first record. */
static ddp_hash_alg probe_container(rs_job *job, rs_container *c, const rs_record *r)
{
    uint64_t after = ((uint64_t)r->offset + r->span + DDP_RECORD_ALIGN - 1) & ~(uint64_t)(DDP_RECORD_ALIGN - 1);
    ddp_hash_alg a = probe(job, c, after);
    if (a == DDP_HASH_UNKNOWN && r->offset > DDP_FIRST_RECORD_OFFSET)
        a = probe(job, c, DDP_FIRST_RECORD_OFFSET);
    return a;
}

void rs_identify_alg(rs_phase *ph)
{
    uint32_t probed[DDP_IDENTIFY_CONTAINERS], n_probed = 0;
    for (uint32_t rec = 0; rec < ph->n_records && n_probed < DDP_IDENTIFY_CONTAINERS; rec++) {
        const rs_record *r = &ph->records[rec];
        rs_container *c = &ph->containers[r->container];
        if (!(r->flags & RS_REC_UNVERIFIED) || c->dead_hr || listed(probed, n_probed, r->container))
            continue;
        probed[n_probed++] = r->container;
        ddp_hash_alg a = probe_container(ph->job, c, r);
        if (a != DDP_HASH_UNKNOWN) {
            ph->job->alg = a;
            return;
        }
    }
}
