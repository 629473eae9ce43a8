/* The scorecard: one owner, all metrics of the period, each against the median of the
 * owner's team, with the score, rank, percentile and tier when scores are given. From
 * scores alone, the metrics are the scores' per-metric columns (clamped attainments). */
#include "spm-report.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

enum { S_METRIC, S_ACTUAL, S_TARGET, S_ATTAINMENT, S_BAR, S_MEDIAN, S_VS, S_STATUS, S_N };

static struct doc_column card_cols[S_N] = {
	[S_METRIC] = { COLUMN_KEY(COL_METRIC), "Metric", COL_TEXT, SHOW_ALL, false },
	[S_ACTUAL] = { COLUMN_KEY(COL_ACTUAL), "Actual", COL_NUMBER, SHOW_ALL, false },
	[S_TARGET] = { COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	[S_ATTAINMENT] = { COLUMN_KEY(COL_ATTAINMENT), "Attainment", COL_NUMBER, SHOW_ALL, false },
	[S_BAR] = { "bar", "", COL_BAR, SHOW_HUMAN, false },
	[S_MEDIAN] = { "team_median", "Team median", COL_NUMBER, SHOW_ALL, false },
	[S_VS] = { "vs_median", "Against median", COL_NUMBER, SHOW_ALL, false },
	[S_STATUS] = { COLUMN_KEY(COL_STATUS), "Status", COL_TEXT, SHOW_ALL, false },
};

enum { F_OWNER, F_PERIOD, F_TEAM, F_SCORE, F_RANK, F_PERCENTILE, F_TIER, F_NFIELDS };

static struct doc_column card_fields[F_NFIELDS] = {
	[F_OWNER] = { COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	[F_PERIOD] = { COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	[F_TEAM] = { COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_ALL, false },
	[F_SCORE] = { COLUMN_KEY(COL_SCORE), "Score", COL_NUMBER, SHOW_ALL, false },
	[F_RANK] = { COLUMN_KEY(COL_RANK), "Rank", COL_NUMBER, SHOW_ALL, false },
	[F_PERCENTILE] = { COLUMN_KEY(COL_PERCENTILE), "Percentile", COL_NUMBER, SHOW_ALL, false },
	[F_TIER] = { COLUMN_KEY(COL_TIER), "Tier", COL_TEXT, SHOW_ALL, false },
};

/* The median and the owner's distance to it, in points. */
static void against_median(struct dtable *t, size_t row, decimal *all, size_t n, struct num mine)
{
	decimal median, diff;
	if (!median_of(all, n, &median))
		return;
	set_num(dtable_cell(t, row, S_MEDIAN), num_of(median, 4), U_PERCENT);
	if (mine.has && decimal_sub(mine.v, median, &diff)) {
		struct cell *c = dtable_cell(t, row, S_VS);
		set_num(c, num_of(diff, 4), U_PERCENT);
		c->points = c->sign = true;
		c->tone = decimal_sign(diff) >= 0 ? TONE_GOOD : TONE_NONE;
	}
}

/* Clamped attainments of one scores column, in the group of the period. */
static size_t detail_values(const struct report *r, size_t metric, struct period p, size_t team, decimal **out)
{
	size_t n = 0;
	*out = xcalloc(r->data->nscore + 1, sizeof **out);
	for (size_t i = 0; i < r->data->nscore; i++) {
		const struct score_row *s = &r->data->score[i];
		if (period_cmp(s->period, p) != 0 || s->period.grain != p.grain ||
		    (team != NONE && team_of(r, s->owner, p) != team))
			continue;
		for (size_t k = 0; k < s->ndetail; k++)
			if (s->detail[k].metric == metric && s->detail[k].value.has)
				(*out)[n++] = s->detail[k].value.v;
	}
	return n;
}

static void owner_card(struct report *r, struct doc *d, size_t owner, struct period p)
{
	char label[PERIOD_LABEL_SIZE];
	size_t team = team_of(r, owner, p);
	const struct score_row *s = score_find(r, owner, p);
	struct section *sec = doc_section(d, owner, card_fields, F_NFIELDS, 2);
	set_name(field(sec, F_OWNER), r->names, owner);
	set_str(field(sec, F_PERIOD), period_label(p, label));
	set_name(field(sec, F_TEAM), r->names, team);
	if (s) {
		set_num(field(sec, F_SCORE), s->score, U_PERCENT);
		set_num(field(sec, F_RANK), s->rank, U_COUNT);
		set_num(field(sec, F_PERCENTILE), s->percentile, U_PLAIN);
		set_tier(r, field(sec, F_TIER), s);
	}
	struct block *b = section_table(sec, "metrics", NULL, card_cols, S_N);
	if (r->data->has[STREAM_PROGRESS]) {
		size_t nown, n = 0;
		const size_t *own = owner_progress(r, owner, &nown);
		size_t *rows = xcalloc(nown + 1, sizeof *rows);
		for (size_t i = 0; i < nown; i++) {
			const struct progress_row *g = &r->data->progress[own[i]];
			if (period_cmp(g->period, p) == 0 && g->period.grain == p.grain)
				rows[n++] = own[i];
		}
		for (size_t i = 1; i < n; i++) /* by metric name */
			for (size_t k = i; k > 0 && name_cmp(r->names, r->data->progress[rows[k]].metric,
							     r->data->progress[rows[k - 1]].metric) < 0; k--) {
				size_t t = rows[k];
				rows[k] = rows[k - 1];
				rows[k - 1] = t;
			}
		for (size_t i = 0; i < n; i++) {
			const struct progress_row *g = &r->data->progress[rows[i]];
			enum unit u = metric_view(r, g->metric).unit;
			size_t row = dtable_row(&b->t);
			set_metric(r, dtable_cell(&b->t, row, S_METRIC), g->metric);
			set_num(dtable_cell(&b->t, row, S_ACTUAL), g->actual, u);
			set_num(dtable_cell(&b->t, row, S_TARGET), g->target, u);
			set_num(dtable_cell(&b->t, row, S_ATTAINMENT), g->attainment, U_PERCENT);
			dtable_cell(&b->t, row, S_ATTAINMENT)->tone = attainment_tone(g->attainment);
			set_num(dtable_cell(&b->t, row, S_BAR), g->attainment, U_PERCENT);
			dtable_cell(&b->t, row, S_BAR)->tone = status_tone(g->status);
			set_str(dtable_cell(&b->t, row, S_STATUS), goal_status_name(g->status));
			set_human(dtable_cell(&b->t, row, S_STATUS), status_words(g->status), strlen(status_words(g->status)));
			dtable_cell(&b->t, row, S_STATUS)->tone = status_tone(g->status);
			const struct group_values *all = group_values(r, g->metric, p, team);
			decimal *copy = xcalloc(all->n + 1, sizeof *copy);
			if (all->n) /* all->v may be NULL when no one has a value */
				memcpy(copy, all->v, all->n * sizeof *copy);
			against_median(&b->t, row, copy, all->n, g->attainment);
			free(copy);
		}
		free(rows);
	} else if (s) {
		for (size_t k = 0; k < s->ndetail; k++) {
			size_t row = dtable_row(&b->t);
			set_metric(r, dtable_cell(&b->t, row, S_METRIC), s->detail[k].metric);
			set_num(dtable_cell(&b->t, row, S_ATTAINMENT), s->detail[k].value, U_PERCENT);
			dtable_cell(&b->t, row, S_ATTAINMENT)->tone = attainment_tone(s->detail[k].value);
			set_num(dtable_cell(&b->t, row, S_BAR), s->detail[k].value, U_PERCENT);
			dtable_cell(&b->t, row, S_BAR)->tone = attainment_tone(s->detail[k].value);
			decimal *all;
			size_t na = detail_values(r, s->detail[k].metric, p, team, &all);
			against_median(&b->t, row, all, na, s->detail[k].value);
			free(all);
		}
	}
}

void build_scorecard(struct report *r, struct doc *d)
{
	enum stream_id s = primary_stream(r->data, K_SCORECARD);
	bool progress = s == STREAM_PROGRESS;
	card_cols[S_ACTUAL].show = card_cols[S_TARGET].show = card_cols[S_STATUS].show = progress ? SHOW_ALL : 0;
	bool scores = r->data->has[STREAM_SCORES];
	card_fields[F_SCORE].show = card_fields[F_RANK].show = card_fields[F_PERCENTILE].show =
		card_fields[F_TIER].show = scores ? SHOW_ALL : 0;
	card_fields[F_TEAM].show = r->has_roster || r->data->scores_grouped ? SHOW_ALL : 0;
	d->csv_ok = true;
	for (size_t c = 0; c < r->ncurrent; c++) {
		size_t n;
		size_t *owners = owners_in(r, s, r->current[c], &n);
		for (size_t i = 0; i < n; i++)
			owner_card(r, d, owners[i], r->current[c]);
		free(owners);
	}
	doc_footer(d, "Team median: the middle attainment of the owners of the same %s in the period (the mean of the "
		      "two middle ones for an even count); against median is the difference in percentage points.%s",
		   r->has_roster ? "roster group" : r->data->scores_grouped ? "team (the scores' team column)"
									 : "report (no teams given: everyone together)",
		   progress ? "" : " From scores alone, attainments are spm-score's per-metric values (capped and floored).");
	common_footer(r, d);
}
