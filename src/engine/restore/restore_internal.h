/*
 * restore_internal.h - the state shared by the parts of the restore engine.
 *
 * A restore runs in three phases over one rs_job:
 *   1. reparse_phase.c reads every file's reparse point and lists the stream maps it
 *      needs; container_locator.c finds each stream container's file (API.md §5), first
 *      through the store's DedupFileList (file_list_read.c).
 *   2. stream_map_phase.c reads the stream-map records (OrderContainersRestore #1)
 *      and turns them into chunk uses.
 *   3. data_phase.c reads each distinct chunk once (OrderContainersRestore #2),
 *      verifies it and writes it to every file offset that uses it.
 * Phases 2 and 3 are plain loops over one record reader (reader.h), which hands out the
 * phase's records one at a time: read_plan.c orders them by the application's plan,
 * reader.c coalesces and reads them through store_read.c (previews, short reads) and
 * redirect.c finds those whose offset hint is stale through the container's Rrtl table.
 * With worker threads, phase 3's pipeline (chunk_pipeline.c) is a stage between the
 * reader and the phase: the phase pulls a record from the reader, submits it to the
 * stage, and pulls finished chunks (checked, decompressed, hashed) back from it, in the
 * order it submitted them, to apply them itself; the stage never calls into the phase.
 * Each file's state and every target call live in the file table (files.h); a failure
 * is named by one reason, mapped to its HRESULT in reasons.c. Who calls whom (no cycle):
 * restore.c -> phases -> reader.c -> read_plan.c, redirect.c -> store_read.c; phases ->
 * files.c -> reasons.c; reparse_phase.c -> container_locator.c -> file_list_read.c ->
 * store_read.c; data_phase.c -> chunk_pipeline.c -> record_check.c; data_phase.c ->
 * identify.c -> store_read.c.
 *
 * Threads (options.threads; 0 = one per online CPU, at most DDP_MAX_THREADS; 1 = none):
 * only phase 3 uses worker threads (chunk_pipeline.c, over the shim of
 * src/engine/thread). The calling thread makes every store and target call, in the same
 * order as with one thread; workers only check, decompress and hash copies of records
 * and read the sealed chunk set's table. data_phase.c pulls their results in submission
 * order, applies them itself, and drains the stage (pulls every submitted chunk) before
 * any file result from outside that order, so results,
 * messages and statistics are identical for every thread count. A pipeline that cannot
 * be set up (memory, thread creation) means the single-threaded path.
 *
 * Memory (documented limits; none grows with the size of a container):
 *   - read window: one coalesced run, at most max_read bytes (default 1 MiB), or one
 *     record when a single record is larger (a data record is at most 0x58 + 256 KiB,
 *     a stream map at most 0x68 + DDP_MAX_SMAP_PAYLOAD, i.e. 64 bytes per chunk of
 *     that file); Rrtl tables are streamed through the same window;
 *   - per chunk store: the Stream entries of its DedupFileList, 8 bytes each (at most
 *     2^20 entries: 8 MiB), kept for the restore (file_list_read.c);
 *   - per file: rs_file (24 bytes) + ddp_file_result (200 bytes); per stream reference
 *     an rs_smap_need (72 bytes) and, in phase 2, an rs_record (24) + 4;
 *   - chunk state, phase 3: 16 bytes per chunk reference (rs_use) and 68 bytes per
 *     distinct chunk (rs_chunk 44 + rs_record 24), plus, while stream maps are read, a
 *     lookup index of 8-16 bytes per distinct chunk (freed before data is read);
 *   - plan state per phase: 4 bytes per record (extent order), 24 bytes per plan extent,
 *     about 28 bytes per container; per extent being read, 32 bytes per run and 16 per
 *     read, and 16 bytes per record of the largest extent (room for its failures, reader.c);
 *     one 256 KiB buffer for a decompressed chunk and one 32 KiB decoder
 *     (ddp_decoder, the Xpress Huffman tables) on the calling thread;
 *   - identifying the hash algorithm (identify.c, only when no chunk of the restore did):
 *     the read window and one 256 KiB buffer (and the data phase's decoder); 4 container
 *     paths kept from phase 2;
 *   - worker pipeline, phase 3 with threads > 1 (chunk_pipeline.h): workers + 2 batches,
 *     each with room for at most RS_PIPE_RECORD_BYTES (1 MiB) of records, at most
 *     RS_PIPE_CONTENT_BYTES (2 MiB) of decompressed content and RS_PIPE_ITEMS (1024)
 *     records of 24 bytes; a phase with less data spreads its total over the batches
 *     (at least 64 KiB each): 12 MiB with 2 workers and 30 MiB with 8 at most, a few
 *     hundred KiB for small restores. Plus each worker thread's stack and its own
 *     32 KiB decoder.
 *   So a chunk reference costs 16 bytes when its chunk is shared and at most 84 bytes
 *   when it is not: the 48-byte aim holds only from about two references per distinct
 *   chunk on. The bulk is the 32-byte stream-map hash kept per distinct chunk so that
 *   each record's hash is compared in full (not as a prefix).
 */
#ifndef DDP_RESTORE_INTERNAL_H
#define DDP_RESTORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/restore.h"
#include "ddp/codec.h"
#include "ddp/container.h"
#include "ddp/reparse.h"
#include "files.h"
#include "store_read.h"

#define RS_DEFAULT_COALESCE_GAP (64u * 1024u)
#define RS_DEFAULT_MAX_READ (1024u * 1024u)
#define RS_MIN_MAX_READ 4096u
#define RS_MAX_MAX_READ (64u * 1024u * 1024u)
#define RS_DEFAULT_PROBE_GENERATIONS 16u
#define RS_MAX_PROBE_GENERATIONS 4096u
#define RS_NONE 0xFFFFFFFFu

/* What a store's DedupFileList says about its Stream containers (file_list_read.c),
 * read once per restore on the first lookup. */
enum rs_list_state {
    RS_LIST_UNREAD = 0,
    RS_LIST_ABSENT,         /* neither copy could be read */
    RS_LIST_DAMAGED,        /* no copy has a sound header (truncated, CRC, count) */
    RS_LIST_READ            /* a copy was read: ids/gens hold its sound Stream entries */
};

typedef struct rs_file_list {
    uint8_t state;          /* enum rs_list_state */
    uint32_t n, cap;
    uint32_t *ids, *gens;   /* n Stream container entries (id, generation) */
} rs_file_list;

/* A chunk store named by the reparse points (one GUID). */
typedef struct rs_store_dir {
    uint8_t guid[16];
    char root[96];          /* "\System Volume Information\Dedup\ChunkStore\{GUID}.ddp" */
    rs_file_list list;
} rs_store_dir;

/* A container file of one phase. */
struct rs_container {
    char *path;
    uint32_t store, id, generation;
    ddp_status dead;        /* DDP_OK: readable; else unreadable, records fail with this reason */
    int32_t dead_code;      /* the store's failure code that showed it (for messages) */
    uint64_t last_end;      /* end of the previous read (backward-seek count) */
    int has_last;
};

/* A record (Ckhr + payload) a phase reads. */
typedef struct rs_record {
    uint32_t container;     /* index in the phase's containers */
    uint32_t sequence;
    uint32_t offset;        /* the hint; the Rrtl's offset once redirected */
    uint32_t span;          /* header + payload bytes */
    uint32_t extent;        /* extent that reads it (read_plan.c) */
    uint32_t flags;         /* RS_REC_* */
} rs_record;

#define RS_REC_DONE 1u        /* handed out to the consumer (successfully or the consumer failed it) */
#define RS_REC_FAILED 2u      /* failed by the reader */
#define RS_REC_MOVED 4u       /* not at its offset: look it up in the Rrtl */
#define RS_REC_REDIRECTED 8u  /* offset comes from the Rrtl */
#define RS_REC_UNVERIFIED 16u /* data chunk written while its hash matched no candidate */

/* What a phase made of a record's bytes. */
typedef enum rs_verdict {
    RS_CONSUMED = 0,        /* the record was handled (the consumer reports its own errors) */
    RS_NOT_HERE,            /* no matching Ckhr at this offset: the reader asks the Rrtl */
    RS_NO_MEMORY            /* the consumer ran out of memory: the restore ends */
} rs_verdict;

/* record_check.c: 1 when bytes start with the Ckhr of the expected record (magic, sequence, kind). */
int rs_record_is(const uint8_t *bytes, size_t len, uint32_t sequence, uint16_t kind);
/* record_check.c: the header parses, the payload has the size the referrer ("stream map",
 * "reparse point") gives and lies inside len, the hash starts with the referrer's hash_len bytes.
 * On failure, *at is the offset in the record and what says why. */
ddp_status rs_record_check(const uint8_t *bytes, size_t len, uint32_t payload_size, const uint8_t *hash,
                           size_t hash_len, const char *referrer, ddp_record *r, uint64_t *at, char *what,
                           size_t cap);

typedef struct rs_job rs_job;
typedef struct rs_phase rs_phase;

/* The records one phase reads (reader.h), and their containers. */
struct rs_phase {
    rs_job *job;
    const char *what;                 /* "stream map" / "chunk", for messages */
    rs_container *containers;
    uint32_t n_containers;
    rs_record *records;
    uint32_t n_records;
};

struct rs_job {
    const ddp_backup *store;
    const ddp_target *target;
    ddp_restore_options opt;
    uint32_t n_files;
    const char *const *names;
    rs_file *files;
    ddp_file_result *results;
    ddp_restore_stats stats;
    rs_store_dir *stores;
    uint32_t n_stores;
    ddp_hash_alg alg;                 /* fixed by options or detected */
    uint8_t *window;                  /* the read window */
    size_t window_cap;
    uint32_t n_committing;            /* files in DDP_FILE_COMMITTING (files.c) */
    /* identify.c: stream containers a stream map was accepted from (the first
     * DDP_IDENTIFY_CONTAINERS), with the end of that record: where other stream maps are. */
    struct rs_identify_site {
        char *path;
        uint32_t store;
        uint64_t start, after;        /* the stream-map record's offset and end */
    } sites[DDP_IDENTIFY_CONTAINERS];
    uint32_t n_sites;
};


/* container_locator.c */
void rs_store_dir_init(rs_store_dir *d, const uint8_t guid[16]);
char *rs_container_path(const rs_store_dir *d, const char *sub, uint32_t id, uint32_t generation);
/* Finds the Stream container file of (store, id). DDP_OK: found (*path malloc'd,
 * *generation); else DDP_ERR_NOT_FOUND / DDP_ERR_NO_MEMORY. hints: generation candidates (0 = none). */
ddp_status rs_locate_stream_container(rs_job *job, uint32_t store, uint32_t id, const uint32_t *hints,
                                      uint32_t n_hints, const uint32_t *found, uint32_t n_found,
                                      char **path, uint32_t *generation);

/* file_list_read.c: the generation the store's DedupFileList names for Stream container
 * id. 1: named (*generation); 0: the list is absent, damaged, silent or ambiguous about
 * it; -1: out of memory. The first call per store reads the list (DedupFileList.1, then
 * .2 when .1 is absent or damaged) through store->read. */
int rs_file_list_generation(rs_job *job, uint32_t store, uint32_t id, uint32_t *generation);
void rs_file_list_free(rs_file_list *list);

/* reparse_phase.c: one stream map a file needs. */
typedef struct rs_smap_need {
    uint32_t file;
    uint32_t container;          /* index into the stream containers */
    uint32_t sequence, offset_hint, smap_size, hash_len;
    uint64_t range_start, range_end;
    uint8_t hash[32];
} rs_smap_need;

typedef struct rs_stream_plan {
    rs_smap_need *needs;
    uint32_t n_needs;
    rs_container *containers;    /* resolved or not (dead set) */
    uint32_t n_containers;
} rs_stream_plan;

/* Phases return DDP_OK, or DDP_ERR_NO_MEMORY: the restore ends (restore.c). */
ddp_status rs_reparse_phase(rs_job *job, rs_stream_plan *sp);
void rs_stream_plan_free(rs_stream_plan *sp);

/* stream_map_phase.c + data_phase.c */
typedef struct rs_chunk_set rs_chunk_set;
ddp_status rs_stream_map_phase(rs_job *job, rs_stream_plan *sp, rs_chunk_set **chunks);
ddp_status rs_data_phase(rs_job *job, rs_chunk_set *chunks);
/* identify.c: after phase 3, when chunks were held unverified and the algorithm is still
 * unknown: tries to fix job->alg from other records of the restore's containers, decoding
 * with dec (the calling thread's decoder). */
ddp_status rs_identify_alg(rs_phase *ph, ddp_decoder *dec);
/* identify.c: notes that a stream map of store was accepted from path, its record at
 * [start, after) (kept for the first DDP_IDENTIFY_CONTAINERS containers). */
ddp_status rs_identify_note(rs_job *job, uint32_t store, const char *path, uint64_t start, uint64_t after);
void rs_identify_free(rs_job *job);
void rs_chunk_set_free(rs_chunk_set *cs);
/* record_check.c: how every phase names a damaged record in its message: "<container's
 * short path> offset 0x<where>: <kind> <sequence>: <what>", where is byte at of record rec. */
void rs_record_fault(const rs_phase *ph, uint32_t rec, uint64_t at, const char *kind, const char *what,
                     char *msg, size_t cap);

#endif
