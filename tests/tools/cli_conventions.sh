#!/bin/sh
# cli_conventions.sh - every tool follows the same command-line convention: --help on
# stdout with exit 0, --version with the version and commit, a usage error as one line
# naming what is wrong followed by the usage (both on stderr, nothing on stdout), exit
# 2; "--" ends the options; --NAME=VALUE; numbers out of range named with their range.
#   cli_conventions.sh RESTORE INSPECT MKSTORE GENDATA
set -u
RESTORE=$1 INSPECT=$2 MKSTORE=$3 GENDATA=$4
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-cli-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# run TOOL ARGS...: $rc, $T/out, $T/err.
run() { "$@" > "$T/out" 2> "$T/err"; rc=$?; }
# usage_error WANT_LINE TOOL ARGS...: exit 2, nothing on stdout, the first stderr line
# is WANT_LINE, the second starts the usage.
usage_error() {
    want=$1; shift
    run "$@"
    [ $rc -eq 2 ] || fail "$* : exit $rc, not 2"
    [ ! -s "$T/out" ] || fail "$* : a usage error wrote to stdout"
    first=$(sed -n 1p "$T/err") second=$(sed -n 2p "$T/err")
    [ "$first" = "$want" ] || fail "$* : first line '$first', not '$want'"
    case $second in usage:*) ;; *) fail "$* : the usage does not follow ('$second')" ;; esac
}

for tool in "$RESTORE" "$INSPECT" "$MKSTORE" "$GENDATA"; do
    name=$(basename "$tool")
    run "$tool" --help
    [ $rc -eq 0 ] || fail "$name --help: exit $rc"
    [ ! -s "$T/err" ] || fail "$name --help wrote to stderr"
    grep -q "^usage: $name" "$T/out" || fail "$name --help: no usage on stdout"
    grep -q -- "--version" "$T/out" || fail "$name --help does not mention --version"
    run "$tool" -h
    [ $rc -eq 0 ] && grep -q "^usage: $name" "$T/out" || fail "$name -h"
    run "$tool" --version
    [ $rc -eq 0 ] || fail "$name --version: exit $rc"
    grep -Eq "^$name [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$" "$T/out" ||
        fail "$name --version: '$(cat "$T/out")'"
    usage_error "$name: unknown option '--bogus'" "$tool" --bogus x y
    usage_error "$name: unknown option '--bogus'" "$tool" --bogus=1 x y
    usage_error "$name: unknown option '-z'" "$tool" -z x y
done

# ddp-restore: values, conflicts, missing operands.
usage_error "ddp-restore: --threads: must be 0..64" "$RESTORE" --store "$T" --threads 65 "$T"
usage_error "ddp-restore: --threads: must be 0..64" "$RESTORE" --store "$T" --threads=-1 "$T"
usage_error "ddp-restore: --out and --verify cannot be combined" "$RESTORE" --store "$T" --out "$T/o" --verify "$T"
usage_error "ddp-restore: missing PATH" "$RESTORE" --store "$T"
usage_error "ddp-restore: missing --store ROOT" "$RESTORE" "$T"
usage_error "ddp-restore: --store needs a value" "$RESTORE" "$T" --store
usage_error "ddp-restore: --store needs a value" "$RESTORE" --store= "$T"
usage_error "ddp-restore: --stubs: must be raw, xattr or auto, not 'bad'" "$RESTORE" --store "$T" --stubs bad "$T"
usage_error "ddp-restore: --stubs-only goes with --out" "$RESTORE" --store "$T" --stubs-only "$T"
usage_error "ddp-restore: --verify takes no value" "$RESTORE" --store "$T" --verify=yes "$T"
# ddp-mkstore
usage_error "ddp-mkstore: missing SRC_DIR and DEST_ROOT" "$MKSTORE"
usage_error "ddp-mkstore: missing DEST_ROOT" "$MKSTORE" "$T"
usage_error "ddp-mkstore: --layout: must be 0201, 0102 or 0103" "$MKSTORE" --layout 0301 a b
usage_error "ddp-mkstore: --container-size: must be 1..3221225472 (3 GiB)" "$MKSTORE" --container-size 0 a b
usage_error "ddp-mkstore: unexpected argument 'c' (give SRC_DIR and DEST_ROOT)" "$MKSTORE" a b c
# ddp-inspect
usage_error "ddp-inspect: missing FILE" "$INSPECT" --json
usage_error "ddp-inspect: --offset and --sequence cannot be combined" "$INSPECT" smap f --offset 1 --sequence 2
usage_error "ddp-inspect: --sequence: must be a number (decimal or 0x hex)" "$INSPECT" smap f --sequence x
usage_error "ddp-inspect: smap needs --offset N or --sequence N" "$INSPECT" smap f
usage_error "ddp-inspect: --xattr and --file cannot be combined" "$INSPECT" reparse --xattr --file f
# ddp-gendata
usage_error "ddp-gendata: --scale: must be 1..1000" "$GENDATA" --scale 0 "$T/g"
usage_error "ddp-gendata: missing DIR" "$GENDATA" --seed 3

# "--" ends the options: a file named like an option is an operand.
mkdir -p "$T/src" && head -c 70000 /dev/urandom > "$T/src/data.bin"
(cd "$T" && "$MKSTORE" --quiet -- src --vol) || fail "mkstore -- src --vol"
[ -f "$T/--vol/data.bin" ] || fail "mkstore did not take --vol after -- as DEST_ROOT"
(cd "$T/--vol" && "$RESTORE" --quiet --store . --verify -- --nothing data.bin) 2> "$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q -- "--nothing" "$T/err" || fail "restore -- --nothing: exit $rc, $(cat "$T/err")"
(cd "$T/--vol" && "$RESTORE" --quiet --store=. --verify -- data.bin) || fail "restore --store=. -- data.bin"
cp "$T/--vol/data.bin" "$T/-stub"
(cd "$T" && "$INSPECT" -- -stub > /dev/null) || fail "inspect -- -stub"

# ddp-gendata: refuses a folder that is not empty, says what it wrote.
out=$("$GENDATA" "$T/g") || fail "gendata into a new folder"
echo "$out" | grep -Eq "^wrote 46 files, [0-9]+ bytes \([0-9.]+ MB\), [0-9]+ new folders under $T/g" ||
    fail "gendata: '$out'"
run "$GENDATA" "$T/g"
[ $rc -eq 1 ] && grep -q "is not empty (--force writes into it anyway)" "$T/err" || fail "gendata over a full folder"
mkdir "$T/g2" && echo keep > "$T/g2/mine"
run "$GENDATA" "$T/g2"
[ $rc -eq 1 ] && [ "$(ls "$T/g2")" = mine ] || fail "gendata wrote into a folder it refused"
run "$GENDATA" --force --quiet "$T/g2"
[ $rc -eq 0 ] && [ ! -s "$T/out" ] && [ -f "$T/g2/mine" ] && [ -d "$T/g2/docs" ] || fail "gendata --force --quiet"
echo "ok"
