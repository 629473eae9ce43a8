/* Unit tests for src/lib/utf8.c: decoding (and refusing what is not UTF-8), display widths
 * (ASCII, accents, combining marks, CJK, Hangul, emoji, RTL letters), visible escapes of
 * controls and invisible characters, and cutting to a width between characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

static size_t width(const char *s)
{
	return utf8_width(s, strlen(s));
}

static void assert_visible(const char *in, size_t len, const char *expected)
{
	size_t n;
	char *v = utf8_visible(in, len, &n);
	assert_string_equal(v, expected);
	assert_int_equal(n, strlen(expected));
	free(v);
}

static void test_decode(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xc3\xa9", 2, &cp), 2); /* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xe5\xb1\xb1", 3, &cp), 3); /* 山 */
	assert_int_equal(cp, 0x5C71);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4); /* 😀 */
	assert_int_equal(cp, 0x1F600);
	/* not UTF-8: overlong, surrogate, beyond U+10FFFF, cut short, stray continuation */
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), 0);
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(utf8_decode("\xe5\xb1", 2, &cp), 0);
	assert_int_equal(utf8_decode("\x80", 1, &cp), 0);
}

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(width("Anna Snelling"), 13);
	assert_int_equal(width("Echeverr\xc3\xad" "a"), 10);      /* í precomposed */
	assert_int_equal(width("Echeverri\xcc\x81" "a"), 10);  /* i + combining acute */
	assert_int_equal(width("\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e"), 8); /* 山田太郎 */
	assert_int_equal(width("\xea\xb9\x80\xeb\xaf\xbc\xec\xa4\x80"), 6);             /* 김민준 */
	assert_int_equal(width("\xef\xbc\xa1"), 2);                                      /* fullwidth A */
	assert_int_equal(width("\xf0\x9f\x98\x80"), 2);                                  /* 😀 */
	/* Arabic and Hebrew letters take one column each; the space too */
	assert_int_equal(width("\xd9\x85\xd8\xad\xd9\x85\xd8\xaf" " \xd8\xa7\xd9\x84\xd8\xb9\xd9\x84\xd9\x8a"), 10);
	assert_int_equal(width("\xd7\x93\xd7\x95\xd7\x93"), 3);
	assert_int_equal(width("a\xe2\x80\x8d" "b"), 2); /* zero width joiner */
	assert_int_equal(width("\xff" "a"), 2);          /* a byte that is not UTF-8 counts 1 */
	assert_int_equal(utf8_cp_width(0x3099), 0);      /* combining kana mark inside a wide block */
	assert_int_equal(utf8_cp_width(0x3042), 2);
	/* the narrow shortcut ends where the first combining mark starts */
	assert_int_equal(utf8_cp_width(0x02FF), 1);
	assert_int_equal(utf8_cp_width(0x0300), 0);
	assert_int_equal(utf8_cp_width(0x1F), 1);
	assert_int_equal(width("ab\x1b" "cd\xcc\x81" "e"), 6); /* a control counts 1, a mark 0 */
}

static void test_visible(void **state)
{
	(void)state;
	assert_visible("plain", 5, "plain");
	assert_visible("Tab\tName", 8, "Tab\\tName");
	assert_visible("a\nb\rc\\d", 7, "a\\nb\\rc\\\\d");
	assert_visible("\x1b[31mred", 8, "\\u{001B}[31mred");
	assert_visible("x\x7fy", 3, "x\\u{007F}y");
	assert_visible("\xc2\x85", 2, "\\u{0085}");              /* C1 control */
	assert_visible("a\xe2\x80\xae" "b", 5, "a\\u{202E}b");   /* right-to-left override */
	assert_visible("\xe2\x81\xa6" "x", 4, "\\u{2066}x");     /* left-to-right isolate */
	assert_visible("\xef\xbb\xbf" "x", 4, "\\u{FEFF}x");     /* byte order mark */
	assert_visible("a\xe2\x80\xa8" "b", 5, "a\\u{2028}b");   /* line separator */
	assert_visible("\xff\xfe", 2, "\\xFF\\xFE");
	assert_visible("a\0b", 3, "a\\u{0000}b");
	/* letters of any script stay */
	assert_visible("\xd7\x93\xd7\x95\xd7\x93", 6, "\xd7\x93\xd7\x95\xd7\x93");
	assert_visible("\xe5\xb1\xb1\xe7\x94\xb0", 6, "\xe5\xb1\xb1\xe7\x94\xb0");
	/* plain runs around escapes, and a plain string on its own */
	assert_visible("ab\\cd\tef", 8, "ab\\\\cd\\tef");
	assert_visible("~ }", 3, "~ }");
	assert_visible("", 0, "");
	assert_visible("\x1f x \x7f", 5, "\\u{001F} x \\u{007F}");
	assert_true(utf8_cp_hidden(0x202E));
	assert_false(utf8_cp_hidden(0x05D3));
}

static void test_prefix(void **state)
{
	(void)state;
	size_t w;
	const char *cjk = "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa"; /* 山田太: 6 columns */
	assert_int_equal(utf8_prefix(cjk, 9, 5, &w), 6);          /* two characters; the third would be 6 */
	assert_int_equal(w, 4);
	assert_int_equal(utf8_prefix(cjk, 9, 6, &w), 9);
	assert_int_equal(w, 6);
	assert_int_equal(utf8_prefix("abcdef", 6, 3, &w), 3);
	assert_int_equal(w, 3);
	/* a combining mark stays with its base */
	assert_int_equal(utf8_prefix("ei\xcc\x81x", 5, 2, &w), 4);
	assert_int_equal(w, 2);
	assert_int_equal(utf8_prefix("", 0, 3, &w), 0);
	assert_int_equal(w, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_prefix),
	};
	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
