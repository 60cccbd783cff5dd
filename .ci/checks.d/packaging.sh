#!/bin/sh
# CI: the Debian packages build (dpkg-buildpackage -us -uc -b), pass lintian
# without errors, install (apt-get install ./*.deb), and the installed daemon
# serves: started as the unit starts it (user cryptoeng, its installed
# default config, no --config), a known answer through the installed
# cryptoengctl, the installed unit's systemd-analyze security exposure at
# most 4.0; then everything is purged (this is the CI machine's state).
# Takes 1.5 to 3 minutes here (the package build 1 to 2.5 min on 2 cores
# shared with other builds, lintian ~15 s, install and purge ~20 s). Needs
# root; exit 77 (skip) without it.
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)

fail() { echo "packaging: FAILED: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
	echo "packaging: needs root (apt-get install); skipped" >&2
	exit 77
fi
for tool in dpkg-buildpackage lintian systemd-analyze apt-get; do
	command -v "$tool" >/dev/null || fail "$tool missing (scripts/setup-deps.sh)"
done
sock=/run/cryptoeng/cryptoeng.sock
if [ -S "$sock" ] && /usr/bin/python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(sys.argv[1])" "$sock" 2>/dev/null; then
	echo "packaging: a cryptoengd already serves $sock; skipped" >&2
	exit 77
fi
if dpkg-query -W -f='${Status}' cryptoengd 2>/dev/null | grep -q "ok installed"; then
	echo "packaging: cryptoengd is installed already; skipped (it would be purged)" >&2
	exit 77
fi

work=$(mktemp -d /tmp/cryptoeng-pkg.XXXXXX)
had_user=no
getent passwd cryptoeng >/dev/null && had_user=yes
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get purge -q -y cryptoengd cryptoeng-tools \
		libcryptoeng-dev libcryptoeng0 >/dev/null 2>&1
	if [ "$had_user" = no ] && getent passwd cryptoeng >/dev/null; then
		deluser --system --quiet cryptoeng >/dev/null 2>&1
		getent group cryptoeng >/dev/null && delgroup --system --quiet cryptoeng >/dev/null 2>&1
	fi
	rm -rf /run/cryptoeng "$work"
}
trap cleanup EXIT

# The working tree as it is (committed or not), without build directories.
mkdir "$work/src"
git -C "$src" ls-files -co --exclude-standard | grep -v '^build' |
	tar -C "$src" -cf - -T - | tar -C "$work/src" -xf - || fail "copy of the tree"
echo "packaging: dpkg-buildpackage -us -uc -b" >&2
(cd "$work/src" && nice dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
	{ tail -n 40 "$work/build.log" >&2; fail "dpkg-buildpackage"; }

echo "packaging: lintian" >&2
lintian --fail-on error "$work"/*.changes >"$work/lintian.log" 2>&1 ||
	{ cat "$work/lintian.log" >&2; fail "lintian reports errors"; }
grep '^[EW]:' "$work/lintian.log" >&2

echo "packaging: apt-get install" >&2
debs=$(ls "$work"/*.deb | grep -v dbgsym)
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -q -y $debs >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; fail "apt-get install"; }
for f in /usr/sbin/cryptoengd /usr/bin/cryptoengctl /usr/bin/cryptoeng-perf /usr/bin/cryptoeng-ipsec-gw \
	 /etc/cryptoeng/cryptoengd.ini /lib/systemd/system/cryptoengd.service \
	 /usr/include/cryptoeng/cryptoeng.h /usr/share/man/man8/cryptoengd.8.gz; do
	[ -e "$f" ] || fail "$f not installed"
done
getent passwd cryptoeng >/dev/null || fail "postinst made no user cryptoeng"
for prog in /usr/sbin/cryptoengd /usr/bin/cryptoengctl /usr/bin/cryptoeng-perf; do
	"$prog" --version | grep -q "0\.1\|[0-9]\.[0-9]" || fail "$prog --version"
done
for page in cryptoengd.8 cryptoengd.ini.5 cryptoengctl.8 cryptoeng-perf.1 libcryptoeng.3 \
	    cryptoeng-ipsec-gw.8; do
	sect=${page##*.}
	man -w "${page%.*}" >/dev/null 2>&1 || man -w "$sect" "${page%.*}" >/dev/null 2>&1 ||
		fail "man ${page%.*}: not installed"
done

# The unit's view: the daemon runs as user cryptoeng, systemd made its
# runtime directory (RuntimeDirectory=), XDG_RUNTIME_DIR=/run/cryptoeng.
unit=/lib/systemd/system/cryptoengd.service
systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 ||
	{ cat "$work/verify.log" >&2; fail "systemd-analyze verify $unit"; }
exposure=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
echo "packaging: systemd-analyze security --offline=yes: exposure $exposure" >&2
awk -v e="$exposure" 'BEGIN { exit !(e <= 4.0) }' || fail "exposure $exposure is above 4.0"

install -d -o cryptoeng -g cryptoeng -m 0755 /run/cryptoeng
# Without --foreground the start returns once the socket listens.
setpriv --reuid=cryptoeng --regid=cryptoeng --init-groups env XDG_RUNTIME_DIR=/run/cryptoeng \
	/usr/sbin/cryptoengd 2>"$work/daemon.log" || { cat "$work/daemon.log" >&2; fail "daemon start"; }
pid=$(pgrep -x -u cryptoeng cryptoengd | head -n 1)
[ -n "$pid" ] || { cat "$work/daemon.log" >&2; fail "daemon not running after start"; }
[ -S "$sock" ] || fail "$sock missing although the start returned"

# AES-128-GCM, the GCM spec's test case 3 (key from a file, not argv).
key=$(mktemp "$work/key.XXXXXX")
printf 'feffe9928665731c6d6a8f9467308308' | xxd -r -p >"$key" 2>/dev/null ||
	/usr/bin/python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex('feffe9928665731c6d6a8f9467308308'))" >"$key"
want=42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f59854d5c2af327cd64a62cf35abd2ba6fab4
got=$(/usr/bin/cryptoengctl crypt --alg 'gcm(aes)' --op encrypt --key-file "$key" \
	--iv cafebabefacedbaddecaf888 \
	--in d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255) ||
	{ cat "$work/daemon.log" >&2; fail "cryptoengctl crypt"; }
[ "$got" = "$want" ] || fail "known answer: got $got"
/usr/bin/cryptoengctl stats >/dev/null || fail "cryptoengctl stats"
# The -dev package as a client's author uses it: the installed example,
# built with pkg-config against the installed header and shared library.
ex=/usr/share/doc/libcryptoeng-dev/examples/gcm-encrypt.c
[ -f "$ex" ] || ex="$ex.gz"
if [ -f "$ex" ]; then
	case $ex in *.gz) gzip -dc "$ex" >"$work/example.c" ;; *) cp "$ex" "$work/example.c" ;; esac
	# shellcheck disable=SC2046
	cc -o "$work/example" "$work/example.c" $(pkg-config --cflags --libs libcryptoeng) ||
		fail "the installed example does not build with pkg-config libcryptoeng"
	ldd "$work/example" | grep -q 'libcryptoeng.so.0 => /.*lib/' || fail "example not linked to libcryptoeng.so.0"
	"$work/example" >"$work/example.out" || fail "example: $(cat "$work/example.out")"
else
	fail "libcryptoeng-dev installed no example"
fi
# Telemetry as cryptoengd(8) says to read it.
echo /cryptoeng/info | runuser -u cryptoeng -- env XDG_RUNTIME_DIR=/run/cryptoeng \
	/usr/bin/python3 /usr/bin/dpdk-telemetry.py -f cryptoeng 2>&1 | grep -q '"version"' ||
	fail "dpdk-telemetry.py -f cryptoeng: no /cryptoeng/info"

kill -TERM "$pid"
for _ in $(seq 1 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "daemon did not stop on SIGTERM in 10 s"
pid=""
echo "packaging: ok (exposure $exposure)" >&2
exit 0
