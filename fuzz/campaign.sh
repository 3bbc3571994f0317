#!/bin/bash
# SPDX-License-Identifier: MIT
# A long fuzzing campaign: each target in turn for SECONDS (default 3600)
# with JOBS parallel workers (default: the number of CPUs), on a corpus
# kept between campaigns in fuzz/corpus-work/<target> (seeded from
# fuzz/corpus/<target>), minimised with -merge=1 at the end. Prints the
# executions, the coverage of the minimised corpus and any crash.
#
#   fuzz/campaign.sh build-fuzz 7200 2        # two hours a target, 2 jobs
#   TARGETS="decode zydis" fuzz/campaign.sh build-fuzz
#
# Crashes land in fuzz/corpus-work/artifacts/; a new seed worth keeping is
# copied by hand from fuzz/corpus-work/<target> into fuzz/corpus/<target>.
set -u

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	echo "usage: $0 BUILD_DIR [SECONDS_PER_TARGET [JOBS]]" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=${2:-3600}
jobs=${3:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
work=$here/corpus-work
artifacts=$work/artifacts
mkdir -p "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

crashed=0
for target in ${TARGETS:-decode emulate execute zydis}; do
	exe=$build/fuzz/fuzz-$target
	if [ ! -x "$exe" ]; then
		echo "fuzz-$target: not built, skipped"
		continue
	fi
	corpus=$work/$target
	logs=$work/logs-$target
	mkdir -p "$corpus"
	rm -rf "$logs"
	mkdir -p "$logs"
	cp -n "$here/corpus/$target/"* "$corpus/" 2>/dev/null

	echo "fuzz-$target: $jobs jobs for ${seconds}s, corpus $corpus"
	# -jobs runs each job in its own process, logging to fuzz-N.log in
	# the current directory; all of them share the corpus directory.
	(cd "$logs" && "$exe" -jobs="$jobs" -workers="$jobs" \
		-max_total_time="$seconds" -max_len=32 -timeout=10 \
		-rss_limit_mb=2048 -dict="$here/x86.dict" \
		-print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
		"$corpus" >"$logs/driver.log" 2>&1)

	runs=0
	for log in "$logs"/fuzz-*.log; do
		[ -e "$log" ] || continue
		# libFuzzer draws each job's seed: say it, so that a run can be
		# repeated (-seed=N)
		sed -n "s/^INFO: Seed: \([0-9]*\).*/fuzz-$target: $(basename "$log" .log) seed \1/p" "$log" | head -1
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		runs=$((runs + ${n:-0}))
		if grep -q 'Test unit written to' "$log"; then
			crashed=$((crashed + 1))
			echo "fuzz-$target: CRASH in $log:"
			grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant broken|mode [0-9]+, bytes|.*Test unit written)' "$log"
		fi
	done

	minimised=$work/$target.merged
	rm -rf "$minimised"
	mkdir -p "$minimised"
	"$exe" -merge=1 -max_len=32 -timeout=10 "$minimised" "$corpus" \
		>"$logs/merge.log" 2>&1
	if [ -n "$(ls -A "$minimised")" ]; then
		rm -rf "$corpus"
		mv "$minimised" "$corpus"
	else
		rm -rf "$minimised"
	fi
	inited=$("$exe" -runs=0 -max_len=32 "$corpus" 2>&1 | grep INITED | tail -1)
	cov=$(echo "$inited" | grep -o 'cov: [0-9]*')
	features=$(echo "$inited" | grep -o 'ft: [0-9]*')
	files=$(ls "$corpus" | wc -l)
	echo "fuzz-$target: $runs executions; minimised corpus $files files, ${cov:-cov: ?}, ${features:-ft: ?}"
done

if [ $crashed -ne 0 ]; then
	echo "$crashed crashing job(s); inputs in $artifacts"
	exit 1
fi
