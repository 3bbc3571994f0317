/* SPDX-License-Identifier: MIT */
/*
 * Name functions, and the size of the descriptor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "decode_case.h"

/* The descriptor stays small: one cache line. */
static void test_descriptor_size(void **state)
{
	(void)state;
	assert_true(sizeof(struct mmiodec_insn) <= 64);
}

static void test_status_name(void **state)
{
	static const struct { unsigned status; const char *name; } cases[] = {
		{ MMIODEC_OK,           "ok" },
		{ MMIODEC_NO_MEMORY,    "no-memory" },
		{ MMIODEC_UNSUPPORTED,  "unsupported" },
		{ MMIODEC_INVALID,      "invalid" },
		{ MMIODEC_TRUNCATED,    "truncated" },
		{ MMIODEC_BAD_ARGUMENT, "bad-argument" },
		{ MMIODEC_VENDOR_DEPENDENT, "vendor-dependent" },
		{ 7,                    "?" },
		{ 255,                  "?" },
		{ 0x7fffffff,           "?" },
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		const char *name =
			mmiodec_status_name((enum mmiodec_status)cases[i].status);

		assert_non_null(name);
		assert_string_equal(name, cases[i].name);
	}
}

static void test_seg_name(void **state)
{
	static const char *const names[] = { "es", "cs", "ss", "ds", "fs", "gs" };

	(void)state;
	for (unsigned i = 0; i < COUNT(names); i++) {
		const char *name = mmiodec_seg_name((enum mmiodec_seg)i);

		assert_non_null(name);
		assert_string_equal(name, names[i]);
	}
	assert_null(mmiodec_seg_name((enum mmiodec_seg)6));
	assert_null(mmiodec_seg_name((enum mmiodec_seg)255));
}

struct reg_name_case {
	unsigned kind;
	unsigned number;
	unsigned width;
	const char *name;   /* NULL: there is no such register */
};

static const struct reg_name_case reg_name_cases[] = {
	{ MMIODEC_REG_KIND_GPR,       0,  1, "al" },
	{ MMIODEC_REG_KIND_GPR,       3,  1, "bl" },
	{ MMIODEC_REG_KIND_GPR,       4,  1, "spl" },
	{ MMIODEC_REG_KIND_GPR,       5,  1, "bpl" },
	{ MMIODEC_REG_KIND_GPR,       6,  1, "sil" },
	{ MMIODEC_REG_KIND_GPR,       7,  1, "dil" },
	{ MMIODEC_REG_KIND_GPR,       8,  1, "r8b" },
	{ MMIODEC_REG_KIND_GPR,       15, 1, "r15b" },
	{ MMIODEC_REG_KIND_GPR,       0,  2, "ax" },
	{ MMIODEC_REG_KIND_GPR,       4,  2, "sp" },
	{ MMIODEC_REG_KIND_GPR,       7,  2, "di" },
	{ MMIODEC_REG_KIND_GPR,       9,  2, "r9w" },
	{ MMIODEC_REG_KIND_GPR,       15, 2, "r15w" },
	{ MMIODEC_REG_KIND_GPR,       0,  4, "eax" },
	{ MMIODEC_REG_KIND_GPR,       5,  4, "ebp" },
	{ MMIODEC_REG_KIND_GPR,       10, 4, "r10d" },
	{ MMIODEC_REG_KIND_GPR,       15, 4, "r15d" },
	{ MMIODEC_REG_KIND_GPR,       0,  8, "rax" },
	{ MMIODEC_REG_KIND_GPR,       1,  8, "rcx" },
	{ MMIODEC_REG_KIND_GPR,       2,  8, "rdx" },
	{ MMIODEC_REG_KIND_GPR,       3,  8, "rbx" },
	{ MMIODEC_REG_KIND_GPR,       4,  8, "rsp" },
	{ MMIODEC_REG_KIND_GPR,       6,  8, "rsi" },
	{ MMIODEC_REG_KIND_GPR,       12, 8, "r12" },
	{ MMIODEC_REG_KIND_GPR,       15, 8, "r15" },
	{ MMIODEC_REG_KIND_GPR,       MMIODEC_RIP, 8, "rip" },
	{ MMIODEC_REG_KIND_GPR,       MMIODEC_RIP, 4, "eip" },
	{ MMIODEC_REG_KIND_GPR,       MMIODEC_RIP, 2, "ip" },
	{ MMIODEC_REG_KIND_GPR,       MMIODEC_RIP, 1, NULL },
	{ MMIODEC_REG_KIND_GPR,       17, 8, NULL },
	{ MMIODEC_REG_KIND_GPR,       MMIODEC_NO_REG, 8, NULL },
	{ MMIODEC_REG_KIND_GPR,       0,  3, NULL },
	{ MMIODEC_REG_KIND_GPR,       0,  0, NULL },
	{ MMIODEC_REG_KIND_GPR,       0,  16, NULL },
	{ MMIODEC_REG_KIND_GPR_HIGH8, 0,  1, "ah" },
	{ MMIODEC_REG_KIND_GPR_HIGH8, 1,  1, "ch" },
	{ MMIODEC_REG_KIND_GPR_HIGH8, 2,  1, "dh" },
	{ MMIODEC_REG_KIND_GPR_HIGH8, 3,  1, "bh" },
	{ MMIODEC_REG_KIND_GPR_HIGH8, 4,  1, NULL },
	{ MMIODEC_REG_KIND_NONE,      0,  8, NULL },
	{ MMIODEC_REG_KIND_MMX,       0,  8, "mm0" },
	{ MMIODEC_REG_KIND_MMX,       7,  8, "mm7" },
	{ MMIODEC_REG_KIND_MMX,       8,  8, NULL },
	{ MMIODEC_REG_KIND_XMM,       0,  16, "xmm0" },
	{ MMIODEC_REG_KIND_XMM,       31, 16, "xmm31" },
	{ MMIODEC_REG_KIND_YMM,       17, 32, "ymm17" },
	{ MMIODEC_REG_KIND_ZMM,       9,  64, "zmm9" },
	{ MMIODEC_REG_KIND_ZMM,       32, 64, NULL },
	{ 7,                          0,  8, NULL },
};

static void test_reg_name(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(reg_name_cases); i++) {
		const struct reg_name_case *c = &reg_name_cases[i];
		const char *name = mmiodec_reg_name(
			(enum mmiodec_reg_kind)c->kind, c->number, c->width);
		bool same = name && c->name ? strcmp(name, c->name) == 0
					    : name == c->name;

		if (!same) {
			fprintf(stderr, "kind %u number %u width %u: got %s%s%s, "
				"expected %s\n", c->kind, c->number, c->width,
				name ? "\"" : "", name ? name : "NULL",
				name ? "\"" : "", c->name ? c->name : "NULL");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

struct mnemonic_case {
	unsigned mode;
	const char *bytes;
	const char *mnemonic;   /* as Zydis names it; "" when not OK */
};

static const struct mnemonic_case mnemonic_cases[] = {
	{ 64, "89 03",                      "mov" },
	{ 64, "8A 23",                      "mov" },
	{ 64, "C7 03 78 56 34 12",          "mov" },
	{ 64, "A1 88 77 66 55 44 33 22 11", "mov" },
	{ 64, "0F B6 03",                   "movzx" },
	{ 64, "0F BF 03",                   "movsx" },
	{ 64, "48 63 03",                   "movsxd" },
	{ 64, "0F C3 03",                   "movnti" },
	{ 64, "A4",                         "movsb" },
	{ 64, "66 A5",                      "movsw" },
	{ 64, "A5",                         "movsd" },
	{ 64, "48 A5",                      "movsq" },
	{ 64, "F3 48 A5",                   "movsq" },
	{ 64, "AA",                         "stosb" },
	{ 64, "66 AB",                      "stosw" },
	{ 64, "AB",                         "stosd" },
	{ 64, "48 AB",                      "stosq" },
	{ 64, "AC",                         "lodsb" },
	{ 64, "66 AD",                      "lodsw" },
	{ 64, "AD",                         "lodsd" },
	{ 64, "48 AD",                      "lodsq" },
	{ 16, "A5",                         "movsw" },
	{ 16, "66 AB",                      "stosd" },
	{ 64, "90",                         "" },
	{ 64, "FF 13",                      "" },
	{ 64, "01 03",                      "add" },
	{ 64, "0F 94 03",                   "setz" },
	{ 64, "0F 90 03",                   "seto" },
	{ 64, "0F 9F 03",                   "setnle" },
	{ 64, "66 0F 45 03",                "cmovnz" },
	{ 64, "0F 4E 03",                   "cmovle" },
	{ 64, "0F C7 0B",                   "cmpxchg8b" },
	{ 64, "48 0F C7 0B",                "cmpxchg16b" },
	{ 64, "D0 33",                      "shl" },
	{ 64, "D0 23",                      "shl" },
	{ 64, "0F BA 2B 05",                "bts" },
	{ 64, "0F 38 F1 03",                "movbe" },
	{ 64, "F2 0F 10 03",                "movsd" },
	{ 64, "66 0F 6F 03",                "movdqa" },
	{ 64, "C5 FC 11 03",                "vmovups" },
	{ 64, "62 F1 FF 8F 6F 03",          "vmovdqu16" },
	{ 64, "62 F1 FD 28 6F 03",          "vmovdqa64" },
	{ 64, "66 0F 38 F8 0B",             "movdir64b" },
	{ 64, "F2 0F 38 F8 0B",             "enqcmd" },
	{ 64, "F0 89 03",                   "" },
	{ 64, "89",                         "" },
};

static void test_mnemonic(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(mnemonic_cases); i++) {
		const struct mnemonic_case *c = &mnemonic_cases[i];
		uint8_t bytes[DECODE_CASE_MAX_BYTES];
		struct mmiodec_insn insn;
		size_t insn_len;
		int n = parse_hex(c->bytes, bytes, sizeof(bytes), &insn_len);
		const char *name;

		assert_true(n > 0);
		mmiodec_decode(&insn, bytes, (size_t)n,
			       (enum mmiodec_mode)c->mode);
		name = mmiodec_mnemonic(&insn);
		if (!name || strcmp(name, c->mnemonic) != 0) {
			fprintf(stderr, "%u-bit [%s]: got \"%s\", expected "
				"\"%s\"\n", c->mode, c->bytes,
				name ? name : "(null)", c->mnemonic);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor_size),
		cmocka_unit_test(test_status_name),
		cmocka_unit_test(test_seg_name),
		cmocka_unit_test(test_reg_name),
		cmocka_unit_test(test_mnemonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
