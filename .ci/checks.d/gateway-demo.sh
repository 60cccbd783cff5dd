#!/bin/sh
# The gateway's one command (gateway/demo.sh): namespace + veths, cryptoengd,
# cryptoeng-ipsec-gw, scapy as the ESP peer both ways; passes when every
# packet came through exactly. Needs root and network namespaces (77 else).
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ] || ! ip netns list >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ]; then
	echo "gateway-demo: needs root, ip netns and /usr/bin/python3: skipped" >&2
	exit 77
fi
if ! /usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null; then
	echo "gateway-demo: no python3-scapy: skipped" >&2
	exit 77
fi
echo "gateway-demo: gateway/demo.sh (AES-128-GCM tunnel, 7 sizes each way)" >&2
exec timeout 120 gateway/demo.sh
