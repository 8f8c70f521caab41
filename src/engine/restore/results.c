/*
 * results.c - per-file outcome of a restore and the overall result (API.md §3).
 *
 * A file is pending until it is finished (S_OK), found not deduplicated (S_FALSE) or
 * failed. The first failure wins: its HRESULT, engine status and message stay, later
 * ones are ignored. A failed file that target->begin had prepared is abandoned at once
 * (so its reparse point and original content stay), and is never finished.
 *
 * A target with commit() makes finished files final in batches: finish() only completes
 * the content and the file waits ("committing", no longer alive) until the next commit(),
 * made every DDP_COMMIT_BATCH such files and once at the end of the restore. commit()
 * reports each file through done(): S_OK, or a failure (the target kept the stub). A file
 * it never reports fails with DDP_E_UNEXPECTED, and when commit() itself fails, every
 * file it left unreported fails with its status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static void fail_file(rs_job *job, uint32_t file, int32_t hr, ddp_status st, const char *fmt, va_list ap)
{
    rs_file *f = &job->files[file];
    if (f->state != RS_FILE_PENDING)
        return;
    f->state = RS_FILE_FAILED;
    if (hr >= 0) {   /* a callback answered a failing call with a success status */
        st = DDP_ERR_PROTOCOL;
        hr = rs_hr_of(st, RS_IN_BACKUP);
    }
    job->results[file].hr = hr;
    job->results[file].status = st;
    set_message(job, file, fmt, ap);
    if (f->began && job->target->abandon)
        job->target->abandon(job->target->ctx, file);
}

void rs_file_fail(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_file(job, file, rs_hr_of(st, RS_IN_BACKUP), st, fmt, ap);
    va_end(ap);
}

void rs_file_bad_stub(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_file(job, file, rs_hr_of(st, RS_IN_STUB), st, fmt, ap);
    va_end(ap);
}

void rs_file_not_dedup(rs_job *job, uint32_t file, const char *why)
{
    rs_file *f = &job->files[file];
    f->state = RS_FILE_NOT_DEDUP;
    job->results[file].hr = rs_hr_of(DDP_ERR_NOT_DEDUP, RS_IN_STUB);
    job->results[file].status = DDP_ERR_NOT_DEDUP;
    snprintf(job->results[file].message, sizeof job->results[file].message, "%s", why);
}

int rs_file_alive(const rs_job *job, uint32_t file)
{
    return job->files[file].state == RS_FILE_PENDING;
}

static void note(rs_job *job, uint32_t file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(job, file, fmt, ap);
    va_end(ap);
}

static void file_succeeded(rs_job *job, uint32_t file)
{
    job->files[file].state = RS_FILE_DONE;
    job->results[file].hr = rs_hr_of(DDP_OK, RS_IN_BACKUP);
    job->results[file].status = DDP_OK;
    job->results[file].message[0] = '\0';
    if (job->files[file].unverified) {
        job->results[file].status = DDP_WARN_UNVERIFIED;
        note(job, file, "restored without hash verification: no record of the store matched a SHA-256 or "
                        "truncated SHA-512 hash, so its algorithm is unknown");
    }
}

/* A file the target did not make final: it kept the stub, so there is nothing to abandon. */
static void committing_file_fails(rs_job *job, uint32_t file, ddp_status st, const char *why)
{
    rs_file *f = &job->files[file];
    f->state = RS_FILE_PENDING;
    f->began = 0;
    rs_file_fail(job, file, st, "%s", why);
}

/* done() of commit(): reports for files not waiting (unknown, or reported before) are ignored. */
static void commit_done(void *arg, uint32_t file, ddp_status st)
{
    rs_job *job = arg;
    if (file >= job->n_files || job->files[file].state != RS_FILE_COMMITTING)
        return;
    job->n_committing--;
    if (st == DDP_OK) {
        file_succeeded(job, file);
        return;
    }
    char why[128];
    snprintf(why, sizeof why, "making the file final failed: %s", rs_target_why(job, file, st));
    committing_file_fails(job, file, st, why);
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
        if (job->files[i].state != RS_FILE_COMMITTING)
            continue;
        job->n_committing--;
        committing_file_fails(job, i, st, why);
    }
}

const char *rs_target_why(rs_job *job, uint32_t file, ddp_status st)
{
    const char *why = job->target->explain ? job->target->explain(job->target->ctx, file) : NULL;
    return why && why[0] ? why : ddp_status_str(st);
}

/* Every byte was written from verified chunks: make it final (now, or in the next commit). */
void rs_file_finish(rs_job *job, uint32_t file)
{
    rs_file *f = &job->files[file];
    if (f->state != RS_FILE_PENDING)
        return;
    ddp_status st = job->target->finish(job->target->ctx, file);
    if (st != DDP_OK) {
        /* finish failed: the target keeps the stub; abandon is never called after finish */
        f->began = 0;
        rs_file_fail(job, file, st, "finishing the file failed: %s",
                     rs_target_why(job, file, st));
        return;
    }
    if (!job->target->commit) {
        file_succeeded(job, file);
        return;
    }
    f->state = RS_FILE_COMMITTING;
    if (++job->n_committing >= DDP_COMMIT_BATCH)
        rs_commit_pending(job);
}

int32_t rs_hr_of(ddp_status st, rs_origin origin)
{
    switch (st) {
    case DDP_OK:
        return DDP_S_OK;
    case DDP_ERR_NOT_DEDUP:
    case DDP_ERR_NOT_REPARSE:
        return DDP_S_FALSE;
    case DDP_ERR_NO_MEMORY:
        return DDP_HR_E_OUTOFMEMORY;
    case DDP_ERR_NOT_FOUND:
        return DDP_HR_PATH_NOT_FOUND;
    case DDP_ERR_INVALID_ARG:
        return DDP_HR_E_INVALIDARG;
    case DDP_ERR_IO:
        return DDP_HR_E_FAIL;
    case DDP_ERR_PROTOCOL:
    case DDP_ERR_INTERNAL:
        return DDP_HR_UNEXPECTED;
    case DDP_ERR_ACCESS_DENIED:
        return DDP_HR_E_ACCESSDENIED;
    case DDP_ERR_IS_DIRECTORY:
        return DDP_HR_DIRECTORY_NOT_SUPPORTED;
    case DDP_ERR_HARD_LINK:
        return DDP_HR_NOT_SUPPORTED;
    case DDP_ERR_UNKNOWN_LAYOUT:
    case DDP_ERR_BAD_LENGTH:
    case DDP_ERR_CRC:
    case DDP_ERR_RANGE:
    case DDP_ERR_BAD_MAGIC:
    case DDP_ERR_TRUNCATED:
    case DDP_ERR_CORRUPT_DATA:
    case DDP_ERR_HASH_MISMATCH:
    case DDP_ERR_UNSUPPORTED:   /* e.g. an unknown compression: what the engine cannot read */
        return origin == RS_IN_STUB ? DDP_HR_INVALID_DATA : DDP_HR_FILE_CORRUPT;
    case DDP_ERR_NO_RECORD:
    case DDP_WARN_UNVERIFIED:   /* as a failure: not restored unverified */
        return DDP_HR_FILE_CORRUPT;
    }
    return DDP_HR_UNEXPECTED;
}

/* A failing store call: "not found" kinds mean the container is not in the backup; a few
 * common codes keep their meaning (so their HRESULT is the store's own); any other
 * failure is an I/O error (the message keeps the store's code). DDP_HR_UNEXPECTED is also
 * what rs_read_counted gives for an answer claiming more bytes than asked. */
ddp_status rs_store_failure(int32_t code)
{
    switch ((uint32_t)code) {
    case 0x80070002u:   /* ERROR_FILE_NOT_FOUND */
    case 0x80070003u:   /* ERROR_PATH_NOT_FOUND */
    case 0x8007000Fu:   /* ERROR_INVALID_DRIVE */
    case 0x80070035u:   /* ERROR_BAD_NETPATH */
    case 0x80070043u:   /* ERROR_BAD_NET_NAME */
    case 0x8007007Bu:   /* ERROR_INVALID_NAME */
    case 0x800700A1u:   /* ERROR_BAD_PATHNAME */
    case 0x80030002u:   /* STG_E_FILENOTFOUND */
    case 0x80030003u:   /* STG_E_PATHNOTFOUND */
    case 0x80565301u:   /* DDP_E_NOT_FOUND */
    case 0x80565304u:   /* DDP_E_PATH_NOT_FOUND */
        return DDP_ERR_NOT_FOUND;
    case 0x8007000Eu:   /* E_OUTOFMEMORY */
        return DDP_ERR_NO_MEMORY;
    case 0x80070005u:   /* E_ACCESSDENIED */
        return DDP_ERR_ACCESS_DENIED;
    case 0x80070057u:   /* E_INVALIDARG */
        return DDP_ERR_INVALID_ARG;
    case 0x8056530Cu:   /* DDP_E_UNEXPECTED */
        return DDP_ERR_PROTOCOL;
    default:
        return code < 0 ? DDP_ERR_IO : DDP_ERR_PROTOCOL;
    }
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
        case RS_FILE_DONE:
            done++;
            break;
        case RS_FILE_NOT_DEDUP:
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
