#!/usr/bin/env bash
# Win32 calls per restored file made by DdpBackup.dll itself (issue 14), counted with
# Wine's relay trace: ddp-sample restores N small raw-stub files (DDPBACKUP_STUB_FILES=1)
# under WINEDEBUG=+relay, and every "Call" whose return address lies inside DdpBackup.dll's
# image is counted by function. Calls the DLL's imports make in turn (kernel32 -> ntdll)
# and the sample's own calls (tree copy, backup store) are left out. What each call is
# for: docs/WIN32_CALLS.md. Then the same restore again with wineserver tracing its
# requests (wineserver -d1): the requests per file, by name, from the DLL's first call
# (its FindFirstFileW of the first folder) to the process's exit, of the restoring thread
# and of every other thread and process (e.g. Wine's mount manager in winedevice.exe) -
# each request is a round trip to another process, what a Win32 call costs under Wine.
#
#   bash bench/win32-calls.sh MINGW_BIN_DIR NATIVE_BUILD_DIR [FILES] [WORK]
#     MINGW_BIN_DIR     holds DdpBackup.dll and ddp-sample.exe
#     NATIVE_BUILD_DIR  holds bench/corpus/ddp-bench-corpus and src/tools/mkstore/ddp-mkstore
#     FILES             files of 10,000 bytes (default 100)
set -euo pipefail
win=$(realpath "$1") native=$(realpath "$2") n=${3:-100}
work=$(realpath -m "${4:-$native/win32-calls}")
export WINEPREFIX=$work/pfx WINEDLLOVERRIDES="mscoree,mshtml=" DDPBACKUP_STUB_FILES=1
wine=$(command -v wine64 || command -v wine)
mkdir -p "$work"
if [ ! -d "$work/backup-$n" ]; then
    rm -rf "$work/src-$n" "$work/vol-$n"
    "$native/bench/corpus/ddp-bench-corpus" --bytes $((n * 10000)) --files "$n" --seed 1 "$work/src-$n" >/dev/null
    "$native/src/tools/mkstore/ddp-mkstore" --min-size 0 --stubs raw "$work/src-$n" "$work/vol-$n" >/dev/null
    WINEDEBUG=-all "$wine" wineboot --init >/dev/null 2>&1 || true
    WINEDEBUG=-all "$wine" "$win/ddp-sample.exe" backup "$(winepath -w "$work/vol-$n")" \
        "$(winepath -w "$work/backup-$n")" >/dev/null 2>&1
fi
WINEDEBUG=-all "$wine" regsvr32 /s "$(winepath -w "$win/DdpBackup.dll")"
rm -rf "$work/dst"
WINEDEBUG=+relay,+loaddll "$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$work/backup-$n")" \
    "$(winepath -w "$work/dst")" --batch 10000 >"$work/restore.txt" 2>"$work/relay.txt"
grep -q "^RestoreFiles: 1 call(s); $n restored" <(tr -d '\r' <"$work/restore.txt") ||
    { echo "win32-calls: the restore did not restore $n files: $(cat "$work/restore.txt")" >&2; exit 1; }
base=$(sed -n 's/.*Loaded L".*[\\]DdpBackup\.dll" at \([0-9a-fA-F]*\).*/\1/p' "$work/relay.txt" | head -1)
size=$(x86_64-w64-mingw32-objdump -p "$win/DdpBackup.dll" | awk '$1 == "SizeOfImage" {print $2}')
[ -n "$base" ] && [ -n "$size" ] || { echo "win32-calls: DdpBackup.dll's load address not found" >&2; exit 1; }
lo=$((16#$base)) hi=$((16#$base + 16#$size))
declare -A count
while read -r name ret; do
    a=$((16#$ret))
    [ "$a" -ge "$lo" ] && [ "$a" -lt "$hi" ] && count[$name]=$((${count[$name]:-0} + 1))
done < <(sed -n 's/.*:Call \([A-Za-z0-9_]*\.[A-Za-z0-9_]*\)(.*) ret=\([0-9a-fA-F]*\)$/\1 \2/p' "$work/relay.txt")
echo "Win32 file-system calls from DdpBackup.dll restoring $n files (stub-file mode; memory, lock,"
echo "thread and text-conversion calls left out):"
for name in "${!count[@]}"; do
    case "$name" in KERNEL32.*|KERNELBASE.*|kernelbase.*|ntdll.Nt*) ;; *) continue ;; esac
    case "$name" in *Heap*|*Lock*|*Condition*|*CriticalSection*|*Thread*|*WaitFor*|*Module*|*ProcAddress*|*SystemInfo*|*Environment*|*MultiByte*|*WideChar*|*LibraryCalls*) continue ;; esac
    echo "${count[$name]} $name"
done | sort -rn | awk -v n="$n" '{printf "  %7.2f per file  %s (%d)\n", $1 / n, $2, $1; t += $1}
    END {printf "  %7.2f per file  in all (%d)\n", t / n, t}'

# wineserver requests: a fresh server that traces (stderr), the restore, then the server's exit
wineserver -k 2>/dev/null || true
rm -rf "$work/dst"
( WINEDEBUG=-all wineserver -f -d1 -p1 2>"$work/server.txt" & )
sleep 1
WINEDEBUG=-all "$wine" "$win/ddp-sample.exe" restore "$(winepath -w "$work/backup-$n")" \
    "$(winepath -w "$work/dst")" --batch 10000 >"$work/restore2.txt" 2>/dev/null
wineserver -w 2>/dev/null || true
dst=$(winepath -w "$work/dst" | sed 's/\\/\\\\\\\\/g')
start=$(grep -n -m1 "create_file( access=00100001,.*name=L\"[^\"]*${dst}" "$work/server.txt" | cut -d: -f1)
[ -n "$start" ] || { echo "win32-calls: the DLL's first folder listing is not in the server trace" >&2; exit 1; }
tail -n "+$start" "$work/server.txt" | grep -v '^....: \*' | grep -v ') = ' >"$work/requests.txt"
tid=$(head -1 "$work/requests.txt" | cut -c1-4)
echo "wineserver requests per file (restoring thread $tid; from the DLL's first call to the exit):"
grep "^$tid" "$work/requests.txt" | sed 's/^....: \([a-z_]*\)(.*/\1/' | sort | uniq -c | sort -rn |
    awk -v n="$n" '$1 >= n / 20 {printf "  %7.2f per file  %s (%d)\n", $1 / n, $2, $1} {t += $1}
        END {printf "  %7.2f per file  in all (%d)\n", t / n, t}'
others=$(grep -vc "^$tid" "$work/requests.txt" || true)
awk -v n="$n" -v o="$others" 'BEGIN {printf "  %7.2f per file  of other threads and processes (%d)\n", o / n, o}'
