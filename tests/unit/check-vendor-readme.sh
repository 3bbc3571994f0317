#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's tables of Intel/AMD differences against the decoder: each
# row's example, decoded by the CLI ($1) as Intel, as AMD and as either
# (README $2), must give what the row says: "status", "status, N bytes"
# or "ok, width W". The mode is 64 unless the example cell says 16-bit or
# 32-bit.
set -eu
cli=$1
readme=$2
failures=0
rows=0

# The rows of the tables in the "Intel and AMD" section.
table=$(awk '/^## Intel and AMD/ { on = 1; next } /^## / { on = 0 }
	on && /^\| `/' "$readme")
[ -n "$table" ] || { echo "no vendor table in $readme" >&2; exit 1; }

# check HEX MODE VENDOR EXPECTED
check() {
	out=$("$cli" --mode "$2" --vendor "$3" "$1")
	status=${out#*: }
	status=${status%% *}
	want_status=${4%%,*}
	case $4 in
	*", width "*) want_field="width=${4##*, width }" ;;
	*" bytes") n=${4##*, }; want_field="len=${n% bytes}" ;;
	*) want_field= ;;
	esac
	if [ "$status" != "$want_status" ]; then
		echo "FAIL: $1 ($2-bit, $3): got \"$out\", README says \"$4\"" >&2
		failures=$((failures + 1))
		return
	fi
	# without a length in the README, the answer must have none either
	case " $out |$want_field" in
	*" len="*"|") bad=1 ;;
	*"|") bad=0 ;;
	*" $want_field "*) bad=0 ;;
	*) bad=1 ;;
	esac
	if [ "$bad" = 1 ]; then
		echo "FAIL: $1 ($2-bit, $3): got \"$out\", README says \"$4\"" >&2
		failures=$((failures + 1))
	fi
}

while IFS='|' read -r _ example intel amd any _; do
	hex=$(printf '%s' "$example" | sed 's/^ *`\([0-9A-Fa-f ]*\)`.*/\1/' | tr -d ' ')
	mode=64
	case $example in
	*16-bit*) mode=16 ;;
	*32-bit*) mode=32 ;;
	esac
	trim() { printf '%s' "$1" | sed 's/^ *//; s/ *$//'; }
	check "$hex" "$mode" intel "$(trim "$intel")"
	check "$hex" "$mode" amd "$(trim "$amd")"
	check "$hex" "$mode" any "$(trim "$any")"
	rows=$((rows + 1))
done <<ROWS
$table
ROWS

if [ "$failures" -ne 0 ]; then
	echo "$failures of $((rows * 3)) README vendor answers differ" >&2
	exit 1
fi
echo "$rows README vendor rows agree with the decoder for intel, amd and any"
