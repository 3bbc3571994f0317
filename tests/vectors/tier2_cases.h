/* SPDX-License-Identifier: MIT */
/*
 * Test vectors for the read-modify-write, compare, test, bit, shift and
 * condition forms (tier 2): one or more per encoding pattern of
 * src/forms.h, with the register and immediate the SDM names, worked out
 * by hand (the Zydis differential test covers every form in every mode).
 * Format: tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_TIER2_CASES_H
#define MMIODEC_VECTORS_TIER2_CASES_H

#include "../unit/decode_text.h"

/* ADD..CMP: 00-3B with memory, either direction, and group 1. */
static const struct decode_case tier2_alu_cases[] = {
	{ 64, "00 23",                 "add ldst w1 ah ds:[rbx] o4 a64" },
	{ 64, "40 00 23",              "add ldst w1 spl ds:[rbx] o4 a64" },
	{ 64, "48 01 0B",              "add ldst w8 rcx ds:[rbx] o8 a64" },
	{ 64, "02 03",                 "add ld w1 al ds:[rbx] rfirst o4 a64" },
	{ 64, "66 03 0B",              "add ld w2 cx ds:[rbx] rfirst o2 a64" },
	{ 64, "08 03",                 "or ldst w1 al ds:[rbx] o4 a64" },
	{ 64, "13 03",                 "adc ld w4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "18 03",                 "sbb ldst w1 al ds:[rbx] o4 a64" },
	{ 64, "21 03",                 "and ldst w4 eax ds:[rbx] o4 a64" },
	{ 64, "2B 03",                 "sub ld w4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "30 03",                 "xor ldst w1 al ds:[rbx] o4 a64" },
	{ 64, "39 03",                 "cmp ld w4 eax ds:[rbx] o4 a64" },
	{ 64, "3A 03",                 "cmp ld w1 al ds:[rbx] rfirst o4 a64" },
	{ 64, "80 0B FF",              "or ldst w1 imm=0xff ds:[rbx] o4 a64" },
	{ 64, "48 81 03 00 00 00 80",  "add ldst w8 imm=0xffffffff80000000 ds:[rbx] o8 a64" },
	{ 64, "66 83 3B FF",           "cmp ld w2 imm=0xffff ds:[rbx] o2 a64" },
	{ 64, "83 23 7F",              "and ldst w4 imm=0x7f ds:[rbx] o4 a64" },
	{ 64, "83 05 10 00 00 00 01",  "add ldst w4 imm=0x1 ds:[rip+0x10] o4 a64" },
	{ 32, "82 03 01",              "add ldst w1 imm=0x1 ds:[ebx] o4 a32" },
	{ 64, "82 03 01",              "invalid" },
	{ 16, "01 07",                 "add ldst w2 ax ds:[bx] o2 a16" },
	{ 64, "01 C3",                 "no-memory" },
};

/* TEST, NOT, NEG, MUL, IMUL, DIV, IDIV, INC, DEC. */
static const struct decode_case tier2_unary_cases[] = {
	{ 64, "84 23",                 "test ld w1 ah ds:[rbx] o4 a64" },
	{ 64, "F7 03 78 56 34 12",     "test ld w4 imm=0x12345678 ds:[rbx] o4 a64" },
	{ 64, "F6 0B 80",              "test ld w1 imm=0x80 ds:[rbx] o4 a64" },
	{ 64, "F6 13",                 "not ldst w1 ds:[rbx] o4 a64" },
	{ 64, "48 F7 1B",              "neg ldst w8 ds:[rbx] o8 a64" },
	/* the accumulator as Zydis names it: AL for MUL, AX for DIV */
	{ 64, "F6 23",                 "mul ld w1 al ds:[rbx] o4 a64" },
	{ 64, "F7 2B",                 "imul ld w4 eax ds:[rbx] o4 a64" },
	{ 64, "F6 33",                 "div ld w1 d2 ax ds:[rbx] o4 a64" },
	{ 64, "66 F6 33",              "div ld w1 d2 ax ds:[rbx] o2 a64" },
	{ 64, "48 F7 3B",              "idiv ld w8 rax ds:[rbx] o8 a64" },
	{ 64, "0F AF 0B",              "imul ld w4 ecx ds:[rbx] rfirst o4 a64" },
	{ 64, "69 0B 78 56 34 12",     "imul ld w4 ecx imm=0x12345678 ds:[rbx] rfirst o4 a64" },
	{ 64, "66 6B 0B FF",           "imul ld w2 cx imm=0xffff ds:[rbx] rfirst o2 a64" },
	{ 64, "FE 03",                 "inc ldst w1 ds:[rbx] o4 a64" },
	{ 64, "66 FF 0B",              "dec ldst w2 ds:[rbx] o2 a64" },
	{ 32, "FF 03",                 "inc ldst w4 ds:[ebx] o4 a32" },
	{ 64, "F7 E0",                 "no-memory" },
};

/* XCHG, CMPXCHG, XADD, CMPXCHG8B/16B. */
static const struct decode_case tier2_exchange_cases[] = {
	{ 64, "87 0B",                 "xchg ldst w4 ecx ds:[rbx] lock o4 a64" },
	{ 64, "F0 86 23",              "xchg ldst w1 ah ds:[rbx] lock o4 a64" },
	{ 64, "0F B0 23",              "cmpxchg ldst w1 ah ds:[rbx] o4 a64" },
	{ 64, "F0 48 0F B1 0B",        "cmpxchg ldst w8 rcx ds:[rbx] lock o8 a64" },
	{ 32, "0F B1 0B",              "cmpxchg ldst w4 ecx ds:[ebx] o4 a32" },
	{ 64, "0F C0 03",              "xadd ldst w1 al ds:[rbx] o4 a64" },
	{ 64, "0F C7 0B",              "cmpxchg8b ldst w8 d4 eax ds:[rbx] o4 a64" },
	{ 64, "F0 48 0F C7 0B",        "cmpxchg16b ldst w16 d8 rax ds:[rbx] lock o8 a64" },
	{ 16, "0F C7 0F",              "cmpxchg8b ldst w8 d4 eax ds:[bx] o4 a16" },
	{ 64, "66 0F C7 0B",           "cmpxchg8b ldst w8 d4 eax ds:[rbx] o4 a64" },
	{ 64, "0F C7 C8",              "invalid" },
};

/* BT, BTS, BTR, BTC; shifts and rotates; SHLD, SHRD. */
static const struct decode_case tier2_bit_shift_cases[] = {
	{ 64, "0F A3 03",              "bt ld w4 eax ds:[rbx] o4 a64" },
	{ 64, "66 0F AB 0B",           "bts ldst w2 cx ds:[rbx] o2 a64" },
	{ 64, "F0 48 0F B3 03",        "btr ldst w8 rax ds:[rbx] lock o8 a64" },
	{ 64, "0F BA 23 FF",           "bt ld w4 imm=0xff ds:[rbx] o4 a64" },
	{ 64, "F0 0F BA 3B 05",        "btc ldst w4 imm=0x5 ds:[rbx] lock o4 a64" },
	{ 64, "0F BA 03 05",           "invalid" },
	{ 64, "C0 03 05",              "rol ldst w1 imm=0x5 ds:[rbx] o4 a64" },
	{ 64, "C1 0B FF",              "ror ldst w4 imm=0xff ds:[rbx] o4 a64" },
	{ 64, "D0 13",                 "rcl ldst w1 imm=0x1 ds:[rbx] o4 a64" },
	{ 64, "48 D1 1B",              "rcr ldst w8 imm=0x1 ds:[rbx] o8 a64" },
	{ 64, "D2 23",                 "shl ldst w1 cl ds:[rbx] o4 a64" },
	{ 64, "D3 2B",                 "shr ldst w4 d1 cl ds:[rbx] o4 a64" },
	{ 64, "D3 33",                 "shl ldst w4 d1 cl ds:[rbx] o4 a64" },
	{ 64, "66 D3 3B",              "sar ldst w2 d1 cl ds:[rbx] o2 a64" },
	{ 64, "0F A4 0B 04",           "shld ldst w4 ecx imm=0x4 ds:[rbx] o4 a64" },
	{ 64, "48 0F AD 0B",           "shrd ldst w8 rcx ds:[rbx] o8 a64" },
	{ 64, "D3 E0",                 "no-memory" },
};

/* SETcc, CMOVcc, MOVBE. */
static const struct decode_case tier2_condition_cases[] = {
	{ 64, "0F 94 03",              "setz st w1 ds:[rbx] o4 a64" },
	{ 64, "0F 9C 23",              "setl st w1 ds:[rbx] o4 a64" },
	{ 16, "0F 94 07",              "setz st w1 ds:[bx] o2 a16" },
	{ 64, "0F 45 0B",              "cmovnz ld w4 ecx ds:[rbx] rfirst o4 a64" },
	{ 64, "48 0F 40 03",           "cmovo ld w8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "0F 38 F0 0B",           "movbe ld w4 ecx ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F 38 F1 0B",        "movbe st w2 cx ds:[rbx] o2 a64" },
	{ 64, "F2 0F 38 F0 03",        "unsupported" },
	{ 64, "0F 94 C0",              "no-memory" },
};

/* LOCK only where the SDM allows it: never on a form that only reads or
 * only writes memory. */
static const struct decode_case tier2_lock_cases[] = {
	{ 64, "F0 F6 13",              "not ldst w1 ds:[rbx] lock o4 a64" },
	{ 64, "F0 FE 0B",              "dec ldst w1 ds:[rbx] lock o4 a64" },
	{ 64, "F0 0F C0 03",           "xadd ldst w1 al ds:[rbx] lock o4 a64" },
	{ 64, "F0 38 03",              "invalid" },
	{ 64, "F0 85 03",              "invalid" },
	{ 64, "F0 0F A3 03",           "invalid" },
	{ 64, "F0 0F 94 03",           "invalid" },
	{ 64, "F0 D0 03",              "invalid" },
	{ 64, "F0 F6 23",              "invalid" },
	{ 64, "F0 0F AF 03",           "invalid" },
	{ 64, "F0 0F 38 F0 03",        "invalid" },
	{ 64, "F0 0F 45 03",           "invalid" },
	{ 64, "F0 02 03",              "invalid" },
};

#endif
