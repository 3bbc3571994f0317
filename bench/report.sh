#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The README's performance table: instruction counts (callgrind) and
# timings, mmiodec against Zydis, on the same inputs.
#
#     bench/report.sh BUILD_DIR [--reps N] [--dir PATH]... [mmiodec-bench options]
#     bench/report.sh BUILD_DIR --dir "$(bench/kernel-corpus.sh DIR)"
#
# BUILD_DIR is a build configured with -Dbench=true (for figures:
# -Dbuildtype=release -Doptimization=2). Runs bench/callgrind.sh and then
# the timed mmiodec-bench (--reps 5 unless given; a few minutes at most),
# both with the options given (the default corpus is
# /usr/lib/x86_64-linux-gnu and /usr/bin), and prints in markdown: the CPU,
# the compiler, the corpus, and per figure (MOV mix, ALU mix, sweep)
# mmiodec's and Zydis's instructions per decode (per byte for the sweep),
# their ratio, their times (ns per decode, MB/s for the sweep) and that
# ratio. Zydis is ZydisDecoderDecodeFull on the mixes (what an emulator
# needs: the operands) and ZydisDecoderDecodeInstruction on the sweep
# (lengths only). The instruction counts are the decode functions'
# inclusive counts; the timings are medians, and move with the machine's
# load. The raw outputs are printed after the table.
set -eu

if [ $# -lt 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
	echo "usage: $0 BUILD_DIR [--reps N] [--dir PATH]... [mmiodec-bench options]" >&2
	exit 2
fi
build=$1
shift
here=$(dirname "$0")
bench=$build/bench/mmiodec-bench
if [ ! -x "$bench" ]; then
	echo "$0: no $bench (configure with -Dbench=true)" >&2
	exit 1
fi

# --reps for the timed run only; everything else goes to both runs.
reps=5
options=
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
while [ $# -gt 0 ]; do
	case $1 in
	--reps)
		[ $# -ge 2 ] || { echo "$0: --reps needs a value" >&2; exit 2; }
		reps=$2
		shift 2
		;;
	*)
		options="$options $(quote "$1")"
		shift
		;;
	esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

echo "report: bench/callgrind.sh $build$options" >&2
eval "sh \"\$here/callgrind.sh\" \"\$build\" $options" >"$work/callgrind" || {
	cat "$work/callgrind" >&2
	exit 1
}
echo "report: $bench --reps $reps$options" >&2
eval "\"\$bench\" --reps \"\$reps\" $options" >"$work/timed" || {
	cat "$work/timed" >&2
	exit 1
}

# The machine and the build.
field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n 1; }
vendor=$(field vendor_id)
family=$(field 'cpu family')
model=$(field model)
model_name=$(field 'model name')
virtual=
if grep -q '^flags.* hypervisor' /proc/cpuinfo; then
	virtual=", under a hypervisor"
fi
compiler=$(sed -n 's/^C compiler for the host machine: //p' "$build/meson-logs/meson-log.txt" 2>/dev/null |
	head -n 1)
buildopt() {
	sed -n "s/.*\"name\": \"$1\", \"value\": \"\([^\"]*\)\".*/\1/p" \
		"$build/meson-info/intro-buildoptions.json" 2>/dev/null | head -n 1
}
root=$(cd "$here/.." && pwd)
source_state=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)

echo "CPU: $vendor family $family model $model ($model_name$virtual), $(nproc) CPUs online"
echo "compiler: ${compiler:-unknown}, buildtype $(buildopt buildtype), -O$(buildopt optimization)"
echo "source: $source_state; $(sed -n 's/.*; \(Zydis [0-9.]*\)$/\1/p' "$work/timed" | head -n 1)"
echo "corpus: $(sed -n 's/^corpus: //p' "$work/timed" | head -n 1)"
echo "timed: $(sed -n 's/^input: //p' "$work/timed" | head -n 1)"
echo "callgrind: $(head -n 1 "$work/callgrind" | sed 's/^mmiodec-bench --callgrind: //')"
echo

# "KIND NAME... UNIT LOOP_IR FUNCTION_IR" (callgrind.sh) and, after a
# section head ("MOV mix, ...", "ALU mix, ...", "sweep, ..."), "  NAME...
# MEDIAN MIN MAX PASSES" (mmiodec-bench).
awk -v reps="$reps" '
	function name(first, last,    i, s) {
		s = $first
		for (i = first + 1; i <= last; i++) s = s " " $i
		return s
	}
	# 1234.5 -> "1,234.5"
	function commas(x, decimals,    s, int_part, rest) {
		s = sprintf("%." decimals "f", x)
		int_part = s; rest = ""
		if (index(s, ".")) { int_part = substr(s, 1, index(s, ".") - 1); rest = substr(s, index(s, ".")) }
		while (int_part ~ /[0-9][0-9][0-9][0-9]/)
			sub(/[0-9][0-9][0-9]($|,)/, ",&", int_part)
		return int_part rest
	}
	FNR == 1 { file++ }
	file == 1 && ($1 == "mov-mix" || $1 == "alu-mix" || $1 == "sweep") {
		ir[$1, name(2, NF - 3)] = $NF
		next
	}
	file == 2 && /^MOV mix,/ { section = "mov-mix"; next }
	file == 2 && /^ALU mix,/ { section = "alu-mix"; next }
	file == 2 && /^sweep,/ { section = "sweep"; next }
	file == 2 && /^  / && section != "" { t[section, name(1, NF - 4)] = $(NF - 3); next }
	file == 2 && !/^  / { section = "" }
	function row(kind, title, zydis, time_unit,    m, z, tm, tz, ir_ratio, t_ratio) {
		m = ir[kind, "mmiodec_decode"]; z = ir[kind, zydis]
		tm = t[kind, "mmiodec_decode"]; tz = t[kind, zydis]
		ir_ratio = m > 0 ? sprintf("%.1f×", z / m) : "–"
		if (time_unit == "MB/s")
			t_ratio = tz > 0 ? sprintf("%.1f×", tm / tz) : "–"
		else
			t_ratio = tm > 0 ? sprintf("%.1f×", tz / tm) : "–"
		# (a ">" in a print list would be a redirection)
		m = m > 0 ? commas(m, 1) : "–"
		z = z > 0 ? commas(z, 1) : "–"
		tm = tm > 0 ? commas(tm, 1) " " time_unit : "–"
		tz = tz > 0 ? commas(tz, 1) " " time_unit : "–"
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", title, m, z, ir_ratio, tm, tz, t_ratio
	}
	END {
		print "| figure | mmiodec, instructions | Zydis, instructions | ratio | mmiodec, time | Zydis, time | ratio |"
		print "|---|---|---|---|---|---|---|"
		row("mov-mix", "MOV mix, per decode (Zydis `DecodeFull`)", "ZydisDecoderDecodeFull", "ns")
		row("alu-mix", "ALU mix, per decode (Zydis `DecodeFull`)", "ZydisDecoderDecodeFull", "ns")
		row("sweep", "sweep, per byte (Zydis `DecodeInstruction`)", "ZydisDecoderDecodeInstruction", "MB/s")
		a = "mmiodec_decode + mmiodec_address"
		printf "\nInstructions: callgrind, the decode functions (inclusive). Times: medians of %d runs.\n", reps
		if (ir["mov-mix", a] > 0)
			printf "MOV mix with mmiodec_address() too: %s instructions, %s ns per decode.\n",
				commas(ir["mov-mix", a], 1), commas(t["mov-mix", a], 1)
		if (ir["mov-mix", "ZydisDecoderDecodeInstruction"] > 0)
			printf "MOV mix, Zydis `DecodeInstruction` (no operands): %s instructions, %s ns per decode.\n",
				commas(ir["mov-mix", "ZydisDecoderDecodeInstruction"], 1),
				commas(t["mov-mix", "ZydisDecoderDecodeInstruction"], 1)
		if (ir["mov-mix", "floor_decode"] > 0)
			printf "MOV mix, the floor (bench/floor.c): %s instructions, %s ns per decode; without the argument checks %s and %s.\n",
				commas(ir["mov-mix", "floor_decode"], 1), commas(t["mov-mix", "floor_decode"], 1),
				commas(ir["mov-mix", "floor_decode_unchecked"], 1),
				commas(t["mov-mix", "floor_decode_unchecked"], 1)
	}' "$work/callgrind" "$work/timed"

echo
echo '```'
cat "$work/callgrind"
echo
cat "$work/timed"
echo '```'
