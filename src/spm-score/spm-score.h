/* spm-score: scorecards, ranks, tiers, trends and drivers from progress rows. main.c reads
 * the options, cards.c the input, score.c scores and ranks the cards, trend.c compares them
 * with earlier periods, write.c writes the scores stream and drivers.c the drivers stream.
 * With --plan, payouts.c pays the cards instead, under the plans of plan.c, by payout.c. */
#ifndef SPM_SCORE_H
#define SPM_SCORE_H

#include "cards.h"
#include "number.h"
#include "output.h"
#include "scorecard.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum normalize { NORMALIZE_NONE, NORMALIZE_ZSCORE, NORMALIZE_PERCENTILE };

/* What a goal's value is (--basis): its attainment, its pace (actual against what was
 * expected by the as-of date), or pace while its period runs and attainment once it is over. */
/* BASIS_EARLY is no basis to choose: the mark of a card too early in its period to score
 * (--basis auto and a goal of status early), written without a score. */
enum basis { BASIS_AUTO, BASIS_ATTAINMENT, BASIS_PACE, BASIS_EARLY };

extern const char *const basis_names[4]; /* "auto", "attainment", "pace", "early" */

/* A --cap or --floor: for every metric (metric NULL), or for one. */
struct limit {
	const char *metric;
	decimal value;
};

#define DEFAULT_CAP decimal_from_int(2)
#define DEFAULT_FLOOR decimal_zero()

/* The limit of a metric: the last --cap/--floor that names it, else the last that names
 * none, else the default. metric NULL: the limit of metrics no option names. */
decimal limit_for(const struct limit *l, size_t n, const char *metric, decimal fallback);

/* --plan: incentive payouts instead of scores (payouts.c). */
enum as_if { AS_IF_NONE, AS_IF_ATTAINMENT, AS_IF_ACTUAL };

struct payout_options {
	const char *plan, *plan_name, *metric;
	const char **against; /* paid payouts files, summed (--against, repeated) */
	size_t nagainst;
	const char *reversals; /* --reversals: spm-track's reversals, clawed back under the plan */
	decimal incentive, as_if_value;
	bool has_incentive, skip_unplanned, no_draw;
	enum as_if as_if;
	enum decimal_rounding rounding;
};

struct score_options {
	const char *output, *reject, *roster, *group, *by, *prev, *outcome;
	struct limit *caps, *floors;
	size_t ncaps, nfloors;
	enum missing_rule missing;
	enum normalize normalize;
	enum basis basis;
	struct tier_list tiers;
	long streak_tier; /* index into tiers */
	bool detail, drivers, quiet;
	int fiscal_start;
	size_t threads;
	struct payout_options pay;
};

enum card_state {
	CARD_SCORED,
	CARD_UNMEASURED,  /* no goal that carries weight has an attainment: no score */
	CARD_NOT_STARTED, /* every goal's period starts after the as-of date: left out */
	CARD_EARLY,       /* --basis auto, and too little of its period has passed to judge its
			   * pace (a goal of status early): written with basis early and no score,
			   * never ranked on noise */
};


/* What scoring found for one card: 64 bytes, since the cards are visited in the order of
 * their ranks, not in memory order. */
struct card_score {
	decimal score;
	decimal prev_score;
	uint32_t rank, prev_rank;
	uint32_t streak;
	uint16_t percentile; /* hundredths: 6667 is 66.67 */
	int16_t tier;        /* index into the tiers; -1: none */
	uint8_t state;       /* enum card_state */
	uint8_t basis;       /* BASIS_ATTAINMENT or BASIS_PACE: the basis the card was scored on;
			      * BASIS_EARLY: not scored (CARD_EARLY) */
	bool running : 1;    /* its period is not over at the as-of date */
	bool ranked : 1;     /* a score, or with --by that metric's attainment */
	bool has_prev_score : 1, has_prev_rank : 1;
	bool no_streak : 1;  /* an earlier snapshot of another basis only: the streak is not known */
};

/* Whether a card is written (scored or not). */
static inline bool card_shown(const struct card_score *cs)
{
	return cs->state != CARD_NOT_STARTED;
}

struct scoring {
	const struct score_options *opt;
	struct card_set *set;
	decimal *floor, *cap;  /* per metric */
	struct card_score *cs; /* per card */
	uint32_t *owner_group; /* per owner: the peers it is ranked among (level, then group) */
	char **group;          /* per ranking group: the --group value ("" for groups of owners
				* ranked among all the owners of their level); indexes sort as
				* (level, name) do */
	int8_t *group_level;   /* per ranking group: its owners' enum level, -1 not known */
	size_t ngroups;
	int8_t *owner_level;   /* per owner: enum level, -1 not known (no roster, no level column) */
	bool levels;           /* the level column is written */
	uint32_t *owner_order;  /* per owner: its place in byte order of names */
	uint32_t *period_order; /* per period: its place in byte order of labels */
	size_t *order;         /* the cards written, in the order of the scores stream */
	size_t norder;
	long by;               /* --by metric index, -1 */
	bool trend;            /* the trend columns are written */
	/* for the summary line */
	uint64_t unmeasured_goals, normalized_goals, not_started_cards, early_cards, unmeasured_cards;
	uint64_t other_basis_cards; /* whose earlier snapshot is of another basis: no change */
};

/* score.c: groups, normalization, scores, tiers and ranks of every card. */
void score_init(struct scoring *sc, const struct score_options *o, struct card_set *set);
void score_groups(struct scoring *sc);
void score_all(struct scoring *sc);
void score_free(struct scoring *sc);
/* What a goal counts for in its card's score; false when it counts for nothing. */
bool goal_counted(const struct scoring *sc, const struct goal_row *g, decimal *value);

/* trend.c: prev_score, prev_rank and streak, from the input's earlier periods and --prev. */
void score_trend(struct scoring *sc);

/* write.c: the scores stream; before anything is written, whether --detail can name a
 * column after each metric. */
void check_detail_columns(const struct scoring *sc);
void write_scores(struct output *out, const struct scoring *sc);

/* Whether name is a column of the scores stream (lib/stream.c) other than the group column,
 * which is named after --group: --group and --detail's metrics may not take such a name. */
bool is_score_column(const char *name);

/* drivers.c: the drivers stream. */
void write_drivers(struct output *out, const struct scoring *sc);

/* payouts.c: the whole of a --plan run, from reading the plan to the summary line;
 * returns the exit status. */
int pay_main(const struct score_options *o, char *const *files, size_t nfiles);

/* Statistics are binary floating point (lib/stats); what comes back from them is a ratio
 * rounded to RATIO_PLACES, half away from zero. */
#define UNITS_PER_ONE ((decimal_units)1000000000) /* 10^DECIMAL_PLACES */
double to_double(decimal d);
decimal ratio_from_double(double v);

#endif
