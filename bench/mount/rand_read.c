/*
 * rand_read.c - ddp-bench-randread: random 4 KiB reads of one file, for the mount
 * benchmark (bench/run-mount-bench.sh). Readahead is turned off (POSIX_FADV_RANDOM), so
 * each read of a page not yet cached reaches the file system as one 4 KiB request.
 *   ddp-bench-randread FILE COUNT WINDOW_BYTES SEED
 * reads COUNT distinct pages drawn at random from the first WINDOW_BYTES of FILE (the
 * whole file when 0 or larger) and prints "reads N seconds S reads_per_s R".
 * Exits 1 when a read fails or comes back short.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: ddp-bench-randread FILE COUNT WINDOW_BYTES SEED\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 4096) {
        perror(argv[1]);
        return 1;
    }
    uint64_t count = strtoull(argv[2], NULL, 0), window = strtoull(argv[3], NULL, 0);
    uint64_t seed = strtoull(argv[4], NULL, 0) | 1;
    if (window == 0 || window > (uint64_t)st.st_size)
        window = (uint64_t)st.st_size;
    uint64_t pages = window / 4096;
    if (count > pages)
        count = pages;
    /* A random permutation's first COUNT pages: each page read once (no page-cache hits). */
    uint32_t *order = malloc(pages * sizeof *order);
    if (!order)
        return 1;
    for (uint64_t i = 0; i < pages; i++)
        order[i] = (uint32_t)i;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t j = i + next(&seed) % (pages - i);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    char buf[4096];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (uint64_t i = 0; i < count; i++) {
        if (pread(fd, buf, sizeof buf, (off_t)order[i] * 4096) != (ssize_t)sizeof buf) {
            fprintf(stderr, "read of page %u failed\n", order[i]);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("reads %llu seconds %.4f reads_per_s %.0f\n", (unsigned long long)count, s, s > 0 ? count / s : 0.0);
    free(order);
    close(fd);
    return 0;
}
