/*
 * test_restore_concurrency.c - ThreadingModel=Both in practice: several threads call
 * RestoreFiles at once, some on objects of their own, some on one shared object, each
 * restoring its own files; every file comes back byte-exact and no reference is kept.
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>
#include <setjmp.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddp/reparse.h"
#include "ddpbackup.h"
#include "dll_fixture.h"
#include "test_store.h"

#define THREADS 6
#define FILES_PER_THREAD 3

typedef struct worker {
    IDedupBackupSupport *support;   /* shared or own */
    dll_fixture fixture;
    HRESULT overall;
    int matches;
    LONG store_refs_after;
} worker;

static DWORD WINAPI run_worker(void *arg)
{
    worker *w = arg;
    HRESULT results[FILES_PER_THREAD];
    test_store *store;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    store = test_store_new(w->fixture.root, TRUE, TEST_PLAN_SAMPLE);
    if (store) {
        w->overall = IDedupBackupSupport_RestoreFiles(w->support, FILES_PER_THREAD, w->fixture.paths,
                                                      test_store_callback(store), DEDUP_RECONSTRUCT_UNOPTIMIZED,
                                                      results);
        for (uint32_t i = 0; i < FILES_PER_THREAD; i++)
            w->matches += results[i] == S_OK && fixture_file_matches(&w->fixture, i);
        w->store_refs_after = test_store_refcount(store);
        test_store_release(store);
    }
    CoUninitialize();
    return 0;
}

static void test_threads_shared_and_own_objects(void **state)
{
    static const size_t sizes[FILES_PER_THREAD] = { 150000, 400000, 90000 };
    worker workers[THREADS];
    HANDLE threads[THREADS];
    IDedupBackupSupport *shared = NULL;
    ddp_store_builder_options opt;
    (void)state;

    assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER,
                                      &IID_IDedupBackupSupport, (void **)&shared), S_OK);
    memset(workers, 0, sizeof workers);
    for (int t = 0; t < THREADS; t++) {
        WCHAR tag[16];
        ddp_store_builder_options_default(&opt);
        opt.layout = t % 2 ? DDP_LAYOUT_0103 : DDP_LAYOUT_0102;
        opt.container_limit = 256 * 1024;
        swprintf(tag, 16, L"thread%d", t);
        assert_int_equal(fixture_create(&workers[t].fixture, tag, &opt, 100 + (uint32_t)t, FILES_PER_THREAD, sizes),
                         0);
        if (t < THREADS / 2) {
            workers[t].support = shared;
            IDedupBackupSupport_AddRef(shared);
        } else
            assert_int_equal(CoCreateInstance(&CLSID_DedupBackupSupport, NULL, CLSCTX_INPROC_SERVER,
                                              &IID_IDedupBackupSupport, (void **)&workers[t].support), S_OK);
    }
    for (int t = 0; t < THREADS; t++) {
        threads[t] = CreateThread(NULL, 0, run_worker, &workers[t], 0, NULL);
        assert_non_null(threads[t]);
    }
    WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
    for (int t = 0; t < THREADS; t++) {
        CloseHandle(threads[t]);
        assert_int_equal(workers[t].overall, S_OK);
        assert_int_equal(workers[t].matches, FILES_PER_THREAD);
        assert_int_equal(workers[t].store_refs_after, 1);
        IDedupBackupSupport_Release(workers[t].support);
        fixture_destroy(&workers[t].fixture);
    }
    assert_int_equal(IDedupBackupSupport_Release(shared), 0);
}

static int setup(void **state)
{
    (void)state;
    SetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", L"1");
    if (test_regsvr32(FALSE) != 0)
        return -1;
    return SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    CoUninitialize();
    test_regsvr32(TRUE);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_shared_and_own_objects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
