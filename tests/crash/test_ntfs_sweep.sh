#!/usr/bin/env bash
# The crash-point sweep on real NTFS. An in-place restore of four stubs (a 214-byte ASCII
# name, 68 Japanese characters, an ordinary small file, a larger one) runs on an mkntfs
# image mounted by an ntfs-3g daemon whose writes to the image are logged
# (write_logger.so); crash_shim.so notes where the log stands at each removal of a reparse
# point and each unlink, which places every file's commit in the log. Then, for every write
# position inside the commits (the larger file's copy sampled; see SWEEP_STEP) and from
# the last flush before the first commit, the image is rebuilt as the daemon had written
# it up to there (crash_replay), repaired by ntfsfix, mounted, and ddp-restore is run
# again. And for every third position, a variant where each write after the last flush
# is dropped with chance 1/2 (a disk cache that lost it). Invariants after the re-run:
# every file is byte-exact with the stub's times and no reparse point, or still a stub
# reported as failed; never other content; never exit 0 unless every file was restored;
# after exit 0 nothing of ours is left. Prints the number of crash points.
# Exits 77 (CTest SKIP_RETURN_CODE) with "SKIPPED: ..." where FUSE or ntfs-3g is missing.
#
# usage: test_ntfs_sweep.sh MKSTORE RESTORE SHIM LOGGER REPLAY WORKDIR
set -euo pipefail
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:verify_asan_link_order=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
mkstore=$1 restore=$2 shim=$3 logger=$4 replay=$5 work=$6
SWEEP_STEP=${SWEEP_STEP:-3}   # every write of the small commits; every 3rd of the large copy
SKIP=77
skip() { echo "SKIPPED: $*"; exit $SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -e /dev/fuse ] || skip "no FUSE (/dev/fuse is absent)"
for tool in mkntfs ntfs-3g ntfsfix getfattr; do
    command -v "$tool" > /dev/null || skip "no $tool (install ntfs-3g and attr)"
done
src=$work/src mnt=$work/mnt pristine=$work/stubs.img img=$work/crash.img
unmount_one() {
    if grep -qF " $1 fuse" /proc/mounts; then
        umount "$1" 2> /dev/null || fusermount -u "$1" 2> /dev/null || umount -l "$1"
    fi
}
trap 'unmount_one "$mnt"' EXIT
unmount_one "$mnt"
rm -rf "$work" && mkdir -p "$src" "$mnt"
has_reparse() {
    getfattr -h -n system.ntfs_reparse_data "$1" > /dev/null 2>&1 ||
        getfattr -h -n system.ntfs_reparse_data "$1" > /dev/null 2>&1
}

repeat() { local s="" i; for ((i = 0; i < $2; i++)); do s+=$1; done; printf '%s' "$s"; }
japanese=$(repeat 日本語のファイル名です 7)
japanese=${japanese:0:68}
names=("$(repeat b 214)" "$japanese" "ordinary.bin" "large.bin")
head -c 50000 /dev/urandom > "$src/${names[0]}"
head -c 45000 /dev/urandom > "$src/${names[1]}"
head -c 40000 /dev/urandom > "$src/${names[2]}"
head -c 400000 /dev/urandom > "$src/${names[3]}"
truncate -s 64M "$pristine"
mkntfs -F -f -q "$pristine" > /dev/null 2>&1 || fail "mkntfs failed"
ntfs-3g "$pristine" "$mnt" || skip "ntfs-3g cannot mount here (FUSE not usable)"
"$mkstore" --quiet --stubs xattr "$src" "$mnt" || fail "ddp-mkstore"
for name in "${names[@]}"; do has_reparse "$mnt/$name" || fail "not a stub: $name"; done
(cd "$mnt" && for name in "${names[@]}"; do stat -c '%y' "$name"; done) > "$work/times.txt"
umount "$mnt"

# The recorded run.
cp --sparse=always "$pristine" "$img"
LD_PRELOAD="$logger" DDP_WLOG="$work/log" DDP_WLOG_IMAGE="$img" ntfs-3g "$img" "$mnt"
LD_PRELOAD="$shim" DDP_MARK_LOG="$work/log" DDP_MARKS="$work/marks" \
    "$restore" --store "$mnt" --stubs xattr --threads 1 --quiet "$mnt" || fail "the recorded restore failed"
unmount_one "$mnt"
sleep 0.3
cp --sparse=always "$pristine" "$work/check.img"
"$replay" apply "$work/log" "$work/check.img" 999999999
cmp -s "$work/check.img" "$img" || fail "replaying the whole log does not give the image (logger broken)"
rm -f "$work/check.img"
read -r writes flushes < <("$replay" count "$work/log")
echo "recorded: $writes writes, $flushes flushes of the image"

# Crash points: the commit windows [before removal K, after the unlink ending it].
pos=() windows=0
prev=""
first_r=""
while read -r kind byte; do
    idx=$("$replay" index "$work/log" "$byte")
    if [ "$kind" = R ]; then prev=$idx; [ -n "$first_r" ] || first_r=$idx; fi
    if [ "$kind" = U ] && [ -n "$prev" ]; then
        windows=$((windows + 1))
        span=$((idx - prev))
        step=1; [ $span -gt 100 ] && step=$SWEEP_STEP
        for ((k = prev; k <= idx; k += step)); do pos+=("$k"); done
        pos+=("$idx")
        prev=""
    fi
done < "$work/marks"
[ "$windows" -ge 4 ] || fail "only $windows commit windows found in the marks"
# From the last flush before the first removal (the journal and its folder sync) to it.
last_flush=$("$replay" flushes "$work/log" | awk -v r="$first_r" '$1 < r' | tail -1)
for ((k = ${last_flush:-$first_r}; k < first_r; k++)); do pos+=("$k"); done
mapfile -t pos < <(printf '%s\n' "${pos[@]}" | sort -n -u)
echo "crash points: ${#pos[@]} write positions in $windows commit windows (+ $(( (${#pos[@]} + 2) / 3 )) with dropped writes)"

points=0 restored_all=0 partial=0 unmountable=0 broken=0 ghost=0
check_point() {   # check_point K [SEED]
    local k=$1 seed=${2:-} label="crash at write $1${2:+ (dropped writes, seed $2)}"
    cp --sparse=always "$pristine" "$img"
    "$replay" apply "$work/log" "$img" "$k" $seed
    ntfsfix "$img" > /dev/null 2>&1 || true
    if ! ntfs-3g "$img" "$mnt" 2> /dev/null; then
        [ -n "$seed" ] || fail "$label: the volume cannot be mounted after ntfsfix"
        unmountable=$((unmountable + 1)); points=$((points + 1)); return
    fi
    set +e
    "$restore" --store "$mnt" --stubs xattr --json "$mnt" > "$work/rerun.json" 2> "$work/rerun.err"
    local rc=$? i=0 failed=0 name left unreadable f
    set -e
    for name in "${names[@]}"; do
        i=$((i + 1))
        if has_reparse "$mnt/$name"; then
            failed=$((failed + 1))
            grep -qF "\"path\": \"$mnt/$name\", \"result\": \"S_OK\"" "$work/rerun.json" &&
                fail "$label: $name reported restored but still a stub"
            [ $rc -ne 0 ] || fail "$label: exit 0 with $name still a stub"
        else
            cmp -s "$src/$name" "$mnt/$name" || { cat "$work/rerun.err"; fail "$label: WRONG CONTENT in $name"; }
            [ "$(stat -c '%y' "$mnt/$name")" = "$(sed -n ${i}p "$work/times.txt")" ] ||
                fail "$label: times of $name not kept"
        fi
    done
    if [ $rc -eq 0 ]; then
        # A name of ours that can be looked at must be gone. One that cannot (EIO: the
        # crash image cut ntfs-3g, which has no journal, in the middle of an index update
        # that ntfsfix does not repair) is counted apart: that volume needs chkdsk.
        left=0 unreadable=0
        while IFS= read -r f; do
            if stat "$f" > /dev/null 2>&1; then left=$((left + 1)); else unreadable=$((unreadable + 1)); fi
        done < <(find "$mnt" -name '.ddprestore-*' -print 2> /dev/null)
        [ "$left" -eq 0 ] || { cat "$work/rerun.err"; ls -la "$mnt" || true; fail "$label: files of ours left after exit 0"; }
        [ "$unreadable" -eq 0 ] || ghost=$((ghost + 1))
        restored_all=$((restored_all + 1))
    else
        if [ $failed -eq 0 ]; then
            # every file restored: the failure must be a file of ours the file system cannot
            # show or read (kept, reported)
            grep -q -e '^NOT REMOVED .*/\.ddprestore-' -e '^NOT RECOVERED: the restore journal .* cannot be read' \
                -e '^NOT CHECKED ' \
                "$work/rerun.err" ||
                { cat "$work/rerun.err"; fail "$label: exit $rc with every file restored"; }
            broken=$((broken + 1))
        else
            partial=$((partial + 1))
        fi
    fi
    unmount_one "$mnt"
    points=$((points + 1))
}
n=0
for k in "${pos[@]}"; do
    check_point "$k"
    if [ $((n % 3)) -eq 0 ]; then check_point "$k" "$((k * 7 + 1))"; fi
    n=$((n + 1))
done
echo "crash-point sweep: $points crash images; re-run restored every file in $restored_all" \
     "(of which $ghost left an unreadable folder entry of ours: a volume needing chkdsk)," \
     "failed some files cleanly (stubs kept, exit 1) in $partial, restored every file but" \
     "reported a file of ours the file system could not show or read (exit 1) in $broken," \
     "volume unmountable after" \
     "dropped writes in $unmountable; never wrong content, never exit 0 with a stub left"
unmount_one "$mnt"
rm -rf "$work"
