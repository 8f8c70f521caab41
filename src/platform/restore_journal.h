/*
 * restore_journal.h - a folder's restore journal: which of our temporary files
 * (temp_file.h) holds the complete, verified content of which file of the folder, with
 * the times that file must get. It is written and made durable (with the folder) before
 * any of those files loses its reparse point, so that a run after a crash can finish
 * them whatever their names (ntfs3g_commit.h); it is deleted once they are final.
 *
 * Format (little-endian): "DDPRJNL1", then records of
 *   u32 body length, u32 CRC-32 of the body, body:
 *   u64 inode number of the file, u64 content size, i64 atime s, u32 atime ns,
 *   i64 mtime s, u32 mtime ns, u16 name length, u16 temporary name length, the names
 *   (bytes as the file system gave them: any length, any encoding).
 * A record that is cut short or fails its CRC ends the journal, and an empty journal or
 * one of zeros only has no records (a write torn by a crash: no file of it was changed,
 * since the journal is synced before any change).
 */
#ifndef DDP_PLATFORM_RESTORE_JOURNAL_H
#define DDP_PLATFORM_RESTORE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct ddp_journal_rec {
    char *name;              /* the file's name within the journal's folder */
    char *temp_name;         /* its temporary file's name there */
    uint64_t ino, size;
    struct timespec atime, mtime;
} ddp_journal_rec;

/* Writes a new journal in folder holding recs[0..n-1], fsyncs it and the folder. Returns
 * its path (malloc'd), or NULL with errno set (then no journal is left). */
char *ddp_journal_write(const char *folder, const ddp_journal_rec *recs, size_t n);

/* Reads the journal at path: *recs (malloc'd, ddp_journal_free) and *n. Returns 0, or -1
 * with errno set when it cannot be read or is not a journal (EILSEQ). */
int ddp_journal_read(const char *path, ddp_journal_rec **recs, size_t *n);

void ddp_journal_free(ddp_journal_rec *recs, size_t n);

#endif
