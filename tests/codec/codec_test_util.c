/* codec_test_util.c - the guarded decode, truncation and fuzz checks of codec_test_util.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec_test_util.h"
#include "codec_test_data.h"

#define GUARD 64
#define GUARD_BYTE 0xa5

ddp_decoder *codec_test_decoder(void)
{
    static ddp_decoder *dec;
    if (!dec)
        dec = ddp_decoder_new();
    assert_non_null(dec);
    return dec;
}

ddp_status codec_xpress_huffman(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    return ddp_xpress_huffman_decompress(codec_test_decoder(), in, in_len, out, out_len);
}

ddp_status codec_decode_guarded(codec_decoder fn, const uint8_t *in, size_t in_len, uint8_t *out,
                                size_t out_len)
{
    uint8_t *buf = malloc(out_len + GUARD);
    uint8_t *copy = malloc(in_len ? in_len : 1);
    assert_non_null(buf);
    assert_non_null(copy);
    if (in_len)
        memcpy(copy, in, in_len);
    memset(buf, GUARD_BYTE, out_len + GUARD);
    ddp_status st = fn(copy, in_len, buf, out_len);
    for (size_t i = 0; i < GUARD; i++)
        assert_int_equal(buf[out_len + i], GUARD_BYTE);
    if (out)
        memcpy(out, buf, out_len);
    free(buf);
    free(copy);
    return st;
}

void codec_check_truncations(codec_decoder fn, const uint8_t *in, size_t in_len, size_t out_len,
                             size_t allowed_prefix)
{
    for (size_t cut = 0; cut < in_len; cut++) {
        ddp_status st = codec_decode_guarded(fn, in, cut, NULL, out_len);
        if (cut != allowed_prefix)
            assert_int_equal(st, DDP_ERR_CORRUPT_DATA);
    }
    if (out_len > 0)
        assert_int_equal(codec_decode_guarded(fn, in, in_len, NULL, out_len - 1), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(codec_decode_guarded(fn, in, in_len, NULL, out_len + 1), DDP_ERR_CORRUPT_DATA);
}

unsigned codec_fuzz(codec_decoder fn, const uint8_t *valid, size_t valid_len, size_t out_len,
                    unsigned iterations, uint64_t seed)
{
    uint64_t rs = seed ? seed : 1;
    uint8_t *buf = malloc(valid_len + 1024);
    unsigned rejected = 0;
    assert_non_null(buf);
    for (unsigned it = 0; it < iterations; it++) {
        size_t len;
        size_t olen = out_len;
        if (it & 1) {
            /* pure garbage */
            len = (size_t)(codec_rand(&rs) % (valid_len + 1024));
            for (size_t i = 0; i < len; i++)
                buf[i] = (uint8_t)(codec_rand(&rs) >> 40);
            olen = (size_t)(codec_rand(&rs) % (out_len + 4096));
        } else {
            /* a valid stream with a few bytes changed */
            len = valid_len;
            memcpy(buf, valid, len);
            unsigned flips = 1 + (unsigned)(codec_rand(&rs) % 4);
            for (unsigned f = 0; f < flips && len; f++)
                buf[codec_rand(&rs) % len] ^= (uint8_t)(1u + codec_rand(&rs) % 255);
        }
        ddp_status st = codec_decode_guarded(fn, buf, len, NULL, olen);
        assert_true(st == DDP_OK || st == DDP_ERR_CORRUPT_DATA);
        if (!(it & 1) && st != DDP_OK)
            rejected++;
    }
    free(buf);
    return rejected;
}
