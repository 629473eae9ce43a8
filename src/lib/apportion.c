/* Largest-remainder apportionment with exact 128-bit arithmetic. */
#include "apportion.h"

#include "diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct share {
	decimal_units remainder; /* of total × weight ÷ (sum of weights × unit) */
	size_t index;
};

static int by_remainder(const void *pa, const void *pb)
{
	const struct share *a = pa, *b = pb;
	if (a->remainder != b->remainder)
		return a->remainder > b->remainder ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* a and b >= 0; in 64 bits when they fit (a 128-bit remainder is a library call). */
static decimal_units gcd_units(decimal_units a, decimal_units b)
{
	if (a <= INT64_MAX && b <= INT64_MAX) {
		uint64_t x = (uint64_t)a, y = (uint64_t)b;
		while (y) {
			uint64_t t = x % y;
			x = y;
			y = t;
		}
		return (decimal_units)x;
	}
	while (b) {
		decimal_units t = a % b;
		a = b;
		b = t;
	}
	return a;
}

bool apportion(decimal total, const decimal *weights, size_t n, decimal unit, decimal *parts)
{
	decimal_units sum = 0, den, given = 0;
	if (n == 0 || total.units < 0 || unit.units <= 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (weights[i].units < 0 || __builtin_add_overflow(sum, weights[i].units, &sum))
			return false;
	}
	if (sum == 0)
		return false;
	/* Only the weights' ratios matter: dividing them by their common divisor (10^9 for
	 * whole-number weights such as days) keeps the products far from overflowing. */
	decimal_units common = 0;
	for (size_t i = 0; i < n; i++)
		common = gcd_units(common, weights[i].units);
	sum /= common;
	if (__builtin_mul_overflow(sum, unit.units, &den))
		return false;
	/* a few parts (a deal's split credit, once per deal of a big export): on the stack,
	 * in 64 bits when the numbers fit, sorted by insertion; the same parts */
	enum { FEW = 8 };
	struct share few[FEW];
	struct share *order = n <= FEW ? few : xcalloc(n, sizeof *order);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		decimal_units exact; /* the share in units of unit, times den */
		if (__builtin_mul_overflow(total.units, weights[i].units / common, &exact)) {
			ok = false;
			break;
		}
		decimal_units whole, rest;
		if (exact <= INT64_MAX && den <= INT64_MAX) {
			whole = (decimal_units)((uint64_t)exact / (uint64_t)den);
			rest = (decimal_units)((uint64_t)exact % (uint64_t)den);
		} else {
			whole = exact / den;
			rest = exact % den;
		}
		parts[i].units = whole * unit.units;
		order[i] = (struct share){ rest, i };
		given += parts[i].units;
	}
	if (ok) {
		/* what is left is less than n units: one more unit to the largest remainders,
		 * then the odd rest (when total is not a multiple of unit) to the next one */
		decimal_units left = total.units - given;
		if (n <= FEW) {
			for (size_t k = 1; k < n; k++)
				for (size_t j = k; j > 0 && by_remainder(&order[j - 1], &order[j]) > 0; j--) {
					struct share t = order[j];
					order[j] = order[j - 1];
					order[j - 1] = t;
				}
		} else {
			qsort(order, n, sizeof *order, by_remainder);
		}
		for (size_t k = 0; k < n && left > 0; k++) {
			decimal_units add = left >= unit.units ? unit.units : left;
			parts[order[k].index].units += add;
			left -= add;
		}
	}
	if (order != few)
		free(order);
	return ok;
}

/* ---- controlled rounding of a table ---- */

/* The table being rounded: which cells have a remainder (can go up) and which went up. */
struct rounding {
	size_t rows, cols;
	const decimal_units *rem; /* remainder of each cell's share (0: the share is whole) */
	unsigned char *up;        /* the cell is its share rounded up */
	size_t *need, *placed;    /* per row: cells to round up, and rounded up so far */
	size_t *colsum, *cap;     /* per column: cells rounded up, and the most allowed now */
	size_t *level, *next;     /* augmenting paths: per row (0..rows-1) and column (rows..) */
	size_t *queue;
};

struct cell_order {
	decimal_units rem;
	size_t cell;
};

static int by_largest_remainder(const void *pa, const void *pb)
{
	const struct cell_order *a = pa, *b = pb;
	if (a->rem != b->rem)
		return a->rem > b->rem ? -1 : 1;
	return (a->cell > b->cell) - (a->cell < b->cell);
}

/* Rounds up the cells of largest remainder first (as apportion does along one row), each
 * while its row has units to place and its column is below its cap. */
static void greedy_fill(struct rounding *t, const struct cell_order *order, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		size_t cell = order[k].cell, i = cell / t->cols, j = cell % t->cols;
		if (!t->up[cell] && t->placed[i] < t->need[i] && t->colsum[j] < t->cap[j]) {
			t->up[cell] = 1;
			t->placed[i]++;
			t->colsum[j]++;
		}
	}
}

/* Augmenting paths go from a row with units left, through cells that may go up (row to
 * column) and cells that went up (column to row: taken back), to a column below its cap;
 * each moves one unit. They are found in phases (Dinic): a breadth-first search labels
 * rows and columns by their distance from the rows with units left, then depth-first
 * searches along those labels, each edge tried once per phase (current-arc pointers), find
 * as many shortest paths as there are. A phase costs time in proportion to the cells. */
static bool label(struct rounding *t)
{
	size_t head = 0, tail = 0, nodes = t->rows + t->cols;
	bool found = false;
	for (size_t v = 0; v < nodes; v++) {
		t->level[v] = SIZE_MAX;
		t->next[v] = 0;
	}
	for (size_t i = 0; i < t->rows; i++) {
		if (t->placed[i] < t->need[i]) {
			t->level[i] = 0;
			t->queue[tail++] = i;
		}
	}
	while (head < tail) {
		size_t v = t->queue[head++];
		if (v < t->rows) {
			for (size_t j = 0; j < t->cols; j++) {
				size_t cell = v * t->cols + j;
				if (t->rem[cell] == 0 || t->up[cell] || t->level[t->rows + j] != SIZE_MAX)
					continue;
				t->level[t->rows + j] = t->level[v] + 1;
				if (t->colsum[j] < t->cap[j])
					found = true; /* a path ends here; its column is not searched on */
				else
					t->queue[tail++] = t->rows + j;
			}
		} else {
			size_t j = v - t->rows;
			for (size_t i = 0; i < t->rows; i++) {
				if (t->up[i * t->cols + j] && t->level[i] == SIZE_MAX) {
					t->level[i] = t->level[v] + 1;
					t->queue[tail++] = i;
				}
			}
		}
	}
	return found;
}

/* The next node along the labels from v (current arc), or SIZE_MAX when v is spent. */
static size_t next_node(struct rounding *t, size_t v)
{
	if (v < t->rows) {
		for (; t->next[v] < t->cols; t->next[v]++) {
			size_t j = t->next[v], cell = v * t->cols + j;
			if (t->rem[cell] > 0 && !t->up[cell] && t->level[t->rows + j] == t->level[v] + 1)
				return t->rows + j;
		}
	} else {
		size_t j = v - t->rows;
		for (; t->next[v] < t->rows; t->next[v]++) {
			size_t i = t->next[v];
			if (t->up[i * t->cols + j] && t->level[i] == t->level[v] + 1)
				return i;
		}
	}
	return SIZE_MAX;
}

/* One phase: every shortest path it can find, until the columns hold `goal` units. */
static void blocking_paths(struct rounding *t, size_t *total, size_t goal)
{
	for (size_t source = 0; source < t->rows && *total < goal; source++) {
		while (t->level[source] == 0 && t->placed[source] < t->need[source] && *total < goal) {
			size_t depth = 0;
			t->queue[depth++] = source; /* the path so far */
			bool done = false;
			while (depth > 0 && !done) {
				size_t v = t->queue[depth - 1];
				if (v >= t->rows && t->colsum[v - t->rows] < t->cap[v - t->rows]) {
					done = true;
					break;
				}
				size_t w = next_node(t, v);
				if (w == SIZE_MAX) {
					t->level[v] = SIZE_MAX - 1; /* a dead end for the rest of the phase */
					depth--;
				} else {
					t->queue[depth++] = w;
				}
			}
			if (!done) {
				t->level[source] = SIZE_MAX - 1;
				break;
			}
			/* rows and columns alternate along the path: row → column rounds a cell up,
			 * column → row takes one back */
			for (size_t k = 0; k + 1 < depth; k++) {
				size_t v = t->queue[k], w = t->queue[k + 1];
				if (v < t->rows)
					t->up[v * t->cols + (w - t->rows)] = 1;
				else
					t->up[w * t->cols + (v - t->rows)] = 0;
			}
			t->placed[source]++;
			t->colsum[t->queue[depth - 1] - t->rows]++;
			(*total)++;
		}
	}
}

/* Greedy, then phases of augmenting paths, until the columns hold `goal` units in all
 * (true) or no path is left (false). */
static bool fill(struct rounding *t, const struct cell_order *order, size_t n, size_t goal)
{
	size_t total = 0;
	greedy_fill(t, order, n);
	for (size_t j = 0; j < t->cols; j++)
		total += t->colsum[j];
	/* a phase finds a path whenever the labels reach a column below its cap; the check
	 * of progress only guards against looping should that ever fail */
	for (size_t before = SIZE_MAX; total < goal && total != before && label(t);) {
		before = total;
		blocking_paths(t, &total, goal);
	}
	return total == goal;
}

bool round_table(size_t rows, size_t cols, const decimal_units *num, decimal_units den, const decimal_units *want,
		 decimal_units *cells)
{
	size_t ncells;
	if (rows == 0 || cols == 0 || den <= 0 || __builtin_mul_overflow(rows, cols, &ncells))
		return false;
	for (size_t k = 0; k < ncells; k++)
		if (num[k] < 0)
			return false;
	decimal_units *rem = xcalloc(ncells, sizeof *rem);
	struct rounding t = {
		.rows = rows,
		.cols = cols,
		.rem = rem,
		.up = xcalloc(ncells, 1),
		.need = xcalloc(rows, sizeof(size_t)),
		.placed = xcalloc(rows, sizeof(size_t)),
		.colsum = xcalloc(cols, sizeof(size_t)),
		.cap = xcalloc(cols, sizeof(size_t)),
		.level = xcalloc(rows + cols, sizeof(size_t)),
		.next = xcalloc(rows + cols, sizeof(size_t)),
		.queue = xcalloc(rows + cols, sizeof(size_t)),
	};
	size_t *lo = xcalloc(cols, sizeof *lo), *hi = xcalloc(cols, sizeof *hi), *prefer = xcalloc(cols, sizeof *prefer);
	struct cell_order *order = xcalloc(ncells, sizeof *order);
	size_t norder = 0;
	bool ok = true;
	size_t need = 0, low = 0;
	for (size_t k = 0; k < ncells; k++) {
		cells[k] = num[k] / den;
		rem[k] = num[k] % den;
		if (rem[k] > 0)
			order[norder++] = (struct cell_order){ rem[k], k };
	}
	qsort(order, norder, sizeof *order, by_largest_remainder);
	/* each row rounds up as many cells as its remainders make whole units */
	for (size_t i = 0; i < rows && ok; i++) {
		decimal_units sum = 0;
		for (size_t j = 0; j < cols && ok; j++)
			ok = !__builtin_add_overflow(sum, rem[i * cols + j], &sum);
		ok = ok && sum % den == 0;
		t.need[i] = ok ? (size_t)(sum / den) : 0;
		need += t.need[i];
	}
	/* each column rounds up its remainders' sum rounded down or up: to want if it can */
	for (size_t j = 0; j < cols && ok; j++) {
		decimal_units sum = 0, floors = 0;
		for (size_t i = 0; i < rows && ok; i++)
			ok = !__builtin_add_overflow(sum, rem[i * cols + j], &sum) &&
			     !__builtin_add_overflow(floors, cells[i * cols + j], &floors);
		lo[j] = (size_t)(sum / den);
		hi[j] = lo[j] + (sum % den != 0);
		decimal_units up; /* how many cells want[j] rounds up */
		prefer[j] = lo[j];
		if (want && !__builtin_sub_overflow(want[j], floors, &up) && up >= (decimal_units)lo[j] &&
		    up <= (decimal_units)hi[j])
			prefer[j] = (size_t)up;
		low += lo[j];
	}
	if (ok) {
		/* every column to its lower bound first: placing a unit never takes one from a
		 * column, so the bounds hold from then on; then to want; then what is left */
		memcpy(t.cap, lo, cols * sizeof *lo);
		ok = fill(&t, order, norder, low);
		memcpy(t.cap, prefer, cols * sizeof *prefer);
		(void)(ok && fill(&t, order, norder, need));
		memcpy(t.cap, hi, cols * sizeof *hi);
		ok = ok && fill(&t, order, norder, need);
	}
	for (size_t k = 0; k < ncells && ok; k++)
		cells[k] += t.up[k];
	free(order);
	free(prefer);
	free(hi);
	free(lo);
	free(t.queue);
	free(t.next);
	free(t.level);
	free(t.cap);
	free(t.colsum);
	free(t.placed);
	free(t.need);
	free(t.up);
	free(rem);
	return ok;
}

bool apportion_table(size_t rows, size_t cols, const decimal *totals, const decimal *weights, decimal unit,
		     const decimal *want, decimal *parts, decimal *column_sums)
{
	size_t ncells;
	if (rows == 0 || cols == 0 || unit.units <= 0 || __builtin_mul_overflow(rows, cols, &ncells))
		return false;
	/* a common denominator of the rows' weights (each reduced by its common divisor) */
	decimal_units den = 1;
	decimal_units *common = xcalloc(rows, sizeof *common), *wsum = xcalloc(rows, sizeof *wsum);
	decimal_units *num = xcalloc(ncells, sizeof *num), *cells = xcalloc(ncells, sizeof *cells);
	decimal_units *wanted = want ? xcalloc(cols, sizeof *wanted) : NULL;
	bool ok = true;
	for (size_t i = 0; i < rows && ok; i++) {
		const decimal *w = weights + i * cols;
		ok = totals[i].units >= 0 && totals[i].units % unit.units == 0;
		for (size_t j = 0; j < cols && ok; j++) {
			ok = w[j].units >= 0 && !__builtin_add_overflow(wsum[i], w[j].units, &wsum[i]);
			common[i] = gcd_units(common[i], w[j].units);
		}
		ok = ok && wsum[i] > 0;
		if (ok) {
			decimal_units reduced = wsum[i] / common[i], g = gcd_units(den, reduced);
			ok = !__builtin_mul_overflow(den / g, reduced, &den);
		}
	}
	for (size_t i = 0; i < rows && ok; i++) {
		decimal_units scale, whole = totals[i].units / unit.units;
		ok = !__builtin_mul_overflow(whole, den / (wsum[i] / common[i]), &scale);
		for (size_t j = 0; j < cols && ok; j++)
			ok = !__builtin_mul_overflow(scale, weights[i * cols + j].units / common[i], &num[i * cols + j]);
	}
	for (size_t j = 0; want && j < cols; j++)
		wanted[j] = want[j].units % unit.units == 0 ? want[j].units / unit.units : -1;
	ok = ok && round_table(rows, cols, num, den, wanted, cells);
	for (size_t k = 0; k < ncells && ok; k++)
		ok = !__builtin_mul_overflow(cells[k], unit.units, &parts[k].units);
	for (size_t j = 0; column_sums && j < cols && ok; j++) {
		column_sums[j] = decimal_zero();
		for (size_t i = 0; i < rows && ok; i++)
			ok = decimal_add(column_sums[j], parts[i * cols + j], &column_sums[j]);
	}
	free(wanted);
	free(cells);
	free(num);
	free(wsum);
	free(common);
	return ok;
}
