/* SPDX-License-Identifier: MIT */
/*
 * The vendor setting: each row of src/vendor.h read as Intel, as AMD and
 * as either (ANY), with the prefixes and modes that switch it off; and the
 * promise that ANY answers exactly where the two vendors agree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode_case.h"
#include "../vectors/vendor_cases.h"
#include "../../src/decode.h"
#include "../../src/vendor.h"

#define INTEL MMIODEC_VENDOR_INTEL
#define AMD MMIODEC_VENDOR_AMD
#define ANY MMIODEC_VENDOR_ANY

static void test_branches(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(vendor_branch_cases);
}

static void test_movsxd(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(vendor_movsxd_cases);
}

static void test_validity(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(vendor_validity_cases);
}

static void test_neutral(void **state)
{
	(void)state;
	CHECK_DECODE_TABLE(vendor_neutral_cases);
}

/* What AMD's MOVSXD r16, m32 leaves in the register: bits 15:0 of the
 * dword, the rest of the register kept. */
static void test_movsxd_dword_load(void **state)
{
	(void)state;
	static const uint8_t bytes[] = { 0x66, 0x63, 0x03 };
	struct mmiodec_insn insn;
	struct mmiodec_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.gpr[MMIODEC_RAX] = 0x1122334455667788ull;
	assert_int_equal(mmiodec_decode_vendor(&insn, bytes, sizeof(bytes),
					       MMIODEC_MODE_64, AMD),
			 MMIODEC_OK);
	assert_true(mmiodec_complete_load(&insn, &regs, 0xCAFE8001u));
	assert_int_equal(regs.gpr[MMIODEC_RAX], 0x1122334455668001ull);
}

/* Bad vendors: BAD_ARGUMENT with nothing read, from every entry point. */
static void test_bad_vendor(void **state)
{
	(void)state;
	static const uint8_t bytes[] = { 0x89, 0x03 };
	struct mmiodec_insn insn;

	for (unsigned v = 3; v < 300; v += 37) {
		memset(&insn, 0xA5, sizeof(insn));
		assert_int_equal(mmiodec_decode_vendor(&insn, bytes, sizeof(bytes),
						       MMIODEC_MODE_64,
						       (enum mmiodec_vendor)v),
				 MMIODEC_BAD_ARGUMENT);
		assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
		memset(&insn, 0xA5, sizeof(insn));
		assert_int_equal(mmiodec_decode_vendor(&insn, bytes, sizeof(bytes),
						       MMIODEC_MODE_16,
						       (enum mmiodec_vendor)v),
				 MMIODEC_BAD_ARGUMENT);
		assert_true(only_status_set(&insn, MMIODEC_BAD_ARGUMENT));
	}
	assert_int_equal(mmiodec_decode_vendor(NULL, bytes, sizeof(bytes),
					       MMIODEC_MODE_64, AMD),
			 MMIODEC_BAD_ARGUMENT);
	assert_string_equal(mmiodec_vendor_name(ANY), "any");
	assert_string_equal(mmiodec_vendor_name(INTEL), "intel");
	assert_string_equal(mmiodec_vendor_name(AMD), "amd");
	assert_null(mmiodec_vendor_name((enum mmiodec_vendor)3));
	assert_null(mmiodec_vendor_name((enum mmiodec_vendor)-1));
}

/* Fields a vendor row can never change; the rest of the descriptors must
 * be equal wherever status, length and width are. */
static bool same_but_vendor(struct mmiodec_insn a, struct mmiodec_insn b)
{
	a.vendor = b.vendor = 0;
	a.vendor_dependent = b.vendor_dependent = 0;
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/*
 * ANY against the two vendors on every two-byte-opcode and one-byte-opcode
 * form after the prefixes that switch rows on and off, in every mode:
 * where the vendors agree ANY gives their answer, elsewhere TRUNCATED when
 * one of them needs more bytes, else VENDOR_DEPENDENT with the common
 * length or none; a vendor's own answer is marked vendor_dependent exactly
 * where they differ.
 */
static void test_any_is_both(void **state)
{
	(void)state;
	static const uint8_t prefix_sets[][3] = {
		{ 0 }, { 1, 0x66 }, { 1, 0xF0 }, { 2, 0x66, 0x48 }, { 1, 0xF3 },
		{ 1, 0xF2 }, { 2, 0xF0, 0x66 }, { 1, 0x44 },
	};
	static const unsigned modes[] = { 16, 32, 64 };
	unsigned long compared = 0, dependent = 0;

	for (size_t m = 0; m < COUNT(modes); m++)
	for (size_t p = 0; p < COUNT(prefix_sets); p++)
	for (unsigned map0f = 0; map0f < 2; map0f++)
	for (unsigned opcode = 0; opcode < 256; opcode++)
	for (unsigned modrm = 0; modrm < 256; modrm += 7) {
		uint8_t bytes[MMIODEC_MAX_LENGTH];
		size_t n = 0;
		for (unsigned i = 0; i < prefix_sets[p][0]; i++)
			bytes[n++] = prefix_sets[p][1 + i];
		if (map0f)
			bytes[n++] = 0x0F;
		bytes[n++] = (uint8_t)opcode;
		bytes[n++] = (uint8_t)modrm;
		for (; n < sizeof(bytes); n++)
			bytes[n] = (uint8_t)(0x91 + n);
		for (size_t len = 1; len <= sizeof(bytes); len += 3) {
			struct mmiodec_insn any, intel, amd;
			enum mmiodec_mode mode = (enum mmiodec_mode)modes[m];
			mmiodec_decode(&any, bytes, len, mode);
			mmiodec_decode_vendor(&intel, bytes, len, mode, INTEL);
			mmiodec_decode_vendor(&amd, bytes, len, mode, AMD);
			bool agree = same_but_vendor(intel, amd);
			compared++;
			assert_int_equal(intel.vendor, INTEL);
			assert_int_equal(amd.vendor, AMD);
			assert_int_equal(intel.vendor_dependent, !agree);
			assert_int_equal(amd.vendor_dependent, !agree);
			assert_int_equal(any.vendor, ANY);
			assert_int_equal(any.vendor_dependent,
					 any.status == MMIODEC_VENDOR_DEPENDENT);
			if (agree) {
				assert_true(same_but_vendor(any, intel));
				continue;
			}
			dependent++;
			struct mmiodec_insn want;
			memset(&want, 0, sizeof(want));
			if (intel.status == MMIODEC_TRUNCATED ||
			    amd.status == MMIODEC_TRUNCATED) {
				/* one needs more bytes: so does ANY */
				want.status = MMIODEC_TRUNCATED;
				assert_memory_equal(&any, &want, sizeof(want));
				continue;
			}
			want.status = MMIODEC_VENDOR_DEPENDENT;
			want.vendor_dependent = 1;
			if (intel.length == amd.length && intel.length) {
				want.length = intel.length;
				want.mode = (uint8_t)mode;
			}
			assert_memory_equal(&any, &want, sizeof(want));
		}
	}
	printf("%lu inputs, %lu vendor-dependent\n", compared, dependent);
	assert_true(dependent > 0);
}

/* The opcode bitmaps the decoder filters with are the rows' opcodes:
 * all of them, and for the fast path those that can apply without a
 * legacy prefix in 64-bit mode. */
static void test_row_bitmaps(void **state)
{
	(void)state;
	for (unsigned map = MAP_LEGACY; map <= MAP_0F38; map++) {
		for (unsigned opcode = 0; opcode < 256; opcode++) {
			bool named = false, unprefixed64 = false;
			for (size_t i = 0; i < COUNT(vendor_rows); i++) {
				const struct vendor_row *r = &vendor_rows[i];
				if (r->map != map || opcode < r->first ||
				    opcode > r->last)
					continue;
				named = true;
				if ((r->when & VENDOR_IN_64) &&
				    !(r->when & (VENDOR_OPSIZE16 | VENDOR_LOCKED |
						 VENDOR_PREFIX_66 | VENDOR_PREFIX_F3)))
					unprefixed64 = true;
			}
			bool bit = (vendor_opcodes[map][opcode >> 5] >> (opcode & 31)) & 1;
			assert_int_equal(bit, named);
			if (map <= MAP_0F)
				assert_int_equal((vendor_unprefixed64[map][opcode >> 5] >>
						  (opcode & 31)) & 1, unprefixed64);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_branches),
		cmocka_unit_test(test_movsxd),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_neutral),
		cmocka_unit_test(test_movsxd_dword_load),
		cmocka_unit_test(test_bad_vendor),
		cmocka_unit_test(test_any_is_both),
		cmocka_unit_test(test_row_bitmaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
