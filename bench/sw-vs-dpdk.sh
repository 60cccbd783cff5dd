#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# pmd-sw (engine + ipsecmb backend on one lcore, in process) beside
# dpdk-test-crypto-perf on crypto_aesni_mb (the same intel-ipsec-mb
# underneath), burst 32, for issue 3's benchmark goals. The two tools run
# alternately, ROUNDS times each, and the best figure of each is kept: the
# machine is shared and noisy, so only figures from the same run compare.
#
#   bench/sw-vs-dpdk.sh [BUILD_DIR]      (default build-swperf)
#   env: ROUNDS (3), OPS (2000000), SIZES (64,1024,8192), ALGS
#        ("aes-gcm aes-cbc-sha1-hmac chacha20-poly1305"), MD=1 for a
#        markdown table, VERBOSE=1 to echo each command.
set -eu

BUILD=${1:-build-swperf}
ROUNDS=${ROUNDS:-3}
OPS=${OPS:-2000000}
SIZES=${SIZES:-64,1024,8192}
ALGS=${ALGS:-"aes-gcm aes-cbc-sha1-hmac chacha20-poly1305"}
BENCH=$BUILD/bench/engine-bench
PREFIX=swvsdpdk$$
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

command -v dpdk-test-crypto-perf >/dev/null || { echo "dpdk-test-crypto-perf missing (package dpdk)" >&2; exit 77; }
[ -x "$BENCH" ] || { echo "$BENCH missing: ninja -C $BUILD bench/engine-bench" >&2; exit 1; }

# crypto-perf's arguments for the same work as engine-bench -a ALG.
dpdk_args() {
	case $1 in
	aes-gcm) echo "--optype aead --aead-algo aes-gcm --aead-key-sz 16 --aead-iv-sz 12 --aead-op encrypt --digest-sz 16" ;;
	aes-cbc-sha1-hmac) echo "--optype cipher-then-auth --cipher-algo aes-cbc --cipher-key-sz 16 --cipher-iv-sz 16 --cipher-op encrypt --auth-algo sha1-hmac --auth-key-sz 20 --auth-op generate --digest-sz 12" ;;
	aes-cbc-sha256-hmac) echo "--optype cipher-then-auth --cipher-algo aes-cbc --cipher-key-sz 16 --cipher-iv-sz 16 --cipher-op encrypt --auth-algo sha2-256-hmac --auth-key-sz 32 --auth-op generate --digest-sz 16" ;;
	chacha20-poly1305) echo "--optype aead --aead-algo chacha20-poly1305 --aead-key-sz 32 --aead-iv-sz 12 --aead-op encrypt --digest-sz 16" ;;
	*) echo "unknown algorithm $1" >&2; exit 1 ;;
	esac
}

# Issue 3's goals (ratio cryptoeng / DPDK); "-" where it sets none.
goal() {
	case $1:$2 in
	aes-gcm:64) echo 1.5 ;;
	aes-gcm:1024) echo 1.2 ;;
	aes-gcm:8192) echo 0.97 ;;
	aes-cbc-sha1-hmac:*) echo 1.0 ;;
	*) echo - ;;
	esac
}

# Echo each command on VERBOSE=1 (to fd 3: the tools' stderr is dropped).
exec 3>&2
run() {
	if [ "${VERBOSE:-0}" = 1 ]; then echo "+ $*" >&3; fi
	"$@"
}

# "size mops" lines from each tool.
dpdk_once() {
	# shellcheck disable=SC2046
	run dpdk-test-crypto-perf -l 0,1 --no-huge -m 512 --no-pci --vdev crypto_aesni_mb \
		--log-level=error --file-prefix="$PREFIX" -- --ptest throughput \
		--devtype crypto_aesni_mb $(dpdk_args "$1") --burst-sz 32 --buffer-sz "$SIZES" \
		--total-ops "$OPS" 2>/dev/null |
		awk '$1 ~ /^[0-9]+$/ && NF >= 9 && $3 == 32 { print $2, $8 }'
}

ours_once() {
	run "$BENCH" -a "$1" -s "$SIZES" -b 32 -m batch -n "$OPS" -r 1 2>/dev/null |
		awk '$4 == "batch" { print $2, $5 }'
}

for alg in $ALGS; do
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		dpdk_once "$alg" | sed "s/^/dpdk $alg /" >>"$TMP/raw"
		ours_once "$alg" | sed "s/^/ours $alg /" >>"$TMP/raw"
		r=$((r + 1))
	done
done

# Best of the rounds per (tool, algorithm, size), then one line per test.
for alg in $ALGS; do
	for size in $(echo "$SIZES" | tr ',' ' '); do
		d=$(awk -v a="$alg" -v s="$size" '$1 == "dpdk" && $2 == a && $3 == s && $4 > m { m = $4 } END { print m + 0 }' "$TMP/raw")
		o=$(awk -v a="$alg" -v s="$size" '$1 == "ours" && $2 == a && $3 == s && $4 > m { m = $4 } END { print m + 0 }' "$TMP/raw")
		echo "$alg $size $d $o $(goal "$alg" "$size")"
	done
done | awk -v md="${MD:-0}" '
BEGIN {
	if (md) {
		print "| algorithm | size (B) | DPDK MOps | cryptoeng MOps | ratio | goal | met? |"
		print "|---|---:|---:|---:|---:|---:|---|"
	} else {
		printf "%-20s %6s %10s %15s %7s %6s %5s\n", "algorithm", "size", "DPDK MOps", "cryptoeng MOps", "ratio", "goal", "met?"
	}
}
{
	ratio = $3 > 0 ? $4 / $3 : 0
	met = $5 == "-" ? "-" : (ratio >= $5 ? "yes" : "no")
	if (md)
		printf "| %s | %d | %.2f | %.2f | %.2f | %s | %s |\n", $1, $2, $3, $4, ratio, $5, met
	else
		printf "%-20s %6d %10.2f %15.2f %7.2f %6s %5s\n", $1, $2, $3, $4, ratio, $5, met
}'
