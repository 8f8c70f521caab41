#!/bin/sh
# mkstore_ntfs3g.sh - ddp-mkstore --stubs xattr on a real ntfs-3g mount (a 64 MiB image
# made with mkntfs), then every stub rebuilt and checked by ddp-restore --verify.
# Skipped (exit 77) where ntfs-3g, mkntfs or FUSE mounting is not available.
#   mkstore_ntfs3g.sh MKSTORE RESTORE
set -u
MK=$1
RESTORE=$2
command -v ntfs-3g >/dev/null 2>&1 || exit 77
MKNTFS=$(command -v mkntfs 2>/dev/null)
for p in /usr/sbin/mkntfs /sbin/mkntfs; do
    [ -z "$MKNTFS" ] && [ -x "$p" ] && MKNTFS=$p
done
[ -n "$MKNTFS" ] || exit 77
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-mkstore-ntfs.XXXXXX") || exit 1
cleanup() {
    umount "$T/mnt" 2>/dev/null || fusermount -u "$T/mnt" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

truncate -s 64M "$T/vol.img" && "$MKNTFS" -q -F -f "$T/vol.img" >/dev/null 2>&1 || exit 77
mkdir "$T/mnt" && ntfs-3g "$T/vol.img" "$T/mnt" >/dev/null 2>&1 || exit 77

mkdir -p "$T/src/x"
head -c 300000 /dev/urandom > "$T/src/x/random.bin"
cp "$T/src/x/random.bin" "$T/src/copy.bin"
i=0; while [ $i -lt 4000 ]; do echo "row $i of a text"; i=$((i + 1)); done > "$T/src/x/text.txt"
printf 'small' > "$T/src/small.txt"

for layout in 0201 0102 0103; do
    rm -rf "$T/mnt/x" "$T/mnt/copy.bin" "$T/mnt/small.txt" "$T/mnt/System Volume Information/Dedup"
    "$MK" --quiet --stubs xattr --layout $layout "$T/src" "$T/mnt" || fail "build ($layout)"
    cmp -s "$T/mnt/small.txt" "$T/src/small.txt" || fail "small file not copied ($layout)"
    out=$("$RESTORE" --store "$T/mnt" --stubs xattr --verify "$T/mnt/x" "$T/mnt/copy.bin" 2>&1) ||
        fail "ddp-restore --verify ($layout): $out"
    echo "$out" | grep -q "3 files verified" || fail "not 3 files verified ($layout): $out"
done
# A second run over the stubs and store of the first is refused without --force, and
# replaces them with it.
"$MK" --quiet --stubs xattr --layout 0102 "$T/src" "$T/mnt" 2>/dev/null && fail "rebuild without --force accepted"
"$MK" --quiet --force --stubs xattr --layout 0102 "$T/src" "$T/mnt" || fail "rebuild over existing stubs"
out=$("$RESTORE" --store "$T/mnt" --stubs xattr --verify "$T/mnt/x" "$T/mnt/copy.bin" 2>&1) ||
    fail "ddp-restore --verify after a rebuild: $out"
echo "ok"
