/*
 * fault_store.h - a recording in-memory ddp_store with fault injection, for the
 * reliability tests and the restore fuzzer.
 *
 * It holds its own copy of every file of a ddp_mem_store, so tests can damage bytes,
 * truncate or drop files without touching the original. Behaviours: the k-th call of a
 * kind fails (or every call from the k-th on), short reads, a read that reports more
 * bytes than it was asked for, no order/preview callbacks, a find_container callback,
 * read plans (engine's choice, reversed, or made by a hook), and a hook run inside
 * every read (re-entrancy tests). Counts every call and every plan still live, and folds
 * every call (kind, path, offsets, sizes, outcome) into a digest, in order.
 */
#ifndef DDP_FAULT_STORE_H
#define DDP_FAULT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"
#include "ddp/store_builder.h"

#define FAULT_E_FAIL ((int32_t)0x80004005u)
#define FAULT_E_FILE_NOT_FOUND ((int32_t)0x80070002u)

typedef enum fault_kind {
    FAULT_READ = 0,
    FAULT_ORDER,
    FAULT_PREVIEW,
    FAULT_FIND,
    FAULT_KINDS
} fault_kind;

typedef enum fault_plan_mode {
    FAULT_PLAN_NONE = 0,     /* S_OK, no plan: the engine's order */
    FAULT_PLAN_REVERSE,      /* one whole-file extent per container, last container first */
    FAULT_PLAN_SAMPLE,       /* the public sample's plan: [0, 10%) then [10%, INT64_MAX) */
    FAULT_PLAN_HOOK          /* made by plan_hook */
} fault_plan_mode;

typedef struct fault_file {
    char *path;
    uint8_t *data;
    size_t len;
    int dropped;             /* reads fail with FAULT_E_FILE_NOT_FOUND */
} fault_file;

typedef struct fault_store fault_store;

/* Fills *plan (allocate it with fault_plan_alloc) and *entries for order() call call_no. */
typedef int32_t (*fault_plan_fn)(fault_store *s, uint32_t call_no, uint32_t n, const char *const *paths,
                                 ddp_plan_extent **plan, uint32_t *entries);

struct fault_store {
    fault_file *files;
    size_t n_files;
    /* behaviour */
    int no_order, no_preview, with_find;
    uint32_t fail_at[FAULT_KINDS];   /* 1-based call number that fails; 0: none */
    int fail_from;                   /* 1: every call from fail_at on fails */
    int32_t fail_hr;                 /* the failure returned (default E_FAIL) */
    uint32_t short_read;             /* non-zero: at most this many bytes per read */
    uint32_t over_report;            /* non-zero: a read reports got = size + over_report */
    fault_plan_mode plan_mode;
    fault_plan_fn plan_hook;
    void *hook_ctx;
    void (*read_hook)(fault_store *s, void *ctx);   /* run at the start of every read */
    int find_lie;                    /* find_container: 0 honest; 1 a Data container's path;
                                      * 2 an empty path; 3 S_OK and no path; 4 "none" (1);
                                      * 5 a path outside the store ("..\\..\\x") */
    /* record */
    uint32_t calls[FAULT_KINDS];
    uint32_t failures_injected;
    uint32_t plans_live, plans_freed, bad_free;
    uint64_t bytes_read;
    uint64_t log_calls, log_digest;  /* calls so far; FNV-1a over them in order */
};

/* Copies every file of mem. Returns 0, or -1 when out of memory. */
int fault_store_init(fault_store *s, const ddp_mem_store *mem);
void fault_store_free(fault_store *s);
/* dst: an independent copy of src (files, damage, behaviour, counts). 0, or -1. */
int fault_store_clone(const fault_store *src, fault_store *dst);
void fault_store_api(fault_store *s, ddp_store *out);
/* Forgets the call counts and the injected faults' effects (not the damage). */
void fault_store_reset_counts(fault_store *s);

fault_file *fault_store_file(fault_store *s, const char *path);
/* Damage: xor one byte; cut the file to len bytes; make reads fail as "file not found". */
int fault_store_xor(fault_store *s, const char *path, uint64_t offset, uint8_t mask);
int fault_store_truncate(fault_store *s, const char *path, size_t len);
int fault_store_drop(fault_store *s, const char *path);

/* Allocates a plan of entries extents that free_plan releases (counted). */
ddp_plan_extent *fault_plan_alloc(fault_store *s, uint32_t entries);

int fault_path_equal(const char *a, const char *b);

#endif
