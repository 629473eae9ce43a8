/* Exact apportionment: a total split in proportion to weights into parts that are whole
 * multiples of a rounding unit and add up exactly to the total (largest remainder). */
#ifndef SPM_APPORTION_H
#define SPM_APPORTION_H

#include "decimal.h"

#include <stdbool.h>
#include <stddef.h>

/* Splits total (>= 0) into n parts in proportion to weights (>= 0, not all 0). Each part
 * is a multiple of unit (> 0) and within one unit of its exact share; they add up to
 * total exactly. When total is not itself a multiple of unit, the odd remainder goes to
 * one part, which is then not a multiple. Remaining units go to the largest remainders,
 * ties to the earlier part. Returns false on bad arguments or when the numbers are too
 * large for exact arithmetic. */
bool apportion(decimal total, const decimal *weights, size_t n, decimal unit, decimal *parts);

/* Controlled rounding of a table (Bacharach 1966, Cox 1987). The exact share of cell
 * (i, j), in units, is num[i × cols + j] ÷ den (num >= 0, den > 0), and each row's shares
 * add up to a whole number of units. Sets cells[i × cols + j] to its share rounded down or
 * up, so that each row adds up to its exact sum and each column to its exact sum rounded
 * down or up: to want[j] when some rounding has those column sums (want NULL, or a want
 * out of that range: any). Such a rounding always exists. It is found by a greedy pass
 * (each column to the rows with the most units still to place) and augmenting paths
 * (breadth-first searches over the table) for the few units the greedy pass cannot place.
 * Returns false on bad arguments or when a column's remainders overflow. */
bool round_table(size_t rows, size_t cols, const decimal_units *num, decimal_units den, const decimal_units *want,
		 decimal_units *cells);

/* Apportions each of rows totals (>= 0, multiples of unit) over cols parts by its own
 * weights (row i: weights[i × cols ...], >= 0, not all 0), as apportion does, but rounds
 * the whole table at once (round_table): the parts of each row add up to its total, the
 * parts of each column to its exact sum rounded down or up to a multiple of unit, to
 * want[j] when possible (want NULL: any), and no part is a unit or more from its exact
 * share. column_sums (NULL: not wanted) gets the sum of each column. Returns false on bad
 * arguments (a total that is not a multiple of unit) or numbers too large for exact
 * arithmetic; the caller may then apportion each row alone. */
bool apportion_table(size_t rows, size_t cols, const decimal *totals, const decimal *weights, decimal unit,
		     const decimal *want, decimal *parts, decimal *column_sums);

#endif
