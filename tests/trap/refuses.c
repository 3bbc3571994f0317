/* SPDX-License-Identifier: MIT */
/*
 * trap-refuses: what the runtime must not emulate ends the process with
 * SIGSEGV, after a clear message when the fault was in a region, and
 * faults that are not ours go where they would have gone without it.
 *
 * Each scenario runs in a child (this program again, `--child NAME`, or
 * mmiotrap-demo --refuse given as the first argument); the parent checks
 * how the child ended and what it wrote to stderr.
 */
#define _GNU_SOURCE
#include "mmiotrap.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE 4096

/* volatile: the compiler must not see that it is bad */
static volatile uintptr_t unmapped_address = 16;

static void ignore_read(void *ctx, uint64_t offset, void *data, unsigned size)
{
	(void)ctx;
	(void)offset;
	memset(data, 0x5a, size);
}

static void ignore_write(void *ctx, uint64_t offset, const void *data,
			 unsigned size)
{
	(void)ctx;
	(void)offset;
	(void)data;
	(void)size;
}

static const struct mmiotrap_ops ops = {
	.read = ignore_read,
	.write = ignore_write,
};

static uint8_t *map_or_die(size_t size)
{
	uint8_t *region = mmiotrap_map(size, &ops, NULL);

	if (!region) {
		perror("mmiotrap_map");
		exit(100);
	}
	return region;
}

/* The child says where it got to, so that the parent knows the fault came
 * from the intended instruction and not from the set-up. */
static void reached(void)
{
	fputs("reached the access\n", stderr);
	fflush(stderr);
}

/* A good access first proves the runtime works in this child. */
static void emulated_access(uint8_t *region)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(region) : "memory");
	if (v != 0x5a5a5a5a)
		exit(101);
}

static void chained_handler(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	(void)context;
	static const char msg[] = "previous handler called\n";
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(43);
	_exit(42);
}

/* The instruction of the divide-error-handler scenario. */
extern const char divide_insn[];

/* A SIGFPE handler sees what it would see for a #DE of the CPU: si_code
 * FPE_INTDIV, si_addr and RIP the instruction. */
static void divide_handler(int sig, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	bool ok = sig == SIGFPE && info->si_code == FPE_INTDIV &&
		  info->si_addr == (void *)divide_insn &&
		  uc->uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)divide_insn;
	static const char good[] = "SIGFPE: FPE_INTDIV at the instruction\n";
	static const char bad[] = "SIGFPE: not as for a #DE\n";

	if (write(STDERR_FILENO, ok ? good : bad,
		  ok ? sizeof(good) - 1 : sizeof(bad) - 1) < 0)
		_exit(44);
	_exit(ok ? 42 : 43);
}

static int child(const char *name)
{
	uint8_t *region;

	if (!strcmp(name, "unsupported")) {
		region = map_or_die(PAGE);
		emulated_access(region);
		reached();
		/* addps xmm0, [rax]: 0f 58 00, arithmetic on a vector (the
		 * vector moves are emulated) */
		__asm__ volatile("addps (%0), %%xmm0" : : "a"(region)
				 : "xmm0", "memory");
	} else if (!strcmp(name, "divide-error")) {
		/* the default action, also where a sanitizer's runtime has
		 * put a handler of its own on SIGFPE */
		signal(SIGFPE, SIG_DFL);
		region = map_or_die(PAGE); /* reads 0x5a5a5a5a */
		emulated_access(region);
		reached();
		/* div dword [rcx] with edx >= the divisor: #DE, SIGFPE */
		__asm__ volatile("divl (%0)" : : "c"(region), "a"(0), "d"(~0u)
				 : "memory", "cc");
	} else if (!strcmp(name, "divide-error-handler")) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = divide_handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGFPE, &sa, NULL);
		region = map_or_die(PAGE);
		emulated_access(region);
		reached();
		__asm__ volatile("divide_insn: divl (%0)"
				 : : "c"(region), "a"(0), "d"(~0u)
				 : "memory", "cc");
	} else if (!strcmp(name, "divide-error-ignored")) {
		signal(SIGFPE, SIG_IGN);
		region = map_or_die(PAGE);
		emulated_access(region);
		reached();
		/* ignored or not, a #DE ends the process, as the kernel does */
		__asm__ volatile("divl (%0)" : : "c"(region), "a"(0), "d"(~0u)
				 : "memory", "cc");
	} else if (!strcmp(name, "straddle-end")) {
		region = map_or_die(100);
		emulated_access(region);
		reached();
		/* a 4-byte load at offset 98 of a 100-byte region */
		__asm__ volatile("movl (%0), %%ecx"
				 : : "a"(region + 98) : "ecx", "memory");
	} else if (!strcmp(name, "beyond-size")) {
		region = map_or_die(100);
		emulated_access(region);
		reached();
		/* the same page, but past the size that was asked for */
		__asm__ volatile("movb %%cl, (%0)" : : "a"(region + 200) : "memory");
	} else if (!strcmp(name, "straddle-start")) {
		region = map_or_die(PAGE);
		emulated_access(region);
		void *below = mmap(region - PAGE, PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS |
					   MAP_FIXED_NOREPLACE, -1, 0);
		if (below != region - PAGE)
			return 77;
		reached();
		/* a 4-byte load: 2 bytes of ordinary memory, then 2 of region */
		__asm__ volatile("movl (%0), %%ecx"
				 : : "a"(region - 2) : "ecx", "memory");
	} else if (!strcmp(name, "string-unwritable")) {
		region = map_or_die(PAGE);
		emulated_access(region);
		void *readonly = mmap(NULL, PAGE, PROT_READ,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *src = region;
		size_t n = 16;
		reached();
		/* rep movsb from the region to memory that cannot be written */
		__asm__ volatile("rep movsb"
				 : "+D"(readonly), "+S"(src), "+c"(n) : : "memory");
	} else if (!strcmp(name, "vendor-any")) {
		static const uint8_t movsxd16[] = { 0x66, 0x63, 0x08 };
		struct mmiodec_insn insn;
		region = map_or_die(PAGE);
		mmiotrap_set_vendor(MMIODEC_VENDOR_ANY);
		/* what both vendors read alike is still emulated */
		emulated_access(region);
		if (mmiodec_decode(&insn, movsxd16, sizeof(movsxd16),
				   MMIODEC_MODE_64) != MMIODEC_VENDOR_DEPENDENT) {
			fputs("skip: mmiodec does not call 66 63 08 "
			      "vendor-dependent\n", stderr);
			return 77;
		}
		reached();
		/* movsxd cx, word [rax]: a word on Intel, a dword on AMD */
		__asm__ volatile(".byte 0x66, 0x63, 0x08"
				 : : "a"(region) : "rcx", "memory");
	} else if (!strcmp(name, "not-ours")) {
		region = map_or_die(PAGE);
		emulated_access(region);
		reached();
		*(volatile int *)unmapped_address = 1;
	} else if (!strcmp(name, "after-unmap")) {
		region = map_or_die(PAGE);
		emulated_access(region);
		if (mmiotrap_unmap(region) != 0)
			return 102;
		reached();
		*(volatile uint32_t *)region = 1;
	} else if (!strcmp(name, "chained")) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = chained_handler;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSEGV, &sa, NULL);
		region = map_or_die(PAGE);
		emulated_access(region);
		reached();
		*(volatile int *)unmapped_address = 1;
	} else if (!strcmp(name, "kill")) {
		region = map_or_die(PAGE);
		emulated_access(region);
		reached();
		kill(getpid(), SIGSEGV);
	} else {
		return 103;
	}
	fputs("still alive\n", stderr);
	return 0;
}

struct expectation {
	const char *name;      /* NULL: the demo */
	int signal;            /* 0: exits with `status` */
	int status;
	const char *message[3]; /* must all appear on stderr */
	bool silent;           /* no mmiotrap message allowed */
};

static const struct expectation expectations[] = {
	{ "unsupported", SIGSEGV, 0,
	  { "mmiodec does not emulate", "0f 58 00", "decoded: unsupported" },
	  false },
	{ "divide-error", SIGFPE, 0, { NULL }, true },
	{ "divide-error-handler", 0, 42,
	  { "SIGFPE: FPE_INTDIV at the instruction", NULL }, true },
	{ "divide-error-ignored", SIGFPE, 0, { NULL }, true },
	{ "straddle-end", SIGSEGV, 0,
	  { "does not fit inside the region", "decoded: ok, mov, 4-byte load",
	    "8b 08" }, false },
	{ "beyond-size", SIGSEGV, 0,
	  { "does not fit inside the region", "1-byte store from cl", NULL },
	  false },
	{ "straddle-start", SIGSEGV, 0,
	  { "straddles the start of a region", "8b 08", NULL }, false },
	{ "string-unwritable", SIGSEGV, 0,
	  { "outside the regions is not accessible", "f3 a4", "repeated" },
	  false },
	{ "vendor-any", SIGSEGV, 0,
	  { "Intel and AMD processors read this instruction differently",
	    "66 63 08", "decoded: vendor-dependent, 3 bytes (for any vendor)" },
	  false },
	{ "not-ours", SIGSEGV, 0, { NULL }, true },
	{ "after-unmap", SIGSEGV, 0, { NULL }, true },
	{ "chained", 0, 42, { "previous handler called", NULL }, true },
	{ "kill", SIGSEGV, 0, { NULL }, true },
	{ NULL, SIGSEGV, 0,
	  { "mmiodec does not emulate", "decoded: unsupported", NULL }, false },
};

static int run(const struct expectation *e, const char *demo)
{
	int pipefd[2];
	char output[65536];
	size_t len = 0;
	int status;
	pid_t pid;
	const char *label = e->name ? e->name : "mmiotrap-demo --refuse";

	if (pipe(pipefd) != 0) {
		perror("pipe");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no_core);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		if (e->name)
			execl("/proc/self/exe", "mmiotrap-refuses", "--child",
			      e->name, (char *)NULL);
		else
			execl(demo, demo, "--refuse", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t n = read(pipefd[0], output + len, sizeof(output) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	output[len] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);

	bool ok = e->signal ? WIFSIGNALED(status) && WTERMSIG(status) == e->signal :
			      WIFEXITED(status) && WEXITSTATUS(status) == e->status;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		const char *why = strstr(output, "skip: ");
		printf("SKIP %s (%s)\n", label,
		       why ? why + 6 : "no free page below the region\n");
		return 0;
	}
	if (e->name && !strstr(output, "reached the access"))
		ok = false;
	for (int i = 0; i < 3 && e->message[i]; i++)
		if (!strstr(output, e->message[i]))
			ok = false;
	if (e->silent && strstr(output, "mmiotrap:"))
		ok = false;
	if (!e->silent && !strstr(output, "mmiotrap: cannot emulate"))
		ok = false;
	printf("%s %s (%s %d)\n", ok ? "ok  " : "FAIL", label,
	       WIFSIGNALED(status) ? "signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	if (!ok)
		printf("--- stderr of the child:\n%s---\n", output);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	int failures = 0;

	if (argc == 3 && !strcmp(argv[1], "--child"))
		return child(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-mmiotrap-demo\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(expectations) / sizeof(expectations[0]); i++)
		failures += run(&expectations[i], argv[1]);
	return failures ? 1 : 0;
}
