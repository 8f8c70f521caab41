/*
 * temp_file.c - temporary files beside a destination (temp_file.h); durable_batch.c
 * makes them durable and file_target_commit.c renames them over their destinations.
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
