# Clients held open by hold_clients, for the two tests/ops scripts; sourced
# after tests/lib.sh's test_setup, needs $hold_bin.
#	hold_start N	N clients, one request each, connected until the test
#			ends (their stdin, fd 9, closes at exit: hold_stop)
hold_fifo=""

hold_start() {
	hold_fifo="$dir/hold.in"
	mkfifo "$hold_fifo"
	"$hold_bin" "$sock" "$1" <"$hold_fifo" >"$dir/hold.out" 2>"$dir/hold.err" &
	exec 9>"$hold_fifo"
	for _ in $(seq 1 600); do
		grep -q ready "$dir/hold.out" 2>/dev/null && break
		[ -s "$dir/hold.err" ] && fail "hold_clients: $(cat "$dir/hold.err")"
		sleep 0.1
	done
	grep -q ready "$dir/hold.out" || fail "$1 clients not connected in 60 s"
}

hold_stop() {
	[ -n "$hold_fifo" ] && exec 9>&-
	hold_fifo=""
}
