/*
 * recover_legacy.c - finishes or removes what older ddp-restore versions left after a
 * crash (recover_legacy.h has the names and the rules).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ntfs3g_commit.h"
#include "recover_legacy.h"
#include "restore_journal.h"
#include "stub_source.h"

#define OLD_MARK ".ddprestore-"
#define OLD_READY "ready"
#define OLD_RANDOM 6          /* mkstemp's XXXXXX */
#define OLD_NAME_CUT 200      /* longer names were cut to this many bytes */

static int is_alnum_ascii(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Length of <name> in ".<name>.ddprestore-<tail>" (the last mark; <name> not empty), or
 * 0 when name has another form. Reads name[0..strlen(name)) only. */
static size_t old_name_length(const char *name, const char **tail)
{
    size_t n = strlen(name), mark = sizeof OLD_MARK - 1;
    if (n < 2 + mark || name[0] != '.')
        return 0;
    for (const char *p = name + n - mark; p >= name + 2; p--) {
        if (memcmp(p, OLD_MARK, mark) == 0) {
            *tail = p + mark;
            return (size_t)(p - name) - 1;
        }
    }
    return 0;
}

legacy_kind legacy_name_kind(const char *name)
{
    const char *tail;
    if (old_name_length(name, &tail) == 0)
        return LEGACY_NONE;
    if (strcmp(tail, OLD_READY) == 0)
        return LEGACY_READY;
    if (strlen(tail) != OLD_RANDOM)
        return LEGACY_NONE;
    for (int i = 0; i < OLD_RANDOM; i++)
        if (!is_alnum_ascii(tail[i]))
            return LEGACY_NONE;
    return LEGACY_TEMP;
}

static int is_stub(const char *path)
{
    return ddp_stub_detect(path, DDP_STUB_MODE_AUTO) != DDP_STUB_NONE;
}

/* How a leftover L relates to the file F of the same size, byte by byte. */
typedef struct relation {
    int equal;       /* L == F */
    int zero_tail;   /* from their first difference on, F is all zeros: an interrupted copy of L */
    int subset;      /* every byte of L is zero or F's: L is a partial copy of F */
} relation;

#define SCAN_BLOCK 65536

static int relate(const char *l, const char *f, uint64_t size, relation *r)
{
    int lfd = open(l, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), ffd = open(f, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    uint8_t *a = malloc(SCAN_BLOCK), *b = malloc(SCAN_BLOCK);
    int differed = 0, rc = -1;

    r->equal = r->zero_tail = r->subset = 1;
    for (uint64_t at = 0; lfd >= 0 && ffd >= 0 && a && b; at += SCAN_BLOCK) {
        if (at >= size) {
            rc = 0;
            break;
        }
        size_t want = size - at < SCAN_BLOCK ? (size_t)(size - at) : SCAN_BLOCK;
        if (pread(lfd, a, want, (off_t)at) != (ssize_t)want || pread(ffd, b, want, (off_t)at) != (ssize_t)want)
            break;
        for (size_t i = 0; i < want; i++) {
            if (a[i] != b[i]) {
                r->equal = 0;
                differed = 1;
                if (a[i])
                    r->subset = 0;
            }
            if (differed && b[i])
                r->zero_tail = 0;
        }
    }
    if (lfd >= 0)
        close(lfd);
    if (ffd >= 0)
        close(ffd);
    free(a);
    free(b);
    return rc;
}

/* A ready file beside the ordinary file stub (st): completes it when it is an interrupted
 * copy of the ready file (size 0, or the ready file's bytes up to a point and zeros after),
 * keeping its times; drops the ready file when the file already equals it; otherwise keeps
 * both (the file changed since, or the ready file is not ours). */
static void complete(const char *folder, const char *stub, const char *ready, const struct stat *st,
                     const struct stat *rst, FILE *log, recover_counts *c)
{
    const char *rslash = strrchr(ready, '/'), *sslash = strrchr(stub, '/');
    ddp_journal_rec r = {.name = (char *)(sslash ? sslash + 1 : stub),
                         .temp_name = (char *)(rslash ? rslash + 1 : ready),
                         .ino = (uint64_t)st->st_ino, .size = (uint64_t)rst->st_size,
                         .atime = st->st_atim, .mtime = st->st_mtim};
    relation rel = {0, st->st_size == 0, 0};
    uint64_t freed = 0;

    if (st->st_size != 0 && (st->st_size != rst->st_size || relate(ready, stub, (uint64_t)st->st_size, &rel) < 0)) {
        c->failed++;
        fprintf(log, "NOT RECOVERED %s: %s, left by an earlier version of ddp-restore, %s; both are kept\n", stub,
                ready, st->st_size != rst->st_size ? "has another size" : "cannot be compared with it");
        return;
    }
    if (rel.equal) {
        recover_remove(ready, c);   /* the copy had finished; only the ready file's deletion had not */
        return;
    }
    if (!rel.zero_tail) {
        c->failed++;
        fprintf(log, "NOT RECOVERED %s: it differs from %s, left by an earlier version of ddp-restore, in more "
                     "than an interrupted copy (changed since?); both are kept: compare them, then delete the "
                     "one you do not want\n", stub, ready);
        return;
    }
    if (ddp_ntfs3g_recover(folder, &r, &freed) == DDP_RECOVERY_COMPLETED) {
        c->completed++;
        fprintf(log, "RECOVERED %s: a restore interrupted after its reparse point was removed was completed "
                     "from %s\n", stub, ready);
    } else {
        c->failed++;
        fprintf(log, "NOT RECOVERED %s: %s; its verified content is kept in %s\n", stub, strerror(errno), ready);
    }
    if (freed) {
        c->removed++;
        c->bytes += freed;
    }
}

/* An old temporary file beside the ordinary file stub (st): removed when it is a partial
 * copy of that file (the file was finished; this was a copy in progress), else left alone. */
static void drop_copy(const char *stub, const char *temp, const struct stat *st, const struct stat *tst,
                      recover_counts *c)
{
    relation rel;
    if (st->st_size == tst->st_size && relate(temp, stub, (uint64_t)st->st_size, &rel) == 0 && rel.subset)
        recover_remove(temp, c);
}

/* For a temporary file whose name may be cut (prefix: OLD_NAME_CUT bytes): the files of
 * folder whose longer names begin with prefix. Returns 0 when there is none, 1 when all
 * are still stubs, -1 (reported, counted as failed) when one is not: the temporary file
 * may then be its only complete copy (long names had no ready file). */
static int cut_name(const char *folder, const char *prefix, const char *temp, FILE *log, recover_counts *c)
{
    DIR *d = opendir(folder);
    struct dirent *de;
    size_t n = strlen(prefix), candidates = 0, stubs = 0;

    if (!d)
        return 0;
    while ((de = readdir(d))) {
        if (strlen(de->d_name) <= n || memcmp(de->d_name, prefix, n) != 0)
            continue;
        char *p = malloc(strlen(folder) + strlen(de->d_name) + 2);
        if (!p) {
            stubs = 0;   /* unknown: counted as a file that is not a stub */
            candidates++;
            break;
        }
        sprintf(p, "%s/%s", folder, de->d_name);
        candidates++;
        stubs += (size_t)is_stub(p);
        free(p);
    }
    closedir(d);
    if (candidates == 0)
        return 0;
    if (stubs == candidates)
        return 1;
    c->failed++;
    fprintf(log, "NOT REMOVED %s: left by an earlier version of ddp-restore, it may hold the only complete "
                 "copy of a file of this folder whose name begins with its own (names longer than %d bytes "
                 "were cut); compare it with that file, then delete it\n",
            temp, OLD_NAME_CUT);
    return -1;
}

void recover_legacy(const char *path, legacy_kind kind, FILE *log, recover_counts *c)
{
    const char *slash = strrchr(path, '/'), *tail, *base = slash ? slash + 1 : path;
    size_t folder_len = slash ? (size_t)(slash - path) : 0;
    char *folder = slash ? strndup(path, folder_len ? folder_len : 1) : strdup(".");
    size_t n = old_name_length(base, &tail);
    char *stub = folder ? malloc(strlen(folder) + n + 2) : NULL;
    struct stat st, tst;
    int longer = 0;

    if (!stub || lstat(path, &tst) < 0 || !S_ISREG(tst.st_mode))
        goto out;
    sprintf(stub, "%s/%.*s", folder, (int)n, base + 1);
    if (kind == LEGACY_TEMP && n == OLD_NAME_CUT &&
        (longer = cut_name(folder, stub + strlen(folder) + 1, path, log, c)) < 0)
        goto out;                     /* kept and reported */
    if (lstat(stub, &st) < 0) {
        if (longer == 1)
            recover_remove(path, c);   /* every file it can belong to is still a stub */
    } else if (is_stub(stub)) {
        recover_remove(path, c);       /* the stub is intact: that restore never changed it */
    } else if (!S_ISREG(st.st_mode)) {
        /* not a file it can belong to: left alone */
    } else if (kind == LEGACY_READY) {
        complete(folder, stub, path, &st, &tst, log, c);
    } else {
        drop_copy(stub, path, &st, &tst, c);
    }
out:
    free(stub);
    free(folder);
}
