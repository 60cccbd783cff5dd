#!/bin/sh
# Build with -Dstatic=true and check that the static cryptoengd, cryptoengctl
# and cryptoeng-perf run: NIST GCM test case 4 through the daemon (once on the
# software backend, once on the cryptodev backend over the statically linked
# crypto_aesni_mb driver) and a short perf run. Prints "static: ok" or fails.
#   scripts/static-smoke.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-static}

if [ -d "$build/meson-private" ]; then
	meson setup --reconfigure "$build" -Dstatic=true -Dwerror=true >/dev/null
else
	meson setup "$build" -Dstatic=true -Dwerror=true >/dev/null
fi
ninja -C "$build" >/dev/null

for lib in librte_eal libIPSec_MB libsodium libjansson; do
	if ldd "$build/daemon/cryptoengd" | grep -q "$lib"; then
		echo "static: cryptoengd still links $lib dynamically" >&2
		exit 1
	fi
done

. scripts/lib/daemon.sh
dir=$(mktemp -d /tmp/cryptoeng-static.XXXXXX)
{ daemon_eal_config "ce-static-$$"; cat <<INI; } >"$dir/smoke.ini"
[pmd.dev0]
driver = cryptodev
args = dev=crypto_aesni_mb,small_to_sw=0
[pmd.ipsecmb0]
driver = ipsecmb
INI
trap '[ -n "$daemon_pid" ] && daemon_stop 2>/dev/null; rm -rf "$dir"' EXIT
daemon_start "$dir/s.sock" "$build/daemon/cryptoengd" --config "$dir/smoke.ini" \
	--socket "$dir/s.sock" --foreground >"$dir/log" 2>&1 || { cat "$dir/log" >&2; exit 1; }

want=42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47
for driver in gcm-aes-ipsecmb gcm-aes-cryptodev; do
	got=$("$build/daemon/cryptoengctl" --socket "$dir/s.sock" crypt --alg 'gcm(aes)' \
		--driver $driver --op encrypt --key feffe9928665731c6d6a8f9467308308 \
		--iv cafebabefacedbaddecaf888 --aad feedfacedeadbeeffeedfacedeadbeefabaddad2 \
		--in d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39)
	if [ "$got" != "$want" ]; then
		echo "static: $driver gave $got" >&2
		exit 1
	fi
done
"$build/bench/cryptoeng-perf" --socket "$dir/s.sock" --verify-all -- --silent \
	--ptest throughput --devtype sw --optype aead --aead-algo aes-gcm --aead-key-sz 16 \
	--aead-iv-sz 12 --aead-op encrypt --digest-sz 16 --buffer-sz 64 --total-ops 20000 >/dev/null
echo "static: ok"
