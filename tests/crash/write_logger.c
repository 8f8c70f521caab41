/*
 * write_logger.c - an LD_PRELOAD library for the ntfs-3g daemon in the crash-point sweep
 * (test_ntfs_sweep.sh): every write to the volume's image file (pwrite, pwrite64, write)
 * is appended to a log with its offset and bytes, and every flush of it (fsync,
 * fdatasync) as a flush mark, so that crash_replay can rebuild the image as it was after
 * any prefix of the writes.
 *   DDP_WLOG=LOG          the log (appended)
 *   DDP_WLOG_IMAGE=IMAGE  the image file whose writes are logged
 * Record: u8 'W' or 'F', u64 offset, u32 length, then length bytes (W only); little-endian.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static dev_t image_dev;
static ino_t image_ino;
static int ready = -1;   /* -1 unknown, 0 off, 1 on */

static void init(void)
{
    const char *log = getenv("DDP_WLOG"), *image = getenv("DDP_WLOG_IMAGE");
    struct stat st;
    ready = 0;
    if (!log || !image || stat(image, &st) < 0)
        return;
    image_dev = st.st_dev;
    image_ino = st.st_ino;
    log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ready = log_fd >= 0;
}

static int is_image(int fd)
{
    struct stat st;
    if (ready < 0)
        init();
    return ready == 1 && fd != log_fd && fstat(fd, &st) == 0 && st.st_dev == image_dev && st.st_ino == image_ino;
}

static void put(const void *p, size_t n)
{
    ssize_t (*real_write)(int, const void *, size_t) = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *c = p;
    while (n) {
        ssize_t w = real_write(log_fd, c, n);
        if (w <= 0)
            abort();   /* a log with a hole would replay wrong images */
        c += w;
        n -= (size_t)w;
    }
}

static void record(char type, uint64_t off, const void *data, uint32_t len)
{
    uint8_t head[13];
    head[0] = (uint8_t)type;
    for (int i = 0; i < 8; i++)
        head[1 + i] = (uint8_t)(off >> (8 * i));
    for (int i = 0; i < 4; i++)
        head[9 + i] = (uint8_t)(len >> (8 * i));
    pthread_mutex_lock(&lock);
    put(head, sizeof head);
    if (len)
        put(data, len);
    pthread_mutex_unlock(&lock);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t (*real)(int, const void *, size_t, off_t) =
        (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    ssize_t rc = real(fd, buf, n, off);
    if (rc > 0 && is_image(fd))
        record('W', (uint64_t)off, buf, (uint32_t)rc);
    return rc;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return pwrite(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    ssize_t (*real)(int, const void *, size_t) = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    off_t off = fd != log_fd && is_image(fd) ? lseek(fd, 0, SEEK_CUR) : -1;
    ssize_t rc = real(fd, buf, n);
    if (rc > 0 && off >= 0)
        record('W', (uint64_t)off, buf, (uint32_t)rc);
    return rc;
}

int fsync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int rc = real(fd);
    if (rc == 0 && is_image(fd))
        record('F', 0, NULL, 0);
    return rc;
}

int fdatasync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int rc = real(fd);
    if (rc == 0 && is_image(fd))
        record('F', 0, NULL, 0);
    return rc;
}
