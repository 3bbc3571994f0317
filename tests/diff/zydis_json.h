/* SPDX-License-Identifier: MIT */
/*
 * The oracle side of the differential test: what Zydis 4 makes of some
 * bytes, said in mmiodec's terms (the status mmiodec should return) and as
 * the JSON line the mmiodec CLI prints (tools/json.h).
 *
 * Everything here is computed from Zydis's decoded instruction and operands
 * alone, never from mmiodec's answer, so that a comparison of the two is a
 * comparison of two independent decoders. Only mmiodec.h's enums are used.
 *
 * Shared by tests/diff (mmiodec-diff), the fuzz target and the benchmark:
 * the two files need only Zydis and include/mmiodec.h.
 */
#ifndef MMIODEC_ZYDIS_JSON_H
#define MMIODEC_ZYDIS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#include "mmiodec.h"

/** A Zydis decoder set up for one mmiodec mode. */
struct zydis_oracle {
	ZydisDecoder decoder;
	unsigned mode; /**< 16, 32 or 64 */
};

/** Zydis's answer for one byte string. */
struct zydis_answer {
	/** What ZydisDecoderDecodeFull() returned. */
	ZyanStatus zydis_status;
	/** The status mmiodec should return: OK, NO_MEMORY, UNSUPPORTED when
	 *  Zydis decodes the bytes; TRUNCATED for ZYDIS_STATUS_NO_MORE_DATA;
	 *  INVALID for any other failure. */
	enum mmiodec_status status;
	/** Instruction length when Zydis decodes the bytes, else 0. */
	uint8_t length;
	ZydisDecodedInstruction insn;
	ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
};

/** Set up Zydis for mode 16 (LONG_COMPAT_16), 32 (LONG_COMPAT_32) or 64
 *  (LONG_64), each with the matching stack width. False for other modes. */
bool zydis_oracle_init(struct zydis_oracle *oracle, unsigned mode);

/** Decode bytes[0..len) with Zydis and classify the result. Returns
 *  answer->status. */
enum mmiodec_status zydis_oracle_decode(const struct zydis_oracle *oracle,
					const uint8_t *bytes, size_t len,
					struct zydis_answer *answer);

/**
 * The line mmiodec_json_format() should print for bytes[0..len) in mode,
 * built from Zydis's answer. Pass exactly the bytes to show (for a valid
 * instruction, its answer->length bytes, as the harness does). Returns what
 * snprintf would: the length needed, excluding the NUL.
 */
int zydis_json_format(char *out, size_t cap, const uint8_t *bytes, size_t len,
		      unsigned mode, const struct zydis_answer *answer);

/** The short name of a Zydis decoder status ("no-more-data",
 *  "decoding-error", "illegal-lock", ...), or "success". */
const char *zydis_status_name(ZyanStatus status);

#endif /* MMIODEC_ZYDIS_JSON_H */
