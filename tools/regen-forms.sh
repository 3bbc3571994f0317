#!/bin/sh
# SPDX-License-Identifier: MIT
# Rewrites what is derived from src/forms.h: src/generated/forms.inc and
# the README's table between <!-- forms:begin --> and <!-- forms:end -->.
# Usage: regen-forms.sh GEN_FORMS SOURCE_ROOT (`ninja regen-forms`)
set -eu
gen=$1 root=$2
"$gen" "$root/src/generated/forms.inc"
table=$(mktemp)
trap 'rm -f "$table"' EXIT
"$gen" --readme >"$table"
awk -v table="$table" '
	/^<!-- forms:end -->$/ { skipping = 0 }
	!skipping { print }
	/^<!-- forms:begin -->$/ {
		while ((getline line < table) > 0) print line
		skipping = 1
	}' "$root/README.md" >"$root/README.md.new"
mv "$root/README.md.new" "$root/README.md"
