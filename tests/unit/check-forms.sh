#!/bin/sh
# SPDX-License-Identifier: MIT
# What src/forms.h says is what the committed tables and the README say:
# regenerates src/generated/forms.inc and the README's table of supported
# instructions (the lines between <!-- forms:begin --> and
# <!-- forms:end -->) and fails on any difference; likewise the fast path's
# table, src/generated/fast.inc, from the decoder's tables (tools/gen-fast.c).
# Usage: check-forms.sh GEN_FORMS GEN_FAST SOURCE_ROOT
set -eu
gen=$1 gen_fast=$2 root=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

"$gen" "$tmp/forms.inc"
if ! diff -u "$root/src/generated/forms.inc" "$tmp/forms.inc"; then
	echo "src/generated/forms.inc is not what src/forms.h gives:" \
	     "run ninja regen-forms" >&2
	status=1
fi

"$gen_fast" "$tmp/fast.inc"
if ! diff -u "$root/src/generated/fast.inc" "$tmp/fast.inc"; then
	echo "src/generated/fast.inc is not what the decoder's tables give:" \
	     "run ninja regen-forms" >&2
	status=1
fi

"$gen" --readme >"$tmp/table.md"
sed -n '/^<!-- forms:begin -->$/,/^<!-- forms:end -->$/p' "$root/README.md" |
	sed '1d;$d' >"$tmp/readme.md"
if [ ! -s "$tmp/readme.md" ]; then
	echo "README.md has no <!-- forms:begin --> ... <!-- forms:end --> table" >&2
	status=1
elif ! diff -u "$tmp/readme.md" "$tmp/table.md"; then
	echo "README.md's table of supported instructions is not what" \
	     "src/forms.h gives: run ninja regen-forms" >&2
	status=1
fi
exit $status
