/*
 * inode_path.h - a file's path on the volume, for the plugin's log lines (the plugin
 * interface hands over an inode, not the path it was opened by).
 */
#ifndef DDP_NTFS3G_INODE_PATH_H
#define DDP_NTFS3G_INODE_PATH_H

#include <stddef.h>

#include "ntfs3g_headers.h"

#define IP_MAX_DEPTH 64u

/* "/dir/file" from the inode's $FILE_NAME attributes, walked up to the root (a Win32
 * or POSIX name preferred to a DOS one; one name of a file with several hard links).
 * Falls back to "MFT record N" when a name cannot be read or the walk is deeper than
 * IP_MAX_DEPTH. Always NUL-terminates out (truncated to cap). */
void ip_inode_path(ntfs_inode *ni, char *out, size_t cap);

#endif
