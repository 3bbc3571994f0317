#!/bin/bash
# SPDX-License-Identifier: MIT
# Regenerate the opcode tables into a temporary folder and compare them with
# the committed ones: they must be exactly what the generator writes.
set -eu
gen=$1 committed=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp/map0f.inc" "$tmp/x87.inc"
status=0
for f in map0f.inc x87.inc; do
	if ! cmp -s "$tmp/$f" "$committed/$f"; then
		echo "src/generated/$f is out of date: run 'ninja regen-tables'" >&2
		diff -u "$committed/$f" "$tmp/$f" | head -40 >&2
		status=1
	fi
done
exit $status
