/* SPDX-License-Identifier: MIT */
/*
 * mmiodec-bench: mmiodec against Zydis, in one process, on the same inputs.
 *
 * 1. MOV mix: the MOV-family memory instructions found in real binaries
 *    (selected with Zydis, deduplicated, shuffled with a fixed seed),
 *    decoded one by one: ns per decode.
 * 2. ALU mix: the same for the other supported forms (tier 2 and 3:
 *    ALU, TEST, NOT/NEG, MUL/DIV, INC/DEC, XCHG, CMPXCHG, XADD, BT*,
 *    shifts, SETcc, CMOVcc, MOVBE, the vector moves, the portal stores):
 *    memory-operand instructions whose Zydis mnemonic is one of
 *    src/forms.h's ops beyond the MOV family.
 * 3. Sweep: linear decoding of whole executable sections: MB/s.
 * 4. The floor (floor.c): the leanest table-driven decode of the MOV
 *    family we could write, on the MOV mix, with and without the API's
 *    argument checks; checked against mmiodec_decode() first.
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
#include "floor.h"
/* MMIODEC_OPS and MMIODEC_CONDITIONS: the ops and their Zydis mnemonics. */
#include "../src/forms.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)
#define MAX_REPS 101
#define MAX_PATHS 16

struct options {
	unsigned reps;
	size_t max_bytes;      /* executable-section bytes read from the files */
	size_t sweep_bytes;    /* of which the sweep decodes the first ones */
	size_t max_harvest;    /* distinct instructions kept per mix */
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

/* The instructions of one mix, decoded one by one. */
struct mix {
	const struct mix_insn *insns;
	size_t count;
};

struct bench_input {
	struct mix mov_mix;    /* the MOV family */
	struct mix alu_mix;    /* the other supported forms (tier 2 and 3) */
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
 * The ALU mix's instructions, by Zydis mnemonic, from src/forms.h: every op
 * of MMIODEC_OPS after the MOV family (enum mmiodec_op lists the MOV
 * family, MOV to LODS, first; the MOV mix takes those), for SETcc and
 * CMOVcc the stem with each condition's name. A name Zydis does not know
 * is a mistake in one of the two: the bench refuses to run.
 */
#define OP_MNEMONIC(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
static const char *const op_mnemonics[MMIODEC_OP_COUNT] = { MMIODEC_OPS(OP_MNEMONIC) };
#undef OP_MNEMONIC
#define OP_KIND(op, mnemonic, kind) [MMIODEC_OP_##op] = kind,
static const int op_kinds[MMIODEC_OP_COUNT] = { MMIODEC_OPS(OP_KIND) };
#undef OP_KIND
#define CONDITION_NAME(name) name,
static const char *const condition_names[] = { MMIODEC_CONDITIONS(CONDITION_NAME) };
#undef CONDITION_NAME

/* By ZydisMnemonic: the enum mmiodec_op of an ALU-mix mnemonic, else 0. */
static uint8_t alu_mix_op[ZYDIS_MNEMONIC_MAX_VALUE + 1];

static bool set_alu_mix_mnemonic(const char *name, enum mmiodec_op op)
{
	for (int m = 1; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
		const char *zydis_name = ZydisMnemonicGetString((ZydisMnemonic)m);
		if (zydis_name && strcmp(zydis_name, name) == 0) {
			alu_mix_op[m] = (uint8_t)op;
			return true;
		}
	}
	fprintf(stderr, "mmiodec-bench: src/forms.h names \"%s\", which Zydis does not know\n",
		name);
	return false;
}

static bool init_alu_mix_mnemonics(void)
{
	bool ok = true;
	for (int op = MMIODEC_OP_LODS + 1; op < MMIODEC_OP_COUNT; op++) {
		const char *stem = op_mnemonics[op];
		if (!stem)
			continue;
		if (op_kinds[op] == OK_SET || op_kinds[op] == OK_CMOVE) {
			for (size_t c = 0; c < sizeof(condition_names) / sizeof(condition_names[0]); c++) {
				char name[32];
				snprintf(name, sizeof(name), "%s%s", stem, condition_names[c]);
				ok = set_alu_mix_mnemonic(name, (enum mmiodec_op)op) && ok;
			}
		} else {
			ok = set_alu_mix_mnemonic(stem, (enum mmiodec_op)op) && ok;
		}
	}
	return ok;
}

/* Every ALU-mix form has a ModRM memory operand (tier 2 and 3 have no
 * moffs or string forms); a MOV-family instruction never gets here. */
static bool is_alu_mix_memory_access(const ZydisDecodedInstruction *zinsn)
{
	return alu_mix_op[zinsn->mnemonic] != 0 && (zinsn->attributes & ZYDIS_ATTRIB_HAS_MODRM) &&
	       zinsn->raw.modrm.mod != 3;
}

/* A mix being harvested. */
struct harvest_mix {
	struct mix_insn *insns;
	size_t count;
	struct harvest_set set;
};

/* Adds the instruction at `code` to `mix` unless it is there or the mix is
 * full. */
static void harvest_add(struct harvest_mix *mix, size_t max_harvest, const uint8_t *code,
			unsigned length)
{
	if (mix->count == max_harvest)
		return;
	struct mix_insn *insn = &mix->insns[mix->count];
	memset(insn, 0, sizeof(*insn));
	memcpy(insn->bytes, code, length);
	insn->length = (uint8_t)length;
	if (harvest_set_add(&mix->set, mix->insns, mix->count))
		mix->count++;
}

static void shuffle(struct mix_insn *insns, size_t count)
{
	uint64_t seed = 0x6d6d696f646563ull; /* "mmiodec" */
	for (size_t i = count; i > 1; i--) {
		size_t j = (size_t)(next_random(&seed) % i);
		struct mix_insn swap = insns[i - 1];
		insns[i - 1] = insns[j];
		insns[j] = swap;
	}
}

/*
 * Linear-sweep every section with Zydis and keep each distinct MOV-family
 * memory access in mov_mix and each distinct ALU-mix one in alu_mix, up to
 * max_harvest each, until both are full; then shuffle each (the same fixed
 * seed for both). Sets their counts.
 */
static void harvest(const struct elf_corpus *corpus, const ZydisDecoder *zydis,
		    struct mix_insn *mov_insns, struct mix_insn *alu_insns, size_t max_harvest,
		    struct mix *mov_mix, struct mix *alu_mix, size_t *bytes_scanned)
{
	struct harvest_mix mixes[2] = { { .insns = mov_insns }, { .insns = alu_insns } };
	size_t slot_count = 1024;
	while (slot_count < 2 * max_harvest)
		slot_count *= 2;
	for (int m = 0; m < 2; m++) {
		mixes[m].set.slots = calloc(slot_count, sizeof(*mixes[m].set.slots));
		mixes[m].set.mask = slot_count - 1;
		if (!mixes[m].set.slots) {
			fprintf(stderr, "mmiodec-bench: out of memory\n");
			exit(1);
		}
	}

	*bytes_scanned = 0;
	for (size_t s = 0; s < corpus->section_count; s++) {
		const uint8_t *code = corpus->code + corpus->sections[s].start;
		size_t length = corpus->sections[s].length;
		size_t at = 0;
		while (at < length &&
		       (mixes[0].count < max_harvest || mixes[1].count < max_harvest)) {
			ZydisDecodedInstruction zinsn;
			if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(zydis, NULL, code + at,
									 length - at, &zinsn))) {
				at++;
				continue;
			}
			if (is_mov_family_memory_access(&zinsn))
				harvest_add(&mixes[0], max_harvest, code + at, zinsn.length);
			else if (is_alu_mix_memory_access(&zinsn))
				harvest_add(&mixes[1], max_harvest, code + at, zinsn.length);
			at += zinsn.length;
		}
		*bytes_scanned += at;
		if (at < length)
			break; /* both full */
	}
	for (int m = 0; m < 2; m++) {
		free(mixes[m].set.slots);
		shuffle(mixes[m].insns, mixes[m].count);
	}
	*mov_mix = (struct mix){ .insns = mov_insns, .count = mixes[0].count };
	*alu_mix = (struct mix){ .insns = alu_insns, .count = mixes[1].count };
}

/* ---- the measured loops: each returns a checksum of what it decoded ---- */

/* `mix`: what a mix loop decodes (the sweeps decode in->code). */
typedef uint64_t run_fn(const struct bench_input *in, const struct mix *mix, unsigned passes);

/* What a mix loop keeps of a descriptor, so that the decode is not
 * optimised away: the same for every decoder that fills one. */
static uint64_t descriptor_checksum(const struct mmiodec_insn *insn)
{
	return insn->status + insn->length + insn->width + (uint64_t)insn->mem[0].displacement;
}

static uint64_t run_mix_mmiodec_decode(const struct bench_input *in, const struct mix *mix,
				       unsigned passes)
{
	(void)in;
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < mix->count; i++) {
			struct mmiodec_insn insn;
			mmiodec_decode(&insn, mix->insns[i].bytes, mix->insns[i].length,
				       MMIODEC_MODE_64);
			sum += descriptor_checksum(&insn);
		}
	}
	return sum;
}

/* floor.c's decode, checked or not: what it does not take costs it next
 * to nothing (the bench prints how much of the mix it takes: 99.9%). */
static uint64_t run_mix_floor(const struct mix *mix, unsigned passes, bool checked)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < mix->count; i++) {
			struct mmiodec_insn insn;
			bool taken = checked ? floor_decode(&insn, mix->insns[i].bytes,
							    mix->insns[i].length, MMIODEC_MODE_64,
							    MMIODEC_VENDOR_ANY)
					     : floor_decode_unchecked(&insn, mix->insns[i].bytes,
								      mix->insns[i].length,
								      MMIODEC_MODE_64,
								      MMIODEC_VENDOR_ANY);
			if (taken)
				sum += descriptor_checksum(&insn);
		}
	}
	return sum;
}

static uint64_t run_mix_floor_decode(const struct bench_input *in, const struct mix *mix,
				     unsigned passes)
{
	(void)in;
	return run_mix_floor(mix, passes, true);
}

static uint64_t run_mix_floor_unchecked(const struct bench_input *in, const struct mix *mix,
					unsigned passes)
{
	(void)in;
	return run_mix_floor(mix, passes, false);
}

static uint64_t run_mix_mmiodec_address(const struct bench_input *in, const struct mix *mix,
					unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < mix->count; i++) {
			struct mmiodec_insn insn;
			if (mmiodec_decode(&insn, mix->insns[i].bytes, mix->insns[i].length,
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

static uint64_t run_mix_zydis_full(const struct bench_input *in, const struct mix *mix,
				   unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < mix->count; i++) {
			/* Aligned, so that the instructions Zydis's memset of
			 * them takes do not vary with the stack's address (with
			 * the size of the environment, under callgrind). */
			_Alignas(64) ZydisDecodedInstruction zinsn;
			_Alignas(64) ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
			ZyanStatus status = ZydisDecoderDecodeFull(&in->zydis, mix->insns[i].bytes,
								   mix->insns[i].length, &zinsn,
								   operands);
			if (ZYAN_SUCCESS(status))
				sum += zinsn.length + zinsn.operand_count +
				       (uint64_t)operands[0].mem.disp.value;
			else
				sum += status;
		}
	}
	return sum;
}

static uint64_t run_mix_zydis_instruction(const struct bench_input *in, const struct mix *mix,
					  unsigned passes)
{
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < mix->count; i++) {
			ZydisDecodedInstruction zinsn;
			ZyanStatus status = ZydisDecoderDecodeInstruction(
				&in->zydis, NULL, mix->insns[i].bytes, mix->insns[i].length, &zinsn);
			sum += ZYAN_SUCCESS(status) ? zinsn.length + zinsn.raw.disp.value : status;
		}
	}
	return sum;
}

/* Both sweeps step over what their decoder gives a length for and by one
 * byte past anything else. */
static bool sweep_steps_over(enum mmiodec_status status)
{
	/* VENDOR_DEPENDENT has a length where Intel and AMD agree on it
	 * (VMREAD, VMCALL... have none: the vendors disagree on them). */
	return status == MMIODEC_OK || status == MMIODEC_NO_MEMORY ||
	       status == MMIODEC_UNSUPPORTED || status == MMIODEC_VENDOR_DEPENDENT;
}

static uint64_t run_sweep_mmiodec(const struct bench_input *in, const struct mix *mix,
				  unsigned passes)
{
	(void)mix;
	uint64_t sum = 0;
	for (unsigned p = 0; p < passes; p++) {
		size_t at = 0;
		while (at < in->code_bytes) {
			struct mmiodec_insn insn;
			enum mmiodec_status status = mmiodec_decode(
				&insn, in->code + at, in->code_bytes - at, MMIODEC_MODE_64);
			at += sweep_steps_over(status) && insn.length ? insn.length : 1;
			sum += status;
		}
		sum += at;
	}
	return sum;
}

static uint64_t run_sweep_zydis(const struct bench_input *in, const struct mix *mix,
				unsigned passes)
{
	(void)mix;
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
enum figure_input { MOV_MIX, ALU_MIX, SWEEP };

struct figure {
	const char *name;
	run_fn *run;
	enum figure_input input;
	enum figure_kind kind;
	const char *callgrind_unit; /* what one unit of work is under callgrind */
	unsigned passes;
	double samples[MAX_REPS];
	double median, min, max;
};

enum {
	MOV_MMIODEC_DECODE,
	MOV_MMIODEC_ADDRESS,
	MOV_ZYDIS_FULL,
	MOV_ZYDIS_INSTRUCTION,
	MOV_FLOOR,
	MOV_FLOOR_UNCHECKED,
	ALU_MMIODEC_DECODE,
	ALU_ZYDIS_FULL,
	SWEEP_MMIODEC,
	SWEEP_ZYDIS,
	FIGURE_COUNT
};

#define MIX_FIGURE(in, fn) .input = in, .run = fn, .kind = NS_PER_DECODE, .callgrind_unit = "decode"
#define SWEEP_FIGURE(fn) .input = SWEEP, .run = fn, .kind = MB_PER_SECOND, .callgrind_unit = "byte"
static struct figure figures[FIGURE_COUNT] = {
	[MOV_MMIODEC_DECODE] = { .name = "mmiodec_decode",
				 MIX_FIGURE(MOV_MIX, run_mix_mmiodec_decode) },
	[MOV_MMIODEC_ADDRESS] = { .name = "mmiodec_decode + mmiodec_address",
				  MIX_FIGURE(MOV_MIX, run_mix_mmiodec_address) },
	[MOV_ZYDIS_FULL] = { .name = "ZydisDecoderDecodeFull",
			     MIX_FIGURE(MOV_MIX, run_mix_zydis_full) },
	[MOV_ZYDIS_INSTRUCTION] = { .name = "ZydisDecoderDecodeInstruction",
				    MIX_FIGURE(MOV_MIX, run_mix_zydis_instruction) },
	[MOV_FLOOR] = { .name = "floor_decode", MIX_FIGURE(MOV_MIX, run_mix_floor_decode) },
	[MOV_FLOOR_UNCHECKED] = { .name = "floor_decode_unchecked",
				  MIX_FIGURE(MOV_MIX, run_mix_floor_unchecked) },
	[ALU_MMIODEC_DECODE] = { .name = "mmiodec_decode",
				 MIX_FIGURE(ALU_MIX, run_mix_mmiodec_decode) },
	[ALU_ZYDIS_FULL] = { .name = "ZydisDecoderDecodeFull",
			     MIX_FIGURE(ALU_MIX, run_mix_zydis_full) },
	[SWEEP_MMIODEC] = { .name = "mmiodec_decode", SWEEP_FIGURE(run_sweep_mmiodec) },
	[SWEEP_ZYDIS] = { .name = "ZydisDecoderDecodeInstruction", SWEEP_FIGURE(run_sweep_zydis) },
};
#undef MIX_FIGURE
#undef SWEEP_FIGURE

/* The figure's input as bench/callgrind.sh names it. */
static const char *const input_names[] = {
	[MOV_MIX] = "mov-mix",
	[ALU_MIX] = "alu-mix",
	[SWEEP] = "sweep",
};

static const struct mix *figure_mix(const struct figure *figure, const struct bench_input *in)
{
	return figure->input == ALU_MIX ? &in->alu_mix : &in->mov_mix;
}

static uint64_t run_figure(const struct figure *figure, const struct bench_input *in,
			   unsigned passes)
{
	return figure->run(in, figure_mix(figure, in), passes);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Units of work in one pass: decodes for a mix, bytes for the sweep. */
static size_t work_per_pass(const struct figure *figure, const struct bench_input *in)
{
	return figure->input == SWEEP ? in->code_bytes : figure_mix(figure, in)->count;
}

static double sample_value(const struct figure *figure, const struct bench_input *in,
			   uint64_t elapsed_ns)
{
	double work = (double)work_per_pass(figure, in) * figure->passes;
	if (elapsed_ns == 0)
		elapsed_ns = 1;
	if (work == 0)
		return 0; /* an empty mix */
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
		checksum += run_figure(figure, in, 1);
		double pass_ns = (double)(now_ns() - start);
		double passes = opt->target_ns / (pass_ns > 1 ? pass_ns : 1);
		figure->passes = passes < 1 ? 1 : passes > 1e6 ? 1000000 : (unsigned)passes;
	}

	for (unsigned rep = 0; rep < opt->reps; rep++) {
		for (int f = 0; f < FIGURE_COUNT; f++) {
			struct figure *figure = &figures[f];
			uint64_t start = now_ns();
			checksum += run_figure(figure, in, figure->passes);
			figure->samples[rep] = sample_value(figure, in, now_ns() - start);
		}
	}
	for (int f = 0; f < FIGURE_COUNT; f++)
		summarize(&figures[f], opt->reps);
	return checksum;
}

/* ---- what the inputs are: untimed counts ---- */

struct census {
	size_t mmiodec_mix[2][MMIODEC_VENDOR_DEPENDENT + 1]; /* MOV_MIX, ALU_MIX; by status */
	size_t mmiodec_sweep[MMIODEC_VENDOR_DEPENDENT + 1]; /* by status */
	size_t alu_ops;         /* distinct ops in the ALU mix (per Zydis) */
	size_t zydis_sweep_valid, zydis_sweep_invalid;
	size_t same_boundaries; /* sweep instructions both decoders start at */
};

static void take_census(const struct bench_input *in, struct census *census)
{
	memset(census, 0, sizeof(*census));
	for (int m = MOV_MIX; m <= ALU_MIX; m++) {
		const struct mix *mix = m == MOV_MIX ? &in->mov_mix : &in->alu_mix;
		for (size_t i = 0; i < mix->count; i++) {
			struct mmiodec_insn insn;
			enum mmiodec_status status = mmiodec_decode(
				&insn, mix->insns[i].bytes, mix->insns[i].length, MMIODEC_MODE_64);
			if (status <= MMIODEC_VENDOR_DEPENDENT)
				census->mmiodec_mix[m][status]++;
		}
	}
	bool op_seen[MMIODEC_OP_COUNT] = { false };
	for (size_t i = 0; i < in->alu_mix.count; i++) {
		ZydisDecodedInstruction zinsn;
		if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&in->zydis, NULL,
							       in->alu_mix.insns[i].bytes,
							       in->alu_mix.insns[i].length, &zinsn)) &&
		    !op_seen[alu_mix_op[zinsn.mnemonic]]) {
			op_seen[alu_mix_op[zinsn.mnemonic]] = true;
			census->alu_ops++;
		}
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
			if (status <= MMIODEC_VENDOR_DEPENDENT)
				census->mmiodec_sweep[status]++;
			at_mmiodec += sweep_steps_over(status) && insn.length ? insn.length : 1;
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

/*
 * Whether floor.c decodes `bytes` as mmiodec_decode() does: the same
 * descriptor, byte for byte, or (with `must_take`) neither takes them.
 * Sets *taken to whether floor.c took them.
 */
static bool floor_agrees(const uint8_t *bytes, size_t length, bool must_take, bool *taken)
{
	struct mmiodec_insn floor, insn;
	enum mmiodec_status status = mmiodec_decode(&insn, bytes, length, MMIODEC_MODE_64);
	*taken = floor_decode(&floor, bytes, length, MMIODEC_MODE_64, MMIODEC_VENDOR_ANY);
	if (*taken ? memcmp(&floor, &insn, sizeof(insn)) == 0
		   : !must_take || status != MMIODEC_OK)
		return true;
	fprintf(stderr, "mmiodec-bench: floor.c %s", *taken ? "decodes" : "does not take");
	for (size_t b = 0; b < length; b++)
		fprintf(stderr, " %02x", bytes[b]);
	fprintf(stderr, "%s\n", *taken ? " unlike mmiodec_decode" : ", which mmiodec_decode does");
	return false;
}

/*
 * floor.c against mmiodec_decode(): on every ModRM and SIB of its opcodes
 * after each of a few prefix runs (it must take exactly what decodes as
 * OK), then on the MOV mix, counting what it takes there. Returns false
 * (and says why) if it is not the same decode.
 */
static bool floor_census(const struct mix *mix, size_t *taken)
{
	static const uint8_t opcodes[][2] = {
		{ 0x88 }, { 0x89 }, { 0x8A }, { 0x8B }, { 0xC6 }, { 0xC7 }, { 0x63 },
		{ 0x0F, 0xB6 }, { 0x0F, 0xB7 }, { 0x0F, 0xBE }, { 0x0F, 0xBF },
	};
	static const uint8_t prefix_runs[][3] = {
		{ 0 }, { 1, 0x66 }, { 1, 0x64 }, { 2, 0x65, 0x66 }, { 2, 0x64, 0x3E }, { 2, 0x64, 0x65 },
	};
	static const uint8_t rexes[] = { 0, 0x40, 0x41, 0x42, 0x44, 0x48, 0x4F };
	bool took;

	if (!floor_init()) {
		fprintf(stderr, "mmiodec-bench: floor.c: a template is not what it expects\n");
		return false;
	}
	for (size_t o = 0; o < sizeof(opcodes) / sizeof(opcodes[0]); o++)
	for (size_t r = 0; r < sizeof(prefix_runs) / sizeof(prefix_runs[0]); r++)
	for (size_t x = 0; x < sizeof(rexes); x++)
	for (unsigned modrm = 0; modrm < 0xC0; modrm++)
	for (unsigned sib = 0; sib < ((modrm & 7) == 4 ? 256u : 1u); sib++) {
		uint8_t bytes[MMIODEC_MAX_LENGTH];
		size_t n = 0;
		for (unsigned i = 0; i < prefix_runs[r][0]; i++)
			bytes[n++] = prefix_runs[r][1 + i];
		if (rexes[x])
			bytes[n++] = rexes[x];
		bytes[n++] = opcodes[o][0];
		if (opcodes[o][1])
			bytes[n++] = opcodes[o][1];
		bytes[n++] = (uint8_t)modrm;
		if ((modrm & 7) == 4)
			bytes[n++] = (uint8_t)sib;
		/* displacement and immediate bytes with their top bits set */
		for (; n < MMIODEC_MAX_LENGTH; n++)
			bytes[n] = (uint8_t)(0x80 + 0x11 * n);
		if (!floor_agrees(bytes, n, true, &took))
			return false;
	}
	*taken = 0;
	for (size_t i = 0; i < mix->count; i++) {
		if (!floor_agrees(mix->insns[i].bytes, mix->insns[i].length, false, &took))
			return false;
		*taken += took;
	}
	return true;
}

/* ---- report ---- */

static void print_floor_census(const struct mix *mov_mix, size_t taken)
{
	printf("floor (bench/floor.c): takes %zu of the %zu MOV-mix instructions, each"
	       " decoded as mmiodec_decode does\n", taken, mov_mix->count);
}

static void print_corpus_paths(const struct options *opt)
{
	printf("corpus:");
	for (size_t i = 0; i < opt->path_count; i++)
		printf(" %s", opt->paths[i]);
	printf("\n");
}

/* "Zydis 4.0.0", from the library linked in. */
static const char *zydis_version(void)
{
	static char text[32];
	ZyanU64 version = ZydisGetVersion();
	snprintf(text, sizeof(text), "Zydis %u.%u.%u", (unsigned)ZYDIS_VERSION_MAJOR(version),
		 (unsigned)ZYDIS_VERSION_MINOR(version), (unsigned)ZYDIS_VERSION_PATCH(version));
	return text;
}

static void print_figure(const struct figure *figure)
{
	const char *format = figure->kind == NS_PER_DECODE ? "  %-34s %9.2f %9.2f %9.2f %8u\n"
							   : "  %-34s %9.1f %9.1f %9.1f %8u\n";
	printf(format, figure->name, figure->median, figure->min, figure->max, figure->passes);
}

static void print_mix_census(const char *what, size_t count, const size_t *by_status)
{
	printf("%s: %zu; mmiodec: ok %zu, unsupported %zu, no-memory %zu, invalid %zu,"
	       " truncated %zu, vendor-dependent %zu\n",
	       what, count, by_status[MMIODEC_OK], by_status[MMIODEC_UNSUPPORTED],
	       by_status[MMIODEC_NO_MEMORY], by_status[MMIODEC_INVALID],
	       by_status[MMIODEC_TRUNCATED], by_status[MMIODEC_VENDOR_DEPENDENT]);
}

/* The median ratio a/b, or 0 when b is 0 (an empty mix). */
static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void print_report(const struct bench_input *in, const struct options *opt,
			 const struct elf_corpus *corpus, size_t harvest_scanned,
			 const struct census *census, uint64_t checksum)
{
	printf("mmiodec-bench: 64-bit mode, %u repetition%s, figures are median min max; %s\n",
	       opt->reps, opt->reps == 1 ? "" : "s", zydis_version());
	print_corpus_paths(opt);
	printf("input: %zu ELF files, %zu executable sections, %.2f MiB read;"
	       " harvest scanned %.2f MiB\n",
	       corpus->file_count, corpus->section_count, (double)corpus->code_bytes / MIB,
	       (double)harvest_scanned / MIB);
	print_mix_census("MOV mix: distinct MOV-family memory instructions", in->mov_mix.count,
			 census->mmiodec_mix[MOV_MIX]);
	char what[96];
	snprintf(what, sizeof(what), "ALU mix: distinct tier-2/3 memory instructions (%zu ops)",
		 census->alu_ops);
	print_mix_census(what, in->alu_mix.count, census->mmiodec_mix[ALU_MIX]);
	printf("sweep: %.2f MiB; zydis: %zu instructions, %zu invalid bytes; ",
	       (double)in->code_bytes / MIB, census->zydis_sweep_valid,
	       census->zydis_sweep_invalid);
	print_mix_census("mmiodec decodes", census->mmiodec_sweep[MMIODEC_OK] +
			 census->mmiodec_sweep[MMIODEC_NO_MEMORY] +
			 census->mmiodec_sweep[MMIODEC_UNSUPPORTED] +
			 census->mmiodec_sweep[MMIODEC_INVALID] +
			 census->mmiodec_sweep[MMIODEC_TRUNCATED] +
			 census->mmiodec_sweep[MMIODEC_VENDOR_DEPENDENT], census->mmiodec_sweep);
	printf("sweep: instruction starts shared with zydis %zu of %zu\n", census->same_boundaries,
	       census->zydis_sweep_valid + census->zydis_sweep_invalid);
	printf("\n%-36s %9s %9s %9s %8s\n", "MOV mix, ns per decode", "median", "min", "max",
	       "passes");
	for (int f = MOV_MMIODEC_DECODE; f <= MOV_FLOOR_UNCHECKED; f++)
		print_figure(&figures[f]);
	printf("%-36s %9s %9s %9s %8s\n", "ALU mix, ns per decode", "median", "min", "max",
	       "passes");
	for (int f = ALU_MMIODEC_DECODE; f <= ALU_ZYDIS_FULL; f++)
		print_figure(&figures[f]);
	printf("%-36s %9s %9s %9s %8s\n", "sweep, MB/s (10^6 bytes)", "median", "min", "max",
	       "passes");
	for (int f = SWEEP_MMIODEC; f <= SWEEP_ZYDIS; f++)
		print_figure(&figures[f]);
	printf("\nchecksum %016" PRIx64 "\n", checksum);
	printf("speedup vs zydis: mov-mix %.1fx, alu-mix %.1fx, sweep %.1fx\n",
	       ratio(figures[MOV_ZYDIS_FULL].median, figures[MOV_MMIODEC_DECODE].median),
	       ratio(figures[ALU_ZYDIS_FULL].median, figures[ALU_MMIODEC_DECODE].median),
	       ratio(figures[SWEEP_MMIODEC].median, figures[SWEEP_ZYDIS].median));
}

/* ---- callgrind mode ---- */

#ifdef MMIODEC_BENCH_HAVE_CALLGRIND
/* Exactly `decodes` instructions: the mix, repeated if short (none if it
 * is empty). Returns NULL when out of memory. */
static struct mix_insn *fixed_mix(const struct mix *mix, size_t decodes, struct mix *fixed)
{
	struct mix_insn *insns = malloc(decodes * sizeof(*insns));
	if (!insns)
		return NULL;
	for (size_t i = 0; i < decodes && mix->count > 0; i++)
		insns[i] = mix->insns[i % mix->count];
	*fixed = (struct mix){ .insns = insns, .count = mix->count > 0 ? decodes : 0 };
	return insns;
}
#endif

/*
 * One run of each loop over a fixed amount of work, collected by callgrind
 * alone and dumped under a name that tells the script what to divide by:
 * "bench <mov-mix|alu-mix|sweep> <figure> | <units> <unit>". An empty mix
 * is left out.
 */
static int run_callgrind(struct bench_input *in, const struct options *opt)
{
#ifdef MMIODEC_BENCH_HAVE_CALLGRIND
	struct mix_insn *mov = fixed_mix(&in->mov_mix, opt->callgrind_decodes, &in->mov_mix);
	struct mix_insn *alu = fixed_mix(&in->alu_mix, opt->callgrind_decodes, &in->alu_mix);
	if (!mov || !alu) {
		fprintf(stderr, "mmiodec-bench: out of memory\n");
		return 1;
	}

	uint64_t checksum = 0;
	CALLGRIND_START_INSTRUMENTATION;
	for (int f = 0; f < FIGURE_COUNT; f++) {
		const struct figure *figure = &figures[f];
		if (work_per_pass(figure, in) == 0)
			continue;
		char name[128];
		snprintf(name, sizeof(name), "bench %s %s | %zu %s", input_names[figure->input],
			 figure->name, work_per_pass(figure, in), figure->callgrind_unit);
		checksum += run_figure(figure, in, 1); /* binds lazy symbols, fills caches */
		CALLGRIND_ZERO_STATS;
		CALLGRIND_TOGGLE_COLLECT;
		checksum += run_figure(figure, in, 1);
		CALLGRIND_TOGGLE_COLLECT;
		CALLGRIND_DUMP_STATS_AT(name);
		printf("%s\n", name);
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("checksum %016" PRIx64 "\n", checksum);
	free(mov);
	free(alu);
	return 0;
#else
	(void)in;
	(void)opt;
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
		"  --max-harvest N    distinct instructions to keep per mix (default 200000)\n"
		"  --dir PATH         ELF file or directory to read (repeatable; default\n"
		"                     /usr/lib/x86_64-linux-gnu and /usr/bin); executables,\n"
		"                     shared objects and relocatable objects (.o, .ko)\n"
		"  --callgrind        no timing: a fixed number of decodes per decoder, for\n"
		"                     bench/callgrind.sh (defaults: --max-bytes 1M,\n"
		"                     --sweep-bytes 256K, --decodes 10000)\n"
		"  --decodes N        decodes per decoder in --callgrind mode\n"
		"sizes take a K, M or G suffix (powers of 1024)\n"
		"figures: MOV mix (MOV-family memory instructions), ALU mix (memory\n"
		"instructions of the other forms of src/forms.h), sweep (whole sections)\n"
		"kernel modules as the corpus (Debian's linux-image package, downloaded\n"
		"with apt-get and unpacked into DIR; see bench/kernel-corpus.sh):\n"
		"  mmiodec-bench --dir \"$(bench/kernel-corpus.sh DIR)\"\n",
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
	if (!init_alu_mix_mnemonics())
		return 1;

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
	struct mix_insn *mov_insns = malloc(opt.max_harvest * sizeof(*mov_insns));
	struct mix_insn *alu_insns = malloc(opt.max_harvest * sizeof(*alu_insns));
	if (!mov_insns || !alu_insns ||
	    elf_corpus_collect(&corpus, opt.paths, opt.path_count, opt.max_bytes,
			       opt.per_file_max) != 0) {
		fprintf(stderr, "mmiodec-bench: out of memory\n");
		return 1;
	}
	size_t harvest_scanned;
	harvest(&corpus, &in.zydis, mov_insns, alu_insns, opt.max_harvest, &in.mov_mix,
		&in.alu_mix, &harvest_scanned);
	if (in.mov_mix.count == 0) {
		fprintf(stderr, "mmiodec-bench: no MOV-family instructions found in %zu bytes"
				" of x86-64 ELF code\n", corpus.code_bytes);
		return opt.smoke ? 77 : 1; /* 77: skipped, for meson test */
	}
	if (in.alu_mix.count == 0)
		fprintf(stderr, "mmiodec-bench: no ALU-mix instructions found: its figures"
				" are left out\n");
	in.code = corpus.code;
	in.code_bytes = corpus.code_bytes < opt.sweep_bytes ? corpus.code_bytes : opt.sweep_bytes;
	size_t floor_taken;
	if (!floor_census(&in.mov_mix, &floor_taken))
		return 1;

	int result = 0;
	if (opt.callgrind) {
		printf("mmiodec-bench --callgrind: %zu distinct MOV-family and %zu ALU-mix"
		       " instructions from %zu ELF files, %.2f MiB; %zu decodes per decoder;"
		       " sweep %.2f MiB; %s\n",
		       in.mov_mix.count, in.alu_mix.count, corpus.file_count,
		       (double)corpus.code_bytes / MIB, opt.callgrind_decodes,
		       (double)in.code_bytes / MIB, zydis_version());
		print_corpus_paths(&opt);
		print_floor_census(&in.mov_mix, floor_taken);
		result = run_callgrind(&in, &opt);
	} else {
		struct census census;
		take_census(&in, &census);
		uint64_t checksum = measure_all(&in, &opt);
		print_report(&in, &opt, &corpus, harvest_scanned, &census, checksum);
		print_floor_census(&in.mov_mix, floor_taken);
	}
	free(mov_insns);
	free(alu_insns);
	elf_corpus_free(&corpus);
	return result;
}
