/*
 * restore.c - ddp_restore(): argument checks, the job, and the three phases in order
 * (see restore_internal.h for the overall design and the memory figures).
 *
 * Every store and target callback is made synchronously on the calling thread. A file's
 * failure never stops the others; only running out of memory ends the restore early: a
 * phase returns DDP_ERR_NO_MEMORY, and every unfinished file then fails with it
 * (E_OUTOFMEMORY) and is abandoned. With a target
 * that commits in batches, the files finished since the last commit are committed last,
 * so that the results and the overall code tell what is final on disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk_set.h"
#include "restore_internal.h"

void ddp_restore_options_default(ddp_restore_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->coalesce_gap = RS_DEFAULT_COALESCE_GAP;
    opt->max_read = RS_DEFAULT_MAX_READ;
    opt->hash_alg = DDP_HASH_UNKNOWN;
    opt->probe_generations = RS_DEFAULT_PROBE_GENERATIONS;
}

/* A new count must be added here too: the size check fails the build until it is. */
_Static_assert(sizeof(ddp_restore_stats) == 17 * sizeof(uint64_t), "ddp_restore_stats_add adds every field");

void ddp_restore_stats_add(ddp_restore_stats *sum, const ddp_restore_stats *add)
{
    sum->read_calls += add->read_calls;
    sum->preview_calls += add->preview_calls;
    sum->order_calls += add->order_calls;
    sum->bytes_read += add->bytes_read;
    sum->bytes_written += add->bytes_written;
    sum->chunks_read += add->chunks_read;
    sum->chunk_refs += add->chunk_refs;
    sum->backward_seeks += add->backward_seeks;
    sum->coalesced_runs += add->coalesced_runs;
    sum->commit_calls += add->commit_calls;
    sum->unverified_chunks += add->unverified_chunks;
    sum->identify_reads += add->identify_reads;
    sum->generations_from_list += add->generations_from_list;
    sum->generations_from_directory += add->generations_from_directory;
    sum->generations_probed += add->generations_probed;
    sum->list_disagreed += add->list_disagreed;
    sum->file_lists_damaged += add->file_lists_damaged;
}

/* Zero means "default"; max_read is kept within [4 KiB, 64 MiB] and a multiple of 8. */
static void normalise_options(const ddp_restore_options *in, ddp_restore_options *out)
{
    ddp_restore_options_default(out);
    if (!in)
        return;
    out->coalesce_gap = in->coalesce_gap;
    out->threads = in->threads;   /* 0: auto; the data phase caps it at DDP_MAX_THREADS */
    out->require_verified = in->require_verified ? 1u : 0u;
    out->allow_unverified = in->allow_unverified ? 1u : 0u;
    if (in->max_read)
        out->max_read = in->max_read < RS_MIN_MAX_READ ? RS_MIN_MAX_READ
                        : in->max_read > RS_MAX_MAX_READ ? RS_MAX_MAX_READ : in->max_read;
    out->max_read -= out->max_read % 8u;
    if (in->hash_alg == DDP_HASH_SHA256 || in->hash_alg == DDP_HASH_SHA512_TRUNC)
        out->hash_alg = in->hash_alg;
    if (in->probe_generations)
        out->probe_generations = in->probe_generations > RS_MAX_PROBE_GENERATIONS ? RS_MAX_PROBE_GENERATIONS
                                                                                  : in->probe_generations;
}

/* Before the job exists: every file gets the same result. */
static void fill_results(ddp_file_result *results, uint32_t n, ddp_status st, const char *why)
{
    for (uint32_t i = 0; results && i < n; i++) {
        results[i].hr = rs_hr_of(st, RS_IN_BACKUP);
        results[i].status = st;
        snprintf(results[i].message, sizeof results[i].message, "%s", why);
    }
}

static int arguments_valid(const ddp_backup *store, const ddp_target *target, uint32_t n_files)
{
    if (!store || !target || n_files > DDP_MAX_RESTORE_FILES)
        return 0;
    if (!store->read || (store->order && !store->free_plan))
        return 0;
    return target->read_reparse && target->begin && target->write && target->finish && target->abandon;
}

static void run_phases(rs_job *job)
{
    rs_stream_plan sp;
    rs_chunk_set *chunks = NULL;
    ddp_status st = rs_reparse_phase(job, &sp);
    if (st == DDP_OK)
        st = rs_stream_map_phase(job, &sp, &chunks);
    rs_stream_plan_free(&sp);
    if (st == DDP_OK && chunks)
        st = rs_data_phase(job, chunks);
    rs_chunk_set_free(chunks);
    if (st != DDP_OK)
        rs_fail_all_pending(job, st, "out of memory");
    rs_commit_pending(job);
    rs_fail_all_pending(job, DDP_ERR_INTERNAL, "the file was not restored");
}

int32_t ddp_restore(const ddp_backup *store, const ddp_target *target, uint32_t n_files,
                    const char *const *names, const ddp_restore_options *opt,
                    ddp_file_result *results, ddp_restore_stats *stats)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!arguments_valid(store, target, n_files)) {
        if (n_files <= DDP_MAX_RESTORE_FILES)
            fill_results(results, n_files, DDP_ERR_INVALID_ARG, "invalid arguments");
        return rs_hr_of(DDP_ERR_INVALID_ARG, RS_IN_BACKUP);
    }
    rs_job job;
    memset(&job, 0, sizeof job);
    job.store = store;
    job.target = target;
    job.n_files = n_files;
    job.names = names;
    normalise_options(opt, &job.opt);
    job.alg = job.opt.hash_alg;
    job.files = calloc(n_files ? n_files : 1, sizeof *job.files);
    job.results = results ? results : calloc(n_files ? n_files : 1, sizeof *job.results);
    if (!job.files || !job.results) {
        free(job.files);
        if (!results)
            free(job.results);
        fill_results(results, n_files, DDP_ERR_NO_MEMORY, "out of memory");
        return rs_hr_of(DDP_ERR_NO_MEMORY, RS_IN_BACKUP);
    }
    memset(job.results, 0, (size_t)n_files * sizeof *job.results);
    run_phases(&job);
    rs_identify_free(&job);
    /* Out of memory mid-restore fails the unfinished files with E_OUTOFMEMORY; the overall
     * result follows the same rule as any failure (API.md §3). */
    int32_t overall = rs_overall(&job);
    if (stats)
        *stats = job.stats;
    free(job.window);
    for (uint32_t i = 0; i < job.n_stores; i++)
        rs_file_list_free(&job.stores[i].list);
    free(job.stores);
    free(job.files);
    if (!results)
        free(job.results);
    return overall;
}
