/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* An output buffer with snprintf's contract: `needed` keeps counting past
 * the end so the caller learns the full length, and whatever fits is
 * always NUL-terminated. */
struct json_out {
	char *buf;
	size_t cap;
	size_t needed;
};

static void put_bytes(struct json_out *out, const char *s, size_t n)
{
	if (out->needed < out->cap) {
		size_t room = out->cap - out->needed - 1;
		size_t fit = n < room ? n : room;

		memcpy(out->buf + out->needed, s, fit);
		out->buf[out->needed + fit] = '\0';
	}
	out->needed += n;
}

static void put(struct json_out *out, const char *s)
{
	put_bytes(out, s, strlen(s));
}

static void put_unsigned(struct json_out *out, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	put(out, text);
}

static void put_signed(struct json_out *out, int64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRId64, value);
	put(out, text);
}

/* A name, or null for NULL (no such operand). */
static void put_name(struct json_out *out, const char *name)
{
	if (!name) {
		put(out, "null");
		return;
	}
	put(out, "\"");
	put(out, name);
	put(out, "\"");
}

/* The well-formed UTF-8 sequences (Unicode table 3-7): by lead byte, the
 * range the second byte must lie in (which excludes overlong forms,
 * surrogates and code points above U+10FFFF) and the sequence length. */
static const struct {
	uint8_t lead_lo, lead_hi, second_lo, second_hi, length;
} utf8_forms[] = {
	{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
	{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
	{ 0xe1, 0xec, 0x80, 0xbf, 3 },
	{ 0xed, 0xed, 0x80, 0x9f, 3 },
	{ 0xee, 0xef, 0x80, 0xbf, 3 },
	{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
	{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
	{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
};

/* Length of the well-formed UTF-8 sequence of 2..4 bytes at s, or 0. */
static size_t utf8_sequence_length(const unsigned char *s)
{
	for (size_t i = 0; i < sizeof(utf8_forms) / sizeof(utf8_forms[0]); i++) {
		if (s[0] < utf8_forms[i].lead_lo || s[0] > utf8_forms[i].lead_hi)
			continue;
		if (s[1] < utf8_forms[i].second_lo || s[1] > utf8_forms[i].second_hi)
			return 0;
		/* A NUL ends the string and fails this test, so we never
		 * read past it. */
		for (size_t k = 2; k < utf8_forms[i].length; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return utf8_forms[i].length;
	}
	return 0;
}

static void put_json_string(struct json_out *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	put(out, "\"");
	while (*s) {
		size_t n;

		if (*s == '"' || *s == '\\') {
			char escaped[2] = { '\\', (char)*s };

			put_bytes(out, escaped, 2);
			s++;
		} else if (*s < 0x20) {
			char escaped[8];

			snprintf(escaped, sizeof(escaped), "\\u%04x", *s);
			put(out, escaped);
			s++;
		} else if (*s < 0x80) {
			put_bytes(out, (const char *)s, 1);
			s++;
		} else if ((n = utf8_sequence_length(s)) != 0) {
			put_bytes(out, (const char *)s, n);
			s += n;
		} else {
			put(out, "\\ufffd");
			s++;
		}
	}
	put(out, "\"");
}

static int finish(struct json_out *out)
{
	return out->needed > INT_MAX ? -1 : (int)out->needed;
}

static struct json_out json_out_start(char *buf, size_t cap)
{
	if (cap > 0)
		buf[0] = '\0';
	return (struct json_out){ .buf = buf, .cap = cap, .needed = 0 };
}

static const char *direction_name(uint8_t direction)
{
	switch (direction) {
	case MMIODEC_DIR_READ: return "read";
	case MMIODEC_DIR_WRITE: return "write";
	case MMIODEC_DIR_READ_WRITE: return "read-write";
	default: return "none";
	}
}

static const char *extend_name(uint8_t extend)
{
	switch (extend) {
	case MMIODEC_EXTEND_ZERO: return "zero";
	case MMIODEC_EXTEND_SIGN: return "sign";
	default: return "none";
	}
}

/* NULL (JSON null) for no prefix. */
static const char *rep_name(uint8_t rep)
{
	switch (rep) {
	case MMIODEC_REP_REP: return "rep";
	case MMIODEC_REP_REPE: return "repe";
	case MMIODEC_REP_REPNE: return "repne";
	default: return NULL;
	}
}

/* A register the descriptor has but the library cannot name (a bad
 * number or width) shows as "?", so it never looks like no register. */
static const char *name_or_unknown(const char *name)
{
	return name ? name : "?";
}

/* Base and index are named at the operand's address size, so that the
 * 67 prefix shows as eax/eip rather than rax/rip, as Zydis shows it. */
static const char *address_reg_name(uint8_t reg, uint8_t address_size)
{
	if (reg == MMIODEC_NO_REG)
		return NULL;
	return name_or_unknown(mmiodec_reg_name(MMIODEC_REG_KIND_GPR, reg, address_size / 8));
}

static void put_memory_operand(struct json_out *out, const struct mmiodec_mem *mem)
{
	put(out, "{\"segment\":");
	put_name(out, name_or_unknown(mmiodec_seg_name((enum mmiodec_seg)mem->segment)));
	put(out, ",\"base\":");
	put_name(out, address_reg_name(mem->base, mem->address_size));
	put(out, ",\"index\":");
	put_name(out, address_reg_name(mem->index, mem->address_size));
	put(out, ",\"scale\":");
	put_unsigned(out, mem->scale);
	put(out, ",\"displacement\":");
	put_signed(out, mem->displacement);
	put(out, ",\"address_size\":");
	put_unsigned(out, mem->address_size);
	put(out, ",\"access\":");
	put_name(out, direction_name(mem->access));
	put(out, ",\"align\":");
	put_unsigned(out, mem->align);
	put(out, ",\"element\":");
	put_unsigned(out, mem->element);
	put(out, "}");
}

/* The register operand, at the width the instruction uses it
 * (dest_width): a load's destination at its full width (MOVZX eax, byte
 * [..] is eax, not al), cl for a shift by CL, ax for a byte DIV. */
static const char *register_name(const struct mmiodec_insn *insn)
{
	if (insn->reg_kind == MMIODEC_REG_KIND_NONE)
		return NULL;
	return name_or_unknown(mmiodec_reg_name((enum mmiodec_reg_kind)insn->reg_kind,
						insn->reg, insn->dest_width));
}

/* Whether the descriptor's reg2 names a register: only the VEX/EVEX
 * loads VMOVLPS, VMOVHPS, VMOVLPD, VMOVHPD have one (reg2 0 is then
 * XMM0, not "none"). */
static bool has_reg2(const struct mmiodec_insn *insn)
{
	switch (insn->op) {
	case MMIODEC_OP_VMOVLPS:
	case MMIODEC_OP_VMOVHPS:
	case MMIODEC_OP_VMOVLPD:
	case MMIODEC_OP_VMOVHPD:
		return insn->direction == MMIODEC_DIR_READ;
	default:
		return false;
	}
}

/* k1..k7; "?" for a number no opmask register has. */
static const char *mask_name(uint8_t mask)
{
	static const char *const names[8] = { "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7" };

	return mask < 8 ? names[mask] : "?";
}

static void put_access(struct json_out *out, const struct mmiodec_insn *insn)
{
	put(out, ",\"mnemonic\":");
	put_name(out, mmiodec_mnemonic(insn));
	put(out, ",\"direction\":");
	put_name(out, direction_name(insn->direction));
	put(out, ",\"width\":");
	put_unsigned(out, insn->width);
	put(out, ",\"extend\":");
	put_name(out, extend_name(insn->extend));
	put(out, ",\"register\":");
	put_name(out, register_name(insn));
	put(out, ",\"immediate\":");
	if (insn->has_immediate)
		put_unsigned(out, insn->immediate);
	else
		put(out, "null");
	put(out, ",\"rep\":");
	put_name(out, rep_name(insn->rep));
	put(out, insn->locked ? ",\"locked\":true" : ",\"locked\":false");
	/* The EVEX opmask (k1..k7; k0 is no mask), EVEX.z, and the register
	 * the VEX/EVEX loads VMOVLPS... take their other half from. */
	put(out, ",\"mask\":");
	put_name(out, insn->mask ? mask_name(insn->mask) : NULL);
	put(out, insn->zeroing ? ",\"zeroing\":true" : ",\"zeroing\":false");
	put(out, ",\"reg2\":");
	put_name(out, has_reg2(insn) ? name_or_unknown(mmiodec_reg_name(MMIODEC_REG_KIND_XMM,
									  insn->reg2, 16))
				     : NULL);
	put(out, ",\"memory\":[");
	for (unsigned i = 0; i < insn->mem_count && i < 2; i++) {
		if (i > 0)
			put(out, ",");
		put_memory_operand(out, &insn->mem[i]);
	}
	put(out, "]");
}

int mmiodec_json_format(char *buf, size_t cap, const uint8_t *bytes,
			size_t len, unsigned mode,
			const struct mmiodec_insn *insn)
{
	struct json_out out = json_out_start(buf, cap);
	static const char hex_digits[] = "0123456789abcdef";

	put(&out, "{\"bytes\":\"");
	for (size_t i = 0; i < len; i++) {
		char pair[2] = { hex_digits[bytes[i] >> 4], hex_digits[bytes[i] & 0xf] };

		put_bytes(&out, pair, 2);
	}
	put(&out, "\",\"mode\":");
	put_unsigned(&out, mode);
	put(&out, ",\"vendor\":");
	put_name(&out, name_or_unknown(mmiodec_vendor_name((enum mmiodec_vendor)insn->vendor)));
	put(&out, ",\"status\":");
	put_name(&out, mmiodec_status_name((enum mmiodec_status)insn->status));
	put(&out, insn->vendor_dependent ? ",\"vendor_dependent\":true"
					 : ",\"vendor_dependent\":false");

	switch (insn->status) {
	case MMIODEC_OK:
	case MMIODEC_NO_MEMORY:
	case MMIODEC_UNSUPPORTED:
		put(&out, ",\"length\":");
		put_unsigned(&out, insn->length);
		break;
	case MMIODEC_VENDOR_DEPENDENT:
		if (insn->length) {
			put(&out, ",\"length\":");
			put_unsigned(&out, insn->length);
		}
		break;
	default:
		break;
	}
	if (insn->status == MMIODEC_OK)
		put_access(&out, insn);
	put(&out, "}");
	return finish(&out);
}

int mmiodec_json_bad_input(char *buf, size_t cap, const char *text,
			   const char *error)
{
	struct json_out out = json_out_start(buf, cap);

	put(&out, "{\"bytes\":");
	put_json_string(&out, text);
	put(&out, ",\"status\":\"bad-input\",\"error\":");
	put_json_string(&out, error);
	put(&out, "}");
	return finish(&out);
}

int mmiodec_json_string(char *buf, size_t cap, const char *text)
{
	struct json_out out = json_out_start(buf, cap);

	put_json_string(&out, text);
	return finish(&out);
}
