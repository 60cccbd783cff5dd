#!/bin/sh
# cryptoengctl against a live daemon under load: selftest and stats --watch.
#   test_live.sh CRYPTOENGD CRYPTOENGCTL CRYPTOENG_PERF HOLD_CLIENTS SOAK_CLIENT CASE
# Cases:
#   selftest       the null device's fault injector makes its implementations
#                  fail the re-run known answers: the failed line, exit 4, a new
#                  session refused with the reason, algs says failed; healed,
#                  the next selftest passes and sessions work again
#   selftest-load  selftest runs again and again while a client is served
#                  (AES-GCM, every answer checked against OpenSSL): no answer
#                  of that client is wrong, lost or failed
#   watch          stats --watch: a loaded client, its engine and its device
#                  show a rate above 0, an idle client and an idle device 0;
#                  --count ends it, SIGINT ends it with exit 0, bad args exit 2
#   watch-many     stats --watch with 200 clients: every one listed, each
#                  interval (the stats pages joined), their rates 0
set -u
d_bin=$1 ctl_bin=$2 perf_bin=$3 hold_bin=$4 soak_bin=$5 case=$6

. "$(dirname "$0")/../lib.sh"
test_setup live
lpid=""
. "$(dirname "$0")/hold.sh"
cleanup() {
	hold_stop
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null && wait "$lpid" 2>/dev/null
	test_cleanup
}
trap cleanup EXIT
py() { /usr/bin/python3 "$@"; }

{ daemon_eal_config "$prefix"; cat <<EOC; } >"$cfg"
[socket]
path = $sock
[clients]
max_clients = 256
max_conns_per_uid = 256
[pmd.null0]
driver = null
args = fault_inject=1
[pmd.ipsecmb0]
driver = ipsecmb
EOC
start
ctl() { "$ctl_bin" --socket "$sock" "$@"; }
fault() { "$soak_bin" ctl --socket "$sock" "{\"cmd\":\"fault\",\"device\":\"null0\",\"mode\":\"$1\"}" >/dev/null ||
	fail "fault $1"; }
# Wait until cryptoeng-perf ($lpid, stderr in $dir/perf.err) is being served.
perf_served() {
	for _ in $(seq 1 300); do
		ctl stats --json >"$dir/st" 2>/dev/null &&
			py -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if any(c['name']=='cryptoeng-perf' and c['requests']>0 for c in j['clients']) else 1)" "$dir/st" &&
			return 0
		kill -0 "$lpid" 2>/dev/null || fail "cryptoeng-perf ended early: $(cat "$dir/perf.err")"
		sleep 0.1
	done
}
NULLDRV=ecb-cipher_null-null
null_crypt() { ctl crypt --alg 'ecb(cipher_null)' --driver "$NULLDRV" --op encrypt --key '' --in 00112233; }

case $case in
selftest)
	# At start every implementation passed; all of them again, now.
	expect 0 ctl selftest
	has "$dir/out" "^alg: self-tests for gcm-aes-ipsecmb (gcm(aes)) on ipsecmb0 passed: 6 vectors, 36 operations$"
	has "$dir/out" "^alg: self-tests for $NULLDRV (ecb(cipher_null)) on null0 passed: 1 vector, 4 operations$"
	has "$dir/out" "^selftest: [0-9]* tested, 0 failed$"
	expect 0 null_crypt
	[ "$(cat "$dir/out")" = 00112233 ] || fail "null cipher before: $(cat "$dir/out")"

	# The device now answers wrongly: its ciphers fail, the rest do not.
	fault corrupt
	expect 4 ctl selftest --driver "$NULLDRV"
	has "$dir/out" "^alg: self-tests for $NULLDRV (ecb(cipher_null)) on null0 failed: 1 vector, 4 operations: identity: encrypt in place: wrong output$"
	has "$dir/out" "^selftest: 1 tested, 1 failed"
	[ "$(grep -c '^alg: ' "$dir/out")" -eq 1 ] || fail "--driver ran more than its driver: $(cat "$dir/out")"
	# Out of selection: a new session for it is refused, with the reason.
	expect 1 null_crypt
	has "$dir/err" "ELIBBAD: driver $NULLDRV is unusable: self-test failed: identity: encrypt in place: wrong output"
	echo "{\"id\": 1, \"alg\": \"ecb(cipher_null)\", \"driver\": \"$NULLDRV\", \"op\": \"encrypt\", \"key\": \"\", \"in\": \"00\"}" >"$dir/batch"
	expect 0 ctl crypt --batch "$dir/batch"
	has "$dir/out" "^{\"id\":1,\"error\":\"ELIBBAD: driver $NULLDRV is unusable: self-test failed"
	expect 0 ctl algs
	py - "$dir/out" "$NULLDRV" <<'EOP' || fail "algs after the failure: $(cat "$dir/out")"
import sys
blocks = open(sys.argv[1]).read().split("\n\n")
b = [x for x in blocks if "driver       : %s\n" % sys.argv[2] in x]
assert len(b) == 1 and "selftest     : failed\n" in b[0], b
assert "selftest_why : identity: encrypt in place: wrong output" in b[0], b[0]
EOP
	# The other implementations of the device, not re-run, stay in.
	expect 0 ctl crypt --alg 'digest_null' --op digest --key '' --in 00
	# Every completion an error: the whole device fails, and the rest passes.
	fault error
	expect 4 ctl selftest
	has "$dir/out" "^alg: self-tests for digest_null-null (digest_null) on null0 failed: 1 vector, 4 operations: empty digest: digest in place returned -5$"
	has "$dir/out" "^alg: self-tests for gcm-aes-ipsecmb (gcm(aes)) on ipsecmb0 passed"
	has "$dir/out" "^selftest: [0-9]* tested, 3 failed"
	expect 4 ctl selftest --json
	py -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['failed']==3 and sum(r['selftest']=='failed' for r in j['selftest'])==3, j" "$dir/out" ||
		fail "selftest --json: $(cat "$dir/out")"
	expect 1 ctl crypt --alg 'digest_null' --op digest --key '' --in 00
	has "$dir/err" "ELIBBAD: driver digest_null-null is unusable: self-test failed: empty digest: digest in place returned -5"

	# Healed: it passes again and is chosen again.
	fault none
	expect 1 null_crypt
	expect 0 ctl selftest --driver "$NULLDRV"
	has "$dir/out" "^alg: self-tests for $NULLDRV (ecb(cipher_null)) on null0 passed: 1 vector, 4 operations$"
	expect 0 null_crypt
	[ "$(cat "$dir/out")" = 00112233 ] || fail "null cipher after: $(cat "$dir/out")"
	expect 0 ctl selftest
	hasnt "$dir/out" " failed: "
	expect 0 ctl crypt --alg 'digest_null' --op digest --key '' --in 00

	# Bad input: exit 2, saying what.
	expect 2 ctl selftest --driver no-such-driver
	has "$dir/err" "no implementation has that driver name"
	expect 2 ctl selftest --bogus
	expect 2 ctl selftest extra
	expect 0 ctl selftest --help
	has "$dir/out" "selftest \[--driver NAME\]"
	has "$log" "selftest of $NULLDRV: 1 implementation(s) tested, 1 failed"
	;;
selftest-load)
	# A client served the whole time: 64-byte AES-GCM, each answer checked
	# against OpenSSL (--verify-all exits 1 on any wrong or failed one).
	"$perf_bin" --socket "$sock" --verify-all -- --devtype crypto_aesni_mb --optype aead \
		--aead-algo aes-gcm --aead-key-sz 16 --aead-iv-sz 12 --aead-op encrypt --digest-sz 16 \
		--aead-aad-sz 16 --burst-sz 32 --buffer-sz 64 --total-ops 3000000 \
		>"$dir/perf.out" 2>"$dir/perf.err" &
	lpid=$!
	perf_served
	# Every implementation again and again, with a fault on the null device
	# now and then: only null0 fails; the GCM client never notices.
	runs=0 overlapped=0
	while kill -0 "$lpid" 2>/dev/null && [ "$runs" -lt 200 ]; do
		[ $((runs % 4)) -eq 1 ] && fault error
		"$ctl_bin" --socket "$sock" selftest >"$dir/out" 2>"$dir/err"
		rc=$?
		if [ $((runs % 4)) -eq 1 ]; then
			[ "$rc" -eq 4 ] || fail "selftest with a fault exited $rc: $(cat "$dir/err")"
			fault none
		else
			[ "$rc" -eq 0 ] || fail "selftest under load exited $rc: $(cat "$dir/out") $(cat "$dir/err")"
		fi
		hasnt "$dir/out" "ipsecmb0 failed"
		runs=$((runs + 1))
		kill -0 "$lpid" 2>/dev/null && overlapped=$((overlapped + 1))
	done
	[ "$overlapped" -ge 2 ] || fail "only $overlapped self-test run(s) while the client was served"
	wait "$lpid"
	rc=$?
	lpid=""
	[ "$rc" -eq 0 ] || fail "cryptoeng-perf under self-tests exited $rc: $(cat "$dir/perf.out" "$dir/perf.err")"
	# Every op dequeued: the totals row says 3000000 enqueued and dequeued.
	has "$dir/perf.out" " 3000000 *3000000 "
	echo "$overlapped self-test runs while the client was served" >&2
	;;
watch)
	# An idle client (one request at its start, then nothing) and a loaded one.
	hold_start 1
	"$perf_bin" --socket "$sock" -- --devtype crypto_null --optype cipher-only --cipher-algo null \
		--cipher-key-sz 0 --cipher-iv-sz 0 --burst-sz 32 --buffer-sz 64 --total-ops 2000000000 \
		>"$dir/perf.out" 2>"$dir/perf.err" &
	lpid=$!
	perf_served
	expect 0 ctl stats --watch 0.5 --count 3 --json
	[ "$(wc -l <"$dir/out")" -eq 3 ] || fail "--count 3 printed $(wc -l <"$dir/out") lines"
	py - "$dir/out" <<'EOP' || fail "watch rates: $(cat "$dir/out")"
import json, sys
iv = [json.loads(l) for l in open(sys.argv[1])]
def rows(i, kind, key, val):
    return [r for r in i[kind] if r[key] == val]
busy = idle = 0
for i in iv:
    assert 0.2 < i["interval_s"] < 30, i["interval_s"]
    perf = [r for r in i["clients"] if r["name"] == "cryptoeng-perf"]
    hold = [r for r in i["clients"] if r["name"] == "hold"]
    assert len(perf) == 1 and len(hold) == 1, i["clients"]
    # Idle: exactly 0, every interval; the idle device too.
    assert hold[0]["ops_s"] == 0 and hold[0]["bytes_s"] == 0 and hold[0]["errors_s"] == 0, hold
    ips = rows(i, "devices", "device", "ipsecmb0")[0]
    assert ips["ops_s"] == 0 and ips["bytes_s"] == 0, ips
    eng = rows(i, "engines", "lcore", 1)[0]
    nul = rows(i, "devices", "device", "null0")[0]
    p = perf[0]
    assert p["errors_s"] == 0 and eng["errors_s"] == 0, (p, eng)
    # 64-byte requests: bytes/s is 64 x ops/s for the client and its device.
    assert abs(p["bytes_s"] - 64 * p["ops_s"]) <= 1e-6 * p["bytes_s"] + 1, p
    assert abs(nul["bytes_s"] - 64 * nul["ops_s"]) <= 1e-6 * nul["bytes_s"] + 1, nul
    if p["ops_s"] > 0 and eng["ops_s"] > 0 and nul["ops_s"] > 0:
        busy += 1
# Under a loaded machine an interval may pass without the client running;
# not all three.
assert busy >= 1, iv
EOP
	# The table: one line per engine, device and client.
	expect 0 ctl stats --watch=0.5 --count 1
	has "$dir/out" "^ENGINE  *OPS/S  *BYTES/S  *ERRORS/S$"
	has "$dir/out" "^lcore 1 "
	has "$dir/out" "^null0 "
	has "$dir/out" "^ipsecmb0  *0  *0  *0$"
	has "$dir/out" " hold$"
	has "$dir/out" " cryptoeng-perf$"
	# SIGINT ends it cleanly (exit 0, what it printed intact).
	"$ctl_bin" --socket "$sock" stats --watch 0.2 >"$dir/out" 2>"$dir/err" &
	wpid=$!
	for _ in $(seq 1 100); do
		[ "$(grep -c '^ENGINE' "$dir/out")" -ge 2 ] && break
		sleep 0.1
	done
	kill -INT "$wpid"
	wait "$wpid"
	rc=$?
	[ "$rc" -eq 0 ] || fail "watch after SIGINT exited $rc: $(cat "$dir/err")"
	[ "$(grep -c '^ENGINE' "$dir/out")" -ge 2 ] || fail "watch printed $(grep -c '^ENGINE' "$dir/out") intervals in 10 s"
	# Bad arguments: exit 2, naming the option and its limit.
	expect 2 ctl stats --watch 0
	has "$dir/err" "SECONDS '0': a number of seconds in 0.1..3600"
	expect 2 ctl stats --watch 1 --count 0
	has "$dir/err" "--count '0': a number of intervals >= 1"
	expect 2 ctl stats --watch=x
	expect 0 ctl stats --watch --help
	has "$dir/out" "stats --watch \[SECONDS\] \[--count N\]"
	kill "$lpid"
	wait "$lpid" 2>/dev/null
	lpid=""
	;;
watch-many)
	# Max clients is 128 by default: room for 200 and the watcher.
	hold_start 200
	expect 0 ctl stats --watch 0.5 --count 2 --json
	py - "$dir/out" <<'EOP' || fail "watch with 200 clients: $(head -c 2000 "$dir/out")"
import json, sys
iv = [json.loads(l) for l in open(sys.argv[1])]
assert len(iv) == 2, len(iv)
for i in iv:
    hold = [r for r in i["clients"] if r["name"] == "hold"]
    assert len(hold) == 200, len(hold)
    assert len({r["id"] for r in hold}) == 200
    assert all(r["ops_s"] == 0 and r["bytes_s"] == 0 for r in hold), hold
EOP
	expect 0 ctl stats --watch 0.5 --count 1
	[ "$(grep -c ' hold$' "$dir/out")" -eq 200 ] || fail "watch table: $(grep -c ' hold$' "$dir/out") hold rows"
	;;
*)
	fail "unknown case $case"
	;;
esac
kill -0 "$daemon_pid" || fail "daemon died"
exit 0
