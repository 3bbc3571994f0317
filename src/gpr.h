/* SPDX-License-Identifier: MIT */
/*
 * Internal: x86's rules for general registers, shared by emulate.c and
 * execute.c: reading one at a width, and writing one as the CPU does (SDM
 * vol. 1 3.4.1.1): an 8- or 16-bit write leaves the other bits alone,
 * AH..BH are bits 15:8, and a 32-bit write zero-extends to 64 bits.
 * Outside 64-bit mode the upper half is not architecturally visible; it is
 * cleared there too.
 */
#ifndef MMIODEC_GPR_H
#define MMIODEC_GPR_H

#include "mmiodec.h"
#include "compiler.h"

/* The low `bytes` bytes (8 and more: all). */
static MMIODEC_MAYBE_UNUSED uint64_t width_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* The low `bytes` bytes of value, sign-extended to 64 bits (0 and 8 and
 * more: unchanged). */
static MMIODEC_MAYBE_UNUSED uint64_t sign_extend_from(uint64_t value, unsigned bytes)
{
	if (bytes == 0 || bytes >= 8)
		return value;
	unsigned shift = 64 - 8 * bytes;
	return (uint64_t)((int64_t)(value << shift) >> shift);
}

static MMIODEC_MAYBE_UNUSED uint64_t read_gpr(const struct mmiodec_regs *regs, unsigned kind,
				unsigned number, unsigned width)
{
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8)
		return (regs->gpr[number & 3] >> 8) & 0xFF;
	return regs->gpr[number & 15] & width_mask(width);
}

static MMIODEC_MAYBE_UNUSED void write_gpr(struct mmiodec_regs *regs, unsigned kind,
			     unsigned number, unsigned width, uint64_t value)
{
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8) {
		uint64_t *r = &regs->gpr[number & 3];
		*r = (*r & ~0xFF00ull) | ((value & 0xFF) << 8);
		return;
	}
	uint64_t *r = &regs->gpr[number & 15];
	if (width >= 4)
		*r = value & width_mask(width);
	else
		*r = (*r & ~width_mask(width)) | (value & width_mask(width));
}

#endif
