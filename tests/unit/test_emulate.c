/* SPDX-License-Identifier: MIT */
/*
 * The register-file helpers: one line per case, the instruction's bytes, the
 * registers before and the expected result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode_case.h"

enum {
	RAX = MMIODEC_RAX, RCX = MMIODEC_RCX, RDX = MMIODEC_RDX,
	RBX = MMIODEC_RBX, RSP = MMIODEC_RSP, RBP = MMIODEC_RBP,
	RSI = MMIODEC_RSI, RDI = MMIODEC_RDI, R8 = MMIODEC_R8,
	R12 = MMIODEC_R12, R15 = MMIODEC_R15,
	NO_LOAD = -1,
};
enum {
	ES = MMIODEC_SEG_ES, CS = MMIODEC_SEG_CS, SS = MMIODEC_SEG_SS,
	DS = MMIODEC_SEG_DS, FS = MMIODEC_SEG_FS, GS = MMIODEC_SEG_GS,
};

#define DF (1u << 10)
#define ALL64 UINT64_MAX
/* A 32-bit register write outside 64-bit mode leaves bits 63:32 to the
 * implementation; only the low half is compared. */
#define LOW32 UINT64_C(0xffffffff)

/* Every byte of register i is 0x10*k + i, so that a byte in the wrong place
 * shows: RAX = 0x1020304050607080, RBX = 0x1323334353637383, ... */
static void fill_gprs(struct mmiodec_regs *regs)
{
	for (unsigned i = 0; i < 16; i++)
		regs->gpr[i] = UINT64_C(0x1020304050607080) +
			       i * UINT64_C(0x0101010101010101);
}

static enum mmiodec_status decode(struct mmiodec_insn *insn, unsigned mode,
				  const char *hex, size_t *insn_len)
{
	uint8_t bytes[DECODE_CASE_MAX_BYTES];
	size_t len;
	int n = parse_hex(hex, bytes, sizeof(bytes), &len);

	if (insn_len)
		*insn_len = 0;
	if (n < 0) {
		fprintf(stderr, "malformed hex \"%s\" in the test table\n", hex);
		memset(insn, 0, sizeof(*insn));
		return MMIODEC_BAD_ARGUMENT;
	}
	if (insn_len)
		*insn_len = len;
	/* mode may be AS_INTEL(m) or AS_AMD(m) (decode_text.h) */
	return mmiodec_decode_vendor(insn, bytes, (size_t)n,
				     (enum mmiodec_mode)(mode & 0xFF),
				     (enum mmiodec_vendor)(mode >> 8));
}


/* ---- mmiodec_address ---------------------------------------------------- */

struct address_case {
	unsigned mode;
	const char *bytes;
	unsigned which;
	struct mmiodec_regs regs;
	bool ok;
	uint64_t linear;
};

#define NO_ADDRESS false, 0

static const struct address_case address_cases[] = {
	/* 64-bit: only FS and GS have a base. */
	{ 64, "89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[DS] = 0x50000, .seg_base[ES] = 0x60000 }, true, 0x1000 },
	{ 64, "26 89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[ES] = 0x60000 }, true, 0x1000 },
	{ 64, "48 89 44 24 F8", 0, { .gpr[RSP] = 0x8000, .seg_base[SS] = 0x10000 }, true, 0x7ff8 },
	{ 64, "64 89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[FS] = 0x7f0000000000 }, true, 0x7f0000001000 },
	{ 64, "65 89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[GS] = 0xffff888000000000 }, true, 0xffff888000001000 },
	{ 64, "89 04 88", 0, { .gpr[RAX] = 0x1000, .gpr[RCX] = 0x10 }, true, 0x1040 },
	{ 64, "48 89 44 88 F0", 0, { .gpr[RAX] = 0x1000, .gpr[RCX] = 0x10 }, true, 0x1030 },
	{ 64, "4B 89 04 E4", 0, { .gpr[R12] = 0x1000 }, true, 0x9000 },
	{ 64, "89 43 20", 0, { .gpr[RBX] = 0xfffffffffffffff0 }, true, 0x10 },
	{ 64, "89 04 25 00 00 00 80", 0, { .rip = 0 }, true, 0xffffffff80000000 },
	/* 67: the effective address wraps at 32 bits, from the low halves. */
	{ 64, "67 89 04 25 00 00 00 80", 0, { .rip = 0 }, true, 0x80000000 },
	{ 64, "67 89 03", 0, { .gpr[RBX] = 0xffffffff00001000 }, true, 0x1000 },
	{ 64, "67 89 04 88", 0, { .gpr[RAX] = 0xfffffff0, .gpr[RCX] = 0x8 }, true, 0x10 },
	{ 64, "67 64 89 03", 0, { .gpr[RBX] = 0x10, .seg_base[FS] = 0x7f0000000000 }, true, 0x7f0000000010 },
	/* RIP-relative counts from the end of the instruction. */
	{ 64, "89 05 10 00 00 00", 0, { .rip = 0x401000 }, true, 0x401016 },
	{ 64, "C7 05 10 00 00 00 78 56 34 12", 0, { .rip = 0x401000 }, true, 0x40101a },
	{ 64, "8B 05 F0 FF FF FF", 0, { .rip = 0x401000 }, true, 0x400ff6 },
	{ 64, "67 8B 05 20 00 00 00", 0, { .rip = 0xfffffff0 }, true, 0x17 },
	{ 64, "65 8B 05 00 01 00 00", 0, { .rip = 0x1000, .seg_base[GS] = 0x10000 }, true, 0x11107 },
	/* moffs */
	{ 64, "A1 88 77 66 55 44 33 22 11", 0, { .rip = 0 }, true, 0x1122334455667788 },
	{ 64, "64 A1 00 10 00 00 00 00 00 00", 0, { .seg_base[FS] = 0x7f0000000000 }, true, 0x7f0000001000 },
	{ 64, "67 A1 00 00 00 80", 0, { .rip = 0 }, true, 0x80000000 },
	{ 64, "67 A1 F0 FF FF FF", 0, { .seg_base[DS] = 0x1000 }, true, 0xfffffff0 },
	/* Strings: operand 0 is ES:[rDI] (no override), 1 is seg:[rSI]. */
	{ 64, "A4", 0, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[ES] = 0x50000, .seg_base[DS] = 0x60000 }, true, 0x2000 },
	{ 64, "A4", 1, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[ES] = 0x50000, .seg_base[DS] = 0x60000 }, true, 0x1000 },
	{ 64, "A4", 2, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000 }, NO_ADDRESS },
	{ 64, "64 A4", 0, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[FS] = 0x30000 }, true, 0x2000 },
	{ 64, "64 A4", 1, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[FS] = 0x30000 }, true, 0x31000 },
	{ 64, "67 A4", 1, { .gpr[RSI] = 0xaaaaaaaa00001000 }, true, 0x1000 },
	{ 64, "AA", 0, { .gpr[RDI] = 0x2000 }, true, 0x2000 },
	{ 64, "AA", 1, { .gpr[RDI] = 0x2000 }, NO_ADDRESS },
	{ 64, "AC", 0, { .gpr[RSI] = 0x1000 }, true, 0x1000 },
	/* BT* with a register bit offset: the unit of the operand size the
	 * signed offset falls in (floor division), wrapped to the address
	 * size; an immediate offset does not move the address. */
	{ 64, "0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 37 }, true, 0x1004 },
	{ 64, "0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 31 }, true, 0x1000 },
	{ 64, "0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0xffffffff }, true, 0xffc },
	{ 64, "0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0xffffffff00000020 }, true, 0x1004 },
	{ 64, "0F AB 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0x80000000 }, true, 0xfffffffff0001000 },
	{ 64, "48 0F B3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = (uint64_t)-65 }, true, 0xff0 },
	{ 64, "48 0F BB 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0x40 }, true, 0x1008 },
	{ 64, "66 0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0x8000 }, true, 0 },
	{ 64, "66 0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0x7fff }, true, 0x1ffe },
	{ 64, "67 0F A3 03", 0, { .gpr[RBX] = 0x10, .gpr[RAX] = 0xffffffff }, true, 0xc },
	{ 64, "0F A3 23", 0, { .gpr[RBX] = 0x1000, .gpr[RSP] = 64 }, true, 0x1008 },
	{ 64, "0F BA 23 25", 0, { .gpr[RBX] = 0x1000, .gpr[RSP] = 64 }, true, 0x1000 },
	{ 32, "0F A3 03", 0, { .gpr[RBX] = 0x1000, .gpr[RAX] = 0xffffffff }, true, 0xffc },
	{ 16, "0F A3 07", 0, { .gpr[RBX] = 0x10, .gpr[RAX] = 0xffff }, true, 0xe },
	/* No such operand, or not an OK descriptor. */
	{ 64, "89 03", 1, { .gpr[RBX] = 0x1000 }, NO_ADDRESS },
	{ 64, "89 D8", 0, { .gpr[RBX] = 0x1000 }, NO_ADDRESS },
	{ 64, "FF 13", 0, { .gpr[RBX] = 0x1000 }, NO_ADDRESS },
	{ 64, "F0 89 03", 0, { .gpr[RBX] = 0x1000 }, NO_ADDRESS },
	/* 32-bit: every segment has a base; everything wraps at 2^32. */
	{ 32, "89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[DS] = 0x10000 }, true, 0x11000 },
	{ 32, "89 03", 0, { .gpr[RBX] = 0xffffffff00001000 }, true, 0x1000 },
	{ 32, "89 45 00", 0, { .gpr[RBP] = 0x100, .seg_base[SS] = 0x20000, .seg_base[DS] = 0x30000 }, true, 0x20100 },
	{ 32, "26 89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[ES] = 0x40000, .seg_base[DS] = 0x30000 }, true, 0x41000 },
	{ 32, "65 89 03", 0, { .gpr[RBX] = 0x1000, .seg_base[GS] = 0x40000 }, true, 0x41000 },
	{ 32, "89 04 88", 0, { .gpr[RAX] = 0xfffffff0, .gpr[RCX] = 0x8 }, true, 0x10 },
	{ 32, "89 85 00 00 00 80", 0, { .gpr[RBP] = 0x10 }, true, 0x80000010 },
	{ 32, "89 05 78 56 34 12", 0, { .rip = 0x5000 }, true, 0x12345678 },
	{ 32, "89 03", 0, { .gpr[RBX] = 0x2000, .seg_base[DS] = 0xfffff000 }, true, 0x1000 },
	{ 32, "67 89 00", 0, { .gpr[RBX] = 0xffff, .gpr[RSI] = 0x2, .seg_base[DS] = 0x10000 }, true, 0x10001 },
	{ 32, "67 89 46 FE", 0, { .gpr[RBP] = 0x1, .seg_base[SS] = 0x20000 }, true, 0x2ffff },
	{ 32, "A4", 0, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[ES] = 0x50000, .seg_base[DS] = 0x60000 }, true, 0x52000 },
	{ 32, "A4", 1, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[ES] = 0x50000, .seg_base[DS] = 0x60000 }, true, 0x61000 },
	{ 32, "26 A4", 1, { .gpr[RSI] = 0x1000, .gpr[RDI] = 0x2000, .seg_base[ES] = 0x50000, .seg_base[DS] = 0x60000 }, true, 0x51000 },
	{ 32, "A1 78 56 34 12", 0, { .seg_base[DS] = 0x100 }, true, 0x12345778 },
	{ 32, "67 A1 FE FF", 0, { .seg_base[DS] = 0x100 }, true, 0x100fe },
	/* 16-bit: the effective address wraps at 2^16. */
	{ 16, "89 00", 0, { .gpr[RBX] = 0xffff, .gpr[RSI] = 0x2, .seg_base[DS] = 0x12340 }, true, 0x12341 },
	{ 16, "89 02", 0, { .gpr[RBP] = 0x10, .gpr[RSI] = 0x20, .seg_base[SS] = 0x50000, .seg_base[DS] = 0x60000 }, true, 0x50030 },
	{ 16, "89 46 FE", 0, { .gpr[RBP] = 0x1, .seg_base[SS] = 0x20000 }, true, 0x2ffff },
	{ 16, "89 06 FE FF", 0, { .seg_base[DS] = 0x1000 }, true, 0x10ffe },
	{ 16, "89 07", 0, { .gpr[RBX] = 0xffff0010, .seg_base[DS] = 0x100 }, true, 0x110 },
	{ 16, "89 87 FE FF", 0, { .gpr[RBX] = 0x1 }, true, 0xffff },
	{ 16, "2E 89 07", 0, { .gpr[RBX] = 0x10, .seg_base[CS] = 0xf0000 }, true, 0xf0010 },
	{ 16, "67 89 03", 0, { .gpr[RBX] = 0x12345678, .seg_base[DS] = 0x10 }, true, 0x12345688 },
	{ 16, "67 89 03", 0, { .gpr[RBX] = 0xfffffff0, .seg_base[DS] = 0x100 }, true, 0xf0 },
	{ 16, "A1 34 12", 0, { .seg_base[DS] = 0x100 }, true, 0x1334 },
	{ 16, "A4", 0, { .gpr[RSI] = 0x10, .gpr[RDI] = 0x20, .seg_base[ES] = 0x20000, .seg_base[DS] = 0x30000 }, true, 0x20020 },
	{ 16, "A4", 1, { .gpr[RSI] = 0x10, .gpr[RDI] = 0x20, .seg_base[ES] = 0x20000, .seg_base[DS] = 0x30000 }, true, 0x30010 },
	{ 16, "26 A4", 1, { .gpr[RSI] = 0x10, .gpr[RDI] = 0x20, .seg_base[ES] = 0x20000, .seg_base[DS] = 0x30000 }, true, 0x20010 },
	{ 16, "AD", 0, { .gpr[RSI] = 0xffff, .seg_base[DS] = 0x30000 }, true, 0x3ffff },
};

static void test_address(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(address_cases); i++) {
		const struct address_case *c = &address_cases[i];
		const uint64_t untouched = UINT64_C(0xdeadbeefdeadbeef);
		struct mmiodec_regs regs = c->regs;
		struct mmiodec_insn insn;
		uint64_t linear = untouched;
		bool ok;

		decode(&insn, c->mode, c->bytes, NULL);
		ok = mmiodec_address(&insn, &regs, c->which, &linear);
		if (ok != c->ok || (ok && linear != c->linear) ||
		    (!ok && linear != untouched)) {
			report(c->mode, c->bytes, "operand %u: got %s 0x%llx, "
			     "expected %s 0x%llx (decode status %u)", c->which,
			     ok ? "true" : "false", (unsigned long long)linear,
			     c->ok ? "true" : "false",
			     (unsigned long long)(c->ok ? c->linear : untouched),
			     insn.status);
			failures++;
		}
		if (memcmp(&regs, &c->regs, sizeof(regs)) != 0) {
			report(c->mode, c->bytes, "registers changed");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- mmiodec_store_value ------------------------------------------------ */

struct store_case {
	unsigned mode;
	const char *bytes;
	unsigned width;
	uint64_t value;   /* the low width bytes of the result */
};

/* Registers per fill_gprs(): AL = 0x80, AH = 0x70, CH = 0x71, BH = 0x73,
 * SPL = 0x84, DIL = 0x87, R15B = 0x8f. */
static const struct store_case store_cases[] = {
	{ 64, "88 03",                         1, 0x80 },
	{ 64, "88 23",                         1, 0x70 },
	{ 64, "88 2B",                         1, 0x71 },
	{ 64, "88 3B",                         1, 0x73 },
	{ 64, "40 88 23",                      1, 0x84 },
	{ 64, "40 88 3B",                      1, 0x87 },
	{ 64, "44 88 3B",                      1, 0x8f },
	{ 64, "89 0B",                         4, 0x51617181 },
	{ 64, "66 89 13",                      2, 0x7282 },
	{ 64, "48 89 2B",                      8, 0x1525354555657585 },
	{ 64, "4C 89 3B",                      8, 0x1f2f3f4f5f6f7f8f },
	{ 64, "0F C3 33",                      4, 0x56667686 },
	{ 64, "48 0F C3 33",                   8, 0x1626364656667686 },
	{ 64, "C6 03 AB",                      1, 0xab },
	{ 64, "C7 03 78 56 34 12",             4, 0x12345678 },
	{ 64, "48 C7 03 78 56 34 12",          8, 0x12345678 },
	{ 64, "48 C7 03 00 00 00 80",          8, 0xffffffff80000000 },
	{ 64, "66 C7 03 34 12",                2, 0x1234 },
	{ 64, "A2 88 77 66 55 44 33 22 11",    1, 0x80 },
	{ 64, "A3 88 77 66 55 44 33 22 11",    4, 0x50607080 },
	{ 64, "48 A3 88 77 66 55 44 33 22 11", 8, 0x1020304050607080 },
	{ 64, "AA",                            1, 0x80 },
	{ 64, "66 AB",                         2, 0x7080 },
	{ 64, "48 AB",                         8, 0x1020304050607080 },
	{ 32, "89 03",                         4, 0x50607080 },
	{ 32, "88 27",                         1, 0x70 },
	{ 32, "C7 03 78 56 34 12",             4, 0x12345678 },
	{ 16, "89 07",                         2, 0x7080 },
	{ 16, "66 89 07",                      4, 0x50607080 },
	{ 16, "88 2F",                         1, 0x71 },
	{ 16, "C7 06 34 12 CD AB",             2, 0xabcd },
	{ 16, "AB",                            2, 0x7080 },
};

static uint64_t low_bytes(uint64_t value, unsigned width)
{
	return width >= 8 ? value : value & ((UINT64_C(1) << (8 * width)) - 1);
}

static void test_store_value(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(store_cases); i++) {
		const struct store_case *c = &store_cases[i];
		struct mmiodec_regs regs = { .rip = 0x1000 };
		struct mmiodec_regs before;
		struct mmiodec_insn insn;
		uint64_t value;

		fill_gprs(&regs);
		before = regs;
		decode(&insn, c->mode, c->bytes, NULL);
		value = mmiodec_store_value(&insn, &regs);
		if (insn.width != c->width ||
		    low_bytes(value, c->width) != c->value) {
			report(c->mode, c->bytes, "got 0x%llx (width %u), "
			     "expected 0x%llx (width %u)",
			     (unsigned long long)value, insn.width,
			     (unsigned long long)c->value, c->width);
			failures++;
		}
		if (memcmp(&regs, &before, sizeof(regs)) != 0) {
			report(c->mode, c->bytes, "registers changed");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* MOVS moves memory to memory: there is no value to store; the other
 * stores are not of the MOV family (mmiodec_execute() finishes those). */
static void test_store_value_movs(void **state)
{
	static const char *const movs[] = {
		"A4", "66 A5", "48 A5", "F3 A5",
		"0F 94 03", "0F 38 F1 03", "01 03", "86 03",
	};
	struct mmiodec_regs regs = { .rip = 0x1000 };
	struct mmiodec_insn insn;

	(void)state;
	fill_gprs(&regs);
	for (size_t i = 0; i < COUNT(movs); i++) {
		assert_int_equal(decode(&insn, 64, movs[i], NULL), MMIODEC_OK);
		assert_int_equal(mmiodec_store_value(&insn, &regs), 0);
	}
}

/* ---- mmiodec_complete_load ---------------------------------------------- */

struct load_case {
	unsigned mode;
	const char *bytes;
	uint64_t value;   /* from memory; bytes above width must not count */
	int reg;          /* the register written, or NO_LOAD */
	uint64_t result;  /* its value afterwards */
	uint64_t compare; /* the bits of result that are compared */
};

#define NOT_A_LOAD NO_LOAD, 0, 0

/* Registers before: per fill_gprs(), RAX = 0x1020304050607080. */
static const struct load_case load_cases[] = {
	/* 8- and 16-bit writes keep the other bits; AH..BH are bits 15:8. */
	{ 64, "8A 03",         0xffffffab,         RAX, 0x10203040506070ab, ALL64 },
	{ 64, "8A 23",         0xab,               RAX, 0x102030405060ab80, ALL64 },
	{ 64, "8A 2B",         0xab,               RCX, 0x112131415161ab81, ALL64 },
	{ 64, "8A 3B",         0xab,               RBX, 0x132333435363ab83, ALL64 },
	{ 64, "40 8A 23",      0xab,               RSP, 0x14243444546474ab, ALL64 },
	{ 64, "44 8A 3B",      0xab,               R15, 0x1f2f3f4f5f6f7fab, ALL64 },
	{ 64, "66 8B 03",      0xffff1234,         RAX, 0x1020304050601234, ALL64 },
	/* A 32-bit write in 64-bit mode clears bits 63:32. */
	{ 64, "8B 03",         0xffffffff12345678, RAX, 0x12345678,         ALL64 },
	{ 64, "44 8B 03",      0x12345678,         R8,  0x12345678,         ALL64 },
	{ 64, "48 8B 03",      0x1122334455667788, RAX, 0x1122334455667788, ALL64 },
	{ 64, "4C 8B 3B",      0x1122334455667788, R15, 0x1122334455667788, ALL64 },
	/* MOVZX/MOVSX extend to the destination width, then write that. */
	{ 64, "0F B6 03",      0xffffff80,         RAX, 0x80,               ALL64 },
	{ 64, "44 0F B6 3B",   0x80,               R15, 0x80,               ALL64 },
	{ 64, "66 0F B6 03",   0xff80,             RAX, 0x1020304050600080, ALL64 },
	{ 64, "48 0F B6 03",   0xff,               RAX, 0xff,               ALL64 },
	{ 64, "0F B7 03",      0xffff8000,         RAX, 0x8000,             ALL64 },
	{ 64, "66 0F B7 03",   0x8000,             RAX, 0x1020304050608000, ALL64 },
	{ 64, "0F BE 03",      0x80,               RAX, 0xffffff80,         ALL64 },
	{ 64, "0F BE 03",      0x7f,               RAX, 0x7f,               ALL64 },
	{ 64, "66 0F BE 03",   0x80,               RAX, 0x102030405060ff80, ALL64 },
	{ 64, "66 0F BE 03",   0xff7f,             RAX, 0x102030405060007f, ALL64 },
	{ 64, "48 0F BE 03",   0x80,               RAX, 0xffffffffffffff80, ALL64 },
	{ 64, "0F BF 03",      0x8000,             RAX, 0xffff8000,         ALL64 },
	{ 64, "66 0F BF 03",   0x8000,             RAX, 0x1020304050608000, ALL64 },
	{ 64, "48 0F BF 03",   0x8000,             RAX, 0xffffffffffff8000, ALL64 },
	{ 64, "4C 0F BF 03",   0x8000,             R8,  0xffffffffffff8000, ALL64 },
	{ 64, "48 63 03",      0x80000000,         RAX, 0xffffffff80000000, ALL64 },
	{ 64, "48 63 03",      0xffffffff7fffffff, RAX, 0x7fffffff,         ALL64 },
	{ 64, "63 03",         0x80000000,         RAX, 0x80000000,         ALL64 },
	/* MOVSXD r16: Intel reads a word, AMD a dword whose bits 15:0 it
	 * writes; either way bits 63:16 stay. */
	{ AS_INTEL(64), "66 63 03", 0x8000,        RAX, 0x1020304050608000, ALL64 },
	{ AS_AMD(64), "66 63 03", 0xcafe8000,      RAX, 0x1020304050608000, ALL64 },
	{ AS_AMD(64), "66 63 03", 0x12347fff,      RAX, 0x1020304050607fff, ALL64 },
	{ 64, "A0 88 77 66 55 44 33 22 11",    0xab,       RAX, 0x10203040506070ab, ALL64 },
	{ 64, "66 A1 88 77 66 55 44 33 22 11", 0x1234,     RAX, 0x1020304050601234, ALL64 },
	{ 64, "A1 88 77 66 55 44 33 22 11",    0x12345678, RAX, 0x12345678,         ALL64 },
	{ 64, "48 A1 88 77 66 55 44 33 22 11", 0x1122334455667788, RAX, 0x1122334455667788, ALL64 },
	{ 64, "AC",            0xab,               RAX, 0x10203040506070ab, ALL64 },
	{ 64, "66 AD",         0x1234,             RAX, 0x1020304050601234, ALL64 },
	{ 64, "AD",            0x12345678,         RAX, 0x12345678,         ALL64 },
	{ 64, "48 AD",         0x1122334455667788, RAX, 0x1122334455667788, ALL64 },
	{ 32, "8B 03",         0x12345678,         RAX, 0x12345678,         LOW32 },
	{ 32, "8A 27",         0xab,               RAX, 0x102030405060ab80, ALL64 },
	{ 32, "66 8B 03",      0x1234,             RAX, 0x1020304050601234, ALL64 },
	{ 32, "0F BE 03",      0x80,               RAX, 0xffffff80,         LOW32 },
	{ 32, "66 0F B6 03",   0x80,               RAX, 0x1020304050600080, ALL64 },
	{ 32, "AD",            0x12345678,         RAX, 0x12345678,         LOW32 },
	{ 16, "8B 07",         0x1234,             RAX, 0x1020304050601234, ALL64 },
	{ 16, "66 8B 07",      0x12345678,         RAX, 0x12345678,         LOW32 },
	{ 16, "8A 3F",         0xab,               RBX, 0x132333435363ab83, ALL64 },
	{ 16, "0F B6 07",      0x80,               RAX, 0x1020304050600080, ALL64 },
	{ 16, "0F BE 07",      0x80,               RAX, 0x102030405060ff80, ALL64 },
	{ 16, "AC",            0xab,               RAX, 0x10203040506070ab, ALL64 },
	{ 16, "A1 34 12",      0x1234,             RAX, 0x1020304050601234, ALL64 },
	/* Not a load into a register: false, nothing changes. */
	{ 64, "89 03",                      0x12, NOT_A_LOAD },
	{ 64, "88 23",                      0x12, NOT_A_LOAD },
	{ 64, "C7 03 78 56 34 12",          0x12, NOT_A_LOAD },
	{ 64, "A3 88 77 66 55 44 33 22 11", 0x12, NOT_A_LOAD },
	{ 64, "0F C3 03",                   0x12, NOT_A_LOAD },
	{ 64, "A4",                         0x12, NOT_A_LOAD },
	{ 64, "F3 A5",                      0x12, NOT_A_LOAD },
	{ 64, "AA",                         0x12, NOT_A_LOAD },
	{ 64, "8B C0",                      0x12, NOT_A_LOAD },
	{ 64, "01 03",                      0x12, NOT_A_LOAD },
	/* tier 2 reads into a register, but mmiodec_execute() finishes it */
	{ 64, "03 03",                      0x12, NOT_A_LOAD },
	{ 64, "3B 03",                      0x12, NOT_A_LOAD },
	{ 64, "0F 44 03",                   0x12, NOT_A_LOAD },
	{ 64, "0F 38 F0 03",                0x12, NOT_A_LOAD },
	{ 64, "F0 8B 03",                   0x12, NOT_A_LOAD },
	{ 16, "89 07",                      0x12, NOT_A_LOAD },
};

static void test_complete_load(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(load_cases); i++) {
		const struct load_case *c = &load_cases[i];
		struct mmiodec_regs regs = { .rip = 0x1000, .rflags = 0x2 };
		struct mmiodec_regs want;
		struct mmiodec_insn insn;
		bool loaded;

		fill_gprs(&regs);
		want = regs;
		decode(&insn, c->mode, c->bytes, NULL);
		loaded = mmiodec_complete_load(&insn, &regs, c->value);
		if (loaded != (c->reg != NO_LOAD)) {
			report(c->mode, c->bytes, "returned %s",
			     loaded ? "true" : "false");
			failures++;
			continue;
		}
		if (c->reg != NO_LOAD) {
			uint64_t got = regs.gpr[c->reg];

			if ((got ^ c->result) & c->compare) {
				report(c->mode, c->bytes, "gpr[%d] = 0x%llx, "
				     "expected 0x%llx (mask 0x%llx)", c->reg,
				     (unsigned long long)got,
				     (unsigned long long)c->result,
				     (unsigned long long)c->compare);
				failures++;
			}
			regs.gpr[c->reg] = want.gpr[c->reg];
		}
		if (memcmp(&regs, &want, sizeof(regs)) != 0) {
			report(c->mode, c->bytes, "another register changed");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- mmiodec_advance_rip ------------------------------------------------ */

struct rip_case {
	unsigned mode;
	const char *bytes;
	uint64_t rip;
	uint64_t rip_after;
};

static const struct rip_case rip_cases[] = {
	{ 16, "89 07",                         0x1000,             0x1002 },
	{ 16, "89 07",                         0xffff,             0x0001 },
	{ 16, "C7 06 34 12 CD AB",             0xfffe,             0x0004 },
	{ 32, "89 03",                         0x401000,           0x401002 },
	{ 32, "89 03",                         0xffffffff,         0x1 },
	{ 32, "C7 05 78 56 34 12 78 56 34 12", 0xfffffff8,         0x2 },
	{ 64, "89 03",                         0xffffffff,         0x100000001 },
	{ 64, "48 A1 88 77 66 55 44 33 22 11", 0x7ffffffffff0,     0x7ffffffffffa },
	{ 64, "89 03",                         0xffffffffffffffff, 0x1 },
};

static void test_advance_rip(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(rip_cases); i++) {
		const struct rip_case *c = &rip_cases[i];
		struct mmiodec_regs regs = { .rip = c->rip };
		struct mmiodec_regs want;
		struct mmiodec_insn insn;

		fill_gprs(&regs);
		want = regs;
		want.rip = c->rip_after;
		decode(&insn, c->mode, c->bytes, NULL);
		mmiodec_advance_rip(&insn, &regs);
		if (memcmp(&regs, &want, sizeof(regs)) != 0) {
			report(c->mode, c->bytes, "rip 0x%llx -> 0x%llx, "
			     "expected 0x%llx (or another register changed)",
			     (unsigned long long)c->rip,
			     (unsigned long long)regs.rip,
			     (unsigned long long)c->rip_after);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- mmiodec_string_pending / mmiodec_string_step ----------------------- */

struct pending_case {
	unsigned mode;
	const char *bytes;
	uint64_t rcx;
	bool pending;
};

/* rCX is counted at the address size. */
static const struct pending_case pending_cases[] = {
	{ 64, "F3 A4",    0,                  false },
	{ 64, "F3 A4",    1,                  true },
	{ 64, "F2 AA",    0,                  false },
	{ 64, "F3 48 AD", 0,                  false },
	{ 64, "A4",       0,                  true },
	{ 64, "AC",       0,                  true },
	{ 64, "F3 A4",    0xffffffff00000000, true },
	{ 64, "67 F3 A4", 0xffffffff00000000, false },
	{ 64, "67 F3 A4", 0xffffffff00000001, true },
	{ 32, "F3 A4",    0,                  false },
	{ 32, "F3 A4",    0x10000,            true },
	{ 32, "67 F3 A4", 0x10000,            false },
	{ 16, "F3 A4",    0x10000,            false },
	{ 16, "F3 A4",    0x10001,            true },
	{ 16, "67 F3 A4", 0x10000,            true },
	{ 64, "89 03",    0,                  true },
};

static void test_string_pending(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(pending_cases); i++) {
		const struct pending_case *c = &pending_cases[i];
		struct mmiodec_regs regs = { .rip = 0x1000 };
		struct mmiodec_regs want;
		struct mmiodec_insn insn;
		bool pending;

		fill_gprs(&regs);
		regs.gpr[RCX] = c->rcx;
		want = regs;
		decode(&insn, c->mode, c->bytes, NULL);
		pending = mmiodec_string_pending(&insn, &regs);
		if (pending != c->pending) {
			report(c->mode, c->bytes, "rcx 0x%llx: got %s",
			     (unsigned long long)c->rcx,
			     pending ? "true" : "false");
			failures++;
		}
		if (memcmp(&regs, &want, sizeof(regs)) != 0) {
			report(c->mode, c->bytes, "registers changed");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

struct step_case {
	unsigned mode;
	const char *bytes;
	uint64_t rflags;
	uint64_t rsi, rdi, rcx;
	bool done;
	uint64_t rsi_after, rdi_after, rcx_after;
	uint64_t compare;  /* the bits of rsi/rdi/rcx that are compared */
};

/* One iteration from RIP 0x1000: done advances RIP past the instruction,
 * not done leaves it on the instruction. */
static const struct step_case step_cases[] = {
	{ 64, "A4",       0,  0x1000, 0x2000, 0, true,  0x1001, 0x2001, 0, ALL64 },
	{ 64, "A4",       DF, 0x1000, 0x2000, 0, true,  0x0fff, 0x1fff, 0, ALL64 },
	{ 64, "A5",       0,  0x1000, 0x2000, 0, true,  0x1004, 0x2004, 0, ALL64 },
	{ 64, "66 A5",    DF, 0x1000, 0x2000, 0, true,  0x0ffe, 0x1ffe, 0, ALL64 },
	{ 64, "48 A5",    0,  0x1000, 0x2000, 0, true,  0x1008, 0x2008, 0, ALL64 },
	{ 64, "48 A5",    DF, 0x1000, 0x2000, 0, true,  0x0ff8, 0x1ff8, 0, ALL64 },
	{ 64, "48 A5",    0,  0xfffffffffffffffc, 0x2000, 0, true, 0x4, 0x2008, 0, ALL64 },
	{ 64, "AA",       0,  0x1000, 0x2000, 5, true,  0x1000, 0x2001, 5, ALL64 },
	{ 64, "48 AB",    DF, 0x1000, 0x2000, 0, true,  0x1000, 0x1ff8, 0, ALL64 },
	{ 64, "AC",       0,  0x1000, 0x2000, 0, true,  0x1001, 0x2000, 0, ALL64 },
	{ 64, "AD",       DF, 0x1000, 0x2000, 0, true,  0x0ffc, 0x2000, 0, ALL64 },
	{ 64, "F3 A4",    0,  0x1000, 0x2000, 3, false, 0x1001, 0x2001, 2, ALL64 },
	{ 64, "F3 A4",    0,  0x1000, 0x2000, 1, true,  0x1001, 0x2001, 0, ALL64 },
	{ 64, "F2 A4",    0,  0x1000, 0x2000, 2, false, 0x1001, 0x2001, 1, ALL64 },
	{ 64, "F3 AA",    0,  0x1000, 0x2000, 1, true,  0x1000, 0x2001, 0, ALL64 },
	{ 64, "F3 AD",    DF, 0x1000, 0x2000, 2, false, 0x0ffc, 0x2000, 1, ALL64 },
	{ 64, "F3 A4",    0,  0x1000, 0x2000, 0x100000000, false, 0x1001, 0x2001, 0xffffffff, ALL64 },
	/* 32-bit address size in 64-bit mode: ESI, EDI, ECX are written as
	 * 32-bit registers, clearing bits 63:32 (as an Intel CPU does). */
	{ 64, "67 A4",    0,  0xaaaaaaaaffffffff, 0xbbbbbbbb00001000, 0, true, 0x0, 0x1001, 0, ALL64 },
	{ 64, "67 A4",    DF, 0xaaaaaaaa00000000, 0xbbbbbbbb00001000, 0, true, 0xffffffff, 0x0fff, 0, ALL64 },
	{ 64, "67 F3 A4", 0,  0x1000, 0x2000, 0xcccccccc00000002, false, 0x1001, 0x2001, 0x1, ALL64 },
	{ 64, "67 F3 A4", 0,  0x1000, 0x2000, 0xcccccccc00000001, true,  0x1001, 0x2001, 0x0, ALL64 },
	{ 64, "67 AA",    0,  0xaaaaaaaa00001000, 0xbbbbbbbb00002000, 0xcccccccc00000005, true, 0xaaaaaaaa00001000, 0x2001, 0xcccccccc00000005, ALL64 },
	{ 32, "A4",       0,  0xffffffff, 0x2000, 0, true,  0x0, 0x2001, 0, LOW32 },
	{ 32, "F3 A5",    0,  0x1000, 0x2000, 2, false, 0x1004, 0x2004, 1, LOW32 },
	{ 32, "66 AD",    DF, 0x1000, 0x2000, 0, true,  0x0ffe, 0x2000, 0, LOW32 },
	/* 16-bit address size: SI, DI, CX only; the bits above stay. */
	{ 32, "67 A4",    0,  0x123456789abcffff, 0x123456789abc1000, 0, true, 0x123456789abc0000, 0x123456789abc1001, 0, ALL64 },
	{ 32, "67 F3 A4", 0,  0x1000, 0x2000, 0xffff0001, true,  0x1001, 0x2001, 0xffff0000, ALL64 },
	{ 32, "67 F3 A4", 0,  0x1000, 0x2000, 0xffff0002, false, 0x1001, 0x2001, 0xffff0001, ALL64 },
	{ 16, "A4",       0,  0x1234ffff, 0x56780010, 0, true,  0x12340000, 0x56780011, 0, ALL64 },
	{ 16, "A4",       DF, 0x12340000, 0x56780000, 0, true,  0x1234ffff, 0x5678ffff, 0, ALL64 },
	{ 16, "F3 A4",    0,  0x1000, 0x2000, 0x12340002, false, 0x1001, 0x2001, 0x12340001, ALL64 },
	{ 16, "F3 A4",    0,  0x1000, 0x2000, 0x10001, true,  0x1001, 0x2001, 0x10000, ALL64 },
	{ 16, "F3 AB",    0,  0x1000, 0x2000, 1, true,  0x1000, 0x2002, 0, ALL64 },
	{ 16, "66 A5",    DF, 0x1000, 0x2000, 0, true,  0x0ffc, 0x1ffc, 0, ALL64 },
	{ 16, "67 A4",    0,  0xffffffff, 0x2000, 0, true,  0x0, 0x2001, 0, LOW32 },
	/* Not a string instruction: only RIP moves. */
	{ 64, "89 03",    DF, 0x1000, 0x2000, 7, true,  0x1000, 0x2000, 7, ALL64 },
};

static void test_string_step(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(step_cases); i++) {
		const struct step_case *c = &step_cases[i];
		struct mmiodec_regs regs = { .rip = 0x1000 };
		struct mmiodec_regs want;
		struct mmiodec_insn insn;
		size_t insn_len = 0;
		bool done;

		fill_gprs(&regs);
		regs.rflags = 0x2 | c->rflags;
		regs.gpr[RSI] = c->rsi;
		regs.gpr[RDI] = c->rdi;
		regs.gpr[RCX] = c->rcx;
		want = regs;
		want.gpr[RSI] = c->rsi_after;
		want.gpr[RDI] = c->rdi_after;
		want.gpr[RCX] = c->rcx_after;
		decode(&insn, c->mode, c->bytes, &insn_len);
		if (c->done)
			want.rip = 0x1000 + insn_len;

		done = mmiodec_string_step(&insn, &regs);
		if (done != c->done) {
			report(c->mode, c->bytes, "returned %s",
			     done ? "true" : "false");
			failures++;
		}
		if (((regs.gpr[RSI] ^ want.gpr[RSI]) & c->compare) ||
		    ((regs.gpr[RDI] ^ want.gpr[RDI]) & c->compare) ||
		    ((regs.gpr[RCX] ^ want.gpr[RCX]) & c->compare)) {
			report(c->mode, c->bytes, "rsi 0x%llx rdi 0x%llx rcx "
			     "0x%llx, expected 0x%llx 0x%llx 0x%llx",
			     (unsigned long long)regs.gpr[RSI],
			     (unsigned long long)regs.gpr[RDI],
			     (unsigned long long)regs.gpr[RCX],
			     (unsigned long long)c->rsi_after,
			     (unsigned long long)c->rdi_after,
			     (unsigned long long)c->rcx_after);
			failures++;
		}
		regs.gpr[RSI] = want.gpr[RSI];
		regs.gpr[RDI] = want.gpr[RDI];
		regs.gpr[RCX] = want.gpr[RCX];
		if (memcmp(&regs, &want, sizeof(regs)) != 0) {
			report(c->mode, c->bytes, "rip 0x%llx, expected 0x%llx "
			     "(or another register changed)",
			     (unsigned long long)regs.rip,
			     (unsigned long long)want.rip);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* A whole REP MOVSB, the way a handler runs it. */
static void test_rep_loop(void **state)
{
	struct mmiodec_regs regs = { .rip = 0x1000, .rflags = 0x2 };
	struct mmiodec_insn insn;
	size_t insn_len;

	(void)state;
	regs.gpr[RSI] = 0x1000;
	regs.gpr[RDI] = 0x2000;
	regs.gpr[RCX] = 3;
	assert_int_equal(decode(&insn, 64, "F3 A4", &insn_len), MMIODEC_OK);

	assert_true(mmiodec_string_pending(&insn, &regs));
	assert_false(mmiodec_string_step(&insn, &regs));
	assert_true(mmiodec_string_pending(&insn, &regs));
	assert_false(mmiodec_string_step(&insn, &regs));
	assert_int_equal(regs.rip, 0x1000);
	assert_true(mmiodec_string_pending(&insn, &regs));
	assert_true(mmiodec_string_step(&insn, &regs));

	assert_int_equal(regs.gpr[RSI], 0x1003);
	assert_int_equal(regs.gpr[RDI], 0x2003);
	assert_int_equal(regs.gpr[RCX], 0);
	assert_int_equal(regs.rip, 0x1000 + insn_len);
	assert_false(mmiodec_string_pending(&insn, &regs));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_store_value),
		cmocka_unit_test(test_store_value_movs),
		cmocka_unit_test(test_complete_load),
		cmocka_unit_test(test_advance_rip),
		cmocka_unit_test(test_string_pending),
		cmocka_unit_test(test_string_step),
		cmocka_unit_test(test_rep_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
