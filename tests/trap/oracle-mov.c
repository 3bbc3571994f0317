/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the cases of the MOV family (every ModRM form x operand size
 * x register x addressing form), of MOV with a moffs operand (A0-A3) and
 * of the string instructions (MOVS, STOS, LODS, with and without REP).
 */
#include "oracle.h"

#include <stdio.h>
#include <string.h>

/* ---- ModRM forms ---- */

enum access_kind { KIND_LOAD, KIND_STORE, KIND_STORE_IMM };

struct modrm_form {
	const char *name;
	bool two_byte;        /* 0F escape */
	uint8_t opcode;
	enum access_kind kind;
	uint8_t mem_width;    /* bytes; 0: the operand size */
	bool byte_register;   /* the ModRM.reg operand is 8-bit */
	bool movsxd;          /* MOVSXD: see form_width() */
	bool no_16bit;        /* MOVNTI has no 66 form */
};

static const struct modrm_form modrm_forms[] = {
	{ "mov r/m8, r8", false, 0x88, KIND_STORE, 1, true, false, false },
	{ "mov r/m, r", false, 0x89, KIND_STORE, 0, false, false, false },
	{ "mov r8, r/m8", false, 0x8a, KIND_LOAD, 1, true, false, false },
	{ "mov r, r/m", false, 0x8b, KIND_LOAD, 0, false, false, false },
	{ "mov r/m8, imm8", false, 0xc6, KIND_STORE_IMM, 1, false, false, false },
	{ "mov r/m, imm", false, 0xc7, KIND_STORE_IMM, 0, false, false, false },
	{ "movzx r, r/m8", true, 0xb6, KIND_LOAD, 1, false, false, false },
	{ "movzx r, r/m16", true, 0xb7, KIND_LOAD, 2, false, false, false },
	{ "movsx r, r/m8", true, 0xbe, KIND_LOAD, 1, false, false, false },
	{ "movsx r, r/m16", true, 0xbf, KIND_LOAD, 2, false, false, false },
	{ "movsxd r, r/m32", false, 0x63, KIND_LOAD, 4, false, true, false },
	{ "movnti m, r", true, 0xc3, KIND_STORE, 0, false, false, true },
};
const size_t mov_form_count = sizeof(modrm_forms) / sizeof(modrm_forms[0]);

/* The vendor the runtime and these checks decode for: mmiotrap_vendor(). */
enum mmiodec_vendor oracle_vendor;

/*
 * The bytes a ModRM form accesses at operand size `osize` (2, 4, 8), and
 * whether Intel and AMD processors disagree on them. The one such form
 * built here is MOVSXD with a 16-bit operand size (66 63 without REX.W):
 * Intel reads a word; AMD reads a dword and writes its bits 15:0 into the
 * 16-bit register. With MMIODEC_VENDOR_ANY the decoder must call it
 * vendor-dependent and the case is not run; its width (4) then only
 * places the operand. This is the only place that knows it.
 */
static unsigned form_width(const struct modrm_form *f, unsigned osize,
			   bool *vendor_dependent)
{
	*vendor_dependent = f->movsxd && osize == 2;
	if (*vendor_dependent)
		return oracle_vendor == MMIODEC_VENDOR_INTEL ? 2 : 4;
	return f->mem_width ? f->mem_width : osize;
}

/*
 * A load into RSP, ESP, SP or SPL must leave a usable stack pointer, since
 * the stub goes on pushing: choose the loaded value. Returns false for the
 * forms whose result cannot be on the stack (MOVZX/MOVSX of a byte or word
 * into ESP or RSP).
 */
static bool choose_stack_value(struct test_case *tc, unsigned width,
			       unsigned dest_width, uint64_t target)
{
	uint64_t value;

	if (dest_width > 2 && width < 4)
		return false;
	if (dest_width >= 4)
		value = random_rsp();
	else if (dest_width == 2 && width >= 2) /* bits 31:16 are dropped */
		value = 0x4000 + 8 * rnd_below((0x10000 - 0x4000) / 8) +
			(rnd() << 16);
	else
		value = rnd() & 0xff; /* SPL, or a byte extended into SP */
	tc->fixed_memory = true;
	tc->fixed_address = target;
	tc->fixed_len = width;
	put_le(tc->fixed_bytes, value, width);
	return true;
}

bool make_mov_case(struct test_case *tc, size_t form,
		   enum size_variant variant, int reg_choice, enum addr_form af)
{
	const struct modrm_form *f = &modrm_forms[form];
	struct instruction in = { 0 };
	struct address_expr x = { 0 };
	unsigned osize = variant_size[variant];
	bool vendor_dependent;
	unsigned width = form_width(f, osize, &vendor_dependent);
	bool high8 = HIGH8(reg_choice);
	int reg = high8 ? reg_choice - 12 : reg_choice; /* AH..BH are 4..7 */
	bool needs_rex, no_rex = high8;
	uint8_t rex_xb;
	int area;
	uint64_t target;

	if (f->kind == KIND_STORE_IMM) {
		if (reg_choice >= 8)
			return false; /* ModRM.reg is the /0 extension */
		reg = 0;
		high8 = no_rex = false;
	}
	if (high8 && !f->byte_register)
		return false;
	if (f->no_16bit && (variant == SIZE_16 || variant == SIZE_66_AND_W))
		return false;
	if (no_rex && (variant == SIZE_64 || variant == SIZE_66_AND_W))
		return false;

	memset(tc, 0, sizeof(*tc));
	tc->vendor_dependent = vendor_dependent;
	random_registers(&tc->init, random_rsp());
	x.seg = random_segment();
	x.address_size = chance(15) ? 32 : 64;
	if (x.address_size == 32 || af == AF_ABSOLUTE)
		x.seg = SEG_GS;
	if (!encode_address(af, no_rex, &in, &x, &rex_xb))
		return false;

	if (variant == SIZE_16 || variant == SIZE_66_AND_W)
		add_legacy(&in, 0x66);
	add_address_prefixes(&in, &x);
	shuffle_legacy(&in);

	needs_rex = variant == SIZE_64 || variant == SIZE_66_AND_W ||
		    rex_xb != 0 || reg >= 8 ||
		    (f->byte_register && reg >= 4 && !high8);
	in.rex = (uint8_t)(0x40 | (osize == 8 ? 8 : 0) | ((reg >> 3) << 2) |
			   rex_xb);
	in.has_rex = needs_rex || (!no_rex && chance(20));
	if (f->kind == KIND_STORE_IMM && in.has_rex && chance(30))
		in.rex |= 4; /* REX.R does not extend an opcode extension */
	if (in.has_rex && !(in.rex & 2) && !in.has_sib && chance(30))
		in.rex |= 2; /* REX.X without an index is ignored */
	if (f->two_byte) {
		in.opcode[0] = 0x0f;
		in.opcode[1] = f->opcode;
		in.opcode_len = 2;
	} else {
		in.opcode[0] = f->opcode;
		in.opcode_len = 1;
	}
	in.modrm |= (uint8_t)((reg & 7) << 3);
	if (f->kind == KIND_STORE_IMM) {
		in.imm_bytes = width == 1 ? 1 : width == 2 ? 2 : 4;
		in.imm = rnd();
		in.imm &= in.imm_bytes == 8 ? ~0ULL : (1ULL << (8 * in.imm_bytes)) - 1;
	}
	snprintf(tc->form, sizeof(tc->form), "%s%s%s%s %s reg=%s%d", f->name,
		 variant_names[variant], x.address_size == 32 ? " a32" : "",
		 segment_names[x.seg], addr_form_names[af],
		 high8 ? "high8:" : "", reg);
	if (chance(12))
		add_oddity(tc, &in, x.seg, !f->two_byte && f->opcode >= 0x88 &&
					     f->opcode <= 0x8b);

	target = random_target(width, &area);
	if (!finish_address(tc, &in, &x, &target))
		return false;
	expect_one_access(tc, target, width, f->kind != KIND_LOAD);
	if (f->kind == KIND_LOAD && reg == RSP && !high8)
		return choose_stack_value(tc, width, f->byte_register ? 1 : osize,
					  target);
	return true;
}

/* ---- moffs forms (A0-A3) ---- */

bool make_moffs_case(struct test_case *tc, unsigned opcode,
			    enum size_variant variant, enum segment seg,
			    unsigned address_size)
{
	struct instruction in = { 0 };
	struct address_expr x = { 0 };
	bool byte = !(opcode & 1);
	bool store = opcode >= 0xa2;
	unsigned osize = variant_size[variant];
	unsigned width = byte ? 1 : osize;
	int area;
	uint64_t target;

	memset(tc, 0, sizeof(*tc));
	random_registers(&tc->init, random_rsp());
	if (address_size == 32 && seg != SEG_GS)
		return false;
	x.base = NO_REG;
	x.index = NO_REG;
	x.scale = 1;
	x.seg = seg;
	x.address_size = address_size;
	x.disp_bytes = address_size == 64 ? 8 : 4;
	in.disp_bytes = x.disp_bytes;
	if (variant == SIZE_16 || variant == SIZE_66_AND_W)
		add_legacy(&in, 0x66);
	if (address_size == 32)
		add_legacy(&in, 0x67);
	add_segment_prefix(&in, seg);
	shuffle_legacy(&in);
	in.has_rex = osize == 8 || chance(25);
	in.rex = (uint8_t)(0x40 | (osize == 8 ? 8 : 0) | rnd_below(8));
	in.opcode[0] = (uint8_t)opcode;
	in.opcode_len = 1;
	snprintf(tc->form, sizeof(tc->form), "mov %s%s%s%s",
		 store ? (byte ? "moffs8, al" : "moffs, eax") :
			 (byte ? "al, moffs8" : "eax, moffs"),
		 variant_names[variant], address_size == 32 ? " a32" : "",
		 segment_names[seg]);
	if (chance(12))
		add_oddity(tc, &in, seg, false);

	target = random_target(width, &area);
	if (address_size == 64 && seg != SEG_GS) {
		/* moffs64 is the whole address; no solving needed */
		in.disp = target - (seg == SEG_FS ? fs_base : 0);
		tc->len = assemble(&in, tc->bytes);
	} else if (!finish_address(tc, &in, &x, &target)) {
		return false;
	}
	expect_one_access(tc, target, width, store);
	return true;
}

/* ---- string forms ---- */

static const char *const string_names[] = { "movs", "stos", "lods" };
static const uint8_t string_opcode[] = { 0xa4, 0xaa, 0xac };

static const char *const layout_names[LAYOUT_COUNT] = {
	"region", "dst-region", "region-to-region", "same-region",
	"crossing", "dst-crossing",
};

/* First element address so that `count` elements of `width` going up or
 * down all lie in the page at `page`. */
static uint64_t place_in_page(uint64_t page, unsigned count, unsigned width,
			      bool down)
{
	uint64_t span = count ? (uint64_t)count * width : width;
	uint64_t start = page + rnd_below(PAGE - span + 1);

	return down ? start + span - width : start;
}

/* First element address so that the elements cross an edge of region 1
 * between element k-1 and element k. */
static uint64_t place_crossing(unsigned count, unsigned width, bool down)
{
	uint64_t edge = area_address(AREA_R1) + (chance(50) ? 0 : PAGE);
	unsigned k = (unsigned)rnd_below(count + 1);

	return down ? edge - width + (uint64_t)k * width :
		      edge - (uint64_t)k * width;
}

static unsigned random_count(void)
{
	unsigned r = (unsigned)rnd_below(100);

	if (r < 5)
		return 0;
	if (r < 20)
		return 1;
	if (r < 60)
		return 2 + (unsigned)rnd_below(7);
	return 9 + (unsigned)rnd_below(MAX_STRING_COUNT - 8);
}

static void expect_string_accesses(struct test_case *tc, enum string_op op,
				   unsigned count, unsigned width, bool down,
				   uint64_t src, uint64_t dst)
{
	uint64_t step = down ? (uint64_t)0 - width : width;

	tc->log_count = 0;
	for (unsigned i = 0; i < count; i++) {
		uint64_t s = src + i * step, d = dst + i * step;
		int rs = region_of(s), rd = region_of(d);
		if (op != STRING_STOS && rs >= 0)
			tc->log[tc->log_count++] = (struct access_record){
				(uint8_t)rs, false, (uint8_t)width,
				s - area_address(rs) };
		if (op != STRING_LODS && rd >= 0)
			tc->log[tc->log_count++] = (struct access_record){
				(uint8_t)rd, true, (uint8_t)width,
				d - area_address(rd) };
	}
}

bool make_string_case(struct test_case *tc, enum string_op op,
			     enum size_variant variant, bool byte, int rep,
			     bool down, unsigned address_size, enum segment seg,
			     enum layout layout)
{
	struct instruction in = { 0 };
	unsigned width = byte ? 1 : variant_size[variant];
	unsigned count;
	uint64_t src = 0, dst = 0, src_seg_base = 0;

	if (op != STRING_MOVS && layout != LAYOUT_REGION && layout != LAYOUT_CROSS)
		return false;
	if ((layout == LAYOUT_CROSS || layout == LAYOUT_DST_CROSS) &&
	    !crossing_available)
		return false;
	/* ES:rDI cannot be moved by a segment base: a 32-bit destination is
	 * ordinary low memory, and the source needs GS to reach a region. */
	if (address_size == 32 &&
	    (op == STRING_STOS || seg != SEG_GS || layout == LAYOUT_DST_REGION ||
	     layout == LAYOUT_BOTH || layout == LAYOUT_SAME ||
	     layout == LAYOUT_DST_CROSS))
		return false;

	memset(tc, 0, sizeof(*tc));
	random_registers(&tc->init, random_rsp());
	count = rep ? random_count() : 1;
	if (down)
		tc->init.rflags |= RFLAGS_DF;
	else
		tc->init.rflags &= ~(uint64_t)RFLAGS_DF;

	/* One side touches region 1 (for BOTH and SAME, the other side is a
	 * region too); STOS only has a destination, LODS only a source. */
	uint64_t region_side, other_side;
	enum area_id other_area = address_size == 32 ? AREA_LOW : AREA_ORDINARY;
	bool region_side_is_dst = op == STRING_STOS ||
				  layout == LAYOUT_DST_REGION ||
				  layout == LAYOUT_DST_CROSS;

	if (layout == LAYOUT_CROSS || layout == LAYOUT_DST_CROSS)
		region_side = place_crossing(count, width, down);
	else
		region_side = place_in_page(area_address(AREA_R1), count, width,
					    down);
	if (layout == LAYOUT_BOTH || layout == LAYOUT_SAME)
		region_side_is_dst = chance(50);
	if (layout == LAYOUT_BOTH)
		other_area = AREA_R2;
	other_side = place_in_page(area_address(other_area), count, width, down);
	if (layout == LAYOUT_SAME) {
		/* overlapping by up to one element either way, or anywhere */
		uint64_t near = region_side + rnd_below(2 * width + 1) - width;
		uint64_t span = (uint64_t)(count ? count : 1) * width;
		other_side = place_in_page(area_address(AREA_R1), count, width,
					   down);
		if (chance(50) && region_of(near - span) == AREA_R1 &&
		    region_of(near + span) == AREA_R1)
			other_side = near;
	}
	dst = region_side_is_dst ? region_side : other_side;
	src = region_side_is_dst ? other_side : region_side;

	/* Registers: rDI is ES-based (base 0); rSI may be FS/GS-based. */
	if (seg == SEG_FS)
		src_seg_base = fs_base;
	if (seg == SEG_GS) {
		tc->sets_gs = true;
		if (address_size == 32) {
			uint64_t esi = 1024 + rnd_below(0xfffff800u);
			tc->gs_base = src - esi;
			src_seg_base = tc->gs_base;
		} else {
			src_seg_base = tc->gs_base = random_gs_base();
		}
		if (!gs_base_usable(tc->gs_base)) {
			unreachable++;
			return false;
		}
	}
	if (address_size == 32) {
		tc->init.gpr[RSI] = (rnd() << 32) | ((src - src_seg_base) & 0xffffffffu);
		tc->init.gpr[RDI] = (rnd() << 32) | (dst & 0xffffffffu);
		if (rep)
			tc->init.gpr[RCX] = (rnd() << 32) | count;
	} else {
		tc->init.gpr[RSI] = src - src_seg_base;
		tc->init.gpr[RDI] = dst;
		if (rep)
			tc->init.gpr[RCX] = count;
	}

	if (rep)
		add_legacy(&in, rep == 1 ? 0xf3 : 0xf2);
	if (variant == SIZE_16 || variant == SIZE_66_AND_W)
		add_legacy(&in, 0x66);
	if (address_size == 32)
		add_legacy(&in, 0x67);
	add_segment_prefix(&in, seg);
	shuffle_legacy(&in);
	in.has_rex = variant == SIZE_64 || variant == SIZE_66_AND_W || chance(20);
	in.rex = (uint8_t)(0x40 | (variant_size[variant] == 8 ? 8 : 0) |
			   rnd_below(8));
	in.opcode[0] = (uint8_t)(string_opcode[op] + (byte ? 0 : 1));
	in.opcode_len = 1;
	snprintf(tc->form, sizeof(tc->form), "%s%s%c%s%s%s%s %s count=%u",
		 rep == 1 ? "rep " : rep == 2 ? "repne " : "", string_names[op],
		 "?bw?d???q"[width], variant_names[variant],
		 address_size == 32 ? " a32" : "", segment_names[seg],
		 down ? " std" : "", layout_names[layout], count);
	tc->len = assemble(&in, tc->bytes);

	tc->width = width;
	if (op == STRING_MOVS) {
		tc->mem_count = 2;
		tc->address[0] = dst;
		tc->address[1] = src;
	} else {
		tc->mem_count = 1;
		tc->address[0] = op == STRING_STOS ? dst : src;
	}
	expect_string_accesses(tc, op, count, width, down, src, dst);
	return true;
}
