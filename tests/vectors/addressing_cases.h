/* SPDX-License-Identifier: MIT */
/*
 * Test vectors of tests/unit/test_addressing.c: memory operand encodings
 * in 16-, 32- and 64-bit addressing.
 * Data only, shared by the CMocka tests and the kernel self-test
 * (kernel/selftest.c runs every table listed in tests/vectors/all.h);
 * the format is described in tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_ADDRESSING_CASES_H
#define MMIODEC_VECTORS_ADDRESSING_CASES_H

#include "../unit/decode_text.h"

/* The whole 16-bit ModRM table; a BP base means SS. */
static const struct decode_case addressing_modrm16_cases[] = {
	{ 16, "89 00",          "mov st w2 ax ds:[bx+si*1] o2 a16" },
	{ 16, "89 01",          "mov st w2 ax ds:[bx+di*1] o2 a16" },
	{ 16, "89 02",          "mov st w2 ax ss:[bp+si*1] o2 a16" },
	{ 16, "89 03",          "mov st w2 ax ss:[bp+di*1] o2 a16" },
	{ 16, "89 04",          "mov st w2 ax ds:[si] o2 a16" },
	{ 16, "89 05",          "mov st w2 ax ds:[di] o2 a16" },
	{ 16, "89 06 34 12",    "mov st w2 ax ds:[0x1234] o2 a16" },
	{ 16, "89 06 FE FF",    "mov st w2 ax ds:[-0x2] o2 a16" },
	{ 16, "89 07",          "mov st w2 ax ds:[bx] o2 a16" },
	{ 16, "89 40 10",       "mov st w2 ax ds:[bx+si*1+0x10] o2 a16" },
	{ 16, "89 41 F0",       "mov st w2 ax ds:[bx+di*1-0x10] o2 a16" },
	{ 16, "89 42 7F",       "mov st w2 ax ss:[bp+si*1+0x7f] o2 a16" },
	{ 16, "89 43 80",       "mov st w2 ax ss:[bp+di*1-0x80] o2 a16" },
	{ 16, "89 44 01",       "mov st w2 ax ds:[si+0x1] o2 a16" },
	{ 16, "89 45 FF",       "mov st w2 ax ds:[di-0x1] o2 a16" },
	{ 16, "89 46 00",       "mov st w2 ax ss:[bp] o2 a16" },
	{ 16, "89 47 10",       "mov st w2 ax ds:[bx+0x10] o2 a16" },
	{ 16, "89 80 34 12",    "mov st w2 ax ds:[bx+si*1+0x1234] o2 a16" },
	{ 16, "89 81 00 80",    "mov st w2 ax ds:[bx+di*1-0x8000] o2 a16" },
	{ 16, "89 82 FF 7F",    "mov st w2 ax ss:[bp+si*1+0x7fff] o2 a16" },
	{ 16, "89 83 34 12",    "mov st w2 ax ss:[bp+di*1+0x1234] o2 a16" },
	{ 16, "89 84 34 12",    "mov st w2 ax ds:[si+0x1234] o2 a16" },
	{ 16, "89 85 34 12",    "mov st w2 ax ds:[di+0x1234] o2 a16" },
	{ 16, "89 86 34 12",    "mov st w2 ax ss:[bp+0x1234] o2 a16" },
	{ 16, "89 87 FE FF",    "mov st w2 ax ds:[bx-0x2] o2 a16" },
	{ 16, "89 1E 34 12",    "mov st w2 bx ds:[0x1234] o2 a16" },
	{ 32, "67 89 02",       "mov st w4 eax ss:[bp+si*1] o4 a16" },
	{ 32, "67 89 46 02",    "mov st w4 eax ss:[bp+0x2] o4 a16" },
	{ 32, "67 89 06 34 12", "mov st w4 eax ds:[0x1234] o4 a16" },
};

/* 32-bit ModRM and SIB. A base of ESP or EBP means SS; mod=0 rm=5 and
 * mod=0 SIB.base=5 are disp32 without a base (not EIP-relative); SIB.index=4
 * is no index. */
static const struct decode_case addressing_modrm32_cases[] = {
	{ 32, "89 00",                   "mov st w4 eax ds:[eax] o4 a32" },
	{ 32, "89 01",                   "mov st w4 eax ds:[ecx] o4 a32" },
	{ 32, "89 02",                   "mov st w4 eax ds:[edx] o4 a32" },
	{ 32, "89 03",                   "mov st w4 eax ds:[ebx] o4 a32" },
	{ 32, "89 04 24",                "mov st w4 eax ss:[esp] o4 a32" },
	{ 32, "89 05 78 56 34 12",       "mov st w4 eax ds:[0x12345678] o4 a32" },
	{ 32, "89 05 00 00 00 80",       "mov st w4 eax ds:[-0x80000000] o4 a32" },
	{ 32, "89 06",                   "mov st w4 eax ds:[esi] o4 a32" },
	{ 32, "89 07",                   "mov st w4 eax ds:[edi] o4 a32" },
	{ 32, "89 40 10",                "mov st w4 eax ds:[eax+0x10] o4 a32" },
	{ 32, "89 44 24 F0",             "mov st w4 eax ss:[esp-0x10] o4 a32" },
	{ 32, "89 45 80",                "mov st w4 eax ss:[ebp-0x80] o4 a32" },
	{ 32, "89 45 00",                "mov st w4 eax ss:[ebp] o4 a32" },
	{ 32, "89 47 7F",                "mov st w4 eax ds:[edi+0x7f] o4 a32" },
	{ 32, "89 80 78 56 34 12",       "mov st w4 eax ds:[eax+0x12345678] o4 a32" },
	{ 32, "89 84 24 00 00 00 80",    "mov st w4 eax ss:[esp-0x80000000] o4 a32" },
	{ 32, "89 85 FF FF FF FF",       "mov st w4 eax ss:[ebp-0x1] o4 a32" },
	{ 32, "89 04 08",                "mov st w4 eax ds:[eax+ecx*1] o4 a32" },
	{ 32, "89 04 48",                "mov st w4 eax ds:[eax+ecx*2] o4 a32" },
	{ 32, "89 04 88",                "mov st w4 eax ds:[eax+ecx*4] o4 a32" },
	{ 32, "89 04 C8",                "mov st w4 eax ds:[eax+ecx*8] o4 a32" },
	{ 32, "89 04 20",                "mov st w4 eax ds:[eax] o4 a32" },
	{ 32, "89 04 60",                "mov st w4 eax ds:[eax] o4 a32" },
	{ 32, "89 04 25 78 56 34 12",    "mov st w4 eax ds:[0x12345678] o4 a32" },
	{ 32, "89 04 8D 78 56 34 12",    "mov st w4 eax ds:[ecx*4+0x12345678] o4 a32" },
	{ 32, "89 04 AD 00 00 00 00",    "mov st w4 eax ds:[ebp*4] o4 a32" },
	{ 32, "89 44 8D 10",             "mov st w4 eax ss:[ebp+ecx*4+0x10] o4 a32" },
	{ 32, "89 84 8D 78 56 34 12",    "mov st w4 eax ss:[ebp+ecx*4+0x12345678] o4 a32" },
	{ 32, "89 04 2B",                "mov st w4 eax ds:[ebx+ebp*1] o4 a32" },
	{ 32, "89 04 1C",                "mov st w4 eax ss:[esp+ebx*1] o4 a32" },
	{ 32, "89 5C 9E FC",             "mov st w4 ebx ds:[esi+ebx*4-0x4] o4 a32" },
	{ 16, "67 89 04 24",             "mov st w2 ax ss:[esp] o2 a32" },
	{ 16, "67 89 05 78 56 34 12",    "mov st w2 ax ds:[0x12345678] o2 a32" },
};

/* 64-bit: REX.B/REX.X extend base and index. RSP/R12 as base need a SIB;
 * RBP/R13 as base need a displacement (mod=0 there means RIP-relative or,
 * in a SIB, no base); index 4 is no index, but with REX.X it is R12. Only
 * RSP/RBP (not R12/R13) make SS the default. */
static const struct decode_case addressing_modrm64_cases[] = {
	{ 64, "89 03",                   "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "89 04 24",                "mov st w4 eax ss:[rsp] o4 a64" },
	{ 64, "89 45 00",                "mov st w4 eax ss:[rbp] o4 a64" },
	{ 64, "89 43 F0",                "mov st w4 eax ds:[rbx-0x10] o4 a64" },
	{ 64, "89 83 00 00 00 80",       "mov st w4 eax ds:[rbx-0x80000000] o4 a64" },
	{ 64, "89 05 78 56 34 12",       "mov st w4 eax ds:[rip+0x12345678] o4 a64" },
	{ 64, "89 05 F0 FF FF FF",       "mov st w4 eax ds:[rip-0x10] o4 a64" },
	{ 64, "41 89 05 78 56 34 12",    "mov st w4 eax ds:[rip+0x12345678] o4 a64" },
	{ 64, "67 89 05 78 56 34 12",    "mov st w4 eax ds:[eip+0x12345678] o4 a32" },
	{ 64, "64 89 05 00 01 00 00",    "mov st w4 eax fs:[rip+0x100] o4 a64" },
	{ 64, "89 04 25 78 56 34 12",    "mov st w4 eax ds:[0x12345678] o4 a64" },
	{ 64, "89 04 25 00 00 00 80",    "mov st w4 eax ds:[-0x80000000] o4 a64" },
	{ 64, "41 89 04 25 78 56 34 12", "mov st w4 eax ds:[0x12345678] o4 a64" },
	{ 64, "89 04 8D 78 56 34 12",    "mov st w4 eax ds:[rcx*4+0x12345678] o4 a64" },
	{ 64, "89 44 8D 10",             "mov st w4 eax ss:[rbp+rcx*4+0x10] o4 a64" },
	{ 64, "41 89 03",                "mov st w4 eax ds:[r11] o4 a64" },
	{ 64, "41 89 04 24",             "mov st w4 eax ds:[r12] o4 a64" },
	{ 64, "41 89 44 24 10",          "mov st w4 eax ds:[r12+0x10] o4 a64" },
	{ 64, "41 89 45 00",             "mov st w4 eax ds:[r13] o4 a64" },
	{ 64, "41 89 45 F0",             "mov st w4 eax ds:[r13-0x10] o4 a64" },
	{ 64, "41 89 85 78 56 34 12",    "mov st w4 eax ds:[r13+0x12345678] o4 a64" },
	{ 64, "42 89 04 23",             "mov st w4 eax ds:[rbx+r12*1] o4 a64" },
	{ 64, "42 89 04 24",             "mov st w4 eax ss:[rsp+r12*1] o4 a64" },
	{ 64, "42 89 04 25 78 56 34 12", "mov st w4 eax ds:[r12*1+0x12345678] o4 a64" },
	{ 64, "43 89 04 24",             "mov st w4 eax ds:[r12+r12*1] o4 a64" },
	{ 64, "4B 89 04 E4",             "mov st w8 rax ds:[r12+r12*8] o8 a64" },
	{ 64, "4F 89 7C ED 80",          "mov st w8 r15 ds:[r13+r13*8-0x80] o8 a64" },
	{ 64, "48 89 44 88 F0",          "mov st w8 rax ds:[rax+rcx*4-0x10] o8 a64" },
	{ 64, "89 04 60",                "mov st w4 eax ds:[rax] o4 a64" },
	{ 64, "67 89 04 88",             "mov st w4 eax ds:[eax+ecx*4] o4 a32" },
	{ 64, "67 89 44 24 08",          "mov st w4 eax ss:[esp+0x8] o4 a32" },
	{ 64, "67 41 89 04 24",          "mov st w4 eax ds:[r12d] o4 a32" },
	{ 64, "67 89 04 25 78 56 34 12", "mov st w4 eax ds:[0x12345678] o4 a32" },
	/* SIB base 101 with mod 00 is disp32 and no base, REX.B or not, also
	 * under 67 (Zydis 4.0 reports r13d there; the SDM and mmiodec do not). */
	{ 64, "67 41 8B 04 25 78 56 34 12", "mov ld w4 eax ds:[0x12345678] rfirst o4 a32" },
};

#endif
