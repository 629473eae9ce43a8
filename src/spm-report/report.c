/* What every kind reads: how a metric reads, who is in whose team, the periods reported
 * on, lookups of an owner's rows, team medians, ranks, and the footer of definitions. */
#include "spm-report.h"

#include "diag.h"
#include "options.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *period_label(struct period p, char buf[PERIOD_LABEL_SIZE])
{
	period_format(p, buf);
	return buf;
}

struct metric_view metric_view(const struct report *r, size_t metric)
{
	struct metric_view v = { U_PLAIN, true, false };
	const struct metric *m = metric_find(&r->metrics, r->names->s[metric]);
	if (!m)
		return v; /* unknown: taken as a sum, as spm-goal does */
	v.cumulative = m->cumulative;
	v.lower = m->lower;
	switch (m->builtin) {
	case M_WON_REVENUE: case M_AVG_DEAL: case M_PIPELINE: case M_OVERLAY_REVENUE: case M_CLAWBACK:
		v.unit = U_MONEY;
		break;
	case M_WON_DEALS: case M_LOST_DEALS: case M_OVERLAY_DEALS: case M_CLAWBACK_DEALS: v.unit = U_COUNT; break;
	case M_WIN_RATE: v.unit = U_PERCENT; break;
	case M_CYCLE_DAYS: v.unit = U_DAYS; break;
	case M_COVERAGE: v.unit = U_MULTIPLE; break;
	case M_CUSTOM:
		/* unit words, not columns */
		if (strcmp(m->unit, "money") == 0 || strcmp(m->unit, "currency") == 0)
			v.unit = U_MONEY;
		/* unit words, not columns */
		else if (strcmp(m->unit, "ratio") == 0 || strcmp(m->unit, "percent") == 0 || strcmp(m->unit, "rate") == 0)
			v.unit = U_PERCENT;
		else if (strcmp(m->unit, "count") == 0)
			v.unit = U_COUNT;
		else if (strcmp(m->unit, "days") == 0) /* a unit, not a column */
			v.unit = U_DAYS;
		break;
	}
	return v;
}

bool metric_adds_up(const struct report *r, size_t metric)
{
	const struct metric *m = metric_find(&r->metrics, r->names->s[metric]);
	if (!m)
		return true;
	return (m->agg == AGG_SUM || m->agg == AGG_COUNT) && !m->ratio && m->cumulative;
}

/* ---- levels, groups and words ---- */

enum level owner_level(const struct report *r, size_t owner)
{
	return owner < r->nlevel ? (enum level)r->level[owner] : LEVEL_REP;
}

bool is_rep(const struct report *r, size_t owner)
{
	return owner_level(r, owner) == LEVEL_REP;
}

static void set_level(struct report *r, size_t owner, size_t level_name, bool *known)
{
	enum level lv;
	if (level_name == NONE || owner >= r->nlevel || !parse_level(r->names->s[level_name], &lv))
		return;
	r->level[owner] = (unsigned char)lv;
	known[owner] = true;
}

/* Each owner's level, once: the rows' level columns first, then the roster. */
static void index_levels(struct report *r)
{
	const struct data *d = r->data;
	r->nlevel = r->names->n;
	r->level = xcalloc(r->nlevel + 1, 1);
	bool *known = xcalloc(r->nlevel + 1, sizeof *known);
	for (size_t i = 0; i < d->nscore; i++)
		set_level(r, d->score[i].owner, d->score[i].level, known);
	for (size_t i = 0; i < d->nprogress; i++)
		if (!known[d->progress[i].owner])
			set_level(r, d->progress[i].owner, d->progress[i].level, known);
	if (r->has_roster)
		for (size_t o = 0; o < r->nlevel; o++) {
			if (known[o] || roster_find_rep(&r->roster, r->names->s[o], r->names->len[o]))
				continue;
			for (int lv = LEVEL_TEAM; lv < LEVEL_COUNT; lv++)
				if (r->roster.names[lv] && table_find(r->roster.names[lv], r->names->s[o], r->names->len[o])) {
					r->level[o] = (unsigned char)lv;
					break;
				}
		}
	free(known);
}

const char *group_word(const struct report *r)
{
	if (r->data->scores_grouped && r->data->group_word != NONE && !r->has_roster)
		return r->names->s[r->data->group_word];
	if (r->has_roster)
		return level_names[r->opt->level];
	return column_name(COL_TEAM);
}

char *group_heading(const struct report *r)
{
	char *h = label_from_name(group_word(r));
	return h;
}

bool on_pace(const struct report *r, const struct score_row *s)
{
	return s && s->basis != NONE && s->basis == r->pace_name;
}

void sb_metric_label(struct sbuf *b, const struct report *r, size_t metric, bool first)
{
	char *made = NULL;
	const char *label = metric_label(&r->metrics, r->names->s[metric], &made);
	size_t at = b->len;
	sb_str(b, label);
	char *c = b->s + at;
	if (b->len > at) {
		bool acronym = b->len > at + 1 && c[1] >= 'A' && c[1] <= 'Z';
		if (first && *c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
		else if (!first && !acronym && *c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	}
	free(made);
}

void set_metric(const struct report *r, struct dtable *t, size_t row, size_t col, size_t metric)
{
	if (metric == NONE)
		return;
	set_name(dtable_cell(t, row, col), r->names, metric);
	struct sbuf b = { 0 };
	sb_metric_label(&b, r, metric, true);
	set_human(t, row, col, b.s, b.len);
	sb_free(&b);
}

void sb_tier_label(struct sbuf *b, const struct report *r, size_t tier)
{
	char *label = label_from_name(r->names->s[tier]);
	sb_str(b, label);
	free(label);
}

void set_tier(const struct report *r, struct dtable *t, size_t row, size_t col, const struct score_row *s)
{
	if (!s || s->tier == NONE)
		return;
	set_name(dtable_cell(t, row, col), r->names, s->tier);
	struct sbuf b = { 0 };
	if (on_pace(r, s))
		sb_str(&b, "on course for ");
	sb_tier_label(&b, r, s->tier);
	set_human(t, row, col, b.s, b.len);
	sb_free(&b);
}

const char *status_words(enum goal_status s)
{
	switch (s) {
	case STATUS_ACHIEVED: return "achieved";
	case STATUS_AHEAD: return "ahead";
	case STATUS_ON_TRACK: return "on track";
	case STATUS_BEHIND: return "behind";
	case STATUS_MISSED: return "missed";
	case STATUS_NOT_STARTED: return "not started";
	case STATUS_NO_DATA: return "not measurable yet";
	case STATUS_EARLY: return "too early to tell";
	}
	return "";
}

/* ---- lookups ---- */

static size_t owner_key(unsigned char *key, struct period p, size_t owner, size_t metric)
{
	period_to_key(p, key);
	memcpy(key + PERIOD_KEY_SIZE, &owner, sizeof owner);
	if (metric == NONE)
		return PERIOD_KEY_SIZE + sizeof owner;
	memcpy(key + PERIOD_KEY_SIZE + sizeof owner, &metric, sizeof metric);
	return PERIOD_KEY_SIZE + 2 * sizeof owner;
}

const struct progress_row *progress_find(const struct report *r, size_t owner, size_t metric, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t)];
	const size_t *i = table_find(r->progress_at, key, owner_key(key, p, owner, metric));
	return i ? &r->data->progress[*i - 1] : NULL;
}

const struct score_row *score_find(const struct report *r, size_t owner, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t)];
	const size_t *i = table_find(r->score_at, key, owner_key(key, p, owner, NONE));
	return i ? &r->data->score[*i - 1] : NULL;
}

const struct actual_row *actual_find(const struct report *r, size_t owner, size_t metric, struct period p)
{
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t)];
	const size_t *i = table_find(r->actual_at, key, owner_key(key, p, owner, metric));
	return i ? &r->data->actual[*i - 1] : NULL;
}

const size_t *owner_progress(const struct report *r, size_t owner, size_t *n)
{
	*n = owner < r->names->n && r->owner_first ? r->owner_first[owner + 1] - r->owner_first[owner] : 0;
	return *n ? r->by_owner + r->owner_first[owner] : NULL;
}

/* Counting sort of rows by owner id (the size_t at `owner_at` in each row of `size`
 * bytes): every owner's rows in one run, in file order; first[o]..first[o + 1] are o's. */
static void index_by_owner(const void *rows, size_t nrows, size_t size, size_t owner_at, size_t nowners,
			   size_t **by_owner, size_t **first)
{
	const char *row = rows;
	size_t *f = xcalloc(nowners + 2, sizeof *f), *by = xcalloc(nrows + 1, sizeof *by);
	for (size_t i = 0; i < nrows; i++) {
		size_t owner;
		memcpy(&owner, row + i * size + owner_at, sizeof owner);
		f[owner + 1]++;
	}
	for (size_t k = 0; k < nowners; k++)
		f[k + 1] += f[k];
	size_t *next = xcalloc(nowners + 1, sizeof *next);
	memcpy(next, f, nowners * sizeof *next);
	for (size_t i = 0; i < nrows; i++) {
		size_t owner;
		memcpy(&owner, row + i * size + owner_at, sizeof owner);
		by[next[owner]++] = i;
	}
	free(next);
	*by_owner = by;
	*first = f;
}

static void index_owners(struct report *r)
{
	const struct data *d = r->data;
	index_by_owner(d->progress, d->nprogress, sizeof *d->progress, offsetof(struct progress_row, owner),
		       r->names->n, &r->by_owner, &r->owner_first);
	/* a statement's lines are found in its owner's rows, and feedback's self-ratings */
	index_by_owner(d->payout, d->npayout, sizeof *d->payout, offsetof(struct payout_row, owner), r->names->n,
		       &r->pay_by_owner, &r->pay_first);
	index_by_owner(r->self.r, r->self.n, sizeof *r->self.r, offsetof(struct self_rating, owner), r->names->n,
		       &r->self_by_owner, &r->self_first);
}

/* The goal sheet's goals (--goals) by the owner they name, once: a review reads each
 * rep's next goals without a pass over the sheet per rep. Owners not in the report's
 * rows are never asked for. */
static void index_goals(struct report *r)
{
	size_t *ids = xcalloc(r->goals.n + 1, sizeof *ids);
	size_t unnamed = r->names->n; /* one past the owners: goals of no owner of the rows */
	for (size_t i = 0; i < r->goals.n; i++) {
		const struct goal *g = &r->goals.goal[i];
		size_t id = name_find(r->names, g->owner, g->owner_len);
		ids[i] = id == NONE ? unnamed : id;
	}
	index_by_owner(ids, r->goals.n, sizeof *ids, 0, unnamed + 1, &r->goal_by_owner, &r->goal_first);
	r->ngoal_owners = unnamed;
	free(ids);
}

const size_t *owner_goals(const struct report *r, size_t owner, size_t *n)
{
	*n = owner < r->ngoal_owners && r->goal_first ? r->goal_first[owner + 1] - r->goal_first[owner] : 0;
	return *n ? r->goal_by_owner + r->goal_first[owner] : NULL;
}

const size_t *owner_self_ratings(const struct report *r, size_t owner, size_t *n)
{
	*n = owner < r->names->n && r->self_first ? r->self_first[owner + 1] - r->self_first[owner] : 0;
	return *n ? r->self_by_owner + r->self_first[owner] : NULL;
}

const size_t *owner_payouts(const struct report *r, size_t owner, size_t *n)
{
	*n = owner < r->names->n && r->pay_first ? r->pay_first[owner + 1] - r->pay_first[owner] : 0;
	return *n ? r->pay_by_owner + r->pay_first[owner] : NULL;
}

void last_periods(struct period p, size_t n, struct period *out)
{
	for (size_t i = n; i-- > 0;) {
		out[i] = p;
		p = period_previous(p);
	}
}

size_t team_of(const struct report *r, size_t owner, struct period p)
{
	if (r->has_roster) {
		const struct roster_rep *rep = roster_find_rep(&r->roster, r->names->s[owner], r->names->len[owner]);
		if (!rep || rep->len[r->opt->level] == 0)
			return NONE; /* not placed by the roster: compared with everyone */
		return name_id(r->names, rep->name[r->opt->level], rep->len[r->opt->level]);
	}
	const struct score_row *s = score_find(r, owner, p);
	return s ? s->team : NONE;
}

bool is_current(const struct report *r, struct period p)
{
	for (size_t i = 0; i < r->ncurrent; i++)
		if (period_cmp(r->current[i], p) == 0 && r->current[i].grain == p.grain)
			return true;
	return false;
}

bool owner_wanted(const struct report *r, size_t owner)
{
	if (!r->opt->owner)
		return true;
	return r->owner_filter != NONE && r->owner_filter == owner;
}

/* ---- statistics ---- */

static int cmp_decimal(const void *a, const void *b)
{
	return decimal_cmp(*(const decimal *)a, *(const decimal *)b);
}

bool median_of(decimal *v, size_t n, decimal *out)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_decimal);
	return median_sorted(v, n, out);
}

bool median_sorted(const decimal *v, size_t n, decimal *out)
{
	if (n == 0)
		return false;
	if (n % 2) {
		*out = v[n / 2];
		return true;
	}
	decimal sum;
	if (!decimal_add(v[n / 2 - 1], v[n / 2], &sum))
		return false;
	return decimal_div(sum, decimal_from_int(2), DECIMAL_PLACES, ROUND_HALF_AWAY, out);
}

static const struct names *member_names; /* qsort has no context argument */

static int cmp_member_ids(const void *a, const void *b)
{
	return name_cmp(member_names, *(const size_t *)a, *(const size_t *)b);
}

static void member_add(struct table *t, struct period p, size_t team, size_t owner)
{
	unsigned char key[PERIOD_KEY_SIZE + sizeof(size_t)];
	bool created;
	period_to_key(p, key);
	memcpy(key + PERIOD_KEY_SIZE, &team, sizeof team);
	struct members *m = table_upsert(t, key, sizeof key, &created);
	xgrow((void **)&m->owner, &m->cap, m->n + 1, sizeof *m->owner);
	m->owner[m->n++] = owner;
}

/* One pass over the rows of period p: each rep once, in its group and in all reps. */
static void index_members(const struct report *r, struct period p)
{
	const struct data *d = r->data;
	struct table *seen = table_new(1);
	size_t before = table_count(r->members);
	for (int pass = 0; pass < 2; pass++) {
		size_t total = pass == 0 ? d->nscore : d->nprogress;
		for (size_t i = 0; i < total; i++) {
			struct period q = pass == 0 ? d->score[i].period : d->progress[i].period;
			size_t owner = pass == 0 ? d->score[i].owner : d->progress[i].owner;
			bool created;
			if (period_cmp(q, p) != 0 || q.grain != p.grain || !is_rep(r, owner))
				continue;
			table_upsert(seen, &owner, sizeof owner, &created);
			if (!created)
				continue;
			size_t team = team_of(r, owner, p);
			member_add(r->members, p, NONE, owner);
			if (team != NONE)
				member_add(r->members, p, team, owner);
		}
	}
	table_free(seen);
	member_names = r->names;
	for (size_t i = before; i < table_count(r->members); i++) {
		struct members *m = table_value(r->members, i);
		if (m->n > 1)
			qsort(m->owner, m->n, sizeof *m->owner, cmp_member_ids);
	}
}

const struct members *members_of(const struct report *r, struct period p, size_t team)
{
	static const struct members none = { NULL, 0, 0 };
	unsigned char key[PERIOD_KEY_SIZE + sizeof(size_t)];
	bool created;
	period_to_key(p, key);
	unsigned char pk[PERIOD_KEY_SIZE + 1];
	memcpy(pk, key, PERIOD_KEY_SIZE);
	pk[PERIOD_KEY_SIZE] = (unsigned char)p.grain;
	table_upsert(r->periods_indexed, pk, sizeof pk, &created);
	if (created)
		index_members(r, p);
	memcpy(key + PERIOD_KEY_SIZE, &team, sizeof team);
	const struct members *m = table_find(r->members, key, sizeof key);
	return m ? m : &none;
}

static void collect_group(const struct report *r, size_t metric, struct period p, size_t team,
			  struct group_values *g)
{
	size_t cap = 0;
	const struct members *mem = members_of(r, p, team);
	if (metric == NONE) {
		for (size_t i = 0; i < mem->n; i++) {
			const struct score_row *s = score_find(r, mem->owner[i], p);
			if (!s || !s->score.has) /* nothing measured: no score (spm-score) */
				continue;
			xgrow((void **)&g->v, &cap, g->n + 1, sizeof *g->v);
			g->v[g->n++] = s->score.v;
			if (s->delta.has && (!g->has_delta || decimal_cmp(s->delta.v, g->max_delta) > 0)) {
				g->max_delta = s->delta.v;
				g->has_delta = true;
			}
		}
	} else {
		for (size_t i = 0; i < mem->n; i++) {
			const struct progress_row *row = progress_find(r, mem->owner[i], metric, p);
			if (!row || !row->attainment.has || row->status == STATUS_NOT_STARTED || row->status == STATUS_NO_DATA)
				continue;
			xgrow((void **)&g->v, &cap, g->n + 1, sizeof *g->v);
			g->v[g->n++] = row->attainment.v;
		}
	}
	if (g->n > 1)
		qsort(g->v, g->n, sizeof *g->v, cmp_decimal);
}

const struct group_values *group_values(const struct report *r, size_t metric, struct period p, size_t team)
{
	unsigned char key[PERIOD_KEY_SIZE + 2 * sizeof(size_t)];
	bool created;
	period_to_key(p, key);
	memcpy(key + PERIOD_KEY_SIZE, &metric, sizeof metric);
	memcpy(key + PERIOD_KEY_SIZE + sizeof metric, &team, sizeof team);
	struct group_values *g = table_upsert(r->groups, key, sizeof key, &created);
	if (created) {
		struct group_values fresh = { 0 };
		collect_group(r, metric, p, team, &fresh);
		/* the table may have moved while collecting (team_of adds names, not groups) */
		g = table_find(r->groups, key, sizeof key);
		*g = fresh;
	}
	return g;
}

size_t count_below(const struct group_values *g, decimal x)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) { /* first value >= x */
		size_t mid = lo + (hi - lo) / 2;
		if (decimal_cmp(g->v[mid], x) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t count_above(const struct group_values *g, decimal x)
{
	size_t lo = 0, hi = g->n;
	while (lo < hi) { /* first value > x */
		size_t mid = lo + (hi - lo) / 2;
		if (decimal_cmp(g->v[mid], x) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return g->n - lo;
}

/* a ÷ b to 2 decimals, or no value (b not above 0, or a negative). */
static struct num per_day(struct num a, struct num b)
{
	decimal q;
	if (!a.has || !b.has || decimal_sign(b.v) <= 0 || decimal_sign(a.v) < 0 ||
	    !decimal_div(a.v, b.v, 2, ROUND_HALF_AWAY, &q))
		return num_none();
	return num_of(q, 2);
}

struct daily daily_figures(const struct report *r, const struct progress_row *p)
{
	struct daily d = { num_none(), num_none() };
	if (!metric_view(r, p->metric).cumulative || p->status == STATUS_NOT_STARTED)
		return d;
	d.so_far = per_day(p->actual, p->days_elapsed);
	if (p->lower) { /* a ceiling: what may still be used per day */
		decimal left;
		if (p->actual.has && decimal_sub(p->target.v, p->actual.v, &left) && decimal_sign(left) >= 0)
			d.needed = per_day(num_of(left, p->target.places), p->days_left);
	} else if (p->gap.has && decimal_sign(p->gap.v) > 0) {
		d.needed = per_day(p->gap, p->days_left);
	}
	return d;
}

enum tone status_tone(enum goal_status s)
{
	switch (s) {
	case STATUS_ACHIEVED: case STATUS_AHEAD: return TONE_GOOD;
	case STATUS_ON_TRACK: return TONE_ON;
	case STATUS_BEHIND: return TONE_WARN;
	case STATUS_MISSED: return TONE_LOW;
	case STATUS_NOT_STARTED: case STATUS_NO_DATA: case STATUS_EARLY: break;
	}
	return TONE_NONE;
}

/* The pace of a sum of goals of one period: its actual against what was expected of it by
 * the as-of date, Σtarget × elapsed ÷ (elapsed + left), exactly (the rows' own expected
 * columns are rounded); lower: the other way round. None before anything is expected. */
struct num sum_pace(decimal actual, decimal target, bool lower, struct num elapsed, struct num left)
{
	decimal total, num, den, q;
	if (!elapsed.has || !left.has || decimal_sign(elapsed.v) <= 0 || !decimal_add(elapsed.v, left.v, &total))
		return num_none();
	/* higher: actual × total ÷ (target × elapsed); lower: target × elapsed ÷ (actual × total) */
	if (!decimal_mul(actual, total, 9, ROUND_HALF_AWAY, &num) || !decimal_mul(target, elapsed.v, 9, ROUND_HALF_AWAY, &den))
		return num_none();
	if (lower ? !decimal_div(den, num, 4, ROUND_HALF_AWAY, &q) : !decimal_div(num, den, 4, ROUND_HALF_AWAY, &q))
		return num_none();
	return num_of(q, 4);
}

enum tone attainment_tone(struct num a)
{
	if (!a.has)
		return TONE_NONE;
	decimal ninety, seventy;
	decimal_parse("0.9", 3, DECIMAL_POINT, &ninety);
	decimal_parse("0.7", 3, DECIMAL_POINT, &seventy);
	if (decimal_cmp(a.v, decimal_from_int(1)) >= 0)
		return TONE_GOOD;
	if (decimal_cmp(a.v, ninety) >= 0)
		return TONE_ON;
	return decimal_cmp(a.v, seventy) >= 0 ? TONE_WARN : TONE_LOW;
}

/* ---- setup ---- */

enum stream_id primary_stream(const struct data *d, enum kind k)
{
	switch (k) {
	case K_STATEMENT:
		return STREAM_PAYOUTS;
	case K_LEADERBOARD:
		return d->has[STREAM_SCORES] ? STREAM_SCORES : d->has[STREAM_PROGRESS] ? STREAM_PROGRESS : STREAM_ACTUALS;
	case K_PROGRESS:
		return STREAM_PROGRESS;
	case K_SCORECARD: case K_TEAM: case K_FEEDBACK: case K_REVIEW: case K_COUNT:
		break;
	}
	return d->has[STREAM_PROGRESS] ? STREAM_PROGRESS : STREAM_SCORES;
}

/* The rows by (period, owner, metric) are the tables data_read kept to find a second row
 * for a key (their values start with the row, 1-based): indexed once, while reading. */
static void index_rows(struct report *r)
{
	struct data *d = r->data;
	r->progress_at = d->seen[STREAM_PROGRESS];
	r->score_at = d->seen[STREAM_SCORES];
	r->actual_at = d->seen[STREAM_ACTUALS];
	r->groups = table_new(sizeof(struct group_values));
	r->members = table_new(sizeof(struct members));
	r->periods_indexed = table_new(1);
}

/* One period of a stream's rows, and whether it counts as begun. */
static void period_of_row(const struct data *d, enum stream_id s, size_t i, struct period *p, bool *begun)
{
	*begun = true;
	switch (s) {
	case STREAM_ACTUALS: *p = d->actual[i].period; break;
	case STREAM_PROGRESS:
		*p = d->progress[i].period;
		*begun = d->progress[i].status != STATUS_NOT_STARTED;
		break;
	case STREAM_SCORES: *p = d->score[i].period; break;
	case STREAM_PAYOUTS: *p = d->payout[i].period; break;
	default: break;
	}
}

static size_t stream_rows(const struct data *d, enum stream_id s)
{
	return s == STREAM_ACTUALS ? d->nactual : s == STREAM_PROGRESS ? d->nprogress
				  : s == STREAM_SCORES ? d->nscore : d->npayout;
}

/* A statement of a period too early to estimate (payouts of basis early) would read as
 * nothing earned: by default the latest period that is over (basis final) is reported on
 * instead, for each grain that has one (among --owner's rows, with --owner); the footer names
 * the period passed over, which --period still shows. Payouts without a basis column are
 * left as they were. */
static void skip_early_payouts(struct report *r, struct period *latest, const bool *have)
{
	const struct data *d = r->data;
	const struct report_options *o = r->opt;
	/* with --owner, that owner's periods: a rep new this period has none over to fall back on */
	size_t owner = o->owner ? name_find(r->names, o->owner, strlen(o->owner)) : NONE;
	for (int g = GRAIN_YEAR; g <= GRAIN_DAY; g++) {
		if (!have[g])
			continue;
		bool early = false, over = false;
		struct period best = latest[g];
		for (size_t i = 0; i < d->npayout; i++) {
			const struct payout_row *l = &d->payout[i];
			if (l->period.grain != g || (o->owner && l->owner != owner))
				continue;
			if (period_cmp(l->period, latest[g]) == 0)
				early |= l->basis == PAYOUT_EARLY;
			else if (l->basis == PAYOUT_FINAL && !(o->has_as_of && l->period.start > o->as_of) &&
				 (!over || period_cmp(l->period, best) > 0)) {
				best = l->period;
				over = true;
			}
		}
		if (early && over) {
			r->early_skipped = latest[g];
			r->has_early_skipped = true;
			r->early_instead = best;
			latest[g] = best;
		}
	}
}

/* The periods reported on: --period, else for each grain the latest period of the primary
 * stream that has begun (by --as-of when given; with progress, a period whose goals are
 * all not_started has not; with payouts, not a period too early to estimate when one is
 * over: skip_early_payouts). */
static void choose_periods(struct report *r, enum stream_id primary)
{
	const struct report_options *o = r->opt;
	const struct data *d = r->data;
	struct period want, latest[GRAIN_DAY + 1];
	bool have[GRAIN_DAY + 1] = { false }, found = false;
	if (o->period && !period_parse(o->period, strlen(o->period), o->fiscal_start, &want))
		diag_usage("--period: not a period label (\"%s\")", o->period);
	for (size_t i = 0, n = stream_rows(d, primary); i < n; i++) {
		struct period p;
		bool begun;
		period_of_row(d, primary, i, &p, &begun);
		if (o->period) {
			found |= period_cmp(p, want) == 0 && p.grain == want.grain;
			continue;
		}
		if (!begun || (o->has_as_of && p.start > o->as_of))
			continue;
		if (!have[p.grain] || period_cmp(p, latest[p.grain]) > 0)
			latest[p.grain] = p;
		have[p.grain] = true;
	}
	r->current = xcalloc(GRAIN_DAY + 1, sizeof *r->current);
	if (o->period) {
		/* an adjustments stream without a row for the period is not an error: nothing
		 * changed since it was paid (the statement says so) */
		if (!found && !(primary == STREAM_PAYOUTS && adjustments_only(d)))
			diag_fatal(SPM_EXIT_DATA, "--period %s: no %s rows for that period", o->period, stream_def(primary)->name);
		r->current[r->ncurrent++] = want;
		return;
	}
	if (primary == STREAM_PAYOUTS)
		skip_early_payouts(r, latest, have);
	for (int g = GRAIN_YEAR; g <= GRAIN_DAY; g++)
		if (have[g])
			r->current[r->ncurrent++] = latest[g];
}

/* With --tiers, each score's tier must be the one the thresholds give: the footer states
 * them, and a footer that does not describe the data would mislead. */
static void check_tiers(const struct report *r)
{
	for (size_t i = 0; i < r->data->nscore; i++) {
		const struct score_row *s = &r->data->score[i];
		long t = s->score.has ? tier_of(&r->tiers, s->score.v) : -1; /* no score, no tier */
		const char *want = t >= 0 ? r->tiers.tier[t].name : "";
		const char *got = s->tier == NONE ? "" : r->names->s[s->tier];
		if (strcmp(want, got) != 0) {
			char score[DECIMAL_BUFSIZE];
			num_text(s->score, score, sizeof score);
			if (s->score.has) /* a tier's name: any length */
				diag_atf(s->at.file, s->at.line, column_name(COL_TIER), got, strlen(got),
					 "does not match --tiers, which gives %s for a score of %s", *want ? want : "no tier", score);
			else
				diag_at(s->at.file, s->at.line, column_name(COL_TIER), got, strlen(got),
					"a row without a score has no tier");
			diag_exit(SPM_EXIT_DATA);
		}
	}
}

void report_setup(struct report *r, enum stream_id primary)
{
	const struct report_options *o = r->opt;
	r->owner_filter = NONE;
	r->pace_name = name_find(r->names, "pace", 4); /* a basis, not a column */
	r->early_name = name_find(r->names, "early", 5);
	index_rows(r);
	index_owners(r);
	if (r->has_goals)
		index_goals(r);
	index_levels(r);
	choose_periods(r, primary);
	if (o->tiers) { /* the one parser of spm-score's --tiers, in the core */
		struct sbuf error = { 0 };
		if (!tiers_parse(o->tiers, &r->tiers, &error))
			diag_usage("--tiers: %s", sb_text(&error));
		check_tiers(r);
	}
	if (o->owner) {
		r->owner_filter = name_find(r->names, o->owner, strlen(o->owner));
		bool found = false;
		for (size_t i = 0, n = stream_rows(r->data, primary); i < n && r->owner_filter != NONE && !found; i++) {
			struct period p;
			bool begun;
			period_of_row(r->data, primary, i, &p, &begun);
			size_t owner = primary == STREAM_ACTUALS ? r->data->actual[i].owner
				       : primary == STREAM_PROGRESS ? r->data->progress[i].owner
				       : primary == STREAM_SCORES ? r->data->score[i].owner
								    : r->data->payout[i].owner;
			found = owner == r->owner_filter && is_current(r, p);
		}
		/* nor without a row for the owner: nothing changed for that owner */
		if (!found && !(primary == STREAM_PAYOUTS && adjustments_only(r->data)))
			diag_fatal(SPM_EXIT_DATA, "--owner %s: no %s rows for this owner in the period reported on", o->owner,
				   stream_def(primary)->name);
	}
}

void report_free(struct report *r)
{
	tiers_free(&r->tiers);
	free(r->current);
	/* progress_at, score_at and actual_at are the data's (data_free) */
	free(r->by_owner);
	free(r->owner_first);
	free(r->level);
	free(r->pay_by_owner);
	free(r->pay_first);
	free(r->self_by_owner);
	free(r->self_first);
	free(r->goal_by_owner);
	free(r->goal_first);
	for (size_t i = 0; i < table_count(r->groups); i++)
		free(((struct group_values *)table_value(r->groups, i))->v);
	table_free(r->groups);
	for (size_t i = 0; i < table_count(r->members); i++)
		free(((struct members *)table_value(r->members, i))->owner);
	table_free(r->members);
	table_free(r->periods_indexed);
}

/* ---- the footer ---- */

struct tier_found {
	size_t tier;
	decimal low, high;
	size_t n;
};

static int cmp_tier_found(const void *pa, const void *pb)
{
	const struct tier_found *a = pa, *b = pb;
	int c = decimal_cmp(b->high, a->high);
	return c ? c : decimal_cmp(b->low, a->low);
}

/* The tiers: as --tiers gives them, else as found in the scores (each tier's lowest and
 * highest score), from the top. */
static void tiers_footer(const struct report *r, struct doc *d)
{
	struct sbuf b = { 0 };
	if (r->tiers.n) {
		sb_str(&b, "Tiers (--tiers, as spm-score gave them): ");
		for (size_t t = 0; t < r->tiers.n; t++) {
			char *label = label_from_name(r->tiers.tier[t].name);
			sb_printf(&b, "%s%s from a score of ", t ? ", " : "", label);
			free(label);
			sb_percent(&b, r->tiers.tier[t].min);
		}
		sb_str(&b, ".");
		doc_footer(d, "%s", b.s);
		sb_free(&b);
		return;
	}
	struct tier_found *f = xcalloc(r->data->nscore + 1, sizeof *f);
	size_t n = 0;
	for (size_t i = 0; i < r->data->nscore; i++) {
		const struct score_row *s = &r->data->score[i];
		if (s->tier == NONE || !s->score.has || !is_current(r, s->period))
			continue;
		size_t k = 0;
		while (k < n && f[k].tier != s->tier)
			k++;
		if (k == n) {
			f[n].tier = s->tier;
			f[n].low = f[n].high = s->score.v;
			n++;
		}
		if (decimal_cmp(s->score.v, f[k].low) < 0)
			f[k].low = s->score.v;
		if (decimal_cmp(s->score.v, f[k].high) > 0)
			f[k].high = s->score.v;
		f[k].n++;
	}
	if (n) {
		qsort(f, n, sizeof *f, cmp_tier_found);
		sb_str(&b, "Tiers as found in the scores of the period (lowest to highest score in each): ");
		for (size_t k = 0; k < n; k++) {
			sb_printf(&b, "%s", k ? "; " : "");
			sb_tier_label(&b, r, f[k].tier);
			sb_str(&b, " ");
			sb_percent(&b, f[k].low);
			sb_str(&b, " to ");
			sb_percent(&b, f[k].high);
		}
		sb_str(&b, ". The thresholds themselves are spm-score's (--tiers states them).");
		doc_footer(d, "%s", b.s);
	}
	sb_free(&b);
	free(f);
}

bool progress_running(const struct progress_row *g)
{
	return g->days_left.has && decimal_sign(g->days_left.v) > 0;
}

/* Whether some progress row is too early in its period to judge (status early). */
bool any_early(const struct data *data)
{
	for (size_t i = 0; i < data->nprogress; i++)
		if (data->progress[i].status == STATUS_EARLY)
			return true;
	return false;
}

/* Whether some progress row is of a level (a ratio or an average, not cumulative): its
 * status while the period runs needs a word of the footer. */
static bool any_level(const struct report *r)
{
	for (size_t i = 0; i < r->data->nprogress; i++)
		if (!metric_view(r, r->data->progress[i].metric).cumulative)
			return true;
	return false;
}

void common_footer(const struct report *r, struct doc *d)
{
	const struct data *data = r->data;
	if (data->has[STREAM_PROGRESS])
		doc_footer(d, r->opt->workdays
				      ? "Days are working days (Monday to Friday, less holidays), as spm-track counted them "
					"with --workdays: \"a day\" means a working day."
				      : "Days are calendar days, as spm-track counted them: days left are the days of the "
					"period after the as-of date.");
	doc_footer(d, "Figures are exact: percentages are the input's fractions times 100 (1.0534 is 105.34 %%), "
		      "amounts are as the input wrote them; per-day figures, medians and differences are "
		      "rounded half away from zero to 2 decimals.");
	if (data->currency != NONE)
		doc_footer(d, "The actuals' amounts are in %.*s, as their currency column says (spm-track --rates); "
			      "spm converts no currency.", (int)data->names.len[data->currency], data->names.s[data->currency]);
	if (data->has[STREAM_PROGRESS])
		doc_footer(d, "Status is spm-track's: achieved at an attainment of 100 %%; otherwise ahead, on track or "
			      "behind by pace (actual against what was expected by the as-of date; by default from "
			      "110 %% and 90 %%), missed once the period is over%s%s",
			   any_level(r) ? ". A ratio or an average (win rate, average deal, cycle days) can still "
					  "fall back while its period runs: until it is over it is judged by its level "
					  "against its target (its pace is its attainment; at or past the target, on "
					  "track at least), and achieved only then"
					: "",
			   any_early(data) ? "; too early to tell while too little of the period has passed for its "
					     "pace to mean anything (by default its first tenth: spm-track --early), when "
					     "nothing is judged, praised or blamed."
					   : ".");
	if (data->has[STREAM_SCORES])
		tiers_footer(r, d);
}

static const struct names *owner_names; /* qsort has no context argument */

static int cmp_owner_ids(const void *a, const void *b)
{
	return name_cmp(owner_names, *(const size_t *)a, *(const size_t *)b);
}

size_t *owners_in(const struct report *r, enum stream_id s, struct period p, size_t *n)
{
	size_t total = stream_rows(r->data, s);
	size_t *owners = xcalloc(total + 1, sizeof *owners);
	struct table *seen = table_new(1);
	*n = 0;
	for (size_t i = 0; i < total; i++) {
		struct period q;
		bool begun, created;
		period_of_row(r->data, s, i, &q, &begun);
		size_t owner = s == STREAM_ACTUALS ? r->data->actual[i].owner
			       : s == STREAM_PROGRESS ? r->data->progress[i].owner
			       : s == STREAM_SCORES ? r->data->score[i].owner
						    : r->data->payout[i].owner;
		if (period_cmp(q, p) != 0 || q.grain != p.grain || !owner_wanted(r, owner))
			continue;
		table_upsert(seen, &owner, sizeof owner, &created);
		if (created)
			owners[(*n)++] = owner;
	}
	table_free(seen);
	owner_names = r->names;
	if (*n > 1)
		qsort(owners, *n, sizeof *owners, cmp_owner_ids);
	return owners;
}

size_t *reps_in(const struct report *r, enum stream_id s, struct period p, size_t *n)
{
	size_t *owners = owners_in(r, s, p, n), k = 0;
	for (size_t i = 0; i < *n; i++)
		if (is_rep(r, owners[i]))
			owners[k++] = owners[i];
	*n = k;
	return owners;
}
