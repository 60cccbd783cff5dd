#!/bin/sh
# bench/idle/run.sh [BUILD_DIR]: what idling costs and saves (issue 5).
#  1. CPU of an idle daemon over 10 s (/proc/PID/stat utime+stime), idle
#     backoff on ([engine] idle_sleep = yes) and off (pure polling).
#  2. Round trip of one request back to back (worker polling) and after a
#     pause (worker asleep at its backoff ceiling): p50/p99 over 200 samples.
#  3. Throughput under load, idle backoff on vs off, alternated, $ROUNDS runs
#     each (default 5; BUILD/bench/cryptoeng-perf, null backend, 64 B, burst 32),
#     with the mean and the best of each. ONLY=tput runs only this part.
# Prints a Markdown block for bench/idle/RESULTS.md. Needs both cores quiet.
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
ROUNDS=${ROUNDS:-5}
ONLY=${ONLY:-all}
D=$B/daemon/cryptoengd
PERF=$B/bench/cryptoeng-perf
T=$(mktemp -d /tmp/ceidle-XXXXXX)
HZ=$(getconf CLK_TCK)
PID=

cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T" "/var/run/dpdk/ceidle-$$"
}
trap cleanup EXIT INT TERM

cc -O2 -Wall -I lib/client -I lib/shm bench/idle/idle-lat.c "$B/lib/client/libcryptoeng.a" \
	-lpthread -o "$T/idle-lat"

start() {	# start IDLE_SLEEP
	cat > "$T/d.ini" <<INI
[eal]
lcores = 0,1
args = --no-pci --log-level=lib.eal:error
file_prefix = ceidle-$$
hugepages = no
[engine]
idle_us = 200
sleep_max_us = 100000
idle_sleep = $1
[socket]
path = $T/d.sock
[pmd.null0]
driver = null
args = depth=64,delay_ns=0
INI
	"$D" --config "$T/d.ini" --foreground 2>"$T/d.log" &
	PID=$!
	i=0
	while [ ! -S "$T/d.sock" ]; do
		i=$((i + 1)); [ $i -gt 500 ] && { cat "$T/d.log"; exit 1; }
		sleep 0.02
	done
	sleep 1		# settle: EAL threads, first idle transition
}

stop() {
	kill "$PID"; wait "$PID" || true; PID=
}

cpu_ticks() {	# utime + stime of $PID
	awk '{ print $14 + $15 }' "/proc/$PID/stat"
}

idle_cpu() {	# percent of one core over 10 s
	a=$(cpu_ticks); sleep 10; b=$(cpu_ticks)
	echo "$a $b $HZ" | awk '{ printf "%.2f", ($2 - $1) * 100 / $3 / 10 }'
}

cpu_on=-; cpu_off=-; lat_poll=-; lat_idle=-; lat_nosleep=-
if [ "$ONLY" = all ]; then
	start yes; cpu_on=$(idle_cpu)
	lat_poll=$("$T/idle-lat" "$T/d.sock" 200 0)
	lat_idle=$("$T/idle-lat" "$T/d.sock" 200 300)
	stop
	start no; cpu_off=$(idle_cpu)
	lat_nosleep=$("$T/idle-lat" "$T/d.sock" 200 300)
	stop
fi

tput() {	# MOps of one cryptoeng-perf run against the running daemon
	"$PERF" --socket "$T/d.sock" -- --ptest throughput --devtype null --optype cipher-only \
		--cipher-algo null --cipher-key-sz 0 --cipher-iv-sz 0 --burst-sz 32 \
		--buffer-sz 64 --total-ops ${OPS:-20000000} --silent --csv-friendly 2>/dev/null |
		awk -F, '$1 ~ /^ *[0-9]+ *$/ && NF >= 8 { print $8; exit }'
}

on=""; off=""
if [ -x "$PERF" ]; then
	for r in $(seq "$ROUNDS"); do
		start yes; on="$on $(tput)"; stop
		start no; off="$off $(tput)"; stop
	done
fi

stats() {	# mean / best of the arguments
	echo "$@" | awk '{ m = 0; b = 0; for (i = 1; i <= NF; i++) { m += $i; if ($i > b) b = $i }
		if (NF) printf "%.2f / %.2f", m / NF, b }'
}

cat <<MD
| figure | idle backoff on | pure polling |
|---|---|---|
| idle daemon CPU, 10 s (% of one core) | $cpu_on | $cpu_off |
| round trip, back to back, p50 / p99 / max (us) | $(echo $lat_poll | tr ' ' '/') | |
| round trip after 300 ms idle, p50 / p99 / max (us) | $(echo $lat_idle | tr ' ' '/') | $(echo $lat_nosleep | tr ' ' '/') |
| throughput null 64 B burst 32, MOps ($ROUNDS runs, alternated) | $on | $off |
| throughput mean / best | $(stats $on) | $(stats $off) |
MD
