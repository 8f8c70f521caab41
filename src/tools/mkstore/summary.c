/*
 * summary.c - what ddp-mkstore reports when it is done: files optimized, copied (and of
 * those the empty ones), what the walk skipped (symbolic links, special files, empty
 * folders), logical and stored bytes, unique chunks, the dedup ratio (logical bytes over
 * stored chunk bytes) and the containers written; as text or as one JSON object.
 */
#include <inttypes.h>

#include "ddp/reparse.h"
#include "mkstore.h"
#include "tool_cli.h"

static double ratio(uint64_t logical, uint64_t stored)
{
    return stored ? (double)logical / (double)stored : 0.0;
}

void mkstore_print_summary(FILE *f, const mkstore_options *opt, const mkstore_totals *t, int json)
{
    const ddp_store_builder_stats *s = &t->stats;
    char guid[39];
    ddp_guid_format(opt->store.guid, guid);
    if (json) {
        fprintf(f,
                "{\"files\": %" PRIu64 ", \"copied_files\": %" PRIu64 ", \"copied_bytes\": %" PRIu64
                ", \"empty_files\": %" PRIu64 ", \"logical_bytes\": %" PRIu64 ", \"chunks\": %" PRIu64
                ", \"unique_chunks\": %" PRIu64 ", \"stored_bytes\": %" PRIu64 ", \"dedup_ratio\": %.4f"
                ", \"data_containers\": %u, \"stream_containers\": %u, \"container_bytes\": %" PRIu64
                ", \"layout\": \"0x%04x\", \"hash\": \"%s\", \"guid\": \"%s\", \"copied_empty_files\": %" PRIu64
                ", \"skipped_links\": %" PRIu64 ", \"skipped_special_files\": %" PRIu64
                ", \"skipped_empty_folders\": %" PRIu64 "}\n",
                s->files, t->copied_files, t->copied_bytes, s->empty_files, s->logical_bytes, s->chunks,
                s->unique_chunks, s->stored_bytes, ratio(s->logical_bytes, s->stored_bytes), s->data_containers,
                s->stream_containers, s->container_bytes, opt->store.layout, ddp_hash_alg_name(opt->store.hash_alg),
                guid, t->copied_empty, t->skipped.links, t->skipped.special, t->skipped.empty_folders);
        return;
    }
    fprintf(f, "files optimized:  %" PRIu64 "\n", s->files);
    fprintf(f, "files copied:     %" PRIu64 " (%" PRIu64 " bytes, under --min-size; %" PRIu64 " of them empty)\n",
            t->copied_files, t->copied_bytes, t->copied_empty);
    if (s->empty_files)
        fprintf(f, "empty files:      %" PRIu64 " (optimized to nothing, copied)\n", s->empty_files);
    const mkstore_skips *k = &t->skipped;
    fprintf(f, "skipped:          %" PRIu64 " symbolic %s, %" PRIu64 " special %s, %" PRIu64 " empty %s\n", k->links,
            cli_plural(k->links, "link", "links"), k->special, cli_plural(k->special, "file", "files"),
            k->empty_folders, cli_plural(k->empty_folders, "folder", "folders"));
    fprintf(f, "logical bytes:    %" PRIu64 "\n", s->logical_bytes);
    fprintf(f, "chunks:           %" PRIu64 " (%" PRIu64 " unique)\n", s->chunks, s->unique_chunks);
    fprintf(f, "stored bytes:     %" PRIu64 "\n", s->stored_bytes);
    fprintf(f, "dedup ratio:      %.2f\n", ratio(s->logical_bytes, s->stored_bytes));
    fprintf(f, "containers:       %u data, %u stream (%" PRIu64 " bytes)\n", s->data_containers,
            s->stream_containers, s->container_bytes);
    fprintf(f, "store:            %s/System Volume Information/Dedup/ChunkStore/%s.ddp\n", opt->dest, guid);
}
