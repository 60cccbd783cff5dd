#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""cryptoeng-perf's asymmetric modes through a real cryptoengd.

  test_perf_asym.py CRYPTOENG_PERF CRYPTOENGD CONFIG

Starts the daemon (CONFIG plus a "cryptodev" backend over DPDK's crypto_openssl
vdev) on a private socket, runs every asymmetric mode briefly with --verify-all
(each signature verified by OpenSSL in the client, each ciphertext decrypted,
each shared secret compared with OpenSSL's), parses the output with
bench/parse_perf.py and checks the counts; then --ptest verify, latency
percentiles, --devtype crypto_openssl (the cryptodev path) and the refusals of
bad options (each message names the limit). Exit 77 if the daemon is not built.
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
sys.path.insert(0, HERE)
import parse_perf  # noqa: E402
from test_parse import Daemon, check, fail, run_perf, SKIP  # noqa: E402

# (optype args, op, Buf Size: the request's input bytes, or the output's for pubkey)
MODES = [
    (["--optype", "modex"], "encrypt", 256),
    (["--optype", "modex", "--asym-op", "decrypt"], "decrypt", 256),
    (["--optype", "rsa"], "sign", 32),
    (["--optype", "rsa", "--asym-op", "verify"], "verify", 32),
    (["--optype", "rsa", "--rsa-padding", "pss"], "sign", 32),
    (["--optype", "rsa", "--asym-op", "encrypt"], "encrypt", 48),
    (["--optype", "rsa", "--rsa-padding", "oaep", "--asym-op", "decrypt"], "decrypt", 256),
    (["--optype", "ecdsa"], "sign", 32),
    (["--optype", "ecdsa", "--asym-op", "verify"], "verify", 32),
    (["--optype", "ecdsa_p384r1"], "sign", 48),
    (["--optype", "ecdh"], "derive", 64),
    (["--optype", "ecdh", "--curve", "p384"], "derive", 96),
    (["--optype", "ecdh", "--curve", "x25519"], "derive", 32),
    (["--optype", "ecdh", "--asym-op", "pubkey"], "pubkey", 64),
]

CRYPTODEV = """
[pmd.dev0]
driver = cryptodev
args = dev=crypto_openssl
"""


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    perf, daemon_bin, config = argv
    if not os.access(daemon_bin, os.X_OK):
        print("SKIP: %s not built" % daemon_bin)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="ce-perfasym-")
    cfg = os.path.join(tmp, "base.ini")
    with open(config, encoding="utf-8") as f:
        text = f.read()
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(text + CRYPTODEV)
    d = Daemon(daemon_bin, cfg, tmp)
    try:
        sock = ["--socket", d.sock]
        for mode, op, size in MODES:
            ops = 64
            p = run_perf(perf, sock + ["--verify-all"],
                         mode + ["--total-ops", str(ops), "--burst-sz", "16", "--silent"])
            what = "%s %s" % (" ".join(mode), op)
            res = parse_perf.parse(p.stdout)
            check(res["test"] == "throughput" and len(res["rows"]) == 1,
                  "%s: parsed as %s, %d rows\n%s" % (what, res["test"], len(res["rows"]), p.stdout))
            r = res["rows"][0]
            check(r["enqueued"] == ops and r["dequeued"] == ops,
                  "%s: enqueued/dequeued %s, expected %d" % (what, r, ops))
            check(r["buf_size"] == size and r["burst_size"] == 16, "%s: sizes %s" % (what, r))
            check(r["mops"] > 0 and r["cycles_per_buf"] > 0, "%s: %s" % (what, r))
            check("differ" not in p.stderr and "error" not in p.stderr,
                  "%s: --verify-all found wrong results:\n%s" % (what, p.stderr))
            check("# asym: lcore" in p.stdout, "%s: no ops/s line\n%s" % (what, p.stdout))
            check("openssl" in res["meta"]["backend"], "%s: backend %s" % (what, res["meta"]))
            print("ok %s: %d ops checked against OpenSSL, %s" %
                  (what, ops, res["meta"]["backend"].split(",")[1].strip()))

        # --ptest verify: every result checked, crypto-perf's verify table.
        p = run_perf(perf, sock, ["--optype", "ecdsa", "--ptest", "verify", "--total-ops", "100",
                                  "--burst-sz", "8"])
        res = parse_perf.parse(p.stdout)
        check(res["test"] == "verify" and res["rows"] and res["rows"][0]["failed_ops"] == 0 and
              res["rows"][0]["dequeued"] == 100, "ecdsa verify: %s\n%s" % (res["rows"], p.stdout))
        check("# asym operation: sign" in p.stdout and "# curve: p256" in p.stdout,
              "ecdsa options dump:\n%s" % p.stdout)
        print("ok --ptest verify ecdsa: 100 signatures verified by OpenSSL, 0 failed")

        # Latency: one round trip at a time, percentiles ordered.
        p = run_perf(perf, sock, ["--optype", "rsa", "--ptest", "latency", "--total-ops", "50",
                                  "--burst-sz", "1", "--silent"])
        res = parse_perf.parse(p.stdout)
        check(res["test"] == "latency" and len(res["rows"]) == 1, "rsa latency:\n%s" % p.stdout)
        r = res["rows"][0]
        check(r["total_ops"] == 50 and r["p50_us"] <= r["p90_us"] <= r["p99_us"] <= r["p999_us"],
              "rsa latency: %s" % r)
        check(r["time_us_min"] > 0, "rsa latency: an RSA-2048 sign took no time: %s" % r)
        print("ok --ptest latency rsa sign: p50 %.1f us, p99 %.1f us" % (r["p50_us"], r["p99_us"]))

        # --devtype crypto_openssl: the cryptodev backend over DPDK's crypto_openssl.
        p = run_perf(perf, sock + ["--verify-all"],
                     ["--optype", "rsa", "--devtype", "crypto_openssl", "--total-ops", "32",
                      "--silent"])
        res = parse_perf.parse(p.stdout)
        check(res["rows"] and res["rows"][0]["dequeued"] == 32 and
              "cryptodev" in res["meta"]["backend"].split(";")[0],
              "rsa on crypto_openssl: %s\n%s" % (res, p.stderr))
        print("ok --devtype crypto_openssl: %s" % res["meta"]["backend"].split(",")[1].strip())

        # Refusals name the limit, and nothing runs.
        bad = [
            (["--optype", "rsa", "--rsa-modlen", "1024"], "2048, 3072 or 4096 bits"),
            (["--optype", "modex", "--modex-len", "128"], "256, 384 or 512 bytes"),
            (["--optype", "ecdsa", "--asym-op", "derive"], "does sign, verify"),
            (["--optype", "ecdsa", "--curve", "x25519"], "p256 or p384"),
            (["--optype", "rsa", "--rsa-padding", "pss", "--asym-op", "encrypt"],
             "does sign, verify"),
            (["--optype", "ecdh", "--buffer-sz", "64"], "sizes come from the key"),
            (["--optype", "aead", "--aead-algo", "aes-gcm", "--modex-len", "256"],
             "modex len should be used only with"),
            (["--optype", "ecdh", "--devtype", "crypto_qat"], "no such device"),
        ]
        for args, words in bad:
            p = run_perf(perf, sock, args + ["--total-ops", "10"], expect_rc=1)
            check(words in p.stderr, "%s: message %r lacks %r" % (args, p.stderr, words))
            check(not parse_perf.parse(p.stdout)["rows"], "%s ran:\n%s" % (args, p.stdout))
        print("ok %d bad options refused, each naming its limit" % len(bad))
    finally:
        d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
