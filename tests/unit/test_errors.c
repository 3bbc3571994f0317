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
#include "../vectors/errors_cases.h"

static void test_long_instructions(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(errors_long_cases);
}

static void test_truncated(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(errors_truncated_cases);
}

static void test_length_limit(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(errors_limit_cases);
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

/* mmiodec_decode_vendor() leaves the fast path to the general one when
 * the address times the length is 0, which is also the case for an even
 * address and a length of 2^63: the answer must not change. */
static void test_length_times_address_zero(void **state)
{
	static _Alignas(16) const uint8_t inputs[][16] = {
		{ 0x89, 0x03 },                          /* mov [rbx], eax */
		{ 0x48, 0x8B, 0x47, 0x10 },              /* mov rax, [rdi+16] */
		{ 0x66, 0xC7, 0x04, 0x24, 0x34, 0x12 },  /* mov word [rsp], 0x1234 */
		{ 0x66, 0x0F, 0x6F, 0x06 },              /* movdqa xmm0, [rsi] */
		{ 0x01, 0xD8 },                          /* add eax, ebx */
		{ 0x0F, 0x0B },                          /* ud2 */
	};
	const size_t wrapping = (size_t)1 << (sizeof(size_t) * 8 - 1);

	(void)state;
	for (size_t i = 0; i < COUNT(inputs); i++) {
		struct mmiodec_insn whole, wrapped;
		assert_true(((uintptr_t)inputs[i] & 1) == 0);
		assert_true((uintptr_t)inputs[i] * wrapping == 0);
		memset(&whole, 0xa5, sizeof(whole));
		memset(&wrapped, 0x5a, sizeof(wrapped));
		mmiodec_decode(&whole, inputs[i], 15, MMIODEC_MODE_64);
		mmiodec_decode(&wrapped, inputs[i], wrapping, MMIODEC_MODE_64);
		assert_memory_equal(&whole, &wrapped, sizeof(whole));
	}
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
		cmocka_unit_test(test_length_times_address_zero),
		cmocka_unit_test(test_return_is_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
