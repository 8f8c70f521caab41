#!/bin/sh
# mkstore_cli.sh - ddp-mkstore end to end (native): exit codes, sorted walk and
# determinism (two runs give identical trees), --min-size copies, raw stubs of the
# chosen layout, the store's folders and names, --json; and, when ddp-restore is built,
# every stub verified by the restore engine. Then --force over an existing store, the
# summary's skipped and empty counts, and that a refused or failed run leaves nothing.
#   mkstore_cli.sh MKSTORE [RESTORE]
set -u
MK=$1
RESTORE=${2:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-mkstore-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Usage errors: 2.
"$MK" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no arguments should exit 2"
"$MK" --layout 0301 a b >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad layout should exit 2"
"$MK" --hash md5 a b >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad hash should exit 2"
"$MK" --bogus a b >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option should exit 2"
"$MK" --help >/dev/null 2>&1 || fail "--help should exit 0"
# A missing source: 1.
"$MK" --quiet "$T/none" "$T/out" >/dev/null 2>&1; [ $? -eq 1 ] || fail "missing SRC_DIR should exit 1"

mkdir -p "$T/src/b/deep" "$T/src/a"
head -c 200000 /dev/urandom > "$T/src/a/random.bin"
cp "$T/src/a/random.bin" "$T/src/b/deep/copy.bin"
i=0; while [ $i -lt 3000 ]; do echo "row $i: the quick brown fox"; i=$((i + 1)); done > "$T/src/b/text.txt"
printf 'tiny' > "$T/src/a/tiny.txt"
: > "$T/src/empty"

for layout in 0201 0102 0103; do
    rm -rf "$T/d1" "$T/d2"
    "$MK" --quiet --layout $layout --stale-hints --container-size 150000 "$T/src" "$T/d1" || fail "build $layout"
    "$MK" --quiet --layout $layout --stale-hints --container-size 150000 "$T/src" "$T/d2" || fail "rebuild $layout"
    diff -r "$T/d1" "$T/d2" >/dev/null || fail "two builds differ ($layout)"
    case $layout in 0201) want=132 ;; 0102) want=264 ;; 0103) want=396 ;; esac
    for f in a/random.bin b/deep/copy.bin b/text.txt; do
        size=$(wc -c < "$T/d1/$f")
        [ "$size" -eq $want ] || fail "$f stub is $size bytes, not $want ($layout)"
    done
    cmp -s "$T/d1/a/tiny.txt" "$T/src/a/tiny.txt" || fail "small file not copied"
    [ -f "$T/d1/empty" ] && [ ! -s "$T/d1/empty" ] || fail "empty file not copied"
    store="$T/d1/System Volume Information/Dedup/ChunkStore/{6464705F-7473-6F72-8000-0000DD500001}.ddp"
    [ -f "$store/Data/00000001.00000001.ccc" ] || fail "no Data container 1"
    [ -f "$store/Data/00000002.00000001.ccc" ] || fail "container size: no Data container 2"
    [ -f "$store/Stream/00010000.00000001.ccc" ] || fail "no Stream container"
    if [ -n "$RESTORE" ] && [ -x "$RESTORE" ]; then
        "$RESTORE" --quiet --store "$T/d1" --stubs raw --out "$T/r" "$T/d1/a" "$T/d1/b" >/dev/null ||
            fail "ddp-restore rejected the stubs ($layout)"
        for f in a/random.bin b/deep/copy.bin b/text.txt; do
            restored=$(find "$T/r" -path "*$f" | head -n 1)
            [ -n "$restored" ] && cmp -s "$restored" "$T/src/$f" || fail "$f restored differently ($layout)"
        done
        rm -rf "$T/r"
    fi
done

# --json: one object with the counts; the copy of random.bin shares its chunks.
out=$("$MK" --json --min-size 1 "$T/src" "$T/d3") || fail "json build"
echo "$out" | grep -q '"files": 4' || fail "json: files ($out)"
echo "$out" | grep -q '"copied_files": 1' || fail "json: copied_files ($out)"
echo "$out" | grep -q '"empty_files": 0' || fail "json: empty_files ($out)"
chunks=$(echo "$out" | sed 's/.*"chunks": \([0-9]*\).*/\1/')
unique=$(echo "$out" | sed 's/.*"unique_chunks": \([0-9]*\).*/\1/')
[ "$unique" -lt "$chunks" ] || fail "no dedup: $unique unique of $chunks"
# DEST_ROOT inside SRC_DIR is refused, and leaves no folder behind in the source.
"$MK" --quiet "$T/src" "$T/src/out" >/dev/null 2>&1; [ $? -eq 1 ] || fail "DEST_ROOT inside SRC_DIR accepted"
[ ! -e "$T/src/out" ] || fail "a refused run left $T/src/out behind"

# A folder that already holds a chunk store needs --force; the refusal names the store.
err=$("$MK" --quiet "$T/src" "$T/d3" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] || fail "existing store: exit $rc, not 1"
case $err in *"already holds a chunk store"*"--force"*) ;; *) fail "existing store: message '$err'" ;; esac
"$MK" --quiet --force --min-size 1 "$T/src" "$T/d3" || fail "--force over an existing store"

# The summary counts what the walk skipped and the empty files it copied.
mkdir -p "$T/odd/sub" "$T/odd/hollow"
head -c 100000 /dev/urandom > "$T/odd/sub/data.bin"
: > "$T/odd/none1"; : > "$T/odd/sub/none2"
ln -s sub "$T/odd/dirlink"; ln -s none1 "$T/odd/filelink"
mkfifo "$T/odd/pipe" 2>/dev/null || fail "mkfifo"
out=$("$MK" "$T/odd" "$T/d4") || fail "build with links and specials"
echo "$out" | grep -q "^files copied: *2 (0 bytes, under --min-size; 2 of them empty)" || fail "empty copies: $out"
echo "$out" | grep -q "^skipped: *2 symbolic links, 1 special file, 1 empty folder" || fail "skipped: $out"
out=$("$MK" --json "$T/odd" "$T/d5") || fail "json build with links and specials"
for kv in '"copied_empty_files": 2' '"skipped_links": 2' '"skipped_special_files": 1' '"skipped_empty_folders": 1'; do
    echo "$out" | grep -q "$kv" || fail "json: $kv missing ($out)"
done

# A failed run takes back what it wrote: no stubs, no copies, no half store. (A file
# where the run needs a folder makes the second file's folder fail after the first
# file and the store's containers were written.)
mkdir -p "$T/d6" && echo keep > "$T/d6/sub"
"$MK" --quiet --min-size 1 "$T/odd" "$T/d6" >/dev/null 2>"$T/d6.err"; rc=$?
[ $rc -eq 1 ] || fail "failing build: exit $rc"
grep -q "removed what this run had written" "$T/d6.err" || fail "failing build: no word on the clean-up"
[ "$(cd "$T/d6" && find . | sort | tr '\n' ' ')" = ". ./sub " ] || fail "failed run left: $(cd "$T/d6" && find .)"
echo "ok"
