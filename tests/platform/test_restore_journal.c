/*
 * test_restore_journal.c - a folder's restore journal and the names of a restore's own
 * files: a journal round-trips names of any length and bytes; a torn or corrupted tail
 * ends it at the last whole record; a file that is not a journal is refused; only the
 * exact name forms count as ours; temporary names are fixed-length whatever the
 * destination's name.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ddp/crc.h"
#include "platform_test_util.h"
#include "restore_journal.h"
#include "temp_file.h"

static char *long_name(size_t bytes, char fill)
{
    char *s = malloc(bytes + 1);
    memset(s, fill, bytes);
    s[bytes] = '\0';
    return s;
}

static void round_trip_any_name(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    /* 765 bytes of UTF-8 (255 CJK characters), and bytes that are not UTF-8 at all */
    char *cjk = malloc(766);
    for (int i = 0; i < 255; i++)
        memcpy(cjk + 3 * i, "\xe5\xad\x97", 3);
    cjk[765] = '\0';
    char *ascii = long_name(214, 'b');
    char raw[] = "a\xe9\xff\x80z";
    ddp_journal_rec in[3] = {
        {cjk, ".ddprestore-0000000000000001-0000000000000002", 42, 7, {1, 2}, {3, 4}},
        {ascii, ".ddprestore-0000000000000001-0000000000000003", 43, 0, {-5, 999999999}, {1700000000, 0}},
        {raw, ".ddprestore-0000000000000001-0000000000000004", UINT64_MAX, UINT64_MAX >> 1, {0, 0}, {0, 1}},
    };
    char *path = ddp_journal_write(dir, in, 3);
    assert_non_null(path);
    assert_int_equal(ddp_work_name_kind(strrchr(path, '/') + 1), DDP_WORK_JOURNAL);
    ddp_journal_rec *out;
    size_t n;
    assert_int_equal(ddp_journal_read(path, &out, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(out[i].name, in[i].name);
        assert_string_equal(out[i].temp_name, in[i].temp_name);
        assert_true(out[i].ino == in[i].ino && out[i].size == in[i].size);
        assert_true(out[i].atime.tv_sec == in[i].atime.tv_sec && out[i].atime.tv_nsec == in[i].atime.tv_nsec);
        assert_true(out[i].mtime.tv_sec == in[i].mtime.tv_sec && out[i].mtime.tv_nsec == in[i].mtime.tv_nsec);
    }
    ddp_journal_free(out, n);

    /* Every cut of the file (a torn write) reads as its whole records, never more. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    size_t rec_end[3] = {8 + 8 + 44 + 765 + 45, 0, 0};
    rec_end[1] = rec_end[0] + 8 + 44 + 214 + 45;
    rec_end[2] = rec_end[1] + 8 + 44 + 5 + 45;
    assert_int_equal((size_t)st.st_size, rec_end[2]);
    for (off_t cut = (off_t)st.st_size - 1; cut >= 8; cut -= 7) {
        assert_int_equal(truncate(path, cut), 0);
        assert_int_equal(ddp_journal_read(path, &out, &n), 0);
        size_t whole = (size_t)cut >= rec_end[1] ? 2 : (size_t)cut >= rec_end[0] ? 1 : 0;
        assert_int_equal(n, whole);
        ddp_journal_free(out, n);
    }
    /* A flipped byte in the first record ends the journal before it. */
    free(path);
    path = ddp_journal_write(dir, in, 3);
    assert_non_null(path);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "X", 1, 30), 1);
    close(fd);
    assert_int_equal(ddp_journal_read(path, &out, &n), 0);
    assert_int_equal(n, 0);
    ddp_journal_free(out, n);
    /* Created, never written (a crash before its sync): empty, or zeros. */
    assert_int_equal(truncate(path, 0), 0);
    assert_int_equal(ddp_journal_read(path, &out, &n), 0);
    assert_int_equal(n, 0);
    ddp_journal_free(out, n);
    assert_int_equal(truncate(path, 4096), 0);
    assert_int_equal(ddp_journal_read(path, &out, &n), 0);
    assert_int_equal(n, 0);
    ddp_journal_free(out, n);
    /* Not a journal at all. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "DDPRJ", 5), 5);
    close(fd);
    assert_int_equal(ddp_journal_read(path, &out, &n), -1);
    assert_int_equal(errno, EILSEQ);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "NOTAJRNLxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 58), 58);
    close(fd);
    assert_int_equal(ddp_journal_read(path, &out, &n), -1);
    assert_int_equal(errno, EILSEQ);
    free(path);
    free(cjk);
    free(ascii);
    scratch_remove(dir);
    free(dir);
}

/* Patches 4 bytes of a fresh one-record journal at off (then, when fix_crc, recomputes
 * the record's CRC so that only the length checks can refuse it); it must read as empty. */
static void refused_after_patch(const char *dir, size_t off, uint32_t value, int fix_crc)
{
    ddp_journal_rec in = {"name", ".ddprestore-0000000000000001-0000000000000002", 1, 2, {0, 0}, {0, 0}};
    char *path = ddp_journal_write(dir, &in, 1);
    size_t len = 0;
    assert_non_null(path);
    uint8_t *buf = get_file(path, &len);
    assert_non_null(buf);
    memcpy(buf + off, &value, 4);   /* little-endian host (x86-64, arm64) */
    if (fix_crc) {
        uint32_t crc = ddp_crc32(buf + 16, len - 16);
        memcpy(buf + 12, &crc, 4);
    }
    assert_int_equal(put_file(path, buf, len), 0);
    ddp_journal_rec *out;
    size_t n;
    assert_int_equal(ddp_journal_read(path, &out, &n), 0);
    assert_int_equal(n, 0);
    ddp_journal_free(out, n);
    assert_int_equal(unlink(path), 0);
    free(buf);
    free(path);
}

/* Length fields that point past the end, or disagree with the names, end the journal. */
static void hostile_lengths(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    refused_after_patch(dir, 8, 0x7fffffffu, 0);       /* body length far past the end */
    refused_after_patch(dir, 8, 0, 0);                 /* body length 0 */
    refused_after_patch(dir, 16 + 40, 0xffffu, 1);     /* name length past the body, CRC right */
    refused_after_patch(dir, 16 + 40, 0x00010000u, 1); /* name length 0 (temp length 1), CRC right */
    scratch_remove(dir);
    free(dir);
}

static void names_of_ours(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char dest[1200];
    /* a destination name far longer than NAME_MAX still gives a short temporary name */
    char *name = long_name(700, 'q');
    snprintf(dest, sizeof dest, "%s/%s", dir, name);
    char *temp = NULL;
    int fd = ddp_temp_create(dest, 0x1234, 0600, &temp);
    assert_true(fd >= 0);
    close(fd);
    const char *base = strrchr(temp, '/') + 1;
    assert_int_equal(strlen(base), 45);
    assert_int_equal(ddp_work_name_kind(base), DDP_WORK_TEMP);
    assert_non_null(strstr(base, "-0000000000001234"));
    /* the same identity twice in one run: O_EXCL refuses to reuse a name */
    char *again = NULL;
    assert_int_equal(ddp_temp_create(dest, 0x1234, 0600, &again), -1);
    assert_int_equal(errno, EEXIST);
    assert_null(again);
    free(temp);

    assert_int_equal(ddp_work_name_kind(".ddprestore-0123456789abcdef-0123456789abcdef"), DDP_WORK_TEMP);
    assert_int_equal(ddp_work_name_kind(".ddprestore-0123456789abcdef-0123456789abcdef.journal"), DDP_WORK_JOURNAL);
    const char *not_ours[] = {
        ".ddprestore-0123456789abcdef-0123456789abcde",      /* one digit short */
        ".ddprestore-0123456789ABCDEF-0123456789abcdef",     /* capitals */
        ".ddprestore-0123456789abcdef-0123456789abcdef.tmp",
        ".ddprestore-0123456789abcdef_0123456789abcdef",
        ".ddprestore-0123456789abcdef-0123456789abcdefx",
        "x.ddprestore-0123456789abcdef-0123456789abcdef",
        ".name.ddprestore-ready", ".name.ddprestore-AbC123", ".ntfs-3g-42", "", ".ddprestore-",
    };
    for (size_t i = 0; i < sizeof not_ours / sizeof not_ours[0]; i++) {
        assert_int_equal(ddp_work_name_kind(not_ours[i]), DDP_WORK_NONE);
        assert_false(ddp_is_temp_name(not_ours[i]));
    }
    free(name);
    scratch_remove(dir);
    free(dir);
}

/* A journal lies in a folder others may write to: a record whose file name leaves the
 * folder ("../x", "a/b", "..", ".") or whose temporary name is not of our form is never
 * handed to the recovery (it would copy into, or delete, any file). Records up to the
 * first such one are read. */
static void names_outside_the_folder(void **state)
{
    (void)state;
    static const char *const names[] = {"../victim", "a/b", "..", "."};
    static const char *const temps[] = {"../../etc/x", ".ddprestore-0000000000000001-000000000000000",
                                        "x.ddprestore-0000000000000001-0000000000000002"};
    const char *good_temp = ".ddprestore-0000000000000001-0000000000000002";
    char *dir = scratch_dir();
    for (size_t i = 0; i < sizeof names / sizeof *names + sizeof temps / sizeof *temps; i++) {
        int bad_name = i < sizeof names / sizeof *names;
        ddp_journal_rec in[2] = {
            {"fine.bin", (char *)good_temp, 1, 2, {0, 0}, {0, 0}},
            {bad_name ? (char *)names[i] : "fine2.bin",
             bad_name ? (char *)good_temp : (char *)temps[i - sizeof names / sizeof *names], 3, 4, {0, 0}, {0, 0}},
        };
        char *path = ddp_journal_write(dir, in, 2);
        assert_non_null(path);
        ddp_journal_rec *out;
        size_t n;
        assert_int_equal(ddp_journal_read(path, &out, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(out[0].name, "fine.bin");
        ddp_journal_free(out, n);
        unlink(path);
        free(path);
    }
    scratch_remove(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_any_name),
        cmocka_unit_test(hostile_lengths),
        cmocka_unit_test(names_of_ours),
        cmocka_unit_test(names_outside_the_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
