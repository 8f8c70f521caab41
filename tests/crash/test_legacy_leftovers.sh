#!/usr/bin/env bash
# What ddp-restore versions before the folder journal left after a crash
# (src/tools/restore/recover_legacy.h), on raw stubs on the local file system:
#  - ".<name>.ddprestore-XXXXXX" beside a stub that is still a stub: removed;
#  - ".<name>.ddprestore-ready" beside an ordinary file of its size (the reparse point
#    was removed, the copy did not finish): the file is completed from it, times kept;
#  - ".<cut name>.ddprestore-XXXXXX" (names over 200 bytes were cut) beside an ordinary file
#    whose name it begins: kept, reported, the run exits 1; once a person deleted it, 0;
#  - a look-alike with no such file: left alone, not reported;
#  - a ready file beside a file of its size that is not an interrupted copy of it (changed
#    since, or not ours): both kept, reported, exit 1.
#
# usage: test_legacy_leftovers.sh MKSTORE RESTORE WORKDIR
set -euo pipefail
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
mkstore=$1 restore=$2 work=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { set +e; "$restore" "$@" > /dev/null 2> "$work/err"; rc=$?; set -e; }

rm -rf "$work" && mkdir -p "$work/src"
long=$(printf 'L%.0s' $(seq 214))
cut=${long:0:200}
for name in stub.bin ready.bin "$long" other.bin; do head -c 300000 /dev/urandom > "$work/src/$name"; done
"$mkstore" --quiet --stubs raw "$work/src" "$work/vol" || fail "ddp-mkstore"
v=$work/vol

# stub.bin is still a stub: its old temporary file goes.
head -c 1000 /dev/urandom > "$v/.stub.bin.ddprestore-Ab12Cd"
# ready.bin lost its stub (zeros of its size, as after the reparse point's removal), its
# verified content waits in the ready file.
touch -d "2021-03-04 05:06:07.123456789" "$v/ready.bin"
when=$(stat -c %y "$v/ready.bin")
head -c 300000 /dev/zero > "$v/ready.bin.tmp" && touch -d "$when" "$v/ready.bin.tmp" && mv "$v/ready.bin.tmp" "$v/ready.bin"
cp "$work/src/ready.bin" "$v/.ready.bin.ddprestore-ready"
# The long name lost its stub; its content waits in a temporary file with the cut name.
head -c 300000 /dev/zero > "$v/$long"
cp "$work/src/$long" "$v/.$cut.ddprestore-Q1w2E3"
# A look-alike of nothing.
printf 'not ours\n' > "$v/.nothing.ddprestore-123456"
# A ready file beside a file of its size that was changed since (or is not ours at all):
# the file is not an interrupted copy of it, so neither is touched.
head -c 300000 /dev/urandom > "$v/edited.bin"
cp "$v/edited.bin" "$work/edited.bin"
head -c 300000 /dev/urandom > "$v/.edited.bin.ddprestore-ready"
# A file whose name is exactly the 200-byte cut, ordinary, beside the long name's
# temporary file: the long name's only copy still must not go.
head -c 5000 /dev/urandom > "$v/$cut"

run --store "$v" --stubs raw --quiet "$v"
[ $rc -eq 1 ] || { cat "$work/err"; fail "exit $rc with a leftover that may be the only copy"; }
[ ! -e "$v/.stub.bin.ddprestore-Ab12Cd" ] || fail "the old temporary file beside an intact stub was kept"
cmp -s "$v/stub.bin" "$work/src/stub.bin" || fail "stub.bin not restored"
cmp -s "$v/ready.bin" "$work/src/ready.bin" || fail "ready.bin not completed from its ready file"
[ "$(stat -c %y "$v/ready.bin")" = "$when" ] || fail "ready.bin: times not kept"
[ ! -e "$v/.ready.bin.ddprestore-ready" ] || fail "the ready file was kept after the completion"
grep -qF "RECOVERED $v/ready.bin: " "$work/err" || { cat "$work/err"; fail "the completion was not reported"; }
cmp -s "$v/.$cut.ddprestore-Q1w2E3" "$work/src/$long" || fail "the only complete copy of the long name was touched"
grep -qF "NOT REMOVED $v/.$cut.ddprestore-Q1w2E3: left by an earlier version of ddp-restore" "$work/err" ||
    { cat "$work/err"; fail "the possible only copy was not reported"; }
[ "$(cat "$v/.nothing.ddprestore-123456")" = "not ours" ] || fail "a look-alike was touched"
grep -q "nothing.ddprestore" "$work/err" && fail "a look-alike was reported"
cmp -s "$v/edited.bin" "$work/edited.bin" || fail "a changed file was overwritten from an old ready file"
[ -e "$v/.edited.bin.ddprestore-ready" ] || fail "a ready file that is not an interrupted copy's was deleted"
grep -qF "NOT RECOVERED $v/edited.bin: it differs from" "$work/err" || { cat "$work/err"; fail "edited.bin not reported"; }

# A person compared and put the content back, and deleted the leftovers: the run passes.
cp "$v/.$cut.ddprestore-Q1w2E3" "$v/$long" && rm "$v/.$cut.ddprestore-Q1w2E3" "$v/.edited.bin.ddprestore-ready"
run --store "$v" --stubs raw --quiet "$v"
[ $rc -eq 0 ] || { cat "$work/err"; fail "exit $rc once the leftover was dealt with"; }
[ "$(cat "$v/.nothing.ddprestore-123456")" = "not ours" ] || fail "a look-alike was touched"
for name in stub.bin ready.bin "$long" other.bin; do cmp -s "$v/$name" "$work/src/$name" || fail "$name differs"; done
# What a crash left on a volume mounted below a PATH is found too (the files to restore
# are listed across mount points, so their leftovers must be): root only (tmpfs).
if [ "$(id -u)" -eq 0 ] && mkdir -p "$work/top/mnt" && mount -t tmpfs tmpfs "$work/top/mnt" 2> /dev/null; then
    trap 'umount "$work/top/mnt" 2> /dev/null || true' EXIT
    printf 'left by a killed run' > "$work/top/mnt/.ddprestore-0123456789abcdef-8000000000000001"
    run --store "$v" --stubs raw --quiet "$work/top"
    [ $rc -eq 0 ] || { cat "$work/err"; fail "below a mount point: exit $rc"; }
    [ ! -e "$work/top/mnt/.ddprestore-0123456789abcdef-8000000000000001" ] ||
        fail "a leftover on a volume mounted below the PATH was not removed"
    umount "$work/top/mnt"
    echo "a leftover below a mount point was removed"
fi
echo "old leftovers: intact stub's removed, ready file completed its file, possible only copy kept and reported"
rm -rf "$work"
