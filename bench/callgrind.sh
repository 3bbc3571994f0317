#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Instructions executed per decode, counted by callgrind, for mmiodec and
# Zydis on the same fixed inputs:
#
#     bench/callgrind.sh BUILD_DIR [mmiodec-bench options, e.g. --decodes 20000]
#
#     bench/callgrind.sh BUILD_DIR --dir "$(bench/kernel-corpus.sh DIR)"
#                                   (Debian's kernel modules as the corpus)
#
# mmiodec-bench --callgrind runs each loop once with collection on and dumps
# it as "bench <mov-mix|alu-mix|sweep> <figure> | <units> <unit>". Per
# figure this prints the whole loop's instructions per unit (the loop adds a
# few) and the inclusive count of the decode functions themselves per unit,
# from callgrind_annotate; then the ratio of Zydis's function count to
# mmiodec_decode's: ZydisDecoderDecodeFull on the two mixes,
# ZydisDecoderDecodeInstruction on the sweep.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [mmiodec-bench options]" >&2
	exit 2
fi
build=$1
shift
bench=$build/bench/mmiodec-bench
if [ ! -x "$bench" ]; then
	echo "$0: no $bench (configure with -Dbench=true)" >&2
	exit 1
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "$0: valgrind not found" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Instrumentation starts at the client request, so the harvest runs at
# valgrind's uninstrumented speed.
if ! valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
	--callgrind-out-file="$work/callgrind.out" \
	"$bench" --callgrind "$@" >"$work/stdout" 2>"$work/valgrind.log"; then
	cat "$work/stdout" "$work/valgrind.log" >&2
	exit 1
fi

# Inclusive instructions of function $2 in dump $1 (0 if absent).
function_inclusive() {
	if ! command -v callgrind_annotate >/dev/null 2>&1; then
		echo 0
		return
	fi
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v fn="$2" '
			$2 ~ /^\(/ {
				n = split($3, part, ":")
				if (part[n] == fn) { gsub(",", "", $1); print $1; found = 1; exit }
			}
			END { if (!found) print 0 }'
}

# mmiodec-bench's own lines before the dumps: the inputs, the corpus
sed '/^bench /,$d' "$work/stdout"
echo "$(valgrind --version), Ir = instructions executed"
printf '%-8s %-34s %-7s %12s %12s\n' "" "figure" "per" "loop Ir" "function Ir"

results=$work/results
: >"$results"
# in the order of the dumps (callgrind.out.1, .2, ... .10: not the glob's)
number=1
while [ -f "$work/callgrind.out.$number" ]; do
	dump=$work/callgrind.out.$number
	number=$((number + 1))
	label=$(sed -n 's/^desc: Trigger: Client Request: //p' "$dump")
	case $label in
	"bench "*) ;;
	*) continue ;;
	esac
	total=$(sed -n 's/^summary: *//p' "$dump")
	[ -n "$total" ] || total=$(sed -n 's/^totals: *//p' "$dump")
	# "bench KIND NAME | UNITS UNIT"
	kind=$(echo "$label" | awk '{ print $2 }')
	name=$(echo "$label" | sed 's/^bench [a-z-]* //; s/ |.*//')
	units=$(echo "$label" | sed 's/.*| //' | awk '{ print $1 }')
	unit=$(echo "$label" | sed 's/.*| //' | awk '{ print $2 }')

	functions_total=0
	for fn in $(echo "$name" | tr -d '+'); do
		n=$(function_inclusive "$dump" "$fn")
		functions_total=$((functions_total + n))
	done
	awk -v kind="$kind" -v name="$name" -v unit="$unit" -v units="$units" \
		-v total="$total" -v fns="$functions_total" 'BEGIN {
		printf "%-8s %-34s %-7s %12.1f %12.1f\n", kind, name, unit,
			total / units, fns / units
	}'
	echo "$kind|$name|$((functions_total))|$units" >>"$results"
done | tee "$work/table"

awk -F'|' '
	$2 == "mmiodec_decode" { mmiodec[$1] = $3 / $4 }
	($1 != "sweep" && $2 == "ZydisDecoderDecodeFull") ||
	($1 == "sweep" && $2 == "ZydisDecoderDecodeInstruction") { zydis[$1] = $3 / $4 }
	END {
		line = ""
		n = split("mov-mix alu-mix sweep", kinds, " ")
		for (i = 1; i <= n; i++)
			if (mmiodec[kinds[i]] > 0)
				line = line sprintf("%s %s %.1fx", line == "" ? "" : ",", kinds[i],
					zydis[kinds[i]] / mmiodec[kinds[i]])
		if (line != "")
			print "instruction ratio vs zydis:" line
	}' "$results"
