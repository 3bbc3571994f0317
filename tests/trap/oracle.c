/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the CPU is the reference for mmiodec and the trap runtime.
 *
 * Each case is one instruction, assembled here from its parts (prefixes,
 * REX, opcode, ModRM, SIB, displacement, immediate), placed in a stub that
 * loads all sixteen registers and RFLAGS from a struct, executes it and
 * stores everything back. It runs twice, or three times:
 *   native:  the regions' own pages are made readable and writable, so the
 *            instruction accesses plain memory;
 *   probe:   (every form beyond the MOV family) natively again with the
 *            regions read-only: a write fault there says the CPU writes
 *            (a read-modify-write that writes, a store), none that it
 *            does not (a load, a CMOVcc...);
 *   trapped: the regions are inaccessible again, and their callbacks act
 *            on a copy of the same initial memory.
 * The instruction, its address and every register value are identical in
 * all runs. Registers (RSP included), RFLAGS, all memory, the RIP the
 * handler resumes at and the sequence of callback accesses must agree: a
 * read for what reads memory, then a write of the same width and place
 * when the probe says the CPU writes. RFLAGS is compared whole where the
 * decoder is for Intel (mmiodec_execute() sets the undefined flags as Intel
 * CPUs do); else the flags its undefined_flags names for the case are left
 * out. A DIV or IDIV that raises #DE natively (SIGFPE) must do the same
 * trapped: SIGFPE with the same si_code (FPE_INTDIV) and si_addr, and the
 * same registers at the signal. Before the trapped run, the decoder's op,
 * length, width and addresses are checked against what the case was built
 * to do. --facts prints, by kind of case, how the CPU reported the first
 * fault on an inaccessible region (read or write) and whether it wrote a
 * read-only one.
 *
 * Coverage: a systematic sweep (every MOV-family form x operand size x
 * register x addressing form; every moffs form x size x segment x address
 * size; every string form x width x REP x DF x address size x layout;
 * every other form of src/forms.h x operand size x register (AH..BH
 * included) x addressing form x RFLAGS input: all clear, all six
 * arithmetic flags set, random), then --count random cases (default
 * 20000) of all these kinds. --no-sweep runs the random cases only. "Optional" variants (redundant or
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
#include "oracle.h"
#include "../cpu_identity.h"

#include <asm/prctl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const reg_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

uint64_t seed;
unsigned long long random_cases = 20000;
uint64_t rng_state;
bool crossing_available;

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
static bool only_one, no_sweep;
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

static void sweep_mov(void)
{
	for (size_t f = 0; f < mov_form_count; f++)
		for (int v = 0; v < SIZE_VARIANTS; v++)
			for (int reg = 0; reg < REG_CHOICES; reg++)
				for (int af = 0; af < AF_COUNT; af++) {
					if (!begin_case())
						continue;
					run_made(make_mov_case(&the_case, f,
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

/* Every tier-2 form x operand size x register x addressing form x
 * RFLAGS input. */
static void sweep_alu(void)
{
	for (size_t f = 0; f < alu_form_count; f++) {
		if (!alu_form_runs(f))
			continue;
		for (int v = 0; v < SIZE_VARIANTS; v++)
			for (int reg = 0; reg < alu_reg_choices(f); reg++)
				for (int af = 0; af < AF_COUNT; af++)
					for (int fl = 0; fl < FLAGS_INPUTS; fl++) {
						if (!begin_case())
							continue;
						run_made(make_alu_case(&the_case, f,
							(enum size_variant)v, reg,
							(enum addr_form)af,
							(enum flags_input)fl),
							&the_case);
					}
	}
}

/* Tier 3: every vector form x length x register x addressing form; then
 * per form and length masked cases (random opmask register, pattern,
 * merging or zeroing), masked cases across region 1's edges and
 * misaligned ones; every portal layout x register x addressing form. */
#define MASKED_CASES 48
#define EDGE_CASES 16
#define MISALIGNED_CASES 6

static void sweep_vector(void)
{
	for (size_t f = 0; f < vec_form_count; f++) {
		if (!vec_form_runs(f))
			continue;
		for (unsigned s = 0; s < vec_sizes(f); s++) {
			for (int reg = 0; reg < vec_regs(f); reg++)
				for (int af = 0; af < AF_COUNT; af++) {
					if (!begin_case())
						continue;
					run_made(make_vec_case(&the_case, f, s, reg,
						 (enum addr_form)af, VV_PLAIN),
						 &the_case);
				}
			for (int v = VV_MASKED; v < VV_COUNT; v++) {
				unsigned n = v == VV_MASKED ? MASKED_CASES :
					     v == VV_EDGE ? EDGE_CASES :
							    MISALIGNED_CASES;
				if ((v != VV_MISALIGNED && !vec_form_masks(f)) ||
				    (v == VV_MISALIGNED && !vec_form_aligned(f)))
					continue;
				for (unsigned i = 0; i < n; i++) {
					if (!begin_case())
						continue;
					run_made(make_vec_case(&the_case, f, s,
						 (int)rnd_below((uint64_t)vec_regs(f)),
						 (enum addr_form)rnd_below(AF_COUNT),
						 (enum vec_variant)v), &the_case);
				}
			}
		}
	}
	for (int layout = 0; layout < PORTAL_LAYOUTS; layout++) {
		if (!portal_layout_runs((enum portal_layout)layout))
			continue;
		for (int reg = 0; reg < 16; reg++)
			for (int af = 0; af < AF_COUNT; af++) {
				if (!begin_case())
					continue;
				run_made(make_portal_case(&the_case,
					 (enum portal_layout)layout, reg,
					 (enum addr_form)af), &the_case);
			}
	}
}

static void random_vector_case(void)
{
	if (chance(8)) {
		enum portal_layout layout =
			(enum portal_layout)rnd_below(PORTAL_LAYOUTS);
		run_made(make_portal_case(&the_case, layout,
					  (int)rnd_below(16),
					  (enum addr_form)rnd_below(AF_COUNT)),
			 &the_case);
		return;
	}
	size_t f = rnd_below(vec_form_count);
	unsigned v = (unsigned)rnd_below(10);
	run_made(make_vec_case(&the_case, f, (unsigned)rnd_below(vec_sizes(f)),
			       (int)rnd_below((uint64_t)vec_regs(f)),
			       (enum addr_form)rnd_below(AF_COUNT),
			       v < 6 ? VV_PLAIN : v < 8 ? VV_MASKED :
			       v < 9 ? VV_EDGE : VV_MISALIGNED), &the_case);
}

static void random_case(void)
{
	unsigned kind;
	bool made;

	if (!begin_case())
		return;
	kind = (unsigned)rnd_below(17);
	if (kind >= 14) {
		random_vector_case();
		return;
	}
	if (kind < 6) {
		made = make_mov_case(&the_case, rnd_below(mov_form_count),
				       (enum size_variant)rnd_below(SIZE_VARIANTS),
				       (int)rnd_below(REG_CHOICES),
				       (enum addr_form)rnd_below(AF_COUNT));
	} else if (kind < 7) {
		made = make_moffs_case(&the_case, 0xa0 + (unsigned)rnd_below(4),
				       (enum size_variant)rnd_below(SIZE_VARIANTS),
				       (enum segment)rnd_below(4),
				       chance(30) ? 32 : 64);
	} else if (kind >= 10) {
		size_t f = rnd_below(alu_form_count);
		made = make_alu_case(&the_case, f,
				     (enum size_variant)rnd_below(SIZE_VARIANTS),
				     (int)rnd_below((uint64_t)alu_reg_choices(f)),
				     (enum addr_form)rnd_below(AF_COUNT),
				     (enum flags_input)rnd_below(FLAGS_INPUTS));
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
	detect_vector_features();
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
	memset(&watch_fpe_action, 0, sizeof(watch_fpe_action));
	watch_fpe_action.sa_sigaction = watch_fpe;
	watch_fpe_action.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&watch_fpe_action.sa_mask);
	if (sigaltstack(&alt, NULL) != 0 ||
	    sigaction(SIGFPE, &watch_fpe_action, NULL) != 0 ||
	    sigaction(SIGSEGV, &watch_action, &runtime_action) != 0 ||
	    !(runtime_action.sa_flags & SA_SIGINFO)) {
		fprintf(stderr, "cpu-oracle: cannot wrap the runtime's handler\n");
		exit(2);
	}
	setup_normal_mask();
}

/* The CPU, as the other tests on the processor print it. */
static void print_cpu(void)
{
	struct cpu_identity id;

	cpu_identity_read(&id);
	printf("cpu-oracle: CPU %s, family %u (0x%x), model %u (0x%x), "
	       "stepping %u; decoding for %s\n", id.vendor_id, id.family,
	       id.family, id.model, id.model, id.stepping,
	       mmiodec_vendor_name(oracle_vendor));
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--count N] [--seed S] [--case ID] "
		"[--vendor-any] [--drill] [--no-sweep] [--facts] [--verbose]\n", argv0);
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
		} else if (!strcmp(argv[i], "--no-sweep")) {
			no_sweep = true;
		} else if (!strcmp(argv[i], "--facts")) {
			show_facts = true;
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

	print_vector_support();
	if (!no_sweep) {
		sweep_mov();
		sweep_moffs();
		sweep_strings();
		sweep_alu();
		sweep_vector();
	}
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
	if (stats.not_compared)
		printf("; %u 16-bit SHLD/SHRD by more than 16 not run (their "
		       "result was measured on Intel only)", stats.not_compared);
	printf("\ncpu-oracle: of those, %u of the forms beyond the MOV family "
	       "(%u raised #DE natively)\n", stats.tier2, stats.divide_errors);
	printf("cpu-oracle: %u vector and portal cases (tier 3): %u with an "
	       "opmask, %u raising #GP (misaligned), %u making no access "
	       "(a mask that selects nothing)\n", stats.tier3, stats.masked,
	       stats.general_protection, stats.no_access);
	if (show_facts)
		print_facts();
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
