/* SPDX-License-Identifier: MIT */
/*
 * What the libFuzzer targets share: how a fuzzer input becomes a mode, a
 * register file and instruction bytes, and how a broken invariant is
 * reported.
 *
 * Input layout:
 *   byte 0, the header:
 *     bits 1:0  mode: 0 = 16, 1 = 32, 2 or 3 = 64
 *     bit 2     RFLAGS.DF
 *     bit 3     a 4-byte register seed follows the header
 *     bits 7:4  flavour of the register values (how many are small, zero,
 *               all-ones, near an address-size boundary or random)
 *   bytes 1..4  the seed, when bit 3 is set
 *   the rest    instruction bytes
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmiodec.h"

#define FUZZ_HEADER_MODE_MASK 0x03u
#define FUZZ_HEADER_DF 0x04u
#define FUZZ_HEADER_SEED 0x08u
#define FUZZ_SEED_BYTES 4

#define RFLAGS_DF (UINT64_C(1) << 10)

struct fuzz_case {
	enum mmiodec_mode mode;
	struct mmiodec_regs regs;
	/* The instruction bytes, in a malloc'd buffer of exactly len bytes so
	 * that ASan reports a read one past the end. */
	uint8_t *bytes;
	size_t len;
	/* A generator seeded from the input, for whatever else a target
	 * wants to vary (fake memory contents, window placement). */
	uint64_t rng;
	/* Whether fuzz_fail() shows the register file (true unless the
	 * target does not use it). */
	bool registers_matter;
};

/* Split a fuzzer input; always succeeds (an empty input is mode 16 with no
 * bytes). Free with fuzz_case_free(). */
void fuzz_case_parse(struct fuzz_case *c, const uint8_t *data, size_t size);
void fuzz_case_free(struct fuzz_case *c);

/* splitmix64: the next pseudo-random value of *state. */
uint64_t fuzz_random(uint64_t *state);

/* A copy of bytes[0..len) in a buffer of exactly len bytes, followed by
 * tail[0..tail_len). Never NULL (aborts when out of memory). */
uint8_t *fuzz_copy_exact(const uint8_t *bytes, size_t len,
			 const uint8_t *tail, size_t tail_len);

/* v wrapped to its low `bits` bits (bits is 8..64). */
uint64_t fuzz_wrap(uint64_t v, unsigned bits);

/* Print the case (mode, bytes, registers) and the failed condition, then
 * abort() so libFuzzer keeps the input as a crash. */
_Noreturn void fuzz_fail(const struct fuzz_case *c, const char *file, int line,
			 const char *what);

/* Print a decoded descriptor field by field, to stderr. */
void fuzz_print_insn(const char *label, const struct mmiodec_insn *insn);

/* Descriptors fuzz_fail() prints too (at most two: the one under check and
 * the one it is compared with); NULL forgets them. */
void fuzz_show(const struct mmiodec_insn *first,
	       const struct mmiodec_insn *second);

/* A line fuzz_fail() prints too, saying which variant of the input was
 * being checked; NULL forgets it. */
void fuzz_note(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

/* Vector registers from c->rng: each ZMM register random, all ones, zero
 * or a byte pattern; opmasks often all ones, zero or one bit; MMX random. */
void fuzz_fill_vregs(struct fuzz_case *c, struct mmiodec_vregs *vregs);

/*
 * The vector helpers on an OK descriptor with vregs (c->rng draws the data
 * a load gets): mmiodec_vector_mask() selects exactly the elements the
 * opmask says (all bytes of the width without one, none past it);
 * mmiodec_vector_store_value() gives the register's bytes where selected
 * and zero elsewhere, writes nothing past the width and changes no
 * register; mmiodec_vector_complete_load() writes only its register, the
 * selected bytes from memory, the unselected ones merged or zeroed, the
 * rest as the SDM says (legacy SSE keeps bits 511:128 and MOVSS... zero
 * the rest of bits 127:0; VEX/EVEX zero above the operand, the VMOVLPS
 * loads taking the other half from reg2; MMX zero-extended); each helper
 * refuses the other direction and anything but a vector move. Returns
 * what the load or store made: *vregs the registers after, data the
 * bytes (a store's, or a load's input).
 */
void fuzz_check_vector_helpers(const struct fuzz_case *c, const struct mmiodec_insn *in,
			       struct mmiodec_vregs *vregs, uint8_t data[64]);

#define FUZZ_CHECK(c, cond)                                             \
	do {                                                            \
		if (!(cond))                                            \
			fuzz_fail((c), __FILE__, __LINE__, #cond);      \
	} while (0)

#endif /* FUZZ_COMMON_H */
