#!/usr/bin/env bash
# Crashes in the commit window of an in-place restore on real NTFS (mkntfs image, ntfs-3g),
# with names of every legal kind: 214 bytes of ASCII, 68 Japanese characters (204 bytes),
# 255 UTF-16 units (255 CJK characters, 765 bytes of UTF-8), and a name whose 200-byte cut
# splits a UTF-8 character; an ordinary name, large and small files, two folders.
# crash_shim.so kills ddp-restore (SIGKILL) right after the K-th reparse point was removed
# (before any byte of the copy, or after some of its writes), or kills the ntfs-3g daemon
# with it; then the tool or the daemon is killed at random moments. The next run must
# complete every file byte-exact with the stub's times, report what it recovered and
# removed, exit 0, and leave none of its own files behind; files of other programs with
# look-alike names are never touched. The volume must be clean. Last, a crashed file's
# name is given to another file: that file stays, the content is kept, the run fails.
# Exits 77 (CTest SKIP_RETURN_CODE) with "SKIPPED: ..." where FUSE or ntfs-3g is missing.
#
# usage: test_ntfs_crash.sh MKSTORE RESTORE SHIM WORKDIR
set -euo pipefail
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:verify_asan_link_order=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
mkstore=$1 restore=$2 shim=$3 work=$4
SKIP=77
skip() { echo "SKIPPED: $*"; exit $SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -e /dev/fuse ] || skip "no FUSE (/dev/fuse is absent)"
for tool in mkntfs ntfs-3g ntfsfix getfattr; do
    command -v "$tool" > /dev/null || skip "no $tool (install ntfs-3g and attr)"
done
src=$work/src mnt=$work/mnt img=$work/vol.img pristine=$work/stubs.img
# (a dead daemon's mount answers "transport endpoint is not connected": not a mountpoint)
unmount_one() {
    if grep -qF " $1 fuse" /proc/mounts; then
        umount "$1" 2> /dev/null || fusermount -u "$1" 2> /dev/null || umount -l "$1"
    fi
}
unmount() { unmount_one "$mnt"; unmount_one "$src"; }
trap unmount EXIT
# Asked twice: right after a file's type changed, FUSE may answer EIO once (stale inode).
has_reparse() {
    getfattr -h -n system.ntfs_reparse_data "$1" > /dev/null 2>&1 ||
        getfattr -h -n system.ntfs_reparse_data "$1" > /dev/null 2>&1
}
unmount
rm -rf "$work" && mkdir -p "$src" "$mnt"

repeat() { local s="" i; for ((i = 0; i < $2; i++)); do s+=$1; done; printf '%s' "$s"; }
long_ascii=$(repeat b 214)
japanese=$(repeat 日本語のファイル名です 7)   # 70 characters, cut to 68 below
japanese=${japanese:0:68}
max_cjk=$(repeat 字 255)
split_cut=$(repeat a 199)é
names=("$long_ascii" "$japanese" "$max_cjk" "$split_cut" "ordinary.bin" "sub/small.txt" "sub/$japanese")
[ "$(printf '%s' "$japanese" | wc -c)" -eq 204 ] || fail "set-up: the Japanese name is not 204 bytes"

# The originals live on an NTFS volume too: a 765-byte name does not fit in ext4's 255 bytes.
truncate -s 64M "$work/src.img"
mkntfs -F -f -q "$work/src.img" > /dev/null 2>&1 || fail "mkntfs (source) failed"
ntfs-3g "$work/src.img" "$src" || skip "ntfs-3g cannot mount here (FUSE not usable)"
mkdir "$src/sub"
size=0
for name in "${names[@]}"; do
    size=$((size + 1))
    case $name in
        ordinary.bin) head -c 6000000 /dev/urandom > "$src/$name" ;;   # large: several copy writes
        *small.txt) head -c 40000 /dev/urandom > "$src/$name" ;;   # small, still deduplicated
        *) head -c $((100000 * size + 4097)) /dev/urandom > "$src/$name" ;;
    esac
done
truncate -s 128M "$pristine"
mkntfs -F -f -q "$pristine" > /dev/null 2>&1 || fail "mkntfs failed"
ntfs-3g "$pristine" "$mnt"
"$mkstore" --quiet --stubs xattr "$src" "$mnt" || fail "ddp-mkstore with long and Unicode names"
for name in "${names[@]}"; do
    has_reparse "$mnt/$name" || fail "not a stub: $name"
done
# Look-alikes that are not ours (wrong length, capitals, other suffix): never touched.
decoys=(".ddprestore-0123456789abcdef-0123456789abcde" ".ddprestore-0123456789ABCDEF-0123456789abcdef"
        ".ddprestore-0123456789abcdef-0123456789abcdef.tmp" ".ntfs-3g-42" ".x.ddprestore-ready")
for d in "${decoys[@]}"; do printf 'not ours\n' > "$mnt/sub/$d"; done
(cd "$mnt" && for name in "${names[@]}"; do stat -c '%y' "$name"; done) > "$work/times.txt"
umount "$mnt"

mount_ntfs() { ntfs-3g "$img" "$mnt" || fail "mount failed"; }
# Every file byte-exact with the stub's times, no reparse point, no file of ours left.
check_all() {
    local what=$1 i=0
    for name in "${names[@]}"; do
        i=$((i + 1))
        has_reparse "$mnt/$name" && fail "$what: reparse point left on $name"
        cmp -s "$src/$name" "$mnt/$name" || fail "$what: content differs: $name"
        [ "$(stat -c '%y' "$mnt/$name")" = "$(sed -n ${i}p "$work/times.txt")" ] ||
            fail "$what: times not kept on $name: $(stat -c '%y' "$mnt/$name")"
    done
    local left
    left=$(find "$mnt" -name '.ddprestore-*' | grep -v -F -e "${decoys[0]}" -e "${decoys[1]}" -e "${decoys[2]}" || true)
    [ -z "$left" ] || fail "$what: files of ours left: $left"
    for d in "${decoys[@]}"; do [ "$(cat "$mnt/sub/$d")" = "not ours" ] || fail "$what: $d was touched"; done
}

trials=0
crash_run() {   # crash_run LABEL ENV... : crash, remount, re-run, check
    local label=$1; shift
    cp --sparse=always "$pristine" "$img"
    mount_ntfs
    local daemon
    daemon=$(pgrep -n -f "ntfs-3g $img" || true)
    set +e
    # in a subshell that waits, so that the shell does not print "Killed"
    (env "$@" LD_PRELOAD="$shim" $( [ "${KILL_DAEMON:-0}" = 1 ] && echo "DDP_CRASH_DAEMON=$daemon" ) \
        "$restore" --store "$mnt" --stubs xattr --threads 1 --quiet "$mnt" > /dev/null 2> "$work/crash.err"
     exit $?) 2> /dev/null
    local rc=$?
    set -e
    [ $rc -eq 137 ] || [ $rc -eq 0 ] || { cat "$work/crash.err"; fail "$label: crashed run exit $rc"; }
    [ $rc -eq 0 ] && fail "$label: the crash point was never reached"
    unmount_one "$mnt"
    while [ -n "$daemon" ] && kill -0 "$daemon" 2> /dev/null; do sleep 0.1; done
    ntfsfix "$img" > /dev/null 2>&1 || true   # a killed daemon leaves the volume marked dirty
    mount_ntfs
    set +e
    "$restore" --store "$mnt" --stubs xattr --quiet "$mnt" > "$work/rerun.out" 2> "$work/rerun.err"
    rc=$?
    set -e
    [ $rc -eq 0 ] || { cat "$work/rerun.err"; fail "$label: re-run exit $rc"; }
    check_all "$label"
    umount "$mnt"
    ntfsfix -n "$img" > "$work/ntfsfix.txt" 2>&1 || { cat "$work/ntfsfix.txt"; fail "$label: ntfsfix -n"; }
    trials=$((trials + 1))
}

n=${#names[@]}
for ((k = 1; k <= n; k++)); do
    crash_run "removal $k" DDP_CRASH_REMOVE=$k
    grep -q '^RECOVERED ' "$work/rerun.err" || { cat "$work/rerun.err"; fail "removal $k: nothing recovered"; }
    grep -q 'removed [0-9]* files left by interrupted runs' "$work/rerun.err" ||
        { cat "$work/rerun.err"; fail "removal $k: removals not reported"; }
    grep -qF "RECOVERED $mnt/ordinary.bin:" "$work/rerun.err" && large=$k
done
[ -n "${large:-}" ] || fail "the large file was never the one crashed"
crash_run "in the large copy" DDP_CRASH_REMOVE=$large DDP_CRASH_WRITES=3
grep -qF "RECOVERED $mnt/ordinary.bin" "$work/rerun.err" || { cat "$work/rerun.err"; fail "large copy: not recovered"; }
for k in 1 3; do
    KILL_DAEMON=1 crash_run "daemon killed at removal $k" DDP_CRASH_REMOVE=$k
done
# Kills at random moments: of the tool, or of the ntfs-3g daemon (and then the tool dies on
# its dead mount), 0-0.9 s into the run (the whole run takes about a second here).
for victim_kind in tool daemon tool daemon; do
    cp --sparse=always "$pristine" "$img"
    mount_ntfs
    daemon=$(pgrep -n -f "ntfs-3g $img" || true)
    set +e
    ("$restore" --store "$mnt" --stubs xattr --quiet "$mnt" > /dev/null 2>&1 &
     pid=$!
     sleep "0.$((RANDOM % 10))"
     if [ $victim_kind = tool ]; then kill -9 $pid; else kill -9 "$daemon"; fi
     wait $pid; exit 0) 2> /dev/null
    set -e
    unmount_one "$mnt"
    while [ -n "$daemon" ] && [ $victim_kind = daemon ] && kill -0 "$daemon" 2> /dev/null; do sleep 0.1; done
    ntfsfix "$img" > /dev/null 2>&1 || true
    mount_ntfs
    set +e
    "$restore" --store "$mnt" --stubs xattr --quiet "$mnt" > /dev/null 2> "$work/rerun.err"
    rc=$?
    set -e
    [ $rc -eq 0 ] || { cat "$work/rerun.err"; fail "random kill of the $victim_kind: re-run exit $rc"; }
    check_all "random kill of the $victim_kind"
    unmount_one "$mnt"
    trials=$((trials + 1))
done

# The name of a crashed file now holds another file (another inode): its content is not
# written there; the temporary file is kept and the run fails, saying so.
cp --sparse=always "$pristine" "$img"
mount_ntfs
set +e
(env DDP_CRASH_REMOVE=1 LD_PRELOAD="$shim" "$restore" --store "$mnt" --stubs xattr --threads 1 --quiet "$mnt" \
    > /dev/null 2>&1; exit $?) 2> /dev/null
set -e
victim=""
for name in "${names[@]}"; do
    has_reparse "$mnt/$name" || { victim=$name; break; }
done
[ -n "$victim" ] || fail "replaced file: no file lost its reparse point"
rm -f "$mnt/$victim" && printf 'another file\n' > "$mnt/$victim"
set +e
"$restore" --store "$mnt" --stubs xattr --quiet "$mnt" > /dev/null 2> "$work/rerun.err"
rc=$?
set -e
[ $rc -eq 1 ] || { cat "$work/rerun.err"; fail "replaced file: exit $rc"; }
grep -qF "NOT RECOVERED $mnt/$victim: another file has its name now; its verified content is kept in .ddprestore-" "$work/rerun.err" ||
    { cat "$work/rerun.err"; fail "replaced file: not reported"; }
[ "$(cat "$mnt/$victim")" = "another file" ] || fail "replaced file: the other file was changed"
kept=$(find "$mnt" -maxdepth 1 -name '.ddprestore-*' ! -name '*.journal' | wc -l)
[ "$kept" -ge 1 ] && [ -n "$(find "$mnt" -maxdepth 1 -name '.ddprestore-*.journal')" ] ||
    fail "replaced file: its temporary file or journal was not kept"
unmount_one "$mnt"
echo "$trials crashes in the commit window: every file completed byte-exact with its times, nothing of ours left"
unmount
rm -rf "$work"
