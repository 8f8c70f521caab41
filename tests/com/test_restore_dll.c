/*
 * test_restore_dll.c - RestoreFiles end to end through the real DLL under Wine: a chunk
 * store built by the engine's store builder, stubs as stub files (DDPBACKUP_STUB_FILES=1),
 * DdpBackup.dll registered with regsvr32 and created with CoCreateInstance, the backup read
 * through an IDedupReadFileCallback that checks the call contract. Every reparse layout,
 * several containers, stale hints, both ways of finding the stream container, the sample's
 * read plan, a missing container, a corrupt chunk, a non-dedup file, 10,000 files.
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

static void options(ddp_store_options *opt, uint16_t layout, uint64_t container_limit, int stale)
{
    ddp_store_options_default(opt);
    opt->layout = layout;
    opt->container_limit = container_limit;
    opt->stale_hints = stale;
}

/* Restores every file of f through the DLL and checks the results and the call contract. */
static void restore_all_ok(dll_fixture *f, BOOL directory, test_plan_kind plan)
{
    test_store *store = test_store_new(f->root, directory, plan);
    HRESULT *results = calloc(f->n_files, sizeof *results);
    test_store_counts c;

    assert_non_null(store);
    assert_non_null(results);
    assert_int_equal(IDedupBackupSupport_RestoreFiles(support, f->n_files, f->paths, test_store_callback(store),
                                                      DEDUP_RECONSTRUCT_UNOPTIMIZED, results), S_OK);
    for (uint32_t i = 0; i < f->n_files; i++) {
        assert_int_equal(results[i], S_OK);
        assert_true(fixture_file_matches(f, i));
    }
    test_store_get_counts(store, &c);
    assert_int_equal(c.orders, 2);
    assert_int_equal(c.unannounced_reads, 0);
    assert_true(c.previews >= 1);
    assert_true(c.reads >= 2);
    if (directory)
        assert_true(c.finds >= 1);
    assert_int_equal(test_store_refcount(store), 1);   /* no reference kept */
    test_store_release(store);
    free(results);
}

static void run_layout(uint16_t layout, const wchar_t *tag)
{
    static const size_t sizes[] = { 70000, 400000, 1048576 + 4321, 200000 };
    ddp_store_options opt;
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
    ddp_store_options opt;
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
    ddp_store_options opt;
    dll_fixture f;
    (void)state;
    options(&opt, DDP_LAYOUT_0102, 300 * 1024, 0);
    assert_int_equal(fixture_create(&f, L"plan", &opt, 9, 3, sizes), 0);
    restore_all_ok(&f, TRUE, TEST_PLAN_SAMPLE);
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
    uint8_t stub[DDP_REPARSE_MAX_BUFFER];
    char guid[39];
    size_t len = 0;
    ddp_reparse r;
    FILE *fp = _wfopen(f->paths[0], L"rb");
    assert_non_null(fp);
    len = fread(stub, 1, sizeof stub, fp);
    fclose(fp);
    assert_int_equal(ddp_reparse_parse(stub, len, &r, NULL), DDP_OK);
    ddp_guid_format(r.store_guid, guid);
    snprintf(out, cap, "\\System Volume Information\\Dedup\\ChunkStore\\%s.ddp\\%s", guid, kind);
}

/* The data chunk ending file i: its data container path and record offset. */
static void last_chunk_of(const dll_fixture *f, uint32_t i, char *data_path, size_t cap, uint32_t *record_offset)
{
    uint8_t stub[DDP_REPARSE_MAX_BUFFER], *container;
    char dir[256], name[22];
    size_t len, clen = 0;
    uint32_t count = 0;
    ddp_reparse r;
    ddp_record rec;
    ddp_chunk_ref last;
    FILE *fp = _wfopen(f->paths[i], L"rb");

    assert_non_null(fp);
    len = fread(stub, 1, sizeof stub, fp);
    fclose(fp);
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

static void test_corrupt_chunk_fails_one_file(void **state)
{
    static const size_t sizes[] = { 200000, 5 * 65536 + 1234, 300000 };
    ddp_store_options opt;
    dll_fixture f;
    char data_path[300];
    uint32_t offset = 0;
    WCHAR full[MAX_PATH * 2];
    HANDLE h;
    uint8_t byte;
    DWORD io = 0;
    LARGE_INTEGER pos;
    HRESULT results[3];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0103, 1u << 30, 0);
    opt.compress = 0;   /* raw payloads: a flipped byte is a wrong hash, not a decode error */
    assert_int_equal(fixture_create(&f, L"corrupt", &opt, 11, 3, sizes), 0);
    last_chunk_of(&f, 1, data_path, sizeof data_path, &offset);
    fixture_store_path(&f, data_path, full, MAX_PATH * 2);
    h = CreateFileW(full, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    pos.QuadPart = offset + DDP_DATA_HEADER_SIZE + 100;
    SetFilePointerEx(h, pos, NULL, FILE_BEGIN);
    ReadFile(h, &byte, 1, &io, NULL);
    byte ^= 0x5A;
    SetFilePointerEx(h, pos, NULL, FILE_BEGIN);
    WriteFile(h, &byte, 1, &io, NULL);
    CloseHandle(h);

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
    ddp_store_options opt;
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

/* File 1 is a plain file: S_FALSE for it, the others restored. */
static void test_non_dedup_file(void **state)
{
    static const size_t sizes[] = { 100000, 0, 100000 };
    ddp_store_options opt;
    dll_fixture f;
    HRESULT results[3];
    test_store *store;
    (void)state;

    options(&opt, DDP_LAYOUT_0201, 1u << 30, 0);
    assert_int_equal(fixture_create(&f, L"nondedup", &opt, 17, 3, sizes), 0);
    store = test_store_new(f.root, TRUE, TEST_PLAN_NONE);
    IDedupBackupSupport_RestoreFiles(support, 3, f.paths, test_store_callback(store), DEDUP_RECONSTRUCT_UNOPTIMIZED,
                                     results);
    assert_int_equal(results[0], S_OK);
    assert_int_equal(results[1], S_FALSE);
    assert_int_equal(results[2], S_OK);
    for (uint32_t i = 0; i < 3; i++)
        assert_true(fixture_file_matches(&f, i));
    test_store_release(store);
    fixture_destroy(&f);
}

static void test_ten_thousand_files(void **state)
{
    enum { N = 10000 };
    size_t *sizes = malloc(N * sizeof *sizes);
    ddp_store_options opt;
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
    ddp_store_options opt;
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
        cmocka_unit_test(test_corrupt_chunk_fails_one_file),
        cmocka_unit_test(test_missing_container),
        cmocka_unit_test(test_non_dedup_file),
        cmocka_unit_test(test_path_forms),
        cmocka_unit_test(test_ten_thousand_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
