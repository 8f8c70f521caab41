/*
 * test_restore_dll.c - RestoreFiles end to end through the real DLL under Wine: a chunk
 * store built by the engine's store builder, stubs as stub files (DDPBACKUP_STUB_FILES=1),
 * DdpBackup.dll registered with regsvr32 and created with CoCreateInstance, the backup read
 * through an IDedupReadFileCallback that checks the call contract (each preview's list read
 * exactly, every call on the calling thread). Every reparse layout, several containers,
 * stale hints, both ways of finding the stream container, read plans (the sample's, several
 * extents per container, overlapping, zero-length, LONGLONG_MAX, out-of-range indexes,
 * partial), short reads, FileResults NULL, a missing container, a corrupt chunk, files that
 * are not deduplicated (and the overall result for each mix), callbacks on the calling
 * thread while the engine's workers run, real reparse-point mode on ordinary files,
 * 10,000 files. Built a second time as test_restore_dll_reparse: the same tests in reparse
 * mode against DdpBackupReparse.dll, the stubs real dedup stubs (reparse_shim.h).
 */
#define COBJMACROS
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "com_test_util.h"
#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/reparse.h"
#include "ddp/stream_map.h"
#include "ddpbackup.h"
#include "dll_fixture.h"
#include "test_store.h"

static IDedupBackupSupport *support;

static int setup(void **state)
{
    (void)state;
    return test_com_begin(&support);
}

static int teardown(void **state)
{
    (void)state;
    test_com_end(support);
    return 0;
}

static void options(ddp_store_builder_options *opt, uint16_t layout, uint64_t container_limit, int stale)
{
    ddp_store_builder_options_default(opt);
    opt->layout = layout;
    opt->container_limit = container_limit;
    opt->stale_hints = stale;
}

/* The call contract after a restore that read the backup: two order calls, every
 * container read announced by the preview before it, every list read to its end, every
 * call on this thread, no reference kept. */
static void assert_contract(const test_store *store, BOOL directory)
{
    test_store_counts c;
    test_store_get_counts(store, &c);
    assert_int_equal(c.orders, 2);
    assert_int_equal(c.unannounced_reads, 0);
    assert_int_equal(c.unfinished_previews, 0);
    assert_int_equal(c.empty_previews, 0);
    assert_int_equal(c.wrong_thread_calls, 0);
    assert_true(c.previews >= 1);
    assert_true(c.reads >= 2);
    if (directory)
        assert_true(c.finds >= 1);
    assert_int_equal(test_store_refcount(store), 1);   /* no reference kept */
}

/* Restores every file of f through the DLL and store; checks the results and the contract. */
static void restore_through(dll_fixture *f, test_store *store, BOOL directory)
{
    HRESULT *results = calloc(f->store.n, sizeof *results);

    assert_non_null(store);
    assert_non_null(results);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, f->store.n, f->paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), S_OK);
    for (uint32_t i = 0; i < f->store.n; i++) {
        assert_int_equal(results[i], S_OK);
        assert_true(fixture_file_matches(f, i));
    }
    assert_contract(store, directory);
    free(results);
}

static void restore_all_ok(dll_fixture *f, BOOL directory, test_plan_kind plan)
{
    test_store *store = test_store_new(f->root, directory, plan);
    restore_through(f, store, directory);
    test_store_release(store);
}

static void run_layout(uint16_t layout, const wchar_t *tag)
{
    static const size_t sizes[] = { 70000, 400000, 1048576 + 4321, 200000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    options(&opt, layout, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, tag, &opt, layout, 4, sizes), 0);
    restore_all_ok(&f, TRUE, TEST_PLAN_NONE);
    fixture_destroy(&f);
}

static void test_layout_0201(void **state) { (void)state; run_layout(DDP_LAYOUT_0201, L"l0201"); }
static void test_layout_0102(void **state) { (void)state; run_layout(DDP_LAYOUT_0102, L"l0102"); }
static void test_layout_0103(void **state) { (void)state; run_layout(DDP_LAYOUT_0103, L"l0103"); }

/* Small containers (several of each kind), stale hints (Rrtl), the public sample's plan,
 * and no IDedupBackupStoreDirectory (the DLL probes generations). */
static void test_multi_container_stale_hints_probing(void **state)
{
    static const size_t sizes[] = { 300000, 900000, 500000, 650000, 120000, 1 };
    ddp_store_builder_options opt;
    dll_fixture f;
    (void)state;
    options(&opt, DDP_LAYOUT_0103, 256 * 1024, 1);
    opt.stream_generation = 3;
    assert_int_equal(fixture_create(&f, L"multi", &opt, 7, 6, sizes), 0);
    restore_all_ok(&f, FALSE, TEST_PLAN_SAMPLE);
    fixture_destroy(&f);
}

static void test_sample_plan_with_directory(void **state)
{
    static const size_t sizes[] = { 300000, 900000, 500000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    (void)state;
    options(&opt, DDP_LAYOUT_0102, 300 * 1024, 0);
    assert_int_equal(fixture_create(&f, L"plan", &opt, 9, 3, sizes), 0);
    restore_all_ok(&f, TRUE, TEST_PLAN_SAMPLE);
    fixture_destroy(&f);
}

/* The DLL reads DedupFileList.1 with ReadBackupFile (FORMAT.md §2.1): stream generation 40
 * is beyond the probing bound and not in the 0x0201 hint words, so only the list finds it;
 * without the list (and without the directory interface) every file fails. */
static void test_file_list_names_generation(void **state)
{
    static const size_t sizes[] = { 300000, 120000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[2];
    (void)state;
    options(&opt, DDP_LAYOUT_0201, 1u << 30, 0);
    opt.stream_generation = 40;
    opt.file_list = 1;
    assert_int_equal(fixture_create(&f, L"dfl", &opt, 11, 2, sizes), 0);
    restore_all_ok(&f, FALSE, TEST_PLAN_NONE);
    fixture_destroy(&f);

    opt.file_list = 0;
    assert_int_equal(fixture_create(&f, L"nodfl", &opt, 11, 2, sizes), 0);
    test_store *store = test_store_new(f.root, FALSE, TEST_PLAN_NONE);
    assert_non_null(store);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, f.store.n, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     DDP_E_PATH_NOT_FOUND);
    assert_int_equal(results[0], DDP_E_PATH_NOT_FOUND);
    test_store_release(store);
    fixture_destroy(&f);
}

/* Reads a whole store file of the fixture. */
static uint8_t *read_store_file(const dll_fixture *f, const char *path, size_t *len)
{
    WCHAR full[MAX_PATH * 2];
    HANDLE h;
    LARGE_INTEGER size;
    DWORD got = 0;
    uint8_t *data;
    fixture_store_path(f, path, full, MAX_PATH * 2);
    h = CreateFileW(full, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    GetFileSizeEx(h, &size);
    data = malloc((size_t)size.QuadPart);
    if (data && !ReadFile(h, data, (DWORD)size.QuadPart, &got, NULL))
        got = 0;
    CloseHandle(h);
    *len = got;
    return data;
}

static void store_dir(const dll_fixture *f, const char *kind, char *out, size_t cap)
{
    const uint8_t *stub;
    char guid[39];
    size_t len = 0;
    ddp_reparse r;
    stub = fixture_stub_buffer(f, 0, &len);
    assert_non_null(stub);
    assert_int_equal(ddp_reparse_parse(stub, len, &r, NULL), DDP_OK);
    ddp_guid_format(r.store_guid, guid);
    snprintf(out, cap, "\\System Volume Information\\Dedup\\ChunkStore\\%s.ddp\\%s", guid, kind);
}

/* The data chunk ending file i: its data container path and record offset. */
static void last_chunk_of(const dll_fixture *f, uint32_t i, char *data_path, size_t cap, uint32_t *record_offset)
{
    const uint8_t *stub;
    uint8_t *container;
    char dir[256], name[22];
    size_t len, clen = 0;
    uint32_t count = 0;
    ddp_reparse r;
    ddp_record rec;
    ddp_chunk_ref last;

    stub = fixture_stub_buffer(f, i, &len);
    assert_non_null(stub);
    assert_int_equal(ddp_reparse_parse(stub, len, &r, NULL), DDP_OK);
    store_dir(f, "Stream", dir, sizeof dir);
    ddp_container_name(r.refs[0].stream_container_id, 1, name);
    snprintf(data_path, cap, "%s\\%s", dir, name);
    container = read_store_file(f, data_path, &clen);
    assert_non_null(container);
    assert_true(r.refs[0].smap_offset_hint + DDP_SMAP_HEADER_SIZE + r.refs[0].smap_size <= clen);
    assert_int_equal(ddp_record_parse(container + r.refs[0].smap_offset_hint, clen - r.refs[0].smap_offset_hint,
                                      &rec, NULL), DDP_OK);
    assert_int_equal(ddp_stream_map_count(container + r.refs[0].smap_offset_hint + DDP_SMAP_HEADER_SIZE,
                                          rec.payload_size, &count, NULL), DDP_OK);
    ddp_stream_map_entry(container + r.refs[0].smap_offset_hint + DDP_SMAP_HEADER_SIZE, count - 1, &last);
    free(container);
    store_dir(f, "Data", dir, sizeof dir);
    ddp_container_name(last.container_id, last.generation, name);
    snprintf(data_path, cap, "%s\\%s", dir, name);
    *record_offset = last.offset_hint;
}

/* Flips a payload byte of the chunk ending file i (its only use when the chunk is unique). */
static void corrupt_last_chunk(const dll_fixture *f, uint32_t i)
{
    char data_path[300];
    uint32_t offset = 0;
    WCHAR full[MAX_PATH * 2];
    HANDLE h;
    uint8_t byte = 0;
    DWORD io = 0;
    LARGE_INTEGER pos;

    last_chunk_of(f, i, data_path, sizeof data_path, &offset);
    fixture_store_path(f, data_path, full, MAX_PATH * 2);
    h = CreateFileW(full, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    pos.QuadPart = offset + DDP_DATA_HEADER_SIZE + 100;
    assert_true(SetFilePointerEx(h, pos, NULL, FILE_BEGIN) && ReadFile(h, &byte, 1, &io, NULL) && io == 1);
    byte ^= 0x5A;
    assert_true(SetFilePointerEx(h, pos, NULL, FILE_BEGIN) && WriteFile(h, &byte, 1, &io, NULL) && io == 1);
    CloseHandle(h);
}

static void test_corrupt_chunk_fails_one_file(void **state)
{
    static const size_t sizes[] = { 200000, 5 * 65536 + 1234, 300000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[3];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 1u << 30, 0);
    opt.compress = 0;   /* raw payloads: a flipped byte is a wrong hash, not a decode error */
    assert_int_equal(fixture_create(&f, L"corrupt", &opt, 11, 3, sizes), 0);
    corrupt_last_chunk(&f, 1);

    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_int_equal(results[0], S_OK);
    assert_int_equal(results[1], DDP_E_FILE_CORRUPT);
    assert_int_equal(results[2], S_OK);
    assert_true(fixture_file_matches(&f, 0));
    assert_true(fixture_file_is_stub(&f, 1));   /* nothing lost: the stub is intact */
    assert_true(fixture_file_matches(&f, 2));
    test_store_release(store);
    fixture_destroy(&f);
}

static void test_missing_container(void **state)
{
    static const size_t sizes[] = { 200000, 300000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    char dir[256], path[300];
    WCHAR full[MAX_PATH * 2];
    HRESULT results[2];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0102, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, L"missing", &opt, 13, 2, sizes), 0);
    store_dir(&f, "Data", dir, sizeof dir);
    snprintf(path, sizeof path, "%s\\00000001.00000001.ccc", dir);
    fixture_store_path(&f, path, full, MAX_PATH * 2);
    assert_true(DeleteFileW(full));

    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 2, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), DDP_E_PATH_NOT_FOUND);
    assert_int_equal(results[0], DDP_E_PATH_NOT_FOUND);
    assert_int_equal(results[1], DDP_E_PATH_NOT_FOUND);
    assert_true(fixture_file_is_stub(&f, 0));
    assert_true(fixture_file_is_stub(&f, 1));
    assert_int_equal(test_store_refcount(store), 1);
    test_store_release(store);
    fixture_destroy(&f);
}

/* File 1 is a plain file: S_FALSE for it, the others restored: S_OK overall (API.md §3). */
static void test_non_dedup_file(void **state)
{
    static const size_t sizes[] = { 100000, 0, 100000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[3];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0201, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, L"nondedup", &opt, 17, 3, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), S_OK);
    assert_int_equal(results[0], S_OK);
    assert_int_equal(results[1], S_FALSE);
    assert_int_equal(results[2], S_OK);
    for (uint32_t i = 0; i < 3; i++)
        assert_true(fixture_file_matches(&f, i));
    test_store_release(store);
    fixture_destroy(&f);
}

/* Replaces file i's stub by its original content: an ordinary file (above the largest
 * reparse buffer, so it cannot pass for a stub). */
static void make_plain(const dll_fixture *f, uint32_t i)
{
    HANDLE h = fixture_overwrite(f->paths[i]);
    DWORD done = 0;
    assert_true(f->store.files[i].size > DDP_REPARSE_MAX_BUFFER);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(h, f->store.files[i].data, (DWORD)f->store.files[i].size, &done, NULL) && done == f->store.files[i].size);
    CloseHandle(h);
}

/* No file deduplicated: S_FALSE overall and per file, the files untouched, nothing read. */
static void test_no_file_deduplicated(void **state)
{
    static const size_t sizes[] = { 100000, 70000, 130000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[3];
    test_store *store;
    test_store_counts c;
    (void)state;

    options(&opt, DDP_LAYOUT_0102, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, L"nonedup", &opt, 29, 3, sizes), 0);
    for (uint32_t i = 0; i < 3; i++)
        make_plain(&f, i);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), S_FALSE);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(results[i], S_FALSE);
        assert_true(fixture_file_matches(&f, i));
    }
    test_store_get_counts(store, &c);
    assert_int_equal(c.reads, 0);
    test_store_release(store);
    fixture_destroy(&f);
}

/* A plain file, a file that fails and a restored one: partial success. */
static void test_non_dedup_failed_and_restored(void **state)
{
    static const size_t sizes[] = { 100000, 5 * 65536 + 1234, 300000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[3];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 1u << 30, 0);
    opt.compress = 0;
    assert_int_equal(fixture_create(&f, L"mixpart", &opt, 31, 3, sizes), 0);
    corrupt_last_chunk(&f, 1);
    make_plain(&f, 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results),
                     DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_int_equal(results[0], S_FALSE);
    assert_int_equal(results[1], DDP_E_FILE_CORRUPT);
    assert_int_equal(results[2], S_OK);
    assert_true(fixture_file_matches(&f, 0));
    assert_true(fixture_file_is_stub(&f, 1));
    assert_true(fixture_file_matches(&f, 2));
    test_store_release(store);
    fixture_destroy(&f);
}

/* A plain file and a file that fails, none restored: the failure is the overall result. */
static void test_non_dedup_and_failed(void **state)
{
    static const size_t sizes[] = { 100000, 5 * 65536 + 1234 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[2];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 1u << 30, 0);
    opt.compress = 0;
    assert_int_equal(fixture_create(&f, L"mixfail", &opt, 37, 2, sizes), 0);
    corrupt_last_chunk(&f, 1);
    make_plain(&f, 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 2, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), DDP_E_FILE_CORRUPT);
    assert_int_equal(results[0], S_FALSE);
    assert_int_equal(results[1], DDP_E_FILE_CORRUPT);
    assert_true(fixture_file_matches(&f, 0));
    assert_true(fixture_file_is_stub(&f, 1));
    test_store_release(store);
    fixture_destroy(&f);
}

/* FileResults NULL on a real restore: S_OK, every file restored. */
static void test_results_null(void **state)
{
    static const size_t sizes[] = { 300000, 900000, 500000, 650000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 256 * 1024, 0);
    assert_int_equal(fixture_create(&f, L"resnull", &opt, 41, 4, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_SAMPLE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 4, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, NULL), S_OK);
    for (uint32_t i = 0; i < 4; i++)
        assert_true(fixture_file_matches(&f, i));
    assert_contract(store, TRUE);
    test_store_release(store);
    fixture_destroy(&f);
}

/* FileResults NULL, one file corrupt: partial success, the others restored, its stub kept. */
static void test_results_null_partial(void **state)
{
    static const size_t sizes[] = { 200000, 5 * 65536 + 1234, 300000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0102, 1u << 30, 0);
    opt.compress = 0;
    assert_int_equal(fixture_create(&f, L"resnullp", &opt, 43, 3, sizes), 0);
    corrupt_last_chunk(&f, 1);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, NULL),
                     DDP_E_JOB_COMPLETED_PARTIAL_SUCCESS);
    assert_true(fixture_file_matches(&f, 0));
    assert_true(fixture_file_is_stub(&f, 1));
    assert_true(fixture_file_matches(&f, 2));
    test_store_release(store);
    fixture_destroy(&f);
}

/* Several containers of each kind, a few MB: for the short-read and plan scenarios. */
static void create_multi(dll_fixture *f, const wchar_t *tag, uint32_t seed)
{
    static const size_t sizes[] = { 300000, 900000, 500000, 650000, 120000, 1 };
    ddp_store_builder_options opt;
    options(&opt, DDP_LAYOUT_0103, 256 * 1024, 0);
    assert_int_equal(fixture_create(f, tag, &opt, seed, 6, sizes), 0);
}

/* Every read answered with at most 1000 bytes: asked again for the rest, byte-exact. */
static void test_short_reads_1000(void **state)
{
    dll_fixture f;
    test_store *store;
    test_store_counts c;
    (void)state;

    create_multi(&f, L"short1k", 47);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    test_store_set_short_reads(store, 1000, FALSE);
    restore_through(&f, store, TRUE);
    test_store_get_counts(store, &c);
    assert_true(c.short_reads > 100);
    test_store_release(store);
    fixture_destroy(&f);
}

/* Every read answered with half of what was asked, with the sample's plan: byte-exact. */
static void test_short_reads_half(void **state)
{
    dll_fixture f;
    test_store *store;
    test_store_counts c;
    (void)state;

    create_multi(&f, L"shorthalf", 53);
    store = test_store_new(f.root, TRUE, TEST_PLAN_SAMPLE);
    test_store_set_short_reads(store, 0, TRUE);
    restore_through(&f, store, TRUE);
    test_store_get_counts(store, &c);
    assert_true(c.short_reads > 10);
    test_store_release(store);
    fixture_destroy(&f);
}

static void run_plan(test_plan_kind plan, const wchar_t *tag, uint32_t seed)
{
    dll_fixture f;
    create_multi(&f, tag, seed);
    restore_all_ok(&f, TRUE, plan);
    fixture_destroy(&f);
}

static void test_plan_several_extents_per_container(void **state)
{
    (void)state;
    run_plan(TEST_PLAN_QUARTERS_DESCENDING, L"planq", 59);
}

static void test_plan_overlapping_extents(void **state)
{
    (void)state;
    run_plan(TEST_PLAN_OVERLAPPING, L"planov", 61);
}

static void test_plan_zero_length_extents(void **state)
{
    (void)state;
    run_plan(TEST_PLAN_ZERO_LENGTH, L"planzero", 67);
}

static void test_plan_length_to_end(void **state)
{
    (void)state;
    run_plan(TEST_PLAN_TO_END, L"planend", 71);
}

/* Out-of-range ContainerIndex entries are ignored (docs/API.md §8): the restore succeeds. */
static void test_plan_index_out_of_range(void **state)
{
    (void)state;
    run_plan(TEST_PLAN_BAD_INDEX, L"planidx", 73);
}

/* A plan covering half of one container: the rest is still read (and previewed). */
static void test_plan_leaving_bytes_uncovered(void **state)
{
    (void)state;
    run_plan(TEST_PLAN_PARTIAL, L"planpart", 79);
}

/* Containers of a few MB, read in several calls per extent: every preview announces
 * several reads, and exactly those reads follow it, in order, all of them. */
static void test_previews_consumed_exactly(void **state)
{
    static const size_t sizes[] = { 1500000, 2500000, 1200000, 900000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    test_store *store;
    test_store_counts c;
    (void)state;

    options(&opt, DDP_LAYOUT_0102, 1u << 30, 0);
    opt.compress = 0;   /* one data container of several MB */
    assert_int_equal(fixture_create(&f, L"previews", &opt, 83, 4, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_SAMPLE);
    restore_through(&f, store, TRUE);
    test_store_get_counts(store, &c);
    assert_true(c.largest_preview >= 2);
    assert_true(c.reads > c.previews);
    assert_int_equal(c.unfinished_previews, 0);
    assert_int_equal(c.unannounced_reads, 0);
    test_store_release(store);
    fixture_destroy(&f);
}

/* Several MB in several data containers, so that the engine's worker threads run. */
static void create_big(dll_fixture *f, const wchar_t *tag, uint32_t seed)
{
    static const size_t sizes[] = { 1500000, 1700000, 1300000, 1600000 };
    ddp_store_builder_options opt;
    options(&opt, DDP_LAYOUT_0103, 1u << 20, 0);
    assert_int_equal(fixture_create(f, tag, &opt, seed, 4, sizes), 0);
}

/* Workers the engine starts with its default options.threads (0: one per CPU, at most 8). */
static ULONG default_workers(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    if (si.dwNumberOfProcessors <= 1)
        return 0;
    return si.dwNumberOfProcessors > 8 ? 8 : si.dwNumberOfProcessors;
}

/* One RestoreFiles of every file of a fixture, on whichever thread runs it. */
typedef struct thread_run {
    dll_fixture *f;
    HRESULT hr;
    HRESULT *results;
    ULONG threads_before;      /* the process's threads just before the call */
    test_store_counts counts;
    LONG refs_after;
} thread_run;

/* No cmocka assertion here: this may run on a thread of its own. */
static void run_counting_threads(thread_run *r)
{
    test_store *store = test_store_new(r->f->root, TRUE, TEST_PLAN_SAMPLE);
    r->hr = E_FAIL;
    if (!store)
        return;
    test_store_count_threads(store, TRUE);
    r->threads_before = process_threads();
    r->hr = IDedupBackupSupport_RestoreFiles(support, r->f->store.n, r->f->paths, test_store_callback(store),
                                             DEDUP_RECONSTRUCT_UNOPTIMIZED, r->results);
    test_store_get_counts(store, &r->counts);
    r->refs_after = test_store_refcount(store);
    test_store_release(store);
}

/* Every callback came on the thread that called RestoreFiles (the store's creator), while
 * the engine's workers were alive during the reads; the files are restored. */
static void assert_thread_run(const thread_run *r)
{
    ULONG workers = default_workers();
    assert_int_equal(r->hr, S_OK);
    for (uint32_t i = 0; i < r->f->store.n; i++) {
        assert_int_equal(r->results[i], S_OK);
        assert_true(fixture_file_matches(r->f, i));
    }
    assert_true(r->counts.reads > 2 && r->counts.previews > 2 && r->counts.orders == 2 && r->counts.finds >= 1);
    assert_int_equal(r->counts.wrong_thread_calls, 0);
    assert_int_equal(r->refs_after, 1);
    assert_true(r->threads_before > 0);
    if (r->counts.most_threads < r->threads_before + workers)
        fail_msg("%lu threads before RestoreFiles, at most %lu during its reads, %lu workers expected",
                 (unsigned long)r->threads_before, (unsigned long)r->counts.most_threads, (unsigned long)workers);
}

static void test_callbacks_on_calling_thread(void **state)
{
    dll_fixture f;
    HRESULT results[4];
    thread_run r;
    (void)state;
    create_big(&f, L"thrmain", 89);
    memset(&r, 0, sizeof r);
    r.f = &f;
    r.results = results;
    run_counting_threads(&r);
    assert_thread_run(&r);
    fixture_destroy(&f);
}

static DWORD WINAPI restore_on_new_thread(void *arg)
{
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return 1;
    run_counting_threads(arg);
    CoUninitialize();
    return 0;
}

/* RestoreFiles called on another thread than the one that created the object: the
 * callbacks come on that other thread. */
static void test_callbacks_on_other_calling_thread(void **state)
{
    dll_fixture f;
    HRESULT results[4];
    thread_run r;
    HANDLE t;
    DWORD rc = 1;
    (void)state;
    create_big(&f, L"throther", 97);
    memset(&r, 0, sizeof r);
    r.f = &f;
    r.results = results;
    t = CreateThread(NULL, 0, restore_on_new_thread, &r, 0, NULL);
    assert_non_null(t);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &rc);
    CloseHandle(t);
    assert_int_equal(rc, 0);
    assert_thread_run(&r);
    fixture_destroy(&f);
}

/* Real reparse-point mode (DDPBACKUP_STUB_FILES unset) on ordinary files: Wine has no
 * reparse points, FSCTL_GET_REPARSE_POINT fails with ERROR_NOT_A_REPARSE_POINT: S_FALSE
 * for every file, nothing changed. */
static void test_reparse_mode_ordinary_files(void **state)
{
    static const size_t sizes[] = { 100000, 70000, 130000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    HRESULT results[3];
    test_store *store;
    test_store_counts c;
    HRESULT hr;
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, L"realmode", &opt, 101, 3, sizes), 0);
    for (uint32_t i = 0; i < 3; i++)
        make_plain(&f, i);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    SetEnvironmentVariableW(L"DDPBACKUP_STUB_FILES", NULL);   /* reparse mode */
    hr = IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store),
                                          DEDUP_RECONSTRUCT_UNOPTIMIZED, results);
    test_default_mode();
    assert_int_equal(hr, S_FALSE);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(results[i], S_FALSE);
        assert_true(fixture_file_matches(&f, i));
    }
    test_store_get_counts(store, &c);
    assert_int_equal(c.reads, 0);
    assert_int_equal(test_store_refcount(store), 1);
    test_store_release(store);
    fixture_destroy(&f);
}

static void test_ten_thousand_files(void **state)
{
    enum { N = 10000 };
    size_t *sizes = malloc(N * sizeof *sizes);
    ddp_store_builder_options opt;
    dll_fixture f;
    (void)state;
    for (uint32_t i = 0; i < N; i++)
        sizes[i] = 100 + (i * 37) % 3000;
    options(&opt, DDP_LAYOUT_0103, 4u << 20, 0);
    assert_int_equal(fixture_create(&f, L"tenk", &opt, 19, N, sizes), 0);
    restore_all_ok(&f, TRUE, TEST_PLAN_NONE);
    fixture_destroy(&f);
    free(sizes);
}

/* The path forms applications pass: "D:\\dir\\file", "\\\\?\\D:\\dir\\file" and "\\dir\\file"
 * (root of the current drive). */
static void test_path_forms(void **state)
{
    static const size_t sizes[] = { 120000, 130000, 140000 };
    ddp_store_builder_options opt;
    dll_fixture f;
    WCHAR form[MAX_PATH + 8], old_dir[MAX_PATH], drive[4];
    BSTR original[3];
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, L"forms", &opt, 23, 3, sizes), 0);
    assert_true(f.paths[0][1] == L':');
    for (int i = 0; i < 3; i++)
        original[i] = f.paths[i];
    wcscpy(form, L"\\\\?\\");
    wcscat(form, original[1]);
    f.paths[1] = SysAllocString(form);
    f.paths[2] = SysAllocString(original[2] + 2);   /* drop "C:" */
    GetCurrentDirectoryW(MAX_PATH, old_dir);
    drive[0] = original[2][0];
    drive[1] = L':';
    drive[2] = L'\\';
    drive[3] = 0;
    assert_true(SetCurrentDirectoryW(drive));
    restore_all_ok(&f, TRUE, TEST_PLAN_NONE);
    SetCurrentDirectoryW(old_dir);
    for (int i = 1; i < 3; i++) {
        SysFreeString(f.paths[i]);
        f.paths[i] = original[i];
    }
    for (uint32_t i = 0; i < 3; i++)
        assert_true(fixture_file_matches(&f, i));
    fixture_destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_0201),
        cmocka_unit_test(test_layout_0102),
        cmocka_unit_test(test_layout_0103),
        cmocka_unit_test(test_multi_container_stale_hints_probing),
        cmocka_unit_test(test_sample_plan_with_directory),
        cmocka_unit_test(test_file_list_names_generation),
        cmocka_unit_test(test_corrupt_chunk_fails_one_file),
        cmocka_unit_test(test_missing_container),
        cmocka_unit_test(test_non_dedup_file),
        cmocka_unit_test(test_no_file_deduplicated),
        cmocka_unit_test(test_non_dedup_failed_and_restored),
        cmocka_unit_test(test_non_dedup_and_failed),
        cmocka_unit_test(test_results_null),
        cmocka_unit_test(test_results_null_partial),
        cmocka_unit_test(test_short_reads_1000),
        cmocka_unit_test(test_short_reads_half),
        cmocka_unit_test(test_plan_several_extents_per_container),
        cmocka_unit_test(test_plan_overlapping_extents),
        cmocka_unit_test(test_plan_zero_length_extents),
        cmocka_unit_test(test_plan_length_to_end),
        cmocka_unit_test(test_plan_index_out_of_range),
        cmocka_unit_test(test_plan_leaving_bytes_uncovered),
        cmocka_unit_test(test_previews_consumed_exactly),
        cmocka_unit_test(test_callbacks_on_calling_thread),
        cmocka_unit_test(test_callbacks_on_other_calling_thread),
        cmocka_unit_test(test_reparse_mode_ordinary_files),
        cmocka_unit_test(test_path_forms),
        cmocka_unit_test(test_ten_thousand_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
