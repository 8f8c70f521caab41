/*
 * files.h - the file table of a restore: one rs_file per file being restored, its state
 * (ddp_file_state, include/ddp/file_state.h: the states and their transitions) and its
 * result. files.c is the only code that calls target->begin, write, finish, abandon and
 * commit, and the only code that changes a file's state, so the engine's view of a file
 * and the target's are the same by construction.
 *
 * A file is alive (IDLE or BEGUN) until it is done, found not deduplicated, or failed
 * (ABANDONED). The first failure wins: its reason (rs_hr_of gives the HRESULT) and message
 * stay, later ones are ignored. A failed BEGUN file is abandoned at once, so its reparse
 * point and original content stay. Content goes through rs_file_write, which begins the
 * file on its first write and finishes it once every byte is there (unless it holds
 * unverified content, which waits for rs_file_complete).
 */
#ifndef DDP_RESTORE_FILES_H
#define DDP_RESTORE_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/file_state.h"
#include "ddp/restore.h"
#include "reasons.h"

typedef struct rs_job rs_job;

typedef struct rs_file {
    uint64_t size;          /* logical size from the reparse point */
    uint64_t written;       /* bytes written from verified chunks */
    uint32_t store;         /* index into rs_job.stores */
    uint8_t state;          /* ddp_file_state; changed by files.c only */
    uint8_t unverified;     /* holds content of an unverified chunk (data_phase.c) */
} rs_file;

/* 1 while file is IDLE or BEGUN. */
int rs_file_alive(const rs_job *job, uint32_t file);
/* An alive file fails for reason st (a BEGUN file is abandoned). */
void rs_file_fail(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...);
/* File's reparse point is malformed (st: the parser's status): DDP_E_INVALID_DATA. */
void rs_file_bad_stub(rs_job *job, uint32_t file, ddp_status st, const char *fmt, ...);
/* IDLE -> NOT_DEDUP (S_FALSE). */
void rs_file_not_dedup(rs_job *job, uint32_t file, const char *why);
/* Writes len bytes at offset of an alive file (begun first when IDLE); finishes it when
 * its last byte arrives and it holds no unverified content. A failure fails the file. */
void rs_file_write(rs_job *job, uint32_t file, uint64_t offset, const uint8_t *data, uint32_t len);
/* Every byte of an alive file is there: begins it if it never was (an empty file) and
 * finishes it. */
void rs_file_complete(rs_job *job, uint32_t file);
/* Every alive file fails with st. */
void rs_fail_all_pending(rs_job *job, ddp_status st, const char *why);
/* With target->commit: makes every COMMITTING file final (done or failed) in one commit()
 * call. Files call it every DDP_COMMIT_BATCH finished files; ddp_restore at the end. */
void rs_commit_pending(rs_job *job);
/* The overall result (API.md §3). */
int32_t rs_overall(const rs_job *job);

#endif
