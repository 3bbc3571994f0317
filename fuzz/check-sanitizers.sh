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
#   VALGRIND_SKIP_TESTS  tests left out of the Valgrind run, too slow
#                        there (default: zydis-diff zydis-diff-selftest
#                        silicon-lengths).
#                        Scripts and the trap runtime's tests are
#                        always left out.
#   SKIP_ASAN=1, SKIP_VALGRIND=1   leave out one of the two runs
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-$src}
asan=$base/build-asan
memcheck=$base/build-valgrind
failed=0
# zydis-diff and its self-test: minutes under Valgrind (the self-test
# judges every input as three vendors); the ASan run has both, and they are
# test code: the library's own code runs here through the unit tests.
# silicon-lengths executes instructions Valgrind cannot run faithfully (it
# would skip itself anyway).
valgrind_skip_default="zydis-diff zydis-diff-selftest silicon-lengths"

# Configure (or reconfigure) and build; the output only when that fails.
configure() {
	local dir=$1 log
	shift
	mkdir -p "$dir"
	log=$dir/check-sanitizers-setup.log
	if [ -f "$dir/build.ninja" ]; then
		set -- --reconfigure "$@"
	fi
	if ! meson setup "$@" "$dir" "$src" >"$log" 2>&1 ||
		! ninja -C "$dir" -j2 >>"$log" 2>&1; then
		tail -n 40 "$log"
		return 1
	fi
}

if [ "${SKIP_ASAN:-0}" != 1 ]; then
	echo "== ASan + UBSan (clang)"
	CC=clang configure "$asan" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fno-sanitize-recover=all \
		-Dfuzzing=false -Dbench=false
	# handle_segv=0: the trap runtime passes a SIGSEGV it does not own
	# to the handler before it, which must be the default one for the
	# tests that expect death by SIGSEGV (ASan's would abort instead).
	if ! ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1:handle_segv=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$asan" --num-processes 2 --print-errorlogs; then
		failed=1
	fi
fi

if [ "${SKIP_VALGRIND:-0}" != 1 ]; then
	echo "== Valgrind memcheck (gcc)"
	CC=gcc configure "$memcheck" -Dfuzzing=false -Dbench=false
	# Only the test programs built here (Valgrind on a shell running a
	# script would check the shell), not those of the trap runtime (its
	# tests in tests/trap/ and its demo in examples/ need the CPU's own
	# signal frames, which Valgrind does not give) nor those named in
	# VALGRIND_SKIP_TESTS.
	mapfile -t tests < <(meson introspect --tests "$memcheck" | python3 -c '
import json, os, sys
build, skip = os.path.realpath(sys.argv[1]), sys.argv[2].split()
for test in json.load(sys.stdin):
    program = os.path.relpath(os.path.realpath(test["cmd"][0]), build)
    if program.startswith((os.pardir, "trap" + os.sep, "examples" + os.sep,
                           os.path.join("tests", "trap") + os.sep)):
        continue
    if test["name"] not in skip:
        print(test["name"])
' "$memcheck" "${VALGRIND_SKIP_TESTS-$valgrind_skip_default}")
	echo "under Valgrind: ${tests[*]}"
	if ! meson test -C "$memcheck" --num-processes 2 --print-errorlogs \
		--timeout-multiplier 10 \
		--wrap='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect -q' \
		"${tests[@]}"; then
		failed=1
	fi
fi

exit $failed
