#!/usr/bin/env bash
# test_summary.sh - the test command's one summary line (scripts/test_summary.sh): CTest
# stages add their test counts, other stages count as one check, a failing stage does
# not hide the others, the failed stages are named, the last line is exactly
# "N passed, N failed", and the status is non-zero when anything failed.
#   test_summary.sh SOURCE_DIR
set -u
src=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
bash -n "$src/scripts/test.sh" || fail "scripts/test.sh does not parse"
grep -q '^source scripts/test_summary.sh' "$src/scripts/test.sh" && grep -q '^summary_finish$' "$src/scripts/test.sh" ||
    fail "scripts/test.sh does not end with the summary"

fake_ctest() {   # fake_ctest TOTAL FAILED: CTest's closing lines and its status
    echo "Test project /x"
    echo "$(( ($1 - $2) * 100 / $1 ))% tests passed, $2 tests failed out of $1"
    [ "$2" -eq 0 ]
}
run_all() {
    source "$src/scripts/test_summary.sh"
    stage_ctest "native" fake_ctest 5 0
    stage_ctest "asan" fake_ctest 10 1
    stage_check "build x" false
    stage_check "tsan" true
    stage_ctest "crashed" sh -c 'echo "no test ran"; exit 3'
    summary_skip "later" "the build failed"
    summary_finish
}
out=$(run_all 2>&1); rc=$?
[ $rc -ne 0 ] || fail "a failure still exits 0"
[ "$(echo "$out" | tail -1)" = "15 passed, 3 failed" ] || fail "last line: $(echo "$out" | tail -1)"
echo "$out" | grep -qx "failed stages: asan build x crashed" || fail "failed stages not named: $out"
echo "$out" | grep -qx "asan: 9 passed, 1 failed" || fail "per-stage line: $out"
echo "$out" | grep -qx "later: not run (the build failed)" || fail "skipped stage: $out"

all_pass() {
    source "$src/scripts/test_summary.sh"
    stage_ctest "native" fake_ctest 7 0
    stage_check "tsan" true
    summary_finish
}
out=$(all_pass 2>&1) || fail "all passed but non-zero: $out"
[ "$(echo "$out" | tail -1)" = "8 passed, 0 failed" ] || fail "all pass: $(echo "$out" | tail -1)"
echo "$out" | grep -q "failed stages" && fail "failed stages named when none failed"

fake_ctest_skipped() {   # 4 tests, one of them skipped (CTest counts it as passed)
    echo "100% tests passed, 0 tests failed out of 4"
    echo "The following tests did not run:"
    printf '\t 94 - wine32.NOT_RUN_no_32bit_wine (Skipped)\n'
}
with_skip() {
    source "$src/scripts/test_summary.sh"
    stage_ctest "wine" fake_ctest_skipped
    summary_finish
}
out=$(with_skip 2>&1) || fail "a skipped test made the run fail: $out"
[ "$(echo "$out" | tail -1)" = "3 passed, 0 failed" ] || fail "a skipped test counted as passed: $(echo "$out" | tail -1)"
echo "$out" | grep -qx "wine: 3 passed, 0 failed, 1 skipped (not passed)" || fail "skipped not shown: $out"
echo "ok"
