#!/bin/sh
# Fault soak: a real cryptoengd under injected faults and client churn, with
# a ledger of every request.   scripts/soak.sh DURATION_SECONDS [BUILD_DIR]
#
# The daemon serves two devices on one engine:
# - null0: the null backend injecting ENOSPC (1%, retried by the engine),
#   EIO completions (0.1%), fatal EIO refusals (0.1%) and out-of-order
#   completion, 20 us per request; the engine's queue (32) is far below the
#   window (1024), so requests flagged MAY_BACKLOG really reach the backlog;
# - qat0: the cryptodev backend over crypto_aesni_mb, failed (every op gets an
#   error status) for 1 s and healed for 2 s, over and over, through its
#   fault injector (the test-only "fault" control request).
# Two ledger clients (tests/soak/soak_client.c) keep their credits full for
# the whole run, null with MAY_BACKLOG and gcm(aes) on qat0, and account for
# every cookie; meanwhile victim clients hammer both devices and one is
# SIGKILLed every second (a new one takes its place).
#
# Pass: both ledgers report 0 lost, 0 duplicated, 0 unknown, 0 wrong status
# (null: 0 or -EIO; gcm: out of place only 0, the backend re-runs a failed
# request in software; in place 0 or -EIO) and every success's output
# checked (null: the input; gcm: OpenSSL's answer); the engine backlogged
# requests; the device went down and came back; the daemon never died and
# exits 0 on SIGTERM; with no client connected, its fd count at the end
# equals the count after the warm-up exactly (every client's socket,
# eventfds and region are released: one leaked client is at least one fd)
# and its RSS grew by at most SOAK_RSS_SLACK_KB (8192: glibc keeps freed
# heap in its arenas and the first clients fault in mempool and ring pages
# for good, which the warm-up absorbs; a leaked client region or per-client
# allocation repeated over ~1 client/s shows as steady growth well past it).
# The figures are printed at the end; samples of RSS and fds every 5 s are
# kept in the run directory (SOAK_KEEP=1 keeps it).
set -u
cd "$(dirname "$0")/.."

dur=${1:?usage: scripts/soak.sh DURATION_SECONDS [BUILD_DIR]}
build=${2:-build}
slack_kb=${SOAK_RSS_SLACK_KB:-8192}
daemon_bin=$build/daemon/cryptoengd
client=$build/tests/soak/soak-client
for b in "$daemon_bin" "$client"; do
	[ -x "$b" ] || { echo "soak: $b not built (ninja -C $build)" >&2; exit 1; }
done

run=$(mktemp -d /tmp/ce-soak.XXXXXX)
sock=$run/sock
pids=""
daemon_pid=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
	if [ "${SOAK_KEEP:-0}" = 1 ]; then echo "soak: run directory $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cat > "$run/soak.ini" <<INI
[eal]
lcores = 0,1
args = --no-pci --log-level=*:error
file_prefix = ce-soak-$$
hugepages = no
[engine]
queue_size = 32
backlog_size = 256
window = 1024
stop_timeout_ms = 5000
[clients]
credits = 512
max_clients = 64
[socket]
path = $sock
[pmd.null0]
driver = null
args = depth=64,order=ooo,delay_ns=20000,enospc_rate=1%,error_rate=0.1%,fatal_rate=0.1%,seed=$$
[pmd.qat0]
driver = cryptodev
args = dev=crypto_aesni_mb,qp_depth=512,small_to_sw=0,fail_threshold=8,timeout_ms=100,probe_ms=50,sw=ipsecmb,fault_inject=1
INI

ctl() { "$client" ctl --socket "$sock" "$1"; }
fault() { ctl "{\"cmd\":\"fault\",\"device\":\"qat0\",\"mode\":\"$1\"}" >/dev/null; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$daemon_pid/status"; }
nfds() { ls "/proc/$daemon_pid/fd" | wc -l; }
alive() { kill -0 "$daemon_pid" 2>/dev/null; }
# Every client gone and reaped (the asking client is the only one listed).
quiet() {
	for _ in $(seq 100); do
		n=$(ctl '{"cmd":"clients"}' | python3 -c \
			'import json,sys; print(len(json.load(sys.stdin)["clients"]))')
		[ "$n" = 1 ] && { sleep 0.5; return 0; }
		sleep 0.2
	done
	echo "soak: clients still listed after 20 s" >&2
	return 1
}

"$daemon_bin" --foreground --config "$run/soak.ini" >"$run/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 300); do
	ctl '{"cmd":"engines"}' >/dev/null 2>&1 && break
	alive || break
	sleep 0.2
done
alive && ctl '{"cmd":"engines"}' >/dev/null 2>&1 || {
	echo "soak: the daemon did not come up" >&2; cat "$run/daemon.log" >&2; exit 1; }

# Warm-up: one of everything, so that what stays allocated for good is in the baseline.
"$client" ledger --socket "$sock" --mode null --backlog --seconds 2 --name warm >/dev/null &
w1=$!
"$client" victim --socket "$sock" --seed 1 >/dev/null 2>&1 &
w2=$!
pids="$w1 $w2"
sleep 1; fault error; sleep 1; fault none
kill -9 "$w2" 2>/dev/null; wait "$w1" "$w2" 2>/dev/null
pids=""
quiet || exit 1
rss0=$(rss_kb); fds0=$(nfds)
echo "soak: ${dur} s; baseline with no client: RSS ${rss0} kB, ${fds0} fds" >&2

"$client" ledger --socket "$sock" --mode null --backlog --seconds "$dur" --name ledger-null \
	>"$run/ledger-null.json" 2>"$run/ledger-null.err" &
l1=$!
"$client" ledger --socket "$sock" --mode gcm --seconds "$dur" --name ledger-gcm \
	>"$run/ledger-gcm.json" 2>"$run/ledger-gcm.err" &
l2=$!
pids="$l1 $l2"

start=$(date +%s)
victims=""
kills=0
faults=0
seed=100
t=0
echo "t_s,rss_kb,fds" > "$run/samples.csv"
while [ "$t" -lt "$dur" ] && alive; do
	# One victim SIGKILLed every second, a new one in its place (two live).
	set -- $victims
	if [ $# -ge 2 ]; then
		kill -9 "$1" 2>/dev/null && kills=$((kills + 1))
		wait "$1" 2>/dev/null
		shift
		victims="$*"
	fi
	seed=$((seed + 1))
	"$client" victim --socket "$sock" --seed "$seed" >/dev/null 2>&1 &
	victims="$victims $!"
	# The device fails for 1 s out of every 3.
	case $((t % 3)) in
	0) fault error && faults=$((faults + 1)) ;;
	1) fault none ;;
	esac
	[ $((t % 5)) -eq 0 ] && echo "$t,$(rss_kb),$(nfds)" >> "$run/samples.csv"
	sleep 1
	t=$(( $(date +%s) - start ))
done
for v in $victims; do kill -9 "$v" 2>/dev/null && kills=$((kills + 1)); done
wait $victims 2>/dev/null
alive && fault none

fail=0
crashed=0
alive || { crashed=1; fail=1; echo "soak: FAIL: the daemon died" >&2; tail -20 "$run/daemon.log" >&2; }
for l in $l1 $l2; do
	wait "$l" || fail=1
done
pids=""
for f in "$run"/ledger-*.json; do cat "$f"; done
for f in "$run"/ledger-*.err; do [ -s "$f" ] && { echo "== $f" >&2; head -20 "$f" >&2; }; done
if [ "$crashed" = 0 ]; then
	quiet || fail=1
	rss1=$(rss_kb); fds1=$(nfds)
	ctl '{"cmd":"stats"}' > "$run/stats.json"
	python3 - "$run/stats.json" <<'PY' >&2 || fail=1
import json, sys
s = json.load(open(sys.argv[1]))
bl = sum(e["backlogged"] for e in s["engines"])
rt = sum(e["retried"] for e in s["engines"])
dev = [d for d in s["devices"] if d["device"] == "qat0"][0]
print(f"soak: engine backlogged {bl}, retried {rt}; qat0 down {dev['down_events']} "
      f"up {dev['up_events']} times, failover re-runs {dev['fallbacks']['failover']}, "
      f"-EIO at failover {dev['failover_eio']}")
ok = bl > 0 and dev["down_events"] > 0 and dev["up_events"] > 0
if not ok:
    print("soak: FAIL: backlog never reached or the device never failed and healed")
sys.exit(0 if ok else 1)
PY
	echo "soak: victims SIGKILLed $kills, device failed $faults times" >&2
	echo "soak: daemon RSS ${rss0} -> ${rss1} kB (slack ${slack_kb}), fds ${fds0} -> ${fds1}" >&2
	[ "$fds1" -eq "$fds0" ] || { echo "soak: FAIL: fd count changed" >&2; fail=1; }
	[ "$rss1" -le $((rss0 + slack_kb)) ] || { echo "soak: FAIL: RSS grew" >&2; fail=1; }
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	rc=$?
	daemon_pid=""
	[ "$rc" -eq 0 ] || { echo "soak: FAIL: daemon exit status $rc on SIGTERM" >&2; fail=1; }
fi
[ "$fail" -eq 0 ] && echo "soak: PASS" >&2 || echo "soak: FAIL" >&2
exit "$fail"
