#!/usr/bin/env bash
# run-mount-bench.sh - reading deduplicated files through the ntfs-3g plugin against
# `ddp-restore --verify` over the same files (issue 16: at most 1.5x its time), and random
# 4 KiB reads through the mount. Needs root (mkntfs image, mounts, a private mount
# namespace where the plugin of the build tree is overlaid on ntfs-3g's plugin directory;
# the system's directory is never touched).
#
#   bash bench/run-mount-bench.sh [--build DIR] [--work DIR] [--bytes N] [--files F]
#                                 [--dedup R] [--runs K]
#
# Corpus: ddp-bench-corpus --bytes N --files F --dedup R --seed 1 (default 1 GB, 100 files,
# 1x), stored by ddp-mkstore --stubs xattr --min-size 0 on an mkntfs image. Each of K runs
# (default 5) mounts the image afresh (read-only) for each measurement, in alternating
# order: `ddp-restore --store MNT --stubs xattr --verify --quiet MNT/corpus`, and
# `tar cf - . | cat > /dev/null` in MNT/corpus with the plugin. The medians are printed,
# with the ratio, and random 4 KiB reads (ddp-bench-randread, readahead off) on a fresh
# mount: 2,000 pages across the largest file, then the 256 pages of its first 1 MiB
# (after the first read of each chunk, served from the plugin's chunk cache).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build work=/tmp/ddp-mount-bench bytes=1000000000 files=100 dedup=1 runs=5
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --bytes) bytes=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --dedup) dedup=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--work DIR] [--bytes N] [--files F] [--dedup R] [--runs K]" >&2; exit 2 ;;
    esac
done
build=$(cd "$build" && pwd)
plugin=$build/src/platform/ntfs3g_plugin/ntfs-plugin-80000013.so
for f in "$plugin" "$build/src/tools/mkstore/ddp-mkstore" "$build/src/tools/restore/ddp-restore" \
    "$build/bench/corpus/ddp-bench-corpus" "$build/bench/mount/ddp-bench-randread"; do
    [ -x "$f" ] || [ -f "$f" ] || { echo "missing $f (build the tree first)" >&2; exit 1; }
done
plugdir=$(ntfs-3g --help 2>&1 | sed -n 's/^Plugin path: //p' || true)
libdir=$(dirname "$plugdir")

if [ "${DDP_MOUNT_BENCH_NS:-}" != 1 ]; then
    mkdir -p "$work"
    rm -rf "$work/upper" "$work/ovl"
    mkdir -p "$work/upper/$(basename "$plugdir")" "$work/ovl"
    cp "$plugin" "$work/upper/$(basename "$plugdir")/"
    DDP_MOUNT_BENCH_NS=1 exec unshare -m --propagation private bash "$0" --build "$build" --work "$work" \
        --bytes "$bytes" --files "$files" --dedup "$dedup" --runs "$runs"
fi
mount -t overlay overlay -o "lowerdir=$libdir,upperdir=$work/upper,workdir=$work/ovl" "$libdir"

img=$work/ntfs-$bytes-$files-$dedup.img mnt=$work/mnt src=$work/corpus-$bytes-$files-$dedup
mkdir -p "$mnt"
unmount() { if mountpoint -q "$mnt"; then umount "$mnt"; fi; }
trap unmount EXIT
if [ ! -f "$img.done" ]; then
    rm -rf "$src" && mkdir -p "$src" && "$build/bench/corpus/ddp-bench-corpus" --bytes "$bytes" --files "$files" --dedup "$dedup" \
        --seed 1 "$src/corpus" > /dev/null
    rm -f "$img" && truncate -s $((bytes * 2 + 512 * 1024 * 1024)) "$img"
    mkntfs -F -f -q "$img" > /dev/null 2>&1
    ntfs-3g "$img" "$mnt"
    "$build/src/tools/mkstore/ddp-mkstore" --quiet --stubs xattr --min-size 0 "$src" "$mnt"
    unmount
    touch "$img.done"
fi

elapsed() {   # wall seconds of "$@"
    local a b
    a=$(date +%s.%N)
    "$@"
    b=$(date +%s.%N)
    echo "$a $b" | awk '{printf "%.3f", $2 - $1}'
}
restore_run() {
    ntfs-3g -o ro "$img" "$mnt"
    cat "$img" > /dev/null   # the image in the page cache for both paths alike
    t=$(elapsed "$build/src/tools/restore/ddp-restore" --store "$mnt" --stubs xattr --verify --quiet "$mnt/corpus")
    unmount
    echo "$t"
}
mount_run() {
    ntfs-3g -o ro "$img" "$mnt"
    cat "$img" > /dev/null
    t=$(cd "$mnt/corpus" && elapsed sh -c 'tar cf - . | cat > /dev/null')
    unmount
    echo "$t"
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

r_times="" m_times=""
for i in $(seq 1 "$runs"); do
    if [ $((i % 2)) = 1 ]; then
        r=$(restore_run); m=$(mount_run)
    else
        m=$(mount_run); r=$(restore_run)
    fi
    echo "run $i: ddp-restore --verify ${r}s, tar through the mount ${m}s"
    r_times="$r_times $r" m_times="$m_times $m"
done
rm=$(echo "$r_times" | median) mm=$(echo "$m_times" | median)
mb=$(echo "$bytes" | awk '{printf "%.0f", $1 / 1e6}')
echo "corpus: $mb MB, $files files, dedup ${dedup}x; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median of $runs: ddp-restore --verify ${rm}s ($(echo "$mb $rm" | awk '{printf "%.0f", $1 / $2}') MB/s)," \
    "tar through the mount ${mm}s ($(echo "$mb $mm" | awk '{printf "%.0f", $1 / $2}') MB/s)," \
    "ratio $(echo "$mm $rm" | awk '{printf "%.2f", $1 / $2}')"

ntfs-3g -o ro "$img" "$mnt"
big=$(cd "$mnt/corpus" && find . -type f -printf '%s %P\n' | sort -n | tail -1 | cut -d' ' -f2-)
echo "random 4 KiB reads of $big ($(stat -c %s "$mnt/corpus/$big") bytes), each pass on a fresh mount:"
echo "  across the file: $("$build/bench/mount/ddp-bench-randread" "$mnt/corpus/$big" 2000 0 1)"
unmount
ntfs-3g -o ro "$img" "$mnt"
echo "  in a 1 MiB window: $("$build/bench/mount/ddp-bench-randread" "$mnt/corpus/$big" 256 1048576 2)"
unmount
