/* SPDX-License-Identifier: MIT */
/*
 * Internal: where Intel and AMD processors read the same bytes
 * differently, one row each. The decoder looks a form up here once its
 * opcode is known (a row that looks at ModRM, once the whole instruction
 * is read); the README's tables of vendor differences list the same rows
 * with their sources (tests/unit/check-vendor-readme.sh decodes their
 * examples), and tests/vectors/vendor_cases.h checks each row on both
 * vendors and on either.
 *
 * A row may change only the validity, the length and the access width of
 * a form: mmiodec_decode_vendor() compares exactly those to tell whether
 * an answer depends on the vendor.
 */
#ifndef MMIODEC_VENDOR_H
#define MMIODEC_VENDOR_H

#include "mmiodec.h"
#include "decode.h"

/* What differs, for the vendor named in the row. */
enum vendor_effect {
	VENDOR_NO_EFFECT,
	/* #UD: not an instruction for this vendor. */
	VENDOR_INVALID,
	/* LOCK is allowed when ModRM.reg is 0 and REX.R is clear: LOCK MOV
	 * CR0 is MOV CR8 (AMD's AltMovCr8). */
	VENDOR_LOCK_CR8,
	/* No ModRM byte. */
	VENDOR_NO_MODRM,
	/* A near branch whose operand size 66 makes 16 bits: Jz is rel16. */
	VENDOR_REL16,
	/* MOVSXD r16 with a memory operand reads a doubleword. */
	VENDOR_READS_DWORD,
};

/* Which prefixes and modes a row needs. */
enum {
	VENDOR_IN_16 = 1 << 0,
	VENDOR_IN_32 = 1 << 1,
	VENDOR_IN_64 = 1 << 2,
	VENDOR_IN_ALL = VENDOR_IN_16 | VENDOR_IN_32 | VENDOR_IN_64,
	/* No 66, F2 or F3: the form without a mandatory prefix. */
	VENDOR_NO_PREFIX = 1 << 3,
	/* 66 and no REX.W: a 16-bit operand size in 64-bit mode. */
	VENDOR_OPSIZE16 = 1 << 4,
	/* LOCK (F0) given. */
	VENDOR_LOCKED = 1 << 5,
	/* The mandatory prefix 66, or F3 (the last of F2/F3, else 66). */
	VENDOR_PREFIX_66 = 1 << 6,
	VENDOR_PREFIX_F3 = 1 << 7,
	/* A memory operand (ModRM.mod is not 3). */
	VENDOR_MEMORY = 1 << 8,
};

struct vendor_row {
	uint8_t map;          /* MAP_LEGACY, MAP_0F or MAP_0F38 */
	uint8_t first, last;  /* opcode range */
	uint8_t vendor;       /* enum mmiodec_vendor the effect is for */
	uint16_t when;        /* VENDOR_IN_*, prefix and operand bits */
	/* With a mask, the row needs (ModRM & modrm_mask) == modrm_value, and
	 * is checked once the whole instruction is read. */
	uint8_t modrm_mask, modrm_value;
	uint8_t effect;       /* enum vendor_effect */
};

/*
 * The rows: X(A, B, map, first opcode, last opcode, when, ModRM mask,
 * ModRM value, vendor, effect) for each; A and B are passed through to X,
 * so that the same list can also be expanded into the opcode bitmaps below.
 *
 * Sources: AMD64 APM vol. 3 (rev. 3.36) and the Intel SDM vol. 2 as
 * cited; iced's DecoderOptions::AMD; the AMD rows checked on an AMD EPYC
 * (Zen 3) in user space (README, "Intel and AMD").
 */
#define VENDOR_ROWS(X, A, B)                                                  \
	/* CALL/JMP rel16 (APM vol. 3 "near branches": the operand-size   \
	 * override works in 64-bit mode); the SDM: 66 is ignored. */      \
	X(A, B, MAP_LEGACY, 0xE8, 0xE9, VENDOR_IN_64 | VENDOR_OPSIZE16, 0, 0,       \
	  MMIODEC_VENDOR_AMD, VENDOR_REL16)                                   \
	/* Jcc rel16, likewise. */                                            \
	X(A, B, MAP_0F, 0x80, 0x8F, VENDOR_IN_64 | VENDOR_OPSIZE16, 0, 0,           \
	  MMIODEC_VENDOR_AMD, VENDOR_REL16)                                   \
	/* MOVSXD r16, m32 (APM vol. 3 MOVSXD; checked on Zen 3); the SDM's \
	 * form is MOVSXD r16, r/m16. */                                     \
	X(A, B, MAP_LEGACY, 0x63, 0x63, VENDOR_IN_64 | VENDOR_OPSIZE16, 0, 0,       \
	  MMIODEC_VENDOR_AMD, VENDOR_READS_DWORD)                             \
	/* SYSCALL, SYSRET: SDM "Compat/Leg Mode: Invalid"; AMD runs them   \
	 * in legacy mode. */                                                 \
	X(A, B, MAP_0F, 0x05, 0x05, VENDOR_IN_16 | VENDOR_IN_32, 0, 0,              \
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID)                               \
	X(A, B, MAP_0F, 0x07, 0x07, VENDOR_IN_16 | VENDOR_IN_32, 0, 0,              \
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID)                               \
	/* SYSENTER, SYSEXIT: #UD in long mode on AMD (APM vol. 3). */        \
	X(A, B, MAP_0F, 0x34, 0x35, VENDOR_IN_64, 0, 0,                             \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	/* VMREAD, VMWRITE (SDM vol. 3C ch. 32): AMD has no VMX; its map    \
	 * has only EXTRQ/INSERTQ (66/F2) at 0F 78/79. */                     \
	X(A, B, MAP_0F, 0x78, 0x79, VENDOR_IN_ALL | VENDOR_NO_PREFIX, 0, 0,         \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	/* LOCK MOV CR0 is MOV CR8 (APM vol. 3 MOV CRn); the SDM: #UD. */     \
	X(A, B, MAP_0F, 0x20, 0x20, VENDOR_IN_ALL | VENDOR_LOCKED, 0, 0,            \
	  MMIODEC_VENDOR_AMD, VENDOR_LOCK_CR8)                                \
	X(A, B, MAP_0F, 0x22, 0x22, VENDOR_IN_ALL | VENDOR_LOCKED, 0, 0,            \
	  MMIODEC_VENDOR_AMD, VENDOR_LOCK_CR8)                                \
	/* UD0 without ModRM (APM vol. 3 UD0; iced's AMD option); the SDM   \
	 * gives it one. */                                                   \
	X(A, B, MAP_0F, 0xFF, 0xFF, VENDOR_IN_ALL, 0, 0,                            \
	  MMIODEC_VENDOR_AMD, VENDOR_NO_MODRM)                                \
	/* The rest of VMX (SDM vol. 3C ch. 32): VMCALL, VMLAUNCH,          \
	 * VMRESUME, VMXOFF, VMFUNC; VMPTRLD, VMCLEAR, VMXON, VMPTRST;       \
	 * INVEPT, INVVPID. AMD has no VMX: #UD. */                          \
	X(A, B, MAP_0F, 0x01, 0x01, VENDOR_IN_ALL, 0xFF, 0xC1,                \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F, 0x01, 0x01, VENDOR_IN_ALL, 0xFE, 0xC2,                \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F, 0x01, 0x01, VENDOR_IN_ALL, 0xFF, 0xC4,                \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F, 0x01, 0x01, VENDOR_IN_ALL, 0xFF, 0xD4,                \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F, 0xC7, 0xC7,                                           \
	  VENDOR_IN_ALL | VENDOR_NO_PREFIX | VENDOR_MEMORY, 0x30, 0x30,       \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F, 0xC7, 0xC7,                                           \
	  VENDOR_IN_ALL | VENDOR_PREFIX_66 | VENDOR_MEMORY, 0x38, 0x30,       \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F, 0xC7, 0xC7,                                           \
	  VENDOR_IN_ALL | VENDOR_PREFIX_F3 | VENDOR_MEMORY, 0x38, 0x30,       \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	X(A, B, MAP_0F38, 0x80, 0x81,                                         \
	  VENDOR_IN_ALL | VENDOR_PREFIX_66 | VENDOR_MEMORY, 0, 0,             \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	/* SVM (APM vol. 2 ch. 15; vol. 3): VMRUN, VMMCALL, VMLOAD, VMSAVE,  \
	 * STGI, CLGI, SKINIT, INVLPGA. Intel has no SVM: #UD. */           \
	X(A, B, MAP_0F, 0x01, 0x01, VENDOR_IN_ALL, 0xF8, 0xD8,                \
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID)

#define VENDOR_ROW_ENTRY(a, b, map, first, last, when, modrm_mask,        \
			 modrm_value, vendor, effect)                      \
	{ map, first, last, vendor, when, modrm_mask, modrm_value, effect },

static const struct vendor_row vendor_rows[] = {
	VENDOR_ROWS(VENDOR_ROW_ENTRY, 0, 0)
};

/* Bits first..last of the 32 opcodes from base (the shift counts are
 * masked only so that compilers need not check the branch not taken). */
#define VENDOR_BITS(first, last, base)                                  \
	((first) > (base) + 31 || (last) < (base) ? 0u :                \
	 (~0u >> ((31 - (((last) < (base) + 31 ? (last) : (base) + 31) -  \
			 (base))) & 31)) &                                \
	 (~0u << ((((first) > (base) ? (first) : (base)) - (base)) & 31)))
#define VENDOR_ANY_BITS(m, base, map, first, last, when, modrm_mask,     \
			modrm_value, vendor, effect)                      \
	| ((map) == (m) ? VENDOR_BITS(first, last, base) : 0u)
/* A row that can apply in 64-bit mode without a legacy prefix. */
#define VENDOR_UNPREFIXED64_BITS(m, base, map, first, last, when,        \
				 modrm_mask, modrm_value, vendor, effect) \
	| ((map) == (m) && ((when) & VENDOR_IN_64) &&                    \
	   !((when) & (VENDOR_OPSIZE16 | VENDOR_LOCKED | VENDOR_PREFIX_66 | \
		       VENDOR_PREFIX_F3))                                \
		   ? VENDOR_BITS(first, last, base) : 0u)
#define VENDOR_WORDS(bits, m)                                            \
	{ 0u VENDOR_ROWS(bits, m, 0), 0u VENDOR_ROWS(bits, m, 32),         \
	  0u VENDOR_ROWS(bits, m, 64), 0u VENDOR_ROWS(bits, m, 96),        \
	  0u VENDOR_ROWS(bits, m, 128), 0u VENDOR_ROWS(bits, m, 160),      \
	  0u VENDOR_ROWS(bits, m, 192), 0u VENDOR_ROWS(bits, m, 224) }

/* The opcodes some row names, by map (MAP_LEGACY, MAP_0F, MAP_0F38): one
 * bit each. */
static const uint32_t vendor_opcodes[3][8] = {
	VENDOR_WORDS(VENDOR_ANY_BITS, MAP_LEGACY),
	VENDOR_WORDS(VENDOR_ANY_BITS, MAP_0F),
	VENDOR_WORDS(VENDOR_ANY_BITS, MAP_0F38),
};

/* The same for the rows that can apply in 64-bit mode without 66, F2, F3
 * or LOCK (MAP_LEGACY, MAP_0F): tools/gen-fast.c leaves their opcodes out
 * of the fast path's table. The library itself does not read it. */
static const uint32_t vendor_unprefixed64[2][8] MMIODEC_MAYBE_UNUSED = {
	VENDOR_WORDS(VENDOR_UNPREFIXED64_BITS, MAP_LEGACY),
	VENDOR_WORDS(VENDOR_UNPREFIXED64_BITS, MAP_0F),
};

#endif
