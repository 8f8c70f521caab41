/*
 * crash_shim.c - an LD_PRELOAD library that kills ddp-restore (SIGKILL, no clean-up) at
 * a chosen point of an in-place commit, for the crash tests (test_ntfs_crash.sh):
 *   DDP_CRASH_REMOVE=K   after the K-th successful removal of a reparse point
 *                        (lremovexattr), once DDP_CRASH_WRITES=W more writes (pwrite)
 *                        went through (default 0: at once); with DDP_CRASH_DAEMON=PID
 *                        that process (the ntfs-3g daemon) is killed first;
 *   DDP_CRASH_RENAME=K   just before the K-th rename (raw stubs: the commit's rename).
 *   DDP_MARK_LOG=LOG DDP_MARKS=FILE  (the crash-point sweep) no crash: before each
 *                        removal of a reparse point "R <size of LOG>" and after each
 *                        unlink "U <size of LOG>" is appended to FILE, which places the
 *                        commit of each file in the write log of the ntfs-3g daemon.
 * Without these variables it changes nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

static atomic_long removals, renames, writes_after = -1;

static long env_long(const char *name)
{
    const char *v = getenv(name);
    return v ? atol(v) : 0;
}

static void die(void)
{
    long daemon = env_long("DDP_CRASH_DAEMON");
    if (daemon > 0)
        kill((pid_t)daemon, SIGKILL);
    kill(getpid(), SIGKILL);
}

/* Notes where the daemon's write log stands (DDP_MARK_LOG, DDP_MARKS). */
static void mark(char what)
{
    const char *log = getenv("DDP_MARK_LOG"), *marks = getenv("DDP_MARKS");
    struct stat st;
    if (!log || !marks || stat(log, &st) < 0)
        return;
    FILE *f = fopen(marks, "a");
    if (f) {
        fprintf(f, "%c %lld\n", what, (long long)st.st_size);
        fclose(f);
    }
}

int unlink(const char *path)
{
    int (*real)(const char *) = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    int rc = real(path);
    mark('U');
    return rc;
}

int lremovexattr(const char *path, const char *name)
{
    int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "lremovexattr");
    mark('R');
    int rc = real(path, name);
    long k = env_long("DDP_CRASH_REMOVE");
    if (rc == 0 && k > 0 && atomic_fetch_add(&removals, 1) + 1 == k) {
        if (env_long("DDP_CRASH_WRITES") <= 0)
            die();
        atomic_store(&writes_after, 0);
    }
    return rc;
}

static void count_write(void)
{
    if (atomic_load(&writes_after) < 0)
        return;
    if (atomic_fetch_add(&writes_after, 1) + 1 >= env_long("DDP_CRASH_WRITES"))
        die();
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t (*real)(int, const void *, size_t, off_t) =
        (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    ssize_t rc = real(fd, buf, n, off);
    count_write();
    return rc;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return pwrite(fd, buf, n, off);
}

int rename(const char *from, const char *to)
{
    int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    long k = env_long("DDP_CRASH_RENAME");
    if (k > 0 && atomic_fetch_add(&renames, 1) + 1 == k)
        die();
    return real(from, to);
}
