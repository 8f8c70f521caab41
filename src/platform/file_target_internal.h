/*
 * file_target_internal.h - the Linux file target's state, shared by file_target.c
 * (begin, write, finish, abandon) and file_target_commit.c (the batch commit).
 *
 * A file's state is the engine's (ddp/file_state.h): IDLE -> BEGUN (temporary file being
 * written) -> COMMITTING (content complete, temporary file closed, not yet durable nor
 * visible) -> DONE (renamed over its destination, durable) or ABANDONED (temporary file
 * deleted, stub untouched).
 */
#ifndef DDP_PLATFORM_FILE_TARGET_INTERNAL_H
#define DDP_PLATFORM_FILE_TARGET_INTERNAL_H

#include <stdint.h>
#include <sys/stat.h>

#include "ddp/file_state.h"
#include "durable_batch.h"
#include "fd_cache.h"
#include "fd_closer.h"
#include "file_target.h"

typedef struct target_entry {
    ddp_target_spec spec;
    const ddp_stub_seen *seen;  /* ddp_file_target_seen, or NULL */
    ddp_file_state state;
    char *temp;               /* temporary file while begun or committing (not in verify mode) */
    uint64_t size, written;
    uint64_t end;             /* end of the furthest range written to the temporary file */
    struct stat stub_stat;    /* mode and times to keep */
    int have_stat;
    uint8_t *reparse;         /* xattr stubs: the buffer to put back if the commit fails */
    size_t reparse_len;
    int err;                  /* errno behind the last failure (0: none), for explain() */
} target_entry;

struct ddp_file_target {
    ddp_target_mode mode;
    uint32_t n;
    target_entry *files;
    ddp_fd_cache fds;
    ddp_fd_closer *closer;    /* in place: closes the replaced stubs (made at the first commit) */
    ddp_sync_counts syncs;
    int umask;                /* the process's umask, -1 when unknown (file_target.c) */
    uid_t euid;               /* the process's effective ids, read once: files it creates */
    gid_t egid;               /* are theirs (keep_owner) */
    char why[128];            /* explain()'s text */
};

/* The status of a system error err met by e's file (the one errno-to-status mapping of
 * the target); e keeps err for explain(). */
ddp_status ddp_ft_errno_status(target_entry *e, int err);
/* Whether e's stub may still be restored: DDP_ERR_IS_DIRECTORY, DDP_ERR_HARD_LINK (in
 * place, other names), else DDP_OK (also when it cannot be looked at). Run when its
 * reparse point is read, at begin and again just before the commit replaces it. */
ddp_status ddp_ft_check_stub(const ddp_file_target *t, const target_entry *e);
/* The same check on st, the stub's lstat (or fstat of a descriptor not following it). */
ddp_status ddp_ft_check_stub_stat(const ddp_file_target *t, const target_entry *e, const struct stat *st);
/* Closes and deletes e's temporary file, if any. */
void ddp_ft_drop_temp(ddp_file_target *t, target_entry *e);
/* Where e's content goes: the stub itself, or the --out destination. */
const char *ddp_ft_destination(const ddp_file_target *t, const target_entry *e);
/* target->commit (file_target_commit.c). */
ddp_status ddp_ft_commit(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg);

#endif
