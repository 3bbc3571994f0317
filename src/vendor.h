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

/* Sources: AMD64 APM vol. 3 (rev. 3.36) and the Intel SDM vol. 2 as
 * cited; iced's DecoderOptions::AMD; the AMD rows checked on an AMD EPYC
 * (Zen 3) in user space. */
static const struct vendor_row vendor_rows[] = {
	/* CALL/JMP rel16 (APM vol. 3: "near branches", operand-size
	 * override in 64-bit mode); the SDM: 66 is ignored, rel32. */
	{ MAP_LEGACY, 0xE8, 0xE9, VENDOR_IN_64 | VENDOR_OPSIZE16,
	  MMIODEC_VENDOR_AMD, VENDOR_REL16 },
	/* Jcc rel16, likewise. */
	{ MAP_0F, 0x80, 0x8F, VENDOR_IN_64 | VENDOR_OPSIZE16,
	  MMIODEC_VENDOR_AMD, VENDOR_REL16 },
	/* MOVSXD r16, m32 (APM vol. 3 MOVSXD); the SDM's form is
	 * MOVSXD r16, r/m16. */
	{ MAP_LEGACY, 0x63, 0x63, VENDOR_IN_64 | VENDOR_OPSIZE16,
	  MMIODEC_VENDOR_AMD, VENDOR_READS_DWORD },
	/* SYSCALL, SYSRET: SDM "Compat/Leg Mode: Invalid"; AMD runs them
	 * in legacy mode. */
	{ MAP_0F, 0x05, 0x05, VENDOR_IN_16 | VENDOR_IN_32,
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID },
	{ MAP_0F, 0x07, 0x07, VENDOR_IN_16 | VENDOR_IN_32,
	  MMIODEC_VENDOR_INTEL, VENDOR_INVALID },
	/* SYSENTER, SYSEXIT: #UD in long mode on AMD (APM vol. 3). */
	{ MAP_0F, 0x34, 0x35, VENDOR_IN_64,
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID },
	/* VMREAD, VMWRITE (SDM vol. 3C ch. 31): AMD has no VMX; its map
	 * has only EXTRQ/INSERTQ (66/F2) at 0F 78/79. */
	{ MAP_0F, 0x78, 0x79, VENDOR_IN_ALL | VENDOR_NO_PREFIX,
	  MMIODEC_VENDOR_AMD, VENDOR_INVALID },
	/* LOCK MOV CR0 is MOV CR8 (APM vol. 3 MOV CRn); the SDM: #UD. */
	{ MAP_0F, 0x20, 0x20, VENDOR_IN_ALL | VENDOR_LOCKED,
	  MMIODEC_VENDOR_AMD, VENDOR_LOCK_CR8 },
	{ MAP_0F, 0x22, 0x22, VENDOR_IN_ALL | VENDOR_LOCKED,
	  MMIODEC_VENDOR_AMD, VENDOR_LOCK_CR8 },
	/* UD0 without ModRM (APM vol. 3 UD0; iced's AMD option); the SDM
	 * gives it one. */
	{ MAP_0F, 0xFF, 0xFF, VENDOR_IN_ALL,
	  MMIODEC_VENDOR_AMD, VENDOR_NO_MODRM },
};

#endif
