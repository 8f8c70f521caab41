#!/bin/sh
# The DLL's restore events reach the event log under Wine. Wine keeps no log to read back:
# its ReportEventW writes each event's type and ID on the "advapi" channel and each inserted
# string on the "eventlog" channel (err: for errors, warn: for warnings). So this runs
# test_restore_unverified_dll (one file restored unverified, then the same file refused
# with DDPBACKUP_REQUIRE_VERIFIED=1) with those channels on and checks the two events:
# 6173 (warning) and 6172 (error), each with the file's path, an HRESULT and a reason.
# Usage: test_event_log.sh <wine-run.sh> <test_restore_unverified_dll.exe>
set -u
log=$(mktemp)
trap 'rm -f "$log"' EXIT
WINEDEBUG=err+eventlog,warn+eventlog,fixme+advapi "$1" "$2" >/dev/null 2>"$log"
status=$?
[ "$status" -eq 0 ] || { echo "the restores failed ($status)"; cat "$log"; exit 1; }
fail=0
expect() {
    if ! grep -Eq "$1" "$log"; then
        echo "missing in Wine's event log output: $2"
        fail=1
    fi
}
# ReportEventW(source, type, category, id, ...): the type and ID of each event
expect 'ReportEventW \([0-9A-Fa-f]+,0x0002,0x0000,0x8000181d,' "event 6173 (warning)"
expect 'ReportEventW \([0-9A-Fa-f]+,0x0001,0x0000,0xc000181c,' "event 6172 (error)"
# their strings: path, HRESULT, reason
expect 'warn:eventlog:ReportEventW L".*\\\\restored\\\\file-00000\.bin"' "the unverified file's path"
expect 'warn:eventlog:ReportEventW L"0x00000000"' "S_OK for the unverified file"
expect 'warn:eventlog:ReportEventW L".*verif' "the reason (unverified)"
expect 'err:eventlog:ReportEventW L".*\\\\restored\\\\file-00000\.bin"' "the failed file's path"
expect 'err:eventlog:ReportEventW L"0x8056' "the failed file's DDP_E_ HRESULT"
if [ "$fail" -ne 0 ]; then
    grep -i eventlog "$log" | head -40
    exit 1
fi
echo "events 6172 and 6173 reported with path, HRESULT and reason"
