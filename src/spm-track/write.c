/* Writing actuals: one row per owner, period and metric, in byte order, with the
 * numerator and denominator of ratios. */
#include "spm-track.h"

#include "diag.h"
#include "options.h"
#include "parallel.h"

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

/* num ÷ den (not zero) at the metric's decimals: false past the decimals' range. */
static bool ratio_quotient(const struct metric *m, decimal num, decimal den, decimal *q)
{
	return decimal_div(num, den, m->places, ROUND_HALF_AWAY, q);
}

/* value = num ÷ den at the metric's decimals; empty when den is zero. The numerator and
 * denominator are exact: merging adds them and divides once. */
static void format_ratio(const struct metric *m, decimal num, decimal den, struct out_row *r)
{
	decimal q;
	r->numerator_len = number_exact(num, r->numerator);
	r->denominator_len = number_exact(den, r->denominator);
	if (decimal_is_zero(den))
		r->value_len = 0, r->value[0] = '\0';
	else if (!ratio_quotient(m, num, den, &q))
		sum_overflow(m->name);
	else if (m->places == RATIO_PLACES)
		r->value_len = number_ratio(q, r->value);
	else
		r->value_len = number_fixed(q, m->places, r->value);
}

/* One metric of a group: t its deal totals in full (deal_totals_of), ct its custom ones.
 * Inlined, as buf_row: a call of each for each of millions of rows cost 5% of a run at
 * 100,000 owners (the registers saved and restored, the row's cells through memory). */
static inline __attribute__((always_inline)) void
fill_deal_metric(const struct metric *m, const struct deal_totals *t, const struct custom_totals *ct, struct out_row *r)
{
	r->numerator_len = r->denominator_len = 0;
	r->numerator[0] = r->denominator[0] = '\0'; /* cells stay strings too (tests, partial rows) */
	switch (m->builtin) {
	case M_WON_REVENUE: r->value_len = number_money(t->won_revenue, r->value); return;
	case M_PIPELINE: r->value_len = number_money(t->pipeline, r->value); return;
	case M_WON_DEALS: r->value_len = number_count((uint64_t)t->won_deals, r->value); return;
	case M_LOST_DEALS: r->value_len = number_count((uint64_t)t->lost_deals, r->value); return;
	case M_WIN_RATE:
		format_ratio(m, decimal_from_int(t->won_deals), decimal_from_int(t->won_deals + t->lost_deals), r);
		return;
	case M_AVG_DEAL: format_ratio(m, gross_won(t), decimal_from_int(t->won_deals), r); return;
	case M_CLAWBACK: r->value_len = number_money(t->clawback, r->value); return;
	case M_CLAWBACK_DEALS: r->value_len = number_count((uint64_t)t->clawback_deals, r->value); return;
	case M_CYCLE_DAYS:
		format_ratio(m, decimal_from_int(t->cycle_days), decimal_from_int(t->cycle_deals), r);
		return;
	case M_COVERAGE: r->value_len = 0, r->value[0] = '\0'; return; /* needs goals: never in actuals */
	case M_OVERLAY_REVENUE: r->value_len = number_money(t->overlay_revenue, r->value); return;
	case M_OVERLAY_DEALS: r->value_len = number_count((uint64_t)t->overlay_deals, r->value); return;
	case M_BUILTIN_COUNT: break;
	}
	const struct custom_totals *c = &ct[m->slot];
	switch (m->agg) {
	case AGG_COUNT:
	case AGG_DISTINCT: r->value_len = number_count((uint64_t)c->count, r->value); break;
	case AGG_SUM: r->value_len = plain_value(m, c->sum, r->value); break;
	case AGG_AVG: format_ratio(m, c->sum, decimal_from_int(c->count), r); break;
	case AGG_MIN:
	case AGG_MAX:
		if (c->count == 0)
			r->value_len = 0, r->value[0] = '\0';
		else
			r->value_len = plain_value(m, m->agg == AGG_MIN ? c->min : c->max, r->value);
		break;
	}
}

/* Rows built in memory and written in large pieces: a group's owner escaped once for all
 * its metrics, and room for all its rows made once, so each cell is one copy of known
 * length (millions of rows: a grow check and a strlen per field cost more than the totals). */
struct rows_buf {
	char *p;
	size_t len, cap;
	char *head; /* "owner<TAB>period<TAB>": the start of every row of the group */
	size_t head_len, head_cap;
	/* the owner escaped at the head's start: the groups of an owner come one after the
	 * other, and escaping a name byte by byte cost more than its group's numbers */
	const char *owner;
	size_t owner_len, owner_escaped;
};

#define ROWS_FLUSH ((size_t)1 << 16)

/* The longest row after the head: metric, value, numerator, denominator, currency. */
static size_t row_room(size_t metric_len, size_t currency_len)
{
	return metric_len + 3 * NUMBER_BUFSIZE + currency_len + 6;
}

static char *put(char *at, const char *s, size_t n)
{
	memcpy(at, s, n);
	return at + n;
}

/* Cells are copied 32 bytes at a time, past their end: a fixed-size copy is two vector
 * moves, a call to memcpy of a few bytes costs more (23 million of them at 100,000
 * owners). The source must be readable, and the room writable, to n rounded up to 32. */
enum { PAD = 32 };

static char *put_padded(char *at, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i += PAD)
		memcpy(at + i, s + i, PAD);
	return at + n;
}

/* n rounded up to PAD. */
static size_t padded_size(size_t n)
{
	return (n + PAD - 1) / PAD * PAD;
}

/* A number's cell (in a buffer of NUMBER_BUFSIZE): padded when the padding stays inside. */
static char *put_number(char *at, const char *s, size_t n)
{
	return n <= NUMBER_BUFSIZE / PAD * PAD ? put_padded(at, s, n) : put(at, s, n);
}

/* Starts a group: its head, and room for nrows rows of at most room bytes after it. */
static void buf_start(struct rows_buf *b, const char *owner, size_t owner_len, const char *period, size_t nrows,
		      size_t room)
{
	size_t period_len = strlen(period);
	if (owner_len > (SIZE_MAX - PERIOD_LABEL_SIZE) / 2 / (nrows + 1) - room)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	if (!b->head || owner != b->owner || owner_len != b->owner_len) { /* another owner (names stay put) */
		xgrow((void **)&b->head, &b->head_cap, 2 * owner_len + PERIOD_LABEL_SIZE + 2 + PAD, 1); /* padded */
		b->owner_escaped = output_escape(owner, owner_len, b->head);
		b->owner = owner;
		b->owner_len = owner_len;
	}
	char *at = b->head + b->owner_escaped;
	*at++ = '\t';
	at = put(at, period, period_len);
	*at++ = '\t';
	b->head_len = (size_t)(at - b->head);
	xgrow((void **)&b->p, &b->cap, b->len + nrows * (b->head_len + room) + PAD, 1); /* the last copy's padding */
}

/* A row of the group (room made by buf_start). metric_padded: r->metric is readable to its
 * length rounded up to PAD (the plan's copies of the selected metrics' names). */
static inline __attribute__((always_inline)) void buf_row(struct rows_buf *b, const struct out_row *r,
							  bool metric_padded, bool parts, const char *currency,
							  size_t currency_len)
{
	char *at = put_padded(b->p + b->len, b->head, b->head_len);
	at = metric_padded ? put_padded(at, r->metric, r->metric_len) : put(at, r->metric, r->metric_len);
	*at++ = '\t';
	at = put_number(at, r->value, r->value_len);
	if (parts) {
		*at++ = '\t';
		at = put_number(at, r->numerator, r->numerator_len);
		*at++ = '\t';
		at = put_number(at, r->denominator, r->denominator_len);
	}
	if (currency) { /* --rates: the currency of converted money, empty elsewhere */
		*at++ = '\t';
		at = put(at, currency, currency_len);
	}
	*at++ = '\n';
	b->len = (size_t)(at - b->p);
}

/* Writes the rows built so far once they fill a piece (all: whatever there is). */
static void buf_flush(struct output *o, struct rows_buf *b, bool all)
{
	if (b->len >= ROWS_FLUSH || (all && b->len)) {
		output_bytes(o, b->p, b->len);
		b->len = 0;
	}
}

static int compare_metric_names(const void *pa, const void *pb)
{
	const struct metric *const *a = pa, *const *b = pb;
	return strcmp((*a)->name, (*b)->name);
}

/* The metric an actuals ratio named name divides by: a metric this run does not define
 * (fallback, filled in) at 4 decimals. */
static const struct metric *ratio_metric(const struct metric_set *ms, const char *name, struct metric *fallback)
{
	const struct metric *m = find_metric(ms, name);
	if (m)
		return m;
	*fallback = (struct metric){ .name = (char *)name, .places = 4 };
	return fallback;
}

static void fill_actual(const struct metric_set *ms, const struct actual_totals *t, struct out_row *r)
{
	r->numerator_len = r->denominator_len = r->value_len = 0;
	r->numerator[0] = r->denominator[0] = r->value[0] = '\0';
	if (t->has_parts) {
		struct metric fallback;
		format_ratio(ratio_metric(ms, r->metric, &fallback), t->numerator, t->denominator, r);
	} else if (t->has_value) {
		const struct metric *m = find_metric(ms, r->metric);
		r->value_len = plain_value(m, t->value, r->value);
	}
}

/* An export's avg_deal divides its gross won revenue (won revenue plus clawback), a sum
 * that can be past the decimals' range in a group kept in full (totals.c; a cell's sum
 * fits 64 bits of billionths and has no clawback): gross_won exits naming won_revenue.
 * Checked before the header, so that nothing is half-written. The quotients themselves
 * always fit: a sum within the range divided by a count of one or more is within it,
 * rounded (decimal.c), and decimal_div finds every result that fits. */
static void check_gross_won(const struct job *job, const struct chunk_state *all)
{
	const struct metric_set *ms = job->metrics;
	for (size_t k = 0; k < ms->nselected; k++)
		if (ms->selected[k]->builtin == M_AVG_DEAL) {
			for (size_t i = 0; i < all->wide.n; i++)
				(void)gross_won(wide_totals_at(&all->wide, i));
			return;
		}
}

/* The ratio of an actuals group past the decimals' range, or NULL: its metric's name. */
static const char *ratio_past_range(const struct metric_set *ms, const struct groups *groups, size_t i)
{
	const struct actual_totals *t = group_totals(groups, i);
	if (!t->has_parts || decimal_is_zero(t->denominator))
		return NULL;
	struct group_name name;
	struct metric fallback;
	group_name(groups, i, &name);
	const struct metric *m = ratio_metric(ms, name.metric, &fallback);
	decimal q;
	return ratio_quotient(m, t->numerator, t->denominator, &q) ? NULL : m->name;
	/* fallback: the group's own name, which stays */
}

/* The name of the metric whose value past the decimals' range the output meets first, or
 * NULL. Asked before the header: a data error leaves nothing half-written on standard
 * output (a file output is only put in place once complete anyway), and rows are written
 * while later groups are still to be formatted. Only actuals' ratios can be past it (an
 * export's quotients always fit, check_gross_won). The pass that finds one is in no
 * order; naming it takes a second, in output order, as the writer did (two metrics past
 * the range: the same one named as before). */
static const char *value_past_range(const struct job *job, const struct chunk_state *all)
{
	if (job->kind != INPUT_ACTUALS) {
		check_gross_won(job, all);
		return NULL;
	}
	const struct groups *groups = all->groups;
	size_t n = groups_count(groups);
	size_t i = 0;
	while (i < n && !ratio_past_range(job->metrics, groups, i))
		i++;
	if (i == n)
		return NULL;
	size_t *order = groups_order(groups, job->opt->threads);
	const char *past = NULL;
	for (i = 0; i < n && !past; i++)
		past = ratio_past_range(job->metrics, groups, order[i]);
	group_indexes_free(order, n);
	return past;
}

/* What every group's rows need, shared by the threads that format them. */
struct emit_plan {
	const struct metric_set *ms;
	const struct groups *groups;
	const struct wide_totals *wide; /* exports: the groups kept in full */
	const size_t *order;
	struct metric **metrics; /* the selected metrics by name */
	const char **currency;
	size_t *currency_len, *name_len;
	const char **padded_name; /* the metrics' names, each readable to its length rounded up to PAD */
	size_t room; /* the longest row of an export's group after its head */
	bool with_metric, parts;
	const struct currency_seen *kept; /* actuals that named their currency */
	const char (*labels)[PERIOD_LABEL_SIZE];
};

/* The rows of the group at place i of the output order, added to b. */
static void format_group(const struct emit_plan *e, struct rows_buf *b, size_t i, size_t end)
{
	const struct groups *g = e->groups;
	/* the groups are far apart in memory: fetch ahead, each step after the one it reads */
	if (i + 12 < end)
		group_prefetch(g, e->order[i + 12], GROUP_TOTALS);
	if (i + 8 < end)
		group_prefetch(g, e->order[i + 8], GROUP_OWNER_ENTRY);
	if (i + 4 < end)
		group_prefetch(g, e->order[i + 4], GROUP_OWNER_NAME);
	struct group_name name;
	group_name(g, e->order[i], &name);
	struct out_row r;
	const char *label = e->labels[group_period_id(g, e->order[i])];
	const void *totals = group_totals(g, e->order[i]);
	if (e->with_metric) {
		r.metric = name.metric;
		r.metric_len = strlen(name.metric);
		const struct actual_totals *t = totals;
		const char *named = e->kept ? (t->in_currency && e->kept->code ? e->kept->code : "") : NULL;
		size_t named_len = named ? strlen(named) : 0;
		buf_start(b, name.owner, name.owner_len, label, 1, row_room(r.metric_len, named_len));
		fill_actual(e->ms, totals, &r);
		buf_row(b, &r, false, e->parts, named, named_len);
		return;
	}
	struct deal_totals t;
	deal_totals_of(e->wide, totals, &t);
	buf_start(b, name.owner, name.owner_len, label, e->ms->nselected, e->room);
	for (size_t k = 0; k < e->ms->nselected; k++) {
		r.metric = e->padded_name[k];
		r.metric_len = e->name_len[k];
		fill_deal_metric(e->metrics[k], &t, deal_custom_const(totals), &r);
		buf_row(b, &r, true, e->parts, e->currency[k], e->currency_len[k]);
	}
}

/* Groups in a piece of the output: rows for about 150 KB, formatted while the piece
 * before is written, and small enough to stay in the cache until written. */
#define PIECE_GROUPS 512

/* One of the threads that format the output: pieces first, first + nthreads, ... */
struct emit_worker {
	const struct emit_plan *plan;
	struct output *o;
	struct turns *turns;
	size_t first, nthreads;
	struct rows_buf buf;
};

static void format_pieces(void *arg)
{
	struct emit_worker *w = arg;
	/* The buffer and plan in this thread's own stack while it works: the workers lie side
	 * by side, and a buffer length changed on every row in a cache line the next worker
	 * reads (its plan) cost as much as the formatting (0.155 s against 0.087 s at
	 * 100,000 owners on two threads). */
	struct rows_buf buf = w->buf;
	const struct emit_plan *plan = w->plan;
	size_t n = groups_count(plan->groups);
	for (size_t piece = w->first; piece * PIECE_GROUPS < n; piece += w->nthreads) {
		size_t lo = piece * PIECE_GROUPS, hi = n - lo > PIECE_GROUPS ? lo + PIECE_GROUPS : n;
		buf.len = 0;
		for (size_t i = lo; i < hi; i++)
			format_group(plan, &buf, i, hi);
		turns_wait(w->turns, piece);
		buf_flush(w->o, &buf, true);
		turns_pass(w->turns);
	}
	w->buf = buf; /* to be freed */
}

/* Writes the groups in output order. Formatting is most of the cost at 100,000 owners
 * (millions of rows): with threads, each formats every nth piece of the order while the
 * others write theirs, and the pieces are written in turn, so memory stays a piece per
 * thread however many groups there are. */
static void write_groups(struct output *o, const struct emit_plan *e, size_t threads)
{
	size_t n = groups_count(e->groups);
	if (threads > n / PIECE_GROUPS / 4) /* a few pieces each, or not worth a thread */
		threads = n / PIECE_GROUPS / 4;
	if (threads < 2) {
		struct rows_buf b = { 0 };
		for (size_t i = 0; i < n; i++) {
			format_group(e, &b, i, n);
			buf_flush(o, &b, false);
		}
		buf_flush(o, &b, true);
		free(b.p);
		free(b.head);
		return;
	}
	struct turns turns;
	turns_init(&turns);
	struct emit_worker *w = xcalloc(threads, sizeof *w);
	for (size_t t = 0; t < threads; t++)
		w[t] = (struct emit_worker){ .plan = e, .o = o, .turns = &turns, .first = t, .nthreads = threads };
	parallel_each(w, threads, sizeof *w, format_pieces);
	for (size_t t = 0; t < threads; t++) {
		free(w[t].buf.p);
		free(w[t].buf.head);
	}
	free(w);
	turns_destroy(&turns);
}

void emit_actuals(struct output *o, const struct job *job, const struct chunk_state *all)
{
	const char *past = value_past_range(job, all);
	if (past)
		sum_overflow(past);
	const struct metric_set *ms = job->metrics;
	size_t n = groups_count(all->groups);
	struct emit_plan e = { .ms = ms, .groups = all->groups, .wide = &all->wide, .with_metric = job->kind == INPUT_ACTUALS };
	e.parts = e.with_metric ? false : ms->any_ratio;
	for (size_t i = 0; e.with_metric && i < n; i++)
		if (((const struct actual_totals *)group_totals(all->groups, i))->has_parts)
			e.parts = true;
	size_t *order = groups_order(all->groups, job->opt->threads);
	e.order = order;
	struct metric **metrics = xcalloc(ms->nselected + 1, sizeof *metrics);
	memcpy(metrics, ms->selected, ms->nselected * sizeof *metrics);
	qsort(metrics, ms->nselected, sizeof *metrics, compare_metric_names);
	e.metrics = metrics;

	static const enum column header[] = { COL_OWNER, COL_PERIOD, COL_METRIC, COL_VALUE, COL_NUMERATOR,
					      COL_DENOMINATOR };
	size_t ncols = e.parts ? 6 : 4;
	enum column cols[7];
	memcpy(cols, header, ncols * sizeof *cols);
	/* --rates: the base currency of money rows; actuals that named theirs keep it */
	e.kept = e.with_metric && all->has_currency_column ? &all->currency : NULL;
	if (job->currency || e.kept)
		cols[ncols++] = COL_CURRENCY;
	stream_write_header(o, cols, ncols);
	const char **currency = xcalloc(ms->nselected + 1, sizeof *currency);
	size_t *currency_len = xcalloc(ms->nselected + 1, sizeof *currency_len);
	size_t *name_len = xcalloc(ms->nselected + 1, sizeof *name_len);
	for (size_t k = 0; k < ms->nselected; k++) {
		currency[k] = currency_of_metric(job, metrics[k]);
		currency_len[k] = currency[k] ? strlen(currency[k]) : 0;
		name_len[k] = strlen(metrics[k]->name);
		if (row_room(name_len[k], currency_len[k]) > e.room)
			e.room = row_room(name_len[k], currency_len[k]);
	}
	e.currency = currency;
	e.currency_len = currency_len;
	e.name_len = name_len;
	size_t names_bytes = 0;
	for (size_t k = 0; k < ms->nselected; k++)
		names_bytes += padded_size(name_len[k] + 1); /* names in memory: no overflow */
	char *names = xcalloc(names_bytes + 1, 1);
	const char **padded_name = xcalloc(ms->nselected + 1, sizeof *padded_name);
	for (size_t k = 0, at = 0; k < ms->nselected; k++) {
		memcpy(names + at, metrics[k]->name, name_len[k]);
		padded_name[k] = names + at;
		at += padded_size(name_len[k] + 1);
	}
	e.padded_name = padded_name;
	/* each period's label formatted once, not once per group */
	size_t nperiods = groups_periods(all->groups);
	char(*labels)[PERIOD_LABEL_SIZE] = xcalloc(nperiods + 1, sizeof *labels);
	for (size_t p = 0; p < nperiods; p++)
		period_format(groups_period(all->groups, p), labels[p]);
	e.labels = (const char(*)[PERIOD_LABEL_SIZE])labels;
	write_groups(o, &e, job->opt->threads);
	free(labels);
	free(padded_name);
	free(names);
	free(name_len);
	free(currency_len);
	free(currency);
	free(metrics);
	group_indexes_free(order, groups_count(all->groups));
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

static void write_partial_row(struct output *o, const struct out_row *r, const char *item, size_t item_len,
			      const char *currency)
{
	output_field(o, r->owner, r->owner_len);
	output_tab(o);
	output_str(o, r->period);
	output_tab(o);
	output_str(o, r->metric);
	output_tab(o);
	output_bytes(o, r->value, r->value_len);
	output_tab(o);
	output_bytes(o, r->numerator, r->numerator_len);
	output_tab(o);
	output_bytes(o, r->denominator, r->denominator_len);
	output_tab(o);
	output_field(o, item ? item : "", item_len);
	if (currency) { /* --rates: as the actuals of one run say it */
		output_tab(o);
		output_str(o, currency);
	}
	output_newline(o);
}

void emit_partial(struct output *o, const struct job *job, const struct chunk_state *all)
{
	const char *past = value_past_range(job, all);
	if (past)
		sum_overflow(past);
	const struct metric_set *ms = job->metrics;
	size_t n = groups_count(all->groups), nitems = table_count(all->distinct);
	size_t *order = groups_order(all->groups, job->opt->threads);
	/* each group's distinct values, by group, metric and value */
	struct item_ref *items = xcalloc(nitems + 1, sizeof *items);
	size_t kept = 0;
	for (size_t i = 0; i < nitems; i++) {
		size_t len, slot, g;
		const char *key = table_key(all->distinct, i, &len);
		memcpy(&slot, key, sizeof slot);
		memcpy(&g, key + sizeof slot, sizeof g);
		items[kept++] = (struct item_ref){ g, slot, key + DISTINCT_KEY_HEAD, len - DISTINCT_KEY_HEAD };
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
					      COL_NUMERATOR, COL_DENOMINATOR, COL_ITEM, COL_CURRENCY };
	size_t ncols = sizeof header / sizeof header[0];
	stream_write_header(o, header, job->currency ? ncols : ncols - 1);
	for (size_t i = 0; i < n; i++) {
		struct group_name name;
		size_t g = order[i];
		group_name(all->groups, g, &name);
		struct out_row r;
		r.owner = name.owner;
		r.owner_len = name.owner_len;
		period_format(name.period, r.period);
		const void *totals = group_totals(all->groups, g);
		struct deal_totals t;
		deal_totals_of(&all->wide, totals, &t);
		for (size_t k = 0; k < ms->nselected; k++) {
			const struct metric *m = metrics[k];
			r.metric = m->name;
			bool distinct = m->builtin == M_CUSTOM && m->agg == AGG_DISTINCT;
			if (!distinct)
				fill_deal_metric(m, &t, deal_custom_const(totals), &r);
			else {
				r.value_len = r.numerator_len = r.denominator_len = 0;
				r.value[0] = r.numerator[0] = r.denominator[0] = '\0';
			}
			const char *currency = currency_of_metric(job, m);
			write_partial_row(o, &r, NULL, 0, currency);
			if (!distinct)
				continue;
			for (size_t j = first[g]; j < first[g + 1]; j++) {
				if (items[j].slot != m->slot)
					continue;
				write_partial_row(o, &r, items[j].value, items[j].len, currency);
			}
		}
	}
	free(metrics);
	free(first);
	free(items);
	group_indexes_free(order, n);
}
