/* SPDX-License-Identifier: MIT */
/*
 * mmiotrap: emulate memory-mapped I/O inside a Linux x86-64 process.
 *
 * mmiotrap_map() returns an inaccessible (PROT_NONE) region. Every load or
 * store that touches it faults; a SIGSEGV handler decodes the instruction
 * with mmiodec, turns it into calls of the region's read/write callbacks and
 * resumes after the instruction with the registers updated as the CPU would
 * have. Ordinary C code can then drive a device model through volatile
 * pointers, as it would drive real hardware:
 *
 *     static void uart_read(void *ctx, uint64_t offset, void *data,
 *                           unsigned size) { ... }
 *     static void uart_write(void *ctx, uint64_t offset, const void *data,
 *                            unsigned size) { ... }
 *     static const struct mmiotrap_ops uart_ops = {
 *             .read = uart_read, .write = uart_write,
 *     };
 *
 *     volatile uint8_t *uart = mmiotrap_map(4096, &uart_ops, &uart_state);
 *     uart[0] = 'h';                // calls uart_write(ctx, 0, "h", 1)
 *
 * What is emulated: every form mmiodec decodes as MMIODEC_OK in 64-bit
 * mode (the MOV family; MOVS/STOS/LODS with or without a REP prefix, in
 * either direction; ADD..CMP, TEST, NOT/NEG, MUL..IDIV, INC/DEC, XCHG,
 * CMPXCHG, XADD, CMPXCHG8B/16B, BT*, the shifts and rotates, SHLD/SHRD,
 * SETcc, CMOVcc, MOVBE, with LOCK where it may go; the vector moves MOVD,
 * MOVQ, MOVSS, MOVSD, MOVUPS..MOVNTDQA with MMX and XMM registers and
 * their VEX and EVEX forms with YMM/ZMM and opmasks; MOVDIRI, MOVDIR64B,
 * ENQCMD), decoded as the
 * processor this runs on reads them: Intel and AMD disagree on a few encodings (MOVSXD with a
 * 16-bit operand size reads a word on Intel, a dword on AMD), so the bytes
 * are decoded for the vendor that CPUID names (see mmiotrap_vendor()). A
 * read-modify-write (`or [reg], 4`, `lock xadd`, XCHG...) is a read callback
 * then, when the CPU would write, a write callback of the same width and
 * offset; the handler does no locking of its own (a device that must see
 * a locked access as one can check mmiotrap_current_access()->insn->locked).
 * A CMPXCHG whose comparison fails writes back the value it read, as the
 * CPU does (SDM vol. 2, CMPXCHG); a shift or rotate whose count is 0 writes
 * too (the CPU asks for write access then as well: measured by the CPU
 * oracle). mmiodec_execute() finishes the instruction on the registers,
 * RFLAGS included. A DIV or IDIV that raises #DE (by zero, or a quotient
 * too large) is delivered as the CPU's would be: the registers stay as they
 * were, with RIP on the instruction, and the thread gets SIGFPE with
 * si_code FPE_INTDIV and si_addr the instruction; as for a real fault, a
 * SIGFPE that is ignored or blocked is reset to its default action first,
 * which ends the process. A
 * vector move reads and writes its register in the signal frame (the
 * FXSAVE image, and the XSAVE components the kernel saved after it:
 * YMM upper halves, opmasks, ZMM upper halves, ZMM16..31, a component
 * whose XSTATE_BV bit is clear read as zeros and marked in use when
 * written); an MMX one also sets TOP to 0 and tags every x87 register
 * valid, as the CPU does. A masked access reads or writes only the
 * elements its opmask selects (see struct mmiotrap_ops for the callback
 * sizes); the masked-off ones are not touched and need not lie in the
 * region. An aligned form (MOVAPS, MOVDQA, MOVNT*, VMOVDQA32...,
 * MOVDIR64B's destination) at a misaligned address, and ENQCMDS (which
 * is privileged), raise #GP as the kernel delivers it: SIGSEGV with
 * si_code SI_KERNEL and si_addr 0, the registers unchanged, no callback
 * (the CPU itself raises it before any page fault, so only a fault made
 * up by hand gets that far; a mask that selects nothing raises none).
 * MOVDIR64B and ENQCMD read their 64-byte source (a region's one 64-byte
 * read, or ordinary memory) and store it with one 64-byte write; ENQCMD's
 * answer comes from the region's enqueue callback. A
 * string instruction is always run to completion by the handler, one
 * element at a time in the architectural order; when only one of its sides
 * is a region, the other side is ordinary memory, which the handler reads
 * or writes with process_vm_readv/writev on its own process so that a bad
 * pointer there is refused instead of faulting inside the handler.
 *
 * Which fault is ours: the fault address lies in a region's pages, and it
 * lies within the bytes of one of the decoded operands (for a string
 * instruction: of the element of the current iteration, or of a later one,
 * as fast strings may fault ahead) whose direction matches the CPU's
 * read/write indication (the page-fault error code): a load must fault as
 * a read, a store as a write, and a read-modify-write as either (the CPU
 * reports the first fault of every read-modify-write form, locked or not,
 * as a write); MOVDIR64B and ENQCMD as a read of the source or a write of
 * the destination. For BT/BTS/BTR/BTC with a register bit offset, the operand
 * is where the offset has moved it (mmiodec_address()).
 *
 * What is refused: an instruction mmiodec does not emulate (vector
 * arithmetic with a memory operand, a gather, a far pointer, ...; with MMIODEC_VENDOR_ANY also one that Intel
 * and AMD read differently, status MMIODEC_VENDOR_DEPENDENT), an access
 * that does not lie entirely inside one region (straddling its start or its
 * end, or in the tail of the last page beyond the size asked for; for a
 * masked access, each run of selected bytes must), ENQCMD whose
 * destination is not a region, a vector register the signal frame does
 * not hold, a fault
 * address that is not the decoded operand, code that is not 64-bit, an
 * ordinary-memory side that cannot be accessed. A refusal writes a message
 * to stderr (the fault address, the instruction's address, bytes and
 * decoded form, the reason), restores the default SIGSEGV disposition and
 * lets the instruction fault again: the process dies of SIGSEGV with the
 * registers of the faulting instruction. (For a REP string instruction
 * refused after some iterations, the registers are those after the last
 * completed iteration, as after an interrupt.)
 *
 * Faults outside every region are not ours: they go to the SIGSEGV
 * disposition that was in place when the first region was mapped (its
 * handler is called, or the default action happens).
 *
 * Limits and rules:
 * - At most MMIOTRAP_MAX_REGIONS regions at a time; a region is at most as
 *   large as mmap allows, rounded up to whole pages.
 * - The callbacks run inside the SIGSEGV handler, on the faulting thread,
 *   with every signal blocked: they must be async-signal-safe (no malloc,
 *   no stdio, no locks the interrupted code might hold). Any number of
 *   threads may access regions at once; callbacks of the same region may
 *   then run concurrently, so the device model must do its own locking
 *   with async-signal-safe means (atomics).
 * - A callback must not fault: it must not touch a region (no nested
 *   emulation) or a bad pointer. Since SIGSEGV is blocked while it runs, the
 *   kernel then kills the process with SIGSEGV.
 * - Installing another SIGSEGV handler after the first mmiotrap_map()
 *   replaces this one; a handler installed before is chained to.
 * - The FS and GS bases are read with RDFSBASE/RDGSBASE when the kernel
 *   enables them (AT_HWCAP2 has HWCAP2_FSGSBASE), else with arch_prctl().
 * - A region's pages must keep the protection mmiotrap gave them: made
 *   accessible, they are plain memory and nothing is emulated.
 * - The per-thread state uses initial-exec TLS: link the library into the
 *   executable (or a library loaded at start-up), not into a dlopen()ed one.
 */
#ifndef MMIOTRAP_H
#define MMIOTRAP_H

#include <stddef.h>
#include <stdint.h>

#include "mmiodec.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How many regions can be mapped at the same time. */
#define MMIOTRAP_MAX_REGIONS 64

/**
 * The device behind a region. read and write are required, enqueue is
 * optional (NULL: ENQCMD is an ordinary write, always accepted).
 *
 * The sizes a callback gets: 1, 2, 4 or 8 bytes for the general
 * instructions, 16 for CMPXCHG16B; a vector move's width for a vector
 * register (4 or 8 for MOVD/MOVQ/MOVSS/MOVSD/MOVLPS..., 16, 32 or 64 for
 * a whole XMM, YMM or ZMM register); 64 for MOVDIR64B and ENQCMD. A masked
 * AVX-512 access (an opmask other than k0) makes one callback per run of
 * contiguous selected elements, in ascending order, each of any size from
 * 1 to 64 bytes (a multiple of the element size); masked-off elements are
 * neither read nor written, and a mask that selects nothing makes no call.
 */
struct mmiotrap_ops {
	/** A load of `size` bytes at `offset` from the start of the
	 *  region: fill data[0..size-1] (little-endian, as memory). */
	void (*read)(void *ctx, uint64_t offset, void *data, unsigned size);
	/** A store of data[0..size-1] at `offset`. */
	void (*write)(void *ctx, uint64_t offset, const void *data,
		      unsigned size);
	/** Optional: ENQCMD's 64-byte command at `offset` (which is
	 *  aligned to 64), as the CPU sends it to an enqueue register
	 *  (SDM vol. 2, ENQCMD): bits 31:20 of its first doubleword are
	 *  clear (a user-mode command), bits 19:0 are the source's (the
	 *  PASID the CPU would put there comes from the IA32_PASID MSR,
	 *  which user space cannot read). Return 0 when the device accepts
	 *  the command, nonzero when it does not (the CPU's "retry": the
	 *  instruction ends with ZF set, else clear). */
	int (*enqueue)(void *ctx, uint64_t offset, const void *command);
};

/**
 * Map a region of `size` bytes whose accesses call `ops` with `ctx`.
 * The first call installs the SIGSEGV handler (thread-safely, once).
 * The region starts on a page boundary; the accessible part is exactly
 * [0, size).
 *
 * Returns the region, or NULL with errno set: EINVAL (size 0, ops or a
 * callback NULL), ENOMEM (no free slot), or the error of mmap or
 * sigaction.
 */
void *mmiotrap_map(size_t size, const struct mmiotrap_ops *ops, void *ctx);

/**
 * Unmap a region returned by mmiotrap_map(). Waits until no thread is
 * inside one of its callbacks; accesses that start afterwards are no
 * longer ours (they fault as on any unmapped address).
 *
 * Returns 0, or -1 with errno set: EINVAL (not a region), EBUSY (called
 * from a callback of that same region, which would wait for itself).
 */
int mmiotrap_unmap(void *region);

/** The access a callback is serving, for tracing. */
struct mmiotrap_access {
	const struct mmiodec_insn *insn; /**< the decoded instruction */
	uint64_t rip;     /**< address of the instruction */
	uint64_t address; /**< linear address of this access */
	void *region;     /**< start of the region it falls in */
};

/**
 * Inside a read or write callback: the access being served on the calling
 * thread. NULL anywhere else. Valid until the callback returns.
 */
const struct mmiotrap_access *mmiotrap_current_access(void);

/**
 * The processor vendor whose reading of the bytes the handler decodes with
 * (mmiodec_decode_vendor()). Unless mmiotrap_set_vendor() chose another,
 * the CPU's own, from the vendor string of CPUID leaf 0, read once, the
 * first time it is needed (the first call of this function or of
 * mmiotrap_map()): "GenuineIntel" is MMIODEC_VENDOR_INTEL, "AuthenticAMD"
 * and "HygonGenuine" are MMIODEC_VENDOR_AMD, anything else is
 * MMIODEC_VENDOR_ANY. With ANY, an instruction whose bytes Intel and AMD
 * processors read differently (MMIODEC_VENDOR_DEPENDENT) is refused like
 * any other instruction mmiodec does not emulate; every other one is
 * emulated as with INTEL or AMD. May be called from any thread at any time;
 * async-signal-safe.
 */
enum mmiodec_vendor mmiotrap_vendor(void);

/**
 * Decode for `vendor` from now on instead of the CPU's own vendor: for
 * tests, or for a CPU whose vendor string is not known here but that reads
 * instructions as Intel or AMD processors do. With a vendor other than the
 * CPU's, the handler emulates what that vendor's processors would do,
 * which for a vendor-dependent encoding is not what this CPU does.
 *
 * May be called at any time, before or after mmiotrap_map(), from any
 * thread, from a callback or a signal handler (it is one atomic store,
 * async-signal-safe). Instructions that fault after it returns are decoded
 * for the new vendor; one already being emulated on another thread at
 * that moment is finished with the vendor it was decoded for.
 *
 * A value other than MMIODEC_VENDOR_ANY, MMIODEC_VENDOR_INTEL and
 * MMIODEC_VENDOR_AMD is ignored: the setting stays as it was (check with
 * mmiotrap_vendor()). There is no "back to automatic": to return to the
 * CPU's own vendor, pass what mmiotrap_vendor() returned before the first
 * override.
 */
void mmiotrap_set_vendor(enum mmiodec_vendor vendor);

#ifdef __cplusplus
}
#endif

#endif /* MMIOTRAP_H */
