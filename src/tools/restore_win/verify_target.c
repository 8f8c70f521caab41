/*
 * verify_target.c - the counting target of --verify (verify_target.h).
 */
#include <stdlib.h>
#include <string.h>

#include "verify_target.h"

static ddp_status verify_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    verify_target *t = ctx;
    return t->source.read_reparse(t->source.ctx, file, buf, cap, len);
}

static ddp_status verify_begin(void *ctx, uint32_t file, uint64_t size)
{
    verify_target *t = ctx;
    if (file >= t->n)
        return DDP_ERR_IO;
    t->sizes[file] = size;
    return DDP_OK;
}

static ddp_status verify_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    verify_target *t = ctx;
    (void)data;
    return file < t->n && offset <= t->sizes[file] && len <= t->sizes[file] - offset ? DDP_OK : DDP_ERR_IO;
}

static ddp_status verify_finish(void *ctx, uint32_t file)
{
    verify_target *t = ctx;
    return file < t->n ? DDP_OK : DDP_ERR_IO;
}

static void verify_abandon(void *ctx, uint32_t file)
{
    (void)ctx;
    (void)file;
}

int verify_target_init(verify_target *t, uint32_t n, const ddp_target *source, ddp_target *target)
{
    memset(target, 0, sizeof *target);
    t->source = *source;
    t->n = n;
    if (!(t->sizes = calloc(n ? n : 1, sizeof *t->sizes)))
        return -1;
    target->ctx = t;
    target->read_reparse = verify_read_reparse;
    target->begin = verify_begin;
    target->write = verify_write;
    target->finish = verify_finish;
    target->abandon = verify_abandon;
    return 0;
}

uint64_t verify_target_size(const verify_target *t, uint32_t i)
{
    return i < t->n ? t->sizes[i] : 0;
}

void verify_target_cleanup(verify_target *t)
{
    free(t->sizes);
    t->sizes = NULL;
}
