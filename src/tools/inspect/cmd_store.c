/*
 * cmd_store.c - "ddp-inspect store ROOT": a summary of whole chunk stores, to judge one
 * before restoring from it. ROOT is a volume (or backup) root holding
 * "System Volume Information/Dedup/ChunkStore/{GUID}.ddp" folders, or one .ddp folder.
 *
 * Per store: both DedupFileList copies (CRC state, entry count, identical or not); every
 * container file of Data\ and Stream\ with its generation from the name, from its Cthr
 * and from the list, its size, Cthr and Rrtl CRC-64 state and its records counted by a
 * walk of the Ckhr headers; the Stream\*.delete.log files (deleted stream maps) and the
 * other small files (*.cd, Hotspot\Hotspots, stamp.dat, Settings\Dedup.*.cfg) with their
 * CRC-32 state. Problems - a damaged list or file, a container the list does not name,
 * a listed one that is absent, several generations of one id, a Cthr disagreeing with
 * its name, a record walk that stops early - are listed; any problem makes the exit
 * status 1. Containers are read one record header at a time; lists of at most
 * LIST_READ_MAX bytes are read whole.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "ddp/container.h"
#include "ddp/crc.h"
#include "ddp/file_list.h"
#include "ddp/le.h"
#include "file_access.h"

#define LIST_READ_MAX (16u * 1024u * 1024u)   /* 65,000 containers */
#define FIRST_RECORD_SCAN (64u * 1024u)        /* where the first Ckhr is looked for after the Rrtl */
#define PATH_CAP 2048
/* ROOT is at most ROOT_MAX bytes; every path built below it adds at most four folder or
 * file names of 255 bytes and fixed parts, so it fits PATH_CAP: no path is cut short. */
#define ROOT_MAX 512u

typedef struct store_sum {
    printer *pr;
    const char *dir;
    int problems;           /* counted even when its message could not be kept */
    char **messages;        /* n_messages of them, printed as one list at the end */
    int n_messages;
    uint8_t *list;          /* the first sound DedupFileList copy, or NULL */
    size_t list_len;
} store_sum;

static void problem(store_sum *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(store_sum *s, const char *fmt, ...)
{
    char msg[2 * PATH_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ddp-inspect: %s: %s\n", s->dir, msg);
    s->problems++;
    char **more = realloc(s->messages, (size_t)(s->n_messages + 1) * sizeof *more);
    size_t len = strlen(msg) + 1;
    char *copy = more ? malloc(len) : NULL;
    if (more)
        s->messages = more;
    if (!copy)
        return;   /* said on stderr and counted */
    memcpy(copy, msg, len);
    s->messages[s->n_messages++] = copy;
}

static void fmt_path(char out[PATH_CAP], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fmt_path(char out[PATH_CAP], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, PATH_CAP, fmt, ap);
    va_end(ap);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir (NULL-terminated, malloc'ed), or NULL when it cannot be listed. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d)
        return NULL;
    size_t cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (*n + 1 >= cap) {
            char **more = realloc(names, cap * 2 * sizeof *names);
            if (!more)
                break;
            names = more;
            cap *= 2;
        }
        size_t len = strlen(e->d_name) + 1;
        names[*n] = malloc(len);
        if (names[*n])
            memcpy(names[*n], e->d_name, len);
        if (names[*n])
            (*n)++;
    }
    closedir(d);
    if (!names)
        return NULL;
    names[*n] = NULL;
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void free_names(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    if (a < b)
        return 0;
    for (size_t i = 0; i < b; i++) {
        char c = s[a - b + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != tail[i])
            return 0;
    }
    return 1;
}

/* ---- DedupFileList ---- */

static void summarise_list_copy(store_sum *s, const char *name, uint8_t **keep, size_t *keep_len)
{
    char path[PATH_CAP];
    char err[256];
    input_file in;
    fmt_path(path, "%s/%s", s->dir, name);
    pr_begin(s->pr, "file_list", NO_OFFSET);
    pr_text(s->pr, "name", NO_OFFSET, name);
    if (input_open(&in, path, err, sizeof err) != 0) {
        pr_text(s->pr, "state", NO_OFFSET, "absent");
        pr_end(s->pr);
        return;
    }
    pr_uint(s->pr, "file_size", NO_OFFSET, in.size);
    size_t len = in.size > LIST_READ_MAX ? LIST_READ_MAX : (size_t)in.size;
    uint8_t *b = malloc(len ? len : 1);
    ddp_file_list_header h;
    const char *state = "sound";
    if (!b || input_read(&in, 0, b, len) != 0)
        state = "unreadable";
    else if (ddp_file_list_header_parse(b, len, &h, NULL) != DDP_OK)
        state = "damaged";
    input_close(&in);
    uint64_t bad = 0;
    if (!strcmp(state, "sound")) {
        pr_uint(s->pr, "count", 0x08, h.count);
        pr_text(s->pr, "crc64_match", NO_OFFSET, crc64_match_name(h.crc_match));
        for (uint64_t i = 0; i < h.count; i++) {
            uint64_t at = ddp_file_list_entry_offset(i);
            ddp_file_list_entry e;
            bad += at > len || ddp_file_list_entry_parse(b + at, len - at, &e, NULL) != DDP_OK;
        }
        pr_uint(s->pr, "bad_entries", NO_OFFSET, bad);
    }
    pr_text(s->pr, "state", NO_OFFSET, state);
    if (strcmp(state, "sound") != 0)
        problem(s, "%s is %s", name, state);
    else if (bad)
        problem(s, "%s has %lu damaged or missing entries", name, (unsigned long)bad);
    if (!strcmp(state, "sound") && !*keep) {
        *keep = b;
        *keep_len = len;
    } else {
        if (*keep && b && (*keep_len != len || memcmp(*keep, b, len) != 0) && !strcmp(state, "sound"))
            problem(s, "%s differs from the first copy", name);
        free(b);
    }
    pr_end(s->pr);
}

/* ---- containers ---- */

/* Counts the records of a container by walking its Ckhr headers. Returns the offset the
 * walk stopped at when it stopped on something that is not a record, else 0. */
static uint64_t walk(input_file *in, uint64_t start, uint64_t *data, uint64_t *smaps, uint64_t *first)
{
    uint64_t at = start;
    uint8_t h[DDP_SMAP_HEADER_SIZE];
    *first = 0;
    for (; at + 4 <= in->size && at < start + FIRST_RECORD_SCAN; at += DDP_RECORD_ALIGN)
        if (input_read(in, at, h, 4) == 0 && !memcmp(h, "Ckhr", 4))
            break;
    if (at + 4 > in->size || at >= start + FIRST_RECORD_SCAN)
        return 0;   /* no record at all */
    *first = at;
    while (at < in->size) {
        size_t n = in->size - at < sizeof h ? (size_t)(in->size - at) : sizeof h;
        ddp_record r;
        if (input_read(in, at, h, n) != 0)
            return at;
        int zero = 1;
        for (size_t i = 0; i < n && i < DDP_CKHR_COMMON_SIZE; i++)
            zero &= h[i] == 0;
        if (zero)
            return 0;
        if (ddp_record_parse(h, n, &r, NULL) != DDP_OK || ddp_record_span(&r) > in->size - at)
            return at;
        *(r.kind == DDP_RECORD_KIND_DATA ? data : smaps) += 1;
        at += ddp_record_span(&r);
    }
    return 0;
}

static void summarise_container(store_sum *s, const char *folder, const char *name, ddp_file_list_kind kind)
{
    char path[PATH_CAP], err[256], what[PATH_CAP];
    input_file in;
    uint32_t id = 0, gen = 0;
    fmt_path(path, "%s/%s/%s", s->dir, folder, name);
    fmt_path(what, "%s\\%s", folder, name);
    pr_begin_row(s->pr, "container", NO_OFFSET);
    pr_text(s->pr, "file", NO_OFFSET, what);
    ddp_container_name_parse(name, &id, &gen);
    pr_hex(s->pr, "id", NO_OFFSET, id);
    pr_hex(s->pr, "generation", NO_OFFSET, gen);
    if (s->list) {
        uint32_t listed = 0;
        ddp_file_list_answer a = ddp_file_list_find(s->list, s->list_len, kind, id, &listed, NULL);
        pr_text(s->pr, "listed", NO_OFFSET,
                a == DDP_FILE_LIST_FOUND ? (listed == gen ? "yes" : "other generation")
                : a == DDP_FILE_LIST_AMBIGUOUS ? "ambiguous" : "no");
        if (a != DDP_FILE_LIST_FOUND || listed != gen)
            problem(s, "%s is not the generation DedupFileList names", what);
    }
    if (input_open(&in, path, err, sizeof err) != 0) {
        pr_text(s->pr, "state", NO_OFFSET, "unreadable");
        pr_end(s->pr);
        problem(s, "%s cannot be opened", what);
        return;
    }
    pr_uint(s->pr, "size", NO_OFFSET, in.size);
    uint8_t h[DDP_CTHR_SIZE];
    ddp_cthr c;
    if (in.size < DDP_CTHR_SIZE || input_read(&in, 0, h, sizeof h) != 0 ||
        ddp_cthr_parse(h, sizeof h, &c, NULL) != DDP_OK) {
        pr_text(s->pr, "cthr", NO_OFFSET, "missing");
        problem(s, "%s has no Cthr header", what);
    } else {
        pr_text(s->pr, "cthr_crc64", NO_OFFSET, crc64_match_name(c.crc_match));
        pr_hex(s->pr, "cthr_generation", 0x14, c.generation);
        if ((c.container_id && c.container_id != id) || (c.generation && c.generation != gen))
            problem(s, "%s: its Cthr names another id or generation", what);
        if (c.crc_match == DDP_CRC64_NONE)
            problem(s, "%s: Cthr CRC-64 matches neither variant", what);
    }
    uint8_t t[DDP_RRTL_HEADER_SIZE];
    ddp_rrtl rr;
    uint64_t start = DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE;
    if (in.size >= DDP_RRTL_OFFSET + DDP_RRTL_HEADER_SIZE && input_read(&in, DDP_RRTL_OFFSET, t, sizeof t) == 0 &&
        ddp_rrtl_parse(t, sizeof t, &rr, NULL) == DDP_OK) {
        pr_uint(s->pr, "rrtl_entries", DDP_RRTL_OFFSET + 8, rr.count);
        pr_text(s->pr, "rrtl_crc64", NO_OFFSET, crc64_match_name(rr.crc_match));
        start += (uint64_t)rr.count * DDP_RRTL_ENTRY_SIZE;
    } else {
        pr_text(s->pr, "rrtl", NO_OFFSET, "missing");
        problem(s, "%s has no Rrtl table", what);
    }
    uint64_t data = 0, smaps = 0, first = 0;
    uint64_t stop = walk(&in, start, &data, &smaps, &first);
    input_close(&in);
    pr_uint(s->pr, "data_records", NO_OFFSET, data);
    pr_uint(s->pr, "stream_map_records", NO_OFFSET, smaps);
    if (first)
        pr_hex(s->pr, "first_record", first, first);
    if (stop) {
        pr_hex(s->pr, "walk_stopped", stop, stop);
        problem(s, "%s: the record walk stops at 0x%lx on bytes that are no record", what, (unsigned long)stop);
    }
    pr_end(s->pr);
}

/* Several live generations of one stream id: the reparse points cannot tell them apart. */
static void check_generations(store_sum *s, char **names, const char *folder)
{
    for (size_t i = 0; names && names[i]; i++) {
        uint32_t id, gen, id2, gen2;
        if (ddp_container_name_parse(names[i], &id, &gen) != 0)
            continue;
        for (size_t k = i + 1; names[k]; k++)
            if (ddp_container_name_parse(names[k], &id2, &gen2) == 0 && id2 == id) {
                problem(s, "%s\\%08x: several generations present (up to %x)", folder, (unsigned)id,
                        (unsigned)gen2);
                break;
            }
    }
}

/* Listed containers whose file is missing. */
static void check_listed_present(store_sum *s)
{
    ddp_file_list_header h;
    if (!s->list || ddp_file_list_header_parse(s->list, s->list_len, &h, NULL) != DDP_OK)
        return;
    for (uint64_t i = 0; i < h.count; i++) {
        uint64_t at = ddp_file_list_entry_offset(i);
        ddp_file_list_entry e;
        char path[PATH_CAP];
        if (at > s->list_len || ddp_file_list_entry_parse(s->list + at, s->list_len - at, &e, NULL) != DDP_OK)
            continue;
        fmt_path(path, "%s/%s", s->dir, e.path);
        for (char *p = path + strlen(s->dir); *p; p++)
            if (*p == '\\')
                *p = '/';
        struct stat st;
        if (stat(path, &st) != 0)
            problem(s, "%s is listed in DedupFileList but absent", e.path);
    }
}

/* Small files with a CRC-32 over what precedes it at crc_at (Cdir, Bmap), or a Dlog. */
static void summarise_small(store_sum *s, const char *rel)
{
    char path[PATH_CAP], err[256];
    input_file in;
    fmt_path(path, "%s/%s", s->dir, rel);
    if (input_open(&in, path, err, sizeof err) != 0)
        return;
    uint8_t b[64] = {0};
    size_t n = in.size < sizeof b ? (size_t)in.size : sizeof b;
    int read_ok = input_read(&in, 0, b, n) == 0;
    pr_begin_row(s->pr, "file", NO_OFFSET);
    pr_text(s->pr, "name", NO_OFFSET, rel);
    pr_uint(s->pr, "size", NO_OFFSET, in.size);
    const char *state = "present";
    if (!read_ok) {
        state = "unreadable";
    } else if (!memcmp(b, "Dlog", 4) && n >= 16) {
        uint64_t entries = (in.size - 16) / 40, bad = 0;
        for (uint64_t i = 0; i < entries; i++) {
            uint8_t e[40];
            bad += input_read(&in, 16 + 40 * i, e, 40) != 0 || ddp_crc32(e, 36) != ddp_le32(e + 36);
        }
        pr_uint(s->pr, "deleted_stream_maps", NO_OFFSET, entries);
        state = ddp_crc32(b, 12) != ddp_le32(b + 12) || bad || (in.size - 16) % 40 ? "damaged" : "crc ok";
    } else if ((!memcmp(b, "Cdir", 4) && n >= 28) || (!memcmp(b, "Bmap", 4) && n >= 32)) {
        uint32_t at = b[0] == 'C' ? 0x18 : 0x1C;
        state = ddp_crc32(b, at) == ddp_le32(b + at) ? "crc ok" : "damaged";
    } else if (!memcmp(b, "Dlog", 4) || !memcmp(b, "Cdir", 4) || !memcmp(b, "Bmap", 4)) {
        state = "damaged";
    }
    input_close(&in);
    pr_text(s->pr, "state", NO_OFFSET, state);
    pr_end(s->pr);
    if (!strcmp(state, "damaged") || !strcmp(state, "unreadable"))
        problem(s, "%s is damaged", rel);
}

static void summarise_folder(store_sum *s, const char *folder, ddp_file_list_kind kind)
{
    char dir[PATH_CAP];
    size_t n = 0;
    fmt_path(dir, "%s/%s", s->dir, folder);
    char **names = list_dir(dir, &n);
    pr_begin_list(s->pr, folder);
    for (size_t i = 0; names && names[i]; i++)
        if (ddp_container_name_parse(names[i], NULL, NULL) == 0)
            summarise_container(s, folder, names[i], kind);
    pr_end_list(s->pr);
    pr_begin_list(s->pr, kind == DDP_FILE_LIST_DATA ? "data_other_files" : "stream_other_files");
    for (size_t i = 0; names && names[i]; i++) {
        if (ddp_container_name_parse(names[i], NULL, NULL) == 0)
            continue;
        char rel[PATH_CAP];
        fmt_path(rel, "%s/%s", folder, names[i]);
        summarise_small(s, rel);
    }
    pr_end_list(s->pr);
    if (kind == DDP_FILE_LIST_STREAM)
        check_generations(s, names, folder);
    free_names(names);
}

static int summarise_store(printer *pr, const char *dir)
{
    store_sum s = {pr, dir, 0, NULL, 0, NULL, 0};
    pr_begin(pr, "store", NO_OFFSET);
    pr_text(pr, "folder", NO_OFFSET, dir);
    pr_begin_list(pr, "file_lists");
    summarise_list_copy(&s, DDP_FILE_LIST_NAME_1, &s.list, &s.list_len);
    summarise_list_copy(&s, DDP_FILE_LIST_NAME_2, &s.list, &s.list_len);
    pr_end_list(pr);
    if (!s.list)
        pr_text(pr, "generations_from", NO_OFFSET, "container files only (no sound DedupFileList)");
    summarise_folder(&s, "Data", DDP_FILE_LIST_DATA);
    summarise_folder(&s, "Stream", DDP_FILE_LIST_STREAM);
    check_listed_present(&s);
    pr_begin_list(pr, "other_files");
    static const char *const others[] = {"Hotspot/Hotspots", "stamp.dat"};
    for (size_t i = 0; i < 2; i++)
        summarise_small(&s, others[i]);
    char settings[PATH_CAP];
    size_t n = 0;
    fmt_path(settings, "%s/Settings", dir);
    char **names = list_dir(settings, &n);
    for (size_t i = 0; names && names[i]; i++) {
        char rel[PATH_CAP];
        fmt_path(rel, "Settings/%s", names[i]);
        summarise_small(&s, rel);
    }
    free_names(names);
    pr_end_list(pr);
    pr_begin_list(pr, "problems");
    for (int i = 0; i < s.n_messages; i++) {
        pr_text(pr, "problem", NO_OFFSET, s.messages[i]);
        free(s.messages[i]);
    }
    pr_end_list(pr);
    pr_uint(pr, "problem_count", NO_OFFSET, (uint64_t)s.problems);
    pr_end(pr);
    free(s.messages);
    free(s.list);
    return s.problems ? EXIT_MALFORMED : 0;
}

int inspect_store(printer *pr, const char *root)
{
    char chunk_store[PATH_CAP];
    int rc = 0, stores = 0;
    pr_text(pr, "input", NO_OFFSET, root);
    pr_text(pr, "kind", NO_OFFSET, "store");
    if (strlen(root) > ROOT_MAX)
        return report_io_error(pr, root, "path longer than 512 bytes");
    if (!is_dir(root))
        return report_io_error(pr, root, "not a folder");
    pr_begin_list(pr, "stores");
    fmt_path(chunk_store, "%s/System Volume Information/Dedup/ChunkStore", root);
    char data[PATH_CAP], stream[PATH_CAP];
    fmt_path(data, "%s/Data", root);
    fmt_path(stream, "%s/Stream", root);
    if (ends_with(root, ".ddp") || is_dir(data) || is_dir(stream)) {
        rc = summarise_store(pr, root);
        stores = 1;
    } else if (is_dir(chunk_store)) {
        size_t n = 0;
        char **names = list_dir(chunk_store, &n);
        for (size_t i = 0; names && names[i]; i++) {
            char dir[PATH_CAP];
            fmt_path(dir, "%s/%s", chunk_store, names[i]);
            if (!ends_with(names[i], ".ddp") || !is_dir(dir))
                continue;
            int r = summarise_store(pr, dir);
            rc = rc ? rc : r;
            stores++;
        }
        free_names(names);
    }
    pr_end_list(pr);
    pr_uint(pr, "store_count", NO_OFFSET, (uint64_t)stores);
    if (stores == 0)
        return report_error(pr, root, 0, "no chunk store (.ddp folder) found", DDP_ERR_NOT_FOUND);
    return rc;
}
