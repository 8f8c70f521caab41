#!/usr/bin/env bash
# Installs everything ddpbackup needs on a fresh Debian 12 machine (run as root):
# Debian packages, and CMocka built for MinGW from Debian's own source package.
# Idempotent: does nothing that is already done.
set -euo pipefail

DEPS_DIR=${DDP_DEPS_DIR:-/opt/ddpbackup-deps}
PACKAGES=(build-essential cmake ninja-build pkg-config libcmocka-dev libssl-dev
          mingw-w64 mingw-w64-tools wine wine64 libwine-dev dpkg-dev
          ntfs-3g fuse3 attr xz-utils clang libclang-rt-14-dev valgrind strace jq eatmydata time)

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

install_packages
build_mingw_cmocka x86_64-w64-mingw32
build_mingw_cmocka i686-w64-mingw32
log "done"
