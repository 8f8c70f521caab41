/*
 * inode_path.c - see inode_path.h. Each step reads the $FILE_NAME attributes of one
 * inode (resident, [MS-FSCC]/NTFS: parent folder reference and UTF-16 name) and opens
 * the parent folder read-only; every inode opened here is closed before returning.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "inode_path.h"

/* One name of ni (malloc'd, the locale's multibyte form); *parent gets its folder. */
static char *one_name(ntfs_inode *ni, u64 *parent)
{
    ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
    if (!ctx)
        return NULL;
    char *best = NULL;
    while (!ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
        if (ctx->attr->non_resident)
            continue;
        const FILE_NAME_ATTR *fn =
            (const FILE_NAME_ATTR *)((const u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
        ntfschar uname[256];   /* file_name_length is a u8 */
        memcpy(uname, (const u8 *)fn + offsetof(FILE_NAME_ATTR, file_name),
               (size_t)fn->file_name_length * sizeof(ntfschar));
        char *mb = NULL;
        if (ntfs_ucstombs(uname, fn->file_name_length, &mb, 0) < 0 || !mb)
            continue;
        free(best);
        best = mb;
        *parent = MREF_LE(fn->parent_directory);
        if (fn->file_name_type != FILE_NAME_DOS)
            break;
    }
    ntfs_attr_put_search_ctx(ctx);
    return best;
}

void ip_inode_path(ntfs_inode *ni, char *out, size_t cap)
{
    char *names[IP_MAX_DEPTH];
    uint32_t n = 0;
    ntfs_inode *cur = ni, *opened = NULL;
    int ok = 0;
    while (n < IP_MAX_DEPTH) {
        u64 parent = 0;
        char *name = one_name(cur, &parent);
        if (opened)
            ntfs_inode_close(opened);
        opened = NULL;
        if (!name)
            break;
        names[n++] = name;
        if (parent == FILE_root) {
            ok = 1;
            break;
        }
        cur = opened = ntfs_inode_open(ni->vol, parent);
        if (!cur)
            break;
    }
    if (opened)
        ntfs_inode_close(opened);
    size_t len = 0;
    out[0] = '\0';
    for (uint32_t i = n; ok && i-- > 0;) {
        int w = snprintf(out + len, cap - len, "/%s", names[i]);
        if (w < 0 || (size_t)w >= cap - len)
            break;
        len += (size_t)w;
    }
    if (!ok)
        snprintf(out, cap, "MFT record %llu", (unsigned long long)ni->mft_no);
    for (uint32_t i = 0; i < n; i++)
        free(names[i]);
}
