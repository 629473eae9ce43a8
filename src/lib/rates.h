/* Exchange rates (the rates stream of spm.7): 'currency date rate' (a rate per day) or
 * 'currency period rate' (a planned rate per period), each converting one unit of the
 * currency into the base currency, with an optional 'base' column that names it. */
#ifndef SPM_RATES_H
#define SPM_RATES_H

#include "decimal.h"
#include "period.h"

#include <stdbool.h>
#include <stddef.h>

struct rates;

/* Reads a rates file. base: the base currency asked for (NULL: the file's 'base' column,
 * if any). A bad row (a code that is not three letters, a rate that is not positive, a
 * day or period given twice for one currency, periods that overlap, a 'base' other than
 * base) exits 1 with FILE:LINE: COLUMN: message; I/O errors exit 2. */
struct rates *rates_load(const char *path, const char *base, int fiscal_start);
void rates_free(struct rates *r);
/* The base currency: the one asked for, else the file's 'base' column, else NULL. */
const char *rates_base(const struct rates *r);
/* True when the rates are per period, false when per date. */
bool rates_by_period(const struct rates *r);

/* An ISO 4217-like code: three ASCII letters; written upper case into out[4]. */
bool currency_code(const char *s, size_t len, char out[4]);

enum rate_result {
	RATE_FOUND,
	RATE_UNKNOWN, /* no rate at all for this currency */
	RATE_MISSING, /* none on or before the day (dates), no period holding the day */
	RATE_STALE,   /* the last rate on or before the day is more than max_age days older */
};

struct rate_hit {
	decimal rate;
	spm_day day; /* the rate's date or period start */
};

/* The rate of code (upper case) for day: per date, the last rate on or before the day,
 * at most max_age days older; per period, the period that holds the day. forecast: a
 * day after the currency's last rate (or period) takes that last rate. */
enum rate_result rates_find(const struct rates *r, const char code[4], spm_day day, int max_age, bool forecast,
			    struct rate_hit *hit);

#endif
