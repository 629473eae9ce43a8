/* Unit tests for src/lib/period.c: calendar arithmetic, date parsing (ISO and --date-format),
 * period labels for every grain (ISO weeks, fiscal years), bounds, neighbours and parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "period.h"

/* ---- helpers ---- */

static spm_day day(const char *iso)
{
	spm_day d = 0;
	if (!date_parse_iso(iso, strlen(iso), &d))
		fail_msg("cannot parse date \"%s\"", iso);
	return d;
}

static void assert_date(spm_day d, const char *expected)
{
	char buf[DATE_TEXT_SIZE];
	date_format(d, buf);
	assert_string_equal(buf, expected);
}

static void assert_label(struct period p, const char *expected)
{
	char buf[PERIOD_LABEL_SIZE];
	size_t n = period_format(p, buf);
	assert_string_equal(buf, expected);
	assert_int_equal(n, strlen(expected));
}

/* The period of grain g holding date, its label, its first day and its end (exclusive). */
static void assert_period(const char *date, enum grain g, int fiscal_start, const char *label,
			  const char *start, const char *end)
{
	struct period p = period_of(day(date), g, fiscal_start);
	assert_label(p, label);
	assert_date(p.start, start);
	assert_date(period_end(p), end);
}

static struct period parsed(const char *label, int fiscal_start)
{
	struct period p;
	memset(&p, 0, sizeof p);
	if (!period_parse(label, strlen(label), fiscal_start, &p))
		fail_msg("cannot parse period \"%s\" (fiscal start %d)", label, fiscal_start);
	return p;
}

static bool parses(const char *label, int fiscal_start)
{
	struct period p;
	return period_parse(label, strlen(label), fiscal_start, &p);
}

static bool iso_ok(const char *s)
{
	spm_day d;
	return date_parse_iso(s, strlen(s), &d);
}

static bool format_ok(const char *s, const char *format, spm_day *out)
{
	return date_parse_format(s, strlen(s), format, out);
}

/* ---- calendar ---- */

static void test_civil_round_trip(void **state)
{
	(void)state;
	assert_int_equal(day_from_civil(1970, 1, 1), 0);
	assert_int_equal(day_from_civil(1969, 12, 31), -1);
	assert_int_equal(day_from_civil(2000, 3, 1), 11017);
	assert_int_equal(day_from_civil(1, 1, 1), -719162);
	assert_int_equal(day_from_civil(9999, 12, 31), 2932896);
	/* Every day of sampled years from 1 to 9999 goes there and back, and days follow on. */
	spm_day prev = day_from_civil(1, 1, 1) - 1;
	for (int y = 1; y <= 9999; y += (y < 20 || y > 9980 || (y >= 1890 && y <= 2110)) ? 1 : 97) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= days_in_month(y, m); d++) {
				spm_day n = day_from_civil(y, m, d);
				struct civil_date c = civil_from_day(n);
				if (c.year != y || c.month != m || c.day != d)
					fail_msg("%04d-%02d-%02d -> %d -> %04d-%02d-%02d", y, m, d, (int)n,
						 c.year, c.month, c.day);
				if (m == 1 && d == 1 && y > 1 && day_from_civil(y - 1, 12, 31) != n - 1)
					fail_msg("%04d-01-01 does not follow %04d-12-31", y, y - 1);
				if (!(m == 1 && d == 1) && n != prev + 1)
					fail_msg("%04d-%02d-%02d does not follow the day before", y, m, d);
				prev = n;
			}
		}
	}
	/* And every day number in the whole range maps back to itself. */
	for (spm_day n = day_from_civil(1, 1, 1); n <= day_from_civil(9999, 12, 31); n += 13) {
		struct civil_date c = civil_from_day(n);
		assert_true(civil_is_valid(c.year, c.month, c.day));
		assert_int_equal(day_from_civil(c.year, c.month, c.day), n);
	}
}

static void test_leap_days(void **state)
{
	(void)state;
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(2025, 2), 28);
	assert_int_equal(days_in_month(2100, 2), 28);
	assert_int_equal(days_in_month(2000, 2), 29);
	assert_int_equal(days_in_month(1900, 2), 28);
	assert_int_equal(days_in_month(2026, 4), 30);
	assert_int_equal(days_in_month(2026, 12), 31);
	assert_true(civil_is_valid(2024, 2, 29));
	assert_true(civil_is_valid(2000, 2, 29));
	assert_false(civil_is_valid(2100, 2, 29));
	assert_false(civil_is_valid(2026, 2, 29));
	assert_true(civil_is_valid(2100, 2, 28));
	assert_false(civil_is_valid(2026, 4, 31));
	assert_false(civil_is_valid(2026, 0, 1));
	assert_false(civil_is_valid(2026, 13, 1));
	assert_false(civil_is_valid(2026, 1, 0));
	assert_false(civil_is_valid(0, 1, 1));
	assert_false(civil_is_valid(10000, 1, 1));
	assert_true(civil_is_valid(1, 1, 1));
	assert_true(civil_is_valid(9999, 12, 31));
	/* Around the leap days: the day after. */
	assert_date(day("2024-02-28") + 1, "2024-02-29");
	assert_date(day("2024-02-29") + 1, "2024-03-01");
	assert_date(day("2100-02-28") + 1, "2100-03-01");
	assert_date(day("2000-02-29") + 1, "2000-03-01");
	assert_date(day("2000-02-28") + 1, "2000-02-29");
	assert_date(day("1999-12-31") + 1, "2000-01-01");
	assert_int_equal(day("2025-01-01") - day("2024-01-01"), 366);
	assert_int_equal(day("2101-01-01") - day("2100-01-01"), 365);
	assert_int_equal(day("2001-01-01") - day("2000-01-01"), 366);
	assert_false(iso_ok("2100-02-29"));
	assert_true(iso_ok("2000-02-29"));
}

static void test_iso_weekday(void **state)
{
	(void)state;
	assert_int_equal(iso_weekday(day("1970-01-01")), 4); /* Thursday */
	assert_int_equal(iso_weekday(day("2026-11-26")), 4); /* Thursday */
	assert_int_equal(iso_weekday(day("2026-11-23")), 1); /* Monday */
	assert_int_equal(iso_weekday(day("2026-11-29")), 7); /* Sunday */
	assert_int_equal(iso_weekday(day("2000-01-01")), 6); /* Saturday */
	assert_int_equal(iso_weekday(day("1969-12-31")), 3); /* Wednesday, before day 0 */
	assert_int_equal(iso_weekday(day("0001-01-01")), 1); /* proleptic Gregorian Monday */
	assert_int_equal(iso_weekday(day("9999-12-31")), 5); /* Friday */
	/* Seven days on is the same weekday; each day on is the next. */
	for (spm_day d = day("1900-01-01"); d < day("1900-03-01"); d++) {
		assert_int_equal(iso_weekday(d), iso_weekday(d + 7));
		assert_int_equal(iso_weekday(d + 1), iso_weekday(d) % 7 + 1);
	}
}

/* ---- date parsing ---- */

static void test_date_parse_iso(void **state)
{
	(void)state;
	spm_day d;
	assert_true(date_parse_iso("2026-11-26", 10, &d));
	assert_date(d, "2026-11-26");
	assert_int_equal(day("2026-11-26T09:30"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26 09:30:00"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26T09:30:00.123Z"), day("2026-11-26"));
	/* The date is taken as written: the zone does not move it. */
	assert_int_equal(day("2026-11-26T23:30:00+01:00"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26T00:30:00-05:00"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26T09:30:00+0100"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26T09:30+01"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26T09:30:00,5"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26 09:30:00 +01:00"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26T09:30:00Z"), day("2026-11-26"));
	assert_int_equal(day("2026-11-26   "), day("2026-11-26")); /* trailing spaces */
	assert_int_equal(day("0001-01-01"), day_from_civil(1, 1, 1));
	/* Only the len given is read. */
	assert_true(date_parse_iso("2026-11-26XYZ", 10, &d));
	assert_date(d, "2026-11-26");
}

/* A well-formed date with no such day or month says what is wrong; other text keeps the
 * caller's message. */
static void test_date_problem(void **state)
{
	(void)state;
	const char *other = "not a date";
#define PROBLEM(s) date_problem(s, strlen(s), other)
	assert_string_equal(PROBLEM("2017-02-29"), "no such day: February has 28 days (29 in a leap year; this year is not one)");
	assert_string_equal(PROBLEM("2016-02-30"), "no such day: February has 28 days, 29 in a leap year");
	assert_string_equal(PROBLEM("2017-02-30"), "no such day: February has 28 days, 29 in a leap year");
	assert_string_equal(PROBLEM("2026-04-31"), "no such day: April has 30 days");
	assert_string_equal(PROBLEM("2026-12-32T09:30"), "no such day: December has 31 days");
	assert_string_equal(PROBLEM("2026-11-00"), "no such day: days run from 01");
	assert_string_equal(PROBLEM("2026-13-01"), "no such month: months run from 01 to 12");
	assert_string_equal(PROBLEM("2026-00-10"), "no such month: months run from 01 to 12");
	assert_ptr_equal(PROBLEM("26-11-2026"), other);
	assert_ptr_equal(PROBLEM("2026-11-2"), other);
	assert_ptr_equal(PROBLEM("0000-02-30"), other); /* no year 0 */
	assert_ptr_equal(PROBLEM("2026-11-26x"), other); /* a valid day: the suffix is what is wrong */
#undef PROBLEM
}

/* The memo gives what date_parse_iso gives: every day of 12 years read three times over
 * (far more dates than slots: entries are replaced), and bad dates are never remembered. */
static void test_date_parse_iso_memo(void **state)
{
	(void)state;
	struct date_memo *memo = calloc(1, sizeof *memo);
	assert_non_null(memo);
	spm_day first = day_from_civil(2020, 1, 1), last = day_from_civil(2031, 12, 31);
	for (int pass = 0; pass < 3; pass++)
		for (spm_day d = first; d <= last; d += pass + 1) {
			char text[DATE_TEXT_SIZE];
			date_format(d, text);
			spm_day got = 0;
			assert_true(date_parse_iso_memo(memo, text, strlen(text), &got));
			assert_int_equal(got, d);
		}
	static const char *const bad[] = { "2026-02-30", "2026-13-01", "2026-1-011", "2026/01/01", "2026-01-1 " };
	for (int again = 0; again < 2; again++)
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			spm_day got;
			assert_false(date_parse_iso_memo(memo, bad[i], strlen(bad[i]), &got));
		}
	spm_day got;
	struct date_memo *empty = calloc(1, sizeof *empty);
	assert_non_null(empty);
	assert_false(date_parse_iso_memo(empty, "\0\0\0\0\0\0\0\0\0\0", 10, &got)); /* not an empty slot's day */
	free(empty);
	assert_true(date_parse_iso_memo(memo, "2026-03-15T10:00:00", 19, &got)); /* not 10 bytes: parsed */
	assert_int_equal(got, day_from_civil(2026, 3, 15));
	free(memo);
}

static void test_date_parse_iso_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-02-30", "2026-13-01", "2026-00-10", "2026-11-00", "26-11-2026", "2026/11/26",
		"2026-11-26X", "2026-11-26T25:00", "2026-11-26T09:60", "2026-11-26T9:30",
		"2026-11-26T", "2026-11-26T09", "2026-11-26T09:30:61", "2026-11-26T09:30:00.",
		"2026-11-26T09:30:00+15:00", "2026-11-26T09:30:00+01:", "2026-11-26T09:30:00Zx",
		"2026-11-2", "2026-1-26", "20261126", "", " 2026-11-26", "2026-11-26\t",
		"0000-01-01", "+2026-11-26", "2026-11-26T09:30:00 junk",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (iso_ok(bad[i]))
			fail_msg("\"%s\" was accepted", bad[i]);
	spm_day d = 12345;
	assert_false(date_parse_iso("2026-02-30", 10, &d));
	assert_int_equal(d, 12345); /* untouched on failure */
}

static void test_date_parse_format(void **state)
{
	(void)state;
	spm_day d;
	assert_true(format_ok("11/26/2026", "%m/%d/%Y", &d));
	assert_date(d, "2026-11-26");
	assert_true(format_ok("26.11.2026", "%d.%m.%Y", &d));
	assert_date(d, "2026-11-26");
	assert_true(format_ok("02/29/2024", "%m/%d/%Y", &d));
	assert_date(d, "2024-02-29");
	assert_true(format_ok("2026-11-26", "%Y-%m-%d", &d));
	assert_date(d, "2026-11-26");
	assert_true(format_ok("26 Nov 2026", "%d %b %Y", &d));
	assert_date(d, "2026-11-26");
	assert_true(format_ok("11/26/2026 ", "%m/%d/%Y", &d)); /* trailing space */
	assert_date(d, "2026-11-26");
	assert_false(format_ok("02/30/2026", "%m/%d/%Y", &d));
	assert_false(format_ok("02/29/2026", "%m/%d/%Y", &d));
	assert_false(format_ok("13/01/2026", "%m/%d/%Y", &d));
	assert_false(format_ok("11/26/2026x", "%m/%d/%Y", &d));
	assert_false(format_ok("11/26/2026 09:30", "%m/%d/%Y", &d));
	assert_false(format_ok("2026-11-26", "%m/%d/%Y", &d));
	assert_false(format_ok("", "%m/%d/%Y", &d));
	/* Only len bytes are read. */
	assert_true(date_parse_format("11/26/2026trailing", 10, "%m/%d/%Y", &d));
	assert_date(d, "2026-11-26");
	/* Over-long text is refused, not cut. */
	char longtext[200];
	memset(longtext, ' ', sizeof longtext);
	memcpy(longtext, "11/26/2026", 10);
	assert_false(date_parse_format(longtext, sizeof longtext, "%m/%d/%Y", &d));
}

static void test_date_format_is_usable(void **state)
{
	(void)state;
	assert_true(date_format_is_usable("%m/%d/%Y"));
	assert_true(date_format_is_usable("%d.%m.%y"));
	assert_true(date_format_is_usable("%F"));
	assert_true(date_format_is_usable("%D"));
	assert_true(date_format_is_usable("%e %B %Y"));
	assert_true(date_format_is_usable("%Y-%m-%dT%H:%M"));
	assert_false(date_format_is_usable("%m/%Y"));
	assert_false(date_format_is_usable("%d/%m"));
	assert_false(date_format_is_usable("%H:%M"));
	assert_false(date_format_is_usable(""));
	assert_false(date_format_is_usable("%m/%d/%"));
	assert_false(date_format_is_usable("mm/dd/yyyy"));
	assert_false(date_format_is_usable("%%m/%%d/%%Y")); /* literal percent signs */
}

static void test_date_format(void **state)
{
	(void)state;
	char buf[DATE_TEXT_SIZE];
	date_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	date_format(day_from_civil(1, 1, 1), buf);
	assert_string_equal(buf, "0001-01-01");
	date_format(day_from_civil(9999, 12, 31), buf);
	assert_string_equal(buf, "9999-12-31");
}

/* ---- grains ---- */

static void test_grain_names(void **state)
{
	(void)state;
	static const char *const names[] = { "year", "half", "quarter", "month", "week", "day" };
	for (int g = GRAIN_YEAR; g <= GRAIN_DAY; g++) {
		enum grain parsed_grain = GRAIN_DAY;
		assert_string_equal(grain_name((enum grain)g), names[g]);
		assert_true(grain_parse(names[g], &parsed_grain));
		assert_int_equal(parsed_grain, g);
	}
	enum grain out = GRAIN_MONTH;
	assert_false(grain_parse("Year", &out));
	assert_false(grain_parse("years", &out));
	assert_false(grain_parse("", &out));
	assert_false(grain_parse("fortnight", &out));
	assert_int_equal(out, GRAIN_MONTH);
}

/* ---- periods of dates ---- */

static void test_period_calendar(void **state)
{
	(void)state;
	assert_period("2026-11-26", GRAIN_YEAR, 1, "2026", "2026-01-01", "2027-01-01");
	assert_period("2026-11-26", GRAIN_HALF, 1, "2026-H2", "2026-07-01", "2027-01-01");
	assert_period("2026-06-30", GRAIN_HALF, 1, "2026-H1", "2026-01-01", "2026-07-01");
	assert_period("2026-11-26", GRAIN_QUARTER, 1, "2026-Q4", "2026-10-01", "2027-01-01");
	assert_period("2026-01-01", GRAIN_QUARTER, 1, "2026-Q1", "2026-01-01", "2026-04-01");
	assert_period("2026-04-01", GRAIN_QUARTER, 1, "2026-Q2", "2026-04-01", "2026-07-01");
	assert_period("2026-09-30", GRAIN_QUARTER, 1, "2026-Q3", "2026-07-01", "2026-10-01");
	assert_period("2026-11-26", GRAIN_MONTH, 1, "2026-11", "2026-11-01", "2026-12-01");
	assert_period("2026-12-31", GRAIN_MONTH, 1, "2026-12", "2026-12-01", "2027-01-01");
	assert_period("2024-02-29", GRAIN_MONTH, 1, "2024-02", "2024-02-01", "2024-03-01");
	assert_period("2026-11-26", GRAIN_WEEK, 1, "2026-W48", "2026-11-23", "2026-11-30");
	assert_period("2026-11-26", GRAIN_DAY, 1, "2026-11-26", "2026-11-26", "2026-11-27");
	assert_period("0001-01-01", GRAIN_YEAR, 1, "0001", "0001-01-01", "0002-01-01");
	assert_period("9999-12-30", GRAIN_DAY, 1, "9999-12-30", "9999-12-30", "9999-12-31");
	/* A fiscal start changes years, halves and quarters only. */
	assert_period("2026-11-26", GRAIN_MONTH, 4, "2026-11", "2026-11-01", "2026-12-01");
	assert_period("2026-11-26", GRAIN_WEEK, 4, "2026-W48", "2026-11-23", "2026-11-30");
	assert_period("2026-11-26", GRAIN_DAY, 4, "2026-11-26", "2026-11-26", "2026-11-27");
	assert_int_equal(period_of(day("2026-11-26"), GRAIN_MONTH, 4).fiscal_start, 1);
	assert_int_equal(period_of(day("2026-11-26"), GRAIN_QUARTER, 4).fiscal_start, 4);
	/* Fiscal start 0 or 1 is the calendar. */
	assert_period("2026-11-26", GRAIN_QUARTER, 0, "2026-Q4", "2026-10-01", "2027-01-01");
}

static void test_period_iso_weeks(void **state)
{
	(void)state;
	assert_period("2020-12-31", GRAIN_WEEK, 1, "2020-W53", "2020-12-28", "2021-01-04");
	assert_period("2021-01-03", GRAIN_WEEK, 1, "2020-W53", "2020-12-28", "2021-01-04");
	assert_period("2021-01-04", GRAIN_WEEK, 1, "2021-W01", "2021-01-04", "2021-01-11");
	assert_period("2024-12-30", GRAIN_WEEK, 1, "2025-W01", "2024-12-30", "2025-01-06");
	assert_period("2026-12-31", GRAIN_WEEK, 1, "2026-W53", "2026-12-28", "2027-01-04");
	assert_period("2027-01-03", GRAIN_WEEK, 1, "2026-W53", "2026-12-28", "2027-01-04");
	assert_period("2026-01-01", GRAIN_WEEK, 1, "2026-W01", "2025-12-29", "2026-01-05");
	assert_period("2025-12-28", GRAIN_WEEK, 1, "2025-W52", "2025-12-22", "2025-12-29");
	assert_period("2015-12-31", GRAIN_WEEK, 1, "2015-W53", "2015-12-28", "2016-01-04");
	assert_period("2016-01-03", GRAIN_WEEK, 1, "2015-W53", "2015-12-28", "2016-01-04");
	assert_period("2008-12-29", GRAIN_WEEK, 1, "2009-W01", "2008-12-29", "2009-01-05");
	assert_period("2010-01-03", GRAIN_WEEK, 1, "2009-W53", "2009-12-28", "2010-01-04");
	/* Every week of 1990..2040 starts on a Monday, lasts 7 days and is numbered 1.. in
	 * order within its ISO year. */
	spm_day d = period_of(day("1990-01-01"), GRAIN_WEEK, 1).start;
	int last_year = 1990, last_week = 0;
	while (d < day("2041-01-01")) {
		struct period p = period_of(d, GRAIN_WEEK, 1);
		char buf[PERIOD_LABEL_SIZE];
		period_format(p, buf);
		int wy = 0, wk = 0;
		assert_int_equal(iso_weekday(p.start), 1);
		assert_int_equal(period_days(p), 7);
		assert_int_equal(sscanf(buf, "%d-W%d", &wy, &wk), 2);
		if (wy == last_year) {
			assert_int_equal(wk, last_week + 1);
		} else {
			assert_int_equal(wy, last_year + 1);
			assert_int_equal(wk, 1);
			assert_true(last_week == 52 || last_week == 53);
		}
		last_year = wy;
		last_week = wk;
		d = period_end(p);
	}
}

static void test_period_fiscal(void **state)
{
	(void)state;
	/* Fiscal start 2 (February): named by the calendar year in which it ends. */
	assert_period("2026-01-15", GRAIN_QUARTER, 2, "FY2026-Q4", "2025-11-01", "2026-02-01");
	assert_period("2026-02-01", GRAIN_QUARTER, 2, "FY2027-Q1", "2026-02-01", "2026-05-01");
	assert_period("2026-01-31", GRAIN_YEAR, 2, "FY2026", "2025-02-01", "2026-02-01");
	assert_period("2026-02-01", GRAIN_YEAR, 2, "FY2027", "2026-02-01", "2027-02-01");
	assert_period("2026-08-01", GRAIN_HALF, 2, "FY2027-H2", "2026-08-01", "2027-02-01");
	/* Fiscal start 4 (April). */
	assert_period("2026-03-31", GRAIN_YEAR, 4, "FY2026", "2025-04-01", "2026-04-01");
	assert_period("2026-04-01", GRAIN_QUARTER, 4, "FY2027-Q1", "2026-04-01", "2026-07-01");
	assert_period("2026-12-25", GRAIN_QUARTER, 4, "FY2027-Q3", "2026-10-01", "2027-01-01");
	assert_period("2027-02-14", GRAIN_QUARTER, 4, "FY2027-Q4", "2027-01-01", "2027-04-01");
	assert_period("2026-09-30", GRAIN_HALF, 4, "FY2027-H1", "2026-04-01", "2026-10-01");
	assert_period("2026-10-01", GRAIN_HALF, 4, "FY2027-H2", "2026-10-01", "2027-04-01");
	/* Fiscal start 7 (July). */
	assert_period("2026-07-01", GRAIN_QUARTER, 7, "FY2027-Q1", "2026-07-01", "2026-10-01");
	assert_period("2026-07-01", GRAIN_HALF, 7, "FY2027-H1", "2026-07-01", "2027-01-01");
	assert_period("2026-07-01", GRAIN_YEAR, 7, "FY2027", "2026-07-01", "2027-07-01");
	assert_period("2026-06-30", GRAIN_YEAR, 7, "FY2026", "2025-07-01", "2026-07-01");
	assert_period("2026-06-30", GRAIN_QUARTER, 7, "FY2026-Q4", "2026-04-01", "2026-07-01");
	assert_period("2027-01-01", GRAIN_HALF, 7, "FY2027-H2", "2027-01-01", "2027-07-01");
	/* Fiscal start 10 (October, US federal). */
	assert_period("2026-10-01", GRAIN_YEAR, 10, "FY2027", "2026-10-01", "2027-10-01");
	assert_period("2026-09-30", GRAIN_QUARTER, 10, "FY2026-Q4", "2026-07-01", "2026-10-01");
	assert_period("2026-12-31", GRAIN_QUARTER, 10, "FY2027-Q1", "2026-10-01", "2027-01-01");
	assert_period("2027-03-31", GRAIN_HALF, 10, "FY2027-H1", "2026-10-01", "2027-04-01");
	/* Fiscal start 11: quarters cross calendar years. */
	assert_period("2026-11-01", GRAIN_QUARTER, 11, "FY2027-Q1", "2026-11-01", "2027-02-01");
	assert_period("2027-01-31", GRAIN_QUARTER, 11, "FY2027-Q1", "2026-11-01", "2027-02-01");
	assert_period("2027-02-01", GRAIN_QUARTER, 11, "FY2027-Q2", "2027-02-01", "2027-05-01");
	assert_period("2027-10-31", GRAIN_QUARTER, 11, "FY2027-Q4", "2027-08-01", "2027-11-01");
	assert_period("2026-12-15", GRAIN_HALF, 11, "FY2027-H1", "2026-11-01", "2027-05-01");
	/* Fiscal start 12. */
	assert_period("2026-12-01", GRAIN_YEAR, 12, "FY2027", "2026-12-01", "2027-12-01");
	assert_period("2026-11-30", GRAIN_QUARTER, 12, "FY2026-Q4", "2026-09-01", "2026-12-01");
}

/* Every period of every grain and fiscal start covers its days without gaps or overlaps:
 * the period of its start is itself, of its last day too, and the next starts at its end. */
static void test_period_tiling(void **state)
{
	(void)state;
	for (int fs = 1; fs <= 12; fs++) {
		for (int g = GRAIN_YEAR; g <= GRAIN_DAY; g++) {
			spm_day d = day("2019-06-15");
			struct period p = period_of(d, (enum grain)g, fs);
			for (int i = 0; i < 60; i++) {
				spm_day end = period_end(p);
				assert_true(p.start <= d || i > 0);
				assert_true(end > p.start);
				assert_int_equal(period_of(p.start, (enum grain)g, fs).start, p.start);
				assert_int_equal(period_of(end - 1, (enum grain)g, fs).start, p.start);
				struct period next = period_next(p);
				assert_int_equal(next.start, end);
				assert_int_equal(period_previous(next).start, p.start);
				assert_true(period_cmp(p, next) < 0);
				assert_true(period_cmp(next, p) > 0);
				assert_int_equal(period_cmp(p, p), 0);
				p = next;
			}
		}
	}
}

static void test_period_days(void **state)
{
	(void)state;
	assert_int_equal(period_days(parsed("2024-Q1", 1)), 91);
	assert_int_equal(period_days(parsed("2025-Q1", 1)), 90);
	assert_int_equal(period_days(parsed("2026-Q3", 1)), 92);
	assert_int_equal(period_days(parsed("2024", 1)), 366);
	assert_int_equal(period_days(parsed("2025", 1)), 365);
	assert_int_equal(period_days(parsed("2100", 1)), 365);
	assert_int_equal(period_days(parsed("2000", 1)), 366);
	assert_int_equal(period_days(parsed("2026-H1", 1)), 181);
	assert_int_equal(period_days(parsed("2026-H2", 1)), 184);
	assert_int_equal(period_days(parsed("2024-02", 1)), 29);
	assert_int_equal(period_days(parsed("2026-02", 1)), 28);
	assert_int_equal(period_days(parsed("2026-W48", 1)), 7);
	assert_int_equal(period_days(parsed("2026-W53", 1)), 7);
	assert_int_equal(period_days(parsed("2026-11-26", 1)), 1);
	/* Fiscal quarter Nov 2026 – Jan 2027 crosses the year: 30 + 31 + 31. */
	assert_int_equal(period_days(parsed("FY2027-Q1", 11)), 92);
	/* Fiscal quarter Dec 2023 – Feb 2024 holds a leap day: 31 + 31 + 29. */
	assert_int_equal(period_days(parsed("FY2024-Q1", 12)), 91);
	/* Fiscal year Feb 2023 – Jan 2024 (no Feb 29) and Feb 2024 – Jan 2025 (with it). */
	assert_int_equal(period_days(parsed("FY2024", 2)), 365);
	assert_int_equal(period_days(parsed("FY2025", 2)), 366);
	assert_int_equal(period_days(parsed("FY2027", 7)), 365);
}

static void test_period_neighbours(void **state)
{
	(void)state;
	assert_label(period_previous(parsed("2026-Q1", 1)), "2025-Q4");
	assert_label(period_next(parsed("2025-Q4", 1)), "2026-Q1");
	assert_label(period_previous(parsed("2026-W01", 1)), "2025-W52");
	assert_label(period_next(parsed("2025-W52", 1)), "2026-W01");
	assert_label(period_next(parsed("2026-W52", 1)), "2026-W53");
	assert_label(period_next(parsed("2026-W53", 1)), "2027-W01");
	assert_label(period_previous(parsed("2021-W01", 1)), "2020-W53");
	assert_label(period_previous(parsed("FY2027-Q1", 7)), "FY2026-Q4");
	assert_label(period_next(parsed("FY2026-Q4", 7)), "FY2027-Q1");
	assert_label(period_previous(parsed("FY2027-Q1", 11)), "FY2026-Q4");
	assert_label(period_previous(parsed("FY2027-H1", 4)), "FY2026-H2");
	assert_label(period_previous(parsed("FY2027", 4)), "FY2026");
	assert_label(period_next(parsed("FY2027", 4)), "FY2028");
	assert_label(period_previous(parsed("2026-H1", 1)), "2025-H2");
	assert_label(period_previous(parsed("2026-01", 1)), "2025-12");
	assert_label(period_next(parsed("2026-12", 1)), "2027-01");
	assert_label(period_previous(parsed("2024-03-01", 1)), "2024-02-29");
	assert_label(period_next(parsed("2026-12-31", 1)), "2027-01-01");
	assert_label(period_previous(parsed("2026", 1)), "2025");
	/* The fiscal start travels with the period. */
	assert_int_equal(period_previous(parsed("FY2027-Q1", 7)).fiscal_start, 7);
	assert_int_equal(period_next(parsed("FY2027-Q1", 7)).grain, GRAIN_QUARTER);
}

static void test_period_cmp(void **state)
{
	(void)state;
	assert_true(period_cmp(parsed("2026-Q1", 1), parsed("2026-Q2", 1)) < 0);
	assert_true(period_cmp(parsed("2027-Q1", 1), parsed("2026-Q4", 1)) > 0);
	assert_int_equal(period_cmp(parsed("2026-Q1", 1), parsed("2026-Q1", 1)), 0);
	/* Different grains or fiscal starts are never equal, even from the same day. */
	assert_true(period_cmp(parsed("2026", 1), parsed("2026-Q1", 1)) != 0);
	assert_true(period_cmp(parsed("2026-Q3", 1), parsed("FY2027-Q1", 7)) != 0);
}

/* ---- period labels ---- */

/* The label as snprintf writes it (what period_format wrote before its digits by hand). */
static void reference_label(struct period p, char *buf, size_t size)
{
	struct civil_date c = civil_from_day(p.start);
	int fs = p.fiscal_start;
	int fy = fs > 1 ? (c.month >= fs ? c.year + 1 : c.year) : c.year;
	const char *prefix = fs > 1 ? "FY" : "";
	int index = fs > 1 ? ((c.month - fs + 12) % 12) : c.month - 1;
	spm_day thursday = p.start + (4 - iso_weekday(p.start));
	int wy = civil_from_day(thursday).year;
	int wk = (int)((thursday - day_from_civil(wy, 1, 1)) / 7) + 1;
	switch ((enum grain)p.grain) {
	case GRAIN_YEAR: snprintf(buf, size, "%s%04d", prefix, fy); break;
	case GRAIN_HALF: snprintf(buf, size, "%s%04d-H%d", prefix, fy, index / 6 + 1); break;
	case GRAIN_QUARTER: snprintf(buf, size, "%s%04d-Q%d", prefix, fy, index / 3 + 1); break;
	case GRAIN_MONTH: snprintf(buf, size, "%04d-%02d", c.year, c.month); break;
	case GRAIN_WEEK: snprintf(buf, size, "%04d-W%02d", wy, wk); break;
	case GRAIN_DAY: snprintf(buf, size, "%04d-%02d-%02d", c.year, c.month, c.day); break;
	}
}

/* Every grain and fiscal start, around the years where the digits change width: the
 * label written by hand is snprintf's, and its length is returned. */
static void test_period_format_matches_printf(void **state)
{
	(void)state;
	static const int years[][2] = { { 0, 2 }, { 999, 1001 }, { 1999, 2001 }, { 2024, 2028 }, { 9998, 9999 } };
	for (size_t y = 0; y < sizeof years / sizeof years[0]; y++)
		for (int fs = 1; fs <= 12; fs++)
			for (int g = GRAIN_YEAR; g <= GRAIN_DAY; g++)
				for (spm_day d = day_from_civil(years[y][0], 1, 1); d <= day_from_civil(years[y][1], 12, 31); d++) {
					struct period p = period_of(d, (enum grain)g, fs);
					char got[PERIOD_LABEL_SIZE], want[64];
					size_t n = period_format(p, got);
					reference_label(p, want, sizeof want);
					if (strcmp(got, want) != 0 || n != strlen(want))
						fail_msg("period of %d (grain %d, fiscal start %d): \"%s\" (%zu), want \"%s\"", (int)d,
							 g, fs, got, n, want);
				}
}

static void test_period_parse_round_trip(void **state)
{
	(void)state;
	static const struct {
		const char *label;
		int fiscal_start;
		enum grain grain;
		const char *start;
	} cases[] = {
		{ "2026", 1, GRAIN_YEAR, "2026-01-01" },
		{ "2026-H1", 1, GRAIN_HALF, "2026-01-01" },
		{ "2026-H2", 1, GRAIN_HALF, "2026-07-01" },
		{ "2026-Q1", 1, GRAIN_QUARTER, "2026-01-01" },
		{ "2026-Q3", 1, GRAIN_QUARTER, "2026-07-01" },
		{ "2026-Q4", 1, GRAIN_QUARTER, "2026-10-01" },
		{ "2026-01", 1, GRAIN_MONTH, "2026-01-01" },
		{ "2026-11", 1, GRAIN_MONTH, "2026-11-01" },
		{ "2026-12", 1, GRAIN_MONTH, "2026-12-01" },
		{ "2026-W01", 1, GRAIN_WEEK, "2025-12-29" },
		{ "2026-W48", 1, GRAIN_WEEK, "2026-11-23" },
		{ "2026-W53", 1, GRAIN_WEEK, "2026-12-28" },
		{ "2020-W53", 1, GRAIN_WEEK, "2020-12-28" },
		{ "2025-W01", 1, GRAIN_WEEK, "2024-12-30" },
		{ "2026-11-26", 1, GRAIN_DAY, "2026-11-26" },
		{ "2024-02-29", 1, GRAIN_DAY, "2024-02-29" },
		{ "9999-12-31", 1, GRAIN_DAY, "9999-12-31" },
		{ "FY2027", 7, GRAIN_YEAR, "2026-07-01" },
		{ "FY2027-Q1", 7, GRAIN_QUARTER, "2026-07-01" },
		{ "FY2027-Q3", 7, GRAIN_QUARTER, "2027-01-01" },
		{ "FY2027-H2", 7, GRAIN_HALF, "2027-01-01" },
		{ "FY2027-Q1", 2, GRAIN_QUARTER, "2026-02-01" },
		{ "FY2026-Q4", 2, GRAIN_QUARTER, "2025-11-01" },
		{ "FY2027", 4, GRAIN_YEAR, "2026-04-01" },
		{ "FY2027-Q4", 4, GRAIN_QUARTER, "2027-01-01" },
		{ "FY2027-Q1", 10, GRAIN_QUARTER, "2026-10-01" },
		{ "FY2027-Q1", 11, GRAIN_QUARTER, "2026-11-01" },
		{ "FY2027-Q2", 11, GRAIN_QUARTER, "2027-02-01" },
		{ "FY2027-H2", 12, GRAIN_HALF, "2027-06-01" },
		/* Calendar labels still parse when a fiscal start is set. */
		{ "2026-Q3", 7, GRAIN_QUARTER, "2026-07-01" },
		{ "2026-11", 7, GRAIN_MONTH, "2026-11-01" },
		{ "2026-W48", 7, GRAIN_WEEK, "2026-11-23" },
		{ "2026-11-26", 7, GRAIN_DAY, "2026-11-26" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct period p = parsed(cases[i].label, cases[i].fiscal_start);
		assert_int_equal(p.grain, cases[i].grain);
		assert_date(p.start, cases[i].start);
		assert_label(p, cases[i].label);
		/* The period of its first day is the same period. */
		struct period again = period_of(p.start, (enum grain)p.grain, p.fiscal_start);
		assert_int_equal(period_cmp(p, again), 0);
	}
	/* Every label produced for every day of 2024..2027 parses back to the same period. */
	for (int fs = 1; fs <= 12; fs += 3) {
		for (int g = GRAIN_YEAR; g <= GRAIN_DAY; g++) {
			for (spm_day d = day("2024-01-01"); d < day("2028-01-01"); d += 5) {
				struct period p = period_of(d, (enum grain)g, fs);
				char buf[PERIOD_LABEL_SIZE];
				size_t n = period_format(p, buf);
				struct period back;
				if (!period_parse(buf, n, fs, &back))
					fail_msg("label \"%s\" does not parse back (fiscal start %d)", buf, fs);
				assert_int_equal(period_cmp(p, back), 0);
			}
		}
	}
}

static void test_period_parse_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-Q5", "2026-Q0", "2026-H3", "2026-H0", "2026-13", "2026-00", "2026-W54",
		"2026-W00", "2025-W53", "2026-11-31", "2026-02-29", "abcd", "", "2026-", "2026-Q",
		"2026-Q12", "2026-1", "2026-W5", "2026-W053", "26", "20266", "2026 ", " 2026",
		"2026-q1", "2026-h1", "2026-w01", "fy2027", "FY", "FY2027-11", "FY2027-W01",
		"FY2027-11-26", "0000", "2026-11-26T09:00", "2026/Q1", "FY2027-Q5",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parses(bad[i], 1))
			fail_msg("\"%s\" was accepted (fiscal start 1)", bad[i]);
		if (parses(bad[i], 7))
			fail_msg("\"%s\" was accepted (fiscal start 7)", bad[i]);
	}
	/* FY labels need a fiscal start. */
	assert_false(parses("FY2027", 1));
	assert_false(parses("FY2027-Q1", 1));
	assert_false(parses("FY2027", 0));
	assert_true(parses("FY2027", 2));
	/* Only len bytes are read. */
	struct period p;
	assert_true(period_parse("2026-Q3xyz", 7, 1, &p));
	assert_label(p, "2026-Q3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_round_trip),
		cmocka_unit_test(test_leap_days),
		cmocka_unit_test(test_iso_weekday),
		cmocka_unit_test(test_date_parse_iso_memo),
		cmocka_unit_test(test_date_parse_iso),
		cmocka_unit_test(test_date_problem),
		cmocka_unit_test(test_date_parse_iso_rejects),
		cmocka_unit_test(test_date_parse_format),
		cmocka_unit_test(test_date_format_is_usable),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_grain_names),
		cmocka_unit_test(test_period_calendar),
		cmocka_unit_test(test_period_iso_weeks),
		cmocka_unit_test(test_period_fiscal),
		cmocka_unit_test(test_period_tiling),
		cmocka_unit_test(test_period_days),
		cmocka_unit_test(test_period_neighbours),
		cmocka_unit_test(test_period_cmp),
		cmocka_unit_test(test_period_parse_round_trip),
		cmocka_unit_test(test_period_format_matches_printf),
		cmocka_unit_test(test_period_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
