/* SPDX-License-Identifier: MIT */
/*
 * Table-driven decoder tests: one line per case, the bytes and the expected
 * answer written as a short text (see describe_insn()):
 *
 *   { 64, "48 89 03",    "mov st w8 rax ds:[rbx] o8 a64" },
 *   { 64, "0F B6 43 F0", "movzx ld w1 zx4 eax ds:[rbx-0x10] o4 a64" },
 *   { 32, "63 C3",       "no-memory" },
 *   { 32, "48 | 89 03",  "no-memory" },   bytes after '|' follow the
 *                                         instruction: length is 1
 *
 * The text of an OK decode is: op, direction (ld, st, ldst), w<width>,
 * zx<n>/sx<n> (extension to dest_width n), the register (at dest_width) or
 * imm=<value>, each memory operand as seg:[base+index*scale+disp], rep,
 * repne, repe, repeat, o<operand_size bytes> a<address_size bits>.
 * Anything else is a status name: no-memory, unsupported, invalid,
 * truncated, bad-argument, vendor-dependent (length 0; "vendor-dependent
 * same-length" when both vendors agree on the length, the bytes before
 * '|'). A decode whose answer holds for its vendor only (vendor_dependent)
 * ends in " vdep".
 *
 * Beyond the text, every case checks the length, the mode field, the access
 * of each memory operand, that every shorter prefix of a valid instruction
 * decodes as TRUNCATED, and that bytes after the instruction change nothing.
 *
 * The cases themselves are data (tests/vectors/), and this part needs
 * nothing but snprintf and a few string functions, so that the CMocka
 * tests (decode_case.h) and the kernel self-test (kernel/selftest.c) run
 * the same cases with the same checks.
 */
#ifndef DECODE_TEXT_H
#define DECODE_TEXT_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include "mmiodec.h"

struct decode_case {
	unsigned mode;        /* 16, 32 or 64, or AS_INTEL(m), AS_AMD(m) */
	const char *bytes;    /* hex bytes; those after '|' are not part of it */
	const char *expect;   /* describe_insn() text, or a status name */
};

/* A case decoded with mmiodec_decode_vendor() for that vendor; a plain
 * mode is decoded with mmiodec_decode() (ANY). */
#define AS_INTEL(mode) ((mode) | MMIODEC_VENDOR_INTEL << 8)
#define AS_AMD(mode) ((mode) | MMIODEC_VENDOR_AMD << 8)
#define CASE_MODE(c) ((c)->mode & 0xFF)
#define CASE_VENDOR(c) ((c)->mode >> 8)

/* Longest hex string a case may hold, in bytes. */
#define DECODE_CASE_MAX_BYTES 32

/* Parses "48 89 03 | 90" into out; returns the byte count (or -1 on a
 * malformed string) and sets *insn_len to the count before '|'. */
int parse_hex(const char *hex, uint8_t *out, size_t max, size_t *insn_len);

/* Writes the text form of a decode (see above) into out. */
void describe_insn(const struct mmiodec_insn *insn, char *out, size_t size);

/* How check_case() decodes and where its failures go. */
struct case_runner {
	/* Fills *insn from bytes[0..len) with mmiodec_decode() (vendor ANY)
	 * or mmiodec_decode_vendor(); may first copy the bytes and fill *insn
	 * with garbage, so that a read past the end or a forgotten field
	 * shows. */
	void (*decode)(struct mmiodec_insn *insn, const uint8_t *bytes,
		       size_t len, unsigned mode, unsigned vendor);
	/* One failure of case c, as a line of text without the case. */
	void (*fail)(const struct decode_case *c, const char *message);
};

/* Runs one case; returns true when it passes, else reports each failure
 * through runner->fail. */
bool check_case(const struct decode_case *c, const struct case_runner *runner);

/* The vendor part of a case's mode, for messages: "", " intel" or " amd". */
const char *case_vendor_text(const struct decode_case *c);

#endif
