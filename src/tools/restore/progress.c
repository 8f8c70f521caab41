/*
 * progress.c - the terminal progress bar and the counting target (progress.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <time.h>

#include "progress.h"

#define BAR_WIDTH 24

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress *p, FILE *out, uint64_t total_files, uint64_t total_bytes)
{
    *p = (progress){0};
    p->out = out;
    p->total_files = total_files;
    p->total_bytes = total_bytes;
    p->start = progress_now();
}

static ddp_status wrap_read_reparse(void *ctx, uint32_t file, uint8_t *buf, size_t cap, size_t *len)
{
    progress *p = ctx;
    return p->inner.read_reparse(p->inner.ctx, file, buf, cap, len);
}

static ddp_status wrap_begin(void *ctx, uint32_t file, uint64_t size)
{
    progress *p = ctx;
    return p->inner.begin(p->inner.ctx, file, size);
}

static ddp_status wrap_write(void *ctx, uint32_t file, uint64_t offset, const uint8_t *data, size_t len)
{
    progress *p = ctx;
    ddp_status s = p->inner.write(p->inner.ctx, file, offset, data, len);
    if (s == DDP_OK) {
        p->done_bytes += len;
        progress_draw(p, 0);
    }
    return s;
}

/* A file counts when its content is complete, not when a batch commit (every
 * DDP_COMMIT_BATCH files) makes it final, so the count moves file by file. */
static ddp_status wrap_finish(void *ctx, uint32_t file)
{
    progress *p = ctx;
    ddp_status s = p->inner.finish(p->inner.ctx, file);
    if (s == DDP_OK) {
        p->done_files++;
        progress_draw(p, 0);
    }
    return s;
}

static ddp_status wrap_commit(void *ctx, void (*done)(void *arg, uint32_t file, ddp_status st), void *arg)
{
    progress *p = ctx;
    ddp_status s = p->inner.commit(p->inner.ctx, done, arg);
    progress_draw(p, 0);
    return s;
}

static void wrap_abandon(void *ctx, uint32_t file)
{
    progress *p = ctx;
    p->inner.abandon(p->inner.ctx, file);
}

static const char *wrap_explain(void *ctx, uint32_t file)
{
    progress *p = ctx;
    return p->inner.explain(p->inner.ctx, file);
}

void progress_wrap(progress *p, const ddp_target *inner, ddp_target *wrapped)
{
    p->inner = *inner;
    memset(wrapped, 0, sizeof *wrapped);
    wrapped->ctx = p;
    wrapped->read_reparse = wrap_read_reparse;
    wrapped->begin = wrap_begin;
    wrapped->write = wrap_write;
    wrapped->finish = wrap_finish;
    wrapped->abandon = wrap_abandon;
    wrapped->commit = inner->commit ? wrap_commit : NULL;
    wrapped->explain = inner->explain ? wrap_explain : NULL;
}

void progress_draw(progress *p, int force)
{
    double now, elapsed, rate, eta;
    uint64_t bytes;
    int filled;

    if (!p->out)
        return;
    now = progress_now();
    if (!force && now - p->last_draw < 0.2)
        return;
    p->last_draw = now;
    elapsed = now - p->start;
    bytes = p->done_bytes < p->total_bytes ? p->done_bytes : p->total_bytes;
    rate = elapsed > 0 ? (double)bytes / elapsed : 0;
    eta = rate > 0 ? (double)(p->total_bytes - bytes) / rate : 0;
    filled = p->total_bytes ? (int)((double)bytes * BAR_WIDTH / (double)p->total_bytes) : 0;
    fputs("\r[", p->out);
    for (int i = 0; i < BAR_WIDTH; i++)
        fputc(i < filled ? '#' : '-', p->out);
    fprintf(p->out, "] %llu/%llu files  %.1f/%.1f MB  %.1f MB/s  ETA %d:%02d\033[K", (unsigned long long)p->done_files,
            (unsigned long long)p->total_files, (double)bytes / 1e6, (double)p->total_bytes / 1e6, rate / 1e6,
            (int)(eta / 60), (int)eta % 60);
    fflush(p->out);
}

void progress_end(progress *p)
{
    if (!p->out)
        return;
    progress_draw(p, 1);
    fputc('\n', p->out);
    fflush(p->out);
}
