/* SPDX-License-Identifier: MIT */
/*
 * cpu-oracle: the cases of tier 3, by what the CPU has (CPUID, and XCR0
 * for the state the kernel enables): the vector moves with a memory
 * operand (MMX MOVD/MOVQ; SSE MOVD..MOVNTDQA; their VEX forms at 128 and
 * 256 bits; their EVEX forms at 128, 256 and 512 bits with XMM/YMM/ZMM
 * 0..31, the opmask forms with k1..k7, merging and zeroing) and the
 * portal stores (MOVDIRI, MOVDIR64B). Each case starts from random vector
 * registers, which the stub loads and saves around the instruction; the
 * run compares them bit for bit.
 *
 * What a case expects of the device: one access of the operand's width,
 * or for a masked access one per run of contiguous selected bytes, none
 * when the mask selects nothing. An aligned form at a misaligned address
 * must raise #GP (SIGSEGV, SI_KERNEL) in both runs without a callback.
 * The EVEX forms' 8-bit displacements are scaled by the operand's width
 * (disp8*N, SDM vol. 2, 2.7.5: N is the width for every form here).
 */
#include "oracle.h"
#include "../cpu_identity.h"

#include <stdio.h>
#include <string.h>

enum encoding { ENC_LEGACY, ENC_VEX, ENC_EVEX };
static const char *const encoding_names[] = { "legacy", "vex", "evex" };

enum feature {
	FEAT_MMX, FEAT_SSE, FEAT_SSE2, FEAT_SSE41, FEAT_AVX, FEAT_AVX2,
	FEAT_AVX512F, FEAT_AVX512BW, FEAT_AVX512VL, FEAT_MOVDIRI,
	FEAT_MOVDIR64B, FEAT_ENQCMD, FEAT_COUNT
};
static const char *const feature_names[FEAT_COUNT] = {
	"MMX", "SSE", "SSE2", "SSE4.1", "AVX", "AVX2", "AVX512F",
	"AVX512BW", "AVX512VL", "MOVDIRI", "MOVDIR64B", "ENQCMD",
};
static bool has[FEAT_COUNT];

/* Vector lengths a form has: 128 (or its scalar width), 256, 512 bits. */
#define VL128 1
#define VL256 2
#define VL512 4

struct vform {
	const char *name;
	uint8_t op;        /* enum mmiodec_op */
	uint8_t enc;       /* enum encoding */
	uint8_t pp;        /* 0 none, 1 66, 2 F3, 3 F2 (VEX's pp) */
	uint8_t map;       /* 1: 0F, 2: 0F 38 */
	uint8_t opcode;
	int8_t w;          /* REX.W/VEX.W/EVEX.W; -1: ignored, random */
	bool store;
	uint8_t width;     /* bytes; 0: the vector length */
	uint8_t vls;       /* VL128 | VL256 | VL512 */
	bool mmx;          /* MM0..7 */
	bool aligned;      /* the address must be aligned to the width */
	uint8_t element;   /* EVEX: the opmask's element size; 0: none */
	bool vvvv;         /* the other half comes from VEX.vvvv (reg2) */
	bool lig;          /* L (L'L) is ignored: random */
	uint8_t feature;
	uint8_t feature256; /* what VL 256 needs besides (VEX); 0: nothing */
};

#define MMXF(n, o, c, w, st, wd) \
	{ n, MMIODEC_OP_##o, ENC_LEGACY, 0, 1, c, w, st, wd, VL128, true, \
	  false, 0, false, false, FEAT_MMX, 0 }
#define LEG(n, o, p, m, c, w, st, wd, al, f) \
	{ n, MMIODEC_OP_##o, ENC_LEGACY, p, m, c, w, st, wd, VL128, false, \
	  al, 0, false, false, FEAT_##f, 0 }
#define VEX(n, o, p, m, c, w, st, wd, vls, al, vv, lig, f256) \
	{ n, MMIODEC_OP_##o, ENC_VEX, p, m, c, w, st, wd, vls, false, al, 0, \
	  vv, lig, FEAT_AVX, f256 }
#define EVX(n, o, p, m, c, w, st, wd, vls, al, el, vv, lig, f) \
	{ n, MMIODEC_OP_##o, ENC_EVEX, p, m, c, w, st, wd, vls, false, al, \
	  el, vv, lig, FEAT_##f, 0 }
#define VLALL (VL128 | VL256 | VL512)
#define VLAVX (VL128 | VL256)

static const struct vform vforms[] = {
	MMXF("movd mm, m32", MOVD, 0x6e, 0, false, 4),
	MMXF("movd m32, mm", MOVD, 0x7e, 0, true, 4),
	MMXF("movq mm, m64 (rex.w 6e)", MOVQ, 0x6e, 1, false, 8),
	MMXF("movq m64, mm (rex.w 7e)", MOVQ, 0x7e, 1, true, 8),
	MMXF("movq mm, m64", MOVQ, 0x6f, -1, false, 8),
	MMXF("movq m64, mm", MOVQ, 0x7f, -1, true, 8),
	LEG("movd xmm, m32", MOVD, 1, 1, 0x6e, 0, false, 4, false, SSE2),
	LEG("movd m32, xmm", MOVD, 1, 1, 0x7e, 0, true, 4, false, SSE2),
	LEG("movq xmm, m64 (rex.w 6e)", MOVQ, 1, 1, 0x6e, 1, false, 8, false, SSE2),
	LEG("movq m64, xmm (rex.w 7e)", MOVQ, 1, 1, 0x7e, 1, true, 8, false, SSE2),
	LEG("movq xmm, m64", MOVQ, 2, 1, 0x7e, -1, false, 8, false, SSE2),
	LEG("movq m64, xmm", MOVQ, 1, 1, 0xd6, -1, true, 8, false, SSE2),
	LEG("movss xmm, m32", MOVSS, 2, 1, 0x10, -1, false, 4, false, SSE),
	LEG("movss m32, xmm", MOVSS, 2, 1, 0x11, -1, true, 4, false, SSE),
	LEG("movsd xmm, m64", MOVSD_XMM, 3, 1, 0x10, -1, false, 8, false, SSE2),
	LEG("movsd m64, xmm", MOVSD_XMM, 3, 1, 0x11, -1, true, 8, false, SSE2),
	LEG("movups xmm, m128", MOVUPS, 0, 1, 0x10, -1, false, 16, false, SSE),
	LEG("movups m128, xmm", MOVUPS, 0, 1, 0x11, -1, true, 16, false, SSE),
	LEG("movupd xmm, m128", MOVUPD, 1, 1, 0x10, -1, false, 16, false, SSE2),
	LEG("movupd m128, xmm", MOVUPD, 1, 1, 0x11, -1, true, 16, false, SSE2),
	LEG("movaps xmm, m128", MOVAPS, 0, 1, 0x28, -1, false, 16, true, SSE),
	LEG("movaps m128, xmm", MOVAPS, 0, 1, 0x29, -1, true, 16, true, SSE),
	LEG("movapd xmm, m128", MOVAPD, 1, 1, 0x28, -1, false, 16, true, SSE2),
	LEG("movapd m128, xmm", MOVAPD, 1, 1, 0x29, -1, true, 16, true, SSE2),
	LEG("movdqa xmm, m128", MOVDQA, 1, 1, 0x6f, -1, false, 16, true, SSE2),
	LEG("movdqa m128, xmm", MOVDQA, 1, 1, 0x7f, -1, true, 16, true, SSE2),
	LEG("movdqu xmm, m128", MOVDQU, 2, 1, 0x6f, -1, false, 16, false, SSE2),
	LEG("movdqu m128, xmm", MOVDQU, 2, 1, 0x7f, -1, true, 16, false, SSE2),
	LEG("movlps xmm, m64", MOVLPS, 0, 1, 0x12, -1, false, 8, false, SSE),
	LEG("movlps m64, xmm", MOVLPS, 0, 1, 0x13, -1, true, 8, false, SSE),
	LEG("movhps xmm, m64", MOVHPS, 0, 1, 0x16, -1, false, 8, false, SSE),
	LEG("movhps m64, xmm", MOVHPS, 0, 1, 0x17, -1, true, 8, false, SSE),
	LEG("movlpd xmm, m64", MOVLPD, 1, 1, 0x12, -1, false, 8, false, SSE2),
	LEG("movlpd m64, xmm", MOVLPD, 1, 1, 0x13, -1, true, 8, false, SSE2),
	LEG("movhpd xmm, m64", MOVHPD, 1, 1, 0x16, -1, false, 8, false, SSE2),
	LEG("movhpd m64, xmm", MOVHPD, 1, 1, 0x17, -1, true, 8, false, SSE2),
	LEG("movntdq m128, xmm", MOVNTDQ, 1, 1, 0xe7, -1, true, 16, true, SSE2),
	LEG("movntps m128, xmm", MOVNTPS, 0, 1, 0x2b, -1, true, 16, true, SSE),
	LEG("movntpd m128, xmm", MOVNTPD, 1, 1, 0x2b, -1, true, 16, true, SSE2),
	LEG("movntdqa xmm, m128", MOVNTDQA, 1, 2, 0x2a, -1, false, 16, true, SSE41),

	VEX("vmovd xmm, m32", VMOVD, 1, 1, 0x6e, 0, false, 4, VL128, false, false, false, 0),
	VEX("vmovd m32, xmm", VMOVD, 1, 1, 0x7e, 0, true, 4, VL128, false, false, false, 0),
	VEX("vmovq xmm, m64 (w1 6e)", VMOVQ, 1, 1, 0x6e, 1, false, 8, VL128, false, false, false, 0),
	VEX("vmovq m64, xmm (w1 7e)", VMOVQ, 1, 1, 0x7e, 1, true, 8, VL128, false, false, false, 0),
	VEX("vmovq xmm, m64", VMOVQ, 2, 1, 0x7e, -1, false, 8, VL128, false, false, false, 0),
	VEX("vmovq m64, xmm", VMOVQ, 1, 1, 0xd6, -1, true, 8, VL128, false, false, false, 0),
	VEX("vmovss xmm, m32", VMOVSS, 2, 1, 0x10, -1, false, 4, VL128, false, false, true, 0),
	VEX("vmovss m32, xmm", VMOVSS, 2, 1, 0x11, -1, true, 4, VL128, false, false, true, 0),
	VEX("vmovsd xmm, m64", VMOVSD, 3, 1, 0x10, -1, false, 8, VL128, false, false, true, 0),
	VEX("vmovsd m64, xmm", VMOVSD, 3, 1, 0x11, -1, true, 8, VL128, false, false, true, 0),
	VEX("vmovups v, m", VMOVUPS, 0, 1, 0x10, -1, false, 0, VLAVX, false, false, false, 0),
	VEX("vmovups m, v", VMOVUPS, 0, 1, 0x11, -1, true, 0, VLAVX, false, false, false, 0),
	VEX("vmovupd v, m", VMOVUPD, 1, 1, 0x10, -1, false, 0, VLAVX, false, false, false, 0),
	VEX("vmovupd m, v", VMOVUPD, 1, 1, 0x11, -1, true, 0, VLAVX, false, false, false, 0),
	VEX("vmovaps v, m", VMOVAPS, 0, 1, 0x28, -1, false, 0, VLAVX, true, false, false, 0),
	VEX("vmovaps m, v", VMOVAPS, 0, 1, 0x29, -1, true, 0, VLAVX, true, false, false, 0),
	VEX("vmovapd v, m", VMOVAPD, 1, 1, 0x28, -1, false, 0, VLAVX, true, false, false, 0),
	VEX("vmovapd m, v", VMOVAPD, 1, 1, 0x29, -1, true, 0, VLAVX, true, false, false, 0),
	VEX("vmovdqa v, m", VMOVDQA, 1, 1, 0x6f, -1, false, 0, VLAVX, true, false, false, 0),
	VEX("vmovdqa m, v", VMOVDQA, 1, 1, 0x7f, -1, true, 0, VLAVX, true, false, false, 0),
	VEX("vmovdqu v, m", VMOVDQU, 2, 1, 0x6f, -1, false, 0, VLAVX, false, false, false, 0),
	VEX("vmovdqu m, v", VMOVDQU, 2, 1, 0x7f, -1, true, 0, VLAVX, false, false, false, 0),
	VEX("vmovlps xmm, xmm, m64", VMOVLPS, 0, 1, 0x12, -1, false, 8, VL128, false, true, false, 0),
	VEX("vmovlps m64, xmm", VMOVLPS, 0, 1, 0x13, -1, true, 8, VL128, false, false, false, 0),
	VEX("vmovhps xmm, xmm, m64", VMOVHPS, 0, 1, 0x16, -1, false, 8, VL128, false, true, false, 0),
	VEX("vmovhps m64, xmm", VMOVHPS, 0, 1, 0x17, -1, true, 8, VL128, false, false, false, 0),
	VEX("vmovlpd xmm, xmm, m64", VMOVLPD, 1, 1, 0x12, -1, false, 8, VL128, false, true, false, 0),
	VEX("vmovlpd m64, xmm", VMOVLPD, 1, 1, 0x13, -1, true, 8, VL128, false, false, false, 0),
	VEX("vmovhpd xmm, xmm, m64", VMOVHPD, 1, 1, 0x16, -1, false, 8, VL128, false, true, false, 0),
	VEX("vmovhpd m64, xmm", VMOVHPD, 1, 1, 0x17, -1, true, 8, VL128, false, false, false, 0),
	VEX("vmovntdq m, v", VMOVNTDQ, 1, 1, 0xe7, -1, true, 0, VLAVX, true, false, false, 0),
	VEX("vmovntps m, v", VMOVNTPS, 0, 1, 0x2b, -1, true, 0, VLAVX, true, false, false, 0),
	VEX("vmovntpd m, v", VMOVNTPD, 1, 1, 0x2b, -1, true, 0, VLAVX, true, false, false, 0),
	VEX("vmovntdqa v, m", VMOVNTDQA, 1, 2, 0x2a, -1, false, 0, VLAVX, true, false, false, FEAT_AVX2),

	EVX("vmovd xmm, m32", VMOVD, 1, 1, 0x6e, 0, false, 4, VL128, false, 0, false, false, AVX512F),
	EVX("vmovd m32, xmm", VMOVD, 1, 1, 0x7e, 0, true, 4, VL128, false, 0, false, false, AVX512F),
	EVX("vmovq xmm, m64 (w1 6e)", VMOVQ, 1, 1, 0x6e, 1, false, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovq m64, xmm (w1 7e)", VMOVQ, 1, 1, 0x7e, 1, true, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovq xmm, m64", VMOVQ, 2, 1, 0x7e, 1, false, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovq m64, xmm", VMOVQ, 1, 1, 0xd6, 1, true, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovss xmm, m32", VMOVSS, 2, 1, 0x10, 0, false, 4, VL128, false, 4, false, true, AVX512F),
	EVX("vmovss m32, xmm", VMOVSS, 2, 1, 0x11, 0, true, 4, VL128, false, 4, false, true, AVX512F),
	EVX("vmovsd xmm, m64", VMOVSD, 3, 1, 0x10, 1, false, 8, VL128, false, 8, false, true, AVX512F),
	EVX("vmovsd m64, xmm", VMOVSD, 3, 1, 0x11, 1, true, 8, VL128, false, 8, false, true, AVX512F),
	EVX("vmovups v, m", VMOVUPS, 0, 1, 0x10, 0, false, 0, VLALL, false, 4, false, false, AVX512F),
	EVX("vmovups m, v", VMOVUPS, 0, 1, 0x11, 0, true, 0, VLALL, false, 4, false, false, AVX512F),
	EVX("vmovupd v, m", VMOVUPD, 1, 1, 0x10, 1, false, 0, VLALL, false, 8, false, false, AVX512F),
	EVX("vmovupd m, v", VMOVUPD, 1, 1, 0x11, 1, true, 0, VLALL, false, 8, false, false, AVX512F),
	EVX("vmovaps v, m", VMOVAPS, 0, 1, 0x28, 0, false, 0, VLALL, true, 4, false, false, AVX512F),
	EVX("vmovaps m, v", VMOVAPS, 0, 1, 0x29, 0, true, 0, VLALL, true, 4, false, false, AVX512F),
	EVX("vmovapd v, m", VMOVAPD, 1, 1, 0x28, 1, false, 0, VLALL, true, 8, false, false, AVX512F),
	EVX("vmovapd m, v", VMOVAPD, 1, 1, 0x29, 1, true, 0, VLALL, true, 8, false, false, AVX512F),
	EVX("vmovdqu8 v, m", VMOVDQU8, 3, 1, 0x6f, 0, false, 0, VLALL, false, 1, false, false, AVX512BW),
	EVX("vmovdqu8 m, v", VMOVDQU8, 3, 1, 0x7f, 0, true, 0, VLALL, false, 1, false, false, AVX512BW),
	EVX("vmovdqu16 v, m", VMOVDQU16, 3, 1, 0x6f, 1, false, 0, VLALL, false, 2, false, false, AVX512BW),
	EVX("vmovdqu16 m, v", VMOVDQU16, 3, 1, 0x7f, 1, true, 0, VLALL, false, 2, false, false, AVX512BW),
	EVX("vmovdqu32 v, m", VMOVDQU32, 2, 1, 0x6f, 0, false, 0, VLALL, false, 4, false, false, AVX512F),
	EVX("vmovdqu32 m, v", VMOVDQU32, 2, 1, 0x7f, 0, true, 0, VLALL, false, 4, false, false, AVX512F),
	EVX("vmovdqu64 v, m", VMOVDQU64, 2, 1, 0x6f, 1, false, 0, VLALL, false, 8, false, false, AVX512F),
	EVX("vmovdqu64 m, v", VMOVDQU64, 2, 1, 0x7f, 1, true, 0, VLALL, false, 8, false, false, AVX512F),
	EVX("vmovdqa32 v, m", VMOVDQA32, 1, 1, 0x6f, 0, false, 0, VLALL, true, 4, false, false, AVX512F),
	EVX("vmovdqa32 m, v", VMOVDQA32, 1, 1, 0x7f, 0, true, 0, VLALL, true, 4, false, false, AVX512F),
	EVX("vmovdqa64 v, m", VMOVDQA64, 1, 1, 0x6f, 1, false, 0, VLALL, true, 8, false, false, AVX512F),
	EVX("vmovdqa64 m, v", VMOVDQA64, 1, 1, 0x7f, 1, true, 0, VLALL, true, 8, false, false, AVX512F),
	EVX("vmovlps xmm, xmm, m64", VMOVLPS, 0, 1, 0x12, 0, false, 8, VL128, false, 0, true, false, AVX512F),
	EVX("vmovlps m64, xmm", VMOVLPS, 0, 1, 0x13, 0, true, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovhps xmm, xmm, m64", VMOVHPS, 0, 1, 0x16, 0, false, 8, VL128, false, 0, true, false, AVX512F),
	EVX("vmovhps m64, xmm", VMOVHPS, 0, 1, 0x17, 0, true, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovlpd xmm, xmm, m64", VMOVLPD, 1, 1, 0x12, 1, false, 8, VL128, false, 0, true, false, AVX512F),
	EVX("vmovlpd m64, xmm", VMOVLPD, 1, 1, 0x13, 1, true, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovhpd xmm, xmm, m64", VMOVHPD, 1, 1, 0x16, 1, false, 8, VL128, false, 0, true, false, AVX512F),
	EVX("vmovhpd m64, xmm", VMOVHPD, 1, 1, 0x17, 1, true, 8, VL128, false, 0, false, false, AVX512F),
	EVX("vmovntdq m, v", VMOVNTDQ, 1, 1, 0xe7, 0, true, 0, VLALL, true, 0, false, false, AVX512F),
	EVX("vmovntps m, v", VMOVNTPS, 0, 1, 0x2b, 0, true, 0, VLALL, true, 0, false, false, AVX512F),
	EVX("vmovntpd m, v", VMOVNTPD, 1, 1, 0x2b, 1, true, 0, VLALL, true, 0, false, false, AVX512F),
	EVX("vmovntdqa v, m", VMOVNTDQA, 1, 2, 0x2a, 0, false, 0, VLALL, true, 0, false, false, AVX512F),
};
const size_t vec_form_count = sizeof(vforms) / sizeof(vforms[0]);

/* ---- what the CPU has ---- */

void detect_vector_features(void)
{
	uint32_t r[4], max;
	uint64_t xcr0 = 0;

	cpuid_count(0, 0, r);
	max = r[0];
	cpuid_count(1, 0, r);
	has[FEAT_MMX] = (r[3] >> 23) & 1;
	has[FEAT_SSE] = (r[3] >> 25) & 1;
	has[FEAT_SSE2] = (r[3] >> 26) & 1;
	has[FEAT_SSE41] = (r[2] >> 19) & 1;
	bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1;
	if (osxsave) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0u));
		xcr0 = (uint64_t)hi << 32 | lo;
	}
	bool ymm_state = (xcr0 & 0x6) == 0x6;
	bool zmm_state = ymm_state && (xcr0 & 0xe0) == 0xe0;
	has[FEAT_AVX] = avx && ymm_state;
	if (max >= 7) {
		cpuid_count(7, 0, r);
		has[FEAT_AVX2] = has[FEAT_AVX] && ((r[1] >> 5) & 1);
		has[FEAT_AVX512F] = zmm_state && ((r[1] >> 16) & 1);
		has[FEAT_AVX512BW] = has[FEAT_AVX512F] && ((r[1] >> 30) & 1);
		has[FEAT_AVX512VL] = has[FEAT_AVX512F] && ((r[1] >> 31) & 1);
		has[FEAT_MOVDIRI] = (r[2] >> 27) & 1;
		has[FEAT_MOVDIR64B] = (r[2] >> 28) & 1;
		has[FEAT_ENQCMD] = (r[2] >> 29) & 1;
	}
	vector_level = has[FEAT_AVX512F] ? VECTOR_AVX512 :
		       has[FEAT_AVX] ? VECTOR_AVX : VECTOR_SSE;
}

/* What a form at a vector length needs that the CPU lacks; NULL: none. */
static const char *missing(const struct vform *f, unsigned vl)
{
	if (!has[f->feature])
		return feature_names[f->feature];
	if (vl == 1 && f->feature256 && !has[f->feature256])
		return feature_names[f->feature256];
	if (f->enc == ENC_EVEX && vl < 2 && (f->vls & VL512) &&
	    !has[FEAT_AVX512VL])
		return feature_names[FEAT_AVX512VL];
	return NULL;
}

void print_vector_support(void)
{
	size_t run = 0;

	printf("cpu-oracle: vector state %s; the CPU has", vector_level ==
	       VECTOR_AVX512 ? "ZMM0..31, K0..7, MM0..7" : vector_level ==
	       VECTOR_AVX ? "YMM0..15, MM0..7" : "XMM0..15, MM0..7");
	for (int i = 0; i < FEAT_COUNT; i++)
		if (has[i])
			printf(" %s", feature_names[i]);
	printf("\n");
	for (size_t i = 0; i < vec_form_count; i++) {
		const struct vform *f = &vforms[i];
		for (unsigned vl = 0; vl < 3; vl++) {
			const char *lacks = missing(f, vl);
			if (!(f->vls & (1u << vl)))
				continue;
			if (!lacks) {
				run++;
				continue;
			}
			printf("cpu-oracle: skipped: %s %s%s (the CPU lacks "
			       "%s)\n", encoding_names[f->enc], f->name,
			       f->vls == VL128 ? "" : vl == 0 ? " 128" :
			       vl == 1 ? " 256" : " 512", lacks);
		}
	}
	printf("cpu-oracle: %zu vector forms and lengths run; portal stores: "
	       "MOVDIRI %s, MOVDIR64B %s; ENQCMD/ENQCMDS not run (%s)\n", run,
	       has[FEAT_MOVDIRI] ? "run" : "skipped (the CPU lacks it)",
	       has[FEAT_MOVDIR64B] ? "run" : "skipped (the CPU lacks it)",
	       has[FEAT_ENQCMD] ? "ENQCMD needs a PASID a device driver "
				  "sets up; ENQCMDS is privileged" :
				  "the CPU lacks ENQCMD");
}

bool vec_form_runs(size_t form)
{
	const struct vform *f = &vforms[form];

	for (unsigned vl = 0; vl < 3; vl++)
		if ((f->vls & (1u << vl)) && !missing(f, vl))
			return true;
	return false;
}

unsigned vec_sizes(size_t form)
{
	return (unsigned)__builtin_popcount(vforms[form].vls);
}

int vec_regs(size_t form)
{
	const struct vform *f = &vforms[form];

	return f->mmx ? 8 : f->enc == ENC_EVEX ? 32 : 16;
}

bool vec_form_masks(size_t form)
{
	return vforms[form].element != 0;
}

bool vec_form_aligned(size_t form)
{
	return vforms[form].aligned;
}

/* ---- the cases ---- */

static void random_vregs(struct mmiodec_vregs *v)
{
	for (size_t i = 0; i < sizeof(*v); i += 8) {
		uint64_t r = rnd();
		memcpy((uint8_t *)v + i, &r, 8);
	}
}

/* An opmask for `count` elements: all, none, random, one, a contiguous
 * range, every other; bits above `count` are random (the CPU ignores
 * them). */
static uint64_t random_mask(unsigned count)
{
	uint64_t all = count == 64 ? ~0ULL : (1ULL << count) - 1, m;
	unsigned a = (unsigned)rnd_below(count), b = (unsigned)rnd_below(count);

	switch (rnd_below(6)) {
	case 0: m = all; break;
	case 1: m = 0; break;
	case 2: m = rnd(); break;
	case 3: m = 1ULL << a; break;
	case 4:
		if (a > b) {
			unsigned t = a;
			a = b;
			b = t;
		}
		m = (b - a + 1 == 64 ? ~0ULL : ((1ULL << (b - a + 1)) - 1)) << a;
		break;
	default: m = 0x5555555555555555ULL << (rnd() & 1); break;
	}
	return (m & all) | (rnd() & ~all);
}

/* The accesses of `width` bytes at `target` (in one area), `bytes`
 * selecting which: one per run of contiguous selected bytes. */
static void expect_runs(struct test_case *tc, uint64_t target, unsigned width,
			uint64_t bytes, bool write)
{
	tc->log_count = 0;
	for (unsigned i = 0; i < width;) {
		unsigned end = i;
		if (!((bytes >> i) & 1)) {
			i++;
			continue;
		}
		while (end < width && ((bytes >> end) & 1))
			end++;
		uint64_t address = target + i;
		int area = region_of(address);
		tc->log[tc->log_count++] = (struct access_record){
			(uint8_t)area, write, (uint8_t)(end - i),
			address - area_address(area) };
		i = end;
	}
}

/* Bytes selected by an opmask (element size `element`), or all. */
static uint64_t selected_bytes(uint64_t mask, unsigned element, unsigned width)
{
	uint64_t bytes = 0;

	if (!element)
		return width == 64 ? ~0ULL : (1ULL << width) - 1;
	for (unsigned i = 0; i < width / element; i++)
		if ((mask >> i) & 1)
			bytes |= ((1ULL << element) - 1) << (i * element);
	return bytes;
}

/* VEX (C5 when it can, else C4) or EVEX prefix and the opcode. */
static size_t vex_bytes(uint8_t *b, const struct vform *f, unsigned reg,
			uint8_t rex_xb, unsigned vvvv, unsigned vl,
			unsigned aaa, bool z)
{
	unsigned w = f->w < 0 ? (unsigned)rnd_below(2) : (unsigned)f->w;
	unsigned r = (~reg >> 3) & 1, x = (~rex_xb >> 1) & 1, bb = ~rex_xb & 1;
	size_t n = 0;

	if (f->enc == ENC_EVEX) {
		b[n++] = 0x62;
		b[n++] = (uint8_t)(r << 7 | x << 6 | bb << 5 |
				   ((~reg >> 4) & 1) << 4 | f->map);
		b[n++] = (uint8_t)(w << 7 | (~vvvv & 15) << 3 | 4 | f->pp);
		b[n++] = (uint8_t)((z ? 0x80 : 0) | vl << 5 |
				   ((~vvvv >> 4) & 1) << 3 | aaa);
	} else if (f->map == 1 && x && bb && w == 0 && chance(50)) {
		b[n++] = 0xc5;
		b[n++] = (uint8_t)(r << 7 | (~vvvv & 15) << 3 | vl << 2 | f->pp);
	} else {
		b[n++] = 0xc4;
		b[n++] = (uint8_t)(r << 7 | x << 6 | bb << 5 | f->map);
		b[n++] = (uint8_t)(w << 7 | (~vvvv & 15) << 3 | vl << 2 | f->pp);
	}
	b[n++] = f->opcode;
	return n;
}

/* Where a case's operand goes: in a region, aligned to `align`; for
 * VV_EDGE, across the end (or the start) of region 1, with *keep the
 * elements that lie inside. */
static uint64_t vec_target(unsigned width, unsigned align, unsigned element,
			   enum vec_variant variant, uint64_t *keep)
{
	int area = chance(80) ? AREA_R1 : AREA_R2;
	uint64_t base = area_address(area);
	unsigned count = element ? width / element : 0;

	*keep = ~0ULL;
	if (variant == VV_EDGE) {
		unsigned out = 1 + (unsigned)rnd_below(count - 1);
		if (chance(50)) {
			*keep = (1ULL << (count - out)) - 1;
			return area_address(AREA_R1) + PAGE - width +
			       out * element;
		}
		*keep = ~((1ULL << out) - 1);
		return area_address(AREA_R1) - out * element;
	}
	if (variant == VV_MISALIGNED)
		return base + align * (1 + rnd_below(PAGE / align - 2)) + 1 +
		       rnd_below(align - 1);
	if (area == AREA_R1 && chance(10))
		return base + PAGE - width;
	return base + align * rnd_below((PAGE - width) / align + 1);
}

bool make_vec_case(struct test_case *tc, size_t form, unsigned size_index,
		   int reg, enum addr_form af, enum vec_variant variant)
{
	const struct vform *f = &vforms[form];
	struct instruction in = { 0 };
	struct address_expr x = { 0 };
	unsigned vl = 0, aaa = 0, vvvv = 0;
	bool z = false;
	uint8_t rex_xb;

	for (unsigned seen = 0; vl < 3; vl++)
		if ((f->vls & (1u << vl)) && seen++ == size_index)
			break;
	if (vl == 3 || missing(f, vl))
		return false;
	unsigned width = f->width ? f->width : 16u << vl;
	unsigned align = f->aligned ? width : 1;
	if ((variant == VV_MISALIGNED && !f->aligned) ||
	    ((variant == VV_MASKED || variant == VV_EDGE) && !f->element) ||
	    (variant == VV_EDGE && (f->aligned || width == f->element ||
				    !crossing_available)))
		return false;

	memset(tc, 0, sizeof(*tc));
	tc->vector = true;
	tc->op = f->op;
	random_registers(&tc->init, random_rsp());
	random_vregs(&tc->vinit);
	tc->zero_upper = vector_level != VECTOR_SSE && chance(20);
	x.seg = random_segment();
	x.address_size = chance(10) ? 32 : 64;
	if (x.address_size == 32 || af == AF_ABSOLUTE)
		x.seg = SEG_GS;
	if (!encode_address(af, false, &in, &x, &rex_xb))
		return false;
	if (f->enc == ENC_EVEX && in.disp_bytes == 1 &&
	    (x.address_size == 32 || x.base < 0 || x.base >= 16 ||
	     x.base == RSP || x.base == x.index))
		return false; /* disp8*N: see below */

	if (f->element && (variant == VV_MASKED || variant == VV_EDGE ||
			   chance(25))) {
		aaa = 1 + (unsigned)rnd_below(7);
		z = !f->store && chance(50);
	}
	if (f->vvvv)
		vvvv = (unsigned)rnd_below(f->enc == ENC_EVEX ? 32 : 16);

	add_address_prefixes(&in, &x);
	if (f->enc == ENC_LEGACY) {
		static const uint8_t mandatory[4] = { 0, 0x66, 0xf3, 0xf2 };
		unsigned w = f->w < 0 ? (unsigned)rnd_below(2) : (unsigned)f->w;
		if (f->pp)
			add_legacy(&in, mandatory[f->pp]);
		shuffle_legacy(&in);
		in.rex = (uint8_t)(0x40 | w << 3 |
				   (f->mmx ? 0 : (reg >> 3) << 2) | rex_xb);
		in.has_rex = in.rex != 0x40 || chance(20);
		in.opcode[0] = 0x0f;
		in.opcode_len = 1;
		if (f->map == 2)
			in.opcode[in.opcode_len++] = 0x38;
		in.opcode[in.opcode_len++] = f->opcode;
	} else {
		unsigned l = f->lig ? (unsigned)rnd_below(f->enc == ENC_EVEX ? 3 : 2)
				    : vl;
		shuffle_legacy(&in);
		in.opcode_len = vex_bytes(in.opcode, f, (unsigned)reg, rex_xb,
					  vvvv, l, aaa, z);
	}
	in.modrm |= (uint8_t)((reg & 7) << 3);

	uint64_t keep;
	uint64_t target = vec_target(width, align, f->element, variant, &keep);
	uint64_t chosen = target;
	uint64_t mask = aaa ? random_mask(width / f->element) : ~0ULL;
	if (variant == VV_EDGE) {
		mask &= keep;
		if (!(mask & keep))
			mask |= keep & (0 - keep); /* at least one inside */
	}
	if (aaa)
		tc->vinit.k[aaa] = mask;
	snprintf(tc->form, sizeof(tc->form), "%s %s%s%s%s %s %s=%d%s%s%s",
		 encoding_names[f->enc], f->name,
		 f->vls == VL128 ? "" : vl == 0 ? " (128)" : vl == 1 ? " (256)" :
		 " (512)", x.address_size == 32 ? " a32" : "",
		 segment_names[x.seg], addr_form_names[af],
		 f->mmx ? "mm" : "reg", reg, aaa ? " {k" : "",
		 aaa ? (const char[]){ (char)('0' + aaa), '}', 0 } : "",
		 z ? "{z}" : "");
	if (variant == VV_EDGE)
		strcat(tc->form, " across region 1's edge");
	if (variant == VV_MISALIGNED)
		strcat(tc->form, " misaligned");
	if (tc->zero_upper)
		strcat(tc->form, " after vzeroupper");

	if (!finish_address(tc, &in, &x, &target))
		return false;
	/* Anything but the chosen place breaks the alignment or the edge. */
	if (target != chosen)
		return false;
	if (f->enc == ENC_EVEX && in.disp_bytes == 1) {
		/* The CPU scales disp8 by N, the width: move the base by the
		 * difference so that the address stays the target. */
		int64_t d8 = (int8_t)in.disp;
		tc->init.gpr[x.base] -= (uint64_t)(d8 * (int64_t)(width - 1));
	}

	tc->guard_above = true;
	tc->width = width;
	tc->mem_count = 1;
	tc->address[0] = target;
	uint64_t bytes = selected_bytes(aaa ? mask : ~0ULL,
					aaa ? f->element : 0, width);
	/* A mask that selects nothing raises no #GP, misaligned or not
	 * (measured on Intel): the instruction makes no access at all.
	 * Not measured elsewhere: such a case is left out there. */
	if (variant == VV_MISALIGNED && bytes == 0 &&
	    oracle_vendor != MMIODEC_VENDOR_INTEL)
		return false;
	tc->expect_gp = variant == VV_MISALIGNED && bytes != 0;
	if (!tc->expect_gp)
		expect_runs(tc, target, width, bytes, f->store);
	snprintf(tc->fact, sizeof(tc->fact), "%s %s%s%s%s",
		 encoding_names[f->enc], f->store ? "store" : "load",
		 aaa ? " masked" : "", z ? " zeroing" : "",
		 variant == VV_EDGE ? " edge" : variant == VV_MISALIGNED ?
		 " misaligned" : "");
	return true;
}

/* ---- MOVDIRI and MOVDIR64B ---- */

bool portal_layout_runs(enum portal_layout layout)
{
	return layout == PORTAL_MOVDIRI ? has[FEAT_MOVDIRI] :
					  has[FEAT_MOVDIR64B];
}

static const char *const portal_names[PORTAL_LAYOUTS] = {
	"ordinary to region1", "region2 to region1", "region1 to ordinary",
	"within region1", "to region1, misaligned", "movdiri",
};

bool make_portal_case(struct test_case *tc, enum portal_layout layout,
		      int reg, enum addr_form af)
{
	struct instruction in = { 0 };
	struct address_expr x = { 0 };
	uint8_t rex_xb;
	bool movdiri = layout == PORTAL_MOVDIRI;
	uint64_t source, destination = 0;
	int area;

	if (!portal_layout_runs(layout) || (!movdiri && reg == RSP))
		return false;
	memset(tc, 0, sizeof(*tc));
	tc->vector = true;
	random_registers(&tc->init, random_rsp());
	random_vregs(&tc->vinit);
	x.seg = random_segment();
	x.address_size = 64;
	if (layout == PORTAL_SRC_REGION && chance(30))
		x.address_size = 32;
	if (x.address_size == 32 || af == AF_ABSOLUTE)
		x.seg = SEG_GS;
	if (!encode_address(af, false, &in, &x, &rex_xb))
		return false;
	if (!movdiri && (x.base == reg || x.index == reg))
		return false; /* the register holds the destination */
	add_address_prefixes(&in, &x);
	if (!movdiri)
		add_legacy(&in, 0x66);
	shuffle_legacy(&in);
	unsigned w = movdiri ? (unsigned)rnd_below(2) : 0;
	in.rex = (uint8_t)(0x40 | w << 3 | (reg >> 3) << 2 | rex_xb);
	in.has_rex = in.rex != 0x40 || chance(20);
	in.opcode[0] = 0x0f;
	in.opcode[1] = 0x38;
	in.opcode[2] = movdiri ? 0xf9 : 0xf8;
	in.opcode_len = 3;
	in.modrm |= (uint8_t)((reg & 7) << 3);

	unsigned width = movdiri ? (w ? 8 : 4) : 64;
	switch (layout) {
	case PORTAL_DST_REGION:
		source = area_address(AREA_ORDINARY) + rnd_below(PAGE - 63);
		break;
	case PORTAL_BOTH:
		source = area_address(AREA_R2) + rnd_below(PAGE - 63);
		break;
	case PORTAL_SRC_REGION:
	case PORTAL_SAME:
	case PORTAL_MISALIGNED:
		source = random_target(64, &area);
		if (layout != PORTAL_SRC_REGION)
			source = area_address(AREA_R1) + rnd_below(PAGE - 63);
		break;
	default:
		source = random_target(width, &area);
		break;
	}
	if (layout == PORTAL_SRC_REGION) {
		enum area_id to = x.address_size == 32 ? AREA_LOW :
							 AREA_ORDINARY;
		destination = area_address(to) + 64 * rnd_below(PAGE / 64);
	} else if (!movdiri) {
		destination = area_address(AREA_R1) + 64 * rnd_below(PAGE / 64);
		if (layout == PORTAL_MISALIGNED)
			destination = area_address(AREA_R1) +
				      64 * rnd_below(PAGE / 64 - 1) + 1 +
				      rnd_below(63);
	}
	snprintf(tc->form, sizeof(tc->form), "%s%s%s %s reg=%d%s",
		 movdiri ? "movdiri" : "movdir64b ", movdiri ?
		 (w ? " m64" : " m32") : portal_names[layout],
		 x.address_size == 32 ? " a32" : "", addr_form_names[af], reg,
		 segment_names[x.seg]);
	uint64_t chosen = source;
	if (!finish_address(tc, &in, &x, &source) || source != chosen)
		return false;
	tc->op = movdiri ? MMIODEC_OP_MOVDIRI : MMIODEC_OP_MOVDIR64B;
	tc->width = width;
	tc->guard_above = true;
	snprintf(tc->fact, sizeof(tc->fact), "%s%s", movdiri ? "movdiri" :
		 "movdir64b ", movdiri ? "" : portal_names[layout]);
	if (movdiri) {
		expect_one_access(tc, source, width, true);
		return true;
	}
	/* ES:[reg]: the register holds the destination (with a 32-bit
	 * address size its upper half is ignored) */
	tc->init.gpr[reg] = x.address_size == 32 ?
		(destination & 0xffffffffu) | (rnd() << 32) : destination;
	tc->mem_count = 2;
	tc->address[0] = destination;
	tc->address[1] = source;
	tc->expect_gp = layout == PORTAL_MISALIGNED;
	if (tc->expect_gp)
		return true;
	if (region_of(source) >= 0)
		tc->log[tc->log_count++] = (struct access_record){
			(uint8_t)region_of(source), false, 64,
			source - area_address(region_of(source)) };
	if (region_of(destination) >= 0)
		tc->log[tc->log_count++] = (struct access_record){
			(uint8_t)region_of(destination), true, 64,
			destination - area_address(region_of(destination)) };
	return true;
}
