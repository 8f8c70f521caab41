/*
 * status.c - the text of each of the engine's result codes (ddp/status.h,
 * ddp_status_str), for the messages and reports built on them. Part of ddp_base, the
 * layer every other one uses.
 */
#include "ddp/status.h"

const char *ddp_status_str(ddp_status s)
{
    switch (s) {
    case DDP_OK: return "success";
    case DDP_ERR_NOT_DEDUP: return "not a dedup reparse point";
    case DDP_ERR_UNKNOWN_LAYOUT: return "unknown reparse layout";
    case DDP_ERR_BAD_LENGTH: return "bad length";
    case DDP_ERR_CRC: return "CRC mismatch";
    case DDP_ERR_RANGE: return "field out of range";
    case DDP_ERR_BAD_MAGIC: return "bad magic";
    case DDP_ERR_TRUNCATED: return "truncated";
    case DDP_ERR_CORRUPT_DATA: return "corrupt compressed data";
    case DDP_ERR_HASH_MISMATCH: return "hash mismatch";
    case DDP_ERR_NO_MEMORY: return "out of memory";
    case DDP_ERR_IO: return "I/O error";
    case DDP_ERR_NOT_FOUND: return "not found";
    case DDP_ERR_UNSUPPORTED: return "unsupported";
    case DDP_ERR_INVALID_ARG: return "invalid argument";
    case DDP_ERR_NOT_REPARSE: return "no reparse point";
    case DDP_ERR_ACCESS_DENIED: return "access denied";
    case DDP_ERR_IS_DIRECTORY: return "is a directory, not a file";
    case DDP_ERR_HARD_LINK: return "has other hard links (restoring it would change or detach them)";
    case DDP_WARN_UNVERIFIED: return "unverified: no hash candidate matches";
    case DDP_ERR_NO_RECORD: return "record missing (not at its offset, not in the redirection table)";
    case DDP_ERR_PROTOCOL: return "a callback broke its contract";
    case DDP_ERR_INTERNAL: return "internal error: the file was left unfinished";
    }
    return "unknown status";
}
