#!/usr/bin/python3
"""The gateway demo (scripts/gateway-demo.sh): namespaces and veth pairs,
cryptoengd, cryptoeng-ipsec-gw between a clear side and an ESP side, scapy
sending through it both ways on three SA kinds; prints what passed.

    demo.py --gateway BIN --daemon BIN [--packets N]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import counters  # noqa: E402
import gwlib  # noqa: E402
from test_gateway import Flow, sa_config, start_gateway, tunnel_sas  # noqa: E402

KINDS = [("gcm128", "rfc4106(gcm(aes)) AES-128"),
         ("cbc-sha256", "authenc(hmac(sha256),cbc(aes))"),
         ("chacha", "rfc7539esp(chacha20,poly1305)")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--packets", type=int, default=64)
    args = ap.parse_args()
    args.gateway_kind = "cryptoeng"
    args.ttl_delta = counters.TTL_DELTA
    h = gwlib.Harness(args)
    rc = 1
    try:
        h.setup()
        pairs = []
        for i, (kind, _) in enumerate(KINDS):
            out, inn = tunnel_sas(kind, "tunnel", out_spi=5 + i, in_spi=105 + i, seed=1 + i)
            out.src, out.dst = "172.16.1.%d" % (5 + i), "172.16.2.%d" % (5 + i)
            inn.src, inn.dst = out.dst, out.src
            pairs.append((out, inn))
        lines = sa_config(pairs)
        for i in range(1, len(KINDS)):
            lines += ["rt ipv4 dst 172.16.2.%d/32 port 1" % (5 + i),
                      "rt ipv4 dst 192.168.%d.0/24 port 1" % (105 + i),
                      "rt ipv4 dst 192.168.%d.0/24 port 0" % (1 + i)]
        start_gateway(h, lines)
        sizes = [1 + (k * 1371) // max(1, args.packets - 1) for k in range(args.packets)]
        print("\nnamespaces: %s (scapy, clear) <-> %s (cryptoeng-ipsec-gw) <-> %s (scapy, ESP)"
              % (h.topo.ns["clear"], h.topo.ns["gw"], h.topo.ns["esp"]))
        print("%-42s %-24s %s" % ("SA", "clear -> ESP", "ESP -> clear"))
        total = ok = 0
        for i, ((out, inn), (_, name)) in enumerate(zip(pairs, KINDS)):
            f = Flow(h, out, inn, index=i, ttl_delta=args.ttl_delta)
            a = f.send_out(sizes, base=1000 * i)
            b = f.send_in(sizes, base=1000 * i + 500)
            print("%-42s %3d/%-3d decrypted exact %3d/%-3d exact"
                  % ("%s spi %d/%d" % (name, out.spi, inn.spi), a, len(sizes), b, len(sizes)))
            total += 2 * len(sizes)
            ok += a + b
        c = counters.read(h.gw)
        print("gateway: %s" % {k: c["summary"].get(k) for k in ("rx", "tx", "dropped", "sas")})
        print("drops: %s" % (counters.drops(c) or "none"))
        print("%d of %d packets passed (inner sizes 1..1400 B), checked by scapy" % (ok, total))
        rc = 0 if ok == total and not h.failures else 1
    finally:
        h.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
