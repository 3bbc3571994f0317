/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the stub that runs one case, and the watches on SIGSEGV
 * (around the runtime's handler) and SIGFPE (#DE, natively or delivered by
 * the runtime).
 *
 * The stub: a prologue saves the callee-saved registers and the host stack
 * pointer, loads the vector registers from run_vregs (XMM0..15, YMM0..15
 * or ZMM0..31 and K0..7, by what the CPU has; MM0..7), then RSP, RFLAGS
 * and the other fifteen registers from run_state (and, for some vector
 * cases, executes VZEROUPPER); then the instruction
 * under test; an epilogue stores every register and RFLAGS back, the
 * vector registers too, and returns (after EMMS, so that the C code finds
 * the x87 stack empty).
 */
#include "oracle.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- the stub ---- */

uint8_t *code_page;
struct cpu_state run_state;
static uint8_t prologue[1024], epilogue[1024];
size_t prologue_len;
static size_t epilogue_len;
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

enum vector_level vector_level;
struct mmiodec_vregs run_vregs __attribute__((aligned(64)));

/* MOVDQU, VMOVDQU (256) or VMOVDQU64 (512) between every vector register
 * the CPU has and run_vregs, KMOVQ for the opmasks, MOVQ for MM0..7; RAX
 * holds the address. */
static size_t emit_vector_moves(uint8_t *out, size_t n, bool store)
{
	uint8_t movabs[10] = { 0x48, 0xb8 };
	unsigned count = vector_level == VECTOR_AVX512 ? 32 : 16;

	put_le(movabs + 2, (uint64_t)(uintptr_t)&run_vregs, 8);
	n = emit(out, n, movabs, sizeof(movabs));
	for (unsigned i = 0; i < count; i++) {
		uint8_t b[12];
		size_t len = 0;
		unsigned r = (~i >> 3) & 1, r2 = (~i >> 4) & 1;

		if (vector_level == VECTOR_AVX512) {
			b[len++] = 0x62;
			b[len++] = (uint8_t)(r << 7 | 0x60 | r2 << 4 | 0x01);
			b[len++] = 0xfe; /* W1 (vmovdqu64), vvvv 1111, F3 */
			b[len++] = 0x48; /* L'L 10: 512 bits, V' 1 */
		} else if (vector_level == VECTOR_AVX) {
			b[len++] = 0xc4;
			b[len++] = (uint8_t)(r << 7 | 0x61);
			b[len++] = 0x7e; /* W0, vvvv 1111, L 1, F3 */
		} else {
			b[len++] = 0xf3;
			if (i >= 8)
				b[len++] = 0x44;
			b[len++] = 0x0f;
		}
		b[len++] = store ? 0x7f : 0x6f;
		b[len++] = (uint8_t)(0x80 | (i & 7) << 3); /* [rax+disp32] */
		put_le(b + len, 64 * i, 4);
		n = emit(out, n, b, len + 4);
	}
	for (unsigned i = 0; i < 8 && vector_level == VECTOR_AVX512; i++) {
		uint8_t b[9] = { 0xc4, 0xe1, 0xf8, store ? 0x91 : 0x90,
				 (uint8_t)(0x80 | i << 3) };
		put_le(b + 5, offsetof(struct mmiodec_vregs, k) + 8 * i, 4);
		n = emit(out, n, b, sizeof(b));
	}
	for (unsigned i = 0; i < 8; i++) {
		uint8_t b[7] = { 0x0f, store ? 0x7f : 0x6f,
				 (uint8_t)(0x80 | i << 3) };
		put_le(b + 3, offsetof(struct mmiodec_vregs, mm) + 8 * i, 4);
		n = emit(out, n, b, sizeof(b));
	}
	return n;
}

static const uint8_t nop3[3] = { 0x0f, 0x1f, 0x00 };
static const uint8_t vzeroupper[3] = { 0xc5, 0xf8, 0x77 };

void build_stub_parts(void)
{
	static const uint8_t save[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55,
					0x41, 0x56, 0x41, 0x57 };
	/* emms; cld; pop the callee-saved registers; ret */
	static const uint8_t restore[] = { 0x0f, 0x77, 0xfc, 0x41, 0x5f, 0x41,
					   0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d,
					   0x5b, 0xc3 };
	/* push qword [rdi+128]; popfq */
	static const uint8_t load_flags[] = { 0xff, 0xb7, 0x80, 0, 0, 0, 0x9d };
	size_t n = 0;
	uint8_t movabs[10] = { 0x48, 0xbf };

	n = emit(prologue, n, save, sizeof(save));
	n = emit_vector_moves(prologue, n, false);
	n = emit_state_move(prologue, n, RSP, STATE_HOST_RSP, true);
	n = emit_state_move(prologue, n, RSP, 8 * RSP, false);
	n = emit(prologue, n, load_flags, sizeof(load_flags));
	for (int r = 0; r < 16; r++) {
		if (r != RSP && r != RDI)
			n = emit_state_move(prologue, n, r, 8 * r, false);
	}
	n = emit_state_move(prologue, n, RDI, 8 * RDI, false);
	/* the last 3 bytes: VZEROUPPER or a NOP, by case (write_stub()) */
	n = emit(prologue, n, nop3, sizeof(nop3));
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
	n = emit_vector_moves(epilogue, n, true);
	n = emit_state_move(epilogue, n, RSP, STATE_HOST_RSP, false);
	epilogue_exit = n;
	n = emit(epilogue, n, restore, sizeof(restore));
	epilogue_len = n;
}

void write_stub(const struct test_case *tc)
{
	size_t n = 0;

	if (mprotect(code_page, PAGE, PROT_READ | PROT_WRITE) != 0) {
		perror("mprotect code");
		exit(2);
	}
	n = emit(code_page, n, prologue, prologue_len);
	/* VZEROUPPER puts the upper halves of YMM/ZMM0..15 in their initial
	 * state: the signal frame then has XSTATE_BV's AVX and ZMM_Hi256
	 * bits clear, which the runtime must read as zeros. */
	if (tc->zero_upper)
		memcpy(code_page + n - 3, vzeroupper, 3);
	n = emit(code_page, n, tc->bytes, tc->len);
	stub_exit = (uint64_t)(uintptr_t)code_page + n + epilogue_exit;
	emit(code_page, n, epilogue, epilogue_len);
	if (mprotect(code_page, PAGE, PROT_READ | PROT_EXEC) != 0) {
		perror("mprotect code");
		exit(2);
	}
}

void run_stub(void)
{
	void (*stub)(struct cpu_state *);

	memcpy(&stub, &code_page, sizeof(stub));
	stub(&run_state);
}

/* ---- watching the runtime's handler ---- */

volatile sig_atomic_t phase;
struct sigaction runtime_action, watch_action, watch_fpe_action;
uint64_t expected_resume;
volatile unsigned resume_count;
char case_text[1024];
struct divide_error divide_error;
volatile sig_atomic_t first_fault_seen, first_fault_write;
volatile uint64_t first_fault_address;

struct stub_fault stub_fault;

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
 * The runtime found a #DE: it left the registers as they were and queued
 * SIGFPE, which is delivered (to watch_fpe()) once this handler returns,
 * before the instruction runs again.
 */
static bool divide_error_pending(const ucontext_t *uc, uint64_t fault_rip)
{
	sigset_t pending;

	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP] == fault_rip &&
	       sigpending(&pending) == 0 && sigismember(&pending, SIGFPE) == 1;
}

/* The runtime raised #GP: the registers as they were, SIGSEGV (SI_KERNEL)
 * queued, to be delivered (here) when this handler returns. */
static bool general_protection_pending(const ucontext_t *uc,
				       uint64_t fault_rip)
{
	sigset_t pending;

	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP] == fault_rip &&
	       sigpending(&pending) == 0 && sigismember(&pending, SIGSEGV) == 1;
}

/*
 * Every invocation of the runtime's handler must resume right after the
 * instruction, or leave it where it was with SIGFPE queued (#DE). A fault
 * it does not resume from (a refusal, a fault
 * elsewhere in the stub), and any fault in the native run, is recorded
 * in stub_fault and ends the stub's run; run_case() reports it.
 */
void watch_segv(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	greg_t *gregs = uc->uc_mcontext.gregs;
	uint64_t fault_rip = (uint64_t)gregs[REG_RIP];
	struct sigaction now;

	if (phase == PHASE_TRAPPED) {
		if (!first_fault_seen) {
			first_fault_seen = 1;
			first_fault_write = (gregs[REG_ERR] & PF_WRITE) != 0;
			first_fault_address = (uint64_t)(uintptr_t)info->si_addr;
		}
		runtime_action.sa_sigaction(sig, info, context);
		resume_count++;
		if ((uint64_t)gregs[REG_RIP] == expected_resume ||
		    divide_error_pending(uc, fault_rip) ||
		    (info->si_code != SI_KERNEL &&
		     general_protection_pending(uc, fault_rip)))
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

/*
 * SIGFPE from the instruction under test: #DE natively, or the signal the
 * runtime queued for it. What the signal says and the registers at it are
 * recorded, and the stub's run ends as after a fault.
 */
void watch_fpe(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	greg_t *gregs = uc->uc_mcontext.gregs;
	uint64_t rip = (uint64_t)gregs[REG_RIP];
	static const int greg_of[16] = {
		REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI,
		REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13,
		REG_R14, REG_R15,
	};

	(void)sig;
	divide_error.raised = true;
	divide_error.code = info->si_code;
	divide_error.address = (uint64_t)(uintptr_t)info->si_addr;
	divide_error.rip = rip;
	for (int r = 0; r < 16; r++)
		divide_error.state.gpr[r] = (uint64_t)gregs[greg_of[r]];
	divide_error.state.rflags = (uint64_t)gregs[REG_EFL];
	divide_error.state.host_rsp = 0;
	if (phase == PHASE_IDLE || !leave_stub(uc, rip)) {
		say("cpu-oracle: FAIL: SIGFPE outside the instruction under "
		    "test: cannot go on\n");
		say(case_text);
		_exit(3);
	}
}
