#!/bin/sh
# How often ddp-restore opens a raw stub (issue 14): once while listing (the probe's read
# also gives the logical size) and once when the engine reads its reparse point; a third
# open per stub costs every file of a large restore a system call or four. Counted with
# strace over 20 stubs, in place and with --out; the report's byte total must still be
# the files' logical sizes.
# usage: restore_stub_opens.sh MKSTORE RESTORE
set -eu
mkstore=$1 restore=$2
command -v strace >/dev/null || { echo "FAIL: strace is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }
# LeakSanitizer cannot run under ptrace: the sanitizer build checks leaks elsewhere.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/src/sub"
bytes=0
for i in $(seq 1 20); do
    n=$((1000 + i * 337))
    head -c "$n" /dev/urandom >"$work/src/sub/f$i.bin"
    bytes=$((bytes + n))
done
"$mkstore" --quiet --min-size 0 --stubs raw "$work/src" "$work/vol"

# opens LOG: the largest number of opens of one stub path in an strace log
opens() {
    for f in "$work"/vol/sub/*.bin; do
        grep -c "open[a-z]*(.*\"$(basename "$f")\"\\|open[a-z]*(.*/sub/$(basename "$f")\"" "$1" || true
    done | sort -n | tail -1
}

strace -f -e trace=open,openat -o "$work/out.log" "$restore" --store "$work/vol" --stubs raw --quiet --json \
    --out "$work/out" "$work/vol" >"$work/out.json"
cmp -s "$work/src/sub/f7.bin" "$work/out/sub/f7.bin" || fail "--out: f7.bin differs"
most=$(opens "$work/out.log")
[ "$most" -le 2 ] || fail "--out: a stub was opened $most times (at most 2: listing, engine)"
grep -q "\"bytes\": $bytes\b\|\"bytes\":$bytes\b" "$work/out.json" ||
    fail "--out: the report's bytes are not the $bytes logical bytes: $(grep -o '"bytes": *[0-9]*' "$work/out.json" | head -3)"

cp -a "$work/vol" "$work/ip"
strace -f -e trace=open,openat -o "$work/ip.log" "$restore" --store "$work/ip" --stubs raw --quiet "$work/ip"
cmp -s "$work/src/sub/f20.bin" "$work/ip/sub/f20.bin" || fail "in place: f20.bin differs"
most=$(grep -v ddprestore "$work/ip.log" >"$work/ip-stubs.log"; opens "$work/ip-stubs.log")
[ "$most" -le 2 ] || fail "in place: a stub was opened $most times (at most 2: listing, engine)"
echo "ok: at most $most opens per stub"
