/* Progress against a goal: elapsed share of a period in calendar or working days, and the
 * progress columns as exact fractions, so that no rounding happens before printing. */
#include "progress.h"

#include <string.h>

__extension__ typedef unsigned __int128 magnitude;

static const decimal_units SCALE = 1000000000; /* 10^DECIMAL_PLACES */

/* ---- days ---- */

/* Monday-to-Friday days in [1969-12-29, d) (a Monday), negative before it. */
static int64_t weekdays_before(spm_day d)
{
	int64_t x = (int64_t)d + 3;
	int64_t weeks = x >= 0 ? x / 7 : -((-x + 6) / 7);
	int64_t rest = x - weeks * 7; /* 0 (Monday) .. 6 (Sunday) */
	return weeks * 5 + (rest < 5 ? rest : 5);
}

/* Index of the first holiday on or after d. */
static size_t first_holiday_from(const struct work_calendar *cal, spm_day d)
{
	size_t lo = 0, hi = cal->nholidays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cal->holidays[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t counted_days(const struct work_calendar *cal, spm_day lo, spm_day hi)
{
	if (hi <= lo)
		return 0;
	bool workdays = cal && cal->workdays;
	int64_t n = workdays ? weekdays_before(hi) - weekdays_before(lo) : (int64_t)hi - lo;
	if (!cal)
		return n;
	for (size_t i = first_holiday_from(cal, lo); i < cal->nholidays && cal->holidays[i] < hi; i++)
		if (!workdays || iso_weekday(cal->holidays[i]) <= 5)
			n--; /* a holiday on a weekend is not a working day anyway */
	return n;
}

struct elapsed period_elapsed(struct period p, spm_day as_of, const struct work_calendar *cal)
{
	struct elapsed e;
	spm_day end = period_end(p);
	e.total = counted_days(cal, p.start, end);
	e.started = as_of >= p.start;
	e.over = as_of >= end - 1;
	e.done = e.started ? counted_days(cal, p.start, as_of < end ? as_of + 1 : end) : 0;
	return e;
}

/* ---- exact fractions ---- */

static magnitude magnitude_of(decimal_units v)
{
	return v < 0 ? (magnitude)0 - (magnitude)v : (magnitude)v;
}

static magnitude gcd(magnitude a, magnitude b)
{
	if (a <= UINT64_MAX && b <= UINT64_MAX) { /* most values: a 128-bit remainder is a library call */
		uint64_t x = (uint64_t)a, y = (uint64_t)b;
		while (y) {
			uint64_t t = x % y;
			x = y;
			y = t;
		}
		return x;
	}
	while (b) {
		magnitude t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Lowest terms, positive denominator; an undefined fraction stays {0, 0}. */
static struct fraction normalized(struct fraction f)
{
	if (f.den == 0)
		return (struct fraction){ 0, 0 };
	if (f.den < 0) {
		f.num = -f.num;
		f.den = -f.den;
	}
	magnitude g = gcd(magnitude_of(f.num), magnitude_of(f.den));
	if (g > 1) {
		f.num /= (decimal_units)g;
		f.den /= (decimal_units)g;
	}
	return f;
}

struct fraction fraction_of(decimal d)
{
	return normalized((struct fraction){ d.units, SCALE });
}

struct fraction fraction_ratio(decimal num, decimal den)
{
	return normalized((struct fraction){ num.units, den.units });
}

bool fraction_defined(struct fraction f)
{
	return f.den != 0;
}

bool fraction_round(struct fraction f, int places, decimal *out)
{
	decimal num = { f.num }, den = { f.den };
	return f.den != 0 && decimal_div(num, den, places, ROUND_HALF_AWAY, out);
}

static const struct fraction UNDEFINED = { 0, 0 };

/* Arithmetic that remembers an overflow instead of wrapping. */
struct exact {
	bool overflow;
};

static struct fraction multiply(struct exact *x, struct fraction a, struct fraction b)
{
	if (a.den == 0 || b.den == 0)
		return UNDEFINED;
	/* cross-reduce first: keeps the products small */
	magnitude g1 = gcd(magnitude_of(a.num), magnitude_of(b.den));
	magnitude g2 = gcd(magnitude_of(b.num), magnitude_of(a.den));
	if (g1 > 1) {
		a.num /= (decimal_units)g1;
		b.den /= (decimal_units)g1;
	}
	if (g2 > 1) {
		b.num /= (decimal_units)g2;
		a.den /= (decimal_units)g2;
	}
	struct fraction r;
	if (__builtin_mul_overflow(a.num, b.num, &r.num) || __builtin_mul_overflow(a.den, b.den, &r.den)) {
		x->overflow = true;
		return UNDEFINED;
	}
	return normalized(r);
}

/* a ÷ b; undefined when b is zero or undefined. */
static struct fraction divide(struct exact *x, struct fraction a, struct fraction b)
{
	if (b.den == 0 || b.num == 0)
		return UNDEFINED;
	return multiply(x, a, normalized((struct fraction){ b.den, b.num }));
}

static struct fraction subtract(struct exact *x, struct fraction a, struct fraction b)
{
	if (a.den == 0 || b.den == 0)
		return UNDEFINED;
	decimal_units l, r, d;
	if (__builtin_mul_overflow(a.num, b.den, &l) || __builtin_mul_overflow(b.num, a.den, &r) ||
	    __builtin_sub_overflow(l, r, &l) || __builtin_mul_overflow(a.den, b.den, &d)) {
		x->overflow = true;
		return UNDEFINED;
	}
	return normalized((struct fraction){ l, d });
}

/* Sign of a − b, both defined. */
static int compare(struct exact *x, struct fraction a, struct fraction b)
{
	decimal_units l, r;
	if (__builtin_mul_overflow(a.num, b.den, &l) || __builtin_mul_overflow(b.num, a.den, &r)) {
		x->overflow = true;
		return 0;
	}
	return (l > r) - (l < r);
}

/* ---- progress ---- */

const char *goal_status_name(enum goal_status s)
{
	static const char *const names[STATUS_COUNT] = { "achieved", "ahead", "on_track", "behind", "missed",
							 "not_started", "no_data" };
	return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "behind";
}

struct status_thresholds default_thresholds(void)
{
	struct status_thresholds t;
	decimal_parse("1", 1, DECIMAL_POINT, &t.achieved);
	decimal_parse("1.1", 3, DECIMAL_POINT, &t.ahead);
	decimal_parse("0.9", 3, DECIMAL_POINT, &t.on_track);
	return t;
}

/* The share of the period behind the as-of date; a period with no counted day at all
 * (a weekend week under --workdays) is 0 until its last day, then 1. */
static struct fraction elapsed_share(const struct elapsed *e)
{
	if (e->total <= 0)
		return (struct fraction){ e->over ? 1 : 0, 1 };
	return normalized((struct fraction){ e->done, e->total });
}

static bool is_achieved(struct exact *x, const struct goal_measure *g, const struct progress *p,
			const struct status_thresholds *t)
{
	if (!fraction_defined(g->actual))
		return false;
	if (fraction_defined(p->attainment))
		return compare(x, p->attainment, fraction_of(t->achieved)) >= 0;
	/* target 0 (higher) or actual 0 (lower): the ratio is infinite; compare directly */
	int c = compare(x, g->actual, fraction_of(g->target));
	return g->lower ? c <= 0 : c >= 0;
}

static enum goal_status status_of(struct exact *x, const struct goal_measure *g, const struct progress *p,
				  const struct status_thresholds *t)
{
	/* A total that only grows, kept under a ceiling (direction lower, cumulative): being
	 * under it says nothing until the period ends, and once above it, it stays above. */
	bool ceiling = g->lower && g->cumulative;
	if (!g->elapsed.started)
		return STATUS_NOT_STARTED;
	if ((!ceiling || g->elapsed.over) && is_achieved(x, g, p, t))
		return STATUS_ACHIEVED;
	/* Nothing to measure (a ratio of no closed deal, an average of no row): neither
	 * behind nor missed, whether the period runs or is over. */
	if (!fraction_defined(g->actual))
		return STATUS_NO_DATA;
	if (g->elapsed.over)
		return STATUS_MISSED;
	if (ceiling && compare(x, g->actual, fraction_of(g->target)) > 0)
		return STATUS_BEHIND;
	if (!fraction_defined(p->pace)) {
		/* higher: nothing expected yet (elapsed 0, or a target of 0), so any progress is
		 * ahead; lower: nothing spent yet, which is ahead of any allowance */
		bool ahead = g->lower ? p->expected.num > 0 : g->actual.num > 0;
		return ahead ? STATUS_AHEAD : STATUS_ON_TRACK;
	}
	if (compare(x, p->pace, fraction_of(t->ahead)) >= 0)
		return STATUS_AHEAD;
	if (compare(x, p->pace, fraction_of(t->on_track)) >= 0)
		return STATUS_ON_TRACK;
	return STATUS_BEHIND;
}

bool progress_compute(const struct goal_measure *g, const struct status_thresholds *t,
		      struct progress *out)
{
	struct exact x = { false };
	struct fraction actual = normalized(g->actual);
	struct fraction target = fraction_of(g->target);
	struct fraction share = elapsed_share(&g->elapsed);
	bool has_actual = fraction_defined(actual);

	memset(out, 0, sizeof *out);
	out->expected = g->cumulative ? multiply(&x, target, share) : target;
	out->attainment = g->lower ? divide(&x, target, actual) : divide(&x, actual, target);
	if (g->cumulative)
		out->pace = g->lower ? divide(&x, out->expected, actual) : divide(&x, actual, out->expected);
	else
		out->pace = out->attainment;
	out->projected = !has_actual ? UNDEFINED : g->cumulative ? divide(&x, actual, share) : actual;
	out->gap = UNDEFINED;
	if (has_actual) {
		struct fraction short_by = g->lower ? subtract(&x, actual, target) : subtract(&x, target, actual);
		out->gap = short_by.num > 0 ? short_by : (struct fraction){ 0, 1 };
	}
	out->status = status_of(&x, g, out, t);
	return !x.overflow;
}
