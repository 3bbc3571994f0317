/* SPDX-License-Identifier: MIT */
/* Names as Zydis 4 spells them, for the CLI, tests and messages. */
#include "mmiodec.h"
#include "compiler.h"
#include "forms.h"

/*
 * Each list is its names one after the other, each ending in its NUL, and
 * a name is found by counting NULs (nth()): no table of pointers (8 bytes
 * and a relocation per name) and no rows padded to the longest name. The
 * lists are arrays of one constant struct, so they are not aligned apart.
 */
#define NAME(name) name "\0"
#define OP_NAME(op, mnemonic, kind) mnemonic "\0"
#define SET_NAME(condition) "set" condition "\0"
#define CMOV_NAME(condition) "cmov" condition "\0"
#define STRING_NAMES(stem) stem "b\0" stem "w\0" stem "d\0" stem "q\0"
#define VECTOR_NAMES(p)                                                    \
	NAME(p "0") NAME(p "1") NAME(p "2") NAME(p "3") NAME(p "4")        \
	NAME(p "5") NAME(p "6") NAME(p "7") NAME(p "8") NAME(p "9")        \
	NAME(p "10") NAME(p "11") NAME(p "12") NAME(p "13") NAME(p "14")   \
	NAME(p "15") NAME(p "16") NAME(p "17") NAME(p "18") NAME(p "19")   \
	NAME(p "20") NAME(p "21") NAME(p "22") NAME(p "23") NAME(p "24")   \
	NAME(p "25") NAME(p "26") NAME(p "27") NAME(p "28") NAME(p "29")   \
	NAME(p "30") NAME(p "31")

/* by enum mmiodec_status */
#define STATUS_LIST                                                        \
	"ok\0no-memory\0unsupported\0invalid\0truncated\0bad-argument\0"   \
	"vendor-dependent"
/* by enum mmiodec_op (MMIODEC_OP_NONE: "") */
#define OP_LIST "\0" MMIODEC_OPS(OP_NAME)
/* MOVS, STOS, LODS, each by log2(width) */
#define STRING_LIST                                                        \
	STRING_NAMES("movs") STRING_NAMES("stos") STRING_NAMES("lods")
/* SETcc, then CMOVcc, by condition */
#define CONDITION_LIST                                                     \
	MMIODEC_CONDITIONS(SET_NAME) MMIODEC_CONDITIONS(CMOV_NAME)
/* by log2(width), then number */
#define GPR_LIST                                                           \
	"al\0cl\0dl\0bl\0spl\0bpl\0sil\0dil\0"                             \
	"r8b\0r9b\0r10b\0r11b\0r12b\0r13b\0r14b\0r15b\0"                   \
	"ax\0cx\0dx\0bx\0sp\0bp\0si\0di\0"                                 \
	"r8w\0r9w\0r10w\0r11w\0r12w\0r13w\0r14w\0r15w\0"                   \
	"eax\0ecx\0edx\0ebx\0esp\0ebp\0esi\0edi\0"                         \
	"r8d\0r9d\0r10d\0r11d\0r12d\0r13d\0r14d\0r15d\0"                   \
	"rax\0rcx\0rdx\0rbx\0rsp\0rbp\0rsi\0rdi\0"                         \
	"r8\0r9\0r10\0r11\0r12\0r13\0r14\0r15"
/* AH..BH from HIGH8 on, IP, EIP, RIP from IP, the segments by number from
 * SEG */
#define OTHER_LIST "ah\0ch\0dh\0bh\0ip\0eip\0rip\0es\0cs\0ss\0ds\0fs\0gs"
enum { HIGH8 = 0, IP = 4, SEG = 7 };
/* by enum mmiodec_vendor */
#define VENDOR_LIST "any\0intel\0amd"
/* XMM, YMM, ZMM by number; MM0..MM7 are the ends of XMM0..XMM7 */
#define VECTOR_LIST VECTOR_NAMES("xmm") VECTOR_NAMES("ymm") VECTOR_NAMES("zmm")

static const struct {
	char status[sizeof STATUS_LIST];
	char op[sizeof OP_LIST];
	char string[sizeof STRING_LIST];
	char condition[sizeof CONDITION_LIST];
	char gpr[sizeof GPR_LIST];
	char other[sizeof OTHER_LIST];
	char vendor[sizeof VENDOR_LIST];
	char vector[sizeof VECTOR_LIST];
} names = {
	STATUS_LIST, OP_LIST, STRING_LIST, CONDITION_LIST, GPR_LIST, OTHER_LIST,
	VENDOR_LIST, VECTOR_LIST,
};

/* The names follow enum mmiodec_op. */
#define OP_ORDER(op, mnemonic, kind) ORDER_##op,
enum { ORDER_NONE, MMIODEC_OPS(OP_ORDER) ORDER_COUNT };
#define OP_CHECK(op, mnemonic, kind)                                       \
	_Static_assert((int)ORDER_##op == (int)MMIODEC_OP_##op, #op);
MMIODEC_OPS(OP_CHECK)
_Static_assert((int)ORDER_COUNT == (int)MMIODEC_OP_COUNT, "op count");

/* The index-th name of list (not inlined: it is the size of a call). */
static MMIODEC_NOINLINE const char *nth(const char *list, unsigned index)
{
	for (; index != 0; list++)
		if (*list == '\0')
			index--;
	return list;
}

const char *mmiodec_status_name(enum mmiodec_status status)
{
	if ((unsigned)status > MMIODEC_VENDOR_DEPENDENT)
		return "?";
	return nth(names.status, status);
}

static unsigned log2_width(unsigned width)
{
	return width >= 8 ? 3 : width >= 4 ? 2 : width >= 2 ? 1 : 0;
}

const char *mmiodec_mnemonic(const struct mmiodec_insn *insn)
{
	if (!insn || insn->status != MMIODEC_OK || insn->op >= MMIODEC_OP_COUNT)
		return "";
	unsigned op = insn->op, cc = insn->condition & 15;

	if (op >= MMIODEC_OP_MOVS && op <= MMIODEC_OP_LODS)
		return nth(names.string, 4 * (op - MMIODEC_OP_MOVS) +
						 log2_width(insn->width));
	if (op == MMIODEC_OP_SETCC)
		return nth(names.condition, cc);
	if (op == MMIODEC_OP_CMOVCC)
		return nth(names.condition, 16 + cc);
	return nth(names.op, op);
}

const char *mmiodec_reg_name(enum mmiodec_reg_kind kind, unsigned number,
			     unsigned width)
{
	if (kind == MMIODEC_REG_KIND_MMX)
		return number < 8 ? nth(names.vector, number) + 1 : NULL;
	if (kind >= MMIODEC_REG_KIND_XMM && kind <= MMIODEC_REG_KIND_ZMM) {
		if (number >= 32)
			return NULL;
		return nth(names.vector,
			   32 * (kind - MMIODEC_REG_KIND_XMM) + number);
	}
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return NULL;
	if (kind == MMIODEC_REG_KIND_GPR_HIGH8) {
		if (number >= 4 || width != 1)
			return NULL;
		return nth(names.other, HIGH8 + number);
	}
	if (kind != MMIODEC_REG_KIND_GPR)
		return NULL;
	if (number < 16)
		return nth(names.gpr, 16 * log2_width(width) + number);
	if (number == MMIODEC_RIP && width != 1)
		return nth(names.other, IP + log2_width(width) - 1);
	return NULL;
}

const char *mmiodec_seg_name(enum mmiodec_seg seg)
{
	return (unsigned)seg < 6 ? nth(names.other, SEG + seg) : NULL;
}

const char *mmiodec_vendor_name(enum mmiodec_vendor vendor)
{
	if ((unsigned)vendor > MMIODEC_VENDOR_AMD)
		return NULL;
	return nth(names.vendor, vendor);
}
