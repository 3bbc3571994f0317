/* SPDX-License-Identifier: MIT */
/*
 * The supported instructions, each described once.
 *
 * Everything else is derived from this file: the decoder's per-opcode
 * tables (src/generated/forms.inc, written by tools/gen-forms.c), the
 * mnemonics (src/names.c), the README's table of supported instructions
 * (gen-forms --readme; the test forms-current fails when they differ) and
 * the forms the tests must cover (tests/unit/test_forms.c, the CPU
 * oracles, the differential harness). It holds macros and enums only: no
 * code, no data, so that the library, its tools and its tests can each
 * expand it as they need.
 *
 * MMIODEC_OPS(X) lists the instructions: X(op, mnemonic, kind), where op
 * is the suffix of enum mmiodec_op, mnemonic Zydis's name (for SETcc and
 * CMOVcc the stem: the condition's name follows) and kind what the
 * instruction does with its operands, which with the operand pattern of a
 * form gives its direction (tools/gen-forms.c: direction()).
 *
 * MMIODEC_FORM_ROWS(X) lists the encodings: X(op, map, opcode, reg,
 * shape), each row one or more opcodes in the way the SDM's opcode map
 * lays them out (shape). MMIODEC_EACH_FORM expands the rows into one
 * MMIODEC_FORM(op, map, opcode, reg, pattern, width) per concrete form:
 *   map:     LEGACY, 0F or 0F38
 *   opcode:  the opcode byte
 *   reg:     the ModRM.reg a group member needs, or ANY
 *   pattern: the operands, in Intel order (FP_*)
 *   width:   the memory operand's width by operand size (FW_*)
 *
 * MMIODEC_VECTOR_FORMS(X) lists the forms a mandatory prefix, VEX or EVEX
 * selects: the vector moves and the device-portal stores (see there).
 */
#ifndef MMIODEC_FORMS_H
#define MMIODEC_FORMS_H

/* What an instruction does with its operands. */
enum mmiodec_op_kind {
	OK_MOVE,      /* the first operand gets the second */
	OK_STRING,    /* MOVS, STOS, LODS */
	OK_ALU,       /* the first operand gets (first op second) */
	OK_COMPARE,   /* flags only: CMP, TEST, BT */
	OK_UPDATE,    /* the memory operand gets f(itself[, count]) */
	OK_EXCHANGE,  /* memory and registers both change: XCHG, XADD,
	                 CMPXCHG* */
	OK_ACCUMULATE,/* rDX:rAX gets f(rDX:rAX, memory): MUL, DIV... */
	OK_SET,       /* memory gets a flag condition: SETcc */
	OK_CMOVE,     /* the register gets memory when a condition holds */
	OK_COPY,      /* memory to memory, 64 bytes: MOVDIR64B, ENQCMD(S) */
};

/* Operand patterns, Intel order; M memory, R ModRM.reg, I an immediate,
 * 1 the constant one, CL the count register, A the accumulator. */
enum mmiodec_form_pattern {
	FP_M_R,       /* [m], r */
	FP_R_M,       /* r, [m] */
	FP_M_I,       /* [m], imm */
	FP_M_1,       /* [m], 1 */
	FP_M_CL,      /* [m], cl */
	FP_M,         /* [m] */
	FP_M_A,       /* [m] with rAX (and rDX) implied: MUL, DIV, CMPXCHG8B */
	FP_R_M_I,     /* r, [m], imm: IMUL 69/6B */
	FP_M_R_I,     /* [m], r, imm8: SHLD/SHRD */
	FP_M_R_CL,    /* [m], r, cl: SHLD/SHRD */
	FP_A_MOFFS,   /* A0/A2: accumulator and an absolute offset */
	FP_MOFFS_A,   /* A1/A3 */
	FP_STRING,    /* MOVS, STOS, LODS: implicit [rSI], [rDI] */
};

/* The memory operand's width, by operand size. */
enum mmiodec_form_width {
	FW_BYTE,      /* 1 */
	FW_WORD,      /* 2: MOVZX/MOVSX from m16 */
	FW_OPERAND,   /* the operand size: 2, 4, 8 */
	FW_MOVSXD,    /* the operand size, but 4 for 8: m32 to r64 */
	FW_MOVNTI,    /* 4 or 8: MOVNTI has no 16-bit form */
	FW_DWORD,     /* 4: AMD's MOVSXD r16, m32 (a vendor row) */
	FW_DOUBLE,    /* 8, or 16 with REX.W: CMPXCHG8B/16B */
	FW_4,         /* the vector forms: fixed widths ... */
	FW_8,
	FW_16,
	FW_64,
	FW_VL,        /* ... or the vector length: 16, 32, 64 by VEX.L/EVEX.L'L */
};

/* The vector forms' operand patterns beyond FP_R_M (a load) and FP_M_R
 * (a store). */
enum {
	FP_R_V_M = FP_STRING + 1,  /* xmm, xmm (vvvv), [m]: VMOVLPS... loads */
	FP_COPY,                   /* ES:[reg] <- [m], 64 bytes: MOVDIR64B */
};

/* How a vector form is encoded; the values of the mandatory prefix are
 * the decoder's (none, 66, F3, F2); W is REX.W for the legacy ones. */
enum mmiodec_form_encoding { FE_LEGACY, FE_VEX, FE_EVEX };
enum { FPX_NP, FPX_66, FPX_F3, FPX_F2 };
enum { FW0, FW1, FWIG };
/* The register operand of a vector form. */
enum mmiodec_form_register {
	FR_MMX,       /* mm0..mm7 */
	FR_XMM,       /* xmm, whatever the vector length */
	FR_VL,        /* xmm, ymm or zmm by the vector length */
	FR_GPR,       /* a general register of the operand size (MOVDIRI) */
	FR_ADDRESS,   /* a general register of the address size (MOVDIR64B) */
};

#define MMIODEC_OPS(X)                          \
	X(MOV,        "mov",        OK_MOVE)        \
	X(MOVZX,      "movzx",      OK_MOVE)        \
	X(MOVSX,      "movsx",      OK_MOVE)        \
	X(MOVSXD,     "movsxd",     OK_MOVE)        \
	X(MOVNTI,     "movnti",     OK_MOVE)        \
	X(MOVS,       "movs",       OK_STRING)      \
	X(STOS,       "stos",       OK_STRING)      \
	X(LODS,       "lods",       OK_STRING)      \
	X(ADD,        "add",        OK_ALU)         \
	X(OR,         "or",         OK_ALU)         \
	X(ADC,        "adc",        OK_ALU)         \
	X(SBB,        "sbb",        OK_ALU)         \
	X(AND,        "and",        OK_ALU)         \
	X(SUB,        "sub",        OK_ALU)         \
	X(XOR,        "xor",        OK_ALU)         \
	X(CMP,        "cmp",        OK_COMPARE)     \
	X(TEST,       "test",       OK_COMPARE)     \
	X(NOT,        "not",        OK_UPDATE)      \
	X(NEG,        "neg",        OK_UPDATE)      \
	X(MUL,        "mul",        OK_ACCUMULATE)  \
	X(IMUL,       "imul",       OK_ACCUMULATE)  \
	X(DIV,        "div",        OK_ACCUMULATE)  \
	X(IDIV,       "idiv",       OK_ACCUMULATE)  \
	X(INC,        "inc",        OK_UPDATE)      \
	X(DEC,        "dec",        OK_UPDATE)      \
	X(XCHG,       "xchg",       OK_EXCHANGE)    \
	X(CMPXCHG,    "cmpxchg",    OK_EXCHANGE)    \
	X(XADD,       "xadd",       OK_EXCHANGE)    \
	X(CMPXCHG8B,  "cmpxchg8b",  OK_EXCHANGE)    \
	X(CMPXCHG16B, "cmpxchg16b", OK_EXCHANGE)    \
	X(BT,         "bt",         OK_COMPARE)     \
	X(BTS,        "bts",        OK_UPDATE)      \
	X(BTR,        "btr",        OK_UPDATE)      \
	X(BTC,        "btc",        OK_UPDATE)      \
	X(ROL,        "rol",        OK_UPDATE)      \
	X(ROR,        "ror",        OK_UPDATE)      \
	X(RCL,        "rcl",        OK_UPDATE)      \
	X(RCR,        "rcr",        OK_UPDATE)      \
	X(SHL,        "shl",        OK_UPDATE)      \
	X(SHR,        "shr",        OK_UPDATE)      \
	X(SAR,        "sar",        OK_UPDATE)      \
	X(SHLD,       "shld",       OK_UPDATE)      \
	X(SHRD,       "shrd",       OK_UPDATE)      \
	X(SETCC,      "set",        OK_SET)         \
	X(CMOVCC,     "cmov",       OK_CMOVE)       \
	X(MOVBE,      "movbe",      OK_MOVE)        \
	X(MOVD,       "movd",       OK_MOVE)        \
	X(MOVQ,       "movq",       OK_MOVE)        \
	X(MOVSS,      "movss",      OK_MOVE)        \
	X(MOVSD_XMM,  "movsd",      OK_MOVE)        \
	X(MOVUPS,     "movups",     OK_MOVE)        \
	X(MOVUPD,     "movupd",     OK_MOVE)        \
	X(MOVAPS,     "movaps",     OK_MOVE)        \
	X(MOVAPD,     "movapd",     OK_MOVE)        \
	X(MOVDQA,     "movdqa",     OK_MOVE)        \
	X(MOVDQU,     "movdqu",     OK_MOVE)        \
	X(MOVLPS,     "movlps",     OK_MOVE)        \
	X(MOVHPS,     "movhps",     OK_MOVE)        \
	X(MOVLPD,     "movlpd",     OK_MOVE)        \
	X(MOVHPD,     "movhpd",     OK_MOVE)        \
	X(MOVNTDQ,    "movntdq",    OK_MOVE)        \
	X(MOVNTPS,    "movntps",    OK_MOVE)        \
	X(MOVNTPD,    "movntpd",    OK_MOVE)        \
	X(MOVNTDQA,   "movntdqa",   OK_MOVE)        \
	X(VMOVD,      "vmovd",      OK_MOVE)        \
	X(VMOVQ,      "vmovq",      OK_MOVE)        \
	X(VMOVSS,     "vmovss",     OK_MOVE)        \
	X(VMOVSD,     "vmovsd",     OK_MOVE)        \
	X(VMOVUPS,    "vmovups",    OK_MOVE)        \
	X(VMOVUPD,    "vmovupd",    OK_MOVE)        \
	X(VMOVAPS,    "vmovaps",    OK_MOVE)        \
	X(VMOVAPD,    "vmovapd",    OK_MOVE)        \
	X(VMOVDQA,    "vmovdqa",    OK_MOVE)        \
	X(VMOVDQU,    "vmovdqu",    OK_MOVE)        \
	X(VMOVLPS,    "vmovlps",    OK_MOVE)        \
	X(VMOVHPS,    "vmovhps",    OK_MOVE)        \
	X(VMOVLPD,    "vmovlpd",    OK_MOVE)        \
	X(VMOVHPD,    "vmovhpd",    OK_MOVE)        \
	X(VMOVNTDQ,   "vmovntdq",   OK_MOVE)        \
	X(VMOVNTPS,   "vmovntps",   OK_MOVE)        \
	X(VMOVNTPD,   "vmovntpd",   OK_MOVE)        \
	X(VMOVNTDQA,  "vmovntdqa",  OK_MOVE)        \
	X(VMOVDQU8,   "vmovdqu8",   OK_MOVE)        \
	X(VMOVDQU16,  "vmovdqu16",  OK_MOVE)        \
	X(VMOVDQU32,  "vmovdqu32",  OK_MOVE)        \
	X(VMOVDQU64,  "vmovdqu64",  OK_MOVE)        \
	X(VMOVDQA32,  "vmovdqa32",  OK_MOVE)        \
	X(VMOVDQA64,  "vmovdqa64",  OK_MOVE)        \
	X(MOVDIRI,    "movdiri",    OK_MOVE)        \
	X(MOVDIR64B,  "movdir64b",  OK_COPY)        \
	X(ENQCMD,     "enqcmd",     OK_COPY)        \
	X(ENQCMDS,    "enqcmds",    OK_COPY)  

/* Condition names as Zydis spells them, by the opcode's low nibble. */
#define MMIODEC_CONDITIONS(X)                                          \
	X("o") X("no") X("b") X("nb") X("z") X("nz") X("be") X("nbe")  \
	X("s") X("ns") X("p") X("np") X("l") X("nl") X("le") X("nle")

/*
 * The encodings. A shape is a run of opcodes laid out alike in the SDM's
 * opcode map; SHAPE_<shape> below expands it. ANY: no ModRM.reg is
 * singled out (ModRM.reg names a register, or there is no ModRM).
 */
#define MMIODEC_FORM_ROWS(X)                              \
	/* the MOV family */                              \
	X(MOV,        LEGACY, 0x88, ANY, STORE_LOAD)      \
	X(MOV,        LEGACY, 0xC6, 0,   IMMEDIATE_STORE) \
	X(MOV,        LEGACY, 0xA0, ANY, MOFFS)           \
	X(MOVZX,      0F,     0xB6, ANY, EXTEND)          \
	X(MOVSX,      0F,     0xBE, ANY, EXTEND)          \
	X(MOVSXD,     LEGACY, 0x63, ANY, MOVSXD)          \
	X(MOVNTI,     0F,     0xC3, ANY, MOVNTI)          \
	X(MOVS,       LEGACY, 0xA4, ANY, STRING)          \
	X(STOS,       LEGACY, 0xAA, ANY, STRING)          \
	X(LODS,       LEGACY, 0xAC, ANY, STRING)          \
	X(MOVBE,      0F38,   0xF0, ANY, MOVBE)           \
	/* arithmetic and logic */                        \
	X(ADD,        LEGACY, 0x00, ANY, ALU)             \
	X(OR,         LEGACY, 0x08, ANY, ALU)             \
	X(ADC,        LEGACY, 0x10, ANY, ALU)             \
	X(SBB,        LEGACY, 0x18, ANY, ALU)             \
	X(AND,        LEGACY, 0x20, ANY, ALU)             \
	X(SUB,        LEGACY, 0x28, ANY, ALU)             \
	X(XOR,        LEGACY, 0x30, ANY, ALU)             \
	X(CMP,        LEGACY, 0x38, ANY, ALU)             \
	X(ADD,        LEGACY, 0x80, 0,   GROUP1)          \
	X(OR,         LEGACY, 0x80, 1,   GROUP1)          \
	X(ADC,        LEGACY, 0x80, 2,   GROUP1)          \
	X(SBB,        LEGACY, 0x80, 3,   GROUP1)          \
	X(AND,        LEGACY, 0x80, 4,   GROUP1)          \
	X(SUB,        LEGACY, 0x80, 5,   GROUP1)          \
	X(XOR,        LEGACY, 0x80, 6,   GROUP1)          \
	X(CMP,        LEGACY, 0x80, 7,   GROUP1)          \
	X(TEST,       LEGACY, 0x84, ANY, PAIR_M_R)        \
	X(TEST,       LEGACY, 0xF6, 0,   PAIR_M_I)        \
	X(TEST,       LEGACY, 0xF6, 1,   PAIR_M_I)        \
	X(NOT,        LEGACY, 0xF6, 2,   PAIR_M)          \
	X(NEG,        LEGACY, 0xF6, 3,   PAIR_M)          \
	X(MUL,        LEGACY, 0xF6, 4,   PAIR_M_A)        \
	X(IMUL,       LEGACY, 0xF6, 5,   PAIR_M_A)        \
	X(DIV,        LEGACY, 0xF6, 6,   PAIR_M_A)        \
	X(IDIV,       LEGACY, 0xF6, 7,   PAIR_M_A)        \
	X(IMUL,       0F,     0xAF, ANY, R_M)             \
	X(IMUL,       LEGACY, 0x69, ANY, R_M_IZ)          \
	X(IMUL,       LEGACY, 0x6B, ANY, R_M_IB)          \
	X(INC,        LEGACY, 0xFE, 0,   PAIR_M)          \
	X(DEC,        LEGACY, 0xFE, 1,   PAIR_M)          \
	/* exchanges */                                   \
	X(XCHG,       LEGACY, 0x86, ANY, PAIR_M_R)        \
	X(CMPXCHG,    0F,     0xB0, ANY, PAIR_M_R)        \
	X(XADD,       0F,     0xC0, ANY, PAIR_M_R)        \
	X(CMPXCHG8B,  0F,     0xC7, 1,   DOUBLE)          \
	X(CMPXCHG16B, 0F,     0xC7, 1,   DOUBLE)          \
	/* bits */                                        \
	X(BT,         0F,     0xA3, ANY, M_R)             \
	X(BTS,        0F,     0xAB, ANY, M_R)             \
	X(BTR,        0F,     0xB3, ANY, M_R)             \
	X(BTC,        0F,     0xBB, ANY, M_R)             \
	X(BT,         0F,     0xBA, 4,   M_IB)            \
	X(BTS,        0F,     0xBA, 5,   M_IB)            \
	X(BTR,        0F,     0xBA, 6,   M_IB)            \
	X(BTC,        0F,     0xBA, 7,   M_IB)            \
	/* shifts and rotates */                          \
	X(ROL,        LEGACY, 0xC0, 0,   GROUP2)          \
	X(ROR,        LEGACY, 0xC0, 1,   GROUP2)          \
	X(RCL,        LEGACY, 0xC0, 2,   GROUP2)          \
	X(RCR,        LEGACY, 0xC0, 3,   GROUP2)          \
	X(SHL,        LEGACY, 0xC0, 4,   GROUP2)          \
	X(SHR,        LEGACY, 0xC0, 5,   GROUP2)          \
	X(SHL,        LEGACY, 0xC0, 6,   GROUP2)          \
	X(SAR,        LEGACY, 0xC0, 7,   GROUP2)          \
	X(SHLD,       0F,     0xA4, ANY, DOUBLE_SHIFT)    \
	X(SHRD,       0F,     0xAC, ANY, DOUBLE_SHIFT)    \
	/* conditions */                                  \
	X(SETCC,      0F,     0x90, ANY, SET16)           \
	X(CMOVCC,     0F,     0x40, ANY, CMOV16)

/* The shapes: Y(op, map, opcode, reg, pattern, width) per opcode. */
#define SHAPE_STORE_LOAD(Y, op, map, o, reg)                            \
	Y(op, map, o, reg, FP_M_R, FW_BYTE) Y(op, map, o + 1, reg, FP_M_R, FW_OPERAND) \
	Y(op, map, o + 2, reg, FP_R_M, FW_BYTE) Y(op, map, o + 3, reg, FP_R_M, FW_OPERAND)
#define SHAPE_ALU(Y, op, map, o, reg) SHAPE_STORE_LOAD(Y, op, map, o, reg)
#define SHAPE_IMMEDIATE_STORE(Y, op, map, o, reg)                       \
	Y(op, map, o, reg, FP_M_I, FW_BYTE) Y(op, map, o + 1, reg, FP_M_I, FW_OPERAND)
#define SHAPE_MOFFS(Y, op, map, o, reg)                                 \
	Y(op, map, o, reg, FP_A_MOFFS, FW_BYTE) Y(op, map, o + 1, reg, FP_A_MOFFS, FW_OPERAND) \
	Y(op, map, o + 2, reg, FP_MOFFS_A, FW_BYTE) Y(op, map, o + 3, reg, FP_MOFFS_A, FW_OPERAND)
#define SHAPE_EXTEND(Y, op, map, o, reg)                                \
	Y(op, map, o, reg, FP_R_M, FW_BYTE) Y(op, map, o + 1, reg, FP_R_M, FW_WORD)
#define SHAPE_MOVSXD(Y, op, map, o, reg) Y(op, map, o, reg, FP_R_M, FW_MOVSXD)
#define SHAPE_MOVNTI(Y, op, map, o, reg) Y(op, map, o, reg, FP_M_R, FW_MOVNTI)
#define SHAPE_STRING(Y, op, map, o, reg)                                \
	Y(op, map, o, reg, FP_STRING, FW_BYTE) Y(op, map, o + 1, reg, FP_STRING, FW_OPERAND)
#define SHAPE_MOVBE(Y, op, map, o, reg)                                 \
	Y(op, map, o, reg, FP_R_M, FW_OPERAND) Y(op, map, o + 1, reg, FP_M_R, FW_OPERAND)
/* 80 Eb,Ib  81 Ev,Iz  82 Eb,Ib (not in 64-bit mode)  83 Ev,Ib */
#define SHAPE_GROUP1(Y, op, map, o, reg)                                \
	Y(op, map, o, reg, FP_M_I, FW_BYTE) Y(op, map, o + 1, reg, FP_M_I, FW_OPERAND) \
	Y(op, map, o + 2, reg, FP_M_I, FW_BYTE) Y(op, map, o + 3, reg, FP_M_I, FW_OPERAND)
#define SHAPE_PAIR_M_R(Y, op, map, o, reg)                              \
	Y(op, map, o, reg, FP_M_R, FW_BYTE) Y(op, map, o + 1, reg, FP_M_R, FW_OPERAND)
#define SHAPE_PAIR_M_I(Y, op, map, o, reg)                              \
	Y(op, map, o, reg, FP_M_I, FW_BYTE) Y(op, map, o + 1, reg, FP_M_I, FW_OPERAND)
#define SHAPE_PAIR_M(Y, op, map, o, reg)                                \
	Y(op, map, o, reg, FP_M, FW_BYTE) Y(op, map, o + 1, reg, FP_M, FW_OPERAND)
#define SHAPE_PAIR_M_A(Y, op, map, o, reg)                              \
	Y(op, map, o, reg, FP_M_A, FW_BYTE) Y(op, map, o + 1, reg, FP_M_A, FW_OPERAND)
#define SHAPE_R_M(Y, op, map, o, reg) Y(op, map, o, reg, FP_R_M, FW_OPERAND)
#define SHAPE_M_R(Y, op, map, o, reg) Y(op, map, o, reg, FP_M_R, FW_OPERAND)
#define SHAPE_M_IB(Y, op, map, o, reg) Y(op, map, o, reg, FP_M_I, FW_OPERAND)
#define SHAPE_R_M_IZ(Y, op, map, o, reg) Y(op, map, o, reg, FP_R_M_I, FW_OPERAND)
#define SHAPE_R_M_IB(Y, op, map, o, reg) Y(op, map, o, reg, FP_R_M_I, FW_OPERAND)
#define SHAPE_DOUBLE(Y, op, map, o, reg) Y(op, map, o, reg, FP_M_A, FW_DOUBLE)
/* C0 Eb,Ib  C1 Ev,Ib  D0 Eb,1  D1 Ev,1  D2 Eb,CL  D3 Ev,CL */
#define SHAPE_GROUP2(Y, op, map, o, reg)                                \
	Y(op, map, o, reg, FP_M_I, FW_BYTE) Y(op, map, o + 1, reg, FP_M_I, FW_OPERAND) \
	Y(op, map, o + 0x10, reg, FP_M_1, FW_BYTE) Y(op, map, o + 0x11, reg, FP_M_1, FW_OPERAND) \
	Y(op, map, o + 0x12, reg, FP_M_CL, FW_BYTE) Y(op, map, o + 0x13, reg, FP_M_CL, FW_OPERAND)
#define SHAPE_DOUBLE_SHIFT(Y, op, map, o, reg)                          \
	Y(op, map, o, reg, FP_M_R_I, FW_OPERAND) Y(op, map, o + 1, reg, FP_M_R_CL, FW_OPERAND)
#define SHAPE_SET16(Y, op, map, o, reg) SHAPE_CC16(Y, op, map, o, reg, FP_M, FW_BYTE)
#define SHAPE_CMOV16(Y, op, map, o, reg) SHAPE_CC16(Y, op, map, o, reg, FP_R_M, FW_OPERAND)
#define SHAPE_CC16(Y, op, map, o, reg, p, w)                                    \
	Y(op, map, o, reg, p, w) Y(op, map, o + 1, reg, p, w)                   \
	Y(op, map, o + 2, reg, p, w) Y(op, map, o + 3, reg, p, w)               \
	Y(op, map, o + 4, reg, p, w) Y(op, map, o + 5, reg, p, w)               \
	Y(op, map, o + 6, reg, p, w) Y(op, map, o + 7, reg, p, w)               \
	Y(op, map, o + 8, reg, p, w) Y(op, map, o + 9, reg, p, w)               \
	Y(op, map, o + 10, reg, p, w) Y(op, map, o + 11, reg, p, w)             \
	Y(op, map, o + 12, reg, p, w) Y(op, map, o + 13, reg, p, w)             \
	Y(op, map, o + 14, reg, p, w) Y(op, map, o + 15, reg, p, w)

/*
 * The forms a mandatory prefix, VEX or EVEX selects (all in the 0F and
 * 0F 38 maps, all with a ModRM memory operand):
 *   X(op, encoding, map, prefix, opcode, W, pattern, width, register,
 *     element, aligned)
 * element: the size of the elements an EVEX opmask selects (0: the form
 * takes no mask); aligned: the address must be aligned to the width (for
 * FP_COPY: the destination to 64), else #GP.
 */
#define MMIODEC_VECTOR_FORMS(X)                                                          \
	/* SSE and MMX */                                                                \
	X(MOVD,      LEGACY, 0F,   NP, 0x6E, W0,  R_M,   4,  MMX,  0, 0)                 \
	X(MOVD,      LEGACY, 0F,   NP, 0x7E, W0,  M_R,   4,  MMX,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   NP, 0x6E, W1,  R_M,   8,  MMX,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   NP, 0x7E, W1,  M_R,   8,  MMX,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   NP, 0x6F, WIG, R_M,   8,  MMX,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   NP, 0x7F, WIG, M_R,   8,  MMX,  0, 0)                 \
	X(MOVD,      LEGACY, 0F,   66, 0x6E, W0,  R_M,   4,  XMM,  0, 0)                 \
	X(MOVD,      LEGACY, 0F,   66, 0x7E, W0,  M_R,   4,  XMM,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   66, 0x6E, W1,  R_M,   8,  XMM,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   66, 0x7E, W1,  M_R,   8,  XMM,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   F3, 0x7E, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(MOVQ,      LEGACY, 0F,   66, 0xD6, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(MOVSS,     LEGACY, 0F,   F3, 0x10, WIG, R_M,   4,  XMM,  0, 0)                 \
	X(MOVSS,     LEGACY, 0F,   F3, 0x11, WIG, M_R,   4,  XMM,  0, 0)                 \
	X(MOVSD_XMM, LEGACY, 0F,   F2, 0x10, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(MOVSD_XMM, LEGACY, 0F,   F2, 0x11, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(MOVUPS,    LEGACY, 0F,   NP, 0x10, WIG, R_M,   16, XMM,  0, 0)                 \
	X(MOVUPS,    LEGACY, 0F,   NP, 0x11, WIG, M_R,   16, XMM,  0, 0)                 \
	X(MOVUPD,    LEGACY, 0F,   66, 0x10, WIG, R_M,   16, XMM,  0, 0)                 \
	X(MOVUPD,    LEGACY, 0F,   66, 0x11, WIG, M_R,   16, XMM,  0, 0)                 \
	X(MOVAPS,    LEGACY, 0F,   NP, 0x28, WIG, R_M,   16, XMM,  0, 1)                 \
	X(MOVAPS,    LEGACY, 0F,   NP, 0x29, WIG, M_R,   16, XMM,  0, 1)                 \
	X(MOVAPD,    LEGACY, 0F,   66, 0x28, WIG, R_M,   16, XMM,  0, 1)                 \
	X(MOVAPD,    LEGACY, 0F,   66, 0x29, WIG, M_R,   16, XMM,  0, 1)                 \
	X(MOVDQA,    LEGACY, 0F,   66, 0x6F, WIG, R_M,   16, XMM,  0, 1)                 \
	X(MOVDQA,    LEGACY, 0F,   66, 0x7F, WIG, M_R,   16, XMM,  0, 1)                 \
	X(MOVDQU,    LEGACY, 0F,   F3, 0x6F, WIG, R_M,   16, XMM,  0, 0)                 \
	X(MOVDQU,    LEGACY, 0F,   F3, 0x7F, WIG, M_R,   16, XMM,  0, 0)                 \
	X(MOVLPS,    LEGACY, 0F,   NP, 0x12, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(MOVLPS,    LEGACY, 0F,   NP, 0x13, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(MOVHPS,    LEGACY, 0F,   NP, 0x16, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(MOVHPS,    LEGACY, 0F,   NP, 0x17, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(MOVLPD,    LEGACY, 0F,   66, 0x12, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(MOVLPD,    LEGACY, 0F,   66, 0x13, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(MOVHPD,    LEGACY, 0F,   66, 0x16, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(MOVHPD,    LEGACY, 0F,   66, 0x17, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(MOVNTDQ,   LEGACY, 0F,   66, 0xE7, WIG, M_R,   16, XMM,  0, 1)                 \
	X(MOVNTPS,   LEGACY, 0F,   NP, 0x2B, WIG, M_R,   16, XMM,  0, 1)                 \
	X(MOVNTPD,   LEGACY, 0F,   66, 0x2B, WIG, M_R,   16, XMM,  0, 1)                 \
	X(MOVNTDQA,  LEGACY, 0F38, 66, 0x2A, WIG, R_M,   16, XMM,  0, 1)                 \
	/* VEX */                                                                        \
	X(VMOVD,     VEX,    0F,   66, 0x6E, W0,  R_M,   4,  XMM,  0, 0)                 \
	X(VMOVD,     VEX,    0F,   66, 0x7E, W0,  M_R,   4,  XMM,  0, 0)                 \
	X(VMOVQ,     VEX,    0F,   66, 0x6E, W1,  R_M,   8,  XMM,  0, 0)                 \
	X(VMOVQ,     VEX,    0F,   66, 0x7E, W1,  M_R,   8,  XMM,  0, 0)                 \
	X(VMOVQ,     VEX,    0F,   F3, 0x7E, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(VMOVQ,     VEX,    0F,   66, 0xD6, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVSS,    VEX,    0F,   F3, 0x10, WIG, R_M,   4,  XMM,  0, 0)                 \
	X(VMOVSS,    VEX,    0F,   F3, 0x11, WIG, M_R,   4,  XMM,  0, 0)                 \
	X(VMOVSD,    VEX,    0F,   F2, 0x10, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(VMOVSD,    VEX,    0F,   F2, 0x11, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVUPS,   VEX,    0F,   NP, 0x10, WIG, R_M,   VL, VL,   0, 0)                 \
	X(VMOVUPS,   VEX,    0F,   NP, 0x11, WIG, M_R,   VL, VL,   0, 0)                 \
	X(VMOVUPD,   VEX,    0F,   66, 0x10, WIG, R_M,   VL, VL,   0, 0)                 \
	X(VMOVUPD,   VEX,    0F,   66, 0x11, WIG, M_R,   VL, VL,   0, 0)                 \
	X(VMOVAPS,   VEX,    0F,   NP, 0x28, WIG, R_M,   VL, VL,   0, 1)                 \
	X(VMOVAPS,   VEX,    0F,   NP, 0x29, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVAPD,   VEX,    0F,   66, 0x28, WIG, R_M,   VL, VL,   0, 1)                 \
	X(VMOVAPD,   VEX,    0F,   66, 0x29, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVDQA,   VEX,    0F,   66, 0x6F, WIG, R_M,   VL, VL,   0, 1)                 \
	X(VMOVDQA,   VEX,    0F,   66, 0x7F, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVDQU,   VEX,    0F,   F3, 0x6F, WIG, R_M,   VL, VL,   0, 0)                 \
	X(VMOVDQU,   VEX,    0F,   F3, 0x7F, WIG, M_R,   VL, VL,   0, 0)                 \
	X(VMOVLPS,   VEX,    0F,   NP, 0x12, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVLPS,   VEX,    0F,   NP, 0x13, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVHPS,   VEX,    0F,   NP, 0x16, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVHPS,   VEX,    0F,   NP, 0x17, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVLPD,   VEX,    0F,   66, 0x12, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVLPD,   VEX,    0F,   66, 0x13, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVHPD,   VEX,    0F,   66, 0x16, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVHPD,   VEX,    0F,   66, 0x17, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVNTDQ,  VEX,    0F,   66, 0xE7, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVNTPS,  VEX,    0F,   NP, 0x2B, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVNTPD,  VEX,    0F,   66, 0x2B, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVNTDQA, VEX,    0F38, 66, 0x2A, WIG, R_M,   VL, VL,   0, 1)                 \
	/* EVEX */                                                                       \
	X(VMOVD,     EVEX,   0F,   66, 0x6E, W0,  R_M,   4,  XMM,  0, 0)                 \
	X(VMOVD,     EVEX,   0F,   66, 0x7E, W0,  M_R,   4,  XMM,  0, 0)                 \
	X(VMOVQ,     EVEX,   0F,   66, 0x6E, W1,  R_M,   8,  XMM,  0, 0)                 \
	X(VMOVQ,     EVEX,   0F,   66, 0x7E, W1,  M_R,   8,  XMM,  0, 0)                 \
	X(VMOVQ,     EVEX,   0F,   F3, 0x7E, WIG, R_M,   8,  XMM,  0, 0)                 \
	X(VMOVQ,     EVEX,   0F,   66, 0xD6, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVSS,    EVEX,   0F,   F3, 0x10, WIG, R_M,   4,  XMM,  4, 0)                 \
	X(VMOVSS,    EVEX,   0F,   F3, 0x11, WIG, M_R,   4,  XMM,  4, 0)                 \
	X(VMOVSD,    EVEX,   0F,   F2, 0x10, WIG, R_M,   8,  XMM,  8, 0)                 \
	X(VMOVSD,    EVEX,   0F,   F2, 0x11, WIG, M_R,   8,  XMM,  8, 0)                 \
	X(VMOVUPS,   EVEX,   0F,   NP, 0x10, WIG, R_M,   VL, VL,   4, 0)                 \
	X(VMOVUPS,   EVEX,   0F,   NP, 0x11, WIG, M_R,   VL, VL,   4, 0)                 \
	X(VMOVUPD,   EVEX,   0F,   66, 0x10, WIG, R_M,   VL, VL,   8, 0)                 \
	X(VMOVUPD,   EVEX,   0F,   66, 0x11, WIG, M_R,   VL, VL,   8, 0)                 \
	X(VMOVAPS,   EVEX,   0F,   NP, 0x28, WIG, R_M,   VL, VL,   4, 1)                 \
	X(VMOVAPS,   EVEX,   0F,   NP, 0x29, WIG, M_R,   VL, VL,   4, 1)                 \
	X(VMOVAPD,   EVEX,   0F,   66, 0x28, WIG, R_M,   VL, VL,   8, 1)                 \
	X(VMOVAPD,   EVEX,   0F,   66, 0x29, WIG, M_R,   VL, VL,   8, 1)                 \
	X(VMOVDQA32, EVEX,   0F,   66, 0x6F, W0,  R_M,   VL, VL,   4, 1)                 \
	X(VMOVDQA32, EVEX,   0F,   66, 0x7F, W0,  M_R,   VL, VL,   4, 1)                 \
	X(VMOVDQA64, EVEX,   0F,   66, 0x6F, W1,  R_M,   VL, VL,   8, 1)                 \
	X(VMOVDQA64, EVEX,   0F,   66, 0x7F, W1,  M_R,   VL, VL,   8, 1)                 \
	X(VMOVDQU32, EVEX,   0F,   F3, 0x6F, W0,  R_M,   VL, VL,   4, 0)                 \
	X(VMOVDQU32, EVEX,   0F,   F3, 0x7F, W0,  M_R,   VL, VL,   4, 0)                 \
	X(VMOVDQU64, EVEX,   0F,   F3, 0x6F, W1,  R_M,   VL, VL,   8, 0)                 \
	X(VMOVDQU64, EVEX,   0F,   F3, 0x7F, W1,  M_R,   VL, VL,   8, 0)                 \
	X(VMOVDQU8,  EVEX,   0F,   F2, 0x6F, W0,  R_M,   VL, VL,   1, 0)                 \
	X(VMOVDQU8,  EVEX,   0F,   F2, 0x7F, W0,  M_R,   VL, VL,   1, 0)                 \
	X(VMOVDQU16, EVEX,   0F,   F2, 0x6F, W1,  R_M,   VL, VL,   2, 0)                 \
	X(VMOVDQU16, EVEX,   0F,   F2, 0x7F, W1,  M_R,   VL, VL,   2, 0)                 \
	X(VMOVLPS,   EVEX,   0F,   NP, 0x12, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVLPS,   EVEX,   0F,   NP, 0x13, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVHPS,   EVEX,   0F,   NP, 0x16, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVHPS,   EVEX,   0F,   NP, 0x17, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVLPD,   EVEX,   0F,   66, 0x12, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVLPD,   EVEX,   0F,   66, 0x13, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVHPD,   EVEX,   0F,   66, 0x16, WIG, R_V_M, 8,  XMM,  0, 0)                 \
	X(VMOVHPD,   EVEX,   0F,   66, 0x17, WIG, M_R,   8,  XMM,  0, 0)                 \
	X(VMOVNTDQ,  EVEX,   0F,   66, 0xE7, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVNTPS,  EVEX,   0F,   NP, 0x2B, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVNTPD,  EVEX,   0F,   66, 0x2B, WIG, M_R,   VL, VL,   0, 1)                 \
	X(VMOVNTDQA, EVEX,   0F38, 66, 0x2A, WIG, R_M,   VL, VL,   0, 1)                 \
	/* device portals */                                                             \
	X(MOVDIRI,   LEGACY, 0F38, NP, 0xF9, WIG, M_R,   MOVNTI, GPR, 0, 0)              \
	X(MOVDIR64B, LEGACY, 0F38, 66, 0xF8, WIG, COPY,  64, ADDRESS, 0, 1)              \
	X(ENQCMD,    LEGACY, 0F38, F2, 0xF8, WIG, COPY,  64, ADDRESS, 0, 1)              \
	X(ENQCMDS,   LEGACY, 0F38, F3, 0xF8, WIG, COPY,  64, ADDRESS, 0, 1)

/*
 * Every concrete form: define MMIODEC_FORM(op, map, opcode, reg, pattern,
 * width), then write MMIODEC_EACH_FORM. CMPXCHG8B and CMPXCHG16B share an
 * encoding (REX.W selects CMPXCHG16B); every other (map, opcode, reg) is
 * one form (tools/gen-forms.c checks it).
 */
#define MMIODEC_EACH_FORM MMIODEC_FORM_ROWS(MMIODEC_FORM_ROW_)
#define MMIODEC_FORM_ROW_(op, map, opcode, reg, shape) \
	SHAPE_##shape(MMIODEC_FORM, op, map, opcode, reg)

#endif
