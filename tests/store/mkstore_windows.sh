#!/bin/sh
# mkstore_windows.sh - ddp-mkstore writes what Windows writes (FORMAT.md §1.3):
#  - for files of 78,323 and 81,755 bytes, --layout 0201 stubs equal the two real 2025
#    buffers except in the fields that depend on the content or the store (GUID, time,
#    sequence, offset, hash, CRC);
#  - their stream records are contiguous; container CRC-64s start at all ones, or at zero
#    with --crc64-zero-init (both restore);
#  - DedupFileList.1 and .2: identical, 0x40 + 0x100 bytes per container, and, when
#    ddp-restore is built, the generation comes from the list (--json
#    generation_sources), or from the folder listing with --no-file-list.
#   mkstore_windows.sh MKSTORE [RESTORE]
set -u
MK=$1
RESTORE=${2:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-mkstore-win.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

real1="13000080 7c000000 01027c00 00000000 f3310100 00000000 00000000 00000000 76ff896f 45ae0248 bd0e4075 177c075f
40004000 40000000 802019a5 aa28dc01 01000000 00000100 00500000 01000000 01000000 c8000000 48000000 00000000
19e49892 840d301c 26d1cebe fc6cb6ff dbaf4f0f a043b577 acf38b99 0bbda146 defc590a"
real2="13000080 7c000000 01027c00 00000000 5b3f0100 00000000 00000000 00000000 76ff896f 45ae0248 bd0e4075 177c075f
40004000 40000000 317b56d9 9f29dc01 b2000000 00000100 d0370200 01000000 01000000 c8000000 48000000 00000000
ddbfb482 26c577cd cae1cc61 40e09f40 f3648f27 fe2fff6d 814573bf 819aa092 78029b79"

# Hex of a stub, and any hex with the content-dependent byte ranges replaced by dots:
# GUID 0x20-0x2f, FILETIME 0x38-0x3f, sequence 0x40-0x43, offset hint 0x48-0x4b,
# hash 0x60-0x7f, CRC-32 0x80-0x83.
hexof() { od -An -tx1 -v "$1" | tr -d ' \n'; }
masked() {
    echo "$1" | tr -d ' \n' | awk '{
        n = split("32 48 56 64 64 68 72 76 96 128 128 132", r, " ");
        s = $0;
        for (i = 1; i < n; i += 2) {
            dots = ""; for (k = r[i]; k < r[i + 1]; k++) dots = dots "..";
            s = substr(s, 1, 2 * r[i]) dots substr(s, 2 * r[i + 1] + 1);
        }
        print s }'
}

mkdir -p "$T/src"
head -c 78323 /dev/zero | tr '\0' 'a' > "$T/src/one.bin"
head -c 81755 /dev/zero | tr '\0' 'b' > "$T/src/two.bin"
"$MK" --quiet --layout 0201 "$T/src" "$T/d" || fail "build"
[ "$(masked "$(hexof "$T/d/one.bin")")" = "$(masked "$real1")" ] ||
    fail "78,323-byte stub: $(hexof "$T/d/one.bin") differs from the real buffer beyond content fields"
[ "$(masked "$(hexof "$T/d/two.bin")")" = "$(masked "$real2")" ] ||
    fail "81,755-byte stub: $(hexof "$T/d/two.bin") differs from the real buffer beyond content fields"
# The masked comparison is not vacuous: the unmasked bytes differ (other GUID, hash...).
[ "$(hexof "$T/d/one.bin")" != "$(echo "$real1" | tr -d ' \n')" ] || fail "stub equals the real buffer?"

# Stream records are contiguous (FORMAT.md §3): the second file's record follows the
# first one's header (0x68) and Smap payload (0x48) with no gap.
le32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
[ "$(le32 "$T/d/two.bin" 72)" -eq $(( $(le32 "$T/d/one.bin" 72) + 0x68 + 0x48 )) ] ||
    fail "stream records not contiguous: $(le32 "$T/d/one.bin" 72) then $(le32 "$T/d/two.bin" 72)"

store="$T/d/System Volume Information/Dedup/ChunkStore/{6464705F-7473-6F72-8000-0000DD500001}.ddp"
cmp -s "$store/DedupFileList.1" "$store/DedupFileList.2" || fail "the two DedupFileList copies differ"
n=$(find "$store/Data" "$store/Stream" -name '*.ccc' | wc -l)
[ "$(wc -c < "$store/DedupFileList.1")" -eq $((64 + 256 * n)) ] || fail "DedupFileList size for $n containers"
[ "$(od -An -tx1 -N16 "$store/DedupFileList.1" | tr -d ' \n')" = "0101000000000000$(printf '%02x' "$n")00000000000000" ] ||
    fail "DedupFileList header"

# Container CRC-64s: all-ones start by default, the zero start on request; the headers
# differ (only) in them.
"$MK" --quiet --layout 0201 --crc64-zero-init "$T/src" "$T/z" || fail "build with --crc64-zero-init"
zstore="$T/z/System Volume Information/Dedup/ChunkStore/{6464705F-7473-6F72-8000-0000DD500001}.ddp"
[ "$(od -An -tx1 -N56 "$store/Data/00000001.00000001.ccc")" = "$(od -An -tx1 -N56 "$zstore/Data/00000001.00000001.ccc")" ] ||
    fail "Cthr fields differ beyond the CRC"
[ "$(od -An -tx1 -j56 -N8 "$store/Data/00000001.00000001.ccc")" != "$(od -An -tx1 -j56 -N8 "$zstore/Data/00000001.00000001.ccc")" ] ||
    fail "--crc64-zero-init wrote the same Cthr CRC-64"

if [ -n "$RESTORE" ] && [ -x "$RESTORE" ]; then
    "$RESTORE" --store "$T/d" --stubs raw --out "$T/r" --json "$T/d" > "$T/list.json" || fail "restore with the list"
    grep -q '"generation_sources": {"file_list": 1, "directory": 0, "probed": 0' "$T/list.json" ||
        fail "generation not from the list: $(grep generation_sources "$T/list.json")"
    cmp -s "$T/r/one.bin" "$T/src/one.bin" && cmp -s "$T/r/two.bin" "$T/src/two.bin" || fail "restored differently"
    "$MK" --quiet --layout 0201 --no-file-list "$T/src" "$T/e" || fail "build without list"
    [ ! -e "$T/e/System Volume Information/Dedup/ChunkStore/{6464705F-7473-6F72-8000-0000DD500001}.ddp/DedupFileList.1" ] ||
        fail "--no-file-list wrote a list"
    "$RESTORE" --store "$T/e" --stubs raw --out "$T/r2" --json "$T/e" > "$T/nolist.json" || fail "restore without list"
    grep -q '"file_list": 0, "directory": 1, "probed": 0' "$T/nolist.json" ||
        fail "generation not from the folder listing: $(grep generation_sources "$T/nolist.json")"
    "$RESTORE" --quiet --store "$T/z" --stubs raw --out "$T/r3" "$T/z" || fail "restore of the zero-start store"
    cmp -s "$T/r3/one.bin" "$T/src/one.bin" || fail "zero-start store restored differently"
fi
echo "ok"
