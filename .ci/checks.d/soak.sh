#!/bin/sh
# CI check: 60 s of the fault soak (scripts/soak.sh) against the plain
# build: a real daemon with fault injection on both its devices, clients
# SIGKILLed every second, and two ledger clients that account for every
# request. Fails on any lost, duplicated or wrong completion, a daemon
# crash, an fd left behind or RSS growth past the slack. SOAK_SECONDS
# overrides the duration.
set -u
cd "$(dirname "$0")/../.."
build=${CI_BUILD:-build}
if [ ! -x "$build/tests/soak/soak-client" ]; then
	ninja -C "$build" tests/soak/soak-client daemon/cryptoengd >/dev/null ||
		{ echo "soak: build failed" >&2; exit 1; }
fi
exec scripts/soak.sh "${SOAK_SECONDS:-60}" "$build"
