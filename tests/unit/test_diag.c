/* Unit tests for the escaping of diagnostics (src/lib/diag.c): text from the data is shown
 * with control bytes escaped and a backslash doubled, so a name holding the four characters
 * \x1b and one holding an ESC byte give different messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "diag.h"

static char *escaped(const char *s, size_t len)
{
	char *dst = malloc(4 * len + 1);
	assert_non_null(dst);
	size_t n = diag_escape(dst, s, len);
	assert_int_equal(n, strlen(dst));
	return dst;
}

static void check_escape(const char *s, size_t len, const char *want)
{
	char *got = escaped(s, len);
	assert_string_equal(got, want);
	free(got);
}

static void test_escape_rule(void **state)
{
	(void)state;
	check_escape("Ana Diaz", 8, "Ana Diaz");
	check_escape("a\tb\nc\rd", 7, "a\\tb\\nc\\rd");
	check_escape("\x1b[2J", 4, "\\x1b[2J");
	check_escape("a\x7f", 2, "a\\x7f");
	check_escape("a\0b", 3, "a\\x00b");
	check_escape("C:\\data", 7, "C:\\\\data");
	check_escape("\xc3\xa9t\xc3\xa9", 5, "\xc3\xa9t\xc3\xa9"); /* UTF-8 as it is */
	check_escape("", 0, "");
}

/* The defect: a backslash kept as it is made these two read the same. */
static void test_backslash_and_esc_differ(void **state)
{
	(void)state;
	char *literal = escaped("\\x1b", 4), *esc = escaped("\x1b", 1);
	assert_string_equal(literal, "\\\\x1b");
	assert_string_equal(esc, "\\x1b");
	assert_string_not_equal(literal, esc);
	free(literal);
	free(esc);
}

/* What diag_at prints for a name in the message, in the column and in the value. */
static char *printed_at(const char *name)
{
	fflush(stderr);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	char message[128];
	snprintf(message, sizeof message, "the rep '%s' has no plan", name);
	diag_at("r.tsv", 2, name, name, strlen(name), message);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	long size = ftell(tmp);
	assert_true(size > 0);
	char *text = calloc((size_t)size + 1, 1);
	assert_non_null(text);
	rewind(tmp);
	assert_int_equal(fread(text, 1, (size_t)size, tmp), (size_t)size);
	fclose(tmp);
	return text;
}

static void test_diag_at_escapes_once(void **state)
{
	(void)state;
	char *literal = printed_at("\\x1b"), *esc = printed_at("\x1b");
	assert_string_equal(literal, "spm: r.tsv:2: \\\\x1b: the rep '\\\\x1b' has no plan (\"\\\\x1b\")\n");
	assert_string_equal(esc, "spm: r.tsv:2: \\x1b: the rep '\\x1b' has no plan (\"\\x1b\")\n");
	free(literal);
	free(esc);
}

/* A message built by diag_atf is never cut: a path of 5,000 bytes is printed whole. */
static void test_diag_atf_whole(void **state)
{
	(void)state;
	size_t n = 5000;
	char *path = malloc(n + 1);
	assert_non_null(path);
	memset(path, 'd', n);
	path[n] = '\0';
	fflush(stderr);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	diag_atf("r.tsv", 3, "owner", NULL, 0, "the first is at %s:%d", path, 7);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	long size = ftell(tmp);
	char *text = calloc((size_t)size + 1, 1);
	assert_non_null(text);
	rewind(tmp);
	assert_int_equal(fread(text, 1, (size_t)size, tmp), (size_t)size);
	fclose(tmp);
	const char *head = "spm: r.tsv:3: owner: the first is at ";
	assert_int_equal((size_t)size, strlen(head) + n + strlen(":7\n"));
	assert_memory_equal(text, head, strlen(head));
	assert_string_equal(text + strlen(head) + n, ":7\n");
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_rule),
		cmocka_unit_test(test_backslash_and_esc_differ),
		cmocka_unit_test(test_diag_atf_whole),
		cmocka_unit_test(test_diag_at_escapes_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
