#!/bin/sh
# Issue 7's figures through the daemon: the cryptodev backend over a DPDK
# software vdev with [engine] batch_size = 1 (do_one_request: one enqueue per
# request) against 32 (do_batch_requests: one enqueue burst per pump), and the
# same requests on the ipsecmb backend for the size crossover.
#   bench/cryptodev-batch.sh [BUILD_DIR]      (default build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
tmp=$(mktemp -d /tmp/cryptodev-batch.XXXXXX)
. scripts/lib/daemon.sh
trap 'rm -rf "$tmp"' EXIT

# run VDEV BATCH DRIVER crypto-perf-options...
run() {
	vdev=$1 batch=$2 driver=$3
	shift 3
	d=$tmp/$vdev-$batch
	mkdir -p "$d"
	{ daemon_eal_config "cdb-$$-$vdev-$batch"; cat <<INI; } >"$d/c.ini"
[engine]
batch_size = $batch
[pmd.dev0]
driver = cryptodev
args = dev=$vdev,small_to_sw=0
[pmd.ipsecmb0]
driver = ipsecmb
INI
	daemon_start "$d/s.sock" "$build/daemon/cryptoengd" --config "$d/c.ini" --socket "$d/s.sock" \
		--foreground >"$d/log" 2>&1 || { cat "$d/log" >&2; exit 1; }
	taskset -c 0 "$build/bench/cryptoeng-perf" --socket "$d/s.sock" --driver "$driver" -- \
		--silent --ptest throughput "$@" 2>/dev/null | grep -E '^ +[0-9]' |
		sed "s/^/$vdev batch_size=$batch $driver /"
	daemon_stop
}

null="--optype cipher-only --cipher-algo null --cipher-key-sz 0 --cipher-iv-sz 0"
gcm="--optype aead --aead-algo aes-gcm --aead-key-sz 16 --aead-iv-sz 12 --aead-op encrypt --digest-sz 16"
echo "# device batch driver | lcore, Buf Size, Burst Size, Enqueued, Dequeued, Failed Enq, Failed Deq, MOps, Gbps, Cycles/Buf"
for b in 1 32; do
	# shellcheck disable=SC2086
	run crypto_null $b ecb-cipher_null-cryptodev $null --buffer-sz 64 --burst-sz 1,8,32 --total-ops 3000000
done
for b in 1 32; do
	# shellcheck disable=SC2086
	run crypto_aesni_mb $b gcm-aes-cryptodev $gcm --buffer-sz 64 --burst-sz 1,8,32 --total-ops 2000000
done
for driver in gcm-aes-cryptodev gcm-aes-ipsecmb; do
	# shellcheck disable=SC2086
	run crypto_aesni_mb 32 $driver $gcm --buffer-sz 64,256,1024,2048,8192 --burst-sz 32 --total-ops 1000000
done
