# Starting and stopping cryptoengd from a shell script: sourced (never
# installed, never run) by tests/lib.sh, bench/*.sh and scripts/static-smoke.sh.
#
# daemon_start SOCK CMD...
#	Run CMD (cryptoengd and its arguments, in the foreground) in the
#	background, $daemon_pid its pid; the caller redirects its output. Then
#	wait until SOCK listens: 0; 1 if the daemon exits first, 2 if it has not
#	listened in $DAEMON_START_S (default 30) seconds.
# daemon_stop [SIGNAL]
#	Send SIGNAL (TERM) to $daemon_pid and wait: the daemon's exit status.
# daemon_eal_config PREFIX [EAL_ARGS]
#	Print the [eal] section of a daemon on a development or CI machine: two
#	lcores, no hugepages, no PCI, EAL's own logs at error, file prefix PREFIX
#	(unique per daemon), EAL_ARGS added.

daemon_pid=""

daemon_start() {
	_ds_sock=$1
	shift
	"$@" &
	daemon_pid=$!
	# Polled every 10 ms: bench/daemon-restart.sh measures the time to listen.
	_ds_left=$((${DAEMON_START_S:-30} * 100))
	while [ ! -S "$_ds_sock" ]; do
		kill -0 "$daemon_pid" 2>/dev/null || return 1
		[ "$_ds_left" -gt 0 ] || return 2
		_ds_left=$((_ds_left - 1))
		sleep 0.01
	done
	return 0
}

daemon_stop() {
	kill -"${1:-TERM}" "$daemon_pid" 2>/dev/null
	wait "$daemon_pid"
	_ds_rc=$?
	daemon_pid=""
	return "$_ds_rc"
}

daemon_eal_config() {
	cat <<EOC
[eal]
lcores = 0,1
args = --no-pci --log-level=lib.eal:error${2:+ $2}
file_prefix = $1
hugepages = no
EOC
}
