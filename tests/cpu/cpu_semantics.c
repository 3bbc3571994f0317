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
 * Then the vector moves and the portal stores (MMIODEC_VECTOR_FORMS):
 * every form the CPU has (CPUID and XCR0; the others are skipped with a
 * note), every register, vector length and opmask, run natively with all
 * vector registers loaded and saved, and emulated with the vector
 * functions; see "the vector forms" below.
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
#include "../cpu_identity.h"

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

/* Puts bytes on the code page, followed by a jump to a stub's return
 * label: jmp *0(%rip); .quad back. */
static void place_code(const uint8_t *bytes, size_t len, const char *back)
{
	uint64_t address = (uint64_t)(uintptr_t)back;

	memcpy(code_page, bytes, len);
	memcpy(code_page + len, "\xFF\x25\x00\x00\x00\x00", 6);
	memcpy(code_page + len + 6, &address, 8);
}

/* Runs bytes natively on *state; the signal that stopped it, or 0. */
static int run_native(struct cpu_state *state, const uint8_t *bytes,
		      size_t len)
{
	place_code(bytes, len, cpu_return);
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
	cpuid_count(1, 0, r);
	return (r[2] >> 22) & 1;
}

static bool has_cmpxchg16b(void)
{
	uint32_t r[4];
	cpuid_count(1, 0, r);
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
static struct cpu_identity cpu;
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

/* ---- the vector forms and the portal stores ----------------------------- */

/*
 * The vector moves of MMIODEC_VECTOR_FORMS (src/forms.h) run natively
 * from a second stub, vec_run(), which loads every vector register the CPU
 * has from a struct vec_state (ZMM0..31 and K0..7 with AVX-512, else
 * YMM0..15 with AVX, else XMM0..15; MM0..7 always), RFLAGS and five GPRs,
 * and saves them all after; random registers, masks ({z} too) and memory,
 * the operand at every offset (aligned forms: misaligned one case in
 * four, which must fault as mem[0].align predicts) and, for masked forms,
 * across the end of the buffer into a PROT_NONE page (the CPU must fault
 * exactly when mmiodec_vector_mask() selects a byte there). The same bytes
 * decoded are emulated on a copy with mmiodec_vector_complete_load() /
 * mmiodec_vector_store_value() (the bytes mmiodec_vector_mask() selects
 * read from, or written to, a copy of the buffer) and every register and
 * the buffer are compared bit for bit. MOVDIRI and MOVDIR64B (on RAM) go
 * through mmiodec_execute(), the handler's 64-byte copy done on the copy.
 * EVEX forms whose W the table leaves open (WIG) are assembled with both
 * W values: the one the decoder refuses must be #UD natively.
 */
#ifdef MMIODEC_VECTOR_FORMS

struct vec_state {
	uint8_t zmm[32][64];   /*    0 */
	uint64_t k[8];         /* 2048 */
	uint64_t mm[8];        /* 2112 */
	uint64_t gpr[8];       /* 2176: rax, rcx, rdx, rbx (unused), -, -, rsi, rdi */
	uint64_t rflags;       /* 2240 */
	uint64_t level;        /* 2248: 0 SSE, 1 AVX, 2 AVX-512 */
};

void vec_run(struct vec_state *state, const void *code);
extern const char vec_return[];

/* vec_run(state, code): MM0..7, then by level ZMM0..31 and K0..7, YMM0..15
 * or XMM0..15, RFLAGS, RAX, RCX, RDX, RSI and last RDI loaded from state,
 * then a jump to code, which jumps back to vec_return; there everything
 * is stored again (EMMS after the MMX registers). RSP and the callee-saved
 * registers are never touched: the instruction under test changes only
 * vector registers, memory and (ENQCMD) RFLAGS. */
__asm__(
	"	.text\n"
	"	.globl vec_run\n"
	"	.type vec_run, @function\n"
	"vec_run:\n"
	"	mov %rdi, vec_saved_state(%rip)\n"
	"	mov %rsi, vec_code(%rip)\n"
	"	.irp n, 0,1,2,3,4,5,6,7\n"
	"	movq 2112+\\n*8(%rdi), %mm\\n\n"
	"	.endr\n"
	"	cmpq $2, 2248(%rdi)\n"
	"	jb 1f\n"
	"	.irp n, 0,1,2,3,4,5,6,7\n"
	"	kmovq 2048+\\n*8(%rdi), %k\\n\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	vmovdqu64 \\n*64(%rdi), %zmm\\n\n"
	"	.endr\n"
	"	jmp 3f\n"
	"1:	cmpq $1, 2248(%rdi)\n"
	"	jb 2f\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	vmovdqu \\n*64(%rdi), %ymm\\n\n"
	"	.endr\n"
	"	jmp 3f\n"
	"2:\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	movdqu \\n*64(%rdi), %xmm\\n\n"
	"	.endr\n"
	"3:	pushq 2240(%rdi)\n"
	"	popfq\n"
	"	mov 2176(%rdi), %rax\n mov 2184(%rdi), %rcx\n mov 2192(%rdi), %rdx\n"
	"	mov 2224(%rdi), %rsi\n mov 2232(%rdi), %rdi\n"
	"	jmp *vec_code(%rip)\n"
	"	.globl vec_return\n"
	"vec_return:\n"
	"	pushfq\n"
	"	mov %rdi, vec_saved_rdi(%rip)\n"
	"	mov vec_saved_state(%rip), %rdi\n"
	"	popq 2240(%rdi)\n"
	"	mov %rax, 2176(%rdi)\n mov %rcx, 2184(%rdi)\n mov %rdx, 2192(%rdi)\n"
	"	mov %rsi, 2224(%rdi)\n"
	"	mov vec_saved_rdi(%rip), %rax\n"
	"	mov %rax, 2232(%rdi)\n"
	"	.irp n, 0,1,2,3,4,5,6,7\n"
	"	movq %mm\\n, 2112+\\n*8(%rdi)\n"
	"	.endr\n"
	"	emms\n"
	"	cmpq $2, 2248(%rdi)\n"
	"	jb 1f\n"
	"	.irp n, 0,1,2,3,4,5,6,7\n"
	"	kmovq %k\\n, 2048+\\n*8(%rdi)\n"
	"	.endr\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	vmovdqu64 %zmm\\n, \\n*64(%rdi)\n"
	"	.endr\n"
	"	vzeroupper\n"
	"	ret\n"
	"1:	cmpq $1, 2248(%rdi)\n"
	"	jb 2f\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	vmovdqu %ymm\\n, \\n*64(%rdi)\n"
	"	.endr\n"
	"	vzeroupper\n"
	"	ret\n"
	"2:\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
	"	movdqu %xmm\\n, \\n*64(%rdi)\n"
	"	.endr\n"
	"	ret\n"
	"	.size vec_run, . - vec_run\n"
	"	.bss\n"
	"	.balign 8\n"
	"vec_saved_state: .skip 8\n"
	"vec_saved_rdi: .skip 8\n"
	"vec_code: .skip 8\n"
	"	.text\n");

/* What the CPU and the OS (XCR0) give. */
struct vec_features {
	bool sse41, avx, avx2, avx512, movdiri, movdir64b, enqcmd;
	unsigned level;   /* vec_state.level */
};

static void read_vec_features(struct vec_features *f)
{
	uint32_t r[4], r7[4] = { 0, 0, 0, 0 };
	uint64_t xcr0 = 0;

	memset(f, 0, sizeof(*f));
	cpuid_count(0, 0, r);
	uint32_t max = r[0];
	cpuid_count(1, 0, r);
	f->sse41 = (r[2] >> 19) & 1;
	bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
	if (osxsave) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = (uint64_t)hi << 32 | lo;
	}
	if (max >= 7)
		cpuid_count(7, 0, r7);
	f->avx = avx && (xcr0 & 6) == 6;
	f->avx2 = f->avx && ((r7[1] >> 5) & 1);
	/* F, BW (64-bit masks: VMOVDQU8) and VL (the 128/256-bit forms) */
	f->avx512 = f->avx && (xcr0 & 0xE6) == 0xE6 && ((r7[1] >> 16) & 1) &&
		    ((r7[1] >> 30) & 1) && ((r7[1] >> 31) & 1);
	f->movdiri = (r7[2] >> 27) & 1;
	f->movdir64b = (r7[2] >> 28) & 1;
	f->enqcmd = (r7[2] >> 29) & 1;
	f->level = f->avx512 ? 2 : f->avx ? 1 : 0;
}

enum { ENC_LEGACY = FE_LEGACY, ENC_VEX = FE_VEX, ENC_EVEX = FE_EVEX };

struct vform {
	unsigned op, encoding, map, prefix, opcode, w, pattern, width, reg,
		element, aligned;
};

static const struct vform vforms[] = {
#define X(op, enc, map, prefix, opcode, w, pattern, width, reg, element, aligned) \
	{ MMIODEC_OP_##op, FE_##enc, MAP_OF_##map, FPX_##prefix, opcode, F##w, \
	  FP_##pattern, FW_##width, FR_##reg, element, aligned },
	MMIODEC_VECTOR_FORMS(X)
#undef X
};
#define NVFORMS (sizeof(vforms) / sizeof(vforms[0]))

/* One concrete instruction of a vector form. */
struct vvariant {
	const struct vform *form;
	unsigned reg;       /* the register operand (for MOVDIR64B the address
			       register: 0..2, rax..rdx) */
	unsigned reg2;      /* vvvv of VMOVLPS... loads */
	unsigned vl;        /* 16, 32, 64 for FW_VL forms; else 16 */
	unsigned w;         /* the W bit to encode */
	unsigned mask, zeroing;
	bool short_vex;     /* C5 rather than C4 where it can be */
	unsigned osize;     /* MOVDIRI: 4 or 8 */
};

static unsigned vform_width(const struct vvariant *v)
{
	switch (v->form->width) {
	case FW_4: return 4;
	case FW_8: return 8;
	case FW_16: return 16;
	case FW_64: return 64;
	case FW_VL: return v->vl;
	default: return v->osize;   /* FW_MOVNTI: MOVDIRI */
	}
}

/* ModRM with mod 00: [rdi] (rm 7), or MOVDIR64B's source [rsi] (rm 6). */
static size_t vassemble(const struct vvariant *v, uint8_t *out)
{
	static const uint8_t prefixes[4] = { 0, 0x66, 0xF3, 0xF2 };
	const struct vform *f = v->form;
	unsigned rm = f->pattern == FP_COPY ? 6 : 7, r = v->reg;
	unsigned pp = f->prefix, mm = f->map == MAP_0F38_ ? 2 : 1;
	size_t n = 0;

	if (f->encoding == ENC_LEGACY) {
		unsigned rex = 0x40 | (v->w ? 8 : 0) |
			       (f->reg != FR_MMX && r >= 8 ? 4 : 0);
		if (pp)
			out[n++] = prefixes[pp];
		if (rex != 0x40)
			out[n++] = (uint8_t)rex;
		out[n++] = 0x0F;
		if (f->map == MAP_0F38_)
			out[n++] = 0x38;
	} else if (f->encoding == ENC_VEX) {
		unsigned vvvv = f->pattern == FP_R_V_M ? v->reg2 : 0;
		unsigned l = v->vl == 32 ? 1 : 0;
		if (v->short_vex && mm == 1 && !v->w) {
			out[n++] = 0xC5;
			out[n++] = (uint8_t)((r & 8 ? 0 : 0x80) |
					     ((~vvvv & 15) << 3) | l << 2 | pp);
		} else {
			out[n++] = 0xC4;
			out[n++] = (uint8_t)((r & 8 ? 0 : 0x80) | 0x60 | mm);
			out[n++] = (uint8_t)(v->w << 7 | ((~vvvv & 15) << 3) |
					     l << 2 | pp);
		}
	} else {
		unsigned vvvv = f->pattern == FP_R_V_M ? v->reg2 : 0;
		unsigned ll = v->vl == 64 ? 2 : v->vl == 32 ? 1 : 0;
		out[n++] = 0x62;
		out[n++] = (uint8_t)((r & 8 ? 0 : 0x80) | 0x60 |
				     (r & 16 ? 0 : 0x10) | mm);
		out[n++] = (uint8_t)(v->w << 7 | ((~vvvv & 15) << 3) | 4 | pp);
		out[n++] = (uint8_t)(v->zeroing << 7 | ll << 5 |
				     (vvvv & 16 ? 0 : 8) | v->mask);
	}
	out[n++] = (uint8_t)f->opcode;
	out[n++] = (uint8_t)(((r & 7) << 3) | rm);
	return n;
}

struct vstats {
	unsigned long cases, loads, stores, masked, faults_expected,
		guard_cases, guard_faults, refused_w, portal, mismatches,
		none_selected_faults, none_selected_no_fault;
	unsigned long skipped_forms;
};

static struct vstats vst;

/* The buffer the vector forms use: VMEM_PAGES read-write pages and a
 * PROT_NONE page after them; the operand is in the middle page, or
 * across the end into the guard page. */
#define VMEM_PAGES 3
#define VMEM_SIZE (VMEM_PAGES * 4096)
#define VMEM_OPERAND 4096
static uint8_t *vmem, *vemu;
static struct vec_features vfeat;

static int run_vec_native(struct vec_state *state, const uint8_t *bytes,
			  size_t len)
{
	place_code(bytes, len, vec_return);
	fault_signal = 0;
	if (sigsetjmp(fault_jump, 0) == 0)
		vec_run(state, code_page);
	else
		__asm__ volatile("emms");   /* the MMX registers were loaded */
	return fault_signal;
}

static void vreport(const struct mmiodec_insn *insn, const uint8_t *bytes,
		    size_t len, const struct vvariant *v, uint64_t k,
		    unsigned off, const char *what)
{
	vst.mismatches++;
	if (only_op && strcmp(only_op, op_names[v->form->op]))
		return;
	if (++reported > max_reports)
		return;
	printf("MISMATCH %s (%s, width %u, reg %u, reg2 %u, k%u=0x%" PRIx64
	       "%s, operand at +%u):", what, op_names[v->form->op],
	       vform_width(v), v->reg, v->reg2, v->mask, k,
	       v->zeroing ? " {z}" : "", off);
	for (size_t i = 0; i < len; i++)
		printf(" %02x", bytes[i]);
	if (insn)
		printf("\n  decoded: op %s width %u reg %u kind %u dest_width %u "
		       "mask %u zeroing %u reg2 %u align %u element %u",
		       op_names[insn->op], insn->width, insn->reg,
		       insn->reg_kind, insn->dest_width, insn->mask,
		       insn->zeroing, insn->reg2, insn->mem[0].align,
		       insn->mem[0].element);
	printf("\n");
}

/* The registers the CPU has, compared; the first difference printed. */
static bool vregs_equal(const struct vec_state *native,
			const struct mmiodec_vregs *emu, bool print)
{
	unsigned nregs = vfeat.level == 2 ? 32 : 16;
	unsigned size = vfeat.level == 2 ? 64 : vfeat.level == 1 ? 32 : 16;

	for (unsigned n = 0; n < nregs; n++)
		if (memcmp(native->zmm[n], emu->zmm[n], size)) {
			if (print) {
				printf("  zmm%u native  ", n);
				for (unsigned i = 0; i < size; i++)
					printf("%02x", native->zmm[n][i]);
				printf("\n  zmm%u emulated", n);
				for (unsigned i = 0; i < size; i++)
					printf("%02x", emu->zmm[n][i]);
				printf("\n");
			}
			return false;
		}
	if (vfeat.level == 2 && memcmp(native->k, emu->k, sizeof(emu->k))) {
		if (print)
			printf("  opmask registers differ\n");
		return false;
	}
	for (unsigned n = 0; n < 8; n++)
		if (native->mm[n] != emu->mm[n]) {
			if (print)
				printf("  mm%u native 0x%016" PRIx64 " emulated 0x%016"
				       PRIx64 "\n", n, native->mm[n], emu->mm[n]);
			return false;
		}
	return true;
}

/*
 * One case of a vector move: the operand at vmem + off. Returns false
 * when the bytes do not decode as the form (the caller decides whether
 * that is expected).
 */
static bool run_vector_case(const struct vvariant *v, unsigned off,
			    bool print_decode_failure)
{
	uint8_t bytes[16];
	size_t len = vassemble(v, bytes);
	struct mmiodec_insn insn;
	unsigned width = vform_width(v);

	if (mmiodec_decode_vendor(&insn, bytes, len, MMIODEC_MODE_64,
				  cpu.vendor) != MMIODEC_OK ||
	    insn.op != v->form->op || insn.length != len) {
		if (print_decode_failure)
			vreport(NULL, bytes, len, v, 0, off, "decode");
		return false;
	}

	/* random registers and memory */
	struct vec_state in, native;
	struct mmiodec_vregs emu;
	for (unsigned n = 0; n < 32; n++)
		for (unsigned i = 0; i < 64; i += 8) {
			uint64_t r = rnd();
			memcpy(&in.zmm[n][i], &r, 8);
		}
	for (unsigned n = 0; n < 8; n++) {
		in.k[n] = rnd();
		in.mm[n] = rnd();
	}
	/* registers the CPU lacks are not loaded: zero them for both */
	if (vfeat.level < 2) {
		memset(in.k, 0, sizeof(in.k));
		for (unsigned n = 0; n < 32; n++)
			memset(in.zmm[n] + (vfeat.level ? 32 : 16), 0,
			       vfeat.level ? 32 : 48);
		memset(in.zmm[16], 0, 16 * 64);
	}
	/* sparse masks too: a few elements, none, all */
	if (v->mask) {
		switch (rnd() % 8) {
		case 0: in.k[v->mask] = 0; break;
		case 1: in.k[v->mask] = ~0ull; break;
		case 2: in.k[v->mask] = 1ull << (rnd() % 64); break;
		default: break;
		}
	}
	for (unsigned i = 0; i < 8; i++)
		in.gpr[i] = rnd();
	in.rflags = pick_flags((unsigned)rnd());
	in.level = vfeat.level;
	uint64_t addr = (uint64_t)(uintptr_t)(vmem + off);
	in.gpr[MMIODEC_RDI] = addr;
	for (unsigned i = 0; i < VMEM_SIZE; i += 8) {
		uint64_t r = rnd();
		memcpy(vmem + i, &r, 8);
	}
	memcpy(vemu, vmem, VMEM_SIZE);
	native = in;
	int sig = run_vec_native(&native, bytes, len);

	memcpy(emu.zmm, in.zmm, sizeof(emu.zmm));
	memcpy(emu.k, in.k, sizeof(emu.k));
	memcpy(emu.mm, in.mm, sizeof(emu.mm));
	struct mmiodec_regs regs;
	memset(&regs, 0, sizeof(regs));
	regs.gpr[MMIODEC_RDI] = addr;
	regs.rflags = in.rflags;
	uint64_t linear = 0;
	mmiodec_address(&insn, &regs, 0, &linear);
	vst.cases++;
	st.op_cases[insn.op]++;
	if (linear != addr) {
		vreport(&insn, bytes, len, v, in.k[v->mask], off, "address");
		return true;
	}

	/* mmiodec_execute() leaves vector moves to the vector functions */
	struct mmiodec_exec out;
	uint64_t loaded[2] = { 0, 0 };
	struct mmiodec_regs before = regs;
	if (mmiodec_execute(&insn, &regs, loaded, &out) != MMIODEC_EXEC_NOT_HANDLED ||
	    memcmp(&regs, &before, sizeof(regs)))
		vreport(&insn, bytes, len, v, in.k[v->mask], off,
			"execute handles a vector move");

	/* the fault the descriptor predicts: misalignment (#GP, before any
	 * access), or a selected byte in the guard page (#PF) */
	uint64_t selected = mmiodec_vector_mask(&insn, &emu);
	bool misaligned = insn.mem[0].align && addr % insn.mem[0].align;
	bool guard = false;
	for (unsigned i = 0; i < width; i++)
		if (((selected >> i) & 1) && off + i >= VMEM_SIZE)
			guard = true;
	if (misaligned && selected == 0) {
		/* every element masked off: measured on Intel (family 6
		 * model 207), no #GP; either answer is counted, not held
		 * against the descriptor, and with no fault the registers
		 * are compared as usual */
		if (sig == SIGSEGV || sig == SIGBUS) {
			vst.none_selected_faults++;
			return true;
		}
		vst.none_selected_no_fault++;
	} else if (misaligned || guard) {
		vst.faults_expected++;
		if (sig != SIGSEGV && sig != SIGBUS)
			vreport(&insn, bytes, len, v, in.k[v->mask], off,
				misaligned ? "misaligned, the CPU does not fault"
					   : "a selected byte in the guard page, "
					     "the CPU does not fault");
		vst.guard_faults += guard && !misaligned;
		return true;
	}
	if (sig) {
		vreport(&insn, bytes, len, v, in.k[v->mask], off,
			sig == SIGILL ? "native SIGILL" : "native fault, "
			"none predicted");
		return true;
	}
	if (insn.mask)
		vst.masked++;

	uint8_t data[64];
	if (insn.direction == MMIODEC_DIR_READ) {
		vst.loads++;
		/* only the selected bytes are read: the others are garbage */
		for (unsigned i = 0; i < 64; i++)
			data[i] = i < width && ((selected >> i) & 1) ? vemu[off + i]
								     : 0xCC;
		if (!mmiodec_vector_complete_load(&insn, &emu, data)) {
			vreport(&insn, bytes, len, v, in.k[v->mask], off,
				"complete_load refused");
			return true;
		}
	} else {
		vst.stores++;
		memset(data, 0xCC, sizeof(data));
		if (!mmiodec_vector_store_value(&insn, &emu, data)) {
			vreport(&insn, bytes, len, v, in.k[v->mask], off,
				"store_value refused");
			return true;
		}
		for (unsigned i = 0; i < width; i++)
			if ((selected >> i) & 1)
				vemu[off + i] = data[i];
	}
	bool regs_ok = vregs_equal(&native, &emu, false);
	bool mem_ok = !memcmp(vmem, vemu, VMEM_SIZE);
	bool gprs_ok = !memcmp(native.gpr, in.gpr, sizeof(in.gpr)) &&
		       native.rflags == in.rflags;
	if (!regs_ok || !mem_ok || !gprs_ok) {
		vreport(&insn, bytes, len, v, in.k[v->mask], off,
			!regs_ok ? "vector registers" : !mem_ok ? "memory"
			: "general registers or RFLAGS changed");
		if (reported <= max_reports) {
			vregs_equal(&native, &emu, true);
			for (unsigned i = 0; i < VMEM_SIZE && !mem_ok; i++)
				if (vmem[i] != vemu[i]) {
					printf("  memory +%u: native %02x emulated %02x\n",
					       i, vmem[i], vemu[i]);
					break;
				}
		}
	}
	return true;
}

/* Whether the CPU (and OS) can run the form at this vector length. */
static const char *vform_missing(const struct vform *f, unsigned vl)
{
	if (f->encoding == ENC_EVEX)
		return vfeat.avx512 ? NULL : "AVX-512 F/BW/VL";
	if (f->encoding == ENC_VEX) {
		if (!vfeat.avx)
			return "AVX";
		if (f->op == MMIODEC_OP_VMOVNTDQA && vl == 32 && !vfeat.avx2)
			return "AVX2";
		return NULL;
	}
	if (f->op == MMIODEC_OP_MOVNTDQA && !vfeat.sse41)
		return "SSE4.1";
	if (f->op == MMIODEC_OP_MOVDIRI && !vfeat.movdiri)
		return "MOVDIRI";
	if (f->op == MMIODEC_OP_MOVDIR64B && !vfeat.movdir64b)
		return "MOVDIR64B";
	if (f->op == MMIODEC_OP_ENQCMD || f->op == MMIODEC_OP_ENQCMDS)
		return vfeat.enqcmd ? "a PASID and a device portal (ENQCMD "
				      "from user space; ENQCMDS is ring 0)"
				    : "ENQCMD";
	return NULL;
}

/* An offset for the operand: aligned forms on their width three times in
 * four, any byte else; masked forms sometimes across the guard page. */
static unsigned pick_offset(const struct vform *f, unsigned width,
			    bool masked, bool *misaligned)
{
	unsigned off;

	*misaligned = false;
	if (masked && rnd() % 4 == 0) {
		/* the last element or more past the end of the buffer */
		vst.guard_cases++;
		return VMEM_SIZE - width + 1 + (unsigned)(rnd() % width);
	}
	if (f->aligned) {
		off = VMEM_OPERAND + width * (unsigned)(rnd() % 4);
		if (rnd() % 4 == 0) {
			off += 1 + (unsigned)(rnd() % (width - 1));
			*misaligned = true;
		}
		return off;
	}
	return VMEM_OPERAND + (unsigned)(rnd() % 128);
}

/* MOVDIRI [rdi], reg and MOVDIR64B reg, [rsi] on RAM through
 * mmiodec_execute(). */
static void run_portal_case(const struct vvariant *v)
{
	uint8_t bytes[16];
	size_t len = vassemble(v, bytes);
	struct mmiodec_insn insn;
	bool copy = v->form->pattern == FP_COPY;

	if (mmiodec_decode_vendor(&insn, bytes, len, MMIODEC_MODE_64,
				  cpu.vendor) != MMIODEC_OK ||
	    insn.op != v->form->op || insn.length != len) {
		vreport(NULL, bytes, len, v, 0, 0, "decode");
		return;
	}
	struct vec_state in, native;
	memset(&in, 0, sizeof(in));
	in.level = vfeat.level;
	for (unsigned i = 0; i < 8; i++)
		in.gpr[i] = pick(8);
	in.rflags = pick_flags((unsigned)rnd());
	for (unsigned i = 0; i < VMEM_SIZE; i += 8) {
		uint64_t r = rnd();
		memcpy(vmem + i, &r, 8);
	}
	memcpy(vemu, vmem, VMEM_SIZE);
	unsigned dst = VMEM_OPERAND + 64 * (unsigned)(rnd() % 8), src = 0;
	bool misaligned = false;
	if (copy) {
		/* the source anywhere, the destination 64-aligned three
		 * times in four */
		src = VMEM_OPERAND + 1024 + (unsigned)(rnd() % 512);
		if (rnd() % 4 == 0) {
			dst += 1 + (unsigned)(rnd() % 63);
			misaligned = true;
		}
		in.gpr[v->reg] = (uint64_t)(uintptr_t)(vmem + dst);
		in.gpr[MMIODEC_RSI] = (uint64_t)(uintptr_t)(vmem + src);
	} else {
		dst += (unsigned)(rnd() % 64);
		in.gpr[MMIODEC_RDI] = (uint64_t)(uintptr_t)(vmem + dst);
	}
	native = in;
	int sig = run_vec_native(&native, bytes, len);

	struct mmiodec_regs regs;
	memset(&regs, 0, sizeof(regs));
	for (unsigned i = 0; i < 8; i++)
		regs.gpr[i] = in.gpr[i];
	regs.rflags = in.rflags;
	regs.rip = 0x7000fffff000ull;
	uint64_t a0 = 0, a1 = 0;
	mmiodec_address(&insn, &regs, 0, &a0);
	vst.cases++;
	vst.portal++;
	st.op_cases[insn.op]++;
	if (a0 != (uint64_t)(uintptr_t)(vmem + dst) ||
	    (copy && (!mmiodec_address(&insn, &regs, 1, &a1) ||
		      a1 != (uint64_t)(uintptr_t)(vmem + src)))) {
		vreport(&insn, bytes, len, v, 0, dst, "address");
		return;
	}
	bool predicted = insn.mem[0].align && a0 % insn.mem[0].align;
	if (predicted != misaligned || (misaligned && sig != SIGSEGV)) {
		vreport(&insn, bytes, len, v, 0, dst,
			"alignment: the CPU's #GP and mem[0].align disagree");
		return;
	}
	if (misaligned) {
		vst.faults_expected++;
		return;
	}
	if (sig) {
		vreport(&insn, bytes, len, v, 0, dst, "native fault");
		return;
	}
	struct mmiodec_exec out;
	uint64_t loaded[2] = { 0, 0 };
	if (mmiodec_execute(&insn, &regs, NULL, &out) != MMIODEC_EXEC_OK) {
		vreport(&insn, bytes, len, v, 0, dst, "execute status");
		return;
	}
	(void)loaded;
	if (copy) {
		if (out.writes)
			vreport(&insn, bytes, len, v, 0, dst,
				"execute writes for MOVDIR64B");
		memcpy(vemu + dst, vemu + src, 64);
	} else if (out.writes) {
		memcpy(vemu + dst, out.store, insn.width);
	} else {
		vreport(&insn, bytes, len, v, 0, dst, "MOVDIRI does not write");
	}
	bool ok = regs.rip == 0x7000fffff000ull + len &&
		  regs.rflags == native.rflags &&
		  !memcmp(vmem, vemu, VMEM_SIZE);
	for (unsigned i = 0; i < 8; i++)
		ok = ok && regs.gpr[i] == native.gpr[i];
	if (!ok)
		vreport(&insn, bytes, len, v, 0, dst,
			"registers, RIP, RFLAGS or memory");
}

/* An encoding the decoder refuses (the other W of an EVEX form) is #UD
 * natively. */
static void check_refused_w(const struct vvariant *v, unsigned off)
{
	uint8_t bytes[16];
	size_t len = vassemble(v, bytes);
	struct mmiodec_insn insn;
	struct vec_state s;

	if (mmiodec_decode_vendor(&insn, bytes, len, MMIODEC_MODE_64,
				  cpu.vendor) == MMIODEC_OK)
		return;   /* another form */
	memset(&s, 0, sizeof(s));
	s.level = vfeat.level;
	s.rflags = RFLAGS_BASE;
	s.gpr[MMIODEC_RDI] = (uint64_t)(uintptr_t)(vmem + off);
	vst.refused_w++;
	if (run_vec_native(&s, bytes, len) != SIGILL)
		vreport(NULL, bytes, len, v, 0, off,
			"the decoder refuses, the CPU runs it");
}

/* Every vector form: registers, vector lengths, masks; n cases each. */
static unsigned run_vector_forms(unsigned n)
{
	unsigned untested = 0;

	read_vec_features(&vfeat);
	printf("vector: %s%s%s%s%s%s (XCR0 and CPUID); vector registers compared: "
	       "%s\n", "SSE2 MMX", vfeat.sse41 ? " SSE4.1" : "",
	       vfeat.avx ? " AVX" : "", vfeat.avx2 ? " AVX2" : "",
	       vfeat.avx512 ? " AVX-512F/BW/VL" : "",
	       vfeat.movdiri ? (vfeat.movdir64b ? " MOVDIRI MOVDIR64B"
						: " MOVDIRI") : "",
	       vfeat.level == 2 ? "zmm0-31 k0-7 mm0-7"
	       : vfeat.level == 1 ? "ymm0-15 mm0-7" : "xmm0-15 mm0-7");
	uint8_t *map = mmap(NULL, VMEM_SIZE + 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	vemu = malloc(VMEM_SIZE);
	if (map == MAP_FAILED || !vemu ||
	    mprotect(map + VMEM_SIZE, 4096, PROT_NONE) != 0) {
		perror("vector buffer");
		return 1;
	}
	vmem = map;

	for (size_t fi = 0; fi < NVFORMS; fi++) {
		const struct vform *f = &vforms[fi];
		unsigned covered = 0;
		static const unsigned vls[3] = { 16, 32, 64 };
		unsigned nvl = f->width != FW_VL ? 1
			       : f->encoding == ENC_EVEX ? 3 : 2;

		if (only_op && strcmp(only_op, op_names[f->op]))
			continue;
		for (unsigned li = 0; li < nvl; li++) {
			unsigned vl = f->width == FW_VL ? vls[li] : 16;
			const char *missing = vform_missing(f, vl);
			if (missing) {
				printf("vector: %s (%s, opcode %02x) skipped: the "
				       "CPU lacks %s\n", op_names[f->op],
				       f->encoding == ENC_EVEX ? "EVEX"
				       : f->encoding == ENC_VEX ? "VEX" : "legacy",
				       f->opcode, missing);
				vst.skipped_forms++;
				covered = 1;   /* not a decoder gap */
				continue;
			}
			if (f->pattern == FP_COPY || f->reg == FR_GPR) {
				/* MOVDIRI: 4 and 8 bytes, sources rax..rdx, rsi;
				 * MOVDIR64B: address in rax, rcx, rdx */
				static const unsigned srcs[4] = { 0, 1, 2, 6 };
				for (unsigned i = 0; i < 8 * n; i++) {
					struct vvariant v = { .form = f, .vl = 16 };
					v.osize = (i & 1) ? 8 : 4;
					v.w = f->pattern == FP_COPY ? 0 : v.osize == 8;
					v.reg = f->pattern == FP_COPY ? (unsigned)(rnd() % 3)
						: srcs[rnd() % 4];
					run_portal_case(&v);
					covered++;
				}
				continue;
			}
			unsigned nregs = f->reg == FR_MMX ? 8
					 : f->encoding == ENC_EVEX ? 32 : 16;
			bool store = f->pattern == FP_M_R;
			for (unsigned r = 0; r < nregs; r++) {
				for (unsigned i = 0; i < n; i++) {
					struct vvariant v = { .form = f, .reg = r, .vl = vl };
					bool misaligned;
					v.w = f->w == FW1 ? 1 : f->w == FW0 ? 0
					      : (unsigned)(rnd() & 1);
					v.short_vex = rnd() & 1;
					if (f->pattern == FP_R_V_M)
						v.reg2 = (unsigned)(rnd() % nregs);
					if (f->encoding == ENC_EVEX && f->element &&
					    rnd() % 4) {
						v.mask = 1 + (unsigned)(rnd() % 7);
						v.zeroing = !store && (rnd() & 1);
					}
					unsigned width = f->width == FW_VL ? vl
							 : vform_width(&v);
					unsigned off = pick_offset(f, width, v.mask != 0,
								   &misaligned);
					if (f->encoding == ENC_EVEX && f->w == FWIG) {
						/* EVEX has a W per form: the one the
						 * decoder refuses must be #UD */
						struct vvariant o = v;
						o.w ^= 1;
						if (!run_vector_case(&v, off, false)) {
							if (!run_vector_case(&o, off, true))
								continue;
							o.w ^= 1;
						}
						if (i == 0)
							check_refused_w(&o, off);
					} else if (!run_vector_case(&v, off, true)) {
						continue;
					}
					covered++;
					(void)misaligned;
				}
			}
		}
		if (!covered) {
			printf("NOT COVERED: %s (opcode %02x)\n", op_names[f->op],
			       f->opcode);
			untested++;
		}
	}
	printf("vector: %lu cases (%lu loads, %lu stores, %lu masked, %lu "
	       "MOVDIRI/MOVDIR64B; %lu faults predicted and seen, %lu of "
	       "them a masked access reaching the guard page, of %lu placed "
	       "across it; %lu EVEX encodings with the other W refused and "
	       "#UD), %lu mismatches, %lu forms skipped, %u not covered\n",
	       vst.cases, vst.loads, vst.stores, vst.masked, vst.portal,
	       vst.faults_expected, vst.guard_faults, vst.guard_cases,
	       vst.refused_w, vst.mismatches, vst.skipped_forms, untested);
	printf("vector: aligned EVEX forms at a misaligned address with every "
	       "element masked off: %lu ran without a fault, %lu faulted "
	       "(mem[0].align says #GP)\n", vst.none_selected_no_fault,
	       vst.none_selected_faults);
	return untested;
}
#endif

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
	cpu_identity_read(&cpu);
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

#ifdef MMIODEC_VECTOR_FORMS
	untested += run_vector_forms(per_variant >= 10 ? per_variant / 10 : 1);
	st.mismatches += vst.mismatches;
#else
	printf("vector: no MMIODEC_VECTOR_FORMS in src/forms.h: not run\n");
#endif

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
