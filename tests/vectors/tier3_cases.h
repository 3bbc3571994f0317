/* SPDX-License-Identifier: MIT */
/*
 * Test vectors for the vector moves and device-portal stores (tier 3):
 * the SSE/MMX, VEX and EVEX encodings of each op of src/forms.h's
 * MMIODEC_VECTOR_FORMS, worked out by hand from the SDM (register names,
 * widths, alignment, EVEX opmasks and disp8*N); the operand size a
 * mandatory 66 leaves alone and MOVDIR64B's register-first order were
 * corrected after the differential test against Zydis, which covers every
 * form in every mode. Format: tests/unit/decode_text.h.
 */
#ifndef MMIODEC_VECTORS_TIER3_CASES_H
#define MMIODEC_VECTORS_TIER3_CASES_H

#include "../unit/decode_text.h"

/* SSE and MMX: the mandatory prefix picks the form. */
static const struct decode_case tier3_sse_cases[] = {
	{ 64, "0F 10 03",              "movups ld w16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F 11 0B",           "movupd st w16 xmm1 ds:[rbx] o4 a64" },
	{ 64, "F3 0F 10 03",           "movss ld w4 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "F2 44 0F 11 03",        "movsd st w8 d16 xmm8 ds:[rbx] o4 a64" },
	{ 64, "0F 28 03",              "movaps ld w16 xmm0 ds:[rbx]+align16 rfirst o4 a64" },
	{ 64, "66 0F 29 03",           "movapd st w16 xmm0 ds:[rbx]+align16 o4 a64" },
	{ 64, "66 0F 6F 03",           "movdqa ld w16 xmm0 ds:[rbx]+align16 rfirst o4 a64" },
	{ 64, "F3 0F 7F 03",           "movdqu st w16 xmm0 ds:[rbx] o4 a64" },
	{ 64, "0F 12 03",              "movlps ld w8 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "0F 17 03",              "movhps st w8 d16 xmm0 ds:[rbx] o4 a64" },
	{ 64, "66 0F 13 03",           "movlpd st w8 d16 xmm0 ds:[rbx] o4 a64" },
	{ 64, "66 0F 16 03",           "movhpd ld w8 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F E7 03",           "movntdq st w16 xmm0 ds:[rbx]+align16 o4 a64" },
	{ 64, "0F 2B 03",              "movntps st w16 xmm0 ds:[rbx]+align16 o4 a64" },
	{ 64, "66 0F 2B 03",           "movntpd st w16 xmm0 ds:[rbx]+align16 o4 a64" },
	{ 64, "66 0F 38 2A 03",        "movntdqa ld w16 xmm0 ds:[rbx]+align16 rfirst o4 a64" },
	{ 64, "66 0F 6E 03",           "movd ld w4 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "66 48 0F 7E 03",        "movq st w8 d16 xmm0 ds:[rbx] o8 a64" },
	{ 64, "F3 0F 7E 03",           "movq ld w8 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F D6 03",           "movq st w8 d16 xmm0 ds:[rbx] o4 a64" },
	{ 64, "0F 6E 03",              "movd ld w4 d8 mm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "0F 7F 03",              "movq st w8 mm0 ds:[rbx] o4 a64" },
	/* REX.R names no MMX register: mm0 */
	{ 64, "44 0F 6F 03",           "movq ld w8 mm0 ds:[rbx] rfirst o4 a64" },
	{ 32, "0F 10 03",              "movups ld w16 xmm0 ds:[ebx] rfirst o4 a32" },
	{ 16, "0F 10 07",              "movups ld w16 xmm0 ds:[bx] rfirst o2 a16" },
	{ 64, "0F 10 C1",              "no-memory" },
	/* MOVSLDUP, ADDPS: memory, not moves */
	{ 64, "F3 0F 12 03",           "unsupported" },
	{ 64, "0F 58 03",              "unsupported" },
};

/* VEX: 128 and 256 bits; VMOVLPS and kin take their other half from vvvv. */
static const struct decode_case tier3_vex_cases[] = {
	{ 64, "C5 F8 10 03",           "vmovups ld w16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "C5 FC 11 03",           "vmovups st w32 ymm0 ds:[rbx] o4 a64" },
	{ 64, "C5 FD 28 03",           "vmovapd ld w32 ymm0 ds:[rbx]+align32 rfirst o4 a64" },
	{ 64, "C5 7E 6F 03",           "vmovdqu ld w32 ymm8 ds:[rbx] rfirst o4 a64" },
	{ 64, "C5 FA 10 03",           "vmovss ld w4 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "C5 F0 12 03",           "vmovlps ld w8 d16 xmm0 ds:[rbx] rfirst reg2=1 o4 a64" },
	{ 64, "C5 F9 7E 03",           "vmovd st w4 d16 xmm0 ds:[rbx] o4 a64" },
	{ 64, "C4 E1 F9 6E 03",        "vmovq ld w8 d16 xmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "C4 E2 79 2A 03",        "vmovntdqa ld w16 xmm0 ds:[rbx]+align16 rfirst o4 a64" },
	{ 64, "C5 FD E7 03",           "vmovntdq st w32 ymm0 ds:[rbx]+align32 o4 a64" },
	{ 32, "C5 FC 28 03",           "vmovaps ld w32 ymm0 ds:[ebx]+align32 rfirst o4 a32" },
	/* outside 64-bit mode W names no 64-bit register and B, vvvv[3]
	 * extend nothing (regressions found by the differential test) */
	{ 32, "C4 E1 F9 6E 03",        "vmovd ld w4 d16 xmm0 ds:[ebx] rfirst o4 a32" },
	{ 32, "C4 C1 78 10 03",        "vmovups ld w16 xmm0 ds:[ebx] rfirst o4 a32" },
	{ 32, "C4 E1 30 12 03",        "vmovlps ld w8 d16 xmm0 ds:[ebx] rfirst reg2=1 o4 a32" },
};

/* EVEX: 512 bits, XMM16..31, opmasks (merging and zeroing), disp8*N. */
static const struct decode_case tier3_evex_cases[] = {
	{ 64, "62 F1 7C 48 10 03",     "vmovups ld w64 zmm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "62 61 7C 4A 11 5B 02",  "vmovups st w64 zmm27 ds:[rbx+0x80]+element4 {k2} o4 a64" },
	{ 64, "62 F1 FE 4F 6F 03",     "vmovdqu64 ld w64 zmm0 ds:[rbx]+element8 rfirst {k7} o4 a64" },
	{ 64, "62 F1 FF 8F 6F 03",     "vmovdqu16 ld w16 xmm0 ds:[rbx]+element2 rfirst {k7}{z} o4 a64" },
	{ 64, "62 F1 7F 28 6F 03",     "vmovdqu8 ld w32 ymm0 ds:[rbx] rfirst o4 a64" },
	{ 64, "62 F1 7D 48 7F 43 01",  "vmovdqa32 st w64 zmm0 ds:[rbx+0x40]+align64 o4 a64" },
	{ 64, "62 F1 FD 28 6F 03",     "vmovdqa64 ld w32 ymm0 ds:[rbx]+align32 rfirst o4 a64" },
	{ 64, "62 F1 7E 08 10 43 01",  "vmovss ld w4 d16 xmm0 ds:[rbx+0x4] rfirst o4 a64" },
	{ 64, "62 F1 FF 09 11 43 FF",  "vmovsd st w8 d16 xmm0 ds:[rbx-0x8]+element8 {k1} o4 a64" },
	{ 64, "62 E1 7D 08 6E 03",     "vmovd ld w4 d16 xmm16 ds:[rbx] rfirst o4 a64" },
	{ 64, "62 F1 74 08 12 43 01",  "vmovlps ld w8 d16 xmm0 ds:[rbx+0x8] rfirst reg2=1 o4 a64" },
	{ 64, "62 F1 7D 48 E7 03",     "vmovntdq st w64 zmm0 ds:[rbx]+align64 o4 a64" },
	{ 64, "62 F2 7D 48 2A 03",     "vmovntdqa ld w64 zmm0 ds:[rbx]+align64 rfirst o4 a64" },
	/* 62 with P1 bit 2 clear is MVEX (Knights Corner), not EVEX: not a
	 * supported form, whatever its opcode (found by fuzz-execute) */
	{ 64, "62 F1 79 6F 6F 00",     "unsupported" },
	/* R' extends nothing outside 64-bit mode */
	{ 32, "62 E1 7C 08 10 03",     "vmovups ld w16 xmm0 ds:[ebx] rfirst o4 a32" },
};

/* MOVDIRI, MOVDIR64B, ENQCMD(S): ES:[reg] at the address size is the
 * destination; a segment override applies to the source alone. */
static const struct decode_case tier3_portal_cases[] = {
	{ 64, "0F 38 F9 03",           "movdiri st w4 eax ds:[rbx] o4 a64" },
	{ 64, "48 0F 38 F9 0B",        "movdiri st w8 rcx ds:[rbx] o8 a64" },
	{ 64, "66 0F 38 F8 0B",        "movdir64b ldst w64 d8 rcx es:[rcx]+align64 ds:[rbx] rfirst o4 a64" },
	{ 64, "67 66 0F 38 F8 0B",     "movdir64b ldst w64 d4 ecx es:[ecx]+align64 ds:[ebx] rfirst o4 a32" },
	{ 64, "64 66 0F 38 F8 0B",     "movdir64b ldst w64 d8 rcx es:[rcx]+align64 fs:[rbx] rfirst o4 a64" },
	{ 64, "F2 0F 38 F8 0B",        "enqcmd ldst w64 d8 rcx es:[rcx]+align64 ds:[rbx] rfirst o4 a64" },
	{ 64, "F3 0F 38 F8 0B",        "enqcmds ldst w64 d8 rcx es:[rcx]+align64 ds:[rbx] rfirst o4 a64" },
	{ 64, "66 0F 38 F8 C1",        "invalid" },
};

#endif
