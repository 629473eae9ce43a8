/* Unit tests for exchange rates (src/lib/rates.c): codes, the base currency, the rate of
 * a day (the last on or before it, within an age; the period that holds it), forecasts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rates.h"

static char *write_temp(const char *text)
{
	char *path = malloc(64);
	assert_non_null(path);
	snprintf(path, 64, "/tmp/spm-test-rates-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

static struct rates *load(const char *text, const char *base)
{
	char *path = write_temp(text);
	struct rates *r = rates_load(path, base, 1);
	unlink(path);
	free(path);
	return r;
}

static spm_day day(const char *s)
{
	spm_day d;
	assert_true(date_parse_iso(s, strlen(s), &d));
	return d;
}

static void assert_rate(const struct rate_hit *hit, const char *want)
{
	char buf[DECIMAL_BUFSIZE];
	decimal_format(hit->rate, -1, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_codes(void **state)
{
	(void)state;
	char code[4];
	assert_true(currency_code("eur", 3, code));
	assert_string_equal(code, "EUR");
	assert_false(currency_code("EU", 2, code));
	assert_false(currency_code("EURO", 4, code));
	assert_false(currency_code("E1R", 3, code));
}

static void test_daily(void **state)
{
	(void)state;
	struct rates *r = load("currency\tdate\trate\tbase\n"
			       "EUR\t2026-03-16\t1.0871\tUSD\n"
			       "EUR\t2026-03-13\t1.0856\tUSD\n" /* out of order: sorted */
			       "gbp\t2026-03-13\t1.2718\tusd\n",
			       NULL);
	assert_string_equal(rates_base(r), "USD");
	assert_false(rates_by_period(r));
	struct rate_hit hit;
	assert_int_equal(rates_find(r, "EUR", day("2026-03-13"), 7, false, &hit), RATE_FOUND);
	assert_rate(&hit, "1.0856");
	/* Saturday: Friday's rate; Monday: its own */
	assert_int_equal(rates_find(r, "EUR", day("2026-03-14"), 7, false, &hit), RATE_FOUND);
	assert_rate(&hit, "1.0856");
	assert_int_equal(hit.day, day("2026-03-13"));
	assert_int_equal(rates_find(r, "EUR", day("2026-03-16"), 0, false, &hit), RATE_FOUND);
	assert_rate(&hit, "1.0871");
	/* the exact day required; too old; before the first; unknown */
	assert_int_equal(rates_find(r, "EUR", day("2026-03-15"), 0, false, &hit), RATE_STALE);
	assert_int_equal(rates_find(r, "EUR", day("2026-03-30"), 7, false, &hit), RATE_STALE);
	assert_int_equal(rates_find(r, "EUR", day("2026-03-12"), 7, false, &hit), RATE_MISSING);
	assert_int_equal(rates_find(r, "CHF", day("2026-03-13"), 7, false, &hit), RATE_UNKNOWN);
	/* a forecast after the last rate takes the last rate, whatever its age */
	assert_int_equal(rates_find(r, "EUR", day("2026-09-30"), 7, true, &hit), RATE_FOUND);
	assert_rate(&hit, "1.0871");
	assert_int_equal(rates_find(r, "GBP", day("2026-03-20"), 7, false, &hit), RATE_FOUND);
	assert_rate(&hit, "1.2718");
	rates_free(r);
}

static void test_periods(void **state)
{
	(void)state;
	struct rates *r = load("currency\tperiod\trate\n"
			       "EUR\t2026-Q1\t1.08\n"
			       "EUR\t2026-05\t1.09\n",
			       "usd");
	assert_string_equal(rates_base(r), "USD");
	assert_true(rates_by_period(r));
	struct rate_hit hit;
	assert_int_equal(rates_find(r, "EUR", day("2026-03-31"), 7, false, &hit), RATE_FOUND);
	assert_rate(&hit, "1.08");
	assert_int_equal(rates_find(r, "EUR", day("2026-04-15"), 7, false, &hit), RATE_MISSING);
	assert_int_equal(rates_find(r, "EUR", day("2026-05-31"), 7, false, &hit), RATE_FOUND);
	assert_rate(&hit, "1.09");
	assert_int_equal(rates_find(r, "EUR", day("2025-12-31"), 7, true, &hit), RATE_MISSING);
	assert_int_equal(rates_find(r, "EUR", day("2026-06-01"), 7, false, &hit), RATE_MISSING);
	assert_int_equal(rates_find(r, "EUR", day("2026-06-01"), 7, true, &hit), RATE_FOUND);
	rates_free(r);
}

static void test_no_base(void **state)
{
	(void)state;
	struct rates *r = load("currency\tdate\trate\n", NULL);
	assert_null(rates_base(r));
	struct rate_hit hit;
	assert_int_equal(rates_find(r, "EUR", day("2026-03-13"), 7, false, &hit), RATE_UNKNOWN);
	rates_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_daily),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_no_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
