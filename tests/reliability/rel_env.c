/*
 * rel_env.c - the shared restore scenario of rel_env.h.
 *
 * Files: 0: 40,000 bytes; 1: empty (no reparse point: S_FALSE); 2: 70,000 bytes;
 * 3: 25,000 bytes; 4: a copy of file 2 (every chunk shared); 5: 5,000 bytes (one chunk);
 * 6: a file without a reparse point at all (S_FALSE). With 4/8/16 KiB chunks and a
 * container limit of 48 KiB past the first record, the data spans several Data containers.
 */
#include <stdlib.h>
#include <string.h>

#include "ddp/container.h"
#include "rel_env.h"
#include "twins.h"

int rel_env_build(rel_env *e, uint16_t layout, int stale_hints)
{
    memset(e, 0, sizeof *e);
    ddp_store_builder_options opt;
    ddp_store_builder_options_default(&opt);
    store_fixture_small_chunks(&opt);
    opt.layout = layout;
    opt.stale_hints = stale_hints;
    opt.container_limit = DDP_FIRST_RECORD_OFFSET + 48u * 1024u;
    static const size_t sizes[REL_FILES] = {40000, 0, 70000, 25000, 70000, 5000, 3000};
    static const int copy_of[REL_FILES] = {-1, -1, -1, -1, 2, -1, -1};
    ddp_status st = store_fixture_build(&e->ss, &opt, REL_FILES, sizes, copy_of, store_content_mixed, 11);
    return st == DDP_OK ? 0 : -1;
}

int rel_env_prepare(rel_env *e)
{
    if (fake_backup_init(&e->fs, e->ss.mem) != 0)
        return -1;
    if (fake_target_init(&e->ft, REL_FILES) != 0) {
        fake_backup_free(&e->fs);
        return -1;
    }
    for (uint32_t i = 0; i < REL_FILES; i++) {
        const store_fixture_file *f = &e->ss.files[i];
        int has_reparse = f->reparse_len > 0 && i != 6;
        fake_target_set_reparse(&e->ft, i, has_reparse ? f->reparse : NULL, has_reparse ? f->reparse_len : 0);
        fake_target_set_expect(&e->ft, i, f->data, f->size);
    }
    ddp_restore_options_default(&e->opt);
    return 0;
}

int32_t rel_env_run(rel_env *e)
{
    fake_backup_api(&e->fs, &e->store);
    fake_target_api(&e->ft, &e->target);
    for (uint32_t i = 0; i < REL_FILES; i++) {
        e->results[i].hr = REL_UNSET_HR;
        e->results[i].status = DDP_OK;
        e->results[i].message[0] = '\0';
    }
    e->overall = twins_restore(&e->fs, &e->ft, &e->opt, e->results, &e->stats);
    return e->overall;
}

int rel_env_check(rel_env *e)
{
    if (fake_target_check(&e->ft, e->results, e->overall, e->why, sizeof e->why) != 0)
        return -1;
    if (e->fs.plans_live != 0 || e->fs.bad_free != 0) {
        strcpy(e->why, "a plan was not freed, or freed twice");
        return -1;
    }
    return 0;
}

int rel_env_untouched(const rel_env *e)
{
    for (uint32_t i = 0; i < REL_FILES; i++)
        if (e->results[i].hr != REL_UNSET_HR)
            return 0;
    return e->ft.reparse_reads == 0 && e->ft.begins == 0;
}

uint32_t rel_env_restored(const rel_env *e)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < REL_FILES; i++)
        n += e->results[i].hr == DDP_S_OK;
    return n;
}

void rel_env_release(rel_env *e)
{
    fake_backup_free(&e->fs);
    fake_target_free(&e->ft);
}

void rel_env_free(rel_env *e)
{
    rel_env_release(e);
    store_fixture_free(&e->ss);
}
