/* SPDX-License-Identifier: MIT */
/*
 * Judging one input, and the report: disagreements by kind, grouped by
 * where in the opcode space they are, with examples; then the totals.
 */
#include "diff.h"

#include <inttypes.h>
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
	run->decode = mmiodec_decode;
	if (run->options.prefix_every == 0)
		run->options.prefix_every = 1;
	for (unsigned i = 0; i < MODE_COUNT; i++)
		if (!zydis_oracle_init(&run->oracles[i], mode_of_index(i)))
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

static const char *const kind_names[KIND_COUNT] = {
	[KIND_VALIDITY] = "validity",
	[KIND_TRUNCATED_VS_INVALID] = "truncated-vs-invalid",
	[KIND_LENGTH] = "length",
	[KIND_CLASS] = "class",
	[KIND_FIELDS] = "fields",
	[KIND_TRUNCATION] = "truncation",
	[KIND_ZYDIS_PREFIX] = "zydis-prefix",
};

static const char *const kind_meanings[KIND_COUNT] = {
	[KIND_VALIDITY] = "one decoder accepts the bytes, the other rejects them",
	[KIND_TRUNCATED_VS_INVALID] = "both reject the bytes, one as truncated, the other as invalid",
	[KIND_LENGTH] = "both decode the bytes, to different lengths",
	[KIND_CLASS] = "same length, but ok / no-memory / unsupported differ",
	[KIND_FIELDS] = "a supported form whose JSON lines differ",
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
	for (unsigned m = 0; m < MODE_COUNT; m++)
		for (unsigned c = CATEGORY_VEX; c <= CATEGORY_XOP; c++)
			compared += run->by_category[m][c].compared;
	other = run->kind_count[KIND_VALIDITY] + run->kind_count[KIND_TRUNCATION] -
		run->vex_family_validity;
	if (other)
		return false;
	return run->vex_family_validity * 1000 <= compared;
}

bool diff_run_failed(const struct diff_run *run)
{
	for (unsigned k = 0; k < KIND_COUNT; k++)
		if (run->kind_count[k] && diff_kind_fails(run, (enum diff_kind)k) &&
		    !vex_family_tolerated(run, (enum diff_kind)k))
			return true;
	return false;
}

/* ---- Which field of the JSON line differs ---- */

#define FIELD_UNKNOWN 255
#define FIELD_MEMORY_FIRST 16 /* + element * 8 + subfield */

static const char *const top_fields[] = {
	"bytes", "mode", "status", "length", "mnemonic", "direction", "width",
	"extend", "register", "immediate", "rep", "memory",
};
#define FIELD_MEMORY 11

static const char *const memory_fields[] = {
	"segment", "base", "index", "scale", "displacement", "address_size", "access",
};

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
			return (uint8_t)(FIELD_MEMORY_FIRST + element * 8 + i);
	return FIELD_MEMORY;
}

void diff_field_name(uint8_t field, char *out, size_t cap)
{
	unsigned sub = (field - FIELD_MEMORY_FIRST) % 8u;

	if (field < sizeof(top_fields) / sizeof(top_fields[0]))
		snprintf(out, cap, "%s", top_fields[field]);
	else if (field >= FIELD_MEMORY_FIRST && field < FIELD_MEMORY_FIRST + 16 &&
		 sub < sizeof(memory_fields) / sizeof(memory_fields[0]))
		snprintf(out, cap, "memory[%u].%s", (field - FIELD_MEMORY_FIRST) / 8u,
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

struct diff_verdict diff_compare(const struct zydis_answer *zydis,
				 const struct mmiodec_insn *insn, const uint8_t *bytes,
				 size_t len, unsigned mode)
{
	struct diff_verdict verdict = { KIND_NONE, 0 };
	bool zydis_valid = is_valid(zydis->status);
	bool rejected = insn->status == MMIODEC_INVALID || insn->status == MMIODEC_TRUNCATED;

	if (zydis_valid ? !is_valid(insn->status) : !rejected) {
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
		char expected[JSON_CAP], actual[JSON_CAP];
		size_t shown = shown_length(zydis, len);

		zydis_json_format(expected, sizeof(expected), bytes, shown, mode, zydis);
		mmiodec_json_format(actual, sizeof(actual), bytes, shown, mode, insn);
		if (strcmp(expected, actual) != 0) {
			verdict.kind = KIND_FIELDS;
			verdict.detail = diff_first_differing_field(expected, actual);
		}
	}
	return verdict;
}

/* ---- Where an input is in the opcode space ---- */

struct location {
	uint8_t category;
	uint8_t map;     /* ZydisOpcodeMap; MAP_UNKNOWN when not one */
	uint8_t opcode;
};
#define MAP_UNKNOWN 15

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

static uint8_t byte_at(const uint8_t *bytes, size_t len, size_t i)
{
	return i < len ? bytes[i] : 0;
}

/* For bytes Zydis rejects, a rough guess from the leading bytes (prefixes,
 * escape, VEX/EVEX/XOP lead byte), only to label the totals and groups. */
static struct location guess_location(const uint8_t *bytes, size_t len, unsigned mode)
{
	struct location where = { CATEGORY_LEGACY, ZYDIS_OPCODE_MAP_DEFAULT, 0 };
	size_t i = 0;
	uint8_t lead, next;
	bool escape_ok;

	while (i < len && (is_legacy_prefix(bytes[i]) || (mode == 64 && (bytes[i] & 0xf0) == 0x40)))
		i++;
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

	if (!is_valid(zydis->status))
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

/* A group: kind, mode, location, Zydis mnemonic and status, mmiodec
 * status and the kind's detail, packed into one key. */
static uint64_t group_key(enum diff_kind kind, unsigned mode, struct location where,
			  const struct zydis_answer *zydis, uint8_t mmiodec_status,
			  uint8_t detail)
{
	uint64_t mnemonic = is_valid(zydis->status) ? (uint64_t)zydis->insn.mnemonic : 0;

	return (uint64_t)detail | (uint64_t)where.opcode << 8 | (uint64_t)(where.map & 15) << 16 |
	       (uint64_t)(where.category & 15) << 20 | (uint64_t)mode_index(mode) << 24 |
	       (uint64_t)(zydis->status & 7) << 26 | (uint64_t)(mmiodec_status > 6 ? 7 : mmiodec_status) << 29 |
	       (mnemonic & 0xffff) << 32 | (uint64_t)(kind + 1) << 48;
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

static struct diff_example make_example(enum diff_source source, const uint8_t *bytes,
					size_t len, unsigned mode, size_t cut)
{
	struct diff_example example = { .len = (uint8_t)len, .cut = (uint8_t)cut,
					.mode = (uint8_t)mode, .source = (uint8_t)source };

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

void diff_record(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
		 size_t len, unsigned mode, const struct zydis_answer *zydis,
		 const struct mmiodec_insn *insn, struct diff_verdict verdict, size_t cut)
{
	enum diff_kind kind = verdict.kind;
	struct location where = locate(zydis, bytes, len, mode);
	struct diff_group *group;

	if (kind >= KIND_COUNT)
		return;
	if (len > MMIODEC_MAX_LENGTH)
		len = MMIODEC_MAX_LENGTH;
	run->kind_count[kind]++;
	if (diff_is_tolerated_vex_kind(zydis, bytes, len, mode, kind))
		run->vex_family_validity++;
	if (run->example_count[kind] < run->options.examples)
		run->examples[kind][run->example_count[kind]++] =
			make_example(source, bytes, len, mode, cut);
	group = find_group(run, group_key(kind, mode, where, zydis, insn->status, verdict.detail));
	if (!group) {
		run->kind_untracked[kind]++;
		return;
	}
	if (group->count++ == 0)
		group->example = make_example(source, bytes, len, mode, cut);
}

/* Every prefix of a valid instruction must be truncated for mmiodec (and,
 * as a note on the oracle, NO_MORE_DATA for Zydis); and the exact
 * instruction bytes must decode as the longer buffer did. */
static void check_prefixes(struct diff_run *run, enum diff_source source, const uint8_t *bytes,
			   size_t len, unsigned mode, const struct zydis_answer *zydis,
			   const struct mmiodec_insn *full)
{
	const struct zydis_oracle *oracle = &run->oracles[mode_index(mode)];
	bool mmiodec_reported = false, zydis_reported = false;
	struct zydis_answer cut_zydis;
	struct mmiodec_insn cut_insn;

	run->prefix_instructions++;
	for (size_t k = 1; k < zydis->length; k++) {
		run->prefix_decodes++;
		run->decode(&cut_insn, bytes, k, (enum mmiodec_mode)mode);
		if (cut_insn.status != MMIODEC_TRUNCATED && !mmiodec_reported) {
			diff_record(run, source, bytes, len, mode, zydis, &cut_insn,
				    (struct diff_verdict){ KIND_TRUNCATION, (uint8_t)k }, k);
			mmiodec_reported = true;
		}
		zydis_oracle_decode(oracle, bytes, k, &cut_zydis);
		if (cut_zydis.zydis_status != ZYDIS_STATUS_NO_MORE_DATA && !zydis_reported) {
			diff_record(run, source, bytes, len, mode, zydis, &cut_insn,
				    (struct diff_verdict){ KIND_ZYDIS_PREFIX, (uint8_t)k }, k);
			zydis_reported = true;
		}
	}
	if (len > zydis->length) {
		bool same;

		run->prefix_decodes++;
		run->decode(&cut_insn, bytes, zydis->length, (enum mmiodec_mode)mode);
		same = cut_insn.status == full->status && cut_insn.length == full->length;
		if (same && full->status == MMIODEC_OK) {
			char a[JSON_CAP], b[JSON_CAP];

			mmiodec_json_format(a, sizeof(a), bytes, zydis->length, mode, full);
			mmiodec_json_format(b, sizeof(b), bytes, zydis->length, mode, &cut_insn);
			same = strcmp(a, b) == 0;
		}
		if (!same)
			diff_record(run, source, bytes, len, mode, zydis, &cut_insn,
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
	struct zydis_answer zydis;
	struct mmiodec_insn insn;
	struct diff_verdict verdict;
	struct location where;
	bool agreed;

	zydis_oracle_decode(&run->oracles[index], bytes, len, &zydis);
	*zydis_length = zydis.length;
	run->decode(&insn, bytes, len, (enum mmiodec_mode)mode);
	verdict = diff_compare(&zydis, &insn, bytes, len, mode);
	where = locate(&zydis, bytes, len, mode);
	agreed = !diff_kind_fails(run, verdict.kind);

	tally(&run->by_category[index][where.category], agreed);
	tally(&run->by_expected[zydis.status], agreed);
	tally(&run->by_source[source], agreed);
	if (verdict.kind != KIND_NONE)
		diff_record(run, source, bytes, len, mode, &zydis, &insn, verdict, 0);
	if (is_valid(zydis.status) && run->valid_seen++ % run->options.prefix_every == 0)
		check_prefixes(run, source, bytes, len, mode, &zydis, &insn);

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

static void detail_text(enum diff_kind kind, uint8_t detail, char *out, size_t cap)
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
		diff_field_name(detail, out, cap);
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

static void print_example(FILE *out, const struct diff_run *run, enum diff_kind kind,
			  const struct diff_example *example, const ZydisFormatter *formatter)
{
	const struct zydis_oracle *oracle = &run->oracles[mode_index(example->mode)];
	struct zydis_answer zydis;
	struct mmiodec_insn insn;
	char expected[JSON_CAP], actual[JSON_CAP], text[256] = "", bytes[64];
	size_t len = example->len, shown;
	unsigned mode = example->mode;

	zydis_oracle_decode(oracle, example->bytes, len, &zydis);
	if (is_valid(zydis.status))
		ZydisFormatterFormatInstruction(formatter, &zydis.insn, zydis.operands,
						zydis.insn.operand_count_visible, text,
						sizeof(text), 0, NULL);
	hex(example->bytes, len, is_valid(zydis.status) ? zydis.length : 0, bytes, sizeof(bytes));
	fprintf(out, "    [%u-bit, %s] %s%s%s\n", mode, source_names[example->source], bytes,
		text[0] ? "   ; " : "", text);

	if (kind == KIND_TRUNCATION || kind == KIND_ZYDIS_PREFIX) {
		size_t cut = example->cut;
		struct mmiodec_insn full;

		run->decode(&insn, example->bytes, cut, (enum mmiodec_mode)mode);
		if (cut == zydis.length && kind == KIND_TRUNCATION) {
			run->decode(&full, example->bytes, len, (enum mmiodec_mode)mode);
			mmiodec_json_format(expected, sizeof(expected), example->bytes, cut, mode, &full);
			mmiodec_json_format(actual, sizeof(actual), example->bytes, cut, mode, &insn);
			fprintf(out, "      mmiodec given all %zu bytes, then exactly the %zu of the instruction:\n",
				len, cut);
			print_json_pair(out, "all", expected, "");
			print_json_pair(out, "exact", actual, "");
			return;
		}
		zydis_oracle_decode(oracle, example->bytes, cut, &zydis);
		fprintf(out, "      given only the first %zu bytes:\n", cut);
		len = cut;
	}
	run->decode(&insn, example->bytes, len, (enum mmiodec_mode)mode);
	shown = shown_length(&zydis, len);
	zydis_json_format(expected, sizeof(expected), example->bytes, shown, mode, &zydis);
	mmiodec_json_format(actual, sizeof(actual), example->bytes, shown, mode, &insn);
	print_json_pair(out, "zydis", expected, is_valid(zydis.status) ? "" :
			zydis_status_name(zydis.zydis_status));
	print_json_pair(out, "mmiodec", actual, "");
	if (kind == KIND_FIELDS) {
		char field[32];

		diff_field_name(diff_first_differing_field(expected, actual), field, sizeof(field));
		fprintf(out, "      first difference: %s\n", field);
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
	fprintf(out, "  %zu groups (mode, map, opcode, Zydis mnemonic, Zydis -> mmiodec status, detail),"
		" largest first:\n", count);
	fprintf(out, "    %10s %-4s %-10s %-3s %-14s %-11s    %-11s %-22s %s\n", "count", "mode",
		"map", "op", "mnemonic", "zydis", "mmiodec", "detail", "example");
	for (size_t i = 0; i < count && i < run->options.groups; i++) {
		uint64_t key = list[i]->key;
		const struct diff_example *example = &list[i]->example;
		char where[24], detail[48], bytes[64];
		ZydisMnemonic mnemonic = KEY_MNEMONIC(key);

		location_name(KEY_CATEGORY(key), KEY_MAP(key), where, sizeof(where));
		detail_text(kind, KEY_DETAIL(key), detail, sizeof(detail));
		if (example->cut) {
			hex(example->bytes, example->cut, 0, bytes, sizeof(bytes));
		} else {
			struct zydis_answer zydis;

			zydis_oracle_decode(&run->oracles[mode_index(example->mode)], example->bytes,
					    example->len, &zydis);
			hex(example->bytes, example->len, zydis.length, bytes, sizeof(bytes));
		}
		fprintf(out, "    %10" PRIu64 " %-4u %-10s %02X  %-14s %-11s -> %-11s %-22s %s\n",
			list[i]->count, KEY_MODE(key), where, KEY_OPCODE(key),
			mnemonic ? ZydisMnemonicGetString(mnemonic) : "-",
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

static void print_totals(FILE *out, const struct diff_run *run)
{
	struct diff_tally column[MODE_COUNT] = { { 0, 0 } }, all = { 0, 0 };

	fprintf(out, "\nTotals: inputs compared, and the share on which the decoders agree\n");
	fprintf(out, "  %-18s %21s %21s %21s %21s\n", "category", "16-bit", "32-bit", "64-bit", "all");
	for (unsigned c = 0; c < CATEGORY_COUNT; c++) {
		struct diff_tally row = { 0, 0 };

		fprintf(out, "  %-18s", category_names[c]);
		for (unsigned m = 0; m < MODE_COUNT; m++) {
			print_percent(out, &run->by_category[m][c]);
			add(&row, &run->by_category[m][c]);
			add(&column[m], &run->by_category[m][c]);
		}
		print_percent(out, &row);
		add(&all, &row);
		fprintf(out, "\n");
	}
	fprintf(out, "  %-18s", "all");
	for (unsigned m = 0; m < MODE_COUNT; m++)
		print_percent(out, &column[m]);
	print_percent(out, &all);
	fprintf(out, "\n  (category from Zydis; for bytes Zydis rejects, guessed from the leading bytes)\n");

	fprintf(out, "  by Zydis's answer:\n");
	for (unsigned s = 0; s < MMIODEC_BAD_ARGUMENT; s++) {
		fprintf(out, "    %-16s", status_name((uint8_t)s));
		print_percent(out, &run->by_expected[s]);
		fprintf(out, "\n");
	}
	fprintf(out, "  by source:\n");
	for (unsigned s = 0; s < SOURCE_COUNT; s++) {
		if (run->by_source[s].compared == 0)
			continue;
		fprintf(out, "    %-16s", source_names[s]);
		print_percent(out, &run->by_source[s]);
		fprintf(out, "\n");
	}
	fprintf(out, "  prefix checks: %" PRIu64 " valid instructions, %" PRIu64 " shorter buffers decoded\n",
		run->prefix_instructions, run->prefix_decodes);
}

void diff_explain(const struct diff_run *run, const uint8_t *bytes, size_t len, unsigned mode,
		  FILE *out)
{
	ZydisFormatter formatter;
	struct zydis_answer zydis;
	struct mmiodec_insn insn;
	struct diff_verdict verdict;
	struct diff_example example;
	char detail[48];

	if (len > MMIODEC_MAX_LENGTH)
		len = MMIODEC_MAX_LENGTH;
	ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
	zydis_oracle_decode(&run->oracles[mode_index(mode)], bytes, len, &zydis);
	run->decode(&insn, bytes, len, (enum mmiodec_mode)mode);
	verdict = diff_compare(&zydis, &insn, bytes, len, mode);
	detail_text(verdict.kind, verdict.detail, detail, sizeof(detail));
	fprintf(out, "%s%s%s%s\n", verdict.kind == KIND_NONE ? "agree" : "disagree: ",
		verdict.kind == KIND_NONE ? "" : diff_kind_name(verdict.kind),
		detail[0] ? ", " : "", detail);
	example = make_example(SOURCE_COMMAND_LINE, bytes, len, mode, 0);
	print_example(out, run, verdict.kind, &example, &formatter);
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
	fprintf(out, "\nDisagreements by kind:\n");
	for (unsigned k = 0; k < KIND_COUNT; k++) {
		const char *note = "";

		if (!diff_kind_fails(run, (enum diff_kind)k))
			note = k == KIND_TRUNCATED_VS_INVALID
				       ? "  (informational; --strict-truncation makes it fail)"
				       : "  (informational)";
		else if (run->kind_count[k])
			note = "  FAIL";
		fprintf(out, "  %-22s %12" PRIu64 "%s\n", kind_names[k], run->kind_count[k], note);
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
	if (diff_run_failed(run))
		fprintf(out, "\nmmiodec-diff: FAIL: %" PRIu64 " disagreements\n", failing);
	else
		fprintf(out, "\nmmiodec-diff: PASS\n");
}
