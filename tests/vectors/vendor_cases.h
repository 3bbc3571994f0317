/* SPDX-License-Identifier: MIT */
/*
 * Test vectors of tests/unit/test_vendor.c: the Intel and AMD rows of
 * src/vendor.h, and forms no row touches.
 * Data only, shared by the CMocka tests and the kernel self-test
 * (kernel/selftest.c runs every table listed in tests/vectors/all.h);
 * the format is described in tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_VENDOR_CASES_H
#define MMIODEC_VECTORS_VENDOR_CASES_H

#include "../unit/decode_text.h"

/* CALL/JMP/Jcc with 66 in 64-bit mode: rel16 on AMD, rel32 on Intel. */
static const struct decode_case vendor_branch_cases[] = {
	{ AS_AMD(64), "66 E8 34 12",             "no-memory vdep" },
	{ AS_INTEL(64), "66 E8 78 56 34 12",       "no-memory vdep" },
	{ AS_AMD(64), "66 E8 34 12 | 56 78",     "no-memory vdep" },
	{ 64, "66 E8 78 56 34 12",       "vendor-dependent" },
	/* Intel needs 2 more bytes: so does ANY */
	{ 64, "66 E8 34 12",             "truncated" },
	{ AS_AMD(64), "66 E9 34 12",             "no-memory vdep" },
	{ AS_INTEL(64), "66 E9 78 56 34 12",       "no-memory vdep" },
	{ AS_AMD(64), "66 0F 84 34 12",          "no-memory vdep" },
	{ AS_INTEL(64), "66 0F 8F 78 56 34 12",    "no-memory vdep" },
	{ 64, "66 0F 80 78 56 34 12",    "vendor-dependent" },
	/* REX.W wins over 66: rel32 on both */
	{ 64, "66 48 E8 78 56 34 12",    "no-memory" },
	{ AS_AMD(64), "66 48 0F 84 78 56 34 12", "no-memory" },
	/* without 66, or outside 64-bit mode, the vendors agree */
	{ 64, "E8 78 56 34 12",          "no-memory" },
	{ AS_AMD(64), "E8 78 56 34 12",          "no-memory" },
	{ 32, "66 E8 34 12",             "no-memory" },
	{ 16, "E9 34 12",                "no-memory" },
	/* same length on both: rel8 branches, RET */
	{ 64, "66 EB 10",                "no-memory" },
	{ 64, "66 74 10",                "no-memory" },
	{ 64, "66 C3",                   "no-memory" },
	{ 64, "66 C2 08 00",             "no-memory" },
	/* the widths of these differ, but they are not emulated */
	{ 64, "66 FF 10",                "unsupported" },
	{ 64, "48 FF 18",                "unsupported" },
	{ 64, "48 0F B2 03",             "unsupported" },
};

/* 66 63: MOVSXD r16, r/m16 (Intel) or r16, m32 (AMD). */
static const struct decode_case vendor_movsxd_cases[] = {
	{ AS_INTEL(64), "66 63 03",    "movsxd ld w2 sx2 ax ds:[rbx] rfirst o2 a64 vdep" },
	{ AS_AMD(64), "66 63 03",    "movsxd ld w4 sx2 ax ds:[rbx] rfirst o2 a64 vdep" },
	{ 64, "66 63 03",    "vendor-dependent same-length" },
	{ AS_AMD(64), "66 44 63 7B 08", "movsxd ld w4 sx2 r15w ds:[rbx+0x8] rfirst o2 a64 vdep" },
	{ 64, "66 63 C3",    "no-memory" },
	{ AS_AMD(64), "66 63 C3",    "no-memory" },
	{ 64, "66 48 63 03", "movsxd ld w4 sx8 rax ds:[rbx] rfirst o8 a64" },
	{ AS_AMD(64), "63 03",       "movsxd ld w4 sx4 eax ds:[rbx] rfirst o4 a64" },
	{ 32, "66 63 03",    "unsupported" },
};

/* Instructions one vendor does not have. */
static const struct decode_case vendor_validity_cases[] = {
	/* SYSENTER, SYSEXIT in 64-bit mode */
	{ AS_INTEL(64), "0F 34",       "no-memory vdep" },
	{ AS_AMD(64), "0F 34",       "invalid vdep" },
	{ 64, "0F 35",       "vendor-dependent" },
	{ 32, "0F 34",       "no-memory" },
	{ AS_AMD(16), "0F 35",       "no-memory" },
	/* SYSCALL, SYSRET outside 64-bit mode */
	{ AS_INTEL(32), "0F 05",       "invalid vdep" },
	{ AS_AMD(32), "0F 05",       "no-memory vdep" },
	{ 16, "0F 07",       "vendor-dependent" },
	{ 64, "0F 05",       "no-memory" },
	{ AS_INTEL(64), "0F 07",       "no-memory" },
	/* VMREAD, VMWRITE; with 66 or F2 the same opcodes are EXTRQ and
	 * INSERTQ on both */
	{ AS_INTEL(64), "0F 78 C8",    "no-memory vdep" },
	{ AS_INTEL(64), "0F 79 03",    "unsupported vdep" },
	{ AS_AMD(64), "0F 78 C8",    "invalid vdep" },
	{ AS_AMD(32), "0F 79 03",    "invalid vdep" },
	{ 64, "0F 78 C8",    "vendor-dependent" },
	{ AS_AMD(64), "0F 78",       "invalid vdep" },
	{ 64, "0F 78",       "truncated" },
	{ 64, "66 0F 78 C0 01 02", "no-memory" },
	{ 64, "F2 0F 79 C1", "no-memory" },
	/* LOCK MOV CR0 is MOV CR8 on AMD */
	{ AS_AMD(64), "F0 0F 20 C0", "no-memory vdep" },
	{ AS_AMD(32), "F0 0F 22 C0", "no-memory vdep" },
	{ AS_INTEL(64), "F0 0F 20 C0", "invalid vdep" },
	{ 64, "F0 0F 22 C3", "vendor-dependent" },
	{ 64, "F0 0F 20 C8", "invalid" },
	{ AS_AMD(64), "F0 0F 20 C8", "invalid" },
	{ AS_AMD(64), "F0 44 0F 20 C0", "invalid" },
	{ 64, "0F 20 C0",    "no-memory" },
	/* UD0: no ModRM on AMD */
	{ AS_AMD(64), "0F FF",       "no-memory vdep" },
	{ AS_AMD(64), "0F FF | C0",  "no-memory vdep" },
	{ AS_AMD(16), "0F FF | 00",  "no-memory vdep" },
	{ AS_INTEL(64), "0F FF C0",    "no-memory vdep" },
	{ 64, "0F FF C0",    "vendor-dependent" },
	{ 64, "0F FF",       "truncated" },
	{ AS_AMD(64), "F0 0F FF C0", "invalid" },
	/* found by fuzz-decode: with ANY, an answer given before Intel has
	 * its ModRM byte must not turn into another with it */
	{ 64, "40 F0 0F FF", "truncated" },
	{ AS_AMD(64), "40 F0 0F FF", "invalid vdep" },
	{ 64, "40 F0 0F FF F2", "invalid" },
	/* UD1 and UD2 agree */
	{ 64, "0F B9 C0",    "no-memory" },
	{ 64, "0F 0B",       "no-memory" },
	/* the rest of VMX: invalid on AMD, decided once the whole
	 * instruction is read */
	{ AS_INTEL(64), "0F 01 C1", "no-memory vdep" },
	{ AS_AMD(64), "0F 01 C1",   "invalid vdep" },
	{ 64, "0F 01 C4",           "vendor-dependent" },
	{ AS_AMD(32), "0F 01 D4",   "invalid vdep" },
	{ AS_INTEL(64), "0F C7 30", "unsupported vdep" },
	{ AS_AMD(64), "0F C7 38",   "invalid vdep" },
	{ AS_AMD(64), "66 0F C7 30", "invalid vdep" },
	{ AS_AMD(16), "F3 0F C7 36 34 12", "invalid vdep" },
	{ AS_AMD(64), "0F C7 35 00 00 00", "truncated" },
	{ 64, "0F C7 35 00 00 00",  "truncated" },
	{ AS_AMD(64), "66 0F 38 81 00", "invalid vdep" },
	{ 64, "66 0F 38 80 00",     "vendor-dependent" },
	/* RDRAND, RDSEED, RDPID share 0F C7 /6 /7 with them: registers */
	{ AS_AMD(64), "0F C7 F0",   "no-memory" },
	{ AS_AMD(64), "0F C7 F8",   "no-memory" },
	{ AS_AMD(64), "F3 0F C7 F8", "no-memory" },
	/* SVM: invalid on Intel */
	{ AS_INTEL(64), "0F 01 D8", "invalid vdep" },
	{ AS_AMD(64), "0F 01 DF",   "no-memory vdep" },
	{ 32, "0F 01 DA",           "vendor-dependent" },
	{ 64, "0F 01 D0",           "no-memory" },
};

/* Forms that no row touches: the vendor is recorded and changes nothing. */
static const struct decode_case vendor_neutral_cases[] = {
	{ AS_INTEL(64), "88 27",       "mov st w1 ah ds:[rdi] o4 a64" },
	{ AS_AMD(64), "88 27",       "mov st w1 ah ds:[rdi] o4 a64" },
	{ AS_AMD(32), "66 A1 78 56 34 12", "mov ld w2 ax ds:[0x12345678] rfirst o2 a32" },
	{ AS_INTEL(16), "F3 A4",       "movs ldst w1 es:[di] ds:[si] rep repeat o2 a16" },
	{ AS_AMD(64), "C5 F8 77",    "no-memory" },
	{ AS_INTEL(64), "0F 04 C0",    "invalid" },
	{ AS_AMD(64), "0F",          "truncated" },
};

#endif
