/* SPDX-License-Identifier: MIT */
/*
 * Finishing any supported instruction on a register file, once memory has
 * been read: the result, RFLAGS, the register writes, what memory gets.
 *
 * The arithmetic is done on uint64_t values masked to the operand width,
 * so that no shift reaches the type's width and nothing signed overflows.
 * Each instruction fills a struct flags: the six arithmetic flags it
 * computes, which of them the SDM defines for these operands and which it
 * leaves undefined; update_rflags() then keeps the old value of every
 * other flag, and of the undefined ones unless the descriptor was decoded
 * for Intel, where they are set as this Intel CPU measurably sets them
 * (tests/cpu/, the README's "Undefined flags").
 */
#include "mmiodec.h"
#include "compiler.h"
#include "gpr.h"

#define CF (1u << 0)
#define PF (1u << 2)
#define AF (1u << 4)
#define ZF (1u << 6)
#define SF (1u << 7)
#define OF (1u << 11)
#define ARITH (CF | PF | AF | ZF | SF | OF)

struct flags {
	uint32_t value;     /* the new flags (defined and, for Intel, the rest) */
	uint32_t defined;   /* flags the instruction sets as the SDM defines */
	uint32_t undefined; /* flags the SDM leaves undefined here */
};

static uint64_t msb(uint64_t value, unsigned bits)
{
	return (value >> (bits - 1)) & 1;
}

/* PF: the low byte has an even number of set bits (0x9669: the even-parity
 * bit of each nibble value); ZF, SF from the result at its width. */
static uint32_t result_flags(uint64_t r, unsigned bits)
{
	unsigned low = (unsigned)(r ^ (r >> 4)) & 0xF;
	uint32_t f = ((0x9669u >> low) & 1) ? PF : 0;

	if ((r & (~0ull >> (64 - bits))) == 0)
		f |= ZF;
	if (msb(r, bits))
		f |= SF;
	return f;
}

/* CF, AF and OF from the vector of carries (or borrows) out of each bit:
 * CF the carry out of the top bit, AF out of bit 3, OF the carry into the
 * top bit differing from the carry out of it. */
static uint32_t carry_flags(uint64_t carries, unsigned bits)
{
	uint32_t f = (uint32_t)msb(carries, bits);

	f |= (uint32_t)((carries >> 3) & 1) << 4;
	f |= (uint32_t)(msb(carries, bits) ^ msb(carries, bits - 1)) << 11;
	return f;
}

/* a + b + carry or a - b - borrow, with every flag. */
static uint64_t add_sub(struct flags *f, uint64_t a, uint64_t b, unsigned in,
			bool subtract, unsigned bits)
{
	uint64_t r, carries;

	if (subtract) {
		r = a - b - in;
		carries = (~a & b) | ((~a | b) & r);
	} else {
		r = a + b + in;
		carries = (a & b) | ((a | b) & ~r);
	}
	f->value = carry_flags(carries, bits) | result_flags(r, bits);
	f->defined = ARITH;
	return r;
}

/* ADD, OR, ADC, SBB, AND, SUB, XOR, CMP in the order of their opcodes
 * (00, 08, ... 38); AF after the logic ones is undefined (Intel: 0). */
static uint64_t alu(struct flags *f, unsigned kind, uint64_t a, uint64_t b,
		    uint32_t rflags, unsigned bits)
{
	uint64_t r;

	if (kind == 1)
		r = a | b;
	else if (kind == 4)
		r = a & b;
	else if (kind == 6)
		r = a ^ b;
	else
		return add_sub(f, a, b, (kind == 2 || kind == 3) ? rflags & CF : 0,
			       kind != 0 && kind != 2, bits);
	f->value = result_flags(r, bits);
	f->defined = ARITH & ~AF;
	f->undefined = AF;
	return r;
}

/* The condition of Jcc/SETcc/CMOVcc: eight tests, O, B, Z, BE, S, P, L,
 * LE (conditions 0, 2, ... 14), each odd condition the negation of the
 * one before it. */
static bool condition(uint32_t rflags, unsigned cc)
{
	unsigned of = (rflags & OF) != 0, cf = (rflags & CF) != 0;
	unsigned zf = (rflags & ZF) != 0, sf = (rflags & SF) != 0;
	unsigned tests = of | cf << 1 | zf << 2 | (cf | zf) << 3 | sf << 4 |
			 ((rflags & PF) != 0) << 5 | (sf ^ of) << 6 |
			 (zf | (sf ^ of)) << 7;

	return ((tests >> ((cc >> 1) & 7)) & 1) != (cc & 1);
}

/* The 64x64 -> 128-bit unsigned product, from 32-bit halves. */
static uint64_t mul_wide(uint64_t a, uint64_t b, uint64_t *high)
{
	uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32;
	uint64_t bl = b & 0xFFFFFFFFu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);

	*high = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	return (ll & 0xFFFFFFFFu) | (mid << 32);
}

/*
 * MUL and IMUL: the double-width product of a and b (bits wide), its low
 * half returned and its high half in *high. CF = OF = the high half is
 * not the extension of the low half. SF, ZF, AF, PF are undefined.
 */
static uint64_t multiply(struct flags *f, uint64_t a, uint64_t b,
			 bool is_signed, unsigned bits, uint64_t *high)
{
	uint64_t lo, hi, ext;

	if (is_signed) {
		a = sign_extend_from(a, bits / 8);
		b = sign_extend_from(b, bits / 8);
	}
	lo = mul_wide(a, b, &hi);
	if (is_signed)   /* the signed high half, mod 2^64 */
		hi -= ((a >> 63) ? b : 0) + ((b >> 63) ? a : 0);
	if (bits < 64) {   /* the whole product is in lo */
		hi = (lo >> bits) & width_mask(bits / 8);
		lo &= width_mask(bits / 8);
	}
	ext = (is_signed && msb(lo, bits)) ? width_mask(bits / 8) : 0;
	/* Intel: SF and PF from the low half, ZF and AF clear */
	f->value = result_flags(lo, bits) & ~ZF;
	if (hi != ext)
		f->value |= CF | OF;
	f->defined = CF | OF;
	f->undefined = SF | ZF | AF | PF;
	*high = hi;
	return lo;
}

/*
 * DIV and IDIV of hi:lo (2 * bits wide) by d. False for #DE: d is 0 or
 * the quotient does not fit in bits (signed for IDIV). Every flag is
 * undefined.
 */
static bool divide(uint64_t hi, uint64_t lo, uint64_t d, bool is_signed,
		   unsigned bits, uint64_t *quotient, uint64_t *remainder)
{
	bool negate_q = false, negate_r = false;
	uint64_t q, r, limit = width_mask(bits / 8);

	if (is_signed) {
		if (bits < 64) {   /* the dividend fits in lo */
			lo = sign_extend_from(lo | hi << bits, bits / 4);
			hi = (lo >> 63) ? ~0ull : 0;
		}
		negate_r = hi >> 63;
		if (negate_r) {
			hi = ~hi + (lo == 0);
			lo = 0 - lo;
		}
		d = sign_extend_from(d, bits / 8);
		negate_q = negate_r != (d >> 63);
		if (d >> 63)
			d = 0 - d;
		limit = (limit >> 1) + negate_q;
	} else if (bits < 64) {
		lo |= hi << bits;
		hi = 0;
	}
	if (d == 0 || hi >= d)
		return false;
	/* restoring division, one quotient bit a step: hi:lo becomes r:q */
	for (unsigned i = 0; i < 64; i++) {
		uint64_t out = hi >> 63;
		hi = hi << 1 | lo >> 63;
		lo <<= 1;
		if (out || hi >= d) {
			hi -= d;
			lo |= 1;
		}
	}
	q = lo;
	r = hi;
	if (q > limit)
		return false;
	*quotient = negate_q ? 0 - q : q;
	*remainder = negate_r ? 0 - r : r;
	return true;
}

/* group 2 in the order of enum mmiodec_op (SAL is decoded as SHL), then
 * SHLD and SHRD */
enum { ROL, ROR, RCL, RCR, SHL, SHR, SAR, SHLD, SHRD };

/*
 * Group 2, SHLD and SHRD on v (bits wide) by count, already masked to 5
 * bits (6 for 64), one bit a step as the SDM's Operation sections do. A
 * left shift takes its new bit 0, a right one its new top bit, from: the
 * bit it shifted out (ROL, ROR), CF (RCL, RCR: bits + 1 wide), the sign
 * (SAR), s (SHLD, SHRD), else 0. For a 16-bit SHLD or SHRD by more than
 * 16 the SDM leaves the result and every flag undefined; the bits then
 * come from v again (48-bit v:s:v), which is the same for counts up to 16.
 *
 * A count of 0 changes no flag. CF is the last bit out (undefined for
 * SHL/SHR by the width or more); the rotates change CF and OF only, the
 * shifts also SF, ZF and PF (from the result) and leave AF undefined. OF
 * is defined for a count of 1 (the top bit changed); Intel sets it for
 * any count as for a count of 1 (the top bit after the first step). An
 * RCL/RCR whose count is a multiple of 9 (17) changes nothing: CF and OF
 * keep their values.
 */
static uint64_t shift(struct flags *f, unsigned kind, uint64_t v, uint64_t s,
		      unsigned count, uint32_t rflags, unsigned bits)
{
	bool left = kind == ROL || kind == RCL || kind == SHL || kind == SHLD;
	uint64_t r = v, first = v, cf = rflags & CF, fill = 0;

	if (count == 0)
		return v;
	/* SHLD: the top bit of fill comes in first; SHRD: the bottom one */
	if (kind == SHLD)
		fill = bits == 16 ? (s << 16 | v) << 32 : s << (64 - bits);
	else if (kind == SHRD)
		fill = bits == 16 ? v << 16 | s : s;
	for (unsigned i = 0; i < count; i++) {
		uint64_t out = left ? msb(r, bits) : r & 1;
		uint64_t in = kind == ROL || kind == ROR ? out
			      : kind == RCL || kind == RCR ? cf
			      : kind == SAR ? msb(r, bits)
			      : left ? fill >> 63 : fill & 1;
		fill = left ? fill << 1 : fill >> 1;
		r = left ? (r << 1 | in) & width_mask(bits / 8)
			 : r >> 1 | in << (bits - 1);
		cf = out;
		if (i == 0)
			first = r;
	}
	f->value = (uint32_t)cf |
		   (uint32_t)(msb(v, bits) ^ msb(first, bits)) << 11;
	if (kind <= RCR) {
		if ((kind == RCL || kind == RCR) && count % (bits + 1) == 0)
			f->value = (uint32_t)cf | (rflags & OF);
		f->defined = CF;
	} else {
		f->value |= result_flags(r, bits);
		f->defined = CF | PF | ZF | SF;
		f->undefined = AF;
		if (count >= bits && (kind == SHL || kind == SHR)) {
			f->defined &= ~CF;
			f->undefined |= CF;
		}
	}
	if (count == 1)
		f->defined |= OF;
	else
		f->undefined |= OF;
	if (kind >= SHLD && count > bits) {
		f->undefined |= f->defined;
		f->defined = 0;
	}
	return r;
}

/* MOVBE: the low bytes of v in the opposite order. */
static uint64_t swap_bytes(uint64_t v, unsigned bytes)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < bytes; i++, v >>= 8)
		r = r << 8 | (v & 0xFF);
	return r;
}

/* CMPXCHG8B/16B: rDX:rAX against memory; on success rCX:rBX is stored,
 * else memory is written back and loaded into rDX:rAX. Only ZF changes. */
static void compare_exchange_double(struct flags *f, struct mmiodec_regs *regs,
				    const uint64_t *loaded, unsigned bytes,
				    struct mmiodec_exec *out)
{
	unsigned half = bytes / 2;
	uint64_t m = width_mask(half);
	uint64_t lo = loaded[0] & m, hi;

	if (bytes == 16) {
		hi = loaded[1];
	} else {
		hi = loaded[0] >> 32;
	}
	f->defined = ZF;
	out->writes = 1;
	if ((regs->gpr[MMIODEC_RAX] & m) == lo &&
	    (regs->gpr[MMIODEC_RDX] & m) == hi) {
		f->value = ZF;
		lo = regs->gpr[MMIODEC_RBX] & m;
		hi = regs->gpr[MMIODEC_RCX] & m;
	} else {
		/* 32- or 64-bit writes of masked values */
		out->writes_back = 1;
		regs->gpr[MMIODEC_RAX] = lo;
		regs->gpr[MMIODEC_RDX] = hi;
	}
	if (bytes == 16) {
		out->store[0] = lo;
		out->store[1] = hi;
	} else {
		out->store[0] = lo | hi << 32;
	}
}

/* The defined flags take their new values, the undefined ones too for
 * Intel (else they keep theirs), every other bit stays. */
static void update_rflags(struct mmiodec_regs *regs, const struct flags *f,
			  unsigned vendor)
{
	uint32_t set = f->defined;

	if (vendor == MMIODEC_VENDOR_INTEL)
		set |= f->undefined;
	set &= ARITH;
	regs->rflags = (regs->rflags & ~(uint64_t)set) | (f->value & set);
}

/*
 * MOVDIR64B, ENQCMD, ENQCMDS: the handler copies the 64 bytes (mem[1] to
 * mem[0]); what is left is RIP and, for ENQCMD(S), the flags: ZF is the
 * device's answer (loaded[0] not 0: the command was not accepted, retry),
 * CF, PF, AF, SF and OF are cleared (SDM vol. 2 ENQCMD, Flags Affected).
 * MOVDIR64B changes no flag.
 */
static enum mmiodec_exec_status portal_copy(const struct mmiodec_insn *insn,
					    struct mmiodec_regs *regs,
					    const uint64_t *loaded)
{
	if (insn->width != 64)
		return MMIODEC_EXEC_NOT_HANDLED;
	if (insn->op != MMIODEC_OP_MOVDIR64B) {
		if (!loaded)
			return MMIODEC_EXEC_NOT_HANDLED;
		regs->rflags &= ~(uint64_t)ARITH;
		if (loaded[0] != 0)
			regs->rflags |= ZF;
	}
	mmiodec_advance_rip(insn, regs);
	return MMIODEC_EXEC_OK;
}

enum mmiodec_exec_status mmiodec_execute(const struct mmiodec_insn *insn,
					 struct mmiodec_regs *regs,
					 const uint64_t *loaded,
					 struct mmiodec_exec *out)
{
	if (out) {
		out->store[0] = out->store[1] = 0;
		out->undefined_flags = 0;
		out->writes = out->writes_back = 0;
		out->reserved[0] = out->reserved[1] = 0;
	}
	if (!insn || !regs || !out || insn->status != MMIODEC_OK)
		return MMIODEC_EXEC_NOT_HANDLED;

	unsigned op = insn->op, bytes = insn->width, bits = 8 * bytes;
	unsigned kind = insn->reg_kind, reg = insn->reg;
	bool reads = insn->direction == MMIODEC_DIR_READ ||
		     insn->direction == MMIODEC_DIR_READ_WRITE;
	bool to_memory = insn->direction != MMIODEC_DIR_READ;
	uint64_t mask = width_mask(bytes);
	uint64_t m = 0, src = 0, r = 0, high = 0;
	uint32_t rflags = (uint32_t)regs->rflags;
	struct flags f = { 0, 0, 0 };

	/* vector moves: mmiodec_vector_complete_load() and
	 * mmiodec_vector_store_value() */
	if (kind >= MMIODEC_REG_KIND_MMX)
		return MMIODEC_EXEC_NOT_HANDLED;
	if (op == MMIODEC_OP_MOVDIR64B || op == MMIODEC_OP_ENQCMD ||
	    op == MMIODEC_OP_ENQCMDS)
		return portal_copy(insn, regs, loaded);
	if (op == MMIODEC_OP_NONE || op >= MMIODEC_OP_COUNT ||
	    op == MMIODEC_OP_MOVS || op == MMIODEC_OP_STOS ||
	    op == MMIODEC_OP_LODS || (reads && !loaded) ||
	    (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8 &&
	     !(bytes == 16 && op == MMIODEC_OP_CMPXCHG16B)) ||
	    /* widths no such form has (a hand-made descriptor) */
	    (bytes == 1 && (op == MMIODEC_OP_SHLD || op == MMIODEC_OP_SHRD)) ||
	    (op == MMIODEC_OP_CMPXCHG8B && bytes != 8) ||
	    (op == MMIODEC_OP_CMPXCHG16B && bytes != 16) ||
	    /* CMPXCHG8B/16B read memory whatever the direction says */
	    ((op == MMIODEC_OP_CMPXCHG8B || op == MMIODEC_OP_CMPXCHG16B) &&
	     !loaded))
		return MMIODEC_EXEC_NOT_HANDLED;
	if (reads)
		m = loaded[0] & mask;
	/* the second source: the immediate, else the register operand */
	if (insn->has_immediate)
		src = insn->immediate & mask;
	else if (kind != MMIODEC_REG_KIND_NONE)
		src = read_gpr(regs, kind, reg, bytes);

	/* the ops in the order of enum mmiodec_op */
	if (op <= MMIODEC_OP_MOVNTI || op == MMIODEC_OP_MOVBE ||
	    op == MMIODEC_OP_MOVDIRI) {
		if (op == MMIODEC_OP_MOVBE)
			src = swap_bytes(to_memory ? src : m, bytes);
		else if (!to_memory)
			src = insn->extend == MMIODEC_EXTEND_SIGN
				      ? sign_extend_from(m, bytes) : m;
		if (to_memory) {
			out->writes = 1;
			out->store[0] = src;
		} else {
			write_gpr(regs, kind, reg, insn->dest_width, src);
		}
	} else if (op <= MMIODEC_OP_TEST) {
		/* ADD ... CMP in the order of their opcodes (00, 08, ... 38) */
		unsigned k = op == MMIODEC_OP_TEST ? 4 : op - MMIODEC_OP_ADD;
		/* r, [m] (reg_first) is register op memory, else memory op
		 * (register or immediate) */
		r = insn->reg_first ? alu(&f, k, src, m, rflags, bits)
				    : alu(&f, k, m, src, rflags, bits);
		if (op == MMIODEC_OP_CMP || op == MMIODEC_OP_TEST) {
			/* flags only */
		} else if (to_memory) {
			out->writes = 1;
			out->store[0] = r & mask;
		} else {
			write_gpr(regs, kind, reg, bytes, r);
		}
	} else if (op <= MMIODEC_OP_NEG || op == MMIODEC_OP_INC ||
		   op == MMIODEC_OP_DEC) {
		if (op == MMIODEC_OP_NOT)
			r = ~m;
		else if (op == MMIODEC_OP_NEG)
			r = add_sub(&f, 0, m, 0, true, bits);
		else
			r = add_sub(&f, m, 1, 0, op == MMIODEC_OP_DEC, bits);
		if (op == MMIODEC_OP_INC || op == MMIODEC_OP_DEC)
			f.defined &= ~CF;
		out->writes = 1;
		out->store[0] = r & mask;
	} else if (op <= MMIODEC_OP_IMUL) {
		bool is_signed = op == MMIODEC_OP_IMUL;
		if (insn->has_immediate || insn->reg_first) {
			/* IMUL r, [m] and IMUL r, [m], imm: the low half */
			uint64_t a = insn->has_immediate
					     ? m : read_gpr(regs, kind, reg, bytes);
			r = multiply(&f, a, insn->has_immediate ? src : m,
				     true, bits, &high);
			write_gpr(regs, kind, reg, bytes, r);
		} else {
			r = multiply(&f, regs->gpr[MMIODEC_RAX] & mask, m,
				     is_signed, bits, &high);
			if (bytes == 1) {
				write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RAX, 2,
					  high << 8 | r);
			} else {
				write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RAX,
					  bytes, r);
				write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RDX,
					  bytes, high);
			}
		}
	} else if (op <= MMIODEC_OP_IDIV) {
		uint64_t q, rem, lo = regs->gpr[MMIODEC_RAX] & mask;
		uint64_t hi = bytes == 1 ? (regs->gpr[MMIODEC_RAX] >> 8) & 0xFF
					 : regs->gpr[MMIODEC_RDX] & mask;
		if (!divide(hi, lo, m, op == MMIODEC_OP_IDIV, bits, &q, &rem))
			return MMIODEC_EXEC_DIVIDE_ERROR;
		if (bytes == 1) {
			write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RAX, 2,
				  (rem & 0xFF) << 8 | (q & 0xFF));
		} else {
			write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RAX, bytes, q);
			write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RDX, bytes,
				  rem);
		}
		f.undefined = ARITH;
		f.value = rflags & ARITH;
	} else if (op == MMIODEC_OP_XCHG || op == MMIODEC_OP_XADD) {
		out->writes = 1;
		out->store[0] = src;
		if (op == MMIODEC_OP_XADD)
			out->store[0] = add_sub(&f, m, src, 0, false, bits) & mask;
		write_gpr(regs, kind, reg, bytes, m);
	} else if (op == MMIODEC_OP_CMPXCHG) {
		uint64_t a = regs->gpr[MMIODEC_RAX] & mask;
		add_sub(&f, a, m, 0, true, bits);
		out->writes = 1;
		out->store[0] = src;
		if (a != m) {
			out->store[0] = m;
			out->writes_back = 1;
			write_gpr(regs, MMIODEC_REG_KIND_GPR, MMIODEC_RAX, bytes, m);
		}
	} else if (op <= MMIODEC_OP_CMPXCHG16B) {
		compare_exchange_double(&f, regs, loaded, bytes, out);
	} else if (op <= MMIODEC_OP_BTC) {
		/* the register offset has already moved the address by
		 * whole operands (mmiodec_address()): what is left is the
		 * offset modulo the width, as for an immediate */
		uint64_t bit = 1ull << (src & (bits - 1));
		f.value = (m & bit) ? CF : 0;
		f.value |= rflags & (OF | SF | AF | PF);
		f.defined = CF;
		f.undefined = OF | SF | AF | PF;
		if (op != MMIODEC_OP_BT) {
			r = op == MMIODEC_OP_BTS ? m | bit
			    : op == MMIODEC_OP_BTR ? m & ~bit : m ^ bit;
			out->writes = 1;
			out->store[0] = r;
		}
	} else if (op <= MMIODEC_OP_SHRD) {
		/* the count: the immediate (1 for D0/D1), else CL */
		unsigned count = (unsigned)(insn->has_immediate
						    ? insn->immediate
						    : regs->gpr[MMIODEC_RCX]);
		count &= bits == 64 ? 0x3F : 0x1F;
		r = shift(&f, op - MMIODEC_OP_ROL, m,
			  read_gpr(regs, kind, reg, bytes), count, rflags, bits);
		/* the CPU writes the operand even when the count is 0 */
		out->writes = 1;
		out->store[0] = r & mask;
	} else if (op == MMIODEC_OP_SETCC) {
		out->writes = 1;
		out->store[0] = condition(rflags, insn->condition);
	} else if (op == MMIODEC_OP_CMOVCC) {
		/* a 32-bit CMOVcc writes its register (clearing bits 63:32)
		 * whether or not the condition holds */
		if (condition(rflags, insn->condition))
			write_gpr(regs, kind, reg, bytes, m);
		else if (bytes == 4)
			write_gpr(regs, kind, reg, 4, regs->gpr[reg & 15]);
	} else {
		return MMIODEC_EXEC_NOT_HANDLED;
	}
	update_rflags(regs, &f, insn->vendor);
	out->undefined_flags = f.undefined;
	mmiodec_advance_rip(insn, regs);
	return MMIODEC_EXEC_OK;
}
