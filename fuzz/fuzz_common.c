/* SPDX-License-Identifier: MIT */
#include "fuzz_common.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t fuzz_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t fuzz_wrap(uint64_t v, unsigned bits)
{
	return bits >= 64 ? v : v & ((UINT64_C(1) << bits) - 1);
}

enum value_kind {
	VALUE_BOUNDARY,
	VALUE_SMALL,
	VALUE_ZERO,
	VALUE_RANDOM,
	VALUE_NEAR_WINDOW,
	VALUE_ONES,
};

/* Flavour f draws its values from the first f+1 entries: flavour 0 only
 * from address-size boundaries, where wrap-around bugs live, flavour 15
 * from a mix of everything. */
static const uint8_t value_kinds[16] = {
	VALUE_BOUNDARY, VALUE_SMALL, VALUE_ZERO, VALUE_RANDOM,
	VALUE_NEAR_WINDOW, VALUE_ONES, VALUE_SMALL, VALUE_BOUNDARY,
	VALUE_RANDOM, VALUE_NEAR_WINDOW, VALUE_ZERO, VALUE_SMALL,
	VALUE_RANDOM, VALUE_BOUNDARY, VALUE_NEAR_WINDOW, VALUE_RANDOM,
};

static const uint64_t boundaries[8] = {
	UINT64_C(0xffff), UINT64_C(0x10000),
	UINT64_C(0x7fffffff), UINT64_C(0x80000000),
	UINT64_C(0xffffffff), UINT64_C(0x100000000),
	UINT64_C(0x7fffffffffffffff), UINT64_C(0x8000000000000000),
};

static uint64_t register_value(uint64_t *rng, unsigned flavour)
{
	uint64_t r = fuzz_random(rng);
	unsigned pick = (unsigned)((r & 0xff) * (flavour + 1) >> 8);

	switch (value_kinds[pick]) {
	case VALUE_BOUNDARY:
		/* -2 .. +1 around the boundary */
		return boundaries[(r >> 8) & 7] + ((r >> 11) & 3) - 2;
	case VALUE_SMALL:
		return r >> 56;
	case VALUE_ZERO:
		return 0;
	case VALUE_NEAR_WINDOW:
		return 0x1000 + ((r >> 20) & 0xfff);
	case VALUE_ONES:
		return UINT64_MAX;
	default:
		return r;
	}
}

void fuzz_case_parse(struct fuzz_case *c, const uint8_t *data, size_t size)
{
	static const enum mmiodec_mode modes[4] = {
		MMIODEC_MODE_16, MMIODEC_MODE_32, MMIODEC_MODE_64, MMIODEC_MODE_64,
	};
	uint8_t header = size > 0 ? data[0] : 0;
	size_t start = size > 0 ? 1 : 0;
	uint64_t seed = header;
	unsigned flavour = header >> 4;

	if (header & FUZZ_HEADER_SEED) {
		for (unsigned i = 0; i < FUZZ_SEED_BYTES && start < size; i++)
			seed = seed << 8 | data[start++];
	}

	memset(c, 0, sizeof(*c));
	c->mode = modes[header & FUZZ_HEADER_MODE_MASK];
	c->registers_matter = true;
	c->rng = seed * UINT64_C(0x2545f4914f6cdd1d);
	for (unsigned i = 0; i < 16; i++)
		c->regs.gpr[i] = register_value(&c->rng, flavour);
	for (unsigned i = 0; i < 6; i++)
		c->regs.seg_base[i] = register_value(&c->rng, flavour);
	c->regs.rip = register_value(&c->rng, flavour);
	/* Every flag but DF is noise: the library must read only DF. */
	c->regs.rflags = fuzz_random(&c->rng) & ~RFLAGS_DF;
	if (header & FUZZ_HEADER_DF)
		c->regs.rflags |= RFLAGS_DF;

	c->len = size - start;
	c->bytes = fuzz_copy_exact(data + start, c->len, NULL, 0);
}

void fuzz_case_free(struct fuzz_case *c)
{
	free(c->bytes);
	c->bytes = NULL;
}

uint8_t *fuzz_copy_exact(const uint8_t *bytes, size_t len,
			 const uint8_t *tail, size_t tail_len)
{
	/* malloc(0) under ASan returns a unique pointer with no readable
	 * byte, which is what an empty input should be. */
	uint8_t *copy = malloc(len + tail_len);

	if (!copy && len + tail_len > 0)
		abort();
	if (len > 0)
		memcpy(copy, bytes, len);
	if (tail_len > 0)
		memcpy(copy + len, tail, tail_len);
	return copy;
}

static void print_hex(const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%02x", bytes[i]);
}

void fuzz_print_insn(const char *label, const struct mmiodec_insn *in)
{
	fprintf(stderr,
		"%s: status %u length %u op %u direction %u width %u extend %u "
		"dest_width %u reg %u reg_kind %u has_immediate %u immediate "
		"%#" PRIx64 " mem_count %u rep %u repeat %u mode %u "
		"operand_size %u address_size %u\n",
		label, in->status, in->length, in->op, in->direction, in->width,
		in->extend, in->dest_width, in->reg, in->reg_kind,
		in->has_immediate, in->immediate, in->mem_count, in->rep,
		in->repeat, in->mode, in->operand_size, in->address_size);
	for (unsigned i = 0; i < 2; i++) {
		const struct mmiodec_mem *m = &in->mem[i];

		fprintf(stderr,
			"  mem[%u]: segment %u base %u index %u scale %u "
			"displacement %" PRId64 " address_size %u access %u "
			"align %u element %u\n",
			i, m->segment, m->base, m->index, m->scale,
			m->displacement, m->address_size, m->access,
			m->align, m->element);
	}
}

static const struct mmiodec_insn *shown[2];
static char note[160];

void fuzz_note(const char *format, ...)
{
	va_list args;

	note[0] = '\0';
	if (!format)
		return;
	va_start(args, format);
	vsnprintf(note, sizeof(note), format, args);
	va_end(args);
}

void fuzz_show(const struct mmiodec_insn *first,
	       const struct mmiodec_insn *second)
{
	shown[0] = first;
	shown[1] = second;
}

void fuzz_fail(const struct fuzz_case *c, const char *file, int line,
	       const char *what)
{
	fprintf(stderr, "\n%s:%d: invariant broken: %s\n", file, line, what);
	fprintf(stderr, "mode %u, bytes ", (unsigned)c->mode);
	print_hex(c->bytes, c->len);
	fprintf(stderr, " (%zu)\n", c->len);
	if (c->registers_matter) {
		for (unsigned i = 0; i < 16; i++)
			fprintf(stderr, "  gpr[%u] = %#" PRIx64 "\n", i,
				c->regs.gpr[i]);
		fprintf(stderr, "  rip = %#" PRIx64 " rflags = %#" PRIx64 "\n",
			c->regs.rip, c->regs.rflags);
		for (unsigned i = 0; i < 6; i++)
			fprintf(stderr, "  seg_base[%u] = %#" PRIx64 "\n", i,
				c->regs.seg_base[i]);
	}
	if (note[0])
		fprintf(stderr, "while checking %s\n", note);
	for (unsigned i = 0; i < 2; i++)
		if (shown[i])
			fuzz_print_insn(i == 0 ? "descriptor" : "compared with",
					shown[i]);
	abort();
}

/* ---- The vector helpers (tier 3) ---- */

void fuzz_fill_vregs(struct fuzz_case *c, struct mmiodec_vregs *vregs)
{
	for (unsigned r = 0; r < 32; r++) {
		uint64_t how = fuzz_random(&c->rng);

		for (unsigned i = 0; i < 64; i += 8) {
			uint64_t v = (how & 3) == 0 ? UINT64_MAX
				     : (how & 3) == 1 ? 0
				     : (how & 3) == 2 ? UINT64_C(0x0101010101010101) * (r + 1 + i)
						      : fuzz_random(&c->rng);

			memcpy(&vregs->zmm[r][i], &v, 8);
		}
	}
	for (unsigned k = 0; k < 8; k++) {
		uint64_t how = fuzz_random(&c->rng);

		vregs->k[k] = (how & 3) == 0 ? UINT64_MAX : (how & 3) == 1 ? 0
			      : (how & 3) == 2 ? UINT64_C(1) << (how >> 58) : fuzz_random(&c->rng);
	}
	for (unsigned m = 0; m < 8; m++)
		vregs->mm[m] = fuzz_random(&c->rng);
}

static unsigned vector_size(unsigned kind)
{
	switch (kind) {
	case MMIODEC_REG_KIND_MMX: return 8;
	case MMIODEC_REG_KIND_XMM: return 16;
	case MMIODEC_REG_KIND_YMM: return 32;
	case MMIODEC_REG_KIND_ZMM: return 64;
	default: return 0;
	}
}

/* Where in the register the access starts: 8 for the high-half moves. */
static unsigned vector_offset(unsigned op)
{
	return op == MMIODEC_OP_MOVHPS || op == MMIODEC_OP_MOVHPD ||
	       op == MMIODEC_OP_VMOVHPS || op == MMIODEC_OP_VMOVHPD ? 8 : 0;
}

static bool is_half_move(unsigned op)
{
	switch (op) {
	case MMIODEC_OP_MOVLPS: case MMIODEC_OP_MOVHPS: case MMIODEC_OP_MOVLPD:
	case MMIODEC_OP_MOVHPD: case MMIODEC_OP_VMOVLPS: case MMIODEC_OP_VMOVHPS:
	case MMIODEC_OP_VMOVLPD: case MMIODEC_OP_VMOVHPD:
		return true;
	default:
		return false;
	}
}

/* The legacy SSE loads that zero the rest of bits 127:0 (SDM vol. 2
 * MOVSS, MOVSD, MOVD/MOVQ "xmm, m"). */
static bool zeroes_low_rest(unsigned op)
{
	return op == MMIODEC_OP_MOVSS || op == MMIODEC_OP_MOVSD_XMM || op == MMIODEC_OP_MOVD ||
	       op == MMIODEC_OP_MOVQ;
}

/* The byte mask the opmask selects, worked out here. */
static uint64_t model_mask(const struct mmiodec_insn *in, const struct mmiodec_vregs *vregs)
{
	uint64_t all = in->width >= 64 ? UINT64_MAX : (UINT64_C(1) << in->width) - 1;
	uint64_t bytes = 0;
	unsigned element = in->mem[0].element;

	if (!in->mask)
		return all;
	if (element == 0)
		return 0;
	for (unsigned i = 0; i < in->width; i++)
		if ((vregs->k[in->mask & 7] >> (i / element)) & 1)
			bytes |= UINT64_C(1) << i;
	return bytes;
}

void fuzz_check_vector_helpers(const struct fuzz_case *c, const struct mmiodec_insn *in,
			       struct mmiodec_vregs *vregs, uint8_t data[64])
{
	static struct mmiodec_vregs before, after;
	bool vector = in->status == MMIODEC_OK && in->reg_kind >= MMIODEC_REG_KIND_MMX &&
		      in->reg_kind <= MMIODEC_REG_KIND_ZMM;
	uint64_t mask = mmiodec_vector_mask(in, vregs);
	unsigned size = vector_size(in->reg_kind), offset = vector_offset(in->op);
	uint8_t out[64];

	FUZZ_CHECK(c, mmiodec_vector_mask(NULL, vregs) == 0 && mmiodec_vector_mask(in, NULL) == 0);
	if (in->status != MMIODEC_OK) {
		FUZZ_CHECK(c, mask == 0);
		before = *vregs;
		FUZZ_CHECK(c, !mmiodec_vector_complete_load(in, vregs, data));
		FUZZ_CHECK(c, !mmiodec_vector_store_value(in, vregs, out));
		FUZZ_CHECK(c, memcmp(&before, vregs, sizeof(before)) == 0);
		return;
	}
	FUZZ_CHECK(c, in->width == 64 || (mask >> in->width) == 0);
	if (vector)
		FUZZ_CHECK(c, mask == model_mask(in, vregs));
	before = *vregs;
	memset(out, 0xa5, sizeof(out));
	if (!vector || in->direction != MMIODEC_DIR_WRITE) {
		FUZZ_CHECK(c, !mmiodec_vector_store_value(in, vregs, out));
		for (unsigned i = 0; i < 64; i++)
			FUZZ_CHECK(c, out[i] == 0xa5);
	}
	if (!vector || in->direction != MMIODEC_DIR_READ)
		FUZZ_CHECK(c, !mmiodec_vector_complete_load(in, vregs, data));
	FUZZ_CHECK(c, memcmp(&before, vregs, sizeof(before)) == 0);
	if (!vector)
		return;

	if (in->direction == MMIODEC_DIR_WRITE) {
		FUZZ_CHECK(c, mmiodec_vector_store_value(in, vregs, out));
		FUZZ_CHECK(c, memcmp(&before, vregs, sizeof(before)) == 0);
		for (unsigned i = 0; i < 64; i++) {
			uint8_t want;

			if (i >= in->width)
				want = 0xa5; /* nothing past the width */
			else if (!((mask >> i) & 1))
				want = 0;    /* not selected: zero */
			else if (in->reg_kind == MMIODEC_REG_KIND_MMX)
				want = (uint8_t)(vregs->mm[in->reg & 7] >> (8 * i));
			else
				want = vregs->zmm[in->reg & 31][offset + i];
			FUZZ_CHECK(c, out[i] == want);
		}
		memcpy(data, out, 64);
		return;
	}

	/* a load */
	after = before;
	FUZZ_CHECK(c, mmiodec_vector_complete_load(in, &after, data));
	FUZZ_CHECK(c, memcmp(before.k, after.k, sizeof(before.k)) == 0);
	if (in->reg_kind == MMIODEC_REG_KIND_MMX) {
		uint64_t want = 0;

		for (unsigned i = 0; i < in->width; i++)
			want |= (uint64_t)data[i] << (8 * i);
		FUZZ_CHECK(c, after.mm[in->reg & 7] == want);
		for (unsigned m = 0; m < 8; m++)
			if (m != (in->reg & 7u))
				FUZZ_CHECK(c, after.mm[m] == before.mm[m]);
		FUZZ_CHECK(c, memcmp(before.zmm, after.zmm, sizeof(before.zmm)) == 0);
		*vregs = after;
		return;
	}
	FUZZ_CHECK(c, memcmp(before.mm, after.mm, sizeof(before.mm)) == 0);
	for (unsigned r = 0; r < 32; r++)
		if (r != in->reg)
			FUZZ_CHECK(c, memcmp(before.zmm[r], after.zmm[r], 64) == 0);
	for (unsigned b = 0; b < 64; b++) {
		const uint8_t *old = before.zmm[in->reg & 31];
		uint8_t got = after.zmm[in->reg & 31][b];
		bool legacy = in->op < MMIODEC_OP_VMOVD;
		uint8_t want;

		if (b >= offset && b < offset + in->width) {
			unsigned i = b - offset;

			want = ((mask >> i) & 1) ? data[i] : in->zeroing ? 0 : old[b];
		} else if (is_half_move(in->op) && b < 16) {
			/* the other half: kept (legacy), or reg2's (VEX/EVEX) */
			want = legacy ? old[b] : before.zmm[in->reg2 & 31][b];
		} else if (legacy) {
			want = b < 16 && zeroes_low_rest(in->op) ? 0 : old[b];
		} else {
			want = 0; /* VEX/EVEX: zero above the operand */
		}
		if (got != want)
			fuzz_note("load: register byte %u is 0x%02x, want 0x%02x (size %u)", b, got,
				  want, size);
		FUZZ_CHECK(c, got == want);
	}
	*vregs = after;
}
