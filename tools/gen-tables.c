/* SPDX-License-Identifier: MIT */
/*
 * Writes the opcode-validity facts of the 0F, 0F 38 and 0F 3A maps and of
 * the x87 register forms, as the reference decoder (Zydis 4) has them,
 * into src/generated/ (map0f.inc, x87.inc). Run by `ninja -C build regen-tables`; the
 * test `tables-current` checks that the committed files are what this
 * program writes. The library never links Zydis: only these facts (which
 * ModRM.reg/rm values, prefixes and modes make a valid form, which take
 * LOCK, which immediate a form has) carry over, as data.
 */
#include <Zydis/Zydis.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/decode.h"

static ZydisDecoder dec64, dec32, dec16;

struct result {
	bool valid;
	ZydisDecodedInstruction insn;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
};

static void decode(ZydisDecoder *d, const uint8_t *b, size_t n, struct result *r)
{
	r->valid = ZYAN_SUCCESS(ZydisDecoderDecodeFull(d, b, n, &r->insn, r->ops));
}

static ZydisDecoder *decoder_for(int mode)
{
	return mode == 64 ? &dec64 : mode == 32 ? &dec32 : &dec16;
}

static const uint8_t prefix_bytes[4] = { 0, 0x66, 0xF3, 0xF2 };

/* Bytes: [lock] [prefix] 0F [38|3A] opcode modrm, then zeros. */
static size_t build(uint8_t *b, unsigned map, unsigned opcode, unsigned prefix,
		    unsigned modrm, bool lock)
{
	size_t n = 0;
	memset(b, 0, 15);
	if (lock)
		b[n++] = 0xF0;
	if (prefix)
		b[n++] = prefix_bytes[prefix];
	b[n++] = 0x0F;
	if (map == MAP_0F38)
		b[n++] = 0x38;
	else if (map == MAP_0F3A)
		b[n++] = 0x3A;
	b[n++] = (uint8_t)opcode;
	b[n++] = (uint8_t)modrm;
	/* 3DNow!: a valid opcode byte (PI2FD) wherever the tail ends. */
	if (map == MAP_0F && opcode == 0x0F)
		memset(b + n, 0x0D, 15 - n);
	return 15;
}

static bool has_explicit_memory(const struct result *r)
{
	for (unsigned i = 0; i < r->insn.operand_count; i++) {
		const ZydisDecodedOperand *o = &r->ops[i];
		if (o->type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    o->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT &&
		    (o->mem.type == ZYDIS_MEMOP_TYPE_MEM ||
		     o->mem.type == ZYDIS_MEMOP_TYPE_VSIB))
			return true;
	}
	return false;
}

struct form {
	struct opcode_info info;
	uint8_t rm_bits[8];     /* mod == 3 validity by ModRM.reg, bit = rm */
	bool rm_table;
};

static int fail_count;

static void complain(const char *what, unsigned map, unsigned op, unsigned p, int mode)
{
	fprintf(stderr, "gen-tables: %s at map %u opcode %02x prefix %u mode %d\n",
		what, map, op, p, mode);
	fail_count++;
}

static void analyse(unsigned map, unsigned op, unsigned p, int mode, struct form *f)
{
	uint8_t b[15];
	struct result r;
	ZydisDecoder *d = decoder_for(mode);
	bool any_modrm = false, any_valid = false;
	int imm = -1;
	bool mem_valid[8][3][8];  /* reg, mod, rm */
	bool reg_valid[8][8];
	bool lock_valid[8];
	bool no_access = false, access = false;
	/* MPX (0F 1A/1B memory forms): the decoder applies their addressing
	 * rules (no 16-bit addressing, no RIP-relative for BNDLDX, BNDSTX and
	 * BNDMK) in code. */
	bool mpx = map == MAP_0F && (op == 0x1A || op == 0x1B);

	memset(f, 0, sizeof *f);
	if (map == MAP_0F && (op == 0x38 || op == 0x3A))
		return;    /* escapes to the three-byte maps, never looked up */
	for (unsigned modrm = 0; modrm < 256; modrm++) {
		build(b, map, op, p, modrm, false);
		decode(d, b, 15, &r);
		unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
		if (mod == 3)
			reg_valid[reg][rm] = r.valid;
		else
			mem_valid[reg][mod][rm] = r.valid;
		if (!r.valid)
			continue;
		any_valid = true;
		if (r.insn.attributes & ZYDIS_ATTRIB_HAS_MODRM)
			any_modrm = true;
		int k;
		if (r.insn.raw.imm[1].size)
			k = IMM_BB;
		else if (r.insn.raw.imm[0].size == 8)
			k = IMM_B;
		else if (r.insn.raw.imm[0].size == 0)
			k = IMM_NONE;
		else if (map == MAP_0F && (op & 0xF0) == 0x80)
			k = IMM_JZ;
		else
			k = 100 + r.insn.raw.imm[0].size;
		if (imm >= 0 && imm != k && !(imm == IMM_NONE && k == IMM_BB) &&
		    !(imm == IMM_BB && k == IMM_NONE))
			complain("immediate differs by ModRM", map, op, p, mode);
		if (k == IMM_BB || imm < 0 || imm == IMM_NONE)
			imm = k;
		if (mod != 3) {
			if (has_explicit_memory(&r))
				access = true;
			else
				no_access = true;
			build(b, map, op, p, modrm, true);
			struct result l;
			decode(d, b, 15, &l);
			lock_valid[reg] = l.valid;
		}
	}
	if (!any_valid) {
		f->info.flags = OP_MODRM;    /* invalid: reg masks stay 0 */
		/* An invalid form still reads its ModRM before the verdict
		 * when the reference decoder does: keep OP_MODRM so TRUNCATED
		 * comes first, as there. */
		return;
	}
	if (imm >= 100)
		complain("odd immediate", map, op, p, mode);
	f->info.imm = (uint8_t)(imm < 0 ? IMM_NONE : imm);
	if (!any_modrm) {
		f->info.flags = 0;
		return;
	}
	if (access && no_access)
		complain("memory access differs by ModRM", map, op, p, mode);
	f->info.flags = OP_MODRM | (no_access && !access ? OP_NO_ACCESS : 0);
	for (unsigned reg = 0; reg < 8; reg++) {
		bool m = mem_valid[reg][0][0];
		for (unsigned mod = 0; mod < 3; mod++)
			for (unsigned rm = 0; rm < 8; rm++)
				if (mem_valid[reg][mod][rm] != m && !mpx)
					complain("memory form validity differs by mod/rm", map, op, p, mode);
		if (m)
			f->info.mem_regs |= (uint8_t)(1u << reg);
		if (m && lock_valid[reg])
			f->info.lock_regs |= (uint8_t)(1u << reg);
		unsigned count = 0;
		for (unsigned rm = 0; rm < 8; rm++) {
			if (reg_valid[reg][rm]) {
				count++;
				f->rm_bits[reg] |= (uint8_t)(1u << rm);
			}
		}
		if (count)
			f->info.reg_regs |= (uint8_t)(1u << reg);
		if (count && count < 8)
			f->rm_table = true;
	}
	if (f->rm_table)
		f->info.flags |= OP_RM_TABLE;
	if (mpx && f->info.mem_regs)
		f->info.flags |= OP_MPX;
}

#define MAX_FORMS 256
static struct opcode_info forms[MAX_FORMS];
static unsigned form_count;
static uint8_t rows[512][8];
static unsigned row_count;
static uint8_t row_of[3][256];

struct rm_entry {
	unsigned map, op, p, mode64;
	uint8_t bits[8];
};
static struct rm_entry rm_entries[256];
static unsigned rm_count;

static unsigned intern_form(const struct opcode_info *info)
{
	for (unsigned i = 0; i < form_count; i++)
		if (!memcmp(&forms[i], info, sizeof *info))
			return i;
	if (form_count == MAX_FORMS) {
		fprintf(stderr, "gen-tables: too many forms\n");
		exit(1);
	}
	forms[form_count] = *info;
	return form_count++;
}

static unsigned intern_row(const uint8_t *row)
{
	for (unsigned i = 0; i < row_count; i++)
		if (!memcmp(rows[i], row, 8))
			return i;
	if (row_count == 256) {
		fprintf(stderr, "gen-tables: too many rows\n");
		exit(1);
	}
	memcpy(rows[row_count], row, 8);
	return row_count++;
}

static const char *imm_names[] = {
	"IMM_NONE", "IMM_B", "IMM_W", "IMM_WB", "IMM_Z", "IMM_V", "IMM_JZ",
	"IMM_AP", "IMM_MOFFS", "IMM_BB", "IMM_D", "IMM_GRP3B", "IMM_GRP3Z",
};

static void flags_text(char *out, unsigned flags)
{
	out[0] = 0;
	static const struct { unsigned bit; const char *name; } names[] = {
		{ OP_MODRM, "OP_MODRM" }, { OP_RM_TABLE, "OP_RM_TABLE" },
		{ OP_NO_ACCESS, "OP_NO_ACCESS" }, { OP_3DNOW, "OP_3DNOW" },
		{ OP_MPX, "OP_MPX" },
	};
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (flags & names[i].bit) {
			if (out[0])
				strcat(out, " | ");
			strcat(out, names[i].name);
		}
	}
	if (!out[0])
		strcpy(out, "0");
}

static void write_map0f(FILE *out)
{
	for (unsigned m = 0; m < 3; m++) {
		unsigned map = MAP_0F + m;
		for (unsigned op = 0; op < 256; op++) {
			uint8_t row[8];
			for (unsigned p = 0; p < 4; p++) {
				for (unsigned mode64 = 0; mode64 < 2; mode64++) {
					struct form f, f16;
					analyse(map, op, p, mode64 ? 64 : 32, &f);
					if (!mode64 && !(map == MAP_0F && (op == 0x1A || op == 0x1B))) {
						analyse(map, op, p, 16, &f16);
						if (memcmp(&f, &f16, sizeof f))
							complain("16-bit mode differs from 32-bit", map, op, p, 16);
					}
					if (map == MAP_0F && op == 0x0F && f.info.flags & OP_MODRM)
						f.info.flags |= OP_3DNOW;
					row[p * 2 + mode64] = (uint8_t)intern_form(&f.info);
					if (f.rm_table) {
						struct rm_entry *e = &rm_entries[rm_count++];
						e->map = map; e->op = op; e->p = p; e->mode64 = mode64;
						memcpy(e->bits, f.rm_bits, 8);
					}
				}
			}
			row_of[m][op] = (uint8_t)intern_row(row);
		}
	}

	fprintf(out, "/* SPDX-License-Identifier: MIT */\n"
		"/* Generated by tools/gen-tables.c from Zydis 4's answers; do not edit. */\n\n");
	fprintf(out, "/* The distinct forms: flags, immediate, reg masks (mod!=3, mod==3), LOCK mask. */\n");
	fprintf(out, "static const struct opcode_info map0f_forms[%u] = {\n", form_count);
	for (unsigned i = 0; i < form_count; i++) {
		char fl[128];
		flags_text(fl, forms[i].flags);
		fprintf(out, "\t/* %3u */ { %s, %s, 0x%02X, 0x%02X, 0x%02X },\n", i, fl,
			imm_names[forms[i].imm], forms[i].mem_regs, forms[i].reg_regs,
			forms[i].lock_regs);
	}
	fprintf(out, "};\n\n/* A row per distinct opcode: the form for each mandatory prefix\n"
		" * (none, 66, F3, F2) outside and in 64-bit mode. */\n");
	fprintf(out, "static const uint8_t map0f_row_forms[%u][8] = {\n", row_count);
	for (unsigned i = 0; i < row_count; i++) {
		fprintf(out, "\t/* %3u */ {", i);
		for (unsigned j = 0; j < 8; j++)
			fprintf(out, " %3u,", rows[i][j]);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n/* Opcode to row, for 0F, 0F 38, 0F 3A. */\n");
	fprintf(out, "static const uint8_t map0f_rows[3][256] = {\n");
	for (unsigned m = 0; m < 3; m++) {
		fprintf(out, "\t{\n");
		for (unsigned op = 0; op < 256; op += 16) {
			fprintf(out, "\t\t");
			for (unsigned j = 0; j < 16; j++)
				fprintf(out, "%3u,%s", row_of[m][op + j], j == 15 ? "" : " ");
			fprintf(out, " /* %02X */\n", op);
		}
		fprintf(out, "\t},\n");
	}
	fprintf(out, "};\n\n");
	fprintf(out, "/* Register forms (mod == 3) valid only for some ModRM.rm: map, opcode,\n"
		" * prefix, 64-bit mode, then for each ModRM.reg a bit per rm. */\n");
	fprintf(out, "static const struct {\n\tuint8_t map, opcode, prefix, mode64;\n\tuint8_t rm_bits[8];\n} map0f_rm_forms[%u] = {\n", rm_count);
	for (unsigned i = 0; i < rm_count; i++) {
		struct rm_entry *e = &rm_entries[i];
		fprintf(out, "\t{ %u, 0x%02X, %u, %u, {", e->map, e->op, e->p, e->mode64);
		for (unsigned j = 0; j < 8; j++)
			fprintf(out, " 0x%02X,", e->bits[j]);
		fprintf(out, " } },\n");
	}
	fprintf(out, "};\n\n");
	fprintf(out,
		"bool map0f_rm_valid(unsigned map, uint8_t opcode, unsigned prefix,\n"
		"\t\t    bool mode64, uint8_t modrm)\n{\n"
		"\tfor (unsigned i = 0; i < sizeof map0f_rm_forms / sizeof map0f_rm_forms[0]; i++) {\n"
		"\t\tif (map0f_rm_forms[i].map == map && map0f_rm_forms[i].opcode == opcode &&\n"
		"\t\t    map0f_rm_forms[i].prefix == prefix && map0f_rm_forms[i].mode64 == mode64)\n"
		"\t\t\treturn (map0f_rm_forms[i].rm_bits[(modrm >> 3) & 7] >> (modrm & 7)) & 1;\n"
		"\t}\n\treturn true;\n}\n\n");

	/* 3DNow!: 0F 0F ModRM imm8-opcode. */
	uint8_t suffix_bits[32] = { 0 };
	for (unsigned s = 0; s < 256; s++) {
		uint8_t b[15] = { 0x0F, 0x0F, 0xC0, (uint8_t)s };
		struct result r;
		decode(&dec64, b, 15, &r);
		if (r.valid)
			suffix_bits[s / 8] |= (uint8_t)(1u << (s % 8));
	}
	fprintf(out, "/* 3DNow! opcodes: one bit per suffix byte. */\n"
		"static const uint8_t amd3dnow_suffixes[32] = {\n\t");
	for (unsigned i = 0; i < 32; i++)
		fprintf(out, "0x%02X,%s", suffix_bits[i], i % 8 == 7 ? (i == 31 ? "\n" : "\n\t") : " ");
	fprintf(out, "};\n\nbool amd3dnow_valid(uint8_t suffix)\n{\n"
		"\treturn (amd3dnow_suffixes[suffix / 8] >> (suffix %% 8)) & 1;\n}\n");
}

static void write_x87(FILE *out)
{
	fprintf(out, "/* SPDX-License-Identifier: MIT */\n"
		"/* Generated by tools/gen-tables.c from Zydis 4's answers; do not edit. */\n\n"
		"static const uint8_t x87_register_forms[8][8] = {\n");
	for (unsigned op = 0xD8; op <= 0xDF; op++) {
		fprintf(out, "\t{");
		for (unsigned i = 0; i < 8; i++) {
			uint8_t bits = 0;
			for (unsigned j = 0; j < 8; j++) {
				uint8_t b[15] = { (uint8_t)op, (uint8_t)(0xC0 + i * 8 + j) };
				struct result r64, r32;
				decode(&dec64, b, 15, &r64);
				decode(&dec32, b, 15, &r32);
				if (r64.valid != r32.valid)
					complain("x87 form differs by mode", 0, op, 0, 64);
				if (r64.valid)
					bits |= (uint8_t)(1u << j);
			}
			fprintf(out, " 0x%02X,", bits);
		}
		fprintf(out, " }, /* %02X */\n", op);
	}
	fprintf(out, "};\n");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s MAP0F.inc X87.inc\n", argv[0]);
		return 2;
	}
	ZydisDecoderInit(&dec64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderInit(&dec32, ZYDIS_MACHINE_MODE_LONG_COMPAT_32, ZYDIS_STACK_WIDTH_32);
	ZydisDecoderInit(&dec16, ZYDIS_MACHINE_MODE_LONG_COMPAT_16, ZYDIS_STACK_WIDTH_16);
	FILE *m = fopen(argv[1], "w"), *x = fopen(argv[2], "w");
	if (!m || !x) {
		perror("gen-tables");
		return 1;
	}
	write_map0f(m);
	write_x87(x);
	fclose(m);
	fclose(x);
	fprintf(stderr, "gen-tables: %u forms, %u rows, %u rm tables, %d warnings\n",
		form_count, row_count, rm_count, fail_count);
	return 0;
}
