#!/usr/bin/env bash
# Installs everything ddpbackup needs on a fresh Debian 12 machine (run as root):
# Debian packages, and CMocka built for MinGW from Debian's own source package.
# Idempotent: does nothing that is already done.
set -euo pipefail

DEPS_DIR=${DDP_DEPS_DIR:-/opt/ddpbackup-deps}
PACKAGES=(build-essential cmake ninja-build pkg-config libcmocka-dev libssl-dev
          mingw-w64 mingw-w64-tools wine wine64 libwine-dev dpkg-dev
          ntfs-3g ntfs-3g-dev fuse3 attr xz-utils clang libclang-rt-14-dev valgrind jq strace eatmydata time)

log() { printf 'bootstrap: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
    done
}

install_packages() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && { log "Debian packages present"; return; }
    log "installing:" $missing
    as_root apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends $missing
}

# A deb-src line derived from the machine's own Debian source (deb822 or one-line format).
ensure_deb_src() {
    local f=/etc/apt/sources.list.d/ddpbackup-src.sources
    if apt-get source --print-uris cmocka >/dev/null 2>&1; then return; fi
    local uri suite
    uri=$(grep -rhoE '^(URIs:|deb) +[^ ]*debian[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
          | grep -v security | head -1 | awk '{print $2}' || true)
    uri=${uri:-http://deb.debian.org/debian}
    suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    log "adding deb-src for $uri $suite"
    as_root tee "$f" >/dev/null <<SRC
Types: deb-src
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    as_root apt-get update -q
}

# Builds a static CMocka for one MinGW triplet into $DEPS_DIR/<triplet>.
build_mingw_cmocka() {
    local triplet=$1 prefix=$DEPS_DIR/$1
    if [ -f "$prefix/lib/libcmocka-static.a" ] || [ -f "$prefix/lib/libcmocka.a" ]; then
        log "CMocka for $triplet present in $prefix"; return
    fi
    ensure_deb_src
    local work
    work=$(mktemp -d)
    log "building CMocka for $triplet in $work"
    (cd "$work" && apt-get source -q cmocka >/dev/null 2>&1) || (cd "$work" && apt-get source cmocka)
    local src
    src=$(find "$work" -maxdepth 1 -type d -name 'cmocka-*' | head -1)
    cmake -S "$src" -B "$work/build" -G Ninja \
        -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_C_COMPILER="$triplet-gcc" \
        -DCMAKE_RC_COMPILER="$triplet-windres" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
        -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF >/dev/null
    cmake --build "$work/build" >/dev/null
    as_root cmake --install "$work/build" >/dev/null
    rm -rf "$work"
    log "CMocka for $triplet installed in $prefix"
}

# 32-bit Wine (wine32:i386), to run the i686 DLL's tests. The i386 package lists can be out
# of step with the amd64 ones while a mirror syncs ("File has unexpected size ... Mirror sync
# in progress?"), and i386 libraries must match their amd64 versions exactly: retried, and
# where it still fails the reason goes to $WINE32_STATUS, which the 32-bit tests print when
# they skip themselves. Never fatal: the rest of CI does not need it. When nothing of i386
# got installed the architecture is removed again, so that later "apt-get update" runs are
# not failed by the i386 lists.
WINE32_STATUS=$DEPS_DIR/wine32-status
install_wine32() {
    local attempt out err=""
    if dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q 'install ok installed'; then
        log "32-bit Wine present"; as_root rm -f "$WINE32_STATUS"; return 0
    fi
    as_root mkdir -p "$DEPS_DIR"
    as_root dpkg --add-architecture i386
    for attempt in 1 2 3 4; do
        out=$(as_root apt-get update -q 2>&1) \
            && out=$(DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends wine32:i386 2>&1) \
            && { log "32-bit Wine installed"; as_root rm -f "$WINE32_STATUS"; return 0; }
        err=$(printf '%s\n' "$out" | grep -E '^(E:|W:.*(size|sync))| : Depends' | head -3 | tr '\n' ' ')
        log "32-bit Wine: attempt $attempt failed: ${err:-apt-get failed}"
        [ "$attempt" -lt 4 ] && sleep $((attempt * 20))
    done
    printf '%s\n' "wine32:i386 could not be installed by scripts/bootstrap.sh: ${err:-apt-get failed}" \
        | as_root tee "$WINE32_STATUS" >/dev/null
    if [ -z "$(dpkg-query -W -f='${binary:Package}\n' '*:i386' 2>/dev/null)" ]; then
        as_root dpkg --remove-architecture i386 || true
    fi
    log "WARNING: 32-bit Wine NOT installed; the wine32.* tests will be skipped: ${err:-apt-get failed}"
}

install_packages
install_wine32 || true
build_mingw_cmocka x86_64-w64-mingw32
build_mingw_cmocka i686-w64-mingw32
log "done"
