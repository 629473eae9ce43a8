/* Largest-remainder apportionment with exact 128-bit arithmetic. */
#include "apportion.h"

#include "diag.h"

#include <stdlib.h>

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

static decimal_units gcd_units(decimal_units a, decimal_units b)
{
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
	struct share *order = xcalloc(n, sizeof *order);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		decimal_units exact; /* the share in units of unit, times den */
		if (__builtin_mul_overflow(total.units, weights[i].units / common, &exact)) {
			ok = false;
			break;
		}
		parts[i].units = exact / den * unit.units;
		order[i] = (struct share){ exact % den, i };
		given += parts[i].units;
	}
	if (ok) {
		/* what is left is less than n units: one more unit to the largest remainders,
		 * then the odd rest (when total is not a multiple of unit) to the next one */
		decimal_units left = total.units - given;
		qsort(order, n, sizeof *order, by_remainder);
		for (size_t k = 0; k < n && left > 0; k++) {
			decimal_units add = left >= unit.units ? unit.units : left;
			parts[order[k].index].units += add;
			left -= add;
		}
	}
	free(order);
	return ok;
}
