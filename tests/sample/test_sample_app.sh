#!/usr/bin/env bash
# End-to-end test of the sample backup application and the real DdpBackup.dll under Wine:
# ddp-gendata -> ddp-mkstore (stub files, small containers, stale hints) -> regsvr32 in a
# private prefix -> ddp-sample backup -> ddp-sample restore (several RestoreFiles batches)
# -> every file byte-exact. Then a damaged container: only the files using it fail, their
# stubs stay intact, the exit status says so.
#
# usage: test_sample_app.sh GENDATA MKSTORE SAMPLE_EXE DLL WORKDIR
set -euo pipefail
gendata=$1 mkstore=$2 sample=$3 dll=$4 work=$5

rm -rf "$work" && mkdir -p "$work"
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DDPBACKUP_STUB_FILES=1
wine=$(command -v wine64 || command -v wine)
trap 'wineserver -k 2>/dev/null || true' EXIT
w() { winepath -w "$1" 2>/dev/null; }

"$gendata" --seed 3 "$work/original"
"$mkstore" --quiet --layout 0102 --container-size 4194304 --stale-hints --stubs raw "$work/original" "$work/volume"

"$wine" wineboot --init >/dev/null 2>&1 || true
"$wine" regsvr32 /s "$(w "$dll")"

"$wine" "$sample" backup "$(w "$work/volume")" "$(w "$work/backup")" | tee "$work/backup.txt"
grep -q 'dedup stubs' "$work/backup.txt"

"$wine" "$sample" restore "$(w "$work/backup")" "$(w "$work/restored")" --batch 7 | tee "$work/restore.txt"
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
