"""What the tests know of cryptoeng-ipsec-gw's contract (gateway/README.md):
its counters in telemetry, its extensions to ipsec-secgw's config syntax, what
it does not support. One place, so that the tests read as the issue does and
follow the README when it changes.
"""

import re

# "the inner TTL is not changed (ipsec-secgw's -l behaviour)"
TTL_DELTA = 0

# Start-up prints this when the gateway is ready for traffic.
READY_LINE = "gateway: running on"

# Drop reasons as the tests name them -> the gateway's counter names
# (/cryptoeng_gw/drops).
DROP_NAMES = {
    "no_sa": "no_sa", "no_policy": "no_policy", "replayed": "replayed",
    "outside_window": "outside_window", "bad_icv": "bad_icv", "bad_padding": "bad_padding",
    "malformed": "malformed", "bad_next_header": "bad_next_header", "dummy": "dummy",
    "daemon_refused": "daemon_refused", "daemon_gone": "daemon_gone",
    "sa_expired": "sa_expired",
}
# Drop reasons that the SA's own counters also count (/cryptoeng_gw/sa,in,SPI).
PER_SA_REASONS = {"replayed": "replayed", "outside_window": "outside_window",
                  "bad_icv": "bad_icv", "bad_padding": "bad_padding",
                  "sa_expired": "expired_drops"}

# "Refused by name (exit 2, option --X is not supported by cryptoeng-ipsec-gw)"
UNSUPPORTED_OPTIONS = [
    ["--single-sa", "0"], ["--cryptodev_mask", "0x1"], ["--event-schedule-type", "ordered"],
    ["--rxoffload", "0"], ["--txoffload", "0"], ["--reassemble", "16"], ["--mtu", "1500"],
    ["--frag-ttl", "1000"], ["--event-vector"], ["--vector-size", "16"],
    ["--vector-tmo", "1000"], ["--vector-pool-sz", "64"], ["--per-port-pool"],
    ["--transfer-mode", "event"],
]


def read(gw):
    """All counters: {"drops": {reason: n}, "sa": {"in,SPI": {...}}, "summary": {...}}."""
    q = gw.tele.query
    drops = q("/cryptoeng_gw/drops") or {}
    sas = {}
    at = 0
    while True:
        names = q("/cryptoeng_gw/sa/list,%d" % at) or []
        for name in names:
            sas[name] = q("/cryptoeng_gw/sa,%s" % name) or {}
        if len(names) < 256:
            break
        at += len(names)
    return {"drops": drops, "sa": sas, "summary": q("/cryptoeng_gw/summary") or {}}


def drops(c):
    return {k: v for k, v in c.get("drops", {}).items() if v}


def sa(c, spi, direction=None):
    for name, v in c.get("sa", {}).items():
        d, s = name.split(",")
        if int(s) == spi and direction in (None, d):
            return v
    return {}


def drop_delta(before, after, reason):
    name = DROP_NAMES[reason]
    a, b = after.get("drops", {}).get(name), before.get("drops", {}).get(name, 0)
    return None if a is None else a - b


def sa_delta(before, after, spi, field):
    a, b = sa(after, spi).get(field), sa(before, spi).get(field, 0)
    return None if a is None else a - b


def hard_lifetime_packets(n):
    """`lifetime_pkts SOFT:HARD` (ours, not ipsec-secgw's); soft = none."""
    return "lifetime_pkts 0:%d" % n


_UNSUPPORTED_WORDS = {
    "ipv6": "IPv6", "ipv6-tunnel": "IPv6", "flow-direction": "rte_flow",
    "port_id": "inline offload port", "fallback": "fallback session", "udp-encap": "NAT-T",
    "mss": "TSO", "reassembly_en": "reassembly", "flow": "rte_flow",
}
_SUPPORTED_ALGOS = {"aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "chacha20-poly1305",
                    "aes-128-cbc", "aes-192-cbc", "aes-256-cbc",
                    "sha1-hmac", "sha256-hmac", "sha512-hmac"}
_SUPPORTED_TYPES = {"lookaside-none", "no-offload"}


def unsupported_reason(line):
    """Why the contract refuses this config line (None: it is supported)."""
    w = line.split()
    if w[0] == "flow":
        return "flow lines"
    for word in w:
        if word in _UNSUPPORTED_WORDS:
            return _UNSUPPORTED_WORDS[word]
        if ":" in word and re.fullmatch(r"[0-9a-fA-F:]+(/\d+)?", word) and word.count(":") >= 2 \
                and w[0] in ("sp", "rt"):
            return "IPv6 address"
    for key in ("cipher_algo", "auth_algo", "aead_algo"):
        if key in w:
            algo = w[w.index(key) + 1]
            if algo not in _SUPPORTED_ALGOS:
                return "algorithm " + algo
    if "type" in w and w[w.index("type") + 1] not in _SUPPORTED_TYPES:
        return "type " + w[w.index("type") + 1]
    return None


def requirement(case, rest):
    """A reason to skip @case on this gateway (a limit its README states), or None."""
    # ESN with CBC+HMAC runs on the daemon's authencesn (sha1 and sha256,
    # the kinds tested here); nothing is skipped today.
    return None
