/* Progress against a goal: elapsed share of a period in calendar or working days, and the
 * progress columns as exact fractions, so that no rounding happens before printing. */
#include "progress.h"

#include "wide.h"

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
static inline struct fraction normalized(struct fraction f)
{
	if (f.den == 0)
		return (struct fraction){ 0, 0, FRACTION_EXACT };
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
	return normalized((struct fraction){ d.units, SCALE, FRACTION_EXACT });
}

struct fraction fraction_ratio(decimal num, decimal den)
{
	return normalized((struct fraction){ num.units, den.units, FRACTION_EXACT });
}

bool fraction_defined(struct fraction f)
{
	return f.den != 0;
}

/* A cut fraction (floor(v × 10^9) billionths and a part of one more) rounded half away
 * from zero: the part decides only at 9 places; at fewer, a step of 10^k billionths is
 * even, so the kept billionths alone say whether the rest passes half a step (never
 * exactly half: the part is more than nothing and less than a billionth). */
__attribute__((noinline, cold)) static bool round_cut(struct fraction f, int places, decimal *out)
{
	static const magnitude steps[] = { 1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1 };
	const magnitude limit = (magnitude)10000000000000000000u * 10000000000000000000u; /* ±10^29 */
	bool negative = f.num < 0;
	/* −(Q + e) = (−Q − 1) + (1 − e): the magnitude's floor, and the part mirrored */
	magnitude q = negative ? (magnitude)(-(f.num + 1)) : (magnitude)f.num;
	int cut = negative ? FRACTION_CUT_BELOW_HALF + FRACTION_CUT_ABOVE_HALF - f.cut : f.cut;
	if (places < 0 || places > DECIMAL_PLACES)
		places = DECIMAL_PLACES;
	magnitude step = steps[places], kept = q / step * step;
	bool up = step == 1 ? cut >= FRACTION_CUT_HALF : q - kept >= step / 2;
	magnitude m = kept + (up ? step : 0);
	if (m > limit)
		return false;
	out->units = negative ? -(decimal_units)m : (decimal_units)m;
	return true;
}

bool fraction_round(struct fraction f, int places, decimal *out)
{
	decimal num = { f.num }, den = { f.den };
	if (f.cut && f.den != 0)
		return round_cut(f, places, out);
	return f.den != 0 && decimal_div(num, den, places, ROUND_HALF_AWAY, out);
}

static const struct fraction UNDEFINED = { 0, 0, FRACTION_EXACT };

/* Arithmetic that remembers an overflow instead of wrapping: the fast path, 128-bit
 * fractions, which nearly every row fits. On an overflow progress_compute starts again on
 * the wide path below. */
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
	struct fraction r = UNDEFINED;
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
	return multiply(x, a, normalized((struct fraction){ b.den, b.num, FRACTION_EXACT }));
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
	return normalized((struct fraction){ l, d, FRACTION_EXACT });
}

/* ---- the wide path ----
 *
 * Why this way: reducing by the gcd before multiplying (done above) cannot be enough. A
 * value in the decimal range may need a step past 128 bits (an average of
 * (3×10^28 − 10^-9)/3 against a target of 10^28 + 10^-9: the gap is 4/(3×10^9), its cross
 * products 3×10^46), or have no 128-bit fraction at all (a target of 10^29 − 10^-9 at 46 of
 * 91 days expects (10^38 − 1) × 23/(91 × 5×10^8), in lowest terms). Such values are found
 * exactly from the inputs' terms in lib/wide, and each is cut to the 9 decimals that are
 * ever printed, with the class of what was cut (struct fraction, cut): struct fraction
 * keeps 128-bit terms, so the fast path stays as it was, and a cut value rounds and
 * compares with thresholds exactly as the value does. Products here have at most three
 * factors of 127 bits and one of 10^9 (under 420 bits): WIDE_LIMBS (640 bits) never
 * overflows, so the checked results of lib/wide are not looked at. */

/* The product of n factors. */
static wide_int product(const decimal_units *factor, int n)
{
	wide_int p, f;
	wide_from_units(1, &p);
	for (int i = 0; i < n; i++) {
		wide_from_units(factor[i], &f);
		(void)wide_mul(&p, &f, &p);
	}
	return p;
}

/* num/den (den != 0) as a struct fraction: exact (lowest terms) when the value is a whole
 * number of billionths, else cut to 9 decimals; held at ±(2^127 − 1) billionths past those. */
static struct fraction narrowed(wide_int num, wide_int den)
{
	const decimal_units top = (decimal_units)(~(magnitude)0 >> 1);
	bool negative = wide_sign(&num) * wide_sign(&den) < 0;
	wide_int q, r, twice;
	decimal_units v;
	num.negative = den.negative = false; /* floor of the magnitude; the sign is put back below */
	(void)wide_mul_pow10(&num, DECIMAL_PLACES, &num);
	wide_divide(&num, &den, &q, &r);
	if (!wide_to_units(&q, &v)) /* q >= 2^127 */
		return (struct fraction){ negative ? -top : top, SCALE, FRACTION_EXACT };
	if (wide_sign(&r) == 0)
		return normalized((struct fraction){ negative ? -v : v, SCALE, FRACTION_EXACT });
	(void)wide_add(&r, &r, &twice);
	int c = wide_cmp(&twice, &den); /* what was cut against half of 10^-9 */
	uint8_t cut = c < 0 ? FRACTION_CUT_BELOW_HALF : c == 0 ? FRACTION_CUT_HALF : FRACTION_CUT_ABOVE_HALF;
	if (!negative)
		return (struct fraction){ v, SCALE, cut };
	/* −(q + e) = (−q − 1) + (1 − e): the floor one lower, the cut mirrored */
	return (struct fraction){ -v - 1, SCALE, (uint8_t)(FRACTION_CUT_BELOW_HALF + FRACTION_CUT_ABOVE_HALF - cut) };
}

/* (n[0] × … × n[nn−1]) ÷ (d[0] × … × d[nd−1]); undefined when that divisor is 0. */
static struct fraction wide_ratio(const decimal_units *n, int nn, const decimal_units *d, int nd)
{
	wide_int den = product(d, nd);
	if (wide_sign(&den) == 0)
		return UNDEFINED;
	return narrowed(product(n, nn), den);
}

/* Sign of a − b, both defined, b exact (cut FRACTION_EXACT) with a denominator dividing
 * 10^9 when a is cut (a decimal's fraction); by 256-bit cross products in lib/wide. */
static int compare_wide(struct fraction a, struct fraction b)
{
	wide_int left = product((decimal_units[]){ a.num, b.den }, 2);
	wide_int right = product((decimal_units[]){ b.num, a.den }, 2);
	int c = wide_cmp(&left, &right);
	/* cut: a is num/den and a little more. Both cross products are multiples of b.den,
	 * so left < right leaves room for that little more below right. */
	return a.cut && c == 0 ? 1 : c;
}

/* Sign of a − b as compare_wide says, on 128 bits when the cross products fit. */
static int compare(struct fraction a, struct fraction b)
{
	decimal_units l, r;
	if (a.cut || __builtin_mul_overflow(a.num, b.den, &l) || __builtin_mul_overflow(b.num, a.den, &r))
		return compare_wide(a, b);
	return (l > r) - (l < r);
}

/* Sign of a defined value. */
static int sign_of(struct fraction f)
{
	if (f.cut) /* floor num/den and a part of 10^-9 more: positive from floor 0 up */
		return f.num >= 0 ? 1 : -1;
	return (f.num > 0) - (f.num < 0);
}

/* ---- progress ---- */

static const char *const status_names[STATUS_COUNT] = { "achieved",	 "ahead",   "on_track", "behind",
							"missed",	 "not_started", "no_data", "early" };

const char *goal_status_name(enum goal_status s)
{
	return (size_t)s < STATUS_COUNT ? status_names[s] : "behind";
}

bool goal_status_parse(const char *s, size_t len, enum goal_status *out)
{
	for (int st = 0; st < STATUS_COUNT; st++)
		if (strncmp(status_names[st], s, len) == 0 && status_names[st][len] == '\0') {
			*out = (enum goal_status)st;
			return true;
		}
	return false;
}

struct status_thresholds default_thresholds(void)
{
	struct status_thresholds t;
	decimal_parse("1", 1, DECIMAL_POINT, &t.achieved);
	decimal_parse("1.1", 3, DECIMAL_POINT, &t.ahead);
	decimal_parse("0.9", 3, DECIMAL_POINT, &t.on_track);
	decimal_parse("0.1", 3, DECIMAL_POINT, &t.early);
	return t;
}

/* The share of the period behind the as-of date; a period with no counted day at all
 * (a weekend week under --workdays) is 0 until its last day, then 1. */
static struct fraction elapsed_share(const struct elapsed *e)
{
	if (e->total <= 0)
		return (struct fraction){ e->over ? 1 : 0, 1, FRACTION_EXACT };
	return normalized((struct fraction){ e->done, e->total, FRACTION_EXACT });
}

static bool is_achieved(const struct goal_measure *g, const struct progress *p, const struct status_thresholds *t)
{
	if (!fraction_defined(g->actual))
		return false;
	if (fraction_defined(p->attainment))
		return compare(p->attainment, fraction_of(t->achieved)) >= 0;
	/* target 0 (higher) or actual 0 (lower): the ratio is infinite; compare directly */
	int c = compare(g->actual, fraction_of(g->target));
	return g->lower ? c <= 0 : c >= 0;
}

/* At least the share early of the period has passed (or it is over): its pace means
 * something. Exact: done ÷ total >= early, as done × 10^9 >= early's billionths × total. */
static bool is_settled(const struct elapsed *e, decimal early)
{
	if (e->over)
		return true;
	if (e->total <= 0) /* no counted day: 0 of the period has passed until its last day */
		return decimal_sign(early) <= 0;
	return (decimal_units)e->done * SCALE >= early.units * e->total;
}

static enum goal_status status_of(const struct goal_measure *g, const struct progress *p,
				  const struct status_thresholds *t)
{
	/* Which way the actual can still move before the period ends: a sum or a count only
	 * grows, a maximum only rises, a minimum only falls; a ratio or an average (a level)
	 * goes both ways. */
	enum goal_course course = g->cumulative ? COURSE_RISES : g->course;
	bool rises = course == COURSE_RISES, falls = course == COURSE_FALLS;
	/* Reaching the target is final before the period ends only where the actual can move
	 * no way but further past it (a total or a maximum of direction higher, a minimum of
	 * direction lower). A win rate at 64 % of a 60 % goal in mid-quarter can still fall
	 * under it: not achieved until the period is over. */
	bool final_when_met = (rises && !g->lower) || (falls && g->lower);
	/* A ceiling: the actual only moves against the goal (a total or a maximum kept under a
	 * limit, a minimum kept over a floor): being within it says nothing until the period
	 * ends, and once past it, it stays past. */
	bool ceiling = (rises && g->lower) || (falls && !g->lower);
	/* Early in a period the pace of a few days is noise (0 deals on day 2 of a quarter,
	 * where 0.6 were expected, is not "behind"); only a final word is said then: a total
	 * that reached its target, or a ceiling already passed. */
	bool settled = is_settled(&g->elapsed, t->early);
	if (!g->elapsed.started)
		return STATUS_NOT_STARTED;
	bool met = is_achieved(g, p, t);
	if ((g->elapsed.over || final_when_met) && met)
		return STATUS_ACHIEVED;
	/* Nothing to measure (a ratio of no closed deal, an average of no row): neither
	 * behind nor missed, whether the period runs or is over. */
	if (!fraction_defined(g->actual))
		return STATUS_NO_DATA;
	if (g->elapsed.over)
		return STATUS_MISSED;
	if (ceiling) {
		int c = compare(g->actual, fraction_of(g->target));
		if (g->lower ? c > 0 : c < 0)
			return STATUS_BEHIND;
	}
	if (!settled)
		return STATUS_EARLY;
	if (!fraction_defined(p->pace)) {
		/* higher: nothing expected yet (elapsed 0, or a target of 0), so any progress is
		 * ahead; lower: nothing spent yet, which is ahead of any allowance */
		bool ahead = g->lower ? sign_of(p->expected) > 0 : g->actual.num > 0;
		return ahead ? STATUS_AHEAD : STATUS_ON_TRACK;
	}
	if (compare(p->pace, fraction_of(t->ahead)) >= 0)
		return STATUS_AHEAD;
	/* A level at its target while the period runs (its pace is its attainment): on track
	 * at least, whatever --on-track says, for it would be achieved were the period over. */
	if (compare(p->pace, fraction_of(t->on_track)) >= 0 || (!g->cumulative && met))
		return STATUS_ON_TRACK;
	return STATUS_BEHIND;
}

/* The values of progress_compute from the terms of actual, target and share, in lib/wide
 * (the wide path: a step of the fast one did not fit 128 bits). The same formulas, each
 * one ratio of products of terms; a ratio whose divisor is 0 has no value, as there. */
__attribute__((noinline, cold)) static void progress_wide(const struct goal_measure *g, struct fraction actual, struct fraction target,
			  struct fraction share, struct progress *out)
{
	decimal_units an = actual.num, ad = actual.den, tn = target.num, td = target.den;
	decimal_units sn = share.num, sd = share.den; /* an = ad = 0: no actual, no divisor */
	bool has_actual = fraction_defined(actual);
	out->expected = target;
	if (g->cumulative) /* target × share */
		out->expected = wide_ratio((decimal_units[]){ tn, sn }, 2, (decimal_units[]){ td, sd }, 2);
	out->attainment = g->lower ? wide_ratio((decimal_units[]){ tn, ad }, 2, (decimal_units[]){ td, an }, 2)
				   : wide_ratio((decimal_units[]){ an, td }, 2, (decimal_units[]){ ad, tn }, 2);
	out->pace = out->attainment;
	if (g->cumulative) /* against expected = target × share */
		out->pace = g->lower ? wide_ratio((decimal_units[]){ tn, sn, ad }, 3, (decimal_units[]){ td, sd, an }, 3)
				     : wide_ratio((decimal_units[]){ an, td, sd }, 3, (decimal_units[]){ ad, tn, sn }, 3);
	out->projected = !has_actual ? UNDEFINED
		       : g->cumulative ? wide_ratio((decimal_units[]){ an, sd }, 2, (decimal_units[]){ ad, sn }, 2)
				       : actual;
	out->gap = UNDEFINED;
	if (has_actual) { /* target − actual (higher) or actual − target, over td × ad; 0 if not short */
		wide_int t_ad = product((decimal_units[]){ tn, ad }, 2);
		wide_int a_td = product((decimal_units[]){ an, td }, 2);
		wide_int short_by;
		(void)wide_sub(g->lower ? &a_td : &t_ad, g->lower ? &t_ad : &a_td, &short_by);
		out->gap = wide_sign(&short_by) <= 0 ? (struct fraction){ 0, 1, FRACTION_EXACT }
						     : narrowed(short_by, product((decimal_units[]){ td, ad }, 2));
	}
}

void progress_compute(const struct goal_measure *g, const struct status_thresholds *t,
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
		out->gap = short_by.num > 0 ? short_by : (struct fraction){ 0, 1, FRACTION_EXACT };
	}
	if (x.overflow) /* rare: all of them again, on the wide path */
		progress_wide(g, actual, target, share, out);
	out->status = status_of(g, out, t);
}
