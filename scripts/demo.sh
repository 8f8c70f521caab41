#!/usr/bin/env bash
# The main job: optimize a data set into a Data Deduplication chunk store, back it up, and
# restore it through the real DdpBackup.dll under Wine with the sample backup application,
# then verify every file byte-exact and print a report.
#
#   bash scripts/demo.sh                 # a generated, deterministic sample data set
#   bash scripts/demo.sh --source DIR    # your own directory instead
#   options: --work DIR (default build/demo), --layout 0201|0102|0103, --hash sha256|sha512-trunc,
#            --scale N (size of the generated set), --batch N (files per RestoreFiles call)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

source_dir="" work="$repo/build/demo" layout=0103 hash=sha256 scale=1 batch=10000
while [ $# -gt 0 ]; do
    case "$1" in
        --source) source_dir=$(realpath "$2"); shift 2 ;;
        --work) work=$(realpath -m "$2"); shift 2 ;;
        --layout) layout=$2; shift 2 ;;
        --hash) hash=$2; shift 2 ;;
        --scale) scale=$2; shift 2 ;;
        --batch) batch=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "demo: unknown option $1" >&2; exit 2 ;;
    esac
done

say() { printf '\n== %s\n' "$*"; }

say "installing what is missing and building (native tools + Windows DLL)"
bash scripts/bootstrap.sh >/dev/null
build=${DDP_BUILD_DIR:-$repo/build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" >/dev/null
tools=$build/src/tools
win=$build/x86_64-w64-mingw32/bin

rm -rf "$work" && mkdir -p "$work"
if [ -z "$source_dir" ]; then
    source_dir=$work/original
    say "generating a deterministic sample data set (scale $scale) in $source_dir"
    "$tools/gendata/ddp-gendata" --scale "$scale" "$source_dir"
fi
files=$(find "$source_dir" -type f | wc -l)
logical=$(find "$source_dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
echo "$files files, $logical bytes"

say "optimizing into a chunk store (ddp-mkstore, layout $layout, $hash)"
"$tools/mkstore/ddp-mkstore" --layout "$layout" --hash "$hash" --stubs raw "$source_dir" "$work/volume" | tee "$work/mkstore.txt"
store_bytes=$(du -sb "$work/volume/System Volume Information" | cut -f1)

say "a private Wine prefix, DdpBackup.dll registered with regsvr32"
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine=$(command -v wine64 || command -v wine)
"$wine" wineboot --init >/dev/null 2>&1 || true
"$wine" regsvr32 /s "$(winepath -w "$win/DdpBackup.dll" 2>/dev/null)"
echo "registered $(winepath -w "$win/DdpBackup.dll" 2>/dev/null)"

export DDPBACKUP_STUB_FILES=1   # Wine has no reparse points: stubs are stub files
say "backup (sample application): volume -> backup folder"
"$wine" "$win/ddp-sample.exe" backup "$(winepath -w "$work/volume")" "$(winepath -w "$work/backup")"

say "restore (sample application -> IDedupBackupSupport::RestoreFiles)"
set +e
"$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$work/backup")" "$(winepath -w "$work/restored")" \
    --batch "$batch" | tee "$work/restore.txt"
restore_rc=${PIPESTATUS[0]}
set -e
wineserver -k 2>/dev/null || true

say "verifying every file byte-exact against the original"
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
say "report"
awk -v f="$files" -v l="$logical" -v s="$store_bytes" 'BEGIN {
    printf "files:              %d\n", f
    printf "logical bytes:      %d (%.1f MB)\n", l, l / 1e6
    printf "stored bytes:       %d (%.1f MB, chunk store on disk)\n", s, s / 1e6
    printf "dedup ratio:        %.2fx\n", (s > 0 ? l / s : 0) }'
echo "restore:            ${restore_line#restored bytes: }"
echo "${calls_line}"
echo "byte-exact:         $((files - mismatches)) of $files files"
if [ "$restore_rc" -ne 0 ] || [ "$mismatches" -ne 0 ]; then
    echo "DEMO FAILED (restore exit $restore_rc, $mismatches mismatches)"
    exit 1
fi
echo "DEMO OK"
