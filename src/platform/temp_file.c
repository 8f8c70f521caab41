/*
 * temp_file.c - fixed-length names of a restore's own files beside a destination
 * (temp_file.h); durable_batch.c makes them durable and file_target_commit.c puts them
 * in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "temp_file.h"

#define HEX_ID 16
#define MARK_LEN (sizeof DDP_TEMP_MARK - 1)
#define TEMP_LEN (MARK_LEN + HEX_ID + 1 + HEX_ID)
#define SEQUENCE_BIT (UINT64_C(1) << 63)   /* sequence numbers never equal an inode number here */

static _Atomic uint64_t run_id;
static _Atomic uint64_t sequence;

uint64_t ddp_run_id(void)
{
    uint64_t id = atomic_load(&run_id), fresh = 0, expected = 0;
    if (id)
        return id;
    if (getrandom(&fresh, sizeof fresh, 0) != (ssize_t)sizeof fresh) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        fresh = ((uint64_t)now.tv_sec << 32) ^ (uint64_t)now.tv_nsec ^ ((uint64_t)getpid() << 16);
    }
    fresh |= 1;   /* never 0, which means "not chosen yet" */
    return atomic_compare_exchange_strong(&run_id, &expected, fresh) ? fresh : expected;
}

/* Length of dest's folder part including the final '/', 0 for a bare name. */
static size_t folder_length(const char *dest)
{
    const char *slash = strrchr(dest, '/');
    return slash ? (size_t)(slash - dest) + 1 : 0;
}

/* "<folder of dest>.ddprestore-R-I<suffix>" (malloc'd). */
static char *work_path(const char *dest, size_t folder, uint64_t id, const char *suffix)
{
    size_t n = folder + TEMP_LEN + strlen(suffix) + 1;
    char *p = malloc(n);
    if (!p)
        return NULL;
    memcpy(p, dest, folder);
    snprintf(p + folder, n - folder, DDP_TEMP_MARK "%016" PRIx64 "-%016" PRIx64 "%s", ddp_run_id(), id, suffix);
    return p;
}

int ddp_temp_create(const char *dest, uint64_t id, mode_t mode, char **temp_path)
{
    char *p;
    int fd;

    if (id == 0 || (id & SEQUENCE_BIT))
        id = SEQUENCE_BIT | atomic_fetch_add(&sequence, 1);
    p = work_path(dest, folder_length(dest), id, "");
    *temp_path = NULL;
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        int saved = errno;
        free(p);
        errno = saved;
        return -1;
    }
    *temp_path = p;
    return fd;
}

char *ddp_journal_name_new(const char *folder)
{
    size_t n = strlen(folder);
    char *dir = malloc(n + 2), *p;
    if (!dir)
        return NULL;
    memcpy(dir, folder, n);
    dir[n] = '/';
    dir[n + 1] = '\0';
    p = work_path(dir, n + 1, SEQUENCE_BIT | atomic_fetch_add(&sequence, 1), DDP_JOURNAL_SUFFIX);
    free(dir);
    return p;
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

static int lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

ddp_work_kind ddp_work_name_kind(const char *name)
{
    size_t n = strlen(name);
    if (n < TEMP_LEN || memcmp(name, DDP_TEMP_MARK, MARK_LEN) != 0 || !lower_hex(name + MARK_LEN, HEX_ID) ||
        name[MARK_LEN + HEX_ID] != '-' || !lower_hex(name + MARK_LEN + HEX_ID + 1, HEX_ID))
        return DDP_WORK_NONE;
    if (n == TEMP_LEN)
        return DDP_WORK_TEMP;
    if (strcmp(name + TEMP_LEN, DDP_JOURNAL_SUFFIX) == 0)
        return DDP_WORK_JOURNAL;
    return DDP_WORK_NONE;
}

int ddp_is_temp_name(const char *name)
{
    return ddp_work_name_kind(name) != DDP_WORK_NONE;
}
