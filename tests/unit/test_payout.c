/* Unit tests for spm-score's incentive plans (src/spm-score/plan.c: the rows of a plan
 * file and the checks across them) and payouts (payout.c: exact lines rounded once, their
 * detail, totals and draws). spm-score is not part of the core library, so its two
 * sources are compiled in here.
 *
 * Three properties are checked over thousands of random plans and actuals (a fixed seed:
 * every run checks the same cases): the payout never goes down when the actual goes up,
 * for plans that are monotonic (marginal bands with any rates, retro bands and curves
 * that do not go down, thresholds, bonuses, caps); marginal bands are continuous, so
 * that a cent more of actual never pays more than a cent times the highest rate (plus
 * the cent of rounding), at 100 % as anywhere; and a plan's total is the sum of its
 * rounded lines, to the cent. The worked examples of spm-score(1) are checked by hand,
 * and marginal payouts against an independent computation in integers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/spm-score/payout.c"
#include "../../src/spm-score/plan.c"

/* ---- helpers ---- */

static decimal dec(const char *s)
{
	decimal d;
	if (decimal_parse(s, strlen(s), DECIMAL_POINT, &d) != DECIMAL_OK)
		fail_msg("not a number: %s", s);
	return d;
}

static const char *fmt(decimal d, int places)
{
	static char buf[4][DECIMAL_BUFSIZE];
	static int next;
	char *b = buf[next++ % 4];
	decimal_format(d, places, b, DECIMAL_BUFSIZE);
	return b;
}

/* Rows "plan metric rule lower upper rate" separated by \n, fields by \t, as the lines 2,
 * 3, ... of a file. true when every row and the plan as a whole pass. */
static bool load(struct plan_set *s, const char *text, struct file_problem *fp)
{
	plan_set_init(s, "plan.tsv");
	memset(fp, 0, sizeof *fp);
	char *copy = xstrdup(text), *save = NULL;
	uint64_t line = 1;
	bool ok = true;
	for (char *row = strtok_r(copy, "\n", &save); row && ok; row = strtok_r(NULL, "\n", &save)) {
		char *field[PLAN_COLUMNS];
		size_t len[PLAN_COLUMNS];
		char *p = row;
		for (int c = 0; c < PLAN_COLUMNS; c++) {
			field[c] = p;
			char *tab = c + 1 < PLAN_COLUMNS ? strchr(p, '\t') : NULL;
			if (tab) {
				*tab = '\0';
				p = tab + 1;
			}
			len[c] = strlen(field[c]);
		}
		ok = plan_add_row(s, ++line, field, len, fp);
	}
	free(copy);
	return ok && plan_build(s, fp);
}

/* The plans an unknown --plan-name is told about: in the file's order, at most max. */
static void test_plan_names(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, "base\twon_revenue\trate\t0\t-\t0.05\nsenior\twon_revenue\trate\t0\t-\t0.08\n"
			     "lead\twon_revenue\trate\t0\t-\t0.1",
			 &fp));
	char *all = plan_names(&s, 10), *two = plan_names(&s, 2);
	assert_string_equal(all, "plans: base, senior, lead");
	assert_string_equal(two, "plans: base, senior and 1 more");
	free(all);
	free(two);
	plan_set_free(&s);
	plan_set_init(&s, "plan.tsv");
	char *none = plan_names(&s, 10);
	assert_string_equal(none, "no plans");
	free(none);
	plan_set_free(&s);
}

static const struct plan_metric *metric_of(const struct plan_set *s, const char *plan, const char *metric)
{
	const struct plan *p = plan_find(s, plan);
	assert_non_null(p);
	const struct plan_metric *m = plan_metric_find(p, metric);
	assert_non_null(m);
	return m;
}

/* The input of a row as spm-track writes it: the attainment rounded to 4 decimals. */
static struct payout_input input(decimal actual, decimal target)
{
	struct payout_input in;
	memset(&in, 0, sizeof in);
	in.actual = actual;
	in.target = target;
	in.has_actual = in.has_target = true;
	in.has_attainment = decimal_div(actual, target, 4, ROUND_HALF_AWAY, &in.attainment);
	return in;
}

static decimal pay(const struct plan_metric *m, struct payout_input in, enum decimal_rounding mode, struct text *t)
{
	decimal out;
	assert_int_equal(payout_line(m, &in, mode, &out, t), PAYOUT_OK);
	return out;
}

/* Payout of actual (against target) and its detail, checked. */
static void assert_pay(const struct plan_metric *m, const char *actual, const char *target, const char *payout,
		       const char *detail)
{
	struct text t = { NULL, 0, 0 };
	decimal d = pay(m, input(dec(actual), dec(target)), ROUND_HALF_AWAY, &t);
	assert_string_equal(fmt(d, 2), payout);
	if (detail)
		assert_string_equal(t.s, detail);
	text_free(&t);
}

static void assert_problem(const char *text, uint64_t line, const char *column, const char *message_start)
{
	struct plan_set s;
	struct file_problem fp;
	if (load(&s, text, &fp))
		fail_msg("no problem found in:\n%s", text);
	assert_int_equal(fp.line, line);
	if (column)
		assert_string_equal(fp.column, column);
	if (strncmp(fp.message, message_start, strlen(message_start)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", fp.message, message_start);
	plan_set_free(&s);
}

static const char *const MARGINAL = "m\twon_revenue\trate\t0\t1\t0.05\n"
				    "m\twon_revenue\trate\t1\t1.5\t0.08\n"
				    "m\twon_revenue\trate\t1.5\t-\t0.12\n";

/* ---- worked examples (spm-score(1), PAYOUTS) ---- */

static void test_marginal_examples(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, MARGINAL, &fp));
	const struct plan_metric *m = metric_of(&s, "m", "won_revenue");
	/* 5 % of the first 100,000, 8 % of the next 50,000, 12 % of the 22,000 above */
	assert_pay(m, "172000", "100000", "11640.00",
		   "5% × 100,000.00 + 8% × 50,000.00 + 12% × 22,000.00 = 11,640.00");
	assert_pay(m, "120000", "100000", "6600.00", "5% × 100,000.00 + 8% × 20,000.00 = 6,600.00");
	assert_pay(m, "60000", "100000", "3000.00", "5% × 60,000.00 = 3,000.00");
	assert_pay(m, "0", "100000", "0.00", "5% × 0.00 = 0.00");
	/* a band edge that is not a whole cent: 1.5 × 33,333.33 = 49,999.995; every digit kept:
	 * 1,666.6665 + 1,333.3332 + 1,200.0006 */
	assert_pay(m, "60000", "33333.33", "4200.00",
		   "5% × 33,333.33 + 8% × 16,666.665 + 12% × 10,000.005 = 4,200.0003, rounded to 4,200.00");
	/* a refund: nothing above 0 */
	assert_pay(m, "-500", "100000", "0.00", "5% × 0.00 = 0.00 (an actual below 0 pays nothing)");
	plan_set_free(&s);
}

static void test_retro_examples(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s,
			 "r\twon_revenue\tretro\t0\t1\t0.05\n"
			 "r\twon_revenue\tretro\t1\t1.5\t0.08\n"
			 "r\twon_revenue\tretro\t1.5\t-\t0.12\n",
			 &fp));
	const struct plan_metric *m = metric_of(&s, "r", "won_revenue");
	assert_pay(m, "172000", "100000", "20640.00",
		   "12% × 172,000.00 (retroactive: attainment 172.00% is in the band from 150% up) = 20,640.00");
	/* exactly 100 %: the band from 100 % applies to all of it (a retro plan jumps there) */
	assert_pay(m, "100000", "100000", "8000.00", NULL);
	/* 99.99999 %, though the row's column says 1.0000: the exact attainment counts, so
	 * the band below 100 % (5 %), 4,999.9995 */
	assert_pay(m, "99999.99", "100000", "5000.00",
		   "5% × 99,999.99 (retroactive: attainment 99.99999% is in the band from 0% to 100%) = 4,999.9995, "
		   "rounded to 5,000.00");
	assert_pay(m, "99990", "100000", "4999.50",
		   "5% × 99,990.00 (retroactive: attainment 99.99% is in the band from 0% to 100%) = 4,999.50");
	plan_set_free(&s);
}

static void test_curve_examples(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	/* a decelerator below 50 % (half a percent of incentive per point), 1.5 per point up
	 * to 100 %, an accelerator of 2 per point above it, flat from 150 % */
	assert_true(load(&s,
			 "c\twon_revenue\tcurve\t0\t-\t0\n"
			 "c\twon_revenue\tcurve\t0.5\t\t0.25\n"
			 "c\twon_revenue\tcurve\t1\t-\t1\n"
			 "c\twon_revenue\tcurve\t1.5\t-\t2\n",
			 &fp));
	assert_int_equal(s.nwarnings, 0);
	const struct plan_metric *m = metric_of(&s, "c", "won_revenue");
	struct payout_input in = input(dec("120000"), dec("100000"));
	in.incentive = dec("10000");
	in.has_incentive = true;
	struct text t = { NULL, 0, 0 };
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "14000.00");
	assert_string_equal(t.s, "140% of the target incentive 10,000.00 (attainment 120.00% between the curve's points "
				 "100% → 100% and 150% → 200%) = 14,000.00");
	in = input(dec("30000"), dec("100000"));
	in.incentive = dec("10000");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "1500.00");
	in = input(dec("250000"), dec("100000"));
	in.incentive = dec("10000");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "20000.00");
	assert_string_equal(t.s, "200% of the target incentive 10,000.00 (attainment 250.00% beyond the curve's last "
				 "point 150% → 200%) = 20,000.00");
	in.has_incentive = false;
	decimal out;
	assert_int_equal(payout_line(m, &in, ROUND_HALF_AWAY, &out, &t), PAYOUT_NO_INCENTIVE);
	text_free(&t);
	plan_set_free(&s);
}

/* Every rule reaches its figures by the exact attainment actual ÷ target, not by the
 * 4 decimals of the row's attainment column (issue: a curve paid 14,692.00 for 14,691.36). */
static void test_exact_attainment(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s,
			 "c\tw\tcurve\t1\t-\t1\nc\tw\tcurve\t1.5\t-\t2\n"
			 "t\tw\tcurve\t0\t-\t0\nt\tw\tcurve\t1\t-\t1\nt\tw\tthreshold\t1\t-\t-\nt\tw\tbonus\t1\t-\t100\n"
			 "l\tcycle_days\tcurve\t0\t-\t0\nl\tcycle_days\tcurve\t1\t-\t1\n",
			 &fp));
	const struct plan_metric *c = metric_of(&s, "c", "w");
	struct payout_input in = input(dec("123456.78"), dec("100000"));
	assert_string_equal(fmt(in.attainment, -1), "1.2346"); /* what the row's column says */
	in.incentive = dec("10000");
	in.has_incentive = true;
	struct text t = { NULL, 0, 0 };
	assert_string_equal(fmt(pay(c, in, ROUND_HALF_AWAY, &t), 2), "14691.36");
	assert_string_equal(t.s, "146.91356% of the target incentive 10,000.00 (attainment 123.45678% between the "
				 "curve's points 100% → 100% and 150% → 200%) = 14,691.356, rounded to 14,691.36");
	/* four thirds: the attainment shown to 8 decimals of the percentage, cut, with … */
	in = input(dec("100000"), dec("75000"));
	in.incentive = dec("10000");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(c, in, ROUND_HALF_AWAY, &t), 2), "16666.67");
	assert_string_equal(t.s, "≈ 166.6667% of the target incentive 10,000.00 (attainment 133.33333333…% between the "
				 "curve's points 100% → 100% and 150% → 200%) = 16,666.67");
	/* 99.99999 % reaches neither the threshold at 100 % nor the bonus there, though the
	 * column says 1.0000; 100 % exactly reaches both */
	const struct plan_metric *th = metric_of(&s, "t", "w");
	in = input(dec("99999.99"), dec("100000"));
	in.incentive = dec("1000");
	in.has_incentive = true;
	assert_string_equal(fmt(in.attainment, -1), "1");
	assert_string_equal(fmt(pay(th, in, ROUND_HALF_AWAY, &t), 2), "0.00");
	assert_string_equal(t.s, "threshold 100% not reached (attainment 99.99999%): 0.00");
	in = input(dec("100000"), dec("100000"));
	in.incentive = dec("1000");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(th, in, ROUND_HALF_AWAY, &t), 2), "1100.00");
	assert_string_equal(t.s, "100% of the target incentive 1,000.00 (attainment 100.00% at the curve's point 100% → "
				 "100%) + bonus 100.00 (attainment 100.00% ≥ 100%) = 1,100.00 (threshold 100% reached)");
	/* direction lower: target ÷ actual, exactly (50 ÷ 45 = 1.1111…) */
	const struct plan_metric *lo = metric_of(&s, "l", "cycle_days");
	in = input(dec("45"), dec("50"));
	in.lower = true;
	in.incentive = dec("900");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(lo, in, ROUND_HALF_AWAY, &t), 2), "900.00");
	assert_string_equal(t.s, "100% of the target incentive 900.00 (attainment 111.11111111…% beyond the curve's last "
				 "point 100% → 100%) = 900.00");
	in = input(dec("60"), dec("50")); /* 5/6 of the incentive */
	in.lower = true;
	in.incentive = dec("900");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(lo, in, ROUND_HALF_AWAY, &t), 2), "750.00");
	/* a what-if attainment is exact as given; a row without an actual pays on its column */
	in = input(dec("123456.78"), dec("100000"));
	in.attainment = dec("1.25");
	in.attainment_given = true;
	in.incentive = dec("10000");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(c, in, ROUND_HALF_AWAY, &t), 2), "15000.00");
	in.attainment_given = false;
	in.has_actual = false;
	assert_string_equal(fmt(pay(c, in, ROUND_HALF_AWAY, &t), 2), "15000.00");
	text_free(&t);
	plan_set_free(&s);
}

/* A share that does not end in decimals is divided once, in the rounding. */
static void test_curve_repeating_share(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, "c\twon_revenue\tcurve\t0\t-\t0\nc\twon_revenue\tcurve\t0.3\t-\t0.1\n", &fp));
	const struct plan_metric *m = metric_of(&s, "c", "won_revenue");
	struct payout_input in = input(dec("10000"), dec("100000")); /* 10 %: 1/30 of the incentive */
	in.incentive = dec("10000");
	in.has_incentive = true;
	struct text t = { NULL, 0, 0 };
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "333.33");
	assert_string_equal(t.s, "≈ 3.3333% of the target incentive 10,000.00 (attainment 10.00% between the curve's "
				 "points 0% → 0% and 30% → 10%) = 333.33");
	in.incentive = dec("0.15"); /* 0.005 exactly: half a cent */
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "0.01");
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_EVEN, &t), 2), "0.00");
	text_free(&t);
	plan_set_free(&s);
}

static void test_threshold_bonus_cap(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s,
			 "p\twon_revenue\tthreshold\t0.5\t-\t-\n"
			 "p\twon_revenue\trate\t0\t1\t0.05\n"
			 "p\twon_revenue\trate\t1\t-\t0.08\n"
			 "p\twon_revenue\tbonus\t1\t\t500\n"
			 "p\twon_revenue\tcap\t\t\t10000\n"
			 "p\twin_rate\tbonus\t1\t-\t250\n"
			 "p\t*\tcap\t-\t-\t10500\n",
			 &fp));
	const struct plan_metric *m = metric_of(&s, "p", "won_revenue");
	assert_pay(m, "30000", "100000", "0.00", "threshold 50% not reached (attainment 30.00%): 0.00");
	assert_pay(m, "50000", "100000", "2500.00",
		   "5% × 50,000.00 = 2,500.00 (threshold 50% reached; no bonus 500.00: attainment 50.00% < 100%; cap "
		   "10,000.00 not reached)");
	assert_pay(m, "110000", "100000", "6300.00",
		   "5% × 100,000.00 + 8% × 10,000.00 + bonus 500.00 (attainment 110.00% ≥ 100%) = 6,300.00 (threshold 50% "
		   "reached; cap 10,000.00 not reached)");
	assert_pay(m, "300000", "100000", "10000.00",
		   "5% × 100,000.00 + 8% × 200,000.00 + bonus 500.00 (attainment 300.00% ≥ 100%) = 21,500.00, capped at "
		   "10,000.00 (threshold 50% reached)");
	const struct plan_metric *w = metric_of(&s, "p", "win_rate");
	assert_pay(w, "0.4", "0.5", "0.00", "no bonus 250.00: attainment 80.00% < 100%");
	assert_pay(w, "0.5", "0.5", "250.00", "bonus 250.00 (attainment 100.00% ≥ 100%) = 250.00");
	/* the plan's total: the cap on * */
	decimal lines[2] = { dec("250"), dec("10000") }, total;
	struct text t = { NULL, 0, 0 };
	assert_true(payout_total(plan_find(&s, "p"), lines, 2, &total, &t));
	assert_string_equal(fmt(total, 2), "10250.00");
	assert_string_equal(t.s, "250.00 + 10,000.00 = 10,250.00 (cap 10,500.00 not reached)");
	lines[0] = dec("1000");
	assert_true(payout_total(plan_find(&s, "p"), lines, 2, &total, &t));
	assert_string_equal(fmt(total, 2), "10500.00");
	assert_string_equal(t.s, "1,000.00 + 10,000.00 = 11,000.00, capped at 10,500.00");
	/* no attainment: nothing, and said so */
	struct payout_input none = input(dec("0"), dec("0"));
	assert_false(none.has_attainment);
	assert_string_equal(fmt(pay(w, none, ROUND_HALF_AWAY, &t), 2), "0.00");
	assert_string_equal(t.s, "no attainment (no target, or nothing measured): nothing paid");
	text_free(&t);
	plan_set_free(&s);
}

/* Figures of many digits: products past 128 bits on the way (lib/wide), the line still
 * exact until its one rounding, in both modes, up to the limit of 10^29 and no further. */
static void test_wide_lines(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s,
			 "w\twon_revenue\trate\t0\t1\t0.123456789\n"
			 "w\twon_revenue\trate\t1\t-\t0.876543211\n"
			 "n\twon_revenue\trate\t0\t-\t0.999999999\n"
			 "t\twon_revenue\trate\t0\t-\t2\n"
			 "c\twon_revenue\tcurve\t0.999999999\t-\t0.123456789\n"
			 "c\twon_revenue\tcurve\t1.123456789\t-\t1.987654321\n",
			 &fp));
	struct text t = { NULL, 0, 0 };
	/* each band's product has 40 digits; their sum ends in half a cent */
	const struct plan_metric *w = metric_of(&s, "w", "won_revenue");
	struct payout_input in = input(dec("4691357802469135780246913578.01"), dec("2345678901234567890123456789.005"));
	assert_string_equal(fmt(pay(w, in, ROUND_HALF_AWAY, &t), 2), "2345678901234567890123456789.01");
	assert_string_equal(t.s, "12.3456789% × 2,345,678,901,234,567,890,123,456,789.005 + 87.6543211% × "
				 "2,345,678,901,234,567,890,123,456,789.005 = 2,345,678,901,234,567,890,123,456,789.005, "
				 "rounded to 2,345,678,901,234,567,890,123,456,789.01");
	assert_string_equal(fmt(pay(w, in, ROUND_HALF_EVEN, &t), 2), "2345678901234567890123456789.00");
	/* the sum itself past 128 bits: shown with every one of its 48 digits */
	const struct plan_metric *n = metric_of(&s, "n", "won_revenue");
	assert_pay(n, "179999999999999999999.999999999", "1", "179999999820000000000.00",
		   "99.9999999% × 179,999,999,999,999,999,999.999999999 = "
		   "179,999,999,819,999,999,999.999999999000000001, rounded to 179,999,999,820,000,000,000.00");
	/* a curve whose points, target, actual and incentive all have many digits */
	const struct plan_metric *c = metric_of(&s, "c", "won_revenue");
	in = input(dec("124.987654321"), dec("123.123456789"));
	in.incentive = dec("1000000000.01");
	in.has_incentive = true;
	assert_string_equal(fmt(pay(c, in, ROUND_HALF_AWAY, &t), 2), "352084098.31");
	/* 10^29 is paid; a cent more is refused */
	const struct plan_metric *two = metric_of(&s, "t", "won_revenue");
	assert_pay(two, "50000000000000000000000000000", "1", "100000000000000000000000000000.00", NULL);
	decimal out;
	in = input(dec("50000000000000000000000000000.01"), dec("1"));
	assert_int_equal(payout_line(two, &in, ROUND_HALF_AWAY, &out, &t), PAYOUT_OVERFLOW);
	assert_int_equal(payout_line(two, &in, ROUND_HALF_AWAY, &out, NULL), PAYOUT_OVERFLOW);
	text_free(&t);
	plan_set_free(&s);
}

static void test_rounding_modes(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, "f\twon_revenue\trate\t0\t-\t0.05\n", &fp));
	const struct plan_metric *m = metric_of(&s, "f", "won_revenue");
	struct text t = { NULL, 0, 0 };
	/* 5 % × 33,333.30 = 1,666.665: half a cent */
	struct payout_input in = input(dec("33333.30"), dec("40000"));
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "1666.67");
	assert_string_equal(t.s, "5% × 33,333.30 = 1,666.665, rounded to 1,666.67");
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_EVEN, &t), 2), "1666.66");
	assert_string_equal(t.s, "5% × 33,333.30 = 1,666.665, rounded to 1,666.66");
	/* 5 % × 33,333.10 = 1,666.655: half even goes up to the even 6 */
	in = input(dec("33333.10"), dec("40000"));
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_EVEN, &t), 2), "1666.66");
	assert_string_equal(fmt(pay(m, in, ROUND_HALF_AWAY, &t), 2), "1666.66");
	text_free(&t);
	plan_set_free(&s);
}

static void test_draws(void **state)
{
	(void)state;
	struct text t = { NULL, 0, 0 };
	decimal owed = decimal_zero(), line;
	/* Q1 earns 3,000 of a 5,000 draw: 2,000 advanced */
	assert_true(payout_draw(dec("5000"), dec("3000"), &owed, &line, &t));
	assert_string_equal(fmt(line, 2), "2000.00");
	assert_string_equal(fmt(owed, 2), "2000.00");
	assert_string_equal(t.s, "draw 5,000.00 - earned 3,000.00 = 2,000.00 advanced; owed 2,000.00");
	/* Q2 earns 6,000: 1,000 above the draw, all of it recovered; the draw itself stays */
	assert_true(payout_draw(dec("5000"), dec("6000"), &owed, &line, &t));
	assert_string_equal(fmt(line, 2), "-1000.00");
	assert_string_equal(fmt(owed, 2), "1000.00");
	assert_string_equal(t.s, "earned 6,000.00 - draw 5,000.00 = 1,000.00 above the draw; recovered 1,000.00 of "
				 "2,000.00 owed; owed 1,000.00");
	/* Q3 earns 9,000: the last 1,000 recovered, 8,000 paid */
	assert_true(payout_draw(dec("5000"), dec("9000"), &owed, &line, &t));
	assert_string_equal(fmt(line, 2), "-1000.00");
	assert_string_equal(fmt(owed, 2), "0.00");
	/* Q4 earns 9,000 and owes nothing */
	assert_true(payout_draw(dec("5000"), dec("9000"), &owed, &line, &t));
	assert_string_equal(fmt(line, 2), "0.00");
	assert_string_equal(t.s, "earned 9,000.00 ≥ draw 5,000.00: nothing advanced, nothing owed");
	/* the total's words */
	text_clear(&t);
	text_str(&t, "3,000.00");
	payout_total_draw(&t, dec("3000"), dec("2000"), dec("5000"));
	assert_string_equal(t.s, "earned 3,000.00 + draw advance 2,000.00 = 5,000.00");
	text_clear(&t);
	text_str(&t, "500.00 + 6,000.00 = 6,500.00");
	payout_total_draw(&t, dec("6500"), dec("-1000"), dec("5500"));
	assert_string_equal(t.s, "500.00 + 6,000.00 = 6,500.00; earned 6,500.00 - draw recovered 1,000.00 = 5,500.00");
	text_free(&t);
}

static void test_needs(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, MARGINAL, &fp));
	const struct plan_metric *m = metric_of(&s, "m", "won_revenue");
	struct payout_input in = input(dec("10"), dec("12"));
	decimal out;
	struct text t = { NULL, 0, 0 };
	in.lower = true;
	assert_int_equal(payout_line(m, &in, ROUND_HALF_AWAY, &out, &t), PAYOUT_LOWER);
	in.lower = false;
	in.has_actual = false;
	assert_int_equal(payout_line(m, &in, ROUND_HALF_AWAY, &out, &t), PAYOUT_NO_ACTUAL);
	in.has_actual = true;
	in.target = decimal_zero();
	assert_int_equal(payout_line(m, &in, ROUND_HALF_AWAY, &out, &t), PAYOUT_NO_TARGET);
	/* products past 128 bits on the way (12% × 9,999,999,999,999,999,999,999,999,998.4999999995)
	 * are carried wide: a payout that fits is paid exactly (test_wide_lines: one that
	 * does not is an error, never a wrong number) */
	decimal_units big = 1;
	for (int i = 0; i < 37; i++)
		big *= 10;
	in.actual.units = big + 1; /* 10^28 and a billionth */
	in.target = dec("1.000000001");
	in.attainment = dec("2");
	assert_int_equal(payout_line(m, &in, ROUND_HALF_AWAY, &out, &t), PAYOUT_OK);
	assert_string_equal(fmt(out, 2), "1199999999999999999999999999.91");
	assert_string_equal(t.s, "5% × 1.000000001 + 8% × 0.5000000005 + 12% × 9,999,999,999,999,999,999,999,999,998.4999999995 "
				 "= 1,199,999,999,999,999,999,999,999,999.91000000003, rounded to "
				 "1,199,999,999,999,999,999,999,999,999.91");
	text_free(&t);
	plan_set_free(&s);
}

/* ---- plan checks ---- */

static void test_lint_errors(void **state)
{
	(void)state;
	/* overlapping and gapped bands within one rule kind */
	assert_problem("p\twon_revenue\trate\t0\t1\t0.05\np\twon_revenue\trate\t0.9\t-\t0.08\n", 3, "lower",
		       "overlapping bands: this one overlaps the band on line 2 (0 to 1)");
	assert_problem("p\twon_revenue\tretro\t0\t-\t0.05\np\twon_revenue\tretro\t1\t-\t0.08\n", 3, "lower",
		       "overlapping bands: this one overlaps the band on line 2 (0 and up)");
	assert_problem("p\twon_revenue\trate\t0\t1\t0.05\np\twon_revenue\trate\t1.2\t-\t0.08\n", 3, "lower",
		       "gap: the band on line 2 ends at 1, this one starts at 1.2");
	assert_problem("p\twon_revenue\trate\t0.5\t1\t0.05\np\twon_revenue\trate\t1\t-\t0.08\n", 2, "lower",
		       "gap: the rate bands of won_revenue in plan 'p' start at 0.5");
	assert_problem("p\twon_revenue\tretro\t0\t1\t0.05\np\twon_revenue\tretro\t1\t2\t0.08\n", 3, "upper",
		       "gap: the retro bands of won_revenue in plan 'p' end at 2");
	/* bands listed out of order are fine; the same lower twice overlaps */
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, "p\twon_revenue\trate\t1\t-\t0.08\np\twon_revenue\trate\t0\t1\t0.05\n", &fp));
	plan_set_free(&s);
	assert_problem("p\twon_revenue\trate\t0\t1\t0.05\np\twon_revenue\trate\t0\t-\t0.05\n", 3, "lower",
		       "overlapping bands");
	/* decreasing curve x-values */
	assert_problem("p\tw\tcurve\t0\t-\t0\np\tw\tcurve\t1\t-\t1\np\tw\tcurve\t0.5\t-\t0.5\n", 4, "lower",
		       "decreasing curve x-values: 0.5 comes after 1 on line 3");
	assert_problem("p\tw\tcurve\t0\t-\t0\np\tw\tcurve\t0\t-\t1\n", 3, "lower", "a curve x-value twice");
	/* negative rates and amounts, an unknown rule */
	assert_problem("p\tw\trate\t0\t-\t-0.05\n", 2, "rate", "negative rate");
	assert_problem("p\tw\tbonus\t1\t-\t-5\n", 2, "rate", "negative amount");
	assert_problem("p\tw\tthreshold\t-0.5\t-\t-\n", 2, "lower", "negative attainment");
	assert_problem("p\tw\tcommission\t0\t-\t0.05\n", 2, "rule", "unknown rule");
	/* the rows together */
	assert_problem("p\tw\trate\t0\t-\t0.05\np\tw\tretro\t0\t-\t0.05\n", 3, "rule", "w already pays by rate (line 2)");
	assert_problem("p\tw\trate\t0\t-\t0.05\np\tw\tthreshold\t0.5\t-\t-\np\tw\tthreshold\t0.6\t-\t-\n", 4, "rule",
		       "a second threshold for w (the first is on line 3)");
	assert_problem("p\tw\trate\t0\t-\t0.05\np\t*\tcap\t-\t-\t9\np\t*\tcap\t-\t-\t10\n", 4, "rule",
		       "a second cap for the plan's total");
	assert_problem("p\tw\tbonus\t1\t-\t5\np\tw\tbonus\t1\t-\t10\n", 3, "lower", "a second bonus at attainment 1");
	assert_problem("p\tw\tthreshold\t0.5\t-\t-\n", 2, "rule", "nothing to limit");
	assert_problem("p\t*\tcap\t-\t-\t100\n", 2, "metric", "nothing to limit: plan 'p' pays no metric");
	/* fields */
	assert_problem("p\tw\trate\t0\t\t0.05\n", 2, "upper", "needed by a band");
	assert_problem("p\tw\trate\t1\t1\t0.05\n", 2, "upper", "an empty band");
	assert_problem("p\tw\tcap\t1\t-\t100\n", 2, "lower", "not used by a cap rule");
	assert_problem("p\tw\tbonus\t1\t-\t0.001\n", 2, "rate", "an amount in cents");
	assert_problem("p\t*\tbonus\t1\t-\t5\n", 2, "metric", "* is the plan's total");
	assert_problem("p\tWon\trate\t0\t-\t0.05\n", 2, "metric", "not a metric name");
	assert_problem("\tw\trate\t0\t-\t0.05\n", 2, "plan", "empty plan name");
	assert_problem("p\tw\trate\tx\t-\t0.05\n", 2, "lower", "not a number");
}

/* A curve that goes down is a warning, not an error. */
static void test_lint_warning(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s, "p\tw\tcurve\t0\t-\t0\np\tw\tcurve\t1\t-\t1\np\tw\tcurve\t1.5\t-\t0.8\n", &fp));
	assert_int_equal(s.nwarnings, 1);
	assert_int_equal(s.warning[0].line, 4);
	assert_string_equal(s.warning[0].message,
			    "the payout curve of w in plan 'p' goes down here, from 1 at 1 to 0.8 at 1.5: more attainment pays less");
	plan_set_free(&s);
}

/* ---- properties ---- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long between(long lo, long hi)
{
	return lo + (long)(next_random() % (uint64_t)(hi - lo + 1));
}

static decimal cents(int64_t c)
{
	decimal d = { (decimal_units)c * 10000000 };
	return d;
}

/* A fraction with 4 decimals, from ten-thousandths. */
static decimal frac4(long n)
{
	decimal d = { (decimal_units)n * 100000 };
	return d;
}

static void add_row_text(char *buf, size_t size, const char *rule, const char *lower, const char *upper,
			 const char *rate)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "p\tw\t%s\t%s\t%s\t%s\n", rule, lower, upper, rate);
}

/* A random monotonic plan: bands (marginal with any rates, retro with rates that do not
 * go down) or a curve that does not go down, maybe a threshold, bonuses and a cap. */
static void random_plan(char *buf, size_t size, int base, bool extras)
{
	char lo[32], hi[32], rate[32];
	buf[0] = '\0';
	int n = (int)between(1, 5);
	long at = 0, r = between(0, 800);
	for (int i = 0; i < n; i++) {
		long next = at + between(1, 8000); /* band widths up to 80 % of the target */
		snprintf(lo, sizeof lo, "%s", fmt(frac4(at), -1));
		snprintf(hi, sizeof hi, "%s", i + 1 < n ? fmt(frac4(next), -1) : "-");
		snprintf(rate, sizeof rate, "%s", fmt(frac4(r), -1));
		if (base == RULE_CURVE)
			snprintf(hi, sizeof hi, "-");
		add_row_text(buf, size, rule_names[base], lo, hi, rate);
		at = next;
		r = base == RULE_RATE ? between(0, 2500) : r + between(0, 2500); /* curves and retro never go down */
	}
	if (!extras)
		return;
	if (between(0, 1)) {
		snprintf(lo, sizeof lo, "%s", fmt(frac4(between(0, 15000)), -1));
		add_row_text(buf, size, "threshold", lo, "-", "-");
	}
	for (int b = (int)between(0, 2); b > 0; b--) {
		snprintf(lo, sizeof lo, "%s", fmt(frac4(between(0, 30000) / 100 * 100 + b), -1));
		snprintf(rate, sizeof rate, "%s", fmt(cents(between(0, 500000)), 2));
		add_row_text(buf, size, "bonus", lo, "-", rate);
	}
	if (between(0, 2) == 0) {
		snprintf(rate, sizeof rate, "%s", fmt(cents(between(0, 5000000)), 2));
		add_row_text(buf, size, "cap", "-", "-", rate);
	}
}

/* Payout never goes down as the actual goes up (every rounding mode, cent steps of any
 * size), for 3,000 random monotonic plans. */
static void test_property_monotonic(void **state)
{
	(void)state;
	char text[2048];
	struct text t = { NULL, 0, 0 };
	for (int k = 0; k < 3000; k++) {
		static const int bases[] = { RULE_RATE, RULE_RETRO, RULE_CURVE };
		random_plan(text, sizeof text, bases[k % 3], true);
		struct plan_set s;
		struct file_problem fp;
		if (!load(&s, text, &fp))
			fail_msg("random plan rejected: %s (line %llu)\n%s", fp.message, (unsigned long long)fp.line, text);
		const struct plan_metric *m = metric_of(&s, "p", "w");
		enum decimal_rounding mode = k % 2 ? ROUND_HALF_EVEN : ROUND_HALF_AWAY;
		decimal target = cents(between(1, 20000000)), last = decimal_zero(), incentive = cents(between(0, 3000000));
		int64_t actual = -between(0, 100000);
		for (int i = 0; i < 200; i++) {
			struct payout_input in = input(cents(actual), target);
			in.incentive = incentive;
			in.has_incentive = true;
			decimal now = pay(m, in, mode, &t);
			if (i && decimal_cmp(now, last) < 0)
				fail_msg("payout went down from %s to %s at actual %s, target %s, plan:\n%s", fmt(last, 2),
					 fmt(now, 2), fmt(cents(actual), 2), fmt(target, 2), text);
			last = now;
			actual += between(1, i % 10 == 0 ? 5 : (long)(target.units / 10000000 / 20 + 2));
		}
		plan_set_free(&s);
	}
	text_free(&t);
}

/* Marginal bands are continuous: a cent more of actual pays at most the highest rate of
 * a cent more, plus one cent of rounding: at every band edge (100 % included) and
 * around it, for 2,000 random marginal plans with any rates. */
static void test_property_continuous(void **state)
{
	(void)state;
	char text[2048];
	struct text t = { NULL, 0, 0 };
	for (int k = 0; k < 2000; k++) {
		random_plan(text, sizeof text, RULE_RATE, false); /* thresholds and bonuses are steps by design */
		struct plan_set s;
		struct file_problem fp;
		assert_true(load(&s, text, &fp));
		const struct plan_metric *m = metric_of(&s, "p", "w");
		decimal top = decimal_zero();
		for (size_t i = 0; i < m->nsteps; i++)
			if (decimal_cmp(m->step[i].rate, top) > 0)
				top = m->step[i].rate;
		int64_t target = between(1, 20000000);
		for (size_t i = 0; i < m->nsteps; i++) {
			/* the cent at or below the edge lower × target, and the cents around it */
			decimal edge;
			assert_true(decimal_mul(m->step[i].lower, cents(target), 2, ROUND_HALF_EVEN, &edge));
			int64_t at = (int64_t)(edge.units / 10000000);
			for (int64_t c = at - 2; c <= at + 2; c++) {
				decimal a = pay(m, input(cents(c), cents(target)), ROUND_HALF_AWAY, &t);
				decimal b = pay(m, input(cents(c + 1), cents(target)), ROUND_HALF_AWAY, &t);
				decimal step, most;
				assert_true(decimal_sub(b, a, &step));
				/* top × 0.01, plus a cent of rounding */
				assert_true(decimal_mul(top, cents(1), 9, ROUND_HALF_AWAY, &most));
				assert_true(decimal_add(most, cents(1), &most));
				if (decimal_sign(step) < 0 || decimal_cmp(step, most) > 0)
					fail_msg("a jump of %s between %s and %s (target %s), plan:\n%s", fmt(step, -1),
						 fmt(cents(c), 2), fmt(cents(c + 1), 2), fmt(cents(target), 2), text);
			}
		}
		plan_set_free(&s);
	}
	text_free(&t);
}

/* Marginal payouts against an independent computation in integers: rates in basis points
 * (whole ten-thousandths), amounts in cents, edges at whole percents of a target in
 * whole currency units, so that every band part is whole cents; pay = Σ bp × part ÷
 * 10,000 cents, rounded half away from zero by integer arithmetic. */
static void test_property_marginal_independent(void **state)
{
	(void)state;
	struct text t = { NULL, 0, 0 };
	for (int k = 0; k < 2000; k++) {
		int n = (int)between(1, 4);
		long edge[6], bp[6];
		char text[1024] = "";
		edge[0] = 0;
		for (int i = 0; i < n; i++) {
			edge[i + 1] = edge[i] + between(1, 80); /* percents */
			bp[i] = between(0, 2500);
			char lo[32], hi[32], rate[32];
			snprintf(lo, sizeof lo, "%s", fmt(frac4(edge[i] * 100), -1));
			snprintf(hi, sizeof hi, "%s", i + 1 < n ? fmt(frac4(edge[i + 1] * 100), -1) : "-");
			snprintf(rate, sizeof rate, "%s", fmt(frac4(bp[i]), -1));
			add_row_text(text, sizeof text, "rate", lo, hi, rate);
		}
		struct plan_set s;
		struct file_problem fp;
		assert_true(load(&s, text, &fp));
		const struct plan_metric *m = metric_of(&s, "p", "w");
		int64_t target = between(1, 1000000); /* whole units */
		for (int j = 0; j < 50; j++) {
			int64_t actual = between(0, target * 300); /* cents, up to 3 × target */
			int64_t sum = 0; /* basis points × cents */
			for (int i = 0; i < n; i++) {
				int64_t lo = target * edge[i], hi = i + 1 < n ? target * edge[i + 1] : INT64_MAX; /* cents */
				int64_t top = actual < hi ? actual : hi, part = top > lo ? top - lo : 0;
				sum += bp[i] * part;
			}
			int64_t want = (sum + 5000) / 10000; /* half away from zero, sum >= 0 */
			decimal got = pay(m, input(cents(actual), cents(target * 100)), ROUND_HALF_AWAY, &t);
			if (decimal_cmp(got, cents(want)) != 0)
				fail_msg("%s instead of %s for actual %s, target %lld, plan:\n%s", fmt(got, 2), fmt(cents(want), 2),
					 fmt(cents(actual), 2), (long long)target, text);
		}
		plan_set_free(&s);
	}
	text_free(&t);
}

/* A plan's total is the sum of its rounded lines, exactly, below its cap; at the cap
 * when above it. */
static void test_property_total_is_sum(void **state)
{
	(void)state;
	struct plan_set s;
	struct file_problem fp;
	assert_true(load(&s,
			 "a\tw\trate\t0\t1\t0.0375\na\tw\trate\t1\t-\t0.0625\na\tv\tbonus\t1\t-\t333.33\n"
			 "b\tw\trate\t0\t-\t0.0333\nb\tv\tretro\t0\t1\t0.017\nb\tv\tretro\t1\t-\t0.021\nb\t*\tcap\t-\t-\t25000\n",
			 &fp));
	struct text t = { NULL, 0, 0 };
	for (int k = 0; k < 20000; k++) {
		const struct plan *p = &s.plan[k % 2];
		decimal line[2], total, sum = decimal_zero();
		for (size_t i = 0; i < 2; i++) {
			/* odd cents and odd rates: lines that are rounded */
			line[i] = pay(&p->metric[i], input(cents(between(0, 100000000)), cents(between(1, 50000000))),
				      k % 4 < 2 ? ROUND_HALF_AWAY : ROUND_HALF_EVEN, &t);
			assert_true(decimal_cmp(decimal_round(line[i], 2, ROUND_HALF_EVEN), line[i]) == 0); /* cents */
			assert_true(decimal_add(sum, line[i], &sum));
		}
		assert_true(payout_total(p, line, 2, &total, &t));
		if (p->has_cap && decimal_cmp(sum, p->cap.rate) > 0)
			assert_true(decimal_cmp(total, p->cap.rate) == 0);
		else
			assert_true(decimal_cmp(total, sum) == 0);
	}
	text_free(&t);
	plan_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_names),
		cmocka_unit_test(test_marginal_examples),
		cmocka_unit_test(test_retro_examples),
		cmocka_unit_test(test_curve_examples),
		cmocka_unit_test(test_curve_repeating_share),
		cmocka_unit_test(test_exact_attainment),
		cmocka_unit_test(test_threshold_bonus_cap),
		cmocka_unit_test(test_rounding_modes),
		cmocka_unit_test(test_wide_lines),
		cmocka_unit_test(test_draws),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_lint_errors),
		cmocka_unit_test(test_lint_warning),
		cmocka_unit_test(test_property_monotonic),
		cmocka_unit_test(test_property_continuous),
		cmocka_unit_test(test_property_marginal_independent),
		cmocka_unit_test(test_property_total_is_sum),
	};
	diag_set_program("test_payout");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
