/* The scores stream: owner period score rank percentile tier basis, then level and the
 * group column (named after --group: team, region, ...) when levels are known, then
 * prev_score delta prev_rank streak (when there is a trend), then one column per metric
 * (with --detail). Rows by period label, then level, then group, then rank (the unranked
 * last), then owner: a leaderboard per period, level and group, read top down. */
#include "spm-score.h"

#include "diag.h"
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns of the scores stream, in order: the first seven always, then level, the
 * group column (named by --group), the trend; spm.7 and lib/stream.c list them. */
static const enum column first_columns[] = { COL_OWNER, COL_PERIOD, COL_SCORE, COL_RANK, COL_PERCENTILE, COL_TIER,
					     COL_BASIS };
static const enum column trend_columns[] = { COL_PREV_SCORE, COL_DELTA, COL_PREV_RANK, COL_STREAK };

/* A column of the scores stream but its group column, which takes the name of --group. */
bool is_score_column(const char *name)
{
	const struct stream_def *d = stream_def(STREAM_SCORES);
	enum column c = column_named(name);
	for (size_t k = 0; c != COL_COUNT && c != COL_TEAM && k < d->count; k++)
		if (d->columns[k].column == c)
			return true;
	return false;
}

static void write_names(struct output *out, const enum column *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		output_tab(out);
		stream_write_name(out, cols[i]);
	}
}

void check_detail_columns(const struct scoring *sc)
{
	for (size_t m = 0; sc->opt->detail && m < sc->set->nmetrics; m++)
		if (is_score_column(sc->set->metric[m]) || (sc->opt->group && strcmp(sc->set->metric[m], sc->opt->group) == 0))
			diag_fatal(SPM_EXIT_DATA,
				   "--detail: the metric '%s' has the name of a column of the scores stream; rename it",
				   sc->set->metric[m]);
}

static void write_header(struct output *out, const struct scoring *sc)
{
	stream_write_name(out, first_columns[0]);
	write_names(out, first_columns + 1, sizeof first_columns / sizeof first_columns[0] - 1);
	if (sc->levels) {
		output_tab(out);
		stream_write_name(out, COL_LEVEL);
	}
	if (sc->opt->group) {
		output_tab(out);
		output_str(out, sc->opt->group);
	}
	if (sc->trend)
		write_names(out, trend_columns, sizeof trend_columns / sizeof trend_columns[0]);
	for (size_t m = 0; sc->opt->detail && m < sc->set->nmetrics; m++) {
		output_tab(out);
		output_str(out, sc->set->metric[m]);
	}
	output_newline(out);
}

/* A row is put together here and written at once: a dozen small writes per row were a
 * third of the time of writing. Names go through output_field, which escapes them. */
struct line {
	struct output *out;
	size_t n;
	char text[512];
};

static void line_flush(struct line *l)
{
	if (l->n)
		output_bytes(l->out, l->text, l->n);
	l->n = 0;
}

static void line_add(struct line *l, const char *s, size_t len)
{
	if (l->n + len > sizeof l->text)
		line_flush(l);
	if (len > sizeof l->text) {
		output_bytes(l->out, s, len);
		return;
	}
	memcpy(l->text + l->n, s, len);
	l->n += len;
}

static void line_tab(struct line *l)
{
	line_add(l, "\t", 1);
}

static void line_decimal(struct line *l, decimal d, int places)
{
	char buf[NUMBER_BUFSIZE];
	line_add(l, buf, number_fixed(d, places, buf));
}

static void line_count(struct line *l, uint64_t n)
{
	char buf[NUMBER_BUFSIZE];
	line_add(l, buf, number_count(n, buf));
}

static void line_field(struct line *l, const char *s, size_t len)
{
	line_flush(l);
	output_field(l->out, s, len);
}

static void write_trend(struct line *l, const struct card_score *cs)
{
	decimal delta;
	line_tab(l);
	if (cs->has_prev_score)
		line_decimal(l, cs->prev_score, CARD_SCORE_PLACES);
	line_tab(l);
	/* both have 4 decimals at most: the difference is exact */
	if (cs->has_prev_score && cs->state == CARD_SCORED && decimal_sub(cs->score, cs->prev_score, &delta))
		line_decimal(l, delta, CARD_SCORE_PLACES);
	line_tab(l);
	if (cs->has_prev_rank)
		line_count(l, cs->prev_rank);
	line_tab(l);
	if (!cs->no_streak)
		line_count(l, cs->streak);
}

/* One column per metric: what the goal counted for in the score, empty if nothing. */
static void write_detail(struct line *l, const struct scoring *sc, const struct card *card)
{
	uint32_t k = 0;
	for (size_t m = 0; m < sc->set->nmetrics; m++) {
		decimal v;
		line_tab(l);
		while (k < card->count && card->goal[k]->metric < m)
			k++;
		if (k < card->count && card->goal[k]->metric == m && goal_counted(sc, card->goal[k], &v))
			line_decimal(l, v, CARD_SCORE_PLACES);
	}
}

static void write_line(struct output *out, const struct scoring *sc, const struct card *card,
		       const struct card_score *cs)
{
	const struct card_owner *owner = &sc->set->owner[card->owner];
	const char *label = sc->set->label[card->period];
	struct line l;
	l.out = out;
	l.n = 0;
	line_field(&l, owner->name, owner->len);
	line_tab(&l);
	line_add(&l, label, strlen(label));
	line_tab(&l);
	if (cs->state == CARD_SCORED)
		line_decimal(&l, cs->score, CARD_SCORE_PLACES);
	line_tab(&l);
	if (cs->ranked)
		line_count(&l, cs->rank);
	line_tab(&l);
	if (cs->ranked)
		line_decimal(&l, (decimal){ (decimal_units)cs->percentile * 10000000 }, PERCENTILE_PLACES);
	line_tab(&l);
	if (cs->tier >= 0) {
		const char *tier = sc->opt->tiers.tier[cs->tier].name;
		line_field(&l, tier, strlen(tier));
	}
	line_tab(&l);
	const char *basis = basis_names[cs->basis];
	line_add(&l, basis, strlen(basis));
	if (sc->levels) {
		int level = sc->owner_level[card->owner];
		line_tab(&l);
		if (level >= 0)
			line_add(&l, level_names[level], strlen(level_names[level]));
	}
	if (sc->opt->group) {
		const char *group = sc->group[sc->owner_group[card->owner]];
		line_tab(&l);
		line_field(&l, group, strlen(group));
	}
	if (sc->trend)
		write_trend(&l, cs);
	if (sc->opt->detail)
		write_detail(&l, sc, card);
	line_add(&l, "\n", 1);
	line_flush(&l);
}

/* The rows in the order score_all sorted the cards into. */
void write_scores(struct output *out, const struct scoring *sc)
{
	write_header(out, sc);
	for (size_t i = 0; i < sc->norder; i++) {
		/* the cards come in the order of their ranks, scattered in memory: fetching a few
		 * rows ahead takes a tenth off the time of a million goals */
		if (i + 16 < sc->norder) {
			__builtin_prefetch(&sc->cs[sc->order[i + 16]]);
			__builtin_prefetch(&sc->set->card[sc->order[i + 16]]);
		}
		if (i + 8 < sc->norder)
			__builtin_prefetch(&sc->set->owner[sc->set->card[sc->order[i + 8]].owner]);
		write_line(out, sc, &sc->set->card[sc->order[i]], &sc->cs[sc->order[i]]);
	}
}
