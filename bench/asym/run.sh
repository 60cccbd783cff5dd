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
#   env: ROUNDS (3), SECONDS_EACH (3), INFLIGHT (64), OLD_BUILD (a second
#        build dir whose daemon and asym-bench run in the same alternation:
#        rows "...(old)", before and after in one run)
# Prints a markdown table, the load average before and after.
set -eu

BUILD=${1:-build}
ROUNDS=${ROUNDS:-3}
SECS=${SECONDS_EACH:-3}
INFLIGHT=${INFLIGHT:-64}
OLD=${OLD_BUILD:-}
TMP=$(mktemp -d)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

for b in "$BUILD" $OLD; do
	[ -x "$b/bench/asym-bench" ] && [ -x "$b/daemon/cryptoengd" ] ||
		{ echo "build $b/bench/asym-bench and $b/daemon/cryptoengd first" >&2; exit 1; }
done

# start_daemon BUILD TAG: a daemon on $TMP/TAG.sock, its pid in $TMP/TAG.pid.
# An idle daemon sleeps: the one not measured takes no CPU meanwhile.
start_daemon() {
	cat > "$TMP/$2.ini" <<EOF
[eal]
lcores = 0,1
args = --no-pci --log-level=lib.eal:error
file_prefix = asymbench$$$2
hugepages = no

[socket]
path = $TMP/$2.sock

[pmd.openssl0]
driver = openssl

[pmd.dev0]
driver = cryptodev
args = dev=crypto_openssl

[pmd.ipsecmb0]
driver = ipsecmb
EOF
	"$1/daemon/cryptoengd" --config "$TMP/$2.ini" --foreground --log stderr \
		2> "$TMP/$2.log" &
	echo $! > "$TMP/$2.pid"
	PIDS="$PIDS $!"
	# The self-tests (RSA-4096 known answers among them) come first.
	for _ in $(seq 600); do [ -S "$TMP/$2.sock" ] && break; sleep 0.1; done
	[ -S "$TMP/$2.sock" ] || { cat "$TMP/$2.log" >&2; exit 1; }
}

# thread_ticks TAG NAME: CPU time (utime + stime, clock ticks) of daemon
# TAG's thread named NAME.
thread_ticks() {
	for t in /proc/"$(cat "$TMP/$1.pid")"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] || continue
		awk '{ print $14 + $15 }' "$t/stat"
	done
}

# run_one BUILD TAG OP DRIVER THREAD NAME: asym-bench's line for OP on
# daemon TAG, renamed NAME, plus "cpu_us_per_op" of its thread THREAD.
run_one() {
	t0=$(thread_ticks "$2" "$5")
	line=$("$1/bench/asym-bench" --socket "$TMP/$2.sock" --seconds "$SECS" \
		--inflight "$INFLIGHT" --only "$3" --driver-rsa "$4" | sed "s/^$3 /$6 /")
	t1=$(thread_ticks "$2" "$5")
	echo "$line" | awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
		'{ printf "%s cpu_us_per_op %.1f\n", $0, ($5 > 0 ? d * 1e6 / hz / $5 : 0) }'
}

# run_round BUILD TAG SUFFIX: every operation once on daemon TAG.
run_round() {
	for op in rsa2048-sign ecdsap256-sign ecdsap256-verify ecdhp256 ecdhx25519; do
		run_one "$1" "$2" "$op" 'pkcs1pad(rsa-openssl,sha256)' ossl-openssl0 "$op$3"
	done
	run_one "$1" "$2" rsa2048-sign 'pkcs1pad-rsa-sha256-cryptodev' rte-worker-1 \
		"rsa2048-sign-cdev$3"
}

start_daemon "$BUILD" new
[ -z "$OLD" ] || start_daemon "$OLD" old

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$TMP/ce.txt"
: > "$TMP/ossl.txt"
for _ in $(seq "$ROUNDS"); do
	run_round "$BUILD" new "" >> "$TMP/ce.txt"
	[ -z "$OLD" ] || run_round "$OLD" old "(old)" >> "$TMP/ce.txt"
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

ROWS="rsa2048-sign rsa2048-sign-cdev ecdsap256-sign ecdsap256-verify ecdhp256 ecdhx25519"
[ -z "$OLD" ] || ROWS="$ROWS $(for r in $ROWS; do printf '%s(old) ' "$r"; done)"
echo "| operation | through cryptoengd (ops/s) | openssl speed, 1 core (ops/s) | ratio | computing thread, CPU µs/op | openssl speed, CPU µs/op | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
for row in $ROWS; do
	op=${row%(old)}
	ce=$(best_ce "$row")
	ref=$(best_ossl "${op%-cdev}")
	cpu=$(best_cpu "$row")
	awk -v op="$row" -v a="$ce" -v b="$ref" -v c="$cpu" 'BEGIN {
		r = b > 0 ? sprintf("%.2f", a / b) : "-"
		u = b > 0 ? 1e6 / b : 0
		cr = c > 0 && u > 0 ? sprintf("%.2f", u / c) : "-"
		printf "| %s | %s | %s | %s | %s | %.1f | %s |\n", op, a, b, r, c, u, cr }'
done
echo
echo "load average before: $load_before; after: $load_after ($(nproc) CPUs)"
echo "asym-bench errors (must be 0): $(awk '{ s += $7 } END { print s + 0 }' "$TMP/ce.txt")"
