/* SPDX-License-Identifier: MIT */
/*
 * fuzz-zydis: mmiodec_decode() against Zydis 4 on the fuzzer's bytes, judged
 * by the differential test's own diff_compare() (tests/diff/compare.c) with
 * its default policy: a disagreement on validity, length, class (ok /
 * no-memory / unsupported) or a supported form's JSON fields aborts;
 * truncated-vs-invalid is only informational, as there. Validity
 * disagreements on VEX/EVEX/XOP encodings are the documented residue that
 * the differential test tolerates up to 0.1%: they do not abort here.
 *
 * Input: the header byte of fuzz_common.h (only its mode bits count here),
 * then the instruction bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diff.h"
#include "fuzz_common.h"
#include "json.h"

#define JSON_CAP 1024

static struct zydis_oracle oracles[MODE_COUNT];
/* Zeroed: the options of a plain mmiodec-diff run. */
static struct diff_run policy;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < MODE_COUNT; i++)
		if (!zydis_oracle_init(&oracles[i], mode_of_index(i)))
			abort();
	return 0;
}

static void print_disagreement(const struct fuzz_case *c,
			       const struct zydis_answer *zydis,
			       const struct mmiodec_insn *insn,
			       struct diff_verdict verdict)
{
	char expected[JSON_CAP], actual[JSON_CAP], field[32];
	/* show the instruction's bytes when Zydis decodes one, as the
	 * differential test does */
	size_t shown = zydis->length ? zydis->length : c->len;

	zydis_json_format(expected, sizeof(expected), c->bytes, shown,
			  c->mode, zydis);
	mmiodec_json_format(actual, sizeof(actual), c->bytes, shown, c->mode,
			    insn);
	diff_field_name(verdict.detail, field, sizeof(field));
	fprintf(stderr, "\nmmiodec and Zydis disagree: %s",
		diff_kind_name(verdict.kind));
	if (verdict.kind == KIND_FIELDS)
		fprintf(stderr, " (first differing field: %s)", field);
	fprintf(stderr, "\nzydis:   %s (%s)\nmmiodec: %s\n", expected,
		zydis_status_name(zydis->zydis_status), actual);
	fuzz_print_insn("mmiodec descriptor", insn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	struct zydis_answer zydis;
	struct mmiodec_insn insn;
	struct diff_verdict verdict;

	fuzz_case_parse(&c, data, size);
	c.registers_matter = false;
	mmiodec_decode(&insn, c.bytes, c.len, c.mode);
	zydis_oracle_decode(&oracles[mode_index(c.mode)], c.bytes, c.len,
			    &zydis);
	verdict = diff_compare(&zydis, &insn, c.bytes, c.len, c.mode);
	if (diff_kind_fails(&policy, verdict.kind) &&
	    !diff_is_tolerated_vex_kind(&zydis, c.bytes, c.len, c.mode, verdict.kind)) {
		print_disagreement(&c, &zydis, &insn, verdict);
		fuzz_note("mmiodec against Zydis");
		FUZZ_CHECK(&c, !diff_kind_fails(&policy, verdict.kind));
	}
	fuzz_case_free(&c);
	return 0;
}
