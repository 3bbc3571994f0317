/* SPDX-License-Identifier: MIT */
/* Internal to the library: what the decoder and its tables share. */
#ifndef MMIODEC_DECODE_H
#define MMIODEC_DECODE_H

#include "compiler.h"

enum { REX_B = 1, REX_X = 2, REX_R = 4, REX_W = 8 };

enum opcode_map {
	MAP_LEGACY, MAP_0F, MAP_0F38, MAP_0F3A,
	MAP_VEX, MAP_EVEX, MAP_XOP8, MAP_XOP9, MAP_XOPA,
};

/* Immediate kinds, named after the SDM's operand codes (appendix A.2). */
enum imm_kind {
	IMM_NONE,
	IMM_B,      /* Ib */
	IMM_W,      /* Iw */
	IMM_WB,     /* Iw, Ib (ENTER) */
	IMM_Z,      /* Iz: 16 or 32 bits by operand size */
	IMM_V,      /* Iv: 16, 32 or 64 bits (MOV r, imm) */
	IMM_JZ,     /* Jz: like Iz, but always 32 bits in 64-bit mode */
	IMM_AP,     /* Ap: far pointer, Iz + 16-bit selector */
	IMM_MOFFS,  /* Ob/Ov: an offset of the address size */
	IMM_BB,     /* Ib, Ib (EXTRQ, INSERTQ) */
	IMM_D,      /* 32 bits (XOP map 0Ah) */
	IMM_GRP3B,  /* Ib for F6 /0 and /1 only */
	IMM_GRP3Z,  /* Iz for F7 /0 and /1 only */
};

enum vex_kind { VEX_KIND_VEX, VEX_KIND_XOP, VEX_KIND_EVEX, VEX_KIND_MVEX };

/* Bits of a VEX-family rule (tools/gen-tables.c). */
enum {
	VR_Z0_AAA0 = 4, VR_Z0_AAA1 = 8, VR_Z1_AAA0 = 16, VR_Z1_AAA1 = 32,
	VR_NEEDS_SIB = 64,
};
/* Register-extension bits a form cannot take in 64-bit mode (its operand
 * there is a mask or general register): vvvv bit 3, R, EVEX.R', and for
 * register operands in ModRM.rm B and EVEX.X. */
enum { VH_VVVV = 1, VH_REG = 2, VH_REG_HI = 4, VH_RM = 8, VH_RM_HI = 16 };

enum opcode_flags {
	OP_MODRM = 1 << 0,
	OP_INVALID64 = 1 << 1,   /* #UD in 64-bit mode */
	OP_RM_TABLE = 1 << 3,    /* mod=3 validity depends on ModRM.rm */
	OP_NO_ACCESS = 1 << 4,   /* a ModRM memory operand that is not accessed
	                            (LEA, hint NOPs) */
	OP_IMPLICIT_MEM = 1 << 5,/* accesses memory not named by ModRM */
	OP_3DNOW = 1 << 6,       /* opcode byte after the operands */
	OP_MPX = 1 << 7,         /* MPX memory form: 32/64-bit addressing only */
	OP_MOD_IGNORED = 1 << 8, /* ModRM.mod reads as 3 (MOV CR/DR) */
	/* One-byte map only: what the byte is before it is an opcode. */
	OP_PREFIX = 1 << 9,      /* a legacy prefix */
	OP_REX = 1 << 10,        /* 40..4F: REX in 64-bit mode */
	OP_ESCAPE = 1 << 11,     /* 0F, or C4/C5/62/8F that may lead VEX etc. */
};

struct opcode_info {
	uint16_t flags;
	uint8_t imm;        /* enum imm_kind */
	uint8_t mem_regs;   /* ModRM.reg values valid with mod != 3 */
	uint8_t reg_regs;   /* ModRM.reg values valid with mod == 3 */
	uint8_t lock_regs;  /* ModRM.reg values that take LOCK (mod != 3) */
};

#endif
