/* SPDX-License-Identifier: MIT */
/*
 * mmiodec: decode one x86 instruction into an MMIO access descriptor, and
 * finish its emulation on a register file.
 *
 * Freestanding: this header needs only <stdint.h>, <stddef.h> and
 * <stdbool.h> (in a kernel build, where __KERNEL__ is defined, the
 * kernel's <linux/types.h> instead); the library allocates nothing, keeps
 * no writable global state and never reads past the byte count it is
 * given. Only the functions declared here are global symbols.
 *
 * The usual flow in a #VE/#VC/MMIO-exit handler (a TDX guest's #VE handler
 * runs on Intel, an SEV guest's #VC handler on AMD; mmiodec_decode() gives
 * an answer only where both vendors agree):
 *
 *     struct mmiodec_insn insn;
 *     struct mmiodec_exec out;
 *     uint64_t gpa, loaded[2] = { 0, 0 };
 *     if (mmiodec_decode_vendor(&insn, bytes, n, MMIODEC_MODE_64,
 *                               MMIODEC_VENDOR_INTEL) != MMIODEC_OK)
 *             return fail;
 *     mmiodec_address(&insn, &regs, 0, &gpa);     // check it is the fault
 *     if (insn.direction != MMIODEC_DIR_WRITE)
 *             device_read(gpa, loaded, insn.width);
 *     if (mmiodec_execute(&insn, &regs, loaded, &out) != MMIODEC_EXEC_OK)
 *             return fail;                        // #DE, or a string op
 *     if (out.writes)
 *             device_write(gpa, out.store, insn.width);
 *
 * String instructions (MOVS, STOS, LODS) are run one iteration at a time
 * with mmiodec_string_step(); see there.
 */
#ifndef MMIODEC_H
#define MMIODEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The longest instruction x86 allows, in bytes. */
#define MMIODEC_MAX_LENGTH 15

/**
 * enum mmiodec_mode - processor mode; the value is the default address
 * size in bits
 * @MMIODEC_MODE_16: real mode or a 16-bit code segment
 * @MMIODEC_MODE_32: protected mode, 32-bit code segment
 * @MMIODEC_MODE_64: long mode, 64-bit code segment
 */
enum mmiodec_mode {
	MMIODEC_MODE_16 = 16,
	MMIODEC_MODE_32 = 32,
	MMIODEC_MODE_64 = 64,
};

/**
 * enum mmiodec_status - what mmiodec_decode() made of the bytes
 * @MMIODEC_OK: a supported memory access: every field of the descriptor
 *	is set.
 * @MMIODEC_NO_MEMORY: a valid instruction without a memory operand; only
 *	length (and mode) is set.
 * @MMIODEC_UNSUPPORTED: a valid instruction that accesses memory but is
 *	not emulated by this library; only length (and mode) is set.
 * @MMIODEC_INVALID: not a valid instruction in this mode (including longer
 *	than 15 bytes and LOCK on a form that cannot take it).
 * @MMIODEC_TRUNCATED: the bytes end before the instruction does (and fewer
 *	than 15 were given): more bytes might make it valid.
 * @MMIODEC_BAD_ARGUMENT: the call itself is wrong: NULL descriptor or
 *	bytes, or an unknown mode or vendor. Nothing was read.
 * @MMIODEC_VENDOR_DEPENDENT: decoded for MMIODEC_VENDOR_ANY, and Intel and
 *	AMD processors disagree on these bytes: on validity, length or the
 *	memory access (see the README's table of vendor differences). Decode
 *	again for the vendor that runs the code. length and mode are set when
 *	both read a whole instruction of the same length, else zero; the
 *	other fields are zero (vendor_dependent is true). Where one vendor
 *	needs more bytes than were given, ANY answers MMIODEC_TRUNCATED
 *	instead: more bytes may make the two agree.
 */
enum mmiodec_status {
	MMIODEC_OK = 0,
	MMIODEC_NO_MEMORY = 1,
	MMIODEC_UNSUPPORTED = 2,
	MMIODEC_INVALID = 3,
	MMIODEC_TRUNCATED = 4,
	MMIODEC_BAD_ARGUMENT = 5,
	MMIODEC_VENDOR_DEPENDENT = 6,
};

/**
 * enum mmiodec_vendor - whose reading of the bytes to give
 * @MMIODEC_VENDOR_ANY: both: an answer only where Intel and AMD agree,
 *	else MMIODEC_VENDOR_DEPENDENT.
 * @MMIODEC_VENDOR_INTEL: as the Intel SDM and Intel CPUs read them.
 * @MMIODEC_VENDOR_AMD: as the AMD APM and AMD CPUs (and Hygon) read them.
 *
 * Where Intel and AMD processors decode the same bytes differently (16-bit
 * near branches in 64-bit mode, MOVSXD with a 16-bit operand size,
 * instructions one of them lacks...), INTEL and AMD give that vendor's
 * answer; ANY gives an answer only where both agree, and
 * MMIODEC_VENDOR_DEPENDENT where they do not.
 */
enum mmiodec_vendor {
	MMIODEC_VENDOR_ANY = 0,
	MMIODEC_VENDOR_INTEL = 1,
	MMIODEC_VENDOR_AMD = 2,
};

/**
 * enum mmiodec_op - the instruction, which also tells which fields matter
 *
 * Named as Zydis names them (mmiodec_mnemonic()); src/forms.h lists the
 * encodings of each, and the README's table of supported instructions
 * comes from it.
 *
 * @MMIODEC_OP_NONE: status is not MMIODEC_OK
 * @MMIODEC_OP_MOV: 88/89/8A/8B, C6/C7 /0, A0-A3
 * @MMIODEC_OP_MOVZX: 0F B6/B7
 * @MMIODEC_OP_MOVSX: 0F BE/BF
 * @MMIODEC_OP_MOVSXD: 63 in 64-bit mode
 * @MMIODEC_OP_MOVNTI: 0F C3
 * @MMIODEC_OP_MOVS: A4/A5: memory to memory
 * @MMIODEC_OP_STOS: AA/AB: accumulator to [rDI]
 * @MMIODEC_OP_LODS: AC/AD: [rSI] to accumulator
 * @MMIODEC_OP_ADD: 00-03, 80-83 /0
 * @MMIODEC_OP_OR: 08-0B, 80-83 /1
 * @MMIODEC_OP_ADC: 10-13, 80-83 /2
 * @MMIODEC_OP_SBB: 18-1B, 80-83 /3
 * @MMIODEC_OP_AND: 20-23, 80-83 /4
 * @MMIODEC_OP_SUB: 28-2B, 80-83 /5
 * @MMIODEC_OP_XOR: 30-33, 80-83 /6
 * @MMIODEC_OP_CMP: 38-3B, 80-83 /7 (see @reg_first)
 * @MMIODEC_OP_TEST: 84/85, F6/F7 /0 /1
 * @MMIODEC_OP_NOT: F6/F7 /2
 * @MMIODEC_OP_NEG: F6/F7 /3
 * @MMIODEC_OP_MUL: F6/F7 /4: rAX (AL) times memory into rDX:rAX (AX)
 * @MMIODEC_OP_IMUL: F6/F7 /5 as MUL; 0F AF, 69, 6B: into the register
 * @MMIODEC_OP_DIV: F6/F7 /6: rDX:rAX (AX) by memory
 * @MMIODEC_OP_IDIV: F6/F7 /7
 * @MMIODEC_OP_INC: FE/FF /0
 * @MMIODEC_OP_DEC: FE/FF /1
 * @MMIODEC_OP_XCHG: 86/87 (always locked)
 * @MMIODEC_OP_CMPXCHG: 0F B0/B1
 * @MMIODEC_OP_XADD: 0F C0/C1
 * @MMIODEC_OP_CMPXCHG8B: 0F C7 /1
 * @MMIODEC_OP_CMPXCHG16B: REX.W 0F C7 /1 (width 16)
 * @MMIODEC_OP_BT: 0F A3, 0F BA /4
 * @MMIODEC_OP_BTS: 0F AB, 0F BA /5
 * @MMIODEC_OP_BTR: 0F B3, 0F BA /6
 * @MMIODEC_OP_BTC: 0F BB, 0F BA /7
 * @MMIODEC_OP_ROL: C0/C1/D0-D3 /0
 * @MMIODEC_OP_ROR: /1
 * @MMIODEC_OP_RCL: /2
 * @MMIODEC_OP_RCR: /3
 * @MMIODEC_OP_SHL: /4 and /6 (SAL)
 * @MMIODEC_OP_SHR: /5
 * @MMIODEC_OP_SAR: /7
 * @MMIODEC_OP_SHLD: 0F A4/A5
 * @MMIODEC_OP_SHRD: 0F AC/AD
 * @MMIODEC_OP_SETCC: 0F 90-9F, condition in @condition
 * @MMIODEC_OP_CMOVCC: 0F 40-4F, condition in @condition
 * @MMIODEC_OP_MOVBE: 0F 38 F0/F1
 * @MMIODEC_OP_MOVD: 0F 6E/7E (MMX), 66 0F 6E/7E (XMM): 4 bytes
 * @MMIODEC_OP_MOVQ: the same with REX.W, 0F 6F/7F (MMX), F3 0F 7E,
 *	66 0F D6: 8 bytes
 * @MMIODEC_OP_MOVSS: F3 0F 10/11
 * @MMIODEC_OP_MOVSD_XMM: F2 0F 10/11 ("movsd", as the string MOVSD)
 * @MMIODEC_OP_MOVUPS: 0F 10/11
 * @MMIODEC_OP_MOVUPD: 66 0F 10/11
 * @MMIODEC_OP_MOVAPS: 0F 28/29 (aligned)
 * @MMIODEC_OP_MOVAPD: 66 0F 28/29 (aligned)
 * @MMIODEC_OP_MOVDQA: 66 0F 6F/7F (aligned)
 * @MMIODEC_OP_MOVDQU: F3 0F 6F/7F
 * @MMIODEC_OP_MOVLPS: 0F 12/13 with memory: the low 8 bytes
 * @MMIODEC_OP_MOVHPS: 0F 16/17 with memory: the high 8 bytes
 * @MMIODEC_OP_MOVLPD: 66 0F 12/13
 * @MMIODEC_OP_MOVHPD: 66 0F 16/17
 * @MMIODEC_OP_MOVNTDQ: 66 0F E7 (aligned)
 * @MMIODEC_OP_MOVNTPS: 0F 2B (aligned)
 * @MMIODEC_OP_MOVNTPD: 66 0F 2B (aligned)
 * @MMIODEC_OP_MOVNTDQA: 66 0F 38 2A (aligned)
 * @MMIODEC_OP_VMOVD: the VEX and EVEX forms of MOVD, and so on
 * @MMIODEC_OP_VMOVQ: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVSS: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVSD: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVUPS: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVUPD: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVAPS: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVAPD: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVDQA: VEX only (EVEX: VMOVDQA32/64)
 * @MMIODEC_OP_VMOVDQU: VEX only (EVEX: VMOVDQU8/16/32/64)
 * @MMIODEC_OP_VMOVLPS: loads take the other half from @reg2
 * @MMIODEC_OP_VMOVHPS: see @MMIODEC_OP_VMOVLPS
 * @MMIODEC_OP_VMOVLPD: see @MMIODEC_OP_VMOVLPS
 * @MMIODEC_OP_VMOVHPD: see @MMIODEC_OP_VMOVLPS
 * @MMIODEC_OP_VMOVNTDQ: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVNTPS: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVNTPD: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVNTDQA: see @MMIODEC_OP_VMOVD
 * @MMIODEC_OP_VMOVDQU8: EVEX F2 0F 6F/7F W0
 * @MMIODEC_OP_VMOVDQU16: EVEX F2 0F 6F/7F W1
 * @MMIODEC_OP_VMOVDQU32: EVEX F3 0F 6F/7F W0
 * @MMIODEC_OP_VMOVDQU64: EVEX F3 0F 6F/7F W1
 * @MMIODEC_OP_VMOVDQA32: EVEX 66 0F 6F/7F W0 (aligned)
 * @MMIODEC_OP_VMOVDQA64: EVEX 66 0F 6F/7F W1 (aligned)
 * @MMIODEC_OP_MOVDIRI: 0F 38 F9: a direct store of a general register
 * @MMIODEC_OP_MOVDIR64B: 66 0F 38 F8: 64 bytes from [m] (mem[1]) stored
 *	as one to ES:[reg] (mem[0], aligned to 64)
 * @MMIODEC_OP_ENQCMD: F2 0F 38 F8: as MOVDIR64B, a non-posted store whose
 *	answer sets ZF; the CPU puts IA32_PASID into bits 19:0 of the
 *	command's first doubleword and clears bit 31 (SDM vol. 2 ENQCMD),
 *	which is the handler's to do: the library copies nothing
 * @MMIODEC_OP_ENQCMDS: F3 0F 38 F8: the same, privileged
 * @MMIODEC_OP_COUNT: the number of values above
 */
enum mmiodec_op {
	MMIODEC_OP_NONE = 0,
	MMIODEC_OP_MOV,
	MMIODEC_OP_MOVZX,
	MMIODEC_OP_MOVSX,
	MMIODEC_OP_MOVSXD,
	MMIODEC_OP_MOVNTI,
	MMIODEC_OP_MOVS,
	MMIODEC_OP_STOS,
	MMIODEC_OP_LODS,
	MMIODEC_OP_ADD,
	MMIODEC_OP_OR,
	MMIODEC_OP_ADC,
	MMIODEC_OP_SBB,
	MMIODEC_OP_AND,
	MMIODEC_OP_SUB,
	MMIODEC_OP_XOR,
	MMIODEC_OP_CMP,
	MMIODEC_OP_TEST,
	MMIODEC_OP_NOT,
	MMIODEC_OP_NEG,
	MMIODEC_OP_MUL,
	MMIODEC_OP_IMUL,
	MMIODEC_OP_DIV,
	MMIODEC_OP_IDIV,
	MMIODEC_OP_INC,
	MMIODEC_OP_DEC,
	MMIODEC_OP_XCHG,
	MMIODEC_OP_CMPXCHG,
	MMIODEC_OP_XADD,
	MMIODEC_OP_CMPXCHG8B,
	MMIODEC_OP_CMPXCHG16B,
	MMIODEC_OP_BT,
	MMIODEC_OP_BTS,
	MMIODEC_OP_BTR,
	MMIODEC_OP_BTC,
	MMIODEC_OP_ROL,
	MMIODEC_OP_ROR,
	MMIODEC_OP_RCL,
	MMIODEC_OP_RCR,
	MMIODEC_OP_SHL,
	MMIODEC_OP_SHR,
	MMIODEC_OP_SAR,
	MMIODEC_OP_SHLD,
	MMIODEC_OP_SHRD,
	MMIODEC_OP_SETCC,
	MMIODEC_OP_CMOVCC,
	MMIODEC_OP_MOVBE,
	MMIODEC_OP_MOVD,
	MMIODEC_OP_MOVQ,
	MMIODEC_OP_MOVSS,
	MMIODEC_OP_MOVSD_XMM,
	MMIODEC_OP_MOVUPS,
	MMIODEC_OP_MOVUPD,
	MMIODEC_OP_MOVAPS,
	MMIODEC_OP_MOVAPD,
	MMIODEC_OP_MOVDQA,
	MMIODEC_OP_MOVDQU,
	MMIODEC_OP_MOVLPS,
	MMIODEC_OP_MOVHPS,
	MMIODEC_OP_MOVLPD,
	MMIODEC_OP_MOVHPD,
	MMIODEC_OP_MOVNTDQ,
	MMIODEC_OP_MOVNTPS,
	MMIODEC_OP_MOVNTPD,
	MMIODEC_OP_MOVNTDQA,
	MMIODEC_OP_VMOVD,
	MMIODEC_OP_VMOVQ,
	MMIODEC_OP_VMOVSS,
	MMIODEC_OP_VMOVSD,
	MMIODEC_OP_VMOVUPS,
	MMIODEC_OP_VMOVUPD,
	MMIODEC_OP_VMOVAPS,
	MMIODEC_OP_VMOVAPD,
	MMIODEC_OP_VMOVDQA,
	MMIODEC_OP_VMOVDQU,
	MMIODEC_OP_VMOVLPS,
	MMIODEC_OP_VMOVHPS,
	MMIODEC_OP_VMOVLPD,
	MMIODEC_OP_VMOVHPD,
	MMIODEC_OP_VMOVNTDQ,
	MMIODEC_OP_VMOVNTPS,
	MMIODEC_OP_VMOVNTPD,
	MMIODEC_OP_VMOVNTDQA,
	MMIODEC_OP_VMOVDQU8,
	MMIODEC_OP_VMOVDQU16,
	MMIODEC_OP_VMOVDQU32,
	MMIODEC_OP_VMOVDQU64,
	MMIODEC_OP_VMOVDQA32,
	MMIODEC_OP_VMOVDQA64,
	MMIODEC_OP_MOVDIRI,
	MMIODEC_OP_MOVDIR64B,
	MMIODEC_OP_ENQCMD,
	MMIODEC_OP_ENQCMDS,
	MMIODEC_OP_COUNT
};

/**
 * enum mmiodec_dir - direction of the whole instruction, seen from memory
 * @MMIODEC_DIR_NONE: status is not MMIODEC_OK
 * @MMIODEC_DIR_READ: memory is read only: a load, and CMP, TEST, BT,
 *	MUL, IMUL, DIV, IDIV, CMOVcc
 * @MMIODEC_DIR_WRITE: memory is written only: a store (MOV, SETcc, a
 *	MOVBE store)
 * @MMIODEC_DIR_READ_WRITE: memory is read, then written: a
 *	read-modify-write (ADD [m], r, XCHG, CMPXCHG...; mem[0].access is
 *	READ_WRITE), or MOVS (mem[1] is read, mem[0] written)
 */
enum mmiodec_dir {
	MMIODEC_DIR_NONE = 0,
	MMIODEC_DIR_READ = 1,
	MMIODEC_DIR_WRITE = 2,
	MMIODEC_DIR_READ_WRITE = 3,
};

/**
 * enum mmiodec_extend - how a load narrower than its destination fills the
 * rest
 * @MMIODEC_EXTEND_NONE: it is not narrower
 * @MMIODEC_EXTEND_ZERO: zero-extended (MOVZX)
 * @MMIODEC_EXTEND_SIGN: sign-extended (MOVSX, MOVSXD)
 */
enum mmiodec_extend {
	MMIODEC_EXTEND_NONE = 0,
	MMIODEC_EXTEND_ZERO = 1,
	MMIODEC_EXTEND_SIGN = 2,
};

/**
 * enum mmiodec_rep - the repeat prefix of a string instruction, named as
 * Zydis names it
 * @MMIODEC_REP_NONE: none
 * @MMIODEC_REP_REP: F3
 * @MMIODEC_REP_REPE: F3 on CMPS/SCAS (never on a supported form)
 * @MMIODEC_REP_REPNE: F2
 */
enum mmiodec_rep {
	MMIODEC_REP_NONE = 0,
	MMIODEC_REP_REP = 1,
	MMIODEC_REP_REPE = 2,
	MMIODEC_REP_REPNE = 3,
};

/**
 * enum mmiodec_seg - segment registers, in encoding order (as in ModRM.reg
 * of 8C/8E)
 * @MMIODEC_SEG_ES: ES
 * @MMIODEC_SEG_CS: CS
 * @MMIODEC_SEG_SS: SS
 * @MMIODEC_SEG_DS: DS
 * @MMIODEC_SEG_FS: FS
 * @MMIODEC_SEG_GS: GS
 */
enum mmiodec_seg {
	MMIODEC_SEG_ES = 0,
	MMIODEC_SEG_CS = 1,
	MMIODEC_SEG_SS = 2,
	MMIODEC_SEG_DS = 3,
	MMIODEC_SEG_FS = 4,
	MMIODEC_SEG_GS = 5,
};

/**
 * enum mmiodec_gpr - general registers, in encoding order
 * @MMIODEC_RAX: RAX (0), and so on to
 * @MMIODEC_RCX: RCX
 * @MMIODEC_RDX: RDX
 * @MMIODEC_RBX: RBX
 * @MMIODEC_RSP: RSP
 * @MMIODEC_RBP: RBP
 * @MMIODEC_RSI: RSI
 * @MMIODEC_RDI: RDI
 * @MMIODEC_R8: R8
 * @MMIODEC_R9: R9
 * @MMIODEC_R10: R10
 * @MMIODEC_R11: R11
 * @MMIODEC_R12: R12
 * @MMIODEC_R13: R13
 * @MMIODEC_R14: R14
 * @MMIODEC_R15: R15 (15)
 * @MMIODEC_RIP: only as a memory operand's base: RIP-relative (EIP in
 *	32-bit address size)
 * @MMIODEC_NO_REG: no register
 */
enum mmiodec_gpr {
	MMIODEC_RAX = 0, MMIODEC_RCX, MMIODEC_RDX, MMIODEC_RBX,
	MMIODEC_RSP, MMIODEC_RBP, MMIODEC_RSI, MMIODEC_RDI,
	MMIODEC_R8, MMIODEC_R9, MMIODEC_R10, MMIODEC_R11,
	MMIODEC_R12, MMIODEC_R13, MMIODEC_R14, MMIODEC_R15,
	MMIODEC_RIP = 16,
	MMIODEC_NO_REG = 0xff,
};

/**
 * enum mmiodec_reg_kind - what a register number means
 * @MMIODEC_REG_KIND_NONE: no register
 * @MMIODEC_REG_KIND_GPR: a general register at the operand's width:
 *	AL..R15B (with a REX prefix, 4..7 are SPL..DIL), AX.., EAX.., RAX..
 * @MMIODEC_REG_KIND_GPR_HIGH8: AH, CH, DH, BH: bits 15:8 of register 0..3
 *	(a byte operand without REX)
 * @MMIODEC_REG_KIND_MMX: MM0..MM7 (8 bytes)
 * @MMIODEC_REG_KIND_XMM: XMM0..XMM31 (16 bytes; 16..31 with EVEX)
 * @MMIODEC_REG_KIND_YMM: YMM0..YMM31 (32 bytes)
 * @MMIODEC_REG_KIND_ZMM: ZMM0..ZMM31 (64 bytes)
 *
 * The kind names the register as Zydis does: the low 16 bytes of ZMM3 are
 * XMM3. New kinds are added here without changing the meaning of the
 * existing ones.
 */
enum mmiodec_reg_kind {
	MMIODEC_REG_KIND_NONE = 0,
	MMIODEC_REG_KIND_GPR = 1,
	MMIODEC_REG_KIND_GPR_HIGH8 = 2,
	MMIODEC_REG_KIND_MMX = 3,
	MMIODEC_REG_KIND_XMM = 4,
	MMIODEC_REG_KIND_YMM = 5,
	MMIODEC_REG_KIND_ZMM = 6,
};

/**
 * struct mmiodec_mem - one memory operand
 * @displacement: the displacement, sign-extended to 64 bits. For A0-A3
 *	(MOV with a moffs operand) the offset, sign-extended from the address
 *	size in the same way: 67 A1 EF BE AD DE gives -0x21524111, not
 *	0xdeadbeef. mmiodec_address() wraps the sum to @address_size, so the
 *	effective address is the offset as the CPU reads it (0xdeadbeef).
 * @segment: enum mmiodec_seg: the effective segment
 * @base: enum mmiodec_gpr, MMIODEC_RIP or MMIODEC_NO_REG
 * @index: enum mmiodec_gpr or MMIODEC_NO_REG
 * @scale: 1, 2, 4 or 8 with an index; 0 without
 * @address_size: 16, 32 or 64: the width of the address computation,
 *	which wraps at it
 * @access: enum mmiodec_dir: READ, WRITE or READ_WRITE (read, then
 *	written: a read-modify-write)
 * @align: the alignment the CPU requires of the address, in bytes (MOVAPS,
 *	MOVDQA, MOVNT*: the access width; MOVDIR64B's and ENQCMD's
 *	destination: 64), or 0: a misaligned address raises #GP before any
 *	access, which a handler must raise instead of accessing; except
 *	that an EVEX access whose mask selects no element at all does not
 *	fault (measured on Intel: check mmiodec_vector_mask() first)
 * @element: for a masked access (insn->mask), the size in bytes of the
 *	elements the mask selects; else 0
 */
struct mmiodec_mem {
	int64_t displacement;
	uint8_t segment;
	uint8_t base;
	uint8_t index;
	uint8_t scale;
	uint8_t address_size;
	uint8_t access;
	uint8_t align;
	uint8_t element;
};

/**
 * struct mmiodec_insn - the decoded instruction
 * @mem: the memory operands; mem[0] is the destination when the
 *	instruction writes memory, as in Intel syntax; MOVS has two:
 *	mem[0] = ES:[rDI], mem[1] = [rSI].
 * @immediate: the immediate operand, as an unsigned integer of @width
 *	bytes: sign-extended where the CPU extends it (C7 and 81 with REX.W,
 *	83, 6B...), zero-extended where it is a count or bit offset (C0/C1,
 *	0F A4/AC, 0F BA); 1 for the shifts by one (D0/D1), as Zydis has it.
 * @status: enum mmiodec_status
 * @length: bytes, 1..15 (OK, NO_MEMORY, UNSUPPORTED)
 * @op: enum mmiodec_op
 * @direction: enum mmiodec_dir
 * @width: bytes per memory access: 1, 2, 4, 8, 16 (CMPXCHG16B, XMM), 32
 *	(YMM) or 64 (ZMM, MOVDIR64B, ENQCMD)
 * @extend: enum mmiodec_extend
 * @dest_width: width in bytes of the register @reg at which the
 *	instruction uses it: that of the destination of a load (MOVZX eax,
 *	byte: 4), 1 for the count in CL (shifts by CL), 2 for DIV/IDIV's AX
 *	(byte forms), the operand size for IMUL r, m, imm, CMPXCHG8B's EAX
 *	(4) and CMPXCHG16B's RAX (8), the whole vector register (8 for MMX,
 *	16, 32, 64: MOVSS xmm, m32 has 16), the address size for
 *	MOVDIR64B's and ENQCMD's address register; else equal to @width
 * @reg: register number, see @reg_kind: the register operand as Zydis
 *	names it: ModRM.reg where the form has one; CL for a shift by CL;
 *	the accumulator (AL, AX for a byte DIV/IDIV, rAX) for MUL, IMUL,
 *	DIV, IDIV with one operand, CMPXCHG8B/16B (EAX/RAX), STOS, LODS
 *	and A0-A3; the vector register of a vector move (XMM16..31 with
 *	EVEX); the register holding MOVDIR64B's and ENQCMD's destination
 *	address
 * @reg_kind: enum mmiodec_reg_kind; NONE where there is no register
 *	operand (an immediate store, MOVS, NOT, NEG, INC, DEC, SETcc...)
 * @has_immediate: the instruction has an immediate operand (C6/C7, group
 *	1, TEST imm, IMUL 69/6B, shifts by an immediate or by 1, BT* imm8,
 *	SHLD/SHRD imm8)
 * @mem_count: number of memory operands: 1, or 2 for MOVS, MOVDIR64B,
 *	ENQCMD and ENQCMDS (mem[0] = ES:[reg] written, mem[1] = [m] read)
 * @rep: enum mmiodec_rep, as Zydis attributes it
 * @repeat: the instruction repeats: a REP, REPE or REPNE prefix on a
 *	string instruction (the CPU repeats MOVS/STOS/LODS under either F2 or
 *	F3, and ignores ZF for them)
 * @mode: enum mmiodec_mode it was decoded in
 * @operand_size: effective operand size in bytes (2, 4, 8); 4 for
 *	CMPXCHG8B, whose halves are EDX:EAX whatever 66 says (8 for
 *	CMPXCHG16B), and a 66 that is an SSE form's mandatory prefix sizes
 *	nothing, as Zydis has it
 * @address_size: effective address size in bits
 * @vendor: enum mmiodec_vendor the bytes were decoded for (set whenever
 *	status is not BAD_ARGUMENT)
 * @vendor_dependent: true when the answer holds for @vendor only: the
 *	other vendor reads these bytes differently (and with
 *	MMIODEC_VENDOR_ANY the status is then MMIODEC_VENDOR_DEPENDENT). It
 *	compares with the other vendor's answer on the same bytes, TRUNCATED
 *	included, so it may change when more bytes are given
 * @locked: the access is locked: a LOCK prefix on a form that takes it, or
 *	XCHG with a memory operand (locked whether or not F0 is given)
 * @condition: for SETcc and CMOVcc the condition, 0-15 as in the opcode's
 *	low nibble (0 O, 1 NO, 2 B, 3 NB, 4 Z, 5 NZ, 6 BE, 7 NBE, 8 S, 9 NS,
 *	A P, B NP, C L, D NL, E LE, F NLE); else 0
 * @reg_first: the register is the first operand, as Zydis lists them
 *	(the loads: MOV r, m, A0/A1, LODS, MOVZX..., vector loads; ADD r,
 *	m; CMP r, m; IMUL r, m; CMOVcc; MOVDIR64B r, m...), not the memory
 *	operand; it matters for CMP, where it says which is subtracted from
 *	which
 * @mask: the EVEX opmask register (1..7: k1..k7) that selects the
 *	elements of mem[0] accessed, or 0 for none; see mmiodec_vector_mask()
 * @zeroing: with @mask, a load zeroes the register's unselected elements
 *	(EVEX.z) instead of keeping them
 * @reg2: for the VEX/EVEX loads VMOVLPS, VMOVHPS, VMOVLPD, VMOVHPD, the
 *	XMM register (VEX.vvvv) the other 8 bytes come from; else 0
 *
 * Plain data, 64 bytes, no pointer into the input. When status is not
 * MMIODEC_OK only status, and for NO_MEMORY and UNSUPPORTED length and
 * mode (so that mmiodec_advance_rip() can skip the instruction), mean
 * anything; the other fields are zero.
 */
struct mmiodec_insn {
	struct mmiodec_mem mem[2];
	uint64_t immediate;
	uint8_t status;
	uint8_t length;
	uint8_t op;
	uint8_t direction;
	uint8_t width;
	uint8_t extend;
	uint8_t dest_width;
	uint8_t reg;
	uint8_t reg_kind;
	uint8_t has_immediate;
	uint8_t mem_count;
	uint8_t rep;
	uint8_t repeat;
	uint8_t mode;
	uint8_t operand_size;
	uint8_t address_size;
	uint8_t vendor;
	uint8_t vendor_dependent;
	uint8_t locked;
	uint8_t condition;
	uint8_t reg_first;
	uint8_t mask;
	uint8_t zeroing;
	uint8_t reg2;
};

/**
 * struct mmiodec_regs - the register state a handler works on (saved at
 * the trap)
 * @gpr: RAX..R15 in encoding order
 * @rip: address of the trapped instruction
 * @rflags: RFLAGS: mmiodec_execute() reads and writes the arithmetic
 *	flags (CF, PF, AF, ZF, SF, OF) and reads DF; the string functions
 *	read DF
 * @seg_base: segment bases, indexed by enum mmiodec_seg
 */
struct mmiodec_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
	uint64_t seg_base[6];
};

/**
 * mmiodec_decode_vendor() - decode one instruction as a vendor's
 * processors read it
 * @insn: the descriptor to fill
 * @bytes: the instruction's bytes
 * @len: how many bytes there are; at most min(@len, 15) are read
 * @mode: the processor mode
 * @vendor: MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD, or MMIODEC_VENDOR_ANY
 *	for an answer only where both agree
 *
 * Always fills *@insn (when @insn is not NULL). A @vendor other than ANY,
 * INTEL or AMD is BAD_ARGUMENT.
 *
 * Return: insn->status.
 */
enum mmiodec_status mmiodec_decode_vendor(struct mmiodec_insn *insn,
					  const uint8_t *bytes, size_t len,
					  enum mmiodec_mode mode,
					  enum mmiodec_vendor vendor);

/**
 * mmiodec_decode() - decode one instruction where Intel and AMD agree
 * @insn: the descriptor to fill
 * @bytes: the instruction's bytes
 * @len: how many bytes there are; at most min(@len, 15) are read
 * @mode: the processor mode
 *
 * mmiodec_decode_vendor() with MMIODEC_VENDOR_ANY.
 *
 * Return: insn->status.
 */
enum mmiodec_status mmiodec_decode(struct mmiodec_insn *insn,
				   const uint8_t *bytes, size_t len,
				   enum mmiodec_mode mode);

/**
 * mmiodec_address() - the linear address of a memory operand
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state
 * @which: the operand: 0, or 1 for MOVS's source
 * @linear: where the address goes
 *
 * Segment base (FS/GS only in 64-bit mode; any segment in 16/32-bit modes)
 * + base + index*scale + displacement (+ for BT, BTS, BTR, BTC with a
 * register bit offset, the offset divided by the operand size in bits,
 * signed, times the operand size in bytes: the address the CPU really
 * accesses), the sum wrapped
 * to the address size as the CPU wraps the effective address; RIP-relative
 * operands count from the next instruction. In 16/32-bit mode the linear
 * address is wrapped to 32 bits.
 *
 * Return: true; false, leaving *@linear untouched, when the descriptor is
 * not OK or has no operand @which.
 */
bool mmiodec_address(const struct mmiodec_insn *insn,
		     const struct mmiodec_regs *regs, unsigned which,
		     uint64_t *linear);

/**
 * mmiodec_store_value() - the value a store writes
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state
 *
 * For the MOV family (MOV, MOVNTI, STOS); mmiodec_execute() finishes
 * every form.
 *
 * Return: the source register (AH..BH read from bits 15:8) or the
 * immediate, in its low insn->width bytes; 0 for MOVS (the data comes
 * from memory) and for anything but a MOV-family store.
 */
uint64_t mmiodec_store_value(const struct mmiodec_insn *insn,
			     const struct mmiodec_regs *regs);

/**
 * mmiodec_complete_load() - write a loaded value into its register
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state, changed
 * @value: the value read; its low insn->width bytes count
 *
 * For the MOV family (MOV, MOVZX, MOVSX, MOVSXD, LODS);
 * mmiodec_execute() finishes every form.
 *
 * Writes @value into the destination register as the CPU does: extended
 * per insn->extend to insn->dest_width; an 8- or 16-bit write keeps the
 * register's other bits (AH..BH write bits 15:8); a 32-bit write in 64-bit
 * mode clears bits 63:32.
 *
 * Return: true; false, changing nothing, when the instruction is not a
 * MOV-family load into a register (a store, MOVS, CMP..., or not OK).
 */
bool mmiodec_complete_load(const struct mmiodec_insn *insn,
			   struct mmiodec_regs *regs, uint64_t value);

/**
 * mmiodec_advance_rip() - move RIP past the instruction
 * @insn: a descriptor with a length (OK, NO_MEMORY or UNSUPPORTED)
 * @regs: the register state, changed
 *
 * Wraps RIP to 16 bits in 16-bit mode and to 32 bits in 32-bit mode (the
 * operand size of the code segment).
 */
void mmiodec_advance_rip(const struct mmiodec_insn *insn,
			 struct mmiodec_regs *regs);

/**
 * mmiodec_string_pending() - whether an iteration of a string instruction
 * runs at all
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state
 *
 * Return: false only when the instruction repeats and rCX (at the address
 * size) is already 0 (the handler then just advances RIP), or when @insn is
 * not OK; else true.
 */
bool mmiodec_string_pending(const struct mmiodec_insn *insn,
			    const struct mmiodec_regs *regs);

/**
 * mmiodec_string_step() - finish one iteration of a string instruction
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state, changed
 *
 * For a string instruction whose memory accesses the handler has already
 * done: steps rSI and/or rDI by +-width (down when RFLAGS.DF is set),
 * wrapped to the address size; if it repeats, counts rCX down at the
 * address size. For a non-string instruction it only advances RIP.
 *
 * Return: true when the instruction is complete (no repeat, or rCX
 * reached 0), having then advanced RIP; false when another iteration is
 * due, leaving RIP on the instruction (as the CPU does when it takes an
 * interrupt between iterations).
 */
bool mmiodec_string_step(const struct mmiodec_insn *insn,
			 struct mmiodec_regs *regs);

/**
 * enum mmiodec_exec_status - what mmiodec_execute() did
 * @MMIODEC_EXEC_OK: the instruction is finished on the registers: they
 *	and RFLAGS are as the CPU leaves them and RIP is past it; the
 *	struct mmiodec_exec says what to write to memory.
 * @MMIODEC_EXEC_DIVIDE_ERROR: DIV or IDIV by zero, or a quotient too
 *	large for its register: the CPU raises #DE. Nothing was changed (RIP
 *	stays on the instruction, as for a fault) and nothing is written.
 * @MMIODEC_EXEC_NOT_HANDLED: nothing was changed: a NULL argument, a
 *	descriptor that is not OK, or a string instruction (see
 *	mmiodec_string_step()).
 */
enum mmiodec_exec_status {
	MMIODEC_EXEC_OK = 0,
	MMIODEC_EXEC_DIVIDE_ERROR = 1,
	MMIODEC_EXEC_NOT_HANDLED = 2,
};

/**
 * struct mmiodec_exec - what mmiodec_execute() says memory gets
 * @store: when @writes, the value to write to mem[0]: its low insn->width
 *	bytes (store[1] holds bytes 15:8 of CMPXCHG16B's 16)
 * @undefined_flags: the RFLAGS bits the SDM leaves undefined for this
 *	instruction with these operands (AF after AND, OF after a shift by
 *	more than one, all six after DIV...). With insn->vendor INTEL they
 *	are set as Intel CPUs set them (measured: see the README's
 *	"Undefined flags"); with AMD and ANY they keep their old values
 *	(not measured on AMD). The others are exact for either vendor.
 * @writes: memory is written, with @store
 * @writes_back: CMPXCHG, CMPXCHG8B or CMPXCHG16B whose comparison failed:
 *	the CPU still writes the destination, with the value it read (SDM
 *	vol. 2 CMPXCHG), so @writes is true and @store that value; a handler
 *	whose device cannot tell may skip that write
 * @reserved: zero
 */
struct mmiodec_exec {
	uint64_t store[2];
	uint32_t undefined_flags;
	uint8_t writes;
	uint8_t writes_back;
	uint8_t reserved[2];
};

/**
 * mmiodec_execute() - finish any supported instruction but a string or
 * vector one
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state, changed (RFLAGS included)
 * @loaded: what memory returned for mem[0] when insn->direction is READ or
 *	READ_WRITE: loaded[0] holds its low insn->width bytes (loaded[1]
 *	bytes 15:8 of CMPXCHG16B's 16); ignored, and may be NULL, for a store
 * @out: where the store goes, filled on MMIODEC_EXEC_OK (zeroed otherwise)
 *
 * Vector loads and stores (reg_kind MMX..ZMM) are NOT_HANDLED: see
 * mmiodec_vector_complete_load(). MOVDIRI stores its register;
 * MOVDIR64B, ENQCMD and ENQCMDS only advance RIP (the handler copies the
 * 64 bytes), ENQCMD(S) setting ZF when loaded[0], the device's answer, is
 * not 0 (the command was not accepted: retry) and clearing the other
 * arithmetic flags.
 *
 * Does what the CPU does after the read (if any): computes the result and
 * RFLAGS, writes the destination register(s) with the CPU's register
 * write rules (AH..BH; a 32-bit write clears bits 63:32, also for a CMOVcc
 * whose condition fails; MUL/DIV write rDX:rAX...), says what to write to
 * memory, and advances RIP. A BT/BTS/BTR/BTC with a register bit offset
 * reads and writes at the address mmiodec_address() gives, which the
 * offset has moved.
 *
 * Return: enum mmiodec_exec_status.
 */
enum mmiodec_exec_status mmiodec_execute(const struct mmiodec_insn *insn,
					 struct mmiodec_regs *regs,
					 const uint64_t *loaded,
					 struct mmiodec_exec *out);

/**
 * struct mmiodec_vregs - the vector registers a handler works on, filled
 * from (and written back to) its saved FPU/XSAVE state
 * @zmm: ZMM0..ZMM31, each as 64 little-endian bytes: XMMn is zmm[n][0..15],
 *	YMMn zmm[n][0..31] (without AVX-512 only XMM0..15/YMM0..15 exist:
 *	the rest is simply not used)
 * @k: the opmask registers K0..K7
 * @mm: MM0..MM7 (the x87 registers' low 64 bits)
 */
struct mmiodec_vregs {
	uint8_t zmm[32][64];
	uint64_t k[8];
	uint64_t mm[8];
};

/**
 * mmiodec_vector_mask() - which bytes of a vector access are made
 * @insn: a descriptor decoded as MMIODEC_OK
 * @vregs: the vector registers (the opmask is read)
 *
 * Return: bit i set when byte i of mem[0] (of insn->width) is accessed:
 * all of them, unless insn->mask selects elements (then only those:
 * masked-off elements are neither read nor written, and do not fault); 0
 * when @insn is not OK or either pointer is NULL.
 */
uint64_t mmiodec_vector_mask(const struct mmiodec_insn *insn,
			     const struct mmiodec_vregs *vregs);

/**
 * mmiodec_vector_store_value() - the bytes a vector store writes
 * @insn: a descriptor decoded as MMIODEC_OK whose reg_kind is MMX, XMM,
 *	YMM or ZMM and direction WRITE
 * @vregs: the vector registers
 * @data: where the insn->width bytes go (those mmiodec_vector_mask()
 *	clears are zero)
 *
 * Return: true; false, writing nothing, for anything but a vector store.
 */
bool mmiodec_vector_store_value(const struct mmiodec_insn *insn,
				const struct mmiodec_vregs *vregs,
				uint8_t data[64]);

/**
 * mmiodec_vector_complete_load() - write a vector load into its register
 * @insn: a descriptor decoded as MMIODEC_OK whose reg_kind is MMX, XMM,
 *	YMM or ZMM and direction READ
 * @vregs: the vector registers, changed
 * @data: the insn->width bytes read (those mmiodec_vector_mask() clears
 *	are ignored)
 *
 * Writes the register as the CPU does: legacy SSE keeps the bits above
 * 127 (and MOVSS, MOVSD, MOVD, MOVQ zero the rest of the low 128), VEX and
 * EVEX zero everything above the operand; MOVLPS/MOVHPS... replace only
 * their half (the VEX/EVEX forms take the other half from insn->reg2); a
 * masked load keeps or (insn->zeroing) zeroes the unselected elements;
 * MOVD/MOVQ into an MMX register zero-extend to 64 bits.
 *
 * Return: true; false, changing nothing, for anything but a vector load.
 */
bool mmiodec_vector_complete_load(const struct mmiodec_insn *insn,
				  struct mmiodec_vregs *vregs,
				  const uint8_t data[64]);

/**
 * mmiodec_status_name() - the name of a status
 * @status: the status
 *
 * Return: "ok", "no-memory", "unsupported", "invalid", "truncated",
 * "bad-argument", "vendor-dependent"; "?" for anything else.
 */
const char *mmiodec_status_name(enum mmiodec_status status);

/**
 * mmiodec_vendor_name() - the name of a vendor setting
 * @vendor: the vendor
 *
 * Return: "any", "intel", "amd"; NULL for anything else.
 */
const char *mmiodec_vendor_name(enum mmiodec_vendor vendor);

/**
 * mmiodec_mnemonic() - the mnemonic, as Zydis names it
 * @insn: a descriptor
 *
 * Return: mov, movzx, movsb ... lodsq, add ... shrd, setz, cmovnz... (the
 * condition's name as Zydis spells it); "" when the descriptor is not OK.
 */
const char *mmiodec_mnemonic(const struct mmiodec_insn *insn);

/**
 * mmiodec_reg_name() - the name of a register
 * @kind: the kind of register
 * @number: its number
 * @width: the width in bytes it is used at
 *
 * For MMIODEC_REG_KIND_GPR the name at @width bytes (1: al..r15b with
 * spl..dil, 2: ax.., 4: eax.., 8: rax..; with @width 8, 4 or 2, number
 * MMIODEC_RIP gives rip, eip or ip); for HIGH8 ah..bh; for MMX mm0..mm7,
 * for XMM, YMM, ZMM xmm0..xmm31... (@width is then not looked at).
 *
 * Return: the name; NULL when there is no such register.
 */
const char *mmiodec_reg_name(enum mmiodec_reg_kind kind, unsigned number,
			     unsigned width);

/**
 * mmiodec_seg_name() - the name of a segment register
 * @seg: the segment register
 *
 * Return: "es", "cs", "ss", "ds", "fs", "gs"; NULL out of range.
 */
const char *mmiodec_seg_name(enum mmiodec_seg seg);

#ifdef __cplusplus
}
#endif

#endif /* MMIODEC_H */
