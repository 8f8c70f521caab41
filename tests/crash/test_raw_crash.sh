#!/usr/bin/env bash
# Crashes in the commit of raw stubs (in place and --out) on the local file system, with
# names of every length it allows: 214 bytes of ASCII, 68 Japanese characters (204 bytes),
# 85 CJK characters (255 bytes, NAME_MAX), a name whose 200-byte cut splits a UTF-8
# character, an ordinary name; large and small files in two folders. crash_shim.so kills
# ddp-restore (SIGKILL) just before its K-th rename (the commit of a file); then a few
# kills at random moments. The next run must restore every file byte-exact with the
# stub's mode and times, exit 0, report what it removed, and leave none of its own files;
# look-alike names of other programs are never touched.
#
# usage: test_raw_crash.sh MKSTORE RESTORE SHIM WORKDIR
set -euo pipefail
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:verify_asan_link_order=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87"
mkstore=$1 restore=$2 shim=$3 work=$4
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/src/sub"
repeat() { local s="" i; for ((i = 0; i < $2; i++)); do s+=$1; done; printf '%s' "$s"; }
japanese=$(repeat 日本語のファイル名です 7)
japanese=${japanese:0:68}
names=("$(repeat b 214)" "$japanese" "$(repeat 字 85)" "$(repeat a 199)é" "ordinary.bin" "sub/small.txt"
       "sub/$japanese")
i=0
for name in "${names[@]}"; do
    i=$((i + 1))
    case $name in
        ordinary.bin) head -c 6000000 /dev/urandom > "$work/src/$name" ;;
        *small.txt) head -c 40000 /dev/urandom > "$work/src/$name" ;;
        *) head -c $((100000 * i + 4097)) /dev/urandom > "$work/src/$name" ;;
    esac
done
"$mkstore" --quiet --stubs raw "$work/src" "$work/stubs" || fail "ddp-mkstore with long and Unicode names"
decoys=(".ddprestore-0123456789abcdef-0123456789abcde" ".ddprestore-0123456789ABCDEF-0123456789abcdef"
        ".ddprestore-0123456789abcdef-0123456789abcdef.tmp" ".x.ddprestore-123456")
for d in "${decoys[@]}"; do printf 'not ours\n' > "$work/stubs/sub/$d"; done
i=0
for name in "${names[@]}"; do
    i=$((i + 1))
    chmod $((600 + i % 2 * 40)) "$work/stubs/$name"        # modes 600 and 640, kept
    touch -d "2020-0$i-0$i 12:34:56.123456789" "$work/stubs/$name"
done
stamp() { (cd "$1" && for name in "${names[@]}"; do stat -c '%a %y' "$name"; done); }
stamp "$work/stubs" > "$work/stamps.txt"

# Every file byte-exact with the stub's mode and times under $1; nothing of ours left.
check_all() {
    local what=$1 dir=$2 left
    for name in "${names[@]}"; do
        cmp -s "$work/src/$name" "$dir/$name" || fail "$what: content differs: $name"
    done
    [ "$(stamp "$dir")" = "$(cat "$work/stamps.txt")" ] || fail "$what: mode or times not kept"
    left=$(find "$dir" -name '.ddprestore-*' | grep -v -F -e "${decoys[0]}" -e "${decoys[1]}" -e "${decoys[2]}" || true)
    [ -z "$left" ] || fail "$what: files of ours left: $left"
    for d in "${decoys[@]}"; do
        [ ! -e "$work/stubs/sub/$d" ] || [ "$(cat "$work/stubs/sub/$d")" = "not ours" ] || fail "$what: $d touched"
    done
}
killed() {   # killed VAR=VALUE... -- ARGS: runs ddp-restore with the shim; must die by SIGKILL
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    set +e
    (env "${envs[@]}" LD_PRELOAD="$shim" "$restore" "$@" > /dev/null 2>&1; exit $?) 2> /dev/null
    local rc=$?
    set -e
    [ $rc -eq 137 ] || fail "crash run ${envs[*]}: exit $rc, not killed"
}
rerun() {
    set +e
    "$restore" "$@" > /dev/null 2> "$work/rerun.err"
    local rc=$?
    set -e
    [ $rc -eq 0 ] || { cat "$work/rerun.err"; fail "re-run $*: exit $rc"; }
}

trials=0
for ((k = 1; k <= ${#names[@]}; k++)); do
    rm -rf "$work/vol" && cp -a "$work/stubs" "$work/vol"
    killed DDP_CRASH_RENAME=$k -- --store "$work/vol" --stubs raw --threads 1 --quiet "$work/vol"
    [ -n "$(find "$work/vol" -name '.ddprestore-*' | grep -v -F -e "${decoys[0]}" -e "${decoys[1]}" \
            -e "${decoys[2]}")" ] || fail "rename $k: the crash left no temporary file (not in the window)"
    rerun --store "$work/vol" --stubs raw --quiet "$work/vol"
    grep -q 'removed [0-9]* files left by interrupted runs ([0-9]* bytes)' "$work/rerun.err" ||
        { cat "$work/rerun.err"; fail "rename $k: the removal was not reported"; }
    check_all "in place, rename $k" "$work/vol"
    trials=$((trials + 1))
    # --out: the same crash under the destination folder.
    rm -rf "$work/out"
    killed DDP_CRASH_RENAME=$k -- --store "$work/stubs" --stubs raw --threads 1 --quiet --out "$work/out" "$work/stubs"
    rerun --store "$work/stubs" --stubs raw --quiet --out "$work/out" "$work/stubs"
    check_all "--out, rename $k" "$work/out"
    trials=$((trials + 1))
done
# Kills at random moments (the whole run takes a fraction of a second here).
for t in 1 2 3 4 5; do
    rm -rf "$work/vol" && cp -a "$work/stubs" "$work/vol"
    set +e
    ("$restore" --store "$work/vol" --stubs raw --quiet "$work/vol" > /dev/null 2>&1 &
     pid=$!; sleep "0.0$((RANDOM % 9))"; kill -9 $pid 2> /dev/null; wait $pid; exit 0) 2> /dev/null
    set -e
    rerun --store "$work/vol" --stubs raw --quiet "$work/vol"
    check_all "random kill $t" "$work/vol"
    trials=$((trials + 1))
done
# A folder the run cannot list may hold leftovers: it is named, and the run fails (not
# exit 0 as if nothing were left). Root lists anything, so this runs as nobody.
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
    rm -rf "$work/vol" && cp -a "$work/stubs" "$work/vol"
    mkdir "$work/vol/locked"
    chmod -R a+rwX "$work/vol" && chmod 000 "$work/vol/locked"
    chmod a+x "$work"
    set +e
    setpriv --reuid=65534 --regid=65534 --clear-groups "$restore" --store "$work/vol" --stubs raw --quiet \
        "$work/vol" > /dev/null 2> "$work/locked.err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { cat "$work/locked.err"; fail "unlistable folder: exit $rc"; }
    grep -qF "NOT CHECKED $work/vol/locked: what interrupted runs left there cannot be looked for: Permission denied" \
        "$work/locked.err" || { cat "$work/locked.err"; fail "unlistable folder: not reported"; }
    chmod 755 "$work/vol/locked"
    echo "a folder that cannot be listed is reported and fails the run"
fi
echo "$trials crashes of raw-stub restores (in place and --out): every file completed, nothing of ours left"
rm -rf "$work"
