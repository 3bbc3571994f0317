/* SPDX-License-Identifier: MIT */
/*
 * fuzz-decode: mmiodec_decode() and every helper on arbitrary bytes and
 * register files. Each promise of mmiodec.h that can be checked without a
 * second decoder is checked here; a broken one aborts with the input. Every
 * decode is also compared, field by field, with the library's general path
 * (mmiodec_decode_general(), which the fast path must match).
 *
 * The helpers are checked against a small model written from the header's
 * words (address arithmetic, register write rules, string stepping). Where
 * the header leaves a choice open (bits 63:32 of a 32-bit register write
 * outside 64-bit mode) the model does not look.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "../src/decode_general.h"
#include "../src/forms.h"

#define NOT_TOUCHED UINT64_C(0x5ea7ed5ea7ed5ea7)

static bool is_instruction(unsigned status)
{
	return status == MMIODEC_OK || status == MMIODEC_NO_MEMORY ||
	       status == MMIODEC_UNSUPPORTED;
}

static bool is_string_op(unsigned op)
{
	return op == MMIODEC_OP_MOVS || op == MMIODEC_OP_STOS ||
	       op == MMIODEC_OP_LODS;
}

static bool is_width(unsigned w)
{
	return w == 1 || w == 2 || w == 4 || w == 8;
}

/* Decode bytes[0..len) followed by tail[0..tail_len) from a buffer of
 * exactly that size, into a descriptor first filled with `fill`. */
static void decode_exact(const struct fuzz_case *c, struct mmiodec_insn *out,
			 const uint8_t *bytes, size_t len, const uint8_t *tail,
			 size_t tail_len, uint8_t fill)
{
	uint8_t *buf = fuzz_copy_exact(bytes, len, tail, tail_len);
	enum mmiodec_status status;

	memset(out, fill, sizeof(*out));
	status = mmiodec_decode(out, buf, len + tail_len, c->mode);

	/* the fast path must answer exactly as the general one, for any
	 * vendor and for each */
	struct mmiodec_insn general, fast;
	memset(&general, (uint8_t)~fill, sizeof(general));
	FUZZ_CHECK(c, mmiodec_decode_general(&general, buf, len + tail_len, c->mode,
					     MMIODEC_VENDOR_ANY) == status);
	FUZZ_CHECK(c, memcmp(&general, out, sizeof(general)) == 0);
	bool some_vendor_truncated = false;
	for (unsigned v = MMIODEC_VENDOR_INTEL; v <= MMIODEC_VENDOR_AMD; v++) {
		memset(&fast, fill, sizeof(fast));
		memset(&general, (uint8_t)~fill, sizeof(general));
		enum mmiodec_status vendor_status = mmiodec_decode_vendor(
			&fast, buf, len + tail_len, c->mode, (enum mmiodec_vendor)v);
		FUZZ_CHECK(c, mmiodec_decode_general(&general, buf, len + tail_len,
						     c->mode, (enum mmiodec_vendor)v) ==
				      vendor_status);
		FUZZ_CHECK(c, memcmp(&general, &fast, sizeof(general)) == 0);
		/* a vendor's answer is never VENDOR_DEPENDENT; ANY's is that
		 * vendor's answer unless it says VENDOR_DEPENDENT, or
		 * TRUNCATED because one vendor does */
		FUZZ_CHECK(c, vendor_status != MMIODEC_VENDOR_DEPENDENT);
		FUZZ_CHECK(c, status == MMIODEC_VENDOR_DEPENDENT ||
				      status == MMIODEC_TRUNCATED ||
				      vendor_status == status);
		some_vendor_truncated |= vendor_status == MMIODEC_TRUNCATED;
	}
	FUZZ_CHECK(c, status != MMIODEC_TRUNCATED || some_vendor_truncated);
	free(buf);
	FUZZ_CHECK(c, status == out->status);
}

static bool mem_is_zero(const struct mmiodec_mem *m)
{
	return m->displacement == 0 && m->segment == 0 && m->base == 0 &&
	       m->index == 0 && m->scale == 0 && m->address_size == 0 &&
	       m->access == 0 && m->align == 0 && m->element == 0;
}

/* "when status is not MMIODEC_OK only status and length ... mean
 * anything, and the other fields are zero". The library also keeps the
 * mode it was asked for (0 for a bad one); that is let pass. */
static bool only_status_and_length(const struct mmiodec_insn *in,
				   unsigned mode)
{
	return mem_is_zero(&in->mem[0]) && mem_is_zero(&in->mem[1]) &&
	       in->immediate == 0 && in->op == 0 && in->direction == 0 &&
	       in->width == 0 && in->extend == 0 && in->dest_width == 0 &&
	       in->reg == 0 && in->reg_kind == 0 && in->has_immediate == 0 &&
	       in->mem_count == 0 && in->rep == 0 && in->repeat == 0 &&
	       (in->mode == 0 || in->mode == mode) && in->operand_size == 0 &&
	       in->address_size == 0;
}

static void check_mem(const struct fuzz_case *c, const struct mmiodec_insn *in,
		      const struct mmiodec_mem *m, unsigned access)
{
	unsigned regs = in->mode == MMIODEC_MODE_64 ? 16 : 8;

	FUZZ_CHECK(c, m->access == access);
	FUZZ_CHECK(c, m->segment <= MMIODEC_SEG_GS);
	FUZZ_CHECK(c, m->address_size == in->address_size);
	FUZZ_CHECK(c, m->base < regs || m->base == MMIODEC_NO_REG ||
			      (m->base == MMIODEC_RIP &&
			       in->mode == MMIODEC_MODE_64));
	FUZZ_CHECK(c, m->index < regs || m->index == MMIODEC_NO_REG);
	/* index 100b without REX.X means "no index" */
	FUZZ_CHECK(c, m->index != MMIODEC_RSP);
	FUZZ_CHECK(c, (m->index == MMIODEC_NO_REG) == (m->scale == 0));
	FUZZ_CHECK(c, m->scale == 0 || m->scale == 1 || m->scale == 2 ||
			      m->scale == 4 || m->scale == 8);
	if (m->base == MMIODEC_RIP)
		FUZZ_CHECK(c, m->index == MMIODEC_NO_REG);
	if (m->address_size == 16) {
		/* the eight ModRM forms of 16-bit addressing */
		FUZZ_CHECK(c, m->base == MMIODEC_RBX || m->base == MMIODEC_RBP ||
				      m->base == MMIODEC_RSI ||
				      m->base == MMIODEC_RDI ||
				      m->base == MMIODEC_NO_REG);
		FUZZ_CHECK(c, m->index == MMIODEC_RSI ||
				      m->index == MMIODEC_RDI ||
				      m->index == MMIODEC_NO_REG);
		FUZZ_CHECK(c, m->scale <= 1);
		FUZZ_CHECK(c, m->displacement >= -32768 &&
				      m->displacement <= 65535);
	}
	if (m->address_size == 32)
		FUZZ_CHECK(c, m->displacement >= INT32_MIN &&
				      m->displacement <= (int64_t)UINT32_MAX);
}

static void check_string_operand(const struct fuzz_case *c,
				 const struct mmiodec_mem *m, unsigned base)
{
	FUZZ_CHECK(c, m->base == base);
	FUZZ_CHECK(c, m->index == MMIODEC_NO_REG);
	FUZZ_CHECK(c, m->displacement == 0);
	if (base == MMIODEC_RDI) /* ES:[rDI] cannot be overridden */
		FUZZ_CHECK(c, m->segment == MMIODEC_SEG_ES);
}

/* What an op does with memory (include/mmiodec.h, enum mmiodec_dir):
 * READ for the compares, MUL/DIV and CMOVcc; READ_WRITE for the
 * read-modify-writes; the MOV family either way; ALU with the register
 * first reads memory only. 0: depends on the form. */
static unsigned op_direction(const struct mmiodec_insn *in)
{
	switch (in->op) {
	case MMIODEC_OP_CMP: case MMIODEC_OP_TEST: case MMIODEC_OP_BT:
	case MMIODEC_OP_MUL: case MMIODEC_OP_IMUL: case MMIODEC_OP_DIV:
	case MMIODEC_OP_IDIV: case MMIODEC_OP_CMOVCC:
	case MMIODEC_OP_MOVZX: case MMIODEC_OP_MOVSX: case MMIODEC_OP_MOVSXD:
	case MMIODEC_OP_LODS:
		return MMIODEC_DIR_READ;
	case MMIODEC_OP_ADD: case MMIODEC_OP_OR: case MMIODEC_OP_ADC:
	case MMIODEC_OP_SBB: case MMIODEC_OP_AND: case MMIODEC_OP_SUB:
	case MMIODEC_OP_XOR:
		return in->reg_first ? MMIODEC_DIR_READ : MMIODEC_DIR_READ_WRITE;
	case MMIODEC_OP_NOT: case MMIODEC_OP_NEG: case MMIODEC_OP_INC:
	case MMIODEC_OP_DEC: case MMIODEC_OP_XCHG: case MMIODEC_OP_CMPXCHG:
	case MMIODEC_OP_XADD: case MMIODEC_OP_CMPXCHG8B:
	case MMIODEC_OP_CMPXCHG16B: case MMIODEC_OP_BTS: case MMIODEC_OP_BTR:
	case MMIODEC_OP_BTC: case MMIODEC_OP_ROL: case MMIODEC_OP_ROR:
	case MMIODEC_OP_RCL: case MMIODEC_OP_RCR: case MMIODEC_OP_SHL:
	case MMIODEC_OP_SHR: case MMIODEC_OP_SAR: case MMIODEC_OP_SHLD:
	case MMIODEC_OP_SHRD: case MMIODEC_OP_MOVS:
		return MMIODEC_DIR_READ_WRITE;
	case MMIODEC_OP_SETCC: case MMIODEC_OP_MOVNTI: case MMIODEC_OP_STOS:
		return MMIODEC_DIR_WRITE;
	default: /* MOV, MOVBE */
		return 0;
	}
}

static bool is_shift(unsigned op)
{
	return op >= MMIODEC_OP_ROL && op <= MMIODEC_OP_SAR;
}

/* The forms with no register operand: the immediate stores, MOVS, the
 * one-operand updates, SETcc, and the immediate forms but IMUL and
 * SHLD/SHRD (which have both); shifts by CL name CL. */
static bool has_no_register(const struct mmiodec_insn *in)
{
	switch (in->op) {
	case MMIODEC_OP_MOVS: case MMIODEC_OP_NOT: case MMIODEC_OP_NEG:
	case MMIODEC_OP_INC: case MMIODEC_OP_DEC: case MMIODEC_OP_SETCC:
		return true;
	case MMIODEC_OP_IMUL: case MMIODEC_OP_SHLD: case MMIODEC_OP_SHRD:
		return false;
	default:
		return in->has_immediate;
	}
}

/* ---- The vector and portal forms (tier 3) ---- */

/* The register bytes of a vector kind; 0 for the others. */
static unsigned vector_register_bytes(unsigned kind)
{
	switch (kind) {
	case MMIODEC_REG_KIND_MMX: return 8;
	case MMIODEC_REG_KIND_XMM: return 16;
	case MMIODEC_REG_KIND_YMM: return 32;
	case MMIODEC_REG_KIND_ZMM: return 64;
	default: return 0;
	}
}

/* The memory width each vector op has: fixed, or 0 for the vector
 * length (the register's size). */
static unsigned vector_op_width(unsigned op)
{
	switch (op) {
	case MMIODEC_OP_MOVD: case MMIODEC_OP_VMOVD: case MMIODEC_OP_MOVSS:
	case MMIODEC_OP_VMOVSS:
		return 4;
	case MMIODEC_OP_MOVQ: case MMIODEC_OP_VMOVQ: case MMIODEC_OP_MOVSD_XMM:
	case MMIODEC_OP_VMOVSD: case MMIODEC_OP_MOVLPS: case MMIODEC_OP_MOVHPS:
	case MMIODEC_OP_MOVLPD: case MMIODEC_OP_MOVHPD: case MMIODEC_OP_VMOVLPS:
	case MMIODEC_OP_VMOVHPS: case MMIODEC_OP_VMOVLPD: case MMIODEC_OP_VMOVHPD:
		return 8;
	case MMIODEC_OP_MOVUPS: case MMIODEC_OP_MOVUPD: case MMIODEC_OP_MOVAPS:
	case MMIODEC_OP_MOVAPD: case MMIODEC_OP_MOVDQA: case MMIODEC_OP_MOVDQU:
	case MMIODEC_OP_MOVNTDQ: case MMIODEC_OP_MOVNTPS: case MMIODEC_OP_MOVNTPD:
	case MMIODEC_OP_MOVNTDQA:
		return 16;
	default:
		return 0;
	}
}

/* The aligned moves: the address must be aligned to the width (SDM vol. 2
 * MOVAPS, MOVDQA, MOVNTDQ...). */
static bool vector_op_aligned(unsigned op)
{
	switch (op) {
	case MMIODEC_OP_MOVAPS: case MMIODEC_OP_MOVAPD: case MMIODEC_OP_MOVDQA:
	case MMIODEC_OP_MOVNTDQ: case MMIODEC_OP_MOVNTPS: case MMIODEC_OP_MOVNTPD:
	case MMIODEC_OP_MOVNTDQA: case MMIODEC_OP_VMOVAPS: case MMIODEC_OP_VMOVAPD:
	case MMIODEC_OP_VMOVDQA: case MMIODEC_OP_VMOVNTDQ: case MMIODEC_OP_VMOVNTPS:
	case MMIODEC_OP_VMOVNTPD: case MMIODEC_OP_VMOVNTDQA: case MMIODEC_OP_VMOVDQA32:
	case MMIODEC_OP_VMOVDQA64:
		return true;
	default:
		return false;
	}
}

/* The element size an opmask selects for each op, 0 for the ops that
 * take no mask (SDM vol. 2: VMOVDQU8 bytes ... VMOVUPD and VMOVSD
 * quadwords). */
static unsigned vector_op_element(unsigned op)
{
	switch (op) {
	case MMIODEC_OP_VMOVDQU8: return 1;
	case MMIODEC_OP_VMOVDQU16: return 2;
	case MMIODEC_OP_VMOVSS: case MMIODEC_OP_VMOVUPS: case MMIODEC_OP_VMOVAPS:
	case MMIODEC_OP_VMOVDQU32: case MMIODEC_OP_VMOVDQA32:
		return 4;
	case MMIODEC_OP_VMOVSD: case MMIODEC_OP_VMOVUPD: case MMIODEC_OP_VMOVAPD:
	case MMIODEC_OP_VMOVDQU64: case MMIODEC_OP_VMOVDQA64:
		return 8;
	default:
		return 0;
	}
}

static bool is_half_load(unsigned op)
{
	return op == MMIODEC_OP_VMOVLPS || op == MMIODEC_OP_VMOVHPS ||
	       op == MMIODEC_OP_VMOVLPD || op == MMIODEC_OP_VMOVHPD;
}

static bool is_portal_copy(unsigned op)
{
	return op == MMIODEC_OP_MOVDIR64B || op == MMIODEC_OP_ENQCMD ||
	       op == MMIODEC_OP_ENQCMDS;
}

/*
 * A vector move or a portal store: register kinds and widths by vector
 * length, the opmask and its element size, the alignment (0, the width,
 * or 64 for the portals' destination), reg2 only on the VMOVLPS-like
 * loads, and none of the general forms' fields.
 */
static void check_vector(const struct fuzz_case *c, const struct mmiodec_insn *in)
{
	unsigned bytes = vector_register_bytes(in->reg_kind);
	unsigned fixed = vector_op_width(in->op), element = vector_op_element(in->op);
	unsigned numbers = c->mode == MMIODEC_MODE_64 ? 16 : 8;
	bool legacy = in->op < MMIODEC_OP_VMOVD;

	FUZZ_CHECK(c, in->mode == c->mode);
	if (c->mode == MMIODEC_MODE_64)
		FUZZ_CHECK(c, in->address_size == 32 || in->address_size == 64);
	else
		FUZZ_CHECK(c, in->address_size == 16 || in->address_size == 32);
	FUZZ_CHECK(c, in->operand_size == 2 || in->operand_size == 4 || in->operand_size == 8);
	FUZZ_CHECK(c, in->extend == MMIODEC_EXTEND_NONE && in->rep == MMIODEC_REP_NONE &&
			      !in->repeat && !in->locked && in->condition == 0);
	FUZZ_CHECK(c, !in->has_immediate && in->immediate == 0);
	FUZZ_CHECK(c, in->mask <= 7 && in->zeroing <= 1 && in->reg_first <= 1);

	if (is_portal_copy(in->op)) {
		/* ES:[reg] (no override), 64 bytes aligned to 64, from [m] */
		FUZZ_CHECK(c, in->width == 64 && in->mem_count == 2 &&
				      in->direction == MMIODEC_DIR_READ_WRITE);
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR && in->reg < numbers &&
				      in->dest_width == in->address_size / 8);
		FUZZ_CHECK(c, in->mask == 0 && !in->zeroing && in->reg2 == 0);
		/* the destination's base is any register of the address size
		 * (CX too with a 16-bit address), so not check_mem()'s forms */
		FUZZ_CHECK(c, in->mem[0].access == MMIODEC_DIR_WRITE &&
				      in->mem[0].address_size == in->address_size &&
				      in->mem[0].scale == 0);
		check_mem(c, in, &in->mem[1], MMIODEC_DIR_READ);
		FUZZ_CHECK(c, in->mem[0].segment == MMIODEC_SEG_ES && in->mem[0].base == in->reg &&
				      in->mem[0].index == MMIODEC_NO_REG &&
				      in->mem[0].displacement == 0);
		FUZZ_CHECK(c, in->mem[0].align == 64 && in->mem[0].element == 0);
		FUZZ_CHECK(c, in->mem[1].align == 0 && in->mem[1].element == 0);
		return;
	}
	FUZZ_CHECK(c, in->mem_count == 1 && mem_is_zero(&in->mem[1]));
	FUZZ_CHECK(c, in->direction == MMIODEC_DIR_READ || in->direction == MMIODEC_DIR_WRITE);
	check_mem(c, in, &in->mem[0], in->direction);
	if (in->op == MMIODEC_OP_MOVDIRI) {
		FUZZ_CHECK(c, in->direction == MMIODEC_DIR_WRITE && !in->reg_first);
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR && in->reg < numbers);
		FUZZ_CHECK(c, in->width == 4 || (in->width == 8 && c->mode == MMIODEC_MODE_64));
		FUZZ_CHECK(c, in->dest_width == in->width);
		FUZZ_CHECK(c, in->mask == 0 && !in->zeroing && in->reg2 == 0 &&
				      in->mem[0].align == 0 && in->mem[0].element == 0);
		return;
	}

	/* the register: its kind and size; MMX only for MOVD/MOVQ; 8
	 * registers outside 64-bit mode, 16 without EVEX */
	FUZZ_CHECK(c, bytes != 0 && in->dest_width == bytes);
	if (in->reg_kind == MMIODEC_REG_KIND_MMX)
		FUZZ_CHECK(c, (in->op == MMIODEC_OP_MOVD || in->op == MMIODEC_OP_MOVQ) &&
				      in->reg < 8);
	if (legacy || in->op == MMIODEC_OP_VMOVDQA || in->op == MMIODEC_OP_VMOVDQU)
		FUZZ_CHECK(c, in->reg < numbers);
	else
		FUZZ_CHECK(c, in->reg < (c->mode == MMIODEC_MODE_64 ? 32u : 8u));
	if (legacy)
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_XMM ||
				      in->reg_kind == MMIODEC_REG_KIND_MMX);
	FUZZ_CHECK(c, in->reg_first == (in->direction == MMIODEC_DIR_READ));

	/* the width: the op's, or the vector length */
	if (fixed)
		FUZZ_CHECK(c, in->width == fixed && in->width <= bytes &&
				      (fixed == 16 || in->reg_kind == MMIODEC_REG_KIND_XMM ||
				       in->reg_kind == MMIODEC_REG_KIND_MMX));
	else
		FUZZ_CHECK(c, in->width == bytes && bytes >= 16);

	/* the alignment: the width for the aligned moves, else none */
	FUZZ_CHECK(c, in->mem[0].align == (vector_op_aligned(in->op) ? in->width : 0u));

	/* the opmask: only on the ops that take one; its elements divide the
	 * width; EVEX.z only with a mask, and only on a load */
	if (in->mask) {
		FUZZ_CHECK(c, element != 0 && in->mem[0].element == element &&
				      in->width % element == 0);
	} else {
		FUZZ_CHECK(c, in->mem[0].element == 0 && !in->zeroing);
	}
	if (in->zeroing)
		FUZZ_CHECK(c, in->direction == MMIODEC_DIR_READ);

	/* reg2: the VMOVLPS-like loads' other source, else 0 */
	if (is_half_load(in->op) && in->direction == MMIODEC_DIR_READ)
		FUZZ_CHECK(c, in->reg2 < (c->mode == MMIODEC_MODE_64 ? 32u : 8u));
	else
		FUZZ_CHECK(c, in->reg2 == 0);
}

static void check_ok(const struct fuzz_case *c, const struct mmiodec_insn *in)
{
	bool mov_family = in->op <= MMIODEC_OP_LODS || in->op == MMIODEC_OP_MOVBE;
	bool accumulate = in->op == MMIODEC_OP_MUL || in->op == MMIODEC_OP_DIV ||
			  in->op == MMIODEC_OP_IDIV ||
			  (in->op == MMIODEC_OP_IMUL && !in->reg_first);
	bool wide = in->op == MMIODEC_OP_CMPXCHG8B || in->op == MMIODEC_OP_CMPXCHG16B;
	unsigned direction = op_direction(in);

	FUZZ_CHECK(c, in->op >= MMIODEC_OP_MOV && in->op < MMIODEC_OP_COUNT);
	if (in->op >= MMIODEC_OP_MOVD) {
		check_vector(c, in);
		return;
	}
	FUZZ_CHECK(c, in->mode == c->mode);
	if (c->mode == MMIODEC_MODE_64)
		FUZZ_CHECK(c, in->address_size == 32 || in->address_size == 64);
	else
		FUZZ_CHECK(c, in->address_size == 16 || in->address_size == 32);
	FUZZ_CHECK(c, in->operand_size == 2 || in->operand_size == 4 ||
			      in->operand_size == 8);
	FUZZ_CHECK(c, is_width(in->width) ||
			      (in->width == 16 && in->op == MMIODEC_OP_CMPXCHG16B));
	FUZZ_CHECK(c, is_width(in->dest_width));
	if (mov_family)
		FUZZ_CHECK(c, in->dest_width >= in->width);
	if (c->mode != MMIODEC_MODE_64)
		FUZZ_CHECK(c, in->operand_size != 8 && in->dest_width != 8 &&
				      in->width != 16);
	FUZZ_CHECK(c, in->extend <= MMIODEC_EXTEND_SIGN);
	if (in->extend != MMIODEC_EXTEND_NONE)
		FUZZ_CHECK(c, in->op == MMIODEC_OP_MOVZX || in->op == MMIODEC_OP_MOVSX ||
				      in->op == MMIODEC_OP_MOVSXD);
	if (in->extend == MMIODEC_EXTEND_NONE && mov_family)
		FUZZ_CHECK(c, in->dest_width == in->width);

	FUZZ_CHECK(c, in->rep <= MMIODEC_REP_REPNE);
	FUZZ_CHECK(c, in->rep != MMIODEC_REP_REPE);
	FUZZ_CHECK(c, in->repeat <= 1);
	if (is_string_op(in->op))
		FUZZ_CHECK(c, in->repeat == (in->rep != MMIODEC_REP_NONE));
	else
		FUZZ_CHECK(c, in->rep == MMIODEC_REP_NONE && !in->repeat);

	/* the new fields */
	FUZZ_CHECK(c, in->locked <= 1 && in->reg_first <= 1 && in->condition <= 15);
	if (in->locked)
		FUZZ_CHECK(c, in->direction == MMIODEC_DIR_READ_WRITE && !is_string_op(in->op));
	if (in->op == MMIODEC_OP_XCHG)
		FUZZ_CHECK(c, in->locked);
	if (in->op != MMIODEC_OP_SETCC && in->op != MMIODEC_OP_CMOVCC)
		FUZZ_CHECK(c, in->condition == 0);
	if (in->reg_first)
		FUZZ_CHECK(c, in->reg_kind != MMIODEC_REG_KIND_NONE);
	/* the vector fields: none on a general-register form */
	FUZZ_CHECK(c, in->mask == 0 && in->zeroing == 0 && in->reg2 == 0);
	FUZZ_CHECK(c, in->mem[0].align == 0 && in->mem[0].element == 0);

	FUZZ_CHECK(c, in->has_immediate <= 1);
	if (in->has_immediate) {
		FUZZ_CHECK(c, in->op == MMIODEC_OP_MOV || (in->op >= MMIODEC_OP_ADD &&
							   in->op <= MMIODEC_OP_TEST) ||
				      in->op == MMIODEC_OP_IMUL || is_shift(in->op) ||
				      (in->op >= MMIODEC_OP_BT && in->op <= MMIODEC_OP_BTC) ||
				      in->op == MMIODEC_OP_SHLD || in->op == MMIODEC_OP_SHRD);
		if (in->op == MMIODEC_OP_MOV)
			FUZZ_CHECK(c, in->direction == MMIODEC_DIR_WRITE);
		if (in->width < 8)
			FUZZ_CHECK(c, in->immediate >> (8 * in->width) == 0);
		else if (is_shift(in->op) || in->op >= MMIODEC_OP_BT)
			/* counts and bit offsets: an imm8, zero-extended */
			FUZZ_CHECK(c, in->immediate <= 0xff);
		else /* imm32 (or imm8) sign-extended */
			FUZZ_CHECK(c, (int64_t)in->immediate ==
					      (int32_t)(uint32_t)in->immediate);
	} else {
		FUZZ_CHECK(c, in->immediate == 0);
	}

	FUZZ_CHECK(c, in->reg_kind <= MMIODEC_REG_KIND_GPR_HIGH8);
	FUZZ_CHECK(c, (in->reg_kind == MMIODEC_REG_KIND_NONE) == has_no_register(in));
	if (in->reg_kind == MMIODEC_REG_KIND_GPR)
		FUZZ_CHECK(c, in->reg < (c->mode == MMIODEC_MODE_64 ? 16 : 8));
	if (in->reg_kind == MMIODEC_REG_KIND_GPR_HIGH8)
		FUZZ_CHECK(c, in->reg < 4 && in->dest_width == 1);

	/* the forms whose memory access is the operand size (MOVNTI is
	 * m32 at operand size 16; SETcc is a byte; CMPXCHG8B/16B twice) */
	if (in->width != 1 && in->op != MMIODEC_OP_MOVZX &&
	    in->op != MMIODEC_OP_MOVSX && in->op != MMIODEC_OP_MOVSXD &&
	    in->op != MMIODEC_OP_MOVNTI && !wide)
		FUZZ_CHECK(c, in->width == in->operand_size);
	if (direction)
		FUZZ_CHECK(c, in->direction == direction);
	else
		FUZZ_CHECK(c, in->direction == MMIODEC_DIR_READ ||
				      in->direction == MMIODEC_DIR_WRITE);
	/* a register named at a width of its own */
	if (accumulate) {
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR && in->reg == MMIODEC_RAX);
		FUZZ_CHECK(c, in->dest_width == (in->width == 1 && (in->op == MMIODEC_OP_DIV ||
								    in->op == MMIODEC_OP_IDIV)
							 ? 2u : in->width));
	} else if (wide) {
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR && in->reg == MMIODEC_RAX);
		FUZZ_CHECK(c, in->dest_width * 2 == in->width);
		FUZZ_CHECK(c, (in->width == 16) == (in->op == MMIODEC_OP_CMPXCHG16B));
	} else if (is_shift(in->op) && in->reg_kind != MMIODEC_REG_KIND_NONE) {
		FUZZ_CHECK(c, in->reg == MMIODEC_RCX && in->dest_width == 1);
	} else if (!mov_family && in->op != MMIODEC_OP_IMUL) {
		FUZZ_CHECK(c, in->dest_width == in->width);
	}
	if (in->op == MMIODEC_OP_SETCC)
		FUZZ_CHECK(c, in->width == 1);

	switch (in->op) {
	case MMIODEC_OP_MOV:
		FUZZ_CHECK(c, in->extend == MMIODEC_EXTEND_NONE);
		break;
	case MMIODEC_OP_MOVZX:
	case MMIODEC_OP_MOVSX:
		FUZZ_CHECK(c, in->extend == (in->op == MMIODEC_OP_MOVZX ?
						     MMIODEC_EXTEND_ZERO :
						     MMIODEC_EXTEND_SIGN));
		FUZZ_CHECK(c, in->width == 1 || in->width == 2);
		FUZZ_CHECK(c, in->dest_width == in->operand_size);
		break;
	case MMIODEC_OP_MOVSXD:
		FUZZ_CHECK(c, c->mode == MMIODEC_MODE_64);
		FUZZ_CHECK(c, in->extend != MMIODEC_EXTEND_ZERO);
		FUZZ_CHECK(c, in->width == 2 || in->width == 4);
		FUZZ_CHECK(c, in->dest_width == in->operand_size);
		break;
	case MMIODEC_OP_MOVNTI:
		FUZZ_CHECK(c, in->width == 4 || in->width == 8);
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR);
		break;
	case MMIODEC_OP_MOVS:
		check_string_operand(c, &in->mem[0], MMIODEC_RDI);
		check_string_operand(c, &in->mem[1], MMIODEC_RSI);
		break;
	case MMIODEC_OP_STOS:
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR &&
				      in->reg == MMIODEC_RAX);
		check_string_operand(c, &in->mem[0], MMIODEC_RDI);
		break;
	case MMIODEC_OP_LODS:
		FUZZ_CHECK(c, in->reg_kind == MMIODEC_REG_KIND_GPR &&
				      in->reg == MMIODEC_RAX);
		check_string_operand(c, &in->mem[0], MMIODEC_RSI);
		break;
	case MMIODEC_OP_MOVBE:
		FUZZ_CHECK(c, in->width != 1 && in->reg_kind == MMIODEC_REG_KIND_GPR);
		break;
	default:
		break;
	}

	FUZZ_CHECK(c, in->mem_count == (in->op == MMIODEC_OP_MOVS ? 2 : 1));
	if (in->op == MMIODEC_OP_MOVS) {
		check_mem(c, in, &in->mem[0], MMIODEC_DIR_WRITE);
		check_mem(c, in, &in->mem[1], MMIODEC_DIR_READ);
	} else {
		check_mem(c, in, &in->mem[0], in->direction);
		FUZZ_CHECK(c, mem_is_zero(&in->mem[1]));
	}
}

/* The promises about one descriptor decoded from `len` bytes. */
static void check_descriptor(const struct fuzz_case *c,
			     const struct mmiodec_insn *in, size_t len)
{
	/* the call itself is always right here; decoded for ANY, so the
	 * vendor is 0 and vendor_dependent goes with VENDOR_DEPENDENT */
	FUZZ_CHECK(c, in->status <= MMIODEC_TRUNCATED ||
			      in->status == MMIODEC_VENDOR_DEPENDENT);
	FUZZ_CHECK(c, in->vendor == MMIODEC_VENDOR_ANY);
	FUZZ_CHECK(c, in->vendor_dependent ==
			      (in->status == MMIODEC_VENDOR_DEPENDENT));
	if (is_instruction(in->status) ||
	    (in->status == MMIODEC_VENDOR_DEPENDENT && in->length)) {
		FUZZ_CHECK(c, in->length >= 1 &&
				      in->length <= MMIODEC_MAX_LENGTH);
		FUZZ_CHECK(c, in->length <= len);
		FUZZ_CHECK(c, in->mode == c->mode);
	} else {
		FUZZ_CHECK(c, in->length == 0);
	}
	if (in->status == MMIODEC_TRUNCATED)
		FUZZ_CHECK(c, len < MMIODEC_MAX_LENGTH);
	if (in->status == MMIODEC_OK)
		check_ok(c, in);
	else
		FUZZ_CHECK(c, only_status_and_length(in, c->mode));
}

/* `shorter` was decoded from the first k bytes of what gave `longer`. */
static void check_prefix_pair(const struct fuzz_case *c,
			      const struct mmiodec_insn *shorter, size_t k,
			      const struct mmiodec_insn *longer)
{
	fuzz_show(shorter, longer);
	if (shorter->status == MMIODEC_TRUNCATED)
		/* more bytes cannot make an instruction that fitted in k */
		FUZZ_CHECK(c, !(is_instruction(longer->status) &&
				longer->length <= k));
	else
		/* an answer that needed no more bytes cannot change */
		FUZZ_CHECK(c, memcmp(shorter, longer, sizeof(*shorter)) == 0);
}

static void check_determinism_and_extensions(const struct fuzz_case *c,
					     const struct mmiodec_insn *full)
{
	struct mmiodec_insn again, part;
	uint8_t tail[MMIODEC_MAX_LENGTH];

	/* fill differently: padding or a field left unwritten shows up */
	fuzz_note("the input decoded twice (deterministic, every byte "
		  "of the descriptor written)");
	decode_exact(c, &again, c->bytes, c->len, NULL, 0, 0x5a);
	fuzz_show(full, &again);
	FUZZ_CHECK(c, memcmp(full, &again, sizeof(again)) == 0);

	/* every shorter prefix, including the first 15 bytes of a longer
	 * input (the decoder reads no more than 15) */
	for (size_t k = 0; k < c->len && k <= MMIODEC_MAX_LENGTH; k++) {
		fuzz_note("the first %zu bytes of the input, against the "
			  "whole input", k);
		decode_exact(c, &part, c->bytes, k, NULL, 0, 0);
		fuzz_show(&part, NULL);
		check_descriptor(c, &part, k);
		check_prefix_pair(c, &part, k, full);
	}

	/* and longer inputs: the same bytes followed by three tails */
	if (c->len > MMIODEC_MAX_LENGTH)
		return;
	for (unsigned t = 0; t < 3; t++) {
		uint64_t rng = c->rng;

		for (size_t i = 0; i < sizeof(tail); i++)
			tail[i] = t == 0 ? 0x00 :
				  t == 1 ? 0xff :
					   (uint8_t)fuzz_random(&rng);
		fuzz_note("the input followed by %02x%02x%02x... (15 bytes), "
			  "against the input alone", tail[0], tail[1], tail[2]);
		decode_exact(c, &part, c->bytes, c->len, tail, sizeof(tail), 0);
		fuzz_show(&part, NULL);
		check_descriptor(c, &part, c->len + sizeof(tail));
		check_prefix_pair(c, full, c->len, &part);
	}
}

static void check_bad_arguments(const struct fuzz_case *c)
{
	static const int bad_modes[] = { 0, 8, 15, 17, 33, 63, 65, -1 };
	/* a buffer with no readable byte: "nothing was read" */
	uint8_t *nothing = malloc(0);
	struct mmiodec_insn in;

	FUZZ_CHECK(c, mmiodec_decode(NULL, c->bytes, c->len, c->mode) ==
			      MMIODEC_BAD_ARGUMENT);
	memset(&in, 0xa5, sizeof(in));
	/* NULL with no bytes the library takes as no bytes (TRUNCATED),
	 * where the header says BAD_ARGUMENT: only a length counts here */
	FUZZ_CHECK(c, mmiodec_decode(&in, NULL, c->len + 1, c->mode) ==
			      MMIODEC_BAD_ARGUMENT);
	FUZZ_CHECK(c, in.status == MMIODEC_BAD_ARGUMENT && in.length == 0);
	FUZZ_CHECK(c, only_status_and_length(&in, c->mode));
	for (size_t i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		memset(&in, 0xa5, sizeof(in));
		FUZZ_CHECK(c, mmiodec_decode(&in, nothing, c->len,
					     (enum mmiodec_mode)bad_modes[i]) ==
				      MMIODEC_BAD_ARGUMENT);
		FUZZ_CHECK(c, in.status == MMIODEC_BAD_ARGUMENT &&
				      in.length == 0);
		FUZZ_CHECK(c, only_status_and_length(&in, 0));
	}
	free(nothing);
}

/* --- the helpers against a model of the header's words --- */

/* Compare two register files; gpr[i] only under care[i]. */
static bool regs_match(const struct mmiodec_regs *got,
		       const struct mmiodec_regs *want, const uint64_t care[16])
{
	for (unsigned i = 0; i < 16; i++)
		if ((got->gpr[i] ^ want->gpr[i]) & care[i])
			return false;
	return got->rip == want->rip && got->rflags == want->rflags &&
	       memcmp(got->seg_base, want->seg_base, sizeof(got->seg_base)) ==
		       0;
}

static void care_all(uint64_t care[16])
{
	for (unsigned i = 0; i < 16; i++)
		care[i] = UINT64_MAX;
}

static uint64_t model_address(const struct mmiodec_insn *in,
			      const struct mmiodec_regs *r, unsigned which)
{
	const struct mmiodec_mem *m = &in->mem[which];
	uint64_t ea = (uint64_t)m->displacement;

	if (m->base == MMIODEC_RIP)
		ea += r->rip + in->length;
	else if (m->base != MMIODEC_NO_REG)
		ea += r->gpr[m->base];
	if (m->index != MMIODEC_NO_REG)
		ea += r->gpr[m->index] * m->scale;
	/* BT* with a register bit offset: the operand-size unit the signed
	 * offset falls in, floor(offset / bits) units away */
	if (in->op >= MMIODEC_OP_BT && in->op <= MMIODEC_OP_BTC && !in->has_immediate) {
		unsigned bits = 8 * in->width;
		uint64_t raw = fuzz_wrap(r->gpr[in->reg], bits);
		int64_t offset = (raw >> (bits - 1)) & 1 ? (int64_t)(raw | ~fuzz_wrap(UINT64_MAX, bits))
							 : (int64_t)raw;
		int64_t units = offset >= 0 ? offset / (int64_t)bits
					    : -((-(offset + 1)) / (int64_t)bits) - 1;

		ea += (uint64_t)units * in->width;
	}
	ea = fuzz_wrap(ea, m->address_size);
	if (in->mode != MMIODEC_MODE_64)
		return fuzz_wrap(r->seg_base[m->segment] + ea, 32);
	if (m->segment == MMIODEC_SEG_FS || m->segment == MMIODEC_SEG_GS)
		return r->seg_base[m->segment] + ea;
	return ea;
}

static uint64_t model_next_rip(const struct mmiodec_insn *in,
			       const struct mmiodec_regs *r)
{
	return fuzz_wrap(r->rip + in->length, in->mode);
}

/* Write `v` (already at `bytes` width) into register reg as the CPU does;
 * *care says which bits the header pins down. */
static void model_write_gpr(const struct mmiodec_insn *in,
			    struct mmiodec_regs *r, uint64_t *care,
			    unsigned reg, unsigned high8, unsigned bytes,
			    uint64_t v)
{
	uint64_t *g = &r->gpr[reg];

	*care = UINT64_MAX;
	if (high8) {
		*g = (*g & ~UINT64_C(0xff00)) | (v & 0xff) << 8;
	} else if (bytes < 4) {
		*g = (*g & ~fuzz_wrap(UINT64_MAX, 8 * bytes)) | v;
	} else if (bytes == 4) {
		*g = v;
		/* bits 63:32 outside 64-bit mode: the header does not say */
		if (in->mode != MMIODEC_MODE_64)
			*care = UINT32_MAX;
	} else {
		*g = v;
	}
}

static void check_address(const struct fuzz_case *c,
			  const struct mmiodec_insn *in)
{
	for (unsigned which = 0; which < 3; which++) {
		uint64_t linear = NOT_TOUCHED;
		bool has = in->status == MMIODEC_OK && which < in->mem_count;

		FUZZ_CHECK(c, mmiodec_address(in, &c->regs, which, &linear) ==
				      has);
		if (!has) {
			FUZZ_CHECK(c, linear == NOT_TOUCHED);
			continue;
		}
		FUZZ_CHECK(c, linear == model_address(in, &c->regs, which));
	}
}

static void check_store_value(const struct fuzz_case *c,
			      const struct mmiodec_insn *in)
{
	uint64_t got = mmiodec_store_value(in, &c->regs);
	uint64_t want;

	if (in->status != MMIODEC_OK)
		return;
	if (in->op == MMIODEC_OP_MOVS) {
		FUZZ_CHECK(c, got == 0);
		return;
	}
	/* only the MOV family's stores; mmiodec_execute() does the rest */
	if (in->direction != MMIODEC_DIR_WRITE ||
	    (in->op != MMIODEC_OP_MOV && in->op != MMIODEC_OP_MOVNTI &&
	     in->op != MMIODEC_OP_STOS)) {
		FUZZ_CHECK(c, got == 0);
		return;
	}
	if (in->has_immediate)
		want = in->immediate;
	else if (in->reg_kind == MMIODEC_REG_KIND_GPR_HIGH8)
		want = c->regs.gpr[in->reg] >> 8;
	else
		want = c->regs.gpr[in->reg];
	FUZZ_CHECK(c, fuzz_wrap(got, 8 * in->width) ==
			      fuzz_wrap(want, 8 * in->width));
}

static void check_complete_load(const struct fuzz_case *c,
				const struct mmiodec_insn *in, uint64_t value)
{
	struct mmiodec_regs got = c->regs, want = c->regs;
	uint64_t care[16];
	bool is_load = in->status == MMIODEC_OK &&
		       in->direction == MMIODEC_DIR_READ &&
		       (in->op == MMIODEC_OP_MOV || in->op == MMIODEC_OP_MOVZX ||
			in->op == MMIODEC_OP_MOVSX || in->op == MMIODEC_OP_MOVSXD ||
			in->op == MMIODEC_OP_LODS);
	unsigned high8 = in->reg_kind == MMIODEC_REG_KIND_GPR_HIGH8;

	care_all(care);
	FUZZ_CHECK(c, mmiodec_complete_load(in, &got, value) == is_load);
	if (is_load) {
		uint64_t v = fuzz_wrap(value, 8 * in->width);
		unsigned top = 8 * in->width - 1;

		if (in->extend == MMIODEC_EXTEND_SIGN && in->width < 8 &&
		    (v >> top & 1))
			v |= UINT64_MAX << (top + 1);
		v = fuzz_wrap(v, 8 * in->dest_width);
		model_write_gpr(in, &want, &care[in->reg], in->reg, high8,
				in->dest_width, v);
	}
	FUZZ_CHECK(c, regs_match(&got, &want, care));
}

static void check_advance_rip(const struct fuzz_case *c,
			      const struct mmiodec_insn *in)
{
	struct mmiodec_regs got = c->regs, want = c->regs;
	uint64_t care[16];

	care_all(care);
	mmiodec_advance_rip(in, &got);
	if (in->status == MMIODEC_OK)
		want.rip = model_next_rip(in, &c->regs);
	else
		want.rip = got.rip; /* the header promises nothing here */
	FUZZ_CHECK(c, regs_match(&got, &want, care));
}

/* Step a string pointer or count register at the address size. */
static void model_step_register(const struct mmiodec_insn *in,
				struct mmiodec_regs *r, uint64_t *care,
				unsigned reg, uint64_t delta)
{
	uint64_t low = fuzz_wrap(r->gpr[reg] + delta, in->address_size);

	model_write_gpr(in, r, care, reg, 0, in->address_size / 8, low);
}

static void check_string_helpers(const struct fuzz_case *c,
				 const struct mmiodec_insn *in)
{
	struct mmiodec_regs got = c->regs, want = c->regs;
	uint64_t care[16];
	bool pending = mmiodec_string_pending(in, &c->regs);
	bool done;

	care_all(care);
	if (in->status != MMIODEC_OK)
		return (void)mmiodec_string_step(in, &got);

	if (!is_string_op(in->op)) {
		FUZZ_CHECK(c, mmiodec_string_step(in, &got));
		want.rip = model_next_rip(in, &c->regs);
		FUZZ_CHECK(c, regs_match(&got, &want, care));
		return;
	}

	FUZZ_CHECK(c, pending ==
			      (!in->repeat ||
			       fuzz_wrap(c->regs.gpr[MMIODEC_RCX],
					 in->address_size) != 0));
	if (!pending)
		return;

	done = mmiodec_string_step(in, &got);
	{
		uint64_t delta = c->regs.rflags & RFLAGS_DF ?
					 (uint64_t)0 - in->width :
					 in->width;

		if (in->op != MMIODEC_OP_STOS)
			model_step_register(in, &want, &care[MMIODEC_RSI],
					    MMIODEC_RSI, delta);
		if (in->op != MMIODEC_OP_LODS)
			model_step_register(in, &want, &care[MMIODEC_RDI],
					    MMIODEC_RDI, delta);
	}
	if (in->repeat)
		model_step_register(in, &want, &care[MMIODEC_RCX], MMIODEC_RCX,
				    UINT64_MAX);
	FUZZ_CHECK(c, done == (!in->repeat ||
			       fuzz_wrap(want.gpr[MMIODEC_RCX],
					 in->address_size) == 0));
	if (done)
		want.rip = model_next_rip(in, &c->regs);
	FUZZ_CHECK(c, regs_match(&got, &want, care));
}

/* --- names --- */

static const char *const status_names[] = {
	"ok", "no-memory", "unsupported", "invalid", "truncated",
	"bad-argument", "vendor-dependent",
};

#define OP_MNEMONIC(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
static const char *const mnemonics[MMIODEC_OP_COUNT] = { MMIODEC_OPS(OP_MNEMONIC) };
#undef OP_MNEMONIC
#define CONDITION_NAME(name) name,
static const char *const condition_names[16] = { MMIODEC_CONDITIONS(CONDITION_NAME) };
#undef CONDITION_NAME

static char width_suffix(unsigned width)
{
	return width == 1 ? 'b' : width == 2 ? 'w' : width == 4 ? 'd' : 'q';
}

/* Whether mmiodec_reg_name(kind, number, width) must name a register. */
static bool reg_name_exists(unsigned kind, unsigned number, unsigned width)
{
	if (kind == MMIODEC_REG_KIND_GPR)
		return (number < 16 && is_width(width)) ||
		       (number == MMIODEC_RIP && width >= 2 && is_width(width));
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8)
		return number < 4 && width == 1;
	/* the vector kinds: whatever the width */
	if (kind == MMIODEC_REG_KIND_MMX)
		return number < 8;
	if (kind >= MMIODEC_REG_KIND_XMM && kind <= MMIODEC_REG_KIND_ZMM)
		return number < 32;
	return false;
}

/* ... and where it must not. */
static bool reg_name_absent(unsigned kind, unsigned number, unsigned width)
{
	if (kind == MMIODEC_REG_KIND_GPR)
		return number > MMIODEC_RIP || !is_width(width) ||
		       (number == MMIODEC_RIP && width == 1);
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8)
		return number >= 4;
	if (kind == MMIODEC_REG_KIND_MMX)
		return number >= 8;
	if (kind >= MMIODEC_REG_KIND_XMM && kind <= MMIODEC_REG_KIND_ZMM)
		return number >= 32;
	return true;
}

static void check_names(const struct fuzz_case *c,
			const struct mmiodec_insn *in)
{
	const char *mnemonic = mmiodec_mnemonic(in);
	uint64_t rng = c->rng ^ 0x6e616d6573;

	FUZZ_CHECK(c, strcmp(mmiodec_status_name(in->status),
			     status_names[in->status]) == 0);
	FUZZ_CHECK(c, mnemonic != NULL);
	if (in->status != MMIODEC_OK) {
		FUZZ_CHECK(c, mnemonic[0] == '\0');
	} else {
		const char *stem = mnemonics[in->op];
		size_t n = strlen(stem);

		FUZZ_CHECK(c, strncmp(mnemonic, stem, n) == 0);
		if (is_string_op(in->op))
			FUZZ_CHECK(c, mnemonic[n] == width_suffix(in->width) &&
					      mnemonic[n + 1] == '\0');
		else if (in->op == MMIODEC_OP_SETCC || in->op == MMIODEC_OP_CMOVCC)
			FUZZ_CHECK(c, strcmp(mnemonic + n, condition_names[in->condition & 15]) == 0);
		else
			FUZZ_CHECK(c, mnemonic[n] == '\0');

		if (in->reg_kind != MMIODEC_REG_KIND_NONE)
			FUZZ_CHECK(c, mmiodec_reg_name(in->reg_kind, in->reg,
						       in->dest_width) != NULL);
		for (unsigned i = 0; i < in->mem_count; i++) {
			const struct mmiodec_mem *m = &in->mem[i];

			FUZZ_CHECK(c, mmiodec_seg_name(m->segment) != NULL);
			if (m->base != MMIODEC_NO_REG)
				FUZZ_CHECK(c, mmiodec_reg_name(
						      MMIODEC_REG_KIND_GPR,
						      m->base,
						      m->address_size / 8) != NULL);
			if (m->index != MMIODEC_NO_REG)
				FUZZ_CHECK(c, mmiodec_reg_name(
						      MMIODEC_REG_KIND_GPR,
						      m->index,
						      m->address_size / 8) != NULL);
		}
	}

	for (unsigned s = 0; s < 256; s++) {
		const char *name = mmiodec_status_name((enum mmiodec_status)s);

		FUZZ_CHECK(c, name != NULL);
		if (s <= MMIODEC_VENDOR_DEPENDENT)
			FUZZ_CHECK(c, strcmp(name, status_names[s]) == 0);
		else
			FUZZ_CHECK(c, strcmp(name, "?") == 0);
	}
	for (unsigned s = 0; s < 256; s++)
		FUZZ_CHECK(c, (mmiodec_seg_name((enum mmiodec_seg)s) != NULL) ==
				      (s <= MMIODEC_SEG_GS));

	/* register names at numbers and widths drawn from the input */
	for (unsigned i = 0; i < 8; i++) {
		uint64_t r = fuzz_random(&rng);
		unsigned kind = (unsigned)(r & 0xff) % 8; /* NONE..ZMM, and one past */
		unsigned number = (r >> 8 & 1) ? (r >> 16 & 0xff) :
						 (r >> 16 & 0x1f);
		unsigned width = r >> 32 & 0xf;
		const char *name = mmiodec_reg_name(
			(enum mmiodec_reg_kind)kind, number, width);

		if (reg_name_exists(kind, number, width))
			FUZZ_CHECK(c, name != NULL && name[0] != '\0');
		if (reg_name_absent(kind, number, width))
			FUZZ_CHECK(c, name == NULL);
		if (name)
			FUZZ_CHECK(c, strlen(name) <= 5);
		if (name && kind >= MMIODEC_REG_KIND_MMX) {
			char want[8];

			snprintf(want, sizeof(want), "%s%u",
				 kind == MMIODEC_REG_KIND_MMX ? "mm" :
				 kind == MMIODEC_REG_KIND_XMM ? "xmm" :
				 kind == MMIODEC_REG_KIND_YMM ? "ymm" : "zmm", number);
			FUZZ_CHECK(c, strcmp(name, want) == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	struct mmiodec_insn in;

	fuzz_case_parse(&c, data, size);

	fuzz_note("the input");
	decode_exact(&c, &in, c.bytes, c.len, NULL, 0, 0xa5);
	fuzz_show(&in, NULL);
	check_descriptor(&c, &in, c.len);
	check_determinism_and_extensions(&c, &in);
	fuzz_note("bad arguments");
	fuzz_show(NULL, NULL);
	check_bad_arguments(&c);

	fuzz_note("the helpers on the input's descriptor");
	fuzz_show(&in, NULL);

	check_address(&c, &in);
	check_store_value(&c, &in);
	check_complete_load(&c, &in, fuzz_random(&c.rng));
	check_advance_rip(&c, &in);
	check_string_helpers(&c, &in);
	check_names(&c, &in);

	fuzz_case_free(&c);
	return 0;
}
