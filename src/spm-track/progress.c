/* --goals: the goal sheet, holidays, and one progress row per goal as of a date (actual,
 * target, attainment, pace, projection, gap and status, from src/lib/progress.c). */
#include "spm-track.h"

#include "sbuf.h"

#include "arena.h"
#include "diag.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- goal sheets ---- */

static size_t calendar_index(struct goal_plan *g, struct period p)
{
	for (size_t k = 0; k < g->ncal; k++)
		if (g->cal[k].grain == (enum grain)p.grain && g->cal[k].fiscal_start == p.fiscal_start)
			return k;
	/* grains × (calendar, fiscal) for year, half and quarter: never more than MAX_CALENDARS */
	g->cal[g->ncal] = (struct calendar){ (enum grain)p.grain, p.fiscal_start };
	return g->ncal++;
}

static void note_need(struct goal_plan *g, size_t cal, const char *metric)
{
	size_t len = strlen(metric);
	char *key = xmalloc(len + 1);
	key[0] = (char)cal;
	memcpy(key + 1, metric, len);
	table_upsert(g->needs, key, len + 1, NULL);
	free(key);
}

/* Called by reader threads, and only for rows whose period straddles a goal's: a key of
 * their own. */
bool goal_needs(const struct goal_plan *g, size_t cal, const char *metric)
{
	size_t len = strlen(metric);
	char *key = xmalloc(len + 1);
	key[0] = (char)cal;
	memcpy(key + 1, metric, len);
	bool needed = table_find(g->needs, key, len + 1) != NULL;
	free(key);
	return needed;
}

void load_goals(const struct track_options *opt, const struct metric_set *ms, const struct roster *roster,
		       struct output *reject, struct goal_plan *g)
{
	memset(g, 0, sizeof *g);
	goal_sheet_init(&g->sheet);
	g->needs = table_new(1);
	struct goal_read_options o = { .fiscal_start = opt->fiscal_start, .metrics = &ms->catalog,
				       .roster = roster, .level_set = opt->level_set, .level = opt->level,
				       .reject = reject };
	goal_sheet_read(&g->sheet, opt->goals, &o);
	const struct goal *before = NULL;
	for (size_t i = 0; i < g->sheet.n; i++) {
		const struct goal *goal = &g->sheet.goal[i];
		g->level_used[goal->level] = true;
		/* a sheet's goals come in runs of one calendar and metric (800,000 goals at
		 * 200,000 reps): a need is noted once a run, not once a goal */
		if (before && before->metric == goal->metric && !strcmp(before->metric_name, goal->metric_name) &&
		    before->period.grain == goal->period.grain && before->period.fiscal_start == goal->period.fiscal_start)
			continue;
		before = goal;
		size_t cal = calendar_index(g, goal->period);
		note_need(g, cal, goal->metric_name);
		if (goal->metric->builtin == M_COVERAGE) {
			note_need(g, cal, "won_revenue");
			note_need(g, cal, "pipeline");
		}
	}
}

void free_goals(struct goal_plan *g)
{
	goal_sheet_free(&g->sheet);
	table_free(g->needs);
}

/* The goal of that owner (at that level), period and metric, or NULL. */
static const struct goal *find_goal(struct goal_plan *g, struct period p, enum level level, const char *owner,
				    size_t owner_len, const char *metric)
{
	const struct goal *goal = goal_sheet_find(&g->sheet, owner, owner_len, p, metric);
	return goal && goal->level == level ? goal : NULL;
}

/* ---- holidays ---- */

struct holiday_reader {
	spm_day *day;
	size_t n, cap;
	long col;
	struct file_problem problem;
};

static int holiday_row(void *ctx, const struct row *row)
{
	struct holiday_reader *hr = ctx;
	spm_day d;
	if (row->count <= (size_t)hr->col)
		return file_problem_at(&hr->problem, row, NULL, NULL, "too few fields");
	const char *text = row->field[hr->col];
	if (!date_parse_iso(text, row->len[hr->col], &d))
		return file_problem_at(&hr->problem, row, column_name(COL_DATE), text,
				       date_problem(text, row->len[hr->col], "not a date (YYYY-MM-DD)"));
	xgrow((void **)&hr->day, &hr->cap, hr->n + 1, sizeof *hr->day);
	hr->day[hr->n++] = d;
	return 0;
}

static int compare_days(const void *a, const void *b)
{
	spm_day x = *(const spm_day *)a, y = *(const spm_day *)b;
	return (x > y) - (x < y);
}

/* The days of a holidays file, sorted, each once. */
spm_day *load_holidays(const char *path, size_t *n)
{
	struct source *src = source_open(path, FORMAT_AUTO);
	struct stream_binding b;
	stream_bind(STREAM_HOLIDAYS, source_header(src), path, NULL, 0, &b);
	struct holiday_reader hr = { NULL, 0, 0, stream_at(&b, COL_DATE), { 0 } };
	read_side_file(src, path, holiday_row, &hr, &hr.problem);
	qsort(hr.day, hr.n, sizeof *hr.day, compare_days);
	size_t kept = 0;
	for (size_t i = 0; i < hr.n; i++)
		if (kept == 0 || hr.day[kept - 1] != hr.day[i])
			hr.day[kept++] = hr.day[i];
	*n = kept;
	return hr.day;
}

/* ---- progress against goals ---- */

static int compare_progress(const void *pa, const void *pb)
{
	const struct progress_ref *a = pa, *b = pb;
	int c = bytes_cmp(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if ((c = strcmp(a->label, b->label)))
		return c;
	if ((c = strcmp(a->metric->name, b->metric->name)))
		return c;
	return (a->level > b->level) - (a->level < b->level);
}

/* Whether the rows are in output order already (the key never ties: no sort needed). */
static bool in_order(const struct progress_ref *refs, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (compare_progress(&refs[i - 1], &refs[i]) > 0)
			return false;
	return true;
}

static const void *totals_of(struct progress_job *pj, const struct progress_ref *r, const char *metric)
{
	bool actuals = pj->job->kind == INPUT_ACTUALS;
	const struct groups *groups = pj->all->groups;
	if (!pj->owner || pj->owner_level != r->level || pj->owner_len != r->owner_len ||
	    memcmp(pj->owner, r->owner, r->owner_len) != 0) {
		pj->owner = r->owner;
		pj->owner_len = r->owner_len;
		pj->owner_level = r->level;
		pj->owner_id = group_owner_id(groups, r->level, r->owner, r->owner_len);
	}
	size_t g = group_lookup_owner(groups, pj->owner_id, r->period, r->level, actuals ? metric : NULL);
	return g == SIZE_MAX ? NULL : group_totals(groups, g);
}

/* Sums and counts are 0 where nothing happened; ratios, averages, min and max have no value. */
static bool zero_when_empty(const struct metric *m)
{
	return m->agg == AGG_SUM || m->agg == AGG_COUNT || m->agg == AGG_DISTINCT;
}

static struct fraction deal_fraction(const struct metric *m, const struct wide_totals *w, const void *cell)
{
	struct deal_totals whole, *t = &whole;
	deal_totals_of(w, cell, t);
	const struct custom_totals *c = &deal_custom_const(cell)[m->slot];
	switch (m->builtin) {
	case M_WON_REVENUE: return fraction_of(t->won_revenue);
	case M_PIPELINE: return fraction_of(t->pipeline);
	case M_WON_DEALS: return fraction_of(decimal_from_int(t->won_deals));
	case M_LOST_DEALS: return fraction_of(decimal_from_int(t->lost_deals));
	case M_WIN_RATE:
		return fraction_ratio(decimal_from_int(t->won_deals), decimal_from_int(t->won_deals + t->lost_deals));
	case M_AVG_DEAL: return fraction_ratio(gross_won(t), decimal_from_int(t->won_deals));
	case M_CYCLE_DAYS: return fraction_ratio(decimal_from_int(t->cycle_days), decimal_from_int(t->cycle_deals));
	case M_OVERLAY_REVENUE: return fraction_of(t->overlay_revenue);
	case M_OVERLAY_DEALS: return fraction_of(decimal_from_int(t->overlay_deals));
	case M_CLAWBACK: return fraction_of(t->clawback);
	case M_CLAWBACK_DEALS: return fraction_of(decimal_from_int(t->clawback_deals));
	case M_COVERAGE: /* measured in actual_of, against the won_revenue goal */
	case M_BUILTIN_COUNT: break;
	}
	switch (m->agg) {
	case AGG_COUNT:
	case AGG_DISTINCT: return fraction_of(decimal_from_int(c->count));
	case AGG_SUM: return fraction_of(c->sum);
	case AGG_AVG: return fraction_ratio(c->sum, decimal_from_int(c->count));
	case AGG_MIN: return c->count ? fraction_of(c->min) : fraction_ratio(decimal_zero(), decimal_zero());
	case AGG_MAX: return c->count ? fraction_of(c->max) : fraction_ratio(decimal_zero(), decimal_zero());
	}
	return fraction_ratio(decimal_zero(), decimal_zero());
}

static struct fraction metric_actual(struct progress_job *pj, const struct progress_ref *r, const struct metric *m)
{
	const struct fraction none = { 0, 0, FRACTION_EXACT };
	const void *t = totals_of(pj, r, m->name);
	if (pj->job->kind == INPUT_ACTUALS) {
		const struct actual_totals *a = t;
		if (a && a->has_parts)
			return fraction_ratio(a->numerator, a->denominator);
		if (a && a->has_value)
			return fraction_of(a->value);
		return zero_when_empty(m) ? fraction_of(decimal_zero()) : none;
	}
	if (t)
		return deal_fraction(m, &pj->all->wide, t);
	return zero_when_empty(m) ? fraction_of(decimal_zero()) : none;
}

/* coverage = open pipeline ÷ what is left of the period's won_revenue goal; no value
 * without such a goal, or once it is reached (*reached: the coverage is unbounded). */
static struct fraction coverage_actual(struct progress_job *pj, const struct progress_ref *r, bool *reached)
{
	const struct fraction none = { 0, 0, FRACTION_EXACT };
	const struct metric_set *ms = pj->job->metrics;
	const struct goal *won_goal = find_goal(pj->job->goals, r->period, r->level, r->owner, r->owner_len,
						"won_revenue");
	if (!won_goal)
		return none;
	decimal won, pipeline, gap;
	if (!fraction_round(metric_actual(pj, r, find_metric(ms, "won_revenue")), DECIMAL_PLACES, &won) ||
	    !fraction_round(metric_actual(pj, r, find_metric(ms, "pipeline")), DECIMAL_PLACES, &pipeline))
		return none;
	if (!decimal_sub(won_goal->target, won, &gap))
		return none;
	if (decimal_sign(gap) <= 0) {
		*reached = true;
		return none;
	}
	return fraction_ratio(pipeline, gap);
}

static struct fraction actual_of(struct progress_job *pj, const struct progress_ref *r, bool *reached)
{
	*reached = false;
	if (r->metric->builtin == M_COVERAGE)
		return coverage_actual(pj, r, reached);
	return metric_actual(pj, r, r->metric);
}

/* A number of a progress row: f written with `places` decimals (a ratio with 4:
 * number_ratio). With m, the actual, target or gap of a plain metric (a sum, a count, a
 * minimum): exact, as in actuals (plain_value: money keeps every significant digit),
 * rounded only when it is not a decimal (a target of 7.5 deals stays 7.5). Empty if
 * undefined. */
struct quantity {
	struct fraction f;
	int places;
	const struct metric *m;
};

enum { Q_ACTUAL, Q_TARGET, Q_ATTAINMENT, Q_EXPECTED, Q_PACE, Q_PROJECTED, Q_GAP, Q_COUNT };

/* The numbers of a row (row_numbers): the actual alone without a goal. */
struct row_numbers {
	struct quantity q[Q_COUNT];
	enum goal_status status;
	struct elapsed e;
};

/* q rounded as written: false past exact arithmetic. */
static bool quantity_round(const struct quantity *q, decimal *d)
{
	return fraction_round(q->f, q->m || q->places < 0 ? DECIMAL_PLACES : q->places, d);
}

/* d, q's value rounded (quantity_round), written as q says. */
static void write_rounded(struct output *o, const struct quantity *q, decimal d)
{
	char buf[NUMBER_BUFSIZE];
	if (q->m)
		plain_value(q->m, d, buf);
	else if (q->places < 0)
		number_exact(d, buf);
	else if (q->places == RATIO_PLACES)
		number_ratio(d, buf);
	else
		number_fixed(d, q->places, buf);
	output_str(o, buf);
}

static void write_quantity(struct output *o, const struct quantity *q)
{
	decimal d;
	if (!fraction_defined(q->f))
		return;
	if (!quantity_round(q, &d))
		sum_overflow("progress");
	write_rounded(o, q, d);
}

/* period_elapsed of p as of the run's date, remembered. */
static struct elapsed elapsed_of(struct progress_job *pj, struct period p)
{
	size_t slot = (size_t)((uint32_t)p.start * 0x9e3779b9u >> 28) % ELAPSED_MEMO;
	if (!pj->elapsed_memo[slot].set || period_cmp(pj->elapsed_memo[slot].period, p) != 0) {
		pj->elapsed_memo[slot].period = p;
		pj->elapsed_memo[slot].elapsed = period_elapsed(p, pj->job->opt->as_of, &pj->calendar);
		pj->elapsed_memo[slot].set = true;
	}
	return pj->elapsed_memo[slot].elapsed;
}

/* How each number of r's row is written (places, and the metric of a plain value), and
 * its days; no value computed. */
static void row_formats(struct progress_job *pj, const struct progress_ref *r, struct row_numbers *n)
{
	const struct metric *m = r->metric;
	int quantity = m->places >= 2 ? m->places : 2; /* expected and projected are rarely whole */
	/* ratios are rounded to their places; sums, counts, minimums are exact decimals */
	const struct metric *plain = m->ratio ? NULL : m;
	static const struct fraction none = { 0, 0, FRACTION_EXACT };
	n->e = elapsed_of(pj, r->period);
	n->status = STATUS_NO_DATA;
	n->q[Q_ACTUAL] = (struct quantity){ none, m->places, plain };
	n->q[Q_TARGET] = (struct quantity){ none, m->places, m };
	n->q[Q_ATTAINMENT] = (struct quantity){ none, RATIO_PLACES, NULL };
	n->q[Q_EXPECTED] = (struct quantity){ none, quantity, NULL };
	n->q[Q_PACE] = (struct quantity){ none, RATIO_PLACES, NULL };
	n->q[Q_PROJECTED] = (struct quantity){ none, quantity, NULL };
	n->q[Q_GAP] = (struct quantity){ none, m->places, plain };
}

/* The numbers of r's row (exact: a value past the range is found when it is rounded). */
static void row_numbers(struct progress_job *pj, const struct progress_ref *r, struct row_numbers *n)
{
	const struct metric *m = r->metric;
	const struct goal *g = r->goal;
	row_formats(pj, r, n);
	bool reached;
	n->q[Q_ACTUAL].f = actual_of(pj, r, &reached);
	if (!g)
		return;
	/* a maximum only rises and a minimum only falls: reaching such a goal (or passing such
	 * a limit) is final before the period ends; a ratio or an average is not */
	enum goal_course course = m->agg == AGG_MAX ? COURSE_RISES : m->agg == AGG_MIN ? COURSE_FALLS : COURSE_LEVEL;
	struct goal_measure gm = { n->q[Q_ACTUAL].f, g->target, g->lower, m->cumulative, n->e, course };
	struct progress p;
	progress_compute(&gm, &pj->job->opt->thresholds, &p);
	if (reached && n->e.started) { /* coverage of a made number: unbounded, so achieved */
		p.status = STATUS_ACHIEVED;
		p.gap = fraction_of(decimal_zero());
	}
	n->q[Q_TARGET].f = fraction_of(g->target);
	n->q[Q_ATTAINMENT].f = p.attainment;
	n->q[Q_EXPECTED].f = p.expected;
	n->q[Q_PACE].f = p.pace;
	n->q[Q_PROJECTED].f = p.projected;
	n->q[Q_GAP].f = p.gap;
	n->status = p.status;
}

/* A row's numbers as the check before the header rounded them, kept for the writer so
 * that each row is computed once (800,000 goals at 200,000 reps: a second computation
 * cost a quarter of the run): 64 bits each, which nearly every value fits; a row with one
 * past them is computed again when written. */
struct row_kept {
	int64_t units[Q_COUNT];
	uint8_t defined; /* bit k: quantity k has a value */
	uint8_t status;
	bool again;
};

/* Computes r's row into *kept: "progress" when one of its numbers is past exact
 * arithmetic (too large to write), else NULL. Asked of every row before the header: a
 * data error leaves nothing half-written on standard output. */
static const char *row_check(struct progress_job *pj, const struct progress_ref *r, struct row_kept *kept)
{
	struct row_numbers n;
	row_numbers(pj, r, &n);
	memset(kept, 0, sizeof *kept);
	size_t nq = r->goal ? Q_COUNT : 1;
	for (size_t k = 0; k < nq; k++) {
		decimal d;
		if (!fraction_defined(n.q[k].f))
			continue;
		if (!quantity_round(&n.q[k], &d))
			return "progress";
		kept->defined |= (uint8_t)(1u << k);
		if (d.units >= INT64_MIN && d.units <= INT64_MAX)
			kept->units[k] = (int64_t)d.units;
		else
			kept->again = true;
	}
	kept->status = (uint8_t)n.status;
	return NULL;
}

static void write_progress_row(struct output *o, struct progress_job *pj, const struct progress_ref *r,
			       const struct row_kept *kept)
{
	const struct metric *m = r->metric;
	const struct goal *g = r->goal;
	struct row_numbers n;
	if (kept->again) /* a value past 64 bits: computed again, as the check found it */
		row_numbers(pj, r, &n);
	else /* the formats of the numbers, and the days */
		row_formats(pj, r, &n);

	output_field(o, r->owner, r->owner_len);
	output_tab(o);
	output_str(o, r->label);
	output_tab(o);
	output_str(o, m->name);
	output_tab(o);
	for (size_t k = Q_ACTUAL; k < (g ? Q_COUNT : 1); k++) {
		if (k != Q_ACTUAL)
			output_tab(o);
		if (kept->again)
			write_quantity(o, &n.q[k]);
		else if (kept->defined & (1u << k))
			write_rounded(o, &n.q[k], (decimal){ kept->units[k] });
	}
	if (!g) {
		output_str(o, "\t\t\t\t\t\t\t\t\t\t");
	} else {
		output_tab(o);
		output_str(o, goal_status_name(kept->again ? n.status : (enum goal_status)kept->status));
		output_tab(o);
		output_exact(o, g->weight);
		output_tab(o);
		output_str(o, goal_direction_name(g->lower ? DIRECTION_LOWER : DIRECTION_HIGHER));
		output_tab(o);
	}
	output_count(o, (uint64_t)n.e.done);
	output_tab(o);
	output_count(o, (uint64_t)(n.e.total - n.e.done));
	if (pj->job->roster) {
		output_tab(o);
		output_str(o, level_names[r->level]);
	}
	output_newline(o);
}

static bool period_in_range(const struct range *range, struct period p)
{
	return !range->limited || (p.start >= range->lo && period_end(p) <= range->hi);
}

/* Whether an --all row of this group names its owner unambiguously: with several
 * roster levels, a name is shown at the lowest level holding it, and not at all when
 * two levels hold it with different reps (counted, and said on stderr). */
static bool owner_shown_at(const struct job *job, const char *owner, size_t len, enum level level,
			   uint64_t *ambiguous)
{
	if (!job->roster || job->nlevels < 2)
		return true;
	bool allowed[LEVEL_COUNT] = { false };
	for (size_t k = 0; k < job->nlevels; k++)
		allowed[job->level[k]] = true;
	enum level found, other;
	switch (roster_level_of(job->roster, owner, len, allowed, &found, &other)) {
	case NAME_FOUND:
		return found == level;
	case NAME_AMBIGUOUS:
		(*ambiguous)++;
		return false;
	case NAME_UNKNOWN:
		break;
	}
	return true;
}

/* With --all: the actuals of every group that no goal covers. */
static void add_actuals_without_goals(struct progress_job *pj, struct progress_ref **refs, size_t *n,
				      size_t *cap)
{
	const struct job *job = pj->job;
	const struct groups *groups = pj->all->groups;
	const struct metric_set *ms = job->metrics;
	uint64_t ambiguous = 0;
	for (size_t i = 0; i < groups_count(groups); i++) {
		struct group_name name;
		group_name(groups, i, &name);
		struct progress_ref r;
		memset(&r, 0, sizeof r);
		r.period = name.period;
		r.level = name.level;
		if (!period_in_range(&job->range, r.period))
			continue;
		period_format(r.period, r.label);
		const char *metric = name.metric;
		r.owner = name.owner;
		r.owner_len = name.owner_len;
		if (!owner_shown_at(job, r.owner, r.owner_len, r.level, &ambiguous))
			continue;
		for (size_t k = 0; k < ms->nselected; k++) {
			const struct metric *m = ms->selected[k];
			if (metric && strcmp(metric, m->name) != 0)
				continue;
			if (find_goal(job->goals, r.period, r.level, r.owner, r.owner_len, m->name))
				continue;
			r.metric = m;
			xgrow((void **)refs, cap, *n + 1, sizeof **refs);
			(*refs)[(*n)++] = r;
		}
	}
	if (ambiguous)
		fprintf(stderr,
			"%s: --all: %llu group(s) left out: their owner names two roster levels with "
			"different reps (use --level)\n",
			diag_program(), (unsigned long long)ambiguous);
}

/* Goal owners, all reps without a roster, that no counted deal names (refs sorted by
 * owner): a rep with no activity yet, or a team's or region's goal read without --roster,
 * whose actual would be its reps' deals; the summary says so. */
static void count_owners_without_deals(const struct job *job, const struct chunk_state *all,
				       const struct progress_ref *refs, size_t n)
{
	struct goal_plan *g = job->goals;
	for (size_t i = 0; i < n; i++) {
		const struct progress_ref *r = &refs[i];
		if (!r->goal || (i > 0 && refs[i - 1].owner_len == r->owner_len &&
				 memcmp(refs[i - 1].owner, r->owner, r->owner_len) == 0))
			continue;
		if (group_owner_id(all->groups, LEVEL_REP, r->owner, r->owner_len) != SIZE_MAX)
			continue;
		if (g->no_deal_owners++ == 0)
			g->no_deal_first = r->goal;
	}
}

void emit_progress(struct output *o, const struct job *job, const struct chunk_state *all,
			  const struct work_calendar *calendar)
{
	const struct goal_sheet *gs = &job->goals->sheet;
	struct progress_job pj = { .job = job, .all = all, .calendar = *calendar };
	struct progress_ref *refs = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < gs->n; i++) {
		const struct goal *g = &gs->goal[i];
		if (!g->used)
			continue;
		xgrow((void **)&refs, &cap, n + 1, sizeof *refs);
		struct progress_ref *r = &refs[n++];
		*r = (struct progress_ref){ g->owner, g->owner_len, g->level, g->period, "", g->metric, g };
		memcpy(r->label, g->label, sizeof r->label); /* formatted as the sheet was read */
	}
	if (job->opt->all)
		add_actuals_without_goals(&pj, &refs, &n, &cap);
	if (!in_order(refs, n)) /* a sheet written by spm-goal is in order already */
		qsort(refs, n, sizeof *refs, compare_progress);
	/* With a roster, owners may be reps or groups: each row says which (level). */
	static const enum column header[] = {
		COL_OWNER, COL_PERIOD, COL_METRIC, COL_ACTUAL, COL_TARGET, COL_ATTAINMENT, COL_EXPECTED, COL_PACE,
		COL_PROJECTED, COL_GAP, COL_STATUS, COL_WEIGHT, COL_DIRECTION, COL_DAYS_ELAPSED, COL_DAYS_LEFT,
		COL_LEVEL,
	};
	size_t ncols = sizeof header / sizeof header[0];
	struct row_kept *kept = xcalloc_huge(n + 1, sizeof *kept); /* a row's numbers: 64 bytes */
	for (size_t i = 0; i < n; i++) {
		const char *past = row_check(&pj, &refs[i], &kept[i]);
		if (past)
			sum_overflow(past);
	}
	if (!job->roster && job->kind == INPUT_EXPORT)
		count_owners_without_deals(job, all, refs, n);
	stream_write_header(o, header, job->roster ? ncols : ncols - 1);
	for (size_t i = 0; i < n; i++)
		write_progress_row(o, &pj, &refs[i], &kept[i]);
	xfree_large(kept, n + 1, sizeof *kept);
	free(refs);
}

/* The distinct metrics of the goal sheet, in order of appearance. */
struct metric **goal_metrics(const struct goal_sheet *g, size_t *n)
{
	struct metric **list = xcalloc(g->n + 1, sizeof *list);
	*n = 0;
	for (size_t i = 0; i < g->n; i++) {
		size_t k = 0;
		while (k < *n && list[k] != g->goal[i].metric)
			k++;
		if (k == *n)
			list[(*n)++] = (struct metric *)g->goal[i].metric;
	}
	return list;
}

/* Goals within --metrics and the period range are reported; rows outside the span of
 * their periods cannot change them and are skipped early. */
void choose_goals(struct job *job, struct goal_plan *plan)
{
	struct goal_sheet *g = &plan->sheet;
	bool any = false;
	for (size_t i = 0; i < g->n; i++) {
		struct goal *goal = &g->goal[i];
		goal->used = metric_is_selected(job->metrics, goal->metric->name) &&
			     period_in_range(&job->range, goal->period);
		if (!goal->used)
			continue;
		plan->used++;
		spm_day end = period_end(goal->period);
		if (!any || goal->period.start < job->span.lo)
			job->span.lo = goal->period.start;
		if (!any || end > job->span.hi)
			job->span.hi = end;
		any = true;
	}
	job->span.limited = any && !job->opt->all;
}

void print_goal_summary(const struct goal_plan *g)
{
	fprintf(stderr, "%s: goals: %llu read, %llu reported, %llu rejected\n", diag_program(),
		(unsigned long long)g->sheet.read, (unsigned long long)g->used,
		(unsigned long long)g->sheet.rejected);
	if (g->no_deal_owners) {
		const struct goal *first = g->no_deal_first;
		struct sbuf name = { 0 };
		sb_escape(&name, first->owner, first->owner_len);
		fprintf(stderr,
			"%s: goals: %llu owner(s) with no deal counted, such as \"%s\": a rep with no activity, or "
			"a team's or region's goal read without --roster (its actual sums its reps' deals)\n",
			diag_program(), (unsigned long long)g->no_deal_owners, sb_text(&name));
		sb_free(&name);
	}
}
