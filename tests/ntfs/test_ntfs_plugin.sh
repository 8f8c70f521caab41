#!/usr/bin/env bash
# The ntfs-3g dedup plugin on real NTFS: an mkntfs image filled by ddp-mkstore --stubs
# xattr with eight chunk stores (one per case: every layout, compressed and not, stale
# hints with SHA-512 truncated hashes, several small containers, a file of more than 512
# chunks, a stream container generation found only by listing its folder, one found only
# through DedupFileList, and the same store without its list, which must fail), mounted
# with the plugin from the build tree: every file compared with cmp,
# random ranges compared, writes refused on a read-write mount, and a damaged chunk
# giving EIO for its range while the rest of its file reads, logged with path and offset.
#
# The plugin is loaded without touching the system: the test re-runs itself in a private
# mount namespace (unshare -m) where an overlay over ntfs-3g's library directory adds
# ntfs-3g/ntfs-plugin-80000013.so (the directory may not even exist on the system).
# Exits 77 (CTest SKIP_RETURN_CODE) with "SKIPPED: ..." only where FUSE is absent.
# NTFS3G_PRELOAD (set by the sanitizer build): libraries preloaded into ntfs-3g, so that a
# plugin built with ASan/UBSan loads and is checked inside the daemon.
#
# usage: test_ntfs_plugin.sh PLUGIN MKSTORE GENDATA INSPECT WORKDIR
set -euo pipefail
plugin=$1 mkstore=$2 gendata=$3 inspect=$4 work=$5
SKIP=77
ntfs3g() {
    if [ -n "${NTFS3G_PRELOAD:-}" ]; then
        LD_PRELOAD=$NTFS3G_PRELOAD ASAN_OPTIONS=detect_leaks=0 command ntfs-3g "$@"
    else
        command ntfs-3g "$@"
    fi
}
skip() { echo "SKIPPED: $*"; exit $SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -e /dev/fuse ] || skip "no FUSE (/dev/fuse is absent)"
for tool in mkntfs ntfs-3g unshare cmp; do
    command -v "$tool" > /dev/null || fail "no $tool (install ntfs-3g, util-linux)"
done
# ntfs-3g looks for plugins in <its libntfs-3g libdir>/ntfs-3g; it prints that path.
plugdir=$(ntfs-3g --help 2>&1 | sed -n 's/^Plugin path: //p' || true)
[ -n "$plugdir" ] || fail "ntfs-3g does not say where its plugins are"
libdir=$(dirname "$plugdir")

if [ "${DDP_PLUGIN_NS:-}" != 1 ]; then
    rm -rf "$work" && mkdir -p "$work/upper/$(basename "$plugdir")" "$work/ovl"
    cp "$plugin" "$work/upper/$(basename "$plugdir")/ntfs-plugin-80000013.so"
    DDP_PLUGIN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

# ---- inside the private mount namespace ----
mount -t overlay overlay -o "lowerdir=$libdir,upperdir=$work/upper,workdir=$work/ovl" "$libdir" ||
    fail "cannot overlay $libdir in a private mount namespace"
[ -f "$plugdir/ntfs-plugin-80000013.so" ] || fail "the plugin is not visible in $plugdir"

img=$work/ntfs.img mnt=$work/mnt src=$work/src
unmount() {
    if mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" 2>/dev/null || umount -l "$mnt"; fi
}
trap unmount EXIT
mount_ntfs() { ntfs3g -o "$1" "$img" "$mnt" || fail "ntfs-3g -o $1 failed"; }

mkdir -p "$mnt" "$src"
truncate -s 512M "$img"
mkntfs -F -f -q "$img" > /dev/null 2>&1 || fail "mkntfs failed"

# Case sources: SRC/<case>/<case>/... so that each case's stubs land in MNT/<case>/.
small_set() {
    mkdir -p "$1/sub"
    head -c 300000 /dev/urandom > "$1/random.bin"
    cp "$1/random.bin" "$1/sub/copy.bin"
    # the folder's name first: no two stores hold the same text (c0102nolist's stale stream
    # maps, copied from c0102gen, must not find chunks of an identical file and read)
    { echo "$1"; seq 1 300000; } > "$1/sub/text.txt"
    head -c 3000000 /dev/urandom > "$1/three_mb.bin"
    head -c 65537 /dev/zero > "$1/zeros.bin"
}
"$gendata" --seed 31 --scale 1 "$src/c0201/c0201" > /dev/null 2>&1
head -c 48000000 /dev/urandom > "$src/c0201/c0201/big.bin"            # > 512 chunks of ~64 KiB
small_set "$src/c0102raw/c0102raw"
small_set "$src/c0103stale/c0103stale"
"$gendata" --seed 32 --scale 1 "$src/c0102multi/c0102multi" > /dev/null 2>&1
small_set "$src/c0103damaged/c0103damaged"
small_set "$src/c0102gen/c0102gen"
small_set "$src/c0102list/c0102list"
small_set "$src/c0102nolist/c0102nolist"

mount_ntfs rw
n=0
build() {
    local case=$1; shift
    n=$((n + 1))
    # --force from the second store on: the volume then holds a chunk store already.
    "$mkstore" --quiet --stubs xattr --guid "{1F0E5D2C-0000-4000-8000-00000000000$n}" \
        $([ $n -gt 1 ] && echo --force) "$@" "$src/$case" "$mnt" || fail "ddp-mkstore ($case)"
}
build c0201 --layout 0201
build c0102raw --layout 0102 --no-compress --data-generation 7
build c0103stale --layout 0103 --stale-hints --hash sha512-trunc
build c0102multi --layout 0102 --container-size 1048576
build c0103damaged --layout 0103
build c0102gen --layout 0102 --stream-generation 40
# A newer generation than the reparse points' hints and the probed 1..16: only a listing
# of the Stream folder (the plugin store's find_container) finds it.
store6="$mnt/System Volume Information/Dedup/ChunkStore/{1F0E5D2C-0000-4000-8000-000000000006}.ddp"
for c in "$store6"/Stream/*.00000028.ccc; do mv "$c" "${c%.00000028.ccc}.00000029.ccc"; done
ls "$store6"/Stream/*.00000029.ccc > /dev/null || fail "no stream container renamed to generation 0x29"
# Two generations of each stream container: the live 0x28, which DedupFileList names, and
# a higher 0x30 holding another store's stream maps (the same ids). The folder listing
# takes the highest generation and probing stops at 16: only the list finds the live one.
# Without the list (c0102nolist) the files must fail to read.
build c0102list --layout 0102 --stream-generation 40
build c0102nolist --layout 0102 --stream-generation 40 --no-file-list
for k in 7 8; do
    store="$mnt/System Volume Information/Dedup/ChunkStore/{1F0E5D2C-0000-4000-8000-00000000000$k}.ddp"
    copied=0
    for c in "$store"/Stream/*.00000028.ccc; do
        old="$store6/Stream/$(basename "${c%.00000028.ccc}").00000029.ccc"
        [ -f "$old" ] || continue
        cp "$old" "${c%.00000028.ccc}.00000030.ccc"
        copied=$((copied + 1))
    done
    [ "$copied" -gt 0 ] || fail "store $k: no stream container id shared with store 6"
done
data_count=$(find "$mnt/System Volume Information/Dedup/ChunkStore/{1F0E5D2C-0000-4000-8000-000000000004}.ddp/Data" \
    -name '*.ccc' | wc -l)
[ "$data_count" -ge 3 ] || fail "c0102multi has $data_count data containers, not several"

# The chunk to damage: chunk 3 of c0103damaged/three_mb.bin, from its stream map.
store5="$mnt/System Volume Information/Dedup/ChunkStore/{1F0E5D2C-0000-4000-8000-000000000005}.ddp"
rp=$("$inspect" --json reparse --xattr "$mnt/c0103damaged/three_mb.bin")
hint=$(echo "$rp" | grep -o '"smap_offset_hint":{[^}]*}' | grep -o '"value":[0-9]*' | cut -d: -f2)
smap=$("$inspect" --json smap "$(ls "$store5"/Stream/*.ccc | head -1)" --offset "$hint")
values() { echo "$smap" | grep -o "\"$1\":{[^}]*}" | grep -o '"value":[0-9]*' | cut -d: -f2; }
ends=($(values end)) hints=($(values offset_hint)) ids=($(values container_id)) gens=($(values generation))
[ "${#ends[@]}" -gt 8 ] || fail "three_mb.bin has ${#ends[@]} chunks"
bad_start=${ends[2]} bad_end=${ends[3]}
container=$(printf '%s/Data/%08x.%08x.ccc' "$store5" "${ids[3]}" "${gens[3]}")
at=$((hints[3] + 0x58 + 100))
byte=$(od -An -tu1 -j "$at" -N1 "$container" | tr -d ' ')
printf "\\$(printf '%03o' $(((byte + 1) % 256)))" | dd of="$container" bs=1 seek="$at" conv=notrunc status=none
unmount

# Writes are refused, even on a read-write mount, and change nothing.
mount_ntfs rw
f=$mnt/c0102raw/three_mb.bin
if (echo x >> "$f") 2> /dev/null; then fail "appending to a deduplicated file succeeded"; fi
if truncate -s 10 "$f" 2> /dev/null; then fail "truncating a deduplicated file succeeded"; fi
cmp -s "$f" "$src/c0102raw/c0102raw/three_mb.bin" || fail "a refused write changed the file"
unmount

# Every file byte-exact through a read-only mount (the damaged file apart). ntfs-3g stays
# in the foreground (no_detach) so that the plugin's log lines land in ntfs3g.log.
ntfs3g -o ro,no_detach "$img" "$mnt" 2> "$work/ntfs3g.log" &
ntfs3g_pid=$!
for _ in $(seq 1 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
mountpoint -q "$mnt" || fail "ntfs-3g -o ro,no_detach did not mount: $(cat "$work/ntfs3g.log")"
checked=0
while IFS= read -r rel; do
    [ "$rel" = c0103damaged/three_mb.bin ] && continue
    case $rel in c0102nolist/*) continue ;; esac
    case=${rel%%/*}
    cmp "$mnt/$rel" "$src/$case/$rel" || fail "$rel differs through the mount"
    checked=$((checked + 1))
done < <(cd "$src" && find . -mindepth 2 -type f | sed 's|^\./[^/]*/||' | sort)
echo "compared $checked files"
# Without the list the stale generation is taken: its stream maps fail, nothing reads.
for rel in random.bin sub/text.txt three_mb.bin; do
    if cat "$mnt/c0102nolist/$rel" > /dev/null 2>&1; then fail "c0102nolist/$rel read without its list"; fi
done
[ "$(stat -c %s "$mnt/c0201/big.bin")" = 48000000 ] || fail "big.bin has the wrong size"
[ -f "$mnt/c0201/big.bin" ] && [ ! -L "$mnt/c0201/big.bin" ] || fail "big.bin is not a regular file"

# Random ranges (offsets not page-aligned) compared with the original.
RANDOM=7
for f in c0201/big.bin c0103stale/three_mb.bin c0102multi/big.bin c0102raw/sub/text.txt; do
    [ -f "$mnt/$f" ] || continue
    size=$(stat -c %s "$mnt/$f")
    for _ in $(seq 1 25); do
        off=$(((RANDOM * 32768 + RANDOM) % size)) len=$((RANDOM % 200000 + 1))
        cmp <(tail -c +$((off + 1)) "$mnt/$f" | head -c "$len") \
            <(tail -c +$((off + 1)) "$src/${f%%/*}/$f" | head -c "$len") ||
            fail "$f: $len bytes at $off differ"
    done
done

# The damaged chunk: EIO for its pages, the rest of the file reads.
f=$mnt/c0103damaged/three_mb.bin orig=$src/c0103damaged/c0103damaged/three_mb.bin
page=4096
first=$((bad_start / page)) last=$(((bad_end - 1) / page))
if dd if="$f" of=/dev/null bs=$page skip=$first count=1 status=none 2> "$work/dd.err"; then
    fail "reading the damaged chunk at $bad_start succeeded"
fi
grep -q "Input/output error" "$work/dd.err" || fail "the damaged chunk did not give EIO: $(cat "$work/dd.err")"
cmp <(head -c $((first * page)) "$f") <(head -c $((first * page)) "$orig") ||
    fail "the bytes before the damaged chunk differ"
cmp <(tail -c +$(((last + 1) * page + 1)) "$f") <(tail -c +$(((last + 1) * page + 1)) "$orig") ||
    fail "the bytes after the damaged chunk differ"
for other in random.bin sub/text.txt; do
    cmp "$mnt/c0103damaged/$other" "$src/c0103damaged/c0103damaged/$other" || fail "$other of the damaged store"
done
unmount
wait "$ntfs3g_pid" || true
line="/c0103damaged/three_mb.bin offset $(printf '0x%x' "$bad_start"): "
grep -qF "dedup: $line" "$work/ntfs3g.log" || fail "no log line naming '$line': $(cat "$work/ntfs3g.log")"
grep -q "does not match its sha256 hash" "$work/ntfs3g.log" || fail "the log line does not say why"
echo "ok: plugin read $checked files on NTFS, damaged chunk [$bad_start, $bad_end) gave EIO"
