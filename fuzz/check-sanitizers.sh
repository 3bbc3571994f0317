#!/bin/bash
# SPDX-License-Identifier: MIT
# The whole test suite twice more:
#   1. built by clang with ASan and UBSan (any report fails the test),
#   2. built by gcc and run under Valgrind memcheck (any error or leak
#      fails the test).
#
#   fuzz/check-sanitizers.sh [BUILD_BASE]
#
# Builds in BUILD_BASE/build-asan and BUILD_BASE/build-valgrind (default:
# the source tree). Environment:
#   VALGRIND_NO_SUITES  meson test suites left out of the Valgrind run, for
#                       tests that are too slow there (default "slow")
#   SKIP_ASAN=1, SKIP_VALGRIND=1   leave out one of the two runs
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-$src}
asan=$base/build-asan
memcheck=$base/build-valgrind
failed=0

configure() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$src" "$@" >/dev/null
	else
		meson setup "$dir" "$src" "$@" >/dev/null
	fi
	ninja -C "$dir" -j2 >/dev/null
}

if [ "${SKIP_ASAN:-0}" != 1 ]; then
	echo "== ASan + UBSan (clang)"
	CC=clang configure "$asan" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fno-sanitize-recover=all \
		-Dfuzzing=false -Dbench=false
	if ! ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$asan" --num-processes 2 --print-errorlogs; then
		failed=1
	fi
fi

if [ "${SKIP_VALGRIND:-0}" != 1 ]; then
	echo "== Valgrind memcheck (gcc)"
	CC=gcc configure "$memcheck" -Dfuzzing=false -Dbench=false
	no_suites=()
	for suite in ${VALGRIND_NO_SUITES-slow}; do
		no_suites+=(--no-suite "$suite")
	done
	if ! meson test -C "$memcheck" --num-processes 2 --print-errorlogs \
		--timeout-multiplier 10 "${no_suites[@]}" \
		--wrap='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect -q'; then
		failed=1
	fi
fi

exit $failed
