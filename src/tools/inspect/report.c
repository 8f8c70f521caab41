/*
 * report.c - problems found in the input, said twice: on stderr for people, naming the
 * input and the offset, and as an "error" object in the output for scripts; and
 * warnings (a header CRC-64 of neither known variant), one line on stderr each; and the
 * opening lines every file's report starts with (input, kind, file size).
 */
#include <inttypes.h>
#include <stdio.h>

#include "commands.h"

int report_error(printer *pr, const char *name, uint64_t offset, const char *what, ddp_status st)
{
    fprintf(stderr, "ddp-inspect: %s: offset 0x%" PRIx64 ": %s (%s)\n", name, offset, what ? what : "?",
            ddp_status_str(st));
    pr_begin(pr, "error", NO_OFFSET);
    pr_uint(pr, "offset", NO_OFFSET, offset);
    pr_text(pr, "what", NO_OFFSET, what ? what : "?");
    pr_text(pr, "status", NO_OFFSET, ddp_status_str(st));
    pr_end(pr);
    return EXIT_MALFORMED;
}

int report_io_error(printer *pr, const char *name, const char *what)
{
    fprintf(stderr, "ddp-inspect: %s: %s\n", name, what);
    pr_begin(pr, "error", NO_OFFSET);
    pr_text(pr, "what", NO_OFFSET, what);
    pr_text(pr, "status", NO_OFFSET, ddp_status_str(DDP_ERR_IO));
    pr_end(pr);
    return EXIT_MALFORMED;
}

int open_input(printer *pr, const char *path, const char *kind, input_file *in)
{
    char err[256];
    pr_text(pr, "input", NO_OFFSET, path);
    pr_text(pr, "kind", NO_OFFSET, kind);
    if (input_open(in, path, err, sizeof err) != 0)
        return report_io_error(pr, path, err);
    pr_uint(pr, "file_size", NO_OFFSET, in->size);
    return 0;
}

void report_crc64(const char *name, uint64_t offset, const char *what, int match)
{
    if (match == 0)
        fprintf(stderr, "ddp-inspect: %s: offset 0x%" PRIx64 ": warning: %s CRC-64 matches neither known variant "
                "(zero-init, nvme)\n", name, offset, what);
}
