#!/bin/sh
# The main job: install what is missing, build, and run a workload.
# Until cryptoengd lands, the workload is the engine benchmark over the null PMD.
set -eu
cd "$(dirname "$0")/.."

scripts/setup-deps.sh
if [ -d build/meson-private ]; then
	meson setup --reconfigure build >/dev/null
else
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
exec build/bench/engine-bench -n 10000000 -r 2 "$@"
