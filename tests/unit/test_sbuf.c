/* Unit tests for growing strings (src/lib/sbuf.c): text of any length is kept whole, and a
 * value shown from the data is cut only on purpose, visibly ("... (N bytes)"), on a UTF-8
 * character's boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbuf.h"

static void test_empty(void **state)
{
	(void)state;
	struct sbuf b = { 0 };
	assert_string_equal(sb_text(&b), "");
	sb_reset(&b); /* nothing to empty: no harm */
	sb_add(&b, "", 0);
	assert_string_equal(sb_text(&b), "");
	assert_int_equal(b.len, 0);
	sb_free(&b);
	assert_null(b.s);
}

/* Longer than the first guess of sb_printf (128 bytes) and than any old fixed buffer. */
static void test_printf_grows(void **state)
{
	(void)state;
	size_t n = 100000;
	char *path = malloc(n + 1);
	assert_non_null(path);
	memset(path, 'p', n);
	path[n] = '\0';
	struct sbuf b = { 0 };
	sb_str(&b, "at ");
	sb_printf(&b, "%s:%llu", path, 42ULL);
	sb_printf(&b, "%s", ""); /* formats nothing */
	assert_int_equal(b.len, 3 + n + 3);
	assert_int_equal(strlen(b.s), b.len);
	assert_memory_equal(b.s + 3, path, n);
	assert_string_equal(b.s + 3 + n, ":42");
	size_t cap = b.cap;
	sb_reset(&b); /* emptied, its room kept */
	assert_int_equal(b.len, 0);
	assert_string_equal(sb_text(&b), "");
	assert_int_equal(b.cap, cap);
	sb_printf(&b, "%d-%s", 7, "x");
	assert_string_equal(b.s, "7-x");
	sb_free(&b);
	free(path);
}

static void cut(const char *value, size_t len, const char *want)
{
	struct sbuf b = { 0 };
	sb_str(&b, "[");
	sb_cut_value(&b, value, len);
	sb_str(&b, "]");
	assert_string_equal(b.s, want);
	sb_free(&b);
}

static void test_cut_value(void **state)
{
	(void)state;
	cut("Ana Diaz", 8, "[Ana Diaz]");
	cut("", 0, "[]");
	cut("\\x1b\x1b", 5, "[\\x1b\x1b]"); /* as it is: diag escapes it once */
	cut("ab\0cd", 5, "[ab... (5 bytes)]"); /* a NUL would end the message */

	char v[100];
	memset(v, 'b', sizeof v);
	cut(v, 60, "[bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]"); /* 60: whole */
	cut(v, 61, "[bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb... (61 bytes)]");
	cut(v, 100, "[bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb... (100 bytes)]");
}

/* 59 ASCII bytes then "é" (2 bytes) straddles byte 60: the cut goes before it, never
 * between its two bytes. */
static void test_cut_utf8_boundary(void **state)
{
	(void)state;
	char v[80];
	memset(v, 'a', 59);
	memcpy(v + 59, "\xc3\xa9", 2);
	memset(v + 61, 'z', 10);
	struct sbuf b = { 0 };
	sb_cut_value(&b, v, 71);
	char want[128];
	memset(want, 'a', 59);
	strcpy(want + 59, "... (71 bytes)");
	assert_string_equal(b.s, want);
	sb_free(&b);

	/* a 4-byte character at bytes 58-61: cut before its first byte */
	memset(v, 'a', 58);
	memcpy(v + 58, "\xf0\x9f\x98\x80", 4);
	sb_cut_value(&b, v, 62);
	memset(want, 'a', 58);
	strcpy(want + 58, "... (62 bytes)");
	assert_string_equal(b.s, want);
	sb_free(&b);

	/* a character ending at byte 60 is kept whole */
	memset(v, 'a', 58);
	memcpy(v + 58, "\xc3\xa9", 2);
	memset(v + 60, 'z', 10);
	sb_cut_value(&b, v, 70);
	assert_int_equal(memcmp(b.s + 58, "\xc3\xa9...", 5), 0);
	sb_free(&b);
}

/* A problem keeps a value's first SB_VALUE_HEAD - 1 bytes and its whole length: shown
 * from the head alone as from all of it. */
static void test_cut_from_head(void **state)
{
	(void)state;
	size_t n = 10 * 1000 * 1000;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'v', n);
	char head[SB_VALUE_HEAD];
	memcpy(head, big, sizeof head - 1);
	head[sizeof head - 1] = '\0';
	struct sbuf all = { 0 }, kept = { 0 };
	sb_quote_value(&all, big, n);
	sb_quote_value(&kept, head, n);
	assert_string_equal(all.s, kept.s);
	assert_string_equal(all.s + 60, "... (10000000 bytes)");
	sb_free(&all);
	sb_free(&kept);
	free(big);
}

static void test_quote_value(void **state)
{
	(void)state;
	struct sbuf b = { 0 };
	sb_str(&b, "x=");
	sb_quote_value(&b, "\\x1b\x1b", 5);
	assert_string_equal(b.s, "x=\\\\x1b\\x1b");
	sb_free(&b);
	sb_quote_value(&b, "ab\0cd", 5); /* escaped, a NUL needs no cut */
	assert_string_equal(b.s, "ab\\x00cd");
	sb_free(&b);

	char v[100];
	memset(v, 'a', sizeof v);
	v[0] = '\t'; /* escaped: 2 bytes shown for 1, the cut still counts the value's bytes */
	sb_quote_value(&b, v, sizeof v);
	assert_int_equal(strncmp(b.s, "\\taaa", 5), 0);
	assert_int_equal(b.len, 61 + strlen("... (100 bytes)"));
	assert_string_equal(b.s + 61, "... (100 bytes)");
	sb_free(&b);
}

static void test_escape_whole(void **state)
{
	(void)state;
	size_t n = 5000;
	char *name = malloc(n);
	assert_non_null(name);
	memset(name, 'n', n);
	name[0] = '\n';
	struct sbuf b = { 0 };
	sb_escape(&b, name, n);
	assert_int_equal(b.len, n + 1); /* \n is two bytes; nothing cut */
	assert_int_equal(strncmp(b.s, "\\nnn", 4), 0);
	sb_free(&b);
	free(name);
}

static void test_names(void **state)
{
	(void)state;
	char *names[25];
	char text[25][16]; /* "c" and an int */
	for (int i = 0; i < 25; i++) {
		snprintf(text[i], sizeof text[i], "c%d", i);
		names[i] = text[i];
	}
	struct sbuf b = { 0 };
	sb_names(&b, names, 3);
	assert_string_equal(b.s, " c0 c1 c2");
	sb_reset(&b);
	sb_names(&b, names, 25);
	assert_string_equal(b.s, " c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 ...");
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_printf_grows),
		cmocka_unit_test(test_cut_value),
		cmocka_unit_test(test_cut_utf8_boundary),
		cmocka_unit_test(test_cut_from_head),
		cmocka_unit_test(test_quote_value),
		cmocka_unit_test(test_escape_whole),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
