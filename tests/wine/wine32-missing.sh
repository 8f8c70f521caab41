#!/bin/sh
# Stands for the 32-bit build's Wine tests when Debian's 32-bit Wine (wine32:i386) is not
# installed: prints why (what scripts/bootstrap.sh recorded in $1) and exits 77, which CTest
# reports as "Skipped" - the 32-bit DLL untested is visible, never a pass.
reason="wine32:i386 is not installed (scripts/bootstrap.sh installs it)"
[ -r "$1" ] && reason=$(cat "$1")
echo "SKIPPED: the 32-bit DLL's Wine tests did not run: $reason" >&2
exit 77
