/*
 * restore_journal.c - writing and reading a folder's restore journal (restore_journal.h).
 * The reader takes the bytes as untrusted: every length is checked against what is left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddp/crc.h"
#include "durable_batch.h"
#include "restore_journal.h"
#include "temp_file.h"

#define MAGIC "DDPRJNL1"
#define MAGIC_LEN 8
#define FIXED_BODY 44                  /* the body before the names */
#define NAME_LIMIT 4096u               /* longer than any name a file system gives */
#define JOURNAL_LIMIT (64u << 20)      /* 10,000 records of the longest names fit */

static void put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put_u32(uint8_t *p, uint32_t v) { put_u16(p, (uint16_t)v); put_u16(p + 2, (uint16_t)(v >> 16)); }
static void put_u64(uint8_t *p, uint64_t v) { put_u32(p, (uint32_t)v); put_u32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get_u32(const uint8_t *p) { return get_u16(p) | (uint32_t)get_u16(p + 2) << 16; }
static uint64_t get_u64(const uint8_t *p) { return get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

static size_t record_size(const ddp_journal_rec *r)
{
    return 8 + FIXED_BODY + strlen(r->name) + strlen(r->temp_name);
}

static void put_record(uint8_t *p, const ddp_journal_rec *r)
{
    size_t name = strlen(r->name), temp = strlen(r->temp_name);
    uint8_t *b = p + 8;
    put_u64(b, r->ino);
    put_u64(b + 8, r->size);
    put_u64(b + 16, (uint64_t)r->atime.tv_sec);
    put_u32(b + 24, (uint32_t)r->atime.tv_nsec);
    put_u64(b + 28, (uint64_t)r->mtime.tv_sec);
    put_u32(b + 36, (uint32_t)r->mtime.tv_nsec);
    put_u16(b + 40, (uint16_t)name);
    put_u16(b + 42, (uint16_t)temp);
    memcpy(b + FIXED_BODY, r->name, name);
    memcpy(b + FIXED_BODY + name, r->temp_name, temp);
    put_u32(p, (uint32_t)(FIXED_BODY + name + temp));
    put_u32(p + 4, ddp_crc32(b, FIXED_BODY + name + temp));
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

char *ddp_journal_write(const char *folder, const ddp_journal_rec *recs, size_t n)
{
    size_t total = MAGIC_LEN, at = MAGIC_LEN;
    for (size_t i = 0; i < n; i++) {
        if (strlen(recs[i].name) > NAME_LIMIT || strlen(recs[i].temp_name) > NAME_LIMIT) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        total += record_size(&recs[i]);
    }
    uint8_t *buf = malloc(total);
    char *path = ddp_journal_name_new(folder);
    int fd = -1, saved = ENOMEM, created = 0;
    if (!buf || !path)
        goto fail;
    memcpy(buf, MAGIC, MAGIC_LEN);
    for (size_t i = 0; i < n; i++) {
        put_record(buf + at, &recs[i]);
        at += record_size(&recs[i]);
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        saved = errno;
        goto fail;
    }
    created = 1;
    if (write_all(fd, buf, total) < 0 || fsync(fd) < 0) {
        saved = errno;
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        saved = errno;
        goto fail;
    }
    fd = -1;
    int err = 0;
    ddp_sync_counts counts = {0, 0, 0};
    const char *p = path;
    if (ddp_sync_folders(&p, 1, &err, &counts) < 0 || err) {
        saved = err ? err : ENOMEM;
        goto fail;
    }
    free(buf);
    return path;
fail:
    if (fd >= 0)
        close(fd);
    if (created)
        (void)unlink(path);
    free(buf);
    free(path);
    errno = saved;
    return NULL;
}

/* 1 when the record's names can be what a restore wrote: the file's name is one
 * component of the journal's folder (no '/', not "." or ".."), the temporary name has
 * exactly our form. A journal is a file in a folder others may write to: a record that
 * names anything else is never acted on. */
static int names_are_ours(const uint8_t *name, size_t n, const uint8_t *temp, size_t t)
{
    char tname[64];
    if (memchr(name, '/', n) || (n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (t >= sizeof tname)
        return 0;
    memcpy(tname, temp, t);
    tname[t] = '\0';
    return ddp_work_name_kind(tname) == DDP_WORK_TEMP;
}

static char *take_name(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Parses the records of buf[0..len): appends to *recs; stops at the first bad one. */
static int parse_records(const uint8_t *buf, size_t len, ddp_journal_rec **recs, size_t *n)
{
    size_t at = MAGIC_LEN, cap = 0;
    while (len - at >= 8 + FIXED_BODY) {
        size_t body = get_u32(buf + at);
        const uint8_t *b = buf + at + 8;
        if (body < FIXED_BODY || body > len - at - 8 || get_u32(buf + at + 4) != ddp_crc32(b, body))
            break;
        size_t name = get_u16(b + 40), temp = get_u16(b + 42);
        if (name == 0 || temp == 0 || FIXED_BODY + name + temp != body || memchr(b + FIXED_BODY, 0, name + temp) ||
            !names_are_ours(b + FIXED_BODY, name, b + FIXED_BODY + name, temp))
            break;
        if (*n == cap) {
            ddp_journal_rec *grown = realloc(*recs, (cap = cap ? cap * 2 : 16) * sizeof **recs);
            if (!grown)
                return -1;
            *recs = grown;
        }
        ddp_journal_rec *r = &(*recs)[*n];
        r->ino = get_u64(b);
        r->size = get_u64(b + 8);
        r->atime.tv_sec = (time_t)get_u64(b + 16);
        r->atime.tv_nsec = (long)(get_u32(b + 24) % 1000000000u);
        r->mtime.tv_sec = (time_t)get_u64(b + 28);
        r->mtime.tv_nsec = (long)(get_u32(b + 36) % 1000000000u);
        r->name = take_name(b + FIXED_BODY, name);
        r->temp_name = take_name(b + FIXED_BODY + name, temp);
        (*n)++;
        if (!r->name || !r->temp_name)
            return -1;
        at += 8 + body;
    }
    return 0;
}

/* Empty, or zeros only: created, but its bytes never reached the disk. */
static int never_written(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i])
            return 0;
    return 1;
}

int ddp_journal_read(const char *path, ddp_journal_rec **recs, size_t *n)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = -1, saved = 0;

    *recs = NULL;
    *n = 0;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0) {
        saved = errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > JOURNAL_LIMIT) {
        saved = EILSEQ;
        goto out;
    }
    buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf) {
        saved = ENOMEM;
        goto out;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            saved = r < 0 ? errno : EIO;
            goto out;
        }
        got += (size_t)r;
    }
    if (never_written(buf, got)) {
        rc = 0;   /* a crash before its sync: no file was changed under it */
        goto out;
    }
    if (got < MAGIC_LEN || memcmp(buf, MAGIC, MAGIC_LEN) != 0) {
        saved = EILSEQ;
        goto out;
    }
    if (parse_records(buf, got, recs, n) < 0) {
        saved = ENOMEM;
        goto out;
    }
    rc = 0;
out:
    close(fd);
    free(buf);
    if (rc < 0) {
        ddp_journal_free(*recs, *n);
        *recs = NULL;
        *n = 0;
        errno = saved;
    }
    return rc;
}

void ddp_journal_free(ddp_journal_rec *recs, size_t n)
{
    for (size_t i = 0; recs && i < n; i++) {
        free(recs[i].name);
        free(recs[i].temp_name);
    }
    free(recs);
}
