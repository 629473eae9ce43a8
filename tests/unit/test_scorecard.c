/* Unit tests for src/lib/scorecard.c: the scorecard arithmetic (weights, caps, floors,
 * goals without an attainment, rounding once), ranks shared by ties, the percentile
 * definition, tier boundaries and streaks. Every expected value is worked out by hand in
 * the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scorecard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static decimal number(const char *s)
{
	decimal d;
	if (decimal_parse(s, strlen(s), DECIMAL_POINT, &d) != DECIMAL_OK)
		fail_msg("cannot parse number \"%s\"", s);
	return d;
}

static void assert_decimal(decimal d, int places, const char *expected)
{
	char buf[DECIMAL_BUFSIZE];
	decimal_format(d, places, buf, sizeof buf);
	assert_string_equal(buf, expected);
}

/* A goal "attainment/weight" with floor 0 and cap 2 (the defaults); "-" is unmeasured. */
static struct score_goal goal(const char *attainment, const char *weight)
{
	struct score_goal g = { .weight = number(weight), .floor = number("0"), .cap = number("2") };
	g.measured = strcmp(attainment, "-") != 0;
	if (g.measured)
		g.attainment = number(attainment);
	return g;
}

static void assert_score(const struct score_goal *g, size_t n, enum missing_rule m, const char *expected)
{
	decimal s;
	assert_int_equal(score_compute(g, n, m, &s), SCORE_OK);
	assert_decimal(s, CARD_SCORE_PLACES, expected);
}

static void test_weights(void **state)
{
	(void)state;
	/* (2 × 1.2 + 1 × 0.8 + 1 × 0.5) ÷ 4 = 3.7 ÷ 4 = 0.925 */
	struct score_goal g[] = { goal("1.2", "2"), goal("0.8", "1"), goal("0.5", "1") };
	assert_score(g, N(g), MISSING_SKIP, "0.9250");
	/* fractional weights: (0.5 × 1.1 + 0.25 × 0.9 + 0.25 × 0.7) ÷ 1 = 0.55 + 0.225 + 0.175 = 0.95 */
	struct score_goal h[] = { goal("1.1", "0.5"), goal("0.9", "0.25"), goal("0.7", "0.25") };
	assert_score(h, N(h), MISSING_SKIP, "0.9500");
	/* a weight of 0 leaves a goal out: (1 × 0.6) ÷ 1 */
	struct score_goal z[] = { goal("1.9", "0"), goal("0.6", "1") };
	assert_score(z, N(z), MISSING_SKIP, "0.6000");
}

static void test_caps_and_floors(void **state)
{
	(void)state;
	/* 3.0 capped at 2: (2 + 0.5) ÷ 2 = 1.25 */
	struct score_goal g[] = { goal("3.0", "1"), goal("0.5", "1") };
	assert_score(g, N(g), MISSING_SKIP, "1.2500");
	/* a per-metric cap of 1.5: (1.5 + 0.5) ÷ 2 = 1 */
	g[0].cap = number("1.5");
	assert_score(g, N(g), MISSING_SKIP, "1.0000");
	/* a negative attainment (refunds) floored at 0: (0 + 1) ÷ 2 = 0.5 */
	struct score_goal f[] = { goal("-0.2", "1"), goal("1", "1") };
	assert_score(f, N(f), MISSING_SKIP, "0.5000");
	/* a floor of 0.5 lifts 0.2: (0.5 + 1) ÷ 2 = 0.75 */
	f[0].attainment = number("0.2");
	f[0].floor = number("0.5");
	assert_score(f, N(f), MISSING_SKIP, "0.7500");
	/* exactly on the cap and on the floor: kept as they are, (2 + 0.5) ÷ 2 */
	struct score_goal e[] = { goal("2", "1"), goal("0.5", "1") };
	e[1].floor = number("0.5");
	assert_score(e, N(e), MISSING_SKIP, "1.2500");
	assert_decimal(score_clamp(number("1.7"), number("0"), number("2")), 4, "1.7000");
	assert_decimal(score_clamp(number("2.0001"), number("0"), number("2")), 4, "2.0000");
	assert_decimal(score_clamp(number("-0.0001"), number("0"), number("2")), 4, "0.0000");
}

static void test_missing(void **state)
{
	(void)state;
	/* skip: the unmeasured goal and its weight of 3 leave: 1.0 ÷ 1 */
	struct score_goal g[] = { goal("1.0", "1"), goal("-", "3") };
	assert_score(g, N(g), MISSING_SKIP, "1.0000");
	/* floor: it counts at the floor, 0: (1 + 3 × 0) ÷ 4 = 0.25 */
	assert_score(g, N(g), MISSING_FLOOR, "0.2500");
	/* with a floor of 0.5: (1 + 3 × 0.5) ÷ 4 = 0.625 */
	g[1].floor = number("0.5");
	assert_score(g, N(g), MISSING_FLOOR, "0.6250");
	/* nothing that weighs was measured: no score when skipping, the floor otherwise */
	struct score_goal u[] = { goal("1.3", "0"), goal("-", "2") };
	decimal s;
	assert_int_equal(score_compute(u, N(u), MISSING_SKIP, &s), SCORE_UNMEASURED);
	assert_score(u, N(u), MISSING_FLOOR, "0.0000");
	/* every weight 0: an error whatever the rule */
	struct score_goal z[] = { goal("1.3", "0"), goal("0.4", "0"), goal("-", "0") };
	assert_int_equal(score_compute(z, N(z), MISSING_SKIP, &s), SCORE_ZERO_WEIGHTS);
	assert_int_equal(score_compute(z, N(z), MISSING_FLOOR, &s), SCORE_ZERO_WEIGHTS);
}

static void test_rounded_once(void **state)
{
	(void)state;
	/* (0.1111 + 2 × 0.2222) ÷ 3 = 0.5555 ÷ 3 = 0.185166…: 0.1852 */
	struct score_goal a[] = { goal("0.1111", "1"), goal("0.2222", "2") };
	assert_score(a, N(a), MISSING_SKIP, "0.1852");
	/* 1 ÷ 3 and 2 ÷ 3 */
	struct score_goal b[] = { goal("1", "1"), goal("0", "1"), goal("0", "1") };
	assert_score(b, N(b), MISSING_SKIP, "0.3333");
	b[1].attainment = number("1");
	assert_score(b, N(b), MISSING_SKIP, "0.6667");
	/* exactly half a unit: away from zero. (0.33335 + 0.33335) ÷ 2 = 0.33335 → 0.3334 */
	struct score_goal c[] = { goal("0.33335", "1"), goal("0.33335", "1") };
	assert_score(c, N(c), MISSING_SKIP, "0.3334");
	/* once, not per goal: (0.00004 + 0.00004 + 0.00007) ÷ 3 = 0.00005 → 0.0001, where
	 * rounding each goal first would give (0 + 0 + 0.0001) ÷ 3 → 0.0000 */
	struct score_goal d[] = { goal("0.00004", "1"), goal("0.00004", "1"), goal("0.00007", "1") };
	assert_score(d, N(d), MISSING_SKIP, "0.0001");
	/* just under half a unit: (0.00004 + 0.00004) ÷ 2 = 0.00004 → 0.0000 */
	struct score_goal e[] = { goal("0.00004", "1"), goal("0.00004", "1") };
	assert_score(e, N(e), MISSING_SKIP, "0.0000");
	/* negative floor, half away from zero: −0.00005 → −0.0001 */
	struct score_goal f[] = { goal("-0.00005", "1") };
	f[0].floor = number("-1");
	assert_score(f, N(f), MISSING_SKIP, "-0.0001");
}

static void test_overflow(void **state)
{
	(void)state;
	/* 10^20 × 2: the product of units (10^29 × 2·10^9) exceeds 128 bits */
	struct score_goal g[] = { goal("2", "100000000000000000000") };
	decimal s;
	assert_int_equal(score_compute(g, N(g), MISSING_SKIP, &s), SCORE_OVERFLOW);
}

static void assert_standings(const char *const *values, size_t n, const size_t *ranks, const char *const *pct)
{
	decimal v[16] = { { 0 } };
	struct standing st[16] = { { 0 } };
	for (size_t i = 0; i < n; i++)
		v[i] = number(values[i]);
	score_standings(v, n, st);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(st[i].rank, ranks[i]);
		assert_decimal(st[i].percentile, PERCENTILE_PLACES, pct[i]);
	}
}

static void test_ranks_and_percentiles(void **state)
{
	(void)state;
	/* percentile = 100 × (others below + half the others tied) ÷ others */
	/* 1, 2, 2, 4; 3 others each: 3/3 → 100; 1 below and 1 tied: 1.5/3 → 50; 0/3 → 0 */
	const char *const a[] = { "1.2", "1.0", "1.0", "0.8" };
	const size_t ra[] = { 1, 2, 2, 4 };
	const char *const pa[] = { "100.00", "50.00", "50.00", "0.00" };
	assert_standings(a, N(a), ra, pa);
	/* a tie at the top: both rank 1, each 1 below and 1 tied of 2 others: 1.5/2 → 75 */
	const char *const b[] = { "0.9", "0.9", "0.5" };
	const size_t rb[] = { 1, 1, 3 };
	const char *const pb[] = { "75.00", "75.00", "0.00" };
	assert_standings(b, N(b), rb, pb);
	/* two tied alone in their group: half of one other, 50 */
	const char *const t[] = { "1.025", "1.025" };
	const size_t rt[] = { 1, 1 };
	const char *const pt[] = { "50.00", "50.00" };
	assert_standings(t, N(t), rt, pt);
	/* one owner alone: rank 1, percentile 100 */
	const char *const c[] = { "0.3" };
	const size_t rc[] = { 1 };
	const char *const pc[] = { "100.00" };
	assert_standings(c, 1, rc, pc);
	/* all equal: everyone first, in the middle: 1/2 → 50 */
	const char *const d[] = { "1", "1", "1" };
	const size_t rd[] = { 1, 1, 1 };
	const char *const pd[] = { "50.00", "50.00", "50.00" };
	assert_standings(d, N(d), rd, pd);
	/* 7 values, 6 others: 5/6 → 83.33, 4/6 → 66.67 (half away from zero), the two 4s
	 * 2.5/6 → 41.67, 1/6 → 16.67 */
	const char *const e[] = { "7", "6", "5", "4", "4", "2", "1" };
	const size_t re[] = { 1, 2, 3, 4, 4, 6, 7 };
	const char *const pe[] = { "100.00", "83.33", "66.67", "41.67", "41.67", "16.67", "0.00" };
	assert_standings(e, N(e), re, pe);
}

static void assert_ranks(const char *const *values, size_t n, bool lower, const size_t *ranks)
{
	decimal v[16] = { { 0 } };
	size_t rank[16] = { 0 };
	for (size_t i = 0; i < n; i++)
		v[i] = number(values[i]);
	rank_values(v, n, lower, rank);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rank[i], ranks[i]);
}

/* rank_values: values in any order, ranked as score_standings ranks sorted ones */
static void test_rank_values(void **state)
{
	(void)state;
	const char *const a[] = { "1.0", "0.8", "1.2", "1.0" };
	const size_t ra[] = { 2, 4, 1, 2 };
	assert_ranks(a, N(a), false, ra);
	/* less is better (cycle days): the smallest first, ties still shared */
	const size_t la[] = { 2, 1, 4, 2 };
	assert_ranks(a, N(a), true, la);
	const char *const b[] = { "-3", "5", "-3", "0", "5" };
	const size_t rb[] = { 4, 1, 4, 3, 1 };
	assert_ranks(b, N(b), false, rb);
	const char *const c[] = { "7" };
	const size_t rc[] = { 1 };
	assert_ranks(c, 1, true, rc);
	rank_values(NULL, 0, false, NULL); /* none: nothing to rank */
}

static void test_tiers(void **state)
{
	(void)state;
	struct tier_list t;
	struct sbuf err = { 0 };
	assert_true(tiers_parse(DEFAULT_TIERS, &t, &err));
	assert_int_equal(t.n, 4);
	assert_string_equal(t.tier[3].name, "far_below");
	/* on a threshold: reached */
	assert_int_equal(tier_of(&t, number("1.0")), 0);
	assert_int_equal(tier_of(&t, number("0.9999")), 1);
	assert_int_equal(tier_of(&t, number("0.9")), 1);
	assert_int_equal(tier_of(&t, number("0.8999")), 2);
	assert_int_equal(tier_of(&t, number("0.7")), 2);
	assert_int_equal(tier_of(&t, number("0.6999")), 3);
	assert_int_equal(tier_of(&t, number("0")), 3);
	assert_int_equal(tier_of(&t, number("-0.0001")), -1); /* below every minimum */
	assert_int_equal(tier_of(&t, number("2")), 0);
	assert_int_equal(tier_find(&t, "meets"), 1);
	assert_int_equal(tier_find(&t, "gold"), -1);
	tiers_free(&t);

	/* free text names, spaces after the commas */
	assert_true(tiers_parse("top performer:1.2, solid:0.8, developing:0", &t, &err));
	assert_int_equal(t.n, 3);
	assert_string_equal(t.tier[0].name, "top performer");
	assert_string_equal(t.tier[1].name, "solid");
	assert_int_equal(tier_of(&t, number("1.1999")), 1);
	tiers_free(&t);

	const char *const bad[][2] = {
		{ "a:1,b:1", "minimums must be strictly decreasing (\"b:1\")" },
		{ "a:0.5,b:0.9", "minimums must be strictly decreasing (\"b:0.9\")" },
		{ "gold", "expected NAME:MINIMUM (\"gold\")" },
		{ ":1", "expected NAME:MINIMUM (\":1\")" },
		{ "a:x", "the minimum is not a number (\"a:x\")" },
		{ "a:1,a:0.5", "a tier is named twice (\"a\")" },
		{ ",", "no tier given (\",\")" },
	};
	for (size_t i = 0; i < N(bad); i++) {
		sb_reset(&err);
		assert_false(tiers_parse(bad[i][0], &t, &err));
		assert_string_equal(err.s, bad[i][1]);
		assert_int_equal(t.n, 0);
	}
	/* a long tier name is named whole in the message */
	char spec[1200];
	memset(spec, 't', 1000);
	strcpy(spec + 1000, ":x");
	sb_reset(&err);
	assert_false(tiers_parse(spec, &t, &err));
	assert_int_equal(err.len, strlen("the minimum is not a number (\"\")") + 1002);
	sb_free(&err);
}

static void test_streaks(void **state)
{
	(void)state;
	/* reached in periods 1, 2, not 3, then 4, 5, 6: 1, 2, 0, 1, 2, 3 */
	const bool reached[] = { true, true, false, true, true, true };
	const unsigned long want[] = { 1, 2, 0, 1, 2, 3 };
	unsigned long s = 0;
	for (size_t i = 0; i < N(reached); i++) {
		s = streak_next(i ? &s : NULL, reached[i]);
		assert_int_equal(s, want[i]);
	}
	/* a period missing in between (no previous): the streak starts again */
	unsigned long five = 5;
	assert_int_equal(streak_next(&five, true), 6);
	assert_int_equal(streak_next(NULL, true), 1);
	assert_int_equal(streak_next(&five, false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_caps_and_floors),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_rounded_once),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_ranks_and_percentiles),
		cmocka_unit_test(test_rank_values),
		cmocka_unit_test(test_tiers),
		cmocka_unit_test(test_streaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
