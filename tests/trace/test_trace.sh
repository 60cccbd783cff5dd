#!/bin/sh
# Tracepoints through a real daemon and babeltrace:
#   test_trace.sh CRYPTOENGD CRYPTOENGCTL CHECK_TRACE.PY fp|nofp CASE
# lifecycle: --trace=cryptoeng.* in [eal] args; every request's events,
#            fields and statuses (check_trace.py lifecycle).
# select:    --trace=<one point> on the command line after --: only it.
# Skips (77) without babeltrace (Debian package babeltrace).
set -u
d_bin=$1 ctl_bin=$2 check=$3 fp=$4 case=$5

command -v babeltrace >/dev/null 2>&1 || { echo "babeltrace not installed: skipped"; exit 77; }

. "$(dirname "$0")/../lib.sh"
test_setup trace

# $1: extra [eal] args.
write_cfg() {
	{ daemon_eal_config "$prefix" "$1"; cat <<EOC; } >"$cfg"
[engine]
batch_size = 32
retry = yes
[socket]
path = $sock
; depth 1, 20 ms each: a burst of requests is mostly refused (-ENOSPC), so
; the engine retries with backoff.
[pmd.null0]
driver = null
args = depth=1,delay_ns=20000000
; Shorter than 64 bytes runs in software: a fallback with reason "small".
[pmd.cdev0]
driver = cryptodev
args = dev=crypto_aesni_mb,small_to_sw=64
[pmd.ipsecmb0]
driver = ipsecmb
EOC
}
decode() {
	trace=$(find "$dir/trace" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -n "$trace" ] && [ -f "$trace/metadata" ] || fail "no CTF trace under $dir/trace"
	babeltrace "$trace" >"$dir/trace.txt" 2>"$dir/bt.err" || fail "babeltrace: $(cat "$dir/bt.err")"
}

# AES-128-GCM, the GCM specification's test case 3 key and IV.
KEY=feffe9928665731c6d6a8f9467308308
IV=cafebabefacedbaddecaf888
B16=00112233445566778899aabbccddeeff
line() { # id driver op in [alg]
	printf '{"id": "%s", "alg": "%s", "driver": "%s", "op": "%s", "key": "%s", "iv": "%s", "in": "%s"}\n' \
		"$1" "${5:-gcm(aes)}" "$2" "$3" "$KEY" "$IV" "$4"
}
null_line() { # id driver in
	printf '{"id": "%s", "alg": "ecb(cipher_null)", "driver": "%s", "op": "encrypt", "key": "", "in": "%s"}\n' \
		"$1" "$2" "$3"
}

case $case in
lifecycle)
	write_cfg "--trace=cryptoeng.* --trace-dir=$dir/trace"
	start
	{
		# Direct path (ipsecmb): four good, one with a wrong tag (-EBADMSG).
		for i in 1 2 3 4; do line "mb$i" gcm-aes-ipsecmb encrypt "$B16"; done
		line badtag gcm-aes-ipsecmb decrypt "$B16$B16"
		# Engine path, cryptodev: three small ones fall back, one runs on the device.
		for i in 1 2 3; do null_line "fb$i" ecb-cipher_null-cryptodev "$B16"; done
		null_line dev1 ecb-cipher_null-cryptodev "$B16$B16$B16$B16"
		# Engine path, the null device of depth 1: refused, retried.
		for i in 1 2 3 4 5 6; do null_line "null$i" ecb-cipher_null-null "$B16"; done
	} >"$dir/batch"
	"$ctl_bin" --socket "$sock" crypt --batch "$dir/batch" >"$dir/out" 2>"$dir/err" ||
		fail "cryptoengctl crypt --batch: $(cat "$dir/err")"
	grep -q '"id":"badtag","error":"EBADMSG"' "$dir/out" || fail "bad tag: $(cat "$dir/out")"
	[ "$(grep -c '"out"' "$dir/out")" -eq 14 ] || fail "answers: $(cat "$dir/out")"
	stop
	decode
	/usr/bin/python3 "$check" lifecycle "$dir/trace.txt" "$fp" "$dir/batch" ||
		fail "trace (babeltrace output: $dir/trace.txt)"
	;;
select)
	# From the command line (EAL args after --), one point only.
	write_cfg ""
	start -- "--trace=cryptoeng\.worker\.complete" "--trace-dir=$dir/trace"
	{
		line ok gcm-aes-ipsecmb encrypt "$B16"
		line badtag gcm-aes-ipsecmb decrypt "$B16$B16"
	} >"$dir/batch"
	"$ctl_bin" --socket "$sock" crypt --batch "$dir/batch" >"$dir/out" 2>"$dir/err" ||
		fail "cryptoengctl crypt --batch: $(cat "$dir/err")"
	stop
	decode
	/usr/bin/python3 "$check" select "$dir/trace.txt" "$fp" "$dir/batch" ||
		fail "trace (babeltrace output: $dir/trace.txt)"
	;;
*)
	fail "unknown case $case"
	;;
esac
exit 0
