/* SPDX-License-Identifier: MIT */
/* mmiodec: decode x86 instructions given in hex and print their MMIO
 * access descriptors, one line per instruction. */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "hex.h"
#include "json.h"
#include "mmiodec.h"

#define USAGE_LINE "Usage: mmiodec [--mode 64|32|16] [--vendor any|intel|amd] [--json] [HEX...]\n" \
	"       mmiodec exec [FILE]\n"

static const char usage_text[] =
	USAGE_LINE
	"\n"
	"Decode x86 instructions into MMIO access descriptors; with exec, run\n"
	"them on registers and memory values given as JSON lines (see\n"
	"'mmiodec exec --help'). exec must be the first argument.\n"
	"\n"
	"Each HEX argument is one instruction; without HEX arguments, standard\n"
	"input is read, one instruction per line (LF or CRLF line ends).\n"
	"An instruction is pairs of hex digits (either case); spaces and tabs\n"
	"may separate bytes (\"88 27\"), never the two digits of one byte.\n"
	"Bytes past the end of the instruction are allowed and ignored by the\n"
	"decoder; at most 64 bytes per instruction.\n"
	"An input that is not such hex, including an empty or blank line, is bad\n"
	"input: it gets its own output line, and the other inputs are still decoded.\n"
	"\n"
	"Options (anywhere on the command line; -- ends them):\n"
	"  --mode N, --mode=N  processor mode: 64 (default), 32 or 16\n"
	"  --vendor V, --vendor=V\n"
	"                      whose reading of the bytes: intel, amd, or any\n"
	"                      (default): where Intel and AMD processors differ,\n"
	"                      any answers vendor-dependent\n"
	"  --json              print one JSON object per input instead of text\n"
	"  -h, --help          print this help and exit\n"
	"\n"
	"Output: one line per input, in input order, on standard output.\n"
	"Text lines look like\n"
	"  8827: ok len=2 mov write width=1 reg=ah mem=ds:[rdi] asz=64\n"
	"  f3a4: ok len=2 rep movsb read-write width=1 mem=es:[rdi] asz=64 access=write mem=ds:[rsi] asz=64 access=read\n"
	"  f00108: ok len=3 add read-write width=4 reg=ecx mem=ds:[rax] asz=64 locked\n"
	"  89d8: no-memory len=2\n"
	"  0f34: vendor-dependent\n"
	"  ff: truncated\n"
	"  zz: bad-input: not a hex digit at column 1\n"
	"  62f17ec96f17: ok len=6 vmovdqu32 read width=64 reg=zmm2 {k1}{z} mem=ds:[rdi] asz=64 element=4\n"
	"with extend=zero|sign, imm=0x... (an immediate operand), the rep\n"
	"prefix and locked (a locked access) shown when present, reg= the\n"
	"register at the width the instruction uses it (cl for a shift by CL),\n"
	"mem= as seg:[base+index*scale+disp]; for the vector forms the opmask\n"
	"({k1}, {z} for zeroing), reg2= (VMOVLPS... loads: the other source),\n"
	"align= (the alignment the address needs) and element= (the size of\n"
	"the elements the mask selects) when present.\n"
	"With --vendor intel or amd, an answer the other vendor does not share\n"
	"ends in \"vendor-specific\"; vendor-dependent shows len= when both\n"
	"vendors agree on the length.\n"
	"\n"
	"Exit status: 0 when every input was hex (whatever it decoded to);\n"
	"1 when some input was bad (or reading input or writing output failed);\n"
	"2 for a bad command line.\n";

struct options {
	enum mmiodec_mode mode;
	enum mmiodec_vendor vendor;
	bool json;
};

static void usage_error(const char *message, const char *detail)
{
	fprintf(stderr, "mmiodec: %s%s\n" USAGE_LINE "Try 'mmiodec --help' for more.\n", message, detail);
	exit(2);
}

static bool parse_mode(const char *text, enum mmiodec_mode *mode)
{
	static const struct {
		const char *name;
		enum mmiodec_mode mode;
	} modes[] = {
		{ "64", MMIODEC_MODE_64 },
		{ "32", MMIODEC_MODE_32 },
		{ "16", MMIODEC_MODE_16 },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(text, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return true;
		}
	}
	return false;
}

static bool parse_vendor(const char *text, enum mmiodec_vendor *vendor)
{
	static const enum mmiodec_vendor vendors[] = {
		MMIODEC_VENDOR_ANY, MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD,
	};

	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		if (strcmp(text, mmiodec_vendor_name(vendors[i])) == 0) {
			*vendor = vendors[i];
			return true;
		}
	}
	return false;
}

static void print_json_insn(const uint8_t *bytes, size_t n, enum mmiodec_mode mode,
			    const struct mmiodec_insn *insn)
{
	int needed = mmiodec_json_format(NULL, 0, bytes, n, mode, insn);
	char *line = needed < 0 ? NULL : malloc((size_t)needed + 1);

	if (!line) {
		fprintf(stderr, "mmiodec: out of memory\n");
		exit(1);
	}
	mmiodec_json_format(line, (size_t)needed + 1, bytes, n, mode, insn);
	puts(line);
	free(line);
}

static void print_json_bad_input(const char *text, const char *error)
{
	int needed = mmiodec_json_bad_input(NULL, 0, text, error);
	char *line = needed < 0 ? NULL : malloc((size_t)needed + 1);

	if (!line) {
		fprintf(stderr, "mmiodec: out of memory\n");
		exit(1);
	}
	mmiodec_json_bad_input(line, (size_t)needed + 1, text, error);
	puts(line);
	free(line);
}

static const char *name_or_unknown(const char *name)
{
	return name ? name : "?";
}

static const char *address_reg_name(uint8_t reg, uint8_t address_size)
{
	return name_or_unknown(mmiodec_reg_name(MMIODEC_REG_KIND_GPR, reg, address_size / 8));
}

/* seg:[base+index*scale+disp]; an absolute address (no base, no index)
 * as the unsigned offset it is at the address size. */
static void print_memory_operand(const struct mmiodec_mem *mem)
{
	bool has_base = mem->base != MMIODEC_NO_REG;
	bool has_index = mem->index != MMIODEC_NO_REG;
	uint64_t disp = (uint64_t)mem->displacement;

	printf(" mem=%s:[", name_or_unknown(mmiodec_seg_name((enum mmiodec_seg)mem->segment)));
	if (has_base)
		printf("%s", address_reg_name(mem->base, mem->address_size));
	if (has_index)
		printf("%s%s*%u", has_base ? "+" : "",
		       address_reg_name(mem->index, mem->address_size), mem->scale);
	if (!has_base && !has_index) {
		if (mem->address_size < 64)
			disp &= (UINT64_C(1) << mem->address_size) - 1;
		printf("0x%" PRIx64, disp);
	} else if (mem->displacement < 0) {
		printf("-0x%" PRIx64, (uint64_t)0 - disp);
	} else if (mem->displacement > 0) {
		printf("+0x%" PRIx64, disp);
	}
	printf("] asz=%u", mem->address_size);
}

static const char *direction_name(uint8_t direction)
{
	static const char *const names[] = {
		[MMIODEC_DIR_NONE] = "none",
		[MMIODEC_DIR_READ] = "read",
		[MMIODEC_DIR_WRITE] = "write",
		[MMIODEC_DIR_READ_WRITE] = "read-write",
	};

	return direction < sizeof(names) / sizeof(names[0]) ? names[direction] : "?";
}

static void print_text_access(const struct mmiodec_insn *insn)
{
	static const char *const rep_prefixes[] = {
		[MMIODEC_REP_NONE] = "",
		[MMIODEC_REP_REP] = "rep ",
		[MMIODEC_REP_REPE] = "repe ",
		[MMIODEC_REP_REPNE] = "repne ",
	};
	static const char *const extend_names[] = {
		[MMIODEC_EXTEND_ZERO] = "zero",
		[MMIODEC_EXTEND_SIGN] = "sign",
	};

	printf(" %s%s %s width=%u",
	       insn->rep < sizeof(rep_prefixes) / sizeof(rep_prefixes[0]) ? rep_prefixes[insn->rep] : "? ",
	       mmiodec_mnemonic(insn), direction_name(insn->direction), insn->width);
	if (insn->extend != MMIODEC_EXTEND_NONE)
		printf(" extend=%s",
		       insn->extend < sizeof(extend_names) / sizeof(extend_names[0]) ?
		       extend_names[insn->extend] : "?");
	if (insn->reg_kind != MMIODEC_REG_KIND_NONE)
		printf(" reg=%s", name_or_unknown(mmiodec_reg_name(
			(enum mmiodec_reg_kind)insn->reg_kind, insn->reg, insn->dest_width)));
	/* The opmask as EVEX writes it: {k1}, {k1}{z}. */
	if (insn->mask)
		printf(" {k%u}%s", insn->mask & 7u, insn->zeroing ? "{z}" : "");
	/* VMOVLPS xmm1, xmm2, m64 and the like: the other source. */
	if ((insn->op == MMIODEC_OP_VMOVLPS || insn->op == MMIODEC_OP_VMOVHPS ||
	     insn->op == MMIODEC_OP_VMOVLPD || insn->op == MMIODEC_OP_VMOVHPD) &&
	    insn->direction == MMIODEC_DIR_READ)
		printf(" reg2=%s", name_or_unknown(mmiodec_reg_name(MMIODEC_REG_KIND_XMM,
								    insn->reg2, 16)));
	if (insn->has_immediate)
		printf(" imm=0x%" PRIx64, insn->immediate);
	for (unsigned i = 0; i < insn->mem_count && i < 2; i++) {
		print_memory_operand(&insn->mem[i]);
		/* With one operand its access is the instruction's direction. */
		if (insn->mem_count > 1)
			printf(" access=%s", direction_name(insn->mem[i].access));
		if (insn->mem[i].align)
			printf(" align=%u", insn->mem[i].align);
		if (insn->mem[i].element)
			printf(" element=%u", insn->mem[i].element);
	}
	if (insn->locked)
		printf(" locked");
}

static void print_text_insn(const uint8_t *bytes, size_t n, const struct mmiodec_insn *insn)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", bytes[i]);
	printf(": %s", mmiodec_status_name((enum mmiodec_status)insn->status));
	if (insn->length)
		printf(" len=%u", insn->length);
	if (insn->status == MMIODEC_OK)
		print_text_access(insn);
	if (insn->vendor_dependent && insn->status != MMIODEC_VENDOR_DEPENDENT)
		printf(" vendor-specific");
	putchar('\n');
}

/* The input as given, but with control and non-ASCII bytes as \xNN so the
 * line stays on one terminal line (and a backslash as \x5c, so that the
 * escapes are unambiguous). */
static void print_text_bad_input(const char *text, const char *error)
{
	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		if (*s < 0x20 || *s >= 0x7f || *s == '\\')
			printf("\\x%02x", *s);
		else
			putchar(*s);
	}
	printf(": bad-input: %s\n", error);
}

/* Decode and print one input (text[0..n), NUL-terminated at n); false
 * when it was not hex. */
static bool process(const struct options *options, const char *text, size_t n)
{
	uint8_t bytes[MAX_INPUT_BYTES];
	size_t count;
	char error[96];
	struct mmiodec_insn insn;

	if (!parse_hex(text, n, bytes, &count, error, sizeof(error))) {
		if (options->json)
			print_json_bad_input(text, error);
		else
			print_text_bad_input(text, error);
		return false;
	}
	mmiodec_decode_vendor(&insn, bytes, count, options->mode, options->vendor);
	if (options->json)
		print_json_insn(bytes, count, options->mode, &insn);
	else
		print_text_insn(bytes, count, &insn);
	return true;
}

/* Returns false when some line was bad input or reading failed. */
static bool process_stdin(const struct options *options)
{
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t got;
	bool all_hex = true;

	while ((got = getline(&line, &line_cap, stdin)) >= 0) {
		size_t n = (size_t)got;

		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!process(options, line, n))
			all_hex = false;
	}
	free(line);
	if (ferror(stdin)) {
		fprintf(stderr, "mmiodec: error reading standard input\n");
		return false;
	}
	return all_hex;
}

/* Parse the options, moving the HEX arguments to the front of argv;
 * returns how many there are. */
static int parse_options(int argc, char **argv, struct options *options)
{
	int hex_count = 0;
	bool options_ended = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (options_ended || arg[0] != '-') {
			argv[hex_count++] = argv[i];
		} else if (strcmp(arg, "--") == 0) {
			options_ended = true;
		} else if (strcmp(arg, "--json") == 0) {
			options->json = true;
		} else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (strcmp(arg, "--mode") == 0) {
			if (i + 1 >= argc)
				usage_error("--mode needs a value", "");
			if (!parse_mode(argv[++i], &options->mode))
				usage_error("--mode must be 64, 32 or 16, not ", argv[i]);
		} else if (strncmp(arg, "--mode=", 7) == 0) {
			if (!parse_mode(arg + 7, &options->mode))
				usage_error("--mode must be 64, 32 or 16, not ", arg + 7);
		} else if (strcmp(arg, "--vendor") == 0) {
			if (i + 1 >= argc)
				usage_error("--vendor needs a value", "");
			if (!parse_vendor(argv[++i], &options->vendor))
				usage_error("--vendor must be any, intel or amd, not ",
					    argv[i]);
		} else if (strncmp(arg, "--vendor=", 9) == 0) {
			if (!parse_vendor(arg + 9, &options->vendor))
				usage_error("--vendor must be any, intel or amd, not ",
					    arg + 9);
		} else {
			usage_error("unknown option ", arg);
		}
	}
	return hex_count;
}

int main(int argc, char **argv)
{
	struct options options = { .mode = MMIODEC_MODE_64,
				   .vendor = MMIODEC_VENDOR_ANY, .json = false };
	int hex_count;
	bool all_hex = true;

	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		return exec_main(argc - 1, argv + 1);
	hex_count = parse_options(argc, argv, &options);

	if (hex_count == 0) {
		all_hex = process_stdin(&options);
	} else {
		for (int i = 0; i < hex_count; i++)
			if (!process(&options, argv[i], strlen(argv[i])))
				all_hex = false;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mmiodec: error writing standard output\n");
		return 1;
	}
	return all_hex ? 0 : 1;
}
