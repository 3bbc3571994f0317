/* SPDX-License-Identifier: MIT */
/*
 * fuzz-emulate: run whole instructions the way a trap handler does, on a
 * register file from the input and a fake memory, so that operands may
 * point anywhere: a 4 KiB window of real bytes at some linear address;
 * outside it reads give a fixed pattern and writes are dropped. REP string
 * instructions run iteration by iteration (at most MAX_ITERATIONS).
 *
 * Every other supported instruction is finished by mmiodec_execute() on
 * the value read from the fake memory (fuzz-execute checks its invariants
 * one by one).
 *
 * What must hold: no crash and no undefined behaviour (ASan, UBSan), every
 * linear address within the mode's address space, a repeated instruction
 * completes after exactly rCX iterations, and RIP ends past the
 * instruction (or stays on it after a divide error).
 *
 * Tier 3: a vector move runs through the vector helpers with vector
 * registers from the input (fuzz_check_vector_helpers() checks each);
 * memory is read and written only at the bytes mmiodec_vector_mask()
 * selects, every other byte of the window stays as it was; a misaligned
 * address (mem[].align) is #GP, which leaves everything as it was, unless
 * an opmask selects nothing.
 * MOVDIR64B and ENQCMD(S) copy 64 bytes from mem[1] to mem[0], which is
 * aligned to 64.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define WINDOW_SIZE 4096
#define MAX_ITERATIONS 300

struct fake_memory {
	uint64_t base;         /* linear address of bytes[0] */
	unsigned address_bits; /* 32 outside 64-bit mode: linear wraps */
	uint8_t bytes[WINDOW_SIZE];
};

/* What lies outside the window: a pattern of the address, so that a read
 * from the wrong place gives a different value. */
static uint8_t outside_byte(uint64_t linear)
{
	return (uint8_t)(linear * 0x9d) ^ 0x5a;
}

static uint8_t *window_byte(struct fake_memory *m, uint64_t linear)
{
	uint64_t offset = fuzz_wrap(linear - m->base, m->address_bits);

	return offset < WINDOW_SIZE ? &m->bytes[offset] : NULL;
}

static uint64_t memory_read(struct fake_memory *m, uint64_t linear,
			    unsigned width)
{
	uint64_t value = 0;

	for (unsigned i = 0; i < width; i++) {
		uint64_t a = fuzz_wrap(linear + i, m->address_bits);
		uint8_t *b = window_byte(m, a);

		value |= (uint64_t)(b ? *b : outside_byte(a)) << (8 * i);
	}
	return value;
}

static void memory_write(struct fake_memory *m, uint64_t linear,
			 unsigned width, uint64_t value)
{
	for (unsigned i = 0; i < width; i++) {
		uint8_t *b = window_byte(m, fuzz_wrap(linear + i,
						      m->address_bits));

		if (b)
			*b = (uint8_t)(value >> (8 * i));
	}
}

static bool is_string_op(unsigned op)
{
	return op == MMIODEC_OP_MOVS || op == MMIODEC_OP_STOS ||
	       op == MMIODEC_OP_LODS;
}

static uint64_t operand_address(const struct fuzz_case *c,
				const struct mmiodec_insn *in,
				const struct mmiodec_regs *regs, unsigned which)
{
	uint64_t linear = 0;

	FUZZ_CHECK(c, mmiodec_address(in, regs, which, &linear));
	if (in->mode != MMIODEC_MODE_64)
		FUZZ_CHECK(c, linear <= UINT32_MAX);
	return linear;
}

/*
 * Any other instruction, as a handler finishes it: read mem[0] when the
 * instruction reads, mmiodec_execute(), write what it says. Returns false
 * on #DE (nothing changed, RIP on the instruction).
 */
static bool execute(const struct fuzz_case *c, const struct mmiodec_insn *in,
		    struct mmiodec_regs *regs, struct fake_memory *m)
{
	uint64_t target = operand_address(c, in, regs, 0);
	uint64_t loaded[2] = { 0, 0 };
	struct mmiodec_exec out;
	struct mmiodec_regs before = *regs;
	unsigned first = in->width > 8 ? 8 : in->width;
	enum mmiodec_exec_status status;

	if (in->direction != MMIODEC_DIR_WRITE) {
		loaded[0] = memory_read(m, target, first);
		if (in->width > 8)
			loaded[1] = memory_read(m, fuzz_wrap(target + 8, m->address_bits),
						in->width - 8);
	}
	status = mmiodec_execute(in, regs, loaded, &out);
	FUZZ_CHECK(c, status == MMIODEC_EXEC_OK || status == MMIODEC_EXEC_DIVIDE_ERROR);
	if (status != MMIODEC_EXEC_OK) {
		FUZZ_CHECK(c, memcmp(regs, &before, sizeof(before)) == 0 && !out.writes);
		return false;
	}
	if (out.writes) {
		memory_write(m, target, first, out.store[0]);
		if (in->width > 8)
			memory_write(m, fuzz_wrap(target + 8, m->address_bits),
				     in->width - 8, out.store[1]);
	}
	return true;
}

/* Whether the address of an operand is misaligned for the instruction:
 * the CPU raises #GP, and a handler does nothing else. */
static bool misaligned(const struct fuzz_case *c, const struct mmiodec_insn *in,
		       const struct mmiodec_regs *regs)
{
	/* an EVEX mask that selects nothing raises no #GP (include/mmiodec.h):
	 * decided by the same vector registers vector_move() draws */
	if (in->mask) {
		static struct mmiodec_vregs vregs;
		struct fuzz_case scratch = *c;

		fuzz_fill_vregs(&scratch, &vregs);
		if (mmiodec_vector_mask(in, &vregs) == 0)
			return false;
	}
	for (unsigned i = 0; i < in->mem_count && i < 2; i++) {
		unsigned align = in->mem[i].align;

		FUZZ_CHECK(c, align == 0 || align == in->width || align == 64);
		if (align && operand_address(c, in, regs, i) % align != 0)
			return true;
	}
	return false;
}

/*
 * A vector move, as a handler does it: the selected bytes read (the rest
 * of data zero) and the register completed, or the store's bytes taken
 * and the selected ones written; RIP advanced. No other byte of memory
 * changes.
 */
static void vector_move(const struct fuzz_case *c, const struct mmiodec_insn *in,
			struct mmiodec_regs *regs, struct fake_memory *m)
{
	static struct mmiodec_vregs vregs;
	static uint8_t window_before[WINDOW_SIZE];
	struct fuzz_case scratch = *c;
	uint64_t target = operand_address(c, in, regs, 0);
	uint64_t selected;
	uint8_t data[64] = { 0 };

	fuzz_fill_vregs(&scratch, &vregs);
	selected = mmiodec_vector_mask(in, &vregs);
	memcpy(window_before, m->bytes, WINDOW_SIZE);
	if (in->direction == MMIODEC_DIR_READ)
		for (unsigned i = 0; i < in->width; i++)
			if ((selected >> i) & 1)
				data[i] = (uint8_t)memory_read(m, fuzz_wrap(target + i,
									    m->address_bits), 1);
	fuzz_check_vector_helpers(c, in, &vregs, data);
	if (in->direction == MMIODEC_DIR_WRITE)
		for (unsigned i = 0; i < in->width; i++)
			if ((selected >> i) & 1)
				memory_write(m, fuzz_wrap(target + i, m->address_bits), 1, data[i]);
	/* only the selected bytes of the access changed */
	for (unsigned b = 0; b < WINDOW_SIZE; b++) {
		uint64_t offset = fuzz_wrap(m->base + b - target, m->address_bits);

		if (offset < in->width && ((selected >> offset) & 1) &&
		    in->direction == MMIODEC_DIR_WRITE)
			FUZZ_CHECK(c, m->bytes[b] == data[offset]);
		else
			FUZZ_CHECK(c, m->bytes[b] == window_before[b]);
	}
	mmiodec_advance_rip(in, regs);
}

/* MOVDIR64B, ENQCMD, ENQCMDS: 64 bytes from mem[1] to mem[0], then
 * mmiodec_execute() with the device's answer. */
static void portal_copy(const struct fuzz_case *c, const struct mmiodec_insn *in,
			struct mmiodec_regs *regs, struct fake_memory *m)
{
	uint64_t source = operand_address(c, in, regs, 1);
	uint64_t destination = operand_address(c, in, regs, 0);
	uint64_t answer[2] = { source & 1, 0 };
	uint8_t command[64];
	struct mmiodec_exec out;

	FUZZ_CHECK(c, in->width == 64 && in->mem[0].align == 64);
	for (unsigned i = 0; i < 64; i++)
		command[i] = (uint8_t)memory_read(m, fuzz_wrap(source + i, m->address_bits), 1);
	for (unsigned i = 0; i < 64; i++)
		memory_write(m, fuzz_wrap(destination + i, m->address_bits), 1, command[i]);
	FUZZ_CHECK(c, mmiodec_execute(in, regs, answer, &out) == MMIODEC_EXEC_OK);
	FUZZ_CHECK(c, !out.writes);
}

/* One iteration's memory accesses of a string instruction, as a handler
 * does them. */
static void access_memory(const struct fuzz_case *c,
			  const struct mmiodec_insn *in,
			  struct mmiodec_regs *regs, struct fake_memory *m)
{
	uint64_t target = operand_address(c, in, regs, 0);

	if (in->op == MMIODEC_OP_MOVS) {
		uint64_t source = operand_address(c, in, regs, 1);

		memory_write(m, target, in->width,
			     memory_read(m, source, in->width));
	} else if (in->direction == MMIODEC_DIR_WRITE) {
		memory_write(m, target, in->width,
			     mmiodec_store_value(in, regs));
	} else {
		FUZZ_CHECK(c, mmiodec_complete_load(
				      in, regs, memory_read(m, target, in->width)));
	}
}

/* Where the window goes: often right where the first operand points, or
 * so that the access straddles one of its edges. */
static uint64_t place_window(const struct fuzz_case *c,
			     const struct mmiodec_insn *in, uint64_t *rng)
{
	uint64_t first = operand_address(c, in, &c->regs, 0);

	switch (fuzz_random(rng) & 3) {
	case 0:
		return 0x1000;
	case 1:
		return first & ~(uint64_t)(WINDOW_SIZE - 1);
	case 2:
		return first + in->width / 2 - WINDOW_SIZE;
	default:
		return first - in->width / 2;
	}
}

static void check_refusals(const struct fuzz_case *c,
			   const struct mmiodec_insn *in)
{
	struct mmiodec_regs regs = c->regs;
	uint64_t linear = 0;

	FUZZ_CHECK(c, !mmiodec_address(in, &regs, 0, &linear));
	FUZZ_CHECK(c, !mmiodec_complete_load(in, &regs, linear));
	FUZZ_CHECK(c, memcmp(&regs, &c->regs, sizeof(regs)) == 0);
	(void)mmiodec_store_value(in, &regs);
	(void)mmiodec_string_pending(in, &regs);
	(void)mmiodec_string_step(in, &regs);
	mmiodec_advance_rip(in, &regs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_memory memory;
	struct fuzz_case c;
	struct mmiodec_insn in;
	struct mmiodec_regs regs;
	uint64_t expected = 1, iterations = 0;
	bool done = false;

	fuzz_case_parse(&c, data, size);
	if (mmiodec_decode(&in, c.bytes, c.len, c.mode) != MMIODEC_OK) {
		check_refusals(&c, &in);
		fuzz_case_free(&c);
		return 0;
	}

	memory.address_bits = c.mode == MMIODEC_MODE_64 ? 64 : 32;
	memory.base = fuzz_wrap(place_window(&c, &in, &c.rng),
				memory.address_bits);
	for (size_t i = 0; i < WINDOW_SIZE; i += 8) {
		uint64_t r = fuzz_random(&c.rng);

		memcpy(&memory.bytes[i], &r, sizeof(r));
	}

	regs = c.regs;
	if (is_string_op(in.op) && in.repeat)
		expected = fuzz_wrap(regs.gpr[MMIODEC_RCX], in.address_size);
	if (is_string_op(in.op) && !mmiodec_string_pending(&in, &regs)) {
		FUZZ_CHECK(&c, expected == 0);
		mmiodec_advance_rip(&in, &regs);
		done = true;
	}
	if (!is_string_op(in.op) && misaligned(&c, &in, &regs)) {
		/* #GP: nothing happens, RIP stays */
		fuzz_case_free(&c);
		return 0;
	}
	if (in.reg_kind >= MMIODEC_REG_KIND_MMX) {
		vector_move(&c, &in, &regs, &memory);
		iterations = 1;
		done = true;
	} else if (in.op == MMIODEC_OP_MOVDIR64B || in.op == MMIODEC_OP_ENQCMD ||
		   in.op == MMIODEC_OP_ENQCMDS) {
		portal_copy(&c, &in, &regs, &memory);
		iterations = 1;
		done = true;
	} else if (!is_string_op(in.op)) {
		iterations = 1;
		done = true;
		if (!execute(&c, &in, &regs, &memory)) {
			/* #DE: RIP stays on the instruction */
			FUZZ_CHECK(&c, regs.rip == c.regs.rip);
			fuzz_case_free(&c);
			return 0;
		}
	}
	while (!done && iterations < MAX_ITERATIONS) {
		access_memory(&c, &in, &regs, &memory);
		iterations++;
		done = mmiodec_string_step(&in, &regs);
		if (!done)
			FUZZ_CHECK(&c, regs.rip == c.regs.rip);
	}

	if (expected <= MAX_ITERATIONS)
		FUZZ_CHECK(&c, done && iterations == expected);
	else
		FUZZ_CHECK(&c, !done && iterations == MAX_ITERATIONS);
	if (done)
		FUZZ_CHECK(&c, regs.rip ==
				       fuzz_wrap(c.regs.rip + in.length, c.mode));

	fuzz_case_free(&c);
	return 0;
}
