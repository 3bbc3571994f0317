/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: one case run natively and trapped, the two compared, and
 * the failures reported.
 */
#include "oracle.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <asm/prctl.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- memory ---- */

const char *const area_names[AREA_COUNT] = {
	"region1", "region2", "below-region1", "above-region1", "ordinary",
	"low",
};

struct area areas[AREA_COUNT];
static uint8_t initial[AREA_COUNT][PAGE];
static uint8_t native_memory[AREA_COUNT][PAGE];
uint8_t backing_memory[2][PAGE];

/* ---- the callbacks and what they saw ---- */

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

const struct mmiotrap_ops region_ops = {
	.read = region_read,
	.write = region_write,
};

/* ---- running and comparing ---- */

struct stats stats;
bool verbose;

/*
 * --drill: provoke the failures that must not end the run, and check that
 * each is reported and the run goes on. Every DRILL_EVERY-th case that
 * accesses a region runs natively with the regions inaccessible, so its
 * native run faults; every other vendor-dependent case runs trapped with
 * the runtime decoding for MMIODEC_VENDOR_ANY, so the runtime refuses it.
 */
#define DRILL_EVERY 7
#define DRILL_SHOWN 2
bool drill;
/* Whether mmiodec calls 66 63 vendor-dependent for MMIODEC_VENDOR_ANY
 * (without it, no refusal can be provoked that way). */
bool decoder_knows_vendors;
struct drills drills;

/* The decoder's reading of the case being run, for the reports. */
static struct mmiodec_insn decoded_insn;
static struct mmiodec_regs decoded_regs;
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

	memset(&decoded_regs, 0, sizeof(decoded_regs));
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
	decoded_regs = regs;
	for (unsigned i = 0; i < insn->mem_count && i < 2; i++)
		mmiodec_address(insn, &regs, i, &decoded_address[i]);
	bool ok = insn->length == tc->len && insn->width == tc->width &&
		  insn->mem_count == tc->mem_count &&
		  (!tc->op || insn->op == tc->op);
	for (unsigned i = 0; ok && i < tc->mem_count; i++)
		ok = decoded_address[i] == tc->address[i];
	if (ok)
		return DECODED_OK;
	if (fail_header("the decoder disagrees with the instruction's encoding"))
		fprintf(stderr, "  decoder (%s): %s length %u width %u operands "
			"%u address 0x%" PRIx64 " 0x%" PRIx64 "\n"
			"  expected: op %u length %zu width %u operands %u "
			"address 0x%" PRIx64 " 0x%" PRIx64 "\n",
			mmiodec_vendor_name(oracle_vendor),
			mmiodec_mnemonic(insn), insn->length,
			insn->width, insn->mem_count, decoded_address[0],
			decoded_address[1], tc->op, tc->len, tc->width,
			tc->mem_count, tc->address[0], tc->address[1]);
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

void setup_normal_mask(void)
{
	sigemptyset(&normal_mask);
	if (sigprocmask(SIG_BLOCK, NULL, &normal_mask) != 0) {
		perror("sigprocmask");
		exit(2);
	}
}

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

/* ---- facts: what the CPU does, by kind of case ---- */

#define MAX_FACTS 256

/* Per kind of tier-2 case (struct test_case.fact): how the CPU reported
 * the first fault on an inaccessible region, and whether it wanted to
 * write a read-only one. */
static struct fact {
	char key[48];
	unsigned cases, fault_read, fault_write, writes, no_write, divide;
	/* vector cases: where the first fault was: the operand's first
	 * byte, the first byte the case expects accessed (a masked access),
	 * elsewhere */
	unsigned at_start, at_first_access, elsewhere;
} facts[MAX_FACTS];
static size_t fact_count;
bool show_facts;

static struct fact *fact_of(const char *key)
{
	for (size_t i = 0; i < fact_count; i++) {
		if (!strcmp(facts[i].key, key))
			return &facts[i];
	}
	if (fact_count == MAX_FACTS)
		return NULL;
	snprintf(facts[fact_count].key, sizeof(facts[0].key), "%s", key);
	return &facts[fact_count++];
}

static int compare_facts(const void *a, const void *b)
{
	return strcmp(((const struct fact *)a)->key,
		      ((const struct fact *)b)->key);
}

void print_facts(void)
{
	qsort(facts, fact_count, sizeof(facts[0]), compare_facts);
	printf("cpu-oracle: what the CPU did, by kind of case: cases; the "
	       "first fault on an inaccessible region reported as read / as "
	       "write; on a read-only region it wrote / did not; #DE\n");
	for (size_t i = 0; i < fact_count; i++) {
		const struct fact *f = &facts[i];
		printf("  %-34s %6u  fault r %5u w %5u  writes %5u / %5u",
		       f->key, f->cases, f->fault_read, f->fault_write,
		       f->writes, f->no_write);
		if (f->divide)
			printf("  #DE %u", f->divide);
		if (f->at_start + f->at_first_access + f->elsewhere)
			printf("  fault at the first byte accessed %u, at the "
			       "operand's start %u, elsewhere %u",
			       f->at_first_access, f->at_start, f->elsewhere);
		printf("\n");
	}
}

/* ---- one case ---- */

/* Copy the initial memory into the pages of the native run. */
static void load_native_memory(bool regions_too)
{
	for (int id = 0; id < AREA_COUNT; id++) {
		if (areas[id].available && (regions_too || !areas[id].region))
			memcpy(areas[id].base, initial[id], PAGE);
	}
}

/* Run the stub natively: the regions are plain memory with protection
 * `prot` while it runs (PROT_NONE for a drill, which leaves them as they
 * are). */
static void run_natively(const struct test_case *tc, enum phase which,
			 int prot)
{
	bool guard = tc->guard_above && areas[AREA_ABOVE].available;

	if (prot != PROT_NONE) {
		protect_regions(PROT_READ | PROT_WRITE);
		load_native_memory(true);
		if (prot != (PROT_READ | PROT_WRITE))
			protect_regions(prot);
	} else {
		load_native_memory(false);
	}
	if (guard)
		protect_page(areas[AREA_ABOVE].base, PROT_NONE);
	run_state = tc->init;
	run_state.host_rsp = 0;
	run_vregs = tc->vinit;
	stub_fault.faulted = false;
	divide_error.raised = false;
	phase = which;
	run_stub();
	phase = PHASE_IDLE;
	if (guard)
		protect_page(areas[AREA_ABOVE].base, PROT_READ | PROT_WRITE);
}

/* The value the case's operand starts with, as the decoder's
 * mmiodec_execute() takes it. */
static void initial_operand(const struct test_case *tc, uint64_t loaded[2])
{
	int area = region_of(tc->address[0]);
	unsigned width = tc->width < 16 ? tc->width : 16;

	loaded[0] = loaded[1] = 0;
	if (area < 0)
		return;
	uint64_t offset = tc->address[0] - area_address((enum area_id)area);
	if (offset + width <= PAGE)
		memcpy(loaded, initial[area] + offset, width);
}

/*
 * The RFLAGS bits to compare: all, where the decoder is for Intel (whose
 * undefined flags mmiodec_execute() sets as Intel CPUs do); else those the
 * SDM defines for this instruction with these operands.
 */
static uint64_t compared_flags(const struct test_case *tc)
{
	struct mmiodec_regs regs = decoded_regs;
	struct mmiodec_exec out;
	uint64_t loaded[2];

	if (!tc->op || oracle_vendor == MMIODEC_VENDOR_INTEL)
		return ~0ULL;
	initial_operand(tc, loaded);
	if (mmiodec_execute(&decoded_insn, &regs, loaded, &out) !=
	    MMIODEC_EXEC_OK)
		return ~0ULL;
	return ~(uint64_t)out.undefined_flags;
}

/*
 * What was measured on Intel's CPUs only (see the README): whether a CPU
 * writes a value it leaves unchanged (a shift by 0, a failed CMPXCHG, a
 * BTS of a set bit...: mmiodec says it does), and the result of a 16-bit
 * SHLD/SHRD by more than 16, which the SDM leaves undefined. On another
 * vendor neither is held against the runtime.
 */
static bool unchanged_write(const struct test_case *tc)
{
	struct mmiodec_regs regs = decoded_regs;
	struct mmiodec_exec out;
	uint64_t loaded[2] = { 0, 0 };

	if (!tc->op || oracle_vendor == MMIODEC_VENDOR_INTEL)
		return false;
	initial_operand(tc, loaded);
	return mmiodec_execute(&decoded_insn, &regs, loaded, &out) ==
		       MMIODEC_EXEC_OK &&
	       out.writes && !memcmp(out.store, loaded, decoded_insn.width);
}

static bool undefined_result(const struct test_case *tc)
{
	const struct mmiodec_insn *insn = &decoded_insn;
	if (!tc->op || oracle_vendor == MMIODEC_VENDOR_INTEL ||
	    (insn->op != MMIODEC_OP_SHLD && insn->op != MMIODEC_OP_SHRD) ||
	    insn->width != 2)
		return false;
	uint64_t count = insn->has_immediate ? insn->immediate
					     : decoded_regs.gpr[MMIODEC_RCX];
	return (count & 31) > 16;
}

static bool same_divide_error(const struct divide_error *a,
			      const struct divide_error *b)
{
	return a->code == b->code && a->address == b->address &&
	       a->rip == b->rip &&
	       !memcmp(a->state.gpr, b->state.gpr, sizeof(a->state.gpr)) &&
	       a->state.rflags == b->state.rflags;
}

static void print_divide_error(const char *run, const struct divide_error *d)
{
	fprintf(stderr, "  %s: SIGFPE si_code %d (FPE_INTDIV %d) si_addr 0x%"
		PRIx64 " rip 0x%" PRIx64 "\n", run, d->code, FPE_INTDIV,
		d->address, d->rip);
}

/* The registers after each run (static: 2 KiB each). */
static struct mmiodec_vregs native_vregs, trapped_vregs;

static void print_bytes(const char *name, unsigned n, const uint8_t *b,
			unsigned len)
{
	fprintf(stderr, "  %s%u ", name, n);
	for (unsigned i = len; i-- > 0;)
		fprintf(stderr, "%02x", b[i]);
	fprintf(stderr, "\n");
}

/* The vector registers that differ: initial, native, trapped. */
static void print_vregs(const struct test_case *tc,
			const struct mmiodec_vregs *native,
			const struct mmiodec_vregs *trapped)
{
	unsigned shown = 0;

	print_decoded();
	for (unsigned r = 0; r < 32 && shown < 4; r++) {
		if (!memcmp(native->zmm[r], trapped->zmm[r], 64))
			continue;
		shown++;
		print_bytes("initial zmm", r, tc->vinit.zmm[r], 64);
		print_bytes("native  zmm", r, native->zmm[r], 64);
		print_bytes("trapped zmm", r, trapped->zmm[r], 64);
	}
	for (unsigned r = 0; r < 8; r++) {
		if (native->k[r] != trapped->k[r] ||
		    native->mm[r] != trapped->mm[r])
			fprintf(stderr, "  k%u %016" PRIx64 " %016" PRIx64
				" %016" PRIx64 "  mm%u %016" PRIx64 " %016"
				PRIx64 " %016" PRIx64 "\n", r, tc->vinit.k[r],
				native->k[r], trapped->k[r], r,
				tc->vinit.mm[r], native->mm[r],
				trapped->mm[r]);
	}
}

/* A native run that must raise #GP, and must do the same trapped: SIGSEGV
 * with si_code SI_KERNEL and si_addr 0 at the instruction, no callback,
 * memory unchanged. */
static void run_general_protection(const struct test_case *tc)
{
	struct stub_fault native;

	stats.general_protection++;
	run_natively(tc, PHASE_NATIVE, PROT_READ | PROT_WRITE);
	protect_regions(PROT_NONE);
	native = stub_fault;
	if (stub_fault.faulted)
		check_process_state();
	if (!native.faulted || native.code != SI_KERNEL ||
	    native.rip != code_insn_address) {
		if (fail_header("the case expects #GP, the native run did not "
				"raise it")) {
			if (native.faulted)
				print_fault(&native, false);
			else
				print_decoded();
		}
		return;
	}
	for (int id = AREA_R1; id <= AREA_R2; id++)
		memcpy(areas[id].backing, initial[id], PAGE);
	seen_count = 0;
	bad_callbacks = 0;
	resume_count = 0;
	first_fault_seen = 0;
	insn_address = code_insn_address;
	expected_resume = code_insn_address + tc->len;
	run_state = tc->init;
	run_state.host_rsp = 0;
	run_vregs = tc->vinit;
	stub_fault.faulted = false;
	phase = PHASE_TRAPPED;
	run_stub();
	phase = PHASE_IDLE;
	if (stub_fault.faulted)
		check_process_state();
	bool same = stub_fault.faulted && stub_fault.code == SI_KERNEL &&
		    stub_fault.address == 0 &&
		    stub_fault.rip == code_insn_address && seen_count == 0;
	for (int id = AREA_R1; id <= AREA_R2 && same; id++)
		same = !memcmp(areas[id].backing, initial[id], PAGE);
	if (!same && fail_header("the CPU raised #GP; the trapped run did "
				 "something else")) {
		print_fault(&native, false);
		if (stub_fault.faulted)
			print_fault(&stub_fault, true);
		print_log("seen", seen, seen_count < MAX_LOG ? seen_count :
							       MAX_LOG);
	}
}

void run_case(const struct test_case *tc, unsigned long case_id)
{
	struct cpu_state native, trapped;
	struct divide_error native_de = { 0 }, trapped_de;
	struct test_case expected;
	bool failed = false, states_shown = false;
	struct fact *fact = NULL;

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
	if (undefined_result(tc)) {
		stats.not_compared++;
		return;
	}
	if (tc->optional)
		stats.optional_run++;
	if (tc->op) {
		if (tc->vector)
			stats.tier3++;
		else
			stats.tier2++;
		fact = fact_of(tc->fact);
		if (fact)
			fact->cases++;
	}
	if (tc->vector && tc->log_count == 0 && !tc->expect_gp)
		stats.no_access++;
	if (tc->vector && strstr(tc->form, "{k"))
		stats.masked++;

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
	if (tc->expect_gp) {
		run_general_protection(tc);
		return;
	}
	uint64_t flags_compared = compared_flags(tc);

	/* native (a drill leaves the regions inaccessible) */
	run_natively(tc, PHASE_NATIVE, drill_native ? PROT_NONE :
				       PROT_READ | PROT_WRITE);
	native = run_state;
	native_vregs = run_vregs;
	native_de = divide_error;
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
	if (native_de.raised) {
		check_process_state();
		stats.divide_errors++;
		if (fact)
			fact->divide++;
	}

	/* Whether the CPU writes: natively again with the regions read-only
	 * (the read-modify-write forms; for the others, this checks that a
	 * load does not write and a store does). */
	expected = *tc;
	if (tc->op) {
		run_natively(tc, PHASE_PROBE, PROT_READ);
		protect_regions(PROT_NONE);
		bool wrote = stub_fault.faulted && stub_fault.write &&
			     stub_fault.rip == code_insn_address &&
			     region_of(stub_fault.address) >= 0;
		if (stub_fault.faulted)
			check_process_state();
		if (stub_fault.faulted && !wrote) {
			if (fail_header("on read-only regions, the native run "
					"faulted other than by a write"))
				print_fault(&stub_fault, false);
			return;
		}
		if (fact) {
			fact->writes += wrote;
			fact->no_write += !wrote;
		}
		bool expects_write = false;
		for (size_t i = 0; i < tc->log_count; i++)
			expects_write |= tc->log[i].write;
		if (tc->write_rule == WRITE_IF_CPU) {
			expected.log_count += wrote || unchanged_write(tc);
		} else if (wrote != expects_write) {
			if (fail_header(wrote ? "the CPU writes a read-only "
						"region where the case expects "
						"a load" :
						"the CPU does not write where the "
						"case expects a store"))
				print_fault(&stub_fault, false);
			return;
		}
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
	first_fault_seen = 0;
	insn_address = code_insn_address;
	expected_resume = code_insn_address + tc->len;
	run_state = tc->init;
	run_state.host_rsp = 0;
	run_vregs = tc->vinit;
	stub_fault.faulted = false;
	divide_error.raised = false;
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
	trapped_vregs = run_vregs;
	trapped_de = divide_error;
	if (fact && first_fault_seen) {
		fact->fault_write += first_fault_write != 0;
		fact->fault_read += first_fault_write == 0;
		if (tc->vector && tc->log_count) {
			uint64_t first = area_address(tc->log[0].area) +
					 tc->log[0].offset;
			bool at_start = false;
			for (unsigned i = 0; i < tc->mem_count; i++)
				at_start |= first_fault_address == tc->address[i];
			if (first_fault_address == first)
				fact->at_first_access++;
			else if (at_start)
				fact->at_start++;
			else
				fact->elsewhere++;
		}
	}
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
	if (native_de.raised || trapped_de.raised) {
		if (trapped_de.raised)
			check_process_state();
		if (!native_de.raised || !trapped_de.raised ||
		    !same_divide_error(&native_de, &trapped_de)) {
			if (fail_header(!trapped_de.raised ?
					"the CPU raised #DE, the trapped run did "
					"not deliver SIGFPE" :
					!native_de.raised ?
					"the trapped run delivered SIGFPE, the "
					"CPU did not raise #DE" :
					"SIGFPE differs between the runs")) {
				if (native_de.raised)
					print_divide_error("native", &native_de);
				if (trapped_de.raised)
					print_divide_error("trapped", &trapped_de);
			}
			failed = true;
		}
		/* the registers to compare are those at the signal */
		if (native_de.raised)
			native = native_de.state;
		if (trapped_de.raised)
			trapped = trapped_de.state;
		expected_resume = code_insn_address;
	}
	if (memcmp(native.gpr, trapped.gpr, sizeof(native.gpr)) != 0 ||
	    ((native.rflags ^ trapped.rflags) & flags_compared) != 0) {
		if (!failed && fail_header("registers differ"))
			print_states(tc, &native, &trapped);
		else if (stats.failures <= MAX_REPORTED)
			print_states(tc, &native, &trapped);
		failed = states_shown = true;
	}
	if (memcmp(&native_vregs, &trapped_vregs, sizeof(native_vregs))) {
		if (!failed)
			fail_header("vector registers differ");
		failed = true;
		if (stats.failures <= MAX_REPORTED)
			print_vregs(tc, &native_vregs, &trapped_vregs);
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
	bool log_ok = seen_count == expected.log_count && bad_callbacks == 0;
	for (size_t i = 0; log_ok && i < expected.log_count; i++)
		log_ok = same_access(&seen[i], &expected.log[i]);
	if (!log_ok) {
		if (!failed)
			fail_header("the callbacks saw other accesses than the "
				    "instruction makes");
		failed = true;
		if (stats.failures <= MAX_REPORTED) {
			print_log("expected", expected.log, expected.log_count);
			print_log("seen", seen,
				  seen_count < MAX_LOG ? seen_count : MAX_LOG);
			if (bad_callbacks)
				fprintf(stderr, "  %u callbacks with a wrong "
					"offset or mmiotrap_current_access()\n",
					bad_callbacks);
		}
	}
	if (resume_count != (expected.log_count ? 1u : 0u)) {
		if (!failed)
			fail_header("wrong number of handler invocations");
		failed = true;
		if (stats.failures <= MAX_REPORTED)
			fprintf(stderr, "  %u invocations\n", resume_count);
	}
	if (failed && stats.failures <= MAX_REPORTED && !states_shown)
		print_states(tc, &native, &trapped);
}
