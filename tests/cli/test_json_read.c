/* SPDX-License-Identifier: MIT */
/*
 * The JSON reader of `mmiodec exec` (tools/json_read.c) on its own: the
 * tree it builds, string unescaping (RFC 8259 section 7), the number
 * grammar (section 6), and a message at the right column for each way a
 * line can be wrong, too deep or too large.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_read.h"

static struct json_document doc;

/* Parse a copy of text (the reader changes it); the copy lives on until
 * the next call. */
static bool parse(const char *text, unsigned max_depth)
{
	static char buffer[4096];
	size_t n = strlen(text);

	assert_true(n < sizeof(buffer));
	memcpy(buffer, text, n + 1);
	return json_parse(&doc, buffer, n, max_depth);
}

static void tree(void **state)
{
	const struct json_value *v = doc.values;
	unsigned a, b, c, d, e;

	(void)state;
	assert_true(parse(" {\"s\":\"x\", \"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,"
			  "\"a\":[1,{}],\"o\":{\"k\":[]}}\r\n", 3));
	assert_int_equal(v[0].type, JSON_OBJECT);
	assert_int_equal(v[0].count, 7);
	assert_int_equal(v[0].column, 2);
	a = v[0].first;
	assert_int_equal(v[a].type, JSON_STRING);
	assert_string_equal(v[a].key, "s");
	assert_int_equal(v[a].length, 1);
	assert_string_equal(v[a].text, "x");
	b = v[a].next;
	assert_int_equal(v[b].type, JSON_NUMBER);
	assert_string_equal(v[b].key, "n");
	assert_int_equal(v[b].length, 6);
	assert_memory_equal(v[b].text, "-1.5e3", 6);
	c = v[b].next;
	assert_int_equal(v[c].type, JSON_TRUE);
	c = v[c].next;
	assert_int_equal(v[c].type, JSON_FALSE);
	c = v[c].next;
	assert_int_equal(v[c].type, JSON_NULL);
	d = v[c].next;
	assert_int_equal(v[d].type, JSON_ARRAY);
	assert_string_equal(v[d].key, "a");
	assert_int_equal(v[d].count, 2);
	assert_int_equal(v[v[d].first].type, JSON_NUMBER);
	assert_null(v[v[d].first].key);
	assert_int_equal(v[v[v[d].first].next].type, JSON_OBJECT);
	assert_int_equal(v[v[v[d].first].next].count, 0);
	assert_int_equal(v[v[v[d].first].next].next, 0);
	e = v[d].next;
	assert_int_equal(v[e].type, JSON_OBJECT);
	assert_string_equal(v[e].key, "o");
	assert_int_equal(v[v[e].first].type, JSON_ARRAY);
	assert_string_equal(v[v[e].first].key, "k");
	assert_int_equal(v[e].next, 0);
	assert_int_equal(doc.count, 11);
}

static void string_escapes(void **state)
{
	static const struct {
		const char *json;
		const char *text;
		size_t length;
	} cases[] = {
		{ "\"\"", "", 0 },
		{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8 },
		{ "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6 },
		{ "\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!", 5 },
		{ "\"a\\u0000b\"", "a\0b", 3 },
		/* Bytes above 0x7f pass as they are. */
		{ "\"\xc3\xa9\"", "\xc3\xa9", 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(parse(cases[i].json, 0));
		assert_int_equal(doc.values[0].type, JSON_STRING);
		assert_int_equal(doc.values[0].length, cases[i].length);
		assert_memory_equal(doc.values[0].text, cases[i].text, cases[i].length + 1);
	}
	/* Keys are unescaped too. */
	assert_true(parse("{\"r\\u0061x\":1}", 1));
	assert_true(json_text_is(doc.values[1].key, doc.values[1].key_length, "rax"));
}

static void numbers(void **state)
{
	static const char *const good[] = {
		"0", "-0", "7", "18446744073709551616", "1.5", "-0.25", "1e10", "1E+2", "2e-3",
	};
	static const char *const bad[] = {
		"01", "1.", ".5", "-", "1e", "1e+", "+1", "0x10", "-a", "1.e3",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(parse(good[i], 0));
		assert_int_equal(doc.values[0].type, JSON_NUMBER);
		assert_int_equal(doc.values[0].length, strlen(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(parse(bad[i], 0));
}

static void errors(void **state)
{
	static const struct {
		const char *json;
		unsigned max_depth;
		const char *error;
	} cases[] = {
		{ "", 2, "column 1: a value expected, found the end of the line" },
		{ "   ", 2, "column 4: a value expected, found the end of the line" },
		{ "{", 2, "column 2: a key (a string) expected, found the end of the line" },
		{ "{\"a\"}", 2, "column 5: ':' expected after a key, found '}'" },
		{ "{\"a\":}", 2, "column 6: a value expected, found '}'" },
		{ "{\"a\":1 \"b\":2}", 2, "column 8: ',' or '}' expected, found '\"'" },
		{ "[1,]", 2, "column 4: a value expected, found ']'" },
		{ "[1 2]", 2, "column 4: ',' or ']' expected, found '2'" },
		{ "{'a':1}", 2, "column 2: a key (a string) expected, found '''" },
		{ "{1:1}", 2, "column 2: a key (a string) expected, found '1'" },
		{ "1 2", 2, "column 3: more after the value" },
		{ "tru", 2, "column 1: 'true' expected" },
		{ "nul", 2, "column 1: 'null' expected" },
		{ "\"abc", 2, "column 5: the string has no closing quote" },
		{ "\"a\tb\"", 2, "column 3: a control character in a string (escape it)" },
		{ "\"\\x\"", 2, "column 2: unknown escape \\x" },
		{ "\"\\u12\"", 2, "column 6: \\u needs four hex digits" },
		{ "\"\\udc00\"", 2, "column 8: a low surrogate without a high one" },
		{ "\"\\ud800x\"", 2, "column 8: a high surrogate without a low one" },
		{ "\"\\ud800\\u0041\"", 2, "column 14: a high surrogate without a low one" },
		{ "01", 2, "column 2: a number with a leading zero" },
		{ "[]", 0, "column 1: nested deeper than 0 levels" },
		{ "{\"a\":[]}", 1, "column 6: nested deeper than 1 levels" },
		{ "[[[]]]", 2, "column 3: nested deeper than 2 levels" },
		{ "\x01", 2, "column 1: a value expected, found byte 0x01" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].json, cases[i].max_depth))
			fail_msg("case %zu (%s) parsed", i, cases[i].json);
		assert_string_equal(doc.error, cases[i].error);
	}
}

/* A NUL byte inside the given length is an error, not an end. */
static void nul_byte(void **state)
{
	char text[] = "{\"a\":1}";

	(void)state;
	text[5] = '\0';
	assert_false(json_parse(&doc, text, sizeof(text) - 1, 2));
	assert_string_equal(doc.error, "column 6: a NUL byte");
}

/* JSON_MAX_VALUES values fit, one more does not. */
static void value_limit(void **state)
{
	static char text[4 * JSON_MAX_VALUES];
	size_t n = 0;

	(void)state;
	text[n++] = '[';
	for (unsigned i = 0; i < JSON_MAX_VALUES - 1; i++)
		n += (size_t)sprintf(text + n, "%s0", i ? "," : "");
	text[n++] = ']';
	assert_true(json_parse(&doc, text, n, 1));
	assert_int_equal(doc.count, JSON_MAX_VALUES);

	n = 0;
	text[n++] = '[';
	for (unsigned i = 0; i < JSON_MAX_VALUES; i++)
		n += (size_t)sprintf(text + n, "%s0", i ? "," : "");
	text[n++] = ']';
	assert_false(json_parse(&doc, text, n, 1));
	assert_string_equal(doc.error, "column 512: more than 256 values");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree),
		cmocka_unit_test(string_escapes),
		cmocka_unit_test(numbers),
		cmocka_unit_test(errors),
		cmocka_unit_test(nul_byte),
		cmocka_unit_test(value_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
