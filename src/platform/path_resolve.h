/*
 * path_resolve.h - maps a volume-root-relative Windows path ("\System Volume Information\
 * Dedup\...") onto a directory tree holding a copy of that volume or its backup.
 *
 * Backslashes become '/'. Windows names are case-insensitive, a Linux copy of them is
 * not: each component is tried as spelled, and when absent the folder is searched for a
 * name equal to it ignoring ASCII case. "." and ".." components are refused, so a path
 * can never leave the root.
 */
#ifndef DDP_PLATFORM_PATH_RESOLVE_H
#define DDP_PLATFORM_PATH_RESOLVE_H

/* On success returns 0 and *out (malloc'd) is ROOT/<components as found on disk>.
 * Otherwise -1 with errno: ENOENT (a component is missing), EINVAL (bad component),
 * ENOMEM, or what the directory scan reported. */
int ddp_path_resolve(const char *root, const char *volume_path, char **out);

#endif
