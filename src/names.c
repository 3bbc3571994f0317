/* SPDX-License-Identifier: MIT */
/* Names as Zydis 4 spells them, for the CLI, tests and messages. */
#include "mmiodec.h"

static const char *const status_names[] = {
	[MMIODEC_OK] = "ok",
	[MMIODEC_NO_MEMORY] = "no-memory",
	[MMIODEC_UNSUPPORTED] = "unsupported",
	[MMIODEC_INVALID] = "invalid",
	[MMIODEC_TRUNCATED] = "truncated",
	[MMIODEC_BAD_ARGUMENT] = "bad-argument",
};

const char *mmiodec_status_name(enum mmiodec_status status)
{
	if ((unsigned)status >= sizeof status_names / sizeof status_names[0])
		return "?";
	return status_names[status];
}

/* String mnemonics by op and log2(width). */
static const char *const string_names[3][4] = {
	{ "movsb", "movsw", "movsd", "movsq" },
	{ "stosb", "stosw", "stosd", "stosq" },
	{ "lodsb", "lodsw", "lodsd", "lodsq" },
};

static const char *const op_names[] = {
	[MMIODEC_OP_MOV] = "mov",
	[MMIODEC_OP_MOVZX] = "movzx",
	[MMIODEC_OP_MOVSX] = "movsx",
	[MMIODEC_OP_MOVSXD] = "movsxd",
	[MMIODEC_OP_MOVNTI] = "movnti",
};

static unsigned log2_width(unsigned width)
{
	return width >= 8 ? 3 : width >= 4 ? 2 : width >= 2 ? 1 : 0;
}

const char *mmiodec_mnemonic(const struct mmiodec_insn *insn)
{
	if (!insn || insn->status != MMIODEC_OK)
		return "";
	switch (insn->op) {
	case MMIODEC_OP_MOVS:
		return string_names[0][log2_width(insn->width)];
	case MMIODEC_OP_STOS:
		return string_names[1][log2_width(insn->width)];
	case MMIODEC_OP_LODS:
		return string_names[2][log2_width(insn->width)];
	default:
		if (insn->op < sizeof op_names / sizeof op_names[0] &&
		    op_names[insn->op])
			return op_names[insn->op];
		return "";
	}
}

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
static const char *const high8_names[4] = { "ah", "ch", "dh", "bh" };
static const char *const ip_names[4] = { 0, "ip", "eip", "rip" };

const char *mmiodec_reg_name(enum mmiodec_reg_kind kind, unsigned number,
			     unsigned width)
{
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return 0;
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8)
		return number < 4 && width == 1 ? high8_names[number] : 0;
	if (kind != MMIODEC_REG_KIND_GPR)
		return 0;
	if (number < 16)
		return gpr_names[log2_width(width)][number];
	if (number == MMIODEC_RIP)
		return ip_names[log2_width(width)];
	return 0;
}

static const char *const seg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

const char *mmiodec_seg_name(enum mmiodec_seg seg)
{
	return (unsigned)seg < 6 ? seg_names[seg] : 0;
}
