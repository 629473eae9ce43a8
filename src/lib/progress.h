/* Progress against a goal at an as-of date: the elapsed share of the goal's period
 * (calendar or working days), then attainment, expected, pace, projection, gap and status,
 * computed as exact fractions and rounded only when printed. */
#ifndef SPM_PROGRESS_H
#define SPM_PROGRESS_H

#include "decimal.h"
#include "period.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which days count: every day, or Monday to Friday; less the holidays (sorted, unique). */
struct work_calendar {
	bool workdays;
	const spm_day *holidays;
	size_t nholidays;
};

/* Counted days in the half-open interval [lo, hi); 0 when hi <= lo. */
int64_t counted_days(const struct work_calendar *cal, spm_day lo, spm_day hi);

/* How much of a period lies behind the as-of date, the as-of day itself included. */
struct elapsed {
	int64_t done;  /* counted days from the period's start through the as-of date */
	int64_t total; /* counted days in the period */
	bool started;  /* the as-of date is on or after the first day */
	bool over;     /* the as-of date is on or after the last day */
};

struct elapsed period_elapsed(struct period p, spm_day as_of, const struct work_calendar *cal);

/* An exact ratio num/den of two decimals' units; den == 0 means "no value". */
struct fraction {
	decimal_units num, den;
	/* FRACTION_EXACT but for a value of progress_compute whose lowest terms do not fit
	 * 128 bits (coprime terms past 10^38 happen near the top of the range): then num/den
	 * is the value cut to 9 decimals, floor(value × 10^9)/10^9, and cut tells how much of
	 * 10^-9 was cut off; all that rounding to 9 decimals or fewer, or comparing with a
	 * decimal, needs (fraction_round, the status). */
	uint8_t cut;
};

enum {
	FRACTION_EXACT,
	FRACTION_CUT_BELOW_HALF, /* less than half of 10^-9, more than nothing */
	FRACTION_CUT_HALF,
	FRACTION_CUT_ABOVE_HALF, /* more than half, less than all */
};

struct fraction fraction_of(decimal d);
struct fraction fraction_ratio(decimal num, decimal den);
bool fraction_defined(struct fraction f);
/* f rounded to places decimals (half away from zero); false if undefined or too large. */
bool fraction_round(struct fraction f, int places, decimal *out);

enum goal_status {
	STATUS_ACHIEVED,
	STATUS_AHEAD,
	STATUS_ON_TRACK,
	STATUS_BEHIND,
	STATUS_MISSED,
	STATUS_NOT_STARTED,
	STATUS_NO_DATA, /* started, but nothing to measure: a win rate with no closed deal */
	STATUS_EARLY,   /* running, but too little of the period has passed to judge its pace */
};

/* How many statuses there are (outside the enum: switches need not name it). */
enum { STATUS_COUNT = STATUS_EARLY + 1 };

const char *goal_status_name(enum goal_status s);
/* The status named s[0..len); false if none is. */
bool goal_status_parse(const char *s, size_t len, enum goal_status *out);
/* The statuses, for a message. */
#define GOAL_STATUS_LIST "achieved, ahead, on_track, behind, missed, not_started, no_data or early"

/* attainment >= achieved: achieved (while the period runs, only where that cannot be
 * undone: a sum or count, a maximum, a minimum of direction lower); pace >= ahead: ahead;
 * pace >= on_track: on_track (a level's pace is its attainment); while less than the
 * share early of a running period has passed: early (0: never). */
struct status_thresholds {
	decimal achieved, ahead, on_track, early;
};

struct status_thresholds default_thresholds(void);

/* Which way a level that is not cumulative can move as the period's rows come in. A sum
 * or a count only grows (cumulative says so); a ratio or an average goes both ways, so
 * reaching its target before the period ends is not final; a maximum only rises and a
 * minimum only falls. */
enum goal_course {
	COURSE_LEVEL, /* both ways: win rate, average deal, cycle days, averages, open pipeline */
	COURSE_RISES, /* a maximum */
	COURSE_FALLS, /* a minimum */
};

struct goal_measure {
	struct fraction actual; /* undefined: nothing measured (a win rate with no closed deal) */
	decimal target;
	bool lower;      /* direction lower: less is better, attainment = target ÷ actual */
	bool cumulative; /* grows through the period (sums, counts); else a level (ratios) */
	struct elapsed elapsed;
	enum goal_course course; /* of a metric not cumulative (a cumulative one rises) */
};

/* Every value may be undefined (den == 0): the column is then printed empty. */
struct progress {
	struct fraction attainment, expected, pace, projected, gap;
	enum goal_status status;
};

/* g->actual exact (cut FRACTION_EXACT). Every value that fits the decimal range is found
 * exactly, through lib/wide's products when a step does not fit 128 bits; one past
 * ±1.7 × 10^29 (2^127 billionths) is held as that bound, which fraction_round refuses
 * and which compares as the value does: a caller refuses a row when a value does not
 * round, never because a step on the way overflowed. */
void progress_compute(const struct goal_measure *g, const struct status_thresholds *t,
		      struct progress *out);

#endif
