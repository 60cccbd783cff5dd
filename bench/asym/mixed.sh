#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Mixed load: symmetric AES-128-GCM 64 B through cryptoengd alone, then while a
# second client keeps RSA-4096 signs (pkcs1pad(rsa,sha256)) in flight on the
# same daemon (one worker lcore; the openssl backend computes on a thread of
# its own). Issue 15's goal: GCM throughput drops by no more than the share
# of the worker the asymmetric work takes, and a GCM request's p99 latency
# with RSA-4096 signs running stays under 50 us.
#
# Both GCM figures come from cryptoeng-perf (throughput: burst 32; latency:
# burst 1, one request in flight, its p99); the RSA client is cryptoeng-perf
# --optype rsa --rsa-modlen 4096 too. RSA signs/s are the openssl device's
# "computed" counter over each GCM run; CPU shares are each daemon thread's
# utime+stime (/proc/PID/task) over the same run, in % of one CPU.
#
#   bench/asym/mixed.sh [BUILD_DIR]          (default build)
#   env: ROUNDS (3, best of each side), GCM_OPS (4000000), LAT_OPS (200000),
#        RSA_INFLIGHT (16: the RSA client's buffer pool, so its requests in
#        flight), RSA_BURST (8), OSSL_CPU (the openssl device's cpu=N: its
#        thread on CPU N alone; default: the CPUs of no lcore, CPU 0 here)
#
# RSA_INFLIGHT=64 is the case that found the shared window: before
# [engine] asym_window (1811781), 64 signs filled [engine] window and GCM
# waited for RSA completions (bench/results/2026-12-02/asym-mixed.md).
# Prints a markdown table, the load average before and after.
set -eu
. "$(dirname "$0")/../../scripts/lib/daemon.sh"

BUILD=${1:-build}
ROUNDS=${ROUNDS:-3}
GCM_OPS=${GCM_OPS:-4000000}
LAT_OPS=${LAT_OPS:-200000}
RSA_BURST=${RSA_BURST:-8}
RSA_INFLIGHT=${RSA_INFLIGHT:-16}
PERF=$BUILD/bench/cryptoeng-perf
CTL=$BUILD/daemon/cryptoengctl
DAEMON=$BUILD/daemon/cryptoengd
TMP=$(mktemp -d)
RSA=
cleanup() {
	[ -n "$RSA" ] && kill "$RSA" 2>/dev/null && wait "$RSA" 2>/dev/null
	[ -n "$daemon_pid" ] && { daemon_stop || true; }
	rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 1" INT TERM

[ -x "$PERF" ] && [ -x "$DAEMON" ] && [ -x "$CTL" ] ||
	{ echo "build $PERF, $CTL and $DAEMON first" >&2; exit 1; }

{
	daemon_eal_config "asymmixed$$"
	cat <<EOF

[socket]
path = $TMP/d.sock

[pmd.ipsecmb0]
driver = ipsecmb

[pmd.openssl0]
driver = openssl
${OSSL_CPU:+args = cpu=$OSSL_CPU}
EOF
} > "$TMP/d.ini"
# The self-tests (RSA-4096 known answers among them) come first.
DAEMON_START_S=60 daemon_start "$TMP/d.sock" \
	"$DAEMON" --config "$TMP/d.ini" --foreground --log stderr 2> "$TMP/d.log" ||
	{ cat "$TMP/d.log" >&2; exit 1; }
PID=$daemon_pid
sleep 1

# A daemon thread by name (rte-worker-1, ossl-openssl0): its tid.
tid_of() {
	for t in /proc/"$PID"/task/*; do
		[ "$(cat "$t/comm")" = "$1" ] && { basename "$t"; return; }
	done
}
WORKER=$(tid_of rte-worker-1)
OSSL=$(tid_of ossl-openssl0)
[ -n "$WORKER" ] && [ -n "$OSSL" ] || { echo "daemon threads not found" >&2; exit 1; }
TCK=$(getconf CLK_TCK)
# utime + stime of a thread, in ticks.
ticks() { awk '{ print $14 + $15 }' /proc/"$PID"/task/"$1"/stat; }
now() { date +%s.%N; }
computed() {
	"$CTL" --socket "$TMP/d.sock" stats --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(x.get("computed", 0) for x in d["devices"] if x["device"] == "openssl0"))'
}

GCM="--devtype sw --optype aead --aead-algo aes-gcm --aead-key-sz 16 --aead-iv-sz 12
     --aead-op encrypt --digest-sz 16 --buffer-sz 64 --silent"

# One GCM run (throughput or latency) with its window's measures appended
# to $TMP/$1.txt: "value rsa_per_s ossl_cpu% worker_cpu% gcm_client_cpu%".
gcm_run() {
	kind=$1
	t0=$(now); c0=$(computed); w0=$(ticks "$WORKER"); o0=$(ticks "$OSSL")
	if [ "$kind" = tput ] || [ "$kind" = tput_rsa ]; then
		# shellcheck disable=SC2086
		v=$(/usr/bin/time -f %P -o "$TMP/cpu" "$PERF" --socket "$TMP/d.sock" -- $GCM \
			--burst-sz 32 --total-ops "$GCM_OPS" |
			awk 'NF == 10 && $2 == 64 { print $8 }')
	else
		# shellcheck disable=SC2086
		v=$(/usr/bin/time -f %P -o "$TMP/cpu" "$PERF" --socket "$TMP/d.sock" -- $GCM \
			--ptest latency --burst-sz 1 \
			--total-ops "$LAT_OPS" | awk '/lat \[us\]/ { print $6 }')
	fi
	t1=$(now); c1=$(computed); w1=$(ticks "$WORKER"); o1=$(ticks "$OSSL")
	if [ -n "$RSA" ] && ! kill -0 "$RSA" 2>/dev/null; then
		echo "the RSA client ended during the $kind run:" >&2
		cat "$TMP/rsa.out" >&2
		exit 1
	fi
	awk -v v="$v" -v t0="$t0" -v t1="$t1" -v c="$((c1 - c0))" -v w="$((w1 - w0))" \
	    -v o="$((o1 - o0))" -v hz="$TCK" -v cl="$(tr -d '%' < "$TMP/cpu")" 'BEGIN {
		s = t1 - t0
		printf "%s %.0f %.1f %.1f %s\n", v, c / s, 100 * o / hz / s, 100 * w / hz / s, cl }' \
		>> "$TMP/$kind.txt"
}

rsa_start() {
	# --idle-wait: the RSA client sleeps until its signs come back, as an IKE
	# daemon would; a polling one would take a CPU of the two from the others.
	"$PERF" --socket "$TMP/d.sock" --idle-wait -- --optype rsa --rsa-modlen 4096 --burst-sz "$RSA_BURST" \
		--pool-sz "$RSA_INFLIGHT" --total-ops 100000000 --silent > "$TMP/rsa.out" 2>&1 &
	RSA=$!
	# Until its signs flow (an RSA-4096 keygen takes seconds on a loaded
	# machine): the device has computed more than a queue's worth.
	c0=$(computed)
	for _ in $(seq 600); do
		kill -0 "$RSA" 2>/dev/null || { cat "$TMP/rsa.out" >&2; exit 1; }
		[ "$(computed)" -gt $((c0 + RSA_INFLIGHT)) ] && return
		sleep 0.1
	done
	echo "the RSA client's signs did not start within 60 s" >&2
	exit 1
}
rsa_stop() {
	kill "$RSA" 2>/dev/null || true
	wait "$RSA" 2>/dev/null || true
	RSA=
	sleep 3	# what it left in flight drains (at most its credits of RSA-4096 signs)
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$ROUNDS"); do
	gcm_run tput
	gcm_run lat
	rsa_start
	gcm_run tput_rsa
	gcm_run lat_rsa
	rsa_stop
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Best of the rounds: highest MOps, lowest p99; the RSA figures of that round.
best() { sort -k1,1g "$TMP/$1.txt" | if [ "$2" = max ]; then tail -1; else head -1; fi; }
set -- $(best tput max); T0=$1; T0_WORKER=$4; T0_CL=$5
set -- $(best lat min); L0=$1; L0_WORKER=$4; L0_CL=$5
set -- $(best tput_rsa max); T1=$1; T1_RSA=$2; T1_OSSL=$3; T1_WORKER=$4; T1_CL=$5
set -- $(best lat_rsa min); L1=$1; L1_RSA=$2; L1_OSSL=$3; L1_WORKER=$4; L1_CL=$5

echo "RSA client: RSA-4096 pkcs1pad(rsa,sha256) signs, $RSA_INFLIGHT in flight (burst $RSA_BURST); best of $ROUNDS rounds"
echo
echo "| GCM-128 64 B through cryptoengd | alone | with RSA-4096 signs running |"
echo "|---|---|---|"
echo "| throughput, burst 32 (MOps) | $T0 | $T1 |"
echo "| latency, burst 1: p99 (us) | $L0 | $L1 |"
echo "| RSA-4096 signs/s during the throughput run / the latency run | - | $T1_RSA / $L1_RSA |"
echo "| openssl thread CPU (% of one CPU), throughput / latency run | - | $T1_OSSL / $L1_OSSL |"
echo "| worker lcore thread CPU (% of one CPU), throughput / latency run | $T0_WORKER / $L0_WORKER | $T1_WORKER / $L1_WORKER |"
echo "| GCM client CPU (% of one CPU), throughput / latency run | $T0_CL / $L0_CL | $T1_CL / $L1_CL |"
echo
awk -v a="$T0" -v b="$T1" -v o="$T1_OSSL" 'BEGIN {
	printf "GCM throughput with RSA running: %.1f%% of alone (drop %.1f%%); the openssl thread took %.1f%% of a CPU\n",
	       100 * b / a, 100 - 100 * b / a, o }'
awk -v l="$L1" 'BEGIN { printf "GCM p99 with RSA-4096 signs running: %.2f us (goal < 50 us: %s)\n", l, l < 50 ? "met" : "NOT met" }'
echo
echo "all rounds (value rsa/s ossl% worker% client%):"
for k in tput lat tput_rsa lat_rsa; do echo "  $k: $(tr '\n' ';' < "$TMP/$k.txt")"; done
echo "load average before: $load_before; after: $load_after ($(nproc) CPUs)"
