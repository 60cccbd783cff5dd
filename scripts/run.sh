#!/bin/sh
# The main job: install what is missing, build, start cryptoengd on
# config/default.ini (software backends, no hugepages), run an AES-128-GCM
# workload through it with cryptoeng-perf, and stop the daemon cleanly.
#   scripts/run.sh [extra cryptoeng-perf options]
set -eu
cd "$(dirname "$0")/.."

scripts/setup-deps.sh
if [ -d build/meson-private ]; then
	meson setup --reconfigure build >/dev/null
else
	meson setup build >/dev/null
fi
ninja -C build >/dev/null

dir=$(mktemp -d /tmp/cryptoeng-run.XXXXXX)
sock=$dir/cryptoeng.sock
log=$dir/cryptoengd.log
# A private socket and EAL file prefix: an installed daemon may be running.
build/daemon/cryptoengd --config config/default.ini --socket "$sock" --foreground \
	-- --file-prefix "cryptoeng-run-$$" >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' INT TERM

i=0
while [ ! -S "$sock" ]; do
	if ! kill -0 $pid 2>/dev/null || [ $i -ge 300 ]; then
		echo "run: cryptoengd did not start; its log:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
echo "cryptoengd (pid $pid) is up on $sock"

build/bench/cryptoeng-perf --socket "$sock" -- --ptest throughput --devtype sw \
	--optype aead --aead-algo aes-gcm --aead-key-sz 16 --aead-iv-sz 12 \
	--aead-op encrypt --digest-sz 16 --burst-sz 32 --buffer-sz 64,256,1024,8192 \
	--total-ops 2000000 "$@"
status=$?

kill -TERM $pid
if wait $pid; then
	echo "cryptoengd stopped cleanly"
else
	echo "run: cryptoengd exited with status $?; its log:" >&2
	cat "$log" >&2
	status=1
fi
rm -rf "$dir"
exit $status
