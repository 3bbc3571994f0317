/* SPDX-License-Identifier: MIT */
/* Names as Zydis 4 spells them, for the CLI, tests and messages. */
#include "mmiodec.h"
#include "compiler.h"
#include "forms.h"

/*
 * Every name lives in one constant struct of fixed-width char arrays: a
 * name is the address of its row, so there is no table of pointers (8
 * bytes and a relocation per name) and no padding between the tables. Each
 * width is that of the longest name with its NUL, spelled as that name's
 * sizeof; a longer name needs a wider row (one exactly as long as the row
 * would silently lose its NUL).
 */
static const struct {
	char status[7][sizeof "vendor-dependent"];
	char op[MMIODEC_OP_COUNT][sizeof "cmpxchg16b"];
	char string[3][4][sizeof "movsb"];     /* by op, log2(width) */
	char setcc[16][sizeof "setnle"];       /* by condition */
	char cmovcc[16][sizeof "cmovnle"];
	char gpr[4][16][sizeof "r10b"];        /* by log2(width), number */
	char high8[4][sizeof "ah"];
	char ip[4][sizeof "rip"];              /* by log2(width); none at 1 */
	char seg[6][sizeof "es"];
	char vendor[3][sizeof "intel"];
	char mmx[8][sizeof "mm0"];
	char vector[3][32][sizeof "xmm31"];    /* XMM, YMM, ZMM; number */
} names = {
	.status = {
		[MMIODEC_OK] = "ok",
		[MMIODEC_NO_MEMORY] = "no-memory",
		[MMIODEC_UNSUPPORTED] = "unsupported",
		[MMIODEC_INVALID] = "invalid",
		[MMIODEC_TRUNCATED] = "truncated",
		[MMIODEC_BAD_ARGUMENT] = "bad-argument",
		[MMIODEC_VENDOR_DEPENDENT] = "vendor-dependent",
	},
	.op = {
#define OP_NAME(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
		MMIODEC_OPS(OP_NAME)
#undef OP_NAME
	},
#define STRING_NAMES(stem) { stem "b", stem "w", stem "d", stem "q" }
	.string = {
		STRING_NAMES("movs"), STRING_NAMES("stos"), STRING_NAMES("lods"),
	},
#undef STRING_NAMES
#define SET_NAME(condition) "set" condition,
#define CMOV_NAME(condition) "cmov" condition,
	.setcc = { MMIODEC_CONDITIONS(SET_NAME) },
	.cmovcc = { MMIODEC_CONDITIONS(CMOV_NAME) },
#undef SET_NAME
#undef CMOV_NAME
	.gpr = {
		{ "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
		  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" },
		{ "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
		  "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" },
		{ "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
		  "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" },
		{ "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" },
	},
	.high8 = { "ah", "ch", "dh", "bh" },
	.ip = { "", "ip", "eip", "rip" },
	.seg = { "es", "cs", "ss", "ds", "fs", "gs" },
	.mmx = { "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7" },
#define VECTOR_NAMES(p)                                                        \
	{ p "0", p "1", p "2", p "3", p "4", p "5", p "6", p "7", p "8", p "9",   \
	  p "10", p "11", p "12", p "13", p "14", p "15", p "16", p "17", p "18", \
	  p "19", p "20", p "21", p "22", p "23", p "24", p "25", p "26", p "27", \
	  p "28", p "29", p "30", p "31" }
	.vector = { VECTOR_NAMES("xmm"), VECTOR_NAMES("ymm"), VECTOR_NAMES("zmm") },
#undef VECTOR_NAMES
	.vendor = {
		[MMIODEC_VENDOR_ANY] = "any",
		[MMIODEC_VENDOR_INTEL] = "intel",
		[MMIODEC_VENDOR_AMD] = "amd",
	},
};

const char *mmiodec_status_name(enum mmiodec_status status)
{
	if ((unsigned)status >= MMIODEC_ARRAY_SIZE(names.status))
		return "?";
	return names.status[status];
}

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
		return names.string[0][log2_width(insn->width)];
	case MMIODEC_OP_STOS:
		return names.string[1][log2_width(insn->width)];
	case MMIODEC_OP_LODS:
		return names.string[2][log2_width(insn->width)];
	case MMIODEC_OP_SETCC:
		return names.setcc[insn->condition & 15];
	case MMIODEC_OP_CMOVCC:
		return names.cmovcc[insn->condition & 15];
	default:
		if (insn->op < MMIODEC_ARRAY_SIZE(names.op))
			return names.op[insn->op];
		return "";
	}
}

const char *mmiodec_reg_name(enum mmiodec_reg_kind kind, unsigned number,
			     unsigned width)
{
	if (kind == MMIODEC_REG_KIND_MMX)
		return number < 8 ? names.mmx[number] : NULL;
	if (kind >= MMIODEC_REG_KIND_XMM && kind <= MMIODEC_REG_KIND_ZMM)
		return number < 32 ? names.vector[kind - MMIODEC_REG_KIND_XMM][number]
				   : NULL;
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return NULL;
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8)
		return number < 4 && width == 1 ? names.high8[number] : NULL;
	if (kind != MMIODEC_REG_KIND_GPR)
		return NULL;
	if (number < 16)
		return names.gpr[log2_width(width)][number];
	if (number == MMIODEC_RIP && width != 1)
		return names.ip[log2_width(width)];
	return NULL;
}

const char *mmiodec_seg_name(enum mmiodec_seg seg)
{
	return (unsigned)seg < 6 ? names.seg[seg] : NULL;
}

const char *mmiodec_vendor_name(enum mmiodec_vendor vendor)
{
	if ((unsigned)vendor >= MMIODEC_ARRAY_SIZE(names.vendor))
		return NULL;
	return names.vendor[vendor];
}
