/* SPDX-License-Identifier: MIT */
/*
 * mmiodec_execute() against the CPU it runs on.
 *
 * For every supported form (src/forms.h) but the string ones, every
 * operand size, register (AH..BH included) and many operand values and
 * RFLAGS inputs (edge values and a fixed-seed PRNG: the run is the same
 * every time), the instruction is assembled with a [rdi] (or [rsi])
 * memory operand into an executable page and run natively from a stub
 * that loads every GPR and RFLAGS from a struct and saves them after;
 * memory is an ordinary buffer; it is run first on a read-only view of
 * the buffer, which faults exactly when the CPU makes a write access. The
 * same bytes are decoded for the CPU's
 * vendor, executed by mmiodec_execute() on a copy of the registers with
 * the value read from a copy of the buffer, and everything is compared:
 * the 16 GPRs, RIP's advance, RFLAGS (on Intel all six arithmetic flags,
 * undefined ones included; on AMD the defined ones) and the buffer. A
 * divide error is caught natively as SIGFPE and must be
 * MMIODEC_EXEC_DIVIDE_ERROR with nothing changed. mmiodec_exec.writes
 * must be set exactly when the CPU writes (faults on the read-only view):
 * a shift by 0, a failed CMPXCHG and a BTS of a set bit write too.
 *
 * usage: mmiodec-cpu-semantics [-v] [-n CASES_PER_GROUP]
 *
 * Exit status: 0 all agree, 1 a mismatch, 77 skipped (not x86-64 Linux,
 * not Intel or AMD, or under Valgrind).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmiodec.h"

#define SKIP_EXIT 77

#if !defined(__x86_64__) || !defined(__linux__)
int main(void)
{
	printf("SKIP: not x86-64 Linux\n");
	return SKIP_EXIT;
}
#else

#include <sys/mman.h>
#include <unistd.h>

#include "forms.h"

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define ARITH (CF | PF | AF | ZF | SF | OF)
#define RFLAGS_BASE 0x202u   /* bit 1 and IF, as user code always has */

/* ---- the native side ---------------------------------------------------- */

/* What the stub loads before the instruction and saves after it. */
struct cpu_state {
	uint64_t gpr[16];
	uint64_t rflags;
};

void cpu_run(struct cpu_state *state, const void *code);
extern const char cpu_return[];

/*
 * cpu_run(state, code): saves the callee-saved registers and RSP, loads
 * RFLAGS (while the stack is still ours) and then all 16 GPRs, RSP
 * included, and jumps to code, which ends with a jump back to
 * cpu_return: there the GPRs are stored, RSP restored, RFLAGS stored.
 * Movs change no flag. A signal during the instruction (SIGFPE) runs on
 * the alternate stack, and its handler siglongjmp()s past all this.
 */
__asm__(
	"	.text\n"
	"	.globl cpu_run\n"
	"	.type cpu_run, @function\n"
	"cpu_run:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	mov %rsp, cpu_saved_rsp(%rip)\n"
	"	mov %rdi, cpu_saved_state(%rip)\n"
	"	mov %rsi, cpu_code(%rip)\n"
	"	pushq 128(%rdi)\n"
	"	popfq\n"
	"	mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n"
	"	mov 24(%rdi), %rbx\n mov 32(%rdi), %rsp\n mov 40(%rdi), %rbp\n"
	"	mov 48(%rdi), %rsi\n mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n"
	"	mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n mov 96(%rdi), %r12\n"
	"	mov 104(%rdi), %r13\n mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n"
	"	mov 56(%rdi), %rdi\n"
	"	jmp *cpu_code(%rip)\n"
	"	.globl cpu_return\n"
	"cpu_return:\n"
	"	mov %rdi, cpu_saved_rdi(%rip)\n"
	"	mov cpu_saved_state(%rip), %rdi\n"
	"	mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n"
	"	mov %rbx, 24(%rdi)\n mov %rsp, 32(%rdi)\n mov %rbp, 40(%rdi)\n"
	"	mov %rsi, 48(%rdi)\n mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n"
	"	mov %r10, 80(%rdi)\n mov %r11, 88(%rdi)\n mov %r12, 96(%rdi)\n"
	"	mov %r13, 104(%rdi)\n mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
	"	mov cpu_saved_rdi(%rip), %rax\n"
	"	mov %rax, 56(%rdi)\n"
	"	mov cpu_saved_rsp(%rip), %rsp\n"
	"	pushfq\n"
	"	popq 128(%rdi)\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n"
	"	.size cpu_run, . - cpu_run\n"
	"	.bss\n"
	"	.balign 8\n"
	"cpu_saved_rsp: .skip 8\n"
	"cpu_saved_state: .skip 8\n"
	"cpu_saved_rdi: .skip 8\n"
	"cpu_code: .skip 8\n"
	"	.text\n");

static sigjmp_buf fault_jump;
static volatile sig_atomic_t fault_signal;

static void on_fault(int sig)
{
	fault_signal = sig;
	siglongjmp(fault_jump, 1);
}

static uint8_t *code_page;

/* Runs bytes natively on *state; the signal that stopped it, or 0. */
static int run_native(struct cpu_state *state, const uint8_t *bytes,
		      size_t len)
{
	uint64_t back = (uint64_t)(uintptr_t)cpu_return;

	memcpy(code_page, bytes, len);
	/* jmp *0(%rip); .quad cpu_return */
	memcpy(code_page + len, "\xFF\x25\x00\x00\x00\x00", 6);
	memcpy(code_page + len + 6, &back, 8);
	fault_signal = 0;
	/* SA_NODEFER: the handler blocks nothing, so there is no mask to
	 * restore (and no system call per run) */
	if (sigsetjmp(fault_jump, 0) == 0)
		cpu_run(state, code_page);
	return fault_signal;
}

static bool setup_native(void)
{
	static uint8_t alt_stack[65536];
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof(alt_stack) };
	struct sigaction sa;

	code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code_page == MAP_FAILED) {
		perror("mmap RWX");
		return false;
	}
	if (sigaltstack(&ss, NULL) != 0) {
		perror("sigaltstack");
		return false;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	return true;
}

/* ---- the CPU ------------------------------------------------------------ */

struct cpu {
	char vendor_id[13];
	enum mmiodec_vendor vendor;
	unsigned family, model, stepping;
};

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static void read_cpu(struct cpu *c)
{
	uint32_t r[4];

	memset(c, 0, sizeof(*c));
	cpuid(0, r);
	memcpy(c->vendor_id, &r[1], 4);
	memcpy(c->vendor_id + 4, &r[3], 4);
	memcpy(c->vendor_id + 8, &r[2], 4);
	if (!strcmp(c->vendor_id, "GenuineIntel"))
		c->vendor = MMIODEC_VENDOR_INTEL;
	else if (!strcmp(c->vendor_id, "AuthenticAMD") ||
		 !strcmp(c->vendor_id, "HygonGenuine"))
		c->vendor = MMIODEC_VENDOR_AMD;
	else
		c->vendor = MMIODEC_VENDOR_ANY;
	cpuid(1, r);
	unsigned base_family = (r[0] >> 8) & 0xF;
	c->family = base_family;
	c->model = (r[0] >> 4) & 0xF;
	c->stepping = r[0] & 0xF;
	if (base_family == 0xF)
		c->family += (r[0] >> 20) & 0xFF;
	if (base_family == 0x6 || base_family == 0xF)
		c->model |= ((r[0] >> 16) & 0xF) << 4;
}

/* Valgrind cannot run arbitrary instructions faithfully: skip there (its
 * preload libraries are in LD_PRELOAD). */
static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");
	return p && strstr(p, "vgpreload");
}

static bool has_movbe(void)
{
	uint32_t r[4];
	cpuid(1, r);
	return (r[2] >> 22) & 1;
}

static bool has_cmpxchg16b(void)
{
	uint32_t r[4];
	cpuid(1, r);
	return (r[2] >> 13) & 1;
}

/* ---- the forms ---------------------------------------------------------- */

enum { MAP_LEGACY_, MAP_0F_, MAP_0F38_ };
#define MAP_OF_LEGACY MAP_LEGACY_
#define MAP_OF_0F MAP_0F_
#define MAP_OF_0F38 MAP_0F38_
#define ANY 8

struct form {
	unsigned op, map, opcode, reg, pattern, width;
};

static const struct form forms[] = {
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width) \
	{ MMIODEC_OP_##op, MAP_OF_##map, opcode, reg, pattern, width },
	MMIODEC_EACH_FORM
#undef MMIODEC_FORM
};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static const char *op_names[] = {
#define X(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
	MMIODEC_OPS(X)
#undef X
};

/* The immediate's size in bytes: imm16/32 for C7, 81, F7, 69; else 1. */
static unsigned immediate_size(const struct form *f, unsigned osize)
{
	if (f->pattern != FP_M_I && f->pattern != FP_R_M_I &&
	    f->pattern != FP_M_R_I)
		return 0;
	if (f->map == MAP_LEGACY_ && (f->opcode == 0xC7 || f->opcode == 0x81 ||
				      f->opcode == 0xF7 || f->opcode == 0x69))
		return osize == 2 ? 2 : 4;
	return 1;
}

/* Whether the form has a ModRM.reg register operand. */
static bool has_reg_operand(const struct form *f)
{
	return f->reg == ANY && f->pattern != FP_A_MOFFS &&
	       f->pattern != FP_MOFFS_A && f->pattern != FP_M &&
	       f->pattern != FP_M_A;
}

/* The register operand is a byte register (AL..BH, SPL..R15B). */
static bool byte_register(const struct form *f)
{
	return f->width == FW_BYTE && f->op != MMIODEC_OP_MOVZX &&
	       f->op != MMIODEC_OP_MOVSX;
}

struct variant {
	const struct form *form;
	unsigned osize;    /* 2, 4, 8 */
	unsigned reg;      /* the ModRM.reg register, 0..15 */
	bool rex;          /* a REX prefix (SPL..DIL rather than AH..BH) */
	bool lock;
	unsigned base;     /* RDI or RSI */
	uint64_t imm;
	uint64_t moffs;
};

static size_t assemble(const struct variant *v, uint8_t *out)
{
	const struct form *f = v->form;
	size_t n = 0;
	unsigned rex = 0x40;

	if (v->lock)
		out[n++] = 0xF0;
	if (v->osize == 2)
		out[n++] = 0x66;
	if (v->osize == 8)
		rex |= 8;
	if (has_reg_operand(f) && v->reg >= 8)
		rex |= 4;
	if (rex != 0x40 || v->rex)
		out[n++] = (uint8_t)rex;
	if (f->map != MAP_LEGACY_)
		out[n++] = 0x0F;
	if (f->map == MAP_0F38_)
		out[n++] = 0x38;
	out[n++] = (uint8_t)f->opcode;
	if (f->pattern == FP_A_MOFFS || f->pattern == FP_MOFFS_A) {
		memcpy(out + n, &v->moffs, 8);
		return n + 8;
	}
	unsigned modrm_reg = f->reg != ANY ? f->reg
			     : has_reg_operand(f) ? (v->reg & 7) : 0;
	out[n++] = (uint8_t)(modrm_reg << 3 | v->base);
	unsigned isz = immediate_size(f, v->osize);
	memcpy(out + n, &v->imm, isz);
	return n + isz;
}

/* ---- values ------------------------------------------------------------- */

static uint64_t prng_state = 0x6d6d696f64656321ull;

static uint64_t rnd(void)
{
	uint64_t z = (prng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t mask_of(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* An interesting value in the low bytes of a random one. */
static uint64_t pick(unsigned bytes)
{
	uint64_t m = mask_of(bytes), top = m ^ (m >> 1);
	uint64_t r = rnd();

	switch (rnd() % 16) {
	case 0: return r & ~m;
	case 1: return (r & ~m) | 1;
	case 2: return (r & ~m) | m;
	case 3: return (r & ~m) | top;
	case 4: return (r & ~m) | (top - 1);
	case 5: return (r & ~m) | (top + 1);
	case 6: return (r & ~m) | 0xF;
	case 7: return (r & ~m) | 0x10;
	case 8: return (r & ~m) | (m - 1);
	case 9: return (r & ~m) | (r & 0xFF);
	default: return r;
	}
}

static uint64_t pick_flags(unsigned i)
{
	switch (i % 3) {
	case 0: return RFLAGS_BASE;
	case 1: return RFLAGS_BASE | ARITH;
	default: return RFLAGS_BASE | (rnd() & ARITH);
	}
}

/* ---- the comparison ----------------------------------------------------- */

#define MEM_SIZE 16384
#define MEM_BASE 8192   /* the memory operand's address, 16-aligned */

/* native_mem and native_ro map the same pages: the instruction run on
 * native_ro faults exactly when the CPU makes a write access. */
static uint8_t *native_mem, *native_ro, *emu_mem;

struct stats {
	unsigned long cases, divide_errors, writes, mismatches, probes,
		probe_mismatches, not_compared;
	unsigned long flag_mismatch[MMIODEC_OP_COUNT][4][12];
	unsigned long op_cases[MMIODEC_OP_COUNT];
};

static struct stats st;
static struct cpu cpu;
static bool verbose;
static unsigned max_reports = 12;
static unsigned last_undefined;
static const char *only_op;
static unsigned long reported;

static const char *gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static unsigned size_index(unsigned bytes)
{
	return bytes == 1 ? 0 : bytes == 2 ? 1 : bytes == 4 ? 2 : 3;
}

static void report(const struct mmiodec_insn *insn, const uint8_t *bytes,
		   size_t len, const struct cpu_state *before,
		   const struct cpu_state *native, const struct mmiodec_regs *emu,
		   uint64_t mem_before, const char *what)
{
	st.mismatches++;
	if (only_op && strcmp(only_op, op_names[insn->op]))
		return;
	if (++reported > max_reports)
		return;
	printf("MISMATCH %s (%s, width %u, osize %u):", what,
	       op_names[insn->op], insn->width, insn->operand_size);
	for (size_t i = 0; i < len; i++)
		printf(" %02x", bytes[i]);
	printf(" (imm 0x%" PRIx64 ")", insn->immediate);
	printf("\n  memory before 0x%016" PRIx64 ", rflags in 0x%03" PRIx64
	       " native 0x%03" PRIx64 " emulated 0x%03" PRIx64
	       " (undefined 0x%03x)\n",
	       mem_before, before->rflags & 0xFFF, native->rflags & 0xFFF,
	       emu->rflags & 0xFFF, last_undefined);
	for (unsigned i = 0; i < 16; i++)
		if (native->gpr[i] != emu->gpr[i] || i < 4 ||
		    i == insn->reg)
			printf("  %-3s in 0x%016" PRIx64 " native 0x%016" PRIx64
			       " emulated 0x%016" PRIx64 "%s\n", gpr_names[i],
			       before->gpr[i], native->gpr[i], emu->gpr[i],
			       native->gpr[i] != emu->gpr[i] ? "  <--" : "");
}

/* A 16-bit SHLD/SHRD by more than 16 (masked), whose result the SDM
 * leaves undefined. */
static bool undefined_result(const struct mmiodec_insn *insn,
			     const struct cpu_state *in)
{
	if ((insn->op != MMIODEC_OP_SHLD && insn->op != MMIODEC_OP_SHRD) ||
	    insn->width != 2)
		return false;
	uint64_t count = insn->has_immediate ? insn->immediate : in->gpr[MMIODEC_RCX];
	return (count & 31) > 16;
}

/*
 * One case: runs v with the registers and memory value given, natively
 * and emulated, and compares. Returns false when the decoder does not
 * give this form (another op, or not OK).
 */
static bool run_case(const struct variant *v, const struct cpu_state *in,
		     uint64_t mem_lo, uint64_t mem_hi, bool probe)
{
	uint8_t bytes[32];
	size_t len = assemble(v, bytes);
	struct mmiodec_insn insn;

	if (mmiodec_decode_vendor(&insn, bytes, len, MMIODEC_MODE_64,
				  cpu.vendor) != MMIODEC_OK ||
	    insn.op != v->form->op || insn.length != len)
		return false;

	uint64_t *nat = (uint64_t *)(native_mem + MEM_BASE);
	uint64_t *emu = (uint64_t *)(emu_mem + MEM_BASE);
	nat[0] = emu[0] = mem_lo;
	nat[1] = emu[1] = mem_hi;

	/* first (one case in four: a fault is costly) on the read-only
	 * view: does the CPU write? */
	int probe_sig = -1;
	if (probe) {
		struct cpu_state ro = *in;
		struct variant pv = *v;
		uint8_t ro_bytes[32];
		ro.gpr[v->base] += (uint64_t)(native_ro - native_mem);
		pv.moffs = ro.gpr[v->base];
		assemble(&pv, ro_bytes);
		probe_sig = run_native(&ro, ro_bytes, len);
	}

	struct cpu_state native = *in;
	int sig = run_native(&native, bytes, len);

	struct mmiodec_regs regs;
	memset(&regs, 0, sizeof(regs));
	memcpy(regs.gpr, in->gpr, sizeof(regs.gpr));
	regs.rip = 0x7000fffff000ull;
	regs.rflags = in->rflags;
	struct mmiodec_regs start = regs;

	uint64_t addr = 0;
	uint64_t loaded[2] = { 0, 0 };
	struct mmiodec_exec out;
	mmiodec_address(&insn, &regs, 0, &addr);
	uint64_t off = addr - (uint64_t)(uintptr_t)native_mem;
	unsigned access = insn.width;
	if (off > MEM_SIZE - access) {
		report(&insn, bytes, len, in, &native, &regs, mem_lo,
		       "address outside the buffer");
		return true;
	}
	if (insn.direction != MMIODEC_DIR_WRITE)
		memcpy(loaded, emu_mem + off, access);
	enum mmiodec_exec_status status = mmiodec_execute(&insn, &regs, loaded,
							  &out);
	st.cases++;
	last_undefined = status == MMIODEC_EXEC_OK ? out.undefined_flags : 0;
	st.op_cases[insn.op]++;

	if (sig == SIGFPE) {
		st.divide_errors++;
		if (status != MMIODEC_EXEC_DIVIDE_ERROR ||
		    memcmp(&regs, &start, sizeof(regs)) != 0)
			report(&insn, bytes, len, in, in, &regs, mem_lo,
			       "native #DE");
		return true;
	}
	if (sig) {
		report(&insn, bytes, len, in, &native, &regs, mem_lo,
		       sig == SIGILL ? "native SIGILL" : "native SIGSEGV/SIGBUS");
		return true;
	}
	if (status != MMIODEC_EXEC_OK) {
		report(&insn, bytes, len, in, &native, &regs, mem_lo,
		       "execute status");
		return true;
	}
	/* Measured on Intel only (see the README): whether a CPU writes a
	 * value it leaves unchanged (a shift by 0, a failed CMPXCHG...), and
	 * the result of a 16-bit SHLD/SHRD by more than 16, which the SDM
	 * leaves undefined. Elsewhere those are not compared. */
	bool unmeasured_write = cpu.vendor != MMIODEC_VENDOR_INTEL && out.writes &&
				!memcmp(out.store, loaded, access);
	if (cpu.vendor != MMIODEC_VENDOR_INTEL && undefined_result(&insn, in)) {
		st.not_compared++;
		return true;
	}
	st.probes += probe;
	if (probe && !unmeasured_write &&
	    (probe_sig == SIGSEGV) != (out.writes != 0)) {
		st.probe_mismatches++;
		report(&insn, bytes, len, in, &native, &regs, mem_lo,
		       probe_sig == SIGSEGV ? "the CPU writes, execute does not"
					    : "execute writes, the CPU does not");
	}
	if (out.writes) {
		st.writes++;
		memcpy(emu_mem + off, out.store, access);
	}

	uint32_t compare = ARITH;
	if (cpu.vendor != MMIODEC_VENDOR_INTEL)
		compare &= ~out.undefined_flags;
	uint64_t diff = (native.rflags ^ regs.rflags) & compare;
	bool bad = false;
	for (unsigned i = 0; i < 12; i++)
		if (diff >> i & 1) {
			st.flag_mismatch[insn.op][size_index(insn.width)][i]++;
			bad = true;
		}
	if (bad)
		report(&insn, bytes, len, in, &native, &regs, mem_lo, "rflags");
	if ((regs.rflags ^ in->rflags) & ~(uint64_t)ARITH) {
		report(&insn, bytes, len, in, &native, &regs, mem_lo,
		       "non-arithmetic rflags changed");
		bad = true;
	}
	if (memcmp(native.gpr, regs.gpr, sizeof(regs.gpr)) != 0) {
		report(&insn, bytes, len, in, &native, &regs, mem_lo, "gprs");
		bad = true;
	}
	if (regs.rip != start.rip + len) {
		report(&insn, bytes, len, in, &native, &regs, mem_lo, "rip");
		bad = true;
	}
	if (memcmp(native_mem, emu_mem, MEM_SIZE) != 0) {
		uint64_t nv = 0, ev = 0;
		memcpy(&nv, native_mem + off, access < 8 ? access : 8);
		memcpy(&ev, emu_mem + off, access < 8 ? access : 8);
		report(&insn, bytes, len, in, &native, &regs, mem_lo, "memory");
		if (reported <= max_reports)
			printf("  memory at +%" PRIu64 ": native 0x%" PRIx64
			       " emulated 0x%" PRIx64 " (writes %u)\n",
			       off - MEM_BASE, nv, ev, out.writes);
		memcpy(emu_mem, native_mem, MEM_SIZE);
	}
	(void)bad;
	return true;
}

/* ---- the cases per form ------------------------------------------------- */

static bool lockable(unsigned op)
{
	switch (op) {
	case MMIODEC_OP_ADD: case MMIODEC_OP_OR: case MMIODEC_OP_ADC:
	case MMIODEC_OP_SBB: case MMIODEC_OP_AND: case MMIODEC_OP_SUB:
	case MMIODEC_OP_XOR: case MMIODEC_OP_NOT: case MMIODEC_OP_NEG:
	case MMIODEC_OP_INC: case MMIODEC_OP_DEC: case MMIODEC_OP_XCHG:
	case MMIODEC_OP_CMPXCHG: case MMIODEC_OP_XADD:
	case MMIODEC_OP_CMPXCHG8B: case MMIODEC_OP_CMPXCHG16B:
	case MMIODEC_OP_BTS: case MMIODEC_OP_BTR: case MMIODEC_OP_BTC:
		return true;
	default:
		return false;
	}
}

static bool is_shift(unsigned op)
{
	return (op >= MMIODEC_OP_ROL && op <= MMIODEC_OP_SAR) ||
	       op == MMIODEC_OP_SHLD || op == MMIODEC_OP_SHRD;
}

/* A count: mostly 0..64, some any byte. */
static uint64_t pick_count(void)
{
	uint64_t r = rnd();
	return (r & 3) ? (r >> 8) % 66 : (r >> 8) & 0xFF;
}

/* Cases for one variant (form, size, register); n value sets. */
static unsigned run_variant(struct variant v, unsigned n)
{
	const struct form *f = v.form;
	unsigned w = f->width == FW_BYTE ? 1 : f->width == FW_WORD ? 2
		     : f->width == FW_DOUBLE ? (v.osize == 8 ? 16 : 8)
		     : f->width == FW_MOVSXD && v.osize == 8 ? 4 : v.osize;
	unsigned done = 0;
	unsigned ops = v.osize;   /* the register's width */

	if (byte_register(f))
		ops = 1;
	for (unsigned i = 0; i < n; i++) {
		struct cpu_state s;
		for (unsigned r = 0; r < 16; r++)
			s.gpr[r] = (rnd() & 1) ? pick(ops) : pick(w);
		s.rflags = pick_flags(i);
		uint64_t mem_lo = pick(w < 8 ? w : 8), mem_hi = pick(8);
		unsigned isz = immediate_size(f, v.osize);
		v.imm = pick(isz ? isz : 1);
		if (is_shift(f->op)) {
			if (isz)
				v.imm = pick_count();
			else
				s.gpr[MMIODEC_RCX] = (s.gpr[MMIODEC_RCX] & ~0xFFull) |
						     pick_count();
		}
		switch (f->op) {
		case MMIODEC_OP_DIV:
		case MMIODEC_OP_IDIV:
			/* a quotient that fits, half of the time */
			if (i & 1) {
				uint64_t d = mem_lo & mask_of(w);
				if (w == 1) {
					s.gpr[MMIODEC_RAX] &= ~0xFF00ull;
					if (f->op == MMIODEC_OP_IDIV)
						s.gpr[MMIODEC_RAX] |= (s.gpr[MMIODEC_RAX] & 0x80) ? 0xFF00 : 0;
					else if (d)
						s.gpr[MMIODEC_RAX] |= (rnd() % d) << 8;
				} else if (f->op == MMIODEC_OP_DIV) {
					s.gpr[MMIODEC_RDX] = d ? rnd() % d : 0;
				} else {
					uint64_t a = s.gpr[MMIODEC_RAX] & mask_of(w);
					bool neg = (a >> (8 * w - 1)) & 1;
					s.gpr[MMIODEC_RDX] = neg ? ~0ull : 0;
				}
			}
			break;
		case MMIODEC_OP_CMPXCHG:
			if (i & 1)
				s.gpr[MMIODEC_RAX] = (s.gpr[MMIODEC_RAX] & ~mask_of(w)) |
						     (mem_lo & mask_of(w));
			break;
		case MMIODEC_OP_CMPXCHG8B:
		case MMIODEC_OP_CMPXCHG16B:
			if (i & 1) {
				unsigned h = w / 2;
				uint64_t hi = w == 16 ? mem_hi : mem_lo >> 32;
				s.gpr[MMIODEC_RAX] = (s.gpr[MMIODEC_RAX] & ~mask_of(h)) |
						     (mem_lo & mask_of(h));
				s.gpr[MMIODEC_RDX] = (s.gpr[MMIODEC_RDX] & ~mask_of(h)) |
						     (hi & mask_of(h));
			}
			break;
		case MMIODEC_OP_BT: case MMIODEC_OP_BTS:
		case MMIODEC_OP_BTR: case MMIODEC_OP_BTC:
			/* a register offset moves the access: keep it within
			 * +-4 KiB (16-bit offsets are anyway) */
			if (!isz) {
				int64_t o = (int64_t)(rnd() % 65536) - 32768;
				if (rnd() & 1)
					o = (int64_t)(rnd() % 256) - 128;
				s.gpr[v.reg] = (s.gpr[v.reg] & ~mask_of(v.osize)) |
					       ((uint64_t)o & mask_of(v.osize));
			} else if (rnd() & 1) {
				v.imm = rnd() & 0xFF;
			}
			break;
		default:
			break;
		}
		s.gpr[v.base] = (uint64_t)(uintptr_t)(native_mem + MEM_BASE);
		v.moffs = s.gpr[v.base];
		bool lock = lockable(f->op) && (i % 4) == 3;
		v.lock = lock;
		if (!run_case(&v, &s, mem_lo, mem_hi, (i & 3) == 0)) {
			if (!lock)
				break;   /* this variant does not decode */
			v.lock = false;
			if (!run_case(&v, &s, mem_lo, mem_hi, (i & 3) == 0))
				break;
		}
		done++;
	}
	return done;
}

int main(int argc, char **argv)
{
	unsigned per_variant = 150;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = true;
			max_reports = 200;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			only_op = argv[++i];
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			per_variant = (unsigned)strtoul(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: %s [-v] [-n CASES]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	read_cpu(&cpu);
	printf("CPU: %s family %u model %u stepping %u (0x%x/0x%x)\n",
	       cpu.vendor_id, cpu.family, cpu.model, cpu.stepping, cpu.family,
	       cpu.model);
	if (cpu.vendor == MMIODEC_VENDOR_ANY) {
		printf("SKIP: neither Intel nor AMD\n");
		return SKIP_EXIT;
	}
	if (under_valgrind()) {
		printf("SKIP: under Valgrind\n");
		return SKIP_EXIT;
	}
	if (!setup_native())
		return 1;
	int fd = memfd_create("mmiodec-cpu-semantics", 0);
	if (fd < 0 || ftruncate(fd, MEM_SIZE) != 0) {
		perror("memfd");
		return 1;
	}
	native_mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
	native_ro = mmap(NULL, MEM_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	emu_mem = malloc(MEM_SIZE);
	if (native_mem == MAP_FAILED || native_ro == MAP_FAILED || !emu_mem)
		return 1;
	for (unsigned i = 0; i < MEM_SIZE; i++)
		native_mem[i] = (uint8_t)rnd();
	memcpy(emu_mem, native_mem, MEM_SIZE);

	unsigned untested = 0;
	for (size_t fi = 0; fi < NFORMS; fi++) {
		const struct form *f = &forms[fi];
		unsigned covered = 0;

		if (f->pattern == FP_STRING ||
		    (f->map == MAP_LEGACY_ && f->opcode == 0x82))
			continue;   /* string ops; 82 is invalid in 64-bit mode */
		if (f->op == MMIODEC_OP_MOVBE && !has_movbe())
			continue;
		if (f->op == MMIODEC_OP_CMPXCHG16B && !has_cmpxchg16b())
			continue;
		for (unsigned osize = 2; osize <= 8; osize *= 2) {
			if (byte_register(f) && osize != 4)
				continue;   /* a byte form: once */
			struct variant v = { .form = f, .osize = osize };
			if (!has_reg_operand(f)) {
				v.base = MMIODEC_RDI;
				covered += run_variant(v, per_variant * 8);
				continue;
			}
			/* byte registers: AL..BH without REX, then the 16
			 * with REX */
			unsigned nregs = byte_register(f) ? 24 : 16;
			for (unsigned r = 0; r < nregs; r++) {
				v.rex = byte_register(f) && r >= 8;
				v.reg = v.rex ? r - 8 : r;
				bool high8 = byte_register(f) && !v.rex &&
					     v.reg >= 4;
				v.base = v.reg == MMIODEC_RDI && !high8
						 ? MMIODEC_RSI : MMIODEC_RDI;
				covered += run_variant(v, per_variant);
			}
		}
		if (!covered) {
			printf("NOT COVERED: %s map %u opcode %02x /%u (the "
			       "decoder gives no such form)\n", op_names[f->op],
			       f->map, f->opcode, f->reg);
			untested++;
		}
	}

	printf("%lu cases (%lu divide errors, %lu with a memory write; "
	       "%lu run on read-only memory too), %lu mismatches (%lu of "
	       "them in whether memory is written), %u forms not covered\n",
	       st.cases, st.divide_errors, st.writes, st.probes,
	       st.mismatches, st.probe_mismatches, untested);
	if (st.not_compared)
		printf("%lu cases not compared: 16-bit SHLD/SHRD by more than "
		       "16, whose result only Intel's CPUs were measured for\n",
		       st.not_compared);
	static const char *flag_names[12] = { "CF", "", "PF", "", "AF", "",
					      "ZF", "SF", "", "", "", "OF" };
	for (unsigned op = 0; op < MMIODEC_OP_COUNT; op++)
		for (unsigned s = 0; s < 4; s++)
			for (unsigned b = 0; b < 12; b++)
				if (st.flag_mismatch[op][s][b])
					printf("  flag %s of %s width %u: %lu "
					       "mismatches of %lu cases\n",
					       flag_names[b], op_names[op],
					       1u << s, st.flag_mismatch[op][s][b],
					       st.op_cases[op]);
	return st.mismatches || untested ? 1 : 0;
}
#endif
