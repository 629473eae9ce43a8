/* Unit tests for src/lib/stats.c. The expected values were computed independently of this
 * code, with Python 3.11's statistics module:
 *
 *   statistics.correlation(x, y)                      Pearson's r
 *   statistics.correlation(ranks(x), ranks(y))        Spearman's rho, where
 *       ranks(v) = [sum(w < a for w in v) + (sum(w == a for w in v) + 1) / 2 for a in v]
 *       (a count, not the sort-and-average-runs of stats.c)
 *   statistics.quantiles(v, n=4, method='inclusive')  quartiles (= R's type 7)
 *   statistics.pstdev(v)                              population standard deviation
 *
 * and each correlation again from exact fractions with a 50-digit decimal square root
 * (fractions.Fraction, decimal.Decimal.sqrt): both agree to every digit shown below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* |got − want| within a few units in the last place of a double near 1 */
static void assert_close(double got, double want)
{
	double d = got - want;
	if (d < 0)
		d = -d;
	if (d > 1e-14)
		fail_msg("got %.17g, expected %.17g", got, want);
}

static decimal number(const char *s)
{
	decimal d;
	if (decimal_parse(s, strlen(s), DECIMAL_POINT, &d) != DECIMAL_OK)
		fail_msg("cannot parse number \"%s\"", s);
	return d;
}

static void test_sqrt(void **state)
{
	(void)state;
	assert_true(stats_sqrt(4) == 2);
	assert_true(stats_sqrt(0.25) == 0.5);
	assert_true(stats_sqrt(1) == 1);
	assert_true(stats_sqrt(0) == 0);
	assert_true(stats_sqrt(-1) == 0);
	/* Python: 2**0.5, 0.3**0.5, 12345.678**0.5, 1e-300**0.5 */
	assert_close(stats_sqrt(2), 1.4142135623730951);
	assert_close(stats_sqrt(0.3), 0.5477225575051661);
	assert_close(stats_sqrt(12345.678) / 100, 111.11110655555547 / 100);
	assert_close(stats_sqrt(1e-300) * 1e150, 1.0);
	assert_close(stats_sqrt(1e300) / 1e150, 1.0);
}

static void test_mean_stddev(void **state)
{
	(void)state;
	const double a[] = { 2, 4, 4, 4, 5, 5, 7, 9 }, b[] = { 1.5, 2.5, 4.0 }, c[] = { 0.1, 0.1, 0.1 };
	assert_true(stats_mean(a, N(a)) == 5);
	assert_true(stats_stddev(a, N(a)) == 2); /* pstdev: 2.0 */
	assert_close(stats_stddev(b, N(b)), 1.0274023338281628);
	/* equal values: exactly 0, although 0.1 × 3 ÷ 3 is not 0.1 in binary */
	assert_true(stats_stddev(c, N(c)) == 0);
	assert_true(stats_stddev(a, 1) == 0);
	assert_true(stats_mean(a, 0) == 0);
}

static void test_average_ranks(void **state)
{
	(void)state;
	const double y[] = { 2, 4, 5, 4, 5 }, x[] = { 3, 3, 5, 7, 7, 7, 9 };
	const double want_y[] = { 1, 2.5, 4.5, 2.5, 4.5 }, want_x[] = { 1.5, 1.5, 3, 5, 5, 5, 7 };
	double r[7];
	stats_average_ranks(y, N(y), r);
	for (size_t i = 0; i < N(y); i++)
		assert_true(r[i] == want_y[i]);
	stats_average_ranks(x, N(x), r);
	for (size_t i = 0; i < N(x); i++)
		assert_true(r[i] == want_x[i]);
}

static void check_pair(const double *x, const double *y, size_t n, double pearson, double spearman)
{
	double r = 99;
	assert_int_equal(stats_pearson(x, y, n, &r), STATS_OK);
	assert_close(r, pearson);
	assert_int_equal(stats_spearman(x, y, n, &r), STATS_OK);
	assert_close(r, spearman);
}

static void test_correlations(void **state)
{
	(void)state;
	/* a textbook pair with ties in y: r 0.7745966692414834, rho 0.7378647873726218 */
	const double x1[] = { 1, 2, 3, 4, 5 }, y1[] = { 2, 4, 5, 4, 5 };
	check_pair(x1, y1, N(x1), 0.7745966692414834, 0.7378647873726218);
	/* meetings and won revenue of 8 reps, one outlier: r 0.862557730681309; same order, rho 1 */
	const double x2[] = { 12, 30, 18, 45, 22, 9, 38, 27 };
	const double y2[] = { 41000.00, 98000.50, 52000.00, 310075.00, 61000.25, 30500.00, 120000.00, 88000.00 };
	check_pair(x2, y2, N(x2), 0.862557730681309, 1.0);
	/* cycle days against score: r −0.9816324800312621, rho −1 */
	const double x3[] = { 14, 35, 21, 60, 28, 45 }, y3[] = { 1.2, 0.85, 1.05, 0.61, 0.99, 0.7 };
	check_pair(x3, y3, N(x3), -0.9816324800312621, -1.0);
	/* ties on both sides: r 0.7017932675554324, rho 0.6955220397446191 */
	const double x4[] = { 3, 3, 5, 7, 7, 7, 9 }, y4[] = { 0.5, 0.9, 0.9, 1.1, 0.7, 1.3, 1.3 };
	check_pair(x4, y4, N(x4), 0.7017932675554324, 0.6955220397446191);
	/* a straight line: exactly 1 at most an ulp away, never above */
	const double x5[] = { 1, 2, 3, 4, 5, 6 }, y5[] = { 3, 5, 7, 9, 11, 13 };
	double r;
	assert_int_equal(stats_pearson(x5, y5, N(x5), &r), STATS_OK);
	assert_true(r <= 1);
	assert_close(r, 1);
}

static void test_correlation_undefined(void **state)
{
	(void)state;
	const double x[] = { 1, 2, 3, 4, 5 }, flat[] = { 0.7, 0.7, 0.7, 0.7, 0.7 };
	double r = 42;
	assert_int_equal(stats_pearson(flat, x, 5, &r), STATS_CONSTANT_X);
	assert_int_equal(stats_pearson(x, flat, 5, &r), STATS_CONSTANT_Y);
	assert_int_equal(stats_spearman(x, flat, 5, &r), STATS_CONSTANT_Y);
	assert_int_equal(stats_pearson(x, x, 1, &r), STATS_TOO_FEW);
	assert_int_equal(stats_spearman(x, x, 0, &r), STATS_TOO_FEW);
	assert_true(r == 42); /* untouched: never a nan */
}

static void check_quartiles(const char *const *values, size_t n, const char *top, const char *bottom)
{
	decimal v[16] = { { 0 } };
	bool t[16] = { false }, b[16] = { false };
	char got_top[17] = "", got_bottom[17] = "";
	for (size_t i = 0; i < n; i++)
		v[i] = number(values[i]);
	assert_true(stats_quartile_members(v, n, t, b));
	for (size_t i = 0; i < n; i++) {
		got_top[i] = t[i] ? 'T' : '.';
		got_bottom[i] = b[i] ? 'B' : '.';
	}
	assert_string_equal(got_top, top);
	assert_string_equal(got_bottom, bottom);
}

static void test_quartiles(void **state)
{
	(void)state;
	/* quantiles 2.75, 4.5, 6.25: top 7 and 8, bottom 1 and 2 */
	const char *const a[] = { "1", "2", "3", "4", "5", "6", "7", "8" };
	check_quartiles(a, N(a), "......TT", "BB......");
	/* ties at the cut points: quantiles 20, 20, 20; every 20 is both */
	const char *const b[] = { "10", "20", "20", "20", "30" };
	check_quartiles(b, N(b), ".TTTT", "BBBB.");
	/* unsorted with a tie: quantiles 3.0, 4.5, 7.0; top 9, 7, 8; bottom 1.25, 3, 3, 2 */
	const char *const c[] = { "4.5", "1.25", "9", "3", "3", "7", "2", "8", "6" };
	check_quartiles(c, N(c), "..T..T.T.", ".B.BB.B..");
	/* one value is its own quartiles */
	const char *const d[] = { "5" };
	check_quartiles(d, 1, "T", "B");
	/* a cut point between two values that needs more than 9 decimals when divided by 4:
	 * 0.000000001 and 0.000000002 → Q1 = 0.00000000125, Q3 = 0.00000000175 (exact) */
	const char *const e[] = { "0.000000001", "0.000000002" };
	check_quartiles(e, N(e), ".T", "B.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqrt),
		cmocka_unit_test(test_mean_stddev),
		cmocka_unit_test(test_average_ranks),
		cmocka_unit_test(test_correlations),
		cmocka_unit_test(test_correlation_undefined),
		cmocka_unit_test(test_quartiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
