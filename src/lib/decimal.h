/* Exact decimal numbers for money, counts and ratios: a 128-bit integer count of
 * billionths. No binary floating point anywhere; overflow is reported, never wrapped. */
#ifndef SPM_DECIMAL_H
#define SPM_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECIMAL_PLACES 9 /* billionths: more fractional digits than any currency uses */
#define DECIMAL_BUFSIZE 64

__extension__ typedef __int128 decimal_units;

typedef struct {
	decimal_units units; /* value × 10^DECIMAL_PLACES */
} decimal;

/* How a number is written: 1,234.56 (point) or 1.234,56 (comma, --decimal-comma). */
enum decimal_style { DECIMAL_POINT, DECIMAL_COMMA };

enum decimal_status {
	DECIMAL_OK,
	DECIMAL_EMPTY,
	DECIMAL_SYNTAX,
	DECIMAL_GROUPING,
	DECIMAL_TOO_PRECISE,
	DECIMAL_OVERFLOW,
};

enum decimal_rounding { ROUND_HALF_AWAY, ROUND_HALF_EVEN };

const char *decimal_strerror(enum decimal_status status);

/* Parses "1234.56", "-1,234.5", "$1,234.56", "(12.00)", "1.234,56" (comma style).
 * Surrounding spaces are ignored; an empty string gives DECIMAL_EMPTY. */
enum decimal_status decimal_parse(const char *s, size_t len, enum decimal_style style,
				  decimal *out);

/* Only the plain form, "-1234.56" (an optional minus, at most 18 integer digits, a point
 * and 1 to 9 decimals): true with the value and the decimals written (0 without a point).
 * False for anything else, which decimal_parse may still accept (a reader's fast path:
 * the value is the same as decimal_parse's). */
bool decimal_parse_plain(const char *s, size_t len, decimal *out, int *places);

decimal decimal_from_int(int64_t n);
decimal decimal_zero(void);
bool decimal_is_zero(decimal a);
int decimal_sign(decimal a);
int decimal_cmp(decimal a, decimal b);

/* Checked arithmetic: false on overflow (the result is then unspecified). */
bool decimal_add(decimal a, decimal b, decimal *out);
bool decimal_sub(decimal a, decimal b, decimal *out);
/* a × b rounded to places; a ÷ b rounded to places (false when b is zero too). */
bool decimal_mul(decimal a, decimal b, int places, enum decimal_rounding mode, decimal *out);
bool decimal_div(decimal a, decimal b, int places, enum decimal_rounding mode, decimal *out);
decimal decimal_round(decimal a, int places, enum decimal_rounding mode);

/* Writes a with exactly places decimals (rounded half away from zero), or with the
 * fewest decimals that keep it exact when places < 0. Returns the length. */
size_t decimal_format(decimal a, int places, char *buf, size_t size);

#endif
