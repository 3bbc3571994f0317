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
};

/* The load rule of an op; *store_only and *load_only say whether the op
 * has no load form (MOVNTDQ, MOVNTPS, MOVNTPD) or no store form
 * (MOVNTDQA), *high whether it moves bytes 8..15 of its register (MOVHPS,
 * MOVHPD: the store side too). */
static enum load_rule rule_of(unsigned op, bool *store_only, bool *load_only,
			      bool *high)
{
	*store_only = false;
	*load_only = false;
	*high = false;
	switch (op) {
	case MMIODEC_OP_MOVD: case MMIODEC_OP_MOVQ:
	case MMIODEC_OP_MOVSS: case MMIODEC_OP_MOVSD_XMM:
		return LOAD_SCALAR;
	case MMIODEC_OP_MOVNTDQ: case MMIODEC_OP_MOVNTPS:
	case MMIODEC_OP_MOVNTPD:
		*store_only = true;
		return LOAD_LEGACY;
	case MMIODEC_OP_MOVNTDQA:
		*load_only = true;
		return LOAD_LEGACY;
	case MMIODEC_OP_MOVUPS: case MMIODEC_OP_MOVUPD:
	case MMIODEC_OP_MOVAPS: case MMIODEC_OP_MOVAPD:
	case MMIODEC_OP_MOVDQA: case MMIODEC_OP_MOVDQU:
		return LOAD_LEGACY;
	case MMIODEC_OP_MOVLPS: case MMIODEC_OP_MOVLPD:
		return LOAD_LOW_HALF;
	case MMIODEC_OP_MOVHPS: case MMIODEC_OP_MOVHPD:
		*high = true;
		return LOAD_HIGH_HALF;
	case MMIODEC_OP_VMOVLPS: case MMIODEC_OP_VMOVLPD:
		return LOAD_VEX_LOW;
	case MMIODEC_OP_VMOVHPS: case MMIODEC_OP_VMOVHPD:
		*high = true;
		return LOAD_VEX_HIGH;
	case MMIODEC_OP_VMOVNTDQ: case MMIODEC_OP_VMOVNTPS:
	case MMIODEC_OP_VMOVNTPD:
		*store_only = true;
		return LOAD_VEX;
	case MMIODEC_OP_VMOVNTDQA:
		*load_only = true;
		return LOAD_VEX;
	case MMIODEC_OP_VMOVD: case MMIODEC_OP_VMOVQ:
	case MMIODEC_OP_VMOVSS: case MMIODEC_OP_VMOVSD:
	case MMIODEC_OP_VMOVUPS: case MMIODEC_OP_VMOVUPD:
	case MMIODEC_OP_VMOVAPS: case MMIODEC_OP_VMOVAPD:
	case MMIODEC_OP_VMOVDQA: case MMIODEC_OP_VMOVDQU:
	case MMIODEC_OP_VMOVDQU8: case MMIODEC_OP_VMOVDQU16:
	case MMIODEC_OP_VMOVDQU32: case MMIODEC_OP_VMOVDQU64:
	case MMIODEC_OP_VMOVDQA32: case MMIODEC_OP_VMOVDQA64:
		return LOAD_VEX;
	default:
		return LOAD_NONE;
	}
}

/* The register's size in bytes by kind; 0 for a kind that is not a
 * vector register. */
static unsigned register_bytes(unsigned kind)
{
	switch (kind) {
	case MMIODEC_REG_KIND_MMX: return 8;
	case MMIODEC_REG_KIND_XMM: return 16;
	case MMIODEC_REG_KIND_YMM: return 32;
	case MMIODEC_REG_KIND_ZMM: return 64;
	default: return 0;
	}
}

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
 * element size cannot be. */
static uint64_t byte_mask(const struct mmiodec_insn *insn,
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
	for (unsigned i = 0; i < width / element; i++)
		if ((k >> i) & 1)
			bytes |= one << (i * element);
	return bytes;
}

uint64_t mmiodec_vector_mask(const struct mmiodec_insn *insn,
			     const struct mmiodec_vregs *vregs)
{
	if (!insn || !vregs || insn->status != MMIODEC_OK)
		return 0;
	return byte_mask(insn, vregs);
}

/*
 * Whether insn is a vector move of a shape the rules cover (a decoded
 * one always is; a hand-made descriptor may not be): a vector register of
 * the kind the op uses, a width the register holds, a mask with a usable
 * element size. *offset is the register byte the access starts at (8 for
 * MOVHPS/MOVHPD, else 0).
 */
static bool vector_move(const struct mmiodec_insn *insn, unsigned direction,
			enum load_rule *rule, unsigned *offset)
{
	bool store_only, load_only, high;
	unsigned kind = insn->reg_kind, size = register_bytes(kind);
	unsigned width = insn->width;

	if (insn->status != MMIODEC_OK || insn->direction != direction ||
	    size == 0)
		return false;
	*rule = rule_of(insn->op, &store_only, &load_only, &high);
	*offset = high ? 8 : 0;
	if (*rule == LOAD_NONE ||
	    (direction == MMIODEC_DIR_READ ? store_only : load_only))
		return false;
	if (width != 4 && width != 8 && width != 16 && width != 32 &&
	    width != 64)
		return false;
	if (insn->mask != 0 && !byte_mask_valid(insn))
		return false;
	if (kind == MMIODEC_REG_KIND_MMX)
		/* MMX: MOVD and MOVQ only, register mm0..mm7 */
		return (insn->op == MMIODEC_OP_MOVD ||
			insn->op == MMIODEC_OP_MOVQ) && width <= 8 &&
		       insn->reg < 8 && insn->mask == 0;
	if (insn->reg >= 32 || *offset + width > size)
		return false;
	/* legacy SSE has XMM registers only, and no mask */
	if (*rule < LOAD_VEX && (kind != MMIODEC_REG_KIND_XMM ||
				 insn->mask != 0))
		return false;
	/* the half moves: 8 bytes of an XMM register, no mask */
	if (*rule >= LOAD_LOW_HALF && *rule != LOAD_VEX &&
	    (width != 8 || kind != MMIODEC_REG_KIND_XMM || insn->mask != 0 ||
	     insn->reg2 >= 32))
		return false;
	return true;
}

bool mmiodec_vector_store_value(const struct mmiodec_insn *insn,
				const struct mmiodec_vregs *vregs,
				uint8_t data[64])
{
	enum load_rule rule;
	unsigned offset;

	if (!insn || !vregs || !data ||
	    !vector_move(insn, MMIODEC_DIR_WRITE, &rule, &offset))
		return false;
	uint64_t bytes = byte_mask(insn, vregs);
	unsigned width = insn->width;
	if (insn->reg_kind == MMIODEC_REG_KIND_MMX) {
		uint64_t mm = vregs->mm[insn->reg];
		for (unsigned i = 0; i < width; i++)
			data[i] = (uint8_t)(mm >> (8 * i));
		return true;
	}
	const uint8_t *reg = vregs->zmm[insn->reg];
	for (unsigned i = 0; i < width; i++)
		data[i] = ((bytes >> i) & 1) ? reg[offset + i] : 0;
	return true;
}

bool mmiodec_vector_complete_load(const struct mmiodec_insn *insn,
				  struct mmiodec_vregs *vregs,
				  const uint8_t data[64])
{
	enum load_rule rule;
	unsigned offset;

	if (!insn || !vregs || !data ||
	    !vector_move(insn, MMIODEC_DIR_READ, &rule, &offset))
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
	/* src1 of VMOVLPS...: reg2 may be reg itself, which is fine: byte i
	 * of the result only reads byte i of src1 */
	const uint8_t *src1 = vregs->zmm[insn->reg2 & 31];
	uint64_t bytes = byte_mask(insn, vregs);
	unsigned keep_from;   /* bytes from here up are kept (else zeroed) */

	switch (rule) {
	case LOAD_SCALAR:
		keep_from = 16;
		break;
	case LOAD_LEGACY:
	case LOAD_LOW_HALF:
	case LOAD_HIGH_HALF:
		keep_from = offset + width;
		break;
	case LOAD_VEX_LOW:
		for (unsigned i = 8; i < 16; i++)
			reg[i] = src1[i];
		keep_from = 64;
		break;
	case LOAD_VEX_HIGH:
		for (unsigned i = 0; i < 8; i++)
			reg[i] = src1[i];
		keep_from = 64;
		break;
	default:   /* LOAD_VEX */
		keep_from = 64;
		break;
	}
	/* the operand: selected bytes from memory, the others merged (kept)
	 * or zeroed (EVEX.z); an unmasked access selects them all */
	for (unsigned i = 0; i < width; i++) {
		if ((bytes >> i) & 1)
			reg[offset + i] = data[i];
		else if (insn->zeroing)
			reg[offset + i] = 0;
	}
	/* above the operand: zeroed up to keep_from (the rest of the low 16
	 * for MOVSS...; everything for VEX and EVEX) */
	unsigned top = rule == LOAD_VEX_LOW || rule == LOAD_VEX_HIGH ? 16
		       : offset + width;
	for (unsigned i = top; i < keep_from; i++)
		reg[i] = 0;
	return true;
}
