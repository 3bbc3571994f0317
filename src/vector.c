/* SPDX-License-Identifier: MIT */
/*
 * Vector moves on a vector register file: which bytes a (masked) access
 * makes, the bytes a store writes, and a load's register write with the
 * rules of SDM vol. 2 (each instruction's Operation) and vol. 1 14.1.4
 * (VEX.128 and VEX.256 zero the register above the operand, legacy SSE
 * leaves it alone), 15.6 (EVEX merging and zeroing masking).
 *
 * Everything is plain byte and 64-bit integer work: the library itself
 * never touches a vector register (it is built -mgeneral-regs-only for a
 * kernel).
 */
#include "mmiodec.h"
#include "compiler.h"
#include "gpr.h"

/* How a load writes its register. */
enum load_rule {
	LOAD_NONE,      /* not a vector move (or a store-only one) */
	LOAD_SCALAR,    /* MOVD, MOVQ, MOVSS, MOVSD into XMM: the operand, the
	                   rest of the low 16 bytes zeroed, above kept; into
	                   MMX: zero-extended to 8 bytes */
	LOAD_LEGACY,    /* MOVUPS...: the low 16 bytes, above kept */
	LOAD_LOW_HALF,  /* MOVLPS, MOVLPD: bytes 0..7, the rest kept */
	LOAD_HIGH_HALF, /* MOVHPS, MOVHPD: bytes 8..15, the rest kept */
	LOAD_VEX,       /* VEX and EVEX: the operand (masked), zero above */
	LOAD_VEX_LOW,   /* VMOVLPS, VMOVLPD: memory, then reg2[15:8] */
	LOAD_VEX_HIGH,  /* VMOVHPS, VMOVHPD: reg2[7:0], then memory */
	RULE = 7,       /* the load rule of a rules[] entry, with: */
	STORE_ONLY = 8, /* no load form (MOVNTDQ, MOVNTPS, MOVNTPD) */
	LOAD_ONLY = 16, /* no store form (MOVNTDQA) */
};

/* By op from MOVD on: the legacy SSE moves, then their VEX and EVEX forms
 * in the same order, then the EVEX-only ones. */
#define FIRST_VECTOR MMIODEC_OP_MOVD
#define SSE_RULES(scalar, full, low, high)                                 \
	scalar, scalar, scalar, scalar,       /* MOVD, MOVQ, MOVSS, MOVSD */ \
	full, full, full, full, full, full,   /* MOVUPS ... MOVDQU */        \
	low, high, low, high,                 /* MOVLPS ... MOVHPD */        \
	full | STORE_ONLY, full | STORE_ONLY, /* MOVNTDQ, MOVNTPS */         \
	full | STORE_ONLY, full | LOAD_ONLY   /* MOVNTPD, MOVNTDQA */
static const uint8_t rules[MMIODEC_OP_VMOVDQA64 + 1 - FIRST_VECTOR] = {
	SSE_RULES(LOAD_SCALAR, LOAD_LEGACY, LOAD_LOW_HALF, LOAD_HIGH_HALF),
	SSE_RULES(LOAD_VEX, LOAD_VEX, LOAD_VEX_LOW, LOAD_VEX_HIGH),
	/* VMOVDQU8 ... VMOVDQA64 */
	LOAD_VEX, LOAD_VEX, LOAD_VEX, LOAD_VEX, LOAD_VEX, LOAD_VEX,
};
_Static_assert(MMIODEC_OP_MOVNTDQA + 1 - FIRST_VECTOR == 18 &&
	       MMIODEC_OP_VMOVNTDQA + 1 - FIRST_VECTOR == 36 &&
	       MMIODEC_OP_VMOVDQA64 + 1 - FIRST_VECTOR == 42,
	       "rules[]: 18 SSE moves, 18 VEX ones, 6 EVEX ones");

/* A mask's element size is one a mask can select: 1, 2, 4 or 8 bytes,
 * dividing the width (at most 64 bytes). */
static bool byte_mask_valid(const struct mmiodec_insn *insn)
{
	unsigned element = insn->mem[0].element;

	return insn->width != 0 && insn->width <= 64 &&
	       (element == 1 || element == 2 || element == 4 || element == 8) &&
	       insn->width % element == 0;
}

/* Which bytes of the width bytes are accessed; 0 for a mask whose
 * element size cannot be. (Not inlined: three callers.) */
static MMIODEC_NOINLINE uint64_t byte_mask(const struct mmiodec_insn *insn,
					   const struct mmiodec_vregs *vregs)
{
	unsigned width = insn->width, element = insn->mem[0].element;

	if (width == 0 || width > 64)
		return 0;
	if (insn->mask == 0)
		return width == 64 ? ~0ull : (1ull << width) - 1;
	if (!byte_mask_valid(insn))
		return 0;
	uint64_t k = vregs->k[insn->mask & 7], bytes = 0;
	uint64_t one = (1ull << element) - 1;   /* element < 64 */
	for (unsigned i = 0; i < width; i += element, k >>= 1)
		if (k & 1)
			bytes |= one << i;
	return bytes;
}

uint64_t mmiodec_vector_mask(const struct mmiodec_insn *insn,
			     const struct mmiodec_vregs *vregs)
{
	if (!insn || !vregs || insn->status != MMIODEC_OK)
		return 0;
	return byte_mask(insn, vregs);
}

/* The register byte a move starts at: 8 for MOVHPS, MOVHPD and their VEX
 * forms (the store side too), else 0. */
static unsigned start_of(unsigned rule)
{
	return rule == LOAD_HIGH_HALF || rule == LOAD_VEX_HIGH ? 8 : 0;
}

/*
 * Whether insn is a vector move of a shape the rules cover (a decoded
 * one always is; a hand-made descriptor may not be): a vector register of
 * the kind the op uses, a width the register holds, a mask with a usable
 * element size. Its load rule; LOAD_NONE when it is not.
 */
static unsigned vector_move(const struct mmiodec_insn *insn, unsigned direction)
{
	unsigned kind = insn->reg_kind, op = insn->op, width = insn->width;

	if (insn->status != MMIODEC_OK || insn->direction != direction ||
	    kind < MMIODEC_REG_KIND_MMX || kind > MMIODEC_REG_KIND_ZMM ||
	    op < FIRST_VECTOR || op > MMIODEC_OP_VMOVDQA64)
		return LOAD_NONE;
	unsigned entry = rules[op - FIRST_VECTOR], rule = entry & RULE;
	if (entry & (direction == MMIODEC_DIR_READ ? STORE_ONLY : LOAD_ONLY))
		return LOAD_NONE;
	if (width != 4 && width != 8 && width != 16 && width != 32 &&
	    width != 64)
		return LOAD_NONE;
	if (insn->mask != 0 && !byte_mask_valid(insn))
		return LOAD_NONE;
	if (kind == MMIODEC_REG_KIND_MMX) {
		/* MMX: MOVD and MOVQ only, register mm0..mm7 */
		if ((op != MMIODEC_OP_MOVD && op != MMIODEC_OP_MOVQ) ||
		    width > 8 || insn->reg >= 8 || insn->mask != 0)
			return LOAD_NONE;
		return rule;
	}
	/* an XMM register holds 16 bytes, YMM 32, ZMM 64 */
	if (insn->reg >= 32 ||
	    start_of(rule) + width > 16u << (kind - MMIODEC_REG_KIND_XMM))
		return LOAD_NONE;
	/* legacy SSE has XMM registers only, and no mask */
	if (rule < LOAD_VEX &&
	    (kind != MMIODEC_REG_KIND_XMM || insn->mask != 0))
		return LOAD_NONE;
	/* the half moves: 8 bytes of an XMM register, no mask */
	if (rule >= LOAD_LOW_HALF && rule != LOAD_VEX &&
	    (width != 8 || kind != MMIODEC_REG_KIND_XMM || insn->mask != 0 ||
	     insn->reg2 >= 32))
		return LOAD_NONE;
	return rule;
}

bool mmiodec_vector_store_value(const struct mmiodec_insn *insn,
				const struct mmiodec_vregs *vregs,
				uint8_t data[64])
{
	unsigned rule;

	if (!insn || !vregs || !data ||
	    (rule = vector_move(insn, MMIODEC_DIR_WRITE)) == LOAD_NONE)
		return false;
	uint64_t bytes = byte_mask(insn, vregs), mm = vregs->mm[insn->reg & 7];
	const uint8_t *reg = vregs->zmm[insn->reg] + start_of(rule);
	bool mmx = insn->reg_kind == MMIODEC_REG_KIND_MMX;

	for (unsigned i = 0; i < insn->width; i++) {
		uint8_t byte = mmx ? (uint8_t)(mm >> (8 * i)) : reg[i];
		data[i] = ((bytes >> i) & 1) ? byte : 0;
	}
	return true;
}

bool mmiodec_vector_complete_load(const struct mmiodec_insn *insn,
				  struct mmiodec_vregs *vregs,
				  const uint8_t data[64])
{
	unsigned rule;

	if (!insn || !vregs || !data ||
	    (rule = vector_move(insn, MMIODEC_DIR_READ)) == LOAD_NONE)
		return false;
	unsigned width = insn->width;
	if (insn->reg_kind == MMIODEC_REG_KIND_MMX) {
		/* MOVD zero-extends to 64 bits, MOVQ fills them */
		uint64_t mm = 0;
		for (unsigned i = 0; i < width; i++)
			mm |= (uint64_t)data[i] << (8 * i);
		vregs->mm[insn->reg] = mm;
		return true;
	}

	uint8_t *reg = vregs->zmm[insn->reg];
	uint64_t bytes = byte_mask(insn, vregs);
	unsigned start = start_of(rule), top = start + width;
	/* from top up to keep_from the register is zeroed, above it kept:
	 * the rest of the low 16 bytes for MOVSS...; everything for VEX and
	 * EVEX; nothing for the legacy moves */
	unsigned keep_from = rule == LOAD_SCALAR ? 16
			     : rule >= LOAD_VEX ? 64 : top;

	if (rule == LOAD_VEX_LOW || rule == LOAD_VEX_HIGH) {
		/* the other half of the low 16 from src1 (reg2), which may be
		 * reg itself: these are not the operand's bytes */
		const uint8_t *src1 = vregs->zmm[insn->reg2 & 31];
		for (unsigned i = 8 - start; i < 16 - start; i++)
			reg[i] = src1[i];
		top = 16;
	}
	/* the operand: selected bytes from memory, the others merged (kept)
	 * or zeroed (EVEX.z); an unmasked access selects them all */
	for (unsigned i = 0; i < width; i++) {
		if ((bytes >> i) & 1)
			reg[start + i] = data[i];
		else if (insn->zeroing)
			reg[start + i] = 0;
	}
	for (unsigned i = top; i < keep_from; i++)
		reg[i] = 0;
	return true;
}
