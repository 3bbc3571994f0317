/* SPDX-License-Identifier: MIT */
/*
 * Internal: where Intel and AMD processors read the same bytes
 * differently, one row each. The decoder looks a form up here once its
 * opcode is known; the README's table of vendor differences lists the same
 * rows with their sources, and tests/unit/test_vendor.c checks each row on
 * both vendors.
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
};

struct vendor_row {
	uint8_t map;          /* MAP_LEGACY or MAP_0F */
	uint8_t first, last;  /* opcode range */
	uint8_t when;         /* VENDOR_IN_* and prefix bits */
	uint8_t vendor;       /* enum mmiodec_vendor the effect is for */
	uint8_t effect;       /* enum vendor_effect */
};

/*
 * The rows: X(A, B, map, first opcode, last opcode, when, vendor, effect)
 * for each; A and B are passed through to X, so that the same list can
 * also be expanded into the opcode bitmaps below.
 *
 * Sources: AMD64 APM vol. 3 (rev. 3.36) and the Intel SDM vol. 2 as
 * cited; iced's DecoderOptions::AMD; the AMD rows checked on an AMD EPYC
 * (Zen 3) in user space (README, "Intel and AMD").
 */
#define VENDOR_ROWS(X, A, B)                                                  \
	/* CALL/JMP rel16 (APM vol. 3 "near branches": the operand-size   \
	 * override works in 64-bit mode); the SDM: 66 is ignored. */      \
	X(A, B, MAP_LEGACY, 0xE8, 0xE9, VENDOR_IN_64 | VENDOR_OPSIZE16,       \
	  MMIODEC_VENDOR_AMD, VENDOR_REL16)                                   \
	/* Jcc rel16, likewise. */                                            \
	X(A, B, MAP_0F, 0x80, 0x8F, VENDOR_IN_64 | VENDOR_OPSIZE16,           \
	  MMIODEC_VENDOR_AMD, VENDOR_REL16)                                   \
	/* MOVSXD r16, m32 (APM vol. 3 MOVSXD; checked on Zen 3); the SDM's \
	 * form is MOVSXD r16, r/m16. */                                     \
	X(A, B, MAP_LEGACY, 0x63, 0x63, VENDOR_IN_64 | VENDOR_OPSIZE16,       \
	  MMIODEC_VENDOR_AMD, VENDOR_READS_DWORD)                             \
	/* SYSCALL, SYSRET: SDM "Compat/Leg Mode: Invalid"; AMD runs them   \
	 * in legacy mode. */                                                 \
	X(A, B, MAP_0F, 0x05, 0x05, VENDOR_IN_16 | VENDOR_IN_32,              \
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID)                               \
	X(A, B, MAP_0F, 0x07, 0x07, VENDOR_IN_16 | VENDOR_IN_32,              \
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID)                               \
	/* SYSENTER, SYSEXIT: #UD in long mode on AMD (APM vol. 3). */        \
	X(A, B, MAP_0F, 0x34, 0x35, VENDOR_IN_64,                             \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	/* VMREAD, VMWRITE (SDM vol. 3C ch. 32): AMD has no VMX; its map    \
	 * has only EXTRQ/INSERTQ (66/F2) at 0F 78/79. */                     \
	X(A, B, MAP_0F, 0x78, 0x79, VENDOR_IN_ALL | VENDOR_NO_PREFIX,         \
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID)                                 \
	/* LOCK MOV CR0 is MOV CR8 (APM vol. 3 MOV CRn); the SDM: #UD. */     \
	X(A, B, MAP_0F, 0x20, 0x20, VENDOR_IN_ALL | VENDOR_LOCKED,            \
	  MMIODEC_VENDOR_AMD, VENDOR_LOCK_CR8)                                \
	X(A, B, MAP_0F, 0x22, 0x22, VENDOR_IN_ALL | VENDOR_LOCKED,            \
	  MMIODEC_VENDOR_AMD, VENDOR_LOCK_CR8)                                \
	/* UD0 without ModRM (APM vol. 3 UD0; iced's AMD option); the SDM   \
	 * gives it one. */                                                   \
	X(A, B, MAP_0F, 0xFF, 0xFF, VENDOR_IN_ALL,                            \
	  MMIODEC_VENDOR_AMD, VENDOR_NO_MODRM)

#define VENDOR_ROW_ENTRY(a, b, map, first, last, when, vendor, effect) \
	{ map, first, last, when, vendor, effect },

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
#define VENDOR_ANY_BITS(m, base, map, first, last, when, vendor, effect) \
	| ((map) == (m) ? VENDOR_BITS(first, last, base) : 0u)
/* A row that can apply in 64-bit mode without a legacy prefix. */
#define VENDOR_UNPREFIXED64_BITS(m, base, map, first, last, when, vendor, effect) \
	| ((map) == (m) && ((when) & VENDOR_IN_64) &&                    \
	   !((when) & (VENDOR_OPSIZE16 | VENDOR_LOCKED))                 \
		   ? VENDOR_BITS(first, last, base) : 0u)
#define VENDOR_WORDS(bits, m)                                            \
	{ 0u VENDOR_ROWS(bits, m, 0), 0u VENDOR_ROWS(bits, m, 32),         \
	  0u VENDOR_ROWS(bits, m, 64), 0u VENDOR_ROWS(bits, m, 96),        \
	  0u VENDOR_ROWS(bits, m, 128), 0u VENDOR_ROWS(bits, m, 160),      \
	  0u VENDOR_ROWS(bits, m, 192), 0u VENDOR_ROWS(bits, m, 224) }

/* The opcodes some row names, by map (MAP_LEGACY, MAP_0F): one bit each. */
static const uint32_t vendor_opcodes[2][8] = {
	VENDOR_WORDS(VENDOR_ANY_BITS, MAP_LEGACY),
	VENDOR_WORDS(VENDOR_ANY_BITS, MAP_0F),
};

/* The 0F opcodes of rows that can apply where decode_fast64() runs. */
static const uint32_t vendor_unprefixed64_0f[8] =
	VENDOR_WORDS(VENDOR_UNPREFIXED64_BITS, MAP_0F);

#endif
