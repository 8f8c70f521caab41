/*
 * commands.h - the subcommands of ddp-inspect. Each prints what it finds through the
 * printer and returns the process exit code: 0 the input is well formed, 1 it is
 * malformed or unreadable (a message names the offset), 2 the request itself is wrong.
 */
#ifndef DDP_INSPECT_COMMANDS_H
#define DDP_INSPECT_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "ddp/status.h"
#include "file_access.h"
#include "printer.h"

#define EXIT_MALFORMED 1
#define EXIT_USAGE 2

/* A reparse buffer (from a dump, an xattr or FSCTL_GET_REPARSE_POINT). */
int inspect_reparse(printer *pr, const char *name, const uint8_t *buf, size_t len);
/* A container file: Cthr, Rrtl header and entries; with records, every Ckhr from 0x5260. */
int inspect_container(printer *pr, const char *path, int records);
/* The stream-map record of a container, at an offset or by sequence through the Rrtl. */
int inspect_smap_record(printer *pr, const char *path, int by_sequence, uint64_t value);
/* A file holding a bare Smap payload. */
int inspect_smap_payload(printer *pr, const char *path);

/* The chunk store's small files (cmd_store_files.c): DedupFileList.*, *.delete.log,
 * *.cd, Hotspots, Dedup.*.cfg, stamp.dat. magic: "Cdir", "Bmap" or "DdCf". */
int inspect_file_list(printer *pr, const char *path);
int inspect_delete_log(printer *pr, const char *path);
int inspect_small_structure(printer *pr, const char *path, const char *magic);
int inspect_stamp(printer *pr, const char *path);
/* 1 (with *rc set) when head (the first 4 bytes) is one of those files and it was printed. */
int inspect_store_file_detected(printer *pr, const char *path, const uint8_t head[4], int *rc);
/* A summary of every chunk store under ROOT, or of the .ddp folder ROOT (cmd_store.c). */
int inspect_store(printer *pr, const char *root);

/* Reports a problem: "ddp-inspect: NAME: offset 0x..: WHAT (STATUS)" on stderr and an
 * "error" member in the printer's output. Returns EXIT_MALFORMED. */
int report_error(printer *pr, const char *name, uint64_t offset, const char *what, ddp_status st);
/* The same without an offset (a file that cannot be opened or read). */
int report_io_error(printer *pr, const char *name, const char *what);
/* Prints the input's name and kind, opens it and prints its size. Returns 0, or
 * EXIT_MALFORMED (reported by report_io_error) when it cannot be opened. */
int open_input(printer *pr, const char *path, const char *kind, input_file *in);

/* A warning line on stderr when a CRC-64 (match: 0 none, 1 zero-init, 2 nvme) matches
 * neither variant: "ddp-inspect: NAME: offset 0x..: warning: WHAT CRC-64 ...". The
 * input still counts as well formed (the start value is not established, FORMAT.md). */
void report_crc64(const char *name, uint64_t offset, const char *what, int match);

/* Shared field printers. */
void print_stream_map_entries(printer *pr, const uint8_t *payload, uint32_t n, uint64_t base);
const char *crc64_match_name(int match);
void format_filetime(uint64_t filetime, char out[64]);

#endif
