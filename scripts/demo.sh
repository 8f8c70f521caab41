#!/usr/bin/env bash
# The main job: optimize a data set into a Data Deduplication chunk store, back it up, and
# restore it through the real DdpBackup.dll under Wine with the sample backup application,
# then verify every file byte-exact and print a report.
#
#   bash scripts/demo.sh                 # a generated, deterministic sample data set
#   bash scripts/demo.sh --source DIR    # your own directory instead
#   options: --work DIR (default build/demo), --layout 0201|0102|0103, --hash sha256|sha512-trunc,
#            --scale N (size of the generated set), --batch N (files per RestoreFiles call)
#
# Each step is named as it starts; the long output of installing and building goes to
# WORK/demo.log. The last line is "DEMO OK", or "DEMO FAILED: <reason>" for any failure.
# --source DIR is checked first for what a Windows volume cannot hold: names that differ
# only in case, characters or names Windows forbids, paths longer than the sample
# application supports.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$(date +%s)

source_dir="" work="$repo/build/demo" layout=0103 hash=sha256 scale=1 batch=10000
step="starting" log=""

say() { printf '\n== %s\n' "$*"; }
# Every way out but success ends with one DEMO FAILED line naming the step.
fail() {
    trap - EXIT
    echo "DEMO FAILED: $*"
    exit 1
}
on_exit() {
    local rc=$?
    [ "$rc" -eq 0 ] && return
    echo "DEMO FAILED: $step (exit $rc${log:+; the log is $log})"
}
trap on_exit EXIT

usage_error() {
    echo "demo: $*" >&2
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    trap - EXIT
    echo "DEMO FAILED: $*"
    exit 2
}
needs_value() { [ $# -ge 2 ] || usage_error "$1 needs a value"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --source) needs_value "$@"; [ -d "$2" ] || usage_error "--source $2 is not a folder"
                  source_dir=$(realpath "$2"); shift 2 ;;
        --work) needs_value "$@"; work=$(realpath -m "$2"); shift 2 ;;
        --layout) needs_value "$@"; layout=$2; shift 2
                  case $layout in 0201|0102|0103) ;; *) usage_error "--layout: must be 0201, 0102 or 0103" ;; esac ;;
        --hash) needs_value "$@"; hash=$2; shift 2
                case $hash in sha256|sha512-trunc) ;; *) usage_error "--hash: must be sha256 or sha512-trunc" ;; esac ;;
        --scale) needs_value "$@"; scale=$2; shift 2
                 [[ $scale =~ ^[0-9]+$ ]] && [ "$scale" -ge 1 ] && [ "$scale" -le 1000 ] ||
                     usage_error "--scale: must be 1..1000" ;;
        --batch) needs_value "$@"; batch=$2; shift 2
                 [[ $batch =~ ^[0-9]+$ ]] && [ "$batch" -ge 1 ] && [ "$batch" -le 10000 ] ||
                     usage_error "--batch: must be 1..10000" ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; trap - EXIT; exit 0 ;;
        *) usage_error "unknown option '$1'" ;;
    esac
done
if [ -n "$source_dir" ]; then
    case $work/ in "$source_dir"/*) usage_error "--work must not be inside --source" ;; esac
fi

# The longest Windows path the sample application handles (its PATH_CHARS buffers, with
# room for the terminating zero), for the restored files: "Z:" + WORK/restored/REL.
SAMPLE_PATH_CHARS=1023
source "$repo/scripts/demo_checks.sh"
if [ -n "$source_dir" ]; then
    step="checking --source $source_dir"
    say "$step for what Windows cannot hold"
    problems=$(check_windows_names "$source_dir" $((SAMPLE_PATH_CHARS - 2 - ${#work} - 10))) ||
        { printf '%s\n' "$problems"; fail "--source holds names a Windows volume cannot hold (listed above)"; }
    echo "ok: no case-only clashes, no forbidden names, no path too long"
fi

rm -rf "$work" && mkdir -p "$work"
log=$work/demo.log
: > "$log"

# run_step NAME COMMAND...: the step's name, its output into the log, a line every 15 s
# while it runs (with the build's [N/M] when there is one), its time when done.
run_step() {
    local name=$1 pid t0 rc last waited=""
    shift
    step=$name
    printf '%s ... ' "$name"
    echo "== $name" >> "$log"
    t0=$(date +%s)
    "$@" >> "$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        if kill -0 "$pid" 2>/dev/null; then
            last=$(grep -ao '\[[0-9]*/[0-9]*\]' "$log" | tail -1 || true)
            printf '\n  still %s (%d s%s)' "$name" $(($(date +%s) - t0)) "${last:+, build step $last}"
            waited=1
        fi
    done
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] || { echo; fail "$name failed (exit $rc); the last lines of $log:$(echo; tail -n 15 "$log")"; }
    [ -z "$waited" ] || printf '\n  '
    echo "done ($(($(date +%s) - t0)) s)"
}

say "installing and building (output in $log)"
run_step "installing missing packages (scripts/bootstrap.sh)" bash scripts/bootstrap.sh
build=${DDP_BUILD_DIR:-$repo/build}
run_step "configuring the build in $build" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDDP_BUILD_MINGW=ON
run_step "building the Linux tools and the Windows DLLs (64- and 32-bit)" cmake --build "$build"
tools=$build/src/tools
win=$build/x86_64-w64-mingw32/bin
[ -f "$win/DdpBackup.dll" ] || fail "the build made no $win/DdpBackup.dll"

if [ -z "$source_dir" ]; then
    source_dir=$work/original
    step="generating the sample data set"
    say "$step (scale $scale) in $source_dir"
    "$tools/gendata/ddp-gendata" --scale "$scale" "$source_dir"
fi
# Files are counted one way everywhere: the regular files of the source tree.
files=$(find "$source_dir" -type f | wc -l)
logical=$(find "$source_dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
[ "$files" -gt 0 ] || fail "--source $source_dir holds no files"

step="optimizing into a chunk store (ddp-mkstore)"
say "$step, layout $layout, $hash"
"$tools/mkstore/ddp-mkstore" --json --layout "$layout" --hash "$hash" --stubs raw "$source_dir" "$work/volume" \
    > "$work/mkstore.json"
json() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$work/mkstore.json"; }
optimized=$(json files) copied=$(json copied_files) copied_bytes=$(json copied_bytes)
store_bytes=$(du -sb "$work/volume/System Volume Information" | cut -f1)
stub_bytes=$(find "$work/volume" -path "$work/volume/System Volume Information" -prune -o -type f -printf '%s\n' |
             awk '{s+=$1} END {print s+0}')
stub_bytes=$((stub_bytes - copied_bytes))
echo "$files files: $optimized deduplicated into the chunk store, $copied left as they are (under 32 KiB or empty)"

step="registering DdpBackup.dll in a private Wine prefix"
say "$step"
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine=$(command -v wine64 || command -v wine) || fail "no wine64 or wine on PATH"
"$wine" wineboot --init >> "$log" 2>&1 || true
dll_win=$(winepath -w "$win/DdpBackup.dll" 2>/dev/null)
set +e
"$wine" regsvr32 /s "$dll_win" >> "$log" 2>&1
reg_rc=$?
set -e
if [ "$reg_rc" -ne 0 ]; then
    fail "regsvr32 $dll_win: exit $reg_rc ($(regsvr32_meaning "$reg_rc"))"
fi
echo "registered $dll_win"

export DDPBACKUP_STUB_FILES=1   # Wine has no reparse points: stubs are stub files
step="backup with the sample application"
say "$step: volume -> backup folder"
"$wine" "$win/ddp-sample.exe" backup "$(winepath -w "$work/volume")" "$(winepath -w "$work/backup")" |
    tr -d '\r' > "$work/backup.txt"
cat "$work/backup.txt" >> "$log"
# The sample counts every file it copies, the chunk store's containers too.
backed=$(sed -n 's/^backed up: [0-9]* directories, \([0-9]*\) files.*/\1/p' "$work/backup.txt")
stubs=$(sed -n 's/.*, \([0-9]*\) dedup stubs$/\1/p' "$work/backup.txt")
echo "backed up: $((stubs + copied)) files ($stubs stubs, $copied left as they are)" \
     "and the chunk store ($((backed - copied)) files)"

step="restore through IDedupBackupSupport::RestoreFiles"
say "$step (sample application, $batch files per call)"
set +e
"$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$work/backup")" "$(winepath -w "$work/restored")" \
    --batch "$batch" 2>&1 | tr -d '\r' > "$work/restore.txt"
restore_rc=${PIPESTATUS[0]}
cat "$work/restore.txt" >> "$log"
put_back=$(sed -n 's/^tree restored: [0-9]* directories, \([0-9]*\) files.*/\1/p' "$work/restore.txt")
echo "put back from the backup: ${put_back:-0} files left as they are, $stubs stubs"
sed -n 's/^RestoreFiles: \([0-9]*\) call(s); \([0-9]*\) restored, [0-9]* not deduplicated, \([0-9]*\) failed/\1 \2 \3/p' \
    "$work/restore.txt" | while read -r calls ok bad; do
    echo "RestoreFiles: $ok of the $stubs stubs restored, $bad failed, in $calls $([ "$calls" -eq 1 ] && echo call || echo calls)"
done
grep -v '^tree restored:\|^RestoreFiles:\|^restored bytes:' "$work/restore.txt" || true   # failures, callbacks
set -e
wineserver -k 2>/dev/null || true

step="verifying every file byte-exact"
say "$step against the original"
mismatches=0
while IFS= read -r -d '' f; do
    rel=${f#"$source_dir"/}
    if ! cmp -s "$f" "$work/restored/$rel"; then
        echo "MISMATCH: $rel"
        mismatches=$((mismatches + 1))
    fi
done < <(find "$source_dir" -type f -print0)

restore_line=$(grep '^restored bytes:' "$work/restore.txt" || true)
calls_line=$(grep '^callbacks:' "$work/restore.txt" || true)
elapsed=$(($(date +%s) - started))
say "report"
awk -v f="$files" -v o="$optimized" -v c="$copied" -v l="$logical" -v s="$store_bytes" -v cb="$copied_bytes" \
    -v sb="$stub_bytes" 'BEGIN {
    d = s + cb + sb
    printf "files:              %d (%d deduplicated, %d left as they are)\n", f, o, c
    printf "logical bytes:      %d (%.1f MB, the files as the user sees them)\n", l, l / 1e6
    printf "bytes on disk:      %d (%.1f MB: chunk store %.1f MB + files left as they are %.1f MB + stubs %.1f MB)\n",
           d, d / 1e6, s / 1e6, cb / 1e6, sb / 1e6
    printf "dedup ratio:        %.2fx (logical bytes / bytes on disk)\n", (d > 0 ? l / d : 0) }'
restore_line=${restore_line#restored bytes: }
echo "restore:            ${restore_line/ in / bytes of the $stubs deduplicated files in }"
echo "${calls_line}"
echo "byte-exact:         $((files - mismatches)) of $files files"
echo "total time:         $((elapsed / 60)) min $((elapsed % 60)) s (installing and building included)"
trap - EXIT
if [ "$restore_rc" -ne 0 ] || [ "$mismatches" -ne 0 ]; then
    fail "restore exit $restore_rc, $mismatches of $files files differ from the original"
fi
echo "DEMO OK"
