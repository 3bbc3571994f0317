/* SPDX-License-Identifier: MIT */
/*
 * The decoder: prefixes -> opcode and map -> ModRM/SIB/displacement ->
 * immediate -> validity -> MMIO semantics. One function per stage, each
 * moving forward through the bytes; nothing is ever read at or past
 * min(len, 15).
 */
#include "mmiodec.h"
#include "decode.h"
#include "tables.h"

enum {
	PREFIX_NONE = 0,
	PREFIX_66 = 1,
	PREFIX_F3 = 2,
	PREFIX_F2 = 3,
};

struct decoder {
	const uint8_t *bytes;
	uint8_t avail;          /* min(len, 15) */
	uint8_t pos;
	uint8_t mode;           /* 16, 32, 64 */
	bool truncated_input;   /* len < 15: running out means TRUNCATED */

	bool has_66, has_67, has_lock;
	uint8_t last_rep;       /* 0, 0xF2 or 0xF3: the last one given */
	uint8_t mandatory;      /* PREFIX_*: what selects 0F-map forms */
	int8_t seg_override;    /* -1 or enum mmiodec_seg */
	uint8_t rex;            /* 0 or 0x40..0x4F, directly before the opcode */

	uint8_t map;            /* MAP_* */
	uint8_t opcode;
	bool has_modrm;
	uint8_t modrm;
	uint8_t sib;
	bool has_sib;
	int64_t disp;
	uint8_t disp_size;
	uint64_t imm;
	uint8_t imm_size;

	bool bad_register;      /* valid encoding naming a register that does
	                           not exist (CR9, DR8, BND4, k8...) */
	uint8_t operand_size;   /* bytes: 2, 4, 8 */
	uint8_t address_size;   /* bits: 16, 32, 64 */
	uint8_t status;
};

static bool need(struct decoder *d, unsigned size);

static bool fetch(struct decoder *d, uint8_t *byte)
{
	if (!need(d, 1))
		return false;
	*byte = d->bytes[d->pos++];
	return true;
}

static bool peek(const struct decoder *d, uint8_t *byte)
{
	if (d->pos >= d->avail)
		return false;
	*byte = d->bytes[d->pos];
	return true;
}

/* Whether `size` more bytes are there; if not, the status says why. */
static bool need(struct decoder *d, unsigned size)
{
	if ((unsigned)d->pos + size > d->avail) {
		d->status = d->truncated_input ? MMIODEC_TRUNCATED
					       : MMIODEC_INVALID;
		return false;
	}
	return true;
}

/* Little-endian unsigned value of `size` bytes (written so that compilers
 * make one load of each). */
static uint64_t load_le(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8;
	case 3:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16;
	case 4:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		       (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
	case 6:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		       (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
		       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40;
	case 8:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		       (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
		       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
		       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
	default:
		return 0;
	}
}

static bool fetch_uint(struct decoder *d, unsigned size, uint64_t *value)
{
	if (!need(d, size))
		return false;
	*value = load_le(d->bytes + d->pos, size);
	d->pos = (uint8_t)(d->pos + size);
	return true;
}

static int64_t sign_extend(uint64_t value, unsigned size)
{
	if (size == 0)
		return 0;
	if (size >= 8)
		return (int64_t)value;
	unsigned shift = 64 - 8 * size;
	return (int64_t)(value << shift) >> shift;
}

/*
 * Legacy prefixes in any order and number, then at most one REX in 64-bit
 * mode. A REX that is followed by another prefix does not count (SDM vol. 2
 * 2.2.1), so the loop forgets it when one comes after it. Stops on the
 * first opcode byte, which it leaves unread.
 */
static bool decode_prefixes(struct decoder *d)
{
	for (;;) {
		if (!need(d, 1))
			return false;
		uint8_t b = d->bytes[d->pos];
		uint16_t flags = mmiodec_legacy_map[b].flags;
		if (flags & OP_REX) {
			if (d->mode != 64)
				return true;
			d->rex = b;
			d->pos++;
			continue;
		}
		if (!(flags & OP_PREFIX))
			return true;
		d->rex = 0;
		switch (b) {
		case 0x66: d->has_66 = true; break;
		case 0x67: d->has_67 = true; break;
		case 0xF0: d->has_lock = true; break;
		case 0xF2: case 0xF3: d->last_rep = b; break;
		case 0x64: d->seg_override = MMIODEC_SEG_FS; break;
		case 0x65: d->seg_override = MMIODEC_SEG_GS; break;
		default:
			/* In 64-bit mode ES/CS/SS/DS overrides are ignored,
			 * and do not cancel an FS/GS one (SDM vol. 1 3.3.7.1). */
			if (d->mode != 64)
				d->seg_override = (int8_t)((b >> 3) & 3);
			break;
		}
		d->pos++;
	}
}

static void set_sizes(struct decoder *d)
{
	if (d->mode == 64) {
		d->address_size = d->has_67 ? 32 : 64;
		if (d->rex & REX_W)
			d->operand_size = 8;
		else
			d->operand_size = d->has_66 ? 2 : 4;
	} else {
		bool wide = d->mode == 32;
		if (d->has_67)
			wide = !wide;
		d->address_size = wide ? 32 : 16;
		wide = d->mode == 32;
		if (d->has_66)
			wide = !wide;
		d->operand_size = wide ? 4 : 2;
	}
	if (d->last_rep == 0xF3)
		d->mandatory = PREFIX_F3;
	else if (d->last_rep == 0xF2)
		d->mandatory = PREFIX_F2;
	else if (d->has_66)
		d->mandatory = PREFIX_66;
	else
		d->mandatory = PREFIX_NONE;
}

/* ModRM, SIB and displacement: SDM vol. 2 tables 2-1 to 2-3. */
static bool decode_modrm_tail(struct decoder *d)
{
	unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
	unsigned disp_size;

	if (mod == 3)
		return true;
	if (d->address_size == 16) {
		disp_size = mod == 1 ? 1 : (mod == 2 || (mod == 0 && rm == 6)) ? 2 : 0;
	} else {
		if (rm == 4) {
			if (!fetch(d, &d->sib))
				return false;
			d->has_sib = true;
			if (mod == 0 && (d->sib & 7) == 5)
				rm = 5;
		}
		disp_size = mod == 1 ? 1 : (mod == 2 || rm == 5) ? 4 : 0;
	}
	uint64_t raw;
	if (!fetch_uint(d, disp_size, &raw))
		return false;
	d->disp = sign_extend(raw, disp_size);
	d->disp_size = (uint8_t)disp_size;
	return true;
}

static unsigned immediate_size(const struct decoder *d, unsigned kind)
{
	unsigned z = d->operand_size == 2 ? 2 : 4;
	switch (kind) {
	case IMM_B: return 1;
	case IMM_W: return 2;
	case IMM_WB: return 3;
	case IMM_Z: return z;
	case IMM_V: return d->operand_size;
	case IMM_JZ: return d->mode == 64 ? 4 : z;
	case IMM_AP: return z + 2;
	case IMM_MOFFS: return d->address_size / 8;
	case IMM_BB: return 2;
	case IMM_D: return 4;
	default: return 0;
	}
}

static bool fail(struct decoder *d, uint8_t status)
{
	d->status = status;
	return false;
}

/*
 * VEX (C4/C5), XOP (8F), EVEX (62) and MVEX (62 with P1 bit 2 clear, which
 * the reference decoder takes as Knights Corner's encoding, 64-bit mode
 * only): the payload fixes map, pp, W, L and vvvv; the opcode and ModRM
 * pick a rule of the generated tables (see tools/gen-tables.c).
 */
struct vex_fields {
	unsigned kind, map, pp, w, l, b, z, aaa;
	bool vvvv_unused;
};

/*
 * Checks a form against its rule, as far as ModRM. A register number the
 * form cannot take (k8, a GPR 16+...) is found, as by the reference
 * decoder, only once the whole instruction is read: noted in
 * d->bad_register.
 */
static bool vex_form_valid(struct decoder *d, const struct vex_fields *f,
			   const uint8_t *rule, uint8_t p0, uint8_t p1)
{
	bool mode64 = d->mode == 64;
	bool is_reg = (d->modrm >> 6) == 3;
	bool vsib = !is_reg && (rule[1] & VR_NEEDS_SIB);
	uint8_t l_by_w = mode64 ? rule[0] : rule[4];
	/* With VSIB, EVEX.V' extends the index register, not vvvv. */
	bool vvvv_unused = f->vvvv_unused || (vsib && ((p1 >> 3) & 0xF) == 0xF);

	if (!((l_by_w >> (f->l + 4 * f->w)) & 1))
		return false;
	if (!((rule[5] >> (2 * f->l + !vvvv_unused)) & 1))
		return false;
	if (!(rule[1] & (VR_Z0_AAA0 << (f->z * 2 + (f->aaa != 0)))))
		return false;
	if (vsib && ((d->modrm & 7) != 4 || d->address_size == 16))
		return false;
	if (!((rule[2] >> ((d->modrm >> 3) & 7)) & 1))
		return false;

	/* Outside 64-bit mode these bits select no register. */
	unsigned high = 0;
	if (mode64) {
		bool evex = f->kind >= VEX_KIND_EVEX;
		if (!(p1 & 0x40))
			high |= VH_VVVV;
		if (!(p0 & 0x80))
			high |= VH_REG;
		if (evex && !(p0 & 0x10))
			high |= VH_REG_HI;
		if (is_reg && !(p0 & 0x20))
			high |= VH_RM;
		if (evex && is_reg && !(p0 & 0x40))
			high |= VH_RM_HI;
	}
	d->bad_register = (rule[3] & high) != 0;
	return true;
}

static bool decode_vex_like(struct decoder *d, uint8_t lead, unsigned *imm_kind)
{
	uint8_t p0, p1 = 0, p2 = 0;
	struct vex_fields f = { 0 };

	if (d->has_66 || d->last_rep || d->has_lock || d->rex)
		return fail(d, MMIODEC_INVALID);
	if (!fetch(d, &p0))
		return false;
	if (lead == 0xC5) {
		f.kind = VEX_KIND_VEX;
		f.map = 1;
		p1 = p0 & 0x7F;    /* vvvv L pp sit where C4's P1 has them; W = 0 */
		p0 = (uint8_t)((p0 & 0x80) | 0x61);  /* R as C4's, X = B = 0, map 1 */
	} else if (lead == 0xC4 || lead == 0x8F) {
		if (!fetch(d, &p1))
			return false;
		f.kind = lead == 0xC4 ? VEX_KIND_VEX : VEX_KIND_XOP;
		f.map = p0 & 0x1F;
	} else {
		if (!fetch(d, &p1) || !fetch(d, &p2))
			return false;
		if (p0 & 0x08)
			return fail(d, MMIODEC_INVALID);
		f.kind = (p1 & 0x04) ? VEX_KIND_EVEX : VEX_KIND_MVEX;
		if (f.kind == VEX_KIND_MVEX && d->mode != 64)
			return fail(d, MMIODEC_INVALID);
		if (d->mode != 64 && !(p2 & 0x08))
			return fail(d, MMIODEC_INVALID);   /* V' names zmm16+ */
		f.map = p0 & 0x0F;
		f.z = p2 >> 7;
		f.l = (p2 >> 5) & 3;
		f.b = (p2 >> 4) & 1;
		f.aaa = p2 & 7;
	}
	f.w = p1 >> 7;
	f.pp = p1 & 3;
	if (f.kind == VEX_KIND_VEX || f.kind == VEX_KIND_XOP)
		f.l = (p1 >> 2) & 1;
	f.vvvv_unused = ((p1 >> 3) & 0xF) == 0xF &&
			(f.kind < VEX_KIND_EVEX || (p2 & 0x08));

	if (!fetch(d, &d->opcode))
		return false;
	const uint8_t *rules = mmiodec_vex_rules_for(f.kind, f.map, d->opcode, f.pp);
	if (!rules)
		return fail(d, MMIODEC_INVALID);

	if (f.kind == VEX_KIND_XOP) {
		d->map = (uint8_t)(MAP_XOP8 + f.map - 8);
		*imm_kind = f.map == 8 ? IMM_B : f.map == 10 ? IMM_D : IMM_NONE;
	} else {
		d->map = f.kind == VEX_KIND_VEX ? MAP_VEX : MAP_EVEX;
		*imm_kind = f.map == 3 || (f.map == 1 && mmiodec_map0f_has_imm8(d->opcode))
				    ? IMM_B : IMM_NONE;
	}
	bool knc_branch = f.kind == VEX_KIND_VEX &&
			  ((f.map == 1 && (d->opcode == 0x84 || d->opcode == 0x85)) ||
			   (f.map == 0 && (d->opcode == 0x74 || d->opcode == 0x75)));
	if (knc_branch || (f.kind == VEX_KIND_VEX && f.map == 1 && d->opcode == 0x77)) {
		/* VZEROUPPER/VZEROALL; Knights Corner's JKZD/JKNZD, rel32 in
		 * map 1 and rel8 in map 0, 64-bit mode only */
		d->has_modrm = false;
		d->modrm = 0xC0;
		if (knc_branch) {
			if (d->mode != 64)
				return fail(d, MMIODEC_INVALID);
			*imm_kind = f.map == 1 ? IMM_D : IMM_B;
		}
	} else {
		d->has_modrm = true;
		if (!fetch(d, &d->modrm))
			return false;
	}
	bool is_reg = (d->modrm >> 6) == 3;
	const uint8_t *rule = mmiodec_vex_rule(rules[(is_reg ? 2 : 0) + f.b]);
	if (!vex_form_valid(d, &f, rule, p0, p1))
		return fail(d, MMIODEC_INVALID);
	if (!d->has_modrm)
		return true;
	return decode_modrm_tail(d);
}

/*
 * Returns the position after the opcode bytes, with d->map, d->opcode and
 * (when the form has one) d->modrm read.
 */
static bool decode_opcode(struct decoder *d, unsigned *imm_kind,
			  const struct opcode_info **info)
{
	uint8_t b;
	if (!fetch(d, &b))
		return false;
	uint16_t flags = mmiodec_legacy_map[b].flags;

	if (!(flags & OP_ESCAPE)) {
		d->map = MAP_LEGACY;
		d->opcode = b;
		*info = &mmiodec_legacy_map[b];
		*imm_kind = (*info)->imm;
		d->has_modrm = flags & OP_MODRM;
		return !d->has_modrm || fetch(d, &d->modrm);
	}
	if (b != 0x0F) {
		uint8_t next;
		bool is_vex;
		if (!peek(d, &next)) {
			/* Whether it is VEX or LES/LDS/BOUND/POP needs the
			 * next byte; either way the instruction continues. */
			d->pos++;
			return fetch(d, &next);
		}
		if (b == 0x8F)
			is_vex = (next & 0x1F) >= 8;
		else
			is_vex = d->mode == 64 || (next & 0xC0) == 0xC0;
		if (is_vex)
			return decode_vex_like(d, b, imm_kind);
	}

	if (b != 0x0F) {
		d->map = MAP_LEGACY;
		d->opcode = b;
		*info = &mmiodec_legacy_map[b];
	} else {
		if (!fetch(d, &b))
			return false;
		if (b == 0x38 || b == 0x3A) {
			d->map = b == 0x38 ? MAP_0F38 : MAP_0F3A;
			if (!fetch(d, &d->opcode))
				return false;
		} else {
			d->map = MAP_0F;
			d->opcode = b;
		}
		*info = mmiodec_map0f_info(d->map, d->opcode, d->mandatory,
				   d->mode == 64);
	}
	*imm_kind = (*info)->imm;
	d->has_modrm = (*info)->flags & OP_MODRM;
	if (d->has_modrm && !fetch(d, &d->modrm))
		return false;
	return true;
}

/* Validity of what the tables say about this form, before the tail. */
static bool check_form(struct decoder *d, const struct opcode_info *info)
{
	unsigned reg = (d->modrm >> 3) & 7;
	bool is_reg = (d->modrm >> 6) == 3;

	if ((info->flags & OP_INVALID64) && d->mode == 64)
		return fail(d, MMIODEC_INVALID);
	if (!d->has_modrm)
		return true;
	uint8_t regs = is_reg ? info->reg_regs : info->mem_regs;
	if (!(regs & (1u << reg)))
		return fail(d, MMIODEC_INVALID);
	if (is_reg && (info->flags & OP_RM_TABLE) &&
	    !mmiodec_rm_form_valid(d->map, d->opcode, d->mandatory, d->mode == 64,
			   d->modrm))
		return fail(d, MMIODEC_INVALID);
	return true;
}

/* MPX forms take no 16-bit addressing, and BNDLDX, BNDSTX (0F 1A/1B
 * without prefix) and BNDMK (F3 0F 1B) no RIP-relative operand (SDM vol. 1
 * 17.3.1). Checked once ModRM is known, before the displacement. */
static bool check_mpx(struct decoder *d, const struct opcode_info *info)
{
	unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
	if (!(info->flags & OP_MPX) || mod == 3)
		return true;
	if (d->address_size == 16)
		return fail(d, MMIODEC_INVALID);
	bool rip_relative = d->mode == 64 && mod == 0 && rm == 5;
	bool no_rip = d->mandatory == PREFIX_NONE ||
		      (d->opcode == 0x1B && d->mandatory == PREFIX_F3);
	if (rip_relative && no_rip)
		return fail(d, MMIODEC_INVALID);
	return true;
}

/* REX.R (and REX.B) extend ModRM fields to registers that mostly do not
 * exist for control, debug and bound registers: of CR8..CR15 only CR8 (SDM
 * vol. 3 2.5), no DR8+, no BND4+ (BNDMOV, 66 0F 1A/1B, also has a bound
 * register in ModRM.rm). */
static bool register_out_of_range(const struct decoder *d,
				  const struct opcode_info *info)
{
	unsigned reg = (d->modrm >> 3) & 7;
	bool is_reg = (d->modrm >> 6) == 3;
	if (d->map != MAP_0F || !(d->rex & (REX_R | REX_B)))
		return false;
	switch (d->opcode) {
	case 0x20: case 0x22:
		return (d->rex & REX_R) && reg != 0;
	case 0x21: case 0x23:
		return d->rex & REX_R;
	case 0x1A: case 0x1B:
		if (!(info->flags & OP_MPX) ||
		    (is_reg ? info->reg_regs : info->mem_regs) != 0x0F)
			return false;
		return (d->rex & REX_R) ||
		       (is_reg && d->mandatory == PREFIX_66 && (d->rex & REX_B));
	default:
		return false;
	}
}

/* LOCK is legal only on the read-modify-write forms with a memory
 * destination (SDM vol. 2, LOCK). */
static bool lock_allowed(const struct decoder *d, const struct opcode_info *info)
{
	if (!d->has_modrm || (d->modrm >> 6) == 3)
		return false;
	return info->lock_regs & (1u << ((d->modrm >> 3) & 7));
}

/* TEST in group 3 (F6/F7 /0 and /1) is the only one-byte form whose
 * immediate depends on ModRM.reg. */
static unsigned legacy_group_immediate(const struct decoder *d, unsigned kind)
{
	unsigned reg = (d->modrm >> 3) & 7;
	if (kind == IMM_GRP3B)
		return reg < 2 ? IMM_B : IMM_NONE;
	if (kind == IMM_GRP3Z)
		return reg < 2 ? IMM_Z : IMM_NONE;
	return kind;
}

static const uint8_t seg_for_base16[8] = {
	MMIODEC_SEG_DS, MMIODEC_SEG_DS, MMIODEC_SEG_SS, MMIODEC_SEG_SS,
	MMIODEC_SEG_DS, MMIODEC_SEG_DS, MMIODEC_SEG_SS, MMIODEC_SEG_DS,
};
static const uint8_t base16[8] = {
	MMIODEC_RBX, MMIODEC_RBX, MMIODEC_RBP, MMIODEC_RBP,
	MMIODEC_RSI, MMIODEC_RDI, MMIODEC_RBP, MMIODEC_RBX,
};
static const uint8_t index16[8] = {
	MMIODEC_RSI, MMIODEC_RDI, MMIODEC_RSI, MMIODEC_RDI,
	MMIODEC_NO_REG, MMIODEC_NO_REG, MMIODEC_NO_REG, MMIODEC_NO_REG,
};

/* decode_prefixes() keeps only the overrides that take effect. */
static uint8_t effective_segment(const struct decoder *d, uint8_t implied)
{
	return d->seg_override < 0 ? implied : (uint8_t)d->seg_override;
}

static void fill_modrm_memory(const struct decoder *d, struct mmiodec_mem *m)
{
	unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
	uint8_t implied = MMIODEC_SEG_DS;

	m->displacement = d->disp;
	m->address_size = d->address_size;
	m->base = MMIODEC_NO_REG;
	m->index = MMIODEC_NO_REG;
	m->scale = 0;
	if (d->address_size == 16) {
		if (!(mod == 0 && rm == 6)) {
			m->base = base16[rm];
			m->index = index16[rm];
			if (m->index != MMIODEC_NO_REG)
				m->scale = 1;
			implied = seg_for_base16[rm];
		}
	} else if (d->has_sib) {
		unsigned base = (d->sib & 7) | (d->rex & REX_B ? 8 : 0);
		unsigned index = ((d->sib >> 3) & 7) | (d->rex & REX_X ? 8 : 0);
		if (index != 4) {
			m->index = (uint8_t)index;
			m->scale = (uint8_t)(1u << (d->sib >> 6));
		}
		if (!(mod == 0 && (d->sib & 7) == 5))
			m->base = (uint8_t)base;
	} else if (mod == 0 && rm == 5) {
		if (d->mode == 64)
			m->base = MMIODEC_RIP;
	} else {
		m->base = (uint8_t)(rm | (d->rex & REX_B ? 8 : 0));
	}
	if (d->address_size != 16 &&
	    (m->base == MMIODEC_RSP || m->base == MMIODEC_RBP))
		implied = MMIODEC_SEG_SS;
	m->segment = effective_segment(d, implied);
	m->access = 0;
}

/* The register in ModRM.reg (or ModRM.rm, or the opcode's low bits) at
 * an operand width: without REX, byte registers 4..7 are AH..BH. */
static void set_register(struct mmiodec_insn *insn, const struct decoder *d,
			 unsigned number, unsigned width)
{
	if (width == 1 && !d->rex && number >= 4 && number < 8) {
		insn->reg = (uint8_t)(number - 4);
		insn->reg_kind = MMIODEC_REG_KIND_GPR_HIGH8;
	} else {
		insn->reg = (uint8_t)number;
		insn->reg_kind = MMIODEC_REG_KIND_GPR;
	}
}

/* MOVS, STOS, LODS: rDI is always ES:[rDI]; rSI takes the segment
 * override. Zydis names F2 "repne" even here, where the CPU repeats MOVS,
 * STOS and LODS under either prefix without looking at ZF. */
static bool describe_string(const struct decoder *d, struct mmiodec_insn *insn)
{
	unsigned op = d->opcode;
	uint8_t width = (op & 1) ? d->operand_size : 1;
	struct mmiodec_mem dst = {
		.segment = MMIODEC_SEG_ES, .base = MMIODEC_RDI,
		.index = MMIODEC_NO_REG, .address_size = d->address_size,
		.access = MMIODEC_DIR_WRITE,
	};
	struct mmiodec_mem src = {
		.segment = effective_segment(d, MMIODEC_SEG_DS),
		.base = MMIODEC_RSI, .index = MMIODEC_NO_REG,
		.address_size = d->address_size, .access = MMIODEC_DIR_READ,
	};

	insn->width = width;
	insn->dest_width = width;
	if (op <= 0xA5) {
		insn->op = MMIODEC_OP_MOVS;
		insn->direction = MMIODEC_DIR_READ_WRITE;
		insn->mem[0] = dst;
		insn->mem[1] = src;
		insn->mem_count = 2;
	} else if (op <= 0xAB) {
		insn->op = MMIODEC_OP_STOS;
		insn->direction = MMIODEC_DIR_WRITE;
		insn->mem[0] = dst;
		insn->mem_count = 1;
		set_register(insn, d, MMIODEC_RAX, width);
	} else {
		insn->op = MMIODEC_OP_LODS;
		insn->direction = MMIODEC_DIR_READ;
		insn->mem[0] = src;
		insn->mem_count = 1;
		set_register(insn, d, MMIODEC_RAX, width);
	}
	if (d->last_rep == 0xF3)
		insn->rep = MMIODEC_REP_REP;
	else if (d->last_rep == 0xF2)
		insn->rep = MMIODEC_REP_REPNE;
	insn->repeat = insn->rep != MMIODEC_REP_NONE;
	return true;
}

/*
 * The MMIO forms. Returns false when the form is not one of them (the
 * caller then classifies it as NO_MEMORY or UNSUPPORTED).
 */
static bool describe_mmio(const struct decoder *d, struct mmiodec_insn *insn)
{
	unsigned reg = ((d->modrm >> 3) & 7) | (d->rex & REX_R ? 8 : 0);
	bool modrm_mem = d->has_modrm && (d->modrm >> 6) != 3;
	unsigned osz = d->operand_size;
	unsigned op = d->opcode;

	insn->width = (uint8_t)osz;
	insn->direction = MMIODEC_DIR_READ;
	if (d->map == MAP_LEGACY) {
		switch (op) {
		case 0x88: case 0x89: case 0x8A: case 0x8B:
			if (!modrm_mem)
				return false;
			insn->op = MMIODEC_OP_MOV;
			insn->width = (op & 1) ? (uint8_t)osz : 1;
			insn->direction = (op & 2) ? MMIODEC_DIR_READ
						   : MMIODEC_DIR_WRITE;
			set_register(insn, d, reg, insn->width);
			break;
		case 0xC6: case 0xC7:
			if (!modrm_mem)
				return false;
			insn->op = MMIODEC_OP_MOV;
			insn->width = (op & 1) ? (uint8_t)osz : 1;
			insn->direction = MMIODEC_DIR_WRITE;
			insn->has_immediate = true;
			insn->immediate = (uint64_t)sign_extend(d->imm, d->imm_size);
			if (insn->width < 8)
				insn->immediate &= (1ull << (8 * insn->width)) - 1;
			break;
		case 0xA0: case 0xA1: case 0xA2: case 0xA3:
			insn->op = MMIODEC_OP_MOV;
			insn->width = (op & 1) ? (uint8_t)osz : 1;
			insn->direction = (op & 2) ? MMIODEC_DIR_WRITE
						   : MMIODEC_DIR_READ;
			set_register(insn, d, MMIODEC_RAX, insn->width);
			insn->dest_width = insn->width;
			insn->mem_count = 1;
			insn->mem[0].segment = effective_segment(d, MMIODEC_SEG_DS);
			insn->mem[0].base = MMIODEC_NO_REG;
			insn->mem[0].index = MMIODEC_NO_REG;
			insn->mem[0].displacement = sign_extend(d->imm, d->imm_size);
			insn->mem[0].address_size = d->address_size;
			insn->mem[0].access = insn->direction;
			return true;
		case 0x63:
			if (!modrm_mem || d->mode != 64)
				return false;
			insn->op = MMIODEC_OP_MOVSXD;
			insn->extend = MMIODEC_EXTEND_SIGN;
			insn->width = osz == 8 ? 4 : (uint8_t)osz;
			insn->dest_width = (uint8_t)osz;
			set_register(insn, d, reg, osz);
			break;
		case 0xA4: case 0xA5: case 0xAA: case 0xAB: case 0xAC: case 0xAD:
			return describe_string(d, insn);
		default:
			return false;
		}
	} else if (d->map == MAP_0F) {
		switch (op) {
		case 0xB6: case 0xB7: case 0xBE: case 0xBF:
			if (!modrm_mem)
				return false;
			insn->op = op >= 0xBE ? MMIODEC_OP_MOVSX : MMIODEC_OP_MOVZX;
			insn->extend = op >= 0xBE ? MMIODEC_EXTEND_SIGN
						  : MMIODEC_EXTEND_ZERO;
			insn->width = (op & 1) ? 2 : 1;
			insn->dest_width = (uint8_t)osz;
			set_register(insn, d, reg, osz);
			break;
		case 0xC3:
			/* MOVNTI has only m32 and m64 forms: no 16-bit size. */
			if (!modrm_mem)
				return false;
			insn->op = MMIODEC_OP_MOVNTI;
			insn->direction = MMIODEC_DIR_WRITE;
			insn->width = osz == 8 ? 8 : 4;
			set_register(insn, d, reg, insn->width);
			break;
		default:
			return false;
		}
	} else {
		return false;
	}
	if (!insn->dest_width)
		insn->dest_width = insn->width;
	insn->mem_count = 1;
	fill_modrm_memory(d, &insn->mem[0]);
	insn->mem[0].access = insn->direction;
	return true;
}

/* The opcodes describe_mmio() knows; everything else skips it. */
static bool may_be_mmio(const struct decoder *d, const struct opcode_info *info)
{
	if (d->map == MAP_LEGACY)
		return info->flags & OP_MMIO;
	return d->map == MAP_0F &&
	       ((d->opcode & 0xF6) == 0xB6 || d->opcode == 0xC3);
}

static enum mmiodec_status finish(struct mmiodec_insn *insn, uint8_t status)
{
	insn->status = status;
	return (enum mmiodec_status)status;
}

enum mmiodec_status mmiodec_decode(struct mmiodec_insn *insn,
				   const uint8_t *bytes, size_t len,
				   enum mmiodec_mode mode)
{
	if (!insn)
		return MMIODEC_BAD_ARGUMENT;
	*insn = (struct mmiodec_insn){ 0 };
	if (!bytes ||
	    (mode != MMIODEC_MODE_16 && mode != MMIODEC_MODE_32 &&
	     mode != MMIODEC_MODE_64)) {
		return finish(insn, MMIODEC_BAD_ARGUMENT);
	}

	struct decoder d = {
		.bytes = bytes,
		.avail = (uint8_t)(len < MMIODEC_MAX_LENGTH ? len : MMIODEC_MAX_LENGTH),
		.truncated_input = len < MMIODEC_MAX_LENGTH,
		.mode = (uint8_t)mode,
		.seg_override = -1,
		.status = MMIODEC_OK,
	};
	const struct opcode_info *info = 0;
	unsigned imm_kind = IMM_NONE;

	if (!decode_prefixes(&d))
		return finish(insn, d.status);
	set_sizes(&d);
	if (!decode_opcode(&d, &imm_kind, &info))
		return finish(insn, d.status);
	if (info) {
		if (info->flags & OP_MOD_IGNORED)
			d.modrm |= 0xC0;
		if (!check_form(&d, info) || !check_mpx(&d, info))
			return finish(insn, d.status);
		if (d.has_modrm && !decode_modrm_tail(&d))
			return finish(insn, d.status);
		if (d.map == MAP_LEGACY)
			imm_kind = legacy_group_immediate(&d, imm_kind);
	}
	unsigned imm_size = immediate_size(&d, imm_kind);
	uint64_t imm;
	if (!fetch_uint(&d, imm_size, &imm))
		return finish(insn, d.status);
	d.imm = imm;
	d.imm_size = (uint8_t)imm_size;
	if (info && (info->flags & OP_3DNOW)) {
		uint8_t suffix;
		if (!fetch(&d, &suffix))
			return finish(insn, d.status);
		if (!mmiodec_amd3dnow_valid(suffix))
			return finish(insn, MMIODEC_INVALID);
	}
	if (d.has_lock && !(info && lock_allowed(&d, info)))
		return finish(insn, MMIODEC_INVALID);
	if (d.bad_register || (info && register_out_of_range(&d, info)))
		return finish(insn, MMIODEC_INVALID);


	if (may_be_mmio(&d, info)) {
		insn->length = d.pos;
		insn->mode = (uint8_t)mode;
		insn->operand_size = d.operand_size;
		insn->address_size = d.address_size;
		if (describe_mmio(&d, insn))
			return finish(insn, MMIODEC_OK);
		*insn = (struct mmiodec_insn){ 0 };
	}

	/* Not an MMIO form: the length, and the mode that RIP wraps in. */
	insn->length = d.pos;
	insn->mode = (uint8_t)mode;
	bool modrm_mem = d.has_modrm && (d.modrm >> 6) != 3;
	bool touches = info ? ((modrm_mem && !(info->flags & OP_NO_ACCESS)) ||
			       (info->flags & OP_IMPLICIT_MEM))
			    : modrm_mem;
	return finish(insn, touches ? MMIODEC_UNSUPPORTED : MMIODEC_NO_MEMORY);
}
