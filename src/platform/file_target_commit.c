/*
 * file_target_commit.c - the Linux file target's commit(): every file finished since the
 * previous commit becomes durable and final at once, and is reported through done().
 *
 * Temporary files (raw stubs, --out): their content is made durable with one syncfs per
 * file system (durable_batch.c), each is renamed over its destination (in place with
 * the stub held open, its inode freed later on the closer's thread: fd_closer.h), then
 * each distinct folder is fsync'd once; only then is a file reported final. A file whose
 * sync or rename fails is reported failed, its temporary file deleted and its stub (or
 * previous destination) left as it was; the others go on. A file whose folder cannot be
 * flushed after its rename is reported failed too: its content is in place, but its name
 * may not survive a crash. ntfs-3g stubs go by folder:
 * their temporary files are fsync'd (FUSE offers no trusted syncfs), one journal per
 * folder (restore_journal.h) is written and synced with the folder, each file goes
 * through ddp_ntfs3g_commit, and the journal is deleted once none of them needs it.
 * Verify mode has nothing to make durable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_target_internal.h"
#include "ntfs3g_commit.h"
#include "restore_journal.h"

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
    t->files[i].state = DDP_FILE_ABANDONED;
    done(arg, i, st);
}

static void file_final(ddp_file_target *t, uint32_t i, done_fn done, void *arg)
{
    target_entry *e = &t->files[i];
    free(e->temp);
    e->temp = NULL;
    e->state = DDP_FILE_DONE;
    done(arg, i, DDP_OK);
}

/* 1 when file i is committed through ddp_ntfs3g_commit (an ntfs-3g stub in place). */
static int is_xattr_in_place(const ddp_file_target *t, uint32_t i)
{
    return t->mode == DDP_TARGET_IN_PLACE && t->files[i].spec.kind == DDP_STUB_XATTR;
}

/* Length of the folder part of path (without the final '/'); 0 for a bare name. */
static size_t folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The temporary files of file[0..n-1] are made durable; those that are (and whose stubs
 * may still be restored) get a journal record in recs and their index in ok; the others
 * fail. Returns how many are in ok. */
static size_t prepare_records(ddp_file_target *t, const uint32_t *file, size_t n, const char **temps, int *err,
                              ddp_journal_rec *recs, uint32_t *ok, done_fn done, void *arg)
{
    size_t n_ok = 0;
    for (size_t k = 0; k < n; k++)
        temps[k] = t->files[file[k]].temp;
    ddp_sync_files(temps, n, err, &t->syncs);
    for (size_t k = 0; k < n; k++) {
        target_entry *e = &t->files[file[k]];
        ddp_status s = err[k] ? ddp_ft_errno_status(e, err[k]) : ddp_ft_check_stub(t, e);
        if (s != DDP_OK) {
            file_failed(t, file[k], s, done, arg);
            continue;
        }
        recs[n_ok].name = (char *)base_name(e->spec.path);
        recs[n_ok].temp_name = (char *)base_name(e->temp);
        recs[n_ok].ino = e->have_stat ? (uint64_t)e->stub_stat.st_ino : 0;
        recs[n_ok].size = e->size;
        if (e->have_stat) {
            recs[n_ok].atime = e->stub_stat.st_atim;
            recs[n_ok].mtime = e->stub_stat.st_mtim;
        }
        ok[n_ok++] = file[k];
    }
    return n_ok;
}

/* Each stub of ok[0..n-1] (journaled) through ddp_ntfs3g_commit. Returns 1 when one of
 * them could not be put back, so that its temporary file and the journal must stay. */
static int commit_journaled(ddp_file_target *t, const uint32_t *ok, size_t n, done_fn done, void *arg)
{
    int keep_journal = 0;
    for (size_t k = 0; k < n; k++) {
        target_entry *e = &t->files[ok[k]];
        int keep = 0;
        t->syncs.file_syncs++;   /* the stub (content and times) */
        if (ddp_ntfs3g_commit(e->spec.path, e->temp, e->size, e->reparse, e->reparse_len,
                              e->have_stat ? &e->stub_stat : NULL, &keep) == 0) {
            file_final(t, ok[k], done, arg);
            continue;
        }
        ddp_status s = ddp_ft_errno_status(e, errno);
        if (keep) {   /* the temporary file is the content now: the journal keeps its name */
            free(e->temp);
            e->temp = NULL;
            keep_journal = 1;
        }
        file_failed(t, ok[k], s, done, arg);
    }
    return keep_journal;
}

/* The folder of path (malloc'd): "." for a bare name, "/" for one at the root. */
static char *folder_of(const char *path)
{
    size_t len = folder_len(path);
    return len ? strndup(path, len) : strdup(path[0] == '/' ? "/" : ".");
}

/* ntfs-3g stubs of one folder (file[0..n-1]): content durable, journal durable, then each
 * commit; the journal goes once no stub needs its temporary file any more. */
static void commit_xattr_folder(ddp_file_target *t, const uint32_t *file, size_t n, done_fn done, void *arg)
{
    const char **temps = calloc(n, sizeof *temps);
    int *err = calloc(n, sizeof *err);
    ddp_journal_rec *recs = calloc(n, sizeof *recs);
    uint32_t *ok = calloc(n, sizeof *ok);
    char *folder = NULL, *journal = NULL;

    if (!temps || !err || !recs || !ok) {
        for (size_t k = 0; k < n; k++)
            file_failed(t, file[k], DDP_ERR_NO_MEMORY, done, arg);
    } else {
        size_t n_ok = prepare_records(t, file, n, temps, err, recs, ok, done, arg);
        folder = n_ok ? folder_of(t->files[ok[0]].spec.path) : NULL;
        journal = folder ? ddp_journal_write(folder, recs, n_ok) : NULL;
        int saved = folder ? errno : ENOMEM;
        for (size_t k = 0; k < n_ok && !journal; k++)
            file_failed(t, ok[k], ddp_ft_errno_status(&t->files[ok[k]], saved), done, arg);
        /* the journal's unlink is not synced: one that comes back names no temporary file */
        if (journal && !commit_journaled(t, ok, n_ok, done, arg))
            (void)unlink(journal);
    }
    free(temps);
    free(err);
    free(recs);
    free(ok);
    free(folder);
    free(journal);
}

static int by_folder(const void *a, const void *b, void *ctx)
{
    const ddp_file_target *t = ctx;
    const char *x = t->files[*(const uint32_t *)a].spec.path, *y = t->files[*(const uint32_t *)b].spec.path;
    size_t lx = folder_len(x), ly = folder_len(y);
    int c = memcmp(x, y, lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

/* Every committing ntfs-3g stub, folder by folder. Returns -1 when out of memory (nothing
 * was committed then). */
static int commit_xattr(ddp_file_target *t, done_fn done, void *arg)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->n; i++)
        n += t->files[i].state == DDP_FILE_COMMITTING && is_xattr_in_place(t, i);
    if (n == 0)
        return 0;
    uint32_t *file = malloc(n * sizeof *file);
    if (!file)
        return -1;
    n = 0;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->files[i].state == DDP_FILE_COMMITTING && is_xattr_in_place(t, i))
            file[n++] = i;
    qsort_r(file, n, sizeof *file, by_folder, t);
    for (size_t k = 0; k < n;) {
        size_t end = k + 1;
        while (end < n && by_folder(&file[k], &file[end], t) == 0)
            end++;
        commit_xattr_folder(t, file + k, end - k, done, arg);
        k = end;
    }
    free(file);
    return 0;
}

/* Verify mode: nothing to make durable. Returns 1 when file i was handled here. */
static int commit_alone(ddp_file_target *t, uint32_t i, done_fn done, void *arg)
{
    if (t->mode != DDP_TARGET_VERIFY)
        return 0;
    t->files[i].state = DDP_FILE_DONE;
    done(arg, i, DDP_OK);
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
        cap += t->files[i].state == DDP_FILE_COMMITTING;
    b->n = 0;
    b->file = calloc(cap ? cap : 1, sizeof *b->file);
    b->temp = calloc(cap ? cap : 1, sizeof *b->temp);
    b->dest = calloc(cap ? cap : 1, sizeof *b->dest);
    b->err = calloc(cap ? cap : 1, sizeof *b->err);
    if (!b->file || !b->temp || !b->dest || !b->err)
        return -1;
    for (uint32_t i = 0; i < t->n; i++) {
        target_entry *e = &t->files[i];
        if (e->state != DDP_FILE_COMMITTING || is_xattr_in_place(t, i) || commit_alone(t, i, done, arg))
            continue;
        b->file[b->n] = i;
        b->temp[b->n] = e->temp;
        b->dest[b->n++] = ddp_ft_destination(t, e);
    }
    return 0;
}

/* 1 when the stub now (st) is not the file, or not the content, whose reparse point was
 * read (was): another inode, size, modification or change time. */
static int stub_changed(const struct stat *was, const struct stat *st)
{
    return was->st_dev != st->st_dev || was->st_ino != st->st_ino || was->st_size != st->st_size ||
           was->st_mtim.tv_sec != st->st_mtim.tv_sec || was->st_mtim.tv_nsec != st->st_mtim.tv_nsec ||
           was->st_ctim.tv_sec != st->st_ctim.tv_sec || was->st_ctim.tv_nsec != st->st_ctim.tv_nsec;
}

/* Renames temp over dest. In place the stub is held open (O_PATH) across the rename and
 * checked through that descriptor (ddp_ft_check_stub_stat, and refused with ESTALE when
 * it changed since its reparse point was read: its new content is kept); the descriptor goes to the
 * closer, so that the stub's inode is freed on its thread, not inside rename()
 * (fd_closer.h). --out replaces no stub: nothing to check there. */
static ddp_status put_in_place(ddp_file_target *t, target_entry *e, const char *temp, const char *dest)
{
    struct stat st;
    ddp_status s = DDP_OK;
    int held = -1;

    if (t->mode == DDP_TARGET_IN_PLACE) {
        held = open(dest, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (held >= 0 && fstat(held, &st) == 0) {
            s = ddp_ft_check_stub_stat(t, e, &st);
            if (s == DDP_OK && e->have_stat && stub_changed(&e->stub_stat, &st))
                s = ddp_ft_errno_status(e, ESTALE);
        } else {
            s = ddp_ft_check_stub(t, e);   /* gone, or not openable: looked at by name */
        }
    }
    if (s == DDP_OK && rename(temp, dest) < 0)
        s = ddp_ft_errno_status(e, errno);
    ddp_fd_closer_put(t->closer, held);
    return s;
}

/* Out of memory before anything was made final: every committing file is dropped. */
static void drop_all_committing(ddp_file_target *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->files[i].state == DDP_FILE_COMMITTING) {
            ddp_ft_drop_temp(t, &t->files[i]);
            t->files[i].state = DDP_FILE_ABANDONED;
        }
    }
}

ddp_status ddp_ft_commit(void *ctx, done_fn done, void *arg)
{
    ddp_file_target *t = ctx;
    batch b = {0};

    if (commit_xattr(t, done, arg) < 0) {
        drop_all_committing(t);
        return DDP_ERR_NO_MEMORY;
    }
    if (batch_gather(t, &b, done, arg) < 0) {
        batch_free(&b);
        drop_all_committing(t);
        return DDP_ERR_NO_MEMORY;
    }
    ddp_sync_files(b.temp, b.n, b.err, &t->syncs);
    if (t->mode == DDP_TARGET_IN_PLACE && b.n && !t->closer)
        t->closer = ddp_fd_closer_new(ddp_fd_closer_capacity());
    for (size_t k = 0; k < b.n; k++) {
        target_entry *e = &t->files[b.file[k]];
        ddp_status s = b.err[k] ? ddp_ft_errno_status(e, b.err[k]) : put_in_place(t, e, b.temp[k], b.dest[k]);
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
            /* in place, but its name may not survive a crash: not reported final,
             * ABANDONED as the engine records it (file_state.h) */
            target_entry *e = &t->files[b.file[k]];
            free(e->temp);
            e->temp = NULL;
            e->state = DDP_FILE_ABANDONED;
            done(arg, b.file[k], ddp_ft_errno_status(e, renamed[k]));
        }
    }
    batch_free(&b);
    return DDP_OK;
}
