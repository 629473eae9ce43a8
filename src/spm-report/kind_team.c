/* The team summary: per group (the roster's level, else the scores' team column, else
 * everyone together) and period: totals per metric, how the goals stand, the spread of
 * tiers, who needs attention (a score under --attention-below, or a goal behind or
 * missed while not on course overall) and the period's recognition. */
#include "spm-report.h"

#include "diag.h"

#include <stdlib.h>
#include <string.h>

enum { T_METRIC, T_BASIS, T_OWNERS, T_ACTUAL, T_TARGET, T_ATTAIN, T_PACE, T_BAR, T_ACHIEVED, T_AHEAD, T_ON_TRACK,
       T_BEHIND, T_MISSED, T_NO_DATA, T_EARLY, T_N };

static struct doc_column total_cols[T_N] = {
	[T_METRIC] = { COLUMN_KEY(COL_METRIC), "Metric", COL_TEXT, SHOW_ALL, false },
	[T_BASIS] = { COLUMN_KEY(COL_BASIS), "Basis", COL_TEXT, SHOW_ALL, false },
	[T_OWNERS] = { "owners", "Owners", COL_NUMBER, SHOW_ALL, false },
	[T_ACTUAL] = { COLUMN_KEY(COL_ACTUAL), "Actual", COL_NUMBER, SHOW_ALL, false },
	[T_TARGET] = { COLUMN_KEY(COL_TARGET), "Target", COL_NUMBER, SHOW_ALL, false },
	[T_ATTAIN] = { COLUMN_KEY(COL_ATTAINMENT), "Attainment", COL_NUMBER, SHOW_ALL, false },
	[T_PACE] = { COLUMN_KEY(COL_PACE), "Pace", COL_NUMBER, SHOW_ALL, false },
	[T_BAR] = { "bar", "", COL_BAR, SHOW_HUMAN, false },
	[T_ACHIEVED] = { "achieved", "Achieved", COL_NUMBER, SHOW_ALL, false },
	[T_AHEAD] = { "ahead", "Ahead", COL_NUMBER, SHOW_ALL, false },
	[T_ON_TRACK] = { "on_track", "On track", COL_NUMBER, SHOW_ALL, false },
	[T_BEHIND] = { "behind", "Behind", COL_NUMBER, SHOW_ALL, false },
	[T_MISSED] = { "missed", "Missed", COL_NUMBER, SHOW_ALL, false },
	[T_NO_DATA] = { "no_data", "Not measurable", COL_NUMBER, SHOW_ALL, false },
	[T_EARLY] = { "early", "Too early", COL_NUMBER, SHOW_ALL, false },
};

static const struct doc_column tier_cols[] = {
	{ COLUMN_KEY(COL_TIER), "Tier", COL_TEXT, SHOW_ALL, false },
	{ "owners", "Reps", COL_NUMBER, SHOW_ALL, false },
	{ "lowest", "Lowest score", COL_NUMBER, SHOW_ALL, false },
	{ "highest", "Highest score", COL_NUMBER, SHOW_ALL, false },
};

static const struct doc_column attention_cols[] = {
	{ COLUMN_KEY(COL_OWNER), "Owner", COL_TEXT, SHOW_ALL, false },
	{ "reason", "Why", COL_TEXT, SHOW_ALL, true },
	{ "figure", "Figure", COL_NUMBER, SHOW_DATA, false },
};

enum { TM_TEAM, TM_PERIOD, TM_OWNERS, TM_MEDIAN, TM_NFIELDS };

static struct doc_column team_fields[TM_NFIELDS] = {
	[TM_TEAM] = { COLUMN_KEY(COL_TEAM), "Team", COL_TEXT, SHOW_ALL, false },
	[TM_PERIOD] = { COLUMN_KEY(COL_PERIOD), "Period", COL_TEXT, SHOW_ALL, false },
	[TM_OWNERS] = { "owners", "Reps", COL_NUMBER, SHOW_ALL, false },
	[TM_MEDIAN] = { "median_score", "Median score", COL_NUMBER, SHOW_ALL, false },
};

struct member {
	size_t owner, team;
};

static const struct names *sort_names;
static bool median_on_pace; /* some section's median is of scores on pace: the footer says what it means */

static int cmp_members(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	int c = name_cmp(sort_names, a->team, b->team);
	return c ? c : name_cmp(sort_names, a->owner, b->owner);
}

static struct num count_num(size_t n)
{
	return num_of(decimal_from_int((int64_t)n), 0);
}

/* Whether some goal's period still runs at its as-of date. */
static bool running_any(const struct report *r)
{
	for (size_t i = 0; i < r->data->nprogress; i++) {
		if (progress_running(&r->data->progress[i]))
			return true;
	}
	return false;
}

/* One row per metric: sums for sums and counts, medians for levels. */
static void team_totals(struct report *r, struct section *sec, const struct member *m, size_t nm, struct period p)
{
	size_t *metrics = NULL, nmetric = 0, mcap = 0;
	struct table *seen = table_new(1);
	for (size_t i = 0; i < nm; i++) {
		size_t nown;
		const size_t *own = owner_progress(r, m[i].owner, &nown);
		for (size_t k = 0; k < nown; k++) {
			const struct progress_row *g = &r->data->progress[own[k]];
			bool created;
			if (period_cmp(g->period, p) != 0 || g->period.grain != p.grain)
				continue;
			table_upsert(seen, &g->metric, sizeof g->metric, &created);
			if (created) {
				xgrow((void **)&metrics, &mcap, nmetric + 1, sizeof *metrics);
				metrics[nmetric++] = g->metric;
			}
		}
	}
	table_free(seen);
	bool no_data = false, early = false, running = false;
	for (size_t i = 0; i < nm; i++) {
		size_t nown;
		const size_t *own = owner_progress(r, m[i].owner, &nown);
		for (size_t k = 0; k < nown; k++) {
			const struct progress_row *g = &r->data->progress[own[k]];
			if (period_cmp(g->period, p) != 0)
				continue;
			no_data |= g->status == STATUS_NO_DATA;
			early |= g->status == STATUS_EARLY;
			running |= progress_running(g);
		}
	}
	total_cols[T_NO_DATA].show = no_data ? SHOW_ALL : 0;
	total_cols[T_EARLY].show = early ? SHOW_ALL : 0;
	total_cols[T_PACE].show = running ? SHOW_ALL : 0;
	total_cols[T_OWNERS].label = "Reps";
	struct block *b = section_table(sec, "totals", "Goals", total_cols, T_N);
	for (size_t i = 1; i < nmetric; i++)
		for (size_t k = i; k > 0 && name_cmp(r->names, metrics[k], metrics[k - 1]) < 0; k--) {
			size_t t = metrics[k];
			metrics[k] = metrics[k - 1];
			metrics[k - 1] = t;
		}
	for (size_t k = 0; k < nmetric; k++) {
		struct metric_view mv = metric_view(r, metrics[k]);
		size_t owners = 0, status[STATUS_COUNT] = { 0 }, nv = 0;
		decimal actual = decimal_zero(), target = decimal_zero();
		decimal *actuals = xcalloc(nm + 1, sizeof *actuals), *targets = xcalloc(nm + 1, sizeof *targets);
		decimal *attains = xcalloc(nm + 1, sizeof *attains);
		decimal *paces = xcalloc(nm + 1, sizeof *paces);
		size_t nt = 0, na = 0, np = 0, nearly = 0;
		bool exact = true, lower = false;
		int places = 0;
		struct num elapsed = num_none(), left = num_none();
		for (size_t i = 0; i < nm; i++) {
			const struct progress_row *g = progress_find(r, m[i].owner, metrics[k], p);
			if (!g)
				continue;
			owners++;
			status[g->status]++;
			lower |= g->lower;
			places = g->target.places > places ? g->target.places : places;
			targets[nt++] = g->target.v;
			exact &= decimal_add(target, g->target.v, &target);
			if (g->actual.has) {
				actuals[nv++] = g->actual.v;
				exact &= decimal_add(actual, g->actual.v, &actual);
				places = g->actual.places > places ? g->actual.places : places;
			}
			if (g->attainment.has)
				attains[na++] = g->attainment.v;
			if (g->pace.has)
				paces[np++] = g->pace.v;
			nearly += g->status == STATUS_EARLY;
			if (g->days_elapsed.has && g->days_left.has) /* one period: the same days for all */
				elapsed = g->days_elapsed, left = g->days_left;
		}
		size_t row = dtable_row(&b->t);
		set_metric(r, &b->t, row, T_METRIC, metrics[k]);
		set_num(dtable_cell(&b->t, row, T_OWNERS), count_num(owners), U_COUNT);
		struct num att = num_none(), pace = num_none();
		if (metric_adds_up(r, metrics[k]) && exact) {
			set_str(&b->t, row, T_BASIS, "sum");
			set_num(dtable_cell(&b->t, row, T_ACTUAL), num_of(actual, places), mv.unit);
			set_num(dtable_cell(&b->t, row, T_TARGET), num_of(target, places), mv.unit);
			decimal q;
			if (lower ? decimal_div(target, actual, 4, ROUND_HALF_AWAY, &q)
				  : decimal_div(actual, target, 4, ROUND_HALF_AWAY, &q))
				att = num_of(q, 4);
			pace = sum_pace(actual, target, lower, elapsed, left);
		} else {
			decimal med;
			set_str(&b->t, row, T_BASIS, "median");
			if (median_of(actuals, nv, &med))
				set_num(dtable_cell(&b->t, row, T_ACTUAL), num_of(decimal_round(med, places, ROUND_HALF_AWAY), places), mv.unit);
			if (median_of(targets, nt, &med))
				set_num(dtable_cell(&b->t, row, T_TARGET), num_of(decimal_round(med, places, ROUND_HALF_AWAY), places), mv.unit);
			if (median_of(attains, na, &med))
				att = num_of(decimal_round(med, 4, ROUND_HALF_AWAY), 4);
			if (median_of(paces, np, &med))
				pace = num_of(decimal_round(med, 4, ROUND_HALF_AWAY), 4);
		}
		/* While the period runs, the part of the target done so far is no verdict (half-way
		 * through, a team on course has 50 %): the bar and its colour follow the pace, and
		 * none while it is too early to tell. Once it is over, they follow the attainment. */
		bool runs = left.has && decimal_sign(left.v) > 0;
		struct num shown = !runs ? att : nearly ? num_none() : pace;
		set_num(dtable_cell(&b->t, row, T_ATTAIN), att, U_PERCENT);
		dtable_cell(&b->t, row, T_ATTAIN)->tone = runs ? TONE_NONE : attainment_tone(att);
		set_num(dtable_cell(&b->t, row, T_PACE), runs && !nearly ? pace : num_none(), U_PERCENT);
		dtable_cell(&b->t, row, T_PACE)->tone = runs && !nearly ? attainment_tone(pace) : TONE_NONE;
		set_num(dtable_cell(&b->t, row, T_BAR), shown, U_PERCENT);
		dtable_cell(&b->t, row, T_BAR)->tone = attainment_tone(shown);
		set_num(dtable_cell(&b->t, row, T_ACHIEVED), count_num(status[STATUS_ACHIEVED]), U_COUNT);
		set_num(dtable_cell(&b->t, row, T_AHEAD), count_num(status[STATUS_AHEAD]), U_COUNT);
		set_num(dtable_cell(&b->t, row, T_ON_TRACK), count_num(status[STATUS_ON_TRACK]), U_COUNT);
		set_num(dtable_cell(&b->t, row, T_BEHIND), count_num(status[STATUS_BEHIND]), U_COUNT);
		set_num(dtable_cell(&b->t, row, T_MISSED), count_num(status[STATUS_MISSED]), U_COUNT);
		set_num(dtable_cell(&b->t, row, T_NO_DATA), count_num(status[STATUS_NO_DATA]), U_COUNT);
		set_num(dtable_cell(&b->t, row, T_EARLY), count_num(status[STATUS_EARLY]), U_COUNT);
		free(actuals);
		free(targets);
		free(attains);
		free(paces);
	}
	free(metrics);
}

struct tier_count {
	size_t tier, n;
	decimal low, high;
};

static int cmp_tier_counts(const void *pa, const void *pb)
{
	const struct tier_count *a = pa, *b = pb;
	int c = decimal_cmp(b->high, a->high);
	return c ? c : decimal_cmp(b->low, a->low);
}

static void team_tiers(struct report *r, struct section *sec, const struct member *m, size_t nm, struct period p)
{
	struct tier_count *t = xcalloc(nm + 1, sizeof *t);
	size_t n = 0;
	for (size_t i = 0; i < nm; i++) {
		const struct score_row *s = score_find(r, m[i].owner, p);
		if (!s || !s->score.has) /* nothing measured: no score, no tier */
			continue;
		size_t k = 0;
		while (k < n && t[k].tier != s->tier)
			k++;
		if (k == n) {
			t[n].tier = s->tier;
			t[n].low = t[n].high = s->score.v;
			n++;
		}
		t[k].n++;
		if (decimal_cmp(s->score.v, t[k].low) < 0)
			t[k].low = s->score.v;
		if (decimal_cmp(s->score.v, t[k].high) > 0)
			t[k].high = s->score.v;
	}
	/* in the order of --tiers when given, else from the highest scores down */
	if (r->tiers.n) {
		for (size_t k = 0; k < n; k++) {
			long x = t[k].tier != NONE ? tier_find(&r->tiers, r->names->s[t[k].tier]) : -1;
			t[k].high = decimal_from_int(x >= 0 ? -(int64_t)x : -(int64_t)r->tiers.n - 1);
		}
	}
	if (n == 0) { /* no score (none yet, or too early to judge): no table of nothing */
		free(t);
		return;
	}
	qsort(t, n, sizeof *t, cmp_tier_counts);
	struct block *b = section_table(sec, "tiers", "Tiers", tier_cols, 4);
	for (size_t k = 0; k < n; k++) {
		size_t row = dtable_row(&b->t);
		if (t[k].tier == NONE)
			set_str(&b->t, row, 0, "(none)");
		else
		{
			set_name(dtable_cell(&b->t, row, 0), r->names, t[k].tier);
			struct sbuf w = { 0 };
			sb_tier_label(&w, r, t[k].tier);
			set_human(&b->t, row, 0, w.s, w.len);
			sb_free(&w);
		}
		set_num(dtable_cell(&b->t, row, 1), count_num(t[k].n), U_COUNT);
	}
	/* lowest and highest again, as found (the order above may have replaced them) */
	for (size_t k = 0; k < n; k++) {
		decimal lo = { 0 }, hi = { 0 };
		bool any = false;
		for (size_t i = 0; i < nm; i++) {
			const struct score_row *s = score_find(r, m[i].owner, p);
			if (!s || !s->score.has || s->tier != t[k].tier)
				continue;
			if (!any || decimal_cmp(s->score.v, lo) < 0)
				lo = s->score.v;
			if (!any || decimal_cmp(s->score.v, hi) > 0)
				hi = s->score.v;
			any = true;
		}
		set_num(dtable_cell(&b->t, k, 2), num_of(lo, 4), U_PERCENT);
		set_num(dtable_cell(&b->t, k, 3), num_of(hi, 4), U_PERCENT);
	}
	free(t);
}

struct concern {
	size_t owner;
	int order;     /* no activity first, then by the figure */
	decimal key;   /* the figure: the worst goal's pace (attainment once over), else the score */
	char *why;
	size_t len;
	struct num figure;
};

static const struct names *concern_names;

static int cmp_concerns(const void *pa, const void *pb)
{
	const struct concern *a = pa, *b = pb;
	if (a->order != b->order)
		return a->order - b->order;
	int c = decimal_cmp(a->key, b->key);
	return c ? c : name_cmp(concern_names, a->owner, b->owner);
}

/* Needs attention: the reps whose standing needs a manager's attention, worst first:
 * no activity at all (first, in words); a score under --attention-below; or a goal behind
 * (missed once the period is over) while the rep is not on course overall. On course
 * overall: a score of 100 % or more (on pace while the period runs), or the group's top
 * performer (rank 1, named under Recognition): one lagging goal of a rep who meets the
 * whole plan is no concern for this list, and a report that praises and flags the same
 * rep for it contradicts itself. A score under the line is listed even for rank 1: the
 * best of a weak group still needs attention. Without scores, any goal behind or missed
 * counts. Each row gives the one figure that matters: the worst goal's pace (its final
 * attainment once over), else the score. Goals that cannot be measured yet are not
 * behind. */
static void team_attention(struct report *r, struct section *sec, const struct member *m, size_t nm, struct period p)
{
	struct block *b = section_table(sec, "attention", "Needs attention", attention_cols, 3);
	struct concern *c = xcalloc(nm + 1, sizeof *c);
	size_t nc = 0, too_early = 0;
	bool scored_any = false, over = false;
	for (size_t i = 0; i < nm; i++) {
		struct sbuf why = { 0 };
		size_t nown, ngoal, nbehind = 0, nmissed = 0;
		owner_progress(r, m[i].owner, &nown);
		const struct progress_row **goals = xcalloc(nown + 1, sizeof *goals), *worst = NULL;
		const struct progress_row **early = xcalloc(nown + 1, sizeof *early);
		decimal worst_v = decimal_zero();
		size_t nearly;
		ngoal = owner_period_goals(r, m[i].owner, p, goals, early, &nearly);
		free(early); /* too early to tell: no concern */
		too_early += nearly > 0;
		for (size_t k = 0; k < ngoal; k++) {
			const struct progress_row *g = goals[k];
			over |= !progress_running(g);
			if (g->status != STATUS_BEHIND && g->status != STATUS_MISSED)
				continue;
			struct num f = g->status == STATUS_BEHIND && g->pace.has ? g->pace : g->attainment;
			if (!f.has)
				continue;
			nbehind += g->status == STATUS_BEHIND;
			nmissed += g->status == STATUS_MISSED;
			if (!worst || decimal_cmp(f.v, worst_v) < 0 ||
			    (decimal_cmp(f.v, worst_v) == 0 && name_cmp(r->names, g->metric, worst->metric) < 0)) {
				worst = g;
				worst_v = f.v;
			}
		}
		const struct score_row *s = score_find(r, m[i].owner, p);
		bool scored = s && s->score.has;
		bool under = scored && decimal_cmp(s->score.v, r->opt->attention) < 0;
		bool top = scored && s->rank.has && decimal_cmp(s->rank.v, decimal_from_int(1)) == 0;
		bool on_course = scored && !under && (decimal_cmp(s->score.v, decimal_from_int(1)) >= 0 || top);
		scored_any |= scored;
		struct concern *x = &c[nc];
		x->owner = m[i].owner;
		if (no_activity(goals, ngoal)) {
			x->order = 0;
			sb_printf(&why, "no activity recorded%s on any of %zu goal%s", progress_running(goals[0]) ? " yet" : "",
				  ngoal, ngoal == 1 ? "" : "s");
		} else if (worst && !on_course) {
			x->order = 1;
			x->key = worst_v;
			x->figure = num_of(worst_v, 4);
			sb_metric_label(&why, r, worst->metric, true);
			if (worst->status == STATUS_BEHIND && worst->pace.has) {
				sb_str(&why, " at ");
				sb_percent(&why, worst_v);
				sb_str(&why, " of pace");
			} else {
				sb_str(&why, " ended at ");
				sb_percent(&why, worst_v);
				sb_str(&why, " of its goal");
			}
			/* behind while the period runs, missed once it is over: as the Goals table says */
			if (nbehind + nmissed > 1)
				sb_printf(&why, " (%zu goals %s)", nbehind + nmissed,
					  !nmissed ? "behind" : !nbehind ? "missed" : "behind or missed");
		} else if (under) {
			x->order = 1;
			x->key = s->score.v;
			x->figure = s->score;
			sb_str(&why, on_pace(r, s) ? "score on pace " : "score ");
			sb_percent(&why, s->score.v);
			sb_str(&why, " under ");
			sb_percent(&why, r->opt->attention);
		}
		free(goals);
		if (why.len) {
			x->why = why.s;
			x->len = why.len;
			nc++;
		} else {
			sb_free(&why);
		}
	}
	concern_names = r->names;
	if (nc > 1)
		qsort(c, nc, sizeof *c, cmp_concerns);
	for (size_t i = 0; i < nc; i++) {
		size_t row = dtable_row(&b->t);
		set_name(dtable_cell(&b->t, row, 0), r->names, c[i].owner);
		set_text(&b->t, row, 1, c[i].why, c[i].len);
		dtable_cell(&b->t, row, 1)->tone = TONE_WARN;
		set_num(dtable_cell(&b->t, row, 2), c[i].figure, U_PERCENT);
		free(c[i].why);
	}
	free(c);
	if (b->t.nrow == 0) {
		size_t row = dtable_row(&b->t);
		set_str(&b->t, row, 0, "(nobody)");
		if (too_early) {
			struct sbuf why = { 0 };
			sb_printf(&why, "too early in the period to tell a pace for %zu rep%s; nobody behind otherwise",
				  too_early, too_early == 1 ? "" : "s");
			set_str(&b->t, row, 1, why.s);
			sb_free(&why);
		} else {
			set_str(&b->t, row, 1,
				scored_any ? over ? "nobody under the line, and nobody short of 100 % with a goal missed"
						  : "nobody under the line, and nobody short of 100 % with a goal behind"
				: over	   ? "every goal achieved"
					   : "every goal achieved, ahead or on track");
		}
	}
}

static void team_section(struct report *r, struct doc *d, const struct member *m, size_t nm, struct period p)
{
	char label[PERIOD_LABEL_SIZE];
	size_t team = m[0].team;
	size_t group = team == NONE ? name_id(r->names, "All reps", 8) : team;
	decimal *scores = xcalloc(nm + 1, sizeof *scores), median;
	size_t ns = 0, npace = 0;
	for (size_t i = 0; i < nm; i++) {
		const struct score_row *s = score_find(r, m[i].owner, p);
		if (s && s->score.has) {
			scores[ns++] = s->score.v;
			npace += on_pace(r, s);
		}
	}
	/* mid-period scores are paces, not attainments so far: the label says so, as the
	 * leaderboard's "On course for" does (set before the section copies the fields) */
	team_fields[TM_MEDIAN].label = ns && npace == ns ? "Median score on pace" : "Median score";
	median_on_pace |= ns && npace == ns;
	struct section *sec = doc_section(d, group, team_fields, TM_NFIELDS, 2);
	set_name(field(sec, TM_TEAM), r->names, group);
	set_str(&sec->fields, 0, TM_PERIOD, period_label(p, label));
	set_num(field(sec, TM_OWNERS), count_num(nm), U_COUNT);
	if (median_of(scores, ns, &median))
		set_num(field(sec, TM_MEDIAN), num_of(decimal_round(median, 4, ROUND_HALF_AWAY), 4), U_PERCENT);
	free(scores);
	if (r->data->has[STREAM_PROGRESS])
		team_totals(r, sec, m, nm, p);
	if (r->data->has[STREAM_SCORES])
		team_tiers(r, sec, m, nm, p);
	team_attention(r, sec, m, nm, p);
	struct block *notes = section_notes(sec, "recognition", NULL);
	period_recognition(r, p, team, notes);
}

/* After the groups of a period: the totals over all their reps. */
static void all_reps_section(struct report *r, struct doc *d, const struct member *m, size_t nm, struct period p)
{
	char label[PERIOD_LABEL_SIZE];
	struct section *sec = doc_section(d, NONE, team_fields, TM_NFIELDS, 2);
	sec->summary = true;
	set_str(&sec->fields, 0, TM_TEAM, "All reps");
	set_str(&sec->fields, 0, TM_PERIOD, period_label(p, label));
	set_num(field(sec, TM_OWNERS), count_num(nm), U_COUNT);
	team_totals(r, sec, m, nm, p);
}

void build_team(struct report *r, struct doc *d)
{
	enum stream_id s = primary_stream(r->data, K_TEAM);
	team_fields[TM_MEDIAN].show = r->data->has[STREAM_SCORES] ? SHOW_ALL : 0;
	median_on_pace = false;
	team_fields[TM_TEAM].key = doc_keep(d, xstrdup(group_word(r)));
	team_fields[TM_TEAM].label = doc_keep(d, group_heading(r));
	for (size_t c = 0; c < r->ncurrent; c++) {
		struct period p = r->current[c];
		size_t n;
		size_t *owners = reps_in(r, s, p, &n);
		struct member *m = xcalloc(n + 1, sizeof *m);
		for (size_t i = 0; i < n; i++) {
			m[i].owner = owners[i];
			m[i].team = team_of(r, owners[i], p);
		}
		sort_names = r->names;
		if (n > 1)
			qsort(m, n, sizeof *m, cmp_members);
		size_t ngroups = 0;
		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && m[j].team == m[i].team; j++)
				;
			team_section(r, d, m + i, j - i, p);
			ngroups++;
		}
		if (ngroups > 1 && r->data->has[STREAM_PROGRESS] && !r->opt->owner)
			all_reps_section(r, d, m, n, p);
		free(m);
		free(owners);
	}
	const char *w = group_word(r);
	doc_footer(d, "Goals: sums and counts are added up over the %s's reps (and over all reps, in the last "
		      "section), and the attainment is the sum of actuals over the sum of targets; for ratios and "
		      "averages (win rate, average deal, cycle days) the row gives the medians instead. Not measurable: "
		      "goals with nothing to measure them on yet (status no_data), never counted as behind.%s%s", w,
		   running_any(r) ? " While the period runs, the part of the target done so far is no verdict: Pace is "
				    "the actual against what was expected by the as-of date (sums: the sum of actuals "
				    "over the sum of targets times the elapsed share of the period, exactly; ratios and "
				    "averages: the median pace), and the bar follows it (none while too early to tell)."
				  : "",
		   any_early(r->data) ? " Too early: goals of a period too young for a pace to mean anything (status "
					"early), neither behind nor ahead, and no reason for attention."
				      : "");
	if (r->data->has[STREAM_SCORES])
		doc_footer(d, "Needs attention: reps who need a manager's attention, worst first: no activity at all "
			      "(first), a score under the --attention-below line, or a goal behind (missed, once the period "
			      "is over) while not on course overall, that is short of a score of 100 %% (on pace while the "
			      "period runs) and not rank 1, the top performer. Each row gives the figure that matters: the "
			      "pace of the furthest-behind goal (actual against what was expected by the as-of date), or "
			      "its final attainment once the period is over, else the score; \"N goals behind\" "
			      "(\"missed\" once over) counts all of the rep's.");
	else
		doc_footer(d, "Needs attention: reps with a goal behind (missed, once the period is over), worst first, "
			      "with the figure that matters: the pace of their furthest-behind goal (actual against what "
			      "was expected by the as-of date), or its final attainment once the period is over; a rep "
			      "with no activity at all comes first.");
	if (median_on_pace)
		doc_footer(d, "Median score on pace: while the period runs, spm-score scores each goal's pace instead "
			      "of its attainment so far, so the median of 100 %% means the group's middle rep is on "
			      "course to meet the goals.");
	doc_footer(d, "Groups: %s; reps only (the goals of teams, managers and regions are left out).",
		   r->has_roster ? "the roster's --level column"
		   : r->data->scores_grouped ? "the scores' group column"
					     : "none given, so everyone together");
	common_footer(r, d);
}
