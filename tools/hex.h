/* SPDX-License-Identifier: MIT */
/*
 * Hex text to bytes, as the mmiodec CLI reads an instruction: pairs of hex
 * digits (either case), spaces and tabs allowed between bytes ("88 27"),
 * never between the two digits of one byte.
 */
#ifndef MMIODEC_TOOLS_HEX_H
#define MMIODEC_TOOLS_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Far more than an instruction needs (15 bytes), so that trailing bytes
 * can be given and shown, yet bounded. */
#define MAX_INPUT_BYTES 64

/* The value of one hex digit, or -1. */
int hex_digit_value(char c);

/*
 * Parse text[0..n) into at most MAX_INPUT_BYTES bytes. On failure return
 * false with a message in error ("not a hex digit at column 3"; columns
 * are 1-based byte offsets into text).
 */
bool parse_hex(const char *text, size_t n, uint8_t *bytes, size_t *count,
	       char *error, size_t error_cap);

#endif /* MMIODEC_TOOLS_HEX_H */
