/* Unit tests for src/lib/progress.c: counted days (calendar, Monday to Friday, holidays),
 * the elapsed share of a period at an as-of date, exact fractions and their rounding, and
 * every progress column and status, thresholds included. Every expected value is worked
 * out by hand in the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decimal.h"
#include "period.h"
#include "progress.h"

/* ---- helpers ---- */

#define HIGHER false
#define LOWER true
#define CUMULATIVE true
#define LEVEL false

static spm_day day(const char *iso)
{
	spm_day d = 0;
	if (!date_parse_iso(iso, strlen(iso), &d))
		fail_msg("cannot parse date \"%s\"", iso);
	return d;
}

static decimal num(const char *s)
{
	decimal d = decimal_zero();
	enum decimal_status st = decimal_parse(s, strlen(s), DECIMAL_POINT, &d);
	if (st != DECIMAL_OK)
		fail_msg("cannot parse \"%s\": %s", s, decimal_strerror(st));
	return d;
}

static struct period parsed(const char *label, int fiscal_start)
{
	struct period p;
	memset(&p, 0, sizeof p);
	if (!period_parse(label, strlen(label), fiscal_start, &p))
		fail_msg("cannot parse period \"%s\" (fiscal start %d)", label, fiscal_start);
	return p;
}

/* f rounded half away from zero to places must equal expected (a decimal_parse'd text);
 * expected NULL means f must be undefined. */
static void check_value(int line, const char *what, struct fraction f, int places, const char *expected)
{
	decimal got = decimal_zero();
	if (!expected) {
		if (fraction_defined(f)) {
			char buf[DECIMAL_BUFSIZE] = "(too large)";
			if (fraction_round(f, 9, &got))
				decimal_format(got, -1, buf, sizeof buf);
			fail_msg("line %d: %s: got %s, want undefined", line, what, buf);
		}
		return;
	}
	if (!fraction_defined(f))
		fail_msg("line %d: %s: got undefined, want %s", line, what, expected);
	if (!fraction_round(f, places, &got))
		fail_msg("line %d: %s: does not round to %d places, want %s", line, what, places, expected);
	decimal want = num(expected);
	if (decimal_cmp(got, want) != 0) {
		char buf[DECIMAL_BUFSIZE];
		decimal_format(got, places, buf, sizeof buf);
		fail_msg("line %d: %s: got %s, want %s", line, what, buf, expected);
	}
}

#define assert_value(f, places, expected) check_value(__LINE__, #f, (f), (places), (expected))
#define assert_undefined(f) check_value(__LINE__, #f, (f), 4, NULL)

/* The exact lowest-terms fraction n/d. */
static void check_exact(int line, struct fraction f, int64_t n, int64_t d)
{
	if (f.num != (decimal_units)n || f.den != (decimal_units)d)
		fail_msg("line %d: fraction is not %lld/%lld", line, (long long)n, (long long)d);
}

#define assert_exact(f, n, d) check_exact(__LINE__, (f), (n), (d))

static void check_status(int line, enum goal_status got, enum goal_status want)
{
	if (got != want)
		fail_msg("line %d: status %s, want %s", line, goal_status_name(got), goal_status_name(want));
}

#define assert_status(got, want) check_status(__LINE__, (got), (want))

static void check_elapsed(int line, struct elapsed e, int64_t done, int64_t total, bool started, bool over)
{
	if (e.done != done || e.total != total || e.started != started || e.over != over)
		fail_msg("line %d: elapsed done %lld total %lld started %d over %d, want %lld %lld %d %d", line,
			 (long long)e.done, (long long)e.total, (int)e.started, (int)e.over, (long long)done,
			 (long long)total, (int)started, (int)over);
}

#define assert_elapsed(e, done, total, started, over) check_elapsed(__LINE__, (e), (done), (total), (started), (over))

static struct elapsed running(int64_t done, int64_t total)
{
	struct elapsed e = { done, total, true, false };
	return e;
}

static struct elapsed ended(int64_t total)
{
	struct elapsed e = { total, total, true, true };
	return e;
}

static struct elapsed not_yet(int64_t total)
{
	struct elapsed e = { 0, total, false, false };
	return e;
}

/* actual NULL: nothing measured (an undefined fraction). */
static struct goal_measure goal(const char *actual, const char *target, bool lower, bool cumulative,
				struct elapsed e)
{
	struct goal_measure g;
	memset(&g, 0, sizeof g);
	g.actual = actual ? fraction_of(num(actual)) : (struct fraction){ 0, 0, FRACTION_EXACT };
	g.target = num(target);
	g.lower = lower;
	g.cumulative = cumulative;
	g.elapsed = e;
	return g;
}

static struct status_thresholds thresholds(const char *achieved, const char *ahead, const char *on_track)
{
	struct status_thresholds t = { num(achieved), num(ahead), num(on_track), num("0") };
	return t;
}

/* progress_compute must succeed; then every column at 4 places (NULL: undefined) and the status. */
static void check_progress(int line, const struct goal_measure *g, const struct status_thresholds *t,
			   const char *attainment, const char *expected, const char *pace, const char *projected,
			   const char *gap, enum goal_status status)
{
	struct progress p;
	progress_compute(g, t, &p);
	check_value(line, "attainment", p.attainment, 4, attainment);
	check_value(line, "expected", p.expected, 4, expected);
	check_value(line, "pace", p.pace, 4, pace);
	check_value(line, "projected", p.projected, 4, projected);
	check_value(line, "gap", p.gap, 4, gap);
	check_status(line, p.status, status);
}

#define assert_progress(g, t, attainment, expected, pace, projected, gap, status) \
	check_progress(__LINE__, (g), (t), (attainment), (expected), (pace), (projected), (gap), (status))

static struct progress computed(const struct goal_measure *g, const struct status_thresholds *t)
{
	struct progress p;
	progress_compute(g, t, &p);
	return p;
}

/* Monday to Friday days in [lo, hi), one day at a time: the reference for counted_days. */
static int64_t weekdays_slowly(spm_day lo, spm_day hi)
{
	int64_t n = 0;
	for (spm_day d = lo; d < hi; d++)
		n += iso_weekday(d) <= 5;
	return n;
}

/* ---- counted days ---- */

static void test_counted_days_calendar(void **state)
{
	(void)state;
	struct work_calendar every = { false, NULL, 0 };
	/* NULL calendar: every day counts; [lo, hi) has hi − lo days. */
	assert_int_equal(counted_days(NULL, day("2024-06-01"), day("2024-07-01")), 30); /* June: 30 */
	assert_int_equal(counted_days(&every, day("2024-06-01"), day("2024-07-01")), 30);
	/* 2024: 366 days (leap year); 2023: 365. */
	assert_int_equal(counted_days(NULL, day("2024-01-01"), day("2025-01-01")), 366);
	assert_int_equal(counted_days(&every, day("2023-01-01"), day("2024-01-01")), 365);
	/* One day: [d, d+1) = 1. */
	assert_int_equal(counted_days(NULL, day("2024-02-29"), day("2024-03-01")), 1);
	/* Before 1970 (negative day numbers): 1969 has 365 days; Dec 1969 has 31. */
	assert_int_equal(counted_days(NULL, day("1969-01-01"), day("1970-01-01")), 365);
	assert_int_equal(counted_days(&every, day("1969-12-01"), day("1970-01-01")), 31);
	/* Across day 0: Dec 30, Dec 31 1969, Jan 1, Jan 2 1970 = 4. */
	assert_int_equal(counted_days(&every, day("1969-12-30"), day("1970-01-03")), 4);
	/* 1900 (not a leap year): 365; 0001-01-01 .. 0001-02-01: 31. */
	assert_int_equal(counted_days(NULL, day("1900-01-01"), day("1901-01-01")), 365);
	assert_int_equal(counted_days(NULL, day("0001-01-01"), day("0001-02-01")), 31);
	/* Empty and negative intervals count 0, never a negative number. */
	assert_int_equal(counted_days(NULL, day("2024-06-01"), day("2024-06-01")), 0);
	assert_int_equal(counted_days(&every, day("2024-06-01"), day("2024-06-01")), 0);
	assert_int_equal(counted_days(NULL, day("2024-07-01"), day("2024-06-01")), 0);
	assert_int_equal(counted_days(&every, day("1970-01-05"), day("1969-12-01")), 0);
	assert_int_equal(counted_days(NULL, 1, 0), 0);
	assert_int_equal(counted_days(NULL, -1, -1), 0);
}

static void test_counted_days_workdays_each_weekday(void **state)
{
	(void)state;
	struct work_calendar work = { true, NULL, 0 };
	/* From weekday i of one week (0 = Monday) to weekday j of the next (exclusive):
	 * weekdays left in the first week = max(5 − i, 0), plus min(j, 5) in the second.
	 * Monday → next Monday: 5 + 0 = 5; Monday → next Sunday: 5 + 5 = 10;
	 * Saturday → next Saturday: 0 + 5 = 5; Friday → next Tuesday: 1 + 1 = 2. */
	static const int64_t across[7][7] = {
		/* to:  Mo  Tu  We  Th  Fr  Sa  Su */
		{ 5, 6, 7, 8, 9, 10, 10 }, /* from Monday:    5 + min(j,5) */
		{ 4, 5, 6, 7, 8, 9, 9 },   /* from Tuesday:   4 + min(j,5) */
		{ 3, 4, 5, 6, 7, 8, 8 },   /* from Wednesday: 3 + min(j,5) */
		{ 2, 3, 4, 5, 6, 7, 7 },   /* from Thursday:  2 + min(j,5) */
		{ 1, 2, 3, 4, 5, 6, 6 },   /* from Friday:    1 + min(j,5) */
		{ 0, 1, 2, 3, 4, 5, 5 },   /* from Saturday:  0 + min(j,5) */
		{ 0, 1, 2, 3, 4, 5, 5 },   /* from Sunday:    0 + min(j,5) */
	};
	/* Within one week, from weekday i to weekday j > i (exclusive): min(j,5) − min(i,5).
	 * Monday → Saturday: 5 − 0 = 5; Tuesday → Thursday: 3 − 1 = 2; Saturday → Sunday: 0. */
	static const int64_t within[7][7] = {
		/* to:  Mo Tu We Th Fr Sa Su */
		{ 0, 1, 2, 3, 4, 5, 5 }, /* from Monday */
		{ 0, 0, 1, 2, 3, 4, 4 }, /* from Tuesday */
		{ 0, 0, 0, 1, 2, 3, 3 }, /* from Wednesday */
		{ 0, 0, 0, 0, 1, 2, 2 }, /* from Thursday */
		{ 0, 0, 0, 0, 0, 1, 1 }, /* from Friday */
		{ 0, 0, 0, 0, 0, 0, 0 }, /* from Saturday */
		{ 0, 0, 0, 0, 0, 0, 0 }, /* from Sunday (j <= i: empty interval) */
	};
	/* Mondays: after 1970, the Monday before day 0 (1969-12-29 = day −3, so its weeks
	 * cross 1970-01-01), one a week earlier, 1900-01-01 and 0001-01-01. */
	static const char *const mondays[] = { "2024-06-03", "1969-12-29", "1969-12-22", "1900-01-01",
					       "0001-01-01", "1970-01-05" };
	for (size_t m = 0; m < sizeof mondays / sizeof mondays[0]; m++) {
		spm_day monday = day(mondays[m]);
		assert_int_equal(iso_weekday(monday), 1);
		for (int i = 0; i < 7; i++) {
			for (int j = 0; j < 7; j++) {
				int64_t got = counted_days(&work, monday + i, monday + 7 + j);
				if (got != across[i][j])
					fail_msg("week of %s: [%d, 7+%d) gave %lld, want %lld", mondays[m], i, j,
						 (long long)got, (long long)across[i][j]);
				got = counted_days(&work, monday + i, monday + j);
				if (got != within[i][j])
					fail_msg("week of %s: [%d, %d) gave %lld, want %lld", mondays[m], i, j,
						 (long long)got, (long long)within[i][j]);
			}
		}
	}
	/* Day 0 is a Thursday: [Thu 1970-01-01, Mon 1970-01-05) = Thu, Fri = 2;
	 * [Wed 1969-12-31, Thu 1970-01-01) = 1; [Sat 1970-01-03, Mon 1970-01-05) = 0. */
	assert_int_equal(counted_days(&work, 0, 4), 2);
	assert_int_equal(counted_days(&work, -1, 0), 1);
	assert_int_equal(counted_days(&work, 2, 4), 0);
	/* Whole years: 2024 starts on a Monday, 366 = 52 weeks + Mon, Tue → 52×5 + 2 = 262;
	 * 1969 starts on a Wednesday, 365 = 52 weeks + Wed → 260 + 1 = 261;
	 * 1900 starts on a Monday, 365 = 52 weeks + Mon → 261. */
	assert_int_equal(counted_days(&work, day("2024-01-01"), day("2025-01-01")), 262);
	assert_int_equal(counted_days(&work, day("1969-01-01"), day("1970-01-01")), 261);
	assert_int_equal(counted_days(&work, day("1900-01-01"), day("1901-01-01")), 261);
	/* Dec 1969 (Mon 1 .. Wed 31): 4 full weeks = 20, Mon 29..Wed 31 = 3 → 23;
	 * Jan 1970 (Thu 1 .. Sat 31): Thu 1, Fri 2 = 2, 4 weeks from Mon 5 to Fri 30 = 20 → 22;
	 * the two months: 23 + 22 = 45. */
	assert_int_equal(counted_days(&work, day("1969-12-01"), day("1970-01-01")), 23);
	assert_int_equal(counted_days(&work, day("1970-01-01"), day("1970-02-01")), 22);
	assert_int_equal(counted_days(&work, day("1969-12-01"), day("1970-02-01")), 45);
	/* Empty and negative intervals under workdays: 0. */
	assert_int_equal(counted_days(&work, day("2024-06-05"), day("2024-06-05")), 0);
	assert_int_equal(counted_days(&work, day("2024-06-10"), day("2024-06-03")), 0);
	assert_int_equal(counted_days(&work, day("1969-12-31"), day("1969-12-01")), 0);
	/* Against a day-by-day count, around day 0 and around an old date. */
	for (spm_day lo = -40; lo <= 40; lo++)
		for (spm_day hi = lo - 3; hi <= lo + 40; hi++)
			assert_int_equal(counted_days(&work, lo, hi), weekdays_slowly(lo, hi));
	spm_day old = day("0001-01-01");
	for (spm_day lo = old; lo <= old + 20; lo++)
		for (spm_day hi = lo; hi <= lo + 20; hi++)
			assert_int_equal(counted_days(&work, lo, hi), weekdays_slowly(lo, hi));
}

static void test_counted_days_holidays(void **state)
{
	(void)state;
	/* June 2024: Sat 1, Sun 2, then Mon 3 .. Fri 28 = 4 weeks = 20 weekdays, Sat 29, Sun 30.
	 * Holidays (sorted): Mon May 27 (before), Sat Jun 1, Mon Jun 10, Wed Jun 19,
	 * Thu Jul 4 (after). */
	const spm_day holidays[] = { day("2024-05-27"), day("2024-06-01"), day("2024-06-10"),
				     day("2024-06-19"), day("2024-07-04") };
	struct work_calendar work = { true, holidays, 5 };
	struct work_calendar every = { false, holidays, 5 };
	spm_day jun1 = day("2024-06-01"), jul1 = day("2024-07-01");
	/* Workdays: 20 − Jun 10 − Jun 19 = 18 (Sat Jun 1 is no workday anyway: not subtracted
	 * twice; May 27 and Jul 4 are outside). */
	assert_int_equal(counted_days(&work, jun1, jul1), 18);
	/* Every day: 30 − Jun 1 − Jun 10 − Jun 19 = 27 (the Saturday holiday counts here). */
	assert_int_equal(counted_days(&every, jun1, jul1), 27);
	/* Half-open: [Jun 10, Jun 19) holds Jun 10 but not Jun 19.
	 * workdays: Mon 10..Fri 14 = 5, Mon 17, Tue 18 = 2 → 7 − Jun 10 = 6;
	 * every day: 9 − Jun 10 = 8. */
	assert_int_equal(counted_days(&work, day("2024-06-10"), day("2024-06-19")), 6);
	assert_int_equal(counted_days(&every, day("2024-06-10"), day("2024-06-19")), 8);
	/* [Jun 11, Jun 20): Tue 11..Fri 14 = 4, Mon 17..Wed 19 = 3 → 7 − Jun 19 = 6;
	 * every day: 9 − Jun 19 = 8. */
	assert_int_equal(counted_days(&work, day("2024-06-11"), day("2024-06-20")), 6);
	assert_int_equal(counted_days(&every, day("2024-06-11"), day("2024-06-20")), 8);
	/* An interval holding only the Saturday holiday: [Sat Jun 1, Mon Jun 3).
	 * workdays: 0 (the holiday is on a weekend); every day: 2 − 1 = 1. */
	assert_int_equal(counted_days(&work, jun1, day("2024-06-03")), 0);
	assert_int_equal(counted_days(&every, jun1, day("2024-06-03")), 1);
	/* An interval between holidays: [Tue Jun 11, Wed Jun 19) = Tue..Fri 4 + Mon, Tue 2 = 6;
	 * every day: 8, no holiday inside. */
	assert_int_equal(counted_days(&work, day("2024-06-11"), day("2024-06-19")), 6);
	assert_int_equal(counted_days(&every, day("2024-06-11"), day("2024-06-19")), 8);
	/* Only the holiday itself: [Jun 10, Jun 11) = 1 − 1 = 0 either way. */
	assert_int_equal(counted_days(&work, day("2024-06-10"), day("2024-06-11")), 0);
	assert_int_equal(counted_days(&every, day("2024-06-10"), day("2024-06-11")), 0);
	/* Every holiday before or after the interval: ignored.
	 * [Mon Jun 3, Sat Jun 8): 5 workdays, 5 days. [Jul 8 .. Jul 15): Mon 8..Fri 12 = 5, 7 days. */
	assert_int_equal(counted_days(&work, day("2024-06-03"), day("2024-06-08")), 5);
	assert_int_equal(counted_days(&every, day("2024-06-03"), day("2024-06-08")), 5);
	assert_int_equal(counted_days(&work, day("2024-07-08"), day("2024-07-15")), 5);
	assert_int_equal(counted_days(&every, day("2024-07-08"), day("2024-07-15")), 7);
	assert_int_equal(counted_days(&work, day("2020-01-01"), day("2020-01-02")), 1); /* Wed */
	/* A wide interval holding all five: May 2024 (Wed 1 .. Fri 31) has
	 * Wed 1..Fri 3 = 3, 4 weeks Mon 6..Fri 31 = 20 → 23 workdays; July 2024 (Mon 1 .. Wed 31)
	 * has 4 weeks Mon 1..Fri 26 = 20, Mon 29..Wed 31 = 3 → 23. [May 1, Aug 1):
	 * 23 + 20 + 23 = 66 − May 27, Jun 10, Jun 19, Jul 4 = 62 (Jun 1 a Saturday);
	 * every day: 31 + 30 + 31 = 92 − 5 = 87. */
	assert_int_equal(counted_days(&work, day("2024-05-01"), day("2024-08-01")), 62);
	assert_int_equal(counted_days(&every, day("2024-05-01"), day("2024-08-01")), 87);
	/* Empty and negative intervals stay 0 whatever holidays lie between. */
	assert_int_equal(counted_days(&work, jul1, jun1), 0);
	assert_int_equal(counted_days(&every, jul1, jun1), 0);
	assert_int_equal(counted_days(&every, day("2024-06-10"), day("2024-06-10")), 0);
	/* Holidays before 1970: Thu 1969-12-25 and Thu 1970-01-01 (day 0).
	 * Dec 1969 workdays 23 − Dec 25 = 22 (Jan 1 is after it);
	 * [1969-12-29, 1970-01-05) = Mon..Fri 5 − Jan 1 = 4 (Dec 25 is before it);
	 * every day over the same week: 7 − Jan 1 = 6;
	 * [1969-12-22, 1970-01-05), two weeks: 10 − 2 = 8 workdays, 14 − 2 = 12 days. */
	const spm_day old[] = { day("1969-12-25"), 0 };
	struct work_calendar old_work = { true, old, 2 };
	struct work_calendar old_every = { false, old, 2 };
	assert_int_equal(counted_days(&old_work, day("1969-12-01"), day("1970-01-01")), 22);
	assert_int_equal(counted_days(&old_work, day("1969-12-29"), day("1970-01-05")), 4);
	assert_int_equal(counted_days(&old_every, day("1969-12-29"), day("1970-01-05")), 6);
	assert_int_equal(counted_days(&old_work, day("1969-12-22"), day("1970-01-05")), 8);
	assert_int_equal(counted_days(&old_every, day("1969-12-22"), day("1970-01-05")), 12);
	/* No holidays at all (NULL list, 0 of them) is the plain count. */
	struct work_calendar none = { true, NULL, 0 };
	assert_int_equal(counted_days(&none, jun1, jul1), 20);
}

/* ---- elapsed share of a period ---- */

static void test_period_elapsed_calendar(void **state)
{
	(void)state;
	/* 2017-Q3: Jul 1 .. Sep 30 = 31 + 31 + 30 = 92 days. */
	struct period q3 = parsed("2017-Q3", 1);
	/* Jun 30: before the start → not started, done 0. */
	assert_elapsed(period_elapsed(q3, day("2017-06-30"), NULL), 0, 92, false, false);
	assert_elapsed(period_elapsed(q3, day("2016-01-01"), NULL), 0, 92, false, false);
	/* Jul 1, the first day: done 1. */
	assert_elapsed(period_elapsed(q3, day("2017-07-01"), NULL), 1, 92, true, false);
	/* The Maven case: Jul 1 .. Aug 15 = 31 + 15 = 46 of 92. */
	assert_elapsed(period_elapsed(q3, day("2017-08-15"), NULL), 46, 92, true, false);
	/* Sep 29, the day before the last: 31 + 31 + 29 = 91, not over. */
	assert_elapsed(period_elapsed(q3, day("2017-09-29"), NULL), 91, 92, true, false);
	/* Sep 30, the last day: over, done 92. */
	assert_elapsed(period_elapsed(q3, day("2017-09-30"), NULL), 92, 92, true, true);
	/* After the end: over, done stays at 92. */
	assert_elapsed(period_elapsed(q3, day("2017-10-01"), NULL), 92, 92, true, true);
	assert_elapsed(period_elapsed(q3, day("2030-01-01"), NULL), 92, 92, true, true);
	/* A calendar with workdays off and no holidays is the same as NULL. */
	struct work_calendar every = { false, NULL, 0 };
	assert_elapsed(period_elapsed(q3, day("2017-08-15"), &every), 46, 92, true, false);
	/* A one-day period: before, on (started and over at once, 1 of 1), after. */
	struct period d = parsed("2017-08-15", 1);
	assert_elapsed(period_elapsed(d, day("2017-08-14"), NULL), 0, 1, false, false);
	assert_elapsed(period_elapsed(d, day("2017-08-15"), NULL), 1, 1, true, true);
	assert_elapsed(period_elapsed(d, day("2017-08-16"), NULL), 1, 1, true, true);
	/* ISO week 2024-W23: Mon Jun 3 .. Sun Jun 9 = 7; as of Wed Jun 5: 3. */
	assert_elapsed(period_elapsed(parsed("2024-W23", 1), day("2024-06-05"), NULL), 3, 7, true, false);
	/* Before 1970: 1969-12 = 31 days; as of Dec 24: 24. Year 1969 as of 1969-02-01: 31 + 1 = 32. */
	assert_elapsed(period_elapsed(parsed("1969-12", 1), day("1969-12-24"), NULL), 24, 31, true, false);
	assert_elapsed(period_elapsed(parsed("1969", 1), day("1969-02-01"), NULL), 32, 365, true, false);
}

static void test_period_elapsed_leap(void **state)
{
	(void)state;
	/* 2024-02: 29 days; as of Feb 28: 28, not over; as of Feb 29: 29, over. */
	struct period feb = parsed("2024-02", 1);
	assert_elapsed(period_elapsed(feb, day("2024-02-28"), NULL), 28, 29, true, false);
	assert_elapsed(period_elapsed(feb, day("2024-02-29"), NULL), 29, 29, true, true);
	assert_elapsed(period_elapsed(feb, day("2024-03-01"), NULL), 29, 29, true, true);
	/* 2023-02: 28 days; as of Feb 28: over. */
	assert_elapsed(period_elapsed(parsed("2023-02", 1), day("2023-02-28"), NULL), 28, 28, true, true);
	/* 2024-Q1: 31 + 29 + 31 = 91; as of Feb 29: 31 + 29 = 60. */
	struct period q1 = parsed("2024-Q1", 1);
	assert_elapsed(period_elapsed(q1, day("2024-02-29"), NULL), 60, 91, true, false);
	assert_elapsed(period_elapsed(q1, day("2024-03-31"), NULL), 91, 91, true, true);
	/* 2024: 366; as of Feb 29: 60; as of Dec 31: 366, over. */
	struct period y = parsed("2024", 1);
	assert_elapsed(period_elapsed(y, day("2024-02-29"), NULL), 60, 366, true, false);
	assert_elapsed(period_elapsed(y, day("2024-12-30"), NULL), 365, 366, true, false);
	assert_elapsed(period_elapsed(y, day("2024-12-31"), NULL), 366, 366, true, true);
	/* 2024-H1: 31 + 29 + 31 + 30 + 31 + 30 = 182; as of Mar 1: 31 + 29 + 1 = 61. */
	assert_elapsed(period_elapsed(parsed("2024-H1", 1), day("2024-03-01"), NULL), 61, 182, true, false);
}

static void test_period_elapsed_fiscal(void **state)
{
	(void)state;
	/* Fiscal year starting in November, named by the year it ends in: FY2025-Q1 is
	 * Nov 2024 .. Jan 2025 = 30 + 31 + 31 = 92 days. */
	struct period q = parsed("FY2025-Q1", 11);
	assert_int_equal(q.start, day("2024-11-01"));
	assert_int_equal(period_end(q), day("2025-02-01"));
	/* As of 2025-01-01: Nov 30 + Dec 31 + 1 = 62, across the year end. */
	assert_elapsed(period_elapsed(q, day("2025-01-01"), NULL), 62, 92, true, false);
	/* As of 2024-12-31: 30 + 31 = 61. As of 2024-10-31: not started. As of Jan 31: over. */
	assert_elapsed(period_elapsed(q, day("2024-12-31"), NULL), 61, 92, true, false);
	assert_elapsed(period_elapsed(q, day("2024-10-31"), NULL), 0, 92, false, false);
	assert_elapsed(period_elapsed(q, day("2025-01-31"), NULL), 92, 92, true, true);
	/* Under workdays: Nov 2024 (Fri 1 .. Sat 30): Fri 1 = 1, 4 weeks Mon 4..Fri 29 = 20 → 21;
	 * Dec 2024 (Sun 1 .. Tue 31): 4 weeks Mon 2..Fri 27 = 20, Mon 30, Tue 31 = 2 → 22;
	 * Jan 2025 (Wed 1 .. Fri 31): Wed 1..Fri 3 = 3, 4 weeks Mon 6..Fri 31 = 20 → 23.
	 * Total 21 + 22 + 23 = 66; as of Wed Jan 1: 21 + 22 + 1 = 44.
	 * Holidays Thu Nov 28, Wed Dec 25, Wed Jan 1: total 66 − 3 = 63, done 44 − 3 = 41. */
	struct work_calendar work = { true, NULL, 0 };
	assert_elapsed(period_elapsed(q, day("2025-01-01"), &work), 44, 66, true, false);
	const spm_day holidays[] = { day("2024-11-28"), day("2024-12-25"), day("2025-01-01") };
	struct work_calendar hol = { true, holidays, 3 };
	assert_elapsed(period_elapsed(q, day("2025-01-01"), &hol), 41, 63, true, false);
}

static void test_period_elapsed_workdays(void **state)
{
	(void)state;
	/* June 2024 under workdays: 20 weekdays (see test_counted_days_holidays). Holidays:
	 * Sat Jun 1 (a weekend: not subtracted again), Mon Jun 10, Wed Jun 19 → 20 − 2 = 18. */
	const spm_day holidays[] = { day("2024-06-01"), day("2024-06-10"), day("2024-06-19") };
	struct work_calendar work = { true, holidays, 3 };
	struct period jun = parsed("2024-06", 1);
	/* May 31: not started. */
	assert_elapsed(period_elapsed(jun, day("2024-05-31"), &work), 0, 18, false, false);
	/* Sat Jun 1, the first day, a holiday on a weekend: started, but 0 counted days. */
	assert_elapsed(period_elapsed(jun, day("2024-06-01"), &work), 0, 18, true, false);
	/* Mon Jun 3: 1. */
	assert_elapsed(period_elapsed(jun, day("2024-06-03"), &work), 1, 18, true, false);
	/* Mon Jun 10 (a holiday): Mon 3..Fri 7 = 5, Jun 10 not counted → 5. */
	assert_elapsed(period_elapsed(jun, day("2024-06-10"), &work), 5, 18, true, false);
	/* Fri Jun 14: 5 + (Mon 10..Fri 14 = 5 − Jun 10 = 4) = 9; Sat 15 and Sun 16: still 9. */
	assert_elapsed(period_elapsed(jun, day("2024-06-14"), &work), 9, 18, true, false);
	assert_elapsed(period_elapsed(jun, day("2024-06-16"), &work), 9, 18, true, false);
	/* Wed Jun 19 (a holiday): 9 + Mon 17, Tue 18 = 11. */
	assert_elapsed(period_elapsed(jun, day("2024-06-19"), &work), 11, 18, true, false);
	/* Fri Jun 28, the last workday, is not the last day: 18, not over. */
	assert_elapsed(period_elapsed(jun, day("2024-06-28"), &work), 18, 18, true, false);
	/* Sun Jun 30, the last day: over; Jul 1: over. */
	assert_elapsed(period_elapsed(jun, day("2024-06-30"), &work), 18, 18, true, true);
	assert_elapsed(period_elapsed(jun, day("2024-07-01"), &work), 18, 18, true, true);
	/* Without workdays, the same holidays: 30 − 3 = 27; as of Jun 14: 14 − Jun 1, Jun 10 = 12. */
	struct work_calendar every = { false, holidays, 3 };
	assert_elapsed(period_elapsed(jun, day("2024-06-14"), &every), 12, 27, true, false);
	assert_elapsed(period_elapsed(jun, day("2024-06-01"), &every), 0, 27, true, false);
	/* The Maven quarter under workdays: Jul 2017 (Sat 1 .. Mon 31): 4 weeks Mon 3..Fri 28 = 20,
	 * Mon 31 = 1 → 21; Aug 2017 (Tue 1 .. Thu 31): Tue 1..Fri 4 = 4, 3 weeks Mon 7..Fri 25 = 15,
	 * Mon 28..Thu 31 = 4 → 23; Sep 2017 (Fri 1 .. Sat 30): Fri 1 = 1, 4 weeks Mon 4..Fri 29 = 20
	 * → 21. Total 21 + 23 + 21 = 65. As of Tue Aug 15: 21 + 4 + 5 + Mon 14, Tue 15 = 2 → 32. */
	struct work_calendar plain = { true, NULL, 0 };
	assert_elapsed(period_elapsed(parsed("2017-Q3", 1), day("2017-08-15"), &plain), 32, 65, true, false);
	/* Before 1970: Dec 1969 workdays 23, holiday Thu Dec 25 → 22. As of Wed Dec 24:
	 * 3 weeks Mon 1..Fri 19 = 15, Mon 22..Wed 24 = 3 → 18. As of Fri Dec 26: 18 + Fri 26 = 19. */
	const spm_day xmas[] = { day("1969-12-25") };
	struct work_calendar old = { true, xmas, 1 };
	struct period dec = parsed("1969-12", 1);
	assert_elapsed(period_elapsed(dec, day("1969-12-24"), &old), 18, 22, true, false);
	assert_elapsed(period_elapsed(dec, day("1969-12-26"), &old), 19, 22, true, false);
	/* A period with no counted day: ISO week 2024-W23 (Mon Jun 3 .. Sun Jun 9) with every
	 * weekday a holiday. Total 5 − 5 = 0; as of Wed: started, 0 done; as of Sun: over. */
	const spm_day week_off[] = { day("2024-06-03"), day("2024-06-04"), day("2024-06-05"), day("2024-06-06"),
				     day("2024-06-07") };
	struct work_calendar off = { true, week_off, 5 };
	struct period w23 = parsed("2024-W23", 1);
	assert_elapsed(period_elapsed(w23, day("2024-06-02"), &off), 0, 0, false, false);
	assert_elapsed(period_elapsed(w23, day("2024-06-05"), &off), 0, 0, true, false);
	assert_elapsed(period_elapsed(w23, day("2024-06-09"), &off), 0, 0, true, true);
	/* A Saturday as a day period under workdays: 0 counted days; on it, started and over. */
	assert_elapsed(period_elapsed(parsed("2024-06-01", 1), day("2024-06-01"), &plain), 0, 0, true, true);
}

/* ---- fractions ---- */

static void test_fraction_of_and_ratio(void **state)
{
	(void)state;
	/* fraction_of: units / 10^9 in lowest terms. 2.5 = 5/2; 0.4 = 2/5; -1.25 = -5/4; 7 = 7/1. */
	assert_exact(fraction_of(num("2.5")), 5, 2);
	assert_exact(fraction_of(num("0.4")), 2, 5);
	assert_exact(fraction_of(num("-1.25")), -5, 4);
	assert_exact(fraction_of(num("7")), 7, 1);
	assert_exact(fraction_of(num("0.000000001")), 1, 1000000000);
	/* 0 is defined (0/1), not "no value". */
	assert_exact(fraction_of(num("0")), 0, 1);
	assert_true(fraction_defined(fraction_of(num("0"))));
	/* fraction_ratio: 3 won of 8 closed = 3/8; 6/16 = 3/8; 2/-4 = -1/2; -2/-4 = 1/2; 0/5 = 0/1. */
	assert_exact(fraction_ratio(num("3"), num("8")), 3, 8);
	assert_exact(fraction_ratio(num("6"), num("16")), 3, 8);
	assert_exact(fraction_ratio(num("2"), num("-4")), -1, 2);
	assert_exact(fraction_ratio(num("-2"), num("-4")), 1, 2);
	assert_exact(fraction_ratio(num("0"), num("5")), 0, 1);
	/* 1.5 / 0.25 = 1500000000 / 250000000 = 6/1; 0.1 / 0.3 = 1/3. */
	assert_exact(fraction_ratio(num("1.5"), num("0.25")), 6, 1);
	assert_exact(fraction_ratio(num("0.1"), num("0.3")), 1, 3);
	/* Denominator 0: undefined, and stored as 0/0. */
	assert_false(fraction_defined(fraction_ratio(num("3"), num("0"))));
	assert_exact(fraction_ratio(num("3"), num("0")), 0, 0);
	assert_false(fraction_defined(fraction_ratio(num("0"), num("0"))));
	assert_false(fraction_defined((struct fraction){ 0, 0, FRACTION_EXACT }));
	assert_false(fraction_defined((struct fraction){ 5, 0, FRACTION_EXACT }));
	assert_true(fraction_defined((struct fraction){ 0, 1, FRACTION_EXACT }));
	assert_true(fraction_defined((struct fraction){ -1, 3, FRACTION_EXACT }));
	/* Lowest terms on both sides of 64 bits (the common divisor found in 64-bit steps
	 * below 2^64, in 128-bit ones above): 18,446,744,073.709551615 (units 2^64 - 1) over
	 * 3 = 0x5555... / 10^9 reduced; units past 2^64 over 6 of them. */
	decimal big = { (decimal_units)UINT64_MAX }, bigger = { (decimal_units)UINT64_MAX * 6 };
	assert_exact(fraction_ratio(big, num("0.000000003")), 6148914691236517205, 1);
	assert_exact(fraction_ratio(bigger, big), 6, 1);
	assert_exact(fraction_ratio(big, bigger), 1, 6);
	assert_exact(fraction_ratio((decimal){ (decimal_units)UINT64_MAX + 1 }, num("0.000000012")), (decimal_units)1 << 62, 3);
}

static void test_fraction_round(void **state)
{
	(void)state;
	decimal out = decimal_from_int(777);
	/* 1/3 = 0.33333… → 0.3333 (4 places), 0.33 (2 places); 2/3 = 0.66666… → 0.6667, 0.67. */
	assert_value(((struct fraction){ 1, 3, FRACTION_EXACT }), 4, "0.3333");
	assert_value(((struct fraction){ 1, 3, FRACTION_EXACT }), 2, "0.33");
	assert_value(((struct fraction){ 2, 3, FRACTION_EXACT }), 4, "0.6667");
	assert_value(((struct fraction){ 2, 3, FRACTION_EXACT }), 2, "0.67");
	assert_value(((struct fraction){ -2, 3, FRACTION_EXACT }), 4, "-0.6667");
	assert_value(((struct fraction){ -2, 3, FRACTION_EXACT }), 2, "-0.67");
	/* Halves go away from zero: 1/8 = 0.125 → 0.13 (2 places), exact 0.1250 (4 places);
	 * -1/8 → -0.13; 1/20000 = 0.00005 → 0.0001; -1/20000 → -0.0001;
	 * 3/8 = 0.375 → 0.38; 5/2 = 2.5 → 3 (0 places); -5/2 → -3; 1/16 = 0.0625 → 0.06. */
	assert_value(((struct fraction){ 1, 8, FRACTION_EXACT }), 2, "0.13");
	assert_value(((struct fraction){ 1, 8, FRACTION_EXACT }), 4, "0.125");
	assert_value(((struct fraction){ -1, 8, FRACTION_EXACT }), 2, "-0.13");
	assert_value(((struct fraction){ 1, 20000, FRACTION_EXACT }), 4, "0.0001");
	assert_value(((struct fraction){ -1, 20000, FRACTION_EXACT }), 4, "-0.0001");
	assert_value(((struct fraction){ 3, 8, FRACTION_EXACT }), 2, "0.38");
	assert_value(((struct fraction){ 5, 2, FRACTION_EXACT }), 0, "3");
	assert_value(((struct fraction){ -5, 2, FRACTION_EXACT }), 0, "-3");
	assert_value(((struct fraction){ 1, 16, FRACTION_EXACT }), 2, "0.06");
	/* Just under a half rounds down: 4999/100000000 = 0.00004999 → 0.0000;
	 * 0.00005001 → 0.0001; -0.00004999 → 0 (no "-0"). */
	assert_value(((struct fraction){ 4999, 100000000, FRACTION_EXACT }), 4, "0");
	assert_value(((struct fraction){ 5001, 100000000, FRACTION_EXACT }), 4, "0.0001");
	assert_value(((struct fraction){ -4999, 100000000, FRACTION_EXACT }), 4, "0");
	/* 9999/10000 at 2 places: 0.9999 → 1.00; 19/21 = 0.904761… → 0.9048, 0.90. */
	assert_value(((struct fraction){ 9999, 10000, FRACTION_EXACT }), 2, "1");
	assert_value(((struct fraction){ 19, 21, FRACTION_EXACT }), 4, "0.9048");
	assert_value(((struct fraction){ 19, 21, FRACTION_EXACT }), 2, "0.9");
	/* Whole numbers: 800/1 → 800; 0/1 → 0. */
	assert_value(((struct fraction){ 800, 1, FRACTION_EXACT }), 4, "800");
	assert_value(((struct fraction){ 0, 1, FRACTION_EXACT }), 4, "0");
	/* A not-yet-normalized fraction still divides: 2/4 → 0.5; -1/-3 → 0.3333. */
	assert_value(((struct fraction){ 2, 4, FRACTION_EXACT }), 4, "0.5");
	assert_value(((struct fraction){ -1, -3, FRACTION_EXACT }), 4, "0.3333");
	/* Undefined (den 0): false, whatever the numerator. */
	assert_false(fraction_round((struct fraction){ 0, 0, FRACTION_EXACT }, 4, &out));
	assert_false(fraction_round((struct fraction){ 7, 0, FRACTION_EXACT }, 2, &out));
	/* Too large: 10^35 × 10^4 overflows int128 (≈ 1.7 × 10^38); 10^30 is beyond ±10^29. */
	decimal_units e35 = (decimal_units)100000000000000000 * (decimal_units)1000000000000000000;
	assert_false(fraction_round((struct fraction){ e35, 1, FRACTION_EXACT }, 4, &out));
	assert_false(fraction_round((struct fraction){ e35 / 100000, 1, FRACTION_EXACT }, 0, &out));
	/* Cut to 9 decimals (the wide path): 12.345678905 and a part of a billionth more.
	 * Below half: 12.345678905 (9 places), 12.3457 (4); half: 12.345678906 (away from
	 * zero); above half: 12.345678906; at 8 places every part gives 12.34567891 (…905 and
	 * more is past the half of …91). */
	decimal_units u = 12345678905;
	const decimal_units billion = 1000000000;
	assert_value(((struct fraction){ u, billion, FRACTION_CUT_BELOW_HALF }), 9, "12.345678905");
	assert_value(((struct fraction){ u, billion, FRACTION_CUT_BELOW_HALF }), 4, "12.3457");
	assert_value(((struct fraction){ u, billion, FRACTION_CUT_BELOW_HALF }), 8, "12.34567891");
	assert_value(((struct fraction){ u, billion, FRACTION_CUT_HALF }), 9, "12.345678906");
	assert_value(((struct fraction){ u, billion, FRACTION_CUT_ABOVE_HALF }), 9, "12.345678906");
	assert_value(((struct fraction){ u, billion, FRACTION_CUT_ABOVE_HALF }), 0, "12");
	/* 0.000000004 and a part: at 8 places under half of 10^-8 whatever the part. */
	assert_value(((struct fraction){ 4, billion, FRACTION_CUT_ABOVE_HALF }), 8, "0");
	assert_value(((struct fraction){ 4, billion, FRACTION_CUT_ABOVE_HALF }), 9, "0.000000005");
	/* Negative: the floor is below the value. −2 billionths and half of one more is
	 * −0.0000000015 → −0.000000002 (away from zero); with a quarter, −0.00000000175 →
	 * −0.000000002; with three quarters, −0.00000000125 → −0.000000001. −1 and a part:
	 * between −10^-9 and 0, so −0.000000001 or 0 (never "-0"). */
	assert_value(((struct fraction){ -2, billion, FRACTION_CUT_HALF }), 9, "-0.000000002");
	assert_value(((struct fraction){ -2, billion, FRACTION_CUT_BELOW_HALF }), 9, "-0.000000002");
	assert_value(((struct fraction){ -2, billion, FRACTION_CUT_ABOVE_HALF }), 9, "-0.000000001");
	assert_value(((struct fraction){ -1, billion, FRACTION_CUT_BELOW_HALF }), 9, "-0.000000001");
	assert_value(((struct fraction){ -1, billion, FRACTION_CUT_ABOVE_HALF }), 9, "0");
	assert_value(((struct fraction){ -1, billion, FRACTION_CUT_ABOVE_HALF }), 4, "0");
	/* −12.345678905 and a part is −12.3456789049… down to −12.3456789040…: −12.34567890 at
	 * 8 places (…04x < half); at 9, …905 when the part is under half, …904 when over. */
	assert_value(((struct fraction){ -u, billion, FRACTION_CUT_ABOVE_HALF }), 8, "-12.3456789");
	assert_value(((struct fraction){ -u, billion, FRACTION_CUT_BELOW_HALF }), 9, "-12.345678905");
	assert_value(((struct fraction){ -u, billion, FRACTION_CUT_ABOVE_HALF }), 9, "-12.345678904");
	/* At the range's edge: 10^29 − 10^-9 and over half → 10^29 (9 places), in range;
	 * 10^29 and half is past it at 9 places, yet 10^29 at 0 places; −10^29 − 10^-9 and
	 * over half a billionth is within half of one from −10^29: −10^29 at 9 places; and
	 * under half, −10^29 − 10^-9 at 9 places, past the range. */
	decimal_units e38 = (decimal_units)10000000000000000000u * 10000000000000000000u;
	assert_value(((struct fraction){ e38 - 1, billion, FRACTION_CUT_ABOVE_HALF }), 9,
		     "100000000000000000000000000000");
	assert_false(fraction_round((struct fraction){ e38, billion, FRACTION_CUT_HALF }, 9, &out));
	assert_value(((struct fraction){ e38, billion, FRACTION_CUT_HALF }), 0, "100000000000000000000000000000");
	assert_value(((struct fraction){ -e38 - 1, billion, FRACTION_CUT_ABOVE_HALF }), 9,
		     "-100000000000000000000000000000");
	assert_false(fraction_round((struct fraction){ -e38 - 1, billion, FRACTION_CUT_BELOW_HALF }, 9, &out));
	/* 10^20 is fine: 10^20 at 4 places. */
	decimal_units e20 = (decimal_units)100000000000000000 * 1000;
	assert_true(fraction_round((struct fraction){ e20, 1, FRACTION_EXACT }, 4, &out));
	assert_int_equal(decimal_cmp(out, num("100000000000000000000")), 0);
}

/* ---- status names and default thresholds ---- */

static void test_status_names_and_defaults(void **state)
{
	(void)state;
	assert_string_equal(goal_status_name(STATUS_ACHIEVED), "achieved");
	assert_string_equal(goal_status_name(STATUS_AHEAD), "ahead");
	assert_string_equal(goal_status_name(STATUS_ON_TRACK), "on_track");
	assert_string_equal(goal_status_name(STATUS_BEHIND), "behind");
	assert_string_equal(goal_status_name(STATUS_MISSED), "missed");
	assert_string_equal(goal_status_name(STATUS_NOT_STARTED), "not_started");
	assert_string_equal(goal_status_name(STATUS_NO_DATA), "no_data");
	assert_string_equal(goal_status_name((enum goal_status)STATUS_COUNT), "behind");
	assert_string_equal(goal_status_name((enum goal_status)99), "behind");
	struct status_thresholds t = default_thresholds();
	assert_int_equal(decimal_cmp(t.achieved, num("1")), 0);
	assert_int_equal(decimal_cmp(t.ahead, num("1.1")), 0);
	assert_int_equal(decimal_cmp(t.on_track, num("0.9")), 0);
}

/* ---- progress columns ---- */

static void test_progress_maven(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* 2017-Q3 as of 2017-08-15: 46 of 92 days = 1/2. Target 1200, actual 400, higher, cumulative.
	 * expected 1200 × 1/2 = 600; attainment 400/1200 = 1/3 = 0.3333; pace 400/600 = 2/3 = 0.6667
	 * (< 0.9: behind); projected 400 ÷ 1/2 = 800; gap 1200 − 400 = 800. */
	struct elapsed e = period_elapsed(parsed("2017-Q3", 1), day("2017-08-15"), NULL);
	assert_elapsed(e, 46, 92, true, false);
	struct goal_measure g = goal("400", "1200", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.3333", "600", "0.6667", "800", "800", STATUS_BEHIND);
	struct progress p = computed(&g, &t);
	assert_exact(p.attainment, 1, 3);
	assert_exact(p.expected, 600, 1);
	assert_exact(p.pace, 2, 3);
	assert_exact(p.projected, 800, 1);
	assert_exact(p.gap, 800, 1);
	/* At 2 places: 0.33, 0.67. */
	assert_value(p.attainment, 2, "0.33");
	assert_value(p.pace, 2, "0.67");
	/* Target 1000, actual 700: expected 500; attainment 0.7; pace 700/500 = 1.4 (ahead);
	 * projected 1400; gap 300. */
	g = goal("700", "1000", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.7", "500", "1.4", "1400", "300", STATUS_AHEAD);
	/* Target 1000, actual 480: pace 480/500 = 0.96 (on_track); projected 960; gap 520. */
	g = goal("480", "1000", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.48", "500", "0.96", "960", "520", STATUS_ON_TRACK);
	/* Same as of 2017-09-30 (last day, share 1): expected 1000; pace = attainment 0.48;
	 * projected 480; missed. As of 2017-06-30: not started (expected 0, projected undefined). */
	g = goal("480", "1000", HIGHER, CUMULATIVE, period_elapsed(parsed("2017-Q3", 1), day("2017-09-30"), NULL));
	assert_progress(&g, &t, "0.48", "1000", "0.48", "480", "520", STATUS_MISSED);
	g = goal("480", "1000", HIGHER, CUMULATIVE, period_elapsed(parsed("2017-Q3", 1), day("2017-06-30"), NULL));
	assert_progress(&g, &t, "0.48", "0", NULL, NULL, "520", STATUS_NOT_STARTED);
}

static void test_progress_exact(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* Actual 1/3 of target at 46/92: target 3, actual 1.
	 * attainment 1/3 = 0.3333; expected 3 × 1/2 = 1.5; pace 1 ÷ 1.5 = 2/3 = 0.6667.
	 * Rounding first would give 0.3333 ÷ 0.5 = 0.6666: wrong in the 4th place.
	 * projected 1 ÷ 1/2 = 2; gap 3 − 1 = 2. */
	struct goal_measure g = goal("1", "3", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, "0.3333", "1.5", "0.6667", "2", "2", STATUS_BEHIND);
	struct progress p = computed(&g, &t);
	assert_exact(p.pace, 2, 3);
	assert_value(p.attainment, 2, "0.33");
	assert_value(p.pace, 2, "0.67");
	/* 2023-Q1: 31 + 28 + 31 = 90 days; as of Jan 30: 30 → share 30/90 = 1/3.
	 * Target 10, actual 1: expected 10/3 = 3.3333; attainment 0.1; pace 1 ÷ 10/3 = 0.3;
	 * projected 1 ÷ 1/3 = 3 exactly (from a rounded share 0.3333 it would be 3.0003);
	 * gap 9. */
	struct elapsed e = period_elapsed(parsed("2023-Q1", 1), day("2023-01-30"), NULL);
	assert_elapsed(e, 30, 90, true, false);
	g = goal("1", "10", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.1", "3.3333", "0.3", "3", "9", STATUS_BEHIND);
	p = computed(&g, &t);
	assert_exact(p.projected, 3, 1);
	assert_exact(p.expected, 10, 3);
	/* Target 9, actual 1, share 1/3: expected 3; pace 1/3 = 0.3333; projected 3; gap 8. */
	g = goal("1", "9", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.1111", "3", "0.3333", "3", "8", STATUS_BEHIND);
	/* Cents: target 1000.01, actual 333.34, share 1/3. attainment 33334/100001 = 0.333336…
	 * → 0.3333; expected 1000.01/3 = 333.336666… → 333.3367; pace 333.34 ÷ 333.336666…
	 * = 100002/100001 = 1.0000099… → 1.0000 (0.9 ≤ 1.00001 < 1.1 → on_track);
	 * projected 333.34 × 3 = 1000.02; gap 1000.01 − 333.34 = 666.67. */
	g = goal("333.34", "1000.01", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.3333", "333.3367", "1", "1000.02", "666.67", STATUS_ON_TRACK);
	p = computed(&g, &t);
	assert_exact(p.pace, 100002, 100001);
}

static void test_progress_lower(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* Lower, cumulative, share 1/2, target 100, actual 120.
	 * expected 50; attainment 100/120 = 5/6 = 0.8333; pace expected/actual = 50/120 = 5/12
	 * = 0.41666… → 0.4167 (behind); projected 120 ÷ 1/2 = 240; gap max(120 − 100, 0) = 20. */
	struct goal_measure g = goal("120", "100", LOWER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, "0.8333", "50", "0.4167", "240", "20", STATUS_BEHIND);
	struct progress p = computed(&g, &t);
	assert_value(p.attainment, 2, "0.83");
	assert_value(p.pace, 2, "0.42");
	/* Lower, cumulative, actual 80: attainment 100/80 = 1.25, but a ceiling is not achieved
	 * before the period ends; pace 50/80 = 0.625 → behind (projected 160 > 100); gap
	 * max(80 − 100, 0) = 0. */
	g = goal("80", "100", LOWER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, "1.25", "50", "0.625", "160", "0", STATUS_BEHIND);
	/* Lower, level (cycle days = 90 days over 2 deals = 45), target 30, share 1/2.
	 * expected = target 30; attainment 30/45 = 2/3 = 0.6667; pace = attainment (behind);
	 * projected = actual 45; gap 45 − 30 = 15. */
	g = goal(NULL, "30", LOWER, LEVEL, running(46, 92));
	g.actual = fraction_ratio(num("90"), num("2"));
	assert_progress(&g, &t, "0.6667", "30", "0.6667", "45", "15", STATUS_BEHIND);
	/* Lower, level, actual 28: attainment 30/28 = 15/14 = 1.071428… → 1.0714; gap
	 * max(28 − 30, 0) = 0. Within the target, but a cycle time can still rise before the
	 * period ends: on_track (pace = attainment, under 1.1), achieved once it is over. */
	g = goal("28", "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "1.0714", "30", "1.0714", "28", "0", STATUS_ON_TRACK);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1.0714", "30", "1.0714", "28", "0", STATUS_ACHIEVED);
	/* Lower, level, actual 25: 30/25 = 1.2 → ahead while running (mirrors a win rate above). */
	g = goal("25", "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "1.2", "30", "1.2", "25", "0", STATUS_AHEAD);
	/* Lower, level, exactly the target: attainment 30/30 = 1, gap 0: on_track while
	 * running, achieved once over. */
	g = goal("30", "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "1", "30", "1", "30", "0", STATUS_ON_TRACK);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1", "30", "1", "30", "0", STATUS_ACHIEVED);
	/* One billionth over: attainment 30/30.000000001 = 0.99999999996… → 1.0000 when printed,
	 * but below 1: not achieved; pace the same, ≥ 0.9 → on_track; gap 0.000000001 → 0.0000. */
	g = goal("30.000000001", "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "1", "30", "1", "30", "0", STATUS_ON_TRACK);
	/* Over with the same: missed. */
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1", "30", "1", "30", "0", STATUS_MISSED);
	/* Lower with actual 0: attainment 30/0 undefined, pace undefined; 0 <= 30, within the
	 * limit: a level is ahead (nothing used of an allowance of 30) while running, achieved
	 * once over; projected 0; gap max(0 − 30, 0) = 0. Level and cumulative (expected
	 * 30 × 1/2 = 15). */
	g = goal("0", "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, NULL, "30", NULL, "0", "0", STATUS_AHEAD);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "30", NULL, "0", "0", STATUS_ACHIEVED);
	/* Cumulative (a ceiling): not achieved before the end; nothing spent of an allowance of
	 * 15 so far, pace undefined → ahead. */
	g = goal("0", "30", LOWER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "15", NULL, "0", "0", STATUS_AHEAD);
	g = goal("0", "30", LOWER, CUMULATIVE, ended(92));
	assert_progress(&g, &t, NULL, "30", NULL, "0", "0", STATUS_ACHIEVED);
	/* Lower, target 0, actual 0: 0/0 undefined; 0 <= 0, met: on_track while running (no
	 * allowance to be ahead of), achieved once over. */
	g = goal("0", "0", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, NULL, "0", NULL, "0", "0", STATUS_ON_TRACK);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "0", NULL, "0", "0", STATUS_ACHIEVED);
	/* Lower, target 0, actual 3: attainment 0/3 = 0; pace 0 → behind; gap 3 − 0 = 3.
	 * Over: missed. */
	g = goal("3", "0", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "0", "0", "0", "3", "3", STATUS_BEHIND);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "0", "0", "0", "3", "3", STATUS_MISSED);
}

static void test_progress_level(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	t.early = num("0"); /* the pace rule itself, from the first day */
	/* Win rate 3 won of 8 closed = 3/8 = 0.375, target 0.4, higher, level, share 1/2.
	 * expected = target 0.4 (not scaled by elapsed); attainment 0.375/0.4 = 15/16 = 0.9375;
	 * pace = attainment 0.9375 (≥ 0.9: on_track); projected = actual 0.375;
	 * gap 0.4 − 0.375 = 0.025. */
	struct goal_measure g = goal(NULL, "0.4", HIGHER, LEVEL, running(46, 92));
	g.actual = fraction_ratio(num("3"), num("8"));
	assert_progress(&g, &t, "0.9375", "0.4", "0.9375", "0.375", "0.025", STATUS_ON_TRACK);
	/* The elapsed share does not matter for a level: same at 10/92 and at 0/92. */
	g.elapsed = running(10, 92);
	assert_progress(&g, &t, "0.9375", "0.4", "0.9375", "0.375", "0.025", STATUS_ON_TRACK);
	g.elapsed = running(0, 92);
	assert_progress(&g, &t, "0.9375", "0.4", "0.9375", "0.375", "0.025", STATUS_ON_TRACK);
	/* Over: missed. Not started: not_started (columns unchanged). */
	g.elapsed = ended(92);
	assert_progress(&g, &t, "0.9375", "0.4", "0.9375", "0.375", "0.025", STATUS_MISSED);
	g.elapsed = not_yet(92);
	assert_progress(&g, &t, "0.9375", "0.4", "0.9375", "0.375", "0.025", STATUS_NOT_STARTED);
	/* 0.45 of target 0.5: 0.9 exactly → on_track; 0.449999999: 0.899999998 → behind;
	 * 0.5: attainment 1 → on_track; 0.6: 1.2 → ahead. A win rate at or above its target
	 * can still fall under it before the period ends: never achieved while it runs, only
	 * once it is over (then missed below the target, as above). */
	g = goal("0.45", "0.5", HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "0.9", "0.5", "0.9", "0.45", "0.05", STATUS_ON_TRACK);
	g = goal("0.449999999", "0.5", HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "0.9", "0.5", "0.9", "0.45", "0.05", STATUS_BEHIND);
	g = goal("0.5", "0.5", HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "1", "0.5", "1", "0.5", "0", STATUS_ON_TRACK);
	g.elapsed = running(91, 92); /* the day before the last: still not final */
	assert_progress(&g, &t, "1", "0.5", "1", "0.5", "0", STATUS_ON_TRACK);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1", "0.5", "1", "0.5", "0", STATUS_ACHIEVED);
	g = goal("0.6", "0.5", HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "1.2", "0.5", "1.2", "0.6", "0", STATUS_AHEAD);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1.2", "0.5", "1.2", "0.6", "0", STATUS_ACHIEVED);
	/* The Maven case of the report (Cecily Lampkin, 2017-Q3 as of 2017-08-15): 9 won of 14
	 * closed = 0.642857… of 0.6 → 1.0714, on_track, not achieved half-way. */
	g = goal(NULL, "0.6", HIGHER, LEVEL, running(46, 92));
	g.actual = fraction_ratio(num("9"), num("14"));
	assert_progress(&g, &t, "1.0714", "0.6", "1.0714", "0.6429", "0", STATUS_ON_TRACK);
	/* Thresholds that would call a level at its target behind (--on-track 1.05, attainment
	 * 1.02): on_track at least, since it would be achieved were the period over. */
	struct status_thresholds strict = thresholds("1", "1.1", "1.05");
	g = goal("0.51", "0.5", HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &strict, "1.02", "0.5", "1.02", "0.51", "0", STATUS_ON_TRACK);
	g = goal("0.51", "0.5", HIGHER, CUMULATIVE, running(46, 92)); /* a sum: pace 2.04 */
	assert_progress(&g, &strict, "1.02", "0.25", "2.04", "1.02", "0", STATUS_ACHIEVED);
}

/* A maximum only rises and a minimum only falls: reaching such a goal is final before the
 * period ends, as a sum's is; passing a maximum's limit (or going under a minimum's
 * floor) is final the other way, as a ceiling on a sum is. */
static void test_progress_course(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* Largest deal 60 of a goal of 50 (higher), half-way: achieved already. */
	struct goal_measure g = goal("60", "50", HIGHER, LEVEL, running(46, 92));
	g.course = COURSE_RISES;
	assert_progress(&g, &t, "1.2", "50", "1.2", "60", "0", STATUS_ACHIEVED);
	/* Under it: judged by its level (pace = attainment 0.8 → behind). */
	g = goal("40", "50", HIGHER, LEVEL, running(46, 92));
	g.course = COURSE_RISES;
	assert_progress(&g, &t, "0.8", "50", "0.8", "40", "10", STATUS_BEHIND);
	/* Largest discount 0.1 under a limit of 0.2 (lower): can still rise past it, so not
	 * achieved while running (ahead: 2.0), achieved once over; 0.25 over it: behind for
	 * good while running, missed once over. */
	g = goal("0.1", "0.2", LOWER, LEVEL, running(46, 92));
	g.course = COURSE_RISES;
	assert_progress(&g, &t, "2", "0.2", "2", "0.1", "0", STATUS_AHEAD);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "2", "0.2", "2", "0.1", "0", STATUS_ACHIEVED);
	g = goal("0.25", "0.2", LOWER, LEVEL, running(46, 92));
	g.course = COURSE_RISES;
	assert_progress(&g, &t, "0.8", "0.2", "0.8", "0.25", "0.05", STATUS_BEHIND);
	/* Fastest response 2 hours under a goal of 4 (lower, a minimum): achieved already. */
	g = goal("2", "4", LOWER, LEVEL, running(46, 92));
	g.course = COURSE_FALLS;
	assert_progress(&g, &t, "2", "4", "2", "2", "0", STATUS_ACHIEVED);
	/* Smallest deal 900 over a floor of 1000 (higher, a minimum): 0.9, behind for good
	 * (it can only fall further), though its level alone would be on_track; 1100 over the
	 * floor: on_track, not final (1.1 is ahead). */
	g = goal("900", "1000", HIGHER, LEVEL, running(46, 92));
	g.course = COURSE_FALLS;
	assert_progress(&g, &t, "0.9", "1000", "0.9", "900", "100", STATUS_BEHIND);
	g = goal("1100", "1000", HIGHER, LEVEL, running(46, 92));
	g.course = COURSE_FALLS;
	assert_progress(&g, &t, "1.1", "1000", "1.1", "1100", "0", STATUS_AHEAD);
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1.1", "1000", "1.1", "1100", "0", STATUS_ACHIEVED);
	/* A maximum reached on day 2 is final too, early or not. */
	g = goal("60", "50", HIGHER, LEVEL, running(2, 92));
	g.course = COURSE_RISES;
	assert_progress(&g, &t, "1.2", "50", "1.2", "60", "0", STATUS_ACHIEVED);
	/* A win rate at its target on day 2: early (one closed deal says nothing yet). */
	g = goal("0.6", "0.5", HIGHER, LEVEL, running(2, 92));
	assert_progress(&g, &t, "1.2", "0.5", "1.2", "0.6", "0", STATUS_EARLY);
}

static void test_progress_target_zero(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* Higher, cumulative, target 0, actual 5, share 1/2: attainment 5/0 undefined;
	 * expected 0 × 1/2 = 0; pace 5/0 undefined; projected 5 ÷ 1/2 = 10;
	 * gap max(0 − 5, 0) = 0; 5 >= 0 → achieved. */
	struct goal_measure g = goal("5", "0", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "0", NULL, "10", "0", STATUS_ACHIEVED);
	/* Actual 0: 0/0 undefined; 0 >= 0 → achieved; projected 0; gap 0. */
	g = goal("0", "0", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "0", NULL, "0", "0", STATUS_ACHIEVED);
	/* Actual -2 (refunds): -2 < 0, not achieved; pace undefined and nothing moving → on_track;
	 * projected -2 ÷ 1/2 = -4; gap max(0 − (−2), 0) = 2. Over: missed. */
	g = goal("-2", "0", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "0", NULL, "-4", "2", STATUS_ON_TRACK);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "0", NULL, "-2", "2", STATUS_MISSED);
	/* Level, target 0, actual 0.1: attainment undefined, pace = attainment undefined;
	 * 0.1 >= 0: ahead while running (a level can still fall), achieved once over;
	 * projected 0.1; gap 0. */
	g = goal("0.1", "0", HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &t, NULL, "0", NULL, "0.1", "0", STATUS_AHEAD);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "0", NULL, "0.1", "0", STATUS_ACHIEVED);
	/* Target 0 with nothing measured: everything but expected undefined; no_data, running
	 * or over. */
	g = goal(NULL, "0", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "0", NULL, NULL, NULL, STATUS_NO_DATA);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "0", NULL, NULL, NULL, STATUS_NO_DATA);
}

static void test_progress_actual_undefined(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* A win rate with no closed deal: actual 0/0. Attainment, pace, projected and gap are
	 * undefined; expected still is the target 0.4 (level). It cannot be measured: no_data,
	 * running or over (neither behind nor missed); before the start: not_started. */
	struct goal_measure g = goal(NULL, "0.4", HIGHER, LEVEL, running(46, 92));
	g.actual = fraction_ratio(num("0"), num("0"));
	assert_progress(&g, &t, NULL, "0.4", NULL, NULL, NULL, STATUS_NO_DATA);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "0.4", NULL, NULL, NULL, STATUS_NO_DATA);
	g.elapsed = not_yet(92);
	assert_progress(&g, &t, NULL, "0.4", NULL, NULL, NULL, STATUS_NOT_STARTED);
	/* Cumulative: expected 100 × 1/2 = 50, the rest undefined. */
	g = goal(NULL, "100", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "50", NULL, NULL, NULL, STATUS_NO_DATA);
	/* Lower (cycle days with no won deal): target 30 ÷ nothing is undefined too. */
	g = goal(NULL, "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, NULL, "30", NULL, NULL, NULL, STATUS_NO_DATA);
	g.elapsed = ended(92);
	assert_progress(&g, &t, NULL, "30", NULL, NULL, NULL, STATUS_NO_DATA);
	/* A ceiling (lower, cumulative) with nothing measured: no_data too. */
	g = goal(NULL, "30", LOWER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, NULL, "15", NULL, NULL, NULL, STATUS_NO_DATA);
	g = goal(NULL, "30", LOWER, CUMULATIVE, not_yet(92));
	assert_progress(&g, &t, NULL, "0", NULL, NULL, NULL, STATUS_NOT_STARTED);
	/* Undefined columns come back as 0/0. */
	g = goal(NULL, "100", HIGHER, CUMULATIVE, running(46, 92));
	struct progress p = computed(&g, &t);
	assert_exact(p.attainment, 0, 0);
	assert_exact(p.pace, 0, 0);
	assert_exact(p.projected, 0, 0);
	assert_exact(p.gap, 0, 0);
}

static void test_progress_elapsed_zero(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	t.early = num("0"); /* the pace rule itself, from the first day */
	/* June 2024 under workdays, as of Sat Jun 1: started, 0 of 20 days → share 0. */
	struct work_calendar work = { true, NULL, 0 };
	struct elapsed e = period_elapsed(parsed("2024-06", 1), day("2024-06-01"), &work);
	assert_elapsed(e, 0, 20, true, false);
	/* Higher, cumulative, target 100, actual 5: expected 100 × 0 = 0; attainment 0.05;
	 * pace 5/0 undefined; projected 5 ÷ 0 undefined; gap 95; something done with nothing
	 * expected → ahead. */
	struct goal_measure g = goal("5", "100", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.05", "0", NULL, NULL, "95", STATUS_AHEAD);
	/* Actual 0: attainment 0; pace 0/0 undefined; projected undefined; gap 100 → on_track. */
	g = goal("0", "100", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0", "0", NULL, NULL, "100", STATUS_ON_TRACK);
	/* Nothing measured: no_data. */
	g = goal(NULL, "100", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, NULL, "0", NULL, NULL, NULL, STATUS_NO_DATA);
	/* Actual already at the target: achieved even with no time elapsed. */
	g = goal("100", "100", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "1", "0", NULL, NULL, "0", STATUS_ACHIEVED);
	/* Lower, cumulative, at share 0: pace is expected/actual = 0/actual, which is defined (0),
	 * not undefined. Target 100, actual 150: attainment 100/150 = 0.6667; pace 0/150 = 0
	 * → behind; projected undefined; gap 50. */
	g = goal("150", "100", LOWER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.6667", "0", "0", NULL, "50", STATUS_BEHIND);
	/* Lower, cumulative, actual 5: attainment 100/5 = 20, not achieved before the end (a
	 * ceiling); pace 0/5 = 0 → behind (5 spent when nothing was due); gap 0. */
	g = goal("5", "100", LOWER, CUMULATIVE, e);
	assert_progress(&g, &t, "20", "0", "0", NULL, "0", STATUS_BEHIND);
	/* The same with a hand-made elapsed of 0 of 92. */
	g = goal("5", "100", HIGHER, CUMULATIVE, running(0, 92));
	assert_progress(&g, &t, "0.05", "0", NULL, NULL, "95", STATUS_AHEAD);
}

static void test_progress_no_counted_days(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	t.early = num("0"); /* the pace rule itself, from the first day */
	/* ISO week 2024-W23 with all five weekdays holidays, under workdays: total 0. The share
	 * is 0 until the last day, then 1. */
	const spm_day off[] = { day("2024-06-03"), day("2024-06-04"), day("2024-06-05"), day("2024-06-06"),
				day("2024-06-07") };
	struct work_calendar cal = { true, off, 5 };
	struct period w = parsed("2024-W23", 1);
	struct elapsed wed = period_elapsed(w, day("2024-06-05"), &cal);
	struct elapsed sun = period_elapsed(w, day("2024-06-09"), &cal);
	struct elapsed before = period_elapsed(w, day("2024-06-02"), &cal);
	assert_elapsed(wed, 0, 0, true, false);
	assert_elapsed(sun, 0, 0, true, true);
	/* Wednesday, target 10, actual 0: expected 10 × 0 = 0; attainment 0; pace and projected
	 * undefined; gap 10; on_track. Actual 2: attainment 0.2; ahead; gap 8. */
	struct goal_measure g = goal("0", "10", HIGHER, CUMULATIVE, wed);
	assert_progress(&g, &t, "0", "0", NULL, NULL, "10", STATUS_ON_TRACK);
	g = goal("2", "10", HIGHER, CUMULATIVE, wed);
	assert_progress(&g, &t, "0.2", "0", NULL, NULL, "8", STATUS_AHEAD);
	/* Sunday, the last day: share 1; expected 10; pace 2/10 = 0.2; projected 2 ÷ 1 = 2; missed. */
	g = goal("2", "10", HIGHER, CUMULATIVE, sun);
	assert_progress(&g, &t, "0.2", "10", "0.2", "2", "8", STATUS_MISSED);
	/* Actual 10 on Sunday: attainment 1 → achieved. */
	g = goal("10", "10", HIGHER, CUMULATIVE, sun);
	assert_progress(&g, &t, "1", "10", "1", "10", "0", STATUS_ACHIEVED);
	/* Sunday before the week: not started; share 0. */
	g = goal("2", "10", HIGHER, CUMULATIVE, before);
	assert_progress(&g, &t, "0.2", "0", NULL, NULL, "8", STATUS_NOT_STARTED);
	/* A Saturday as a day period under workdays: total 0, started and over on the day:
	 * share 1; target 3, actual 1: expected 3; attainment = pace = 1/3; projected 1; gap 2; missed. */
	struct work_calendar work = { true, NULL, 0 };
	struct elapsed sat = period_elapsed(parsed("2024-06-01", 1), day("2024-06-01"), &work);
	assert_elapsed(sat, 0, 0, true, true);
	g = goal("1", "3", HIGHER, CUMULATIVE, sat);
	assert_progress(&g, &t, "0.3333", "3", "0.3333", "1", "2", STATUS_MISSED);
	/* A level metric ignores the share: win rate 0.5 of target 0.4 → 1.25, ahead on
	 * Wednesday (the week runs), achieved on Sunday. */
	g = goal("0.5", "0.4", HIGHER, LEVEL, wed);
	assert_progress(&g, &t, "1.25", "0.4", "1.25", "0.5", "0", STATUS_AHEAD);
	g.elapsed = sun;
	assert_progress(&g, &t, "1.25", "0.4", "1.25", "0.5", "0", STATUS_ACHIEVED);
}

static void test_progress_workdays_holidays(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* June 2024, workdays, holidays Sat Jun 1, Mon Jun 10, Wed Jun 19: 18 days; as of
	 * Fri Jun 14: 9 (see test_period_elapsed_workdays) → share 9/18 = 1/2.
	 * Target 1000, actual 450: expected 500; attainment 0.45; pace 450/500 = 0.9 → on_track;
	 * projected 900; gap 550. */
	const spm_day holidays[] = { day("2024-06-01"), day("2024-06-10"), day("2024-06-19") };
	struct work_calendar work = { true, holidays, 3 };
	struct elapsed e = period_elapsed(parsed("2024-06", 1), day("2024-06-14"), &work);
	assert_elapsed(e, 9, 18, true, false);
	struct goal_measure g = goal("450", "1000", HIGHER, CUMULATIVE, e);
	assert_progress(&g, &t, "0.45", "500", "0.9", "900", "550", STATUS_ON_TRACK);
	/* As of Wed Jun 19: 11 of 18. Expected 1000 × 11/18 = 611.111… → 611.1111;
	 * pace 450 ÷ 611.111… = 450 × 18 / 11000 = 8100/11000 = 0.736363… → 0.7364 (behind);
	 * projected 450 × 18/11 = 8100/11 = 736.3636… → 736.3636. */
	g.elapsed = period_elapsed(parsed("2024-06", 1), day("2024-06-19"), &work);
	assert_elapsed(g.elapsed, 11, 18, true, false);
	assert_progress(&g, &t, "0.45", "611.1111", "0.7364", "736.3636", "550", STATUS_BEHIND);
}

static void test_progress_thresholds(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* Higher, cumulative, target 100, share 1/2: expected 50. */
	struct elapsed half = running(46, 92);
	/* 55: pace 55/50 = 1.1 exactly → ahead. */
	struct goal_measure g = goal("55", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &t, "0.55", "50", "1.1", "110", "45", STATUS_AHEAD);
	/* 54.999999999: pace 1.09999999998, printed 1.1000 but below 1.1 → on_track. */
	g = goal("54.999999999", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &t, "0.55", "50", "1.1", "110", "45", STATUS_ON_TRACK);
	/* 45: pace 0.9 exactly → on_track. */
	g = goal("45", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &t, "0.45", "50", "0.9", "90", "55", STATUS_ON_TRACK);
	/* 44.999999999: pace 0.89999999998, printed 0.9000 but below 0.9 → behind. */
	g = goal("44.999999999", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &t, "0.45", "50", "0.9", "90", "55", STATUS_BEHIND);
	/* 100: attainment exactly 1 → achieved (pace 2 does not matter). */
	g = goal("100", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &t, "1", "50", "2", "200", "0", STATUS_ACHIEVED);
	/* 99.999999999: attainment 0.99999999999 → not achieved; pace 1.99999999998 → ahead;
	 * projected 199.999999998 → 200.0000; gap 0.000000001 → 0.0000. */
	g = goal("99.999999999", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &t, "1", "50", "2", "200", "0", STATUS_AHEAD);
	/* Over (share 1, expected 100): 99.999999999 → missed; 100 → achieved; 150 → achieved,
	 * gap max(100 − 150, 0) = 0. */
	g.elapsed = ended(92);
	assert_progress(&g, &t, "1", "100", "1", "100", "0", STATUS_MISSED);
	g = goal("100", "100", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &t, "1", "100", "1", "100", "0", STATUS_ACHIEVED);
	g = goal("150", "100", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &t, "1.5", "100", "1.5", "150", "0", STATUS_ACHIEVED);
	/* Not started wins over everything: 150 before the start → not_started; expected 0. */
	g = goal("150", "100", HIGHER, CUMULATIVE, not_yet(92));
	assert_progress(&g, &t, "1.5", "0", NULL, NULL, "0", STATUS_NOT_STARTED);

	/* Custom thresholds: achieved 0.95, ahead 1.2, on_track 0.8. */
	struct status_thresholds c = thresholds("0.95", "1.2", "0.8");
	/* 95: attainment 0.95 exactly → achieved. */
	g = goal("95", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &c, "0.95", "50", "1.9", "190", "5", STATUS_ACHIEVED);
	/* 94.999999999: attainment just below 0.95; pace 1.89999999998 → ahead. */
	g = goal("94.999999999", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &c, "0.95", "50", "1.9", "190", "5", STATUS_AHEAD);
	/* 60: pace 60/50 = 1.2 exactly → ahead (ahead under the defaults too: 1.2 ≥ 1.1). */
	g = goal("60", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &c, "0.6", "50", "1.2", "120", "40", STATUS_AHEAD);
	/* 59.999999999: pace just below 1.2 → on_track (ahead under the defaults). */
	g = goal("59.999999999", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &c, "0.6", "50", "1.2", "120", "40", STATUS_ON_TRACK);
	assert_status(computed(&g, &t).status, STATUS_AHEAD);
	/* 40: pace 0.8 → on_track (behind under the defaults). */
	g = goal("40", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &c, "0.4", "50", "0.8", "80", "60", STATUS_ON_TRACK);
	assert_status(computed(&g, &t).status, STATUS_BEHIND);
	/* 39.999999999: pace just below 0.8 → behind. */
	g = goal("39.999999999", "100", HIGHER, CUMULATIVE, half);
	assert_progress(&g, &c, "0.4", "50", "0.8", "80", "60", STATUS_BEHIND);
	/* Over: 94 → missed (0.94 < 0.95); 95 → achieved. */
	g = goal("94", "100", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &c, "0.94", "100", "0.94", "94", "6", STATUS_MISSED);
	g = goal("95", "100", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &c, "0.95", "100", "0.95", "95", "5", STATUS_ACHIEVED);
	/* A stretch threshold (achieved 1.1): 105 of 100 at the end is 1.05 → missed; gap 0. */
	struct status_thresholds s = thresholds("1.1", "1.1", "0.9");
	g = goal("105", "100", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &s, "1.05", "100", "1.05", "105", "0", STATUS_MISSED);
	/* Level, target 0.5, actual 0.4: attainment = pace = 0.8 → on_track with the custom
	 * thresholds, behind with the defaults. */
	g = goal("0.4", "0.5", HIGHER, LEVEL, half);
	assert_progress(&g, &c, "0.8", "0.5", "0.8", "0.4", "0.1", STATUS_ON_TRACK);
	assert_progress(&g, &t, "0.8", "0.5", "0.8", "0.4", "0.1", STATUS_BEHIND);
}

/* A lower-is-better cumulative metric (total discounts against a ceiling) only grows: being
 * under the ceiling mid-period is not yet an achievement, and once above it, it stays above
 * (behind whatever the pace). Status then comes from the pace: expected ÷ actual. */
static void test_progress_lower_cumulative_semantics(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	t.early = num("0"); /* the pace rule itself, from the first day */
	/* Target 100, actual 10 at 1/92 of the period: attainment 100/10 = 10 but not achieved
	 * before the end; expected 100/92 = 1.086956… → 1.087; pace 1.0869…/10 = 5/46 =
	 * 0.108695… → 0.1087 → behind (spending 10 when 1.09 was due); projected 10 × 92 = 920;
	 * gap 0. */
	struct goal_measure g = goal("10", "100", LOWER, CUMULATIVE, running(1, 92));
	assert_progress(&g, &t, "10", "1.087", "0.1087", "920", "0", STATUS_BEHIND);
	/* Target 100, actual 105 at 95/100: attainment 100/105 = 20/21 = 0.952380… → 0.9524;
	 * expected 95; pace 95/105 = 19/21 = 0.904761… → 0.9048, but the ceiling is already
	 * passed: behind; projected 105 ÷ 95/100 = 110.526315… → 110.5263; gap 5. */
	g = goal("105", "100", LOWER, CUMULATIVE, running(95, 100));
	assert_progress(&g, &t, "0.9524", "95", "0.9048", "110.5263", "5", STATUS_BEHIND);
	/* Target 100, actual 40 at 50/100: expected 50; pace 50/40 = 1.25 → ahead (under
	 * pace); attainment 100/40 = 2.5; projected 40 ÷ 1/2 = 80; gap 0. */
	g = goal("40", "100", LOWER, CUMULATIVE, running(50, 100));
	assert_progress(&g, &t, "2.5", "50", "1.25", "80", "0", STATUS_AHEAD);
	/* The same 90 of 100 once the period is over: achieved (attainment 100/90 = 1.1111;
	 * expected 100; pace 100/90 = 1.1111; projected 90; gap 0). */
	g = goal("90", "100", LOWER, CUMULATIVE, ended(100));
	assert_progress(&g, &t, "1.1111", "100", "1.1111", "90", "0", STATUS_ACHIEVED);
}

/* Questionable, not a failure: negative values. A lower-is-better actual below a positive
 * target but negative gives a negative attainment, hence not achieved, though it is less
 * than the target. */
static void test_progress_negative_values(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	/* Higher, cumulative, target 100, actual -20 (refunds), share 1/2: attainment -0.2;
	 * expected 50; pace -20/50 = -0.4 → behind; projected -40; gap 100 − (−20) = 120. */
	struct goal_measure g = goal("-20", "100", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, "-0.2", "50", "-0.4", "-40", "120", STATUS_BEHIND);
	/* Lower, level, target 30, actual -5: attainment 30/−5 = −6 → not achieved; pace −6 →
	 * behind; projected −5; gap max(−5 − 30, 0) = 0. */
	g = goal("-5", "30", LOWER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "-6", "30", "-6", "-5", "0", STATUS_BEHIND);
}

/* The wide path: a value within the decimal range whose computation does not fit 128 bits
 * is found exactly all the same (before, progress_compute refused the whole row). */
static struct goal_measure average_goal(const char *sum, const char *count, const char *target, bool lower,
					bool cumulative, struct elapsed e)
{
	struct goal_measure g = goal("0", target, lower, cumulative, e);
	g.actual = fraction_ratio(num(sum), num(count)); /* an average: sum ÷ count, exact */
	return g;
}

static void test_progress_wide(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	const char *t28 = "10000000000000000000000000000.000000001"; /* 10^28 + 10^-9 = (10^37 + 1)/10^9 */
	/* An average of three deals summing to 3×10^28 − 10^-9: (3×10^37 − 1)/(3×10^9), in
	 * lowest terms (3×10^37 − 1 is prime to 2, 3 and 5), 10^28 − 0.00000000033…; against
	 * a target of 10^28 + 10^-9, a level. The gap crosses (10^37 + 1) × 3×10^9 ≈ 3×10^46,
	 * past 128 bits, though it is (3×10^37 + 3 − 3×10^37 + 1)/(3×10^9) = 4/(3×10^9) =
	 * 0.00000000133… → 0.000000001 (9 places), 0 (4). Attainment (3×10^37 − 1)/(3×10^37 + 3)
	 * = 0.99999999986… → 1 (4 and 9 places), under 1: not achieved; pace the same → on track. */
	struct goal_measure g = average_goal("29999999999999999999999999999.999999999", "3", t28, HIGHER, LEVEL,
					     running(46, 92));
	assert_progress(&g, &t, "1", "10000000000000000000000000000", "1", "10000000000000000000000000000", "0",
			STATUS_ON_TRACK);
	struct progress p = computed(&g, &t);
	assert_value(p.gap, 9, "0.000000001");
	assert_value(p.attainment, 9, "1");
	assert_value(p.expected, 9, t28);
	assert_value(p.projected, 9, "10000000000000000000000000000"); /* …999.99999999967 */
	/* A tie: two deals summing to 2×10^28 − 10^-9, (2×10^37 − 1)/(2×10^9). Gap (2×10^37 + 2 −
	 * 2×10^37 + 1)/(2×10^9) = 3/(2×10^9) = 0.0000000015 → 0.000000002 (half away from zero). */
	g = average_goal("19999999999999999999999999999.999999999", "2", t28, HIGHER, LEVEL, running(46, 92));
	p = computed(&g, &t);
	assert_value(p.gap, 9, "0.000000002");
	assert_value(p.gap, 4, "0");
	/* Refunds: the same average negative. Gap (10^37 + 1)/10^9 + (3×10^37 − 1)/(3×10^9) =
	 * (6×10^37 + 2)/(3×10^9) = 2×10^28 + 0.00000000066… → …000.000000001 (9 places);
	 * attainment −0.99999999986… → −1; pace the same → behind; projected the actual. */
	g = average_goal("-29999999999999999999999999999.999999999", "3", t28, HIGHER, LEVEL, running(46, 92));
	assert_progress(&g, &t, "-1", "10000000000000000000000000000", "-1", "-10000000000000000000000000000",
			"20000000000000000000000000000", STATUS_BEHIND);
	p = computed(&g, &t);
	assert_value(p.gap, 9, "20000000000000000000000000000.000000001");
	/* Cumulative, 45 of 91 days: won 3.3×10^27 + 10^-9 against 10^28 + 10^-9. Expected
	 * (10^37 + 1) × 45/(91×10^9) crosses 4.5×10^38, past 128 bits; it is
	 * 4945054945054945054945054945.054945054945… (…054945 recurring) → .054945055 (9 places),
	 * .05 (2). Pace (3.3×10^36 + 1) × 91/((10^37 + 1) × 45) = 0.66733333… → 0.6673, behind;
	 * projected (3.3×10^36 + 1) × 91/(45×10^9) = 6673333333333333333333333333.3333333353… →
	 * .333333335 (9); gap (10^37 + 1 − 3.3×10^36 − 1)/10^9 = 6.7×10^27, exact. */
	g = goal("3300000000000000000000000000.000000001", t28, HIGHER, CUMULATIVE, running(45, 91));
	assert_progress(&g, &t, "0.33", "4945054945054945054945054945.0549", "0.6673",
			"6673333333333333333333333333.3333", "6700000000000000000000000000", STATUS_BEHIND);
	p = computed(&g, &t);
	assert_value(p.expected, 9, "4945054945054945054945054945.054945055");
	assert_value(p.expected, 2, "4945054945054945054945054945.05");
	assert_value(p.pace, 9, "0.667333333");
	assert_value(p.projected, 9, "6673333333333333333333333333.333333335");
	/* Negative and cut: a target of −(10^28 + 10^-9), 46 of 91 days: expected
	 * −(10^37 + 1) × 46/(91×10^9) (2.3×10^38 after the 2 goes) = −5054945054945054945054945054.9450549450…
	 * → .945054946 (9 places, away from zero), −…055 (0 places). */
	g = goal("5", "-10000000000000000000000000000.000000001", HIGHER, CUMULATIVE, running(46, 91));
	p = computed(&g, &t);
	assert_value(p.expected, 9, "-5054945054945054945054945054.945054946");
	assert_value(p.expected, 4, "-5054945054945054945054945054.9451");
	assert_value(p.expected, 0, "-5054945054945054945054945055");
	assert_status(p.status, STATUS_BEHIND);
	/* At the top of the range: a target of 10^29 − 10^-9, 45 of 91 days, won 4×10^28.
	 * Expected (10^38 − 1) × 45/(91×10^9) = 49450549450549450549450549450.549450549450…
	 * → 49450549450549450549450549451 (0 places); gap 59999999999999999999999999999.999999999. */
	g = goal("40000000000000000000000000000", "99999999999999999999999999999.999999999", HIGHER, CUMULATIVE,
		 running(45, 91));
	p = computed(&g, &t);
	assert_value(p.expected, 9, "49450549450549450549450549450.549450549");
	assert_value(p.expected, 0, "49450549450549450549450549451");
	assert_value(p.gap, 9, "59999999999999999999999999999.999999999");
	assert_value(p.pace, 4, "0.8089"); /* 4×10^28 × 91/(45 × (10^29 − 10^-9)) = 0.80888… */
	assert_value(p.projected, 2, "80888888888888888888888888888.89");
	/* Under a ceiling (lower, cumulative), 90 of 91 days: the actual against the target
	 * crosses 3×10^46 too. (3×10^37 + 4)/(3×10^9) = 10^28 + 0.00000000133… is above
	 * 10^28 + 10^-9: behind; (3×10^37 + 2)/(3×10^9) = 10^28 + 0.00000000066… is under it,
	 * and its pace (10^37 + 1) × 90 × 3/(91 × (3×10^37 + 2)) = 0.98901… → on track. */
	g = average_goal("30000000000000000000000000000.000000004", "3", t28, LOWER, CUMULATIVE, running(90, 91));
	assert_status(computed(&g, &t).status, STATUS_BEHIND);
	g = average_goal("30000000000000000000000000000.000000002", "3", t28, LOWER, CUMULATIVE, running(90, 91));
	p = computed(&g, &t);
	assert_status(p.status, STATUS_ON_TRACK);
	assert_value(p.pace, 9, "0.989010989");
}

/* Past the decimal range (±10^29) a value is still refused: fraction_round says no, and
 * the row is not written. Its status is what the exact value gives. */
static void test_progress_past_range(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds();
	t.early = num("0"); /* the pace rule itself, from the first day */
	decimal out;
	/* Won 9×10^28 + 10^-9 against 10^-9, 1 day of 91: attainment 9×10^37 + 1, pace
	 * (9×10^37 + 1) × 91 ≈ 8.2×10^39 (the wide path), projected the same: all past 10^29.
	 * Expected 10^-9/91 → 0; gap 0; achieved. */
	struct goal_measure g = goal("90000000000000000000000000000.000000001", "0.000000001", HIGHER, CUMULATIVE,
				     running(1, 91));
	struct progress p = computed(&g, &t);
	assert_false(fraction_round(p.attainment, 4, &out));
	assert_false(fraction_round(p.pace, 4, &out));
	assert_false(fraction_round(p.pace, 0, &out));
	assert_false(fraction_round(p.projected, 9, &out));
	assert_value(p.expected, 9, "0");
	assert_value(p.gap, 4, "0");
	assert_status(p.status, STATUS_ACHIEVED);
	/* Negative: all of them as far below; behind. Gap 10^-9 + 9×10^28 + 10^-9, exact. */
	g = goal("-90000000000000000000000000000.000000001", "0.000000001", HIGHER, CUMULATIVE, running(1, 91));
	p = computed(&g, &t);
	assert_false(fraction_round(p.attainment, 4, &out));
	assert_false(fraction_round(p.pace, 2, &out));
	assert_false(fraction_round(p.projected, 9, &out));
	assert_value(p.gap, 9, "90000000000000000000000000000.000000002");
	assert_status(p.status, STATUS_BEHIND);
	/* 10^20 against 10^20 is fine: attainment 1, achieved; expected 10^20 × 1/2 = 5×10^19. */
	g = goal("100000000000000000000", "100000000000000000000", HIGHER, CUMULATIVE, running(46, 92));
	assert_progress(&g, &t, "1", "50000000000000000000", "2", "200000000000000000000", "0",
			STATUS_ACHIEVED);
	/* Actual 2×10^20 + 10^-9 against 10^-9 (once refused whole: the gap's cross product
	 * (2×10^29 + 1) × 10^9 passes 128 bits): the gap is 0, the expected 10^-9/2 →
	 * 0.000000001, but attainment and pace, 2×10^29 + 1 and twice that, are past 10^29. */
	g = goal("200000000000000000000.000000001", "0.000000001", HIGHER, CUMULATIVE, running(46, 92));
	p = computed(&g, &t);
	assert_value(p.gap, 9, "0");
	assert_value(p.expected, 9, "0.000000001");
	assert_false(fraction_round(p.attainment, 4, &out));
	assert_false(fraction_round(p.pace, 4, &out));
	assert_status(p.status, STATUS_ACHIEVED);
	g.lower = true; /* actual − target: 2×10^20, exact */
	p = computed(&g, &t);
	assert_value(p.gap, 9, "200000000000000000000");
	assert_value(p.attainment, 9, "0"); /* 10^-9 ÷ (2×10^20 + 10^-9) */
}

/* --early: while less than the share early of a running period has passed, a judgement
 * of pace (ahead, on_track, behind) is early; a final word is said as before: a total at
 * its target, a ceiling passed, a period over or not begun, nothing to measure. */
static void test_progress_early(void **state)
{
	(void)state;
	struct status_thresholds t = default_thresholds(); /* early 0.1 */
	/* Day 2 of 92, won deals 0 of 28: expected 0.6087, pace 0: not behind but early; the
	 * columns are computed as ever. */
	struct goal_measure g = goal("0", "28", HIGHER, CUMULATIVE, running(2, 92));
	assert_progress(&g, &t, "0", "0.6087", "0", "0", "28", STATUS_EARLY);
	/* one deal on day 2: pace 1.6429, not ahead either */
	g = goal("1", "28", HIGHER, CUMULATIVE, running(2, 92));
	assert_progress(&g, &t, "0.0357", "0.6087", "1.6429", "46", "27", STATUS_EARLY);
	/* a total at its target is final, however early */
	g = goal("28", "28", HIGHER, CUMULATIVE, running(2, 92));
	assert_progress(&g, &t, "1", "0.6087", "46", "1288", "0", STATUS_ACHIEVED);
	/* a ratio at its target on day 2 is not final: one closed deal */
	g = goal("1", "0.6", HIGHER, LEVEL, running(2, 92));
	assert_progress(&g, &t, "1.6667", "0.6", "1.6667", "1", "0", STATUS_EARLY);
	/* nothing to measure stays no_data */
	g = goal(NULL, "0.6", HIGHER, LEVEL, running(2, 92));
	assert_progress(&g, &t, NULL, "0.6", NULL, NULL, NULL, STATUS_NO_DATA);
	/* a ceiling already passed is behind, however early */
	g = goal("5", "4", LOWER, CUMULATIVE, running(2, 92));
	assert_progress(&g, &t, "0.8", "0.087", "0.0174", "230", "1", STATUS_BEHIND);
	/* the bound, exactly: 9 of 92 days is 0.0978 (early), 10 of 100 is 0.1 (judged) */
	g = goal("0", "28", HIGHER, CUMULATIVE, running(9, 92));
	assert_progress(&g, &t, "0", "2.7391", "0", "0", "28", STATUS_EARLY);
	g = goal("0", "28", HIGHER, CUMULATIVE, running(10, 100));
	assert_progress(&g, &t, "0", "2.8", "0", "0", "28", STATUS_BEHIND);
	/* not begun, or over: as ever */
	g = goal("0", "28", HIGHER, CUMULATIVE, not_yet(92));
	assert_progress(&g, &t, "0", "0", NULL, NULL, "28", STATUS_NOT_STARTED);
	g = goal("0", "28", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &t, "0", "28", "0", "0", "28", STATUS_MISSED);
	/* no counted day yet (a weekend week under --workdays): early until its last day */
	struct elapsed none = { 0, 0, true, false };
	g = goal("0", "10", HIGHER, CUMULATIVE, none);
	assert_progress(&g, &t, "0", "0", NULL, NULL, "10", STATUS_EARLY);
	/* --early 0: judged from the first day; --early 1: early until the last day */
	t.early = num("0");
	g = goal("0", "28", HIGHER, CUMULATIVE, running(2, 92));
	assert_progress(&g, &t, "0", "0.6087", "0", "0", "28", STATUS_BEHIND);
	t.early = num("1");
	g = goal("0", "28", HIGHER, CUMULATIVE, running(91, 92));
	assert_progress(&g, &t, "0", "27.6957", "0", "0", "28", STATUS_EARLY);
	g = goal("0", "28", HIGHER, CUMULATIVE, ended(92));
	assert_progress(&g, &t, "0", "28", "0", "0", "28", STATUS_MISSED);
}

/* Every status has a name, and a name reads back as its status. */
static void test_goal_status_names(void **state)
{
	(void)state;
	for (int st = 0; st < STATUS_COUNT; st++) {
		enum goal_status back;
		const char *name = goal_status_name((enum goal_status)st);
		assert_true(goal_status_parse(name, strlen(name), &back));
		assert_int_equal(back, st);
		assert_non_null(strstr(GOAL_STATUS_LIST, name));
	}
	enum goal_status out;
	assert_false(goal_status_parse("earl", 4, &out));
	assert_false(goal_status_parse("early_", 6, &out));
	assert_false(goal_status_parse("", 0, &out));
	assert_true(goal_status_parse("early", 5, &out));
	assert_int_equal(out, STATUS_EARLY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counted_days_calendar),
		cmocka_unit_test(test_counted_days_workdays_each_weekday),
		cmocka_unit_test(test_counted_days_holidays),
		cmocka_unit_test(test_period_elapsed_calendar),
		cmocka_unit_test(test_period_elapsed_leap),
		cmocka_unit_test(test_period_elapsed_fiscal),
		cmocka_unit_test(test_period_elapsed_workdays),
		cmocka_unit_test(test_fraction_of_and_ratio),
		cmocka_unit_test(test_fraction_round),
		cmocka_unit_test(test_status_names_and_defaults),
		cmocka_unit_test(test_progress_maven),
		cmocka_unit_test(test_progress_exact),
		cmocka_unit_test(test_progress_lower),
		cmocka_unit_test(test_progress_level),
		cmocka_unit_test(test_progress_course),
		cmocka_unit_test(test_progress_target_zero),
		cmocka_unit_test(test_progress_actual_undefined),
		cmocka_unit_test(test_progress_elapsed_zero),
		cmocka_unit_test(test_progress_no_counted_days),
		cmocka_unit_test(test_progress_workdays_holidays),
		cmocka_unit_test(test_progress_thresholds),
		cmocka_unit_test(test_progress_early),
		cmocka_unit_test(test_goal_status_names),
		cmocka_unit_test(test_progress_lower_cumulative_semantics),
		cmocka_unit_test(test_progress_negative_values),
		cmocka_unit_test(test_progress_wide),
		cmocka_unit_test(test_progress_past_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
