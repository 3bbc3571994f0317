/* SPDX-License-Identifier: MIT */
/*
 * mmiodec_decode() takes a fast path for 64-bit code (with the legacy
 * prefixes but 67). Whatever it accepts must come out byte for byte as the general
 * path (mmiodec_decode_general(), internal) makes it: every field of the
 * descriptor, on every input. Inputs are exact-size heap copies, so that
 * ASan and Valgrind see a read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmiodec.h"
#include "../../src/decode_general.h"

static unsigned long compared;

static const enum mmiodec_vendor vendors[] = {
	MMIODEC_VENDOR_ANY, MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD,
};

/* Both answers for bytes[0..len) in an exact-size copy, for each vendor;
 * fails with the input on the first difference. */
static void compare(const uint8_t *bytes, size_t len, enum mmiodec_mode mode)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct mmiodec_insn fast, general;
	enum mmiodec_status fast_status = 0, general_status = 0;
	size_t v;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	for (v = 0; v < sizeof(vendors) / sizeof(vendors[0]); v++) {
		memset(&fast, 0xA5, sizeof(fast));
		memset(&general, 0x5A, sizeof(general));
		fast_status = mmiodec_decode_vendor(&fast, copy, len, mode, vendors[v]);
		general_status = mmiodec_decode_general(&general, copy, len, mode,
							vendors[v]);
		compared++;
		if (fast_status != general_status ||
		    memcmp(&fast, &general, sizeof(fast)) != 0)
			break;
	}
	free(copy);
	if (v == sizeof(vendors) / sizeof(vendors[0]))
		return;
	fprintf(stderr, "fast and general paths differ (mode %d, vendor %s):",
		mode, mmiodec_vendor_name(vendors[v]));
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, " %02x", bytes[i]);
	fprintf(stderr, "\n  status %d vs %d, length %u vs %u, op %u vs %u\n",
		fast_status, general_status, fast.length, general.length,
		fast.op, general.op);
	fail();
}

/* Bytes after ModRM: SIB and displacement/immediate bytes with the sign
 * bit set, so that a wrong sign extension shows. */
static const uint8_t tail[] = { 0x85, 0xF1, 0x82, 0x93, 0xA4, 0xB5, 0xC6,
				0xD7, 0xE8, 0xF9, 0x8A, 0x9B, 0xAC };

/* The REX values that change something (none, each bit, all of them). */
static const int rex_values[] = { -1, 0x40, 0x41, 0x42, 0x44, 0x48, 0x4F };

/*
 * Every opcode of the one-byte and 0F maps with every ModRM byte, after
 * each REX, given whole and cut short; the SIB byte varies with the
 * opcode and ModRM so that every base/index/scale turns up.
 */
static void every_opcode_and_modrm(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(rex_values) / sizeof(rex_values[0]); r++) {
		for (unsigned map0f = 0; map0f < 2; map0f++) {
			for (unsigned opcode = 0; opcode < 256; opcode++) {
				for (unsigned modrm = 0; modrm < 256; modrm++) {
					uint8_t bytes[MMIODEC_MAX_LENGTH + 4];
					size_t n = 0;
					if (rex_values[r] >= 0)
						bytes[n++] = (uint8_t)rex_values[r];
					if (map0f)
						bytes[n++] = 0x0F;
					bytes[n++] = (uint8_t)opcode;
					bytes[n++] = (uint8_t)modrm;
					bytes[n++] = (uint8_t)(opcode * 7 + modrm);
					memcpy(bytes + n, tail, MMIODEC_MAX_LENGTH - n);
					compare(bytes, MMIODEC_MAX_LENGTH, MMIODEC_MODE_64);

					struct mmiodec_insn insn;
					mmiodec_decode(&insn, bytes, MMIODEC_MAX_LENGTH,
						       MMIODEC_MODE_64);
					/* cut at every length up to the instruction's */
					for (size_t len = 0; len < insn.length; len++)
						compare(bytes, len, MMIODEC_MODE_64);
				}
			}
		}
	}
}

/* Legacy prefix runs: each prefix alone, the orders that decide which of
 * F2/F3 or FS/GS counts, the ignored segments, 67, and a REX that a
 * prefix after it cancels. */
static const char *const prefix_runs[] = {
	"66", "F2", "F3", "F0", "64", "65", "2E", "3E", "26", "36", "67",
	"66F3", "F366", "F2F3", "F3F2", "6465", "6564", "F066", "66F0",
	"662E", "643E", "3E64", "F0F3", "F2F0", "6667", "4866", "F366F2",
};

/* A ModRM byte of each mod with rm 0, 4 (SIB), 5 and 3, for every reg. */
static const uint8_t modrm_shapes[] = { 0x00, 0x04, 0x05, 0x44, 0x83, 0xC0, 0xC3 };

/*
 * Each prefix run before every opcode of the one-byte and 0F maps, with
 * and without REX.W, with every reg and a ModRM of each shape: given
 * whole and cut short.
 */
static void prefixed_opcodes(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(prefix_runs) / sizeof(prefix_runs[0]); r++) {
		uint8_t prefix[4];
		size_t prefix_len = 0;
		for (const char *c = prefix_runs[r]; *c; c += 2) {
			unsigned byte;
			assert_int_equal(sscanf(c, "%2x", &byte), 1);
			prefix[prefix_len++] = (uint8_t)byte;
		}
		for (unsigned rex_w = 0; rex_w < 2; rex_w++) {
			for (unsigned map0f = 0; map0f < 2; map0f++) {
				for (unsigned opcode = 0; opcode < 256; opcode++) {
					for (unsigned shape = 0; shape < sizeof(modrm_shapes); shape++) {
						for (unsigned reg = 0; reg < 8; reg++) {
							uint8_t bytes[MMIODEC_MAX_LENGTH + 8];
							size_t n = prefix_len;
							memcpy(bytes, prefix, prefix_len);
							if (rex_w)
								bytes[n++] = 0x48;
							if (map0f)
								bytes[n++] = 0x0F;
							bytes[n++] = (uint8_t)opcode;
							bytes[n++] = (uint8_t)(modrm_shapes[shape] | reg << 3);
							bytes[n++] = (uint8_t)(opcode * 7 + reg);
							memcpy(bytes + n, tail, sizeof(tail));
							compare(bytes, MMIODEC_MAX_LENGTH, MMIODEC_MODE_64);

							struct mmiodec_insn insn;
							mmiodec_decode(&insn, bytes, MMIODEC_MAX_LENGTH,
								       MMIODEC_MODE_64);
							if (insn.length)
								compare(bytes, insn.length - 1u,
									MMIODEC_MODE_64);
						}
					}
				}
			}
		}
	}
}

/* Seeded random bytes and lengths (the fixed seed keeps failures
 * repeatable); one in four starts with a REX, one in four with 0F. */
static void random_inputs(void **state)
{
	(void)state;
	uint64_t x = 0x9E3779B97F4A7C15u;
	for (unsigned i = 0; i < 300000; i++) {
		uint8_t bytes[MMIODEC_MAX_LENGTH + 1];
		for (size_t j = 0; j < sizeof(bytes); j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			bytes[j] = (uint8_t)x;
		}
		if ((x >> 20) % 4 == 0)
			bytes[0] = (uint8_t)(0x40 | (bytes[0] & 0x0F));
		if ((x >> 24) % 4 == 0)
			bytes[bytes[0] >> 4 == 4 ? 1 : 0] = 0x0F;
		if ((x >> 28) % 4 == 0) {
			/* a legacy prefix before it all */
			static const uint8_t legacy[] = { 0x66, 0xF2, 0xF3, 0xF0,
							  0x64, 0x65, 0x2E, 0x67 };
			memmove(bytes + 1, bytes, sizeof(bytes) - 1);
			bytes[0] = legacy[(x >> 44) % sizeof(legacy)];
		}
		size_t len = (x >> 32) % (sizeof(bytes) + 1);
		compare(bytes, len, MMIODEC_MODE_64);
		/* outside 64-bit mode both take the general path: a check
		 * that the entry point keeps to it */
		compare(bytes, len, (x >> 40) & 1 ? MMIODEC_MODE_32 : MMIODEC_MODE_16);
	}
}

/* The entry point's argument checks come after its fast-path test: they
 * must still give BAD_ARGUMENT as the general path does. */
static void bad_arguments(void **state)
{
	(void)state;
	static const uint8_t mov[] = { 0x8B, 0x07 };
	struct mmiodec_insn fast, general;

	assert_int_equal(mmiodec_decode(NULL, mov, 2, MMIODEC_MODE_64),
			 MMIODEC_BAD_ARGUMENT);
	assert_int_equal(mmiodec_decode(&fast, NULL, 2, MMIODEC_MODE_64),
			 MMIODEC_BAD_ARGUMENT);
	assert_int_equal(mmiodec_decode_general(&general, NULL, 2, MMIODEC_MODE_64,
						MMIODEC_VENDOR_ANY),
			 MMIODEC_BAD_ARGUMENT);
	assert_memory_equal(&fast, &general, sizeof(fast));
	assert_int_equal(mmiodec_decode(&fast, mov, 2, (enum mmiodec_mode)63),
			 MMIODEC_BAD_ARGUMENT);
	compare(mov, 0, MMIODEC_MODE_64);
	/* an unknown vendor, on both paths */
	assert_int_equal(mmiodec_decode_vendor(&fast, mov, 2, MMIODEC_MODE_64,
					       (enum mmiodec_vendor)3),
			 MMIODEC_BAD_ARGUMENT);
	assert_int_equal(mmiodec_decode_general(&general, mov, 2, MMIODEC_MODE_64,
						(enum mmiodec_vendor)3),
			 MMIODEC_BAD_ARGUMENT);
	assert_memory_equal(&fast, &general, sizeof(fast));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_opcode_and_modrm),
		cmocka_unit_test(prefixed_opcodes),
		cmocka_unit_test(random_inputs),
		cmocka_unit_test(bad_arguments),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	printf("%lu inputs compared\n", compared);
	return failed;
}
