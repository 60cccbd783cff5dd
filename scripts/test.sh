#!/bin/sh
# Build cryptoeng and run its test suite; the last line says "N passed, N failed".
#   scripts/test.sh [BUILD_DIR [extra meson setup options...]]
# Installs missing Debian packages first (as root). Exit status 0 only when
# every test passed (skips count as neither).
set -u
cd "$(dirname "$0")/.."

build=${1:-build}
[ $# -gt 0 ] && shift

if ! scripts/setup-deps.sh; then
	echo "0 passed, 1 failed"
	exit 1
fi

if [ -d "$build/meson-private" ]; then
	meson setup --reconfigure "$build" -Dwerror=true "$@" >/dev/null
else
	meson setup "$build" -Dwerror=true "$@" >/dev/null
fi
if [ $? -ne 0 ] || ! ninja -C "$build"; then
	echo "build failed in $build" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# DPDK keeps some allocations to exit; leak reports there are not ours to fix.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

meson test -C "$build" --print-errorlogs --timeout-multiplier 3
python3 scripts/test-summary.py "$build/meson-logs/testlog.json"
