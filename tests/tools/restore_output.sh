#!/bin/sh
# restore_output.sh - what ddp-restore tells and leaves: one FAILED line per failed file
# (its path once, the result's name and code, the reason, container names with '/'),
# counts with correct plurals, "verified" for --verify; --out gives the whole tree
# (ordinary files, links and empty folders copied; --stubs-only: stubs only), and a copy
# that fails is a FAILED line and exit 1; restored files keep runs of zero chunks as
# holes (sparse) and the stub's modification time.
#   restore_output.sh MKSTORE RESTORE
set -u
MK=$1 RESTORE=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-restore-output.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$T/src/docs" "$T/src/empty" "$T/src/zeros"
head -c 300000 /dev/urandom > "$T/src/docs/a.bin"
head -c 200000 /dev/urandom > "$T/src/docs/b.bin"
printf 'small file' > "$T/src/docs/note.txt"
ln -s docs/note.txt "$T/src/link"
# 8 MiB of zeros between two random pieces: the restored file must not allocate them.
{ head -c 100000 /dev/urandom; head -c 8388608 /dev/zero; head -c 100000 /dev/urandom; } > "$T/src/zeros/z.bin"
"$MK" --quiet --stubs raw "$T/src" "$T/vol" || fail "mkstore"
mkdir "$T/vol/empty" && ln -s docs/note.txt "$T/vol/link"   # ddp-mkstore skips both
touch -d '2021-03-04 05:06:07' "$T/vol/docs/a.bin"
want_mtime=$(stat -c %Y "$T/vol/docs/a.bin")

# --verify: "verified", plurals.
out=$("$RESTORE" --store "$T/vol" --verify "$T/vol") || fail "verify"
echo "$out" | grep -q "^verify: 3 files verified ([0-9.]* MB), 0 failed, 2 other files skipped in " || fail "verify summary: $out"
out=$("$RESTORE" --store "$T/vol" --verify "$T/vol/docs/a.bin") || fail "verify one"
echo "$out" | grep -q "^verify: 1 file verified (" || fail "verify one: $out"

# --out: the whole tree.
"$RESTORE" --quiet --store "$T/vol" --out "$T/out" "$T/vol" || fail "--out"
diff -r --no-dereference "$T/src" "$T/out" > "$T/diff" 2>&1 || fail "--out is not the whole tree: $(cat "$T/diff")"
[ -L "$T/out/link" ] && [ "$(readlink "$T/out/link")" = docs/note.txt ] || fail "--out: the link was not made again"
[ -d "$T/out/empty" ] || fail "--out: the empty folder is missing"
[ "$(stat -c %Y "$T/out/docs/a.bin")" = "$want_mtime" ] || fail "--out: not the stub's modification time"
alloc=$(( $(stat -c %b "$T/out/zeros/z.bin") * $(stat -c %B "$T/out/zeros/z.bin") ))
[ "$alloc" -lt 2000000 ] || fail "--out: the zero chunks were written ($alloc bytes allocated)"
out=$("$RESTORE" --store "$T/vol" --out "$T/out2" --stubs-only "$T/vol") || fail "--stubs-only"
[ ! -e "$T/out2/docs/note.txt" ] && [ ! -e "$T/out2/link" ] && [ -f "$T/out2/docs/b.bin" ] || fail "--stubs-only copied others"
echo "$out" | grep -q "2 other files skipped" || fail "--stubs-only summary: $out"
# A copy that cannot be made: a FAILED line naming it, exit 1.
mkdir -p "$T/out3" && : > "$T/out3/docs"
"$RESTORE" --quiet --store "$T/vol" --out "$T/out3" "$T/vol" 2> "$T/err"; rc=$?
[ $rc -eq 1 ] || fail "copy failure: exit $rc"
grep -q "^FAILED $T/vol/docs/note.txt: copy: " "$T/err" || fail "copy failure: $(cat "$T/err")"

# In place: sparse and the stub's time too.
cp -a "$T/vol" "$T/inplace"
"$RESTORE" --quiet --store "$T/inplace" "$T/inplace" || fail "in place"
cmp -s "$T/inplace/zeros/z.bin" "$T/src/zeros/z.bin" || fail "in place: content"
alloc=$(( $(stat -c %b "$T/inplace/zeros/z.bin") * $(stat -c %B "$T/inplace/zeros/z.bin") ))
[ "$alloc" -lt 2000000 ] || fail "in place: the zero chunks were written ($alloc bytes allocated)"
[ "$(stat -c %Y "$T/inplace/docs/a.bin")" = "$want_mtime" ] || fail "in place: not the stub's modification time"

# Failures: one line per file, the path once, '/' in container names, errors in words.
cp -a "$T/vol" "$T/bad"
rm "$T/bad/System Volume Information/Dedup/ChunkStore/"*/Data/*.ccc
"$RESTORE" --store "$T/bad" --verify "$T/bad" > "$T/sum" 2> "$T/err"; rc=$?
[ $rc -eq 1 ] || fail "missing data: exit $rc"
[ "$(grep -c '^FAILED ' "$T/err")" -eq 3 ] || fail "missing data: not 3 FAILED lines: $(cat "$T/err")"
while read -r line; do
    path=$(echo "$line" | sed 's/^FAILED \([^:]*\): .*/\1/')
    [ "$(echo "$line" | grep -o -F "$path" | wc -l)" -eq 1 ] || fail "path more than once: $line"
    echo "$line" | grep -Eq "^FAILED [^:]+: DDP_E_[A-Z_]+ \(0x[0-9a-f]{8}\): .+" || fail "not PATH: CODE (0x..): reason: $line"
done < "$T/err"
grep -q '\\' "$T/err" && fail "a backslash in: $(cat "$T/err")"
grep -q "could not be read (error 0x80070002: file not found)" "$T/err" || fail "a Win32 error without words: $(cat "$T/err")"
grep -q "^verify: 0 files verified (0.0 MB), 3 failed, 2 other files skipped" "$T/sum" || fail "failure summary: $(cat "$T/sum")"
echo "ok"
