/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader (RFC 8259) for one line of input, such as a line of
 * `mmiodec exec`: it checks the whole text and turns it into a tree of
 * values held in a fixed array, with no allocation.
 *
 * The text is changed in place: each string's contents are unescaped over
 * the text it came from and NUL-terminated there (an unescaped string is
 * never longer than its escaped form). Numbers are checked against JSON's
 * grammar and kept as text for the caller to convert as it needs.
 * Strings are not checked to be valid UTF-8; \u escapes (surrogate pairs
 * included) become UTF-8, a lone surrogate is an error.
 */
#ifndef MMIODEC_TOOLS_JSON_READ_H
#define MMIODEC_TOOLS_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

/* The most values one document may hold: far more than a line of `mmiodec
 * exec` needs (about 40), small enough to sit on the stack. */
#define JSON_MAX_VALUES 256

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/*
 * One value. Children of an array or object follow their parent in the
 * array of values; @first and @next link them in order.
 * @type: what it is
 * @text: a string's unescaped contents (NUL-terminated; it may hold a NUL
 *	itself, from \u0000, so use @length) or a number's text (not
 *	terminated); NULL for the others
 * @length: bytes at @text
 * @key: for a member of an object, its key, unescaped and NUL-terminated
 * @key_length: bytes at @key
 * @count: an array's elements or an object's members
 * @first: index of the first element or member (when @count > 0)
 * @next: index of the next sibling, 0 after the last one
 * @column: 1-based byte offset of the value in the line, for messages
 */
struct json_value {
	enum json_type type;
	const char *text;
	size_t length;
	const char *key;
	size_t key_length;
	unsigned count;
	unsigned first;
	unsigned next;
	size_t column;
};

/*
 * A parsed line: values[0] is the top-level value.
 * @error: why the text is not JSON (or is too large or too deep), with the
 *	column where that was found
 */
struct json_document {
	struct json_value values[JSON_MAX_VALUES];
	unsigned count;
	char error[96];
};

/*
 * json_parse() - read one JSON text
 * @doc: where the values go
 * @text: the text, text[0..length); changed in place (see above)
 * @length: its length in bytes; a NUL byte inside it is an error
 * @max_depth: how deeply arrays and objects may nest: 1 allows an object
 *	of plain values, 2 an object of objects...
 *
 * Whitespace (space, tab, CR, LF) may surround the value; nothing else
 * may follow it.
 *
 * Return: true; false with a message in doc->error.
 */
bool json_parse(struct json_document *doc, char *text, size_t length,
		unsigned max_depth);

/* Whether a string value (or a key: pass key and key_length) is s. */
bool json_text_is(const char *text, size_t length, const char *s);

/* The name of a type: "null", "false", "true", "a number"... for
 * messages. */
const char *json_type_name(enum json_type type);

#endif /* MMIODEC_TOOLS_JSON_READ_H */
