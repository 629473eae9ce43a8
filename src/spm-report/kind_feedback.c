/* Feedback and the quarterly review, per owner. Feedback is the sentences of feedback.c
 * under the owner's heading; the review adds the final attainment, the payouts, the trend
 * over the last four periods and next period's goals (--goals). */
#include "spm-report.h"

#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREND_PERIODS 4

enum { FB_OWNER, FB_PERIOD, FB_TEAM, FB_SCORE, FB_RANK, FB_TIER, FB_TREND, FB_N };

static struct doc_column owner_fields[FB_N] = {
	[FB_OWNER] = { COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	[FB_PERIOD] = { COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	[FB_TEAM] = { COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_ALL, false },
	[FB_SCORE] = { COLUMN_KEY(COL_SCORE), "Score", COL_NUMBER, SHOW_ALL, false },
	[FB_RANK] = { COLUMN_KEY(COL_RANK), "Rank", COL_NUMBER, SHOW_ALL, false },
	[FB_TIER] = { COLUMN_KEY(COL_TIER), "Tier", COL_TEXT, SHOW_ALL, false },
	[FB_TREND] = { "trend", "Trend", COL_SPARK, SHOW_ALL, false },
};

static struct section *owner_section(struct report *r, struct doc *d, size_t owner, struct period p, bool trend)
{
	char label[PERIOD_LABEL_SIZE];
	bool scores = r->data->has[STREAM_SCORES];
	owner_fields[FB_TEAM].show = r->has_roster || r->data->scores_grouped ? SHOW_ALL : 0;
	if (owner_fields[FB_TEAM].show) {
		owner_fields[FB_TEAM].key = doc_keep(d, xstrdup(group_word(r)));
		owner_fields[FB_TEAM].label = doc_keep(d, group_heading(r));
	}
	owner_fields[FB_SCORE].show = owner_fields[FB_RANK].show = owner_fields[FB_TIER].show = scores ? SHOW_ALL : 0;
	owner_fields[FB_TREND].show = trend && scores ? SHOW_ALL : 0;
	struct section *sec = doc_section(d, owner, owner_fields, FB_N, 2);
	set_name(field(sec, FB_OWNER), r->names, owner);
	set_str(&sec->fields, 0, FB_PERIOD, period_label(p, label));
	set_name(field(sec, FB_TEAM), r->names, team_of(r, owner, p));
	const struct score_row *s = score_find(r, owner, p);
	if (s) {
		set_num(field(sec, FB_SCORE), s->score, U_PERCENT);
		set_num(field(sec, FB_RANK), s->rank, U_COUNT);
		set_tier(r, &sec->fields, 0, FB_TIER, s);
	}
	if (trend && scores) {
		struct period last[TREND_PERIODS];
		struct num series[TREND_PERIODS];
		last_periods(p, TREND_PERIODS, last);
		for (size_t i = 0; i < TREND_PERIODS; i++) {
			const struct score_row *q = score_find(r, owner, last[i]);
			series[i] = q ? q->score : num_none();
		}
		size_t skip = 0; /* the line starts at the first period with a score */
		while (skip < TREND_PERIODS && !series[skip].has)
			skip++;
		set_series(&sec->fields, 0, FB_TREND, series + skip, TREND_PERIODS - skip, U_PERCENT);
	}
	return sec;
}

static void feedback_footer(const struct report *r, struct doc *d)
{
	const char *w = group_word(r);
	const char *group = r->has_roster ? "roster group (--roster, --level)"
			    : r->data->scores_grouped ? "group (the scores' group column)"
						      : "set of owners in the report";
	char *heading = group_heading(r);
	doc_footer(d, "Every sentence is made from the input rows and cites their figures; goals are taken in metric "
		      "order. Feedback goes to reps only: the goals of teams, managers and regions are left out. %s: "
		      "the owner's %s; %s median: its reps' middle attainment (the mean of the two middle ones for an "
		      "even count); top quarter: fewer than a quarter of the %s above, with at least 4 reps.",
		   heading, group, w, w);
	free(heading);
	if (r->self.n)
		doc_footer(d, "Self-assessment: a rating r from 1 to 5 matches the percentiles from 20\xc2\xb7" "(r\xe2\x88\x92" "1) up "
			      "to 20\xc2\xb7" "r (100 is a 5). The percentile of an attainment is the share of the other owners of the "
			      "team with a lower attainment (0 to 100); of the overall score, spm-score's percentile.");
	if (r->catalog.n)
		doc_footer(d, "Training: a course of the catalogue is recommended when the attainment of its metric is "
			      "under the catalogue's 'below' (while the period runs, the attainment the owner is on course "
			      "for: the pace). A running period is compared with the last one the same way.");
}

/* Self-ratings for owners the report does not show in its periods are not used: said on
 * standard error (a misspelt name would otherwise go unnoticed). */
static void unused_ratings(const struct report *r, const struct doc *d)
{
	/* the owners shown, marked once by id: not a pass over the sections per rating */
	bool *shown = xcalloc(r->names->n + 1, sizeof *shown);
	for (size_t k = 0; k < d->nsection; k++)
		if (d->section[k].split < r->names->n)
			shown[d->section[k].split] = true;
	for (size_t i = 0; i < r->self.n; i++) {
		const struct self_rating *sr = &r->self.r[i];
		if (!is_current(r, sr->period) || !owner_wanted(r, sr->owner))
			continue;
		if (!shown[sr->owner]) {
			diag_at(r->opt->self, sr->at.line, column_name(COL_OWNER), r->names->s[sr->owner],
				r->names->len[sr->owner], "no rows for this owner in the period; rating not used");
		}
	}
	free(shown);
}

void build_feedback(struct report *r, struct doc *d)
{
	enum stream_id s = primary_stream(r->data, K_FEEDBACK);
	d->csv_ok = true;
	for (size_t c = 0; c < r->ncurrent; c++) {
		size_t n;
		size_t *owners = reps_in(r, s, r->current[c], &n);
		for (size_t i = 0; i < n; i++) {
			struct section *sec = owner_section(r, d, owners[i], r->current[c], false);
			owner_feedback(r, owners[i], r->current[c], section_notes(sec, "feedback", NULL));
		}
		free(owners);
	}
	feedback_footer(r, d);
	common_footer(r, d);
	unused_ratings(r, d);
}

/* ---- the review ---- */

static const struct doc_column trend_cols[] = {
	{ COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_SCORE), "Score", COL_NUMBER, SHOW_ALL, false },
	{ "bar", "", COL_BAR, SHOW_HUMAN, false },
	{ COLUMN_KEY(COL_TIER), "Tier", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_RANK), "Rank", COL_NUMBER, SHOW_ALL, false },
	{ "goals", "Goals", COL_NUMBER, SHOW_ALL, false },
	{ "achieved", "Achieved", COL_NUMBER, SHOW_ALL, false },
};

static const struct doc_column goal_cols[] = {
	{ COLUMN_KEY(COL_METRIC), "Metric", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	{ COLUMN_KEY(COL_WEIGHT), "Weight", COL_NUMBER, SHOW_ALL, false },
	{ COLUMN_KEY(COL_CATEGORY), "Category", COL_TEXT, SHOW_ALL, false },
};

static void review_trend(struct report *r, struct section *sec, size_t owner, struct period p)
{
	struct period last[TREND_PERIODS];
	char label[PERIOD_LABEL_SIZE], title[64];
	last_periods(p, TREND_PERIODS, last);
	snprintf(title, sizeof title, "Trend over the last %d periods", TREND_PERIODS);
	struct block *b = section_table(sec, "trend", title, trend_cols, 7);
	for (size_t i = 0; i < TREND_PERIODS; i++) {
		const struct score_row *s = score_find(r, owner, last[i]);
		size_t goals = 0, achieved = 0, nown;
		const size_t *own = owner_progress(r, owner, &nown);
		for (size_t k = 0; k < nown; k++) {
			const struct progress_row *g = &r->data->progress[own[k]];
			if (period_cmp(g->period, last[i]) == 0 && g->period.grain == last[i].grain) {
				goals++;
				achieved += g->status == STATUS_ACHIEVED;
			}
		}
		if (!s && !goals)
			continue;
		size_t row = dtable_row(&b->t);
		set_str(&b->t, row, 0, period_label(last[i], label));
		if (s) {
			set_num(dtable_cell(&b->t, row, 1), s->score, U_PERCENT);
			set_num(dtable_cell(&b->t, row, 2), s->score, U_PERCENT);
			dtable_cell(&b->t, row, 2)->tone = attainment_tone(s->score);
			set_tier(r, &b->t, row, 3, s);
			set_num(dtable_cell(&b->t, row, 4), s->rank, U_COUNT);
		}
		if (goals) {
			set_num(dtable_cell(&b->t, row, 5), num_of(decimal_from_int((int64_t)goals), 0), U_COUNT);
			set_num(dtable_cell(&b->t, row, 6), num_of(decimal_from_int((int64_t)achieved), 0), U_COUNT);
		}
	}
}

/* A decimal with the fewest decimals that keep it exact. */
static struct num exact_num(decimal d)
{
	struct num n;
	char text[DECIMAL_BUFSIZE];
	size_t len = decimal_format(d, -1, text, sizeof text);
	num_parse(text, len, &n);
	return n;
}

static void review_next_goals(struct report *r, struct section *sec, size_t owner, struct period p)
{
	char label[PERIOD_LABEL_SIZE], title[64];
	struct period next = period_next(p);
	snprintf(title, sizeof title, "Goals for %s", period_label(next, label));
	struct block *b = section_table(sec, "next_goals", title, goal_cols, 4);
	size_t nown;
	const size_t *own = owner_goals(r, owner, &nown);
	for (size_t i = 0; i < nown; i++) {
		const struct goal *g = &r->goals.goal[own[i]];
		if (period_cmp(g->period, next) != 0 || g->period.grain != next.grain)
			continue;
		size_t row = dtable_row(&b->t);
		size_t metric = name_id(r->names, g->metric_name, strlen(g->metric_name));
		enum unit u = metric_view(r, metric).unit;
		struct num target = exact_num(g->target), weight = exact_num(g->weight);
		if (u == U_MONEY && target.places < 2)
			target.places = 2; /* money prints with cents */
		set_metric(r, &b->t, row, 0, metric);
		set_num(dtable_cell(&b->t, row, 1), target, u);
		set_num(dtable_cell(&b->t, row, 2), weight, U_PLAIN);
		set_str(&b->t, row, 3, g->category);
	}
}

void build_review(struct report *r, struct doc *d)
{
	enum stream_id s = primary_stream(r->data, K_REVIEW);
	size_t ncols;
	const struct doc_column *progress_cols = progress_columns(&ncols);
	size_t nline;
	const struct doc_column *line_cols = statement_columns(&nline);
	bool trend = false; /* an owner's fields show a trend */
	for (size_t c = 0; c < r->ncurrent; c++) {
		struct period p = r->current[c];
		size_t n;
		size_t *owners = reps_in(r, s, p, &n);
		for (size_t i = 0; i < n; i++) {
			size_t owner = owners[i];
			struct section *sec = owner_section(r, d, owner, p, true);
			trend |= field(sec, FB_TREND)->nseries > 0;
			if (r->data->has[STREAM_PROGRESS]) {
				/* a block, not a column */
				struct block *b = section_table(sec, "attainment", "Final attainment", progress_cols, ncols);
				size_t nown, k = 0;
				const size_t *own = owner_progress(r, owner, &nown);
				size_t *rows = xcalloc(nown + 1, sizeof *rows);
				for (size_t g = 0; g < nown; g++) {
					const struct progress_row *pr = &r->data->progress[own[g]];
					if (period_cmp(pr->period, p) == 0 && pr->period.grain == p.grain)
						rows[k++] = own[g];
				}
				for (size_t a = 1; a < k; a++) /* by metric */
					for (size_t z = a; z > 0 && name_cmp(r->names, r->data->progress[rows[z]].metric,
									     r->data->progress[rows[z - 1]].metric) < 0; z--) {
						size_t t = rows[z];
						rows[z] = rows[z - 1];
						rows[z - 1] = t;
					}
				for (size_t g = 0; g < k; g++)
					progress_cells(r, &b->t, &r->data->progress[rows[g]]);
				free(rows);
			}
			if (r->data->has[STREAM_PAYOUTS]) {
				/* a review of a period still running shows what its payouts are so far */
				int basis = statement_basis(r, owner, p);
				struct block *b = section_table(sec, "payouts",
								basis == PAYOUT_ESTIMATE ? "Payouts (estimate to date)"
								: basis == PAYOUT_EARLY ? "Payouts (too early to estimate)"
											: "Payouts",
								line_cols, nline);
				bool summed;
				statement_table(r, &b->t, owner, p, &summed);
			}
			review_trend(r, sec, owner, p);
			owner_feedback(r, owner, p, section_notes(sec, "feedback", "Feedback"));
			if (r->has_goals)
				review_next_goals(r, sec, owner, p);
		}
		free(owners);
	}
	doc_footer(d, "Final attainment is as of the date of the progress rows; the trend shows the score, tier and "
		      "rank of the last %d periods of the grain, with how many goals each had and how many were "
		      "achieved.", TREND_PERIODS);
	if (trend)
		trend_footer(d, U_PERCENT);
	if (r->has_goals)
		doc_footer(d, "Next period's goals are those of the goal sheet (--goals) for the period after the one "
			      "reviewed.");
	feedback_footer(r, d);
	common_footer(r, d);
	unused_ratings(r, d);
}
