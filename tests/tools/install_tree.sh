#!/bin/sh
# install_tree.sh - "cmake --install BUILD --prefix DIR" puts the four Linux tools in
# DIR/bin and their manual pages in DIR/share/man/man1; the installed tools run and
# name their version; every option of a tool's --help is in its manual page and every
# option of the page in --help; the pages format without warnings. And the build-info
# script says "unknown" for a source tree that is not a git checkout (a tarball).
#   install_tree.sh CMAKE BUILD_DIR SOURCE_DIR
set -u
CMAKE=$1 BUILD=$2 SRC=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/ddp-install-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CMAKE" --install "$BUILD" --prefix "$T/prefix" > "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "install"; }
for tool in ddp-restore ddp-inspect ddp-mkstore ddp-gendata; do
    [ -x "$T/prefix/bin/$tool" ] || fail "$tool not installed in bin"
    page=$T/prefix/share/man/man1/$tool.1
    [ -f "$page" ] || fail "$tool.1 not installed in share/man/man1"
    # the version and commit the build captured (which commit that is: below)
    want=$(sed -n 's/#define DDP_VERSION "\(.*\)"/\1/p' "$BUILD/src/tools/common/generated/ddp_build_info.h")
    commit=$(sed -n 's/#define DDP_COMMIT "\(.*\)"/\1/p' "$BUILD/src/tools/common/generated/ddp_build_info.h")
    PATH=$T/prefix/bin "$tool" --version | grep -qx "$tool $want (commit $commit)" ||
        fail "installed $tool --version: $(PATH=$T/prefix/bin "$tool" --version | head -1), not $want/$commit"
    # Option names, both ways (roff writes a dash as \-; the examples may use other tools').
    "$T/prefix/bin/$tool" --help | grep -o -- '--[a-z][a-z-]*' | sort -u > "$T/help.opts"
    sed -e '/^\.SH EXAMPLES/,$d' -e 's/\\-/-/g' "$page" | grep -o -- '--[a-z][a-z-]*' | sort -u > "$T/man.opts"
    missing=$(comm -23 "$T/help.opts" "$T/man.opts" | tr '\n' ' ')
    [ -z "$missing" ] || fail "$tool.1 does not describe: $missing"
    extra=$(comm -13 "$T/help.opts" "$T/man.opts" | tr '\n' ' ')
    [ -z "$extra" ] || fail "$tool --help does not mention: $extra"
    if command -v groff > /dev/null; then
        warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
        [ -z "$warnings" ] || fail "$tool.1: $warnings"
    fi
done

# Outside a git checkout the commit is "unknown"; a changed commit rewrites the header.
mkdir "$T/tarball"
"$CMAKE" -DSRC="$T/tarball" -DOUT="$T/info.h" -DVERSION=9.8.7 -P "$SRC/cmake/DdpBuildInfo.cmake" || fail "build info"
grep -q '#define DDP_COMMIT "unknown"' "$T/info.h" && grep -q '#define DDP_VERSION "9.8.7"' "$T/info.h" ||
    fail "build info outside git: $(cat "$T/info.h")"
if command -v git > /dev/null && git -C "$SRC" rev-parse HEAD > /dev/null 2>&1; then
    "$CMAKE" -DSRC="$SRC" -DOUT="$T/info.h" -DVERSION=9.8.7 -P "$SRC/cmake/DdpBuildInfo.cmake" || fail "build info (git)"
    grep -q "#define DDP_COMMIT \"$(git -C "$SRC" rev-parse --short=12 HEAD)" "$T/info.h" ||
        fail "build info in git: $(cat "$T/info.h")"
fi
echo "ok"
