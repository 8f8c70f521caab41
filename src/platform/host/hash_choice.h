/*
 * hash_choice.h - the choice of the chunk-hash back end that a program on the engine
 * makes at its start (the DLL, every tool, the benchmarks): the engine never reads the
 * environment nor looks for Wine, so the program does and passes its choice in with
 * ddp_hash_backend_use (ddp/chunk_hash.h).
 */
#ifndef DDP_HASH_CHOICE_H
#define DDP_HASH_CHOICE_H

/* Makes this process's back end the one DDPBACKUP_HASH_BACKEND names when this build has
 * it, else builtin under Wine (whose BCrypt is slower than builtin's SHA code:
 * BENCHMARKS.md), else the build's default (the platform's library). Returns the name of
 * the back end in use. */
const char *ddp_choose_hash_backend(void);

#endif
