#!/usr/bin/env bash
# End-to-end test of the sample backup application and the real DdpBackup.dll under Wine:
# ddp-gendata -> ddp-mkstore (stub files, small containers, stale hints) -> regsvr32 in a
# private prefix -> ddp-sample backup -> ddp-sample restore (several RestoreFiles batches)
# -> every file byte-exact, hashed by the back end the DLL chose under Wine (builtin), and
# a Win32 error printed with its message. Then a damaged container: only the files using
# it fail, their stubs stay intact, the exit status says so. Then a container missing from the backup:
# the sample's read plan leaves it out, the DLL reads what the plan does not cover
# afterwards, and exactly the files that need it fail, with DDP_E_PATH_NOT_FOUND; every
# other file is restored byte-exact.
#
# usage: test_sample_app.sh GENDATA MKSTORE SAMPLE_EXE DLL WORKDIR
set -euo pipefail
gendata=$1 mkstore=$2 sample=$3 dll=$4 work=$5

rm -rf "$work" && mkdir -p "$work"
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DDPBACKUP_STUB_FILES=1
wine=$(command -v wine64 || command -v wine)
# The server and Wine's services inherit this script's streams: end them on exit (the Debian
# package keeps wineserver out of PATH), or CTest waits for them to let go of its pipe.
trap '/usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
w() { winepath -w "$1" 2>/dev/null; }

"$gendata" --seed 3 "$work/original"
"$mkstore" --quiet --layout 0102 --container-size 4194304 --stale-hints --stubs raw "$work/original" "$work/volume"

"$wine" wineboot --init >/dev/null 2>&1 || true
"$wine" regsvr32 /s "$(w "$dll")"

# A Win32 error is said in words, not only as a number.
set +e
"$wine" "$sample" backup "$(w "$work/no-such-volume")" "$(w "$work/backup0")" > /dev/null 2> "$work/backup0.raw"
rc=$?
set -e
tr -d '\r' < "$work/backup0.raw" > "$work/backup0.err"
[ "$rc" -ne 0 ] || { echo "backup of a missing volume succeeded"; exit 1; }
grep -Eq 'error [0-9]+ \([A-Z][^)]*\)' "$work/backup0.err" && ! grep -q 'no system message' "$work/backup0.err" ||
    { echo "Win32 error without its message: $(cat "$work/backup0.err")"; exit 1; }

"$wine" "$sample" backup "$(w "$work/volume")" "$(w "$work/backup")" | tee "$work/backup.txt"
grep -q 'dedup stubs' "$work/backup.txt"

DDPBACKUP_DEBUG=1 "$wine" "$sample" restore "$(w "$work/backup")" "$(w "$work/restored")" --batch 7 \
    2> "$work/restore.trace" | tee "$work/restore.txt"
# The DLL chose its hash back end when it was loaded: builtin under Wine (BENCHMARKS.md).
tr -d '\r' < "$work/restore.trace" > "$work/restore.trace.txt"
grep -q 'chunk hashes: builtin back end' "$work/restore.trace.txt" ||
    { echo "the DLL hashed with another back end than builtin under Wine"; grep 'chunk hashes' "$work/restore.trace.txt"; exit 1; }
grep -Eq '^RestoreFiles: [0-9]+ call\(s\); [0-9]+ restored, 0 not deduplicated, 0 failed' "$work/restore.txt"
calls=$(sed -n 's/^RestoreFiles: \([0-9]*\) call.*/\1/p' "$work/restore.txt")
[ "$calls" -ge 2 ] || { echo "expected several batches, got $calls"; exit 1; }
grep -Eq 'OrderContainersRestore=[1-9]' "$work/restore.txt"

mismatches=0
while IFS= read -r -d '' f; do
    rel=${f#"$work/original"/}
    cmp -s "$f" "$work/restored/$rel" || { echo "MISMATCH $rel"; mismatches=$((mismatches + 1)); }
done < <(find "$work/original" -type f -print0)
[ "$mismatches" -eq 0 ] || { echo "$mismatches files differ"; exit 1; }
echo "all files byte-exact"

# A second backup with one data container missing (for the test after the damage one).
cp -r "$work/backup" "$work/backup-missing"

# Damage the backup: truncate one data container. Files using it fail; stubs stay.
victim=$(find "$work/backup/System Volume Information" -path '*Data*' -name '*.ccc' | sort | head -1)
truncate -s 30000 "$victim"
rm -rf "$work/restored2"
set +e
"$wine" "$sample" restore "$(w "$work/backup")" "$(w "$work/restored2")" > "$work/restore2.txt" 2> "$work/restore2.raw"
rc=$?
tr -d '\r' < "$work/restore2.raw" > "$work/restore2.err"   # Windows text output ends lines with CRLF
set -e
cat "$work/restore2.txt"
[ "$rc" -eq 1 ] || { echo "expected exit 1 after damage, got $rc"; exit 1; }
failed=$(grep -c '^FAILED' "$work/restore2.err" || true)
[ "$failed" -ge 1 ] || { echo "no file reported as failed"; exit 1; }
# Every failed file is still its stub (a dedup reparse buffer: tag 0x80000013 first).
while read -r _ code path; do
    unix=$(winepath -u "$path" 2>/dev/null)
    tag=$(od -An -tx4 -N4 "$unix" | tr -d ' ')
    [ "$tag" = "80000013" ] || { echo "failed file $unix lost its stub ($code)"; exit 1; }
done < <(grep '^FAILED' "$work/restore2.err")
echo "damaged container: $failed files failed with their stubs intact"

# A container missing from the backup (the last data container, another one than the
# damaged one above).
missing=$(find "$work/backup-missing/System Volume Information" -path '*Data*' -name '*.ccc' | sort | tail -1)
[ -n "$missing" ] || { echo "no data container in the backup"; exit 1; }
rm -f "$missing"
rm -rf "$work/restored3"
set +e
"$wine" "$sample" restore "$(w "$work/backup-missing")" "$(w "$work/restored3")" > "$work/restore3.txt" 2> "$work/restore3.raw"
rc=$?
tr -d '\r' < "$work/restore3.raw" > "$work/restore3.err"
set -e
cat "$work/restore3.txt"
[ "$rc" -eq 1 ] || { echo "expected exit 1 with a missing container, got $rc"; exit 1; }
grep -Eq 'OrderContainersRestore=[1-9]' "$work/restore3.txt"
failed=$(grep -c '^FAILED' "$work/restore3.err" || true)
[ "$failed" -ge 1 ] || { echo "no file reported as failed"; exit 1; }
other=$(grep '^FAILED' "$work/restore3.err" | grep -vc '^FAILED 0x80565304 ' || true)
[ "$other" -eq 0 ] || { echo "$other files failed with another code than DDP_E_PATH_NOT_FOUND"; exit 1; }
declare -A failed_files=()
while read -r _ code path; do
    unix=$(winepath -u "$path" 2>/dev/null)
    tag=$(od -An -tx4 -N4 "$unix" | tr -d ' ')
    [ "$tag" = "80000013" ] || { echo "failed file $unix lost its stub ($code)"; exit 1; }
    failed_files[${unix#"$work/restored3"/}]=1
done < <(grep '^FAILED' "$work/restore3.err")
mismatches=0
while IFS= read -r -d '' f; do
    rel=${f#"$work/original"/}
    [ -n "${failed_files[$rel]:-}" ] && continue
    cmp -s "$f" "$work/restored3/$rel" || { echo "MISMATCH $rel"; mismatches=$((mismatches + 1)); }
done < <(find "$work/original" -type f -print0)
[ "$mismatches" -eq 0 ] || { echo "$mismatches files differ"; exit 1; }
echo "missing container: $failed files failed with DDP_E_PATH_NOT_FOUND, stubs intact, all others byte-exact"
