#!/bin/sh
# The gateway benchmark: cryptoeng-ipsec-gw (one gateway lcore + one
# cryptoengd worker; also on the daemon's null backend) beside DPDK's
# ipsec-secgw (two lcores, crypto_aesni_mb in process), built here from
# dpdk-doc's source, on the same net_pcap input in the same run.
#   bench/gateway/run.sh [BUILD_DIR [OUT.md [gwbench.py options...]]]
# As root; no hugepages. Not a test: figures on a shared machine are noisy.
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
out=${2:-bench/results/$(date -u +%Y-%m-%d)/gateway.md}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
nice ninja -C "$build" gateway/cryptoeng-ipsec-gw daemon/cryptoengd >/dev/null
secgw=$(bench/gateway/build-secgw.sh "$build/secgw" | tail -1)
exec /usr/bin/python3 bench/gateway/gwbench.py --gateway "$build/gateway/cryptoeng-ipsec-gw" \
	--daemon "$build/daemon/cryptoengd" --secgw "$secgw" --out "$out" "$@"
