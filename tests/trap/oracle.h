/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: what its parts share (see oracle.c for what it does).
 *
 *   oracle.c           options, set-up, the sweeps, the summary
 *   oracle-assemble.c  instructions from their parts; addresses solved so
 *                      that an operand lands on a chosen target
 *   oracle-mov.c       the cases of the MOV family, moffs and strings
 *   oracle-alu.c       the cases of every other form in src/forms.h
 *                      (arithmetic, logic, exchanges, bits, shifts,
 *                      conditions, MOVBE)
 *   oracle-vec.c       the cases of the vector moves (MMX, SSE, AVX,
 *                      AVX-512 with opmasks) and the portal stores
 *                      (MOVDIRI, MOVDIR64B), by what the CPU has
 *   oracle-stub.c      the stub that runs a case, and the watches on
 *                      SIGSEGV and SIGFPE
 *   oracle-run.c       a case run natively and trapped, compared, reported
 */
#ifndef ORACLE_H
#define ORACLE_H

#define _GNU_SOURCE
#include "mmiotrap.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE 4096
#define STACK_SIZE (1024 * 1024)
#define MAX_LOG 256
#define MAX_STRING_COUNT 48

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13,
       R14, R15, NO_REG = -1, RIP_BASE = 16 };

extern const char *const reg_names[16];

/* ---- random numbers (splitmix64) ---- */

/* The suite's seed: `meson test` runs the same cases every time. */
#define DEFAULT_SEED 20261201u

extern uint64_t seed;
extern unsigned long long random_cases; /* after the sweeps */
extern uint64_t rng_state;

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rnd(void)
{
	return mix64(rng_state += 0x9e3779b97f4a7c15ULL);
}

static inline uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

static inline bool chance(unsigned percent)
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
#define RFLAGS_TF 0x100
#define RFLAGS_AC 0x40000
/* Page-fault error code: the access was a write. */
#define PF_WRITE 0x2

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

extern const char *const area_names[AREA_COUNT];

struct area {
	uint8_t *base;
	bool available;
	bool region;
	uint8_t *backing; /* a region's memory in the trapped run */
};

extern struct area areas[AREA_COUNT];
extern bool crossing_available;
extern uint8_t backing_memory[2][PAGE];

static inline uint64_t area_address(enum area_id id)
{
	return (uint64_t)(uintptr_t)areas[id].base;
}

/* Which region an address falls in, or -1. */
static inline int region_of(uint64_t address)
{
	for (int id = AREA_R1; id <= AREA_R2; id++) {
		if (address - area_address(id) < PAGE)
			return id;
	}
	return -1;
}

/* One callback the runtime made (or a case expects it to make). */
struct access_record {
	uint8_t area;
	uint8_t write;
	uint8_t size;
	uint64_t offset;
};

extern const struct mmiotrap_ops region_ops;

/* ---- a test case ---- */

/*
 * What the last access of a read-modify-write case is: the CPU decides
 * whether it writes (a CMPXCHG that fails, a shift by 0...). run_case()
 * asks it: the case runs once more natively with the regions read-only,
 * and a write fault there means the CPU writes.
 */
enum write_rule {
	WRITE_AS_BUILT,  /* the log is as the case built it */
	WRITE_IF_CPU,    /* log[log_count] is a write, if the CPU writes */
};

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
	/* Memory the case needs to hold a given value (a load into RSP, a
	 * CMPXCHG that must succeed, a divisor). */
	bool fixed_memory;
	uint64_t fixed_address;
	unsigned fixed_len;
	uint8_t fixed_bytes[16];
	/* What the decoder must say. */
	unsigned width;
	unsigned mem_count;
	uint64_t address[2];
	/* The region accesses, in order. */
	struct access_record log[MAX_LOG];
	size_t log_count;
	enum write_rule write_rule;
	/* The enum mmiodec_op the decoder must say; 0: not checked. */
	unsigned op;
	/* For the facts the run reports: what kind of case this is
	 * ("cmpxchg lock, unequal"); empty for the MOV family. */
	char fact[48];
	/* Tier 3 (oracle-vec.c): the vector registers the stub loads (for
	 * every case; zeros beyond tier 3) and compares after the run. */
	bool vector;
	bool zero_upper; /* VZEROUPPER before the instruction */
	struct mmiodec_vregs vinit;
	/* The instruction raises #GP (a misaligned aligned form): SIGSEGV
	 * with si_code SI_KERNEL, natively and trapped, no callback. */
	bool expect_gp;
};

extern uint64_t fs_base;
extern uint64_t current_gs_base;

static inline bool gs_base_usable(uint64_t base)
{
	return base < 0x7ffffffff000ULL;
}

static inline uint64_t random_gs_base(void)
{
	return rnd_below(0x7ffffff00000ULL);
}

void random_registers(struct cpu_state *s, uint64_t rsp);

/* ---- the instruction assembler (oracle-assemble.c) ---- */

struct instruction {
	uint8_t junk_rex;      /* a REX before the legacy prefixes (ignored) */
	uint8_t legacy[6];
	size_t legacy_count;
	bool has_rex;
	uint8_t rex;           /* 0x40 | W R X B */
	uint8_t opcode[8];     /* VEX and EVEX: the prefix, then the opcode */
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

void put_le(uint8_t *out, uint64_t value, unsigned bytes);
size_t assemble(const struct instruction *in, uint8_t *out);
void add_legacy(struct instruction *in, uint8_t prefix);
void shuffle_legacy(struct instruction *in);

enum segment { SEG_NONE, SEG_NULL, SEG_FS, SEG_GS };
extern const char *const segment_names[];
void add_segment_prefix(struct instruction *in, enum segment seg);
enum segment random_segment(void);
void add_oddity(struct test_case *tc, struct instruction *in,
		enum segment seg, bool plain_mov);

struct address_expr {
	int base;            /* a GPR, RIP_BASE or NO_REG */
	int index;           /* a GPR or NO_REG */
	unsigned scale;      /* 1, 2, 4, 8 */
	unsigned disp_bytes; /* 0, 1, 4, or 8 (moffs64) */
	enum segment seg;
	unsigned address_size;
};

/* 67 for a 32-bit address, then the segment override x->seg asks for. */
void add_address_prefixes(struct instruction *in, const struct address_expr *x);

/* Operand-size variants: no prefix, 66, REX.W, 66 + REX.W (W wins). */
enum size_variant { SIZE_32, SIZE_16, SIZE_64, SIZE_66_AND_W, SIZE_VARIANTS };
extern const unsigned variant_size[SIZE_VARIANTS];
extern const char *const variant_names[SIZE_VARIANTS];

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
extern const char *const addr_form_names[AF_COUNT];

bool encode_address(enum addr_form af, bool low_only, struct instruction *in,
		    struct address_expr *x, uint8_t *rex_xb);
bool finish_address(struct test_case *tc, struct instruction *in,
		    const struct address_expr *x, uint64_t *target);
uint64_t random_rsp(void);
uint64_t random_target(unsigned width, int *area);
void expect_one_access(struct test_case *tc, uint64_t target, unsigned width,
		       bool write);
void set_fixed_memory(struct test_case *tc, uint64_t address,
		      const void *bytes, unsigned len);

/* Combinations whose addressing form cannot reach a region from here. */
extern unsigned unreachable;
/* The stub runs on this stack, below 2 GiB so that a 32-bit load into
 * ESP (or MOVSXD into RSP) can leave a valid stack pointer. */
extern uint64_t stack_base;
extern uint64_t code_insn_address; /* where the instruction is placed */

/* The vendor the runtime and these checks decode for: mmiotrap_vendor(). */
extern enum mmiodec_vendor oracle_vendor;

/* ---- the case builders (oracle-mov.c, oracle-alu.c) ---- */

/* The ModRM forms of the MOV family, by index. */
extern const size_t mov_form_count;
bool make_mov_case(struct test_case *tc, size_t form,
		   enum size_variant variant, int reg_choice, enum addr_form af);
bool make_moffs_case(struct test_case *tc, unsigned opcode,
		     enum size_variant variant, enum segment seg,
		     unsigned address_size);

enum string_op { STRING_MOVS, STRING_STOS, STRING_LODS };
enum layout {
	LAYOUT_REGION,      /* the region side in region 1; MOVS dst ordinary */
	LAYOUT_DST_REGION,  /* MOVS: ordinary to region 1 */
	LAYOUT_BOTH,        /* MOVS: region 1 to region 2 */
	LAYOUT_SAME,        /* MOVS: within region 1, maybe overlapping */
	LAYOUT_CROSS,       /* the region side crosses an edge of region 1 */
	LAYOUT_DST_CROSS,   /* MOVS: the destination crosses */
	LAYOUT_COUNT
};
bool make_string_case(struct test_case *tc, enum string_op op,
		      enum size_variant variant, bool byte, int rep, bool down,
		      unsigned address_size, enum segment seg,
		      enum layout layout);

/* The RFLAGS a tier-2 case starts with. */
enum flags_input { FLAGS_CLEAR, FLAGS_SET, FLAGS_RANDOM, FLAGS_INPUTS };

/* The forms of src/forms.h other than the MOV family and strings. */
extern const size_t alu_form_count;
bool alu_form_runs(size_t form);
bool make_alu_case(struct test_case *tc, size_t form,
		   enum size_variant variant, int reg_choice, enum addr_form af,
		   enum flags_input flags);
/* How many register choices a form has (1 when it names no register). */
int alu_reg_choices(size_t form);

/* The vector forms (oracle-vec.c). */
void detect_vector_features(void); /* before build_stub_parts() */
void print_vector_support(void);
extern const size_t vec_form_count;
bool vec_form_runs(size_t form);
unsigned vec_sizes(size_t form);      /* vector lengths the form has */
int vec_regs(size_t form);            /* registers it can name */
bool vec_form_masks(size_t form);     /* takes an opmask */
bool vec_form_aligned(size_t form);
enum vec_variant {
	VV_PLAIN,      /* unmasked (a random opmask on one case in four) */
	VV_MASKED,     /* a random opmask and pattern, merging or zeroing */
	VV_EDGE,       /* masked, the masked-off elements beyond region 1's
			  end or below its start (they must not fault) */
	VV_MISALIGNED, /* an aligned form at a misaligned address: #GP */
	VV_COUNT
};
bool make_vec_case(struct test_case *tc, size_t form, unsigned size_index,
		   int reg, enum addr_form af, enum vec_variant variant);
enum portal_layout {
	PORTAL_DST_REGION,    /* from ordinary memory into region 1 */
	PORTAL_BOTH,          /* region 2 into region 1 */
	PORTAL_SRC_REGION,    /* region 1 into ordinary memory */
	PORTAL_SAME,          /* within region 1 */
	PORTAL_MISALIGNED,    /* destination in region 1, not aligned: #GP */
	PORTAL_MOVDIRI,       /* MOVDIRI [region], r32/r64 */
	PORTAL_LAYOUTS
};
bool make_portal_case(struct test_case *tc, enum portal_layout layout,
		      int reg, enum addr_form af);
bool portal_layout_runs(enum portal_layout layout);

/* ---- the stub and the watches (oracle-stub.c) ---- */

/* What the stub loads and saves of the vector registers: what the CPU
 * and the kernel (XCR0) have. */
enum vector_level { VECTOR_SSE, VECTOR_AVX, VECTOR_AVX512 };
extern enum vector_level vector_level;
extern struct mmiodec_vregs run_vregs;

void build_stub_parts(void);
extern size_t prologue_len;
extern uint8_t *code_page;
void write_stub(const struct test_case *tc);
extern struct cpu_state run_state;
void run_stub(void);

enum phase { PHASE_IDLE, PHASE_NATIVE, PHASE_PROBE, PHASE_TRAPPED };
extern volatile sig_atomic_t phase;
extern struct sigaction runtime_action, watch_action, watch_fpe_action;
extern uint64_t expected_resume;
extern volatile unsigned resume_count;
extern char case_text[1024];

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
extern struct stub_fault stub_fault;

/* A run that ended in SIGFPE: what the signal said, and the registers. */
struct divide_error {
	bool raised;
	int code;             /* si_code: FPE_INTDIV */
	uint64_t address;     /* si_addr: the instruction */
	uint64_t rip;
	struct cpu_state state;
};
extern struct divide_error divide_error;

/* The first page fault of the trapped run: read or write. */
extern volatile sig_atomic_t first_fault_seen, first_fault_write;
extern volatile uint64_t first_fault_address; /* its si_addr */

void watch_segv(int sig, siginfo_t *info, void *context);
void watch_fpe(int sig, siginfo_t *info, void *context);

/* ---- running and comparing (oracle-run.c) ---- */

struct stats {
	unsigned cases, failures, skipped, optional_refused, optional_run;
	unsigned not_compared;   /* results measured on Intel only */
	unsigned vendor_dependent; /* not run: the vendor is not known */
	unsigned native_faults, trapped_faults;
	unsigned tier2, divide_errors;
	unsigned tier3, masked, general_protection, no_access;
};
extern struct stats stats;
extern bool verbose;
extern bool drill;
extern bool decoder_knows_vendors;
extern bool show_facts;
#define MAX_REPORTED 12

/* --drill: see oracle.c */
struct drills {
	unsigned native, native_seen, trapped, trapped_seen;
};
extern struct drills drills;

void run_case(const struct test_case *tc, unsigned long case_id);
void setup_normal_mask(void);
void print_facts(void);

#endif
