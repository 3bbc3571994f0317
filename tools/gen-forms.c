/* SPDX-License-Identifier: MIT */
/*
 * Turns the description of the supported forms (src/forms.h) into what is
 * derived from it:
 *   gen-forms FILE       the decoder's per-opcode tables (src/generated/
 *                        forms.inc), written to FILE
 *   gen-forms --readme   the README's table of supported instructions, to
 *                        standard output
 * `ninja -C build regen-forms` rewrites both; the tests forms-current and
 * forms-readme fail when the committed ones differ from what this writes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmiodec.h"
#include "../src/forms.h"

enum { MAP_LEGACY_, MAP_0F_, MAP_0F38_ };
#define MAP_OF_LEGACY MAP_LEGACY_
#define MAP_OF_0F MAP_0F_
#define MAP_OF_0F38 MAP_0F38_
#define ANY 8

struct op_desc {
	const char *name;      /* enum suffix */
	const char *mnemonic;
	enum mmiodec_op_kind kind;
};

static const struct op_desc ops[MMIODEC_OP_COUNT] = {
#define X(op, mnemonic, kind) [MMIODEC_OP_##op] = { #op, mnemonic, kind },
	MMIODEC_OPS(X)
#undef X
};

struct form {
	unsigned op, map, opcode, reg, pattern, width;
};

static const struct form forms[] = {
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width) \
	{ MMIODEC_OP_##op, MAP_OF_##map, (opcode), (reg), (pattern), (width) },
	MMIODEC_EACH_FORM
#undef MMIODEC_FORM
};
#define FORM_COUNT (sizeof forms / sizeof forms[0])

/* A row of MMIODEC_FORM_ROWS with the forms it expands to. */
struct row {
	unsigned op;
	const struct form *forms;
	size_t count;
};

#define MMIODEC_FORM(op, map, opcode, reg, pattern, width) \
	{ MMIODEC_OP_##op, MAP_OF_##map, (opcode), (reg), (pattern), (width) },
#define ROW_FORMS(op, map, opcode, reg, shape) \
	((const struct form[]){ SHAPE_##shape(MMIODEC_FORM, op, map, opcode, reg) })
static const struct row rows[] = {
#define X(op, map, opcode, reg, shape)                                   \
	{ MMIODEC_OP_##op, ROW_FORMS(op, map, opcode, reg, shape),        \
	  sizeof ROW_FORMS(op, map, opcode, reg, shape) / sizeof(struct form) },
	MMIODEC_FORM_ROWS(X)
#undef X
};
#undef MMIODEC_FORM
#define ROW_COUNT (sizeof rows / sizeof rows[0])

/* What the memory operand sees: enum mmiodec_dir. */
static unsigned direction(const struct form *f)
{
	bool memory_first = f->pattern != FP_R_M && f->pattern != FP_R_M_I &&
			    f->pattern != FP_A_MOFFS;
	switch (ops[f->op].kind) {
	case OK_MOVE:
		return memory_first ? MMIODEC_DIR_WRITE : MMIODEC_DIR_READ;
	case OK_STRING:
		return f->op == MMIODEC_OP_MOVS ? MMIODEC_DIR_READ_WRITE
		       : f->op == MMIODEC_OP_STOS ? MMIODEC_DIR_WRITE
						  : MMIODEC_DIR_READ;
	case OK_ALU:
		return memory_first ? MMIODEC_DIR_READ_WRITE : MMIODEC_DIR_READ;
	case OK_COMPARE:
	case OK_ACCUMULATE:
	case OK_CMOVE:
		return MMIODEC_DIR_READ;
	case OK_SET:
		return MMIODEC_DIR_WRITE;
	default:
		return MMIODEC_DIR_READ_WRITE;
	}
}

static unsigned extend(const struct form *f)
{
	if (f->op == MMIODEC_OP_MOVZX)
		return MMIODEC_EXTEND_ZERO;
	if (f->op == MMIODEC_OP_MOVSX || f->op == MMIODEC_OP_MOVSXD)
		return MMIODEC_EXTEND_SIGN;
	return MMIODEC_EXTEND_NONE;
}

/* An immediate that is a count or a bit offset is not sign-extended. */
static bool immediate_unsigned(const struct form *f)
{
	switch (f->op) {
	case MMIODEC_OP_BT: case MMIODEC_OP_BTS: case MMIODEC_OP_BTR:
	case MMIODEC_OP_BTC: case MMIODEC_OP_ROL: case MMIODEC_OP_ROR:
	case MMIODEC_OP_RCL: case MMIODEC_OP_RCR: case MMIODEC_OP_SHL:
	case MMIODEC_OP_SHR: case MMIODEC_OP_SAR: case MMIODEC_OP_SHLD:
	case MMIODEC_OP_SHRD:
		return true;
	default:
		return false;
	}
}

/* The decoder's record of a form (struct form_info in src/decode.c); the
 * flags are its FORM_* bits. */
struct info {
	unsigned op, pattern, width, flags;
};

enum {
	FORM_ZERO_EXTEND = 1 << 2, FORM_SIGN_EXTEND = 2 << 2,
	FORM_IMM_UNSIGNED = 1 << 4, FORM_REG_FIRST = 1 << 5,
	FORM_NO_MODRM_REG = 1 << 6, FORM_SPECIAL = 1 << 7,
};

static struct info info_of(const struct form *f)
{
	unsigned flags = direction(f) | extend(f) << 2;
	if (immediate_unsigned(f))
		flags |= FORM_IMM_UNSIGNED;
	if (f->pattern == FP_R_M || f->pattern == FP_R_M_I || f->pattern == FP_A_MOFFS)
		flags |= FORM_REG_FIRST;
	switch (f->pattern) {
	case FP_M_1: case FP_M_CL: case FP_M_A:
		flags |= FORM_SPECIAL;
		/* fall through */
	case FP_M_I: case FP_M:
		flags |= FORM_NO_MODRM_REG;
		break;
	default:
		break;
	}
	if (f->op == MMIODEC_OP_SETCC || f->op == MMIODEC_OP_CMOVCC ||
	    f->op == MMIODEC_OP_XCHG)
		flags |= FORM_SPECIAL;
	return (struct info){ f->op, f->pattern, f->width, flags };
}

/* An opcode's entry: 0, a form below GROUP_BASE, GROUP_BASE + a group of
 * form_groups (by ModRM.reg), or SLOT_BASE + a slot of vector_slots (by
 * encoding, mandatory prefix and W). */
#define GROUP_BASE 0xC0
#define SLOT_BASE 0xE0
static struct info infos[GROUP_BASE];
static unsigned info_count = 1;     /* 0: no form */
static uint8_t entry[3][256];
static uint8_t groups[SLOT_BASE - GROUP_BASE][8];
static unsigned group_count;

/* The vector forms (MMIODEC_VECTOR_FORMS). */
struct vform {
	unsigned op, encoding, map, prefix, opcode, w, pattern, width, reg,
		element, aligned;
};

static const struct vform vforms[] = {
#define X(op, enc, map, pp, opcode, w, pattern, width, reg, element, aligned) \
	{ MMIODEC_OP_##op, FE_##enc, MAP_OF_##map, FPX_##pp, (opcode), F##w,   \
	  FP_##pattern, FW_##width, FR_##reg, (element), (aligned) },
	MMIODEC_VECTOR_FORMS(X)
#undef X
};
#define VFORM_COUNT (sizeof vforms / sizeof vforms[0])

/* The decoder's record of a vector form (struct vector_form_info). */
struct vinfo {
	unsigned op, pattern, width, reg, element, aligned;
};
static struct vinfo vinfos[256];
static unsigned vinfo_count = 1;
static uint8_t vslots[0x100 - SLOT_BASE][3][4][2];
static unsigned vslot_count;

static unsigned info_index(struct info in)
{
	for (unsigned i = 1; i < info_count; i++)
		if (!memcmp(&infos[i], &in, sizeof in))
			return i;
	if (info_count >= GROUP_BASE) {
		fprintf(stderr, "gen-forms: more than %u distinct forms\n", GROUP_BASE - 1);
		exit(1);
	}
	infos[info_count] = in;
	return info_count++;
}

static void fail_duplicate(const struct form *f)
{
	fprintf(stderr, "gen-forms: map %u opcode %02X /%u is described twice\n",
		f->map, f->opcode, f->reg);
	exit(1);
}

static unsigned vinfo_index(const struct vform *f)
{
	struct vinfo in = { f->op, f->pattern, f->width, f->reg, f->element, f->aligned };
	for (unsigned i = 1; i < vinfo_count; i++)
		if (!memcmp(&vinfos[i], &in, sizeof in))
			return i;
	if (vinfo_count >= 256)
		exit(1);
	vinfos[vinfo_count] = in;
	return vinfo_count++;
}

static void build_vector(void)
{
	for (size_t i = 0; i < VFORM_COUNT; i++) {
		const struct vform *f = &vforms[i];
		unsigned index = vinfo_index(f);
		uint8_t *e = &entry[f->map][f->opcode];
		if (*e && *e < SLOT_BASE) {
			fprintf(stderr, "gen-forms: %02X: a vector form where another is\n",
				f->opcode);
			exit(1);
		}
		if (!*e) {
			if (vslot_count >= 0x100 - SLOT_BASE) {
				fprintf(stderr, "gen-forms: too many vector opcodes\n");
				exit(1);
			}
			*e = (uint8_t)(SLOT_BASE + vslot_count++);
		}
		for (unsigned w = 0; w < 2; w++) {
			uint8_t *slot = &vslots[*e - SLOT_BASE][f->encoding][f->prefix][w];
			if (f->w != FWIG && f->w != w)
				continue;
			if (*slot) {
				fprintf(stderr, "gen-forms: vector form %02X described twice\n",
					f->opcode);
				exit(1);
			}
			*slot = (uint8_t)index;
		}
	}
}

static void build(void)
{
	for (size_t i = 0; i < FORM_COUNT; i++) {
		const struct form *f = &forms[i];
		/* REX.W makes CMPXCHG8B CMPXCHG16B: the decoder knows */
		if (f->op == MMIODEC_OP_CMPXCHG16B)
			continue;
		if (f->opcode > 0xFF || f->reg > ANY)
			exit(1);
		unsigned index = info_index(info_of(f));
		uint8_t *e = &entry[f->map][f->opcode];
		if (f->reg == ANY) {
			if (*e)
				fail_duplicate(f);
			*e = (uint8_t)index;
			continue;
		}
		if (*e && *e < GROUP_BASE)
			fail_duplicate(f);
		if (!*e) {
			if (group_count >= SLOT_BASE - GROUP_BASE) {
				fprintf(stderr, "gen-forms: too many groups\n");
				exit(1);
			}
			*e = (uint8_t)(GROUP_BASE + group_count++);
		}
		uint8_t *slot = &groups[*e - GROUP_BASE][f->reg];
		if (*slot)
			fail_duplicate(f);
		*slot = (uint8_t)index;
	}
}

static const char *const pattern_names[] = {
	[FP_M_R] = "FP_M_R", [FP_R_M] = "FP_R_M", [FP_M_I] = "FP_M_I",
	[FP_M_1] = "FP_M_1", [FP_M_CL] = "FP_M_CL", [FP_M] = "FP_M",
	[FP_M_A] = "FP_M_A", [FP_R_M_I] = "FP_R_M_I", [FP_M_R_I] = "FP_M_R_I",
	[FP_M_R_CL] = "FP_M_R_CL", [FP_A_MOFFS] = "FP_A_MOFFS",
	[FP_MOFFS_A] = "FP_MOFFS_A", [FP_STRING] = "FP_STRING",
	[FP_R_V_M] = "FP_R_V_M", [FP_COPY] = "FP_COPY",
};
static const char *const width_names[] = {
	[FW_BYTE] = "FW_BYTE", [FW_WORD] = "FW_WORD", [FW_OPERAND] = "FW_OPERAND",
	[FW_MOVSXD] = "FW_MOVSXD", [FW_MOVNTI] = "FW_MOVNTI",
	[FW_DWORD] = "FW_DWORD", [FW_DOUBLE] = "FW_DOUBLE", [FW_4] = "FW_4",
	[FW_8] = "FW_8", [FW_16] = "FW_16", [FW_64] = "FW_64", [FW_VL] = "FW_VL",
};
static const char *const register_names[] = {
	[FR_MMX] = "FR_MMX", [FR_XMM] = "FR_XMM", [FR_VL] = "FR_VL",
	[FR_GPR] = "FR_GPR", [FR_ADDRESS] = "FR_ADDRESS",
};

static const char *const dir_names[] = {
	"0", "MMIODEC_DIR_READ", "MMIODEC_DIR_WRITE", "MMIODEC_DIR_READ_WRITE",
};
static const char *const flag_names[8] = {
	[2] = "FORM_ZERO_EXTEND", [3] = "FORM_SIGN_EXTEND",
	[4] = "FORM_IMM_UNSIGNED", [5] = "FORM_REG_FIRST",
	[6] = "FORM_NO_MODRM_REG", [7] = "FORM_SPECIAL",
};

static void put_bytes(FILE *out, const char *name, const uint8_t *bytes, size_t n)
{
	fprintf(out, "static const uint8_t %s[%zu] = {", name, n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s0x%02X,", i % 12 ? " " : "\n\t", bytes[i]);
	fprintf(out, "\n};\n\n");
}

static void write_tables(FILE *out)
{
	fprintf(out,
		"/* SPDX-License-Identifier: MIT */\n"
		"/* Generated by tools/gen-forms.c from src/forms.h: do not edit\n"
		" * (`ninja -C build regen-forms`). Included by src/decode.c. */\n\n");
	fprintf(out, "/* By form: op, operands, width, direction | FORM_* flags. */\n"
		"static const struct form_info form_infos[%u] = {\n"
		"\t{ 0, 0, 0, 0 },\n", info_count);
	for (unsigned i = 1; i < info_count; i++) {
		unsigned flags = infos[i].flags;
		fprintf(out, "\t{ MMIODEC_OP_%s, %s, %s, %s", ops[infos[i].op].name,
			pattern_names[infos[i].pattern], width_names[infos[i].width],
			dir_names[flags & 3]);
		for (unsigned bit = 2; bit < 8; bit++)
			if (flags & (1u << bit))
				fprintf(out, " | %s", flag_names[bit]);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");
	fprintf(out, "/* By opcode: 0, a form, FORM_GROUP_BASE + a group of form_groups\n"
		" * (by ModRM.reg), or FORM_SLOT_BASE + a slot of vector_slots. */\n"
		"#define FORM_GROUP_BASE 0x%02X\n#define FORM_SLOT_BASE 0x%02X\n",
		GROUP_BASE, SLOT_BASE);
	put_bytes(out, "forms_legacy", entry[MAP_LEGACY_], 256);
	put_bytes(out, "forms_0f", entry[MAP_0F_], 256);
	put_bytes(out, "forms_0f38", entry[MAP_0F38_], 256);
	fprintf(out, "static const uint8_t form_groups[%u][8] = {\n", group_count);
	for (unsigned g = 0; g < group_count; g++) {
		fprintf(out, "\t{");
		for (unsigned r = 0; r < 8; r++)
			fprintf(out, "%s%u", r ? ", " : " ", groups[g][r]);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");
	fprintf(out, "/* The vector forms: op, operands, width, register, the element\n"
		" * an opmask selects (0: none), whether the address is aligned. */\n"
		"static const struct vector_form_info vector_infos[%u] = {\n"
		"\t{ 0, 0, 0, 0, 0, 0 },\n", vinfo_count);
	for (unsigned i = 1; i < vinfo_count; i++)
		fprintf(out, "\t{ MMIODEC_OP_%s, %s, %s, %s, %u, %u },\n",
			ops[vinfos[i].op].name, pattern_names[vinfos[i].pattern],
			width_names[vinfos[i].width], register_names[vinfos[i].reg],
			vinfos[i].element, vinfos[i].aligned);
	fprintf(out, "};\n\n");
	fprintf(out, "/* By slot, encoding (legacy, VEX, EVEX), mandatory prefix (none,\n"
		" * 66, F3, F2) and W: a vector form, or 0. */\n"
		"static const uint8_t vector_slots[%u][3][4][2] = {\n", vslot_count);
	for (unsigned sl = 0; sl < vslot_count; sl++) {
		fprintf(out, "\t{");
		for (unsigned e = 0; e < 3; e++) {
			fprintf(out, "%s{", e ? ", " : " ");
			for (unsigned pp = 0; pp < 4; pp++)
				fprintf(out, "%s{ %u, %u }", pp ? ", " : " ",
					vslots[sl][e][pp][0], vslots[sl][e][pp][1]);
			fprintf(out, " }");
		}
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n");
}

/* README */

static const char *const operand_text[] = {
	[FP_M_R] = "m, r", [FP_R_M] = "r, m", [FP_M_I] = "m, imm",
	[FP_M_1] = "m, 1", [FP_M_CL] = "m, cl", [FP_M] = "m",
	[FP_M_A] = "m (rAX, rDX implied)", [FP_R_M_I] = "r, m, imm", [FP_M_R_I] = "m, r, imm8",
	[FP_M_R_CL] = "m, r, cl", [FP_A_MOFFS] = "rAX, moffs",
	[FP_MOFFS_A] = "moffs, rAX", [FP_STRING] = "implicit",
};
static const char *const direction_text[] = {
	[MMIODEC_DIR_READ] = "read", [MMIODEC_DIR_WRITE] = "write",
	[MMIODEC_DIR_READ_WRITE] = "read-write",
};
static const char *const map_text[] = { "", "0F ", "0F 38 " };

/* A list of distinct short texts, joined with "; " when printed. */
struct text_list {
	char items[16][48];
	unsigned count;
};

static void add_text(struct text_list *list, const char *text)
{
	for (unsigned i = 0; i < list->count; i++)
		if (!strcmp(list->items[i], text))
			return;
	if (list->count == 16) {
		fprintf(stderr, "gen-forms: too many texts for one README cell\n");
		exit(1);
	}
	snprintf(list->items[list->count++], sizeof list->items[0], "%s", text);
}

static void put_list(FILE *out, const struct text_list *list)
{
	for (unsigned i = 0; i < list->count; i++)
		fprintf(out, "%s%s", i ? "; " : "", list->items[i]);
}

/* The opcodes of a row, as the SDM writes them: "80–83 /0", "0F 90–9F",
 * "C0, C1, D0–D3 /4". */
static void row_opcodes(const struct row *r, char *out, size_t cap)
{
	const struct form *f = r->forms;
	unsigned first = f[0].opcode, last = f[r->count - 1].opcode;
	char reg[8] = "";
	if (f[0].reg != ANY)
		snprintf(reg, sizeof reg, " /%u", f[0].reg);
	if (r->count == 1)
		snprintf(out, cap, "%s%02X%s", map_text[f[0].map], first, reg);
	else if (last - first + 1 == r->count)
		snprintf(out, cap, "%s%02X–%02X%s", map_text[f[0].map], first, last, reg);
	else if (r->count == 6 && last - first == 0x13)
		snprintf(out, cap, "%s%02X, %02X, %02X–%02X%s", map_text[f[0].map],
			 first, first + 1, last - 3, last, reg);
	else {
		fprintf(stderr, "gen-forms: a row's opcodes have no README spelling\n");
		exit(1);
	}
}

/* The README's texts of the vector forms of op. */
static void add_vector_texts(unsigned op, struct text_list *opcodes,
			     struct text_list *operands, struct text_list *dirs)
{
	static const char *const encodings[] = { "", "VEX.", "EVEX." };
	static const char *const prefixes[] = { "NP", "66", "F3", "F2" };
	static const char *const ws[] = { ".W0", ".W1", "" };
	for (size_t i = 0; i < VFORM_COUNT; i++) {
		const struct vform *f = &vforms[i];
		char text[48];
		if (f->op != op)
			continue;
		snprintf(text, sizeof text, "%s%s %s%02X%s", encodings[f->encoding],
			 prefixes[f->prefix], map_text[f->map], f->opcode, ws[f->w]);
		add_text(opcodes, text);
		add_text(operands, f->pattern == FP_R_V_M ? "xmm, xmm, m"
				   : f->pattern == FP_COPY ? "es:[r], m"
				   : f->pattern == FP_M_R ? "m, r" : "r, m");
		unsigned dir = f->pattern == FP_M_R ? MMIODEC_DIR_WRITE
			       : f->pattern == FP_COPY ? MMIODEC_DIR_READ_WRITE
						       : MMIODEC_DIR_READ;
		snprintf(text, sizeof text, "%s%s%s", direction_text[dir],
			 f->aligned ? ", aligned" : "", f->element ? ", masked" : "");
		add_text(dirs, text);
	}
}

static void write_readme(FILE *out)
{
	fprintf(out, "| Instruction | Opcodes | Operands | Memory |\n");
	fprintf(out, "|---|---|---|---|\n");
	for (unsigned op = 1; op < MMIODEC_OP_COUNT; op++) {
		if (!ops[op].name)
			continue;
		struct text_list opcodes = { 0 }, operands = { 0 }, dirs = { 0 };
		for (size_t i = 0; i < ROW_COUNT; i++) {
			char text[48];
			if (rows[i].op != op)
				continue;
			row_opcodes(&rows[i], text, sizeof text);
			add_text(&opcodes, text);
		}
		for (size_t i = 0; i < FORM_COUNT; i++) {
			if (forms[i].op != op)
				continue;
			add_text(&operands, operand_text[forms[i].pattern]);
			add_text(&dirs, direction_text[direction(&forms[i])]);
		}
		add_vector_texts(op, &opcodes, &operands, &dirs);
		if (!opcodes.count)
			continue;
		const char *suffix = ops[op].kind == OK_SET || ops[op].kind == OK_CMOVE
					     ? "cc" : ops[op].kind == OK_STRING ? "b/w/d/q" : "";
		fprintf(out, "| %s%s | ", ops[op].mnemonic, suffix);
		put_list(out, &opcodes);
		fprintf(out, " | ");
		put_list(out, &operands);
		fprintf(out, " | ");
		put_list(out, &dirs);
		fprintf(out, " |\n");
	}
}

int main(int argc, char **argv)
{
	build();
	build_vector();
	if (argc == 2 && !strcmp(argv[1], "--readme")) {
		write_readme(stdout);
		return ferror(stdout) ? 1 : 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: gen-forms FILE | gen-forms --readme\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	write_tables(out);
	return fclose(out) ? 1 : 0;
}
