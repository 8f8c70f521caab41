/*
 * stream_map_phase.c - phase 2: the stream-map records (OrderContainersRestore #1).
 *
 * One record per stream reference, at the reference's offset hint, spanning the
 * 0x68-byte Ckhr header and the Smap payload. A record is accepted when its Ckhr names
 * the expected sequence and kind (otherwise it is looked up in the Rrtl), its payload
 * size equals the reference's, its hash starts with the reference's hash prefix and the
 * Smap validates against the reference's range; anything else is DDP_E_FILE_CORRUPT for
 * that file. An accepted stream map adds each of its chunks to the chunk set; running out
 * of memory there ends the phase (DDP_ERR_NO_MEMORY).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_set.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/stream_map.h"
#include "reader.h"
#include "restore_internal.h"

typedef struct smap_ctx {
    rs_stream_plan *sp;
    uint32_t *need_of;        /* record -> need */
    rs_chunk_set *chunks;
} smap_ctx;

static void smap_fail(const smap_ctx *x, rs_phase *ph, uint32_t rec, ddp_status st, const char *msg)
{
    rs_file_fail(ph->job, x->sp->needs[x->need_of[rec]].file, st, "%s", msg);
}

static void corrupt(const smap_ctx *x, rs_phase *ph, uint32_t rec, ddp_status st, uint64_t at, const char *what)
{
    char msg[160];
    rs_record_fault(ph, rec, at, "stream map", what, msg, sizeof msg);
    smap_fail(x, ph, rec, st, msg);
}

/* Adds the chunks of a valid Smap. DDP_OK or DDP_ERR_NO_MEMORY. */
static ddp_status add_chunks(smap_ctx *x, rs_phase *ph, const rs_smap_need *n, const uint8_t *payload)
{
    rs_job *job = ph->job;
    uint32_t count = (n->smap_size - DDP_SMAP_PREFIX_SIZE) / DDP_SMAP_ENTRY_SIZE;
    uint64_t prev = n->range_start;
    for (uint32_t i = 0; i < count && rs_file_alive(job, n->file); i++) {
        ddp_chunk_ref e;
        ddp_stream_map_entry(payload, i, &e);
        rs_add_result r = rs_chunk_set_add(x->chunks, n->file, job->files[n->file].store, &e,
                                           (uint32_t)(e.end - prev), prev);
        if (r == RS_ADD_NO_MEMORY) {
            rs_file_fail(job, n->file, DDP_ERR_NO_MEMORY, "out of memory listing chunks");
            return DDP_ERR_NO_MEMORY;
        }
        prev = e.end;
        job->stats.chunk_refs++;
    }
    return DDP_OK;
}

static rs_verdict smap_consume(smap_ctx *x, rs_phase *ph, uint32_t rec, const uint8_t *bytes, size_t len)
{
    const rs_smap_need *n = &x->sp->needs[x->need_of[rec]];
    if (!rs_record_is(bytes, len, n->sequence, DDP_RECORD_KIND_STREAM_MAP))
        return RS_NOT_HERE;
    ddp_record r;
    uint64_t at = 0;
    char what[128];
    ddp_status st = rs_record_check(bytes, len, n->smap_size, n->hash, n->hash_len, "reparse point", &r, &at, what,
                                    sizeof what);
    if (st != DDP_OK) {
        corrupt(x, ph, rec, st, at, what);
        return RS_CONSUMED;
    }
    const uint8_t *payload = bytes + r.header_size;
    ddp_diag diag = {0, "stream map"};
    st = ddp_stream_map_validate(payload, r.payload_size, n->range_start, n->range_end, &diag);
    if (st != DDP_OK) {
        snprintf(what, sizeof what, "%s: %s", diag.what ? diag.what : "entry", ddp_status_str(st));
        corrupt(x, ph, rec, st, r.header_size + diag.offset, what);
        return RS_CONSUMED;
    }
    const rs_record *rr = &ph->records[rec];
    if (add_chunks(x, ph, n, payload) != DDP_OK ||
        rs_identify_note(ph->job, ph->job->files[n->file].store, ph->containers[rr->container].path, rr->offset,
                         (uint64_t)rr->offset + ddp_record_span(&r)) != DDP_OK)
        return RS_NO_MEMORY;
    return RS_CONSUMED;
}

/* Records for the needs of live files whose container was found. */
static int build_records(rs_phase *ph, smap_ctx *x, rs_stream_plan *sp)
{
    uint32_t *phase_index = malloc((sp->n_containers ? sp->n_containers : 1) * sizeof *phase_index);
    ph->containers = malloc((sp->n_containers ? sp->n_containers : 1) * sizeof *ph->containers);
    ph->records = malloc((sp->n_needs ? sp->n_needs : 1) * sizeof *ph->records);
    x->need_of = malloc((sp->n_needs ? sp->n_needs : 1) * sizeof *x->need_of);
    if (!phase_index || !ph->containers || !ph->records || !x->need_of) {
        free(phase_index);
        return -1;
    }
    ph->n_containers = 0;
    for (uint32_t i = 0; i < sp->n_containers; i++) {
        phase_index[i] = RS_NONE;
        if (sp->containers[i].dead == DDP_OK) {
            phase_index[i] = ph->n_containers;
            ph->containers[ph->n_containers++] = sp->containers[i];   /* shares the path */
        }
    }
    ph->n_records = 0;
    for (uint32_t i = 0; i < sp->n_needs; i++) {
        const rs_smap_need *n = &sp->needs[i];
        if (!rs_file_alive(ph->job, n->file) || phase_index[n->container] == RS_NONE)
            continue;
        rs_record *r = &ph->records[ph->n_records];
        memset(r, 0, sizeof *r);
        r->container = phase_index[n->container];
        r->sequence = n->sequence;
        r->offset = n->offset_hint;
        r->span = DDP_SMAP_HEADER_SIZE + n->smap_size;
        r->extent = RS_NONE;
        x->need_of[ph->n_records++] = i;
    }
    free(phase_index);
    return 0;
}

/* The stream maps, one at a time from the reader. */
static ddp_status read_stream_maps(smap_ctx *x, rs_phase *ph)
{
    rs_reader *rd;
    ddp_status st = rs_reader_open(ph, &rd);
    uint32_t rec;
    const uint8_t *bytes;
    size_t len;
    ddp_status why;
    while (st == DDP_OK && rs_reader_next(rd, &rec, &bytes, &len, &why)) {
        if (why != DDP_OK) {
            smap_fail(x, ph, rec, why, rs_reader_message(rd));
            continue;
        }
        rs_verdict v = smap_consume(x, ph, rec, bytes, len);
        if (v == RS_NOT_HERE)
            rs_reader_not_here(rd);
        else if (v == RS_NO_MEMORY)
            st = DDP_ERR_NO_MEMORY;
    }
    ddp_status closed = rs_reader_close(rd);
    return st != DDP_OK ? st : closed;
}

ddp_status rs_stream_map_phase(rs_job *job, rs_stream_plan *sp, rs_chunk_set **chunks)
{
    smap_ctx x = {sp, NULL, rs_chunk_set_new(job)};
    rs_phase ph;
    memset(&ph, 0, sizeof ph);
    ph.job = job;
    ph.what = "stream map";
    ddp_status st = DDP_ERR_NO_MEMORY;
    if (x.chunks && build_records(&ph, &x, sp) == 0)
        st = read_stream_maps(&x, &ph);
    free(ph.containers);
    free(ph.records);
    free(x.need_of);
    if (x.chunks)
        rs_chunk_set_seal(x.chunks);
    *chunks = x.chunks;
    return st;
}
