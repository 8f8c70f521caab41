#!/usr/bin/env bash
# demo_checks.sh - scripts/demo.sh before it starts: a --source tree that a Windows
# volume cannot hold (case-only clashes, forbidden characters, a name ending in a dot,
# device names, a path longer than the sample supports) is refused with every problem
# listed and a last line "DEMO FAILED: <reason>", before anything is installed or built;
# a bad option ends the same way (exit 2); a tree Windows can hold passes the check.
#   demo_checks.sh SOURCE_DIR
set -u
src=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-demo-checks.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$src/scripts/demo_checks.sh"

mkdir -p "$T/good/Docs/sub" "$T/good/docs2"
touch "$T/good/Docs/a.txt" "$T/good/Docs/sub/b c.txt" "$T/good/docs2/CONSOLE.txt" "$T/good/name.with.dots"
check_windows_names "$T/good" 200 > "$T/out" || fail "a good tree refused: $(cat "$T/out")"

mkdir -p "$T/bad/Docs" "$T/bad/docs" "$T/bad/deep"
touch "$T/bad/Docs/x" "$T/bad/a<b" "$T/bad/q?" "$T/bad/trailing." "$T/bad/nul.txt" "$T/bad/COM1" "$T/bad/ok"
touch "$T/bad/$(printf 'tab\there')"
long=$(printf 'n%.0s' $(seq 1 120))
touch "$T/bad/deep/$long"
check_windows_names "$T/bad" 100 > "$T/out"; rc=$?
[ $rc -eq 1 ] || fail "a bad tree passed"
for want in "names that differ only in case: 'Docs' and 'docs'" "forbids in a name .*: 'a<b'" \
            "forbids in a name .*: 'q?'" "ending in a dot or a space: 'trailing.'" "reserves for a device: 'nul.txt'" \
            "reserves for a device: 'COM1'" "a control character in a name: \\$'tab\\\\there'" \
            "longer than the sample application supports here (125 characters, at most 100): 'deep/n"; do
    grep -q -- "$want" "$T/out" || fail "not reported: $want (got: $(cat "$T/out"))"
done
grep -q "'ok'" "$T/out" && fail "a good name reported"
grep -q "Docs/x" "$T/out" && fail "a clash reported twice (for the folder's contents too)"

# The demo itself: refused before it starts, the last line says why.
out=$(bash "$src/scripts/demo.sh" --source "$T/bad" --work "$T/work" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "demo --source bad: exit $rc"
[ "$(echo "$out" | tail -1)" = "DEMO FAILED: --source holds names a Windows volume cannot hold (listed above)" ] ||
    fail "demo --source bad: last line '$(echo "$out" | tail -1)'"
[ ! -e "$T/work" ] || fail "demo --source bad started anyway"
out=$(bash "$src/scripts/demo.sh" --layout 0999 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(echo "$out" | tail -1)" = "DEMO FAILED: --layout: must be 0201, 0102 or 0103" ] ||
    fail "demo --layout 0999: $rc '$(echo "$out" | tail -1)'"
out=$(bash "$src/scripts/demo.sh" --source "$T/good" --work "$T/good/w" 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(echo "$out" | tail -1)" = "DEMO FAILED: --work must not be inside --source" ] ||
    fail "demo --work inside --source: $rc '$(echo "$out" | tail -1)'"
echo "ok"
