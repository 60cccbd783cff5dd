#!/bin/sh
# What the cryptoeng.* tracepoints cost on the daemon's path, in instructions
# per request (callgrind counts them exactly; wall clock on a shared machine
# is noise). Three sides, each through a real cryptoengd under callgrind
# (collecting inside d_worker_main only) and a real cryptoeng-perf client:
#   base: a build without tracepoints (e.g. main before they came);
#   off:  this build, tracepoints compiled in, not enabled;
#   on:   this build with --trace=cryptoeng.* (every event recorded).
# Workloads: null 64 B and AES-128-GCM 64 B (ipsecmb, the direct path), burst 32.
#
#   bench/trace-cost.sh --base BUILD [--build BUILD] [--ops N] [--runs R] [--out DIR]
#                       [--sides "base off on"]
#
# Prints one line per side and workload (trace_cost_sum.py): instructions
# per request in the tracepoints' own code (exact: the worker's idle turns
# never reach a tracepoint), in the functions that hold the per-request
# points, and in all of d_worker_main (idle turns included: noise under
# load). Keeps the callgrind files and callgrind_annotate's listings in DIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build" base="" ops=20000 runs=2 out=/tmp/trace-cost sides="base off on"
while [ $# -gt 0 ]; do
	case $1 in
	--base) base=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--ops) ops=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--sides) sides=$2; shift 2 ;;
	*) echo "usage: $0 --base BUILD [--build BUILD] [--ops N] [--runs R] [--out DIR] [--sides 'base off on']" >&2; exit 2 ;;
	esac
done
[ -n "$base" ] || { echo "trace-cost: --base BUILD (a build without tracepoints) is required" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "trace-cost: valgrind is not installed" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d /tmp/trace-cost.XXXXXX)
. "$here/../scripts/lib/daemon.sh"
cleanup() { [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# idle_sleep = no: valgrind 3.19 does not know epoll_pwait2 (syscall 441),
# so a sleeping worker would spin on ENOSYS warnings. Idle turns are then
# counted in "worker", never in "trace" or "path".
cat >"$tmp/d.ini" <<EOC
[eal]
lcores = 0,1
args = --no-pci --log-level=error
file_prefix = trace-cost-$$
hugepages = no
[engine]
queue_size = 1024
batch_size = 32
retry = yes
idle_us = 200
idle_sleep = no
[clients]
credits = 256
[socket]
path = $tmp/s.sock
[pmd.null0]
driver = null
args = depth=64,delay_ns=0
[pmd.ipsecmb0]
driver = ipsecmb
EOC

null_opts="--devtype null --optype cipher-only --cipher-algo null --cipher-key-sz 0 --cipher-iv-sz 0"
gcm_opts="--devtype sw --optype aead --aead-algo aes-gcm --aead-key-sz 16 --aead-iv-sz 12 --aead-op encrypt --digest-sz 16"

# side build workload opts run [EAL args...]
one() {
	side=$1 bdir=$2 wl=$3 opts=$4 run=$5
	shift 5
	cg="$out/callgrind-$side-$wl-$run.out"
	rm -f "$tmp/s.sock"
	DAEMON_START_S=240 daemon_start "$tmp/s.sock" valgrind --tool=callgrind \
		--collect-atstart=no --toggle-collect=d_worker_main --callgrind-out-file="$cg" \
		"$bdir/daemon/cryptoengd" --config "$tmp/d.ini" --foreground "$@" \
		2>"$out/daemon-$side-$wl-$run.log" || { echo "trace-cost: daemon did not start" >&2; exit 1; }
	# Listening is not enough under callgrind: wait until it answers.
	for _ in $(seq 1 1200); do
		"$bdir/daemon/cryptoengctl" --socket "$tmp/s.sock" stats >/dev/null 2>&1 && break
		kill -0 "$daemon_pid" 2>/dev/null || { echo "trace-cost: daemon exited" >&2; exit 1; }
		sleep 0.2
	done
	# shellcheck disable=SC2086
	"$bdir/bench/cryptoeng-perf" --socket "$tmp/s.sock" -- --silent --ptest throughput \
		$opts --buffer-sz 64 --burst-sz 32 --total-ops "$ops" >"$out/perf-$side-$wl-$run.txt"
	daemon_stop || true
	callgrind_annotate --threshold=100 --auto=no "$cg" >"$out/annotate-$side-$wl-$run.txt" 2>/dev/null
	printf '%-5s %-5s run %d: ' "$side" "$wl" "$run"
	/usr/bin/python3 "$here/trace_cost_sum.py" "$out/annotate-$side-$wl-$run.txt" "$ops"
}

for run in $(seq 1 "$runs"); do
	for wl in null gcm; do
		[ "$wl" = null ] && opts=$null_opts || opts=$gcm_opts
		for side in $sides; do
			case $side in
			base) one base "$base" "$wl" "$opts" "$run" ;;
			off) one off "$build" "$wl" "$opts" "$run" ;;
			on) one on "$build" "$wl" "$opts" "$run" -- "--trace=cryptoeng.*" \
				"--trace-dir=$tmp/trace" ;;
			esac
		done
	done
done
