#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Asymmetric operations through cryptoengd (one worker lcore, 64 requests in
# flight, bench/asym/asym-bench) beside `openssl speed` on the same machine
# in the same minute, alternately, ROUNDS times each; the best figure of each
# side is kept (the machine is shared and noisy: only same-run ratios hold).
# The daemon has the "openssl" backend (its own thread) and a "cryptodev"
# device over the crypto_openssl vdev, so RSA-2048 sign runs on each in turn
# (--driver-rsa) and the rest on the openssl backend.
#
# Besides the wall-clock ratio, the CPU time of the thread that computes
# (the openssl device's thread; the worker lcore for the cryptodev device,
# which computes inside enqueue) per operation, from /proc, beside openssl
# speed's own figure (user CPU time per operation, its default): on a loaded
# machine the wall-clock ratio says how much CPU the daemon's threads got,
# the CPU ratio what each operation costs them.
#
#   bench/asym/run.sh [BUILD_DIR]        (default build)
#   env: ROUNDS (3), SECONDS_EACH (3), INFLIGHT (64)
# Prints a markdown table, the load average before and after.
set -eu

BUILD=${1:-build}
ROUNDS=${ROUNDS:-3}
SECS=${SECONDS_EACH:-3}
INFLIGHT=${INFLIGHT:-64}
BENCH=$BUILD/bench/asym-bench
DAEMON=$BUILD/daemon/cryptoengd
TMP=$(mktemp -d)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

[ -x "$BENCH" ] && [ -x "$DAEMON" ] || { echo "build $BENCH and $DAEMON first" >&2; exit 1; }

cat > "$TMP/d.ini" <<EOF
[eal]
lcores = 0,1
args = --no-pci --log-level=lib.eal:error
file_prefix = asymbench$$
hugepages = no

[socket]
path = $TMP/d.sock

[pmd.openssl0]
driver = openssl

[pmd.dev0]
driver = cryptodev
args = dev=crypto_openssl

[pmd.ipsecmb0]
driver = ipsecmb
EOF
"$DAEMON" --config "$TMP/d.ini" --foreground --log stderr 2> "$TMP/d.log" &
PID=$!
# The self-tests (RSA-4096 known answers among them) come first.
for _ in $(seq 600); do [ -S "$TMP/d.sock" ] && break; sleep 0.1; done
[ -S "$TMP/d.sock" ] || { cat "$TMP/d.log" >&2; exit 1; }

# CPU time (utime + stime, clock ticks) of the daemon's thread named $1.
thread_ticks() {
	for t in /proc/"$PID"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "$1" ] || continue
		awk '{ print $14 + $15 }' "$t/stat"
	done
}
# One operation: asym-bench's line plus "cpu_us_per_op" of thread $3.
run_one() {
	op=$1 driver=$2 thread=$3 name=${4:-$1}
	t0=$(thread_ticks "$thread")
	line=$("$BENCH" --socket "$TMP/d.sock" --seconds "$SECS" --inflight "$INFLIGHT" \
		--only "$op" --driver-rsa "$driver" | sed "s/^$op /$name /")
	t1=$(thread_ticks "$thread")
	echo "$line" | awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
		'{ printf "%s cpu_us_per_op %.1f\n", $0, ($5 > 0 ? d * 1e6 / hz / $5 : 0) }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$TMP/ce.txt"
: > "$TMP/ossl.txt"
for _ in $(seq "$ROUNDS"); do
	for op in rsa2048-sign ecdsap256-sign ecdsap256-verify ecdhp256 ecdhx25519; do
		run_one "$op" 'pkcs1pad(rsa-openssl,sha256)' ossl-openssl0 >> "$TMP/ce.txt"
	done
	run_one rsa2048-sign 'pkcs1pad-rsa-sha256-cryptodev' rte-worker-1 rsa2048-sign-cdev \
		>> "$TMP/ce.txt"
	openssl speed -seconds "$SECS" rsa2048 ecdsap256 ecdhp256 ecdhx25519 \
		2>/dev/null >> "$TMP/ossl.txt"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Best ops/s per operation on each side.
best_ce() { awk -v n="$1" '$1 == n { if ($3 > b) b = $3 } END { printf "%.0f", b }' "$TMP/ce.txt"; }
# Least CPU per operation of the computing thread.
best_cpu() {
	awk -v n="$1" '$1 == n && $NF > 0 { if (b == 0 || $NF < b) b = $NF } END { printf "%.1f", b }' \
		"$TMP/ce.txt"
}
# openssl speed's summary lines: "rsa 2048 bits ... sign/s verify/s",
# "256 bits ecdsa (nistp256) ... sign/s verify/s", "256 bits ecdh (nistp256) ... op/s".
best_ossl() {
	case $1 in
	rsa2048-sign) awk '/^rsa 2048 bits/ { if ($(NF-1) > b) b = $(NF-1) } END { printf "%.0f", b }' "$TMP/ossl.txt" ;;
	ecdsap256-sign) awk '/ecdsa \(nistp256\)/ { if ($(NF-1) > b) b = $(NF-1) } END { printf "%.0f", b }' "$TMP/ossl.txt" ;;
	ecdsap256-verify) awk '/ecdsa \(nistp256\)/ { if ($NF > b) b = $NF } END { printf "%.0f", b }' "$TMP/ossl.txt" ;;
	ecdhp256) awk '/ecdh \(nistp256\)/ { if ($NF > b) b = $NF } END { printf "%.0f", b }' "$TMP/ossl.txt" ;;
	ecdhx25519) awk '/ecdh \(X25519\)/ { if ($NF > b) b = $NF } END { printf "%.0f", b }' "$TMP/ossl.txt" ;;
	esac
}

echo "| operation | through cryptoengd (ops/s) | openssl speed, 1 core (ops/s) | ratio | computing thread, CPU µs/op | openssl speed, CPU µs/op | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
for op in rsa2048-sign rsa2048-sign-cdev ecdsap256-sign ecdsap256-verify ecdhp256 ecdhx25519; do
	ce=$(best_ce "$op")
	ref=$(best_ossl "${op%-cdev}")
	cpu=$(best_cpu "$op")
	awk -v op="$op" -v a="$ce" -v b="$ref" -v c="$cpu" 'BEGIN {
		r = b > 0 ? sprintf("%.2f", a / b) : "-"
		u = b > 0 ? 1e6 / b : 0
		cr = c > 0 && u > 0 ? sprintf("%.2f", u / c) : "-"
		printf "| %s | %s | %s | %s | %s | %.1f | %s |\n", op, a, b, r, c, u, cr }'
done
echo
echo "load average before: $load_before; after: $load_after ($(nproc) CPUs)"
echo "asym-bench errors (must be 0): $(awk '{ s += $7 } END { print s + 0 }' "$TMP/ce.txt")"
