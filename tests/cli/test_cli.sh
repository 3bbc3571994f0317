#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the mmiodec CLI ($1) and checks its output line by line. The decoded
# answers come from the Intel SDM (and agree with Zydis); the bad-input
# messages and the text layout are the CLI's own, documented in --help.
set -eu

cli=$1
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run EXPECTED_STATUS EXPECTED_STDOUT -- ARGS... [< stdin]
# Compares exit status and the whole standard output.
run() {
	local want_status=$1 want_out=$2 out status
	shift 3
	out=$("$cli" "$@") && status=0 || status=$?
	if [ "$status" != "$want_status" ]; then
		fail "mmiodec $* exited $status, expected $want_status"
	fi
	if [ "$out" != "$want_out" ]; then
		fail "mmiodec $*"
		echo "  got:      $out" >&2
		echo "  expected: $want_out" >&2
	fi
}

# One case per line: mode|hex|the JSON line. ds/ss defaults, 64-bit
# override rules, immediates as unsigned values of the access width; for
# tier 2, read-write accesses, locked (F0, or XCHG without it), the
# register at the width the instruction uses it (SDM vol. 2: SHL's count
# in CL, byte DIV's dividend in AX, CMPXCHG16B's RDX:RAX).
json_cases=$(cat <<'CASES'
64|8827|{"bytes":"8827","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"ah","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|88 27 90|{"bytes":"882790","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"ah","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|648827|{"bytes":"648827","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"ah","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"fs","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|408837|{"bytes":"408837","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"sil","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|2e8b07|{"bytes":"2e8b07","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
32|8b45fc|{"bytes":"8b45fc","mode":32,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ss","base":"ebp","index":null,"scale":0,"displacement":-4,"address_size":32,"access":"read","align":0,"element":0}]}
64|C7 04 88 78 56 34 12|{"bytes":"c7048878563412","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":7,"mnemonic":"mov","direction":"write","width":4,"extend":"none","register":null,"immediate":305419896,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":"rcx","scale":4,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|c607ff|{"bytes":"c607ff","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":null,"immediate":255,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|66c7073412|{"bytes":"66c7073412","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":5,"mnemonic":"mov","direction":"write","width":2,"extend":"none","register":null,"immediate":4660,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|48c70700000080|{"bytes":"48c70700000080","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":7,"mnemonic":"mov","direction":"write","width":8,"extend":"none","register":null,"immediate":18446744071562067968,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|0fb607|{"bytes":"0fb607","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"movzx","direction":"read","width":1,"extend":"zero","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|486306|{"bytes":"486306","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"movsxd","direction":"read","width":4,"extend":"sign","register":"rax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rsi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|0fc307|{"bytes":"0fc307","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"movnti","direction":"write","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|8b0510000000|{"bytes":"8b0510000000","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":6,"mnemonic":"mov","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rip","index":null,"scale":0,"displacement":16,"address_size":64,"access":"read","align":0,"element":0}]}
64|678b0510000000|{"bytes":"678b0510000000","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":7,"mnemonic":"mov","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"eip","index":null,"scale":0,"displacement":16,"address_size":32,"access":"read","align":0,"element":0}]}
64|648b042500000000|{"bytes":"648b042500000000","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":8,"mnemonic":"mov","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"fs","base":null,"index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|a20000000000000080|{"bytes":"a20000000000000080","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":9,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"al","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":null,"index":null,"scale":0,"displacement":-9223372036854775808,"address_size":64,"access":"write","align":0,"element":0}]}
64|48a38877665544332211|{"bytes":"48a38877665544332211","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":10,"mnemonic":"mov","direction":"write","width":8,"extend":"none","register":"rax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":null,"index":null,"scale":0,"displacement":1234605616436508552,"address_size":64,"access":"write","align":0,"element":0}]}
64|f3a4|{"bytes":"f3a4","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"movsb","direction":"read-write","width":1,"extend":"none","register":null,"immediate":null,"rep":"rep","locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"es","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0},{"segment":"ds","base":"rsi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|2ea4|{"bytes":"2ea4","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"movsb","direction":"read-write","width":1,"extend":"none","register":null,"immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"es","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0},{"segment":"ds","base":"rsi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
32|2ea4|{"bytes":"2ea4","mode":32,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"movsb","direction":"read-write","width":1,"extend":"none","register":null,"immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"es","base":"edi","index":null,"scale":0,"displacement":0,"address_size":32,"access":"write","align":0,"element":0},{"segment":"cs","base":"esi","index":null,"scale":0,"displacement":0,"address_size":32,"access":"read","align":0,"element":0}]}
64|f2ab|{"bytes":"f2ab","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"stosd","direction":"write","width":4,"extend":"none","register":"eax","immediate":null,"rep":"repne","locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"es","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|48ad|{"bytes":"48ad","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"lodsq","direction":"read","width":8,"extend":"none","register":"rax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rsi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
16|a13412|{"bytes":"a13412","mode":16,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"read","width":2,"extend":"none","register":"ax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":null,"index":null,"scale":0,"displacement":4660,"address_size":16,"access":"read","align":0,"element":0}]}
16|8b00|{"bytes":"8b00","mode":16,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"mov","direction":"read","width":2,"extend":"none","register":"ax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"bx","index":"si","scale":1,"displacement":0,"address_size":16,"access":"read","align":0,"element":0}]}
16|8b46fe|{"bytes":"8b46fe","mode":16,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"mov","direction":"read","width":2,"extend":"none","register":"ax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ss","base":"bp","index":null,"scale":0,"displacement":-2,"address_size":16,"access":"read","align":0,"element":0}]}
32|67a13412|{"bytes":"67a13412","mode":32,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"mov","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":null,"index":null,"scale":0,"displacement":4660,"address_size":16,"access":"read","align":0,"element":0}]}
64|89d8|{"bytes":"89d8","mode":64,"vendor":"any","status":"no-memory","vendor_dependent":false,"length":2}
64|d907|{"bytes":"d907","mode":64,"vendor":"any","status":"unsupported","vendor_dependent":false,"length":2}
64|ff|{"bytes":"ff","mode":64,"vendor":"any","status":"truncated","vendor_dependent":false}
64|06|{"bytes":"06","mode":64,"vendor":"any","status":"invalid","vendor_dependent":false}
64|66666666666666666666666666666690|{"bytes":"66666666666666666666666666666690","mode":64,"vendor":"any","status":"invalid","vendor_dependent":false}
64|f00108|{"bytes":"f00108","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"add","direction":"read-write","width":4,"extend":"none","register":"ecx","immediate":null,"rep":null,"locked":true,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|3b08|{"bytes":"3b08","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"cmp","direction":"read","width":4,"extend":"none","register":"ecx","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|d320|{"bytes":"d320","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"shl","direction":"read-write","width":4,"extend":"none","register":"cl","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|c12003|{"bytes":"c12003","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"shl","direction":"read-write","width":4,"extend":"none","register":null,"immediate":3,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|f630|{"bytes":"f630","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"div","direction":"read","width":1,"extend":"none","register":"ax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|0f9400|{"bytes":"0f9400","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"setz","direction":"write","width":1,"extend":"none","register":null,"immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|0f4407|{"bytes":"0f4407","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"cmovz","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|488708|{"bytes":"488708","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"xchg","direction":"read-write","width":8,"extend":"none","register":"rcx","immediate":null,"rep":null,"locked":true,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|f0480fc70e|{"bytes":"f0480fc70e","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":5,"mnemonic":"cmpxchg16b","direction":"read-write","width":16,"extend":"none","register":"rax","immediate":null,"rep":null,"locked":true,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rsi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|0fba2805|{"bytes":"0fba2805","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"bts","direction":"read-write","width":4,"extend":"none","register":null,"immediate":5,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|0f38f007|{"bytes":"0f38f007","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"movbe","direction":"read","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|62e17c4d11400f|{"bytes":"62e17c4d11400f","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":7,"mnemonic":"vmovups","direction":"write","width":64,"extend":"none","register":"zmm16","immediate":null,"rep":null,"locked":false,"mask":"k5","zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":960,"address_size":64,"access":"write","align":0,"element":4}]}
64|62f1fecf6f00|{"bytes":"62f1fecf6f00","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":6,"mnemonic":"vmovdqu64","direction":"read","width":64,"extend":"none","register":"zmm0","immediate":null,"rep":null,"locked":false,"mask":"k7","zeroing":true,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":8}]}
64|660f2900|{"bytes":"660f2900","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"movapd","direction":"write","width":16,"extend":"none","register":"xmm0","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":16,"element":0}]}
64|c5e81208|{"bytes":"c5e81208","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"vmovlps","direction":"read","width":8,"extend":"none","register":"xmm1","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":"xmm2","memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|c5fc2907|{"bytes":"c5fc2907","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"vmovaps","direction":"write","width":32,"extend":"none","register":"ymm0","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":32,"element":0}]}
32|0f6e00|{"bytes":"0f6e00","mode":32,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"movd","direction":"read","width":4,"extend":"none","register":"mm0","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"eax","index":null,"scale":0,"displacement":0,"address_size":32,"access":"read","align":0,"element":0}]}
64|0f38f907|{"bytes":"0f38f907","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"movdiri","direction":"write","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|64660f38f808|{"bytes":"64660f38f808","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":6,"mnemonic":"movdir64b","direction":"read-write","width":64,"extend":"none","register":"rcx","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"es","base":"rcx","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":64,"element":0},{"segment":"fs","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
16|f20f38f80f|{"bytes":"f20f38f80f","mode":16,"vendor":"any","status":"ok","vendor_dependent":false,"length":5,"mnemonic":"enqcmd","direction":"read-write","width":64,"extend":"none","register":"cx","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"es","base":"cx","index":null,"scale":0,"displacement":0,"address_size":16,"access":"write","align":64,"element":0},{"segment":"ds","base":"bx","index":null,"scale":0,"displacement":0,"address_size":16,"access":"read","align":0,"element":0}]}
64|0f38f107|{"bytes":"0f38f107","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":4,"mnemonic":"movbe","direction":"write","width":4,"extend":"none","register":"eax","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
64|6b0705|{"bytes":"6b0705","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"imul","direction":"read","width":4,"extend":"none","register":"eax","immediate":5,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read","align":0,"element":0}]}
64|8030ff|{"bytes":"8030ff","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"xor","direction":"read-write","width":1,"extend":"none","register":null,"immediate":255,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
64|8300ff|{"bytes":"8300ff","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":3,"mnemonic":"add","direction":"read-write","width":4,"extend":"none","register":null,"immediate":4294967295,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rax","index":null,"scale":0,"displacement":0,"address_size":64,"access":"read-write","align":0,"element":0}]}
CASES
)

while IFS='|' read -r mode hex want; do
	run 0 "$want" -- --mode "$mode" --json "$hex"
done <<<"$json_cases"

# Text output: one readable line per input.
run 0 '8827: ok len=2 mov write width=1 reg=ah mem=ds:[rdi] asz=64' -- 8827
run 0 '8b45fc: ok len=3 mov read width=4 reg=eax mem=ss:[ebp-0x4] asz=32' -- --mode 32 8b45fc
run 0 'c7048878563412: ok len=7 mov write width=4 imm=0x12345678 mem=ds:[rax+rcx*4] asz=64' -- c7048878563412
run 0 '0fb607: ok len=3 movzx read width=1 extend=zero reg=eax mem=ds:[rdi] asz=64' -- 0fb607
run 0 '8b0510000000: ok len=6 mov read width=4 reg=eax mem=ds:[rip+0x10] asz=64' -- 8b0510000000
run 0 'a20000000000000080: ok len=9 mov write width=1 reg=al mem=ds:[0x8000000000000000] asz=64' -- a20000000000000080
# Tier 2: a read-modify-write, locked; a register at the width it is
# used at (cl for a shift count, ax for a byte DIV); a condition in the
# mnemonic.
run 0 'f00108: ok len=3 add read-write width=4 reg=ecx mem=ds:[rax] asz=64 locked' -- f00108
run 0 '488708: ok len=3 xchg read-write width=8 reg=rcx mem=ds:[rax] asz=64 locked' -- 488708
run 0 'd320: ok len=2 shl read-write width=4 reg=cl mem=ds:[rax] asz=64' -- d320
run 0 'f630: ok len=2 div read width=1 reg=ax mem=ds:[rax] asz=64' -- f630
run 0 '0f9400: ok len=3 setz write width=1 mem=ds:[rax] asz=64' -- 0f9400
run 0 'f0480fc70e: ok len=5 cmpxchg16b read-write width=16 reg=rax mem=ds:[rsi] asz=64 locked' -- f0480fc70e
run 0 'f3a4: ok len=2 rep movsb read-write width=1 mem=es:[rdi] asz=64 access=write mem=ds:[rsi] asz=64 access=read' -- f3a4
run 0 '8b00: ok len=2 mov read width=2 reg=ax mem=ds:[bx+si*1] asz=16' -- --mode=16 8b00
# Tier 3 (SDM vol. 2 for each): the opmask with EVEX.z, the alignment
# MOVAPS requires, VMOVLPS's other source (VEX.vvvv), MOVDIR64B's
# destination ES:[rcx] aligned to 64 and its source.
run 0 '62f17ec96f17: ok len=6 vmovdqu32 read width=64 reg=zmm2 {k1}{z} mem=ds:[rdi] asz=64 element=4' -- 62f17ec96f17
run 0 '0f2807: ok len=3 movaps read width=16 reg=xmm0 mem=ds:[rdi] asz=64 align=16' -- 0f2807
run 0 'c5e8120f: ok len=4 vmovlps read width=8 reg=xmm1 reg2=xmm2 mem=ds:[rdi] asz=64' -- c5e8120f
run 0 '660f38f80e: ok len=5 movdir64b read-write width=64 reg=rcx mem=es:[rcx] asz=64 access=write align=64 mem=ds:[rsi] asz=64 access=read' -- 660f38f80e
run 0 '89d8: no-memory len=2' -- 89d8
run 0 'ff: truncated' -- ff
run 1 'zz: bad-input: not a hex digit at column 1' -- zz

# Bad input: its own line, the others still decoded, exit 1.
run 1 '{"bytes":"zz","status":"bad-input","error":"not a hex digit at column 1"}' -- --json zz
run 1 '{"bytes":"882","status":"bad-input","error":"odd number of hex digits (unpaired digit at column 3)"}' -- --json 882
run 1 '{"bytes":"8 827","status":"bad-input","error":"odd number of hex digits (unpaired digit at column 1)"}' -- --json '8 827'
run 1 '{"bytes":"0x88","status":"bad-input","error":"not a hex digit at column 2"}' -- --json 0x88
run 1 '{"bytes":"","status":"bad-input","error":"empty input"}' -- --json ''
run 1 '{"bytes":"  ","status":"bad-input","error":"no hex digits"}' -- --json '  '
run 1 '{"bytes":"a\"b\\c\u0001\u0009","status":"bad-input","error":"not a hex digit at column 2"}' -- --json $'a"b\\c\x01\t'
run 1 $'{"bytes":"\xc3\xa9\\ufffd","status":"bad-input","error":"not a hex digit at column 1"}' -- --json $'\xc3\xa9\xff'
nops64=$(printf '90%.0s' $(seq 64))
run 0 "{\"bytes\":\"$nops64\",\"mode\":64,\"vendor\":\"any\",\"status\":\"no-memory\",\"vendor_dependent\":false,\"length\":1}" -- --json "$nops64"
run 1 "{\"bytes\":\"${nops64}90\",\"status\":\"bad-input\",\"error\":\"too long: more than 64 bytes\"}" -- --json "${nops64}90"
run 1 '{"bytes":"8827","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"ah","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
{"bytes":"zz","status":"bad-input","error":"not a hex digit at column 1"}
{"bytes":"ff","mode":64,"vendor":"any","status":"truncated","vendor_dependent":false}' -- --json 8827 zz ff

# Standard input: one instruction per line, order kept, CRLF tolerated,
# an empty line is bad input, a last line without newline still counts.
run 1 '{"bytes":"8827","mode":64,"vendor":"any","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"ah","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}
{"bytes":"zz","status":"bad-input","error":"not a hex digit at column 1"}
{"bytes":"89d8","mode":64,"vendor":"any","status":"no-memory","vendor_dependent":false,"length":2}
{"bytes":"","status":"bad-input","error":"empty input"}
{"bytes":"ff","mode":64,"vendor":"any","status":"truncated","vendor_dependent":false}' -- --json < <(printf '88 27\r\nzz\n89d8\n\nff')
run 0 '{"bytes":"89d8","mode":32,"vendor":"any","status":"no-memory","vendor_dependent":false,"length":2}
{"bytes":"ff","mode":32,"vendor":"any","status":"truncated","vendor_dependent":false}' -- --mode 32 --json < <(printf '89d8\r\nFF\n')
run 0 '' -- --json < /dev/null

# --vendor: where Intel and AMD read the bytes differently (README, "Intel
# and AMD"), any answers vendor-dependent and each vendor its own reading,
# marked as not shared; elsewhere the vendor changes nothing but the field.
run 0 '666303: vendor-dependent len=3
0f34: vendor-dependent
8827: ok len=2 mov write width=1 reg=ah mem=ds:[rdi] asz=64' -- 666303 0f34 8827
run 0 '666303: ok len=3 movsxd read width=2 extend=sign reg=ax mem=ds:[rbx] asz=64 vendor-specific
66e83412: truncated vendor-specific
0f34: no-memory len=2 vendor-specific' -- --vendor intel 666303 66e83412 0f34
run 0 '666303: ok len=3 movsxd read width=4 extend=sign reg=ax mem=ds:[rbx] asz=64 vendor-specific
66e83412: no-memory len=4 vendor-specific
0f34: invalid vendor-specific' -- --vendor=amd 666303 66e83412 0f34
run 0 '0f05: no-memory len=2 vendor-specific' -- --mode 32 --vendor amd 0f05
run 0 '0f05: invalid vendor-specific' -- --mode 32 --vendor intel 0f05
run 0 '{"bytes":"666303","mode":64,"vendor":"any","status":"vendor-dependent","vendor_dependent":true,"length":3}
{"bytes":"0fffc0","mode":64,"vendor":"any","status":"vendor-dependent","vendor_dependent":true}' -- --json 666303 0fffc0
run 0 '{"bytes":"66e80000","mode":32,"vendor":"any","status":"no-memory","vendor_dependent":false,"length":4}' -- --json --mode 32 66e80000
run 0 '{"bytes":"0fffc0","mode":64,"vendor":"amd","status":"no-memory","vendor_dependent":true,"length":2}
{"bytes":"8827","mode":64,"vendor":"amd","status":"ok","vendor_dependent":false,"length":2,"mnemonic":"mov","direction":"write","width":1,"extend":"none","register":"ah","immediate":null,"rep":null,"locked":false,"mask":null,"zeroing":false,"reg2":null,"memory":[{"segment":"ds","base":"rdi","index":null,"scale":0,"displacement":0,"address_size":64,"access":"write","align":0,"element":0}]}' -- --vendor amd --json 0fffc0 8827
run 0 '{"bytes":"f00f20c0","mode":64,"vendor":"intel","status":"invalid","vendor_dependent":true}' -- --json --vendor intel f00f20c0

# Command line errors: exit 2, usage on standard error, nothing decoded.
for args in '--mode 7 8827' '--mode' '--mode= 8827' '--bogus 8827' '-x' \
	'--vendor' '--vendor hygon 8827' '--vendor= 8827' '--vendor ANY 8827' \
	'--vendor=1 8827'; do
	# shellcheck disable=SC2086 # split on purpose
	err=$("$cli" $args 2>&1 >/dev/null) && status=0 || status=$?
	[ "$status" = 2 ] || fail "mmiodec $args exited $status, expected 2"
	case $err in
	*Usage:*) ;;
	*) fail "mmiodec $args: no usage message on stderr" ;;
	esac
	out=$("$cli" $args 2>/dev/null) || true
	[ -z "$out" ] || fail "mmiodec $args printed on stdout: $out"
done

help=$("$cli" --help) && status=0 || status=$?
[ "$status" = 0 ] || fail "mmiodec --help exited $status"
case $help in
Usage:*) ;;
*) fail "mmiodec --help: no usage on stdout" ;;
esac

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "all CLI checks passed"
