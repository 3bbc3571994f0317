/* SPDX-License-Identifier: MIT */
/*
 * Test vectors of tests/unit/test_prefixes.c: prefix rules: order, segment
 * overrides, REX, LOCK, address size.
 * Data only, shared by the CMocka tests and the kernel self-test
 * (kernel/selftest.c runs every table listed in tests/vectors/all.h);
 * the format is described in tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_PREFIXES_CASES_H
#define MMIODEC_VECTORS_PREFIXES_CASES_H

#include "../unit/decode_text.h"

static const struct decode_case prefixes_order_cases[] = {
	{ 32, "66 67 2E 89 03",       "mov st w2 ax cs:[bp+di*1] o2 a16" },
	{ 32, "2E 67 66 89 03",       "mov st w2 ax cs:[bp+di*1] o2 a16" },
	{ 32, "67 2E 66 89 03",       "mov st w2 ax cs:[bp+di*1] o2 a16" },
	{ 32, "66 66 66 89 03",       "mov st w2 ax ds:[ebx] o2 a32" },
	{ 32, "67 67 89 03",          "mov st w4 eax ss:[bp+di*1] o4 a16" },
	{ 32, "F3 66 F2 89 03",       "mov st w2 ax ds:[ebx] o2 a32" },
	{ 64, "66 67 89 03",          "mov st w2 ax ds:[ebx] o2 a32" },
	{ 64, "67 66 89 03",          "mov st w2 ax ds:[ebx] o2 a32" },
	{ 64, "F2 F3 A4",             "movs ldst w1 es:[rdi] ds:[rsi] rep repeat o4 a64" },
	{ 64, "F3 F2 A4",             "movs ldst w1 es:[rdi] ds:[rsi] repne repeat o4 a64" },
	{ 64, "F3 67 66 A5",          "movs ldst w2 es:[edi] ds:[esi] rep repeat o2 a32" },
};

/* The effective segment: the default (SS for a BP/SP base, DS otherwise)
 * unless overridden; the last override wins. */
static const struct decode_case prefixes_segment_cases[] = {
	{ 32, "89 03",                "mov st w4 eax ds:[ebx] o4 a32" },
	{ 32, "26 89 03",             "mov st w4 eax es:[ebx] o4 a32" },
	{ 32, "2E 89 03",             "mov st w4 eax cs:[ebx] o4 a32" },
	{ 32, "36 89 03",             "mov st w4 eax ss:[ebx] o4 a32" },
	{ 32, "3E 89 45 00",          "mov st w4 eax ds:[ebp] o4 a32" },
	{ 32, "64 89 03",             "mov st w4 eax fs:[ebx] o4 a32" },
	{ 32, "65 89 03",             "mov st w4 eax gs:[ebx] o4 a32" },
	{ 32, "26 64 89 03",          "mov st w4 eax fs:[ebx] o4 a32" },
	{ 32, "64 26 89 03",          "mov st w4 eax es:[ebx] o4 a32" },
	{ 32, "3E 36 26 2E 89 03",    "mov st w4 eax cs:[ebx] o4 a32" },
	{ 32, "36 66 3E 89 04 24",    "mov st w2 ax ds:[esp] o2 a32" },
	{ 16, "3E 89 03",             "mov st w2 ax ds:[bp+di*1] o2 a16" },
	{ 16, "26 89 07",             "mov st w2 ax es:[bx] o2 a16" },
	{ 16, "64 65 89 46 02",       "mov st w2 ax gs:[bp+0x2] o2 a16" },
	/* 64-bit mode: ES, CS, SS, DS overrides are ignored, also after an
	 * FS/GS override (an Intel CPU agrees). */
	{ 64, "26 89 03",             "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "2E 89 03",             "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "36 89 03",             "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "3E 89 45 00",          "mov st w4 eax ss:[rbp] o4 a64" },
	{ 64, "26 89 04 24",          "mov st w4 eax ss:[rsp] o4 a64" },
	{ 64, "64 89 03",             "mov st w4 eax fs:[rbx] o4 a64" },
	{ 64, "65 89 45 00",          "mov st w4 eax gs:[rbp] o4 a64" },
	{ 64, "65 89 04 24",          "mov st w4 eax gs:[rsp] o4 a64" },
	{ 64, "64 2E 89 03",          "mov st w4 eax fs:[rbx] o4 a64" },
	{ 64, "2E 64 89 03",          "mov st w4 eax fs:[rbx] o4 a64" },
	{ 64, "65 64 89 03",          "mov st w4 eax fs:[rbx] o4 a64" },
	{ 64, "64 65 89 03",          "mov st w4 eax gs:[rbx] o4 a64" },
	{ 64, "64 36 26 89 03",       "mov st w4 eax fs:[rbx] o4 a64" },
};

/* REX must come directly before the opcode (or 0F); one followed by
 * another prefix is ignored, and of two only the last counts. */
static const struct decode_case prefixes_rex_cases[] = {
	{ 64, "48 66 89 03",          "mov st w2 ax ds:[rbx] o2 a64" },
	{ 64, "41 66 89 03",          "mov st w2 ax ds:[rbx] o2 a64" },
	{ 64, "4C 2E 89 03",          "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "40 66 88 23",          "mov st w1 ah ds:[rbx] o2 a64" },
	{ 64, "48 67 89 03",          "mov st w4 eax ds:[ebx] o4 a32" },
	{ 64, "48 F3 A5",             "movs ldst w4 es:[rdi] ds:[rsi] rep repeat o4 a64" },
	{ 64, "41 48 89 03",          "mov st w8 rax ds:[rbx] o8 a64" },
	{ 64, "48 41 89 03",          "mov st w4 eax ds:[r11] o4 a64" },
	{ 64, "67 48 89 03",          "mov st w8 rax ds:[ebx] o8 a32" },
	{ 64, "66 48 89 03",          "mov st w8 rax ds:[rbx] o8 a64" },
	{ 64, "66 48 8B 03",          "mov ld w8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "66 48 0F B7 03",       "movzx ld w2 zx8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "66 48 A5",             "movs ldst w8 es:[rdi] ds:[rsi] o8 a64" },
	{ 64, "48 66 A5",             "movs ldst w2 es:[rdi] ds:[rsi] o2 a64" },
	{ 64, "48 0F B6 03",          "movzx ld w1 zx8 rax ds:[rbx] rfirst o8 a64" },
	/* Outside 64-bit mode 40-4F are INC/DEC. */
	{ 32, "48 | 89 03",           "no-memory" },
	{ 32, "40 | 88 23",           "no-memory" },
	{ 16, "41 | 89 07",           "no-memory" },
};

/* LOCK is #UD on every MOV form (and on a register destination). */
static const struct decode_case prefixes_lock_cases[] = {
	{ 64, "F0 88 03",             "invalid" },
	{ 64, "F0 89 03",             "invalid" },
	{ 64, "F0 8A 03",             "invalid" },
	{ 64, "F0 8B 03",             "invalid" },
	{ 64, "66 F0 89 03",          "invalid" },
	{ 64, "F0 66 89 03",          "invalid" },
	{ 64, "F0 48 89 03",          "invalid" },
	{ 64, "F0 C6 03 AB",          "invalid" },
	{ 64, "F0 C7 03 78 56 34 12", "invalid" },
	{ 64, "F0 A1 88 77 66 55 44 33 22 11", "invalid" },
	{ 64, "F0 A3 88 77 66 55 44 33 22 11", "invalid" },
	{ 64, "F0 0F B6 03",          "invalid" },
	{ 64, "F0 0F BF 03",          "invalid" },
	{ 64, "F0 63 03",             "invalid" },
	{ 64, "F0 0F C3 03",          "invalid" },
	{ 64, "F0 A4",                "invalid" },
	{ 64, "F0 F3 A4",             "invalid" },
	{ 64, "F0 AA",                "invalid" },
	{ 64, "F0 AC",                "invalid" },
	{ 64, "F0 90",                "invalid" },
	{ 64, "F0 01 C3",             "invalid" },
	{ 32, "F0 89 03",             "invalid" },
	{ 16, "F0 89 07",             "invalid" },
	{ 16, "F0 C7 06 34 12 CD AB", "invalid" },
	/* LOCK is fine on a read-modify-write of memory. */
	{ 64, "F0 01 03",             "add ldst w4 eax ds:[rbx] lock o4 a64" },
	{ 64, "F0 66 81 03 34 12",    "add ldst w2 imm=0x1234 ds:[rbx] lock o2 a64" },
	{ 32, "F0 0F C1 03",          "xadd ldst w4 eax ds:[ebx] lock o4 a32" },
};

/* 67 switches 64 -> 32, 32 -> 16, 16 -> 32. */
static const struct decode_case prefixes_address_size_cases[] = {
	{ 64, "67 89 03",             "mov st w4 eax ds:[ebx] o4 a32" },
	{ 64, "67 41 89 03",          "mov st w4 eax ds:[r11d] o4 a32" },
	{ 32, "67 89 07",             "mov st w4 eax ds:[bx] o4 a16" },
	{ 32, "67 89 03",             "mov st w4 eax ss:[bp+di*1] o4 a16" },
	{ 16, "67 89 03",             "mov st w2 ax ds:[ebx] o2 a32" },
	{ 16, "67 89 45 00",          "mov st w2 ax ss:[ebp] o2 a32" },
	{ 16, "67 89 04 88",          "mov st w2 ax ds:[eax+ecx*4] o2 a32" },
};

#endif
