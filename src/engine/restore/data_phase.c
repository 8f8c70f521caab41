/*
 * data_phase.c - phase 3: the data chunks (OrderContainersRestore #2).
 *
 * Each distinct chunk is one record read once, at its Smap offset hint (Rrtl when
 * stale). It is accepted when its Ckhr names the expected sequence and kind, its payload
 * size and hash equal the stream map's, it decompresses to exactly the logical size the
 * stream map gives, and the hash of that content is the chunk hash. The hash algorithm
 * is the one the options fix, or is detected on the first chunk that matches one of the
 * two candidates (ddp_chunk_hash_identify). A chunk that matches neither candidate is
 * corrupt whichever of the two the store uses, so it fails its files at once, even
 * before the algorithm is known: content that cannot be verified is never finished
 * (a store using some third algorithm would fail every file, safely: the stubs keep
 * their reparse points).
 *
 * A verified chunk is written to every use; a file is finished as soon as all its bytes
 * [0, size) were written (its chunks tile the file exactly: the reparse parser checks
 * the references are contiguous and ddp_stream_map_validate each stream map's range),
 * and the remaining ones (files of no chunk) at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_set.h"
#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "restore_internal.h"

typedef struct data_ctx {
    rs_chunk_set *cs;
    uint8_t *out;             /* one decompressed chunk */
} data_ctx;

static void chunk_fail(rs_phase *ph, uint32_t rec, int32_t hr, ddp_status st, const char *msg)
{
    data_ctx *x = ph->ctx;
    for (uint32_t u = x->cs->chunks[rec].first_use; u != RS_NONE; u = x->cs->uses[u].next)
        rs_file_fail(ph->job, x->cs->uses[u].file, hr, st, "%s", msg);
}

static void corrupt(rs_phase *ph, uint32_t rec, ddp_status st, uint64_t at, const char *what)
{
    const rs_record *r = &ph->records[rec];
    const char *path = ph->containers[r->container].path;
    const char *p = strstr(path, ".ddp\\");
    char msg[160];
    snprintf(msg, sizeof msg, "%s offset 0x%llx: chunk %u: %s", p ? p + 5 : path,
             (unsigned long long)(r->offset + at), r->sequence, what);
    chunk_fail(ph, rec, DDP_HR_FILE_CORRUPT, st, msg);
}

/* 1: the content has the expected hash, 0: not (or it could not be computed). */
static int verify(rs_job *job, const uint8_t *data, size_t len, const uint8_t hash[32])
{
    if (job->alg == DDP_HASH_UNKNOWN) {
        ddp_hash_alg a = ddp_chunk_hash_identify(data, len, hash);
        if (a == DDP_HASH_UNKNOWN)
            return 0;
        job->alg = a;
        return 1;
    }
    uint8_t h[DDP_HASH_SIZE];
    if (ddp_chunk_hash(job->alg, data, len, h) != DDP_OK)
        return 0;
    return memcmp(h, hash, DDP_HASH_SIZE) == 0;
}

static void write_uses(rs_phase *ph, uint32_t rec, const uint8_t *data, uint32_t len)
{
    data_ctx *x = ph->ctx;
    rs_job *job = ph->job;
    for (uint32_t u = x->cs->chunks[rec].first_use; u != RS_NONE; u = x->cs->uses[u].next) {
        const rs_use *use = &x->cs->uses[u];
        rs_file *f = &job->files[use->file];
        if (!rs_file_alive(job, use->file))
            continue;
        if (!f->began) {
            ddp_status st = job->target->begin(job->target->ctx, use->file, f->size);
            if (st != DDP_OK) {
                rs_file_fail(job, use->file, rs_hr_of_status(st), st, "preparing the file failed: %s",
                             ddp_status_str(st));
                continue;
            }
            f->began = 1;
        }
        ddp_status st = job->target->write(job->target->ctx, use->file, use->offset, data, len);
        if (st != DDP_OK) {
            rs_file_fail(job, use->file, rs_hr_of_status(st), st, "writing %u bytes at 0x%llx failed: %s", len,
                         (unsigned long long)use->offset, ddp_status_str(st));
            continue;
        }
        job->stats.bytes_written += len;
        f->written += len;
        if (f->written == f->size)
            rs_file_finish(job, use->file);
    }
}

static rs_verdict chunk_consume(rs_phase *ph, uint32_t rec, const uint8_t *bytes, size_t len)
{
    data_ctx *x = ph->ctx;
    const rs_chunk *ch = &x->cs->chunks[rec];
    if (!rs_record_is(bytes, len, ph->records[rec].sequence, DDP_RECORD_KIND_DATA))
        return RS_NOT_HERE;
    ph->job->stats.chunks_read++;
    ddp_record r;
    uint64_t at = 0;
    char what[128];
    ddp_status st = rs_record_check(bytes, len, ch->stored, ch->hash, DDP_HASH_SIZE, "stream map", &r, &at, what,
                                    sizeof what);
    if (st != DDP_OK) {
        corrupt(ph, rec, st, at, what);
        return RS_CONSUMED;
    }
    st = ddp_chunk_decompress(r.compression, bytes + r.header_size, r.payload_size, x->out, ch->logical);
    if (st != DDP_OK) {
        snprintf(what, sizeof what, "compression %u payload does not give %u bytes: %s", r.compression,
                 ch->logical, ddp_status_str(st));
        corrupt(ph, rec, st, r.header_size, what);
        return RS_CONSUMED;
    }
    if (!verify(ph->job, x->out, ch->logical, ch->hash)) {
        if (ph->job->alg == DDP_HASH_UNKNOWN)
            snprintf(what, sizeof what, "content matches neither a SHA-256 nor a SHA-512 truncated hash");
        else
            snprintf(what, sizeof what, "content does not match its %s hash", ddp_hash_alg_name(ph->job->alg));
        corrupt(ph, rec, DDP_ERR_HASH_MISMATCH, r.header_size, what);
        return RS_CONSUMED;
    }
    write_uses(ph, rec, x->out, ch->logical);
    return RS_CONSUMED;
}

/* After the last chunk: finish what is complete, fail what is not. */
static void settle_files(rs_job *job)
{
    for (uint32_t i = 0; i < job->n_files; i++) {
        rs_file *f = &job->files[i];
        if (!rs_file_alive(job, i))
            continue;
        if (f->written != f->size) {
            rs_file_fail(job, i, DDP_HR_UNEXPECTED, DDP_ERR_TRUNCATED, "only %llu of %llu bytes were restored",
                         (unsigned long long)f->written, (unsigned long long)f->size);
            continue;
        }
        if (!f->began) {
            ddp_status st = job->target->begin(job->target->ctx, i, f->size);
            if (st != DDP_OK) {
                rs_file_fail(job, i, rs_hr_of_status(st), st, "preparing the file failed: %s", ddp_status_str(st));
                continue;
            }
            f->began = 1;
        }
        rs_file_finish(job, i);
    }
}

int32_t rs_data_phase(rs_job *job, rs_chunk_set *cs)
{
    data_ctx x = {cs, malloc(DDP_MAX_CHUNK_SIZE)};
    if (!x.out)
        return DDP_HR_E_OUTOFMEMORY;
    rs_phase ph;
    memset(&ph, 0, sizeof ph);
    ph.job = job;
    ph.what = "chunk";
    ph.containers = cs->containers;
    ph.n_containers = cs->n_containers;
    ph.records = cs->records;
    ph.n_records = cs->n_chunks;
    ph.consume = chunk_consume;
    ph.fail = chunk_fail;
    ph.ctx = &x;
    rs_phase_run(&ph);
    free(x.out);
    if (!job->out_of_memory)
        settle_files(job);
    return job->out_of_memory ? DDP_HR_E_OUTOFMEMORY : 0;
}
