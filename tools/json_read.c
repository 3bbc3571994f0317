/* SPDX-License-Identifier: MIT */
#include "json_read.h"
#include "hex.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The parse in progress: text[pos] is the next byte to read. */
struct reader {
	struct json_document *doc;
	char *text;
	size_t length;
	size_t pos;
	unsigned max_depth;
	char found[16];
};

/* Records "column N: message" (at the current position) and returns
 * false, so that every error path is `return fail(...)`. */
static bool fail(struct reader *r, const char *format, ...)
{
	/* Short enough that "column N: " fits in front of it. */
	char message[sizeof(r->doc->error) - 32];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	snprintf(r->doc->error, sizeof(r->doc->error), "column %zu: %s", r->pos + 1, message);
	return false;
}

static bool at_end(const struct reader *r)
{
	return r->pos >= r->length;
}

static char peek(const struct reader *r)
{
	return at_end(r) ? '\0' : r->text[r->pos];
}

/* JSON's whitespace: space, tab, LF, CR (RFC 8259 section 2). */
static void skip_space(struct reader *r)
{
	while (peek(r) == ' ' || peek(r) == '\t' || peek(r) == '\n' || peek(r) == '\r')
		r->pos++;
}

/* What stands at the current position, for "expected X, found Y". */
static const char *found(struct reader *r)
{
	char c = peek(r);

	if (at_end(r))
		return "the end of the line";
	if (c > 0x20 && c < 0x7f)
		snprintf(r->found, sizeof(r->found), "'%c'", c);
	else
		snprintf(r->found, sizeof(r->found), "byte 0x%02x", (unsigned char)c);
	return r->found;
}

static bool new_value(struct reader *r, enum json_type type, unsigned *index)
{
	struct json_document *doc = r->doc;

	if (doc->count == JSON_MAX_VALUES)
		return fail(r, "more than %d values", JSON_MAX_VALUES);
	*index = doc->count++;
	doc->values[*index] = (struct json_value){ .type = type, .column = r->pos + 1 };
	return true;
}

/* The four hex digits of a \u escape, r->pos on the first. */
static bool read_hex4(struct reader *r, unsigned *unit)
{
	*unit = 0;
	for (int i = 0; i < 4; i++) {
		int digit = hex_digit_value(peek(r));

		if (digit < 0)
			return fail(r, "\\u needs four hex digits");
		*unit = *unit << 4 | (unsigned)digit;
		r->pos++;
	}
	return true;
}

/* A \u escape (r->pos after the 'u', a second \uXXXX for a surrogate
 * pair), as UTF-8 at *out. */
static bool read_unicode_escape(struct reader *r, char **out)
{
	unsigned code, low;
	unsigned char *w = (unsigned char *)*out;

	if (!read_hex4(r, &code))
		return false;
	if (code >= 0xdc00 && code <= 0xdfff)
		return fail(r, "a low surrogate without a high one");
	if (code >= 0xd800 && code <= 0xdbff) {
		if (peek(r) != '\\' || r->pos + 1 >= r->length || r->text[r->pos + 1] != 'u')
			return fail(r, "a high surrogate without a low one");
		r->pos += 2;
		if (!read_hex4(r, &low))
			return false;
		if (low < 0xdc00 || low > 0xdfff)
			return fail(r, "a high surrogate without a low one");
		code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
	}
	if (code < 0x80) {
		*w++ = (unsigned char)code;
	} else if (code < 0x800) {
		*w++ = (unsigned char)(0xc0 | code >> 6);
		*w++ = (unsigned char)(0x80 | (code & 0x3f));
	} else if (code < 0x10000) {
		*w++ = (unsigned char)(0xe0 | code >> 12);
		*w++ = (unsigned char)(0x80 | (code >> 6 & 0x3f));
		*w++ = (unsigned char)(0x80 | (code & 0x3f));
	} else {
		*w++ = (unsigned char)(0xf0 | code >> 18);
		*w++ = (unsigned char)(0x80 | (code >> 12 & 0x3f));
		*w++ = (unsigned char)(0x80 | (code >> 6 & 0x3f));
		*w++ = (unsigned char)(0x80 | (code & 0x3f));
	}
	*out = (char *)w;
	return true;
}

/*
 * A string, r->pos on its opening quote. Unescapes it in place: the
 * output never overtakes the input (every escape is at least as long as
 * what it stands for), and the NUL that ends it lands at or before the
 * closing quote.
 */
static bool read_string(struct reader *r, const char **text, size_t *length)
{
	static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	char *start = r->text + r->pos + 1;
	char *w = start;

	r->pos++;
	for (;;) {
		if (at_end(r))
			return fail(r, "the string has no closing quote");
		char c = r->text[r->pos];

		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			return fail(r, "a control character in a string (escape it)");
		r->pos++;
		if (c != '\\') {
			*w++ = c;
			continue;
		}
		c = peek(r);
		if (c == 'u') {
			r->pos++;
			if (!read_unicode_escape(r, &w))
				return false;
			continue;
		}
		const char *e = c ? strchr(escapes, c) : NULL;

		/* escapes[] holds pairs: the letter, then what it means. */
		if (!e || (e - escapes) % 2 != 0) {
			r->pos--; /* point at the backslash */
			return fail(r, "unknown escape \\%c", c > 0x20 && c < 0x7f ? c : '?');
		}
		*w++ = e[1];
		r->pos++;
	}
	r->pos++;
	*w = '\0';
	*text = start;
	*length = (size_t)(w - start);
	return true;
}

static bool skip_digits(struct reader *r)
{
	size_t start = r->pos;

	while (peek(r) >= '0' && peek(r) <= '9')
		r->pos++;
	return r->pos > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool read_number(struct reader *r, struct json_value *v)
{
	size_t start = r->pos;

	if (peek(r) == '-')
		r->pos++;
	if (peek(r) == '0') {
		r->pos++;
		if (peek(r) >= '0' && peek(r) <= '9')
			return fail(r, "a number with a leading zero");
	} else if (!skip_digits(r)) {
		return fail(r, "a digit expected in a number");
	}
	if (peek(r) == '.') {
		r->pos++;
		if (!skip_digits(r))
			return fail(r, "a digit expected after the decimal point");
	}
	if (peek(r) == 'e' || peek(r) == 'E') {
		r->pos++;
		if (peek(r) == '+' || peek(r) == '-')
			r->pos++;
		if (!skip_digits(r))
			return fail(r, "a digit expected in the exponent");
	}
	v->text = r->text + start;
	v->length = r->pos - start;
	return true;
}

static bool read_literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if (r->length - r->pos < n || memcmp(r->text + r->pos, word, n) != 0)
		return fail(r, "'%s' expected", word);
	r->pos += n;
	return true;
}

static bool read_value(struct reader *r, unsigned depth, unsigned *index);

/* The elements of an array or the members of an object, r->pos after its
 * opening bracket; links them into values[parent]. */
static bool read_children(struct reader *r, unsigned depth, unsigned parent, bool object)
{
	char close = object ? '}' : ']';
	unsigned previous = 0;

	skip_space(r);
	if (peek(r) == close) {
		r->pos++;
		return true;
	}
	for (;;) {
		const char *key = NULL;
		size_t key_length = 0;
		unsigned child;

		if (object) {
			if (peek(r) != '"')
				return fail(r, "a key (a string) expected, found %s", found(r));
			if (!read_string(r, &key, &key_length))
				return false;
			skip_space(r);
			if (peek(r) != ':')
				return fail(r, "':' expected after a key, found %s", found(r));
			r->pos++;
			skip_space(r);
		}
		if (!read_value(r, depth, &child))
			return false;
		r->doc->values[child].key = key;
		r->doc->values[child].key_length = key_length;
		if (r->doc->values[parent].count++ == 0)
			r->doc->values[parent].first = child;
		else
			r->doc->values[previous].next = child;
		previous = child;
		skip_space(r);
		if (peek(r) == close) {
			r->pos++;
			return true;
		}
		if (peek(r) != ',')
			return fail(r, "',' or '%c' expected, found %s", close, found(r));
		r->pos++;
		skip_space(r);
	}
}

/* Any value, r->pos on its first byte; depth is the number of arrays and
 * objects around it. */
static bool read_value(struct reader *r, unsigned depth, unsigned *index)
{
	char c = peek(r);
	struct json_value *v;

	switch (c) {
	case '{':
	case '[':
		if (depth == r->max_depth)
			return fail(r, "nested deeper than %u levels", r->max_depth);
		if (!new_value(r, c == '{' ? JSON_OBJECT : JSON_ARRAY, index))
			return false;
		r->pos++;
		return read_children(r, depth + 1, *index, c == '{');
	case '"':
		if (!new_value(r, JSON_STRING, index))
			return false;
		v = &r->doc->values[*index];
		return read_string(r, &v->text, &v->length);
	case 't':
		return new_value(r, JSON_TRUE, index) && read_literal(r, "true");
	case 'f':
		return new_value(r, JSON_FALSE, index) && read_literal(r, "false");
	case 'n':
		return new_value(r, JSON_NULL, index) && read_literal(r, "null");
	default:
		if (c != '-' && !(c >= '0' && c <= '9'))
			return fail(r, "a value expected, found %s", found(r));
		if (!new_value(r, JSON_NUMBER, index))
			return false;
		return read_number(r, &r->doc->values[*index]);
	}
}

bool json_parse(struct json_document *doc, char *text, size_t length,
		unsigned max_depth)
{
	struct reader r = { .doc = doc, .text = text, .length = length,
			    .max_depth = max_depth };
	const char *nul = memchr(text, '\0', length);
	unsigned root;

	doc->count = 0;
	doc->error[0] = '\0';
	if (nul) {
		r.pos = (size_t)(nul - text);
		return fail(&r, "a NUL byte");
	}
	skip_space(&r);
	if (!read_value(&r, 0, &root))
		return false;
	skip_space(&r);
	if (!at_end(&r))
		return fail(&r, "more after the value");
	return true;
}

bool json_text_is(const char *text, size_t length, const char *s)
{
	return strlen(s) == length && memcmp(text, s, length) == 0;
}

const char *json_type_name(enum json_type type)
{
	switch (type) {
	case JSON_NULL: return "null";
	case JSON_FALSE: return "false";
	case JSON_TRUE: return "true";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}
