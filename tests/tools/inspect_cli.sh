#!/bin/sh
# inspect_cli.sh - ddp-inspect on a store ddp-mkstore wrote: smap --sequence finds a
# record through the Rrtl when the container has an entry for it (--stale-hints) and by
# a scan of the records when it has none (the default store lists no records there);
# an absent sequence number is exit 1; a directory argument says "is a directory"; a
# header CRC-64 that matches neither variant is a warning line, exit 0.
#   inspect_cli.sh MKSTORE INSPECT
set -u
MK=$1 INSPECT=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-inspect-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$T/src"
for i in 1 2 3 4 5 6; do head -c 90000 /dev/urandom > "$T/src/f$i.bin"; done
"$MK" --quiet "$T/src" "$T/plain" || fail "mkstore"
"$MK" --quiet --stale-hints "$T/src" "$T/stale" || fail "mkstore --stale-hints"
plain=$(find "$T/plain" -path '*Stream*' -name '*.ccc') stale=$(find "$T/stale" -path '*Stream*' -name '*.ccc')
"$INSPECT" container "$plain" | grep -q "count *0$" || fail "expected an empty Rrtl in the default store"

# By a scan: no Rrtl entry.
"$INSPECT" smap "$plain" --sequence 4 > "$T/out" 2> "$T/err" || fail "--sequence 4 (scan): exit $?, $(cat "$T/err")"
grep -q "found_by *record scan" "$T/out" || fail "scan: not said how it was found"
grep -q "sequence *0x4$" "$T/out" || fail "scan: not record 4: $(cat "$T/out")"
# Through the Rrtl.
"$INSPECT" --json smap "$stale" --sequence 0x4 > "$T/out" || fail "--sequence 4 (Rrtl)"
grep -q '"found_by":"rrtl"' "$T/out" || fail "rrtl: $(head -c 300 "$T/out")"
grep -q '"sequence":{"offset":[0-9]*,"value":4}' "$T/out" || fail "rrtl: not record 4"
# Neither.
"$INSPECT" smap "$plain" --sequence 999 > /dev/null 2> "$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "sequence number neither in the Rrtl nor in the records" "$T/err" || fail "absent: $rc $(cat "$T/err")"

# A directory.
"$INSPECT" "$T/src" > /dev/null 2> "$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "^ddp-inspect: $T/src: is a directory$" "$T/err" || fail "directory: $rc $(cat "$T/err")"
"$INSPECT" container "$T/src" > /dev/null 2> "$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "is a directory" "$T/err" || fail "directory (container): $rc $(cat "$T/err")"

# CRC-64 of neither variant: the Cthr's (at 0x38) and the first record's (its header ends
# with it: 0x5260 + 104 - 8).
# Each byte is inverted, so the CRC changes whatever the byte was (writing a fixed 0xff left
# it intact when the byte already was 0xff: 1 run in 256 failed).
flip() {
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf %o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
cp "$plain" "$T/bad.ccc"
flip "$T/bad.ccc" $((0x38))
flip "$T/bad.ccc" $((0x5260 + 104 - 8))
"$INSPECT" container --records "$T/bad.ccc" > "$T/out" 2> "$T/err" || fail "bad CRC: exit $?"
grep -q "crc64_match *none" "$T/out" || fail "bad CRC: not shown as none"
grep -q "^ddp-inspect: $T/bad.ccc: offset 0x38: warning: Cthr header CRC-64 matches neither known variant" "$T/err" ||
    fail "no warning for the Cthr CRC: $(cat "$T/err")"
grep -q "offset 0x52c0: warning: record header CRC-64" "$T/err" || fail "no warning for the record CRC: $(cat "$T/err")"
[ "$(wc -l < "$T/err")" -eq 2 ] || fail "more warnings than damage: $(cat "$T/err")"
"$INSPECT" container --records "$plain" 2> "$T/err" > /dev/null && [ ! -s "$T/err" ] || fail "warnings for a good container"
echo "ok"
