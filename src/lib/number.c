/* Printing numbers, once for every program: machine forms for streams, grouped forms and
 * percentages for people. All digits come from exact decimals; nothing goes through a
 * binary float. */
#include "number.h"

#include <stdlib.h>
#include <string.h>

static const int64_t pow10_64[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
				     1000000000 };

/* x / 10^k for k in 0..9, the divisor a constant in each case: a division by a power read
 * from the table is a hardware divide (tens of cycles), by a constant a multiply. */
static inline uint64_t div_pow10(uint64_t x, int k)
{
	switch (k) {
	case 0: return x;
	case 1: return x / 10;
	case 2: return x / 100;
	case 3: return x / 1000;
	case 4: return x / 10000;
	case 5: return x / 100000;
	case 6: return x / 1000000;
	case 7: return x / 10000000;
	case 8: return x / 100000000;
	default: return x / 1000000000;
	}
}

/* Two digits at a time: writing millions of actuals is mostly writing numbers. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				  "8081828384858687888990919293949596979899";

/* Writes the n lowest decimal digits of q ending at end (leading zeros included). */
static void digits_ending(char *end, uint64_t q, int n)
{
	for (; n >= 2; n -= 2, q /= 100)
		memcpy(end -= 2, digit_pairs + 2 * (q % 100), 2);
	if (n)
		*--end = (char)('0' + q % 10);
}

/* How many decimal digits q has (1 for 0). */
static int digit_count(uint64_t q)
{
	int n = 1;
	for (; q >= 10000; q /= 10000)
		n += 4;
	return n + (q >= 10) + (q >= 100) + (q >= 1000);
}

size_t number_fixed(decimal d, int places, char buf[NUMBER_BUFSIZE])
{
	/* Most values fit 64 bits: decimal_format's 128-bit division per digit made writing a
	 * million scores slower than reading them. Same digits, same rounding. */
	if (places < 0 || places > DECIMAL_PLACES || d.units > INT64_MAX / 2 || d.units < -(INT64_MAX / 2))
		return decimal_format(d, places, buf, NUMBER_BUFSIZE);
	int64_t u = (int64_t)d.units, step = pow10_64[DECIMAL_PLACES - places];
	uint64_t q = div_pow10((uint64_t)((u < 0 ? -u : u) + step / 2), DECIMAL_PLACES - places);
	uint64_t whole = div_pow10(q, places);
	char *at = buf;
	if (u < 0 && q)
		*at++ = '-';
	int n = digit_count(whole);
	digits_ending(at += n, whole, n);
	if (places > 0) {
		*at++ = '.';
		digits_ending(at += places, q - whole * (uint64_t)pow10_64[places], places);
	}
	*at = '\0';
	return (size_t)(at - buf);
}

/* Decimals d needs to be exact (0..9). */
static int exact_places(decimal d)
{
	/* Only the fractional digits matter: one 128-bit remainder, then 32-bit steps (a
	 * 128-bit division per digit made writing millions of actuals slow). */
	decimal_units u = d.units < 0 ? -d.units : d.units;
	uint32_t frac = u <= (decimal_units)UINT64_MAX ? (uint32_t)((uint64_t)u % (uint64_t)pow10_64[DECIMAL_PLACES])
						      : (uint32_t)(u % (decimal_units)pow10_64[DECIMAL_PLACES]);
	if (frac == 0)
		return 0;
	int places = DECIMAL_PLACES;
	while (frac % 10 == 0) {
		frac /= 10;
		places--;
	}
	return places;
}

size_t number_at_least(decimal d, int places, char buf[NUMBER_BUFSIZE])
{
	if (places < 0 || places > DECIMAL_PLACES || d.units > INT64_MAX || d.units < -INT64_MAX) {
		int need = exact_places(d);
		return number_fixed(d, need > places ? need : places, buf);
	}
	if (d.units == 0) { /* most cells of a large run: a period with no deal of the kind */
		buf[0] = '0';
		if (places == 0) {
			buf[1] = '\0';
			return 1;
		}
		buf[1] = '.';
		memset(buf + 2, '0', (size_t)places);
		buf[2 + places] = '\0';
		return (size_t)places + 2;
	}
	/* 64 bits: the whole part and the billionths once, no rounding (nothing is cut) */
	int64_t u = (int64_t)d.units;
	uint64_t mag = u < 0 ? 0 - (uint64_t)u : (uint64_t)u;
	uint64_t whole = mag / (uint64_t)pow10_64[DECIMAL_PLACES], frac = mag % (uint64_t)pow10_64[DECIMAL_PLACES];
	int shown = DECIMAL_PLACES;
	uint64_t kept; /* frac with its places past those asked for cut */
	if (frac == 0)
		shown = 0;
	else if ((kept = div_pow10(frac, DECIMAL_PLACES - places)) * (uint64_t)pow10_64[DECIMAL_PLACES - places] == frac) {
		frac = kept; /* nothing past places: most values */
		shown = places;
	} else {
		for (; frac % 10 == 0; frac /= 10) /* a zero at a time, from the ninth place */
			shown--;
	}
	char *at = buf;
	if (u < 0)
		*at++ = '-';
	int n = digit_count(whole);
	digits_ending(at += n, whole, n);
	if (shown < places) { /* zeros to the places asked for */
		frac *= (uint64_t)pow10_64[places - shown];
		shown = places;
	}
	if (shown > 0) {
		*at++ = '.';
		digits_ending(at += shown, frac, shown);
	}
	*at = '\0';
	return (size_t)(at - buf);
}

size_t number_money(decimal d, char buf[NUMBER_BUFSIZE])
{
	return number_at_least(d, MONEY_PLACES, buf);
}

size_t number_exact(decimal d, char buf[NUMBER_BUFSIZE])
{
	return number_at_least(d, 0, buf);
}

size_t number_ratio(decimal d, char buf[NUMBER_BUFSIZE])
{
	return number_fixed(d, RATIO_PLACES, buf);
}

size_t number_score(decimal d, char buf[NUMBER_BUFSIZE])
{
	return number_fixed(d, SCORE_PLACES, buf);
}

size_t number_count(uint64_t n, char buf[NUMBER_BUFSIZE])
{
	int len = digit_count(n);
	digits_ending(buf + len, n, len);
	buf[len] = '\0';
	return (size_t)len;
}

/* Thousands grouped: plain ("-1234567.50", n bytes) → "-1,234,567.50" in buf. At most 39
 * digits before the point: 12 commas fit the buffer. */
static size_t group(const char *p, size_t n, char *buf)
{
	size_t at = 0;
	if (n && *p == '-') {
		buf[at++] = '-';
		p++;
		n--;
	}
	const char *dot = memchr(p, '.', n);
	size_t whole = dot ? (size_t)(dot - p) : n;
	for (size_t i = 0; i < whole; i++) {
		if (i && (whole - i) % 3 == 0)
			buf[at++] = ',';
		buf[at++] = p[i];
	}
	memcpy(buf + at, p + whole, n - whole);
	at += n - whole;
	buf[at] = '\0';
	return at;
}

size_t number_grouped(decimal d, int places, char buf[NUMBER_BUFSIZE])
{
	char digits[NUMBER_BUFSIZE];
	size_t n = places < 0 ? number_exact(d, digits) : number_fixed(d, places, digits);
	return group(digits, n, buf);
}

size_t number_grouped_exact(decimal_units m, int e, int places, char buf[NUMBER_BUFSIZE])
{
	__extension__ typedef unsigned __int128 uunits;
	char plain[NUMBER_BUFSIZE];
	char *end = plain + sizeof plain, *p = end;
	uunits mag = m < 0 ? (uunits)0 - (uunits)m : (uunits)m;
	while (e > 0 && mag % 10 == 0) { /* trailing zeros say nothing */
		mag /= 10;
		e--;
	}
	if (e < 0 || e > 38)
		abort(); /* a programming error: no exact product has such a scale */
	if (places > DECIMAL_PLACES)
		places = DECIMAL_PLACES; /* 39 digits, 9 more zeros, a sign, a point, 12 commas fit */
	for (int i = e; i < places; i++)
		*--p = '0';
	for (int i = 0; i < e; i++) { /* the decimals, least significant first */
		*--p = (char)('0' + (int)(mag % 10));
		mag /= 10;
	}
	if (e > 0 || places > 0)
		*--p = '.';
	do {
		*--p = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag);
	if (m < 0)
		*--p = '-';
	return group(p, (size_t)(end - p), buf);
}

size_t number_grouped_digits(const char *digits, size_t n, bool negative, int e, int places, char *buf)
{
	size_t at = 0;
	while (e > 0 && n > 1 && digits[n - 1] == '0') /* trailing zeros say nothing */
		n--, e--;
	if (n == 1 && digits[0] == '0')
		e = 0;
	if (e < 0 || e > 38)
		abort(); /* a programming error: no exact product has such a scale */
	if (places > DECIMAL_PLACES)
		places = DECIMAL_PLACES;
	size_t decimals = (size_t)e, whole = n > decimals ? n - decimals : 0;
	if (negative)
		buf[at++] = '-';
	for (size_t i = 0; i < whole; i++) { /* grouped as group() does */
		if (i && (whole - i) % 3 == 0)
			buf[at++] = ',';
		buf[at++] = digits[i];
	}
	if (whole == 0)
		buf[at++] = '0';
	if (e > 0 || places > 0)
		buf[at++] = '.';
	for (size_t i = n; i < decimals; i++) /* the decimals' leading zeros */
		buf[at++] = '0';
	memcpy(buf + at, digits + whole, n - whole);
	at += n - whole;
	for (int i = e; i < places; i++)
		buf[at++] = '0';
	buf[at] = '\0';
	return at;
}

size_t number_percent(decimal fraction, int places, char buf[NUMBER_BUFSIZE])
{
	decimal pct;
	if (!decimal_mul(fraction, decimal_from_int(100), places, ROUND_HALF_AWAY, &pct))
		return number_grouped(fraction, -1, buf);
	size_t n = number_grouped(pct, places, buf);
	memcpy(buf + n, " %", 3);
	return n + 2;
}

size_t number_points(decimal diff, bool sign, char buf[NUMBER_BUFSIZE])
{
	decimal pts;
	if (!decimal_mul(diff, decimal_from_int(100), 2, ROUND_HALF_AWAY, &pts))
		pts = diff;
	size_t at = 0;
	if (sign && decimal_sign(pts) > 0)
		buf[at++] = '+';
	return at + number_grouped(pts, 2, buf + at);
}

void output_fixed(struct output *o, decimal d, int places)
{
	char buf[NUMBER_BUFSIZE];
	output_bytes(o, buf, number_fixed(d, places, buf));
}

void output_money(struct output *o, decimal d)
{
	char buf[NUMBER_BUFSIZE];
	output_bytes(o, buf, number_money(d, buf));
}

void output_exact(struct output *o, decimal d)
{
	char buf[NUMBER_BUFSIZE];
	output_bytes(o, buf, number_exact(d, buf));
}

void output_count(struct output *o, uint64_t n)
{
	char buf[NUMBER_BUFSIZE];
	output_bytes(o, buf, number_count(n, buf));
}
