#!/bin/sh
# Build DPDK's example ipsec-secgw from Debian's dpdk-doc source into DIR
# (default build-secgw/), against the installed libdpdk.
#   bench/gateway/build-secgw.sh [DIR]
# One initializer is changed: the stock binary demands RX checksum offload on
# every port, which net_af_packet and net_pcap lack (NOTES.md); nothing else.
# Prints the binary's path on the last line.
set -eu
src=/usr/share/dpdk/examples/ipsec-secgw
dir=${1:-build-secgw}
if [ ! -f "$src/ipsec-secgw.c" ]; then
	echo "build-secgw: $src missing (Debian package dpdk-doc)" >&2
	exit 1
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$dir/src/build/ipsec-secgw
if [ ! -x "$bin" ] || [ "$src/ipsec-secgw.c" -nt "$bin" ]; then
	rm -rf "$dir/src"
	cp -r "$src" "$dir/src"
	# .rxmode.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM -> 0 (virtual ports lack it).
	sed -i 's/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0, \/* cryptoeng bench: virtual ports lack RX checksum offload *\//' \
		"$dir/src/ipsec-secgw.c"
	grep -q 'cryptoeng bench' "$dir/src/ipsec-secgw.c" || {
		echo "build-secgw: the RX checksum initializer was not found" >&2
		exit 1
	}
	nice make -s -C "$dir/src" >"$dir/make.log" 2>&1 || {
		cat "$dir/make.log" >&2
		exit 1
	}
fi
echo "$bin"
