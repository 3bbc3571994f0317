/* SPDX-License-Identifier: MIT */
/*
 * The generated inputs: an exhaustive walk of the legacy opcode maps (every
 * opcode x ModRM x a set of prefix combinations, and SIB bytes), bounded
 * sweeps of the VEX, EVEX, XOP and 3DNow payloads, and seeded random byte
 * strings, raw and structured.
 */
#include "diff.h"

#include <stdio.h>
#include <string.h>

#include "forms.h"

#define MAX_LEN MMIODEC_MAX_LENGTH

/* What follows the opcode bytes: ModRM/SIB/displacement/immediate filler.
 * Two tails, one with small positive bytes and one with the sign bits
 * set, so that displacements and immediates are seen both ways. */
static const uint8_t tails[2][MAX_LEN] = {
	{ 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff },
	{ 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 },
};

#define IN_16 1u
#define IN_32 2u
#define IN_64 4u
#define IN_ALL (IN_16 | IN_32 | IN_64)

struct prefix_set {
	uint8_t len;
	uint8_t bytes[3];
	uint8_t modes;     /* IN_* */
	bool full_only;    /* only without --short */
};

/* Legacy prefixes and REX, alone and in the orders whose meaning differs:
 * a mandatory prefix with 66, F2 against F3, REX before or after a legacy
 * prefix (REX counts only right before the opcode). */
static const struct prefix_set modrm_prefix_sets[] = {
	{ 0, { 0 }, IN_ALL, false },
	{ 1, { 0x66 }, IN_ALL, false },
	{ 1, { 0x67 }, IN_ALL, false },
	{ 1, { 0xf2 }, IN_ALL, false },
	{ 1, { 0xf3 }, IN_ALL, false },
	{ 1, { 0xf0 }, IN_ALL, false },
	{ 1, { 0x2e }, IN_ALL, false },
	{ 1, { 0x64 }, IN_ALL, false },
	{ 2, { 0x66, 0xf2 }, IN_ALL, false },
	{ 2, { 0x66, 0xf3 }, IN_ALL, false },
	{ 2, { 0xf2, 0xf3 }, IN_ALL, false },
	{ 2, { 0xf3, 0xf2 }, IN_ALL, false },
	{ 1, { 0x40 }, IN_64, false },
	{ 1, { 0x41 }, IN_64, false },
	{ 1, { 0x44 }, IN_64, false },
	{ 1, { 0x48 }, IN_64, false },
	{ 1, { 0x4c }, IN_64, false },
	{ 1, { 0x4f }, IN_64, false },
	{ 2, { 0x48, 0x66 }, IN_64, false },
	{ 2, { 0x66, 0x48 }, IN_64, false },
	{ 2, { 0xf3, 0x48 }, IN_64, false },
	/* The rest only in the full run. */
	{ 1, { 0x3e }, IN_ALL, true },
	{ 1, { 0x26 }, IN_ALL, true },
	{ 1, { 0x36 }, IN_ALL, true },
	{ 1, { 0x65 }, IN_ALL, true },
	{ 2, { 0x66, 0x67 }, IN_ALL, true },
	{ 2, { 0xf0, 0x66 }, IN_ALL, true },
	{ 2, { 0xf2, 0x66 }, IN_ALL, true },
	{ 2, { 0xf3, 0x66 }, IN_ALL, true },
	{ 2, { 0xf0, 0xf2 }, IN_ALL, true },
	{ 2, { 0xf0, 0xf3 }, IN_ALL, true },
	{ 2, { 0x67, 0xf3 }, IN_ALL, true },
	{ 2, { 0x66, 0x66 }, IN_ALL, true },
	{ 3, { 0x64, 0x67, 0x66 }, IN_ALL, true },
	{ 1, { 0x42 }, IN_64, true },
	{ 1, { 0x43 }, IN_64, true },
	{ 1, { 0x45 }, IN_64, true },
	{ 1, { 0x46 }, IN_64, true },
	{ 1, { 0x47 }, IN_64, true },
	{ 1, { 0x49 }, IN_64, true },
	{ 1, { 0x4a }, IN_64, true },
	{ 1, { 0x4b }, IN_64, true },
	{ 1, { 0x4d }, IN_64, true },
	{ 1, { 0x4e }, IN_64, true },
	{ 2, { 0xf2, 0x48 }, IN_64, true },
	{ 2, { 0xf0, 0x48 }, IN_64, true },
	{ 2, { 0x67, 0x48 }, IN_64, true },
	{ 2, { 0x48, 0xf3 }, IN_64, true },
	{ 2, { 0x4f, 0x40 }, IN_64, true },
	{ 3, { 0x66, 0xf2, 0x4c }, IN_64, true },
};

/* For the SIB walk: what changes how a SIB byte reads (address size,
 * REX.X and REX.B). 16-bit addressing has no SIB, so 16-bit mode needs 67. */
static const struct prefix_set sib_prefix_sets[] = {
	{ 0, { 0 }, IN_32 | IN_64, false },
	{ 1, { 0x67 }, IN_16 | IN_64, false },
	{ 1, { 0x41 }, IN_64, false },
	{ 1, { 0x42 }, IN_64, false },
	{ 1, { 0x43 }, IN_64, false },
	{ 1, { 0x4f }, IN_64, true },
	{ 1, { 0x48 }, IN_64, true },
	{ 1, { 0x66 }, IN_32 | IN_64, true },
	{ 1, { 0x64 }, IN_32, true },
	{ 2, { 0x66, 0x67 }, IN_16, true },
	{ 2, { 0x67, 0x43 }, IN_64, true },
};

struct opcode_map {
	const char *name;
	uint8_t len;
	uint8_t escape[2];
};

static const struct opcode_map legacy_maps[] = {
	{ "legacy", 0, { 0 } },
	{ "0F", 1, { 0x0f } },
	{ "0F38", 2, { 0x0f, 0x38 } },
	{ "0F3A", 2, { 0x0f, 0x3a } },
};

/* ---- The supported forms (src/forms.h) ---- */

/* The map tokens of src/forms.h, as indices into legacy_maps[]. */
enum { INPUT_MAP_LEGACY = 0, INPUT_MAP_0F = 1, INPUT_MAP_0F38 = 2, INPUT_REG_ANY = 8 };

struct input_form {
	uint8_t map;     /* index into legacy_maps[] */
	uint8_t opcode;
	uint8_t reg;     /* ModRM.reg, or INPUT_REG_ANY */
	uint8_t pattern; /* enum mmiodec_form_pattern */
	uint8_t kind;    /* enum mmiodec_op_kind */
};

#define OP_KIND(op, mnemonic, kind) [MMIODEC_OP_##op] = kind,
static const uint8_t op_kinds[MMIODEC_OP_COUNT] = { MMIODEC_OPS(OP_KIND) };
#undef OP_KIND

#define ANY INPUT_REG_ANY
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width)                          \
	{ INPUT_MAP_##map, (uint8_t)(opcode), (reg), (pattern), 0 },
static const struct input_form input_forms_raw[] = { MMIODEC_EACH_FORM };
#undef MMIODEC_FORM
#define MMIODEC_FORM(op, map, opcode, reg, pattern, width) MMIODEC_OP_##op,
static const uint8_t input_form_ops[] = { MMIODEC_EACH_FORM };
#undef MMIODEC_FORM
#undef ANY

#define INPUT_FORM_COUNT (sizeof(input_forms_raw) / sizeof(input_forms_raw[0]))

static struct input_form input_form(size_t i)
{
	struct input_form f = input_forms_raw[i];

	f.kind = op_kinds[input_form_ops[i]];
	return f;
}

static bool form_has_modrm(const struct input_form *f)
{
	return f->pattern != FP_A_MOFFS && f->pattern != FP_MOFFS_A && f->pattern != FP_STRING;
}

/* The MOV family's forms with a ModRM byte (src/forms.h: kind OK_MOVE):
 * their SIB forms are walked in full even in the short run. Every other
 * supported opcode gets the short run's SIB walk (mod 0..2, reg 0, every
 * SIB byte) and the forms walk's addressing forms. */
static bool has_supported_modrm_form(unsigned map, unsigned opcode)
{
	for (size_t i = 0; i < INPUT_FORM_COUNT; i++) {
		struct input_form f = input_form(i);

		if (f.map == map && f.opcode == opcode && f.kind == OK_MOVE && form_has_modrm(&f))
			return true;
	}
	return false;
}

static bool mode_enabled(const struct diff_run *run, unsigned mode_idx, uint8_t modes)
{
	return run->options.modes[mode_idx] && (modes & (1u << mode_idx));
}

static bool prefix_set_used(const struct diff_run *run, const struct prefix_set *set,
			    unsigned mode_idx)
{
	return mode_enabled(run, mode_idx, set->modes) && !(set->full_only && run->options.short_run);
}

/* Writes prefix, escape and opcode; returns where the ModRM goes. */
static size_t start_instruction(uint8_t *buf, const struct prefix_set *set,
				const struct opcode_map *map, unsigned opcode)
{
	size_t at = 0;

	memcpy(buf + at, set->bytes, set->len);
	at += set->len;
	memcpy(buf + at, map->escape, map->len);
	at += map->len;
	buf[at++] = (uint8_t)opcode;
	return at;
}

static void fill_tail(uint8_t *buf, size_t at, unsigned which)
{
	if (at < MAX_LEN)
		memcpy(buf + at, tails[which & 1], MAX_LEN - at);
}

/* Every opcode x every ModRM byte, under each prefix set. */
static bool walk_modrm(struct diff_run *run)
{
	uint8_t buf[MAX_LEN];

	for (unsigned m = MODE_COUNT; m-- > 0;) {
		for (size_t s = 0; s < sizeof(modrm_prefix_sets) / sizeof(modrm_prefix_sets[0]); s++) {
			const struct prefix_set *set = &modrm_prefix_sets[s];

			if (!prefix_set_used(run, set, m))
				continue;
			for (size_t map = 0; map < sizeof(legacy_maps) / sizeof(legacy_maps[0]); map++) {
				for (unsigned opcode = 0; opcode < 256; opcode++) {
					size_t at = start_instruction(buf, set, &legacy_maps[map], opcode);

					fill_tail(buf, at + 1, (unsigned)s);
					for (unsigned modrm = 0; modrm < 256; modrm++) {
						buf[at] = (uint8_t)modrm;
						if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN,
								mode_of_index(m)))
							return false;
					}
				}
			}
		}
	}
	return true;
}

/* Whether Zydis decodes this opcode without a ModRM byte: then the bytes
 * after it are other instructions, and the SIB walk has nothing to do. */
static bool takes_no_modrm(const struct diff_run *run, unsigned m, const uint8_t *buf)
{
	struct zydis_answer zydis;

	zydis_oracle_decode(&run->oracles[m].intel, buf, MAX_LEN, &zydis);
	return ZYAN_SUCCESS(zydis.zydis_status) &&
	       !(zydis.insn.attributes & ZYDIS_ATTRIB_HAS_MODRM);
}

/* Every SIB byte behind the ModRM bytes that call for one (mod 0..2,
 * rm 4): all 24 of them for the supported forms (and for everything in the
 * full run), mod 0..2 with reg 0 for the rest in the short run. */
static bool walk_sib(struct diff_run *run)
{
	static const uint8_t few_modrm[] = { 0x04, 0x44, 0x84 };
	uint8_t buf[MAX_LEN];

	for (unsigned m = MODE_COUNT; m-- > 0;) {
		for (size_t s = 0; s < sizeof(sib_prefix_sets) / sizeof(sib_prefix_sets[0]); s++) {
			const struct prefix_set *set = &sib_prefix_sets[s];

			if (!prefix_set_used(run, set, m))
				continue;
			for (unsigned map = 0; map < sizeof(legacy_maps) / sizeof(legacy_maps[0]); map++) {
				for (unsigned opcode = 0; opcode < 256; opcode++) {
					size_t at = start_instruction(buf, set, &legacy_maps[map], opcode);
					bool all = !run->options.short_run ||
						   has_supported_modrm_form(map, opcode);
					unsigned modrm_count = all ? 24 : sizeof(few_modrm);

					buf[at] = 0x04;
					buf[at + 1] = 0x00;
					fill_tail(buf, at + 2, opcode);
					if (takes_no_modrm(run, m, buf))
						continue;
					for (unsigned r = 0; r < modrm_count; r++) {
						/* mod = r / 8, reg = r % 8, rm = 4 */
						buf[at] = all ? (uint8_t)((r / 8) << 6 | (r % 8) << 3 | 4)
							      : few_modrm[r];
						for (unsigned sib = 0; sib < 256; sib++) {
							buf[at + 1] = (uint8_t)sib;
							if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN,
									mode_of_index(m)))
								return false;
						}
					}
				}
			}
		}
	}
	return true;
}

/*
 * Every form of src/forms.h behind the prefixes that change what it means:
 * operand size (66, REX.W, both), address size (67), REX.R/X/B (which
 * register, base, index; REX alone for SPL..DIL), LOCK alone and with
 * 66/REX.W/67/F2/F3 (locked, XACQUIRE/XRELEASE) and on forms that refuse
 * it, F2/F3 (CRC32 beside MOVBE, REP on the strings), every segment
 * override, and a REX that does not count. Each with every addressing form
 * for the first few prefix sets (mod 0..2 x rm, a few SIB bytes each, a
 * register form) and ModRM.reg 0, 4 and 7 where the form takes any; with a
 * few addressing forms for the rest.
 */
static const struct prefix_set form_prefix_sets[] = {
	{ 0, { 0 }, IN_ALL, false },
	{ 1, { 0x67 }, IN_ALL, false },
	{ 1, { 0x41 }, IN_64, false },
	{ 1, { 0x42 }, IN_64, false },
	{ 1, { 0x4f }, IN_64, false },
	/* the rest: a few addressing forms each */
	{ 1, { 0x66 }, IN_ALL, false },
	{ 2, { 0x66, 0x67 }, IN_ALL, false },
	{ 1, { 0xf0 }, IN_ALL, false },
	{ 2, { 0xf0, 0x66 }, IN_ALL, false },
	{ 2, { 0x66, 0xf0 }, IN_ALL, false },
	{ 2, { 0xf0, 0x67 }, IN_ALL, false },
	{ 2, { 0xf2, 0xf0 }, IN_ALL, false },
	{ 2, { 0xf0, 0xf3 }, IN_ALL, false },
	{ 1, { 0xf2 }, IN_ALL, false },
	{ 1, { 0xf3 }, IN_ALL, false },
	{ 2, { 0x66, 0xf2 }, IN_ALL, false },
	{ 2, { 0xf3, 0x66 }, IN_ALL, false },
	{ 1, { 0x26 }, IN_ALL, false },
	{ 1, { 0x2e }, IN_ALL, false },
	{ 1, { 0x36 }, IN_ALL, false },
	{ 1, { 0x3e }, IN_ALL, false },
	{ 1, { 0x64 }, IN_ALL, false },
	{ 1, { 0x65 }, IN_ALL, false },
	{ 3, { 0x65, 0xf0, 0x67 }, IN_ALL, false },
	{ 1, { 0x40 }, IN_64, false },
	{ 1, { 0x44 }, IN_64, false },
	{ 1, { 0x48 }, IN_64, false },
	{ 1, { 0x4c }, IN_64, false },
	{ 2, { 0x66, 0x48 }, IN_64, false },
	{ 2, { 0x48, 0x66 }, IN_64, false },
	{ 2, { 0xf0, 0x48 }, IN_64, false },
	{ 2, { 0xf0, 0x4d }, IN_64, false },
	{ 2, { 0x67, 0x4b }, IN_64, false },
	{ 2, { 0xf3, 0x48 }, IN_64, false },
	{ 3, { 0x64, 0xf0, 0x43 }, IN_64, false },
};
#define FORM_FULL_ADDRESSING_SETS 5

/* ModRM (reg 0) and SIB: every mod 0..2 x rm, the SIB ones with a few SIB
 * bytes (no index, base 101, scaled indexes), and a register form. */
static const uint8_t form_modrm_all[][2] = {
	{ 0x00, 0 }, { 0x01, 0 }, { 0x02, 0 }, { 0x03, 0 }, { 0x04, 0x24 }, { 0x04, 0x25 },
	{ 0x04, 0x88 }, { 0x04, 0xcd }, { 0x04, 0x61 }, { 0x05, 0 }, { 0x06, 0 }, { 0x07, 0 },
	{ 0x40, 0 }, { 0x41, 0 }, { 0x42, 0 }, { 0x43, 0 }, { 0x44, 0x24 }, { 0x44, 0x25 },
	{ 0x44, 0x88 }, { 0x44, 0xcd }, { 0x44, 0x61 }, { 0x45, 0 }, { 0x46, 0 }, { 0x47, 0 },
	{ 0x80, 0 }, { 0x81, 0 }, { 0x82, 0 }, { 0x83, 0 }, { 0x84, 0x24 }, { 0x84, 0x25 },
	{ 0x84, 0x88 }, { 0x84, 0xcd }, { 0x84, 0x61 }, { 0x85, 0 }, { 0x86, 0 }, { 0x87, 0 },
	{ 0xc0, 0 },
};
static const uint8_t form_modrm_few[][2] = {
	{ 0x00, 0 }, { 0x05, 0 }, { 0x44, 0x88 }, { 0x84, 0x25 }, { 0x46, 0 }, { 0xc1, 0 },
};

static bool walk_forms(struct diff_run *run)
{
	static const uint8_t any_regs[] = { 0, 4, 7 };
	uint8_t buf[MAX_LEN];

	for (unsigned m = MODE_COUNT; m-- > 0;) {
		for (size_t s = 0; s < sizeof(form_prefix_sets) / sizeof(form_prefix_sets[0]); s++) {
			const struct prefix_set *set = &form_prefix_sets[s];
			bool all = s < FORM_FULL_ADDRESSING_SETS;
			size_t modrms = all ? sizeof(form_modrm_all) / sizeof(form_modrm_all[0])
					    : sizeof(form_modrm_few) / sizeof(form_modrm_few[0]);

			if (!prefix_set_used(run, set, m))
				continue;
			for (size_t i = 0; i < INPUT_FORM_COUNT; i++) {
				struct input_form f = input_form(i);
				size_t at = start_instruction(buf, set, &legacy_maps[f.map], f.opcode);
				size_t regs = f.reg != INPUT_REG_ANY ? 1 : sizeof(any_regs);

				if (!form_has_modrm(&f)) {
					fill_tail(buf, at, (unsigned)s);
					if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN,
							mode_of_index(m)))
						return false;
					continue;
				}
				for (size_t r = 0; r < regs; r++) {
					uint8_t reg = f.reg != INPUT_REG_ANY ? f.reg : any_regs[r];

					for (size_t k = 0; k < modrms; k++) {
						const uint8_t *modrm = all ? form_modrm_all[k]
									   : form_modrm_few[k];
						size_t tail_at = at + 1;

						buf[at] = (uint8_t)(modrm[0] | reg << 3);
						if ((modrm[0] & 7) == 4 && (modrm[0] >> 6) != 3)
							buf[tail_at++] = modrm[1];
						fill_tail(buf, tail_at, (unsigned)(s + k));
						if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN,
								mode_of_index(m)))
							return false;
					}
				}
			}
		}
	}
	return true;
}

/* ---- The vector and portal forms (MMIODEC_VECTOR_FORMS of src/forms.h) ----
 *
 * Each form as its encoding writes it, with what changes its meaning
 * around it: for the legacy ones the mandatory prefix among other
 * prefixes (66 against F2/F3, which one is last) and REX (W picks MOVD or
 * MOVQ; R, X, B extend the register, index, base); for VEX the two- and
 * three-byte forms, L, W, R, X, B and vvvv; for EVEX the opmask (aaa),
 * zeroing (z), b, L'L, W, R' (XMM16..31), V', X and vvvv, with mod 1
 * displacements (disp8*N: the displacement is scaled by the access width,
 * or the element size with a mask) and the register forms, which are no
 * memory access. Prefixes before VEX/EVEX (66, F2, F3, LOCK, REX) make it
 * #UD.
 */

struct vector_input {
	uint8_t encoding; /* enum mmiodec_form_encoding */
	uint8_t map;      /* 1: 0F, 2: 0F 38 (VEX.mmmmm, EVEX.mm) */
	uint8_t prefix;   /* FPX_*, also VEX/EVEX.pp */
	uint8_t opcode;
	uint8_t w;        /* FW0, FW1, FWIG */
};

enum { VECTOR_MAP_0F = 1, VECTOR_MAP_0F38 = 2 };

#define VECTOR_INPUT(op, encoding, map, prefix, opcode, w, pattern, width, reg, element, aligned) \
	{ FE_##encoding, VECTOR_MAP_##map, FPX_##prefix, (uint8_t)(opcode), F##w },
static const struct vector_input vector_inputs[] = { MMIODEC_VECTOR_FORMS(VECTOR_INPUT) };
#undef VECTOR_INPUT

#define VECTOR_INPUT_COUNT (sizeof(vector_inputs) / sizeof(vector_inputs[0]))

/* ModRM (with the register field set) and SIB: mod 0, RIP-relative, mod 1
 * with SIB and without (disp8*N for EVEX), mod 2, a scaled index, and a
 * register form. */
static const uint8_t vector_modrms[][2] = {
	{ 0x00, 0 }, { 0x0d, 0 }, { 0x54, 0x88 }, { 0x9c, 0x25 }, { 0x7e, 0 },
	{ 0x44, 0xc8 }, { 0x87, 0 }, { 0xc1, 0 },
};
#define VECTOR_MODRMS (sizeof(vector_modrms) / sizeof(vector_modrms[0]))

static const uint8_t mandatory_bytes[4] = { 0, 0x66, 0xf3, 0xf2 };

/* ModRM, SIB, then the tail (displacement bytes); returns false when the
 * run is out of time. */
static bool check_with_modrm(struct diff_run *run, uint8_t *buf, size_t at, size_t k,
			     unsigned variant, unsigned mode)
{
	const uint8_t *modrm = vector_modrms[k % VECTOR_MODRMS];
	size_t tail_at = at + 1;

	if (at >= MAX_LEN)
		return true;
	buf[at] = modrm[0];
	if ((modrm[0] & 7) == 4 && (modrm[0] >> 6) != 3 && tail_at < MAX_LEN)
		buf[tail_at++] = modrm[1];
	fill_tail(buf, tail_at, variant);
	return diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN, mode);
}

static bool walk_vector_legacy(struct diff_run *run, const struct vector_input *f, unsigned m)
{
	/* Around the mandatory prefix: other prefixes before it (66 with
	 * F2/F3: the last F2/F3 decides, 66 is then the operand size) and
	 * after it. */
	static const uint8_t others[][2] = {
		{ 0, 0 }, { 1, 0x67 }, { 1, 0x66 }, { 1, 0xf2 }, { 1, 0xf3 }, { 1, 0x64 },
		{ 1, 0x26 }, { 1, 0xf0 },
	};
	static const uint8_t rex_w0[] = { 0, 0x41, 0x42, 0x44, 0x47, 0x48 };
	static const uint8_t rex_w1[] = { 0x48, 0x49, 0x4a, 0x4c, 0x4f, 0x40 };
	const uint8_t *rexes = f->w == FW1 ? rex_w1 : rex_w0;
	unsigned mode = mode_of_index(m);
	size_t rex_count = mode == 64 ? sizeof(rex_w0) : 1;
	uint8_t buf[MAX_LEN];

	for (size_t o = 0; o < sizeof(others) / sizeof(others[0]); o++) {
		for (int after = 0; after < (o ? 2 : 1); after++) {
			for (size_t r = 0; r < rex_count; r++) {
				uint8_t rex = mode == 64 ? rexes[r] : 0;
				size_t at = 0;

				if (o && !after)
					buf[at++] = others[o][1];
				if (f->prefix != FPX_NP)
					buf[at++] = mandatory_bytes[f->prefix];
				if (o && after)
					buf[at++] = others[o][1];
				if (rex)
					buf[at++] = rex;
				buf[at++] = 0x0f;
				if (f->map == VECTOR_MAP_0F38)
					buf[at++] = 0x38;
				buf[at++] = f->opcode;
				/* Every addressing form without other prefixes,
				 * a few with them. */
				for (size_t k = 0; k < VECTOR_MODRMS; k++) {
					if ((o || r) && k % 3 != (o + r) % 3)
						continue;
					if (!check_with_modrm(run, buf, at, k, (unsigned)(o + r + k), mode))
						return false;
				}
			}
		}
	}
	return true;
}

/* VEX: C5 (R, vvvv, L, pp; map 0F, no X/B/W) or C4 (R, X, B, map, W,
 * vvvv, L, pp); R, X, B, vvvv stored inverted. */
static size_t put_vex(uint8_t *buf, size_t at, const struct vector_input *f, bool three,
		      unsigned rxb, unsigned w, unsigned vvvv, unsigned l)
{
	if (!three) {
		buf[at++] = 0xc5;
		buf[at++] = (uint8_t)((~rxb & 4) << 5 | (~vvvv & 15) << 3 | l << 2 | f->prefix);
	} else {
		buf[at++] = 0xc4;
		buf[at++] = (uint8_t)((~rxb & 7) << 5 | f->map);
		buf[at++] = (uint8_t)(w << 7 | (~vvvv & 15) << 3 | l << 2 | f->prefix);
	}
	buf[at++] = f->opcode;
	return at;
}

static bool walk_vector_vex(struct diff_run *run, const struct vector_input *f, unsigned m)
{
	static const uint8_t before[] = { 0, 0x66, 0xf3, 0xf0, 0x67, 0x40, 0x64 };
	unsigned mode = mode_of_index(m);
	unsigned w_form = f->w == FW1 ? 1 : 0;
	uint8_t buf[MAX_LEN];

	for (unsigned three = 0; three < 2; three++) {
		if (!three && (f->map != VECTOR_MAP_0F || f->w == FW1))
			continue;
		for (unsigned rxb = 0; rxb < (three ? 8u : 8u); rxb += three ? 1 : 4)
			for (unsigned w = 0; w < (three ? 2u : 1u); w++)
				for (unsigned v = 0; v < 3; v++)
					for (unsigned l = 0; l < 2; l++) {
						static const uint8_t vvvvs[] = { 0, 15, 5 };
						size_t at = put_vex(buf, 0, f, three, rxb, three ? w : w_form,
								    vvvvs[v], l);

						for (size_t k = 0; k < VECTOR_MODRMS; k++)
							if (!check_with_modrm(run, buf, at, k, rxb + w + v + l, mode))
								return false;
					}
	}
	/* A prefix before the escape. */
	for (size_t b = 1; b < sizeof(before); b++) {
		size_t at = 0;

		if (before[b] == 0x40 && mode != 64)
			continue;
		buf[at++] = before[b];
		at = put_vex(buf, at, f, true, 0, w_form, 0, 0);
		for (size_t k = 0; k < 3; k++)
			if (!check_with_modrm(run, buf, at, k, (unsigned)b, mode))
				return false;
	}
	return true;
}

/* EVEX: 62, P0 = R X B R' 0 0 m m, P1 = W vvvv 1 pp, P2 = z L'L b V' aaa;
 * R, X, B, R', vvvv, V' stored inverted. ext: bit 0 R, 1 X, 2 B, 3 R',
 * 4 V' (set: the extension is on). */
static size_t put_evex(uint8_t *buf, size_t at, const struct vector_input *f, unsigned ext,
		       unsigned w, unsigned vvvv, unsigned z, unsigned ll, unsigned b, unsigned aaa)
{
	buf[at++] = 0x62;
	buf[at++] = (uint8_t)((~ext & 1) << 7 | (~ext & 2) << 5 | (~ext & 4) << 3 | (~ext & 8) << 1 |
			      f->map);
	buf[at++] = (uint8_t)(w << 7 | (~vvvv & 15) << 3 | 4 | f->prefix);
	buf[at++] = (uint8_t)(z << 7 | ll << 5 | b << 4 | (~ext & 16) >> 1 | aaa);
	buf[at++] = f->opcode;
	return at;
}

static bool walk_vector_evex(struct diff_run *run, const struct vector_input *f, unsigned m)
{
	static const uint8_t aaas[] = { 0, 1, 7 };
	static const uint8_t exts[] = { 0, 1, 2, 4, 8, 16, 31 };
	static const uint8_t before[] = { 0x66, 0xf2, 0xf0, 0x67, 0x41, 0x65 };
	unsigned mode = mode_of_index(m);
	unsigned w_form = f->w == FW1 ? 1 : 0;
	bool full = !run->options.short_run;
	uint8_t buf[MAX_LEN];

	/* The payload's own bits, crossed: mask, zeroing, b, L'L, W; with
	 * a mod 1 displacement (disp8*N) and mod 0, or every addressing
	 * form in the full run. */
	for (unsigned a = 0; a < sizeof(aaas); a++)
		for (unsigned z = 0; z < 2; z++)
			for (unsigned b = 0; b < 2; b++)
				for (unsigned ll = 0; ll < 4; ll++)
					for (unsigned w = 0; w < 2; w++) {
						size_t at = put_evex(buf, 0, f, 0, w, 0, z, ll, b, aaas[a]);

						for (size_t k = 0; k < VECTOR_MODRMS; k++) {
							if (!full && k != 0 && k != 4)
								continue;
							if (!check_with_modrm(run, buf, at, k, a + z + b + ll + w,
									      mode))
								return false;
						}
					}
	/* The register extensions and vvvv, at every addressing form, with
	 * no mask and with k1, at each vector length (the full run: every
	 * combination of the five bits). */
	for (unsigned e = 0; e < (full ? 32u : sizeof(exts)); e++)
		for (unsigned v = 0; v < 2; v++)
			for (unsigned a = 0; a < 2; a++)
				for (unsigned ll = 0; ll < 3; ll++) {
					unsigned ext = full ? e : exts[e];
					size_t at = put_evex(buf, 0, f, ext, w_form, v ? 10 : 0, 0, ll, 0, a);

					for (size_t k = 0; k < VECTOR_MODRMS; k++) {
						if (!full && ll != (k % 3))
							continue;
						if (!check_with_modrm(run, buf, at, k, ext + v + a + ll, mode))
							return false;
					}
				}
	for (size_t p = 0; p < sizeof(before); p++) {
		size_t at = 0;

		if ((before[p] & 0xf0) == 0x40 && mode != 64)
			continue;
		buf[at++] = before[p];
		at = put_evex(buf, at, f, 0, w_form, 0, 0, 2, 0, 1);
		for (size_t k = 0; k < 2; k++)
			if (!check_with_modrm(run, buf, at, k * 4, (unsigned)p, mode))
				return false;
	}
	return true;
}

static bool walk_vector_forms(struct diff_run *run)
{
	for (unsigned m = MODE_COUNT; m-- > 0;) {
		if (!run->options.modes[m])
			continue;
		for (size_t i = 0; i < VECTOR_INPUT_COUNT; i++) {
			const struct vector_input *f = &vector_inputs[i];
			bool finished;

			switch (f->encoding) {
			case FE_VEX: finished = walk_vector_vex(run, f, m); break;
			case FE_EVEX: finished = walk_vector_evex(run, f, m); break;
			default: finished = walk_vector_legacy(run, f, m); break;
			}
			if (!finished)
				return false;
		}
	}
	return true;
}

/* ---- VEX, EVEX, XOP: opcode x ModRM x a bounded share of the payloads ---- */

struct payload_family {
	const char *name;
	uint8_t lead;
	uint8_t bytes;              /* payload bytes after the lead byte */
	uint32_t count;             /* payload values, see fill */
	uint32_t short_per_opcode;  /* payloads per opcode and ModRM */
	uint32_t full_per_opcode;
	void (*fill)(uint32_t index, uint8_t *out);
};

static const uint8_t vex_maps[8] = { 1, 2, 3, 0, 4, 5, 7, 31 };
static const uint8_t xop_maps[8] = { 8, 9, 10, 11, 0, 3, 16, 31 };
static const uint8_t evex_vvvv[4] = { 15, 0, 7, 8 };
static const uint8_t evex_mask[3] = { 0, 1, 7 };

/* C5: R vvvv L pp, all 256. */
static void fill_vex2(uint32_t index, uint8_t *out)
{
	out[0] = (uint8_t)index;
}

/* C4: RXB mmmmm (valid maps and a few invalid ones), then W vvvv L pp. */
static void fill_vex3(uint32_t index, uint8_t *out)
{
	out[0] = (uint8_t)((index & 7) << 5 | vex_maps[(index >> 3) & 7]);
	out[1] = (uint8_t)(index >> 6);
}

/* 8F: RXB mmmmm (XOP maps 8-10, neighbours, and POP's), then W vvvv L pp. */
static void fill_xop(uint32_t index, uint8_t *out)
{
	out[0] = (uint8_t)((index & 7) << 5 | xop_maps[(index >> 3) & 7]);
	out[1] = (uint8_t)(index >> 6);
}

/* 62: P0 all 256 values; P1 W, vvvv (4 values), the fixed bit, pp;
 * P2 z, L'L, b, V', aaa (3 values). */
static void fill_evex(uint32_t index, uint8_t *out)
{
	uint32_t p1 = (index >> 8) & 63, p2 = index >> 14;

	out[0] = (uint8_t)index;
	out[1] = (uint8_t)((p1 & 1) << 7 | evex_vvvv[(p1 >> 1) & 3] << 3 | ((p1 >> 3) & 1) << 2 |
			   (p1 >> 4));
	out[2] = (uint8_t)((p2 & 1) << 7 | ((p2 >> 1) & 3) << 5 | ((p2 >> 3) & 1) << 4 |
			   ((p2 >> 4) & 1) << 3 | evex_mask[(p2 >> 5) % 3]);
}

static const struct payload_family payload_families[] = {
	{ "VEX2", 0xc5, 1, 256, 32, 256, fill_vex2 },
	{ "VEX3", 0xc4, 2, 8 * 8 * 256, 48, 1024, fill_vex3 },
	{ "EVEX", 0x62, 3, 256 * 64 * 96, 64, 2048, fill_evex },
	{ "XOP", 0x8f, 2, 8 * 8 * 256, 32, 512, fill_xop },
};

static const uint8_t payload_modrm[] = { 0xc0, 0xd1, 0x00, 0x04, 0x05, 0x48, 0x8c, 0xff };

/* Every eighth payload also gets a legacy prefix or REX in front, which
 * these encodings mostly forbid. */
static size_t payload_prefix(unsigned mode, uint32_t j, uint8_t *buf)
{
	static const uint8_t prefixes[] = { 0x66, 0xf2, 0xf3, 0xf0, 0x67, 0x2e, 0x41, 0x48 };
	uint8_t prefix;

	if (j % 8 != 7)
		return 0;
	prefix = prefixes[(j / 8) % sizeof(prefixes)];
	if (mode != 64 && (prefix & 0xf0) == 0x40)
		prefix = 0x66;
	buf[0] = prefix;
	return 1;
}

static bool walk_payloads(struct diff_run *run)
{
	uint8_t buf[MAX_LEN];

	for (unsigned m = MODE_COUNT; m-- > 0;) {
		unsigned mode = mode_of_index(m);

		if (!run->options.modes[m])
			continue;
		for (size_t f = 0; f < sizeof(payload_families) / sizeof(payload_families[0]); f++) {
			const struct payload_family *family = &payload_families[f];
			uint32_t per = run->options.short_run ? family->short_per_opcode
							      : family->full_per_opcode;

			if (per > family->count)
				per = family->count;
			for (unsigned opcode = 0; opcode < 256; opcode++) {
				for (size_t r = 0; r < sizeof(payload_modrm); r++) {
					/* Spread the payloads evenly over the whole set,
					 * starting somewhere else for each opcode and ModRM. */
					uint32_t offset = opcode * 7919u + (uint32_t)r * 104729u;

					for (uint32_t j = 0; j < per; j++) {
						uint32_t index = (uint32_t)(((uint64_t)j * family->count / per +
									    offset) % family->count);
						size_t at = payload_prefix(mode, j, buf);

						buf[at++] = family->lead;
						family->fill(index, buf + at);
						at += family->bytes;
						buf[at++] = (uint8_t)opcode;
						buf[at++] = payload_modrm[r];
						fill_tail(buf, at, j);
						if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN, mode))
							return false;
					}
				}
			}
		}
	}
	return true;
}

/* 3DNow: 0F 0F ModRM [displacement] suffix, every suffix byte. */
static bool walk_3dnow(struct diff_run *run)
{
	static const uint8_t modrms[] = { 0xc0, 0xca, 0x00, 0x08, 0x41, 0x80 };
	static const uint8_t prefixes[] = { 0x00, 0x66, 0xf3, 0x2e };
	uint8_t buf[MAX_LEN];

	for (unsigned m = MODE_COUNT; m-- > 0;) {
		unsigned mode = mode_of_index(m);

		if (!run->options.modes[m])
			continue;
		for (size_t p = 0; p < sizeof(prefixes); p++) {
			for (size_t r = 0; r < sizeof(modrms); r++) {
				uint8_t mod = modrms[r] >> 6;
				size_t disp = mod == 1 ? 1 : mod == 2 ? (mode == 16 ? 2 : 4) : 0;

				for (unsigned suffix = 0; suffix < 256; suffix++) {
					size_t at = 0;

					if (prefixes[p])
						buf[at++] = prefixes[p];
					buf[at++] = 0x0f;
					buf[at++] = 0x0f;
					buf[at++] = modrms[r];
					memcpy(buf + at, tails[suffix & 1], disp);
					at += disp;
					buf[at++] = (uint8_t)suffix;
					fill_tail(buf, at, 0);
					if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, MAX_LEN, mode))
						return false;
				}
			}
		}
	}
	return true;
}

/* ---- Where Intel and AMD differ ----
 *
 * Each row: prefix sets x opcodes x ModRM bytes (none: the opcode takes no
 * ModRM, or the tail is its immediate). The prefix sets switch the
 * difference on, off (REX.W, a mandatory prefix, LOCK or REX.R where they
 * matter) or move a REX where it does not count. Every combination is
 * judged in each mode, behind each tail, cut at every length. */

struct vendor_row {
	const char *what;
	const char *const *prefixes;  /* hex, NULL-terminated */
	const char *const *opcodes;   /* hex, NULL-terminated */
	const char *modrms;           /* hex ModRM bytes, "" for none */
};

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct vendor_row vendor_rows[] = {
	{ "D1 near branches, 66 in 64-bit mode: rel16 on AMD",
	  LIST("", "66", "6648", "4866", "6641", "6666", "f266", "2e66", "6667", "66f0", "f366"),
	  LIST("e8", "e9", "0f80", "0f85", "0f8f"), "" },
	{ "66 and REX.W on other branches: no effect on the descriptor",
	  LIST("", "66", "6648", "48"),
	  LIST("eb", "70", "7f", "e0", "e3", "c3", "c2", "ca", "cb"), "" },
	{ "66 FF /2 /4, REX.W FF /3 /5, REX.W 0F B2/B4/B5: no effect on the descriptor",
	  LIST("", "66", "48", "6648", "4866"), LIST("ff", "0fb2", "0fb4", "0fb5"),
	  "10d020e018d828e8004005" },
	{ "D2 66 63 /r: a word on Intel, a dword on AMD",
	  LIST("", "66", "6648", "4866", "6644", "6641", "6667", "666667", "f266"),
	  LIST("63"), "00050424408c8084c00c" },
	{ "D3 SYSENTER/SYSEXIT: invalid in 64-bit mode on AMD; D4 SYSCALL/SYSRET: invalid"
	  " outside 64-bit mode on Intel",
	  LIST("", "48", "66", "f3", "f2", "f0", "41", "6648"),
	  LIST("0f34", "0f35", "0f05", "0f07"), "" },
	{ "D5 VMREAD/VMWRITE: invalid on AMD (66/F2: EXTRQ/INSERTQ on both)",
	  LIST("", "66", "f2", "f3", "48", "f0", "67", "2e", "6648", "f266"),
	  LIST("0f78", "0f79"), "c000050480440c" },
	{ "D6 LOCK MOV CR0: MOV CR8 on AMD",
	  LIST("f0", "", "f044", "44f0", "f041", "f0f0", "66f0", "f066", "f3f0", "f048", "2ef0",
	       "f067"),
	  LIST("0f20", "0f22"), "c0c1c8d0d8e0003fc7f8" },
	{ "D7 UD0: no ModRM on AMD",
	  LIST("", "66", "f0", "f3", "f2", "67", "48", "2e", "6667", "666666666666666666666666",
	       "66666666666666666666666666", "2e2e2e2e2e2e2e2e2e2e2e2ef0"),
	  LIST("0fff"), "c000040580448c" },
	{ "D8 the rest of VMX (0F 01 C1-C4/D4, 0F C7 /6 /7 memory, 66 0F 38 80/81): invalid on AMD",
	  LIST("", "66", "f3", "f2", "48", "f0", "67", "6648"),
	  LIST("0f01", "0fc7", "0f3880", "0f3881"), "c1c2c3c4c5d4303835707400f0f8" },
	{ "D9 SVM (0F 01 D8-DF): invalid on Intel",
	  LIST("", "66", "f3", "f2", "48", "f0", "67"),
	  LIST("0f01"), "d8d9dadbdcdddedfd7e0" },
};

size_t diff_parse_hex(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (text[0] && text[1] && n < cap) {
		unsigned value;

		if (sscanf(text, "%2x", &value) != 1)
			break;
		out[n++] = (uint8_t)value;
		text += 2;
	}
	return n;
}

/* One instruction start, judged behind both tails and cut at every length. */
static bool check_cuts(struct diff_run *run, const uint8_t *start, size_t at, unsigned mode)
{
	uint8_t buf[MAX_LEN];

	if (at > MAX_LEN)
		at = MAX_LEN;
	for (unsigned t = 0; t < 2; t++) {
		memcpy(buf, start, at);
		fill_tail(buf, at, t);
		for (size_t len = 1; len <= MAX_LEN; len++)
			if (!diff_check(run, SOURCE_EXHAUSTIVE, buf, len, mode))
				return false;
	}
	return true;
}

static bool walk_vendor_forms(struct diff_run *run)
{
	for (unsigned m = MODE_COUNT; m-- > 0;) {
		if (!run->options.modes[m])
			continue;
		for (size_t r = 0; r < sizeof(vendor_rows) / sizeof(vendor_rows[0]); r++) {
			const struct vendor_row *row = &vendor_rows[r];
			uint8_t modrms[16];
			size_t modrm_count = diff_parse_hex(row->modrms, modrms, sizeof(modrms));

			for (const char *const *p = row->prefixes; *p; p++) {
				for (const char *const *o = row->opcodes; *o; o++) {
					uint8_t start[2 * MAX_LEN];
					size_t at = diff_parse_hex(*p, start, MAX_LEN);

					at += diff_parse_hex(*o, start + at, MAX_LEN);
					if (modrm_count == 0 && !check_cuts(run, start, at, mode_of_index(m)))
						return false;
					for (size_t i = 0; i < modrm_count; i++) {
						start[at] = modrms[i];
						if (!check_cuts(run, start, at + 1, mode_of_index(m)))
							return false;
					}
				}
			}
		}
	}
	return true;
}

void diff_vendor_forms(struct diff_run *run)
{
	uint64_t before = run->by_source[SOURCE_EXHAUSTIVE].compared;
	double start = diff_now();
	bool finished = walk_vendor_forms(run);

	diff_print_phase("exhaustive: where Intel and AMD differ",
			 run->by_source[SOURCE_EXHAUSTIVE].compared - before, diff_now() - start,
			 !finished);
}

void diff_exhaustive(struct diff_run *run)
{
	static const struct {
		const char *name;
		bool (*walk)(struct diff_run *run);
	} walks[] = {
		{ "where Intel and AMD differ", walk_vendor_forms },
		{ "supported forms x prefixes x addressing", walk_forms },
		{ "vector and portal forms x prefixes x payloads", walk_vector_forms },
		{ "opcode x ModRM x prefixes", walk_modrm },
		{ "SIB", walk_sib },
		{ "VEX/EVEX/XOP payloads", walk_payloads },
		{ "3DNow", walk_3dnow },
	};

	for (size_t i = 0; i < sizeof(walks) / sizeof(walks[0]); i++) {
		uint64_t before = run->by_source[SOURCE_EXHAUSTIVE].compared;
		double start = diff_now();
		bool finished = walks[i].walk(run);

		char name[64];

		snprintf(name, sizeof(name), "exhaustive: %s", walks[i].name);
		diff_print_phase(name, run->by_source[SOURCE_EXHAUSTIVE].compared - before,
				 diff_now() - start, !finished);
		if (!finished)
			return;
	}
}

/* ---- Random inputs ---- */

/* splitmix64: small, fast, and every seed gives a good stream. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned below(uint64_t *state, unsigned n)
{
	return (unsigned)(next_random(state) % n);
}

static unsigned random_mode(const struct diff_run *run, uint64_t *state)
{
	unsigned enabled[MODE_COUNT], count = 0;

	for (unsigned m = 0; m < MODE_COUNT; m++)
		if (run->options.modes[m])
			enabled[count++] = mode_of_index(m);
	return enabled[below(state, count)];
}

static void random_bytes(uint64_t *state, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)next_random(state);
}

/* Opcodes Intel and AMD read differently (the rows above), to be drawn
 * now and then, often behind a 66 or LOCK. */
static const struct {
	uint8_t len;
	uint8_t bytes[2];
} vendor_opcodes[] = {
	{ 1, { 0xe8 } }, { 1, { 0xe9 } }, { 2, { 0x0f, 0x80 } }, { 2, { 0x0f, 0x8f } },
	{ 1, { 0x63 } }, { 2, { 0x0f, 0x34 } }, { 2, { 0x0f, 0x35 } }, { 2, { 0x0f, 0x05 } },
	{ 2, { 0x0f, 0x07 } }, { 2, { 0x0f, 0x78 } }, { 2, { 0x0f, 0x79 } },
	{ 2, { 0x0f, 0x20 } }, { 2, { 0x0f, 0x22 } }, { 2, { 0x0f, 0xff } },
};

static const uint8_t legacy_prefixes[] = {
	0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
};

/* Displacement and immediate bytes worth hitting: zero, sign boundaries. */
static uint8_t interesting_byte(uint64_t *state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe };

	return values[below(state, sizeof(values))];
}

/* Legacy prefixes (0-4), an optional REX, then an opcode from a map or a
 * VEX/EVEX/XOP escape with a mostly well-formed payload, then ModRM (mostly
 * a memory form), SIB, displacement and immediate. */
static size_t structured_input(uint64_t *state, unsigned mode, uint8_t *buf)
{
	static const uint8_t prefix_count_weights[] = { 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4 };
	unsigned prefixes = prefix_count_weights[below(state, sizeof(prefix_count_weights))];
	unsigned form = below(state, 100);
	bool vendor_form = below(state, 32) == 0;
	size_t at = 0;
	unsigned form_reg = INPUT_REG_ANY;

	random_bytes(state, buf, MAX_LEN);
	for (unsigned i = 0; i < prefixes; i++)
		buf[at++] = legacy_prefixes[below(state, sizeof(legacy_prefixes))];
	if (vendor_form && below(state, 2) == 0)
		buf[at++] = below(state, 3) == 0 ? 0xf0 : 0x66;
	if (mode == 64 && below(state, 3) == 0) {
		uint8_t rex = (uint8_t)(0x40 | below(state, 16));

		/* Now and then the REX goes before a legacy prefix, where it
		 * does not count. */
		if (at > 0 && below(state, 6) == 0) {
			buf[at] = buf[at - 1];
			buf[at - 1] = rex;
			at++;
		} else {
			buf[at++] = rex;
		}
	}
	if (vendor_form) {
		unsigned pick = below(state, sizeof(vendor_opcodes) / sizeof(vendor_opcodes[0]));

		memcpy(buf + at, vendor_opcodes[pick].bytes, vendor_opcodes[pick].len);
		at += vendor_opcodes[pick].len;
	} else if (form < 10) {
		/* A vector or portal form: its mandatory prefix, or a VEX/EVEX
		 * payload with random bits (mostly without the prefixes drawn
		 * above, which make VEX/EVEX #UD). */
		const struct vector_input *f = &vector_inputs[below(state, (unsigned)VECTOR_INPUT_COUNT)];
		unsigned w = f->w == FWIG ? below(state, 2) : f->w == FW1 ? 1u : 0u;

		if (below(state, 8) == 0)
			w ^= 1;
		if (f->encoding != FE_LEGACY && below(state, 4) != 0)
			at = 0;
		if (f->encoding == FE_VEX) {
			at = put_vex(buf, at, f, f->map != VECTOR_MAP_0F || w || below(state, 2),
				     below(state, 3) ? 0 : below(state, 8), w,
				     below(state, 3) ? 0 : below(state, 16), below(state, 2));
		} else if (f->encoding == FE_EVEX) {
			at = put_evex(buf, at, f, below(state, 3) ? 0 : below(state, 32), w,
				      below(state, 3) ? 0 : below(state, 16), below(state, 4) == 0,
				      below(state, 4), below(state, 6) == 0,
				      below(state, 2) ? 0 : below(state, 8));
		} else {
			if (f->prefix != FPX_NP)
				buf[at++] = mandatory_bytes[f->prefix];
			buf[at++] = 0x0f;
			if (f->map == VECTOR_MAP_0F38)
				buf[at++] = 0x38;
			buf[at++] = f->opcode;
		}
	} else if (form < 30) {
		/* A form of src/forms.h, mostly with its ModRM.reg. */
		struct input_form f = input_form(below(state, (unsigned)INPUT_FORM_COUNT));

		memcpy(buf + at, legacy_maps[f.map].escape, legacy_maps[f.map].len);
		at += legacy_maps[f.map].len;
		buf[at++] = f.opcode;
		if (f.reg != INPUT_REG_ANY && below(state, 4) != 0)
			form_reg = f.reg;
	} else if (form < 55) {
		buf[at++] = (uint8_t)next_random(state);
	} else if (form < 70) {
		buf[at++] = 0x0f;
		buf[at++] = (uint8_t)next_random(state);
	} else if (form < 76) {
		buf[at++] = 0x0f;
		buf[at++] = 0x38;
		buf[at++] = (uint8_t)next_random(state);
	} else if (form < 82) {
		buf[at++] = 0x0f;
		buf[at++] = 0x3a;
		buf[at++] = (uint8_t)next_random(state);
	} else if (form < 84) {
		/* 3DNow: the suffix is somewhere in the random tail. */
		buf[at++] = 0x0f;
		buf[at++] = 0x0f;
	} else if (form < 87) {
		buf[at++] = 0xc5;
		buf[at++] = (uint8_t)(next_random(state) | (below(state, 4) ? 0x80 : 0));
		buf[at++] = (uint8_t)next_random(state);
	} else if (form < 91) {
		buf[at++] = 0xc4;
		buf[at++] = (uint8_t)((next_random(state) & 0xe0) |
				      (below(state, 8) ? 1 + below(state, 3) : below(state, 32)));
		buf[at++] = (uint8_t)next_random(state);
		buf[at++] = (uint8_t)next_random(state);
	} else if (form < 96) {
		static const uint8_t evex_maps[] = { 1, 2, 3, 5, 6 };
		uint8_t p0 = (uint8_t)next_random(state), p1 = (uint8_t)next_random(state);

		buf[at++] = 0x62;
		if (below(state, 8))
			p0 = (uint8_t)((p0 & 0xf0) | evex_maps[below(state, sizeof(evex_maps))]);
		if (below(state, 8))
			p1 |= 0x04;
		buf[at++] = p0;
		buf[at++] = p1;
		buf[at++] = (uint8_t)next_random(state);
		buf[at++] = (uint8_t)next_random(state);
	} else {
		buf[at++] = 0x8f;
		buf[at++] = (uint8_t)((next_random(state) & 0xe0) |
				      (below(state, 8) ? 8 + below(state, 3) : below(state, 32)));
		buf[at++] = (uint8_t)next_random(state);
		buf[at++] = (uint8_t)next_random(state);
	}
	if (at < MAX_LEN) {
		uint8_t modrm = buf[at];

		/* Mostly a memory operand. */
		if (below(state, 4) != 0 && (modrm >> 6) == 3)
			modrm &= 0x3f | (uint8_t)(below(state, 3) << 6);
		if (form_reg < 8)
			modrm = (uint8_t)((modrm & 0xc7) | form_reg << 3);
		buf[at++] = modrm;
	}
	/* SIB and what follows: now and then the bytes displacements and
	 * immediates are most often wrong on. */
	for (size_t i = at; i < MAX_LEN; i++)
		if (below(state, 4) == 0)
			buf[i] = interesting_byte(state);
	return MAX_LEN;
}

void diff_random(struct diff_run *run)
{
	uint64_t state = run->options.seed;
	uint8_t buf[MAX_LEN];
	double start = diff_now();
	uint64_t i;

	for (i = 0; i < run->options.random_count; i++) {
		unsigned mode = random_mode(run, &state);
		enum diff_source source;
		size_t len;

		if (i % 2 == 0) {
			random_bytes(&state, buf, MAX_LEN);
			len = MAX_LEN;
			source = SOURCE_RANDOM_RAW;
		} else {
			len = structured_input(&state, mode, buf);
			source = SOURCE_RANDOM_STRUCTURED;
		}
		if (!diff_check(run, source, buf, len, mode)) {
			i++;
			break;
		}
	}
	diff_print_phase("random: raw and structured", i, diff_now() - start, run->out_of_time);
}
