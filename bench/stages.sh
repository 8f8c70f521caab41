#!/usr/bin/env bash
# Where a large restore's time goes (issue 14): one corpus (default 1 GB in 100 files, no
# dedup), raw stubs, measured as a ladder of runs that each add one stage:
#   verify      ddp-restore --verify: read the store (page cache), decompress, hash; no writes
#   out-nosync  eatmydata ddp-restore --out: + writing the files (fsync/syncfs made no-ops)
#   out         ddp-restore --out: + durability (syncfs, folder fsyncs)
# next to cp -r and cp -r && sync of the same files, and --threads 1 of verify (one core's
# cost of decompressing and hashing). Modes take turns in each of --runs rounds; medians
# with min-max, user and system CPU of the median run (/usr/bin/time).
# --compare BIN adds out@base and inplace@base (BIN: a ddp-restore of another commit) and
# inplace (this build, on a fresh copy of the stub volume), in the same rounds.
#   bash bench/stages.sh --build DIR [--bytes N] [--files F] [--runs 3] [--work DIR] [--compare BIN]
set -euo pipefail
build="" bytes=1073741824 files=100 runs=3 work="" compare=""
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=$2; shift 2 ;;
        --bytes) bytes=$2; shift 2 ;;
        --files) files=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --compare) compare=$(realpath "$2"); shift 2 ;;
        *) echo "stages: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$build" ] || { echo "stages: --build DIR (a Release build) is required" >&2; exit 2; }
# eatmydata preloads its library before everything: in a sanitizer build (CTest's quick
# run under ASan) the runtime must be told not to insist on coming first.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
command -v eatmydata >/dev/null || { echo "stages: needs eatmydata (Debian package)" >&2; exit 2; }
build=$(realpath "$build")
work=$(realpath -m "${work:-$build/stages-work}")
restore=$build/src/tools/restore/ddp-restore
dir=$work/b$bytes-f$files
if [ ! -f "$dir/ready" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    "$build/bench/corpus/ddp-bench-corpus" --bytes "$bytes" --files "$files" --dedup 1 --seed 1 "$dir/src" >/dev/null
    "$build/src/tools/mkstore/ddp-mkstore" --min-size 0 --stubs raw "$dir/src" "$dir/vol" >/dev/null
    touch "$dir/ready"
fi
find "$dir/src" "$dir/vol" -type f -print0 | xargs -0 cat >/dev/null
fresh() { rm -rf "$dir/dst"; sync; }
timed() {   # timed NAME CMD...: "wall user sys" appended to $dir/NAME.times
    local name=$1 t0 t1; shift
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$dir/ru" "$@"
    t1=$(date +%s%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}') $(cat "$dir/ru")" >>"$dir/$name.times"
}
rm -f "$dir"/*.times
for r in $(seq "$runs"); do
    echo "== run $r" >&2
    fresh; timed cp cp -r "$dir/src" "$dir/dst"
    fresh; timed cp+sync sh -c 'cp -r "$0" "$1" && sync' "$dir/src" "$dir/dst"
    fresh; timed verify "$restore" --store "$dir/vol" --stubs raw --quiet --verify "$dir/vol"
    timed verify-1thread "$restore" --store "$dir/vol" --stubs raw --quiet --verify --threads 1 "$dir/vol"
    fresh; timed out-nosync eatmydata "$restore" --store "$dir/vol" --stubs raw --quiet --out "$dir/dst" "$dir/vol"
    fresh; timed out "$restore" --store "$dir/vol" --stubs raw --quiet --out "$dir/dst" "$dir/vol"
    diff -rq -x "System Volume Information" "$dir/src" "$dir/dst" >/dev/null || { echo "stages: --out differs" >&2; exit 1; }
    if [ -n "$compare" ]; then
        fresh; timed out@base "$compare" --store "$dir/vol" --stubs raw --quiet --out "$dir/dst" "$dir/vol"
        fresh; cp -a "$dir/vol" "$dir/dst"; sync
        timed inplace "$restore" --store "$dir/dst" --stubs raw --quiet "$dir/dst"
        fresh; cp -a "$dir/vol" "$dir/dst"; sync
        timed inplace@base "$compare" --store "$dir/dst" --stubs raw --quiet "$dir/dst"
    fi
done
fresh
[ -z "$compare" ] || echo "@base: $("$compare" --version | head -1)"
echo "| stage | median wall s (min-max) | user s | sys s | x cp+sync |"
echo "|---|--:|--:|--:|--:|"
cps=$(sort -n "$dir/cp+sync.times" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
names="cp cp+sync verify-1thread verify out-nosync out"
[ -z "$compare" ] || names="$names out@base inplace inplace@base"
for name in $names; do
    sort -n "$dir/$name.times" | awk -v name="$name" -v cps="$cps" '{w[NR] = $1; u[NR] = $2; s[NR] = $3}
        END {m = int((NR + 1) / 2); printf "| %s | %.3f (%.3f-%.3f) | %.2f | %.2f | %.2f |\n", name, w[m], w[1], w[NR], u[m], s[m], cps / w[m]}'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
