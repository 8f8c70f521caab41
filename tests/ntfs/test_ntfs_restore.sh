#!/usr/bin/env bash
# Real NTFS end to end: an NTFS image made with mkntfs, mounted with ntfs-3g (FUSE),
# filled by ddp-mkstore --stubs xattr (reparse points in system.ntfs_reparse_data),
# unmounted and mounted again; then ddp-restore: --verify and --out leave the stubs alone,
# a damaged container fails only its files (reparse points intact), and the restore in
# place makes every file byte-exact with no reparse point left; the volume is clean
# (ntfsfix -n) after unmounting, and the content survives another mount.
# Exits 77 (CTest SKIP_RETURN_CODE) with "SKIPPED: ..." where FUSE or ntfs-3g is missing.
#
# ddp-inspect reads a stub's reparse point from its attribute (--xattr) on the mount.
# Crashes in the middle of a commit: test_ntfs_crash.sh.
#
# usage: test_ntfs_restore.sh GENDATA MKSTORE RESTORE WORKDIR INSPECT
set -euo pipefail
# Under the sanitizer build a report must not pass for ddp-restore's "some failed" (1).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
gendata=$1 mkstore=$2 restore=$3 work=$4 inspect=$5
SKIP=77

skip() { echo "SKIPPED: $*"; exit $SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { set +e; "$restore" "$@"; rc=$?; set -e; }

[ -e /dev/fuse ] || skip "no FUSE (/dev/fuse is absent)"
for tool in mkntfs ntfs-3g ntfsfix getfattr; do
    command -v "$tool" > /dev/null || skip "no $tool (install ntfs-3g and attr)"
done

img=$work/ntfs.img mnt=$work/mnt
unmount() {
    if mountpoint -q "$mnt" 2>/dev/null; then
        umount "$mnt" 2>/dev/null || fusermount -u "$mnt" 2>/dev/null || umount -l "$mnt"
    fi
}
trap unmount EXIT
mount_ntfs() { ntfs-3g "$img" "$mnt" || skip "ntfs-3g cannot mount here (FUSE not usable)"; }
# Asked twice: right after a file's type changed, FUSE may answer EIO once (stale inode).
has_reparse() {
    getfattr -h -n system.ntfs_reparse_data "$1" > /dev/null 2>&1 ||
        getfattr -h -n system.ntfs_reparse_data "$1" > /dev/null 2>&1
}
# The files of the original tree that ddp-mkstore turned into stubs (recorded before restoring).
stub_list=$work/stubs.txt

unmount
rm -rf "$work" && mkdir -p "$work" "$mnt"
truncate -s 256M "$img"
mkntfs -F -f -q "$img" > /dev/null 2>&1 || fail "mkntfs failed"
"$gendata" --seed 21 --scale 1 "$work/original" > /dev/null
# 8 MiB of zeros between two random pieces: restored in place, it must stay sparse.
{ head -c 100000 /dev/urandom; head -c 8388608 /dev/zero; head -c 100000 /dev/urandom; } > "$work/original/zeros.bin"
mount_ntfs
"$mkstore" --quiet --container-size 4194304 --stubs xattr "$work/original" "$mnt"
unmount
mount_ntfs

(cd "$work/original" && find . -type f | sed 's|^\./||' | sort) > "$work/all.txt"
: > "$stub_list"
while IFS= read -r rel; do
    if has_reparse "$mnt/$rel"; then echo "$rel" >> "$stub_list"; fi
done < "$work/all.txt"
stubs=$(wc -l < "$stub_list")
[ "$stubs" -ge 20 ] || fail "expected dedup reparse points after a remount, found $stubs"
echo "$stubs files carry a dedup reparse point after remounting"

# ddp-inspect --xattr: the reparse point of a stub on the mount, every field named.
first=$(sed -n 1p "$stub_list")
"$inspect" reparse --xattr "$mnt/$first" > "$work/inspect.txt" || fail "ddp-inspect --xattr: exit $?"
grep -q "0x80000013" "$work/inspect.txt" && grep -qi "layout" "$work/inspect.txt" && grep -qi "guid" "$work/inspect.txt" ||
    { cat "$work/inspect.txt"; fail "ddp-inspect --xattr: fields missing"; }
"$inspect" --json reparse --xattr "$mnt/$first" > "$work/inspect.json" || fail "ddp-inspect --json --xattr: exit $?"
size=$(stat -c %s "$work/original/$first")
grep -q "\"logical_size\": *$size" "$work/inspect.json" || grep -q "$size" "$work/inspect.json" ||
    { cat "$work/inspect.json"; fail "ddp-inspect --xattr: logical size $size not reported"; }
echo "ddp-inspect --xattr reads the reparse point of $first"

# --verify and --out never touch the volume.
run --store "$mnt" --stubs xattr --verify --quiet "$mnt"
[ $rc -eq 0 ] || fail "verify: exit $rc"
run --store "$mnt" --stubs auto --out "$work/out" --json "$mnt" > "$work/out.json"
[ $rc -eq 0 ] || fail "out: exit $rc"
[ "$(grep -c '"result": "S_OK"' "$work/out.json")" -eq "$stubs" ] || fail "out: not every stub restored"
while IFS= read -r rel; do
    cmp -s "$work/original/$rel" "$work/out/$rel" || fail "out differs: $rel"
    has_reparse "$mnt/$rel" || fail "--out removed a reparse point: $rel"
done < "$stub_list"

# A damaged data container: its files fail and keep their reparse points; the others restore.
victim=$(find "$mnt/System Volume Information" -path '*Data*' -name '*.ccc' | sort | head -1)
cp "$victim" "$work/saved.ccc"
truncate -s 40000 "$victim"
run --store "$mnt" --stubs xattr --json "$mnt" > "$work/damaged.json" 2> /dev/null
[ $rc -eq 1 ] || fail "damaged container: exit $rc"
failed=0
while IFS= read -r rel; do
    if grep -qF "\"path\": \"$mnt/$rel\", \"result\": \"DDP_E_" "$work/damaged.json"; then
        failed=$((failed + 1))
        has_reparse "$mnt/$rel" || fail "a failed file lost its reparse point: $rel"
    else
        cmp -s "$work/original/$rel" "$mnt/$rel" || fail "restored file differs: $rel"
        has_reparse "$mnt/$rel" && fail "a restored file kept its reparse point: $rel"
    fi
done < "$stub_list"
[ "$failed" -ge 1 ] || fail "no file failed with a damaged container"
echo "damaged container: $failed files failed with their reparse points intact"
cp "$work/saved.ccc" "$victim"

# In place: every file byte-exact, no reparse point, no temporary file.
run --store "$mnt" --stubs xattr --json "$mnt" > "$work/inplace.json" 2> "$work/inplace.err"
[ $rc -eq 0 ] || { cat "$work/inplace.err"; fail "in place: exit $rc"; }
while IFS= read -r rel; do
    cmp -s "$work/original/$rel" "$mnt/$rel" || fail "differs after restore: $rel"
    has_reparse "$mnt/$rel" && fail "reparse point left: $rel"
done < "$work/all.txt"
[ -z "$(find "$mnt" -name '*.ddprestore-*')" ] || fail "temporary files left on the volume"
alloc=$(( $(stat -c %b "$mnt/zeros.bin") * $(stat -c %B "$mnt/zeros.bin") ))
[ "$alloc" -lt 4000000 ] || fail "in place: the zero chunks of zeros.bin were written ($alloc bytes allocated)"

unmount
ntfsfix -n "$img" > "$work/ntfsfix.txt" 2>&1 || { cat "$work/ntfsfix.txt"; fail "ntfsfix -n reports a problem"; }
mount_ntfs
while IFS= read -r rel; do
    cmp -s "$work/original/$rel" "$mnt/$rel" || fail "differs after another mount: $rel"
done < "$work/all.txt"
unmount
echo "real NTFS: $stubs files restored in place byte-exact, no reparse point left, volume clean"

# The commit's roll-back: a volume with room for the restored content once (the temporary
# file) but not twice (the copy into the stub) makes the copy fail with ENOSPC after the
# reparse point was removed; it must come back, and the restore succeed once there is room.
img=$work/full.img
rm -rf "$work/full" && mkdir -p "$work/full"
head -c 6000000 /dev/urandom > "$work/full/big.bin"
truncate -s 24M "$img"
mkntfs -F -f -q "$img" > /dev/null 2>&1 || fail "mkntfs (small image) failed"
mount_ntfs
"$mkstore" --quiet --stubs xattr "$work/full" "$mnt"
avail=$(df -B1 --output=avail "$mnt" | tail -1)
[ "$avail" -gt 9000000 ] || fail "small image: only $avail bytes free"
head -c $((avail - 9000000)) /dev/zero > "$mnt/filler"
run --store "$mnt" --stubs xattr --json "$mnt" > "$work/full.json" 2> /dev/null
[ $rc -eq 1 ] || fail "full volume: exit $rc"
grep -q '"path": "'"$mnt"'/big.bin", "result": "E_FAIL"' "$work/full.json" || fail "full volume: result"
# the system's reason by name, not "I/O error"
grep '"path": "'"$mnt"'/big.bin"' "$work/full.json" | grep -qF 'No space left on device (ENOSPC)' ||
    { cat "$work/full.json"; fail "full volume: ENOSPC not reported by name"; }
has_reparse "$mnt/big.bin" || fail "full volume: the reparse point was not put back"
# The roll-back is not known durable when the run ends: the temporary file and its journal
# stay for the next run, which finds the reparse point back and removes them.
[ -n "$(find "$mnt" -name '.ddprestore-*.journal')" ] || fail "full volume: the journal was not kept"
rm "$mnt/filler"
run --store "$mnt" --stubs xattr --quiet "$mnt/big.bin"
[ $rc -eq 0 ] || fail "after freeing space: exit $rc"
[ -z "$(find "$mnt" -name '*.ddprestore-*')" ] || fail "after freeing space: files of ours left"
cmp -s "$work/full/big.bin" "$mnt/big.bin" || fail "after freeing space: content differs"
has_reparse "$mnt/big.bin" && fail "after freeing space: reparse point left"
unmount
ntfsfix -n "$img" > "$work/ntfsfix.txt" 2>&1 || { cat "$work/ntfsfix.txt"; fail "ntfsfix -n (small image)"; }
echo "full volume: the reparse point came back after a failed commit; the retry restored the file"
rm -rf "$work"
