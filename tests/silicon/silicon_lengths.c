/* SPDX-License-Identifier: MIT */
/*
 * silicon-lengths: instruction lengths measured on the running CPU,
 * compared with mmiodec's for the CPU's vendor (CPUID leaf 0).
 *
 * How a length is measured. Two adjacent pages: the first executable, the
 * next PROT_NONE. The first k bytes of an instruction are copied to the
 * end of the executable page and a stub jumps to them with every general
 * register pointing into a PROT_NONE reservation (so memory operands fault
 * harmlessly) and RSP on a private scratch stack. Whatever happens ends in
 * a signal, caught on an alternate stack; the handler records it and
 * makes sigreturn resume in the stub's epilogue, which restores the C
 * caller's registers, MXCSR and x87 control word.
 *   - "longer than k": an instruction-fetch page fault (SIGSEGV, trap 14,
 *     error code bit 4) at the boundary, si_addr == boundary, with RIP
 *     still at the instruction's start: the CPU needed byte k+1 before it
 *     could do anything with the instruction;
 *   - "fits in k": anything else (it ran and the next fetch faulted at the
 *     boundary with RIP == boundary; #UD, #GP, #DE; a data fault; a jump).
 * An instruction the decoder gives length L must be longer than L-1 and
 * fit in L. Page-fault priority makes this sound: a code page fault on
 * fetching the instruction ranks above the faults of decoding it (#UD) in
 * the SDM's table of priority among simultaneous exceptions.
 *
 * An instruction the CPU does not implement (#UD) still has a length when
 * the CPU needed all L bytes before raising #UD: that is counted as agreeing
 * ("agree, #UD"). If it raises #UD with fewer bytes than the decoder's
 * length present, the CPU stopped decoding where its own reading of the
 * bytes ended (Intel does this for AMD-only encodings: SSE4a EXTRQ/INSERTQ
 * with immediates after the ModRM, 3DNow! and XOP after two bytes); the
 * decoder's length cannot be measured then: those are counted and listed
 * as "early #UD", not as mismatches. Nothing else that fits in fewer than
 * L bytes is excused.
 *
 * Controls: five instructions are given a wrong length on purpose; the
 * harness must call each a mismatch and find the real length. If it
 * catches none, the environment (an emulator, a sandbox) does not report
 * fetch faults as the method needs and the test skips.
 *
 * Safety. All measuring happens in forked children; a child that dies is
 * reported with the instruction it was running, and the next child goes
 * on after it. Every address an instruction can form lands in memory we
 * own: registers point into a 16 GiB PROT_NONE reservation at 2^46 (so the
 * sum of two registers is at or above 2^47: non-canonical, or unmapped
 * with 5-level paging), displacements and immediates are
 * generated positive (forward branches, RIP-relative operands past the
 * boundary), moffs64 values are non-canonical, the free parts of the low
 * 4 GiB are reserved PROT_NONE (absolute and 32-bit addresses), vector
 * registers are zeroed (VSIB indices), and FS-relative operands are only
 * generated with a register base. Instructions whose effect would reach
 * beyond the process or change process state we cannot restore are
 * excluded by rule (exclusion(), each with its reason); a periodic timer
 * ends a run that loops.
 *
 * Coverage: the Intel/AMD rows (vendor_rows[]), the one-byte and 0F
 * opcodes the decoder calls invalid in 64-bit mode (#UD expected), walks of
 * the legacy and 0F maps (every opcode x ModRM.reg, varied ModRM/SIB/
 * displacement forms, prefixes, REX), the 0F 38 and 0F 3A maps (every
 * opcode x mandatory prefix), VEX and EVEX (every map x opcode x pp, when
 * the CPU has AVX / AVX-512F), XOP and 3DNow! when the CPU has them, then
 * --count random instructions per map from --seed.
 *
 *   mmiodec-silicon-lengths [--seed N] [--count N] [--verbose]
 *   mmiodec-silicon-lengths --check HEX      measure one instruction
 *
 * Exit status: 0 all agree; 1 a mismatch or a child died; 77 skipped (not
 * Intel/AMD, under Valgrind, user shadow stack on, no control caught);
 * 2 bad usage or a --check instruction refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "mmiodec.h"
#include "../cpu_identity.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SKIP_EXIT 77

#define PAGE 4096ULL
#define GIB (1ULL << 30)
/* The reservation: [base, base + 16 GiB), PROT_NONE but for two windows. */
#define RES_SIZE (16 * GIB)
#define BOUNDARY_OFF (4 * GIB)  /* code page just below, PROT_NONE above */
#define GPR_OFF (8 * GIB)       /* register values: GPR_OFF + r * 64 KiB */
#define STACK_OFF (12 * GIB)    /* RSP; one RW page below, one above */
/* Generated displacement and immediate bytes: positive, never zero. */
#define TAIL_MIN 0x01
#define TAIL_MAX 0x7E

/* ---- the stub ---------------------------------------------------------- */

/* What silicon_enter() loads. Offsets are fixed by the assembly below. */
struct silicon_ctx {
	uint64_t gpr[16]; /* 0: RAX..R15, RSP included */
	uint64_t target;  /* 128: the instruction */
	uint64_t rflags;  /* 136 */
	uint32_t mxcsr;   /* 144 */
	uint32_t vec;     /* 148: bit 0 AVX (vzeroall), bit 1 AVX-512 */
};
_Static_assert(offsetof(struct silicon_ctx, target) == 128, "ctx layout");
_Static_assert(offsetof(struct silicon_ctx, rflags) == 136, "ctx layout");
_Static_assert(offsetof(struct silicon_ctx, mxcsr) == 144, "ctx layout");
_Static_assert(offsetof(struct silicon_ctx, vec) == 148, "ctx layout");

/*
 * silicon_enter(ctx): save the callee-saved registers, MXCSR and the x87
 * control word on the caller's stack, remember that stack, clear the
 * vector registers (VSIB indices), reset x87, load MXCSR, RFLAGS and all
 * sixteen GPRs from ctx, and jump to ctx->target. It never returns by
 * itself: the signal handler points RIP at silicon_resume, which goes back
 * to that stack, restores what was saved and returns to the caller.
 */
__asm__(
	"	.text\n"
	"	.globl	silicon_enter\n"
	"	.hidden	silicon_enter\n"
	"	.type	silicon_enter, @function\n"
	"silicon_enter:\n"
	"	pushq	%rbx\n"
	"	pushq	%rbp\n"
	"	pushq	%r12\n"
	"	pushq	%r13\n"
	"	pushq	%r14\n"
	"	pushq	%r15\n"
	"	subq	$8, %rsp\n"
	"	stmxcsr	(%rsp)\n"
	"	fnstcw	4(%rsp)\n"
	"	movq	%rsp, silicon_saved_rsp(%rip)\n"
	"	movl	148(%rdi), %eax\n"
	"	testl	$1, %eax\n"
	"	jz	1f\n"
	"	vzeroall\n"
	"	jmp	2f\n"
	"1:	pxor	%xmm0, %xmm0\n"
	"	pxor	%xmm1, %xmm1\n"
	"	pxor	%xmm2, %xmm2\n"
	"	pxor	%xmm3, %xmm3\n"
	"	pxor	%xmm4, %xmm4\n"
	"	pxor	%xmm5, %xmm5\n"
	"	pxor	%xmm6, %xmm6\n"
	"	pxor	%xmm7, %xmm7\n"
	"	pxor	%xmm8, %xmm8\n"
	"	pxor	%xmm9, %xmm9\n"
	"	pxor	%xmm10, %xmm10\n"
	"	pxor	%xmm11, %xmm11\n"
	"	pxor	%xmm12, %xmm12\n"
	"	pxor	%xmm13, %xmm13\n"
	"	pxor	%xmm14, %xmm14\n"
	"	pxor	%xmm15, %xmm15\n"
	"2:	testl	$2, %eax\n"
	"	jz	3f\n"
	"	vpxord	%zmm16, %zmm16, %zmm16\n"
	"	vpxord	%zmm17, %zmm17, %zmm17\n"
	"	vpxord	%zmm18, %zmm18, %zmm18\n"
	"	vpxord	%zmm19, %zmm19, %zmm19\n"
	"	vpxord	%zmm20, %zmm20, %zmm20\n"
	"	vpxord	%zmm21, %zmm21, %zmm21\n"
	"	vpxord	%zmm22, %zmm22, %zmm22\n"
	"	vpxord	%zmm23, %zmm23, %zmm23\n"
	"	vpxord	%zmm24, %zmm24, %zmm24\n"
	"	vpxord	%zmm25, %zmm25, %zmm25\n"
	"	vpxord	%zmm26, %zmm26, %zmm26\n"
	"	vpxord	%zmm27, %zmm27, %zmm27\n"
	"	vpxord	%zmm28, %zmm28, %zmm28\n"
	"	vpxord	%zmm29, %zmm29, %zmm29\n"
	"	vpxord	%zmm30, %zmm30, %zmm30\n"
	"	vpxord	%zmm31, %zmm31, %zmm31\n"
	"	kxorw	%k0, %k0, %k0\n"
	"	kxorw	%k1, %k1, %k1\n"
	"	kxorw	%k2, %k2, %k2\n"
	"	kxorw	%k3, %k3, %k3\n"
	"	kxorw	%k4, %k4, %k4\n"
	"	kxorw	%k5, %k5, %k5\n"
	"	kxorw	%k6, %k6, %k6\n"
	"	kxorw	%k7, %k7, %k7\n"
	"3:	fninit\n"
	"	ldmxcsr	144(%rdi)\n"
	"	pushq	136(%rdi)\n"
	"	popfq\n"
	"	movq	128(%rdi), %rax\n"
	"	movq	%rax, silicon_target(%rip)\n"
	"	movq	8(%rdi), %rcx\n"
	"	movq	16(%rdi), %rdx\n"
	"	movq	24(%rdi), %rbx\n"
	"	movq	32(%rdi), %rsp\n"
	"	movq	40(%rdi), %rbp\n"
	"	movq	48(%rdi), %rsi\n"
	"	movq	64(%rdi), %r8\n"
	"	movq	72(%rdi), %r9\n"
	"	movq	80(%rdi), %r10\n"
	"	movq	88(%rdi), %r11\n"
	"	movq	96(%rdi), %r12\n"
	"	movq	104(%rdi), %r13\n"
	"	movq	112(%rdi), %r14\n"
	"	movq	120(%rdi), %r15\n"
	"	movq	0(%rdi), %rax\n"
	"	movq	56(%rdi), %rdi\n"
	"	jmp	*silicon_target(%rip)\n"
	"	.size	silicon_enter, .-silicon_enter\n"
	"\n"
	"	.globl	silicon_resume\n"
	"	.hidden	silicon_resume\n"
	"	.type	silicon_resume, @function\n"
	"silicon_resume:\n"
	"	movq	silicon_saved_rsp(%rip), %rsp\n"
	"	cld\n"
	"	fninit\n"
	"	ldmxcsr	(%rsp)\n"
	"	fldcw	4(%rsp)\n"
	"	addq	$8, %rsp\n"
	"	popq	%r15\n"
	"	popq	%r14\n"
	"	popq	%r13\n"
	"	popq	%r12\n"
	"	popq	%rbp\n"
	"	popq	%rbx\n"
	"	ret\n"
	"	.size	silicon_resume, .-silicon_resume\n"
	"\n"
	"	.pushsection .bss\n"
	"	.balign	8\n"
	"silicon_saved_rsp:\n"
	"	.zero	8\n"
	"silicon_target:\n"
	"	.zero	8\n"
	"	.popsection\n");

__attribute__((visibility("hidden"))) void silicon_enter(struct silicon_ctx *ctx);
__attribute__((visibility("hidden"))) void silicon_resume(void);

/* ---- the CPU ------------------------------------------------------------- */

struct cpu {
	struct cpu_identity id;
	char brand[49];
	bool hypervisor, avx, avx512f, xop, amd3dnow;
};

static void read_cpu(struct cpu *c)
{
	uint32_t r[4], maxext;

	memset(c, 0, sizeof(*c));
	cpu_identity_read(&c->id);
	cpuid_count(1, 0, r);
	c->hypervisor = (r[2] >> 31) & 1;
	bool osxsave = (r[2] >> 27) & 1;
	bool avx = (r[2] >> 28) & 1;
	uint64_t xcr0 = 0;
	if (osxsave) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = (uint64_t)hi << 32 | lo;
	}
	c->avx = avx && (xcr0 & 0x6) == 0x6;
	if (c->id.max_leaf >= 7) {
		cpuid_count(7, 0, r);
		c->avx512f = c->avx && ((r[1] >> 16) & 1) &&
			     (xcr0 & 0xE6) == 0xE6;
	}
	cpuid_count(0x80000000, 0, r);
	maxext = r[0];
	if (maxext >= 0x80000001) {
		cpuid_count(0x80000001, 0, r);
		c->xop = c->avx && ((r[2] >> 11) & 1);
		c->amd3dnow = (r[3] >> 31) & 1;
	}
	if (maxext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid_count(0x80000002 + i, 0, r);
			memcpy(c->brand + 16 * i, r, 16);
		}
		/* trim the padding */
		char *p = c->brand;
		while (*p == ' ')
			p++;
		memmove(c->brand, p, strlen(p) + 1);
		size_t n = strlen(c->brand);
		while (n && c->brand[n - 1] == ' ')
			c->brand[--n] = 0;
	}
}

/* Valgrind cannot run arbitrary instructions faithfully nor deliver the
 * CPU's own signal frames: skip there. Valgrind preloads its vgpreload
 * libraries, and answers the RUNNING_ON_VALGRIND client request (request
 * 0x1001: the documented magic rotate sequence, result in RDX; without
 * Valgrind the sequence leaves RDI unchanged and RDX at its default). */
static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");
	if (p && strstr(p, "vgpreload"))
		return true;
	volatile uint64_t req[6] = { 0x1001, 0, 0, 0, 0, 0 };
	uint64_t result = 0;
	__asm__ volatile("rolq $3, %%rdi\n\trolq $13, %%rdi\n\t"
			 "rolq $61, %%rdi\n\trolq $51, %%rdi\n\t"
			 "xchgq %%rbx, %%rbx"
			 : "+d"(result)
			 : "a"(req)
			 : "cc", "memory");
	return result != 0;
}

/* ---- the memory layout --------------------------------------------------- */

struct layout {
	uint8_t *base;      /* the reservation */
	uint8_t *code_rx;   /* the executable page */
	uint8_t *code_rw;   /* the same page, writable (may equal code_rx) */
	uint8_t *boundary;  /* code_rx + PAGE: the PROT_NONE page */
	uint64_t *stack_lo; /* two RW pages around RSP */
	uint64_t rsp;
	uint64_t gpr[16];
	/* absolute and 32-bit addresses (the low 4 GiB) land only in
	 * memory reserved here: 67 and SIB-without-base forms allowed */
	bool abs_ok;
	/* FS (GS): 0 = base 0, acts as no prefix; 1 = base in [2^46, 2^47),
	 * allowed with a register base only; 2 = not generated */
	int fs_rule, gs_rule;
	uint64_t fs_base, gs_base;
	char note[256];
};

static struct layout lay;
static struct cpu cpu;

/* Read /proc/self/maps into buf (no allocation: the heap must not grow
 * between reading and mapping). */
static size_t read_maps(char *buf, size_t size)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	if (fd < 0)
		return 0;
	while (n + 1 < size) {
		ssize_t got = read(fd, buf + n, size - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = 0;
	return n;
}

static char maps_buf[1 << 20];

/* Map PROT_NONE over every hole in [lo, hi). */
static void reserve_holes(uint64_t lo, uint64_t hi)
{
	read_maps(maps_buf, sizeof(maps_buf));
	uint64_t cur = lo;
	const char *line = maps_buf;
	for (;;) {
		unsigned long long s = 0, e = 0;
		bool have = *line && sscanf(line, "%llx-%llx", &s, &e) == 2;
		uint64_t next = have ? s : hi;
		if (next > hi)
			next = hi;
		if (next > cur)
			mmap((void *)(uintptr_t)cur, next - cur, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			     MAP_FIXED_NOREPLACE, -1, 0);
		if (!have || e >= hi)
			break;
		if (e > cur)
			cur = e;
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
}

/* Is any mapping in [lo, hi) writable or executable? (Not ours: ours are
 * elsewhere.) */
static bool foreign_mapping(uint64_t lo, uint64_t hi, char *what, size_t n)
{
	read_maps(maps_buf, sizeof(maps_buf));
	for (const char *line = maps_buf; *line;) {
		unsigned long long s, e;
		char perms[8] = "";
		if (sscanf(line, "%llx-%llx %7s", &s, &e, perms) == 3 &&
		    s < hi && e > lo && (perms[1] == 'w' || perms[2] == 'x')) {
			snprintf(what, n, "%llx-%llx %s", s, e, perms);
			return true;
		}
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	return false;
}

static uint64_t min_mmap_addr(void)
{
	char buf[64] = "";
	uint64_t v = 65536;
	int fd = open("/proc/sys/vm/mmap_min_addr", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = 0;
			v = strtoull(buf, NULL, 10);
		}
		close(fd);
	}
	if (v < PAGE)
		v = PAGE;
	return (v + PAGE - 1) & ~(PAGE - 1);
}

static int seg_rule(uint64_t base)
{
	if (base == 0)
		return 0;
	if (base >= (1ULL << 46) && base < (1ULL << 47))
		return 1;
	return 2;
}

static bool setup_layout(void)
{
	static const uint64_t bases[] = {
		0x400000000000ULL, 0x480000000000ULL, 0x500000000000ULL,
		0x440000000000ULL, 0x4c0000000000ULL,
	};
	void *p = MAP_FAILED;

	for (size_t i = 0; i < COUNT(bases); i++) {
		p = mmap((void *)(uintptr_t)bases[i], RES_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)(uintptr_t)bases[i])
			break;
		if (p != MAP_FAILED)
			munmap(p, RES_SIZE); /* a kernel without NOREPLACE */
		p = MAP_FAILED;
	}
	if (p == MAP_FAILED) {
		fprintf(stderr, "cannot reserve 16 GiB at 2^46: %s\n",
			strerror(errno));
		return false;
	}
	lay.base = p;
	lay.boundary = lay.base + BOUNDARY_OFF;
	lay.code_rx = lay.boundary - PAGE;

	/* The executable page: RWX, or (where W^X is enforced) one memfd
	 * page mapped twice, RX here and RW elsewhere. */
	void *c = mmap(lay.code_rx, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (c == lay.code_rx) {
		lay.code_rw = lay.code_rx;
	} else {
		int fd = memfd_create("silicon-code", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)PAGE) != 0) {
			perror("memfd");
			return false;
		}
		c = mmap(lay.code_rx, PAGE, PROT_READ | PROT_EXEC,
			 MAP_SHARED | MAP_FIXED, fd, 0);
		void *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);
		close(fd);
		if (c != lay.code_rx || w == MAP_FAILED) {
			perror("code page");
			return false;
		}
		lay.code_rw = w;
	}
	memset(lay.code_rw, 0xCC, PAGE);

	void *s = mmap(lay.base + STACK_OFF - PAGE, 2 * PAGE,
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (s == MAP_FAILED) {
		perror("scratch stack");
		return false;
	}
	lay.stack_lo = s;
	lay.rsp = (uint64_t)(uintptr_t)(lay.base + STACK_OFF);

	/* base + 8 GiB + r * 64 KiB + 0x888: low 32 bits 0x888..0xF0888
	 * (the reservation is 4 GiB aligned), nonzero (ECX/EAX checks of
	 * WRPKRU-like instructions fail), bits 8, 10, 18 clear (POPF of one
	 * sets neither TF, DF nor AC); as a selector (RETF, IRET) RPL 0. */
	for (unsigned r = 0; r < 16; r++)
		lay.gpr[r] = (uint64_t)(uintptr_t)lay.base + GPR_OFF +
			     r * 0x10000ULL + 0x888;
	lay.gpr[4] = lay.rsp;

	/* Absolute (SIB without base, moffs32) and 32-bit addresses are in
	 * the low 4 GiB: reserve its holes and allow those forms only if
	 * nothing writable or executable is left there. */
	reserve_holes(min_mmap_addr(), 1ULL << 32);
	char what[96];
	lay.abs_ok = !foreign_mapping(0, 1ULL << 32, what, sizeof(what));
	if (!lay.abs_ok)
		snprintf(lay.note, sizeof(lay.note),
			 "note: %s lies in the low 4 GiB: no 67 prefix and no "
			 "absolute (SIB without base) forms sampled", what);

	unsigned long v = 0;
	if (syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &v) == 0)
		lay.fs_base = v;
	v = 0;
	if (syscall(SYS_arch_prctl, 0x1004 /* ARCH_GET_GS */, &v) == 0)
		lay.gs_base = v;
	lay.fs_rule = seg_rule(lay.fs_base);
	lay.gs_rule = seg_rule(lay.gs_base);
	return true;
}

/* ---- shapes and exclusions ----------------------------------------------- */

enum enc { ENC_LEGACY, ENC_0F, ENC_0F38, ENC_0F3A, ENC_3DNOW, ENC_VEX,
	   ENC_EVEX, ENC_XOP };
/* Mandatory prefix, as VEX.pp encodes it. */
enum { PP_NONE, PP_66, PP_F3, PP_F2 };

/* What an instruction looks like from its first bytes: enough to apply
 * the exclusions and the addressing rules. The byte after the opcode is
 * called modrm whether or not the opcode has one (the rules then err on
 * the side of refusing). */
struct shape {
	bool p66, p67, lock, fs, gs;
	uint8_t pp;    /* mandatory prefix (legacy maps) or VEX/EVEX pp */
	uint8_t rex;
	uint8_t enc;
	uint8_t vmap;  /* VEX/EVEX/XOP map */
	uint8_t opcode;
	unsigned pos;  /* index of the opcode byte */
	uint8_t modrm, sib;
	uint8_t after[10]; /* the bytes after the opcode */
};

static uint8_t at(const uint8_t *b, unsigned i)
{
	return i < 15 ? b[i] : 0;
}

static void parse_shape(const uint8_t *b, struct shape *s)
{
	unsigned i = 0, rep = 0;

	memset(s, 0, sizeof(*s));
	for (; i < 15; i++) {
		uint8_t x = b[i];
		if ((x & 0xF0) == 0x40) {
			s->rex = x;
			continue;
		}
		if (x == 0x66)
			s->p66 = true;
		else if (x == 0x67)
			s->p67 = true;
		else if (x == 0xF0)
			s->lock = true;
		else if (x == 0xF2 || x == 0xF3)
			rep = x;
		else if (x == 0x64)
			s->fs = true;
		else if (x == 0x65)
			s->gs = true;
		else if (x == 0x26 || x == 0x2E || x == 0x36 || x == 0x3E)
			;
		else
			break;
		s->rex = 0; /* a REX before a legacy prefix is ignored */
	}
	s->pp = rep == 0xF3 ? PP_F3 : rep == 0xF2 ? PP_F2 : s->p66 ? PP_66 : PP_NONE;

	uint8_t x = at(b, i);
	if (x == 0x0F) {
		uint8_t y = at(b, i + 1);
		if (y == 0x38 || y == 0x3A) {
			s->enc = y == 0x38 ? ENC_0F38 : ENC_0F3A;
			s->pos = i + 2;
		} else if (y == 0x0F) {
			s->enc = ENC_3DNOW;
			s->pos = i + 1; /* the suffix opcode comes last */
		} else {
			s->enc = ENC_0F;
			s->pos = i + 1;
		}
	} else if (x == 0xC5) {
		s->enc = ENC_VEX;
		s->vmap = 1;
		s->pp = at(b, i + 1) & 3;
		s->pos = i + 2;
	} else if (x == 0xC4) {
		s->enc = ENC_VEX;
		s->vmap = at(b, i + 1) & 0x1F;
		s->pp = at(b, i + 2) & 3;
		s->pos = i + 3;
	} else if (x == 0x62) {
		s->enc = ENC_EVEX;
		s->vmap = at(b, i + 1) & 7;
		s->pp = at(b, i + 2) & 3;
		s->pos = i + 4;
	} else if (x == 0x8F && (at(b, i + 1) & 0x1F) >= 8) {
		s->enc = ENC_XOP;
		s->vmap = at(b, i + 1) & 0x1F;
		s->pp = at(b, i + 2) & 3;
		s->pos = i + 3;
	} else {
		s->enc = ENC_LEGACY;
		s->pos = i;
	}
	s->opcode = at(b, s->pos);
	s->modrm = at(b, s->pos + 1);
	s->sib = at(b, s->pos + 2);
	for (unsigned j = 0; j < sizeof(s->after); j++)
		s->after[j] = at(b, s->pos + 1 + j);
}

/*
 * Instructions not executed, and why. Everything else runs with the
 * registers pointing at the reservation: privileged instructions (HLT,
 * IN/OUT, CLI, MOV CR/DR, WRMSR, LGDT, INVLPG, ...) raise #GP, VMX
 * instructions #UD, memory operands fault, CPUID/RDTSC/RDRAND just run.
 * x87 and MXCSR state is reset after every run, as is RFLAGS.
 */
static const char *exclusion(const struct shape *s)
{
	unsigned op = s->opcode, m = s->modrm;
	unsigned reg = (m >> 3) & 7;
	bool mem = (m >> 6) != 3;

	switch (s->enc) {
	case ENC_LEGACY:
		if (op == 0xCC)
			return "INT3: a breakpoint trap; excluded as a debugger event";
		if (op == 0xF1)
			return "INT1/ICEBP: a debug trap; excluded as a debugger event";
		if (op == 0xCD)
			return "INT n: INT 80h enters the kernel's 32-bit system call gate";
		if (op == 0xCE)
			return "INTO: an interrupt gate (invalid in 64-bit mode anyway)";
		if (op == 0x8E)
			return "MOV Sreg, r/m: a write to FS or GS loses the TLS base";
		break;
	case ENC_0F:
		switch (op) {
		case 0x05:
			return "SYSCALL: a system call with arbitrary arguments";
		case 0x07:
			return "SYSRET: system call return";
		case 0x34:
			return "SYSENTER: enters the kernel on Intel (measured only unexecuted, in the vendor rows)";
		case 0x35:
			return "SYSEXIT: system call return (measured only in the vendor rows)";
		case 0xA1:
		case 0xA9:
			return "POP FS/GS: changes the TLS segment";
		case 0xB2:
		case 0xB4:
		case 0xB5:
			return "LSS/LFS/LGS: load a segment register (FS: the TLS base)";
		case 0xB9:
			return "UD1: AMD's reading of UD1 (ModRM or not) is unsettled";
		case 0xAE:
			if (s->pp == PP_F3 && !mem && (reg == 2 || reg == 3))
				return "WRFSBASE/WRGSBASE: change the TLS base";
			if (s->pp == PP_F3 && !mem && reg == 5)
				return "INCSSP: shadow-stack pointer";
			if (s->pp == PP_F3 && mem && reg == 6)
				return "CLRSSBSY: shadow-stack token";
			if (mem && s->pp != PP_F3 && s->pp != PP_F2 &&
			    (reg == 1 || reg == 2))
				return "FXRSTOR/LDMXCSR: load FPU/SSE state (exception masks)";
			if (mem && s->pp == PP_NONE && (reg == 4 || reg == 5 || reg == 6))
				return "XSAVE/XRSTOR/XSAVEOPT: the XSAVE family (XRSTOR may load PKRU)";
			if (mem && s->pp == PP_66 && (reg == 4 || reg == 5))
				return "XSAVE/XRSTOR: the XSAVE family (XRSTOR may load PKRU)";
			break;
		case 0xC7:
			if (mem && reg >= 3 && reg <= 5)
				return "XRSTORS/XSAVEC/XSAVES: the XSAVE family";
			if (!mem && reg == 6 && s->pp == PP_F3)
				return "SENDUIPI: sends a user interrupt to another process";
			break;
		case 0x01:
			if (mem && reg == 5 && s->pp == PP_F3)
				return "RSTORSSP: shadow-stack pointer";
			if (mem)
				break;
			if (reg == 0)
				return "0F 01 C0-C7: VMX/SGX/TDX/MSR-list system instructions (VMCALL reaches the hypervisor)";
			if (reg == 3)
				return "0F 01 D8-DF: SVM instructions (VMMCALL reaches the hypervisor)";
			if (m == 0xD4)
				return "VMFUNC: a hypervisor function";
			if (m == 0xD7)
				return "ENCLU: SGX enclave call";
			if (m >= 0xCC && m <= 0xCF)
				return "0F 01 CC-CF: ENCLS and TDX/SEAM calls";
			if (m == 0xEF && s->pp == PP_NONE)
				return "WRPKRU: changes memory protection keys of the process";
			if ((m == 0xE8 || m == 0xEA) && s->pp == PP_F3)
				return "SETSSBSY/SAVEPREVSSP: shadow-stack state";
			if (m >= 0xEC && m <= 0xEF && s->pp == PP_F3)
				return "UIRET/TESTUI/CLUI/STUI: user-interrupt state";
			if (m == 0xFE || m == 0xFF)
				return "INVLPGB/TLBSYNC: TLB broadcast (AMD)";
			break;
		}
		break;
	case ENC_0F38:
		if (op == 0xF5 && s->pp == PP_66)
			return "WRUSS: shadow-stack write";
		if (op == 0xF6 && s->pp == PP_NONE && mem)
			return "WRSS: shadow-stack write";
		if (op == 0xF8 && s->pp == PP_F3 && !mem)
			return "UWRMSR: writes an MSR where the OS allows it";
		break;
	case ENC_VEX:
		if (s->vmap == 1 && op == 0xAE && mem && reg == 2)
			return "VLDMXCSR: loads MXCSR (exception masks)";
		if (s->vmap == 7 && op == 0xF8 && s->pp == PP_F3)
			return "UWRMSR: writes an MSR where the OS allows it";
		break;
	case ENC_XOP:
		if (op == 0x12 && (s->vmap == 9 || s->vmap == 10))
			return "LLWPCB/SLWPCB/LWPINS/LWPVAL: lightweight profiling state";
		break;
	default:
		break;
	}
	return NULL;
}

/* Whether every address the instruction can form stays in memory we own
 * (see the file comment); false refuses the candidate. */
static bool addressing_safe(const struct shape *s)
{
	int rule = 0;
	if (s->fs && lay.fs_rule > rule)
		rule = lay.fs_rule;
	if (s->gs && lay.gs_rule > rule)
		rule = lay.gs_rule;
	if (rule == 2)
		return false;
	bool restricted = rule == 1 || !lay.abs_ok;
	bool absolute = (s->modrm >> 6) == 0 && (s->modrm & 7) == 4 &&
			(s->sib & 7) == 5;
	if (restricted && (s->p67 || absolute))
		return false;
	/* MOV moffs64: the top byte must make the address non-canonical */
	if (s->enc == ENC_LEGACY && s->opcode >= 0xA0 && s->opcode <= 0xA3 &&
	    !s->p67 && (s->after[7] < TAIL_MIN || s->after[7] > TAIL_MAX))
		return false;
	return true;
}

/* ---- test cases ---------------------------------------------------------- */

enum cat { C_CONTROL, C_VENDOR, C_INVALID, C_LEGACY, C_0F, C_0F38, C_0F3A,
	   C_3DNOW, C_VEX, C_EVEX, C_XOP, C_CHECK, C_COUNT };
static const char *const cat_name[C_COUNT] = {
	"control", "vendor rows", "invalid (#UD)", "legacy", "0F", "0F 38",
	"0F 3A", "3DNow!", "VEX", "EVEX", "XOP", "check",
};

enum kind {
	K_LENGTH,     /* decoder length L: fits in L, not in L-1 */
	K_UD,         /* decoder INVALID: #UD with all 15 bytes present */
	K_FETCH_ONLY, /* not to be executed: only "not in L-1" */
};

struct tcase {
	uint8_t bytes[15];
	uint8_t len;    /* decoder length (K_LENGTH, K_FETCH_ONLY) */
	uint8_t kind;
	uint8_t cat;
	uint8_t status; /* decoder status */
	uint8_t truth;  /* C_CONTROL: the real length (len is wrong) */
	int16_t row;    /* index in vendor_rows[] or -1 */
};

enum verdict {
	V_NONE,
	V_AGREE,        /* fits in L, not in L-1 */
	V_AGREE_UD,     /* likewise, and #UD at L */
	V_EARLY_UD,     /* #UD with fewer than L bytes: not measurable */
	V_PARTIAL_OK,   /* K_FETCH_ONLY: longer than L-1 */
	V_INVALID_OK,   /* K_UD: #UD */
	V_MISMATCH,
	V_CRASH,        /* the child died running it */
};

struct outcome {
	int sig;
	int code;
	uint64_t addr, rip, start, trapno, err;
};

struct tresult {
	uint8_t verdict;
	uint8_t measured; /* smallest k without a fetch fault; 16: none */
	struct outcome at_l; /* with k = L (K_UD: 15; FETCH_ONLY: L-1) */
	struct outcome at_m; /* with k = measured */
	int status;          /* V_CRASH: the wait status */
};

struct shared {
	volatile uint32_t progress;
	volatile uint32_t finished;
	struct tresult res[];
};

/* Vendor-dependent encodings in 64-bit mode with the documented lengths
 * (0: #UD). Each is followed by the bytes 01 02 03 ...: positive
 * displacements, so CALL/JMP/Jcc go forward into the reservation (AMD's
 * 16-bit ones to below 64 KiB: unmapped). */
struct vendor_row {
	const char *hex;
	const char *what;
	uint8_t intel, amd;
	bool no_exec_intel; /* SYSENTER, SYSEXIT: only k = L-1 on Intel */
};

static const struct vendor_row vendor_rows[] = {
	{ "66e8", "call, 66 (AMD rel16, Intel rel32)", 6, 4, false },
	{ "66e9", "jmp, 66 (AMD rel16, Intel rel32)", 6, 4, false },
	{ "6648e8", "call, 66 REX.W: rel32", 7, 7, false },
	{ "6648e9", "jmp, 66 REX.W: rel32", 7, 7, false },
	{ "660f80", "jo, 66", 7, 5, false },
	{ "660f81", "jno, 66", 7, 5, false },
	{ "660f82", "jb, 66", 7, 5, false },
	{ "660f83", "jae, 66", 7, 5, false },
	{ "660f84", "je, 66", 7, 5, false },
	{ "660f85", "jne, 66", 7, 5, false },
	{ "660f86", "jbe, 66", 7, 5, false },
	{ "660f87", "ja, 66", 7, 5, false },
	{ "660f88", "js, 66", 7, 5, false },
	{ "660f89", "jns, 66", 7, 5, false },
	{ "660f8a", "jp, 66", 7, 5, false },
	{ "660f8b", "jnp, 66", 7, 5, false },
	{ "660f8c", "jl, 66", 7, 5, false },
	{ "660f8d", "jge, 66", 7, 5, false },
	{ "660f8e", "jle, 66", 7, 5, false },
	{ "660f8f", "jg, 66", 7, 5, false },
	{ "66480f84", "je, 66 REX.W: rel32", 8, 8, false },
	{ "66eb", "jmp rel8, 66", 3, 3, false },
	{ "6670", "jo rel8, 66", 3, 3, false },
	{ "6674", "je rel8, 66", 3, 3, false },
	{ "667f", "jg rel8, 66", 3, 3, false },
	{ "66c3", "ret, 66", 2, 2, false },
	{ "66c2", "ret imm16, 66", 4, 4, false },
	{ "0fffc0", "UD0 (AMD: no ModRM)", 3, 2, false },
	{ "0f34", "SYSENTER (AMD: #UD in 64-bit mode)", 2, 0, true },
	{ "0f35", "SYSEXIT (AMD: #UD in 64-bit mode)", 2, 0, true },
	{ "0f78c0", "VMREAD (AMD: #UD without prefix)", 3, 0, false },
	{ "0f79c0", "VMWRITE (AMD: #UD without prefix)", 3, 0, false },
	{ "666300", "movsxd ax, [rax]", 3, 3, false },
	{ "f00f20c0", "lock mov eax, cr0 (AMD: cr8)", 0, 4, false },
	{ "f00f22c0", "lock mov cr0, eax (AMD: cr8)", 0, 4, false },
	/* SSE4a (AMD only): Intel raises #UD having fetched 0F 78 and its
	 * ModRM but not the two imm8 (the decoder gives 6 for both). */
	{ "660f78c0", "extrq xmm0, imm8, imm8 (SSE4a)", 0, 6, false },
	{ "f20f78c1", "insertq xmm0, xmm1, imm8, imm8 (SSE4a)", 0, 6, false },
};

struct stats {
	unsigned attempts, valid, excluded, unsafe, dup;
	unsigned run, agree, agree_ud, early_ud, partial, invalid_ok;
	unsigned mismatch, crash;
};

static struct tcase *cases;
static size_t ncases, cap_cases;
static struct stats stats[C_COUNT];

#define MAX_REASONS 48
static struct {
	const char *reason;
	unsigned n;
} reasons[MAX_REASONS];

static void count_reason(const char *r)
{
	for (unsigned i = 0; i < MAX_REASONS; i++) {
		if (reasons[i].reason == r || !reasons[i].reason) {
			reasons[i].reason = r;
			reasons[i].n++;
			return;
		}
	}
}

/* De-duplication: the first L bytes of every K_LENGTH case. */
#define HASH_BITS 18
static uint32_t *hash_slots;

static uint32_t hash_bytes(const uint8_t *b, unsigned n)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h ^ n;
}

static bool seen_before(const uint8_t *b, unsigned n)
{
	uint32_t mask = (1u << HASH_BITS) - 1;
	uint32_t i = hash_bytes(b, n) & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t v = hash_slots[i];
		if (!v)
			return false;
		const struct tcase *c = &cases[v - 1];
		if (c->kind == K_LENGTH && c->len == n && !memcmp(c->bytes, b, n))
			return true;
	}
}

static void remember(size_t idx)
{
	uint32_t mask = (1u << HASH_BITS) - 1;
	const struct tcase *c = &cases[idx];
	uint32_t i = hash_bytes(c->bytes, c->len) & mask;
	if (ncases >= mask / 2)
		return; /* table full enough: stop de-duplicating */
	while (hash_slots[i])
		i = (i + 1) & mask;
	hash_slots[i] = (uint32_t)idx + 1;
}

static struct tcase *new_case(void)
{
	if (ncases == cap_cases) {
		cap_cases = cap_cases ? 2 * cap_cases : 4096;
		cases = realloc(cases, cap_cases * sizeof(*cases));
		if (!cases) {
			perror("realloc");
			exit(2);
		}
	}
	struct tcase *c = &cases[ncases++];
	memset(c, 0, sizeof(*c));
	c->row = -1;
	return c;
}

enum offer_result { ACCEPTED, INVALID, EXCLUDED, UNSAFE, DUPLICATE };

static bool status_has_length(int st)
{
	return st == MMIODEC_OK || st == MMIODEC_NO_MEMORY ||
	       st == MMIODEC_UNSUPPORTED;
}

/* Decode 15 bytes for the CPU's vendor; keep them as a K_LENGTH case (or,
 * with want_invalid, as a K_UD case when the decoder says INVALID). */
static enum offer_result offer(enum cat cat, const uint8_t b[15], bool want_invalid)
{
	struct mmiodec_insn insn;
	struct shape s;
	struct stats *st = &stats[cat];

	st->attempts++;
	int status = mmiodec_decode_vendor(&insn, b, 15, MMIODEC_MODE_64,
					   cpu.id.vendor);
	bool valid = status_has_length(status);
	if (want_invalid ? status != MMIODEC_INVALID : !valid)
		return INVALID;
	st->valid++;
	parse_shape(b, &s);
	const char *why = exclusion(&s);
	if (why) {
		st->excluded++;
		count_reason(why);
		return EXCLUDED;
	}
	if (!addressing_safe(&s)) {
		st->unsafe++;
		return UNSAFE;
	}
	if (!want_invalid && seen_before(b, insn.length)) {
		st->dup++;
		return DUPLICATE;
	}
	struct tcase *c = new_case();
	memcpy(c->bytes, b, 15);
	c->cat = (uint8_t)cat;
	c->status = (uint8_t)status;
	if (want_invalid) {
		c->kind = K_UD;
	} else {
		c->kind = K_LENGTH;
		c->len = insn.length;
		remember(ncases - 1);
	}
	return ACCEPTED;
}

/* ---- generation ---------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* splitmix64 */
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return (unsigned)(rnd(r) % n);
}

static bool chance(struct rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

static uint8_t tail_byte(struct rng *r)
{
	return (uint8_t)(TAIL_MIN + below(r, TAIL_MAX - TAIL_MIN + 1));
}

/* Legacy prefixes. mand < 0: any mix, 66/F2/F3 included; otherwise mand
 * (0, 0x66, 0xF2, 0xF3) is the mandatory prefix, placed last. */
static unsigned put_prefixes(struct rng *r, uint8_t *b, int mand)
{
	static const uint8_t any[] = { 0x66, 0x66, 0x66, 0x67, 0x67, 0xF2, 0xF3,
				       0xF0, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65 };
	static const uint8_t other[] = { 0x67, 0x67, 0xF0, 0x2E, 0x36, 0x3E,
					 0x26, 0x64, 0x65 };
	unsigned n = 0, x = below(r, 100);
	unsigned count = x < 50 ? 0 : x < 80 ? 1 : x < 94 ? 2 : 3 + below(r, 2);

	for (unsigned i = 0; i < count; i++)
		b[n++] = mand < 0 ? any[below(r, COUNT(any))]
				  : other[below(r, COUNT(other))];
	if (mand > 0) {
		if (mand != 0x66 && chance(r, 20))
			b[n++] = 0x66;
		b[n++] = (uint8_t)mand;
	}
	return n;
}

static unsigned put_rex(struct rng *r, uint8_t *b, unsigned n)
{
	if (!chance(r, 35))
		return n;
	b[n++] = (uint8_t)(0x40 | below(r, 16));
	if (chance(r, 6)) {
		b[n++] = 0x3E; /* REX then a legacy prefix: the REX is ignored */
		if (chance(r, 50))
			b[n++] = (uint8_t)(0x40 | below(r, 16));
	}
	return n;
}

enum form { F_REG, F_IND, F_SIB, F_SIB_ABS, F_RIP, F_D8, F_D32, F_SIB_D8,
	    F_SIB_D32, F_COUNT };

/* ModRM (reg < 0: random), SIB and displacement in one of the forms. */
static unsigned put_modrm(struct rng *r, uint8_t *b, unsigned n, int reg)
{
	unsigned form = chance(r, 30) ? F_REG : 1 + below(r, F_COUNT - 1);
	unsigned mod = 0, rm = 0, disp = 0;
	bool sib = false;
	unsigned rg = reg < 0 ? below(r, 8) : (unsigned)reg;
	static const uint8_t ind_rm[] = { 0, 1, 2, 3, 6, 7 };
	static const uint8_t not4[] = { 0, 1, 2, 3, 5, 6, 7 };
	unsigned sib_base = below(r, 8);

	switch (form) {
	case F_REG: mod = 3; rm = below(r, 8); break;
	case F_IND: rm = ind_rm[below(r, 6)]; break;
	case F_SIB: rm = 4; sib = true; sib_base = ind_rm[below(r, 6)];
		if (chance(r, 15))
			sib_base = 4; /* RSP base */
		break;
	case F_SIB_ABS: rm = 4; sib = true; sib_base = 5; disp = 4; break;
	case F_RIP: rm = 5; disp = 4; break;
	case F_D8: mod = 1; rm = not4[below(r, 7)]; disp = 1; break;
	case F_D32: mod = 2; rm = not4[below(r, 7)]; disp = 4; break;
	case F_SIB_D8: mod = 1; rm = 4; sib = true; disp = 1; break;
	default: mod = 2; rm = 4; sib = true; disp = 4; break;
	}
	b[n++] = (uint8_t)(mod << 6 | rg << 3 | rm);
	if (sib)
		b[n++] = (uint8_t)(below(r, 4) << 6 | below(r, 8) << 3 | sib_base);
	for (unsigned i = 0; i < disp; i++)
		b[n++] = tail_byte(r);
	return n;
}

static void fill_tail(struct rng *r, uint8_t *b, unsigned n)
{
	for (; n < 15; n++)
		b[n] = tail_byte(r);
}

/* Relative branches: every byte after the opcode from the tail range, so
 * the target lies ahead, in the reservation. */
static bool rel_branch(enum enc e, unsigned op)
{
	if (e == ENC_LEGACY)
		return (op >= 0x70 && op <= 0x7F) || (op >= 0xE0 && op <= 0xE3) ||
		       op == 0xE8 || op == 0xE9 || op == 0xEB;
	return e == ENC_0F && op >= 0x80 && op <= 0x8F;
}

/* A legacy, 0F, 0F 38 or 0F 3A instruction: op, reg < 0 random, mand as
 * put_prefixes(). b has room for the 15 bytes plus overrun. */
static void build_legacy(struct rng *r, uint8_t *b, enum enc e, unsigned op,
			 int reg, int mand)
{
	unsigned n = put_prefixes(r, b, mand);
	n = put_rex(r, b, n);
	if (e != ENC_LEGACY)
		b[n++] = 0x0F;
	if (e == ENC_0F38)
		b[n++] = 0x38;
	if (e == ENC_0F3A)
		b[n++] = 0x3A;
	b[n++] = (uint8_t)op;
	if (!rel_branch(e, op))
		n = put_modrm(r, b, n, reg);
	fill_tail(r, b, n < 15 ? n : 15);
}

/* Inverted register-extension bits: mostly 1 (registers 0-15). */
static unsigned inv_bits(struct rng *r, unsigned nbits)
{
	unsigned v = 0;
	for (unsigned i = 0; i < nbits; i++)
		v |= (unsigned)!chance(r, 25) << i;
	return v;
}

static unsigned vex_vvvv(struct rng *r)
{
	return chance(r, 50) ? 0xF : below(r, 16);
}

static unsigned put_vex_prefixes(struct rng *r, uint8_t *b)
{
	static const uint8_t ok[] = { 0x67, 0x2E, 0x3E, 0x64 };
	unsigned n = 0;
	if (chance(r, 12))
		b[n++] = ok[below(r, COUNT(ok))];
	return n;
}

static void build_vex(struct rng *r, uint8_t *b, unsigned map, unsigned op,
		      int pp)
{
	unsigned n = put_vex_prefixes(r, b);
	unsigned p = pp < 0 ? below(r, 4) : (unsigned)pp;
	unsigned l = chance(r, 65) ? 0 : 1;
	if (map == 1 && chance(r, 50)) {
		b[n++] = 0xC5;
		b[n++] = (uint8_t)(inv_bits(r, 1) << 7 | vex_vvvv(r) << 3 | l << 2 | p);
	} else {
		b[n++] = 0xC4;
		b[n++] = (uint8_t)(inv_bits(r, 3) << 5 | map);
		b[n++] = (uint8_t)(below(r, 2) << 7 | vex_vvvv(r) << 3 | l << 2 | p);
	}
	b[n++] = (uint8_t)op;
	n = put_modrm(r, b, n, -1);
	fill_tail(r, b, n < 15 ? n : 15);
}

static void build_evex(struct rng *r, uint8_t *b, unsigned map, unsigned op,
		       int pp)
{
	unsigned n = put_vex_prefixes(r, b);
	unsigned p = pp < 0 ? below(r, 4) : (unsigned)pp;
	unsigned ll = chance(r, 90) ? below(r, 3) : 3;
	unsigned aaa = chance(r, 60) ? 0 : below(r, 8);
	b[n++] = 0x62;
	b[n++] = (uint8_t)(inv_bits(r, 4) << 4 | map);       /* R X B R' 0 mmm */
	b[n++] = (uint8_t)(below(r, 2) << 7 | vex_vvvv(r) << 3 | 1 << 2 | p);
	b[n++] = (uint8_t)((unsigned)chance(r, 20) << 7 | ll << 5 |
			   (unsigned)chance(r, 25) << 4 | inv_bits(r, 1) << 3 | aaa);
	b[n++] = (uint8_t)op;
	n = put_modrm(r, b, n, -1);
	fill_tail(r, b, n < 15 ? n : 15);
}

static void build_xop(struct rng *r, uint8_t *b, unsigned map, unsigned op)
{
	unsigned n = put_vex_prefixes(r, b);
	b[n++] = 0x8F;
	b[n++] = (uint8_t)(inv_bits(r, 3) << 5 | map);
	b[n++] = (uint8_t)(below(r, 2) << 7 | vex_vvvv(r) << 3 |
			   (chance(r, 65) ? 0u : 4u));
	b[n++] = (uint8_t)op;
	n = put_modrm(r, b, n, -1);
	fill_tail(r, b, n < 15 ? n : 15);
}

static void build_3dnow(struct rng *r, uint8_t *b)
{
	unsigned n = 0;
	if (chance(r, 20))
		b[n++] = (uint8_t)(0x40 | below(r, 16));
	b[n++] = 0x0F;
	b[n++] = 0x0F;
	n = put_modrm(r, b, n, -1);
	b[n++] = (uint8_t)below(r, 256); /* the opcode suffix */
	fill_tail(r, b, n < 15 ? n : 15);
}

static bool legacy_prefix_or_escape(unsigned op)
{
	switch (op) {
	case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
	case 0x0F: case 0xC4: case 0xC5: case 0x62:
		return true;
	}
	return op >= 0x40 && op <= 0x4F;
}

static bool escape_0f(unsigned op)
{
	return op == 0x0F || op == 0x38 || op == 0x3A;
}

/* Random legacy-map opcode, and reg for 8F (POP r/m only: with reg != 0
 * it is XOP on AMD, #UD on Intel). */
static int legacy_reg(unsigned op, int reg)
{
	if (op == 0x8F && !cpu.xop)
		return 0;
	return reg;
}

static void add_vendor_rows(void)
{
	for (size_t i = 0; i < COUNT(vendor_rows); i++) {
		const struct vendor_row *v = &vendor_rows[i];
		uint8_t b[15];
		unsigned n = 0;
		for (const char *h = v->hex; h[0] && h[1] && n < 15; h += 2) {
			unsigned x;
			sscanf(h, "%2x", &x);
			b[n++] = (uint8_t)x;
		}
		for (unsigned j = 1; n < 15; j++)
			b[n++] = (uint8_t)j;
		struct shape s;
		parse_shape(b, &s);
		if (!addressing_safe(&s)) {
			printf("note: vendor row %s not run: its addressing form is not allowed here\n",
			       v->hex);
			continue;
		}

		struct mmiodec_insn insn;
		int status = mmiodec_decode_vendor(&insn, b, 15, MMIODEC_MODE_64,
						   cpu.id.vendor);
		stats[C_VENDOR].attempts++;
		stats[C_VENDOR].valid++;
		unsigned doc = cpu.id.vendor == MMIODEC_VENDOR_AMD ? v->amd : v->intel;
		struct tcase *c = new_case();
		memcpy(c->bytes, b, 15);
		c->cat = C_VENDOR;
		c->row = (int16_t)i;
		c->status = (uint8_t)status;
		bool noexec = v->no_exec_intel && cpu.id.vendor == MMIODEC_VENDOR_INTEL;
		if (noexec) {
			/* Never executed here, whatever the decoder says. */
			c->kind = K_FETCH_ONLY;
			c->len = (uint8_t)(status_has_length(status) ? insn.length : doc);
		} else if (status_has_length(status)) {
			c->kind = K_LENGTH;
			c->len = insn.length;
		} else {
			c->kind = K_UD;
		}
	}
}

/* Controls: instructions given a wrong length on purpose. The harness
 * must call each a mismatch and find the real length, or it is broken. */
static const struct control {
	const char *hex;
	uint8_t claimed, truth;
} controls[] = {
	{ "48b80102030405060708", 9, 10 },   /* mov rax, imm64 */
	{ "48b80102030405060708", 11, 10 },
	{ "c7800102030405060708", 6, 10 },   /* mov dword [rax+d32], imm32 */
	{ "0f0b", 1, 2 },                    /* ud2 */
	{ "90", 2, 1 },                      /* nop */
};

static void add_controls(void)
{
	for (size_t i = 0; i < COUNT(controls); i++) {
		struct tcase *c = new_case();
		unsigned n = 0;
		for (const char *h = controls[i].hex; h[0] && h[1]; h += 2) {
			unsigned x;
			sscanf(h, "%2x", &x);
			c->bytes[n++] = (uint8_t)x;
		}
		for (unsigned j = 1; n < 15; j++)
			c->bytes[n++] = (uint8_t)j;
		c->cat = C_CONTROL;
		c->kind = K_LENGTH;
		c->len = controls[i].claimed;
		c->truth = controls[i].truth;
		c->status = MMIODEC_NO_MEMORY;
		stats[C_CONTROL].attempts++;
		stats[C_CONTROL].valid++;
	}
}

static void generate(uint64_t seed, unsigned count)
{
	struct rng r = { seed };
	uint8_t b[32];
	unsigned tries;

	add_controls();
	add_vendor_rows();

	/* One-byte and 0F opcodes the decoder calls invalid: #UD expected. */
	for (unsigned op = 0; op < 256; op++) {
		if (legacy_prefix_or_escape(op) && op != 0xC4 && op != 0xC5 &&
		    op != 0x62)
			continue;
		b[0] = (uint8_t)op;
		b[1] = 0xC0;
		fill_tail(&r, b, 2);
		offer(C_INVALID, b, true);
	}
	for (unsigned op = 0; op < 256; op++) {
		if (escape_0f(op))
			continue;
		for (unsigned reg = 0; reg < 8; reg++) {
			b[0] = 0x0F;
			b[1] = (uint8_t)op;
			b[2] = (uint8_t)(0xC0 | reg << 3);
			fill_tail(&r, b, 3);
			offer(C_INVALID, b, true);
		}
	}

	/* The legacy and 0F maps: every opcode x ModRM.reg. */
	for (unsigned op = 0; op < 256; op++) {
		for (int reg = 0; reg < 8; reg++) {
			if (!legacy_prefix_or_escape(op)) {
				for (tries = 0; tries < 4; tries++) {
					build_legacy(&r, b, ENC_LEGACY, op,
						     legacy_reg(op, reg), -1);
					if (offer(C_LEGACY, b, false) == ACCEPTED)
						break;
				}
			}
			if (!escape_0f(op)) {
				for (tries = 0; tries < 4; tries++) {
					build_legacy(&r, b, ENC_0F, op, reg, -1);
					if (offer(C_0F, b, false) == ACCEPTED)
						break;
				}
			}
		}
	}
	/* 0F 38 and 0F 3A: every opcode x mandatory prefix. */
	static const int mands[] = { 0, 0x66, 0xF3, 0xF2 };
	for (unsigned op = 0; op < 256; op++) {
		for (unsigned m = 0; m < 4; m++) {
			for (tries = 0; tries < 3; tries++) {
				build_legacy(&r, b, ENC_0F38, op, -1, mands[m]);
				if (offer(C_0F38, b, false) == ACCEPTED)
					break;
			}
			for (tries = 0; tries < 3; tries++) {
				build_legacy(&r, b, ENC_0F3A, op, -1, mands[m]);
				if (offer(C_0F3A, b, false) == ACCEPTED)
					break;
			}
		}
	}
	/* VEX: maps 1-3 x opcode x pp; EVEX: maps 1, 2, 3, 5, 6. */
	static const unsigned evex_maps[] = { 1, 2, 3, 5, 6 };
	for (unsigned op = 0; op < 256; op++) {
		for (unsigned pp = 0; pp < 4; pp++) {
			for (unsigned map = 1; cpu.avx && map <= 3; map++) {
				for (tries = 0; tries < 3; tries++) {
					build_vex(&r, b, map, op, (int)pp);
					if (offer(C_VEX, b, false) == ACCEPTED)
						break;
				}
			}
			for (unsigned i = 0; cpu.avx512f && i < COUNT(evex_maps); i++) {
				for (tries = 0; tries < 3; tries++) {
					build_evex(&r, b, evex_maps[i], op, (int)pp);
					if (offer(C_EVEX, b, false) == ACCEPTED)
						break;
				}
			}
			for (unsigned map = 8; cpu.xop && pp == 0 && map <= 10; map++) {
				for (tries = 0; tries < 3; tries++) {
					build_xop(&r, b, map, op);
					if (offer(C_XOP, b, false) == ACCEPTED)
						break;
				}
			}
		}
	}

	/* Then `count` random instructions per map. */
	for (unsigned c = C_LEGACY; c < C_COUNT; c++) {
		if ((c == C_VEX && !cpu.avx) || (c == C_EVEX && !cpu.avx512f) ||
		    (c == C_XOP && !cpu.xop) || (c == C_3DNOW && !cpu.amd3dnow))
			continue;
		unsigned got = 0;
		for (unsigned long a = 0; got < count && a < 60UL * count + 100; a++) {
			unsigned op = below(&r, 256);
			static const unsigned vex_maps[] = { 1, 1, 1, 2, 2, 2, 3, 3, 5, 6, 7 };
			switch (c) {
			case C_LEGACY:
				if (legacy_prefix_or_escape(op))
					continue;
				build_legacy(&r, b, ENC_LEGACY, op, legacy_reg(op, -1), -1);
				break;
			case C_0F:
				if (escape_0f(op))
					continue;
				build_legacy(&r, b, ENC_0F, op, -1, -1);
				break;
			case C_0F38:
				build_legacy(&r, b, ENC_0F38, op, -1, -1);
				break;
			case C_0F3A:
				build_legacy(&r, b, ENC_0F3A, op, -1, -1);
				break;
			case C_3DNOW:
				build_3dnow(&r, b);
				break;
			case C_VEX:
				build_vex(&r, b, vex_maps[below(&r, COUNT(vex_maps))], op, -1);
				break;
			case C_EVEX:
				build_evex(&r, b, evex_maps[below(&r, COUNT(evex_maps))], op, -1);
				break;
			case C_XOP:
				build_xop(&r, b, 8 + below(&r, 3), op);
				break;
			default:
				continue;
			}
			if (offer((enum cat)c, b, false) == ACCEPTED)
				got++;
		}
	}
}

/* ---- running (in the child) ---------------------------------------------- */

static struct silicon_ctx ctx;
static volatile sig_atomic_t in_run;
static volatile uint64_t run_serial, alarm_serial;
static volatile struct outcome last;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *gr = uc->uc_mcontext.gregs;

	/* The instruction may have set AC (POPF): clear it before anything
	 * here makes an unaligned access. The kernel clears DF and TF. */
	__asm__ volatile("pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq"
			 ::: "cc", "memory");
	if (!in_run) {
		if (sig == SIGALRM)
			return;
		/* A fault in this program itself: die of it. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (sig == SIGALRM && alarm_serial != run_serial) {
		/* First tick in this run: let it go on. */
		alarm_serial = run_serial;
		return;
	}
	last.sig = sig;
	last.code = si->si_code;
	last.addr = (uint64_t)(uintptr_t)si->si_addr;
	last.rip = (uint64_t)gr[REG_RIP];
	last.trapno = (uint64_t)gr[REG_TRAPNO];
	last.err = (uint64_t)gr[REG_ERR];
	in_run = 0;
	gr[REG_RIP] = (greg_t)(uintptr_t)silicon_resume;
	gr[REG_EFL] = 0x202;
}

static bool child_setup(void)
{
	static uint8_t altstack[256 * 1024] __attribute__((aligned(64)));
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	if (sigaltstack(&ss, NULL) != 0)
		return false;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = { SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS,
				    SIGALRM };
	for (size_t i = 0; i < COUNT(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) != 0)
			return false;

	memcpy(ctx.gpr, lay.gpr, sizeof(ctx.gpr));
	ctx.rflags = 0x202;
	ctx.mxcsr = 0x1F80;
	ctx.vec = (cpu.avx ? 1u : 0u) | (cpu.avx512f ? 2u : 0u);

	/* The watchdog: a run that sees two ticks (20-40 ms) is ended. */
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	return setitimer(ITIMER_REAL, &it, NULL) == 0;
}

static void run_once(const uint8_t *bytes, unsigned k, struct outcome *o)
{
	uint8_t *end = lay.code_rw + PAGE;

	memset(end - 32, 0xCC, 32);
	memcpy(end - k, bytes, k);
	for (size_t i = 0; i < 2 * PAGE / 8; i++)
		lay.stack_lo[i] = lay.gpr[0];
	ctx.target = (uint64_t)(uintptr_t)(lay.boundary - k);
	last.sig = 0;
	run_serial = run_serial + 1;
	in_run = 1;
	silicon_enter(&ctx);
	if (cpu.avx)
		__asm__ volatile("vzeroupper" ::: "memory");
	o->sig = last.sig;
	o->code = last.code;
	o->addr = last.addr;
	o->rip = last.rip;
	o->trapno = last.trapno;
	o->err = last.err;
	o->start = ctx.target;
}

static void run(const uint8_t *bytes, unsigned k, struct outcome *o)
{
	/* A timeout is retried: it may be the machine, not the instruction. */
	for (int i = 0; i < 3; i++) {
		run_once(bytes, k, o);
		if (o->sig != SIGALRM)
			return;
	}
}

static uint64_t boundary_addr(void)
{
	return (uint64_t)(uintptr_t)lay.boundary;
}

/* The CPU needed more than the bytes it was given. */
static bool fetch_fault(const struct outcome *o)
{
	return o->sig == SIGSEGV && o->trapno == 14 && (o->err & 0x10) &&
	       o->addr == boundary_addr() && o->rip == o->start;
}

static bool ud_at_start(const struct outcome *o)
{
	return o->sig == SIGILL && o->rip == o->start;
}

static void measure(const struct tcase *c, struct tresult *r)
{
	struct outcome o, prev;
	unsigned len = c->len;

	memset(r, 0, sizeof(*r));
	switch (c->kind) {
	case K_UD:
		run(c->bytes, 15, &r->at_l);
		r->at_m = r->at_l;
		if (ud_at_start(&r->at_l)) {
			r->verdict = V_INVALID_OK;
			return;
		}
		/* not #UD: how long was it to the CPU? */
		r->verdict = V_MISMATCH;
		r->measured = 16;
		for (unsigned k = 0; k <= 15; k++) {
			run(c->bytes, k, &o);
			if (!fetch_fault(&o)) {
				r->measured = (uint8_t)k;
				r->at_m = o;
				break;
			}
		}
		return;
	case K_FETCH_ONLY:
		run(c->bytes, len - 1, &r->at_l);
		r->at_m = r->at_l;
		r->measured = (uint8_t)len; /* at least */
		r->verdict = fetch_fault(&r->at_l) ? V_PARTIAL_OK : V_MISMATCH;
		return;
	default:
		break;
	}

	run(c->bytes, len, &r->at_l);
	if (fetch_fault(&r->at_l)) {
		/* The CPU wants more than L bytes. */
		r->verdict = V_MISMATCH;
		r->measured = 16;
		r->at_m = r->at_l;
		for (unsigned k = len + 1; k <= 15; k++) {
			run(c->bytes, k, &o);
			if (!fetch_fault(&o)) {
				r->measured = (uint8_t)k;
				r->at_m = o;
				break;
			}
		}
		return;
	}
	run(c->bytes, len - 1, &prev);
	if (fetch_fault(&prev)) {
		r->measured = (uint8_t)len;
		r->at_m = r->at_l;
		r->verdict = ud_at_start(&r->at_l) ? V_AGREE_UD : V_AGREE;
		return;
	}
	/* It fits in fewer than L bytes: find how few (k = 0 always faults). */
	unsigned m = len - 1;
	for (unsigned k = len - 1; k-- > 0;) {
		run(c->bytes, k, &o);
		if (fetch_fault(&o))
			break;
		prev = o;
		m = k;
	}
	r->measured = (uint8_t)m;
	r->at_m = prev;
	r->verdict = ud_at_start(&r->at_l) && ud_at_start(&prev) ? V_EARLY_UD
								 : V_MISMATCH;
}

static void child_main(struct shared *sh, size_t from)
{
	if (!child_setup()) {
		perror("child setup");
		_exit(3);
	}
	for (size_t i = from; i < ncases; i++) {
		sh->progress = (uint32_t)i;
		measure(&cases[i], &sh->res[i]);
	}
	sh->finished = 1;
	_exit(0);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Run every case in children; a child that dies is blamed on the case it
 * was running, and a new one goes on after it. */
static unsigned run_all(struct shared *sh, double budget)
{
	size_t from = 0;
	unsigned deaths = 0;
	double deadline = now() + budget;

	while (from < ncases) {
		sh->finished = 0;
		sh->progress = (uint32_t)from;
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			exit(1);
		}
		if (pid == 0)
			child_main(sh, from);
		int status = 0;
		bool killed = false;
		for (;;) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
			if (w < 0 && errno != EINTR) {
				perror("waitpid");
				exit(1);
			}
			if (!killed && now() > deadline) {
				kill(pid, SIGKILL);
				killed = true;
			}
			struct timespec ts = { 0, 2000000 };
			nanosleep(&ts, NULL);
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && sh->finished)
			break;
		size_t at = sh->progress;
		sh->res[at].verdict = V_CRASH;
		sh->res[at].status = killed ? -1 : status;
		deaths++;
		from = at + 1;
		if (killed || deaths >= 20) {
			fprintf(stderr, "%s; %zu cases not run\n",
				killed ? "time budget exhausted" : "too many child deaths",
				ncases - from);
			break;
		}
	}
	return deaths;
}

/* ---- reporting ----------------------------------------------------------- */

static void hex(char *out, const uint8_t *b, unsigned n)
{
	char *p = out;
	*p = 0;
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, i ? " %02x" : "%02x", b[i]);
}

static const char *describe(const struct outcome *o, char *buf, size_t n)
{
	uint64_t bnd = boundary_addr();
	long long off = (long long)(o->rip - o->start);

	if (o->sig == 0) {
		snprintf(buf, n, "no signal recorded");
	} else if (o->sig == SIGALRM) {
		snprintf(buf, n, "no signal for 40 ms (looping at start%+lld)", off);
	} else if (fetch_fault(o)) {
		snprintf(buf, n, "instruction-fetch fault at the boundary before it ran");
	} else if (o->sig == SIGSEGV && o->trapno == 14 && (o->err & 0x10)) {
		if (o->rip == bnd)
			snprintf(buf, n, "ran, then fetching the next instruction faulted at the boundary");
		else
			snprintf(buf, n, "fetch fault at %#" PRIx64 " (RIP start%+lld): jumped away",
				 o->addr, off);
	} else if (o->sig == SIGSEGV && o->trapno == 14) {
		snprintf(buf, n, "data page fault at %#" PRIx64 " (error %#" PRIx64 ") at start%+lld",
			 o->addr, o->err, off);
	} else if (o->sig == SIGSEGV && o->trapno == 13) {
		snprintf(buf, n, "#GP at start%+lld", off);
	} else if (o->sig == SIGSEGV) {
		snprintf(buf, n, "SIGSEGV (trap %" PRIu64 ") at start%+lld", o->trapno, off);
	} else if (o->sig == SIGILL) {
		snprintf(buf, n, "%s (SIGILL) at start%+lld",
			 o->trapno == 7 ? "#NM" : "#UD", off);
	} else {
		snprintf(buf, n, "%s (trap %" PRIu64 ") at start%+lld",
			 o->sig == SIGFPE ? "SIGFPE" : o->sig == SIGTRAP ? "SIGTRAP" :
			 o->sig == SIGBUS ? "SIGBUS" : "signal", o->trapno, off);
	}
	return buf;
}

static void describe_status(int status, char *buf, size_t n)
{
	if (status == -1)
		snprintf(buf, n, "killed after the time budget");
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(buf, n, "wait status %#x", status);
}

static void print_case(const char *tag, const struct tcase *c,
		       const struct tresult *r)
{
	char h[64], d1[160], d2[160];
	unsigned shown = c->kind == K_UD ? 15 : c->len;
	if (r->measured > shown && r->measured <= 15)
		shown = r->measured;
	hex(h, c->bytes, shown);
	printf("%-9s [%s] %s: decoder %s", tag, cat_name[c->cat], h,
	       mmiodec_status_name((enum mmiodec_status)c->status));
	if (c->kind != K_UD)
		printf(" len %u", c->len);
	if (r->verdict == V_CRASH) {
		describe_status(r->status, d1, sizeof(d1));
		printf("; the measuring child died running it: %s\n", d1);
		return;
	}
	switch (c->kind) {
	case K_UD:
		printf("; CPU with 15 bytes: %s", describe(&r->at_l, d1, sizeof(d1)));
		if (r->verdict == V_MISMATCH)
			printf("; CPU length %s%u", r->measured > 15 ? ">" : "",
			       r->measured > 15 ? 15u : r->measured);
		printf("\n");
		return;
	case K_FETCH_ONLY:
		printf("; CPU with %u bytes: %s (not executed further)\n",
		       c->len - 1, describe(&r->at_l, d1, sizeof(d1)));
		return;
	default:
		break;
	}
	if (r->measured > 15)
		printf("; CPU length >15");
	else
		printf("; CPU length %u", r->measured);
	printf("; with %u bytes: %s", c->len, describe(&r->at_l, d1, sizeof(d1)));
	if (r->measured != c->len && r->measured <= 15)
		printf("; with %u: %s", r->measured, describe(&r->at_m, d2, sizeof(d2)));
	printf("\n");
}

static const char *verdict_tag(int v)
{
	switch (v) {
	case V_AGREE: return "agree";
	case V_AGREE_UD: return "agree-ud";
	case V_EARLY_UD: return "early-ud";
	case V_PARTIAL_OK: return "agree-k-1";
	case V_INVALID_OK: return "ud-ok";
	case V_MISMATCH: return "MISMATCH";
	case V_CRASH: return "CRASH";
	default: return "not-run";
	}
}

static void print_vendor_table(const struct shared *sh)
{
	printf("\nVendor-dependent encodings (64-bit mode, %s):\n",
	       mmiodec_vendor_name(cpu.id.vendor));
	printf("  %-26s %-40s %-10s %-10s %s\n", "bytes", "", "documented",
	       "decoder", "CPU");
	for (size_t i = 0; i < ncases; i++) {
		const struct tcase *c = &cases[i];
		const struct tresult *r = &sh->res[i];
		if (c->row < 0)
			continue;
		const struct vendor_row *v = &vendor_rows[c->row];
		unsigned doc = cpu.id.vendor == MMIODEC_VENDOR_AMD ? v->amd : v->intel;
		char h[64], ds[16], dd[16], cp[48];
		unsigned shown = c->len > doc ? c->len : doc;
		if (!shown)
			shown = (unsigned)strlen(v->hex) / 2;
		hex(h, c->bytes, shown);
		if (doc)
			snprintf(ds, sizeof(ds), "%u", doc);
		else
			snprintf(ds, sizeof(ds), "#UD");
		if (status_has_length(c->status))
			snprintf(dd, sizeof(dd), "%u", c->len);
		else
			snprintf(dd, sizeof(dd), "%s", mmiodec_status_name((enum mmiodec_status)c->status));
		switch (r->verdict) {
		case V_AGREE: snprintf(cp, sizeof(cp), "%u", r->measured); break;
		case V_AGREE_UD: snprintf(cp, sizeof(cp), "%u (#UD)", r->measured); break;
		case V_PARTIAL_OK: snprintf(cp, sizeof(cp), ">%u (not run)", c->len - 1); break;
		case V_INVALID_OK: snprintf(cp, sizeof(cp), "#UD"); break;
		case V_EARLY_UD: snprintf(cp, sizeof(cp), "#UD after %u", r->measured); break;
		case V_MISMATCH: snprintf(cp, sizeof(cp), "%u  MISMATCH", r->measured); break;
		default: snprintf(cp, sizeof(cp), "%s", verdict_tag(r->verdict)); break;
		}
		bool doc_ok = doc ? (status_has_length(c->status) && c->len == doc)
				  : c->status == MMIODEC_INVALID;
		printf("  %-26s %-40s %-10s %-10s %s%s\n", h, v->what, ds, dd, cp,
		       doc_ok ? "" : "  (decoder differs from the documented length)");
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmiodec-silicon-lengths [--seed N] [--count N] [--verbose]\n"
		"       mmiodec-silicon-lengths --check HEX\n"
		"Measures instruction lengths on this CPU (instruction-fetch faults\n"
		"at a page boundary) and compares them with mmiodec's for the CPU's\n"
		"vendor. --count: random instructions per map after the walks\n"
		"(default 1000); --seed: their seed; --check: one instruction.\n");
}

static bool parse_hex(const char *s, uint8_t b[15], unsigned *n)
{
	*n = 0;
	while (*s) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		unsigned x;
		if (*n >= 15 || !s[1] || sscanf(s, "%2x", &x) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[0]) ||
		    !strchr("0123456789abcdefABCDEF", s[1]))
			return false;
		b[(*n)++] = (uint8_t)x;
		s += 2;
	}
	return *n > 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 20250611;
	unsigned count = 1000;
	bool verbose = false;
	const char *check = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--check") && i + 1 < argc) {
			check = argv[++i];
		} else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (under_valgrind()) {
		printf("SKIP: running under Valgrind, which cannot execute arbitrary instructions faithfully\n");
		return SKIP_EXIT;
	}
	unsigned long long shstk = 0;
	if (syscall(SYS_arch_prctl, 0x5005 /* ARCH_SHSTK_STATUS */, &shstk) == 0 &&
	    (shstk & 1)) {
		printf("SKIP: user shadow stacks are enabled; this harness leaves an instruction by sigreturn\n");
		return SKIP_EXIT;
	}
	read_cpu(&cpu);
	printf("CPU: %s, family %u (%#x) model %u (%#x) stepping %u%s%s%s\n",
	       cpu.id.vendor_id, cpu.id.family, cpu.id.family, cpu.id.model, cpu.id.model,
	       cpu.id.stepping, cpu.brand[0] ? ", \"" : "", cpu.brand,
	       cpu.brand[0] ? "\"" : "");
	if (cpu.hypervisor)
		printf("CPU: running under a hypervisor\n");
	if (cpu.id.vendor == MMIODEC_VENDOR_ANY) {
		printf("SKIP: vendor %s is neither Intel nor AMD; mmiodec has no reading for it\n",
		       cpu.id.vendor_id);
		return SKIP_EXIT;
	}
	printf("decoding as: %s\n", mmiodec_vendor_name(cpu.id.vendor));
	printf("features: AVX %s, AVX-512F %s, XOP %s, 3DNow! %s\n",
	       cpu.avx ? "yes" : "no", cpu.avx512f ? "yes" : "no",
	       cpu.xop ? "yes" : "no", cpu.amd3dnow ? "yes" : "no");
	if (!cpu.avx)
		printf("note: no AVX: VEX not sampled\n");
	if (!cpu.avx512f)
		printf("note: no AVX-512F: EVEX not sampled\n");
	if (!cpu.xop)
		printf("note: no XOP: XOP not sampled (8F sampled as POP r/m only)\n");
	if (!cpu.amd3dnow)
		printf("note: no 3DNow!: 0F 0F not sampled\n");

	if (!setup_layout())
		return 1;
	if (lay.note[0])
		printf("%s\n", lay.note);
	if (lay.fs_rule == 2)
		printf("note: FS base %#" PRIx64 " is not in [2^46, 2^47): FS prefix not sampled\n",
		       lay.fs_base);
	if (lay.gs_rule == 2)
		printf("note: GS base %#" PRIx64 " is not in [2^46, 2^47): GS prefix not sampled\n",
		       lay.gs_base);

	hash_slots = calloc(1u << HASH_BITS, sizeof(*hash_slots));
	if (!hash_slots)
		return 1;

	double t0 = now();
	if (check) {
		uint8_t b[15];
		unsigned n;
		if (!parse_hex(check, b, &n)) {
			fprintf(stderr, "--check: not hex bytes: %s\n", check);
			return 2;
		}
		for (unsigned j = 1; n < 15; j++)
			b[n++] = (uint8_t)j;
		struct mmiodec_insn insn;
		int st = mmiodec_decode_vendor(&insn, b, 15, MMIODEC_MODE_64, cpu.id.vendor);
		if (!status_has_length(st) && st != MMIODEC_INVALID) {
			printf("decoder: %s\n", mmiodec_status_name((enum mmiodec_status)st));
			return 1;
		}
		struct shape s;
		parse_shape(b, &s);
		const char *why = exclusion(&s);
		if (why || !addressing_safe(&s)) {
			printf("refused: %s\n", why ? why : "an address it may form is not in memory this test owns");
			return 2;
		}
		offer(C_CHECK, b, st == MMIODEC_INVALID);
		if (ncases == 0)
			return 2;
	} else {
		printf("seed %" PRIu64 ", count %u (replay: --seed %" PRIu64 " --count %u)\n",
		       seed, count, seed, count);
		generate(seed, count);
	}
	double t1 = now();

	size_t shsize = sizeof(struct shared) + ncases * sizeof(struct tresult);
	struct shared *sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	unsigned deaths = run_all(sh, 100.0);
	double t2 = now();

	/* The controls first: if not one wrong length was caught, this
	 * environment (an emulator, a sandbox) does not report instruction-
	 * fetch faults as the method needs; say so and skip rather than list
	 * every instruction as a mismatch. */
	unsigned bad = 0, controls_ok = 0, ncontrols = 0;
	for (size_t i = 0; i < ncases; i++) {
		const struct tcase *c = &cases[i];
		const struct tresult *r = &sh->res[i];
		if (c->cat != C_CONTROL)
			continue;
		ncontrols++;
		if (r->verdict == V_MISMATCH && r->measured == c->truth)
			controls_ok++;
	}
	if (ncontrols && controls_ok == 0) {
		for (size_t i = 0; i < ncases; i++)
			if (cases[i].cat == C_CONTROL)
				print_case("CONTROL", &cases[i], &sh->res[i]);
		printf("SKIP: no control was caught; instruction-fetch faults are not "
		       "reported here as the method needs (SIGSEGV, trap 14, error "
		       "bit 4, si_addr at the boundary, RIP at the start)\n");
		return SKIP_EXIT;
	}
	for (size_t i = 0; i < ncases; i++) {
		const struct tcase *c = &cases[i];
		const struct tresult *r = &sh->res[i];
		struct stats *st = &stats[c->cat];
		if (r->verdict != V_NONE)
			st->run++;
		if (c->cat == C_CONTROL) {
			if (r->verdict == V_MISMATCH && r->measured == c->truth) {
				st->agree++;
			} else {
				if (r->verdict == V_CRASH)
					st->crash++;
				else
					st->mismatch++;
				bad++;
				print_case("CONTROL", c, r);
			}
			continue;
		}
		switch (r->verdict) {
		case V_AGREE: st->agree++; break;
		case V_AGREE_UD: st->agree++; st->agree_ud++; break;
		case V_EARLY_UD: st->early_ud++; break;
		case V_PARTIAL_OK: st->partial++; break;
		case V_INVALID_OK: st->invalid_ok++; break;
		case V_MISMATCH: st->mismatch++; bad++; break;
		case V_CRASH: st->crash++; bad++; break;
		default: break;
		}
		if (check || verbose || r->verdict == V_MISMATCH ||
		    r->verdict == V_CRASH)
			print_case(verdict_tag(r->verdict), c, r);
	}
	if (check)
		return bad ? 1 : 0;

	printf("\nharness controls (wrong lengths on purpose): %u of %u caught\n",
	       controls_ok, ncontrols);
	print_vendor_table(sh);

	unsigned early = 0;
	for (size_t i = 0; i < ncases; i++)
		early += sh->res[i].verdict == V_EARLY_UD;
	if (early && !verbose) {
		printf("\n#UD raised before the decoder's last byte was needed (length not measurable; %u):\n",
		       early);
		unsigned shown = 0;
		for (size_t i = 0; i < ncases && shown < 25; i++) {
			if (sh->res[i].verdict == V_EARLY_UD) {
				print_case("early-ud", &cases[i], &sh->res[i]);
				shown++;
			}
		}
		if (shown < early)
			printf("  ... and %u more (--verbose lists all)\n", early - shown);
	}

	printf("\n%-14s %8s %7s %8s %6s %8s %7s %9s %9s %8s %6s\n", "map", "decoded",
	       "valid", "excluded", "unsafe", "measured", "agree", "(of #UD)",
	       "early-#UD", "mismatch", "died");
	struct stats tot;
	memset(&tot, 0, sizeof(tot));
	for (unsigned c = 0; c < C_COUNT; c++) {
		const struct stats *s = &stats[c];
		if (!s->attempts)
			continue;
		unsigned agree = s->agree + s->partial + s->invalid_ok;
		printf("%-14s %8u %7u %8u %6u %8u %7u %9u %9u %8u %6u\n",
		       cat_name[c], s->attempts, s->valid, s->excluded, s->unsafe,
		       s->run, agree, s->agree_ud + s->invalid_ok, s->early_ud,
		       s->mismatch, s->crash);
		tot.attempts += s->attempts;
		tot.valid += s->valid;
		tot.excluded += s->excluded;
		tot.unsafe += s->unsafe;
		tot.run += s->run;
		tot.agree += agree;
		tot.agree_ud += s->agree_ud + s->invalid_ok;
		tot.early_ud += s->early_ud;
		tot.mismatch += s->mismatch;
		tot.crash += s->crash;
	}
	printf("%-14s %8u %7u %8u %6u %8u %7u %9u %9u %8u %6u\n", "total",
	       tot.attempts, tot.valid, tot.excluded, tot.unsafe, tot.run,
	       tot.agree, tot.agree_ud, tot.early_ud, tot.mismatch, tot.crash);
	printf("(control: lengths wrong on purpose, agree = the harness caught them;\n"
	       " decoded: candidates given to the decoder; valid: with a length, or\n"
	       " INVALID for the #UD row; unsafe: refused by the addressing rules;\n"
	       " invalid (#UD) and vendor rows count #UD as agreeing where the decoder says INVALID)\n");

	printf("\nexcluded by rule:\n");
	for (unsigned i = 0; i < MAX_REASONS && reasons[i].reason; i++)
		printf("  %6u  %s\n", reasons[i].n, reasons[i].reason);

	printf("\ngeneration %.2f s, measurement %.2f s (%zu cases, %u child death%s)\n",
	       t1 - t0, t2 - t1, ncases, deaths, deaths == 1 ? "" : "s");
	if (bad) {
		printf("FAIL: %u mismatch%s or death%s\n", bad, bad == 1 ? "" : "es",
		       bad == 1 ? "" : "s");
		return 1;
	}
	printf("PASS\n");
	return 0;
}
