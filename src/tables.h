/* SPDX-License-Identifier: MIT */
/*
 * Internal: the opcode tables and their lookups, all static, included by
 * src/decode.c alone, so that nothing but the API is visible outside the
 * library.
 *
 * The one-byte opcode map (SDM vol. 2, table A-2) as data: whether a form
 * has a ModRM byte, its immediate, the modes it exists in, the ModRM.reg
 * values that make a valid group member, and which of them take LOCK.
 * The tables for the 0F, 0F 38 and 0F 3A maps are generated (see
 * src/generated/).
 */
#ifndef MMIODEC_TABLES_H
#define MMIODEC_TABLES_H

#include "compiler.h"
#include "decode.h"

#define ALL 0xFF

/* A form with ModRM: flags, immediate, valid reg for mod!=3 and mod==3,
 * LOCK-able reg values. The one-byte map also marks prefixes (OP_PREFIX,
 * OP_REX), escapes to other maps (OP_ESCAPE: 0F; C4, C5, 62, 8F, which lead
 * VEX, EVEX or XOP under conditions). The supported forms are in
 * src/forms.h. */
#define E(flags, imm, mem, reg, lock) \
	{ OP_MODRM | (flags), (imm), (mem), (reg), (lock) }
/* A form without ModRM. */
#define N(flags, imm) { (flags), (imm), 0, 0, 0 }

/* ADD, OR, ADC, SBB, AND, SUB, XOR: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz */
#define ALU_ROW(lock)                                              \
	E(0, IMM_NONE, ALL, ALL, (lock)), E(0, IMM_NONE, ALL, ALL, (lock)), \
	E(0, IMM_NONE, ALL, ALL, 0), E(0, IMM_NONE, ALL, ALL, 0),           \
	N(0, IMM_B), N(0, IMM_Z)

static const struct opcode_info mmiodec_legacy_map[256] = {
	/* 00 */ ALU_ROW(ALL), N(OP_INVALID64, 0), N(OP_INVALID64, 0),
	/* 08 */ ALU_ROW(ALL), N(OP_INVALID64, 0), N(OP_ESCAPE, 0) /* 0F */,
	/* 10 */ ALU_ROW(ALL), N(OP_INVALID64, 0), N(OP_INVALID64, 0),
	/* 18 */ ALU_ROW(ALL), N(OP_INVALID64, 0), N(OP_INVALID64, 0),
	/* 20 */ ALU_ROW(ALL), N(OP_PREFIX, 0) /* ES: */, N(OP_INVALID64, 0),
	/* 28 */ ALU_ROW(ALL), N(OP_PREFIX, 0) /* CS: */, N(OP_INVALID64, 0),
	/* 30 */ ALU_ROW(ALL), N(OP_PREFIX, 0) /* SS: */, N(OP_INVALID64, 0),
	/* 38 */ ALU_ROW(0),   N(OP_PREFIX, 0) /* DS: */, N(OP_INVALID64, 0),
	/* 40 INC/DEC (REX in 64-bit mode), 50 PUSH/POP */
	N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0),
	N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0),
	N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0),
	N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0), N(OP_REX, 0),
	N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0),
	N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0),
	/* 60 PUSHA, POPA, BOUND (62 with mod=3 is EVEX), ARPL/MOVSXD */
	N(OP_INVALID64, 0), N(OP_INVALID64, 0),
	E(OP_INVALID64 | OP_ESCAPE, IMM_NONE, ALL, 0, 0), E(0, IMM_NONE, ALL, ALL, 0),
	/* 64..67: prefixes */
	N(OP_PREFIX, 0), N(OP_PREFIX, 0), N(OP_PREFIX, 0), N(OP_PREFIX, 0),
	/* 68 PUSH Iz, IMUL Gv,Ev,Iz, PUSH Ib, IMUL Gv,Ev,Ib, INS, OUTS */
	N(0, IMM_Z), E(0, IMM_Z, ALL, ALL, 0), N(0, IMM_B), E(0, IMM_B, ALL, ALL, 0),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	/* 70 Jcc rel8 */
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	/* 80 group 1 (/7 is CMP: no LOCK); 82 is an alias of 80 */
	E(0, IMM_B, ALL, ALL, 0x7F), E(0, IMM_Z, ALL, ALL, 0x7F),
	E(OP_INVALID64, IMM_B, ALL, ALL, 0x7F), E(0, IMM_B, ALL, ALL, 0x7F),
	/* 84 TEST, TEST, XCHG, XCHG */
	E(0, IMM_NONE, ALL, ALL, 0), E(0, IMM_NONE, ALL, ALL, 0),
	E(0, IMM_NONE, ALL, ALL, ALL), E(0, IMM_NONE, ALL, ALL, ALL),
	/* 88 MOV x4, MOV Ev,Sw (ES..GS), LEA, MOV Sw,Ew (not CS), POP Ev */
	E(0, IMM_NONE, ALL, ALL, 0), E(0, IMM_NONE, ALL, ALL, 0),
	E(0, IMM_NONE, ALL, ALL, 0), E(0, IMM_NONE, ALL, ALL, 0),
	E(0, IMM_NONE, 0x3F, 0x3F, 0), E(OP_NO_ACCESS, IMM_NONE, ALL, 0, 0),
	E(0, IMM_NONE, 0x3D, 0x3D, 0), E(OP_ESCAPE, IMM_NONE, 0x01, 0x01, 0),
	/* 90 XCHG/NOP, CBW, CWD, CALLF Ap, FWAIT, PUSHF, POPF, SAHF, LAHF */
	N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0),
	N(0, 0), N(0, 0), N(OP_INVALID64, IMM_AP), N(0, 0),
	N(0, 0), N(0, 0), N(0, 0), N(0, 0),
	/* A0 MOV moffs, MOVS, CMPS, TEST AL/rAX, STOS, LODS, SCAS */
	N(0, IMM_MOFFS), N(0, IMM_MOFFS),
	N(0, IMM_MOFFS), N(0, IMM_MOFFS),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	N(0, IMM_B), N(0, IMM_Z),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	N(OP_IMPLICIT_MEM, 0), N(OP_IMPLICIT_MEM, 0),
	/* B0 MOV r8, imm8; B8 MOV r, imm */
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_V), N(0, IMM_V), N(0, IMM_V), N(0, IMM_V),
	N(0, IMM_V), N(0, IMM_V), N(0, IMM_V), N(0, IMM_V),
	/* C0 shifts Ib, RET Iw, RET, LES, LDS (mod=3: VEX), MOV Eb,Ib /
	 * XABORT, MOV Ev,Iz / XBEGIN */
	E(0, IMM_B, ALL, ALL, 0), E(0, IMM_B, ALL, ALL, 0),
	N(0, IMM_W), N(0, 0),
	E(OP_INVALID64 | OP_ESCAPE, IMM_NONE, ALL, 0, 0),
	E(OP_INVALID64 | OP_ESCAPE, IMM_NONE, ALL, 0, 0),
	E(OP_RM_TABLE, IMM_B, 0x01, 0x81, 0),
	E(OP_RM_TABLE, IMM_Z, 0x01, 0x81, 0),
	/* C8 ENTER, LEAVE, RETF Iw, RETF, INT3, INT Ib, INTO, IRET */
	N(0, IMM_WB), N(0, 0), N(0, IMM_W), N(0, 0),
	N(0, 0), N(0, IMM_B), N(OP_INVALID64, 0), N(0, 0),
	/* D0 shifts by 1 and CL, AAM, AAD, SALC, XLAT */
	E(0, IMM_NONE, ALL, ALL, 0), E(0, IMM_NONE, ALL, ALL, 0),
	E(0, IMM_NONE, ALL, ALL, 0), E(0, IMM_NONE, ALL, ALL, 0),
	N(OP_INVALID64, IMM_B), N(OP_INVALID64, IMM_B),
	N(OP_INVALID64, 0), N(OP_IMPLICIT_MEM, 0),
	/* D8 x87: memory forms by reg, register forms by the whole ModRM */
	E(OP_RM_TABLE, IMM_NONE, ALL, ALL, 0), E(OP_RM_TABLE, IMM_NONE, 0xFD, ALL, 0),
	E(OP_RM_TABLE, IMM_NONE, ALL, ALL, 0), E(OP_RM_TABLE, IMM_NONE, 0xAF, ALL, 0),
	E(OP_RM_TABLE, IMM_NONE, ALL, ALL, 0), E(OP_RM_TABLE, IMM_NONE, 0xDF, ALL, 0),
	E(OP_RM_TABLE, IMM_NONE, ALL, ALL, 0), E(OP_RM_TABLE, IMM_NONE, ALL, ALL, 0),
	/* E0 LOOPcc, JrCXZ, IN/OUT Ib, CALL, JMP, JMPF Ap, JMP rel8, IN/OUT DX */
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_B), N(0, IMM_B), N(0, IMM_B), N(0, IMM_B),
	N(0, IMM_JZ), N(0, IMM_JZ), N(OP_INVALID64, IMM_AP), N(0, IMM_B),
	N(0, 0), N(0, 0), N(0, 0), N(0, 0),
	/* F0 LOCK, INT1, REPNE, REP, HLT, CMC, group 3 (NOT, NEG lock) */
	N(OP_PREFIX, 0), N(0, 0), N(OP_PREFIX, 0), N(OP_PREFIX, 0), N(0, 0), N(0, 0),
	E(0, IMM_GRP3B, ALL, ALL, 0x0C), E(0, IMM_GRP3Z, ALL, ALL, 0x0C),
	/* F8 CLC, STC, CLI, STI, CLD, STD, group 4, group 5 */
	N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0), N(0, 0),
	E(0, IMM_NONE, 0x03, 0x03, 0x03), E(0, IMM_NONE, 0x7F, 0x57, 0x03),
};

/*
 * x87 register forms (mod == 3): one bit per ModRM byte C0..FF, for D8..DF.
 * Generated from the reference decoder; see src/generated/.
 */
#include "generated/x87.inc"

static bool legacy_rm_valid(uint8_t opcode, uint8_t modrm)
{
	if (opcode == 0xC6 || opcode == 0xC7)
		return ((modrm >> 3) & 7) != 7 || (modrm & 7) == 0;
	unsigned bit = modrm - 0xC0u;
	return (x87_register_forms[opcode - 0xD8][bit / 8] >> (bit % 8)) & 1;
}

/* Defined by the generated file as plain functions; declared static here
 * first, they stay internal to the library (C11 6.2.2). */
static bool mmiodec_map0f_rm_valid(unsigned map, uint8_t opcode,
				   unsigned prefix, bool mode64, uint8_t modrm);
static bool mmiodec_amd3dnow_valid(uint8_t suffix);

#include "generated/map0f.inc"

/* Entry i of row r of a generated table stored in two levels: rows cut into
 * blocks, identical blocks kept once (see tools/gen-tables.c). */
#define BLOCKED(table, r, i)                                              \
	table##_blocks[table##_block_index[r][(i) / sizeof table##_blocks[0]]] \
		      [(i) % sizeof table##_blocks[0]]

/* map is MAP_0F, MAP_0F38 or MAP_0F3A; prefix is the mandatory-prefix
 * class (none, 66, F3, F2). */
static const struct opcode_info *mmiodec_map0f_info(unsigned map, uint8_t opcode,
						    unsigned prefix, bool mode64)
{
	uint8_t row = BLOCKED(map0f_rows, map - MAP_0F, opcode);
	unsigned column = prefix * 2 + (mode64 ? 1 : 0);
	return &map0f_forms[BLOCKED(map0f_row_forms, row, column)];
}

/* For forms flagged OP_RM_TABLE with mod == 3. */
static bool mmiodec_rm_form_valid(unsigned map, uint8_t opcode, unsigned prefix,
				  bool mode64, uint8_t modrm)
{
	if (map == MAP_LEGACY)
		return legacy_rm_valid(opcode, modrm);
	return mmiodec_map0f_rm_valid(map, opcode, prefix, mode64, modrm);
}

/* 0F map opcodes with an 8-bit immediate, also under VEX and EVEX: the
 * PSHUF/shift-immediate groups 70-73, CMPPS C2, PINSRW C4, PEXTRW C5,
 * SHUFPS C6. */
static bool mmiodec_map0f_has_imm8(uint8_t opcode)
{
	return (opcode >= 0x70 && opcode <= 0x73) || opcode == 0xC2 ||
	       (opcode >= 0xC4 && opcode <= 0xC6);
}

/* The four rule numbers (memory, memory+b, register, register+b) of a
 * VEX-family opcode, or NULL when it has no valid form under this pp. */
static MMIODEC_ALWAYS_INLINE const uint8_t *
mmiodec_vex_rules_for(unsigned kind, unsigned map, uint8_t opcode, unsigned pp)
{
	if (kind > VEX_KIND_MVEX || map >= 32)
		return NULL;
	uint8_t slot = vex_map_slots[kind][map];
	if (slot == 0xFF)
		return NULL;
	uint8_t sub = vex_rows[BLOCKED(vex_opcode_rows, slot, opcode)][pp & 3];
	return sub ? vex_subrows[sub] : NULL;
}

/* A VEX-family rule: { L'L by W in 64-bit mode, VR_* bits, ModRM.reg mask,
 * VH_* bits, L'L by W outside 64-bit mode, vvvv unused/used by L'L }. */
static const uint8_t *mmiodec_vex_rule(unsigned rule)
{
	return vex_rules[rule];
}

#undef ALL
#undef E
#undef N
#undef ALU_ROW
#undef BLOCKED

#endif
