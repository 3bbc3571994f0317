/* SPDX-License-Identifier: MIT */
/*
 * One JSON line per decoded instruction: the format the mmiodec CLI prints
 * with --json and the Zydis differential harness compares. Hosted C (uses
 * snprintf), so it lives beside the tools, not in the freestanding library.
 */
#ifndef MMIODEC_JSON_H
#define MMIODEC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "mmiodec.h"

/*
 * Write one JSON object (no trailing newline) for an instruction decoded
 * from bytes[0..len) in mode (16/32/64). Returns what snprintf would: the
 * length it needs (excluding NUL); writes at most cap bytes incl. NUL.
 *
 * Field order, no spaces:
 *   bytes, mode, vendor (the vendor it was decoded for), status,
 *   vendor_dependent (true or false), then length (ok, no-memory,
 *   unsupported; vendor-dependent when both vendors agree on it),
 *   then for ok only: mnemonic, direction, width, extend, register
 *   (named at dest_width: the width the instruction uses it at),
 *   immediate, rep, locked (true or false), mask ("k1".."k7", or null:
 *   no opmask), zeroing (true or false: EVEX.z), reg2 (the XMM register
 *   VMOVLPS/VMOVHPS/VMOVLPD/VMOVHPD loads take their other half from,
 *   else null), memory[] of {segment, base, index, scale, displacement,
 *   address_size, access, align, element}. direction and access are
 *   "read", "write" or "read-write"; align is the alignment the CPU
 *   requires in bytes (0: none), element the size of the elements a mask
 *   selects (0: unmasked).
 * A register or segment the library cannot name (a bad descriptor) shows
 * as "?", never as null, which means there is none.
 */
int mmiodec_json_format(char *out, size_t cap, const uint8_t *bytes,
			size_t len, unsigned mode,
			const struct mmiodec_insn *insn);

/*
 * The line for input that is not hex:
 *   {"bytes":<text as a JSON string>,"status":"bad-input","error":<error>}
 * Same return convention as mmiodec_json_format(). Bytes of text that are
 * not valid UTF-8 become U+FFFD, so the line is always valid JSON.
 */
int mmiodec_json_bad_input(char *out, size_t cap, const char *text,
			   const char *error);

/*
 * text as a JSON string, quotes included, escaped as in
 * mmiodec_json_bad_input(). Same return convention.
 */
int mmiodec_json_string(char *out, size_t cap, const char *text);

#endif /* MMIODEC_JSON_H */
