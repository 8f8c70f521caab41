/*
 * files.c - the file table (files.h): each file's state, every call of target->begin,
 * write, finish, abandon and commit, each file's result and the overall result (API.md §3).
 *
 * A target with commit() makes finished files final in batches: finish() only completes
 * the content and the file waits (COMMITTING, no longer alive) until the next commit(),
 * made every DDP_COMMIT_BATCH such files and once at the end of the restore. commit()
 * reports each file through done(): S_OK, or a failure (the target kept the stub). A file
 * it never reports fails with DDP_ERR_PROTOCOL, and when commit() itself fails, every
 * file it left unreported fails with its status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "files.h"
#include "restore_internal.h"

static void set_message(rs_job *job, uint32_t file, const char *fmt, va_list ap)
{
    char *msg = job->results[file].message;
    size_t cap = sizeof job->results[file].message;
    vsnprintf(msg, cap, fmt, ap);
    const char *name = job->names ? job->names[file] : NULL;
    size_t used = strlen(msg);
    if (name && used + 4 < cap)
        snprintf(msg + used, cap - used, " (%s)", name);
}

static void note(rs_job *job, uint32_t file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(job, file, fmt, ap);
    va_end(ap);
}

/* Why a target call for file failed with st: the target's explain() text, else st's name. */
static const char *target_why(rs_job *job, uint32_t file, ddp_status st)
{
    const char *why = job->target->explain ? job->target->explain(job->target->ctx, file) : NULL;
    return why && why[0] ? why : ddp_status_str(st);
}

/* -> ABANDONED with reason st. undo: abandon() a BEGUN file (not after a failed finish(),
 * nor for a COMMITTING one, which the target already left as abandon() would). */
static void fail_file(rs_job *job, uint32_t file, rs_origin origin, ddp_status st, int undo, const char *fmt,
                      va_list ap)
{
    rs_file *f = &job->files[file];
    ddp_file_state was = (ddp_file_state)f->state;
    f->state = DDP_FILE_ABANDONED;
    int32_t hr = rs_hr_of(st, origin);
    if (hr >= 0) {   /* a callback answered a failing call with a success status */
        st = DDP_ERR_PROTOCOL;
        hr = rs_hr_of(st, origin);
    }
    job->results[file].hr = hr;
    job->results[file].status = st;
    set_message(job, file, fmt, ap);
    if (undo && was == DDP_FILE_BEGUN)
        job->target->abandon(job->target->ctx, file);
}

int rs_file_alive(const rs_job *job, uint32_t file)
{
    uint8_t s = job->files[file].state;
    return s == DDP_FILE_IDLE || s == DDP_FILE_BEGUN;
}

void rs_file_fail(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...)
{
    if (!rs_file_alive(job, file))
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_file(job, file, RS_IN_BACKUP, st, 1, fmt, ap);
    va_end(ap);
}

void rs_file_bad_stub(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...)
{
    if (!rs_file_alive(job, file))
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_file(job, file, RS_IN_STUB, st, 1, fmt, ap);
    va_end(ap);
}

/* A file that finish() or commit() failed: the target kept the stub, nothing to abandon. */
static void fail_kept(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_file(job, file, RS_IN_BACKUP, st, 0, fmt, ap);
    va_end(ap);
}

void rs_file_not_dedup(rs_job *job, uint32_t file, const char *why)
{
    job->files[file].state = DDP_FILE_NOT_DEDUP;
    job->results[file].hr = rs_hr_of(DDP_ERR_NOT_DEDUP, RS_IN_STUB);
    job->results[file].status = DDP_ERR_NOT_DEDUP;
    snprintf(job->results[file].message, sizeof job->results[file].message, "%s", why);
}

/* -> DONE. */
static void file_succeeded(rs_job *job, uint32_t file)
{
    job->files[file].state = DDP_FILE_DONE;
    job->results[file].hr = rs_hr_of(DDP_OK, RS_IN_BACKUP);
    job->results[file].status = DDP_OK;
    job->results[file].message[0] = '\0';
    if (job->files[file].unverified) {
        job->results[file].status = DDP_WARN_UNVERIFIED;
        note(job, file, "restored without hash verification: no record of the store matched a SHA-256 or "
                        "truncated SHA-512 hash, so its algorithm is unknown");
    }
}

/* done() of commit(): reports for files not waiting (unknown, or reported before) are ignored. */
static void commit_done(void *arg, uint32_t file, ddp_status st)
{
    rs_job *job = arg;
    if (file >= job->n_files || job->files[file].state != DDP_FILE_COMMITTING)
        return;
    job->n_committing--;
    if (st == DDP_OK)
        file_succeeded(job, file);
    else
        fail_kept(job, file, st, "making the file final failed: %s", target_why(job, file, st));
}

void rs_commit_pending(rs_job *job)
{
    if (!job->target->commit || job->n_committing == 0)
        return;
    job->stats.commit_calls++;
    ddp_status st = job->target->commit(job->target->ctx, commit_done, job);
    char why[128];
    if (st != DDP_OK) {
        snprintf(why, sizeof why, "making the file final failed: %s", ddp_status_str(st));
    } else {
        snprintf(why, sizeof why, "the target did not report the file as final");
        st = DDP_ERR_PROTOCOL;
    }
    for (uint32_t i = 0; i < job->n_files && job->n_committing > 0; i++) {
        if (job->files[i].state != DDP_FILE_COMMITTING)
            continue;
        job->n_committing--;
        fail_kept(job, i, st, "%s", why);
    }
}

/* IDLE -> BEGUN. 0, or -1: the file failed. */
static int begin(rs_job *job, uint32_t file)
{
    rs_file *f = &job->files[file];
    if (f->state == DDP_FILE_BEGUN)
        return 0;
    ddp_status st = job->target->begin(job->target->ctx, file, f->size);
    if (st != DDP_OK) {
        rs_file_fail(job, file, st, "preparing the file failed: %s", target_why(job, file, st));
        return -1;
    }
    f->state = DDP_FILE_BEGUN;
    return 0;
}

/* BEGUN -> DONE, or -> COMMITTING with a target that commits in batches. */
static void finish(rs_job *job, uint32_t file)
{
    ddp_status st = job->target->finish(job->target->ctx, file);
    if (st != DDP_OK) {
        /* abandon is never called after finish: the target keeps the stub */
        fail_kept(job, file, st, "finishing the file failed: %s", target_why(job, file, st));
        return;
    }
    if (!job->target->commit) {
        file_succeeded(job, file);
        return;
    }
    job->files[file].state = DDP_FILE_COMMITTING;
    if (++job->n_committing >= DDP_COMMIT_BATCH)
        rs_commit_pending(job);
}

void rs_file_write(rs_job *job, uint32_t file, uint64_t offset, const uint8_t *data, uint32_t len)
{
    rs_file *f = &job->files[file];
    if (!rs_file_alive(job, file) || begin(job, file) != 0)
        return;
    ddp_status st = job->target->write(job->target->ctx, file, offset, data, len);
    if (st != DDP_OK) {
        rs_file_fail(job, file, st, "writing %u bytes at 0x%llx failed: %s", len, (unsigned long long)offset,
                     target_why(job, file, st));
        return;
    }
    job->stats.bytes_written += len;
    f->written += len;
    if (f->written == f->size && !f->unverified)
        finish(job, file);
}

void rs_file_complete(rs_job *job, uint32_t file)
{
    if (rs_file_alive(job, file) && begin(job, file) == 0)
        finish(job, file);
}

void rs_fail_all_pending(rs_job *job, ddp_status st, const char *why)
{
    for (uint32_t i = 0; i < job->n_files; i++)
        rs_file_fail(job, i, st, "%s", why);
}

/* S_OK: every deduplicated file restored (and at least one file, or none at all);
 * S_FALSE: none deduplicated; the first error when none was restored; else partial. */
int32_t rs_overall(const rs_job *job)
{
    uint32_t done = 0, not_dedup = 0, failed = 0;
    int32_t first_error = DDP_S_OK;
    for (uint32_t i = 0; i < job->n_files; i++) {
        switch (job->files[i].state) {
        case DDP_FILE_DONE:
            done++;
            break;
        case DDP_FILE_NOT_DEDUP:
            not_dedup++;
            break;
        default:
            if (failed++ == 0)
                first_error = job->results[i].hr;
            break;
        }
    }
    if (failed == 0)
        return (done == 0 && not_dedup > 0) ? DDP_S_FALSE : DDP_S_OK;
    if (done == 0)
        return first_error;
    return DDP_HR_JOB_COMPLETED_PARTIAL_SUCCESS;
}
