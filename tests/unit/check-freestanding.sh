# SPDX-License-Identifier: MIT
#
# The library must build for a kernel: compile each src/*.c freestanding with
# gcc and clang (when present), and check that the objects, linked together,
# need nothing but memcpy/memset/memmove/memcmp, that they hold no writable
# data, that they define no global symbol but the API's functions (those
# declared in include/mmiodec.h: two copies of the library can then be
# linked into one program or kernel), and that the sources (src/ and
# include/mmiodec.h) include nothing beyond <stdint.h>, <stddef.h>,
# <stdbool.h> and the project's own headers; or, inside #ifdef __KERNEL__,
# the kernel's <linux/types.h> and <linux/stddef.h> in their place.
# (kernel/ci-boot.sh builds the same sources in a real kernel build.)
#
# usage: sh check-freestanding.sh SOURCE_ROOT

set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 SOURCE_ROOT" >&2
	exit 2
fi
root=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# --- includes ---------------------------------------------------------------
# An angle include must be one of the three freestanding headers; a quoted
# include must name a file of the project (next to the includer or in
# include/).
for file in $(find "$root/src" -type f \( -name '*.c' -o -name '*.h' -o \
		-name '*.inc' \) | sort) "$root/include/mmiodec.h"; do
	dir=$(dirname "$file")
	# "kernel TARGET" for an include inside #ifdef __KERNEL__, else
	# "hosted TARGET"
	awk '
		/^[ \t]*#[ \t]*if/ {
			depth++
			kernel[depth] = $0 ~ /^[ \t]*#[ \t]*ifdef[ \t]+__KERNEL__/
		}
		/^[ \t]*#[ \t]*(else|elif)/ { kernel[depth] = 0 }
		/^[ \t]*#[ \t]*endif/ { depth-- }
		/^[ \t]*#[ \t]*include/ {
			where = "hosted"
			for (i = 1; i <= depth; i++)
				if (kernel[i]) where = "kernel"
			sub(/^[ \t]*#[ \t]*include[ \t]*/, "")
			print where, $0
		}' "$file" |
	while read -r where target rest; do
		case $where:$target in
		"hosted:<stdint.h>" | "hosted:<stddef.h>" | "hosted:<stdbool.h>")
			;;
		"kernel:<linux/types.h>" | "kernel:<linux/stddef.h>")
			;;
		*:\"*\")
			name=${target#\"}
			name=${name%\"}
			if [ ! -f "$dir/$name" ] && [ ! -f "$root/include/$name" ]; then
				echo "$file: #include $target is not a project header"
			fi
			;;
		*)
			echo "$file: #include $target"
			;;
		esac
	done >>"$work/includes"
done
if [ -s "$work/includes" ]; then
	fail "includes outside <stdint.h>, <stddef.h>, <stdbool.h> (kernel:" \
		"<linux/types.h>, <linux/stddef.h>) and the project:"
	cat "$work/includes" >&2
fi

# --- freestanding objects ---------------------------------------------------
flags="-std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -fno-builtin
-nostdlib -mno-red-zone -mgeneral-regs-only -fno-pic -mcmodel=kernel"

compilers=gcc
if command -v clang >/dev/null 2>&1; then
	compilers="gcc clang"
else
	echo "note: clang not found, checking with gcc only"
fi

sources=$(ls "$root"/src/*.c)
# The API: every function the public header declares.
sed -n 's/^[^#(]*[ *]\(mmiodec_[a-z0-9_]*\)(.*/\1/p' "$root/include/mmiodec.h" |
	sort -u >"$work/api"
if [ ! -s "$work/api" ]; then
	fail "no function declarations found in include/mmiodec.h"
fi
for cc in $compilers; do
	mkdir -p "$work/$cc"
	for src in $sources; do
		obj="$work/$cc/$(basename "$src" .c).o"
		# shellcheck disable=SC2086 # flags is a word list
		if ! "$cc" $flags -I"$root/include" -c "$src" -o "$obj" \
			2>"$work/log"; then
			fail "$cc could not compile $src:"
			cat "$work/log" >&2
			continue
		fi

		# Writable sections (flag W) must be empty.
		writable=$(readelf -S -W "$obj" | sed -n 's/^ *\[ *[0-9]*\] //p' |
			   awk 'NF >= 10 && $7 ~ /W/ && $7 ~ /A/ &&
				$5 !~ /^0+$/ { print $1 " (0x" $5 " bytes)" }')
		if [ -n "$writable" ]; then
			fail "$cc: $src has writable data:" $writable
		fi
		# Nor may there be symbols in data, bss, common or weak objects.
		data=$(nm "$obj" | awk '$2 ~ /^[bBdDcCgGvV]$/ { print $3 }')
		if [ -n "$data" ]; then
			fail "$cc: $src defines writable objects:" $data
		fi
	done

	# What the library needs from outside, its objects linked together.
	if ld -r -o "$work/$cc/all.o" "$work/$cc"/*.o 2>"$work/log"; then
		undefined=$(nm -u "$work/$cc/all.o" | awk '{ print $NF }' |
			    grep -v -x -E 'memcpy|memset|memmove|memcmp' || true)
		if [ -n "$undefined" ]; then
			fail "$cc: the library needs" $undefined
		fi
		# Global definitions: the API alone.
		extra=$(nm -g --defined-only "$work/$cc/all.o" | awk '{ print $NF }' |
			grep -v -x -F -f "$work/api" || true)
		if [ -n "$extra" ]; then
			fail "$cc: global symbols that are not the API:" $extra
		fi
	else
		fail "$cc: could not link the objects together:"
		cat "$work/log" >&2
	fi
done

if [ "$failures" -ne 0 ]; then
	echo "$failures freestanding check(s) failed" >&2
	exit 1
fi
echo "freestanding: $(echo "$sources" | wc -w) source(s) OK with $compilers"
