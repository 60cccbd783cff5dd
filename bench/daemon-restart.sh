#!/bin/sh
# Service gap when cryptoengd goes under load and is started again on the
# same socket: cryptoeng-perf runs (2 queue pairs, AES-128-GCM 64 B through
# ipsec-mb), the daemon is killed after BEFORE seconds and restarted at once;
# cryptoeng-perf reports the requests lost and the longest gap between a
# queue pair's last answer before and its first answer after.
#   bench/daemon-restart.sh [BUILD_DIR] [BEFORE_S] [SIGNAL]   (signal KILL or TERM)
# (BEFORE_S counts from cryptoeng-perf's first progress line, 2 s into its run.)
set -eu
build=${1:-build}
before=${2:-2}
sig=${3:-KILL}
dir=$(mktemp -d /tmp/ce-restart.XXXXXX)
. "$(dirname "$0")/../scripts/lib/daemon.sh"
trap '[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"; rm -rf /var/run/dpdk/ce-restart-$$' EXIT

{ daemon_eal_config "ce-restart-$$"; cat <<INI; } >"$dir/d.ini"
[engine]
stop_timeout_ms = 2000
[socket]
path = $dir/d.sock
[pmd.ipsecmb0]
driver = ipsecmb
INI

start_daemon() {
	rm -f "$dir/d.sock"
	daemon_start "$dir/d.sock" "$build/daemon/cryptoengd" --config "$dir/d.ini" --foreground \
		>>"$dir/d.log" 2>&1 || { cat "$dir/d.log" >&2; exit 1; }
}

start_daemon
${WRAP:-} "$build/bench/cryptoeng-perf" --socket "$dir/d.sock" --qps 2 -- --ptest throughput \
	--devtype crypto_aesni_mb --optype aead --aead-algo aes-gcm --aead-key-sz 16 \
	--aead-iv-sz 12 --aead-op encrypt --digest-sz 16 --burst-sz 32 --buffer-sz 64 \
	--total-ops 4000000 --pool-sz 1024 --silent >"$dir/perf.out" 2>"$dir/perf.err" &
perf=$!
# Under load once its progress line shows (the run has gone on for 2 s).
until grep -q 'MOps so far' "$dir/perf.err" 2>/dev/null; do
	kill -0 $perf 2>/dev/null || break
	sleep 0.1
done
sleep "$before"
t0=$(date +%s.%N)
daemon_stop "$sig" 2>/dev/null || true
t1=$(date +%s.%N)
start_daemon
t2=$(date +%s.%N)
echo "daemon: SIG$sig, exited after $(echo "($t1 - $t0) * 1000" | bc) ms;" \
	"restarted and listening after $(echo "($t2 - $t0) * 1000" | bc) ms"
rc=0
wait $perf || rc=$?
grep -v '^\s*$' "$dir/perf.err" | grep -v 'MOps so far' || true
tail -n 3 "$dir/perf.out"
exit $rc
