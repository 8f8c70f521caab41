/*
 * platform_test_util.h - scratch folders and small file helpers for the platform tests.
 */
#ifndef DDP_PLATFORM_TEST_UTIL_H
#define DDP_PLATFORM_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"

/* A new empty folder under $TMPDIR (or /tmp); returns a malloc'd path. */
char *scratch_dir(void);
/* rm -r of a folder made by scratch_dir. */
void scratch_remove(const char *dir);
/* dir + "/" + rel (malloc'd). */
char *join(const char *dir, const char *rel);
/* Writes len bytes to path, creating parent folders. Returns 0 on success. */
int put_file(const char *path, const void *data, size_t len);
/* The whole content of path (malloc'd) in *len, or NULL. */
uint8_t *get_file(const char *path, size_t *len);
/* How many names in dir hold needle. */
int count_names(const char *dir, const char *needle);
/* Deterministic test bytes. */
void fill_pattern(uint8_t *p, size_t n, uint32_t seed);

/* For checks that need a file we may not read: as root (who may read anything) the
 * effective user and group become nobody's (65534) until unprivileged_end(); as anyone
 * else nothing changes (a mode of 0 already denies). Returns 0 on success. */
int unprivileged_begin(void);
void unprivileged_end(void);

/* Calls tg->commit; reports[i] counts the reports of file i (n files) and status[i] holds
 * the last one. Returns commit()'s result. */
ddp_status commit_and_record(const ddp_target *tg, uint32_t n, ddp_status *status, int *reports);

#endif
