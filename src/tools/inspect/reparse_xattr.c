/*
 * reparse_xattr.c - a dedup file's reparse buffer as ntfs-3g shows it: the extended
 * attribute "system.ntfs_reparse_data" holds the whole buffer, from the tag on. ntfs-3g
 * shows such a file as a symbolic link that leads nowhere, so the attribute is read from
 * the file itself (lgetxattr), never through the "link".
 * Linux only; elsewhere the form is reported as unavailable.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/xattr.h>
#endif

#include "file_access.h"

reparse_read read_reparse_xattr(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
#if defined(__linux__)
    ssize_t n = lgetxattr(path, "system.ntfs_reparse_data", buf, cap);
    if (n < 0 && errno == EIO)   /* FUSE, once, right after the file's type changed */
        n = lgetxattr(path, "system.ntfs_reparse_data", buf, cap);
    if (n < 0) {
        if (errno == ENODATA)
            snprintf(err, errlen, "no reparse point (no system.ntfs_reparse_data attribute)");
        else
            snprintf(err, errlen, "lgetxattr system.ntfs_reparse_data: %s", strerror(errno));
        return REPARSE_READ_FAILED;
    }
    *len = (size_t)n;
    return REPARSE_READ_OK;
#else
    (void)path;
    (void)buf;
    (void)cap;
    (void)len;
    snprintf(err, errlen, "--xattr needs Linux with an ntfs-3g mount");
    return REPARSE_READ_UNAVAILABLE;
#endif
}
