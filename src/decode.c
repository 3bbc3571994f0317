/* SPDX-License-Identifier: MIT */
/*
 * The decoder: prefixes -> opcode and map -> ModRM/SIB/displacement ->
 * immediate -> validity -> MMIO semantics, moving forward through the
 * bytes; nothing is ever read at or past min(len, 15).
 *
 * Two paths: the fast one (decode_fast64_from(), 64-bit mode without 67)
 * for the common case, which keeps its state in locals, and
 * mmiodec_decode_general()
 * for everything, marked cold so that it is built for size. The general
 * path runs in stages (read_opcode, read_vex_form or read_modrm,
 * read_tail, describe_mmio) that hand on a struct decode_state, so that
 * only one stage's frame is on the stack at a time; where a row of
 * vendor.h names the bytes it reads them as both vendors. Both paths read
 * the displacement and immediate only for the MMIO forms: for everything
 * else the length is enough.
 *
 * Only the API is global: the opcode tables (tables.h) are part of this
 * file, and everything else here is static, so that two copies of the
 * library can be linked into one program or kernel.
 */
#include "mmiodec.h"
#include "compiler.h"
#include "decode.h"
#include "tables.h"
#include "vendor.h"
#include "forms.h"

enum {
	PREFIX_NONE = 0,
	PREFIX_66 = 1,
	PREFIX_F3 = 2,
	PREFIX_F2 = 3,
};

/* Internal status: the bytes ran out. The caller makes it TRUNCATED, or
 * INVALID once 15 bytes were given (the instruction is too long). */
#define OUT_OF_BYTES 0xFF
/* Internal statuses of the general path's stages: go on with the next
 * stage; the opcode byte leads a VEX-family payload. */
#define NEXT_STAGE 0xFD
#define VEX_LIKE 0xFC

struct prefixes {
	uint8_t rex;        /* 0 or 0x40..0x4F, directly before the opcode */
	uint8_t last_rep;   /* 0, 0xF2 or 0xF3: the last one given */
	int8_t seg;         /* -1 or enum mmiodec_seg: an override in effect */
	bool has_66, has_67, has_lock;
};

struct decode_state {
	const uint8_t *bytes;
	uint8_t mode;           /* 16, 32, 64 */
	struct prefixes p;
	uint8_t operand_size;   /* bytes: 2, 4, 8 */
	uint8_t address_size;   /* bits: 16, 32, 64 */
	uint8_t map;            /* MAP_* */
	uint8_t opcode;
	uint8_t modrm;
	bool has_modrm;
	bool has_sib;
	uint8_t sib;
	uint8_t disp_pos, disp_size;
	uint8_t imm_pos, imm_size;
	uint8_t length;
	uint8_t vendor_effect;  /* enum vendor_effect for the vendor decoded
	                           for, or VENDOR_NO_EFFECT */
	/* The general path's stages hand these on. */
	uint8_t vendor;         /* INTEL or AMD: whose reading */
	bool row_matched;       /* a row of vendor_rows[] names the bytes */
	uint8_t avail;          /* bytes that may be read: min(len, 15) */
	uint8_t pos;            /* the next byte to read */
	uint8_t imm_kind;       /* enum imm_kind */
	bool bad_register;      /* VEX family: see vex_form_valid() */
	uint8_t vex_at;         /* VEX and EVEX: where the payload starts */
	uint16_t flags;         /* info->flags */
	const struct opcode_info *info;  /* NULL for the VEX family */
};

/* Little-endian unsigned value of `size` (0, 1, 2, 4 or 8: displacements,
 * immediates and offsets) bytes, spelled out so that each is one load. */
static MMIODEC_ALWAYS_INLINE uint64_t load_le(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8;
	case 4:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		       (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
	case 8:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		       (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
		       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
		       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
	default:
		return 0;
	}
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
 * 2.2.1), so the loop forgets it when one comes after it. Returns the
 * position of the first byte that is neither.
 */
static unsigned read_prefixes(const uint8_t *bytes, unsigned avail, bool mode64,
			      struct prefixes *p)
{
	unsigned pos = 0;
	for (; pos < avail; pos++) {
		uint8_t b = bytes[pos];
		uint16_t flags = mmiodec_legacy_map[b].flags;
		if (flags & OP_REX) {
			if (!mode64)
				break;
			p->rex = b;
			continue;
		}
		if (!(flags & OP_PREFIX))
			break;
		p->rex = 0;
		switch (b) {
		case 0x66: p->has_66 = true; break;
		case 0x67: p->has_67 = true; break;
		case 0xF0: p->has_lock = true; break;
		case 0xF2: case 0xF3: p->last_rep = b; break;
		case 0x64: p->seg = MMIODEC_SEG_FS; break;
		case 0x65: p->seg = MMIODEC_SEG_GS; break;
		default:
			/* In 64-bit mode ES/CS/SS/DS overrides are ignored,
			 * and do not cancel an FS/GS one (SDM vol. 1 3.3.7.1). */
			if (!mode64)
				p->seg = (int8_t)((b >> 3) & 3);
			break;
		}
	}
	return pos;
}

/* The prefix that selects among 0F-map forms: the last of F2/F3, else 66. */
static unsigned mandatory_prefix(const struct prefixes *p)
{
	if (p->last_rep == 0xF3)
		return PREFIX_F3;
	if (p->last_rep == 0xF2)
		return PREFIX_F2;
	return p->has_66 ? PREFIX_66 : PREFIX_NONE;
}

static unsigned immediate_size(const struct decode_state *d, unsigned kind)
{
	unsigned z = d->operand_size == 2 ? 2 : 4;
	switch (kind) {
	case IMM_NONE: return 0;
	case IMM_B: return 1;
	case IMM_Z: return z;
	case IMM_W: return 2;
	case IMM_WB: return 3;
	case IMM_V: return d->operand_size;
	case IMM_JZ: return d->mode == 64 ? 4 : z;
	case IMM_AP: return z + 2;
	case IMM_MOFFS: return d->address_size / 8;
	case IMM_BB: return 2;
	case IMM_D: return 4;
	default: return 0;
	}
}

/*
 * VEX (C4/C5), XOP (8F), EVEX (62) and MVEX (62 with P1 bit 2 clear, which
 * the reference decoder takes as Knights Corner's encoding, 64-bit mode
 * only): the payload fixes map, pp, W, L and vvvv; the opcode and ModRM
 * pick a rule of the generated tables (see tools/gen-tables.c).
 */
struct vex_fields {
	uint8_t kind, map, pp, w, l, b, z, aaa;
	bool vvvv_unused;
};

/*
 * Checks a form against its rule, as far as ModRM. A register number the
 * form cannot take (k8, a GPR 16+...) is found, as by the reference
 * decoder, only once the whole instruction is read: noted in
 * bad_register.
 */
static MMIODEC_ALWAYS_INLINE bool
vex_form_valid(const struct decode_state *d, const struct vex_fields *f,
	       const uint8_t *rule, uint8_t p0, uint8_t p1, uint8_t modrm,
	       bool *bad_register)
{
	bool mode64 = d->mode == 64;
	bool is_reg = (modrm >> 6) == 3;
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
	if (vsib && ((modrm & 7) != 4 || d->address_size == 16))
		return false;
	if (!((rule[2] >> ((modrm >> 3) & 7)) & 1))
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
	*bad_register = (rule[3] & high) != 0;
	return true;
}

/* Reads the payload, opcode and ModRM of a VEX-family instruction whose
 * lead byte read_opcode() left in d->opcode, the payload at d->pos: sets
 * pos, map, opcode, modrm, has_modrm, imm_kind and bad_register. Returns
 * NEXT_STAGE, MMIODEC_INVALID or OUT_OF_BYTES. */
static MMIODEC_NOINLINE uint8_t read_vex_form(struct decode_state *d)
{
	const uint8_t *bytes = d->bytes;
	unsigned avail = d->avail, pos = d->pos;
	uint8_t lead = d->opcode;
	const struct prefixes *p = &d->p;
	uint8_t p0, p1 = 0, p2 = 0;
	struct vex_fields f = { 0 };
	unsigned payload = lead == 0xC5 ? 1 : lead == 0x62 ? 3 : 2;

	if (p->has_66 || p->last_rep || p->has_lock || p->rex)
		return MMIODEC_INVALID;
	if (pos + payload > avail)
		return OUT_OF_BYTES;
	d->vex_at = (uint8_t)pos;
	p0 = bytes[pos];
	if (lead == 0xC5) {
		f.kind = VEX_KIND_VEX;
		f.map = 1;
		p1 = p0 & 0x7F;    /* vvvv L pp sit where C4's P1 has them; W = 0 */
		p0 = (uint8_t)((p0 & 0x80) | 0x61);  /* R as C4's, X = B = 0, map 1 */
	} else if (lead == 0xC4 || lead == 0x8F) {
		p1 = bytes[pos + 1];
		f.kind = lead == 0xC4 ? VEX_KIND_VEX : VEX_KIND_XOP;
		f.map = p0 & 0x1F;
	} else {
		p1 = bytes[pos + 1];
		p2 = bytes[pos + 2];
		if (p0 & 0x08)
			return MMIODEC_INVALID;
		f.kind = (p1 & 0x04) ? VEX_KIND_EVEX : VEX_KIND_MVEX;
		if (f.kind == VEX_KIND_MVEX && d->mode != 64)
			return MMIODEC_INVALID;
		if (d->mode != 64 && !(p2 & 0x08))
			return MMIODEC_INVALID;   /* V' names zmm16+ */
		f.map = p0 & 0x0F;
		f.z = p2 >> 7;
		f.l = (p2 >> 5) & 3;
		f.b = (p2 >> 4) & 1;
		f.aaa = p2 & 7;
	}
	pos += payload;
	f.w = p1 >> 7;
	f.pp = p1 & 3;
	if (f.kind == VEX_KIND_VEX || f.kind == VEX_KIND_XOP)
		f.l = (p1 >> 2) & 1;
	f.vvvv_unused = ((p1 >> 3) & 0xF) == 0xF &&
			(f.kind < VEX_KIND_EVEX || (p2 & 0x08));

	if (pos >= avail)
		return OUT_OF_BYTES;
	uint8_t opcode = bytes[pos++];
	d->opcode = opcode;
	const uint8_t *rules = mmiodec_vex_rules_for(f.kind, f.map, opcode, f.pp);
	if (!rules)
		return MMIODEC_INVALID;

	if (f.kind == VEX_KIND_XOP) {
		d->map = (uint8_t)(MAP_XOP8 + f.map - 8);
		d->imm_kind = f.map == 8 ? IMM_B : f.map == 10 ? IMM_D : IMM_NONE;
	} else {
		d->map = f.kind == VEX_KIND_VEX ? MAP_VEX : MAP_EVEX;
		d->imm_kind = f.map == 3 || (f.map == 1 && mmiodec_map0f_has_imm8(opcode))
					? IMM_B : IMM_NONE;
	}
	bool knc_branch = f.kind == VEX_KIND_VEX &&
			  ((f.map == 1 && (opcode == 0x84 || opcode == 0x85)) ||
			   (f.map == 0 && (opcode == 0x74 || opcode == 0x75)));
	if (knc_branch || (f.kind == VEX_KIND_VEX && f.map == 1 && opcode == 0x77)) {
		/* VZEROUPPER/VZEROALL; Knights Corner's JKZD/JKNZD, rel32 in
		 * map 1 and rel8 in map 0, 64-bit mode only */
		d->has_modrm = false;
		d->modrm = 0xC0;
		if (knc_branch) {
			if (d->mode != 64)
				return MMIODEC_INVALID;
			d->imm_kind = f.map == 1 ? IMM_D : IMM_B;
		}
	} else {
		if (pos >= avail)
			return OUT_OF_BYTES;
		d->has_modrm = true;
		d->modrm = bytes[pos++];
	}
	d->pos = (uint8_t)pos;
	bool is_reg = (d->modrm >> 6) == 3;
	const uint8_t *rule = mmiodec_vex_rule(rules[(is_reg ? 2 : 0) + f.b]);
	if (!vex_form_valid(d, &f, rule, p0, p1, d->modrm, &d->bad_register))
		return MMIODEC_INVALID;
	return NEXT_STAGE;
}

/* Validity of what the tables say about this form, before the tail. */
static bool form_valid(const struct decode_state *d, const struct opcode_info *info)
{
	unsigned reg = (d->modrm >> 3) & 7;
	bool is_reg = (d->modrm >> 6) == 3;

	if ((info->flags & OP_INVALID64) && d->mode == 64)
		return false;
	if (!d->has_modrm)
		return true;
	uint8_t regs = is_reg ? info->reg_regs : info->mem_regs;
	if (!(regs & (1u << reg)))
		return false;
	if (is_reg && (info->flags & OP_RM_TABLE) &&
	    !mmiodec_rm_form_valid(d->map, d->opcode, mandatory_prefix(&d->p),
				   d->mode == 64, d->modrm))
		return false;
	return true;
}

/* MPX forms take no 16-bit addressing, and BNDLDX, BNDSTX (0F 1A/1B
 * without prefix) and BNDMK (F3 0F 1B) no RIP-relative operand (SDM vol. 1
 * 17.3.1). Checked once ModRM is known, before the displacement. */
static bool mpx_form_valid(const struct decode_state *d)
{
	unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
	if (mod == 3)
		return true;
	if (d->address_size == 16)
		return false;
	bool rip_relative = d->mode == 64 && mod == 0 && rm == 5;
	unsigned mandatory = mandatory_prefix(&d->p);
	bool no_rip = mandatory == PREFIX_NONE ||
		      (d->opcode == 0x1B && mandatory == PREFIX_F3);
	return !(rip_relative && no_rip);
}

/* REX.R (and REX.B) extend ModRM fields to registers that mostly do not
 * exist for control, debug and bound registers: of CR8..CR15 only CR8 (SDM
 * vol. 3 2.5), no DR8+, no BND4+ (BNDMOV, 66 0F 1A/1B, also has a bound
 * register in ModRM.rm). */
static bool register_out_of_range(const struct decode_state *d,
				  const struct opcode_info *info)
{
	unsigned reg = (d->modrm >> 3) & 7;
	bool is_reg = (d->modrm >> 6) == 3;
	uint8_t rex = d->p.rex;
	if (d->map != MAP_0F || !(rex & (REX_R | REX_B)))
		return false;
	switch (d->opcode) {
	case 0x20: case 0x22:
		return (rex & REX_R) && reg != 0;
	case 0x21: case 0x23:
		return rex & REX_R;
	case 0x1A: case 0x1B:
		if (!(info->flags & OP_MPX) ||
		    (is_reg ? info->reg_regs : info->mem_regs) != 0x0F)
			return false;
		return (rex & REX_R) ||
		       (is_reg && mandatory_prefix(&d->p) == PREFIX_66 &&
			(rex & REX_B));
	default:
		return false;
	}
}

/* LOCK is legal only on the read-modify-write forms with a memory
 * destination (SDM vol. 2, LOCK). */
static bool lock_allowed(const struct decode_state *d, const struct opcode_info *info)
{
	if (!d->has_modrm || (d->modrm >> 6) == 3)
		return false;
	return info->lock_regs & (1u << ((d->modrm >> 3) & 7));
}

/* TEST in group 3 (F6/F7 /0 and /1) is the only one-byte form whose
 * immediate depends on ModRM.reg. */
static unsigned legacy_group_immediate(uint8_t modrm, unsigned kind)
{
	unsigned reg = (modrm >> 3) & 7;
	if (kind == IMM_GRP3B)
		return reg < 2 ? IMM_B : IMM_NONE;
	if (kind == IMM_GRP3Z)
		return reg < 2 ? IMM_Z : IMM_NONE;
	return kind;
}

/* Displacement bytes in 32/64-bit addressing, by mod (0..2) and the base
 * field: ModRM.rm, or SIB.base when there is a SIB byte. */
static unsigned disp_size32(unsigned mod, unsigned base_field)
{
	return mod == 1 ? 1 : (mod == 2 || (mod == 0 && base_field == 5)) ? 4 : 0;
}

/*
 * SIB and displacement after a memory ModRM (SDM vol. 2 tables 2-1 to
 * 2-3): fills has_sib, sib, disp_pos and disp_size. Returns false when the
 * SIB byte is missing.
 */
static bool read_modrm_tail(struct decode_state *d, unsigned *pos, unsigned avail)
{
	unsigned mod = d->modrm >> 6, rm = d->modrm & 7;
	unsigned disp_size;

	if (d->address_size == 16) {
		disp_size = mod == 1 ? 1 : (mod == 2 || (mod == 0 && rm == 6)) ? 2 : 0;
	} else {
		if (rm == 4) {
			if (*pos >= avail)
				return false;
			d->sib = d->bytes[(*pos)++];
			d->has_sib = true;
			rm = d->sib & 7;
		}
		disp_size = disp_size32(mod, rm);
	}
	d->disp_pos = (uint8_t)*pos;
	d->disp_size = (uint8_t)disp_size;
	*pos += disp_size;
	return true;
}

/*
 * The supported forms (src/forms.h), as the generated tables give them:
 * what each does, its operands and how its width follows from the
 * operand size.
 */
struct form_info {
	uint8_t op;          /* enum mmiodec_op */
	uint8_t pattern;     /* enum mmiodec_form_pattern */
	uint8_t width;       /* enum mmiodec_form_width */
	uint8_t flags;       /* enum mmiodec_dir | FORM_* */
};
/* What follows from the pattern and op, worked out by the generator. */
enum {
	FORM_ZERO_EXTEND = MMIODEC_EXTEND_ZERO << 2,
	FORM_SIGN_EXTEND = MMIODEC_EXTEND_SIGN << 2,
	FORM_IMM_UNSIGNED = 1 << 4,  /* a count or bit offset */
	FORM_REG_FIRST = 1 << 5,     /* r, m (reg_first) */
	FORM_NO_MODRM_REG = 1 << 6,  /* ModRM.reg names no register */
	FORM_SPECIAL = 1 << 7,       /* see describe_special() */
};
#define FORM_DIRECTION(f) ((f)->flags & 3)
#define FORM_EXTEND(f) (((f)->flags >> 2) & 3)

/* A vector or portal form (MMIODEC_VECTOR_FORMS). */
struct vector_form_info {
	uint8_t op;          /* enum mmiodec_op */
	uint8_t pattern;     /* FP_R_M, FP_M_R, FP_R_V_M or FP_COPY */
	uint8_t width;       /* enum mmiodec_form_width */
	uint8_t reg;         /* enum mmiodec_form_register */
	uint8_t element;     /* what an opmask selects, in bytes; 0: no mask */
	uint8_t aligned;     /* the address must be aligned */
};

#include "generated/forms.inc"

/* Bytes by enum mmiodec_form_width and operand size 2, 4, 8 (indexed by
 * size / 4). */
static const uint8_t width_by_rule[7][3] = {
	[FW_BYTE] = { 1, 1, 1 },
	[FW_WORD] = { 2, 2, 2 },
	[FW_OPERAND] = { 2, 4, 8 },
	[FW_MOVSXD] = { 2, 4, 4 },
	[FW_MOVNTI] = { 4, 4, 8 },
	[FW_DWORD] = { 4, 4, 4 },
	[FW_DOUBLE] = { 8, 8, 16 },
};

/* The form of an opcode (with its ModRM byte, for a group), 0, or
 * FORM_SLOT_BASE + the slot of vector_slots that the mandatory prefix, VEX
 * or EVEX, and W pick from. The caller rules out 63 outside 64-bit mode
 * (ARPL) and F2 0F 38 F0/F1 (CRC32). */
static MMIODEC_ALWAYS_INLINE unsigned form_of(unsigned map, unsigned opcode,
					      uint8_t modrm)
{
	unsigned entry;
	if (map == MAP_LEGACY)
		entry = forms_legacy[opcode];
	else if (map == MAP_0F)
		entry = forms_0f[opcode];
	else if (map == MAP_0F38)
		entry = forms_0f38[opcode];
	else
		return 0;
	if (entry >= FORM_GROUP_BASE && entry < FORM_SLOT_BASE)
		entry = form_groups[entry - FORM_GROUP_BASE][(modrm >> 3) & 7];
	return entry;
}

/* The register in ModRM.reg (or the accumulator) at an operand width:
 * without REX, byte registers 4..7 are AH..BH. */
static void set_register(struct mmiodec_insn *insn, unsigned rex,
			 unsigned number, unsigned width)
{
	if (width == 1 && !rex && number >= 4 && number < 8) {
		insn->reg = (uint8_t)(number - 4);
		insn->reg_kind = MMIODEC_REG_KIND_GPR_HIGH8;
	} else {
		insn->reg = (uint8_t)number;
		insn->reg_kind = MMIODEC_REG_KIND_GPR;
	}
}

/* The forms whose register or immediate is implied (shifts by one or by
 * CL, the accumulator of MUL, DIV and CMPXCHG8B), with a condition, or
 * locked without LOCK (XCHG). */
static MMIODEC_NOINLINE void describe_special(struct mmiodec_insn *insn,
					      const struct form_info *f,
					      unsigned opcode)
{
	unsigned width = insn->width;
	switch (f->pattern) {
	case FP_M_1:
		insn->has_immediate = true;
		insn->immediate = 1;
		break;
	case FP_M_CL:
		set_register(insn, 0, MMIODEC_RCX, 1);
		insn->dest_width = 1;
		break;
	case FP_M_A:
		/* as Zydis names it: AL for MUL, AX for a byte DIV, EAX or
		 * RAX for CMPXCHG8B/16B (REX.W makes it 16B) */
		if (f->width == FW_DOUBLE) {
			/* halves of 4 bytes whatever 66 says, 8 with REX.W */
			width /= 2;
			insn->operand_size = (uint8_t)width;
			if (width == 8)
				insn->op = MMIODEC_OP_CMPXCHG16B;
		} else if (width == 1 && (f->op == MMIODEC_OP_DIV ||
					  f->op == MMIODEC_OP_IDIV)) {
			width = 2;
		}
		set_register(insn, 0, MMIODEC_RAX, width);
		insn->dest_width = (uint8_t)width;
		break;
	default:
		break;
	}
	if (f->op == MMIODEC_OP_SETCC || f->op == MMIODEC_OP_CMOVCC)
		insn->condition = opcode & 15;
	if (f->op == MMIODEC_OP_XCHG)
		insn->locked = true;
}

/*
 * What a ModRM form does, onto a descriptor whose mem[0] is filled but
 * for its access: op, direction, widths, register, immediate.
 */
static MMIODEC_ALWAYS_INLINE void
describe_form(struct mmiodec_insn *insn, const struct form_info *f,
	      unsigned width_rule, unsigned operand_size,
	      unsigned rex, uint8_t modrm, bool lock, const uint8_t *imm,
	      unsigned imm_size)
{
	unsigned width = width_by_rule[width_rule][operand_size / 4];
	unsigned direction = FORM_DIRECTION(f);
	unsigned extend = FORM_EXTEND(f);
	/* MOVZX, MOVSX, MOVSXD: the register is at the operand size */
	unsigned reg_width = extend ? operand_size : width;

	insn->op = f->op;
	insn->direction = (uint8_t)direction;
	insn->extend = (uint8_t)extend;
	insn->width = (uint8_t)width;
	insn->dest_width = (uint8_t)reg_width;
	insn->mem_count = 1;
	insn->mem[0].access = (uint8_t)direction;
	insn->locked = lock;
	insn->reg_first = (f->flags & FORM_REG_FIRST) != 0;
	if (!(f->flags & FORM_NO_MODRM_REG))
		set_register(insn, rex, ((modrm >> 3) & 7) | (rex & REX_R ? 8 : 0),
			     reg_width);
	if (imm_size) {
		/* imm8 or imm16/32, sign-extended to 64 bits unless it is a
		 * count or bit offset, kept to the operand's width (read by
		 * branches: clang makes load_le()'s switch a jump table here,
		 * 7 instructions per MOV-mix decode) */
		uint64_t value = imm_size == 1 ? load_le(imm, 1)
				 : imm_size == 4 ? load_le(imm, 4) : load_le(imm, 2);
		if (!(f->flags & FORM_IMM_UNSIGNED))
			value = (uint64_t)sign_extend(value, imm_size);
		if (width < 8)
			value &= (1ull << (8 * width)) - 1;
		insn->has_immediate = true;
		insn->immediate = value;
	}
}

/*
 * The memory operand of a ModRM byte in 32- or 64-bit addressing (SDM
 * vol. 2 tables 2-2 and 2-3), without the segment override. The
 * displacement comes from the caller.
 */
static MMIODEC_ALWAYS_INLINE void modrm_memory(struct mmiodec_mem *m, uint8_t modrm, int sib,
			 unsigned rex, bool mode64)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	unsigned base = rm | (rex & REX_B ? 8 : 0);

	m->index = MMIODEC_NO_REG;
	m->scale = 0;
	if (sib >= 0) {
		unsigned index = ((sib >> 3) & 7) | (rex & REX_X ? 8 : 0);
		if (index != 4) {
			m->index = (uint8_t)index;
			m->scale = (uint8_t)(1u << (sib >> 6));
		}
		base = (sib & 7) | (rex & REX_B ? 8 : 0);
		if (mod == 0 && (sib & 7) == 5)
			base = MMIODEC_NO_REG;
	} else if (mod == 0 && rm == 5) {
		base = mode64 ? MMIODEC_RIP : MMIODEC_NO_REG;
	}
	m->base = (uint8_t)base;
	m->segment = base == MMIODEC_RSP || base == MMIODEC_RBP ? MMIODEC_SEG_SS
								: MMIODEC_SEG_DS;
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

/* The same in 16-bit addressing (SDM vol. 2 table 2-1). */
static MMIODEC_ALWAYS_INLINE void modrm_memory16(struct mmiodec_mem *m, uint8_t modrm)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;

	m->base = MMIODEC_NO_REG;
	m->index = MMIODEC_NO_REG;
	m->scale = 0;
	m->segment = MMIODEC_SEG_DS;
	if (!(mod == 0 && rm == 6)) {
		m->base = base16[rm];
		m->index = index16[rm];
		m->scale = m->index != MMIODEC_NO_REG;
		m->segment = seg_for_base16[rm];
	}
}

/* read_prefixes() keeps only the overrides that take effect. */
static uint8_t effective_segment(const struct decode_state *d, uint8_t implied)
{
	return d->p.seg < 0 ? implied : (uint8_t)d->p.seg;
}

/* MOVS, STOS, LODS: rDI is always ES:[rDI]; rSI takes the segment
 * override. Zydis names F2 "repne" even here, where the CPU repeats MOVS,
 * STOS and LODS under either prefix without looking at ZF. */
static void describe_string(const struct decode_state *d, struct mmiodec_insn *insn)
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
		set_register(insn, d->p.rex, MMIODEC_RAX, width);
	} else {
		insn->op = MMIODEC_OP_LODS;
		insn->direction = MMIODEC_DIR_READ;
		insn->reg_first = true;     /* Zydis: al, [rsi] */
		insn->mem[0] = src;
		insn->mem_count = 1;
		set_register(insn, d->p.rex, MMIODEC_RAX, width);
	}
	if (d->p.last_rep == 0xF3)
		insn->rep = MMIODEC_REP_REP;
	else if (d->p.last_rep == 0xF2)
		insn->rep = MMIODEC_REP_REPNE;
	insn->repeat = insn->rep != MMIODEC_REP_NONE;
}

/* MOV with a moffs operand (A0-A3): the accumulator and an absolute
 * offset of the address size. */
static void describe_moffs(const struct decode_state *d, struct mmiodec_insn *insn)
{
	unsigned op = d->opcode;
	uint8_t width = (op & 1) ? d->operand_size : 1;

	insn->op = MMIODEC_OP_MOV;
	insn->width = width;
	insn->dest_width = width;
	insn->direction = (op & 2) ? MMIODEC_DIR_WRITE : MMIODEC_DIR_READ;
	insn->reg_first = !(op & 2);
	set_register(insn, d->p.rex, MMIODEC_RAX, width);
	insn->mem_count = 1;
	insn->mem[0] = (struct mmiodec_mem){
		.displacement = sign_extend(load_le(d->bytes + d->imm_pos, d->imm_size),
					    d->imm_size),
		.segment = effective_segment(d, MMIODEC_SEG_DS),
		.base = MMIODEC_NO_REG, .index = MMIODEC_NO_REG,
		.address_size = d->address_size, .access = insn->direction,
	};
}

/* The form of a legacy, 0F or 0F 38 instruction, or 0. */
static unsigned form_of_state(const struct decode_state *d)
{
	if ((d->map == MAP_LEGACY && d->opcode == 0x63 && d->mode != 64) ||
	    (d->map == MAP_0F38 && (d->opcode & 0xFE) == 0xF0 &&
	     mandatory_prefix(&d->p) == PREFIX_F2))
		return 0;
	return form_of(d->map, d->opcode, d->modrm);
}

/* The memory operand of ModRM, with its segment and displacement (EVEX's
 * disp8 scaled by disp8_scale), for the REX (or VEX-family) bits in rex. */
static MMIODEC_ALWAYS_INLINE void describe_modrm_memory(const struct decode_state *d,
				  struct mmiodec_mem *m, unsigned rex,
				  unsigned disp8_scale)
{
	if (d->address_size == 16)
		modrm_memory16(m, d->modrm);
	else
		modrm_memory(m, d->modrm, d->has_sib ? d->sib : -1, rex, d->mode == 64);
	m->segment = effective_segment(d, m->segment);
	int64_t disp = sign_extend(load_le(d->bytes + d->disp_pos, d->disp_size),
				   d->disp_size);
	if (d->disp_size == 1)
		disp *= (int64_t)disp8_scale;
	m->displacement = disp;
	m->address_size = d->address_size;
}

/* The payload of a VEX (C5 as C4: P0 = R X B map, P1 = W vvvv L pp) or
 * EVEX instruction, read again from where read_vex_form() found it. */
static void vex_payload(const struct decode_state *d, unsigned *p0,
			unsigned *p1, unsigned *p2)
{
	const uint8_t *p = d->bytes + d->vex_at;
	if (p[-1] == 0xC5) {
		*p0 = (p[0] & 0x80) | 0x61;
		*p1 = p[0] & 0x7F;
	} else {
		*p0 = p[0];
		*p1 = p[1];
		*p2 = p[-1] == 0x62 ? p[2] : 0;
	}
}

/* The VEX or EVEX map (1: 0F, 2: 0F 38...) of the instruction; 0 for
 * MVEX (62 with P1 bit 2 clear: Knights Corner's, no supported form). */
static unsigned vex_map_of(const struct decode_state *d)
{
	const uint8_t *p = d->bytes + d->vex_at;
	if (p[-1] == 0xC5)
		return 1;
	if (p[-1] == 0x62)
		return p[1] & 0x04 ? p[0] & 0x0F : 0;
	return p[0] & 0x1F;
}

/*
 * A vector or portal form (MMIODEC_VECTOR_FORMS): the slot of
 * vector_slots its opcode has, read as `encoding` (FE_LEGACY, FE_VEX,
 * FE_EVEX). Returns false when the prefix and W select none of them.
 */
static MMIODEC_NOINLINE bool describe_vector(const struct decode_state *d,
					     struct mmiodec_insn *insn,
					     unsigned slot, unsigned encoding)
{
	bool legacy = encoding == FE_LEGACY, evex = encoding == FE_EVEX;
	unsigned p0 = 0, p1 = 0, p2 = 0;
	if (!legacy)
		vex_payload(d, &p0, &p1, &p2);
	bool mode64 = d->mode == MMIODEC_MODE_64;
	unsigned prefix = legacy ? mandatory_prefix(&d->p) : (p1 & 3);
	unsigned w = legacy ? (d->p.rex & REX_W) != 0 : p1 >> 7;
	/* Outside 64-bit mode VEX/EVEX.W names no 64-bit register: VMOVQ
	 * xmm, r/m64 reads as VMOVD there (and R, X, B, R', V' extend
	 * nothing: eight registers) */
	if (!mode64 && (d->opcode & 0xEF) == 0x6E)
		w = 0;
	const struct vector_form_info *v =
		&vector_infos[vector_slots[slot][encoding][prefix][w]];

	if (!v->op || !d->has_modrm || (d->modrm >> 6) == 3)
		return false;
	/* VEX.R, X, B are REX's, inverted; EVEX.R' adds 16 to ModRM.reg */
	unsigned rex = legacy ? d->p.rex
			      : (mode64 ? (~p0 >> 5) & 7 : 0) | (w ? REX_W : 0);
	unsigned reg = ((d->modrm >> 3) & 7) | (rex & REX_R ? 8 : 0);
	if (evex && mode64 && !(p0 & 0x10))
		reg |= 16;
	unsigned vl = evex ? 16u << ((p2 >> 5) & 3) : legacy ? 16 : 16u << ((p1 >> 2) & 1);
	unsigned width;
	switch (v->width) {
	case FW_4: width = 4; break;
	case FW_8: width = 8; break;
	case FW_16: width = 16; break;
	case FW_64: width = 64; break;
	case FW_VL: width = vl; break;
	default: width = width_by_rule[v->width][d->operand_size / 4]; break;
	}

	/* a mandatory 66 selects the form: it sizes no operand */
	unsigned operand_size = d->operand_size;
	if (legacy && prefix == PREFIX_66 && operand_size != 8)
		operand_size = d->mode == MMIODEC_MODE_16 ? 2 : 4;
	*insn = (struct mmiodec_insn){
		.status = MMIODEC_OK, .length = d->length, .mode = d->mode,
		.op = v->op, .width = (uint8_t)width, .mem_count = 1,
		.operand_size = (uint8_t)operand_size, .address_size = d->address_size,
	};
	struct mmiodec_mem *m = &insn->mem[v->pattern == FP_COPY];
	describe_modrm_memory(d, m, rex, evex ? width : 1);
	unsigned direction = v->pattern == FP_M_R ? MMIODEC_DIR_WRITE
			     : v->pattern == FP_COPY ? MMIODEC_DIR_READ_WRITE
						     : MMIODEC_DIR_READ;
	insn->direction = (uint8_t)direction;
	insn->reg_first = direction == MMIODEC_DIR_READ;
	m->access = (uint8_t)(direction == MMIODEC_DIR_READ_WRITE ? MMIODEC_DIR_READ
								  : direction);
	if (v->aligned && v->pattern != FP_COPY)   /* FP_COPY: the destination */
		m->align = (uint8_t)width;
	if (evex && (p2 & 7) && v->element) {
		insn->mask = (uint8_t)(p2 & 7);
		insn->zeroing = (uint8_t)(p2 >> 7);
		m->element = v->element;
	}
	if (v->pattern == FP_R_V_M)
		insn->reg2 = (uint8_t)(mode64 ? ((~p1 >> 3) & 15) | (evex && !(p2 & 8) ? 16 : 0)
					      : (~p1 >> 3) & 7);

	switch (v->reg) {
	case FR_MMX:
		insn->reg_kind = MMIODEC_REG_KIND_MMX;
		insn->reg = (uint8_t)(reg & 7);
		insn->dest_width = 8;
		break;
	case FR_XMM:
	case FR_VL: {
		unsigned size = v->reg == FR_XMM ? 16 : vl;
		insn->reg_kind = (uint8_t)(size == 64 ? MMIODEC_REG_KIND_ZMM
					   : size == 32 ? MMIODEC_REG_KIND_YMM
							: MMIODEC_REG_KIND_XMM);
		insn->reg = (uint8_t)reg;
		insn->dest_width = (uint8_t)size;
		break;
	}
	case FR_GPR:
		set_register(insn, rex, reg, width);
		insn->dest_width = (uint8_t)width;
		break;
	default: {
		/* MOVDIR64B, ENQCMD: the destination ES:[reg], at the address
		 * size, aligned to 64; [m] is the source */
		unsigned asize = d->address_size / 8;
		set_register(insn, rex, reg, asize);
		insn->dest_width = (uint8_t)asize;
		insn->mem_count = 2;
		insn->mem[0] = (struct mmiodec_mem){
			.segment = MMIODEC_SEG_ES, .base = (uint8_t)reg,
			.index = MMIODEC_NO_REG, .address_size = d->address_size,
			.access = MMIODEC_DIR_WRITE, .align = 64,
		};
		insn->reg_first = true;     /* MOVDIR64B r, m */
		break;
	}
	}
	return true;
}

/*
 * The supported forms: fills the whole descriptor and returns true, or
 * returns false when the form is not one of them (the caller then
 * classifies it as NO_MEMORY or UNSUPPORTED).
 */
static MMIODEC_NOINLINE bool describe_mmio(const struct decode_state *d,
					   struct mmiodec_insn *insn)
{
	if (!d->info) {
		/* VEX and EVEX: the vector forms of maps 1 (0F) and 2 (0F 38) */
		unsigned map = d->map == MAP_VEX || d->map == MAP_EVEX ? vex_map_of(d) : 0;
		unsigned entry = map == 1 ? forms_0f[d->opcode]
				 : map == 2 ? forms_0f38[d->opcode] : 0;
		if (entry < FORM_SLOT_BASE)
			return false;
		return describe_vector(d, insn, entry - FORM_SLOT_BASE,
				       d->map == MAP_VEX ? FE_VEX : FE_EVEX);
	}
	unsigned entry = form_of_state(d);
	if (entry >= FORM_SLOT_BASE)
		return describe_vector(d, insn, entry - FORM_SLOT_BASE, FE_LEGACY);
	const struct form_info *f = &form_infos[entry];
	bool moffs = f->pattern == FP_A_MOFFS || f->pattern == FP_MOFFS_A;
	bool string = f->pattern == FP_STRING;

	if (!f->op || (!moffs && !string && (!d->has_modrm || (d->modrm >> 6) == 3)))
		return false;
	*insn = (struct mmiodec_insn){
		.status = MMIODEC_OK, .length = d->length, .mode = d->mode,
		.operand_size = d->operand_size, .address_size = d->address_size,
	};
	if (moffs) {
		describe_moffs(d, insn);
	} else if (string) {
		describe_string(d, insn);
	} else {
		describe_modrm_memory(d, &insn->mem[0], d->p.rex, 1);
		/* AMD's MOVSXD r16, m32: the dword's bits 15:0 land in r16 */
		unsigned width_rule = d->vendor_effect == VENDOR_READS_DWORD &&
				      f->width == FW_MOVSXD ? FW_DWORD : f->width;
		describe_form(insn, f, width_rule, d->operand_size, d->p.rex,
			      d->modrm, d->p.has_lock, d->bytes + d->imm_pos, d->imm_size);
		if (f->flags & FORM_SPECIAL)
			describe_special(insn, f, d->opcode);
	}
	return true;
}

/* A descriptor with only status (and, for a valid instruction, its length
 * and mode) set. */
static enum mmiodec_status finish(struct mmiodec_insn *insn, uint8_t status,
				  unsigned length, unsigned mode)
{
	*insn = (struct mmiodec_insn){
		.status = status, .length = (uint8_t)length, .mode = (uint8_t)mode,
	};
	return (enum mmiodec_status)status;
}

/* finish() out of line, for the general path: its stack stays smaller. */
static MMIODEC_NOINLINE enum mmiodec_status
finish_general(struct mmiodec_insn *insn, uint8_t status, unsigned length,
	       unsigned mode)
{
	return finish(insn, status, length, mode);
}

/* The row of vendor_rows[] that these bytes fall under, or NULL: with
 * by_modrm, among the rows that look at ModRM (the whole instruction is
 * read), else among the others (the opcode is known). */
static const struct vendor_row *vendor_row_of(const struct decode_state *d,
					      bool by_modrm)
{
	if (d->map > MAP_0F38 ||
	    !((vendor_opcodes[d->map][d->opcode >> 5] >> (d->opcode & 31)) & 1))
		return NULL;
	unsigned mode_bit = d->mode == 64 ? VENDOR_IN_64
			    : d->mode == 32 ? VENDOR_IN_32 : VENDOR_IN_16;
	unsigned mandatory = mandatory_prefix(&d->p);
	for (unsigned i = 0; i < MMIODEC_ARRAY_SIZE(vendor_rows); i++) {
		const struct vendor_row *r = &vendor_rows[i];
		bool looks_at_modrm = r->modrm_mask || (r->when & VENDOR_MEMORY);
		if (r->map != d->map || d->opcode < r->first ||
		    d->opcode > r->last || !(r->when & mode_bit) ||
		    looks_at_modrm != by_modrm)
			continue;
		if (by_modrm &&
		    (!d->has_modrm || (d->modrm & r->modrm_mask) != r->modrm_value ||
		     ((r->when & VENDOR_MEMORY) && (d->modrm >> 6) == 3)))
			continue;
		if (((r->when & VENDOR_NO_PREFIX) && mandatory != PREFIX_NONE) ||
		    ((r->when & VENDOR_PREFIX_66) && mandatory != PREFIX_66) ||
		    ((r->when & VENDOR_PREFIX_F3) && mandatory != PREFIX_F3))
			continue;
		if ((r->when & VENDOR_OPSIZE16) && d->operand_size != 2)
			continue;
		if ((r->when & VENDOR_LOCKED) && !d->p.has_lock)
			continue;
		return r;
	}
	return NULL;
}

/* Notes a row of vendor_rows[] that the bytes fall under (see
 * vendor_row_of()), and its effect when it is for the vendor decoded for. */
static void note_vendor_row(struct decode_state *d, bool by_modrm)
{
	const struct vendor_row *row = vendor_row_of(d, by_modrm);
	if (row) {
		d->row_matched = true;
		if (row->vendor == d->vendor)
			d->vendor_effect = row->effect;
	}
}

/* AMD's LOCK MOV CR0, which reaches CR8: only ModRM.reg 0 without REX.R. */
static bool lock_cr8_allowed(const struct decode_state *d)
{
	return d->vendor_effect == VENDOR_LOCK_CR8 &&
	       ((d->modrm >> 3) & 7) == 0 && !(d->p.rex & REX_R);
}

/*
 * The general path in stages, each its own function so that only one
 * stage's frame is on the stack at a time (a single function of them all
 * needs over 300 bytes under clang). Each returns NEXT_STAGE, VEX_LIKE,
 * OUT_OF_BYTES or a final status, and hands on what it read in *d.
 */

/* Prefixes, then the opcode and its map, as far as the table entry. */
static MMIODEC_NOINLINE uint8_t read_opcode(struct decode_state *d)
{
	const uint8_t *bytes = d->bytes;
	unsigned avail = d->avail, pos = 0;
	bool mode64 = d->mode == MMIODEC_MODE_64;

	if (avail == 0)
		return OUT_OF_BYTES;
	uint8_t b = bytes[0];
	uint16_t flags = mmiodec_legacy_map[b].flags;
	if (flags & (OP_PREFIX | OP_REX)) {
		pos = read_prefixes(bytes, avail, mode64, &d->p);
		if (pos >= avail)
			return OUT_OF_BYTES;
		b = bytes[pos];
		flags = mmiodec_legacy_map[b].flags;
	}
	pos++;

	if (mode64) {
		d->address_size = d->p.has_67 ? 32 : 64;
		d->operand_size = (d->p.rex & REX_W) ? 8 : d->p.has_66 ? 2 : 4;
	} else {
		bool wide = d->mode == MMIODEC_MODE_32;
		d->address_size = wide != d->p.has_67 ? 32 : 16;
		d->operand_size = wide != d->p.has_66 ? 4 : 2;
	}

	const struct opcode_info *info = &mmiodec_legacy_map[b];
	d->map = MAP_LEGACY;
	d->opcode = b;
	if (flags & OP_ESCAPE) {
		if (b == 0x0F) {
			if (pos >= avail)
				return OUT_OF_BYTES;
			b = bytes[pos++];
			d->map = MAP_0F;
			if (b == 0x38 || b == 0x3A) {
				d->map = b == 0x38 ? MAP_0F38 : MAP_0F3A;
				if (pos >= avail)
					return OUT_OF_BYTES;
				b = bytes[pos++];
			}
			d->opcode = b;
			info = mmiodec_map0f_info(d->map, b, mandatory_prefix(&d->p),
						  mode64);
			flags = info->flags;
		} else {
			/* Whether it is VEX or LES/LDS/BOUND/POP needs the
			 * next byte; either way the instruction continues. */
			if (pos >= avail)
				return OUT_OF_BYTES;
			uint8_t next = bytes[pos];
			if (b == 0x8F ? (next & 0x1F) >= 8
				      : mode64 || (next & 0xC0) == 0xC0) {
				d->pos = (uint8_t)pos;
				return VEX_LIKE;
			}
		}
	}
	d->pos = (uint8_t)pos;
	d->info = info;
	d->flags = flags;
	return NEXT_STAGE;
}

/* A legacy or 0F-map form: its vendor row, ModRM and validity. */
static MMIODEC_NOINLINE uint8_t read_modrm(struct decode_state *d)
{
	const struct opcode_info *info = d->info;
	note_vendor_row(d, false);
	if (d->vendor_effect == VENDOR_INVALID)
		return MMIODEC_INVALID;
	unsigned imm_kind = d->vendor_effect == VENDOR_REL16 ? IMM_W : info->imm;
	d->has_modrm = (d->flags & OP_MODRM) && d->vendor_effect != VENDOR_NO_MODRM;
	if (d->has_modrm) {
		if (d->pos >= d->avail)
			return OUT_OF_BYTES;
		d->modrm = d->bytes[d->pos++];
		if (d->flags & OP_MOD_IGNORED)
			d->modrm |= 0xC0;
	}
	if (!form_valid(d, info) || ((d->flags & OP_MPX) && !mpx_form_valid(d)))
		return MMIODEC_INVALID;
	if (d->map == MAP_LEGACY)
		imm_kind = legacy_group_immediate(d->modrm, imm_kind);
	d->imm_kind = (uint8_t)imm_kind;
	return NEXT_STAGE;
}

/* SIB, displacement, immediate (and a 3DNow! suffix), then the checks that
 * need the whole instruction; sets d->length. */
static MMIODEC_NOINLINE uint8_t read_tail(struct decode_state *d)
{
	const struct opcode_info *info = d->info;
	unsigned avail = d->avail, pos = d->pos;

	if (d->has_modrm && (d->modrm >> 6) != 3 && !read_modrm_tail(d, &pos, avail))
		return OUT_OF_BYTES;
	d->imm_pos = (uint8_t)pos;
	d->imm_size = (uint8_t)immediate_size(d, d->imm_kind);
	pos += d->imm_size;
	if (pos > avail)
		return OUT_OF_BYTES;
	if (info && (d->flags & OP_3DNOW)) {
		if (pos >= avail)
			return OUT_OF_BYTES;
		if (!mmiodec_amd3dnow_valid(d->bytes[pos++]))
			return MMIODEC_INVALID;
	}
	if (d->p.has_lock && !(info && lock_allowed(d, info)) &&
	    !lock_cr8_allowed(d))
		return MMIODEC_INVALID;
	if (d->bad_register || (info && register_out_of_range(d, info)))
		return MMIODEC_INVALID;
	/* Rows that look at ModRM decide once all of the bytes are there
	 * (until then the instruction is truncated, for either vendor). */
	if (info)
		note_vendor_row(d, true);
	if (d->vendor_effect == VENDOR_INVALID)
		return MMIODEC_INVALID;
	d->length = (uint8_t)pos;
	return NEXT_STAGE;
}

/* Every form, in every mode, as `vendor` (INTEL or AMD) reads it; sets
 * *row_matched when the bytes fall under a row of vendor_rows[], whoever
 * it is for. */
static MMIODEC_ALWAYS_INLINE enum mmiodec_status
decode_as(struct mmiodec_insn *insn, const uint8_t *bytes, size_t len,
	  enum mmiodec_mode mode, unsigned vendor, bool *row_matched)
{
	if (!bytes ||
	    (mode != MMIODEC_MODE_16 && mode != MMIODEC_MODE_32 &&
	     mode != MMIODEC_MODE_64))
		return finish_general(insn, MMIODEC_BAD_ARGUMENT, 0, 0);

	struct decode_state d = {
		.bytes = bytes, .mode = (uint8_t)mode, .p = { .seg = -1 },
		.vendor = (uint8_t)vendor,
		.avail = (uint8_t)(len < MMIODEC_MAX_LENGTH ? len : MMIODEC_MAX_LENGTH),
	};
	uint8_t status = read_opcode(&d);
	if (status == VEX_LIKE)
		status = read_vex_form(&d);
	else if (status == NEXT_STAGE)
		status = read_modrm(&d);
	if (status == NEXT_STAGE)
		status = read_tail(&d);
	*row_matched = d.row_matched;
	if (status == OUT_OF_BYTES)
		return finish_general(insn, len < MMIODEC_MAX_LENGTH ? MMIODEC_TRUNCATED
							     : MMIODEC_INVALID, 0, 0);
	if (status != NEXT_STAGE)
		return finish_general(insn, status, 0, 0);

	if (describe_mmio(&d, insn))
		return MMIODEC_OK;

	/* Not an MMIO form: the length, and the mode that RIP wraps in. */
	bool modrm_mem = d.has_modrm && (d.modrm >> 6) != 3;
	bool touches = d.info ? ((modrm_mem && !(d.flags & OP_NO_ACCESS)) ||
				 (d.flags & OP_IMPLICIT_MEM))
			      : modrm_mem;
	return finish_general(insn, touches ? MMIODEC_UNSUPPORTED : MMIODEC_NO_MEMORY,
		      d.length, mode);
}

/* What a vendor row can change (see src/vendor.h). */
static uint32_t vendor_answer(const struct mmiodec_insn *insn)
{
	return (uint32_t)insn->status | (uint32_t)insn->length << 8 |
	       (uint32_t)insn->width << 16;
}

/*
 * Every form, in every mode, for any vendor. Bytes that fall under a
 * vendor row are read as both vendors (in a loop, so that decode_as() is
 * expanded once and the stack holds one descriptor, the caller's): the
 * vendor asked for, the other one, then the one asked for again, whose
 * answer is kept unless ANY was asked for and the two differ: then it is
 * TRUNCATED if either needs more bytes, else VENDOR_DEPENDENT.
 */
static MMIODEC_NOINLINE MMIODEC_COLD enum mmiodec_status
mmiodec_decode_general(struct mmiodec_insn *insn, const uint8_t *bytes,
		       size_t len, enum mmiodec_mode mode,
		       enum mmiodec_vendor vendor)
{
	if (!insn)
		return MMIODEC_BAD_ARGUMENT;
	if ((unsigned)vendor > MMIODEC_VENDOR_AMD)
		return finish_general(insn, MMIODEC_BAD_ARGUMENT, 0, 0);

	unsigned own = vendor == MMIODEC_VENDOR_AMD ? MMIODEC_VENDOR_AMD
						    : MMIODEC_VENDOR_INTEL;
	unsigned other = own == MMIODEC_VENDOR_AMD ? MMIODEC_VENDOR_INTEL
						   : MMIODEC_VENDOR_AMD;
	uint32_t other_answer = 0;
	bool read_twice = false;
	enum mmiodec_status status;
	for (unsigned pass = 0;; pass++) {
		bool row_matched = false;
		status = decode_as(insn, bytes, len, mode,
				   pass == 1 ? other : own, &row_matched);
		if (status == MMIODEC_BAD_ARGUMENT)
			return status;
		if ((pass == 0 && !row_matched) || pass == 2)
			break;
		if (pass == 1) {
			other_answer = vendor_answer(insn);
			read_twice = true;
		}
	}
	bool differs = read_twice && other_answer != vendor_answer(insn);
	if (differs && vendor == MMIODEC_VENDOR_ANY) {
		if ((uint8_t)other_answer == MMIODEC_TRUNCATED ||
		    insn->status == MMIODEC_TRUNCATED) {
			/* One vendor needs more bytes before it can tell:
			 * so does ANY (more bytes may make the two agree). */
			status = finish_general(insn, MMIODEC_TRUNCATED, 0, 0);
			differs = false;
		} else {
			unsigned length = (uint8_t)(other_answer >> 8) == insn->length
						  ? insn->length : 0;
			status = finish_general(insn, MMIODEC_VENDOR_DEPENDENT,
						length, length ? mode : 0);
		}
	}
	insn->vendor = (uint8_t)vendor;
	insn->vendor_dependent = differs;
	return status;
}

/* The fast path's entry for an opcode in 64-bit mode (src/generated/fast.inc,
 * written by tools/gen-fast.c from the tables above): fast_legacy for the
 * one-byte map, fast_0f by mandatory prefix for the 0F map, which needs
 * only the low eight bits. */
enum {
	FO_IMM = 7,             /* immediate bytes at operand size 4 */
	FO_MODRM = 1 << 3,
	/* Without ModRM: it accesses memory (UNSUPPORTED, else NO_MEMORY);
	 * with a ModRM memory operand but no form: it does not (NO_MEMORY,
	 * else UNSUPPORTED). */
	FO_STATUS = 1 << 4,
	FO_CHECK = 1 << 5,      /* not every ModRM is valid: see the opcode's info */
	FO_TAKEN = 1 << 6,      /* the fast path decodes it */
	FO_ROW_PREFIXED = 1 << 7, /* a vendor row may apply with a prefix */
	/* The one-byte map only: */
	FO_IMM_V = 1 << 8,      /* 4 more with REX.W (MOV r64, imm64) */
	FO_IMM_Z = 1 << 9,      /* an Iz immediate: 2 bytes with 66 (no REX.W) */
	FO_GROUP3 = 1 << 10,    /* the immediate only with ModRM.reg 0 or 1 */
	FO_REX = 1 << 11,
	FO_0F = 1 << 12,
	FO_PREFIX = 1 << 13,    /* a legacy prefix */
};

#ifndef MMIODEC_GEN_FAST
#include "generated/fast.inc"

/*
 * The common case on its own, for speed: 64-bit mode, the legacy prefixes
 * but 67 (and 66, F2, F3 before 0F), an optional REX, a one-byte or 0F
 * opcode that the table below takes, every byte present. Anything else
 * it hands on to mmiodec_decode_general(), which decodes from the start;
 * for what it accepts it gives exactly that function's answer
 * (tests/unit/test_fastpath.c compares the two; the differential harness
 * checks both against the reference decoder).
 */

/* The legacy prefixes the fast path takes, as bits: 66, LOCK, the last
 * of F2/F3, and an FS or GS override (the segment + 1, from
 * FAST_SEG_SHIFT). */
enum {
	FAST_66 = 1 << 0,
	FAST_LOCK = 1 << 1,
	FAST_F2 = 1 << 2,
	FAST_F3 = 1 << 3,
	FAST_SEG_SHIFT = 4,
	FAST_ROW_PREFIXES = FAST_66 | FAST_LOCK | FAST_F2 | FAST_F3,
};

/* The 0F map's row: 1 + the mandatory prefix (PREFIX_*: the last of
 * F2/F3, else 66); row 0 is the one-byte map. */
static MMIODEC_ALWAYS_INLINE unsigned fast_0f_row(unsigned prefixes)
{
	if (prefixes & FAST_F3)
		return 1 + PREFIX_F3;
	if (prefixes & FAST_F2)
		return 1 + PREFIX_F2;
	return 1 + (prefixes & FAST_66 ? PREFIX_66 : PREFIX_NONE);
}

/* describe_special() as a tail call, so that its caller needs no frame
 * for it. */
static MMIODEC_NOINLINE enum mmiodec_status
describe_special_ok(struct mmiodec_insn *insn, const struct form_info *f,
		    unsigned opcode)
{
	describe_special(insn, f, opcode);
	return MMIODEC_OK;
}

/* A ModRM byte the tables limit (FO_CHECK), or a LOCK: whether it makes
 * a valid form, as form_valid() and lock_allowed() would say in 64-bit
 * mode; `row` is 0 for the one-byte map, else fast_0f_row(). */
static MMIODEC_ALWAYS_INLINE bool
fast_modrm_valid(unsigned row, unsigned opcode, unsigned modrm, unsigned prefixes)
{
	const struct opcode_info *info = row == 0
		? &mmiodec_legacy_map[opcode]
		: mmiodec_map0f_info(MAP_0F, (uint8_t)opcode, row - 1, true);
	unsigned reg = (modrm >> 3) & 7;
	if (modrm < 0xC0)
		return ((info->mem_regs >> reg) & 1) &&
		       (!(prefixes & FAST_LOCK) || ((info->lock_regs >> reg) & 1));
	if (!((info->reg_regs >> reg) & 1) || (prefixes & FAST_LOCK))
		return false;
	/* of the register forms that depend on rm, C6/C7 /0 and
	 * XABORT/XBEGIN (/7 with rm 0) here; the rest the general path
	 * (mmiodec_rm_form_valid() here, even out of line, costs the MOV mix
	 * 6 instructions per decode under gcc) */
	return !(info->flags & OP_RM_TABLE) ||
	       (row == 0 && (opcode & 0xFE) == 0xC6 && (reg == 0 || modrm == 0xF8));
}

/* fast_vector()'s "not here": the general path decides. */
#define FAST_FALLBACK 0xFE

/*
 * A vector form of the 0F map with a memory operand, after its ModRM byte
 * (at p - 1, the opcode before it): `slot` of vector_slots, `packed` the
 * REX byte or 0 (bits 0-7), the immediate's size (8-11) and the FAST_*
 * prefixes (from 12). describe_vector() does the rest, from the state the
 * general path would have handed it. Returns MMIODEC_OK or FAST_FALLBACK.
 */
static MMIODEC_NOINLINE unsigned
fast_vector(struct mmiodec_insn *insn, const uint8_t *bytes, const uint8_t *end,
	    const uint8_t *p, unsigned slot, unsigned packed)
{
	unsigned prefixes = packed >> 12;
	uint8_t vendor = insn->vendor;
	struct decode_state d = {
		.bytes = bytes, .mode = MMIODEC_MODE_64,
		.p = {
			.rex = (uint8_t)packed,
			.last_rep = prefixes & FAST_F3 ? 0xF3 : prefixes & FAST_F2 ? 0xF2 : 0,
			.seg = (int8_t)((int)(prefixes >> FAST_SEG_SHIFT) - 1),
			.has_66 = (prefixes & FAST_66) != 0,
		},
		.operand_size = packed & REX_W ? 8 : prefixes & FAST_66 ? 2 : 4,
		.address_size = 64, .map = MAP_0F, .opcode = p[-2],
		.modrm = p[-1], .has_modrm = true, .vendor = vendor,
	};
	unsigned base_field = d.modrm & 7;
	if (base_field == 4) {
		if (p == end)
			return FAST_FALLBACK;
		d.sib = *p++;
		d.has_sib = true;
		base_field = d.sib & 7;
	}
	unsigned disp_size = disp_size32(d.modrm >> 6, base_field);
	unsigned tail = disp_size + ((packed >> 8) & 0xF);
	if (tail > (size_t)(end - p))
		return FAST_FALLBACK;
	d.disp_pos = (uint8_t)(p - bytes);
	d.disp_size = (uint8_t)disp_size;
	d.length = (uint8_t)(p + tail - bytes);
	if (!describe_vector(&d, insn, slot, FE_LEGACY))
		return FAST_FALLBACK;
	insn->vendor = vendor;
	return MMIODEC_OK;
}

/* fast_vector(), or the general path: out of line, and apart from
 * fast_vector()'s state, so that the hand-over is a tail call. */
static MMIODEC_NOINLINE enum mmiodec_status
fast_vector_or_general(struct mmiodec_insn *insn, const uint8_t *bytes,
		       const uint8_t *end, const uint8_t *p, unsigned slot,
		       unsigned packed)
{
	if (fast_vector(insn, bytes, end, p, slot, packed) == MMIODEC_OK)
		return MMIODEC_OK;
	return mmiodec_decode_general(insn, bytes, (size_t)(end - bytes),
				      MMIODEC_MODE_64, (enum mmiodec_vendor)insn->vendor);
}

static enum mmiodec_status decode_fast64_prefixed(struct mmiodec_insn *insn,
						  const uint8_t *bytes,
						  const uint8_t *end);

/* The legacy prefixes from bytes[0] to `*at`: FAST_* bits, or -1 for 67
 * or the end of the bytes. */
static MMIODEC_ALWAYS_INLINE int
fast_prefixes(const uint8_t *bytes, const uint8_t *end, const uint8_t **at)
{
	const uint8_t *p = bytes;
	unsigned prefixes = 0;
	for (; p != end; p++) {
		switch (*p) {
		case 0x66: prefixes |= FAST_66; continue;
		case 0xF0: prefixes |= FAST_LOCK; continue;
		case 0xF2: prefixes = (prefixes & ~FAST_F3) | FAST_F2; continue;
		case 0xF3: prefixes = (prefixes & ~FAST_F2) | FAST_F3; continue;
		case 0x64: case 0x65:
			/* the last FS/GS override counts */
			prefixes = (prefixes & FAST_ROW_PREFIXES) |
				   (*p - 0x64u + MMIODEC_SEG_FS + 1) << FAST_SEG_SHIFT;
			continue;
		case 0x26: case 0x2E: case 0x36: case 0x3E:
			continue;      /* ignored in 64-bit mode */
		case 0x67:
			return -1;     /* 32-bit addressing */
		default:
			*at = p;
			return (int)prefixes;
		}
	}
	return -1;
}

/*
 * 64-bit mode, from one table entry per opcode (fast_legacy, fast_0f),
 * after the legacy prefixes `prefixes` (FAST_* bits) at `p`. The
 * descriptor holds zeros but for its mode and vendor. Inlined twice:
 * without prefixes (0: all that concerns them folds away), and in
 * decode_fast64_prefixed().
 */
static MMIODEC_ALWAYS_INLINE enum mmiodec_status
decode_fast64_at(struct mmiodec_insn *insn, const uint8_t *bytes,
		 const uint8_t *p, const uint8_t *end, unsigned prefixes)
{
	unsigned rex = 0, row = 0, status, tail;
	unsigned entry = fast_legacy[*p];

	if (entry & FO_REX) {
		rex = *p++;
		if (p == end)
			goto general;
		entry = fast_legacy[*p];
	}
	if (entry & FO_0F) {
		if (++p == end)
			goto general;
		row = fast_0f_row(prefixes);
		entry = fast_0f[row - 1][*p];
	}
	if (!(entry & FO_TAKEN) ||
	    ((entry & FO_ROW_PREFIXED) && (prefixes & FAST_ROW_PREFIXES))) {
		if (!prefixes && (fast_legacy[*bytes] & FO_PREFIX))
			return decode_fast64_prefixed(insn, bytes, end);
		goto general;
	}
	unsigned opcode = *p++;
	unsigned imm_size = (entry & FO_IMM) + ((entry & FO_IMM_V) && (rex & REX_W) ? 4 : 0);
	if ((prefixes & FAST_66) && !(rex & REX_W) && (entry & (FO_IMM_Z | FO_IMM_V)))
		imm_size = 2;
	if (!(entry & FO_MODRM)) {
		if (prefixes & FAST_LOCK)
			goto general;
		tail = imm_size;
		status = entry & FO_STATUS ? MMIODEC_UNSUPPORTED : MMIODEC_NO_MEMORY;
		goto finish;
	}

	if (p == end)
		goto general;
	uint8_t modrm = *p++;
	if ((entry & FO_GROUP3) && (modrm & 0x30))
		imm_size = 0;    /* F6/F7 /2../7 */
	if (((entry & FO_CHECK) || (prefixes & FAST_LOCK)) &&
	    !fast_modrm_valid(row, opcode, modrm, prefixes))
		goto general;
	if (modrm >= 0xC0) {
		tail = imm_size;
		status = MMIODEC_NO_MEMORY;
		goto finish;
	}

	unsigned form = (row ? forms_0f : forms_legacy)[opcode];
	if (form >= FORM_GROUP_BASE) {
		if (form >= FORM_SLOT_BASE)   /* the mandatory prefix decides */
			return fast_vector_or_general(insn, bytes, end, p,
						      form - FORM_SLOT_BASE,
						      rex | imm_size << 8 |
						      prefixes << 12);
		form = form_groups[form - FORM_GROUP_BASE][(modrm >> 3) & 7];
	}
	unsigned base_field = modrm & 7;
	if (!form) {
		/* the length only */
		if (base_field == 4) {
			if (p == end)
				goto general;
			base_field = *p++ & 7;
		}
		tail = disp_size32(modrm >> 6, base_field) + imm_size;
		status = entry & FO_STATUS ? MMIODEC_NO_MEMORY : MMIODEC_UNSUPPORTED;
		goto finish;
	}

	/* A supported form: the descriptor is written as the bytes are read
	 * (the general path rewrites it if they run out). SIB is read here
	 * and above apart: one read before the branch, with the length
	 * checked before the first store, costs the MOV mix 18 instructions
	 * per decode under gcc (more values stay live). */
	const uint8_t *modrm_at = p - 1;
	struct mmiodec_mem *m = &insn->mem[0];
	int sib = -1;
	if (base_field == 4) {
		if (p == end)
			goto general;
		sib = *p++;
		base_field = (unsigned)sib & 7;
	}
	modrm_memory(m, modrm, sib, rex, true);
	if (prefixes >> FAST_SEG_SHIFT)
		m->segment = (uint8_t)((prefixes >> FAST_SEG_SHIFT) - 1);
	m->address_size = 64;
	unsigned disp_size = disp_size32(modrm >> 6, base_field);
	if (disp_size + imm_size > (size_t)(end - p))
		goto general;
	if (disp_size == 1)
		m->displacement = (int8_t)p[0];
	else if (disp_size == 4)
		m->displacement = (int32_t)(uint32_t)load_le(p, 4);
	p += disp_size;

	unsigned operand_size = rex & REX_W ? 8 : prefixes & FAST_66 ? 2 : 4;
	insn->status = MMIODEC_OK;
	insn->length = (uint8_t)(p + imm_size - bytes);
	insn->operand_size = (uint8_t)operand_size;
	insn->address_size = 64;
	const struct form_info *f = &form_infos[form];
	describe_form(insn, f, f->width, operand_size, rex, modrm,
		      (prefixes & FAST_LOCK) != 0, p, imm_size);
	if (f->flags & FORM_SPECIAL)
		return describe_special_ok(insn, f, modrm_at[-1]);
	return MMIODEC_OK;

finish:
	/* the bytes after ModRM/SIB or the opcode must be there */
	if (tail > (size_t)(end - p))
		goto general;
	insn->status = (uint8_t)status;
	insn->length = (uint8_t)(p + tail - bytes);
	return (enum mmiodec_status)status;
general:
	return mmiodec_decode_general(insn, bytes, (size_t)(end - bytes),
				      MMIODEC_MODE_64, (enum mmiodec_vendor)insn->vendor);
}

/* After legacy prefixes: decode_fast64_at() with them, out of line, so
 * that the common case keeps them out of its registers. */
static MMIODEC_NOINLINE enum mmiodec_status
decode_fast64_prefixed(struct mmiodec_insn *insn, const uint8_t *bytes,
		       const uint8_t *end)
{
	const uint8_t *p = bytes;
	int prefixes = fast_prefixes(bytes, end, &p);
	/* 67, the end of the bytes, or only ignored segment overrides (with
	 * none, decode_fast64_at() would hand the input back here) */
	if (prefixes <= 0)
		return mmiodec_decode_general(insn, bytes, (size_t)(end - bytes),
					      MMIODEC_MODE_64,
					      (enum mmiodec_vendor)insn->vendor);
	return decode_fast64_at(insn, bytes, p, end, (unsigned)prefixes);
}

/* 64-bit mode without a legacy prefix: the common case. */
static MMIODEC_ALWAYS_INLINE enum mmiodec_status
decode_fast64(struct mmiodec_insn *insn, const uint8_t *bytes, const uint8_t *end)
{
	return decode_fast64_at(insn, bytes, bytes, end, 0);
}

enum mmiodec_status mmiodec_decode_vendor(struct mmiodec_insn *insn,
					  const uint8_t *bytes, size_t len,
					  enum mmiodec_mode mode,
					  enum mmiodec_vendor vendor)
{
	/* bytes * len is 0 for NULL or no bytes (one test for both, half an
	 * instruction per byte of the sweep), and for a product that wraps to
	 * 0, which the general path answers alike */
	if (mode != MMIODEC_MODE_64 || !insn || (uintptr_t)bytes * len == 0 ||
	    (unsigned)vendor > MMIODEC_VENDOR_AMD)
		return mmiodec_decode_general(insn, bytes, len, mode, vendor);
	/* the fast path fills the rest of the descriptor; the general path,
	 * when it takes over, all of it. min(len, 15) bytes are read: the
	 * general path answers alike for either. Zeroed whole first: clang
	 * writes an initializer's zeros around .mode and .vendor in nine
	 * stores. */
	*insn = (struct mmiodec_insn){ .status = 0 };
	insn->mode = MMIODEC_MODE_64;
	insn->vendor = (uint8_t)vendor;
	return decode_fast64(insn, bytes,
			     bytes + (len < MMIODEC_MAX_LENGTH ? len : MMIODEC_MAX_LENGTH));
}

enum mmiodec_status mmiodec_decode(struct mmiodec_insn *insn,
				   const uint8_t *bytes, size_t len,
				   enum mmiodec_mode mode)
{
	return mmiodec_decode_vendor(insn, bytes, len, mode, MMIODEC_VENDOR_ANY);
}
#endif /* MMIODEC_GEN_FAST */
