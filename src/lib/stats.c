/* Descriptive statistics: means, deviations, correlations and quartiles. Sums run in the
 * order of the arrays given, so the same input always gives the same bits. */
#include "stats.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

double stats_mean(const double *x, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return n ? sum / (double)n : 0;
}

static bool all_equal(const double *x, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return false;
	return true;
}

double stats_stddev(const double *x, size_t n)
{
	/* equal values: exactly 0, not the rounding noise of (x - mean) */
	if (n < 2 || all_equal(x, n))
		return 0;
	double mean = stats_mean(x, n), ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return stats_sqrt(ss / (double)n);
}

double stats_sqrt(double x)
{
	if (!(x > 0))
		return 0;
	if (x > 1.7976931348623157e308) /* infinity */
		return x;
	/* x = m × 4^k with m in [0.25, 1): the root is √m × 2^k. Scaling by powers of two is
	 * exact, and from 1 Newton's iteration reaches √m within an ulp in 6 steps. */
	double scale = 1;
	while (x >= 1) {
		x *= 0.25;
		scale *= 2;
	}
	while (x < 0.25) {
		x *= 4;
		scale *= 0.5;
	}
	double y = 1;
	for (int i = 0; i < 8; i++)
		y = 0.5 * (y + x / y);
	return y * scale;
}

struct ranked {
	double value;
	size_t index;
};

static int compare_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

void stats_average_ranks(const double *x, size_t n, double *rank)
{
	struct ranked *r = xcalloc(n + 1, sizeof *r);
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){ x[i], i };
	qsort(r, n, sizeof *r, compare_ranked);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].value == r[i].value; j++)
			;
		/* positions i .. j-1 hold ranks i+1 .. j: their mean is (i + 1 + j) / 2 */
		double shared = ((double)i + 1 + (double)j) / 2;
		for (size_t k = i; k < j; k++)
			rank[r[k].index] = shared;
	}
	free(r);
}

enum stats_status stats_pearson(const double *x, const double *y, size_t n, double *r)
{
	if (n < 2)
		return STATS_TOO_FEW;
	if (all_equal(x, n))
		return STATS_CONSTANT_X;
	if (all_equal(y, n))
		return STATS_CONSTANT_Y;
	/* two passes: deviations from the means, not the cancelling Σxy − n·x̄·ȳ */
	double mx = stats_mean(x, n), my = stats_mean(y, n);
	double sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	if (sxx == 0)
		return STATS_CONSTANT_X;
	if (syy == 0)
		return STATS_CONSTANT_Y;
	double v = sxy / (stats_sqrt(sxx) * stats_sqrt(syy));
	*r = v > 1 ? 1 : v < -1 ? -1 : v; /* rounding may step just outside */
	return STATS_OK;
}

enum stats_status stats_spearman(const double *x, const double *y, size_t n, double *r)
{
	if (n < 2)
		return STATS_TOO_FEW;
	double *rx = xcalloc(n, sizeof *rx), *ry = xcalloc(n, sizeof *ry);
	stats_average_ranks(x, n, rx);
	stats_average_ranks(y, n, ry);
	enum stats_status st = stats_pearson(rx, ry, n, r);
	free(rx);
	free(ry);
	return st;
}

static int compare_decimals(const void *pa, const void *pb)
{
	return decimal_cmp(*(const decimal *)pa, *(const decimal *)pb);
}

/* 4 × the q-th quartile (q = 1 or 3) of sorted values, exactly: with h = (n − 1)·q/4,
 * Q = s[⌊h⌋] + (h − ⌊h⌋)·(s[⌊h⌋+1] − s[⌊h⌋]), and 4(h − ⌊h⌋) is a whole number. */
static bool quartile_times_4(const decimal *s, size_t n, size_t q, decimal_units *out)
{
	size_t h4 = (n - 1) * q, k = h4 / 4, j = h4 % 4;
	decimal_units base, step = 0;
	if (__builtin_mul_overflow(s[k].units, (decimal_units)4, &base))
		return false;
	if (j && (__builtin_sub_overflow(s[k + 1].units, s[k].units, &step) ||
		  __builtin_mul_overflow(step, (decimal_units)j, &step)))
		return false;
	return !__builtin_add_overflow(base, step, out);
}

bool stats_quartile_members(const decimal *v, size_t n, bool *top, bool *bottom)
{
	if (n == 0)
		return true;
	decimal *s = xcalloc(n, sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, compare_decimals);
	decimal_units q1, q3;
	bool ok = quartile_times_4(s, n, 1, &q1) && quartile_times_4(s, n, 3, &q3);
	free(s);
	for (size_t i = 0; ok && i < n; i++) {
		decimal_units x4;
		if (__builtin_mul_overflow(v[i].units, (decimal_units)4, &x4))
			return false;
		top[i] = x4 >= q3;
		bottom[i] = x4 <= q1;
	}
	return ok;
}
