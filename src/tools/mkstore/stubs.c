/*
 * stubs.c - what ddp-mkstore leaves at each file's place under DEST_ROOT:
 *   - a raw stub: the file's content is the whole reparse buffer (a "$REPARSE_POINT dump");
 *   - an ntfs-3g stub (Linux): the file with its logical size, sparse (ftruncate), and the
 *     reparse buffer in the system.ntfs_reparse_data extended attribute;
 *   - a copy, for files too small to be optimized.
 * Folders above each path are created as needed.
 */
#if !defined(_WIN32)
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#ifdef _WIN32
#include <direct.h>
#define make_dir(p) _mkdir(p)
#else
#include <fcntl.h>
#include <unistd.h>
#define make_dir(p) mkdir((p), 0777)
#endif
#ifdef __linux__
#include <sys/xattr.h>
#endif

#include "mkstore.h"

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int mkstore_make_parents(char *path)
{
    for (char *s = path + 1; *s; s++) {
        if ((*s != '/' && *s != '\\') || s[-1] == '/' || s[-1] == '\\' || s[-1] == ':')
            continue;
        char c = *s;
        *s = '\0';
        int made = make_dir(path) == 0;
        if (made)
            mkstore_undo_note(path, 1);
        int ok = made || is_dir(path);
        if (!ok)
            fprintf(stderr, "ddp-mkstore: cannot create folder %s: %s\n", path, strerror(errno));
        *s = c;
        if (!ok)
            return -1;
    }
    return 0;
}

static int write_all(const char *path, const uint8_t *data, size_t len)
{
    if (!mkstore_path_exists(path))
        mkstore_undo_note(path, 0);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "ddp-mkstore: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        fprintf(stderr, "ddp-mkstore: cannot write %s\n", path);
    return ok ? 0 : -1;
}

int mkstore_write_raw_stub(const char *path, const uint8_t *reparse, size_t len)
{
    return write_all(path, reparse, len);
}

int mkstore_write_xattr_stub(const char *path, uint64_t size, const uint8_t *reparse, size_t len)
{
#ifdef __linux__
    /* A stub left by an earlier run cannot be opened through ntfs-3g (its reparse tag is
     * not one ntfs-3g follows), but it can be removed. */
    int existed = mkstore_path_exists(path);
    if (unlink(path) != 0 && errno != ENOENT) {
        fprintf(stderr, "ddp-mkstore: cannot replace %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!existed)
        mkstore_undo_note(path, 0);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        fprintf(stderr, "ddp-mkstore: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = ftruncate(fd, (off_t)size) == 0;
    if (!ok)
        fprintf(stderr, "ddp-mkstore: cannot set the size of %s: %s\n", path, strerror(errno));
    if (close(fd) != 0)
        ok = 0;
    if (ok && setxattr(path, "system.ntfs_reparse_data", reparse, len, 0) != 0) {
        fprintf(stderr, "ddp-mkstore: cannot set system.ntfs_reparse_data on %s: %s (is DEST_ROOT an ntfs-3g mount?)\n",
                path, strerror(errno));
        ok = 0;
    }
    return ok ? 0 : -1;
#else
    (void)path;
    (void)size;
    (void)reparse;
    (void)len;
    fprintf(stderr, "ddp-mkstore: --stubs xattr needs Linux and an ntfs-3g mount\n");
    return -1;
#endif
}

int mkstore_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        fprintf(stderr, "ddp-mkstore: cannot open %s: %s\n", from, strerror(errno));
        return -1;
    }
    if (!mkstore_path_exists(to))
        mkstore_undo_note(to, 0);
    FILE *out = fopen(to, "wb");
    if (!out) {
        fprintf(stderr, "ddp-mkstore: cannot create %s: %s\n", to, strerror(errno));
        fclose(in);
        return -1;
    }
    static uint8_t buf[1 << 16];
    size_t n;
    int ok = 1;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    fclose(in);
    ok = (fclose(out) == 0) && ok;
    if (!ok)
        fprintf(stderr, "ddp-mkstore: cannot copy %s to %s\n", from, to);
    return ok ? 0 : -1;
}
