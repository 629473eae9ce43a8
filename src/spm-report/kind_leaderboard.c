/* The leaderboard: public recognition. From scores: rank, owner, score, percentile, tier,
 * change since the last period, streak and trend, as spm-score ranked them (within teams
 * when the scores are grouped). From progress or actuals alone: owners ranked on one
 * metric's attainment (or value), ties sharing a rank. Recognition follows the table. */
#include "spm-report.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

#define TREND 8 /* periods in a sparkline */

/* The period, and which owners a table ranks ("Reps", "Regions": shown when owners of
 * group levels have rows of their own, which are never ranked among reps). */
static struct doc_column period_field[] = {
	{ COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	{ "ranking", "Ranking", COL_TEXT, SHOW_HUMAN, false },
};

static const char *const level_tables[LEVEL_COUNT] = { "Reps", "Teams", "Managers", "Regions" };
static const char *const level_nouns[LEVEL_COUNT][2] = {
	{ "rep is", "reps are" }, { "team is", "teams are" }, { "manager is", "managers are" }, { "region is", "regions are" }
};

/* Which levels have rows of the stream in period p (levels[lv]). */
static bool levels_in(const struct report *r, enum stream_id st, struct period p, bool levels[LEVEL_COUNT])
{
	size_t total = st == STREAM_SCORES ? r->data->nscore : st == STREAM_PROGRESS ? r->data->nprogress : r->data->nactual;
	bool groups = false;
	memset(levels, 0, LEVEL_COUNT * sizeof *levels);
	for (size_t i = 0; i < total; i++) {
		struct period q;
		size_t owner;
		if (st == STREAM_SCORES)
			q = r->data->score[i].period, owner = r->data->score[i].owner;
		else if (st == STREAM_PROGRESS)
			q = r->data->progress[i].period, owner = r->data->progress[i].owner;
		else
			q = r->data->actual[i].period, owner = r->data->actual[i].owner;
		if (period_cmp(q, p) != 0 || q.grain != p.grain)
			continue;
		enum level lv = owner_level(r, owner);
		levels[lv] = true;
		groups |= lv != LEVEL_REP;
	}
	return groups;
}

/* ---- totals: per group and over all reps, for metrics that add up ---- */

enum { TT_GROUP, TT_METRIC, TT_OWNERS, TT_ACTUAL, TT_TARGET, TT_ATTAIN, TT_PACE, TT_N };

static struct doc_column totals_cols[TT_N] = {
	[TT_GROUP] = { "group", "Group", COL_TEXT, SHOW_ALL, false },
	[TT_METRIC] = { COLUMN_KEY(COL_METRIC), "Metric", COL_TEXT, SHOW_ALL, false },
	[TT_OWNERS] = { COLUMN_KEY(COL_REPS), "Reps", COL_NUMBER, SHOW_ALL, false },
	[TT_ACTUAL] = { COLUMN_KEY(COL_ACTUAL), "Actual", COL_NUMBER, SHOW_ALL, false },
	[TT_TARGET] = { COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	[TT_ATTAIN] = { COLUMN_KEY(COL_ATTAINMENT), "Attainment", COL_NUMBER, SHOW_ALL, false },
	[TT_PACE] = { COLUMN_KEY(COL_PACE), "Pace", COL_NUMBER, SHOW_ALL, false },
};

struct tally {
	size_t group, metric, owners;
	decimal actual, target;
	struct num elapsed, left; /* the period's days, as the progress rows count them */
	int places;
	bool has_target, has_actual, exact, lower, early;
};

static const struct names *tally_names;

static int cmp_tallies(const void *pa, const void *pb)
{
	const struct tally *a = pa, *b = pb;
	int c = name_cmp(tally_names, a->group, b->group); /* NONE (all reps) last */
	return c ? c : name_cmp(tally_names, a->metric, b->metric);
}

static struct tally *tally_add(struct table *t, size_t group, size_t metric, struct num actual, struct num target,
			       bool lower)
{
	size_t key[2] = { group, metric };
	bool created;
	struct tally *y = table_upsert(t, key, sizeof key, &created);
	if (created) {
		y->group = group, y->metric = metric, y->exact = true;
		y->actual = y->target = decimal_zero();
	}
	y->owners++;
	y->lower |= lower;
	if (actual.has) {
		y->exact &= decimal_add(y->actual, actual.v, &y->actual);
		y->places = actual.places > y->places ? actual.places : y->places;
		y->has_actual = true;
	}
	if (target.has) {
		y->exact &= decimal_add(y->target, target.v, &y->target);
		y->places = target.places > y->places ? target.places : y->places;
		y->has_target = true;
	}
	return y;
}

/* What a progress row adds to a tally besides its figures: the days, and whether it is
 * too early to tell. */
static void tally_days(struct tally *y, const struct progress_row *pr)
{
	if (pr->days_elapsed.has && pr->days_left.has)
		y->elapsed = pr->days_elapsed, y->left = pr->days_left;
	y->early |= pr->status == STATUS_EARLY;
}

/* The totals of the reps of a table (owners[i] in groups[i]): their progress rows of
 * period p (actuals' values without progress), only `metric` unless NONE, only metrics
 * that add up (sums and counts, not ratios or averages). */
static void totals_block(struct report *r, struct doc *d, struct section *sec, struct period p, const size_t *owners,
			 const size_t *groups, size_t n, size_t metric)
{
	struct table *t = table_new(sizeof(struct tally));
	bool grouped = false;
	for (size_t i = 0; i < n; i++) {
		size_t g = groups ? groups[i] : NONE;
		grouped |= g != NONE;
		if (r->data->has[STREAM_PROGRESS]) {
			size_t nown;
			const size_t *own = owner_progress(r, owners[i], &nown);
			for (size_t k = 0; k < nown; k++) {
				const struct progress_row *pr = &r->data->progress[own[k]];
				if (period_cmp(pr->period, p) != 0 || pr->period.grain != p.grain ||
				    (metric != NONE && pr->metric != metric) || !metric_adds_up(r, pr->metric))
					continue;
				if (g != NONE)
					tally_days(tally_add(t, g, pr->metric, pr->actual, pr->target, pr->lower), pr);
				tally_days(tally_add(t, NONE, pr->metric, pr->actual, pr->target, pr->lower), pr);
			}
		} else if (metric != NONE && metric_adds_up(r, metric)) {
			const struct actual_row *a = actual_find(r, owners[i], metric, p);
			if (!a)
				continue;
			if (g != NONE)
				tally_add(t, g, metric, a->value, num_none(), false);
			tally_add(t, NONE, metric, a->value, num_none(), false);
		}
	}
	size_t nt = table_count(t);
	if (nt == 0) {
		table_free(t);
		return;
	}
	struct tally *all = xcalloc(nt, sizeof *all);
	for (size_t i = 0; i < nt; i++)
		all[i] = *(struct tally *)table_value(t, i);
	table_free(t);
	tally_names = r->names;
	qsort(all, nt, sizeof *all, cmp_tallies);
	totals_cols[TT_GROUP].label = doc_keep(d, group_heading(r));
	totals_cols[TT_GROUP].show = grouped ? SHOW_ALL : 0;
	bool targets = false;
	for (size_t i = 0; i < nt; i++)
		targets |= all[i].has_target;
	bool runs = false; /* the period runs: the pace is the verdict, not the part done */
	for (size_t i = 0; i < nt; i++)
		runs |= all[i].left.has && decimal_sign(all[i].left.v) > 0;
	totals_cols[TT_TARGET].show = totals_cols[TT_ATTAIN].show = targets ? SHOW_ALL : 0;
	totals_cols[TT_PACE].show = targets && runs ? SHOW_ALL : 0;
	totals_cols[TT_ACTUAL].label = targets ? "Actual" : "Value";
	struct block *b = section_table(sec, "totals", "Totals", totals_cols, TT_N);
	b->aside = true;
	for (size_t i = 0; i < nt; i++) {
		const struct tally *y = &all[i];
		enum unit u = metric_view(r, y->metric).unit;
		size_t row = dtable_row(&b->t);
		if (y->group == NONE)
			set_str(&b->t, row, TT_GROUP, "All reps");
		else
			set_name(dtable_cell(&b->t, row, TT_GROUP), r->names, y->group);
		set_metric(r, &b->t, row, TT_METRIC, y->metric);
		set_num(dtable_cell(&b->t, row, TT_OWNERS), num_of(decimal_from_int((int64_t)y->owners), 0), U_COUNT);
		if (y->exact && y->has_actual)
			set_num(dtable_cell(&b->t, row, TT_ACTUAL), num_of(y->actual, y->places), u);
		if (y->exact && y->has_target) {
			set_num(dtable_cell(&b->t, row, TT_TARGET), num_of(y->target, y->places), u);
			decimal q;
			if (y->has_actual && (y->lower ? decimal_div(y->target, y->actual, 4, ROUND_HALF_AWAY, &q)
						       : decimal_div(y->actual, y->target, 4, ROUND_HALF_AWAY, &q))) {
				set_num(dtable_cell(&b->t, row, TT_ATTAIN), num_of(q, 4), U_PERCENT);
				dtable_cell(&b->t, row, TT_ATTAIN)->tone = runs ? TONE_NONE : attainment_tone(num_of(q, 4));
			}
			struct num pace = y->has_actual && !y->early ? sum_pace(y->actual, y->target, y->lower, y->elapsed, y->left)
								    : num_none();
			if (runs && y->left.has && decimal_sign(y->left.v) > 0) {
				set_num(dtable_cell(&b->t, row, TT_PACE), pace, U_PERCENT);
				dtable_cell(&b->t, row, TT_PACE)->tone = attainment_tone(pace);
			}
		}
		if (y->group == NONE)
			for (size_t c = 0; c < TT_N; c++)
				dtable_cell(&b->t, row, c)->strong = true;
	}
	free(all);
	doc_footer(d, "Totals: the sums of the reps' actuals and targets for metrics that add up (sums and counts, "
		      "not ratios or averages), per %s and over all reps; the attainment is the sum of actuals over the "
		      "sum of targets%s", group_word(r),
		   runs ? "; while the period runs, the pace is the sum of actuals over the sum of targets times the "
			  "elapsed share of the period, exactly (none while too early to tell), and the attainment so "
			  "far is no verdict."
			: ".");
}

static const struct report *sort_report; /* qsort has no context argument */

/* ---- from scores ---- */

enum { L_RANK, L_OWNER, L_LEVEL, L_TEAM, L_SCORE, L_BAR, L_PERCENTILE, L_TIER, L_BASIS, L_DELTA, L_PREV_RANK, L_STREAK,
       L_TREND, L_N };

static struct doc_column score_cols[L_N] = {
	[L_RANK] = { COLUMN_KEY(COL_RANK), "Rank", COL_NUMBER, SHOW_ALL, false },
	[L_OWNER] = { COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	[L_LEVEL] = { COLUMN_KEY(COL_LEVEL), "Level", COL_TEXT, SHOW_DATA, false },
	[L_TEAM] = { COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_ALL, false },
	[L_SCORE] = { COLUMN_KEY(COL_SCORE), "Score", COL_NUMBER, SHOW_ALL, false },
	[L_BAR] = { "bar", "", COL_BAR, SHOW_HUMAN, false },
	[L_PERCENTILE] = { COLUMN_KEY(COL_PERCENTILE), "Percentile", COL_NUMBER, SHOW_ALL, false },
	[L_TIER] = { COLUMN_KEY(COL_TIER), "Tier", COL_TEXT, SHOW_ALL, false },
	[L_BASIS] = { COLUMN_KEY(COL_BASIS), "Basis", COL_TEXT, SHOW_DATA, false },
	[L_DELTA] = { COLUMN_KEY(COL_DELTA), "Change", COL_NUMBER, SHOW_ALL, false },
	[L_PREV_RANK] = { COLUMN_KEY(COL_PREV_RANK), "Last rank", COL_NUMBER, SHOW_ALL, false },
	[L_STREAK] = { COLUMN_KEY(COL_STREAK), "Streak", COL_NUMBER, SHOW_ALL, false },
	[L_TREND] = { "trend", "Trend", COL_SPARK, SHOW_ALL, false },
};

static int cmp_scores(const void *pa, const void *pb)
{
	const struct score_row *a = &sort_report->data->score[*(const size_t *)pa];
	const struct score_row *b = &sort_report->data->score[*(const size_t *)pb];
	int c = name_cmp(sort_report->names, a->team, b->team);
	if (c)
		return c;
	if (a->rank.has != b->rank.has)
		return a->rank.has ? -1 : 1;
	if ((c = decimal_cmp(a->rank.v, b->rank.v)))
		return c;
	return name_cmp(sort_report->names, a->owner, b->owner);
}

/* Rows of the stream in period p that the report shows, sorted by cmp. */
static size_t *rows_in(const struct report *r, enum stream_id s, struct period p, size_t metric, size_t *n,
		       int (*cmp)(const void *, const void *))
{
	size_t total = s == STREAM_SCORES ? r->data->nscore : s == STREAM_PROGRESS ? r->data->nprogress : r->data->nactual;
	size_t *rows = xcalloc(total + 1, sizeof *rows);
	*n = 0;
	for (size_t i = 0; i < total; i++) {
		struct period q;
		size_t owner, m = NONE;
		if (s == STREAM_SCORES) {
			q = r->data->score[i].period, owner = r->data->score[i].owner;
		} else if (s == STREAM_PROGRESS) {
			q = r->data->progress[i].period, owner = r->data->progress[i].owner, m = r->data->progress[i].metric;
		} else {
			q = r->data->actual[i].period, owner = r->data->actual[i].owner, m = r->data->actual[i].metric;
		}
		if (period_cmp(q, p) == 0 && q.grain == p.grain && m == metric && owner_wanted(r, owner))
			rows[(*n)++] = i;
	}
	sort_report = r;
	if (*n > 1 && cmp)
		qsort(rows, *n, sizeof *rows, cmp);
	return rows;
}

static bool within_top(const struct report *r, struct num rank)
{
	return !r->opt->top || (rank.has && decimal_cmp(rank.v, decimal_from_int(r->opt->top)) <= 0);
}

static void score_trend(const struct report *r, size_t owner, struct period p, struct num *series, size_t *known)
{
	struct period last[TREND];
	last_periods(p, TREND, last);
	*known = 0;
	for (size_t i = 0; i < TREND; i++) {
		const struct score_row *s = score_find(r, owner, last[i]);
		series[i] = s ? s->score : num_none();
		*known += s != NULL;
	}
}

/* Trims leading periods with no value, so a sparkline starts at the first one. */
static size_t trim_series(struct num *series, size_t n)
{
	size_t skip = 0;
	while (skip < n && !series[skip].has)
		skip++;
	memmove(series, series + skip, (n - skip) * sizeof *series);
	return n - skip;
}

/* A board's section: its period, and which owners it ranks when levels are mixed. */
static struct section *board_section(struct doc *d, struct period p, enum level lv, bool levels)
{
	char label[PERIOD_LABEL_SIZE];
	period_field[1].show = levels ? SHOW_HUMAN : 0;
	struct section *sec = doc_section(d, NONE, period_field, 2, 2);
	set_str(&sec->fields, 0, 0, period_label(p, label));
	if (levels)
		set_str(&sec->fields, 0, 1, level_tables[lv]);
	return sec;
}

/* The rows too early in their period to score (basis early): for people a line saying how
 * many are not ranked, for JSON and CSV the rows themselves, with no score: a dashboard
 * reading the leaderboard loses no owner, and learns why it has no rank. */
enum { E_OWNER, E_LEVEL, E_TEAM, E_SCORE, E_BASIS, E_N };

static struct doc_column early_cols[E_N] = {
	[E_OWNER] = { COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_DATA, false },
	[E_LEVEL] = { COLUMN_KEY(COL_LEVEL), "Level", COL_TEXT, SHOW_DATA, false },
	[E_TEAM] = { COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_DATA, false },
	[E_SCORE] = { COLUMN_KEY(COL_SCORE), "Score", COL_NUMBER, SHOW_DATA, false },
	[E_BASIS] = { COLUMN_KEY(COL_BASIS), "Basis", COL_TEXT, SHOW_DATA, false },
};

static void early_rows(struct report *r, struct doc *d, struct section *sec, enum level lv, const size_t *rows,
		       size_t n, bool listed)
{
	struct sbuf w = { 0 };
	sb_printf(&w, "%s: too little of the period has passed to read a pace (spm-track --early), so %zu %s not "
		      "scored yet (basis early).",
		  listed ? "Not listed" : "Too early to rank", n, n == 1 ? level_nouns[lv][0] : level_nouns[lv][1]);
	section_text(sec, "early", NULL, w.s);
	sb_free(&w);
	early_cols[E_TEAM].show = r->data->scores_grouped ? SHOW_DATA : 0;
	if (r->data->scores_grouped)
		early_cols[E_TEAM].key = doc_keep(d, xstrdup(group_word(r)));
	struct block *b = section_table(sec, "early_rows", NULL, early_cols, E_N);
	b->more_rows = true;
	for (size_t i = 0; i < n; i++) {
		const struct score_row *s = &r->data->score[rows[i]];
		size_t row = dtable_row(&b->t);
		set_name(dtable_cell(&b->t, row, E_OWNER), r->names, s->owner);
		set_str(&b->t, row, E_LEVEL, level_names[lv]);
		set_name(dtable_cell(&b->t, row, E_TEAM), r->names, s->team);
		set_name(dtable_cell(&b->t, row, E_BASIS), r->names, s->basis);
	}
}

static void scores_board(struct report *r, struct doc *d, struct period p, enum level lv, bool levels)
{
	size_t n;
	size_t *rows = rows_in(r, STREAM_SCORES, p, NONE, &n, cmp_scores);
	size_t early = 0, *erows = xcalloc(n + 1, sizeof *erows);
	{ /* this level's rows only: reps are never ranked with groups; and rows too early in
	   * their period to score (basis early) are put apart, not listed as a rank of dashes */
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			const struct score_row *s = &r->data->score[rows[i]];
			if (owner_level(r, s->owner) != lv)
				continue;
			if (r->early_name != NONE && s->basis == r->early_name)
				erows[early++] = rows[i];
			else
				rows[k++] = rows[i];
		}
		n = k;
	}
	if (n == 0) {
		free(rows);
		if (early)
			early_rows(r, d, board_section(d, p, lv, levels), lv, erows, early, false);
		free(erows);
		return;
	}
	bool trend = false, delta = false, prev_rank = false, streak = false, basis = false, pace = false, all_pace = true;
	bool in_groups = false; /* ranked within groups (managers within regions): say which */
	for (size_t i = 0; i < n; i++) {
		const struct score_row *s = &r->data->score[rows[i]];
		in_groups |= s->team != NONE;
		struct num series[TREND];
		size_t known;
		score_trend(r, s->owner, p, series, &known);
		trend |= known > 1;
		delta |= s->delta.has;
		basis |= s->basis != NONE;
		pace |= on_pace(r, s);
		all_pace &= on_pace(r, s);
		prev_rank |= s->prev_rank.has;
		streak |= s->streak.has;
	}
	/* The group column is data in every table of grouped scores (flat CSV rows of all
	 * levels share one header); people see it where the level is ranked within groups. */
	score_cols[L_TEAM].show = !r->data->scores_grouped		 ? 0
				  : lv == LEVEL_REP || in_groups ? SHOW_ALL
								 : SHOW_DATA;
	if (r->data->scores_grouped) {
		score_cols[L_TEAM].key = doc_keep(d, xstrdup(group_word(r)));
		score_cols[L_TEAM].label = doc_keep(d, group_heading(r));
	}
	score_cols[L_DELTA].show = delta ? SHOW_ALL : 0;
	score_cols[L_LEVEL].show = score_cols[L_BASIS].show = basis ? SHOW_DATA : 0;
	/* every score on pace: the heading says it once, the cells name the tier */
	score_cols[L_TIER].label = all_pace ? "On course for" : "Tier";
	score_cols[L_PREV_RANK].show = prev_rank ? SHOW_ALL : 0;
	score_cols[L_STREAK].show = streak ? SHOW_ALL : 0;
	score_cols[L_TREND].show = trend ? SHOW_ALL : 0;
	struct section *sec = board_section(d, p, lv, levels);
	struct block *b = section_table(sec, "rows", NULL, score_cols, L_N);
	size_t *owners = xcalloc(n + 1, sizeof *owners), *groups = xcalloc(n + 1, sizeof *groups), nshown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct score_row *s = &r->data->score[rows[i]];
		if (!within_top(r, s->rank))
			continue;
		size_t row = dtable_row(&b->t);
		set_num(dtable_cell(&b->t, row, L_RANK), s->rank, U_COUNT);
		set_str(&b->t, row, L_LEVEL, level_names[lv]);
		set_name(dtable_cell(&b->t, row, L_BASIS), r->names, s->basis);
		set_name(dtable_cell(&b->t, row, L_OWNER), r->names, s->owner);
		set_name(dtable_cell(&b->t, row, L_TEAM), r->names, s->team);
		set_num(dtable_cell(&b->t, row, L_SCORE), s->score, U_PERCENT);
		dtable_cell(&b->t, row, L_SCORE)->tone = attainment_tone(s->score);
		set_num(dtable_cell(&b->t, row, L_BAR), s->score, U_PERCENT);
		dtable_cell(&b->t, row, L_BAR)->tone = attainment_tone(s->score);
		set_num(dtable_cell(&b->t, row, L_PERCENTILE), s->percentile, U_PLAIN);
		set_tier(r, &b->t, row, L_TIER, s);
		if (all_pace) {
			dtable_cell(&b->t, row, L_TIER)->human = NULL; /* the document's memory's: not freed */
			if (s->tier != NONE) {
				struct sbuf w = { 0 };
				sb_tier_label(&w, r, s->tier);
				set_human(&b->t, row, L_TIER, w.s, w.len);
				sb_free(&w);
			}
		}
		struct cell *c = dtable_cell(&b->t, row, L_DELTA);
		set_num(c, s->delta, U_PERCENT);
		c->points = c->sign = true;
		if (!s->delta.has && basis)
			set_human(&b->t, row, L_DELTA, "no comparable snapshot", 22);
		owners[nshown] = s->owner;
		groups[nshown++] = s->team;
		set_num(dtable_cell(&b->t, row, L_PREV_RANK), s->prev_rank, U_COUNT);
		set_num(dtable_cell(&b->t, row, L_STREAK), s->streak, U_COUNT);
		struct num series[TREND];
		size_t known;
		score_trend(r, s->owner, p, series, &known);
		set_series(&b->t, row, L_TREND, series, trim_series(series, TREND), U_PERCENT);
	}
	free(rows);
	if (early) /* some ranked, some too early: say who is not, never drop them silently */
		early_rows(r, d, sec, lv, erows, early, true);
	free(erows);
	if (lv == LEVEL_REP && r->data->has[STREAM_PROGRESS])
		totals_block(r, d, sec, p, owners, r->data->scores_grouped ? groups : NULL, nshown, NONE);
	free(owners);
	free(groups);
	if (basis && !delta)
		doc_footer(d, "Change: none shown, as there is no comparable snapshot: a change compares a score with an "
			      "earlier one of the same basis (last week's run of the period, with spm-score --prev, or the "
			      "previous period's final score).");
	if (pace)
		doc_footer(d, "On pace: while a period is not over, spm-score scores each goal's pace (its actual "
			      "against what was expected by the as-of date) instead of its attainment, so a score of "
			      "100 %% means on course to meet the goals, and the tier reads \"on course for\" the tier "
			      "the period would end in at that pace.");
	if (pace && trend)
		doc_footer(d, "Trend: each period's score as spm-score gave it: on its pace for a period still running, "
			      "on its attainment for one that is over.");
	if (trend)
		trend_footer(d, U_PERCENT);
	if (lv != LEVEL_REP)
		return;
	struct block *notes = section_notes(sec, "recognition", NULL);
	period_recognition(r, p, NONE, notes);
}

/* ---- from progress or actuals: one metric ---- */

enum { M_RANK, M_OWNER, M_TEAM, M_ATTAINMENT, M_BAR, M_ACTUAL, M_TARGET, M_STATUS, M_DELTA, M_TREND, M_N };

static struct doc_column metric_cols[M_N] = {
	[M_RANK] = { COLUMN_KEY(COL_RANK), "Rank", COL_NUMBER, SHOW_ALL, false },
	[M_OWNER] = { COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	[M_TEAM] = { COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_ALL, false },
	[M_ATTAINMENT] = { COLUMN_KEY(COL_ATTAINMENT), "Attainment", COL_NUMBER, SHOW_ALL, false },
	[M_BAR] = { "bar", "", COL_BAR, SHOW_HUMAN, false },
	[M_ACTUAL] = { COLUMN_KEY(COL_ACTUAL), "Actual", COL_NUMBER, SHOW_ALL, false },
	[M_TARGET] = { COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	[M_STATUS] = { COLUMN_KEY(COL_STATUS), "Status", COL_TEXT, SHOW_ALL, false },
	[M_DELTA] = { COLUMN_KEY(COL_DELTA), "Change", COL_NUMBER, SHOW_ALL, false },
	[M_TREND] = { "trend", "Trend", COL_SPARK, SHOW_ALL, false },
};

static struct doc_column metric_fields[] = {
	{ COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	{ COLUMN_KEY(COL_METRIC), "Ranked on", COL_TEXT, SHOW_ALL, false },
	{ "ranking", "Ranking", COL_TEXT, SHOW_HUMAN, false },
};

/* --metric, else won_revenue when the period has it, else the first metric in byte order. */
static size_t ranked_metric(const struct report *r, enum stream_id s, struct period p)
{
	if (r->opt->metric) {
		size_t m = name_find(r->names, r->opt->metric, strlen(r->opt->metric));
		if (m == NONE)
			diag_fatal(SPM_EXIT_DATA, "--metric %s: no %s rows of that metric", r->opt->metric, stream_def(s)->name);
		return m;
	}
	size_t best = NONE, won = name_find(r->names, "won_revenue", 11);
	size_t total = s == STREAM_PROGRESS ? r->data->nprogress : r->data->nactual;
	for (size_t i = 0; i < total; i++) {
		struct period q = s == STREAM_PROGRESS ? r->data->progress[i].period : r->data->actual[i].period;
		size_t m = s == STREAM_PROGRESS ? r->data->progress[i].metric : r->data->actual[i].metric;
		if (period_cmp(q, p) != 0 || q.grain != p.grain)
			continue;
		if (m == won)
			return m;
		if (best == NONE || name_cmp(r->names, m, best) < 0)
			best = m;
	}
	return best;
}

/* The value an owner is ranked on in period q: attainment (progress) or value (actuals). */
static struct num ranked_value(const struct report *r, enum stream_id s, size_t owner, size_t metric, struct period q)
{
	if (s == STREAM_PROGRESS) {
		const struct progress_row *p = progress_find(r, owner, metric, q);
		return p ? p->attainment : num_none();
	}
	const struct actual_row *a = actual_find(r, owner, metric, q);
	return a ? a->value : num_none();
}

/* Whether a progress row's period still runs at its as-of date: days left, or without
 * that column a status only a running period has. */
static bool progress_runs(const struct progress_row *g)
{
	if (g->days_left.has)
		return progress_running(g);
	return g->status == STATUS_AHEAD || g->status == STATUS_ON_TRACK || g->status == STATUS_BEHIND ||
	       g->status == STATUS_EARLY;
}

/* A point of a metric board's trend: a progress row's attainment once its period is over,
 * its pace while the period runs (its attainment so far would plunge at the end of the line
 * for a rep on course) and none while it is too early to read a pace; an actual's value.
 * *running is set when a point is a pace, for the footer to say so. */
static struct num trend_value(const struct report *r, enum stream_id s, size_t owner, size_t metric, struct period q,
			      bool *running)
{
	if (s != STREAM_PROGRESS)
		return ranked_value(r, s, owner, metric, q);
	const struct progress_row *g = progress_find(r, owner, metric, q);
	if (!g || g->status == STATUS_EARLY)
		return num_none();
	if (!progress_runs(g))
		return g->attainment;
	*running |= g->pace.has;
	return g->pace;
}

/* The change of a progress leaderboard's row since the period before, like with like: two
 * periods that are over compare their attainments, two that run (weekly snapshots of the
 * same goals) their paces. A running period against a closed one would compare the part
 * of a target done so far with the whole of another (a fall that did not happen): none. */
static struct num progress_change(const struct report *r, size_t owner, size_t metric, struct period p)
{
	const struct progress_row *now = progress_find(r, owner, metric, p);
	const struct progress_row *then = progress_find(r, owner, metric, period_previous(p));
	if (!now || !then || progress_runs(now) != progress_runs(then))
		return num_none();
	struct num a = progress_runs(now) ? now->pace : now->attainment;
	struct num b = progress_runs(then) ? then->pace : then->attainment;
	decimal diff;
	if (!a.has || !b.has || !decimal_sub(a.v, b.v, &diff))
		return num_none();
	return num_of(diff, a.places > b.places ? a.places : b.places);
}

struct ranked_row {
	size_t row, owner;
	struct num value, rank;
};

static int cmp_ranked_rows(const void *pa, const void *pb)
{
	const struct ranked_row *a = pa, *b = pb;
	if (a->rank.has != b->rank.has)
		return a->rank.has ? -1 : 1;
	int c = decimal_cmp(a->rank.v, b->rank.v);
	return c ? c : name_cmp(sort_report->names, a->owner, b->owner);
}

static void metric_board(struct report *r, struct doc *d, struct period p, enum stream_id s, enum level lv, bool levels)
{
	size_t metric = ranked_metric(r, s, p);
	if (metric == NONE)
		return;
	struct metric_view view = metric_view(r, metric);
	bool progress = s == STREAM_PROGRESS;
	size_t n;
	size_t *rows = rows_in(r, s, p, metric, &n, NULL);
	{ /* this level's rows only: reps are never ranked with groups */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (owner_level(r, progress ? r->data->progress[rows[i]].owner : r->data->actual[rows[i]].owner) == lv)
				rows[k++] = rows[i];
		n = k;
	}
	if (n == 0) {
		free(rows);
		return;
	}
	struct ranked_row *rr = xcalloc(n + 1, sizeof *rr);
	decimal *values = xcalloc(n + 1, sizeof *values);
	size_t *rank = xcalloc(n + 1, sizeof *rank);
	size_t nvalued = 0, nearly = 0;
	for (size_t i = 0; i < n; i++) {
		rr[i].row = rows[i];
		rr[i].owner = progress ? r->data->progress[rows[i]].owner : r->data->actual[rows[i]].owner;
		rr[i].value = ranked_value(r, s, rr[i].owner, metric, p);
		/* too early in the period to read a pace: not ranked (listed last, as an owner
		 * with nothing measured), as spm-score does not score it; a rank on day 3 would
		 * order a few deals' noise, and tie at the attainment's 4 decimals */
		if (progress && r->data->progress[rows[i]].status == STATUS_EARLY) {
			rr[i].value = num_none();
			nearly++;
		}
		if (rr[i].value.has)
			values[nvalued++] = rr[i].value.v;
	}
	rank_values(values, nvalued, !progress && view.lower, rank);
	for (size_t i = 0, k = 0; i < n; i++)
		rr[i].rank = rr[i].value.has ? num_of(decimal_from_int((int64_t)rank[k++]), 0) : num_none();
	sort_report = r;
	if (n > 1)
		qsort(rr, n, sizeof *rr, cmp_ranked_rows);

	bool trend = false, delta = false, paced = false; /* paced: a trend point is a running period's pace */
	for (size_t i = 0; i < n; i++) {
		struct period last[TREND];
		last_periods(p, TREND, last);
		size_t known = 0;
		bool running = false;
		for (size_t k = 0; k < TREND; k++)
			known += trend_value(r, s, rr[i].owner, metric, last[k], &running).has;
		trend |= known > 1;
		paced |= known > 1 && running && within_top(r, rr[i].rank);
		if (progress)
			delta |= progress_change(r, rr[i].owner, metric, p).has;
		else
			delta |= ranked_value(r, s, rr[i].owner, metric, last[TREND - 2]).has && rr[i].value.has;
	}
	metric_cols[M_TEAM].show = r->has_roster && lv == LEVEL_REP ? SHOW_ALL : 0;
	if (r->has_roster) {
		metric_cols[M_TEAM].key = level_names[r->opt->level];
		metric_cols[M_TEAM].label = doc_keep(d, group_heading(r));
	}
	metric_cols[M_ATTAINMENT].show = metric_cols[M_TARGET].show = metric_cols[M_STATUS].show = progress ? SHOW_ALL : 0;
	metric_cols[M_BAR].show = progress ? SHOW_HUMAN : 0;
	metric_cols[M_ACTUAL].label = progress ? "Actual" : "Value";
	metric_cols[M_ACTUAL].key = progress ? column_name(COL_ACTUAL) : column_name(COL_VALUE);
	metric_cols[M_DELTA].show = delta ? SHOW_ALL : 0;
	metric_cols[M_TREND].show = trend ? SHOW_ALL : 0;

	char label[PERIOD_LABEL_SIZE];
	metric_fields[2].show = levels ? SHOW_HUMAN : 0;
	struct section *sec = doc_section(d, NONE, metric_fields, 3, 1);
	set_str(&sec->fields, 0, 0, period_label(p, label));
	set_metric(r, &sec->fields, 0, 1, metric);
	if (levels)
		set_str(&sec->fields, 0, 2, level_tables[lv]);
	if (levels) /* the heading says which owners: "2017-Q3 — Regions" */
		sec->ntitle = 3;
	struct block *b = section_table(sec, "rows", NULL, metric_cols, M_N);
	size_t *owners = xcalloc(n + 1, sizeof *owners), *groups = xcalloc(n + 1, sizeof *groups), nshown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!within_top(r, rr[i].rank))
			continue;
		size_t row = dtable_row(&b->t);
		set_num(dtable_cell(&b->t, row, M_RANK), rr[i].rank, U_COUNT);
		set_name(dtable_cell(&b->t, row, M_OWNER), r->names, rr[i].owner);
		size_t team = team_of(r, rr[i].owner, p);
		set_name(dtable_cell(&b->t, row, M_TEAM), r->names, team);
		owners[nshown] = rr[i].owner;
		groups[nshown++] = team;
		struct period last[TREND];
		struct num series[TREND];
		last_periods(p, TREND, last);
		bool running = false;
		for (size_t k = 0; k < TREND; k++)
			series[k] = trend_value(r, s, rr[i].owner, metric, last[k], &running);
		struct cell *dc = dtable_cell(&b->t, row, M_DELTA);
		decimal diff;
		if (progress) {
			set_num(dc, progress_change(r, rr[i].owner, metric, p), U_PERCENT);
			dc->points = dc->sign = true;
		} else if (series[TREND - 1].has && series[TREND - 2].has &&
			   decimal_sub(series[TREND - 1].v, series[TREND - 2].v, &diff)) {
			int places = series[TREND - 1].places > series[TREND - 2].places ? series[TREND - 1].places
											 : series[TREND - 2].places;
			set_num(dc, num_of(diff, places), progress ? U_PERCENT : view.unit);
			dc->points = progress || view.unit == U_PERCENT; /* a rate's change is in points, not a relative % */
			dc->sign = true;
		}
		set_series(&b->t, row, M_TREND, series, trim_series(series, TREND), progress ? U_PERCENT : view.unit);
		if (progress) {
			const struct progress_row *pr = &r->data->progress[rr[i].row];
			set_num(dtable_cell(&b->t, row, M_ATTAINMENT), pr->attainment, U_PERCENT);
			dtable_cell(&b->t, row, M_ATTAINMENT)->tone = attainment_tone(pr->attainment);
			set_num(dtable_cell(&b->t, row, M_BAR), pr->attainment, U_PERCENT);
			dtable_cell(&b->t, row, M_BAR)->tone = status_tone(pr->status);
			set_num(dtable_cell(&b->t, row, M_ACTUAL), pr->actual, view.unit);
			set_num(dtable_cell(&b->t, row, M_TARGET), pr->target, view.unit);
			set_str(&b->t, row, M_STATUS, goal_status_name(pr->status));
			set_human(&b->t, row, M_STATUS, status_words(pr->status), strlen(status_words(pr->status)));
			dtable_cell(&b->t, row, M_STATUS)->tone = status_tone(pr->status);
		} else {
			set_num(dtable_cell(&b->t, row, M_ACTUAL), r->data->actual[rr[i].row].value, view.unit);
		}
	}
	if (lv == LEVEL_REP)
		totals_block(r, d, sec, p, owners, r->has_roster ? groups : NULL, nshown, metric);
	free(owners);
	free(groups);
	if (nearly)
		doc_footer(d, "Not ranked: a goal too early in its period to read a pace (status too early to tell: "
			      "spm-track --early) has no rank and is listed last, as spm-score does not score it.");
	if (paced)
		doc_footer(d, "Trend: each period's attainment once it is over; a period still running shows its pace "
			      "instead (its actual against what was expected by the as-of date), so a rep on course does "
			      "not seem to fall at the end of the line.");
	if (trend)
		trend_footer(d, progress ? U_PERCENT : view.unit);
	if (progress && lv == LEVEL_REP) {
		struct block *notes = section_notes(sec, "recognition", NULL);
		period_recognition(r, p, NONE, notes);
	}
	free(rows);
	free(rr);
	free(values);
	free(rank);
}

void build_leaderboard(struct report *r, struct doc *d)
{
	enum stream_id s = primary_stream(r->data, K_LEADERBOARD);
	d->json_flat = true;
	d->csv_ok = true;
	for (size_t i = 0; i < r->ncurrent; i++) {
		bool levels[LEVEL_COUNT];
		bool groups = levels_in(r, s, r->current[i], levels);
		for (int lv = LEVEL_REP; lv < LEVEL_COUNT; lv++) {
			if (!levels[lv])
				continue;
			if (s == STREAM_SCORES)
				scores_board(r, d, r->current[i], (enum level)lv, groups);
			else
				metric_board(r, d, r->current[i], s, (enum level)lv, groups);
		}
	}
	if (r->has_roster || r->data->scores_grouped)
		doc_footer(d, "Reps are ranked among reps; the goals of teams, managers and regions, when the input has "
			      "them, are ranked among their own level in tables of their own.");
	if (s == STREAM_SCORES)
		doc_footer(d, "Rank, percentile, change and streak are spm-score's; the change is in percentage points of "
			      "score against the previous period; ties share a rank.");
	else if (s == STREAM_PROGRESS)
		doc_footer(d, "Ranked on the attainment of the metric; ties share a rank; the change is against the "
			      "previous period, like with like: two periods that are over by their attainment, two that "
			      "run (weekly snapshots) by their pace; none while a period runs against one that is over "
			      "(the part of a target done so far is not comparable with the whole of another).");
	else
		doc_footer(d, "Ranked on the attainment of the metric (actuals: its value%s); ties share a rank; the change "
			      "is against the previous period.",
			   s == STREAM_ACTUALS ? ", lower first for metrics where less is better" : "");
	if (r->opt->top)
		doc_footer(d, "Only ranks 1 to %ld are shown (--top), ties included.", r->opt->top);
	common_footer(r, d);
}
