/*
 * recover.c - the crash recovery pass of ddp-restore in place (recover.h).
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ntfs3g_commit.h"
#include "recover.h"

static FILE *walk_log;
static recover_counts *walk_counts;

static void recover_one(const char *ready, FILE *log, recover_counts *c)
{
    char *stub = ddp_ntfs3g_stub_of_ready(ready);
    if (!stub)
        return;
    switch (ddp_ntfs3g_recover(stub, ready)) {
    case DDP_RECOVERY_COMPLETED:
        c->completed++;
        fprintf(log, "RECOVERED %s: a restore interrupted after its reparse point was removed was "
                     "completed from %s\n", stub, ready);
        break;
    case DDP_RECOVERY_STALE:
        c->stale++;
        break;
    case DDP_RECOVERY_FAILED:
        c->failed++;
        fprintf(log, "NOT RECOVERED %s: its verified content is kept in %s\n", stub, ready);
        break;
    }
    free(stub);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode) && ddp_ntfs3g_is_ready_name(path))
        recover_one(path, walk_log, walk_counts);
    return 0;
}

void recover_interrupted(char *const *paths, int n, FILE *log, recover_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    walk_log = log;
    walk_counts = counts;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (lstat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            (void)nftw(paths[i], visit, 32, FTW_PHYS | FTW_MOUNT);
            continue;
        }
        char *ready = ddp_ntfs3g_ready_path(paths[i]);
        if (ready && lstat(ready, &st) == 0 && S_ISREG(st.st_mode))
            recover_one(ready, log, counts);
        free(ready);
    }
}
