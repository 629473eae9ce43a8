/* The drivers stream: across the owners of a period (and of all periods together, as
 * period '*'), how each metric's actual moves with the outcome (the score, or --outcome's
 * actual): Pearson's r, Spearman's rho, the strength of rho in words, and the mean of the
 * metric among the top quartile of owners by outcome against the bottom quartile. This is
 * the data behind "top performers log 2.1x as many meetings". */
#include "spm-score.h"

#include "diag.h"
#include "progress.h"
#include "stats.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_OWNERS 5 /* below this a correlation says nothing */

/* One owner in one period with an outcome. */
struct observation {
	decimal outcome;
	const struct card *card;
	uint32_t period, owner; /* their places in byte order */
};

/* By period label, then owner: sums in the same order on every run. */
static int compare_observations(const void *pa, const void *pb)
{
	const struct observation *a = pa, *b = pb;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	return (a->owner > b->owner) - (a->owner < b->owner);
}

static const struct goal_row *goal_of(const struct card *card, uint32_t metric)
{
	for (uint32_t k = 0; k < card->count; k++)
		if (card->goal[k]->metric == metric)
			return card->goal[k];
	return NULL;
}

/* Whether a goal has an actual to go by. */
static bool measured(const struct goal_row *g)
{
	return g->has_actual && g->status != STATUS_NOT_STARTED;
}

/* The measured actual of a metric in a card, if any. */
static bool actual_of(const struct card *card, uint32_t metric, decimal *out)
{
	const struct goal_row *g = goal_of(card, metric);
	if (!g || !measured(g))
		return false;
	*out = g->actual;
	return true;
}

/* The actual of the --outcome metric, turned round when less is better (direction lower,
 * as cycle_days): the top performers are then those with the least, and a positive r
 * still means that a metric goes with better results. */
static bool outcome_of(const struct card *card, uint32_t metric, decimal *out)
{
	const struct goal_row *g = goal_of(card, metric);
	if (!actual_of(card, metric, out))
		return false;
	if (g->lower)
		out->units = -out->units;
	return true;
}

/* none below 0.1, weak below 0.3, moderate below 0.5, strong from 0.5; with the sign. */
static void strength_words(decimal r, char *buf, size_t size)
{
	decimal_units a = r.units < 0 ? -r.units : r.units;
	const char *how = a < UNITS_PER_ONE / 10 ? NULL : a < UNITS_PER_ONE * 3 / 10 ? "weak" : a < UNITS_PER_ONE / 2 ? "moderate" : "strong";
	snprintf(buf, size, "%s%s%s", how ? how : "none", how ? " " : "", how ? (r.units > 0 ? "positive" : "negative") : "");
}

/* The mean of the values marked, exact, 4 decimals; the sum and count for the ratio. */
static bool marked_mean(const decimal *v, const bool *mark, size_t n, decimal *sum, int64_t *count, decimal *mean)
{
	*sum = decimal_zero();
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		if (!mark[i])
			continue;
		if (!decimal_add(*sum, v[i], sum))
			return false;
		(*count)++;
	}
	return *count > 0 && decimal_div(*sum, decimal_from_int(*count), RATIO_PLACES, ROUND_HALF_AWAY, mean);
}

struct driver_row {
	size_t n;
	bool has_r;
	decimal pearson, spearman;
	bool has_means, has_ratio;
	decimal top_mean, bottom_mean, ratio;
	struct sbuf note; /* names metrics: any length */
};

__attribute__((format(printf, 2, 3))) static void add_note(struct driver_row *d, const char *fmt, ...)
{
	va_list ap;
	if (d->note.len)
		sb_str(&d->note, "; ");
	va_start(ap, fmt);
	sb_vprintf(&d->note, fmt, ap);
	va_end(ap);
}

/* Top and bottom quartile means of the metric, by outcome, and their ratio (exact). */
/* What does not depend on the metric: the outcomes of all the observations of a period,
 * their ranks and quartiles, worked out once for all the metrics every owner has. */
struct outcomes {
	const decimal *y;
	size_t n;
	bool ready, ok;
	double *rank;
	bool *top, *bottom;
};

static void outcomes_prepare(struct outcomes *o)
{
	if (o->ready)
		return;
	double *dy = xcalloc(o->n + 1, sizeof *dy);
	for (size_t i = 0; i < o->n; i++)
		dy[i] = to_double(o->y[i]);
	o->rank = xcalloc(o->n + 1, sizeof *o->rank);
	stats_average_ranks(dy, o->n, o->rank);
	o->top = xcalloc(o->n + 1, sizeof *o->top);
	o->bottom = xcalloc(o->n + 1, sizeof *o->bottom);
	o->ok = stats_quartile_members(o->y, o->n, o->top, o->bottom);
	o->ready = true;
	free(dy);
}

static void outcomes_free(struct outcomes *o)
{
	free(o->rank);
	free(o->top);
	free(o->bottom);
}

/* Top and bottom quartile means of the metric, by outcome, and their ratio (exact); the
 * quartiles of all the outcomes when whole is given. */
static void quartile_means(struct driver_row *d, const decimal *x, const decimal *y, size_t n,
			   const struct outcomes *whole)
{
	bool *top = whole ? whole->top : xcalloc(n, sizeof *top), *bottom = whole ? whole->bottom : xcalloc(n, sizeof *bottom);
	decimal top_sum, bottom_sum, a, b;
	int64_t top_n, bottom_n;
	bool members = whole ? whole->ok : stats_quartile_members(y, n, top, bottom);
	if (!members || !marked_mean(x, top, n, &top_sum, &top_n, &d->top_mean) ||
	    !marked_mean(x, bottom, n, &bottom_sum, &bottom_n, &d->bottom_mean)) {
		add_note(d, "values too large for exact means");
	} else {
		d->has_means = true;
		/* (top sum ÷ top n) ÷ (bottom sum ÷ bottom n), divided once */
		if (decimal_is_zero(bottom_sum))
			add_note(d, "bottom quartile mean is 0");
		else if (decimal_mul(top_sum, decimal_from_int(bottom_n), DECIMAL_PLACES, ROUND_HALF_AWAY, &a) &&
			 decimal_mul(bottom_sum, decimal_from_int(top_n), DECIMAL_PLACES, ROUND_HALF_AWAY, &b) &&
			 decimal_div(a, b, RATIO_PLACES, ROUND_HALF_AWAY, &d->ratio))
			d->has_ratio = true;
	}
	if (!whole) {
		free(top);
		free(bottom);
	}
}

static bool all_equal(const decimal *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (decimal_cmp(v[i], v[0]) != 0)
			return false;
	return true;
}

/* The statistics of one metric's n pairs (x, y); whole: the outcomes of every observation,
 * when the pairs are all of them (every owner has the metric), else NULL. */
static void analyze(const struct scoring *sc, struct driver_row *d, const decimal *x, const decimal *y, size_t n,
		    const char *metric, struct outcomes *whole)
{
	memset(d, 0, sizeof *d);
	d->n = n;
	if (n < MIN_OWNERS) {
		add_note(d, "fewer than 5 owners");
		return;
	}
	/* no variance, no correlation: an empty r and the reason, never a nan */
	bool x_flat = all_equal(x, n), y_flat = all_equal(y, n);
	if (x_flat) {
		add_note(d, "no variance in %s", metric);
	}
	if (y_flat) {
		add_note(d, "no variance in %s", sc->opt->outcome ? sc->opt->outcome : "the score");
	}
	if (whole && !y_flat)
		outcomes_prepare(whole);
	if (!x_flat && !y_flat) {
		double *dx = xcalloc(n, sizeof *dx), *dy = xcalloc(n, sizeof *dy), *rx = xcalloc(n, sizeof *rx);
		double *ry = whole ? whole->rank : xcalloc(n, sizeof *ry), pearson, spearman;
		for (size_t i = 0; i < n; i++) {
			dx[i] = to_double(x[i]);
			dy[i] = to_double(y[i]);
		}
		/* Spearman's rho: Pearson's r of the average ranks */
		stats_average_ranks(dx, n, rx);
		if (!whole)
			stats_average_ranks(dy, n, ry);
		enum stats_status st = stats_pearson(dx, dy, n, &pearson);
		if (st == STATS_OK)
			st = stats_pearson(rx, ry, n, &spearman);
		if (st == STATS_OK) {
			d->has_r = true;
			d->pearson = ratio_from_double(pearson);
			d->spearman = ratio_from_double(spearman);
		} else { /* values apart by less than a double can tell */
			add_note(d, "no variance in %s",
				 st == STATS_CONSTANT_X ? metric : sc->opt->outcome ? sc->opt->outcome : "the score");
		}
		free(dx);
		free(dy);
		free(rx);
		if (!whole)
			free(ry);
	}
	if (!y_flat) /* the same outcome for everyone: nobody is a top performer */
		quartile_means(d, x, y, n, whole);
}

static void write_driver_row(struct output *out, const char *label, const char *metric, const struct driver_row *d)
{
	char buf[64];
	output_str(out, label);
	output_tab(out);
	output_str(out, metric);
	output_tab(out);
	output_count(out, d->n);
	output_tab(out);
	if (d->has_r)
		output_fixed(out, d->pearson, RATIO_PLACES);
	output_tab(out);
	if (d->has_r)
		output_fixed(out, d->spearman, RATIO_PLACES);
	output_tab(out);
	if (d->has_r) {
		strength_words(d->spearman, buf, sizeof buf);
		output_str(out, buf);
	}
	output_tab(out);
	if (d->has_means)
		output_fixed(out, d->top_mean, RATIO_PLACES);
	output_tab(out);
	if (d->has_means)
		output_fixed(out, d->bottom_mean, RATIO_PLACES);
	output_tab(out);
	if (d->has_ratio)
		output_fixed(out, d->ratio, RATIO_PLACES);
	output_tab(out);
	output_str(out, sb_text(&d->note));
	output_newline(out);
}

/* One row per metric (but the outcome's own) that some owner of these observations has.
 * The pairs of every metric are gathered in one walk over the observations' goals, in
 * observation order (walking them once per metric was most of the time of --drivers). */
static void write_period(struct output *out, const struct scoring *sc, const struct observation *obs, size_t n,
			 const char *label, long outcome)
{
	size_t nm = sc->set->nmetrics, total = 0;
	size_t *at = xcalloc(nm + 1, sizeof *at), *end = xcalloc(nm + 1, sizeof *end);
	bool *present = xcalloc(nm + 1, sizeof *present);
	for (size_t i = 0; i < n; i++) {
		const struct card *card = obs[i].card;
		for (uint32_t k = 0; k < card->count; k++) {
			const struct goal_row *g = card->goal[k];
			present[g->metric] = true;
			if (measured(g))
				end[g->metric]++, total++;
		}
	}
	for (size_t m = 0, sum = 0; m < nm; m++) { /* at[m]: where metric m's pairs start */
		at[m] = sum;
		sum += end[m];
		end[m] = at[m];
	}
	decimal *x = xcalloc(total + 1, sizeof *x), *y = xcalloc(total + 1, sizeof *y), *all = xcalloc(n + 1, sizeof *all);
	for (size_t i = 0; i < n; i++) {
		const struct card *card = obs[i].card;
		all[i] = obs[i].outcome;
		for (uint32_t k = 0; k < card->count; k++) {
			const struct goal_row *g = card->goal[k];
			if (measured(g)) {
				x[end[g->metric]] = g->actual;
				y[end[g->metric]++] = obs[i].outcome;
			}
		}
	}
	struct outcomes whole = { .y = all, .n = n };
	for (size_t m = 0; m < nm; m++) {
		if ((long)m == outcome || !present[m])
			continue;
		struct driver_row d;
		size_t k = end[m] - at[m];
		analyze(sc, &d, x + at[m], y + at[m], k, sc->set->metric[m], k == n ? &whole : NULL);
		write_driver_row(out, label, sc->set->metric[m], &d);
		sb_free(&d.note);
	}
	outcomes_free(&whole);
	free(all);
	free(x);
	free(y);
	free(present);
	free(at);
	free(end);
}

void write_drivers(struct output *out, const struct scoring *sc)
{
	const struct card_set *set = sc->set;
	long outcome = sc->opt->outcome ? cards_metric(set, sc->opt->outcome) : -1;
	struct observation *obs = xcalloc(set->ncards + 1, sizeof *obs);
	size_t n = 0;
	static const enum column header[] = { COL_PERIOD, COL_METRIC, COL_N, COL_PEARSON,
					      COL_SPEARMAN, COL_STRENGTH, COL_TOP_MEAN, COL_BOTTOM_MEAN, COL_RATIO, COL_NOTE };
	stream_write_header(out, header, sizeof header / sizeof header[0]);
	for (size_t c = 0; c < set->ncards; c++) {
		const struct card *card = &set->card[c];
		const struct card_score *cs = &sc->cs[c];
		struct observation *o = &obs[n];
		*o = (struct observation){ cs->score, card, sc->period_order[card->period], sc->owner_order[card->owner] };
		if (outcome >= 0 ? outcome_of(card, (uint32_t)outcome, &o->outcome) : cs->state == CARD_SCORED)
			n++;
	}
	if (n > 1)
		qsort(obs, n, sizeof *obs, compare_observations);
	if (n > 0 && obs[0].period != obs[n - 1].period) /* '*' sorts before every period label */
		write_period(out, sc, obs, n, "*", outcome);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && obs[j].period == obs[i].period; j++)
			;
		write_period(out, sc, obs + i, j - i, set->label[obs[i].card->period], outcome);
	}
	free(obs);
}
