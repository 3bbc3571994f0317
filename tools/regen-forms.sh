#!/bin/sh
# SPDX-License-Identifier: MIT
# Rewrites what is derived from src/forms.h: src/generated/forms.inc and
# the README's table between <!-- forms:begin --> and <!-- forms:end -->;
# then src/generated/fast.inc, the fast path's table, which tools/gen-fast.c
# derives from the decoder's tables (forms.inc among them: it is compiled
# here, after forms.inc is written, with $CC or cc).
# Usage: regen-forms.sh GEN_FORMS SOURCE_ROOT (`ninja regen-forms`)
set -eu
gen=$1 root=$2
"$gen" "$root/src/generated/forms.inc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
table=$work/table.md
"${CC:-cc}" -std=c11 -I"$root/include" "$root/tools/gen-fast.c" -o "$work/gen-fast"
"$work/gen-fast" "$root/src/generated/fast.inc"
"$gen" --readme >"$table"
awk -v table="$table" '
	/^<!-- forms:end -->$/ { skipping = 0 }
	!skipping { print }
	/^<!-- forms:begin -->$/ {
		while ((getline line < table) > 0) print line
		skipping = 1
	}' "$root/README.md" >"$root/README.md.new"
mv "$root/README.md.new" "$root/README.md"
