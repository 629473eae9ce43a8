/* Paying one progress row under a plan, exactly. Every product of the arithmetic keeps all
 * of its digits (a rate of 0.075 times a band of 41,666.6625 is 3,124.9996875) until the
 * line's one rounding to the cent; a curve's interpolation is kept as a fraction and
 * divided once, in that rounding. The detail says in words what was computed, with the
 * numbers a rep can check on a calculator. No binary floating point anywhere. */
#include "plan.h"

#include "diag.h"
#include "wide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- exact amounts: m × 10^-e, built on the core's 128-bit decimal units ---- */

/* Not a second decimal type: the core's decimal keeps 9 decimals, and a product of two of
 * them has 18. This holds such products (and their sums) without rounding them, so that
 * a payout is rounded once, to the cent, and never before. A product of figures with many
 * digits can outgrow 128 bits on the way to a payout that fits (a rate of 9 decimals on an
 * actual of 9 decimals near 10^20; a curve's four factors); its digits are then a wide
 * integer of lib/wide, kept in the line's pool, and m holds only its sign. */
struct exact {
	decimal_units m; /* the digits; when wide, their sign (-1 or 1) */
	int e;           /* the decimals; when wide, plus EX_WIDE × (1 + the digits' index in the pool) */
};

/* The wide digits of the line being paid: none in an ordinary line, a few in a line of
 * figures with many digits; freed when the line is done (ex_pool_release). */
static _Thread_local struct {
	wide_int *v;
	size_t n, cap;
} pool;

/* Wide in e, not in a field of its own: {m, e} is what the ordinary line passes around,
 * and one more field made every call dearer (ex_sub's two values and result no longer
 * fit the registers). A narrow path asks (a.e | b.e) < EX_WIDE and reads e as it is. */
enum { EX_WIDE = 64 };

static bool ex_is_wide(struct exact a)
{
	return a.e >= EX_WIDE;
}

static int ex_places(struct exact a)
{
	return a.e % EX_WIDE;
}

static const wide_int *ex_wide_digits(struct exact a)
{
	return &pool.v[a.e / EX_WIDE - 1];
}

static void ex_pool_release(void)
{
	free(pool.v);
	pool.v = NULL;
	pool.n = pool.cap = 0;
}

static bool pow10_of(int n, decimal_units *out)
{
	if (n < 0 || n > 38)
		return false;
	decimal_units p = 1;
	while (n-- > 0)
		p *= 10;
	*out = p;
	return true;
}

/* Trailing zeros dropped, so that products stay small. Most amounts fit 64 bits, where
 * a division is a fraction of the cost of a 128-bit one. */
static struct exact ex_norm(struct exact a)
{
	if (a.m == 0)
		a.e = 0;
	if (a.m >= INT64_MIN && a.m <= INT64_MAX) {
		int64_t m = (int64_t)a.m;
		while (a.e >= 4 && m % 10000 == 0) {
			m /= 10000;
			a.e -= 4;
		}
		while (a.e > 0 && m % 10 == 0) {
			m /= 10;
			a.e--;
		}
		a.m = m;
		return a;
	}
	while (a.e > 0 && a.m % 10 == 0) {
		a.m /= 10;
		a.e--;
	}
	return a;
}

static struct exact ex_of(decimal d)
{
	struct exact a = { d.units, DECIMAL_PLACES };
	return ex_norm(a);
}

static struct exact ex_int(int n)
{
	struct exact a = { n, 0 };
	return a;
}

static void ex_digits(struct exact a, wide_int *w)
{
	if (ex_is_wide(a))
		*w = *ex_wide_digits(a);
	else
		wide_from_units(a.m, w);
}

/* w × 10^-e, trailing zeros dropped: back in 128 bits when it fits, else in the pool. */
static struct exact ex_from_wide(wide_int *w, int e)
{
	struct exact a = { 0, e };
	while (a.e > 0 && wide_div10_exact(w))
		a.e--;
	if (wide_to_units(w, &a.m))
		return ex_norm(a);
	xgrow((void **)&pool.v, &pool.cap, pool.n + 1, sizeof *pool.v);
	pool.v[pool.n++] = *w;
	a.m = wide_sign(w);
	a.e += EX_WIDE * (int)pool.n;
	return a;
}

/* a's digits at e decimals (e >= a.e). */
static bool ex_at(struct exact a, int e, decimal_units *m)
{
	decimal_units p;
	return pow10_of(e - a.e, &p) && !__builtin_mul_overflow(a.m, p, m);
}

/* The paths past 128 bits are out of line: the ordinary line's code stays as small (and
 * as inlined) as it was without them. */
#define WIDE_PATH __attribute__((cold, noinline))

/* a + b, or a - b with sub, past 128 bits. */
WIDE_PATH static bool ex_add_wide(struct exact a, struct exact b, bool sub, struct exact *out)
{
	int ea = ex_places(a), eb = ex_places(b), e = ea > eb ? ea : eb;
	wide_int x, y;
	ex_digits(a, &x);
	ex_digits(b, &y);
	if (!wide_mul_pow10(&x, e - ea, &x) || !wide_mul_pow10(&y, e - eb, &y) ||
	    !(sub ? wide_sub(&x, &y, &x) : wide_add(&x, &y, &x)))
		return false;
	*out = ex_from_wide(&x, e);
	return true;
}

static bool ex_add(struct exact a, struct exact b, struct exact *out)
{
	int e = a.e > b.e ? a.e : b.e;
	decimal_units x, y;
	if (e >= EX_WIDE || !ex_at(a, e, &x) || !ex_at(b, e, &y) || __builtin_add_overflow(x, y, &out->m))
		return ex_add_wide(a, b, false, out);
	out->e = e;
	*out = ex_norm(*out);
	return true;
}

static bool ex_sub(struct exact a, struct exact b, struct exact *out)
{
	int e = a.e > b.e ? a.e : b.e;
	decimal_units x, y;
	if (e >= EX_WIDE || !ex_at(a, e, &x) || !ex_at(b, e, &y) || __builtin_sub_overflow(x, y, &out->m))
		return ex_add_wide(a, b, true, out);
	out->e = e;
	*out = ex_norm(*out);
	return true;
}

/* a × b in 128 bits only: false past them (text_percent's fallback, outside any line). */
static inline bool ex_mul_narrow(struct exact a, struct exact b, struct exact *out)
{
	if ((a.e | b.e) >= EX_WIDE || __builtin_mul_overflow(a.m, b.m, &out->m))
		return false;
	out->e = a.e + b.e;
	*out = ex_norm(*out);
	return out->e <= 38;
}

WIDE_PATH static bool ex_mul_wide(struct exact a, struct exact b, struct exact *out)
{
	wide_int x, y;
	ex_digits(a, &x);
	ex_digits(b, &y);
	if (!wide_mul(&x, &y, &x))
		return false;
	int e = ex_places(a) + ex_places(b);
	if (e > 38)
		return false;
	*out = ex_from_wide(&x, e);
	return true;
}

static inline bool ex_mul(struct exact a, struct exact b, struct exact *out)
{
	return ex_mul_narrow(a, b, out) || ex_mul_wide(a, b, out);
}

static int ex_sign(struct exact a)
{
	return (a.m > 0) - (a.m < 0);
}

/* *c = sign(a - b); false on overflow. */
static bool ex_cmp(struct exact a, struct exact b, int *c)
{
	struct exact d;
	if (!ex_sub(a, b, &d))
		return false;
	*c = ex_sign(d);
	return true;
}

/* n ÷ d rounded to an integer by mode; d != 0 (the core's rule, for these digits). */
static decimal_units divide_rounded(decimal_units n, decimal_units d, enum decimal_rounding mode)
{
	__extension__ typedef unsigned __int128 uunits;
	decimal_units q = n / d, r = n % d;
	if (r == 0)
		return q;
	uunits ar = r < 0 ? (uunits)0 - (uunits)r : (uunits)r;
	uunits ad = d < 0 ? (uunits)0 - (uunits)d : (uunits)d;
	uunits twice = ar * 2;
	if (twice > ad || (twice == ad && (mode == ROUND_HALF_AWAY || q % 2 != 0)))
		q += (n < 0) != (d < 0) ? -1 : 1;
	return q;
}

static decimal_units gcd_units(decimal_units a, decimal_units b)
{
	__extension__ typedef unsigned __int128 uunits;
	uunits x = a < 0 ? (uunits)0 - (uunits)a : (uunits)a, y = b < 0 ? (uunits)0 - (uunits)b : (uunits)b;
	while (y) {
		uunits r = x % y;
		x = y;
		y = r;
	}
	return (decimal_units)x;
}

/* n ÷ d × 10^places as the integer quotient *num ÷ *den (d > 0), in 128 bits. The common
 * factor of the two is taken out first when scaling would overflow otherwise. */
static bool ex_scaled(struct exact n, struct exact d, int places, decimal_units *num, decimal_units *den)
{
	/* n ÷ d × 10^places = n.m × 10^(d.e − n.e + places) ÷ d.m */
	int k = d.e - n.e + places;
	decimal_units p;
	if ((n.e | d.e) >= EX_WIDE)
		return false;
	*num = n.m;
	*den = d.m;
	if (*den <= 0 || !pow10_of(k >= 0 ? k : -k, &p))
		return false;
	decimal_units *scaled = k >= 0 ? num : den;
	if (!__builtin_mul_overflow(*scaled, p, scaled))
		return true;
	*num = n.m;
	*den = d.m;
	decimal_units g = gcd_units(*num, *den);
	if (g > 1) {
		*num /= g;
		*den /= g;
	}
	return !__builtin_mul_overflow(*scaled, p, scaled);
}

/* The same past 128 bits (d > 0). */
static bool ex_scaled_wide(struct exact n, struct exact d, int places, wide_int *num, wide_int *den)
{
	int k = ex_places(d) - ex_places(n) + places;
	ex_digits(n, num);
	ex_digits(d, den);
	if (wide_sign(den) <= 0)
		return false;
	return k >= 0 ? wide_mul_pow10(num, k, num) : wide_mul_pow10(den, -k, den);
}

WIDE_PATH static bool ex_quotient_wide(struct exact n, struct exact d, int places, enum decimal_rounding mode,
				       struct exact *out)
{
	wide_int wn, wd;
	if (!ex_scaled_wide(n, d, places, &wn, &wd))
		return false;
	wide_divide_rounded(&wn, &wd, mode, &wn);
	*out = ex_from_wide(&wn, places);
	return true;
}

/* n ÷ d (d > 0) rounded once to places decimals (0..38), as an exact. */
static bool ex_quotient(struct exact n, struct exact d, int places, enum decimal_rounding mode, struct exact *out)
{
	decimal_units num, den;
	if (!ex_scaled(n, d, places, &num, &den))
		return ex_quotient_wide(n, d, places, mode, out);
	struct exact q = { divide_rounded(num, den, mode), places };
	*out = ex_norm(q);
	return true;
}

/* a (of at most 9 decimals) as a core decimal, within its range (±10^29). */
static bool ex_decimal(struct exact a, decimal *out)
{
	const decimal_units limit = (decimal_units)10000000000000000000u * 10000000000000000000u; /* 10^38 */
	decimal_units p;
	return !ex_is_wide(a) && pow10_of(DECIMAL_PLACES - a.e, &p) && !__builtin_mul_overflow(a.m, p, &out->units) &&
	       out->units <= limit && out->units >= -limit;
}

/* n ÷ d (d > 0) rounded once to places decimals (0..9), as a core decimal. */
static bool ex_div_round(struct exact n, struct exact d, int places, enum decimal_rounding mode, decimal *out)
{
	decimal_units num, den, p, q;
	struct exact wq;
	if (!ex_scaled(n, d, places, &num, &den))
		return ex_quotient(n, d, places, mode, &wq) && ex_decimal(wq, out);
	q = divide_rounded(num, den, mode);
	const decimal_units limit = (decimal_units)10000000000000000000u * 10000000000000000000u; /* 10^38 */
	return pow10_of(DECIMAL_PLACES - places, &p) && !__builtin_mul_overflow(q, p, &out->units) &&
	       out->units <= limit && out->units >= -limit;
}

WIDE_PATH static bool ex_div_cut_wide(struct exact n, struct exact d, int places, struct exact *out, bool *whole)
{
	wide_int wn, wd, r;
	if (!ex_scaled_wide(n, d, places, &wn, &wd))
		return false;
	wide_divide(&wn, &wd, &wn, &r);
	*whole = wide_sign(&r) == 0;
	*out = ex_from_wide(&wn, places);
	return true;
}

/* n ÷ d (d > 0) cut to places decimals, towards zero; *whole says whether nothing was cut. */
static bool ex_div_cut(struct exact n, struct exact d, int places, struct exact *out, bool *whole)
{
	decimal_units num, den;
	if (!ex_scaled(n, d, places, &num, &den))
		return ex_div_cut_wide(n, d, places, out, whole);
	out->m = num / den;
	out->e = places;
	*whole = num % den == 0;
	*out = ex_norm(*out);
	return true;
}

/* a is 1: the sum of a line that is not a curve's fraction. */
static bool ex_is_one(struct exact a)
{
	return a.m == 1 && a.e == 0;
}

/* ---- text ---- */

/* Every text function accepts NULL, and then does nothing: a payout computed only for
 * its amount (the first pass over the cards) builds no words. */
void text_clear(struct text *t)
{
	if (!t)
		return;
	t->len = 0;
	if (t->s)
		t->s[0] = '\0';
}

void text_free(struct text *t)
{
	free(t->s);
	memset(t, 0, sizeof *t);
}

void text_add(struct text *t, const char *s, size_t len)
{
	if (!t)
		return;
	xgrow((void **)&t->s, &t->cap, t->len + len + 1, 1);
	memcpy(t->s + t->len, s, len);
	t->len += len;
	t->s[t->len] = '\0';
}

void text_str(struct text *t, const char *s)
{
	if (t)
		text_add(t, s, strlen(s));
}

WIDE_PATH static void text_exact_wide(struct text *t, struct exact a, int min_places)
{
	char digits[WIDE_DIGITS], grouped[WIDE_DIGITS + 40 + WIDE_DIGITS / 3];
	size_t n = wide_digits(ex_wide_digits(a), digits);
	text_add(t, grouped, number_grouped_digits(digits, n, a.m < 0, ex_places(a), min_places, grouped));
}

/* Every digit of a, at least min_places decimals, thousands grouped with commas. */
static inline void text_exact(struct text *t, struct exact a, int min_places)
{
	char buf[NUMBER_BUFSIZE];
	if (!t)
		return;
	if (ex_is_wide(a))
		text_exact_wide(t, a, min_places);
	else
		text_add(t, buf, number_grouped_exact(a.m, a.e, min_places, buf));
}

void text_number(struct text *t, decimal d, int min_places)
{
	text_exact(t, ex_of(d), min_places);
}

void text_money(struct text *t, decimal d)
{
	text_exact(t, ex_of(d), 2);
}

/* A plan's figures take as few decimals as they need (8%, 7.5%); attainments 2. */
/* f × 100 past 128 bits (a figure above 1.7 × 10^27): its digits straight from lib/wide,
 * without the line's pool, as text_percent is used outside lines too. */
WIDE_PATH static void text_percent_wide(struct text *t, decimal f, int min_places)
{
	wide_int w;
	char digits[WIDE_DIGITS], grouped[WIDE_DIGITS + 40 + WIDE_DIGITS / 3];
	wide_from_units(f.units, &w);
	if (!wide_mul_pow10(&w, 2, &w))
		return; /* cannot happen: 10^40 is far within */
	size_t n = wide_digits(&w, digits);
	text_add(t, grouped, number_grouped_digits(digits, n, f.units < 0, DECIMAL_PLACES, min_places, grouped));
}

void text_percent(struct text *t, decimal f, int min_places)
{
	struct exact p;
	if (!t)
		return;
	if (ex_mul_narrow(ex_of(f), ex_int(100), &p))
		text_exact(t, p, min_places);
	else
		text_percent_wide(t, f, min_places);
	text_add(t, "%", 1);
}

/* ---- the attainment, exactly ---- */

/* An attainment as the exact quotient num ÷ den (den > 0): actual ÷ target, or target ÷
 * actual for direction lower, never the 4 decimals of the progress row's column. */
struct ratio {
	struct exact num, den;
};

/* From the row's actual and target when it has both and the quotient is defined; else
 * (no such columns, or a what-if attainment) the attainment as given. */
static void attainment_of(const struct payout_input *in, struct ratio *a)
{
	a->num = ex_of(in->attainment);
	a->den = ex_int(1);
	if (in->attainment_given || !in->has_actual || !in->has_target)
		return;
	struct exact n = ex_of(in->lower ? in->target : in->actual), d = ex_of(in->lower ? in->actual : in->target);
	if (d.m == 0)
		return;
	if (d.m < 0) { /* no 128-bit value of a decimal is the most negative one */
		n.m = -n.m;
		d.m = -d.m;
	}
	a->num = n;
	a->den = d;
}

/* *c = sign(a − x); false on overflow. */
static bool ratio_cmp(const struct ratio *a, decimal x, int *c)
{
	struct exact xd;
	return ex_mul(ex_of(x), a->den, &xd) && ex_cmp(a->num, xd, c);
}

/* A rule's attainment reached: a ≥ x. On overflow *ok turns false (and the answer is no). */
static bool reached(const struct ratio *a, decimal x, bool *ok)
{
	int c = 0;
	if (!ratio_cmp(a, x, &c))
		*ok = false;
	return *ok && c >= 0;
}

/* The attainment as a percentage with at least 2 decimals: every digit when it ends within
 * 8 decimals of the percentage (10 of the fraction: a spreadsheet's actual ÷ target shows
 * them), else cut there and followed by "…" (123.45678%, 33.33333333…%). Cut, not
 * rounded, so that the digits shown never cross a plan's figure the other way. */
static bool text_attainment(struct text *t, const struct ratio *a)
{
	struct exact q, pct;
	bool whole;
	if (!t)
		return true;
	if (!ex_div_cut(a->num, a->den, 10, &q, &whole) || !ex_mul(q, ex_int(100), &pct))
		return false;
	text_exact(t, pct, 2);
	text_str(t, whole ? "%" : "…%");
	return true;
}

/* ---- one line ---- */

/* What the line's parts add up to: num ÷ den (den is 1 but for a curve). */
struct line_sum {
	struct exact num, den;
	int terms;
	struct text *t;     /* the terms, joined by " + " */
	struct text *notes; /* remarks in brackets after the result, joined by "; " */
};

static void add_term_start(struct line_sum *ls)
{
	if (ls->terms++)
		text_str(ls->t, " + ");
}

static void add_note_start(struct line_sum *ls)
{
	if (ls->notes)
		text_str(ls->notes, ls->notes->len ? "; " : " (");
}

/* Marginal bands: each band's rate on the part of the actual that falls in it,
 * [lower × target, upper × target). */
static bool pay_rate(const struct plan_metric *m, const struct payout_input *in, struct line_sum *ls)
{
	struct exact actual = ex_of(in->actual), target = ex_of(in->target);
	for (size_t i = 0; i < m->nsteps; i++) {
		const struct plan_rule *b = &m->step[i];
		struct exact lo, hi, top = actual, part, pay;
		int c;
		if (!ex_mul(ex_of(b->lower), target, &lo))
			return false;
		if (!b->unbounded) {
			if (!ex_mul(ex_of(b->upper), target, &hi) || !ex_cmp(top, hi, &c))
				return false;
			if (c > 0)
				top = hi;
		}
		if (!ex_sub(top, lo, &part))
			return false;
		if (ex_sign(part) <= 0)
			continue;
		add_term_start(ls);
		text_percent(ls->t, b->rate, 0);
		text_str(ls->t, " × ");
		text_exact(ls->t, part, 2);
		if (!ex_mul(ex_of(b->rate), part, &pay) || !ex_add(ls->num, pay, &ls->num))
			return false;
	}
	if (ls->terms == 0) { /* nothing above 0 */
		add_term_start(ls);
		text_percent(ls->t, m->step[0].rate, 0);
		text_str(ls->t, " × 0.00");
		if (decimal_sign(in->actual) < 0) {
			add_note_start(ls);
			text_str(ls->notes, "an actual below 0 pays nothing");
		}
	}
	return true;
}

/* Retroactive tiers: the rate of the highest band the attainment reached, on the whole
 * actual. */
static bool pay_retro(const struct plan_metric *m, const struct payout_input *in, const struct ratio *a,
		      struct line_sum *ls)
{
	const struct plan_rule *band = &m->step[0];
	bool ok = true;
	for (size_t i = 1; i < m->nsteps; i++)
		if (reached(a, m->step[i].lower, &ok))
			band = &m->step[i];
	if (!ok)
		return false;
	decimal base = decimal_sign(in->actual) > 0 ? in->actual : decimal_zero();
	add_term_start(ls);
	text_percent(ls->t, band->rate, 0);
	text_str(ls->t, " × ");
	text_money(ls->t, base);
	text_str(ls->t, " (retroactive: attainment ");
	if (!text_attainment(ls->t, a))
		return false;
	text_str(ls->t, " is in the band from ");
	text_percent(ls->t, band->lower, 0);
	if (band->unbounded) {
		text_str(ls->t, " up)");
	} else {
		text_str(ls->t, " to ");
		text_percent(ls->t, band->upper, 0);
		text_str(ls->t, ")");
	}
	if (decimal_sign(in->actual) < 0) {
		add_note_start(ls);
		text_str(ls->notes, "an actual below 0 pays nothing");
	}
	struct exact pay;
	return ex_mul(ex_of(band->rate), ex_of(base), &pay) && ex_add(ls->num, pay, &ls->num);
}

static void text_point(struct text *t, const struct plan_rule *p)
{
	text_percent(t, p->lower, 0);
	text_str(t, " → ");
	text_percent(t, p->rate, 0);
}

/* A payout curve: the share of the target incentive at the attainment, on the straight
 * line between the two points around it, flat before the first point and after the last.
 * With the attainment a = n ÷ d, the share between (x0, y0) and (x1, y1) is
 * (y0 × (x1 − x0) × d + (y1 − y0) × (n − x0 × d)) ÷ ((x1 − x0) × d), kept as that fraction. */
static bool pay_curve(const struct plan_metric *m, const struct payout_input *in, const struct ratio *a,
		      struct line_sum *ls)
{
	const struct plan_rule *p = m->step, *first = &p[0], *last = &p[m->nsteps - 1];
	struct exact y = ex_of(first->rate), den = ex_int(1), share;
	struct text where_text = { NULL, 0, 0 }, *where = ls->t ? &where_text : NULL;
	size_t seg = 0;
	int c_first, c_last, c;
	if (!ratio_cmp(a, first->lower, &c_first) || !ratio_cmp(a, last->lower, &c_last))
		return false;
	if (c_first <= 0 || m->nsteps == 1) {
		const struct plan_rule *at = c_first <= 0 ? first : last;
		int c_at = c_first <= 0 ? c_first : c_last;
		y = ex_of(at->rate);
		text_str(where, c_at < 0    ? "below the curve's first point "
				: c_at == 0 ? "at the curve's point "
					    : "beyond the curve's last point ");
		text_point(where, at);
	} else if (c_last >= 0) {
		y = ex_of(last->rate);
		text_str(where, c_last == 0 ? "at the curve's point " : "beyond the curve's last point ");
		text_point(where, last);
	} else {
		/* first < a < last: the segment [p[seg], p[seg + 1]) that holds a */
		for (;;) {
			if (!ratio_cmp(a, p[seg + 1].lower, &c)) {
				text_free(&where_text);
				return false;
			}
			if (c < 0)
				break;
			seg++;
		}
		const struct plan_rule *lo = &p[seg], *hi = &p[seg + 1];
		if (!ratio_cmp(a, lo->lower, &c)) {
			text_free(&where_text);
			return false;
		}
		if (c == 0) {
			y = ex_of(lo->rate);
			text_str(where, "at the curve's point ");
			text_point(where, lo);
		} else {
			struct exact dx, dy, x0d, da, rise;
			if (!ex_sub(ex_of(hi->lower), ex_of(lo->lower), &dx) || !ex_sub(ex_of(hi->rate), ex_of(lo->rate), &dy) ||
			    !ex_mul(ex_of(lo->lower), a->den, &x0d) || !ex_sub(a->num, x0d, &da) || !ex_mul(dy, da, &rise) ||
			    !ex_mul(ex_of(lo->rate), dx, &y) || !ex_mul(y, a->den, &y) || !ex_add(y, rise, &y) ||
			    !ex_mul(dx, a->den, &den)) {
				text_free(&where_text);
				return false;
			}
			text_str(where, "between the curve's points ");
			text_point(where, lo);
			text_str(where, " and ");
			text_point(where, hi);
		}
	}
	/* the share as a percentage: exact when it ends, else to 4 decimals with ≈ */
	struct exact pct, back, shown = ex_int(0), shown4;
	decimal shown9;
	c = 1;
	if (ls->t && !(ex_mul(y, ex_int(100), &pct) && ex_quotient(pct, den, 9, ROUND_HALF_AWAY, &shown) &&
		       ex_mul(shown, den, &back) && ex_cmp(back, pct, &c))) {
		text_free(&where_text);
		return false;
	}
	add_term_start(ls);
	if (c != 0) {
		text_str(ls->t, "≈ ");
		if (ex_decimal(shown, &shown9)) /* the share's 9 decimals, rounded again to 4 */
			shown4 = ex_of(decimal_round(shown9, 4, ROUND_HALF_AWAY));
		else if (!ex_quotient(shown, ex_int(1), 4, ROUND_HALF_AWAY, &shown4)) {
			text_free(&where_text);
			return false;
		}
		text_exact(ls->t, shown4, 4);
	} else {
		text_exact(ls->t, shown, 0);
	}
	text_str(ls->t, "% of the target incentive ");
	text_money(ls->t, in->incentive);
	text_str(ls->t, " (attainment ");
	if (!text_attainment(ls->t, a)) {
		text_free(&where_text);
		return false;
	}
	text_str(ls->t, " ");
	text_add(ls->t, where_text.s, where_text.len);
	text_str(ls->t, ")");
	text_free(&where_text);
	ls->den = den;
	return ex_mul(ex_of(in->incentive), y, &share) && ex_add(ls->num, share, &ls->num);
}

static bool pay_bonuses(const struct plan_metric *m, const struct ratio *a, struct line_sum *ls)
{
	bool ok = true;
	for (size_t i = 0; i < m->nbonus; i++) {
		const struct plan_rule *b = &m->bonus[i];
		bool got = reached(a, b->lower, &ok);
		if (!ok)
			return false;
		if (got) {
			struct exact amount;
			add_term_start(ls);
			text_str(ls->t, "bonus ");
			text_money(ls->t, b->rate);
			text_str(ls->t, " (attainment ");
			if (!text_attainment(ls->t, a))
				return false;
			text_str(ls->t, " ≥ ");
			text_percent(ls->t, b->lower, 0);
			text_str(ls->t, ")");
			if (!ex_mul(ex_of(b->rate), ls->den, &amount) || !ex_add(ls->num, amount, &ls->num))
				return false;
		} else {
			add_note_start(ls);
			text_str(ls->notes, "no bonus ");
			text_money(ls->notes, b->rate);
			text_str(ls->notes, ": attainment ");
			if (!text_attainment(ls->notes, a))
				return false;
			text_str(ls->notes, " < ");
			text_percent(ls->notes, b->lower, 0);
		}
	}
	return true;
}

/* The sum, the cap, the one rounding: " = 10,400.00 (cap 50,000.00 not reached)". */
static bool finish_line(const struct plan_metric *m, struct line_sum *ls, enum decimal_rounding mode, decimal *payout)
{
	struct exact back, value = ls->num, rounded;
	int c = 1;
	bool shown_exact = false, capped = false;
	/* the cap first: a capped line pays the cap, however far past the range its sum is */
	if (m->has_cap) {
		struct exact limit;
		int over;
		if (!ex_mul(ex_of(m->cap.rate), ls->den, &limit) || !ex_cmp(ls->num, limit, &over))
			return false;
		capped = over > 0;
	}
	if (capped)
		*payout = m->cap.rate;
	else if (!ex_div_round(ls->num, ls->den, 2, mode, payout))
		return false;
	if (ls->t) {
		/* den 1: num is the sum, every digit of it; a curve's sum is shown in full when it
		 * ends within 9 decimals, else as rounded */
		bool whole_den = ex_is_one(ls->den);
		if (!whole_den && (!ex_quotient(ls->num, ls->den, 9, ROUND_HALF_AWAY, &value) ||
				   !ex_mul(value, ls->den, &back) || !ex_cmp(back, ls->num, &c)))
			return false;
		shown_exact = whole_den || c == 0;
		text_str(ls->t, " = ");
		if (shown_exact)
			text_exact(ls->t, value, 2);
		else if (!capped)
			text_money(ls->t, *payout);
		else if (ex_quotient(ls->num, ls->den, 2, mode, &rounded))
			text_exact(ls->t, rounded, 2);
		else
			return false;
	}
	if (capped) {
		text_str(ls->t, ", capped at ");
		text_money(ls->t, m->cap.rate);
	} else if (shown_exact && ex_places(value) > 2) {
		text_str(ls->t, ", rounded to ");
		text_money(ls->t, *payout);
	}
	if (m->has_cap && !capped) {
		add_note_start(ls);
		text_str(ls->notes, "cap ");
		text_money(ls->notes, m->cap.rate);
		text_str(ls->notes, " not reached");
	}
	return true;
}

static enum payout_status pay_line(const struct plan_metric *m, const struct payout_input *in,
				   enum decimal_rounding mode, decimal *payout, struct text *detail)
{
	text_clear(detail);
	*payout = decimal_zero();
	if (!in->has_attainment) {
		text_str(detail, "no attainment (no target, or nothing measured): nothing paid");
		return PAYOUT_OK;
	}
	if (m->base == RULE_RATE || m->base == RULE_RETRO) {
		if (in->lower)
			return PAYOUT_LOWER;
		if (!in->has_actual)
			return PAYOUT_NO_ACTUAL;
		if (m->base == RULE_RATE && (!in->has_target || decimal_sign(in->target) <= 0))
			return PAYOUT_NO_TARGET;
	}
	if (m->base == RULE_CURVE && !in->has_incentive)
		return PAYOUT_NO_INCENTIVE;
	struct ratio a;
	attainment_of(in, &a);
	bool ok = true;
	if (m->has_threshold && !reached(&a, m->threshold.lower, &ok)) {
		if (!ok)
			return PAYOUT_OVERFLOW;
		text_str(detail, "threshold ");
		text_percent(detail, m->threshold.lower, 0);
		text_str(detail, " not reached (attainment ");
		if (!text_attainment(detail, &a))
			return PAYOUT_OVERFLOW;
		text_str(detail, "): 0.00");
		return PAYOUT_OK;
	}
	struct text notes = { NULL, 0, 0 };
	struct line_sum ls = { ex_int(0), ex_int(1), 0, detail, detail ? &notes : NULL };
	if (m->has_threshold) {
		add_note_start(&ls);
		text_str(&notes, "threshold ");
		text_percent(&notes, m->threshold.lower, 0);
		text_str(&notes, " reached");
	}
	ok = m->base == RULE_RATE    ? pay_rate(m, in, &ls)
	     : m->base == RULE_RETRO ? pay_retro(m, in, &a, &ls)
	     : m->base == RULE_CURVE ? pay_curve(m, in, &a, &ls)
				     : true;
	ok = ok && pay_bonuses(m, &a, &ls);
	if (ok && ls.terms == 0) { /* bonuses only, none reached: the notes say why */
		if (detail)
			text_add(detail, notes.s + 2, notes.len - 2); /* without the " (" */
		text_free(&notes);
		return PAYOUT_OK;
	}
	ok = ok && finish_line(m, &ls, mode, payout);
	if (ok && notes.len) {
		text_add(detail, notes.s, notes.len);
		text_str(detail, ")");
	}
	text_free(&notes);
	return ok ? PAYOUT_OK : PAYOUT_OVERFLOW;
}

enum payout_status payout_line(const struct plan_metric *m, const struct payout_input *in, enum decimal_rounding mode,
			       decimal *payout, struct text *detail)
{
	enum payout_status st = pay_line(m, in, mode, payout, detail);
	if (pool.v)
		ex_pool_release();
	return st;
}

/* ---- totals and draws ---- */

bool payout_total(const struct plan *p, const decimal *line, size_t n, decimal *total, struct text *t)
{
	decimal sum = decimal_zero();
	text_clear(t);
	for (size_t i = 0; i < n; i++) {
		if (!decimal_add(sum, line[i], &sum))
			return false;
		if (i)
			text_str(t, " + ");
		text_money(t, line[i]);
	}
	if (n == 0)
		text_str(t, "no goal here that the plan pays: 0.00");
	else if (n > 1) {
		text_str(t, " = ");
		text_money(t, sum);
	}
	*total = sum;
	if (!p->has_cap)
		return true;
	if (decimal_cmp(sum, p->cap.rate) > 0) {
		*total = p->cap.rate;
		text_str(t, ", capped at ");
		text_money(t, p->cap.rate);
	} else {
		text_str(t, " (cap ");
		text_money(t, p->cap.rate);
		text_str(t, " not reached)");
	}
	return true;
}

void payout_total_draw(struct text *t, decimal earned, decimal draw_line, decimal paid)
{
	if (decimal_is_zero(draw_line))
		return;
	decimal shown = draw_line;
	struct text alone = { NULL, 0, 0 };
	text_money(&alone, earned);
	if (t->len == alone.len && memcmp(t->s, alone.s, alone.len) == 0)
		text_clear(t); /* one line and no cap: "earned" says it */
	text_free(&alone);
	text_str(t, t->len ? "; earned " : "earned ");
	text_money(t, earned);
	if (decimal_sign(draw_line) > 0) {
		text_str(t, " + draw advance ");
	} else {
		text_str(t, " - draw recovered ");
		shown.units = -shown.units;
	}
	text_money(t, shown);
	text_str(t, " = ");
	text_money(t, paid);
}

bool payout_draw(decimal draw, decimal earned, decimal *balance, decimal *line, struct text *t)
{
	decimal gap, owed = *balance;
	text_clear(t);
	if (decimal_cmp(earned, draw) < 0) { /* advanced up to the draw, and owed */
		if (!decimal_sub(draw, earned, &gap) || !decimal_add(*balance, gap, balance))
			return false;
		*line = gap;
		text_str(t, "draw ");
		text_money(t, draw);
		text_str(t, " - earned ");
		text_money(t, earned);
		text_str(t, " = ");
		text_money(t, gap);
		text_str(t, " advanced; owed ");
		text_money(t, *balance);
		return true;
	}
	if (!decimal_sub(earned, draw, &gap))
		return false;
	*line = decimal_zero();
	text_str(t, "earned ");
	text_money(t, earned);
	if (decimal_sign(owed) <= 0) {
		text_str(t, " ≥ draw ");
		text_money(t, draw);
		text_str(t, ": nothing advanced, nothing owed");
		return true;
	}
	/* repaid from the excess over the draw only: the draw itself is never taken back */
	decimal recovered = decimal_cmp(gap, owed) < 0 ? gap : owed;
	if (!decimal_sub(owed, recovered, balance))
		return false;
	line->units = -recovered.units;
	text_str(t, " - draw ");
	text_money(t, draw);
	text_str(t, " = ");
	text_money(t, gap);
	text_str(t, " above the draw; recovered ");
	text_money(t, recovered);
	text_str(t, " of ");
	text_money(t, owed);
	text_str(t, " owed; owed ");
	text_money(t, *balance);
	return true;
}
