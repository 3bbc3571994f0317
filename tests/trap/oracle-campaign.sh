#!/bin/bash
# SPDX-License-Identifier: MIT
# A campaign of the CPU oracle with random seeds (the suite's cpu-oracle
# test uses one fixed seed).
#
#   tests/trap/oracle-campaign.sh BUILD_DIR [RUNS] [COUNT]
#
# Runs BUILD_DIR/tests/trap/mmiotrap-oracle RUNS times (default 20), each with a
# fresh random seed and COUNT random cases after the sweeps (default 20000),
# printing the seed before each run. Exits 0 when every run passed; else 1
# after listing the failing seeds with the command that replays each
# (mmiotrap-oracle --seed S --count COUNT; its report names the failing
# cases, and --case ID replays one). 2 for bad arguments.
set -u

usage() {
	echo "usage: $0 BUILD_DIR [RUNS] [COUNT]" >&2
	exit 2
}

[ $# -ge 1 ] && [ $# -le 3 ] || usage
oracle=$1/tests/trap/mmiotrap-oracle
runs=${2:-20}
count=${3:-20000}
case $runs in '' | *[!0-9]*) usage ;; esac
case $count in '' | *[!0-9]*) usage ;; esac
if [ ! -x "$oracle" ]; then
	echo "$0: no $oracle (build BUILD_DIR first)" >&2
	exit 2
fi

# A 63-bit seed from the kernel's random numbers.
random_seed() {
	local seed
	seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
	echo $((seed & 0x7fffffffffffffff))
}

failed=()
for ((run = 1; run <= runs; run++)); do
	seed=$(random_seed)
	echo "=== oracle campaign: run $run/$runs: seed $seed"
	"$oracle" --seed "$seed" --count "$count"
	status=$?
	if [ "$status" -ne 0 ]; then
		echo "=== oracle campaign: run $run/$runs: seed $seed FAILED (exit $status)"
		failed+=("$seed:$status")
	fi
done

echo "=== oracle campaign: $runs runs of $count random cases, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	echo "=== failing seeds:"
	for entry in "${failed[@]}"; do
		echo "  ${entry%%:*} (exit ${entry##*:}): $oracle --seed ${entry%%:*} --count $count"
	done
	exit 1
fi
exit 0
