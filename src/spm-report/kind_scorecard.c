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

/* The median of sorted values and the owner's distance to it, in points. */
static void against_median(struct dtable *t, size_t row, const decimal *all, size_t n, struct num mine)
{
	decimal median, diff;
	if (!median_sorted(all, n, &median))
		return;
	set_num(dtable_cell(t, row, S_MEDIAN), num_of(median, 4), U_PERCENT);
	if (mine.has && decimal_sub(mine.v, median, &diff)) {
		struct cell *c = dtable_cell(t, row, S_VS);
		set_num(c, num_of(diff, 4), U_PERCENT);
		c->points = c->sign = true;
		c->tone = decimal_sign(diff) >= 0 ? TONE_GOOD : TONE_NONE;
	}
}

/* The key of a scores column's values in r->groups: a group key with a tag byte, so that
 * it is never one of group_values' keys. */
static size_t detail_key(unsigned char *key, size_t metric, struct period p, size_t team)
{
	period_to_key(p, key);
	memcpy(key + PERIOD_KEY_SIZE, &metric, sizeof metric);
	memcpy(key + PERIOD_KEY_SIZE + sizeof metric, &team, sizeof team);
	key[PERIOD_KEY_SIZE + 2 * sizeof(size_t)] = 'd';
	return PERIOD_KEY_SIZE + 2 * sizeof(size_t) + 1;
}

struct detail_growing {
	decimal *v;
	size_t n, cap;
};

static void detail_add(struct table *t, size_t metric, struct period p, size_t team, decimal v)
{
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t) + 1];
	bool created;
	struct detail_growing *g = table_upsert(t, key, detail_key(key, metric, p, team), &created);
	xgrow((void **)&g->v, &g->cap, g->n + 1, sizeof *g->v);
	g->v[g->n++] = v;
}

/* Clamped attainments of every scores column in period p, per group and for everyone
 * (team NONE), sorted into r->groups: one pass over the scores per period, not one per
 * owner and metric. */
static void index_details(struct report *r, struct period p)
{
	unsigned char pk[PERIOD_KEY_SIZE + 2];
	bool created;
	period_to_key(p, pk);
	pk[PERIOD_KEY_SIZE] = (unsigned char)p.grain;
	pk[PERIOD_KEY_SIZE + 1] = 'd';
	table_upsert(r->periods_indexed, pk, sizeof pk, &created);
	if (!created)
		return;
	struct table *growing = table_new(sizeof(struct detail_growing));
	for (size_t i = 0; i < r->data->nscore; i++) {
		const struct score_row *s = &r->data->score[i];
		if (period_cmp(s->period, p) != 0 || s->period.grain != p.grain)
			continue;
		size_t team = team_of(r, s->owner, p);
		for (size_t k = 0; k < s->ndetail; k++) {
			if (!s->detail[k].value.has)
				continue;
			detail_add(growing, s->detail[k].metric, p, NONE, s->detail[k].value.v);
			if (team != NONE)
				detail_add(growing, s->detail[k].metric, p, team, s->detail[k].value.v);
		}
	}
	for (size_t i = 0; i < table_count(growing); i++) {
		size_t len;
		const void *key = table_key(growing, i, &len);
		const struct detail_growing *from = table_value(growing, i);
		struct group_values *g = table_upsert(r->groups, key, len, &created);
		g->v = from->v; /* r->groups owns it now: report_free frees it */
		g->n = from->n;
		if (g->n > 1)
			median_of(g->v, g->n, &(decimal){ 0 }); /* sorts them */
	}
	table_free(growing);
}

/* Clamped attainments of one scores column, in the group of the period, sorted. */
static const struct group_values *detail_values(struct report *r, size_t metric, struct period p, size_t team)
{
	static const struct group_values none = { 0 };
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t) + 1];
	index_details(r, p);
	const struct group_values *g = table_find(r->groups, key, detail_key(key, metric, p, team));
	return g ? g : &none;
}

static void owner_card(struct report *r, struct doc *d, size_t owner, struct period p)
{
	char label[PERIOD_LABEL_SIZE];
	size_t team = team_of(r, owner, p);
	const struct score_row *s = score_find(r, owner, p);
	struct section *sec = doc_section(d, owner, card_fields, F_NFIELDS, 2);
	set_name(field(sec, F_OWNER), r->names, owner);
	set_str(&sec->fields, 0, F_PERIOD, period_label(p, label));
	set_name(field(sec, F_TEAM), r->names, team);
	if (s) {
		set_num(field(sec, F_SCORE), s->score, U_PERCENT);
		set_num(field(sec, F_RANK), s->rank, U_COUNT);
		set_num(field(sec, F_PERCENTILE), s->percentile, U_PLAIN);
		set_tier(r, &sec->fields, 0, F_TIER, s);
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
			set_metric(r, &b->t, row, S_METRIC, g->metric);
			set_num(dtable_cell(&b->t, row, S_ACTUAL), g->actual, u);
			set_num(dtable_cell(&b->t, row, S_TARGET), g->target, u);
			set_num(dtable_cell(&b->t, row, S_ATTAINMENT), g->attainment, U_PERCENT);
			dtable_cell(&b->t, row, S_ATTAINMENT)->tone = attainment_tone(g->attainment);
			set_num(dtable_cell(&b->t, row, S_BAR), g->attainment, U_PERCENT);
			dtable_cell(&b->t, row, S_BAR)->tone = status_tone(g->status);
			set_str(&b->t, row, S_STATUS, goal_status_name(g->status));
			set_human(&b->t, row, S_STATUS, status_words(g->status), strlen(status_words(g->status)));
			dtable_cell(&b->t, row, S_STATUS)->tone = status_tone(g->status);
			/* sorted once per group (group_values): no copy, no sort per row */
			const struct group_values *all = group_values(r, g->metric, p, team);
			against_median(&b->t, row, all->v, all->n, g->attainment);
		}
		free(rows);
	} else if (s) {
		for (size_t k = 0; k < s->ndetail; k++) {
			size_t row = dtable_row(&b->t);
			set_metric(r, &b->t, row, S_METRIC, s->detail[k].metric);
			set_num(dtable_cell(&b->t, row, S_ATTAINMENT), s->detail[k].value, U_PERCENT);
			dtable_cell(&b->t, row, S_ATTAINMENT)->tone = attainment_tone(s->detail[k].value);
			set_num(dtable_cell(&b->t, row, S_BAR), s->detail[k].value, U_PERCENT);
			dtable_cell(&b->t, row, S_BAR)->tone = attainment_tone(s->detail[k].value);
			const struct group_values *all = detail_values(r, s->detail[k].metric, p, team);
			against_median(&b->t, row, all->v, all->n, s->detail[k].value);
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
	if (card_fields[F_TEAM].show) { /* the group and its median named as compared ("Region median") */
		const char *w = group_word(r);
		char *heading = group_heading(r);
		card_fields[F_TEAM].key = doc_keep(d, xstrdup(w));
		card_fields[F_TEAM].label = doc_keep(d, xstrdup(heading));
		struct sbuf key = { 0 }, label = { 0 };
		sb_printf(&key, "%s_median", w);
		sb_printf(&label, "%s median", heading);
		card_cols[S_MEDIAN].key = doc_keep(d, key.s);
		card_cols[S_MEDIAN].label = doc_keep(d, label.s);
		free(heading);
	} else {
		card_cols[S_MEDIAN].key = "team_median";
		card_cols[S_MEDIAN].label = "Team median";
	}
	d->csv_ok = true;
	for (size_t c = 0; c < r->ncurrent; c++) {
		size_t n;
		size_t *owners = owners_in(r, s, r->current[c], &n);
		for (size_t i = 0; i < n; i++)
			owner_card(r, d, owners[i], r->current[c]);
		free(owners);
	}
	doc_footer(d, "%s: the middle attainment of the owners of the same %s in the period (the mean of the "
		      "two middle ones for an even count); against median is the difference in percentage points.%s",
		   card_cols[S_MEDIAN].label, r->has_roster ? "roster group" : r->data->scores_grouped ? "team (the scores' team column)"
									 : "report (no teams given: everyone together)",
		   progress ? "" : " From scores alone, attainments are spm-score's per-metric values (capped and floored).");
	common_footer(r, d);
}
