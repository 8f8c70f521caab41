/*
 * fuzz_restore.c - libFuzzer harness of the whole restore engine (ddp_restore) over a
 * fuzzed in-memory store.
 *
 * Three small stores (one per reparse layout; four files of which one is empty and one
 * shares chunks with another; several Data containers) are built once with the store
 * builder. Each input then says how to damage a copy of one of them and how the
 * application's callbacks behave:
 *   byte 0   store (0..2 by layout), bit 2 small max_read, bit 3 no coalescing,
 *            bit 4 hash algorithm given, bit 5 find_container offered, bit 6 unverified
 *            restores allowed
 *   byte 1   bit 0 no order(), bit 1 no preview(); bits 2-3 plan mode (none, reverse,
 *            the public sample's, fuzzed extents from the input)
 *   byte 2   kind of callback that fails (read / order / preview / find / target write,
 *            begin, finish) and bit 7 "every call from then on"; byte 3 which call (k)
 *   byte 4   short reads (n x 512 bytes at most per read; 0 none); bit 7 of byte 5: a
 *            read reports more than it was asked for
 *   then     edits of 6 bytes: which file (a container, or a file's reparse buffer), u24
 *            offset, xor mask, op (xor / truncate there / drop the container)
 * The checks of fake_target_check must hold: each file is restored byte-exact with S_OK
 * and finished (or, when no record identified the hash algorithm and unverified restores
 * are allowed, S_OK with DDP_WARN_UNVERIFIED and no verified file beside it), or not finished (abandoned if
 * begun) with a failure result; plans are all freed; nothing leaks (LeakSanitizer) or
 * crashes.
 */
#include <string.h>

#include "ddp/container.h"
#include "ddp/le.h"
#include "ddp/reparse.h"
#include "ddp/restore.h"
#include "fake_backup.h"
#include "fake_target.h"
#include "fuzz_check.h"
#include "store_fixture.h"

#define N_FILES 4
#define HEADER 6
#define EDIT 6

static store_fixture stores[3];
static int built;

static void build_stores(void)
{
    static const uint16_t layouts[3] = {DDP_LAYOUT_0201, DDP_LAYOUT_0102, DDP_LAYOUT_0103};
    static const size_t sizes[N_FILES] = {30000, 0, 52000, 30000};
    static const int copies[N_FILES] = {-1, -1, -1, 0};
    for (int i = 0; i < 3; i++) {
        ddp_store_builder_options opt;
        ddp_store_builder_options_default(&opt);
        store_fixture_small_chunks(&opt);
        opt.layout = layouts[i];
        opt.container_limit = DDP_FIRST_RECORD_OFFSET + 24 * 1024;
        opt.stale_hints = i == 2;
        FUZZ_CHECK(store_fixture_build(&stores[i], &opt, N_FILES, sizes, copies, store_content_mixed, 7) == DDP_OK);
    }
    built = 1;
}

/* The fuzzed plan: extents from the input bytes after the edits. */
typedef struct plan_input {
    const uint8_t *p;
    size_t len;
} plan_input;

static int32_t fuzzed_plan(fake_backup *s, uint32_t call_no, uint32_t n, const char *const *paths,
                           ddp_plan_extent **plan, uint32_t *entries)
{
    const plan_input *in = s->hook_ctx;
    (void)call_no;
    (void)paths;
    uint32_t count = (uint32_t)(in->len / 9);
    if (count > 64)
        count = 64;
    ddp_plan_extent *p = fake_plan_alloc(s, count ? count : 1);
    FUZZ_CHECK(p != NULL);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = in->p + 9 * i;
        p[i].container_index = e[0] < 0xF0 && n ? e[0] % n : ddp_le32(e + 1);
        switch (e[0] & 3) {
        case 0:  p[i].start = 0; p[i].length = INT64_MAX; break;
        case 1:  p[i].start = (int64_t)(ddp_le32(e + 1) & 0x3FFFF); p[i].length = (int64_t)(ddp_le32(e + 5) & 0x3FFFF); break;
        case 2:  p[i].start = -(int64_t)ddp_le32(e + 1); p[i].length = (int64_t)ddp_le32(e + 5); break;
        default: p[i].start = (int64_t)ddp_le64(e + 1); p[i].length = (int64_t)ddp_le64(e + 1) ^ INT64_MAX; break;
        }
    }
    *plan = p;
    *entries = count;
    return 0;
}

static void apply_edit(fake_backup *s, uint8_t (*reparse)[DDP_REPARSE_MAX_BUFFER], size_t *reparse_len,
                       const uint8_t *e)
{
    size_t n_targets = s->n_files + N_FILES;
    size_t which = e[0] % n_targets;
    uint32_t off = (uint32_t)e[1] | ((uint32_t)e[2] << 8) | ((uint32_t)e[3] << 16);
    uint8_t mask = e[4] ? e[4] : 0x01;
    uint8_t op = e[5] % 8;
    if (which >= s->n_files) {
        size_t f = which - s->n_files;
        if (reparse_len[f] == 0)
            return;
        off %= (uint32_t)reparse_len[f];
        if (op == 1)
            reparse_len[f] = off;
        else
            reparse[f][off] ^= mask;
        return;
    }
    fake_file *cf = &s->files[which];
    if (op == 2) {
        cf->dropped = 1;
        return;
    }
    if (cf->len == 0)
        return;
    off %= (uint32_t)cf->len;
    if (op == 1)
        cf->len = off;
    else
        cf->data[off] ^= mask;
}

static void configure(fake_backup *s, fake_target *t, ddp_restore_options *opt, const uint8_t *h)
{
    if (h[0] & 0x04)
        opt->max_read = 4096;
    if (h[0] & 0x08)
        opt->coalesce_gap = 0;
    if (h[0] & 0x10)
        opt->hash_alg = DDP_HASH_SHA256;
    s->with_find = (h[0] & 0x20) != 0;
    opt->allow_unverified = (h[0] & 0x40) != 0;
    s->no_order = h[1] & 1;
    s->no_preview = (h[1] >> 1) & 1;
    s->plan_mode = (fake_plan_mode)((h[1] >> 2) & 3);
    uint32_t k = h[3];
    s->fail_from = (h[2] & 0x80) != 0;
    switch (h[2] & 7) {
    case 0: break;
    case 1: s->fail_at[FAKE_READ] = k; break;
    case 2: s->fail_at[FAKE_ORDER] = k; break;
    case 3: s->fail_at[FAKE_PREVIEW] = k; break;
    case 4: s->fail_at[FAKE_FIND] = k; break;
    case 5: t->fail_write_at = k; break;
    case 6: t->fail_begin_at = k; break;
    default: t->fail_finish_at = k; break;
    }
    if ((h[2] & 0x40) != 0)
        s->fail_hr = FAKE_E_FILE_NOT_FOUND;
    s->short_read = (uint32_t)(h[4] & 0x7F) * 512u;
    s->over_report = (h[5] & 0x80) ? 1u + (h[5] & 0x7F) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!built)
        build_stores();
    if (size < HEADER)
        return 0;
    const store_fixture *ss = &stores[(data[0] & 3) % 3];

    static uint8_t reparse[N_FILES][DDP_REPARSE_MAX_BUFFER];
    size_t reparse_len[N_FILES];
    for (uint32_t i = 0; i < N_FILES; i++) {
        reparse_len[i] = ss->files[i].reparse_len;
        if (reparse_len[i])
            memcpy(reparse[i], ss->files[i].reparse, reparse_len[i]);
    }
    fake_backup s;
    fake_target t;
    FUZZ_CHECK(fake_backup_init(&s, ss->mem) == 0);
    FUZZ_CHECK(fake_target_init(&t, N_FILES) == 0);
    ddp_restore_options opt;
    ddp_restore_options_default(&opt);
    configure(&s, &t, &opt, data);

    size_t at = HEADER, n_edits = 0;
    for (; at + EDIT <= size && n_edits < 8 && data[at] != 0xFF; at += EDIT, n_edits++)
        apply_edit(&s, reparse, reparse_len, data + at);
    plan_input pin = {data + at, size - at};
    if (s.plan_mode == FAKE_PLAN_HOOK) {
        s.plan_hook = fuzzed_plan;
        s.hook_ctx = &pin;
    }
    for (uint32_t i = 0; i < N_FILES; i++) {
        fake_target_set_reparse(&t, i, reparse_len[i] ? reparse[i] : NULL, reparse_len[i]);
        fake_target_set_expect(&t, i, ss->files[i].data, ss->files[i].size);
    }

    ddp_backup store;
    ddp_target target;
    fake_backup_api(&s, &store);
    fake_target_api(&t, &target);
    ddp_file_result results[N_FILES];
    ddp_restore_stats stats;
    int32_t overall = ddp_restore(&store, &target, N_FILES, NULL, &opt, results, &stats);

    char why[256];
    if (fake_target_check(&t, results, overall, why, sizeof why) != 0)
        FUZZ_FAIL(why);
    FUZZ_CHECK(s.plans_live == 0 && s.bad_free == 0);
    fake_target_free(&t);
    fake_backup_free(&s);
    return 0;
}
