/* SPDX-License-Identifier: MIT */
/*
 * mmiotrap-demo: an ordinary C driver talks to a simulated 16550-style UART
 * through a trapped region, and each access it makes is traced as the
 * handler decoded it.
 *
 *     mmiotrap-demo            run the driver, print the trace and the result
 *     mmiotrap-demo --refuse   then execute `addps xmm0, [uart+0x80]`
 *                              (vector arithmetic), which is not emulated:
 *                              the process dies of SIGSEGV after the
 *                              runtime's message
 *
 * The driver is plain C on volatile pointers, built at -O2: the
 * instructions are the compiler's choice, as they would be for real
 * hardware. `reg |= bit`, a status poll, `count++` become loads and stores
 * or, as clang likes, one read-modify-write instruction (`or byte [mem],
 * imm`, `test byte [mem], imm`, `add dword [mem], 1`); the __atomic
 * builtins become LOCK forms and XCHG under both compilers. Only the bulk
 * copies are inline assembly (a REP MOVSB and a REP STOSB), as
 * memcpy_toio() and memset_io() would be.
 *
 * A second device, a display, is driven with vector moves: its
 * framebuffer filled and read back with SSE2 intrinsics (16-byte MOVDQU),
 * its descriptor ring written with AVX (32-byte VMOVDQU) and by glibc's
 * memcpy (whatever it picks on this CPU), a masked AVX-512 store that
 * reaches only the selected pixels (one callback per run of them), and a
 * command posted to its doorbell with MOVDIR64B (one 64-byte write). What
 * the CPU lacks (CPUID) is skipped with a note.
 */
#include "mmiotrap.h"

#include <cpuid.h>
#include <immintrin.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- the device ---- */

enum uart_register {
	UART_DATA = 0x00,      /* 8 bits: write transmits (THR), read receives (RBR) */
	UART_IER = 0x01,       /* 8 bits: interrupt enable */
	UART_LSR = 0x05,       /* 8 bits: line status, read-only */
	UART_SCRATCH = 0x07,   /* 8 bits: scratch */
	UART_DIVISOR = 0x08,   /* 16 bits: baud-rate divisor */
	UART_CONTROL = 0x0c,   /* 32 bits */
	UART_CLOCK = 0x10,     /* 64 bits: ticks, read-only, advances per access */
	UART_TX_COUNT = 0x18,  /* 32 bits: characters sent, kept by the driver */
	UART_MAILBOX = 0x20,   /* 32 bytes shared with the far end, any width:
				  a lock word at +0, a token at +8, flags at
				  +16, a sequence number at +20 */
	UART_TX_WINDOW = 0x40, /* 64 bytes: every byte written is transmitted */
	UART_RAM = 0x80,       /* 64 bytes of on-chip RAM, any width */
	UART_SIZE = 0xc0,
};
#define WINDOW_SIZE 0x40

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define CONTROL_ENABLE 0x1
#define CONTROL_LOOPBACK 0x2
#define CONTROL_EIGHT_BITS 0x30
#define IER_RX 0x1
#define IER_TX 0x2
#define MAILBOX_SIZE 0x20

struct uart {
	uint8_t ier, scratch;
	uint16_t divisor;
	uint32_t control;
	uint64_t clock;
	uint32_t tx_count;
	uint8_t mailbox[MAILBOX_SIZE];
	uint8_t ram[WINDOW_SIZE];
	char transmitted[256];
	size_t transmitted_len;
	const char *receive;   /* what the far end sends */
	unsigned bus_errors;   /* accesses of the wrong width or place */
};

/* The callbacks run in the SIGSEGV handler: they only touch the model and
 * the trace, never stdio. */
struct trace_entry {
	bool write;
	bool repeated; /* an iteration of a REP string instruction */
	unsigned size;
	uint64_t offset, value, rip;
	bool locked;
	const char *mnemonic;
	const char *reg;
};
static struct trace_entry trace[256];
static size_t trace_len, trace_printed;

static void trace_access(bool write, uint64_t offset, const void *data,
			 unsigned size)
{
	const struct mmiotrap_access *access = mmiotrap_current_access();
	const struct mmiodec_insn *insn = access->insn;
	struct trace_entry *e;
	unsigned reg_width;

	if (trace_len == sizeof(trace) / sizeof(trace[0]))
		return;
	e = &trace[trace_len++];
	e->write = write;
	e->repeated = insn->repeat;
	e->size = size;
	e->offset = offset;
	e->value = 0;
	memcpy(&e->value, data, size < 8 ? size : 8); /* the first 8 bytes */
	e->rip = access->rip;
	e->mnemonic = mmiodec_mnemonic(insn);
	e->locked = insn->locked;
	reg_width = insn->dest_width;
	e->reg = insn->has_immediate ? "imm" :
		 insn->reg_kind == MMIODEC_REG_KIND_NONE ? "" :
		 mmiodec_reg_name(insn->reg_kind, insn->reg, reg_width);
}

static bool is_register(uint64_t offset, unsigned size, uint64_t reg,
			unsigned reg_size)
{
	return offset == reg && size == reg_size;
}

static bool in_window(uint64_t offset, unsigned size, uint64_t window,
		      uint64_t window_size)
{
	return offset >= window && offset + size <= window + window_size;
}

static void uart_transmit(struct uart *u, uint8_t byte)
{
	if (u->transmitted_len + 1 < sizeof(u->transmitted))
		u->transmitted[u->transmitted_len++] = (char)byte;
}

static void uart_read(void *ctx, uint64_t offset, void *data, unsigned size)
{
	struct uart *u = ctx;
	uint64_t value = 0;

	u->clock++;
	if (is_register(offset, size, UART_DATA, 1)) {
		if (*u->receive)
			value = (uint8_t)*u->receive++;
	} else if (is_register(offset, size, UART_IER, 1)) {
		value = u->ier;
	} else if (is_register(offset, size, UART_LSR, 1)) {
		value = LSR_THR_EMPTY | (*u->receive ? LSR_DATA_READY : 0);
	} else if (is_register(offset, size, UART_SCRATCH, 1)) {
		value = u->scratch;
	} else if (is_register(offset, size, UART_DIVISOR, 2)) {
		value = u->divisor;
	} else if (is_register(offset, size, UART_CONTROL, 4)) {
		value = u->control;
	} else if (is_register(offset, size, UART_CLOCK, 8)) {
		value = u->clock;
	} else if (is_register(offset, size, UART_TX_COUNT, 4)) {
		value = u->tx_count;
	} else if (in_window(offset, size, UART_MAILBOX, MAILBOX_SIZE)) {
		memcpy(&value, u->mailbox + (offset - UART_MAILBOX), size);
	} else if (in_window(offset, size, UART_RAM, WINDOW_SIZE)) {
		memcpy(&value, u->ram + (offset - UART_RAM), size);
	} else {
		u->bus_errors++;
		value = ~0ULL;
	}
	memcpy(data, &value, size);
	trace_access(false, offset, data, size);
}

static void uart_write(void *ctx, uint64_t offset, const void *data,
		       unsigned size)
{
	struct uart *u = ctx;
	uint64_t value = 0;

	memcpy(&value, data, size);
	trace_access(true, offset, data, size);
	u->clock++;
	if (is_register(offset, size, UART_DATA, 1))
		uart_transmit(u, (uint8_t)value);
	else if (is_register(offset, size, UART_IER, 1))
		u->ier = (uint8_t)value;
	else if (is_register(offset, size, UART_SCRATCH, 1))
		u->scratch = (uint8_t)value;
	else if (is_register(offset, size, UART_DIVISOR, 2))
		u->divisor = (uint16_t)value;
	else if (is_register(offset, size, UART_CONTROL, 4))
		u->control = (uint32_t)value;
	else if (is_register(offset, size, UART_TX_COUNT, 4))
		u->tx_count = (uint32_t)value;
	else if (in_window(offset, size, UART_MAILBOX, MAILBOX_SIZE))
		memcpy(u->mailbox + (offset - UART_MAILBOX), &value, size);
	else if (in_window(offset, size, UART_TX_WINDOW, WINDOW_SIZE))
		for (unsigned i = 0; i < size; i++)
			uart_transmit(u, (uint8_t)(value >> (8 * i)));
	else if (in_window(offset, size, UART_RAM, WINDOW_SIZE))
		memcpy(u->ram + (offset - UART_RAM), &value, size);
	else
		u->bus_errors++;
}

static const struct mmiotrap_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

/* ---- the driver: what would run against real hardware ---- */

#define REG8(base, reg) (*(volatile uint8_t *)((base) + (reg)))
#define REG16(base, reg) (*(volatile uint16_t *)((base) + (reg)))
#define REG32(base, reg) (*(volatile uint32_t *)((base) + (reg)))
#define REG64(base, reg) (*(volatile uint64_t *)((base) + (reg)))

static __attribute__((noinline)) bool uart_init(uint8_t *uart)
{
	REG16(uart, UART_DIVISOR) = 1; /* 115200 baud */
	REG32(uart, UART_CONTROL) = CONTROL_ENABLE | CONTROL_LOOPBACK;
	REG8(uart, UART_IER) = 0;
	REG8(uart, UART_SCRATCH) = 0xa5; /* is anybody there? */
	/* read-modify-write, as drivers write it */
	REG32(uart, UART_CONTROL) |= CONTROL_EIGHT_BITS;
	REG32(uart, UART_CONTROL) &= ~(uint32_t)CONTROL_LOOPBACK;
	REG8(uart, UART_IER) |= IER_RX | IER_TX;
	return REG8(uart, UART_SCRATCH) == 0xa5 &&
	       REG16(uart, UART_DIVISOR) == 1 &&
	       (REG32(uart, UART_CONTROL) & CONTROL_ENABLE);
}

static __attribute__((noinline)) void uart_putc(uint8_t *uart, char c)
{
	while (!(REG8(uart, UART_LSR) & LSR_THR_EMPTY))
		;
	REG8(uart, UART_DATA) = (uint8_t)c;
	REG32(uart, UART_TX_COUNT)++;
}

/* As memcpy_toio(): one REP MOVSB into the transmit window. */
static __attribute__((noinline)) void uart_send_bulk(uint8_t *uart,
						     const char *s, size_t n)
{
	void *dst = uart + UART_TX_WINDOW;

	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(s), "+c"(n) : : "memory");
}

static __attribute__((noinline)) size_t uart_receive(uint8_t *uart, char *buf,
						     size_t size)
{
	size_t n = 0;

	while (n + 1 < size && (REG8(uart, UART_LSR) & LSR_DATA_READY))
		buf[n++] = (char)REG8(uart, UART_DATA);
	buf[n] = '\0';
	return n;
}

/* As memset_io() and then a few typed accesses to the device's RAM. */
static __attribute__((noinline)) int64_t uart_ram_test(uint8_t *uart)
{
	void *dst = uart + UART_RAM;
	size_t n = WINDOW_SIZE;

	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(0) : "memory");
	REG64(uart, UART_RAM + 8) = 0x1122334455667788ULL;
	REG16(uart, UART_RAM + 16) = 0xfffe;
	/* -2 through a sign-extending load, plus the low byte of the 64-bit
	 * word */
	return *(volatile int16_t *)(uart + UART_RAM + 16) +
	       REG8(uart, UART_RAM + 8);
}

static __attribute__((noinline)) uint64_t uart_clock(uint8_t *uart)
{
	return REG64(uart, UART_CLOCK);
}

/*
 * The mailbox, shared with the far end: take the lock word with a
 * compare-and-exchange, swap the token, set a flag, count a sequence
 * number, let the lock go; then try to take it twice more (the second
 * must fail). Returns what was seen, packed, for the check.
 */
static __attribute__((noinline)) uint64_t uart_mailbox(uint8_t *uart)
{
	volatile uint32_t *lock = (volatile uint32_t *)(uart + UART_MAILBOX);
	volatile uint64_t *token = (volatile uint64_t *)(uart + UART_MAILBOX + 8);
	volatile uint32_t *flags = (volatile uint32_t *)(uart + UART_MAILBOX + 16);
	volatile uint32_t *sequence = (volatile uint32_t *)(uart + UART_MAILBOX + 20);
	uint32_t expected = 0;
	bool first, second, third;
	uint64_t old_token;
	uint32_t seq;

	first = __atomic_compare_exchange_n(lock, &expected, 1, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	old_token = __atomic_exchange_n(token, 0x70c3e2ULL, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(flags, 0x80, __ATOMIC_SEQ_CST);
	seq = __atomic_fetch_add(sequence, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
	expected = 0;
	second = __atomic_compare_exchange_n(lock, &expected, 2, false,
					     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	expected = 0;
	third = __atomic_compare_exchange_n(lock, &expected, 3, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return (uint64_t)first | (uint64_t)second << 1 | (uint64_t)third << 2 |
	       (uint64_t)(expected == 2) << 3 | (uint64_t)seq << 8 |
	       old_token << 16;
}

/* ---- the display: a framebuffer, a descriptor ring, a doorbell ---- */

static void print_trace(const char *step);

enum display_register {
	DISPLAY_FB = 0x000,     /* 256 bytes of pixels, any width */
	DISPLAY_RING = 0x100,   /* 4 descriptors of 64 bytes, any width */
	DISPLAY_PORTAL = 0x200, /* a 64-byte write (MOVDIR64B) posts a command */
	DISPLAY_SIZE = 0x240,
};
#define FB_SIZE 256
#define RING_SIZE 256
#define COMMAND_SIZE 64

struct display {
	uint8_t fb[FB_SIZE];
	uint8_t ring[RING_SIZE];
	uint8_t command[COMMAND_SIZE]; /* the last one posted */
	unsigned commands;
	unsigned bus_errors;
};

static void display_read(void *ctx, uint64_t offset, void *data,
			 unsigned size)
{
	struct display *d = ctx;

	if (in_window(offset, size, DISPLAY_FB, FB_SIZE)) {
		memcpy(data, d->fb + (offset - DISPLAY_FB), size);
	} else if (in_window(offset, size, DISPLAY_RING, RING_SIZE)) {
		memcpy(data, d->ring + (offset - DISPLAY_RING), size);
	} else {
		memset(data, 0xff, size);
		d->bus_errors++;
	}
	trace_access(false, offset, data, size);
}

static void display_write(void *ctx, uint64_t offset, const void *data,
			  unsigned size)
{
	struct display *d = ctx;

	trace_access(true, offset, data, size);
	if (in_window(offset, size, DISPLAY_FB, FB_SIZE)) {
		memcpy(d->fb + (offset - DISPLAY_FB), data, size);
	} else if (in_window(offset, size, DISPLAY_RING, RING_SIZE)) {
		memcpy(d->ring + (offset - DISPLAY_RING), data, size);
	} else if (offset == DISPLAY_PORTAL && size == COMMAND_SIZE) {
		/* a portal takes whole commands only */
		memcpy(d->command, data, size);
		d->commands++;
	} else {
		d->bus_errors++;
	}
}

static const struct mmiotrap_ops display_ops = {
	.read = display_read,
	.write = display_write,
};

/* As a driver fills a framebuffer: 16-byte SSE2 stores, which every
 * x86-64 CPU has. */
static __attribute__((noinline)) void display_fill(uint8_t *display,
						   const uint8_t *pixels)
{
	for (unsigned i = 0; i < FB_SIZE; i += 16)
		_mm_storeu_si128((__m128i *)(display + DISPLAY_FB + i),
				 _mm_loadu_si128((const __m128i *)(pixels + i)));
}

/* And reads it back, 16 bytes at a time. */
static __attribute__((noinline)) void display_read_back(const uint8_t *display,
							uint8_t *pixels)
{
	for (unsigned i = 0; i < FB_SIZE; i += 16)
		_mm_storeu_si128((__m128i *)(pixels + i),
				 _mm_loadu_si128((const __m128i *)(display +
								   DISPLAY_FB + i)));
}

/* One descriptor into the ring with two 32-byte AVX stores. */
static __attribute__((noinline, target("avx"))) void
display_post_avx(uint8_t *display, unsigned slot, const uint8_t *descriptor)
{
	uint8_t *to = display + DISPLAY_RING + COMMAND_SIZE * slot;

	_mm256_storeu_si256((__m256i *)to,
			    _mm256_loadu_si256((const __m256i *)descriptor));
	_mm256_storeu_si256((__m256i *)(to + 32),
			    _mm256_loadu_si256((const __m256i *)(descriptor + 32)));
}

/* Paint the pixels an opmask selects: a masked AVX-512 store touches
 * those dwords only (two runs of 4 here: two 16-byte callbacks). */
static __attribute__((noinline, target("avx512f"))) void
display_paint_masked(uint8_t *display, uint32_t colour, uint16_t which)
{
	_mm512_mask_storeu_epi32(display + DISPLAY_FB, which,
				 _mm512_set1_epi32((int)colour));
}

/* MOVDIR64B rax, [rdx] (66 0F 38 F8 02), as bytes: no -mmovdir64b, and
 * any assembler. A doorbell: the device sees the 64 bytes as one write. */
static __attribute__((noinline)) void display_doorbell(uint8_t *display,
						       const void *command)
{
	__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x02"
			 : : "a"(display + DISPLAY_PORTAL), "d"(command)
			 : "memory");
}

static bool cpu_has_movdir64b(void)
{
	unsigned eax, ebx, ecx, edx;

	return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) &&
	       ((ecx >> 28) & 1);
}

/* glibc's memcpy, called for real (not inlined): whichever vector moves
 * it picks on this CPU go through the runtime. */
static void *(*volatile library_memcpy)(void *, const void *, size_t) = memcpy;

/* Drive the display; true when it holds what was written. */
static bool display_demo(void)
{
	static struct display model;
	uint8_t pixels[FB_SIZE], back[FB_SIZE], ring[RING_SIZE];
	uint8_t command[COMMAND_SIZE] __attribute__((aligned(64)));
	bool ok = true;

	uint8_t *display = mmiotrap_map(DISPLAY_SIZE, &display_ops, &model);
	if (!display) {
		perror("mmiotrap_map");
		return false;
	}
	printf("a display behind %p (%d bytes): framebuffer, descriptor ring, "
	       "doorbell\n", (void *)display, DISPLAY_SIZE);
	for (unsigned i = 0; i < FB_SIZE; i++)
		pixels[i] = (uint8_t)(i * 7 + 3);
	for (unsigned i = 0; i < RING_SIZE; i++)
		ring[i] = (uint8_t)(0xa0 + i);
	display_fill(display, pixels);
	print_trace("display_fill: 16 x _mm_storeu_si128 into the "
		    "framebuffer");
	display_read_back(display, back);
	print_trace("display_read_back: 16 x _mm_loadu_si128");
	ok &= memcmp(back, pixels, FB_SIZE) == 0 &&
	      memcmp(model.fb, pixels, FB_SIZE) == 0;

	if (__builtin_cpu_supports("avx")) {
		display_post_avx(display, 0, ring);
		print_trace("display_post_avx: a descriptor, 2 x "
			    "_mm256_storeu_si256");
		ok &= memcmp(model.ring, ring, COMMAND_SIZE) == 0;
	} else {
		printf("display_post_avx: skipped (the CPU lacks AVX)\n");
	}
	library_memcpy(display + DISPLAY_RING, ring, RING_SIZE);
	print_trace("memcpy: the whole ring, as glibc's memcpy does it on "
		    "this CPU");
	ok &= memcmp(model.ring, ring, RING_SIZE) == 0;

	if (__builtin_cpu_supports("avx512f")) {
		display_paint_masked(display, 0x00ff00ffu, 0x0f0f);
		print_trace("display_paint_masked: _mm512_mask_storeu_epi32, "
			    "mask 0x0f0f");
		for (unsigned i = 0; i < 16; i++) {
			uint32_t pixel;
			memcpy(&pixel, model.fb + 4 * i, 4);
			if ((0x0f0f >> i) & 1)
				ok &= pixel == 0x00ff00ffu;
			else
				ok &= memcmp(model.fb + 4 * i, pixels + 4 * i,
					     4) == 0;
		}
	} else {
		printf("display_paint_masked: skipped (the CPU lacks "
		       "AVX-512F)\n");
	}

	if (cpu_has_movdir64b()) {
		for (unsigned i = 0; i < COMMAND_SIZE; i++)
			command[i] = (uint8_t)(0x40 + i);
		display_doorbell(display, command);
		print_trace("display_doorbell: movdir64b, one 64-byte write");
		ok &= model.commands == 1 &&
		      memcmp(model.command, command, COMMAND_SIZE) == 0;
	} else {
		printf("display_doorbell: skipped (the CPU lacks MOVDIR64B)\n");
	}
	printf("display: %u command(s) posted, bus errors %u\n",
	       model.commands, model.bus_errors);
	return ok && model.bus_errors == 0;
}

/* ---- the demo ---- */

static void print_entry(const struct trace_entry *e)
{
	/* wider than 8 bytes: the first 8, as a little-endian number */
	printf("  %c %u 0x%03" PRIx64 " %s 0x%0*" PRIx64 "%s  %s%-*s %-5s "
	       "rip=0x%" PRIx64 "\n", e->write ? 'W' : 'R', e->size,
	       e->offset, e->write ? "<-" : "->",
	       (int)(2 * (e->size < 8 ? e->size : 8)), e->value,
	       e->size > 8 ? "..." : "", e->locked ? "lock " : "",
	       e->locked ? 7 : 12, e->mnemonic, e->reg, e->rip);
}

/* Print what the driver did since the last call; the iterations of one
 * REP string instruction are shortened to the first two and the last. */
static void print_trace(const char *step)
{
	printf("%s\n", step);
	while (trace_printed < trace_len) {
		const struct trace_entry *e = &trace[trace_printed];
		size_t run = 1;

		while (e->repeated && trace_printed + run < trace_len &&
		       trace[trace_printed + run].rip == e->rip &&
		       trace[trace_printed + run].repeated)
			run++;
		if (run <= 4) {
			for (size_t i = 0; i < run; i++)
				print_entry(&e[i]);
		} else {
			print_entry(&e[0]);
			print_entry(&e[1]);
			printf("  ... %zu more iterations of the same "
			       "instruction\n", run - 3);
			print_entry(&e[run - 1]);
		}
		trace_printed += run;
	}
}

int main(int argc, char **argv)
{
	static struct uart model = { .receive = "ok" };
	static const char hello[] = "hello";
	static const char bulk[] = ", world\n";
	const char *expected = "hello, world\n";
	bool refuse = argc > 1 && strcmp(argv[1], "--refuse") == 0;
	char received[16];
	bool ok = true;

	uint8_t *uart = mmiotrap_map(UART_SIZE, &uart_ops, &model);
	if (!uart) {
		perror("mmiotrap_map");
		return 1;
	}
	printf("mmiotrap-demo: a UART model behind %p (%d bytes)\n",
	       (void *)uart, UART_SIZE);
	printf("trace: R/W, width, offset, value, instruction, register, "
	       "address\n");

	ok &= uart_init(uart);
	print_trace("uart_init: 16-, 32- and 8-bit stores, |= and &=, read "
		    "back");
	for (const char *c = hello; *c; c++)
		uart_putc(uart, *c);
	print_trace("uart_putc x5: poll LSR, write THR, count++");
	uart_send_bulk(uart, bulk, strlen(bulk));
	print_trace("uart_send_bulk: rep movsb into the transmit window");
	uart_receive(uart, received, sizeof(received));
	print_trace("uart_receive: poll LSR, read RBR");
	int64_t ram = uart_ram_test(uart);
	print_trace("uart_ram_test: rep stosb, 64/16-bit stores, movsx/movzx "
		    "loads");
	uint64_t mailbox = uart_mailbox(uart);
	print_trace("uart_mailbox: compare-exchange, exchange, fetch-or, "
		    "fetch-add, store, compare-exchange twice");
	uint64_t ticks = uart_clock(uart);
	print_trace("uart_clock: 64-bit load");

	printf("transmitted: \"");
	for (size_t i = 0; i < model.transmitted_len; i++)
		printf(model.transmitted[i] == '\n' ? "\\n" : "%c",
		       model.transmitted[i]);
	printf("\"\nreceived: \"%s\", RAM check %" PRId64 ", clock %" PRIu64
	       ", bus errors %u\n", received, ram, ticks, model.bus_errors);
	uint32_t lock_word, flags, sequence;
	uint64_t token;
	memcpy(&lock_word, model.mailbox, 4);
	memcpy(&token, model.mailbox + 8, 8);
	memcpy(&flags, model.mailbox + 16, 4);
	memcpy(&sequence, model.mailbox + 20, 4);
	printf("registers: control 0x%x, ier 0x%x, tx count %u; mailbox: lock "
	       "%u, token 0x%" PRIx64 ", flags 0x%x, sequence %u, the driver "
	       "saw 0x%" PRIx64 "\n", model.control, model.ier, model.tx_count,
	       lock_word, token, flags, sequence, mailbox);
	ok &= model.transmitted_len == strlen(expected) &&
	      memcmp(model.transmitted, expected, strlen(expected)) == 0;
	ok &= strcmp(received, "ok") == 0 && ram == -2 + 0x88 &&
	      model.bus_errors == 0 && ticks == trace_len;
	ok &= model.control == (CONTROL_ENABLE | CONTROL_EIGHT_BITS) &&
	      model.ier == (IER_RX | IER_TX) && model.tx_count == strlen(hello);
	/* taken, swapped from 0, flagged, counted from 0, let go; taken
	 * again (by 2); a third try fails and sees 2 */
	ok &= lock_word == 2 && token == 0x70c3e2 && flags == 0x80 &&
	      sequence == 1 && mailbox == (0x1 | 0x2 | 0x8);

	ok &= display_demo();

	if (refuse) {
		printf("now `addps xmm0, [uart+0x80]`: not emulated, so the "
		       "process must die of SIGSEGV\n");
		fflush(stdout);
		__asm__ volatile("addps (%0), %%xmm0"
				 : : "r"(uart + UART_RAM) : "xmm0", "memory");
		printf("still alive: the runtime did not refuse\n");
		return 1;
	}
	printf("%s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
