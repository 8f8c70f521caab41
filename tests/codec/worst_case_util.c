/* worst_case_util.c - the two-way decoding checks of worst_case_util.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guard_page.h"
#include "worst_case_util.h"

ddp_status wc_decode(codec_decoder fn, const uint8_t *in, size_t in_len, size_t out_len,
                     const uint8_t *expect)
{
    /* Exact-size heap buffers. */
    uint8_t *hin = malloc(in_len ? in_len : 1);
    uint8_t *hout = malloc(out_len ? out_len : 1);
    assert_non_null(hin);
    assert_non_null(hout);
    if (in_len)
        memcpy(hin, in, in_len);
    ddp_status st = fn(in_len ? hin : NULL, in_len, out_len ? hout : NULL, out_len);
    assert_true(st == DDP_OK || st == DDP_ERR_CORRUPT_DATA);
    if (st == DDP_OK && expect)
        assert_memory_equal(hout, expect, out_len);

    /* Input and output flush against a guard page. */
    guard_buf gin, gout;
    assert_int_equal(guard_buf_copy(&gin, in, in_len), 0);
    assert_int_equal(guard_buf_alloc(&gout, out_len), 0);
    ddp_status st2 = fn(gin.data, in_len, gout.data, out_len);
    assert_int_equal(st2, st);
    if (st == DDP_OK)
        assert_memory_equal(gout.data, hout, out_len);
    guard_buf_free(&gout);
    guard_buf_free(&gin);
    free(hout);
    free(hin);
    return st;
}

void wc_check_valid(codec_decoder fn, const wc_stream *s)
{
    assert_false(s->overflow);
    assert_int_equal(wc_decode(fn, s->in, s->in_len, s->out_len, s->out), DDP_OK);
    if (s->out_len)
        assert_int_equal(wc_decode(fn, s->in, s->in_len, s->out_len - 1, NULL), DDP_ERR_CORRUPT_DATA);
    assert_int_equal(wc_decode(fn, s->in, s->in_len, s->out_len + 1, NULL), DDP_ERR_CORRUPT_DATA);
    for (size_t c = 1; c <= 64 && c <= s->in_len; c++)
        wc_decode(fn, s->in, s->in_len - c, s->out_len, s->out);
}
