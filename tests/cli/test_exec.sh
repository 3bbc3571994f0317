#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs `mmiodec exec` ($1) on hand-checked cases. Every expected register,
# flag and memory access is worked out by hand from the Intel SDM (vol. 1
# 3.4.3 for the flags, vol. 2 for each instruction), not taken from the
# tool; the error messages and the layout are the tool's own, documented
# in `mmiodec exec --help`.
set -eu

cli=$1
failures=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# The regs object the tool prints: every register, in its order, 0 (and
# rflags 0x2) unless NAME=VALUE in $1 says otherwise.
regs_json() {
	local -A set=()
	local pair name out='' sep=''
	for pair in $1; do
		set[${pair%%=*}]=${pair#*=}
	done
	for name in rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15 \
		rip rflags es_base cs_base ss_base ds_base fs_base gs_base; do
		local value=0x0
		[ "$name" = rflags ] && value=0x2
		out+="$sep\"$name\":\"${set[$name]:-$value}\""
		sep=,
	done
	# the vector registers that are not zero, as given (zmmN, kN, mmN)
	for pair in $1; do
		case ${pair%%=*} in
		zmm*|k[0-7]|mm[0-7]) out+=",\"${pair%%=*}\":\"${pair#*=}\"" ;;
		esac
	done
	echo "{$out}"
}

# One case per line: INPUT | BYTES MODE VENDOR STATUS | REGS after (see
# regs_json) | ACCESSES | TAIL (the fields after accesses).
cases=$(cat <<'CASES'
{"bytes":"0108","regs":{"rax":"0x1000","rcx":"0x1"},"memory":["0xffffffff"]}|0108 64 any ok|rax=0x1000 rcx=0x1 rip=0x2 rflags=0x57|[{"kind":"read","address":"0x1000","width":4,"value":"0xffffffff"},{"kind":"write","address":"0x1000","width":4,"value":"0x0","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"0108","regs":{"rax":"0x1000","rcx":"0x1","rflags":"0x8d7"},"memory":["0x7fffffff"]}|0108 64 any ok|rax=0x1000 rcx=0x1 rip=0x2 rflags=0x896|[{"kind":"read","address":"0x1000","width":4,"value":"0x7fffffff"},{"kind":"write","address":"0x1000","width":4,"value":"0x80000000","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"f0 01 08","regs":{"rax":"0x1000","rcx":"0x2","rflags":"0x8d7"},"memory":["0x1"]}|f00108 64 any ok|rax=0x1000 rcx=0x2 rip=0x3 rflags=0x6|[{"kind":"read","address":"0x1000","width":4,"value":"0x1"},{"kind":"write","address":"0x1000","width":4,"value":"0x3","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"3908","regs":{"rax":"0x1000","rcx":"0x7"},"memory":["0x5"]}|3908 64 any ok|rax=0x1000 rcx=0x7 rip=0x2 rflags=0x93|[{"kind":"read","address":"0x1000","width":4,"value":"0x5"}]|,"undefined_flags":"0x0"
{"bytes":"3b08","regs":{"rax":"0x1000","rcx":"0x7","rflags":"0x8d7"},"memory":["0x5"]}|3b08 64 any ok|rax=0x1000 rcx=0x7 rip=0x2 rflags=0x2|[{"kind":"read","address":"0x1000","width":4,"value":"0x5"}]|,"undefined_flags":"0x0"
{"bytes":"f733","regs":{"rax":"0x64","rbx":"0x1000"},"memory":["0x0"]}|f733 64 any divide-error|rax=0x64 rbx=0x1000|[{"kind":"read","address":"0x1000","width":4,"value":"0x0"}]|,"exception":"#DE"
{"bytes":"f733","regs":{"rdx":"0x1","rbx":"0x1000"},"memory":["0x1"]}|f733 64 any divide-error|rdx=0x1 rbx=0x1000|[{"kind":"read","address":"0x1000","width":4,"value":"0x1"}]|,"exception":"#DE"
{"bytes":"f733","regs":{"rax":"0xaaaaaaaa00000064","rdx":"0xbbbbbbbb00000000","rbx":"0x1000"},"memory":["0x7"]}|f733 64 any ok|rax=0xe rdx=0x2 rbx=0x1000 rip=0x2|[{"kind":"read","address":"0x1000","width":4,"value":"0x7"}]|,"undefined_flags":"0x8d5"
{"bytes":"0fb10b","regs":{"rax":"0xffffffff00000001","rbx":"0x1000","rcx":"0x9"},"memory":["0x5"]}|0fb10b 64 any ok|rax=0x5 rcx=0x9 rbx=0x1000 rip=0x3 rflags=0x97|[{"kind":"read","address":"0x1000","width":4,"value":"0x5"},{"kind":"write","address":"0x1000","width":4,"value":"0x5","writeback":true}]|,"undefined_flags":"0x0"
{"bytes":"0fb10b","regs":{"rax":"0xffffffff00000005","rbx":"0x1000","rcx":"0x9"},"memory":["0x5"]}|0fb10b 64 any ok|rax=0xffffffff00000005 rcx=0x9 rbx=0x1000 rip=0x3 rflags=0x46|[{"kind":"read","address":"0x1000","width":4,"value":"0x5"},{"kind":"write","address":"0x1000","width":4,"value":"0x9","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"8708","regs":{"rax":"0x1000","rcx":"0x2222222211111111"},"memory":["0xaabbccdd"]}|8708 64 any ok|rax=0x1000 rcx=0xaabbccdd rip=0x2|[{"kind":"read","address":"0x1000","width":4,"value":"0xaabbccdd"},{"kind":"write","address":"0x1000","width":4,"value":"0x11111111","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"8b07","regs":{"rax":"0xffffffffffffffff","rdi":"0x2000"},"memory":["0x12345678"]}|8b07 64 any ok|rax=0x12345678 rdi=0x2000 rip=0x2|[{"kind":"read","address":"0x2000","width":4,"value":"0x12345678"}]|,"undefined_flags":"0x0"
{"bytes":"648a27","regs":{"rax":"0x1111111111111111","rdi":"0x2000","fs_base":"0x10000"},"memory":["0xab"]}|648a27 64 any ok|rax=0x111111111111ab11 rdi=0x2000 rip=0x3 fs_base=0x10000|[{"kind":"read","address":"0x12000","width":1,"value":"0xab"}]|,"undefined_flags":"0x0"
{"bytes":"8b4304","mode":32,"regs":{"rbx":"0xfffffffc","ds_base":"0x100000"},"memory":["0x1"]}|8b4304 32 any ok|rax=0x1 rbx=0xfffffffc rip=0x3 ds_base=0x100000|[{"kind":"read","address":"0x100000","width":4,"value":"0x1"}]|,"undefined_flags":"0x0"
{"bytes":"f0480fc70e","regs":{"rax":"0x1111","rdx":"0x2222","rbx":"0x3333","rcx":"0x4444","rsi":"0x1000"},"memory":["0x00000000000022220000000000001111"]}|f0480fc70e 64 any ok|rax=0x1111 rcx=0x4444 rdx=0x2222 rbx=0x3333 rsi=0x1000 rip=0x5 rflags=0x42|[{"kind":"read","address":"0x1000","width":16,"value":"0x22220000000000001111"},{"kind":"write","address":"0x1000","width":16,"value":"0x44440000000000003333","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"f0480fc70e","regs":{"rax":"0x1111","rdx":"0x2222","rbx":"0x3333","rcx":"0x4444","rsi":"0x1000","rflags":"0x42"},"memory":["0x1"]}|f0480fc70e 64 any ok|rax=0x1 rcx=0x4444 rdx=0x0 rbx=0x3333 rsi=0x1000 rip=0x5|[{"kind":"read","address":"0x1000","width":16,"value":"0x1"},{"kind":"write","address":"0x1000","width":16,"value":"0x1","writeback":true}]|,"undefined_flags":"0x0"
{"bytes":"0f9400","regs":{"rax":"0x1000","rflags":"0x42"}}|0f9400 64 any ok|rax=0x1000 rip=0x3 rflags=0x42|[{"kind":"write","address":"0x1000","width":1,"value":"0x1","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"0f4407","regs":{"rax":"0xffffffff12345678","rdi":"0x2000"},"memory":["0x99"]}|0f4407 64 any ok|rax=0x12345678 rdi=0x2000 rip=0x3|[{"kind":"read","address":"0x2000","width":4,"value":"0x99"}]|,"undefined_flags":"0x0"
{"bytes":"fe00","regs":{"rax":"0x1000","rflags":"0x3"},"memory":["0xff"]}|fe00 64 any ok|rax=0x1000 rip=0x2 rflags=0x57|[{"kind":"read","address":"0x1000","width":1,"value":"0xff"},{"kind":"write","address":"0x1000","width":1,"value":"0x0","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"0fa308","regs":{"rax":"0x1000","rcx":35},"memory":["0x8"]}|0fa308 64 any ok|rax=0x1000 rcx=0x23 rip=0x3 rflags=0x3|[{"kind":"read","address":"0x1004","width":4,"value":"0x8"}]|,"undefined_flags":"0x894"
{"bytes":"0fa308","regs":{"rax":"0x1000","rcx":"0xffffffff"},"memory":["0x80000000"]}|0fa308 64 any ok|rax=0x1000 rcx=0xffffffff rip=0x3 rflags=0x3|[{"kind":"read","address":"0xffc","width":4,"value":"0x80000000"}]|,"undefined_flags":"0x894"
{"bytes":"f3a4","regs":{"rcx":"0x2","rsi":"0x10","rdi":"0x20"},"memory":["0x5"]}|f3a4 64 any ok|rcx=0x1 rsi=0x11 rdi=0x21|[{"kind":"read","address":"0x10","width":1,"value":"0x5"},{"kind":"write","address":"0x20","width":1,"value":"0x5","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"f3a4","regs":{"rsi":"0x10","rdi":"0x20"}}|f3a4 64 any ok|rsi=0x10 rdi=0x20 rip=0x2|[]|,"undefined_flags":"0x0"
{"bytes":"48ab","regs":{"rax":"0xdeadbeef","rdi":"0x20","rflags":"0x402"}}|48ab 64 any ok|rax=0xdeadbeef rdi=0x18 rip=0x2 rflags=0x402|[{"kind":"write","address":"0x20","width":8,"value":"0xdeadbeef","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"90","vendor":"intel","regs":{"rip":"0x400"}}|90 64 intel no-memory|rip=0x400|[]|
{"bytes":"06","memory":["0x1"]}|06 64 any invalid||[]|
{"bytes":"0f1007","regs":{"rdi":"0x3000","ymm0":"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb00000000000000000000000000000000"},"memory":["0x00112233445566778899aabbccddeeff"]}|0f1007 64 any ok|rdi=0x3000 rip=0x3 zmm0=0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb00112233445566778899aabbccddeeff|[{"kind":"read","address":"0x3000","width":16,"value":"0x112233445566778899aabbccddeeff"}]|,"undefined_flags":"0x0"
{"bytes":"c5f81007","regs":{"rdi":"0x3000","ymm0":"0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb00000000000000000000000000000000"},"memory":["0x00112233445566778899aabbccddeeff"]}|c5f81007 64 any ok|rdi=0x3000 rip=0x4 zmm0=0x112233445566778899aabbccddeeff|[{"kind":"read","address":"0x3000","width":16,"value":"0x112233445566778899aabbccddeeff"}]|,"undefined_flags":"0x0"
{"bytes":"0f2807","regs":{"rdi":"0x3008","xmm0":"0x1"},"memory":["0x1"]}|0f2807 64 any general-protection|rdi=0x3008 zmm0=0x1|[]|,"exception":"#GP"
{"bytes":"62f17c0a2907","regs":{"rdi":"0x3008","k2":"0xf0"}}|62f17c0a2907 64 any ok|rdi=0x3008 rip=0x6 k2=0xf0|[]|,"undefined_flags":"0x0"
{"bytes":"62f17c0a2907","regs":{"rdi":"0x3008","k2":"0x1"}}|62f17c0a2907 64 any general-protection|rdi=0x3008 k2=0x1|[]|,"exception":"#GP"
{"bytes":"0f2907","regs":{"rdi":"0x3010","xmm0":"0x1"}}|0f2907 64 any ok|rdi=0x3010 rip=0x3 zmm0=0x1|[{"kind":"write","address":"0x3010","width":16,"value":"0x1","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"62f17e497f0f","regs":{"rdi":"0x3000","k1":5,"zmm1":"0x0c0b0a090807060504030201"}}|62f17e497f0f 64 any ok|rdi=0x3000 rip=0x6 zmm1=0xc0b0a090807060504030201 k1=0x5|[{"kind":"write","address":"0x3000","width":4,"value":"0x4030201","writeback":false},{"kind":"write","address":"0x3008","width":4,"value":"0xc0b0a09","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"62f17e497f0f","regs":{"rdi":"0x3000","zmm1":"0x0c0b0a090807060504030201"}}|62f17e497f0f 64 any ok|rdi=0x3000 rip=0x6 zmm1=0xc0b0a090807060504030201|[]|,"undefined_flags":"0x0"
{"bytes":"62f17ec96f17","regs":{"rdi":"0x3000","k1":"0x2","xmm2":"0x11111111111111111111111111111111"},"memory":["0xdeadbeef"]}|62f17ec96f17 64 any ok|rdi=0x3000 rip=0x6 zmm2=0xdeadbeef00000000 k1=0x2|[{"kind":"read","address":"0x3004","width":4,"value":"0xdeadbeef"}]|,"undefined_flags":"0x0"
{"bytes":"62f17e496f17","regs":{"rdi":"0x3000","k1":"0x2","xmm2":"0x11111111111111111111111111111111"},"memory":["0xdeadbeef"]}|62f17e496f17 64 any ok|rdi=0x3000 rip=0x6 zmm2=0x1111111111111111deadbeef11111111 k1=0x2|[{"kind":"read","address":"0x3004","width":4,"value":"0xdeadbeef"}]|,"undefined_flags":"0x0"
{"bytes":"c5e8120f","regs":{"rdi":"0x3000","ymm1":"0x3333333333333333333333333333333333333333333333333333333333333333","xmm2":"0x22222222222222222222222222222222"},"memory":["0x1122334455667788"]}|c5e8120f 64 any ok|rdi=0x3000 rip=0x4 zmm1=0x22222222222222221122334455667788 zmm2=0x22222222222222222222222222222222|[{"kind":"read","address":"0x3000","width":8,"value":"0x1122334455667788"}]|,"undefined_flags":"0x0"
{"bytes":"0f6e07","regs":{"rdi":"0x3000","mm0":"0xffffffffffffffff"},"memory":["0x12345678"]}|0f6e07 64 any ok|rdi=0x3000 rip=0x3 mm0=0x12345678|[{"kind":"read","address":"0x3000","width":4,"value":"0x12345678"}]|,"undefined_flags":"0x0"
{"bytes":"0f38f907","regs":{"rax":"0xffffffff89abcdef","rdi":"0x3000"}}|0f38f907 64 any ok|rax=0xffffffff89abcdef rdi=0x3000 rip=0x4|[{"kind":"write","address":"0x3000","width":4,"value":"0x89abcdef","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"660f38f80e","regs":{"rcx":"0x4000","rsi":"0x5000"},"memory":["0x403f3e3d3c3b3a393837363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201"]}|660f38f80e 64 any ok|rcx=0x4000 rsi=0x5000 rip=0x5|[{"kind":"read","address":"0x5000","width":64,"value":"0x403f3e3d3c3b3a393837363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201"},{"kind":"write","address":"0x4000","width":64,"value":"0x403f3e3d3c3b3a393837363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201","writeback":false}]|,"undefined_flags":"0x0"
{"bytes":"660f38f80e","regs":{"rcx":"0x4010","rsi":"0x5000"},"memory":["0x1"]}|660f38f80e 64 any general-protection|rcx=0x4010 rsi=0x5000|[]|,"exception":"#GP"
{"bytes":"f20f38f80e","regs":{"rcx":"0x4000","rsi":"0x5000","rflags":"0x8d7"},"memory":["0x403f3e3d3c3b3a393837363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201","0x1"]}|f20f38f80e 64 any ok|rcx=0x4000 rsi=0x5000 rip=0x5 rflags=0x42|[{"kind":"read","address":"0x5000","width":64,"value":"0x403f3e3d3c3b3a393837363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201"},{"kind":"write","address":"0x4000","width":64,"value":"0x403f3e3d3c3b3a393837363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a191817161514131211100f0e0d0c0b0a090807060504030201","writeback":false,"answer":"0x1"}]|,"undefined_flags":"0x0"
{"bytes":"f30f38f80e","regs":{"rcx":"0x4000","rsi":"0x5000","rflags":"0x8d7"},"memory":["0x1","0x0"]}|f30f38f80e 64 any ok|rcx=0x4000 rsi=0x5000 rip=0x5 rflags=0x2|[{"kind":"read","address":"0x5000","width":64,"value":"0x1"},{"kind":"write","address":"0x4000","width":64,"value":"0x1","writeback":false,"answer":"0x0"}]|,"undefined_flags":"0x0"
CASES
)

# All cases in one run (standard input): one output line each, in order.
inputs='' wants=''
while IFS='|' read -r input head regs accesses tail; do
	read -r bytes mode vendor status <<<"$head"
	inputs+="$input"$'\n'
	wants+="{\"bytes\":\"$bytes\",\"mode\":$mode,\"vendor\":\"$vendor\",\"status\":\"$status\",\"regs\":$(regs_json "$regs"),\"accesses\":$accesses$tail}"$'\n'
done <<<"$cases"

out=$("$cli" exec <<<"${inputs%$'\n'}") && status=0 || status=$?
[ "$status" = 0 ] || fail "exec on the good cases exited $status, expected 0"
diff <(echo "$out") <(echo "${wants%$'\n'}") >&2 || fail "exec output differs (< got, > expected)"

# Every register in, every register out: numbers and hex strings of any
# case in, canonical hex out; and the output's regs fed back in give the
# same line again.
all_in='{"bytes":"90","regs":{"rax":"0x0123456789ABCDEF","rcx":1,"rdx":"0x2","rbx":"0x3","rsp":"0x4","rbp":"0x5","rsi":"0x6","rdi":"0x7","r8":"0x8","r9":"0x9","r10":"0xa","r11":"0xb","r12":"0xc","r13":"0xd","r14":"0xe","r15":18446744073709551615,"rip":"0x10","rflags":"0x0","es_base":"0x12","cs_base":"0x13","ss_base":"0x14","ds_base":"0x15","fs_base":"0xffff800000000000","gs_base":"0x0000000000000017"}}'
all_out="{\"bytes\":\"90\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\",\"regs\":$(regs_json 'rax=0x123456789abcdef rcx=0x1 rdx=0x2 rbx=0x3 rsp=0x4 rbp=0x5 rsi=0x6 rdi=0x7 r8=0x8 r9=0x9 r10=0xa r11=0xb r12=0xc r13=0xd r14=0xe r15=0xffffffffffffffff rip=0x10 rflags=0x0 es_base=0x12 cs_base=0x13 ss_base=0x14 ds_base=0x15 fs_base=0xffff800000000000 gs_base=0x17'),\"accesses\":[]}"
out=$("$cli" exec <<<"$all_in") || fail "exec on all registers exited $?"
[ "$out" = "$all_out" ] || fail "all registers: got $out"
regs=${out#*\"regs\":}
regs=${regs%%\}*}\}
out=$("$cli" exec <<<"{\"bytes\":\"90\",\"regs\":$regs}") || fail "exec on its own regs exited $?"
[ "$out" = "$all_out" ] || fail "regs fed back: got $out"

# Bad lines: each gets {"line":N,"error":...} and the others still run;
# exit 1. A FILE argument reads the file.
good='{"bytes":"8b07","regs":{"rdi":"0x2000"},"memory":["0x1"]}'
good_out="{\"bytes\":\"8b07\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"regs\":$(regs_json 'rax=0x1 rdi=0x2000 rip=0x2'),\"accesses\":[{\"kind\":\"read\",\"address\":\"0x2000\",\"width\":4,\"value\":\"0x1\"}],\"undefined_flags\":\"0x0\"}"
bad_cases=$(cat <<'CASES'
not json|bad JSON: column 1: 'null' expected
{"bytes":"8b07",}|bad JSON: column 17: a key (a string) expected, found '}'
{"bytes":"8b07"} x|bad JSON: column 18: more after the value
{"bytes":"8b07","memory":[[1]]}|bad JSON: column 27: nested deeper than 2 levels
{"bytes":"8b07","memory":["0x1"]|bad JSON: column 33: ',' or '}' expected, found the end of the line
{"bytes":"8b\q07"}|bad JSON: column 13: unknown escape \q
|bad JSON: column 1: a value expected, found the end of the line
[]|the line must be a JSON object, not an array
{"bytes":"8b07","flags":1}|unknown key "flags"
{"bytes":"8b07","mode":64,"mode":32}|"mode" given twice
{"regs":{}}|"bytes" is missing
{"bytes":"8b0"}|bytes: odd number of hex digits (unpaired digit at column 3)
{"bytes":8}|bytes: must be a hex string, not a number
{"bytes":"8b07","mode":"64"}|mode: must be 64, 32 or 16
{"bytes":"8b07","vendor":"hygon"}|vendor: must be "any", "intel" or "amd"
{"bytes":"8b07","regs":{"eax":"0x1"}}|regs: unknown register "eax"
{"bytes":"8b07","regs":{"rax":"0x1","rax":"0x2"}}|regs: "rax" given twice
{"bytes":"8b07","regs":{"rax":"1"}}|regs.rax: a hex string must be 0x followed by hex digits
{"bytes":"8b07","regs":{"rax":"0x1g"}}|regs.rax: not a hex digit at column 4 of the string
{"bytes":"8b07","regs":{"rax":"0x10000000000000000"}}|regs.rax: more than 16 hex digits
{"bytes":"8b07","regs":{"rax":-1}}|regs.rax: a number must be a non-negative integer (no sign, fraction or exponent)
{"bytes":"8b07","regs":{"rax":18446744073709551616}}|regs.rax: a number must be below 2^64 (use a hex string)
{"bytes":"8b07","regs":{"rax":null}}|regs.rax: must be a number or a hex string, not null
{"bytes":"8b07","regs":[]}|regs: must be an object, not an array
{"bytes":"8b07","memory":"0x1"}|memory: must be an array, not a string
{"bytes":"8b07"}|memory: no value for read 1 (4 bytes at 0x0)
{"bytes":"8b07","memory":["0x100000000"]}|memory[0]: wider than the 4-byte read
{"bytes":"8b07","regs":{"xmm32":"0x1"}}|regs: unknown register "xmm32"
{"bytes":"8b07","regs":{"mm01":"0x1"}}|regs: unknown register "mm01"
{"bytes":"8b07","regs":{"k8":"0x1"}}|regs: unknown register "k8"
{"bytes":"8b07","regs":{"xmm3":"0x1","zmm3":"0x2"}}|regs: "zmm3" names a register given before
{"bytes":"8b07","regs":{"xmm0":"0x100000000000000000000000000000000"}}|regs.xmm0: more than 32 hex digits
{"bytes":"8b07","regs":{"mm0":"0x10000000000000000"}}|regs.mm0: more than 16 hex digits
{"bytes":"f20f38f80e","memory":["0x1"]}|memory: no value for the answer to enqcmd (read 2)
{"bytes":"660f38f80e","memory":["0x100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"]}|memory[0]: more than 128 hex digits
CASES
)
inputs="$good"$'\n' wants="$good_out"$'\n'
line=1
while IFS='|' read -r input error; do
	line=$((line + 1))
	inputs+="$input"$'\n'
	wants+="{\"line\":$line,\"error\":$(printf '%s' "$error" | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/')}"$'\n'
done <<<"$bad_cases"
inputs+="$good"$'\n'
wants+="$good_out"
printf '%s' "$inputs" >"$scratch/in.jsonl"
out=$("$cli" exec "$scratch/in.jsonl") && status=0 || status=$?
[ "$status" = 1 ] || fail "exec with bad lines exited $status, expected 1"
diff <(echo "$out") <(echo "$wants") >&2 || fail "exec with bad lines: output differs (< got, > expected)"

# CRLF line ends, and - for standard input.
out=$(printf '%s\r\n' "$good" | "$cli" exec -) || fail "exec - exited $?"
[ "$out" = "$good_out" ] || fail "exec - with CRLF: got $out"

# Command line errors: exit 2, usage on standard error, nothing run.
for args in 'exec --bogus' "exec $scratch/in.jsonl $scratch/in.jsonl" "exec $scratch/none.jsonl"; do
	# shellcheck disable=SC2086 # split on purpose
	out=$("$cli" $args 2>"$scratch/err" </dev/null) && status=0 || status=$?
	[ "$status" = 2 ] || fail "mmiodec $args exited $status, expected 2"
	[ -s "$scratch/err" ] || fail "mmiodec $args: nothing on stderr"
	[ -z "$out" ] || fail "mmiodec $args printed on stdout: $out"
done
help=$("$cli" exec --help) || fail "mmiodec exec --help exited $?"
case $help in
Usage:*) ;;
*) fail "mmiodec exec --help: no usage on stdout" ;;
esac

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all exec checks passed"
