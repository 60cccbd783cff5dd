"""What the tests know of cryptoeng-ipsec-gw's contract (gateway/README.md):
its counters in telemetry, its extensions to ipsec-secgw's config syntax, what
it does not support. One place, so that the tests read as the issue does.

Provisional until the gateway's README exists: names follow the issue.
"""

# The gateway forwards the inner packet unchanged (its TTL too).
TTL_DELTA = 0

# Drop reasons as the issue names them -> the gateway's counter names.
DROP_NAMES = {
    "no_sa": "no_sa", "no_policy": "no_policy", "replayed": "replayed",
    "outside_window": "outside_window", "bad_icv": "bad_icv", "bad_padding": "bad_padding",
    "malformed": "malformed", "bad_next_header": "malformed", "dummy": "dummy",
    "daemon_refused": "daemon_refused", "daemon_gone": "daemon_gone",
    "sa_expired": "sa_expired",
}
PER_SA_REASONS = {"replayed": "replay_drops", "outside_window": "replay_drops",
                  "bad_icv": "icv_failures"}

UNSUPPORTED_OPTIONS = [["--event-schedule-type", "ordered"], ["--transfer-mode", "event"]]


def read(gw):
    """All counters: {"drops": {...}, "sa": {spi: {...}}, "ports": ...}."""
    drops = gw.tele.query("/cryptoeng-gw/drops") or {}
    sas = {}
    for spi in gw.tele.query("/cryptoeng-gw/sa/list") or []:
        sas[int(spi)] = gw.tele.query("/cryptoeng-gw/sa,%d" % int(spi)) or {}
    return {"drops": drops, "sa": sas}


def drops(c):
    return c.get("drops", {})


def sa(c, spi):
    return c.get("sa", {}).get(spi, {})


def drop_delta(before, after, reason):
    name = DROP_NAMES[reason]
    a, b = drops(after).get(name), drops(before).get(name, 0)
    return None if a is None else a - b


def sa_delta(before, after, spi, field):
    a, b = sa(after, spi).get(field), sa(before, spi).get(field, 0)
    return None if a is None else a - b


def hard_lifetime_packets(n):
    return "lifetime_packets_hard %d" % n


def unsupported_reason(line):
    """Why the contract refuses this reference-config line (None: supported)."""
    w = line.split()
    if "ipv6" in w or "ipv6-tunnel" in w:
        return "no IPv6"
    if w[0] == "sa" and "null" in w:
        return "null cipher/auth"
    if "flow-direction" in w:
        return "flow-direction (rte_flow)"
    return None


def requirement(case, rest):
    """A reason to skip @case on this gateway (a feature it lacks), or None."""
    return None
