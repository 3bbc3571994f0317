/* SPDX-License-Identifier: MIT */
/*
 * mmiodec-bench: mmiodec against Zydis, in one process, on the same inputs.
 *
 * 1. MMIO mix: the MOV-family memory instructions found in real binaries
 *    (selected with Zydis, deduplicated, shuffled with a fixed seed),
 *    decoded one by one: ns per decode.
 * 2. Sweep: linear decoding of whole executable sections: MB/s.
 *
 * Each figure is the median of several repetitions, with min..max. The
 * decoders take turns inside each repetition, so that a change of machine
 * load hits all of them alike.
 *
 * --callgrind replaces the timing loops by a fixed number of decodes per
 * decoder, each wrapped in callgrind client requests; bench/callgrind.sh
 * turns the dumps into instructions per decode.
 */
#define _POSIX_C_SOURCE 200809L

#include <mmiodec.h>
#include <Zydis/Zydis.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef MMIODEC_BENCH_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

#include "elf_corpus.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)
#define MAX_REPS 101
#define MAX_PATHS 16

struct options {
	unsigned reps;
	size_t max_bytes;      /* executable-section bytes read from the files */
	size_t sweep_bytes;    /* of which the sweep decodes the first ones */
	size_t max_harvest;    /* unique MOV-family instructions kept */
	size_t per_file_max;
	double target_ns;      /* time one sample should take; 0: one pass */
	bool smoke;
	bool callgrind;
	size_t callgrind_decodes;
	const char *paths[MAX_PATHS];
	size_t path_count;
};

/* One harvested instruction; 16 bytes, so the array is dense. */
struct mix_insn {
	uint8_t bytes[MMIODEC_MAX_LENGTH];
	uint8_t length;
};

struct bench_input {
	const struct mix_insn *mix;
	size_t mix_count;
	const uint8_t *code;   /* the sweep's bytes */
	size_t code_bytes;
	struct mmiodec_regs regs;
	ZydisDecoder zydis;
};

/* ---- fixed-seed pseudo-random numbers (splitmix64) ---- */

static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- harvest ---- */

/* The supported forms, by opcode; with a ModRM byte only mod != 3 counts. */
struct mov_family_opcode {
	ZydisOpcodeMap map;
	uint8_t opcode;
};

static const struct mov_family_opcode mov_family[] = {
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x88 }, /* mov r/m8, r8 */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x89 }, /* mov r/m, r */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x8a }, /* mov r8, r/m8 */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x8b }, /* mov r, r/m */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xc6 }, /* mov r/m8, imm8 */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xc7 }, /* mov r/m, imm */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa0 }, /* mov al, moffs */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa1 }, /* mov rAX, moffs */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa2 }, /* mov moffs, al */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa3 }, /* mov moffs, rAX */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x63 }, /* movsxd (64-bit mode) */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa4 }, /* movsb */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa5 }, /* movsw/d/q */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xaa }, /* stosb */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xab }, /* stosw/d/q */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xac }, /* lodsb */
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xad }, /* lodsw/d/q */
	{ ZYDIS_OPCODE_MAP_0F, 0xb6 },      /* movzx r, r/m8 */
	{ ZYDIS_OPCODE_MAP_0F, 0xb7 },      /* movzx r, r/m16 */
	{ ZYDIS_OPCODE_MAP_0F, 0xbe },      /* movsx r, r/m8 */
	{ ZYDIS_OPCODE_MAP_0F, 0xbf },      /* movsx r, r/m16 */
	{ ZYDIS_OPCODE_MAP_0F, 0xc3 },      /* movnti m, r */
};

static bool is_mov_family_memory_access(const ZydisDecodedInstruction *zinsn)
{
	if (zinsn->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
		return false;
	if ((zinsn->attributes & ZYDIS_ATTRIB_HAS_MODRM) && zinsn->raw.modrm.mod == 3)
		return false;
	for (size_t i = 0; i < sizeof(mov_family) / sizeof(mov_family[0]); i++)
		if (mov_family[i].map == zinsn->opcode_map && mov_family[i].opcode == zinsn->opcode)
			return true;
	return false;
}

/* Open addressing over indices into the harvest (+1; 0 is empty). */
struct harvest_set {
	uint32_t *slots;
	size_t mask;
};

static uint64_t hash_insn(const struct mix_insn *insn)
{
	uint64_t hash = 0xcbf29ce484222325ull; /* FNV-1a */
	for (unsigned i = 0; i < insn->length; i++)
		hash = (hash ^ insn->bytes[i]) * 0x100000001b3ull;
	return hash ^ insn->length;
}

/* Returns true when `insn` was not there yet (it is then mix[count]). */
static bool harvest_set_add(struct harvest_set *set, const struct mix_insn *mix,
			    size_t count)
{
	const struct mix_insn *insn = &mix[count];
	for (size_t slot = hash_insn(insn) & set->mask;; slot = (slot + 1) & set->mask) {
		if (set->slots[slot] == 0) {
			set->slots[slot] = (uint32_t)count + 1;
			return true;
		}
		const struct mix_insn *seen = &mix[set->slots[slot] - 1];
		if (seen->length == insn->length &&
		    memcmp(seen->bytes, insn->bytes, insn->length) == 0)
			return false;
	}
}

/*
 * Linear-sweep every section with Zydis and keep each distinct MOV-family
 * memory access, up to max_harvest; then shuffle them. Returns the count.
 */
static size_t harvest(const struct elf_corpus *corpus, const ZydisDecoder *zydis,
		      struct mix_insn *mix, size_t max_harvest, size_t *bytes_scanned)
{
	struct harvest_set set = { 0 };
	size_t slot_count = 1024;
	while (slot_count < 2 * max_harvest)
		slot_count *= 2;
	set.slots = calloc(slot_count, sizeof(*set.slots));
	set.mask = slot_count - 1;
	if (!set.slots) {
		fprintf(stderr, "mmiodec-bench: out of memory\n");
		exit(1);
	}

	size_t count = 0;
	*bytes_scanned = 0;
	for (size_t s = 0; s < corpus->section_count && count < max_harvest; s++) {
		const uint8_t *code = corpus->code + corpus->sections[s].start;
		size_t length = corpus->sections[s].length;
		size_t at = 0;
		while (at < length && count < max_harvest) {
			ZydisDecodedInstruction zinsn;
			if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(zydis, NULL, code + at,
									 length - at, &zinsn))) {
				at++;
				continue;
			}
			if (is_mov_family_memory_access(&zinsn)) {
				struct mix_insn *insn = &mix[count];
				memset(insn, 0, sizeof(*insn));
				memcpy(insn->bytes, code + at, zinsn.length);
				insn->length = zinsn.length;
				if (harvest_set_add(&set, mix, count))
					count++;
			}
			at += zinsn.length;
		}
		*bytes_scanned += at;
	}
	free(set.slots);

	uint64_t seed = 0x6d6d696f646563ull; /* "mmiodec" */
	for (size_t i = count; i > 1; i--) {
		size_t j = (size_t)(next_random(&seed) % i);
		struct mix_insn swap = mix[i - 1];
		mix[i - 1] = mix[j];
		mix[j] = swap;
	}
	return count;
}

/* ---- the measured loops: each returns a checksum of what it decoded ---- */

typedef uint64_t run_fn(const struct bench_input *in, unsigned passes);

static uint64_t run_mix_mmiodec_decode(const struct bench_input *in, unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < in->mix_count; i++) {
			struct mmiodec_insn insn;
			mmiodec_decode(&insn, in->mix[i].bytes, in->mix[i].length, MMIODEC_MODE_64);
			sum += insn.status + insn.length + insn.width +
			       (uint64_t)insn.mem[0].displacement;
		}
	}
	return sum;
}

static uint64_t run_mix_mmiodec_address(const struct bench_input *in, unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < in->mix_count; i++) {
			struct mmiodec_insn insn;
			if (mmiodec_decode(&insn, in->mix[i].bytes, in->mix[i].length,
					   MMIODEC_MODE_64) == MMIODEC_OK) {
				for (unsigned m = 0; m < insn.mem_count; m++) {
					uint64_t linear;
					if (mmiodec_address(&insn, &in->regs, m, &linear))
						sum += linear;
				}
			}
			sum += insn.status + insn.length;
		}
	}
	return sum;
}

static uint64_t run_mix_zydis_full(const struct bench_input *in, unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < in->mix_count; i++) {
			ZydisDecodedInstruction zinsn;
			ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
			ZyanStatus status = ZydisDecoderDecodeFull(&in->zydis, in->mix[i].bytes,
								   in->mix[i].length, &zinsn, operands);
			if (ZYAN_SUCCESS(status))
				sum += zinsn.length + zinsn.operand_count +
				       (uint64_t)operands[0].mem.disp.value;
			else
				sum += status;
		}
	}
	return sum;
}

static uint64_t run_mix_zydis_instruction(const struct bench_input *in, unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < in->mix_count; i++) {
			ZydisDecodedInstruction zinsn;
			ZyanStatus status = ZydisDecoderDecodeInstruction(
				&in->zydis, NULL, in->mix[i].bytes, in->mix[i].length, &zinsn);
			sum += ZYAN_SUCCESS(status) ? zinsn.length + zinsn.raw.disp.value : status;
		}
	}
	return sum;
}

/* Both sweeps step over what their decoder accepts and by one byte past
 * anything else. */
static uint64_t run_sweep_mmiodec(const struct bench_input *in, unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		size_t at = 0;
		while (at < in->code_bytes) {
			struct mmiodec_insn insn;
			enum mmiodec_status status = mmiodec_decode(
				&insn, in->code + at, in->code_bytes - at, MMIODEC_MODE_64);
			bool valid = status == MMIODEC_OK || status == MMIODEC_NO_MEMORY ||
				     status == MMIODEC_UNSUPPORTED;
			at += valid && insn.length ? insn.length : 1;
			sum += status;
		}
		sum += at;
	}
	return sum;
}

static uint64_t run_sweep_zydis(const struct bench_input *in, unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		size_t at = 0;
		while (at < in->code_bytes) {
			ZydisDecodedInstruction zinsn;
			ZyanStatus status = ZydisDecoderDecodeInstruction(
				&in->zydis, NULL, in->code + at, in->code_bytes - at, &zinsn);
			at += ZYAN_SUCCESS(status) ? zinsn.length : 1;
			sum += ZYAN_SUCCESS(status);
		}
		sum += at;
	}
	return sum;
}

/* ---- figures ---- */

enum figure_kind { NS_PER_DECODE, MB_PER_SECOND };

struct figure {
	const char *name;
	run_fn *run;
	enum figure_kind kind;
	const char *callgrind_unit; /* what one unit of work is under callgrind */
	unsigned passes;
	double samples[MAX_REPS];
	double median, min, max;
};

enum {
	MIX_MMIODEC_DECODE,
	MIX_MMIODEC_ADDRESS,
	MIX_ZYDIS_FULL,
	MIX_ZYDIS_INSTRUCTION,
	SWEEP_MMIODEC,
	SWEEP_ZYDIS,
	FIGURE_COUNT
};

static struct figure figures[FIGURE_COUNT] = {
	[MIX_MMIODEC_DECODE] = { .name = "mmiodec_decode", .run = run_mix_mmiodec_decode,
				 .kind = NS_PER_DECODE, .callgrind_unit = "decode" },
	[MIX_MMIODEC_ADDRESS] = { .name = "mmiodec_decode + mmiodec_address",
				  .run = run_mix_mmiodec_address,
				  .kind = NS_PER_DECODE, .callgrind_unit = "decode" },
	[MIX_ZYDIS_FULL] = { .name = "ZydisDecoderDecodeFull", .run = run_mix_zydis_full,
			     .kind = NS_PER_DECODE, .callgrind_unit = "decode" },
	[MIX_ZYDIS_INSTRUCTION] = { .name = "ZydisDecoderDecodeInstruction",
				    .run = run_mix_zydis_instruction,
				    .kind = NS_PER_DECODE, .callgrind_unit = "decode" },
	[SWEEP_MMIODEC] = { .name = "mmiodec_decode", .run = run_sweep_mmiodec,
			    .kind = MB_PER_SECOND, .callgrind_unit = "byte" },
	[SWEEP_ZYDIS] = { .name = "ZydisDecoderDecodeInstruction", .run = run_sweep_zydis,
			  .kind = MB_PER_SECOND, .callgrind_unit = "byte" },
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Units of work in one pass: decodes for the mix, bytes for the sweep. */
static size_t work_per_pass(const struct figure *figure, const struct bench_input *in)
{
	return figure->kind == NS_PER_DECODE ? in->mix_count : in->code_bytes;
}

static double sample_value(const struct figure *figure, const struct bench_input *in,
			   uint64_t elapsed_ns)
{
	double work = (double)work_per_pass(figure, in) * figure->passes;
	if (elapsed_ns == 0)
		elapsed_ns = 1;
	if (figure->kind == NS_PER_DECODE)
		return (double)elapsed_ns / work;
	return work / (double)elapsed_ns * 1e3; /* bytes per ns * 1e9 / 1e6 */
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void summarize(struct figure *figure, unsigned reps)
{
	double sorted[MAX_REPS];
	memcpy(sorted, figure->samples, reps * sizeof(sorted[0]));
	qsort(sorted, reps, sizeof(sorted[0]), compare_doubles);
	figure->median = reps % 2 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
	figure->min = sorted[0];
	figure->max = sorted[reps - 1];
}

static uint64_t measure_all(const struct bench_input *in, const struct options *opt)
{
	uint64_t checksum = 0;

	/* A warm-up pass each, which also sizes the samples. */
	for (int f = 0; f < FIGURE_COUNT; f++) {
		struct figure *figure = &figures[f];
		uint64_t start = now_ns();
		checksum += figure->run(in, 1);
		double pass_ns = (double)(now_ns() - start);
		double passes = opt->target_ns / (pass_ns > 1 ? pass_ns : 1);
		figure->passes = passes < 1 ? 1 : passes > 1e6 ? 1000000 : (unsigned)passes;
	}

	for (unsigned rep = 0; rep < opt->reps; rep++) {
		for (int f = 0; f < FIGURE_COUNT; f++) {
			struct figure *figure = &figures[f];
			uint64_t start = now_ns();
			checksum += figure->run(in, figure->passes);
			figure->samples[rep] = sample_value(figure, in, now_ns() - start);
		}
	}
	for (int f = 0; f < FIGURE_COUNT; f++)
		summarize(&figures[f], opt->reps);
	return checksum;
}

/* ---- what the inputs are: untimed counts ---- */

struct census {
	size_t mmiodec_mix[MMIODEC_BAD_ARGUMENT + 1];   /* by status */
	size_t mmiodec_sweep[MMIODEC_BAD_ARGUMENT + 1]; /* by status */
	size_t zydis_sweep_valid, zydis_sweep_invalid;
	size_t same_boundaries; /* sweep instructions both decoders start at */
};

static void take_census(const struct bench_input *in, struct census *census)
{
	memset(census, 0, sizeof(*census));
	for (size_t i = 0; i < in->mix_count; i++) {
		struct mmiodec_insn insn;
		enum mmiodec_status status = mmiodec_decode(&insn, in->mix[i].bytes,
							    in->mix[i].length, MMIODEC_MODE_64);
		if (status <= MMIODEC_BAD_ARGUMENT)
			census->mmiodec_mix[status]++;
	}

	/* Walk both sweeps in step to see how often they agree on where an
	 * instruction starts. */
	size_t at_mmiodec = 0, at_zydis = 0;
	while (at_mmiodec < in->code_bytes || at_zydis < in->code_bytes) {
		if (at_mmiodec == at_zydis)
			census->same_boundaries++;
		if (at_mmiodec <= at_zydis && at_mmiodec < in->code_bytes) {
			struct mmiodec_insn insn;
			enum mmiodec_status status = mmiodec_decode(
				&insn, in->code + at_mmiodec, in->code_bytes - at_mmiodec,
				MMIODEC_MODE_64);
			if (status <= MMIODEC_BAD_ARGUMENT)
				census->mmiodec_sweep[status]++;
			bool valid = status == MMIODEC_OK || status == MMIODEC_NO_MEMORY ||
				     status == MMIODEC_UNSUPPORTED;
			at_mmiodec += valid && insn.length ? insn.length : 1;
		} else {
			ZydisDecodedInstruction zinsn;
			if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&in->zydis, NULL,
								       in->code + at_zydis,
								       in->code_bytes - at_zydis,
								       &zinsn))) {
				census->zydis_sweep_valid++;
				at_zydis += zinsn.length;
			} else {
				census->zydis_sweep_invalid++;
				at_zydis++;
			}
		}
	}
}

/* ---- report ---- */

static void print_figure(const struct figure *figure)
{
	const char *format = figure->kind == NS_PER_DECODE ? "  %-34s %9.2f %9.2f %9.2f %8u\n"
							   : "  %-34s %9.1f %9.1f %9.1f %8u\n";
	printf(format, figure->name, figure->median, figure->min, figure->max, figure->passes);
}

static void print_report(const struct bench_input *in, const struct options *opt,
			 const struct elf_corpus *corpus, size_t harvest_scanned,
			 const struct census *census, uint64_t checksum)
{
	printf("mmiodec-bench: 64-bit mode, %u repetition%s, figures are median min max\n",
	       opt->reps, opt->reps == 1 ? "" : "s");
	printf("input: %zu ELF files, %zu executable sections, %.2f MiB read;"
	       " harvest scanned %.2f MiB\n",
	       corpus->file_count, corpus->section_count, (double)corpus->code_bytes / MIB,
	       (double)harvest_scanned / MIB);
	printf("mix: %zu distinct MOV-family memory instructions; mmiodec: ok %zu,"
	       " unsupported %zu, no-memory %zu, invalid %zu, truncated %zu\n",
	       in->mix_count, census->mmiodec_mix[MMIODEC_OK],
	       census->mmiodec_mix[MMIODEC_UNSUPPORTED], census->mmiodec_mix[MMIODEC_NO_MEMORY],
	       census->mmiodec_mix[MMIODEC_INVALID], census->mmiodec_mix[MMIODEC_TRUNCATED]);
	printf("sweep: %.2f MiB; zydis: %zu instructions, %zu invalid bytes; mmiodec: ok %zu,"
	       " unsupported %zu, no-memory %zu, invalid %zu, truncated %zu;"
	       " instruction starts shared with zydis %zu of %zu\n",
	       (double)in->code_bytes / MIB, census->zydis_sweep_valid,
	       census->zydis_sweep_invalid, census->mmiodec_sweep[MMIODEC_OK],
	       census->mmiodec_sweep[MMIODEC_UNSUPPORTED], census->mmiodec_sweep[MMIODEC_NO_MEMORY],
	       census->mmiodec_sweep[MMIODEC_INVALID], census->mmiodec_sweep[MMIODEC_TRUNCATED],
	       census->same_boundaries, census->zydis_sweep_valid + census->zydis_sweep_invalid);
	printf("\n%-36s %9s %9s %9s %8s\n", "MMIO mix, ns per decode", "median", "min", "max",
	       "passes");
	for (int f = MIX_MMIODEC_DECODE; f <= MIX_ZYDIS_INSTRUCTION; f++)
		print_figure(&figures[f]);
	printf("%-36s %9s %9s %9s %8s\n", "sweep, MB/s (10^6 bytes)", "median", "min", "max",
	       "passes");
	for (int f = SWEEP_MMIODEC; f <= SWEEP_ZYDIS; f++)
		print_figure(&figures[f]);
	printf("\nchecksum %016" PRIx64 "\n", checksum);
	printf("speedup vs zydis: mmio-mix %.1fx, sweep %.1fx\n",
	       figures[MIX_ZYDIS_FULL].median / figures[MIX_MMIODEC_DECODE].median,
	       figures[SWEEP_MMIODEC].median / figures[SWEEP_ZYDIS].median);
}

/* ---- callgrind mode ---- */

/*
 * One run of each loop over a fixed amount of work, collected by callgrind
 * alone and dumped under a name that tells the script what to divide by:
 * "bench <figure> | <units> <unit>".
 */
static int run_callgrind(struct bench_input *in, const struct options *opt,
			 struct mix_insn *mix, size_t harvested)
{
#ifdef MMIODEC_BENCH_HAVE_CALLGRIND
	/* Exactly callgrind_decodes decodes: the harvest, repeated if short. */
	struct mix_insn *fixed = malloc(opt->callgrind_decodes * sizeof(*fixed));
	if (!fixed) {
		fprintf(stderr, "mmiodec-bench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < opt->callgrind_decodes; i++)
		fixed[i] = mix[i % harvested];
	in->mix = fixed;
	in->mix_count = opt->callgrind_decodes;

	uint64_t checksum = 0;
	CALLGRIND_START_INSTRUMENTATION;
	for (int f = 0; f < FIGURE_COUNT; f++) {
		const struct figure *figure = &figures[f];
		char name[128];
		snprintf(name, sizeof(name), "bench %s %s | %zu %s",
			 figure->kind == NS_PER_DECODE ? "mix" : "sweep", figure->name,
			 work_per_pass(figure, in), figure->callgrind_unit);
		checksum += figure->run(in, 1); /* binds lazy symbols, fills caches */
		CALLGRIND_ZERO_STATS;
		CALLGRIND_TOGGLE_COLLECT;
		checksum += figure->run(in, 1);
		CALLGRIND_TOGGLE_COLLECT;
		CALLGRIND_DUMP_STATS_AT(name);
		printf("%s\n", name);
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("checksum %016" PRIx64 "\n", checksum);
	free(fixed);
	return 0;
#else
	(void)in;
	(void)opt;
	(void)mix;
	(void)harvested;
	fprintf(stderr, "mmiodec-bench: built without valgrind/callgrind.h\n");
	return 1;
#endif
}

/* ---- options ---- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmiodec-bench [options]\n"
		"  --smoke            tiny inputs, one repetition, no calibration\n"
		"  --reps N           repetitions per figure (default 7, at most %d)\n"
		"  --max-bytes N      executable-section bytes to read (default 32M)\n"
		"  --sweep-bytes N    of which the sweep decodes (default 16M)\n"
		"  --max-harvest N    distinct MOV-family instructions to keep (default 200000)\n"
		"  --dir PATH         ELF file or directory to read (repeatable; default\n"
		"                     /usr/lib/x86_64-linux-gnu and /usr/bin)\n"
		"  --callgrind        no timing: a fixed number of decodes per decoder, for\n"
		"                     bench/callgrind.sh (defaults: --max-bytes 1M,\n"
		"                     --sweep-bytes 256K, --decodes 10000)\n"
		"  --decodes N        decodes per decoder in --callgrind mode\n"
		"sizes take a K, M or G suffix (powers of 1024)\n",
		MAX_REPS);
}

static bool parse_size(const char *text, size_t *value)
{
	char *end;
	errno = 0;
	unsigned long long number = strtoull(text, &end, 10);
	if (errno || end == text || text[0] == '-')
		return false;
	unsigned long long scale = 1;
	if (*end == 'K' || *end == 'k')
		scale = KIB;
	else if (*end == 'M' || *end == 'm')
		scale = MIB;
	else if (*end == 'G' || *end == 'g')
		scale = 1024 * MIB;
	if (scale != 1)
		end++;
	if (*end != '\0' || number > SIZE_MAX / scale)
		return false;
	*value = (size_t)(number * scale);
	return true;
}

static bool parse_options(int argc, char **argv, struct options *opt)
{
	*opt = (struct options){
		.reps = 7,
		.max_bytes = 32 * MIB,
		.sweep_bytes = 16 * MIB,
		.max_harvest = 200000,
		.target_ns = 50e6,
		.callgrind_decodes = 10000,
	};
	bool max_bytes_given = false, sweep_bytes_given = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		size_t number;
		if (strcmp(arg, "--smoke") == 0) {
			opt->smoke = true;
			opt->reps = 1;
			opt->max_bytes = 256 * KIB;
			opt->sweep_bytes = 256 * KIB;
			opt->max_harvest = 2000;
			opt->target_ns = 0;
			max_bytes_given = sweep_bytes_given = true;
			continue;
		}
		if (strcmp(arg, "--callgrind") == 0) {
			opt->callgrind = true;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (!value)
			goto bad;
		i++;
		if (strcmp(arg, "--dir") == 0) {
			if (opt->path_count == MAX_PATHS)
				goto bad;
			opt->paths[opt->path_count++] = value;
			continue;
		}
		if (!parse_size(value, &number))
			goto bad;
		if (strcmp(arg, "--reps") == 0 && number >= 1 && number <= MAX_REPS)
			opt->reps = (unsigned)number;
		else if (strcmp(arg, "--max-bytes") == 0 && number >= 1) {
			opt->max_bytes = number;
			max_bytes_given = true;
		} else if (strcmp(arg, "--sweep-bytes") == 0 && number >= 1) {
			opt->sweep_bytes = number;
			sweep_bytes_given = true;
		} else if (strcmp(arg, "--max-harvest") == 0 && number >= 1 && number < UINT32_MAX / 4)
			opt->max_harvest = number;
		else if (strcmp(arg, "--decodes") == 0 && number >= 1)
			opt->callgrind_decodes = number;
		else
			goto bad;
		continue;
bad:
		fprintf(stderr, "mmiodec-bench: bad option or value: %s%s%s\n", arg,
			value ? " " : "", value ? value : "");
		usage(stderr);
		return false;
	}
	if (opt->callgrind && !max_bytes_given)
		opt->max_bytes = 1 * MIB;
	if (opt->callgrind && !sweep_bytes_given)
		opt->sweep_bytes = 256 * KIB;
	/* At least 16 files, when there are that many. */
	opt->per_file_max = opt->max_bytes / 16 > 64 * KIB ? opt->max_bytes / 16 : 64 * KIB;
	if (opt->path_count == 0) {
		opt->paths[opt->path_count++] = "/usr/lib/x86_64-linux-gnu";
		opt->paths[opt->path_count++] = "/usr/bin";
	}
	return true;
}

int main(int argc, char **argv)
{
	struct options opt;
	if (!parse_options(argc, argv, &opt))
		return 2;

	struct bench_input in = { 0 };
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&in.zydis, ZYDIS_MACHINE_MODE_LONG_64,
					   ZYDIS_STACK_WIDTH_64))) {
		fprintf(stderr, "mmiodec-bench: ZydisDecoderInit failed\n");
		return 1;
	}
	uint64_t seed = 0x7265676973746572ull; /* "register" */
	for (int r = 0; r < 16; r++)
		in.regs.gpr[r] = next_random(&seed);
	in.regs.rip = next_random(&seed);
	in.regs.rflags = 0x2;
	for (int s = 0; s < 6; s++)
		in.regs.seg_base[s] = next_random(&seed);

	struct elf_corpus corpus;
	struct mix_insn *mix = malloc(opt.max_harvest * sizeof(*mix));
	if (!mix || elf_corpus_collect(&corpus, opt.paths, opt.path_count, opt.max_bytes,
				       opt.per_file_max) != 0) {
		fprintf(stderr, "mmiodec-bench: out of memory\n");
		return 1;
	}
	size_t harvest_scanned;
	size_t harvested = harvest(&corpus, &in.zydis, mix, opt.max_harvest, &harvest_scanned);
	if (harvested == 0) {
		fprintf(stderr, "mmiodec-bench: no MOV-family instructions found in %zu bytes"
				" of x86-64 ELF code\n", corpus.code_bytes);
		return opt.smoke ? 77 : 1; /* 77: skipped, for meson test */
	}
	in.mix = mix;
	in.mix_count = harvested;
	in.code = corpus.code;
	in.code_bytes = corpus.code_bytes < opt.sweep_bytes ? corpus.code_bytes : opt.sweep_bytes;

	int result = 0;
	if (opt.callgrind) {
		printf("mmiodec-bench --callgrind: %zu distinct MOV-family instructions from"
		       " %.2f MiB; %zu decodes per decoder; sweep %.2f MiB\n",
		       harvested, (double)corpus.code_bytes / MIB, opt.callgrind_decodes,
		       (double)in.code_bytes / MIB);
		result = run_callgrind(&in, &opt, mix, harvested);
	} else {
		struct census census;
		take_census(&in, &census);
		uint64_t checksum = measure_all(&in, &opt);
		print_report(&in, &opt, &corpus, harvest_scanned, &census, checksum);
	}
	free(mix);
	elf_corpus_free(&corpus);
	return result;
}
