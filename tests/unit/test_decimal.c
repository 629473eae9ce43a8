/* Unit tests for src/lib/decimal.c: parsing of export amounts (styles, currency, grouping,
 * errors), exact sums, checked arithmetic near the int128 limit, rounding and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decimal.h"

/* ---- helpers ---- */

static enum decimal_status parse_style(const char *s, enum decimal_style style, decimal *out)
{
	return decimal_parse(s, strlen(s), style, out);
}

static decimal num(const char *s)
{
	decimal d = decimal_zero();
	enum decimal_status st = decimal_parse(s, strlen(s), DECIMAL_POINT, &d);
	if (st != DECIMAL_OK)
		fail_msg("cannot parse \"%s\": %s", s, decimal_strerror(st));
	return d;
}

/* Formats d with places and compares to expected. */
static void assert_formats(decimal d, int places, const char *expected)
{
	char buf[DECIMAL_BUFSIZE];
	size_t n = decimal_format(d, places, buf, sizeof buf);
	assert_string_equal(buf, expected);
	assert_int_equal(n, strlen(expected));
}

/* Parses s in style and checks the exact value (formatted with places -1). */
static void assert_parses(const char *s, enum decimal_style style, const char *exact)
{
	decimal d = decimal_zero();
	enum decimal_status st = parse_style(s, style, &d);
	if (st != DECIMAL_OK)
		fail_msg("\"%s\" did not parse: %s", s, decimal_strerror(st));
	assert_formats(d, -1, exact);
}

static void assert_rejects(const char *s, enum decimal_style style, enum decimal_status want)
{
	decimal d = decimal_from_int(777);
	enum decimal_status st = parse_style(s, style, &d);
	if (st != want)
		fail_msg("\"%s\": got status %d (%s), want %d (%s)", s, (int)st, decimal_strerror(st),
			 (int)want, decimal_strerror(want));
}

/* The largest and smallest representable values. */
static decimal decimal_max(void)
{
	decimal d;
	d.units = (decimal_units)(((unsigned __int128)1 << 127) - 1);
	return d;
}

static decimal decimal_min(void)
{
	decimal d;
	d.units = -decimal_max().units - 1;
	return d;
}

static decimal units(int64_t u)
{
	decimal d;
	d.units = u;
	return d;
}

/* ---- parsing ---- */

static void test_parse_point_style(void **state)
{
	(void)state;
	assert_parses("1234.56", DECIMAL_POINT, "1234.56");
	assert_parses("-1234.5", DECIMAL_POINT, "-1234.5");
	assert_parses("+7", DECIMAL_POINT, "7");
	assert_parses("0", DECIMAL_POINT, "0");
	assert_parses("-0", DECIMAL_POINT, "0");
	assert_parses("007.50", DECIMAL_POINT, "7.5");
	assert_parses("1,234.56", DECIMAL_POINT, "1234.56");
	assert_parses("1,234,567.89", DECIMAL_POINT, "1234567.89");
	assert_parses("12,345", DECIMAL_POINT, "12345");
	assert_parses(".5", DECIMAL_POINT, "0.5");
	assert_parses("-.25", DECIMAL_POINT, "-0.25");
	assert_parses(" 42 ", DECIMAL_POINT, "42");
	assert_parses("   -3.000   ", DECIMAL_POINT, "-3");
	assert_parses("0.000000001", DECIMAL_POINT, "0.000000001");
}

static void test_parse_currency_and_parentheses(void **state)
{
	(void)state;
	assert_parses("$1,234.56", DECIMAL_POINT, "1234.56");
	assert_parses("-$5", DECIMAL_POINT, "-5");
	assert_parses("$-5", DECIMAL_POINT, "-5");
	assert_parses("+$5", DECIMAL_POINT, "5");
	assert_parses("(12.50)", DECIMAL_POINT, "-12.5");
	assert_parses("($1,000.00)", DECIMAL_POINT, "-1000");
	assert_parses("\xe2\x82\xac" "5", DECIMAL_POINT, "5");      /* €5 */
	assert_parses("\xc2\xa3" "3.10", DECIMAL_POINT, "3.1");      /* £3.10 */
	assert_parses("\xc2\xa5" "1000", DECIMAL_POINT, "1000");     /* ¥1000 */
	assert_parses("5 \xe2\x82\xac", DECIMAL_COMMA, "5");         /* 5 € */
	assert_parses("5,50 \xe2\x82\xac", DECIMAL_COMMA, "5.5");    /* 5,50 € */
	assert_parses("1.234,56 \xe2\x82\xac", DECIMAL_COMMA, "1234.56");
	assert_parses("5$", DECIMAL_POINT, "5");
	assert_parses("(5)", DECIMAL_POINT, "-5");
}

static void test_parse_comma_style(void **state)
{
	(void)state;
	assert_parses("1.234,56", DECIMAL_COMMA, "1234.56");
	assert_parses("1 234,56", DECIMAL_COMMA, "1234.56");
	assert_parses("1\xc2\xa0" "234,56", DECIMAL_COMMA, "1234.56");     /* no-break space */
	assert_parses("1\xe2\x80\xaf" "234,56", DECIMAL_COMMA, "1234.56"); /* narrow no-break */
	assert_parses("1.234.567", DECIMAL_COMMA, "1234567");
	assert_parses("-0,5", DECIMAL_COMMA, "-0.5");
	assert_parses(",75", DECIMAL_COMMA, "0.75");
	assert_parses("12", DECIMAL_COMMA, "12");
	/* In comma style a point is a group separator: 1.5 is bad grouping, not 1.5. */
	assert_rejects("1.5", DECIMAL_COMMA, DECIMAL_GROUPING);
	assert_rejects("1,2,3", DECIMAL_COMMA, DECIMAL_GROUPING);
	assert_rejects("1,234.56", DECIMAL_COMMA, DECIMAL_GROUPING); /* the other style */
	/* And a no-break space is no group separator in point style. */
	assert_rejects("1\xc2\xa0" "234.56", DECIMAL_POINT, DECIMAL_SYNTAX);
}

static void test_parse_errors(void **state)
{
	(void)state;
	assert_rejects("", DECIMAL_POINT, DECIMAL_EMPTY);
	assert_rejects("   ", DECIMAL_POINT, DECIMAL_EMPTY);
	assert_rejects("", DECIMAL_COMMA, DECIMAL_EMPTY);
	assert_rejects("abc", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("1,5", DECIMAL_POINT, DECIMAL_GROUPING);
	assert_rejects("1,23.4", DECIMAL_POINT, DECIMAL_GROUPING);
	assert_rejects("1234,567", DECIMAL_POINT, DECIMAL_GROUPING);
	assert_rejects("1,2345", DECIMAL_POINT, DECIMAL_GROUPING);
	assert_rejects("1,234,56", DECIMAL_POINT, DECIMAL_GROUPING);
	assert_rejects("12.", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("1e5", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("--5", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("+-5", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("(-5)", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("(5", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("5)", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("()", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("-", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("$", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects(".", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("1.2.3", DECIMAL_POINT, DECIMAL_GROUPING);
	assert_rejects("1.234,56", DECIMAL_POINT, DECIMAL_GROUPING); /* the other style */
	assert_rejects("1 000", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("- 5", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("5-", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("0x10", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("1.5%", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("nan", DECIMAL_POINT, DECIMAL_SYNTAX);
	assert_rejects("\t5", DECIMAL_POINT, DECIMAL_SYNTAX);
}

static void test_parse_precision_and_overflow(void **state)
{
	(void)state;
	/* 9 decimals are kept; a 10th is accepted only when it is zero. */
	assert_parses("0.123456789", DECIMAL_POINT, "0.123456789");
	assert_parses("1.0000000000", DECIMAL_POINT, "1");
	assert_parses("2.1234567890000", DECIMAL_POINT, "2.123456789");
	assert_rejects("1.0000000001", DECIMAL_POINT, DECIMAL_TOO_PRECISE);
	assert_rejects("0.1234567891", DECIMAL_POINT, DECIMAL_TOO_PRECISE);
	assert_rejects("1,0000000001", DECIMAL_COMMA, DECIMAL_TOO_PRECISE);
	/* 40 digits cannot be held; 28 integer digits can. */
	assert_rejects("1234567890123456789012345678901234567890", DECIMAL_POINT,
		       DECIMAL_OVERFLOW);
	assert_rejects("-1234567890123456789012345678901234567890", DECIMAL_POINT,
		       DECIMAL_OVERFLOW);
	assert_rejects("123456789012345678901234567890.5", DECIMAL_POINT, DECIMAL_OVERFLOW);
	assert_parses("1234567890123456789012345678", DECIMAL_POINT,
		      "1234567890123456789012345678");
	assert_parses("-1234567890123456789012345678.123456789", DECIMAL_POINT,
		      "-1234567890123456789012345678.123456789");
	/* Leading zeros do not count against the range. */
	assert_parses("000000000000000000000000000000000000000001", DECIMAL_POINT, "1");
	/* The range is the results' (±10^29): every sum or product spm writes reads back
	 * (values from 2^126 units up to 10^29 were written, then "number too large"). */
	assert_parses("99999999999999999999999999999.999999999", DECIMAL_POINT,
		      "99999999999999999999999999999.999999999");
	assert_parses("100000000000000000000000000000", DECIMAL_POINT, "100000000000000000000000000000");
	assert_parses("-100000000000000000000000000000.000000000", DECIMAL_POINT, "-100000000000000000000000000000");
	assert_parses("(99,999,999,999,999,999,999,999,999,999.99)", DECIMAL_POINT, "-99999999999999999999999999999.99");
	assert_rejects("100000000000000000000000000000.000000001", DECIMAL_POINT, DECIMAL_OVERFLOW);
	assert_rejects("-100000000000000000000000000001", DECIMAL_POINT, DECIMAL_OVERFLOW);
}

static void test_parse_signs(void **state)
{
	(void)state;
	decimal d;
	assert_int_equal(parse_style("-3", DECIMAL_POINT, &d), DECIMAL_OK);
	assert_int_equal(decimal_sign(d), -1);
	assert_int_equal(parse_style("(3)", DECIMAL_POINT, &d), DECIMAL_OK);
	assert_int_equal(decimal_sign(d), -1);
	assert_int_equal(parse_style("+3", DECIMAL_POINT, &d), DECIMAL_OK);
	assert_int_equal(decimal_sign(d), 1);
	assert_int_equal(parse_style("-0.00", DECIMAL_POINT, &d), DECIMAL_OK);
	assert_int_equal(decimal_sign(d), 0);
	assert_true(decimal_is_zero(d));
	assert_int_equal(decimal_cmp(num("-1"), num("1")), -1);
	assert_int_equal(decimal_cmp(num("1"), num("-1")), 1);
	assert_int_equal(decimal_cmp(num("1.50"), num("1.5")), 0);
	assert_int_equal(decimal_cmp(num("0.000000001"), decimal_zero()), 1);
	assert_int_equal(decimal_cmp(decimal_from_int(-5), num("-5")), 0);
	assert_true(decimal_from_int(INT64_MIN).units < 0);
	assert_formats(decimal_from_int(INT64_MIN), -1, "-9223372036854775808");
	assert_formats(decimal_from_int(INT64_MAX), 2, "9223372036854775807.00");
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(decimal_strerror(DECIMAL_OK), "ok");
	assert_string_equal(decimal_strerror(DECIMAL_EMPTY), "empty number");
	assert_string_equal(decimal_strerror(DECIMAL_SYNTAX), "not a number");
	assert_non_null(strstr(decimal_strerror(DECIMAL_GROUPING), "grouping"));
	assert_non_null(strstr(decimal_strerror(DECIMAL_TOO_PRECISE), "9 decimal"));
	assert_string_equal(decimal_strerror(DECIMAL_OVERFLOW), "number too large");
}

/* ---- exact arithmetic ---- */

static void test_exact_sums(void **state)
{
	(void)state;
	decimal sum;
	assert_true(decimal_add(num("0.1"), num("0.2"), &sum));
	assert_int_equal(decimal_cmp(sum, num("0.3")), 0);
	assert_formats(sum, -1, "0.3");

	decimal total = decimal_zero(), cent = num("0.01");
	for (int i = 0; i < 1000000; i++)
		assert_true(decimal_add(total, cent, &total));
	assert_int_equal(decimal_cmp(total, decimal_from_int(10000)), 0);
	assert_formats(total, 2, "10000.00");

	/* Subtracting it all back gives exactly zero. */
	for (int i = 0; i < 1000000; i++)
		assert_true(decimal_sub(total, cent, &total));
	assert_true(decimal_is_zero(total));

	decimal diff;
	assert_true(decimal_sub(num("0.3"), num("0.1"), &diff));
	assert_int_equal(decimal_cmp(diff, num("0.2")), 0);
	assert_true(decimal_sub(num("1"), num("1.000000001"), &diff));
	assert_formats(diff, -1, "-0.000000001");
}

static void test_add_sub_overflow(void **state)
{
	(void)state;
	decimal r, max = decimal_max(), min = decimal_min();
	/* At the int128 limits themselves. */
	assert_false(decimal_add(max, units(1), &r));
	assert_false(decimal_add(min, units(-1), &r));
	assert_false(decimal_sub(min, units(1), &r));
	assert_false(decimal_sub(max, units(-1), &r));
	assert_false(decimal_sub(decimal_zero(), min, &r));

	/* Results are kept within ±10^29 so that they can always be rounded and printed. */
	decimal half = num("50000000000000000000000000000");
	decimal rest = num("49999999999999999999999999999.999999999");
	decimal edge;
	assert_true(decimal_add(half, rest, &edge));
	assert_formats(edge, -1, "99999999999999999999999999999.999999999");
	assert_true(decimal_add(edge, units(1), &r)); /* exactly 10^29 */
	assert_formats(r, -1, "100000000000000000000000000000");
	assert_false(decimal_add(edge, units(2), &r));
	assert_true(decimal_add(half, half, &r));
	assert_false(decimal_add(r, units(1), &r));
	decimal neg_edge;
	assert_true(decimal_sub(decimal_zero(), edge, &neg_edge));
	assert_true(decimal_sub(neg_edge, units(1), &r));
	assert_false(decimal_sub(neg_edge, units(2), &r));
	assert_false(decimal_add(neg_edge, units(-2), &r));

	/* Regression: two parseable amounts used to add up to the int128 extremes, whose
	 * rounding (max at 0 places) or division by -0.000000001 (min) overflowed. */
	decimal p126 = num("85070591730234615865843651857.942052864"); /* 2^126 units */
	decimal n126 = num("-85070591730234615865843651857.942052864");
	assert_false(decimal_add(n126, n126, &r));
	assert_false(decimal_sub(n126, p126, &r));
	assert_false(decimal_add(p126, num("85070591730234615865843651857.942052863"), &r));

	/* Repeated sums of the largest parseable amounts stop with an error, never wrap. */
	decimal big = num("80000000000000000000000000000"), acc = decimal_zero(), next;
	int added = 0;
	while (decimal_add(acc, big, &next)) { /* on failure, next is unspecified */
		acc = next;
		added++;
	}
	assert_int_equal(added, 1);
	assert_int_equal(decimal_cmp(acc, big), 0);
	acc = decimal_zero();
	added = 0;
	while (decimal_sub(acc, big, &next)) {
		acc = next;
		added++;
	}
	assert_int_equal(added, 1);
	assert_int_equal(decimal_sign(acc), -1);
}

static void test_mul(void **state)
{
	(void)state;
	decimal r;
	assert_true(decimal_mul(num("1.5"), num("2"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "3");
	assert_true(decimal_mul(num("0.1"), num("0.1"), -1, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "0.01");
	assert_true(decimal_mul(num("-3"), num("4.25"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "-12.75");
	assert_true(decimal_mul(num("-3"), num("-4.25"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "12.75");
	/* 1.005 × 1 at 2 places: a tie, away from zero 1.01, half-even 1.00. */
	assert_true(decimal_mul(num("1.005"), num("1"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, 2, "1.01");
	assert_true(decimal_mul(num("1.005"), num("1"), 2, ROUND_HALF_EVEN, &r));
	assert_formats(r, 2, "1.00");
	assert_true(decimal_mul(num("-1.005"), num("1"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, 2, "-1.01");
	/* 12,345.67 × 7.5 % commission = 925.92525 → 925.93 */
	assert_true(decimal_mul(num("12345.67"), num("0.075"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, 2, "925.93");
	assert_formats(r, -1, "925.93");
	/* 0.000000001 × 0.5 = 0.0000000005: rounds to the 9th place. */
	assert_true(decimal_mul(num("0.000000001"), num("0.5"), -1, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "0.000000001");
	assert_true(decimal_mul(num("0.000000001"), num("0.5"), 9, ROUND_HALF_EVEN, &r));
	assert_true(decimal_is_zero(r));
	/* Rounding to 0 places. */
	assert_true(decimal_mul(num("2.5"), num("1"), 0, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "2");
	assert_true(decimal_mul(num("3.5"), num("1"), 0, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "4");
	assert_true(decimal_mul(decimal_zero(), decimal_max(), 2, ROUND_HALF_AWAY, &r));
	assert_true(decimal_is_zero(r));
}

static void test_mul_overflow(void **state)
{
	(void)state;
	decimal r;
	decimal big = num("10000000000000000000"); /* 10^19 */
	assert_false(decimal_mul(big, big, 2, ROUND_HALF_AWAY, &r));
	assert_false(decimal_mul(decimal_max(), num("2"), 2, ROUND_HALF_AWAY, &r));
	assert_false(decimal_mul(decimal_min(), num("-1"), 2, ROUND_HALF_AWAY, &r));
	/* 10^10 × 10^10 = 10^20 still fits (10^38 units of the raw product). */
	decimal e10 = num("10000000000");
	assert_true(decimal_mul(e10, e10, 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "100000000000000000000");
	assert_true(decimal_mul(e10, num("-10000000000"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "-100000000000000000000");
	/* A product that fits though the raw product (2 x 9 decimals) does not: 10^28 x 0.001,
	 * a commission rate on the largest amounts, and its ties past 128 bits. */
	assert_true(decimal_mul(num("10000000000000000000000000000"), num("0.001"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "10000000000000000000000000");
	assert_true(decimal_mul(num("-12345678901234567890123456789"), num("0.000000003"), 9, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "-37037036703703703670.370370367");
	assert_true(decimal_mul(num("20000000000000000000000000001"), num("0.5"), 0, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "10000000000000000000000000001");
	assert_true(decimal_mul(num("20000000000000000000000000001"), num("0.5"), 0, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "10000000000000000000000000000");
	assert_false(decimal_mul(num("90000000000000000000000000000"), num("2"), 0, ROUND_HALF_AWAY, &r)); /* past 10^29 */
}

static void test_div(void **state)
{
	(void)state;
	decimal r;
	decimal one = decimal_from_int(1), two = decimal_from_int(2), three = decimal_from_int(3);
	assert_true(decimal_div(one, three, 4, ROUND_HALF_AWAY, &r));
	assert_formats(r, 4, "0.3333");
	assert_formats(r, -1, "0.3333");
	assert_true(decimal_div(two, three, 4, ROUND_HALF_AWAY, &r));
	assert_formats(r, 4, "0.6667");
	assert_true(decimal_div(num("-2"), three, 4, ROUND_HALF_AWAY, &r));
	assert_formats(r, 4, "-0.6667");
	assert_true(decimal_div(two, num("-3"), 4, ROUND_HALF_AWAY, &r));
	assert_formats(r, 4, "-0.6667");
	assert_true(decimal_div(num("-2"), num("-3"), 4, ROUND_HALF_EVEN, &r));
	assert_formats(r, 4, "0.6667");
	assert_true(decimal_div(one, three, -1, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "0.333333333");
	assert_true(decimal_div(two, three, 9, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "0.666666667");
	/* Ties: 1/8 = 0.125. */
	assert_true(decimal_div(one, num("8"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "0.13");
	assert_true(decimal_div(one, num("8"), 2, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "0.12");
	assert_true(decimal_div(num("-1"), num("8"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "-0.13");
	assert_true(decimal_div(num("3"), num("8"), 2, ROUND_HALF_EVEN, &r)); /* 0.375 */
	assert_formats(r, -1, "0.38");
	/* Exact division; attainment 105,340 / 100,000. */
	assert_true(decimal_div(num("105340"), num("100000"), 4, ROUND_HALF_AWAY, &r));
	assert_formats(r, 4, "1.0534");
	assert_true(decimal_div(num("10"), num("0.5"), 0, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "20");
	/* By zero: false, whatever the numerator. */
	assert_false(decimal_div(one, decimal_zero(), 4, ROUND_HALF_AWAY, &r));
	assert_false(decimal_div(decimal_zero(), decimal_zero(), 4, ROUND_HALF_AWAY, &r));
	assert_false(decimal_div(num("-5"), num("0.000"), 2, ROUND_HALF_EVEN, &r));
}

static void test_div_overflow(void **state)
{
	(void)state;
	decimal r;
	/* A huge number divided by a tiny one. */
	assert_false(decimal_div(num("10000000000000000000000000000"), num("0.000000001"), 2,
				 ROUND_HALF_AWAY, &r));
	assert_false(decimal_div(decimal_max(), num("0.5"), 0, ROUND_HALF_AWAY, &r));
	/* A quotient that fits is found even when the scaled numerator does not fit 128 bits
	 * (10^29 / 1 at 9 places; the average of three deals of 10^28, which spm-track refused). */
	assert_true(decimal_div(num("100000000000000000000000000000"), decimal_from_int(1), 9, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "100000000000000000000000000000");
	assert_false(decimal_div(decimal_max(), decimal_from_int(1), 9, ROUND_HALF_AWAY, &r)); /* past 10^29 */
	assert_true(decimal_div(num("30000000000000000000000000000"), num("3"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "10000000000000000000000000000");
	assert_true(decimal_div(num("-30000000000000000000000000000"), num("7"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "-4285714285714285714285714285.71");
	assert_true(decimal_div(num("30000000000000000000000000000"), num("-0.7"), 0, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "-42857142857142857142857142857");
	/* Ties past 128 bits: (3 x 10^28 + 0.1) / 2 = 1.5 x 10^28 + 0.05 at one place. */
	assert_true(decimal_div(num("30000000000000000000000000000.1"), num("2"), 1, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "15000000000000000000000000000.1");
	assert_true(decimal_div(num("30000000000000000000000000000.1"), num("2"), 1, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "15000000000000000000000000000");
	assert_true(decimal_div(num("-30000000000000000000000000000.1"), num("2"), 1, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "-15000000000000000000000000000.1");
	assert_true(decimal_div(num("30000000000000000000000000000.3"), num("2"), 1, ROUND_HALF_EVEN, &r));
	assert_formats(r, -1, "15000000000000000000000000000.2");
	/* and a quotient past the range still refused on that path */
	assert_false(decimal_div(decimal_max(), num("0.9"), 9, ROUND_HALF_AWAY, &r));
	assert_true(decimal_div(num("10000000000000000000"), num("0.001"), 2, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "10000000000000000000000");
	/* Quotients past 10^29 are refused even when int128 could hold them. */
	assert_true(decimal_div(num("100000000000000000000"), units(1), 0, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "100000000000000000000000000000");
	assert_false(decimal_div(num("150000000000000000000"), units(1), 0, ROUND_HALF_AWAY, &r));
	assert_false(decimal_div(num("-150000000000000000000"), units(1), 0, ROUND_HALF_AWAY, &r));
	/* The most negative result divided by -1 unit does not fit: reported, not wrapped. */
	decimal low;
	assert_true(decimal_sub(num("-50000000000000000000000000000"),
				num("50000000000000000000000000000"), &low));
	assert_false(decimal_div(low, units(-1), 0, ROUND_HALF_AWAY, &r));
	assert_true(decimal_div(low, num("-1"), 0, ROUND_HALF_AWAY, &r));
	assert_formats(r, -1, "100000000000000000000000000000");
}

/* ---- rounding and formatting ---- */

static void test_round(void **state)
{
	(void)state;
	assert_formats(decimal_round(num("2.345"), 2, ROUND_HALF_AWAY), -1, "2.35");
	assert_formats(decimal_round(num("-2.345"), 2, ROUND_HALF_AWAY), -1, "-2.35");
	assert_formats(decimal_round(num("2.3449"), 2, ROUND_HALF_AWAY), -1, "2.34");
	assert_formats(decimal_round(num("-2.3449"), 2, ROUND_HALF_AWAY), -1, "-2.34");
	assert_formats(decimal_round(num("2.345"), 2, ROUND_HALF_EVEN), -1, "2.34");
	assert_formats(decimal_round(num("2.355"), 2, ROUND_HALF_EVEN), -1, "2.36");
	assert_formats(decimal_round(num("-2.345"), 2, ROUND_HALF_EVEN), -1, "-2.34");
	assert_formats(decimal_round(num("-2.355"), 2, ROUND_HALF_EVEN), -1, "-2.36");
	assert_formats(decimal_round(num("2.3451"), 2, ROUND_HALF_EVEN), -1, "2.35");
	assert_formats(decimal_round(num("1.00005"), 4, ROUND_HALF_AWAY), -1, "1.0001");
	assert_formats(decimal_round(num("1.00005"), 4, ROUND_HALF_EVEN), -1, "1");
	assert_formats(decimal_round(num("1.00015"), 4, ROUND_HALF_EVEN), -1, "1.0002");
	assert_formats(decimal_round(num("0.5"), 0, ROUND_HALF_EVEN), -1, "0");
	assert_formats(decimal_round(num("1.5"), 0, ROUND_HALF_EVEN), -1, "2");
	assert_formats(decimal_round(num("-0.5"), 0, ROUND_HALF_AWAY), -1, "-1");
	assert_formats(decimal_round(num("-0.4"), 0, ROUND_HALF_AWAY), -1, "0");
	assert_formats(decimal_round(num("999.995"), 2, ROUND_HALF_AWAY), -1, "1000");
	/* places 9 or more, or negative: unchanged. */
	assert_formats(decimal_round(num("0.123456789"), 9, ROUND_HALF_AWAY), -1, "0.123456789");
	assert_formats(decimal_round(num("0.123456789"), 12, ROUND_HALF_AWAY), -1, "0.123456789");
	assert_formats(decimal_round(num("0.123456789"), -1, ROUND_HALF_AWAY), -1, "0.123456789");
	/* A rounded value reads as zero when it is. */
	assert_true(decimal_is_zero(decimal_round(num("-0.004"), 2, ROUND_HALF_AWAY)));
}

static void test_round_near_limit(void **state)
{
	(void)state;
	/* The largest result arithmetic can give, 10^29 - 10^-9, rounds up to 10^29 at every
	 * number of places without wrapping around to a negative number. */
	decimal edge, neg;
	assert_true(decimal_add(num("50000000000000000000000000000"),
				num("49999999999999999999999999999.999999999"), &edge));
	assert_true(decimal_sub(decimal_zero(), edge, &neg));
	for (int places = 0; places < DECIMAL_PLACES; places++) {
		decimal up = decimal_round(edge, places, ROUND_HALF_AWAY);
		decimal down = decimal_round(neg, places, ROUND_HALF_EVEN);
		assert_int_equal(decimal_sign(up), 1);
		assert_int_equal(decimal_sign(down), -1);
		assert_formats(up, -1, "100000000000000000000000000000");
		assert_formats(down, -1, "-100000000000000000000000000000");
	}
	assert_formats(edge, 2, "100000000000000000000000000000.00");
	assert_formats(neg, 0, "-100000000000000000000000000000");
	assert_formats(edge, -1, "99999999999999999999999999999.999999999");

	/* Either side of the 64-bit shortcut (2^63 - 1 billionths): the same rounding. */
	assert_formats(decimal_round(num("9223372036.854775807"), 2, ROUND_HALF_AWAY), -1, "9223372036.85");
	assert_formats(decimal_round(num("-9223372036.854775807"), 2, ROUND_HALF_AWAY), -1, "-9223372036.85");
	assert_formats(decimal_round(num("-9223372036.854775808"), 2, ROUND_HALF_AWAY), -1, "-9223372036.85");
	assert_formats(decimal_round(num("9223372036.855"), 2, ROUND_HALF_AWAY), -1, "9223372036.86");
	assert_formats(decimal_round(num("9223372036.854775807"), 0, ROUND_HALF_EVEN), -1, "9223372037");
	assert_formats(decimal_round(num("9223372037.5"), 0, ROUND_HALF_EVEN), -1, "9223372038");
	assert_formats(decimal_round(num("-9223372036.5"), 0, ROUND_HALF_EVEN), -1, "-9223372036");
	assert_formats(decimal_round(num("-9223372037.5"), 0, ROUND_HALF_EVEN), -1, "-9223372038");
	assert_formats(decimal_round(num("-9223372037.5"), 0, ROUND_HALF_AWAY), -1, "-9223372038");

	/* The raw int128 extremes still print (they round down at 2 places). */
	assert_formats(decimal_max(), -1, "170141183460469231731687303715.884105727");
	assert_formats(decimal_max(), 2, "170141183460469231731687303715.88");
	assert_formats(decimal_min(), 2, "-170141183460469231731687303715.88");
	assert_formats(decimal_min(), -1, "-170141183460469231731687303715.884105728");
}

static void test_format_places(void **state)
{
	(void)state;
	assert_formats(num("2.345"), 2, "2.35");
	assert_formats(num("-2.345"), 2, "-2.35");
	assert_formats(num("2.3449"), 2, "2.34");
	assert_formats(num("2.34449"), 4, "2.3445");
	assert_formats(num("-2.34445"), 4, "-2.3445");
	assert_formats(num("1.0534"), 4, "1.0534");
	assert_formats(num("1"), 4, "1.0000");
	assert_formats(num("1234567.891"), 2, "1234567.89");
	assert_formats(num("0.995"), 2, "1.00");
	assert_formats(num("-0.995"), 2, "-1.00");
	assert_formats(num("12"), 0, "12");
	assert_formats(num("12.5"), 0, "13");
	assert_formats(num("0.123456789"), 9, "0.123456789");
	assert_formats(num("0.5"), 12, "0.500000000"); /* more than 9 places: capped at 9 */
}

static void test_format_exact(void **state)
{
	(void)state;
	assert_formats(num("1.5"), -1, "1.5");
	assert_formats(num("100"), -1, "100");
	assert_formats(num("100.000"), -1, "100");
	assert_formats(num("0.000000001"), -1, "0.000000001");
	assert_formats(num("-0.5"), -1, "-0.5");
	assert_formats(num("10.10"), -1, "10.1");
	assert_formats(num("-1000000"), -1, "-1000000");
	assert_formats(decimal_zero(), -1, "0");
}

static void test_format_zero_and_negatives(void **state)
{
	(void)state;
	assert_formats(decimal_zero(), 2, "0.00");
	assert_formats(decimal_zero(), 4, "0.0000");
	assert_formats(decimal_zero(), 0, "0");
	assert_formats(num("-5"), 2, "-5.00");
	assert_formats(num("-0.01"), 2, "-0.01");
	assert_formats(num("-0.005"), 2, "-0.01");
	/* Money never prints as -0.00: a negative that rounds to zero prints 0.00. */
	assert_formats(num("-0.004"), 2, "0.00");
	assert_formats(num("-0.000000001"), 2, "0.00");
	assert_formats(num("-0.00004"), 4, "0.0000");
	assert_formats(num("-0.4"), 0, "0");
}

static void test_format_small_buffer(void **state)
{
	(void)state;
	char buf[8];
	/* Too small a buffer: nothing written, an empty string, length 0. */
	memset(buf, 'x', sizeof buf);
	assert_int_equal(decimal_format(num("123456.78"), 2, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(decimal_format(num("1"), 2, buf, 0), 0);
	assert_int_equal(buf[0], 'x'); /* size 0: nothing written at all */
	/* The worst case fits DECIMAL_BUFSIZE. */
	char big[DECIMAL_BUFSIZE];
	size_t n = decimal_format(decimal_min(), -1, big, sizeof big);
	assert_true(n > 0 && n < sizeof big);
}

static void test_parse_format_round_trip(void **state)
{
	(void)state;
	static const char *const values[] = {
		"0", "1", "-1", "0.1", "-0.01", "123.456", "99999999.99", "-0.000000001",
		"42.000000042", "1000000000000", "-987654321.123456789",
	};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char buf[DECIMAL_BUFSIZE];
		decimal d = num(values[i]), back;
		decimal_format(d, -1, buf, sizeof buf);
		assert_string_equal(buf, values[i]);
		assert_int_equal(parse_style(buf, DECIMAL_POINT, &back), DECIMAL_OK);
		assert_int_equal(decimal_cmp(d, back), 0);
	}
}

/* The plain form: the value and the decimals as written; anything else is left to
 * decimal_parse (false), which must then agree or refuse. */
static void assert_plain(const char *s, const char *exact, int places)
{
	decimal d = decimal_zero(), full;
	int p = -1;
	if (!decimal_parse_plain(s, strlen(s), &d, &p))
		fail_msg("\"%s\" is not plain", s);
	assert_int_equal(p, places);
	assert_formats(d, -1, exact);
	assert_int_equal(parse_style(s, DECIMAL_POINT, &full), DECIMAL_OK);
	assert_true(decimal_cmp(d, full) == 0);
}

static void assert_not_plain(const char *s)
{
	decimal d;
	int p;
	assert_false(decimal_parse_plain(s, strlen(s), &d, &p));
}

static void test_parse_plain(void **state)
{
	(void)state;
	assert_plain("0", "0", 0);
	assert_plain("42000.00", "42000", 2);
	assert_plain("1.0534", "1.0534", 4);
	assert_plain("-15898.07", "-15898.07", 2);
	assert_plain("-0.000000001", "-0.000000001", 9);
	assert_plain("-0", "0", 0);
	assert_plain("007.50", "7.5", 2);
	assert_plain("999999999999999999.999999999", "999999999999999999.999999999", 9); /* 18 + 9 digits */
	assert_plain("-999999999999999999", "-999999999999999999", 0);
	/* left to the general parser: more digits (exact there, or an overflow), other forms */
	assert_not_plain("1234567890123456789");
	assert_parses("1234567890123456789", DECIMAL_POINT, "1234567890123456789");
	assert_not_plain("1.1234567891");
	assert_rejects("1.1234567891", DECIMAL_POINT, DECIMAL_TOO_PRECISE);
	assert_not_plain("99999999999999999999999999999999999999");
	assert_rejects("99999999999999999999999999999999999999", DECIMAL_POINT, DECIMAL_OVERFLOW);
	assert_not_plain("1,234.5");
	assert_not_plain("+1");
	assert_not_plain("(12.00)");
	assert_not_plain("$5");
	assert_not_plain(" 1");
	assert_not_plain("1.");
	assert_not_plain(".5");
	assert_not_plain("-");
	assert_not_plain("");
	assert_not_plain("1e5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_point_style),
		cmocka_unit_test(test_parse_currency_and_parentheses),
		cmocka_unit_test(test_parse_comma_style),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_precision_and_overflow),
		cmocka_unit_test(test_parse_signs),
		cmocka_unit_test(test_parse_plain),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_exact_sums),
		cmocka_unit_test(test_add_sub_overflow),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_mul_overflow),
		cmocka_unit_test(test_div),
		cmocka_unit_test(test_div_overflow),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_round_near_limit),
		cmocka_unit_test(test_format_places),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_zero_and_negatives),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_parse_format_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
