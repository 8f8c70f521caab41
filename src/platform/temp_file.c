/*
 * temp_file.c - temporary files beside a destination, and the durable rename that
 * replaces the destination with one (temp_file.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "temp_file.h"

#define TEMP_NAME_MAX 200   /* keeps ".name.ddprestore-XXXXXX" under NAME_MAX */

/* Length of dest's folder part including the final '/', 0 for a bare name. */
static size_t folder_length(const char *dest)
{
    const char *slash = strrchr(dest, '/');
    return slash ? (size_t)(slash - dest) + 1 : 0;
}

int ddp_temp_create(const char *dest, char **temp_path)
{
    size_t folder = folder_length(dest), base = strlen(dest + folder);
    char *p;
    int fd;

    *temp_path = NULL;
    if (base > TEMP_NAME_MAX)
        base = TEMP_NAME_MAX;
    p = malloc(folder + 1 + base + sizeof DDP_TEMP_MARK + 6);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(p, dest, folder);
    p[folder] = '.';
    memcpy(p + folder + 1, dest + folder, base);
    strcpy(p + folder + 1 + base, DDP_TEMP_MARK "XXXXXX");
    fd = mkstemp(p);
    if (fd < 0) {
        int saved = errno;
        free(p);
        errno = saved;
        return -1;
    }
    *temp_path = p;
    return fd;
}

static int sync_folder_of(const char *dest)
{
    size_t folder = folder_length(dest);
    char *dir = folder ? strndup(dest, folder) : strdup(".");
    int fd, rc = -1;

    if (!dir)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd >= 0) {
        rc = fsync(fd);
        if (rc < 0 && (errno == EINVAL || errno == ENOTSUP || errno == ENOSYS))
            rc = 0;         /* some file systems (FUSE) cannot sync a folder */
        close(fd);
    }
    return rc;
}

int ddp_temp_commit(const char *temp_path, const char *dest)
{
    int fd = open(temp_path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (close(fd) < 0 || rename(temp_path, dest) < 0)
        return -1;
    return sync_folder_of(dest);
}

int ddp_make_parents(const char *dest)
{
    size_t folder = folder_length(dest);
    char *p = strndup(dest, folder);
    int rc = 0;

    if (!p)
        return -1;
    for (size_t i = 1; i < folder && rc == 0; i++) {
        if (p[i] != '/')
            continue;
        p[i] = 0;
        if (mkdir(p, 0777) < 0 && errno != EEXIST)
            rc = -1;
        p[i] = '/';
    }
    free(p);
    return rc;
}

int ddp_is_temp_name(const char *name)
{
    return name[0] == '.' && strstr(name, DDP_TEMP_MARK) != NULL;
}
