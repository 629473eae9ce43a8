/* Dates and periods: days since 1970-01-01, parsing of export dates, and period labels
 * (year, half, quarter, month, ISO week, day; fiscal years named by the year they end in). */
#ifndef SPM_PERIOD_H
#define SPM_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t spm_day; /* days since 1970-01-01; 0001-01-01 .. 9999-12-31 */

#define PERIOD_LABEL_SIZE 16
#define DATE_TEXT_SIZE 16

struct civil_date {
	int year, month, day;
};

spm_day day_from_civil(int year, int month, int day);
struct civil_date civil_from_day(spm_day d);
bool civil_is_valid(int year, int month, int day);
int days_in_month(int year, int month);
int iso_weekday(spm_day d); /* 1 = Monday .. 7 = Sunday */

/* "2026-11-26", optionally followed by a time ("T09:30", " 09:30:00.123Z", "+01:00").
 * The date is taken as written; the time and zone are checked but do not move it. */
bool date_parse_iso(const char *s, size_t len, spm_day *out);
/* Why text that date_parse_iso refused is not a date: for a well-formed YYYY-MM-DD with no
 * such month or day, what is wrong ("no such day: April has 30 days"); else otherwise.
 * The text is constant, so a reader may keep it after the next row. */
const char *date_problem(const char *s, size_t len, const char *otherwise);
/* The days of ISO dates already parsed (YYYY-MM-DD, exactly 10 bytes), by their bytes: an
 * export has a few thousand distinct dates among millions of rows. One per thread. */
#define DATE_MEMO_BITS 12
struct date_memo {
	/* by the date's own digits (year's last, month, day): the dates of a few years, those an
	 * export mostly holds, are neighbours in 24 KiB and never evict each other; a hash
	 * scattered them over 64 KiB (a cache miss a date) */
	struct date_memo_slot {
		uint64_t head; /* the first 8 bytes ("2026-03-"); 0: empty */
		uint16_t tail; /* the last 2 ("15") */
		spm_day day;
	} slot[1 << DATE_MEMO_BITS];
};
/* date_parse_iso, with the days of earlier dates remembered in memo. */
bool date_parse_iso_memo(struct date_memo *memo, const char *s, size_t len, spm_day *out);
/* strptime-style layout such as "%m/%d/%Y"; the whole text must match. */
bool date_parse_format(const char *s, size_t len, const char *format, spm_day *out);
/* Checks a --date-format layout: it must name a year, a month and a day. */
bool date_format_is_usable(const char *format);
void date_format(spm_day d, char buf[DATE_TEXT_SIZE]);

enum grain { GRAIN_YEAR, GRAIN_HALF, GRAIN_QUARTER, GRAIN_MONTH, GRAIN_WEEK, GRAIN_DAY };

/* A period is its grain, the fiscal start month (1 = calendar) and its first day. */
struct period {
	spm_day start;
	uint8_t grain;
	uint8_t fiscal_start;
};

/* A period as 6 bytes with no padding, for hash keys: start, grain, fiscal start. */
#define PERIOD_KEY_SIZE 6
void period_to_key(struct period p, unsigned char key[PERIOD_KEY_SIZE]);
struct period period_from_key(const unsigned char key[PERIOD_KEY_SIZE]);

bool grain_parse(const char *name, enum grain *out);
const char *grain_name(enum grain g);

/* The period of the given grain that holds day d. fiscal_start (1..12) matters for
 * year, half and quarter only. */
struct period period_of(spm_day d, enum grain g, int fiscal_start);
/* First day after the period: the period is the half-open interval [start, end). */
spm_day period_end(struct period p);
int period_days(struct period p);
struct period period_previous(struct period p);
struct period period_next(struct period p);
int period_cmp(struct period a, struct period b);
/* The periods of grain `into` that make up p, in order (free the array); NULL when into is
 * coarser or does not fit (a calendar year into quarters of a February fiscal year).
 * Halves and quarters are those of fiscal_start; weeks are the ISO weeks whose Thursday
 * lies in p, so each week belongs to exactly one period. */
struct period *period_split(struct period p, enum grain into, int fiscal_start, size_t *n);
/* "years", "halves", "quarters", "months", "weeks", "days". */
const char *grain_plural(enum grain g);

/* "2026", "2026-H2", "2026-Q3", "2026-11", "2026-W48", "2026-11-26", "FY2027-Q1".
 * FY labels need fiscal_start > 1; returns false on anything else. */
bool period_parse(const char *s, size_t len, int fiscal_start, struct period *out);
size_t period_format(struct period p, char buf[PERIOD_LABEL_SIZE]);

#endif
