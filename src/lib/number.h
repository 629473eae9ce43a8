/* Printing numbers: one function for each kind of number, used by every program, so that
 * money, counts, ratios and percentages look the same in every column and every report. */
#ifndef SPM_NUMBER_H
#define SPM_NUMBER_H

#include "decimal.h"
#include "output.h"

#include <stddef.h>
#include <stdint.h>

#define NUMBER_BUFSIZE 80 /* any decimal, grouped, with a sign and " %" */

/* Places of each kind in machine outputs (TSV, CSV, JSON). */
enum {
	MONEY_PLACES = 2, /* at least: a money value keeps every further digit it has */
	RATIO_PLACES = 4, /* attainment 1.0534 */
	SCORE_PLACES = 2, /* percentiles (a score is a weighted attainment: RATIO_PLACES) */
};

/* Machine forms: '.' as the mark, no grouping, rounding half away from zero.
 * Each writes a NUL-terminated string into buf and returns its length. */

/* Exactly places decimals (places 0..9); a 64-bit fast path for the common case. */
size_t number_fixed(decimal d, int places, char buf[NUMBER_BUFSIZE]);
/* The fewest decimals that keep d exact, but at least places (0: an exact number). */
size_t number_at_least(decimal d, int places, char buf[NUMBER_BUFSIZE]);
/* Money: every significant digit, at least two (100122.80, 60471.195), so that sums and
 * merges of printed values lose nothing; reports round to the cent for people. */
size_t number_money(decimal d, char buf[NUMBER_BUFSIZE]);
/* The fewest decimals that keep d exact (weights, rates, plan bounds). */
size_t number_exact(decimal d, char buf[NUMBER_BUFSIZE]);
/* A ratio or an attainment: 4 decimals (0.6315). */
size_t number_ratio(decimal d, char buf[NUMBER_BUFSIZE]);
/* A percentile: 2 decimals (spm-score's scores and deltas are ratios: number_ratio). */
size_t number_score(decimal d, char buf[NUMBER_BUFSIZE]);
/* A whole number. */
size_t number_count(uint64_t n, char buf[NUMBER_BUFSIZE]);

/* Forms for people (text, Markdown, HTML): thousands grouped with commas. */

/* 1234567.5 → 1,234,567.50 with places decimals (places < 0: as few as keep it exact). */
size_t number_grouped(decimal d, int places, char buf[NUMBER_BUFSIZE]);
/* m × 10^-e (e 0..38) with every digit and at least places (0..9) decimals, grouped: an exact
 * product of two decimals keeps more decimals than a decimal holds, and a payout's detail
 * shows all of them (0.075 × 41,666.6625 = 3,124.9996875; 5% × 33,333.30 = 1,666.665). */
size_t number_grouped_exact(decimal_units m, int e, int places, char buf[NUMBER_BUFSIZE]);
/* The same for a magnitude given as its n digits (lib/wide's wide_digits: a payout line's
 * exact products past 128 bits), negative or not; buf has room for n + 40 + n / 3 bytes. */
size_t number_grouped_digits(const char *digits, size_t n, bool negative, int e, int places, char *buf);
/* A fraction as a percentage with places decimals: 1.0534 → "105.34 %". A fraction too
 * large to multiply by 100 prints as the fraction itself. */
size_t number_percent(decimal fraction, int places, char buf[NUMBER_BUFSIZE]);
/* A difference of fractions in points: 0.0534 → "5.34" ("+5.34" with sign). */
size_t number_points(decimal diff, bool sign, char buf[NUMBER_BUFSIZE]);

/* The same, straight into an output. */
void output_fixed(struct output *o, decimal d, int places);
void output_money(struct output *o, decimal d);
void output_exact(struct output *o, decimal d);
void output_count(struct output *o, uint64_t n);

#endif
