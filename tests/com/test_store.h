/*
 * test_store.h - an IDedupReadFileCallback for the DLL's tests: serves a backup kept in a
 * directory, records every call, checks that the container reads following each
 * PreviewContainerRead are exactly its list (in order, all of it, unless the last of them
 * came back short or failed: the rest is then announced again), checks that every call
 * comes on one thread, can return several kinds of read plan and can answer reads short.
 */
#ifndef DDP_TEST_STORE_H
#define DDP_TEST_STORE_H

#include <windows.h>

#include "ddpbackup.h"
#include "process_threads.h"

typedef enum test_plan_kind {
    TEST_PLAN_NONE,     /* S_OK with no plan */
    TEST_PLAN_SAMPLE,   /* the public sample's: per container [0, 10%), then [10%, LONGLONG_MAX) */
    TEST_PLAN_FAIL,     /* OrderContainersRestore fails */
    TEST_PLAN_QUARTERS_DESCENDING, /* per container four extents, the last quarter first */
    TEST_PLAN_OVERLAPPING,         /* per container [s/4, LONGLONG_MAX), [0, s), [0, s/2) */
    TEST_PLAN_ZERO_LENGTH,         /* zero-length extents before, between and after whole containers */
    TEST_PLAN_TO_END,              /* per container [0, LONGLONG_MAX), containers in reverse order */
    TEST_PLAN_BAD_INDEX,           /* ContainerIndex out of range, around whole containers in order */
    TEST_PLAN_PARTIAL              /* only the lower half of the first container: the rest uncovered */
} test_plan_kind;

/* Misbehaviour a test can ask of the store (issue 7: hostile applications). */
typedef enum test_hostile {
    TEST_HOSTILE_NONE,
    TEST_HOSTILE_OVERREPORT,      /* ReadBackupFile claims more bytes than asked */
    TEST_HOSTILE_NULL_PLAN_COUNT, /* S_OK, *ReadPlan NULL with a non-zero count */
    TEST_HOSTILE_BAD_PLAN,        /* indexes out of range, negative and huge offsets, zero lengths */
    TEST_HOSTILE_REENTER          /* the first ReadBackupFile calls RestoreFiles again */
} test_hostile;

typedef struct test_store_counts {
    ULONG reads, previews, orders, finds;
    ULONG unannounced_reads;   /* container reads that did not match the preview's list */
    ULONG read_failures;
    LONGLONG bytes_read;
    ULONG unfinished_previews; /* previews whose list was not read to its end (see above) */
    ULONG empty_previews;      /* previews announcing no read */
    ULONG largest_preview;     /* most reads one preview announced */
    ULONG short_reads;         /* S_OK with fewer bytes than asked */
    ULONG calls;               /* every call on the object, IUnknown's included */
    ULONG wrong_thread_calls;  /* calls on another thread than the one that created the store */
    ULONG most_threads;        /* with test_store_count_threads: most threads of the process during a read */
} test_store_counts;

typedef struct test_store test_store;

/* root: the backup's root folder (holds "System Volume Information"), no trailing backslash. */
test_store *test_store_new(const WCHAR *root, BOOL with_directory, test_plan_kind plan);
IDedupReadFileCallback *test_store_callback(test_store *s);
void test_store_get_counts(const test_store *s, test_store_counts *out);
LONG test_store_refcount(const test_store *s);
/* Makes the store misbehave; for TEST_HOSTILE_REENTER, support is the object to re-enter
 * and *reenter_result gets the inner call's result. */
void test_store_set_hostile(test_store *s, test_hostile mode, IDedupBackupSupport *support, HRESULT *reenter_result);
/* Answers every read with at most most bytes (0: no limit), and with half (rounded up) of
 * what it has when half is TRUE. */
void test_store_set_short_reads(test_store *s, ULONG most, BOOL half);
/* Counts the process's threads during every ReadBackupFile (counts.most_threads). */
void test_store_count_threads(test_store *s, BOOL on);
/* Drops the creator's reference. */
void test_store_release(test_store *s);

#endif
