/* SPDX-License-Identifier: MIT */
/*
 * The text form of a decode and the check of one table case (see
 * decode_text.h), in user space and in the kernel (kernel/selftest.c):
 * only snprintf, vsnprintf and a few string functions.
 */
#include "decode_text.h"
#include "../../src/forms.h"

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#else
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#endif

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The tests name things themselves rather than through the library's name
 * functions, so that a bug there cannot hide a bug in the decoder. */
static const char *const gpr_names[4][16] = {
	{ "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" },
	{ "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	  "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" },
	{ "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	  "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" },
	{ "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" },
};
static const char *const ip_names[4] = { NULL, "ip", "eip", "rip" };
static const char *const high8_names[4] = { "ah", "ch", "dh", "bh" };
static const char *const seg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

static const char *const status_names[] = {
	[MMIODEC_OK] = "ok",
	[MMIODEC_NO_MEMORY] = "no-memory",
	[MMIODEC_UNSUPPORTED] = "unsupported",
	[MMIODEC_INVALID] = "invalid",
	[MMIODEC_TRUNCATED] = "truncated",
	[MMIODEC_BAD_ARGUMENT] = "bad-argument",
	[MMIODEC_VENDOR_DEPENDENT] = "vendor-dependent",
};
/* The ops' names, and the conditions', from the description of the forms. */
static const char *const op_names[] = {
#define OP_NAME(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
	MMIODEC_OPS(OP_NAME)
#undef OP_NAME
};
static const char *const condition_names[16] = {
#define CONDITION_NAME(name) name,
	MMIODEC_CONDITIONS(CONDITION_NAME)
#undef CONDITION_NAME
};
static const char *const dir_names[] = {
	[MMIODEC_DIR_READ] = "ld",
	[MMIODEC_DIR_WRITE] = "st",
	[MMIODEC_DIR_READ_WRITE] = "ldst",
};
static const char *const rep_names[] = {
	[MMIODEC_REP_REP] = "rep",
	[MMIODEC_REP_REPE] = "repe",
	[MMIODEC_REP_REPNE] = "repne",
};

static const char *lookup(const char *const *names, size_t count,
			  unsigned value)
{
	return value < count ? names[value] : NULL;
}

/* Index into gpr_names for a width in bytes, or -1. */
static int width_index(unsigned width)
{
	switch (width) {
	case 1: return 0;
	case 2: return 1;
	case 4: return 2;
	case 8: return 3;
	default: return -1;
	}
}

static void reg_text(unsigned number, unsigned width, char *out, size_t size)
{
	int w = width_index(width);
	const char *name = NULL;

	if (w >= 0 && number < 16)
		name = gpr_names[w][number];
	else if (w >= 0 && number == MMIODEC_RIP)
		name = ip_names[w];
	if (name)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "reg?%u:w%u", number, width);
}

struct text {
	char *buf;
	size_t size;
	size_t used;
};

/* Appends to the text, which stays NUL-terminated and is cut at its size. */
static __attribute__((__format__(__printf__, 2, 0))) void
vadd(struct text *t, const char *fmt, va_list ap)
{
	int n;

	if (t->used + 1 >= t->size)
		return;
	n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
	if (n > 0)
		t->used += (size_t)n < t->size - t->used ? (size_t)n
							  : t->size - t->used - 1;
}

static __attribute__((__format__(__printf__, 2, 3))) void
add(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(t, fmt, ap);
	va_end(ap);
}

/* Appends one space-separated word. */
static __attribute__((__format__(__printf__, 2, 3))) void
word(struct text *t, const char *fmt, ...)
{
	va_list ap;

	if (t->used + 1 >= t->size)
		return;
	if (t->used > 0)
		t->buf[t->used++] = ' ';
	t->buf[t->used] = '\0';
	va_start(ap, fmt);
	vadd(t, fmt, ap);
	va_end(ap);
}

static void describe_mem(const struct mmiodec_mem *mem, unsigned insn_asize,
			 char *out, size_t size)
{
	const char *seg = lookup(seg_names, COUNT(seg_names), mem->segment);
	unsigned width = mem->address_size / 8;
	struct text t = { out, size, 0 };
	bool has_reg = false;
	char reg[32];

	out[0] = '\0';
	if (seg)
		add(&t, "%s:[", seg);
	else
		add(&t, "seg?%u:[", mem->segment);
	if (mem->base != MMIODEC_NO_REG) {
		reg_text(mem->base, width, reg, sizeof(reg));
		add(&t, "%s", reg);
		has_reg = true;
	}
	if (mem->index != MMIODEC_NO_REG) {
		reg_text(mem->index, width, reg, sizeof(reg));
		add(&t, "%s%s*%u", has_reg ? "+" : "", reg, mem->scale);
		has_reg = true;
	} else if (mem->scale != 0) {
		add(&t, "*?%u", mem->scale);
	}
	if (mem->displacement != 0 || !has_reg) {
		uint64_t magnitude = (uint64_t)mem->displacement;
		const char *sign = has_reg ? "+" : "";

		if (mem->displacement < 0) {
			magnitude = 0 - magnitude;
			sign = "-";
		}
		add(&t, "%s0x%llx", sign, (unsigned long long)magnitude);
	}
	add(&t, "]");
	if (mem->address_size != insn_asize)
		add(&t, "@a%u", mem->address_size);
	if (mem->align)
		add(&t, "+align%u", mem->align);
	if (mem->element)
		add(&t, "+element%u", mem->element);
}

void describe_insn(const struct mmiodec_insn *insn, char *out, size_t size)
{
	struct text t = { out, size, 0 };
	const char *name;
	char reg[32];
	char mem[96];

	out[0] = '\0';
	if (insn->status != MMIODEC_OK) {
		name = lookup(status_names, COUNT(status_names), insn->status);
		if (name)
			word(&t, "%s", name);
		else
			word(&t, "status?%u", insn->status);
		if (insn->status == MMIODEC_VENDOR_DEPENDENT && insn->length)
			word(&t, "same-length");
		else if (insn->vendor_dependent &&
			 insn->status != MMIODEC_VENDOR_DEPENDENT)
			word(&t, "vdep");
		return;
	}

	name = lookup(op_names, COUNT(op_names), insn->op);
	if (name && (insn->op == MMIODEC_OP_SETCC || insn->op == MMIODEC_OP_CMOVCC) &&
	    insn->condition < 16)
		word(&t, "%s%s", name, condition_names[insn->condition]);
	else if (name)
		word(&t, "%s", name);
	else
		word(&t, "op?%u", insn->op);
	if (insn->condition &&
	    insn->op != MMIODEC_OP_SETCC && insn->op != MMIODEC_OP_CMOVCC)
		word(&t, "condition?%u", insn->condition);
	name = lookup(dir_names, COUNT(dir_names), insn->direction);
	if (name)
		word(&t, "%s", name);
	else
		word(&t, "dir?%u", insn->direction);
	word(&t, "w%u", insn->width);

	switch (insn->extend) {
	case MMIODEC_EXTEND_NONE:
		if (insn->dest_width != insn->width)
			word(&t, "d%u", insn->dest_width);
		break;
	case MMIODEC_EXTEND_ZERO: word(&t, "zx%u", insn->dest_width); break;
	case MMIODEC_EXTEND_SIGN: word(&t, "sx%u", insn->dest_width); break;
	default: word(&t, "ext?%u", insn->extend); break;
	}

	switch (insn->reg_kind) {
	case MMIODEC_REG_KIND_NONE:
		break;
	case MMIODEC_REG_KIND_GPR:
		reg_text(insn->reg, insn->dest_width, reg, sizeof(reg));
		word(&t, "%s", reg);
		break;
	case MMIODEC_REG_KIND_GPR_HIGH8:
		name = lookup(high8_names, COUNT(high8_names), insn->reg);
		if (name)
			word(&t, "%s", name);
		else
			word(&t, "high8?%u", insn->reg);
		break;
	case MMIODEC_REG_KIND_MMX:
		word(&t, "mm%u", insn->reg);
		break;
	case MMIODEC_REG_KIND_XMM:
		word(&t, "xmm%u", insn->reg);
		break;
	case MMIODEC_REG_KIND_YMM:
		word(&t, "ymm%u", insn->reg);
		break;
	case MMIODEC_REG_KIND_ZMM:
		word(&t, "zmm%u", insn->reg);
		break;
	default:
		word(&t, "kind?%u:%u", insn->reg_kind, insn->reg);
		break;
	}

	if (insn->has_immediate == 1)
		word(&t, "imm=0x%llx", (unsigned long long)insn->immediate);
	else if (insn->has_immediate != 0)
		word(&t, "has_immediate?%u", insn->has_immediate);
	else if (insn->immediate != 0)
		word(&t, "imm?0x%llx", (unsigned long long)insn->immediate);

	if (insn->mem_count == 1 || insn->mem_count == 2) {
		static const struct mmiodec_mem unused;

		for (unsigned i = 0; i < insn->mem_count; i++) {
			describe_mem(&insn->mem[i], insn->address_size, mem,
				     sizeof(mem));
			word(&t, "%s", mem);
		}
		if (insn->mem_count == 1 &&
		    memcmp(&insn->mem[1], &unused, sizeof(unused)) != 0)
			word(&t, "mem[1]?");
	} else {
		word(&t, "mem_count?%u", insn->mem_count);
	}

	if (insn->rep != MMIODEC_REP_NONE) {
		name = lookup(rep_names, COUNT(rep_names), insn->rep);
		if (name)
			word(&t, "%s", name);
		else
			word(&t, "rep?%u", insn->rep);
	}
	if (insn->repeat == 1)
		word(&t, "repeat");
	else if (insn->repeat != 0)
		word(&t, "repeat?%u", insn->repeat);

	if (insn->locked == 1)
		word(&t, "lock");
	else if (insn->locked != 0)
		word(&t, "locked?%u", insn->locked);
	if (insn->reg_first == 1)
		word(&t, "rfirst");
	else if (insn->reg_first != 0)
		word(&t, "reg_first?%u", insn->reg_first);
	if (insn->mask)
		word(&t, "{k%u}%s", insn->mask, insn->zeroing == 1 ? "{z}" : "");
	if (insn->zeroing && (!insn->mask || insn->zeroing != 1))
		word(&t, "zeroing?%u", insn->zeroing);
	if (insn->reg2)
		word(&t, "reg2=%u", insn->reg2);
	word(&t, "o%u", insn->operand_size);
	word(&t, "a%u", insn->address_size);
	if (insn->vendor_dependent)
		word(&t, "vdep");
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_hex(const char *hex, uint8_t *out, size_t max, size_t *insn_len)
{
	size_t count = 0;
	bool split = false;

	*insn_len = 0;
	while (*hex) {
		int high, low;

		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (*hex == '|' && !split) {
			*insn_len = count;
			split = true;
			hex++;
			continue;
		}
		high = hex_digit(hex[0]);
		low = high < 0 ? -1 : hex_digit(hex[1]);
		if (low < 0 || count == max)
			return -1;
		out[count++] = (uint8_t)(high << 4 | low);
		hex += 2;
	}
	if (!split)
		*insn_len = count;
	return (int)count;
}

/* The status an expectation names: its first word, when that is a status
 * name (an OK decode's text starts with the mnemonic). */
static bool status_from_name(const char *text, enum mmiodec_status *status)
{
	size_t word_len = strcspn(text, " ");
	for (size_t i = 0; i < COUNT(status_names); i++) {
		if (status_names[i] && strlen(status_names[i]) == word_len &&
		    strncmp(text, status_names[i], word_len) == 0) {
			*status = (enum mmiodec_status)i;
			return true;
		}
	}
	return false;
}

/* Names the fields in which got differs from want. */
static void stray_fields(const struct mmiodec_insn *got,
			 const struct mmiodec_insn *want, char *out,
			 size_t size)
{
	struct text t = { out, size, 0 };

	out[0] = '\0';
#define FIELD(f) \
	if (got->f != want->f) \
		word(&t, #f "=%llu (expected %llu)", \
		     (unsigned long long)got->f, (unsigned long long)want->f)
	FIELD(length);
	FIELD(op);
	FIELD(direction);
	FIELD(width);
	FIELD(extend);
	FIELD(dest_width);
	FIELD(reg);
	FIELD(reg_kind);
	FIELD(has_immediate);
	FIELD(immediate);
	FIELD(mem_count);
	FIELD(rep);
	FIELD(repeat);
	FIELD(mode);
	FIELD(operand_size);
	FIELD(address_size);
	FIELD(vendor);
	FIELD(vendor_dependent);
	FIELD(locked);
	FIELD(condition);
	FIELD(reg_first);
	FIELD(mask);
	FIELD(zeroing);
	FIELD(reg2);
#undef FIELD
	for (unsigned i = 0; i < 2; i++) {
		if (memcmp(&got->mem[i], &want->mem[i], sizeof(got->mem[i])))
			word(&t, "mem[%u] not zero", i);
	}
}

/* Formats one failure of case c and hands it to the runner. */
static __attribute__((__format__(__printf__, 3, 4))) void
fail(const struct case_runner *runner, const struct decode_case *c,
     const char *fmt, ...)
{
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	runner->fail(c, message);
}

bool check_case(const struct decode_case *c, const struct case_runner *runner)
{
	uint8_t bytes[DECODE_CASE_MAX_BYTES + 16];
	struct mmiodec_insn got, other;
	enum mmiodec_status status = MMIODEC_OK;
	size_t insn_len;
	char text[256];
	bool ok = true;
	int n;

	n = parse_hex(c->bytes, bytes, DECODE_CASE_MAX_BYTES, &insn_len);
	if (n < 0) {
		fail(runner, c, "malformed hex in the test table");
		return false;
	}
	status_from_name(c->expect, &status);

	runner->decode(&got, bytes, (size_t)n, CASE_MODE(c), CASE_VENDOR(c));
	describe_insn(&got, text, sizeof(text));
	if (strcmp(text, c->expect) != 0) {
		fail(runner, c, "got \"%s\", expected \"%s\"", text, c->expect);
		return false;
	}

	if (status == MMIODEC_OK) {
		if (got.length != insn_len) {
			fail(runner, c, "length %u, expected %zu", got.length, insn_len);
			ok = false;
		}
		if (got.mode != CASE_MODE(c)) {
			fail(runner, c, "mode %u, expected %u", got.mode, CASE_MODE(c));
			ok = false;
		}
		if (got.vendor != CASE_VENDOR(c)) {
			fail(runner, c, "vendor %u, expected %u", got.vendor, CASE_VENDOR(c));
			ok = false;
		}
		for (unsigned i = 0; i < got.mem_count && i < 2; i++) {
			unsigned access = got.direction;
			/* MOVS, MOVDIR64B, ENQCMD: the destination, then
			 * the source */
			if (got.mem_count == 2)
				access = i == 0 ? MMIODEC_DIR_WRITE : MMIODEC_DIR_READ;
			if (got.mem[i].access != access) {
				fail(runner, c, "mem[%u].access %u, expected %u", i,
				     got.mem[i].access, access);
				ok = false;
			}
		}
	} else {
		/* Only status, and length and mode when the instruction is
		 * valid. */
		struct mmiodec_insn want;

		memset(&want, 0, sizeof(want));
		want.status = (uint8_t)status;
		if (status == MMIODEC_NO_MEMORY || status == MMIODEC_UNSUPPORTED ||
		    (status == MMIODEC_VENDOR_DEPENDENT &&
		     strstr(c->expect, " same-length"))) {
			want.length = (uint8_t)insn_len;
			want.mode = (uint8_t)CASE_MODE(c);
		}
		if (status != MMIODEC_BAD_ARGUMENT)
			want.vendor = (uint8_t)CASE_VENDOR(c);
		want.vendor_dependent = status == MMIODEC_VENDOR_DEPENDENT ||
					strstr(c->expect, " vdep") != NULL;
		if (memcmp(&got, &want, sizeof(got)) != 0) {
			stray_fields(&got, &want, text, sizeof(text));
			fail(runner, c, "%s: %s", c->expect, text);
			ok = false;
		}
	}

	if (status == MMIODEC_OK || status == MMIODEC_NO_MEMORY ||
	    status == MMIODEC_UNSUPPORTED) {
		for (size_t k = 0; k < insn_len; k++) {
			runner->decode(&other, bytes, k, CASE_MODE(c), CASE_VENDOR(c));
			if (other.status != MMIODEC_TRUNCATED) {
				describe_insn(&other, text, sizeof(text));
				fail(runner, c, "first %zu bytes: got \"%s\", expected "
				     "\"truncated\"", k, text);
				ok = false;
				break;
			}
		}
	}

	if (status != MMIODEC_TRUNCATED && status != MMIODEC_BAD_ARGUMENT) {
		memset(bytes + n, 0xff, 16);
		runner->decode(&other, bytes, (size_t)n + 16, CASE_MODE(c), CASE_VENDOR(c));
		/* A vendor's vendor_dependent compares with the other vendor's
		 * answer on the same bytes, which may need more of them
		 * (include/mmiodec.h): it alone may change. */
		if (CASE_VENDOR(c) != MMIODEC_VENDOR_ANY)
			other.vendor_dependent = got.vendor_dependent;
		if (memcmp(&got, &other, sizeof(got)) != 0) {
			describe_insn(&other, text, sizeof(text));
			fail(runner, c, "with 16 more bytes after it: got \"%s\" "
			     "(or another field changed)", text);
			ok = false;
		}
	}
	return ok;
}

const char *case_vendor_text(const struct decode_case *c)
{
	switch (CASE_VENDOR(c)) {
	case MMIODEC_VENDOR_ANY: return "";
	case MMIODEC_VENDOR_INTEL: return " intel";
	case MMIODEC_VENDOR_AMD: return " amd";
	default: return " vendor?";
	}
}
