/*
 * recover_legacy.h - what ddp-restore versions before the folder journal (2026-12-06) left
 * after a crash, found by the recovery pass (recover.h) and finished or removed without
 * ever losing the only good copy of a file.
 *
 * Those versions named their files after the file being restored:
 *  - ".<name>.ddprestore-XXXXXX" (mkstemp: six letters or digits): the content being
 *    written, the file's name cut to its first 200 bytes;
 *  - ".<name>.ddprestore-ready" (names of at most 200 bytes, ntfs-3g in place): the
 *    complete, verified, fsync'd content, made before the reparse point was removed.
 * The rules, in the order the old commit made its changes:
 *  - a leftover beside a file that is still a dedup stub is removed (that restore had not
 *    changed the stub);
 *  - a ready file beside an ordinary file that is an interrupted copy of it (size 0, or
 *    its bytes up to a point and zeros after: the copy truncated, then wrote in order)
 *    completes that file, keeping its times; beside a file equal to it, it is removed;
 *    beside any other file (changed since, or the ready file is not ours) both are kept
 *    and reported, and the run fails;
 *  - a temporary file of 200 bytes of name (maybe cut) is kept and reported, and the run
 *    fails, when an ordinary file's longer name begins with it: it may hold that file's
 *    only complete copy (long names had no ready file);
 *  - a temporary file beside an ordinary file of its name is removed when it is a partial
 *    copy of it (each byte zero or the file's: the file was finished, the old commit only
 *    removed a reparse point after the ready rename or replaced a raw stub by a rename);
 *  - anything else is left alone and not reported: it may not be ours.
 */
#ifndef DDP_RESTORE_RECOVER_LEGACY_H
#define DDP_RESTORE_RECOVER_LEGACY_H

#include <stdio.h>

#include "recover.h"

typedef enum legacy_kind { LEGACY_NONE = 0, LEGACY_TEMP, LEGACY_READY } legacy_kind;

/* Which old leftover a final path component names, if any. */
legacy_kind legacy_name_kind(const char *name);

/* Finishes or removes the old leftover at path (of the given kind) by the rules above;
 * reports on log and counts in c. */
void recover_legacy(const char *path, legacy_kind kind, FILE *log, recover_counts *c);

#endif
