#!/usr/bin/python3
"""Gateway tests with real processes: cryptoengd, cryptoeng-ipsec-gw (or DPDK's
ipsec-secgw, to validate the harness itself), network namespaces, veth pairs,
and scapy as the independent ESP peer on both sides.

    test_gateway.py --gateway BIN [--daemon BIN] [--gateway-kind cryptoeng|secgw] CASE [ARGS]

Cases:
    interop KIND MODE   clear -> ESP and ESP -> clear for inner sizes 1..1400
                        (KIND: gcm128 gcm256 cbc-sha1 cbc-sha256 chacha;
                         MODE: tunnel transport)
    esn KIND            -e with the sequence number crossing 2^32, both ways
    hostile KIND        malformed and hostile ESP, each dropped and counted
    lifetime            an SA past its hard lifetime in packets stops
    config FILE         the reference config: supported lines accepted,
                        others refused with file:line
    options             unsupported ipsec-secgw options refused by name
    restart             the daemon killed and restarted under traffic
Exit: 0 pass, 1 fail, 77 skipped (not root, no netns, no gateway binary).
"""

import argparse
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gwlib  # noqa: E402
from gwlib import (CLEAR_HOST, MAC, REMOTE_HOST, TUN_LOCAL, TUN_REMOTE, Harness,  # noqa: E402
                   SaSpec, log, rfc_padding, skip)
import counters  # noqa: E402

# Inner UDP payload sizes: every padding residue for the small ones, then
# block and MTU edges. The inner IPv4 packet is payload + 28 bytes; 1372 is
# an inner packet of 1400 bytes.
PAYLOAD_SIZES = list(range(1, 34)) + [47, 48, 63, 64, 65, 127, 128, 255, 256, 511, 512,
                                      1000, 1024, 1371, 1372]
BATCH = 8


def scapy():
    """scapy.all, imported late: after the skip checks, and once the
    harness has switched namespaces (scapy caches interfaces at import)."""
    import scapy.all as s
    return s


def inner_packet(i, size, src=CLEAR_HOST, dst=REMOTE_HOST):
    s = scapy()
    payload = bytes((i * 7 + j) & 0xFF for j in range(size))
    return s.IP(raw(s.IP(src=src, dst=dst, id=i & 0xFFFF, ttl=64) /
                    s.UDP(sport=4000 + (i & 0xFFF), dport=7) / s.Raw(payload)))


def raw(p):
    return bytes(p)


def expected_after_forwarding(inner, ttl_delta):
    """The inner packet as the gateway must emit it: identical, except the TTL
    if the gateway decrements it (then the checksum follows)."""
    s = scapy()
    if ttl_delta == 0:
        return raw(inner)
    p = inner.copy()
    p.ttl -= ttl_delta
    del p.chksum
    return raw(s.IP(raw(p)))


def tunnel_sas(kind, mode, out_spi=5, in_spi=105, seed=1, extra_out="", extra_in=""):
    out = SaSpec(kind, out_spi, "out", mode, TUN_LOCAL, TUN_REMOTE, seed=seed, extra=extra_out)
    inn = SaSpec(kind, in_spi, "in", mode, TUN_REMOTE, TUN_LOCAL, seed=seed + 50, extra=extra_in)
    return out, inn


def sa_config(pairs):
    lines = []
    for i, (out, inn) in enumerate(pairs):
        net = 105 + i
        lines.append("sp ipv4 out esp protect %d pri 1 dst 192.168.%d.0/24 "
                     "sport 0:65535 dport 0:65535" % (out.spi, net))
        lines.append("sp ipv4 in esp protect %d pri 1 dst 192.168.%d.0/24 "
                     "sport 0:65535 dport 0:65535" % (inn.spi, 1 + i))
        lines.append(out.config_line())
        lines.append(inn.config_line())
    return lines


class Flow:
    """Both directions of one SA pair through the running gateway."""

    def __init__(self, h, out, inn, index=0, ttl_delta=0, esn_out=None, esn_in=None):
        self.h, self.out, self.inn = h, out, inn
        self.clear_host = "192.168.%d.10" % (1 + index)
        self.remote_host = "192.168.%d.10" % (105 + index)
        self.ttl_delta = ttl_delta
        self.esn_out = esn_out      # first 64-bit sequence number expected out
        self.next_out = esn_out if esn_out is not None else 1
        self.esn = esn_out is not None or esn_in is not None
        self.peer_sa = None
        self.next_in = esn_in if esn_in is not None else 1
        self.ivs = set()

    # -------- clear -> gateway -> ESP
    def is_ours_out(self, f):
        s = scapy()
        return f.haslayer(s.ESP) and f[s.ESP].spi == self.out.spi

    def decrypt_out(self, frame, seq64):
        """scapy decrypts and verifies the ICV; our own `cryptography` check
        reads the trailer (padding, next header). Returns the inner bytes."""
        s = scapy()
        esp = frame[s.ESP]
        hi = seq64 >> 32
        sa = self.out.scapy_sa(esn_en=self.esn, esn=hi)
        outer = s.IP(raw(frame[s.IP]))
        if self.out.esn_icv_needs_harness(self.esn):
            self.out.esn_icv_to_scapy(outer[s.ESP], hi)
        plain = sa.decrypt(outer)
        data, pad, nh = self.out.open_trailer(esp, esn_hi=hi if self.esn else None)
        want_nh = 4 if self.out.mode == "tunnel" else 17
        self.h.check(nh == want_nh, "spi %d seq %d: next header %d, want %d"
                     % (self.out.spi, esp.seq, nh, want_nh))
        self.h.check(pad == rfc_padding(len(pad)),
                     "spi %d seq %d: padding %s is not 1, 2, 3, ..." % (self.out.spi, esp.seq, pad.hex()))
        iv = raw(esp.data)[:8 if self.out.kind in ("gcm128", "gcm256", "chacha") else 16]
        self.h.check(iv not in self.ivs, "spi %d seq %d: IV %s repeated" % (self.out.spi, esp.seq, iv.hex()))
        self.ivs.add(iv)
        if self.out.mode == "tunnel":
            self.h.check(frame[s.IP].src == self.out.src and frame[s.IP].dst == self.out.dst,
                         "outer header %s -> %s, want %s -> %s" % (frame[s.IP].src, frame[s.IP].dst,
                                                                    self.out.src, self.out.dst))
        self.h.check(frame[s.Ether].dst == MAC["es1"],
                     "ESP frame to %s, want the neigh MAC %s" % (frame[s.Ether].dst, MAC["es1"]))
        # Outer IPv4 checksum and length as a receiver checks them.
        outer = frame[s.IP]
        recomputed = s.IP(raw(outer))
        del recomputed.chksum
        self.h.check(s.IP(raw(recomputed)).chksum == outer.chksum, "outer IPv4 checksum wrong")
        self.h.check(outer.len == len(raw(outer)), "outer IPv4 length %d, frame has %d"
                     % (outer.len, len(raw(outer))))
        return raw(plain)

    def send_out(self, sizes, base=0):
        """Clear packets of each size in; each must come out as ESP that
        decrypts to exactly what went in. Returns the number that did."""
        s = scapy()
        ok = 0
        for at in range(0, len(sizes), BATCH):
            chunk = sizes[at:at + BATCH]
            sent = {}
            self.h.peer.drain("esp")
            for j, size in enumerate(chunk):
                i = base + at + j
                inner = inner_packet(i, size, self.clear_host, self.remote_host)
                sent[i & 0xFFFF] = inner
                self.h.peer.send("clear", s.Ether(src=MAC["cl0"], dst=MAC["gw0"]) / inner)
            got = self.h.peer.collect("esp", self.is_ours_out, len(chunk))
            self.h.check(len(got) == len(chunk), "spi %d: %d of %d ESP packets out (sizes %s)"
                         % (self.out.spi, len(got), len(chunk), chunk))
            for f in got:
                seq32 = f[s.ESP].seq
                seq64 = self.next_out
                self.h.check(seq32 == seq64 & 0xFFFFFFFF,
                             "spi %d: sequence number %d, want %d (64-bit %d)"
                             % (self.out.spi, seq32, seq64 & 0xFFFFFFFF, seq64))
                self.next_out += 1
                try:
                    inner = self.decrypt_out(f, seq64)
                except Exception as e:  # scapy's IPSecIntegrityError and friends
                    self.h.check(False, "spi %d seq %d: scapy cannot decrypt: %r"
                                 % (self.out.spi, seq32, e))
                    continue
                i = s.IP(inner).id
                want = sent.pop(i, None)
                if not self.h.check(want is not None, "spi %d: decrypted an unknown packet id %d"
                                    % (self.out.spi, i)):
                    continue
                if self.h.check(inner == expected_after_forwarding(want, self.ttl_delta),
                                "spi %d: inner packet id %d (%d bytes) differs:\n sent %s\n  got %s"
                                % (self.out.spi, i, len(raw(want)), raw(want).hex(), inner.hex())):
                    ok += 1
        return ok

    # -------- ESP -> gateway -> clear
    def peer_encrypt(self, inner, seq64):
        s = scapy()
        # Through the SA's own counter: scapy reads encrypt(seq_num=0) as
        # "not given" and would send 1.
        sa = self.inn.scapy_sa(esn_en=self.esn, esn=seq64 >> 32, seq_num=seq64 & 0xFFFFFFFF)
        pkt = sa.encrypt(inner)
        if self.inn.esn_icv_needs_harness(self.esn):
            self.inn.esn_icv_from_scapy(pkt[s.ESP], seq64 >> 32)
        return s.Ether(src=MAC["es1"], dst=MAC["gw1"]) / pkt

    def is_ours_in(self, f):
        s = scapy()
        return f.haslayer(s.IP) and f[s.IP].dst == self.clear_host and f[s.IP].proto == 17

    def send_in(self, sizes, base=0):
        s = scapy()
        ok = 0
        for at in range(0, len(sizes), BATCH):
            chunk = sizes[at:at + BATCH]
            sent = {}
            self.h.peer.drain("clear")
            for j, size in enumerate(chunk):
                i = base + at + j
                inner = inner_packet(i, size, self.remote_host, self.clear_host)
                sent[i & 0xFFFF] = inner
                self.h.peer.send("esp", self.peer_encrypt(inner, self.next_in))
                self.next_in += 1
            got = self.h.peer.collect("clear", self.is_ours_in, len(chunk))
            self.h.check(len(got) == len(chunk), "spi %d: %d of %d clear packets out (sizes %s)"
                         % (self.inn.spi, len(got), len(chunk), chunk))
            for f in got:
                self.h.check(f[s.Ether].dst == MAC["cl0"],
                             "clear frame to %s, want the neigh MAC %s" % (f[s.Ether].dst, MAC["cl0"]))
                out = raw(f[s.IP])
                i = f[s.IP].id
                want = sent.pop(i, None)
                if not self.h.check(want is not None, "spi %d: unknown packet id %d out"
                                    % (self.inn.spi, i)):
                    continue
                if self.h.check(out == expected_after_forwarding(want, self.ttl_delta),
                                "spi %d: packet id %d (%d bytes) differs:\n sent %s\n  got %s"
                                % (self.inn.spi, i, len(raw(want)), raw(want).hex(), out.hex())):
                    ok += 1
        return ok


def start_gateway(h, lines, extra_args=(), window=None):
    h.gw.write_config(lines)
    args = ["-p", "0x3", "-u", "0x2", "--config", "(0,0,1),(1,0,1)", "-f", h.gw.cfg]
    if window:
        args += ["-w", str(window)]
    args += list(extra_args)
    h.gw.start(args)
    if not h.probe():
        h.gw.proc.dump()
        raise RuntimeError("no bypass packet came through the gateway")


# ----------------------------------------------------------------- cases

def case_interop(h, kind, mode):
    h.setup()
    out, inn = tunnel_sas(kind, mode)
    start_gateway(h, sa_config([(out, inn)]))
    f = Flow(h, out, inn, ttl_delta=h.args.ttl_delta)
    n_out = f.send_out(PAYLOAD_SIZES)
    n_in = f.send_in(PAYLOAD_SIZES)
    log("%s %s: %d/%d clear->ESP exact, %d/%d ESP->clear exact"
        % (kind, mode, n_out, len(PAYLOAD_SIZES), n_in, len(PAYLOAD_SIZES)))
    h.check(n_out == len(PAYLOAD_SIZES) and n_in == len(PAYLOAD_SIZES), "not every size passed")
    if h.args.gateway_kind == "cryptoeng":
        c = counters.read(h.gw)
        sa_out = counters.sa(c, out.spi, "out")
        sa_in = counters.sa(c, inn.spi, "in")
        h.check(sa_out.get("pkts") == len(PAYLOAD_SIZES),
                "SA %d counts %s packets, %d went out" % (out.spi, sa_out.get("pkts"), n_out))
        h.check(sa_in.get("pkts") == len(PAYLOAD_SIZES),
                "SA %d counts %s packets, %d came in" % (inn.spi, sa_in.get("pkts"), n_in))


def case_esn(h, kind):
    """The gateway's outbound SA starts just below 2^32 (`esn` on the sa
    line, as ipsec-secgw), the inbound one's window likewise; packets go both
    ways across the boundary and the high half must be in the ICV."""
    h.setup()
    start = (1 << 32) - 4
    out, inn = tunnel_sas(kind, "tunnel", extra_out="esn %d" % start, extra_in="esn %d" % start)
    start_gateway(h, sa_config([(out, inn)]), extra_args=["-e"])
    # ipsec-secgw's and our `esn N`: the last sequence number used, so the
    # first packet carries N + 1.
    f = Flow(h, out, inn, ttl_delta=h.args.ttl_delta, esn_out=start + 1, esn_in=start + 1)
    sizes = [1, 64, 200, 1372, 17, 33, 512, 100]
    n_out = f.send_out(sizes)
    n_in = f.send_in(sizes)
    log("esn %s: %d/%d out, %d/%d in, last 64-bit sequence numbers %d / %d (2^32 = %d)"
        % (kind, n_out, len(sizes), n_in, len(sizes), f.next_out - 1, f.next_in - 1, 1 << 32))
    h.check(f.next_out - 1 > (1 << 32) and f.next_in - 1 > (1 << 32), "did not cross 2^32")
    h.check(n_out == len(sizes) and n_in == len(sizes), "not every packet passed")
    if kind.startswith("cbc") and h.args.gateway_kind == "cryptoeng":
        # The high half must be in the ICV (RFC 4303 §2.2.1): a packet whose
        # ICV leaves it out (scapy's own) is dropped as bad_icv, and its
        # sequence number stays usable.
        s = scapy()
        before = counters.read(h.gw)
        seq64 = f.next_in
        sa = inn.scapy_sa(esn_en=True, esn=seq64 >> 32, seq_num=seq64 & 0xFFFFFFFF)
        inner = inner_packet(99, 40, f.remote_host, f.clear_host)
        h.peer.drain("clear")
        h.peer.send("esp", s.Ether(src=MAC["es1"], dst=MAC["gw1"]) / sa.encrypt(inner))
        leaked = h.peer.collect("clear", f.is_ours_in, 1, timeout_s=1.0, settle_s=0)
        h.check(not leaked, "an ICV without the high sequence half was accepted")
        d = counters.sa_delta(before, counters.read(h.gw), inn.spi, "bad_icv")
        h.check(d == 1, "SA %d bad_icv moved by %s for an ICV without seq high, want 1"
                % (inn.spi, d))
        h.check(f.send_in([40]) == 1, "the same sequence number with the right ICV did not pass")


def case_hostile(h, kind):
    """Each hostile ESP packet is dropped and counted under its reason; a
    valid packet on the same SA and on a bystander SA passes after each."""
    s = scapy()
    h.setup()
    window = 64
    out, inn = tunnel_sas(kind, "tunnel")
    out2, inn2 = tunnel_sas("gcm128" if kind != "gcm128" else "cbc-sha256", "tunnel",
                            out_spi=6, in_spi=106, seed=9)
    # The bystander's tunnel: its own endpoints.
    out2.src, out2.dst, inn2.src, inn2.dst = "172.16.1.6", "172.16.2.6", "172.16.2.6", "172.16.1.6"
    lines = sa_config([(out, inn), (out2, inn2)]) + ["rt ipv4 dst 172.16.2.6/32 port 1",
                                                     "rt ipv4 dst 192.168.106.0/24 port 1",
                                                     "rt ipv4 dst 192.168.2.0/24 port 0"]
    start_gateway(h, lines, window=window)
    victim = Flow(h, out, inn, 0, h.args.ttl_delta)
    bystander = Flow(h, out2, inn2, 1, h.args.ttl_delta)

    def healthy(tag):
        a = victim.send_in([40])
        b = bystander.send_in([40])
        c = bystander.send_out([40])
        h.check(a == 1 and b == 1 and c == 1, "after %s: victim in %d, bystander in %d out %d"
                % (tag, a, b, c))
        h.check(h.gw.proc.alive(), "gateway died after " + tag)

    healthy("start")
    before = counters.read(h.gw)

    def hostile(tag, frame, reason, spi=inn.spi):
        h.peer.drain("clear")
        h.peer.send("esp", frame)
        leaked = h.peer.collect("clear", victim.is_ours_in, 1, timeout_s=1.0, settle_s=0)
        h.check(not leaked, "%s: the packet came through" % tag)
        healthy(tag)
        if h.gw.kind != "cryptoeng":
            log("hostile %s: dropped (no counters on %s)" % (tag, h.gw.kind))
            return
        now = counters.read(h.gw)
        d = counters.drop_delta(before, now, reason)
        h.check(d == 1, "%s: drop counter %r moved by %s, want 1" % (tag, reason, d))
        if spi is not None and reason in counters.PER_SA_REASONS:
            d = counters.sa_delta(before, now, spi, counters.PER_SA_REASONS[reason])
            h.check(d == 1, "%s: SA %d %s moved by %s, want 1" % (tag, spi, reason, d))
        before.clear()
        before.update(now)
        log("hostile %s: dropped, counted as %s" % (tag, reason))

    def frame_for(esp, sa=inn):
        return s.Ether(src=MAC["es1"], dst=MAC["gw1"]) / s.IP(src=sa.src, dst=sa.dst) / esp

    inner = inner_packet(7, 40, victim.remote_host, victim.clear_host)

    # Bad ICV: a valid packet with one bit of its ICV flipped.
    seq_forged = victim.next_in
    good = victim.peer_encrypt(inner, seq_forged)
    victim.next_in += 1
    b = bytearray(raw(good))
    b[-1] ^= 0x01
    hostile("bad ICV", s.Ether(bytes(b)), "bad_icv")

    # A forged packet must not use up its sequence number: the same number,
    # now valid, passes.
    h.peer.drain("clear")
    h.peer.send("esp", victim.peer_encrypt(inner, seq_forged))
    h.check(len(h.peer.collect("clear", victim.is_ours_in, 1)) == 1,
            "the sequence number of a forged packet was used up (RFC 4303 3.4.3)")

    # Replayed: the packet just accepted, again.
    hostile("replayed packet", victim.peer_encrypt(inner, seq_forged), "replayed")

    # Left of the window: jump ahead by 3 windows, then an old number.
    victim.next_in += 3 * window
    healthy("window jump")
    before.clear()
    before.update(counters.read(h.gw))
    hostile("left of the window", victim.peer_encrypt(inner, victim.next_in - 2 * window),
            "outside_window")

    # Unknown SPI: well formed, sealed with a key nobody has.
    stranger = SaSpec(kind, 4242, "in", "tunnel", TUN_REMOTE, TUN_LOCAL, seed=77)
    hostile("unknown SPI", s.Ether(src=MAC["es1"], dst=MAC["gw1"]) /
            stranger.scapy_sa().encrypt(inner), "no_sa", spi=None)

    # Truncated: header and 4 bytes of IV.
    full = raw(victim.peer_encrypt(inner, victim.next_in))
    victim.next_in += 1
    trunc = s.Ether(full[:14 + 20 + 8 + 4])
    trunc[s.IP].len = 20 + 8 + 4
    del trunc[s.IP].chksum
    hostile("truncated ESP", s.Ether(raw(trunc)), "malformed")

    # Bad padding: a correct ICV over pad bytes that are not 1, 2, 3, ...
    payload = raw(inner)
    block = 16 if kind.startswith("cbc") else 4
    padlen = (-(len(payload) + 2)) % block or block
    pad = bytes([0xAA] * padlen)
    esp = inn.seal_raw(victim.next_in, payload, 4, pad)
    victim.next_in += 1
    hostile("bad padding", frame_for(esp), "bad_padding")

    # Bad next header: 6 (TCP) in tunnel mode, where only 4 and 41 are valid.
    esp = inn.seal_raw(victim.next_in, payload, 6, rfc_padding(padlen))
    victim.next_in += 1
    hostile("bad next header", frame_for(esp), "bad_next_header")

    # A dummy packet (next header 59) is discarded (RFC 4303 2.6), counted.
    esp = inn.seal_raw(victim.next_in, b"\x00" * 30, 59, rfc_padding((-(30 + 2)) % block))
    victim.next_in += 1
    hostile("dummy packet", frame_for(esp), "dummy")

    c = counters.read(h.gw)
    log("drop counters at the end: %s" % counters.drops(c))


def case_lifetime(h):
    """An inbound SA with a hard lifetime of N packets: N pass, the next is
    dropped and counted; the other SA goes on."""
    h.setup()
    limit = 5
    out, inn = tunnel_sas("gcm128", "tunnel", extra_in=counters.hard_lifetime_packets(limit))
    out2, inn2 = tunnel_sas("cbc-sha256", "tunnel", out_spi=6, in_spi=106, seed=9)
    out2.src, out2.dst, inn2.src, inn2.dst = "172.16.1.6", "172.16.2.6", "172.16.2.6", "172.16.1.6"
    lines = sa_config([(out, inn), (out2, inn2)]) + ["rt ipv4 dst 172.16.2.6/32 port 1",
                                                     "rt ipv4 dst 192.168.106.0/24 port 1",
                                                     "rt ipv4 dst 192.168.2.0/24 port 0"]
    start_gateway(h, lines)
    victim = Flow(h, out, inn, 0, h.args.ttl_delta)
    bystander = Flow(h, out2, inn2, 1, h.args.ttl_delta)
    before = counters.read(h.gw)
    n = victim.send_in([50] * limit)
    h.check(n == limit, "%d of %d packets within the lifetime passed" % (n, limit))
    h.peer.drain("clear")
    inner = inner_packet(99, 50, victim.remote_host, victim.clear_host)
    h.peer.send("esp", victim.peer_encrypt(inner, victim.next_in))
    victim.next_in += 1
    h.check(not h.peer.collect("clear", victim.is_ours_in, 1, timeout_s=1.5, settle_s=0),
            "a packet past the SA's hard lifetime came through")
    h.check(bystander.send_in([50]) == 1, "the other SA stopped too")
    after = counters.read(h.gw)
    d = counters.drop_delta(before, after, "sa_expired")
    h.check(d == 1, "drop counter sa_expired moved by %s, want 1" % d)


def logical_lines(path):
    """(first physical line number, text) of each config line, with `\\`
    continuations joined, comments and blank lines left out."""
    out, buf, first = [], "", None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if first is None:
                first = n
            if line.endswith("\\"):
                buf += line[:-1]
                continue
            buf += line
            text = buf.split("#", 1)[0].strip()
            if text:
                out.append((first, n, text))
            buf, first = "", None
    return out


def case_config(h, ref):
    """Run the gateway on the reference config (on null ports); each line it
    refuses must be named as file:line with a keyword of that line, and be one
    that the gateway's contract lists as unsupported; commented out, the
    rest must be accepted (the gateway starts)."""
    if not os.path.exists(ref):
        skip("no reference config %s (package dpdk-doc)" % ref)
    h.setup()
    lines = logical_lines(ref)
    physical = open(ref).read().split("\n")
    cfg = os.path.join(h.workdir, os.path.basename(ref))
    removed = {}     # first line -> (message)
    ports = ["net_null%d" % i for i in range(4)]
    for attempt in range(len(lines) + 1):
        text = list(physical)
        for first in removed:
            last = next(l for f0, l, _ in lines if f0 == first)
            for k in range(first - 1, last):
                text[k] = "# (refused) " + text[k]
        with open(cfg, "w") as f:
            f.write("\n".join(text))
        h.gw.cfg = cfg
        h.gw.start(["-p", "0xf", "-u", "0x3", "--config", "(0,0,1),(1,0,1),(2,0,1),(3,0,1)",
                    "-f", cfg], ports=ports, wait=False, netns=False)
        started = wait_started_or_exit(h.gw)
        out = h.gw.proc.text()
        h.gw.stop()
        if started:
            break
        refs = re.findall(re.escape(os.path.basename(ref)) + r":(\d+)", out)
        new = [int(r) for r in refs if int(r) not in removed]
        if not h.check(new, "the gateway refused the config without naming a new file:line:\n"
                       + out[-2000:]):
            return
        for r in new:
            line = next(((f0, l, t) for f0, l, t in lines if f0 <= r <= l), None)
            if not h.check(line is not None, "refusal names line %d, which is no config line" % r):
                return
            msg = next(m for m in out.splitlines() if ":%d" % r in m)
            removed[line[0]] = (line[2], msg.strip())
    accepted = [t for f0, l, t in lines if f0 not in removed]
    log("%s: %d lines accepted, %d refused" % (ref, len(accepted), len(removed)))
    # SAs the contract refuses: a policy that protects with one of them is
    # refused in turn ("no sa out 15"), and rightly.
    refused_sas = set()
    for f0, l, t in lines:
        w = t.split()
        if w[0] == "sa" and counters.unsupported_reason(t):
            refused_sas.add((w[1], w[2]))
    for first, (text, msg) in sorted(removed.items()):
        log("  refused line %d: %s\n      -> %s" % (first, text[:70], msg))
        why = counters.unsupported_reason(text)
        w = text.split()
        if why is None and w[0] == "sp" and "protect" in w and \
                (w[2], w[w.index("protect") + 1]) in refused_sas:
            why = "protects with a refused SA"
        h.check(why is not None, "line %d refused, but the contract supports it: %s\n  (%s)"
                % (first, text, msg))
        words = set(text.replace(":", " ").split())
        h.check(any(w in msg for w in words if len(w) > 2 and not w[0].isdigit()),
                "line %d: the message names no keyword of the line: %s" % (first, msg))
    for text in accepted:
        h.check(counters.unsupported_reason(text) is None,
                "accepted a line the contract says is unsupported: " + text)
    # A garbage keyword on a line is refused with file:line and the keyword.
    bad = os.path.join(h.workdir, "bad.cfg")
    with open(bad, "w") as f:
        f.write("# one good SA, then nonsense\n%s\nsa out 9 frobnicate 3\n"
                % SaSpec("gcm128", 5, "out", "tunnel", TUN_LOCAL, TUN_REMOTE).config_line())
    h.gw.start(["-p", "0xf", "-u", "0x3", "--config", "(0,0,1),(1,0,1),(2,0,1),(3,0,1)",
                "-f", bad], ports=ports, wait=False, netns=False)
    started = wait_started_or_exit(h.gw)
    out = h.gw.proc.text()
    h.gw.stop()
    h.check(not started and "bad.cfg:3" in out and "frobnicate" in out,
            "garbage keyword not refused as bad.cfg:3 naming 'frobnicate':\n" + out[-1500:])


def wait_started_or_exit(gw, timeout_s=60.0):
    """True if the gateway came up (telemetry, main loop), False if it exited."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not gw.proc.alive():
            return False
        if gwlib.ready_text(gw.proc.text()):
            return True
        time.sleep(0.1)
    raise RuntimeError("gateway neither started nor exited in %.0f s" % timeout_s)


def case_options(h):
    """ipsec-secgw options the gateway does not support are refused by name
    (not silently ignored)."""
    h.setup()
    out, inn = tunnel_sas("gcm128", "tunnel")
    h.gw.write_config(sa_config([(out, inn)]))
    base = ["-p", "0x3", "-u", "0x2", "--config", "(0,0,1),(1,0,1)", "-f", h.gw.cfg]
    for opt in counters.UNSUPPORTED_OPTIONS:
        h.gw.start(base + opt, wait=False)
        started = wait_started_or_exit(h.gw)
        text = h.gw.proc.text()
        rc = h.gw.stop()
        h.check(not started and rc != 0 and opt[0].lstrip("-") in text,
                "option %s: started=%s rc=%s, message does not name it:\n%s"
                % (" ".join(opt), started, rc, text[-800:]))


def case_restart(h):
    """Traffic through; the daemon is killed; packets meanwhile are dropped
    and counted (daemon gone), the gateway lives; the daemon comes back;
    traffic passes again, with the sequence numbers going on."""
    h.setup()
    out, inn = tunnel_sas("gcm128", "tunnel")
    start_gateway(h, sa_config([(out, inn)]))
    f = Flow(h, out, inn, ttl_delta=h.args.ttl_delta)
    h.check(f.send_out([100] * 16) == 16, "before the restart: outbound")
    h.check(f.send_in([100] * 16) == 16, "before the restart: inbound")
    before = counters.read(h.gw)
    h.daemon.stop(signal.SIGKILL)
    s = scapy()
    for i in range(50):
        h.peer.send("clear", s.Ether(src=MAC["cl0"], dst=MAC["gw0"]) /
                    inner_packet(5000 + i, 100, f.clear_host, f.remote_host))
        time.sleep(0.01)
    time.sleep(1.0)
    h.check(h.gw.proc.alive(), "the gateway died with the daemon")
    mid = counters.read(h.gw)
    gone = counters.drop_delta(before, mid, "daemon_gone")
    h.check(gone is not None and gone > 0, "no drop counted as daemon gone (%s)" % gone)
    h.peer.drain("esp")
    h.daemon.start()
    # Reconnect: wait (generously) for packets to pass again.
    deadline = time.monotonic() + 60
    passed = False
    while time.monotonic() < deadline and not passed:
        h.peer.drain("esp")
        h.peer.send("clear", s.Ether(src=MAC["cl0"], dst=MAC["gw0"]) /
                    inner_packet(6000, 100, f.clear_host, f.remote_host))
        got = h.peer.collect("esp", f.is_ours_out, 1, timeout_s=1.0, settle_s=0)
        if got:
            passed = True
            seq = got[0][s.ESP].seq
            # 16 went out before; packets dropped while the daemon was away
            # use none (gateway/README.md). A repeat would reuse a GCM IV.
            h.check(seq > 16, "sequence number after the restart %d: did it start over?" % seq)
            log("first sequence number after the restart: %d (16 before)" % seq)
            f.next_out = seq + 1
            f.decrypt_out(got[0], seq)
    h.check(passed, "no traffic within 60 s of the daemon's return")
    if passed:
        h.check(f.send_out([100] * 8) == 8, "after the restart: outbound")
        h.check(f.send_in([100] * 8) == 8, "after the restart: inbound")
    h.check(h.gw.proc.alive(), "the gateway died")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--daemon")
    ap.add_argument("--gateway-kind", default="cryptoeng", choices=["cryptoeng", "secgw"])
    ap.add_argument("--ttl-delta", type=int, default=None,
                    help="how much the gateway decrements the inner TTL (default: the contract's)")
    ap.add_argument("case")
    ap.add_argument("rest", nargs="*")
    args = ap.parse_args()
    if not os.path.exists(args.gateway):
        skip("no gateway binary at %s (not built yet)" % args.gateway)
    if args.gateway_kind == "cryptoeng" and not (args.daemon and os.path.exists(args.daemon)):
        skip("no cryptoengd")
    if args.ttl_delta is None:
        args.ttl_delta = counters.TTL_DELTA if args.gateway_kind == "cryptoeng" else 0
    try:
        import scapy.all  # noqa: F401
    except ImportError:
        skip("no scapy for %s (Debian's python3-scapy, run with /usr/bin/python3)" % sys.executable)
    cases = {"interop": case_interop, "esn": case_esn, "hostile": case_hostile,
             "lifetime": case_lifetime, "config": case_config, "options": case_options,
             "restart": case_restart}
    if args.case not in cases:
        ap.error("unknown case " + args.case)
    need = counters.requirement(args.case, args.rest) if args.gateway_kind == "cryptoeng" else None
    if need:
        skip(need)
    h = Harness(args)

    def on_term(sig, frame):
        raise SystemExit("killed by signal %d" % sig)
    # meson's timeout sends SIGTERM: unwind, so that no namespace is left.
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    try:
        cases[args.case](h, *args.rest)
    except (Exception, SystemExit) as e:
        import traceback
        traceback.print_exc()
        h.failures.append("exception: %r" % e)
    finally:
        if h.failures and h.gw and h.gw.proc and h.gw.proc.alive() and args.gateway_kind == "cryptoeng":
            try:
                c = counters.read(h.gw)
                log("gateway drops: %s" % counters.drops(c))
                log("gateway SAs: %s" % c["sa"])
            except Exception as e:
                log("no counters: %r" % e)
        h.close()
    if h.failures:
        log("%d check(s) failed" % len(h.failures))
        return 1
    log("pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
