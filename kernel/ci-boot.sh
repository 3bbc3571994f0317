#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The library in a Linux kernel, as CI proves it:
#
#   1. builds mmiodec.ko and mmiodec_selftest.ko (kernel/Kbuild) against
#      Debian's linux-headers-amd64 at W=1 with sparse (C=2), failing on any
#      warning of the compiler, sparse, objtool or modpost; and runs the
#      kernel's scripts/kernel-doc on include/mmiodec.h;
#   2. compiles the same sources with clang under that build's flags and
#      include paths (those clang lacks dropped; clang's kernel flags added),
#      failing on any warning;
#   3. boots Debian's kernel of the same version (the vmlinuz of its
#      linux-image package, unpacked from the .deb, not installed) under
#      qemu-system-x86_64 with TCG and a busybox initramfs that loads both
#      modules, and checks the log for the self-test's PASS line and for no
#      warning, oops or failed load.
#
#     kernel/ci-boot.sh [--build-only]
#
# Needs: linux-headers-amd64, qemu-system-x86, busybox-static, cpio, sparse,
# clang, and apt-get access to Debian's archive for the linux-image package
# (kept in $MMIODEC_KERNEL_CACHE, default ~/.cache/mmiodec-kernel). The
# kernel is whatever version linux-headers-amd64 depends on.
#
# Exits 0 when everything passed, 1 when something failed, 77 (skipped)
# when linux-headers-amd64 is not installed, unless MMIODEC_REQUIRE_KERNEL=1
# (set by .ci/run), which makes that a failure too.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build_only=false
if [ "${1:-}" = --build-only ]; then
	build_only=true
elif [ $# -ne 0 ]; then
	echo "usage: $0 [--build-only]" >&2
	exit 2
fi

say() { printf '  %s\n' "$*"; }
die() {
	echo "kernel: FAIL: $*" >&2
	exit 1
}

# --- which kernel -------------------------------------------------------------
# linux-headers-amd64 depends on linux-headers-<abi>-amd64 (= <version>).
depends=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null || true)
kver=$(echo "$depends" | sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p')
if [ -z "$kver" ]; then
	if [ "${MMIODEC_REQUIRE_KERNEL:-0}" = 1 ]; then
		die "linux-headers-amd64 is not installed"
	fi
	echo "kernel: SKIPPED: linux-headers-amd64 is not installed" \
	     "(apt-get install linux-headers-amd64 qemu-system-x86 busybox-static cpio sparse)"
	exit 77
fi
kdir=/usr/src/linux-headers-$kver
pkgver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver")
[ -d "$kdir" ] || die "no $kdir"
for tool in make gcc clang sparse cpio qemu-system-x86_64; do
	command -v "$tool" >/dev/null || die "$tool not found"
done
busybox=/bin/busybox
[ -x "$busybox" ] || die "no $busybox (busybox-static)"
if readelf -l "$busybox" | grep -q INTERP; then
	die "$busybox is dynamically linked: the initramfs needs busybox-static"
fi
say "kernel $kver (linux-headers $pkgver), $(gcc --version | head -n 1)"

work=$(mktemp -d /tmp/mmiodec-kernel.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# --- 1. the modules, with gcc, W=1 and sparse ----------------------------------
# Laid out as a driver carries the library: its tree as mmiodec/.
stage=$work/mod
mkdir -p "$stage/mmiodec/kernel" "$stage/mmiodec/tests/unit"
cp -r "$root/include" "$root/src" "$stage/mmiodec/"
cp "$root/kernel/mmiodec.mk" "$stage/mmiodec/kernel/"
cp -r "$root/tests/vectors" "$stage/mmiodec/tests/"
cp "$root/tests/unit/decode_text.c" "$root/tests/unit/decode_text.h" \
	"$stage/mmiodec/tests/unit/"
cp "$root/kernel/Kbuild" "$root/kernel/export.c" "$root/kernel/selftest.c" "$stage/"

echo "kernel: make -C $kdir M=... W=1 C=2 modules"
if ! make -C "$kdir" M="$stage" W=1 C=2 modules >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	die "the module build failed"
fi
# Anything but the progress lines and make's own is a finding (compiler and
# sparse warnings, objtool, modpost), except BTF being skipped for want of
# the kernel's vmlinux.
findings=$(grep -v -E '^  (CC|LD|CHECK|MODPOST|BTF) |^make(\[[0-9]+\])?: (Entering|Leaving) directory|^Skipping BTF generation for .* due to unavailability of vmlinux$' \
	"$work/build.log" || true)
if [ -n "$findings" ]; then
	echo "$findings" >&2
	die "the module build is not silent (above)"
fi
for module in mmiodec mmiodec_selftest; do
	[ -f "$stage/$module.ko" ] || die "no $module.ko"
done
say "gcc W=1, sparse, objtool, modpost: no warning ($(grep -c '^  CC \[M\]' "$work/build.log") objects)"
say "mmiodec.ko exports: $(awk '{ printf "%s%s", sep, $2; sep = " " }' "$stage/Module.symvers")" \
    "($(awk '{ print $4 }' "$stage/Module.symvers" | sort -u | tr '\n' ' ' | sed 's/ $//'))"

# The public header's kernel-doc comments.
kernel_doc=$(ls "$kdir"/scripts/kernel-doc /usr/src/linux-headers-*-common/scripts/kernel-doc 2>/dev/null | head -n 1)
[ -n "$kernel_doc" ] || die "no scripts/kernel-doc in the headers package"
if ! perl "$kernel_doc" -none "$root/include/mmiodec.h" >"$work/kernel-doc.log" 2>&1 ||
   [ -s "$work/kernel-doc.log" ]; then
	cat "$work/kernel-doc.log" >&2
	die "scripts/kernel-doc -none include/mmiodec.h is not silent"
fi
say "scripts/kernel-doc -none include/mmiodec.h: no warning"

# --- 2. the same sources with clang, under the kernel's flags ---------------
# The compile command of each object, from kbuild's .cmd file, with clang for
# gcc-12: gcc-only options are dropped (each is tried on clang alone),
# clang's own kernel options added (-Wno-gnu and -Wimplicit-fallthrough from
# the top Makefile, -Wno-enum-enum-conversion from W=1).
clang_kernel_flags="-Wno-gnu -Wimplicit-fallthrough -Wno-enum-enum-conversion"
clang_check() {
	local object=$1 cmdfile line
	cmdfile=$(dirname "$object")/.$(basename "$object").cmd
	line=$(sed -n "s|^cmd_$object := *||p" "$cmdfile" | sed 's/ *; *\.\/tools\/objtool.*//')
	[ -n "$line" ] || die "no compile command in $cmdfile"
	eval "set -- $line"
	shift # the compiler
	local args=() drop=() arg
	while [ $# -gt 0 ]; do
		arg=$1
		shift
		case $arg in
		-Wp,*) continue ;;
		-include | -I | -isystem) args+=("$arg" "$1"); shift; continue ;;
		-c) continue ;;
		-o) shift; continue ;;
		-D* | -I* | -U*) args+=("$arg"); continue ;;
		-*) ;;
		*) continue ;; # the source
		esac
		if [ -z "${clang_ok[$arg]:-}" ]; then
			if clang -Werror "$arg" -c -x c /dev/null -o /dev/null 2>/dev/null; then
				clang_ok[$arg]=yes
			else
				clang_ok[$arg]=no
			fi
		fi
		if [ "${clang_ok[$arg]}" = yes ]; then
			args+=("$arg")
		else
			dropped[$arg]=1
		fi
	done
	local source=${object%.o}.c
	(cd "$kdir" && clang "${args[@]}" $clang_kernel_flags \
		-c "$source" -o "$work/clang-$(basename "$object")") \
		>>"$work/clang.log" 2>&1 || echo "FAILED: $source" >>"$work/clang.log"
}
declare -A clang_ok=() dropped=()
: >"$work/clang.log"
objects=$(cd "$stage" && find . -name '*.o' ! -name '*.mod.o' ! -name 'mmiodec.o' \
	! -name 'mmiodec_selftest.o' | sed "s|^\.|$stage|" | sort)
for object in $objects; do
	clang_check "$object"
done
if [ -s "$work/clang.log" ]; then
	cat "$work/clang.log" >&2
	die "clang warns under the kernel's flags (above)"
fi
say "clang under the kernel's flags: no warning ($(clang --version | head -n 1)," \
    "$(echo $objects | wc -w) objects)"
say "  gcc options clang lacks, dropped: $(printf '%s\n' "${!dropped[@]}" | sort | tr '\n' ' ')"
say "  clang's kernel options added: $clang_kernel_flags"

if $build_only; then
	echo "kernel: build checks passed (--build-only: no boot)"
	exit 0
fi

# --- 3. boot it ---------------------------------------------------------------
cache=${MMIODEC_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmiodec-kernel}
mkdir -p "$cache"
vmlinuz=$cache/vmlinuz-$kver-$pkgver
if [ ! -s "$vmlinuz" ]; then
	echo "kernel: apt-get download linux-image-$kver=$pkgver"
	(cd "$work" && apt-get download -q "linux-image-$kver=$pkgver" >"$work/download.log" 2>&1) || {
		cat "$work/download.log" >&2
		die "could not download linux-image-$kver=$pkgver"
	}
	deb=$(ls "$work"/linux-image-"$kver"_*.deb)
	# dpkg-deb -x of the one file needed
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" "./boot/vmlinuz-$kver"
	mv "$work/boot/vmlinuz-$kver" "$vmlinuz.tmp" && mv "$vmlinuz.tmp" "$vmlinuz"
	rm -f "$deb"
fi

initramfs=$work/initramfs
mkdir -p "$initramfs/bin" "$initramfs/proc" "$initramfs/sys" "$initramfs/dev"
cp "$busybox" "$initramfs/bin/busybox"
cp "$stage/mmiodec.ko" "$stage/mmiodec_selftest.ko" "$initramfs/"
cat >"$initramfs/init" <<'EOF'
#!/bin/busybox sh
echo
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
echo "mmiodec-ci: $(/bin/busybox uname -r): insmod mmiodec.ko mmiodec_selftest.ko"
/bin/busybox insmod /mmiodec.ko && /bin/busybox insmod /mmiodec_selftest.ko
echo "mmiodec-ci: insmod exit status $?"
echo "mmiodec-ci: lsmod: $(/bin/busybox cat /proc/modules | /bin/busybox cut -d' ' -f1 | /bin/busybox tr '\n' ' ')"
echo "mmiodec-ci: dmesg follows"
/bin/busybox dmesg
echo "mmiodec-ci: end of dmesg"
/bin/busybox poweroff -f
EOF
chmod +x "$initramfs/init"
(cd "$initramfs" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"

echo "kernel: qemu-system-x86_64 -accel tcg (timeout 120 s)"
start=$(date +%s)
status=0
timeout 120 qemu-system-x86_64 -accel tcg -m 256 -smp 1 -nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 oops=panic quiet" \
	</dev/null >"$work/boot.log" 2>&1 || status=$?
# without carriage returns and the firmware's terminal escapes
tr -d '\r' <"$work/boot.log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' >"$work/console.log"
say "booted and powered off in $(($(date +%s) - start)) s (qemu exit status $status)"

# The log lines that matter: ours, and anything alarming.
alarm='WARNING:|BUG:|Oops|Call Trace|general protection|Kernel panic|Unknown symbol|disagrees about version|Invalid module format|insmod:'
grep -E "mmiodec|$alarm" "$work/console.log" | sed 's/^/    /' || true

failed=false
grep -q 'mmiodec selftest: PASS$' "$work/console.log" || failed=true
grep -q 'mmiodec-ci: insmod exit status 0$' "$work/console.log" || failed=true
grep -q 'mmiodec-ci: end of dmesg' "$work/console.log" || failed=true
if grep -q -E "$alarm" "$work/console.log"; then
	failed=true
fi
if $failed; then
	echo "--- the whole console log:" >&2
	cat "$work/console.log" >&2
	die "the self-test did not pass in the booted kernel"
fi
echo "kernel: PASS: the self-test passed in Linux $kver under QEMU"
