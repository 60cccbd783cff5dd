#!/bin/sh
# CI check: build the libFuzzer harnesses (tests/fuzz) with clang-14, ASan
# and UBSan, then run each for a fixed budget from its committed seed corpus.
# Any crash, sanitizer report, leak, timeout or failed invariant fails it.
#
# Budget: FUZZ_SECONDS per harness (30), six harnesses (five without the
# gateway), one at a time: 180 s of fuzzing plus the build. FUZZ_RUNS=N instead runs each harness
# for N executions (FUZZ_SECONDS still caps it): the long runs in the notes.
# FUZZ_ONLY="desc msg" runs a subset. Exit 77 (skip) without clang-14 or
# libFuzzer.
set -u
cd "$(dirname "$0")/../.."

build=${FUZZ_BUILD:-build-fuzz}
secs=${FUZZ_SECONDS:-30}
runs=${FUZZ_RUNS:--1}
default="desc msg config ctl batch"
[ -f gateway/gw_esp.c ] && default="$default esp"
only=${FUZZ_ONLY:-$default}

if ! command -v clang-14 >/dev/null 2>&1 ||
   ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "fuzz: clang-14 or libfuzzer-14-dev missing: skipped" >&2
	exit 77
fi
if [ ! -d "$build/meson-private" ]; then
	CC=clang-14 meson setup "$build" -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
targets=""
for h in $only; do
	targets="$targets tests/fuzz/fuzz_$h"
done
# shellcheck disable=SC2086
ninja -C "$build" $targets >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }

work=$(mktemp -d /tmp/ce-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
for h in $only; do
	# The harnesses that start EAL in process: DPDK keeps allocations to exit.
	case $h in
	ctl|batch) leaks=0 ;;
	*) leaks=1 ;;
	esac
	case $h in
	msg) maxlen=20000 ;;
	*) maxlen=4096 ;;
	esac
	mkdir -p "$work/$h" "$work/$h-art"
	log="$work/$h.log"
	# New inputs go to the scratch corpus; the committed seeds stay as they are.
	ASAN_OPTIONS=detect_leaks=$leaks:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$build/tests/fuzz/fuzz_$h" -max_total_time="$secs" -runs="$runs" -timeout=30 \
		-rss_limit_mb=4096 -max_len="$maxlen" -close_fd_mask=2 -print_final_stats=1 \
		-artifact_prefix="$work/$h-art/" "$work/$h" tests/fuzz/corpus/"$h" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	secs_run=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	crashes=$(ls "$work/$h-art" | wc -l)
	echo "fuzz_$h: ${execs:-?} executions in ${secs_run:-?} s, exit $rc, $crashes crash file(s)" >&2
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		grep -E "invariant failed|ERROR|SUMMARY|runtime error" "$log" | head -20 >&2
		for f in "$work/$h-art"/*; do
			[ -f "$f" ] && { echo "  $(basename "$f"):" >&2; od -c "$f" | head -8 >&2; }
		done
		fail=1
	fi
done
[ "$fail" -eq 0 ]
