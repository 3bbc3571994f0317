/* SPDX-License-Identifier: MIT */
/*
 * Memory operand encodings (SDM vol. 2, tables 2-1 to 2-3 and 2.2.1.6), all
 * on MOV 89 /r so that only the operand varies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "decode_case.h"
#include "../vectors/addressing_cases.h"

static void test_modrm16(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(addressing_modrm16_cases);
}

static void test_modrm32(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(addressing_modrm32_cases);
}

static void test_modrm64(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(addressing_modrm64_cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modrm16),
		cmocka_unit_test(test_modrm32),
		cmocka_unit_test(test_modrm64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
