/*
 * main.c - ddp-mkstore: builds a Data Deduplication chunk store from a folder of
 * ordinary files, and a stub (reparse point) for each file, as test vectors and
 * benchmark corpora for the restore engine.
 *
 *   ddp-mkstore [options] SRC_DIR DEST_ROOT      (ddp-mkstore --help for the options)
 *
 * Files are taken in sorted order, so the same tree and options always give the same
 * bytes. A file under --min-size (32 KiB, like Windows) is copied as it is; every other
 * file is streamed through the store builder and replaced under DEST_ROOT by its stub.
 * A DEST_ROOT that already holds a chunk store is refused unless --force. A refused or
 * failed run takes back what it created (undo.c). Exit: 0 done, 1 build failed, 2 usage.
 */
#if !defined(_WIN32)
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "ddp/reparse.h"
#include "dir_sink.h"
#include "hash_choice.h"
#include "mkstore.h"
#include "tool_path.h"

#define READ_BLOCK (1u << 20)
#define STORE_FOLDER "System Volume Information"
#define CHUNK_STORE_FOLDER STORE_FOLDER "/Dedup/ChunkStore"

typedef struct run {
    const mkstore_options *opt;
    ddp_store_builder *builder;
    mkstore_totals totals;
    uint8_t *block;
} run;

/* Streams the file into the builder; *reparse_len 0 when it got no reparse point (empty). */
static int optimize(run *r, const char *src, uint8_t *reparse, size_t *reparse_len)
{
    FILE *in = fopen(src, "rb");
    if (!in) {
        fprintf(stderr, "ddp-mkstore: cannot open %s: %s\n", src, strerror(errno));
        return -1;
    }
    ddp_status st = ddp_store_builder_file_begin(r->builder);
    size_t n;
    while (st == DDP_OK && (n = fread(r->block, 1, READ_BLOCK, in)) > 0)
        st = ddp_store_builder_file_data(r->builder, r->block, n);
    int read_error = ferror(in);
    fclose(in);
    if (st == DDP_OK && read_error) {
        fprintf(stderr, "ddp-mkstore: cannot read %s\n", src);
        return -1;
    }
    if (st == DDP_OK)
        st = ddp_store_builder_file_end(r->builder, reparse, DDP_REPARSE_MAX_BUFFER, reparse_len);
    if (st == DDP_ERR_NOT_REPARSE) {
        *reparse_len = 0;
        return 0;
    }
    if (st != DDP_OK) {
        fprintf(stderr, "ddp-mkstore: %s: %s\n", src, ddp_status_str(st));
        return -1;
    }
    return 0;
}

static int visit(void *ctx, const char *full, const char *rel, uint64_t size)
{
    run *r = ctx;
    if (strncmp(rel, STORE_FOLDER "/", sizeof STORE_FOLDER) == 0)
        return 0;   /* a store in the source is not content */
    char *out = tool_path_join(r->opt->dest, rel);
    if (!out || mkstore_make_parents(out) != 0) {
        free(out);
        return -1;
    }
    int rc;
    if (size < r->opt->min_size) {
        rc = mkstore_copy_file(full, out);
        r->totals.copied_files++;
        r->totals.copied_bytes += size;
        r->totals.copied_empty += size == 0;
    } else {
        static uint8_t reparse[DDP_REPARSE_MAX_BUFFER];
        size_t len = 0;
        rc = optimize(r, full, reparse, &len);
        if (rc == 0 && len == 0)
            rc = mkstore_copy_file(full, out);   /* became empty: nothing to reference */
        else if (rc == 0 && r->opt->stubs == STUBS_XATTR)
            rc = mkstore_write_xattr_stub(out, size, reparse, len);
        else if (rc == 0)
            rc = mkstore_write_raw_stub(out, reparse, len);
    }
    free(out);
    return rc;
}

#ifndef _WIN32
/* DEST_ROOT inside SRC_DIR would feed the store into itself. */
static int dest_inside_src(const char *src, const char *dest)
{
    char *s = realpath(src, NULL), *d = realpath(dest, NULL);
    int inside = 0;
    if (s && d) {
        size_t ls = strlen(s);
        inside = strncmp(s, d, ls) == 0 && (d[ls] == '\0' || d[ls] == '/' || ls == 1);
    }
    free(s);
    free(d);
    return inside;
}
#endif

/* 1 when DEST_ROOT holds a chunk store folder with anything in it. */
static int holds_chunk_store(const mkstore_options *opt)
{
    char *p = tool_path_join(opt->dest, CHUNK_STORE_FOLDER);
    DIR *d = p ? opendir(p) : NULL;
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d)) != NULL)
        found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    free(p);
    return found;
}

/* Notes the outermost folder of the store path that this run will create, or the store
 * folder itself when it all exists (--force): a failure removes it with its contents. */
static int note_store_folder(const mkstore_options *opt)
{
    char guid[39], tail[128];
    ddp_guid_format(opt->store.guid, guid);
    snprintf(tail, sizeof tail, CHUNK_STORE_FOLDER "/%s.ddp", guid);
    char *full = tool_path_join(opt->dest, tail);
    if (!full)
        return -1;
    size_t base = strlen(opt->dest) + 1;
    for (char *s = full + base; ; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        int exists = mkstore_path_exists(full);
        if (!exists || c == '\0') {
            mkstore_undo_note_store(full);
            break;
        }
        *s = c;
    }
    free(full);
    return 0;
}

static int prepare_dest(const mkstore_options *opt)
{
    struct stat sb;
    if (stat(opt->src, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "ddp-mkstore: %s is not a folder\n", opt->src);
        return -1;
    }
    if (holds_chunk_store(opt) && !opt->force) {
        fprintf(stderr, "ddp-mkstore: %s already holds a chunk store (" CHUNK_STORE_FOLDER
                "); --force writes into it\n", opt->dest);
        return -1;
    }
    size_t len = strlen(opt->dest);
    char *probe = malloc(len + 3);
    if (!probe)
        return -1;
    memcpy(probe, opt->dest, len);
    memcpy(probe + len, "/x", 3);
    int rc = mkstore_make_parents(probe);   /* creates DEST_ROOT itself */
    free(probe);
#ifndef _WIN32
    if (rc == 0 && dest_inside_src(opt->src, opt->dest)) {
        fprintf(stderr, "ddp-mkstore: DEST_ROOT must not be inside SRC_DIR\n");
        rc = -1;
    }
#endif
    if (rc == 0)
        rc = note_store_folder(opt);
    return rc;
}

static int build(const mkstore_options *opt, mkstore_totals *totals)
{
    ddp_sink sink;
    if (ddp_dir_sink_init(&sink, opt->dest) != DDP_OK)
        return -1;
    run r;
    memset(&r, 0, sizeof r);
    r.opt = opt;
    r.block = malloc(READ_BLOCK);
    ddp_status st = r.block ? ddp_store_builder_new(&opt->store, &sink, &r.builder) : DDP_ERR_NO_MEMORY;
    int rc = -1;
    if (st != DDP_OK) {
        fprintf(stderr, "ddp-mkstore: %s\n", ddp_status_str(st));
    } else if (mkstore_walk(opt->src, visit, &r, &r.totals.skipped) == 0) {
        st = ddp_store_builder_finish(r.builder);
        if (st != DDP_OK)
            fprintf(stderr, "ddp-mkstore: writing the containers: %s\n", ddp_status_str(st));
        rc = st == DDP_OK ? 0 : -1;
    }
    if (r.builder)
        ddp_store_builder_get_stats(r.builder, &r.totals.stats);
    *totals = r.totals;
    ddp_store_builder_free(r.builder);
    free(r.block);
    ddp_dir_sink_cleanup(&sink);
    return rc;
}

int main(int argc, char **argv)
{
    mkstore_options opt;
    if (mkstore_parse_args(argc, argv, &opt) != 0)
        return EXIT_USAGE;
    ddp_choose_hash_backend();
    if (prepare_dest(&opt) != 0) {
        mkstore_undo_all();
        return EXIT_BUILD_FAILED;
    }
    mkstore_totals totals;
    int rc = build(&opt, &totals);
    if (rc != 0) {
        fprintf(stderr, "ddp-mkstore: failed; %s\n",
                mkstore_undo_all() == 0 ? "removed what this run had written" : "could not remove all it wrote");
        return EXIT_BUILD_FAILED;
    }
    mkstore_undo_forget();
    if (!opt.quiet || opt.json)
        mkstore_print_summary(stdout, &opt, &totals, opt.json);
    return 0;
}
