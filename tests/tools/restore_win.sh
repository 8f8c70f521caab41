#!/bin/sh
# restore_win.sh - ddp-restore.exe under Wine, on stub files (the raw reparse buffer as the
# file's content, as ddp-mkstore.exe --stubs raw writes them): --verify checks and leaves
# the stubs as they are, --json reports each file, --out writes copies and never the
# sources, more than 10,000 stubs go in batches, in place gives back every byte, a
# damaged container fails its file and keeps its stub, folders are walked, a missing
# path is a failure (exit 1), a usage error exits 2.
#   restore_win.sh WINE_RUN MKSTORE_EXE RESTORE_EXE
set -u
RUN=$1 MK=$2 RESTORE=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-restore-win.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
win() { printf 'Z:%s' "$1" | tr / '\\'; }    # Wine's Z: drive is the Linux root
restore() { "$RUN" "$RESTORE" "$@" 2> "$T/err"; }

mkdir -p "$T/src/d"
head -c 300000 /dev/urandom > "$T/src/d/a.bin"
head -c 200000 /dev/urandom > "$T/src/b.bin"
"$RUN" "$MK" --quiet --stubs raw "$(win "$T/src")" "$(win "$T/vol")"
rc=$?; [ $rc = 77 ] && exit 77    # wine-run.sh: no 32-bit Wine, skipped
[ $rc = 0 ] || fail "mkstore"
cp -r "$T/vol" "$T/stubs"
V=$(win "$T/vol")

restore --stub-files "$V\\b.bin"; [ $? = 2 ] || fail "no --store: not a usage error"
restore --store "$V\\nothing" --stub-files "$V\\b.bin"; [ $? = 2 ] || fail "--store not a folder: not a usage error"

# --verify: both files checked, nothing written (not even a killed call's leftover removed:
# the sources' folders stay as they are; the restore in place below removes it).
leftover=.ddprestore-0123456789abcdef-0000000000000001
printf 'left by a killed call' > "$T/vol/d/$leftover"
out=$(restore --store "$V\\" --stub-files --verify "$V\\d\\a.bin" "$V\\b.bin") || fail "verify: $(cat "$T/err")"
[ -e "$T/vol/d/$leftover" ] || fail "verify deleted a file in a source folder"
echo "$out" | grep -q "^verify: 2 files verified (0.5 MB), 0 failed" || fail "verify summary: $out"
cmp -s "$T/vol/b.bin" "$T/stubs/b.bin" && cmp -s "$T/vol/d/a.bin" "$T/stubs/d/a.bin" || fail "verify wrote"
out=$(restore --store "$V" --stub-files --verify --json "$V\\b.bin") || fail "verify --json"
echo "$out" | grep -q '"result": "S_OK".*"verified": true, "size": 200000' || fail "json: $out"

# A damaged data container: the file fails, in place its stub stays.
cp -r "$T/vol" "$T/bad"
data=$(find "$T/bad" -path '*Data*' -name '*.ccc' | head -1)
size=$(stat -c %s "$data")
printf '\377\377\377\377' | dd of="$data" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
B=$(win "$T/bad")
restore --store "$B" --stub-files --quiet "$B\\d\\a.bin" "$B\\b.bin"; [ $? = 1 ] || fail "damaged store: not exit 1"
grep -q "^FAILED " "$T/err" || fail "damaged store: no FAILED line: $(cat "$T/err")"
if ! cmp -s "$T/bad/d/a.bin" "$T/stubs/d/a.bin"; then cmp -s "$T/bad/d/a.bin" "$T/src/d/a.bin" || fail "a.bin lost"; fi
if ! cmp -s "$T/bad/b.bin" "$T/stubs/b.bin"; then cmp -s "$T/bad/b.bin" "$T/src/b.bin" || fail "b.bin lost"; fi
cmp -s "$T/bad/d/a.bin" "$T/stubs/d/a.bin" || cmp -s "$T/bad/b.bin" "$T/stubs/b.bin" || fail "the damage reached no file"

# --out: copies under OUT\<the PATH's name>, sources untouched; a file whose chunks are
# damaged leaves no copy and no temporary file; never over its own source.
out=$(restore --store "$V" --stub-files --out "$(win "$T/out")" "$V") || fail "--out: $(cat "$T/err")"
echo "$out" | grep -q "^out: 2 files restored (0.5 MB), 0 failed" || fail "--out summary: $out"
cmp -s "$T/out/vol/d/a.bin" "$T/src/d/a.bin" && cmp -s "$T/out/vol/b.bin" "$T/src/b.bin" || fail "--out copies"
cmp -s "$T/vol/b.bin" "$T/stubs/b.bin" && cmp -s "$T/vol/d/a.bin" "$T/stubs/d/a.bin" || fail "--out wrote a source"
restore --store "$B" --stub-files --quiet --out "$(win "$T/outbad")" "$B\\d\\a.bin" "$B\\b.bin"
[ $? = 1 ] || fail "--out from a damaged store: not exit 1"
[ -z "$(find "$T/outbad" -name '*.ddprestore-tmp' 2>/dev/null)" ] || fail "--out left temporary files"
[ "$(find "$T/outbad" -type f 2>/dev/null | wc -l)" -lt 2 ] || fail "--out: a damaged file was copied"
restore --store "$V" --stub-files --out "$(win "$T")" "$V"; [ $? = 2 ] || fail "--out over the sources: not exit 2"
grep -q "would be written over itself" "$T/err" || fail "--out over the sources: $(cat "$T/err")"
cmp -s "$T/vol/b.bin" "$T/stubs/b.bin" || fail "--out over the sources wrote"
[ -e "$T/vol/d/$leftover" ] || fail "--out deleted a file in a source folder"
restore --store "$V" --stub-files --verify --out "$(win "$T/o2")" "$V"; [ $? = 2 ] || fail "--out --verify: not exit 2"

# Folders are walked: stubs found, other files skipped, System Volume Information not
# entered, a file named twice restored once; a missing path is a failure (exit 1).
printf 'plain' > "$T/vol/d/plain.txt"
out=$(restore --store "$V" --stub-files --verify "$V") || fail "verify the volume: $(cat "$T/err")"
echo "$out" | grep -q "^verify: 2 files verified (0.5 MB), 0 failed, 1 other file skipped" || fail "walk: $out"
out=$(restore --store "$V" --stub-files --verify "$V\\d" "$V\\D\\A.BIN") || fail "named twice: $(cat "$T/err")"
echo "$out" | grep -q "^verify: 1 file verified" || fail "named twice: $out"
restore --store "$V" --stub-files --quiet "$V\\missing" "$V\\b.bin"; [ $? = 1 ] || fail "missing: not exit 1"
grep -q "missing: not found" "$T/err" || fail "missing: $(cat "$T/err")"
cmp -s "$T/vol/b.bin" "$T/src/b.bin" || fail "b.bin not restored next to a failure"

# More stubs than one engine call takes (10,000): copies of one stub, in two batches.
mkdir "$T/many"
seq 1 10001 | sed "s|^|$T/many/|; s|\$|.bin|" | xargs sh -c 'tee "$@" < "$0" > /dev/null' "$T/stubs/b.bin"
[ "$(find "$T/many" -type f | wc -l)" = 10001 ] || fail "10,001 stubs: not made"
out=$(restore --store "$V" --stub-files --verify "$(win "$T/many")") || fail "10,001 stubs: $(head -3 "$T/err")"
echo "$out" | grep -q "^verify: 10001 files verified (2000.2 MB), 0 failed" || fail "10,001 stubs: $out"

# In place: every byte back.
out=$(restore --store "$V" --stub-files "$V\\d") || fail "in place: $(cat "$T/err")"
echo "$out" | grep -q "^in-place: 1 file restored (0.3 MB), 0 failed" || fail "in place summary: $out"
cmp -s "$T/vol/d/a.bin" "$T/src/d/a.bin" || fail "a.bin not restored"
[ -z "$(find "$T/vol" -name '.ddprestore-*' -o -name '*.ddprestore-tmp')" ] || fail "temporary files left"
echo "ok"
