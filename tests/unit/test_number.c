/* Unit tests for src/lib/number.c's machine forms and decimal_div's 64-bit path: the fast
 * integer digit writers must give exactly decimal_format's digits and rounding (half away
 * from zero), at 0, negatives, every places, and at the edges where the slow path takes over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decimal.h"
#include "number.h"

static decimal units(decimal_units u)
{
	decimal d = { u };
	return d;
}

static void assert_fixed(decimal d, int places, const char *expected)
{
	char buf[NUMBER_BUFSIZE];
	memset(buf, 'x', sizeof buf);
	size_t n = number_fixed(d, places, buf);
	assert_string_equal(buf, expected);
	assert_int_equal(n, strlen(expected));
}

/* number_fixed agrees with decimal_format (the 128-bit reference) on d at every places. */
static void assert_same_as_format(decimal d)
{
	for (int places = 0; places <= DECIMAL_PLACES; places++) {
		char want[DECIMAL_BUFSIZE], got[NUMBER_BUFSIZE];
		decimal_format(d, places, want, sizeof want);
		number_fixed(d, places, got);
		assert_string_equal(got, want);
	}
}

static void test_fixed_basics(void **state)
{
	(void)state;
	assert_fixed(decimal_zero(), 0, "0");
	assert_fixed(decimal_zero(), 4, "0.0000");
	assert_fixed(units(1234567890), 2, "1.23");
	assert_fixed(units(1235000000), 2, "1.24");   /* half away from zero */
	assert_fixed(units(-1235000000), 2, "-1.24");
	assert_fixed(units(-4999999), 2, "0.00");     /* rounds to zero: no "-0.00" */
	assert_fixed(units(-5000000), 2, "-0.01");
	assert_fixed(units(999999999), 0, "1");
	assert_fixed(units(9999500000), 3, "10.000");
	assert_fixed(units(1), 9, "0.000000001");
	assert_fixed(units(-1), 9, "-0.000000001");
	assert_fixed(units(123456789012), 4, "123.4568");
}

static void test_fixed_matches_format(void **state)
{
	(void)state;
	const decimal_units edge = INT64_MAX / 2; /* the fast path's bound */
	const decimal_units samples[] = {
		0, 1, -1, 5, 9, 10, 99, 100, 499999999, 500000000, 999999999, 1000000000, 1999999999,
		123456789, -123456789, 10000000000000, -99999999999999, edge - 1, edge, edge + 1, -edge,
		-edge - 1, (decimal_units)INT64_MAX, (decimal_units)INT64_MIN,
		(decimal_units)INT64_MAX * 1000, -(decimal_units)INT64_MAX * 1000,
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		assert_same_as_format(units(samples[i]));
	uint64_t x = 88172645463325252u; /* xorshift: many digit lengths and remainders */
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> (x % 60));
		assert_same_as_format(units(i % 2 ? v : -v));
	}
}

/* number_at_least: decimal_format's exact digits, padded with zeros to places. */
static void assert_at_least_matches(decimal d)
{
	char exact[DECIMAL_BUFSIZE];
	decimal_format(d, -1, exact, sizeof exact);
	const char *dot = strchr(exact, '.');
	int have = dot ? (int)strlen(dot + 1) : 0;
	for (int places = 0; places <= DECIMAL_PLACES; places++) {
		char want[DECIMAL_BUFSIZE + 16], got[NUMBER_BUFSIZE];
		snprintf(want, sizeof want, "%s%s%.*s", exact, !dot && places > 0 ? "." : "",
			 places > have ? places - have : 0, "000000000");
		assert_int_equal(number_at_least(d, places, got), strlen(want));
		assert_string_equal(got, want);
	}
}

static void test_at_least(void **state)
{
	(void)state;
	const decimal_units samples[] = {
		0, 1, -1, 10, 100000000, -100000000, 1000000000, -1000000000, 123456789012, 2500000000,
		-2500000000, (decimal_units)INT64_MAX, -(decimal_units)INT64_MAX, (decimal_units)INT64_MIN,
		(decimal_units)INT64_MAX + 1, (decimal_units)INT64_MAX * 1000 + 7,
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		assert_at_least_matches(units(samples[i]));
	uint64_t x = 0x2545f4914f6cdd1du;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> (x % 64));
		if (i % 4 == 0) /* money and counts: trailing zeros in the billionths */
			v = v / 10000000 * 10000000;
		assert_at_least_matches(units(i % 2 ? v : -v));
	}
}

static void test_count(void **state)
{
	(void)state;
	const uint64_t samples[] = { 0, 1, 9, 10, 99, 100, 9999, 10000, 12345678, UINT64_MAX };
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char want[32], got[NUMBER_BUFSIZE];
		snprintf(want, sizeof want, "%ju", (uintmax_t)samples[i]);
		assert_int_equal(number_count(samples[i], got), strlen(want));
		assert_string_equal(got, want);
	}
}

static void test_money_and_exact(void **state)
{
	(void)state;
	char buf[NUMBER_BUFSIZE];
	number_money(units(100122800000000), buf);
	assert_string_equal(buf, "100122.80");
	number_money(units(60471195000000), buf);
	assert_string_equal(buf, "60471.195");
	number_money(units(-1), buf);
	assert_string_equal(buf, "-0.000000001");
	number_exact(units(42000000000), buf);
	assert_string_equal(buf, "42");
	number_exact(units(-2500000000), buf);
	assert_string_equal(buf, "-2.5");
	number_exact(decimal_zero(), buf);
	assert_string_equal(buf, "0");
	assert_int_equal(number_money(decimal_zero(), buf), 4);
	assert_string_equal(buf, "0.00");
}

/* round(n × 10^places / d) half away from zero (or to even), by the 128-bit definition. */
static decimal_units reference_div(decimal_units n, decimal_units d, int places, enum decimal_rounding mode)
{
	decimal_units scaled = n, p = 1;
	for (int i = 0; i < places; i++)
		p *= 10;
	scaled *= p;
	decimal_units q = scaled / d, r = scaled % d;
	decimal_units ar = r < 0 ? -r : r, ad = d < 0 ? -d : d;
	if (2 * ar > ad || (r && 2 * ar == ad && (mode == ROUND_HALF_AWAY || q % 2 != 0)))
		q += (scaled < 0) != (d < 0) ? -1 : 1;
	for (int i = places; i < DECIMAL_PLACES; i++)
		q *= 10;
	return q;
}

static void test_div_fast_path(void **state)
{
	(void)state;
	uint64_t x = 2463534242u;
	for (int i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int places = (int)(x % (DECIMAL_PLACES + 1));
		enum decimal_rounding mode = x & 1024 ? ROUND_HALF_EVEN : ROUND_HALF_AWAY;
		int64_t a = (int64_t)(x >> (x % 64)), b = (int64_t)((x * 0x9e3779b97f4a7c15u) >> (x % 61 + 3));
		if (i % 3 == 0) /* small whole numbers: win rates, cycle days, halves exactly */
			a = (int64_t)(x % 2001) * 1000000000 / 2, b = (int64_t)(x % 17 + 1) * 1000000000;
		if (i % 2)
			a = -a;
		if (i % 5 == 0)
			b = -b;
		if (b == 0)
			continue;
		decimal q;
		assert_true(decimal_div(units(a), units(b), places, mode, &q));
		decimal_units want = reference_div(a, b, places, mode);
		assert_true(q.units == want);
	}
	decimal q; /* a numerator too large for 64 bits once scaled takes the 128-bit path */
	assert_true(decimal_div(units(INT64_MAX), units(3), 4, ROUND_HALF_AWAY, &q));
	assert_true(q.units == reference_div(INT64_MAX, 3, 4, ROUND_HALF_AWAY));
	assert_true(decimal_div(units(INT64_MAX / 10000), units(-7), 4, ROUND_HALF_EVEN, &q));
	assert_true(q.units == reference_div(INT64_MAX / 10000, -7, 4, ROUND_HALF_EVEN));
}

/* number_grouped_digits, the form of digits past 128 bits, writes what number_grouped_exact
 * writes for the digits of a 128-bit value, whatever the scale and the places. */
static void test_grouped_digits(void **state)
{
	(void)state;
	char buf[NUMBER_BUFSIZE], want[NUMBER_BUFSIZE];
	assert_int_equal(number_grouped_digits("1234567890", 10, false, 4, 2, buf), strlen("123,456.789"));
	assert_string_equal(buf, "123,456.789");
	number_grouped_digits("5", 1, true, 3, 2, buf);
	assert_string_equal(buf, "-0.005");
	number_grouped_digits("1200", 4, false, 2, 0, buf);
	assert_string_equal(buf, "12");
	number_grouped_digits("12", 2, false, 0, 2, buf);
	assert_string_equal(buf, "12.00");
	number_grouped_digits("0", 1, false, 0, 0, buf);
	assert_string_equal(buf, "0");
	uint64_t x = 0x2545f4914f6cdd1du;
	for (int i = 0; i < 3000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		unsigned __int128 mag = (unsigned __int128)x << 64 | (x * 0x9e3779b97f4a7c15u);
		mag >>= 1 + x % 127;
		char rev[48], digits[48];
		size_t n = 0;
		do {
			rev[n++] = (char)('0' + (int)(mag % 10));
			mag /= 10;
		} while (mag);
		for (size_t k = 0; k < n; k++)
			digits[k] = rev[n - 1 - k];
		decimal_units m = 0;
		for (size_t k = 0; k < n; k++)
			m = m * 10 + (digits[k] - '0');
		bool negative = x & 1;
		int e = (int)((x >> 8) % 39), places = (int)((x >> 16) % 10);
		size_t len = number_grouped_exact(negative ? -m : m, e, places, want);
		size_t got = number_grouped_digits(digits, n, negative && m != 0, e, places, buf);
		if (got != len)
			print_message("%.*s e %d places %d: %s, not %s\n", (int)n, digits, e, places, buf, want);
		assert_int_equal(got, len);
		assert_string_equal(buf, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_basics),
		cmocka_unit_test(test_fixed_matches_format),
		cmocka_unit_test(test_at_least),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_money_and_exact),
		cmocka_unit_test(test_div_fast_path),
		cmocka_unit_test(test_grouped_digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
