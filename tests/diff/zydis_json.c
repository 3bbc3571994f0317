/* SPDX-License-Identifier: MIT */
#include "zydis_json.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool zydis_oracle_init(struct zydis_oracle *oracle, unsigned mode)
{
	ZydisMachineMode machine_mode;
	ZydisStackWidth stack_width;

	switch (mode) {
	case 64:
		machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
		stack_width = ZYDIS_STACK_WIDTH_64;
		break;
	case 32:
		machine_mode = ZYDIS_MACHINE_MODE_LONG_COMPAT_32;
		stack_width = ZYDIS_STACK_WIDTH_32;
		break;
	case 16:
		machine_mode = ZYDIS_MACHINE_MODE_LONG_COMPAT_16;
		stack_width = ZYDIS_STACK_WIDTH_16;
		break;
	default:
		return false;
	}
	oracle->mode = mode;
	return ZYAN_SUCCESS(ZydisDecoderInit(&oracle->decoder, machine_mode, stack_width));
}

/* The forms mmiodec emulates, by where Zydis found them. The opcode pins
 * the form down where a mnemonic is shared: "movsd" is also the SSE move
 * (0F 10/11), "mov" also the segment and control register moves. */
static const struct {
	ZydisOpcodeMap map;
	uint8_t opcode;
	ZydisMnemonic mnemonic;
} supported_forms[] = {
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x88, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x89, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x8a, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x8b, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xc6, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xc7, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa0, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa1, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa2, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa3, ZYDIS_MNEMONIC_MOV },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0x63, ZYDIS_MNEMONIC_MOVSXD },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa4, ZYDIS_MNEMONIC_MOVSB },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa5, ZYDIS_MNEMONIC_MOVSW },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa5, ZYDIS_MNEMONIC_MOVSD },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xa5, ZYDIS_MNEMONIC_MOVSQ },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xaa, ZYDIS_MNEMONIC_STOSB },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xab, ZYDIS_MNEMONIC_STOSW },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xab, ZYDIS_MNEMONIC_STOSD },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xab, ZYDIS_MNEMONIC_STOSQ },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xac, ZYDIS_MNEMONIC_LODSB },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xad, ZYDIS_MNEMONIC_LODSW },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xad, ZYDIS_MNEMONIC_LODSD },
	{ ZYDIS_OPCODE_MAP_DEFAULT, 0xad, ZYDIS_MNEMONIC_LODSQ },
	{ ZYDIS_OPCODE_MAP_0F, 0xb6, ZYDIS_MNEMONIC_MOVZX },
	{ ZYDIS_OPCODE_MAP_0F, 0xb7, ZYDIS_MNEMONIC_MOVZX },
	{ ZYDIS_OPCODE_MAP_0F, 0xbe, ZYDIS_MNEMONIC_MOVSX },
	{ ZYDIS_OPCODE_MAP_0F, 0xbf, ZYDIS_MNEMONIC_MOVSX },
	{ ZYDIS_OPCODE_MAP_0F, 0xc3, ZYDIS_MNEMONIC_MOVNTI },
};

static bool is_supported_form(const ZydisDecodedInstruction *insn)
{
	if (insn->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
		return false;
	for (size_t i = 0; i < sizeof(supported_forms) / sizeof(supported_forms[0]); i++)
		if (supported_forms[i].map == insn->opcode_map &&
		    supported_forms[i].opcode == insn->opcode &&
		    supported_forms[i].mnemonic == insn->mnemonic)
			return true;
	return false;
}

/* A real memory access: not an address computation (LEA, AGEN) nor a
 * bound-table reference (MIB). */
static bool is_memory_access(const ZydisDecodedOperand *op)
{
	return op->type == ZYDIS_OPERAND_TYPE_MEMORY &&
	       (op->mem.type == ZYDIS_MEMOP_TYPE_MEM || op->mem.type == ZYDIS_MEMOP_TYPE_VSIB);
}

/* String instructions and XLAT address memory through implicit registers,
 * which Zydis lists as hidden operands. */
static bool is_string_or_xlat(const ZydisDecodedInstruction *insn)
{
	uint8_t op = insn->opcode;

	if (insn->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY ||
	    insn->opcode_map != ZYDIS_OPCODE_MAP_DEFAULT)
		return false;
	return (op >= 0x6c && op <= 0x6f) || (op >= 0xa4 && op <= 0xa7) ||
	       (op >= 0xaa && op <= 0xaf) || op == 0xd7;
}

static enum mmiodec_status classify(const ZydisDecodedInstruction *insn,
				    const ZydisDecodedOperand *operands)
{
	bool has_memory = false, has_explicit_memory = false;

	for (unsigned i = 0; i < insn->operand_count; i++) {
		if (operands[i].type != ZYDIS_OPERAND_TYPE_MEMORY)
			continue;
		if (operands[i].mem.type == ZYDIS_MEMOP_TYPE_MEM)
			has_memory = true;
		if (is_memory_access(&operands[i]) &&
		    operands[i].visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
			has_explicit_memory = true;
	}
	if (has_memory && is_supported_form(insn))
		return MMIODEC_OK;
	if (has_explicit_memory || is_string_or_xlat(insn))
		return MMIODEC_UNSUPPORTED;
	return MMIODEC_NO_MEMORY;
}

enum mmiodec_status zydis_oracle_decode(const struct zydis_oracle *oracle,
					const uint8_t *bytes, size_t len,
					struct zydis_answer *answer)
{
	answer->zydis_status = ZydisDecoderDecodeFull(&oracle->decoder, bytes, len,
						      &answer->insn, answer->operands);
	if (answer->zydis_status == ZYDIS_STATUS_NO_MORE_DATA) {
		answer->status = MMIODEC_TRUNCATED;
		answer->length = 0;
	} else if (!ZYAN_SUCCESS(answer->zydis_status)) {
		answer->status = MMIODEC_INVALID;
		answer->length = 0;
	} else {
		answer->status = classify(&answer->insn, answer->operands);
		answer->length = answer->insn.length;
	}
	return answer->status;
}

const char *zydis_status_name(ZyanStatus status)
{
	static const struct {
		ZyanStatus status;
		const char *name;
	} names[] = {
		{ ZYDIS_STATUS_NO_MORE_DATA, "no-more-data" },
		{ ZYDIS_STATUS_DECODING_ERROR, "decoding-error" },
		{ ZYDIS_STATUS_INSTRUCTION_TOO_LONG, "too-long" },
		{ ZYDIS_STATUS_BAD_REGISTER, "bad-register" },
		{ ZYDIS_STATUS_ILLEGAL_LOCK, "illegal-lock" },
		{ ZYDIS_STATUS_ILLEGAL_LEGACY_PFX, "illegal-legacy-prefix" },
		{ ZYDIS_STATUS_ILLEGAL_REX, "illegal-rex" },
		{ ZYDIS_STATUS_INVALID_MAP, "invalid-map" },
		{ ZYDIS_STATUS_MALFORMED_EVEX, "malformed-evex" },
		{ ZYDIS_STATUS_MALFORMED_MVEX, "malformed-mvex" },
		{ ZYDIS_STATUS_INVALID_MASK, "invalid-mask" },
	};

	if (ZYAN_SUCCESS(status))
		return "success";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].status == status)
			return names[i].name;
	return "error";
}

/* ---- The JSON line ---- */

/* snprintf's contract over several pieces: `needed` counts on past the
 * end, and what fits is NUL-terminated. */
struct json_text {
	char *buf;
	size_t cap;
	size_t needed;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(struct json_text *text, const char *format, ...)
{
	size_t room = text->needed < text->cap ? text->cap - text->needed : 0;
	va_list args;
	int n;

	va_start(args, format);
	n = vsnprintf(room ? text->buf + text->needed : NULL, room, format, args);
	va_end(args);
	if (n > 0)
		text->needed += (size_t)n;
}

/* A register name, or JSON null for none. */
static void put_register(struct json_text *text, ZydisRegister reg)
{
	if (reg == ZYDIS_REGISTER_NONE)
		put(text, "null");
	else
		put(text, "\"%s\"", ZydisRegisterGetString(reg));
}

static bool writes(const ZydisDecodedOperand *op)
{
	return op->actions & (ZYDIS_OPERAND_ACTION_WRITE | ZYDIS_OPERAND_ACTION_CONDWRITE);
}

static bool is_general_register(ZydisRegister reg)
{
	switch (ZydisRegisterGetClass(reg)) {
	case ZYDIS_REGCLASS_GPR8:
	case ZYDIS_REGCLASS_GPR16:
	case ZYDIS_REGCLASS_GPR32:
	case ZYDIS_REGCLASS_GPR64:
		return true;
	default:
		return false;
	}
}

static bool is_accumulator(ZydisRegister reg)
{
	return reg == ZYDIS_REGISTER_AL || reg == ZYDIS_REGISTER_AX ||
	       reg == ZYDIS_REGISTER_EAX || reg == ZYDIS_REGISTER_RAX;
}

/* The register the instruction moves to or from memory: the visible
 * general register operand (explicit, or implicit as AL in A0), else the
 * accumulator STOS and LODS name only as a hidden operand. MOVS and the
 * immediate stores have none. */
static ZydisRegister data_register(const struct zydis_answer *answer)
{
	const ZydisDecodedOperand *ops = answer->operands;
	unsigned count = answer->insn.operand_count;

	for (unsigned i = 0; i < count; i++)
		if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    ops[i].visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
		    is_general_register(ops[i].reg.value))
			return ops[i].reg.value;
	for (unsigned i = 0; i < count; i++)
		if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    is_accumulator(ops[i].reg.value))
			return ops[i].reg.value;
	return ZYDIS_REGISTER_NONE;
}

static const char *extend_name(ZydisMnemonic mnemonic)
{
	switch (mnemonic) {
	case ZYDIS_MNEMONIC_MOVZX:
		return "zero";
	case ZYDIS_MNEMONIC_MOVSX:
	case ZYDIS_MNEMONIC_MOVSXD:
		return "sign";
	default:
		return "none";
	}
}

static void put_rep(struct json_text *text, ZydisInstructionAttributes attributes)
{
	if (attributes & ZYDIS_ATTRIB_HAS_REP)
		put(text, "\"rep\"");
	else if (attributes & ZYDIS_ATTRIB_HAS_REPE)
		put(text, "\"repe\"");
	else if (attributes & ZYDIS_ATTRIB_HAS_REPNE)
		put(text, "\"repne\"");
	else
		put(text, "null");
}

static void put_memory_operand(struct json_text *text, const ZydisDecodedInstruction *insn,
			       const ZydisDecodedOperand *op, unsigned address_width)
{
	bool has_index = op->mem.index != ZYDIS_REGISTER_NONE;
	ZydisRegister base = op->mem.base;
	int64_t displacement = op->mem.disp.value;

	/*
	 * Zydis 4.0.0 bug, corrected here on the Zydis side: with a 67 prefix
	 * and REX.B in 64-bit mode, a SIB byte with base 101 and mod 00 is
	 * reported as base r13d and displacement 0, while the length counts
	 * the disp32. The SDM (vol. 2 table 2-3) says: no base, disp32.
	 */
	if ((insn->attributes & ZYDIS_ATTRIB_HAS_SIB) && insn->raw.modrm.mod == 0 &&
	    insn->raw.sib.base == 5 && insn->raw.disp.size == 32 &&
	    base != ZYDIS_REGISTER_NONE) {
		base = ZYDIS_REGISTER_NONE;
		displacement = insn->raw.disp.value;
	}

	put(text, "{\"segment\":");
	put_register(text, op->mem.segment);
	put(text, ",\"base\":");
	put_register(text, base);
	put(text, ",\"index\":");
	put_register(text, op->mem.index);
	put(text, ",\"scale\":%u", has_index ? (unsigned)op->mem.scale : 0u);
	put(text, ",\"displacement\":%" PRId64, displacement);
	put(text, ",\"address_size\":%u", address_width);
	put(text, ",\"access\":\"%s\"}", writes(op) ? "write" : "read");
}

/* The fields after "length" for a supported form. */
static void put_access(struct json_text *text, const struct zydis_answer *answer)
{
	const ZydisDecodedInstruction *insn = &answer->insn;
	const ZydisDecodedOperand *memory[2] = { NULL, NULL };
	const ZydisDecodedOperand *immediate = NULL;
	unsigned memory_count = 0, width;
	const char *direction;

	/* The destination first, as in mmiodec's mem[0]. */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < insn->operand_count; i++) {
			const ZydisDecodedOperand *op = &answer->operands[i];

			if (!is_memory_access(op) || writes(op) != (pass == 0))
				continue;
			if (memory_count < 2)
				memory[memory_count] = op;
			memory_count++;
		}
	}
	for (unsigned i = 0; i < insn->operand_count; i++)
		if (answer->operands[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
			immediate = &answer->operands[i];

	if (memory_count >= 2)
		direction = "read-write";
	else if (memory_count == 1 && writes(memory[0]))
		direction = "write";
	else
		direction = "read";
	width = memory_count ? memory[0]->size / 8u : 0;
	/*
	 * The one place where we side with the CPU against Zydis: MOVSXD with
	 * a 16-bit operand size (66 63 /r) reads a word (SDM vol. 2 MOVSXD:
	 * "MOVSXD r16, r/m16"; observed on this project's CPU), where Zydis 4
	 * reports a dword memory operand. Documented in the README.
	 */
	if (insn->mnemonic == ZYDIS_MNEMONIC_MOVSXD && insn->operand_width == 16 &&
	    width == 4)
		width = 2;

	put(text, ",\"mnemonic\":\"%s\"", ZydisMnemonicGetString(insn->mnemonic));
	put(text, ",\"direction\":\"%s\",\"width\":%u", direction, width);
	put(text, ",\"extend\":\"%s\",\"register\":", extend_name(insn->mnemonic));
	put_register(text, data_register(answer));
	put(text, ",\"immediate\":");
	if (immediate) {
		uint64_t mask = width >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * width)) - 1;

		put(text, "%" PRIu64, immediate->imm.value.u & mask);
	} else {
		put(text, "null");
	}
	put(text, ",\"rep\":");
	put_rep(text, insn->attributes);
	put(text, ",\"memory\":[");
	for (unsigned i = 0; i < memory_count && i < 2; i++) {
		if (i > 0)
			put(text, ",");
		put_memory_operand(text, insn, memory[i], insn->address_width);
	}
	put(text, "]");
}

static const char *status_name(enum mmiodec_status status)
{
	switch (status) {
	case MMIODEC_OK: return "ok";
	case MMIODEC_NO_MEMORY: return "no-memory";
	case MMIODEC_UNSUPPORTED: return "unsupported";
	case MMIODEC_INVALID: return "invalid";
	case MMIODEC_TRUNCATED: return "truncated";
	case MMIODEC_BAD_ARGUMENT: return "bad-argument";
	default: return "?";
	}
}

int zydis_json_format(char *out, size_t cap, const uint8_t *bytes, size_t len,
		      unsigned mode, const struct zydis_answer *answer)
{
	struct json_text text = { .buf = out, .cap = cap, .needed = 0 };

	if (cap > 0)
		out[0] = '\0';
	put(&text, "{\"bytes\":\"");
	for (size_t i = 0; i < len; i++)
		put(&text, "%02x", bytes[i]);
	put(&text, "\",\"mode\":%u,\"status\":\"%s\"", mode, status_name(answer->status));
	if (answer->status == MMIODEC_OK || answer->status == MMIODEC_NO_MEMORY ||
	    answer->status == MMIODEC_UNSUPPORTED)
		put(&text, ",\"length\":%u", answer->length);
	if (answer->status == MMIODEC_OK)
		put_access(&text, answer);
	put(&text, "}");
	return text.needed > (size_t)INT32_MAX ? -1 : (int)text.needed;
}
