#!/bin/sh
# run-tsan.sh - builds the concurrency test (and the fault-injection test, single-threaded
# but a useful baseline) with ThreadSanitizer in its own build directory and runs them.
# test_concurrency also runs restores with the engine's own worker pipeline (4 workers,
# compared with 1 and 2; damaged chunks, failing reads), so the pipeline is checked too;
# test_chunk_pipeline drives the pipeline stage alone (submit, full ring, pull, free).
# The Linux file target's closer thread (src/platform/fd_closer.c) runs under it as well.
# Fails on any data race report (TSAN_OPTIONS halt_on_error=1, exit code 66).
#
# Usage: tests/reliability/run-tsan.sh [BUILD_DIR]   (default: build-tsan beside the sources)
# Needs clang (or gcc) with -fsanitize=thread; the MinGW builds are off in that directory.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$src/build-tsan}
cc=${CC:-clang}
if [ ! -f "$bdir/CMakeCache.txt" ]; then
    CC=$cc cmake -S "$src" -B "$bdir" -G Ninja -DDDP_BUILD_MINGW=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
fi
cmake --build "$bdir" --target test_concurrency test_fault_injection test_file_reader test_fd_closer test_file_target \
    test_chunk_pipeline
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
"$bdir/tests/reliability/test_concurrency"
"$bdir/tests/reliability/test_fault_injection" >/dev/null
"$bdir/tests/restore/test_chunk_pipeline" >/dev/null
"$bdir/tests/reader/test_file_reader" >/dev/null   # readers of four files on four threads
"$bdir/tests/platform/test_fd_closer" >/dev/null     # the closer thread of replaced stubs
"$bdir/tests/platform/test_file_target" >/dev/null   # in-place commits handing stubs to it
echo "run-tsan: no data race reported"
