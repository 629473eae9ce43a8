/* Reading actuals streams (spm-track's own output): shards merge exactly, ratios by
 * numerator and denominator, and periods regroup into a coarser grain. */
#include "spm-track.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

/* ---- reading actuals ---- */

bool metric_is_selected(const struct metric_set *ms, const char *name)
{
	for (size_t i = 0; i < ms->nselected; i++)
		if (strcmp(ms->selected[i]->name, name) == 0)
			return true;
	return false;
}

static void add_actual(const struct actual_row *a, struct actual_totals *t, const char *metric)
{
	t->has_parts = a->has_parts;
	t->in_currency |= a->in_currency;
	if (!a->has_value && !a->has_parts) {
		/* an empty value: no value for this group (a min of no rows), nothing to add */
	} else if (a->has_parts) {
		if (!add_or_fail(&t->numerator, a->num) || !add_or_fail(&t->denominator, a->den))
			sum_overflow(metric);
	} else if (a->known && a->known->agg == AGG_MIN) {
		if (!t->has_value || decimal_cmp(a->value, t->value) < 0)
			t->value = a->value;
	} else if (a->known && a->known->agg == AGG_MAX) {
		if (!t->has_value || decimal_cmp(a->value, t->value) > 0)
			t->value = a->value;
	} else if (!add_or_fail(&t->value, a->value)) {
		sum_overflow(metric);
	}
	t->has_value |= a->has_value || a->has_parts;
}

/* The period of calendar k that an actuals row counts in; nonzero if the row is bad. */
static int actual_period(struct chunk_state *cs, const struct row *row, struct period p, size_t k,
			 const char *metric, struct period *out, bool *skip)
{
	const struct job *job = cs->job;
	*skip = false;
	*out = p;
	if (!job->regroup)
		return 0;
	struct period q = period_of(p.start, job->cal[k].grain, job->cal[k].fiscal_start);
	if (period_end(p) > period_end(q) || p.start < q.start) {
		/* a coarser or straddling period: fine unless a goal needs it at this grain */
		if (job->goals && !goal_needs(job->goals, k, metric)) {
			*skip = true;
			return 0;
		}
		bad_row(cs, row, stream_at(&job->actuals, COL_PERIOD),
			job->goals ? "period does not fit in one period of a goal of this metric"
				   : "period does not fit in one period of --grain");
		return 1;
	}
	*out = q;
	return 0;
}

/* One distinct value of a group: (slot 0, group, value) in the chunk's set. */
static void add_item(struct chunk_state *cs, size_t group, const char *value, size_t len)
{
	size_t klen = distinct_key(cs, 0, group, value, len);
	table_upsert(cs->distinct, cs->distinct_key, klen, NULL);
}

void count_distinct_items(struct chunk_state *all)
{
	for (size_t i = 0; i < table_count(all->distinct); i++) {
		size_t len, g;
		const char *key = table_key(all->distinct, i, &len);
		memcpy(&g, key + sizeof(size_t), sizeof g);
		struct actual_totals *t = group_totals(all->groups, g);
		if (!add_or_fail(&t->value, decimal_from_int(1))) {
			struct group_name name;
			group_name(all->groups, g, &name);
			sum_overflow(name.metric);
		}
	}
}

/* ---- currencies ---- */

/* Actuals add up only in one currency: spm-track --rates writes every amount in its base
 * currency, and a sum of amounts in two currencies means nothing. A chunk keeps the first
 * currency it meets and the first other one; merge_currency tells the conflict once the
 * lines of the chunks are known. */
static void note_currency(struct chunk_state *cs, const char *code, size_t len, uint64_t line)
{
	struct currency_seen *first = &cs->currency, *other = &cs->other_currency;
	if (!first->code)
		*first = (struct currency_seen){ xmemdup0(code, len), len, line, xstrdup(cs->job->file) };
	else if (!other->code && (len != first->len || memcmp(code, first->code, len) != 0))
		*other = (struct currency_seen){ xmemdup0(code, len), len, line, xstrdup(cs->job->file) };
}

static void currency_conflict(const struct job *job, const struct currency_seen *at, uint64_t line,
			      const struct currency_seen *before, uint64_t before_line)
{
	struct sbuf where = { 0 };
	stream_currency_conflict(&where, before->code, before->len, before->file, before_line);
	diag_at(job->file, line, column_name(COL_CURRENCY), at->code, at->len, sb_text(&where));
	sb_free(&where);
	diag_exit(SPM_EXIT_DATA);
}

void merge_currency(const struct job *job, struct chunk_state *all, struct chunk_state *from, uint64_t line_offset)
{
	struct currency_seen *first = &from->currency, *other = &from->other_currency;
	if (!first->code)
		return;
	uint64_t first_line = first->line + line_offset;
	if (!all->currency.code) {
		all->currency = *first;
		all->currency.line = first_line;
		first->code = first->file = NULL; /* all owns them now */
		if (other->code)
			currency_conflict(job, other, other->line + line_offset, &all->currency, first_line);
		return;
	}
	if (first->len != all->currency.len || memcmp(first->code, all->currency.code, first->len) != 0)
		currency_conflict(job, first, first_line, &all->currency, all->currency.line);
	if (other->code)
		currency_conflict(job, other, other->line + line_offset, &all->currency, all->currency.line);
}

/* Selected, or read to measure coverage. */
static bool metric_is_read(const struct metric_set *ms, const char *name)
{
	return metric_is_selected(ms, name) ||
	       (ms->coverage && (strcmp(name, "won_revenue") == 0 || strcmp(name, "pipeline") == 0));
}

int actuals_row(void *ctx, const struct row *row)
{
	struct chunk_state *cs = ctx;
	const struct job *job = cs->job;
	struct owner_ref owners[LEVEL_COUNT];
	size_t nowners;
	cs->tally.read++;
	if (row->count != job->header->count)
		return field_count_problem(cs, row);
	const struct stream_binding *b = &job->actuals;
	long col_period = stream_at(b, COL_PERIOD), col_metric = stream_at(b, COL_METRIC);
	long col_value = stream_at(b, COL_VALUE);
	long col_num = stream_at(b, COL_NUMERATOR), col_den = stream_at(b, COL_DENOMINATOR);
	const char *metric = row->field[col_metric];
	if (find_owners(cs, row, stream_at(b, COL_OWNER), owners, &nowners))
		return reject_or_stop(cs, row);
	struct period p;
	if (!period_parse(row->field[col_period], row->len[col_period], job->opt->fiscal_start, &p)) {
		bad_row(cs, row, col_period, row->field[col_period][0] == 'F'
						     ? "not a period label (FY labels need --fiscal-start)"
						     : "not a period label");
		return reject_or_stop(cs, row);
	}
	if (!is_metric_name(metric) || strlen(metric) != row->len[col_metric]) {
		bad_row(cs, row, col_metric, "not a metric name");
		return reject_or_stop(cs, row);
	}
	if ((job->opt->metrics || job->goals) && !metric_is_read(job->metrics, metric)) {
		cs->tally.used++;
		return 0;
	}
	struct actual_row a = { .value = decimal_zero(), .num = decimal_zero(), .den = decimal_zero() };
	a.known = find_metric(job->metrics, metric);
	enum decimal_status st = decimal_parse(row->field[col_value], row->len[col_value], DECIMAL_POINT, &a.value);
	a.has_value = st == DECIMAL_OK;
	if (st != DECIMAL_OK && st != DECIMAL_EMPTY) {
		bad_row(cs, row, col_value, decimal_strerror(st));
		return reject_or_stop(cs, row);
	}
	if (col_num >= 0 && col_den >= 0 && (row->len[col_num] || row->len[col_den])) {
		long bad = -1;
		if ((st = decimal_parse(row->field[col_num], row->len[col_num], DECIMAL_POINT, &a.num)))
			bad = col_num;
		else if ((st = decimal_parse(row->field[col_den], row->len[col_den], DECIMAL_POINT, &a.den)))
			bad = col_den;
		if (bad >= 0) {
			bad_row(cs, row, bad, decimal_strerror(st));
			return reject_or_stop(cs, row);
		}
		a.has_parts = true;
	}
	if (a.known && a.known->ratio && !a.has_parts) {
		bad_row(cs, row, col_metric, "a ratio needs its numerator and denominator to be merged");
		return reject_or_stop(cs, row);
	}
	/* a partial stream's distinct count: a row for the group (empty item), then one per
	 * value; the value is the number of distinct items once every input is read */
	long col_item = stream_at(b, COL_ITEM);
	bool item = col_item >= 0 && row->len[col_item] > 0;
	if (a.known && a.known->agg == AGG_DISTINCT) {
		if (!job->partial_input) {
			bad_row(cs, row, col_metric, "distinct counts cannot be merged from actuals (merge partial streams: --partial)");
			return reject_or_stop(cs, row);
		}
		if (a.has_value || a.has_parts) {
			bad_row(cs, row, col_value, "a distinct count's rows of a partial stream have no value");
			return reject_or_stop(cs, row);
		}
		a.has_value = true; /* 0 and its items */
	} else if (item) {
		bad_row(cs, row, col_item, a.known ? "an item belongs to a distinct count only"
						   : "an item belongs to a distinct count only (custom metrics need the metrics file)");
		return reject_or_stop(cs, row);
	}
	/* pipeline is a forecast, as for open deals in an export: kept whatever its period */
	if (job->goals && p.start > job->opt->as_of && strcmp(metric, "pipeline") != 0) {
		cs->tally.used++;
		cs->tally.after_as_of++;
		return 0;
	}
	/* Every group this row feeds, checked before any is changed, so that a rejected
	 * row leaves no trace. */
	struct period periods[MAX_CALENDARS];
	bool skip[MAX_CALENDARS];
	size_t counted = 0;
	bool outside = false;
	for (size_t k = 0; k < job->ncal; k++) {
		if (actual_period(cs, row, p, k, metric, &periods[k], &skip[k]))
			return reject_or_stop(cs, row);
		if (skip[k])
			continue;
		if (job->range.limited) {
			spm_day end = period_end(periods[k]);
			if (end <= job->range.lo || periods[k].start >= job->range.hi) {
				skip[k] = outside = true;
				continue;
			}
			if (periods[k].start < job->range.lo || end > job->range.hi) {
				bad_row(cs, row, col_period, "period is only partly inside --from/--to/--period");
				return reject_or_stop(cs, row);
			}
		}
		for (size_t o = 0; o < nowners; o++) {
			size_t g = group_lookup(cs->groups, periods[k], owners[o].level, owners[o].name, owners[o].len,
						metric);
			const struct actual_totals *t = g == SIZE_MAX ? NULL : group_totals(cs->groups, g);
			if (t && t->has_parts != a.has_parts) {
				bad_row(cs, row, col_metric, "rows of this metric mix plain values and numerator/denominator");
				return reject_or_stop(cs, row);
			}
		}
		counted++;
	}
	if (counted == 0 && outside)
		cs->tally.outside++;
	long col_currency = stream_at(b, COL_CURRENCY);
	if (col_currency >= 0 && row->len[col_currency]) {
		a.in_currency = true;
		note_currency(cs, row->field[col_currency], row->len[col_currency], row->line);
	}
	for (size_t k = 0; k < job->ncal; k++) {
		if (skip[k])
			continue;
		for (size_t o = 0; o < nowners; o++) {
			size_t g = group_upsert(cs->groups, periods[k], owners[o].level, owners[o].name, owners[o].len,
						metric);
			add_actual(&a, group_totals(cs->groups, g), metric);
			if (item)
				add_item(cs, g, row->field[col_item], row->len[col_item]);
		}
	}
	cs->tally.used++;
	return 0;
}

/* Merges the totals of one owner, period and metric read from two chunks or files. */
void merge_actuals(const struct job *job, struct actual_totals *a, const struct actual_totals *b,
			  bool created, const char *metric)
{
	const struct metric *m = find_metric(job->metrics, metric);
	if (created) {
		*a = *b;
		return;
	}
	a->in_currency |= b->in_currency;
	if (a->has_parts != b->has_parts)
		diag_fatal(SPM_EXIT_DATA, "%s: metric %s mixes plain values and numerator/denominator across inputs",
			   job->file, metric);
	if (m && (m->agg == AGG_MIN || m->agg == AGG_MAX) && !a->has_parts) {
		int c = decimal_cmp(b->value, a->value);
		if (b->has_value && (!a->has_value || (m->agg == AGG_MIN && c < 0) || (m->agg == AGG_MAX && c > 0)))
			a->value = b->value;
		a->has_value |= b->has_value;
		return;
	}
	if (!add_or_fail(&a->value, b->value) || !add_or_fail(&a->numerator, b->numerator) ||
	    !add_or_fail(&a->denominator, b->denominator))
		sum_overflow(metric);
	a->has_value |= b->has_value;
}

/* An input is actuals when its header holds every required column of the actuals stream
 * (spm.7 STREAMS); anything else is an export. */
bool is_actuals_header(const struct header *h)
{
	static const enum stream_id actuals[] = { STREAM_ACTUALS };
	return stream_detect(h, actuals, 1) == STREAM_ACTUALS;
}

/* A header that names all but one of the actuals columns (or one of them twice) is
 * a broken actuals stream rather than an export: its fault is best told as such. */
bool nearly_actuals(const struct header *h)
{
	const struct stream_def *d = stream_def(STREAM_ACTUALS);
	size_t required = 0, named = 0;
	for (size_t i = 0; i < d->count; i++) {
		if (!d->columns[i].required)
			continue;
		required++;
		named += header_find(h, column_name(d->columns[i].column)) != -1;
	}
	return named + 1 >= required;
}

/* Where the actuals columns are in this file's header. */
void bind_actuals(struct job *job)
{
	static const enum stream_id partial[] = { STREAM_PARTIAL };
	job->partial_input = stream_detect(job->header, partial, 1) == STREAM_PARTIAL;
	stream_bind(job->partial_input ? STREAM_PARTIAL : STREAM_ACTUALS, job->header, job->file, NULL, 0,
		    &job->actuals);
}
