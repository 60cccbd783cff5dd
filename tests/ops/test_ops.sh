#!/bin/sh
# Operations tests against the built programs and a real cryptoengd:
#   test_ops.sh CRYPTOENGD CRYPTOENGCTL CRYPTOENG_PERF HOLD_CLIENTS EXAMPLE VERSION CASE
# Cases: version, help, keys, binary, batchid, many, reload, ready, perf, example.
set -u
d_bin=$1 ctl_bin=$2 perf_bin=$3 hold_bin=$4 example_bin=$5 version=$6 case=$7

. "$(dirname "$0")/../lib.sh"
test_setup ops
. "$(dirname "$0")/hold.sh"
cleanup() {
	hold_stop
	test_cleanup
}
trap cleanup EXIT
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
unhex() { /usr/bin/python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))" "$1"; }

write_cfg() {
	{ daemon_eal_config "$prefix"; cat <<EOC; } >"$cfg"
[clients]
max_clients = 256
max_conns_per_uid = 256
$1
[socket]
path = $sock
[pmd.ipsecmb0]
driver = ipsecmb
EOC
}
ctl() { "$ctl_bin" --socket "$sock" "$@"; }

# AES-128-GCM, the GCM specification's test case 3.
KEY=feffe9928665731c6d6a8f9467308308
IV=cafebabefacedbaddecaf888
PT=d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
CT=42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985
TAG=4d5c2af327cd64a62cf35abd2ba6fab4

case $case in
version)
	for p in "$d_bin" "$ctl_bin" "$perf_bin"; do
		expect 0 "$p" --version
		has "$dir/out" "$version"
	done
	has "$dir/out" "cryptoeng-perf"
	expect 0 "$d_bin" --version
	has "$dir/out" "DPDK 22"
	;;
help)
	# Each subcommand has its own help; usage errors exit 2.
	expect 0 "$ctl_bin" crypt --help
	has "$dir/out" "--keyfd"
	has "$dir/out" "--tag HEX"
	hasnt "$dir/out" "engines"
	for c in algs stats clients engines; do
		expect 0 "$ctl_bin" "$c" --help
		has "$dir/out" "$c \[--json\]"
		hasnt "$dir/out" "--keyfd"
	done
	expect 2 "$ctl_bin" crypt --bogus
	expect 2 "$ctl_bin" stats extra
	expect 2 "$ctl_bin"
	expect 2 "$ctl_bin" nosuchcommand
	expect 2 "$ctl_bin" crypt --keyfd notanumber --alg x --op encrypt
	expect 2 "$d_bin" --bogus
	# No daemon: exit 1, saying where it looked.
	expect 1 "$ctl_bin" --socket "$dir/none.sock" stats
	has "$dir/err" "cannot connect to $dir/none.sock: No such file or directory"
	;;
keys)
	write_cfg ""
	start
	unhex "$KEY" >"$dir/key"
	expect 0 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/key" --iv "$IV" --in "$PT"
	[ "$(cat "$dir/out")" = "$CT$TAG" ] || fail "--key-file: $(cat "$dir/out")"
	ctl crypt --alg 'gcm(aes)' --op encrypt --keyfd 3 --iv "$IV" --in "$PT" 3<"$dir/key" >"$dir/out" ||
		fail "--keyfd"
	[ "$(cat "$dir/out")" = "$CT$TAG" ] || fail "--keyfd: $(cat "$dir/out")"
	# Limits named: a key of 513 bytes (CE_SESSION_KEY_MAX + 1), a key of 17, an IV of 0, a bad block multiple.
	head -c 513 /dev/zero >"$dir/bigkey"
	expect 2 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/bigkey" --iv "$IV" --in 00
	has "$dir/err" "key: more than 512 bytes"
	head -c 17 /dev/zero >"$dir/key17"
	expect 2 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/key17" --iv "$IV" --in 00
	has "$dir/err" "key: 17 bytes; gcm(aes) (.*) takes 16..32 step 8"
	expect 2 ctl crypt --alg 'cbc(aes)' --op encrypt --key-file "$dir/key" --iv "$KEY" --in 00112233
	has "$dir/err" "in: 4 bytes; cbc(aes) takes a non-zero multiple of its 16-byte block"
	expect 2 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/key" --iv "$IV" --tag-len 3 --in 00
	has "$dir/err" "tag_len: 3 bytes; gcm(aes) (.*) takes 4..16"
	expect 1 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/nokey" --iv "$IV" --in 00
	has "$dir/err" "key-file $dir/nokey"
	;;
binary)
	write_cfg ""
	start
	unhex "$KEY" >"$dir/key"
	unhex "$PT" >"$dir/pt"
	# -i FILE -o FILE, raw bytes both ways.
	expect 0 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/key" --iv "$IV" \
		-i "$dir/pt" -o "$dir/sealed"
	[ "$(hex "$dir/sealed")" = "$CT$TAG" ] || fail "-o: $(hex "$dir/sealed")"
	[ -s "$dir/out" ] && fail "-o also printed to stdout"
	# stdin to stdout (binary), the round trip.
	ctl crypt --alg 'gcm(aes)' --op decrypt --key-file "$dir/key" --iv "$IV" -o - \
		<"$dir/sealed" >"$dir/opened" || fail "decrypt stdin to stdout"
	cmp -s "$dir/pt" "$dir/opened" || fail "round trip: $(hex "$dir/opened")"
	# --tag: the tag apart from the ciphertext; a wrong one exits 3.
	unhex "$CT" >"$dir/ct"
	expect 0 ctl crypt --alg 'gcm(aes)' --op decrypt --key-file "$dir/key" --iv "$IV" \
		-i "$dir/ct" --tag "$TAG"
	[ "$(cat "$dir/out")" = "$PT" ] || fail "--tag: $(cat "$dir/out")"
	expect 3 ctl crypt --alg 'gcm(aes)' --op decrypt --key-file "$dir/key" --iv "$IV" \
		-i "$dir/ct" --tag 00000000000000000000000000000000
	expect 2 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/key" --iv "$IV" \
		-i "$dir/ct" --tag "$TAG"
	has "$dir/err" "tag: only decrypt and verify"
	# 64 KiB of input through a file: too long for argv in hex, fine in binary.
	head -c 65536 /dev/urandom >"$dir/big"
	expect 0 ctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$dir/key" --iv "$IV" \
		-i "$dir/big" -o "$dir/big.sealed"
	[ "$(stat -c %s "$dir/big.sealed")" -eq 65552 ] || fail "64 KiB: $(stat -c %s "$dir/big.sealed") bytes out"
	expect 0 ctl crypt --alg 'gcm(aes)' --op decrypt --key-file "$dir/key" --iv "$IV" \
		-i "$dir/big.sealed" -o "$dir/big.opened"
	cmp -s "$dir/big" "$dir/big.opened" || fail "64 KiB round trip"
	;;
batchid)
	write_cfg ""
	start
	printf '%s\n' \
		"{\"id\": 7, \"alg\": \"gcm(aes)\", \"op\": \"encrypt\", \"key\": \"$KEY\", \"iv\": \"$IV\", \"in\": \"$PT\"}" \
		"{\"alg\": \"gcm(aes)\", \"op\": \"encrypt\", \"key\": \"$KEY\", \"iv\": \"$IV\", \"in\": \"$PT\"}" \
		"{\"id\": \"x-1\", \"alg\": \"gcm(aes)\", \"op\": \"encrypt\", \"key\": \"00\", \"iv\": \"$IV\", \"in\": \"00\"}" \
		"{\"id\": [1, 2], \"bogus\": 1}" >"$dir/batch"
	expect 0 ctl crypt --batch "$dir/batch"
	sed -n 1p "$dir/out" | grep -qx "{\"id\":7,\"out\":\"$CT$TAG\"}" || fail "line 1: $(sed -n 1p "$dir/out")"
	sed -n 2p "$dir/out" | grep -qx "{\"out\":\"$CT$TAG\"}" || fail "line 2: $(sed -n 2p "$dir/out")"
	sed -n 3p "$dir/out" | grep -q "^{\"id\":\"x-1\",\"error\":\"EINVAL: key: 1 bytes" || fail "line 3: $(sed -n 3p "$dir/out")"
	sed -n 4p "$dir/out" | grep -q "^{\"id\":\[1,2\],\"error\":\"EINVAL: bogus: unknown field" || fail "line 4: $(sed -n 4p "$dir/out")"
	;;
many)
	# 200 clients: stats, clients and telemetry keep working, each answer
	# within 16 KiB (paged over the socket, list + parameter in telemetry).
	write_cfg ""
	start
	hold_start 200
	expect 0 ctl stats --json
	n=$(/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(sum(1 for c in j['clients'] if c['name']=='hold' and c['requests']==1))" "$dir/out")
	[ "$n" -eq 200 ] || fail "stats --json lists $n of the 200 clients with their request"
	expect 0 ctl stats
	[ "$(grep -c ' hold ' "$dir/out")" -eq 200 ] || fail "stats table: $(grep -c ' hold ' "$dir/out") hold rows"
	expect 0 ctl clients --json
	n=$(/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(sum(1 for c in j['clients'] if c['name']=='hold' and len(c['qps'])==1))" "$dir/out")
	[ "$n" -eq 200 ] || fail "clients --json lists $n of the 200 clients"
	/usr/bin/python3 - "/var/run/dpdk/$prefix/dpdk_telemetry.v2" <<'EOP' || fail "telemetry with 200 clients"
import json, socket, sys
def ask(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    greeting = json.loads(s.recv(1 << 16))
    s.send(cmd.encode())
    raw = s.recv(1 << 17)
    s.close()
    assert len(raw) <= greeting["max_output_len"], (cmd, len(raw))
    return json.loads(raw)[cmd.split(",")[0]]
ids = ask("/cryptoeng/clients")
assert len(ids) >= 200, len(ids)
holds = 0
for i in ids:
    c = ask("/cryptoeng/client,%d" % i)
    if c is not None and c.get("name") == "hold":
        assert c["requests"] == 1 and c["qps/0/credits"] > 0, c
        holds += 1
assert holds == 200, holds
st = ask("/cryptoeng/stats")
assert "truncated" not in st and st["info/clients"] >= 200, st
assert ask("/cryptoeng/info")["clients"] >= 200
for lc in ask("/cryptoeng/engines"):
    e = ask("/cryptoeng/engine,%d" % lc)
    assert e["lcore"] == lc and e["submitted"] >= 200, e
for dev in ask("/cryptoeng/devices"):
    assert ask("/cryptoeng/device," + dev)["device"] == dev
EOP
	;;
reload)
	# SIGHUP reloads the ACL: a config that lets only uid 12345 in refuses
	# root's next connection; the original lets it in again.
	write_cfg ""
	start
	expect 0 ctl stats
	write_cfg "allow_uids = 12345"
	kill -HUP "$daemon_pid"
	for _ in $(seq 1 100); do grep -q "SIGHUP: reloaded" "$log" && break; sleep 0.1; done
	has "$log" "SIGHUP: reloaded $cfg: allow_uids 12345"
	expect 1 ctl stats
	has "$dir/err" "not allowed"
	write_cfg ""
	kill -HUP "$daemon_pid"
	for _ in $(seq 1 100); do [ "$(grep -c 'SIGHUP: reloaded' "$log")" -ge 2 ] && break; sleep 0.1; done
	expect 0 ctl stats
	# A file with errors changes nothing, and says so.
	echo "[engine]" >>"$cfg"
	echo "bogus = 1" >>"$cfg"
	kill -HUP "$daemon_pid"
	for _ in $(seq 1 100); do grep -q "nothing reloaded" "$log" && break; sleep 0.1; done
	has "$log" "nothing reloaded"
	expect 0 ctl stats
	kill -0 "$daemon_pid" || fail "daemon died on SIGHUP"
	# Per-connection lines are DEBUG, not INFO.
	hasnt "$log" "gone"
	;;
ready)
	# Without --foreground the start returns once the socket listens, with
	# the daemon's status when start-up fails.
	write_cfg ""
	sed -i 's/^lcores = 0,1/lcores = 0/' "$cfg"
	expect 1 "$d_bin" --config "$cfg"
	write_cfg ""
	"$d_bin" --config "$cfg" --log stderr -- --log-level=cryptoengd:debug 2>"$log" || fail "daemonized start"
	[ -S "$sock" ] || fail "start returned before the socket listened"
	expect 0 ctl stats
	daemon_pid=$(pgrep -f "^$d_bin --config $cfg" | head -n 1)
	[ -n "$daemon_pid" ] || fail "daemon not found"
	for _ in $(seq 1 50); do grep -q "gone" "$log" && break; sleep 0.1; done
	has "$log" "client [0-9]* (pid [0-9]*) gone"
	kill "$daemon_pid"
	for _ in $(seq 1 100); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
	daemon_pid=""
	has "$log" "cryptoengd $version (DPDK"
	;;
perf)
	# --imix prints the weighted mean size as "Buf Size" (80 x 64 + 20 x 1500) / 100;
	# --csv-friendly prints the table alone, no options dump.
	null="--devtype crypto_null --optype cipher-only --cipher-algo null --cipher-key-sz 0 --cipher-iv-sz 0"
	# shellcheck disable=SC2086
	expect 0 "$perf_bin" --spawn -- $null --buffer-sz 64,1500 --imix 80,20 --total-ops 2000
	has "$dir/out" "^ *1 *351 *32 *2000 *2000 "
	has "$dir/out" "# Crypto Performance Application Options"
	# shellcheck disable=SC2086
	expect 0 "$perf_bin" --spawn -- $null --buffer-sz 64 --total-ops 2000 --csv-friendly
	hasnt "$dir/out" "Application Options"
	hasnt "$dir/out" "# total number of ops"
	has "$dir/out" "^#lcore id,Buffer Size(B),Burst Size"
	has "$dir/out" "^1,64,32,2000,2000,"
	;;
example)
	write_cfg ""
	start
	expect 0 "$example_bin" "$sock"
	has "$dir/out" "^ok: status 0"
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
