/*
 * recover.c - the crash recovery and clean-up pass of ddp-restore (recover.h).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ntfs3g_commit.h"
#include "recover.h"
#include "recover_legacy.h"
#include "restore_journal.h"
#include "temp_file.h"

/* Paths of our own files found by the walk. */
typedef struct path_list {
    char **p;
    size_t n, cap;
} path_list;

typedef struct found {
    path_list journals, temps, kept;   /* kept: temporary files a kept journal still names */
    path_list legacy;                  /* what versions before the journal left (recover_legacy.h) */
    path_list broken;                  /* names of ours the file system cannot look at (errno in broken_err) */
    int *broken_err;
    int out_of_memory;
} found;

static int list_add(path_list *l, const char *path)
{
    if (l->n == l->cap) {
        char **grown = realloc(l->p, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof *l->p);
        if (!grown)
            return -1;
        l->p = grown;
    }
    if (!(l->p[l->n] = strdup(path)))
        return -1;
    l->n++;
    return 0;
}

static void list_free(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->p[i]);
    free(l->p);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void consider(found *f, const char *path)
{
    ddp_work_kind kind = ddp_work_name_kind(base_name(path));
    path_list *l = kind == DDP_WORK_JOURNAL ? &f->journals
                   : kind == DDP_WORK_TEMP  ? &f->temps
                   : legacy_name_kind(base_name(path)) != LEGACY_NONE ? &f->legacy
                                                                      : NULL;
    if (l && list_add(l, path) < 0)
        f->out_of_memory = 1;
}

/* A name of ours, or a folder, that cannot be looked at (a crash of a file system without
 * a journal, such as ntfs-3g, can leave a folder entry whose file record is unreadable). */
static void broken(found *f, const char *path, int err)
{
    int *grown = realloc(f->broken_err, (f->broken.n + 1) * sizeof *grown);
    if (!grown || list_add(&f->broken, path) < 0) {
        f->out_of_memory = 1;
        if (grown)
            f->broken_err = grown;
        return;
    }
    f->broken_err = grown;
    f->broken_err[f->broken.n - 1] = err;
}

/* Looks for our files in folder and, with recurse, in its subfolders, across mount
 * points as the list of files to restore does (file_list.c): a volume mounted below a
 * PATH is restored, so what a crash left on it must be finished first (symbolic links
 * are not followed). A folder that cannot be listed, or a name of
 * ours that cannot be looked at, is recorded in f->broken: the run must not end as if
 * nothing were left (glibc's nftw stops a whole walk at the first such name). */
static void walk(found *f, const char *folder, int recurse)
{
    DIR *d = opendir(folder);
    struct dirent *de;
    if (!d) {
        broken(f, folder, errno);
        return;
    }
    for (;;) {
        errno = 0;
        if (!(de = readdir(d))) {
            if (errno)
                broken(f, folder, errno);
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        ddp_work_kind kind = ddp_work_name_kind(de->d_name);
        int dir = de->d_type == DT_DIR, old = legacy_name_kind(de->d_name) != LEGACY_NONE;
        if (kind == DDP_WORK_NONE && !old && !(recurse && (dir || de->d_type == DT_UNKNOWN)))
            continue;
        size_t a = strlen(folder), b = strlen(de->d_name);
        char *p = malloc(a + b + 2);
        struct stat st;
        if (!p) {
            f->out_of_memory = 1;
            break;
        }
        snprintf(p, a + b + 2, "%s%s%s", folder, a && folder[a - 1] == '/' ? "" : "/", de->d_name);
        if (lstat(p, &st) < 0) {
            if (errno != ENOENT && kind != DDP_WORK_NONE)
                broken(f, p, errno);
        } else if (S_ISDIR(st.st_mode)) {
            if (recurse)
                walk(f, p, 1);
        } else if (S_ISREG(st.st_mode)) {
            consider(f, p);
        }
        free(p);
    }
    closedir(d);
}

void recover_remove(const char *path, recover_counts *c)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) == 0) {
        c->removed++;
        c->bytes += (uint64_t)st.st_size;
    }
}

/* Finishes the records of one journal; deletes it unless one of them still needs it. */
static void finish_journal(found *f, const char *journal, FILE *log, recover_counts *c)
{
    ddp_journal_rec *recs;
    size_t n, folder = (size_t)(base_name(journal) - journal);
    char *dir = strndup(journal, folder > 1 ? folder - 1 : folder);
    int keep = 0;

    if (!dir || ddp_journal_read(journal, &recs, &n) < 0) {
        c->failed++;
        fprintf(log, "NOT RECOVERED: the restore journal %s cannot be read (%s); it is kept, with every "
                     "temporary file of its folder\n", journal, strerror(errno));
        free(dir);
        if (list_add(&f->kept, journal) < 0)
            f->out_of_memory = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t freed = 0;
        ddp_recovery r = ddp_ntfs3g_recover(dir, &recs[i], &freed);
        if (r == DDP_RECOVERY_COMPLETED) {
            c->completed++;
            fprintf(log, "RECOVERED %s/%s: a restore interrupted after its reparse point was removed was "
                         "completed from %s\n", dir, recs[i].name, recs[i].temp_name);
        } else if (r == DDP_RECOVERY_FAILED) {
            c->failed++;
            keep = 1;
            const char *why = errno == ESTALE ? "another file has its name now" : strerror(errno);
            fprintf(log, "NOT RECOVERED %s/%s: %s; its verified content is kept in %s\n", dir, recs[i].name, why,
                    recs[i].temp_name);
            char *temp = malloc(strlen(dir) + strlen(recs[i].temp_name) + 2);
            if (temp)
                sprintf(temp, "%s/%s", dir, recs[i].temp_name);
            if (!temp || list_add(&f->kept, temp) < 0)
                f->out_of_memory = 1;
            free(temp);
        }
        if (freed) {
            c->removed++;
            c->bytes += freed;
        }
    }
    if (!keep)
        recover_remove(journal, c);
    ddp_journal_free(recs, n);
    free(dir);
}

/* 1 when temp must stay: a kept journal names it, or sits unread in its folder. */
static int is_kept(const found *f, const char *temp)
{
    size_t folder = (size_t)(base_name(temp) - temp);
    for (size_t i = 0; i < f->kept.n; i++) {
        const char *k = f->kept.p[i];
        if (!strcmp(k, temp))
            return 1;
        if (ddp_work_name_kind(base_name(k)) == DDP_WORK_JOURNAL && (size_t)(base_name(k) - k) == folder &&
            !strncmp(k, temp, folder))
            return 1;
    }
    return 0;
}

void recover_interrupted(const char *const *paths, int n, FILE *log, recover_counts *counts)
{
    found f;
    memset(&f, 0, sizeof f);
    memset(counts, 0, sizeof *counts);
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (lstat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(&f, paths[i], 1);
            continue;
        }
        size_t folder = (size_t)(base_name(paths[i]) - paths[i]);
        char *dir = folder ? strndup(paths[i], folder > 1 ? folder - 1 : folder) : strdup(".");
        if (dir && lstat(dir, &st) == 0)
            walk(&f, dir, 0);
        else if (!dir)
            f.out_of_memory = 1;
        free(dir);
    }
    for (size_t i = 0; i < f.journals.n; i++)
        finish_journal(&f, f.journals.p[i], log, counts);
    /* Without memory the kept list may be short: nothing more is deleted then. */
    for (size_t i = 0; i < f.temps.n && !f.out_of_memory; i++)
        if (!is_kept(&f, f.temps.p[i]))
            recover_remove(f.temps.p[i], counts);
    for (size_t i = 0; i < f.legacy.n && !f.out_of_memory; i++)
        recover_legacy(f.legacy.p[i], legacy_name_kind(base_name(f.legacy.p[i])), log, counts);
    for (size_t i = 0; i < f.broken.n; i++) {
        counts->failed++;
        if (ddp_work_name_kind(base_name(f.broken.p[i])) != DDP_WORK_NONE)
            fprintf(log, "NOT REMOVED %s: left by an interrupted run, it cannot be looked at (%s); the file "
                         "system needs a check (chkdsk)\n", f.broken.p[i], strerror(f.broken_err[i]));
        else
            fprintf(log, "NOT CHECKED %s: what interrupted runs left there cannot be looked for: %s\n",
                    f.broken.p[i], strerror(f.broken_err[i]));
    }
    if (f.out_of_memory) {
        counts->failed++;
        fprintf(log, "ddp-restore: out of memory while looking for what interrupted runs left\n");
    }
    if (counts->removed)
        fprintf(log, "ddp-restore: removed %zu files left by interrupted runs (%" PRIu64 " bytes)\n",
                counts->removed, counts->bytes);
    list_free(&f.journals);
    list_free(&f.temps);
    list_free(&f.kept);
    list_free(&f.legacy);
    list_free(&f.broken);
    free(f.broken_err);
}
