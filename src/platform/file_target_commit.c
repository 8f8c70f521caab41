/*
 * file_target_commit.c - the Linux file target's commit(): every file finished since the
 * previous commit becomes durable and final at once, and is reported through done().
 *
 * Temporary files (raw stubs, --out): their content is made durable with one syncfs per
 * file system (durable_batch.c), each is renamed over its destination, then each
 * distinct folder is fsync'd once; only then is a file reported final. A file whose
 * sync or rename fails is reported failed, its temporary file deleted and its stub (or
 * previous destination) left as it was; the others go on. ntfs-3g stubs go one by one
 * through ddp_ntfs3g_commit, which syncs what it writes (FUSE offers no trusted syncfs).
 * Verify mode has nothing to make durable.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "file_target_internal.h"
#include "ntfs3g_commit.h"

typedef void (*done_fn)(void *arg, uint32_t file, ddp_status st);

/* The batch of temporary files being put in place. */
typedef struct batch {
    uint32_t *file;
    const char **temp, **dest;
    int *err;
    size_t n;
} batch;

static void file_failed(ddp_file_target *t, uint32_t i, ddp_status st, done_fn done, void *arg)
{
    ddp_ft_drop_temp(t, &t->files[i]);
    t->files[i].state = FILE_ABANDONED;
    done(arg, i, st);
}

static void file_final(ddp_file_target *t, uint32_t i, done_fn done, void *arg)
{
    target_entry *e = &t->files[i];
    free(e->temp);
    e->temp = NULL;
    e->state = FILE_FINISHED;
    done(arg, i, DDP_OK);
}

/* Files that need no temporary-file rename: verify mode and ntfs-3g stubs. Returns 1
 * when file i was handled here. */
static int commit_alone(ddp_file_target *t, uint32_t i, done_fn done, void *arg)
{
    target_entry *e = &t->files[i];
    if (t->mode == DDP_TARGET_VERIFY) {
        e->state = FILE_FINISHED;
        done(arg, i, DDP_OK);
        return 1;
    }
    if (t->mode != DDP_TARGET_IN_PLACE || e->spec.kind != DDP_STUB_XATTR)
        return 0;
    ddp_status s = ddp_ft_check_stub(t, e);
    if (s != DDP_OK) {
        file_failed(t, i, s, done, arg);
        return 1;
    }
    t->syncs.file_syncs += 2;   /* the temporary file, then the stub */
    s = ddp_ntfs3g_commit(e->spec.path, e->temp, e->size, e->reparse, e->reparse_len,
                                     e->have_stat ? &e->stub_stat : NULL);
    if (s != DDP_OK)
        file_failed(t, i, s, done, arg);
    else
        file_final(t, i, done, arg);
    return 1;
}

static void batch_free(batch *b)
{
    free(b->file);
    free(b->temp);
    free(b->dest);
    free(b->err);
}

/* Gathers the committing files; the ones committed alone are reported at once. */
static int batch_gather(ddp_file_target *t, batch *b, done_fn done, void *arg)
{
    size_t cap = 0;
    for (uint32_t i = 0; i < t->n; i++)
        cap += t->files[i].state == FILE_COMMITTING;
    b->n = 0;
    b->file = calloc(cap ? cap : 1, sizeof *b->file);
    b->temp = calloc(cap ? cap : 1, sizeof *b->temp);
    b->dest = calloc(cap ? cap : 1, sizeof *b->dest);
    b->err = calloc(cap ? cap : 1, sizeof *b->err);
    if (!b->file || !b->temp || !b->dest || !b->err)
        return -1;
    for (uint32_t i = 0; i < t->n; i++) {
        target_entry *e = &t->files[i];
        if (e->state != FILE_COMMITTING || commit_alone(t, i, done, arg))
            continue;
        b->file[b->n] = i;
        b->temp[b->n] = e->temp;
        b->dest[b->n++] = ddp_ft_destination(t, e);
    }
    return 0;
}

/* Out of memory before anything was made final: every committing file is dropped. */
static void drop_all_committing(ddp_file_target *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->files[i].state == FILE_COMMITTING) {
            ddp_ft_drop_temp(t, &t->files[i]);
            t->files[i].state = FILE_ABANDONED;
        }
    }
}

ddp_status ddp_ft_commit(void *ctx, done_fn done, void *arg)
{
    ddp_file_target *t = ctx;
    batch b = {0};

    if (batch_gather(t, &b, done, arg) < 0) {
        batch_free(&b);
        drop_all_committing(t);
        return DDP_ERR_NO_MEMORY;
    }
    ddp_sync_files(b.temp, b.n, b.err, &t->syncs);
    for (size_t k = 0; k < b.n; k++) {
        ddp_status s = b.err[k] ? ddp_ft_status_from_errno(b.err[k]) : ddp_ft_check_stub(t, &t->files[b.file[k]]);
        if (s == DDP_OK && rename(b.temp[k], b.dest[k]) < 0)
            s = ddp_ft_status_from_errno(errno);
        if (s != DDP_OK) {
            b.err[k] = -1;
            file_failed(t, b.file[k], s, done, arg);
        }
    }
    /* failed files were reported; the folder sync decides for the renamed ones */
    int *renamed = b.err;
    size_t n_renamed = 0;
    for (size_t k = 0; k < b.n; k++) {
        if (renamed[k] == 0) {
            b.file[n_renamed] = b.file[k];
            b.dest[n_renamed++] = b.dest[k];
        }
    }
    for (size_t k = 0; k < n_renamed; k++)
        renamed[k] = 0;
    ddp_sync_folders(b.dest, n_renamed, renamed, &t->syncs);
    for (size_t k = 0; k < n_renamed; k++) {
        if (renamed[k] == 0) {
            file_final(t, b.file[k], done, arg);
        } else {
            /* in place, but its name may not survive a crash: not reported final */
            target_entry *e = &t->files[b.file[k]];
            free(e->temp);
            e->temp = NULL;
            e->state = FILE_FINISHED;
            done(arg, b.file[k], ddp_ft_status_from_errno(renamed[k]));
        }
    }
    batch_free(&b);
    return DDP_OK;
}
