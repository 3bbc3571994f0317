/* SPDX-License-Identifier: MIT */
#include "zydis_json.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "forms.h"

static bool build_form_index(void);

bool zydis_oracle_init(struct zydis_oracle *oracle, unsigned mode, unsigned vendor)
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
	if (vendor != MMIODEC_VENDOR_INTEL && vendor != MMIODEC_VENDOR_AMD)
		return false;
	if (!build_form_index())
		return false;
	oracle->mode = mode;
	oracle->vendor = vendor;
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&oracle->decoder, machine_mode, stack_width)))
		return false;
	/*
	 * D1: in 64-bit mode a 66 prefix (without REX.W) makes CALL/JMP rel
	 * (E8, E9) and Jcc (0F 80..8F) take a rel16 on AMD (APM vol. 3,
	 * "Near branches in 64-bit mode"; iced's DecoderOptions::AMD), while
	 * Intel ignores it (SDM vol. 2 CALL/JMP/Jcc: rel32). Zydis's default
	 * decoder reads them as Intel does, its AMD_BRANCHES mode as AMD.
	 */
	if (vendor == MMIODEC_VENDOR_AMD &&
	    !ZYAN_SUCCESS(ZydisDecoderEnableMode(&oracle->decoder,
						  ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE)))
		return false;
	return true;
}

bool zydis_vendors_init(struct zydis_vendors *oracles, unsigned mode)
{
	return zydis_oracle_init(&oracles->intel, mode, MMIODEC_VENDOR_INTEL) &&
	       zydis_oracle_init(&oracles->amd, mode, MMIODEC_VENDOR_AMD);
}

/* ---- The supported forms, from src/forms.h ----
 *
 * Each concrete form is pinned to what Zydis reports for it: the opcode map,
 * the opcode, the ModRM.reg of a group member, and the mnemonic(s) Zydis
 * gives it (the stem of src/forms.h; for the string forms the stem and the
 * operand size's letter, for SETcc and CMOVcc the stem and the condition's
 * name). The mnemonic pins the form down where an opcode is shared:
 * ARPL (63 outside 64-bit mode), CRC32 (F2 0F 38 F0), the other members of
 * 0F C7, the SSE moves... */

enum { FORM_REG_ANY = 8, FORM_MNEMONICS = 3, FORM_MAX = 512 };
/* A legacy row of src/forms.h: any mandatory prefix (the prefixes mean
 * what they mean for a general-register form), no register kind of its
 * own. */
enum { FORM_PREFIX_ANY = 0xff, FORM_REGISTER_GENERAL = 0xff };

/* The map tokens of src/forms.h, as Zydis's maps. */
enum {
	FORM_MAP_LEGACY = ZYDIS_OPCODE_MAP_DEFAULT,
	FORM_MAP_0F = ZYDIS_OPCODE_MAP_0F,
	FORM_MAP_0F38 = ZYDIS_OPCODE_MAP_0F38,
};

struct form_pin {
	uint8_t op;       /* enum mmiodec_op */
	uint8_t map;      /* ZydisOpcodeMap */
	uint8_t opcode;
	uint8_t reg;      /* ModRM.reg, or FORM_REG_ANY */
	uint8_t pattern;  /* enum mmiodec_form_pattern, FP_R_V_M, FP_COPY */
	uint8_t width;    /* enum mmiodec_form_width */
	uint8_t encoding; /* enum mmiodec_form_encoding */
	uint8_t prefix;   /* FPX_*: the mandatory prefix, or FORM_PREFIX_ANY */
	uint8_t w;        /* FW0, FW1 or FWIG */
	uint8_t vreg;     /* enum mmiodec_form_register, or FORM_REGISTER_GENERAL */
};

#define ANY FORM_REG_ANY
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width)                                 \
	{ MMIODEC_OP_##op, FORM_MAP_##map, (uint8_t)(opcode), (reg), (pattern), (width),   \
	  FE_LEGACY, FORM_PREFIX_ANY, FWIG, FORM_REGISTER_GENERAL },
/* Only what pins the form to Zydis's answer is kept: the element size and
 * the alignment of a row are what the harness checks (from Zydis's operands
 * and the SDM), so they are not taken from the description. */
#define VECTOR_FORM(op, encoding, map, prefix, opcode, w, pattern, width, reg, element, aligned) \
	{ MMIODEC_OP_##op, FORM_MAP_##map, (uint8_t)(opcode), FORM_REG_ANY, FP_##pattern,  \
	  FW_##width, FE_##encoding, FPX_##prefix, F##w, FR_##reg },
static const struct form_pin form_pins[] = { MMIODEC_EACH_FORM MMIODEC_VECTOR_FORMS(VECTOR_FORM) };
#undef VECTOR_FORM
#undef MMIODEC_FORM
#undef ANY

#define FORM_COUNT (sizeof(form_pins) / sizeof(form_pins[0]))

/* By op: Zydis's mnemonic (the stem) and what the op does. */
#define OP_STEM(op, mnemonic, kind) [MMIODEC_OP_##op] = mnemonic,
static const char *const op_stems[MMIODEC_OP_COUNT] = { MMIODEC_OPS(OP_STEM) };
#undef OP_STEM
#define OP_KIND(op, mnemonic, kind) [MMIODEC_OP_##op] = kind,
static const uint8_t op_kinds[MMIODEC_OP_COUNT] = { MMIODEC_OPS(OP_KIND) };
#undef OP_KIND

#define CONDITION_NAME(name) name,
static const char *const condition_names[16] = { MMIODEC_CONDITIONS(CONDITION_NAME) };
#undef CONDITION_NAME

/* Worked out once from the table above (zydis_oracle_init()): the Zydis
 * mnemonics of each form, and the forms by map and opcode. */
static struct {
	bool ready;
	ZydisMnemonic mnemonics[FORM_MAX][FORM_MNEMONICS];
	uint16_t first[3 * 256 + 1]; /* into by_opcode, by map * 256 + opcode */
	uint16_t by_opcode[FORM_MAX];
} form_index;

static int map_slot(unsigned map)
{
	switch (map) {
	case ZYDIS_OPCODE_MAP_DEFAULT: return 0;
	case ZYDIS_OPCODE_MAP_0F: return 1;
	case ZYDIS_OPCODE_MAP_0F38: return 2;
	default: return -1;
	}
}

/* The names Zydis gives form `i`: up to FORM_MNEMONICS. */
static unsigned form_mnemonic_names(unsigned i, char names[FORM_MNEMONICS][24])
{
	const struct form_pin *f = &form_pins[i];
	const char *stem = op_stems[f->op];

	switch (op_kinds[f->op]) {
	case OK_STRING:
		if (f->width == FW_BYTE) {
			snprintf(names[0], sizeof(names[0]), "%sb", stem);
			return 1;
		}
		snprintf(names[0], sizeof(names[0]), "%sw", stem);
		snprintf(names[1], sizeof(names[1]), "%sd", stem);
		snprintf(names[2], sizeof(names[2]), "%sq", stem);
		return 3;
	case OK_SET:
	case OK_CMOVE:
		snprintf(names[0], sizeof(names[0]), "%s%s", stem, condition_names[f->opcode & 15]);
		return 1;
	default:
		snprintf(names[0], sizeof(names[0]), "%s", stem);
		return 1;
	}
}

static bool build_form_index(void)
{
	unsigned count[3 * 256] = { 0 };

	if (form_index.ready)
		return true;
	if (FORM_COUNT > FORM_MAX)
		return false;
	for (unsigned i = 0; i < FORM_COUNT; i++) {
		char names[FORM_MNEMONICS][24];
		unsigned n = form_mnemonic_names(i, names);
		int slot = map_slot(form_pins[i].map);

		if (slot < 0)
			return false;
		for (unsigned k = 0; k < FORM_MNEMONICS; k++) {
			ZydisMnemonic found = ZYDIS_MNEMONIC_INVALID;

			for (unsigned m = 1; k < n && m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
				const char *name = ZydisMnemonicGetString((ZydisMnemonic)m);

				if (name && strcmp(name, names[k]) == 0) {
					found = (ZydisMnemonic)m;
					break;
				}
			}
			/* A name of src/forms.h that Zydis does not know is a
			 * mistake in one of the two: refuse to run. */
			if (k < n && found == ZYDIS_MNEMONIC_INVALID)
				return false;
			form_index.mnemonics[i][k] = found;
		}
		count[slot * 256 + form_pins[i].opcode]++;
	}
	form_index.first[0] = 0;
	for (unsigned b = 0; b < 3 * 256; b++)
		form_index.first[b + 1] = (uint16_t)(form_index.first[b] + count[b]);
	memset(count, 0, sizeof(count));
	for (unsigned i = 0; i < FORM_COUNT; i++) {
		unsigned b = (unsigned)map_slot(form_pins[i].map) * 256 + form_pins[i].opcode;

		form_index.by_opcode[form_index.first[b] + count[b]++] = (uint16_t)i;
	}
	form_index.ready = true;
	return true;
}

/* How Zydis says the instruction is encoded, as src/forms.h's FE_*; -1
 * for XOP, MVEX, 3DNow!. */
static int form_encoding(const ZydisDecodedInstruction *insn)
{
	switch (insn->encoding) {
	case ZYDIS_INSTRUCTION_ENCODING_LEGACY: return FE_LEGACY;
	case ZYDIS_INSTRUCTION_ENCODING_VEX: return FE_VEX;
	case ZYDIS_INSTRUCTION_ENCODING_EVEX: return FE_EVEX;
	default: return -1;
	}
}

/* The mandatory prefix as FPX_*: VEX.pp and EVEX.pp (none, 66, F3, F2,
 * in that order: SDM vol. 2 table 2-9), or the legacy prefix Zydis marks
 * mandatory. */
static unsigned mandatory_prefix(const ZydisDecodedInstruction *insn)
{
	switch (insn->encoding) {
	case ZYDIS_INSTRUCTION_ENCODING_VEX:
		return insn->raw.vex.pp;
	case ZYDIS_INSTRUCTION_ENCODING_EVEX:
		return insn->raw.evex.pp;
	default:
		break;
	}
	for (unsigned i = 0; i < insn->raw.prefix_count; i++) {
		if (insn->raw.prefixes[i].type != ZYDIS_PREFIX_TYPE_MANDATORY)
			continue;
		switch (insn->raw.prefixes[i].value) {
		case 0x66: return FPX_66;
		case 0xf3: return FPX_F3;
		case 0xf2: return FPX_F2;
		default: break;
		}
	}
	return FPX_NP;
}

/* REX.W, VEX.W or EVEX.W as the instruction has it. */
static unsigned raw_w(const ZydisDecodedInstruction *insn)
{
	switch (insn->encoding) {
	case ZYDIS_INSTRUCTION_ENCODING_VEX: return insn->raw.vex.W;
	case ZYDIS_INSTRUCTION_ENCODING_EVEX: return insn->raw.evex.W;
	default: return insn->raw.rex.W;
	}
}

/*
 * Whether W pins the row. MOVD/MOVQ and VMOVD/VMOVQ at 0F 6E/7E are told
 * apart by W only in 64-bit mode: outside it VEX.W and EVEX.W are ignored
 * there ("W1 ... in 64-bit mode only"; SDM vol. 2 MOVD/MOVQ), and Zydis
 * decodes W1 as VMOVD. The W1 rows then do not exist (zydis_form_exists()).
 */
static bool w_pins(const struct form_pin *f, const ZydisDecodedInstruction *insn)
{
	if (f->w == FWIG)
		return false;
	if (insn->machine_mode != ZYDIS_MACHINE_MODE_LONG_64 &&
	    (f->opcode == 0x6e || f->opcode == 0x7e) && f->map == ZYDIS_OPCODE_MAP_0F)
		return false;
	return true;
}

/* The form Zydis decoded, + 1; 0 when it is none of src/forms.h. Each
 * row is pinned by encoding, map, opcode, ModRM.reg (group members), the
 * mandatory prefix and W (the vector rows), and the mnemonic. */
static uint16_t find_form(const ZydisDecodedInstruction *insn)
{
	int slot = map_slot(insn->opcode_map);
	int encoding = form_encoding(insn);
	unsigned b;

	if (encoding < 0 || slot < 0 || !form_index.ready)
		return 0;
	b = (unsigned)slot * 256 + insn->opcode;
	for (unsigned k = form_index.first[b]; k < form_index.first[b + 1]; k++) {
		unsigned i = form_index.by_opcode[k];
		const struct form_pin *f = &form_pins[i];

		if (f->encoding != (unsigned)encoding)
			continue;
		if (f->reg != FORM_REG_ANY &&
		    (!(insn->attributes & ZYDIS_ATTRIB_HAS_MODRM) || insn->raw.modrm.reg != f->reg))
			continue;
		if (f->prefix != FORM_PREFIX_ANY && mandatory_prefix(insn) != f->prefix)
			continue;
		if (w_pins(f, insn) && raw_w(insn) != (f->w == FW1 ? 1u : 0u))
			continue;
		for (unsigned m = 0; m < FORM_MNEMONICS; m++)
			if (form_index.mnemonics[i][m] != ZYDIS_MNEMONIC_INVALID &&
			    form_index.mnemonics[i][m] == insn->mnemonic)
				return (uint16_t)(i + 1);
	}
	return 0;
}

unsigned zydis_form_count(void)
{
	return (unsigned)FORM_COUNT;
}

void zydis_form_name(unsigned index, char *out, size_t cap)
{
	static const char *const maps[] = { "", "0f ", "0f38 " };
	char names[FORM_MNEMONICS][24];
	const struct form_pin *f;
	int slot;

	if (index >= FORM_COUNT) {
		snprintf(out, cap, "?");
		return;
	}
	f = &form_pins[index];
	slot = map_slot(f->map);
	form_mnemonic_names(index, names);
	if (f->prefix != FORM_PREFIX_ANY) {
		static const char *const encodings[] = { "", "vex ", "evex " };
		static const char *const prefixes[] = { "np ", "66 ", "f3 ", "f2 " };
		static const char *const ws[] = { " w0", " w1", "" };

		snprintf(out, cap, "%s %s%s%s%02x%s", names[0], encodings[f->encoding % 3],
			 prefixes[f->prefix & 3], maps[slot < 0 ? 0 : slot], f->opcode,
			 ws[f->w < 3 ? f->w : 2]);
		return;
	}
	if (f->reg == FORM_REG_ANY)
		snprintf(out, cap, "%s%s %s%02x", names[0], op_kinds[f->op] == OK_STRING &&
			 f->width != FW_BYTE ? "/d/q" : "", maps[slot < 0 ? 0 : slot], f->opcode);
	else
		snprintf(out, cap, "%s %s%02x /%u", names[0], maps[slot < 0 ? 0 : slot], f->opcode,
			 f->reg);
}

/*
 * Where a form is no instruction: 82 (group 1 with an imm8) is invalid in
 * 64-bit mode (SDM vol. 2 table A-2, "i64"); 63 is ARPL outside 64-bit
 * mode (MOVSXD only in 64-bit mode); CMPXCHG16B needs REX.W, which only
 * 64-bit mode has; so do the W1 rows at 0F 6E/7E (MOVQ and VMOVQ with a
 * general register or m64: "64-bit mode only", SDM vol. 2 MOVD/MOVQ; see
 * w_pins()).
 */
bool zydis_form_exists(unsigned index, unsigned mode)
{
	const struct form_pin *f;

	if (index >= FORM_COUNT)
		return false;
	f = &form_pins[index];
	if (mode == 64)
		return !(f->map == ZYDIS_OPCODE_MAP_DEFAULT && f->opcode == 0x82);
	if (f->w == FW1 && f->map == ZYDIS_OPCODE_MAP_0F && (f->opcode == 0x6e || f->opcode == 0x7e))
		return false;
	return f->op != MMIODEC_OP_MOVSXD && f->op != MMIODEC_OP_CMPXCHG16B;
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
				    const ZydisDecodedOperand *operands, uint16_t *form)
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
	*form = has_memory ? find_form(insn) : 0;
	if (*form)
		return MMIODEC_OK;
	if (has_explicit_memory || is_string_or_xlat(insn))
		return MMIODEC_UNSUPPORTED;
	return MMIODEC_NO_MEMORY;
}

/* Zydis's own answer, uncorrected. */
static void decode_raw(const struct zydis_oracle *oracle, const uint8_t *bytes, size_t len,
		       struct zydis_answer *answer)
{
	answer->zydis_status = ZydisDecoderDecodeFull(&oracle->decoder, bytes, len,
						      &answer->insn, answer->operands);
	answer->form = 0;
	if (answer->zydis_status == ZYDIS_STATUS_NO_MORE_DATA) {
		answer->status = MMIODEC_TRUNCATED;
		answer->length = 0;
	} else if (!ZYAN_SUCCESS(answer->zydis_status)) {
		answer->status = MMIODEC_INVALID;
		answer->length = 0;
	} else {
		answer->status = classify(&answer->insn, answer->operands, &answer->form);
		answer->length = answer->insn.length;
	}
	answer->vendor = (uint8_t)oracle->vendor;
	answer->vendor_dependent = false;
	answer->vendor_dependent_known = false;
	answer->corrections = 0;
}

/* ---- The corrections ----
 *
 * Each one is a function that changes the answer for the vendors its row
 * of zydis_corrections[] names, and returns whether it did. They key on
 * what Zydis decoded (mnemonic, raw fields) where Zydis decodes the bytes;
 * where the CPU's reading needs fewer or other bytes than Zydis's (UD0
 * without ModRM, LOCK MOV CR8, a truncated VMREAD), they decode a probe
 * (the same bytes with a register ModRM appended, or with LOCK replaced by
 * a segment prefix) with Zydis again, so that the prefixes' meaning stays
 * Zydis's. */

static bool is_legacy_prefix_byte(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

size_t zydis_opcode_start(const uint8_t *bytes, size_t len, unsigned mode)
{
	size_t at = 0;

	while (at < len && (is_legacy_prefix_byte(bytes[at]) ||
			    (mode == 64 && (bytes[at] & 0xf0) == 0x40)))
		at++;
	return at;
}

/* Whether bytes[at], bytes[at + 1] are 0F and one of two second bytes. */
static bool is_0f_opcode(const uint8_t *bytes, size_t len, size_t at, uint8_t a, uint8_t b)
{
	return at + 1 < len && bytes[at] == 0x0f && (bytes[at + 1] == a || bytes[at + 1] == b);
}

static bool is_mnemonic(const struct zydis_answer *answer, ZydisMnemonic a, ZydisMnemonic b)
{
	return ZYAN_SUCCESS(answer->zydis_status) &&
	       (answer->insn.mnemonic == a || answer->insn.mnemonic == b);
}

static void make_invalid(struct zydis_answer *answer)
{
	answer->status = MMIODEC_INVALID;
	answer->length = 0;
	answer->form = 0;
}

/*
 * Zydis's answer on bytes[0..end) followed by a register ModRM (C0): what
 * an opcode that ends at `end` is, whatever ModRM follows. An opcode that
 * ends at 15 has its ModRM past the limit: one redundant prefix byte (a
 * REX that is not the last prefix, which the CPU ignores, or a legacy
 * prefix repeated later, which changes nothing) is left out of the probe,
 * and the probe's length counts it back. False when there is none. With
 * `unlock`, each LOCK before the opcode is replaced by a segment prefix:
 * which instruction the opcode is, whether or not LOCK is allowed on it.
 */
static bool probe_with_modrm(const struct zydis_oracle *oracle, const uint8_t *bytes,
			     size_t end, size_t opcode_at, bool unlock, struct zydis_answer *probe)
{
	uint8_t buf[MMIODEC_MAX_LENGTH + 1];
	size_t n = 0, skip = end;

	if (end > MMIODEC_MAX_LENGTH)
		return false;
	if (end == MMIODEC_MAX_LENGTH) {
		for (size_t j = 0; j + 1 < opcode_at && skip == end; j++) {
			bool rex = oracle->mode == 64 && (bytes[j] & 0xf0) == 0x40;

			if (rex || memchr(bytes + j + 1, bytes[j], opcode_at - j - 1))
				skip = j;
		}
		if (skip == end)
			return false;
	}
	for (size_t i = 0; i < end; i++)
		if (i != skip)
			buf[n++] = unlock && i < opcode_at && bytes[i] == 0xf0 ? 0x2e : bytes[i];
	buf[n++] = 0xc0;
	decode_raw(oracle, buf, n, probe);
	if (skip != end && ZYAN_SUCCESS(probe->zydis_status)) {
		probe->insn.length++;
		probe->length++;
	}
	return true;
}

/*
 * 67 + REX.B in 64-bit mode, a SIB byte with base 101 and mod 00: disp32
 * and no base (SDM vol. 2 table 2-3). Zydis 4.0.0 counts the disp32 in the
 * length but reports base r13d and displacement 0. Corrected in the JSON
 * line (put_memory_operand()), for both vendors.
 */
static bool correct_sib_no_base(const struct zydis_oracle *oracle, const uint8_t *bytes,
				size_t len, struct zydis_answer *answer)
{
	const ZydisDecodedInstruction *insn = &answer->insn;

	(void)oracle;
	(void)bytes;
	(void)len;
	if (answer->status != MMIODEC_OK || !(insn->attributes & ZYDIS_ATTRIB_HAS_SIB) ||
	    insn->raw.modrm.mod != 0 || insn->raw.sib.base != 5 || insn->raw.disp.size != 32)
		return false;
	/* The ModRM operand only: MOVDIR64B's hidden destination ES:[reg]
	 * has a base of its own. */
	for (unsigned i = 0; i < insn->operand_count; i++)
		if (answer->operands[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    answer->operands[i].visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
		    answer->operands[i].mem.base != ZYDIS_REGISTER_NONE)
			return true;
	return false;
}

/*
 * D2, Intel: MOVSXD with a 16-bit operand size (66 63 /r, no REX.W) reads
 * a word: SDM vol. 2 MOVSXD ("MOVSXD r16, r/m16"), and the CPU oracle
 * (trap/oracle.c) on this project's Intel Xeon. Zydis 4.0 reports a dword
 * operand, which is AMD's reading (APM vol. 3 MOVSXD: it reads a doubleword
 * and writes its low 16 bits), so AMD's answer is left as it is.
 * Corrected in the JSON line (put_access()).
 */
static bool correct_movsxd_word(const struct zydis_oracle *oracle, const uint8_t *bytes,
				size_t len, struct zydis_answer *answer)
{
	(void)oracle;
	(void)bytes;
	(void)len;
	if (answer->status != MMIODEC_OK || answer->insn.mnemonic != ZYDIS_MNEMONIC_MOVSXD ||
	    answer->insn.operand_width != 16)
		return false;
	for (unsigned i = 0; i < answer->insn.operand_count; i++)
		if (answer->operands[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    answer->operands[i].size == 32)
			return true;
	return false;
}

/*
 * D3, AMD: SYSENTER and SYSEXIT (0F 34, 0F 35) raise #UD in long mode
 * (APM vol. 3 SYSENTER, SYSEXIT: "Invalid in long mode"). Intel runs them
 * in 64-bit mode (SDM vol. 2), as Zydis decodes them.
 */
static bool correct_sysenter_64(const struct zydis_oracle *oracle, const uint8_t *bytes,
				size_t len, struct zydis_answer *answer)
{
	(void)bytes;
	(void)len;
	if (oracle->mode != 64 ||
	    !is_mnemonic(answer, ZYDIS_MNEMONIC_SYSENTER, ZYDIS_MNEMONIC_SYSEXIT))
		return false;
	make_invalid(answer);
	return true;
}

/*
 * D4, Intel: SYSCALL and SYSRET (0F 05, 0F 07) are invalid outside 64-bit
 * mode (SDM vol. 2 SYSCALL, SYSRET: "Compat/Leg Mode: Invalid"). AMD runs
 * them in legacy and compatibility mode (APM vol. 3), as Zydis decodes them.
 */
static bool correct_syscall_legacy(const struct zydis_oracle *oracle, const uint8_t *bytes,
				   size_t len, struct zydis_answer *answer)
{
	(void)bytes;
	(void)len;
	if (oracle->mode == 64 ||
	    !is_mnemonic(answer, ZYDIS_MNEMONIC_SYSCALL, ZYDIS_MNEMONIC_SYSRET))
		return false;
	make_invalid(answer);
	return true;
}

/*
 * D5, AMD: VMREAD and VMWRITE (0F 78, 0F 79 without a mandatory prefix)
 * are VMX instructions (SDM vol. 3C, VMX instruction reference); AMD has no
 * VMX, and its opcode map has only EXTRQ/INSERTQ (66/F2) there (APM vol. 3
 * appendix A): #UD. The opcode is invalid whatever follows, so bytes that
 * end after it are invalid too, not truncated (with or without a LOCK,
 * which Zydis would reject only once it has the ModRM).
 */
static bool correct_no_vmx(const struct zydis_oracle *oracle, const uint8_t *bytes,
			   size_t len, struct zydis_answer *answer)
{
	struct zydis_answer probe;
	size_t at;

	if (is_mnemonic(answer, ZYDIS_MNEMONIC_VMREAD, ZYDIS_MNEMONIC_VMWRITE)) {
		make_invalid(answer);
		return true;
	}
	if (answer->status != MMIODEC_TRUNCATED)
		return false;
	at = zydis_opcode_start(bytes, len, oracle->mode);
	if (!is_0f_opcode(bytes, len, at, 0x78, 0x79) ||
	    !probe_with_modrm(oracle, bytes, at + 2, at, true, &probe) ||
	    !is_mnemonic(&probe, ZYDIS_MNEMONIC_VMREAD, ZYDIS_MNEMONIC_VMWRITE))
		return false;
	make_invalid(answer);
	return true;
}

/*
 * D6, AMD: LOCK MOV CR0 (F0 0F 20 /r, F0 0F 22 /r with ModRM.reg 0 and no
 * REX.R) is MOV from/to CR8 (APM vol. 3 MOV CRn; CPUID AltMovCr8; iced's
 * DecoderOptions::AMD "decode LOCK MOV CR"): valid, no memory, the length
 * of the same bytes without LOCK. Intel: #UD, as Zydis says (illegal
 * LOCK). Probe: the bytes with each LOCK before the opcode replaced by a
 * segment prefix (which MOV CR ignores), so that lengths and the place of
 * a REX stay as they are; the answer is the probe's when it is MOV CR0.
 */
static bool correct_lock_mov_cr8(const struct zydis_oracle *oracle, const uint8_t *bytes,
				 size_t len, struct zydis_answer *answer)
{
	uint8_t buf[MMIODEC_MAX_LENGTH];
	struct zydis_answer probe;
	size_t at, n = len < sizeof(buf) ? len : sizeof(buf);
	bool cr0 = false;

	if (answer->zydis_status != ZYDIS_STATUS_ILLEGAL_LOCK)
		return false;
	at = zydis_opcode_start(bytes, n, oracle->mode);
	if (!is_0f_opcode(bytes, n, at, 0x20, 0x22))
		return false;
	memcpy(buf, bytes, n);
	for (size_t i = 0; i < at; i++)
		if (buf[i] == 0xf0)
			buf[i] = 0x2e;
	decode_raw(oracle, buf, n, &probe);
	if (!is_mnemonic(&probe, ZYDIS_MNEMONIC_MOV, ZYDIS_MNEMONIC_MOV))
		return false;
	for (unsigned i = 0; i < probe.insn.operand_count; i++)
		if (probe.operands[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    probe.operands[i].reg.value == ZYDIS_REGISTER_CR0)
			cr0 = true;
	if (!cr0)
		return false;
	*answer = probe;
	return true;
}

/*
 * D7, AMD: UD0 (0F FF) has no ModRM byte (iced's DecoderOptions::AMD:
 * "UD0 has no modr/m byte"; binutils, 2025: AMD hardware appears always to
 * behave as the APM 3.36's "may" allows, without one): two bytes after the
 * prefixes, no memory operand. Intel gives it a ModRM (SDM vol. 2 UD0), as
 * Zydis does. Probe: the bytes up to FF with a register ModRM, which tells
 * whether Zydis accepts the prefixes (LOCK it does not).
 */
static bool correct_ud0_no_modrm(const struct zydis_oracle *oracle, const uint8_t *bytes,
				 size_t len, struct zydis_answer *answer)
{
	struct zydis_answer probe;
	size_t at = zydis_opcode_start(bytes, len, oracle->mode), end = at + 2;

	if (!is_0f_opcode(bytes, len, at, 0xff, 0xff) ||
	    !probe_with_modrm(oracle, bytes, end, at, false, &probe))
		return false;
	if (is_mnemonic(&probe, ZYDIS_MNEMONIC_UD0, ZYDIS_MNEMONIC_UD0)) {
		probe.status = MMIODEC_NO_MEMORY;
		probe.length = (uint8_t)end;
		probe.insn.length = (uint8_t)end;
	}
	if (probe.status == answer->status && probe.length == answer->length)
		return false;
	*answer = probe;
	return true;
}

/* Whether Zydis decoded one of `count` mnemonics. */
static bool is_one_of(const struct zydis_answer *answer, const ZydisMnemonic *mnemonics,
		      size_t count)
{
	if (!ZYAN_SUCCESS(answer->zydis_status))
		return false;
	for (size_t i = 0; i < count; i++)
		if (answer->insn.mnemonic == mnemonics[i])
			return true;
	return false;
}

/*
 * D8, AMD: the VMX instructions besides VMREAD/VMWRITE (SDM vol. 3C ch. 32:
 * VMCALL, VMLAUNCH, VMRESUME, VMXOFF, VMFUNC, VMPTRLD, VMCLEAR, VMXON,
 * VMPTRST, INVEPT, INVVPID). AMD has no VMX; its opcode map leaves these
 * encodings undefined (APM vol. 3 appendix A): #UD.
 */
static bool correct_no_vmx_rest(const struct zydis_oracle *oracle, const uint8_t *bytes,
				size_t len, struct zydis_answer *answer)
{
	static const ZydisMnemonic vmx[] = {
		ZYDIS_MNEMONIC_VMCALL, ZYDIS_MNEMONIC_VMLAUNCH, ZYDIS_MNEMONIC_VMRESUME,
		ZYDIS_MNEMONIC_VMXOFF, ZYDIS_MNEMONIC_VMFUNC, ZYDIS_MNEMONIC_VMPTRLD,
		ZYDIS_MNEMONIC_VMCLEAR, ZYDIS_MNEMONIC_VMXON, ZYDIS_MNEMONIC_VMPTRST,
		ZYDIS_MNEMONIC_INVEPT, ZYDIS_MNEMONIC_INVVPID,
	};

	(void)oracle;
	(void)bytes;
	(void)len;
	if (!is_one_of(answer, vmx, sizeof(vmx) / sizeof(vmx[0])))
		return false;
	make_invalid(answer);
	return true;
}

/*
 * D9, Intel: the SVM instructions (APM vol. 2 ch. 15, vol. 3: VMRUN,
 * VMMCALL, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA at 0F 01 D8-DF).
 * Intel has no SVM; the SDM's opcode map leaves 0F 01 D8-DF undefined: #UD.
 */
static bool correct_no_svm(const struct zydis_oracle *oracle, const uint8_t *bytes,
			   size_t len, struct zydis_answer *answer)
{
	static const ZydisMnemonic svm[] = {
		ZYDIS_MNEMONIC_VMRUN, ZYDIS_MNEMONIC_VMMCALL, ZYDIS_MNEMONIC_VMLOAD,
		ZYDIS_MNEMONIC_VMSAVE, ZYDIS_MNEMONIC_STGI, ZYDIS_MNEMONIC_CLGI,
		ZYDIS_MNEMONIC_SKINIT, ZYDIS_MNEMONIC_INVLPGA,
	};

	(void)oracle;
	(void)bytes;
	(void)len;
	if (!is_one_of(answer, svm, sizeof(svm) / sizeof(svm[0])))
		return false;
	make_invalid(answer);
	return true;
}

/* The hidden destination operand of MOVDIR64B, or NULL. */
static const ZydisDecodedOperand *portal_destination(const struct zydis_answer *answer)
{
	for (unsigned i = 0; i < answer->insn.operand_count; i++)
		if (answer->operands[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    answer->operands[i].visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
		    (answer->operands[i].actions & ZYDIS_OPERAND_ACTION_WRITE))
			return &answer->operands[i];
	return NULL;
}

/*
 * MOVDIR64B writes ES:[reg]: "the destination operand is ... specified by
 * a general-purpose register ... in the ES segment; the ES segment cannot
 * be overridden" (SDM vol. 2 MOVDIR64B). Zydis 4.0.0 gives its hidden
 * destination operand DS in 64-bit mode, and the override's segment when
 * there is one (64 66 0F 38 F8 08: fs:[rcx]). Corrected in the descriptor
 * and the JSON line (gather_access()), for both vendors; counted where the
 * segment Zydis gives is not ES.
 */
static bool correct_portal_es(const struct zydis_oracle *oracle, const uint8_t *bytes,
			      size_t len, struct zydis_answer *answer)
{
	const ZydisDecodedOperand *destination;

	(void)oracle;
	(void)bytes;
	(void)len;
	if (answer->status != MMIODEC_OK || answer->insn.mnemonic != ZYDIS_MNEMONIC_MOVDIR64B)
		return false;
	destination = portal_destination(answer);
	return destination && destination->mem.segment != ZYDIS_REGISTER_ES;
}

/*
 * ENQCMD and ENQCMDS write their 64-byte command to ES:[reg] (SDM vol. 2
 * ENQCMD, ENQCMDS: "the destination operand is ... in the ES segment",
 * aligned to 64 bytes, as MOVDIR64B's). Zydis 4.0.0 lists the register and
 * the source but no destination memory operand. Corrected in the
 * descriptor and the JSON line (gather_access() adds the operand), for
 * both vendors.
 */
static bool correct_enqcmd_destination(const struct zydis_oracle *oracle, const uint8_t *bytes,
				       size_t len, struct zydis_answer *answer)
{
	(void)oracle;
	(void)bytes;
	(void)len;
	return answer->status == MMIODEC_OK &&
	       (answer->insn.mnemonic == ZYDIS_MNEMONIC_ENQCMD ||
		answer->insn.mnemonic == ZYDIS_MNEMONIC_ENQCMDS) &&
	       portal_destination(answer) == NULL;
}

#define BOTH (ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_INTEL) | ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_AMD))
#define INTEL ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_INTEL)
#define AMD ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_AMD)

const struct zydis_correction_info zydis_corrections[CORRECTION_COUNT] = {
	[CORRECTION_SIB_NO_BASE] = { "67+REX.B SIB base 101 mod 00: no base, disp32",
				     "SDM vol. 2 table 2-3", BOTH },
	[CORRECTION_MOVSXD_WORD] = { "D2 66 63 /r memory reads a word",
				     "SDM vol. 2 MOVSXD r16, r/m16; CPU oracle on an Intel Xeon",
				     INTEL },
	[CORRECTION_SYSENTER_64] = { "D3 SYSENTER/SYSEXIT invalid in 64-bit mode",
				     "APM vol. 3 SYSENTER, SYSEXIT", AMD },
	[CORRECTION_SYSCALL_LEGACY] = { "D4 SYSCALL/SYSRET invalid outside 64-bit mode",
					"SDM vol. 2 SYSCALL, SYSRET", INTEL },
	[CORRECTION_NO_VMX] = { "D5 VMREAD/VMWRITE invalid (no VMX)",
				"APM vol. 3 appendix A (0F 78/79: EXTRQ/INSERTQ only)", AMD },
	[CORRECTION_LOCK_MOV_CR8] = { "D6 LOCK MOV CR0 is MOV CR8",
				      "APM vol. 3 MOV CRn; iced DecoderOptions::AMD", AMD },
	[CORRECTION_UD0_NO_MODRM] = { "D7 UD0 has no ModRM",
				      "iced DecoderOptions::AMD; binutils 2025", AMD },
	[CORRECTION_NO_VMX_REST] = { "D8 the rest of VMX invalid",
				     "APM vol. 3 appendix A (no VMX)", AMD },
	[CORRECTION_NO_SVM] = { "D9 SVM invalid",
				"SDM vol. 2 appendix A (0F 01 D8-DF undefined)", INTEL },
	[CORRECTION_PORTAL_ES] = { "MOVDIR64B writes ES:[reg] (no override)",
				   "SDM vol. 2 MOVDIR64B", BOTH },
	[CORRECTION_ENQCMD_DESTINATION] = { "ENQCMD(S) write ES:[reg] (Zydis omits it)",
					    "SDM vol. 2 ENQCMD, ENQCMDS", BOTH },
};

static bool (*const correction_functions[CORRECTION_COUNT])(const struct zydis_oracle *,
							    const uint8_t *, size_t,
							    struct zydis_answer *) = {
	[CORRECTION_SIB_NO_BASE] = correct_sib_no_base,
	[CORRECTION_MOVSXD_WORD] = correct_movsxd_word,
	[CORRECTION_SYSENTER_64] = correct_sysenter_64,
	[CORRECTION_SYSCALL_LEGACY] = correct_syscall_legacy,
	[CORRECTION_NO_VMX] = correct_no_vmx,
	[CORRECTION_LOCK_MOV_CR8] = correct_lock_mov_cr8,
	[CORRECTION_UD0_NO_MODRM] = correct_ud0_no_modrm,
	[CORRECTION_NO_VMX_REST] = correct_no_vmx_rest,
	[CORRECTION_NO_SVM] = correct_no_svm,
	[CORRECTION_PORTAL_ES] = correct_portal_es,
	[CORRECTION_ENQCMD_DESTINATION] = correct_enqcmd_destination,
};

#undef BOTH
#undef INTEL
#undef AMD

/* Apply the oracle's vendor's corrections to its raw answer. */
static void correct(const struct zydis_oracle *oracle, const uint8_t *bytes, size_t len,
		    struct zydis_answer *answer)
{
	uint16_t applied = 0;

	for (unsigned c = 0; c < CORRECTION_COUNT; c++)
		if ((zydis_corrections[c].vendors & ZYDIS_VENDOR_BIT(oracle->vendor)) &&
		    correction_functions[c](oracle, bytes, len, answer))
			applied |= (uint16_t)(1u << c);
	answer->vendor = (uint8_t)oracle->vendor;
	answer->vendor_dependent = false;
	answer->vendor_dependent_known = false;
	answer->corrections = applied;
}

enum mmiodec_status zydis_oracle_decode(const struct zydis_oracle *oracle,
					const uint8_t *bytes, size_t len,
					struct zydis_answer *answer)
{
	decode_raw(oracle, bytes, len, answer);
	correct(oracle, bytes, len, answer);
	return answer->status;
}

/* Whether ZYDIS_DECODER_MODE_AMD_BRANCHES can change Zydis's answer: only
 * an operand-size prefix in 64-bit mode can (see zydis_json.h); any 66
 * byte counts, prefix or not. */
static bool amd_branches_may_matter(unsigned mode, const uint8_t *bytes, size_t len)
{
	return mode == 64 &&
	       memchr(bytes, 0x66, len < MMIODEC_MAX_LENGTH ? len : MMIODEC_MAX_LENGTH) != NULL;
}

/* Whether two raw Zydis answers agree in everything this file reads from
 * them. (Not memcmp: the AMD_BRANCHES tables describe some operands'
 * encoding differently even where the operands are the same.) */
static bool same_operand(const ZydisDecodedOperand *a, const ZydisDecodedOperand *b)
{
	if (a->type != b->type || a->size != b->size || a->visibility != b->visibility ||
	    a->actions != b->actions)
		return false;
	switch (a->type) {
	case ZYDIS_OPERAND_TYPE_REGISTER:
		return a->reg.value == b->reg.value;
	case ZYDIS_OPERAND_TYPE_MEMORY:
		return a->mem.type == b->mem.type && a->mem.segment == b->mem.segment &&
		       a->mem.base == b->mem.base && a->mem.index == b->mem.index &&
		       a->mem.scale == b->mem.scale && a->mem.disp.value == b->mem.disp.value;
	case ZYDIS_OPERAND_TYPE_IMMEDIATE:
		return a->imm.value.u == b->imm.value.u;
	default:
		return true;
	}
}

static bool same_raw_answer(const struct zydis_answer *a, const struct zydis_answer *b)
{
	const ZydisDecodedInstruction *x = &a->insn, *y = &b->insn;

	if (a->zydis_status != b->zydis_status || a->status != b->status || a->length != b->length)
		return false;
	if (!ZYAN_SUCCESS(a->zydis_status))
		return true;
	if (x->mnemonic != y->mnemonic || x->encoding != y->encoding ||
	    x->opcode_map != y->opcode_map || x->opcode != y->opcode ||
	    x->operand_width != y->operand_width || x->address_width != y->address_width ||
	    x->attributes != y->attributes || x->operand_count != y->operand_count ||
	    x->raw.modrm.mod != y->raw.modrm.mod || x->raw.sib.base != y->raw.sib.base ||
	    x->raw.disp.size != y->raw.disp.size || x->raw.disp.value != y->raw.disp.value)
		return false;
	for (unsigned i = 0; i < x->operand_count; i++)
		if (!same_operand(&a->operands[i], &b->operands[i]))
			return false;
	return true;
}

/* *to = *from, but only the operands Zydis filled in (for speed). */
static void copy_answer(struct zydis_answer *to, const struct zydis_answer *from)
{
	size_t operands = ZYAN_SUCCESS(from->zydis_status) ? from->insn.operand_count : 0;

	memcpy(to, from, offsetof(struct zydis_answer, operands));
	memcpy(to->operands, from->operands, operands * sizeof(from->operands[0]));
}

bool zydis_vendors_decode(const struct zydis_vendors *oracles, const uint8_t *bytes,
			  size_t len, unsigned which, unsigned flags,
			  struct zydis_answer answers[ZYDIS_VENDOR_COUNT])
{
	struct zydis_answer *intel = &answers[MMIODEC_VENDOR_INTEL];
	struct zydis_answer *amd = &answers[MMIODEC_VENDOR_AMD];
	bool need_intel = which & (ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_INTEL) | ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_ANY));
	bool need_amd = which & (ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_AMD) | ZYDIS_VENDOR_BIT(MMIODEC_VENDOR_ANY));
	bool shortcut_ok = true, same_raw = false;

	if (need_intel)
		decode_raw(&oracles->intel, bytes, len, intel);
	if (need_amd) {
		bool may_matter = amd_branches_may_matter(oracles->amd.mode, bytes, len);

		if (!need_intel || may_matter || (flags & ZYDIS_DECODE_VERIFY_SHORTCUT)) {
			decode_raw(&oracles->amd, bytes, len, amd);
			same_raw = need_intel && same_raw_answer(intel, amd);
			if (need_intel && !may_matter)
				shortcut_ok = same_raw;
		} else {
			copy_answer(amd, intel);
			same_raw = true;
		}
		correct(&oracles->amd, bytes, len, amd);
	}
	if (need_intel)
		correct(&oracles->intel, bytes, len, intel);
	/* The same raw answer, changed by the same corrections, is the same
	 * answer: only then is the comparison skipped. */
	if (need_intel && need_amd)
		zydis_vendors_combine(answers, same_raw && intel->corrections == amd->corrections);
	return shortcut_ok;
}

void zydis_vendors_combine(struct zydis_answer answers[ZYDIS_VENDOR_COUNT], bool same)
{
	struct zydis_answer *intel = &answers[MMIODEC_VENDOR_INTEL];
	struct zydis_answer *amd = &answers[MMIODEC_VENDOR_AMD];
	struct zydis_answer *any = &answers[MMIODEC_VENDOR_ANY];
	bool differ = !same && zydis_answers_differ(intel, amd);

	intel->vendor_dependent = amd->vendor_dependent = differ;
	intel->vendor_dependent_known = amd->vendor_dependent_known = true;
	copy_answer(any, intel);
	any->vendor = MMIODEC_VENDOR_ANY;
	any->corrections |= amd->corrections;
	if (differ) {
		/* The definition of mmiodec_decode()'s answer for
		 * MMIODEC_VENDOR_ANY (include/mmiodec.h): TRUNCATED while one
		 * vendor needs more bytes, else VENDOR_DEPENDENT. */
		if (intel->status == MMIODEC_TRUNCATED ||
		    amd->status == MMIODEC_TRUNCATED) {
			any->status = MMIODEC_TRUNCATED;
			any->length = 0;
			any->vendor_dependent = false;
		} else {
			any->status = MMIODEC_VENDOR_DEPENDENT;
			any->length = intel->length == amd->length ? intel->length : 0;
		}
	}
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

/* The pieces of a line, without printf (the harness writes a line for
 * every supported form it judges). */
static void put_bytes(struct json_text *text, const char *s, size_t n)
{
	if (text->needed < text->cap) {
		size_t room = text->cap - text->needed - 1;
		size_t fit = n < room ? n : room;

		memcpy(text->buf + text->needed, s, fit);
		text->buf[text->needed + fit] = '\0';
	}
	text->needed += n;
}

static void put(struct json_text *text, const char *s)
{
	put_bytes(text, s, strlen(s));
}

/* A JSON string of a name (no character in it needs escaping). */
static void put_name(struct json_text *text, const char *name)
{
	put(text, "\"");
	put(text, name);
	put(text, "\"");
}

static void put_unsigned(struct json_text *text, uint64_t value)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[sizeof(digits) - ++n] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	put_bytes(text, digits + sizeof(digits) - n, n);
}

static void put_signed(struct json_text *text, int64_t value)
{
	if (value < 0) {
		put(text, "-");
		put_unsigned(text, 0 - (uint64_t)value);
	} else {
		put_unsigned(text, (uint64_t)value);
	}
}

/* A register name, or JSON null for none. */
static void put_register(struct json_text *text, ZydisRegister reg)
{
	if (reg == ZYDIS_REGISTER_NONE)
		put(text, "null");
	else
		put_name(text, ZydisRegisterGetString(reg));
}

static bool writes(const ZydisDecodedOperand *op)
{
	return op->actions & (ZYDIS_OPERAND_ACTION_WRITE | ZYDIS_OPERAND_ACTION_CONDWRITE);
}

static bool reads(const ZydisDecodedOperand *op)
{
	return op->actions & (ZYDIS_OPERAND_ACTION_READ | ZYDIS_OPERAND_ACTION_CONDREAD);
}

/* A memory operand's access: read and (conditionally) written is
 * read-write (a read-modify-write; CMPXCHG, and SHLD/SHRD by CL, which
 * Zydis marks READ | CONDWRITE), else write or read. */
static const char *access_name(const ZydisDecodedOperand *op)
{
	if (writes(op))
		return reads(op) ? "read-write" : "write";
	return "read";
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

static bool is_vector_register(ZydisRegister reg)
{
	switch (ZydisRegisterGetClass(reg)) {
	case ZYDIS_REGCLASS_MMX:
	case ZYDIS_REGCLASS_XMM:
	case ZYDIS_REGCLASS_YMM:
	case ZYDIS_REGCLASS_ZMM:
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
 * general or vector register operand (explicit, or implicit as AL in A0;
 * the first of a VMOVLPS load's two XMM registers, its destination; the
 * address register of MOVDIR64B and ENQCMD), else the accumulator STOS and
 * LODS name only as a hidden operand. MOVS and the immediate stores have
 * none. */
static ZydisRegister data_register(const struct zydis_answer *answer)
{
	const ZydisDecodedOperand *ops = answer->operands;
	unsigned count = answer->insn.operand_count;

	for (unsigned i = 0; i < count; i++)
		if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    ops[i].visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
		    (is_general_register(ops[i].reg.value) || is_vector_register(ops[i].reg.value)))
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

/* The access is locked: Zydis's HAS_LOCK (F0 given, on a form that takes
 * it), or XCHG with a memory operand, which the CPU locks without F0 (SDM
 * vol. 2 XCHG; Zydis reports no attribute for it). */
static bool is_locked(const struct zydis_answer *answer)
{
	return (answer->insn.attributes & ZYDIS_ATTRIB_HAS_LOCK) ||
	       answer->insn.mnemonic == ZYDIS_MNEMONIC_XCHG;
}

/*
 * The memory side of a supported form, as both the JSON line and the
 * descriptor show it: the memory operands (destination first, as
 * mmiodec's mem[0]), with the portal corrections applied; and the vector
 * fields.
 */
struct zydis_access {
	const ZydisDecodedOperand *memory[2];
	unsigned memory_count;
	/* MOVDIR64B's and ENQCMD's destination, corrected or made (see
	 * correct_portal_es(), correct_enqcmd_destination()). */
	ZydisDecodedOperand destination;
	unsigned width;
	ZydisRegister reg;
	/* The opmask: k1..k7, or NONE (k0, which Zydis lists for an unmasked
	 * EVEX form, selects every element: SDM vol. 1 15.6.1). */
	ZydisRegister mask;
	bool zeroing;
	/* The second vector register of a VMOVLPS/VMOVHPS/VMOVLPD/VMOVHPD
	 * load (VEX.vvvv), else NONE. */
	ZydisRegister reg2;
	uint8_t align[2];
	uint8_t element[2];
};

/*
 * The alignment the CPU requires of a memory operand, which Zydis does not
 * tell: taken from the mnemonic, by the SDM's words for each. MOVAPS,
 * MOVAPD, MOVDQA and their VEX/EVEX forms (VMOVDQA32/64 included), and the
 * non-temporal MOVNTDQ, MOVNTPS, MOVNTPD, MOVNTDQA and their VEX/EVEX
 * forms: "the operand must be aligned on a 16-byte (32 for VEX.256, 64
 * for EVEX.512) boundary or a #GP is generated", the width of the access
 * (SDM vol. 2 MOVAPS ... MOVNTDQA; a masked EVEX access still needs the
 * whole width aligned). MOVDIR64B, ENQCMD, ENQCMDS: the destination to 64
 * bytes, the source not at all (SDM vol. 2 MOVDIR64B, ENQCMD). The rest:
 * none (0), as the unaligned moves and MOVDIRI have.
 */
static unsigned required_alignment(ZydisMnemonic mnemonic, unsigned which, unsigned width)
{
	switch (mnemonic) {
	case ZYDIS_MNEMONIC_MOVAPS: case ZYDIS_MNEMONIC_MOVAPD: case ZYDIS_MNEMONIC_MOVDQA:
	case ZYDIS_MNEMONIC_MOVNTDQ: case ZYDIS_MNEMONIC_MOVNTPS: case ZYDIS_MNEMONIC_MOVNTPD:
	case ZYDIS_MNEMONIC_MOVNTDQA:
	case ZYDIS_MNEMONIC_VMOVAPS: case ZYDIS_MNEMONIC_VMOVAPD: case ZYDIS_MNEMONIC_VMOVDQA:
	case ZYDIS_MNEMONIC_VMOVDQA32: case ZYDIS_MNEMONIC_VMOVDQA64:
	case ZYDIS_MNEMONIC_VMOVNTDQ: case ZYDIS_MNEMONIC_VMOVNTPS: case ZYDIS_MNEMONIC_VMOVNTPD:
	case ZYDIS_MNEMONIC_VMOVNTDQA:
		return which == 0 ? width : 0;
	case ZYDIS_MNEMONIC_MOVDIR64B: case ZYDIS_MNEMONIC_ENQCMD: case ZYDIS_MNEMONIC_ENQCMDS:
		return which == 0 ? 64 : 0;
	default:
		return 0;
	}
}

static void gather_access(const struct zydis_answer *answer, struct zydis_access *acc)
{
	const ZydisDecodedInstruction *insn = &answer->insn;
	const ZydisDecodedOperand *ops = answer->operands;
	unsigned vectors = 0;

	memset(acc, 0, sizeof(*acc));
	acc->reg = data_register(answer);
	if ((answer->corrections & (1u << CORRECTION_ENQCMD_DESTINATION)) &&
	    acc->reg != ZYDIS_REGISTER_NONE) {
		/* ES:[reg], 64 bytes, written. */
		acc->destination.type = ZYDIS_OPERAND_TYPE_MEMORY;
		acc->destination.visibility = ZYDIS_OPERAND_VISIBILITY_HIDDEN;
		acc->destination.actions = ZYDIS_OPERAND_ACTION_WRITE;
		acc->destination.size = 512;
		acc->destination.mem.type = ZYDIS_MEMOP_TYPE_MEM;
		acc->destination.mem.segment = ZYDIS_REGISTER_ES;
		acc->destination.mem.base = acc->reg;
		acc->destination.mem.index = ZYDIS_REGISTER_NONE;
		acc->memory[acc->memory_count++] = &acc->destination;
	}
	/* The destination first, as in mmiodec's mem[0]. */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < insn->operand_count; i++) {
			const ZydisDecodedOperand *op = &ops[i];

			if (!is_memory_access(op) || writes(op) != (pass == 0))
				continue;
			if (insn->mnemonic == ZYDIS_MNEMONIC_MOVDIR64B && pass == 0) {
				acc->destination = *op;
				acc->destination.mem.segment = ZYDIS_REGISTER_ES;
				op = &acc->destination;
			}
			if (acc->memory_count < 2)
				acc->memory[acc->memory_count] = op;
			acc->memory_count++;
		}
	}
	acc->width = acc->memory_count ? acc->memory[0]->size / 8u : 0;
	/* See correct_movsxd_word(). */
	if (answer->corrections & (1u << CORRECTION_MOVSXD_WORD))
		acc->width = 2;
	for (unsigned i = 0; i < insn->operand_count; i++) {
		if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER ||
		    ops[i].visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN)
			continue;
		if (ZydisRegisterGetClass(ops[i].reg.value) == ZYDIS_REGCLASS_MASK &&
		    ops[i].reg.value != ZYDIS_REGISTER_K0 && acc->mask == ZYDIS_REGISTER_NONE)
			acc->mask = ops[i].reg.value;
		if (is_vector_register(ops[i].reg.value) && vectors++ == 1)
			acc->reg2 = ops[i].reg.value;
	}
	/* EVEX.z as Zydis decodes it: the zeroing mask mode, which it gives
	 * only with a mask (EVEX.z with k0 is #UD: SDM vol. 2 2.7.6). */
	acc->zeroing = insn->encoding == ZYDIS_INSTRUCTION_ENCODING_EVEX &&
		       insn->avx.mask.mode == ZYDIS_MASK_MODE_ZEROING;
	for (unsigned m = 0; m < 2 && m < acc->memory_count; m++) {
		unsigned width = acc->memory[m]->size / 8u;

		acc->align[m] = (uint8_t)required_alignment(insn->mnemonic, m, width);
		/* The elements the mask selects are the memory operand's
		 * (Zydis's element size: 8 for VMOVDQU8, 32 for VMOVSS...). */
		if (acc->mask != ZYDIS_REGISTER_NONE && m == 0)
			acc->element[m] = (uint8_t)(acc->memory[m]->element_size / 8u);
	}
}

static void put_memory_operand(struct json_text *text, const struct zydis_answer *answer,
			       const struct zydis_access *acc, unsigned which)
{
	const ZydisDecodedOperand *op = acc->memory[which];
	bool has_index = op->mem.index != ZYDIS_REGISTER_NONE;
	ZydisRegister base = op->mem.base;
	int64_t displacement = op->mem.disp.value;

	/* See correct_sib_no_base(): the ModRM operand only. */
	if ((answer->corrections & (1u << CORRECTION_SIB_NO_BASE)) &&
	    op->visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN && base != ZYDIS_REGISTER_NONE) {
		base = ZYDIS_REGISTER_NONE;
		displacement = answer->insn.raw.disp.value;
	}

	put(text, "{\"segment\":");
	put_register(text, op->mem.segment);
	put(text, ",\"base\":");
	put_register(text, base);
	put(text, ",\"index\":");
	put_register(text, op->mem.index);
	put(text, ",\"scale\":");
	put_unsigned(text, has_index ? op->mem.scale : 0u);
	put(text, ",\"displacement\":");
	put_signed(text, displacement);
	put(text, ",\"address_size\":");
	put_unsigned(text, answer->insn.address_width);
	put(text, ",\"access\":");
	put_name(text, access_name(op));
	put(text, ",\"align\":");
	put_unsigned(text, acc->align[which]);
	put(text, ",\"element\":");
	put_unsigned(text, acc->element[which]);
	put(text, "}");
}

/* The fields after "length" for a supported form. */
static void put_access(struct json_text *text, const struct zydis_answer *answer)
{
	const ZydisDecodedInstruction *insn = &answer->insn;
	const ZydisDecodedOperand *immediate = NULL;
	struct zydis_access acc;
	const char *direction;

	gather_access(answer, &acc);
	for (unsigned i = 0; i < insn->operand_count; i++)
		if (answer->operands[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE)
			immediate = &answer->operands[i];

	/* Two memory operands (MOVS, MOVDIR64B, ENQCMD) are read-write, as
	 * one that is both read and written. */
	if (acc.memory_count >= 2)
		direction = "read-write";
	else if (acc.memory_count == 1)
		direction = access_name(acc.memory[0]);
	else
		direction = "read";

	put(text, ",\"mnemonic\":");
	put_name(text, ZydisMnemonicGetString(insn->mnemonic));
	put(text, ",\"direction\":");
	put_name(text, direction);
	put(text, ",\"width\":");
	put_unsigned(text, acc.width);
	put(text, ",\"extend\":");
	put_name(text, extend_name(insn->mnemonic));
	put(text, ",\"register\":");
	put_register(text, acc.reg);
	put(text, ",\"immediate\":");
	if (immediate) {
		uint64_t mask = acc.width >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * acc.width)) - 1;

		put_unsigned(text, immediate->imm.value.u & mask);
	} else {
		put(text, "null");
	}
	put(text, ",\"rep\":");
	put_rep(text, insn->attributes);
	put(text, is_locked(answer) ? ",\"locked\":true" : ",\"locked\":false");
	put(text, ",\"mask\":");
	put_register(text, acc.mask);
	put(text, acc.zeroing ? ",\"zeroing\":true" : ",\"zeroing\":false");
	put(text, ",\"reg2\":");
	put_register(text, acc.reg2);
	put(text, ",\"memory\":[");
	for (unsigned i = 0; i < acc.memory_count && i < 2; i++) {
		if (i > 0)
			put(text, ",");
		put_memory_operand(text, answer, &acc, i);
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
	case MMIODEC_VENDOR_DEPENDENT: return "vendor-dependent";
	default: return "?";
	}
}

static bool shows_length(const struct zydis_answer *answer)
{
	switch (answer->status) {
	case MMIODEC_OK:
	case MMIODEC_NO_MEMORY:
	case MMIODEC_UNSUPPORTED:
		return true;
	case MMIODEC_VENDOR_DEPENDENT:
		return answer->length != 0;
	default:
		return false;
	}
}

int zydis_json_format(char *out, size_t cap, const uint8_t *bytes, size_t len,
		      unsigned mode, const struct zydis_answer *answer)
{
	struct json_text text = { .buf = out, .cap = cap, .needed = 0 };
	const char *vendor = mmiodec_vendor_name((enum mmiodec_vendor)answer->vendor);

	if (cap > 0)
		out[0] = '\0';
	static const char hex_digits[] = "0123456789abcdef";

	put(&text, "{\"bytes\":\"");
	for (size_t i = 0; i < len; i++) {
		char pair[2] = { hex_digits[bytes[i] >> 4], hex_digits[bytes[i] & 15] };

		put_bytes(&text, pair, 2);
	}
	put(&text, "\",\"mode\":");
	put_unsigned(&text, mode);
	put(&text, ",\"vendor\":");
	put_name(&text, vendor ? vendor : "?");
	put(&text, ",\"status\":");
	put_name(&text, status_name(answer->status));
	put(&text, answer->vendor_dependent ? ",\"vendor_dependent\":true" : ",\"vendor_dependent\":false");
	if (shows_length(answer)) {
		put(&text, ",\"length\":");
		put_unsigned(&text, answer->length);
	}
	if (answer->status == MMIODEC_OK)
		put_access(&text, answer);
	put(&text, "}");
	return text.needed > (size_t)INT32_MAX ? -1 : (int)text.needed;
}

bool zydis_answers_differ(const struct zydis_answer *a, const struct zydis_answer *b)
{
	char line_a[1024], line_b[1024];
	struct json_text text_a = { .buf = line_a, .cap = sizeof(line_a), .needed = 0 };
	struct json_text text_b = { .buf = line_b, .cap = sizeof(line_b), .needed = 0 };

	if (a->status != b->status)
		return true;
	if (a->status != MMIODEC_OK && a->status != MMIODEC_NO_MEMORY &&
	    a->status != MMIODEC_UNSUPPORTED)
		return false;
	if (a->length != b->length)
		return true;
	if (a->status != MMIODEC_OK)
		return false;
	line_a[0] = line_b[0] = '\0';
	put_access(&text_a, a);
	put_access(&text_b, b);
	return strcmp(line_a, line_b) != 0;
}

/* The effective operand size in bytes. Zydis's operand width is that of
 * the operands, 8 for the byte forms, where the prefixes decide (SDM
 * vol. 1 3.6.1): REX.W (Zydis keeps only a REX that counts), else 66 turns
 * the mode's default (2 in 16-bit mode, else 4) into the other. */
static uint8_t operand_size(const ZydisDecodedInstruction *insn, unsigned mode)
{
	bool opsize = insn->attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE;

	if (insn->operand_width >= 16)
		return (uint8_t)(insn->operand_width / 8);
	if (mode == 64 && insn->raw.rex.W)
		return 8;
	if (mode == 16)
		return opsize ? 4 : 2;
	return opsize ? 2 : 4;
}

/*
 * The vector and portal forms have no general operand of the operand size
 * (MOVDIRI aside), and Zydis's operand width for them is its own
 * bookkeeping (32 for MOVUPS, 64 with a VEX.W1 it ignores). Theirs is the
 * operand size the legacy prefixes select, as for any instruction (SDM
 * vol. 1 3.6.1): REX.W; else a 66 that is an operand-size prefix, not the
 * mandatory prefix of the form (SDM vol. 2 2.1.2: a mandatory 66 is part
 * of the opcode), which Zydis tells by HAS_OPERANDSIZE; against the mode's
 * default. VEX.W and EVEX.W are not REX.W.
 */
static uint8_t prefix_operand_size(const ZydisDecodedInstruction *insn, unsigned mode)
{
	bool opsize = insn->attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE;

	if (mode == 64 && insn->encoding == ZYDIS_INSTRUCTION_ENCODING_LEGACY && insn->raw.rex.W)
		return 8;
	if (mode == 16)
		return opsize ? 4 : 2;
	return opsize ? 2 : 4;
}

/* The index of the condition in a SETcc/CMOVcc mnemonic, after `stem`. */
static uint8_t condition_of(ZydisMnemonic mnemonic, const char *stem)
{
	const char *name = ZydisMnemonicGetString(mnemonic);
	size_t n = strlen(stem);

	if (!name || strncmp(name, stem, n) != 0)
		return 0xff;
	for (unsigned c = 0; c < 16; c++)
		if (strcmp(name + n, condition_names[c]) == 0)
			return (uint8_t)c;
	return 0xff;
}

void zydis_expected_fields(const struct zydis_answer *answer, unsigned mode,
			   struct zydis_fields *fields)
{
	const ZydisDecodedInstruction *insn = &answer->insn;
	const ZydisDecodedOperand *memory = NULL;
	ZydisRegister reg = data_register(answer);
	const struct form_pin *f = answer->form ? &form_pins[answer->form - 1] : NULL;
	unsigned width = 0;

	memset(fields, 0, sizeof(*fields));
	for (unsigned i = 0; i < insn->operand_count; i++)
		if (is_memory_access(&answer->operands[i]) && !memory)
			memory = &answer->operands[i];
	width = memory ? memory->size / 8u : 0;
	if (answer->corrections & (1u << CORRECTION_MOVSXD_WORD))
		width = 2;
	fields->dest_width = reg != ZYDIS_REGISTER_NONE ? (uint8_t)(ZydisRegisterGetWidth(
				     (ZydisMachineMode)insn->machine_mode, reg) / 8)
						    : (uint8_t)width;
	fields->operand_size = f && f->prefix != FORM_PREFIX_ANY && f->vreg != FR_GPR
				       ? prefix_operand_size(insn, mode)
				       : operand_size(insn, mode);
	fields->address_size = (uint8_t)insn->address_width;
	fields->repeat = f && op_kinds[f->op] == OK_STRING &&
			 (insn->attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
					      ZYDIS_ATTRIB_HAS_REPNE)) != 0;
	fields->locked = is_locked(answer);
	if (f && (op_kinds[f->op] == OK_SET || op_kinds[f->op] == OK_CMOVE))
		fields->condition = condition_of(insn->mnemonic, op_stems[f->op]);
	/* Operand 0 is the register: MOV r, m; ADD r, m; CMOVcc; and the
	 * implicit AL/rAX of A0/A1 and LODS. */
	fields->reg_first = reg != ZYDIS_REGISTER_NONE && insn->operand_count > 0 &&
			    answer->operands[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
			    answer->operands[0].reg.value == reg;
}

/* ---- The whole descriptor ---- */

/* A vector or opmask register as mmiodec numbers it: Zydis's id in its
 * class (xmm17 is 17; the kind says xmm, ymm or zmm). */
static void vector_number(ZydisRegister reg, uint8_t *number, uint8_t *kind)
{
	switch (ZydisRegisterGetClass(reg)) {
	case ZYDIS_REGCLASS_MMX: *kind = MMIODEC_REG_KIND_MMX; break;
	case ZYDIS_REGCLASS_XMM: *kind = MMIODEC_REG_KIND_XMM; break;
	case ZYDIS_REGCLASS_YMM: *kind = MMIODEC_REG_KIND_YMM; break;
	case ZYDIS_REGCLASS_ZMM: *kind = MMIODEC_REG_KIND_ZMM; break;
	default: *kind = MMIODEC_REG_KIND_NONE; break;
	}
	*number = (uint8_t)ZydisRegisterGetId(reg);
}

/* A general register as mmiodec numbers it: AL..BL 0..3, AH..BH HIGH8
 * 0..3, SPL..DIL 4..7, R8B.. 8..; the 16/32/64-bit ones by Zydis's id. */
static void gpr_number(ZydisRegister reg, uint8_t *number, uint8_t *kind)
{
	if (ZydisRegisterGetClass(reg) == ZYDIS_REGCLASS_GPR8) {
		unsigned id = (unsigned)(reg - ZYDIS_REGISTER_AL);

		*kind = id >= 4 && id < 8 ? MMIODEC_REG_KIND_GPR_HIGH8 : MMIODEC_REG_KIND_GPR;
		*number = (uint8_t)(id < 4 ? id : id - 4);
		return;
	}
	*kind = MMIODEC_REG_KIND_GPR;
	*number = (uint8_t)ZydisRegisterGetId(reg);
}

static uint8_t address_register(ZydisRegister reg)
{
	uint8_t number, kind;

	if (reg == ZYDIS_REGISTER_NONE)
		return MMIODEC_NO_REG;
	if (reg == ZYDIS_REGISTER_RIP || reg == ZYDIS_REGISTER_EIP || reg == ZYDIS_REGISTER_IP)
		return MMIODEC_RIP;
	gpr_number(reg, &number, &kind);
	return number;
}

static uint8_t segment_number(ZydisRegister reg)
{
	switch (reg) {
	case ZYDIS_REGISTER_ES: return MMIODEC_SEG_ES;
	case ZYDIS_REGISTER_CS: return MMIODEC_SEG_CS;
	case ZYDIS_REGISTER_SS: return MMIODEC_SEG_SS;
	case ZYDIS_REGISTER_DS: return MMIODEC_SEG_DS;
	case ZYDIS_REGISTER_FS: return MMIODEC_SEG_FS;
	case ZYDIS_REGISTER_GS: return MMIODEC_SEG_GS;
	default: return 0xff;
	}
}

static uint8_t access_value(const ZydisDecodedOperand *op)
{
	if (writes(op))
		return reads(op) ? MMIODEC_DIR_READ_WRITE : MMIODEC_DIR_WRITE;
	return MMIODEC_DIR_READ;
}

void zydis_expected_descriptor(const struct zydis_answer *answer, unsigned mode,
			       struct mmiodec_insn *out)
{
	const ZydisDecodedInstruction *insn = &answer->insn;
	struct zydis_access acc;
	struct zydis_fields fields;

	memset(out, 0, sizeof(*out));
	out->status = (uint8_t)answer->status;
	out->vendor = answer->vendor;
	out->vendor_dependent = answer->vendor_dependent;
	if (answer->status != MMIODEC_OK || !answer->form) {
		out->length = answer->length;
		out->mode = answer->length ? (uint8_t)mode : 0;
		return;
	}
	gather_access(answer, &acc);
	zydis_expected_fields(answer, mode, &fields);
	out->length = answer->length;
	out->op = form_pins[answer->form - 1].op;
	out->direction = acc.memory_count >= 2 ? MMIODEC_DIR_READ_WRITE
			 : acc.memory_count ? access_value(acc.memory[0]) : MMIODEC_DIR_READ;
	out->width = (uint8_t)acc.width;
	out->extend = insn->mnemonic == ZYDIS_MNEMONIC_MOVZX ? MMIODEC_EXTEND_ZERO
		      : insn->mnemonic == ZYDIS_MNEMONIC_MOVSX || insn->mnemonic == ZYDIS_MNEMONIC_MOVSXD
			      ? MMIODEC_EXTEND_SIGN : MMIODEC_EXTEND_NONE;
	out->dest_width = fields.dest_width;
	if (acc.reg != ZYDIS_REGISTER_NONE && is_vector_register(acc.reg))
		vector_number(acc.reg, &out->reg, &out->reg_kind);
	else if (acc.reg != ZYDIS_REGISTER_NONE)
		gpr_number(acc.reg, &out->reg, &out->reg_kind);
	for (unsigned i = 0; i < insn->operand_count; i++)
		if (answer->operands[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
			unsigned w = out->width;
			uint64_t mask = w >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * w)) - 1;

			out->immediate = answer->operands[i].imm.value.u & mask;
			out->has_immediate = 1;
		}
	out->mem_count = (uint8_t)(acc.memory_count < 2 ? acc.memory_count : 2);
	for (unsigned i = 0; i < out->mem_count; i++) {
		const ZydisDecodedOperand *op = acc.memory[i];
		struct mmiodec_mem *mem = &out->mem[i];

		mem->segment = segment_number(op->mem.segment);
		mem->base = address_register(op->mem.base);
		mem->index = address_register(op->mem.index);
		mem->scale = op->mem.index != ZYDIS_REGISTER_NONE ? op->mem.scale : 0;
		mem->displacement = op->mem.disp.value;
		/* See correct_sib_no_base(): the ModRM operand only. */
		if ((answer->corrections & (1u << CORRECTION_SIB_NO_BASE)) &&
		    op->visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
		    op->mem.base != ZYDIS_REGISTER_NONE) {
			mem->base = MMIODEC_NO_REG;
			mem->displacement = insn->raw.disp.value;
		}
		mem->address_size = (uint8_t)insn->address_width;
		mem->access = access_value(op);
		mem->align = acc.align[i];
		mem->element = acc.element[i];
	}
	out->rep = insn->attributes & ZYDIS_ATTRIB_HAS_REP     ? MMIODEC_REP_REP
		   : insn->attributes & ZYDIS_ATTRIB_HAS_REPE  ? MMIODEC_REP_REPE
		   : insn->attributes & ZYDIS_ATTRIB_HAS_REPNE ? MMIODEC_REP_REPNE
							       : MMIODEC_REP_NONE;
	out->repeat = fields.repeat;
	out->mode = (uint8_t)mode;
	out->operand_size = fields.operand_size;
	out->address_size = fields.address_size;
	out->locked = fields.locked;
	out->condition = fields.condition;
	out->reg_first = fields.reg_first;
	out->mask = acc.mask != ZYDIS_REGISTER_NONE ? (uint8_t)ZydisRegisterGetId(acc.mask) : 0;
	out->zeroing = acc.zeroing;
	if (acc.reg2 != ZYDIS_REGISTER_NONE)
		out->reg2 = (uint8_t)ZydisRegisterGetId(acc.reg2);
}
