/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the CPU is the reference for mmiodec and the trap runtime.
 *
 * Each case is one instruction, assembled here from its parts (prefixes,
 * REX, opcode, ModRM, SIB, displacement, immediate), placed in a stub that
 * loads all sixteen registers and RFLAGS from a struct, executes it and
 * stores everything back. It runs twice:
 *   native:  the regions' own pages are made readable and writable, so the
 *            instruction accesses plain memory;
 *   trapped: the regions are inaccessible again, and their callbacks act
 *            on a copy of the same initial memory.
 * The instruction, its address and every register value are identical in
 * both runs. Registers (RSP included), RFLAGS, all memory, the RIP the
 * handler resumes at and the sequence of callback accesses must agree.
 * Before the trapped run, the decoder's length, width and addresses are
 * checked against what the case was built to do.
 *
 * Coverage: a systematic sweep (every form x operand size x register x
 * addressing form; every moffs form x size x segment x address size; every
 * string form x width x REP x DF x address size x layout), then --count
 * random cases (default 20000). "Optional" variants (redundant or
 * contradictory prefixes, an ignored REX, F2/F3 on a plain MOV) may be
 * refused by the decoder, but if it accepts them it must agree with the
 * CPU.
 *
 * Vendor: the runtime and these checks decode for mmiotrap_vendor(), the
 * vendor CPUID names (printed at the start with the family and model).
 * Where Intel and AMD read the same bytes differently, what a case expects
 * follows that vendor; form_width() is the one place that knows it: MOVSXD
 * with a 16-bit operand size (66 63 /r, no REX.W) reads 2 bytes on Intel
 * and 4 on AMD. When the vendor is not known (MMIODEC_VENDOR_ANY, or
 * --vendor-any), the decoder must call such a case vendor-dependent, the
 * runtime would refuse it, and it is not run.
 *
 * Determinism: the seed is fixed (DEFAULT_SEED) unless --seed is given, so
 * the suite runs the same cases every time. Every case has an id and draws
 * its random numbers from a stream of its own (seed and id): what a case
 * is does not depend on the cases before it (some of which the addresses
 * mmap hands out may make unreachable), and `--seed S --count N --case ID`
 * runs one case alone (--verbose prints each case before it runs). The
 * addresses themselves, and so the displacements and register values that
 * reach them, differ from run to run. Random seeds are the campaign's job:
 * trap/oracle-campaign.sh BUILD_DIR [RUNS] [COUNT] runs the oracle RUNS
 * times with random seeds, prints each seed before its run and lists the
 * seeds that failed (`ninja -C BUILD_DIR oracle-campaign` runs it with its
 * defaults).
 *
 * A failing case is reported (the first MAX_REPORTED in detail) and the
 * run goes on, also when the instruction faults in the native run (a CPU
 * that accesses more than the case expects) or the trapped run does not
 * resume after it (the runtime refused it): the watch on SIGSEGV records
 * the fault and resumes the stub at its exit, which restores the C code's
 * stack and callee-saved registers; the signal return restores the signal
 * mask; check_process_state() checks the mask, the SIGSEGV disposition and
 * DF before the next case. --drill provokes both kinds of failure on
 * purpose (native runs with the regions inaccessible, trapped runs of
 * vendor-dependent forms decoded for any vendor) and passes if every one
 * is reported and the run goes on (the test cpu-oracle-drill).
 *
 * Exit status: 0 all cases passed; 1 a case failed (or the drill did);
 * 2 bad arguments or set-up failure; 3 a fault outside the instruction
 * under test, or a process state that cannot be trusted after a fault.
 *
 * Addressing: a region lies far above 4 GiB, so 32-bit addresses (67) reach
 * it through a GS base (arch_prctl(ARCH_SET_GS)), and FS overrides use
 * glibc's own FS base, which is left alone.
 */
#define _GNU_SOURCE
#include "mmiotrap.h"

#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096
#define STACK_SIZE (1024 * 1024)
#define MAX_LOG 256
#define MAX_STRING_COUNT 48

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13,
       R14, R15, NO_REG = -1, RIP_BASE = 16 };

static const char *const reg_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* ---- random numbers (splitmix64) ---- */

/* The suite's seed: `meson test` runs the same cases every time. */
#define DEFAULT_SEED 20261201u

static uint64_t seed;
static unsigned long long random_cases = 20000; /* after the sweeps */
static uint64_t rng_state;

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return mix64(rng_state += 0x9e3779b97f4a7c15ULL);
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static bool chance(unsigned percent)
{
	return rnd_below(100) < percent;
}

/* ---- the register file the stub loads and stores ---- */

struct cpu_state {
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t host_rsp; /* the caller's stack while the stub runs */
};
#define STATE_RFLAGS 128
#define STATE_HOST_RSP 136

/* The arithmetic flags and DF; TF and AC must stay clear. */
#define RFLAGS_FIXED 0x202
#define RFLAGS_RANDOM 0x8d5
#define RFLAGS_DF 0x400

/* ---- memory ---- */

enum area_id {
	AREA_R1,       /* region 1 */
	AREA_R2,       /* region 2 */
	AREA_BELOW,    /* the page just below region 1, if it could be had */
	AREA_ABOVE,    /* the page just above region 1 */
	AREA_ORDINARY, /* anywhere */
	AREA_LOW,      /* below 4 GiB, for 32-bit string destinations */
	AREA_COUNT
};

static const char *const area_names[AREA_COUNT] = {
	"region1", "region2", "below-region1", "above-region1", "ordinary",
	"low",
};

struct area {
	uint8_t *base;
	bool available;
	bool region;
	uint8_t *backing; /* a region's memory in the trapped run */
};

static struct area areas[AREA_COUNT];
static uint8_t initial[AREA_COUNT][PAGE];
static uint8_t native_memory[AREA_COUNT][PAGE];
static uint8_t backing_memory[2][PAGE];

static uint64_t area_address(enum area_id id)
{
	return (uint64_t)(uintptr_t)areas[id].base;
}

/* Which region an address falls in, or -1. */
static int region_of(uint64_t address)
{
	for (int id = AREA_R1; id <= AREA_R2; id++) {
		if (address - area_address(id) < PAGE)
			return id;
	}
	return -1;
}

/* ---- the callbacks and what they saw ---- */

struct access_record {
	uint8_t area;
	uint8_t write;
	uint8_t size;
	uint64_t offset;
};

static struct access_record seen[MAX_LOG];
static size_t seen_count;
static unsigned bad_callbacks; /* out-of-range or wrong access info */
static uint64_t insn_address;  /* of the case being run */

static void record(struct area *a, bool write, uint64_t offset, unsigned size)
{
	const struct mmiotrap_access *access = mmiotrap_current_access();

	if (offset > PAGE || size > PAGE - offset || !access ||
	    access->rip != insn_address ||
	    access->address != area_address((enum area_id)(a - areas)) + offset ||
	    access->region != a->base)
		bad_callbacks++;
	if (seen_count < MAX_LOG)
		seen[seen_count] = (struct access_record){
			(uint8_t)(a - areas), write, (uint8_t)size, offset };
	seen_count++;
}

/* Field by field: the padding of a record is not part of it. */
static bool same_access(const struct access_record *a,
			const struct access_record *b)
{
	return a->area == b->area && a->write == b->write &&
	       a->size == b->size && a->offset == b->offset;
}

static void region_read(void *ctx, uint64_t offset, void *data, unsigned size)
{
	struct area *a = ctx;

	record(a, false, offset, size);
	if (offset <= PAGE && size <= PAGE - offset)
		memcpy(data, a->backing + offset, size);
}

static void region_write(void *ctx, uint64_t offset, const void *data,
			 unsigned size)
{
	struct area *a = ctx;

	record(a, true, offset, size);
	if (offset <= PAGE && size <= PAGE - offset)
		memcpy(a->backing + offset, data, size);
}

static const struct mmiotrap_ops region_ops = { region_read, region_write };

/* ---- a test case ---- */

struct test_case {
	char form[160];
	bool optional; /* the decoder may refuse it */
	bool vendor_dependent; /* Intel and AMD read it differently */
	uint8_t bytes[16];
	size_t len;
	struct cpu_state init;
	bool sets_gs;
	uint64_t gs_base;
	bool guard_above; /* nothing may touch the page above region 1 */
	/* Memory the case needs to hold a given value (a load into RSP). */
	bool fixed_memory;
	uint64_t fixed_address;
	unsigned fixed_len;
	uint8_t fixed_bytes[8];
	/* What the decoder must say. */
	unsigned width;
	unsigned mem_count;
	uint64_t address[2];
	/* The region accesses, in order. */
	struct access_record log[MAX_LOG];
	size_t log_count;
};

static uint64_t fs_base;
static uint64_t current_gs_base;

static bool gs_base_usable(uint64_t base)
{
	return base < 0x7ffffffff000ULL;
}

static uint64_t random_gs_base(void)
{
	return rnd_below(0x7ffffff00000ULL);
}

static void random_registers(struct cpu_state *s, uint64_t rsp)
{
	for (int r = 0; r < 16; r++)
		s->gpr[r] = rnd();
	s->gpr[RSP] = rsp;
	s->rflags = RFLAGS_FIXED | (rnd() & RFLAGS_RANDOM);
}

/* ---- the instruction assembler ---- */

struct instruction {
	uint8_t junk_rex;      /* a REX before the legacy prefixes (ignored) */
	uint8_t legacy[6];
	size_t legacy_count;
	bool has_rex;
	uint8_t rex;           /* 0x40 | W R X B */
	uint8_t opcode[2];
	size_t opcode_len;
	bool has_modrm;
	uint8_t modrm;
	bool has_sib;
	uint8_t sib;
	unsigned disp_bytes;
	uint64_t disp;
	unsigned imm_bytes;
	uint64_t imm;
};

static void put_le(uint8_t *out, uint64_t value, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		out[i] = (uint8_t)(value >> (8 * i));
}

static size_t assemble(const struct instruction *in, uint8_t *out)
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

static void add_legacy(struct instruction *in, uint8_t prefix)
{
	in->legacy[in->legacy_count++] = prefix;
}

static void shuffle_legacy(struct instruction *in)
{
	for (size_t i = in->legacy_count; i > 1; i--) {
		size_t j = rnd_below(i);
		uint8_t t = in->legacy[i - 1];
		in->legacy[i - 1] = in->legacy[j];
		in->legacy[j] = t;
	}
}

enum segment { SEG_NONE, SEG_NULL, SEG_FS, SEG_GS };
static const uint8_t null_segment_prefixes[4] = { 0x26, 0x2e, 0x36, 0x3e };

static void add_segment_prefix(struct instruction *in, enum segment seg)
{
	if (seg == SEG_NULL)
		add_legacy(in, null_segment_prefixes[rnd_below(4)]);
	else if (seg == SEG_FS)
		add_legacy(in, 0x64);
	else if (seg == SEG_GS)
		add_legacy(in, 0x65);
}

/*
 * Optional oddities that do not change what the instruction does: an
 * ignored REX before a legacy prefix, a repeated prefix, a null segment
 * prefix next to FS/GS (placed first, so the FS/GS one is the last), F2/F3
 * on a plain MOV.
 */
static void add_oddity(struct test_case *tc, struct instruction *in,
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

struct address_expr {
	int base;            /* a GPR, RIP_BASE or NO_REG */
	int index;           /* a GPR or NO_REG */
	unsigned scale;      /* 1, 2, 4, 8 */
	unsigned disp_bytes; /* 0, 1, 4, or 8 (moffs64) */
	enum segment seg;
	unsigned address_size;
};

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
#define MODRM_FORM_COUNT (sizeof(modrm_forms) / sizeof(modrm_forms[0]))

/* The vendor the runtime and these checks decode for: mmiotrap_vendor(). */
static enum mmiodec_vendor oracle_vendor;

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

/* Operand-size variants: no prefix, 66, REX.W, 66 + REX.W (W wins). */
enum size_variant { SIZE_32, SIZE_16, SIZE_64, SIZE_66_AND_W, SIZE_VARIANTS };
static const unsigned variant_size[SIZE_VARIANTS] = { 4, 2, 8, 8 };
static const char *const variant_names[SIZE_VARIANTS] = {
	"", " o16", " rex.w", " o16+rex.w",
};

/* Register operand choices: 0..15, then 16..19 for AH, CH, DH, BH. */
#define REG_CHOICES 20
#define HIGH8(choice) ((choice) >= 16)

enum addr_form {
	AF_BASE,          /* [base]            mod 00 */
	AF_BASE_DISP8,    /* [base+d8]         mod 01 */
	AF_BASE_DISP32,   /* [base+d32]        mod 10 */
	AF_SIB,           /* [base+index*s]    mod 00 */
	AF_SIB_DISP8,     /* [base+index*s+d8] */
	AF_SIB_DISP32,    /* [base+index*s+d32] */
	AF_SIB_NO_BASE,   /* [index*s+d32]     SIB base 101, mod 00 */
	AF_SIB_NO_INDEX,  /* [base+d]          SIB index 100 */
	AF_RIP,           /* [rip+d32] */
	AF_ABSOLUTE,      /* [d32]             SIB base 101, index 100 */
	AF_COUNT
};

static const char *const addr_form_names[AF_COUNT] = {
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
static bool encode_address(enum addr_form af, bool low_only,
			   struct instruction *in, struct address_expr *x,
			   uint8_t *rex_xb)
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

/* The stub runs on this stack, below 2 GiB so that a 32-bit load into
 * ESP (or MOVSXD into RSP) can leave a valid stack pointer. */
static uint64_t stack_base;
static uint64_t code_insn_address; /* where the instruction is placed */

/* In the middle quarter of the stack: the 64 KiB window around it (what a
 * 16-bit load into SP can reach) lies inside, with room below for the
 * signal frames. */
static uint64_t random_rsp(void)
{
	return stack_base + STACK_SIZE / 4 + 8 * rnd_below(STACK_SIZE / 2 / 8);
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

/*
 * A target for an access of `width` bytes in a region, with room below for
 * solve_address() to move it down. Sometimes it is the last bytes of
 * region 1: the page above is inaccessible during the native run of a
 * ModRM or moffs case, so a CPU that reads more than `width` bytes faults.
 */
static uint64_t random_target(unsigned width, int *area)
{
	*area = chance(80) ? AREA_R1 : AREA_R2;
	if (*area == AREA_R1 && chance(10))
		return area_address(AREA_R1) + PAGE - width;
	return area_address(*area) + 8 + rnd_below(PAGE - 8 - width + 1);
}

static void expect_one_access(struct test_case *tc, uint64_t target,
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

static enum segment random_segment(void)
{
	static const enum segment choice[] = { SEG_NONE, SEG_NONE, SEG_NULL,
					       SEG_FS, SEG_GS, SEG_GS };
	return choice[rnd_below(sizeof(choice) / sizeof(choice[0]))];
}

static const char *const segment_names[] = { "", " null-seg", " fs", " gs" };

/* Combinations whose addressing form cannot reach a region from here. */
static unsigned unreachable;

/* Assemble the case's bytes, solve its address and patch the displacement. */
static bool finish_address(struct test_case *tc, struct instruction *in,
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

static bool make_modrm_case(struct test_case *tc, const struct modrm_form *f,
			    enum size_variant variant, int reg_choice,
			    enum addr_form af)
{
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
	if (x.address_size == 32)
		add_legacy(&in, 0x67);
	add_segment_prefix(&in, x.seg);
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

static bool make_moffs_case(struct test_case *tc, unsigned opcode,
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

enum string_op { STRING_MOVS, STRING_STOS, STRING_LODS };
static const char *const string_names[] = { "movs", "stos", "lods" };
static const uint8_t string_opcode[] = { 0xa4, 0xaa, 0xac };

enum layout {
	LAYOUT_REGION,      /* the region side in region 1; MOVS dst ordinary */
	LAYOUT_DST_REGION,  /* MOVS: ordinary to region 1 */
	LAYOUT_BOTH,        /* MOVS: region 1 to region 2 */
	LAYOUT_SAME,        /* MOVS: within region 1, maybe overlapping */
	LAYOUT_CROSS,       /* the region side crosses an edge of region 1 */
	LAYOUT_DST_CROSS,   /* MOVS: the destination crosses */
	LAYOUT_COUNT
};
static const char *const layout_names[LAYOUT_COUNT] = {
	"region", "dst-region", "region-to-region", "same-region",
	"crossing", "dst-crossing",
};

static bool crossing_available;

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

static bool make_string_case(struct test_case *tc, enum string_op op,
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

/* ---- the stub ---- */

static uint8_t *code_page;
static struct cpu_state run_state;
static uint8_t prologue[256], epilogue[256];
static size_t prologue_len, epilogue_len;
/* The stub's exit: from the host stack pointer in run_state.host_rsp on,
 * it needs no register; its offset in the epilogue, and its address in the
 * stub of the case being run. */
static size_t epilogue_exit;
static uint64_t stub_exit;

static size_t emit(uint8_t *out, size_t n, const uint8_t *bytes, size_t count)
{
	memcpy(out + n, bytes, count);
	return n + count;
}

/* mov reg, [rdi+disp32] (load) or mov [rdi+disp32], reg (store) */
static size_t emit_state_move(uint8_t *out, size_t n, int reg, unsigned disp,
			      bool store)
{
	uint8_t b[7] = { (uint8_t)(0x48 | ((reg >> 3) << 2)),
			 store ? 0x89 : 0x8b,
			 (uint8_t)(0x80 | ((reg & 7) << 3) | 7) };
	put_le(b + 3, disp, 4);
	return emit(out, n, b, sizeof(b));
}

static void build_stub_parts(void)
{
	static const uint8_t save[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55,
					0x41, 0x56, 0x41, 0x57 };
	static const uint8_t restore[] = { 0xfc, 0x41, 0x5f, 0x41, 0x5e, 0x41,
					   0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3 };
	/* push qword [rdi+128]; popfq */
	static const uint8_t load_flags[] = { 0xff, 0xb7, 0x80, 0, 0, 0, 0x9d };
	size_t n = 0;
	uint8_t movabs[10] = { 0x48, 0xbf };

	n = emit(prologue, n, save, sizeof(save));
	n = emit_state_move(prologue, n, RSP, STATE_HOST_RSP, true);
	n = emit_state_move(prologue, n, RSP, 8 * RSP, false);
	n = emit(prologue, n, load_flags, sizeof(load_flags));
	for (int r = 0; r < 16; r++) {
		if (r != RSP && r != RDI)
			n = emit_state_move(prologue, n, r, 8 * r, false);
	}
	n = emit_state_move(prologue, n, RDI, 8 * RDI, false);
	prologue_len = n;

	n = 0;
	epilogue[n++] = 0x57; /* push rdi */
	put_le(movabs + 2, (uint64_t)(uintptr_t)&run_state, 8);
	n = emit(epilogue, n, movabs, sizeof(movabs));
	for (int r = 0; r < 16; r++) {
		if (r != RSP && r != RDI)
			n = emit_state_move(epilogue, n, r, 8 * r, true);
	}
	epilogue[n++] = 0x9c; /* pushfq */
	epilogue[n++] = 0x58; /* pop rax */
	n = emit_state_move(epilogue, n, RAX, STATE_RFLAGS, true);
	epilogue[n++] = 0x58; /* pop rax: the instruction's rdi */
	n = emit_state_move(epilogue, n, RAX, 8 * RDI, true);
	n = emit_state_move(epilogue, n, RSP, 8 * RSP, true);
	n = emit_state_move(epilogue, n, RSP, STATE_HOST_RSP, false);
	epilogue_exit = n;
	n = emit(epilogue, n, restore, sizeof(restore));
	epilogue_len = n;
}

static void write_stub(const struct test_case *tc)
{
	size_t n = 0;

	if (mprotect(code_page, PAGE, PROT_READ | PROT_WRITE) != 0) {
		perror("mprotect code");
		exit(2);
	}
	n = emit(code_page, n, prologue, prologue_len);
	n = emit(code_page, n, tc->bytes, tc->len);
	stub_exit = (uint64_t)(uintptr_t)code_page + n + epilogue_exit;
	emit(code_page, n, epilogue, epilogue_len);
	if (mprotect(code_page, PAGE, PROT_READ | PROT_EXEC) != 0) {
		perror("mprotect code");
		exit(2);
	}
}

static void run_stub(void)
{
	void (*stub)(struct cpu_state *);

	memcpy(&stub, &code_page, sizeof(stub));
	stub(&run_state);
}

/* ---- watching the runtime's handler ---- */

enum phase { PHASE_IDLE, PHASE_NATIVE, PHASE_TRAPPED };
static volatile sig_atomic_t phase;
static struct sigaction runtime_action, watch_action;
static uint64_t expected_resume;
static volatile unsigned resume_count;
static char case_text[1024];

#define RFLAGS_TF 0x100
#define RFLAGS_AC 0x40000
/* Page-fault error code: the access was a write. */
#define PF_WRITE 0x2

/* A run of the stub that ended in a fault it did not survive. */
struct stub_fault {
	bool faulted;
	bool write;           /* the page-fault error code says write */
	bool runtime_gave_up; /* trapped: the runtime left SIGSEGV at its
				 default action (it refused the access, or
				 passed on a fault that was not its own) */
	int code;             /* si_code */
	uint64_t address;     /* si_addr */
	uint64_t rip;         /* of the faulting instruction */
	uint64_t resume;      /* trapped: where the runtime resumed */
};
static struct stub_fault stub_fault;

static void say(const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(STDERR_FILENO, s, len);
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/*
 * End the stub's run at its exit: on the host stack pointer its prologue
 * saved in run_state, the exit clears DF, pops the callee-saved registers
 * the prologue pushed and returns to run_stub(), as a run that did not
 * fault does; returning from the signal handler restores the signal mask.
 * Only for a fault in the instruction under test or the epilogue after it
 * (run_state.host_rsp is cleared before each run and set by the prologue).
 */
static bool leave_stub(ucontext_t *uc, uint64_t fault_rip)
{
	greg_t *gregs = uc->uc_mcontext.gregs;

	if (run_state.host_rsp == 0 || fault_rip < code_insn_address ||
	    fault_rip >= stub_exit)
		return false;
	gregs[REG_RSP] = (greg_t)run_state.host_rsp;
	gregs[REG_RIP] = (greg_t)stub_exit;
	gregs[REG_EFL] &= ~(greg_t)(RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
	return true;
}

/*
 * Every invocation of the runtime's handler must resume right after the
 * instruction. A fault it does not resume from (a refusal, a fault
 * elsewhere in the stub), and any fault in the native run, is recorded
 * in stub_fault and ends the stub's run; run_case() reports it.
 */
static void watch_segv(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	greg_t *gregs = uc->uc_mcontext.gregs;
	uint64_t fault_rip = (uint64_t)gregs[REG_RIP];
	struct sigaction now;

	if (phase == PHASE_TRAPPED) {
		runtime_action.sa_sigaction(sig, info, context);
		resume_count++;
		if ((uint64_t)gregs[REG_RIP] == expected_resume)
			return;
	}
	stub_fault = (struct stub_fault){
		.faulted = true,
		.write = (gregs[REG_ERR] & PF_WRITE) != 0,
		.code = info->si_code,
		.address = (uint64_t)(uintptr_t)info->si_addr,
		.rip = fault_rip,
		.resume = (uint64_t)gregs[REG_RIP],
	};
	if (phase == PHASE_TRAPPED) {
		/* After a refusal SIGSEGV is at its default action: the
		 * watch goes back in place for the next case. */
		sigaction(SIGSEGV, &watch_action, &now);
		stub_fault.runtime_gave_up = !(now.sa_flags & SA_SIGINFO) ||
					     now.sa_sigaction != watch_segv;
	}
	if (phase == PHASE_IDLE || !leave_stub(uc, fault_rip)) {
		say("cpu-oracle: FAIL: a fault outside the instruction under "
		    "test and its stub's epilogue: cannot go on\n");
		say(case_text);
		_exit(3);
	}
}

/* ---- running and comparing ---- */

static struct {
	unsigned cases, failures, skipped, optional_refused, optional_run;
	unsigned vendor_dependent; /* not run: the vendor is not known */
	unsigned native_faults, trapped_faults;
} stats;
static bool verbose;
#define MAX_REPORTED 12

/*
 * --drill: provoke the failures that must not end the run, and check that
 * each is reported and the run goes on. Every DRILL_EVERY-th case that
 * accesses a region runs natively with the regions inaccessible, so its
 * native run faults; every other vendor-dependent case runs trapped with
 * the runtime decoding for MMIODEC_VENDOR_ANY, so the runtime refuses it.
 */
#define DRILL_EVERY 7
#define DRILL_SHOWN 2
static bool drill;
/* Whether mmiodec calls 66 63 vendor-dependent for MMIODEC_VENDOR_ANY
 * (without it, no refusal can be provoked that way). */
static bool decoder_knows_vendors;
static struct {
	unsigned native, native_seen, trapped, trapped_seen;
} drills;

/* The decoder's reading of the case being run, for the reports. */
static struct mmiodec_insn decoded_insn;
static uint64_t decoded_address[2];

static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
	return n;
}

static void describe_case(const struct test_case *tc, unsigned long id)
{
	size_t len = 0;

	append(case_text, sizeof(case_text), &len,
	       "  case %lu (rerun: --seed %" PRIu64 " --count %llu --case %lu): "
	       "%s%s%s\n  bytes:", id, seed, random_cases, id, tc->form,
	       tc->optional ? " (optional)" : "",
	       tc->vendor_dependent ? " (vendor-dependent)" : "");
	for (size_t i = 0; i < tc->len; i++)
		append(case_text, sizeof(case_text), &len, " %02x", tc->bytes[i]);
	append(case_text, sizeof(case_text), &len,
	       "\n  at 0x%" PRIx64 ", operand 0x%" PRIx64, code_insn_address,
	       tc->address[0]);
	if (tc->sets_gs)
		append(case_text, sizeof(case_text), &len, ", gs base 0x%" PRIx64,
		       tc->gs_base);
	append(case_text, sizeof(case_text), &len, "\n");
}

/* One line: what the decoder made of the case. */
static void print_decoded(void)
{
	const struct mmiodec_insn *insn = &decoded_insn;

	fprintf(stderr, "  decoded for %s: %s", mmiodec_vendor_name(oracle_vendor),
		mmiodec_status_name(insn->status));
	if (insn->status == MMIODEC_OK) {
		fprintf(stderr, ", %s, %u-byte %s", mmiodec_mnemonic(insn),
			insn->width,
			insn->direction == MMIODEC_DIR_READ ? "load" :
			insn->direction == MMIODEC_DIR_WRITE ? "store" : "copy");
		if (insn->reg_kind != MMIODEC_REG_KIND_NONE) {
			unsigned width = insn->direction == MMIODEC_DIR_READ ?
						 insn->dest_width : insn->width;
			fprintf(stderr, " %s %s",
				insn->direction == MMIODEC_DIR_READ ? "into" : "from",
				mmiodec_reg_name(insn->reg_kind, insn->reg, width));
		}
		if (insn->extend != MMIODEC_EXTEND_NONE)
			fprintf(stderr, ", %s-extended to %u bytes",
				insn->extend == MMIODEC_EXTEND_SIGN ? "sign" : "zero",
				insn->dest_width);
		if (insn->repeat)
			fprintf(stderr, ", repeated");
		for (unsigned i = 0; i < insn->mem_count && i < 2; i++)
			fprintf(stderr, ", %s 0x%" PRIx64,
				insn->mem_count == 1 ? "operand" :
				i == 0 ? "destination" : "source",
				decoded_address[i]);
	}
	fprintf(stderr, "\n");
}

/* Where an address lies among the test's pages. */
static void print_place(uint64_t address)
{
	for (int id = 0; id < AREA_COUNT; id++) {
		if (!areas[id].base || address - area_address(id) >= PAGE)
			continue;
		fprintf(stderr, " (%s+0x%03" PRIx64 "%s)", area_names[id],
			address - area_address(id),
			id == AREA_ABOVE && areas[id].available ?
				", kept inaccessible while the case runs natively" :
				"");
		return;
	}
	fprintf(stderr, " (outside the test's pages)");
}

static void print_fault(const struct stub_fault *f, bool trapped)
{
	print_decoded();
	if (f->code == SEGV_MAPERR || f->code == SEGV_ACCERR) {
		fprintf(stderr, "  fault: page fault, %s at 0x%" PRIx64,
			f->write ? "write" : "read", f->address);
		print_place(f->address);
		fprintf(stderr, ", %s\n", f->code == SEGV_MAPERR ?
				"not mapped" : "not accessible");
	} else {
		fprintf(stderr, "  fault: si_code %d, address 0x%" PRIx64
			" (a general-protection fault has none)\n", f->code,
			f->address);
	}
	fprintf(stderr, "  at rip 0x%" PRIx64 " (%s)\n", f->rip,
		f->rip == code_insn_address ? "the instruction" :
					      "the stub's epilogue");
	if (trapped)
		fprintf(stderr, "  the runtime %s; it resumed at 0x%" PRIx64
			", expected 0x%" PRIx64 "\n",
			f->runtime_gave_up ? "refused the access or passed the "
					     "fault on (see its message above)" :
					     "did not resume after the instruction",
			f->resume, expected_resume);
}

static void print_states(const struct test_case *tc,
			 const struct cpu_state *native,
			 const struct cpu_state *trapped)
{
	fprintf(stderr, "  %-6s %-18s %-18s %-18s\n", "", "initial", "native",
		"trapped");
	for (int r = 0; r < 16; r++)
		fprintf(stderr, "  %-6s %016" PRIx64 "   %016" PRIx64
			"   %016" PRIx64 "%s\n", reg_names[r], tc->init.gpr[r],
			native->gpr[r], trapped->gpr[r],
			native->gpr[r] != trapped->gpr[r] ? "  <--" : "");
	fprintf(stderr, "  %-6s %016" PRIx64 "   %016" PRIx64 "   %016" PRIx64
		"%s\n", "rflags", tc->init.rflags, native->rflags,
		trapped->rflags,
		native->rflags != trapped->rflags ? "  <--" : "");
}

static void print_log(const char *title, const struct access_record *log,
		      size_t count)
{
	fprintf(stderr, "  %s (%zu):", title, count);
	for (size_t i = 0; i < count && i < 24; i++)
		fprintf(stderr, " %s:%c%u@%" PRIx64, area_names[log[i].area],
			log[i].write ? 'W' : 'R', log[i].size, log[i].offset);
	fprintf(stderr, "%s\n", count > 24 ? " ..." : "");
}

/* Count a failure; true when its details are to be printed. */
static bool fail_header(const char *what)
{
	stats.failures++;
	if (stats.failures <= MAX_REPORTED)
		fprintf(stderr, "cpu-oracle: FAIL: %s\n%s", what, case_text);
	return stats.failures <= MAX_REPORTED;
}

enum verdict { DECODED_OK, DECODED_REFUSED_OPTIONAL, DECODED_VENDOR_DEPENDENT,
	       DECODED_WRONG };

/* The decoder must agree with what the case was built to do. */
static enum verdict check_decoder(const struct test_case *tc)
{
	struct mmiodec_insn *insn = &decoded_insn;
	struct mmiodec_regs regs;

	mmiodec_decode_vendor(insn, tc->bytes, tc->len, MMIODEC_MODE_64,
			      oracle_vendor);
	decoded_address[0] = decoded_address[1] = 0;
	if (tc->vendor_dependent && oracle_vendor == MMIODEC_VENDOR_ANY) {
		/* the runtime refuses these; nothing to run */
		if (insn->status == MMIODEC_VENDOR_DEPENDENT)
			return DECODED_VENDOR_DEPENDENT;
		if (fail_header("with the vendor unknown, the decoder does not "
				"call vendor-dependent bytes that Intel and "
				"AMD read differently"))
			print_decoded();
		return DECODED_WRONG;
	}
	if (insn->status != MMIODEC_OK) {
		if (tc->optional)
			return DECODED_REFUSED_OPTIONAL;
		if (fail_header("the decoder refuses an instruction the CPU runs"))
			print_decoded();
		return DECODED_WRONG;
	}
	memset(&regs, 0, sizeof(regs));
	memcpy(regs.gpr, tc->init.gpr, sizeof(regs.gpr));
	regs.rip = code_insn_address;
	regs.rflags = tc->init.rflags;
	regs.seg_base[MMIODEC_SEG_FS] = fs_base;
	regs.seg_base[MMIODEC_SEG_GS] = tc->sets_gs ? tc->gs_base :
						      current_gs_base;
	for (unsigned i = 0; i < insn->mem_count && i < 2; i++)
		mmiodec_address(insn, &regs, i, &decoded_address[i]);
	bool ok = insn->length == tc->len && insn->width == tc->width &&
		  insn->mem_count == tc->mem_count;
	for (unsigned i = 0; ok && i < tc->mem_count; i++)
		ok = decoded_address[i] == tc->address[i];
	if (ok)
		return DECODED_OK;
	if (fail_header("the decoder disagrees with the instruction's encoding"))
		fprintf(stderr, "  decoder (%s): length %u width %u operands %u "
			"address 0x%" PRIx64 " 0x%" PRIx64 "\n"
			"  expected: length %zu width %u operands %u address 0x%"
			PRIx64 " 0x%" PRIx64 "\n",
			mmiodec_vendor_name(oracle_vendor), insn->length,
			insn->width, insn->mem_count, decoded_address[0],
			decoded_address[1], tc->len, tc->width, tc->mem_count,
			tc->address[0], tc->address[1]);
	return DECODED_WRONG;
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = rnd();
		memcpy(p + i, &v, 8);
	}
}

static void protect_page(void *page, int prot)
{
	if (mprotect(page, PAGE, prot) != 0) {
		perror("mprotect");
		exit(2);
	}
}

static void protect_regions(int prot)
{
	for (int id = AREA_R1; id <= AREA_R2; id++)
		protect_page(areas[id].base, prot);
}

/* The signal mask outside the handlers, as setup() left it. */
static sigset_t normal_mask;

/*
 * After a run that ended in a fault: the process must be as after any
 * other run, or nothing after it can be trusted. The callee-saved
 * registers and the stack pointer are the C code's own (it would not get
 * here otherwise); this checks the rest: the signal mask, the SIGSEGV
 * disposition (the watch, with the runtime's handler behind it) and DF.
 */
static void check_process_state(void)
{
	sigset_t mask;
	struct sigaction now;
	uint64_t rflags;

	sigemptyset(&mask);
	if (sigprocmask(SIG_BLOCK, NULL, &mask) != 0 ||
	    sigaction(SIGSEGV, NULL, &now) != 0) {
		perror("cpu-oracle: sigprocmask/sigaction");
		exit(3);
	}
	__asm__ volatile("pushfq\n\tpopq %0" : "=r"(rflags));
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (sigismember(&mask, sig) != sigismember(&normal_mask, sig)) {
			fprintf(stderr, "cpu-oracle: after a fault, signal %d "
				"is %sblocked: cannot go on\n", sig,
				sigismember(&mask, sig) ? "" : "not ");
			exit(3);
		}
	}
	if (!(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != watch_segv ||
	    (rflags & RFLAGS_DF)) {
		fprintf(stderr, "cpu-oracle: after a fault, %s: cannot go on\n",
			rflags & RFLAGS_DF ? "DF is set" :
			"SIGSEGV is not watched");
		exit(3);
	}
}

/* Silence stderr (the runtime's refusal messages) while a drill runs. */
static int quiet_stderr(bool quiet, int saved)
{
	if (quiet) {
		int null = open("/dev/null", O_WRONLY);
		saved = dup(STDERR_FILENO);
		if (null < 0 || saved < 0 || dup2(null, STDERR_FILENO) < 0) {
			perror("cpu-oracle: /dev/null");
			exit(2);
		}
		close(null);
		return saved;
	}
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	return -1;
}

/* A native run that faulted: a failure of the case (or a drill's aim). */
static void native_fault(const struct test_case *tc, bool drilled)
{
	(void)tc;
	if (drilled) {
		if (drills.native_seen++ < DRILL_SHOWN) {
			fprintf(stderr, "cpu-oracle: drill: the native run "
				"faulted, as provoked (regions inaccessible); "
				"the run goes on\n%s", case_text);
			print_fault(&stub_fault, false);
		}
		return;
	}
	stats.native_faults++;
	if (fail_header("the native run faulted: the CPU accessed memory "
			"the case does not expect it to (wider than the width "
			"the case was built for, or a bug in the test's "
			"assembler)"))
		print_fault(&stub_fault, false);
}

static void trapped_fault(const struct test_case *tc, bool drilled)
{
	(void)tc;
	if (drilled && stub_fault.runtime_gave_up &&
	    stub_fault.rip == code_insn_address) {
		if (drills.trapped_seen++ < DRILL_SHOWN) {
			fprintf(stderr, "cpu-oracle: drill: the runtime refused "
				"the instruction, as provoked (decoding for "
				"any vendor); the run goes on\n%s", case_text);
			print_fault(&stub_fault, true);
		}
		return;
	}
	stats.trapped_faults++;
	if (fail_header("the trapped run did not resume after the "
			"instruction"))
		print_fault(&stub_fault, true);
}

static void run_case(const struct test_case *tc, unsigned long case_id)
{
	struct cpu_state native, trapped;
	bool failed = false, states_shown = false;

	stats.cases++;
	describe_case(tc, case_id);
	if (verbose)
		fputs(case_text, stderr);
	switch (check_decoder(tc)) {
	case DECODED_OK:
		break;
	case DECODED_REFUSED_OPTIONAL:
		if (stats.optional_refused++ < MAX_REPORTED)
			printf("cpu-oracle: optional form refused by the "
			       "decoder:\n%s", case_text);
		return;
	case DECODED_VENDOR_DEPENDENT:
		stats.vendor_dependent++;
		return;
	default:
		return;
	}
	if (tc->optional)
		stats.optional_run++;

	bool drill_native = drill && tc->log_count > 0 &&
			    case_id % DRILL_EVERY == 0;
	bool drill_trapped = drill && !drill_native && tc->log_count > 0 &&
			     tc->vendor_dependent && decoder_knows_vendors;
	drills.native += drill_native;
	drills.trapped += drill_trapped;

	write_stub(tc);
	if (tc->sets_gs) {
		if (syscall(SYS_arch_prctl, ARCH_SET_GS, tc->gs_base) != 0) {
			perror("arch_prctl(ARCH_SET_GS)");
			exit(2);
		}
		current_gs_base = tc->gs_base;
	}
	for (int id = 0; id < AREA_COUNT; id++) {
		if (areas[id].available)
			fill_random(initial[id], PAGE);
	}
	if (tc->fixed_memory) {
		int area = region_of(tc->fixed_address);
		memcpy(initial[area] + (tc->fixed_address - area_address(area)),
		       tc->fixed_bytes, tc->fixed_len);
	}

	/* native (a drill leaves the regions inaccessible) */
	if (!drill_native)
		protect_regions(PROT_READ | PROT_WRITE);
	for (int id = 0; id < AREA_COUNT; id++) {
		if (areas[id].available && !(areas[id].region && drill_native))
			memcpy(areas[id].base, initial[id], PAGE);
	}
	bool guard = tc->guard_above && areas[AREA_ABOVE].available;
	if (guard)
		protect_page(areas[AREA_ABOVE].base, PROT_NONE);
	run_state = tc->init;
	run_state.host_rsp = 0;
	stub_fault.faulted = false;
	phase = PHASE_NATIVE;
	run_stub();
	phase = PHASE_IDLE;
	if (guard)
		protect_page(areas[AREA_ABOVE].base, PROT_READ | PROT_WRITE);
	native = run_state;
	if (!drill_native) {
		for (int id = 0; id < AREA_COUNT; id++) {
			if (areas[id].available)
				memcpy(native_memory[id], areas[id].base, PAGE);
		}
		protect_regions(PROT_NONE);
	}
	if (stub_fault.faulted) {
		check_process_state();
		native_fault(tc, drill_native);
		return;
	}
	if (drill_native) {
		fail_header("drill: the native run with the regions "
			    "inaccessible did not fault");
		return;
	}

	/* trapped (a drill decodes for any vendor: the runtime refuses) */
	for (int id = 0; id < AREA_COUNT; id++) {
		if (areas[id].available)
			memcpy(areas[id].region ? areas[id].backing :
						  areas[id].base,
			       initial[id], PAGE);
	}
	seen_count = 0;
	bad_callbacks = 0;
	resume_count = 0;
	insn_address = code_insn_address;
	expected_resume = code_insn_address + tc->len;
	run_state = tc->init;
	run_state.host_rsp = 0;
	stub_fault.faulted = false;
	int saved_stderr = -1;
	if (drill_trapped) {
		fflush(stderr);
		if (drills.trapped > DRILL_SHOWN)
			saved_stderr = quiet_stderr(true, -1);
		mmiotrap_set_vendor(MMIODEC_VENDOR_ANY);
	}
	phase = PHASE_TRAPPED;
	run_stub();
	phase = PHASE_IDLE;
	if (drill_trapped) {
		mmiotrap_set_vendor(oracle_vendor);
		quiet_stderr(false, saved_stderr);
	}
	trapped = run_state;
	if (stub_fault.faulted) {
		check_process_state();
		trapped_fault(tc, drill_trapped);
		return;
	}
	if (drill_trapped) {
		fail_header("drill: the runtime decoding for any vendor did "
			    "not refuse a vendor-dependent instruction");
		return;
	}

	/* compare */
	if (memcmp(native.gpr, trapped.gpr, sizeof(native.gpr)) != 0 ||
	    native.rflags != trapped.rflags) {
		if (fail_header("registers differ"))
			print_states(tc, &native, &trapped);
		failed = states_shown = true;
	}
	for (int id = 0; id < AREA_COUNT; id++) {
		const uint8_t *after;
		if (!areas[id].available)
			continue;
		after = areas[id].region ? areas[id].backing : areas[id].base;
		if (memcmp(native_memory[id], after, PAGE) == 0)
			continue;
		if (!failed)
			fail_header("memory differs");
		failed = true;
		if (stats.failures > MAX_REPORTED)
			continue;
		unsigned shown = 0;
		for (size_t i = 0; i < PAGE && shown < 8; i++) {
			if (native_memory[id][i] == after[i])
				continue;
			fprintf(stderr, "  %s+0x%03zx: initial %02x native %02x "
				"trapped %02x\n", area_names[id], i,
				initial[id][i], native_memory[id][i], after[i]);
			shown++;
		}
	}
	bool log_ok = seen_count == tc->log_count && bad_callbacks == 0;
	for (size_t i = 0; log_ok && i < tc->log_count; i++)
		log_ok = same_access(&seen[i], &tc->log[i]);
	if (!log_ok) {
		if (!failed)
			fail_header("the callbacks saw other accesses than the "
				    "instruction makes");
		failed = true;
		if (stats.failures <= MAX_REPORTED) {
			print_log("expected", tc->log, tc->log_count);
			print_log("seen", seen,
				  seen_count < MAX_LOG ? seen_count : MAX_LOG);
			if (bad_callbacks)
				fprintf(stderr, "  %u callbacks with a wrong "
					"offset or mmiotrap_current_access()\n",
					bad_callbacks);
		}
	}
	if (resume_count != (tc->log_count ? 1u : 0u)) {
		if (!failed)
			fail_header("wrong number of handler invocations");
		failed = true;
		if (stats.failures <= MAX_REPORTED)
			fprintf(stderr, "  %u invocations\n", resume_count);
	}
	if (failed && stats.failures <= MAX_REPORTED && !states_shown)
		print_states(tc, &native, &trapped);
}

/* ---- the sweeps ---- */

/*
 * Every case the sweeps and the random phase consider gets the next id,
 * whether it is made or not, and draws its random numbers from a stream of
 * its own (the seed and its id): the same seed gives the same cases in
 * every run, and a failing case can be run alone with --case ID, even
 * though the addresses mmap hands out (which some choices depend on)
 * differ between runs.
 */
static unsigned long next_id, current_id;
static bool only_one;
static unsigned long only_id;

static bool begin_case(void)
{
	current_id = next_id++;
	rng_state = mix64(seed ^ mix64(current_id));
	return !only_one || current_id == only_id;
}

static void run_made(bool made, struct test_case *tc)
{
	/* Prefix oddities can push an instruction past the 15-byte limit. */
	if (made && tc->len <= MMIODEC_MAX_LENGTH)
		run_case(tc, current_id);
	else
		stats.skipped++;
}

static struct test_case the_case;

static void sweep_modrm(void)
{
	for (size_t f = 0; f < MODRM_FORM_COUNT; f++)
		for (int v = 0; v < SIZE_VARIANTS; v++)
			for (int reg = 0; reg < REG_CHOICES; reg++)
				for (int af = 0; af < AF_COUNT; af++) {
					if (!begin_case())
						continue;
					run_made(make_modrm_case(&the_case,
						 &modrm_forms[f],
						 (enum size_variant)v, reg,
						 (enum addr_form)af), &the_case);
				}
}

static void sweep_moffs(void)
{
	for (unsigned opcode = 0xa0; opcode <= 0xa3; opcode++)
		for (int v = 0; v < SIZE_VARIANTS; v++)
			for (int seg = SEG_NONE; seg <= SEG_GS; seg++)
				for (unsigned as = 32; as <= 64; as += 32)
					for (int again = 0; again < 4; again++) {
						if (!begin_case())
							continue;
						run_made(make_moffs_case(
							&the_case, opcode,
							(enum size_variant)v,
							(enum segment)seg, as),
							&the_case);
					}
}

static void sweep_strings(void)
{
	for (int op = 0; op < 3; op++)
		for (int w = 0; w <= SIZE_VARIANTS; w++)
			for (int rep = 0; rep < 3; rep++)
				for (int down = 0; down < 2; down++)
					for (unsigned as = 32; as <= 64; as += 32)
						for (int layout = 0; layout < LAYOUT_COUNT; layout++) {
							if (!begin_case())
								continue;
							enum segment seg = as == 32 ? SEG_GS :
									   random_segment();
							bool byte = w == SIZE_VARIANTS;
							enum size_variant v = byte ?
								(enum size_variant)rnd_below(SIZE_VARIANTS) :
								(enum size_variant)w;
							run_made(make_string_case(&the_case,
								(enum string_op)op, v, byte, rep,
								down, as, seg, (enum layout)layout),
								&the_case);
						}
}

static void random_case(void)
{
	unsigned kind;
	bool made;

	if (!begin_case())
		return;
	kind = (unsigned)rnd_below(10);
	if (kind < 6) {
		made = make_modrm_case(&the_case,
				       &modrm_forms[rnd_below(MODRM_FORM_COUNT)],
				       (enum size_variant)rnd_below(SIZE_VARIANTS),
				       (int)rnd_below(REG_CHOICES),
				       (enum addr_form)rnd_below(AF_COUNT));
	} else if (kind < 7) {
		made = make_moffs_case(&the_case, 0xa0 + (unsigned)rnd_below(4),
				       (enum size_variant)rnd_below(SIZE_VARIANTS),
				       (enum segment)rnd_below(4),
				       chance(30) ? 32 : 64);
	} else {
		unsigned as = chance(20) ? 32 : 64;
		made = make_string_case(&the_case, (enum string_op)rnd_below(3),
					(enum size_variant)rnd_below(SIZE_VARIANTS),
					chance(25), (int)rnd_below(3), chance(50),
					as, as == 32 ? SEG_GS : random_segment(),
					(enum layout)rnd_below(LAYOUT_COUNT));
	}
	run_made(made, &the_case);
}

/* ---- setup ---- */

static void *map_page(void *hint, int flags)
{
	void *p = mmap(hint, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The watch runs on a stack of its own, so that a fault with a stack
 * pointer the stub left unusable is still reported. */
#define SIGNAL_STACK_SIZE (256 * 1024)

static void setup(void)
{
	/* mmap places each new mapping just below the previous one: a page
	 * mapped first is usually the one above region 1. */
	uint8_t *placeholder = map_page(NULL, 0);

	for (int id = AREA_R1; id <= AREA_R2; id++) {
		areas[id].region = true;
		areas[id].backing = backing_memory[id - AREA_R1];
		areas[id].base = mmiotrap_map(PAGE, &region_ops, &areas[id]);
		if (!areas[id].base) {
			perror("mmiotrap_map");
			exit(2);
		}
		areas[id].available = true;
		if (id == AREA_R1) {
			areas[AREA_BELOW].base = map_page(
				areas[id].base - PAGE, MAP_FIXED_NOREPLACE);
			areas[AREA_ABOVE].base =
				areas[id].base + PAGE == placeholder ?
					placeholder :
					map_page(areas[id].base + PAGE,
						 MAP_FIXED_NOREPLACE);
		}
	}
	crossing_available = areas[AREA_BELOW].base == areas[AREA_R1].base - PAGE &&
			     areas[AREA_ABOVE].base == areas[AREA_R1].base + PAGE;
	areas[AREA_BELOW].available = crossing_available;
	areas[AREA_ABOVE].available = crossing_available;
	areas[AREA_ORDINARY].base = map_page(NULL, 0);
	areas[AREA_LOW].base = map_page(NULL, MAP_32BIT);
	code_page = map_page(NULL, 0);
	uint8_t *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	void *signal_stack = mmap(NULL, SIGNAL_STACK_SIZE,
				  PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!areas[AREA_ORDINARY].base || !areas[AREA_LOW].base || !code_page ||
	    stack == MAP_FAILED || signal_stack == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	areas[AREA_ORDINARY].available = areas[AREA_LOW].available = true;
	stack_base = (uint64_t)(uintptr_t)stack;

	build_stub_parts();
	code_insn_address = (uint64_t)(uintptr_t)code_page + prologue_len;
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_base);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &current_gs_base);

	stack_t alt = { .ss_sp = signal_stack, .ss_size = SIGNAL_STACK_SIZE };
	memset(&watch_action, 0, sizeof(watch_action));
	watch_action.sa_sigaction = watch_segv;
	watch_action.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&watch_action.sa_mask);
	if (sigaltstack(&alt, NULL) != 0 ||
	    sigaction(SIGSEGV, &watch_action, &runtime_action) != 0 ||
	    !(runtime_action.sa_flags & SA_SIGINFO)) {
		fprintf(stderr, "cpu-oracle: cannot wrap the runtime's handler\n");
		exit(2);
	}
	sigemptyset(&normal_mask);
	if (sigprocmask(SIG_BLOCK, NULL, &normal_mask) != 0) {
		perror("sigprocmask");
		exit(2);
	}
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0u));
}

/* The CPU (vendor string of leaf 0; family, model and stepping of leaf 1
 * with the extended fields, as both vendors document them). */
static void print_cpu(void)
{
	uint32_t r[4];
	char name[13];
	unsigned family, model, stepping;

	cpuid(0, r);
	memcpy(name, &r[1], 4);
	memcpy(name + 4, &r[3], 4);
	memcpy(name + 8, &r[2], 4);
	name[12] = '\0';
	if (r[0] >= 1) {
		cpuid(1, r);
	} else {
		r[0] = 0;
	}
	family = (r[0] >> 8) & 0xf;
	model = (r[0] >> 4) & 0xf;
	stepping = r[0] & 0xf;
	if (family == 0x6 || family == 0xf)
		model |= ((r[0] >> 16) & 0xf) << 4;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	printf("cpu-oracle: CPU %s, family %u (0x%x), model %u (0x%x), "
	       "stepping %u; decoding for %s\n", name, family, family, model,
	       model, stepping, mmiodec_vendor_name(oracle_vendor));
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--count N] [--seed S] [--case ID] "
		"[--vendor-any] [--drill] [--verbose]\n", argv0);
	exit(2);
}

static bool parse_number(const char *text, unsigned long long *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno == 0 && end != text && *end == '\0' && text[0] != '-';
}

int main(int argc, char **argv)
{
	unsigned long long number;

	seed = DEFAULT_SEED;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (!parse_number(argv[++i], &random_cases))
				usage(argv[0]);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			if (!parse_number(argv[++i], &number))
				usage(argv[0]);
			seed = number;
		} else if (!strcmp(argv[i], "--case") && i + 1 < argc) {
			if (!parse_number(argv[++i], &number))
				usage(argv[0]);
			only_one = true;
			only_id = (unsigned long)number;
		} else if (!strcmp(argv[i], "--vendor-any")) {
			mmiotrap_set_vendor(MMIODEC_VENDOR_ANY);
		} else if (!strcmp(argv[i], "--drill")) {
			drill = true;
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else {
			usage(argv[0]);
		}
	}
	oracle_vendor = mmiotrap_vendor();
	static const uint8_t movsxd16[] = { 0x66, 0x63, 0x00 };
	struct mmiodec_insn insn;
	decoder_knows_vendors =
		mmiodec_decode_vendor(&insn, movsxd16, sizeof(movsxd16),
				      MMIODEC_MODE_64, MMIODEC_VENDOR_ANY) ==
		MMIODEC_VENDOR_DEPENDENT;
	print_cpu();
	printf("cpu-oracle: seed %" PRIu64 "%s, %llu random cases\n", seed,
	       seed == DEFAULT_SEED ? " (the default)" : "", random_cases);
	fflush(stdout);
	setup();
	if (!crossing_available)
		printf("cpu-oracle: no free pages around region 1: cases "
		       "crossing its edges are skipped\n");

	sweep_modrm();
	sweep_moffs();
	sweep_strings();
	for (unsigned long long i = 0; i < random_cases; i++)
		random_case();

	fflush(stderr);
	printf("cpu-oracle: %u cases, %u failures (%u native runs faulted, %u "
	       "trapped runs not resumed); skipped: %u combinations that are "
	       "not instructions, %u that cannot reach a region; optional "
	       "forms: %u run, %u refused by the decoder",
	       stats.cases, stats.failures, stats.native_faults,
	       stats.trapped_faults, stats.skipped - unreachable, unreachable,
	       stats.optional_run, stats.optional_refused);
	if (stats.vendor_dependent)
		printf("; %u vendor-dependent forms not run (vendor unknown)",
		       stats.vendor_dependent);
	printf("\n");
	if (stats.failures > MAX_REPORTED)
		printf("cpu-oracle: (only the first %d failures are shown)\n",
		       MAX_REPORTED);
	bool drill_ok = true;
	if (drill) {
		drill_ok = drills.native > 0 &&
			   (drills.trapped > 0 || !decoder_knows_vendors) &&
			   drills.native_seen == drills.native &&
			   drills.trapped_seen == drills.trapped;
		printf("cpu-oracle: drill %s: %u native faults provoked, %u "
		       "reported; %u refusals provoked, %u reported; the run "
		       "went on after each\n", drill_ok ? "passed" : "FAILED",
		       drills.native, drills.native_seen, drills.trapped,
		       drills.trapped_seen);
		if (!decoder_knows_vendors)
			printf("cpu-oracle: drill: no refusal provoked: this "
			       "mmiodec does not call 66 63 vendor-dependent\n");
	}
	printf("cpu-oracle: seed %" PRIu64 "\n", seed);
	return stats.failures || !drill_ok ? 1 : 0;
}
