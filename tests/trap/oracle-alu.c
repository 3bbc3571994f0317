/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the cases of every form of src/forms.h but the MOV family
 * and the strings: arithmetic and logic, TEST, NOT/NEG, MUL..IDIV,
 * INC/DEC, the exchanges (XCHG, CMPXCHG, XADD, CMPXCHG8B/16B), BT*, the
 * shifts and rotates, SHLD/SHRD, SETcc, CMOVcc and MOVBE, each with its
 * memory operand in a region.
 *
 * The list of forms is src/forms.h itself, expanded here: a form added
 * there is covered here without a line changed. What a case chooses on
 * purpose, beyond random registers and memory: the accumulator equal to
 * memory for half the CMPXCHG cases (the others fail), divisors that give
 * a quotient (and some that raise #DE: zero, or a quotient too large),
 * shift counts of 0, 1, the width and beyond, bit offsets that move BT's
 * address forwards and backwards, memory values at the edges of signed
 * and unsigned ranges for the flags, LOCK on half the forms that take it.
 */
#include "oracle.h"

#include <stdio.h>
#include <string.h>

#include "forms.h"
#include "../cpu_identity.h"

/* ---- the forms, from src/forms.h ---- */

enum { MAP_LEGACY, MAP_0F, MAP_0F38 };
enum { REG_ANY = -1, REG_0, REG_1, REG_2, REG_3, REG_4, REG_5, REG_6,
       REG_7 };

struct alu_form {
	uint8_t op;       /* enum mmiodec_op */
	uint8_t map;
	uint8_t opcode;
	int8_t reg;       /* the ModRM.reg the form needs, or REG_ANY */
	uint8_t pattern;  /* enum mmiodec_form_pattern */
	uint8_t width;    /* enum mmiodec_form_width */
};

static const struct alu_form all_forms[] = {
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width) \
	{ MMIODEC_OP_##op, MAP_##map, opcode, REG_##reg, pattern, width },
	MMIODEC_EACH_FORM
#undef MMIODEC_FORM
};

static const char *const op_mnemonic[MMIODEC_OP_COUNT] = {
#define OP_NAME(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
	MMIODEC_OPS(OP_NAME)
#undef OP_NAME
};

static const uint8_t op_kind[MMIODEC_OP_COUNT] = {
#define OP_KIND(op, mnemonic, kind) [MMIODEC_OP_##op] = kind,
	MMIODEC_OPS(OP_KIND)
#undef OP_KIND
};

const size_t alu_form_count = sizeof(all_forms) / sizeof(all_forms[0]);

static bool mov_family(unsigned op)
{
	return op_kind[op] == OK_STRING ||
	       (op_kind[op] == OK_MOVE && op != MMIODEC_OP_MOVBE);
}

/* CPUID.1:ECX features some forms need. */
static bool have_movbe, have_cx16, features_read;

static void read_features(void)
{
	uint32_t r[4];

	cpuid_count(1, 0, r);
	have_movbe = (r[2] >> 22) & 1;
	have_cx16 = (r[2] >> 13) & 1;
	features_read = true;
}

/* Whether the sweep runs this entry of all_forms[]. */
bool alu_form_runs(size_t form)
{
	const struct alu_form *f = &all_forms[form];

	if (!features_read)
		read_features();
	if (mov_family(f->op))
		return false;
	/* 82 is group 1 with a byte immediate outside 64-bit mode only */
	if (f->map == MAP_LEGACY && f->opcode == 0x82)
		return false;
	if (f->op == MMIODEC_OP_MOVBE && !have_movbe)
		return false;
	if (f->op == MMIODEC_OP_CMPXCHG16B && !have_cx16)
		return false;
	return true;
}

static bool names_register(const struct alu_form *f)
{
	return f->pattern == FP_M_R || f->pattern == FP_R_M ||
	       f->pattern == FP_R_M_I || f->pattern == FP_M_R_I ||
	       f->pattern == FP_M_R_CL;
}

int alu_reg_choices(size_t form)
{
	const struct alu_form *f = &all_forms[form];

	if (!names_register(f))
		return f->op == MMIODEC_OP_SETCC ? 8 : 1;
	return f->width == FW_BYTE ? REG_CHOICES : 16;
}

static bool lockable(const struct alu_form *f)
{
	switch (f->op) {
	case MMIODEC_OP_ADD: case MMIODEC_OP_OR: case MMIODEC_OP_ADC:
	case MMIODEC_OP_SBB: case MMIODEC_OP_AND: case MMIODEC_OP_SUB:
	case MMIODEC_OP_XOR:
		return f->pattern == FP_M_R || f->pattern == FP_M_I;
	case MMIODEC_OP_NOT: case MMIODEC_OP_NEG: case MMIODEC_OP_INC:
	case MMIODEC_OP_DEC: case MMIODEC_OP_XCHG: case MMIODEC_OP_CMPXCHG:
	case MMIODEC_OP_XADD: case MMIODEC_OP_CMPXCHG8B:
	case MMIODEC_OP_CMPXCHG16B: case MMIODEC_OP_BTS: case MMIODEC_OP_BTR:
	case MMIODEC_OP_BTC:
		return true;
	default:
		return false;
	}
}

/* What memory sees: read, written, or read then maybe written. */
enum mem_use { USE_READ, USE_WRITE, USE_READ_WRITE };

static enum mem_use mem_use(const struct alu_form *f)
{
	switch (op_kind[f->op]) {
	case OK_COMPARE:
	case OK_ACCUMULATE:
	case OK_CMOVE:
		return USE_READ;
	case OK_SET:
		return USE_WRITE;
	case OK_MOVE: /* MOVBE */
		return f->pattern == FP_M_R ? USE_WRITE : USE_READ;
	case OK_ALU:
		return f->op == MMIODEC_OP_CMP || f->pattern == FP_R_M ?
			       USE_READ : USE_READ_WRITE;
	default: /* OK_UPDATE, OK_EXCHANGE */
		return USE_READ_WRITE;
	}
}

/* Whether the instruction writes its register operand (ModRM.reg). */
static bool writes_register(const struct alu_form *f)
{
	switch (f->op) {
	case MMIODEC_OP_XCHG: case MMIODEC_OP_XADD: case MMIODEC_OP_IMUL:
	case MMIODEC_OP_CMOVCC:
		return names_register(f);
	case MMIODEC_OP_MOVBE:
		return f->pattern == FP_R_M;
	case MMIODEC_OP_CMP:
		return false;
	default:
		return op_kind[f->op] == OK_ALU && f->pattern == FP_R_M;
	}
}

/* The immediate's size: iz (2 or 4) for 81, F7 /0 /1 and 69; else 1. */
static unsigned immediate_bytes(const struct alu_form *f, unsigned osize)
{
	switch (f->pattern) {
	case FP_M_I:
	case FP_R_M_I:
	case FP_M_R_I:
		break;
	default:
		return 0;
	}
	if (f->map == MAP_LEGACY &&
	    (f->opcode == 0x81 || f->opcode == 0xf7 || f->opcode == 0x69))
		return osize == 2 ? 2 : 4;
	return 1;
}

static bool is_shift(unsigned op)
{
	return (op >= MMIODEC_OP_ROL && op <= MMIODEC_OP_SAR) ||
	       op == MMIODEC_OP_SHLD || op == MMIODEC_OP_SHRD;
}

/* A count or bit offset worth trying: 0, 1, the edges, anything. */
static uint8_t interesting_count(unsigned width)
{
	static const uint8_t edges[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32,
					 33, 63, 64, 65, 0xff };

	if (chance(40))
		return edges[rnd_below(sizeof(edges))];
	if (chance(50))
		return (uint8_t)rnd_below(8 * width);
	return (uint8_t)rnd();
}

static uint64_t low_mask(unsigned width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

/* A memory value at the edges of the signed and unsigned ranges. */
static uint64_t interesting_value(unsigned width)
{
	uint64_t top = 1ULL << (8 * (width > 8 ? 8 : width) - 1);

	switch (rnd_below(6)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return top;          /* the most negative */
	case 3: return top - 1;      /* the most positive */
	case 4: return low_mask(width);
	default: return top + 1;
	}
}

static void set_reg_low(struct cpu_state *s, int reg, uint64_t value,
			unsigned width)
{
	uint64_t mask = low_mask(width);

	s->gpr[reg] = (s->gpr[reg] & ~mask) | (value & mask);
}

/*
 * A divisor for DIV or IDIV of `width` bytes given the dividend in the
 * registers; most give a quotient, some raise #DE on purpose.
 */
static uint64_t choose_divisor(const struct cpu_state *s, bool is_signed,
			       unsigned width, const char **what)
{
	unsigned bits = 8 * width;
	unsigned __int128 dividend;
	uint64_t divisor;

	if (chance(8)) {
		*what = ", by zero";
		return 0;
	}
	if (width == 1) {
		dividend = s->gpr[RAX] & 0xffff;
	} else {
		dividend = ((unsigned __int128)(s->gpr[RDX] & low_mask(width))
			    << bits) | (s->gpr[RAX] & low_mask(width));
	}
	if (!is_signed) {
		uint64_t high = (uint64_t)(dividend >> bits);
		if (chance(6) && high > 0) {
			*what = ", quotient too large";
			return 1 + rnd_below(high);
		}
		*what = "";
		if (high >= low_mask(width))
			return low_mask(width); /* #DE, whatever is chosen */
		return high + 1 + rnd_below(low_mask(width) - high);
	}
	/* signed: |divisor| > |dividend| >> (bits - 1) */
	__int128 value = (__int128)(dividend << (128 - 2 * bits)) >>
			 (128 - 2 * bits);
	unsigned __int128 magnitude = value < 0 ? -(unsigned __int128)value :
						  (unsigned __int128)value;
	unsigned __int128 least = (magnitude >> (bits - 1)) + 1;
	uint64_t most = (1ULL << (bits - 1)) - 1;
	if (chance(6)) {
		*what = ", quotient too large";
		return least > 1 && least <= most ? (uint64_t)least - 1 :
						    low_mask(width); /* -1 */
	}
	*what = "";
	if (least > most)
		return 1; /* #DE, whatever is chosen */
	divisor = (uint64_t)least + rnd_below(most - (uint64_t)least + 1);
	return chance(50) ? (0 - divisor) & low_mask(width) : divisor;
}

/* The bit offset's move of BT's address: floor(offset / bits) * bytes. */
static int64_t bit_offset_move(uint64_t offset, unsigned width)
{
	int64_t signed_offset = (int64_t)(offset << (64 - 8 * width)) >>
				(64 - 8 * width);

	return (signed_offset >> (width == 2 ? 4 : width == 4 ? 5 : 6)) *
	       (int64_t)width;
}

bool make_alu_case(struct test_case *tc, size_t form,
		   enum size_variant variant, int reg_choice, enum addr_form af,
		   enum flags_input flags)
{
	const struct alu_form *f = &all_forms[form];
	struct instruction in = { 0 };
	struct address_expr x = { 0 };
	unsigned osize = variant_size[variant];
	unsigned width, map_bytes = 0;
	bool high8 = HIGH8(reg_choice), has_reg = names_register(f);
	int reg = high8 ? reg_choice - 12 : reg_choice;
	bool byte_reg = has_reg && f->width == FW_BYTE;
	bool locked = false, bt_register;
	uint8_t rex_xb;
	int area;
	uint64_t target;
	int64_t move = 0;
	const char *detail = "";

	if (!alu_form_runs(form))
		return false;
	if (high8 && !byte_reg)
		return false;
	if (high8 && (variant == SIZE_64 || variant == SIZE_66_AND_W))
		return false;
	if (f->width == FW_DOUBLE) {
		bool w = variant == SIZE_64 || variant == SIZE_66_AND_W;
		if (w != (f->op == MMIODEC_OP_CMPXCHG16B))
			return false;
		width = w ? 16 : 8;
	} else {
		width = f->width == FW_BYTE ? 1 : osize;
	}
	/* a written RSP wider than SPL leaves the stub without a stack */
	if (writes_register(f) && reg == RSP && !high8 && f->width != FW_BYTE)
		return false;

	memset(tc, 0, sizeof(*tc));
	tc->write_rule = WRITE_AS_BUILT;
	random_registers(&tc->init, random_rsp());
	tc->init.rflags = flags == FLAGS_CLEAR ? RFLAGS_FIXED :
			  flags == FLAGS_SET ? RFLAGS_FIXED | RFLAGS_RANDOM :
			  RFLAGS_FIXED | (rnd() & RFLAGS_RANDOM);
	x.seg = random_segment();
	x.address_size = chance(15) ? 32 : 64;
	if (x.address_size == 32 || af == AF_ABSOLUTE)
		x.seg = SEG_GS;

	/* BT* with a register: that register moves the address, so it must
	 * not be one the address is solved with. */
	bt_register = has_reg && f->op >= MMIODEC_OP_BT &&
		      f->op <= MMIODEC_OP_BTC;
	for (int tries = 0;; tries++) {
		memset(&in, 0, sizeof(in));
		if (!encode_address(af, high8, &in, &x, &rex_xb))
			return false;
		if (!bt_register || (x.base != reg && x.index != reg))
			break;
		if (tries == 8) {
			unreachable++;
			return false;
		}
	}

	if (variant == SIZE_16 || variant == SIZE_66_AND_W)
		add_legacy(&in, 0x66);
	add_address_prefixes(&in, &x);
	if (lockable(f) && chance(50)) {
		add_legacy(&in, 0xf0);
		locked = true;
	}
	shuffle_legacy(&in);

	int modrm_reg = f->reg >= 0 ? f->reg : has_reg ? reg :
			(int)reg_choice; /* SETcc: ignored */
	bool needs_rex = variant == SIZE_64 || variant == SIZE_66_AND_W ||
			 rex_xb != 0 || (has_reg && reg >= 8) ||
			 (byte_reg && reg >= 4 && !high8);
	in.rex = (uint8_t)(0x40 | (osize == 8 ? 8 : 0) |
			   (has_reg ? (reg >> 3) << 2 : 0) | rex_xb);
	in.has_rex = needs_rex || (!high8 && chance(20));
	if (!has_reg && in.has_rex && chance(30))
		in.rex |= 4; /* REX.R does not extend an opcode extension */
	switch (f->map) {
	case MAP_0F:
		in.opcode[map_bytes++] = 0x0f;
		break;
	case MAP_0F38:
		in.opcode[map_bytes++] = 0x0f;
		in.opcode[map_bytes++] = 0x38;
		break;
	default:
		break;
	}
	in.opcode[map_bytes] = f->opcode;
	in.opcode_len = map_bytes + 1;
	in.modrm |= (uint8_t)((modrm_reg & 7) << 3);
	in.imm_bytes = immediate_bytes(f, f->width == FW_BYTE ? 1 : osize);
	in.imm = rnd() & low_mask(in.imm_bytes);
	if (is_shift(f->op) && in.imm_bytes == 1)
		in.imm = interesting_count(width);
	if (f->op >= MMIODEC_OP_BT && f->op <= MMIODEC_OP_BTC && in.imm_bytes)
		in.imm = (uint8_t)rnd();

	if (bt_register) {
		uint64_t offset;
		if (chance(60)) /* near: within a few words either way */
			offset = (uint64_t)((int64_t)rnd_below(8 * 8 * width * 6) -
					    (int64_t)(8 * 8 * width * 3));
		else
			offset = (uint64_t)((int64_t)rnd_below(8 * 2048) - 8 * 1024);
		if (reg != RSP)
			set_reg_low(&tc->init, reg, offset, osize);
		move = bit_offset_move(tc->init.gpr[reg], width);
	}

	char ext[8] = "";
	if (f->reg >= 0)
		snprintf(ext, sizeof(ext), "/%u", (unsigned)f->reg & 7);
	snprintf(tc->form, sizeof(tc->form), "%s%s (%s%02x%s)%s%s%s %s reg=%s%d",
		 locked ? "lock " : "", op_mnemonic[f->op],
		 f->map == MAP_0F ? "0f " : f->map == MAP_0F38 ? "0f38 " : "",
		 f->opcode, ext, variant_names[variant],
		 x.address_size == 32 ? " a32" : "", segment_names[x.seg],
		 addr_form_names[af], high8 ? "high8:" : "", modrm_reg);
	/* SETcc's ModRM.reg is ignored: the decoder may insist on 0 */
	if (f->op == MMIODEC_OP_SETCC && modrm_reg != 0)
		tc->optional = true;
	if (f->width == FW_DOUBLE && (variant == SIZE_16 ||
				      variant == SIZE_66_AND_W))
		tc->optional = true;

	target = random_target(width, &area);
	if (width == 16)
		target &= ~(uint64_t)15; /* CMPXCHG16B: else #GP */
	uint64_t solved = target - (uint64_t)move;
	if (!finish_address(tc, &in, &x, &solved))
		return false;
	target = solved + (uint64_t)move;
	/* With a 32-bit address size the moved address is not built to
	 * wrap around 4 GiB (whether it then wraps is not tested). */
	if (x.address_size == 32 && move) {
		int64_t ea = (int64_t)((solved - tc->gs_base) & 0xffffffffu);
		if (ea + move < 0 || ea + move > 0xffffffffLL) {
			unreachable++;
			return false;
		}
	}
	if (region_of(target) < 0 || region_of(target + width - 1) !=
					     region_of(target) ||
	    (width == 16 && (target & 15))) {
		unreachable++;
		return false;
	}
	expect_one_access(tc, target, width, false);

	/* Values chosen after the address: its registers are fixed now. */
	uint8_t bytes[16];
	bool fix = false;
	bool rcx_free = x.base != RCX && x.index != RCX &&
			!(has_reg && reg == RCX && !high8);
	if ((f->pattern == FP_M_CL || f->pattern == FP_M_R_CL) && rcx_free)
		set_reg_low(&tc->init, RCX, interesting_count(width), 1);
	switch (f->op) {
	case MMIODEC_OP_CMPXCHG:
		if (chance(50)) {
			put_le(bytes, tc->init.gpr[RAX], width);
			detail = ", equal";
		} else {
			put_le(bytes, tc->init.gpr[RAX] ^ (1 + rnd_below(255)),
			       width);
			detail = ", unequal";
		}
		fix = true;
		break;
	case MMIODEC_OP_CMPXCHG8B:
	case MMIODEC_OP_CMPXCHG16B: {
		unsigned half = width / 2;
		put_le(bytes, tc->init.gpr[RAX], half);
		put_le(bytes + half, tc->init.gpr[RDX], half);
		detail = ", equal";
		if (chance(50)) {
			bytes[rnd_below(width)] ^= (uint8_t)(1 + rnd_below(255));
			detail = ", unequal";
		}
		fix = true;
		break;
	}
	case MMIODEC_OP_DIV:
	case MMIODEC_OP_IDIV: {
		bool is_signed = f->op == MMIODEC_OP_IDIV;
		bool rax_free = x.base != RAX && x.index != RAX;
		bool rdx_free = x.base != RDX && x.index != RDX;
		if (is_signed && width > 1 && rax_free && rdx_free && chance(60))
			tc->init.gpr[RDX] = (uint64_t)((int64_t)(tc->init.gpr[RAX] <<
						(64 - 8 * width)) >> 63);
		put_le(bytes, choose_divisor(&tc->init, is_signed, width, &detail),
		       width);
		fix = true;
		break;
	}
	default:
		if (mem_use(f) != USE_WRITE && chance(25)) {
			put_le(bytes, interesting_value(width), width);
			fix = true;
		}
		break;
	}
	if (fix)
		set_fixed_memory(tc, target, bytes, width);
	if (is_shift(f->op)) {
		unsigned count = f->pattern == FP_M_1 ? 1 :
				 in.imm_bytes ? (unsigned)in.imm :
				 (unsigned)(tc->init.gpr[RCX] & 0xff);
		count &= width == 8 ? 63 : 31;
		detail = count == 0 ? ", count 0" : "";
	}

	/* The log: a read, a write, or a read and then, if the CPU writes
	 * (run_case() asks it), a write. */
	switch (mem_use(f)) {
	case USE_WRITE:
		tc->log[0].write = true;
		break;
	case USE_READ_WRITE:
		tc->log[1] = tc->log[0];
		tc->log[1].write = true;
		tc->write_rule = WRITE_IF_CPU;
		break;
	default:
		break;
	}
	snprintf(tc->fact, sizeof(tc->fact), "%s%s%s%s%s", locked ? "lock " : "",
		 op_mnemonic[f->op],
		 f->op == MMIODEC_OP_SETCC || f->op == MMIODEC_OP_CMOVCC ? "cc" : "",
		 f->pattern == FP_R_M && op_kind[f->op] == OK_ALU ? " r, m" :
		 f->pattern == FP_M_R && mem_use(f) == USE_READ ? " m, r" :
		 f->pattern == FP_M_I && mem_use(f) == USE_READ ? " m, imm" : "",
		 detail);
	tc->op = f->op;
	return true;
}
