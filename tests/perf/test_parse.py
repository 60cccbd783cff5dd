#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench/parse_perf.py reads dpdk-test-crypto-perf's output and cryptoeng-perf's alike.

  test_parse.py dpdk DATA_DIR
      Parse outputs recorded from the real dpdk-test-crypto-perf (tests/perf/data/)
      and check columns and values.
  test_parse.py cryptoeng DATA_DIR CRYPTOENG_PERF CRYPTOENGD CONFIG
      Run cryptoeng-perf against a real cryptoengd (started here on a private
      socket) in every test and output form, parse it with the same parser and
      check it yields the same columns as the DPDK recording, with sane values.
      Exit 77 (skipped) if the daemon binary has not been built.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "lib"))
import parse_perf  # noqa: E402
from daemon import wait_listening  # noqa: E402

SKIP = 77
VECTOR = "aes_cbc_128_sha1_64.data"
NULL = ["--devtype", "null", "--optype", "cipher-only", "--cipher-algo", "null",
        "--cipher-key-sz", "0", "--cipher-iv-sz", "0"]
GCM = ["--devtype", "sw", "--optype", "aead", "--aead-algo", "aes-gcm", "--aead-key-sz", "16",
       "--aead-iv-sz", "12", "--aead-op", "encrypt", "--digest-sz", "16"]
CBC_VERIFY = ["--devtype", "sw", "--optype", "cipher-then-auth", "--cipher-algo", "aes-cbc",
              "--cipher-key-sz", "16", "--cipher-iv-sz", "16", "--auth-algo", "sha1-hmac",
              "--auth-key-sz", "20", "--digest-sz", "12", "--test-name", "cbc_sha1_64_k20",
              "--ptest", "verify", "--buffer-sz", "64", "--burst-sz", "32"]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def parse_file(path):
    with open(path, encoding="utf-8") as f:
        return parse_perf.parse(f.read())


def check_rows(res, what, total_ops=None):
    """Values every well-formed row has, whichever tool wrote it."""
    check(res["rows"], "%s: no rows" % what)
    cols = parse_perf.columns(res)
    for r in res["rows"]:
        check(list(r)[:len(cols)] == cols or set(cols) <= set(r),
              "%s: columns %s, expected %s" % (what, list(r), cols))
        check(r["buf_size"] > 0 and r["burst_size"] > 0, "%s: sizes %s" % (what, r))
        if res["test"] in ("throughput", "verify"):
            if total_ops is not None:
                check(r["enqueued"] == total_ops and r["dequeued"] == total_ops,
                      "%s: enqueued/dequeued %s, expected %d" % (what, r, total_ops))
            check(r["failed_enq"] >= 0 and r["failed_deq"] >= 0, "%s: %s" % (what, r))
        if res["test"] == "throughput":
            check(r["mops"] > 0 and r["cycles_per_buf"] > 0, "%s: %s" % (what, r))
            # Gbps = MOps x buffer x 8 / 1000, to the printed precision.
            want = r["mops"] * r["buf_size"] * 8 / 1000
            check(abs(r["gbps"] - want) <= 0.01 * want + 0.002,
                  "%s: Gbps %s is not MOps x buffer x 8 / 1000 = %s" % (what, r["gbps"], want))
        if res["test"] == "latency":
            check(r["cycles_min"] <= r["cycles_avg"] <= r["cycles_max"], "%s: %s" % (what, r))
            check(r["time_us_min"] <= r["time_us_avg"] <= r["time_us_max"], "%s: %s" % (what, r))
            if total_ops is not None:
                check(r["total_ops"] == total_ops, "%s: total_ops %s" % (what, r))


def dpdk_half(data):
    expect = {
        "dpdk_throughput_gcm.txt": ("throughput", False, 4, 1000000),
        "dpdk_throughput_gcm_csv.txt": ("throughput", True, 4, 1000000),
        "dpdk_latency_null.txt": ("latency", False, 2, 100000),
        "dpdk_latency_null_csv.txt": ("latency", True, 1, 64),
        "dpdk_verify_cbc_sha1.txt": ("verify", False, 1, 10000),
        "dpdk_verify_cbc_sha1_csv.txt": ("verify", True, 1, 10000),
    }
    for fn, (test, csv, nrows, ops) in expect.items():
        res = parse_file(os.path.join(data, fn))
        check(res["test"] == test and res["csv"] == csv,
              "%s: parsed as %s csv=%s" % (fn, res["test"], res["csv"]))
        check(len(res["rows"]) == nrows, "%s: %d rows, expected %d" % (fn, len(res["rows"]), nrows))
        check_rows(res, fn, ops)
        print("ok %s: %s, %d row(s)" % (fn, test, nrows))
    # Order of crypto-perf's loops: buffer sizes outside, bursts inside.
    rows = parse_file(os.path.join(data, "dpdk_throughput_gcm.txt"))["rows"]
    check([(r["buf_size"], r["burst_size"]) for r in rows] == [(64, 1), (64, 32), (1024, 1), (1024, 32)],
          "row order")
    check(parse_file(os.path.join(data, "dpdk_verify_cbc_sha1.txt"))["rows"][0]["failed_ops"] == 0,
          "recorded verify run has failures")
    return 0


class Daemon:
    """cryptoengd on a private socket, with its own EAL file prefix."""

    def __init__(self, binary, config, tmp):
        self.sock = os.path.join(tmp, "cryptoeng.sock")
        cfg = os.path.join(tmp, "daemon.ini")
        with open(config, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^file_prefix\s*=.*$", "file_prefix = ce-perftest-%d" % os.getpid(), text)
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(text)
        self.log = open(os.path.join(tmp, "daemon.log"), "w+", encoding="utf-8")
        self.proc = subprocess.Popen([binary, "--config", cfg, "--socket", self.sock, "--foreground"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        why = wait_listening(self.sock, lambda: self.proc.poll() is None, 60)
        if why == "exited":
            self.log.seek(0)
            fail("cryptoengd exited with %d:\n%s" % (self.proc.returncode, self.log.read()))
        if why:
            self.stop()
            fail("cryptoengd did not open %s" % self.sock)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_perf(perf, front, args, expect_rc=0):
    cmd = [perf] + front + ["--"] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != expect_rc:
        fail("%s: exit %d (expected %d)\nstdout:\n%s\nstderr:\n%s" %
             (" ".join(cmd), p.returncode, expect_rc, p.stdout, p.stderr))
    return p


def cryptoeng_half(data, perf, daemon_bin, config):
    if not os.access(daemon_bin, os.X_OK):
        print("SKIP: %s not built yet: the cryptoeng-perf half of the parser test needs the "
              "daemon (the DPDK half runs as perf-parse-dpdk)" % daemon_bin)
        return SKIP
    if not os.access(perf, os.X_OK):
        fail("%s missing" % perf)
    vec = os.path.join(data, VECTOR)
    tmp = tempfile.mkdtemp(prefix="ce-perftest-")
    d = Daemon(daemon_bin, config, tmp)
    try:
        sock = ["--socket", d.sock]
        ref = {}
        for fn in ("dpdk_throughput_gcm.txt", "dpdk_latency_null.txt", "dpdk_verify_cbc_sha1.txt",
                   "dpdk_throughput_gcm_csv.txt", "dpdk_latency_null_csv.txt",
                   "dpdk_verify_cbc_sha1_csv.txt"):
            r = parse_file(os.path.join(data, fn))
            ref[(r["test"], r["csv"])] = r

        runs = [
            ("throughput", False, GCM + ["--buffer-sz", "64,1024", "--burst-sz", "1,32",
                                         "--total-ops", "20000"], 4, 20000),
            ("throughput", True, GCM + ["--buffer-sz", "64,1024", "--burst-sz", "1,32",
                                        "--total-ops", "20000", "--csv-friendly"], 4, 20000),
            ("latency", False, NULL + ["--ptest", "latency", "--buffer-sz", "64",
                                       "--burst-sz", "1,32", "--total-ops", "10000"], 2, 10000),
            ("latency", True, NULL + ["--ptest", "latency", "--buffer-sz", "64", "--burst-sz",
                                      "32", "--total-ops", "64", "--csv-friendly"], 1, 64),
            ("verify", False, CBC_VERIFY + ["--test-file", vec, "--total-ops", "5000"], 1, 5000),
            ("verify", True, CBC_VERIFY + ["--test-file", vec, "--total-ops", "5000",
                                           "--csv-friendly"], 1, 5000),
        ]
        for test, csv, args, nrows, ops in runs:
            p = run_perf(perf, sock, args)
            res = parse_perf.parse(p.stdout)
            what = "cryptoeng-perf %s%s" % (test, " csv" if csv else "")
            check(res["test"] == test and res["csv"] == csv,
                  "%s: parsed as %s csv=%s\n%s" % (what, res["test"], res["csv"], p.stdout))
            check(len(res["rows"]) == nrows, "%s: %d rows\n%s" % (what, len(res["rows"]), p.stdout))
            check_rows(res, what, ops)
            # The same columns as crypto-perf's own output of the same test and form.
            dpdk = ref[(test, csv)]
            check(set(parse_perf.columns(dpdk)) <= set(res["rows"][0]),
                  "%s: columns %s differ from dpdk-test-crypto-perf's %s" %
                  (what, list(res["rows"][0]), parse_perf.columns(dpdk)))
            check("backend" in res["meta"], "%s: no '# cryptoeng:' backend line" % what)
            # --csv-friendly: as crypto-perf's, no options dump (only our one
            # '# cryptoeng:' line); without it, the dump comes first.
            dumped = "Crypto Performance Application Options" in p.stdout
            check(dumped != csv, "%s: options dump %s\n%s" %
                  (what, "printed" if dumped else "missing", p.stdout))
            if test == "verify":
                check(res["rows"][0]["failed_ops"] == 0, "%s: failed ops %s" % (what, res["rows"]))
            if test == "latency" and not csv:
                for r in res["rows"]:
                    check(r["p50_us"] <= r["p90_us"] <= r["p99_us"] <= r["p999_us"],
                          "%s: percentiles %s" % (what, r))
            print("ok %s: %d row(s), backend %s" % (what, nrows, res["meta"]["backend"]))

        # crypto-perf's defaults: AES-128-CBC + HMAC-SHA1 with a 64-byte auth key
        # (longer than SHA-1's digest: the kernel's authenc key blob takes it).
        p = run_perf(perf, sock, ["--total-ops", "1000"])
        res = parse_perf.parse(p.stdout)
        check(res["test"] == "throughput" and len(res["rows"]) == 1,
              "defaults: parsed as %s, %d rows\n%s" % (res["test"], len(res["rows"]), p.stdout))
        check_rows(res, "defaults", 1000)
        check(res["rows"][0]["buf_size"] == 64 and res["rows"][0]["burst_size"] == 32,
              "defaults: %s" % res["rows"])
        check("authenc-hmac-sha1-cbc-aes" in res["meta"]["backend"],
              "defaults: backend %s" % res["meta"]["backend"])
        check("auth key size: 64" in p.stdout, "defaults: options dump\n%s" % p.stdout)
        print("ok defaults: authenc(hmac(sha1),cbc(aes)) with a 64-byte auth key")

        # --devtype crypto_qat asks for the QAT implementations by their names;
        # this daemon has no QAT: a clear refusal, not another implementation.
        p = run_perf(perf, sock, ["--total-ops", "1000", "--devtype", "crypto_qat"], expect_rc=1)
        check("no such device" in p.stderr and "authenc-hmac-sha1-cbc-aes-qat" in p.stderr,
              "--devtype crypto_qat: %s" % p.stderr)
        check(not parse_perf.parse(p.stdout)["rows"], "--devtype crypto_qat ran:\n%s" % p.stdout)
        print("ok --devtype crypto_qat: %s" % p.stderr.strip().split(": ", 1)[1][:60])

        # --imix: one row whose "Buf Size" is the weighted mean, as DPDK prints
        # it (64 x 3 + 1024 x 1) / 4 = 304.
        p = run_perf(perf, sock, GCM + ["--buffer-sz", "64,1024", "--imix", "3,1",
                                        "--total-ops", "4000", "--silent"])
        res = parse_perf.parse(p.stdout)
        check(len(res["rows"]) == 1 and res["rows"][0]["buf_size"] == 304,
              "--imix 3,1: %s\n%s" % (res["rows"], p.stdout))
        check_rows(res, "--imix", 4000)
        print("ok --imix: Buf Size 304")

        # Verify must count wrong answers: a vector whose digest is wrong fails every op.
        bad = os.path.join(tmp, "bad.data")
        with open(vec, encoding="utf-8") as f:
            text = f.read()
        tail = text.rindex("digest =")
        text = text[:tail] + re.sub(r"0x([0-9a-f]{2})", lambda m: "0x%02x" % (int(m.group(1), 16) ^ 1),
                                    text[tail:], count=1)
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text)
        p = run_perf(perf, sock, CBC_VERIFY + ["--test-file", bad, "--total-ops", "1000", "--silent"])
        res = parse_perf.parse(p.stdout)
        check(res["rows"] and res["rows"][0]["failed_ops"] == 1000,
              "verify with a corrupted digest: %s" % res["rows"])
        print("ok verify counts a wrong digest: 1000 of 1000 failed")

        # Several queue pairs: a row each, then a total the crypto-perf columns skip.
        p = run_perf(perf, sock + ["--qps", "2"], NULL + ["--total-ops", "20000", "--silent"])
        res = parse_perf.parse(p.stdout)
        check(len(res["rows"]) == 2 and len(res["totals"]) == 1, "--qps 2: %s" % res)
        check(res["totals"][0]["enqueued"] == 40000, "--qps 2 total: %s" % res["totals"])
        print("ok --qps 2: two rows and a total")

        # --verify-all passes on a correct backend.
        p = run_perf(perf, sock + ["--verify-all"], GCM + ["--buffer-sz", "64,256", "--total-ops",
                                                           "5000", "--silent"])
        check("differ" not in p.stderr, "--verify-all: %s" % p.stderr)
        print("ok --verify-all on gcm(aes)")

        # Unknown and conflicting options fail with a message.
        p = run_perf(perf, sock, ["--bogus"], expect_rc=1)
        check("unrecognized option" in p.stderr, "unknown option: %s" % p.stderr)
        p = run_perf(perf, sock, ["--ptest", "verify"], expect_rc=1)
        check("Define path to the file with test vectors" in p.stderr, p.stderr)
        p = run_perf(perf, sock + ["--spawn"], NULL, expect_rc=1)
        check("exclude" in p.stderr, p.stderr)
        print("ok option errors")
    finally:
        d.stop()

    # --spawn: cryptoeng-perf starts and stops its own daemon.
    spawn_cfg = os.path.join(tmp, "daemon.ini")
    p = run_perf(perf, ["--spawn", spawn_cfg], NULL + ["--total-ops", "10000", "--silent"])
    res = parse_perf.parse(p.stdout)
    check(res["test"] == "throughput" and len(res["rows"]) == 1, "--spawn: %s" % p.stdout)
    print("ok --spawn")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "dpdk":
        return dpdk_half(argv[1])
    if len(argv) >= 5 and argv[0] == "cryptoeng":
        return cryptoeng_half(*argv[1:5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
