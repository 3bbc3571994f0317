/* SPDX-License-Identifier: MIT */
/*
 * Prefix rules (SDM vol. 2, 2.1 and 2.2.1): legacy prefixes in any order and
 * number, the last segment override wins, only FS/GS count in 64-bit mode,
 * REX counts only directly before the opcode, REX.W beats 66, LOCK on a MOV
 * is #UD.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "decode_case.h"
#include "../vectors/prefixes_cases.h"

static void test_order(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(prefixes_order_cases);
}

static void test_segment(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(prefixes_segment_cases);
}

static void test_rex(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(prefixes_rex_cases);
}

static void test_lock(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(prefixes_lock_cases);
}

static void test_address_size(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(prefixes_address_size_cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_segment),
		cmocka_unit_test(test_rex),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_address_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
