/*
 * stub_source.c - reading and recognising dedup stubs: raw reparse dumps and the
 * ntfs-3g reparse attribute (stub_source.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ddp/le.h"
#include "ddp/reparse.h"
#include "stub_source.h"

static ddp_status status_from_errno(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
        return DDP_ERR_NOT_FOUND;
    case EACCES:
    case EPERM:
        return DDP_ERR_ACCESS_DENIED;
    case EISDIR:
        return DDP_ERR_IS_DIRECTORY;
    case ENODATA:
    case ENOTSUP:
        return DDP_ERR_NOT_REPARSE;
    case ERANGE:
        return DDP_ERR_BAD_LENGTH;
    case ENOMEM:
        return DDP_ERR_NO_MEMORY;
    default:
        return DDP_ERR_IO;
    }
}

/* st: the status of the file read (through its descriptor); *stated 1 when st was set. */
static ddp_status read_raw(const char *path, uint8_t *buf, size_t cap, size_t *len, struct stat *st, int *stated)
{
    /* O_NONBLOCK: a FIFO in a file's place must not block the restore */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    size_t got = 0;

    *stated = 0;
    if (fd < 0)
        return status_from_errno(errno);
    if (fstat(fd, st) < 0) {
        close(fd);
        return DDP_ERR_NOT_REPARSE;
    }
    *stated = 1;
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        return S_ISDIR(st->st_mode) ? DDP_ERR_IS_DIRECTORY : DDP_ERR_NOT_REPARSE;
    }
    if ((uint64_t)st->st_size > cap) {
        close(fd);
        return DDP_ERR_BAD_LENGTH;
    }
    while (got < (size_t)st->st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st->st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return DDP_ERR_IO;
        }
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return got ? DDP_OK : DDP_ERR_NOT_REPARSE;
}

/* lgetxattr, asked again when FUSE answers EIO: right after a file turned from a regular
 * file into a reparse point or back, the kernel's cached inode has the wrong type and
 * the first lookup fails (ntfs3g_commit.h). */
static ssize_t get_reparse_xattr(const char *path, uint8_t *buf, size_t cap)
{
    ssize_t n = -1;
    for (int tries = 0; tries < 3; tries++) {
        struct stat st;
        n = lgetxattr(path, DDP_NTFS_REPARSE_XATTR, buf, cap);
        if (n >= 0 || errno != EIO)
            break;
        (void)lstat(path, &st);
    }
    return n;
}

static ddp_status read_xattr(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    struct stat st;
    if (ddp_stub_lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return DDP_ERR_IS_DIRECTORY;
    ssize_t n = get_reparse_xattr(path, buf, cap);
    if (n < 0)
        return status_from_errno(errno);
    *len = (size_t)n;
    return n ? DDP_OK : DDP_ERR_NOT_REPARSE;
}

ddp_status ddp_stub_read(const char *path, ddp_stub_kind kind, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (!path || !buf)
        return DDP_ERR_INVALID_ARG;
    if (kind == DDP_STUB_RAW) {
        struct stat st;
        int stated;
        return read_raw(path, buf, cap, len, &st, &stated);
    }
    if (kind == DDP_STUB_XATTR)
        return read_xattr(path, buf, cap, len);
    return DDP_ERR_NOT_REPARSE;
}

ddp_status ddp_stub_read_raw_stat(const char *path, uint8_t *buf, size_t cap, size_t *len, struct stat *st,
                                  int *stated)
{
    *len = 0;
    *stated = 0;
    if (!path || !buf)
        return DDP_ERR_INVALID_ARG;
    return read_raw(path, buf, cap, len, st, stated);
}

/* The buffer carries the dedup tag: it is a dedup stub, well-formed or not (a malformed
 * one fails its restore with DDP_E_INVALID_DATA; it is never "not a stub"). */
static int has_dedup_tag(const uint8_t *buf, size_t len)
{
    return len >= 4 && ddp_le32(buf) == DDP_REPARSE_TAG_DEDUP;
}

int ddp_stub_lstat(const char *path, struct stat *st)
{
    int rc = -1;
    for (int tries = 0; tries < 3; tries++) {
        rc = lstat(path, st);
        if (rc == 0 || errno != EIO)
            break;
    }
    return rc;
}

ddp_status ddp_stub_probe_buffer(const char *path, ddp_stub_mode mode, ddp_stub_kind *kind, uint8_t *buf,
                                 size_t cap, size_t *len, struct stat *raw_st, int *stated)
{
    struct stat unused;
    int raw_stated;
    size_t got = 0;
    ddp_status st;

    *kind = DDP_STUB_NONE;
    *len = 0;
    if (!raw_st)
        raw_st = &unused;
    if (!stated)
        stated = &raw_stated;
    *stated = 0;
    if (mode != DDP_STUB_MODE_RAW) {
        ssize_t n = get_reparse_xattr(path, buf, cap);
        if (n > 0) {
            *kind = has_dedup_tag(buf, (size_t)n) ? DDP_STUB_XATTR : DDP_STUB_NONE;
            *len = *kind == DDP_STUB_XATTR ? (size_t)n : 0;
            return DDP_OK;
        }
        if (n < 0 && status_from_errno(errno) == DDP_ERR_ACCESS_DENIED) {
            *kind = DDP_STUB_XATTR;
            return DDP_ERR_ACCESS_DENIED;
        }
        if (mode == DDP_STUB_MODE_XATTR)
            return DDP_OK;
    }
    st = read_raw(path, buf, cap, &got, raw_st, stated);
    if (st == DDP_ERR_ACCESS_DENIED) {
        *kind = DDP_STUB_RAW;
        return st;
    }
    if (st == DDP_OK && has_dedup_tag(buf, got)) {
        *kind = DDP_STUB_RAW;
        *len = got;
    } else {
        *stated = 0;
    }
    return DDP_OK;
}

ddp_status ddp_stub_probe(const char *path, ddp_stub_mode mode, ddp_stub_kind *kind)
{
    uint8_t buf[DDP_REPARSE_MAX_BUFFER];
    size_t len;
    return ddp_stub_probe_buffer(path, mode, kind, buf, sizeof buf, &len, NULL, NULL);
}

ddp_stub_kind ddp_stub_detect(const char *path, ddp_stub_mode mode)
{
    ddp_stub_kind kind;
    (void)ddp_stub_probe(path, mode, &kind);
    return kind;
}

/* ntfs-3g counts a file's separate DOS (8.3) name as a link (its "posix_nlink" option
 * leaves reparse points out): such a name, told apart from a long name that is its own
 * DOS name by comparing the two, is not another link. */
unsigned long ddp_stub_links(const char *path, ddp_stub_kind kind, const struct stat *st)
{
    char dos[16];
    const char *base = strrchr(path, '/');
    ssize_t n;

    if (kind != DDP_STUB_XATTR || st->st_nlink < 2)
        return (unsigned long)st->st_nlink;
    n = lgetxattr(path, DDP_NTFS_DOS_NAME_XATTR, dos, sizeof dos - 1);
    if (n <= 0)
        return (unsigned long)st->st_nlink;
    dos[n] = '\0';
    return strcasecmp(dos, base ? base + 1 : path) == 0 ? (unsigned long)st->st_nlink : (unsigned long)st->st_nlink - 1;
}
