#!/bin/sh
# Install the Debian 12 packages cryptoeng needs to build, test and benchmark.
# Idempotent: apt-get update runs only when something is missing.
set -eu

# Build and run: the toolchain and the libraries we link.
# Tests: g++ (headers compile as C++), clang-14 + libfuzzer-14-dev (fuzz
# harnesses), python3-scapy and python3-cryptography (the gateway's
# independent ESP peer, and the tests' own trailer check), iproute2
# (namespaces and veth pairs), dpdk-doc (ipsec-secgw's reference configs).
# Operations: libsystemd-dev (sd_notify), scdoc (man pages), debhelper,
# dpkg-dev, fakeroot and lintian (Debian packages), babeltrace (rte_trace).
PACKAGES="gcc g++ pkg-config meson ninja-build python3
libdpdk-dev dpdk-dev libipsec-mb-dev libsodium-dev libjansson-dev libssl-dev gnuplot-nox
clang-14 libfuzzer-14-dev python3-scapy python3-cryptography iproute2 dpdk-doc
libsystemd-dev scdoc debhelper dpkg-dev fakeroot lintian babeltrace"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi

echo "setup-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -q -y --no-install-recommends $missing >&2
