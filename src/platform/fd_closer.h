/*
 * fd_closer.h - closing file descriptors on a thread of its own.
 *
 * In place, a restored file is renamed over its stub, and the stub's inode and block are
 * freed when its last reference goes: inside rename() when nothing else holds it. On a
 * busy ext4 that freeing waits for the journal, about as long as creating the file did
 * (BENCHMARKS.md, issue 14). The commit holds each stub open across its rename and hands
 * the descriptor here: the freeing then happens on this thread while the restore goes on
 * with its next files.
 * Bounded: at most the capacity given descriptors wait; with that many waiting (or
 * without a thread) ddp_fd_closer_put closes the descriptor itself, paying the cost
 * inline as before. ddp_fd_closer_free closes everything still waiting and joins the
 * thread, so no descriptor outlives it.
 */
#ifndef DDP_PLATFORM_FD_CLOSER_H
#define DDP_PLATFORM_FD_CLOSER_H

/* Descriptors left to everything else when the capacity is taken from the open-file limit
 * (the fd cache's 64, the store's, stdio), and the largest capacity taken. */
#define DDP_FD_CLOSER_RESERVE 256u
#define DDP_FD_CLOSER_MAX 8192u

typedef struct ddp_fd_closer ddp_fd_closer;

/* The capacity the open-file limit (RLIMIT_NOFILE, soft) leaves: the limit less
 * DDP_FD_CLOSER_RESERVE, at most DDP_FD_CLOSER_MAX; 0 when the limit is below twice the
 * reserve (every put then closes at once). */
unsigned ddp_fd_closer_capacity(void);
/* A closer with its thread running for up to capacity waiting descriptors, or NULL when
 * capacity is 0 or none could be made (then every put closes at once). */
ddp_fd_closer *ddp_fd_closer_new(unsigned capacity);
/* Closes fd, later on the closer's thread or now (c NULL or full). */
void ddp_fd_closer_put(ddp_fd_closer *c, int fd);
/* Closes every descriptor still waiting, stops the thread and frees c (NULL: nothing). */
void ddp_fd_closer_free(ddp_fd_closer *c);
/* Descriptors c closed on its thread so far (for tests and counters). */
unsigned long ddp_fd_closer_closed(ddp_fd_closer *c);

#endif
