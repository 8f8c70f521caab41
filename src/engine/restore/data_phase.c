/*
 * data_phase.c - phase 3: the data chunks (OrderContainersRestore #2).
 *
 * Each distinct chunk is one record read once, at its Smap offset hint (Rrtl when
 * stale). It is accepted when its Ckhr names the expected sequence and kind, its payload
 * size and hash equal the stream map's, it decompresses to exactly the logical size the
 * stream map gives, and the hash of that content is the chunk hash. The hash algorithm
 * is the one the options fix, or is detected on the first chunk that matches one of the
 * two candidates (ddp_chunk_hash_detect). Neither candidate is confirmed on real
 * volumes (FORMAT.md §5), so a chunk that matches neither while the algorithm is still
 * unknown is not rejected on that alone: it is written as *unverified* (RS_REC_UNVERIFIED)
 * and its files are held (rs_file.unverified: not finished when complete). At the end of
 * the phase, when no chunk identified the algorithm, other records of the held chunks'
 * containers are tried (identify.c, a bounded number of extra reads). Then
 * (settle_unverified): if the algorithm is known, the held chunks are corrupt and fail
 * their files (DDP_E_FILE_CORRUPT, stubs kept); if not, the held files get status
 * DDP_WARN_UNVERIFIED: finished (S_OK, and a message saying so) when
 * options.allow_unverified, so a store that uses some third algorithm can still be
 * restored and says it was not verified; else failed with DDP_E_FILE_CORRUPT, stubs kept
 * (settle_files). options.require_verified (or a fixed hash_alg) fails such a chunk at once.
 *
 * A verified chunk is written to every use; a file is finished as soon as all its bytes
 * [0, size) were written (its chunks tile the file exactly: the reparse parser checks
 * the references are contiguous and ddp_stream_map_validate each stream map's range),
 * unless it holds unverified content, and the remaining ones (files of no chunk, held
 * files) at the end.
 *
 * The phase is one loop, top to bottom (read_chunks): it pulls each record from the
 * reader and recognises it (its Ckhr). Without worker threads it consumes it at once
 * (consume_now). With them (options.threads, chunk_pipeline.c) it submits the record's
 * bytes to the pipeline stage, and pulls finished chunks back from the stage, in the
 * order it submitted them, to apply them itself on this thread (apply_chunk): a chunk
 * a worker found sound is resolved against the algorithm as it stands at that point of
 * the sequence (the worker, not knowing it, hashed with both candidates) and written;
 * any other chunk goes through consume_now on its queued bytes, which produces the very
 * failure, message and detection a single thread would have. Before a file is failed
 * from outside that order (a record the reader could not read or find, a record too
 * large for a batch, the end of the phase) the stage is drained, so results, messages,
 * statistics and the sequence of target calls are those of threads = 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_pipeline.h"
#include "chunk_set.h"
#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp_thread.h"
#include "reader.h"
#include "restore_internal.h"

typedef struct data_ctx {
    rs_phase *ph;
    rs_chunk_set *cs;
    uint8_t *out;             /* one decompressed chunk */
    ddp_decoder *dec;         /* the calling thread's decoder (workers have their own) */
    rs_pipe *pipe;            /* NULL: everything on the calling thread */
} data_ctx;

/* Fails every file using chunk rec (in sequence: after the pipeline was drained). */
static void fail_chunk_files(data_ctx *x, uint32_t rec, ddp_status st, const char *msg)
{
    rs_phase *ph = x->ph;
    for (uint32_t u = x->cs->chunks[rec].first_use; u != RS_NONE; u = x->cs->uses[u].next)
        rs_file_fail(ph->job, x->cs->uses[u].file, st, "%s", msg);
}

static void corrupt(data_ctx *x, uint32_t rec, ddp_status st, uint64_t at, const char *what)
{
    char msg[160];
    rs_record_fault(x->ph, rec, at, "chunk", what, msg, sizeof msg);
    fail_chunk_files(x, rec, st, msg);
}

/* DDP_OK with *match: whether the content has the expected hash (detecting the algorithm
 * on the first match); a failure when a digest could not be computed (out of memory in the
 * hash back end): then nothing is known about the content. */
static ddp_status verify(rs_job *job, const uint8_t *data, size_t len, const uint8_t hash[32], int *match)
{
    *match = 0;
    if (job->alg == DDP_HASH_UNKNOWN) {
        ddp_hash_alg a = DDP_HASH_UNKNOWN;
        ddp_status st = ddp_chunk_hash_detect(data, len, hash, &a);
        if (st == DDP_OK && a != DDP_HASH_UNKNOWN) {
            job->alg = a;
            *match = 1;
        }
        return st;
    }
    uint8_t h[DDP_HASH_SIZE];
    ddp_status st = ddp_chunk_hash(job->alg, data, len, h);
    *match = st == DDP_OK && memcmp(h, hash, DDP_HASH_SIZE) == 0;
    return st;
}

static void write_uses(data_ctx *x, uint32_t rec, const uint8_t *data, uint32_t len)
{
    rs_job *job = x->ph->job;
    for (uint32_t u = x->cs->chunks[rec].first_use; u != RS_NONE; u = x->cs->uses[u].next)
        rs_file_write(job, x->cs->uses[u].file, x->cs->uses[u].offset, data, len);
}

static void hold_unverified(data_ctx *x, uint32_t rec);

/* Checks, decompresses and verifies the record's bytes; writes or fails the chunk. */
static void consume_now(data_ctx *x, uint32_t rec, const uint8_t *bytes, size_t len)
{
    rs_phase *ph = x->ph;
    const rs_chunk *ch = &x->cs->chunks[rec];
    ddp_record r;
    uint64_t at = 0;
    char what[128];
    ddp_status st = rs_record_check(bytes, len, ch->stored, ch->hash, DDP_HASH_SIZE, "stream map", &r, &at, what,
                                    sizeof what);
    if (st != DDP_OK) {
        corrupt(x, rec, st, at, what);
        return;
    }
    st = ddp_chunk_decompress(x->dec, r.compression, bytes + r.header_size, r.payload_size, x->out, ch->logical);
    if (st != DDP_OK) {
        snprintf(what, sizeof what, "compression %u payload does not give %u bytes: %s", r.compression,
                 ch->logical, ddp_status_str(st));
        corrupt(x, rec, st, r.header_size, what);
        return;
    }
    int match = 0;
    st = verify(ph->job, x->out, ch->logical, ch->hash, &match);
    if (st != DDP_OK) {
        snprintf(what, sizeof what, "the chunk's hash could not be computed: %s", ddp_status_str(st));
        fail_chunk_files(x, rec, st, what);
        return;
    }
    if (!match) {
        if (ph->job->alg == DDP_HASH_UNKNOWN && !ph->job->opt.require_verified) {
            hold_unverified(x, rec);
            write_uses(x, rec, x->out, ch->logical);
            return;
        }
        if (ph->job->alg == DDP_HASH_UNKNOWN)
            snprintf(what, sizeof what, "content matches neither a SHA-256 nor a SHA-512 truncated hash");
        else
            snprintf(what, sizeof what, "content does not match its %s hash", ddp_hash_alg_name(ph->job->alg));
        corrupt(x, rec, DDP_ERR_HASH_MISMATCH, r.header_size, what);
        return;
    }
    write_uses(x, rec, x->out, ch->logical);
}

/* The chunk's hash matched no candidate before the algorithm was known: its files get
 * its content but wait for settle_unverified. */
static void hold_unverified(data_ctx *x, uint32_t rec)
{
    rs_phase *ph = x->ph;
    ph->records[rec].flags |= RS_REC_UNVERIFIED;
    ph->job->stats.unverified_chunks++;
    for (uint32_t u = x->cs->chunks[rec].first_use; u != RS_NONE; u = x->cs->uses[u].next)
        ph->job->files[x->cs->uses[u].file].unverified = 1;
}

/* After the last chunk: when the algorithm became known, every held chunk is corrupt
 * (its content does not have that algorithm's hash) and fails its files; otherwise the
 * held files stay, to be settled as unverified by settle_files. */
static void settle_unverified(data_ctx *x)
{
    const rs_phase *ph = x->ph;
    rs_job *job = ph->job;
    if (!job->stats.unverified_chunks || job->alg == DDP_HASH_UNKNOWN)
        return;
    char what[128];
    snprintf(what, sizeof what, "content does not match its %s hash (the algorithm the other chunks use)",
             ddp_hash_alg_name(job->alg));
    for (uint32_t rec = 0; rec < ph->n_records; rec++)
        if (ph->records[rec].flags & RS_REC_UNVERIFIED)
            corrupt(x, rec, DDP_ERR_HASH_MISMATCH, DDP_DATA_HEADER_SIZE, what);
}

/* A chunk finished by the pipeline, in submission order: written when a worker found it
 * sound and its hash matches the algorithm as detection stands now (fixing it, like
 * verify(), on the first match); anything else takes the single-threaded path for its
 * exact failure. */
static void apply_chunk(data_ctx *x, const rs_pipe_done *d)
{
    rs_job *job = x->ph->job;
    if (d->examined) {
        ddp_hash_alg alg = job->alg;
        if (alg == DDP_HASH_UNKNOWN)
            alg = (d->matches & RS_HASH_BIT(DDP_HASH_SHA256)) ? DDP_HASH_SHA256
                  : (d->matches & RS_HASH_BIT(DDP_HASH_SHA512_TRUNC)) ? DDP_HASH_SHA512_TRUNC
                                                                     : DDP_HASH_UNKNOWN;
        if (alg != DDP_HASH_UNKNOWN && (d->matches & RS_HASH_BIT(alg))) {
            job->alg = alg;
            write_uses(x, d->rec, d->content, d->content_len);
            return;
        }
    }
    consume_now(x, d->rec, d->record, d->record_len);
}

/* Pulls the oldest finished chunk from the pipeline and applies it; wait: until a worker
 * finished it. 1 when one was applied. */
static int apply_next(data_ctx *x, int wait)
{
    rs_pipe_done d;
    if (!rs_pipe_next(x->pipe, wait, &d))
        return 0;
    apply_chunk(x, &d);
    return 1;
}

/* Applies every chunk submitted so far, before anything from outside their order. */
static void drain(data_ctx *x)
{
    if (!x->pipe)
        return;
    rs_pipe_flush(x->pipe, x->ph->job->alg);
    while (apply_next(x, 1))
        ;
}

/* Hands the record to the pipeline (pulling finished chunks while every batch is in use)
 * and applies whatever is finished already; a record it cannot take is consumed here, in
 * sequence. */
static void submit(data_ctx *x, uint32_t rec, const uint8_t *bytes, size_t len)
{
    rs_pipe_put put = rs_pipe_submit(x->pipe, rec, bytes, (uint32_t)len, x->ph->job->alg);
    while (put == RS_PIPE_FULL && apply_next(x, 1))
        put = rs_pipe_submit(x->pipe, rec, bytes, (uint32_t)len, x->ph->job->alg);
    if (put != RS_PIPE_QUEUED) {
        drain(x);   /* too large for a batch: in sequence, on this thread */
        consume_now(x, rec, bytes, len);
        return;
    }
    while (apply_next(x, 0))
        ;
}

/* A record the reader handed out: RS_NOT_HERE when it is not the chunk's. */
static rs_verdict chunk_consume(data_ctx *x, uint32_t rec, const uint8_t *bytes, size_t len)
{
    rs_phase *ph = x->ph;
    if (!rs_record_is(bytes, len, ph->records[rec].sequence, DDP_RECORD_KIND_DATA))
        return RS_NOT_HERE;
    ph->job->stats.chunks_read++;
    if (x->pipe)
        submit(x, rec, bytes, len);
    else
        consume_now(x, rec, bytes, len);
    return RS_CONSUMED;
}

/* Worker threads for options.threads (0: one per online CPU), at most DDP_MAX_THREADS;
 * none (NULL) for 1, or when the pipeline cannot be set up. */
static rs_pipe *start_pipeline(rs_job *job, data_ctx *x)
{
    uint32_t n = job->opt.threads ? job->opt.threads : ddp_cpu_count();
    if (n > DDP_MAX_THREADS)
        n = DDP_MAX_THREADS;
    if (n <= 1)
        return NULL;
    rs_pipe_load load = {0, 0, 0, 0};
    for (uint32_t i = 0; i < x->cs->n_chunks; i++) {
        uint32_t span = x->cs->records[i].span, logical = x->cs->chunks[i].logical;
        load.record_bytes += span;
        load.content_bytes += logical;
        load.largest_record = span > load.largest_record ? span : load.largest_record;
        load.largest_content = logical > load.largest_content ? logical : load.largest_content;
    }
    return rs_pipe_new(n, x->cs->chunks, &load);
}

/* After the last chunk: finish what is complete, fail what is not. */
static void settle_files(rs_job *job)
{
    for (uint32_t i = 0; i < job->n_files; i++) {
        const rs_file *f = &job->files[i];
        if (!rs_file_alive(job, i))
            continue;
        if (f->written != f->size)
            rs_file_fail(job, i, DDP_ERR_INTERNAL, "only %llu of %llu bytes were restored",
                         (unsigned long long)f->written, (unsigned long long)f->size);
        else if (f->unverified && !job->opt.allow_unverified)
            rs_file_fail(job, i, DDP_WARN_UNVERIFIED,
                         "not restored: unverified (no record of the store matches a SHA-256 or truncated "
                         "SHA-512 hash) and unverified restores were not allowed");
        else
            rs_file_complete(job, i);
    }
}

/* The chunks, one at a time from the reader, through the pipeline when there is one;
 * every submitted chunk is applied before this returns. */
static ddp_status read_chunks(data_ctx *x)
{
    rs_reader *rd;
    ddp_status st = rs_reader_open(x->ph, &rd);
    uint32_t rec;
    const uint8_t *bytes;
    size_t len;
    ddp_status why;
    while (st == DDP_OK && rs_reader_next(rd, &rec, &bytes, &len, &why)) {
        if (why != DDP_OK) {
            drain(x);
            fail_chunk_files(x, rec, why, rs_reader_message(rd));
        } else if (chunk_consume(x, rec, bytes, len) == RS_NOT_HERE)
            rs_reader_not_here(rd);
    }
    ddp_status closed = rs_reader_close(rd);
    drain(x);
    return st != DDP_OK ? st : closed;
}

ddp_status rs_data_phase(rs_job *job, rs_chunk_set *cs)
{
    rs_phase ph;
    data_ctx x = {&ph, cs, malloc(DDP_MAX_CHUNK_SIZE), ddp_decoder_new(), NULL};
    if (!x.out || !x.dec) {
        free(x.out);
        ddp_decoder_free(x.dec);
        return DDP_ERR_NO_MEMORY;
    }
    memset(&ph, 0, sizeof ph);
    ph.job = job;
    ph.what = "chunk";
    ph.containers = cs->containers;
    ph.n_containers = cs->n_containers;
    ph.records = cs->records;
    ph.n_records = cs->n_chunks;
    x.pipe = start_pipeline(job, &x);
    ddp_status st = read_chunks(&x);
    rs_pipe_free(x.pipe);
    free(x.out);
    if (st == DDP_OK && job->alg == DDP_HASH_UNKNOWN && job->stats.unverified_chunks)
        st = rs_identify_alg(&ph, x.dec);
    ddp_decoder_free(x.dec);
    if (st == DDP_OK) {
        settle_unverified(&x);
        settle_files(job);
    }
    return st;
}
