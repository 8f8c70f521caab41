/*
 * container_find.c - picks a container file by id from a chunk store folder listing
 * (container_find.h). A live store or its backup normally holds one generation per id;
 * when several are present the highest is the current one (FORMAT.md §2).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container_find.h"
#include "ddp/container.h"
#include "ddp/restore.h"
#include "path_resolve.h"

static char *join_volume_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int slash = dl && (dir[dl - 1] == '\\' || dir[dl - 1] == '/');
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (!slash)
        p[dl++] = '\\';
    memcpy(p + dl, name, nl + 1);
    return p;
}

int32_t ddp_container_find(const char *root, const char *dir, uint32_t id, char **path)
{
    char *host, best[256] = "";
    uint32_t best_gen = 0;
    DIR *d;
    struct dirent *de;

    *path = NULL;
    if (!root || !dir)
        return DDP_HR_E_INVALIDARG;
    if (ddp_path_resolve(root, dir, &host) < 0)
        return errno == ENOMEM ? DDP_HR_E_OUTOFMEMORY : 1;
    d = opendir(host);
    free(host);
    if (!d)
        return 1;
    while ((de = readdir(d)) != NULL) {
        uint32_t cid, gen;
        if (strlen(de->d_name) >= sizeof best)
            continue;
        if (ddp_container_name_parse(de->d_name, &cid, &gen) != 0 || cid != id)
            continue;
        if (!best[0] || gen > best_gen) {
            best_gen = gen;
            strcpy(best, de->d_name);
        }
    }
    closedir(d);
    if (!best[0])
        return 1;
    *path = join_volume_path(dir, best);
    return *path ? 0 : DDP_HR_E_OUTOFMEMORY;
}
