/* Descriptive statistics for finding what drives results: means, standard deviations,
 * Pearson and Spearman correlations (average ranks for ties), and which values lie in the
 * top and bottom quartiles. Correlations and deviations are binary floating point: they
 * describe, they are never summed into a score or a payout. Quartile membership is decided
 * exactly on decimals, so who counts as a top performer never depends on rounding. */
#ifndef SPM_STATS_H
#define SPM_STATS_H

#include "decimal.h"

#include <stdbool.h>
#include <stddef.h>

/* Arithmetic mean; 0 for n == 0. */
double stats_mean(const double *x, size_t n);
/* Population standard deviation (divided by n, as for z-scores of a whole group); 0 when
 * n < 2 or when every value is the same. */
double stats_stddev(const double *x, size_t n);
/* Square root of x >= 0 (0 for anything else), within one unit in the last place. The core
 * library is linked without libm (spm-track, the unit tests), hence its own. */
double stats_sqrt(double x);

/* rank[i]: the 1-based rank of x[i] in ascending order, tied values sharing the mean of
 * the ranks they span (10, 20, 20, 30 → 1, 2.5, 2.5, 4). */
void stats_average_ranks(const double *x, size_t n, double *rank);

enum stats_status {
	STATS_OK,
	STATS_TOO_FEW,    /* fewer than 2 pairs */
	STATS_CONSTANT_X, /* every x is the same: no variance, no correlation */
	STATS_CONSTANT_Y,
};

/* Pearson's r of n pairs, in [-1, 1]; *r is left alone unless STATS_OK. */
enum stats_status stats_pearson(const double *x, const double *y, size_t n, double *r);
/* Spearman's rho: Pearson's r of the average ranks. */
enum stats_status stats_spearman(const double *x, const double *y, size_t n, double *r);

/* Marks the values at or above the third quartile (top) and at or below the first
 * (bottom), the quartiles interpolated between order statistics as in R's default
 * quantile (type 7) and Python's statistics.quantiles(method='inclusive'). Tied values
 * fall on the same side. n >= 1; false when the values are too large for exact arithmetic. */
bool stats_quartile_members(const decimal *v, size_t n, bool *top, bool *bottom);

#endif
