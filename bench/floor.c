/* SPDX-License-Identifier: MIT */
/*
 * The floor of the MOV mix: how few instructions a decode of the MOV
 * family can take while filling mmiodec's 64-byte descriptor, measured
 * beside mmiodec_decode() by mmiodec-bench.
 *
 * floor_decode() is the leanest single table-driven path we could write,
 * in the shape issue 14 proposed: a legacy prefix costs one table lookup,
 * the first byte that is not one yields the opcode's 16-bit entry (after
 * REX and 0F), ModRM, SIB, displacement and immediate are read straight
 * through, and the descriptor is written in eight 8-byte stores, the
 * constant bytes coming from a template per form and operand size. It
 * knows eleven opcodes (88, 89, 8A, 8B, C6/C7 /0, 63, 0F B6/B7/BE/BF,
 * 99.9% of the MOV mix), 66 and the segment overrides, and checks nothing
 * else that a decoder must (67, F2/F3, LOCK, the other opcodes, vendor
 * rows): a complete decoder built this way has the same work to do for
 * these bytes, and more around it. What it takes, it decodes exactly as
 * mmiodec_decode() does: before it counts anything, the bench compares
 * the two byte for byte on every ModRM and SIB of these opcodes after a
 * few prefix runs and on the whole mix. Bench code only: the templates
 * are built at run time from mmiodec_decode()'s own answers.
 */
#include "floor.h"

#include <string.h>

/* The one-byte and 0F maps: a form (1 + its number, 0: not taken) in bits
 * 0-5, or a prefix's bits; these flags. */
enum {
	ENTRY_FORM = 0x3F,
	ENTRY_REG0 = 1 << 12,   /* ModRM.reg must be 0 (C6/C7) */
	ENTRY_0F = 1 << 13,
	ENTRY_REX = 1 << 14,
	ENTRY_PREFIX = 1 << 15, /* bits 0-7: FLOOR_66 | (segment + 1) << 4 */
	FLOOR_66 = 1,
	FLOOR_SEG_SHIFT = 4,
};

/* A form at one operand size: the descriptor's bytes from status to the
 * end and mmiodec_mem's from segment to the end, with the fields that
 * depend on the bytes zero; how to fill those. */
struct floor_form {
	uint64_t tail[3];
	uint64_t mem;
	uint8_t imm_size;
	uint8_t has_reg;        /* ModRM.reg names a register */
	uint8_t byte_reg;       /* of one byte: AH..BH without REX */
	uint8_t imm_shift;      /* 64 - the immediate's bits */
	uint8_t valid;          /* mmiodec_decode() takes it (not 66 63) */
};

#define FORMS 11
static uint16_t map_legacy[256], map_0f[256];
static struct floor_form forms[FORMS * 3];

/* A byte's shift in an 8-byte word of the descriptor from `first`. */
#define INSN_SHIFT(field, first) \
	(8 * (offsetof(struct mmiodec_insn, field) - offsetof(struct mmiodec_insn, first)))
#define MEM_SHIFT(field) \
	(8 * (offsetof(struct mmiodec_mem, field) - offsetof(struct mmiodec_mem, segment)))

_Static_assert(sizeof(struct mmiodec_insn) - offsetof(struct mmiodec_insn, status) == 24,
	       "the tail is three words");
_Static_assert(sizeof(struct mmiodec_mem) - offsetof(struct mmiodec_mem, segment) == 8,
	       "mmiodec_mem ends in one word");
_Static_assert(INSN_SHIFT(reg_kind, status) == 64 && INSN_SHIFT(vendor, status) == 128,
	       "reg_kind and vendor start the second and third words");

static void store_word(void *at, uint64_t word)
{
	memcpy(at, &word, 8);
}

static uint64_t load_word(const void *at)
{
	uint64_t word;
	memcpy(&word, at, 8);
	return word;
}

static inline __attribute__((always_inline)) bool
floor_body(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
	   enum mmiodec_mode mode, enum mmiodec_vendor vendor, bool checks)
{
	if (checks && (mode != MMIODEC_MODE_64 || !insn || !bytes || len == 0 ||
		       (unsigned)vendor > MMIODEC_VENDOR_AMD))
		return false;
	const uint8_t *p = bytes;
	const uint8_t *end = bytes + (len < MMIODEC_MAX_LENGTH ? len : MMIODEC_MAX_LENGTH);
	unsigned entry = map_legacy[*p], rex = 0, prefixes = 0;

	while (entry & ENTRY_PREFIX) {
		if (entry & ~(unsigned)FLOOR_66 & 0xFF)
			prefixes &= FLOOR_66;   /* the last FS/GS override counts */
		prefixes |= entry & 0xFF;
		if (++p == end)
			return false;
		entry = map_legacy[*p];
	}
	if (entry & ENTRY_REX) {
		rex = *p;
		if (++p == end)
			return false;
		entry = map_legacy[*p];
	}
	if (entry & ENTRY_0F) {
		if (++p == end)
			return false;
		entry = map_0f[*p];
	}
	if (!(entry & ENTRY_FORM) || ++p == end)
		return false;
	unsigned modrm = *p++;
	if (modrm >= 0xC0 || ((entry & ENTRY_REG0) && (modrm & 0x38)))
		return false;
	unsigned size_index = rex & 8 ? 2 : prefixes & FLOOR_66 ? 0 : 1;
	const struct floor_form *f = &forms[((entry & ENTRY_FORM) - 1) * 3 + size_index];
	if (!f->valid)
		return false;

	unsigned mod = modrm >> 6, base_field = modrm & 7;
	uint64_t registers;     /* segment, base, index, scale */
	if (base_field == 4) {
		if (p == end)
			return false;
		unsigned sib = *p++;
		unsigned index = ((sib >> 3) & 7) | (rex & 2) << 2;
		base_field = sib & 7;
		unsigned base = base_field | (rex & 1) << 3;
		if (mod == 0 && base_field == 5)
			base = MMIODEC_NO_REG;
		registers = (uint64_t)base << MEM_SHIFT(base) |
			    (index == 4 ? (uint64_t)MMIODEC_NO_REG << MEM_SHIFT(index)
					: (uint64_t)index << MEM_SHIFT(index) |
					  (uint64_t)(1u << (sib >> 6)) << MEM_SHIFT(scale));
		registers |= base == MMIODEC_RSP || base == MMIODEC_RBP ? MMIODEC_SEG_SS
									  : MMIODEC_SEG_DS;
	} else {
		unsigned base = base_field | (rex & 1) << 3;
		if (mod == 0 && base_field == 5)
			base = MMIODEC_RIP;
		registers = (uint64_t)base << MEM_SHIFT(base) |
			    (uint64_t)MMIODEC_NO_REG << MEM_SHIFT(index) |
			    (base == MMIODEC_RSP || base == MMIODEC_RBP ? MMIODEC_SEG_SS
									: MMIODEC_SEG_DS);
	}
	if (prefixes >> FLOOR_SEG_SHIFT)
		registers = (registers & ~(uint64_t)0xFF) | ((prefixes >> FLOOR_SEG_SHIFT) - 1);
	unsigned disp_size = mod == 1 ? 1 : (mod == 2 || (mod == 0 && base_field == 5)) ? 4 : 0;
	unsigned imm_size = f->imm_size;
	if (disp_size + imm_size > (size_t)(end - p))
		return false;
	int64_t displacement = 0;
	if (disp_size == 1)
		displacement = (int8_t)p[0];
	else if (disp_size == 4)
		displacement = (int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
	p += disp_size;
	insn->mem[0].displacement = displacement;
	store_word(&insn->mem[0].segment, f->mem | registers);

	uint64_t immediate = 0;
	if (imm_size) {
		if (imm_size == 1)
			immediate = (uint64_t)(int8_t)p[0];
		else if (imm_size == 2)
			immediate = (uint64_t)(int16_t)(p[0] | p[1] << 8);
		else
			immediate = (uint64_t)(int32_t)(p[0] | p[1] << 8 | p[2] << 16 |
							(uint32_t)p[3] << 24);
		immediate &= ~(uint64_t)0 >> f->imm_shift;
	}
	unsigned reg = 0, reg_kind = 0;
	if (f->has_reg) {
		reg = ((modrm >> 3) & 7) | (rex & 4) << 1;
		reg_kind = MMIODEC_REG_KIND_GPR;
		if (f->byte_reg && !rex && reg >= 4) {
			reg -= 4;
			reg_kind = MMIODEC_REG_KIND_GPR_HIGH8;
		}
	}
	store_word(&insn->mem[1], 0);
	store_word(&insn->mem[1].segment, 0);
	insn->immediate = immediate;
	store_word(&insn->status, f->tail[0] |
		   (uint64_t)(p + imm_size - bytes) << INSN_SHIFT(length, status) |
		   (uint64_t)reg << INSN_SHIFT(reg, status));
	store_word(&insn->reg_kind, f->tail[1] | reg_kind);
	store_word(&insn->vendor, f->tail[2] | (unsigned)vendor);
	return true;
}

__attribute__((noinline)) bool
floor_decode(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
	     enum mmiodec_mode mode, enum mmiodec_vendor vendor)
{
	return floor_body(insn, bytes, len, mode, vendor, true);
}

__attribute__((noinline)) bool
floor_decode_unchecked(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
		       enum mmiodec_mode mode, enum mmiodec_vendor vendor)
{
	return floor_body(insn, bytes, len, mode, vendor, false);
}

/* The form `number` at its three operand sizes, from mmiodec_decode() on
 * [rax] with the prefix, REX.W and a zero immediate of that size. */
static bool add_form(unsigned number, bool map0f, unsigned opcode, unsigned iz_size)
{
	uint16_t *map = map0f ? map_0f : map_legacy;
	map[opcode] = (uint16_t)(number + 1) | ((opcode & 0xFE) == 0xC6 ? ENTRY_REG0 : 0);
	for (unsigned size_index = 0; size_index < 3; size_index++) {
		uint8_t bytes[16];
		unsigned n = 0;
		if (size_index == 0)
			bytes[n++] = 0x66;
		if (size_index == 2)
			bytes[n++] = 0x48;
		if (map0f)
			bytes[n++] = 0x0F;
		bytes[n++] = (uint8_t)opcode;
		bytes[n++] = 0x00;
		unsigned imm_size = iz_size == 4 && size_index == 0 ? 2 : iz_size;
		memset(bytes + n, 0, imm_size);
		n += imm_size;

		struct floor_form *f = &forms[number * 3 + size_index];
		struct mmiodec_insn d;
		*f = (struct floor_form){ .imm_size = (uint8_t)imm_size };
		if (mmiodec_decode(&d, bytes, n, MMIODEC_MODE_64) != MMIODEC_OK)
			continue;       /* 66 63: the vendors differ */
		if (d.length != n || d.has_immediate != (imm_size != 0) ||
		    d.mem[0].base != MMIODEC_RAX || d.vendor != MMIODEC_VENDOR_ANY)
			return false;
		f->valid = 1;
		f->has_reg = d.reg_kind != 0;
		f->byte_reg = d.dest_width == 1;
		f->imm_shift = (uint8_t)(64 - 8 * (d.width < 8 ? d.width : 8));
		d.length = 0;
		d.reg = 0;
		d.reg_kind = 0;
		d.mem[0].segment = d.mem[0].base = d.mem[0].index = d.mem[0].scale = 0;
		f->tail[0] = load_word(&d.status);
		f->tail[1] = load_word(&d.reg_kind);
		f->tail[2] = load_word(&d.vendor);
		f->mem = load_word(&d.mem[0].segment);
	}
	return true;
}

bool floor_init(void)
{
	static const struct { bool map0f; uint8_t opcode, iz_size; } known[FORMS] = {
		{ false, 0x88, 0 }, { false, 0x89, 0 }, { false, 0x8A, 0 }, { false, 0x8B, 0 },
		{ false, 0xC6, 1 }, { false, 0xC7, 4 }, { false, 0x63, 0 },
		{ true, 0xB6, 0 }, { true, 0xB7, 0 }, { true, 0xBE, 0 }, { true, 0xBF, 0 },
	};
	map_legacy[0x66] = ENTRY_PREFIX | FLOOR_66;
	map_legacy[0x64] = ENTRY_PREFIX | (MMIODEC_SEG_FS + 1) << FLOOR_SEG_SHIFT;
	map_legacy[0x65] = ENTRY_PREFIX | (MMIODEC_SEG_GS + 1) << FLOOR_SEG_SHIFT;
	/* ignored in 64-bit mode */
	map_legacy[0x26] = map_legacy[0x2E] = map_legacy[0x36] = map_legacy[0x3E] = ENTRY_PREFIX;
	for (unsigned rex = 0x40; rex < 0x50; rex++)
		map_legacy[rex] = ENTRY_REX;
	map_legacy[0x0F] = ENTRY_0F;
	for (unsigned i = 0; i < FORMS; i++)
		if (!add_form(i, known[i].map0f, known[i].opcode, known[i].iz_size))
			return false;
	return true;
}
