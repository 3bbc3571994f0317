/* SPDX-License-Identifier: MIT */
/*
 * Test vectors of tests/unit/test_errors.c: long instructions, truncation
 * and the 15-byte limit.
 * Data only, shared by the CMocka tests and the kernel self-test
 * (kernel/selftest.c runs every table listed in tests/vectors/all.h);
 * the format is described in tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_ERRORS_CASES_H
#define MMIODEC_VECTORS_ERRORS_CASES_H

#include "../unit/decode_text.h"

/* Long instructions: the table runner also checks that each of their
 * shorter prefixes (0..len-1 bytes) is TRUNCATED. */
static const struct decode_case errors_long_cases[] = {
	{ 64, "65 67 48 C7 84 88 78 56 34 12 EF BE AD DE",
	  "mov st w8 imm=0xffffffffdeadbeef gs:[eax+ecx*4+0x12345678] o8 a32" },
	{ 64, "66 C7 84 24 78 56 34 12 34 12",
	  "mov st w2 imm=0x1234 ss:[rsp+0x12345678] o2 a64" },
	{ 64, "64 48 A3 88 77 66 55 44 33 22 11",
	  "mov st w8 rax fs:[0x1122334455667788] o8 a64" },
	{ 64, "F3 67 48 AB",
	  "stos st w8 rax es:[edi] rep repeat o8 a32" },
	{ 64, "4F 0F BF 7C ED 80",
	  "movsx ld w2 sx8 r15 ds:[r13+r13*8-0x80] rfirst o8 a64" },
	{ 64, "48 C7 05 78 56 34 12 00 00 00 80",
	  "mov st w8 imm=0xffffffff80000000 ds:[rip+0x12345678] o8 a64" },
	{ 32, "26 66 C7 84 8D 78 56 34 12 CD AB",
	  "mov st w2 imm=0xabcd es:[ebp+ecx*4+0x12345678] o2 a32" },
	{ 16, "66 67 C7 84 8D 78 56 34 12 78 56 34 12",
	  "mov st w4 imm=0x12345678 ss:[ebp+ecx*4+0x12345678] o4 a32" },
	{ 16, "C7 86 34 12 78 56",
	  "mov st w2 imm=0x5678 ss:[bp+0x1234] o2 a16" },
};

/* Bytes that end early, as the runner cannot tell from a valid case. */
static const struct decode_case errors_truncated_cases[] = {
	{ 64, "",                          "truncated" },
	{ 64, "66",                        "truncated" },
	{ 64, "48",                        "truncated" },
	{ 64, "0F",                        "truncated" },
	{ 64, "C7 03 78 56",               "truncated" },
	{ 64, "A1 88 77 66 55 44 33 22",   "truncated" },
	{ 64, "67 A1 78 56 34",            "truncated" },
	{ 32, "A1 78 56 34",               "truncated" },
	{ 16, "A1 34",                     "truncated" },
	{ 16, "67 A1 34 12",               "truncated" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66", "truncated" },
};

/* At most 15 bytes; prefixes count. Given 15 or more bytes and no end of
 * the instruction among them, the answer is INVALID, not TRUNCATED. */
static const struct decode_case errors_limit_cases[] = {
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 03",
	  "mov st w2 ax ds:[rbx] o2 a64" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 03",
	  "invalid" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89",
	  "invalid" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66",
	  "invalid" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66",
	  "invalid" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 48 89 03",
	  "mov st w8 rax ds:[rbx] o8 a64" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 48 89 03",
	  "invalid" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 89 43 10",
	  "mov st w2 ax ds:[rbx+0x10] o2 a64" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 43 10",
	  "invalid" },
	{ 64, "2E 2E 2E 2E 2E 48 B8 01 02 03 04 05 06 07 08",
	  "no-memory" },
	{ 64, "2E 2E 2E 2E 2E 2E 48 B8 01 02 03 04 05 06 07 08",
	  "invalid" },
	{ 64, "F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 A4",
	  "movs ldst w1 es:[rdi] ds:[rsi] rep repeat o4 a64" },
	{ 64, "F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 A4",
	  "invalid" },
	/* Mixed prefixes: the last segment override (of those that count)
	 * wins, 66 and 67 apply, F2/F3 do nothing to a MOV. */
	{ 32, "2E 3E 26 64 65 36 66 67 F2 F3 2E 3E 26 89 03",
	  "mov st w2 ax es:[bp+di*1] o2 a16" },
	{ 64, "2E 3E 26 64 65 36 66 67 F2 F3 2E 3E 26 89 03",
	  "mov st w2 ax gs:[ebx] o2 a32" },
	{ 64, "2E 3E 26 64 65 36 66 67 F2 F3 2E 3E 26 2E 89 03",
	  "invalid" },
	{ 16, "3E 3E 3E 3E 3E 3E 66 C7 06 34 12 78 56 34 12",
	  "mov st w4 imm=0x12345678 ds:[0x1234] o4 a16" },
	{ 16, "3E 3E 3E 3E 3E 3E 3E 66 C7 06 34 12 78 56 34 12",
	  "invalid" },
};

#endif
