/* SPDX-License-Identifier: MIT */
/*
 * Every supported form in each mode, and where the other valid forms go
 * (NO_MEMORY or UNSUPPORTED). Expected answers follow the Intel SDM opcode
 * tables (the cases: tests/vectors/decode_cases.h; their format:
 * decode_text.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "decode_case.h"
#include "../vectors/decode_cases.h"

static void test_mov_reg(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_mov_reg_cases);
}

static void test_mov_imm(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_mov_imm_cases);
}

static void test_moffs(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_moffs_cases);
}

static void test_movzx_movsx(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_movx_cases);
}

static void test_movsxd(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_movsxd_cases);
}

static void test_movnti(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_movnti_cases);
}

static void test_strings(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_string_cases);
}

static void test_other(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(decode_other_cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_reg),
		cmocka_unit_test(test_mov_imm),
		cmocka_unit_test(test_moffs),
		cmocka_unit_test(test_movzx_movsx),
		cmocka_unit_test(test_movsxd),
		cmocka_unit_test(test_movnti),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
