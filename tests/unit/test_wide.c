/* Unit tests for src/lib/wide.c: the arithmetic past 128 bits that decimal_mul, decimal_div
 * and spm-score's payout lines fall back on. Checked against 128-bit arithmetic where both
 * apply, and against identities ((a × b + r) ÷ b) where only wide applies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wide.h"

__extension__ typedef unsigned __int128 u128;

static wide_int of(decimal_units v)
{
	wide_int w;
	wide_from_units(v, &w);
	return w;
}

/* 10^n as a wide integer */
static wide_int ten_to(int n)
{
	wide_int w = of(1);
	assert_true(wide_mul_pow10(&w, n, &w));
	return w;
}

static void assert_digits(const wide_int *w, const char *expected)
{
	char buf[WIDE_DIGITS];
	size_t n = wide_digits(w, buf);
	assert_string_equal(buf, expected);
	assert_int_equal(n, strlen(expected));
}

static uint64_t seed = 88172645463325252u;

static uint64_t next(void) /* xorshift64: the same numbers every run */
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* a random wide integer of 1 to limbs limbs, either sign */
static wide_int random_wide(int limbs)
{
	wide_int w;
	memset(&w, 0, sizeof w);
	int n = 1 + (int)(next() % (uint64_t)limbs);
	for (int i = 0; i < n; i++)
		w.limb[i] = next() >> (next() % 64);
	w.negative = (next() & 1) && wide_sign(&w) != 0;
	return w;
}

static void test_units_round_trip(void **state)
{
	(void)state;
	const decimal_units max = (decimal_units)(((u128)1 << 127) - 1);
	const decimal_units values[] = { 0, 1, -1, 123456789, -987654321012345678, max, -max };
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		decimal_units back = 7;
		wide_int w = of(values[i]);
		assert_true(wide_to_units(&w, &back));
		assert_true(back == values[i]);
		assert_int_equal(wide_sign(&w), (values[i] > 0) - (values[i] < 0));
	}
	/* 2^127 and more are not int128 values (nor is the int128 minimum a result) */
	wide_int w = of(max), one = of(1);
	decimal_units back;
	assert_true(wide_add(&w, &one, &w));
	assert_false(wide_to_units(&w, &back));
	w = ten_to(39);
	assert_false(wide_to_units(&w, &back));
}

static void test_add_sub_signs(void **state)
{
	(void)state;
	wide_int a = of(5), b = of(-7), r;
	decimal_units v;
	assert_true(wide_add(&a, &b, &r));
	assert_true(wide_to_units(&r, &v) && v == -2);
	assert_true(wide_sub(&a, &b, &r));
	assert_true(wide_to_units(&r, &v) && v == 12);
	assert_true(wide_sub(&b, &b, &r));
	assert_int_equal(wide_sign(&r), 0);
	assert_false(r.negative); /* no negative zero */
	/* a carry across every limb */
	wide_int big = ten_to(150), small = of(-1), sum;
	assert_true(wide_add(&big, &small, &sum));
	assert_digits(&sum, "999999999999999999999999999999999999999999999999999999999999999999999999999"
			    "999999999999999999999999999999999999999999999999999999999999999999999999999");
	assert_true(wide_sub(&sum, &small, &sum));
	assert_int_equal(wide_cmp(&sum, &big), 0);
	/* past 640 bits */
	wide_int top;
	memset(&top, 0xff, sizeof top.limb);
	top.negative = false;
	wide_int one = of(1), minus = of(-1);
	assert_false(wide_add(&top, &one, &r));
	top.negative = true;
	assert_false(wide_sub(&top, &one, &r));
	assert_true(wide_add(&top, &one, &r));
	assert_false(wide_add(&top, &minus, &r));
}

static void test_mul(void **state)
{
	(void)state;
	/* four figures of 38 digits: a payout curve's largest product */
	wide_int a = ten_to(38), r = a;
	for (int i = 0; i < 3; i++)
		assert_true(wide_mul(&r, &a, &r));
	assert_int_equal(wide_cmp(&r, &(wide_int){ 0 }), 1);
	wide_int expect = ten_to(152);
	assert_int_equal(wide_cmp(&r, &expect), 0);
	/* signs */
	wide_int m = of(-3), n = of(7), p;
	decimal_units v;
	assert_true(wide_mul(&m, &n, &p) && wide_to_units(&p, &v) && v == -21);
	assert_true(wide_mul(&m, &m, &p) && wide_to_units(&p, &v) && v == 9);
	wide_int z = of(0);
	assert_true(wide_mul(&m, &z, &p));
	assert_false(p.negative);
	/* 2^320 × 2^319 fits 640 bits; 2^320 × 2^320 does not */
	wide_int h, g;
	memset(&h, 0, sizeof h);
	memset(&g, 0, sizeof g);
	h.limb[5] = 1;
	g.limb[4] = (uint64_t)1 << 63;
	assert_true(wide_mul(&h, &g, &p));
	assert_true(p.limb[9] == (uint64_t)1 << 63);
	assert_false(wide_mul(&h, &h, &p));
	/* against 128 bits */
	for (int i = 0; i < 2000; i++) {
		int64_t x = (int64_t)next(), y = (int64_t)next();
		wide_int wx = of(x), wy = of(y), wp;
		assert_true(wide_mul(&wx, &wy, &wp));
		assert_true(wide_to_units(&wp, &v));
		assert_true(v == (decimal_units)x * y);
	}
}

static void test_mul_pow10(void **state)
{
	(void)state;
	wide_int w = ten_to(192), r;
	char expect[WIDE_DIGITS];
	memset(expect, '0', sizeof expect);
	expect[0] = '1';
	expect[193] = '\0';
	assert_digits(&w, expect);
	wide_int one = of(1);
	assert_false(wide_mul_pow10(&one, 193, &r)); /* 2^640 < 10^193 */
	wide_int minus = of(-25);
	assert_true(wide_mul_pow10(&minus, 20, &r));
	assert_true(r.negative);
	assert_digits(&r, "2500000000000000000000");
}

static void test_divide_against_128_bits(void **state)
{
	(void)state;
	for (int i = 0; i < 5000; i++) {
		decimal_units n = (decimal_units)(((u128)next() << 64 | next()) >> (next() % 120 + 2));
		decimal_units d = (decimal_units)(((u128)next() << 64 | next()) >> (next() % 126 + 2));
		if (d == 0)
			d = 3;
		if (next() & 1)
			n = -n;
		if (next() & 1)
			d = -d;
		wide_int wn = of(n), wd = of(d), q, r;
		decimal_units vq = 0, vr = 0;
		wide_divide(&wn, &wd, &q, &r);
		assert_true(wide_to_units(&q, &vq) && wide_to_units(&r, &vr));
		assert_true(vq == n / d);
		assert_true(vr == n % d);
	}
}

static void test_divide_identity(void **state)
{
	(void)state;
	/* (b × k + r) ÷ b = k, remainder r, for divisors of 1 to 5 limbs (one limb divides in
	 * one pass, more bit by bit) */
	for (int i = 0; i < 3000; i++) {
		wide_int b = random_wide(5), k = random_wide(5), r = random_wide(5), n, q, rem;
		b.negative = k.negative = r.negative = false;
		if (wide_sign(&b) == 0)
			b = of(7);
		wide_divide(&r, &b, &q, &r); /* r mod b, below b */
		assert_true(wide_mul(&b, &k, &n));
		assert_true(wide_add(&n, &r, &n));
		wide_divide(&n, &b, &q, &rem);
		assert_int_equal(wide_cmp(&q, &k), 0);
		assert_int_equal(wide_cmp(&rem, &r), 0);
	}
	/* a divisor of all ten limbs, where the remainder's shift carries out of the top */
	wide_int d, n, q, r;
	memset(&d, 0, sizeof d);
	d.limb[9] = (uint64_t)1 << 63;
	d.limb[0] = 1;
	memset(&n, 0xff, sizeof n.limb);
	n.negative = false;
	wide_divide(&n, &d, &q, &r);
	decimal_units v;
	assert_true(wide_to_units(&q, &v) && v == 1);
	wide_int back;
	assert_true(wide_add(&d, &r, &back));
	assert_int_equal(wide_cmp(&back, &n), 0);
}

static void test_divide_rounded(void **state)
{
	(void)state;
	/* the rule of decimal_round: halves away from zero, or to the even neighbour */
	const struct {
		decimal_units n, d, away, even;
	} cases[] = {
		{ 5, 2, 3, 2 }, { -5, 2, -3, -2 }, { 7, 2, 4, 4 }, { 5, -2, -3, -2 },
		{ 7, 3, 2, 2 }, { 8, 3, 3, 3 }, { -8, 3, -3, -3 }, { 6, 3, 2, 2 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wide_int n = of(cases[i].n), d = of(cases[i].d), q;
		decimal_units v;
		wide_divide_rounded(&n, &d, ROUND_HALF_AWAY, &q);
		assert_true(wide_to_units(&q, &v) && v == cases[i].away);
		wide_divide_rounded(&n, &d, ROUND_HALF_EVEN, &q);
		assert_true(wide_to_units(&q, &v) && v == cases[i].even);
	}
	/* a half of a multi-limb divisor: 10^100 × 4 + 10^100 / 2 over 10^100 */
	wide_int d = ten_to(100), half = ten_to(99), n, q;
	wide_int five = of(5), four = of(4);
	decimal_units v;
	assert_true(wide_mul(&half, &five, &half));
	assert_true(wide_mul(&d, &four, &n) && wide_add(&n, &half, &n));
	wide_divide_rounded(&n, &d, ROUND_HALF_AWAY, &q);
	assert_true(wide_to_units(&q, &v) && v == 5);
	wide_divide_rounded(&n, &d, ROUND_HALF_EVEN, &q);
	assert_true(wide_to_units(&q, &v) && v == 4);
	n.negative = true;
	wide_divide_rounded(&n, &d, ROUND_HALF_AWAY, &q);
	assert_true(wide_to_units(&q, &v) && v == -5);
}

static void test_div10_and_digits(void **state)
{
	(void)state;
	wide_int w = of(1230);
	decimal_units v;
	assert_true(wide_div10_exact(&w));
	assert_true(wide_to_units(&w, &v) && v == 123);
	assert_false(wide_div10_exact(&w));
	assert_true(wide_to_units(&w, &v) && v == 123);
	wide_int z = of(0);
	assert_digits(&z, "0");
	wide_int c = ten_to(19); /* a whole chunk of 19 digits */
	assert_digits(&c, "10000000000000000000");
	wide_int m = of(-1234567890123456789);
	assert_digits(&m, "1234567890123456789"); /* the magnitude */
	wide_int top;
	memset(&top, 0xff, sizeof top.limb);
	top.negative = false;
	char buf[WIDE_DIGITS];
	assert_int_equal(wide_digits(&top, buf), 193);
	assert_memory_equal(buf, "4562440617622195218641171605700291324893", 40); /* 2^640 - 1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_round_trip),
		cmocka_unit_test(test_add_sub_signs),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_mul_pow10),
		cmocka_unit_test(test_divide_against_128_bits),
		cmocka_unit_test(test_divide_identity),
		cmocka_unit_test(test_divide_rounded),
		cmocka_unit_test(test_div10_and_digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
