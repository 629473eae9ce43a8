/* Scorecards: a weighted score from clamped attainments, ranks that ties share,
 * percentiles, tiers and streaks. Exact decimal arithmetic: a score is rounded once, to
 * CARD_SCORE_PLACES decimals, and that rounded score is the one ranks, tiers and deltas use, so
 * a reader can check every one of them from the printed numbers. */
#ifndef SPM_SCORECARD_H
#define SPM_SCORECARD_H

#include "decimal.h"
#include "number.h"
#include "sbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* A score is a weighted mean of attainments, so a ratio like them (1.0534), and so is its
 * change; a percentile has 2 decimals (66.67). number.h prints both. */
#define CARD_SCORE_PLACES RATIO_PLACES
#define PERCENTILE_PLACES SCORE_PLACES

/* One goal of a scorecard. */
struct score_goal {
	decimal attainment;
	bool measured;  /* false: no attainment could be computed (an empty field) */
	decimal weight; /* >= 0 */
	decimal floor, cap;
};

/* What a goal without an attainment counts for. */
enum missing_rule {
	MISSING_SKIP,  /* left out, its weight with it */
	MISSING_FLOOR, /* counted at its floor */
};

enum score_status {
	SCORE_OK,
	SCORE_ZERO_WEIGHTS, /* every goal has a weight of 0: the card weighs nothing */
	SCORE_UNMEASURED,   /* no goal that carries weight has an attainment */
	SCORE_OVERFLOW,     /* beyond exact 128-bit arithmetic */
};

/* attainment limited to [floor, cap]. */
decimal score_clamp(decimal attainment, decimal floor, decimal cap);

/* score = Σ wᵢ·clamp(aᵢ) ÷ Σ wᵢ over the goals counted, computed exactly and rounded once
 * to CARD_SCORE_PLACES, half away from zero. */
enum score_status score_compute(const struct score_goal *goals, size_t n, enum missing_rule missing,
				decimal *score);

/* Where one value stands among the n of its group. */
struct standing {
	size_t rank;        /* 1 + the number of values strictly above: ties share (1, 2, 2, 4) */
	decimal percentile; /* 100 × (others below + half the others tied) ÷ others, with
			     * PERCENTILE_PLACES; 100 when alone */
};

/* The standings of n values sorted best (largest) first. */
void score_standings(const decimal *best_first, size_t n, struct standing *out);
/* The ranks of n values in any order, ties sharing one (1, 2, 2, 4): rank[i] for v[i], the
 * largest first, or the smallest when lower_is_better. Ranked as score_standings ranks. */
void rank_values(const decimal *v, size_t n, bool lower_is_better, size_t *rank);

struct tier {
	char *name;
	decimal min;
};

struct tier_list {
	struct tier *tier; /* strictly decreasing minimums */
	size_t n;
};

#define DEFAULT_TIERS "exceeds:1.0,meets:0.9,below:0.7,far_below:0"

/* Parses "name:min,name:min,...": names free text (not empty, no TAB or newline, each
 * once), minimums numbers, strictly decreasing. false with a message appended to error
 * otherwise (the caller frees it). */
bool tiers_parse(const char *spec, struct tier_list *out, struct sbuf *error);
void tiers_free(struct tier_list *t);
/* The first tier whose minimum the score reaches (score >= min); -1 if none. */
long tier_of(const struct tier_list *t, decimal score);
/* The tier named name; -1 if none. */
long tier_find(const struct tier_list *t, const char *name);

/* The streak of a period: how many consecutive periods, ending with it, reached the streak
 * tier. prev is the streak of the period just before, or NULL when that period is unknown
 * or has no score (the streak starts again). */
unsigned long streak_next(const unsigned long *prev, bool reached);

#endif
