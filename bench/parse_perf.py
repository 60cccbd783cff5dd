#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Parse the output of dpdk-test-crypto-perf, and of cryptoeng-perf (the same format).

One parser for both tools, so that a figure from one is comparable with a figure
from the other. It understands the three tests (throughput, latency, verify), each
in its plain and --csv-friendly form, and ignores everything else ('#' lines of
the options dump, EAL and PMD log lines, the test vector dump).

cryptoeng-perf's additions are '#' lines, read only when present:
  "# cryptoeng: algorithm ..., driver ..."  -> meta["backend"]
  "# total ..." rows (--qps > 1)           -> result["totals"]
  latency percentiles (p50/p90/p99/p99.9)   -> extra keys of the latency rows

Usage: parse_perf.py FILE... [--json]
"""

import json
import re
import sys

THROUGHPUT_COLS = ["lcore", "buf_size", "burst_size", "enqueued", "dequeued",
                   "failed_enq", "failed_deq", "mops", "gbps", "cycles_per_buf"]
VERIFY_COLS = ["lcore", "buf_size", "burst_size", "enqueued", "dequeued",
               "failed_enq", "failed_deq", "failed_ops"]
LATENCY_COLS = ["lcore", "buf_size", "burst_size", "total_ops", "bursts",
                "enq_total", "enq_avg", "enq_max", "enq_min",
                "deq_total", "deq_avg", "deq_max", "deq_min",
                "cycles_total", "cycles_avg", "cycles_max", "cycles_min",
                "time_us_total", "time_us_avg", "time_us_max", "time_us_min"]

_THROUGHPUT_HDR = re.compile(r"^\s*lcore id\s+Buf Size\s+Burst Size\s+Enqueued\s+Dequeued\s+"
                             r"Failed Enq\s+Failed Deq\s+MOps\s+Gbps\s+Cycles/Buf\s*$")
_THROUGHPUT_CSV_HDR = "#lcore id,Buffer Size(B),Burst Size,Enqueued,Dequeued,Failed Enq," \
                      "Failed Deq,Ops(Millions),Throughput(Gbps),Cycles/Buf"
_VERIFY_HDR = re.compile(r"^\s*lcore id\s+Buf Size\s+Burst size\s+Enqueued\s+Dequeued\s+"
                         r"Failed Enq\s+Failed Deq\s+Failed Ops\s*$")
_VERIFY_CSV_HDR = "# lcore id, Buffer Size(B), Burst Size,Enqueued,Dequeued,Failed Enq," \
                  "Failed Deq,Failed Ops"
_LATENCY_CSV_HDR = "# lcore, Buffer Size, Burst Size, Pakt Seq #, cycles, time (us)"


def _num(s):
    s = s.strip()
    return float(s) if any(c in s for c in ".eE") else int(s)


def _row(cols, fields):
    return {c: _num(f) for c, f in zip(cols, fields)}


class ParseError(Exception):
    pass


def parse(text):
    """Return {"test": "throughput"|"latency"|"verify"|None, "csv": bool,
    "rows": [dict], "totals": [dict], "meta": {...}}."""
    res = {"test": None, "csv": False, "rows": [], "totals": [], "meta": {}}
    mode = None
    lat_block = None
    lat_csv = {}
    lines = text.splitlines()

    def start(test, csv):
        if res["test"] not in (None, test):
            raise ParseError("output mixes %s and %s" % (res["test"], test))
        res["test"], res["csv"] = test, csv

    for raw in lines:
        line = raw.rstrip()
        s = line.strip()
        if s.startswith("# cryptoeng:"):
            res["meta"]["backend"] = s[len("# cryptoeng:"):].strip()
            continue
        if s.startswith("# cperf test:"):
            res["meta"]["cperf_test"] = s.split(":", 1)[1].strip()
            continue
        if s.startswith("# cryptodev type:"):
            res["meta"]["devtype"] = s.split(":", 1)[1].strip()
            continue
        if s.startswith("# crypto operation:"):
            res["meta"]["optype"] = s.split(":", 1)[1].strip()
            continue
        # Table headers.
        if _THROUGHPUT_HDR.match(line):
            start("throughput", False)
            mode = "throughput"
            continue
        if s == _THROUGHPUT_CSV_HDR:
            start("throughput", True)
            mode = "throughput_csv"
            continue
        if _VERIFY_HDR.match(line):
            start("verify", False)
            mode = "verify"
            continue
        if s == _VERIFY_CSV_HDR:
            start("verify", True)
            mode = "verify_csv"
            continue
        if s == _LATENCY_CSV_HDR:
            start("latency", True)
            mode = "latency_csv"
            continue
        m = re.match(r"^# Device (\d+) on lcore (\d+)$", s)
        if m:
            start("latency", False)
            mode = "latency"
            lat_block = {"lcore": int(m.group(2))}
            continue

        if mode == "latency" and lat_block is not None:
            m = re.match(r"^# total operations: (\d+)$", s)
            if m:
                lat_block["total_ops"] = int(m.group(1))
                continue
            m = re.match(r"^# Buffer size: (\d+)$", s)
            if m:
                lat_block["buf_size"] = int(m.group(1))
                continue
            m = re.match(r"^# Burst size: (\d+)$", s)
            if m:
                lat_block["burst_size"] = int(m.group(1))
                continue
            m = re.match(r"^#\s+Number of bursts: (\d+)$", s)
            if m:
                lat_block["bursts"] = int(m.group(1))
                continue
            parts = [p.strip() for p in s.lstrip("#").split("\t")]
            if len(parts) == 5 and parts[0] in ("enqueued", "dequeued", "cycles", "time [us]"):
                key = {"enqueued": "enq", "dequeued": "deq", "cycles": "cycles",
                       "time [us]": "time_us"}[parts[0]]
                for name, val in zip(("total", "avg", "max", "min"), parts[1:]):
                    lat_block["%s_%s" % (key, name)] = _num(val)
                if key == "time_us":
                    missing = [c for c in LATENCY_COLS if c not in lat_block]
                    if missing:
                        raise ParseError("latency block lacks %s" % missing)
                    res["rows"].append(lat_block)
                continue
            if len(parts) == 5 and parts[0] == "lat [us]" and res["rows"]:
                # cryptoeng-perf's percentiles, after the block they belong to.
                for name, val in zip(("p50_us", "p90_us", "p99_us", "p999_us"), parts[1:]):
                    res["rows"][-1][name] = _num(val)
                continue
            continue

        if not s or s.startswith("#") and not s.startswith("# total"):
            continue

        if mode == "throughput":
            f = s.split()
            if f[:2] == ["#", "total"]:
                res["totals"].append(_row(THROUGHPUT_COLS[1:], f[2:]))
                continue
            if len(f) == 10 and f[0].isdigit():
                res["rows"].append(_row(THROUGHPUT_COLS, f))
            continue
        if mode == "throughput_csv":
            f = s.split(",")
            if f[0] == "# total":
                res["totals"].append(_row(THROUGHPUT_COLS[1:], f[1:]))
                continue
            if len(f) == 10 and f[0].strip().isdigit():
                res["rows"].append(_row(THROUGHPUT_COLS, f))
            continue
        if mode == "verify":
            f = s.split()
            if len(f) == 8 and f[0].isdigit():
                res["rows"].append(_row(VERIFY_COLS, f))
            continue
        if mode == "verify_csv":
            f = s.split(",")
            if len(f) == 8 and f[0].strip().isdigit():
                res["rows"].append(_row(VERIFY_COLS, f))
            continue
        if mode == "latency_csv":
            if s.startswith("# percentiles"):
                continue
            f = s.split(",")
            if len(f) != 6 or not f[0].strip().isdigit():
                continue
            key = (int(f[0]), int(f[1]), int(f[2]))
            agg = lat_csv.setdefault(key, {"n": 0, "cyc": [], "us": []})
            agg["n"] += 1
            agg["cyc"].append(int(f[4]))
            agg["us"].append(float(f[5]))
            continue

    # Latency CSV has one row per operation: sum them up like the plain form.
    for (lcore, buf, burst), agg in lat_csv.items():
        res["rows"].append({
            "lcore": lcore, "buf_size": buf, "burst_size": burst, "total_ops": agg["n"],
            "cycles_total": sum(agg["cyc"]), "cycles_avg": sum(agg["cyc"]) // agg["n"],
            "cycles_max": max(agg["cyc"]), "cycles_min": min(agg["cyc"]),
            "time_us_total": sum(agg["us"]), "time_us_avg": sum(agg["us"]) / agg["n"],
            "time_us_max": max(agg["us"]), "time_us_min": min(agg["us"]),
        })
    return res


def columns(res):
    """The column set a result's rows are expected to carry."""
    if res["test"] == "throughput":
        return THROUGHPUT_COLS
    if res["test"] == "verify":
        return VERIFY_COLS
    if res["test"] == "latency":
        return LATENCY_COLS if not res["csv"] else [
            "lcore", "buf_size", "burst_size", "total_ops", "cycles_total", "cycles_avg",
            "cycles_max", "cycles_min", "time_us_total", "time_us_avg", "time_us_max",
            "time_us_min"]
    return []


def main(argv):
    as_json = "--json" in argv
    files = [a for a in argv if a != "--json"]
    if not files:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = {}
    for fn in files:
        with open(fn, encoding="utf-8", errors="replace") as f:
            out[fn] = parse(f.read())
    if as_json:
        json.dump(out, sys.stdout, indent=1)
        print()
        return 0
    for fn, res in out.items():
        print("%s: %s%s, %d row(s)%s" % (fn, res["test"], " (csv)" if res["csv"] else "",
                                         len(res["rows"]),
                                         ", backend " + res["meta"]["backend"]
                                         if "backend" in res["meta"] else ""))
        for r in res["rows"] + res["totals"]:
            print("  " + " ".join("%s=%s" % (k, v) for k, v in r.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
