/* SPDX-License-Identifier: MIT */
/*
 * Test vectors of tests/unit/test_contract.c: LOCK where it cannot go, REX
 * in the wrong place, operands that are not memory.
 * Data only, shared by the CMocka tests and the kernel self-test
 * (kernel/selftest.c runs every table listed in tests/vectors/all.h);
 * the format is described in tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_CONTRACT_CASES_H
#define MMIODEC_VECTORS_CONTRACT_CASES_H

#include "../unit/decode_text.h"

static const struct decode_case contract_lock_cases[] = {
	/* every supported form */
	{ 64, "F0 88 03",                        "invalid" },
	{ 64, "F0 89 03",                        "invalid" },
	{ 64, "F0 8A 03",                        "invalid" },
	{ 64, "F0 8B 03",                        "invalid" },
	{ 64, "F0 C6 03 01",                     "invalid" },
	{ 64, "F0 C7 03 01 00 00 00",            "invalid" },
	{ 64, "F0 A1 88 77 66 55 44 33 22 11",   "invalid" },
	{ 64, "F0 A2 88 77 66 55 44 33 22 11",   "invalid" },
	{ 64, "F0 0F B6 03",                     "invalid" },
	{ 64, "F0 0F BF 03",                     "invalid" },
	{ 64, "F0 48 63 03",                     "invalid" },
	{ 64, "F0 0F C3 03",                     "invalid" },
	{ 64, "F0 A4",                           "invalid" },
	{ 64, "F3 F0 A5",                        "invalid" },
	{ 64, "F0 AA",                           "invalid" },
	{ 64, "F0 AD",                           "invalid" },
	{ 32, "F0 89 03",                        "invalid" },
	{ 16, "F0 C7 07 34 12",                  "invalid" },
	/* a register destination, or no read-modify-write */
	{ 64, "F0 01 D8",                        "invalid" },
	{ 64, "F0 87 C3",                        "invalid" },
	{ 64, "F0 90",                           "invalid" },
	{ 64, "F0 8D 03",                        "invalid" },
	{ 64, "F0 FF 33",                        "invalid" },
	/* where it can go: a locked read-modify-write of memory */
	{ 64, "F0 01 03",                        "add ldst w4 eax ds:[rbx] lock o4 a64" },
	{ 64, "F0 87 03",                        "xchg ldst w4 eax ds:[rbx] lock o4 a64" },
	{ 64, "F0 0F C1 03",                     "xadd ldst w4 eax ds:[rbx] lock o4 a64" },
	{ 16, "F0 FF 07",                        "inc ldst w2 ds:[bx] lock o2 a16" },
};

static const struct decode_case contract_rex_cases[] = {
	/* followed by a legacy prefix: ignored */
	{ 64, "48 66 89 03",          "mov st w2 ax ds:[rbx] o2 a64" },
	{ 64, "66 48 89 03",          "mov st w8 rax ds:[rbx] o8 a64" },
	{ 64, "41 2E 89 03",          "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "2E 41 89 03",          "mov st w4 eax ds:[r11] o4 a64" },
	{ 64, "4C F3 A4",             "movs ldst w1 es:[rdi] ds:[rsi] rep repeat o4 a64" },
	/* several: only the last counts */
	{ 64, "48 40 89 03",          "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "40 48 89 03",          "mov st w8 rax ds:[rbx] o8 a64" },
	{ 64, "40 40 88 23",          "mov st w1 spl ds:[rbx] o4 a64" },
	/* before VEX, EVEX or XOP */
	{ 64, "C5 F8 77",             "no-memory" },
	{ 64, "40 C5 F8 77",          "invalid" },
	{ 64, "C4 E1 7D 6F 00",       "vmovdqa ld w32 ymm0 ds:[rax]+align32 rfirst o4 a64" },
	{ 64, "48 C4 E1 7D 6F 00",    "invalid" },
	{ 64, "62 F1 7C 48 10 00",    "vmovups ld w64 zmm0 ds:[rax] rfirst o4 a64" },
	{ 64, "40 62 F1 7C 48 10 00", "invalid" },
	{ 64, "8F E9 78 80 C0",       "no-memory" },
	{ 64, "41 8F E9 78 80 C0",    "invalid" },
	/* outside 64-bit mode: INC or DEC, one byte */
	{ 32, "48 | 89 03",           "no-memory" },
	{ 32, "40 | C5 F8 77",        "no-memory" },
	{ 16, "41 | 89 03",           "no-memory" },
	{ 16, "4F | A4",              "no-memory" },
};

static const struct decode_case contract_not_memory_cases[] = {
	/* register forms of the supported opcodes */
	{ 64, "88 C3",                "no-memory" },
	{ 64, "89 C3",                "no-memory" },
	{ 64, "8A C3",                "no-memory" },
	{ 64, "48 8B C3",             "no-memory" },
	{ 64, "C6 C0 01",             "no-memory" },
	{ 64, "C7 C0 01 00 00 00",    "no-memory" },
	{ 64, "48 C7 C0 01 00 00 00", "no-memory" },
	{ 64, "0F B6 C3",             "no-memory" },
	{ 64, "0F B7 C3",             "no-memory" },
	{ 64, "0F BE C3",             "no-memory" },
	{ 64, "48 0F BF C3",          "no-memory" },
	{ 64, "48 63 C3",             "no-memory" },
	{ 32, "89 C3",                "no-memory" },
	{ 16, "C7 C0 34 12",          "no-memory" },
	/* MOVNTI has no register form */
	{ 64, "0F C3 C3",             "invalid" },
	{ 64, "48 0F C3 C3",          "invalid" },
	{ 32, "0F C3 C3",             "invalid" },
	/* C6/C7 with ModRM.reg 1..7 */
	{ 64, "C6 08 01",             "invalid" },
	{ 64, "C6 10 01",             "invalid" },
	{ 64, "C6 18 01",             "invalid" },
	{ 64, "C6 20 01",             "invalid" },
	{ 64, "C6 28 01",             "invalid" },
	{ 64, "C6 30 01",             "invalid" },
	{ 64, "C6 38 01",             "invalid" },
	{ 64, "C7 08 01 00 00 00",    "invalid" },
	{ 64, "C7 78 10 01 00 00 00", "invalid" },
	{ 32, "C7 48 10 01 00 00 00", "invalid" },
	{ 16, "C6 0F 01",             "invalid" },
	{ 64, "C6 C8 01",             "invalid" },
	{ 64, "C7 F0 01 00 00 00",    "invalid" },
	{ 64, "C6 F9 01",             "invalid" },
	{ 64, "C7 FF 01 00 00 00",    "invalid" },
	/* ... but C6 F8 is XABORT and C7 F8 XBEGIN */
	{ 64, "C6 F8 01",             "no-memory" },
	{ 64, "C7 F8 00 00 00 00",    "no-memory" },
	{ 16, "C7 F8 00 00",          "no-memory" },
};

#endif
