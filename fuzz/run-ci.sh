#!/bin/bash
# SPDX-License-Identifier: MIT
# Run every fuzz target built in BUILD_DIR for SECONDS each (default 60), on
# a scratch copy of its seed corpus; fail if any of them crashes.
#
#   CC=clang meson setup build-fuzz -Dfuzzing=true \
#     -Db_sanitize=address,undefined -Db_lundef=false
#   ninja -C build-fuzz
#   fuzz/run-ci.sh build-fuzz 60
#
# A crash's input is kept in BUILD_DIR/fuzz-artifacts/ and printed in hex;
# replay it with: BUILD_DIR/fuzz/fuzz-TARGET FILE
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [SECONDS]" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=${2:-60}
# A fixed seed, so that CI starts every run the same way (how far it gets
# in the time given still depends on the machine); FUZZ_SEED=N picks
# another, and fuzz/campaign.sh is the place for random ones.
seed=${FUZZ_SEED:-20261201}
echo "fuzz: seed $seed (FUZZ_SEED=$seed replays it)"
here=$(cd "$(dirname "$0")" && pwd)
artifacts=$build/fuzz-artifacts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

ok=0
failed=0
for target in decode emulate execute zydis; do
	exe=$build/fuzz/fuzz-$target
	if [ ! -x "$exe" ]; then
		# fuzz-zydis is built only where Zydis is found
		if [ "$target" = zydis ]; then
			echo "fuzz-$target: not built (no Zydis), skipped"
			continue
		fi
		echo "fuzz-$target: missing: $exe"
		failed=$((failed + 1))
		continue
	fi
	corpus=$work/$target
	mkdir -p "$corpus"
	cp "$here/corpus/$target/"* "$corpus/"
	log=$work/$target.log
	"$exe" -seed="$seed" -max_len=32 -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -dict="$here/x86.dict" \
		-print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
		"$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "fuzz-$target: ok, ${runs:-?} runs in ${seconds}s, ${cov:-cov: ?}"
		ok=$((ok + 1))
	else
		echo "fuzz-$target: FAILED (exit $rc); the end of its log:"
		tail -n 80 "$log"
		for crash in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log"); do
			echo "reproducer $crash: $(od -An -tx1 -v "$crash" | tr -d ' \n')"
		done
		failed=$((failed + 1))
	fi
done

echo "fuzz targets: $ok ok, $failed failed"
[ $failed -eq 0 ]
