/* SPDX-License-Identifier: MIT */
/*
 * trap-api: the mmiotrap_map()/mmiotrap_unmap() contract, the vendor
 * setting (mmiotrap_vendor(), mmiotrap_set_vendor()), and the runtime
 * under several threads at once: each thread drives its own region and a
 * shared one while another thread keeps mapping and unmapping regions.
 * And what the CPU cannot show here (it raises #UD or #GP before any page
 * fault): the runtime's handler called directly with a made-up fault for
 * ENQCMD (the enqueue callback's answer in ZF; without the callback, a
 * write), ENQCMDS and a misaligned MOVDIR64B or MOVAPS (#GP: SIGSEGV with
 * SI_KERNEL queued, registers unchanged, no callback).
 */
#define _GNU_SOURCE
#include "mmiotrap.h"
#include "../cpu_identity.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <ucontext.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PAGE 4096
#define THREADS 4
#define ITERATIONS 4000
#define CHURN_ROUNDS 1000

static int failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,        \
				__LINE__, #cond);                            \
			failures++;                                          \
		}                                                            \
	} while (0)

/* A device of 64-bit cells; a read of cell 0 counts the reads. */
struct cells {
	_Atomic uint64_t cell[PAGE / 8];
	_Atomic uint64_t wrong_size;
	void *self; /* the region, for the unmap-from-callback check */
	_Atomic int unmap_result, unmap_errno;
};

static void cells_read(void *ctx, uint64_t offset, void *data, unsigned size)
{
	struct cells *c = ctx;
	uint64_t v;

	if (size != 8 && size != 1) {
		atomic_fetch_add(&c->wrong_size, 1);
		memset(data, 0, size);
		return;
	}
	if (size == 1) {
		/* bytes come from the cells as they lie in memory */
		uint64_t word = atomic_load(&c->cell[offset / 8]);
		*(uint8_t *)data = (uint8_t)(word >> (8 * (offset % 8)));
		return;
	}
	v = offset == 0 ? atomic_fetch_add(&c->cell[0], 1) + 1 :
			  atomic_load(&c->cell[offset / 8]);
	memcpy(data, &v, 8);
}

static void cells_write(void *ctx, uint64_t offset, const void *data,
			unsigned size)
{
	struct cells *c = ctx;
	uint64_t v;

	if (size != 8) {
		atomic_fetch_add(&c->wrong_size, 1);
		return;
	}
	memcpy(&v, data, 8);
	if (v == 0xdeadull && c->self) {
		/* from inside its own callback: must not wait for itself */
		atomic_store(&c->unmap_result, mmiotrap_unmap(c->self));
		atomic_store(&c->unmap_errno, errno);
		return;
	}
	atomic_store(&c->cell[offset / 8], v);
}

static const struct mmiotrap_ops cells_ops = {
	.read = cells_read,
	.write = cells_write,
};
static const struct mmiotrap_ops no_write = {
	.read = cells_read,
	.write = NULL,
};

static struct cells shared_cells;
static volatile uint64_t *shared;

struct worker {
	struct cells cells;
	int errors;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	volatile uint64_t *mine = mmiotrap_map(PAGE, &cells_ops, &w->cells);
	uint64_t seed = (uint64_t)(uintptr_t)arg;

	if (!mine) {
		w->errors++;
		return NULL;
	}
	for (unsigned i = 0; i < ITERATIONS; i++) {
		unsigned slot = 1 + (unsigned)(seed % (PAGE / 8 - 1));
		uint64_t value = seed * 0x9e3779b97f4a7c15ULL;
		uint8_t copy[16];
		void *dst = copy;
		const volatile void *src = &mine[slot & ~1u];
		size_t n = sizeof(copy);

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		mine[slot] = value;
		if (mine[slot] != value)
			w->errors++;
		(void)shared[0];
		/* rep movsb from the region: 16 one-byte reads */
		__asm__ volatile("rep movsb"
				 : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
		uint64_t first, second;
		memcpy(&first, copy, 8);
		memcpy(&second, copy + 8, 8);
		if (first != atomic_load(&w->cells.cell[slot & ~1u]) ||
		    second != atomic_load(&w->cells.cell[(slot & ~1u) + 1]))
			w->errors++;
	}
	CHECK(mmiotrap_unmap((void *)mine) == 0);
	return NULL;
}

static _Atomic bool stop_churn;

static void *churn(void *arg)
{
	unsigned *rounds = arg;

	while (!atomic_load(&stop_churn) || *rounds < CHURN_ROUNDS) {
		struct cells *c = &shared_cells;
		volatile uint64_t *r = mmiotrap_map(PAGE, &cells_ops, c);
		if (!r)
			continue; /* all slots busy for a moment */
		r[5] = 5;
		CHECK(mmiotrap_unmap((void *)r) == 0);
		(*rounds)++;
	}
	return NULL;
}

static void test_contract(void)
{
	static struct cells c;
	void *regions[MMIOTRAP_MAX_REGIONS + 1];
	size_t mapped = 0;

	errno = 0;
	CHECK(mmiotrap_map(0, &cells_ops, &c) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(mmiotrap_map(PAGE, NULL, &c) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(mmiotrap_map(PAGE, &no_write, &c) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(mmiotrap_unmap(&c) == -1 && errno == EINVAL);

	/* the table is full after MMIOTRAP_MAX_REGIONS, and usable again
	 * after an unmap */
	while (mapped <= MMIOTRAP_MAX_REGIONS) {
		regions[mapped] = mmiotrap_map(1, &cells_ops, &c);
		if (!regions[mapped])
			break;
		mapped++;
	}
	CHECK(mapped == MMIOTRAP_MAX_REGIONS && errno == ENOMEM);
	CHECK(mmiotrap_unmap(regions[0]) == 0);
	CHECK(mmiotrap_unmap(regions[0]) == -1 && errno == EINVAL);
	regions[0] = mmiotrap_map(1, &cells_ops, &c);
	CHECK(regions[0] != NULL);
	for (size_t i = 0; i < mapped; i++)
		CHECK(mmiotrap_unmap(regions[i]) == 0);

	/* outside a callback there is no current access */
	CHECK(mmiotrap_current_access() == NULL);

	/* a callback unmapping its own region gets EBUSY */
	volatile uint64_t *r = mmiotrap_map(PAGE, &cells_ops, &c);
	CHECK(r != NULL);
	if (r) {
		c.self = (void *)r;
		r[1] = 0xdead;
		CHECK(atomic_load(&c.unmap_result) == -1 &&
		      atomic_load(&c.unmap_errno) == EBUSY);
		c.self = NULL;
		r[1] = 7;
		CHECK(r[1] == 7);
		CHECK(mmiotrap_unmap((void *)r) == 0);
	}
}

/* ---- the vendor setting ---- */

/* The vendor CPUID leaf 0 names, read here independently of the runtime. */
static enum mmiodec_vendor cpuid_vendor(char name[13])
{
	struct cpu_identity id;

	cpu_identity_read(&id);
	memcpy(name, id.vendor_id, sizeof(id.vendor_id));
	return id.vendor;
}

/* A device that remembers the size of the last access and reads back
 * bytes 0x80 + offset, 0x81 + offset, ... */
struct probe {
	_Atomic unsigned size;
	_Atomic unsigned calls;
};

static void probe_read(void *ctx, uint64_t offset, void *data, unsigned size)
{
	struct probe *p = ctx;

	atomic_store(&p->size, size);
	atomic_fetch_add(&p->calls, 1);
	for (unsigned i = 0; i < size; i++)
		((uint8_t *)data)[i] = (uint8_t)(0x80 + offset + i);
}

static void probe_write(void *ctx, uint64_t offset, const void *data,
			unsigned size)
{
	struct probe *p = ctx;

	(void)offset;
	(void)data;
	atomic_store(&p->size, size);
	atomic_fetch_add(&p->calls, 1);
}

static const struct mmiotrap_ops probe_ops = {
	.read = probe_read,
	.write = probe_write,
};

/*
 * Under each vendor setting: a plain MOV is emulated, and MOVSXD with a
 * 16-bit operand size (66 63 08: movsxd cx, word [rax]), which Intel reads
 * as a word and AMD as a dword, reads from the device what mmiodec says
 * for that vendor, and in both readings leaves the first two bytes in CX
 * and bits 63:16 of RCX as they were. With ANY it is only run if mmiodec
 * decodes it (else the runtime refuses it; trap-refuses checks that).
 * The device stands in for the CPU here, so decoding for the vendor this
 * CPU is not contradicts nothing.
 */
static void test_vendor_setting(enum mmiodec_vendor vendor,
				volatile uint8_t *region, struct probe *probe)
{
	static const uint8_t movsxd16[] = { 0x66, 0x63, 0x08 };
	struct mmiodec_insn insn;
	uint32_t plain;
	uint64_t rcx = 0x1111222233334444ULL;

	mmiotrap_set_vendor(vendor);
	CHECK(mmiotrap_vendor() == vendor);

	atomic_store(&probe->calls, 0);
	plain = *(volatile uint32_t *)(region + 8);
	CHECK(plain == 0x8b8a8988u);
	CHECK(atomic_load(&probe->calls) == 1 && atomic_load(&probe->size) == 4);

	if (mmiodec_decode_vendor(&insn, movsxd16, sizeof(movsxd16),
				  MMIODEC_MODE_64, vendor) != MMIODEC_OK) {
		CHECK(vendor == MMIODEC_VENDOR_ANY &&
		      insn.status == MMIODEC_VENDOR_DEPENDENT);
		printf("trap-api: vendor %s: 66 63 is %s\n",
		       mmiodec_vendor_name(vendor),
		       mmiodec_status_name(insn.status));
		return;
	}
	CHECK(insn.dest_width == 2 && insn.length == 3);
	if (vendor == MMIODEC_VENDOR_INTEL)
		CHECK(insn.width == 2);
	atomic_store(&probe->calls, 0);
	__asm__ volatile(".byte 0x66, 0x63, 0x08"
			 : "+c"(rcx)
			 : "a"(region + 16)
			 : "memory");
	CHECK(atomic_load(&probe->calls) == 1);
	CHECK(atomic_load(&probe->size) == insn.width);
	CHECK(rcx == 0x1111222233339190ULL);
	printf("trap-api: vendor %s: 66 63 reads %u bytes\n",
	       mmiodec_vendor_name(vendor), atomic_load(&probe->size));
}

static void test_vendor(void)
{
	static const enum mmiodec_vendor all[] = {
		MMIODEC_VENDOR_ANY, MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD,
	};
	static struct probe probe;
	char name[13];
	enum mmiodec_vendor own = cpuid_vendor(name);
	enum mmiodec_vendor before = mmiotrap_vendor();

	printf("trap-api: CPUID vendor \"%s\", mmiotrap_vendor() %s\n", name,
	       mmiodec_vendor_name(before));
	CHECK(before == own);

	/* values that are not vendors change nothing */
	mmiotrap_set_vendor(MMIODEC_VENDOR_AMD);
	mmiotrap_set_vendor((enum mmiodec_vendor)3);
	CHECK(mmiotrap_vendor() == MMIODEC_VENDOR_AMD);
	mmiotrap_set_vendor(MMIODEC_VENDOR_INTEL);
	mmiotrap_set_vendor((enum mmiodec_vendor)0xffffffffu);
	CHECK(mmiotrap_vendor() == MMIODEC_VENDOR_INTEL);

	volatile uint8_t *region = mmiotrap_map(PAGE, &probe_ops, &probe);
	CHECK(region != NULL);
	if (region) {
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			test_vendor_setting(all[i], region, &probe);
		CHECK(mmiotrap_unmap((void *)region) == 0);
	}

	mmiotrap_set_vendor(before);
	CHECK(mmiotrap_vendor() == own);
}

static void test_threads(void)
{
	static struct worker workers[THREADS];
	pthread_t threads[THREADS], churner;
	unsigned churn_rounds = 0;

	shared = mmiotrap_map(PAGE, &cells_ops, &shared_cells);
	CHECK(shared != NULL);
	if (!shared)
		return;
	CHECK(pthread_create(&churner, NULL, churn, &churn_rounds) == 0);
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	atomic_store(&stop_churn, true);
	pthread_join(churner, NULL);

	for (int i = 0; i < THREADS; i++) {
		CHECK(workers[i].errors == 0);
		CHECK(atomic_load(&workers[i].cells.wrong_size) == 0);
	}
	/* every thread's reads of cell 0 were counted once */
	CHECK(atomic_load(&shared_cells.cell[0]) == THREADS * ITERATIONS);
	CHECK(atomic_load(&shared_cells.cell[5]) == 5);
	CHECK(churn_rounds >= CHURN_ROUNDS);
	CHECK(mmiotrap_unmap((void *)shared) == 0);
	printf("trap-api: %d threads x %d iterations, %u map/unmap rounds "
	       "alongside\n", THREADS, ITERATIONS, churn_rounds);
}

/* ---- made-up faults: the paths the CPU does not reach ---- */

struct portal {
	uint8_t command[64];
	uint64_t offset;
	unsigned enqueued, written, read, retry;
};

static void portal_read(void *ctx, uint64_t offset, void *data,
			unsigned size)
{
	struct portal *p = ctx;

	(void)offset;
	p->read++;
	memset(data, 0, size);
}

static void portal_write(void *ctx, uint64_t offset, const void *data,
			 unsigned size)
{
	struct portal *p = ctx;

	p->written++;
	p->offset = offset;
	if (size == sizeof(p->command))
		memcpy(p->command, data, size);
}

static int portal_enqueue(void *ctx, uint64_t offset, const void *command)
{
	struct portal *p = ctx;

	p->enqueued++;
	p->offset = offset;
	memcpy(p->command, command, sizeof(p->command));
	return (int)p->retry;
}

static const struct mmiotrap_ops portal_ops = {
	.read = portal_read,
	.write = portal_write,
	.enqueue = portal_enqueue,
};
static const struct mmiotrap_ops portal_write_only_ops = {
	.read = portal_read,
	.write = portal_write,
};

/* Call the runtime's SIGSEGV handler as the kernel would for a page fault
 * at `address` (a write if `write`) by the instruction `bytes`, with RAX
 * and RDX as given; the registers it leaves go to *uc. */
static void made_up_fault(ucontext_t *uc, const uint8_t *bytes,
			  uint64_t address, bool write, uint64_t rax,
			  uint64_t rdx)
{
	struct sigaction handler;
	siginfo_t info;

	getcontext(uc);
	sigemptyset(&uc->uc_sigmask);
	uc->uc_mcontext.gregs[REG_CSGSFS] = 0x33; /* 64-bit user code */
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)bytes;
	uc->uc_mcontext.gregs[REG_ERR] = write ? 0x2 | 0x4 : 0x4;
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)rax;
	uc->uc_mcontext.gregs[REG_RDX] = (greg_t)rdx;
	uc->uc_mcontext.gregs[REG_EFL] = 0x202 | 0x40 | 0x1; /* ZF, CF */
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGSEGV;
	info.si_code = SEGV_ACCERR;
	info.si_addr = (void *)(uintptr_t)address;
	sigaction(SIGSEGV, NULL, &handler);
	handler.sa_sigaction(SIGSEGV, &info, uc);
}

/* The #GP the runtime queued: SIGSEGV, SI_KERNEL, si_addr 0 (SIGSEGV is
 * blocked while the made-up faults run, so it waits here). */
static bool general_protection_queued(void)
{
	sigset_t segv;
	siginfo_t info;
	struct timespec none = { 0, 0 };

	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	return sigtimedwait(&segv, &info, &none) == SIGSEGV &&
	       info.si_code == SI_KERNEL && info.si_addr == NULL;
}

static void test_made_up_faults(void)
{
	static const uint8_t enqcmd[] = { 0xf2, 0x0f, 0x38, 0xf8, 0x02 };
	static const uint8_t enqcmds[] = { 0xf3, 0x0f, 0x38, 0xf8, 0x02 };
	static const uint8_t movdir64b[] = { 0x66, 0x0f, 0x38, 0xf8, 0x02 };
	static const uint8_t movaps[] = { 0x0f, 0x28, 0x00 }; /* xmm0, [rax] */
	static struct portal with, without;
	uint8_t source[64] __attribute__((aligned(64)));
	sigset_t segv, old;
	ucontext_t uc;

	for (unsigned i = 0; i < sizeof(source); i++)
		source[i] = (uint8_t)(0xf0 - i);
	uint8_t *region = mmiotrap_map(PAGE, &portal_ops, &with);
	uint8_t *plain = mmiotrap_map(PAGE, &portal_write_only_ops, &without);
	CHECK(region && plain);
	if (!region || !plain)
		return;
	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	pthread_sigmask(SIG_BLOCK, &segv, &old);

	/* ENQCMD accepted: ZF clear, RIP past it, bits 31:20 of the first
	 * doubleword cleared, the rest as the source */
	made_up_fault(&uc, enqcmd, (uint64_t)(uintptr_t)(region + 128), true,
		      (uint64_t)(uintptr_t)(region + 128),
		      (uint64_t)(uintptr_t)source);
	CHECK(with.enqueued == 1 && with.written == 0 && with.offset == 128);
	CHECK(with.command[0] == source[0] && with.command[1] == source[1] &&
	      with.command[2] == (source[2] & 0x0f) && with.command[3] == 0 &&
	      memcmp(with.command + 4, source + 4, 60) == 0);
	CHECK(uc.uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)(enqcmd + 5));
	CHECK(!(uc.uc_mcontext.gregs[REG_EFL] & 0x41)); /* ZF, CF clear */

	/* ENQCMD refused by the device: ZF set */
	with.retry = 1;
	made_up_fault(&uc, enqcmd, (uint64_t)(uintptr_t)(region + 64), true,
		      (uint64_t)(uintptr_t)(region + 64),
		      (uint64_t)(uintptr_t)source);
	CHECK(with.enqueued == 2 && (uc.uc_mcontext.gregs[REG_EFL] & 0x40));

	/* a region without an enqueue callback: a 64-byte write, accepted */
	made_up_fault(&uc, enqcmd, (uint64_t)(uintptr_t)plain, true,
		      (uint64_t)(uintptr_t)plain, (uint64_t)(uintptr_t)source);
	CHECK(without.written == 1 && without.offset == 0 &&
	      !(uc.uc_mcontext.gregs[REG_EFL] & 0x40));

	/* #GP: ENQCMDS is privileged; MOVDIR64B's destination and MOVAPS's
	 * operand misaligned. Nothing is accessed, RIP stays. */
	const struct {
		const uint8_t *bytes;
		uint64_t address;
		bool write;
	} gp[] = {
		{ enqcmds, (uint64_t)(uintptr_t)(region + 192), true },
		{ movdir64b, (uint64_t)(uintptr_t)(region + 200), true },
		{ movaps, (uint64_t)(uintptr_t)(region + 8), false },
	};
	for (size_t i = 0; i < sizeof(gp) / sizeof(gp[0]); i++) {
		unsigned before = with.enqueued + with.written + with.read;
		made_up_fault(&uc, gp[i].bytes, gp[i].address, gp[i].write,
			      gp[i].address, (uint64_t)(uintptr_t)source);
		CHECK(uc.uc_mcontext.gregs[REG_RIP] ==
		      (greg_t)(uintptr_t)gp[i].bytes);
		CHECK(with.enqueued + with.written + with.read == before);
		CHECK(general_protection_queued());
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	CHECK(mmiotrap_unmap(region) == 0 && mmiotrap_unmap(plain) == 0);
	printf("trap-api: made-up faults: ENQCMD accepted, retried, without "
	       "an enqueue callback; #GP for ENQCMDS, a misaligned MOVDIR64B "
	       "and MOVAPS\n");
}

int main(void)
{
	test_contract();
	test_vendor();
	test_threads();
	test_made_up_faults();
	printf("trap-api: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
