/* test_status.c - every status has a distinct, non-empty name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ddp/status.h"

static void test_names_distinct(void **state)
{
    (void)state;
    /* the statuses are consecutive from DDP_OK: the first without a name ends them */
    int last = DDP_OK;
    while (strcmp(ddp_status_str((ddp_status)(last + 1)), "unknown status") != 0)
        last++;
    assert_true(last >= DDP_ERR_HARD_LINK);
    for (int a = DDP_OK; a <= last; a++) {
        const char *na = ddp_status_str((ddp_status)a);
        assert_non_null(na);
        assert_true(strlen(na) > 0);
        for (int b = a + 1; b <= last; b++)
            assert_string_not_equal(na, ddp_status_str((ddp_status)b));
    }
    assert_string_equal(ddp_status_str((ddp_status)999), "unknown status");
}

static void test_fail_fills_diag(void **state)
{
    (void)state;
    ddp_diag d = {0, NULL};
    assert_int_equal(ddp_fail(&d, DDP_ERR_CRC, 0x7c, "CRC-32"), DDP_ERR_CRC);
    assert_int_equal(d.offset, 0x7c);
    assert_string_equal(d.what, "CRC-32");
    assert_int_equal(ddp_fail(NULL, DDP_ERR_RANGE, 1, "x"), DDP_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_distinct),
        cmocka_unit_test(test_fail_fills_diag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
