#!/bin/sh
# Install the Debian 12 packages cryptoeng needs to build, test and benchmark.
# Idempotent: apt-get update runs only when something is missing.
set -eu

PACKAGES="gcc pkg-config meson ninja-build python3
libdpdk-dev dpdk-dev libipsec-mb-dev libsodium-dev libjansson-dev libssl-dev gnuplot-nox"

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
