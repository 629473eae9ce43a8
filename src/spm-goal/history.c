/* spm-goal check --history: last year's actuals (an actuals stream), kept only for the
 * owners and metrics of goals that go upward, and the growth bound they give: a target
 * above --max-growth times the owner's actual of the same period a year before is worth
 * a warning (achievable). */
#include "check.h"

#include "diag.h"
#include "number.h"
#include "stream.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct past_actual {
	struct period period;
	decimal value, num, den;
	bool has_value, has_parts;
};

struct past_actuals {
	struct past_actual *row;
	size_t n, cap;
};

struct history_reader {
	struct table *wanted; /* metric NUL owner → struct past_actuals */
	const struct header *header;
	struct stream_binding cols;
	int fiscal_start;
	char *key;
	size_t key_cap;
	struct file_problem problem;
	char message[96];
};

/* metric, NUL, owner: the metric name holds no NUL, so no two pairs share a key. */
static size_t history_key(char **key, size_t *cap, const char *metric, size_t metric_len, const char *owner,
			  size_t owner_len)
{
	if (owner_len >= SIZE_MAX - 1 || metric_len > SIZE_MAX - 1 - owner_len)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	size_t need = metric_len + 1 + owner_len;
	xgrow((void **)key, cap, need, 1);
	memcpy(*key, metric, metric_len);
	(*key)[metric_len] = '\0';
	memcpy(*key + metric_len + 1, owner, owner_len);
	return need;
}

static int history_problem(struct history_reader *hr, const struct row *row, enum column column, const char *message)
{
	return file_problem_at(&hr->problem, row, column_name(column), row->field[stream_at(&hr->cols, column)],
			       message);
}

/* A number field: *present false when empty; nonzero (stop) when malformed. */
static int history_number(struct history_reader *hr, const struct row *row, enum column column, decimal *out,
			  bool *present)
{
	long i = stream_at(&hr->cols, column);
	enum decimal_status st = decimal_parse(row->field[i], row->len[i], DECIMAL_POINT, out);
	*present = st == DECIMAL_OK;
	if (st == DECIMAL_OK || st == DECIMAL_EMPTY)
		return 0;
	return history_problem(hr, row, column, decimal_strerror(st));
}

static int history_row(void *ctx, const struct row *row)
{
	struct history_reader *hr = ctx;
	struct past_actual a;
	memset(&a, 0, sizeof a);
	if (!row_has_fields(row, hr->header->count, hr->message, sizeof hr->message)) {
		return file_problem_at(&hr->problem, row, NULL, NULL, hr->message);
	}
	const struct stream_binding *b = &hr->cols;
	long p = stream_at(b, COL_PERIOD);
	if (!period_parse(row->field[p], row->len[p], hr->fiscal_start, &a.period))
		return history_problem(hr, row, COL_PERIOD, "not a period label");
	if (history_number(hr, row, COL_VALUE, &a.value, &a.has_value))
		return 1;
	long num_at = stream_at(b, COL_NUMERATOR), den_at = stream_at(b, COL_DENOMINATOR);
	if (num_at >= 0 && den_at >= 0 && (row->len[num_at] || row->len[den_at])) {
		bool num, den;
		if (history_number(hr, row, COL_NUMERATOR, &a.num, &num) ||
		    history_number(hr, row, COL_DENOMINATOR, &a.den, &den))
			return 1;
		if (!num || !den)
			return history_problem(hr, row, num ? COL_DENOMINATOR : COL_NUMERATOR,
					       "a ratio needs both its numerator and denominator");
		a.has_parts = true;
	}
	long m = stream_at(b, COL_METRIC), o = stream_at(b, COL_OWNER);
	size_t len = history_key(&hr->key, &hr->key_cap, row->field[m], row->len[m], row->field[o], row->len[o]);
	struct past_actuals *pa = table_find(hr->wanted, hr->key, len);
	if (!pa)
		return 0; /* no goal of this owner and metric asks about it */
	xgrow((void **)&pa->row, &pa->cap, pa->n + 1, sizeof *pa->row);
	pa->row[pa->n++] = a;
	return 0;
}

/* Reads the actuals of the owners and metrics of goals that go upward; the others are
 * checked but not kept. */
struct table *history_read(const struct check *ck, const char *path)
{
	struct history_reader hr = { .wanted = table_new(sizeof(struct past_actuals)),
				     .fiscal_start = ck->opt->c.fiscal_start };
	for (size_t f = 0; f < ck->nsheets; f++) {
		for (size_t i = 0; i < ck->sheet[f].n; i++) {
			const struct goal *g = &ck->sheet[f].goal[i];
			if (g->lower || g->used)
				continue; /* no growth bound for goals that go down */
			size_t len = history_key(&hr.key, &hr.key_cap, g->metric_name, strlen(g->metric_name), g->owner,
						 g->owner_len);
			table_upsert(hr.wanted, hr.key, len, NULL);
		}
	}
	struct source *src = source_open(path, FORMAT_AUTO);
	hr.header = source_header(src);
	stream_bind(STREAM_ACTUALS, hr.header, path, NULL, 0, &hr.cols);
	read_side_file(src, path, history_row, &hr, &hr.problem);
	free(hr.key);
	return hr.wanted;
}

void history_free(struct table *history)
{
	if (!history)
		return;
	for (size_t i = 0; i < table_count(history); i++)
		free(((struct past_actuals *)table_value(history, i))->row);
	table_free(history);
}

/* Monday of ISO week 1 of year y: the week that holds 4 January. */
static spm_day iso_week_one(int year)
{
	spm_day jan4 = day_from_civil(year, 1, 4);
	return jan4 - (iso_weekday(jan4) - 1);
}

/* The same period one year earlier, of the same grain: 2026-Q3 → 2025-Q3, FY2027 →
 * FY2026, 2026-W48 → 2025-W48 (W53 → the last week of a year that has none), a day →
 * that date a year before (29 February → 28 February). False before year 2. */
static bool year_before(struct period p, struct period *out)
{
	struct civil_date c = civil_from_day(p.start);
	if (p.grain == GRAIN_WEEK) {
		int iso_year = civil_from_day(p.start + 3).year; /* the year of its Thursday */
		if (iso_year <= 2)
			return false;
		spm_day start = iso_week_one(iso_year - 1) + (p.start - iso_week_one(iso_year));
		if (civil_from_day(start + 3).year != iso_year - 1)
			start -= 7;
		*out = period_of(start, GRAIN_WEEK, p.fiscal_start);
		return true;
	}
	if (c.year <= 1)
		return false;
	if (p.grain == GRAIN_DAY) {
		int day = c.month == 2 && c.day == 29 ? 28 : c.day;
		*out = period_of(day_from_civil(c.year - 1, c.month, day), GRAIN_DAY, p.fiscal_start);
		return true;
	}
	/* years, halves, quarters and months start on the 1st of a month */
	*out = period_of(day_from_civil(c.year - 1, c.month, 1), (enum grain)p.grain, p.fiscal_start);
	return true;
}

/* How rows of one metric make up a longer period's value. */
enum combination { COMBINE_SUM, COMBINE_PARTS, COMBINE_MIN, COMBINE_MAX, COMBINE_NONE };

static enum combination combination_of(const struct metric *m, bool finer)
{
	if (!m)
		return COMBINE_SUM; /* an unknown metric is taken as a sum, as goal_adds_up does */
	if (m->ratio)
		return COMBINE_PARTS;
	if (m->agg == AGG_MIN)
		return COMBINE_MIN;
	if (m->agg == AGG_MAX)
		return COMBINE_MAX;
	if (m->agg == AGG_DISTINCT)
		return COMBINE_NONE; /* one customer in two months is one customer in the quarter */
	/* a level (pipeline) of several months is not the quarter's; shards of one period add */
	return finer && !m->cumulative ? COMBINE_NONE : COMBINE_SUM;
}

/* The owner's actual for period p, from the rows of p itself, else from the rows of the
 * coarsest grain found inside p (so the weeks inside are not added to their months).
 * False when they do not make a value: no rows, a ratio without its parts, a level. */
static bool past_actual(const struct past_actuals *pa, struct period p, const struct metric *m, decimal *out)
{
	spm_day end = period_end(p);
	int grain = -1;
	for (size_t i = 0; i < pa->n; i++) {
		struct period q = pa->row[i].period;
		if (q.start >= p.start && period_end(q) <= end && q.grain >= p.grain && (grain < 0 || q.grain < grain))
			grain = q.grain;
	}
	if (grain < 0)
		return false;
	enum combination how = combination_of(m, grain != p.grain);
	decimal total = decimal_zero(), num = decimal_zero(), den = decimal_zero();
	size_t rows = 0, values = 0, parts = 0;
	const struct past_actual *last = NULL;
	for (size_t i = 0; i < pa->n; i++) {
		const struct past_actual *a = &pa->row[i];
		if (a->period.grain != grain || a->period.start < p.start || period_end(a->period) > end)
			continue;
		rows++;
		last = a;
		if (a->has_parts) {
			parts++;
			if (!decimal_add(num, a->num, &num) || !decimal_add(den, a->den, &den))
				return false; /* too large to be a real actual: no check */
		}
		if (!a->has_value)
			continue; /* an empty value: nothing measured in that period */
		if (values++ == 0)
			total = a->value;
		else if (how == COMBINE_SUM && !decimal_add(total, a->value, &total))
			return false;
		else if ((how == COMBINE_MIN && decimal_cmp(a->value, total) < 0) ||
			 (how == COMBINE_MAX && decimal_cmp(a->value, total) > 0))
			total = a->value;
	}
	if (how == COMBINE_PARTS && parts == rows)
		return !decimal_is_zero(den) && decimal_div(num, den, DECIMAL_PLACES, ROUND_HALF_AWAY, out);
	if (how == COMBINE_PARTS || how == COMBINE_NONE) {
		/* a single row says it all, whatever the metric */
		if (rows != 1 || !last->has_value)
			return false;
		*out = last->value;
		return true;
	}
	*out = total;
	return values > 0;
}

/* achievable: a target far above what the owner did a year before. */
void history_check_growth(struct check *ck, size_t file, const struct goal *g, struct table *history)
{
	struct period prior;
	decimal actual, bound;
	if (g->lower || !year_before(g->period, &prior))
		return;
	char *key = NULL;
	size_t cap = 0;
	size_t len = history_key(&key, &cap, g->metric_name, strlen(g->metric_name), g->owner, g->owner_len);
	const struct past_actuals *pa = table_find(history, key, len);
	free(key);
	if (!pa || !past_actual(pa, prior, g->metric, &actual))
		return;
	if (!decimal_mul(ck->opt->max_growth, actual, DECIMAL_PLACES, ROUND_HALF_EVEN, &bound) ||
	    decimal_cmp(g->target, bound) <= 0)
		return;
	char label[PERIOD_LABEL_SIZE], shown[NUMBER_BUFSIZE], growth[NUMBER_BUFSIZE], factor[NUMBER_BUFSIZE],
		message[400];
	period_format(prior, label);
	/* the actual as spm-track prints it: at the metric's decimals */
	if (g->metric && g->metric->places >= 0)
		number_fixed(actual, g->metric->places, shown);
	else
		number_exact(actual, shown);
	number_exact(ck->opt->max_growth, factor);
	decimal ratio;
	if (decimal_sign(actual) > 0 && decimal_div(g->target, actual, RATIO_PLACES, ROUND_HALF_AWAY, &ratio)) {
		number_ratio(ratio, growth);
		snprintf(message, sizeof message,
			 "achievable: %s times the owner's actual of %s (%s), above --max-growth %s", growth, label,
			 shown, factor);
	} else {
		snprintf(message, sizeof message,
			 "achievable: above --max-growth %s times the owner's actual of %s (%s)", factor, label, shown);
	}
	check_report_goal(ck, file, g, false, G_TARGET, message);
}
