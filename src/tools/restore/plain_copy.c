/*
 * plain_copy.c - copying what is not a stub under --out (plain_copy.h).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plain_copy.h"
#include "temp_file.h"

#define COPY_BLOCK (64u * 1024u)

static int all_zero(const uint8_t *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* mkdir -p path; 0 or -1 with errno. */
static int make_folder(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
    size_t len = strlen(path);
    char *with_slash = malloc(len + 2);
    if (!with_slash)
        return -1;
    memcpy(with_slash, path, len);
    memcpy(with_slash + len, "/", 2);
    int rc = ddp_make_parents(with_slash);
    free(with_slash);
    return rc;
}

/* Copies the bytes of in to out; blocks of zeros become holes. Returns 0, or -1 with
 * errno and *what naming the step. */
static int copy_bytes(int in, int out, off_t size, const char **what)
{
    static uint8_t buf[COPY_BLOCK];
    off_t at = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return *what = "reading", -1;
        if (n == 0)
            break;
        if (!all_zero(buf, (size_t)n)) {
            for (ssize_t done = 0; done < n;) {
                ssize_t w = pwrite(out, buf + done, (size_t)(n - done), at + done);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0)
                    return *what = "writing", (w == 0 ? (errno = EIO) : 0), -1;
                done += w;
            }
        }
        at += n;
    }
    if (ftruncate(out, at > size ? at : size) < 0)
        return *what = "setting the size", -1;
    return 0;
}

static int copy_file(const plain_item *it, const struct stat *st, const char **what)
{
    int in = open(it->path, O_RDONLY | O_NOFOLLOW);
    if (in < 0)
        return *what = "opening", -1;
    if (ddp_make_parents(it->out_path) < 0) {
        int saved = errno;
        close(in);
        return *what = "making its folder", errno = saved, -1;
    }
    int out = open(it->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    if (out < 0) {
        int saved = errno;
        close(in);
        return *what = "creating the copy", errno = saved, -1;
    }
    int rc = copy_bytes(in, out, st->st_size, what);
    int saved = errno;
    if (rc == 0 && (fchmod(out, st->st_mode & 07777) < 0 || futimens(out, (struct timespec[2]){st->st_atim, st->st_mtim}) < 0))
        rc = -1, saved = errno, *what = "keeping its mode and times";
    if (close(out) < 0 && rc == 0)
        rc = -1, saved = errno, *what = "closing the copy";
    close(in);
    errno = saved;
    return rc;
}

static int copy_link(const plain_item *it, const struct stat *st, const char **what)
{
    size_t cap = (size_t)st->st_size + 1;
    char *target = malloc(cap ? cap : 1);
    if (!target)
        return *what = "reading the link", -1;
    ssize_t n = readlink(it->path, target, cap);
    if (n < 0 || (size_t)n >= cap) {
        free(target);
        return *what = "reading the link", (n >= 0 ? (errno = ENAMETOOLONG) : 0), -1;
    }
    target[n] = 0;
    int rc = ddp_make_parents(it->out_path);
    if (rc < 0)
        *what = "making its folder";
    else if ((rc = unlink(it->out_path)) < 0 && errno != ENOENT)
        *what = "replacing the copy";
    else if ((rc = symlink(target, it->out_path)) < 0)
        *what = "making the link";
    free(target);
    return rc < 0 ? -1 : 0;
}

void plain_copy_all(const file_list *list, FILE *err, size_t *copied, size_t *failed)
{
    *copied = *failed = 0;
    for (size_t i = 0; i < list->plain_count; i++) {
        const plain_item *it = &list->plain[i];
        const char *what = "examining";
        struct stat st;
        int rc = lstat(it->path, &st);
        if (rc == 0 && it->kind == PLAIN_FOLDER) {
            what = "making the folder";
            rc = make_folder(it->out_path);
        } else if (rc == 0) {
            rc = it->kind == PLAIN_LINK ? copy_link(it, &st, &what) : copy_file(it, &st, &what);
            if (rc == 0)
                (*copied)++;
        }
        if (rc < 0) {
            fprintf(err, "FAILED %s: copy: %s (%s %s)\n", it->path, strerror(errno), what, it->out_path);
            (*failed)++;
        }
    }
}
