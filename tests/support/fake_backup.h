/*
 * fake_backup.h - the test suites' ddp_backup: the backup being read, in memory, with
 * fault injection and a record of every call.
 *
 * It holds its own copy of every file of a ddp_sink_mem, so tests damage bytes, cut or
 * drop files, or put new ones without touching the original. Reads past the end of a
 * file return S_OK with fewer bytes (none at the end), like the public sample
 * application. Behaviours: the k-th call of a kind fails (or every call from the k-th on),
 * short reads, a read that reports more bytes than it was asked for, no order/preview
 * callbacks, a find_container callback (honest or lying), read plans (the engine's order,
 * reversed, the sample's, or made by a hook), and a hook run inside every read
 * (re-entrancy tests). Failures are injected before the call does anything.
 *
 * Record: calls per kind, plans still live (a plan freed twice or never handed out is
 * counted in bad_free rather than crashing), bytes read, and every call (kind, path,
 * offsets, sizes, outcome, a preview's list) folded into a digest in order. With
 * keep_log set, every call is also kept in log (copies of its paths, list and plan),
 * for tests that check the order of the calls one by one.
 */
#ifndef DDP_TEST_FAKE_BACKUP_H
#define DDP_TEST_FAKE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"
#include "ddp/store_builder.h"

#define FAKE_E_FAIL ((int32_t)0x80004005u)
#define FAKE_E_FILE_NOT_FOUND ((int32_t)0x80070002u)

typedef enum fake_kind {
    FAKE_READ = 0,
    FAKE_ORDER,
    FAKE_PREVIEW,
    FAKE_FIND,
    FAKE_FREE_PLAN,
    FAKE_KINDS
} fake_kind;

typedef enum fake_plan_mode {
    FAKE_PLAN_NONE = 0,      /* S_OK, no plan: the engine's order */
    FAKE_PLAN_REVERSE,       /* one whole-file extent per container, last container first */
    FAKE_PLAN_SAMPLE,        /* the public sample's plan: [0, 10%) then [10%, INT64_MAX) */
    FAKE_PLAN_HOOK           /* made by plan_hook */
} fake_plan_mode;

typedef struct fake_file {
    char *path;
    uint8_t *data;
    size_t len;
    int dropped;             /* reads fail with FAKE_E_FILE_NOT_FOUND, find_container passes it over */
} fake_file;

/* One call, as kept in the log. */
typedef struct fake_call {
    fake_kind kind;
    char *path;              /* read, preview; find: the directory */
    uint64_t offset;         /* read */
    uint32_t size, got;      /* read */
    int32_t hr;
    uint32_t n;              /* preview: reads; order: paths */
    ddp_read_extent *reads;  /* preview (copy) */
    char **paths;            /* order (copies) */
    ddp_plan_extent *plan;   /* order: the plan returned (copy) */
    uint32_t plan_entries;
} fake_call;

typedef struct fake_backup fake_backup;

/* Makes the plan (allocated with fake_plan_alloc) for order() call number call_no
 * (1-based). Returns the HRESULT. */
typedef int32_t (*fake_plan_fn)(fake_backup *b, uint32_t call_no, uint32_t n, const char *const *paths,
                                ddp_plan_extent **plan, uint32_t *entries);

struct fake_backup {
    fake_file *files;
    size_t n_files;
    /* behaviour */
    int no_order, no_preview, with_find;
    uint32_t fail_at[FAKE_KINDS];    /* 1-based call number that fails; 0: none */
    int fail_from;                   /* 1: every call from fail_at on fails */
    int32_t fail_hr;                 /* the failure returned (default E_FAIL) */
    uint32_t short_read;             /* non-zero: at most this many bytes per read */
    uint32_t over_report;            /* non-zero: a read reports got = size + over_report */
    fake_plan_mode plan_mode;
    fake_plan_fn plan_hook;
    void *hook_ctx;
    void (*read_hook)(fake_backup *b, void *ctx);   /* run at the start of every read */
    int find_lie;                    /* find_container: 0 honest; 1 a Data container's path;
                                      * 2 an empty path; 3 S_OK and no path; 4 "none" (1);
                                      * 5 a path outside the store ("..\\..\\x") */
    int keep_log;                    /* 1: keep every call in log */
    /* record */
    uint32_t count[FAKE_KINDS];      /* calls per kind */
    uint32_t failures_injected;
    uint32_t plans_live, plans_freed, bad_free;
    uint64_t bytes_read;
    uint64_t digest_calls, digest;   /* calls folded into the digest; FNV-1a over them in order */
    fake_call *log;                  /* keep_log: every call since the last reset */
    size_t n_log, cap_log;
};

/* Copies every file of mem. Returns 0, or -1 when out of memory. */
int fake_backup_init(fake_backup *b, const ddp_sink_mem *mem);
void fake_backup_free(fake_backup *b);
/* dst: an independent copy of src (files, damage, behaviour, counts); its log starts
 * empty. 0, or -1. */
int fake_backup_clone(const fake_backup *src, fake_backup *dst);
void fake_backup_api(fake_backup *b, ddp_backup *out);
/* Forgets the record: counts, digest, log (not the damage or the behaviour). */
void fake_backup_reset_counts(fake_backup *b);

fake_file *fake_backup_file(fake_backup *b, const char *path);
/* Size of a stored file (after any cut), 0 when absent. */
uint64_t fake_backup_size(fake_backup *b, const char *path);
/* Damage: xor one byte; cut the file to len bytes; make reads fail as "file not found".
 * 0, or -1 when there is no such file (or byte). */
int fake_backup_xor(fake_backup *b, const char *path, uint64_t offset, uint8_t mask);
int fake_backup_truncate(fake_backup *b, const char *path, size_t len);
int fake_backup_drop(fake_backup *b, const char *path);
/* Replaces the file's bytes, or adds the file. 0, or -1 when out of memory. */
int fake_backup_put(fake_backup *b, const char *path, const uint8_t *data, size_t len);

/* Allocates a plan of entries extents that free_plan releases (counted). */
ddp_plan_extent *fake_plan_alloc(fake_backup *b, uint32_t entries);

/* Case-insensitive path comparison, as the backup's file system does. */
int fake_path_equal(const char *a, const char *b);
int fake_is_stream_path(const char *path);
int fake_is_data_path(const char *path);

#endif
