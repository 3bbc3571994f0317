/* SPDX-License-Identifier: MIT */
#include "hex.h"

#include <stdio.h>

int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool parse_hex(const char *text, size_t n, uint8_t *bytes, size_t *count,
	       char *error, size_t error_cap)
{
	size_t i = 0;

	*count = 0;
	while (i < n) {
		if (text[i] == ' ' || text[i] == '\t') {
			i++;
			continue;
		}
		/* A group of digits up to the next blank: whole bytes only. */
		size_t start = i;

		while (i < n && text[i] != ' ' && text[i] != '\t') {
			if (hex_digit_value(text[i]) < 0) {
				snprintf(error, error_cap, "not a hex digit at column %zu", i + 1);
				return false;
			}
			i++;
		}
		if ((i - start) % 2 != 0) {
			snprintf(error, error_cap,
				 "odd number of hex digits (unpaired digit at column %zu)", i);
			return false;
		}
		for (size_t k = start; k < i; k += 2) {
			if (*count == MAX_INPUT_BYTES) {
				snprintf(error, error_cap, "too long: more than %d bytes",
					 MAX_INPUT_BYTES);
				return false;
			}
			bytes[(*count)++] = (uint8_t)(hex_digit_value(text[k]) << 4 |
						      hex_digit_value(text[k + 1]));
		}
	}
	if (*count == 0) {
		snprintf(error, error_cap, "%s", n == 0 ? "empty input" : "no hex digits");
		return false;
	}
	return true;
}
