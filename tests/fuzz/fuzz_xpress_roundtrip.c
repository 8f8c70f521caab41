/*
 * fuzz_xpress_roundtrip.c - differential harness of the Xpress plain LZ77 encoder and
 * decoder: for any x (at most DDP_MAX_CHUNK_SIZE bytes), decode(encode(x)) == x, or the
 * harness aborts.
 *
 * Input: byte 0 picks the output capacity given to the encoder (0: ample, in_len + 1/8
 * + 64; otherwise in_len * byte0 / 128, which is often too small and must give 0, never
 * an overrun: the output is an exact-size allocation); the rest is x. The encoder is also
 * run a second time on the same object, which must give the same bytes (it is reusable
 * and deterministic).
 */
#include <string.h>

#include "ddp/codec.h"
#include "ddp/container.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t in_len = size - 1;
    if (in_len > DDP_MAX_CHUNK_SIZE)
        in_len = DDP_MAX_CHUNK_SIZE;
    size_t cap = data[0] == 0 ? in_len + in_len / 8 + 64 : in_len * data[0] / 128;
    uint8_t *in = fuzz_exact_copy(data + 1, in_len);
    uint8_t *out = malloc(cap ? cap : 1);
    uint8_t *out2 = malloc(cap ? cap : 1);
    uint8_t *back = malloc(in_len ? in_len : 1);
    ddp_xpress_encoder *enc = ddp_xpress_encoder_new();
    FUZZ_CHECK(out && out2 && back && enc);

    size_t n = ddp_xpress_compress(enc, in, in_len, out, cap);
    FUZZ_CHECK(n <= cap);
    if (data[0] == 0 && in_len > 0)
        FUZZ_CHECK(n > 0);   /* the ample bound always fits */
    size_t n2 = ddp_xpress_compress(enc, in, in_len, out2, cap);
    FUZZ_CHECK(n2 == n && memcmp(out, out2, n) == 0);
    if (n > 0) {
        ddp_status st = ddp_xpress_decompress(out, n, back, in_len);
        FUZZ_CHECK(st == DDP_OK);
        FUZZ_CHECK(memcmp(back, in, in_len) == 0);
    }
    ddp_xpress_encoder_free(enc);
    free(back);
    free(out2);
    free(out);
    free(in);
    return 0;
}
