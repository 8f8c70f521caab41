/*
 * file_access.h - where ddp-inspect's bytes come from: files read in bounded pieces (a
 * container may be 1 GB; it is never loaded whole), and reparse buffers read from a dump
 * file, from the system.ntfs_reparse_data xattr of a file on an ntfs-3g mount (Linux),
 * or from the file itself through FSCTL_GET_REPARSE_POINT (Windows).
 */
#ifndef DDP_INSPECT_FILE_ACCESS_H
#define DDP_INSPECT_FILE_ACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct input_file {
    FILE *f;
    uint64_t size;
} input_file;

/* 0 on success; -1 with a message in err otherwise. */
int input_open(input_file *in, const char *path, char *err, size_t errlen);
/* Reads exactly len bytes at offset; -1 when the file is shorter or the read fails. */
int input_read(input_file *in, uint64_t offset, void *buf, size_t len);
void input_close(input_file *in);

/* Outcome of reading a reparse buffer. */
typedef enum reparse_read {
    REPARSE_READ_OK = 0,
    REPARSE_READ_FAILED = 1,        /* I/O error or no reparse point: exit 1 */
    REPARSE_READ_UNAVAILABLE = 2    /* the form does not exist on this platform: exit 2 */
} reparse_read;

/* A raw dump: the file's first bytes (at most cap) are the reparse buffer. */
reparse_read read_reparse_dump(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen);
/* Linux: getxattr(path, "system.ntfs_reparse_data"). */
reparse_read read_reparse_xattr(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen);
/* Windows: CreateFileW(FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS) and
 * FSCTL_GET_REPARSE_POINT; path in UTF-8. */
reparse_read read_reparse_win32(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen);

#endif
