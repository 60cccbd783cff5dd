#!/bin/sh
# One command: build, bring up a network namespace with two veth pairs,
# start cryptoengd and cryptoeng-ipsec-gw (AES-128-GCM tunnel), send traffic
# through it both ways with scapy as the independent ESP peer, print what
# passed, tear it all down. As root:
#   gateway/demo.sh
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

if [ ! -x build/gateway/cryptoeng-ipsec-gw ]; then
	scripts/setup-deps.sh
	[ -d build/meson-private ] || meson setup build >/dev/null
	ninja -C build >/dev/null
fi

id=$$
dir=$(mktemp -d /tmp/gw-demo.XXXXXX)
ns=gwdemo$id
clear_gw=gdc$id clear_host=gdch$id esp_gw=gde$id esp_peer=gdep$id
dpid= gpid=
cleanup() {
	[ -n "$gpid" ] && kill -TERM "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
	[ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	ip link del "$clear_gw" 2>/dev/null || true
	ip link del "$esp_gw" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# The hosts live in a namespace; the gateway's ports are the veths' other ends.
ip netns add "$ns"
ip link add "$clear_gw" type veth peer name "$clear_host"
ip link add "$esp_gw" type veth peer name "$esp_peer"
ip link set "$clear_host" netns "$ns"
ip link set "$esp_peer" netns "$ns"
for i in "$clear_gw" "$esp_gw"; do ip link set "$i" up; done
for i in "$clear_host" "$esp_peer" lo; do ip netns exec "$ns" ip link set "$i" up; done

cat >"$dir/gw.cfg" <<'EOF'
# clear 192.168.10.0/24 <-> gateway <-> ESP tunnel 172.16.1.1 <-> 172.16.2.1 <-> 192.168.20.0/24
sa out 1001 aead_algo aes-128-gcm aead_key 01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:a1:a2:a3:a4 \
mode ipv4-tunnel src 172.16.1.1 dst 172.16.2.1
sa in 2001 aead_algo aes-128-gcm aead_key 11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f:20:b1:b2:b3:b4 \
mode ipv4-tunnel src 172.16.2.1 dst 172.16.1.1
sp ipv4 out esp protect 1001 pri 1 dst 192.168.20.0/24 sport 0:65535 dport 0:65535
sp ipv4 in esp protect 2001 pri 1 dst 192.168.10.0/24 sport 0:65535 dport 0:65535
rt ipv4 dst 172.16.2.0/24 port 1
rt ipv4 dst 192.168.10.0/24 port 0
neigh port 0 02:00:00:00:00:10
neigh port 1 02:00:00:00:00:11
EOF

build/daemon/cryptoengd --config config/default.ini --socket "$dir/ce.sock" --foreground \
	-- --file-prefix "gwdemo-d-$id" >"$dir/daemon.log" 2>&1 &
dpid=$!
i=0
until [ -S "$dir/ce.sock" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$dpid" 2>/dev/null; then
		echo "demo: cryptoengd did not start:" >&2; cat "$dir/daemon.log" >&2; exit 1
	fi
	sleep 0.1
done

build/gateway/cryptoeng-ipsec-gw -l 0 --no-huge -m 256 --no-pci --file-prefix "gwdemo-g-$id" \
	--log-level=lib.eal:error \
	--vdev "net_af_packet0,iface=$clear_gw" --vdev "net_af_packet1,iface=$esp_gw" -- \
	-p 0x3 -u 0x2 --config "(0,0,0),(1,0,0)" -f "$dir/gw.cfg" --socket "$dir/ce.sock" \
	>"$dir/gw.log" 2>&1 &
gpid=$!
i=0
until grep -q "running on" "$dir/gw.log"; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$gpid" 2>/dev/null; then
		echo "demo: the gateway did not start:" >&2; cat "$dir/gw.log" >&2; exit 1
	fi
	sleep 0.1
done
grep "^gateway:" "$dir/gw.log"

# scapy (Debian's, for /usr/bin/python3) is the other end of the tunnel.
set +e
ip netns exec "$ns" /usr/bin/python3 - "$clear_host" "$esp_peer" >"$dir/peer.log" 2>&1 <<'EOF'
import sys, time
from scapy.all import Ether, IP, UDP, Raw, AsyncSniffer, conf
from scapy.layers.ipsec import SecurityAssociation, ESP
conf.verb = 0
clear_if, esp_if = sys.argv[1], sys.argv[2]
k_out = bytes.fromhex('0102030405060708090a0b0c0d0e0f10a1a2a3a4')
k_in = bytes.fromhex('1112131415161718191a1b1c1d1e1f20b1b2b3b4')
gw_out = SecurityAssociation(ESP, spi=1001, crypt_algo='AES-GCM', crypt_key=k_out,
                             tunnel_header=IP(src='172.16.1.1', dst='172.16.2.1'))
peer_out = SecurityAssociation(ESP, spi=2001, crypt_algo='AES-GCM', crypt_key=k_in, seq_num=1,
                               tunnel_header=IP(src='172.16.2.1', dst='172.16.1.1'))
sizes = [1, 17, 64, 200, 512, 1000, 1400]
cs, es = conf.L2socket(iface=clear_if), conf.L2socket(iface=esp_if)

def run(tx, tx_if, rx_if, flt, make, check):
    sn = AsyncSniffer(iface=rx_if, filter=flt, store=True)
    sn.start(); time.sleep(0.5)
    want = []
    for n in sizes:
        inner, frame = make(n)
        want.append(inner)
        tx.send(frame)
    time.sleep(1.0)
    got = sn.stop()
    ok = sum(1 for g in got if check(g) in want)
    return len(want), ok

def clear(n, src, dst):
    return IP(src=src, dst=dst) / UDP(sport=4000, dport=5000) / Raw(b'c' * n)

def out_make(n):
    p = clear(n, '192.168.10.5', '192.168.20.5')
    return bytes(IP(bytes(p))), Ether(dst='02:00:00:00:00:10') / p

def out_check(g):
    try:
        return bytes(gw_out.decrypt(g[IP]))
    except Exception:
        return None

def in_make(n):
    p = clear(n, '192.168.20.5', '192.168.10.5')
    return bytes(IP(bytes(p))), Ether(dst='02:00:00:00:00:11') / peer_out.encrypt(p)

sent, ok = run(cs, clear_if, esp_if, 'esp', out_make, out_check)
print('clear -> ESP: sent %d, %d came out as ESP that scapy decrypts to exactly what was sent' % (sent, ok))
sent2, ok2 = run(es, esp_if, clear_if, 'udp', in_make, lambda g: bytes(g[IP]))
print('ESP -> clear: sent %d (scapy-encrypted), %d came out exactly as the inner packet' % (sent2, ok2))
print('PASS' if ok == sent and ok2 == sent2 else 'FAIL')
sys.exit(0 if ok == sent and ok2 == sent2 else 1)
EOF
rc=$?
set -e
grep -v WARNING "$dir/peer.log"
kill -TERM "$gpid"; wait "$gpid" 2>/dev/null || true
gpid=
tail -1 "$dir/gw.log"
exit $rc
