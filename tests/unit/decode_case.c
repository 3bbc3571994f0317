/* SPDX-License-Identifier: MIT */
#include "decode_case.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes from a heap copy of exactly len bytes, so that a memory checker
 * sees any read past the end; the descriptor starts out as garbage, so that
 * a field the decoder forgets shows. */
static void decode_exact(struct mmiodec_insn *insn, const uint8_t *bytes,
			 size_t len, unsigned mode, unsigned vendor)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, bytes, len);
	memset(insn, 0xa5, sizeof(*insn));
	if (vendor == MMIODEC_VENDOR_ANY)
		mmiodec_decode(insn, copy, len, (enum mmiodec_mode)mode);
	else
		mmiodec_decode_vendor(insn, copy, len, (enum mmiodec_mode)mode,
				      (enum mmiodec_vendor)vendor);
	free(copy);
}

static void fail(const struct decode_case *c, const char *message)
{
	fprintf(stderr, "%u-bit%s [%s]: %s\n", CASE_MODE(c),
		case_vendor_text(c), c->bytes, message);
}

int check_decode_cases(const struct decode_case *cases, size_t count)
{
	static const struct case_runner runner = { decode_exact, fail };
	int failures = 0;

	for (size_t i = 0; i < count; i++)
		failures += !check_case(&cases[i], &runner);
	if (failures)
		fprintf(stderr, "%d of %zu cases failed\n", failures, count);
	return failures;
}

void report(unsigned mode, const char *hex, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%u-bit [%s]: ", mode, hex);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool only_status_set(const struct mmiodec_insn *insn, enum mmiodec_status status)
{
	struct mmiodec_insn want;

	memset(&want, 0, sizeof(want));
	want.status = (uint8_t)status;
	return memcmp(insn, &want, sizeof(want)) == 0;
}
