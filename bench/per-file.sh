#!/usr/bin/env bash
# The per-file cost of a restore (issue 14): many small files, raw stubs on the local file
# system, measured next to `cp -r` and `cp -r && sync` of the same files in the same run.
#
#   bash bench/per-file.sh [--files 1000,10000] [--size BYTES] [--runs 3] [--wine-files N]
#                          [--build DIR] [--no-build] [--resume] [--out DIR] [--work DIR]
#                          [--compare BIN]
#
# For each file count N (default 1,000 and 10,000 files of 10,000 bytes, no dedup):
#   cp        cp -r SRC DEST                       (sources pre-read into page cache)
#   cp+sync   sh -c 'cp -r SRC DEST && sync'       (a durable copy)
#   inplace   ddp-restore --store V --stubs raw V  (on a fresh copy of the stub volume)
#   out       ddp-restore --store V --stubs raw --out DEST V
#   rm+sync   deleting the N stubs of a fresh copy of the stub volume, then sync: what any
#             in-place restore must do besides writing (replacing a stub frees its inode)
#   inplace@base, out@base   with --compare BIN: the same two runs with BIN, a ddp-restore
#             of another commit (e.g. main's), taking turns with this build's in each round
#   wine      ddp-sample.exe restore BACKUP DEST --batch 10000 under Wine (DdpBackup.dll;
#             only for N <= --wine-files, default 10000; 0: no Wine): RestoreFiles seconds as
#             the sample prints them (its tree copy and Wine's start-up excluded)
# The modes take turns within each of --runs rounds (so the machine's load hits them
# alike); the median of the runs is kept, with min and max. Then each mode runs once more
# under `strace -c -f` for its system calls (not timed). Per file: median seconds / N, and
# the marginal cost (difference between the two largest counts / difference in files),
# which leaves out fixed costs (process and Wine start-up, store opening). The Wine row's
# system calls are the whole ddp-sample process, its tree copy included (a persistent
# wineserver is not traced). --build DIR: the build to measure (default build-bench,
# configured and built from this tree when it has no CMakeCache.txt); --no-build: use its
# binaries as they are (e.g. a build of another commit: results.json then names the commit
# of this tree, not of the binaries - say so when quoting). --resume: keep the timed runs
# already in --out (an interrupted run goes on where it stopped).
# Writes results.json and a Markdown table (table.md) into --out. Tools: /usr/bin/time is
# not needed (wall time from date +%s%N), strace and jq are (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
counts=1000,10000 size=10000 runs=3 wine_files=10000 build="" out="" work="" no_build=0 resume=0 compare=
while [ $# -gt 0 ]; do
    case "$1" in
        --files) counts=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --wine-files) wine_files=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --no-build) no_build=1; shift ;;
        --resume) resume=1; shift ;;
        --out) out=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --compare) compare=$2; shift 2 ;;
        -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
        *) echo "per-file: unknown option $1" >&2; exit 2 ;;
    esac
done
for v in "$size" "$runs" "$wine_files"; do
    case "$v" in ''|*[!0-9]*) echo "per-file: --size, --runs and --wine-files take numbers" >&2; exit 2 ;; esac
done
command -v strace >/dev/null && command -v jq >/dev/null ||
    { echo "per-file: needs strace and jq (apt-get install strace jq)" >&2; exit 2; }

build=$(realpath -m "${build:-$repo/build-bench}")
out=$(realpath -m "${out:-$build/per-file}")
work=$(realpath -m "${work:-$build/per-file-work}")
mkdir -p "$out/raw" "$work"
say() { printf '== %s\n' "$*" >&2; }

wine_on=$([ "$wine_files" -gt 0 ] && echo ON || echo OFF)
if [ "$no_build" = 0 ]; then
    if [ ! -f "$build/CMakeCache.txt" ]; then
        say "building (Release) in $build"
        cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDDP_BUILD_MINGW=$wine_on >/dev/null
    fi
    cmake --build "$build" -j2 >/dev/null
fi
bin_corpus=$build/bench/corpus/ddp-bench-corpus
bin_mkstore=$build/src/tools/mkstore/ddp-mkstore
bin_restore=$build/src/tools/restore/ddp-restore
base_version=null
if [ -n "$compare" ]; then
    compare=$(realpath "$compare")
    base_version=$("$compare" --version | head -1 | jq -R .) ||
        { echo "per-file: --compare $compare is not a ddp-restore" >&2; exit 2; }
fi
restorer() { case "$1" in *@base) echo "$compare" ;; *) echo "$bin_restore" ;; esac; }
win=$build/x86_64-w64-mingw32/bin
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=false
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=true

wine=""
if [ "$wine_files" -gt 0 ]; then
    [ -f "$win/DdpBackup.dll" ] || { echo "per-file: $build has no DdpBackup.dll (MinGW off?)" >&2; exit 2; }
    export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
    wine=$(command -v wine64 || command -v wine)
    "$wine" wineboot --init >/dev/null 2>&1 || true
    "$wine" regsvr32 /s "$(winepath -w "$win/DdpBackup.dll" 2>/dev/null)"
    wineserver -p 2>/dev/null || true
    export DDPBACKUP_STUB_FILES=1
fi
cleanup() { [ -z "$wine" ] || wineserver -k 2>/dev/null || true; }
trap cleanup EXIT

now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f\n", (b - a) / 1e9}'; }
fresh() { rm -rf "$@"; sync; }
same_tree() { diff -rq -x "System Volume Information" "$1" "$2" >/dev/null; }
stubs_of() { find "$1" -path "$1/System Volume Information" -prune -o -type f -print0; }
median() { sort -n | awk '{v[NR] = $1} END {printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR]}'; }

# run MODE N DIR: one timed run of MODE; prints the seconds (wine: RestoreFiles seconds)
run() {
    local mode=$1 n=$2 dir=$3 t0 t1 txt
    case "$mode" in
        cp) fresh "$dir/dst"; t0=$(now); cp -r "$dir/src" "$dir/dst"; t1=$(now) ;;
        cp+sync) fresh "$dir/dst"; t0=$(now); cp -r "$dir/src" "$dir/dst" && sync; t1=$(now) ;;
        inplace|inplace@base) fresh "$dir/dst"; cp -a "$dir/vol" "$dir/dst"; sync
            t0=$(now); "$(restorer "$mode")" --store "$dir/dst" --stubs raw --quiet "$dir/dst"; t1=$(now) ;;
        rm+sync) fresh "$dir/dst"; cp -a "$dir/vol" "$dir/dst"; sync
            t0=$(now); stubs_of "$dir/dst" | xargs -0 rm -f && sync; t1=$(now)
            ! stubs_of "$dir/dst" | grep -qz . || { echo "per-file: rm left stubs" >&2; exit 1; }
            secs "$t0" "$t1"; return ;;
        out|out@base) fresh "$dir/dst"; t0=$(now)
            "$(restorer "$mode")" --store "$dir/vol" --stubs raw --quiet --out "$dir/dst" "$dir/vol"; t1=$(now) ;;
        wine) fresh "$dir/dst"
            txt=$("$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$dir/backup")" "$(winepath -w "$dir/dst")" \
                --batch 10000 2>&1 | tr -d '\r')
            echo "$txt" >"$out/raw/wine-$n.txt"
            sed -n 's/^restored bytes: [0-9]* in \([0-9.]*\) s.*/\1/p' <<<"$txt"
            same_tree "$dir/src" "$dir/dst" || { echo "per-file: $mode $n: restored tree differs" >&2; exit 1; }
            return ;;
    esac
    same_tree "$dir/src" "$dir/dst" || { echo "per-file: $mode $n: restored tree differs" >&2; exit 1; }
    secs "$t0" "$t1"
}

# calls MODE N DIR: system calls of one run under strace -c -f (a sanitizer build's
# LeakSanitizer cannot run under ptrace: it is turned off for these runs)
calls() {
    local mode=$1 n=$2 dir=$3 f=$out/raw/strace-$1-$2.txt
    local ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    export ASAN_OPTIONS
    fresh "$dir/dst"
    case "$mode" in
        cp) strace -c -f -o "$f" cp -r "$dir/src" "$dir/dst" ;;
        cp+sync) strace -c -f -o "$f" sh -c 'cp -r "$0" "$1" && sync' "$dir/src" "$dir/dst" ;;
        inplace|inplace@base) cp -a "$dir/vol" "$dir/dst"; sync
            strace -c -f -o "$f" "$(restorer "$mode")" --store "$dir/dst" --stubs raw --quiet "$dir/dst" ;;
        rm+sync) cp -a "$dir/vol" "$dir/dst"; sync
            stubs_of "$dir/dst" >"$dir/stubs.list"
            strace -c -f -o "$f" sh -c 'xargs -0 rm -f <"$0" && sync' "$dir/stubs.list" ;;
        out|out@base) strace -c -f -o "$f" "$(restorer "$mode")" --store "$dir/vol" --stubs raw --quiet --out "$dir/dst" "$dir/vol" ;;
        wine) strace -c -f -o "$f" "$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$dir/backup")" \
                "$(winepath -w "$dir/dst")" --batch 10000 >/dev/null 2>&1 ;;
    esac
    awk '$NF == "total" {print $(NF - 2) + 0}' "$f"
}

rows=$out/rows.jsonl
: >"$rows"
for n in ${counts//,/ }; do
    dir=$work/f$n-s$size
    if [ ! -f "$dir/ready" ]; then
        say "f$n: corpus, stub volume$([ -n "$wine" ] && echo ', backup copy')"
        rm -rf "$dir" && mkdir -p "$dir"
        "$bin_corpus" --bytes $((n * size)) --files "$n" --dedup 1 --seed 1 "$dir/src" >/dev/null
        "$bin_mkstore" --min-size 0 --stubs raw "$dir/src" "$dir/vol" >/dev/null
        touch "$dir/ready"
    fi
    if [ -n "$wine" ] && [ ! -d "$dir/backup" ]; then
        "$wine" "$win/ddp-sample.exe" backup "$(winepath -w "$dir/vol")" "$(winepath -w "$dir/backup")" >/dev/null 2>&1
    fi
    find "$dir/src" "$dir/vol" -type f -print0 | xargs -0 cat >/dev/null
    modes="cp cp+sync rm+sync inplace out"
    [ -z "$compare" ] || modes="$modes inplace@base out@base"
    [ -z "$wine" ] || [ "$n" -gt "$wine_files" ] || modes="$modes wine"
    for r in $(seq "$runs"); do
        for m in $modes; do
            t=$out/raw/$m-$n.time.$r
            [ "$resume" = 1 ] && [ -s "$t" ] && continue
            say "f$n run $r: $m"
            run "$m" "$n" "$dir" >"$t.new" && mv "$t.new" "$t"
        done
    done
    for m in $modes; do
        say "f$n: $m under strace -c -f"
        c=$(calls "$m" "$n" "$dir")
        read -r med lo hi < <(cat "$out/raw/$m-$n.time".* | median)
        jq -c -n --arg mode "$m" --argjson n "$n" --argjson med "$med" --argjson lo "$lo" --argjson hi "$hi" \
            --argjson calls "${c:-null}" --arg load "$(cut -d' ' -f1 /proc/loadavg)" \
            '{mode: $mode, files: $n, seconds: $med, min: $lo, max: $hi, syscalls: $calls, load1: ($load | tonumber)}' >>"$rows"
    done
    fresh "$dir/dst"
done

jq -n --slurpfile rows "$rows" --arg date "$(date -u +%FT%TZ)" --arg commit "$commit" --argjson dirty "$dirty" \
    --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" --argjson nproc "$(nproc)" \
    --arg kernel "$(uname -r)" --arg fs "$(df -T "$work" | awk 'NR==2 {print $2}')" --argjson size "$size" \
    --argjson runs "$runs" --argjson base "$base_version" \
    '{machine: {date: $date, commit: $commit, dirty: $dirty, cpu: $cpu, nproc: $nproc, kernel: $kernel, work_fs: $fs},
      file_bytes: $size, runs: $runs, compare: $base, rows: $rows}' >"$out/results.json"

# The table: per file, ratios against cp and cp+sync of the same file count and run.
jq -r 'def f(n): if . == null then "-" else (. * pow(10; n) | round / pow(10; n) | tostring) end;
  .rows as $r | ($r | map(.files) | unique) as $ns |
  ($ns | if length > 1 then [.[-2], .[-1]] else null end) as $pair |
  def marginal(m): if $pair == null then null else
      ([$r[] | select(.mode == m and .files == $pair[0])][0]) as $a |
      ([$r[] | select(.mode == m and .files == $pair[1])][0]) as $b |
      if $a == null or $b == null then null else ($b.seconds - $a.seconds) * 1e6 / ($pair[1] - $pair[0]) end end;
  def msys(m): if $pair == null then null else
      ([$r[] | select(.mode == m and .files == $pair[0])][0]) as $a |
      ([$r[] | select(.mode == m and .files == $pair[1])][0]) as $b |
      if $a == null or $b == null or $a.syscalls == null or $b.syscalls == null then null
      else ($b.syscalls - $a.syscalls) / ($pair[1] - $pair[0]) end end;
  "| files | mode | median s (min-max) | us / file | marginal us / file | syscalls / file | marginal syscalls / file | x cp | x cp+sync | load1 |",
  "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|",
  ($r[] | . as $x |
    ([$r[] | select(.mode == "cp" and .files == $x.files)][0].seconds) as $cp |
    ([$r[] | select(.mode == "cp+sync" and .files == $x.files)][0].seconds) as $cps |
    "| \(.files) | \(.mode) | \(.seconds | f(3)) (\(.min | f(3))-\(.max | f(3))) | \(.seconds * 1e6 / .files | f(0)) | \(marginal($x.mode) | f(0)) | \(if .syscalls == null then null else .syscalls / .files end | f(1)) | \(msys($x.mode) | f(1)) | \($cp / .seconds | f(2)) | \($cps / .seconds | f(2)) | \(.load1) |")' \
    "$out/results.json" >"$out/table.md"
jq -r '.machine | "commit \(.commit)\(if .dirty then " (+ uncommitted changes)" else "" end), \(.date), \(.cpu), \(.nproc) cores, kernel \(.kernel), \(.work_fs)"' "$out/results.json"
jq -r 'select(.compare != null) | "@base: \(.compare)"' "$out/results.json"
cat "$out/table.md"
