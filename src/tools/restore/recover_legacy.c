/*
 * recover_legacy.c - finishes or removes what older ddp-restore versions left after a
 * crash (recover_legacy.h has the names and the rules).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
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

/* Length of <name> in ".<name>.ddprestore-<tail>", or 0 when name has another form. */
static size_t old_name_length(const char *name, const char **tail)
{
    size_t n = strlen(name), mark = sizeof OLD_MARK - 1;
    const char *at;
    if (n < 2 + mark || name[0] != '.')
        return 0;
    at = name + n;
    while (at > name + 1 && memcmp(at - 1, OLD_MARK, mark) != 0)   /* the last mark */
        at--;
    if (at <= name + 1 || (size_t)(at - 1 - name) <= 1)
        return 0;
    *tail = at - 1 + mark;
    return (size_t)(at - 1 - name) - 1;
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
    return ddp_stub_detect(path, DDP_STUBS_AUTO) != DDP_STUB_NONE;
}

static void removed(const char *path, const struct stat *st, recover_counts *c)
{
    if (unlink(path) == 0) {
        c->removed++;
        c->bytes += (uint64_t)st->st_size;
    }
}

/* A ready file beside the ordinary file stub (st): completes it, keeping its times. */
static void complete(const char *folder, const char *stub, const char *ready, const struct stat *st,
                     const struct stat *rst, FILE *log, recover_counts *c)
{
    const char *rslash = strrchr(ready, '/'), *sslash = strrchr(stub, '/');
    ddp_journal_rec r = {.name = (char *)(sslash ? sslash + 1 : stub),
                         .temp_name = (char *)(rslash ? rslash + 1 : ready),
                         .ino = (uint64_t)st->st_ino, .size = (uint64_t)rst->st_size,
                         .atime = st->st_atim, .mtime = st->st_mtim};
    uint64_t freed = 0;

    if (st->st_size != rst->st_size) {
        c->failed++;
        fprintf(log, "NOT RECOVERED %s: %s, left by an earlier version of ddp-restore, has another size; "
                     "both are kept\n", stub, ready);
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

/* A temporary file whose cut name (prefix, OLD_NAME_CUT bytes) names no file: if an
 * ordinary file's name begins with it, the temporary file may be its only complete copy. */
static void cut_name(const char *folder, const char *prefix, const char *temp, const struct stat *tst,
                     FILE *log, recover_counts *c)
{
    DIR *d = opendir(folder);
    struct dirent *de;
    size_t n = strlen(prefix), candidates = 0, stubs = 0;

    if (!d)
        return;
    while ((de = readdir(d))) {
        if (strlen(de->d_name) <= n || memcmp(de->d_name, prefix, n) != 0)
            continue;
        char *p = malloc(strlen(folder) + strlen(de->d_name) + 2);
        if (!p)
            break;
        sprintf(p, "%s/%s", folder, de->d_name);
        candidates++;
        stubs += (size_t)is_stub(p);
        free(p);
    }
    closedir(d);
    if (candidates == 0)
        return;            /* its file is gone, or the file is not ours: left alone */
    if (stubs == candidates) {
        removed(temp, tst, c);    /* every file it can belong to is still a stub */
        return;
    }
    c->failed++;
    fprintf(log, "NOT REMOVED %s: left by an earlier version of ddp-restore, it may hold the only complete "
                 "copy of a file of this folder whose name begins with its own (names longer than %d bytes "
                 "were cut); compare it with that file, then delete it\n",
            temp, OLD_NAME_CUT);
}

void recover_legacy(const char *path, legacy_kind kind, FILE *log, recover_counts *c)
{
    const char *slash = strrchr(path, '/'), *tail;
    size_t folder_len = slash ? (size_t)(slash - path) : 0;
    char *folder = slash ? strndup(path, folder_len ? folder_len : 1) : strdup(".");
    size_t n = old_name_length(slash ? slash + 1 : path, &tail);
    char *stub = folder ? malloc(strlen(folder) + n + 2) : NULL;
    struct stat st, tst;

    if (!stub || lstat(path, &tst) < 0 || !S_ISREG(tst.st_mode))
        goto out;
    sprintf(stub, "%s/%.*s", folder, (int)n, (slash ? slash + 1 : path) + 1);
    if (lstat(stub, &st) < 0) {
        if (errno == ENOENT && kind == LEGACY_TEMP && n == OLD_NAME_CUT) {
            stub[strlen(folder) + 1 + n] = '\0';
            cut_name(folder, stub + strlen(folder) + 1, path, &tst, log, c);
        }
    } else if (!S_ISREG(st.st_mode) || is_stub(stub)) {
        if (S_ISREG(st.st_mode))
            removed(path, &tst, c);   /* the stub is intact: that restore never changed it */
    } else if (kind == LEGACY_READY) {
        complete(folder, stub, path, &st, &tst, log, c);
    } else {
        removed(path, &tst, c);       /* the file was finished before this was left */
    }
out:
    free(stub);
    free(folder);
}
