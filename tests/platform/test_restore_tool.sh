#!/usr/bin/env bash
# ddp-restore end to end on raw stub files: ddp-gendata -> ddp-mkstore --stubs raw ->
# ddp-restore --verify (writes nothing), --out (sources untouched), in place; every file
# byte-exact, no temporary file left, --json report, exit codes; then a damaged and a
# missing container: exit 1, only the affected files fail, their stubs intact.
#
# usage: test_restore_tool.sh GENDATA MKSTORE RESTORE WORKDIR
set -euo pipefail
# Under the sanitizer build a report must not pass for ddp-restore's "some failed" (1).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
gendata=$1 mkstore=$2 restore=$3 work=$4

fail() { echo "FAIL: $*" >&2; exit 1; }
# Runs ddp-restore, records its exit status in $rc (never aborts the script).
run() { set +e; "$restore" "$@"; rc=$?; set -e; }
is_stub() { [ "$(od -An -tx4 -N4 "$1" | tr -d ' ')" = "80000013" ]; }
# Every file of the original tree equals its copy under $1.
same_tree() {
    local bad=0 f rel
    while IFS= read -r -d '' f; do
        rel=${f#"$work/original"/}
        cmp -s "$f" "$1/$rel" || { echo "differs: $rel" >&2; bad=1; }
    done < <(find "$work/original" -type f -print0)
    return $bad
}
json_total() { sed -n "s/.*\"totals\": {.*\"$2\": \([0-9]*\).*/\1/p" "$1"; }

rm -rf "$work" && mkdir -p "$work"
"$gendata" --seed 11 --scale 1 "$work/original" >/dev/null
mkdir -p "$work/original/odd names/deep er"
printf 'x%.0s' $(seq 1 70000) > "$work/original/odd names/deep er/with space & quote'.txt"
head -c 200000 /dev/zero > "$work/original/odd names/zeros.bin"
"$mkstore" --quiet --container-size 2097152 --stubs raw "$work/original" "$work/volume"
stubs=$(find "$work/volume" -path '*System Volume Information*' -prune -o -type f -print |
        while read -r f; do is_stub "$f" && echo "$f"; done | wc -l)
[ "$stubs" -ge 30 ] || fail "expected dedup stubs from ddp-mkstore, found $stubs"
echo "$stubs stubs"

# Usage errors.
run --verify "$work/volume" 2>/dev/null; [ $rc -eq 2 ] || fail "no --store: exit $rc"
run --store "$work/volume" --stubs nonsense "$work/volume" 2>/dev/null; [ $rc -eq 2 ] || fail "bad --stubs: exit $rc"
run --store "$work/volume" 2>/dev/null; [ $rc -eq 2 ] || fail "no PATH: exit $rc"
run --store "$work/nowhere" "$work/volume" 2>/dev/null; [ $rc -eq 2 ] || fail "missing store: exit $rc"

# --verify writes nothing.
cp -a "$work/volume" "$work/v1"
run --store "$work/v1" --verify --json "$work/v1" > "$work/verify.json"
[ $rc -eq 0 ] || fail "verify: exit $rc"
[ "$(json_total "$work/verify.json" restored)" -eq "$stubs" ] || fail "verify: not every stub checked"
diff -r "$work/volume" "$work/v1" > /dev/null || fail "verify changed the volume"

# On a terminal (script(1) gives it one) a progress bar shows files, MB, MB/s and ETA,
# ending at every file; without one (a pipe) there is no bar.
if command -v script > /dev/null; then
    script -qec "$(printf '%q ' "$restore" --store "$work/v1" --verify "$work/v1")" /dev/null > "$work/tty.txt"
    grep -aq "\[#*-*\] [0-9]*/$stubs files  [0-9.]*/[0-9.]* MB  [0-9.]* MB/s  ETA [0-9]*:[0-9][0-9]" "$work/tty.txt" ||
        fail "no progress bar on a terminal"
    grep -aq "\] $stubs/$stubs files" "$work/tty.txt" || fail "the progress bar does not end at $stubs/$stubs files"
    run --store "$work/v1" --verify "$work/v1" 2> "$work/notty.txt"
    grep -q "ETA" "$work/notty.txt" && fail "progress bar drawn without a terminal"
    echo "progress bar on a terminal only"
fi

# --out: copies byte-exact, sources untouched (the same tree relative to the store root).
run --store "$work/v1" --out "$work/out" --json "$work/v1" > "$work/out.json"
[ $rc -eq 0 ] || fail "out: exit $rc"
diff -r "$work/volume" "$work/v1" > /dev/null || fail "--out touched the sources"
[ "$(grep -c '"result": "S_OK"' "$work/out.json")" -eq "$stubs" ] || fail "out: S_OK count"
grep -q '"failed": 0' "$work/out.json" || fail "out: json totals"
# Compare what was a stub (the copies of ordinary files: tests/tools/restore_output.sh).
while IFS= read -r -d '' f; do
    rel=${f#"$work/v1"/}
    case $rel in "System Volume Information"*) continue ;; esac
    is_stub "$f" || continue
    cmp -s "$work/original/$rel" "$work/out/$rel" || fail "out differs: $rel"
done < <(find "$work/v1" -type f -print0)

# In place, with the engine's plan option too: every file byte-exact, no temp file left.
run --store "$work/v1" --quiet --plan "$work/v1"
[ $rc -eq 0 ] || fail "in place: exit $rc"
same_tree "$work/v1" || fail "in place: content differs"
[ -z "$(find "$work/v1" -name '*.ddprestore-*')" ] || fail "temporary files left"
# A second run finds nothing to restore and succeeds.
run --store "$work/v1" --json "$work/v1" > "$work/again.json"
[ $rc -eq 0 ] || fail "second run: exit $rc"
[ "$(json_total "$work/again.json" files)" -eq 0 ] || fail "second run restored again"

# A single file by path, from another working directory, case-insensitive store paths.
cp -a "$work/volume" "$work/v2"
one=$(cd "$work/v2" && find . -path ./System\ Volume\ Information -prune -o -type f -print | sort |
      while read -r f; do is_stub "$f" && echo "${f#./}" && break; done)
mv "$work/v2/System Volume Information/Dedup" "$work/v2/System Volume Information/DEDUP"
(cd "$work/v2" && run --store . --quiet "$one" && [ $rc -eq 0 ]) || fail "single file"
cmp -s "$work/original/$one" "$work/v2/$one" || fail "single file differs"

# A damaged data container: only the files using it fail, and keep their stubs.
cp -a "$work/volume" "$work/v3"
victim=$(find "$work/v3/System Volume Information" -path '*Data*' -name '*.ccc' | sort | head -1)
truncate -s 40000 "$victim"
run --store "$work/v3" --json "$work/v3" > "$work/damaged.json" 2> "$work/damaged.err"
[ $rc -eq 1 ] || fail "damaged: exit $rc"
nfail=$(json_total "$work/damaged.json" failed) nok=$(json_total "$work/damaged.json" restored)
[ "$nfail" -ge 1 ] && [ "$nok" -ge 1 ] || fail "damaged: expected some failed and some restored ($nfail/$nok)"
[ "$(grep -c '^FAILED' "$work/damaged.err")" -eq "$nfail" ] || fail "damaged: stderr lists the failures"
grep '"result": "DDP_E_' "$work/damaged.json" | grep -qv 'DDP_E_FILE_CORRUPT\|DDP_E_PATH_NOT_FOUND' &&
    fail "damaged: unexpected result code"
while IFS= read -r -d '' f; do
    rel=${f#"$work/v3"/}
    case $rel in "System Volume Information"*) continue ;; esac
    if grep -qF "\"path\": \"$f\", \"result\": \"DDP_E_" "$work/damaged.json"; then
        cmp -s "$f" "$work/volume/$rel" || fail "failed file lost its stub: $rel"
    else
        cmp -s "$f" "$work/original/$rel" || fail "restored file differs: $rel"
    fi
done < <(find "$work/v3" -type f -print0)
[ -z "$(find "$work/v3" -name '*.ddprestore-*')" ] || fail "temporary files left after failures"
echo "damaged container: $nfail files failed with their stubs intact, $nok restored"
# Restoring again once the container is back works.
cp "$work/volume/${victim#"$work/v3/"}" "$victim"
run --store "$work/v3" --quiet "$work/v3"
[ $rc -eq 0 ] || fail "retry after repair: exit $rc"
same_tree "$work/v3" || fail "retry after repair: content differs"

# A missing data container: DDP_E_PATH_NOT_FOUND for the files that need it.
cp -a "$work/volume" "$work/v4"
rm "$(find "$work/v4/System Volume Information" -path '*Data*' -name '*.ccc' | sort | tail -1)"
run --store "$work/v4" --json "$work/v4" > "$work/missing.json" 2>/dev/null
[ $rc -eq 1 ] || fail "missing container: exit $rc"
grep -q '"result": "DDP_E_PATH_NOT_FOUND"' "$work/missing.json" || fail "missing container: result code"

# A store of one file whose only (raw) chunk is damaged: no record identifies the hash
# algorithm, so with --allow-unverified the file is restored and reported as unverified
# (in place without it, it keeps its stub: test_restore_trust.sh); with
# --require-verified it fails and keeps its stub.
mkdir -p "$work/lone/src"
head -c 50000 "$work/original/odd names/deep er/with space & quote'.txt" > "$work/lone/src/only.txt"
"$mkstore" --quiet --no-compress --stubs raw "$work/lone/src" "$work/lone/volume"
data=$(find "$work/lone/volume/System Volume Information" -path '*Data*' -name '*.ccc' | head -1)
size=$(stat -c %s "$data")
printf 'Z' | dd of="$data" bs=1 seek=$((size - 100)) conv=notrunc status=none
cp -a "$work/lone/volume" "$work/lone/strict"
run --store "$work/lone/strict" --require-verified --json "$work/lone/strict" > "$work/lone/strict.json" 2>/dev/null
[ $rc -eq 1 ] || fail "require-verified: exit $rc"
grep -q '"result": "DDP_E_FILE_CORRUPT"' "$work/lone/strict.json" || fail "require-verified: result code"
cmp -s "$work/lone/strict/only.txt" "$work/lone/volume/only.txt" || fail "require-verified: stub changed"
run --store "$work/lone/volume" --allow-unverified --json "$work/lone/volume" > "$work/lone/default.json" \
    2> "$work/lone/default.err"
[ $rc -eq 0 ] || fail "unverified: exit $rc"
grep -q '"result": "S_OK".*"verified": false' "$work/lone/default.json" || fail "unverified: not reported in JSON"
grep -q '^UNVERIFIED .*only.txt: restored without hash verification' "$work/lone/default.err" ||
    fail "unverified: not reported on stderr"
is_stub "$work/lone/volume/only.txt" && fail "unverified: not restored"
[ "$(stat -c %s "$work/lone/volume/only.txt")" -eq 50000 ] || fail "unverified: wrong size"
echo "only chunk damaged: restored as unverified when allowed, refused with --require-verified"

# Target paths (SECURITY.md §2). In place, a stub with a second name is refused
# (ERROR_NOT_SUPPORTED) and both names keep it; --verify only reads it and succeeds.
cp -a "$work/volume" "$work/v5"
mapfile -t v5_stubs < <(find "$work/v5" -path '*System Volume Information*' -prune -o -type f -print | sort |
                        while read -r f; do is_stub "$f" && echo "$f"; done)
linked=${v5_stubs[0]} secret=${v5_stubs[1]}
ln "$linked" "$work/v5/second name"
run --store "$work/v5" --json "$linked" > "$work/linked.json" 2> "$work/linked.err"
[ $rc -eq 1 ] || fail "hard link: exit $rc"
grep -qF "\"path\": \"$linked\", \"result\": \"ERROR_NOT_SUPPORTED\", \"hr\": \"0x80070032\"" "$work/linked.json" ||
    fail "hard link: result"
grep -q "^FAILED .*other hard links" "$work/linked.err" || fail "hard link: message"
cmp -s "$linked" "$work/volume/${linked#"$work/v5/"}" && cmp -s "$work/v5/second name" "$linked" ||
    fail "hard link: a name lost its stub"
run --store "$work/v5" --verify --quiet "$linked"
[ $rc -eq 0 ] || fail "hard link: verify exit $rc"
# A stub we may not read fails with E_ACCESSDENIED (not skipped as "not a stub"); the
# others verify. Root reads everything, so as root ddp-restore runs as nobody (setpriv).
chmod 600 "$secret"
as_user=()
if [ "$(id -u)" -ne 0 ]; then
    chmod 000 "$secret"
elif command -v setpriv > /dev/null; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
else
    as_user=(skip)
fi
if [ "${as_user[0]:-}" = skip ] || ! "${as_user[@]}" test -r "$linked"; then
    echo "SKIPPED: unreadable stub (no setpriv, or the work folder is closed to nobody)"
else
    set +e
    "${as_user[@]}" "$restore" --store "$work/v5" --verify --json "$work/v5" > "$work/secret.json" 2> "$work/secret.err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || fail "unreadable: exit $rc"
    grep -qF "\"path\": \"$secret\", \"result\": \"E_ACCESSDENIED\", \"hr\": \"0x80070005\"" "$work/secret.json" ||
        fail "unreadable: result"
    grep -q "^FAILED .*access denied" "$work/secret.err" || fail "unreadable: message"
    [ "$(json_total "$work/secret.json" failed)" -eq 1 ] || fail "unreadable: other files failed"
    [ "$(json_total "$work/secret.json" restored)" -eq "$stubs" ] || fail "unreadable: others not verified"
    echo "target paths: hard link refused in place, unreadable stub E_ACCESSDENIED${as_user:+ (as nobody)}"
fi

# More than 10,000 stubs: two engine calls (two plans each), every file verified. The
# sources are hard links of one 40 KiB file, so this costs little disk.
# (One folder of 100 links, copied as links 100 times: few processes, which are slow to start here.)
mkdir -p "$work/many/src/d0"
head -c 40960 "$work/original/odd names/deep er/with space & quote'.txt" > "$work/many/one"
for f in $(seq 0 99); do ln "$work/many/one" "$work/many/src/d0/f$f"; done
for d in $(seq 1 100); do cp -al "$work/many/src/d0" "$work/many/src/d$d"; done
"$mkstore" --quiet --stubs raw "$work/many/src" "$work/many/volume"
run --store "$work/many/volume" --verify --json "$work/many/volume" > "$work/many.json"
[ $rc -eq 0 ] || fail "10,100 files: exit $rc"
[ "$(json_total "$work/many.json" restored)" -eq 10100 ] || fail "10,100 files: not all verified"
grep -q '"order_calls": 4,' "$work/many.json" || fail "10,100 files: expected two batches"
echo "10,100 stubs verified in two batches"

echo "ddp-restore end to end: verify, out, in place, damaged and missing containers all as expected"
rm -rf "$work"
