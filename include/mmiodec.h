/* SPDX-License-Identifier: MIT */
/*
 * mmiodec: decode one x86 instruction into an MMIO access descriptor, and
 * finish its emulation on a register file.
 *
 * Freestanding: this header needs only <stdint.h>, <stddef.h> and
 * <stdbool.h>; the library allocates nothing, keeps no writable global
 * state and never reads past the byte count it is given.
 *
 * The usual flow in a #VE/#VC/MMIO-exit handler:
 *
 *     struct mmiodec_insn insn;
 *     if (mmiodec_decode(&insn, bytes, n, MMIODEC_MODE_64) != MMIODEC_OK)
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

/** The longest instruction x86 allows, in bytes. */
#define MMIODEC_MAX_LENGTH 15

/** Processor mode; the value is the default address size in bits. */
enum mmiodec_mode {
	MMIODEC_MODE_16 = 16, /**< real mode or a 16-bit code segment */
	MMIODEC_MODE_32 = 32, /**< protected mode, 32-bit code segment */
	MMIODEC_MODE_64 = 64, /**< long mode, 64-bit code segment */
};

/** What mmiodec_decode() made of the bytes. */
enum mmiodec_status {
	/** A supported memory access: every field of the descriptor is set. */
	MMIODEC_OK = 0,
	/** A valid instruction without a memory operand; only length is set. */
	MMIODEC_NO_MEMORY = 1,
	/** A valid instruction that accesses memory but is not emulated by this
	 *  library; only length is set. */
	MMIODEC_UNSUPPORTED = 2,
	/** Not a valid instruction in this mode (including longer than 15
	 *  bytes and LOCK on a form that cannot take it). */
	MMIODEC_INVALID = 3,
	/** The bytes end before the instruction does (and fewer than 15 were
	 *  given): more bytes might make it valid. */
	MMIODEC_TRUNCATED = 4,
	/** The call itself is wrong: NULL descriptor or bytes, or an unknown
	 *  mode or vendor. Nothing was read. */
	MMIODEC_BAD_ARGUMENT = 5,
	/** Decoded for MMIODEC_VENDOR_ANY, and Intel and AMD processors
	 *  disagree on these bytes: on validity, length or the memory access
	 *  (see the README's table of vendor differences). Decode again for
	 *  the vendor that runs the code. length and mode are set when the
	 *  two agree on the length, else zero; the other fields are zero. */
	MMIODEC_VENDOR_DEPENDENT = 6,
};

/**
 * Whose reading of the bytes to give. Where Intel and AMD processors
 * decode the same bytes differently (16-bit near branches in 64-bit mode,
 * MOVSXD with a 16-bit operand size, instructions one of them lacks...),
 * INTEL and AMD give that vendor's answer; ANY gives an answer only where
 * both agree, and MMIODEC_VENDOR_DEPENDENT where they do not.
 */
enum mmiodec_vendor {
	MMIODEC_VENDOR_ANY = 0,   /**< both, or VENDOR_DEPENDENT */
	MMIODEC_VENDOR_INTEL = 1, /**< as the Intel SDM and Intel CPUs */
	MMIODEC_VENDOR_AMD = 2,   /**< as the AMD APM and AMD CPUs (and Hygon) */
};

/** The kind of access, which also tells which fields matter. */
enum mmiodec_op {
	MMIODEC_OP_NONE = 0, /**< status is not MMIODEC_OK */
	MMIODEC_OP_MOV,      /**< 88/89/8A/8B, C6/C7 /0, A0-A3 */
	MMIODEC_OP_MOVZX,    /**< 0F B6/B7 */
	MMIODEC_OP_MOVSX,    /**< 0F BE/BF */
	MMIODEC_OP_MOVSXD,   /**< 63 in 64-bit mode */
	MMIODEC_OP_MOVNTI,   /**< 0F C3 */
	MMIODEC_OP_MOVS,     /**< A4/A5: memory to memory */
	MMIODEC_OP_STOS,     /**< AA/AB: accumulator to [rDI] */
	MMIODEC_OP_LODS,     /**< AC/AD: [rSI] to accumulator */
};

/** Direction of the whole instruction, seen from memory. */
enum mmiodec_dir {
	MMIODEC_DIR_NONE = 0,
	MMIODEC_DIR_READ = 1,        /**< a load: memory to register */
	MMIODEC_DIR_WRITE = 2,       /**< a store: register or immediate to memory */
	MMIODEC_DIR_READ_WRITE = 3,  /**< MOVS: mem[1] is read, mem[0] written */
};

/** How a load narrower than its destination fills the rest. */
enum mmiodec_extend {
	MMIODEC_EXTEND_NONE = 0,
	MMIODEC_EXTEND_ZERO = 1, /**< MOVZX */
	MMIODEC_EXTEND_SIGN = 2, /**< MOVSX, MOVSXD */
};

/** The repeat prefix of a string instruction, named as Zydis names it. */
enum mmiodec_rep {
	MMIODEC_REP_NONE = 0,
	MMIODEC_REP_REP = 1,    /**< F3 */
	MMIODEC_REP_REPE = 2,   /**< F3 on CMPS/SCAS (never on a supported form) */
	MMIODEC_REP_REPNE = 3,  /**< F2 */
};

/** Segment registers, in encoding order (as in ModRM.reg of 8C/8E). */
enum mmiodec_seg {
	MMIODEC_SEG_ES = 0,
	MMIODEC_SEG_CS = 1,
	MMIODEC_SEG_SS = 2,
	MMIODEC_SEG_DS = 3,
	MMIODEC_SEG_FS = 4,
	MMIODEC_SEG_GS = 5,
};

/** General registers, in encoding order: RAX=0 ... R15=15. */
enum mmiodec_gpr {
	MMIODEC_RAX = 0, MMIODEC_RCX, MMIODEC_RDX, MMIODEC_RBX,
	MMIODEC_RSP, MMIODEC_RBP, MMIODEC_RSI, MMIODEC_RDI,
	MMIODEC_R8, MMIODEC_R9, MMIODEC_R10, MMIODEC_R11,
	MMIODEC_R12, MMIODEC_R13, MMIODEC_R14, MMIODEC_R15,
	/** Only as a memory operand's base: RIP-relative (EIP in 32-bit
	 *  address size). */
	MMIODEC_RIP = 16,
	/** No register. */
	MMIODEC_NO_REG = 0xff,
};

/** What a register number means. New kinds (vector registers) are added
 *  here without changing the meaning of the existing ones. */
enum mmiodec_reg_kind {
	MMIODEC_REG_KIND_NONE = 0,
	/** A general register at the operand's width: AL..R15B (with a REX
	 *  prefix, 4..7 are SPL..DIL), AX.., EAX.., RAX.. */
	MMIODEC_REG_KIND_GPR = 1,
	/** AH, CH, DH, BH: bits 15:8 of register 0..3 (byte operand, no REX). */
	MMIODEC_REG_KIND_GPR_HIGH8 = 2,
};

/** One memory operand. */
struct mmiodec_mem {
	/** Displacement, sign-extended; for A0-A3 the absolute offset. */
	int64_t displacement;
	uint8_t segment;      /**< enum mmiodec_seg: the effective segment */
	uint8_t base;         /**< enum mmiodec_gpr, MMIODEC_RIP or MMIODEC_NO_REG */
	uint8_t index;        /**< enum mmiodec_gpr or MMIODEC_NO_REG */
	uint8_t scale;        /**< 1, 2, 4 or 8 with an index; 0 without */
	uint8_t address_size; /**< 16, 32 or 64: the width of the address
	                           computation, which wraps at it */
	uint8_t access;       /**< enum mmiodec_dir: READ or WRITE */
	uint8_t reserved[2];
};

/**
 * The decoded instruction. Plain data, no pointer into the input; when
 * status is not MMIODEC_OK only status, and for NO_MEMORY and UNSUPPORTED
 * length and mode (so that mmiodec_advance_rip() can skip the instruction),
 * mean anything; the other fields are zero.
 */
struct mmiodec_insn {
	/** mem[0] is the destination when the instruction writes memory, as in
	 *  Intel syntax; MOVS has two: mem[0] = ES:[rDI], mem[1] = [rSI]. */
	struct mmiodec_mem mem[2];
	/** For an immediate store (C6/C7): the value written, an unsigned
	 *  integer of width bytes (C7 with REX.W: imm32 sign-extended). */
	uint64_t immediate;
	uint8_t status;       /**< enum mmiodec_status */
	uint8_t length;       /**< bytes, 1..15 (OK, NO_MEMORY, UNSUPPORTED) */
	uint8_t op;           /**< enum mmiodec_op */
	uint8_t direction;    /**< enum mmiodec_dir */
	uint8_t width;        /**< bytes per memory access: 1, 2, 4 or 8 */
	uint8_t extend;       /**< enum mmiodec_extend */
	/** Width in bytes of the register a load writes (MOVZX eax, byte: 4);
	 *  for everything else equal to width. */
	uint8_t dest_width;
	uint8_t reg;          /**< register number, see reg_kind */
	uint8_t reg_kind;     /**< enum mmiodec_reg_kind; NONE for an immediate
	                           store and for MOVS */
	uint8_t has_immediate;/**< true for C6/C7 */
	uint8_t mem_count;    /**< number of memory operands: 1, or 2 for MOVS */
	uint8_t rep;          /**< enum mmiodec_rep, as Zydis attributes it */
	/** The instruction repeats: a REP, REPE or REPNE prefix on a string
	 *  instruction (the CPU repeats MOVS/STOS/LODS under either F2 or
	 *  F3, and ignores ZF for them). */
	uint8_t repeat;
	uint8_t mode;         /**< enum mmiodec_mode it was decoded in */
	uint8_t operand_size; /**< effective operand size in bytes (2, 4, 8) */
	uint8_t address_size; /**< effective address size in bits */
	/** enum mmiodec_vendor the bytes were decoded for (set whenever
	 *  status is not BAD_ARGUMENT). */
	uint8_t vendor;
	/** true when the answer holds for `vendor` only: the other vendor
	 *  reads these bytes differently (and with MMIODEC_VENDOR_ANY the
	 *  status is then MMIODEC_VENDOR_DEPENDENT). */
	uint8_t vendor_dependent;
	uint8_t reserved[6];  /**< zero */
};

/** The register state a handler works on (saved at the trap). */
struct mmiodec_regs {
	uint64_t gpr[16];     /**< RAX..R15 in encoding order */
	uint64_t rip;         /**< address of the trapped instruction */
	uint64_t rflags;      /**< only DF (bit 10) is read */
	uint64_t seg_base[6]; /**< indexed by enum mmiodec_seg */
};

/**
 * Decode the instruction at bytes[0..len-1] in the given mode, as a
 * processor of the given vendor reads it.
 *
 * Reads at most min(len, 15) bytes. Always fills *insn (when insn is not
 * NULL) and returns insn->status. A vendor other than ANY, INTEL or AMD is
 * BAD_ARGUMENT.
 */
enum mmiodec_status mmiodec_decode_vendor(struct mmiodec_insn *insn,
					  const uint8_t *bytes, size_t len,
					  enum mmiodec_mode mode,
					  enum mmiodec_vendor vendor);

/**
 * mmiodec_decode_vendor() with MMIODEC_VENDOR_ANY: an answer only where
 * Intel and AMD processors agree.
 */
enum mmiodec_status mmiodec_decode(struct mmiodec_insn *insn,
				   const uint8_t *bytes, size_t len,
				   enum mmiodec_mode mode);

/**
 * Linear address of memory operand `which` (0 or 1 for MOVS, else 0):
 * segment base (FS/GS only in 64-bit mode; any segment in 16/32-bit
 * modes) + base + index*scale + displacement, the sum of the last three
 * wrapped to the address size as the CPU wraps the effective address;
 * RIP-relative operands count from the next instruction. In 16/32-bit mode
 * the linear address is wrapped to 32 bits.
 *
 * Returns false, leaving *linear untouched, when the descriptor is not OK or
 * has no operand `which`.
 */
bool mmiodec_address(const struct mmiodec_insn *insn,
		     const struct mmiodec_regs *regs, unsigned which,
		     uint64_t *linear);

/**
 * The value a store writes (the low insn->width bytes of the result): the
 * source register (AH..BH read from bits 15:8) or the immediate. For MOVS
 * there is no such value (the data comes from memory): returns 0.
 */
uint64_t mmiodec_store_value(const struct mmiodec_insn *insn,
			     const struct mmiodec_regs *regs);

/**
 * Complete a load: write `value` (its low insn->width bytes count) into the
 * destination register as the CPU does: extend per insn->extend to
 * dest_width; an 8- or 16-bit write keeps the register's other bits (AH..BH
 * write bits 15:8); a 32-bit write in 64-bit mode clears bits 63:32.
 * Returns false, changing nothing, when the instruction is not a load into
 * a register (a store, MOVS, or not OK).
 */
bool mmiodec_complete_load(const struct mmiodec_insn *insn,
			   struct mmiodec_regs *regs, uint64_t value);

/**
 * Advance RIP past the instruction, wrapping to 16 bits in 16-bit mode and
 * 32 bits in 32-bit mode (the operand size of the code segment).
 */
void mmiodec_advance_rip(const struct mmiodec_insn *insn,
			 struct mmiodec_regs *regs);

/**
 * For string instructions: whether an iteration runs at all. False only
 * when the instruction repeats and rCX (at the address size) is already 0;
 * the handler then just advances RIP.
 */
bool mmiodec_string_pending(const struct mmiodec_insn *insn,
			    const struct mmiodec_regs *regs);

/**
 * Finish one iteration of a string instruction whose memory accesses the
 * handler has already done: step rSI and/or rDI by +-width (down when
 * RFLAGS.DF is set), wrapped to the address size; if it repeats, count rCX
 * down at the address size. Returns true when the instruction is complete
 * (no repeat, or rCX reached 0), having then advanced RIP; false when
 * another iteration is due, leaving RIP on the instruction (as the CPU does
 * when it takes an interrupt between iterations).
 * For a non-string instruction it only advances RIP and returns true.
 */
bool mmiodec_string_step(const struct mmiodec_insn *insn,
			 struct mmiodec_regs *regs);

/** "ok", "no-memory", "unsupported", "invalid", "truncated",
 *  "bad-argument", "vendor-dependent"; "?" for anything else. */
const char *mmiodec_status_name(enum mmiodec_status status);

/** "any", "intel", "amd"; NULL for anything else. */
const char *mmiodec_vendor_name(enum mmiodec_vendor vendor);

/** The mnemonic as Zydis names it (mov, movzx, movsb ... lodsq); "" when
 *  the descriptor is not OK. */
const char *mmiodec_mnemonic(const struct mmiodec_insn *insn);

/** Name of a register: for MMIODEC_REG_KIND_GPR the name at `width` bytes
 *  (1: al..r15b with spl..dil, 2: ax.., 4: eax.., 8: rax..; with width 8,
 *  4 or 2, number MMIODEC_RIP gives rip, eip or ip); for HIGH8 ah..bh.
 *  NULL when there is no such register. */
const char *mmiodec_reg_name(enum mmiodec_reg_kind kind, unsigned number,
			     unsigned width);

/** "es", "cs", "ss", "ds", "fs", "gs"; NULL out of range. */
const char *mmiodec_seg_name(enum mmiodec_seg seg);

#ifdef __cplusplus
}
#endif

#endif /* MMIODEC_H */
