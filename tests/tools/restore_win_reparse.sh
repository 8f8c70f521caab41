#!/bin/sh
# restore_win_reparse.sh - ddp-restore.exe on real dedup reparse points (the NTFS shim of
# tests/com, restore_win_reparse.c): --verify keeps every point and the zeros; --out
# writes copies and keeps the points; a damaged container fails its file, which keeps its
# point; in place gives back every byte and removes the points.
#   restore_win_reparse.sh WINE_RUN MKSTORE_EXE RESTORE_REPARSE_EXE
set -u
RUN=$1 MK=$2 TOOL=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-restore-win-reparse.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
win() { printf 'Z:%s' "$1" | tr / '\\'; }
fresh() { rm -rf "$T/vol"; cp -r "$T/stubs" "$T/vol"; }
# run ARGS...: the tool with a.bin and b.bin made reparse points first; output in $T/out.txt
run() { DDP_TEST_SHIM_STUBS="$V\\a.bin;$V\\b.bin" "$RUN" "$TOOL" "$@" > "$T/out.txt" 2> "$T/err"; }

mkdir -p "$T/src"
head -c 300000 /dev/urandom > "$T/src/a.bin"
head -c 200000 /dev/urandom > "$T/src/b.bin"
"$RUN" "$MK" --quiet --stubs raw "$(win "$T/src")" "$(win "$T/stubs")"
rc=$?; [ $rc = 77 ] && exit 77    # wine-run.sh: no 32-bit Wine, skipped
[ $rc = 0 ] || fail "mkstore"
V=$(win "$T/vol")
zeros() { head -c "$(stat -c %s "$1")" /dev/zero | cmp -s - "$1"; }

fresh
run --store "$V" --verify "$V\\a.bin" "$V\\b.bin" || fail "verify: $(cat "$T/err")"
grep -q "^verify: 2 files verified (0.5 MB), 0 failed" "$T/out.txt" || fail "verify: $(cat "$T/out.txt")"
[ "$(grep -c '^POINT' "$T/out.txt")" = 2 ] || fail "verify removed a point: $(cat "$T/out.txt")"
zeros "$T/vol/a.bin" && [ "$(stat -c %s "$T/vol/a.bin")" = 300000 ] || fail "verify wrote a.bin"

fresh
run --store "$V" --out "$(win "$T/copies")" "$V\\a.bin" "$V\\b.bin" || fail "--out: $(cat "$T/err")"
cmp -s "$T/copies/a.bin" "$T/src/a.bin" && cmp -s "$T/copies/b.bin" "$T/src/b.bin" || fail "--out copies"
[ "$(grep -c '^POINT' "$T/out.txt")" = 2 ] || fail "--out removed a point: $(cat "$T/out.txt")"

fresh
data=$(find "$T/vol" -path '*Data*' -name '*.ccc' | head -1)
size=$(stat -c %s "$data")
printf '\377\377\377\377' | dd of="$data" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run --store "$V" --quiet "$V\\a.bin" "$V\\b.bin"; [ $? = 1 ] || fail "damaged: not exit 1"
grep -q "^FAILED " "$T/err" || fail "damaged: no FAILED line"
for f in a b; do
    if grep -q "^POINT .*$f.bin" "$T/out.txt"; then zeros "$T/vol/$f.bin" || fail "$f.bin kept its point but not its zeros"
    else cmp -s "$T/vol/$f.bin" "$T/src/$f.bin" || fail "$f.bin lost its point without its content"; fi
done
grep -q '^POINT' "$T/out.txt" || fail "the damage reached no file"

fresh
run --store "$V" "$V\\a.bin" "$V\\b.bin" || fail "in place: $(cat "$T/err")"
grep -q "^in-place: 2 files restored (0.5 MB), 0 failed" "$T/out.txt" || fail "in place: $(cat "$T/out.txt")"
[ "$(grep -c '^PLAIN' "$T/out.txt")" = 2 ] || fail "in place kept a point: $(cat "$T/out.txt")"
cmp -s "$T/vol/a.bin" "$T/src/a.bin" && cmp -s "$T/vol/b.bin" "$T/src/b.bin" || fail "in place content"
echo ok
