/* spm-report: renders spm streams for people. The input streams (actuals, progress,
 * scores, payouts) are read into memory (data.c); a kind (leaderboard, progress,
 * scorecard, team, statement, feedback, review) turns them into a document of sections,
 * tables and sentences (doc.c, kind_*.c, feedback.c); a format writes the document as
 * text, Markdown, HTML, JSON, CSV or an xlsx workbook (render_*.c); split.c writes one file per owner.
 *
 * This header is the whole program's: the streams read (data.h), the document (doc.h) and
 * the renderers (render.h), then the options, the run, the kinds and the statistics. */
#ifndef SPM_REPORT_H
#define SPM_REPORT_H

#include "data.h"
#include "doc.h"
#include "render.h"

#include "decimal.h"
#include "goals.h"
#include "metrics.h"
#include "number.h"
#include "output.h"
#include "period.h"
#include "progress.h"
#include "roster.h"
#include "scorecard.h"
#include "stream.h"
#include "table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* ---- options and the run ---- */

struct report_options {
	enum kind kind;
	bool kind_set;
	enum format format;
	const char *output, *split_dir, *title, *period, *owner, *metric;
	const char *roster, *metrics, *goals, *catalog, *self, *tiers;
	enum level level;
	bool has_as_of;
	spm_day as_of;
	long top;            /* 0: every row */
	decimal attention;   /* a score under it needs attention */
	bool workdays, raw, color;
	const char *currency; /* --currency: xlsx money format */
	int fiscal_start;
	char **files;
	size_t nfiles;
};

struct metric_view {
	enum unit unit;
	bool cumulative; /* grows through the period: per-day figures make sense */
	bool lower;      /* less is better */
};

/* Everything a kind reads. */
struct report {
	const struct report_options *opt;
	struct data *data;
	struct names *names;
	struct metric_catalog metrics;
	struct roster roster;
	bool has_roster;
	struct goal_sheet goals;
	bool has_goals;
	struct catalog catalog;
	struct self_sheet self;
	struct tier_list tiers;   /* --tiers, parsed by the core as spm-score parses it */
	struct period *current;   /* the periods reported on: the latest of each grain */
	size_t ncurrent;
	size_t owner_filter;      /* --owner, or NONE */
	struct table *progress_at; /* (period, owner, metric) → 1-based progress row */
	struct table *score_at;    /* (period, owner) → 1-based score row */
	struct table *actual_at;   /* (period, owner, metric) → 1-based actual row */
	struct table *groups;      /* (period, metric or NONE, team) → struct group_values */
	struct table *members;     /* (period, team or NONE) → struct members */
	struct table *periods_indexed; /* periods whose members are indexed */
	size_t *by_owner;          /* progress row indexes grouped by owner, in file order */
	size_t *owner_first;       /* owner id → its first entry in by_owner (n + 1 entries) */
	size_t *pay_by_owner;      /* payout row indexes grouped by owner, in file order */
	size_t *pay_first;         /* owner id → its first entry in pay_by_owner (n + 1 entries) */
	size_t *self_by_owner;     /* self-ratings (--self) grouped by owner, in file order */
	size_t *self_first;        /* owner id → its first entry in self_by_owner (n + 1 entries) */
	size_t *goal_by_owner;     /* --goals: the sheet's goals grouped by owner id, in sheet order */
	size_t *goal_first;        /* owner id → its first entry in goal_by_owner */
	size_t ngoal_owners;       /* owner ids goal_first covers */
	unsigned char *level;      /* owner id → its enum level (names known at setup; later ones: reps) */
	size_t nlevel;
	size_t pace_name;          /* the name "pace", or NONE when no row has it */
	size_t early_name;         /* the basis "early" (too early to score), or NONE */
	struct period early_skipped; /* with has_early_skipped: the latest period, too early to
				      * estimate a payout, passed over for the latest one over */
	struct period early_instead; /* and the period reported on instead */
	bool has_early_skipped;
};

/* The values of a group in a period, sorted: attainments of a metric, or scores (metric
 * NONE) with the largest rise in score. Computed once, kept until report_free. */
struct group_values {
	decimal *v;
	size_t n;
	decimal max_delta;
	bool has_delta;
};

/* The reps with a score or progress row in a period, of a group (NONE: all reps), in byte
 * order: indexed once per period, so that every group's lookups are linear in its members. */
struct members {
	size_t *owner;
	size_t n, cap;
};
const struct members *members_of(const struct report *r, struct period p, size_t team);

/* Sets up what every kind reads (indexes, current periods, tiers); report_free undoes it. */
void report_setup(struct report *r, enum stream_id primary);
void report_free(struct report *r);
/* The stream a kind reports from, among those given. */
enum stream_id primary_stream(const struct data *d, enum kind k);

struct metric_view metric_view(const struct report *r, size_t metric);
/* Whether a metric's values add up over owners: sums and counts, not ratios or averages
 * (a metric the catalogue does not know is taken as a sum, as spm-goal does). */
bool metric_adds_up(const struct report *r, size_t metric);
/* The group an owner is compared within: the roster's (--roster), else the scores' team
 * column for that period, else NONE (everyone together). */
size_t team_of(const struct report *r, size_t owner, struct period p);
bool is_current(const struct report *r, struct period p);
/* The current period of p's grain, if any. */
bool owner_wanted(const struct report *r, size_t owner);
/* A label for a period ("2017-Q3"). */
const char *period_label(struct period p, char buf[PERIOD_LABEL_SIZE]);

/* The level of an owner: the scores' or progress rows' level column, else the roster's
 * (a rep, or a name of its team, manager or region column), else a rep. Only reps are
 * ranked among reps, get feedback and count in a group's totals. */
enum level owner_level(const struct report *r, size_t owner);
bool is_rep(const struct report *r, size_t owner);
/* The word of the groups owners are compared within: the scores' group column ("region"),
 * else the roster's --level, else "team". */
const char *group_word(const struct report *r);
/* "Team", "Region": the group word as a heading. Newly allocated. */
char *group_heading(const struct report *r);
/* Whether a score was computed on pace (spm-score --basis): then it reads "on pace". */
bool on_pace(const struct report *r, const struct score_row *s);
/* What people read for a metric ("Won revenue"; a metrics file's label), lowercased at
 * the start mid-sentence unless the label starts with an acronym. */
void sb_metric_label(struct sbuf *b, const struct report *r, size_t metric, bool first);
/* Cells of identifiers: the identifier for JSON and CSV, its label for people. */
void set_metric(const struct report *r, struct dtable *t, size_t row, size_t col, size_t metric);
/* A score's tier ("far_below"; "Far below", "on course for Meets" on pace). */
void set_tier(const struct report *r, struct dtable *t, size_t row, size_t col, const struct score_row *s);
/* A tier's label: "Far below". */
void sb_tier_label(struct sbuf *b, const struct report *r, size_t tier);
/* A status for people: "on track", "not measurable yet". */
const char *status_words(enum goal_status s);

/* ---- kinds ---- */

void build_leaderboard(struct report *r, struct doc *d);
void build_progress(struct report *r, struct doc *d);
void build_scorecard(struct report *r, struct doc *d);
void build_team(struct report *r, struct doc *d);
void build_statement(struct report *r, struct doc *d);
void build_feedback(struct report *r, struct doc *d);
void build_review(struct report *r, struct doc *d);

/* Progress rows of the current periods for the owners shown, by owner, period, metric. */
size_t *current_progress(const struct report *r, size_t *n);
/* The progress table's columns, and one goal as a row of it (the review shares them). */
const struct doc_column *progress_columns(size_t *n);
void progress_cells(const struct report *r, struct dtable *t, const struct progress_row *p);
/* Owners with rows of the primary stream in period p, shown by the report, in byte order. */
size_t *owners_in(const struct report *r, enum stream_id s, struct period p, size_t *n);
/* The same, reps only (feedback, review, team members). */
size_t *reps_in(const struct report *r, enum stream_id s, struct period p, size_t *n);
/* Payout rows of an owner in a period: lines by metric, the total last. */
size_t *payout_lines(const struct report *r, size_t owner, struct period p, size_t *n);
/* The statement's columns, and an owner's lines in a table: returns the total (the *
 * row's payout, else the sum of the lines, with *summed set). */
const struct doc_column *statement_columns(size_t *n);
struct num statement_table(const struct report *r, struct dtable *t, size_t owner, struct period p, bool *summed);
/* What an owner's statement of a period is (enum payout_basis, its least sure line's), or
 * -1 when the payouts have no basis column; of all the statements reported on (--owner's
 * only, with --owner): statements_basis. */
int statement_basis(const struct report *r, size_t owner, struct period p);
int statements_basis(const struct report *r);

/* Whether an owner's goals of a period show no activity at all: none achieved, every actual
 * zero or not measured (goals kept under a ceiling do not count as none). */
bool no_activity(const struct progress_row *const *goals, size_t n);
/* Whether some progress row is too early in its period to judge (status early). */
bool any_early(const struct data *data);
/* Whether a goal's period still runs at the as-of date: days left (the progress column). */
bool progress_running(const struct progress_row *g);
/* The goals of an owner in period p that have begun, in goals (the count returned), but
 * in early those of a period too young to judge (status early, and with them the goals
 * not measurable yet): neither praised nor blamed. Both arrays hold the owner's progress
 * rows at most. */
size_t owner_period_goals(const struct report *r, size_t owner, struct period p, const struct progress_row **goals,
			  const struct progress_row **early, size_t *nearly);
/* Feedback sentences for one owner and period, into a notes block (feedback.c). */
void owner_feedback(struct report *r, size_t owner, struct period p, struct block *notes);
/* Recognition across owners of a period (leaderboard, team). */
void period_recognition(struct report *r, struct period p, size_t team, struct block *notes);

/* ---- statistics over a period's rows (stats.c) ---- */

/* Median of n values (sorted in place); false when n is 0. */
bool median_of(decimal *v, size_t n, decimal *out);
bool median_sorted(const decimal *v, size_t n, decimal *out);
/* Attainments of a metric in a period of the owners of a team (NONE: all), and scores
 * (metric NONE), sorted. */
const struct group_values *group_values(const struct report *r, size_t metric, struct period p, size_t team);
/* How many of the sorted values are below (above) x. */
size_t count_below(const struct group_values *g, decimal x);
size_t count_above(const struct group_values *g, decimal x);
const struct progress_row *progress_find(const struct report *r, size_t owner, size_t metric, struct period p);
const struct score_row *score_find(const struct report *r, size_t owner, struct period p);
/* The progress rows of an owner (indexes into data->progress); *n of them. */
const size_t *owner_progress(const struct report *r, size_t owner, size_t *n);
/* The payout rows of an owner (indexes into data->payout); *n of them. */
const size_t *owner_payouts(const struct report *r, size_t owner, size_t *n);
/* The goals of an owner in the goal sheet (indexes into goals.goal), in sheet order. */
const size_t *owner_goals(const struct report *r, size_t owner, size_t *n);
/* The self-ratings of an owner (indexes into self.r), in file order; *n of them. */
const size_t *owner_self_ratings(const struct report *r, size_t owner, size_t *n);
const struct actual_row *actual_find(const struct report *r, size_t owner, size_t metric, struct period p);
/* The n periods of p's grain up to p, oldest first. */
void last_periods(struct period p, size_t n, struct period *out);
/* The footer lines every kind shares: days, rounding, tiers, percentiles. */
void common_footer(const struct report *r, struct doc *d);
/* What a cumulative goal needs per remaining day and has done per day so far (a goal
 * kept under a ceiling: how much is left to use per day). No value where it makes no
 * sense: levels (ratios, averages), no day left, nothing left to do. */
struct daily {
	struct num needed, so_far;
};
struct daily daily_figures(const struct report *r, const struct progress_row *p);
/* A tone for an attainment and a status. */
enum tone status_tone(enum goal_status s);
/* The pace of a sum of goals of one period (actual and target summed, the days as the
 * progress rows give them): exact, 4 decimals; none before anything is expected. */
struct num sum_pace(decimal actual, decimal target, bool lower, struct num elapsed, struct num left);
enum tone attainment_tone(struct num attainment);

#endif
