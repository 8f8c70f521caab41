#!/usr/bin/env bash
# Runs test_ntfs_target on a fresh mkntfs image mounted with ntfs-3g; checks the volume
# with ntfsfix -n afterwards. Exits 77 (CTest SKIP_RETURN_CODE) with "SKIPPED: ..." where
# FUSE or ntfs-3g is missing.
#
# usage: run_ntfs_target.sh TEST_BINARY WORKDIR
set -euo pipefail
test_bin=$1 work=$2
SKIP=77
skip() { echo "SKIPPED: $*"; exit $SKIP; }

[ -e /dev/fuse ] || skip "no FUSE (/dev/fuse is absent)"
for tool in mkntfs ntfs-3g ntfsfix; do
    command -v "$tool" > /dev/null || skip "no $tool (install ntfs-3g)"
done
img=$work/target.img mnt=$work/mnt
unmount() {
    if mountpoint -q "$mnt" 2>/dev/null; then
        umount "$mnt" 2>/dev/null || fusermount -u "$mnt" 2>/dev/null || umount -l "$mnt"
    fi
}
trap unmount EXIT
unmount
rm -rf "$work" && mkdir -p "$mnt"
truncate -s 64M "$img"
mkntfs -F -f -q "$img" > /dev/null 2>&1 || { echo "FAIL: mkntfs"; exit 1; }
ntfs-3g "$img" "$mnt" || skip "ntfs-3g cannot mount here (FUSE not usable)"
"$test_bin" "$mnt"
unmount
ntfsfix -n "$img" > "$work/ntfsfix.txt" 2>&1 || { cat "$work/ntfsfix.txt"; echo "FAIL: ntfsfix -n"; exit 1; }
rm -rf "$work"
