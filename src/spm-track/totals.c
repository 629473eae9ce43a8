/* A group's deal totals as kept: a 32-byte cell, not the 112 bytes of their full form.
 * At a million owners a run holds millions of groups, and memory first touched costs the
 * kernel more than the sums cost us (about 1.5 s a GB on the machines we measured), so the
 * common case is kept small: sums in 64-bit billionths, counts in 32 bits. A group whose
 * sums or counts outgrow them, or that meets a clawback or overlay credit, has its totals
 * in full in the chunk's wide list, exact as ever (struct deal_totals, 128-bit decimals). */
#include "spm-track.h"

#include "diag.h"
#include "parallel.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* won_deals holds this when the group is wide; won_revenue then holds its place in the list. */
#define CELL_WIDE UINT32_MAX

struct deal_cell {
	int64_t won_revenue, pipeline; /* billionths */
	uint32_t won_deals, lost_deals, cycle_deals, cycle_days;
};
_Static_assert(sizeof(struct deal_cell) == DEAL_CELL_SIZE, "a deal cell is 32 bytes");
_Static_assert(alignof(struct deal_cell) == DEAL_CELL_ALIGN, "a deal cell is aligned to 8");
_Static_assert(DEAL_CELL_SIZE % _Alignof(struct custom_totals) == 0, "custom totals aligned after a cell");

struct wide_deal {
	struct deal_totals t;
	size_t group; /* the group it belongs to (merging finds it by this) */
};

static bool is_wide(const struct deal_cell *c)
{
	return c->won_deals == CELL_WIDE;
}

static struct deal_totals *wide_of(const struct wide_totals *w, const struct deal_cell *c)
{
	return &w->e[(size_t)c->won_revenue].t;
}

void wide_totals_free(struct wide_totals *w)
{
	free(w->e);
	memset(w, 0, sizeof *w);
}

const struct deal_totals *wide_totals_at(const struct wide_totals *w, size_t i)
{
	return &w->e[i].t;
}

void wide_totals_swap(struct wide_totals *a, struct wide_totals *b)
{
	struct wide_totals t = *a;
	*a = *b;
	*b = t;
}

struct custom_totals *deal_custom(void *cell)
{
	return (struct custom_totals *)((char *)cell + DEAL_CELL_SIZE);
}

const struct custom_totals *deal_custom_const(const void *cell)
{
	return (const struct custom_totals *)((const char *)cell + DEAL_CELL_SIZE);
}

void deal_totals_of(const struct wide_totals *w, const void *cell, struct deal_totals *out)
{
	const struct deal_cell *c = cell;
	if (is_wide(c)) {
		*out = *wide_of(w, c);
		return;
	}
	memset(out, 0, sizeof *out);
	out->won_revenue.units = c->won_revenue;
	out->pipeline.units = c->pipeline;
	out->won_deals = c->won_deals;
	out->lost_deals = c->lost_deals;
	out->cycle_deals = c->cycle_deals;
	out->cycle_days = c->cycle_days;
}

struct deal_totals *deal_widen(struct wide_totals *w, void *cell, size_t group)
{
	struct deal_cell *c = cell;
	if (is_wide(c))
		return wide_of(w, c);
	xgrow((void **)&w->e, &w->cap, w->n + 1, sizeof *w->e);
	struct wide_deal *e = &w->e[w->n];
	deal_totals_of(w, c, &e->t);
	e->group = group;
	c->won_revenue = (int64_t)w->n++;
	c->won_deals = CELL_WIDE;
	return &e->t;
}

/* sum + amount in 64 bits: false (sum unchanged) if it does not fit. */
static bool narrow_add(int64_t *sum, decimal_units amount)
{
	int64_t r;
	if (amount < INT64_MIN || amount > INT64_MAX || __builtin_add_overflow(*sum, (int64_t)amount, &r))
		return false;
	*sum = r;
	return true;
}

/* count + n in 32 bits, CELL_WIDE kept free: false (count unchanged) if it does not fit. */
static bool narrow_count(uint32_t *count, uint64_t n)
{
	if (n >= CELL_WIDE || (uint64_t)*count + n >= CELL_WIDE)
		return false;
	*count += (uint32_t)n;
	return true;
}

static void wide_add(decimal *sum, decimal amount, const char *what)
{
	if (!add_or_fail(sum, amount))
		sum_overflow(what);
}

void deal_add_won(struct wide_totals *w, void *cell, size_t group, decimal amount, bool whole, int64_t cycle)
{
	struct deal_cell *c = cell;
	if (!is_wide(c)) {
		struct deal_cell n = *c;
		if (narrow_add(&n.won_revenue, amount.units) &&
		    (!whole || (cycle >= 0 && narrow_count(&n.won_deals, 1) && narrow_count(&n.cycle_deals, 1) &&
				narrow_count(&n.cycle_days, (uint64_t)cycle)))) {
			*c = n;
			return;
		}
	}
	struct deal_totals *t = deal_widen(w, cell, group);
	wide_add(&t->won_revenue, amount, "won_revenue");
	if (whole) {
		t->won_deals++;
		t->cycle_days += cycle;
		t->cycle_deals++;
	}
}

void deal_add_lost(struct wide_totals *w, void *cell, size_t group)
{
	struct deal_cell *c = cell;
	if (!is_wide(c) && narrow_count(&c->lost_deals, 1))
		return;
	deal_widen(w, cell, group)->lost_deals++;
}

void deal_add_pipeline(struct wide_totals *w, void *cell, size_t group, decimal amount)
{
	struct deal_cell *c = cell;
	if (!is_wide(c) && narrow_add(&c->pipeline, amount.units))
		return;
	wide_add(&deal_widen(w, cell, group)->pipeline, amount, "pipeline");
}

/* a += b, both in full. */
static void add_full(struct deal_totals *a, const struct deal_totals *b)
{
	wide_add(&a->won_revenue, b->won_revenue, "won_revenue");
	wide_add(&a->pipeline, b->pipeline, "pipeline");
	a->won_deals += b->won_deals;
	a->lost_deals += b->lost_deals;
	a->cycle_days += b->cycle_days;
	a->cycle_deals += b->cycle_deals;
	wide_add(&a->overlay_revenue, b->overlay_revenue, "overlay_revenue");
	a->overlay_deals += b->overlay_deals;
	wide_add(&a->clawback, b->clawback, "clawback");
	a->clawback_deals += b->clawback_deals;
}

/* into += from where both are narrow and the sums fit: false (into unchanged) if not. */
static bool narrow_merge(struct deal_cell *into, const struct deal_cell *from)
{
	if (is_wide(into) || is_wide(from))
		return false;
	struct deal_cell n = *into;
	if (!narrow_add(&n.won_revenue, from->won_revenue) || !narrow_add(&n.pipeline, from->pipeline) ||
	    !narrow_count(&n.won_deals, from->won_deals) || !narrow_count(&n.lost_deals, from->lost_deals) ||
	    !narrow_count(&n.cycle_deals, from->cycle_deals) || !narrow_count(&n.cycle_days, from->cycle_days))
		return false;
	*into = n;
	return true;
}

/* The merge of one group where into is wide already (the list does not grow), or both
 * are narrow and fit: false if into must be widened first (merge_deal_totals does it
 * after, on one thread). */
static bool merge_in_place(const struct wide_totals *wi, struct deal_cell *into, const struct wide_totals *wf,
			   const struct deal_cell *from)
{
	if (narrow_merge(into, from))
		return true;
	if (!is_wide(into))
		return false;
	struct deal_totals b;
	deal_totals_of(wf, from, &b);
	add_full(wide_of(wi, into), &b);
	return true;
}

void custom_add(struct custom_totals *a, const struct custom_totals *b, const char *name)
{
	if (a->count == 0 || decimal_cmp(b->min, a->min) < 0)
		a->min = b->min;
	if (a->count == 0 || decimal_cmp(b->max, a->max) > 0)
		a->max = b->max;
	if (!add_or_fail(&a->sum, b->sum))
		sum_overflow(name);
	a->count += b->count;
}

static void merge_custom(const struct metric_set *ms, struct custom_totals *into, const struct custom_totals *from)
{
	for (size_t i = 0; i < ms->nselected; i++) {
		const struct metric *m = ms->selected[i];
		if (m->builtin != M_CUSTOM)
			continue;
		const struct custom_totals *b = &from[m->slot];
		if (b->count)
			custom_add(&into[m->slot], b, m->name);
	}
}

/* What merging deal totals on threads needs: the groups of `from` that must widen their
 * group of `into` are put aside under a lock (rare) and done after, on one thread. */
struct deal_merge {
	const struct job *job;
	struct groups *into;
	const struct groups *from;
	struct wide_totals *wide_into;
	const struct wide_totals *wide_from;
	const uint32_t *map;
	size_t base; /* the block's first group: the threads' ranges are from there */
	size_t *wide_groups; /* from's wide groups, in order: each block widens its own */
	size_t next_wide;    /* those of the blocks before are done */
	pthread_mutex_t lock;
	size_t *later, nlater, later_cap;
};

static void merge_range(void *arg, size_t lo, size_t hi)
{
	struct deal_merge *p = arg;
	bool custom = p->job->metrics->ncustom > 0;
	lo += p->base;
	hi += p->base;
	for (size_t i = lo; i < hi; i++) {
		if (i + 8 < hi) /* scattered: fetched ahead */
			group_prefetch(p->into, p->map[i + 8], GROUP_TOTALS);
		void *into = group_totals(p->into, p->map[i]);
		const void *from = group_totals(p->from, i);
		bool merged = merge_in_place(p->wide_into, into, p->wide_from, from);
		/* after the deal sums, as before the cells: a group whose deal sum and custom sum
		 * both overflow names the deal sum (a group put aside cannot overflow: both fit 64 bits) */
		if (custom)
			merge_custom(p->job->metrics, deal_custom(into), deal_custom_const(from));
		if (merged)
			continue;
		pthread_mutex_lock(&p->lock);
		xgrow((void **)&p->later, &p->later_cap, p->nlater + 1, sizeof *p->later);
		p->later[p->nlater++] = i;
		pthread_mutex_unlock(&p->lock);
	}
}

static int compare_group(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return (a > b) - (a < b);
}

struct deal_merge *deal_merge_new(const struct job *job, struct groups *into, struct wide_totals *wide_into,
				  const struct groups *from, const struct wide_totals *wide_from)
{
	struct deal_merge *m = xcalloc(1, sizeof *m);
	*m = (struct deal_merge){ .job = job, .into = into, .from = from, .wide_into = wide_into,
				  .wide_from = wide_from, .lock = PTHREAD_MUTEX_INITIALIZER };
	m->wide_groups = xcalloc(wide_from->n + 1, sizeof *m->wide_groups);
	for (size_t k = 0; k < wide_from->n; k++)
		m->wide_groups[k] = wide_from->e[k].group;
	qsort(m->wide_groups, wide_from->n, sizeof *m->wide_groups, compare_group);
	return m;
}

void merge_deal_block(void *deal_merge, const uint32_t *map, size_t lo, size_t hi)
{
	struct deal_merge *m = deal_merge;
	const struct wide_totals *wf = m->wide_from;
	m->map = map;
	/* first, on one thread: the groups whose totals come wide (clawbacks, overlay credit,
	 * large sums) widen theirs in into, so that on the threads the list never grows */
	for (; m->next_wide < wf->n && m->wide_groups[m->next_wide] < hi; m->next_wide++) {
		size_t g = map[m->wide_groups[m->next_wide]];
		deal_widen(m->wide_into, group_totals(m->into, g), g);
	}
	enum { PER_THREAD = 65536 }; /* groups: below, a thread costs more than it saves */
	m->nlater = 0;
	m->base = lo;
	parallel_ranges(hi - lo, PER_THREAD, m->job->opt->threads, m, merge_range);
	for (size_t k = 0; k < m->nlater; k++) {
		size_t i = m->later[k], g = map[i];
		struct deal_totals b;
		deal_totals_of(wf, group_totals(m->from, i), &b);
		add_full(deal_widen(m->wide_into, group_totals(m->into, g), g), &b);
	}
}

void deal_merge_free(struct deal_merge *m)
{
	if (!m)
		return;
	free(m->wide_groups);
	free(m->later);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
