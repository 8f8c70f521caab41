/*
 * platform_test_util.c - scratch folders and file helpers for the platform tests.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform_test_util.h"

char *scratch_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *p = malloc(4096);
    if (!p)
        return NULL;
    snprintf(p, 4096, "%s/ddp-platform-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

void scratch_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) {
        unlink(dir);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        char *p;
        struct stat st;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        p = join(dir, de->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            scratch_remove(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

char *join(const char *dir, const char *rel)
{
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

int put_file(const char *path, const void *data, size_t len)
{
    char *dir = strdup(path);
    FILE *f;
    size_t n;
    for (char *s = dir + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = 0;
        mkdir(dir, 0777);
        *s = '/';
    }
    free(dir);
    f = fopen(path, "wb");
    if (!f)
        return -1;
    n = len ? fwrite(data, 1, len, f) : 0;
    return fclose(f) == 0 && n == len ? 0 : -1;
}

uint8_t *get_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size;
    *len = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) {
            *len = (size_t)size;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

int count_names(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL)
        if (strstr(de->d_name, needle))
            n++;
    closedir(d);
    return n;
}

void fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
}

#define NOBODY_ID 65534

static int dropped;

int unprivileged_begin(void)
{
    if (geteuid() != 0)
        return 0;
    if (setegid(NOBODY_ID) != 0)
        return -1;
    if (seteuid(NOBODY_ID) != 0) {
        (void)setegid(0);
        return -1;
    }
    dropped = 1;
    return 0;
}

void unprivileged_end(void)
{
    if (!dropped)
        return;
    /* back to root: the saved set-user-ID is still 0 */
    if (seteuid(0) != 0 || setegid(0) != 0)
        abort();
    dropped = 0;
}

typedef struct commit_log {
    uint32_t n;
    ddp_status *status;
    int *reports;
} commit_log;

static void record_done(void *arg, uint32_t file, ddp_status st)
{
    commit_log *log = arg;
    if (file >= log->n)
        return;
    log->status[file] = st;
    log->reports[file]++;
}

ddp_status commit_and_record(const ddp_target *tg, uint32_t n, ddp_status *status, int *reports)
{
    commit_log log = {n, status, reports};
    for (uint32_t i = 0; i < n; i++) {
        status[i] = DDP_ERR_INVALID_ARG;
        reports[i] = 0;
    }
    return tg->commit(tg->ctx, record_done, &log);
}
