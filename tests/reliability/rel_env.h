/*
 * rel_env.h - the restore scenario the reliability tests share: a multi-file,
 * multi-container sample store (files of several chunks, one empty file kept as it is,
 * one file that is a copy of another so chunks are shared, one non-deduplicated file),
 * a fake_backup over a fresh copy of it, a fake_target, and one ddp_restore run.
 */
#ifndef DDP_REL_ENV_H
#define DDP_REL_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"
#include "fake_backup.h"
#include "fake_target.h"
#include "store_fixture.h"

#define REL_FILES 7u
#define REL_UNSET_HR FAKE_UNSET_HR   /* results are pre-filled with this */

typedef struct rel_env {
    store_fixture ss;
    fake_backup fs;
    fake_target ft;
    ddp_backup store;
    ddp_target target;
    ddp_restore_options opt;
    ddp_file_result results[REL_FILES];
    ddp_restore_stats stats;
    int32_t overall;
    char why[256];
} rel_env;

/* Builds the sample store (layout, stale offset hints or not). Returns 0 on success. */
int rel_env_build(rel_env *e, uint16_t layout, int stale_hints);
/* A fresh copy of the store and a fresh target (after rel_env_build or rel_env_release). */
int rel_env_prepare(rel_env *e);
/* Runs ddp_restore with the current behaviour settings; returns the overall code. The
 * same restore also runs with the other thread counts and must give identical results
 * (twins.h; a difference fails the test). */
int32_t rel_env_run(rel_env *e);
/* fake_target_check on the last run, plus "every plan freed"; 0 when fine (else e->why). */
int rel_env_check(rel_env *e);
/* Frees the store copy and the target (the sample store stays). */
void rel_env_release(rel_env *e);
void rel_env_free(rel_env *e);

/* 1 when the last run returned before touching any result or target call (an early
 * E_OUTOFMEMORY / E_INVALIDARG return). */
int rel_env_untouched(const rel_env *e);
/* Number of files that were restored (S_OK) in the last run. */
uint32_t rel_env_restored(const rel_env *e);

#endif
