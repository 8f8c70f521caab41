#!/usr/bin/env bash
# Runs every test of ddpbackup on a Debian 12 machine (as root, or with sudo):
# installs what is missing, builds natively and with MinGW-w64, then one CTest run
# executes the native tests and the Windows tests under Wine (in a private prefix);
# then the native tests again under AddressSanitizer + UBSan, a bounded run of every fuzzer
# (FUZZ_SECONDS each, default 10), the concurrency test under ThreadSanitizer, and the
# native unit tests under valgrind memcheck.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

build=${DDP_BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build: native + MinGW (x86_64, i686) in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"

echo "== tests: native and Wine"
(cd "$build" && ctest --output-on-failure -j "$jobs")

echo "== tests: native under AddressSanitizer + UBSan"
cmake -S . -B "$build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDDP_SANITIZE=ON -DDDP_BUILD_MINGW=OFF >/dev/null
cmake --build "$build-asan"
(cd "$build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs")

echo "== fuzzing: every libFuzzer harness for ${FUZZ_SECONDS:=10} s (clang, ASan + UBSan)"
CC=clang cmake -S . -B "$build-fuzz" -G Ninja -DDDP_FUZZ=ON -DDDP_BUILD_MINGW=OFF >/dev/null
cmake --build "$build-fuzz"
(cd "$build-fuzz" && FUZZ_SECONDS=$FUZZ_SECONDS ctest --output-on-failure -L fuzz)

echo "== concurrency: the engine under ThreadSanitizer"
sh tests/reliability/run-tsan.sh "$build-tsan"

echo "== tests: native under valgrind memcheck"
cmake -S . -B "$build-valgrind" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDP_VALGRIND=ON -DDDP_BUILD_MINGW=OFF >/dev/null
cmake --build "$build-valgrind"
(cd "$build-valgrind" && ctest --output-on-failure -j "$jobs" -L unit)
