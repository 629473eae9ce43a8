/* Unit tests for reject files (src/lib/reject.c): the fields past the header's count are
 * listed in the reason escaped as diag escapes values (a backslash as \\, an ESC byte as
 * \x1b, a NUL as \x00), then written as TSV like the rest of the reason; the same whether
 * the row is written at once or kept in a chunk's buffer first. */
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
#include "output.h"
#include "reject.h"

static char path[64];

static int make_path(void **state)
{
	(void)state;
	snprintf(path, sizeof path, "/tmp/spm-test-reject-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int remove_path(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* The file's text (at most 1 KiB: the tests write one row). */
static const char *file_text(void)
{
	static char buf[1024];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A row "A", then three fields past a header of one column: the four characters \x1b, an
 * ESC byte with text, and a NUL byte between two letters. */
static char f0[] = "A", f1[] = "x\\x1b", f2[] = "\033[2J", f3[] = { 'a', '\0', 'b' };
static char *fields[] = { f0, f1, f2, f3 };
static const size_t lens[] = { 1, 5, 4, 3 };
static const struct row row = { .count = 4, .field = fields, .len = lens, .line = 2 };

/* The reason as the file holds it: diag's escapes, each backslash doubled once more by TSV. */
static const char *const want = "A\tline 2: bad; extra fields: x\\\\\\\\x1b | \\\\x1b[2J | a\\\\x00b\n";

static void test_extra_fields_escaped(void **state)
{
	(void)state;
	struct output o;
	output_open(&o, path);
	reject_write_row(&o, &row, 1, "line 2: bad");
	output_close(&o);
	assert_string_equal(file_text(), want);
}

static void test_kept_extra_fields_escaped(void **state)
{
	(void)state;
	struct output o;
	struct reject_buffer *b = reject_buffer_new();
	reject_buffer_add(b, &row, 1, 2, "bad");
	output_open(&o, path);
	reject_buffer_flush(b, &o, 0);
	output_close(&o);
	reject_buffer_free(b);
	assert_string_equal(file_text(), want);
}

int main(void)
{
	diag_set_program("test_reject");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_extra_fields_escaped, make_path, remove_path),
		cmocka_unit_test_setup_teardown(test_kept_extra_fields_escaped, make_path, remove_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
