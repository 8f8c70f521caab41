/*
 * crash_replay.c - rebuilds a crash image from a write log of write_logger.c.
 *   crash_replay count LOG            prints "WRITES FLUSHES" of the log
 *   crash_replay index LOG BYTE       prints how many writes end at or before byte BYTE
 *                                     of the log (a position the crash shim noted)
 *   crash_replay flushes LOG          prints the write count before each flush, one a line
 *   crash_replay apply LOG IMAGE K [SEED]
 *                                     applies the first K writes to IMAGE (a copy of the
 *                                     image the log began on); with SEED, each write after
 *                                     the last flush before K is dropped with chance 1/2
 *                                     (a disk cache that had not written it yet)
 * A log that ends inside a record is refused: the logger never leaves one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct rec {
    char type;
    uint64_t off;
    uint32_t len;
    size_t data;        /* where its bytes start in the log */
    size_t end;         /* the byte after it in the log */
} rec;

static uint8_t *log_buf;
static size_t log_len;

static rec *parse(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) < 0) {
        perror(path);
        exit(2);
    }
    log_len = (size_t)st.st_size;
    log_buf = malloc(log_len ? log_len : 1);
    if (!log_buf || fread(log_buf, 1, log_len, f) != log_len) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    size_t cap = 1024, at = 0;
    rec *r = malloc(cap * sizeof *r);
    *n = 0;
    while (at < log_len) {
        if (log_len - at < 13) {
            fprintf(stderr, "%s: cut record at %zu\n", path, at);
            exit(2);
        }
        rec x = {(char)log_buf[at], 0, 0, 0, 0};
        for (int i = 0; i < 8; i++)
            x.off |= (uint64_t)log_buf[at + 1 + i] << (8 * i);
        for (int i = 0; i < 4; i++)
            x.len |= (uint32_t)log_buf[at + 9 + i] << (8 * i);
        x.data = at + 13;
        if ((x.type != 'W' && x.type != 'F') || x.len > log_len - x.data) {
            fprintf(stderr, "%s: bad record at %zu\n", path, at);
            exit(2);
        }
        x.end = x.data + x.len;
        at = x.end;
        if (*n == cap)
            r = realloc(r, (cap *= 2) * sizeof *r);
        r[(*n)++] = x;
    }
    return r;
}

int main(int argc, char **argv)
{
    size_t n;
    if (argc < 3) {
        fprintf(stderr, "usage: crash_replay count|index|flushes|apply LOG ...\n");
        return 2;
    }
    rec *r = parse(argv[2], &n);
    size_t writes = 0, flushes = 0;
    if (!strcmp(argv[1], "count")) {
        for (size_t i = 0; i < n; i++)
            r[i].type == 'W' ? writes++ : flushes++;
        printf("%zu %zu\n", writes, flushes);
    } else if (!strcmp(argv[1], "index") && argc == 4) {
        size_t byte = strtoull(argv[3], NULL, 10);
        for (size_t i = 0; i < n && r[i].end <= byte; i++)
            writes += r[i].type == 'W';
        printf("%zu\n", writes);
    } else if (!strcmp(argv[1], "flushes")) {
        for (size_t i = 0; i < n; i++) {
            if (r[i].type == 'W')
                writes++;
            else
                printf("%zu\n", writes);
        }
    } else if (!strcmp(argv[1], "apply") && (argc == 5 || argc == 6)) {
        size_t k = strtoull(argv[4], NULL, 10), last_flush = 0;
        int fd = open(argv[3], O_WRONLY);
        if (fd < 0) {
            perror(argv[3]);
            return 2;
        }
        for (size_t i = 0, w = 0; i < n && w < k; i++) {
            if (r[i].type == 'F')
                last_flush = w;
            else
                w++;
        }
        srand(argc == 6 ? (unsigned)strtoul(argv[5], NULL, 10) : 0);
        for (size_t i = 0, w = 0; i < n && w < k; i++) {
            if (r[i].type != 'W')
                continue;
            w++;
            if (argc == 6 && w > last_flush && rand() % 2)
                continue;
            if (pwrite(fd, log_buf + r[i].data, r[i].len, (off_t)r[i].off) != (ssize_t)r[i].len) {
                perror("pwrite");
                return 2;
            }
        }
        close(fd);
    } else {
        fprintf(stderr, "crash_replay: bad arguments\n");
        return 2;
    }
    free(r);
    free(log_buf);
    return 0;
}
