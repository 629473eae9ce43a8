/* Exact decimal numbers: parsing of the ways CRM exports write amounts, checked
 * arithmetic, rounding and printing. */
#include "decimal.h"
#include "wide.h"

#include <string.h>

__extension__ typedef unsigned __int128 decimal_uunits;

static const decimal_units SCALE = 1000000000; /* 10^DECIMAL_PLACES */

static decimal_units pow10_units(int n)
{
	decimal_units p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

const char *decimal_strerror(enum decimal_status status)
{
	switch (status) {
	case DECIMAL_OK:
		return "ok";
	case DECIMAL_EMPTY:
		return "empty number";
	case DECIMAL_SYNTAX:
		return "not a number";
	case DECIMAL_GROUPING:
		return "bad digit grouping (1,234.56 by default; 1.234,56 needs --decimal-comma)";
	case DECIMAL_TOO_PRECISE:
		return "more than 9 decimal places";
	case DECIMAL_OVERFLOW:
		return "number too large";
	}
	return "not a number";
}

decimal decimal_from_int(int64_t n)
{
	decimal d = { (decimal_units)n * SCALE };
	return d;
}

decimal decimal_zero(void)
{
	decimal d = { 0 };
	return d;
}

bool decimal_is_zero(decimal a)
{
	return a.units == 0;
}

int decimal_sign(decimal a)
{
	return (a.units > 0) - (a.units < 0);
}

int decimal_cmp(decimal a, decimal b)
{
	return (a.units > b.units) - (a.units < b.units);
}

/* Results are kept within ±10^29 (10^38 units), well inside int128: rounding any of
 * them to whole units or fewer decimals can then never overflow (10^38 is a multiple of
 * every rounding step), and no result is the int128 minimum, whose negation overflows. */
static bool in_range(decimal_units u)
{
	const decimal_units limit = (decimal_units)10000000000000000000u * 10000000000000000000u;
	return u <= limit && u >= -limit;
}

bool decimal_add(decimal a, decimal b, decimal *out)
{
	return !__builtin_add_overflow(a.units, b.units, &out->units) && in_range(out->units);
}

bool decimal_sub(decimal a, decimal b, decimal *out)
{
	return !__builtin_sub_overflow(a.units, b.units, &out->units) && in_range(out->units);
}

/* divide_rounded in 64 bits, for n and d in (-2^63, 2^63): most amounts and ratios are,
 * and a 128-bit division is a library call several times slower. */
static int64_t divide_rounded64(int64_t n, int64_t d, enum decimal_rounding mode)
{
	int64_t q = n / d, r = n % d;
	if (r == 0)
		return q;
	uint64_t ar = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r;
	uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	uint64_t twice = ar * 2; /* ar < ad < 2^63 */
	int away = twice > ad || (twice == ad && (mode == ROUND_HALF_AWAY || (q % 2) != 0));
	if (away) /* |q| < 2^63 - 1 here: d is not ±1, as r is not 0 */
		q += ((n < 0) != (d < 0)) ? -1 : 1;
	return q;
}

static bool fits64(decimal_units v)
{
	return v >= -(decimal_units)INT64_MAX && v <= (decimal_units)INT64_MAX;
}

/* n ÷ d rounded to an integer by mode; d != 0. */
static decimal_units divide_rounded(decimal_units n, decimal_units d, enum decimal_rounding mode)
{
	if (fits64(n) && fits64(d))
		return divide_rounded64((int64_t)n, (int64_t)d, mode);
	decimal_units q = n / d, r = n % d;
	if (r == 0)
		return q;
	decimal_uunits ar = r < 0 ? (decimal_uunits)0 - (decimal_uunits)r : (decimal_uunits)r;
	decimal_uunits ad = d < 0 ? (decimal_uunits)0 - (decimal_uunits)d : (decimal_uunits)d;
	decimal_uunits twice = ar * 2; /* ar < ad <= 2^127, so no overflow in unsigned */
	int away = twice > ad || (twice == ad && (mode == ROUND_HALF_AWAY || (q % 2) != 0));
	if (away)
		q += ((n < 0) != (d < 0)) ? -1 : 1;
	return q;
}

decimal decimal_round(decimal a, int places, enum decimal_rounding mode)
{
	if (places >= DECIMAL_PLACES || places < 0)
		return a;
	decimal_units step = pow10_units(DECIMAL_PLACES - places);
	decimal r = { divide_rounded(a.units, step, mode) * step };
	return r;
}

/* round(a × b / d) by mode, for a × b past 127 bits: the product in lib/wide (rare: only
 * the largest amounts come here, where a result that fits would otherwise be refused
 * because a step on the way does not). False when the result does not fit 127 bits. */
static bool signed_wide(decimal_units a, decimal_units b, decimal_units d, enum decimal_rounding mode,
			decimal_units *q)
{
	wide_int x, y, z;
	wide_from_units(a, &x);
	wide_from_units(b, &y);
	wide_from_units(d, &z);
	if (!wide_mul(&x, &y, &x))
		return false;
	wide_divide_rounded(&x, &z, mode, &x);
	return wide_to_units(&x, q);
}

bool decimal_mul(decimal a, decimal b, int places, enum decimal_rounding mode, decimal *out)
{
	decimal_units product, kept;
	if (places < 0 || places > DECIMAL_PLACES)
		places = DECIMAL_PLACES;
	/* product has 2×9 decimals; keep `places`, then scale back to 9. */
	decimal_units step = pow10_units(2 * DECIMAL_PLACES - places);
	if (!__builtin_mul_overflow(a.units, b.units, &product))
		kept = divide_rounded(product, step, mode);
	else if (!signed_wide(a.units, b.units, step, mode, &kept)) /* the product may fit */
		return false;
	return !__builtin_mul_overflow(kept, pow10_units(DECIMAL_PLACES - places), &out->units) &&
	       in_range(out->units);
}

bool decimal_div(decimal a, decimal b, int places, enum decimal_rounding mode, decimal *out)
{
	decimal_units numerator, q;
	if (b.units == 0)
		return false;
	if (places < 0 || places > DECIMAL_PLACES)
		places = DECIMAL_PLACES;
	/* a/b = A/B; the result at `places` decimals is round(A × 10^places / B). */
	if (!__builtin_mul_overflow(a.units, pow10_units(places), &numerator))
		q = divide_rounded(numerator, b.units, mode);
	else if (!signed_wide(a.units, pow10_units(places), b.units, mode, &q)) /* the quotient may fit */
		return false;
	return !__builtin_mul_overflow(q, pow10_units(DECIMAL_PLACES - places), &out->units) &&
	       in_range(out->units);
}

size_t decimal_format(decimal a, int places, char *buf, size_t size)
{
	char digits[DECIMAL_BUFSIZE];
	size_t n = 0, at = 0;
	if (places > DECIMAL_PLACES)
		places = DECIMAL_PLACES;
	if (places >= 0)
		a = decimal_round(a, places, ROUND_HALF_AWAY);
	decimal_uunits mag = a.units < 0 ? (decimal_uunits)0 - (decimal_uunits)a.units
					 : (decimal_uunits)a.units;
	do { /* digits of the magnitude, least significant first */
		digits[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag);
	while (n <= DECIMAL_PLACES)
		digits[n++] = '0';
	int shown = places;
	if (places < 0) { /* fewest decimals that keep the value exact */
		shown = DECIMAL_PLACES;
		while (shown > 0 && digits[DECIMAL_PLACES - shown] == '0')
			shown--;
	}
	if (size < n + 3) {
		if (size)
			buf[0] = '\0';
		return 0;
	}
	if (a.units < 0)
		buf[at++] = '-';
	for (size_t i = n; i-- > DECIMAL_PLACES;)
		buf[at++] = digits[i];
	if (shown > 0) {
		buf[at++] = '.';
		for (int i = 0; i < shown; i++)
			buf[at++] = digits[DECIMAL_PLACES - 1 - i];
	}
	buf[at] = '\0';
	return at;
}

/* ---- parsing ---- */

struct cursor {
	const unsigned char *p, *end;
};

static int at_bytes(const struct cursor *c, const char *bytes)
{
	size_t n = strlen(bytes);
	return (size_t)(c->end - c->p) >= n && memcmp(c->p, bytes, n) == 0;
}

/* A currency symbol: $, €, £ or ¥. Amounts are not converted between currencies. */
static int skip_currency(struct cursor *c)
{
	static const char *const symbols[] = { "$", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xa5" };
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		if (at_bytes(c, symbols[i])) {
			c->p += strlen(symbols[i]);
			return 1;
		}
	}
	return 0;
}

/* Length of a digit-group separator at c (0 if none) for the style. */
static size_t group_separator(const struct cursor *c, enum decimal_style style)
{
	if (c->p >= c->end)
		return 0;
	if (style == DECIMAL_POINT)
		return *c->p == ',' ? 1 : 0;
	if (*c->p == '.' || *c->p == ' ')
		return 1;
	if (at_bytes(c, "\xc2\xa0")) /* no-break space */
		return 2;
	if (at_bytes(c, "\xe2\x80\xaf")) /* narrow no-break space (French typography) */
		return 3;
	return 0;
}

static void skip_spaces(struct cursor *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

static void trim_trailing_spaces(struct cursor *c)
{
	while (c->end > c->p && c->end[-1] == ' ')
		c->end--;
}

static int is_digit(const struct cursor *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* Accumulates one digit into the magnitude; false past 10^38 units (10^29), the range of
 * every result (in_range), so that whatever spm writes it reads back. */
static bool push_digit(decimal_uunits *mag, int digit)
{
	static const decimal_uunits limit = (decimal_uunits)10000000000000000000u * 10000000000000000000u;
	if (*mag > (limit - (decimal_uunits)digit) / 10)
		return false;
	*mag = *mag * 10 + (decimal_uunits)digit;
	return true;
}

static enum decimal_status parse_integer_part(struct cursor *c, enum decimal_style style,
					      decimal_uunits *mag, int *ndigits)
{
	int group_len = 0, grouped = 0;
	*ndigits = 0;
	for (;;) {
		if (is_digit(c)) {
			if (!push_digit(mag, *c->p - '0'))
				return DECIMAL_OVERFLOW;
			c->p++;
			(*ndigits)++;
			group_len++;
			if (!grouped && group_len > 3)
				group_len = 4; /* too long for a leading group, fine if no separator follows */
			continue;
		}
		size_t sep = group_separator(c, style);
		/* A separator counts only when three digits follow it. */
		if (sep && *ndigits > 0) {
			struct cursor ahead = { c->p + sep, c->end };
			int k = 0;
			while (k < 4 && is_digit(&ahead)) {
				ahead.p++;
				k++;
			}
			if (style == DECIMAL_COMMA && *c->p == ' ' && k != 3)
				break; /* a space not followed by a group ends the number ("5 €") */
			if (k != 3 || (!grouped && group_len > 3) || (grouped && group_len != 3))
				return DECIMAL_GROUPING;
			grouped = 1;
			group_len = 0;
			c->p += sep;
			continue;
		}
		break;
	}
	if (grouped && group_len != 3)
		return DECIMAL_GROUPING;
	return DECIMAL_OK;
}

static enum decimal_status parse_fraction(struct cursor *c, decimal_uunits *mag, int *places)
{
	*places = 0;
	if (!is_digit(c))
		return DECIMAL_SYNTAX;
	while (is_digit(c)) {
		int digit = *c->p - '0';
		if (*places < DECIMAL_PLACES) {
			if (!push_digit(mag, digit))
				return DECIMAL_OVERFLOW;
			(*places)++;
		} else if (digit != 0) {
			return DECIMAL_TOO_PRECISE;
		}
		c->p++;
	}
	return DECIMAL_OK;
}

static int skip_sign(struct cursor *c, int *negative)
{
	if (c->p < c->end && (*c->p == '-' || *c->p == '+')) {
		*negative = *c->p == '-';
		c->p++;
		return 1;
	}
	return 0;
}

/* The common case, "-1234.56": at most 18 integer digits and 9 decimals, nothing else.
 * Returns false to let the general parser decide (including on every error). */
static bool parse_plain(const char *s, size_t len, char mark, decimal *out, int *places_out)
{
	static const uint64_t scale[DECIMAL_PLACES + 1] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	const char *p = s, *end = s + len;
	bool negative = p < end && *p == '-';
	uint64_t whole = 0, frac = 0;
	unsigned digit;
	p += negative;
	/* at most 18 digits, then 9 places: each loop's bound set once, not counted a digit */
	const char *first = p, *stop = end - p > 18 ? p + 18 : end;
	while (p < stop && (digit = (unsigned)(unsigned char)*p - '0') < 10) {
		whole = whole * 10 + digit;
		p++;
	}
	if (p == first)
		return false;
	int places = 0;
	if (p < end && *p == mark) {
		first = ++p;
		stop = end - p > DECIMAL_PLACES ? p + DECIMAL_PLACES : end;
		while (p < stop && (digit = (unsigned)(unsigned char)*p - '0') < 10) {
			frac = frac * 10 + digit;
			p++;
		}
		places = (int)(p - first);
		if (places == 0)
			return false;
	}
	if (p != end)
		return false;
	decimal_units v = (decimal_units)whole * SCALE + (decimal_units)(frac * scale[places]);
	out->units = negative ? -v : v;
	*places_out = places;
	return true;
}

bool decimal_parse_plain(const char *s, size_t len, decimal *out, int *places)
{
	return parse_plain(s, len, '.', out, places);
}

/* Every form the brief allows: signs, currency symbols, grouping, parentheses. */
static enum decimal_status parse_general(const char *s, size_t len, enum decimal_style style,
					 decimal *out)
{
	struct cursor c = { (const unsigned char *)s, (const unsigned char *)s + len };
	int negative = 0, parens = 0, has_sign = 0;
	decimal_uunits mag = 0;
	int int_digits = 0, places = 0;
	enum decimal_status st;

	skip_spaces(&c);
	trim_trailing_spaces(&c);
	if (c.p == c.end)
		return DECIMAL_EMPTY;
	if (*c.p == '(' && c.end[-1] == ')') { /* accounting negative: (1,234.56) */
		parens = 1;
		c.p++;
		c.end--;
	}
	has_sign = skip_sign(&c, &negative);
	if (skip_currency(&c)) {
		skip_spaces(&c); /* "€ 10,50" */
		if (!has_sign)
			has_sign = skip_sign(&c, &negative);
	}
	if (parens && has_sign)
		return DECIMAL_SYNTAX;
	char mark = style == DECIMAL_POINT ? '.' : ',';
	if ((st = parse_integer_part(&c, style, &mag, &int_digits)) != DECIMAL_OK)
		return st;
	if (c.p < c.end && *c.p == mark) {
		c.p++;
		if ((st = parse_fraction(&c, &mag, &places)) != DECIMAL_OK)
			return st;
		if (c.p < c.end && (*c.p == ',' || *c.p == '.'))
			return DECIMAL_GROUPING; /* "1.234,56" read in the other style */
	} else if (int_digits == 0) {
		return DECIMAL_SYNTAX;
	}
	skip_spaces(&c);
	skip_currency(&c);
	if (c.p != c.end)
		return DECIMAL_SYNTAX;
	/* Scale to billionths. */
	for (int i = places; i < DECIMAL_PLACES; i++)
		if (!push_digit(&mag, 0))
			return DECIMAL_OVERFLOW;
	out->units = (decimal_units)mag;
	if (negative != parens)
		out->units = -out->units;
	return DECIMAL_OK;
}

enum decimal_status decimal_parse(const char *s, size_t len, enum decimal_style style,
				  decimal *out)
{
	int places;
	if (parse_plain(s, len, style == DECIMAL_POINT ? '.' : ',', out, &places))
		return DECIMAL_OK;
	return parse_general(s, len, style, out);
}
