/* SPDX-License-Identifier: MIT */
/*
 * `mmiodec exec`: read JSON lines, each an instruction with its registers
 * and the values memory returns, and print what the library makes of it:
 * the memory accesses in the CPU's order and the registers after. The
 * library does all the work (mmiodec_decode_vendor, mmiodec_address,
 * mmiodec_execute, the string functions); this file only reads the input,
 * feeds memory values to the reads and prints.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "exec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "json.h"
#include "json_read.h"
#include "mmiodec.h"

#define EXEC_USAGE_LINE "Usage: mmiodec exec [FILE]\n"

static const char exec_usage_text[] =
	EXEC_USAGE_LINE
	"\n"
	"Run x86 instructions on a register file with the mmiodec library, as a\n"
	"reference model. Reads FILE (or standard input, also for -), one JSON\n"
	"object per line:\n"
	"  {\"bytes\":\"0108\",\"mode\":64,\"vendor\":\"any\",\n"
	"   \"regs\":{\"rax\":\"0x1000\",\"rcx\":5},\"memory\":[\"0xfffffffd\"]}\n"
	"  bytes   the instruction in hex, as mmiodec reads it (required)\n"
	"  mode    64 (default), 32 or 16\n"
	"  vendor  \"any\" (default), \"intel\" or \"amd\": whose reading of the bytes,\n"
	"          and with intel, Intel's values for flags the SDM leaves undefined\n"
	"  regs    rax..r15, rip, rflags, es_base, cs_base, ss_base, ds_base,\n"
	"          fs_base, gs_base; each a number or a \"0x\" hex string of at\n"
	"          most 16 digits; missing ones are 0, rflags 0x2\n"
	"  memory  what memory returns for each read, in order: a number, or a\n"
	"          \"0x\" hex string of at most 32 digits; one value per read, of\n"
	"          at most the read's width (a 16-byte read takes one value);\n"
	"          values left over are ignored\n"
	"\n"
	"Prints one JSON object per line, in input order:\n"
	"  {\"bytes\":\"0108\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"regs\":{...},\n"
	"   \"accesses\":[{\"kind\":\"read\",\"address\":\"0x1000\",\"width\":4,\"value\":\"0xfffffffd\"},\n"
	"   {\"kind\":\"write\",\"address\":\"0x1000\",\"width\":4,\"value\":\"0x2\",\"writeback\":false}],\n"
	"   \"undefined_flags\":\"0x0\"}\n"
	"status: ok (done), divide-error (#DE: ends in \"exception\":\"#DE\";\n"
	"registers unchanged, the read that faulted listed), not-handled, or the\n"
	"decoder's status (no-memory, unsupported, invalid, truncated,\n"
	"vendor-dependent: nothing done). regs: every register after, rip and\n"
	"rflags included, so that it can be fed back as input.\n"
	"Numbers in regs, addresses and values are \"0x\" hex strings, lowercase,\n"
	"without leading zeros. A write-back (CMPXCHG whose comparison failed)\n"
	"has \"writeback\":true. undefined_flags (with ok): the RFLAGS bits the\n"
	"SDM leaves undefined. MOVS, STOS and LODS run one iteration (with a\n"
	"repeat prefix and rCX 0, none: only rip moves).\n"
	"\n"
	"A line that is not such an object, or that lacks a memory value for a\n"
	"read, gets {\"line\":N,\"error\":\"...\"} and the next lines still run.\n"
	"\n"
	"Exit status: 0; 1 when some line was bad (or reading or writing\n"
	"failed); 2 for a bad command line.\n";

/* A line of input is an object whose values are at most one level deep
 * (regs is an object, memory an array). */
#define EXEC_MAX_DEPTH 2

/* regs keys: the 16 GPRs in encoding order, then these. */
enum {
	REG_RIP = 16,
	REG_RFLAGS,
	REG_SEG_BASE,
	REG_COUNT = REG_SEG_BASE + 6,
};

/* RFLAGS bit 1 is always set on the CPU. */
#define DEFAULT_RFLAGS 0x2

struct exec_input {
	uint8_t bytes[MAX_INPUT_BYTES];
	size_t byte_count;
	enum mmiodec_mode mode;
	enum mmiodec_vendor vendor;
	struct mmiodec_regs regs;
	uint64_t memory[JSON_MAX_VALUES][2];
	unsigned memory_count;
};

struct exec_access {
	bool write;
	bool writeback;
	uint64_t address;
	unsigned width;
	uint64_t value[2];
};

/* A read and a write at most (a read-modify-write, MOVS). */
#define MAX_ACCESSES 2

struct exec_result {
	const char *status;
	const char *exception;
	struct mmiodec_regs regs;
	struct exec_access accesses[MAX_ACCESSES];
	unsigned access_count;
	bool executed;
	uint32_t undefined_flags;
	unsigned memory_used;
};

/* Why a line is bad. */
struct line_error {
	char text[192];
};

static bool line_fail(struct line_error *error, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(error->text, sizeof(error->text), format, args);
	va_end(args);
	return false;
}

/* The regs key of register i: rax..r15, rip, rflags, es_base..gs_base. */
static const char *reg_key(unsigned i, char *buf, size_t cap)
{
	if (i < 16)
		return mmiodec_reg_name(MMIODEC_REG_KIND_GPR, i, 8);
	if (i == REG_RIP)
		return "rip";
	if (i == REG_RFLAGS)
		return "rflags";
	snprintf(buf, cap, "%s_base", mmiodec_seg_name((enum mmiodec_seg)(i - REG_SEG_BASE)));
	return buf;
}

static uint64_t *reg_slot(struct mmiodec_regs *regs, unsigned i)
{
	if (i < 16)
		return &regs->gpr[i];
	if (i == REG_RIP)
		return &regs->rip;
	if (i == REG_RFLAGS)
		return &regs->rflags;
	return &regs->seg_base[i - REG_SEG_BASE];
}

static uint64_t reg_value(const struct mmiodec_regs *regs, unsigned i)
{
	if (i < 16)
		return regs->gpr[i];
	if (i == REG_RIP)
		return regs->rip;
	if (i == REG_RFLAGS)
		return regs->rflags;
	return regs->seg_base[i - REG_SEG_BASE];
}

/*
 * A number: a JSON number that is a non-negative integer below 2^64, or a
 * string "0x" and 1..max_bytes*2 hex digits; into value[0] (low 64 bits)
 * and value[1].
 */
static bool read_number(const struct json_value *v, unsigned max_bytes, uint64_t value[2],
			const char *what, struct line_error *error)
{
	value[0] = value[1] = 0;
	if (v->type == JSON_NUMBER) {
		for (size_t i = 0; i < v->length; i++) {
			unsigned digit = (unsigned)(v->text[i] - '0');

			if (digit > 9)
				return line_fail(error, "%s: a number must be a non-negative integer (no sign, fraction or exponent)",
						 what);
			if (value[0] > (UINT64_MAX - digit) / 10)
				return line_fail(error, "%s: a number must be below 2^64 (use a hex string)",
						 what);
			value[0] = value[0] * 10 + digit;
		}
		return true;
	}
	if (v->type != JSON_STRING)
		return line_fail(error, "%s: must be a number or a hex string, not %s", what,
				 json_type_name(v->type));
	if (v->length < 3 || v->text[0] != '0' || (v->text[1] != 'x' && v->text[1] != 'X'))
		return line_fail(error, "%s: a hex string must be 0x followed by hex digits", what);
	if (v->length - 2 > max_bytes * 2)
		return line_fail(error, "%s: more than %u hex digits", what, max_bytes * 2);
	for (size_t i = 2; i < v->length; i++) {
		int digit = hex_digit_value(v->text[i]);

		if (digit < 0)
			return line_fail(error, "%s: not a hex digit at column %zu of the string",
					 what, i + 1);
		value[1] = value[1] << 4 | value[0] >> 60;
		value[0] = value[0] << 4 | (unsigned)digit;
	}
	return true;
}

static bool read_regs(const struct json_value *values, const struct json_value *regs,
		      struct mmiodec_regs *out, struct line_error *error)
{
	bool seen[REG_COUNT] = { false };

	if (regs->type != JSON_OBJECT)
		return line_fail(error, "regs: must be an object, not %s", json_type_name(regs->type));
	for (unsigned c = regs->count ? regs->first : 0, k = 0; k < regs->count;
	     k++, c = values[c].next) {
		const struct json_value *v = &values[c];
		char buf[16], what[48];
		unsigned i;
		uint64_t value[2];

		for (i = 0; i < REG_COUNT; i++)
			if (json_text_is(v->key, v->key_length, reg_key(i, buf, sizeof(buf))))
				break;
		if (i == REG_COUNT)
			return line_fail(error, "regs: unknown register \"%.40s\"", v->key);
		if (seen[i])
			return line_fail(error, "regs: \"%s\" given twice", v->key);
		seen[i] = true;
		snprintf(what, sizeof(what), "regs.%s", v->key);
		if (!read_number(v, 8, value, what, error))
			return false;
		*reg_slot(out, i) = value[0];
	}
	return true;
}

static bool read_memory(const struct json_value *values, const struct json_value *memory,
			struct exec_input *in, struct line_error *error)
{
	if (memory->type != JSON_ARRAY)
		return line_fail(error, "memory: must be an array, not %s",
				 json_type_name(memory->type));
	in->memory_count = 0;
	for (unsigned c = memory->count ? memory->first : 0, k = 0; k < memory->count;
	     k++, c = values[c].next) {
		char what[32];

		snprintf(what, sizeof(what), "memory[%u]", k);
		if (!read_number(&values[c], 16, in->memory[k], what, error))
			return false;
		in->memory_count++;
	}
	return true;
}

static bool read_mode(const struct json_value *v, enum mmiodec_mode *mode,
		      struct line_error *error)
{
	if (v->type == JSON_NUMBER) {
		if (json_text_is(v->text, v->length, "64")) {
			*mode = MMIODEC_MODE_64;
			return true;
		}
		if (json_text_is(v->text, v->length, "32")) {
			*mode = MMIODEC_MODE_32;
			return true;
		}
		if (json_text_is(v->text, v->length, "16")) {
			*mode = MMIODEC_MODE_16;
			return true;
		}
	}
	return line_fail(error, "mode: must be 64, 32 or 16");
}

static bool read_vendor(const struct json_value *v, enum mmiodec_vendor *vendor,
			struct line_error *error)
{
	static const enum mmiodec_vendor vendors[] = {
		MMIODEC_VENDOR_ANY, MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD,
	};

	if (v->type == JSON_STRING) {
		for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
			if (json_text_is(v->text, v->length, mmiodec_vendor_name(vendors[i]))) {
				*vendor = vendors[i];
				return true;
			}
		}
	}
	return line_fail(error, "vendor: must be \"any\", \"intel\" or \"amd\"");
}

static bool read_bytes(const struct json_value *v, struct exec_input *in,
		       struct line_error *error)
{
	char message[96];

	if (v->type != JSON_STRING)
		return line_fail(error, "bytes: must be a hex string, not %s",
				 json_type_name(v->type));
	if (!parse_hex(v->text, v->length, in->bytes, &in->byte_count, message, sizeof(message)))
		return line_fail(error, "bytes: %s", message);
	return true;
}

/* The line's object into *in: every key known, none twice, bytes given. */
static bool read_input(const struct json_document *doc, struct exec_input *in,
		       struct line_error *error)
{
	static const char *const keys[] = { "bytes", "mode", "vendor", "regs", "memory" };
	const struct json_value *values = doc->values;
	const struct json_value *root = &values[0];
	bool seen[sizeof(keys) / sizeof(keys[0])] = { false };

	*in = (struct exec_input){ .mode = MMIODEC_MODE_64, .vendor = MMIODEC_VENDOR_ANY };
	in->regs.rflags = DEFAULT_RFLAGS;
	if (root->type != JSON_OBJECT)
		return line_fail(error, "the line must be a JSON object, not %s",
				 json_type_name(root->type));
	for (unsigned c = root->count ? root->first : 0, k = 0; k < root->count;
	     k++, c = values[c].next) {
		const struct json_value *v = &values[c];
		size_t i;
		bool ok;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (json_text_is(v->key, v->key_length, keys[i]))
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return line_fail(error, "unknown key \"%.40s\"", v->key);
		if (seen[i])
			return line_fail(error, "\"%s\" given twice", keys[i]);
		seen[i] = true;
		switch (i) {
		case 0: ok = read_bytes(v, in, error); break;
		case 1: ok = read_mode(v, &in->mode, error); break;
		case 2: ok = read_vendor(v, &in->vendor, error); break;
		case 3: ok = read_regs(values, v, &in->regs, error); break;
		default: ok = read_memory(values, v, in, error); break;
		}
		if (!ok)
			return false;
	}
	if (!seen[0])
		return line_fail(error, "\"bytes\" is missing");
	return true;
}

/* The next memory value, for a read of width bytes at address. */
static bool do_read(const struct exec_input *in, struct exec_result *res, uint64_t address,
		    unsigned width, uint64_t value[2], struct line_error *error)
{
	unsigned k = res->memory_used;

	if (k == in->memory_count)
		return line_fail(error, "memory: no value for read %u (%u bytes at 0x%" PRIx64 ")",
				 k + 1, width, address);
	value[0] = in->memory[k][0];
	value[1] = in->memory[k][1];
	if ((width < 16 && value[1] != 0) || (width < 8 && value[0] >> (8 * width) != 0))
		return line_fail(error, "memory[%u]: wider than the %u-byte read", k, width);
	res->memory_used++;
	res->accesses[res->access_count++] = (struct exec_access){
		.address = address, .width = width, .value = { value[0], value[1] },
	};
	return true;
}

static void do_write(struct exec_result *res, uint64_t address, unsigned width,
		     const uint64_t value[2], bool writeback)
{
	res->accesses[res->access_count++] = (struct exec_access){
		.write = true, .writeback = writeback, .address = address, .width = width,
		.value = { value[0], width > 8 ? value[1] : 0 },
	};
}

/* One iteration of MOVS, STOS or LODS, through the string API. */
static bool run_string(const struct mmiodec_insn *insn, const struct exec_input *in,
		       struct exec_result *res, struct line_error *error)
{
	struct mmiodec_regs *regs = &res->regs;
	uint64_t value[2] = { 0, 0 };
	uint64_t address;

	res->status = "ok";
	res->executed = true;
	if (!mmiodec_string_pending(insn, regs)) {
		/* A repeat with rCX already 0: no iteration at all. */
		mmiodec_advance_rip(insn, regs);
		return true;
	}
	if (insn->op == MMIODEC_OP_MOVS) {
		uint64_t source;

		if (!mmiodec_address(insn, regs, 1, &source) ||
		    !mmiodec_address(insn, regs, 0, &address))
			goto not_handled;
		if (!do_read(in, res, source, insn->width, value, error))
			return false;
		do_write(res, address, insn->width, value, false);
	} else {
		if (!mmiodec_address(insn, regs, 0, &address))
			goto not_handled;
		if (insn->op == MMIODEC_OP_STOS) {
			value[0] = mmiodec_store_value(insn, regs);
			do_write(res, address, insn->width, value, false);
		} else {
			if (!do_read(in, res, address, insn->width, value, error))
				return false;
			if (!mmiodec_complete_load(insn, regs, value[0]))
				goto not_handled;
		}
	}
	mmiodec_string_step(insn, regs);
	return true;

not_handled:
	res->status = "not-handled";
	res->executed = false;
	res->access_count = 0;
	res->regs = in->regs;
	return true;
}

/* Everything but a string instruction, through mmiodec_execute(). */
static bool run_execute(const struct mmiodec_insn *insn, const struct exec_input *in,
			struct exec_result *res, struct line_error *error)
{
	uint64_t loaded[2] = { 0, 0 };
	struct mmiodec_exec out;
	uint64_t address;

	/* Before execute: it may change the address's registers (XADD [rax], rax). */
	if (!mmiodec_address(insn, &res->regs, 0, &address)) {
		res->status = "not-handled";
		return true;
	}
	if (insn->direction == MMIODEC_DIR_READ || insn->direction == MMIODEC_DIR_READ_WRITE) {
		if (!do_read(in, res, address, insn->width, loaded, error))
			return false;
	}
	switch (mmiodec_execute(insn, &res->regs, loaded, &out)) {
	case MMIODEC_EXEC_OK:
		res->status = "ok";
		res->executed = true;
		res->undefined_flags = out.undefined_flags;
		if (out.writes)
			do_write(res, address, insn->width, out.store, out.writes_back);
		break;
	case MMIODEC_EXEC_DIVIDE_ERROR:
		/* The CPU has read the divisor when it raises #DE. */
		res->status = "divide-error";
		res->exception = "#DE";
		break;
	default:
		res->status = "not-handled";
		res->access_count = 0;
		break;
	}
	return true;
}

static bool run(const struct exec_input *in, struct exec_result *res, struct line_error *error)
{
	struct mmiodec_insn insn;

	*res = (struct exec_result){ .regs = in->regs };
	if (mmiodec_decode_vendor(&insn, in->bytes, in->byte_count, in->mode, in->vendor) !=
	    MMIODEC_OK) {
		res->status = mmiodec_status_name((enum mmiodec_status)insn.status);
		return true;
	}
	switch (insn.op) {
	case MMIODEC_OP_MOVS:
	case MMIODEC_OP_STOS:
	case MMIODEC_OP_LODS:
		return run_string(&insn, in, res, error);
	default:
		return run_execute(&insn, in, res, error);
	}
}

/* "0x..." lowercase without leading zeros; 128 bits when high is set. */
static void print_hex(uint64_t low, uint64_t high)
{
	if (high)
		printf("\"0x%" PRIx64 "%016" PRIx64 "\"", high, low);
	else
		printf("\"0x%" PRIx64 "\"", low);
}

static void print_result(const struct exec_input *in, const struct exec_result *res)
{
	char buf[16];

	printf("{\"bytes\":\"");
	for (size_t i = 0; i < in->byte_count; i++)
		printf("%02x", in->bytes[i]);
	printf("\",\"mode\":%d,\"vendor\":\"%s\",\"status\":\"%s\"", (int)in->mode,
	       mmiodec_vendor_name(in->vendor), res->status);
	printf(",\"regs\":{");
	for (unsigned i = 0; i < REG_COUNT; i++) {
		printf("%s\"%s\":", i ? "," : "", reg_key(i, buf, sizeof(buf)));
		print_hex(reg_value(&res->regs, i), 0);
	}
	printf("},\"accesses\":[");
	for (unsigned i = 0; i < res->access_count; i++) {
		const struct exec_access *a = &res->accesses[i];

		printf("%s{\"kind\":\"%s\",\"address\":", i ? "," : "", a->write ? "write" : "read");
		print_hex(a->address, 0);
		printf(",\"width\":%u,\"value\":", a->width);
		print_hex(a->value[0], a->value[1]);
		if (a->write)
			printf(",\"writeback\":%s", a->writeback ? "true" : "false");
		printf("}");
	}
	printf("]");
	if (res->executed)
		printf(",\"undefined_flags\":\"0x%" PRIx32 "\"", res->undefined_flags);
	if (res->exception)
		printf(",\"exception\":\"%s\"", res->exception);
	printf("}\n");
}

static void print_error(unsigned long line, const char *message)
{
	int needed = mmiodec_json_string(NULL, 0, message);
	char *text = needed < 0 ? NULL : malloc((size_t)needed + 1);

	if (!text) {
		fprintf(stderr, "mmiodec: out of memory\n");
		exit(1);
	}
	mmiodec_json_string(text, (size_t)needed + 1, message);
	printf("{\"line\":%lu,\"error\":%s}\n", line, text);
	free(text);
}

/* One line (NUL-terminated at n, changed in place); false when it was bad. */
static bool exec_line(unsigned long number, char *text, size_t n)
{
	/* Large (a few KiB each): static, as the tool runs one line at a time. */
	static struct json_document doc;
	static struct exec_input in;
	static struct exec_result res;
	struct line_error error;

	if (!json_parse(&doc, text, n, EXEC_MAX_DEPTH)) {
		line_fail(&error, "bad JSON: %s", doc.error);
	} else if (read_input(&doc, &in, &error) && run(&in, &res, &error)) {
		print_result(&in, &res);
		return true;
	}
	print_error(number, error.text);
	return false;
}

static int exec_usage_error(const char *message, const char *detail)
{
	fprintf(stderr, "mmiodec exec: %s%s\n" EXEC_USAGE_LINE "Try 'mmiodec exec --help' for more.\n",
		message, detail);
	return 2;
}

int exec_main(int argc, char **argv)
{
	const char *path = NULL;
	bool options_ended = false;
	FILE *input = stdin;
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t got;
	unsigned long number = 0;
	bool all_good = true;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!options_ended && strcmp(arg, "--") == 0) {
			options_ended = true;
		} else if (!options_ended && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
			fputs(exec_usage_text, stdout);
			return 0;
		} else if (!options_ended && arg[0] == '-' && arg[1] != '\0') {
			return exec_usage_error("unknown option ", arg);
		} else if (path) {
			return exec_usage_error("more than one FILE: ", arg);
		} else {
			path = arg;
		}
	}
	if (path && strcmp(path, "-") != 0) {
		input = fopen(path, "r");
		if (!input) {
			fprintf(stderr, "mmiodec exec: cannot open %s\n", path);
			return 2;
		}
	}
	while ((got = getline(&line, &line_cap, input)) >= 0) {
		size_t n = (size_t)got;

		number++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!exec_line(number, line, n))
			all_good = false;
	}
	free(line);
	if (ferror(input)) {
		fprintf(stderr, "mmiodec exec: error reading %s\n", path ? path : "standard input");
		all_good = false;
	}
	if (input != stdin)
		fclose(input);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mmiodec exec: error writing standard output\n");
		return 1;
	}
	return all_good ? 0 : 1;
}
