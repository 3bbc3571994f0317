#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The library's footprint, as a kernel would link it:
#
#     bench/footprint.sh [SRC_DIR]      (SRC_DIR: the project root; default:
#                                        this script's parent directory)
#
# Compiles SRC_DIR/src/*.c with gcc -O2 -ffreestanding twice, as a plain
# freestanding build and with the x86-64 kernel's code-model flags, and
# reports per build: code and constant data (size -A), writable data, the
# largest stack frame (-fstack-usage) and the deepest call chain inside the
# library (-fcallgraph-info=su); then sizeof(struct mmiodec_insn).
#
# Goals: code + data <= 16 KiB, no writable data, <= 256 bytes of stack,
# descriptor <= 64 bytes. Exits 0 when all are met, 3 when one is missed,
# 1 when something does not compile.
set -eu

root=${1:-$(dirname "$0")/..}
if [ ! -d "$root/src" ] || [ ! -f "$root/include/mmiodec.h" ]; then
	echo "usage: $0 [SRC_DIR]  (SRC_DIR holds src/ and include/mmiodec.h)" >&2
	exit 2
fi
root=$(cd "$root" && pwd)
CC=${CC:-gcc}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

common="-O2 -std=c11 -Wall -Wextra -ffreestanding -fno-builtin -I$root/include"
kernel="-mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-pic -fno-pie"

missed=0

# One build: compile every src/*.c into $work/$1 and report.
report_build() {
	name=$1
	shift
	dir=$work/$name
	mkdir -p "$dir"
	for source in "$root"/src/*.c; do
		object=$dir/$(basename "$source" .c).o
		# -fstack-usage and -fcallgraph-info write next to the object.
		if ! (cd "$dir" && $CC $common "$@" -fstack-usage -fcallgraph-info=su \
			-c "$source" -o "$object"); then
			echo "$0: $source does not compile with $CC $common $*" >&2
			exit 1
		fi
	done

	echo "== $name: $CC $common $* -fstack-usage"
	# size -A per object; classify sections by name. .data.rel.ro holds
	# constant tables of pointers that position-independent code relocates:
	# read-only once loaded, so counted with the code, not as writable.
	for object in "$dir"/*.o; do size -A "$object"; done | awk '
		$1 ~ /^\.text/ { text += $2 }
		$1 ~ /^\.rodata/ { rodata += $2 }
		$1 ~ /^\.data\.rel\.ro/ { relro += $2; next }
		$1 ~ /^\.(data|bss|tdata|tbss)/ { writable += $2 }
		$1 ~ /^\.eh_frame/ { unwind += $2 }
		END {
			total = text + rodata + relro + writable
			printf "  text %d, rodata %d, data.rel.ro %d, writable %d: total %d bytes (%.1f KiB)\n",
				text, rodata, relro, writable, total, total / 1024
			printf "  (.eh_frame %d bytes not counted: unwind tables, dropped by\n", unwind
			printf "   -fno-asynchronous-unwind-tables as the kernel builds)\n"
			printf "  goal code+data <= 16384: %s\n", total <= 16384 ? "met" : "MISSED"
			printf "  goal writable == 0: %s\n", writable == 0 ? "met" : "MISSED"
			if (total > 16384 || writable != 0) exit 3
		}' || missed=1

	# file:line:col:function<TAB>bytes<TAB>qualifiers
	cat "$dir"/*.su | awk -F'\t' '
		{
			n = split($1, where, ":")
			if ($2 + 0 > max) { max = $2 + 0; fn = where[n]; kind = $3 }
			if ($3 !~ /static/) dynamic = dynamic " " where[n] "(" $3 ")"
		}
		END {
			printf "  largest stack frame: %d bytes (%s, %s)\n", max, fn, kind
			if (dynamic != "") printf "  frames not static:%s\n", dynamic
		}'

	# The deepest chain of frames through the call graph of all objects.
	# A function called but not defined here (memcpy, say) counts 0 bytes
	# and is named; recursion makes the depth unbounded.
	cat "$dir"/*.ci | awk '
		function field(line, key,    rest) {
			rest = substr(line, index(line, key ": \"") + length(key) + 3)
			return substr(rest, 1, index(rest, "\"") - 1)
		}
		function deepest(node,    i, below, best) {
			if (state[node] == 1) { recursive = recursive " " node; return 0 }
			if (state[node] == 2) return depth[node]
			state[node] = 1
			best = 0
			for (i = 1; i <= calls[node]; i++) {
				below = deepest(callee[node, i])
				if (below > best) { best = below; next_in_chain[node] = callee[node, i] }
			}
			state[node] = 2
			depth[node] = frame[node] + best
			return depth[node]
		}
		/^node:/ {
			title = field($0, "title")
			label = field($0, "label")
			defined[title] = 1
			if (match(label, /[0-9]+ bytes/))
				frame[title] = substr(label, RSTART, RLENGTH - 6) + 0
			else
				external[title] = 1
		}
		/^edge:/ {
			from = field($0, "sourcename")
			to = field($0, "targetname")
			calls[from]++
			callee[from, calls[from]] = to
			defined[to] = defined[to]
		}
		END {
			for (node in defined) {
				if (deepest(node) > max) { max = depth[node]; top = node }
			}
			chain = ""
			for (node = top; node != ""; node = next_in_chain[node])
				chain = chain (chain == "" ? "" : " -> ") node "(" frame[node] + 0 ")"
			printf "  deepest call chain: %d bytes: %s\n", max, chain
			for (node in external)
				if (frame[node] == "") names = names " " node
			if (names != "") printf "  called, not in the library (counted 0):%s\n", names
			if (recursive != "") printf "  RECURSION through:%s (stack unbounded)\n", recursive
			printf "  goal stack <= 256: %s\n", (max <= 256 && recursive == "") ? "met" : "MISSED"
			if (max > 256 || recursive != "") exit 3
		}' || missed=1
}

report_build freestanding
report_build kernel $kernel

cat >"$work/sizes.c" <<'EOF'
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include "mmiodec.h"

int main(void)
{
	printf("%zu %zu %zu\n", sizeof(struct mmiodec_insn), sizeof(struct mmiodec_mem),
	       sizeof(struct mmiodec_regs));
	return 0;
}
EOF
$CC -std=c11 -Wall -Wextra -I"$root/include" -o "$work/sizes" "$work/sizes.c"
"$work/sizes" | awk '{
	printf "== descriptor: sizeof(struct mmiodec_insn) %d bytes (struct mmiodec_mem %d,", $1, $2
	printf " struct mmiodec_regs %d)\n", $3
	printf "  goal descriptor <= 64: %s\n", $1 <= 64 ? "met" : "MISSED"
	if ($1 > 64) exit 3
}' || missed=1

if [ "$missed" -ne 0 ]; then
	exit 3
fi
