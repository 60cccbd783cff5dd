# What the shell tests share (sourced, never installed):
#	. "$(dirname "$0")/../lib.sh"
#	test_setup NAME
# needs $d_bin (cryptoengd) and gives:
#	$dir		a temporary folder, removed at exit
#	$prefix		the daemon's EAL file prefix; $sock, $cfg, $log in $dir
#	fail MSG	MSG and the daemon log's tail on stderr, exit 1
#	expect RC CMD...	run CMD, stdout in $dir/out, stderr in $dir/err; fail
#			unless it exits RC
#	has FILE RE, hasnt FILE RE	fail unless FILE has (has not) a line matching RE
#	start [ARGS...]	cryptoengd on $cfg with ARGS, stderr to $log, until $sock listens
#	stop		SIGTERM, and wait: fail unless it exits 0
# A test with more to undo at exit traps its own function, which ends with test_cleanup.
# The test scripts stand in tests/<component>/.
. "$(dirname "$0")/../../scripts/lib/daemon.sh"

test_setup() {
	dir=$(mktemp -d "/tmp/ce-$1.XXXXXX")
	prefix="ce$1-$$"
	sock="$dir/s.sock"
	cfg="$dir/d.ini"
	log="$dir/d.log"
	trap test_cleanup EXIT
}

test_cleanup() {
	[ -n "$daemon_pid" ] && daemon_stop 2>/dev/null
	rm -rf "$dir" "/var/run/dpdk/$prefix"
}

fail() {
	echo "FAILED: $*" >&2
	[ -f "$log" ] && { echo "--- daemon log" >&2; tail -n 20 "$log" >&2; }
	exit 1
}

expect() {
	want=$1
	shift
	"$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "$* exited $rc, want $want; stderr: $(cat "$dir/err"); stdout: $(head -c 800 "$dir/out")"
}

has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 1500 "$1")"; }
hasnt() { ! grep -q -- "$2" "$1" || fail "$1 has '$2'"; }

start() {
	daemon_start "$sock" "$d_bin" --config "$cfg" --foreground "$@" 2>"$log"
	case $? in
	0) ;;
	1) fail "cryptoengd exited at start" ;;
	*) fail "cryptoengd did not listen in ${DAEMON_START_S:-30} s" ;;
	esac
}

stop() {
	daemon_stop || fail "cryptoengd exited $? at the stop"
}
