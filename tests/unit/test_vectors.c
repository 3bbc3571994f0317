/* SPDX-License-Identifier: MIT */
/*
 * Every table of tests/vectors/all.h in one run, as the kernel self-test
 * (kernel/selftest.c) runs them: the list it depends on is complete (built
 * with -Wunused-const-variable=2 where the compiler has it) and passes in
 * user space too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "decode_case.h"
#include "../vectors/all.h"

static void test_all_tables(void **state)
{
	unsigned cases = 0;
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(vector_tables); i++) {
		failures += check_decode_cases(vector_tables[i].cases,
					       vector_tables[i].count);
		cases += vector_tables[i].count;
	}
	printf("%u cases in %zu tables, %d failed\n", cases,
	       COUNT(vector_tables), failures);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
