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
 *  - a ready file beside an ordinary file of its size completes that file (its reparse
 *    point was removed; the copy into it may not have finished), keeping its times;
 *  - a temporary file beside an ordinary file of the full name is removed (the file was
 *    finished: the old commit only removed a reparse point after the ready rename, or
 *    replaced a raw stub by a rename);
 *  - a temporary file whose cut name begins the name of an ordinary file may hold the only
 *    complete copy of it (long names had no ready file): it is kept and reported, and the
 *    run fails, so that a person looks at it;
 *  - anything else (no file of that name) is left alone and not reported: it may not be ours.
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
