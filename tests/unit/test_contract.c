/* SPDX-License-Identifier: MIT */
/*
 * The README's "Bad input: the contract": one test per line of its table,
 * in the same order. Byte inputs are exact-size heap copies (the decode
 * tables go through decode_case.c, which makes them too), so that ASan and
 * Valgrind see a read past the end; "nothing is read" and "no more than 15
 * bytes are read" are checked against an inaccessible page, which faults
 * in any build.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "decode_case.h"
#include "../vectors/contract_cases.h"

enum {
	RAX = MMIODEC_RAX, RCX = MMIODEC_RCX, RDX = MMIODEC_RDX,
	RBX = MMIODEC_RBX, RBP = MMIODEC_RBP, RSI = MMIODEC_RSI,
	RDI = MMIODEC_RDI,
};
enum {
	ES = MMIODEC_SEG_ES, SS = MMIODEC_SEG_SS, DS = MMIODEC_SEG_DS,
	FS = MMIODEC_SEG_FS, GS = MMIODEC_SEG_GS,
};

#define DF (UINT64_C(1) << 10)

static const enum mmiodec_mode good_modes[] = {
	MMIODEC_MODE_16, MMIODEC_MODE_32, MMIODEC_MODE_64,
};

/* ---- fixtures ------------------------------------------------------------ */

/* The first byte of an inaccessible page, right after a readable one:
 * bytes placed just before it are the only ones the decoder may read. */
static uint8_t *guard_page(void)
{
	static uint8_t *guard;

	if (!guard) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		uint8_t *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		assert_true(p != MAP_FAILED);
		assert_int_equal(mprotect(p + page, page, PROT_NONE), 0);
		guard = p + page;
	}
	return guard;
}

/* Copies hex's bytes to end exactly at the guard page. */
static const uint8_t *bytes_before_guard(const char *hex, size_t *count)
{
	uint8_t bytes[DECODE_CASE_MAX_BYTES];
	size_t insn_len;
	int n = parse_hex(hex, bytes, sizeof(bytes), &insn_len);

	assert_true(n >= 0);
	uint8_t *at = guard_page() - n;
	memcpy(at, bytes, (size_t)n);
	*count = (size_t)n;
	return at;
}

/* Decodes from a heap copy of exactly the bytes given, into a descriptor
 * that starts out as garbage. */
static enum mmiodec_status decode_heap(struct mmiodec_insn *insn,
				       const uint8_t *bytes, size_t len,
				       unsigned mode)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	memset(insn, 0xa5, sizeof(*insn));
	enum mmiodec_status status =
		mmiodec_decode(insn, copy, len, (enum mmiodec_mode)mode);
	free(copy);
	return status;
}

static enum mmiodec_status decode_hex(struct mmiodec_insn *insn,
				      unsigned mode, const char *hex)
{
	uint8_t bytes[DECODE_CASE_MAX_BYTES];
	size_t insn_len;
	int n = parse_hex(hex, bytes, sizeof(bytes), &insn_len);

	assert_true(n >= 0);
	return decode_heap(insn, bytes, (size_t)n, mode);
}

/* A descriptor the helpers accept, or the test stops. */
static struct mmiodec_insn decoded_ok(unsigned mode, const char *hex)
{
	struct mmiodec_insn insn;

	assert_int_equal(decode_hex(&insn, mode, hex), MMIODEC_OK);
	return insn;
}

/* Every byte of register i is 0x10*k + i, so that a stray byte shows. */
static void fill_regs(struct mmiodec_regs *regs)
{
	for (unsigned i = 0; i < 16; i++)
		regs->gpr[i] = UINT64_C(0x1020304050607080) +
			       i * UINT64_C(0x0101010101010101);
	regs->rip = UINT64_C(0x401000);
	regs->rflags = 0x202;
	for (unsigned i = 0; i < 6; i++)
		regs->seg_base[i] = UINT64_C(0x10000) * (i + 1);
}

static void assert_regs_unchanged(const struct mmiodec_regs *regs,
				  const struct mmiodec_regs *before)
{
	assert_memory_equal(regs, before, sizeof(*regs));
}


/* ---- insn is NULL -------------------------------------------------------- */

static void test_null_descriptor(void **state)
{
	static const uint8_t store[] = { 0x89, 0x03 };
	const uint8_t *unreadable = guard_page();

	(void)state;
	for (size_t i = 0; i < COUNT(good_modes); i++) {
		assert_int_equal(mmiodec_decode(NULL, store, sizeof(store),
						good_modes[i]),
				 MMIODEC_BAD_ARGUMENT);
		assert_int_equal(mmiodec_decode(NULL, unreadable, 15,
						good_modes[i]),
				 MMIODEC_BAD_ARGUMENT);
		assert_int_equal(mmiodec_decode(NULL, NULL, 0, good_modes[i]),
				 MMIODEC_BAD_ARGUMENT);
	}
	assert_int_equal(mmiodec_decode(NULL, unreadable, SIZE_MAX,
					(enum mmiodec_mode)0),
			 MMIODEC_BAD_ARGUMENT);
}

/* ---- bytes is NULL ------------------------------------------------------- */

static void test_null_bytes(void **state)
{
	static const size_t lengths[] = { 0, 1, 2, 14, 15, 16, SIZE_MAX };
	static const unsigned modes[] = { 16, 32, 64, 0, 99 };
	struct mmiodec_insn insn;

	(void)state;
	for (size_t m = 0; m < COUNT(modes); m++) {
		for (size_t i = 0; i < COUNT(lengths); i++) {
			memset(&insn, 0xa5, sizeof(insn));
			assert_int_equal(mmiodec_decode(&insn, NULL, lengths[i],
						(enum mmiodec_mode)modes[m]),
					 MMIODEC_BAD_ARGUMENT);
			assert_true(only_status_set(&insn,
						    MMIODEC_BAD_ARGUMENT));
		}
	}
}

/* ---- len is 0 ------------------------------------------------------------ */

static void test_zero_length(void **state)
{
	struct mmiodec_insn insn;

	(void)state;
	for (size_t i = 0; i < COUNT(good_modes); i++) {
		memset(&insn, 0xa5, sizeof(insn));
		assert_int_equal(mmiodec_decode(&insn, guard_page(), 0,
						good_modes[i]),
				 MMIODEC_TRUNCATED);
		assert_true(only_status_set(&insn, MMIODEC_TRUNCATED));
	}
}

/* ---- len > 15 ------------------------------------------------------------ */

/* Fifteen bytes each, placed against the guard page: a 16th read faults. */
static const struct {
	unsigned mode;
	const char *bytes;
	enum mmiodec_status status;
	uint8_t length;
} first_15_cases[] = {
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 03", MMIODEC_OK, 15 },
	{ 64, "89 03 90 90 90 90 90 90 90 90 90 90 90 90 90", MMIODEC_OK, 2 },
	{ 32, "F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 F3 A4", MMIODEC_OK, 15 },
	{ 16, "66 67 C7 84 8D 78 56 34 12 78 56 34 12 90 90", MMIODEC_OK, 13 },
	{ 64, "2E 2E 2E 2E 2E 48 B8 01 02 03 04 05 06 07 08",
	  MMIODEC_NO_MEMORY, 15 },
	/* The instruction would end at byte 16 or later. */
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89",
	  MMIODEC_INVALID, 0 },
	{ 64, "2E 2E 2E 2E 2E 2E 48 B8 01 02 03 04 05 06 07",
	  MMIODEC_INVALID, 0 },
	{ 16, "3E 3E 3E 3E 3E 3E 3E 66 C7 06 34 12 78 56 34",
	  MMIODEC_INVALID, 0 },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66",
	  MMIODEC_INVALID, 0 },
};

static void test_length_beyond_15(void **state)
{
	static const size_t lengths[] = { 15, 16, 64, SIZE_MAX };
	struct mmiodec_insn insn;
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(first_15_cases); i++) {
		size_t n;
		const uint8_t *at = bytes_before_guard(first_15_cases[i].bytes,
						       &n);

		assert_int_equal(n, 15);
		for (size_t l = 0; l < COUNT(lengths); l++) {
			memset(&insn, 0xa5, sizeof(insn));
			mmiodec_decode(&insn, at, lengths[l],
				       (enum mmiodec_mode)first_15_cases[i].mode);
			if (insn.status != first_15_cases[i].status ||
			    insn.length != first_15_cases[i].length) {
				report(first_15_cases[i].mode,
				       first_15_cases[i].bytes,
				       "len %zu: status %s length %u, expected "
				       "%s length %u", lengths[l],
				       mmiodec_status_name(insn.status),
				       insn.length,
				       mmiodec_status_name(first_15_cases[i].status),
				       first_15_cases[i].length);
				failures++;
			}
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- bytes that end early ------------------------------------------------ */

/* Complete instructions: every shorter run of their bytes is TRUNCATED. */
static const struct {
	unsigned mode;
	const char *bytes;
} complete_cases[] = {
	{ 64, "65 67 48 C7 84 88 78 56 34 12 EF BE AD DE" },
	{ 64, "48 A1 88 77 66 55 44 33 22 11" },
	{ 64, "48 B8 01 02 03 04 05 06 07 08" },
	{ 64, "F3 48 A5" },
	{ 64, "0F BF 7C ED 80" },
	{ 64, "0F 0F 00 B4" },
	{ 64, "C4 E1 7D 6F 00" },
	{ 64, "62 F1 7C 48 10 44 24 01" },
	{ 64, "66 0F 3A 0F C1 08" },
	{ 32, "C7 05 78 56 34 12 01 00 00 00" },
	{ 32, "9A 78 56 34 12 00 10" },
	{ 16, "C7 86 34 12 78 56" },
	{ 16, "66 A1 34 12" },
};

static void test_truncated(void **state)
{
	struct mmiodec_insn insn;
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(complete_cases); i++) {
		uint8_t bytes[DECODE_CASE_MAX_BYTES];
		size_t insn_len;
		int n = parse_hex(complete_cases[i].bytes, bytes, sizeof(bytes),
				  &insn_len);

		assert_true(n > 0 && n < 15);
		enum mmiodec_status full = decode_heap(&insn, bytes, (size_t)n,
						       complete_cases[i].mode);
		if (full == MMIODEC_TRUNCATED || full == MMIODEC_INVALID ||
		    insn.length != n) {
			report(complete_cases[i].mode, complete_cases[i].bytes,
			       "not a complete instruction: %s length %u",
			       mmiodec_status_name(full), insn.length);
			failures++;
		}
		for (int k = 0; k < n; k++) {
			decode_heap(&insn, bytes, (size_t)k,
				    complete_cases[i].mode);
			if (!only_status_set(&insn, MMIODEC_TRUNCATED)) {
				report(complete_cases[i].mode,
				       complete_cases[i].bytes,
				       "first %d bytes: %s, expected truncated "
				       "and nothing else set", k,
				       mmiodec_status_name(insn.status));
				failures++;
			}
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- prefix floods ------------------------------------------------------- */

/* Each prefix, repeated; REX only where it is one. */
static const struct {
	uint8_t byte;
	bool only64;
	bool lock;
} flood_prefixes[] = {
	{ 0x66, false, false }, { 0x67, false, false }, { 0xF2, false, false },
	{ 0xF3, false, false }, { 0x26, false, false }, { 0x2E, false, false },
	{ 0x36, false, false }, { 0x3E, false, false }, { 0x64, false, false },
	{ 0x65, false, false }, { 0xF0, false, true },  { 0x40, true, false },
	{ 0x48, true, false },
};

/* count copies of prefix, then tail; returns the status and the length. */
static enum mmiodec_status flood(unsigned mode, uint8_t prefix, size_t count,
				 const uint8_t *tail, size_t tail_len,
				 uint8_t *length)
{
	uint8_t bytes[32];
	struct mmiodec_insn insn;

	assert_true(count + tail_len <= sizeof(bytes));
	memset(bytes, prefix, count);
	if (tail_len)
		memcpy(bytes + count, tail, tail_len);
	enum mmiodec_status status = decode_heap(&insn, bytes,
						 count + tail_len, mode);
	*length = insn.length;
	return status;
}

static void test_prefix_floods(void **state)
{
	static const uint8_t nop[] = { 0x90 };
	static const uint8_t store[] = { 0x89, 0x03 };
	int failures = 0;

	(void)state;
	for (size_t m = 0; m < COUNT(good_modes); m++) {
		unsigned mode = good_modes[m];

		for (size_t i = 0; i < COUNT(flood_prefixes); i++) {
			uint8_t p = flood_prefixes[i].byte, len;
			bool lock = flood_prefixes[i].lock;
			enum mmiodec_status s;

			if (flood_prefixes[i].only64 && mode != 64)
				continue;
#define EXPECT(what, status, length) \
	if ((what) != (status) || ((status) <= MMIODEC_UNSUPPORTED && \
				   len != (length))) { \
		fprintf(stderr, "%u-bit, prefix %02X: %s: %s length %u\n", \
			mode, p, #what, mmiodec_status_name(s), len); \
		failures++; \
	}
			/* Prefixes alone: 14 may still become an instruction,
			 * 15 or more never do. */
			s = flood(mode, p, 14, NULL, 0, &len);
			EXPECT(s, MMIODEC_TRUNCATED, 0);
			s = flood(mode, p, 15, NULL, 0, &len);
			EXPECT(s, MMIODEC_INVALID, 0);
			s = flood(mode, p, 20, NULL, 0, &len);
			EXPECT(s, MMIODEC_INVALID, 0);
			s = flood(mode, p, 15, nop, sizeof(nop), &len);
			EXPECT(s, MMIODEC_INVALID, 0);
			/* 14 prefixes and a one-byte opcode: 15 bytes. */
			s = flood(mode, p, 14, nop, sizeof(nop), &len);
			EXPECT(s, lock ? MMIODEC_INVALID : MMIODEC_NO_MEMORY, 15);
			/* 14 prefixes and an opcode that needs two bytes. */
			s = flood(mode, p, 14, store, sizeof(store), &len);
			EXPECT(s, MMIODEC_INVALID, 0);
			s = flood(mode, p, 13, store, sizeof(store), &len);
			EXPECT(s, lock ? MMIODEC_INVALID : MMIODEC_OK, 15);
#undef EXPECT
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- mode not 16, 32 or 64 ----------------------------------------------- */

static void test_bad_modes(void **state)
{
	static const unsigned bad_modes[] = {
		0, 1, 8, 15, 17, 31, 33, 48, 63, 65, 128, 0x7fffffff,
		UINT_MAX,
	};
	static const uint8_t store[] = { 0x89, 0x03 };
	struct mmiodec_insn insn;

	(void)state;
	for (size_t i = 0; i < COUNT(bad_modes); i++) {
		enum mmiodec_mode mode = (enum mmiodec_mode)bad_modes[i];

		memset(&insn, 0xa5, sizeof(insn));
		assert_int_equal(mmiodec_decode(&insn, store, sizeof(store),
						mode),
				 MMIODEC_BAD_ARGUMENT);
		assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
		/* nothing is read */
		memset(&insn, 0xa5, sizeof(insn));
		assert_int_equal(mmiodec_decode(&insn, guard_page(), 15, mode),
				 MMIODEC_BAD_ARGUMENT);
		assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
	}
}

/* ---- A vendor that is not ANY, INTEL or AMD -------------------------------- */

static void test_bad_vendors(void **state)
{
	static const unsigned bad_vendors[] = { 3, 4, 255, 256, 0x7fffffff, UINT_MAX };
	static const uint8_t store[] = { 0x89, 0x03 };
	static const unsigned modes[] = { 16, 32, 64 };
	struct mmiodec_insn insn;

	(void)state;
	for (size_t i = 0; i < COUNT(bad_vendors); i++) {
		enum mmiodec_vendor vendor = (enum mmiodec_vendor)bad_vendors[i];

		for (size_t m = 0; m < COUNT(modes); m++) {
			enum mmiodec_mode mode = (enum mmiodec_mode)modes[m];

			memset(&insn, 0xa5, sizeof(insn));
			assert_int_equal(mmiodec_decode_vendor(&insn, store, sizeof(store),
							       mode, vendor),
					 MMIODEC_BAD_ARGUMENT);
			assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
			/* nothing is read */
			memset(&insn, 0xa5, sizeof(insn));
			assert_int_equal(mmiodec_decode_vendor(&insn, guard_page(), 15,
							       mode, vendor),
					 MMIODEC_BAD_ARGUMENT);
			assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
		}
	}
}

/* ---- LOCK where it cannot go --------------------------------------------- */

static void test_lock(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(contract_lock_cases);
}

/* ---- REX in the wrong place ---------------------------------------------- */

static void test_rex(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(contract_rex_cases);
}

/* ---- an operand that is not memory --------------------------------------- */

static void test_not_memory(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(contract_not_memory_cases);
}

/* ---- helpers given NULL -------------------------------------------------- */

static void test_helpers_null(void **state)
{
	struct mmiodec_insn load = decoded_ok(64, "8B 03");
	struct mmiodec_insn store = decoded_ok(64, "89 03");
	struct mmiodec_insn movs = decoded_ok(64, "F3 A4");
	struct mmiodec_regs regs, before;
	uint64_t linear = 0x5555;

	(void)state;
	fill_regs(&regs);
	regs.gpr[RCX] = 3;
	before = regs;

	assert_false(mmiodec_address(NULL, &regs, 0, &linear));
	assert_false(mmiodec_address(&load, NULL, 0, &linear));
	assert_int_equal(linear, 0x5555);
	assert_false(mmiodec_address(&load, &regs, 0, NULL));

	assert_int_equal(mmiodec_store_value(NULL, &regs), 0);
	assert_int_equal(mmiodec_store_value(&store, NULL), 0);

	assert_false(mmiodec_complete_load(NULL, &regs, 0x1234));
	assert_false(mmiodec_complete_load(&load, NULL, 0x1234));

	mmiodec_advance_rip(NULL, &regs);
	mmiodec_advance_rip(&load, NULL);

	assert_false(mmiodec_string_pending(NULL, &regs));
	assert_false(mmiodec_string_pending(&movs, NULL));

	assert_true(mmiodec_string_step(NULL, &regs));
	assert_true(mmiodec_string_step(&movs, NULL));

	assert_regs_unchanged(&regs, &before);
}

/* ---- helpers given a descriptor that is not OK --------------------------- */

/* Descriptors as decoded, and OK ones whose status was then changed (and
 * length cleared, as for those statuses): those still have every other
 * field of a real access. */
static const struct {
	unsigned mode;
	const char *bytes;       /* NULL: mmiodec_decode() given NULL bytes */
	uint8_t status;          /* 0: as decoded, else forced to this */
} not_ok_cases[] = {
	{ 64, "90",         0 },
	{ 64, "FF 13",      0 },
	{ 64, "F0 89 03",   0 },
	{ 64, "89",         0 },
	{ 64, NULL,         0 },
	{ 64, "8B 03",      MMIODEC_NO_MEMORY },
	{ 64, "89 03",      MMIODEC_UNSUPPORTED },
	{ 64, "8A 23",      MMIODEC_INVALID },
	{ 64, "88 23",      MMIODEC_TRUNCATED },
	{ 64, "C7 03 01 00 00 00", MMIODEC_BAD_ARGUMENT },
	{ 16, "F3 A4",      6 },
	{ 32, "F3 AD",      99 },
	{ 64, "F3 AA",      255 },
};

static void test_helpers_not_ok(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(not_ok_cases); i++) {
		struct mmiodec_insn insn;
		struct mmiodec_regs regs, before;
		uint64_t linear = 0x5555;

		if (not_ok_cases[i].bytes) {
			decode_hex(&insn, not_ok_cases[i].mode,
				   not_ok_cases[i].bytes);
		} else {
			mmiodec_decode(&insn, NULL, 2, MMIODEC_MODE_64);
		}
		if (not_ok_cases[i].status) {
			assert_int_equal(insn.status, MMIODEC_OK);
			insn.status = not_ok_cases[i].status;
			insn.length = 0;
		}
		assert_int_not_equal(insn.status, MMIODEC_OK);

		fill_regs(&regs);
		regs.gpr[RCX] = 5;
		before = regs;
		assert_false(mmiodec_address(&insn, &regs, 0, &linear));
		assert_false(mmiodec_address(&insn, &regs, 1, &linear));
		assert_int_equal(linear, 0x5555);
		assert_int_equal(mmiodec_store_value(&insn, &regs), 0);
		assert_false(mmiodec_complete_load(&insn, &regs, ~0ull));
		assert_false(mmiodec_string_pending(&insn, &regs));
		assert_regs_unchanged(&regs, &before);

		/* Those that carry no length: RIP stays too. */
		if (insn.length == 0) {
			mmiodec_advance_rip(&insn, &regs);
			assert_true(mmiodec_string_step(&insn, &regs));
			assert_regs_unchanged(&regs, &before);
		}
	}
}

/* ---- a helper that does not fit the form --------------------------------- */

static void test_helper_not_for_form(void **state)
{
	static const char *const not_stores[] = {
		"8B 03", "8A 23", "0F B6 03", "63 03", "A1 00 10 00 00 00 00 00 00",
		"AC", "F3 48 AD", "A4", "F3 48 A5",
	};
	static const char *const not_loads[] = {
		"89 03", "88 23", "C7 03 01 00 00 00", "0F C3 03",
		"A3 00 10 00 00 00 00 00 00", "AA", "F3 48 AB", "A4", "F3 48 A5",
	};
	static const char *const not_strings[] = {
		"8B 03", "89 03", "C6 03 01", "0F BE 03",
	};
	struct mmiodec_regs regs, before;

	(void)state;
	fill_regs(&regs);
	before = regs;
	for (size_t i = 0; i < COUNT(not_stores); i++) {
		struct mmiodec_insn insn = decoded_ok(64, not_stores[i]);

		assert_int_equal(mmiodec_store_value(&insn, &regs), 0);
	}
	for (size_t i = 0; i < COUNT(not_loads); i++) {
		struct mmiodec_insn insn = decoded_ok(64, not_loads[i]);

		assert_false(mmiodec_complete_load(&insn, &regs, ~0ull));
	}
	assert_regs_unchanged(&regs, &before);

	for (size_t i = 0; i < COUNT(not_strings); i++) {
		struct mmiodec_insn insn = decoded_ok(64, not_strings[i]);

		fill_regs(&regs);
		regs.gpr[RCX] = 0;
		before = regs;
		assert_true(mmiodec_string_pending(&insn, &regs));
		assert_true(mmiodec_string_step(&insn, &regs));
		before.rip += insn.length;
		assert_regs_unchanged(&regs, &before);
	}
}

/* ---- which out of range -------------------------------------------------- */

static const struct {
	unsigned mode;
	const char *bytes;
	unsigned which;
	bool ok;
} which_cases[] = {
	{ 64, "8B 03", 0,        true },
	{ 64, "8B 03", 1,        false },
	{ 64, "8B 03", 2,        false },
	{ 64, "8B 03", 16,       false },
	{ 64, "8B 03", UINT_MAX, false },
	{ 64, "AA",    1,        false },
	{ 64, "AC",    1,        false },
	{ 32, "A4",    1,        true },
	{ 32, "A4",    2,        false },
	{ 32, "A4",    UINT_MAX, false },
};

static void test_which_out_of_range(void **state)
{
	struct mmiodec_regs regs;

	(void)state;
	fill_regs(&regs);
	for (size_t i = 0; i < COUNT(which_cases); i++) {
		struct mmiodec_insn insn = decoded_ok(which_cases[i].mode,
						      which_cases[i].bytes);
		uint64_t linear = 0x5555;

		assert_int_equal(mmiodec_address(&insn, &regs,
						 which_cases[i].which, &linear),
				 which_cases[i].ok);
		if (!which_cases[i].ok)
			assert_int_equal(linear, 0x5555);
	}
}

/* ---- an address that wraps, and odd register values ---------------------- */

struct address_case {
	unsigned mode;
	const char *bytes;
	unsigned which;
	struct mmiodec_regs regs;
	uint64_t linear;
};

static int check_addresses(const struct address_case *cases, size_t count)
{
	int failures = 0;

	for (size_t i = 0; i < count; i++) {
		struct mmiodec_insn insn = decoded_ok(cases[i].mode,
						      cases[i].bytes);
		uint64_t linear = 0;

		if (!mmiodec_address(&insn, &cases[i].regs, cases[i].which,
				     &linear) ||
		    linear != cases[i].linear) {
			report(cases[i].mode, cases[i].bytes,
			       "address %#llx, expected %#llx",
			       (unsigned long long)linear,
			       (unsigned long long)cases[i].linear);
			failures++;
		}
	}
	return failures;
}

static const struct address_case wrap_cases[] = {
	/* the effective address wraps at the address size */
	{ 16, "8B 40 10", 0, { .gpr[RBX] = 0xfff0, .gpr[RSI] = 0x10, .seg_base[DS] = 0x12340 }, 0x12350 },
	{ 16, "8B 87 FF FF", 0, { .gpr[RBX] = 0 }, 0xffff },
	{ 32, "67 8B 46 FE", 0, { .gpr[RBP] = 1, .seg_base[SS] = 0x20000 }, 0x2ffff },
	{ 32, "8B 43 20", 0, { .gpr[RBX] = 0xfffffff0 }, 0x10 },
	{ 64, "67 8B 04 88", 0, { .gpr[RAX] = 0xfffffff0, .gpr[RCX] = 8 }, 0x10 },
	{ 64, "48 8B 40 20", 0, { .gpr[RAX] = 0xfffffffffffffff0 }, 0x10 },
	/* RIP-relative too */
	{ 64, "48 8B 05 10 00 00 00", 0, { .rip = 0xfffffffffffffff0 }, 0x7 },
	{ 64, "67 8B 05 10 00 00 00", 0, { .rip = 0x12345678fffffff0 }, 0x7 },
	/* outside 64-bit mode, the segment base is added at 32 bits */
	{ 32, "8B 03", 0, { .gpr[RBX] = 0x2000, .seg_base[DS] = 0xfffff000 }, 0x1000 },
	{ 16, "A1 20 00", 0, { .seg_base[DS] = 0xfffffff0 }, 0x10 },
	{ 16, "67 8B 03", 0, { .gpr[RBX] = 0xfffffff0, .seg_base[DS] = 0x20 }, 0x10 },
	/* in 64-bit mode FS and GS bases at 64 bits */
	{ 64, "67 64 8B 04 88", 0, { .gpr[RAX] = 0xfffffff0, .gpr[RCX] = 8, .seg_base[FS] = 0x7f0000000000 }, 0x7f0000000010 },
	{ 64, "65 48 8B 03", 0, { .gpr[RBX] = 0x2000, .seg_base[GS] = 0xfffffffffffff000 }, 0x1000 },
};

static void test_address_wraps(void **state)
{
	(void)state;
	assert_int_equal(check_addresses(wrap_cases, COUNT(wrap_cases)), 0);
}

#define JUNK UINT64_C(0xdeadbeef00000000)

static const struct address_case odd_address_cases[] = {
	{ 16, "8B 07", 0, { .gpr[RBX] = JUNK | 0xabcd1234 }, 0x1234 },
	{ 16, "A4", 0, { .gpr[RDI] = JUNK | 0xabcd0010, .seg_base[ES] = 0x100 }, 0x110 },
	{ 32, "8B 03", 0, { .gpr[RBX] = JUNK | 0x1234 }, 0x1234 },
	{ 32, "8B 03", 0, { .gpr[RBX] = 0x1234, .seg_base[DS] = JUNK | 0x10000 }, 0x11234 },
	{ 64, "67 8B 03", 0, { .gpr[RBX] = JUNK | 0x1234 }, 0x1234 },
	/* ES, CS, SS, DS bases do not count in 64-bit mode */
	{ 64, "8B 03", 0, { .gpr[RBX] = 0x1234, .seg_base = { ~0ull, ~0ull, ~0ull, ~0ull } }, 0x1234 },
	{ 64, "36 8B 03", 0, { .gpr[RBX] = 0x1234, .seg_base[SS] = 0x10000 }, 0x1234 },
};

struct store_case {
	unsigned mode;
	const char *bytes;
	struct mmiodec_regs regs;
	uint64_t value;
};

static const struct store_case odd_store_cases[] = {
	{ 64, "66 89 03", { .gpr[RAX] = 0x1122334455667788 }, 0x7788 },
	{ 64, "89 03",    { .gpr[RAX] = 0x1122334455667788 }, 0x55667788 },
	{ 64, "88 03",    { .gpr[RAX] = 0x1122334455667788 }, 0x88 },
	{ 64, "88 23",    { .gpr[RAX] = 0x1122334455667788 }, 0x77 },
	{ 16, "89 07",    { .gpr[RAX] = 0x1122334455667788 }, 0x7788 },
	{ 32, "AB",       { .gpr[RAX] = 0x1122334455667788 }, 0x55667788 },
	{ 64, "C6 03 FF", { .gpr[RAX] = ~0ull }, 0xff },
};

struct load_case {
	unsigned mode;
	const char *bytes;
	uint64_t rax;      /* before */
	uint64_t value;    /* from the device, high bytes junk */
	uint64_t result;   /* rax after */
};

static const struct load_case odd_load_cases[] = {
	{ 64, "66 8B 03", 0x1122334455667788, JUNK | 0xabcd, 0x112233445566abcd },
	{ 64, "8A 03",    0x1122334455667788, JUNK | 0xab, 0x11223344556677ab },
	{ 64, "8A 23",    0x1122334455667788, JUNK | 0xab, 0x112233445566ab88 },
	{ 64, "8B 03",    0x1122334455667788, JUNK | 0x89abcdef, 0x89abcdef },
	{ 64, "0F BE 03", 0x1122334455667788, JUNK | 0x80, 0xffffff80 },
	{ 16, "8B 07",    0x1122334455667788, JUNK | 0xabcd, 0x112233445566abcd },
};

static void test_odd_register_file(void **state)
{
	int failures = 0;

	(void)state;
	failures += check_addresses(odd_address_cases,
				    COUNT(odd_address_cases));

	for (size_t i = 0; i < COUNT(odd_store_cases); i++) {
		const struct store_case *c = &odd_store_cases[i];
		struct mmiodec_insn insn = decoded_ok(c->mode, c->bytes);
		uint64_t value = mmiodec_store_value(&insn, &c->regs);

		if (value != c->value) {
			report(c->mode, c->bytes, "store value %#llx, expected "
			       "%#llx", (unsigned long long)value,
			       (unsigned long long)c->value);
			failures++;
		}
	}

	for (size_t i = 0; i < COUNT(odd_load_cases); i++) {
		const struct load_case *c = &odd_load_cases[i];
		struct mmiodec_insn insn = decoded_ok(c->mode, c->bytes);
		struct mmiodec_regs regs = { .gpr[RAX] = c->rax };

		if (!mmiodec_complete_load(&insn, &regs, c->value) ||
		    regs.gpr[RAX] != c->result) {
			report(c->mode, c->bytes, "rax %#llx, expected %#llx",
			       (unsigned long long)regs.gpr[RAX],
			       (unsigned long long)c->result);
			failures++;
		}
	}
	assert_int_equal(failures, 0);

	/* RFLAGS: only DF is read. */
	struct mmiodec_insn stosb = decoded_ok(64, "AA");
	struct mmiodec_regs regs = { .gpr[RDI] = 0x1000, .rflags = ~DF };

	assert_true(mmiodec_string_step(&stosb, &regs));
	assert_int_equal(regs.gpr[RDI], 0x1001);
	regs.rflags = ~0ull;
	assert_true(mmiodec_string_step(&stosb, &regs));
	assert_int_equal(regs.gpr[RDI], 0x1000);

	/* rSI, rDI, rCX at a 16-bit address size: bits 63:16 stay. */
	struct mmiodec_insn rep16 = decoded_ok(16, "F3 A4");
	regs = (struct mmiodec_regs){ .gpr[RCX] = JUNK | 0xabcd0000 };
	assert_false(mmiodec_string_pending(&rep16, &regs));
	regs = (struct mmiodec_regs){
		.gpr[RCX] = JUNK | 0xabcd0001, .gpr[RSI] = JUNK | 0x1234ffff,
		.gpr[RDI] = JUNK | 0x5678ffff, .rip = 0x100,
	};
	assert_true(mmiodec_string_pending(&rep16, &regs));
	assert_true(mmiodec_string_step(&rep16, &regs));
	assert_int_equal(regs.gpr[RCX], JUNK | 0xabcd0000);
	assert_int_equal(regs.gpr[RSI], JUNK | 0x12340000);
	assert_int_equal(regs.gpr[RDI], JUNK | 0x56780000);
	assert_int_equal(regs.rip, 0x102);

	/* ... at 32 bits they are written as 32-bit registers. */
	struct mmiodec_insn rep32 = decoded_ok(32, "F3 A4");
	regs = (struct mmiodec_regs){
		.gpr[RCX] = JUNK | 1, .gpr[RSI] = JUNK | 0xffffffff,
		.gpr[RDI] = JUNK | 0x10,
	};
	assert_true(mmiodec_string_step(&rep32, &regs));
	assert_int_equal(regs.gpr[RCX], 0);
	assert_int_equal(regs.gpr[RSI], 0);
	assert_int_equal(regs.gpr[RDI], 0x11);

	/* RIP wraps at 16 and 32 bits in those modes. */
	static const struct { unsigned mode; const char *bytes; uint64_t rip, after; } rips[] = {
		{ 16, "89 07", ~0ull, 1 },
		{ 32, "89 03", 0x1ffffffff, 1 },
		{ 64, "89 03", ~0ull, 1 },
		{ 16, "66 67 89 03", 0xabcdfffe, 2 },
	};
	for (size_t i = 0; i < COUNT(rips); i++) {
		struct mmiodec_insn insn = decoded_ok(rips[i].mode, rips[i].bytes);

		regs = (struct mmiodec_regs){ .rip = rips[i].rip };
		mmiodec_advance_rip(&insn, &regs);
		assert_int_equal(regs.rip, rips[i].after);
	}
}

/* ---- hand-built descriptors with out-of-range fields --------------------- */

static void test_hand_built(void **state)
{
	static const uint8_t bad_regs[] = { 17, 100, 200, 254 };
	struct mmiodec_regs regs = {
		.gpr = { [RAX] = 0x1122334455667788, [RCX] = 0x10,
			 [RDX] = 0x99, [RBX] = 0x1000 },
		.seg_base[DS] = 0x30000,
		.rip = 0x5000,
	};
	struct mmiodec_insn insn;
	uint64_t linear;

	(void)state;
	/* a base or index that is no register counts as none */
	for (size_t i = 0; i < COUNT(bad_regs); i++) {
		insn = decoded_ok(64, "8B 44 8B 40");   /* [rbx+rcx*4+0x40] */
		insn.mem[0].base = bad_regs[i];
		assert_true(mmiodec_address(&insn, &regs, 0, &linear));
		assert_int_equal(linear, 0x80);
		insn = decoded_ok(64, "8B 44 8B 40");
		insn.mem[0].index = bad_regs[i];
		assert_true(mmiodec_address(&insn, &regs, 0, &linear));
		assert_int_equal(linear, 0x1040);
	}
	/* a segment above GS has no base */
	insn = decoded_ok(32, "8B 03");
	insn.mem[0].segment = 6;
	assert_true(mmiodec_address(&insn, &regs, 0, &linear));
	assert_int_equal(linear, 0x1000);
	insn.mem[0].segment = 255;
	assert_true(mmiodec_address(&insn, &regs, 0, &linear));
	assert_int_equal(linear, 0x1000);

	/* register numbers modulo 16, AH..BH modulo 4 */
	insn = decoded_ok(64, "89 03");          /* mov [rbx], eax */
	insn.reg = 16 + RDX;
	assert_int_equal(mmiodec_store_value(&insn, &regs), 0x99);
	insn.reg = 255;                          /* r15 */
	regs.gpr[15] = 0xf00d;
	assert_int_equal(mmiodec_store_value(&insn, &regs), 0xf00d);
	insn = decoded_ok(64, "88 23");          /* mov [rbx], ah */
	insn.reg = 4;
	assert_int_equal(mmiodec_store_value(&insn, &regs), 0x77);
	insn = decoded_ok(64, "8B 03");          /* mov eax, [rbx] */
	insn.reg = 32 + RCX;
	assert_true(mmiodec_complete_load(&insn, &regs, 0x4242));
	assert_int_equal(regs.gpr[RCX], 0x4242);
	assert_int_equal(regs.gpr[RAX], 0x1122334455667788);

	/* an unknown reg_kind reads and writes as GPR */
	insn = decoded_ok(64, "88 23");
	insn.reg_kind = 7;
	insn.reg = RAX;
	assert_int_equal(mmiodec_store_value(&insn, &regs), 0x88);
	insn = decoded_ok(64, "8A 23");          /* mov ah, [rbx] */
	insn.reg_kind = 7;
	insn.reg = RDX;
	assert_true(mmiodec_complete_load(&insn, &regs, 0xab));
	assert_int_equal(regs.gpr[RDX], 0xab);
	assert_int_equal(regs.gpr[RAX], 0x1122334455667788);

	/* an unknown op is not a string instruction */
	static const uint8_t bad_ops[] = { MMIODEC_OP_COUNT, 100, 255 };
	for (size_t i = 0; i < COUNT(bad_ops); i++) {
		insn = decoded_ok(64, "F3 AA");
		insn.op = bad_ops[i];
		regs.gpr[RCX] = 0;
		regs.gpr[RDI] = 0x2000;
		regs.rip = 0x5000;
		assert_true(mmiodec_string_pending(&insn, &regs));
		assert_true(mmiodec_string_step(&insn, &regs));
		assert_int_equal(regs.rip, 0x5002);
		assert_int_equal(regs.gpr[RDI], 0x2000);
		assert_int_equal(regs.gpr[RCX], 0);
		assert_string_equal(mmiodec_mnemonic(&insn), "");
	}
}

/* ---- out-of-range values to the name functions --------------------------- */

static void test_name_functions(void **state)
{
	static const int bad_status[] = { 7, 8, 100, 255, -1, INT_MAX, INT_MIN };
	static const int bad_seg[] = { 6, 7, 255, -1, INT_MAX };
	static const struct {
		int kind;
		unsigned number, width;
	} no_such_reg[] = {
		{ MMIODEC_REG_KIND_NONE, 0, 8 },
		{ 7, 0, 8 }, { 255, 0, 1 }, { -1, 0, 4 },
		{ MMIODEC_REG_KIND_MMX, 8, 8 }, { MMIODEC_REG_KIND_XMM, 32, 16 },
		{ MMIODEC_REG_KIND_ZMM, UINT_MAX, 64 },
		{ MMIODEC_REG_KIND_GPR, 16, 1 },
		{ MMIODEC_REG_KIND_GPR, 17, 8 },
		{ MMIODEC_REG_KIND_GPR, MMIODEC_NO_REG, 8 },
		{ MMIODEC_REG_KIND_GPR, UINT_MAX, 8 },
		{ MMIODEC_REG_KIND_GPR, 0, 0 },
		{ MMIODEC_REG_KIND_GPR, 0, 3 },
		{ MMIODEC_REG_KIND_GPR, 0, 16 },
		{ MMIODEC_REG_KIND_GPR, 0, UINT_MAX },
		{ MMIODEC_REG_KIND_GPR_HIGH8, 4, 1 },
		{ MMIODEC_REG_KIND_GPR_HIGH8, 0, 2 },
		{ MMIODEC_REG_KIND_GPR_HIGH8, UINT_MAX, 1 },
	};
	static const uint8_t bad_ops[] = { MMIODEC_OP_NONE, MMIODEC_OP_COUNT,
					   100, 255 };

	(void)state;
	for (size_t i = 0; i < COUNT(bad_status); i++)
		assert_string_equal(mmiodec_status_name(
				(enum mmiodec_status)bad_status[i]), "?");
	for (size_t i = 0; i < COUNT(bad_seg); i++)
		assert_null(mmiodec_seg_name((enum mmiodec_seg)bad_seg[i]));
	for (size_t i = 0; i < COUNT(no_such_reg); i++) {
		const char *name = mmiodec_reg_name(
			(enum mmiodec_reg_kind)no_such_reg[i].kind,
			no_such_reg[i].number, no_such_reg[i].width);
		if (name)
			fprintf(stderr, "reg_name(%d, %u, %u) = \"%s\"\n",
				no_such_reg[i].kind, no_such_reg[i].number,
				no_such_reg[i].width, name);
		assert_null(name);
	}

	struct mmiodec_insn insn;
	assert_string_equal(mmiodec_mnemonic(NULL), "");
	decode_hex(&insn, 64, "90");
	assert_string_equal(mmiodec_mnemonic(&insn), "");
	for (size_t i = 0; i < COUNT(bad_ops); i++) {
		insn = decoded_ok(64, "89 03");
		insn.op = bad_ops[i];
		assert_string_equal(mmiodec_mnemonic(&insn), "");
	}
}

/* Hand-built descriptors with impossible sizes are computed without
 * undefined behaviour (regressions: a shift by 64 for width 0 with sign
 * extension, and for an address size over 64 in string stepping; UBSan
 * reports both). */
static void test_impossible_sizes(void **state)
{
	struct mmiodec_insn insn;
	struct mmiodec_regs regs;
	(void)state;

	memset(&insn, 0, sizeof(insn));
	memset(&regs, 0, sizeof(regs));
	insn.status = MMIODEC_OK;
	insn.op = MMIODEC_OP_MOVSX;
	insn.direction = MMIODEC_DIR_READ;
	insn.extend = MMIODEC_EXTEND_SIGN;
	insn.width = 0;
	insn.dest_width = 4;
	insn.reg_kind = MMIODEC_REG_KIND_GPR;
	insn.reg = MMIODEC_RAX;
	insn.mode = MMIODEC_MODE_64;
	regs.gpr[MMIODEC_RAX] = ~0ull;
	assert_true(mmiodec_complete_load(&insn, &regs, 0xFF));
	assert_int_equal(regs.gpr[MMIODEC_RAX], 0);

	memset(&insn, 0, sizeof(insn));
	memset(&regs, 0, sizeof(regs));
	insn.status = MMIODEC_OK;
	insn.op = MMIODEC_OP_STOS;
	insn.direction = MMIODEC_DIR_WRITE;
	insn.width = 1;
	insn.repeat = 1;
	insn.length = 2;
	insn.mode = MMIODEC_MODE_64;
	insn.address_size = 128;
	regs.gpr[MMIODEC_RCX] = 2;
	assert_false(mmiodec_string_step(&insn, &regs));
	assert_int_equal(regs.gpr[MMIODEC_RCX], 1);
	assert_true(mmiodec_string_step(&insn, &regs));
	assert_int_equal(regs.gpr[MMIODEC_RCX], 0);
	assert_int_equal(regs.rip, 2);
}

/* A valid instruction that is not emulated is still skipped as the CPU
 * would: RIP wraps in 16- and 32-bit mode (regression: the descriptor of a
 * NO_MEMORY instruction once lost its mode, and RIP did not wrap). */
static void test_skip_not_emulated(void **state)
{
	static const struct {
		unsigned mode;
		const char *hex;
		uint64_t rip, next;
	} cases[] = {
		{ 16, "90", 0xFFFF, 0x0000 },
		{ 16, "FF 17", 0xFFFF, 0x0001 },
		{ 32, "90", 0xFFFFFFFF, 0x00000000 },
		{ 64, "90", 0xFFFFFFFFFFFFFFFF, 0x0000000000000000 },
		{ 64, "FF 13", 0x1000, 0x1002 },
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct mmiodec_insn insn;
		struct mmiodec_regs regs;
		enum mmiodec_status status = decode_hex(&insn, cases[i].mode, cases[i].hex);

		assert_true(status == MMIODEC_NO_MEMORY || status == MMIODEC_UNSUPPORTED);
		memset(&regs, 0, sizeof(regs));
		regs.rip = cases[i].rip;
		mmiodec_advance_rip(&insn, &regs);
		if (regs.rip != cases[i].next)
			report(cases[i].mode, cases[i].hex, "rip %#llx, expected %#llx",
			       (unsigned long long)regs.rip, (unsigned long long)cases[i].next);
		assert_int_equal(regs.rip, cases[i].next);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_descriptor),
		cmocka_unit_test(test_null_bytes),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_length_beyond_15),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_prefix_floods),
		cmocka_unit_test(test_bad_modes),
		cmocka_unit_test(test_bad_vendors),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_rex),
		cmocka_unit_test(test_not_memory),
		cmocka_unit_test(test_helpers_null),
		cmocka_unit_test(test_helpers_not_ok),
		cmocka_unit_test(test_helper_not_for_form),
		cmocka_unit_test(test_which_out_of_range),
		cmocka_unit_test(test_address_wraps),
		cmocka_unit_test(test_odd_register_file),
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_name_functions),
		cmocka_unit_test(test_skip_not_emulated),
		cmocka_unit_test(test_impossible_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
