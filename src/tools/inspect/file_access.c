/*
 * file_access.c - bounded reads of input files, and raw reparse dumps. Offsets are 64-bit
 * on every platform (_fseeki64 on Windows, fseeko elsewhere).
 */
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L

#include "file_access.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static int seek_to(FILE *f, uint64_t offset, int whence)
{
#ifdef _WIN32
    return _fseeki64(f, (long long)offset, whence);
#else
    return fseeko(f, (off_t)offset, whence);
#endif
}

static int64_t tell_offset(FILE *f)
{
#ifdef _WIN32
    return _ftelli64(f);
#else
    return (int64_t)ftello(f);
#endif
}

int input_open(input_file *in, const char *path, char *err, size_t errlen)
{
    struct stat sb;
    in->f = NULL;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "is a directory");   /* fopen would accept it on Linux */
        return -1;
    }
    in->f = fopen(path, "rb");
    if (!in->f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    int64_t size = -1;
    if (seek_to(in->f, 0, SEEK_END) == 0)
        size = tell_offset(in->f);
    if (size < 0) {
        snprintf(err, errlen, "cannot find the file size: %s", strerror(errno));
        fclose(in->f);
        in->f = NULL;
        return -1;
    }
    in->size = (uint64_t)size;
    return 0;
}

int input_read(input_file *in, uint64_t offset, void *buf, size_t len)
{
    if (offset > in->size || len > in->size - offset)
        return -1;
    if (seek_to(in->f, offset, SEEK_SET) != 0)
        return -1;
    return fread(buf, 1, len, in->f) == len ? 0 : -1;
}

void input_close(input_file *in)
{
    if (in->f)
        fclose(in->f);
    in->f = NULL;
}

reparse_read read_reparse_dump(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
    input_file in;
    if (input_open(&in, path, err, errlen) != 0)
        return REPARSE_READ_FAILED;
    size_t n = in.size < cap ? (size_t)in.size : cap;
    int rc = input_read(&in, 0, buf, n);
    input_close(&in);
    if (rc != 0) {
        snprintf(err, errlen, "read failed");
        return REPARSE_READ_FAILED;
    }
    *len = n;
    return REPARSE_READ_OK;
}
