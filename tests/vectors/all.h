/* SPDX-License-Identifier: MIT */
/*
 * Every table of test vectors, by name, for the programs that run them all:
 * the kernel self-test (kernel/selftest.c) and unit-vectors
 * (tests/unit/test_vectors.c). A table missing here is a warning
 * (-Wunused-const-variable) where this header is included.
 */
#ifndef MMIODEC_VECTORS_ALL_H
#define MMIODEC_VECTORS_ALL_H

#include "decode_cases.h"
#include "prefixes_cases.h"
#include "addressing_cases.h"
#include "errors_cases.h"
#include "contract_cases.h"
#include "vendor_cases.h"
#include "tier2_cases.h"
#include "tier3_cases.h"

struct vector_table {
	const char *name;                  /* file/table */
	const struct decode_case *cases;
	unsigned count;
};

#define VECTOR_TABLE(file, table) \
	{ #file "/" #table, file##_##table, \
	  sizeof(file##_##table) / sizeof(file##_##table[0]) }

static const struct vector_table vector_tables[] = {
	VECTOR_TABLE(decode, mov_reg_cases),
	VECTOR_TABLE(decode, mov_imm_cases),
	VECTOR_TABLE(decode, moffs_cases),
	VECTOR_TABLE(decode, movx_cases),
	VECTOR_TABLE(decode, movsxd_cases),
	VECTOR_TABLE(decode, movnti_cases),
	VECTOR_TABLE(decode, string_cases),
	VECTOR_TABLE(decode, other_cases),
	VECTOR_TABLE(prefixes, order_cases),
	VECTOR_TABLE(prefixes, segment_cases),
	VECTOR_TABLE(prefixes, rex_cases),
	VECTOR_TABLE(prefixes, lock_cases),
	VECTOR_TABLE(prefixes, address_size_cases),
	VECTOR_TABLE(addressing, modrm16_cases),
	VECTOR_TABLE(addressing, modrm32_cases),
	VECTOR_TABLE(addressing, modrm64_cases),
	VECTOR_TABLE(errors, long_cases),
	VECTOR_TABLE(errors, truncated_cases),
	VECTOR_TABLE(errors, limit_cases),
	VECTOR_TABLE(contract, lock_cases),
	VECTOR_TABLE(contract, rex_cases),
	VECTOR_TABLE(contract, not_memory_cases),
	VECTOR_TABLE(vendor, branch_cases),
	VECTOR_TABLE(vendor, movsxd_cases),
	VECTOR_TABLE(vendor, validity_cases),
	VECTOR_TABLE(vendor, neutral_cases),
	VECTOR_TABLE(tier2, alu_cases),
	VECTOR_TABLE(tier2, unary_cases),
	VECTOR_TABLE(tier2, exchange_cases),
	VECTOR_TABLE(tier2, bit_shift_cases),
	VECTOR_TABLE(tier2, condition_cases),
	VECTOR_TABLE(tier2, lock_cases),
	VECTOR_TABLE(tier3, sse_cases),
	VECTOR_TABLE(tier3, vex_cases),
	VECTOR_TABLE(tier3, evex_cases),
	VECTOR_TABLE(tier3, portal_cases),
};

#undef VECTOR_TABLE

#endif
