#!/bin/sh
# run-fuzzers.sh - builds the libFuzzer harnesses (clang, -DDDP_FUZZ=ON), writes their
# seed corpora from store-builder output, then runs each harness for FUZZ_SECONDS
# (default 20) seconds. Fails when any harness reports a finding (crash, sanitizer
# error, leak, timeout, failed invariant); the input is kept as BUILD/fuzz/artifacts/*.
# The harnesses are the ones listed in tests/fuzz/harnesses.txt (12: fuzz_reparse,
# fuzz_reparse_layout, fuzz_cthr, fuzz_rrtl, fuzz_file_list, fuzz_record, fuzz_smap, fuzz_xpress,
# fuzz_lznt1, fuzz_xpress_huffman, fuzz_xpress_roundtrip, fuzz_restore); it also fails
# when one of them was not built or did not run (no libFuzzer DONE line, no executions),
# and when the build holds a harness the list does not name.
#
# Usage: tests/fuzz/run-fuzzers.sh [--no-build] [BUILD_DIR] [HARNESS...]
#   BUILD_DIR defaults to build-fuzz beside the source tree; HARNESS names (fuzz_xpress ...)
#   pick a subset of the list. --no-build (used by CTest) skips configuring and building.
# Environment: FUZZ_SECONDS per harness; FUZZ_JOBS parallel harnesses (default 1);
#   FUZZ_ARGS extra libFuzzer flags.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=1
if [ "${1:-}" = "--no-build" ]; then
    build=0
    shift
fi
bdir=${1:-$src/build-fuzz}
[ $# -gt 0 ] && shift
seconds=${FUZZ_SECONDS:-20}

if [ $build = 1 ]; then
    if [ ! -f "$bdir/CMakeCache.txt" ]; then
        CC=clang cmake -S "$src" -B "$bdir" -G Ninja -DDDP_FUZZ=ON -DDDP_BUILD_MINGW=OFF >/dev/null || exit 1
    fi
    cmake --build "$bdir" || exit 1
fi
bin=$bdir/tests/fuzz
[ -x "$bin/fuzz-seeds" ] || { echo "run-fuzzers: $bin/fuzz-seeds missing (configure with CC=clang -DDDP_FUZZ=ON)" >&2; exit 1; }

work=$bdir/fuzz
rm -rf "$work/seeds"
mkdir -p "$work/corpus" "$work/artifacts" "$work/logs"
"$bin/fuzz-seeds" "$work/seeds" || exit 1

expected=$(grep -E '^fuzz_' "$src/tests/fuzz/harnesses.txt")
[ -n "$expected" ] || { echo "run-fuzzers: no harness listed in tests/fuzz/harnesses.txt" >&2; exit 1; }
listed() { printf '%s\n' $expected | grep -qx "$1"; }
failed=""
if [ $# -gt 0 ]; then
    harnesses="$*"
    for h in $harnesses; do
        listed "$h" || { echo "run-fuzzers: $h is not in tests/fuzz/harnesses.txt" >&2; exit 2; }
    done
else
    harnesses=$expected
    # a harness the build has and the list does not name would be silently left out
    for f in "$bin"/fuzz_*; do
        h=${f##*/}
        case $h in *.*) continue ;; esac
        [ -x "$f" ] && ! listed "$h" && { echo "FAIL $h: built but not in tests/fuzz/harnesses.txt"; failed="$failed $h"; }
    done
fi

# Inputs up to 256 KiB + 4 bytes for the decoders (one chunk), smaller elsewhere.
max_len_of() {
    case $1 in
        fuzz_xpress|fuzz_lznt1|fuzz_xpress_huffman|fuzz_xpress_roundtrip) echo 65536 ;;
        fuzz_restore) echo 16384 ;;
        *) echo 16384 ;;
    esac
}

ran=0
for h in $harnesses; do
    if [ ! -x "$bin/$h" ]; then
        echo "FAIL $h: not built ($bin/$h missing)"
        failed="$failed $h"
        continue
    fi
    kind=${h#fuzz_}
    corpus=$work/corpus/$kind
    mkdir -p "$corpus"
    log=$work/logs/$h.log
    seeds=$work/seeds/$kind
    [ -d "$seeds" ] || seeds=""
    # shellcheck disable=SC2086
    "$bin/$h" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len="$(max_len_of "$h")" \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$h-" ${FUZZ_ARGS:-} \
        "$corpus" $seeds >"$log" 2>&1
    rc=$?
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    if [ $rc -ne 0 ]; then
        echo "FAIL $h (exit $rc): see $log"
        grep -E 'ERROR|invariant failed|SUMMARY|Test unit written' "$log" | head -n 8
        failed="$failed $h"
    elif [ -z "$done_line" ] || [ "${execs:-0}" -eq 0 ]; then
        echo "FAIL $h: did not run (no DONE line or no executions): see $log"
        failed="$failed $h"
    else
        echo "ok   $h: $execs execs; $done_line"
        ran=$((ran + 1))
    fi
done

if [ -n "$failed" ]; then
    echo "run-fuzzers: failed (finding, not built or not run):$failed" >&2
    exit 1
fi
echo "run-fuzzers: $ran harnesses ran ${seconds}s each without a finding"
