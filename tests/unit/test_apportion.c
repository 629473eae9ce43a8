/* Unit tests for src/lib/apportion.c: a property test over many random totals, weights and
 * units, checked against exact rational arithmetic, plus cases worked out by hand and the
 * arguments it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "apportion.h"

/* ---- helpers ---- */

static decimal number(const char *s)
{
	decimal d;
	if (decimal_parse(s, strlen(s), DECIMAL_POINT, &d) != DECIMAL_OK)
		fail_msg("cannot parse number \"%s\"", s);
	return d;
}

static void assert_number(decimal d, const char *expected)
{
	char buf[DECIMAL_BUFSIZE];
	decimal_format(d, -1, buf, sizeof buf);
	assert_string_equal(buf, expected);
}

/* splitmix64 from a fixed seed: the same cases on every run and every machine. */
static uint64_t rng_state = 0x5eed5a1e5ca1ab1eULL;

static uint64_t next_random(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, bound] for a test (bound < 2^63). */
static uint64_t random_upto(uint64_t bound)
{
	return next_random() % (bound + 1);
}

static decimal units(decimal_units u)
{
	decimal d = { u };
	return d;
}

static decimal_units magnitude(decimal_units x)
{
	return x < 0 ? -x : x;
}

#define MAX_PARTS 50
/* Weights stay below 10^16 billionths (10^7) so that total × weight × parts fits in 128
 * bits in the checks below as in apportion itself: totals reach 10^19 billionths. */
#define MAX_WEIGHT_UNITS 10000000000000000LL

enum weight_shape { SHAPE_RANDOM, SHAPE_EQUAL, SHAPE_ZEROS, SHAPE_EXTREME, SHAPE_SMALL, SHAPE_COUNT };

/* n weights of the given shape; at least one is not 0. */
static void random_weights(decimal *w, size_t n, enum weight_shape shape)
{
	decimal_units equal = (decimal_units)random_upto(MAX_WEIGHT_UNITS - 1) + 1;
	for (size_t i = 0; i < n; i++) {
		switch (shape) {
		case SHAPE_RANDOM: w[i] = units((decimal_units)random_upto(MAX_WEIGHT_UNITS)); break;
		case SHAPE_EQUAL: w[i] = units(equal); break;
		case SHAPE_ZEROS: /* mostly zeros, the rest days of a month */
			w[i] = random_upto(3) == 0 ? decimal_from_int((int64_t)random_upto(30) + 1) : decimal_zero();
			break;
		case SHAPE_EXTREME: /* a billionth next to ten million */
			w[i] = random_upto(1) ? units(1) : units(MAX_WEIGHT_UNITS);
			break;
		case SHAPE_SMALL: w[i] = decimal_from_int((int64_t)random_upto(3)); break;
		default: break;
		}
	}
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= w[i].units > 0;
	if (!any)
		w[random_upto(n - 1)] = units((decimal_units)random_upto(MAX_WEIGHT_UNITS - 1) + 1);
}

/* The properties of one split, checked with exact rational arithmetic: part_i is within
 * one unit of total × w_i ÷ W, i.e. |part_i × W − total × w_i| < unit × W. */
static void check_split(decimal total, const decimal *w, size_t n, decimal unit, const decimal *parts,
			unsigned long case_number)
{
	decimal_units sum = 0, weights = 0;
	for (size_t i = 0; i < n; i++) {
		sum += parts[i].units;
		weights += w[i].units;
	}
	if (sum != total.units)
		fail_msg("case %lu: the parts do not add up to the total", case_number);
	bool total_whole = total.units % unit.units == 0;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].units < 0)
			fail_msg("case %lu: part %zu is negative", case_number, i);
		decimal_units off = magnitude(parts[i].units * weights - total.units * w[i].units);
		if (off >= unit.units * weights)
			fail_msg("case %lu: part %zu is a unit or more away from its exact share", case_number, i);
		if (total_whole && parts[i].units % unit.units != 0)
			fail_msg("case %lu: part %zu is not a multiple of the unit", case_number, i);
		if (w[i].units == 0 && parts[i].units != 0 && total_whole)
			fail_msg("case %lu: part %zu has weight 0 but gets something", case_number, i);
	}
}

/* ---- properties ---- */

static void test_random_splits_add_up_and_stay_close(void **state)
{
	(void)state;
	static const char *const unit_text[] = { "0.01", "1", "100", "0.05" };
	decimal w[MAX_PARTS], parts[MAX_PARTS];
	const decimal_units cent = units(10000000).units; /* 0.01 in billionths */
	for (unsigned long k = 0; k < 40000; k++) {
		size_t n = (size_t)random_upto(MAX_PARTS - 1) + 1;
		enum weight_shape shape = (enum weight_shape)(k % SHAPE_COUNT);
		decimal unit = number(unit_text[(k / SHAPE_COUNT) % 4]);
		/* cents up to 10^12; every eighth case a round amount, often a multiple of the unit */
		decimal_units cents = (decimal_units)random_upto(1000000000000ULL);
		if (k % 8 == 0)
			cents -= cents % 10000;
		if (k % 16 == 1)
			cents = (decimal_units)random_upto(9); /* tiny totals: fewer units than parts */
		decimal total = units(cents * cent);
		random_weights(w, n, shape);
		memset(parts, 0, sizeof parts);
		if (!apportion(total, w, n, unit, parts))
			fail_msg("case %lu: apportion refused valid arguments", k);
		check_split(total, w, n, unit, parts, k);
	}
}

/* The same arguments give the same parts: nothing depends on memory or time. */
static void test_deterministic(void **state)
{
	(void)state;
	decimal w[MAX_PARTS], a[MAX_PARTS], b[MAX_PARTS];
	for (int k = 0; k < 200; k++) {
		size_t n = (size_t)random_upto(MAX_PARTS - 1) + 1;
		random_weights(w, n, (enum weight_shape)(k % SHAPE_COUNT));
		decimal total = units((decimal_units)random_upto(1000000000000ULL) * 10000000);
		assert_true(apportion(total, w, n, number("0.01"), a));
		assert_true(apportion(total, w, n, number("0.01"), b));
		assert_memory_equal(a, b, n * sizeof *a);
	}
}

/* ---- cases worked out by hand ---- */

static void test_thirds_of_100(void **state)
{
	(void)state;
	decimal w[3] = { decimal_from_int(1), decimal_from_int(1), decimal_from_int(1) };
	decimal p[3];
	/* 33.33 each leaves 0.01; the remainders tie, so the earliest part takes it */
	assert_true(apportion(decimal_from_int(100), w, 3, number("0.01"), p));
	assert_number(p[0], "33.34");
	assert_number(p[1], "33.33");
	assert_number(p[2], "33.33");
}

static void test_ties_go_to_the_earlier_part(void **state)
{
	(void)state;
	decimal w[4] = { decimal_from_int(5), decimal_from_int(5), decimal_from_int(5), decimal_from_int(5) };
	decimal p[4];
	/* 0.02 over four equal parts: two cents for the first two */
	assert_true(apportion(number("0.02"), w, 4, number("0.01"), p));
	assert_number(p[0], "0.01");
	assert_number(p[1], "0.01");
	assert_number(p[2], "0");
	assert_number(p[3], "0");
	/* 10 over [1, 2, 1] at 1: 2.5, 5, 2.5; the tie between the 0.5s goes to the first */
	decimal v[3] = { decimal_from_int(1), decimal_from_int(2), decimal_from_int(1) };
	assert_true(apportion(decimal_from_int(10), v, 3, decimal_from_int(1), p));
	assert_number(p[0], "3");
	assert_number(p[1], "5");
	assert_number(p[2], "2");
}

static void test_largest_remainder_wins(void **state)
{
	(void)state;
	/* 120000 by the days of the months of 2026: January's 10191.7808... rounds up,
	 * September's 9863.0136... does not; each exact share was computed by hand. */
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	static const char *const expected[12] = { "10191.78", "9205.48", "10191.78", "9863.02",
						  "10191.78", "9863.02", "10191.78", "10191.78",
						  "9863.01", "10191.78", "9863.01", "10191.78" };
	decimal w[12], p[12];
	for (int i = 0; i < 12; i++)
		w[i] = decimal_from_int(days[i]);
	assert_true(apportion(decimal_from_int(120000), w, 12, number("0.01"), p));
	for (int i = 0; i < 12; i++)
		assert_number(p[i], expected[i]);
	/* 7 deals over [0.5, 0.3, 0.2]: 3.5, 2.1, 1.4 → 3, 2, 1 and the one left goes to 0.5 */
	decimal s[3] = { number("0.5"), number("0.3"), number("0.2") };
	assert_true(apportion(decimal_from_int(7), s, 3, decimal_from_int(1), p));
	assert_number(p[0], "4");
	assert_number(p[1], "2");
	assert_number(p[2], "1");
}

static void test_zero_weights_and_zero_total(void **state)
{
	(void)state;
	decimal w[3] = { decimal_zero(), decimal_from_int(3), decimal_zero() };
	decimal p[3];
	assert_true(apportion(decimal_from_int(1000), w, 3, number("0.01"), p));
	assert_number(p[0], "0");
	assert_number(p[1], "1000");
	assert_number(p[2], "0");
	decimal e[2] = { decimal_from_int(1), decimal_from_int(1) };
	assert_true(apportion(decimal_zero(), e, 2, number("0.01"), p));
	assert_number(p[0], "0");
	assert_number(p[1], "0");
	/* one part takes it all */
	assert_true(apportion(number("12.34"), w + 1, 1, number("0.01"), p));
	assert_number(p[0], "12.34");
}

static void test_odd_remainder_when_total_is_not_a_multiple(void **state)
{
	(void)state;
	/* 120500 in thousands over 4 equal quarters: 30000 each, 500 left for the first */
	decimal w[4] = { decimal_from_int(1), decimal_from_int(1), decimal_from_int(1), decimal_from_int(1) };
	decimal p[4];
	assert_true(apportion(decimal_from_int(120500), w, 4, decimal_from_int(1000), p));
	assert_number(p[0], "30500");
	assert_number(p[1], "30000");
	assert_number(p[2], "30000");
	assert_number(p[3], "30000");
	/* 2500 into thousands: 625 each; 2 units left: 1000, 1000, then the odd 500 */
	assert_true(apportion(decimal_from_int(2500), w, 4, decimal_from_int(1000), p));
	assert_number(p[0], "1000");
	assert_number(p[1], "1000");
	assert_number(p[2], "500");
	assert_number(p[3], "0");
}

static void test_nickels(void **state)
{
	(void)state;
	decimal w[3] = { decimal_from_int(1), decimal_from_int(1), decimal_from_int(1) };
	decimal p[3];
	assert_true(apportion(decimal_from_int(1), w, 3, number("0.05"), p));
	assert_number(p[0], "0.35");
	assert_number(p[1], "0.35");
	assert_number(p[2], "0.3");
}

/* ---- bad arguments ---- */

static void test_bad_arguments(void **state)
{
	(void)state;
	decimal w[2] = { decimal_from_int(1), decimal_from_int(2) };
	decimal zeros[2] = { decimal_zero(), decimal_zero() };
	decimal negative[2] = { decimal_from_int(3), decimal_from_int(-1) };
	decimal p[2];
	decimal cent = number("0.01");
	assert_false(apportion(decimal_from_int(100), w, 0, cent, p));         /* no parts */
	assert_false(apportion(decimal_from_int(100), zeros, 2, cent, p));     /* all weights 0 */
	assert_false(apportion(decimal_from_int(100), negative, 2, cent, p));  /* negative weight */
	assert_false(apportion(decimal_from_int(100), w, 2, decimal_zero(), p));        /* unit 0 */
	assert_false(apportion(decimal_from_int(100), w, 2, decimal_from_int(-1), p));  /* unit < 0 */
	assert_false(apportion(decimal_from_int(-100), w, 2, cent, p));        /* negative total */
}

static void test_too_large_is_refused(void **state)
{
	(void)state;
	/* total × weight would not fit in 128 bits: refused, never wrapped */
	decimal huge = { (decimal_units)1 << 100 };
	decimal w[2] = { huge, decimal_from_int(1) };
	decimal p[2];
	assert_false(apportion(huge, w, 2, number("0.01"), p));
}

/* ---- controlled rounding of tables ---- */

#define MAX_ROWS 30
#define MAX_COLS 15

/* The properties of one rounded table, checked exactly: each row adds up to its exact sum,
 * each column to within one unit of its exact sum, and each cell is within one unit of
 * its exact share num ÷ den (so its share rounded down or up). */
static uint64_t k_big_total(void)
{
	return random_upto(1) ? 1000 : 100000000000ULL;
}

static void check_table(size_t m, size_t n, const decimal_units *num, decimal_units den, const decimal_units *cells,
			unsigned long case_number)
{
	for (size_t i = 0; i < m; i++) {
		decimal_units exact = 0, sum = 0;
		for (size_t j = 0; j < n; j++) {
			exact += num[i * n + j];
			sum += cells[i * n + j];
			if (magnitude(cells[i * n + j] * den - num[i * n + j]) >= den)
				fail_msg("case %lu: cell (%zu, %zu) is a unit or more from its exact share", case_number, i, j);
		}
		if (sum * den != exact)
			fail_msg("case %lu: row %zu does not add up to its exact sum", case_number, i);
	}
	for (size_t j = 0; j < n; j++) {
		decimal_units exact = 0, sum = 0;
		for (size_t i = 0; i < m; i++) {
			exact += num[i * n + j];
			sum += cells[i * n + j];
		}
		if (magnitude(sum * den - exact) >= den)
			fail_msg("case %lu: column %zu is a unit or more from its exact sum", case_number, j);
	}
}

enum table_shape { TABLE_RANDOM, TABLE_PROPORTIONAL, TABLE_WHOLE_CELLS, TABLE_HALVES, TABLE_SHAPES };

/* A random table of exact shares whose rows add up to whole units. */
static void random_table(size_t m, size_t n, enum table_shape shape, decimal_units *num, decimal_units *den)
{
	static const decimal_units dens[] = { 2, 3, 7, 365, 1000000007, 999999999999989LL };
	*den = dens[random_upto(5)];
	if (shape == TABLE_HALVES)
		*den = 2;
	if (shape == TABLE_PROPORTIONAL) {
		/* row i: a whole total T_i over weights w_j, as split and allocate make them */
		decimal_units w[MAX_COLS], sum = 0;
		for (size_t j = 0; j < n; j++)
			sum += w[j] = (decimal_units)random_upto(92);
		if (sum == 0)
			sum += w[0] = 1;
		*den = sum;
		for (size_t i = 0; i < m; i++) {
			decimal_units total = (decimal_units)random_upto(k_big_total());
			for (size_t j = 0; j < n; j++)
				num[i * n + j] = total * w[j];
		}
		return;
	}
	for (size_t i = 0; i < m; i++) {
		decimal_units sum = 0;
		for (size_t j = 0; j < n; j++) {
			decimal_units v = (decimal_units)random_upto(60) * *den;
			if (shape != TABLE_WHOLE_CELLS || random_upto(2) == 0)
				v += (decimal_units)(next_random() % (uint64_t)*den);
			if (shape == TABLE_HALVES)
				v = (decimal_units)random_upto(1); /* 0 or one half */
			num[i * n + j] = v;
			sum += v;
		}
		/* the last cell with room takes what makes the row whole */
		decimal_units missing = (*den - sum % *den) % *den;
		num[i * n + (size_t)random_upto(n - 1)] += missing;
	}
}

static void test_random_tables_add_up_both_ways(void **state)
{
	(void)state;
	static decimal_units num[MAX_ROWS * MAX_COLS], cells[MAX_ROWS * MAX_COLS], again[MAX_ROWS * MAX_COLS];
	decimal_units want[MAX_COLS], den;
	unsigned long honoured = 0;
	for (unsigned long k = 0; k < 10000; k++) {
		size_t m = (size_t)random_upto(MAX_ROWS - 1) + 1, n = (size_t)random_upto(MAX_COLS - 1) + 1;
		random_table(m, n, (enum table_shape)(k % TABLE_SHAPES), num, &den);
		/* no preference; then a random one (any column sums within the bounds hold) */
		if (!round_table(m, n, num, den, NULL, cells))
			fail_msg("case %lu: round_table refused a valid table", k);
		check_table(m, n, num, den, cells, k);
		for (size_t j = 0; j < n; j++) {
			want[j] = 0;
			for (size_t i = 0; i < m; i++)
				want[j] += num[i * n + j];
			want[j] = want[j] / den + (decimal_units)random_upto(1);
		}
		if (!round_table(m, n, num, den, want, again))
			fail_msg("case %lu: round_table refused a valid table and preference", k);
		check_table(m, n, num, den, again, k);
		/* column sums that some rounding has are always kept: those of the first */
		for (size_t j = 0; j < n; j++) {
			want[j] = 0;
			for (size_t i = 0; i < m; i++)
				want[j] += cells[i * n + j];
		}
		if (!round_table(m, n, num, den, want, again))
			fail_msg("case %lu: round_table refused feasible column sums", k);
		check_table(m, n, num, den, again, k);
		for (size_t j = 0; j < n; j++) {
			decimal_units sum = 0;
			for (size_t i = 0; i < m; i++)
				sum += again[i * n + j];
			if (sum != want[j])
				fail_msg("case %lu: column %zu: wanted %lld, got %lld", k, j, (long long)want[j],
					 (long long)sum);
		}
		honoured++;
	}
	assert_int_equal(honoured, 10000);
}

/* The smallest table where a column sum within the bounds cannot be had: row 1 is half a
 * unit in columns 1 and 2, row 2 in columns 3 and 4. Wanting 1, 1, 0, 0 would take two
 * units from row 1; the rounding keeps the rows and finds other column sums. */
static void test_infeasible_preference_is_let_go(void **state)
{
	(void)state;
	const decimal_units num[8] = { 1, 1, 0, 0, 0, 0, 1, 1 };
	const decimal_units want[4] = { 1, 1, 0, 0 };
	decimal_units cells[8];
	assert_true(round_table(2, 4, num, 2, want, cells));
	check_table(2, 4, num, 2, cells, 0);
	assert_int_equal(cells[0] + cells[1], 1);
	assert_int_equal(cells[6] + cells[7], 1);
	assert_true(round_table(2, 4, num, 2, NULL, cells));
	check_table(2, 4, num, 2, cells, 0);
}

/* allocate | split on a small roster: three reps' yearly goals (from one region's 1000.00
 * allocated equally: 333.34, 333.33, 333.33) over four quarters of 90, 91, 92 and 92 days,
 * whose columns must make the region's own quarters (its 1000.00 split alone). */
static void test_apportion_table_keeps_the_groups_parts(void **state)
{
	(void)state;
	decimal cent = number("0.01"), region[4], parts[12], sums[4];
	decimal totals[3] = { number("333.34"), number("333.33"), number("333.33") };
	decimal days[4] = { decimal_from_int(90), decimal_from_int(91), decimal_from_int(92), decimal_from_int(92) };
	decimal w[12];
	for (int i = 0; i < 3; i++)
		memcpy(w + 4 * i, days, sizeof days);
	assert_true(apportion(decimal_from_int(1000), days, 4, cent, region));
	assert_true(apportion_table(3, 4, totals, w, cent, region, parts, sums));
	for (int j = 0; j < 4; j++)
		assert_memory_equal(&sums[j], &region[j], sizeof sums[j]);
	for (int i = 0; i < 3; i++) {
		decimal s = decimal_zero();
		for (int j = 0; j < 4; j++)
			assert_true(decimal_add(s, parts[4 * i + j], &s));
		assert_memory_equal(&s, &totals[i], sizeof s);
	}
	/* against each exact share: |part × 365 − total × days| < 0.01 × 365 */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			assert_true(magnitude(parts[4 * i + j].units * 365 - totals[i].units * days[j].units / 1000000000) <
				    cent.units * 365);
}

static decimal_units gcd_of(decimal_units a, decimal_units b)
{
	while (b) {
		decimal_units t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Decimal tables against exact fractions: rows of their own weights (as --prorate gives). */
static void test_random_decimal_tables(void **state)
{
	(void)state;
	static const char *const unit_text[] = { "0.01", "1", "100", "0.05" };
	enum { R = 12, C = 6 };
	decimal totals[R], w[R * C], parts[R * C], sums[C];
	for (unsigned long k = 0; k < 2000; k++) {
		size_t m = (size_t)random_upto(R - 1) + 1, n = (size_t)random_upto(C - 1) + 1;
		decimal unit = number(unit_text[k % 4]);
		for (size_t i = 0; i < m; i++) {
			totals[i] = units((decimal_units)random_upto(100000000) * unit.units);
			bool any = false;
			for (size_t j = 0; j < n; j++) {
				w[i * n + j] = decimal_from_int((int64_t)random_upto(k % 2 ? 31 : 3));
				any |= w[i * n + j].units > 0;
			}
			if (!any)
				w[i * n] = decimal_from_int(1);
		}
		if (!apportion_table(m, n, totals, w, unit, NULL, parts, sums))
			fail_msg("case %lu: apportion_table refused a valid table", k);
		/* exact: part × W_i against total × w_ij, in whole-number weights */
		for (size_t i = 0; i < m; i++) {
			decimal_units W = 0, sum = 0;
			for (size_t j = 0; j < n; j++)
				W += w[i * n + j].units / 1000000000;
			for (size_t j = 0; j < n; j++) {
				decimal_units wij = w[i * n + j].units / 1000000000;
				sum += parts[i * n + j].units;
				if (magnitude(parts[i * n + j].units * W - totals[i].units * wij) >= unit.units * W)
					fail_msg("case %lu: part (%zu, %zu) is a unit or more from its share", k, i, j);
				if (parts[i * n + j].units % unit.units != 0)
					fail_msg("case %lu: part (%zu, %zu) is not a multiple of the unit", k, i, j);
			}
			if (sum != totals[i].units)
				fail_msg("case %lu: row %zu does not add up", k, i);
		}
		/* columns, exactly: in units, over the rows' common multiple L of their weights'
		 * sums (at most 186^12, so every product below fits in 128 bits) */
		decimal_units L = 1, W[R];
		for (size_t i = 0; i < m; i++) {
			W[i] = 0;
			for (size_t q = 0; q < n; q++)
				W[i] += w[i * n + q].units / 1000000000;
			L = L / gcd_of(L, W[i]) * W[i];
		}
		for (size_t j = 0; j < n; j++) {
			decimal_units colsum = 0, exact = 0;
			for (size_t i = 0; i < m; i++) {
				exact += totals[i].units / unit.units * (w[i * n + j].units / 1000000000) * (L / W[i]);
				colsum += parts[i * n + j].units;
			}
			if (colsum != sums[j].units)
				fail_msg("case %lu: column sum %zu is not the sum of its parts", k, j);
			if (magnitude(colsum / unit.units * L - exact) >= L)
				fail_msg("case %lu: column %zu is a unit or more from its exact sum", k, j);
		}
	}
}

static void test_table_bad_arguments(void **state)
{
	(void)state;
	decimal cent = number("0.01"), p[2];
	decimal one[2] = { decimal_from_int(1), decimal_from_int(1) }, zeros[2] = { decimal_zero(), decimal_zero() };
	decimal odd = number("0.005");
	decimal_units num[2] = { 1, 0 }, cells[2];
	assert_false(apportion_table(1, 2, &odd, one, cent, NULL, p, NULL));   /* not a multiple of the unit */
	assert_false(apportion_table(1, 2, one, zeros, cent, NULL, p, NULL));  /* all weights 0 */
	assert_false(apportion_table(0, 2, one, one, cent, NULL, p, NULL));    /* no rows */
	assert_false(round_table(1, 2, num, 2, NULL, cells));                  /* a row that is not whole */
	assert_false(round_table(1, 2, num, 0, NULL, cells));                  /* no denominator */
}


/* The largest remainder computed the long way: 128-bit products and remainders, parts
 * sorted by remainder (ties to the earlier part). */
static void reference_apportion(decimal total, const decimal *weights, size_t n, decimal unit, decimal *parts)
{
	decimal_units sum = 0, given = 0, rem[16];
	size_t order[16];
	for (size_t i = 0; i < n; i++)
		sum += weights[i].units;
	for (size_t i = 0; i < n; i++) {
		decimal_units exact = total.units * weights[i].units, den = sum * unit.units;
		parts[i].units = exact / den * unit.units;
		rem[i] = exact % den;
		order[i] = i;
		given += parts[i].units;
	}
	for (size_t k = 0; k < n; k++) /* selection: largest remainder, then earlier part */
		for (size_t j = k + 1; j < n; j++)
			if (rem[order[j]] > rem[order[k]] || (rem[order[j]] == rem[order[k]] && order[j] < order[k])) {
				size_t t = order[j];
				order[j] = order[k];
				order[k] = t;
			}
	decimal_units left = total.units - given;
	for (size_t k = 0; k < n && left > 0; k++) {
		decimal_units add = left >= unit.units ? unit.units : left;
		parts[order[k]].units += add;
		left -= add;
	}
}

/* A few parts or many, numbers that fit 64 bits and numbers that do not: the parts are
 * the long way's. */
static void test_matches_the_long_way(void **unused)
{
	(void)unused;
	uint64_t seed = 7;
	for (int round = 0; round < 20000; round++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t n = 1 + (size_t)(seed >> 60) % 12;
		decimal weights[16], parts[16], want[16];
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			uint64_t r = seed >> 20;
			weights[i].units = round % 3 == 0 ? (decimal_units)(r % 4) * 250000000 /* 0.25 steps, ties */
				       : (decimal_units)(r % 1000000000);
			any |= weights[i].units != 0;
		}
		if (!any)
			weights[0].units = 1;
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		decimal total = { .units = (decimal_units)(seed >> 24) * 10000000 }; /* whole cents */
		if (round % 5 == 0)
			total.units *= (decimal_units)1000000000; /* past 64 bits */
		if (round % 7 == 0)
			total.units += 3; /* not a multiple of the unit */
		decimal cent = { .units = 10000000 };
		assert_true(apportion(total, weights, n, cent, parts));
		reference_apportion(total, weights, n, cent, want);
		for (size_t i = 0; i < n; i++)
			assert_true(parts[i].units == want[i].units);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_splits_add_up_and_stay_close),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_matches_the_long_way),
		cmocka_unit_test(test_thirds_of_100),
		cmocka_unit_test(test_ties_go_to_the_earlier_part),
		cmocka_unit_test(test_largest_remainder_wins),
		cmocka_unit_test(test_zero_weights_and_zero_total),
		cmocka_unit_test(test_odd_remainder_when_total_is_not_a_multiple),
		cmocka_unit_test(test_nickels),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_too_large_is_refused),
		cmocka_unit_test(test_random_tables_add_up_both_ways),
		cmocka_unit_test(test_infeasible_preference_is_let_go),
		cmocka_unit_test(test_apportion_table_keeps_the_groups_parts),
		cmocka_unit_test(test_random_decimal_tables),
		cmocka_unit_test(test_table_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
