/*
 * mock_store.h - a recording ddp_store over a ddp_mem_store, for the restore engine's
 * tests. Every call is logged (kind, path, offset, size, previewed list, offered paths).
 * Behaviours: a plan per order() call (or none), no order/preview callbacks at all, the
 * k-th call of a kind failing, short reads, dropped containers (reads fail with
 * HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)), corrupted bytes, a directory callback.
 * Reads past the end of a file return S_OK with fewer bytes, like the public sample.
 */
#ifndef DDP_TEST_MOCK_STORE_H
#define DDP_TEST_MOCK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"
#include "ddp/store_builder.h"

#define MOCK_E_FILE_NOT_FOUND ((int32_t)0x80070002u)

typedef enum mock_kind {
    MOCK_READ = 0,
    MOCK_PREVIEW,
    MOCK_ORDER,
    MOCK_FREE_PLAN,
    MOCK_FIND,
    MOCK_KINDS
} mock_kind;

typedef struct mock_call {
    mock_kind kind;
    char *path;                  /* read, preview, find (the directory) */
    uint64_t offset;             /* read */
    uint32_t size, got;          /* read */
    int32_t hr;
    uint32_t n;                  /* preview: reads; order: paths */
    ddp_read_extent *reads;      /* preview (copy) */
    char **paths;                /* order (copies) */
    ddp_plan_extent *plan;       /* order: the plan returned (copy) */
    uint32_t plan_entries;
} mock_call;

typedef struct mock_store mock_store;
/* Makes the plan for order() call number call_no (1-based). Returns the HRESULT. */
typedef int32_t (*mock_plan_fn)(mock_store *m, uint32_t call_no, uint32_t n, const char *const *paths,
                                ddp_plan_extent **plan, uint32_t *entries);

typedef struct mock_corruption {
    char path[160];
    uint64_t offset;
    uint8_t xor_mask;
} mock_corruption;

struct mock_store {
    ddp_mem_store *mem;
    mock_call *calls;
    size_t n_calls, cap_calls;
    uint32_t count[MOCK_KINDS];
    /* behaviour */
    int no_order, no_preview;
    mock_plan_fn plan_fn;        /* NULL: S_OK with no plan */
    void *plan_ctx;
    mock_kind fail_kind;
    uint32_t fail_nth;           /* 1-based; 0: never */
    int32_t fail_hr;
    uint32_t short_read;         /* non-zero: a read returns at most this many bytes */
    char dropped[8][160];
    int n_dropped;
    mock_corruption corrupt[8];
    int n_corrupt;
    char trunc_path[160];        /* this file seems to end at trunc_at */
    uint64_t trunc_at;
    int with_find;               /* answer find_container from the mem store */
    uint32_t plans_live;         /* plans handed out and not freed yet */
};

void mock_store_init(mock_store *m, ddp_mem_store *mem);
void mock_store_clear_log(mock_store *m);
/* dst: the same store and behaviour as src, its call counts, an empty log. */
void mock_store_clone(const mock_store *src, mock_store *dst);
void mock_store_free(mock_store *m);
void mock_store_api(mock_store *m, ddp_store *out);
void mock_store_drop(mock_store *m, const char *path);
void mock_store_corrupt(mock_store *m, const char *path, uint64_t offset, uint8_t xor_mask);

/* Size of a stored file, 0 when absent. */
uint64_t mock_store_size(const mock_store *m, const char *path);
/* Allocates a plan the engine frees with free_plan. */
ddp_plan_extent *mock_plan_alloc(mock_store *m, uint32_t entries);

int mock_is_stream_path(const char *path);
int mock_is_data_path(const char *path);

#endif
