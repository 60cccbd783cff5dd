#!/bin/sh
# The gateway demo, as root: installs what is missing, builds, then brings up
# three network namespaces (clear side, gateway, ESP side) joined by veth
# pairs, starts cryptoengd and cryptoeng-ipsec-gw between them, sends packets
# through it both ways with scapy (inner sizes 1..1400 B, three SA kinds),
# prints what passed, and tears everything down.
#   scripts/gateway-demo.sh [BUILD_DIR [--packets N]]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
[ $# -gt 0 ] && shift

if [ "$(id -u)" -ne 0 ]; then
	echo "gateway-demo: needs root (network namespaces, raw sockets)" >&2
	exit 1
fi
scripts/setup-deps.sh
if [ -d "$build/meson-private" ]; then
	meson setup --reconfigure "$build" >/dev/null
else
	meson setup "$build" >/dev/null
fi
ninja -C "$build" >/dev/null
# Debian's scapy: /usr/bin/python3, whatever python comes first on PATH.
exec /usr/bin/python3 tests/gateway/demo.py --gateway "$build/gateway/cryptoeng-ipsec-gw" \
	--daemon "$build/daemon/cryptoengd" "$@"
