/* Unit tests for the stream contract (src/lib/stream.c) against man/spm.7's STREAMS table,
 * binding and detection; the number printer (src/lib/number.c); and the check that no
 * output names an input (src/lib/cli.c). Run from the top of the tree (make unit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "diag.h"
#include "number.h"
#include "stream.h"

/* ---- spm.7 against stream.c ---- */

struct man_stream {
	char name[32];
	char required[512], optional[512];
};

static void append_words(char *dst, size_t size, const char *words)
{
	if (strcmp(words, "(none)") == 0 || !*words)
		return;
	if (*dst)
		strncat(dst, " ", size - strlen(dst) - 1);
	strncat(dst, words, size - strlen(dst) - 1);
}

/* The rows of the STREAMS table: "name@required@optional", continued by "@...@...". */
static size_t read_man_table(struct man_stream *ms, size_t max)
{
	FILE *f = fopen("man/spm.7", "r");
	assert_non_null(f);
	char line[512];
	bool in_streams = false, in_table = false;
	size_t n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".SH ", 4) == 0)
			in_streams = strcmp(line, ".SH STREAMS") == 0;
		if (!in_streams)
			continue;
		if (strcmp(line, ".TS") == 0)
			in_table = true;
		else if (strcmp(line, ".TE") == 0)
			break;
		if (!in_table || !strchr(line, '@') || strncmp(line, "stream@", 7) == 0 ||
		    strncmp(line, "tab(", 4) == 0)
			continue;
		char *a = line, *b = strchr(a, '@');
		*b++ = '\0';
		char *c = strchr(b, '@');
		assert_non_null(c);
		*c++ = '\0';
		if (*a) {
			assert_true(n < max);
			memset(&ms[n], 0, sizeof ms[n]);
			snprintf(ms[n].name, sizeof ms[n].name, "%.31s", a);
			n++;
		}
		assert_true(n > 0);
		append_words(ms[n - 1].required, sizeof ms[n - 1].required, b);
		append_words(ms[n - 1].optional, sizeof ms[n - 1].optional, c);
	}
	fclose(f);
	return n;
}

static void columns_of(const struct stream_def *d, bool required, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < d->count; i++)
		if (d->columns[i].required == required)
			append_words(buf, size, column_name(d->columns[i].column));
}

static void test_man_page_says_what_the_code_says(void **state)
{
	(void)state;
	struct man_stream ms[STREAM_ID_COUNT + 4];
	size_t n = read_man_table(ms, sizeof ms / sizeof ms[0]);
	assert_int_equal(n, STREAM_ID_COUNT);
	for (size_t i = 0; i < n; i++) {
		const struct stream_def *d = stream_def((enum stream_id)i);
		char req[512], opt[512];
		columns_of(d, true, req, sizeof req);
		columns_of(d, false, opt, sizeof opt);
		assert_string_equal(ms[i].name, d->name);
		assert_string_equal(ms[i].required, req);
		assert_string_equal(ms[i].optional, opt);
	}
}

static void test_every_column_has_a_name_and_is_found_by_it(void **state)
{
	(void)state;
	for (int c = 0; c < COL_COUNT; c++) {
		assert_non_null(column_name((enum column)c));
		assert_int_equal(column_named(column_name((enum column)c)), c);
	}
	assert_int_equal(column_named("no_such_column"), COL_COUNT);
}

/* ---- binding and detection ---- */

static struct header make_header(char **names, size_t n)
{
	return (struct header){ n, names };
}

static void test_bind_finds_columns_by_name_and_leaves_absent_ones(void **state)
{
	(void)state;
	char *names[] = { "status", "owner", "period", "metric", "actual", "target", "attainment",
			  "expected", "pace", "projected", "gap", "note" };
	struct header h = make_header(names, 12);
	struct stream_binding b;
	struct sbuf msg = { 0 };
	assert_null(stream_try_bind(STREAM_PROGRESS, &h, NULL, 0, &b, &msg));
	assert_int_equal(stream_at(&b, COL_OWNER), 1);
	assert_int_equal(stream_at(&b, COL_STATUS), 0);
	assert_false(stream_has(&b, COL_WEIGHT)); /* optional, absent */
	assert_false(stream_has(&b, COL_SCORE));  /* not a progress column */
	sb_free(&msg);
}

static void test_bind_names_the_missing_column_and_what_was_found(void **state)
{
	(void)state;
	char *names[] = { "owner", "period", "metric" };
	struct header h = make_header(names, 3);
	struct stream_binding b;
	struct sbuf msg = { 0 };
	const char *m = stream_try_bind(STREAM_GOALS, &h, NULL, 0, &b, &msg);
	assert_non_null(m);
	assert_string_equal(m, "no column 'target' (a goal sheet needs owner, period, metric and target)"
			       " (found: owner period metric)");
	sb_free(&msg);
}

static void test_bind_asks_only_for_what_the_reader_needs(void **state)
{
	(void)state;
	char *names[] = { "owner", "period", "score" };
	struct header h = make_header(names, 3);
	struct stream_binding b;
	struct sbuf msg = { 0 };
	static const enum column prev[] = { COL_OWNER, COL_PERIOD, COL_SCORE };
	assert_null(stream_try_bind(STREAM_SCORES, &h, prev, 3, &b, &msg));
	assert_non_null(stream_try_bind(STREAM_SCORES, &h, NULL, 0, &b, &msg));
	/* a missing column: the message asks for what the reader needs, not for more */
	static const enum column score[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_ATTAINMENT };
	char *progress[] = { "owner", "period", "metric", "weight" };
	h = make_header(progress, 4);
	assert_string_equal(stream_try_bind(STREAM_PROGRESS, &h, score, 4, &b, &msg),
			    "no column 'attainment' (a progress stream needs owner, period, metric and attainment)"
			    " (found: owner period metric weight)");
	sb_free(&msg);
}

static void test_bind_refuses_a_column_twice(void **state)
{
	(void)state;
	char *names[] = { "owner", "period", "metric", "value", "value" };
	struct header h = make_header(names, 5);
	struct stream_binding b;
	struct sbuf msg = { 0 };
	const char *m = stream_try_bind(STREAM_ACTUALS, &h, NULL, 0, &b, &msg);
	assert_non_null(m);
	assert_string_equal(m, "the column 'value' appears twice in the header");
	sb_free(&msg);
}

static void test_detect_picks_the_most_specific_stream(void **state)
{
	(void)state;
	char *payouts[] = { "owner", "period", "plan", "metric", "actual", "target", "attainment", "payout", "detail" };
	char *progress[] = { "owner", "period", "metric", "actual", "target", "attainment", "expected", "pace",
			     "projected", "gap", "status" };
	char *actuals[] = { "owner", "period", "metric", "value" };
	char *other[] = { "when", "who" };
	struct header h;
	h = make_header(payouts, 9);
	assert_int_equal(stream_detect(&h, NULL, 0), STREAM_PAYOUTS);
	h = make_header(progress, 11);
	assert_int_equal(stream_detect(&h, NULL, 0), STREAM_PROGRESS);
	h = make_header(actuals, 4);
	assert_int_equal(stream_detect(&h, NULL, 0), STREAM_ACTUALS);
	static const enum stream_id only_scores[] = { STREAM_SCORES };
	assert_int_equal(stream_detect(&h, only_scores, 1), -1);
	h = make_header(other, 2);
	assert_int_equal(stream_detect(&h, NULL, 0), -1);
}

static void test_nearest_names_the_stream_a_header_was_meant_to_be(void **state)
{
	(void)state;
	/* progress without status: no stream fits, progress is nearest (10 of 11) */
	char *progress[] = { "owner", "period", "metric", "actual", "target", "attainment", "expected", "pace",
			     "projected", "gap" };
	char *payouts[] = { "owner", "period", "plan", "metric", "actual", "target", "attainment", "detail" };
	char *owner_only[] = { "owner", "note" };
	static const enum stream_id report[] = { STREAM_ACTUALS, STREAM_PROGRESS, STREAM_SCORES, STREAM_PAYOUTS };
	struct header h = make_header(progress, 10);
	assert_int_equal(stream_detect(&h, report, 4), -1);
	assert_int_equal(stream_nearest(&h, report, 4), STREAM_PROGRESS);
	h = make_header(payouts, 8);
	assert_int_equal(stream_nearest(&h, report, 4), STREAM_PAYOUTS);
	h = make_header(owner_only, 2); /* one column of four is not close */
	assert_int_equal(stream_nearest(&h, report, 4), -1);
}

/* ---- numbers ---- */

static decimal num(const char *s)
{
	decimal d;
	assert_int_equal(decimal_parse(s, strlen(s), DECIMAL_POINT, &d), DECIMAL_OK);
	return d;
}

static void test_money_keeps_every_digit_and_at_least_two(void **state)
{
	(void)state;
	char buf[NUMBER_BUFSIZE];
	number_money(num("100122.8"), buf);
	assert_string_equal(buf, "100122.80");
	number_money(num("60471.195"), buf);
	assert_string_equal(buf, "60471.195");
	number_money(num("-0.000000001"), buf);
	assert_string_equal(buf, "-0.000000001");
	number_money(num("7"), buf);
	assert_string_equal(buf, "7.00");
}

static void test_fixed_rounds_half_away_in_both_paths(void **state)
{
	(void)state;
	char buf[NUMBER_BUFSIZE], slow[NUMBER_BUFSIZE];
	const char *cases[] = { "1.23456", "-1.00005", "0.00005", "-0.00004", "99999999.99995", "0", "12345678901.5" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int places = 0; places <= 9; places++) {
			number_fixed(num(cases[i]), places, buf);
			decimal_format(num(cases[i]), places, slow, sizeof slow);
			assert_string_equal(buf, slow);
		}
	}
	number_ratio(num("1.05344"), buf);
	assert_string_equal(buf, "1.0534");
	number_score(num("-0.004"), buf);
	assert_string_equal(buf, "0.00"); /* no "-0.00" */
	/* beyond 64 bits: the exact slow path */
	number_fixed(num("170141183460469231731.5"), 0, buf);
	assert_string_equal(buf, "170141183460469231732");
}

static void test_people_forms(void **state)
{
	(void)state;
	char buf[NUMBER_BUFSIZE];
	number_grouped(num("-1234567.5"), 2, buf);
	assert_string_equal(buf, "-1,234,567.50");
	number_grouped(num("999"), -1, buf);
	assert_string_equal(buf, "999");
	number_percent(num("1.0534"), 2, buf);
	assert_string_equal(buf, "105.34 %");
	number_points(num("0.0534"), true, buf);
	assert_string_equal(buf, "+5.34");
	number_count(18446744073709551615ULL, buf);
	assert_string_equal(buf, "18446744073709551615");
	number_exact(num("2.500"), buf);
	assert_string_equal(buf, "2.5");
}

/* The exact products of payout details: every digit, even beyond a decimal's nine. */
static void test_grouped_exact_keeps_every_digit(void **state)
{
	(void)state;
	char buf[NUMBER_BUFSIZE];
	number_grouped_exact(31249996875, 7, 2, buf); /* 0.075 × 41,666.6625 */
	assert_string_equal(buf, "3,124.9996875");
	number_grouped_exact(1666665000, 6, 2, buf); /* trailing zeros dropped down to places */
	assert_string_equal(buf, "1,666.665");
	number_grouped_exact(8, 0, 0, buf);
	assert_string_equal(buf, "8");
	number_grouped_exact(75, 1, 0, buf);
	assert_string_equal(buf, "7.5");
	number_grouped_exact(5, 3, 2, buf);
	assert_string_equal(buf, "0.005");
	number_grouped_exact(-123456789, 2, 4, buf);
	assert_string_equal(buf, "-1,234,567.8900");
	number_grouped_exact(0, 0, 2, buf);
	assert_string_equal(buf, "0.00");
	number_grouped_exact(1, 38, 2, buf); /* the smallest scale there is */
	assert_string_equal(buf, "0.00000000000000000000000000000000000001");
	decimal_units most = ((decimal_units)1 << 126) - 1 + ((decimal_units)1 << 126);
	number_grouped_exact(-most, 0, 9, buf); /* the largest magnitude, with the most decimals */
	assert_string_equal(buf, "-170,141,183,460,469,231,731,687,303,715,884,105,727.000000000");
}

/* ---- outputs never over inputs ---- */

/* Runs the check in a child (it exits on a clash): the child's exit status. */
static int check_status(const struct run_files *rf)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		run_files_check(rf);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_outputs_never_over_inputs(void **state)
{
	(void)state;
	char dir[] = "/tmp/spm-cli-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char in[256], hard[256], sym[256], dotted[256], split[256], inside_split[256], fresh[256];
	snprintf(in, sizeof in, "%s/scores.tsv", dir);
	snprintf(hard, sizeof hard, "%s/hard.tsv", dir);
	snprintf(sym, sizeof sym, "%s/sym.tsv", dir);
	snprintf(dotted, sizeof dotted, "%s/./scores.tsv", dir);
	snprintf(split, sizeof split, "%s/sd", dir);
	snprintf(inside_split, sizeof inside_split, "%s/sd/index.tsv", dir);
	snprintf(fresh, sizeof fresh, "%s/new.tsv", dir);
	FILE *f = fopen(in, "w");
	assert_non_null(f);
	fputs("owner\n", f);
	fclose(f);
	assert_int_equal(link(in, hard), 0);
	assert_int_equal(symlink(in, sym), 0);
	assert_int_equal(mkdir(split, 0700), 0);

	const char *same[] = { in, hard, sym, dotted };
	for (size_t i = 0; i < 4; i++) {
		struct run_files rf = { 0 };
		run_files_input(&rf, "--roster", in);
		run_files_output(&rf, "-o", same[i]);
		assert_int_equal(check_status(&rf), SPM_EXIT_USAGE);
		run_files_free(&rf);
	}
	struct run_files ok = { 0 };
	run_files_input(&ok, NULL, in);
	run_files_input(&ok, NULL, "-");
	run_files_output(&ok, "-o", fresh);
	run_files_output(&ok, "--reject", "-");
	run_files_output_dir(&ok, "--split-dir", split);
	assert_int_equal(check_status(&ok), 0);
	run_files_output(&ok, "--index", inside_split); /* an output inside the split folder */
	assert_int_equal(check_status(&ok), SPM_EXIT_USAGE);
	run_files_free(&ok);

	struct run_files holds = { 0 };
	run_files_input(&holds, NULL, in);
	run_files_output_dir(&holds, "--split-dir", dir); /* the folder holds the input */
	assert_int_equal(check_status(&holds), SPM_EXIT_USAGE);
	run_files_free(&holds);

	struct run_files twice = { 0 };
	run_files_output(&twice, "-o", fresh);
	run_files_output(&twice, "--reject", fresh);
	assert_int_equal(check_status(&twice), SPM_EXIT_USAGE);
	run_files_free(&twice);

	/* a link to a file not yet written: both outputs would land in it */
	char dangle[256], target[256];
	snprintf(dangle, sizeof dangle, "%s/dangle.tsv", dir);
	snprintf(target, sizeof target, "%s/later.tsv", dir);
	assert_int_equal(symlink("later.tsv", dangle), 0);
	struct run_files linked = { 0 };
	run_files_output(&linked, "-o", target);
	run_files_output(&linked, "--reject", dangle);
	assert_int_equal(check_status(&linked), SPM_EXIT_USAGE);
	run_files_free(&linked);
	unlink(dangle);

	unlink(in);
	unlink(hard);
	unlink(sym);
	rmdir(split);
	rmdir(dir);
}

/* The payouts' basis words: each reads back as itself; near misses and a prefix do not. */
static void test_payout_basis_words_read_back(void **state)
{
	(void)state;
	for (int b = 0; b < PAYOUT_BASIS_COUNT; b++)
		assert_int_equal(payout_basis_parse(payout_basis_names[b], strlen(payout_basis_names[b])), b);
	assert_int_equal(payout_basis_parse("Final", 5), -1);
	assert_int_equal(payout_basis_parse("fin", 3), -1);
	assert_int_equal(payout_basis_parse("pace", 4), -1);
	assert_int_equal(payout_basis_parse("", 0), -1);
	assert_int_equal(payout_basis_parse("finalx", 5), PAYOUT_FINAL); /* by length: "final" */
}

/* The one-currency message names the first currency and where it was, cuts it visibly past
 * 60 bytes, leaves its controls to diag (which escapes the whole message, once), and keeps a
 * long path whole. */
static void test_currency_conflict_names_the_first_place(void **state)
{
	(void)state;
	struct sbuf out = { 0 };
	stream_currency_conflict(&out, "USDX", 3, "usd.tsv", 3);
	assert_string_equal(out.s, "not the currency of the actuals before it (USD in usd.tsv:3): actuals add up in one "
				   "currency (spm-track --rates converts an export's amounts)");
	char code[100];
	memset(code, 'A', sizeof code);
	sb_reset(&out);
	stream_currency_conflict(&out, code, sizeof code, "f", 18446744073709551615ull);
	assert_non_null(strstr(out.s, "(" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				      "... (100 bytes) in f:18446744073709551615)"));
	sb_reset(&out);
	stream_currency_conflict(&out, "\tX\x1b", 3, "f", 2);
	assert_non_null(strstr(out.s, "(\tX\x1b in f:2)"));
	char path[2000];
	memset(path, 'p', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	sb_reset(&out);
	stream_currency_conflict(&out, "EUR", 3, path, 1);
	assert_non_null(strstr(out.s, path));
	assert_non_null(strstr(out.s, ":1): actuals add up in one currency (spm-track --rates converts an export's amounts)"));
	sb_free(&out);
}

int main(void)
{
	diag_set_program("test_stream");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_man_page_says_what_the_code_says),
		cmocka_unit_test(test_every_column_has_a_name_and_is_found_by_it),
		cmocka_unit_test(test_bind_finds_columns_by_name_and_leaves_absent_ones),
		cmocka_unit_test(test_bind_names_the_missing_column_and_what_was_found),
		cmocka_unit_test(test_bind_asks_only_for_what_the_reader_needs),
		cmocka_unit_test(test_bind_refuses_a_column_twice),
		cmocka_unit_test(test_detect_picks_the_most_specific_stream),
		cmocka_unit_test(test_nearest_names_the_stream_a_header_was_meant_to_be),
		cmocka_unit_test(test_money_keeps_every_digit_and_at_least_two),
		cmocka_unit_test(test_fixed_rounds_half_away_in_both_paths),
		cmocka_unit_test(test_people_forms),
		cmocka_unit_test(test_grouped_exact_keeps_every_digit),
		cmocka_unit_test(test_outputs_never_over_inputs),
		cmocka_unit_test(test_currency_conflict_names_the_first_place),
		cmocka_unit_test(test_payout_basis_words_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
