/*
 * file_target.c - begin/write/finish/abandon of restored files on Linux (file_target.h);
 * file_target_commit.c makes finished files durable and final in batches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddp/reparse.h"
#include "file_target_internal.h"
#include "temp_file.h"

#define EARLY_WRITEBACK_MIN (1u << 20)

ddp_status ddp_ft_errno_status(target_entry *e, int err)
{
    e->err = err;
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return DDP_ERR_NOT_FOUND;
    case ENOMEM:
        return DDP_ERR_NO_MEMORY;
    case EACCES:
    case EPERM:
        return DDP_ERR_ACCESS_DENIED;
    case EISDIR:
        return DDP_ERR_IS_DIRECTORY;
    default:
        return DDP_ERR_IO;
    }
}

/* In place the stub itself is replaced (a raw stub: by a rename over it) or rewritten
 * (an ntfs-3g stub): one with other hard links is refused, since the other names would
 * keep the stub (rename) or change with it; a directory is never a file to restore. */
ddp_status ddp_ft_check_stub_stat(const ddp_file_target *t, const target_entry *e, const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return DDP_ERR_IS_DIRECTORY;
    if (t->mode == DDP_TARGET_IN_PLACE && ddp_stub_links(e->spec.path, e->spec.kind, st) > 1)
        return DDP_ERR_HARD_LINK;
    return DDP_OK;
}

ddp_status ddp_ft_check_stub(const ddp_file_target *t, const target_entry *e)
{
    struct stat st;
    if (ddp_stub_lstat(e->spec.path, &st) < 0)
        return DDP_OK;          /* reading or replacing it reports what is wrong */
    return ddp_ft_check_stub_stat(t, e, &st);
}

static int open_temp(void *ctx, const char *key)
{
    (void)ctx;
    return open(key, O_WRONLY | O_CLOEXEC);
}

static target_entry *entry(ddp_file_target *t, uint32_t i)
{
    return i < t->n ? &t->files[i] : NULL;
}

/* A raw stub the caller already read (ddp_file_target_seen): its buffer and status, no system call. */
static ddp_status seen_reparse(ddp_file_target *t, target_entry *e, uint8_t *buf, size_t cap, size_t *len)
{
    const ddp_stub_seen *seen = e->seen;
    ddp_status c = ddp_ft_check_stub_stat(t, e, &seen->st);
    *len = 0;
    if (c != DDP_OK)
        return c;
    if (seen->len > cap)
        return DDP_ERR_BAD_LENGTH;
    memcpy(buf, seen->buf, seen->len);
    *len = seen->len;
    e->stub_stat = seen->st;
    e->have_stat = 1;
    return seen->len ? DDP_OK : DDP_ERR_NOT_REPARSE;
}

/* A raw stub is checked on the status its read took (no lstat of its own), which begin
 * then keeps (remember_stub); when the read failed before that, the check by name
 * decides first, as for other stubs. */
static ddp_status read_raw_reparse(ddp_file_target *t, target_entry *e, uint8_t *buf, size_t cap, size_t *len)
{
    struct stat st;
    int stated;
    if (e->seen)
        return seen_reparse(t, e, buf, cap, len);
    ddp_status s = ddp_stub_read_raw_stat(e->spec.path, buf, cap, len, &st, &stated);
    ddp_status c = stated ? ddp_ft_check_stub_stat(t, e, &st) : s != DDP_OK ? ddp_ft_check_stub(t, e) : DDP_OK;
    if (c != DDP_OK) {
        *len = 0;
        return c;
    }
    if (stated) {
        e->stub_stat = st;
        e->have_stat = 1;
    }
    return s;
}

static ddp_status target_read_reparse(void *ctx, uint32_t i, uint8_t *buf, size_t cap, size_t *len)
{
    target_entry *e = entry(ctx, i);
    ddp_status s;
    *len = 0;
    if (!e)
        return DDP_ERR_INVALID_ARG;
    if (e->spec.kind == DDP_STUB_RAW)
        return read_raw_reparse(ctx, e, buf, cap, len);
    s = ddp_ft_check_stub(ctx, e);
    return s != DDP_OK ? s : ddp_stub_read(e->spec.path, e->spec.kind, buf, cap, len);
}

/* Keeps what finish needs from the stub: its mode and times (a raw stub's were taken
 * when its reparse point was read), and for an ntfs-3g stub its reparse buffer; checks
 * again that it may be restored (ddp_ft_check_stub_stat). */
static ddp_status remember_stub(ddp_file_target *t, target_entry *e)
{
    if (!e->have_stat)
        e->have_stat = ddp_stub_lstat(e->spec.path, &e->stub_stat) == 0;
    if (e->have_stat) {
        ddp_status s = ddp_ft_check_stub_stat(t, e, &e->stub_stat);
        if (s != DDP_OK)
            return s;
    }
    if (t->mode != DDP_TARGET_IN_PLACE || e->spec.kind != DDP_STUB_XATTR)
        return DDP_OK;
    free(e->reparse);
    e->reparse = malloc(DDP_REPARSE_MAX_BUFFER);
    if (!e->reparse)
        return DDP_ERR_NO_MEMORY;
    return ddp_stub_read(e->spec.path, DDP_STUB_XATTR, e->reparse, DDP_REPARSE_MAX_BUFFER, &e->reparse_len);
}

/* The restored file's permission bits: a raw stub's (an ntfs-3g stub looks like a
 * symlink: 0644). */
static mode_t final_mode(const target_entry *e)
{
    return S_ISREG(e->stub_stat.st_mode) ? e->stub_stat.st_mode & 07777 : 0644;
}

/* 1 when e's restored file takes the stub's mode and times (not an ntfs-3g stub in
 * place, whose own inode keeps them). */
static int keeps_metadata(const ddp_file_target *t, const target_entry *e)
{
    return e->have_stat && (t->mode != DDP_TARGET_IN_PLACE || e->spec.kind != DDP_STUB_XATTR);
}

/* The mode e's temporary file is created with: its final mode when the umask leaves that
 * whole (no chmod later), else 0600 until finish sets it. */
static mode_t create_mode(const ddp_file_target *t, const target_entry *e)
{
    mode_t m = keeps_metadata(t, e) ? final_mode(e) : 0;
    return t->umask >= 0 && m && !(m & 07000) && !(m & (mode_t)t->umask) ? m : 0600;
}

/* In place, the restored file is the stub's own file: it keeps the stub's owner and group
 * (a restore run by root must not hand a user's file to root). 0, or the errno when root
 * cannot give the owner back (a file system without owners): the file then fails and its
 * stub stays. A user who is not root cannot give a file away (EPERM): the restored file is
 * theirs, as cp -p leaves it, and as before this check existed. */
static int keep_owner(const ddp_file_target *t, const target_entry *e, int fd)
{
    if (t->mode != DDP_TARGET_IN_PLACE || !S_ISREG(e->stub_stat.st_mode))
        return 0;
    if (e->stub_stat.st_uid == t->euid && e->stub_stat.st_gid == t->egid)
        return 0;
    if (fchown(fd, e->stub_stat.st_uid, e->stub_stat.st_gid) == 0)
        return 0;
    return errno == EPERM && t->euid != 0 ? 0 : errno;
}

/* The stub's owner (in place), mode (unless the file was created with it) and times on
 * the temporary file, through its descriptor fd; the owner first, since a change of
 * owner clears set-user-ID bits. 0 or the errno of a failure to keep the owner. */
static int keep_metadata(const ddp_file_target *t, const target_entry *e, int fd)
{
    struct timespec ts[2];
    int err = keep_owner(t, e, fd);
    if (err)
        return err;
    if (create_mode(t, e) != final_mode(e))
        (void)fchmod(fd, final_mode(e));
    ts[0] = e->stub_stat.st_atim;
    ts[1] = e->stub_stat.st_mtim;
    (void)futimens(fd, ts);
    return 0;
}

/* The process's umask as /proc/self/status shows it (Linux 4.7 on; asking umask() would
 * change it for a moment under other threads), or -1 when unknown. */
static int process_umask(void)
{
    char buf[2048];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC), mask = -1;
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *line = strstr(buf, "\nUmask:");
    if (line) {
        char *end;
        long v = strtol(line + 8, &end, 8);
        mask = end != line + 8 && v >= 0 && v <= 0777 ? (int)v : -1;
    }
    return mask;
}

void ddp_ft_drop_temp(ddp_file_target *t, target_entry *e)
{
    if (!e->temp)
        return;
    ddp_fd_cache_drop(&t->fds, e->temp);
    (void)unlink(e->temp);
    free(e->temp);
    e->temp = NULL;
}

static ddp_status target_begin(void *ctx, uint32_t i, uint64_t size)
{
    ddp_file_target *t = ctx;
    target_entry *e = entry(t, i);
    const char *dest;
    ddp_status s;
    uint64_t id;
    int fd;

    if (!e || !ddp_file_may_begin(e->state) || size > (uint64_t)INT64_MAX)
        return DDP_ERR_INVALID_ARG;
    e->size = size;
    e->written = 0;
    s = remember_stub(t, e);
    if (s != DDP_OK)
        return s;
    e->state = DDP_FILE_BEGUN;
    if (t->mode == DDP_TARGET_VERIFY)
        return DDP_OK;
    dest = ddp_ft_destination(t, e);
    if (!dest)
        return DDP_ERR_IO;
    /* in place the temporary name carries the stub's inode number (its identity) */
    id = t->mode == DDP_TARGET_IN_PLACE && e->have_stat ? (uint64_t)e->stub_stat.st_ino : 0;
    fd = ddp_temp_create(dest, id, create_mode(t, e), &e->temp);
    if (fd < 0 && errno == ENOENT && t->mode == DDP_TARGET_OUT) {
        /* the destination's folders are made when the first file needs them */
        if (ddp_make_parents(dest) < 0)
            return ddp_ft_errno_status(e, errno);
        fd = ddp_temp_create(dest, id, create_mode(t, e), &e->temp);
    }
    if (fd < 0)
        return ddp_ft_errno_status(e, errno);
    e->end = 0;
    /* kept open for the writes that follow; its size is set by them, or by finish */
    if (ddp_fd_cache_put(&t->fds, e->temp, fd) < 0) {
        ddp_ft_drop_temp(t, e);
        return DDP_ERR_NO_MEMORY;
    }
    return DDP_OK;
}

static ddp_status target_write(void *ctx, uint32_t i, uint64_t offset, const uint8_t *data, size_t len)
{
    ddp_file_target *t = ctx;
    target_entry *e = entry(t, i);
    int fd;

    if (!e || e->state != DDP_FILE_BEGUN || offset > e->size || len > e->size - offset)
        return DDP_ERR_INVALID_ARG;
    e->written += len;
    if (t->mode == DDP_TARGET_VERIFY)
        return DDP_OK;
    /* The temporary file was created empty: a range of zeros is left a hole, so what was
     * sparse stays sparse (checking costs one pass over data); finish() sets the size when
     * the file ends in such a range. */
    if (len == 0 || (data[0] == 0 && memcmp(data, data + 1, len - 1) == 0))
        return DDP_OK;
    fd = ddp_fd_cache_get(&t->fds, e->temp);
    if (fd < 0)
        return ddp_ft_errno_status(e, errno);
    for (size_t done = 0; done < len;) {
        ssize_t n = pwrite(fd, data + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ddp_ft_errno_status(e, n < 0 ? errno : EIO);
        done += (size_t)n;
    }
    if (offset + len > e->end)
        e->end = offset + len;
    return DDP_OK;
}

const char *ddp_ft_destination(const ddp_file_target *t, const target_entry *e)
{
    return t->mode == DDP_TARGET_OUT ? e->spec.out_path : e->spec.path;
}

/* A large file's write-back starts now, so that the commit's sync waits less. Small
 * files are left to the commit: starting each one alone costs more than it saves. */
static void start_writeback(ddp_file_target *t, const target_entry *e)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (e->size < EARLY_WRITEBACK_MIN)
        return;
    int fd = ddp_fd_cache_get(&t->fds, e->temp);
    if (fd >= 0)
        (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)t;
    (void)e;
#endif
}

/* The temporary file's size: a file written up to its last byte has it already (no
 * ftruncate, one system call per small file fewer); one that ends in zeros (left a
 * hole) or got no write at all is extended here. */
static ddp_status set_final_size(ddp_file_target *t, target_entry *e)
{
    int fd;
    if (e->end >= e->size)
        return DDP_OK;
    fd = ddp_fd_cache_get(&t->fds, e->temp);
    if (fd < 0 || ftruncate(fd, (off_t)e->size) < 0)
        return ddp_ft_errno_status(e, errno);
    return DDP_OK;
}

/* The content is complete: the temporary file is closed and waits for the next commit
 * (file_target_commit.c), which makes it durable and puts it in place. */
static ddp_status target_finish(void *ctx, uint32_t i)
{
    ddp_file_target *t = ctx;
    target_entry *e = entry(t, i);

    if (!e || e->state != DDP_FILE_BEGUN)
        return DDP_ERR_INVALID_ARG;
    if (e->written < e->size)
        return DDP_ERR_IO;              /* the engine did not deliver every byte */
    if (t->mode != DDP_TARGET_VERIFY) {
        ddp_status s = set_final_size(t, e);
        if (s != DDP_OK)
            return s;
        start_writeback(t, e);
        if (keeps_metadata(t, e)) {
            int fd = ddp_fd_cache_get(&t->fds, e->temp);
            if (fd < 0)
                return ddp_ft_errno_status(e, errno);
            int err = keep_metadata(t, e, fd);
            if (err)
                return ddp_ft_errno_status(e, err);
        }
        if (ddp_fd_cache_drop(&t->fds, e->temp) < 0)
            return ddp_ft_errno_status(e, errno);
    }
    e->state = DDP_FILE_COMMITTING;
    return DDP_OK;
}

static void target_abandon(void *ctx, uint32_t i)
{
    ddp_file_target *t = ctx;
    target_entry *e = entry(t, i);

    if (!e || e->state == DDP_FILE_DONE || e->state == DDP_FILE_ABANDONED)
        return;
    ddp_ft_drop_temp(t, e);
    e->state = DDP_FILE_ABANDONED;
}

ddp_status ddp_file_target_new(ddp_target_mode mode, uint32_t n, const ddp_target_spec *files,
                               unsigned open_files, ddp_file_target **out)
{
    ddp_file_target *t;

    *out = NULL;
    if ((n && !files) || mode > DDP_TARGET_VERIFY)
        return DDP_ERR_INVALID_ARG;
    t = calloc(1, sizeof *t);
    if (!t)
        return DDP_ERR_NO_MEMORY;
    t->mode = mode;
    t->n = n;
    t->umask = mode == DDP_TARGET_VERIFY ? -1 : process_umask();
    t->euid = geteuid();
    t->egid = getegid();
    t->files = calloc(n ? n : 1, sizeof *t->files);
    if (!t->files || ddp_fd_cache_init(&t->fds, open_files, open_temp, t) < 0) {
        free(t->files);
        free(t);
        return DDP_ERR_NO_MEMORY;
    }
    for (uint32_t i = 0; i < n; i++)
        t->files[i].spec = files[i];
    *out = t;
    return DDP_OK;
}

/* The system error behind file i's last failure, by text and by name ("No space left on
 * device (ENOSPC)"), or NULL when there was none. */
static const char *target_explain(void *ctx, uint32_t i)
{
    ddp_file_target *t = ctx;
    target_entry *e = entry(t, i);
    if (!e || e->err == 0)
        return NULL;
    const char *name = strerrorname_np(e->err);
    snprintf(t->why, sizeof t->why, "%s (%s)", strerror(e->err), name ? name : "unknown errno");
    return t->why;
}

void ddp_file_target_bind(ddp_file_target *t, ddp_target *target)
{
    memset(target, 0, sizeof *target);
    target->ctx = t;
    target->read_reparse = target_read_reparse;
    target->begin = target_begin;
    target->write = target_write;
    target->finish = target_finish;
    target->abandon = target_abandon;
    target->commit = ddp_ft_commit;
    target->explain = target_explain;
}

void ddp_file_target_seen(ddp_file_target *t, uint32_t i, const ddp_stub_seen *seen)
{
    if (i < t->n && t->files[i].spec.kind == DDP_STUB_RAW)
        t->files[i].seen = seen;
}

void ddp_file_target_syncs(const ddp_file_target *t, ddp_sync_counts *out)
{
    *out = t->syncs;
}

uint64_t ddp_file_target_written(const ddp_file_target *t, uint32_t i)
{
    return i < t->n ? t->files[i].written : 0;
}

void ddp_file_target_free(ddp_file_target *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->n; i++) {
        target_abandon(t, i);
        free(t->files[i].reparse);
    }
    ddp_fd_cache_cleanup(&t->fds);
    ddp_fd_closer_free(t->closer);
    free(t->files);
    free(t);
}
