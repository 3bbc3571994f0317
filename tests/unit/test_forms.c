/* SPDX-License-Identifier: MIT */
/*
 * Every form of src/forms.h, in every mode and operand size it exists in,
 * decodes as MMIODEC_OK with its op, width and direction: the generated
 * tables (src/generated/forms.inc) reach all of it. The expected direction
 * is spelled here from the SDM, not taken from the description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mmiodec.h"
#include "../../src/forms.h"

enum { MAP_LEGACY_ = 0, MAP_0F_ = 1, MAP_0F38_ = 2 };
#define MAP_OF_LEGACY MAP_LEGACY_
#define MAP_OF_0F MAP_0F_
#define MAP_OF_0F38 MAP_0F38_
#define ANY 8

struct form {
	const char *name;
	unsigned op, map, opcode, reg, pattern, width;
};

static const struct form forms[] = {
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width) \
	{ #op, MMIODEC_OP_##op, MAP_OF_##map, (opcode), (reg), (pattern), (width) },
	MMIODEC_EACH_FORM
#undef MMIODEC_FORM
};

/* What memory sees, per the SDM's description of each instruction. */
static unsigned expected_direction(const struct form *f)
{
	switch (f->op) {
	case MMIODEC_OP_CMP: case MMIODEC_OP_TEST: case MMIODEC_OP_BT:
	case MMIODEC_OP_MUL: case MMIODEC_OP_IMUL: case MMIODEC_OP_DIV:
	case MMIODEC_OP_IDIV: case MMIODEC_OP_CMOVCC: case MMIODEC_OP_MOVZX:
	case MMIODEC_OP_MOVSX: case MMIODEC_OP_MOVSXD: case MMIODEC_OP_LODS:
		return MMIODEC_DIR_READ;
	case MMIODEC_OP_SETCC: case MMIODEC_OP_MOVNTI: case MMIODEC_OP_STOS:
		return MMIODEC_DIR_WRITE;
	case MMIODEC_OP_MOV: case MMIODEC_OP_MOVBE:
		/* 8A/8B, A0/A1 and 0F 38 F0 load; the rest store */
		return f->opcode == 0x8A || f->opcode == 0x8B || f->opcode == 0xA0 ||
		       f->opcode == 0xA1 || f->opcode == 0xF0 ? MMIODEC_DIR_READ
							      : MMIODEC_DIR_WRITE;
	case MMIODEC_OP_ADD: case MMIODEC_OP_OR: case MMIODEC_OP_ADC:
	case MMIODEC_OP_SBB: case MMIODEC_OP_AND: case MMIODEC_OP_SUB:
	case MMIODEC_OP_XOR:
		/* 02/03, 0A/0B...: into the register */
		return f->opcode < 0x40 && (f->opcode & 2) ? MMIODEC_DIR_READ
							   : MMIODEC_DIR_READ_WRITE;
	default:
		return MMIODEC_DIR_READ_WRITE;
	}
}

static unsigned expected_width(const struct form *f, unsigned osize)
{
	switch (f->width) {
	case FW_BYTE: return 1;
	case FW_WORD: return 2;
	case FW_MOVSXD: return osize == 8 ? 4 : osize;
	case FW_MOVNTI: return osize == 8 ? 8 : 4;
	case FW_DWORD: return 4;
	case FW_DOUBLE: return osize == 8 ? 16 : 8;
	default: return osize;
	}
}

/* Whether the form exists in this mode at this operand size. */
static bool exists(const struct form *f, unsigned mode, unsigned osize)
{
	if (osize == 8 && mode != 64)
		return false;
	if (f->op == MMIODEC_OP_CMPXCHG16B)
		return osize == 8;
	if (f->op == MMIODEC_OP_CMPXCHG8B)
		return osize != 8;
	/* 66 0F C3 is no instruction: MOVNTI is 32-bit without REX.W, also
	 * in 16-bit mode */
	if (f->op == MMIODEC_OP_MOVNTI)
		return osize == 8 || osize == (mode == 16 ? 2u : 4u);
	if (f->map == MAP_LEGACY_ && f->opcode == 0x63 && mode != 64)
		return false;           /* ARPL */
	if (f->map == MAP_LEGACY_ && f->opcode == 0x82 && mode == 64)
		return false;
	return true;
}

/* Bytes of the form with a ModRM operand [rbx] ([bp+di] in 16-bit
 * addressing), an moffs of zero, or no operand bytes (strings), then
 * zeros for any immediate. */
static size_t encode(const struct form *f, unsigned mode, unsigned osize,
		     uint8_t *out)
{
	size_t n = 0;
	unsigned default_size = mode == 16 ? 2 : 4;

	if (osize != 8 && osize != default_size)
		out[n++] = 0x66;
	if (osize == 8)
		out[n++] = 0x48;
	if (f->map != MAP_LEGACY_)
		out[n++] = 0x0F;
	if (f->map == MAP_0F38_)
		out[n++] = 0x38;
	out[n++] = (uint8_t)f->opcode;
	if (f->pattern != FP_STRING && f->pattern != FP_A_MOFFS &&
	    f->pattern != FP_MOFFS_A)
		out[n++] = (uint8_t)((f->reg == ANY ? 1 : f->reg) << 3 | 3);
	memset(out + n, 0, 8);
	return n + 8;
}

static void test_every_form(void **state)
{
	static const unsigned modes[] = { 16, 32, 64 };
	static const unsigned sizes[] = { 2, 4, 8 };
	unsigned failures = 0, decoded = 0;
	bool seen[sizeof forms / sizeof forms[0]] = { false };

	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		const struct form *f = &forms[i];
		for (unsigned m = 0; m < 3; m++) {
			for (unsigned s = 0; s < 3; s++) {
				uint8_t bytes[32];
				struct mmiodec_insn insn;
				unsigned osize = sizes[s];

				if (!exists(f, modes[m], osize))
					continue;
				if (f->width == FW_BYTE && osize != (modes[m] == 16 ? 2 : 4))
					continue;   /* one operand size is enough */
				size_t n = encode(f, modes[m], osize, bytes);
				mmiodec_decode_vendor(&insn, bytes, n,
						      (enum mmiodec_mode)modes[m],
						      MMIODEC_VENDOR_INTEL);
				decoded++;
				if (insn.status == MMIODEC_OK && insn.op == f->op &&
				    insn.direction == expected_direction(f) &&
				    insn.width == expected_width(f, osize)) {
					seen[i] = true;
					continue;
				}
				failures++;
				fprintf(stderr, "%s %02X /%u, %u-bit, operand size %u: "
					"status %u op %u direction %u width %u\n",
					f->name, f->opcode, f->reg, modes[m], osize,
					insn.status, insn.op, insn.direction, insn.width);
			}
		}
	}
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (!seen[i]) {
			failures++;
			fprintf(stderr, "%s %02X /%u: never decoded\n", forms[i].name,
				forms[i].opcode, forms[i].reg);
		}
	printf("%zu forms, %u decodes\n", sizeof forms / sizeof forms[0], decoded);
	assert_int_equal(failures, 0);
}

/* The vector and portal forms (MMIODEC_VECTOR_FORMS). */
struct vector_form {
	const char *name;
	unsigned op, encoding, map, prefix, opcode, w, pattern, width;
};

static const struct vector_form vector_forms[] = {
#define X(op, enc, map, pp, opcode, w, pattern, width, reg, element, aligned) \
	{ #op, MMIODEC_OP_##op, FE_##enc, MAP_OF_##map, FPX_##pp, (opcode),   \
	  F##w, FP_##pattern, FW_##width },
	MMIODEC_VECTOR_FORMS(X)
#undef X
};

/* The form with ModRM 03 ([rbx]): legacy prefixes and REX.W, or a VEX
 * (C4) or EVEX payload with W, the vector length l (0, 1, 2) and vvvv
 * naming register 0. */
static size_t encode_vector(const struct vector_form *f, unsigned w,
			    unsigned l, uint8_t *out)
{
	static const uint8_t legacy_prefix[4] = { 0, 0x66, 0xF3, 0xF2 };
	unsigned map = f->map == MAP_0F38_ ? 2 : 1;
	size_t n = 0;

	if (f->encoding == FE_LEGACY) {
		if (f->prefix)
			out[n++] = legacy_prefix[f->prefix];
		if (w)
			out[n++] = 0x48;
		out[n++] = 0x0F;
		if (map == 2)
			out[n++] = 0x38;
	} else if (f->encoding == FE_VEX) {
		out[n++] = 0xC4;
		out[n++] = (uint8_t)(0xE0 | map);
		out[n++] = (uint8_t)(w << 7 | 0x78 | l << 2 | f->prefix);
	} else {
		out[n++] = 0x62;
		out[n++] = (uint8_t)(0xF0 | map);
		out[n++] = (uint8_t)(w << 7 | 0x7C | f->prefix);
		out[n++] = (uint8_t)(l << 5 | 0x08);
	}
	out[n++] = (uint8_t)f->opcode;
	out[n++] = 0x03;
	return n;
}

static void test_every_vector_form(void **state)
{
	unsigned failures = 0, decoded = 0;

	(void)state;
	for (size_t i = 0; i < sizeof vector_forms / sizeof vector_forms[0]; i++) {
		const struct vector_form *f = &vector_forms[i];
		unsigned lengths = f->width != FW_VL ? 1 : f->encoding == FE_EVEX ? 3 : 2;
		for (unsigned l = 0; l < lengths; l++) {
			bool ok = false;
			for (unsigned w = 0; w < 2 && !ok; w++) {
				uint8_t bytes[16];
				struct mmiodec_insn insn;
				unsigned width = f->width == FW_VL ? 16u << l
						 : f->width == FW_4 ? 4
						 : f->width == FW_8 ? 8
						 : f->width == FW_16 ? 16
						 : f->width == FW_64 ? 64 : 4u << w;
				unsigned direction = f->pattern == FP_M_R ? MMIODEC_DIR_WRITE
						     : f->pattern == FP_COPY ? MMIODEC_DIR_READ_WRITE
									     : MMIODEC_DIR_READ;
				if ((f->w == FW0 && w) || (f->w == FW1 && !w))
					continue;
				size_t n = encode_vector(f, w, l, bytes);
				mmiodec_decode_vendor(&insn, bytes, n, MMIODEC_MODE_64,
						      MMIODEC_VENDOR_INTEL);
				decoded++;
				ok = insn.status == MMIODEC_OK && insn.op == f->op &&
				     insn.width == width && insn.direction == direction;
			}
			if (!ok) {
				failures++;
				fprintf(stderr, "%s %02X (encoding %u, prefix %u, L %u): "
					"not decoded as described\n", f->name, f->opcode,
					f->encoding, f->prefix, l);
			}
		}
	}
	printf("%zu vector forms, %u decodes\n",
	       sizeof vector_forms / sizeof vector_forms[0], decoded);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form),
		cmocka_unit_test(test_every_vector_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
