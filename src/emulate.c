/* SPDX-License-Identifier: MIT */
/*
 * Finishing an instruction on a register file: effective and linear
 * addresses, the value a store writes, the register write of a load,
 * RIP and string-instruction stepping. x86's register write rules live in
 * gpr.h, shared with execute.c.
 */
#include "mmiodec.h"
#include "compiler.h"
#include "gpr.h"

#define RFLAGS_DF (1ull << 10)

static bool insn_ok(const struct mmiodec_insn *insn)
{
	return insn && insn->status == MMIODEC_OK;
}

/* BT, BTS, BTR and BTC with a register bit offset reach the operand-size
 * unit the signed offset falls in (SDM vol. 2 BT): the address moves by
 * floor(offset / bits) units. */
static uint64_t bit_offset_bytes(const struct mmiodec_insn *insn,
				 const struct mmiodec_regs *regs)
{
	if (insn->op < MMIODEC_OP_BT || insn->op > MMIODEC_OP_BTC ||
	    insn->has_immediate || insn->reg_kind != MMIODEC_REG_KIND_GPR)
		return 0;
	unsigned width = insn->width, shift = width == 2 ? 4 : width == 4 ? 5 : 6;
	int64_t offset = (int64_t)sign_extend_from(regs->gpr[insn->reg & 15] &
						   width_mask(width), width);
	/* an arithmetic shift: floor division, also for negative offsets */
	return (uint64_t)(offset >> shift) * width;
}

bool mmiodec_address(const struct mmiodec_insn *insn,
		     const struct mmiodec_regs *regs, unsigned which,
		     uint64_t *linear)
{
	if (!insn_ok(insn) || !regs || !linear || which >= insn->mem_count ||
	    which >= 2)
		return false;
	const struct mmiodec_mem *m = &insn->mem[which];
	uint64_t ea = (uint64_t)m->displacement;

	if (m->base == MMIODEC_RIP)
		ea += regs->rip + insn->length;
	else if (m->base < 16)
		ea += regs->gpr[m->base];
	if (m->index < 16)
		ea += regs->gpr[m->index] * m->scale;
	ea += bit_offset_bytes(insn, regs);
	ea &= width_mask(m->address_size / 8);

	/* In 64-bit mode the CPU adds only the FS and GS bases (SDM vol. 3
	 * 3.2.4); elsewhere linear addresses are 32 bits wide. */
	uint64_t base = 0;
	if (m->segment < 6 &&
	    (insn->mode != MMIODEC_MODE_64 || m->segment == MMIODEC_SEG_FS ||
	     m->segment == MMIODEC_SEG_GS))
		base = regs->seg_base[m->segment];
	uint64_t address = base + ea;
	if (insn->mode != MMIODEC_MODE_64)
		address &= 0xFFFFFFFFull;
	*linear = address;
	return true;
}

uint64_t mmiodec_store_value(const struct mmiodec_insn *insn,
			     const struct mmiodec_regs *regs)
{
	if (!insn_ok(insn) || !regs || insn->direction != MMIODEC_DIR_WRITE ||
	    (insn->op != MMIODEC_OP_MOV && insn->op != MMIODEC_OP_MOVNTI &&
	     insn->op != MMIODEC_OP_STOS))
		return 0;
	if (insn->has_immediate)
		return insn->immediate & width_mask(insn->width);
	if (insn->reg_kind == MMIODEC_REG_KIND_NONE)
		return 0;
	return read_gpr(regs, insn->reg_kind, insn->reg, insn->width);
}

bool mmiodec_complete_load(const struct mmiodec_insn *insn,
			   struct mmiodec_regs *regs, uint64_t value)
{
	if (!insn_ok(insn) || !regs || insn->direction != MMIODEC_DIR_READ ||
	    insn->reg_kind == MMIODEC_REG_KIND_NONE ||
	    (insn->op != MMIODEC_OP_MOV && insn->op != MMIODEC_OP_MOVZX &&
	     insn->op != MMIODEC_OP_MOVSX && insn->op != MMIODEC_OP_MOVSXD &&
	     insn->op != MMIODEC_OP_LODS))
		return false;
	value &= width_mask(insn->width);
	if (insn->extend == MMIODEC_EXTEND_SIGN)
		value = sign_extend_from(value, insn->width);
	write_gpr(regs, insn->reg_kind, insn->reg, insn->dest_width, value);
	return true;
}

void mmiodec_advance_rip(const struct mmiodec_insn *insn,
			 struct mmiodec_regs *regs)
{
	if (!insn || !regs || insn->length == 0)
		return;
	uint64_t rip = regs->rip + insn->length;
	if (insn->mode == MMIODEC_MODE_16)
		rip &= 0xFFFF;
	else if (insn->mode == MMIODEC_MODE_32)
		rip &= 0xFFFFFFFFull;
	regs->rip = rip;
}

static bool is_string(const struct mmiodec_insn *insn)
{
	return insn->op == MMIODEC_OP_MOVS || insn->op == MMIODEC_OP_STOS ||
	       insn->op == MMIODEC_OP_LODS;
}

/* rSI, rDI and rCX are used at the address size: a 32-bit one is written
 * as a 32-bit register (zero-extended), a 16-bit one keeps bits 63:16.
 * Adds delta to one; its new value at the address size. */
static uint64_t add_counter(struct mmiodec_regs *regs, unsigned number,
			    unsigned address_size, uint64_t delta)
{
	uint64_t value = regs->gpr[number] + delta;

	write_gpr(regs, MMIODEC_REG_KIND_GPR, number, address_size / 8, value);
	return value & width_mask(address_size / 8);
}

bool mmiodec_string_pending(const struct mmiodec_insn *insn,
			    const struct mmiodec_regs *regs)
{
	if (!insn_ok(insn) || !regs)
		return false;
	if (!is_string(insn) || !insn->repeat)
		return true;
	return (regs->gpr[MMIODEC_RCX] &
		width_mask(insn->address_size / 8)) != 0;
}

bool mmiodec_string_step(const struct mmiodec_insn *insn,
			 struct mmiodec_regs *regs)
{
	if (!insn || !regs)
		return true;
	if (insn_ok(insn) && is_string(insn)) {
		unsigned asz = insn->address_size;
		uint64_t step = insn->width;
		if (regs->rflags & RFLAGS_DF)
			step = 0 - step;
		if (insn->op != MMIODEC_OP_STOS)
			add_counter(regs, MMIODEC_RSI, asz, step);
		if (insn->op != MMIODEC_OP_LODS)
			add_counter(regs, MMIODEC_RDI, asz, step);
		if (insn->repeat &&
		    add_counter(regs, MMIODEC_RCX, asz, (uint64_t)-1) != 0)
			return false;
	}
	mmiodec_advance_rip(insn, regs);
	return true;
}
