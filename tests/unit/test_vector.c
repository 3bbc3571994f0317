/* SPDX-License-Identifier: MIT */
/*
 * The vector moves (mmiodec_vector_mask(), mmiodec_vector_store_value(),
 * mmiodec_vector_complete_load()) and the device-portal stores in
 * mmiodec_execute(), one line per case, the expected bytes worked out by
 * hand from SDM vol. 2 (each instruction's Operation: MOVSS, MOVLPS,
 * VMOVDQU8/16/32/64...) and vol. 1 15.6 (merging and zeroing masking).
 *
 * Every register starts with bytes that tell where they came from: byte i
 * of the destination register is 0x40 + i, of VMOVLPS's second source
 * (reg2) 0xC0 + i, of every other ZMM register n 0x00 + n; memory byte i is
 * 0x80 + i. An expected register (or memory) is a layout: a list of runs,
 * each a letter and a byte count:
 *   M  from memory: register byte i gets memory byte i - the case's offset
 *      (8 for MOVHPS/MOVHPD, which move bytes 8..15 of the register)
 *   K  kept: the old byte
 *   Z  zero
 *   S  reg2's byte i (VMOVLPS... loads)
 *   R  (a store) memory byte i gets register byte offset + i
 * and the runs must add up to 64 bytes for a load into XMM/YMM/ZMM, 8 for
 * MMX, the width for a store.
 *
 * The cases are hand-built descriptors (as the decoder makes them), and
 * real bytes decoded (test_decoded).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_case.h"

#define RD MMIODEC_DIR_READ
#define WR MMIODEC_DIR_WRITE
#define MMX MMIODEC_REG_KIND_MMX
#define XMM MMIODEC_REG_KIND_XMM
#define YMM MMIODEC_REG_KIND_YMM
#define ZMM MMIODEC_REG_KIND_ZMM
#define OP(name) MMIODEC_OP_##name

#define DEST 3    /* the register of the hand-built cases */
#define SRC1 5    /* their reg2 */
#define START_RIP 0x1000u

struct vcase {
	unsigned op, direction, width, kind, reg, reg2;
	unsigned mask;         /* k1..k7, 0 for none */
	uint64_t k;            /* the value of k[mask] */
	unsigned zeroing, element;
	const char *layout;    /* see the top of the file */
};

/* Hand-built descriptors, as the decoder makes them (see the header's
 * conventions for the vector forms). */
static const struct vcase loads[] = {
	/* legacy SSE: MOVSS/MOVSD/MOVD/MOVQ zero the rest of the low 128
	 * bits, keep the rest (MAXVL-1:128 unmodified) */
	{ OP(MOVSS),     RD, 4,  XMM, DEST, 0, 0, 0, 0, 0, "M4 Z12 K48" },
	{ OP(MOVSD_XMM), RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "M8 Z8 K48" },
	{ OP(MOVD),      RD, 4,  XMM, DEST, 0, 0, 0, 0, 0, "M4 Z12 K48" },
	{ OP(MOVQ),      RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "M8 Z8 K48" },
	{ OP(MOVD),      RD, 4,  XMM, 15,   0, 0, 0, 0, 0, "M4 Z12 K48" },
	/* the full moves: 128 bits replaced, the rest kept */
	{ OP(MOVUPS),    RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	{ OP(MOVUPD),    RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	{ OP(MOVAPS),    RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	{ OP(MOVAPD),    RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	{ OP(MOVDQA),    RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	{ OP(MOVDQU),    RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	{ OP(MOVNTDQA),  RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 K48" },
	/* MOVLPS/LPD: DEST[63:0] only; MOVHPS/HPD: DEST[127:64] only */
	{ OP(MOVLPS),    RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "M8 K56" },
	{ OP(MOVLPD),    RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "M8 K56" },
	{ OP(MOVHPS),    RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "K8 M8 K48" },
	{ OP(MOVHPD),    RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "K8 M8 K48" },
	/* VEX and EVEX: DEST[MAXVL-1:width] zeroed */
	{ OP(VMOVSS),    RD, 4,  XMM, DEST, 0, 0, 0, 0, 0, "M4 Z60" },
	{ OP(VMOVSD),    RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "M8 Z56" },
	{ OP(VMOVD),     RD, 4,  XMM, DEST, 0, 0, 0, 0, 0, "M4 Z60" },
	{ OP(VMOVQ),     RD, 8,  XMM, DEST, 0, 0, 0, 0, 0, "M8 Z56" },
	{ OP(VMOVUPS),   RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 Z48" },
	{ OP(VMOVUPS),   RD, 32, YMM, DEST, 0, 0, 0, 0, 0, "M32 Z32" },
	{ OP(VMOVUPS),   RD, 64, ZMM, DEST, 0, 0, 0, 0, 0, "M64" },
	{ OP(VMOVAPD),   RD, 32, YMM, DEST, 0, 0, 0, 0, 0, "M32 Z32" },
	{ OP(VMOVDQA),   RD, 32, YMM, DEST, 0, 0, 0, 0, 0, "M32 Z32" },
	{ OP(VMOVDQU),   RD, 16, XMM, DEST, 0, 0, 0, 0, 0, "M16 Z48" },
	{ OP(VMOVNTDQA), RD, 32, YMM, DEST, 0, 0, 0, 0, 0, "M32 Z32" },
	{ OP(VMOVDQU32), RD, 16, XMM, 17,   0, 0, 0, 0, 0, "M16 Z48" },
	{ OP(VMOVDQA64), RD, 64, ZMM, 31,   0, 0, 0, 0, 0, "M64" },
	/* VMOVLPS/LPD: DEST[63:0] <- m64, DEST[127:64] <- SRC1[127:64];
	 * VMOVHPS/HPD: DEST[63:0] <- SRC1[63:0], DEST[127:64] <- m64;
	 * DEST[MAXVL-1:128] <- 0 */
	{ OP(VMOVLPS),   RD, 8,  XMM, DEST, SRC1, 0, 0, 0, 0, "M8 S8 Z48" },
	{ OP(VMOVLPD),   RD, 8,  XMM, DEST, SRC1, 0, 0, 0, 0, "M8 S8 Z48" },
	{ OP(VMOVHPS),   RD, 8,  XMM, DEST, SRC1, 0, 0, 0, 0, "S8 M8 Z48" },
	{ OP(VMOVHPD),   RD, 8,  XMM, DEST, SRC1, 0, 0, 0, 0, "S8 M8 Z48" },
	{ OP(VMOVLPS),   RD, 8,  XMM, DEST, DEST, 0, 0, 0, 0, "M8 K8 Z48" },
	{ OP(VMOVHPD),   RD, 8,  XMM, DEST, DEST, 0, 0, 0, 0, "K8 M8 Z48" },
	{ OP(VMOVHPS),   RD, 8,  XMM, 20,   0,    0, 0, 0, 0, "S8 M8 Z48" },
	/* EVEX masking: selected elements from memory, the others kept
	 * (merging) or zeroed ({z}); DEST[MAXVL-1:VL] <- 0 */
	{ OP(VMOVUPS),   RD, 64, ZMM, DEST, 0, 2, 0x8421, 0, 4,
	  "M4 K16 M4 K16 M4 K16 M4" },
	{ OP(VMOVUPS),   RD, 64, ZMM, DEST, 0, 2, 0x8421, 1, 4,
	  "M4 Z16 M4 Z16 M4 Z16 M4" },
	{ OP(VMOVDQU8),  RD, 32, YMM, DEST, 0, 1, 0xFFFFFFFFFFFF0001, 0, 1,
	  "M1 K15 M16 Z32" },
	{ OP(VMOVDQU8),  RD, 32, YMM, DEST, 0, 1, 0xFFFFFFFFFFFF0001, 1, 1,
	  "M1 Z15 M16 Z32" },
	{ OP(VMOVDQU8),  RD, 64, ZMM, DEST, 0, 4, 0x8000000000000000, 0, 1,
	  "K63 M1" },
	{ OP(VMOVDQU16), RD, 16, XMM, DEST, 0, 7, 0xA5, 0, 2,
	  "M2 K2 M2 K4 M2 K2 M2 Z48" },
	{ OP(VMOVDQU16), RD, 64, ZMM, DEST, 0, 7, 0x80000001, 1, 2,
	  "M2 Z60 M2" },
	{ OP(VMOVDQU32), RD, 32, YMM, DEST, 0, 5, 0x0, 0, 4, "K32 Z32" },
	{ OP(VMOVDQU32), RD, 32, YMM, DEST, 0, 5, 0x0, 1, 4, "Z64" },
	{ OP(VMOVDQA64), RD, 64, ZMM, DEST, 0, 3, 0x0F, 1, 8, "M32 Z32" },
	{ OP(VMOVDQU64), RD, 32, YMM, DEST, 0, 3, 0xF6, 0, 8,
	  "K8 M16 K8 Z32" },
	{ OP(VMOVAPD),   RD, 16, XMM, 25,   0, 6, 0xFE, 0, 8, "K8 M8 Z48" },
	{ OP(VMOVUPD),   RD, 64, ZMM, DEST, 0, 6, 0xFF, 0, 8, "M64" },
	/* EVEX VMOVSS/VMOVSD m {k}: DEST[31:0] <- k[0] ? SRC : (z ? 0 :
	 * DEST[31:0]); DEST[MAXVL-1:32] <- 0 */
	{ OP(VMOVSS),    RD, 4,  XMM, DEST, 0, 1, 0x2, 0, 4, "K4 Z60" },
	{ OP(VMOVSS),    RD, 4,  XMM, DEST, 0, 1, 0x2, 1, 4, "Z64" },
	{ OP(VMOVSS),    RD, 4,  XMM, DEST, 0, 1, 0x3, 1, 4, "M4 Z60" },
	{ OP(VMOVSD),    RD, 8,  XMM, DEST, 0, 1, 0x0, 0, 8, "K8 Z56" },
	{ OP(VMOVSD),    RD, 8,  XMM, DEST, 0, 1, 0x1, 1, 8, "M8 Z56" },
	/* MMX: MOVD zero-extends to 64 bits, MOVQ fills them */
	{ OP(MOVD),      RD, 4,  MMX, 2,    0, 0, 0, 0, 0, "M4 Z4" },
	{ OP(MOVQ),      RD, 8,  MMX, 7,    0, 0, 0, 0, 0, "M8" },
};

static const struct vcase stores[] = {
	{ OP(MOVSS),     WR, 4,  XMM, DEST, 0, 0, 0, 0, 0, "R4" },
	{ OP(MOVSD_XMM), WR, 8,  XMM, DEST, 0, 0, 0, 0, 0, "R8" },
	{ OP(MOVD),      WR, 4,  XMM, DEST, 0, 0, 0, 0, 0, "R4" },
	{ OP(MOVQ),      WR, 8,  XMM, DEST, 0, 0, 0, 0, 0, "R8" },
	{ OP(MOVUPS),    WR, 16, XMM, DEST, 0, 0, 0, 0, 0, "R16" },
	{ OP(MOVNTDQ),   WR, 16, XMM, DEST, 0, 0, 0, 0, 0, "R16" },
	{ OP(MOVNTPS),   WR, 16, XMM, 9,    0, 0, 0, 0, 0, "R16" },
	/* MOVLPS stores the low quadword, MOVHPS the high one: bytes 8..15 */
	{ OP(MOVLPS),    WR, 8,  XMM, DEST, 0, 0, 0, 0, 0, "R8" },
	{ OP(MOVHPS),    WR, 8,  XMM, DEST, 0, 0, 0, 0, 0, "R8" },
	{ OP(MOVHPD),    WR, 8,  XMM, DEST, 0, 0, 0, 0, 0, "R8" },
	{ OP(VMOVHPD),   WR, 8,  XMM, 22,   0, 0, 0, 0, 0, "R8" },
	{ OP(VMOVLPD),   WR, 8,  XMM, DEST, 0, 0, 0, 0, 0, "R8" },
	{ OP(VMOVSS),    WR, 4,  XMM, DEST, 0, 0, 0, 0, 0, "R4" },
	{ OP(VMOVQ),     WR, 8,  XMM, 16,   0, 0, 0, 0, 0, "R8" },
	{ OP(VMOVUPS),   WR, 32, YMM, DEST, 0, 0, 0, 0, 0, "R32" },
	{ OP(VMOVNTDQ),  WR, 64, ZMM, DEST, 0, 0, 0, 0, 0, "R64" },
	{ OP(VMOVDQA64), WR, 64, ZMM, 30,   0, 0, 0, 0, 0, "R64" },
	/* masked stores: unselected elements are not written (zero here) */
	{ OP(VMOVUPS),   WR, 64, ZMM, DEST, 0, 2, 0x8421, 0, 4,
	  "R4 Z16 R4 Z16 R4 Z16 R4" },
	{ OP(VMOVDQU8),  WR, 16, XMM, DEST, 0, 1, 0xFFFF8001, 0, 1,
	  "R1 Z14 R1" },
	{ OP(VMOVDQU16), WR, 32, YMM, DEST, 0, 7, 0x0000C000, 0, 2,
	  "Z28 R4" },
	{ OP(VMOVDQA32), WR, 16, XMM, DEST, 0, 3, 0x6, 0, 4, "Z4 R8 Z4" },
	{ OP(VMOVDQU64), WR, 64, ZMM, DEST, 0, 3, 0x81, 0, 8, "R8 Z48 R8" },
	{ OP(VMOVSS),    WR, 4,  XMM, DEST, 0, 1, 0x2, 0, 4, "Z4" },
	{ OP(VMOVSD),    WR, 8,  XMM, DEST, 0, 1, 0x1, 0, 8, "R8" },
	/* MMX */
	{ OP(MOVD),      WR, 4,  MMX, 2,    0, 0, 0, 0, 0, "R4" },
	{ OP(MOVQ),      WR, 8,  MMX, 7,    0, 0, 0, 0, 0, "R8" },
};

static struct mmiodec_insn build(const struct vcase *c)
{
	struct mmiodec_insn insn;

	memset(&insn, 0, sizeof(insn));
	insn.status = MMIODEC_OK;
	insn.length = 4;
	insn.mode = MMIODEC_MODE_64;
	insn.address_size = 64;
	insn.op = (uint8_t)c->op;
	insn.direction = (uint8_t)c->direction;
	insn.width = (uint8_t)c->width;
	insn.reg_kind = (uint8_t)c->kind;
	insn.reg = (uint8_t)c->reg;
	insn.reg2 = (uint8_t)c->reg2;
	insn.dest_width = c->kind == MMX ? 8 : c->kind == XMM ? 16
			  : c->kind == YMM ? 32 : 64;
	insn.mask = (uint8_t)c->mask;
	insn.zeroing = (uint8_t)c->zeroing;
	insn.mem_count = 1;
	insn.mem[0].base = MMIODEC_RBX;
	insn.mem[0].index = MMIODEC_NO_REG;
	insn.mem[0].segment = MMIODEC_SEG_DS;
	insn.mem[0].address_size = 64;
	insn.mem[0].access = (uint8_t)c->direction;
	insn.mem[0].element = (uint8_t)c->element;
	return insn;
}

/* The registers every case starts from; dest's bytes 0x40 + i, src1's
 * (when it is another register) 0xC0 + i, each other ZMM n all n. */
static void fill_vregs(struct mmiodec_vregs *v, unsigned kind, unsigned dest,
		       unsigned src1)
{
	for (unsigned n = 0; n < 32; n++)
		memset(v->zmm[n], (int)n, 64);
	for (unsigned i = 0; i < 64; i++)
		v->zmm[src1][i] = (uint8_t)(0xC0 + i);
	for (unsigned n = 0; n < 8; n++) {
		v->k[n] = 0x1111111111111111ull * n;
		v->mm[n] = 0x0101010101010101ull * (0x20 + n);
	}
	if (kind == MMX) {
		v->mm[dest] = 0;
		for (unsigned i = 0; i < 8; i++)
			v->mm[dest] |= (uint64_t)(0x40 + i) << (8 * i);
	} else {
		for (unsigned i = 0; i < 64; i++)
			v->zmm[dest][i] = (uint8_t)(0x40 + i);
	}
}

/* The offset in the register where the memory operand starts. */
static unsigned high_offset(unsigned op)
{
	return op == OP(MOVHPS) || op == OP(MOVHPD) || op == OP(VMOVHPS) ||
	       op == OP(VMOVHPD) ? 8 : 0;
}

/*
 * Expands a layout into expected bytes: reg the register's old bytes (a
 * load) or current bytes (a store), src1 reg2's; returns how many bytes
 * the layout covers.
 */
static unsigned expand(const char *layout, const uint8_t *reg,
		       const uint8_t *src1, const uint8_t *mem,
		       unsigned offset, bool store, uint8_t *out)
{
	unsigned at = 0;
	const char *p = layout;

	while (*p) {
		char what = *p++;
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		p = end;
		while (*p == ' ')
			p++;
		for (unsigned long j = 0; j < n && at < 64; j++, at++) {
			switch (what) {
			case 'M': out[at] = mem[at - offset]; break;
			case 'K': out[at] = reg[at]; break;
			case 'Z': out[at] = 0; break;
			case 'S': out[at] = src1[at]; break;
			case 'R': out[at] = reg[offset + at]; break;
			default: fail_msg("bad layout %s", layout);
			}
			(void)store;
		}
	}
	return at;
}

/* "xmm3"... (names.c may not know them yet: no NULL to printf) */
static const char *reg_name(unsigned kind, unsigned reg)
{
	static char name[16];
	const char *prefix = kind == MMX ? "mm" : kind == XMM ? "xmm"
			     : kind == YMM ? "ymm" : "zmm";

	snprintf(name, sizeof(name), "%s%u", prefix, reg);
	return name;
}

static void print_bytes(const char *what, const uint8_t *b, unsigned n)
{
	fprintf(stderr, "  %-9s", what);
	for (unsigned i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i && i % 16 == 0 ? "\n           " : " ",
			b[i]);
	fprintf(stderr, "\n");
}

/* One load case: the register as the layout says, everything else
 * unchanged. Returns false on a mismatch (printed). */
static bool check_load(const struct vcase *c, const struct mmiodec_insn *insn)
{
	struct mmiodec_vregs v, before;
	uint8_t mem[64], old[64], want[64];
	unsigned offset = high_offset(insn->op), size = c->kind == MMX ? 8 : 64;

	fill_vregs(&v, c->kind, c->reg, c->reg2 == c->reg ? 0 : c->reg2);
	if (c->mask)
		v.k[c->mask] = c->k;
	for (unsigned i = 0; i < 64; i++)
		mem[i] = (uint8_t)(0x80 + i);
	before = v;
	if (c->kind == MMX)
		memcpy(old, &v.mm[c->reg], 8);
	else
		memcpy(old, v.zmm[c->reg], 64);
	unsigned covered = expand(c->layout, old,
				  v.zmm[c->reg2 & 31], mem, offset, false, want);
	if (covered != size) {
		fprintf(stderr, "layout %s covers %u bytes, not %u\n", c->layout,
			covered, size);
		return false;
	}
	if (!mmiodec_vector_complete_load(insn, &v, mem)) {
		fprintf(stderr, "%s load: returned false\n", mmiodec_mnemonic(insn));
		return false;
	}
	uint8_t got[64];
	if (c->kind == MMX) {
		memcpy(got, &v.mm[c->reg], 8);
		memcpy(&v.mm[c->reg], &before.mm[c->reg], 8);
	} else {
		memcpy(got, v.zmm[c->reg], 64);
		memcpy(v.zmm[c->reg], before.zmm[c->reg], 64);
	}
	bool ok = memcmp(got, want, size) == 0;
	if (!ok) {
		fprintf(stderr, "%s load into %s, width %u, k%u=0x%llx%s: %s\n",
			mmiodec_mnemonic(insn),
			reg_name(c->kind, c->reg), c->width, c->mask,
			(unsigned long long)c->k, c->zeroing ? " {z}" : "",
			c->layout);
		print_bytes("expected", want, size);
		print_bytes("got", got, size);
	}
	if (memcmp(&v, &before, sizeof(v)) != 0) {
		fprintf(stderr, "%s load into %s: another register changed\n",
			mmiodec_mnemonic(insn),
			reg_name(c->kind, c->reg));
		ok = false;
	}
	return ok;
}

static bool check_store(const struct vcase *c, const struct mmiodec_insn *insn)
{
	struct mmiodec_vregs v, before;
	uint8_t data[64], want[64], reg[64];
	unsigned offset = high_offset(insn->op);

	fill_vregs(&v, c->kind, c->reg, 0);
	if (c->mask)
		v.k[c->mask] = c->k;
	before = v;
	if (c->kind == MMX)
		memcpy(reg, &v.mm[c->reg], 8);
	else
		memcpy(reg, v.zmm[c->reg], 64);
	unsigned covered = expand(c->layout, reg, reg, reg, offset, true, want);
	if (covered != c->width) {
		fprintf(stderr, "layout %s covers %u bytes, not %u\n", c->layout,
			covered, c->width);
		return false;
	}
	memset(data, 0xEE, sizeof(data));
	if (!mmiodec_vector_store_value(insn, &v, data)) {
		fprintf(stderr, "%s store: returned false\n", mmiodec_mnemonic(insn));
		return false;
	}
	bool ok = memcmp(data, want, c->width) == 0;
	for (unsigned i = c->width; i < 64; i++)
		if (data[i] != 0xEE) {
			fprintf(stderr, "%s store: byte %u written past the width\n",
				mmiodec_mnemonic(insn), i);
			ok = false;
			break;
		}
	if (!ok && memcmp(data, want, c->width) != 0) {
		fprintf(stderr, "%s store from %s, width %u, k%u=0x%llx: %s\n",
			mmiodec_mnemonic(insn),
			reg_name(c->kind, c->reg), c->width, c->mask,
			(unsigned long long)c->k, c->layout);
		print_bytes("expected", want, c->width);
		print_bytes("got", data, c->width);
	}
	if (memcmp(&v, &before, sizeof(v)) != 0) {
		fprintf(stderr, "%s store: a register changed\n",
			mmiodec_mnemonic(insn));
		ok = false;
	}
	return ok;
}

static void test_loads(void **state)
{
	unsigned failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(loads); i++) {
		struct mmiodec_insn insn = build(&loads[i]);
		failures += !check_load(&loads[i], &insn);
	}
	assert_int_equal(failures, 0);
}

static void test_stores(void **state)
{
	unsigned failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(stores); i++) {
		struct mmiodec_insn insn = build(&stores[i]);
		failures += !check_store(&stores[i], &insn);
	}
	assert_int_equal(failures, 0);
}

/* Real bytes through the decoder (Zydis agrees on each), then the vector
 * functions: the descriptor has what they need. [rbx] throughout. */
static const struct {
	const char *bytes;
	unsigned align;         /* mem[0].align the decoder must give */
	struct vcase c;         /* op ... element: the descriptor; k, layout */
} decoded[] = {
	{ "0F 10 03", 0,         /* movups xmm0, [rbx] */
	  { OP(MOVUPS), RD, 16, XMM, 0, 0, 0, 0, 0, 0, "M16 K48" } },
	{ "0F 28 03", 16,        /* movaps xmm0, [rbx] */
	  { OP(MOVAPS), RD, 16, XMM, 0, 0, 0, 0, 0, 0, "M16 K48" } },
	{ "F3 0F 10 0B", 0,      /* movss xmm1, [rbx] */
	  { OP(MOVSS), RD, 4, XMM, 1, 0, 0, 0, 0, 0, "M4 Z12 K48" } },
	{ "66 0F 17 1B", 0,      /* movhpd [rbx], xmm3 */
	  { OP(MOVHPD), WR, 8, XMM, 3, 0, 0, 0, 0, 0, "R8" } },
	{ "66 48 0F 7E 03", 0,   /* movq [rbx], xmm0 */
	  { OP(MOVQ), WR, 8, XMM, 0, 0, 0, 0, 0, 0, "R8" } },
	{ "0F 6E 23", 0,         /* movd mm4, [rbx] */
	  { OP(MOVD), RD, 4, MMX, 4, 0, 0, 0, 0, 0, "M4 Z4" } },
	{ "C5 FC 10 03", 0,      /* vmovups ymm0, [rbx] */
	  { OP(VMOVUPS), RD, 32, YMM, 0, 0, 0, 0, 0, 0, "M32 Z32" } },
	{ "C5 F0 12 13", 0,      /* vmovlps xmm2, xmm1, [rbx] */
	  { OP(VMOVLPS), RD, 8, XMM, 2, 1, 0, 0, 0, 0, "M8 S8 Z48" } },
	{ "C4 E1 F9 D6 03", 0,   /* vmovq [rbx], xmm0 */
	  { OP(VMOVQ), WR, 8, XMM, 0, 0, 0, 0, 0, 0, "R8" } },
	{ "62 F1 7C 4A 10 03", 0, /* vmovups zmm0 {k2}, [rbx] */
	  { OP(VMOVUPS), RD, 64, ZMM, 0, 0, 2, 0x8421, 0, 4,
	    "M4 K16 M4 K16 M4 K16 M4" } },
	{ "62 F1 FD CB 6F 03", 64, /* vmovdqa64 zmm0 {k3}{z}, [rbx] */
	  { OP(VMOVDQA64), RD, 64, ZMM, 0, 0, 3, 0x0F, 1, 8, "M32 Z32" } },
	{ "62 E1 7E 08 6F 03", 0, /* vmovdqu32 xmm16, [rbx] */
	  { OP(VMOVDQU32), RD, 16, XMM, 16, 0, 0, 0, 0, 0, "M16 Z48" } },
	{ "62 F1 7E 8F 10 03", 0, /* vmovss xmm0 {k7}{z}, [rbx] */
	  { OP(VMOVSS), RD, 4, XMM, 0, 0, 7, 0x2, 1, 4, "Z64" } },
	{ "62 F1 7F 29 7F 03", 0, /* vmovdqu8 [rbx] {k1}, ymm0 */
	  { OP(VMOVDQU8), WR, 32, YMM, 0, 0, 1, 0x80000001, 0, 1,
	    "R1 Z30 R1" } },
	{ "62 F1 FE 4B 7F 2B", 0, /* vmovdqu64 [rbx] {k3}, zmm5 */
	  { OP(VMOVDQU64), WR, 64, ZMM, 5, 0, 3, 0x82, 0, 8,
	    "Z8 R8 Z40 R8" } },
};

static void test_decoded(void **state)
{
	unsigned failures = 0;

	(void)state;
	for (size_t i = 0; i < COUNT(decoded); i++) {
		const struct vcase *c = &decoded[i].c;
		uint8_t bytes[16];
		size_t len;
		int n = parse_hex(decoded[i].bytes, bytes, sizeof(bytes), &len);
		struct mmiodec_insn insn;

		assert_true(n > 0);
		if (mmiodec_decode_vendor(&insn, bytes, (size_t)n, MMIODEC_MODE_64,
					  MMIODEC_VENDOR_INTEL) != MMIODEC_OK ||
		    insn.op != c->op || insn.direction != c->direction ||
		    insn.width != c->width || insn.reg_kind != c->kind ||
		    insn.reg != c->reg || insn.reg2 != c->reg2 ||
		    insn.mask != c->mask || insn.zeroing != c->zeroing ||
		    insn.mem[0].element != c->element ||
		    insn.mem[0].align != decoded[i].align) {
			fprintf(stderr, "%s: decoded as %s width %u kind %u reg %u "
				"reg2 %u mask %u zeroing %u element %u align %u\n",
				decoded[i].bytes, mmiodec_mnemonic(&insn), insn.width,
				insn.reg_kind, insn.reg, insn.reg2, insn.mask,
				insn.zeroing, insn.mem[0].element, insn.mem[0].align);
			failures++;
			continue;
		}
		failures += !(c->direction == RD ? check_load(c, &insn)
						 : check_store(c, &insn));
	}
	assert_int_equal(failures, 0);
}

/* mmiodec_vector_mask(): element i of the access is made iff bit i of the
 * opmask (bits at and above width / element are ignored). */
static void test_mask(void **state)
{
	static const struct {
		unsigned width, mask, element;
		uint64_t k, bytes;
	} cases[] = {
		{ 4,  0, 0, 0, 0xF },
		{ 8,  0, 0, 0, 0xFF },
		{ 16, 0, 0, 0, 0xFFFF },
		{ 32, 0, 0, 0, 0xFFFFFFFF },
		{ 64, 0, 0, 0, ~0ull },
		{ 64, 1, 1, 0x8000000000000001, 0x8000000000000001 },
		{ 64, 1, 1, ~0ull, ~0ull },
		{ 32, 2, 1, 0xFFFFFFFF00000003, 0x3 },
		{ 32, 2, 4, 0xFF05, 0x0F0F },
		{ 16, 3, 2, 0xA5, 0xCC33 },
		{ 64, 4, 8, 0x81, 0xFF000000000000FF },
		{ 64, 4, 8, 0x100, 0 },
		{ 16, 5, 8, 0x2, 0xFF00 },
		{ 4,  6, 4, 0xFFFFFFFE, 0 },
		{ 4,  6, 4, 0x1, 0xF },
		{ 8,  7, 8, 0x1, 0xFF },
		/* an element size no mask can have */
		{ 16, 7, 3, ~0ull, 0 },
		{ 16, 7, 0, ~0ull, 0 },
		{ 4,  7, 8, ~0ull, 0 },
	};
	struct mmiodec_vregs v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.k[0] = ~0ull;   /* never read: mask 0 is no mask */
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct vcase c = { OP(VMOVDQU8), RD, cases[i].width, ZMM, 0, 0,
				   cases[i].mask, 0, 0, cases[i].element, "" };
		struct mmiodec_insn insn = build(&c);
		if (cases[i].mask)
			v.k[cases[i].mask] = cases[i].k;
		uint64_t got = mmiodec_vector_mask(&insn, &v);
		if (got != cases[i].bytes)
			fail_msg("case %zu: width %u k%u=0x%llx element %u: 0x%llx, "
				 "expected 0x%llx", i, cases[i].width, cases[i].mask,
				 (unsigned long long)cases[i].k, cases[i].element,
				 (unsigned long long)got,
				 (unsigned long long)cases[i].bytes);
	}

	/* any OK descriptor: its width; not OK or NULL: 0 */
	struct vcase mov = { OP(MOV), WR, 2, MMIODEC_REG_KIND_GPR, 0, 0, 0, 0,
			     0, 0, "" };
	struct mmiodec_insn insn = build(&mov);
	assert_int_equal(mmiodec_vector_mask(&insn, &v), 0x3);
	assert_int_equal(mmiodec_vector_mask(NULL, &v), 0);
	assert_int_equal(mmiodec_vector_mask(&insn, NULL), 0);
	insn.status = MMIODEC_UNSUPPORTED;
	assert_int_equal(mmiodec_vector_mask(&insn, &v), 0);
}

/* Anything but a vector move of a shape the rules know: false, and
 * nothing written. */
static void test_refused(void **state)
{
	static const struct vcase cases[] = {
		/* not vector moves, or (MOVNTDQ, VMOVNTPS) no load form
		 * (each case is tried as a load and as a store) */
		{ OP(MOV),       RD, 8,  MMIODEC_REG_KIND_GPR, 0, 0, 0, 0, 0, 0, "" },
		{ OP(MOVNTDQ),   RD, 16, XMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVNTPS),  RD, 32, YMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(MOVDIRI),   WR, 8,  MMIODEC_REG_KIND_GPR, 0, 0, 0, 0, 0, 0, "" },
		{ OP(MOVDIR64B), RD, 64, MMIODEC_REG_KIND_GPR, 0, 0, 0, 0, 0, 0, "" },
		/* kinds, widths, registers and masks no form has */
		{ OP(MOVUPS),    RD, 16, YMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(MOVUPS),    RD, 16, MMX, 1, 0, 0, 0, 0, 0, "" },
		{ OP(MOVUPS),    RD, 16, XMM, 1, 0, 1, 0, 0, 4, "" },
		{ OP(VMOVUPS),   RD, 64, YMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVUPS),   RD, 12, XMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVUPS),   RD, 0,  XMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVUPS),   RD, 16, XMM, 32, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVUPS),   RD, 16, XMM, 1, 0, 1, 0, 0, 0, "" },
		{ OP(VMOVUPS),   RD, 16, XMM, 1, 0, 1, 0, 0, 3, "" },
		{ OP(VMOVUPS),   RD, 4,  XMM, 1, 0, 1, 0, 0, 8, "" },
		{ OP(MOVHPS),    RD, 16, XMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVLPS),   RD, 8,  YMM, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVLPS),   RD, 8,  XMM, 1, 32, 0, 0, 0, 0, "" },
		{ OP(MOVD),      RD, 4,  MMX, 8, 0, 0, 0, 0, 0, "" },
		{ OP(MOVQ),      RD, 16, MMX, 1, 0, 0, 0, 0, 0, "" },
		{ OP(VMOVQ),     RD, 8,  MMX, 1, 0, 0, 0, 0, 0, "" },
		{ OP(MOVQ),      RD, 8,  MMIODEC_REG_KIND_GPR, 1, 0, 0, 0, 0, 0, "" },
	};
	struct mmiodec_vregs v, before;
	uint8_t data[64], want[64];

	(void)state;
	fill_vregs(&v, XMM, 1, 2);
	before = v;
	memset(data, 0xEE, sizeof(data));
	memcpy(want, data, sizeof(data));
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct mmiodec_insn insn = build(&cases[i]);
		insn.direction = insn.mem[0].access = RD;
		if (mmiodec_vector_complete_load(&insn, &v, data))
			fail_msg("case %zu accepted as a load", i);
		/* MOVNTDQ and VMOVNTPS are stores */
		insn.direction = insn.mem[0].access = WR;
		if (insn.op != OP(MOVNTDQ) && insn.op != OP(VMOVNTPS) &&
		    mmiodec_vector_store_value(&insn, &v, data))
			fail_msg("case %zu accepted as a store", i);
	}
	/* a load is not a store, nor the other way round */
	struct mmiodec_insn insn = build(&loads[0]);
	assert_false(mmiodec_vector_store_value(&insn, &v, data));
	insn = build(&stores[0]);
	assert_false(mmiodec_vector_complete_load(&insn, &v, data));
	/* MOVNTDQA has no store form */
	struct vcase ntdqa = { OP(MOVNTDQA), WR, 16, XMM, 1, 0, 0, 0, 0, 0, "" };
	insn = build(&ntdqa);
	assert_false(mmiodec_vector_store_value(&insn, &v, data));
	/* NULL and not OK */
	insn = build(&loads[0]);
	assert_false(mmiodec_vector_complete_load(NULL, &v, data));
	assert_false(mmiodec_vector_complete_load(&insn, NULL, data));
	assert_false(mmiodec_vector_complete_load(&insn, &v, NULL));
	insn.status = MMIODEC_INVALID;
	assert_false(mmiodec_vector_complete_load(&insn, &v, data));
	insn = build(&stores[0]);
	assert_false(mmiodec_vector_store_value(NULL, &v, data));
	assert_false(mmiodec_vector_store_value(&insn, NULL, data));
	assert_false(mmiodec_vector_store_value(&insn, &v, NULL));
	assert_memory_equal(&v, &before, sizeof(v));
	assert_memory_equal(data, want, sizeof(data));
}

/* mmiodec_execute(): the vector moves are not its business; MOVDIRI
 * stores its register as MOV does; MOVDIR64B only advances RIP; ENQCMD(S)
 * set ZF from the device's answer and clear CF, PF, AF, SF, OF. */
static void test_execute(void **state)
{
	struct mmiodec_regs regs, before;
	struct mmiodec_exec out;
	uint64_t loaded[2] = { 0x1122334455667788, 0 };

	(void)state;
	memset(&regs, 0, sizeof(regs));
	for (unsigned i = 0; i < 16; i++)
		regs.gpr[i] = 0x1020304050607080ull + i * 0x0101010101010101ull;
	regs.rip = START_RIP;
	regs.rflags = 0x202 | 0x8D5;   /* CF PF AF ZF SF OF */
	before = regs;

	for (size_t i = 0; i < COUNT(loads); i++) {
		struct mmiodec_insn insn = build(&loads[i]);
		assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out),
				 MMIODEC_EXEC_NOT_HANDLED);
	}
	for (size_t i = 0; i < COUNT(stores); i++) {
		struct mmiodec_insn insn = build(&stores[i]);
		assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out),
				 MMIODEC_EXEC_NOT_HANDLED);
		assert_int_equal(out.writes, 0);
	}
	assert_memory_equal(&regs, &before, sizeof(regs));

	/* MOVDIRI [rbx], ecx / rcx */
	struct vcase movdiri = { OP(MOVDIRI), WR, 4, MMIODEC_REG_KIND_GPR,
				 MMIODEC_RCX, 0, 0, 0, 0, 0, "" };
	struct mmiodec_insn insn = build(&movdiri);
	assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out),
			 MMIODEC_EXEC_OK);
	assert_true(out.writes);
	assert_int_equal(out.store[0], 0x51617181);
	assert_int_equal(regs.rip, START_RIP + 4);
	regs.rip = START_RIP;
	assert_memory_equal(&regs, &before, sizeof(regs));
	insn.width = insn.dest_width = 8;
	assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out),
			 MMIODEC_EXEC_OK);
	assert_int_equal(out.store[0], 0x1121314151617181);
	regs.rip = START_RIP;

	/* MOVDIR64B rax, [rbx]: 64 bytes copied by the handler */
	struct vcase movdir64b = { OP(MOVDIR64B), MMIODEC_DIR_READ_WRITE, 64,
				   MMIODEC_REG_KIND_GPR, MMIODEC_RAX, 0, 0, 0,
				   0, 0, "" };
	insn = build(&movdir64b);
	insn.mem_count = 2;
	insn.mem[1] = insn.mem[0];
	insn.mem[0].segment = MMIODEC_SEG_ES;
	insn.mem[0].base = MMIODEC_RAX;
	insn.mem[0].align = 64;
	insn.mem[0].access = WR;
	insn.mem[1].access = RD;
	insn.dest_width = 8;
	assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out),
			 MMIODEC_EXEC_OK);
	assert_false(out.writes);
	assert_int_equal(regs.rip, START_RIP + 4);
	regs.rip = START_RIP;
	assert_memory_equal(&regs, &before, sizeof(regs));

	/* ENQCMD, ENQCMDS: loaded[0] is the device's answer */
	for (unsigned op = OP(ENQCMD); op <= OP(ENQCMDS); op++) {
		insn.op = (uint8_t)op;
		regs.rflags = 0x202 | 0x8D5;
		loaded[0] = 0;
		assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out),
				 MMIODEC_EXEC_OK);
		assert_false(out.writes);
		assert_int_equal(regs.rflags, 0x202);
		assert_int_equal(regs.rip, START_RIP + 4);
		regs.rip = START_RIP;
		regs.rflags = 0x202 | 0x001;
		loaded[0] = 1ull << 63;
		assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out),
				 MMIODEC_EXEC_OK);
		assert_int_equal(regs.rflags, 0x202 | 0x040);
		regs.rip = START_RIP;
		/* the answer is needed */
		assert_int_equal(mmiodec_execute(&insn, &regs, NULL, &out),
				 MMIODEC_EXEC_NOT_HANDLED);
		assert_int_equal(regs.rflags, 0x202 | 0x040);
		assert_int_equal(regs.rip, START_RIP);
	}
	/* a width no portal store has */
	insn.width = 32;
	assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out),
			 MMIODEC_EXEC_NOT_HANDLED);
	assert_int_equal(regs.rip, START_RIP);
}

/* The same, from real bytes: what memory gets, RIP, RFLAGS. */
static void test_execute_decoded(void **state)
{
	static const struct {
		const char *bytes;
		uint64_t answer;       /* loaded[0] */
		unsigned writes;
		uint64_t store;
		uint64_t rflags_out;   /* from 0x202 | CF PF AF ZF SF OF */
	} cases[] = {
		{ "0F 38 F9 0B", 0, 1, 0x51617181, 0xAD7 },       /* movdiri [rbx], ecx */
		{ "48 0F 38 F9 0B", 0, 1, 0x1121314151617181, 0xAD7 },
		{ "44 0F 38 F9 3B", 0, 1, 0x5f6f7f8f, 0xAD7 },    /* r15d */
		{ "66 0F 38 F8 03", 5, 0, 0, 0xAD7 },             /* movdir64b */
		{ "F2 0F 38 F8 03", 0, 0, 0, 0x202 },             /* enqcmd: accepted */
		{ "F2 0F 38 F8 03", 1, 0, 0, 0x242 },             /* retry: ZF */
		{ "F3 0F 38 F8 03", 0xFF00, 0, 0, 0x242 },        /* enqcmds */
	};
	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t bytes[16];
		size_t len;
		int n = parse_hex(cases[i].bytes, bytes, sizeof(bytes), &len);
		struct mmiodec_insn insn;
		struct mmiodec_regs regs;
		struct mmiodec_exec out;
		uint64_t loaded[2] = { cases[i].answer, 0 };

		memset(&regs, 0, sizeof(regs));
		for (unsigned r = 0; r < 16; r++)
			regs.gpr[r] = 0x1020304050607080ull +
				      r * 0x0101010101010101ull;
		regs.rip = START_RIP;
		regs.rflags = 0x202 | 0x8D5;
		struct mmiodec_regs before = regs;
		assert_int_equal(mmiodec_decode_vendor(&insn, bytes, (size_t)n,
						       MMIODEC_MODE_64,
						       MMIODEC_VENDOR_INTEL),
				 MMIODEC_OK);
		assert_int_equal(mmiodec_execute(&insn, &regs, loaded, &out),
				 MMIODEC_EXEC_OK);
		assert_int_equal(out.writes, cases[i].writes);
		assert_int_equal(out.store[0], cases[i].store);
		assert_int_equal(regs.rflags, cases[i].rflags_out);
		assert_int_equal(regs.rip, START_RIP + (unsigned)n);
		regs.rip = before.rip;
		regs.rflags = before.rflags;
		assert_memory_equal(&regs, &before, sizeof(regs));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_stores),
		cmocka_unit_test(test_decoded),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_execute),
		cmocka_unit_test(test_execute_decoded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
