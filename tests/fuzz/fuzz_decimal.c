/* Fuzz harness for src/lib/decimal.c: decimal_parse in both styles.
 *
 * decimal.c is included here (not linked) to reach its static parsers: decimal_parse tries
 * a fast parse_plain first and falls back on parse_general. Differential check: whenever
 * parse_plain accepts a text, parse_general must accept it too, with the same value.
 * For every input parsed as DECIMAL_OK (point or comma style):
 *   - decimal_format(x, -1) must re-parse (point style) to exactly x, and comma style must
 *     read the same text with '.' turned into ',' to x as well;
 *   - decimal_format(x, p) for p = 0..9 must fit, re-parse, and equal decimal_round(x, p);
 *   - a few checked operations must hold: x + x when it reports no overflow, and x - x,
 *     x × 1, x ÷ 1 and x ÷ x (x not 0) always, whatever x in range (a result that fits is
 *     found even when a step on the way passes 128 bits).
 * Any other status must be one of the enum's values.
 * Build and run: see tests/fuzz/README.md. */
#include "decimal.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "%s: \"", what);
	for (size_t i = 0; i < size; i++) {
		if (data[i] < 0x20 || data[i] >= 0x7f || data[i] == '"' || data[i] == '\\')
			fprintf(stderr, "\\x%02x", data[i]);
		else
			fputc(data[i], stderr);
	}
	fputs("\"\n", stderr);
}

static void fail(const char *why, const uint8_t *data, size_t size, enum decimal_style style,
		 const char *text)
{
	fprintf(stderr, "\nfuzz_decimal: %s (%s style)\n", why, style == DECIMAL_POINT ? "point" : "comma");
	show("input", data, size);
	if (text)
		fprintf(stderr, "formatted: \"%s\"\n", text);
	abort();
}

static void check_value(decimal x, const uint8_t *data, size_t size, enum decimal_style style)
{
	char buf[DECIMAL_BUFSIZE];
	decimal y;
	size_t n = decimal_format(x, -1, buf, sizeof buf);
	if (n == 0 || n != strlen(buf))
		fail("decimal_format(x, -1) did not fit or returned a wrong length", data, size, style, buf);
	enum decimal_status st = decimal_parse(buf, n, DECIMAL_POINT, &y);
	if (st != DECIMAL_OK)
		fail("decimal_format(x, -1) does not parse back (point style)", data, size, style, buf);
	if (decimal_cmp(x, y) != 0)
		fail("decimal_format(x, -1) parses back to another value", data, size, style, buf);

	/* Comma style: the same digits with a decimal comma. */
	char comma[DECIMAL_BUFSIZE];
	memcpy(comma, buf, n + 1);
	char *dot = strchr(comma, '.');
	if (dot)
		*dot = ',';
	st = decimal_parse(comma, n, DECIMAL_COMMA, &y);
	if (st != DECIMAL_OK || decimal_cmp(x, y) != 0)
		fail("the comma-style form of decimal_format(x, -1) does not parse back", data, size, style,
		     comma);

	for (int places = 0; places <= DECIMAL_PLACES; places++) {
		n = decimal_format(x, places, buf, sizeof buf);
		if (n == 0 || n != strlen(buf))
			fail("decimal_format(x, places) did not fit", data, size, style, buf);
		const char *point = strchr(buf, '.');
		size_t shown = point ? strlen(point + 1) : 0;
		if ((int)shown != places)
			fail("decimal_format(x, places) shows another number of decimals", data, size, style, buf);
		if (decimal_parse(buf, n, DECIMAL_POINT, &y) != DECIMAL_OK)
			fail("decimal_format(x, places) does not parse back", data, size, style, buf);
		decimal r = decimal_round(x, places, ROUND_HALF_AWAY);
		if (decimal_cmp(r, y) != 0)
			fail("decimal_format(x, places) differs from decimal_round(x, places)", data, size, style,
			     buf);
		decimal e = decimal_round(x, places, ROUND_HALF_EVEN);
		decimal diff;
		if (!decimal_sub(r, e, &diff))
			fail("decimal_sub of two roundings overflowed", data, size, style, buf);
		/* the two modes differ by at most one step at that many places */
		decimal step = decimal_from_int(1);
		for (int k = 0; k < places; k++)
			step.units /= 10;
		if (diff.units > step.units || diff.units < -step.units)
			fail("half-away and half-even roundings differ by more than one step", data, size, style,
			     buf);
	}

	decimal s, one = decimal_from_int(1);
	if (decimal_add(x, x, &s)) {
		decimal back;
		if (!decimal_sub(s, x, &back) || decimal_cmp(back, x) != 0)
			fail("(x + x) - x != x", data, size, style, NULL);
	}
	if (!decimal_sub(x, x, &s) || !decimal_is_zero(s))
		fail("x - x != 0", data, size, style, NULL);
	/* x × 1, x ÷ 1 and x ÷ x fit whatever x in range: none may overflow */
	if (!decimal_mul(x, one, DECIMAL_PLACES, ROUND_HALF_AWAY, &s))
		fail("x * 1 overflows though x is in range", data, size, style, NULL);
	if (decimal_cmp(s, x) != 0)
		fail("x * 1 != x", data, size, style, NULL);
	if (!decimal_div(x, one, DECIMAL_PLACES, ROUND_HALF_AWAY, &s))
		fail("x / 1 overflows though x is in range", data, size, style, NULL);
	if (decimal_cmp(s, x) != 0)
		fail("x / 1 != x", data, size, style, NULL);
	if (!decimal_is_zero(x)) {
		if (!decimal_div(x, x, 4, ROUND_HALF_AWAY, &s) || decimal_cmp(s, one) != 0)
			fail("x / x != 1", data, size, style, NULL);
		(void)decimal_mul(x, x, 2, ROUND_HALF_EVEN, &s); /* may overflow: must not crash */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy so ASan catches any read past the given length. */
	char *s = malloc(size ? size : 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	const enum decimal_style styles[] = { DECIMAL_POINT, DECIMAL_COMMA };
	for (size_t i = 0; i < 2; i++) {
		decimal x = { 0 };
		enum decimal_status st = decimal_parse(s, size, styles[i], &x);
		if (st > DECIMAL_OVERFLOW)
			fail("unknown status", data, size, styles[i], NULL);
		if (decimal_strerror(st) == NULL)
			fail("no message for a status", data, size, styles[i], NULL);
		decimal plain = { 0 }, general = { 0 };
		int places = -1;
		if (parse_plain(s, size, styles[i] == DECIMAL_POINT ? '.' : ',', &plain, &places)) {
			if (places < 0 || places > DECIMAL_PLACES)
				fail("parse_plain gives no count of decimals", data, size, styles[i], NULL);
			enum decimal_status gst = parse_general(s, size, styles[i], &general);
			if (gst != DECIMAL_OK)
				fail("parse_plain accepts a text parse_general rejects", data, size, styles[i],
				     decimal_strerror(gst));
			if (decimal_cmp(plain, general) != 0)
				fail("parse_plain and parse_general read different values", data, size, styles[i],
				     NULL);
		}
		if (st == DECIMAL_OK)
			check_value(x, data, size, styles[i]);
	}
	free(s);
	return 0;
}
