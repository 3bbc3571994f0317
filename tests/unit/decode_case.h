/* SPDX-License-Identifier: MIT */
/*
 * Table-driven decoder tests in CMocka: the cases are data in
 * tests/vectors/, in the format described in decode_text.h; each is
 * checked by check_case() (decode_text.c), here on an exact-size heap copy
 * of its bytes, so that ASan and Valgrind see a read past the end.
 */
#ifndef DECODE_CASE_H
#define DECODE_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmiodec.h"
#include "decode_text.h"

/* Runs every case, printing each failure; returns the number of failures. */
int check_decode_cases(const struct decode_case *cases, size_t count);

/* A failure note on stderr, prefixed with the mode and bytes of the case. */
void report(unsigned mode, const char *hex, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The header's promise for BAD_ARGUMENT, INVALID and TRUNCATED: status is
 * the only field set. */
bool only_status_set(const struct mmiodec_insn *insn, enum mmiodec_status status);

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* In a CMocka test: every case of a table passes. */
#define CHECK_DECODE_TABLE(table) \
	assert_int_equal(check_decode_cases((table), COUNT(table)), 0)

#endif
