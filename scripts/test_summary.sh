# test_summary.sh - sourced by scripts/test.sh: runs its stages and keeps one tally over
# all of them, so the test command ends with one line a reader (and CI) can take:
#   N passed, N failed
# preceded by the stages that failed. A CTest stage adds its test counts; any other
# stage (a build, the ThreadSanitizer run) counts as one check. A stage that fails
# does not stop the later ones; summary_finish returns non-zero when anything failed.

summary_passed=0
summary_failed=0
summary_failed_stages=()
summary_lines=()

# stage_ctest NAME COMMAND...: runs a CTest command, its output shown and kept; adds the
# counts of its "X% tests passed, F tests failed out of T" line. A run that fails without
# that line (CTest itself could not run) counts as one failure.
stage_ctest() {
    local name=$1 log rc line total failed skipped extra
    shift
    log=$(mktemp)
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
    # a skipped test (e.g. wine32.NOT_RUN_no_32bit_wine) is in CTest's total but did not pass
    skipped=$(grep -cE '^[[:space:]]*[0-9]+ - .* \(Skipped\)$' "$log")
    rm -f "$log"
    if [ -n "$line" ]; then
        failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/')
        total=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
        total=$((total - skipped))
    else
        total=$([ "$rc" -eq 0 ] && echo 0 || echo 1)
        failed=$([ "$rc" -eq 0 ] && echo 0 || echo 1)
    fi
    [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1 total=$((total + 1))   # failed without a failing test
    summary_passed=$((summary_passed + total - failed))
    summary_failed=$((summary_failed + failed))
    extra=""
    [ "$skipped" -gt 0 ] && extra=", $skipped skipped (not passed)"
    summary_lines+=("$name: $((total - failed)) passed, $failed failed$extra")
    [ "$failed" -eq 0 ] || summary_failed_stages+=("$name")
    return "$rc"
}

# stage_check NAME COMMAND...: runs a step that is one check (a build, a script).
stage_check() {
    local name=$1 rc
    shift
    "$@"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        summary_passed=$((summary_passed + 1))
        summary_lines+=("$name: passed")
    else
        summary_failed=$((summary_failed + 1))
        summary_lines+=("$name: FAILED (exit $rc)")
        summary_failed_stages+=("$name")
    fi
    return "$rc"
}

# summary_skip NAME WHY: a stage that could not run because an earlier one failed.
summary_skip() {
    summary_lines+=("$1: not run ($2)")
}

# summary_finish: every stage's line, the failed stages, then the total line last.
summary_finish() {
    local l
    echo
    echo "== summary"
    for l in "${summary_lines[@]}"; do
        echo "$l"
    done
    if [ "${#summary_failed_stages[@]}" -gt 0 ]; then
        echo "failed stages: ${summary_failed_stages[*]}"
    fi
    echo "$summary_passed passed, $summary_failed failed"
    [ "$summary_failed" -eq 0 ]
}
