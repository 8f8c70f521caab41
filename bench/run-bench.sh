#!/usr/bin/env bash
# The restore benchmark of issue 6 in one command: builds (Release), writes deterministic
# corpora, optimizes each into a chunk store with ddp-mkstore (raw stubs), and measures
# in the same run, for each corpus: the baseline `cp -r` of the logical files from page
# cache, the native ddp-restore --out, and the real DdpBackup.dll under Wine through
# ddp-sample; per size the in-memory engine bench (ddp-bench-restore); once the decoder
# micro-benchmarks (ddp-bench-codec). Prints a table; writes results.csv, results.json and
# the raw outputs into --out.
#
#   bash bench/run-bench.sh [--sizes small|1g|all|tiny] [--only NAME,...] [--threads N]
#                           [--cpus LIST] [--rev REV] [--out DIR] [--work DIR] [--no-wine] [--no-memory]
#
#   small: 100 MB x {1, 100, 10,000 files} x {dedup 1x, 5x}   (default)
#   1g:    small + 1 GB x 100 files x {1x, 5x}
#   all:   1g + 4 GB x 100 files x {1x, 5x}
#   tiny:  10 MB x {1, 100, 1,000 files} x {1x, 5x} (a smoke run of the script itself)
#   cp, cp+sync and the native restore: median of three runs; the other restores: one run.
#   --only    only these corpora, by name (e.g. 4G-f100-x1,4G-f100-x5; any size, --sizes ignored)
#   --threads passed to ddp-restore as --threads N (when it has the option; else an error)
#             and to ddp-bench-restore (when it has it)
#   --cpus    restores (native, Wine, in-memory) run under `taskset -c LIST` (e.g. 0: one core)
#   --rev     measure commit REV: a clean `git archive` of it is built in $build/rev-SHA
#             (default: the working tree as it is; results.json records "dirty": true
#             when it has uncommitted changes)
#   --no-memory  skip the in-memory engine bench (4 GiB needs about 6 GiB of RAM)
#   --out  results (default build-bench/results); --work corpora, stores and restored
#          copies (default build-bench/work; corpora and stores are reused when present)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
args="$*"

sizes=small out="" work="" wine_on=1 only="" threads="" rev="" memory_on=1 cpus=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --rev) rev=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --no-wine) wine_on=0; shift ;;
        --no-memory) memory_on=0; shift ;;
        --cpus) cpus=$2; shift 2 ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "run-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
case "$sizes" in tiny|small|1g|all) ;; *) echo "run-bench: --sizes small|1g|all|tiny" >&2; exit 2 ;; esac
case "$threads" in ""|[0-9]|[0-9][0-9]) ;; *) echo "run-bench: --threads N (a number)" >&2; exit 2 ;; esac

build=${DDP_BENCH_BUILD_DIR:-$repo/build-bench}
out=$(realpath -m "${out:-$build/results}")
work=$(realpath -m "${work:-$build/work}")
mkdir -p "$out/raw" "$work"

# What the benchmark needs besides the build's own packages (scripts/bootstrap.sh): jq for the
# JSON, GNU time for CPU and peak RSS, eatmydata for the runs without fsync. Installed when
# missing and this is root on Debian; otherwise the runs that need them say so.
bench_packages=()
command -v jq >/dev/null || bench_packages+=(jq)
[ -x /usr/bin/time ] || bench_packages+=(time)
command -v eatmydata >/dev/null || bench_packages+=(eatmydata)
if [ ${#bench_packages[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    printf '== installing %s\n' "${bench_packages[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${bench_packages[@]}" >/dev/null ||
        { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${bench_packages[@]}" >/dev/null; } || true
fi
bash "$repo/scripts/bootstrap.sh" >/dev/null

say() { printf '== %s\n' "$*" >&2; }

# --- build -----------------------------------------------------------------------------
# The working tree by default (commit = HEAD, dirty when it has uncommitted changes); with
# --rev a clean export of that commit, so others' unfinished edits are not measured.
src_tree=$repo commit=$(git -C "$repo" rev-parse --short HEAD) dirty=false
if [ -n "$rev" ]; then
    sha=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
    commit=$(git -C "$repo" rev-parse --short "$sha")
    src_tree=$build/rev-$commit/src
    build=$build/rev-$commit/build
    if [ ! -f "$src_tree/CMakeLists.txt" ]; then
        mkdir -p "$src_tree"
        git -C "$repo" archive "$sha" | tar -x -C "$src_tree"
    fi
elif [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    dirty=true
fi
mingw=ON
[ "$wine_on" = 1 ] || mingw=OFF
say "building (Release) $commit$([ "$dirty" = true ] && echo ' + uncommitted changes') in $build"
cmake -S "$src_tree" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDDP_BUILD_MINGW=$mingw >/dev/null
cmake --build "$build" -j2 >/dev/null
bin_corpus=$build/bench/corpus/ddp-bench-corpus
bin_mkstore=$build/src/tools/mkstore/ddp-mkstore
bin_restore=$build/src/tools/restore/ddp-restore
bin_memrestore=$build/bench/restore/ddp-bench-restore
bin_codec=$build/bench/codec/ddp-bench-codec
win=$build/x86_64-w64-mingw32/bin
for b in "$bin_corpus" "$bin_mkstore" "$bin_restore" "$bin_memrestore" "$bin_codec"; do
    [ -x "$b" ] || { echo "run-bench: $b was not built" >&2; exit 1; }
done
restore_opts=() memory_opts=() pin=()
if [ -n "$threads" ]; then
    "$bin_restore" --help 2>&1 | grep -q -- '--threads' ||
        { echo "run-bench: this ddp-restore has no --threads option" >&2; exit 1; }
    restore_opts=(--threads "$threads")
    # ddp-bench-restore has no --help (an unknown word would be its size): look for the option's name
    ! grep -q -a -- '--threads' "$bin_memrestore" || memory_opts=(--threads "$threads")
fi
[ -z "$cpus" ] || pin=(taskset -c "$cpus")

# --- the machine ----------------------------------------------------------------------------
machine_json() {
    local cpu mem
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    mem=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
    jq -n --arg cpu "$cpu" --arg date "$(date -u +%FT%TZ)" --arg commit "$commit" --argjson dirty "$dirty" \
        --arg kernel "$(uname -r)" --arg fs "$(df -T "$work" | awk 'NR==2 {print $2}')" \
        --argjson nproc "$(nproc)" --argjson mem_kib "$mem" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
        --arg threads "${threads:-default}" --arg args "$args" --arg cpus "${cpus:-all}" \
        '{date: $date, commit: $commit, dirty: $dirty, cpu: $cpu, nproc: $nproc, mem_kib: $mem_kib,
          kernel: $kernel, work_fs: $fs, load_at_start: $load, threads_option: $threads, cpus: $cpus, arguments: $args}'
}
machine_json >"$out/machine.json"

# --- Wine prefix (once) ----------------------------------------------------------------------
wine=""
if [ "$wine_on" = 1 ]; then
    export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
    wine=$(command -v wine64 || command -v wine)
    say "Wine prefix $WINEPREFIX, registering DdpBackup.dll"
    "$wine" wineboot --init >/dev/null 2>&1 || true
    "$wine" regsvr32 /s "$(winepath -w "$win/DdpBackup.dll" 2>/dev/null)"
    wineserver -p 2>/dev/null || true   # keep the server: runs do not pay its start-up
    export DDPBACKUP_STUB_FILES=1
fi
# eatmydata (Debian package) turns fsync into a no-op: optional extra runs without durability
nosync=$(command -v eatmydata || true)

cleanup() { [ -z "$wine" ] || wineserver -k 2>/dev/null || true; }
trap cleanup EXIT

# --- helpers ------------------------------------------------------------------------------
# timed FILE CMD...: runs CMD under /usr/bin/time (CPU, peak RSS) between two nanosecond
# clock readings (wall); FILE gets "wall user sys maxrss_kib".
timed() {
    local f=$1 t0 t1; shift
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$f.ru" "$@"
    t1=$(date +%s%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}') $(cat "$f.ru")" >"$f"
}
preread() { find "$@" -type f -print0 | xargs -0 cat >/dev/null; }
drop() { rm -rf "$@"; sync; }
same_tree() { diff -rq -x "System Volume Information" "$1" "$2" >/dev/null; }

# every corpus as label:bytes:files:dedup; named label-fFILES-xDEDUP
known=()
for f in 1 100 1000; do for d in 1 5; do known+=("10M:10485760:$f:$d"); done; done
for f in 1 100 10000; do for d in 1 5; do known+=("100M:104857600:$f:$d"); done; done
for d in 1 5; do known+=("1G:1073741824:100:$d"); done
for d in 1 5; do known+=("4G:4294967296:100:$d"); done
corpus_name() { local l b f d; IFS=: read -r l b f d <<<"$1"; echo "$l-f$f-x$d"; }
corpora=()
if [ -n "$only" ]; then
    for n in ${only//,/ }; do
        found=""
        for c in "${known[@]}"; do [ "$(corpus_name "$c")" = "$n" ] && found=$c; done
        [ -n "$found" ] || { echo "run-bench: --only: no corpus named $n" >&2; exit 2; }
        corpora+=("$found")
    done
else
    for c in "${known[@]}"; do
        case "${c%%:*}:$sizes" in
            10M:tiny|100M:small|100M:1g|100M:all|1G:1g|1G:all|4G:all) corpora+=("$c") ;;
        esac
    done
fi

rows=$out/rows.jsonl
: >"$rows"

# --- per size: the in-memory engine bench ----------------------------------------------------
memory_bench() {
    local mib=$1 raw=$out/raw/bench-restore-${1}MiB.txt
    say "in-memory engine bench, $mib MiB"
    "${pin[@]}" "$bin_memrestore" "$mib" "${memory_opts[@]}" >"$raw" </dev/null
    local secs mbs reads bytes minimum seeks rss
    read -r secs mbs < <(sed -n 's/^restore: .* in \([0-9.]*\) s = \([0-9.]*\) MB\/s.*/\1 \2/p' "$raw")
    reads=$(sed -n 's/^calls: \([0-9]*\) reads.*/\1/p' "$raw")
    read -r bytes minimum seeks < <(sed -n 's/^bytes read \([0-9]*\) vs minimum \([0-9]*\) .*backward seeks \([0-9]*\)/\1 \2 \3/p' "$raw")
    rss=$(sed -n 's/^peak RSS: \([0-9]*\) KiB before.*, \([0-9]*\) KiB after/\2/p' "$raw")
    # "threads option N: C s CPU for W s wall; R coalesced runs, X reads per run" (newer builds)
    local topt=null cpu=null runs=null
    if grep -q '^threads option' "$raw"; then
        read -r topt cpu runs < <(sed -n 's/^threads option \([0-9]*\): \([0-9.]*\) s CPU for [0-9.]* s wall; \([0-9]*\) coalesced runs.*/\1 \2 \3/p' "$raw") || true
    fi
    jq -n --argjson mib "$mib" --argjson secs "$secs" --argjson mbs "$mbs" --argjson reads "$reads" \
        --argjson bytes "$bytes" --argjson minimum "$minimum" --argjson seeks "$seeks" --argjson rss "$rss" \
        --argjson topt "${topt:-null}" --argjson cpu "${cpu:-null}" --argjson runs "${runs:-null}" \
        '{mib: $mib, seconds: $secs, mb_s: $mbs, read_calls: $reads, bytes_read: $bytes, minimum: $minimum,
          backward_seeks: $seeks, peak_rss_kib_with_corpus: $rss, threads_option: $topt, cpu_seconds: $cpu,
          cpu_utilisation: (if $cpu == null then null else $cpu / $secs end), coalesced_runs: $runs,
          calls_per_run: (if ($runs // 0) > 0 then $reads / $runs else null end)}' >>"$out/memory.jsonl"
}
: >"$out/memory.jsonl"
# one in-memory run per size measured (10, 100, 1024 or 4096 MiB)
if [ "$memory_on" = 1 ]; then
    for c in "${corpora[@]}"; do echo "${c%%:*}"; done | sort -u | while read -r l; do
        case "$l" in 10M) memory_bench 10 ;; 100M) memory_bench 100 ;; 1G) memory_bench 1024 ;; 4G) memory_bench 4096 ;; esac
    done
fi

# --- per corpus ---------------------------------------------------------------------------------
for c in "${corpora[@]}"; do
    IFS=: read -r label bytes files dedup <<<"$c"
    name=${label}-f${files}-x${dedup}
    dir=$work/$name
    src=$dir/src vol=$dir/vol
    if [ ! -f "$dir/ready" ]; then
        say "$name: corpus and chunk store"
        rm -rf "$dir" && mkdir -p "$dir"
        "$bin_corpus" --bytes "$bytes" --files "$files" --dedup "$dedup" --seed 1 "$src" >"$dir/corpus.txt"
        "$bin_mkstore" --json --min-size 0 --stubs raw "$src" "$vol" >"$dir/mkstore.json"
        if [ -n "$wine" ]; then
            "$wine" "$win/ddp-sample.exe" backup "$(winepath -w "$vol")" "$(winepath -w "$dir/backup")" \
                >"$dir/backup.txt" 2>&1
        fi
        touch "$dir/ready"
    fi
    cp "$dir/mkstore.json" "$out/raw/$name-mkstore.json"
    logical=$(jq .logical_bytes "$dir/mkstore.json")
    store_bytes=$(du -sb "$vol/System Volume Information" | cut -f1)
    load=$(cut -d' ' -f1 /proc/loadavg)

    say "$name: cp -r baseline (sources pre-read into page cache)"
    preread "$src"
    # cp is cheap: three runs each, the median kept (the machine is shared)
    for i in 1 2 3; do
        drop "$dir/cp"
        timed "$out/raw/$name-cp.time.$i" cp -r "$src" "$dir/cp"
        same_tree "$src" "$dir/cp"
        drop "$dir/cp"
        # the same copy made durable (ddp-restore and the DLL fsync each file and its folder)
        timed "$out/raw/$name-cpsync.time.$i" sh -c 'cp -r "$0" "$1" && sync' "$src" "$dir/cp"
        drop "$dir/cp"
    done
    cat "$out/raw/$name-cp.time".[123] | sort -n | sed -n 2p >"$out/raw/$name-cp.time"
    cat "$out/raw/$name-cpsync.time".[123] | sort -n | sed -n 2p >"$out/raw/$name-cpsync.time"
    read -r cp_wall cp_user cp_sys cp_rss <"$out/raw/$name-cp.time"
    read -r cps_wall _ _ _ <"$out/raw/$name-cpsync.time"

    say "$name: native ddp-restore --out (three runs, the median kept)"
    preread "$vol"
    for r in 1 2 3; do
        drop "$dir/native"
        timed "$out/raw/$name-native.time.$r" "${pin[@]}" "$bin_restore" "${restore_opts[@]}" --store "$vol" \
            --stubs raw --out "$dir/native" --json --quiet "$vol" >"$out/raw/$name-native.json.$r"
        same_tree "$src" "$dir/native" || { echo "run-bench: $name: native restore differs" >&2; exit 1; }
    done
    drop "$dir/native"
    # the median run by wall time: its timing, CPU, RSS and engine report
    med=$(for r in 1 2 3; do echo "$(cut -d' ' -f1 "$out/raw/$name-native.time.$r") $r"; done | sort -n | sed -n 2p | cut -d' ' -f2)
    cp "$out/raw/$name-native.time.$med" "$out/raw/$name-native.time"
    cp "$out/raw/$name-native.json.$med" "$out/raw/$name-native.json"
    read -r n_wall n_user n_sys n_rss <"$out/raw/$name-native.time"
    ns_wall=null
    if [ -n "$nosync" ]; then   # the same restore with fsync made a no-op: the cost of durability
        timed "$out/raw/$name-native-nosync.time" "${pin[@]}" "$nosync" "$bin_restore" "${restore_opts[@]}" --store "$vol" --stubs raw \
            --out "$dir/native" --quiet "$vol"
        read -r ns_wall _ _ _ <"$out/raw/$name-native-nosync.time"
        same_tree "$src" "$dir/native" || { echo "run-bench: $name: native restore differs" >&2; exit 1; }
        drop "$dir/native"
    fi
    # everything but the per-file list: totals, stats and whatever else the report has (threads)
    jq -c 'del(.files)' "$out/raw/$name-native.json" >"$out/raw/$name-native-stats.json"

    w_wall=null w_user=null w_sys=null w_rss=null w_inner=null w_calls=null w_media=null w_ns=null
    if [ -n "$wine" ]; then
        say "$name: DdpBackup.dll under Wine (ddp-sample restore)"
        preread "$dir/backup"
        drop "$dir/wine"
        timed "$out/raw/$name-wine.time" "${pin[@]}" "$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$dir/backup")" \
            "$(winepath -w "$dir/wine")" --batch 10000 >"$out/raw/$name-wine.txt" 2>&1
        read -r w_wall w_user w_sys w_rss <"$out/raw/$name-wine.time"
        w_inner=$(sed -n 's/^restored bytes: [0-9]* in \([0-9.]*\) s.*/\1/p' "$out/raw/$name-wine.txt" | tr -d '\r')
        w_calls=$(sed -n 's/^callbacks: ReadBackupFile=\([0-9]*\) .*/\1/p' "$out/raw/$name-wine.txt" | tr -d '\r')
        w_media=$(sed -n 's/^media bytes read: \([0-9]*\) .*/\1/p' "$out/raw/$name-wine.txt" | tr -d '\r')
        same_tree "$src" "$dir/wine" || { echo "run-bench: $name: Wine restore differs" >&2; exit 1; }
        drop "$dir/wine"
        if [ -n "$nosync" ]; then
            timed "$out/raw/$name-wine-nosync.time" "${pin[@]}" "$nosync" "$wine" "$win/ddp-sample.exe" restore \
                "$(winepath -w "$dir/backup")" "$(winepath -w "$dir/wine")" --batch 10000 \
                >"$out/raw/$name-wine-nosync.txt" 2>&1
            w_ns=$(sed -n 's/^restored bytes: [0-9]* in \([0-9.]*\) s.*/\1/p' "$out/raw/$name-wine-nosync.txt" | tr -d '\r')
            same_tree "$src" "$dir/wine" || { echo "run-bench: $name: Wine restore differs" >&2; exit 1; }
            drop "$dir/wine"
        fi
    fi

    jq -c -n --arg name "$name" --arg size "$label" --argjson files "$files" --argjson dedup "$dedup" \
        --argjson logical "$logical" --argjson store_bytes "$store_bytes" --arg load "$load" \
        --slurpfile mk "$dir/mkstore.json" --slurpfile nat "$out/raw/$name-native-stats.json" \
        --argjson cp "[$cp_wall, $cp_user, $cp_sys, $cp_rss]" --argjson cps "$cps_wall" --argjson ns "$ns_wall" --argjson w_ns "${w_ns:-null}" --argjson nt "[$n_wall, $n_user, $n_sys, $n_rss]" \
        --argjson w_wall "$w_wall" --argjson w_cpu "[${w_user:-null}, ${w_sys:-null}, ${w_rss:-null}]" --argjson w_inner "${w_inner:-null}" --argjson w_calls "${w_calls:-null}" \
        --argjson w_media "${w_media:-null}" '
        ($mk[0]) as $m | ($nat[0].stats) as $s | ($nat[0]) as $rep |
        ($m.stored_bytes + $m.unique_chunks * 88 + $m.files * 112 + $m.chunks * 64) as $minimum |
        def mbs(t): if t > 0 then ($logical / 1e6 / t) else null end;
        {name: $name, size: $size, files: $files, dedup_target: $dedup, logical_bytes: $logical,
         chunks: $m.chunks, unique_chunks: $m.unique_chunks, stored_bytes: $m.stored_bytes,
         store_bytes_on_disk: $store_bytes, dedup_refs_ratio: ($m.chunks / $m.unique_chunks),
         load1: ($load | tonumber),
         cp: {wall: $cp[0], user: $cp[1], sys: $cp[2], peak_rss_kib: $cp[3], mb_s: mbs($cp[0])},
         cp_sync: {wall: $cps, mb_s: mbs($cps)},
         native: {wall: $nt[0], user: $nt[1], sys: $nt[2], peak_rss_kib: $nt[3], mb_s: mbs($nt[0]),
                  ratio_vs_cp: (if $nt[0] > 0 then $cp[0] / $nt[0] else null end),
                  ratio_vs_cp_sync: (if $nt[0] > 0 then $cps / $nt[0] else null end),
                  read_calls: $s.read_calls, bytes_read: $s.bytes_read, minimum_bytes: $minimum,
                  bytes_vs_minimum: ($s.bytes_read / $minimum), backward_seeks: $s.backward_seeks,
                  chunks_read: $s.chunks_read, chunk_refs: $s.chunk_refs, bytes_per_call: ($s.bytes_read / ([$s.read_calls, 1] | max)),
                  cpu_utilisation: (if $nt[0] > 0 then ($nt[1] + $nt[2]) / $nt[0] else null end),
                  coalesced_runs: $s.coalesced_runs,
                  calls_per_run: (if ($s.coalesced_runs // 0) > 0 then $s.read_calls / $s.coalesced_runs else null end),
                  commit_calls: $s.commit_calls,
                  threads: ($rep.threads // $s.threads // $rep.options.threads // null)},
         native_nosync: {wall: $ns, mb_s: (if $ns == null then null else mbs($ns) end),
                         ratio_vs_cp: (if $ns == null then null else $cp[0] / $ns end)},
         wine: {restorefiles_seconds_nosync: $w_ns,
                ratio_vs_cp_restorefiles_nosync: (if $w_ns == null or $w_ns == 0 then null else $cp[0] / $w_ns end),
                wall: $w_wall, user: $w_cpu[0], sys: $w_cpu[1], peak_rss_kib: $w_cpu[2],
                cpu_utilisation: (if $w_wall == null or $w_cpu[0] == null then null else ($w_cpu[0] + $w_cpu[1]) / $w_wall end),
                restorefiles_seconds: $w_inner,
                mb_s: (if $w_wall == null then null else mbs($w_wall) end),
                mb_s_restorefiles: (if $w_inner == null then null else mbs($w_inner) end),
                ratio_vs_cp: (if $w_wall == null then null else $cp[0] / $w_wall end),
                ratio_vs_cp_restorefiles: (if $w_inner == null or $w_inner == 0 then null else $cp[0] / $w_inner end),
                read_calls: $w_calls, media_bytes: $w_media}}' >>"$rows"
done

# --- decoder micro-benchmarks -----------------------------------------------------------------
say "decoder micro-benchmarks (ddp-bench-codec)"
"$bin_codec" >"$out/raw/bench-codec.txt"

# --- results ------------------------------------------------------------------------------
jq -n --slurpfile m "$out/machine.json" --slurpfile rows "$rows" --slurpfile mem "$out/memory.jsonl" \
    --rawfile codec "$out/raw/bench-codec.txt" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    '{machine: ($m[0] + {load_at_end: $load}), corpora: $rows, in_memory_engine: $mem, codec_output: $codec}' \
    >"$out/results.json"
jq -r '["corpus","files","logical_MB","refs/unique","cp_s","cp_MB/s","native_s","native_MB/s","native/cp",
        "cp_sync_s","native/cp_sync","native_nosync_s","native_nosync/cp","native_user_s","native_sys_s","native_cpu_util","native_rss_KiB","read_calls","coalesced_runs","calls_per_run","commit_calls","threads","bytes_vs_min","back_seeks",
        "wine_s","wine_MB/s","wine/cp","wine_RestoreFiles_s","wine/cp_RestoreFiles","wine_RestoreFiles_nosync_s","wine_nosync/cp_RestoreFiles","wine_read_calls","load1"],
       (.corpora[] | [.name, .files, (.logical_bytes/1e6), .dedup_refs_ratio, .cp.wall, .cp.mb_s, .native.wall,
        .native.mb_s, .native.ratio_vs_cp, .cp_sync.wall, .native.ratio_vs_cp_sync, .native_nosync.wall, .native_nosync.ratio_vs_cp, .native.user, .native.sys, .native.cpu_utilisation, .native.peak_rss_kib, .native.read_calls,
        .native.coalesced_runs, .native.calls_per_run, .native.commit_calls, .native.threads,
        .native.bytes_vs_minimum, .native.backward_seeks, .wine.wall, .wine.mb_s, .wine.ratio_vs_cp,
        .wine.restorefiles_seconds, .wine.ratio_vs_cp_restorefiles, .wine.restorefiles_seconds_nosync,
        .wine.ratio_vs_cp_restorefiles_nosync, .wine.read_calls, .load1]) | @csv' \
    "$out/results.json" >"$out/results.csv"

printf '\n%-16s %6s %8s %5s | %7s %7s %7s | %7s %7s %5s %5s %7s %5s %8s %6s %5s | %6s %6s %7s %3s | %7s %6s %6s %6s | %6s %8s\n' \
    corpus files MB dedup cp_s cpMB/s cpsy_s nat_s natMB/s x_cp x_cps natCPU util rss_KiB reads b/min runs rd/run commits thr \
    wine_s x_cp RF_s RFx_cp nsx_cp nsRFx_cp
jq -r '.corpora[] | [.name, .files, (.logical_bytes/1e6), .dedup_refs_ratio, .cp.wall, .cp.mb_s, .cp_sync.wall,
        .native.wall, .native.mb_s, .native.ratio_vs_cp, .native.ratio_vs_cp_sync, (.native.user + .native.sys),
        .native.cpu_utilisation, .native.peak_rss_kib, .native.read_calls, .native.bytes_vs_minimum,
        (.native.coalesced_runs // "-"), (if .native.calls_per_run == null then "-" else (.native.calls_per_run * 1000 | round / 1000) end),
        (.native.commit_calls // "-"), (.native.threads // "-"), (.wine.wall // 0), (.wine.ratio_vs_cp // 0), (.wine.restorefiles_seconds // 0),
        (.wine.ratio_vs_cp_restorefiles // 0), (.native_nosync.ratio_vs_cp // 0),
        (.wine.ratio_vs_cp_restorefiles_nosync // 0)] | @tsv' "$out/results.json" |
    awk -F'\t' '{printf "%-16s %6d %8.1f %5.2f | %7.3f %7.1f %7.3f | %7.3f %7.1f %5.2f %5.2f %7.2f %5.2f %8d %6d %5.3f | %6s %6s %7s %3s | %7.2f %6.2f %6.2f %6.2f | %6.2f %8.2f\n",
        $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26}'
echo
echo "in-memory engine (ddp-bench-restore):"
jq -r '.in_memory_engine[] | "  \(.mib) MiB: \(.mb_s) MB/s, \(.read_calls) reads, bytes/min \(.bytes_read / .minimum * 1000 | round / 1000), backward seeks \(.backward_seeks), CPU use \(.cpu_utilisation // "-"), coalesced runs \(.coalesced_runs // "-")"' "$out/results.json"
echo
echo "decoders (ddp-bench-codec):"
sed 's/^/  /' "$out/raw/bench-codec.txt"
echo
echo "load average at start $(jq -r .load_at_start "$out/machine.json"), at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $out/results.csv, $out/results.json"
