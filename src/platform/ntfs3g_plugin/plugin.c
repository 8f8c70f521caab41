/*
 * plugin.c - the ntfs-3g reparse plugin for IO_REPARSE_TAG_DEDUP (ntfs-plugin-80000013.so):
 * deduplicated files read as their content on an ntfs-3g mount, read-only.
 *
 * ntfs-3g loads the plugin from its plugin directory the first time it meets the tag and
 * calls init(tag); the operations then get the file's inode and its reparse buffer:
 *   getattr  a regular file of the reparse point's logical size (read-only mode bits;
 *            ntfs-3g applies the mount's umask or ACLs);
 *   open     read-only opens only (anything else: EROFS); a ddp_file_reader over the
 *            volume (volume_backup.c), kept in fi->fh;
 *   read     the reader's bytes; a chunk that cannot be read or verified fails the whole
 *            request with EIO (a short answer would tell FUSE the file ends there), and
 *            the reader logs the file and offset through ntfs-3g's log (syslog);
 *   release  closes the reader; with no file left open, the open containers are closed.
 * write, truncate and the rest are left undefined: ntfs-3g answers EOPNOTSUPP, so a
 * deduplicated file is never changed through the mount.
 *
 * One chunk cache serves every file of the mount (file_reader.h: 32 chunks, 8 MiB at
 * most), plus VS_OPEN_CONTAINERS open container attributes. Files are named in log
 * lines by their path on the volume (inode_path.c: the plugin interface gives no path).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ddp/file_reader.h"
#include "ddp/reparse.h"
#include "fuse_abi.h"
#include "hash_choice.h"
#include "inode_path.h"
#include "ntfs3g_headers.h"
#include "volume_backup.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static ddp_reader_cache *g_cache;
static volume_backup *g_store;
static unsigned g_open_files;

static void log_line(void *ctx, const char *msg)
{
    (void)ctx;
    ntfs_log_error("dedup: %s\n", msg);
}

static size_t reparse_len(const REPARSE_POINT *rp)
{
    return DDP_REPARSE_HEADER_SIZE + le16_to_cpu(rp->reparse_data_length);
}

static int errno_of(ddp_status st)
{
    switch (st) {
    case DDP_ERR_NO_MEMORY:
        return ENOMEM;
    case DDP_ERR_INVALID_ARG:
        return EINVAL;
    default:
        return EIO;
    }
}

static int dedup_getattr(ntfs_inode *ni, const REPARSE_POINT *reparse, struct stat *st)
{
    ddp_reparse *rp = malloc(sizeof *rp);
    if (!rp)
        return -ENOMEM;
    ddp_diag diag = {0, NULL};
    ddp_status s = ddp_reparse_parse((const uint8_t *)reparse, reparse_len(reparse), rp, &diag);
    if (s != DDP_OK) {
        ntfs_log_error("dedup: MFT record %llu: reparse point offset 0x%llx: %s: %s\n",
                       (unsigned long long)ni->mft_no, (unsigned long long)diag.offset,
                       diag.what ? diag.what : "field", ddp_status_str(s));
        free(rp);
        return -EIO;
    }
    st->st_size = (off_t)rp->logical_size;
    st->st_blocks = (blkcnt_t)((rp->logical_size + 511) / 512);
    st->st_mode = S_IFREG | 0444;
    free(rp);
    return 0;
}

/* The shared cache and the volume's store, made on the first open. */
static int ensure_state(ntfs_volume *vol)
{
    if (!g_cache) {
        ddp_reader_options opt;
        ddp_reader_options_default(&opt);
        opt.log = log_line;
        if (ddp_reader_cache_new(&opt, &g_cache) != DDP_OK)
            return -ENOMEM;
    }
    if (!g_store) {
        g_store = vs_new(vol);
        if (!g_store)
            return -ENOMEM;
    }
    return vs_volume(g_store) == vol ? 0 : -EXDEV;   /* one volume per ntfs-3g process */
}

static int dedup_open(ntfs_inode *ni, const REPARSE_POINT *reparse, struct fuse_file_info *fi)
{
    if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
        return -EROFS;
    pthread_mutex_lock(&g_lock);
    int rc = ensure_state(ni->vol);
    ddp_backup store;
    if (rc == 0)
        vs_api(g_store, &store);
    pthread_mutex_unlock(&g_lock);
    if (rc)
        return rc;
    char name[512];
    ip_inode_path(ni, name, sizeof name);
    ddp_file_reader *r = NULL;
    ddp_status st = ddp_file_reader_open(&store, g_cache, (const uint8_t *)reparse, reparse_len(reparse), name, &r);
    if (st != DDP_OK)
        return -errno_of(st);
    pthread_mutex_lock(&g_lock);
    g_open_files++;
    pthread_mutex_unlock(&g_lock);
    fi->fh = (uint64_t)(uintptr_t)r;
    return 0;
}

static int dedup_read(ntfs_inode *ni, const REPARSE_POINT *reparse, char *buf, size_t size, off_t offset,
                      struct fuse_file_info *fi)
{
    (void)ni;
    (void)reparse;
    ddp_file_reader *r = (ddp_file_reader *)(uintptr_t)fi->fh;
    if (!r || offset < 0)
        return -EINVAL;
    if (size > INT32_MAX)
        size = INT32_MAX;
    size_t got = 0;
    ddp_status st = ddp_file_reader_read(r, (uint64_t)offset, buf, size, &got);
    return st == DDP_OK ? (int)got : -errno_of(st);
}

static int dedup_release(ntfs_inode *ni, const REPARSE_POINT *reparse, struct fuse_file_info *fi)
{
    (void)ni;
    (void)reparse;
    ddp_file_reader_close((ddp_file_reader *)(uintptr_t)fi->fh);
    fi->fh = 0;
    pthread_mutex_lock(&g_lock);
    if (g_open_files && --g_open_files == 0 && g_store)
        vs_close_containers(g_store);
    pthread_mutex_unlock(&g_lock);
    return 0;
}

static const struct plugin_operations dedup_ops = {
    .getattr = dedup_getattr,
    .open = dedup_open,
    .release = dedup_release,
    .read = dedup_read,
};

__attribute__((visibility("default"))) const struct plugin_operations *init(le32 tag)
{
    if (le32_to_cpu(tag) != DDP_REPARSE_TAG_DEDUP) {
        errno = EINVAL;
        return NULL;
    }
    ddp_choose_hash_backend();
    return &dedup_ops;
}
