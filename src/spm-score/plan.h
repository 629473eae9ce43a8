/* Incentive plans for spm-score --plan: the plan file (plan metric rule lower upper rate),
 * checked as a whole when it is loaded, and the payout of one progress row under a plan:
 * exact decimal arithmetic, rounded once to the cent, with the arithmetic written out in
 * words a rep can check (the detail column). plan.c reads and checks plans; payout.c pays. */
#ifndef SPM_SCORE_PLAN_H
#define SPM_SCORE_PLAN_H

#include "decimal.h"
#include "input.h"
#include "number.h"
#include "stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rule_kind { RULE_RATE, RULE_RETRO, RULE_CURVE, RULE_THRESHOLD, RULE_CAP, RULE_BONUS, RULE_CLAWBACK, RULE_KINDS };

extern const char *const rule_names[RULE_KINDS];

/* The columns of a plan file, in the order plan_add_row takes them. */
enum plan_column { PLAN_PLAN, PLAN_METRIC, PLAN_RULE, PLAN_LOWER, PLAN_UPPER, PLAN_RATE, PLAN_COLUMNS };

extern const enum column plan_columns[PLAN_COLUMNS]; /* in lib/stream.c's plan stream */

/* One row of a plan file. What lower, upper and rate mean depends on the rule:
 *   rate, retro  a band of attainment [lower, upper) (upper - : unbounded), rate a fraction
 *                of the actual (0.08 is 8 %)
 *   curve        a point: attainment lower pays rate × the target incentive
 *   threshold    nothing is paid on the metric below attainment lower
 *   cap          the metric's payout (metric *: the plan's total) is at most rate, an amount
 *   bonus        rate, an amount, when attainment ≥ lower
 *   clawback     won_revenue only: a deal reversed within lower days (whole) of its close
 *                date gives back rate (a share, at most 1) of the commission it earned */
struct plan_rule {
	enum rule_kind kind;
	decimal lower, upper, rate;
	bool unbounded; /* upper is - */
	uint64_t line;
};

/* What a plan pays on one metric. */
struct plan_metric {
	char *name;
	int base;               /* RULE_RATE, RULE_RETRO or RULE_CURVE; -1: none (bonuses only) */
	struct plan_rule *step; /* bands in order of lower, or curve points in order of x */
	size_t nsteps;
	struct plan_rule *bonus; /* in order of lower */
	size_t nbonus;
	struct plan_rule threshold, cap, clawback;
	bool has_threshold, has_cap, has_clawback;
	uint64_t line; /* its first row */
};

struct plan {
	char *name;
	struct plan_metric *metric; /* in the order of their first row */
	size_t nmetrics;
	struct plan_rule cap;       /* metric *: a cap on the plan's total */
	bool has_cap;
	uint64_t line;
};

/* A row as read, before the rows are put together into plans. */
struct plan_row {
	char *plan, *metric;
	struct plan_rule rule;
};

struct plan_warning {
	uint64_t line;
	const char *column;
	char *message; /* the set's: freed with it */
};

struct plan_set {
	const char *path;
	struct plan *plan; /* in the order of their first row */
	size_t nplans;
	struct plan_row *row;
	size_t nrows, rowcap;
	struct plan_warning *warning;
	size_t nwarnings;
	struct sbuf message; /* the text of the problem plan_add_row or plan_build reports */
};

void plan_set_init(struct plan_set *s, const char *path);
void plan_set_free(struct plan_set *s);

/* One rule from its six fields as text (decoded, NUL-terminated). false when the row is
 * bad by itself: *problem says where and why (its message may point into s). */
bool plan_add_row(struct plan_set *s, uint64_t line, char *const field[PLAN_COLUMNS], const size_t len[PLAN_COLUMNS],
		  struct file_problem *problem);

/* Puts the rows together into plans and checks them as a whole: bands that overlap or
 * leave a gap, curve x-values that do not increase, a second threshold or cap, a limit on
 * a metric the plan does not pay. false with the first problem; a payout curve that goes
 * down is only a warning (s->warning). */
bool plan_build(struct plan_set *s, struct file_problem *problem);

/* Reads, checks and builds the plans of path (TSV, or CSV by its name; lines that start
 * with # are comments); prints the warnings; a problem exits 1 with FILE:LINE. */
void plan_load(struct plan_set *s, const char *path);

const struct plan *plan_find(const struct plan_set *s, const char *name);
/* "plans: base, senior" (at most max names, then "and N more"; "no plans" for none), for
 * a name plan_find did not find. The caller frees it. */
char *plan_names(const struct plan_set *s, size_t max);
const struct plan_metric *plan_metric_find(const struct plan *p, const char *metric);

/* ---- payout.c ---- */

/* Text that grows: the detail of a payout line. */
struct text {
	char *s;
	size_t len, cap;
};

void text_clear(struct text *t);
void text_free(struct text *t);

/* What a progress row brings to its payout. What reaches a band, a point of the curve, a
 * threshold or a bonus is the exact attainment actual ÷ target (target ÷ actual for
 * direction lower), not the row's attainment column (rounded to 4 decimals by spm-track);
 * the column is used only when the row lacks the actual or the target, or with
 * attainment_given (a what-if attainment, exact as given). A row without an attainment
 * (has_attainment false) pays nothing. */
struct payout_input {
	decimal actual, target, attainment, incentive;
	bool has_actual, has_target, has_attainment, has_incentive;
	bool attainment_given;
	bool lower; /* direction lower */
};

enum payout_status {
	PAYOUT_OK,
	PAYOUT_NO_ACTUAL,    /* rate or retro on a row without an actual */
	PAYOUT_NO_TARGET,    /* rate on a row without a target */
	PAYOUT_LOWER,        /* rate or retro on a metric where less is better */
	PAYOUT_NO_INCENTIVE, /* a curve, and no target incentive */
	PAYOUT_OVERFLOW,     /* beyond exact 128-bit arithmetic */
};

/* The payout of one metric under its plan, rounded once to the cent by mode, and the
 * arithmetic in words (detail, replaced). */
enum payout_status payout_line(const struct plan_metric *m, const struct payout_input *in,
			       enum decimal_rounding mode, decimal *payout, struct text *detail);

/* The plan's total of n rounded lines: their sum, limited by the plan's cap on *;
 * false on overflow. detail (replaced) shows the sum. */
bool payout_total(const struct plan *p, const decimal *line, size_t n, decimal *total, struct text *detail);

/* A recoverable draw for one period: earned below the draw is advanced up to it (and owed);
 * earned above it repays what is owed, never more than the excess. *balance (what is
 * owed) carries from one period to the next. *line is what the draw adds to the period's
 * pay (an advance, or minus a recovery); detail (replaced). false on overflow. */
bool payout_draw(decimal draw, decimal earned, decimal *balance, decimal *line, struct text *detail);

/* "; earned 3,000.00 + draw advance 2,000.00 = 5,000.00": the draw line (when not 0)
 * added to a total's detail. */
void payout_total_draw(struct text *detail, decimal earned, decimal draw_line, decimal paid);

/* Text helpers shared with the writer: numbers grouped with commas, every digit and at
 * least min_places decimals (1,234.50 with 2); money has 2; a fraction as a percentage
 * (0.08 as 8%, 1.2698 as 126.98% with min_places 2). */
void text_add(struct text *t, const char *s, size_t len);
void text_str(struct text *t, const char *s);
void text_number(struct text *t, decimal d, int min_places);
void text_money(struct text *t, decimal d);
void text_percent(struct text *t, decimal fraction, int min_places);

#endif
