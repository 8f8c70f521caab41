#!/usr/bin/env bash
# run-mount-bench.sh - reading deduplicated files through the ntfs-3g plugin against
# `ddp-restore --verify` over the same files (issue 16: at most 1.5x its time), and random
# 4 KiB reads through the mount. Needs root (mkntfs image, mounts, a private mount
# namespace where the plugin of the build tree is overlaid on ntfs-3g's plugin directory;
# the system's directory is never touched).
#
#   bash bench/run-mount-bench.sh [--build DIR] [--work DIR] [--bytes N] [--files F]
#                                 [--dedup R] [--runs K] [--baseline PLUGIN.so] [--readahead KB]
#
# Corpus: ddp-bench-corpus --bytes N --files F --dedup R --seed 1 (default 1 GB, 100 files,
# 1x), stored by ddp-mkstore --stubs xattr --min-size 0 on an mkntfs image. Each of K runs
# (default 5, at least 5) mounts the image afresh (read-only) for each measurement, in
# alternating order: restore = `ddp-restore --store MNT --stubs xattr --verify --quiet
# MNT/corpus`; mount = `tar cf - . | cat > /dev/null` in MNT/corpus with the build's plugin;
# with --baseline, baseline = the same tar with another plugin file (an older build), so old
# and new are compared within each run. Each measurement gives the wall time and the CPU
# time of the command and of the ntfs-3g process. Printed: the medians, the ratio of the
# medians against the target (mount <= 1.5 x restore), the median of the per-run ratios, the
# CPU ratio; then random 4 KiB reads (ddp-bench-randread, readahead off) on a fresh mount:
# 2,000 pages across the largest file, then the 256 pages of its first 1 MiB (after the
# first read of each chunk, served from the plugin's chunk cache). --readahead KB adds a
# measurement to each run: readahead = the mount side with the mount's read_ahead_kb set to
# KB (the kernel's default for FUSE: 128).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build work=/tmp/ddp-mount-bench bytes=1000000000 files=100 dedup=1 runs=5 baseline="" readahead=""
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --bytes) bytes=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --dedup) dedup=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --baseline) baseline=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --readahead) readahead=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--work DIR] [--bytes N] [--files F] [--dedup R] [--runs K]" \
        "[--baseline PLUGIN.so] [--readahead KB]" >&2; exit 2 ;;
    esac
done
build=$(cd "$build" && pwd)
plugin=$build/src/platform/ntfs3g_plugin/ntfs-plugin-80000013.so
[ "$runs" -ge 5 ] || { echo "--runs must be at least 5: single runs vary by 2x on a shared machine" >&2; exit 2; }
for f in "$plugin" ${baseline:+"$baseline"} "$build/src/tools/mkstore/ddp-mkstore" "$build/src/tools/restore/ddp-restore" \
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
        --bytes "$bytes" --files "$files" --dedup "$dedup" --runs "$runs" ${baseline:+--baseline "$baseline"} \
        ${readahead:+--readahead "$readahead"}
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

# One measurement on a fresh read-only mount: "WALL CPU DAEMON" in seconds, CPU being the
# user and system time of the command and its children plus DAEMON, that of the ntfs-3g
# process serving the mount (both sides read the store through it). $1: plugin file to
# bind over the overlaid one for this mount (empty: the build's); $2: read_ahead_kb for the
# mount (empty: the kernel's); the rest: the command, run in $mnt/corpus.
measure() {
    local plug=$1 ra=$2 pid t d
    shift 2
    if [ -n "$plug" ]; then mount --bind "$plug" "$plugdir/$(basename "$plugin")"; fi
    ntfs-3g -o ro "$img" "$mnt"
    pid=$(pgrep -f -x "ntfs-3g -o ro $img $mnt" | head -1)
    if [ -n "$ra" ]; then echo "$ra" > "/sys/class/bdi/$(mountpoint -d "$mnt")/read_ahead_kb"; fi
    cat "$img" > /dev/null   # the image in the page cache for every side alike
    t=$(cd "$mnt/corpus" && /usr/bin/time -f '%e %U %S' "$@" 2>&1 > /dev/null | tail -1)
    d=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat")
    unmount
    if [ -n "$plug" ]; then umount "$plugdir/$(basename "$plugin")"; fi
    echo "$t $d" | awk '{printf "%.3f %.2f %.2f", $1, $2 + $3 + $4, $4}'
}
restore_cmd=("$build/src/tools/restore/ddp-restore" --store "$mnt" --stubs xattr --verify --quiet "$mnt/corpus")
tar_cmd=(sh -c 'tar cf - . | cat > /dev/null')
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ratio() { echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'; }

sides="restore mount${baseline:+ baseline}${readahead:+ readahead}"
declare -A wall cpu ntfs per last
for i in $(seq 1 "$runs"); do
    order=$sides && [ $((i % 2)) = 0 ] && order=$(echo "$sides" | tr ' ' '\n' | tac | tr '\n' ' ')
    line="run $i:"
    for s in $order; do
        case $s in
        restore) m=$(measure "" "" "${restore_cmd[@]}") ;;
        mount) m=$(measure "" "" "${tar_cmd[@]}") ;;
        baseline) m=$(measure "$baseline" "" "${tar_cmd[@]}") ;;
        readahead) m=$(measure "" "$readahead" "${tar_cmd[@]}") ;;
        esac
        read -r w c d <<< "$m"
        wall[$s]="${wall[$s]:-} $w" cpu[$s]="${cpu[$s]:-} $c" ntfs[$s]="${ntfs[$s]:-} $d" last[$s]=$w
        line="$line $s ${w}s (cpu ${c}s, ntfs-3g ${d}s)"
    done
    for s in $sides; do
        [ "$s" = restore ] || per[$s]="${per[$s]:-} $(ratio "${last[$s]}" "${last[restore]}")"
    done
    [ -z "$baseline" ] || per[new_old]="${per[new_old]:-} $(ratio "${last[mount]}" "${last[baseline]}")"
    echo "$line; load $(cut -d' ' -f1 /proc/loadavg)"
done
mb=$(echo "$bytes" | awk '{printf "%.0f", $1 / 1e6}')
echo "corpus: $mb MB, $files files, dedup ${dedup}x; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "restore = ddp-restore --verify; mount = tar cf - . | cat through the mount (this build's plugin)" \
    "${baseline:+; baseline = the same with $baseline}${readahead:+; readahead = mount with read_ahead_kb $readahead}"
for s in $sides; do
    w=$(echo "${wall[$s]}" | median) c=$(echo "${cpu[$s]}" | median) d=$(echo "${ntfs[$s]}" | median)
    echo "median of $runs: $s ${w}s ($(echo "$mb $w" | awk '{printf "%.0f", $1 / $2}') MB/s), cpu ${c}s" \
        "(of which the ntfs-3g process ${d}s)"
    eval "med_w_$s=$w med_c_$s=$c"
done
target=1.5
for s in $sides; do
    [ "$s" != restore ] || continue
    r=$(ratio "$(eval echo "\$med_w_$s")" "$med_w_restore")
    verdict=$(echo "$r $target" | awk '{print ($1 <= $2) ? "met" : "NOT met"}')
    echo "$s / restore: ratio of medians $r (target <= $target: $verdict), median of per-run ratios" \
        "$(echo "${per[$s]}" | median), cpu ratio $(ratio "$(eval echo "\$med_c_$s")" "$med_c_restore")"
done
[ -z "$baseline" ] || echo "mount / baseline (this plugin against the other, same runs): median of per-run" \
    "ratios $(echo "${per[new_old]}" | median), cpu ratio $(ratio "$med_c_mount" "$med_c_baseline")"

ntfs-3g -o ro "$img" "$mnt"
big=$(cd "$mnt/corpus" && find . -type f -printf '%s %P\n' | sort -n | tail -1 | cut -d' ' -f2-)
echo "random 4 KiB reads of $big ($(stat -c %s "$mnt/corpus/$big") bytes), each pass on a fresh mount:"
echo "  across the file: $("$build/bench/mount/ddp-bench-randread" "$mnt/corpus/$big" 2000 0 1)"
unmount
ntfs-3g -o ro "$img" "$mnt"
echo "  in a 1 MiB window: $("$build/bench/mount/ddp-bench-randread" "$mnt/corpus/$big" 256 1048576 2)"
unmount
