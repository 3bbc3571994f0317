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
	"          most 16 digits; missing ones are 0, rflags 0x2. Vector\n"
	"          registers: xmm0..xmm31, ymm0..ymm31, zmm0..zmm31 (one name per\n"
	"          register number: the rest of the ZMM register is 0), a \"0x\"\n"
	"          hex string of at most 32, 64, 128 digits: the register's bytes\n"
	"          as a little-endian number (byte 0 is the lowest); k0..k7 and\n"
	"          mm0..mm7, at most 16 digits\n"
	"  memory  what memory returns for each read, in order: a number, or a\n"
	"          \"0x\" hex string of at most 128 digits; one value per read, of\n"
	"          at most the read's width (a 16-byte read takes one value);\n"
	"          then ENQCMD's and ENQCMDS's answer (0: accepted); values left\n"
	"          over are ignored\n"
	"\n"
	"Prints one JSON object per line, in input order:\n"
	"  {\"bytes\":\"0108\",\"mode\":64,\"vendor\":\"any\",\"status\":\"ok\",\"regs\":{...},\n"
	"   \"accesses\":[{\"kind\":\"read\",\"address\":\"0x1000\",\"width\":4,\"value\":\"0xfffffffd\"},\n"
	"   {\"kind\":\"write\",\"address\":\"0x1000\",\"width\":4,\"value\":\"0x2\",\"writeback\":false}],\n"
	"   \"undefined_flags\":\"0x0\"}\n"
	"status: ok (done), divide-error (#DE: ends in \"exception\":\"#DE\";\n"
	"registers unchanged, the read that faulted listed), general-protection\n"
	"(#GP: an address not aligned as the instruction requires, unless an\n"
	"opmask selects nothing; nothing done), not-handled, or the decoder's status (no-memory, unsupported,\n"
	"invalid, truncated, vendor-dependent: nothing done). regs: every\n"
	"general register after, rip and rflags included, then the vector\n"
	"registers that are not zero after (zmm0..zmm31 whole, k0..k7,\n"
	"mm0..mm7), so that it can be fed back as input.\n"
	"A masked vector access lists each run of contiguous bytes the mask\n"
	"selects as one access, lowest address first; a read takes one memory\n"
	"value per run. MOVDIR64B, ENQCMD, ENQCMDS read 64 bytes at the source\n"
	"and write them at ES:[reg]; ENQCMD's write has \"answer\".\n"
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

/* The widest value: a ZMM register, MOVDIR64B's 64 bytes. */
#define VALUE_BYTES 64

struct exec_input {
	uint8_t bytes[MAX_INPUT_BYTES];
	size_t byte_count;
	enum mmiodec_mode mode;
	enum mmiodec_vendor vendor;
	struct mmiodec_regs regs;
	struct mmiodec_vregs vregs;
	/* little-endian: memory[k][0] is the lowest byte */
	uint8_t memory[JSON_MAX_VALUES][VALUE_BYTES];
	unsigned memory_count;
};

struct exec_access {
	bool write;
	bool writeback;
	bool has_answer;
	uint64_t address;
	unsigned width;
	uint8_t value[VALUE_BYTES];
	uint64_t answer;
};

/* A read and a write (a read-modify-write, MOVS, MOVDIR64B), or one
 * access per run of bytes a mask selects (at most 32 in 64 bytes). */
#define MAX_ACCESSES 32

struct exec_result {
	const char *status;
	const char *exception;
	struct mmiodec_regs regs;
	struct mmiodec_vregs vregs;
	struct exec_access accesses[MAX_ACCESSES];
	unsigned access_count;
	bool executed;
	uint32_t undefined_flags;
	unsigned memory_used;
};

/* The low 16 bytes of a little-endian value as two 64-bit halves, and
 * back. */
static void bytes_to_pair(const uint8_t *bytes, unsigned n, uint64_t pair[2])
{
	pair[0] = pair[1] = 0;
	for (unsigned i = 0; i < n && i < 16; i++)
		pair[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
}

static void pair_to_bytes(const uint64_t pair[2], uint8_t bytes[VALUE_BYTES])
{
	memset(bytes, 0, VALUE_BYTES);
	for (unsigned i = 0; i < 16; i++)
		bytes[i] = (uint8_t)(pair[i / 8] >> (8 * (i % 8)));
}

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
 * string "0x" and 1..max_bytes*2 hex digits; into value[0..VALUE_BYTES),
 * little-endian (the last digit is the low nibble of value[0]).
 */
static bool read_value(const struct json_value *v, unsigned max_bytes,
		       uint8_t value[VALUE_BYTES], const char *what, struct line_error *error)
{
	memset(value, 0, VALUE_BYTES);
	if (v->type == JSON_NUMBER) {
		uint64_t n = 0;

		for (size_t i = 0; i < v->length; i++) {
			unsigned digit = (unsigned)(v->text[i] - '0');

			if (digit > 9)
				return line_fail(error, "%s: a number must be a non-negative integer (no sign, fraction or exponent)",
						 what);
			if (n > (UINT64_MAX - digit) / 10)
				return line_fail(error, "%s: a number must be below 2^64 (use a hex string)",
						 what);
			n = n * 10 + digit;
		}
		if (max_bytes < 8 && n >> (8 * max_bytes))
			return line_fail(error, "%s: more than %u bytes", what, max_bytes);
		for (unsigned i = 0; i < 8; i++)
			value[i] = (uint8_t)(n >> (8 * i));
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
		/* digit i, counted from the end, is nibble (length - 1 - i) */
		size_t nibble = v->length - 1 - i;
		int digit = hex_digit_value(v->text[i]);

		if (digit < 0)
			return line_fail(error, "%s: not a hex digit at column %zu of the string",
					 what, i + 1);
		value[nibble / 2] |= (uint8_t)((unsigned)digit << (4 * (nibble % 2)));
	}
	return true;
}

/* A value of at most 8 bytes, as an integer. */
static bool read_number(const struct json_value *v, unsigned max_bytes, uint64_t *out,
			const char *what, struct line_error *error)
{
	uint8_t value[VALUE_BYTES];
	uint64_t pair[2];

	if (!read_value(v, max_bytes, value, what, error))
		return false;
	bytes_to_pair(value, 8, pair);
	*out = pair[0];
	return true;
}

/*
 * A vector register key: xmmN, ymmN, zmmN (N 0..31), kN, mmN (N 0..7).
 * *kind is MMIODEC_REG_KIND_XMM.. or MMX, or MMIODEC_REG_KIND_NONE for k;
 * false for any other key.
 */
static bool vector_key(const char *key, size_t length, unsigned *kind, unsigned *number)
{
	static const struct {
		const char *prefix;
		unsigned kind, count;
	} names[] = {
		{ "xmm", MMIODEC_REG_KIND_XMM, 32 }, { "ymm", MMIODEC_REG_KIND_YMM, 32 },
		{ "zmm", MMIODEC_REG_KIND_ZMM, 32 }, { "mm", MMIODEC_REG_KIND_MMX, 8 },
		{ "k", MMIODEC_REG_KIND_NONE, 8 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].prefix);
		unsigned value = 0;

		if (length <= n || length > n + 2 || strncmp(key, names[i].prefix, n) != 0)
			continue;
		/* no leading zero: xmm01 is not xmm1 */
		if (key[n] == '0' && length > n + 1)
			return false;
		for (size_t k = n; k < length; k++) {
			if (key[k] < '0' || key[k] > '9')
				return false;
			value = value * 10 + (unsigned)(key[k] - '0');
		}
		if (value >= names[i].count)
			return false;
		*kind = names[i].kind;
		*number = value;
		return true;
	}
	return false;
}

static unsigned vector_bytes(unsigned kind)
{
	switch (kind) {
	case MMIODEC_REG_KIND_XMM: return 16;
	case MMIODEC_REG_KIND_YMM: return 32;
	case MMIODEC_REG_KIND_ZMM: return 64;
	default: return 8;
	}
}

/* One vector register of regs into *vregs; seen: per ZMM number (xmm3,
 * ymm3 and zmm3 are one register), then k0..k7, then mm0..mm7. */
static bool read_vector(const struct json_value *v, unsigned kind, unsigned number,
			struct mmiodec_vregs *vregs, bool seen[48], struct line_error *error)
{
	unsigned slot = kind == MMIODEC_REG_KIND_NONE ? 32 + number
			: kind == MMIODEC_REG_KIND_MMX ? 40 + number : number;
	unsigned n = vector_bytes(kind);
	uint8_t value[VALUE_BYTES];
	char what[48];
	uint64_t pair[2];

	if (seen[slot])
		return line_fail(error, "regs: \"%s\" names a register given before", v->key);
	seen[slot] = true;
	snprintf(what, sizeof(what), "regs.%s", v->key);
	if (!read_value(v, n, value, what, error))
		return false;
	bytes_to_pair(value, 8, pair);
	if (kind == MMIODEC_REG_KIND_NONE)
		vregs->k[number] = pair[0];
	else if (kind == MMIODEC_REG_KIND_MMX)
		vregs->mm[number] = pair[0];
	else
		memcpy(vregs->zmm[number], value, n);
	return true;
}

static bool read_regs(const struct json_value *values, const struct json_value *regs,
		      struct mmiodec_regs *out, struct mmiodec_vregs *vout,
		      struct line_error *error)
{
	bool seen[REG_COUNT] = { false }, vector_seen[48] = { false };

	if (regs->type != JSON_OBJECT)
		return line_fail(error, "regs: must be an object, not %s", json_type_name(regs->type));
	for (unsigned c = regs->count ? regs->first : 0, k = 0; k < regs->count;
	     k++, c = values[c].next) {
		const struct json_value *v = &values[c];
		char buf[16], what[48];
		unsigned i, kind, number;

		for (i = 0; i < REG_COUNT; i++)
			if (json_text_is(v->key, v->key_length, reg_key(i, buf, sizeof(buf))))
				break;
		if (i == REG_COUNT && vector_key(v->key, v->key_length, &kind, &number)) {
			if (!read_vector(v, kind, number, vout, vector_seen, error))
				return false;
			continue;
		}
		if (i == REG_COUNT)
			return line_fail(error, "regs: unknown register \"%.40s\"", v->key);
		if (seen[i])
			return line_fail(error, "regs: \"%s\" given twice", v->key);
		seen[i] = true;
		snprintf(what, sizeof(what), "regs.%s", v->key);
		if (!read_number(v, 8, reg_slot(out, i), what, error))
			return false;
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
		if (!read_value(&values[c], VALUE_BYTES, in->memory[k], what, error))
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
		case 3: ok = read_regs(values, v, &in->regs, &in->vregs, error); break;
		default: ok = read_memory(values, v, in, error); break;
		}
		if (!ok)
			return false;
	}
	if (!seen[0])
		return line_fail(error, "\"bytes\" is missing");
	return true;
}

/* The next memory value, for a read of width bytes at address, into
 * value[0..width) (the rest zero). */
static bool do_read(const struct exec_input *in, struct exec_result *res, uint64_t address,
		    unsigned width, uint8_t value[VALUE_BYTES], struct line_error *error)
{
	unsigned k = res->memory_used;
	struct exec_access *a;

	if (k == in->memory_count)
		return line_fail(error, "memory: no value for read %u (%u bytes at 0x%" PRIx64 ")",
				 k + 1, width, address);
	for (unsigned i = width; i < VALUE_BYTES; i++)
		if (in->memory[k][i])
			return line_fail(error, "memory[%u]: wider than the %u-byte read", k, width);
	if (res->access_count == MAX_ACCESSES)
		return line_fail(error, "more than %u accesses", MAX_ACCESSES);
	memcpy(value, in->memory[k], VALUE_BYTES);
	res->memory_used++;
	a = &res->accesses[res->access_count++];
	*a = (struct exec_access){ .address = address, .width = width };
	memcpy(a->value, value, width);
	return true;
}

static void do_write(struct exec_result *res, uint64_t address, unsigned width,
		     const uint8_t value[VALUE_BYTES], bool writeback)
{
	struct exec_access *a;

	if (res->access_count == MAX_ACCESSES)
		return;
	a = &res->accesses[res->access_count++];
	*a = (struct exec_access){
		.write = true, .writeback = writeback, .address = address, .width = width,
	};
	memcpy(a->value, value, width);
}

/* One iteration of MOVS, STOS or LODS, through the string API. */
static bool run_string(const struct mmiodec_insn *insn, const struct exec_input *in,
		       struct exec_result *res, struct line_error *error)
{
	struct mmiodec_regs *regs = &res->regs;
	uint8_t value[VALUE_BYTES] = { 0 };
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
			uint64_t pair[2] = { mmiodec_store_value(insn, regs), 0 };

			pair_to_bytes(pair, value);
			do_write(res, address, insn->width, value, false);
		} else {
			uint64_t pair[2];

			if (!do_read(in, res, address, insn->width, value, error))
				return false;
			bytes_to_pair(value, 8, pair);
			if (!mmiodec_complete_load(insn, regs, pair[0]))
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
	uint8_t value[VALUE_BYTES];
	struct mmiodec_exec out;
	uint64_t address;

	/* Before execute: it may change the address's registers (XADD [rax], rax). */
	if (!mmiodec_address(insn, &res->regs, 0, &address)) {
		res->status = "not-handled";
		return true;
	}
	if (insn->direction == MMIODEC_DIR_READ || insn->direction == MMIODEC_DIR_READ_WRITE) {
		if (!do_read(in, res, address, insn->width, value, error))
			return false;
		bytes_to_pair(value, 16, loaded);
	}
	switch (mmiodec_execute(insn, &res->regs, loaded, &out)) {
	case MMIODEC_EXEC_OK:
		res->status = "ok";
		res->executed = true;
		res->undefined_flags = out.undefined_flags;
		if (out.writes) {
			pair_to_bytes(out.store, value);
			do_write(res, address, insn->width, value, out.writes_back);
		}
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

/* The linear address `offset` bytes into an access at `address`: the CPU
 * wraps it at 32 bits outside 64-bit mode, as mmiodec_address() does. */
static uint64_t offset_address(const struct mmiodec_insn *insn, uint64_t address, unsigned offset)
{
	uint64_t linear = address + offset;

	return insn->mode == MMIODEC_MODE_64 ? linear : linear & 0xffffffffu;
}

/*
 * A vector load or store, through the vector helpers: the bytes
 * mmiodec_vector_mask() selects, one access per contiguous run of them
 * (a masked-off element is neither read nor written), then the register
 * (mmiodec_vector_complete_load()) and RIP.
 */
static bool run_vector(const struct mmiodec_insn *insn, const struct exec_input *in,
		       struct exec_result *res, struct line_error *error)
{
	uint8_t data[VALUE_BYTES] = { 0 };
	uint64_t address, selected;
	bool load = insn->direction == MMIODEC_DIR_READ;

	if (!mmiodec_address(insn, &res->regs, 0, &address) ||
	    (!load && !mmiodec_vector_store_value(insn, &res->vregs, data)))
		goto not_handled;
	selected = mmiodec_vector_mask(insn, &res->vregs);
	for (unsigned start = 0; start < insn->width;) {
		unsigned end = start;

		if (!((selected >> start) & 1)) {
			start++;
			continue;
		}
		while (end < insn->width && ((selected >> end) & 1))
			end++;
		if (load) {
			uint8_t value[VALUE_BYTES];

			if (!do_read(in, res, offset_address(insn, address, start), end - start,
				     value, error))
				return false;
			memcpy(data + start, value, end - start);
		} else {
			do_write(res, offset_address(insn, address, start), end - start, data + start,
				 false);
		}
		start = end;
	}
	if (load && !mmiodec_vector_complete_load(insn, &res->vregs, data))
		goto not_handled;
	mmiodec_advance_rip(insn, &res->regs);
	res->status = "ok";
	res->executed = true;
	return true;

not_handled:
	res->status = "not-handled";
	res->access_count = 0;
	res->regs = in->regs;
	res->vregs = in->vregs;
	return true;
}

/*
 * MOVDIR64B, ENQCMD, ENQCMDS: 64 bytes read at the source (mem[1]) and
 * written as one at ES:[reg] (mem[0]); for ENQCMD(S) the next memory value
 * is the device's answer (0: accepted), which mmiodec_execute() turns
 * into ZF. The command is written as read: ENQCMD's PASID (SDM vol. 2
 * ENQCMD: bits 19:0 of its first doubleword come from IA32_PASID, bit 31
 * is cleared) is the handler's to put in.
 */
static bool run_portal(const struct mmiodec_insn *insn, const struct exec_input *in,
		       struct exec_result *res, struct line_error *error)
{
	uint8_t value[VALUE_BYTES];
	uint64_t loaded[2] = { 0, 0 };
	uint64_t source, destination;
	struct mmiodec_exec out;

	if (!mmiodec_address(insn, &res->regs, 1, &source) ||
	    !mmiodec_address(insn, &res->regs, 0, &destination)) {
		res->status = "not-handled";
		return true;
	}
	if (!do_read(in, res, source, insn->width, value, error))
		return false;
	do_write(res, destination, insn->width, value, false);
	if (insn->op != MMIODEC_OP_MOVDIR64B) {
		struct exec_access *write = &res->accesses[res->access_count - 1];
		unsigned k = res->memory_used;

		if (k == in->memory_count)
			return line_fail(error, "memory: no value for the answer to %s (read %u)",
					 mmiodec_mnemonic(insn), k + 1);
		for (unsigned i = 8; i < VALUE_BYTES; i++)
			if (in->memory[k][i])
				return line_fail(error, "memory[%u]: an answer is at most 8 bytes", k);
		bytes_to_pair(in->memory[k], 8, loaded);
		res->memory_used++;
		write->has_answer = true;
		write->answer = loaded[0];
	}
	if (mmiodec_execute(insn, &res->regs, loaded, &out) != MMIODEC_EXEC_OK) {
		res->status = "not-handled";
		res->access_count = 0;
		res->regs = in->regs;
		return true;
	}
	res->status = "ok";
	res->executed = true;
	res->undefined_flags = out.undefined_flags;
	return true;
}

/* Whether an operand's address is not aligned as the instruction requires
 * (mem[].align): the CPU raises #GP before any access; but not for an
 * EVEX access whose mask selects no element (include/mmiodec.h, measured
 * on Intel). */
static bool misaligned(const struct mmiodec_insn *insn, const struct mmiodec_regs *regs,
		       const struct mmiodec_vregs *vregs)
{
	if (insn->mask && mmiodec_vector_mask(insn, vregs) == 0)
		return false;
	for (unsigned i = 0; i < insn->mem_count && i < 2; i++) {
		uint64_t address;

		if (insn->mem[i].align && mmiodec_address(insn, regs, i, &address) &&
		    address % insn->mem[i].align != 0)
			return true;
	}
	return false;
}

static bool run(const struct exec_input *in, struct exec_result *res, struct line_error *error)
{
	struct mmiodec_insn insn;

	*res = (struct exec_result){ .regs = in->regs, .vregs = in->vregs };
	if (mmiodec_decode_vendor(&insn, in->bytes, in->byte_count, in->mode, in->vendor) !=
	    MMIODEC_OK) {
		res->status = mmiodec_status_name((enum mmiodec_status)insn.status);
		return true;
	}
	if (misaligned(&insn, &in->regs, &in->vregs)) {
		res->status = "general-protection";
		res->exception = "#GP";
		return true;
	}
	switch (insn.op) {
	case MMIODEC_OP_MOVS:
	case MMIODEC_OP_STOS:
	case MMIODEC_OP_LODS:
		return run_string(&insn, in, res, error);
	case MMIODEC_OP_MOVDIR64B:
	case MMIODEC_OP_ENQCMD:
	case MMIODEC_OP_ENQCMDS:
		return run_portal(&insn, in, res, error);
	default:
		if (insn.reg_kind >= MMIODEC_REG_KIND_MMX)
			return run_vector(&insn, in, res, error);
		return run_execute(&insn, in, res, error);
	}
}

/* "0x..." lowercase without leading zeros. */
static void print_hex(uint64_t value)
{
	printf("\"0x%" PRIx64 "\"", value);
}

/* bytes[0..n), little-endian, as one "0x..." number without leading
 * zeros. */
static void print_hex_bytes(const uint8_t *bytes, unsigned n)
{
	unsigned top = n;

	while (top > 1 && bytes[top - 1] == 0)
		top--;
	printf("\"0x");
	printf("%x", top ? bytes[top - 1] : 0u);
	for (unsigned i = top - 1; i-- > 0;)
		printf("%02x", bytes[i]);
	printf("\"");
}

static bool all_zero(const uint8_t *bytes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (bytes[i])
			return false;
	return true;
}

/* The vector registers that are not zero, after the general ones. */
static void print_vregs(const struct mmiodec_vregs *vregs)
{
	for (unsigned i = 0; i < 32; i++)
		if (!all_zero(vregs->zmm[i], 64)) {
			printf(",\"zmm%u\":", i);
			print_hex_bytes(vregs->zmm[i], 64);
		}
	for (unsigned i = 0; i < 8; i++)
		if (vregs->k[i]) {
			printf(",\"k%u\":", i);
			print_hex(vregs->k[i]);
		}
	for (unsigned i = 0; i < 8; i++)
		if (vregs->mm[i]) {
			printf(",\"mm%u\":", i);
			print_hex(vregs->mm[i]);
		}
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
		print_hex(reg_value(&res->regs, i));
	}
	print_vregs(&res->vregs);
	printf("},\"accesses\":[");
	for (unsigned i = 0; i < res->access_count; i++) {
		const struct exec_access *a = &res->accesses[i];

		printf("%s{\"kind\":\"%s\",\"address\":", i ? "," : "", a->write ? "write" : "read");
		print_hex(a->address);
		printf(",\"width\":%u,\"value\":", a->width);
		print_hex_bytes(a->value, a->width);
		if (a->write)
			printf(",\"writeback\":%s", a->writeback ? "true" : "false");
		if (a->has_answer) {
			printf(",\"answer\":");
			print_hex(a->answer);
		}
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
