/*
 * test_store.h - an IDedupReadFileCallback for the DLL's tests: serves a backup kept in a
 * directory, records every call, checks that every container read was announced by the
 * PreviewContainerRead before it, and can return a read plan like the public sample's.
 */
#ifndef DDP_TEST_STORE_H
#define DDP_TEST_STORE_H

#include <windows.h>

#include "ddpbackup.h"

typedef enum test_plan_kind {
    TEST_PLAN_NONE,     /* S_OK with no plan */
    TEST_PLAN_SAMPLE,   /* the public sample's: per container [0, 10%), then [10%, LONGLONG_MAX) */
    TEST_PLAN_FAIL      /* OrderContainersRestore fails */
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
/* Drops the creator's reference. */
void test_store_release(test_store *s);

#endif
