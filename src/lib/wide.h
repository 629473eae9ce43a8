/* Wide integers: the rare arithmetic past 128 bits, once for every program. A decimal's
 * product or quotient whose steps outgrow 128 bits (decimal_mul, decimal_div) and a
 * payout line's exact products (spm-score: four figures of 38 digits multiplied, about
 * 2^507) are carried here; ordinary figures never come here. Sign and magnitude,
 * WIDE_LIMBS 64-bit limbs, least significant first; overflow is reported, never wrapped. */
#ifndef SPM_WIDE_H
#define SPM_WIDE_H

#include "decimal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIDE_LIMBS 10 /* 640 bits: a payout line's largest product with 130 bits to spare */
#define WIDE_DIGITS 194 /* decimal digits of the largest magnitude (2^640 < 10^193), and a NUL */

typedef struct {
	uint64_t limb[WIDE_LIMBS];
	bool negative; /* never set on zero */
} wide_int;

void wide_from_units(decimal_units v, wide_int *out);
/* False when a is outside (-2^127, 2^127): the int128 minimum is never a result. */
bool wide_to_units(const wide_int *a, decimal_units *out);
int wide_sign(const wide_int *a);
int wide_cmp(const wide_int *a, const wide_int *b);

/* Checked: false on overflow past WIDE_LIMBS limbs. out may be a or b. */
bool wide_add(const wide_int *a, const wide_int *b, wide_int *out);
bool wide_sub(const wide_int *a, const wide_int *b, wide_int *out);
bool wide_mul(const wide_int *a, const wide_int *b, wide_int *out);
/* a × 10^n, n >= 0. */
bool wide_mul_pow10(const wide_int *a, int n, wide_int *out);

/* n ÷ d (d != 0) cut towards zero; *r (may be NULL) has the sign of n. */
void wide_divide(const wide_int *n, const wide_int *d, wide_int *q, wide_int *r);
/* n ÷ d (d != 0) rounded to an integer by mode: the rule of decimal_round. */
void wide_divide_rounded(const wide_int *n, const wide_int *d, enum decimal_rounding mode, wide_int *q);
/* a ÷ 10 when a is a multiple of 10 (true), else a unchanged (false). */
bool wide_div10_exact(wide_int *a);

/* The digits of |a|, most significant first, NUL-terminated; returns their count. */
size_t wide_digits(const wide_int *a, char buf[WIDE_DIGITS]);

#endif
