/* Writing actuals: one row per owner, period and metric, in byte order, with the
 * numerator and denominator of ratios. */
#include "spm-track.h"

#include "diag.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A plain value of metric m (a sum, a count, a minimum or maximum): money with every
 * significant digit and at least two decimals, so that merging printed actuals loses
 * nothing; counts whole; other values with at least the metric's decimals, exactly. */
size_t plain_value(const struct metric *m, decimal d, char buf[NUMBER_BUFSIZE])
{
	if (m && (m->agg == AGG_COUNT || m->agg == AGG_DISTINCT))
		return number_exact(d, buf); /* whole, whatever the unit says */
	if (m && m->agg != AGG_AVG && m->places == MONEY_PLACES)
		return number_money(d, buf);
	return number_at_least(d, m && m->places > 0 ? m->places : 0, buf);
}

/* value = num ÷ den at the metric's decimals; empty when den is zero. The numerator and
 * denominator are exact: merging adds them and divides once. */
static void format_ratio(const struct metric *m, decimal num, decimal den, struct out_row *r)
{
	decimal q;
	number_exact(num, r->numerator);
	number_exact(den, r->denominator);
	if (decimal_is_zero(den))
		r->value[0] = '\0';
	else if (!decimal_div(num, den, m->places, ROUND_HALF_AWAY, &q))
		sum_overflow(m->name);
	else if (m->places == RATIO_PLACES)
		number_ratio(q, r->value);
	else
		number_fixed(q, m->places, r->value);
}

static void fill_deal_metric(const struct metric *m, const struct deal_totals *t, struct out_row *r)
{
	const struct custom_totals *ct = (const struct custom_totals *)(t + 1);
	r->numerator[0] = r->denominator[0] = '\0';
	switch (m->builtin) {
	case M_WON_REVENUE: number_money(t->won_revenue, r->value); return;
	case M_PIPELINE: number_money(t->pipeline, r->value); return;
	case M_WON_DEALS: number_count((uint64_t)t->won_deals, r->value); return;
	case M_LOST_DEALS: number_count((uint64_t)t->lost_deals, r->value); return;
	case M_WIN_RATE:
		format_ratio(m, decimal_from_int(t->won_deals), decimal_from_int(t->won_deals + t->lost_deals), r);
		return;
	case M_AVG_DEAL: format_ratio(m, gross_won(t), decimal_from_int(t->won_deals), r); return;
	case M_CLAWBACK: number_money(t->clawback, r->value); return;
	case M_CLAWBACK_DEALS: number_count((uint64_t)t->clawback_deals, r->value); return;
	case M_CYCLE_DAYS:
		format_ratio(m, decimal_from_int(t->cycle_days), decimal_from_int(t->cycle_deals), r);
		return;
	case M_COVERAGE: r->value[0] = '\0'; return; /* needs goals: never in actuals */
	case M_OVERLAY_REVENUE: number_money(t->overlay_revenue, r->value); return;
	case M_OVERLAY_DEALS: number_count((uint64_t)t->overlay_deals, r->value); return;
	case M_BUILTIN_COUNT: break;
	}
	const struct custom_totals *c = &ct[m->slot];
	switch (m->agg) {
	case AGG_COUNT:
	case AGG_DISTINCT: number_count((uint64_t)c->count, r->value); break;
	case AGG_SUM: plain_value(m, c->sum, r->value); break;
	case AGG_AVG: format_ratio(m, c->sum, decimal_from_int(c->count), r); break;
	case AGG_MIN:
	case AGG_MAX:
		if (c->count == 0)
			r->value[0] = '\0';
		else
			plain_value(m, m->agg == AGG_MIN ? c->min : c->max, r->value);
		break;
	}
}

static void write_out_row(struct output *o, const struct out_row *r, bool parts, const char *currency)
{
	output_field(o, r->owner, r->owner_len);
	output_tab(o);
	output_str(o, r->period);
	output_tab(o);
	output_str(o, r->metric);
	output_tab(o);
	output_str(o, r->value);
	if (parts) {
		output_tab(o);
		output_str(o, r->numerator);
		output_tab(o);
		output_str(o, r->denominator);
	}
	if (currency) { /* --rates: the currency of converted money, empty elsewhere */
		output_tab(o);
		output_str(o, currency);
	}
	output_newline(o);
}

static void split_key(const char *key, size_t len, bool with_metric, struct out_row *r)
{
	struct period p;
	p = period_from_key((const unsigned char *)key);
	period_format(p, r->period);
	key += GROUP_KEY_HEAD;
	len -= GROUP_KEY_HEAD;
	r->metric = NULL;
	if (with_metric) {
		r->metric = key;
		size_t mlen = strlen(key) + 1;
		key += mlen;
		len -= mlen;
	}
	r->owner = key;
	r->owner_len = len;
}

/* A group in the output order. Values are formatted one row at a time when written,
 * so the memory for output stays small beside the groups themselves. */
struct group_ref {
	const char *owner;
	size_t owner_len;
	const char *metric; /* actuals input: the group's metric */
	char period[PERIOD_LABEL_SIZE];
	size_t index;
};

static int compare_refs(const void *pa, const void *pb)
{
	const struct group_ref *a = pa, *b = pb;
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if ((c = strcmp(a->period, b->period)))
		return c;
	return a->metric && b->metric ? strcmp(a->metric, b->metric) : 0;
}

static int compare_metric_names(const void *pa, const void *pb)
{
	const struct metric *const *a = pa, *const *b = pb;
	return strcmp((*a)->name, (*b)->name);
}

static void fill_actual(const struct metric_set *ms, const struct actual_totals *t, struct out_row *r)
{
	const struct metric *m = find_metric(ms, r->metric);
	r->numerator[0] = r->denominator[0] = r->value[0] = '\0';
	if (t->has_parts) {
		struct metric fallback = { .name = (char *)r->metric, .places = 4 };
		format_ratio(m ? m : &fallback, t->numerator, t->denominator, r);
	} else if (t->has_value) {
		plain_value(m, t->value, r->value);
	}
}

void emit_actuals(struct output *o, const struct job *job, const struct chunk_state *all)
{
	const struct metric_set *ms = job->metrics;
	size_t n = table_count(all->groups);
	bool with_metric = job->kind == INPUT_ACTUALS;
	bool parts = with_metric ? false : ms->any_ratio;
	struct group_ref *refs = xcalloc(n + 1, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *key = table_key(all->groups, i, &len);
		struct out_row r;
		split_key(key, len, with_metric, &r);
		refs[i].owner = r.owner;
		refs[i].owner_len = r.owner_len;
		refs[i].metric = r.metric;
		memcpy(refs[i].period, r.period, sizeof r.period);
		refs[i].index = i;
		if (with_metric && ((const struct actual_totals *)table_value(all->groups, i))->has_parts)
			parts = true;
	}
	qsort(refs, n, sizeof *refs, compare_refs);
	struct metric **metrics = xcalloc(ms->nselected + 1, sizeof *metrics);
	memcpy(metrics, ms->selected, ms->nselected * sizeof *metrics);
	qsort(metrics, ms->nselected, sizeof *metrics, compare_metric_names);

	static const enum column header[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_VALUE, COL_NUMERATOR,
					      COL_DENOMINATOR };
	size_t ncols = parts ? 6 : 4;
	enum column cols[7];
	memcpy(cols, header, ncols * sizeof *cols);
	if (job->currency) /* --rates: the base currency of money rows */
		cols[ncols++] = COL_CURRENCY;
	stream_write_header(o, cols, ncols);
	for (size_t i = 0; i < n; i++) {
		struct out_row r;
		r.owner = refs[i].owner;
		r.owner_len = refs[i].owner_len;
		memcpy(r.period, refs[i].period, sizeof r.period);
		const void *totals = table_value(all->groups, refs[i].index);
		if (with_metric) {
			r.metric = refs[i].metric;
			fill_actual(ms, totals, &r);
			write_out_row(o, &r, parts, NULL);
			continue;
		}
		for (size_t k = 0; k < ms->nselected; k++) {
			r.metric = metrics[k]->name;
			fill_deal_metric(metrics[k], totals, &r);
			write_out_row(o, &r, parts, currency_of_metric(job, metrics[k]));
		}
	}
	free(metrics);
	free(refs);
}

/* ---- partial streams (--partial) ---- */

/* A distinct value of a group: where its key is in the chunk's set. */
struct item_ref {
	size_t group, slot; /* the group's index in the groups table; the metric's slot */
	const char *value;
	size_t len;
};

static int compare_items(const void *pa, const void *pb)
{
	const struct item_ref *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	return bytes_cmp(a->value, a->len, b->value, b->len);
}

static void write_partial_row(struct output *o, const struct out_row *r, const char *item, size_t item_len)
{
	output_field(o, r->owner, r->owner_len);
	output_tab(o);
	output_str(o, r->period);
	output_tab(o);
	output_str(o, r->metric);
	output_tab(o);
	output_str(o, r->value);
	output_tab(o);
	output_str(o, r->numerator);
	output_tab(o);
	output_str(o, r->denominator);
	output_tab(o);
	output_field(o, item ? item : "", item_len);
	output_newline(o);
}

void emit_partial(struct output *o, const struct job *job, const struct chunk_state *all)
{
	const struct metric_set *ms = job->metrics;
	size_t n = table_count(all->groups), nitems = table_count(all->distinct);
	struct group_ref *refs = xcalloc(n + 1, sizeof *refs);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		struct out_row r;
		const char *key = table_key(all->groups, i, &len);
		split_key(key, len, false, &r);
		refs[i].owner = r.owner;
		refs[i].owner_len = r.owner_len;
		memcpy(refs[i].period, r.period, sizeof r.period);
		refs[i].index = i;
	}
	qsort(refs, n, sizeof *refs, compare_refs);
	/* each group's distinct values, by group, metric and value */
	struct item_ref *items = xcalloc(nitems + 1, sizeof *items);
	size_t kept = 0;
	/* a group's index: its value's offset in the table's contiguous values */
	const char *base = n ? table_value(all->groups, 0) : NULL;
	size_t value_size = n > 1 ? (size_t)((const char *)table_value(all->groups, 1) - base) : 1;
	for (size_t i = 0; i < nitems; i++) {
		size_t len, slot, group_len;
		const char *key = table_key(all->distinct, i, &len);
		memcpy(&slot, key, sizeof slot);
		memcpy(&group_len, key + sizeof slot, sizeof group_len);
		size_t at = 2 * sizeof(size_t);
		/* the group is in the table: the value was added to it */
		const char *g = table_find(all->groups, key + at, group_len);
		if (!g)
			continue;
		items[kept++] = (struct item_ref){ (size_t)(g - base) / value_size, slot, key + at + group_len,
						   len - at - group_len };
	}
	qsort(items, kept, sizeof *items, compare_items);
	size_t *first = xcalloc(n + 1, sizeof *first); /* groups' first items: items[first[g] ..] */
	for (size_t g = 0, i = 0; g <= n; g++) {
		while (i < kept && items[i].group < g)
			i++;
		first[g] = i;
	}
	struct metric **metrics = xcalloc(ms->nselected + 1, sizeof *metrics);
	memcpy(metrics, ms->selected, ms->nselected * sizeof *metrics);
	qsort(metrics, ms->nselected, sizeof *metrics, compare_metric_names);

	static const enum column header[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_VALUE,
					      COL_NUMERATOR, COL_DENOMINATOR, COL_ITEM };
	stream_write_header(o, header, sizeof header / sizeof header[0]);
	for (size_t i = 0; i < n; i++) {
		struct out_row r;
		r.owner = refs[i].owner;
		r.owner_len = refs[i].owner_len;
		memcpy(r.period, refs[i].period, sizeof r.period);
		size_t g = refs[i].index;
		const void *totals = table_value(all->groups, g);
		for (size_t k = 0; k < ms->nselected; k++) {
			const struct metric *m = metrics[k];
			r.metric = m->name;
			bool distinct = m->builtin == M_CUSTOM && m->agg == AGG_DISTINCT;
			if (!distinct)
				fill_deal_metric(m, totals, &r);
			else
				r.value[0] = r.numerator[0] = r.denominator[0] = '\0';
			write_partial_row(o, &r, NULL, 0);
			if (!distinct)
				continue;
			for (size_t j = first[g]; j < first[g + 1]; j++) {
				if (items[j].slot != m->slot)
					continue;
				write_partial_row(o, &r, items[j].value, items[j].len);
			}
		}
	}
	free(metrics);
	free(first);
	free(items);
	free(refs);
}
