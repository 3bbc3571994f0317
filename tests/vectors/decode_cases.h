/* SPDX-License-Identifier: MIT */
/*
 * Test vectors of tests/unit/test_decode.c: every supported form in each
 * mode, and where the other valid forms go.
 * Data only, shared by the CMocka tests and the kernel self-test
 * (kernel/selftest.c runs every table listed in tests/vectors/all.h);
 * the format is described in tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_DECODE_CASES_H
#define MMIODEC_VECTORS_DECODE_CASES_H

#include "../unit/decode_text.h"

/* 88/89 store, 8A/8B load. Without REX, byte registers 4-7 are AH, CH, DH,
 * BH; with any REX (even 40) they are SPL, BPL, SIL, DIL. */
static const struct decode_case decode_mov_reg_cases[] = {
	{ 64, "88 03",          "mov st w1 al ds:[rbx] o4 a64" },
	{ 64, "88 0B",          "mov st w1 cl ds:[rbx] o4 a64" },
	{ 64, "88 23",          "mov st w1 ah ds:[rbx] o4 a64" },
	{ 64, "88 2B",          "mov st w1 ch ds:[rbx] o4 a64" },
	{ 64, "88 33",          "mov st w1 dh ds:[rbx] o4 a64" },
	{ 64, "88 3B",          "mov st w1 bh ds:[rbx] o4 a64" },
	{ 64, "40 88 23",       "mov st w1 spl ds:[rbx] o4 a64" },
	{ 64, "40 88 2B",       "mov st w1 bpl ds:[rbx] o4 a64" },
	{ 64, "40 88 33",       "mov st w1 sil ds:[rbx] o4 a64" },
	{ 64, "40 88 3B",       "mov st w1 dil ds:[rbx] o4 a64" },
	{ 64, "41 88 23",       "mov st w1 spl ds:[r11] o4 a64" },
	{ 64, "44 88 03",       "mov st w1 r8b ds:[rbx] o4 a64" },
	{ 64, "44 88 23",       "mov st w1 r12b ds:[rbx] o4 a64" },
	{ 64, "44 88 3B",       "mov st w1 r15b ds:[rbx] o4 a64" },
	{ 64, "48 88 23",       "mov st w1 spl ds:[rbx] o8 a64" },
	{ 64, "66 88 03",       "mov st w1 al ds:[rbx] o2 a64" },
	{ 64, "89 03",          "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "89 23",          "mov st w4 esp ds:[rbx] o4 a64" },
	{ 64, "66 89 03",       "mov st w2 ax ds:[rbx] o2 a64" },
	{ 64, "48 89 03",       "mov st w8 rax ds:[rbx] o8 a64" },
	{ 64, "44 89 3B",       "mov st w4 r15d ds:[rbx] o4 a64" },
	{ 64, "66 44 89 03",    "mov st w2 r8w ds:[rbx] o2 a64" },
	{ 64, "4C 89 3B",       "mov st w8 r15 ds:[rbx] o8 a64" },
	{ 64, "8A 03",          "mov ld w1 al ds:[rbx] rfirst o4 a64" },
	{ 64, "8A 23",          "mov ld w1 ah ds:[rbx] rfirst o4 a64" },
	{ 64, "8A 3B",          "mov ld w1 bh ds:[rbx] rfirst o4 a64" },
	{ 64, "40 8A 23",       "mov ld w1 spl ds:[rbx] rfirst o4 a64" },
	{ 64, "40 8A 3B",       "mov ld w1 dil ds:[rbx] rfirst o4 a64" },
	{ 64, "45 8A 3B",       "mov ld w1 r15b ds:[r11] rfirst o4 a64" },
	{ 64, "8B 03",          "mov ld w4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "66 8B 03",       "mov ld w2 ax ds:[rbx] rfirst o2 a64" },
	{ 64, "48 8B 03",       "mov ld w8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "4C 8B 03",       "mov ld w8 r8 ds:[rbx] rfirst o8 a64" },
	{ 64, "44 8B 3B",       "mov ld w4 r15d ds:[rbx] rfirst o4 a64" },
	{ 32, "88 03",          "mov st w1 al ds:[ebx] o4 a32" },
	{ 32, "88 23",          "mov st w1 ah ds:[ebx] o4 a32" },
	{ 32, "88 3B",          "mov st w1 bh ds:[ebx] o4 a32" },
	{ 32, "89 03",          "mov st w4 eax ds:[ebx] o4 a32" },
	{ 32, "66 89 03",       "mov st w2 ax ds:[ebx] o2 a32" },
	{ 32, "8A 2B",          "mov ld w1 ch ds:[ebx] rfirst o4 a32" },
	{ 32, "8B 3B",          "mov ld w4 edi ds:[ebx] rfirst o4 a32" },
	{ 32, "66 8B 03",       "mov ld w2 ax ds:[ebx] rfirst o2 a32" },
	{ 16, "88 07",          "mov st w1 al ds:[bx] o2 a16" },
	{ 16, "88 27",          "mov st w1 ah ds:[bx] o2 a16" },
	{ 16, "89 07",          "mov st w2 ax ds:[bx] o2 a16" },
	{ 16, "66 89 07",       "mov st w4 eax ds:[bx] o4 a16" },
	{ 16, "8A 3F",          "mov ld w1 bh ds:[bx] rfirst o2 a16" },
	{ 16, "8B 1F",          "mov ld w2 bx ds:[bx] rfirst o2 a16" },
	{ 16, "66 8B 07",       "mov ld w4 eax ds:[bx] rfirst o4 a16" },
	/* Register to register: no memory. */
	{ 64, "88 C0",          "no-memory" },
	{ 64, "89 D8",          "no-memory" },
	{ 64, "8A C4",          "no-memory" },
	{ 64, "8B C0",          "no-memory" },
	{ 64, "4D 8B C7",       "no-memory" },
	{ 32, "89 D8",          "no-memory" },
	{ 16, "8B C3",          "no-memory" },
};

/* C6/C7 /0: the immediate is width bytes, except that C7 with REX.W takes
 * an imm32 and sign-extends it. ModRM.reg other than 0 is #UD, except C6 F8
 * and C7 F8 (XABORT, XBEGIN). */
static const struct decode_case decode_mov_imm_cases[] = {
	{ 64, "C6 03 AB",                   "mov st w1 imm=0xab ds:[rbx] o4 a64" },
	{ 64, "C6 43 10 AB",                "mov st w1 imm=0xab ds:[rbx+0x10] o4 a64" },
	{ 64, "41 C6 04 24 AB",             "mov st w1 imm=0xab ds:[r12] o4 a64" },
	{ 64, "C7 03 78 56 34 12",          "mov st w4 imm=0x12345678 ds:[rbx] o4 a64" },
	{ 64, "C7 03 00 00 00 80",          "mov st w4 imm=0x80000000 ds:[rbx] o4 a64" },
	{ 64, "48 C7 03 78 56 34 12",       "mov st w8 imm=0x12345678 ds:[rbx] o8 a64" },
	{ 64, "48 C7 03 00 00 00 80",       "mov st w8 imm=0xffffffff80000000 ds:[rbx] o8 a64" },
	{ 64, "48 C7 03 FF FF FF FF",       "mov st w8 imm=0xffffffffffffffff ds:[rbx] o8 a64" },
	{ 64, "66 C7 03 34 12",             "mov st w2 imm=0x1234 ds:[rbx] o2 a64" },
	{ 64, "66 C7 03 FE FF",             "mov st w2 imm=0xfffe ds:[rbx] o2 a64" },
	{ 64, "66 48 C7 03 00 00 00 80",    "mov st w8 imm=0xffffffff80000000 ds:[rbx] o8 a64" },
	{ 64, "C7 05 10 00 00 00 78 56 34 12", "mov st w4 imm=0x12345678 ds:[rip+0x10] o4 a64" },
	{ 64, "C7 44 24 08 01 00 00 00",    "mov st w4 imm=0x1 ss:[rsp+0x8] o4 a64" },
	{ 32, "C6 05 78 56 34 12 AB",       "mov st w1 imm=0xab ds:[0x12345678] o4 a32" },
	{ 32, "C7 03 78 56 34 12",          "mov st w4 imm=0x12345678 ds:[ebx] o4 a32" },
	{ 32, "66 C7 03 34 12",             "mov st w2 imm=0x1234 ds:[ebx] o2 a32" },
	{ 16, "C6 06 34 12 AB",             "mov st w1 imm=0xab ds:[0x1234] o2 a16" },
	{ 16, "C7 06 34 12 CD AB",          "mov st w2 imm=0xabcd ds:[0x1234] o2 a16" },
	{ 16, "66 C7 06 34 12 78 56 34 12", "mov st w4 imm=0x12345678 ds:[0x1234] o4 a16" },
	/* Register destination: no memory. */
	{ 64, "C6 C0 AB",                   "no-memory" },
	{ 64, "C7 C0 78 56 34 12",          "no-memory" },
	{ 64, "48 C7 C0 78 56 34 12",       "no-memory" },
	{ 16, "C7 C0 34 12",                "no-memory" },
	/* ModRM.reg 1..7 with memory, and with a register. */
	{ 64, "C6 08 AB",                   "invalid" },
	{ 64, "C6 10 AB",                   "invalid" },
	{ 64, "C6 18 AB",                   "invalid" },
	{ 64, "C6 20 AB",                   "invalid" },
	{ 64, "C6 28 AB",                   "invalid" },
	{ 64, "C6 30 AB",                   "invalid" },
	{ 64, "C6 38 AB",                   "invalid" },
	{ 64, "C7 08 78 56 34 12",          "invalid" },
	{ 64, "C7 10 78 56 34 12",          "invalid" },
	{ 64, "C7 18 78 56 34 12",          "invalid" },
	{ 64, "C7 20 78 56 34 12",          "invalid" },
	{ 64, "C7 28 78 56 34 12",          "invalid" },
	{ 64, "C7 30 78 56 34 12",          "invalid" },
	{ 64, "C7 38 78 56 34 12",          "invalid" },
	{ 64, "C6 C8 AB",                   "invalid" },
	{ 64, "C7 D0 78 56 34 12",          "invalid" },
	{ 64, "C6 F9 AB",                   "invalid" },
	{ 32, "C6 08 AB",                   "invalid" },
	{ 16, "C7 3F 34 12",                "invalid" },
	/* XABORT imm8, XBEGIN rel16/rel32. */
	{ 64, "C6 F8 AB",                   "no-memory" },
	{ 64, "C7 F8 00 01 00 00",          "no-memory" },
	{ 64, "66 C7 F8 00 01",             "no-memory" },
	{ 32, "C7 F8 00 01 00 00",          "no-memory" },
	{ 16, "C7 F8 34 12",                "no-memory" },
	{ 16, "C6 F8 AB",                   "no-memory" },
};

/* A0-A3: the offset is address-size wide (8 bytes in 64-bit mode). */
static const struct decode_case decode_moffs_cases[] = {
	{ 64, "A0 88 77 66 55 44 33 22 11",    "mov ld w1 al ds:[0x1122334455667788] rfirst o4 a64" },
	{ 64, "A1 88 77 66 55 44 33 22 11",    "mov ld w4 eax ds:[0x1122334455667788] rfirst o4 a64" },
	{ 64, "66 A1 88 77 66 55 44 33 22 11", "mov ld w2 ax ds:[0x1122334455667788] rfirst o2 a64" },
	{ 64, "48 A1 88 77 66 55 44 33 22 11", "mov ld w8 rax ds:[0x1122334455667788] rfirst o8 a64" },
	{ 64, "A2 88 77 66 55 44 33 22 11",    "mov st w1 al ds:[0x1122334455667788] o4 a64" },
	{ 64, "A3 88 77 66 55 44 33 22 11",    "mov st w4 eax ds:[0x1122334455667788] o4 a64" },
	{ 64, "48 A3 88 77 66 55 44 33 22 11", "mov st w8 rax ds:[0x1122334455667788] o8 a64" },
	{ 64, "A1 00 00 00 00 00 00 00 80",    "mov ld w4 eax ds:[-0x8000000000000000] rfirst o4 a64" },
	{ 64, "64 A1 00 10 00 00 00 00 00 00", "mov ld w4 eax fs:[0x1000] rfirst o4 a64" },
	{ 64, "2E A1 00 10 00 00 00 00 00 00", "mov ld w4 eax ds:[0x1000] rfirst o4 a64" },
	{ 64, "67 A1 78 56 34 12",             "mov ld w4 eax ds:[0x12345678] rfirst o4 a32" },
	{ 64, "67 48 A3 78 56 34 12",          "mov st w8 rax ds:[0x12345678] o8 a32" },
	{ 64, "65 67 A2 78 56 34 12",          "mov st w1 al gs:[0x12345678] o4 a32" },
	{ 32, "A0 78 56 34 12",                "mov ld w1 al ds:[0x12345678] rfirst o4 a32" },
	{ 32, "A1 78 56 34 12",                "mov ld w4 eax ds:[0x12345678] rfirst o4 a32" },
	{ 32, "66 A3 78 56 34 12",             "mov st w2 ax ds:[0x12345678] o2 a32" },
	{ 32, "26 A2 78 56 34 12",             "mov st w1 al es:[0x12345678] o4 a32" },
	{ 32, "67 A1 34 12",                   "mov ld w4 eax ds:[0x1234] rfirst o4 a16" },
	{ 16, "A0 34 12",                      "mov ld w1 al ds:[0x1234] rfirst o2 a16" },
	{ 16, "A1 34 12",                      "mov ld w2 ax ds:[0x1234] rfirst o2 a16" },
	{ 16, "66 A1 34 12",                   "mov ld w4 eax ds:[0x1234] rfirst o4 a16" },
	{ 16, "A2 34 12",                      "mov st w1 al ds:[0x1234] o2 a16" },
	{ 16, "36 A3 34 12",                   "mov st w2 ax ss:[0x1234] o2 a16" },
	{ 16, "67 A1 78 56 34 12",             "mov ld w2 ax ds:[0x12345678] rfirst o2 a32" },
};

/* 0F B6/B7 zero-extend, 0F BE/BF sign-extend, to the operand size. */
static const struct decode_case decode_movx_cases[] = {
	{ 64, "0F B6 03",       "movzx ld w1 zx4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F B6 03",    "movzx ld w1 zx2 ax ds:[rbx] rfirst o2 a64" },
	{ 64, "48 0F B6 03",    "movzx ld w1 zx8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "44 0F B6 3B",    "movzx ld w1 zx4 r15d ds:[rbx] rfirst o4 a64" },
	{ 64, "0F B7 03",       "movzx ld w2 zx4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F B7 03",    "movzx ld w2 zx2 ax ds:[rbx] rfirst o2 a64" },
	{ 64, "48 0F B7 03",    "movzx ld w2 zx8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "0F BE 03",       "movsx ld w1 sx4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F BE 03",    "movsx ld w1 sx2 ax ds:[rbx] rfirst o2 a64" },
	{ 64, "48 0F BE 03",    "movsx ld w1 sx8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "0F BF 03",       "movsx ld w2 sx4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F BF 03",    "movsx ld w2 sx2 ax ds:[rbx] rfirst o2 a64" },
	{ 64, "4C 0F BF 03",    "movsx ld w2 sx8 r8 ds:[rbx] rfirst o8 a64" },
	{ 32, "0F B6 03",       "movzx ld w1 zx4 eax ds:[ebx] rfirst o4 a32" },
	{ 32, "0F B7 0B",       "movzx ld w2 zx4 ecx ds:[ebx] rfirst o4 a32" },
	{ 32, "66 0F BE 03",    "movsx ld w1 sx2 ax ds:[ebx] rfirst o2 a32" },
	{ 32, "0F BF 03",       "movsx ld w2 sx4 eax ds:[ebx] rfirst o4 a32" },
	{ 16, "0F B6 07",       "movzx ld w1 zx2 ax ds:[bx] rfirst o2 a16" },
	{ 16, "66 0F B6 07",    "movzx ld w1 zx4 eax ds:[bx] rfirst o4 a16" },
	{ 16, "0F BF 07",       "movsx ld w2 sx2 ax ds:[bx] rfirst o2 a16" },
	{ 16, "66 0F BF 07",    "movsx ld w2 sx4 eax ds:[bx] rfirst o4 a16" },
	{ 64, "0F B6 C0",       "no-memory" },
	{ 64, "0F BE C4",       "no-memory" },
	{ 16, "0F B7 C3",       "no-memory" },
};

/* 63 is MOVSXD in 64-bit mode and ARPL (r/m16, r16) elsewhere. */
static const struct decode_case decode_movsxd_cases[] = {
	{ 64, "63 03",          "movsxd ld w4 sx4 eax ds:[rbx] rfirst o4 a64" },
	{ 64, "48 63 03",       "movsxd ld w4 sx8 rax ds:[rbx] rfirst o8 a64" },
	{ 64, "4C 63 3B",       "movsxd ld w4 sx8 r15 ds:[rbx] rfirst o8 a64" },
	{ 64, "48 63 43 F0",    "movsxd ld w4 sx8 rax ds:[rbx-0x10] rfirst o8 a64" },
	/* MOVSXD r16: Intel and AMD read 2 and 4 bytes (test_vendor.c) */
	{ 64, "66 63 03",       "vendor-dependent same-length" },
	{ 64, "63 C3",          "no-memory" },
	{ 64, "48 63 C3",       "no-memory" },
	{ 32, "63 03",          "unsupported" },
	{ 32, "63 C3",          "no-memory" },
	{ 16, "63 03",          "unsupported" },
	{ 16, "63 C3",          "no-memory" },
};

/* 0F C3: MOVNTI m32/m64, r32/r64; no register form, no 66/F2/F3. */
static const struct decode_case decode_movnti_cases[] = {
	{ 64, "0F C3 03",       "movnti st w4 eax ds:[rbx] o4 a64" },
	{ 64, "48 0F C3 03",    "movnti st w8 rax ds:[rbx] o8 a64" },
	{ 64, "4C 0F C3 3B",    "movnti st w8 r15 ds:[rbx] o8 a64" },
	{ 32, "0F C3 03",       "movnti st w4 eax ds:[ebx] o4 a32" },
	/* Always 32 bits without REX.W, even under a 16-bit operand size. */
	{ 16, "0F C3 07",       "movnti st w4 eax ds:[bx] o2 a16" },
	{ 64, "0F C3 C0",       "invalid" },
	{ 64, "48 0F C3 C0",    "invalid" },
	{ 32, "0F C3 C0",       "invalid" },
	{ 64, "66 0F C3 03",    "invalid" },
	{ 64, "F3 0F C3 03",    "invalid" },
	{ 64, "F2 0F C3 03",    "invalid" },
};

/* MOVS: mem[0] = ES:[rDI] (never overridden), mem[1] = seg:[rSI].
 * F3 is rep, F2 repne; the CPU repeats MOVS/STOS/LODS under both. */
static const struct decode_case decode_string_cases[] = {
	{ 64, "A4",             "movs ldst w1 es:[rdi] ds:[rsi] o4 a64" },
	{ 64, "A5",             "movs ldst w4 es:[rdi] ds:[rsi] o4 a64" },
	{ 64, "66 A5",          "movs ldst w2 es:[rdi] ds:[rsi] o2 a64" },
	{ 64, "48 A5",          "movs ldst w8 es:[rdi] ds:[rsi] o8 a64" },
	{ 64, "F3 A4",          "movs ldst w1 es:[rdi] ds:[rsi] rep repeat o4 a64" },
	{ 64, "F2 A4",          "movs ldst w1 es:[rdi] ds:[rsi] repne repeat o4 a64" },
	{ 64, "F3 48 A5",       "movs ldst w8 es:[rdi] ds:[rsi] rep repeat o8 a64" },
	{ 64, "67 A4",          "movs ldst w1 es:[edi] ds:[esi] o4 a32" },
	{ 64, "64 A4",          "movs ldst w1 es:[rdi] fs:[rsi] o4 a64" },
	{ 64, "26 A4",          "movs ldst w1 es:[rdi] ds:[rsi] o4 a64" },
	{ 64, "AA",             "stos st w1 al es:[rdi] o4 a64" },
	{ 64, "AB",             "stos st w4 eax es:[rdi] o4 a64" },
	{ 64, "66 AB",          "stos st w2 ax es:[rdi] o2 a64" },
	{ 64, "48 AB",          "stos st w8 rax es:[rdi] o8 a64" },
	{ 64, "F3 48 AB",       "stos st w8 rax es:[rdi] rep repeat o8 a64" },
	{ 64, "F2 AA",          "stos st w1 al es:[rdi] repne repeat o4 a64" },
	{ 64, "65 AA",          "stos st w1 al es:[rdi] o4 a64" },
	{ 64, "AC",             "lods ld w1 al ds:[rsi] rfirst o4 a64" },
	{ 64, "AD",             "lods ld w4 eax ds:[rsi] rfirst o4 a64" },
	{ 64, "66 AD",          "lods ld w2 ax ds:[rsi] rfirst o2 a64" },
	{ 64, "48 AD",          "lods ld w8 rax ds:[rsi] rfirst o8 a64" },
	{ 64, "F3 AC",          "lods ld w1 al ds:[rsi] rep repeat rfirst o4 a64" },
	{ 64, "65 AC",          "lods ld w1 al gs:[rsi] rfirst o4 a64" },
	{ 64, "67 AD",          "lods ld w4 eax ds:[esi] rfirst o4 a32" },
	{ 32, "A5",             "movs ldst w4 es:[edi] ds:[esi] o4 a32" },
	{ 32, "26 A4",          "movs ldst w1 es:[edi] es:[esi] o4 a32" },
	{ 32, "67 A4",          "movs ldst w1 es:[di] ds:[si] o4 a16" },
	{ 32, "F3 66 A5",       "movs ldst w2 es:[edi] ds:[esi] rep repeat o2 a32" },
	{ 32, "AB",             "stos st w4 eax es:[edi] o4 a32" },
	{ 32, "64 AD",          "lods ld w4 eax fs:[esi] rfirst o4 a32" },
	{ 16, "A4",             "movs ldst w1 es:[di] ds:[si] o2 a16" },
	{ 16, "66 A5",          "movs ldst w4 es:[di] ds:[si] o4 a16" },
	{ 16, "F2 AB",          "stos st w2 ax es:[di] repne repeat o2 a16" },
	{ 16, "67 AB",          "stos st w2 ax es:[edi] o2 a32" },
	{ 16, "36 AC",          "lods ld w1 al ss:[si] rfirst o2 a16" },
	/* A repeat prefix on a non-string MOV is no repeat. */
	{ 64, "F3 89 03",       "mov st w4 eax ds:[rbx] o4 a64" },
	{ 64, "F2 89 03",       "mov st w4 eax ds:[rbx] o4 a64" },
	/* The other string instructions access memory but are not emulated. */
	{ 64, "A6",             "unsupported" },
	{ 64, "F3 A6",          "unsupported" },
	{ 64, "AE",             "unsupported" },
	{ 32, "F2 AF",          "unsupported" },
	{ 16, "A7",             "unsupported" },
};

/* Valid instructions outside the supported set. */
static const struct decode_case decode_other_cases[] = {
	{ 64, "90",                             "no-memory" },
	{ 64, "50",                             "no-memory" },
	{ 64, "B8 78 56 34 12",                 "no-memory" },
	{ 64, "48 B8 01 02 03 04 05 06 07 08",  "no-memory" },
	{ 64, "0F 05",                          "no-memory" },
	{ 32, "90",                             "no-memory" },
	{ 32, "50",                             "no-memory" },
	{ 16, "90",                             "no-memory" },
	{ 64, "8F 03",                          "unsupported" },
	{ 64, "FF 13",                          "unsupported" },
	{ 64, "0F BC 03",                       "unsupported" },
	{ 64, "F2 0F 38 F1 03",                 "unsupported" },
	{ 64, "0F 58 03",                       "unsupported" },
	{ 64, "C5 F8 58 03",                    "unsupported" },
	{ 32, "63 03",                          "unsupported" },
	{ 32, "C5 03",                          "unsupported" },
	{ 16, "FF 37",                          "unsupported" },
	/* Not instructions in 64-bit mode. */
	{ 64, "06",                             "invalid" },
	{ 64, "60",                             "invalid" },
	/* Regressions found by the Zydis differential test. Registers that
	 * REX makes up: CR8 exists, CR10, DR8 and BND8 do not. */
	{ 64, "44 0F 20 C0",                    "no-memory" },
	{ 64, "44 0F 20 D0",                    "invalid" },
	{ 64, "44 0F 21 C0",                    "invalid" },
	{ 64, "66 0F 1A C1",                    "no-memory" },
	{ 64, "66 41 0F 1A C1",                 "invalid" },
	{ 64, "F3 41 0F 1A C1",                 "no-memory" },
	{ 64, "44 0F 1A 00",                    "invalid" },
	/* MPX takes no 16-bit addressing, BNDLDX no RIP-relative operand. */
	{ 16, "0F 1A 00",                       "invalid" },
	{ 64, "0F 1A 05 00 00 00 00",           "invalid" },
	/* Knights Corner's JKZD (VEX map 0, rel8): 64-bit mode only. */
	{ 64, "C4 E0 4C 74 48",                 "no-memory" },
	{ 32, "C4 E0 4C 74 48",                 "invalid" },
	/* VSIB: EVEX.V' extends the index; no 16-bit addressing. */
	{ 64, "62 F2 7D 41 A3 2C 00",           "unsupported" },
	{ 16, "62 F2 7D 49 A3 2C 01",           "invalid" },
	/* MOV CR/DR ignore ModRM.mod: no displacement follows. */
	{ 64, "0F 20 40",                       "no-memory" },
};

#endif
