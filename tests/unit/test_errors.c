/* SPDX-License-Identifier: MIT */
/*
 * Truncation, the 15-byte limit and bad arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "decode_case.h"

/* Long instructions: the table runner also checks that each of their
 * shorter prefixes (0..len-1 bytes) is TRUNCATED. */
static const struct decode_case long_cases[] = {
	{ 64, "65 67 48 C7 84 88 78 56 34 12 EF BE AD DE",
	  "mov st w8 imm=0xffffffffdeadbeef gs:[eax+ecx*4+0x12345678] o8 a32" },
	{ 64, "66 C7 84 24 78 56 34 12 34 12",
	  "mov st w2 imm=0x1234 ss:[rsp+0x12345678] o2 a64" },
	{ 64, "64 48 A3 88 77 66 55 44 33 22 11",
	  "mov st w8 rax fs:[0x1122334455667788] o8 a64" },
	{ 64, "F3 67 48 AB",
	  "stos st w8 rax es:[edi] rep repeat o8 a32" },
	{ 64, "4F 0F BF 7C ED 80",
	  "movsx ld w2 sx8 r15 ds:[r13+r13*8-0x80] o8 a64" },
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
static const struct decode_case truncated_cases[] = {
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
static const struct decode_case limit_cases[] = {
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

static void test_long_instructions(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(long_cases);
}

static void test_truncated(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(truncated_cases);
}

static void test_length_limit(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(limit_cases);
}


static void test_bad_arguments(void **state)
{
	static const uint8_t store[] = { 0x89, 0x03 };
	static const unsigned bad_modes[] = { 0, 8, 15, 17, 33, 63, 65, 128 };
	struct mmiodec_insn insn;

	(void)state;
	assert_int_equal(mmiodec_decode(NULL, store, sizeof(store),
					MMIODEC_MODE_64),
			 MMIODEC_BAD_ARGUMENT);

	memset(&insn, 0xa5, sizeof(insn));
	assert_int_equal(mmiodec_decode(&insn, NULL, 2, MMIODEC_MODE_64),
			 MMIODEC_BAD_ARGUMENT);
	assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));

	memset(&insn, 0xa5, sizeof(insn));
	assert_int_equal(mmiodec_decode(&insn, NULL, 0, MMIODEC_MODE_32),
			 MMIODEC_BAD_ARGUMENT);
	assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));

	for (size_t i = 0; i < COUNT(bad_modes); i++) {
		memset(&insn, 0xa5, sizeof(insn));
		assert_int_equal(mmiodec_decode(&insn, store, sizeof(store),
						(enum mmiodec_mode)bad_modes[i]),
				 MMIODEC_BAD_ARGUMENT);
		assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
	}
}

static void test_empty_input(void **state)
{
	static const uint8_t store[] = { 0x89, 0x03 };
	static const enum mmiodec_mode modes[] = {
		MMIODEC_MODE_16, MMIODEC_MODE_32, MMIODEC_MODE_64,
	};
	struct mmiodec_insn insn;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		memset(&insn, 0xa5, sizeof(insn));
		assert_int_equal(mmiodec_decode(&insn, store, 0, modes[i]),
				 MMIODEC_TRUNCATED);
		assert_true(only_status_set(&insn, MMIODEC_TRUNCATED));
	}
}

/* A length beyond 15 is fine: the decoder reads no more than it needs
 * (and never more than 15 bytes). */
static void test_huge_length(void **state)
{
	static const uint8_t bytes[16] = { 0x89, 0x03 };
	struct mmiodec_insn insn;

	(void)state;
	assert_int_equal(mmiodec_decode(&insn, bytes, SIZE_MAX,
					MMIODEC_MODE_64),
			 MMIODEC_OK);
	assert_int_equal(insn.length, 2);
	assert_int_equal(insn.status, MMIODEC_OK);
}

/* The return value is always the status written into the descriptor. */
static void test_return_is_status(void **state)
{
	static const char *const inputs[] = {
		"89 03", "90", "01 03", "F0 89 03", "C7 03",
	};
	struct mmiodec_insn insn;
	uint8_t bytes[DECODE_CASE_MAX_BYTES];
	size_t insn_len;

	(void)state;
	for (size_t i = 0; i < COUNT(inputs); i++) {
		int n = parse_hex(inputs[i], bytes, sizeof(bytes), &insn_len);

		assert_true(n > 0);
		enum mmiodec_status status =
			mmiodec_decode(&insn, bytes, (size_t)n, MMIODEC_MODE_64);
		assert_int_equal(status, insn.status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_instructions),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_huge_length),
		cmocka_unit_test(test_return_is_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
