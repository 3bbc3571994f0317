/* SPDX-License-Identifier: MIT */
/*
 * Judging one input as each vendor, and the report: disagreements by kind,
 * grouped by vendor and where in the opcode space they are, with examples;
 * then the totals, for each vendor.
 */
#include "diff.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"

#define JSON_CAP 1024
#define GROUP_CAPACITY (1u << 17)

double diff_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool diff_run_init(struct diff_run *run, const struct diff_options *options)
{
	memset(run, 0, sizeof(*run));
	run->options = *options;
	run->decode = mmiodec_decode_vendor;
	if (run->options.prefix_every == 0)
		run->options.prefix_every = 1;
	if ((run->options.vendors & VENDORS_ALL) == 0)
		run->options.vendors = VENDORS_ALL;
	for (unsigned i = 0; i < MODE_COUNT; i++)
		if (!zydis_vendors_init(&run->oracles[i], mode_of_index(i)))
			return false;
	run->group_capacity = GROUP_CAPACITY;
	run->groups = calloc(run->group_capacity, sizeof(*run->groups));
	if (!run->groups)
		return false;
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		run->examples[k] = calloc(options->examples ? options->examples : 1,
					  sizeof(*run->examples[k]));
		if (!run->examples[k])
			return false;
	}
	run->start = diff_now();
	run->deadline = options->seconds > 0 ? run->start + options->seconds : 0;
	return true;
}

void diff_run_free(struct diff_run *run)
{
	free(run->groups);
	for (unsigned k = 0; k < KIND_COUNT; k++)
		free(run->examples[k]);
}

const char *diff_vendor_name(unsigned vendor)
{
	const char *name = mmiodec_vendor_name((enum mmiodec_vendor)vendor);

	return name ? name : "?";
}

static const char *const kind_names[KIND_COUNT] = {
	[KIND_VALIDITY] = "validity",
	[KIND_TRUNCATED_VS_INVALID] = "truncated-vs-invalid",
	[KIND_LENGTH] = "length",
	[KIND_CLASS] = "class",
	[KIND_FIELDS] = "fields",
	[KIND_VENDOR] = "vendor",
	[KIND_CONSISTENCY] = "consistency",
	[KIND_TRUNCATION] = "truncation",
	[KIND_ZYDIS_PREFIX] = "zydis-prefix",
};

static const char *const kind_meanings[KIND_COUNT] = {
	[KIND_VALIDITY] = "one decoder accepts the bytes, the other rejects them",
	[KIND_TRUNCATED_VS_INVALID] = "both reject the bytes, one as truncated, the other as invalid",
	[KIND_LENGTH] = "both decode the bytes, to different lengths",
	[KIND_CLASS] = "same length, but ok / no-memory / unsupported differ",
	[KIND_FIELDS] = "a supported form whose JSON lines differ",
	[KIND_VENDOR] = ("the vendor or vendor_dependent field, or a vendor-dependent status, "
			 "is not what the two corrected Zydis answers say"),
	[KIND_CONSISTENCY] = ("mmiodec's answers as INTEL, AMD and ANY do not fit together "
			      "(vendor fields, vendor_dependent, or ANY against its definition)"),
	[KIND_TRUNCATION] = ("a prefix of a valid instruction is not truncated in mmiodec, or "
			     "the exact instruction bytes decode otherwise than a longer buffer "
			     "(groups: Zydis on the whole instruction, mmiodec on the shorter bytes)"),
	[KIND_ZYDIS_PREFIX] = ("a prefix of a valid instruction is not NO_MORE_DATA in Zydis "
			       "(a note on the oracle)"),
};

const char *diff_kind_name(enum diff_kind kind)
{
	return kind < KIND_COUNT ? kind_names[kind] : "none";
}

bool diff_kind_fails(const struct diff_run *run, enum diff_kind kind)
{
	switch (kind) {
	case KIND_TRUNCATED_VS_INVALID:
		return run->options.strict_truncation;
	case KIND_ZYDIS_PREFIX:
	case KIND_NONE:
		return false;
	default:
		return true;
	}
}

/* Whether the VEX-family validity disagreements stay within the 0.1% the
 * project allows (README: "Agreement with Zydis 4"). */
static bool vex_family_tolerated(const struct diff_run *run, enum diff_kind k)
{
	if (k != KIND_VALIDITY && k != KIND_TRUNCATION)
		return false;
	uint64_t compared = 0, other = 0;
	for (unsigned v = 0; v < VENDOR_COUNT; v++)
		for (unsigned m = 0; m < MODE_COUNT; m++)
			for (unsigned c = CATEGORY_VEX; c <= CATEGORY_XOP; c++)
				compared += run->by_category[v][m][c].compared;
	other = run->kind_count[KIND_VALIDITY] + run->kind_count[KIND_TRUNCATION] -
		run->vex_family_validity;
	if (other)
		return false;
	return run->vex_family_validity * 1000 <= compared;
}

unsigned diff_forms_missing(const struct diff_run *run)
{
	unsigned missing = 0, forms = zydis_form_count();

	for (unsigned v = 0; v < VENDOR_COUNT; v++)
		for (unsigned m = 0; m < MODE_COUNT; m++)
			for (unsigned f = 0; f < forms && f < DIFF_FORM_MAX; f++)
				missing += (run->options.vendors & VENDOR_BIT(v)) &&
					   run->options.modes[m] &&
					   zydis_form_exists(f, mode_of_index(m)) &&
					   run->form_ok[v][m][f] == 0;
	return missing;
}

bool diff_run_failed(const struct diff_run *run)
{
	if (run->shortcut_wrong)
		return true;
	if (run->forms_required && diff_forms_missing(run))
		return true;
	for (unsigned k = 0; k < KIND_COUNT; k++)
		if (run->kind_count[k] && diff_kind_fails(run, (enum diff_kind)k) &&
		    !vex_family_tolerated(run, (enum diff_kind)k))
			return true;
	return false;
}

/* ---- Which field of the JSON line differs ---- */

#define FIELD_UNKNOWN 255
#define FIELD_MEMORY_FIRST 32 /* + element * MEMORY_STRIDE + subfield */
#define MEMORY_STRIDE 16

/* The keys of the JSON line, in order, then the descriptor fields it does
 * not show (compared as fields, see compare_hidden_fields()). */
static const char *const top_fields[] = {
	"bytes", "mode", "vendor", "status", "vendor_dependent", "length", "mnemonic",
	"direction", "width", "extend", "register", "immediate", "rep", "locked", "memory",
	"dest_width", "operand_size", "address_size", "repeat", "condition", "reg_first",
	"descriptor mode", "reserved", "descriptor", "mask", "zeroing", "reg2",
};
#define FIELD_VENDOR 2
#define FIELD_STATUS 3
#define FIELD_VENDOR_DEPENDENT 4
#define FIELD_MEMORY 14
#define FIELD_DEST_WIDTH 15
#define FIELD_OPERAND_SIZE 16
#define FIELD_ADDRESS_SIZE 17
#define FIELD_REPEAT 18
#define FIELD_CONDITION 19
#define FIELD_REG_FIRST 20
#define FIELD_DESCRIPTOR_MODE 21
#define FIELD_RESERVED 22
#define FIELD_DESCRIPTOR 23
#define FIELD_MASK 24
#define FIELD_ZEROING 25
#define FIELD_REG2 26

static const char *const memory_fields[] = {
	"segment", "base", "index", "scale", "displacement", "address_size", "access",
	"align", "element",
};
#define MEMORY_ALIGN 7
#define MEMORY_ELEMENT 8

static uint8_t field_id(bool in_memory, int element, const char *key)
{
	if (!in_memory) {
		for (unsigned i = 0; i < sizeof(top_fields) / sizeof(top_fields[0]); i++)
			if (strcmp(key, top_fields[i]) == 0)
				return (uint8_t)i;
		return FIELD_UNKNOWN;
	}
	if (element < 0 || element > 1)
		return FIELD_MEMORY;
	for (unsigned i = 0; i < sizeof(memory_fields) / sizeof(memory_fields[0]); i++)
		if (strcmp(key, memory_fields[i]) == 0)
			return (uint8_t)(FIELD_MEMORY_FIRST + element * MEMORY_STRIDE + i);
	return FIELD_MEMORY;
}

void diff_field_name(uint8_t field, char *out, size_t cap)
{
	unsigned sub = (field - FIELD_MEMORY_FIRST) % MEMORY_STRIDE;

	if (field < sizeof(top_fields) / sizeof(top_fields[0]))
		snprintf(out, cap, "%s", top_fields[field]);
	else if (field >= FIELD_MEMORY_FIRST && field < FIELD_MEMORY_FIRST + 2 * MEMORY_STRIDE &&
		 sub < sizeof(memory_fields) / sizeof(memory_fields[0]))
		snprintf(out, cap, "memory[%u].%s", (field - FIELD_MEMORY_FIRST) / MEMORY_STRIDE,
			 memory_fields[sub]);
	else
		snprintf(out, cap, "?");
}

/*
 * The field in which two JSON lines of the CLI's format first differ:
 * walk the expected line up to the first differing character, keeping the
 * current key and whether we are inside its value. A difference between
 * values is that key's; one between memory elements (a missing or extra
 * operand) is "memory".
 */
uint8_t diff_first_differing_field(const char *expected, const char *actual)
{
	size_t at = 0;
	char key[32] = "";
	bool in_value = false, in_memory = false;
	int element = -1;

	while (expected[at] && expected[at] == actual[at])
		at++;
	for (size_t i = 0; i < at; i++) {
		switch (expected[i]) {
		case '"': {
			const char *close = strchr(expected + i + 1, '"');
			size_t end = close ? (size_t)(close - expected) : strlen(expected);

			if (end >= at) {
				/* The difference is inside this string. */
				if (in_value)
					return field_id(in_memory, element, key);
				return FIELD_UNKNOWN;
			}
			if (!in_value) {
				size_t n = end - i - 1;

				if (n >= sizeof(key))
					n = sizeof(key) - 1;
				memcpy(key, expected + i + 1, n);
				key[n] = '\0';
			}
			i = end;
			break;
		}
		case ':':
			in_value = true;
			break;
		case ',':
		case '}':
			in_value = false;
			break;
		case '[':
			in_memory = true;
			in_value = false;
			element = -1;
			break;
		case '{':
			if (in_memory)
				element++;
			in_value = false;
			break;
		case ']':
			in_memory = false;
			break;
		default:
			break;
		}
	}
	if (in_value)
		return field_id(in_memory, element, key);
	return in_memory ? FIELD_MEMORY : FIELD_UNKNOWN;
}

/* ---- Judging ---- */

static bool is_valid(uint8_t status)
{
	return status == MMIODEC_OK || status == MMIODEC_NO_MEMORY || status == MMIODEC_UNSUPPORTED;
}

/* Zydis's error as a byte: 0 for success, else its code + 1. */
static uint8_t zydis_error_detail(ZyanStatus status)
{
	if (ZYAN_SUCCESS(status))
		return 0;
	return (uint8_t)((ZYAN_STATUS_CODE(status) & 0x7f) + 1);
}

static const char *zydis_error_name(uint8_t detail)
{
	if (detail == 0)
		return "";
	return zydis_status_name(ZYAN_MAKE_STATUS(1u, ZYAN_MODULE_ZYDIS, (ZyanU32)detail - 1));
}

/* The bytes both JSON lines show: the instruction when Zydis decodes
 * one, else everything given. */
static size_t shown_length(const struct zydis_answer *zydis, size_t len)
{
	return is_valid(zydis->status) ? zydis->length : len;
}

/* The vendor fields of a descriptor, as a JSON line shows them. */
static bool is_dependent(uint8_t flag)
{
	return flag != 0;
}

/* Whether an OK input's JSON lines are compared although the descriptors
 * agree: one in JSON_SAMPLE, by a hash of the bytes (the same input is
 * always treated alike). */
#define JSON_SAMPLE 16u

static bool json_sampled(const uint8_t *bytes, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ bytes[i]) * 16777619u;
	return (h >> 7) % JSON_SAMPLE == 0;
}

static bool all_zero(const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bytes[i])
			return false;
	return true;
}

/*
 * The descriptor fields of a supported form that the JSON line does not
 * show, against what Zydis's answer says they are (zydis_expected_fields());
 * and what must be zero (reserved bytes, the unused second memory
 * operand). The first that differs, or FIELD_UNKNOWN.
 */
static uint8_t compare_hidden_fields(const struct zydis_answer *zydis,
				     const struct mmiodec_insn *insn, unsigned mode)
{
	struct zydis_fields want;
	struct mmiodec_insn whole;

	zydis_expected_fields(zydis, mode, &want);
	zydis_expected_descriptor(zydis, mode, &whole);
	if (insn->dest_width != want.dest_width)
		return FIELD_DEST_WIDTH;
	if (insn->operand_size != want.operand_size)
		return FIELD_OPERAND_SIZE;
	if (insn->address_size != want.address_size)
		return FIELD_ADDRESS_SIZE;
	if (insn->repeat != want.repeat)
		return FIELD_REPEAT;
	if (insn->condition != want.condition)
		return FIELD_CONDITION;
	if (insn->reg_first != want.reg_first)
		return FIELD_REG_FIRST;
	if (insn->locked != want.locked)
		return FIELD_MEMORY - 1; /* "locked": the JSON shows it too */
	if (insn->mode != mode)
		return FIELD_DESCRIPTOR_MODE;
	/* The vector fields (the JSON line shows reg2 only as Zydis's second
	 * vector register: compared here as the descriptor has it). */
	if (insn->mask != whole.mask)
		return FIELD_MASK;
	if (insn->zeroing != whole.zeroing)
		return FIELD_ZEROING;
	if (insn->reg2 != whole.reg2)
		return FIELD_REG2;
	for (unsigned m = 0; m < 2; m++) {
		if (insn->mem[m].align != whole.mem[m].align)
			return (uint8_t)(FIELD_MEMORY_FIRST + m * MEMORY_STRIDE + MEMORY_ALIGN);
		if (insn->mem[m].element != whole.mem[m].element)
			return (uint8_t)(FIELD_MEMORY_FIRST + m * MEMORY_STRIDE + MEMORY_ELEMENT);
	}
	if (insn->mem_count < 2 && !all_zero((const uint8_t *)&insn->mem[1], sizeof(insn->mem[1])))
		return FIELD_RESERVED;
	return FIELD_UNKNOWN;
}

/* Everything but the vendor fields. */
static struct diff_verdict compare_answers(const struct zydis_answer *zydis,
					   const struct mmiodec_insn *insn, const uint8_t *bytes,
					   size_t len, unsigned mode)
{
	struct diff_verdict verdict = { KIND_NONE, 0 };
	bool zydis_valid = is_valid(zydis->status);
	bool rejected = insn->status == MMIODEC_INVALID || insn->status == MMIODEC_TRUNCATED;
	bool zydis_dependent = zydis->status == MMIODEC_VENDOR_DEPENDENT;

	if (zydis_dependent != (insn->status == MMIODEC_VENDOR_DEPENDENT)) {
		/* Only ANY can answer VENDOR_DEPENDENT, and only where the
		 * vendors differ. */
		verdict.kind = KIND_VENDOR;
		verdict.detail = FIELD_STATUS;
	} else if (zydis_dependent) {
		if (insn->length != zydis->length) {
			verdict.kind = KIND_LENGTH;
			verdict.detail = (uint8_t)(zydis->length << 4 |
						   (insn->length > 15 ? 0 : insn->length));
		}
	} else if (zydis_valid ? !is_valid(insn->status) : !rejected) {
		verdict.kind = KIND_VALIDITY;
		verdict.detail = zydis_error_detail(zydis->zydis_status);
	} else if (!zydis_valid) {
		if (insn->status != zydis->status) {
			verdict.kind = KIND_TRUNCATED_VS_INVALID;
			verdict.detail = zydis_error_detail(zydis->zydis_status);
		}
	} else if (insn->length != zydis->length) {
		verdict.kind = KIND_LENGTH;
		verdict.detail = (uint8_t)(zydis->length << 4 | (insn->length > 15 ? 0 : insn->length));
	} else if (insn->status != zydis->status) {
		verdict.kind = KIND_CLASS;
	} else if (zydis->status == MMIODEC_OK) {
		/* The access fields only: the vendor fields are judged
		 * below, as their own kind. */
		struct mmiodec_insn same_vendor = *insn, want;
		char expected[JSON_CAP], actual[JSON_CAP];
		size_t shown = shown_length(zydis, len);

		same_vendor.vendor = zydis->vendor;
		same_vendor.vendor_dependent = zydis->vendor_dependent;
		/* The descriptors first; the JSON lines (also a check of the
		 * CLI's formatter and the library's names) where they differ,
		 * to name the field, and on one input in JSON_SAMPLE. */
		zydis_expected_descriptor(zydis, mode, &want);
		if (memcmp(&want, &same_vendor, sizeof(want)) == 0 && !json_sampled(bytes, shown))
			return verdict;
		zydis_json_format(expected, sizeof(expected), bytes, shown, mode, zydis);
		mmiodec_json_format(actual, sizeof(actual), bytes, shown, mode, &same_vendor);
		if (strcmp(expected, actual) != 0) {
			verdict.kind = KIND_FIELDS;
			verdict.detail = diff_first_differing_field(expected, actual);
		} else {
			uint8_t field = compare_hidden_fields(zydis, insn, mode);

			/* Equal lines and fields but unequal descriptors:
			 * a field neither shows (op, reg_kind...). */
			if (field == FIELD_UNKNOWN && memcmp(&want, &same_vendor, sizeof(want)) != 0)
				field = FIELD_DESCRIPTOR;
			if (field != FIELD_UNKNOWN)
				verdict = (struct diff_verdict){ KIND_FIELDS, field };
		}
	}
	return verdict;
}

static struct diff_verdict compare_vendor_fields(const struct zydis_answer *zydis,
						 const struct mmiodec_insn *insn)
{
	struct diff_verdict verdict = { KIND_NONE, 0 };

	if (insn->vendor != zydis->vendor) {
		verdict.kind = KIND_VENDOR;
		verdict.detail = FIELD_VENDOR;
	} else if (zydis->vendor_dependent_known &&
		   is_dependent(insn->vendor_dependent) != zydis->vendor_dependent) {
		verdict.kind = KIND_VENDOR;
		verdict.detail = FIELD_VENDOR_DEPENDENT;
	}
	return verdict;
}

struct diff_verdict diff_compare(const struct zydis_answer *zydis,
				 const struct mmiodec_insn *insn, const uint8_t *bytes,
				 size_t len, unsigned mode)
{
	struct diff_verdict verdict = compare_answers(zydis, insn, bytes, len, mode);

	return verdict.kind != KIND_NONE ? verdict : compare_vendor_fields(zydis, insn);
}

bool diff_same_but_vendor(const struct mmiodec_insn *a, const struct mmiodec_insn *b)
{
	/* One copy, with b's vendor fields (called for every input). */
	struct mmiodec_insn x = *a;

	x.vendor = b->vendor;
	x.vendor_dependent = b->vendor_dependent;
	return memcmp(&x, b, sizeof(x)) == 0;
}

/*
 * The definition of the ANY answer (include/mmiodec.h): where the INTEL
 * and AMD descriptors agree, theirs with vendor ANY; elsewhere TRUNCATED
 * (only status set) when either of them is TRUNCATED, else
 * VENDOR_DEPENDENT, vendor_dependent set, and length and mode only when
 * both give the same non-zero length (INVALID has none), every other
 * field zero.
 */
struct mmiodec_insn diff_any_expected(const struct mmiodec_insn *intel,
				      const struct mmiodec_insn *amd, unsigned mode)
{
	struct mmiodec_insn any;

	if (diff_same_but_vendor(intel, amd)) {
		any = *intel;
		any.vendor = MMIODEC_VENDOR_ANY;
		any.vendor_dependent = 0;
		return any;
	}
	memset(&any, 0, sizeof(any));
	any.vendor = MMIODEC_VENDOR_ANY;
	if (intel->status == MMIODEC_TRUNCATED || amd->status == MMIODEC_TRUNCATED) {
		any.status = MMIODEC_TRUNCATED;
		return any;
	}
	any.status = MMIODEC_VENDOR_DEPENDENT;
	any.vendor_dependent = 1;
	if (intel->length == amd->length && intel->length != 0) {
		any.length = intel->length;
		any.mode = (uint8_t)mode;
	}
	return any;
}

struct diff_verdict diff_consistency(const struct mmiodec_insn insn[VENDOR_COUNT], unsigned mode)
{
	const struct mmiodec_insn *intel = &insn[MMIODEC_VENDOR_INTEL];
	const struct mmiodec_insn *amd = &insn[MMIODEC_VENDOR_AMD];
	bool differ = !diff_same_but_vendor(intel, amd);
	struct mmiodec_insn expected = diff_any_expected(intel, amd, mode);
	uint8_t found = CONSISTENCY_OK;

	if (insn[MMIODEC_VENDOR_ANY].vendor != MMIODEC_VENDOR_ANY)
		found = CONSISTENCY_VENDOR_ANY;
	else if (intel->vendor != MMIODEC_VENDOR_INTEL)
		found = CONSISTENCY_VENDOR_INTEL;
	else if (amd->vendor != MMIODEC_VENDOR_AMD)
		found = CONSISTENCY_VENDOR_AMD;
	else if (is_dependent(intel->vendor_dependent) != differ)
		found = CONSISTENCY_DEPENDENT_INTEL;
	else if (is_dependent(amd->vendor_dependent) != differ)
		found = CONSISTENCY_DEPENDENT_AMD;
	else if (memcmp(&expected, &insn[MMIODEC_VENDOR_ANY], sizeof(expected)) != 0)
		found = CONSISTENCY_ANY_DEFINITION;
	return (struct diff_verdict){ found ? KIND_CONSISTENCY : KIND_NONE, found };
}

/*
 * Truncated-vs-invalid is informational; so is what follows from it
 * alone. Where mmiodec calls bytes truncated that Zydis calls invalid for
 * one vendor (or the reverse), whether the vendors differ, and so the
 * vendor fields and ANY's status, can differ too. Such a vendor verdict is
 * judged again against Zydis's answers with that rejection taken as
 * mmiodec's; if it then agrees, it is truncated-vs-invalid.
 */
static void forgive_truncation(struct diff_judgement *j, unsigned vendors, const uint8_t *bytes,
			       size_t len, unsigned mode)
{
	struct zydis_answer alt[VENDOR_COUNT];
	bool any_rejection = false, any_vendor = false;

	for (unsigned v = MMIODEC_VENDOR_INTEL; v <= MMIODEC_VENDOR_AMD; v++)
		any_rejection = any_rejection || j->verdict[v].kind == KIND_TRUNCATED_VS_INVALID ||
				(!(vendors & VENDOR_BIT(v)) &&
				 compare_answers(&j->zydis[v], &j->insn[v], bytes, len, mode).kind ==
					 KIND_TRUNCATED_VS_INVALID);
	for (unsigned v = 0; v < VENDOR_COUNT; v++)
		any_vendor = any_vendor || j->verdict[v].kind == KIND_VENDOR;
	if (!any_rejection || !any_vendor)
		return;
	memcpy(alt, j->zydis, sizeof(alt));
	for (unsigned v = MMIODEC_VENDOR_INTEL; v <= MMIODEC_VENDOR_AMD; v++)
		if (compare_answers(&alt[v], &j->insn[v], bytes, len, mode).kind ==
		    KIND_TRUNCATED_VS_INVALID)
			alt[v].status = (enum mmiodec_status)j->insn[v].status;
	zydis_vendors_combine(alt, false);
	for (unsigned v = 0; v < VENDOR_COUNT; v++)
		if (j->verdict[v].kind == KIND_VENDOR &&
		    diff_compare(&alt[v], &j->insn[v], bytes, len, mode).kind == KIND_NONE)
			j->verdict[v] = (struct diff_verdict){
				KIND_TRUNCATED_VS_INVALID, zydis_error_detail(j->zydis[v].zydis_status)
			};
}

void diff_judge(const struct zydis_vendors *oracles, diff_decode_fn decode, unsigned vendors,
		unsigned zydis_flags, const uint8_t *bytes, size_t len, unsigned mode,
		struct diff_judgement *j)
{
	bool intel = vendors & (VENDOR_BIT(MMIODEC_VENDOR_INTEL) | VENDOR_BIT(MMIODEC_VENDOR_ANY));
	bool amd = vendors & (VENDOR_BIT(MMIODEC_VENDOR_AMD) | VENDOR_BIT(MMIODEC_VENDOR_ANY));

	struct diff_verdict intel_verdict = { KIND_NONE, 0 };

	j->both_vendors = intel && amd;
	j->shortcut_ok = zydis_vendors_decode(oracles, bytes, len, vendors, zydis_flags, j->zydis);
	for (unsigned v = 0; v < VENDOR_COUNT; v++)
		decode(&j->insn[v], bytes, len, (enum mmiodec_mode)mode, (enum mmiodec_vendor)v);
	if (intel)
		intel_verdict = compare_answers(&j->zydis[MMIODEC_VENDOR_INTEL],
						&j->insn[MMIODEC_VENDOR_INTEL], bytes, len, mode);
	for (unsigned v = 0; v < VENDOR_COUNT; v++) {
		const struct zydis_answer *zydis = &j->zydis[v];
		struct diff_verdict verdict = { KIND_NONE, 0 };

		if (!(vendors & VENDOR_BIT(v))) {
			j->verdict[v] = verdict;
			continue;
		}
		/* Where Zydis answers alike for both vendors and mmiodec's
		 * answer is its Intel one but for the vendor fields, the
		 * comparison is Intel's (for speed: most inputs). */
		if (v == MMIODEC_VENDOR_INTEL ||
		    (j->both_vendors && !zydis->vendor_dependent &&
		     zydis->zydis_status == j->zydis[MMIODEC_VENDOR_INTEL].zydis_status &&
		     diff_same_but_vendor(&j->insn[v], &j->insn[MMIODEC_VENDOR_INTEL])))
			verdict = intel_verdict;
		else
			verdict = compare_answers(zydis, &j->insn[v], bytes, len, mode);
		j->verdict[v] = verdict.kind != KIND_NONE ? verdict
							  : compare_vendor_fields(zydis, &j->insn[v]);
	}
	if (j->both_vendors)
		forgive_truncation(j, vendors, bytes, len, mode);
	j->consistency = diff_consistency(j->insn, mode);
}

/* ---- Where an input is in the opcode space ---- */

struct location {
	uint8_t category;
	uint8_t map;     /* ZydisOpcodeMap; MAP_UNKNOWN when not one */
	uint8_t opcode;
};
#define MAP_UNKNOWN 15

static uint8_t byte_at(const uint8_t *bytes, size_t len, size_t i)
{
	return i < len ? bytes[i] : 0;
}

/* For bytes Zydis rejects, a rough guess from the leading bytes (prefixes,
 * escape, VEX/EVEX/XOP lead byte), only to label the totals and groups. */
static struct location guess_location(const uint8_t *bytes, size_t len, unsigned mode)
{
	struct location where = { CATEGORY_LEGACY, ZYDIS_OPCODE_MAP_DEFAULT, 0 };
	size_t i = zydis_opcode_start(bytes, len, mode);
	uint8_t lead, next;
	bool escape_ok;

	lead = byte_at(bytes, len, i);
	next = byte_at(bytes, len, i + 1);
	/* Outside 64-bit mode C4, C5 and 62 are LES, LDS and BOUND unless
	 * the next byte has its top two bits set. */
	escape_ok = mode == 64 || (next & 0xc0) == 0xc0;
	if (lead == 0x0f) {
		uint8_t third = byte_at(bytes, len, i + 2);

		if (next == 0x38) {
			where = (struct location){ CATEGORY_0F38, ZYDIS_OPCODE_MAP_0F38, third };
		} else if (next == 0x3a) {
			where = (struct location){ CATEGORY_0F3A, ZYDIS_OPCODE_MAP_0F3A, third };
		} else if (next == 0x0f) {
			where = (struct location){ CATEGORY_3DNOW, ZYDIS_OPCODE_MAP_0F0F, 0x0f };
		} else {
			where = (struct location){ CATEGORY_0F, ZYDIS_OPCODE_MAP_0F, next };
		}
	} else if (lead == 0xc5 && escape_ok) {
		where = (struct location){ CATEGORY_VEX, ZYDIS_OPCODE_MAP_0F, byte_at(bytes, len, i + 2) };
	} else if (lead == 0xc4 && escape_ok) {
		uint8_t map = next & 0x1f;

		where = (struct location){ CATEGORY_VEX, map >= 1 && map <= 3 ? map : MAP_UNKNOWN,
					   byte_at(bytes, len, i + 3) };
	} else if (lead == 0x62 && escape_ok) {
		uint8_t map = next & 0x07;

		where = (struct location){ CATEGORY_EVEX, map ? map : MAP_UNKNOWN,
					   byte_at(bytes, len, i + 4) };
	} else if (lead == 0x8f && (next & 0x1f) >= 8) {
		uint8_t map = next & 0x1f;

		where = (struct location){ CATEGORY_XOP,
					   map <= 10 ? (uint8_t)(ZYDIS_OPCODE_MAP_XOP8 + map - 8) : MAP_UNKNOWN,
					   byte_at(bytes, len, i + 3) };
	} else {
		where.opcode = lead;
	}
	return where;
}

static struct location locate(const struct zydis_answer *zydis, const uint8_t *bytes,
			      size_t len, unsigned mode)
{
	struct location where;

	if (!ZYAN_SUCCESS(zydis->zydis_status))
		return guess_location(bytes, len, mode);
	where.map = (uint8_t)zydis->insn.opcode_map;
	where.opcode = zydis->insn.opcode;
	switch (zydis->insn.encoding) {
	case ZYDIS_INSTRUCTION_ENCODING_3DNOW:
		where.category = CATEGORY_3DNOW;
		break;
	case ZYDIS_INSTRUCTION_ENCODING_VEX:
		where.category = CATEGORY_VEX;
		break;
	case ZYDIS_INSTRUCTION_ENCODING_EVEX:
	case ZYDIS_INSTRUCTION_ENCODING_MVEX:
		where.category = CATEGORY_EVEX;
		break;
	case ZYDIS_INSTRUCTION_ENCODING_XOP:
		where.category = CATEGORY_XOP;
		break;
	default:
		switch (zydis->insn.opcode_map) {
		case ZYDIS_OPCODE_MAP_0F: where.category = CATEGORY_0F; break;
		case ZYDIS_OPCODE_MAP_0F38: where.category = CATEGORY_0F38; break;
		case ZYDIS_OPCODE_MAP_0F3A: where.category = CATEGORY_0F3A; break;
		default: where.category = CATEGORY_LEGACY; break;
		}
	}
	return where;
}

static const char *const category_names[CATEGORY_COUNT] = {
	[CATEGORY_LEGACY] = "legacy",
	[CATEGORY_0F] = "0F",
	[CATEGORY_0F38] = "0F38",
	[CATEGORY_0F3A] = "0F3A",
	[CATEGORY_VEX] = "VEX",
	[CATEGORY_EVEX] = "EVEX",
	[CATEGORY_XOP] = "XOP",
	[CATEGORY_3DNOW] = "3DNow",
};

static const char *map_name(uint8_t map)
{
	static const char *const names[] = {
		"map0", "0F", "0F38", "0F3A", "map4", "map5", "map6", "map7",
		"0F0F", "xop8", "xop9", "xopA",
	};

	return map < sizeof(names) / sizeof(names[0]) ? names[map] : "?";
}

static void location_name(uint8_t category, uint8_t map, char *out, size_t cap)
{
	if (category == CATEGORY_VEX || category == CATEGORY_EVEX || category == CATEGORY_XOP)
		snprintf(out, cap, "%s.%s", category_names[category], map_name(map));
	else
		snprintf(out, cap, "%s", category_names[category]);
}

/* ---- Recording ---- */

/* A group: kind, vendor, mode, location, Zydis mnemonic and status,
 * mmiodec status and the kind's detail, packed into one key. */
static uint64_t group_key(enum diff_kind kind, unsigned vendor, unsigned mode,
			  struct location where, const struct zydis_answer *zydis,
			  uint8_t mmiodec_status, uint8_t detail)
{
	uint64_t mnemonic = ZYAN_SUCCESS(zydis->zydis_status) ? (uint64_t)zydis->insn.mnemonic : 0;

	return (uint64_t)detail | (uint64_t)where.opcode << 8 | (uint64_t)(where.map & 15) << 16 |
	       (uint64_t)(where.category & 15) << 20 | (uint64_t)mode_index(mode) << 24 |
	       (uint64_t)(zydis->status & 7) << 26 | (uint64_t)(mmiodec_status > 6 ? 7 : mmiodec_status) << 29 |
	       (mnemonic & 0xffff) << 32 | (uint64_t)(kind + 1) << 48 | (uint64_t)(vendor & 3) << 52;
}

#define KEY_DETAIL(key) ((uint8_t)(key))
#define KEY_OPCODE(key) ((uint8_t)((key) >> 8))
#define KEY_MAP(key) ((uint8_t)(((key) >> 16) & 15))
#define KEY_CATEGORY(key) ((uint8_t)(((key) >> 20) & 15))
#define KEY_MODE(key) (mode_of_index((unsigned)((key) >> 24) & 3))
#define KEY_ZYDIS(key) ((uint8_t)(((key) >> 26) & 7))
#define KEY_MMIODEC(key) ((uint8_t)(((key) >> 29) & 7))
#define KEY_MNEMONIC(key) ((ZydisMnemonic)(((key) >> 32) & 0xffff))
#define KEY_KIND(key) ((enum diff_kind)((((key) >> 48) & 15) - 1))
#define KEY_VENDOR(key) ((unsigned)((key) >> 52) & 3)

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= UINT64_C(0x7fb5d329728ea185);
	x ^= x >> 27;
	x *= UINT64_C(0x81dadef4bc2dd44d);
	x ^= x >> 33;
	return x;
}

static struct diff_group *find_group(struct diff_run *run, uint64_t key)
{
	size_t mask = run->group_capacity - 1;

	for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
		struct diff_group *group = &run->groups[i];

		if (group->key == key)
			return group;
		if (group->key == 0) {
			/* Keep the table at most three quarters full. */
			if (run->group_used >= run->group_capacity / 4 * 3)
				return NULL;
			run->group_used++;
			group->key = key;
			return group;
		}
	}
}

static struct diff_example make_example(enum diff_source source, unsigned vendor,
					const uint8_t *bytes, size_t len, unsigned mode, size_t cut)
{
	struct diff_example example = { .len = (uint8_t)len, .cut = (uint8_t)cut,
					.mode = (uint8_t)mode, .source = (uint8_t)source,
					.vendor = (uint8_t)vendor };

	memcpy(example.bytes, bytes, len);
	return example;
}

bool diff_is_tolerated_vex_kind(const struct zydis_answer *zydis, const uint8_t *bytes,
				size_t len, unsigned mode, enum diff_kind kind)
{
	struct location where = locate(zydis, bytes, len, mode);
	return (kind == KIND_VALIDITY || kind == KIND_TRUNCATION) &&
	       where.category >= CATEGORY_VEX && where.category <= CATEGORY_XOP;
}

void diff_record(struct diff_run *run, enum diff_source source, unsigned vendor,
		 const uint8_t *bytes, size_t len, unsigned mode,
		 const struct zydis_answer *zydis, const struct mmiodec_insn *insn,
		 struct diff_verdict verdict, size_t cut)
{
	enum diff_kind kind = verdict.kind;
	struct location where = locate(zydis, bytes, len, mode);
	struct diff_group *group;

	if (kind >= KIND_COUNT)
		return;
	if (len > MMIODEC_MAX_LENGTH)
		len = MMIODEC_MAX_LENGTH;
	run->kind_count[kind]++;
	run->kind_by_vendor[kind][vendor % VENDOR_COUNT]++;
	if (diff_is_tolerated_vex_kind(zydis, bytes, len, mode, kind))
		run->vex_family_validity++;
	if (run->example_count[kind] < run->options.examples)
		run->examples[kind][run->example_count[kind]++] =
			make_example(source, vendor, bytes, len, mode, cut);
	group = find_group(run, group_key(kind, vendor, mode, where, zydis, insn->status,
					  verdict.detail));
	if (!group) {
		run->kind_untracked[kind]++;
		return;
	}
	if (group->count++ == 0)
		group->example = make_example(source, vendor, bytes, len, mode, cut);
}

/* `wanted` when the run judges it, else a vendor whose Zydis answer the
 * run has: Intel's (decoded for INTEL and for ANY), or else AMD's. */
static unsigned judged_vendor(unsigned vendors, unsigned wanted)
{
	if (vendors & VENDOR_BIT(wanted))
		return wanted;
	if (vendors & (VENDOR_BIT(MMIODEC_VENDOR_INTEL) | VENDOR_BIT(MMIODEC_VENDOR_ANY)))
		return MMIODEC_VENDOR_INTEL;
	return MMIODEC_VENDOR_AMD;
}

/* The flags for Zydis. */
static unsigned zydis_flags(const struct diff_run *run)
{
	return run->options.verify_shortcut ? ZYDIS_DECODE_VERIFY_SHORTCUT : 0;
}

static void judge(const struct diff_run *run, const uint8_t *bytes, size_t len, unsigned mode,
		  struct diff_judgement *j)
{
	diff_judge(&run->oracles[mode_index(mode)], run->decode, run->options.vendors,
		   zydis_flags(run), bytes, len, mode, j);
}

/*
 * Every prefix of a valid instruction must be truncated for mmiodec (and,
 * as a note on the oracle, for Zydis), as each vendor judged: AMD and
 * Intel may end the same bytes at different lengths. And the exact
 * instruction bytes must decode as the longer buffer did.
 */
static void check_prefixes(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
			   size_t len, unsigned mode, const struct diff_judgement *full)
{
	const struct zydis_vendors *oracles = &run->oracles[mode_index(mode)];
	bool mmiodec_reported[VENDOR_COUNT] = { false }, zydis_reported[VENDOR_COUNT] = { false };
	unsigned vendors = 0;
	size_t longest = 0;
	struct diff_judgement cut;

	for (unsigned v = 0; v < VENDOR_COUNT; v++) {
		if (!(run->options.vendors & VENDOR_BIT(v)) || !is_valid(full->zydis[v].status))
			continue;
		vendors |= VENDOR_BIT(v);
		if (full->zydis[v].length > longest)
			longest = full->zydis[v].length;
	}
	run->prefix_instructions++;
	for (size_t k = 1; k < longest; k++) {
		/* Zydis on the cut bytes, for the note on the oracle (ANY is
		 * built from the other two: nothing of its own to note). */
		zydis_vendors_decode(oracles, bytes, k, run->options.vendors, 0, cut.zydis);
		for (unsigned v = 0; v < VENDOR_COUNT; v++) {
			const struct zydis_answer *zydis = &full->zydis[v];

			if (!(vendors & VENDOR_BIT(v)) || k >= zydis->length)
				continue;
			run->prefix_decodes++;
			run->decode(&cut.insn[v], bytes, k, (enum mmiodec_mode)mode, (enum mmiodec_vendor)v);
			if (cut.insn[v].status != MMIODEC_TRUNCATED && !mmiodec_reported[v]) {
				diff_record(run, source, v, bytes, len, mode, zydis, &cut.insn[v],
					    (struct diff_verdict){ KIND_TRUNCATION, (uint8_t)k }, k);
				mmiodec_reported[v] = true;
			}
			if (v != MMIODEC_VENDOR_ANY && cut.zydis[v].status != MMIODEC_TRUNCATED &&
			    !zydis_reported[v]) {
				diff_record(run, source, v, bytes, len, mode, zydis, &cut.insn[v],
					    (struct diff_verdict){ KIND_ZYDIS_PREFIX, (uint8_t)k }, k);
				zydis_reported[v] = true;
			}
		}
	}
	for (unsigned v = 0; v < VENDOR_COUNT; v++) {
		const struct zydis_answer *zydis = &full->zydis[v];
		const struct mmiodec_insn *whole = &full->insn[v];
		struct mmiodec_insn exact;
		bool same;

		if (!(vendors & VENDOR_BIT(v)) || len <= zydis->length)
			continue;
		run->prefix_decodes++;
		run->decode(&exact, bytes, zydis->length, (enum mmiodec_mode)mode,
			    (enum mmiodec_vendor)v);
		/* The whole descriptor: the same instruction bytes must give
		 * the same answer, field by field. */
		same = memcmp(&exact, whole, sizeof(exact)) == 0;
		if (!same)
			diff_record(run, source, v, bytes, len, mode, zydis, &exact,
				    (struct diff_verdict){ KIND_TRUNCATION, 0 }, zydis->length);
	}
}

static void tally(struct diff_tally *tally, bool agreed)
{
	tally->compared++;
	tally->agreed += agreed;
}

bool diff_check(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
		size_t len, unsigned mode)
{
	size_t ignored;

	return diff_check_step(run, source, bytes, len, mode, &ignored);
}

bool diff_check_step(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
		     size_t len, unsigned mode, size_t *zydis_length)
{
	unsigned index = mode_index(mode);
	unsigned vendors = run->options.vendors;
	struct diff_judgement j;
	bool all_agreed = true, any_valid = false, have_category = false;
	uint8_t category = CATEGORY_LEGACY;

	judge(run, bytes, len, mode, &j);
	if (!j.shortcut_ok)
		run->shortcut_wrong++;
	*zydis_length = j.zydis[judged_vendor(vendors, MMIODEC_VENDOR_INTEL)].length;

	for (unsigned v = 0; v < VENDOR_COUNT; v++) {
		const struct zydis_answer *zydis = &j.zydis[v];
		bool agreed;

		if (!(vendors & VENDOR_BIT(v)))
			continue;
		agreed = !diff_kind_fails(run, j.verdict[v].kind);
		if (v == MMIODEC_VENDOR_ANY)
			agreed = agreed && j.consistency.kind == KIND_NONE;
		all_agreed = all_agreed && agreed;
		any_valid = any_valid || is_valid(zydis->status);
		/* ANY's instruction is Intel's; so is AMD's where they agree. */
		if (!have_category || !j.both_vendors ||
		    (v == MMIODEC_VENDOR_AMD && (zydis->vendor_dependent ||
						 zydis->zydis_status != j.zydis[MMIODEC_VENDOR_INTEL].zydis_status)))
			category = locate(zydis, bytes, len, mode).category;
		have_category = true;
		tally(&run->by_category[v][index][category], agreed);
		tally(&run->by_expected[v][zydis->status], agreed);
		if (j.verdict[v].kind != KIND_NONE)
			diff_record(run, source, v, bytes, len, mode, zydis, &j.insn[v], j.verdict[v], 0);
		if (zydis->form && zydis->form <= DIFF_FORM_MAX && zydis->status == MMIODEC_OK &&
		    j.insn[v].status == MMIODEC_OK)
			run->form_ok[v][index][zydis->form - 1]++;
		if (v != MMIODEC_VENDOR_ANY)
			for (unsigned c = 0; c < CORRECTION_COUNT; c++)
				if (zydis->corrections & (1u << c))
					run->corrections[v][c]++;
	}
	if (j.consistency.kind != KIND_NONE) {
		all_agreed = false;
		diff_record(run, source, MMIODEC_VENDOR_ANY, bytes, len, mode,
			    &j.zydis[judged_vendor(vendors, MMIODEC_VENDOR_ANY)],
			    &j.insn[MMIODEC_VENDOR_ANY], j.consistency, 0);
	}
	tally(&run->by_source[source], all_agreed);
	if (j.both_vendors) {
		run->both_vendors_judged++;
		if (j.zydis[MMIODEC_VENDOR_INTEL].vendor_dependent)
			run->vendor_dependent[index][locate(&j.zydis[MMIODEC_VENDOR_INTEL], bytes, len,
							    mode).category]++;
	}
	if (any_valid && run->valid_seen++ % run->options.prefix_every == 0)
		check_prefixes(run, source, bytes, len, mode, &j);

	if ((++run->calls & 1023) == 0 && run->deadline > 0 && diff_now() > run->deadline)
		run->out_of_time = true;
	return !run->out_of_time;
}

/* ---- The report ---- */

static const char *const source_names[SOURCE_COUNT] = {
	[SOURCE_EXHAUSTIVE] = "exhaustive",
	[SOURCE_RANDOM_RAW] = "random-raw",
	[SOURCE_RANDOM_STRUCTURED] = "random-structured",
	[SOURCE_SWEEP] = "sweep",
	[SOURCE_SELF_TEST] = "self-test",
	[SOURCE_COMMAND_LINE] = "--check",
};

static const char *status_name(uint8_t status)
{
	return mmiodec_status_name((enum mmiodec_status)status);
}

/* The bytes as one hex string, a space after the first `split`. */
static void hex(const uint8_t *bytes, size_t len, size_t split, char *out, size_t cap)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < len && at + 4 < cap; i++) {
		if (i == split && i > 0)
			out[at++] = ' ';
		at += (size_t)snprintf(out + at, cap - at, "%02x", bytes[i]);
	}
}

static const char *const consistency_names[CONSISTENCY_COUNT] = {
	[CONSISTENCY_OK] = "",
	[CONSISTENCY_VENDOR_ANY] = "ANY's vendor field",
	[CONSISTENCY_VENDOR_INTEL] = "INTEL's vendor field",
	[CONSISTENCY_VENDOR_AMD] = "AMD's vendor field",
	[CONSISTENCY_DEPENDENT_INTEL] = "INTEL's vendor_dependent",
	[CONSISTENCY_DEPENDENT_AMD] = "AMD's vendor_dependent",
	[CONSISTENCY_ANY_DEFINITION] = "ANY is not its definition",
};

void diff_detail_text(enum diff_kind kind, uint8_t detail, char *out, size_t cap)
{
	switch (kind) {
	case KIND_VALIDITY:
	case KIND_TRUNCATED_VS_INVALID:
		snprintf(out, cap, "%s", zydis_error_name(detail));
		break;
	case KIND_LENGTH:
		snprintf(out, cap, "zydis %u, mmiodec %u", detail >> 4, detail & 15);
		break;
	case KIND_FIELDS:
	case KIND_VENDOR:
		diff_field_name(detail, out, cap);
		break;
	case KIND_CONSISTENCY:
		snprintf(out, cap, "%s", detail < CONSISTENCY_COUNT ? consistency_names[detail] : "?");
		break;
	case KIND_TRUNCATION:
		if (detail == 0)
			snprintf(out, cap, "exact length");
		else
			snprintf(out, cap, "first %u bytes", detail);
		break;
	case KIND_ZYDIS_PREFIX:
		snprintf(out, cap, "first %u bytes", detail);
		break;
	default:
		out[0] = '\0';
	}
}

static void print_json_pair(FILE *out, const char *label, const char *json, const char *comment)
{
	fprintf(out, "      %-8s %s%s%s\n", label, json, comment[0] ? "   ; " : "", comment);
}

/* The vendor whose Zydis answer a disagreement of `vendor` is shown with:
 * that vendor when the run judged it (a consistency disagreement is
 * recorded under ANY, which a run may not judge). */
static unsigned shown_vendor(const struct diff_run *run, unsigned vendor)
{
	return judged_vendor(run->options.vendors, vendor);
}

/* What to say beside Zydis's line: the corrections applied, or its error. */
static void zydis_comment(const struct zydis_answer *zydis, char *out, size_t cap)
{
	size_t at = 0;

	out[0] = '\0';
	for (unsigned c = 0; c < CORRECTION_COUNT && at < cap; c++)
		if (zydis->corrections & (1u << c))
			at += (size_t)snprintf(out + at, cap - at, "%scorrected: %s", at ? "; " : "",
					       zydis_corrections[c].name);
	if (at < cap && !ZYAN_SUCCESS(zydis->zydis_status))
		snprintf(out + at, cap - at, "%s%s", at ? "; " : "",
			 zydis_status_name(zydis->zydis_status));
}

#define DESCRIPTOR_FIELD(name)                                                     \
	{ #name, offsetof(struct mmiodec_insn, name), sizeof(((struct mmiodec_insn *)0)->name) }

/* The first field in which two descriptors differ, by name; "" if none. */
static const char *first_differing_descriptor_field(const struct mmiodec_insn *a,
						    const struct mmiodec_insn *b)
{
	static const struct {
		const char *name;
		size_t offset, size;
	} fields[] = {
		DESCRIPTOR_FIELD(status), DESCRIPTOR_FIELD(length), DESCRIPTOR_FIELD(mode),
		DESCRIPTOR_FIELD(vendor), DESCRIPTOR_FIELD(vendor_dependent), DESCRIPTOR_FIELD(op),
		DESCRIPTOR_FIELD(direction), DESCRIPTOR_FIELD(width), DESCRIPTOR_FIELD(extend),
		DESCRIPTOR_FIELD(dest_width), DESCRIPTOR_FIELD(reg), DESCRIPTOR_FIELD(reg_kind),
		DESCRIPTOR_FIELD(has_immediate), DESCRIPTOR_FIELD(mem_count), DESCRIPTOR_FIELD(rep),
		DESCRIPTOR_FIELD(repeat), DESCRIPTOR_FIELD(operand_size),
		DESCRIPTOR_FIELD(address_size), DESCRIPTOR_FIELD(immediate), DESCRIPTOR_FIELD(mem),
		DESCRIPTOR_FIELD(mask), DESCRIPTOR_FIELD(zeroing), DESCRIPTOR_FIELD(reg2),
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (memcmp((const char *)a + fields[i].offset, (const char *)b + fields[i].offset,
			   fields[i].size) != 0)
			return fields[i].name;
	return memcmp(a, b, sizeof(*a)) != 0 ? "(padding)" : "";
}

/* mmiodec's three answers, and the ANY answer their definition gives. */
static void print_consistency(FILE *out, const struct diff_judgement *j, const uint8_t *bytes,
			      size_t len, unsigned mode)
{
	struct mmiodec_insn expected = diff_any_expected(&j->insn[MMIODEC_VENDOR_INTEL],
							 &j->insn[MMIODEC_VENDOR_AMD], mode);
	char line[JSON_CAP];
	static const unsigned order[] = { MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD,
					  MMIODEC_VENDOR_ANY };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		mmiodec_json_format(line, sizeof(line), bytes, len, mode, &j->insn[order[i]]);
		print_json_pair(out, diff_vendor_name(order[i]), line, "");
	}
	mmiodec_json_format(line, sizeof(line), bytes, len, mode, &expected);
	print_json_pair(out, "any, by definition", line, "");
	fprintf(out, "      descriptors: ANY's first field unlike the definition's: %s\n",
		first_differing_descriptor_field(&j->insn[MMIODEC_VENDOR_ANY], &expected));
}

static void print_example(FILE *out, const struct diff_run *run, enum diff_kind kind,
			  const struct diff_example *example, const ZydisFormatter *formatter)
{
	unsigned v = example->vendor % VENDOR_COUNT, zv = shown_vendor(run, v);
	struct diff_judgement j;
	const struct zydis_answer *zydis = &j.zydis[zv];
	char expected[JSON_CAP], actual[JSON_CAP], text[256] = "", bytes[64], comment[256];
	size_t len = example->len, shown;
	unsigned mode = example->mode;

	judge(run, example->bytes, len, mode, &j);
	/* Not for an answer a correction took from a probe (other bytes). */
	if (ZYAN_SUCCESS(zydis->zydis_status) &&
	    !(zydis->corrections & (1u << CORRECTION_LOCK_MOV_CR8 | 1u << CORRECTION_UD0_NO_MODRM)))
		ZydisFormatterFormatInstruction(formatter, &zydis->insn, zydis->operands,
						zydis->insn.operand_count_visible, text,
						sizeof(text), 0, NULL);
	hex(example->bytes, len, is_valid(zydis->status) ? zydis->length : 0, bytes, sizeof(bytes));
	fprintf(out, "    [%u-bit, %s, %s] %s%s%s\n", mode, diff_vendor_name(v),
		source_names[example->source], bytes, text[0] ? "   ; " : "", text);

	if (kind == KIND_CONSISTENCY) {
		print_consistency(out, &j, example->bytes, shown_length(zydis, len), mode);
		return;
	}
	if (kind == KIND_TRUNCATION || kind == KIND_ZYDIS_PREFIX) {
		size_t cut = example->cut, whole = zydis->length;
		struct mmiodec_insn full = j.insn[v];

		judge(run, example->bytes, cut, mode, &j);
		if (cut == whole && kind == KIND_TRUNCATION) {
			mmiodec_json_format(expected, sizeof(expected), example->bytes, cut, mode, &full);
			mmiodec_json_format(actual, sizeof(actual), example->bytes, cut, mode, &j.insn[v]);
			fprintf(out, "      mmiodec given all %zu bytes, then exactly the %zu of the instruction:\n",
				len, cut);
			print_json_pair(out, "all", expected, "");
			print_json_pair(out, "exact", actual, "");
			return;
		}
		fprintf(out, "      given only the first %zu bytes:\n", cut);
		len = cut;
	}
	shown = shown_length(zydis, len);
	zydis_json_format(expected, sizeof(expected), example->bytes, shown, mode, zydis);
	mmiodec_json_format(actual, sizeof(actual), example->bytes, shown, mode, &j.insn[v]);
	zydis_comment(zydis, comment, sizeof(comment));
	print_json_pair(out, "zydis", expected, comment);
	print_json_pair(out, "mmiodec", actual, "");
	if (kind == KIND_FIELDS || kind == KIND_VENDOR) {
		char field[32];
		/* Equal lines: a field the line does not show. */
		uint8_t id = strcmp(expected, actual) == 0 && j.verdict[v].kind == kind
				     ? j.verdict[v].detail
				     : diff_first_differing_field(expected, actual);

		diff_field_name(id, field, sizeof(field));
		fprintf(out, "      first difference: %s", field);
		if (strcmp(expected, actual) == 0 && id >= FIELD_DEST_WIDTH && id < FIELD_MEMORY_FIRST) {
			struct zydis_fields want;
			const struct mmiodec_insn *insn = &j.insn[v];

			zydis_expected_fields(zydis, mode, &want);
			fprintf(out, " (zydis: dest_width %u operand_size %u address_size %u repeat %u"
				" condition %u reg_first %u; mmiodec: %u %u %u %u %u %u)",
				want.dest_width, want.operand_size, want.address_size, want.repeat,
				want.condition, want.reg_first, insn->dest_width, insn->operand_size,
				insn->address_size, insn->repeat, insn->condition, insn->reg_first);
		}
		fprintf(out, "\n");
	}
}

static int by_count_descending(const void *a, const void *b)
{
	const struct diff_group *x = *(const struct diff_group *const *)a;
	const struct diff_group *y = *(const struct diff_group *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static void print_groups(FILE *out, const struct diff_run *run, enum diff_kind kind)
{
	const struct diff_group **list;
	size_t count = 0;

	list = malloc(run->group_used * sizeof(*list) + 1);
	if (!list)
		return;
	for (size_t i = 0; i < run->group_capacity; i++)
		if (run->groups[i].key && KEY_KIND(run->groups[i].key) == kind)
			list[count++] = &run->groups[i];
	qsort(list, count, sizeof(*list), by_count_descending);
	fprintf(out, "  %zu groups (vendor, mode, map, opcode, Zydis mnemonic, Zydis -> mmiodec status,"
		" detail), largest first:\n", count);
	fprintf(out, "    %10s %-6s %-4s %-10s %-3s %-14s %-16s    %-16s %-26s %s\n", "count", "vendor",
		"mode", "map", "op", "mnemonic", "zydis", "mmiodec", "detail", "example");
	for (size_t i = 0; i < count && i < run->options.groups; i++) {
		uint64_t key = list[i]->key;
		const struct diff_example *example = &list[i]->example;
		char where[24], detail[48], bytes[64];
		ZydisMnemonic mnemonic = KEY_MNEMONIC(key);

		location_name(KEY_CATEGORY(key), KEY_MAP(key), where, sizeof(where));
		diff_detail_text(kind, KEY_DETAIL(key), detail, sizeof(detail));
		if (example->cut) {
			hex(example->bytes, example->cut, 0, bytes, sizeof(bytes));
		} else {
			struct diff_judgement j;
			unsigned zv = shown_vendor(run, example->vendor % VENDOR_COUNT);

			judge(run, example->bytes, example->len, example->mode, &j);
			hex(example->bytes, example->len, j.zydis[zv].length, bytes, sizeof(bytes));
		}
		fprintf(out, "    %10" PRIu64 " %-6s %-4u %-10s %02X  %-14s %-16s -> %-16s %-26s %s\n",
			list[i]->count, diff_vendor_name(KEY_VENDOR(key)), KEY_MODE(key), where,
			KEY_OPCODE(key), mnemonic ? ZydisMnemonicGetString(mnemonic) : "-",
			status_name(KEY_ZYDIS(key)), status_name(KEY_MMIODEC(key)), detail, bytes);
	}
	if (count > run->options.groups)
		fprintf(out, "    ... %zu more groups (--groups N)\n", count - run->options.groups);
	if (run->kind_untracked[kind])
		fprintf(out, "    ... %" PRIu64 " more disagreements not grouped (group table full)\n",
			run->kind_untracked[kind]);
	free(list);
}

static void print_percent(FILE *out, const struct diff_tally *tally)
{
	if (tally->compared == 0)
		fprintf(out, " %12s %8s", "-", "");
	else
		fprintf(out, " %12" PRIu64 " %7.3f%%", tally->compared,
			100.0 * (double)tally->agreed / (double)tally->compared);
}

static void add(struct diff_tally *sum, const struct diff_tally *part)
{
	sum->compared += part->compared;
	sum->agreed += part->agreed;
}

/* The vendors in the order the report shows them. */
static const unsigned report_order[VENDOR_COUNT] = {
	MMIODEC_VENDOR_INTEL, MMIODEC_VENDOR_AMD, MMIODEC_VENDOR_ANY,
};

static void print_category_table(FILE *out, const struct diff_run *run, unsigned v)
{
	struct diff_tally column[MODE_COUNT] = { { 0, 0 } }, all = { 0, 0 };

	fprintf(out, "\nTotals as %s: inputs compared, and the share on which the decoders agree%s\n",
		diff_vendor_name(v),
		v == MMIODEC_VENDOR_ANY ? "\n  (mmiodec's ANY against the two corrected Zydis answers"
					  " combined, and against its own INTEL and AMD answers)"
					: "");
	fprintf(out, "  %-18s %21s %21s %21s %21s\n", "category", "16-bit", "32-bit", "64-bit", "all");
	for (unsigned c = 0; c < CATEGORY_COUNT; c++) {
		struct diff_tally row = { 0, 0 };

		fprintf(out, "  %-18s", category_names[c]);
		for (unsigned m = 0; m < MODE_COUNT; m++) {
			print_percent(out, &run->by_category[v][m][c]);
			add(&row, &run->by_category[v][m][c]);
			add(&column[m], &run->by_category[v][m][c]);
		}
		print_percent(out, &row);
		add(&all, &row);
		fprintf(out, "\n");
	}
	fprintf(out, "  %-18s", "all");
	for (unsigned m = 0; m < MODE_COUNT; m++)
		print_percent(out, &column[m]);
	print_percent(out, &all);
	fprintf(out, "\n");
}

static void print_vendor_dependent(FILE *out, const struct diff_run *run)
{
	uint64_t column[MODE_COUNT] = { 0 }, all = 0;

	for (unsigned m = 0; m < MODE_COUNT; m++)
		for (unsigned c = 0; c < CATEGORY_COUNT; c++)
			column[m] += run->vendor_dependent[m][c];
	for (unsigned m = 0; m < MODE_COUNT; m++)
		all += column[m];
	fprintf(out, "\nVendor-dependent inputs (the corrected Zydis answers for Intel and AMD differ):"
		" %" PRIu64 " of %" PRIu64 "\n", all, run->both_vendors_judged);
	fprintf(out, "  %-18s %12s %12s %12s %12s\n", "category", "16-bit", "32-bit", "64-bit", "all");
	for (unsigned c = 0; c < CATEGORY_COUNT; c++) {
		uint64_t row = 0;

		for (unsigned m = 0; m < MODE_COUNT; m++)
			row += run->vendor_dependent[m][c];
		if (row == 0)
			continue;
		fprintf(out, "  %-18s", category_names[c]);
		for (unsigned m = 0; m < MODE_COUNT; m++)
			fprintf(out, " %12" PRIu64, run->vendor_dependent[m][c]);
		fprintf(out, " %12" PRIu64 "\n", row);
	}
	fprintf(out, "  %-18s", "all");
	for (unsigned m = 0; m < MODE_COUNT; m++)
		fprintf(out, " %12" PRIu64, column[m]);
	fprintf(out, " %12" PRIu64 "\n", all);
}

/* How many of src/forms.h's forms both decoders answered OK, by vendor and
 * mode, and the ones never seen. */
static void print_form_coverage(FILE *out, const struct diff_run *run)
{
	unsigned forms = zydis_form_count(), listed = 0, missing = diff_forms_missing(run);

	fprintf(out, "\nForms of src/forms.h seen ok by both decoders (of those that exist in the mode):\n");
	fprintf(out, "  %-8s %12s %12s %12s\n", "vendor", "16-bit", "32-bit", "64-bit");
	for (unsigned i = 0; i < VENDOR_COUNT; i++) {
		unsigned v = report_order[i];

		if (!(run->options.vendors & VENDOR_BIT(v)))
			continue;
		fprintf(out, "  %-8s", diff_vendor_name(v));
		for (unsigned m = 0; m < MODE_COUNT; m++) {
			unsigned seen = 0, exist = 0;
			char cell[32];

			for (unsigned f = 0; f < forms && f < DIFF_FORM_MAX; f++) {
				if (!zydis_form_exists(f, mode_of_index(m)))
					continue;
				exist++;
				seen += run->form_ok[v][m][f] != 0;
			}
			snprintf(cell, sizeof(cell), "%u/%u", seen, exist);
			fprintf(out, " %12s", run->options.modes[m] ? cell : "-");
		}
		fprintf(out, "\n");
	}
	for (unsigned i = 0; i < VENDOR_COUNT && missing; i++) {
		unsigned v = report_order[i];

		for (unsigned m = 0; m < MODE_COUNT; m++)
			for (unsigned f = 0; f < forms && f < DIFF_FORM_MAX; f++) {
				char name[48];

				if (!(run->options.vendors & VENDOR_BIT(v)) || !run->options.modes[m] ||
				    !zydis_form_exists(f, mode_of_index(m)) || run->form_ok[v][m][f])
					continue;
				if (listed++ < 30) {
					zydis_form_name(f, name, sizeof(name));
					fprintf(out, "    never ok: %s, %u-bit, as %s\n", name,
						mode_of_index(m), diff_vendor_name(v));
				}
			}
	}
	if (listed > 30)
		fprintf(out, "    ... %u more\n", listed - 30);
	if (missing && run->forms_required)
		fprintf(out, "  FAIL: the exhaustive phase ran to its end without them\n");
}

static void print_totals(FILE *out, const struct diff_run *run)
{
	for (unsigned i = 0; i < VENDOR_COUNT; i++)
		if (run->options.vendors & VENDOR_BIT(report_order[i]))
			print_category_table(out, run, report_order[i]);
	fprintf(out, "  (category from Zydis; for bytes Zydis rejects, guessed from the leading bytes)\n");

	fprintf(out, "\nBy Zydis's answer (corrected), as");
	for (unsigned i = 0; i < VENDOR_COUNT; i++)
		if (run->options.vendors & VENDOR_BIT(report_order[i]))
			fprintf(out, " %21s", diff_vendor_name(report_order[i]));
	fprintf(out, "\n");
	for (unsigned s = 0; s <= MMIODEC_VENDOR_DEPENDENT; s++) {
		if (s == MMIODEC_BAD_ARGUMENT)
			continue;
		fprintf(out, "    %-16s", status_name((uint8_t)s));
		for (unsigned i = 0; i < VENDOR_COUNT; i++)
			if (run->options.vendors & VENDOR_BIT(report_order[i]))
				print_percent(out, &run->by_expected[report_order[i]][s]);
		fprintf(out, "\n");
	}
	if (run->both_vendors_judged)
		print_vendor_dependent(out, run);

	fprintf(out, "\nCorrections to Zydis 4.0.0 (answers changed):  %12s %12s\n", "intel", "amd");
	for (unsigned c = 0; c < CORRECTION_COUNT; c++) {
		fprintf(out, "  %-45s", zydis_corrections[c].name);
		for (unsigned v = MMIODEC_VENDOR_INTEL; v <= MMIODEC_VENDOR_AMD; v++) {
			if (!(zydis_corrections[c].vendors & VENDOR_BIT(v)))
				fprintf(out, " %12s", "");
			else
				fprintf(out, " %12" PRIu64, run->corrections[v][c]);
		}
		fprintf(out, "\n");
	}

	print_form_coverage(out, run);

	fprintf(out, "\nBy source (agreement on every vendor judged):\n");
	for (unsigned s = 0; s < SOURCE_COUNT; s++) {
		if (run->by_source[s].compared == 0)
			continue;
		fprintf(out, "    %-16s", source_names[s]);
		print_percent(out, &run->by_source[s]);
		fprintf(out, "\n");
	}
	fprintf(out, "  prefix checks: %" PRIu64 " valid instructions, %" PRIu64 " shorter buffers decoded\n",
		run->prefix_instructions, run->prefix_decodes);
	if (run->options.verify_shortcut)
		fprintf(out, "  Zydis AMD_BRANCHES run on every input: %" PRIu64
			" where it changed an answer the shortcut takes as Intel's%s\n",
			run->shortcut_wrong, run->shortcut_wrong ? "  FAIL" : "");
}

void diff_explain(const struct diff_run *run, const uint8_t *bytes, size_t len, unsigned mode,
		  FILE *out)
{
	ZydisFormatter formatter;
	struct diff_judgement j;
	char detail[48];

	if (len > MMIODEC_MAX_LENGTH)
		len = MMIODEC_MAX_LENGTH;
	ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
	judge(run, bytes, len, mode, &j);
	for (unsigned i = 0; i < VENDOR_COUNT; i++) {
		unsigned v = report_order[i];
		struct diff_verdict verdict = j.verdict[v];
		struct diff_example example;

		if (!(run->options.vendors & VENDOR_BIT(v)))
			continue;
		diff_detail_text(verdict.kind, verdict.detail, detail, sizeof(detail));
		fprintf(out, "%u-bit, as %s: %s%s%s%s\n", mode, diff_vendor_name(v),
			verdict.kind == KIND_NONE ? "agree" : "disagree: ",
			verdict.kind == KIND_NONE ? "" : diff_kind_name(verdict.kind),
			detail[0] ? ", " : "", detail);
		example = make_example(SOURCE_COMMAND_LINE, v, bytes, len, mode, 0);
		print_example(out, run, verdict.kind, &example, &formatter);
	}
	diff_detail_text(j.consistency.kind, j.consistency.detail, detail, sizeof(detail));
	fprintf(out, "%u-bit, mmiodec's three answers: %s%s\n", mode,
		j.consistency.kind == KIND_NONE ? "consistent" : "inconsistent: ", detail);
	if (j.consistency.kind != KIND_NONE)
		print_consistency(out, &j, bytes, len, mode);
}

void diff_print_phase(const char *name, uint64_t inputs, double seconds, bool stopped)
{
	printf("  %-52s %12" PRIu64 " inputs %7.2f s%s\n", name, inputs, seconds,
	       stopped ? "  (stopped: time limit)" : "");
	fflush(stdout);
}

void diff_report(const struct diff_run *run, FILE *out)
{
	ZydisFormatter formatter;
	uint64_t failing = 0;

	ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
	fprintf(out, "\nDisagreements by kind (intel / amd / any):\n");
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		const char *note = "";

		if (!diff_kind_fails(run, (enum diff_kind)k))
			note = k == KIND_TRUNCATED_VS_INVALID
				       ? "  (informational; --strict-truncation makes it fail)"
				       : "  (informational)";
		else if (run->kind_count[k])
			note = "  FAIL";
		fprintf(out, "  %-22s %12" PRIu64 "  (%" PRIu64 " / %" PRIu64 " / %" PRIu64 ")%s\n",
			kind_names[k], run->kind_count[k],
			run->kind_by_vendor[k][MMIODEC_VENDOR_INTEL],
			run->kind_by_vendor[k][MMIODEC_VENDOR_AMD],
			run->kind_by_vendor[k][MMIODEC_VENDOR_ANY], note);
		if (diff_kind_fails(run, (enum diff_kind)k))
			failing += run->kind_count[k];
	}
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		if (run->kind_count[k] == 0)
			continue;
		fprintf(out, "\n== %s: %" PRIu64 " -- %s\n", kind_names[k], run->kind_count[k],
			kind_meanings[k]);
		print_groups(out, run, (enum diff_kind)k);
		if (run->example_count[k] == 0)
			continue;
		fprintf(out, "  first %u examples (--examples N; a space marks where Zydis's "
			"instruction ends):\n", run->example_count[k]);
		for (unsigned i = 0; i < run->example_count[k]; i++)
			print_example(out, run, (enum diff_kind)k, &run->examples[k][i], &formatter);
	}
	print_totals(out, run);
	if (run->vex_family_validity)
		fprintf(out, "\nVEX/EVEX/XOP validity disagreements: %" PRIu64
			" (tolerated up to 0.1%% of those inputs when nothing else disagrees)\n",
			run->vex_family_validity);
	failing += run->shortcut_wrong;
	if (run->forms_required)
		failing += diff_forms_missing(run);
	if (diff_run_failed(run))
		fprintf(out, "\nmmiodec-diff: FAIL: %" PRIu64 " disagreements\n", failing);
	else
		fprintf(out, "\nmmiodec-diff: PASS\n");
}
