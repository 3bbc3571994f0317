/* SPDX-License-Identifier: MIT */
/*
 * The SIGSEGV handler that emulates accesses to trapped regions; the
 * contract is in include/mmiotrap.h.
 *
 * Everything reachable from the handler is async-signal-safe: lock-free
 * atomics, raw system calls, the freestanding mmiodec library and the
 * hand-written formatting below. All knowledge of x86 instructions comes
 * from mmiodec (decoded for the vendor CPUID names, see mmiotrap_vendor());
 * this file only moves bytes between the register file, the callbacks and
 * ordinary memory.
 */
#define _GNU_SOURCE
#include "mmiotrap.h"

#include <asm/prctl.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

/* Linux's selector for 64-bit user code (__USER_CS). */
#define USER_CS_64 0x33
/* Page-fault error code: the faulting access was a write. */
#define PF_WRITE 0x2
/* x86-64 pages are at least this large; splitting a read of our own memory
 * at such a boundary lets process_vm_readv, which fails per iovec element,
 * stop exactly where readable memory ends. */
#define SMALL_PAGE 4096
/* How many iterations of a REP string instruction are searched for the
 * faulting element. The CPU reports a fault in the element at rSI/rDI, or
 * with fast strings a little ahead of it. */
#define FAULT_SEARCH_ITERATIONS 4096

_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2,
	       "the handler needs lock-free atomics");

enum slot_state {
	SLOT_FREE,     /* unused */
	SLOT_CLAIMED,  /* being filled by mmiotrap_map */
	SLOT_ACTIVE,   /* a region: the handler may use it */
	SLOT_DRAINING, /* being unmapped: waiting for its users to leave */
};

/*
 * One region. The handler looks a region up without locks: it counts
 * itself in `users` and only then trusts the fields, after checking again
 * that the slot is still ACTIVE; mmiotrap_unmap() leaves ACTIVE first and
 * then waits for users to reach 0 (both sides use sequentially consistent
 * atomics, so one of them sees the other).
 */
struct slot {
	_Atomic int state;
	_Atomic unsigned long users;
	_Atomic uintptr_t base;
	_Atomic size_t mapped_size; /* size rounded up to pages */
	size_t size;
	const struct mmiotrap_ops *ops;
	void *ctx;
};

static struct slot slots[MMIOTRAP_MAX_REGIONS];

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_error;
static struct sigaction previous_action;
static bool have_fsgsbase;
static size_t page_size;

/* The vendor the handler decodes for: an enum mmiodec_vendor, or
 * VENDOR_UNSET until mmiotrap_vendor() has read CPUID or
 * mmiotrap_set_vendor() has been called. */
#define VENDOR_UNSET (-1)
static _Atomic int vendor_in_use = VENDOR_UNSET;

/* What the calling thread is doing inside the handler. */
struct thread_state {
	const struct mmiotrap_access *access; /* inside a callback, else NULL */
	const struct slot *slot;              /* the callback's region */
};
static _Thread_local struct thread_state this_thread
	__attribute__((tls_model("initial-exec")));

/* mmiodec's register numbering to the ucontext's. */
static const int greg_of_gpr[16] = {
	[MMIODEC_RAX] = REG_RAX, [MMIODEC_RCX] = REG_RCX,
	[MMIODEC_RDX] = REG_RDX, [MMIODEC_RBX] = REG_RBX,
	[MMIODEC_RSP] = REG_RSP, [MMIODEC_RBP] = REG_RBP,
	[MMIODEC_RSI] = REG_RSI, [MMIODEC_RDI] = REG_RDI,
	[MMIODEC_R8] = REG_R8,   [MMIODEC_R9] = REG_R9,
	[MMIODEC_R10] = REG_R10, [MMIODEC_R11] = REG_R11,
	[MMIODEC_R12] = REG_R12, [MMIODEC_R13] = REG_R13,
	[MMIODEC_R14] = REG_R14, [MMIODEC_R15] = REG_R15,
};

/* ---- the region table ---- */

static struct slot *acquire_region(uint64_t address)
{
	for (size_t i = 0; i < MMIOTRAP_MAX_REGIONS; i++) {
		struct slot *slot = &slots[i];

		if (atomic_load(&slot->state) != SLOT_ACTIVE ||
		    address - atomic_load(&slot->base) >=
			    atomic_load(&slot->mapped_size))
			continue;
		atomic_fetch_add(&slot->users, 1);
		/* The slot may have been unmapped and reused meanwhile. */
		if (atomic_load(&slot->state) == SLOT_ACTIVE &&
		    address - atomic_load(&slot->base) <
			    atomic_load(&slot->mapped_size))
			return slot;
		atomic_fetch_sub(&slot->users, 1);
	}
	return NULL;
}

static void release_region(struct slot *slot)
{
	atomic_fetch_sub(&slot->users, 1);
}

/* ---- memory outside the regions ---- */

static struct iovec iovec_of(uint64_t address, size_t len)
{
	return (struct iovec){ .iov_base = (void *)(uintptr_t)address,
			       .iov_len = len };
}

/* Split [address, address+len) at a page boundary; returns the number of
 * pieces (1 or 2). */
static int split_at_page(uint64_t address, size_t len, struct iovec piece[2])
{
	uint64_t to_boundary = SMALL_PAGE - (address % SMALL_PAGE);

	if (to_boundary >= len) {
		piece[0] = iovec_of(address, len);
		return 1;
	}
	piece[0] = iovec_of(address, to_boundary);
	piece[1] = iovec_of(address + to_boundary, len - to_boundary);
	return 2;
}

/* Read up to len (at most one page) bytes of our own memory without
 * faulting; returns how many could be read from the start. */
static size_t read_own_memory(uint64_t address, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote[2];
	int pieces = split_at_page(address, len, remote);
	ssize_t got = syscall(SYS_process_vm_readv, getpid(), &local, 1UL,
			      remote, (unsigned long)pieces, 0UL);

	return got < 0 ? 0 : (size_t)got;
}

static bool write_own_memory(uint64_t address, const void *buf, size_t len)
{
	struct iovec local = { .iov_base = (void *)buf, .iov_len = len };
	struct iovec remote[2];
	int pieces = split_at_page(address, len, remote);
	ssize_t put = syscall(SYS_process_vm_writev, getpid(), &local, 1UL,
			      remote, (unsigned long)pieces, 0UL);

	return put == (ssize_t)len;
}

/* ---- messages, formatted by hand (no stdio in a signal handler) ---- */

struct text {
	char buf[768];
	size_t len;
};

static void add_str(struct text *t, const char *s)
{
	while (s && *s && t->len < sizeof(t->buf))
		t->buf[t->len++] = *s++;
}

static void add_hex(struct text *t, uint64_t value, unsigned min_digits)
{
	char digits[16];
	unsigned n = 0;

	do {
		digits[n++] = "0123456789abcdef"[value & 0xf];
		value >>= 4;
	} while (value && n < sizeof(digits));
	while (n < min_digits && n < sizeof(digits))
		digits[n++] = '0';
	while (n && t->len < sizeof(t->buf))
		t->buf[t->len++] = digits[--n];
}

static void add_dec(struct text *t, uint64_t value)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n && t->len < sizeof(t->buf))
		t->buf[t->len++] = digits[--n];
}

static void write_text(const struct text *t)
{
	size_t done = 0;

	while (done < t->len) {
		ssize_t n = write(STDERR_FILENO, t->buf + done, t->len - done);
		if (n <= 0 && errno != EINTR)
			return;
		if (n > 0)
			done += (size_t)n;
	}
}

/* ---- the processor vendor ---- */

/* The vendor string of CPUID leaf 0 (EBX, EDX, ECX) as mmiodec's vendor. */
static enum mmiodec_vendor cpu_vendor(void)
{
	uint32_t eax, ebx, ecx, edx;
	char name[12];

	__asm__ volatile("cpuid"
			 : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(0u), "c"(0u));
	memcpy(name, &ebx, 4);
	memcpy(name + 4, &edx, 4);
	memcpy(name + 8, &ecx, 4);
	if (memcmp(name, "GenuineIntel", 12) == 0)
		return MMIODEC_VENDOR_INTEL;
	if (memcmp(name, "AuthenticAMD", 12) == 0 ||
	    memcmp(name, "HygonGenuine", 12) == 0)
		return MMIODEC_VENDOR_AMD;
	return MMIODEC_VENDOR_ANY;
}

static void set_default_action(int sig);

/* ---- the emulation of one instruction ---- */

struct emulation {
	ucontext_t *uc;
	uint64_t fault_address;
	bool write_fault;
	uint8_t bytes[MMIODEC_MAX_LENGTH];
	size_t byte_count;
	enum mmiodec_vendor vendor; /* decoded for */
	struct mmiodec_insn insn;
	struct mmiodec_regs regs;
	/* The operand being accessed, for the message. */
	bool have_operand;
	uint64_t operand_address;
	struct mmiotrap_access access;
	bool retry; /* ENQCMD: the device did not accept the command */
};

static uint64_t read_segment_base(enum mmiodec_seg seg)
{
	uint64_t base = 0;

	if (have_fsgsbase) {
		if (seg == MMIODEC_SEG_FS)
			__asm__ volatile("rdfsbase %0" : "=r"(base));
		else
			__asm__ volatile("rdgsbase %0" : "=r"(base));
	} else {
		syscall(SYS_arch_prctl,
			seg == MMIODEC_SEG_FS ? ARCH_GET_FS : ARCH_GET_GS,
			&base);
	}
	return base;
}

static void load_registers(struct emulation *e)
{
	const greg_t *gregs = e->uc->uc_mcontext.gregs;

	for (int i = 0; i < 16; i++)
		e->regs.gpr[i] = (uint64_t)gregs[greg_of_gpr[i]];
	e->regs.rip = (uint64_t)gregs[REG_RIP];
	e->regs.rflags = (uint64_t)gregs[REG_EFL];
}

/* The kernel keeps the FS and GS bases of the interrupted code while the
 * handler runs, so they are read here, and only when an operand uses them. */
static void load_segment_bases(struct emulation *e)
{
	for (unsigned i = 0; i < e->insn.mem_count; i++) {
		enum mmiodec_seg seg = e->insn.mem[i].segment;

		if (seg == MMIODEC_SEG_FS || seg == MMIODEC_SEG_GS)
			e->regs.seg_base[seg] = read_segment_base(seg);
	}
}

static void store_registers(const struct emulation *e)
{
	greg_t *gregs = e->uc->uc_mcontext.gregs;

	/* RSP too: `mov rsp, [region]` is a load like any other. */
	for (int i = 0; i < 16; i++)
		gregs[greg_of_gpr[i]] = (greg_t)e->regs.gpr[i];
	gregs[REG_RIP] = (greg_t)e->regs.rip;
	/* mmiodec changes the arithmetic flags only; the rest (TF, DF...)
	 * go back as they came */
	gregs[REG_EFL] = (greg_t)e->regs.rflags;
}

/* ---- the vector registers in the signal frame ---- */

/*
 * uc_mcontext.fpregs points at the FXSAVE image (SDM vol. 1, 10.5.1)
 * the kernel saved; when its software-reserved bytes carry
 * FP_XSTATE_MAGIC1, the XSAVE area in standard format follows it (the
 * layout of arch/x86/include/uapi/asm/sigcontext.h), with the header's
 * XSTATE_BV at byte 512 and each component at the offset CPUID leaf 0xD
 * gives. A component whose XSTATE_BV bit is clear is in its initial state
 * (zeros), whatever the bytes say.
 */
#define FX_FSW 2          /* x87 status word: TOP in bits 13:11 */
#define FX_FTW 4          /* abridged tag word: bit n, physical register n valid */
#define FX_ST 32          /* ST0..ST7, 16 bytes apart */
#define FX_XMM 160        /* XMM0..XMM15 */
#define FX_SW_BYTES 464   /* struct _fpx_sw_bytes */
#ifndef FP_XSTATE_MAGIC1 /* <signal.h> has them, as the kernel's header */
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#endif
#define XSAVE_HEADER 512  /* XSTATE_BV */
#define XCOMP_SSE 1
#define XCOMP_AVX 2       /* YMM0..15 bits 255:128 */
#define XCOMP_OPMASK 5    /* K0..K7 */
#define XCOMP_ZMM_HI256 6 /* ZMM0..15 bits 511:256 */
#define XCOMP_HI16_ZMM 7  /* ZMM16..31 */
#define XCOMP_COUNT 8

/* Where each component lies in the standard format (CPUID leaf 0xD,
 * sub-leaf n: EBX the offset, EAX the size); read by install(). */
static uint32_t xcomp_offset[XCOMP_COUNT], xcomp_size[XCOMP_COUNT];

struct vector_frame {
	uint8_t *fx;       /* the FXSAVE image; NULL if the frame has none */
	uint8_t *xsave;    /* the same, when an XSAVE area follows; else NULL */
	uint32_t usable;   /* the components >= 2 the frame holds */
};

static void find_vector_frame(const ucontext_t *uc, struct vector_frame *f)
{
	uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;
	uint32_t magic1, magic2, xstate_size;
	uint64_t xfeatures;

	*f = (struct vector_frame){ fx, NULL, 0 };
	if (!fx)
		return;
	memcpy(&magic1, fx + FX_SW_BYTES, 4);
	memcpy(&xfeatures, fx + FX_SW_BYTES + 8, 8);
	memcpy(&xstate_size, fx + FX_SW_BYTES + 16, 4);
	if (magic1 != FP_XSTATE_MAGIC1 || xstate_size < XSAVE_HEADER + 64)
		return;
	memcpy(&magic2, fx + xstate_size, 4);
	if (magic2 != FP_XSTATE_MAGIC2)
		return;
	f->xsave = fx;
	for (unsigned c = XCOMP_AVX; c < XCOMP_COUNT; c++) {
		if (((xfeatures >> c) & 1) && xcomp_size[c] &&
		    xcomp_offset[c] >= XSAVE_HEADER + 64 &&
		    xcomp_offset[c] + xcomp_size[c] <= xstate_size)
			f->usable |= 1u << c;
	}
}

static bool component_in_use(const struct vector_frame *f, unsigned c)
{
	return f->xsave && (f->xsave[XSAVE_HEADER + c / 8] >> (c % 8)) & 1;
}

/* `count` items of `size` bytes each, component c's in the frame, from or
 * to `regs` (items `stride` bytes apart there). A component not in use
 * reads as zeros. */
static void get_component(const struct vector_frame *f, unsigned c,
			  unsigned count, unsigned size, uint8_t *regs,
			  unsigned stride)
{
	if (!(f->usable & (1u << c)) || !component_in_use(f, c))
		return; /* regs stay zero */
	for (unsigned i = 0; i < count; i++)
		memcpy(regs + i * stride,
		       f->xsave + xcomp_offset[c] + i * size, size);
}

/* Writes component c back if `regs` changed it; false when it changed and
 * the frame does not hold it. Writing a component not in use writes all
 * of it (its other registers are zeros) and marks it in use. */
static bool put_component(const struct vector_frame *f, unsigned c,
			  unsigned count, unsigned size, const uint8_t *regs,
			  unsigned stride)
{
	static const uint8_t zeros[64];
	bool in_use = component_in_use(f, c), changed = false;

	for (unsigned i = 0; i < count && !changed; i++)
		changed = memcmp(regs + i * stride,
				 in_use ? f->xsave + xcomp_offset[c] + i * size :
					  zeros, size) != 0;
	if (!changed)
		return true;
	if (!(f->usable & (1u << c)))
		return false;
	for (unsigned i = 0; i < count; i++)
		memcpy(f->xsave + xcomp_offset[c] + i * size,
		       regs + i * stride, size);
	f->xsave[XSAVE_HEADER + c / 8] |= (uint8_t)(1u << (c % 8));
	return true;
}

/* x87 TOP: MMn is physical register n, which the image holds as
 * ST((n - TOP) mod 8). */
static unsigned x87_top(const uint8_t *fx)
{
	return (fx[FX_FSW + 1] >> 3) & 7;
}

/* The registers an instruction needs that the frame does not hold. */
static bool frame_lacks(const struct vector_frame *f,
			const struct mmiodec_insn *insn)
{
	uint32_t need = 0;
	unsigned highest = insn->reg > insn->reg2 ? insn->reg : insn->reg2;

	if (!f->fx)
		return true;
	if (insn->reg_kind == MMIODEC_REG_KIND_YMM ||
	    insn->reg_kind == MMIODEC_REG_KIND_ZMM)
		need |= 1u << XCOMP_AVX;
	if (insn->reg_kind == MMIODEC_REG_KIND_ZMM)
		need |= 1u << XCOMP_ZMM_HI256;
	if (highest >= 16 && insn->reg_kind != MMIODEC_REG_KIND_MMX)
		need |= 1u << XCOMP_HI16_ZMM;
	if (insn->mask)
		need |= 1u << XCOMP_OPMASK;
	return (need & ~f->usable) != 0;
}

static void load_vregs(const struct vector_frame *f, struct mmiodec_vregs *v)
{
	unsigned top = x87_top(f->fx);

	memset(v, 0, sizeof(*v));
	for (unsigned i = 0; i < 16; i++)
		memcpy(v->zmm[i], f->fx + FX_XMM + 16 * i, 16);
	for (unsigned i = 0; i < 8; i++)
		memcpy(&v->mm[i], f->fx + FX_ST + 16 * ((i - top) & 7), 8);
	get_component(f, XCOMP_AVX, 16, 16, &v->zmm[0][16], 64);
	get_component(f, XCOMP_ZMM_HI256, 16, 32, &v->zmm[0][32], 64);
	get_component(f, XCOMP_HI16_ZMM, 16, 64, v->zmm[16], 64);
	get_component(f, XCOMP_OPMASK, 8, 8, (uint8_t *)v->k, 8);
}

/*
 * Write the registers back into the frame, the components the
 * instruction changed. An MMX instruction (MOVD/MOVQ with an MM register,
 * load or store) also does what every MMX instruction does to the x87
 * state (SDM vol. 1, 9.5.1): TOP becomes 0 and every register is tagged
 * valid; the register it writes gets all ones in bits 79:64.
 */
static bool store_vregs(const struct vector_frame *f,
			const struct mmiodec_insn *insn,
			const struct mmiodec_vregs *v)
{
	if (insn->reg_kind == MMIODEC_REG_KIND_MMX) {
		uint8_t physical[8][16];
		unsigned top = x87_top(f->fx);

		for (unsigned i = 0; i < 8; i++)
			memcpy(physical[i], f->fx + FX_ST + 16 * ((i - top) & 7),
			       16);
		if (insn->direction == MMIODEC_DIR_READ && insn->reg < 8) {
			memcpy(physical[insn->reg], &v->mm[insn->reg], 8);
			physical[insn->reg][8] = physical[insn->reg][9] = 0xff;
		}
		memcpy(f->fx + FX_ST, physical, sizeof(physical));
		f->fx[FX_FSW + 1] &= (uint8_t)~(7u << 3);
		f->fx[FX_FTW] = 0xff;
		return true;
	}
	for (unsigned i = 0; i < 16; i++)
		memcpy(f->fx + FX_XMM + 16 * i, v->zmm[i], 16);
	if (f->xsave)
		f->xsave[XSAVE_HEADER] |= 1u << XCOMP_SSE;
	return put_component(f, XCOMP_AVX, 16, 16, &v->zmm[0][16], 64) &&
	       put_component(f, XCOMP_ZMM_HI256, 16, 32, &v->zmm[0][32], 64) &&
	       put_component(f, XCOMP_HI16_ZMM, 16, 64, v->zmm[16], 64) &&
	       put_component(f, XCOMP_OPMASK, 8, 8, (const uint8_t *)v->k, 8);
}

/* CPUID leaf 0xD: where the components lie (when the CPU has XSAVE). */
static void read_xsave_layout(void)
{
	uint32_t eax, ebx, ecx, edx;

	__asm__ volatile("cpuid"
			 : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(0u), "c"(0u));
	if (eax < 0xd)
		return;
	for (unsigned c = XCOMP_AVX; c < XCOMP_COUNT; c++) {
		__asm__ volatile("cpuid"
				 : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
				 : "a"(0xdu), "c"(c));
		xcomp_size[c] = eax;
		xcomp_offset[c] = ebx;
	}
}

/* Whether operand `which` of the element that the registers point at
 * covers the fault address and is accessed the way the CPU says. */
static bool element_faulted(const struct emulation *e,
			    const struct mmiodec_regs *regs, unsigned which)
{
	const struct mmiodec_mem *mem = &e->insn.mem[which];
	uint64_t address;

	/* A read-modify-write may fault on its read, which the CPU reports
	 * as a write (it asks for the line to write it), or on its write. */
	if (mem->access == MMIODEC_DIR_WRITE && !e->write_fault)
		return false;
	if (mem->access == MMIODEC_DIR_READ && e->write_fault)
		return false;
	/* BT* with a register bit offset: mmiodec_address() gives the
	 * address the offset has moved, the one the CPU accesses. */
	if (!mmiodec_address(&e->insn, regs, which, &address))
		return false;
	return e->fault_address - address < e->insn.width;
}

/*
 * The fault must be one of the instruction's operands: for a string
 * instruction the element of the current iteration or of one a little
 * later (fast strings may fault ahead of the registers they report).
 */
static bool fault_is_an_operand(const struct emulation *e)
{
	struct mmiodec_regs regs = e->regs;

	for (unsigned n = 0; n < FAULT_SEARCH_ITERATIONS; n++) {
		for (unsigned which = 0; which < e->insn.mem_count; which++) {
			if (element_faulted(e, &regs, which))
				return true;
		}
		if (!mmiodec_string_pending(&e->insn, &regs) ||
		    mmiodec_string_step(&e->insn, &regs))
			return false;
	}
	return false;
}

/* What access_bytes() does. */
enum access_kind {
	ACCESS_READ,
	ACCESS_WRITE,
	ACCESS_ENQUEUE, /* ENQCMD's command: the enqueue callback, if any */
};

/*
 * Access `len` bytes at `address`: a region's callback (one call, of `len`
 * bytes), or ordinary memory (the other side of a string instruction or of
 * MOVDIR64B, a masked access's run outside the regions). `value` holds the
 * data to store, or receives the data loaded. Returns NULL, or why the
 * access cannot be done.
 */
static const char *access_bytes(struct emulation *e, uint64_t address,
				unsigned len, enum access_kind kind,
				void *value)
{
	uint64_t last = address + len - 1;
	bool write = kind != ACCESS_READ;
	struct slot *slot;

	e->have_operand = true;
	e->operand_address = address;
	if (last < address)
		return "the operand wraps around the address space";

	slot = acquire_region(address);
	if (!slot) {
		slot = acquire_region(last);
		if (slot) {
			release_region(slot);
			return "the access straddles the start of a region";
		}
		if (kind == ACCESS_ENQUEUE)
			return "the destination of ENQCMD is not a region";
		if (write ? !write_own_memory(address, value, len)
			  : read_own_memory(address, value, len) != len)
			return "the operand outside the regions is not accessible";
		return NULL;
	}

	uint64_t offset = address - atomic_load(&slot->base);
	if (offset >= slot->size || slot->size - offset < len) {
		release_region(slot);
		return "the access does not fit inside the region (it crosses "
		       "or lies beyond its end)";
	}
	e->access.address = address;
	e->access.region = (void *)atomic_load(&slot->base);
	this_thread = (struct thread_state){ &e->access, slot };
	if (kind == ACCESS_ENQUEUE && slot->ops->enqueue) {
		e->retry = slot->ops->enqueue(slot->ctx, offset, value) != 0;
	} else if (write) {
		slot->ops->write(slot->ctx, offset, value, len);
	} else {
		memset(value, 0, len);
		slot->ops->read(slot->ctx, offset, value, len);
	}
	this_thread = (struct thread_state){ NULL, NULL };
	release_region(slot);
	return NULL;
}

/* Operand `which` at the registers `regs`, insn.width bytes. */
static const char *access_operand(struct emulation *e,
				  const struct mmiodec_regs *regs,
				  unsigned which, bool write, void *value)
{
	uint64_t address;

	if (!mmiodec_address(&e->insn, regs, which, &address))
		return "the decoder gives no address for the operand";
	return access_bytes(e, address, e->insn.width,
			    write ? ACCESS_WRITE : ACCESS_READ, value);
}

/*
 * A fault the CPU would raise instead of the access, done here as the
 * kernel does it for user mode: the registers stay as they were (RIP on
 * the instruction), and the signal is queued to this thread; this
 * handler returns, the signal mask of the interrupted code comes back,
 * and the signal is delivered before the instruction runs again. As for a
 * real fault, a signal that is ignored or blocked cannot be escaped: it is
 * reset to its default action (and unblocked), which ends the process.
 *   #DE: SIGFPE, si_code FPE_INTDIV, si_addr the instruction;
 *   #GP: SIGSEGV, si_code SI_KERNEL, si_addr 0 (a misaligned MOVAPS,
 *        ENQCMDS in user mode). SIGSEGV is this handler's own: when it
 *        comes back with SI_KERNEL it is not a region's fault and goes to
 *        the disposition in place before the first region (pass_on()).
 */
static void raise_fault(struct emulation *e, int sig, int code, uint64_t addr)
{
	siginfo_t info;
	struct sigaction now;

	if (sigaction(sig, NULL, &now) == 0 &&
	    (sigismember(&e->uc->uc_sigmask, sig) == 1 ||
	     (!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_IGN))) {
		set_default_action(sig);
		sigdelset(&e->uc->uc_sigmask, sig);
	}
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.si_addr = (void *)(uintptr_t)addr;
	syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), sig,
		&info);
}

static void raise_divide_error(struct emulation *e)
{
	raise_fault(e, SIGFPE, FPE_INTDIV, e->regs.rip);
}

static void raise_general_protection(struct emulation *e)
{
	raise_fault(e, SIGSEGV, SI_KERNEL, 0);
}

/* Whether operand `which` breaks the alignment its instruction requires
 * (SDM vol. 1, 14.9 and 15.7: #GP before any access). */
static bool misaligned(const struct emulation *e, unsigned which)
{
	unsigned align = e->insn.mem[which].align;
	uint64_t address;

	return align && mmiodec_address(&e->insn, &e->regs, which, &address) &&
	       (address & (align - 1)) != 0;
}

/*
 * Everything but a string instruction: read the operand (READ and
 * READ_WRITE), let mmiodec_execute() finish the instruction on the
 * registers, then write what it says (READ_WRITE after the read; a
 * CMPXCHG that fails writes back the value it read, as the CPU does).
 */
static const char *emulate_single(struct emulation *e)
{
	uint64_t loaded[2] = { 0, 0 };
	/* The address is that of the registers before the instruction
	 * (RIP-relative, `xchg [rax], rax`...). */
	const struct mmiodec_regs before = e->regs;
	struct mmiodec_exec out;
	const char *problem;

	if (e->insn.direction == MMIODEC_DIR_READ ||
	    e->insn.direction == MMIODEC_DIR_READ_WRITE) {
		problem = access_operand(e, &before, 0, false, loaded);
		if (problem)
			return problem;
	}
	switch (mmiodec_execute(&e->insn, &e->regs, loaded, &out)) {
	case MMIODEC_EXEC_OK:
		break;
	case MMIODEC_EXEC_DIVIDE_ERROR:
		raise_divide_error(e);
		return NULL;
	default:
		return "mmiodec cannot execute this instruction";
	}
	if (out.writes) {
		problem = access_operand(e, &before, 0, true, out.store);
		if (problem)
			return problem;
	}
	store_registers(e);
	return NULL;
}

/*
 * A vector move (MMX, XMM, YMM, ZMM register): #GP if the address breaks
 * the alignment the form requires (and the mask selects anything); else
 * the bytes mmiodec_vector_mask()
 * selects are read or written, one callback per run of contiguous
 * selected bytes in ascending order (all of them for an unmasked access:
 * one callback of the width), and the register file is finished by
 * mmiodec_vector_complete_load() and written back into the signal frame.
 */
static const char *emulate_vector(struct emulation *e)
{
	struct vector_frame frame;
	struct mmiodec_vregs vregs;
	uint8_t data[64];
	uint64_t address, bytes;
	bool load = e->insn.direction == MMIODEC_DIR_READ;

	if (e->insn.width > sizeof(data) ||
	    (e->insn.direction != MMIODEC_DIR_READ &&
	     e->insn.direction != MMIODEC_DIR_WRITE) ||
	    !mmiodec_address(&e->insn, &e->regs, 0, &address))
		return "mmiodec gives no vector access for this instruction";
	find_vector_frame(e->uc, &frame);
	if (frame_lacks(&frame, &e->insn))
		return "the signal frame does not hold the vector registers "
		       "the instruction uses";
	load_vregs(&frame, &vregs);
	bytes = mmiodec_vector_mask(&e->insn, &vregs);
	/* A mask that selects nothing makes no access and raises no #GP
	 * (measured on Intel; such an instruction never faults here). */
	if (bytes && misaligned(e, 0)) {
		raise_general_protection(e);
		return NULL;
	}
	memset(data, 0, sizeof(data));
	if (!load && !mmiodec_vector_store_value(&e->insn, &vregs, data))
		return "mmiodec cannot give the bytes of this vector store";
	for (unsigned start = 0; start < e->insn.width;) {
		unsigned end = start;
		const char *problem;

		if (!((bytes >> start) & 1)) {
			start++;
			continue;
		}
		while (end < e->insn.width && ((bytes >> end) & 1))
			end++;
		problem = access_bytes(e, address + start, end - start,
				       load ? ACCESS_READ : ACCESS_WRITE,
				       data + start);
		if (problem)
			return problem;
		start = end;
	}
	if (load && !mmiodec_vector_complete_load(&e->insn, &vregs, data))
		return "mmiodec cannot complete this vector load";
	if (!store_vregs(&frame, &e->insn, &vregs))
		return "the signal frame does not hold a register the "
		       "instruction changed";
	mmiodec_advance_rip(&e->insn, &e->regs);
	store_registers(e);
	return NULL;
}

/*
 * MOVDIR64B, ENQCMD, ENQCMDS: 64 bytes read from the source (mem[1]: a
 * region's one 64-byte read callback, or ordinary memory), then stored as
 * one to the destination (mem[0], ES:[reg], aligned to 64, else #GP): a
 * region's one 64-byte write callback, or ordinary memory for MOVDIR64B.
 * ENQCMD's command is what the CPU makes of the source: bits 31:20 of its
 * first doubleword cleared (a user-mode command; bits 19:0 would be the
 * PASID of the IA32_PASID MSR, which user space cannot read: they are the
 * source's), passed to the region's enqueue callback (or, without one,
 * its write callback, and accepted); mmiodec_execute() sets ZF when the
 * device asks for a retry. ENQCMDS is privileged: #GP here.
 */
static const char *emulate_portal(struct emulation *e)
{
	uint8_t command[64];
	uint64_t source, destination, loaded[2] = { 0, 0 };
	struct mmiodec_exec out;
	bool enqueue = e->insn.op != MMIODEC_OP_MOVDIR64B;
	const char *problem;

	if (e->insn.width != sizeof(command) || e->insn.mem_count != 2 ||
	    !mmiodec_address(&e->insn, &e->regs, 0, &destination) ||
	    !mmiodec_address(&e->insn, &e->regs, 1, &source))
		return "mmiodec gives no 64-byte copy for this instruction";
	if (e->insn.op == MMIODEC_OP_ENQCMDS || misaligned(e, 0) ||
	    misaligned(e, 1)) {
		raise_general_protection(e);
		return NULL;
	}
	problem = access_bytes(e, source, sizeof(command), ACCESS_READ,
			       command);
	if (problem)
		return problem;
	if (enqueue) {
		command[2] &= 0x0f;
		command[3] = 0;
	}
	e->retry = false;
	problem = access_bytes(e, destination, sizeof(command),
			       enqueue ? ACCESS_ENQUEUE : ACCESS_WRITE, command);
	if (problem)
		return problem;
	loaded[0] = e->retry;
	if (mmiodec_execute(&e->insn, &e->regs, loaded, &out) !=
	    MMIODEC_EXEC_OK)
		return "mmiodec cannot execute this instruction";
	store_registers(e);
	return NULL;
}

static bool is_vector(const struct mmiodec_insn *insn)
{
	return insn->reg_kind == MMIODEC_REG_KIND_MMX ||
	       insn->reg_kind == MMIODEC_REG_KIND_XMM ||
	       insn->reg_kind == MMIODEC_REG_KIND_YMM ||
	       insn->reg_kind == MMIODEC_REG_KIND_ZMM;
}

static bool is_portal(const struct mmiodec_insn *insn)
{
	return insn->op == MMIODEC_OP_MOVDIR64B ||
	       insn->op == MMIODEC_OP_ENQCMD || insn->op == MMIODEC_OP_ENQCMDS;
}

/* One element of MOVS, STOS or LODS. */
static const char *string_element(struct emulation *e)
{
	uint64_t value = 0;
	const char *problem;

	switch (e->insn.op) {
	case MMIODEC_OP_MOVS:
		problem = access_operand(e, &e->regs, 1, false, &value);
		if (!problem)
			problem = access_operand(e, &e->regs, 0, true, &value);
		return problem;
	case MMIODEC_OP_STOS:
		value = mmiodec_store_value(&e->insn, &e->regs);
		return access_operand(e, &e->regs, 0, true, &value);
	case MMIODEC_OP_LODS:
		problem = access_operand(e, &e->regs, 0, false, &value);
		if (!problem && !mmiodec_complete_load(&e->insn, &e->regs, value))
			problem = "the decoder cannot complete the load";
		return problem;
	default:
		return "not a string instruction";
	}
}

/*
 * A refusal after some iterations keeps the registers of the iterations
 * done (RIP still on the instruction), as an interrupt between iterations
 * would: the device has seen those accesses.
 */
static const char *emulate_string(struct emulation *e)
{
	if (!mmiodec_string_pending(&e->insn, &e->regs)) {
		mmiodec_advance_rip(&e->insn, &e->regs);
		store_registers(e);
		return NULL;
	}
	for (;;) {
		const char *problem = string_element(e);
		bool done;

		if (problem) {
			store_registers(e);
			return problem;
		}
		done = mmiodec_string_step(&e->insn, &e->regs);
		if (done) {
			store_registers(e);
			return NULL;
		}
	}
}

static bool is_string(const struct mmiodec_insn *insn)
{
	return insn->op == MMIODEC_OP_MOVS || insn->op == MMIODEC_OP_STOS ||
	       insn->op == MMIODEC_OP_LODS;
}

static const char *emulate(struct emulation *e)
{
	const greg_t *gregs = e->uc->uc_mcontext.gregs;

	if ((gregs[REG_CSGSFS] & 0xffff) != USER_CS_64)
		return "the code is not 64-bit";
	e->byte_count = read_own_memory((uint64_t)gregs[REG_RIP], e->bytes,
					sizeof(e->bytes));
	if (e->byte_count == 0)
		return "the instruction bytes cannot be read";
	e->vendor = mmiotrap_vendor();
	switch (mmiodec_decode_vendor(&e->insn, e->bytes, e->byte_count,
				      MMIODEC_MODE_64, e->vendor)) {
	case MMIODEC_OK:
		break;
	case MMIODEC_VENDOR_DEPENDENT:
		return "Intel and AMD processors read this instruction "
		       "differently, and the vendor to decode for is not known "
		       "(mmiotrap_vendor() is MMIODEC_VENDOR_ANY: the CPU is "
		       "neither, or mmiotrap_set_vendor() chose ANY)";
	default:
		return "mmiodec does not emulate this instruction";
	}
	load_registers(e);
	load_segment_bases(e);
	if (!fault_is_an_operand(e))
		return "the fault address is not an operand of the instruction";
	e->access.insn = &e->insn;
	e->access.rip = e->regs.rip;
	if (is_string(&e->insn))
		return emulate_string(e);
	if (is_vector(&e->insn))
		return emulate_vector(e);
	if (is_portal(&e->insn))
		return emulate_portal(e);
	return emulate_single(e);
}

static void add_vendor(struct text *t, const struct emulation *e)
{
	add_str(t, " (for ");
	add_str(t, e->vendor == MMIODEC_VENDOR_ANY ?
			   "any vendor" : mmiodec_vendor_name(e->vendor));
	add_str(t, ")");
}

static void describe_decoded(struct text *t, const struct emulation *e)
{
	const struct mmiodec_insn *insn = &e->insn;

	add_str(t, "mmiotrap:   decoded: ");
	add_str(t, mmiodec_status_name(insn->status));
	if (insn->status != MMIODEC_OK) {
		/* VENDOR_DEPENDENT: a length only where both vendors agree */
		if ((insn->status == MMIODEC_NO_MEMORY ||
		     insn->status == MMIODEC_UNSUPPORTED ||
		     insn->status == MMIODEC_VENDOR_DEPENDENT) &&
		    insn->length) {
			add_str(t, ", ");
			add_dec(t, insn->length);
			add_str(t, " bytes");
		}
		add_vendor(t, e);
		add_str(t, "\n");
		return;
	}
	add_str(t, ", ");
	add_str(t, mmiodec_mnemonic(insn));
	add_str(t, ", ");
	add_dec(t, insn->width);
	add_str(t, insn->direction == MMIODEC_DIR_WRITE ? "-byte store" :
		   insn->direction == MMIODEC_DIR_READ ? "-byte load" :
		   insn->mem_count > 1 ? "-byte copy" :
					 "-byte read-modify-write");
	if (insn->locked)
		add_str(t, ", locked");
	if (insn->mask) {
		add_str(t, ", masked by k");
		add_dec(t, insn->mask);
		add_str(t, insn->zeroing ? " (zeroing)" : "");
	}
	if (insn->reg_kind != MMIODEC_REG_KIND_NONE) {
		unsigned width = insn->direction == MMIODEC_DIR_READ ?
					 insn->dest_width : insn->width;
		add_str(t, insn->direction == MMIODEC_DIR_READ ? " into " :
			   insn->direction == MMIODEC_DIR_WRITE ? " from " :
								  " with ");
		add_str(t, mmiodec_reg_name(insn->reg_kind, insn->reg, width));
	} else if (insn->has_immediate) {
		add_str(t, " of 0x");
		add_hex(t, insn->immediate, 1);
	}
	if (insn->repeat)
		add_str(t, ", repeated");
	for (unsigned i = 0; i < insn->mem_count; i++) {
		uint64_t address;
		if (!mmiodec_address(insn, &e->regs, i, &address))
			continue;
		add_str(t, i ? ", source at 0x" : insn->mem_count > 1 ?
			", destination at 0x" : ", operand at 0x");
		add_hex(t, address, 1);
	}
	if (e->have_operand && insn->mem_count > 1) {
		add_str(t, ", stopped at 0x");
		add_hex(t, e->operand_address, 1);
	}
	add_vendor(t, e);
	add_str(t, "\n");
}

static void report_refusal(const char *problem, const struct emulation *e)
{
	struct text t = { .len = 0 };

	add_str(&t, "mmiotrap: cannot emulate an access to a trapped region: ");
	add_str(&t, problem);
	add_str(&t, "\nmmiotrap:   fault address 0x");
	add_hex(&t, e->fault_address, 1);
	add_str(&t, e->write_fault ? " (write)" : " (read)");
	add_str(&t, ", instruction at 0x");
	add_hex(&t, (uint64_t)e->uc->uc_mcontext.gregs[REG_RIP], 1);
	add_str(&t, ":");
	/* Show the instruction's own bytes once its length is known. */
	size_t shown = e->byte_count;
	if ((e->insn.status == MMIODEC_OK || e->insn.status == MMIODEC_NO_MEMORY ||
	     e->insn.status == MMIODEC_UNSUPPORTED ||
	     e->insn.status == MMIODEC_VENDOR_DEPENDENT) && e->insn.length)
		shown = e->insn.length < shown ? e->insn.length : shown;
	for (size_t i = 0; i < shown; i++) {
		add_str(&t, " ");
		add_hex(&t, e->bytes[i], 2);
	}
	if (e->byte_count == 0)
		add_str(&t, " (unreadable)");
	add_str(&t, "\n");
	if (e->byte_count)
		describe_decoded(&t, e);
	add_str(&t, "mmiotrap:   restoring the default SIGSEGV action\n");
	write_text(&t);
}

/* ---- the signal handler ---- */

static void set_default_action(int sig)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
}

/* A SIGSEGV that is not ours goes where it would have gone without us. */
static void pass_on(int sig, siginfo_t *info, void *uc)
{
	if (previous_action.sa_flags & SA_SIGINFO) {
		previous_action.sa_sigaction(sig, info, uc);
		return;
	}
	if (previous_action.sa_handler != SIG_DFL &&
	    previous_action.sa_handler != SIG_IGN) {
		previous_action.sa_handler(sig);
		return;
	}
	/* A fault repeats on return and then takes the default action (the
	 * kernel does not let a fault be ignored); a SIGSEGV sent by kill()
	 * is sent again, to be taken once the handler returns. */
	if (info->si_code > 0) {
		set_default_action(sig);
	} else if (previous_action.sa_handler == SIG_DFL) {
		set_default_action(sig);
		syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	}
}

static void handle_segv(int sig, siginfo_t *info, void *context)
{
	int saved_errno = errno;
	uint64_t fault_address = (uint64_t)(uintptr_t)info->si_addr;
	struct slot *slot = info->si_code > 0 ? acquire_region(fault_address)
					      : NULL;

	if (!slot) {
		pass_on(sig, info, context);
		errno = saved_errno;
		return;
	}

	struct emulation e;
	memset(&e, 0, sizeof(e));
	e.uc = context;
	e.fault_address = fault_address;
	e.write_fault = (e.uc->uc_mcontext.gregs[REG_ERR] & PF_WRITE) != 0;
	const char *problem = emulate(&e);
	release_region(slot);
	if (problem) {
		report_refusal(problem, &e);
		set_default_action(sig);
	}
	errno = saved_errno;
}

static void install(void)
{
	struct sigaction action;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	/* CPUID now, not in the handler (where it would work too). */
	(void)mmiotrap_vendor();
	read_xsave_layout();
	have_fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
	if (sigaction(SIGSEGV, NULL, &previous_action) != 0) {
		install_error = errno;
		return;
	}
	memset(&action, 0, sizeof(action));
	action.sa_sigaction = handle_segv;
	action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	/* One emulated instruction is atomic with respect to other signals. */
	sigfillset(&action.sa_mask);
	if (sigaction(SIGSEGV, &action, NULL) != 0)
		install_error = errno;
}

/* ---- the public functions ---- */

void *mmiotrap_map(size_t size, const struct mmiotrap_ops *ops, void *ctx)
{
	struct slot *slot = NULL;
	void *base;
	size_t mapped_size;

	if (size == 0 || !ops || !ops->read || !ops->write) {
		errno = EINVAL;
		return NULL;
	}
	pthread_once(&install_once, install);
	if (install_error) {
		errno = install_error;
		return NULL;
	}
	if (size > SIZE_MAX - (page_size - 1)) {
		errno = ENOMEM;
		return NULL;
	}
	mapped_size = (size + page_size - 1) & ~(page_size - 1);

	for (size_t i = 0; i < MMIOTRAP_MAX_REGIONS && !slot; i++) {
		int expected = SLOT_FREE;
		if (atomic_compare_exchange_strong(&slots[i].state, &expected,
						   SLOT_CLAIMED))
			slot = &slots[i];
	}
	if (!slot) {
		errno = ENOMEM;
		return NULL;
	}
	base = mmap(NULL, mapped_size, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		atomic_store(&slot->state, SLOT_FREE);
		return NULL;
	}
	atomic_store(&slot->base, (uintptr_t)base);
	atomic_store(&slot->mapped_size, mapped_size);
	slot->size = size;
	slot->ops = ops;
	slot->ctx = ctx;
	atomic_store(&slot->state, SLOT_ACTIVE);
	return base;
}

int mmiotrap_unmap(void *region)
{
	for (size_t i = 0; i < MMIOTRAP_MAX_REGIONS; i++) {
		struct slot *slot = &slots[i];
		int expected = SLOT_ACTIVE;

		if (atomic_load(&slot->state) != SLOT_ACTIVE ||
		    atomic_load(&slot->base) != (uintptr_t)region)
			continue;
		if (this_thread.slot == slot) {
			errno = EBUSY;
			return -1;
		}
		if (!atomic_compare_exchange_strong(&slot->state, &expected,
						    SLOT_DRAINING))
			continue;
		/* Unmapped and reused for another region in between. */
		if (atomic_load(&slot->base) != (uintptr_t)region) {
			atomic_store(&slot->state, SLOT_ACTIVE);
			continue;
		}
		while (atomic_load(&slot->users) != 0)
			sched_yield();
		munmap(region, atomic_load(&slot->mapped_size));
		atomic_store(&slot->state, SLOT_FREE);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

const struct mmiotrap_access *mmiotrap_current_access(void)
{
	return this_thread.access;
}

enum mmiodec_vendor mmiotrap_vendor(void)
{
	int vendor = atomic_load(&vendor_in_use);

	if (vendor == VENDOR_UNSET) {
		int detected = (int)cpu_vendor();
		/* An override stored meanwhile wins (vendor then holds it). */
		if (atomic_compare_exchange_strong(&vendor_in_use, &vendor,
						   detected))
			vendor = detected;
	}
	return (enum mmiodec_vendor)vendor;
}

void mmiotrap_set_vendor(enum mmiodec_vendor vendor)
{
	switch (vendor) {
	case MMIODEC_VENDOR_ANY:
	case MMIODEC_VENDOR_INTEL:
	case MMIODEC_VENDOR_AMD:
		atomic_store(&vendor_in_use, (int)vendor);
		break;
	default:
		break; /* not a vendor: the setting stays as it was */
	}
}
