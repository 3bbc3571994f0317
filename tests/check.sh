#!/bin/bash
# SPDX-License-Identifier: MIT
# The whole test suite, as CI runs it: gcc and clang builds with their
# tests (unit, CLI, freestanding, Zydis differential, CPU oracle, silicon
# lengths), install and subproject use, the library as kernel modules and
# booted in QEMU, the footprint goals, the suite again under ASan+UBSan and
# under Valgrind, every libFuzzer target for a bounded time, and the
# benchmark's smoke run.
# Usage: tests/check.sh [FUZZ_SECONDS]   (default 45 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${1:-45}
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n=== %s\n' "$*"; }

step "gcc build and tests"
rm -rf build-check-gcc
CC=gcc meson setup build-check-gcc -Dbench=true -Dwerror=true >/dev/null
ninja -C build-check-gcc -j"$jobs"
meson test -C build-check-gcc --print-errorlogs --num-processes "$jobs"

step "clang build and tests"
rm -rf build-check-clang
CC=clang meson setup build-check-clang -Dwerror=true >/dev/null
ninja -C build-check-clang -j"$jobs"
meson test -C build-check-clang --print-errorlogs --num-processes "$jobs"

# meson install with pkg-config, and use as a Meson subproject (see there)
step "install: pkg-config and subproject"
bash tests/install/check-install.sh

# The library in a Linux kernel: both modules at W=1 with sparse, clang
# under the kernel's flags, the self-test in Debian's kernel booted in QEMU
# (see the script). Without linux-headers-amd64 it is skipped (77), unless
# MMIODEC_REQUIRE_KERNEL=1, as .ci/run sets.
step "kernel: modules, clang, self-test in QEMU"
kernel_status=0
bash kernel/ci-boot.sh || kernel_status=$?
if [ "$kernel_status" -eq 77 ]; then
	echo "(kernel stage skipped)"
elif [ "$kernel_status" -ne 0 ]; then
	exit "$kernel_status"
fi

# Stack (deepest call chain <= 256 bytes), no writable data and the
# descriptor's size, with gcc and clang, plain and with kernel flags. The
# code-size goal is reported but not yet met, so not counted.
step "footprint: stack, writable data, descriptor (gcc and clang)"
sh bench/footprint.sh --no-size-goal .

step "ASan+UBSan and Valgrind"
bash fuzz/check-sanitizers.sh

step "libFuzzer targets, ${fuzz_seconds}s each"
rm -rf build-check-fuzz
CC=clang meson setup build-check-fuzz -Dfuzzing=true -Dtests=false -Dtrap=false \
	-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-check-fuzz -j"$jobs"
bash fuzz/run-ci.sh build-check-fuzz "$fuzz_seconds"

step "all checks passed"
