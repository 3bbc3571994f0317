/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: instructions assembled from their parts (prefixes, REX,
 * opcode, ModRM, SIB, displacement, immediate), and addresses solved so
 * that a memory operand lands on a chosen target.
 */
#include "oracle.h"

#include <string.h>

uint64_t fs_base;
uint64_t current_gs_base;

void random_registers(struct cpu_state *s, uint64_t rsp)
{
	for (int r = 0; r < 16; r++)
		s->gpr[r] = rnd();
	s->gpr[RSP] = rsp;
	s->rflags = RFLAGS_FIXED | (rnd() & RFLAGS_RANDOM);
}

/* ---- the instruction assembler ---- */

void put_le(uint8_t *out, uint64_t value, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		out[i] = (uint8_t)(value >> (8 * i));
}

size_t assemble(const struct instruction *in, uint8_t *out)
{
	size_t n = 0;

	if (in->junk_rex)
		out[n++] = in->junk_rex;
	for (size_t i = 0; i < in->legacy_count; i++)
		out[n++] = in->legacy[i];
	if (in->has_rex)
		out[n++] = in->rex;
	for (size_t i = 0; i < in->opcode_len; i++)
		out[n++] = in->opcode[i];
	if (in->has_modrm)
		out[n++] = in->modrm;
	if (in->has_sib)
		out[n++] = in->sib;
	put_le(out + n, in->disp, in->disp_bytes);
	n += in->disp_bytes;
	put_le(out + n, in->imm, in->imm_bytes);
	n += in->imm_bytes;
	return n;
}

void add_legacy(struct instruction *in, uint8_t prefix)
{
	in->legacy[in->legacy_count++] = prefix;
}

void shuffle_legacy(struct instruction *in)
{
	for (size_t i = in->legacy_count; i > 1; i--) {
		size_t j = rnd_below(i);
		uint8_t t = in->legacy[i - 1];
		in->legacy[i - 1] = in->legacy[j];
		in->legacy[j] = t;
	}
}

static const uint8_t null_segment_prefixes[4] = { 0x26, 0x2e, 0x36, 0x3e };

void add_segment_prefix(struct instruction *in, enum segment seg)
{
	if (seg == SEG_NULL)
		add_legacy(in, null_segment_prefixes[rnd_below(4)]);
	else if (seg == SEG_FS)
		add_legacy(in, 0x64);
	else if (seg == SEG_GS)
		add_legacy(in, 0x65);
}

void add_address_prefixes(struct instruction *in, const struct address_expr *x)
{
	if (x->address_size == 32)
		add_legacy(in, 0x67);
	add_segment_prefix(in, x->seg);
}

/*
 * Optional oddities that do not change what the instruction does: an
 * ignored REX before a legacy prefix, a repeated prefix, a null segment
 * prefix next to FS/GS (placed first, so the FS/GS one is the last), F2/F3
 * on a plain MOV.
 */
void add_oddity(struct test_case *tc, struct instruction *in,
		enum segment seg, bool plain_mov)
{
	switch (rnd_below(4)) {
	case 0:
		if (in->legacy_count == 0)
			return;
		in->junk_rex = (uint8_t)(0x40 | rnd_below(16));
		strcat(tc->form, " +ignored-rex");
		break;
	case 1:
		if (in->legacy_count == 0 || in->legacy_count >= 5)
			return;
		add_legacy(in, in->legacy[rnd_below(in->legacy_count)]);
		shuffle_legacy(in);
		strcat(tc->form, " +repeated-prefix");
		break;
	case 2:
		if (seg != SEG_FS && seg != SEG_GS)
			return;
		memmove(in->legacy + 1, in->legacy, in->legacy_count);
		in->legacy[0] = null_segment_prefixes[rnd_below(4)];
		in->legacy_count++;
		strcat(tc->form, " +null-seg-before-fs/gs");
		break;
	default:
		if (!plain_mov)
			return;
		add_legacy(in, chance(50) ? 0xf2 : 0xf3);
		shuffle_legacy(in);
		strcat(tc->form, " +f2/f3");
		break;
	}
	tc->optional = true;
}

/* ---- addresses: make an operand land on a chosen target ---- */

static int64_t random_disp(unsigned bytes)
{
	switch (bytes) {
	case 1:
		return (int64_t)rnd_below(248) - 128;
	case 4:
		if (chance(50))
			return (int64_t)rnd_below(4096) - 2048;
		return (int64_t)(int32_t)rnd() & ~(int64_t)7;
	case 8:
		return (int64_t)(rnd() & 0xffffffffffULL);
	default:
		return 0;
	}
}

static bool fits_disp(int64_t value, unsigned bytes)
{
	switch (bytes) {
	case 0:
		return value == 0;
	case 1:
		return value == (int8_t)value;
	case 4:
		return value == (int32_t)value;
	default:
		return true;
	}
}

static unsigned log2_of(unsigned scale)
{
	return scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
}

/* The inverse of an odd number modulo 2^64 (Newton's iteration). */
static uint64_t odd_inverse(uint64_t c)
{
	uint64_t x = c;

	for (int i = 0; i < 6; i++)
		x *= 2 - c * x;
	return x;
}

/*
 * Choose the displacement, the free registers and the GS base so that the
 * operand's linear address is *target (which may move down by up to 7
 * bytes when nothing else can absorb a remainder). Returns false when the
 * target cannot be reached with this form.
 */
static bool solve_address(const struct address_expr *x, uint64_t *target,
			  uint64_t next_rip, struct cpu_state *s,
			  int64_t *disp, struct test_case *tc)
{
	uint64_t seg = x->seg == SEG_FS ? fs_base : 0;
	uint64_t fixed = x->base == RSP ? s->gpr[RSP] :
			 x->base == RIP_BASE ? next_rip : 0;
	bool base_free = x->base >= 0 && x->base < 16 && x->base != RSP;
	bool index_free = x->index >= 0;

	*disp = random_disp(x->disp_bytes);
	if (x->seg == SEG_GS) {
		tc->sets_gs = true;
		seg = tc->gs_base = random_gs_base();
	}

	if (x->address_size == 32) {
		uint64_t ea = fixed + (uint64_t)*disp;
		if (x->seg != SEG_GS)
			return false;
		if (base_free)
			ea += s->gpr[x->base];
		if (index_free)
			ea += s->gpr[x->index] * x->scale;
		tc->gs_base = *target - (ea & 0xffffffffu);
		return gs_base_usable(tc->gs_base);
	}

	if (base_free && index_free && x->base == x->index) {
		uint64_t c = 1 + x->scale;
		uint64_t rest = *target - seg - (uint64_t)*disp;
		if (c == 2 && (rest & 1)) {
			if (x->disp_bytes)
				*disp += 1;
			else if (x->seg == SEG_GS)
				tc->gs_base += 1;
			else
				*target -= 1;
			rest -= 1;
		}
		s->gpr[x->base] = (c & 1) ? rest * odd_inverse(c) :
					    (rest >> 1) | (rnd() << 63);
		return true;
	}
	if (base_free) {
		uint64_t scaled = index_free ? s->gpr[x->index] * x->scale : 0;
		s->gpr[x->base] = *target - seg - (uint64_t)*disp - scaled;
		return true;
	}
	if (index_free) {
		uint64_t rest = *target - seg - fixed - (uint64_t)*disp;
		uint64_t remainder = rest & (x->scale - 1);
		unsigned k = log2_of(x->scale);
		if (remainder) {
			if (x->disp_bytes)
				*disp += (int64_t)remainder;
			else if (x->seg == SEG_GS)
				tc->gs_base += remainder;
			else
				*target -= remainder;
			rest -= remainder;
		}
		s->gpr[x->index] = (rest >> k) | (k ? rnd() << (64 - k) : 0);
		return true;
	}
	if (x->seg == SEG_GS) {
		tc->gs_base = *target - fixed - (uint64_t)*disp;
		return gs_base_usable(tc->gs_base);
	}
	*disp = (int64_t)(*target - seg - fixed);
	return fits_disp(*disp, x->disp_bytes);
}

/* ---- ModRM and SIB ---- */

const unsigned variant_size[SIZE_VARIANTS] = { 4, 2, 8, 8 };
const char *const variant_names[SIZE_VARIANTS] = {
	"", " o16", " rex.w", " o16+rex.w",
};

const char *const addr_form_names[AF_COUNT] = {
	"[base]", "[base+d8]", "[base+d32]", "[base+index*s]",
	"[base+index*s+d8]", "[base+index*s+d32]", "[index*s+d32]",
	"[base] via sib", "[rip+d32]", "[d32] via sib",
};

/* A random register other than RSP, below 8 when no REX may be used. */
static int random_gpr(bool low_only, bool allow_rsp)
{
	for (;;) {
		int r = (int)rnd_below(low_only ? 8 : 16);
		if (r != RSP || allow_rsp)
			return r;
	}
}

/*
 * Fill ModRM, SIB and the REX bits X and B for an addressing form.
 * Returns false if the form cannot be encoded under the constraints.
 */
bool encode_address(enum addr_form af, bool low_only, struct instruction *in,
		    struct address_expr *x, uint8_t *rex_xb)
{
	unsigned mod = 0;
	int base = NO_REG, index = NO_REG;
	unsigned scale = 1 << rnd_below(4);
	bool sib = false;
	uint8_t sib_base = 0, sib_index = 4;

	*rex_xb = 0;
	switch (af) {
	case AF_BASE:
	case AF_BASE_DISP8:
	case AF_BASE_DISP32:
		mod = af == AF_BASE ? 0 : af == AF_BASE_DISP8 ? 1 : 2;
		do
			base = random_gpr(low_only, true);
		while ((base & 7) == 4 || (mod == 0 && (base & 7) == 5));
		in->modrm = (uint8_t)((mod << 6) | (base & 7));
		*rex_xb |= (uint8_t)((base >> 3) & 1);
		scale = 1;
		break;
	case AF_SIB:
	case AF_SIB_DISP8:
	case AF_SIB_DISP32:
	case AF_SIB_NO_INDEX:
		mod = af == AF_SIB ? 0 : af == AF_SIB_DISP8 ? 1 : 2;
		if (af == AF_SIB_NO_INDEX)
			mod = (unsigned)rnd_below(3);
		do
			base = random_gpr(low_only, true);
		while (mod == 0 && (base & 7) == 5);
		sib = true;
		sib_base = (uint8_t)(base & 7);
		*rex_xb |= (uint8_t)((base >> 3) & 1);
		if (af != AF_SIB_NO_INDEX) {
			index = random_gpr(low_only, false);
			sib_index = (uint8_t)(index & 7);
			*rex_xb |= (uint8_t)(((index >> 3) & 1) << 1);
		}
		break;
	case AF_SIB_NO_BASE:
		sib = true;
		sib_base = 5;
		index = random_gpr(low_only, false);
		sib_index = (uint8_t)(index & 7);
		*rex_xb |= (uint8_t)(((index >> 3) & 1) << 1);
		if (!low_only && chance(50))
			*rex_xb |= 1; /* REX.B does not make it R13 */
		break;
	case AF_RIP:
		base = RIP_BASE;
		in->modrm = 5;
		if (!low_only && chance(50))
			*rex_xb |= 1; /* REX.B does not make it R13 */
		scale = 1;
		break;
	case AF_ABSOLUTE:
		sib = true;
		sib_base = 5;
		if (!low_only && chance(50))
			*rex_xb |= 1;
		break;
	default:
		return false;
	}
	if (sib)
		in->modrm = (uint8_t)((mod << 6) | 4);
	in->has_modrm = true;
	in->has_sib = sib;
	in->sib = (uint8_t)((log2_of(scale) << 6) | (sib_index << 3) | sib_base);
	x->base = base;
	x->index = index;
	x->scale = index == NO_REG ? 1 : scale;
	x->disp_bytes = (af == AF_SIB_NO_BASE || af == AF_RIP ||
			 af == AF_ABSOLUTE) ? 4 : mod == 1 ? 1 : mod == 2 ? 4 : 0;
	in->disp_bytes = x->disp_bytes;
	return true;
}

uint64_t stack_base;
uint64_t code_insn_address;

/* In the middle quarter of the stack: the 64 KiB window around it (what a
 * 16-bit load into SP can reach) lies inside, with room below for the
 * signal frames. */
uint64_t random_rsp(void)
{
	return stack_base + STACK_SIZE / 4 + 8 * rnd_below(STACK_SIZE / 2 / 8);
}

/*
 * A target for an access of `width` bytes in a region, with room below for
 * solve_address() to move it down. Sometimes it is the last bytes of
 * region 1: the page above is inaccessible during the native run of a
 * ModRM or moffs case, so a CPU that reads more than `width` bytes faults.
 */
uint64_t random_target(unsigned width, int *area)
{
	*area = chance(80) ? AREA_R1 : AREA_R2;
	if (*area == AREA_R1 && chance(10))
		return area_address(AREA_R1) + PAGE - width;
	return area_address(*area) + 8 + rnd_below(PAGE - 8 - width + 1);
}

void expect_one_access(struct test_case *tc, uint64_t target,
		       unsigned width, bool write)
{
	int area = region_of(target);

	tc->log[0] = (struct access_record){ (uint8_t)area, write,
					     (uint8_t)width,
					     target - area_address(area) };
	tc->log_count = 1;
	tc->guard_above = true;
	tc->width = width;
	tc->mem_count = 1;
	tc->address[0] = target;
}

enum segment random_segment(void)
{
	static const enum segment choice[] = { SEG_NONE, SEG_NONE, SEG_NULL,
					       SEG_FS, SEG_GS, SEG_GS };
	return choice[rnd_below(sizeof(choice) / sizeof(choice[0]))];
}

const char *const segment_names[] = { "", " null-seg", " fs", " gs" };

/* Combinations whose addressing form cannot reach a region from here. */
unsigned unreachable;

/* Assemble the case's bytes, solve its address and patch the displacement. */
bool finish_address(struct test_case *tc, struct instruction *in,
		    const struct address_expr *x, uint64_t *target)
{
	int64_t disp;
	size_t len = assemble(in, tc->bytes);

	if (!solve_address(x, target, code_insn_address + len, &tc->init,
			   &disp, tc)) {
		unreachable++;
		return false;
	}
	in->disp = (uint64_t)disp;
	tc->len = assemble(in, tc->bytes);
	return true;
}

/* Memory the case needs to hold given bytes at the start of the run. */
void set_fixed_memory(struct test_case *tc, uint64_t address,
		      const void *bytes, unsigned len)
{
	tc->fixed_memory = true;
	tc->fixed_address = address;
	tc->fixed_len = len;
	memcpy(tc->fixed_bytes, bytes, len);
}
