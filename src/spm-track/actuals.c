/* The totals a run accumulates: the metrics it computes, the owners a row counts for,
 * bad rows, and merging chunks (the groups themselves: groups.c). */
#include "spm-track.h"

#include "diag.h"
#include "options.h"
#include "parallel.h"
#include "reject.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- metrics ---- */

bool is_overlay_metric(const struct metric *m)
{
	return m->builtin == M_OVERLAY_REVENUE || m->builtin == M_OVERLAY_DEALS;
}

struct metric *find_metric(const struct metric_set *ms, const char *name)
{
	return metric_find(&ms->catalog, name);
}

void free_metrics(struct metric_set *ms)
{
	metric_catalog_free(&ms->catalog);
	free(ms->selected);
}

static void select_metric(struct metric_set *ms, size_t *cap, struct metric *m)
{
	for (size_t i = 0; i < ms->nselected; i++)
		if (ms->selected[i] == m)
			return;
	xgrow((void **)&ms->selected, cap, ms->nselected + 1, sizeof *ms->selected);
	ms->selected[ms->nselected++] = m;
}

/* Every metric a run knows: the built-ins, then the metrics file's. */
void load_metrics(const struct track_options *opt, struct metric_set *ms)
{
	memset(ms, 0, sizeof *ms);
	metric_catalog_load(&ms->catalog, opt->metrics_file);
}

/* The metrics to compute: --metrics, else those of the goal sheet, else every built-in
 * (or every metric of the metrics file); then the columns they read. */
void select_metrics(const struct track_options *opt, struct metric_set *ms, struct metric **wanted,
			   size_t nwanted)
{
	size_t scap = 0;
	if (opt->metrics) {
		size_t n;
		char **names = split_list(opt->metrics, ',', &n);
		if (n == 0)
			diag_usage("--metrics: no metric named");
		for (size_t i = 0; i < n; i++) {
			struct metric *m = find_metric(ms, names[i]);
			if (!m)
				diag_usage("--metrics: unknown metric \"%s\"%s", names[i],
					   opt->metrics_file ? "" : " (custom metrics need --metrics-file)");
			if (m->builtin == M_COVERAGE && !opt->goals)
				diag_usage("--metrics: coverage is measured against won_revenue goals: it needs --goals");
			if (is_overlay_metric(m) && !opt->credits)
				diag_usage("--metrics: %s is overlay credit of a credits file: it needs --credits", m->name);
			select_metric(ms, &scap, m);
		}
		free_list(names, n);
	} else if (opt->goals) {
		for (size_t i = 0; i < nwanted; i++)
			select_metric(ms, &scap, wanted[i]);
	} else {
		const struct metric_catalog *c = &ms->catalog;
		for (size_t i = opt->metrics_file ? M_BUILTIN_COUNT : 0; i < c->nall; i++)
			if (c->all[i].builtin != M_COVERAGE && (opt->credits || !is_overlay_metric(&c->all[i])) &&
			    (!clawback_metric(&c->all[i]) || opt->cancelled || opt->refunds))
				select_metric(ms, &scap, &c->all[i]); /* overlay: --credits; clawback: --cancelled, --refunds */
	}
	ms->needs[EXPORT_REP] = ms->needs[EXPORT_DATE] = true; /* even with no metric (an empty sheet) */
	for (size_t i = 0; i < ms->nselected; i++) {
		struct metric *m = ms->selected[i];
		ms->any_ratio |= m->ratio;
		if (m->builtin == M_CUSTOM) {
			m->slot = ms->ncustom++;
			continue;
		}
		ms->needs[EXPORT_STAGE] = true;
		if (m->builtin == M_WON_REVENUE || m->builtin == M_AVG_DEAL || m->builtin == M_PIPELINE ||
		    m->builtin == M_COVERAGE || m->builtin == M_OVERLAY_REVENUE || m->builtin == M_CLAWBACK)
			ms->needs[EXPORT_AMOUNT] = true;
		if (m->builtin == M_CYCLE_DAYS)
			ms->needs[EXPORT_CREATED] = true;
		if (m->builtin == M_COVERAGE)
			ms->coverage = true;
	}
}

/* The slot of day d in the chunk's cache of its periods, filled. */
size_t cached_day(struct chunk_state *cs, spm_day d)
{
	struct period_cache *c = cs->periods;
	const struct job *job = cs->job;
	size_t i = (size_t)(uint32_t)d % PERIOD_CACHE;
	if (!c->filled[i] || c->day[i] != d) {
		for (size_t k = 0; k < job->ncal; k++)
			c->period[i][k] = period_of(d, job->cal[k].grain, job->cal[k].fiscal_start);
		memset(c->bucket[i], 0, sizeof c->bucket[i]);
		c->day[i] = d;
		c->filled[i] = true;
	}
	return i;
}

/* The periods holding day d, one per calendar of the job. */
const struct period *cached_periods(struct chunk_state *cs, spm_day d)
{
	return cs->periods->period[cached_day(cs, d)];
}

/* A row's group found from its day's cache of buckets: not by interning its period and
 * bucket again (two lookups a group), as group_add does. */
size_t cached_group(struct chunk_state *cs, spm_day d, size_t day, size_t k, uint32_t owner, enum level level)
{
	struct period_cache *c = cs->periods;
	if (!c->filled[day] || c->day[day] != d) /* another day took the slot meanwhile */
		day = cached_day(cs, d);
	uint32_t *b = &c->bucket[day][k][level];
	if (*b == 0)
		*b = group_bucket_id(cs->groups, level, c->period[day][k]) + 1;
	return group_add_in(cs->groups, owner, *b - 1);
}

/* ---- bad rows ---- */

int bad_row(struct chunk_state *cs, const struct row *row, long col, const char *message)
{
	struct problem *p = &cs->problem;
	const struct header *h = cs->job->header;
	struct sbuf detail = p->detail; /* its room is kept from one bad row to the next */
	memset(p, 0, sizeof *p);
	sb_reset(&detail);
	p->detail = detail;
	p->line = row->line;
	p->message = message;
	if (col >= 0 && (size_t)col < h->count) {
		p->column = h->name[col];
		if ((size_t)col < row->count) {
			p->has_value = true;
			p->value_len = row->len[col];
			memcpy(p->value, row->field[col], p->value_len < sizeof p->value ? p->value_len : sizeof p->value);
		}
	}
	long id = cs->job->kind == INPUT_EXPORT ? cs->job->col[EXPORT_ID] : -1;
	if (id >= 0 && (size_t)id < row->count && row->len[id]) {
		p->id_len = row->len[id];
		memcpy(p->id, row->field[id], p->id_len < sizeof p->id ? p->id_len : sizeof p->id);
	}
	return 1;
}

/* s escaped as diag escapes what it prints (diag_escape), in memory of its own. */
static char *escaped(const char *s)
{
	char *e = xmalloc(4 * strlen(s) + 1);
	diag_escape(e, s, strlen(s));
	return e;
}

/* "COLUMN: message detail ("value") (record ID)": the part after FILE:LINE, escaped as diag
 * escapes, since it is printed as it is (diag_escaped_at) or written as a reject reason.
 * The message and its detail are raw text: a detail names files (--refunds, --rates, the
 * roster, another export), whole, and a credited owner, cut visibly as values are; not
 * escaped there, escaped here, once. */
static char *format_problem_text(const struct problem *p)
{
	struct sbuf text = { 0 };
	char *column = escaped(p->column ? p->column : ""), *message = escaped(p->message ? p->message : "");
	char *detail = escaped(sb_text(&p->detail));
	sb_printf(&text, "%s%s%s%s", column, p->column ? ": " : "", message, detail);
	if (p->has_value) {
		sb_str(&text, " (\"");
		sb_quote_value(&text, p->value, p->value_len);
		sb_str(&text, "\")");
	}
	if (p->id_len) { /* " (record 006A1)" when the export has an id column */
		sb_str(&text, " (record ");
		sb_quote_value(&text, p->id, p->id_len);
		sb_str(&text, ")");
	}
	free(column);
	free(message);
	free(detail);
	if (!text.s)
		sb_add(&text, "", 0); /* the caller frees what it gets: never NULL */
	return text.s;
}

void report_problem(const struct job *job, const struct problem *p, uint64_t line)
{
	char *text = format_problem_text(p);
	diag_escaped_at(job->file, line, text);
	free(text);
}

/* Writes a bad row to the reject file: its fields, padded to the header, and the reason.
 * Fields past the header's count are listed in the reason so nothing is lost. */
static void write_reject(struct chunk_state *cs, const struct row *row)
{
	char *text = format_problem_text(&cs->problem);
	reject_buffer_add(cs->rejects, row, cs->job->header->count, row->line, text);
	free(text);
}

/* Called for a bad row: in --reject mode it is written and the run goes on. */
int reject_or_stop(struct chunk_state *cs, const struct row *row)
{
	if (!cs->job->reject)
		return 1;
	write_reject(cs, row);
	cs->tally.rejected++;
	return 0;
}

int field_count_problem(struct chunk_state *cs, const struct row *row)
{
	bad_row(cs, row, -1, "wrong number of fields");
	sb_printf(&cs->problem.detail, ": expected %zu, found %zu", cs->job->header->count, row->count);
	return reject_or_stop(cs, row);
}

/* ---- grouping ---- */

/* (metric slot, group index, value): one value of a distinct count, in cs->distinct_key. */
size_t distinct_key(struct chunk_state *cs, size_t slot, size_t g, const char *value, size_t len)
{
	if (len > SIZE_MAX - DISTINCT_KEY_HEAD)
		diag_fatal(SPM_EXIT_USAGE, "out of memory");
	size_t klen = DISTINCT_KEY_HEAD + len;
	xgrow((void **)&cs->distinct_key, &cs->distinct_key_cap, klen, 1);
	memcpy(cs->distinct_key, &slot, sizeof slot);
	memcpy(cs->distinct_key + sizeof slot, &g, sizeof g);
	if (len)
		memcpy(cs->distinct_key + DISTINCT_KEY_HEAD, value, len);
	return klen;
}

/* The owners a rep's rows count for, one per level of the job. A rep with no group at a
 * level counts for none there, unless --level asked for that level alone. */
static enum owner_problem row_owners(const struct job *job, const char *rep, size_t rep_len, const spm_day *day,
				     struct owner_ref owners[LEVEL_COUNT], size_t *n,
				     const struct roster_rep *gap[2])
{
	*n = 0;
	if (job->opt->level_all) { /* --level all: the company */
		owners[(*n)++] = (struct owner_ref){ LEVEL_REP, OWNER_ALL, strlen(OWNER_ALL) };
		return OWNERS_OK;
	}
	if (!job->roster) {
		owners[(*n)++] = (struct owner_ref){ LEVEL_REP, rep, rep_len };
		return OWNERS_OK;
	}
	const struct roster_rep *r = day ? roster_find_rep_on(job->roster, rep, rep_len, *day, &gap[0], &gap[1])
					 : roster_find_rep(job->roster, rep, rep_len);
	if (!r)
		return day && gap[0] ? OWNERS_GAP : OWNERS_NOT_IN_ROSTER;
	for (size_t i = 0; i < job->nlevels; i++) {
		enum level l = job->level[i];
		if (r->len[l] == 0) {
			if (job->opt->level_set)
				return OWNERS_NO_GROUP;
			continue;
		}
		/* the rep's own name: its bytes in the row, as without a roster */
		owners[(*n)++] = l == LEVEL_REP ? (struct owner_ref){ l, rep, rep_len }
						: (struct owner_ref){ l, r->name[l], r->len[l] };
	}
	return OWNERS_OK;
}

static void date_text(spm_day d, char buf[DATE_TEXT_SIZE])
{
	date_format(d, buf); /* both days of a gap are dates: only the first row starts unbounded */
}

static int owner_problem(struct chunk_state *cs, const struct row *row, long col, enum owner_problem p,
			 const struct roster_rep *gap[2])
{
	const struct job *job = cs->job;
	switch (p) {
	case OWNERS_OK:
		return 0;
	case OWNERS_NOT_IN_ROSTER:
		return bad_row(cs, row, col, "not in the roster");
	case OWNERS_NO_GROUP:
		bad_row(cs, row, col, "has no group in the roster");
		sb_printf(&cs->problem.detail, " at level %s", level_names[job->opt->level]);
		return 1;
	case OWNERS_GAP: {
		char to[DATE_TEXT_SIZE], from[DATE_TEXT_SIZE];
		date_text(gap[0]->to, to);
		date_text(gap[1]->from, from);
		bad_row(cs, row, col, "in no roster row on the close date");
		sb_printf(&cs->problem.detail, ": between %s:%zu (ends %s) and %s:%zu (starts %s)", job->roster->path,
			  gap[0]->line, to, job->roster->path, gap[1]->line, from);
		return 1;
	}
	}
	return 0;
}

int find_owners_on(struct chunk_state *cs, const struct row *row, long col, const char *rep, size_t len,
		   spm_day day, struct owner_ref owners[LEVEL_COUNT], size_t *n)
{
	const struct roster_rep *gap[2] = { NULL, NULL };
	enum owner_problem p = row_owners(cs->job, rep, len, &day, owners, n, gap);
	return owner_problem(cs, row, col, p, gap);
}

/* Checks the owner field of a row and finds its owners; nonzero if the row is bad. */
int find_owners(struct chunk_state *cs, const struct row *row, long col, struct owner_ref owners[LEVEL_COUNT],
		       size_t *n)
{
	const struct job *job = cs->job;
	const char *rep = row->field[col];
	size_t len = row->len[col];
	if (len == 0)
		return bad_row(cs, row, col, "empty owner");
	if (memchr(rep, '\0', len))
		return bad_row(cs, row, col, "owner holds a NUL byte");
	const struct roster_rep *gap[2] = { NULL, NULL };
	return owner_problem(cs, row, col, row_owners(job, rep, len, NULL, owners, n, gap), gap);
}

bool add_or_fail(decimal *acc, decimal v)
{
	return decimal_add(*acc, v, acc);
}

int sum_overflow(const char *what)
{
	diag_fatal(SPM_EXIT_DATA, "%s: sum too large for exact arithmetic", what);
}

/* ---- chunk accumulators ---- */

static size_t totals_size(const struct job *job)
{
	if (job->kind == INPUT_ACTUALS)
		return sizeof(struct actual_totals);
	return DEAL_CELL_SIZE + job->metrics->ncustom * sizeof(struct custom_totals);
}

static size_t totals_align(const struct job *job)
{
	if (job->kind == INPUT_ACTUALS)
		return alignof(struct actual_totals);
	return job->metrics->ncustom ? alignof(struct custom_totals) : DEAL_CELL_ALIGN;
}

void chunk_state_init(struct chunk_state *cs, const struct job *job)
{
	memset(cs, 0, sizeof *cs);
	cs->job = job;
	cs->groups = groups_new(totals_size(job), totals_align(job));
	cs->distinct = table_new(1);
	cs->periods = xcalloc(1, sizeof *cs->periods);
	cs->dates = xcalloc(1, sizeof *cs->dates);
	cs->stages = xcalloc((size_t)1 << STAGE_MEMO_BITS, sizeof *cs->stages);
	/* exports whose owner is the rep column's bytes (actuals name theirs without it) */
	if (job->kind == INPUT_EXPORT && !job->roster && !job->opt->level_all)
		cs->owners = xcalloc((size_t)1 << OWNER_MEMO_BITS, sizeof *cs->owners);
	cs->custom = xcalloc(job->metrics->ncustom + 1, sizeof *cs->custom);
	if (job->reject)
		cs->rejects = reject_buffer_new();
}

void chunk_state_free(struct chunk_state *cs)
{
	groups_free(cs->groups);
	wide_totals_free(&cs->wide);
	table_free(cs->distinct);
	free(cs->distinct_key);
	sb_free(&cs->problem.detail);
	free(cs->periods);
	free(cs->dates);
	free(cs->stages);
	free(cs->owners);
	free(cs->custom);
	clawback_chunk_free(cs);
	reject_buffer_free(cs->rejects);
	free(cs->currency.code);
	free(cs->currency.file);
	free(cs->other_currency.code);
	free(cs->other_currency.file);
}

/* Merging actuals totals, a block of from's groups at a time (a group_merge_fn). */
struct actuals_merge {
	const struct job *job;
	struct groups *into;
	const struct groups *from;
	size_t before; /* into's groups before: the ones from this on are new */
};

static void merge_actuals_block(void *ctx, const uint32_t *map, size_t lo, size_t hi)
{
	struct actuals_merge *m = ctx;
	for (size_t i = lo; i < hi; i++)
		merge_actuals(m->job, group_totals(m->into, map[i]), group_totals(m->from, i), map[i] >= m->before,
			      group_metric_name(m->from, i));
}

/* Adds the groups of `from` into `into` (same job, same kind): whole when `into` has none
 * (the first chunk of a run), else key by key, each chunk's owners interned once. */
static void merge_groups(struct chunk_state *into, struct chunk_state *from)
{
	const struct job *job = into->job;
	if (groups_count(into->groups) == 0 && table_count(into->distinct) == 0) {
		struct groups *g = into->groups;
		struct table *d = into->distinct;
		into->groups = from->groups;
		into->distinct = from->distinct;
		from->groups = g;
		from->distinct = d;
		wide_totals_swap(&into->wide, &from->wide);
		return;
	}
	uint32_t *map;
	if (job->kind == INPUT_EXPORT) {
		struct deal_merge *m = deal_merge_new(job, into->groups, &into->wide, from->groups, &from->wide);
		map = groups_merge(into->groups, from->groups, job->opt->threads, group_merge_block(job->opt->threads),
				   merge_deal_block, m);
		deal_merge_free(m);
	} else {
		struct actuals_merge m = { job, into->groups, from->groups, groups_count(into->groups) };
		map = groups_merge(into->groups, from->groups, job->opt->threads, group_merge_block(job->opt->threads),
				   merge_actuals_block, &m);
	}
	for (size_t i = 0; i < table_count(from->distinct); i++) {
		size_t len, slot, g;
		const char *key = table_key(from->distinct, i, &len);
		memcpy(&slot, key, sizeof slot);
		memcpy(&g, key + sizeof slot, sizeof g);
		size_t klen = distinct_key(into, slot, map[g], key + DISTINCT_KEY_HEAD, len - DISTINCT_KEY_HEAD);
		table_upsert(into->distinct, into->distinct_key, klen, NULL);
	}
	group_map_free(map, groups_count(from->groups));
}

void merge_state(struct chunk_state *into, struct chunk_state *from)
{
	merge_groups(into, from);
	into->tally.read += from->tally.read;
	into->tally.used += from->tally.used;
	into->tally.rejected += from->tally.rejected;
	into->tally.open_undated += from->tally.open_undated;
	into->tally.outside += from->tally.outside;
	into->tally.unneeded += from->tally.unneeded;
	into->tally.after_as_of += from->tally.after_as_of;
	into->tally.superseded += from->tally.superseded;
	into->tally.duplicates += from->tally.duplicates;
	into->tally.converted += from->tally.converted;
	into->tally.credited += from->tally.credited;
	into->tally.reversals += from->tally.reversals;
	into->tally.reversals_outside += from->tally.reversals_outside;
	clawback_merge(into, from);
}

/* Counts the distinct values of each group once every chunk and file is merged. */
void count_distinct(struct chunk_state *all)
{
	for (size_t i = 0; i < table_count(all->distinct); i++) {
		size_t len, slot, g;
		const char *key = table_key(all->distinct, i, &len);
		memcpy(&slot, key, sizeof slot);
		memcpy(&g, key + sizeof slot, sizeof g);
		deal_custom(group_totals(all->groups, g))[slot].count++;
	}
}
