#!/usr/bin/python3
"""cryptoeng-ipsec-gw beside DPDK's ipsec-secgw on the same input, in the same
run: a net_pcap port replaying a pcap with infinite_rx=1 (no kernel in the
way), a net_null port as the sink, rates from telemetry /ethdev/stats,N.

    gwbench.py --gateway BIN --daemon BIN --secgw BIN --out FILE.md
               [--rounds N] [--seconds S] [--sizes 64,512,1400] [--algs gcm128,cbc-sha256]

- ipsec-secgw: two lcores (0, 1), one RX queue each, librte_ipsec path (-l)
  with atomic sequence numbers (-a), crypto on crypto_aesni_mb in process.
- ours: one gateway lcore (0) + cryptoengd with one worker lcore (1) on the
  software backend (intel-ipsec-mb); and the same on the daemon's null
  backend where it offers the algorithm.
- inner packets (IPv4/UDP) of each size, outbound (clear in, ESP out) and
  inbound (ESP in, made by scapy, clear out); replay window off (-w 0: the
  pcap loops over the same sequence numbers).
- the tools alternate, each configuration --rounds times; each side keeps
  its best (the machine is shared: see the note written with the table).
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "gateway"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "lib"))
import gwlib  # noqa: E402
from daemon import wait_listening  # noqa: E402
from gwlib import SaSpec  # noqa: E402

CLEAR, REMOTE = "192.168.1.10", "192.168.105.10"
TUN_L, TUN_R = "172.16.1.5", "172.16.2.5"
NPKT = 512          # distinct packets in each pcap (flows: one per source port)


def make_pcaps(work, alg, size):
    from scapy.all import Ether, IP, UDP, Raw, wrpcap
    out_sa = SaSpec(alg, 5, "out", "tunnel", TUN_L, TUN_R, seed=1)
    in_sa = SaSpec(alg, 105, "in", "tunnel", TUN_R, TUN_L, seed=51)
    pay = size - 28
    clear, esp = [], []
    peer = in_sa.scapy_sa()
    for i in range(NPKT):
        inner = IP(src=CLEAR, dst=REMOTE, id=i) / UDP(sport=1024 + i, dport=7) / Raw(bytes(pay))
        clear.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / inner)
        back = IP(src=REMOTE, dst=CLEAR, id=i) / UDP(sport=1024 + i, dport=7) / Raw(bytes(pay))
        esp.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / peer.encrypt(back))
    paths = {}
    for d, pkts in (("out", clear), ("in", esp)):
        paths[d] = os.path.join(work, "%s-%d-%s.pcap" % (alg, size, d))
        wrpcap(paths[d], pkts)
    cfg = os.path.join(work, "%s.cfg" % alg)
    with open(cfg, "w") as f:
        f.write("\n".join([
            out_sa.config_line(), in_sa.config_line(),
            "sp ipv4 out esp protect 5 pri 1 dst 192.168.105.0/24 sport 0:65535 dport 0:65535",
            "sp ipv4 in esp protect 105 pri 1 dst 192.168.1.0/24 sport 0:65535 dport 0:65535",
            "rt ipv4 dst 172.16.2.5/32 port 1",
            "rt ipv4 dst 192.168.1.0/24 port 1",
            "neigh port 0 02:00:00:00:00:aa",
            "neigh port 1 02:00:00:00:00:bb"]) + "\n")
    return paths, cfg


class Run:
    def __init__(self, argv, prefix, log):
        self.prefix = prefix
        self.logf = open(log, "w")
        self.log = log
        self.p = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True,
                                  preexec_fn=gwlib._die_with_parent)

    def text(self):
        self.logf.flush()
        return open(self.log, errors="replace").read()

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()


def measure(run, seconds, warmup=2.0):
    """TX rate of port 1 (the net_null sink) over @seconds, from telemetry."""
    t = gwlib.Telemetry(run.prefix)
    if not t.connect(60):
        return None, "no telemetry"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if run.p.poll() is not None:
            return None, "exited: " + run.text()[-400:]
        if gwlib.ready_text(run.text()):
            break
        time.sleep(0.1)
    else:
        return None, "not ready"
    time.sleep(warmup)
    try:
        a = t.query("/ethdev/stats,1")
        t0 = time.monotonic()
        time.sleep(seconds)
        b = t.query("/ethdev/stats,1")
        t1 = time.monotonic()
        rx = t.query("/ethdev/stats,0")
    except (OSError, ValueError) as e:
        return None, "telemetry: %r; log: %s" % (e, run.text()[-400:])
    finally:
        t.close()
    if not a or not b:
        return None, "no stats"
    return (b["opackets"] - a["opackets"]) / (t1 - t0), "rx port 0 %d, tx port 1 %d" % (
        rx.get("ipackets", 0) if rx else -1, b["opackets"])


def secgw_argv(secgw, pcap, cfg, direction, prefix):
    # Two RX queues on the pcap port (rx_pcap twice), one per lcore.
    return [secgw, "-l", "0,1", "--no-huge", "-m", "1024", "--no-pci", "--file-prefix", prefix,
            "--log-level", "lib.eal:error",
            "--vdev", "net_pcap0,rx_pcap=%s,rx_pcap=%s,infinite_rx=1" % (pcap, pcap),
            "--vdev", "net_null0,no-rx=1", "--vdev", "crypto_aesni_mb",
            # -a (atomic sequence numbers: two lcores share the outbound SA)
            # only outbound: 22.11's -a crashes inbound (SIGSEGV at the
            # first packets, one or two lcores) and inbound needs none.
            "--", "-l"] + (["-a"] if direction == "out" else []) + [
            "-p", "0x3", "-u", "0x2" if direction == "out" else "0x1",
            "--config", "(0,0,0),(0,1,1),(1,0,0),(1,1,1)", "-f", cfg, "-w", "0"]


def ours_argv(gw, pcap, cfg, direction, prefix, sock):
    return [gw, "-l", "0", "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
            "--log-level", "lib.eal:error",
            "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--vdev", "net_null0,no-rx=1",
            "--", "-p", "0x3", "-u", "0x2" if direction == "out" else "0x1",
            "--config", "(0,0,0),(1,0,0)", "-f", cfg, "-w", "0", "-s", "16384",
            "--socket", sock]


def start_daemon(binary, work, backend):
    sock = os.path.join(work, "ce-%s.sock" % backend)
    cfg = os.path.join(work, "ce-%s.ini" % backend)
    pmds = {"sw": "[pmd.ipsecmb0]\ndriver = ipsecmb\n",
            "null": "[pmd.null0]\ndriver = null\nargs = depth=1024,delay_ns=0\n"}[backend]
    with open(cfg, "w") as f:
        f.write("[eal]\nlcores = 0,1\nargs = --no-pci --log-level=lib.eal:error\n"
                "file_prefix = cegwbd-%s\nhugepages = no\n\n[engine]\nidle_sleep = no\n\n"
                "[clients]\ncredits = 1024\n\n"
                "[socket]\npath = %s\n\n%s" % (backend, sock, pmds))
    if os.path.exists(sock):
        os.unlink(sock)
    r = Run([binary, "--config", cfg, "--foreground", "--log", "stderr"], "cegwbd-" + backend,
            os.path.join(work, "cryptoengd-%s.log" % backend))
    why = wait_listening(sock, lambda: r.p.poll() is None, 30)
    if why == "exited":
        raise RuntimeError("cryptoengd (%s) exited:\n%s" % (backend, r.text()))
    if why:
        raise RuntimeError("cryptoengd did not listen")
    return r, sock


def cpu_line():
    model = mhz = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name") and model == "?":
            model = line.split(":", 1)[1].strip()
        if line.startswith("cpu MHz") and mhz == "?":
            mhz = line.split(":", 1)[1].strip()
    return model, float(mhz) if mhz != "?" else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--secgw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--sizes", default="64,512,1400")
    ap.add_argument("--algs", default="gcm128,cbc-sha256")
    ap.add_argument("--no-null", action="store_true")
    ap.add_argument("--tools", default="secgw,ours,ours-null")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cegwbench-")
    sizes = [int(x) for x in args.sizes.split(",")]
    algs = args.algs.split(",")
    inputs = {}
    for alg in algs:
        for size in sizes:
            inputs[alg, size] = make_pcaps(work, alg, size)
    args.load = [open("/proc/loadavg").read().split()[0]]
    tools = [t for t in args.tools.split(",") if not (args.no_null and t == "ours-null")]
    daemons = {"sw": start_daemon(args.daemon, work, "sw")}
    if "ours-null" in tools:
        daemons["null"] = start_daemon(args.daemon, work, "null")
    best = {}
    notes = {}
    unavailable = {}
    try:
        for rnd in range(args.rounds):
            for alg in algs:
                for size in sizes:
                    (pcaps, cfg) = inputs[alg, size]
                    for d in ("out", "in"):
                        order = tools if rnd % 2 == 0 else list(reversed(tools))
                        for tool in order:
                            if tool in unavailable:
                                continue
                            prefix = "cegwb-%s" % tool
                            log = os.path.join(work, "%s-%s-%d-%s-%d.log" % (tool, alg, size, d, rnd))
                            if tool == "secgw":
                                argv = secgw_argv(args.secgw, pcaps[d], cfg, d, prefix)
                            else:
                                if tool == "ours-null" and d == "in":
                                    continue  # null "decryption" fails the padding check
                                sock = daemons["null" if tool == "ours-null" else "sw"][1]
                                argv = ours_argv(args.gateway, pcaps[d], cfg, d, prefix, sock)
                                if tool == "ours-null":
                                    # ecb(cipher_null) sessions: framed, not protected.
                                    argv.append("--null-crypto")
                            r = Run(argv, prefix, log)
                            pps, note = measure(r, args.seconds)
                            r.stop()
                            key = (tool, alg, size, d)
                            print("round %d %-9s %-10s %5d B %-3s %s  (%s)" % (
                                rnd, tool, alg, size, d,
                                "%.3f Mpps" % (pps / 1e6) if pps is not None else "-", note),
                                flush=True)
                            if pps is not None and pps > best.get(key, -1):
                                best[key] = pps
                            if pps is None or pps == 0:
                                notes[key] = note
                            if tool == "ours-null" and pps is None and "unknown algorithm" in note:
                                # The daemon's null backend does not offer
                                # this algorithm: it never will in this run.
                                unavailable[tool] = note
    finally:
        for r, _ in daemons.values():
            r.stop()
    args.load.append(open("/proc/loadavg").read().split()[0])
    write_table(args, best, notes, algs, sizes, tools)
    print("wrote " + args.out)


ALG_NAME = {"gcm128": "AES-128-GCM", "cbc-sha256": "AES-128-CBC + HMAC-SHA256",
            "gcm256": "AES-256-GCM", "cbc-sha1": "AES-128-CBC + HMAC-SHA1",
            "chacha": "ChaCha20-Poly1305"}


def write_table(args, best, notes, algs, sizes, tools):
    model, mhz = cpu_line()
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    lines = [
        "# cryptoeng-ipsec-gw beside DPDK ipsec-secgw (%s UTC)" % datetime.datetime.utcnow()
        .strftime("%Y-%m-%d %H:%M"),
        "",
        "Commit %s; %s, %s MHz, 2 vCPUs, **shared with other builds and tests while it ran:"
        " the figures are noisy; only same-run ratios mean anything**. Each cell is the best of"
        " %d rounds of %.0f s, the tools alternating (`bench/gateway/run.sh`)." % (
            commit, model, "%.0f" % mhz if mhz else "?", args.rounds, args.seconds),
        "",
        "Load average (1 min) at the start and the end of the run: %s and %s, on 2 vCPUs."
        " Above 2, each busy process gets only part of a core; a two-process pipeline (ours:"
        " the gateway and the daemon worker must both be on a CPU for the ring hop) suffers"
        " more from that than one process does. cycles/pkt is then wall time per packet in"
        " core cycles, not work done." % tuple(args.load),
        "",
        "Input: `net_pcap` replaying %d distinct packets with `infinite_rx=1` (port 0), sink"
        " `net_null,no-rx=1` (port 1); rate = port 1 TX packets/s from telemetry"
        " `/ethdev/stats,1`. Gbps = inner IPv4 bytes x 8 x packets/s. One tunnel SA per"
        " direction, replay window off (`-w 0`, the pcap repeats its sequence numbers)." % NPKT,
        "",
        "- ipsec-secgw: built from dpdk-doc's source (RX checksum offload initializer set to 0,"
        " nothing else), librte_ipsec path `-l`, with `-a` outbound (its `-a` segfaults on"
        " inbound in 22.11), lcores 0 and 1 (one RX queue each), `crypto_aesni_mb` in process.",
        "- ours: cryptoeng-ipsec-gw on lcore 0 + cryptoengd with one worker on lcore 1"
        " (intel-ipsec-mb backend, idle_sleep = no); ours-null: the daemon's null backend.",
        "- cycles/pkt per core = core MHz x 1e6 / packets/s: what each of the two busy cores"
        " spends per packet (ipsec-secgw: each of its lcores; ours: the gateway lcore and the"
        " daemon worker alike, both poll at 100%).",
        "",
        "| alg | inner B | dir | ipsec-secgw Mpps | Gbps | ours Mpps | Gbps | ours / secgw |"
        " cycles/pkt per core, secgw / ours |%s" % (" ours-null Mpps |" if "ours-null" in tools else ""),
        "|---|---|---|---|---|---|---|---|---|%s" % ("---|" if "ours-null" in tools else ""),
    ]
    for alg in algs:
        for size in sizes:
            for d in ("out", "in"):
                s = best.get(("secgw", alg, size, d))
                o = best.get(("ours", alg, size, d))
                n = best.get(("ours-null", alg, size, d))

                def mpps(x):
                    return "%.2f" % (x / 1e6) if x else "—"

                def gbps(x):
                    return "%.2f" % (x * size * 8 / 1e9) if x else "—"
                ratio = "%.2f×" % (o / s) if o and s else "—"
                cyc = "%s / %s" % ("%.0f" % (mhz * 1e6 / s) if s and mhz else "—",
                                   "%.0f" % (mhz * 1e6 / o) if o and mhz else "—")
                row = "| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                    ALG_NAME.get(alg, alg), size, d, mpps(s), gbps(s), mpps(o), gbps(o), ratio, cyc)
                if "ours-null" in tools:
                    row += " %s |" % mpps(n)
                lines.append(row)
    if notes:
        lines += ["", "Cells without a figure, and why:", ""]
        for (tool, alg, size, d), why in sorted(notes.items()):
            lines.append("- %s %s %d B %s: %s" % (tool, alg, size, d,
                                                  re.sub(r"\s+", " ", why)[:300]))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(args.out.replace(".md", ".json"), "w") as f:
        json.dump({"|".join(map(str, k)): v for k, v in best.items()}, f, indent=1)


if __name__ == "__main__":
    main()
