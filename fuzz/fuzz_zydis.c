/* SPDX-License-Identifier: MIT */
/*
 * fuzz-zydis: mmiodec_decode_vendor() against Zydis 4 on the fuzzer's
 * bytes, as each vendor, judged by the differential test's own
 * diff_judge() (tests/diff/compare.c) with its default policy:
 *
 *   - as INTEL (Zydis's default decoder) and as AMD (Zydis's AMD_BRANCHES
 *     mode), each with the vendor's corrections (tests/diff/zydis_json.c),
 *     and as ANY (the two Zydis answers combined): a disagreement on
 *     validity, length, class (ok / no-memory / unsupported), a supported
 *     form's JSON fields, or the vendor fields (vendor, vendor_dependent,
 *     a vendor-dependent status) aborts; truncated-vs-invalid is only
 *     informational, as there;
 *   - mmiodec's three answers must fit together (consistency): the vendor
 *     fields, vendor_dependent exactly where the INTEL and AMD descriptors
 *     differ, and ANY as its definition makes it of the other two.
 *
 * Validity disagreements on VEX/EVEX/XOP encodings are the documented
 * residue that the differential test tolerates up to 0.1%: they do not
 * abort here. Zydis's AMD decoder runs on every input (no shortcut), and a
 * difference where the harness's shortcut would have skipped it aborts.
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

static struct zydis_vendors oracles[MODE_COUNT];
/* Zeroed: the options of a plain mmiodec-diff run. */
static struct diff_run policy;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < MODE_COUNT; i++)
		if (!zydis_vendors_init(&oracles[i], mode_of_index(i)))
			abort();
	return 0;
}

/* The bytes both lines show: the instruction when Zydis decodes one, as
 * the differential test does. */
static size_t shown_length(const struct zydis_answer *zydis, size_t len)
{
	bool valid = zydis->status == MMIODEC_OK || zydis->status == MMIODEC_NO_MEMORY ||
		     zydis->status == MMIODEC_UNSUPPORTED;

	return valid ? zydis->length : len;
}

static void print_vendor(const struct fuzz_case *c, const struct diff_judgement *j,
			 unsigned vendor)
{
	const struct zydis_answer *zydis = &j->zydis[vendor];
	struct diff_verdict verdict = j->verdict[vendor];
	char expected[JSON_CAP], actual[JSON_CAP], detail[48];
	size_t shown = shown_length(zydis, c->len);

	zydis_json_format(expected, sizeof(expected), c->bytes, shown, c->mode, zydis);
	mmiodec_json_format(actual, sizeof(actual), c->bytes, shown, c->mode,
			    &j->insn[vendor]);
	diff_detail_text(verdict.kind, verdict.detail, detail, sizeof(detail));
	fprintf(stderr, "as %s: %s%s%s\n  zydis:   %s (%s",
		diff_vendor_name(vendor),
		verdict.kind == KIND_NONE ? "agree" : diff_kind_name(verdict.kind),
		detail[0] ? ", " : "", detail, expected,
		zydis_status_name(zydis->zydis_status));
	for (unsigned k = 0; k < CORRECTION_COUNT; k++)
		if (zydis->corrections & (1u << k))
			fprintf(stderr, "; corrected: %s", zydis_corrections[k].name);
	fprintf(stderr, ")\n  mmiodec: %s\n", actual);
}

static void print_disagreement(const struct fuzz_case *c,
			       const struct diff_judgement *j)
{
	static const unsigned order[] = { MMIODEC_VENDOR_INTEL,
					  MMIODEC_VENDOR_AMD,
					  MMIODEC_VENDOR_ANY };
	char detail[48];

	fprintf(stderr, "\nmmiodec and Zydis disagree:\n");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		print_vendor(c, j, order[i]);
	diff_detail_text(j->consistency.kind, j->consistency.detail, detail,
			 sizeof(detail));
	fprintf(stderr, "mmiodec's three answers: %s%s\n",
		j->consistency.kind == KIND_NONE ? "consistent" : "inconsistent: ",
		detail);
	if (!j->shortcut_ok)
		fprintf(stderr, "Zydis's AMD_BRANCHES mode changed an answer where "
			"the harness takes Intel's\n");
	fuzz_print_insn("mmiodec as intel", &j->insn[MMIODEC_VENDOR_INTEL]);
	fuzz_print_insn("mmiodec as amd", &j->insn[MMIODEC_VENDOR_AMD]);
	fuzz_print_insn("mmiodec as any", &j->insn[MMIODEC_VENDOR_ANY]);
}

/* Whether a verdict fails, by mmiodec-diff's rules. */
static bool fails(const struct diff_judgement *j, unsigned vendor,
		  const struct fuzz_case *c)
{
	enum diff_kind kind = j->verdict[vendor].kind;

	return diff_kind_fails(&policy, kind) &&
	       !diff_is_tolerated_vex_kind(&j->zydis[vendor], c->bytes, c->len,
					   c->mode, kind);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_case c;
	/* Three Zydis answers of about 1 KiB each: not on the stack of an
	 * instrumented build. */
	static struct diff_judgement j;
	bool failed;

	fuzz_case_parse(&c, data, size);
	c.registers_matter = false;
	diff_judge(&oracles[mode_index(c.mode)], mmiodec_decode_vendor,
		   VENDORS_ALL, ZYDIS_DECODE_VERIFY_SHORTCUT, c.bytes, c.len,
		   c.mode, &j);
	failed = !j.shortcut_ok || j.consistency.kind != KIND_NONE;
	for (unsigned v = 0; v < VENDOR_COUNT; v++)
		failed = failed || fails(&j, v, &c);
	if (failed) {
		print_disagreement(&c, &j);
		fuzz_note("mmiodec against Zydis, as intel, amd and any");
		FUZZ_CHECK(&c, !failed);
	}
	fuzz_case_free(&c);
	return 0;
}
