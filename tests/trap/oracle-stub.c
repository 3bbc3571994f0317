/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the stub that runs one case, and the watches on SIGSEGV
 * (around the runtime's handler) and SIGFPE (#DE, natively or delivered by
 * the runtime).
 *
 * The stub: a prologue saves the callee-saved registers and the host stack
 * pointer, loads RSP, RFLAGS and the other fifteen registers from
 * run_state; then the instruction under test; an epilogue stores every
 * register and RFLAGS back and returns.
 */
#include "oracle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- the stub ---- */

uint8_t *code_page;
struct cpu_state run_state;
static uint8_t prologue[256], epilogue[256];
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

void build_stub_parts(void)
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

void write_stub(const struct test_case *tc)
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
		}
		runtime_action.sa_sigaction(sig, info, context);
		resume_count++;
		if ((uint64_t)gregs[REG_RIP] == expected_resume ||
		    divide_error_pending(uc, fault_rip))
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
