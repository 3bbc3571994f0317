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
 *     if (mmiodec_decode_vendor(&insn, bytes, n, MMIODEC_MODE_64,
 *                               MMIODEC_VENDOR_INTEL) != MMIODEC_OK)
 *             return fail;
 *     uint64_t gpa;
 *     mmiodec_address(&insn, &regs, 0, &gpa);     // check it is the fault
 *     if (insn.direction == MMIODEC_DIR_WRITE)
 *             device_write(gpa, mmiodec_store_value(&insn, &regs), insn.width);
 *     else
 *             mmiodec_complete_load(&insn, &regs, device_read(gpa, insn.width));
 *     mmiodec_advance_rip(&insn, &regs);
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
 * enum mmiodec_op - the kind of access, which also tells which fields
 * matter
 * @MMIODEC_OP_NONE: status is not MMIODEC_OK
 * @MMIODEC_OP_MOV: 88/89/8A/8B, C6/C7 /0, A0-A3
 * @MMIODEC_OP_MOVZX: 0F B6/B7
 * @MMIODEC_OP_MOVSX: 0F BE/BF
 * @MMIODEC_OP_MOVSXD: 63 in 64-bit mode
 * @MMIODEC_OP_MOVNTI: 0F C3
 * @MMIODEC_OP_MOVS: A4/A5: memory to memory
 * @MMIODEC_OP_STOS: AA/AB: accumulator to [rDI]
 * @MMIODEC_OP_LODS: AC/AD: [rSI] to accumulator
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
};

/**
 * enum mmiodec_dir - direction of the whole instruction, seen from memory
 * @MMIODEC_DIR_NONE: status is not MMIODEC_OK
 * @MMIODEC_DIR_READ: a load: memory to register
 * @MMIODEC_DIR_WRITE: a store: register or immediate to memory
 * @MMIODEC_DIR_READ_WRITE: MOVS: mem[1] is read, mem[0] written
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
 *
 * New kinds (vector registers) are added here without changing the
 * meaning of the existing ones.
 */
enum mmiodec_reg_kind {
	MMIODEC_REG_KIND_NONE = 0,
	MMIODEC_REG_KIND_GPR = 1,
	MMIODEC_REG_KIND_GPR_HIGH8 = 2,
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
 * @access: enum mmiodec_dir: READ or WRITE
 * @reserved: zero
 */
struct mmiodec_mem {
	int64_t displacement;
	uint8_t segment;
	uint8_t base;
	uint8_t index;
	uint8_t scale;
	uint8_t address_size;
	uint8_t access;
	uint8_t reserved[2];
};

/**
 * struct mmiodec_insn - the decoded instruction
 * @mem: the memory operands; mem[0] is the destination when the
 *	instruction writes memory, as in Intel syntax; MOVS has two:
 *	mem[0] = ES:[rDI], mem[1] = [rSI].
 * @immediate: for an immediate store (C6/C7): the value written, an
 *	unsigned integer of @width bytes (C7 with REX.W: imm32
 *	sign-extended).
 * @status: enum mmiodec_status
 * @length: bytes, 1..15 (OK, NO_MEMORY, UNSUPPORTED)
 * @op: enum mmiodec_op
 * @direction: enum mmiodec_dir
 * @width: bytes per memory access: 1, 2, 4 or 8
 * @extend: enum mmiodec_extend
 * @dest_width: width in bytes of the register a load writes (MOVZX eax,
 *	byte: 4); for everything else equal to @width
 * @reg: register number, see @reg_kind
 * @reg_kind: enum mmiodec_reg_kind; NONE for an immediate store and for
 *	MOVS
 * @has_immediate: true for C6/C7
 * @mem_count: number of memory operands: 1, or 2 for MOVS
 * @rep: enum mmiodec_rep, as Zydis attributes it
 * @repeat: the instruction repeats: a REP, REPE or REPNE prefix on a
 *	string instruction (the CPU repeats MOVS/STOS/LODS under either F2 or
 *	F3, and ignores ZF for them)
 * @mode: enum mmiodec_mode it was decoded in
 * @operand_size: effective operand size in bytes (2, 4, 8)
 * @address_size: effective address size in bits
 * @vendor: enum mmiodec_vendor the bytes were decoded for (set whenever
 *	status is not BAD_ARGUMENT)
 * @vendor_dependent: true when the answer holds for @vendor only: the
 *	other vendor reads these bytes differently (and with
 *	MMIODEC_VENDOR_ANY the status is then MMIODEC_VENDOR_DEPENDENT). It
 *	compares with the other vendor's answer on the same bytes, TRUNCATED
 *	included, so it may change when more bytes are given
 * @reserved: zero
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
	uint8_t reserved[6];
};

/**
 * struct mmiodec_regs - the register state a handler works on (saved at
 * the trap)
 * @gpr: RAX..R15 in encoding order
 * @rip: address of the trapped instruction
 * @rflags: only DF (bit 10) is read
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
 * + base + index*scale + displacement, the sum of the last three wrapped
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
 * Return: the source register (AH..BH read from bits 15:8) or the
 * immediate, in its low insn->width bytes; 0 for MOVS (the data comes
 * from memory) and for anything but a store.
 */
uint64_t mmiodec_store_value(const struct mmiodec_insn *insn,
			     const struct mmiodec_regs *regs);

/**
 * mmiodec_complete_load() - write a loaded value into its register
 * @insn: a descriptor decoded as MMIODEC_OK
 * @regs: the register state, changed
 * @value: the value read; its low insn->width bytes count
 *
 * Writes @value into the destination register as the CPU does: extended
 * per insn->extend to insn->dest_width; an 8- or 16-bit write keeps the
 * register's other bits (AH..BH write bits 15:8); a 32-bit write in 64-bit
 * mode clears bits 63:32.
 *
 * Return: true; false, changing nothing, when the instruction is not a
 * load into a register (a store, MOVS, or not OK).
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
 * Return: mov, movzx, movsb ... lodsq; "" when the descriptor is not OK.
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
 * MMIODEC_RIP gives rip, eip or ip); for HIGH8 ah..bh.
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
