/*
 * rel_twins.h - the reliability scenario run again with other thread counts: copies
 * ("twins") of the store and target are taken before rel_env_run's restore, each runs
 * the same restore with another thread count (1 and 4; 2 instead of the options' own),
 * and everything must come out identical to the original run: overall code, every
 * file's hr, status and message, every statistic, the target's call sequence, counters
 * and received content, the store's call sequence and counters.
 */
#ifndef DDP_REL_TWINS_H
#define DDP_REL_TWINS_H

#include "rel_env.h"

#define REL_TWINS 2

typedef struct rel_twin {
    uint32_t threads;
    fault_store fs;
    fault_target ft;
} rel_twin;

typedef struct rel_twins {
    rel_twin twin[REL_TWINS];
    uint32_t n;
} rel_twins;

/* 0: comparisons off (allocation-failure sweeps, whose runs cannot match). Default 1. */
extern int rel_twins_enabled;

/* Copies e's store and target before its run (nothing when disabled or when a read hook
 * is set: a hook acts once, outside the scenario). */
void rel_twins_take(rel_twins *tw, const rel_env *e);
/* Runs each twin and fails the test on the first difference from e's run; frees them. */
void rel_twins_compare(rel_twins *tw, const rel_env *e);

#endif
