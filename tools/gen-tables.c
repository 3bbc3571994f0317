/* SPDX-License-Identifier: MIT */
/*
 * Writes the opcode-validity facts of the 0F, 0F 38 and 0F 3A maps, of the
 * VEX, XOP, EVEX and MVEX maps and of the x87 register forms, as the
 * reference decoder (Zydis 4) has them, into src/generated/ (map0f.inc,
 * x87.inc). Run by `ninja -C build regen-tables`; the test `tables-current` checks that the committed files are what this
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
	bool no_access = false, access = false, mod_ignored = false;
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
		if (mod == 1 && r.insn.raw.disp.size == 0 &&
		    (r.insn.attributes & ZYDIS_ATTRIB_HAS_MODRM))
			mod_ignored = true;
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
	if (mod_ignored) {
		access = false;
		no_access = false;
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
	if (mod_ignored) {
		f->info.flags |= OP_MOD_IGNORED;
		f->info.flags &= (uint16_t)~OP_NO_ACCESS;
		if (f->info.mem_regs != f->info.reg_regs || f->rm_table)
			complain("ModRM.mod ignored, but memory forms differ", map, op, p, mode);
		f->info.mem_regs = f->info.reg_regs;
	}
}

#define MAX_FORMS 256
static struct opcode_info forms[MAX_FORMS];
static unsigned form_count;
static uint8_t rows[512][8];
static unsigned row_count;
static uint8_t row_of[3][256];

struct rm_entry {
	unsigned map, op, p, modes;   /* modes: bit 0 outside 64-bit mode, 1 in it */
	uint8_t bits[8];
};
static struct rm_entry rm_entries[256];
static unsigned rm_count;

/* The 64-bit mode entry joins the other mode's when their bits agree. */
static void add_rm_entry(unsigned map, unsigned op, unsigned p, unsigned mode64,
			 const uint8_t *bits)
{
	struct rm_entry *e = &rm_entries[rm_count ? rm_count - 1 : 0];
	if (rm_count && e->map == map && e->op == op && e->p == p &&
	    !memcmp(e->bits, bits, 8)) {
		e->modes |= 1u << mode64;
		return;
	}
	e = &rm_entries[rm_count++];
	e->map = map; e->op = op; e->p = p; e->modes = 1u << mode64;
	memcpy(e->bits, bits, 8);
}

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

/*
 * One generated `static const uint8_t NAME[rows][cols]`, preceded by its
 * comment. A row of up to 16 entries takes one line, headed by the row's
 * number; a longer row takes lines of 16, each ending with the hex number
 * of its first entry times `scale` (the opcode, where entries stand for
 * opcodes or blocks of them).
 */
struct u8_table {
	const char *comment;
	const char *name;
	const uint8_t *data;
	unsigned rows, cols;
	size_t stride;       /* bytes from one row to the next in data */
	bool hex;            /* 0x%02X, else %3u */
	unsigned scale;      /* long rows: a line's label is its first entry's number
			      * times this */
};

static void write_u8_table(FILE *out, const struct u8_table *t)
{
	bool wide = t->cols > 16;
	fprintf(out, "/* %s */\nstatic const uint8_t %s[%u][%u] = {\n", t->comment, t->name,
		t->rows, t->cols);
	for (unsigned r = 0; r < t->rows; r++) {
		const uint8_t *row = t->data + r * t->stride;
		if (wide)
			fprintf(out, "\t{\n");
		else
			fprintf(out, "\t/* %3u */ {", r);
		for (unsigned i = 0; i < t->cols; i++) {
			fprintf(out, wide && i % 16 == 0 ? "\t\t" : " ");
			fprintf(out, t->hex ? "0x%02X," : "%3u,", row[i]);
			if (wide && (i % 16 == 15 || i + 1 == t->cols))
				fprintf(out, " /* %02X */\n", (i - i % 16) * t->scale);
		}
		fprintf(out, wide ? "\t},\n" : " },\n");
	}
	fprintf(out, "};\n");
}

/*
 * A table of byte rows stored in two levels, read by BLOCKED() in
 * src/tables.c: each row cut into blocks of `size` entries, identical blocks
 * kept once across all rows, and per row the block number of each piece.
 * The opcode rows of a map are mostly empty or repeat their neighbours, so
 * the two levels take about half the bytes of the flat table.
 */
#define MAX_BLOCKS 256
#define MAX_BLOCK_SIZE 16
#define MAX_BLOCKED_ROWS 64
struct blocked {
	const char *name;    /* the tables are NAME_block_index and NAME_blocks */
	unsigned rows, width, size, count;
	uint8_t index[MAX_BLOCKED_ROWS][256];
	uint8_t blocks[MAX_BLOCKS][MAX_BLOCK_SIZE];
};

/* table: t->rows rows of t->width bytes. */
static void split_blocks(struct blocked *t, const uint8_t *table)
{
	if (t->rows > MAX_BLOCKED_ROWS || t->size > MAX_BLOCK_SIZE || t->width % t->size) {
		fprintf(stderr, "gen-tables: %s does not fit its blocks\n", t->name);
		exit(1);
	}
	t->count = 0;
	for (unsigned r = 0; r < t->rows; r++) {
		for (unsigned i = 0; i < t->width / t->size; i++) {
			const uint8_t *piece = table + r * t->width + i * t->size;
			unsigned k = 0;
			while (k < t->count && memcmp(t->blocks[k], piece, t->size))
				k++;
			if (k == MAX_BLOCKS) {
				fprintf(stderr, "gen-tables: too many blocks for %s\n", t->name);
				exit(1);
			}
			if (k == t->count)
				memcpy(t->blocks[t->count++], piece, t->size);
			t->index[r][i] = (uint8_t)k;
		}
	}
}

/* what: a comment on the flat table's rows and entries. */
static void write_blocked(FILE *out, const struct blocked *t, const char *what)
{
	char comment[512], index_name[64], blocks_name[64];
	snprintf(comment, sizeof comment, "%s.\n"
		 " * In two levels (BLOCKED() in src/tables.c): entry i of row r is\n"
		 " * %s_blocks[%s_block_index[r][i / %u]][i %% %u].",
		 what, t->name, t->name, t->size, t->size);
	snprintf(index_name, sizeof index_name, "%s_block_index", t->name);
	snprintf(blocks_name, sizeof blocks_name, "%s_blocks", t->name);
	write_u8_table(out, &(struct u8_table){
		.comment = comment, .name = index_name, .data = &t->index[0][0],
		.rows = t->rows, .cols = t->width / t->size, .stride = sizeof t->index[0],
		.scale = t->size });
	fprintf(out, "\n");
	write_u8_table(out, &(struct u8_table){
		.comment = "The distinct blocks.", .name = blocks_name, .data = &t->blocks[0][0],
		.rows = t->count, .cols = t->size, .stride = sizeof t->blocks[0] });
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
		{ OP_MPX, "OP_MPX" }, { OP_MOD_IGNORED, "OP_MOD_IGNORED" },
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

static void write_header(FILE *out)
{
	fprintf(out, "/* SPDX-License-Identifier: MIT */\n"
		"/* Generated by tools/gen-tables.c from Zydis 4's answers; do not edit. */\n\n");
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
					if (f.rm_table)
						add_rm_entry(map, op, p, mode64, f.rm_bits);
				}
			}
			row_of[m][op] = (uint8_t)intern_row(row);
		}
	}

	write_header(out);
	fprintf(out, "/* The distinct forms: flags, immediate, reg masks (mod!=3, mod==3), LOCK mask. */\n");
	fprintf(out, "static const struct opcode_info map0f_forms[%u] = {\n", form_count);
	for (unsigned i = 0; i < form_count; i++) {
		char fl[128];
		flags_text(fl, forms[i].flags);
		fprintf(out, "\t/* %3u */ { %s, %s, 0x%02X, 0x%02X, 0x%02X },\n", i, fl,
			imm_names[forms[i].imm], forms[i].mem_regs, forms[i].reg_regs,
			forms[i].lock_regs);
	}
	fprintf(out, "};\n\n");
	static struct blocked row_forms = { .name = "map0f_row_forms", .width = 8, .size = 2 };
	row_forms.rows = row_count;
	split_blocks(&row_forms, &rows[0][0]);
	write_blocked(out, &row_forms, "A row per distinct opcode: the form for each mandatory prefix\n"
		      " * (none, 66, F3, F2) outside and in 64-bit mode");
	fprintf(out, "\n");
	static struct blocked opcode_rows = { .name = "map0f_rows", .rows = 3, .width = 256,
					      .size = 4 };
	split_blocks(&opcode_rows, &row_of[0][0]);
	write_blocked(out, &opcode_rows, "Opcode to row, for 0F, 0F 38, 0F 3A");
	fprintf(out, "\n");
	fprintf(out, "/* Register forms (mod == 3) valid only for some ModRM.rm: map, opcode,\n"
		" * prefix, the modes (bit 0: outside 64-bit mode, bit 1: in it), then for\n"
		" * each ModRM.reg a bit per rm. */\n");
	fprintf(out, "static const struct {\n\tuint8_t map, opcode, prefix, modes;\n\tuint8_t rm_bits[8];\n} map0f_rm_forms[%u] = {\n", rm_count);
	for (unsigned i = 0; i < rm_count; i++) {
		struct rm_entry *e = &rm_entries[i];
		fprintf(out, "\t{ %u, 0x%02X, %u, %u, {", e->map, e->op, e->p, e->modes);
		for (unsigned j = 0; j < 8; j++)
			fprintf(out, " 0x%02X,", e->bits[j]);
		fprintf(out, " } },\n");
	}
	fprintf(out, "};\n\n");
	fprintf(out,
		"bool mmiodec_map0f_rm_valid(unsigned map, uint8_t opcode, unsigned prefix,\n"
		"\t\t    bool mode64, uint8_t modrm)\n{\n"
		"\tfor (unsigned i = 0; i < sizeof map0f_rm_forms / sizeof map0f_rm_forms[0]; i++) {\n"
		"\t\tif (map0f_rm_forms[i].map == map && map0f_rm_forms[i].opcode == opcode &&\n"
		"\t\t    map0f_rm_forms[i].prefix == prefix &&\n"
		"\t\t    ((map0f_rm_forms[i].modes >> mode64) & 1))\n"
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
	fprintf(out, "};\n\nbool mmiodec_amd3dnow_valid(uint8_t suffix)\n{\n"
		"\treturn (amd3dnow_suffixes[suffix / 8] >> (suffix %% 8)) & 1;\n}\n");
}

/*
 * VEX, XOP, EVEX and MVEX (EVEX with P1 bit 2 clear, which Zydis 4 decodes
 * as Knights Corner's MVEX). For each kind, map, opcode, pp and variant
 * (memory or register ModRM, EVEX.b clear or set) the valid encodings are
 * summed up as one rule: which L (L'L) values, W values, whether vvvv may
 * name a register or must be unused, z, whether aaa may be 0 or not, which
 * ModRM.reg values, and whether a memory form needs a SIB byte (VSIB). The
 * generator checks that each rule is exact (its product of masks is exactly
 * the set of valid encodings) and counts the encodings where it is not.
 */
enum { KIND_VEX = VEX_KIND_VEX, KIND_XOP = VEX_KIND_XOP, KIND_EVEX = VEX_KIND_EVEX,
       KIND_MVEX = VEX_KIND_MVEX, KIND_COUNT };
static const unsigned kind_maps[KIND_COUNT][2] = {
	{ 0, 32 }, { 8, 32 }, { 0, 8 }, { 0, 8 },
};

struct vex_rule {
	uint8_t l_by_w;   /* bits 0-3: L'L values valid with W0; 4-7: with W1 */
	uint8_t l_by_w32; /* the same outside 64-bit mode (0: 64-bit only) */
	uint8_t v_by_l;   /* bit 2L: vvvv may be unused with L'L = L; 2L+1: used */
	uint8_t bits;     /* VR_* */
	uint8_t reg_mask; /* ModRM.reg values */
	uint8_t high;     /* VH_*: register fields that may not name 8..15 */
};

/* vused: 0 unused (1111), 1 register 1, 2 register 9; rhigh: which
 * register-extension bit is set (HIGH_*). */
enum { HIGH_NONE, HIGH_R, HIGH_R2, HIGH_B, HIGH_X, HIGH_COUNT };
static const uint8_t high_clear[HIGH_COUNT] = { 0, 0x80, 0x10, 0x20, 0x40 };
static const uint8_t high_flag[HIGH_COUNT] = { 0, VH_REG, VH_REG_HI, VH_RM, VH_RM_HI };

/* alt: a second choice of the other registers (vvvv 2 for 1, SIB index 6
 * for 0), so that forms which forbid equal registers (gathers) are not
 * judged by one unlucky collision. */
static size_t vex_bytes_alt(uint8_t *b, unsigned kind, unsigned map, unsigned op,
			    unsigned pp, unsigned mod3, unsigned bbit, unsigned l,
			    unsigned w, unsigned vused, unsigned z, unsigned aaa1,
			    unsigned reg, unsigned sib, unsigned rhigh, unsigned alt)
{
	size_t n = 0;
	unsigned vfield = vused == 0 ? 0xF : vused == 1 ? 0xE : 0x6;
	if (alt && vused)
		vfield -= 1;
	memset(b, 0, 15);
	if (kind == KIND_VEX || kind == KIND_XOP) {
		b[n++] = kind == KIND_VEX ? 0xC4 : 0x8F;
		b[n++] = (uint8_t)((0xE0 & ~high_clear[rhigh]) | map);
		b[n++] = (uint8_t)((w << 7) | (vfield << 3) | (l << 2) | pp);
	} else {
		b[n++] = 0x62;
		b[n++] = (uint8_t)((0xF0 & ~high_clear[rhigh]) | map);
		b[n++] = (uint8_t)((w << 7) | (vfield << 3) |
				   (kind == KIND_EVEX ? 4 : 0) | pp);
		b[n++] = (uint8_t)((z << 7) | (l << 5) | (bbit << 4) | 8 | (aaa1 ? 1 : 0));
	}
	b[n++] = (uint8_t)op;
	b[n++] = (uint8_t)((mod3 ? 0xC0 : 0) | (reg << 3) | (sib ? 4 : 0));
	if (sib && !mod3)
		b[n++] = alt ? 0x30 : 0x00;
	return 15;
}

static bool vex_valid(ZydisDecoder *dec, unsigned kind, unsigned map, unsigned op,
		      unsigned pp, unsigned mod3, unsigned bbit, unsigned l,
		      unsigned w, unsigned vused, unsigned z, unsigned aaa1,
		      unsigned reg, unsigned sib, unsigned rhigh)
{
	uint8_t b[15];
	struct result r;
	for (unsigned alt = 0; alt < 2; alt++) {
		vex_bytes_alt(b, kind, map, op, pp, mod3, bbit, l, w, vused, z, aaa1,
			      reg, sib, rhigh, alt);
		decode(dec, b, 15, &r);
		if (r.valid)
			return true;
	}
	return false;
}

#define MAX_VEX_RULES 1024
static struct vex_rule vex_rules[MAX_VEX_RULES];
static unsigned vex_rule_count;
static long vex_inexact, vex_points, vex_mixed_high;

static unsigned intern_vex_rule(const struct vex_rule *r)
{
	for (unsigned i = 0; i < vex_rule_count; i++)
		if (!memcmp(&vex_rules[i], r, sizeof *r))
			return i;
	if (vex_rule_count == MAX_VEX_RULES) {
		fprintf(stderr, "gen-tables: too many VEX rules\n");
		exit(1);
	}
	vex_rules[vex_rule_count] = *r;
	return vex_rule_count++;
}

static void vex_analyse_mode(ZydisDecoder *dec, unsigned kind, unsigned map,
			     unsigned op, unsigned pp, unsigned mod3, unsigned bbit,
			     struct vex_rule *rule);

static long vex_mode_mismatch;

/* The rule from 64-bit mode, with the L'L/W set of 32-bit mode beside it
 * (forms that exist only in 64-bit mode: Knights Corner and a few others). */
static void vex_analyse(unsigned kind, unsigned map, unsigned op, unsigned pp,
			unsigned mod3, unsigned bbit, struct vex_rule *rule)
{
	struct vex_rule r32;
	vex_analyse_mode(&dec64, kind, map, op, pp, mod3, bbit, rule);
	if (kind == KIND_MVEX || !rule->l_by_w)
		return;
	vex_analyse_mode(&dec32, kind, map, op, pp, mod3, bbit, &r32);
	rule->l_by_w32 = r32.l_by_w;
	if (r32.l_by_w && (r32.bits != rule->bits || r32.reg_mask != rule->reg_mask ||
			   r32.v_by_l != rule->v_by_l))
		vex_mode_mismatch++;
}

static void vex_analyse_mode(ZydisDecoder *dec, unsigned kind, unsigned map,
			     unsigned op, unsigned pp, unsigned mod3, unsigned bbit,
			     struct vex_rule *rule)
{
	bool evex = kind >= KIND_EVEX;
	unsigned nl = evex ? 4 : 2, nz = evex ? 2 : 1, na = evex ? 2 : 1;
	static bool valid[4][2][2][2][2][8][2];

	memset(rule, 0, sizeof *rule);
	memset(valid, 0, sizeof valid);
	if (!evex && bbit)
		return;
	bool any = false, sib_only = false, any_nosib = false;
	bool v_low_only = false, v_high_ok = false;
	bool high_low_only[HIGH_COUNT] = { false }, high_ok[HIGH_COUNT] = { false };
	for (unsigned l = 0; l < nl; l++)
	for (unsigned w = 0; w < 2; w++)
	for (unsigned v = 0; v < 2; v++)
	for (unsigned z = 0; z < nz; z++)
	for (unsigned a = 0; a < na; a++)
	for (unsigned reg = 0; reg < 8; reg++)
	for (unsigned sib = 0; sib < (mod3 ? 1u : 2u); sib++) {
		bool ok = vex_valid(dec, kind, map, op, pp, mod3, bbit, l, w, v, z, a, reg, sib, HIGH_NONE);
		valid[l][w][v][z][a][reg][sib] = ok;
		if (!ok)
			continue;
		if (v) {
			if (!vex_valid(dec, kind, map, op, pp, mod3, bbit, l, w, 2, z, a, reg, sib, HIGH_NONE))
				v_low_only = true;
			else
				v_high_ok = true;
		}
		for (unsigned h = HIGH_R; h < HIGH_COUNT && dec == &dec64; h++) {
			if ((h == HIGH_R2 || h == HIGH_X) && !evex)
				continue;
			if ((h == HIGH_B || h == HIGH_X) && !mod3)
				continue;
			if (!vex_valid(dec, kind, map, op, pp, mod3, bbit, l, w, v, z, a, reg, sib, h))
				high_low_only[h] = true;
			else
				high_ok[h] = true;
		}
		any = true;
		if (!sib)
			any_nosib = true;
		rule->l_by_w |= (uint8_t)(1u << (l + 4 * w));
		rule->bits |= (uint8_t)(VR_Z0_AAA0 << (z * 2 + a));
		rule->v_by_l |= (uint8_t)(1u << (2 * l + v));
		rule->reg_mask |= (uint8_t)(1u << reg);
	}
	if (!any)
		return;
	if (!mod3 && !any_nosib) {
		sib_only = true;
		rule->bits |= VR_NEEDS_SIB;
	}
	if (!evex)
		rule->bits |= VR_Z0_AAA0;
	if (v_low_only)
		rule->high |= VH_VVVV;
	if (v_low_only && v_high_ok)
		vex_mixed_high++;
	for (unsigned h = HIGH_R; h < HIGH_COUNT; h++) {
		if (high_low_only[h])
			rule->high |= high_flag[h];
		if (high_low_only[h] && high_ok[h])
			vex_mixed_high++;
	}
	/* Exactness of the product of the masks. */
	for (unsigned l = 0; l < nl; l++)
	for (unsigned w = 0; w < 2; w++)
	for (unsigned v = 0; v < 2; v++)
	for (unsigned z = 0; z < nz; z++)
	for (unsigned a = 0; a < na; a++)
	for (unsigned reg = 0; reg < 8; reg++)
	for (unsigned sib = 0; sib < (mod3 ? 1u : 2u); sib++) {
		bool predicted = (rule->l_by_w >> (l + 4 * w) & 1) &&
				 (rule->v_by_l >> (2 * l + v) & 1) &&
				 (rule->bits & (VR_Z0_AAA0 << (z * 2 + a))) &&
				 (rule->reg_mask >> reg & 1) && (sib || !sib_only);
		if (dec != &dec64)
			continue;
		vex_points++;
		if (predicted != valid[l][w][v][z][a][reg][sib]) {
			vex_inexact++;
			if (getenv("GEN_DEBUG"))
				fprintf(stderr, "inexact kind %u map %u op %02x pp %u mod3 %u b %u: L%u W%u v%u z%u a%u reg%u sib%u valid %d\n",
					kind, map, op, pp, mod3, bbit, l, w, v, z, a, reg, sib, valid[l][w][v][z][a][reg][sib]);
		}
	}
}

/* For each kind/map/opcode a row of 4 sub-rows (one per pp), each sub-row
 * the rules of 4 variants (memory/register x EVEX.b). */
static uint8_t vex_subrows[1024][4];
static unsigned vex_subrow_count;
static uint8_t vex_rows[1024][4];
static unsigned vex_row_count;
static uint8_t vex_opcode_rows[32][256];
static unsigned vex_slot_count;
static uint8_t vex_map_slot[KIND_COUNT][32];

static unsigned intern4(uint8_t (*table)[4], unsigned *count, const uint8_t *v)
{
	for (unsigned i = 0; i < *count; i++)
		if (!memcmp(table[i], v, 4))
			return i;
	if (*count == 256) {
		fprintf(stderr, "gen-tables: more than 256 VEX rows\n");
		exit(1);
	}
	memcpy(table[*count], v, 4);
	return (*count)++;
}

static void write_vex(FILE *out)
{
	struct vex_rule none = { 0, 0, 0, 0, 0, 0 };
	uint8_t zero[4] = { 0, 0, 0, 0 };
	intern_vex_rule(&none);
	intern4(vex_subrows, &vex_subrow_count, zero);
	intern4(vex_rows, &vex_row_count, zero);
	memset(vex_map_slot, 0xFF, sizeof vex_map_slot);
	for (unsigned kind = 0; kind < KIND_COUNT; kind++) {
		for (unsigned map = kind_maps[kind][0]; map < kind_maps[kind][1]; map++) {
			uint8_t rows_here[256];
			bool any_map = false;
			for (unsigned op = 0; op < 256; op++) {
				uint8_t row[4];
				for (unsigned pp = 0; pp < 4; pp++) {
					uint8_t sub[4];
					for (unsigned var = 0; var < 4; var++) {
						struct vex_rule rule;
						vex_analyse(kind, map, op, pp, var >> 1, var & 1, &rule);
						sub[var] = (uint8_t)intern_vex_rule(&rule);
						if (rule.l_by_w)
							any_map = true;
					}
					row[pp] = (uint8_t)intern4(vex_subrows, &vex_subrow_count, sub);
				}
				rows_here[op] = (uint8_t)intern4(vex_rows, &vex_row_count, row);
			}
			if (any_map) {
				vex_map_slot[kind][map] = (uint8_t)vex_slot_count;
				memcpy(vex_opcode_rows[vex_slot_count++], rows_here, 256);
			}
		}
	}
	if (vex_rule_count > 256) {
		fprintf(stderr, "gen-tables: more than 256 VEX rules\n");
		exit(1);
	}
	fprintf(stderr, "gen-tables: VEX family: %u rules, %u sub-rows, %u rows, %u maps, %ld of %ld encodings inexact, %ld rules with mixed high-register validity, %ld differ in 32-bit mode\n",
		vex_rule_count, vex_subrow_count, vex_row_count, vex_slot_count, vex_inexact, vex_points, vex_mixed_high, vex_mode_mismatch);

	uint8_t rule_bytes[MAX_VEX_RULES][6];
	for (unsigned i = 0; i < vex_rule_count; i++) {
		const struct vex_rule *r = &vex_rules[i];
		const uint8_t bytes[6] = { r->l_by_w, r->bits, r->reg_mask, r->high,
					   r->l_by_w32, r->v_by_l };
		memcpy(rule_bytes[i], bytes, 6);
	}
	fprintf(out, "\n");
	write_u8_table(out, &(struct u8_table){
		.comment = "VEX, XOP, EVEX, MVEX: each rule is { L'L by W (bits 0-3 W0, 4-7 W1),\n"
			   " * VR_* bits, ModRM.reg mask, VH_* bits, L'L by W outside 64-bit mode,\n"
			   " * vvvv unused/used by L'L }.",
		.name = "vex_rules", .data = &rule_bytes[0][0], .rows = vex_rule_count,
		.cols = 6, .stride = sizeof rule_bytes[0], .hex = true });
	fprintf(out, "\n");
	write_u8_table(out, &(struct u8_table){
		.comment = "Rule per variant: memory, memory with b, register, register with b.",
		.name = "vex_subrows", .data = &vex_subrows[0][0], .rows = vex_subrow_count,
		.cols = 4, .stride = sizeof vex_subrows[0] });
	fprintf(out, "\n");
	write_u8_table(out, &(struct u8_table){
		.comment = "Sub-row per pp (none, 66, F3, F2).",
		.name = "vex_rows", .data = &vex_rows[0][0], .rows = vex_row_count,
		.cols = 4, .stride = sizeof vex_rows[0] });
	fprintf(out, "\n");
	write_u8_table(out, &(struct u8_table){
		.comment = "Map slot per kind (VEX, XOP, EVEX, MVEX) and map field; 0xFF: no such map.",
		.name = "vex_map_slots", .data = &vex_map_slot[0][0], .rows = KIND_COUNT,
		.cols = 32, .stride = sizeof vex_map_slot[0], .hex = true, .scale = 1 });
	fprintf(out, "\n");
	static struct blocked opcode_rows = { .name = "vex_opcode_rows", .width = 256, .size = 8 };
	opcode_rows.rows = vex_slot_count;
	split_blocks(&opcode_rows, &vex_opcode_rows[0][0]);
	write_blocked(out, &opcode_rows, "Row per map slot and opcode");
}

static void write_x87(FILE *out)
{
	uint8_t forms[8][8] = { { 0 } };
	for (unsigned op = 0xD8; op <= 0xDF; op++) {
		for (unsigned modrm = 0xC0; modrm <= 0xFF; modrm++) {
			uint8_t b[15] = { (uint8_t)op, (uint8_t)modrm };
			struct result r64, r32;
			decode(&dec64, b, 15, &r64);
			decode(&dec32, b, 15, &r32);
			if (r64.valid != r32.valid)
				complain("x87 form differs by mode", 0, op, 0, 64);
			if (r64.valid)
				forms[op - 0xD8][(modrm >> 3) & 7] |= (uint8_t)(1u << (modrm & 7));
		}
	}
	write_header(out);
	write_u8_table(out, &(struct u8_table){
		.comment = "A row per opcode D8..DF, a byte per ModRM.reg, a bit per ModRM.rm.",
		.name = "x87_register_forms", .data = &forms[0][0], .rows = 8, .cols = 8,
		.stride = sizeof forms[0], .hex = true });
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
	write_vex(m);
	write_x87(x);
	fclose(m);
	fclose(x);
	fprintf(stderr, "gen-tables: %u forms, %u rows, %u rm tables, %d warnings\n",
		form_count, row_count, rm_count, fail_count);
	return 0;
}
