#!/bin/sh
# CI check: the -Dstage_cycles=true build compiles (daemon/worker_cycles.h's
# counting code is compiled nowhere else) and bench/stage-cycles reads the
# worker's stage line from a real daemon: one short GCM 64 B run beside
# dpdk-test-crypto-perf, and a row with every stage. Figures are not checked
# (benchmarks never assert speed); only that each side measured something.
set -u
cd "$(dirname "$0")/../.."
build=build-cycles
if [ -d "$build/meson-private" ]; then
	meson setup --reconfigure "$build" -Dstage_cycles=true -Dtests=false >/dev/null
else
	meson setup "$build" -Dstage_cycles=true -Dtests=false >/dev/null
fi || { echo "stage-cycles: meson setup failed" >&2; exit 1; }
ninja -C "$build" daemon/cryptoengd bench/cryptoeng-perf >/dev/null ||
	{ echo "stage-cycles: build failed" >&2; exit 1; }
out=$(mktemp -d /tmp/ce-stage-ci.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "stage-cycles: bench/stage-cycles --build $build --case gcm --runs 1 --total-ops 200000" >&2
timeout 300 bench/stage-cycles --build "$build" --case gcm --runs 1 --total-ops 200000 \
	--out "$out" >&2 || { echo "stage-cycles: the script failed" >&2; exit 1; }
# The cryptoeng row: cycles a request and five stages, each a positive number.
row=$(grep '^| | cryptoeng |' "$out/table.md") || { echo "stage-cycles: no row" >&2; exit 1; }
echo "$row" | awk -F'|' '{
	for (i = 4; i <= 10; i++) if (i != 5 && !($i + 0 > 0)) bad = 1
	exit bad }' || { echo "stage-cycles: a stage was not measured: $row" >&2; exit 1; }
echo "stage-cycles: ok" >&2
