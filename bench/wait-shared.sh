#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# What a client's way of waiting (bench/wait-policy: spin, ce_wait, spin then
# ce_wait) does when it shares a core with the daemon's worker, beside the
# client on the other core. The worker is lcore 1 (config/null.ini's
# lcores = 0,1): the shared case pins the client to CPU 1 with it.
#
#   bench/wait-shared.sh [BUILD] [OPS] [SPINS] [IDLE_US...]
#
# BUILD: meson build dir (build); OPS per point (100000); SPINS for
# wait-policy's --spin (-1,0,10,100,1000,10000); IDLE_US: the worker's
# [engine] idle_us, how long it polls an empty SQ before it sleeps (200, 0).
# Wall-clock figures: run it where the load is what you want to measure.
set -eu

build=${1:-build}
ops=${2:-100000}
spins=${3:--1,0,10,100,1000,10000}
shift $(( $# < 3 ? $# : 3 ))
idles=${*:-200 0}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/wait-shared.XXXXXX)
daemon_pid=

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "# $(date -u '+%F %T') UTC, $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for idle in $idles; do
	sed -e "s|^file_prefix = .*|file_prefix = wait-shared-$$|" \
	    -e "s|^idle_us = .*|idle_us = $idle|" \
	    -e "s|^path = .*|path = $tmp/sock|" "$root/config/null.ini" > "$tmp/d.ini"
	"$build/daemon/cryptoengd" --config "$tmp/d.ini" --foreground > "$tmp/d.log" 2>&1 &
	daemon_pid=$!
	for _ in $(seq 100); do [ -S "$tmp/sock" ] && break; sleep 0.1; done
	for cpu in 1 0; do
		where=$([ $cpu = 1 ] && echo "client on the worker's CPU 1" ||
			echo "client on CPU 0, worker on CPU 1")
		echo "## [engine] idle_us = $idle, $where"
		taskset -c $cpu "$build/bench/wait-policy" --socket "$tmp/sock" --ops "$ops" \
			--spin "$spins"
	done
	kill "$daemon_pid"
	wait "$daemon_pid" || true
	daemon_pid=
	rm -f "$tmp/sock"
done
