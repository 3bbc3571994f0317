#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A second corpus for mmiodec-bench: the modules of Debian's kernel, the
# code an MMIO decoder in a kernel actually meets.
#
#     bench/kernel-corpus.sh DIR [PACKAGE]
#     BUILD/bench/mmiodec-bench --dir "$(bench/kernel-corpus.sh DIR)"
#     bench/callgrind.sh BUILD --dir "$(bench/kernel-corpus.sh DIR)"
#     bench/report.sh BUILD --dir "$(bench/kernel-corpus.sh DIR)"
#
# Downloads Debian's kernel image package with apt-get download (no
# installation; needs apt's package lists: apt-get update), unpacks it with
# dpkg-deb -x into DIR, decompresses the modules if the package ships them
# compressed (.ko.xz, .ko.zst, .ko.gz: Debian 12's 6.1 kernels ship plain
# .ko files, later ones .ko.xz) and prints the directory of the modules,
# the one line on stdout. Progress goes to stderr. A second run with the
# same DIR and package reuses what is there.
#
# PACKAGE defaults to the linux-image-<version>-amd64 that the metapackage
# linux-image-amd64 depends on (apt-cache depends). The modules are
# relocatable objects (ET_REL): their code is read as is, with the
# relocated fields (call targets, RIP-relative displacements) still zero;
# both decoders see the same bytes.
#
# Not run in CI (the download is about 70 MB); it is an opt-in for figures.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
	echo "usage: $0 DIR [linux-image-PACKAGE]  (prints the modules' directory)" >&2
	exit 2
fi
dir=$1
package=${2:-}
for tool in apt-get apt-cache dpkg-deb; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found (a Debian system is needed)" >&2
		exit 1
	fi
done

if [ -z "$package" ]; then
	# "  Depends: linux-image-6.1.0-NN-amd64" (possibly "|Depends:")
	package=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: *\(linux-image-[^ ]*\).*/\1/p' | head -n 1)
	if [ -z "$package" ]; then
		echo "$0: apt-cache depends linux-image-amd64 names no linux-image package" \
		     "(apt-get update?)" >&2
		exit 1
	fi
fi
case $package in
linux-image-*) ;;
*)
	echo "$0: $package is not a linux-image package" >&2
	exit 2
	;;
esac

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
root=$dir/$package
done_mark=$root/.unpacked

if [ ! -f "$done_mark" ]; then
	echo "kernel-corpus: apt-get download $package" >&2
	rm -rf "$root" "$dir"/download
	mkdir -p "$dir/download"
	# As root apt-get warns that the download is unsandboxed: harmless.
	if ! (cd "$dir/download" && apt-get download -q "$package") >"$dir/download.log" 2>&1; then
		cat "$dir/download.log" >&2
		echo "$0: apt-get download $package failed" >&2
		exit 1
	fi
	deb=$(ls "$dir"/download/"$package"_*.deb)
	echo "kernel-corpus: dpkg-deb -x $(basename "$deb") $root" >&2
	mkdir -p "$root"
	dpkg-deb -x "$deb" "$root"

	# Compressed modules, as later Debian kernels ship them.
	decompress() { # suffix tool...
		suffix=$1
		shift
		count=$(find "$root" -name "*.ko.$suffix" | wc -l)
		[ "$count" -gt 0 ] || return 0
		if ! command -v "$1" >/dev/null 2>&1; then
			echo "$0: $count modules end in .ko.$suffix; $1 is needed" >&2
			exit 1
		fi
		echo "kernel-corpus: decompressing $count .ko.$suffix modules" >&2
		find "$root" -name "*.ko.$suffix" -exec "$@" {} +
	}
	decompress xz xz -d -q
	decompress zst zstd -d -q --rm
	decompress gz gzip -d -q
	rm -rf "$dir/download" "$dir/download.log"
	: >"$done_mark"
fi

# lib/modules/<version>/kernel, or usr/lib/... in a merged-/usr package
modules=
for candidate in "$root"/lib/modules/*/kernel "$root"/usr/lib/modules/*/kernel; do
	if [ -d "$candidate" ]; then
		modules=$candidate
		break
	fi
done
if [ -z "$modules" ]; then
	echo "$0: no lib/modules/*/kernel in $package" >&2
	exit 1
fi
count=$(find "$modules" -name '*.ko' | wc -l)
bytes=$(du -sk "$modules" | awk '{ print $1 }')
echo "kernel-corpus: $count modules, $((bytes / 1024)) MiB, in $modules" >&2
echo "$modules"
