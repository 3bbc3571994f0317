/* SPDX-License-Identifier: MIT */
/*
 * fuzz-execute: mmiodec_execute() on whatever the decoder accepts, with a
 * register file, RFLAGS and loaded values from the input.
 *
 * What must hold, besides no crash and no undefined behaviour (ASan,
 * UBSan):
 *   - NOT_HANDLED exactly for a descriptor that is not OK and for the
 *     string instructions (and for NULL arguments), changing nothing;
 *   - DIVIDE_ERROR only for DIV and IDIV, changing nothing, RIP included;
 *   - on OK, RIP is past the instruction (wrapped in 16/32-bit mode);
 *   - no register changes but the ones the form may write, worked out
 *     here from the descriptor alone (op, reg, reg_kind, reg_first,
 *     dest_width: ModRM.reg for a load or an ALU r, [m]; rAX and rDX for
 *     MUL/DIV and CMPXCHG8B/16B, rAX for CMPXCHG...), and within such a
 *     register only the bits its width reaches (a 32-bit write may clear
 *     bits 63:32; AH..BH are bits 15:8);
 *   - no RFLAGS bit changes but CF, PF, AF, ZF, SF, OF, and
 *     undefined_flags names only those;
 *   - memory is written only when the direction says it may (WRITE or
 *     READ_WRITE), always for a plain store, and the store fits the width;
 *     writes_back only for CMPXCHG*, storing the value read;
 *   - the same call twice gives the same answer; a store ignores loaded;
 *   - tier 3: the vector moves are NOT_HANDLED here and go through the
 *     vector helpers instead, with vector registers from the input
 *     (fuzz_check_vector_helpers(): the mask, bytes outside it unchanged
 *     or zeroed, bytes above the operand zeroed for VEX/EVEX, nothing
 *     but the register written); MOVDIRI stores its register; MOVDIR64B
 *     changes only RIP, ENQCMD(S) also the six flags: ZF set exactly when
 *     the answer (loaded[0]) is not 0, the other five cleared.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define RFLAGS_ARITHMETIC UINT64_C(0x8d5) /* CF PF AF ZF SF OF */

static bool is_string_op(unsigned op)
{
	return op == MMIODEC_OP_MOVS || op == MMIODEC_OP_STOS ||
	       op == MMIODEC_OP_LODS;
}

static uint64_t width_mask(unsigned bytes)
{
	return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1;
}

/* One register the form may write: its number and the bits it may
 * change. */
struct writable {
	unsigned number;
	uint64_t bits;
	bool may_clear_high; /* a 32-bit write: bits 63:32 may become 0 */
};

static struct writable writable_at(unsigned number, unsigned kind,
				   unsigned bytes)
{
	struct writable w = { number & 15, width_mask(bytes), bytes == 4 };

	if (kind == MMIODEC_REG_KIND_GPR_HIGH8) {
		w.number = number & 3;
		w.bits = UINT64_C(0xff00);
		w.may_clear_high = false;
	}
	return w;
}

/* Whether the form writes its register operand (@reg): a load into it
 * (direction READ but for the compares, MUL/DIV and CMOVcc alike), an ALU
 * r, [m], IMUL r, [m], XCHG and XADD. */
static bool writes_reg_operand(const struct mmiodec_insn *in)
{
	switch (in->op) {
	case MMIODEC_OP_MOV: case MMIODEC_OP_MOVZX: case MMIODEC_OP_MOVSX:
	case MMIODEC_OP_MOVSXD: case MMIODEC_OP_MOVBE: case MMIODEC_OP_CMOVCC:
		return in->direction == MMIODEC_DIR_READ;
	case MMIODEC_OP_ADD: case MMIODEC_OP_OR: case MMIODEC_OP_ADC:
	case MMIODEC_OP_SBB: case MMIODEC_OP_AND: case MMIODEC_OP_SUB:
	case MMIODEC_OP_XOR:
		return in->reg_first;
	case MMIODEC_OP_IMUL:
		return in->reg_first;
	case MMIODEC_OP_XCHG: case MMIODEC_OP_XADD:
		return true;
	default:
		return false;
	}
}

/* The registers the form may write, at most three. */
static unsigned writable_registers(const struct mmiodec_insn *in,
				   struct writable out[3])
{
	unsigned n = 0;
	bool accumulate = in->op == MMIODEC_OP_MUL || in->op == MMIODEC_OP_DIV ||
			  in->op == MMIODEC_OP_IDIV ||
			  (in->op == MMIODEC_OP_IMUL && !in->reg_first);

	if (in->reg_kind != MMIODEC_REG_KIND_NONE && writes_reg_operand(in))
		out[n++] = writable_at(in->reg, in->reg_kind, in->dest_width);
	if (accumulate) {
		/* a byte form: AX only (AL times, or AX by, memory) */
		unsigned bytes = in->width == 1 ? 2 : in->width;

		out[n++] = writable_at(MMIODEC_RAX, MMIODEC_REG_KIND_GPR, bytes);
		if (in->width != 1)
			out[n++] = writable_at(MMIODEC_RDX, MMIODEC_REG_KIND_GPR,
					       bytes);
	} else if (in->op == MMIODEC_OP_CMPXCHG) {
		out[n++] = writable_at(MMIODEC_RAX, MMIODEC_REG_KIND_GPR,
				       in->width);
	} else if (in->op == MMIODEC_OP_CMPXCHG8B ||
		   in->op == MMIODEC_OP_CMPXCHG16B) {
		unsigned bytes = in->width / 2;

		out[n++] = writable_at(MMIODEC_RAX, MMIODEC_REG_KIND_GPR, bytes);
		out[n++] = writable_at(MMIODEC_RDX, MMIODEC_REG_KIND_GPR, bytes);
	}
	return n;
}

static void check_registers(const struct fuzz_case *c,
			    const struct mmiodec_insn *in,
			    const struct mmiodec_regs *before,
			    const struct mmiodec_regs *after)
{
	struct writable w[3];
	unsigned n = writable_registers(in, w);

	for (unsigned r = 0; r < 16; r++) {
		uint64_t changed = before->gpr[r] ^ after->gpr[r], allowed = 0;
		bool high_cleared = false;

		for (unsigned i = 0; i < n; i++) {
			if (w[i].number != r)
				continue;
			allowed |= w[i].bits;
			high_cleared = high_cleared ||
				       (w[i].may_clear_high && after->gpr[r] >> 32 == 0);
		}
		if (high_cleared)
			allowed |= UINT64_C(0xffffffff00000000);
		if (changed & ~allowed) {
			fuzz_note("register %u changed bits %#llx, may change %#llx", r,
				  (unsigned long long)changed, (unsigned long long)allowed);
			FUZZ_CHECK(c, (changed & ~allowed) == 0);
		}
	}
	FUZZ_CHECK(c, ((before->rflags ^ after->rflags) & ~RFLAGS_ARITHMETIC) == 0);
	FUZZ_CHECK(c, memcmp(before->seg_base, after->seg_base,
			     sizeof(before->seg_base)) == 0);
}

/* What memory returns: often a value that makes the interesting case
 * happen (CMPXCHG's comparison succeeds, a zero divisor, all ones). */
static void draw_loaded(struct fuzz_case *c, const struct mmiodec_insn *in,
			uint64_t loaded[2])
{
	uint64_t r = fuzz_random(&c->rng);

	loaded[0] = fuzz_random(&c->rng);
	loaded[1] = fuzz_random(&c->rng);
	switch (r & 7) {
	case 0:
		loaded[0] = 0;
		break;
	case 1:
		/* what CMPXCHG* compares with: rAX, EDX:EAX, RDX:RAX */
		loaded[0] = c->regs.gpr[MMIODEC_RAX];
		loaded[1] = c->regs.gpr[MMIODEC_RDX];
		if (in->op == MMIODEC_OP_CMPXCHG8B)
			loaded[0] = c->regs.gpr[MMIODEC_RDX] << 32 |
				    (c->regs.gpr[MMIODEC_RAX] & UINT32_MAX);
		break;
	case 2:
		loaded[0] = UINT64_MAX;
		break;
	case 3:
		loaded[0] = r >> 60;
		break;
	default:
		break;
	}
	/* Bits past the width must be ignored: keep them noisy. */
	if (in->width < 8 && (r & 8))
		loaded[0] |= ~width_mask(in->width);
}

static void check_refused(const struct fuzz_case *c,
			  const struct mmiodec_insn *in, const uint64_t *loaded)
{
	struct mmiodec_regs regs = c->regs;
	struct mmiodec_exec out;

	memset(&out, 0xa5, sizeof(out));
	FUZZ_CHECK(c, mmiodec_execute(in, &regs, loaded, &out) ==
			      MMIODEC_EXEC_NOT_HANDLED);
	FUZZ_CHECK(c, memcmp(&regs, &c->regs, sizeof(regs)) == 0);
	FUZZ_CHECK(c, out.writes == 0 && out.writes_back == 0 &&
			      out.store[0] == 0 && out.store[1] == 0 &&
			      out.undefined_flags == 0);
}

/* MOVDIRI stores its register at its width; MOVDIR64B, ENQCMD, ENQCMDS
 * leave the 64 bytes to the handler (no store), and ENQCMD(S) set ZF from
 * the answer and clear CF, PF, AF, SF, OF (SDM vol. 2 ENQCMD). */
static void check_portal(const struct fuzz_case *c, const struct mmiodec_insn *in,
			 const uint64_t loaded[2], const struct mmiodec_regs *after,
			 const struct mmiodec_exec *out)
{
	switch (in->op) {
	case MMIODEC_OP_MOVDIRI:
		FUZZ_CHECK(c, out->writes && !out->writes_back);
		FUZZ_CHECK(c, out->store[0] == (c->regs.gpr[in->reg & 15] & width_mask(in->width)));
		FUZZ_CHECK(c, after->rflags == c->regs.rflags);
		break;
	case MMIODEC_OP_MOVDIR64B:
		FUZZ_CHECK(c, !out->writes && after->rflags == c->regs.rflags);
		break;
	case MMIODEC_OP_ENQCMD:
	case MMIODEC_OP_ENQCMDS:
		FUZZ_CHECK(c, !out->writes && out->undefined_flags == 0);
		FUZZ_CHECK(c, (after->rflags & ~RFLAGS_ARITHMETIC) ==
				      (c->regs.rflags & ~RFLAGS_ARITHMETIC));
		FUZZ_CHECK(c, (after->rflags & RFLAGS_ARITHMETIC) ==
				      (loaded[0] != 0 ? UINT64_C(0x40) : 0));
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mmiodec_vendor vendors[3] = {
		MMIODEC_VENDOR_ANY, MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD,
	};
	struct fuzz_case c;
	struct mmiodec_insn in;
	struct mmiodec_regs regs, again_regs;
	struct mmiodec_exec out, again;
	enum mmiodec_exec_status status;
	uint64_t loaded[2];

	fuzz_case_parse(&c, data, size);
	/* RFLAGS: every bit from the input (the execution may read and
	 * write only the arithmetic ones and DF). */
	c.regs.rflags = fuzz_random(&c.rng);
	if (mmiodec_decode_vendor(&in, c.bytes, c.len, c.mode,
				  vendors[fuzz_random(&c.rng) % 3]) != MMIODEC_OK) {
		draw_loaded(&c, &in, loaded);
		fuzz_show(&in, NULL);
		check_refused(&c, &in, loaded);
		fuzz_case_free(&c);
		return 0;
	}
	fuzz_show(&in, NULL);
	draw_loaded(&c, &in, loaded);
	regs = c.regs;
	FUZZ_CHECK(&c, mmiodec_execute(NULL, &regs, loaded, &out) ==
			       MMIODEC_EXEC_NOT_HANDLED);
	FUZZ_CHECK(&c, mmiodec_execute(&in, NULL, loaded, &out) ==
			       MMIODEC_EXEC_NOT_HANDLED);
	FUZZ_CHECK(&c, mmiodec_execute(&in, &regs, loaded, NULL) ==
			       MMIODEC_EXEC_NOT_HANDLED);
	FUZZ_CHECK(&c, memcmp(&regs, &c.regs, sizeof(regs)) == 0);
	if (is_string_op(in.op)) {
		check_refused(&c, &in, loaded);
		fuzz_case_free(&c);
		return 0;
	}
	if (in.reg_kind >= MMIODEC_REG_KIND_MMX) {
		static struct mmiodec_vregs vregs;
		uint8_t data[64];

		check_refused(&c, &in, loaded);
		fuzz_fill_vregs(&c, &vregs);
		for (unsigned i = 0; i < 64; i++)
			data[i] = (uint8_t)fuzz_random(&c.rng);
		fuzz_check_vector_helpers(&c, &in, &vregs, data);
		fuzz_show(NULL, NULL);
		fuzz_case_free(&c);
		return 0;
	}

	memset(&out, 0xa5, sizeof(out));
	status = mmiodec_execute(&in, &regs, loaded, &out);
	FUZZ_CHECK(&c, status == MMIODEC_EXEC_OK ||
			       status == MMIODEC_EXEC_DIVIDE_ERROR);
	FUZZ_CHECK(&c, out.reserved[0] == 0 && out.reserved[1] == 0);
	if (status == MMIODEC_EXEC_DIVIDE_ERROR) {
		FUZZ_CHECK(&c, in.op == MMIODEC_OP_DIV || in.op == MMIODEC_OP_IDIV);
		FUZZ_CHECK(&c, memcmp(&regs, &c.regs, sizeof(regs)) == 0);
		FUZZ_CHECK(&c, out.writes == 0 && out.writes_back == 0 &&
				       out.store[0] == 0 && out.store[1] == 0 &&
				       out.undefined_flags == 0);
	} else {
		FUZZ_CHECK(&c, regs.rip == fuzz_wrap(c.regs.rip + in.length, c.mode));
		check_registers(&c, &in, &c.regs, &regs);
		check_portal(&c, &in, loaded, &regs, &out);
		FUZZ_CHECK(&c, (out.undefined_flags & ~RFLAGS_ARITHMETIC) == 0);
		if (out.writes) {
			FUZZ_CHECK(&c, in.direction == MMIODEC_DIR_WRITE ||
					       in.direction == MMIODEC_DIR_READ_WRITE);
			if (in.width < 8)
				FUZZ_CHECK(&c, (out.store[0] & ~width_mask(in.width)) == 0);
			if (in.width <= 8)
				FUZZ_CHECK(&c, out.store[1] == 0);
		} else {
			FUZZ_CHECK(&c, out.store[0] == 0 && out.store[1] == 0);
			/* a plain store always writes */
			FUZZ_CHECK(&c, in.direction != MMIODEC_DIR_WRITE);
		}
		if (out.writes_back) {
			FUZZ_CHECK(&c, out.writes);
			FUZZ_CHECK(&c, in.op == MMIODEC_OP_CMPXCHG ||
					       in.op == MMIODEC_OP_CMPXCHG8B ||
					       in.op == MMIODEC_OP_CMPXCHG16B);
			FUZZ_CHECK(&c, out.store[0] ==
					       (loaded[0] & width_mask(in.width)));
			if (in.width == 16)
				FUZZ_CHECK(&c, out.store[1] == loaded[1]);
		}
	}

	/* Deterministic; and a store reads nothing from memory. */
	again_regs = c.regs;
	if (in.direction == MMIODEC_DIR_WRITE) {
		FUZZ_CHECK(&c, mmiodec_execute(&in, &again_regs, NULL, &again) == status);
	} else {
		uint64_t copy[2] = { loaded[0], loaded[1] };

		FUZZ_CHECK(&c, mmiodec_execute(&in, &again_regs, copy, &again) == status);
	}
	FUZZ_CHECK(&c, memcmp(&again_regs, &regs, sizeof(regs)) == 0);
	FUZZ_CHECK(&c, memcmp(&again, &out, sizeof(out)) == 0);
	fuzz_show(NULL, NULL);
	fuzz_note(NULL);
	fuzz_case_free(&c);
	return 0;
}
